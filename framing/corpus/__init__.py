"""Corpus in: read any corpus format into one validated table, with rejects counted; wire copies."""

from framing.corpus.reader import (
    CANONICAL_COLUMNS,
    SUPPORTED_FORMATS,
    Rejects,
    concat_batches,
    iter_corpus,
    read_corpus,
    rejects,
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
