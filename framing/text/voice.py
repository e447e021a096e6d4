"""Whose words are these? The voice of a span of text: the outlet's own, quoted, or reported.

A label counts as the outlet's framing only in its *own* voice. This module tells, for a span of
text normalized with the ``search`` profile, whether it is

``"quoted"``
    inside quotation marks (see :mod:`framing.text.quotes`) — a quoted statement, or *scare quotes*
    around an evaluative label (``scare_quoted``);
``"reported"``
    reported speech without quote marks (see :mod:`framing.text.reported`): after an attribution verb
    and its complementizer (``وقال المتحدث إن ...``), after ``قال X:`` with no quote mark, or in a
    sentence with an "according to" marker (``بحسب بيان للجيش``، ``نقلا عن مصادر``);
``"own"``
    anything else — including a *name* in quotes as house style (``«داعش»``, ``تنظيم "الدولة
    الإسلامية"``), which is the outlet naming, not distancing.

The words that mark reported speech are data: ``framing/data/attribution.yaml``
(:mod:`framing.text.attribution`). Which constructions are recognised, with examples and the known
limits: ``docs/voice.md``.

Everything is computed lazily per document: building a :class:`VoiceIndex` costs nothing; on the
first query the sentence ends are found (one pass) and the quotation spans (only when the text
holds a quote mark); reported speech is analysed only for the sentences that hold a queried span.
The data file is read and compiled once, on the first query in the process.

>>> from framing.text.normalization import normalize
>>> v = VoiceIndex(normalize("وقال المتحدث إن ميليشيات حمدان قصفت المدينة"))
>>> v.classify(16, 24, 1, evaluative=True)
('reported', False)
>>> v = VoiceIndex(normalize("أعلن «داعش» مسؤوليته"))
>>> v.classify(6, 10, 1, evaluative=False)
('own', False)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Literal

from framing.text.attribution import attribution_data
from framing.text.events import DocEvents, doc_events
from framing.text.quotes import QUOTE_CHARS, QuoteIndex, Span
from framing.text.reported import Region, region_floor, sentence_regions

__all__ = ["VoiceIndex", "VOICES_CLASSIFIED", "reported_spans"]

VOICES_CLASSIFIED = ("own", "quoted", "reported")

_WORD = re.compile(r"\w+")
_PROCLITICS = "وفبلك"
_start_of = re.Match.start


class VoiceIndex:
    """The voice of spans of one document (text normalized with the ``search`` profile)."""

    __slots__ = ("_end_starts", "_ends", "_events", "_floors", "_quotes", "_sentences", "norm")

    def __init__(self, norm: str):
        self.norm = norm
        self._quotes: QuoteIndex | bool | None = None  # built on first need (False: the text has no marks)
        self._ends: list[tuple[int, int]] | None = None  # sentence ends, found on first need
        self._end_starts: list[int] | None = None
        self._sentences: dict[tuple[int, int], list[Region]] = {}  # sentence (start, end) -> its reported regions
        self._floors: dict[tuple[int, int], int] = {}  # sentence (start, end) -> its region_floor
        self._events: DocEvents | Literal[False] | None = None  # found on first need (False: no compiled pass)

    # -- quotations ------------------------------------------------------------------------------
    @property
    def quotes(self) -> QuoteIndex | None:
        """The quotation spans of the text (None when it holds no quotation mark)."""
        q = self._quotes
        if q is None:
            text = self.norm
            q = self._quotes = QuoteIndex(text) if any(c in text for c in QUOTE_CHARS) else False
        return q if isinstance(q, QuoteIndex) else None

    # -- sentences and reported speech ----------------------------------------------------------
    def _terminator_starts(self) -> list[int]:
        """Positions of the sentence ends of the document, sorted (computed once, on first need).

        Every terminator is one character: the candidates are found with a plain character class and
        only full stops are checked against the terminator pattern (a digit after, a one-letter word)."""
        starts = self._end_starts
        if starts is None:
            text = self.norm
            data = attribution_data()
            check = data.terminator.match
            starts = self._end_starts = [i for i in map(_start_of, data.terminator_chars.finditer(text))
                                         if text[i] != "." or check(text, i) is not None]
        return starts

    def _doc_events(self) -> DocEvents | None:
        """The sentence ends, colons and marker keys of the document, found in one compiled pass
        (:mod:`framing.text.events`; None without it: then the sentence is searched)."""
        ev = self._events
        if ev is None:
            ev = self._events = doc_events(self.norm) or False
        return ev if isinstance(ev, DocEvents) else None

    def _terminators(self) -> list[tuple[int, int]]:
        """Sentence ends of the document, ``(start, end)`` sorted (computed once, on first need)."""
        ends = self._ends
        if ends is None:
            ends = self._ends = [(i, i + 1) for i in self._terminator_starts()]
        return ends

    def sentence(self, start: int, end: int | None = None) -> Span:
        """The sentence holding ``[start, end)`` (between terminators or newlines)."""
        return Span(*self._sentence(start, start if end is None else end))

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        """``(a, b)``: after the last sentence end at or before ``start`` (at most ``start``), to the first
        sentence end at or after ``end``. Found by searching from the span, one terminator character at a
        time (each search bounded by the nearest end found so far), so that a document is not read whole
        for a few matches."""
        starts = self._end_starts
        if starts is None:
            events = self._doc_events()
            if events is not None:
                starts = self._end_starts = events.ends
        if starts is not None:  # (all the ends are known already: the compiled pass, reported_spans)
            i = bisect_right(starts, start) - 1  # last terminator starting at or before start
            a = min(starts[i] + 1 if i >= 0 else 0, start)
            k = bisect_left(starts, end)
            return a, starts[k] if k < len(starts) else len(self.norm)
        text = self.norm
        n = len(text)
        data = attribution_data()
        chars, check = data.terminator_set, data.terminator.match
        hi = start + 1
        while True:  # the last sentence end at or before start (-1: none)
            last = -1
            for c in chars:
                i = text.rfind(c, last + 1, hi)
                last = max(last, i)
            if last < 0 or text[last] != "." or check(text, last) is not None:
                break
            hi = last  # a full stop that ends no sentence (3.5, د.): look before it
        lo = end
        while True:  # the first sentence end at or after end (n: none)
            first = n
            for c in chars:
                i = text.find(c, lo, first)
                if i >= 0:
                    first = i
            if first == n or text[first] != "." or check(text, first) is not None:
                break
            lo = first + 1
        return (min(last + 1, start) if last >= 0 else 0), first

    def regions(self, a: int, b: int) -> list[Region]:
        """The reported regions of the sentence ``[a, b)`` (:func:`framing.text.reported.sentence_regions`,
        cached by sentence)."""
        regions = self._sentences.get((a, b))
        if regions is None:
            regions = self._sentences[a, b] = sentence_regions(self.norm, a, b)
        return regions

    def reported(self, start: int, end: int) -> bool:
        """Is ``[start, end)`` in reported speech (not counting a trigger the span itself is)?"""
        a, b = self._sentence(start, end)
        regions = self._sentences.get((a, b))
        if regions is None:
            # (like the regions, the floor is kept by sentence start and end: a span across a sentence end has
            # the start of the sentence before it and an end of its own, so the answer does not depend on
            # which span was asked first)
            floor = self._floors.get((a, b))
            if floor is None:
                events = self._events
                floor = self._floors[a, b] = region_floor(self.norm, a, b, self._doc_events() if events is None
                                                          else events or None)
            if start <= floor:  # before the first verb and colon of a sentence with no marker: in no region
                return False
            regions = self.regions(a, b)
        return any(rs <= start and end <= re_ and not (ts < end and start < te) for rs, re_, ts, te in regions)

    # -- the public operation --------------------------------------------------------------------
    def classify(self, start: int, end: int, n_words: int, *, evaluative: bool) -> tuple[str, bool]:
        """``(voice, scare_quoted)``: voice in ``{"own", "quoted", "reported"}``.

        ``n_words`` is the number of words of the matched term; ``evaluative`` is True for
        delegitimizing / legitimizing labels and qualifiers (scare quotes are possible), False for
        aliases and neutral labels (a quoted name is the outlet's own naming).
        """
        if not 0 <= start <= end <= len(self.norm):
            raise ValueError(f"span [{start}, {end}) is outside the text (length {len(self.norm)}); "
                             "give offsets into the normalized text the VoiceIndex was built on")
        start, end = self._trim(start, end)
        q = self.quotes
        if q is not None:
            span = q.enclosing(start, end)
            if span is not None:
                n = q.n_words(span)
                if not evaluative:
                    if not self._is_name_quote(span, start, end, n, n_words):
                        return "quoted", False
                else:
                    if n <= n_words + 1:
                        return "quoted", True
                    opens = not _WORD.search(self.norm, span.start, start)
                    return "quoted", opens and n <= n_words + 3
            elif evaluative:
                part = q.overlapping(start, end)
                if part is not None:
                    # a mark inside an evaluative term: الحكومة "الشرعية"
                    short = q.n_words(part) <= n_words + 1
                    return "quoted", short
        return ("reported" if self.reported(start, end) else "own"), False

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Drop quote marks (and a lone proclitic before one) at the edges of a match span."""
        text = self.norm
        if start < end:
            first = text[start]
            if first.isalnum() and text[end - 1].isalnum() and (
                    first not in _PROCLITICS or start + 1 >= end or text[start + 1] not in QUOTE_CHARS):
                return start, end  # (a span from letter to letter: nothing to drop)
        s, e = start, end
        while s < e and (text[s] in QUOTE_CHARS or text[s].isspace()):
            s += 1
        if s + 1 < e and text[s] in _PROCLITICS and text[s + 1] in QUOTE_CHARS:
            s += 2
        while e > s and (text[e - 1] in QUOTE_CHARS or text[e - 1].isspace()):
            e -= 1
        return (s, e) if e > s else (start, end)

    def _is_name_quote(self, span: Span, start: int, end: int, n: int, n_words: int) -> bool:
        """Does the quotation hold only the term, plus at most one function word or name head?"""
        if n <= n_words:
            return True
        if n > n_words + 1:
            return False
        data = attribution_data()
        extra = _WORD.findall(self.norm, span.start, start) + _WORD.findall(self.norm, end, span.end)
        return len(extra) == 1 and (extra[0] in data.function_words or extra[0] in data.name_heads)


def reported_spans(norm: str) -> list[Span]:
    """All reported-speech regions of a normalized text, merged and sorted (for audits and display).

    >>> from framing.text.normalization import normalize
    >>> t = normalize("سيطر الجيش على المدينة. وقال المتحدث إن الهدوء عاد.")
    >>> [t[s:e] for s, e in reported_spans(t)]
    [' الهدوء عاد']
    """
    v = VoiceIndex(norm)
    out: list[tuple[int, int]] = []
    a = 0
    for ts, te in [*v._terminators(), (len(norm), len(norm))]:
        if ts > a:
            out.extend((r.start, r.end) for r in v.regions(a, ts))
        a = te
    out.sort()
    merged: list[Span] = []
    for s, e in out:
        if merged and s <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, e))
        else:
            merged.append(Span(s, e))
    return merged
