"""Builds the ASL states of a checked flow: regions, scopes, routing (Choice), fan-out (Parallel), loops.

A region is a set of nodes compiled into one `States` map: the top level, a Parallel branch or a
loop body. A fork (several unconditional out-edges, or several roots) becomes a Parallel whose
branches run up to the join: the nearest common post-dominator of the branch starts. Variables
assigned inside a branch are not visible outside it in Step Functions, so each branch outputs them
and the Parallel re-assigns them one scope up. Scopes `depth` levels deep name variables `n<depth>_`
so that no inner variable shadows an outer one.
"""

from __future__ import annotations

import heapq
from typing import Any

from deca.errors import CompileError, CompileErrors
from deca.flow.models import NodeBase
from statemachines.compiler import data_emitters  # noqa: F401  (registers the per-type emitters)
from statemachines.compiler.emitters import EMITTERS, TYPE_EMITTERS, States, jsonata
from statemachines.compiler.graph import EXIT, FlowGraph, postdominators, variable_name
from statemachines.compiler.references import FlowTemplates
from statemachines.compiler.rendering import BuildSettings, Rendering
from statemachines.compiler.scopes import Region, Scope, Unstructured, field_name, literal, reachable

__all__ = ["BuildSettings", "Builder"]

_MAX_STATE_NAME = 80


def _check_unique_names(states: States, seen: set[str] | None = None) -> set[str]:
    """ASL state names are unique across the whole machine (branches and Map bodies included)."""
    seen = set() if seen is None else seen
    for name, state in states.items():
        if name in seen:
            raise CompileErrors([CompileError(f"internal: state '{name}' would be emitted twice")])
        seen.add(name)
        for branch in state.get("Branches", []):
            _check_unique_names(branch["States"], seen)
        if "ItemProcessor" in state:
            _check_unique_names(state["ItemProcessor"]["States"], seen)
    return seen


