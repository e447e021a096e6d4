"""The compiled pairing of quotation marks behind :func:`framing.text.quotes.quote_spans`.

:func:`scan_quotes` is the state machine of :mod:`framing.text.quotes` written over the code points of one
text (a numpy array), so that numba can compile it (:func:`quote_kernel`: numba is imported, and the
function compiled or loaded from numba's cache, on the first call). It walks the text once, and its
checks (can a mark only close, are straight marks spaced the wrong way round, does a quotation cross a
sentence end) read a table of character flags (:func:`flag_table`) built from Python's own predicates
(``str.isalnum``, ``str.isalpha``, ``str.isspace``) and regular expressions (``\\s``, ``[^\\W\\d_]``), so
that every code point is classed as the Python code classes it.

One question needs the attribution lexicon: is a straight quotation that crosses a sentence end
introduced (``_introduced`` of :mod:`framing.text.quotes`)? The kernel then stops and names the opening
mark (:data:`UNDECIDED`); :class:`QuoteScanner` asks the Python function given to it, and runs the kernel
again with the answers so far, until the text is read (after :data:`MAX_QUESTIONS` questions it gives up:
each costs a run over the text, and the caller reads that text with the Python code).

>>> scanner = QuoteScanner("«»\\n", [("«", "»", "»", True)], {}, lambda text, pos, para_start: True)
>>> scanner.spans("قال: «نعم» ثم", compiled=False)
[6, 9]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["MARK", "ALNUM", "ALPHA", "SPACE", "RE_SPACE", "LETTER", "BEFORE_CLOSER", "AFTER_END", "PROCLITIC",
           "OK", "UNDECIDED", "MAX_QUESTIONS", "BATCH_ROOM", "flag_table", "full_flag_table", "quote_kernel",
           "scan_quotes", "scan_quotes_batch", "quote_batch_kernel", "QuoteScanner"]

# flags of a code point (bits of the table)
MARK = 1  # a quotation mark or a newline: an event of the state machine
ALNUM = 2  # str.isalnum
ALPHA = 4  # str.isalpha
SPACE = 8  # str.isspace (also what str.strip removes)
RE_SPACE = 16  # the regular expression \s
LETTER = 32  # the regular expression [^\W\d_]
#: the bits of the character sets of :mod:`framing.text.quotes` (``_BEFORE_CLOSER`` ...)
BEFORE_CLOSER, AFTER_END, PROCLITIC = 64, 128, 256

# what the kernel answers
OK = 0
UNDECIDED = 1  # is the straight quotation opening at ... introduced? Ask, then run again
#: questions asked of one text before :meth:`QuoteScanner.spans` gives up (first 10 MB of SaudiNewsNet: 33
#: texts ask 1 or 2, none more)
MAX_QUESTIONS = 8
#: spans of one text that :meth:`QuoteScanner.batch_spans` has room for (a text with more is left undecided)
BATCH_ROOM = 1 << 16

_BMP = 0x10000
_ALL = 0x110000


def flag_table(marks: str, sets: dict[int, str], stop: int = _BMP) -> np.ndarray:
    """Flags (uint16) of the code points below ``stop``: the predicate bits, :data:`MARK` for ``marks`` and
    each bit of ``sets`` for its characters."""
    chars = "".join(map(chr, range(stop)))
    table = np.zeros(stop, dtype=np.uint16)
    for bit, pred in ((ALNUM, str.isalnum), (ALPHA, str.isalpha), (SPACE, str.isspace)):
        table[np.fromiter(map(pred, chars), dtype=bool, count=stop)] |= bit
    for bit, pattern in ((RE_SPACE, r"\s+"), (LETTER, r"[^\W\d_]+")):
        for m in re.finditer(pattern, chars):
            table[m.start():m.end()] |= bit
    for bit, members in [(MARK, marks), *sets.items()]:
        table[[ord(c) for c in members]] |= bit
    return table


def full_flag_table(marks: str, sets: dict[int, str]) -> np.ndarray:
    """:func:`flag_table` of all of Unicode in a quarter of the time: above U+FFFF (no mark, space or character
    of ``sets`` there) ``\\w`` is ``str.isalnum``, ``\\w`` less ``\\d`` :data:`LETTER`; ``str.isalpha`` is
    asked of the word characters only."""
    if any(ord(c) >= _BMP for c in marks + "".join(sets.values())):
        return flag_table(marks, sets, _ALL)
    table = np.zeros(_ALL, dtype=np.uint16)
    table[:_BMP] = flag_table(marks, sets)
    cps = np.arange(_BMP, _ALL, dtype=np.uint32)
    above = cps.tobytes().decode("utf-32-le")
    word = np.zeros(len(above), dtype=bool)
    digit = np.zeros(len(above), dtype=bool)
    for flags, pattern in ((word, r"\w+"), (digit, r"\d+")):
        for m in re.finditer(pattern, above):
            flags[m.start():m.end()] = True
    at = np.flatnonzero(word)
    alpha = np.fromiter(map(str.isalpha, "".join(above[i] for i in at.tolist())), dtype=bool, count=len(at))
    part = table[_BMP:]
    part[word] |= ALNUM
    part[word & ~digit] |= LETTER
    part[at[alpha]] |= ALPHA
    return table


_KERNEL: list[Any] = []
_BATCH: list[Any] = []
_SCAN: Any = None  # scan_quotes as scan_quotes_batch calls it: the compiled kernel once quote_batch_kernel ran


def scan_quotes_batch(cps, lo, hi, table, pairs, scratch):
    """:func:`scan_quotes` of each text ``cps[lo[d]:hi[d]]`` (no question asked), in one call. Returns
    ``(starts, ends, first, stop, undecided)``: the spans of text ``d`` are ``starts[first[d]:stop[d]]`` and
    ``ends[...]`` (positions in ``cps``), none for a text with ``undecided[d]`` (a straight quotation there crosses
    a sentence end, or ``scratch``, int64, had too little room for its spans: ask :meth:`QuoteScanner.spans`)."""
    n_texts = len(lo)
    first, stop = np.zeros(n_texts, dtype=np.int64), np.zeros(n_texts, dtype=np.int64)
    undecided = np.zeros(n_texts, dtype=np.bool_)
    starts, ends = np.empty(64, dtype=np.int64), np.empty(64, dtype=np.int64)
    no_asked, no_answers = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_)
    m = 0
    for d in range(n_texts):
        first[d] = m
        status, k, needed = _SCAN(cps[lo[d]:hi[d]], table, pairs, no_asked, no_answers, scratch)
        if status != OK or 2 * needed > len(scratch):
            undecided[d] = True
        else:
            if m + k > len(starts):
                size = 2 * (m + k)
                starts = np.concatenate((starts[:m], np.empty(size - m, dtype=np.int64)))
                ends = np.concatenate((ends[:m], np.empty(size - m, dtype=np.int64)))
            for j in range(k):
                starts[m] = scratch[2 * j] + lo[d]
                ends[m] = scratch[2 * j + 1] + lo[d]
                m += 1
        stop[d] = m
    return starts[:m], ends[:m], first, stop, undecided


def quote_batch_kernel() -> Any:
    """The compiled :func:`scan_quotes_batch` (raises ImportError without numba). It lives in this module
    with the kernel it calls, so that numba's cache of it is renewed whenever this file changes."""
    if not _BATCH:
        import numba

        global _SCAN  # noqa: PLW0603 - numba reads the kernel that scan_quotes_batch calls from the globals
        _SCAN = quote_kernel()
        try:
            compiled = numba.njit(cache=True, nogil=True)(scan_quotes_batch)
        except RuntimeError:  # no writable cache folder
            compiled = numba.njit(cache=False, nogil=True)(scan_quotes_batch)
        _BATCH.append(compiled)
    return _BATCH[0]


