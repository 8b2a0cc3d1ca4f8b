"""Named errors of the DECA data nodes: the class name is the ASL error name flows Catch (never rename)."""

from __future__ import annotations

from deca.errors import DecaError

__all__ = [
    "CrmError",
    "DecaDataError",
    "DocumentNotFound",
    "FormNotFound",
    "FormValidationError",
    "FormsError",
    "FunctionNotFound",
    "KnowledgeBaseError",
    "KnowledgeBaseNotFound",
    "PageNotFound",
    "PagesError",
    "RecordNotFound",
    "RowNotFound",
    "SlugTaken",
    "SubmissionNotFound",
    "TableError",
    "TableNotFound",
]


class DecaDataError(DecaError):
    """Base of the errors of DECA pages, forms, knowledge bases, CRM and tables."""

    code = "deca_data_error"


class PagesError(DecaDataError):
    """A pages operation could not be done (bad input, a broken rule)."""

    code = "pages_error"


class PageNotFound(PagesError):
    """No page with this id in the site (of this workspace)."""

    code = "page_not_found"


class SlugTaken(PagesError):
    """Another page of the site already uses this slug."""

    code = "slug_taken"


class FormsError(DecaDataError):
    """A forms operation could not be done (bad input, a broken rule)."""

    code = "forms_error"


class FormNotFound(FormsError):
    """No form with this id (in this workspace)."""

    code = "form_not_found"


class SubmissionNotFound(FormsError):
    """No submission with this id for the form."""

    code = "submission_not_found"


class FormValidationError(FormsError):
    """Submitted data break the form's rules; `errors` maps each field to what is wrong."""

    code = "form_validation_error"

    def __init__(self, message: str, *, errors: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.errors = errors


class KnowledgeBaseError(DecaDataError):
    """A knowledge-base operation could not be done (bad input, an embedding failure)."""

    code = "knowledge_base_error"


class KnowledgeBaseNotFound(KnowledgeBaseError):
    """No knowledge base with this id (it is created by its first document)."""

    code = "knowledge_base_not_found"


class DocumentNotFound(KnowledgeBaseError):
    """No document with this id in the knowledge base."""

    code = "document_not_found"


class CrmError(DecaDataError):
    """A CRM operation could not be done (bad input, a broken rule)."""

    code = "crm_error"


class RecordNotFound(CrmError):
    """No CRM record of this type with this id."""

    code = "record_not_found"


class TableError(DecaDataError):
    """A tables operation could not be done: a bad row, filter or column (the message names it)."""

    code = "table_error"


class TableNotFound(TableError):
    """No table with this id (in this workspace)."""

    code = "table_not_found"


class RowNotFound(TableError):
    """No row with this id in the table."""

    code = "row_not_found"


class FunctionNotFound(DecaDataError):
    """No registered function (or no such version of it) in this workspace."""

    code = "function_not_found"
