"""Form definitions and submissions: answers are validated against the form's fields before they are stored."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from deca.clock import Clock
from deca.deca_data.errors import FormNotFound, FormValidationError, SubmissionNotFound
from deca.deca_data.filters import value_fits
from deca.deca_data.models import FormDefinition, FormField, FormSubmission
from deca.deca_data.records import IdFactory, scan
from deca.stores.collection import Collection

__all__ = ["FormStore", "validate_answers"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$")
_ORDER = (("submitted_at", True), ("submission_id", False))


def _type_problem(field: FormField, value: Any) -> str | None:
    kind = field.type
    if kind in ("text", "email", "url", "select", "date") and not isinstance(value, str):
        return f"expects text, got {type(value).__name__}"
    if kind == "email" and not _EMAIL.match(value):
        return "is not an email address"
    if kind == "url" and not _URL.match(value):
        return "is not an http(s) URL"
    if kind == "date" and not value_fits("date", value):
        return "is not a date (YYYY-MM-DD)"
    if kind == "number" and not value_fits("number", value):
        return f"expects a number, got {type(value).__name__}"
    if kind == "integer" and not value_fits("integer", value):
        return f"expects an integer, got {type(value).__name__}"
    if kind == "boolean" and not isinstance(value, bool):
        return f"expects true or false, got {type(value).__name__}"
    if kind == "multiselect" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return "expects a list of texts"
    return None


def _rule_problem(field: FormField, value: Any) -> str | None:
    if field.options is not None:
        chosen = value if isinstance(value, list) else [value]
        bad = [v for v in chosen if v not in field.options]
        if bad:
            return f"{bad[0]!r} is not one of {field.options}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if field.min is not None and value < field.min:
            return f"must be at least {field.min:g}"
        if field.max is not None and value > field.max:
            return f"must be at most {field.max:g}"
    if isinstance(value, (str, list)):
        if field.min_length is not None and len(value) < field.min_length:
            return (
                f"must have at least {field.min_length} characters"
                if isinstance(value, str)
                else (f"must have at least {field.min_length} items")
            )
        if field.max_length is not None and len(value) > field.max_length:
            return (
                f"must have at most {field.max_length} characters"
                if isinstance(value, str)
                else (f"must have at most {field.max_length} items")
            )
    if field.pattern is not None and isinstance(value, str) and not re.fullmatch(field.pattern, value):
        return "does not have the expected format"
    return None


def validate_answers(form: FormDefinition, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) for each broken rule, in the form's field order (unknown fields last)."""
    problems: list[tuple[str, str]] = []
    for field in form.fields:
        value = data.get(field.name)
        if value is None or value == "" or value == []:
            if field.required:
                problems.append((field.name, "is required"))
            continue
        problem = _type_problem(field, value) or _rule_problem(field, value)
        if problem is not None:
            problems.append((field.name, problem))
    if not form.allow_extra:
        known = {f.name for f in form.fields}
        problems.extend((name, "is not a field of this form") for name in data if name not in known)
    return problems


class FormStore:
    """Form definitions and their submissions (every method takes the workspace first)."""

    def __init__(
        self,
        forms: Collection[FormDefinition],
        submissions: Collection[FormSubmission],
        clock: Clock,
        new_id: IdFactory,
    ) -> None:
        self._forms = forms
        self._submissions = submissions
        self._clock = clock
        self._new_id = new_id

    def save_form(self, workspace_id: str, form: FormDefinition) -> FormDefinition:
        """Create or replace a form definition."""
        return self._forms.put(workspace_id, form)

    def get_form(self, workspace_id: str, form_id: str) -> FormDefinition:
        """The form; `FormNotFound` if missing."""
        form = self._forms.find(self._forms.key(workspace_id, form_id))
        if form is None:
            raise FormNotFound(f"form_id: form {form_id!r} not found")
        return form

    def validate(self, workspace_id: str, form_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
        """The problems of `data` for the form (empty when valid)."""
        return validate_answers(self.get_form(workspace_id, form_id), data)

    def submit(self, workspace_id: str, form_id: str, data: dict[str, Any]) -> FormSubmission:
        """Store valid answers; `FormValidationError` naming every bad field otherwise."""
        problems = self.validate(workspace_id, form_id, data)
        if problems:
            detail = "; ".join(f"data.{name}: {message}" for name, message in problems)
            raise FormValidationError(f"form {form_id!r} rejected the data: {detail}", errors=problems)
        submission = FormSubmission(
            workspace_id=workspace_id,
            form_id=form_id,
            submission_id=self._new_id("sub"),
            data=data,
            submitted_at=self._clock.now(),
        )
        return self._submissions.insert(workspace_id, submission)

    def get_submission(self, workspace_id: str, form_id: str, submission_id: str) -> FormSubmission:
        """One submission; `SubmissionNotFound` if missing."""
        self.get_form(workspace_id, form_id)
        found = self._submissions.find(self._submissions.key(workspace_id, form_id, submission_id))
        if found is None:
            raise SubmissionNotFound(
                f"submission_id: submission {submission_id!r} of form {form_id!r} not found"
            )
        return found

    def list_submissions(
        self, workspace_id: str, form_id: str, *, since: datetime | None = None, limit: int = 100
    ) -> list[FormSubmission]:
        """Submissions of the form, newest first, only those after `since` when given."""
        self.get_form(workspace_id, form_id)
        found: list[FormSubmission] = []
        for item in scan(self._submissions, {"workspace_id": workspace_id, "form_id": form_id}, _ORDER):
            if since is not None and item.submitted_at <= since:
                break
            found.append(item)
            if len(found) >= limit:
                break
        return found
