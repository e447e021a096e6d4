"""Corpus in: read any corpus format into one validated table, with rejects counted; wire copies.

The reader's steps, in order: :mod:`~framing.corpus.textfile` (bytes to lines),
:mod:`~framing.corpus.formats` (lines to raw records), :mod:`~framing.corpus.validate` (raw records to
rows, with :mod:`~framing.corpus.repair` and :mod:`~framing.corpus.dates`), :mod:`~framing.corpus.rejected`
(what was set aside); :mod:`~framing.corpus.reader` strings them together.
"""

from framing.corpus.formats import SUPPORTED_FORMATS
from framing.corpus.reader import concat_batches, iter_corpus, read_corpus
from framing.corpus.rejected import Rejects, rejects
from framing.corpus.validate import CANONICAL_COLUMNS

__all__ = [
    "read_corpus",
    "iter_corpus",
    "concat_batches",
    "rejects",
    "Rejects",
    "SUPPORTED_FORMATS",
    "CANONICAL_COLUMNS",
]
