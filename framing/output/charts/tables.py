"""Reading the analysis tables the charts draw: checks, group labels, stance matrices, interval notes.

Every chart takes a table documented in ``docs/design.md`` ("Analysis tables"); the helpers here check
it (:func:`require`, :func:`check_stances`, :func:`pick`) and turn it into what is drawn (one label
per group, a rows x stances matrix), with errors that name the table and the function that makes it.

>>> import pandas as pd
>>> t = pd.DataFrame({"outlet": ["A", "B"], "period": pd.to_datetime(["2020-01-01"] * 2), "referent": ["r", "r"]})
>>> group_labels(t, group_columns(t)).tolist()
['A · 2020-01-01', 'B · 2020-01-01']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from framing.errors import FramingError
from framing.lexicon.load import as_lexicon
from framing.vocabulary import STANCES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "require",
    "group_columns",
    "group_labels",
    "fmt",
    "unique",
    "check_stances",
    "pick",
    "stance_matrix",
    "interval_note",
    "with_display_names",
]


def require(table: Any, columns: Sequence[str], name: str, producer: str) -> None:
    """Raise a :class:`FramingError` unless ``table`` is a non-empty DataFrame with ``columns``.

    ``name`` is the argument's name, ``producer`` the function whose table it should be.
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise FramingError(f"{name}: expected a DataFrame from {producer}, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise FramingError(f"{name}: missing columns {missing} (has {list(table.columns)}); "
                           f"pass the table returned by {producer}")
    if len(table) == 0:
        raise FramingError(f"{name}: the table is empty; nothing to draw")


def group_columns(table: pd.DataFrame, skip: Iterable[str] = ()) -> list[str]:
    """The group columns: those before ``referent`` (design.md: group columns come first)."""
    cols = list(table.columns)
    skip = set(skip)
    return [c for c in cols[: cols.index("referent")] if c not in skip]


def group_labels(table: pd.DataFrame, gcols: Sequence[str]) -> pd.Series:
    """One display label per row from the group columns (joined with ' · '; "all" without any)."""
    import pandas as pd

    if not gcols:
        return pd.Series("all", index=table.index)
    parts = [table[c].map(fmt) for c in gcols]
    out = parts[0]
    for p in parts[1:]:
        out = out + " · " + p
    return out


def fmt(value: object) -> str:
    """A value as a label: midnight timestamps as dates, anything else as ``str``."""
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) else str(value)
    return str(value)


def unique(values: Iterable[Any]) -> list[Any]:
    """Unique values in order of first appearance."""
    return list(dict.fromkeys(values))


def check_stances(table: pd.DataFrame, name: str) -> None:
    """Raise unless the ``stance`` column holds only the stances of :data:`framing.vocabulary.STANCES`."""
    bad = sorted(set(map(str, table["stance"])) - set(STANCES))
    if bad:
        raise FramingError(f"{name}: column 'stance' holds {bad}; expected only {list(STANCES)}")


def pick(values: list[Any], wanted: Any, what: str, name: str) -> Any:
    """``wanted`` if it is one of ``values``, else a :class:`FramingError` listing them."""
    if wanted not in values:
        raise FramingError(f"{name}: no rows for {what} {wanted!r}; available: {values}")
    return wanted


def stance_matrix(sub: pd.DataFrame, rows: list[Any], row_col: str, value: str, name: str) -> np.ndarray:
    """rows x STANCES array of ``value`` from a long table (NaN where absent)."""
    dup = sub.duplicated([row_col, "stance"])
    if dup.any():
        first = sub.loc[dup].iloc[0]
        raise FramingError(f"{name}: several rows for {row_col}={first[row_col]!r}, stance={first['stance']!r}; "
                           "expected one row per group, referent and stance (filter the table first)")
    wide = sub.pivot(index=row_col, columns="stance", values=value)
    return wide.reindex(index=rows, columns=list(STANCES)).to_numpy(dtype=float)


def interval_note(table: Any, what: str = "whiskers") -> str:
    """How the intervals of a table were computed, in one line for a chart (from its ``attrs``).

    >>> import pandas as pd
    >>> t = pd.DataFrame(); t.attrs.update(method="bootstrap", ci=0.95)
    >>> interval_note(t)
    'whiskers: 95% percentile-bootstrap intervals over documents'
    """
    attrs = getattr(table, "attrs", None) or {}
    method, ci = attrs.get("method"), attrs.get("ci")
    level = f"{ci:.0%} " if isinstance(ci, (int, float)) else ""
    if method == "bootstrap":
        return f"{what}: {level}percentile-bootstrap intervals over documents"
    if method == "wilson":
        return f"{what}: {level}Wilson score intervals (labels counted as independent)"
    if method == "dirichlet":
        return f"{what}: {level}Dirichlet posterior intervals"
    if method:
        return f"{what}: {level}{method} intervals"
    return f"{what}: the table's lo–hi intervals (method not recorded in its attrs)"


def with_display_names(table: pd.DataFrame, lexicon: Any) -> pd.DataFrame:
    """A copy of an analysis table with each ``referent`` replaced by its display name from the
    lexicon (``Referent.label``, e.g. "Haftar's camp" for ``haftar_camp``), for charts people read.

    >>> import pandas as pd
    >>> with_display_names(pd.DataFrame({"referent": ["haftar_camp"]}), "libya")["referent"].tolist()
    ["Haftar's camp"]
    """
    lex = as_lexicon(lexicon)
    out = table.copy()
    names = {r: (lex.display_name(r) if hasattr(lex, "display_name") else str(r).replace("_", " "))
             for r in out["referent"].dropna().unique()}
    out["referent"] = out["referent"].map(lambda r: names.get(r, r))
    out.attrs = dict(table.attrs)
    return out
