"""The corpus a step is given, made ready to read: a pandas table with ``text``, and its documents as lists.

Internal: the feature step and the tools that read the text behind a number
(:mod:`framing.reading`, :func:`framing.lexicon.check.entry_coverage`, :mod:`framing.analyses.qualifiers`)
accept a corpus the same way, through :func:`as_corpus` and :func:`documents`.

These steps work on pandas tables (or a corpus path, read with :func:`framing.read_corpus`). A Dask
DataFrame is refused with a :class:`~framing.errors.FramingError`: deciding to use Dask belongs to
:mod:`framing.scale` (and :mod:`framing.pipeline`), not to the steps (:func:`is_dask` tells one apart
without importing dask).

>>> import pandas as pd
>>> docs = documents(as_corpus(pd.DataFrame({"text": ["خبر"], "outlet": ["X"]})))
>>> docs.ids, docs.outlets, docs.texts
(['0'], ['X'], ['خبر'])
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from framing.corpus.reader import read_corpus
from framing.errors import FramingError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["as_corpus", "documents", "Documents", "is_dask"]


class Documents(NamedTuple):
    """The documents of a corpus table, one entry per row: ``doc_id`` (the row's index label as text
    when the table has none), ``outlet`` ("" when none), ``date`` (a Timestamp, NaT when none or
    unparsable) and ``text``."""

    ids: list[Any]
    outlets: list[Any]
    dates: list[Any]
    texts: list[str]


def is_dask(obj: Any) -> bool:
    """True for a Dask collection (a ``dask.dataframe.DataFrame`` ...), told by its type's module.

    >>> is_dask([1, 2])
    False
    """
    return type(obj).__module__.startswith("dask")


def as_corpus(corpus: Any) -> pd.DataFrame:
    """A corpus table from a DataFrame with a ``text`` column, or a corpus path (read with
    :func:`framing.read_corpus`).

    Raises :class:`~framing.errors.FramingError` for a table without ``text``, a Dask DataFrame (use
    the :mod:`framing.scale` functions, or ``.compute()`` a small one) and anything else.
    """
    import pandas as pd

    if isinstance(corpus, pd.DataFrame):
        if "text" not in corpus.columns:
            raise FramingError(
                f"the corpus has no 'text' column (columns: {', '.join(map(str, corpus.columns))}); "
                "rename the column that holds the article text to 'text'"
            )
        return corpus
    if isinstance(corpus, str | bytes | os.PathLike):
        return read_corpus(os.fsdecode(corpus))
    if is_dask(corpus):
        raise FramingError(f"got a Dask {type(corpus).__name__}: this step works on a pandas DataFrame or a "
                           "corpus path; use the framing.scale functions (dask_extract_features, "
                           "dask_extract_matches, dask_label_counts) on Dask data, or .compute() a small one")
    raise FramingError(f"expected a pandas DataFrame or a corpus path, got {type(corpus).__name__}")


def _column(corpus: pd.DataFrame, name: str, default: Callable[[int], Any]) -> list[Any]:
    if name in corpus.columns:
        return corpus[name].tolist()
    return [default(i) for i in range(len(corpus))]


def documents(corpus: pd.DataFrame) -> Documents:
    """The :class:`Documents` of a corpus table, with a clear error for a non-text value."""
    import pandas as pd

    ids = _column(corpus, "doc_id", lambda i: str(corpus.index[i]))
    outlets = _column(corpus, "outlet", lambda i: "")
    dates = corpus["date"] if "date" in corpus.columns else pd.Series(pd.NaT, index=corpus.index)
    date_list = pd.to_datetime(dates, errors="coerce").tolist()
    texts = corpus["text"].tolist()
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise FramingError(
                f"row {i} (doc_id {ids[i]!r}), field 'text': expected a str, got {type(text).__name__} "
                f"{text!r:.40}; drop or fill missing texts first (framing.read_corpus rejects them)"
            )
    return Documents(ids, outlets, date_list, texts)
