"""Scope rules: whether a hit counts where it stands (exclude phrases, valid dates, context words, negation).

A hit that the rules keep out is still reported by :func:`framing.lexicon.matcher.find_matches` with
``scope="all"``, with ``in_scope=False`` and the first reason that applies (:data:`SCOPE_REASONS`):

``exclude``
    the hit lies inside a longer ``exclude`` phrase of its entry, its owner or the lexicon;
``date``
    the document is dated outside the entry's ``valid`` ranges (or undated, with ``undated: skip``);
``context``
    none of the ``context`` words occurs in the document (within ``context_window`` words, if set);
``negated``
    a qualifier right after a negator (غير المعترف بها);
``unattached``
    a qualifier with no head next to it (:mod:`framing.lexicon.attach`).

>>> scope = DocScope({0: Rule(frozenset({0}), 2, (), frozenset())}, "count", "قوات في ليبيا اليوم",
...                  {0: [8]}, [], None)
>>> scope.reason(0, 0, 4), scope.reason(1, 0, 4)
('', '')
>>> DocScope({0: Rule(frozenset({0}), 2, (), frozenset())}, "count", "قوات", {}, [], None).reason(0, 0, 4)
'context'
>>> negated("غير المعترف بها", 4, frozenset({"غير"}))
True
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import Any, NamedTuple

__all__ = ["SCOPE_REASONS", "Rule", "DocScope", "as_date", "in_ranges", "negated", "negator_endings"]

#: why a hit does not count (``scope_reason``), in the order they are checked
SCOPE_REASONS = ("exclude", "date", "context", "negated", "unattached")

_NEGATOR_STRIP = "«»“”\"‘’'()[]"
# negators -> the last characters of their words and the marks stripped around them (None: an empty negator)
_ENDINGS: dict[frozenset[str], frozenset[str] | None] = {}


class Rule(NamedTuple):
    """The scope of one entry: context phrase ids (any of them), the context window in words (None:
    anywhere in the document), the valid date ranges, and the exclude phrase ids."""

    context: frozenset[int]
    window: int | None
    valid: tuple[Any, ...]
    exclude: frozenset[int]


def in_ranges(date: dt.date, ranges) -> bool:
    """Is ``date`` inside one of the ``(start, end)`` ranges (None: an open end)?"""
    return any((a is None or a <= date) and (b is None or date <= b) for a, b in ranges)


def as_date(value: Any) -> dt.date | None:
    """A document date as ``datetime.date`` (None when missing).

    >>> as_date("2020-03-01"), as_date(None), as_date(float("nan"))
    (datetime.date(2020, 3, 1), None, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NaTType":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        import pandas as pd

        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(ts):  # NaT
        return None
    return ts.date()


def negator_endings(negators: frozenset[str]) -> frozenset[str] | None:
    """The characters a word must end in to be a negator, or a negator with quotation marks or brackets
    around it (what :func:`negated` reads; a whitespace character also lets it read on); None when a
    negator is empty (then any word may be one)."""
    if negators not in _ENDINGS:
        _ENDINGS[negators] = frozenset(n[-1] for n in negators).union(_NEGATOR_STRIP) if all(negators) else None
    return _ENDINGS[negators]


def negated(norm: str, start: int, negators: frozenset[str]) -> bool:
    """Does the word before ``start`` (quotation marks and brackets stripped) negate what follows?
    A negator with و or ف in front counts too."""
    if not negators:
        return False
    if start >= 2 and norm[start - 1] == " ":
        # the word before ends right there: unless its last character ends a negator, it is none
        last = norm[start - 2]
        ends = negator_endings(negators)
        if ends is not None and last not in ends and not last.isspace():
            return False
    words = norm[max(0, start - 16):start].split()
    if not words:
        return False
    prev = words[-1].strip(_NEGATOR_STRIP)
    if prev in negators:
        return True
    return prev[:1] in ("و", "ف") and prev[1:] in negators


class DocScope:
    """Scope decisions for the hits of one document.

    Parameters
    ----------
    rules : dict
        Entry index -> :class:`Rule` (entries without a rule always count).
    undated : {"count", "skip"}
        What an undated document does to entries with ``valid`` ranges.
    norm : str
        The normalized text.
    ctx : dict
        Context phrase id -> positions of its hits in ``norm`` (outside global exclude phrases).
    excl : list
        ``(start, end, exclude phrase id)`` of the exclude phrase hits.
    date : datetime.date or None
    """

    __slots__ = ("_excl_reach", "_excl_starts", "ctx", "date", "excl", "norm", "positions", "rules", "undated")

    def __init__(self, rules: dict[int, Rule], undated: str, norm: str, ctx: dict[int, list[int]],
                 excl: list[tuple[int, int, int]], date: dt.date | None):
        self.rules, self.undated, self.norm, self.ctx, self.excl, self.date = rules, undated, norm, ctx, excl, date
        self.positions: dict[frozenset[int], list[int]] = {}  # context ids -> sorted positions of their words
        self._excl_starts: list[int] | None = None  # exclude phrase starts, sorted (built on first need)
        self._excl_reach: list[int] = []  # the furthest end among the phrases starting up to each of them

    def excluded(self, idx: int, s: int, e: int) -> bool:
        """Does an exclude phrase of entry ``idx`` contain ``[s, e)``?"""
        rule = self.rules.get(idx)
        if rule is None or not rule.exclude or not self.excl:
            return False
        starts = self._excl_starts
        if starts is None:
            spans = sorted((xs, xe) for xs, xe, _xid in self.excl)
            starts = self._excl_starts = [xs for xs, _xe in spans]
            self._excl_reach = list(accumulate((xe for _xs, xe in spans), max))
        k = bisect_right(starts, s)
        if not k or self._excl_reach[k - 1] < e:
            return False  # no exclude phrase at all contains the span
        return any(xs <= s and e <= xe and xid in rule.exclude for xs, xe, xid in self.excl)

    def reason(self, idx: int, s: int, e: int) -> str:
        """Why entry ``idx`` at ``[s, e)`` does not count ("exclude", "date", "context"), or ""."""
        rule = self.rules.get(idx)
        if rule is None:
            return ""
        if rule.exclude and self.excluded(idx, s, e):
            return "exclude"
        if rule.valid:
            if self.date is None:
                if self.undated == "skip":
                    return "date"
            elif not in_ranges(self.date, rule.valid):
                return "date"
        if rule.context:
            positions = self.positions.get(rule.context)
            if positions is None:
                ctx = self.ctx  # (the phrases found are usually far fewer than a rule's phrases)
                positions = self.positions[rule.context] = sorted(
                    p for cid in rule.context.intersection(ctx) for p in ctx[cid]) if ctx else []
            if not positions:
                return "context"
            if rule.window is not None:
                # the nearest context word on either side decides: the number of words between a
                # context word and the hit only grows with its distance
                norm = self.norm
                k = bisect_left(positions, s)
                if not ((k < len(positions) and norm.count(" ", e, positions[k]) <= rule.window)
                        or (k > 0 and norm.count(" ", positions[k - 1], s) <= rule.window)):
                    return "context"
        return ""
