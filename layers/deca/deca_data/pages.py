"""Pages of DECA sites: create, read, list, update, publish and delete, scoped to the workspace."""

from __future__ import annotations

import re
from typing import Any

from deca.clock import Clock
from deca.deca_data.errors import PageNotFound, PagesError, SlugTaken
from deca.deca_data.models import PageRecord, PageStatus
from deca.deca_data.records import IdFactory, scan
from deca.errors import ConflictError
from deca.stores.collection import Collection

__all__ = ["PageStore", "slugify"]

_ORDER = (("updated_at", True), ("page_id", False))


def slugify(title: str) -> str:
    """A URL path segment from a title: lower-case ASCII letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:200]
    if not slug:
        raise PagesError("title: cannot derive a slug from it; set `slug`")
    return slug


class PageStore:
    """The pages repository (every method takes the workspace first)."""

    def __init__(self, pages: Collection[PageRecord], clock: Clock, new_id: IdFactory, base_url: str) -> None:
        self._pages = pages
        self._clock = clock
        self._new_id = new_id
        self._base_url = base_url.rstrip("/")

    def url(self, page: PageRecord) -> str | None:
        """The public URL of a published page (None while not published)."""
        if page.status != "published":
            return None
        return f"{self._base_url}/{page.site_id}/{page.slug}"

    def get(self, workspace_id: str, site_id: str, page_id: str) -> PageRecord:
        """The page; `PageNotFound` if missing."""
        page = self._pages.find(self._pages.key(workspace_id, site_id, page_id))
        if page is None:
            raise PageNotFound(f"page_id: page {page_id!r} not found in site {site_id!r}")
        return page

    def _write(self, workspace_id: str, page: PageRecord, *, new: bool) -> PageRecord:
        try:
            if new:
                return self._pages.insert(workspace_id, page)
            return self._pages.replace(workspace_id, page, keep=("created_at",))
        except ConflictError:
            raise SlugTaken(
                f"slug: {page.slug!r} is already used by another page of site {page.site_id!r}"
            ) from None

    def create(
        self,
        workspace_id: str,
        site_id: str,
        *,
        title: str,
        slug: str | None = None,
        content: Any = None,
        template_id: str | None = None,
        seo: dict[str, str] | None = None,
    ) -> PageRecord:
        """A new draft page; content comes from the template page when not given."""
        if content is None and template_id is not None:
            content = self.get(workspace_id, site_id, template_id).content
        now = self._clock.now()
        page = PageRecord(
            workspace_id=workspace_id,
            site_id=site_id,
            page_id=self._new_id("pg"),
            title=title,
            slug=slug or slugify(title),
            content=content,
            template_id=template_id,
            seo=seo or {},
            created_at=now,
            updated_at=now,
        )
        return self._write(workspace_id, page, new=True)

    def update(self, workspace_id: str, site_id: str, page_id: str, **changes: Any) -> PageRecord:
        """Change title, slug, content, seo or status (None values are left as they are)."""
        page = self.get(workspace_id, site_id, page_id)
        values = {k: v for k, v in changes.items() if v is not None}
        values["updated_at"] = self._clock.now()
        if values.get("status") == "published" and page.status != "published":
            values["published_at"] = values["updated_at"]
        updated = PageRecord.model_validate({**page.model_dump(), **values})
        return self._write(workspace_id, updated, new=False)

    def set_status(self, workspace_id: str, site_id: str, page_id: str, status: PageStatus) -> PageRecord:
        """Publish, unpublish (back to draft) or archive a page."""
        return self.update(workspace_id, site_id, page_id, status=status)

    def delete(self, workspace_id: str, site_id: str, page_id: str) -> None:
        """Remove the page; `PageNotFound` if missing."""
        if not self._pages.table.delete(self._pages.key(workspace_id, site_id, page_id)):
            raise PageNotFound(f"page_id: page {page_id!r} not found in site {site_id!r}")

    def list(
        self,
        workspace_id: str,
        site_id: str,
        *,
        status: PageStatus | None = None,
        search: str | None = None,
        limit: int = 50,
    ) -> list[PageRecord]:
        """Pages of the site, most recently updated first, filtered by status and title text."""
        found: list[PageRecord] = []
        needle = search.lower() if search else None
        for page in scan(self._pages, {"workspace_id": workspace_id, "site_id": site_id}, _ORDER):
            if status is not None and page.status != status:
                continue
            if needle is not None and needle not in page.title.lower():
                continue
            found.append(page)
            if len(found) >= limit:
                break
        return found
