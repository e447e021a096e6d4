"""Checks of the values in a lexicon file: keys, names, text, term lists, scopes and date ranges.

:class:`ValueChecks` is the base of :class:`framing.lexicon.schema.LexiconSchema`: each check returns
the value in the form a lexicon keeps (normalized terms, a :class:`~framing.lexicon.entries.Scope`,
:class:`~framing.lexicon.entries.DateRange` s) or raises a :class:`framing.LexiconError` naming the
place, its line in the file when known, and the fix.

>>> checks = ValueChecks("<doc>")
>>> checks.ranges({"from": "2019-04-04"}, "valid")
(DateRange(start=datetime.date(2019, 4, 4), end=None),)
>>> checks.words(["ما يُسمى"], "exclude")
('ما يسمي',)
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, NoReturn

from framing.errors import LexiconError
from framing.lexicon.entries import NO_SCOPE, DateRange, Scope
from framing.text.normalization import normalize

__all__ = ["ValueChecks", "NAME_RE"]

#: the names of a lexicon, its categories and referents: letters, digits and underscores
NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")


class ValueChecks:
    """Value checks of one lexicon file: ``source`` names it in errors; ``lines`` maps dotted paths
    (``referents.x.labels.neutral[0]``) to line numbers of the file."""

    def __init__(self, source: str, lines: dict[str, int] | None = None):
        self.source = source
        self.lines = lines or {}

    def error(self, message: str, where: str | None = None, value: Any = None) -> NoReturn:
        line = self.lines.get(where) if where else None
        loc = f"{where} (line {line})" if line else where
        raise LexiconError(message, source=self.source, where=loc, value=value)

    # -- helpers -------------------------------------------------------------------------------
    def check_keys(self, mapping: dict[Any, Any], allowed: set[str], where: str) -> None:
        unknown = [k for k in mapping if k not in allowed]
        if unknown:
            hints = []
            for k in unknown:
                close = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            self.error(f"unknown key {', '.join(hints)}; allowed keys: {', '.join(sorted(allowed))}",
                       where, unknown)

    def check_name(self, name: Any, where: str) -> None:
        if not isinstance(name, str) or not NAME_RE.match(name):
            self.error("names of categories and referents use letters, digits and underscores", where, name)

    def text(self, value: Any, where: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(f"expected text, got {type(value).__name__}", where, value)
        return value.strip()

    # -- scope -----------------------------------------------------------------------------------
    def words(self, value: Any, where: str) -> tuple[str, ...]:
        """Plain terms (strings, or ``{term, note}`` mappings) in their normalized forms."""
        if isinstance(value, (str, dict)):
            value = [value]
        if not isinstance(value, list):
            self.error("expected a list of terms", where, value)
        flat = []
        for i, item in enumerate(value):
            term = item
            if isinstance(item, dict):
                self.check_keys(item, {"term", "note"}, f"{where}[{i}]")
                term = item.get("term")
            if not isinstance(term, str) or not term.strip():
                self.error("expected a non-empty term", f"{where}[{i}]", term)
            flat.append(term)
        out = []
        for term in flat:
            form = normalize(term).strip()
            if not any(ch.isalnum() for ch in form):
                self.error(f"the term {term!r} normalizes to nothing: write the letters", where, term)
            out.append(form)
        return tuple(out)

    def phrases(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        return tuple(dict.fromkeys(self.words(value, where)))

    def scope(self, body: dict[str, Any], where: str, *, forms: tuple[str, ...] = ()) -> Scope:
        context: tuple[str, ...] = ()
        window = None
        raw = body.get("context")
        if raw is not None:
            if isinstance(raw, dict):
                self.check_keys(raw, {"terms", "window"}, where + ".context")
                window = raw.get("window")
                if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 1):
                    self.error("'context.window' must be a positive number of words (or left out: the whole "
                               "document)", where + ".context.window", window)
                raw = raw.get("terms")
            context = self.words(raw, where + ".context")
            if not context:
                self.error("'context' needs at least one term", where + ".context")
        valid: tuple[DateRange, ...] = ()
        if body.get("valid") is not None:
            valid = self.ranges(body["valid"], where + ".valid")
        exclude = self.phrases(body.get("exclude"), where + ".exclude")
        for ex in exclude:
            if ex in forms:
                self.error(f"the exclude phrase {ex!r} is the term itself: it would block every match; "
                           "exclude a longer phrase that contains the term", where + ".exclude", ex)
        if not (context or valid or exclude):
            return NO_SCOPE
        return Scope(context=context, context_window=window, valid=valid, exclude=exclude)

    def ranges(self, value: Any, where: str) -> tuple[DateRange, ...]:
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error("'valid' must be a list of date ranges like {from: 2019-04-04, to: 2020-06-05}", where, value)
        out = []
        for i, r in enumerate(value):
            w = f"{where}[{i}]"
            if not isinstance(r, dict):
                self.error("a date range is a mapping with 'from' and/or 'to' (YYYY-MM-DD)", w, r)
            self.check_keys(r, {"from", "to"}, w)
            if "from" not in r and "to" not in r:
                self.error("a date range needs 'from' or 'to' (or both)", w, r)
            first, last = self.date(r, "from", w), self.date(r, "to", w)
            if first is not None and last is not None and first > last:
                self.error(f"the range starts after it ends ({first} > {last})", w, r)
            out.append(DateRange(first, last))
        return tuple(out)

    def date(self, mapping: dict[str, Any], key: str, where: str) -> dt.date | None:
        """``mapping[key]`` as a date (``None`` when absent): a YAML date or a ``YYYY-MM-DD`` string."""
        v = mapping.get(key)
        if v is None:
            return None
        if isinstance(v, dt.datetime):
            v = v.date()
        if isinstance(v, str):
            try:
                v = dt.date.fromisoformat(v.strip())
            except ValueError:
                v = None
        if not isinstance(v, dt.date):
            self.error(f"'{key}' must be a date written YYYY-MM-DD", f"{where}.{key}", mapping.get(key))
        return v
