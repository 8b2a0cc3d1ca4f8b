"""`HumanTaskService`: open approval/form requests for paused steps, take answers, resume the execution.

A callback node's `run` calls `open(...)` and returns at once; the step stays paused on its task token.
`approve`, `reject` and `submit` (through the API, the UI or a signed link) record the answer with a
compare-and-set and then answer the token through the engine callback port. `escalate_due` and
`expire_due` are the sweeper's calls (a schedule or the local server's timer).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from deca.errors import DecaError, InputError, NotFoundError
from deca.hitl.errors import LinkInvalid, LinkUsed, NotAssignee, RequestClosed
from deca.hitl.forms import validate_form_data
from deca.hitl.links import LinkAction, LinkClaims, LinkSigner
from deca.hitl.models import Decision, HumanTask, HumanTaskKind, request_id_for

if TYPE_CHECKING:
    from deca.clock import Clock
    from deca.hitl.callbacks import TaskCallbacks
    from deca.hitl.store import HumanTaskStore
    from deca.nodes.task import NodeTask

__all__ = ["CallbacksMissing", "HumanTaskService", "Notifier"]

_ATTEMPTS = 10
Via = Literal["api", "link", "ui"]


class CallbacksMissing(DecaError):
    """The service has no engine callback port, so an answer could not resume the execution."""

    code = "callbacks_missing"


class Notifier(Protocol):
    """Tells people a request waits for them (email, Slack, the UI inbox), with their signed links."""

    def notify(self, task: HumanTask, recipients: Sequence[str], links: dict[str, str]) -> None:
        """Send the notification; failures must not raise (the request stays answerable in the UI)."""
        ...


class HumanTaskService:
    """Approval and form requests over a store, an engine callback port, a clock and a link signer."""

    def __init__(
        self,
        store: HumanTaskStore,
        callbacks: TaskCallbacks | None,
        *,
        clock: Clock,
        signer: LinkSigner | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.store = store
        self.callbacks = callbacks
        self.clock = clock
        self.signer = signer
        self.notifier = notifier

    # ---- opening ---------------------------------------------------------------------------------

    def open(
        self,
        task: NodeTask,
        *,
        kind: HumanTaskKind,
        workspace_id: str | None = None,
        title: str,
        timeout_seconds: int,
        message: str | None = None,
        assignees: Sequence[str] = (),
        required_approvals: int = 1,
        on_reject: Literal["output", "fail"] = "output",
        form_schema: dict[str, Any] | None = None,
        escalate_after_seconds: int | None = None,
        escalate_to: Sequence[str] = (),
    ) -> HumanTask:
        """Store the request of a paused step (idempotent per task token) and notify its assignees.

        `workspace_id` (the node context's) wins over the task event's, which is only set on AWS.
        """
        if not task.task_token:
            raise InputError(
                f"node '{task.node_id}': a {kind} node runs as a callback task and needs a task token"
            )
        now = self.clock.now()
        workspace = workspace_id or task.workspace_id
        request = HumanTask(
            workspace_id=workspace,
            request_id=request_id_for(task.task_token),
            kind=kind,
            task_token=task.task_token,
            execution_id=task.execution_name,  # the API's execution id, so requests list by execution
            flow_id=task.flow_id,
            node_id=task.node_id,
            title=title,
            message=message,
            assignees=list(assignees),
            required_approvals=required_approvals,
            on_reject=on_reject,
            form_schema=form_schema,
            escalate_to=list(escalate_to),
            escalate_at=now + timedelta(seconds=escalate_after_seconds) if escalate_after_seconds else None,
            created_at=now,
            expires_at=now + timedelta(seconds=timeout_seconds),
        )
        stored = self.store.create(workspace, request)
        if stored.revision == 0 and stored.created_at == request.created_at:
            self._notify(stored, stored.assignees)
        return stored

    def links(self, request: HumanTask, recipient: str | None = None) -> dict[str, str]:
        """Signed single-use links for the request's actions, valid until it expires (empty without a signer)."""
        if self.signer is None:
            return {}
        actions: tuple[LinkAction, ...] = ("approve", "reject") if request.kind == "approval" else ("submit",)
        ttl = max(int((request.expires_at - self.clock.now()).total_seconds()), 1)
        return {
            action: self.signer.sign(
                request.workspace_id, request.request_id, action, ttl_seconds=ttl, recipient=recipient
            )
            for action in actions
        }

    def get(self, workspace_id: str, ref: str) -> HumanTask:
        """The request by id or by task token; `NotFoundError` if none."""
        request = self.store.find(workspace_id, ref) if ref.startswith("hr_") else None
        return request or self.store.get(workspace_id, request_id_for(ref))

    # ---- answers ---------------------------------------------------------------------------------

    def approve(
        self, workspace_id: str, ref: str, by: str, comment: str | None = None, *, roles: Sequence[str] = ()
    ) -> HumanTask:
        """Approve (by request id or task token); once enough approvals are in, the step resumes."""
        return self._answer(workspace_id, ref, by, roles, self._approving(by, comment, "api"))

    def reject(
        self, workspace_id: str, ref: str, by: str, comment: str | None = None, *, roles: Sequence[str] = ()
    ) -> HumanTask:
        """Reject: the step resumes with `approved: false` (or fails with `ApprovalRejected`)."""
        return self._answer(workspace_id, ref, by, roles, self._rejecting(by, comment, "api"))

    def submit(
        self, workspace_id: str, ref: str, by: str, data: dict[str, Any], *, roles: Sequence[str] = ()
    ) -> HumanTask:
        """Submit a form's answers (checked against its JSON Schema); the step resumes with them."""
        return self._answer(workspace_id, ref, by, roles, self._submitting(by, data, "api"))

    def open_link(self, link: str) -> tuple[LinkClaims, HumanTask]:
        """The claims of a genuine, unexpired, unused link and its request (`LinkInvalid`, `LinkExpired`,
        `LinkUsed`, or `RequestClosed` once the request takes no more answers)."""
        if self.signer is None:
            raise InputError("signed links are not configured")
        claims = self.signer.verify(link)
        try:
            request = self.store.get(claims.workspace_id, claims.request_id)
        except NotFoundError:
            raise LinkInvalid("the link's request does not exist") from None
        if claims.nonce in request.used_links:
            raise LinkUsed("link was used already")
        if not request.is_open:
            raise RequestClosed(request.request_id, request.status)
        return claims, request

    def use_link(
        self,
        link: str,
        *,
        action: LinkAction | None = None,
        by: str | None = None,
        comment: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> HumanTask:
        """Answer through a signed link (once; `LinkInvalid`, `LinkExpired`, `LinkUsed` otherwise)."""
        if self.signer is None:
            raise InputError("signed links are not configured")
        claims = self.signer.verify(link, action)
        who = by or claims.recipient or "link"
        decide: Callable[[HumanTask], HumanTask]
        if claims.action == "approve":
            decide = self._approving(who, comment, "link")
        elif claims.action == "reject":
            decide = self._rejecting(who, comment, "link")
        else:
            decide = self._submitting(who, data or {}, "link")
        return self._answer(claims.workspace_id, claims.request_id, who, (), decide, link_nonce=claims.nonce)

    def _approving(self, by: str, comment: str | None, via: Via) -> Callable[[HumanTask], HumanTask]:
        def decide(current: HumanTask) -> HumanTask:
            self._require_kind(current, "approval")
            if any(d.by == by for d in current.approvals()):
                raise RequestClosed(current.request_id, f"approved by {by} already")
            decision = Decision(by=by, decision="approved", at=self.clock.now(), comment=comment, via=via)
            decisions = [*current.decisions, decision]
            done = sum(1 for d in decisions if d.decision == "approved") >= current.required_approvals
            return current.model_copy(
                update={
                    "decisions": decisions,
                    "status": "approved" if done else current.status,
                    "closed_at": decision.at if done else None,
                }
            )

        return decide

    def _rejecting(self, by: str, comment: str | None, via: Via) -> Callable[[HumanTask], HumanTask]:
        def decide(current: HumanTask) -> HumanTask:
            self._require_kind(current, "approval")
            decision = Decision(by=by, decision="rejected", at=self.clock.now(), comment=comment, via=via)
            return current.model_copy(
                update={
                    "decisions": [*current.decisions, decision],
                    "status": "rejected",
                    "closed_at": decision.at,
                }
            )

        return decide

    def _submitting(self, by: str, data: dict[str, Any], via: Via) -> Callable[[HumanTask], HumanTask]:
        def decide(current: HumanTask) -> HumanTask:
            self._require_kind(current, "form")
            validate_form_data(current.form_schema or {"type": "object"}, data)
            decision = Decision(by=by, decision="submitted", at=self.clock.now(), via=via)
            return current.model_copy(
                update={
                    "decisions": [*current.decisions, decision],
                    "data": data,
                    "status": "submitted",
                    "closed_at": decision.at,
                }
            )

        return decide

    @staticmethod
    def _require_kind(current: HumanTask, kind: HumanTaskKind) -> None:
        if current.kind != kind:
            raise InputError(f"human task {current.request_id!r} is a {current.kind}, not a {kind}")

    def _answer(
        self,
        workspace_id: str,
        ref: str,
        by: str,
        roles: Sequence[str],
        decide: Callable[[HumanTask], HumanTask],
        *,
        link_nonce: str | None = None,
    ) -> HumanTask:
        if self.callbacks is None:
            raise CallbacksMissing("no engine callback port is configured: answers cannot resume executions")
        for _ in range(_ATTEMPTS):
            current = self.get(workspace_id, ref)
            if link_nonce is not None and link_nonce in current.used_links:
                raise LinkUsed("link was used already")
            if not current.is_open:
                raise RequestClosed(current.request_id, current.status)
            if self.clock.now() >= current.expires_at:
                self._close(current, "expired")
                raise RequestClosed(current.request_id, "expired")
            if link_nonce is None:
                self._check_assignee(current, by, roles)
            new = decide(current)
            if link_nonce is not None:
                new = new.model_copy(update={"used_links": [*current.used_links, link_nonce]})
            saved = self.store.save(workspace_id, current, new)
            if saved is None:
                continue  # answered concurrently: look again
            if not saved.is_open:
                self._deliver(saved)
            return saved
        raise RequestClosed(ref, "contended")

    @staticmethod
    def _check_assignee(current: HumanTask, by: str, roles: Sequence[str]) -> None:
        allowed = set(current.assignees)
        if allowed and by not in allowed and not any(f"role:{r}" in allowed for r in roles):
            raise NotAssignee(f"{by!r} is not an assignee of human task {current.request_id!r}")

    def _deliver(self, task: HumanTask) -> None:
        """Answer the step's token with the outcome; a step nobody waits on any more closes as expired."""
        assert self.callbacks is not None
        try:
            if task.status == "rejected" and task.on_reject == "fail":
                last = task.decisions[-1]
                cause = json.dumps({"by": last.by, "comment": last.comment, "request_id": task.request_id})
                self.callbacks.send_task_failure(
                    task.workspace_id, task.task_token, error="ApprovalRejected", cause=cause
                )
            else:
                self.callbacks.send_task_success(task.workspace_id, task.task_token, _output(task))
        except NotFoundError:
            self._close(task, "expired")
            raise RequestClosed(task.request_id, "expired (the execution no longer waits)") from None

    # ---- sweeps ----------------------------------------------------------------------------------

    def escalate_due(self) -> list[HumanTask]:
        """Hand pending requests past their escalation time to their escalation assignees."""
        escalated = []
        now = self.clock.now()
        for current in self.store.due("escalate_at", "pending", now):
            assignees = list(dict.fromkeys([*current.assignees, *current.escalate_to]))
            new = current.model_copy(
                update={"status": "escalated", "assignees": assignees, "escalated_at": now}
            )
            saved = self.store.save(current.workspace_id, current, new)
            if saved is not None:
                self._notify(saved, saved.escalate_to)
                escalated.append(saved)
        return escalated

    def expire_due(self) -> list[HumanTask]:
        """Close open requests past their expiry (the engine's own timeout already failed their step)."""
        now = self.clock.now()
        due = [*self.store.due("expires_at", "pending", now), *self.store.due("expires_at", "escalated", now)]
        return [saved for current in due if (saved := self._close(current, "expired")) is not None]

    def _close(self, current: HumanTask, status: Literal["expired", "cancelled"]) -> HumanTask | None:
        new = current.model_copy(update={"status": status, "closed_at": self.clock.now()})
        return self.store.save(current.workspace_id, current, new)

    def _notify(self, task: HumanTask, recipients: Sequence[str]) -> None:
        if self.notifier is not None and recipients:
            self.notifier.notify(task, list(recipients), self.links(task))


def _output(task: HumanTask) -> dict[str, Any]:
    """The node output the step resumes with (the approval or form node's output model)."""
    if task.kind == "form":
        from deca.nodes.form import FormOutput

        last = task.decisions[-1]
        return FormOutput(data=task.data or {}, submitted_by=last.by, submitted_at=_iso(task)).model_dump(
            mode="json"
        )
    from deca.nodes.approval import ApprovalOutput

    approved = task.status == "approved"
    deciders = [d for d in task.decisions if d.decision == ("approved" if approved else "rejected")]
    return ApprovalOutput(
        approved=approved,
        decision="approved" if approved else "rejected",
        approvers=[d.by for d in deciders],
        comment=deciders[-1].comment if deciders else None,
        decided_at=_iso(task),
    ).model_dump(mode="json")


def _iso(task: HumanTask) -> str | None:
    closed: str | None = task.model_dump(mode="json")["closed_at"]
    return closed
