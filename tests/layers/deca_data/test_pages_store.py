"""Pages repository contract: create, slugs, publish, list filters, tenancy."""

from __future__ import annotations

import pytest

from deca.deca_data.errors import PageNotFound, PagesError, SlugTaken
from deca.deca_data.stores import DecaDataStores, memory_deca_data
from tests.fakes.clock import FakeClock


def test_create_derives_slug_from_title(data: DecaDataStores) -> None:
    page = data.pages.create("ws-1", "site", title="Hello, World 2024!")
    assert (page.slug, page.status) == ("hello-world-2024", "draft")


def test_get_returns_created_page(data: DecaDataStores) -> None:
    page = data.pages.create("ws-1", "site", title="About", content={"blocks": [1, 2]})
    assert data.pages.get("ws-1", "site", page.page_id) == page


def test_duplicate_slug_in_site_is_slug_taken(data: DecaDataStores) -> None:
    data.pages.create("ws-1", "site", title="About")
    with pytest.raises(SlugTaken, match="slug: 'about'"):
        data.pages.create("ws-1", "site", title="About")


def test_same_slug_in_other_site_is_allowed(data: DecaDataStores) -> None:
    data.pages.create("ws-1", "site-a", title="About")
    assert data.pages.create("ws-1", "site-b", title="About").slug == "about"


def test_title_without_letters_needs_explicit_slug(data: DecaDataStores) -> None:
    with pytest.raises(PagesError, match="title"):
        data.pages.create("ws-1", "site", title="!!!")


def test_template_content_is_copied(data: DecaDataStores) -> None:
    template = data.pages.create("ws-1", "site", title="Template", content="# Base")
    page = data.pages.create("ws-1", "site", title="New", template_id=template.page_id)
    assert page.content == "# Base"


def test_publish_sets_status_time_and_url(data: DecaDataStores, clock: FakeClock) -> None:
    page = data.pages.create("ws-1", "site", title="Launch")
    clock.advance(60)
    published = data.pages.set_status("ws-1", "site", page.page_id, "published")
    assert (published.status, published.published_at) == ("published", clock.now())
    assert data.pages.url(published) == "/sites/site/launch"


def test_unpublished_page_has_no_url(data: DecaDataStores) -> None:
    page = data.pages.create("ws-1", "site", title="Draft")
    assert data.pages.url(page) is None


def test_update_keeps_unset_fields_and_created_at(data: DecaDataStores, clock: FakeClock) -> None:
    page = data.pages.create("ws-1", "site", title="One", content="text")
    clock.advance(5)
    updated = data.pages.update("ws-1", "site", page.page_id, title="Two")
    assert (updated.title, updated.content, updated.created_at) == ("Two", "text", page.created_at)
    assert updated.updated_at == clock.now()


def test_update_to_used_slug_is_slug_taken(data: DecaDataStores) -> None:
    data.pages.create("ws-1", "site", title="First")
    second = data.pages.create("ws-1", "site", title="Second")
    with pytest.raises(SlugTaken):
        data.pages.update("ws-1", "site", second.page_id, slug="first")


def test_list_filters_status_and_title_search_newest_first(data: DecaDataStores, clock: FakeClock) -> None:
    a = data.pages.create("ws-1", "site", title="Pricing plans")
    clock.advance(1)
    b = data.pages.create("ws-1", "site", title="Pricing FAQ")
    clock.advance(1)
    data.pages.create("ws-1", "site", title="Blog")
    data.pages.set_status("ws-1", "site", a.page_id, "published")
    assert [p.page_id for p in data.pages.list("ws-1", "site", search="pricing")] == [a.page_id, b.page_id]
    assert [p.page_id for p in data.pages.list("ws-1", "site", status="published")] == [a.page_id]


def test_delete_removes_page(data: DecaDataStores) -> None:
    page = data.pages.create("ws-1", "site", title="Gone")
    data.pages.delete("ws-1", "site", page.page_id)
    with pytest.raises(PageNotFound, match="page_id"):
        data.pages.get("ws-1", "site", page.page_id)


def test_page_of_other_workspace_is_not_found(data: DecaDataStores) -> None:
    page = data.pages.create("ws-1", "site", title="Private")
    with pytest.raises(PageNotFound):
        data.pages.get("ws-2", "site", page.page_id)
    assert data.pages.list("ws-2", "site") == []


def test_published_url_uses_the_configured_base() -> None:
    data = memory_deca_data(pages_base_url="https://pages.example.com/")
    page = data.pages.create("ws-1", "shop", title="Sale")
    published = data.pages.set_status("ws-1", "shop", page.page_id, "published")
    assert data.pages.url(published) == "https://pages.example.com/shop/sale"
