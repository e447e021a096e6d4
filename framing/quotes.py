"""Quoted spans: where the words belong to a quoted speaker, not to the outlet.

Works on text normalized with the ``search`` profile (quotation-mark lookalikes are folded to
« » “ ” " ‘ ’ there). Pairs: « … », “ … ” (also ” … ” as some writers use), ‘ … ’ and straight " … ".
A quote left open is closed at the end of its paragraph (a newline), never later.

>>> quote_spans('قال: «نرفض الميليشيات» ثم غادر')
[(6, 21)]
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["quote_spans", "QuoteIndex", "QUOTE_CHARS"]

QUOTE_CHARS = "«»“”\"‘’"
_MARKS = re.compile(r"[«»“”\"‘’\n]")
_CLOSERS = {"«": "»", "“": "”", "”": "”", "‘": "’", '"': '"'}


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the contents of quotations (marks excluded), outermost only."""
    spans: list[tuple[int, int]] = []
    if not any(c in text for c in QUOTE_CHARS):
        return spans
    open_char = None
    open_pos = 0
    depth_inner = None
    for m in _MARKS.finditer(text):
        c = m.group()
        pos = m.start()
        if open_char is None:
            if c in _CLOSERS:
                open_char, open_pos, depth_inner = c, pos, None
            continue
        if c == "\n":
            spans.append((open_pos + 1, pos))
            open_char = None
            continue
        # a different opener inside a quote: nested quotation, wait for its closer
        if depth_inner is not None:
            if c == _CLOSERS[depth_inner]:
                depth_inner = None
            continue
        if c == _CLOSERS[open_char]:
            spans.append((open_pos + 1, pos))
            open_char = None
        elif c in _CLOSERS and c not in ("”", "’"):
            depth_inner = c
    if open_char is not None:
        spans.append((open_pos + 1, len(text)))
    return [s for s in spans if s[1] > s[0]]


_WORD = re.compile(r"\w+")


class QuoteIndex:
    """Answers "is this span quoted?" and "is it scare-quoted?" for one text."""

    __slots__ = ("text", "spans", "_starts", "_words")

    def __init__(self, text: str):
        self.text = text
        self.spans = quote_spans(text)
        self._starts = [s for s, _ in self.spans]
        self._words: dict[int, int] = {}

    def enclosing(self, start: int, end: int):
        """The quote span containing ``[start, end)``, or None."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0:
            s, e = self.spans[i]
            if s <= start and end <= e:
                return s, e
        return None

    def classify(self, start: int, end: int, term_words: int) -> tuple[bool, bool]:
        """``(quoted, scare_quoted)`` for a match at ``[start, end)`` of ``term_words`` words.

        Scare quotes hold the term and at most three other words, and the term opens the quotation
        («الجيش الوطني», «ميليشيات» حفتر, «الحكومة الشرعية» المزعومة); a one- or two-word quotation is
        scare quotes wherever the term stands in it. A longer quotation is a quoted statement.
        """
        span = self.enclosing(start, end)
        if span is None:
            return False, False
        n = self._words.get(span[0])
        if n is None:
            n = len(_WORD.findall(self.text, span[0], span[1]))
            self._words[span[0]] = n
        if n <= term_words + 1:
            return True, True
        opens = not _WORD.search(self.text, span[0], start)
        return True, opens and n <= term_words + 3
