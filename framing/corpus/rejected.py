"""The records a corpus reader sets aside: :class:`Rejects` and :func:`rejects`.

``df.attrs["rejects"]`` holds plain records (``{"source", "line", "field", "reason"}``) so the table
can be written with ``to_parquet`` and combined with ``pd.concat`` directly; :func:`rejects` gives
them as a DataFrame (also after a Parquet round trip, where they come back as plain dicts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Rejects", "rejects", "as_rejects", "REJECT_COLUMNS"]

#: the columns of :func:`rejects` (and the keys of each record in a :class:`Rejects`)
REJECT_COLUMNS = ("source", "line", "field", "reason")


class Rejects(list):
    """The records set aside by :func:`~framing.corpus.reader.read_corpus`: a list of plain dicts with
    ``source`` (file), ``line`` (line, or row for Parquet), ``field`` (None when the whole record is
    bad) and ``reason``.

    Plain records keep ``df.attrs`` JSON-able (``to_parquet`` works) and comparable (``pd.concat``
    works). :meth:`to_frame` (or :func:`framing.rejects`) gives a DataFrame. For code written when
    ``attrs["rejects"]`` was a DataFrame, column reads (``rej["line"]``, ``rej[["line", "field"]]``)
    and DataFrame attributes that a list lacks (``rej.iloc``, ``rej.head()``, ``rej.itertuples()``)
    are answered by that DataFrame.

    >>> rej = Rejects([{"source": "a.jsonl", "line": 3, "field": "text", "reason": "empty text"}])
    >>> rej["line"].tolist(), len(rej)
    ([3], 1)
    """

    __slots__ = ()

    def to_frame(self) -> pd.DataFrame:
        """The records as a DataFrame with columns :data:`REJECT_COLUMNS`."""
        import pandas as pd

        cols = {"source": pd.Series([r.get("source") for r in self], dtype="str"),
                "line": pd.Series([r.get("line") for r in self], dtype="int64"),
                "field": pd.Series([r.get("field") for r in self], dtype=object),
                "reason": pd.Series([r.get("reason") for r in self], dtype="str")}
        return pd.DataFrame(cols, columns=list(REJECT_COLUMNS))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str) or (isinstance(key, list) and key and all(isinstance(k, str) for k in key)):
            return self.to_frame()[key]
        return list.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        import pandas as pd

        if hasattr(pd.DataFrame, name):
            return getattr(self.to_frame(), name)
        raise AttributeError(f"'Rejects' object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"Rejects({list.__repr__(self)})"


def as_rejects(table: Any) -> Rejects:
    """A :class:`Rejects` from a Rejects, a list of dicts (after a Parquet round trip), a DataFrame
    (``attrs`` written by older versions) or None (no rejects).

    >>> as_rejects(None)
    Rejects([])
    >>> as_rejects([{"source": "a.csv", "line": 2.0, "field": float("nan"), "reason": "bad"}])
    Rejects([{'source': 'a.csv', 'line': 2, 'field': None, 'reason': 'bad'}])
    """
    if table is None:
        return Rejects()
    if isinstance(table, Rejects):
        return table
    if hasattr(table, "to_dict") and hasattr(table, "columns"):
        table = table.to_dict("records")
    return Rejects({"source": None if r.get("source") is None else str(r.get("source")),
                    "line": int(r.get("line")),
                    "field": None if r.get("field") is None or r.get("field") != r.get("field")
                    else str(r.get("field")),
                    "reason": str(r.get("reason"))} for r in table)


def rejects(df: Any) -> pd.DataFrame:
    """The records :func:`~framing.corpus.reader.read_corpus` (``errors="collect"``) or
    :func:`~framing.corpus.reader.iter_corpus` set aside, as a DataFrame with columns ``source``,
    ``line``, ``field`` and ``reason`` (empty when none).

    Works on the table as read, after ``pd.concat`` of tables with the same rejects, and after a
    ``to_parquet`` / ``read_parquet`` round trip.

    >>> import pandas as pd
    >>> list(rejects(pd.DataFrame()).columns)
    ['source', 'line', 'field', 'reason']
    """
    return as_rejects(getattr(df, "attrs", {}).get("rejects")).to_frame()
