"""Dates of corpus records: text in ISO 8601 and other common forms, and epoch timestamps.

Numbers (or digit strings of 9+ digits) are epoch timestamps in UTC whose unit is told by their
size, as pandas ``to_json`` writes them (default milliseconds): seconds from 1e8, milliseconds from
1e11, microseconds from 1e14, nanoseconds from 1e17 (each range starts in March 1973, so the units
cannot be confused for news dates). Shorter numbers such as ``20200115`` are read as text
(YYYYMMDD).

Time zones: a date written with an offset (``2020-03-01T01:30:00+03:00``, ``...Z``, ``... GMT``,
``... +0300``) keeps its local date and time as written, and the offset is dropped: a news date is
the day the outlet printed, not that moment in UTC (``2020-03-01T01:30:00+03:00`` is 1 March, not
29 February). Time-zone-aware date objects (Parquet) likewise keep their own wall-clock time.

Day and month: a date written ``NN/NN/YYYY`` (also with ``-`` or ``.``, or a two-digit year) is read
in one order for the whole column. The order is given (``dayfirst=True``/``False``) or decided by
the values: a first number above 12 (``13/02/2020``) means day first, a second number above 12
(``02/13/2020``) means month first. A column showing both is an error naming an example line of
each; a column where every such date could be read either way (``01/02/2020``) is refused until
``dayfirst`` is given. Read in batches, the order is decided by the first batch that holds such a
date (or by ``dayfirst``); a later date that contradicts it is a problem naming the date that decided.

Dates outside 1677-09-22 .. 2262-04-11 (the range of pandas' datetime64[ns]) are problems saying so,
as are texts that are not dates.

>>> dates, problems = parse_dates(["2020-01-15", 1579046400000, "20200115", None, "soon"])
>>> [str(d)[:10] for d in dates], [p is not None for p in problems]
(['2020-01-15', '2020-01-15', '2020-01-15', 'NaT', 'NaT'], [False, False, False, False, True])
>>> str(parse_dates(["2020-03-01T01:30:00+03:00"]).dates[0])
'2020-03-01T01:30:00.000000000'
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from framing.errors import CorpusError, FramingError

__all__ = ["ParsedDates", "parse_dates", "DateColumn", "RANGE_TEXT"]

#: the dates a corpus table can hold (datetime64[ns]), as messages state them
RANGE_TEXT = "pandas supports 1677-09-22 to 2262-04-11"
_FIX = "use ISO dates (YYYY-MM-DD), leave it empty/null when unknown, or fix the value"


class ParsedDates(NamedTuple):
    """The dates of :func:`parse_dates` (datetime64[ns], NaT when missing or bad) and, per value,
    the problem (None when the value was a date or missing)."""

    dates: np.ndarray
    problems: list[str | None]


_EPOCH_DIGITS = re.compile(r"\d{9,}(?:\.\d*)?")
# (lower bound, unit): epoch numbers from 1e8 are seconds, 1e11 milliseconds, 1e14 microseconds,
# 1e17 nanoseconds; each range starts in March 1973, so no news date can be read in the wrong unit.
_EPOCH_UNITS = ((1e17, "ns"), (1e14, "us"), (1e11, "ms"), (1e8, "s"))
# NN/NN/YYYY (or - or .; two-digit years) and what follows (a time)
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(.*)", re.S)
# a time followed by a zone: Z, UTC, GMT (each optionally with an offset) or a numeric offset
_TZ = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AP]\.?M\.?)?)\s*"
                 r"(?:(?:Z|UTC|GMT)\s*(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?)$", re.I)


def _bounds() -> tuple[Any, Any]:
    import pandas as pd

    return pd.Timestamp("1677-09-22", tz="UTC"), pd.Timestamp.max.tz_localize("UTC")


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
    lo, hi = _bounds()
    if not (lo <= ts.tz_localize("UTC") <= hi):
        return pd.NaT
    return ts.asm8.astype("datetime64[ns]")


def _local(value: str) -> str:
    """``value`` without its time zone (the wall-clock time as written)."""
    if ":" not in value:
        return value
    m = _TZ.search(value)
    return value[:m.end(1)] if m else value


def _two_digit_year(yy: int) -> int:
    """A two-digit year as dateutil reads it: within 50 years of this year."""
    this = dt.date.today().year
    year = this - this % 100 + yy
    return year - 100 if year >= this + 50 else year + 100 if year < this - 50 else year


def _out_of_range(text: str) -> bool:
    """True when ``text`` is a real ISO date that datetime64[ns] cannot hold (pandas gave NaT)."""
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return not (1677 < parsed.year < 2262)


def _range_problem(text: str) -> str:
    return f"date {text[:40]!r} is out of range ({RANGE_TEXT}); fix the value or leave it empty"


class _Order(NamedTuple):
    dayfirst: bool
    why: str


class _Candidate(NamedTuple):
    pos: int  # index in the batch
    first: int
    second: int
    year: str
    rest: str


class DateColumn:
    """The ``date`` column of one corpus, parsed batch by batch with one day/month order.

    ``dayfirst``: True (``13/02/2020``), False (``02/13/2020``) or None to decide from the values (see
    the module docstring). :meth:`parse` raises :class:`~framing.errors.CorpusError` when the order
    cannot be decided, or when one batch shows both orders.
    """

    def __init__(self, dayfirst: bool | None = None):
        if dayfirst is not None and not isinstance(dayfirst, bool):
            raise FramingError(f"dayfirst must be True, False or None, got {dayfirst!r}")
        given = "dayfirst=True" if dayfirst else "dayfirst=False"
        self.order = None if dayfirst is None else _Order(dayfirst, f"{given} was given")

    def _decide(self, cands: list[_Candidate], texts: list[Any], sources: Sequence[str],
                lines: Sequence[int]) -> None:
        def place(c: _Candidate) -> str:
            return f"line {lines[c.pos]}: {texts[c.pos]!r}" if sources[c.pos] == sources[0] else \
                f"{sources[c.pos]}, line {lines[c.pos]}: {texts[c.pos]!r}"

        day = next((c for c in cands if c.first > 12 and 1 <= c.second <= 12), None)
        month = next((c for c in cands if c.second > 12 and 1 <= c.first <= 12), None)
        if day and month:
            later = max(day, month, key=lambda c: c.pos)
            raise CorpusError(f"the date column mixes day-first dates ({place(day)}) and month-first dates "
                              f"({place(month)}); make them consistent, or pass dayfirst=True or False "
                              "(--dayfirst / --monthfirst) to read one order and reject the other",
                              source=sources[later.pos], line=lines[later.pos], field="date")
        if day or month:
            decider = day or month
            assert decider is not None
            order = "day-first" if day else "month-first"
            self.order = _Order(bool(day), f"{order}, as {place(decider)} shows")
            return
        either = next((c for c in cands if c.first != c.second and 1 <= c.first <= 12 and 1 <= c.second <= 12),
                      None)
        if either:
            raise CorpusError(f"dates such as {texts[either.pos]!r} can be read day-first or month-first, and no "
                              "date in the column tells which (none has a day above 12 in either place); pass "
                              "dayfirst=True or dayfirst=False (command line: --dayfirst or --monthfirst)",
                              source=sources[either.pos], line=lines[either.pos], field="date")

    def _as_iso(self, c: _Candidate, text: str) -> tuple[str | None, str | None]:
        """The candidate as ISO text, or the problem."""
        if self.order is None:  # undecided: only dates that read the same both ways, or no date at all
            day, month = c.first, c.second
            if day != month:
                return None, f"unparsable date {text[:40]!r}; {_FIX}"
        else:
            day, month = (c.first, c.second) if self.order.dayfirst else (c.second, c.first)
        if not 1 <= month <= 12:
            if self.order is None or not 1 <= day <= 12:
                return None, f"unparsable date {text[:40]!r} (no month {month} either way); {_FIX}"
            read = "day-first" if self.order.dayfirst else "month-first"
            return None, (f"date {text[:40]!r} cannot be read {read} (no month {month}), the order of this "
                          f"column ({self.order.why}); fix the value")
        year = _two_digit_year(int(c.year)) if len(c.year) == 2 else int(c.year)
        return f"{year:04d}-{month:02d}-{day:02d}{c.rest}", None

    def parse(self, values: list[Any], sources: Sequence[str] | None = None,
              lines: Sequence[int] | None = None) -> ParsedDates:
        """Parse the ``date`` values of a batch; ``sources`` and ``lines`` (per value) place errors.

        Missing values (None, NaN, NaT, empty or ``"nan"``/``"null"``/``"none"`` text) give NaT without
        a problem.
        """
        import pandas as pd

        n = len(values)
        sources = sources if sources is not None else [""] * n
        lines = lines if lines is not None else range(1, n + 1)
        texts: list[Any] = [None] * n
        shown: list[Any] = [None] * n
        out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        problems: list[str | None] = [None] * n
        cands: list[_Candidate] = []
        for i, value in enumerate(values):
            v = value.strip() if isinstance(value, str) else value
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
                continue
            if isinstance(v, str) and (not v or v.lower() in ("nan", "nat", "null", "none")):
                continue
            epoch = _epoch(v)
            if epoch is not None:
                if epoch is pd.NaT:
                    problems[i] = (f"epoch timestamp {str(v)[:40]!r} is out of range ({RANGE_TEXT}); use ISO "
                                   "dates (YYYY-MM-DD), leave it empty/null when unknown, or fix the value")
                else:
                    out[i] = epoch
                continue
            if isinstance(v, dt.datetime) and v.tzinfo is not None:
                v = v.replace(tzinfo=None)  # its own wall-clock time
            texts[i] = shown[i] = v if not isinstance(v, (int, float, np.number)) or isinstance(v, bool) else str(v)
            if isinstance(v, str):
                texts[i] = _local(v)
                m = _DMY.fullmatch(texts[i])
                if m:
                    cands.append(_Candidate(i, int(m[1]), int(m[3]), m[4], m[5]))
        if cands and self.order is None:
            self._decide(cands, shown, sources, lines)
        for c in cands:
            texts[c.pos], problems[c.pos] = self._as_iso(c, shown[c.pos])
        present = [i for i, v in enumerate(texts) if v is not None]
        if not present:
            return ParsedDates(out, problems)
        lo, hi = _bounds()

        def parse(items: list[Any], fmt: str) -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    return pd.to_datetime(pd.Series(items, dtype=object), errors="coerce", utc=True, format=fmt)
                except (ValueError, TypeError, OverflowError):
                    return None

        parsed = parse([texts[i] for i in present], "ISO8601")
        results = list(parsed) if parsed is not None else [pd.NaT] * len(present)
        for k, i in enumerate(present):
            ts = results[k]
            if ts is pd.NaT or ts is None or (isinstance(ts, float)):
                one = parse([texts[i]], "mixed")
                ts = one.iloc[0] if one is not None else pd.NaT
            text = str(shown[i])
            if ts is pd.NaT or not isinstance(ts, pd.Timestamp):
                wide = isinstance(texts[i], str) and _out_of_range(texts[i])
                problems[i] = _range_problem(text) if wide else f"unparsable date {text[:40]!r}; {_FIX}"
            elif not lo <= ts <= hi:
                problems[i] = _range_problem(text)
            else:
                out[i] = ts.tz_convert(None).as_unit("ns").asm8
        return ParsedDates(out, problems)


def parse_dates(values: list[Any], dayfirst: bool | None = None) -> ParsedDates:
    """Parse the ``date`` values of one batch of records on their own (see the module docstring for the
    forms read); :class:`DateColumn` keeps the day/month order across batches."""
    return DateColumn(dayfirst).parse(values)
