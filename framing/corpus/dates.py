"""Dates of corpus records: text in ISO 8601 and other common forms, and epoch timestamps.

Numbers (or digit strings of 9+ digits) are epoch timestamps in UTC whose unit is told by their
size, as pandas ``to_json`` writes them (default milliseconds): seconds from 1e8, milliseconds from
1e11, microseconds from 1e14, nanoseconds from 1e17 (each range starts in March 1973, so the units
cannot be confused for news dates). Shorter numbers such as ``20200115`` are read as text
(YYYYMMDD). Time zones are converted to UTC and dropped; dates outside 1678-2261 (the range of
datetime64[ns]) are problems, as are texts that are not dates.

>>> dates, problems = parse_dates(["2020-01-15", 1579046400000, "20200115", None, "soon"])
>>> [str(d)[:10] for d in dates], [p is not None for p in problems]
(['2020-01-15', '2020-01-15', '2020-01-15', 'NaT', 'NaT'], [False, False, False, False, True])
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, NamedTuple

import numpy as np

__all__ = ["ParsedDates", "parse_dates"]


class ParsedDates(NamedTuple):
    """The dates of :func:`parse_dates` (datetime64[ns], NaT when missing or bad) and, per value,
    the problem (None when the value was a date or missing)."""

    dates: np.ndarray
    problems: list[str | None]


_EPOCH_DIGITS = re.compile(r"\d{9,}(?:\.\d*)?")
# (lower bound, unit): epoch numbers from 1e8 are seconds, 1e11 milliseconds, 1e14 microseconds,
# 1e17 nanoseconds; each range starts in March 1973, so no news date can be read in the wrong unit.
_EPOCH_UNITS = ((1e17, "ns"), (1e14, "us"), (1e11, "ms"), (1e8, "s"))


def _epoch(value: Any) -> Any:
    """An epoch timestamp (number, or digit string of 9+ digits) as datetime64[ns]; pd.NaT when out of
    range; None when ``value`` is not an epoch number (text, or a number below 1e8 such as 20200115)."""
    import pandas as pd

    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not _EPOCH_DIGITS.fullmatch(value):
            return None
        number: Any = float(value) if "." in value else int(value)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = value
    else:
        return None
    if not number >= 1e8:  # also NaN
        return None
    unit = next(u for bound, u in _EPOCH_UNITS if number >= bound)
    try:
        ts = pd.Timestamp(number, unit=unit)
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT
    if not (pd.Timestamp("1678-01-01") <= ts < pd.Timestamp("2262-01-01")):
        return pd.NaT
    return ts.asm8.astype("datetime64[ns]")


def parse_dates(values: list[Any]) -> ParsedDates:
    """Parse the ``date`` values of a batch of records (see the module docstring for the forms read).

    Missing values (None, NaN, NaT, empty or ``"nan"``/``"null"``/``"none"`` text) give NaT without
    a problem.
    """
    import pandas as pd

    n = len(values)
    texts: list[Any] = [None] * n
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    problems: list[str | None] = [None] * n
    for i, value in enumerate(values):
        v = value.strip() if isinstance(value, str) else value
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            continue
        if isinstance(v, str) and (not v or v.lower() in ("nan", "nat", "null", "none")):
            continue
        epoch = _epoch(v)
        if epoch is not None:
            if epoch is pd.NaT:
                problems[i] = (f"epoch timestamp {str(v)[:40]!r} is out of range (1678-2261); use ISO dates "
                               "(YYYY-MM-DD), leave it empty/null when unknown, or fix the value")
            else:
                out[i] = epoch
            continue
        texts[i] = v if not isinstance(v, (int, float, np.number)) or isinstance(v, bool) else str(v)
    present = [i for i, v in enumerate(texts) if v is not None]
    if not present:
        return ParsedDates(out, problems)
    lo, hi = pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC")

    def parse(items: list[Any], fmt: str) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return pd.to_datetime(pd.Series(items, dtype=object), errors="coerce", utc=True, format=fmt)
            except (ValueError, TypeError, OverflowError):
                return None

    sub = [texts[i] for i in present]
    parsed = parse(sub, "ISO8601")
    if parsed is None:
        parsed = pd.Series([pd.NaT] * len(sub), dtype="datetime64[ns, UTC]")
    results = list(parsed)
    for k, i in enumerate(present):
        ts = results[k]
        if ts is pd.NaT or ts is None or (isinstance(ts, float)):
            one = parse([texts[i]], "mixed")
            ts = one.iloc[0] if one is not None else pd.NaT
        if ts is pd.NaT or not (lo <= ts < hi):
            problems[i] = (f"unparsable date {str(texts[i])[:40]!r}; use ISO dates (YYYY-MM-DD), leave it "
                           "empty/null when unknown, or fix the value")
            continue
        out[i] = ts.tz_convert(None).asm8.astype("datetime64[ns]")
    return ParsedDates(out, problems)
