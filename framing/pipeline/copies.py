"""Wire copies: one policy for the report and the notebooks.

An agency story carried by several outlets is kept once, as published first, and the later copies
are set aside before anything is counted (:func:`drop_wire_copies`, :data:`WIRE_COPIES`).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pandas as pd

from framing.corpus.duplicates import DuplicateFinder, exclude_copies, find_duplicates
from framing.corpus.shingles import FileShingles
from framing.output.files import output_error

__all__ = ["WIRE_COPIES", "COPY_COLUMNS", "WireCopyFinder", "drop_wire_copies", "find_wire_copies", "copy_ids"]

#: How :func:`drop_wire_copies` finds wire copies: :func:`framing.find_duplicates` with these arguments
#: (shingle Jaccard >= 0.3 between articles published at most one day apart: agency copy with a
#: title changed and a sentence cut or added still links to its original).
WIRE_COPIES: dict[str, Any] = {"threshold": 0.3, "max_days": 1}

_SPILL = "the wire-copy search's temporary file of shingle hashes in"

#: Columns of the wire-copies table (:func:`framing.find_duplicates`), also when it is empty.
COPY_COLUMNS = ("doc_id", "outlet", "group", "similarity", "is_first")


def drop_wire_copies(corpus):
    """The corpus without later wire copies, and the copies found: ``(kept, copies)``.

    The one wire-copy policy of framing, used by :func:`analyze` and by the notebooks: documents
    that :func:`framing.find_duplicates` links with the settings of :data:`WIRE_COPIES` form a group;
    the first published (then first in corpus order) is kept, the others are set aside, so an outlet
    is judged on what it chose to write rather than on agency copy it carried.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``kept``: the rows of ``corpus`` that are not later copies, in corpus order.
        ``copies``: the table of :func:`framing.find_duplicates` (every member of every group, with
        ``is_first``); ``(~copies["is_first"]).sum()`` documents were set aside.

    Examples
    --------
    >>> import pandas as pd
    >>> story = "أعلنت الوزارة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال العام المقبل"
    >>> df = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-02"]),
    ...                    "text": [story, story + " رسميا", "افتتح المعرض الدولي للكتاب أبوابه"]})
    >>> kept, copies = drop_wire_copies(df)
    >>> kept["doc_id"].tolist(), int((~copies["is_first"]).sum())
    (['a', 'c'], 1)
    """
    copies = find_wire_copies(corpus)
    kept = exclude_copies(corpus, copies)
    kept.attrs.pop("n_copies_excluded", None)
    return kept, copies


def find_wire_copies(corpus: pd.DataFrame) -> pd.DataFrame:
    """:func:`framing.find_duplicates` with :data:`WIRE_COPIES` on the dated documents (an undated
    document cannot be placed within a day of another, so it is never a copy)."""
    if "date" in corpus.columns:
        dated = pd.to_datetime(corpus["date"], errors="coerce").notna().to_numpy()
        if not dated.all():
            corpus = corpus.loc[dated].reset_index(drop=True)
    return find_duplicates(corpus, **WIRE_COPIES)


class WireCopyFinder:
    """:func:`find_wire_copies` fed batch by batch, in bounded memory: the same table as
    :func:`find_wire_copies` on the batches concatenated (:class:`framing.corpus.duplicates.DuplicateFinder`).

    Held per document: its ``doc_id``, ``outlet``, ``date`` and MinHash signature (a few hundred bytes,
    not its text); the shingle hashes go to an unnamed temporary file in ``dir`` (8 bytes a word, gone
    when closed), from which the exact check reads only the documents of the candidate pairs.
    """

    def __init__(self, dir: str | os.PathLike | None = None):
        self._dir = tempfile.gettempdir() if dir is None else os.fspath(dir)
        try:
            self._store = FileShingles(self._dir)
        except OSError as exc:
            raise output_error(self._dir, exc, _SPILL) from exc
        self._finder = DuplicateFinder(**WIRE_COPIES, store=self._store)

    def add(self, batch: pd.DataFrame) -> None:
        """Take the documents of ``batch`` (an undated one is never a copy, as in :func:`find_wire_copies`)."""
        if "date" in batch.columns:
            dated = pd.to_datetime(batch["date"], errors="coerce").notna().to_numpy()
            if not dated.all():
                batch = batch.loc[dated]
        if len(batch):
            try:
                self._finder.add(batch)
            except OSError as exc:  # the disk full
                raise output_error(self._dir, exc, _SPILL) from exc

    def table(self) -> pd.DataFrame:
        """The wire copies among every document added (the table of :func:`framing.find_duplicates`)."""
        return self._finder.result()

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> WireCopyFinder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def copy_ids(table: pd.DataFrame) -> set[str]:
    """The ``doc_id`` of the later copies in a wire-copies table (those to set aside)."""
    return set(table.loc[~table["is_first"].astype(bool), "doc_id"].astype(str))
