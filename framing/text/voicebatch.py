"""The voice of many matches in many documents at once: :func:`classify_batch`.

:meth:`framing.text.voice.VoiceIndex.classify` answers for one span at a time, in Python. Counting the
features of a corpus asks it for every counted match, and that Python (trimming the span, looking up its
quotation, finding its sentence) costs more than reading the text. :func:`classify_batch` gives the same
answers for all the matches of a batch of documents:

1. the documents with a match are read where they are, between newlines (a newline ends every sentence
   and every paragraph; strs are joined and encoded once, code points are not copied); the quotation marks
   of each document are paired in one compiled call (:func:`framing.text.quotescan.scan_quotes_batch`; a
   document whose pairing needs the attribution lexicon is paired as :func:`framing.text.quotes.quote_spans`
   pairs it, on the same code points);
2. one compiled pass over the matches (:func:`voice_pass`) trims each span, finds its quotation and
   decides the quoted and scare-quoted cases as ``VoiceIndex.classify`` does, and finds the sentence of
   every other match (searching from the span, as ``VoiceIndex._sentence`` without the events does). A
   quotation of one word more than a name (``«حركة حماس»``) names the word: Python asks the attribution
   data whether it is a function word or a name head;
3. the reported-speech regions of the sentences that hold an unquoted match are found by ``regions_fn``
   (:func:`framing.text.regionscan.batch_regions` by default: the rules of :mod:`framing.text.reported`,
   compiled), and a compiled pass tells which matches lie in one.

The answer for match ``i`` is that of ``VoiceIndex(norms[doc[i]]).classify(starts[i], ends[i], n_words[i],
evaluative=evaluative[i])`` (one ``VoiceIndex`` asked for all the matches of a document, in any order, gives
the same answers). Without numba every match is answered by a ``VoiceIndex`` of its document.

>>> from framing.text.normalization import normalize
>>> norms = [normalize("وقال المتحدث إن ميليشيات حمدان قصفت المدينة"), normalize("أعلن «داعش» مسؤوليته")]
>>> voices, scare = classify_batch(norms, np.array([0, 1]), np.array([16, 6]), np.array([24, 10]),
...                                np.array([1, 1]), np.array([True, False]))
>>> [VOICES_CLASSIFIED[v] for v in voices], scare.tolist()
(['reported', 'own'], [False, False])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from framing.text.attribution import attribution_data
from framing.text.doctexts import DocTexts, LazyText
from framing.text.events import event_tables
from framing.text.quotes import QUOTE_CHARS, quote_scanner, quote_spans
from framing.text.regionscan import batch_regions
from framing.text.voice import VOICES_CLASSIFIED, VoiceIndex

__all__ = ["classify_batch", "voice_pass", "reported_pass", "voice_tables",
           "ENGINE", "VOICES_CLASSIFIED"]

#: ``"numba"`` (the compiled passes, the default) or ``"python"`` (``VoiceIndex`` for every match)
ENGINE = "numba"

# bits of the character table (the first three as in framing.text.events)
_WORD, _DIGIT, _END, _ALNUM, _SPACE, _QUOTE, _PROCLITIC, _STOP = 1, 2, 4, 8, 16, 32, 64, 128  # (_STOP: _END or .)
_PROCLITICS = "وفبلك"  # (those of framing.text.voice)
# what voice_pass says of a match
_DECIDED, _REPORTED_Q, _NAME_Q = 0, 1, 2  # decided / in reported speech? / is the quotation a name?


def voice_pass(cp, chars, lo, hi, doc, starts, ends, n_words, evaluative, qs, qe, qfirst, qstop):  # noqa: PLR0912, PLR0915
    """The compiled pass over the matches (see the module). ``cp``: the joined code points; ``chars``:
    :func:`voice_tables`; document ``d`` is ``cp[lo[d]:hi[d]]``; match ``i`` is ``[starts[i], ends[i])`` of
    document ``doc[i]`` (checked to lie in it), of ``n_words[i]`` words (none given: the spaces of the span
    plus one); the quotation spans of ``d`` are ``qs[qfirst[d]:qstop[d]]``,
    ``qe[...]`` (joined positions). Returns ``(voice, scare, state, s, e, a, b, ws, we)``: ``state`` is 0
    (voice and scare final), 1 (own unless ``[s, e)``, the trimmed span, lies in a reported region of its
    sentence ``[a, b)``) or 2 (the same, unless ``[ws, we)``, the one word that the quotation around the
    name holds besides it, is neither a function word nor a name head: then quoted)."""
    n = len(starts)
    voice = np.zeros(n, dtype=np.uint8)
    scare = np.zeros(n, dtype=np.bool_)
    state = np.zeros(n, dtype=np.uint8)
    ts, te = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    sa, sb = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    wa, wb = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    qwords = np.full(len(qs), -1, dtype=np.int64)

    def words(x, y):  # len(re.findall(r"\w+", text, x, y))
        k = 0
        for p in range(x, y):
            if chars[cp[p]] & _WORD and (p == x or not chars[cp[p - 1]] & _WORD):
                k += 1
        return k

    def quote_words(j):
        if qwords[j] < 0:
            qwords[j] = words(qs[j], qe[j])
        return qwords[j]

    def is_end(p, base, top):  # a sentence end at p (framing.text.events)
        c = cp[p]
        if chars[c] & _END:
            return True
        if c != 46:
            return False
        digit_after = p + 1 < top and (chars[cp[p + 1]] & _DIGIT) != 0
        letter_before = p - 1 >= base and (chars[cp[p - 1]] & 3) == 1 and cp[p - 1] != 95
        one_letter = letter_before and (p - 2 < base or (chars[cp[p - 2]] & 1) == 0 or cp[p - 2] == 95)
        return not (digit_after or one_letter)

    for i in range(n):
        d = doc[i]
        base = lo[d]
        top = hi[d]
        s = base + starts[i]
        e = base + ends[i]
        # VoiceIndex._trim: quote marks (and a lone proclitic before one) off the edges
        if not (s < e and chars[cp[s]] & _ALNUM and chars[cp[e - 1]] & _ALNUM and (
                not chars[cp[s]] & _PROCLITIC or s + 1 >= e or not chars[cp[s + 1]] & _QUOTE)):
            x, y = s, e
            while x < y and chars[cp[x]] & (_QUOTE | _SPACE):
                x += 1
            if x + 1 < y and chars[cp[x]] & _PROCLITIC and chars[cp[x + 1]] & _QUOTE:
                x += 2
            while y > x and chars[cp[y - 1]] & (_QUOTE | _SPACE):
                y -= 1
            if y > x:
                s, e = x, y
        ts[i] = s
        te[i] = e
        if len(n_words):
            nw = n_words[i]
        else:  # (as framing.lexicon.scan counts them: the spaces of the span, plus one)
            nw = 1
            for p in range(base + starts[i], base + ends[i]):
                if cp[p] == 32:
                    nw += 1
        # QuoteIndex.enclosing / overlapping: bisect_right over the starts of the document's quotations
        k0 = qfirst[d]
        left, right = 0, qstop[d] - k0
        while left < right:
            mid = (left + right) // 2
            if s < qs[k0 + mid]:
                right = mid
            else:
                left = mid + 1
        j = k0 + left - 1
        decided = False
        if j >= k0 and qs[j] <= s and e <= qe[j]:
            nq = quote_words(j)
            if not evaluative[i]:
                if nq > nw + 1:
                    voice[i] = 1
                    decided = True
                elif nq == nw + 1:
                    extra, ws, we = 0, 0, 0
                    for x, y in ((qs[j], s), (e, qe[j])):
                        for p in range(x, y):
                            if chars[cp[p]] & _WORD and (p == x or not chars[cp[p - 1]] & _WORD):
                                extra += 1
                                ws = p
                            if chars[cp[p]] & _WORD:
                                we = p + 1
                    if extra == 1:
                        state[i] = _NAME_Q
                        wa[i] = ws
                        wb[i] = we
                    else:
                        voice[i] = 1
                        decided = True
            else:
                voice[i] = 1
                decided = True
                if nq <= nw + 1:
                    scare[i] = True
                elif nq <= nw + 3:
                    opens = True
                    for p in range(qs[j], s):
                        if chars[cp[p]] & _WORD:
                            opens = False
                            break
                    scare[i] = opens
        elif evaluative[i]:
            for k in (j, j + 1):
                if k0 <= k < qstop[d] and qs[k] < e and s < qe[k] and not (qs[k] <= s and e <= qe[k]):
                    voice[i] = 1
                    scare[i] = quote_words(k) <= nw + 1
                    decided = True
                    break
        if decided:
            continue
        if state[i] != _NAME_Q:
            state[i] = _REPORTED_Q
        # VoiceIndex._sentence: after the last sentence end at or before s, to the first at or after e
        a = base
        p = min(s, top - 1)
        while p >= base + 3 and not (chars[cp[p]] | chars[cp[p - 1]] | chars[cp[p - 2]] | chars[cp[p - 3]]) & _STOP:
            p -= 4  # (four characters at a time to the next that may end a sentence)
        while p >= base:
            if is_end(p, base, top):
                a = min(p + 1, s)
                break
            p -= 1
        b = top
        p = e
        while p + 3 < top and not (chars[cp[p]] | chars[cp[p + 1]] | chars[cp[p + 2]] | chars[cp[p + 3]]) & _STOP:
            p += 4
        while p < top:
            if is_end(p, base, top):
                b = p
                break
            p += 1
        sa[i] = a
        sb[i] = b
    return voice, scare, state, ts, te, sa, sb, wa, wb


def reported_pass(sent, starts, ends, first, stop, rs, re_, rts, rte):
    """Is match ``i`` (``[starts[i], ends[i])``, in sentence ``sent[i]``; -1: none) in one of the regions
    ``first[sent[i]]:stop[sent[i]]`` of its sentence, not counting a trigger the span itself is?"""
    n = len(starts)
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        u = sent[i]
        if u < 0:
            continue
        s = starts[i]
        e = ends[i]
        for k in range(first[u], stop[u]):
            if rs[k] <= s and e <= re_[k] and not (rts[k] < e and s < rte[k]):
                out[i] = True
                break
    return out


_NONE = np.zeros(0, dtype=np.int64)
_TABLES: list[np.ndarray] = []
_KERNELS: list[Any] = []


def voice_tables() -> np.ndarray:
    """The character table of :func:`voice_pass` (uint8 per code point): the bits of
    :func:`framing.text.events.event_tables` (``\\w``, ``\\d``, sentence ends), ``str.isalnum`` (``\\w`` but
    ``_``), ``str.isspace``, a quotation mark, a proclitic, a sentence end or a full stop. Built once."""
    if not _TABLES:
        chars = event_tables().chars.copy()
        chars[chars & _WORD != 0] |= _ALNUM
        chars[ord("_")] &= ~np.uint8(_ALNUM)
        chars[[c for c in range(0x3001) if chr(c).isspace()]] |= _SPACE  # (none above U+3000)
        chars[[ord(c) for c in QUOTE_CHARS]] |= _QUOTE
        chars[[ord(c) for c in _PROCLITICS]] |= _PROCLITIC
        chars[(chars & _END != 0) | (np.arange(len(chars)) == ord("."))] |= _STOP
        _TABLES.append(chars)
    return _TABLES[0]


def _kernels() -> tuple[Any, Any]:
    if not _KERNELS:
        import numba

        for fn in (voice_pass, reported_pass):
            try:
                _KERNELS.append(numba.njit(cache=True, nogil=True)(fn))
            except RuntimeError:  # no writable cache folder: compiled in every process
                _KERNELS.append(numba.njit(cache=False, nogil=True)(fn))
    return _KERNELS[0], _KERNELS[1]


def _python(norms: Sequence[str] | DocTexts, doc: np.ndarray, starts: np.ndarray, ends: np.ndarray, n_words: np.ndarray,
            evaluative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every match answered by a ``VoiceIndex`` of its document (one per run of matches of a document)."""
    code = {v: k for k, v in enumerate(VOICES_CLASSIFIED)}
    voice = np.zeros(len(doc), dtype=np.uint8)
    scare = np.zeros(len(doc), dtype=np.bool_)
    index: VoiceIndex | None = None
    last = -1
    for i, (d, s, e, nw, ev) in enumerate(zip(doc.tolist(), starts.tolist(), ends.tolist(), n_words.tolist(),
                                               evaluative.tolist(), strict=True)):
        if d != last or index is None:
            index, last = VoiceIndex(norms[d]), d
        v, sc = index.classify(s, e, nw, evaluative=bool(ev))
        voice[i], scare[i] = code[v], sc
    return voice, scare


