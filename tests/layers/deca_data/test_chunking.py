"""Chunking: size bound, overlap and no lost words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deca.deca_data.chunking import chunk_text


def test_short_text_is_one_chunk() -> None:
    assert chunk_text("One paragraph.\n\nAnother one.") == ["One paragraph. Another one."]


def test_paragraphs_are_packed_up_to_size() -> None:
    chunks = chunk_text("\n\n".join(["x" * 40] * 5), size=100, overlap=0)
    assert [len(c) for c in chunks] == [81, 81, 40]


def test_overlap_carries_the_previous_tail() -> None:
    chunks = chunk_text("aaaa bbbb.\n\ncccc dddd.", size=12, overlap=5)
    assert chunks == ["aaaa bbbb.", "bbbb. cccc dddd."]


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        chunk_text("x", size=10, overlap=10)


@given(st.text(alphabet="ab .\n", max_size=3000))
def test_chunks_respect_size_and_keep_every_word(text: str) -> None:
    chunks = chunk_text(text, size=200, overlap=30)
    assert all(len(c) <= 230 for c in chunks)
    assert set(" ".join(chunks).split()) == set(text.split())
