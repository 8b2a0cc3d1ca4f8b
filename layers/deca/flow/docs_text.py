"""Hand-written prose of docs/flow-format.md (the tables around it are generated from the models)."""

from __future__ import annotations

__all__ = [
    "ERRORS",
    "EXAMPLE",
    "GRAPH",
    "INTRO",
    "KIND_TEXT",
    "OUTPUT",
    "TEMPLATES",
]

INTRO = """\
A flow is a JSON document: its triggers, its nodes (each with a `type` and a `config`), the
connections between them and flow-wide settings. It is defined once, as pydantic models in
`layers/deca/flow/models.py` (the document) and `layers/deca/nodes/` (one module per node type); the JSON
Schema (`deca schema`), the node catalogue (`deca nodes`) and this page are generated from them.

Every object rejects unknown keys, so a typo is an error, never silently ignored. `deca validate FLOW.json`
reports every problem at once with its position (e.g. `node 'fetch' at nodes[2].config.url: Field
required`); `deca compile FLOW.json` turns a valid flow into an AWS Step Functions state machine."""

EXAMPLE = """\
{
  "id": "flow-uuid",
  "name": "Customer Onboarding Flow",
  "version": 1,
  "triggers": [
    {"type": "webhook", "path": "/webhook/customer-signup", "method": "POST"}
  ],
  "nodes": [
    {
      "id": "validate-input",
      "type": "function",
      "config": {
        "function_id": "data-validator",
        "input_schema": {"type": "object", "properties": {"customer_data": {"type": "object"}}, "required": ["customer_data"]}
      }
    },
    {
      "id": "create-persona",
      "type": "agent",
      "config": {
        "agent_id": "persona-generator",
        "prompt": "Create a customer persona based on: {{input.customer_data}}"
      }
    }
  ],
  "connections": [
    {"from": "validate-input", "to": "create-persona", "condition": "{{validate-input.success}} === true"}
  ],
  "settings": {"timeout": 300, "error_strategy": "stop_on_error", "parallelism": 3}
}"""

GRAPH = """\
- **Roots.** Nodes without an incoming connection (loop back edges aside) are roots; several roots start
  in parallel. The execution input (the trigger's data) is `input` in templates.
- **Connections.** `{"from": "a", "to": "b"}`: `a` finishes before `b` starts. A `condition` is a boolean
  template. When a node has conditional out-edges they are tested in order and the first true one is taken;
  its unconditional out-edges, if any, are the default; with no match and no default that path ends.
- **`condition` nodes** route by their own `condition`: out-edges are labelled `"true"` or `"false"` (no
  label means `"true"`).
- **`switch` nodes** test `cases` in order; out-edges are labelled with a case name or `"default"`.
  **`branch` nodes** route by the conditions on their out-edges.
- **Fan-out and join.** A node with several unconditional out-edges starts them in parallel. The branches
  join at the first node where they converge (a node with several incoming edges, typically `merge`), which
  starts once all of them are done. `settings.parallelism` bounds how many run at once.
- **Loops.** A `loop` node's out-edge labelled `"body"` leads to the first node of the body; the last body
  node connects back to the loop node (the only cycle allowed); the out-edge labelled `"done"` (or
  unlabelled) continues after the loop. Inside the body, templates can use `item` and `index`. The loop's
  output is `{"results": [<the last body node's output, per item>], "count": n}`. A cycle that does not go
  through a loop node is an error.
- **Node kinds.** Each node type has a kind that says how it compiles: nodes that talk to the outside
  world are `task` (a Lambda function); pure data nodes (`transform`, `set`, `filter`, `merge`, `sort`,
  `aggregate`) compile to `Pass` states with JSONata; `approval` and `form` wait for a person
  (`callback`); `wait` is a `Wait` state; `sub_flow` starts another flow's state machine; `stop_and_error`
  is a `Fail` state; trigger nodes are optional entry nodes that output the trigger data."""

TEMPLATES = """\
`{{ expr }}` may appear inside any string of a node config or in a connection condition. `expr` is a
[JSONata](https://jsonata.org) expression over these roots:

| Root | Value |
| --- | --- |
| `input` | the execution input (the trigger's data) |
| `<node-id>` | that node's output, e.g. `{{ validate-input.success }}` (ids may contain `-`) |
| `vars` | flow variables set by `set` nodes |
| `execution` | `id`, `name`, `start_time`, `flow_id` |
| `item`, `index` | the current element and its position, inside a loop body or a `filter` condition |
| `error` | the error (`error`, `cause`) inside an error path |

- The JavaScript-style operators of the original examples are accepted and rewritten to JSONata:
  `===` to `=`, `!==` to `!=`, `&&` to `and`, `||` to `or`, `!x` to `$not(x)`.
- A string that is exactly one template keeps the value's type: `"{{ input.amount }}"` is a number when
  the amount is a number. A string mixing text and templates is a string. This is why some typed fields
  (numbers, lists) also accept a *template*, a string that is exactly one `{{ }}`: their type below reads
  "... or template".
- References are checked before anything runs: a referenced node must be upstream of the node that
  references it (it has certainly run), and the field path must exist in that node type's output (see
  "Output" under each node type below; fields typed `any` and open objects allow deeper paths). A violation
  is an error naming the node id and the position, e.g. `nodes[1].config.prompt`.
- Secrets never appear in a flow: integrations take a `credential_id`, the id of a stored credential."""

ERRORS = """\
- `retry` on a node adds its own retries to the standard retries of transient Lambda service errors.
- When a node still fails, its `on_error` applies, else `settings.error_strategy`:
  - `stop` / `stop_on_error`: the execution fails with the node's error;
  - `continue` / `continue_on_error`: the error (`{"error": ..., "cause": ...}`) is recorded as the
    node's output and the flow goes on;
  - `route` / `route_to_error_path`: the flow continues at `route_to` / `settings.error_path`, where
    `error` is available in templates.
- `on_error.errors` and `retry.errors` select error names (the node type's errors are listed below;
  `States.ALL` matches any, `States.Timeout` a timeout).
- `settings.timeout` bounds the whole execution."""

OUTPUT = """\
The output of an execution is an object mapping the id of each node that ran to its output. In the
compiled state machine every node is a state named by its node id, so the execution history maps back to
nodes; helper states the compiler adds are named `<node-id>.<suffix>` (node ids never contain `.`)."""

KIND_TEXT: dict[str, str] = {
    "task": "a Lambda task that receives the resolved config",
    "condition": "a Choice on `condition` (edges labelled `true` / `false`)",
    "switch": "a Choice with one rule per case or conditional out-edge",
    "loop": "a Map over `items` (the body starts at the `body` edge)",
    "wait": "a Wait state",
    "transform": "a Pass state computing its output with JSONata",
    "set": "a Pass state assigning flow variables",
    "merge": "a Pass state joining the incoming branches",
    "filter": "a Pass state filtering with JSONata",
    "callback": "a task that waits for a person, `.waitForTaskToken`",
    "sub_flow": "a nested execution of another flow",
    "respond": "sets the webhook response, then the flow continues",
    "fail": "a Fail state that ends the execution",
    "trigger": "an entry node that outputs the trigger data",
    "noop": "a Pass state that does nothing",
}
