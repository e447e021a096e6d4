"""The shared vocabulary, defined once: stances, voices, column names, the ``by`` and voice checks,
the kind of a table and period bucketing.

Every module that names a stance or voice, a corpus, match or feature column, checks a ``by`` or
``voice`` argument, guesses what kind of table it was given, or puts dates into periods imports it
from here, so that they agree.

>>> check_voice("own")
'own'
>>> VOICES
('own', 'quoted', 'reported', 'all')
>>> label_column("haftar_camp", "neutral")
'label:haftar_camp:neutral'
>>> check_by(("outlet", "period"))
['outlet', 'period']

Periods are labelled by their **first day**. ``freq`` is a pandas frequency with pandas' own
meaning: ``"MS"`` (or ``"M"``) months, ``"QS"`` quarters, ``"YS"`` years, ``"D"`` days, and
``"W"`` weeks running Monday to Sunday (pandas' ``"W"`` is ``"W-SUN"``: weeks *ending* on
Sunday). ``"W-MON"`` is a week ending on Monday, so it starts on a Tuesday:

>>> import pandas as pd
>>> dates = pd.Series(pd.to_datetime(["2020-01-05", "2020-01-06", "2020-01-08", "2020-02-01"]))
>>> [str(d.date()) for d in period_start(dates, "W")]
['2019-12-30', '2020-01-06', '2020-01-06', '2020-01-27']
>>> [str(d.date()) for d in period_start(dates, "W-MON")]
['2019-12-31', '2019-12-31', '2020-01-07', '2020-01-28']
>>> [str(d.date()) for d in period_start(dates, "MS")]
['2020-01-01', '2020-01-01', '2020-01-01', '2020-02-01']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from framing.errors import FramingError

__all__ = [
    "CATEGORY_PREFIX", "CORPUS_COLUMNS", "CORPUS_DTYPES", "DEFAULT_FREQ", "DEFAULT_VOICE",
    "FEATURE_META_COLUMNS", "LABEL_PREFIX", "MATCH_COLUMNS", "MATCH_DTYPES", "MATCH_FIELDS", "MATCH_VOICES",
    "STANCES", "TABLE_KINDS", "VOICES", "category_column", "check_by", "check_voice", "counted",
    "label_column", "label_columns", "period_offset", "period_range", "period_start", "table_kind",
    "voice_mask",
]

# --------------------------------------------------------------------------- stances and voices

#: the stances a label takes towards its referent, from denying to granting legitimacy
STANCES = ("delegitimizing", "neutral", "legitimizing")

#: whose words a match is: the outlet's own, a quotation (scare quotes included), or speech the
#: outlet reports without quotation marks (وقال المتحدث إن ...)
MATCH_VOICES = ("own", "quoted", "reported")

#: what a count may be restricted to: one voice, or all of them
VOICES = (*MATCH_VOICES, "all")

#: every function that takes a voice defaults to the outlet's own words
DEFAULT_VOICE = "own"


def check_voice(voice: Any) -> str:
    """Return ``voice`` if it is one of :data:`VOICES`, else raise a :class:`FramingError`.

    >>> check_voice("mine")
    Traceback (most recent call last):
    ...
    framing.errors.FramingError: voice: expected one of 'own', 'quoted', 'reported', 'all'; got 'mine'
    """
    if not isinstance(voice, str) or voice not in VOICES:
        raise FramingError(f"voice: expected one of {', '.join(map(repr, VOICES))}; got {voice!r}")
    return voice


def voice_mask(matches, voice: str):
    """A boolean Series: the rows of a match table in ``voice`` (all rows for ``"all"``).

    Uses the ``voice`` column; a table written before voices existed has only ``quoted``, which
    stands for quoted against own.
    """
    import numpy as np
    import pandas as pd

    check_voice(voice)
    if voice == "all":
        return pd.Series(np.ones(len(matches), dtype=bool), index=matches.index)
    if "voice" in matches.columns:
        return matches["voice"] == voice
    if voice == "reported":
        return pd.Series(np.zeros(len(matches), dtype=bool), index=matches.index)
    return matches["quoted"].astype(bool) == (voice == "quoted")


def counted(matches, voice: str):
    """The rows of a match table that a count in ``voice`` includes: that voice, and in scope."""
    keep = voice_mask(matches, voice)
    if "in_scope" in matches.columns:
        keep &= matches["in_scope"].astype(bool)
    return matches[keep]


# --------------------------------------------------------------------------- columns

#: the columns of a corpus, in order (:func:`framing.read_corpus`); other columns are kept after them
CORPUS_COLUMNS = ("doc_id", "outlet", "date", "title", "text", "url")

#: their dtypes (``date`` is timezone-naive; a missing date is NaT)
CORPUS_DTYPES = {"doc_id": "str", "outlet": "str", "date": "datetime64[ns]", "title": "str", "text": "str",
                 "url": "str"}

#: the fields of one match (:class:`framing.lexicon.matcher.Match`), in order
MATCH_FIELDS = ("start", "end", "surface", "kind", "category", "referent", "stance", "term",
                "quoted", "scare_quoted", "alias", "voice", "in_scope", "scope_reason")

#: the columns of a matches table (:func:`framing.extract_matches`): the document, then the match
MATCH_COLUMNS = ("doc_id", "outlet", "date", *MATCH_FIELDS)

#: their dtypes; ``category``, ``referent``, ``stance`` and ``alias`` are strings or None
MATCH_DTYPES = {"doc_id": "object", "outlet": "object", "date": "datetime64[ns]", "start": "int64",
                "end": "int64", "surface": "object", "kind": "object", "category": "object",
                "referent": "object", "stance": "object", "term": "object", "quoted": "bool",
                "scare_quoted": "bool", "alias": "object", "voice": "object", "in_scope": "bool",
                "scope_reason": "object"}

#: the columns of a features table (:func:`framing.extract_features`) before the counts
FEATURE_META_COLUMNS = ("doc_id", "outlet", "date", "n_tokens")

#: a features table counts category ``c`` in ``cat:c`` and referent ``r`` × stance ``s`` in ``label:r:s``
CATEGORY_PREFIX = "cat:"
LABEL_PREFIX = "label:"


def category_column(category: str) -> str:
    """The features column that counts ``category``: ``cat:<category>``."""
    return f"{CATEGORY_PREFIX}{category}"


def label_column(referent: str, stance: str) -> str:
    """The features column that counts the labels of ``referent`` in ``stance``."""
    return f"{LABEL_PREFIX}{referent}:{stance}"


def label_columns(features) -> list[tuple[str, str, str]]:
    """``(column, referent, stance)`` for every label column of a features table (or of its columns).

    >>> label_columns(["doc_id", "cat:army", "label:gna:neutral", "label:gna:odd"])
    [('label:gna:neutral', 'gna', 'neutral')]
    """
    columns = getattr(features, "columns", features)
    out = []
    for col in columns:
        if isinstance(col, str) and col.startswith(LABEL_PREFIX):
            parts = col.split(":")
            if len(parts) == 3 and parts[2] in STANCES:
                out.append((col, parts[1], parts[2]))
    return out


# --------------------------------------------------------------------------- arguments and tables


def _listing(columns: Iterable[Any], limit: int = 20) -> str:
    cols = [str(c) for c in columns]
    more = f", ... ({len(cols)} in all)" if len(cols) > limit else ""
    return ", ".join(cols[:limit]) + more


def check_by(by: Any, columns: Iterable[Any] | None = None, *, name: str = "by", allow_empty: bool = False,
             reserved: Iterable[str] = (), derived: Iterable[str] = (), what: str = "table") -> list[str]:
    """``by`` as a list of grouping column names, or a :class:`FramingError` saying what is wrong.

    ``by`` is a column name or a sequence of them; ``None`` (or an empty sequence) means "no
    grouping" and gives ``[]`` where ``allow_empty``. Names must be strings, distinct and not in
    ``reserved`` (output columns of the caller). With ``columns`` (the table's columns), each name
    must be one of them, except those in ``derived`` (columns the caller adds, such as
    ``"period"``); ``what`` names the table in the message. ``name`` is the argument's name.

    >>> check_by("outlet")
    ['outlet']
    >>> check_by(None, allow_empty=True)
    []
    >>> check_by(["outlet", "site"], ["doc_id", "outlet", "date"], what="features table")
    Traceback (most recent call last):
    ...
    framing.errors.FramingError: by: column 'site' is not in the features table; columns: doc_id, outlet, date
    """
    out: list[Any] | None
    if by is None:
        out = []
    elif isinstance(by, str):
        out = [by]
    elif isinstance(by, (bytes, dict, set, frozenset)):
        out = None  # unordered, or not names
    else:
        try:
            out = list(by)
        except TypeError:
            out = None
    if out is None:
        raise FramingError(f"{name}: expected a column name or a sequence of column names, got {by!r}")
    if not out and not allow_empty:
        raise FramingError(f"{name}: expected a column name or a non-empty sequence of column names, got {by!r}")
    for b in out:
        if not isinstance(b, str):
            raise FramingError(f"{name}: expected column names (str), got {b!r} in {by!r}")
    reserved_names = set(reserved)
    for b in out:
        if b in reserved_names:
            raise FramingError(f"{name}: {b!r} is an output column, not a grouping column; "
                               "group by document columns such as 'outlet' or 'period'")
    if len(set(out)) != len(out):
        raise FramingError(f"{name}: expected distinct column names, got {by!r}")
    if columns is not None:
        have = list(columns)
        made = set(derived)
        for b in out:
            if b not in made and b not in have:
                hint = "; use 'period' with freq= for time buckets" if "period" in made else ""
                raise FramingError(f"{name}: column {b!r} is not in the {what}; columns: {_listing(have)}{hint}")
    return out


#: what :func:`table_kind` tells apart
TABLE_KINDS = ("features", "matches", "attention", "counts", "corpus")

_KIND_HELP = {
    "features": "a features table (label:<referent>:<stance> columns, from extract_features)",
    "matches": "a matches table (kind, referent, stance, term, voice, ..., from extract_matches)",
    "attention": "attention counts (n_docs, n_mentioning, from attention_counts)",
    "counts": "long counts (a 'count' column with 'referent' and 'stance', or 'term')",
    "corpus": "a corpus (a 'text' column, from read_corpus)",
}
#: columns that only a per-match table has besides ``kind``
_PER_MATCH = ("surface", "start", "quoted", "voice")


def table_kind(table: Any, expected: Sequence[str] | None = None, *, what: str = "input") -> str:
    """What a table is, judged from its columns: one of :data:`TABLE_KINDS`, or ``"unknown"``.

    ``features``: a ``label:`` or ``cat:`` column; ``matches``: ``kind`` and a per-match column
    (``surface``, ``start``, ``quoted`` or ``voice``); ``attention``: ``n_docs`` and
    ``n_mentioning``; ``counts``: ``count`` with ``term`` or with ``referent`` and ``stance``;
    ``corpus``: ``text``. With ``expected``, anything else (or not a DataFrame) raises a
    :class:`FramingError` that says what ``what`` accepts.

    >>> import pandas as pd
    >>> table_kind(pd.DataFrame(columns=["outlet", "term", "count"]))
    'counts'
    >>> table_kind(pd.DataFrame(columns=["outlet", "n"]), ("corpus",), what="f")
    Traceback (most recent call last):
    ...
    framing.errors.FramingError: f: expected a corpus (a 'text' column, from read_corpus); got columns outlet, n
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        if expected is None:
            return "unknown"
        wanted = " or ".join(k for k in expected)
        raise FramingError(f"{what}: expected a pandas DataFrame ({wanted}), got {type(table).__name__}")
    cols = set(table.columns)
    if any(isinstance(c, str) and c.startswith((LABEL_PREFIX, CATEGORY_PREFIX)) for c in table.columns):
        kind = "features"
    elif "kind" in cols and cols & set(_PER_MATCH):
        kind = "matches"
    elif {"n_docs", "n_mentioning"} <= cols:
        kind = "attention"
    elif "count" in cols and ("term" in cols or {"referent", "stance"} <= cols):
        kind = "counts"
    elif "text" in cols:
        kind = "corpus"
    else:
        kind = "unknown"
    if expected is not None and kind not in expected:
        got = "" if kind == "unknown" else f"{_KIND_HELP[kind]}, with "
        raise FramingError(f"{what}: expected {' or '.join(_KIND_HELP.get(k, k) for k in expected)}; "
                           f"got {got}columns {_listing(table.columns)}")
    return kind


# --------------------------------------------------------------------------- periods

#: the default period: calendar months
DEFAULT_FREQ = "MS"

_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# aliases pandas keeps for periods but no longer for offsets
_PERIOD_ONLY = {"M": "ME", "Q": "QE", "Y": "YE", "A": "YE", "AS": "YS", "BA": "BYE", "BAS": "BYS"}


def _bad_freq(freq: Any, why: str = "") -> FramingError:
    return FramingError(f"freq: expected a pandas frequency such as 'MS' (month), 'QS' (quarter), 'YS' (year), "
                        f"'W' (week from Monday) or 'D' (day), got {freq!r}{why}")


def _period_spec(freq: Any) -> tuple[str, Any]:
    """(pandas Period alias, offset from one period start to the next) for ``freq``."""
    import pandas as pd
    from pandas.tseries.frequencies import to_offset

    if not isinstance(freq, str) or not freq.strip():
        raise _bad_freq(freq)
    base, dash, anchor = freq.strip().partition("-")
    alias = _PERIOD_ONLY.get(base, base) + dash + anchor
    try:
        off: Any = to_offset(alias)
    except (ValueError, TypeError):
        raise _bad_freq(freq) from None
    if off.n != 1:
        raise _bad_freq(freq, f"; multiples such as {freq!r} are not supported: use one period of "
                              "the kind and pool the periods afterwards")
    o = pd.offsets
    # the month a quarterly or yearly offset is anchored on (1-12), read before isinstance narrows the type
    anchor_month: int = getattr(off, "startingMonth", None) or getattr(off, "month", None) or 12
    weekday: int | None = getattr(off, "weekday", None)
    if isinstance(off, o.Week) and weekday is not None:
        return f"W-{_DAYS[weekday]}", o.Week(1)
    if isinstance(off, (o.MonthBegin, o.MonthEnd, o.BusinessMonthBegin, o.BusinessMonthEnd)):
        return "M", o.MonthBegin(1)
    if isinstance(off, (o.QuarterBegin, o.BQuarterBegin)):
        return f"Q-{_MONTHS[(anchor_month - 2) % 12]}", o.MonthBegin(3)
    if isinstance(off, (o.QuarterEnd, o.BQuarterEnd)):
        return f"Q-{_MONTHS[anchor_month - 1]}", o.MonthBegin(3)
    if isinstance(off, (o.YearBegin, o.BYearBegin)):
        return f"Y-{_MONTHS[(anchor_month - 2) % 12]}", o.MonthBegin(12)
    if isinstance(off, (o.YearEnd, o.BYearEnd)):
        return f"Y-{_MONTHS[anchor_month - 1]}", o.MonthBegin(12)
    if isinstance(off, o.Day):
        return "D", o.Day(1)
    raise _bad_freq(freq, "; periods are days, weeks, months, quarters or years")


def period_offset(freq: str):
    """The pandas offset from the first day of a ``freq`` period to the first day of the next.

    Checks ``freq`` (a :class:`FramingError` for anything that is not one day, week, month,
    quarter or year). ``start + period_offset(freq) - pandas.Timedelta(days=1)`` is a period's last day.

    >>> import pandas as pd
    >>> pd.Timestamp("2020-01-07") + period_offset("W-MON")
    Timestamp('2020-01-14 00:00:00')
    """
    return _period_spec(freq)[1]


def period_start(dates, freq: str):
    """The first day of the ``freq`` period holding each date, as a ``datetime64[ns]`` Series.

    ``dates`` are datetimes or strings (unparseable ones and missing dates give NaT); times of day
    are ignored and timezone-aware dates are bucketed by their local date. ``freq`` has pandas'
    meaning (see the module docstring: ``"W"`` weeks start on Monday, ``"W-MON"`` weeks end on
    Monday); ``"MS"`` and ``"M"`` are both calendar months, ``"QS"`` and ``"Q"`` quarters.
    """
    import numpy as np
    import pandas as pd

    alias, _ = _period_spec(freq)
    dates = dates if isinstance(dates, pd.Series) else pd.Series(dates)
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce", format="mixed")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    day = dates.dt.normalize()
    codes, uniq = pd.factorize(day)  # one conversion per distinct day; NaT -> code -1
    starts = pd.DatetimeIndex(uniq).to_period(alias).start_time.to_numpy().astype("datetime64[ns]")
    out = np.full(len(day), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = codes >= 0
    out[known] = starts[codes[known]]
    return pd.Series(out, index=dates.index)


def period_range(first, last, freq: str):
    """The first days of every ``freq`` period from the one holding ``first`` to the one holding
    ``last`` (a ``datetime64[ns]`` DatetimeIndex): the complete period grid of a time axis.

    >>> [str(d.date()) for d in period_range("2020-01-08", "2020-01-20", "W-MON")]
    ['2020-01-07', '2020-01-14']
    """
    import pandas as pd

    step = period_offset(freq)
    ends = period_start(pd.Series(pd.to_datetime([first, last])), freq)
    if ends.isna().any():
        raise FramingError(f"period_range: expected two dates, got {first!r} and {last!r}")
    return pd.date_range(ends.iloc[0], ends.iloc[1], freq=step).astype("datetime64[ns]")