def quote_kernel() -> Any:
    """The compiled :func:`scan_quotes` (raises ImportError without numba)."""
    if not _KERNEL:
        import numba

        try:
            compiled = numba.njit(cache=True, nogil=True)(scan_quotes)
        except RuntimeError:  # "cannot cache function": no writable cache folder; compiled in every process
            compiled = numba.njit(cache=False, nogil=True)(scan_quotes)
        _KERNEL.append(compiled)
    return _KERNEL[0]


_NL, _QUOTE, _SPACE, _UNDERSCORE, _COLON, _DOT, _ELLIPSIS = 0x0A, 0x22, 0x20, 0x5F, 0x3A, 0x2E, 0x2026
_RIGHT_GUILLEMET, _QMARK, _ARABIC_QMARK, _EXCLAMATION = 0xBB, 0x3F, 0x61F, 0x21


def scan_quotes(cps, table, pairs, asked, answers, out):  # noqa: PLR0912, PLR0915 - one state machine
    """Pair the quotation marks of the text whose code points are ``cps``.

    ``table``: :func:`flag_table`; ``pairs``: rows ``(opening mark, its closing mark, the mark that ends a
    quotation continued from an earlier paragraph or 0, may it open a nested quotation)``; ``asked`` and
    ``answers``: the opening marks asked about so far and whether each quotation is introduced; ``out``:
    room for spans (int64, written as ``start, end, start, end, ...``). Returns ``(OK, n, needed)``: the
    first ``n`` spans written (empty ones left out), or none when they need more room than ``out`` has
    (``needed`` spans: run again with that much); or ``(UNDECIDED, position, paragraph start)``: the
    question to ask. The table must cover the code points: those of the Basic Multilingual Plane for
    ``uint16`` code points, all of Unicode else (a ValueError if not). Mirrors ``quote_spans`` of
    :mod:`framing.text.quotes` and its helpers, whose docstrings explain the rules; the end of the text is
    read as a last newline."""
    n = len(cps)
    cap = len(out) // 2
    if len(table) < (_BMP if cps.itemsize == 2 else _ALL):
        raise ValueError("scan_quotes: the flag table does not cover the code points")

    def lookup(c, col):  # pairs[row, col] of the row of opening mark c, or 0
        for r in range(len(pairs)):
            if pairs[r, 0] == c:
                return pairs[r, col]
        return 0

    def closer_only(pos, para_start):  # quotes._closer_only
        before = cps[pos - 1] if pos > para_start else _SPACE
        after = cps[pos + 1] if pos + 1 < n and cps[pos + 1] != _NL else _SPACE
        if not table[before] & (ALNUM | BEFORE_CLOSER):
            return False
        if table[before] & PROCLITIC and (pos - 1 == para_start or not table[cps[pos - 2]] & ALNUM):
            return False
        return not (table[after] & ALNUM or after == _UNDERSCORE)

    def reversed_pair(pos):  # quotes._reversed_pair
        q = -1
        j = pos + 1
        while j < n and cps[j] != _NL:
            if cps[j] == _QUOTE:
                q = j
                break
            j += 1
        if q < 0 or q == pos + 1 or not table[cps[pos + 1]] & SPACE:
            return False
        after = q + 1 < n and cps[q + 1] != _NL and (table[cps[q + 1]] & ALNUM or cps[q + 1] == _UNDERSCORE)
        return bool(table[cps[q - 1]] & SPACE) and not after

    def sentence_end(i, hi):  # quotes._SENTENCE_END matches at i (the text read up to hi)
        c = cps[i]
        if c not in (_DOT, _ARABIC_QMARK, _QMARK, _EXCLAMATION):
            return False
        if i >= 1 and (cps[i - 1] == _DOT or cps[i - 1] == _ELLIPSIS):
            return False
        j = i + 1
        if j >= hi or cps[j] == _DOT or cps[j] == _ELLIPSIS or not table[cps[j]] & RE_SPACE:
            return False
        while j < hi and table[cps[j]] & RE_SPACE:
            j += 1
        return j < hi and bool(table[cps[j]] & LETTER)

    def crosses_sentence(start, end):  # quotes._crosses_sentence (the regex run on the whole text)
        for i in range(start, end):
            if sentence_end(i, end):
                if cps[i] == _DOT and i - 1 >= start and table[cps[i - 1]] & ALPHA and (
                        i - 2 < start or not table[cps[i - 2]] & ALPHA):
                    continue
                return True
        return False

    def introduced(open_pos):  # quotes._introduced as answered by the caller: 1, 0, or 2 not asked yet
        for r in range(len(asked)):
            if asked[r] == open_pos:
                return 1 if answers[r] else 0
        return 2

    def plausible(open_pos, close_pos, para_start):  # quotes._plausible: 0, 1 or 2 (undecided)
        if not crosses_sentence(open_pos + 1, close_pos):
            return 1
        if close_pos < n and cps[close_pos] == _QUOTE and (
                close_pos + 1 >= n or cps[close_pos + 1] == _NL or table[cps[close_pos + 1]] & AFTER_END):
            return 1
        return introduced(open_pos)

    k = 0  # spans kept
    n_pending = 0  # paragraphs of a continued quotation, kept after the spans until the quotation ends
    needed = 0
    open_char = 0
    open_pos = 0
    depth_inner = 0
    para_start = 0
    first_mark = True
    carry = 0
    pos = -1
    while pos < n:
        pos += 1
        while pos + 3 < n and not (table[cps[pos]] | table[cps[pos + 1]] | table[cps[pos + 2]]
                                   | table[cps[pos + 3]]) & MARK:
            pos += 4  # (four characters at a time: no branch for each)
        while pos < n and not table[cps[pos]] & MARK:  # to the next mark or newline
            pos += 1
        c = cps[pos] if pos < n else _NL
        if c == _NL:
            if open_char != 0:
                ok = plausible(open_pos, pos, para_start) if open_char == _QUOTE else 1
                if ok == 2:
                    return UNDECIDED, open_pos, para_start
                if ok == 0:
                    carry = 0
                else:
                    if k < cap:
                        out[2 * k] = open_pos + 1
                        out[2 * k + 1] = pos
                    k += 1
                    needed = max(needed, k)
                    carry = open_char
                    n_pending = 0
                open_char = 0
            elif carry != 0 and first_mark:
                blank = True
                for i in range(para_start, pos):
                    if not table[cps[i]] & SPACE:
                        blank = False
                        break
                if not blank:
                    j = k + n_pending
                    if j < cap:
                        out[2 * j] = para_start
                        out[2 * j + 1] = pos
                    n_pending += 1
                    needed = max(needed, j + 1)
            else:
                carry = 0
            para_start = pos + 1
            first_mark = True
            depth_inner = 0
            continue
        if open_char == 0:
            if first_mark and carry != 0 and c == lookup(carry, 2) and (
                    c == _RIGHT_GUILLEMET or closer_only(pos, para_start)):
                k += n_pending
                if k < cap:
                    out[2 * k] = para_start
                    out[2 * k + 1] = pos
                k += 1
                needed = max(needed, k)
                carry = 0
                n_pending = 0
                first_mark = False
                continue
            first_mark = False
            carry = 0
            if c == _QUOTE and closer_only(pos, para_start) and not reversed_pair(pos):
                continue
            if lookup(c, 1) != 0:
                open_char = c
                open_pos = pos
                depth_inner = 0
            continue
        first_mark = False
        if depth_inner != 0:
            if c == lookup(depth_inner, 1):
                depth_inner = 0
            continue
        if c == lookup(open_char, 1):
            if open_char == _QUOTE:
                ok = plausible(open_pos, pos, para_start)
                if ok == 2:
                    return UNDECIDED, open_pos, para_start
                if ok == 0:
                    if closer_only(pos, para_start):
                        open_char = 0
                    else:
                        open_pos = pos
                    continue
            if k < cap:
                out[2 * k] = open_pos + 1
                out[2 * k + 1] = pos
            k += 1
            needed = max(needed, k)
            open_char = 0
        elif lookup(c, 3) != 0:
            depth_inner = c
    if needed > cap:
        return OK, 0, needed
    kept = 0
    for i in range(k):  # the empty spans dropped
        if out[2 * i + 1] > out[2 * i]:
            out[2 * kept] = out[2 * i]
            out[2 * kept + 1] = out[2 * i + 1]
            kept += 1
    return OK, kept, needed


