"""Quoted spans: where the words belong to a quoted speaker, not to the outlet.

Works on text normalized with the ``search`` profile (quotation-mark lookalikes are folded to
« » “ ” " ‘ ’ there). Pairs: « … », “ … ” (also ” … ” as some writers use), ‘ … ’ and straight " … ".
A quote left open is closed at the end of its paragraph (a newline), never later.

Straight quotes carry no direction, so they get three more checks:

* a mark that can only close (a letter or full stop before it, a space or the end after it) does
  not open a quotation when none is open: it is a stray, or the end of a quotation that began in an
  earlier paragraph (below);
* a straight quotation may not run across a sentence end (``.`` ``؟`` ``!`` followed by a space and
  more words; not an ellipsis) unless it is introduced — by a colon, أن/إن, an attribution verb
  among the last ten words before it, or by standing at the start of its paragraph — or it ends its
  own sentence (the closing mark followed by punctuation or the end of the paragraph). Otherwise the
  opening mark is left unpaired and the next mark is considered afresh
  (``كتب "داعش فقط. ثم ذهب الى المدينة" وعاد``: nothing is quoted);
* a quotation that is still open at the end of its paragraph and whose next paragraphs carry no
  mark until one whose first mark closes it, is one multi-paragraph quotation (the news convention of
  opening once and closing at the end): those paragraphs are quoted too.

>>> quote_spans('قال: «نرفض الميليشيات» ثم غادر')
[Span(start=6, end=21)]
>>> quote_spans('كتب "داعش فقط. ثم ذهب الى المدينة" وعاد')
[]

The pairing runs compiled (:mod:`framing.text.quotescan`, numba) by default (:data:`ENGINE`); the Python
code of this module is the reference. The compiled code asks ``_introduced`` here when a straight
quotation crosses a sentence end (the answer needs the attribution lexicon); a text that raises more such
questions than ``quotescan.MAX_QUESTIONS``, and every text when numba is missing, is read by the Python
code.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import partial
from typing import NamedTuple

from framing.text.attribution import attribution_data
from framing.text.quotescan import AFTER_END, BEFORE_CLOSER, PROCLITIC, QuoteScanner, quote_kernel

__all__ = ["quote_spans", "quote_scanner", "QuoteIndex", "QUOTE_CHARS", "Span", "ENGINE", "ENGINES"]

#: the default engine of :func:`quote_spans`: ``"numba"`` (compiled) or ``"python"`` (the reference)
ENGINE = "numba"
ENGINES = ("numba", "python")


class Span(NamedTuple):
    """A span ``[start, end)`` of a text."""

    start: int
    end: int


QUOTE_CHARS = "«»“”\"‘’"
_MARKS = re.compile(r"[«»“”\"‘’\n]")
_CLOSERS = {"«": "»", "“": "”", "”": "”", "‘": "’", '"': '"'}
# the mark that ends a quotation continued from an earlier paragraph, by opening mark
_CONTINUATION_CLOSERS = {"«": "»", "“": "”", "”": "”", '"': '"'}
# a sentence end inside a quotation: . ؟ ? ! followed by spaces and a letter (not an ellipsis «...»,
# not a dot inside a name «iDNES.CZ»)
_SENTENCE_END = re.compile(r"(?<![.…])[.؟?!](?![.…])(?=\s+[^\W\d_])")
# what may stand right before a closing mark (a letter, a digit, closing punctuation)
_BEFORE_CLOSER = frozenset(".!?؟،؛,)]»”…%")
# punctuation after a closing mark that ends a sentence or clause
_AFTER_END = frozenset(".!?؟،؛,:")
_PROCLITICS = frozenset("وفبلك")
_WORD = re.compile(r"\w+")


def _closer_only(text: str, pos: int, para_start: int, para_end: int) -> bool:
    """A mark with something other than a space before it and no letter after it can only close."""
    before = text[pos - 1] if pos > para_start else " "
    after = text[pos + 1] if pos + 1 < para_end else " "
    if not (before.isalnum() or before in _BEFORE_CLOSER):
        return False  # a space, a colon, an opening bracket: «وقالت :" إنه ...»
    if before in _PROCLITICS and (pos - 1 == para_start or not text[pos - 2].isalnum()):
        return False  # ل"داعش": a lone proclitic before an opening mark
    return not (after.isalnum() or after == "_")


def _reversed_pair(text: str, pos: int, para_end: int) -> bool:
    """Marks spaced the wrong way round, «بعنوان" المرأة والانتخابات "،»: the next straight mark of
    the paragraph has a space before it and no letter after it."""
    q = text.find('"', pos + 1, para_end)
    if q < 0 or q == pos + 1 or not text[pos + 1].isspace():
        return False
    return text[q - 1].isspace() and not (q + 1 < para_end and (text[q + 1].isalnum() or text[q + 1] == "_"))


def _crosses_sentence(text: str, start: int, end: int) -> bool:
    for m in _SENTENCE_END.finditer(text, start, end):
        i = m.start()
        if text[i] == "." and i - 1 >= start and text[i - 1].isalpha() and (
                i - 2 < start or not text[i - 2].isalpha()):
            continue  # «د. فلان»: an abbreviation, not a sentence end
        return True
    return False


def _introduced(text: str, open_pos: int, para_start: int) -> bool:
    """Is the quotation opening at ``open_pos`` announced (colon, verb of saying, أن/إن, paragraph start)?"""
    before = text[para_start:open_pos].rstrip()
    if not before or before.endswith(":"):
        return True
    ends = list(_SENTENCE_END.finditer(before))
    clause = before[ends[-1].end():] if ends else before
    words = _WORD.findall(clause)[-10:]
    if not words:
        return True
    data = attribution_data()  # the attribution lexicon (framing/data/attribution.yaml)
    # a verb of saying among the last words of the sentence («يقول الدكتور فلان "..."»), or أن/إن
    return words[-1] in data.complementizers or any(data.verb_of(w) is not None for w in words)


def _plausible(text: str, open_pos: int, close_pos: int, para_start: int) -> bool:
    """May a straight quotation run from ``open_pos`` to ``close_pos``? Yes if it stays within one
    sentence, is introduced, or ends its own sentence (the closing mark followed by punctuation or
    the end of the paragraph: «... ورؤيته. إنه لا يتعب".»)."""
    if not _crosses_sentence(text, open_pos + 1, close_pos):
        return True
    nxt = text[close_pos + 1:close_pos + 2]
    if close_pos < len(text) and text[close_pos] == '"' and (nxt in ("", "\n") or nxt in _AFTER_END):
        return True
    return _introduced(text, open_pos, para_start)


def quote_spans(text: str, engine: str | None = None) -> list[Span]:
    """Spans ``(start, end)`` of the contents of quotations (marks excluded), outermost only.

    ``engine``: ``"numba"`` (the default, :data:`ENGINE`; the Python code without numba) or ``"python"``;
    both give the same spans."""
    engine = engine or ENGINE
    if engine not in ENGINES:
        raise ValueError(f"quote_spans: unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if not any(map(text.__contains__, QUOTE_CHARS)):
        return []
    if engine == "numba":
        scanner = quote_scanner()
        found = scanner.spans(text) if scanner is not None else None
        if found is not None:
            flat = iter(found)  # start, end, start, end, ...
            return list(map(_SPAN, zip(flat, flat, strict=False)))  # (strict=True costs 0.5 µs a text)
    return _python_spans(text)


_SCANNER: list[QuoteScanner | None] = []
_SPAN = partial(tuple.__new__, Span)  # Span from a (start, end) pair, without Span.__new__'s Python frame


def quote_scanner() -> QuoteScanner | None:
    """The compiled pairing with the marks and rules of this module (:class:`framing.text.quotescan.QuoteScanner`,
    built on first use), or None without numba; :func:`quote_spans` uses it, and callers that pair the marks of
    many texts at once."""
    if not _SCANNER:
        try:
            quote_kernel()
        except ImportError:
            _SCANNER.append(None)
        else:
            pairs = [(o, c, _CONTINUATION_CLOSERS.get(o), o not in ("”", "’")) for o, c in _CLOSERS.items()]
            sets = {BEFORE_CLOSER: "".join(_BEFORE_CLOSER), AFTER_END: "".join(_AFTER_END),
                    PROCLITIC: "".join(_PROCLITICS)}
            _SCANNER.append(QuoteScanner(QUOTE_CHARS + "\n", pairs, sets, _introduced))  # marks: those of _MARKS
    return _SCANNER[0]



def _python_spans(text: str) -> list[Span]:
    """:func:`quote_spans` in Python (the reference)."""
    spans: list[Span] = []
    open_char = None
    open_pos = 0
    depth_inner = None
    para_start = 0
    first_mark = True
    carry = None  # opening mark of a quotation left open at the end of the previous paragraph(s)
    pending: list[Span] = []  # paragraphs without marks inside that quotation
    n = len(text)
    for m in _MARKS.finditer(text):
        c = m.group()
        pos = m.start()
        if c == "\n":
            if open_char is not None:
                if open_char == '"' and not _plausible(text, open_pos, pos, para_start):
                    carry = None
                else:
                    spans.append(Span(open_pos + 1, pos))
                    carry, pending = open_char, []
                open_char = None
            elif carry is not None and first_mark:
                if text[para_start:pos].strip():
                    pending.append(Span(para_start, pos))
            else:
                carry = None
            para_start, first_mark, depth_inner = pos + 1, True, None
            continue
        if open_char is None:
            para_end = text.find("\n", pos)
            para_end = n if para_end < 0 else para_end
            if first_mark and carry is not None and c == _CONTINUATION_CLOSERS.get(carry) and (
                    c == "»" or _closer_only(text, pos, para_start, para_end)):
                spans.extend(pending)
                spans.append(Span(para_start, pos))
                carry, pending, first_mark = None, [], False
                continue
            first_mark = False
            carry = None
            if c == '"' and _closer_only(text, pos, para_start, para_end) and not _reversed_pair(
                    text, pos, para_end):
                continue  # a stray closing mark
            if c in _CLOSERS:
                open_char, open_pos, depth_inner = c, pos, None
            continue
        first_mark = False
        # a different opener inside a quote: nested quotation, wait for its closer
        if depth_inner is not None:
            if c == _CLOSERS[depth_inner]:
                depth_inner = None
            continue
        if c == _CLOSERS[open_char]:
            if open_char == '"' and not _plausible(text, open_pos, pos, para_start):
                # leave the opening mark unpaired; this mark may open a quotation of its own
                para_end = text.find("\n", pos)
                para_end = n if para_end < 0 else para_end
                if _closer_only(text, pos, para_start, para_end):
                    open_char = None
                else:
                    open_pos = pos
                continue
            spans.append(Span(open_pos + 1, pos))
            open_char = None
        elif c in _CLOSERS and c not in ("”", "’"):
            depth_inner = c
    if open_char is not None and (open_char != '"' or _plausible(text, open_pos, n, para_start)):
        spans.append(Span(open_pos + 1, n))
    return [s for s in spans if s.end > s.start]


class QuoteIndex:
    """Answers "is this span quoted?" and "is it scare-quoted?" for one text."""

    __slots__ = ("_starts", "_words", "spans", "text")

    def __init__(self, text: str):
        self.text = text
        self.spans = quote_spans(text)
        self._starts = [s for s, _ in self.spans]
        self._words: dict[int, int] = {}

    def enclosing(self, start: int, end: int) -> Span | None:
        """The quote span containing ``[start, end)``, or None."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0:
            span = self.spans[i]
            if span.start <= start and end <= span.end:
                return span
        return None

    def overlapping(self, start: int, end: int) -> Span | None:
        """The first quote span that overlaps ``[start, end)`` without containing it, or None
        (a mark inside a term: تنظيم "الدولة الإسلامية")."""
        i = bisect_right(self._starts, start) - 1
        for k in (i, i + 1):
            if 0 <= k < len(self.spans):
                span = s, e = self.spans[k]
                if s < end and start < e and not (s <= start and end <= e):
                    return span
        return None

    def n_words(self, span: Span) -> int:
        """Number of words inside a quote span (cached)."""
        s, e = span
        n = self._words.get(s)
        if n is None:
            n = self._words[s] = len(_WORD.findall(self.text, s, e))
        return n

    def classify(self, start: int, end: int, term_words: int) -> tuple[bool, bool]:
        """``(quoted, scare_quoted)`` for a match at ``[start, end)`` of ``term_words`` words.

        Scare quotes hold the term and at most three other words, and the term opens the quotation
        («الجيش الوطني», «ميليشيات» حفتر, «الحكومة الشرعية» المزعومة); a one- or two-word quotation is
        scare quotes wherever the term stands in it. A longer quotation is a quoted statement.
        :class:`framing.text.voice.VoiceIndex` adds quoted names and reported speech on top of this.
        """
        span = self.enclosing(start, end)
        if span is None:
            return False, False
        n = self.n_words(span)
        if n <= term_words + 1:
            return True, True
        opens = not _WORD.search(self.text, span.start, start)
        return True, opens and n <= term_words + 3
