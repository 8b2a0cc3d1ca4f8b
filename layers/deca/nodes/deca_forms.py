"""`deca_forms`: reads DECA Forms, their submissions, and validates or submits data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig

if TYPE_CHECKING:
    from deca.deca_data.forms import FormStore
    from deca.nodes.context import NodeContext
    from deca.nodes.task import NodeTask

__all__ = ["SPEC", "DecaFormsConfig", "DecaFormsOutput", "FormFieldError", "run"]


class DecaFormsConfig(OperationConfig):
    """Config of the deca_forms node."""

    operation: Literal["get_form", "list_submissions", "get_submission", "validate", "submit"] = Field(
        description=OPERATION_HELP
    )
    form_id: str = Field(min_length=1, max_length=128, description="Id of the form")
    submission_id: str | None = Field(
        default=None, min_length=1, description="Submission id (templates allowed)"
    )
    data: dict[str, Any] | str | None = Field(
        default=None, description="Answers to validate or submit: an object or a template giving one"
    )
    since: str | None = Field(default=None, description="Only submissions after this ISO-8601 time")
    limit: int | None = Field(
        description="Maximum submissions returned (default 100)", default=None, ge=1, le=1000
    )

    @field_validator("since")
    @classmethod
    def _iso_time(cls, value: str | None) -> str | None:
        if value is not None and "{{" not in value:
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError("expects an ISO-8601 time, e.g. 2024-01-31T10:00:00Z") from None
        return value

    OPERATIONS: ClassVar[Mapping[str, Operation]] = {
        "get_form": Operation(),
        "list_submissions": Operation(optional=("since", "limit")),
        "get_submission": Operation(required=("submission_id",)),
        "validate": Operation(required=("data",)),
        "submit": Operation(required=("data",)),
    }


class FormFieldError(NodeOutput):
    """One validation problem of submitted data."""

    field: str = Field(description="Name of the form field")
    message: str = Field(description="What is wrong with it")


class DecaFormsOutput(NodeOutput):
    """What a deca_forms node returns."""

    valid: bool | None = Field(
        default=None,
        description="Whether the data passed the form's rules (validate; submit raises FormValidationError "
        "on invalid data, so it is always true there)",
    )
    errors: list[FormFieldError] = Field(default_factory=list, description="Validation problems")
    form: dict[str, Any] | None = Field(default=None, description="The form definition (get_form)")
    submission: dict[str, Any] | None = Field(
        default=None, description="The submission (get_submission, submit)"
    )
    submissions: list[dict[str, Any]] = Field(default_factory=list, description="(list_submissions)")
    count: int = Field(default=0, ge=0, description="Number of submissions returned (list_submissions)")


SPEC = NodeSpec(
    type="deca_forms",
    category="deca",
    description="Read DECA Forms and submissions, validate data against a form or submit it",
    config=DecaFormsConfig,
    output=DecaFormsOutput,
    side_effects=True,
    icon="clipboard-check",
    errors=("FormNotFound", "SubmissionNotFound", "FormValidationError", "FormsError"),
    example={"operation": "validate", "form_id": "signup", "data": "{{ input.customer_data }}"},
)


def _data(config: DecaFormsConfig) -> dict[str, Any]:
    from deca.deca_data.errors import FormsError

    if not isinstance(config.data, dict):
        raise FormsError(f"data: expects an object of answers, got {type(config.data).__name__}")
    return config.data


def _act(config: DecaFormsConfig, store: FormStore, workspace_id: str) -> DecaFormsOutput:
    form_id = config.form_id
    if config.operation == "get_form":
        return DecaFormsOutput(form=store.get_form(workspace_id, form_id).model_dump(mode="json"))
    if config.operation == "list_submissions":
        since = datetime.fromisoformat(config.since.replace("Z", "+00:00")) if config.since else None
        if since is not None and since.tzinfo is None:
            from datetime import UTC

            since = since.replace(tzinfo=UTC)
        items = store.list_submissions(workspace_id, form_id, since=since, limit=config.limit or 100)
        return DecaFormsOutput(submissions=[i.model_dump(mode="json") for i in items], count=len(items))
    if config.operation == "get_submission":
        found = store.get_submission(workspace_id, form_id, config.submission_id or "")
        return DecaFormsOutput(submission=found.model_dump(mode="json"))
    if config.operation == "validate":
        problems = store.validate(workspace_id, form_id, _data(config))
        errors = [FormFieldError(field=f, message=m) for f, m in problems]
        return DecaFormsOutput(valid=not problems, errors=errors)
    submission = store.submit(workspace_id, form_id, _data(config))
    return DecaFormsOutput(valid=True, submission=submission.model_dump(mode="json"))


def run(config: DecaFormsConfig, task: NodeTask, ctx: NodeContext) -> DecaFormsOutput:
    """Read a form or its submissions, validate answers, or submit them (once per execution and node)."""
    from deca.deca_data.context import data_stores, write_once

    store = data_stores(ctx).forms
    if config.operation != "submit":
        return _act(config, store, ctx.workspace_id)
    return write_once(ctx, task, DecaFormsOutput, lambda: _act(config, store, ctx.workspace_id))