class QuoteScanner:
    """The tables of :func:`scan_quotes` for one set of marks, and the runs of the kernel.

    ``marks``: the characters the state machine stops at (the quotation marks and the newline); ``pairs``:
    ``(opening mark, closing mark, closing mark of a continued quotation or None, may it open a nested
    quotation)``; ``sets``: bit (:data:`BEFORE_CLOSER`, :data:`AFTER_END`, :data:`PROCLITIC`) →
    characters; ``introduced``: ``(text, position of the opening mark, start of its paragraph)`` → is the
    quotation introduced. Texts are read as UTF-16 code units with the flags of the Basic Multilingual
    Plane (``table``) when they have no character above it, else as UTF-32 with the flags of all of
    Unicode (``full``, built for the first such text)."""

    __slots__ = ("full", "introduced", "marks", "pairs", "sets", "table")

    def __init__(self, marks: str, pairs: list[tuple[str, str, str | None, bool]], sets: dict[int, str],
                 introduced: Callable[[str, int, int], bool]):
        self.pairs = np.array([[ord(o), ord(c), ord(cont) if cont else 0, int(nest)]
                               for o, c, cont, nest in pairs], dtype=np.int64).reshape(-1, 4)
        self.marks = marks
        self.sets = sets
        self.introduced = introduced
        self.table = flag_table(self.marks, sets)
        self.full: np.ndarray | None = None

    def spans(self, text: str, compiled: bool = True, cps: np.ndarray | None = None) -> list[int] | None:
        """The spans of ``text`` as a flat list ``[start, end, start, end, ...]`` (empty spans left out), or
        None after :data:`MAX_QUESTIONS` questions. ``compiled=False`` runs the kernel as plain Python
        (slow: for tests on short text); ``cps``: the code points of ``text`` (read-only uint32) if at hand."""
        kernel = quote_kernel() if compiled else scan_quotes
        if cps is not None:  # (the type scan_quotes_batch reads: one compilation serves both)
            table = self.full_table()
        elif len(data := text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):  # none above U+FFFF
            cps, table = np.frombuffer(data, dtype=np.uint16), self.table
        else:
            cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            table = self.full_table()
        asked, answers = _NOT_ASKED, _NO_ANSWERS
        out = np.empty(128, dtype=np.int64)  # room for 64 spans: enough for all but a few texts
        while True:
            status, k, needed = kernel(cps, table, self.pairs, asked, answers, out)
            if status == OK and 2 * needed <= len(out):
                return out[:2 * k].tolist()
            if status == UNDECIDED:  # k: where the quotation opens, needed: where its paragraph starts
                if len(asked) == MAX_QUESTIONS:
                    return None
                asked = np.append(asked, k)
                answers = np.append(answers, bool(self.introduced(text, k, needed)))
            else:
                out = np.empty(2 * needed, dtype=np.int64)

    def full_table(self) -> np.ndarray:
        """The flags of all of Unicode (:func:`full_flag_table`, built on first need)."""
        if self.full is None:
            self.full = full_flag_table(self.marks, self.sets)
        return self.full

    def batch_spans(self, cps: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, ...]:
        """:func:`scan_quotes_batch` of the texts ``cps[lo[d]:hi[d]]`` (``cps``: code points, uint32, or uint16
        when none is above U+FFFF; ``lo``, ``hi``: int64), compiled. Ask :meth:`spans` of the texts it leaves
        ``undecided`` (also those with more than :data:`BATCH_ROOM` spans)."""
        longest = int((hi - lo).max(initial=0))  # (a text of n characters has at most n + 1 spans)
        scratch = np.empty(2 * min(longest + 2, BATCH_ROOM), dtype=np.int64)
        table = self.table if cps.itemsize == 2 else self.full_table()
        return tuple(quote_batch_kernel()(cps, lo, hi, table, self.pairs, scratch))


_NOT_ASKED, _NO_ANSWERS = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_)