class Builder(Rendering):
    """Compiles a checked flow (graph + templates) into an ASL document."""

    def __init__(self, graph: FlowGraph, templates: FlowTemplates, settings: BuildSettings) -> None:
        super().__init__(graph, templates, settings)
        self._regions: list[Region] = []

    def catch(self, node: NodeBase, next_state: str) -> list[dict[str, Any]]:
        """Catchers for on_error / settings.error_strategy; empty when the error stops the flow."""
        return self._catch(node.id, node.on_error, next_state)

    def _catch(self, owner: str, on_error: Any, next_state: str) -> list[dict[str, Any]]:
        settings = self.flow.settings
        errors = list(on_error.errors) if on_error is not None else ["States.ALL"]
        if on_error is not None:
            action, target = on_error.action, on_error.route_to
        elif settings.error_strategy == "continue_on_error":
            action, target = "continue", None
        elif (
            settings.error_strategy == "route_to_error_path"
            and self._scope.depth == 0
            and owner not in self.graph.error_path_nodes  # the error path itself must not loop back
        ):
            action, target = "route", settings.error_path
        else:
            action, target = "stop", None
        if action == "stop":
            return []
        error_object = (
            '{"error": $states.errorOutput.Error, "cause": $states.errorOutput.Cause, "node_id": '
            + literal(owner)
            + "}"
        )
        assign: dict[str, Any] = {}
        if owner in self.graph.nodes:
            assign[self.assign_name(owner)] = jsonata(
                '{"error": $states.errorOutput.Error, "cause": $states.errorOutput.Cause}'
            )
        if action == "continue":
            return [{"ErrorEquals": errors, "Next": next_state, "Assign": assign}]
        assert target is not None
        region = self._region
        if target not in region.members:
            raise CompileErrors(
                [
                    CompileError(
                        f"on_error routes to '{target}', which is outside this node's parallel branch or loop "
                        "body (an error path must stay in the same branch)",
                        node_id=owner if owner in self.graph.nodes else None,
                        position=self.graph.where(owner, "on_error.route_to")
                        if owner in self.graph.nodes
                        else None,
                    )
                ]
            )
        error_var = "error" if self._scope.depth == 0 else f"error{self._scope.depth}"
        self._scope.error = error_var
        assign[error_var] = jsonata(error_object)
        return [{"ErrorEquals": errors, "Next": self._goto(region, [target], ""), "Assign": assign}]

    def loop_body(self, node: NodeBase) -> tuple[dict[str, Any], dict[str, Any]]:
        """Compile a loop's body into a Map ItemProcessor; returns it and extra ItemSelector entries."""
        loop = node.id
        config = self.full_config(node)
        items = config.get("items")
        concurrency = config.get("max_concurrency")
        distributed = (isinstance(items, list) and len(items) > self.settings.distributed_threshold) or (
            isinstance(concurrency, int) and concurrency > self.settings.inline_max_concurrency
        )
        outer = self._scope
        scope = Scope(outer.depth + 1, outer, distributed=distributed)
        scope.item = str(scope.depth)
        body = {n for n in self.graph.loop_body[loop] if self.graph.region[n] == loop}
        end_state = f"{loop}.body.end"
        init_state = f"{loop}.item"
        start, states = self._compile_region(scope, body, [self.graph.loop_entry[loop]], end_state)
        last = [n for n in self.graph.loop_last[loop]]
        self._scope = scope
        result = self._first_present(last)
        self._scope = outer
        assign: dict[str, Any] = {
            f"item{scope.depth}": jsonata("$states.input.item"),
            f"index{scope.depth}": jsonata("$states.input.index"),
        }
        selector: dict[str, Any] = {}
        if scope.imports:
            selector["vars"] = {name: jsonata(expr) for name, expr in sorted(scope.imports.items())}
            for name in sorted(scope.imports):
                assign[name] = jsonata(f"$states.input.vars.{name}")
        assign.update(self._null_vars(scope, body))
        all_states: States = {init_state: {"Type": "Pass", "Assign": assign, "Next": start}}
        all_states.update(states)
        all_states[end_state] = {"Type": "Pass", "Output": jsonata(result), "End": True}
        mode: dict[str, Any] = (
            {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"} if distributed else {"Mode": "INLINE"}
        )
        processor = {
            "ProcessorConfig": mode,
            "StartAt": init_state,
            "States": reachable(all_states, init_state),
        }
        return processor, selector

    def _first_present(self, nodes: list[str]) -> str:
        names = ["$" + self._scope.var(n) for n in nodes]
        expression = names[-1] if names else "null"
        for name in reversed(names[:-1]):
            expression = f"({name} != null) ? {name} : {expression}"
        return expression

    # --- regions -------------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        """The ASL document of the flow."""
        graph = self.graph
        top = {n for n in graph.nodes if graph.region[n] is None}
        start, states = self._compile_region(self._scope, top, list(graph.roots), "_end", "_roots")
        document_states: States = {
            "_start": {
                "Type": "Pass",
                "Assign": self._null_vars(self._scope, top) or {"deca": None},
                "Next": start,
            }
        }
        document_states.update(states)
        outputs = ", ".join(
            f"{literal(n)}: ${variable_name(n, 0)}"
            for n in graph.order
            if n in top and graph.kind(n) != "fail"
        )
        document_states["_end"] = {
            "Type": "Pass",
            "Output": jsonata("$merge([{}, $sift({" + outputs + "}, function($v) { $v != null })])"),
            "End": True,
        }
        _check_unique_names(document_states)
        comment = f"{self.flow.name} (flow {self.flow.id}, version {self.flow.version})"
        return {
            "Comment": comment,
            "QueryLanguage": "JSONata",
            "StartAt": "_start",
            "TimeoutSeconds": self.flow.settings.timeout,
            "States": reachable(document_states, "_start"),
        }

    def _null_vars(self, scope: Scope, members: set[str]) -> dict[str, Any]:
        ordered = sorted(members, key=self.graph.topo_index.__getitem__)
        return {variable_name(n, scope.depth): None for n in ordered if self.graph.kind(n) != "fail"}

    @property
    def _region(self) -> Region:
        return self._regions[-1]

    def _region_for(self, scope: Scope, members: set[str], exit_state: str) -> Region:
        graph = self.graph
        ordered = sorted(members, key=graph.topo_index.__getitem__)

        def successors(node_id: str) -> list[str]:
            return [
                e.target
                for e in graph.out_edges[node_id]
                if not graph.is_back_edge(e) and not graph.is_body_edge(e)
            ]

        ipdom, lca = postdominators(ordered, successors, lambda n: graph.kind(n) == "fail")
        return Region(scope, members, exit_state, ipdom, lca)

    def _compile_region(
        self, scope: Scope, members: set[str], entries: list[str], exit_state: str, fork_name: str = ""
    ) -> tuple[str, States]:
        """Compile `members` into one States map; returns the start state and the states.

        Fan-outs become Parallel states; when paths cross fan-out branches (no Parallel can express
        them), the whole region runs as one guarded sequence instead (see `_compile_sequence`).
        """
        region = self._region_for(scope, members, exit_state)
        self._regions.append(region)
        saved = self._scope
        snapshot = (set(scope.assigned), dict(scope.imports), scope.error)
        self._scope = scope
        try:
            start = self._goto(region, entries, fork_name or f"{entries[0]}.start")
            self._drain(region)
        except Unstructured as problem:
            if not all(self._can_interleave(n) for n in members):
                raise CompileErrors(problem.errors) from None
            scope.assigned, scope.imports, scope.error = set(snapshot[0]), dict(snapshot[1]), snapshot[2]
            self._scope = saved
            self._regions.pop()
            return self._compile_sequence(scope, entries, members, exit_state)
        finally:
            if self._regions and self._regions[-1] is region:
                self._scope = saved
                self._regions.pop()
        return start, region.states

    def _drain(self, region: Region) -> None:
        while region.queue:
            _, node_id = heapq.heappop(region.queue)
            self._emit_node(region, node_id)

    def _schedule(self, region: Region, node_id: str) -> str:
        if node_id in region.claimed:
            raise self._crossing(node_id, region.claimed[node_id])
        if node_id not in region.scheduled:
            region.scheduled.add(node_id)
            heapq.heappush(region.queue, (self.graph.topo_index[node_id], node_id))
        return node_id

    def _goto(self, region: Region, targets: list[str], fork_name: str) -> str:
        """The state that starts `targets` (one node, or a Parallel of them) in this region."""
        unique = [t for i, t in enumerate(targets) if t not in targets[:i] and t in region.members]
        if not unique:
            return region.exit_state
        if len(unique) == 1:
            return self._schedule(region, unique[0])
        return self._fork(region, unique, fork_name)

    def _fork(self, region: Region, targets: list[str], name: str) -> str:
        graph = self.graph
        join = region.lca(targets)
        stop = join if join != EXIT else None
        branches = self._branches(region, [t for t in targets if t != stop], stop)
        for _entries, members in branches:
            for member in members:
                if member in region.claimed:
                    raise self._crossing(member, region.claimed[member])
                if member in region.scheduled:
                    raise self._crossing(member, name)
        for _entries, members in branches:
            region.claimed.update(dict.fromkeys(members, name))
        after = self._goto(region, [join], "") if join != EXIT else region.exit_state
        if not branches:
            return after
        self._check_name(name)
        parent = self._scope
        asl_branches: list[dict[str, Any]] = []
        reassign: dict[str, Any] = {}
        for index, (entries, members) in enumerate(branches, start=1):
            scope = Scope(parent.depth + 1, parent)
            prefix = f"{name}.branch{index}"
            if len(entries) == 1:
                start, states = self._compile_region(scope, members, entries, f"{prefix}.end")
            else:
                start, states = self._compile_sequence(scope, entries, members, f"{prefix}.end")
            carried = [
                n for n in sorted(members, key=graph.topo_index.__getitem__) if graph.kind(n) != "fail"
            ]
            self._scope = scope
            outputs = ", ".join(f"{literal(n)}: {self.var(n)}" for n in carried)
            self._scope = parent
            branch_states: States = {
                prefix: {"Type": "Pass", "Assign": self._null_vars(scope, members), "Next": start}
            }
            branch_states.update(states)
            branch_states[f"{prefix}.end"] = {
                "Type": "Pass",
                "Output": jsonata("{" + outputs + "}"),
                "End": True,
            }
            asl_branches.append({"StartAt": prefix, "States": reachable(branch_states, prefix)})
            for n in carried:
                parent.assigned.add(n)
                reassign[variable_name(n, parent.depth)] = jsonata(
                    f"$states.result[{index - 1}].{field_name(n)}"
                )
        state: dict[str, Any] = {"Type": "Parallel", "Branches": asl_branches, "Assign": reassign}
        catch = (
            self._catch(name, None, after)
            if self.flow.settings.error_strategy == "route_to_error_path"
            else []
        )
        if catch:
            state["Catch"] = catch
        region.states[name] = state
        if after == join and not self._join_surely_reached(join, targets, branches):
            # every path into the join may have ended inside its branch: the join runs only if one
            # of its incoming edges is active (as in a guarded sequence)
            guard = f"{name}.join"
            self._check_name(guard)
            condition = self._guard(join, region.members)
            region.states[guard] = {
                "Type": "Choice",
                "Choices": [{"Condition": jsonata(condition), "Next": join}],
            }
            region.states[guard]["Default"] = region.exit_state
            after = guard
        state["Next"] = after
        return name

    def _join_surely_reached(
        self, join: str, targets: list[str], branches: list[tuple[list[str], set[str]]]
    ) -> bool:
        """True when some edge into the join is active whenever the fan-out starts."""
        graph = self.graph
        if join in targets:
            return True
        for entries, members in branches:
            sure = set(entries)
            for node_id in sorted(members, key=graph.topo_index.__getitem__):
                if node_id not in sure and any(
                    self._sure_edge(e.source, e.condition, sure) for e in graph.in_edges[node_id]
                ):
                    sure.add(node_id)
            if any(self._sure_edge(e.source, e.condition, sure) for e in graph.in_edges[join]):
                return True
        return False

    def _sure_edge(self, source: str, condition: str | None, sure: set[str]) -> bool:
        return source in sure and condition is None and not self.graph.routing(source).rules

    def _branches(
        self, region: Region, targets: list[str], stop: str | None
    ) -> list[tuple[list[str], set[str]]]:
        """The branches of a fan-out: (entries, members); branches sharing nodes become one group.

        A group of several entries runs its nodes one after the other in topological order, which
        keeps every "from before to" constraint; that is only sound without routing (conditions,
        error routes, Fail), so otherwise sharing is a compile error.
        """
        groups: list[tuple[list[str], set[str]]] = []
        for target in targets:
            members = self._reach(region, target, stop)
            entries = [target]
            for group in [g for g in groups if g[1] & members]:
                groups.remove(group)
                entries = [*group[0], *entries]
                members |= group[1]
            groups.append((entries, members))
        groups.sort(key=lambda g: targets.index(g[0][0]))
        for entries, members in groups:
            if len(entries) > 1 and not all(self._can_interleave(n) for n in members):
                shared = min(
                    (m for m in members if sum(m in self._reach(region, e, stop) for e in entries) > 1),
                    key=self.graph.topo_index.__getitem__,
                )
                raise Unstructured(
                    [
                        CompileError(
                            f"fan-out branches starting at {', '.join(repr(e) for e in entries)} share node "
                            f"'{shared}' before they join, and error routes cannot be interleaved; "
                            "join them in one node (e.g. a merge) first",
                            node_id=shared,
                            position=self.graph.where(shared),
                        )
                    ]
                )
        return groups

    def _can_interleave(self, node_id: str) -> bool:
        """Error routes and error handlers cannot be interleaved (their guard is not observable)."""
        graph = self.graph
        return node_id not in graph.error_targets and node_id not in graph.error_path_nodes

    def _compile_sequence(
        self, scope: Scope, entries: list[str], members: set[str], exit_state: str
    ) -> tuple[str, States]:
        """Compile interleaved fan-out branches one node after the other, in topological order.

        Each node that is not a branch start first passes a guard Choice `<id>.guard`: it runs when
        one of its incoming edges is active (its source ran, with the label / condition / default
        that routes to it), else it is skipped; this keeps every "from before to" constraint.
        """
        region = self._region_for(scope, members, exit_state)
        self._regions.append(region)
        saved = self._scope
        self._scope = scope
        ordered = sorted(members, key=self.graph.topo_index.__getitem__)
        guarded = [n not in entries for n in ordered]
        firsts = [f"{n}.guard" if g else n for n, g in zip(ordered, guarded, strict=True)]
        try:
            for index, node_id in enumerate(ordered):
                region.scheduled.add(node_id)
                following = firsts[index + 1] if index + 1 < len(ordered) else exit_state
                if guarded[index]:
                    self._check_name(firsts[index])
                    region.states[firsts[index]] = {
                        "Type": "Choice",
                        "Choices": [{"Condition": jsonata(self._guard(node_id, members)), "Next": node_id}],
                        "Default": following,
                    }
                self._emit_node(region, node_id, following)
        finally:
            self._scope = saved
            self._regions.pop()
        return firsts[0], region.states

    def _guard(self, node_id: str, members: set[str]) -> str:
        """JSONata: true when an edge into `node_id` from the group is active."""
        graph = self.graph
        terms: list[str] = []
        for source in dict.fromkeys(e.source for e in graph.in_edges[node_id] if e.source in members):
            routing = graph.routing(source)
            taken: list[str] = []
            previous: list[str] = []
            for rule in routing.rules:
                condition = self._rule_condition(source, rule.when, rule.key)
                if node_id in rule.targets:
                    taken.append(" and ".join([*(f"$not({p})" for p in previous), condition]))
                previous.append(condition)
            if node_id in routing.default:
                taken.append(" and ".join(f"$not({p})" for p in previous) or "true")
            if taken:
                alternatives = " or ".join(f"({t})" for t in taken)
                terms.append(f"({self.var(source)} != null and ({alternatives}))")
        return "(" + (" or ".join(terms) or "false") + ") ? true : false"

    def _rule_condition(self, node_id: str, when: str, key: str) -> str:
        if when == "result":
            return f"{self.var(node_id)}.result = true"
        if when == "case":
            return f"{self.var(node_id)}.case = {literal(key)}"
        return f"({self.condition(self.graph.nodes[node_id], key)} ? true : false)"

    def _crossing(self, node_id: str, fork: str) -> CompileErrors:
        owner = fork.split(".", 1)[0]
        where = "the parallel start nodes" if owner == "_roots" else f"'{owner}'"
        message = (
            f"node runs in a fan-out branch of {where} but is also reached from outside that fan-out; "
            "connect it after the join or only from inside the branch"
        )
        return Unstructured([CompileError(message, node_id=node_id, position=self.graph.where(node_id))])

    def _reach(self, region: Region, start: str, stop: str | None) -> set[str]:
        graph = self.graph
        seen: set[str] = set()
        stack = [start]
        while stack:
            current = stack.pop()
            if current in seen or current == stop or current not in region.members:
                continue
            seen.add(current)
            for edge in graph.out_edges[current]:
                if not graph.is_back_edge(edge) and not graph.is_body_edge(edge):
                    stack.append(edge.target)
            target = graph.error_targets.get(current)
            if target is not None:
                stack.append(target)
        return seen

    # --- nodes ---------------------------------------------------------------------------------

    def _emit_node(self, region: Region, node_id: str, next_state: str | None = None) -> None:
        graph = self.graph
        node = graph.nodes[node_id]
        spec = graph.spec(node_id)
        emitter = TYPE_EMITTERS.get(spec.type) or EMITTERS.get(spec.kind)
        if emitter is None:
            raise CompileErrors(
                [CompileError(f"no ASL emitter for node kind '{spec.kind}'", node_id=node_id)]
            )
        region.states[node_id] = {}  # keeps the node's state first among the states it leads to
        self.emitting = node_id
        if spec.kind != "fail":
            self.assign_name(node_id)
        if next_state is None:
            next_state = self._routing(region, node_id)
        self.emitting = node_id  # routing may have built nested regions for other nodes
        states = emitter(self, node, next_state)
        for name in states:
            self._check_name(name)
        region.states.update(states)

    def _check_name(self, name: str) -> None:
        if len(name) > _MAX_STATE_NAME:
            raise CompileErrors(
                [CompileError(f"state name '{name}' is longer than 80 characters; use a shorter node id")]
            )

    def _routing(self, region: Region, node_id: str) -> str:
        """The state after a node: its Choice `<id>.route`, a fork `<id>.fork`, a node or the exit."""
        graph = self.graph
        routing = graph.routing(node_id)
        if graph.kind(node_id) == "fail":
            return region.exit_state
        if not routing.rules:
            return self._goto(region, list(routing.default), f"{node_id}.fork")
        node = graph.nodes[node_id]
        route = f"{node_id}.route"
        region.states[route] = {}  # placeholder: keeps the Choice right after its node
        choices: list[dict[str, Any]] = []
        for index, rule in enumerate(routing.rules, start=1):
            if rule.when == "result":
                condition = f"{self.var(node_id)}.result"
            elif rule.when == "case":
                condition = f"{self.var(node_id)}.case = {literal(rule.key)}"
            else:
                condition = f"{self.condition(node, rule.key)} ? true : false"
            target = self._goto(region, list(rule.targets), f"{node_id}.fork{index}")
            choices.append({"Condition": jsonata(condition), "Next": target})
        choice: dict[str, Any] = {"Type": "Choice", "Choices": choices}
        if routing.default:
            choice["Default"] = self._goto(region, list(routing.default), f"{node_id}.fork")
        elif self.full_config(node).get("when_no_match") == "fail":
            fail_name = f"{node_id}.no_match"
            region.states[fail_name] = {
                "Type": "Fail",
                "Error": "NoBranchMatched",
                "Cause": f"no out-edge condition of node '{node_id}' was true",
            }
            choice["Default"] = fail_name
        else:
            choice["Default"] = region.exit_state
        region.states[route] = choice
        return route
