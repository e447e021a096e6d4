"""Corpus in: read any corpus format into one validated table, with rejects counted; wire copies."""

from framing.corpus.reader import (
    read_corpus,
    iter_corpus,
    concat_batches,
    rejects,
    Rejects,
    SUPPORTED_FORMATS,
    CANONICAL_COLUMNS,
)

__all__ = [
    "read_corpus",
    "iter_corpus",
    "concat_batches",
    "rejects",
    "Rejects",
    "SUPPORTED_FORMATS",
    "CANONICAL_COLUMNS",
]