def classify_batch(norms: Sequence[str] | DocTexts, doc: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   n_words: np.ndarray | None, evaluative: np.ndarray,
                   regions_fn: Callable[..., Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(voice, scare)`` of every match: ``voice`` (uint8) indexes :data:`VOICES_CLASSIFIED`, ``scare``
    (bool) is the scare-quotes flag; as ``VoiceIndex(norms[doc[i]]).classify(starts[i], ends[i], n_words[i],
    evaluative=bool(evaluative[i]))`` answers (the same ValueError for a span outside its text).

    ``doc`` indexes ``norms`` (texts normalized with the ``search`` profile, as strs or as code points: a
    :class:`framing.text.doctexts.DocTexts`, decoded only where needed); the matches of a document may
    come in any order. ``n_words`` None: the spaces of each span plus one (as :mod:`framing.lexicon.scan` counts
    the words of a match). ``regions_fn(text, cp, sa, sb)`` gives the reported regions of the sentences
    ``[sa[u], sb[u])`` of the joined text (of the documents with a match; its code points ``cp``, uint32)
    as :class:`framing.text.regionscan.RegionArrays`; by default :func:`framing.text.regionscan.batch_regions`."""
    doc, starts, ends = (np.asarray(x, dtype=np.int64).ravel() for x in (doc, starts, ends))
    words = _NONE if n_words is None else np.asarray(n_words, dtype=np.int64).ravel()
    evaluative = np.asarray(evaluative, dtype=np.bool_).ravel()
    n = len(doc)
    if not (len(starts) == len(ends) == len(evaluative) == n and (n_words is None or len(words) == n)):
        raise ValueError("classify_batch: doc, starts, ends, n_words and evaluative must have one value per match")
    if n and (doc.min() < 0 or doc.max() >= len(norms)):
        raise ValueError(f"classify_batch: a document number is outside 0..{len(norms) - 1}")
    texts = norms if isinstance(norms, DocTexts) else None
    lengths = texts.lengths if texts is not None else np.fromiter(map(len, norms), dtype=np.int64, count=len(norms))
    bad = np.flatnonzero((starts < 0) | (starts > ends) | (ends > lengths[doc]))
    if len(bad):
        i = int(bad[0])  # (VoiceIndex says what is wrong)
        VoiceIndex(norms[doc[i]]).classify(int(starts[i]), int(ends[i]), int(words[i]) if len(words) else 1,
                                           evaluative=bool(evaluative[i]))
    if not n:
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.bool_)
    scanner = quote_scanner() if ENGINE == "numba" else None
    passes = None
    if scanner is not None:
        try:
            passes = _kernels()
        except ImportError:
            passes = None
    if passes is None or scanner is None:
        if n_words is None:
            words = np.array([norms[d].count(" ", s, e) + 1 for d, s, e in
                              zip(doc.tolist(), starts.tolist(), ends.tolist(), strict=True)], dtype=np.int64)
        return _python(norms, doc, starts, ends, words, evaluative)
    used = np.flatnonzero(np.bincount(doc, minlength=len(norms)))
    if len(used) < len(norms):  # only the documents with a match are read (a newline still ends each)
        doc = np.searchsorted(used, doc)
        if texts is None:
            texts, used = DocTexts.from_strs([norms[d] for d in used.tolist()]), np.arange(len(used))
    elif texts is None:
        texts = DocTexts.from_strs([*norms])
    # (UTF-32, read-only: the one type the compiled passes and batch_regions are compiled for; the documents
    # with a match read where they are, each between newlines, not copied)
    cp, lo, hi = texts.cps, texts.lo[used], texts.hi[used]
    qs, qe, qfirst, qstop, undecided = scanner.batch_spans(cp, lo, hi)
    if undecided.any():  # rare: the pairing asks the attribution lexicon, or the room ran out
        qs, qe, qfirst, qstop = _asked_quotes(scanner, texts, used, cp, undecided, lo, qs, qe, qfirst, qstop)
    voice, scare, state, ts, te, sa, sb, wa, wb = passes[0](cp, voice_tables(), lo, hi, doc, starts, ends, words,
                                                            evaluative, qs, qe, qfirst, qstop)
    named = np.flatnonzero(state == _NAME_Q)
    lazy = LazyText(cp)  # (the joined text, decoded only where needed)
    if len(named):  # VoiceIndex._is_name_quote: a function word or a name head besides the name
        lexicon = attribution_data()
        name = np.array([w in lexicon.function_words or w in lexicon.name_heads
                         for w in lazy.spans(wa[named].tolist(), wb[named].tolist())], dtype=np.bool_)
        voice[named[~name]] = 1  # a quoted statement
        state[named] = np.where(name, _REPORTED_Q, _DECIDED)
    asked = np.flatnonzero(state == _REPORTED_Q)
    if len(asked):
        text = lazy if regions_fn is None else str(lazy)
        reported = _reported(text, cp, asked, ts, te, sa, sb, regions_fn, passes[1])
        voice[asked[reported]] = 2
    return voice, scare


def _asked_quotes(scanner: Any, norms: DocTexts, used: np.ndarray, cp: np.ndarray, undecided: np.ndarray,
                  lo: np.ndarray, qs: np.ndarray, qe: np.ndarray, qfirst: np.ndarray,
                  qstop: np.ndarray) -> tuple[np.ndarray, ...]:
    """The quotation spans of the ``undecided`` documents (document ``d`` is ``norms[used[d]]``, at ``lo[d]``),
    added at the end: as :func:`quote_spans` pairs them (the compiled pairing asking its questions, on the
    code points at hand; the Python code after too many)."""
    extra: list[int] = []  # start, end, start, end, ...
    qfirst, qstop = qfirst.copy(), qstop.copy()
    m = len(qs)
    for d in np.flatnonzero(undecided).tolist():
        base = int(lo[d])
        text = norms[int(used[d])]
        flat = scanner.spans(text, cps=cp[base:base + len(text)])
        if flat is None:
            flat = [x for span in quote_spans(text, engine="python") for x in span]
        extra += [x + base for x in flat]
        qfirst[d], qstop[d] = m, m + len(flat) // 2
        m += len(flat) // 2
    pairs = np.array(extra, dtype=np.int64).reshape(-1, 2)
    return np.concatenate((qs, pairs[:, 0])), np.concatenate((qe, pairs[:, 1])), qfirst, qstop


def _reported(text: str | LazyText, cp: np.ndarray, asked: np.ndarray, ts: np.ndarray, te: np.ndarray, sa: np.ndarray,
              sb: np.ndarray, regions_fn: Callable[..., Any] | None, reported_kernel: Any) -> np.ndarray:
    """Which of the ``asked`` matches lie in a reported region of their sentence."""
    a, b, s, e = sa[asked], sb[asked], ts[asked], te[asked]
    key = a * (len(cp) + 1) + b
    keys, inverse = np.unique(key, return_inverse=True)
    ua, ub = keys // (len(cp) + 1), keys % (len(cp) + 1)
    sent = inverse.astype(np.int64)
    regions = (batch_regions if regions_fn is None else regions_fn)(text, cp, ua, ub)
    r_sent, rs, re_, rts, rte = (np.asarray(x, dtype=np.int64) for x in regions)
    if len(r_sent) > 1 and (r_sent[1:] < r_sent[:-1]).any():  # (not grouped by sentence: grouped here)
        order = np.argsort(r_sent, kind="stable")
        r_sent, rs, re_, rts, rte = r_sent[order], rs[order], re_[order], rts[order], rte[order]
    bounds = np.searchsorted(r_sent, np.arange(len(ua) + 1))
    return reported_kernel(sent, s, e, bounds[:-1], bounds[1:], rs, re_, rts, rte)
