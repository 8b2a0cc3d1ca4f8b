"""Split document text into passages for embedding: paragraphs packed up to a size, long ones cut at sentences."""

from __future__ import annotations

import re

__all__ = ["DEFAULT_CHUNK_CHARS", "DEFAULT_OVERLAP_CHARS", "chunk_text"]

DEFAULT_CHUNK_CHARS = 1000
DEFAULT_OVERLAP_CHARS = 150
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _pieces(text: str, size: int) -> list[str]:
    """Paragraphs, sentences of paragraphs over `size`, and hard cuts of sentences over `size`."""
    pieces: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if len(paragraph) <= size:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE.split(paragraph):
            pieces.extend(sentence[i : i + size] for i in range(0, len(sentence), size))
    return pieces


def chunk_text(
    text: str, *, size: int = DEFAULT_CHUNK_CHARS, overlap: int = DEFAULT_OVERLAP_CHARS
) -> list[str]:
    """Passages of at most `size` characters (plus `overlap` characters carried from the previous one)."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError("chunk size must be positive and overlap smaller than it")
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, size):
        if current and len(current) + 1 + len(piece) > size:
            chunks.append(current)
            tail = current[-overlap:] if overlap else ""
            current = (
                f"{tail} {piece}".strip() if tail and len(tail) + 1 + len(piece) <= size + overlap else piece
            )
        else:
            current = f"{current} {piece}".strip() if current else piece
    if current:
        chunks.append(current)
    return chunks
