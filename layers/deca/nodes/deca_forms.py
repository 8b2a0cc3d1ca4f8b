"""`deca_forms`: reads DECA Forms, their submissions, and validates or submits data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from deca.nodes.base import NodeOutput, NodeSpec
from deca.nodes.common import OPERATION_HELP, Operation, OperationConfig

__all__ = ["SPEC", "DecaFormsConfig", "DecaFormsOutput", "FormFieldError"]


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
        default=None, description="Whether the data passed the form's rules (validate, submit)"
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
    errors=("FormNotFound", "SubmissionNotFound", "FormsError"),
    example={"operation": "validate", "form_id": "signup", "data": "{{ input.customer_data }}"},
)
