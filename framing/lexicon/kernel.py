"""The compiled scanner of :func:`framing.lexicon.scan.count_batch`: it normalizes a chunk of documents,
builds the automaton's view and walks the automaton (:mod:`framing.lexicon.automaton`), compiled with
numba (imported on first use, :func:`scan_kernel`).

Two passes over a chunk (:func:`scan_chunk`):

* :func:`view_chunk` reads the code points once; per document it counts the whitespace tokens, applies
  the normalization table (deletions, ligatures expanded, spaces squeezed), writes the normalized code
  points, and builds the view of :func:`framing.lexicon.scan.view` (non-word characters a space,
  quotation marks that open or close a word dropped, a separator between documents), as character
  classes of the automaton. Where the view lies in the normalized text is kept as shifts (one entry per
  document and per dropped mark, not a position per character). A tight inner loop takes the common
  character (no deletion, ligature or quotation mark).
* :func:`walk_view` walks the automaton over the view, in :data:`STREAMS` stretches at once (each
  starts at a document, where the automaton is at its root): one transition is one dependent load, and
  the processor overlaps those of different stretches. It returns every hit as ``(key, start, stop)``
  in the chunk's normalized coordinates, in the order of pyahocorasick.

The character table (:func:`char_table`) merges, per code point of the Basic Multilingual Plane, its
normalization with what the view and the automaton make of the result. Characters above U+FFFF are
never changed by normalization; whether each is a word character is passed in (``astral_word``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from framing.lexicon.automaton import OTHER, SPACE, AutomatonTables

__all__ = ["char_table", "Scanned", "scan_kernel", "scan_chunk", "view_chunk", "walk_view", "STREAMS"]

# bits of the character table (see char_table): bits 0-15 the normalized code point, 16-23 its class
_RAW_SPACE = 1 << 24  # the raw character is whitespace (str.split)
_DELETE = 1 << 25  # normalization deletes it
_EXPAND = 1 << 26  # normalization expands it (a ligature): see the expansion tables
_QUOTE = 1 << 27  # the normalized character is a quotation mark
_BLANK = 1 << 28  # the normalized character is U+0020 (squeezed)


def char_table(norm_table: np.ndarray, expansions: dict[int, np.ndarray], word: np.ndarray, space: np.ndarray,
               quote: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(table, mapped_table, exp_start, exp_chars)`` for the kernel.

    ``table[cp]`` (uint32, one per BMP code point) holds the normalized code point, its class in the
    view, and the bits raw whitespace / deleted / expanded / quotation mark / U+0020; ``mapped_table``
    the same for a code point that is already normalized (the letters of an expansion); the letters of
    the expansion of ``cp`` are ``exp_chars[exp_start[cp]:exp_start[cp + 1]]``."""
    bmp = np.arange(0x10000, dtype=np.uint32)
    view_class = np.where(word, classes, SPACE).astype(np.uint32)
    props = (view_class << 16) | np.where(quote, _QUOTE, 0).astype(np.uint32) | np.where(
        bmp == 0x20, _BLANK, 0).astype(np.uint32)
    mapped_table = bmp | props
    norm = norm_table[:0x10000]
    deleted = norm == 0xFFFFFFFF
    expanded = norm == 0xFFFFFFFE
    target = np.where(deleted | expanded, 0, norm).astype(np.uint32)
    table = np.where(deleted | expanded, 0, mapped_table[target]).astype(np.uint32)
    table |= np.where(space, _RAW_SPACE, 0).astype(np.uint32)
    table |= np.where(deleted, _DELETE, 0).astype(np.uint32) | np.where(expanded, _EXPAND, 0).astype(np.uint32)
    lengths = np.zeros(0x10001, dtype=np.int64)
    for cp, rep in expansions.items():
        if cp < 0x10000:
            lengths[cp + 1] = len(rep)
    exp_start = np.cumsum(lengths)
    exp_chars = np.zeros(int(exp_start[-1]), dtype=np.uint32)
    for cp, rep in expansions.items():
        if cp < 0x10000:
            exp_chars[exp_start[cp]:exp_start[cp + 1]] = rep
    if len(exp_chars) and exp_chars.max() > 0xFFFF:  # not seen in any profile: an expansion above U+FFFF
        raise ValueError("an expansion above U+FFFF")
    return table, mapped_table, exp_start, exp_chars


class Scanned(NamedTuple):
    """What :func:`scan_chunk` returns: document ``d`` is ``mapped[nstart[d]:nend[d]]`` (normalized code
    points) with ``n_tokens[d]`` whitespace tokens; hit ``h`` is key ``keys[h]`` over
    ``mapped[starts[h]:stops[h]]``, hits in the order of pyahocorasick (by end, the longest first)."""

    mapped: np.ndarray
    nstart: np.ndarray
    nend: np.ndarray
    n_tokens: np.ndarray
    keys: np.ndarray
    starts: np.ndarray
    stops: np.ndarray


_KERNEL: list[Any] = []


def scan_kernel() -> tuple[Any, Any]:
    """The compiled :func:`view_chunk` and :func:`walk_view` (numba is imported, and they are compiled or
    loaded from numba's cache, on the first call)."""
    if not _KERNEL:
        import numba

        try:
            jit = numba.njit(cache=True, nogil=True)
            compiled = jit(view_chunk), jit(walk_view)
        except RuntimeError:  # "cannot cache function": no writable cache folder; compiled in every process
            jit = numba.njit(cache=False, nogil=True)
            compiled = jit(view_chunk), jit(walk_view)
        _KERNEL.append(compiled)
    return _KERNEL[0]


def scan_chunk(cps: np.ndarray, doc_starts: np.ndarray, astral_word: np.ndarray, chars: tuple, tables: AutomatonTables,
               key_length: np.ndarray, key_glob: np.ndarray, compiled: bool = True) -> Scanned:
    """Read a chunk of documents: :func:`view_chunk`, then :func:`walk_view`.

    ``cps``: the code points of the documents, one after the other; ``doc_starts``: where each starts
    (and a last entry, the end); ``astral_word``: for each code point above U+FFFF, in order, is it a
    word character; ``chars``: :func:`char_table` for the lexicon's classes; ``compiled=False`` runs the
    plain Python functions (slow: for tests on small text)."""
    view, walk = scan_kernel() if compiled else (view_chunk, walk_view)
    mapped, nstart, nend, n_tokens, vcls, shifts, bounds = view(cps, doc_starts, astral_word,
                                                                len(cps) + len(cps) // 64 + 64, *chars)
    if bounds[0] < 0:  # more letters of ligatures or dropped marks than room for them: counted, read again
        mapped, nstart, nend, n_tokens, vcls, shifts, bounds = view(cps, doc_starts, astral_word, -1, *chars)
    room = 64 + len(vcls) // 64  # states that end a key, per stretch (rarely more: then walked again)
    while True:
        keys, starts, stops, need = walk(vcls, shifts, bounds, tables.delta, tables.stride, tables.out, tables.link,
                                         key_length, key_glob, tables.max_out, room)
        if not need:
            break
        room = need
    return Scanned(mapped, nstart, nend, n_tokens, keys, starts, stops)


#: the automaton walks this many stretches of the view at once (each from a document's start): their
#: transitions are independent loads, which the processor overlaps (walk_view is written out for 4)
STREAMS = 4
_SLOW = _DELETE | _EXPAND | _QUOTE


def view_chunk(cps, doc_starts, astral_word, size, table, mapped_table, exp_start, exp_chars):  # noqa: PLR0912, PLR0915 - one pass
    """The first half of :func:`scan_chunk`: normalized code points, document bounds and tokens, the
    padded view by class, where its word characters lie in the normalized text (``shifts``: view position
    ``shifts[j, 0]`` and those after it, up to the next entry, are at ``position + shifts[j, 1]``; a new
    entry at each document, and after a quotation mark the view drops), and where the view splits into
    :data:`STREAMS` stretches for :func:`walk_view` (``bounds``: a start of the view or a position just
    after the separator between two documents, where the automaton is at its root; the last entry the
    view's end). ``size``: room for the normalized characters (-1: counted first, and the quotation marks
    for ``shifts``); ``bounds[0]`` is -1 when ligatures expanded beyond it or ``shifts`` overflowed."""
    n_docs = len(doc_starts) - 1
    n = len(cps)
    n_shifts = n_docs + 1 + n // 16 + 64  # (a dropped mark or a document each; rarely more: counted then)
    if size < 0:  # one per character, or its expansion's letters
        size = n
        n_shifts = n_docs + 1
        for i in range(n):
            c = cps[i]
            if c <= 0xFFFF:
                if table[c] & _EXPAND:
                    size += exp_start[c + 1] - exp_start[c] - 1
                    n_shifts += exp_start[c + 1] - exp_start[c]
                elif table[c] & _QUOTE:
                    n_shifts += 1
    # (arrays are never reassigned in the loops: numba would count their references at every turn)
    mapped = np.empty(size, dtype=np.uint32)
    vcls = np.empty(size + 3 * n_docs + 2, dtype=np.uint8)  # the padded view, by class
    shifts = np.empty((n_shifts, 2), dtype=np.int64)  # (view position, normalized position - view position)
    shift = -(1 << 40)  # the last entry's
    n_shift = 0
    nstart = np.empty(n_docs, dtype=np.int64)
    nend = np.empty(n_docs, dtype=np.int64)
    n_tokens = np.zeros(n_docs, dtype=np.int64)
    bounds = np.zeros(STREAMS + 1, dtype=np.int64)
    vdoc = np.zeros(n_docs + 1, dtype=np.int64)  # where the automaton is at its root: each document's start
    extra = size - n  # room left for the letters of expansions
    m = 0  # normalized characters written
    v = 1  # view characters written (the padding space first)
    vcls[0] = SPACE
    a = 0  # astral characters read
    for d in range(n_docs):
        if d:  # between documents: a space, the separator, a space
            vcls[v] = SPACE
            vcls[v + 1] = OTHER
            vcls[v + 2] = SPACE
            v += 3
            vdoc[d] = v - 1
        nstart[d] = m
        tokens = np.int64(0)
        prev_raw_space = np.int64(_RAW_SPACE)  # (the last character is whitespace: or the start)
        prev_blank = np.int64(0)  # the last normalized character is U+0020 (a next one is squeezed)
        prev_view_space = True  # the view of the last normalized character is a space
        pending = -1  # a quotation mark after a word character: kept unless a space follows
        i = doc_starts[d]
        end = doc_starts[d + 1]
        while True:
            if pending < 0:  # a run of common characters (no mark before, none now): the tight loop
                if m - v != shift:  # (written at view position v and on: after a document, a dropped mark)
                    if n_shift == n_shifts:
                        bounds[0] = -1
                        return mapped[:0], nstart, nend, n_tokens, vcls[:0], shifts[:0], bounds
                    shift = m - v
                    shifts[n_shift, 0] = v
                    shifts[n_shift, 1] = shift
                    n_shift += 1
                m0 = m
                while i < end:  # (one for one: view position v = m - shift)
                    c = np.int64(cps[i])
                    if c > 0xFFFF:
                        break
                    t = np.int64(table[c])
                    if t & _SLOW:
                        break
                    raw_space = t & _RAW_SPACE
                    tokens += prev_raw_space > raw_space  # (a token starts)
                    prev_raw_space = raw_space
                    i += 1
                    blank = (t >> 28) & 1  # (_BLANK)
                    if blank & prev_blank:  # (a space after a space is squeezed)
                        continue
                    prev_blank = blank
                    mapped[m] = t & 0xFFFF
                    vcls[m - shift] = (t >> 16) & 0xFF
                    m += 1
                if m > m0:
                    v = m - shift
                    prev_view_space = vcls[v - 1] == SPACE
            if i >= end:
                break
            # any other character
            c = np.int64(cps[i])
            i += 1
            if c > 0xFFFF:  # never changed by normalization; a word character or not (never a space)
                t = np.int64(OTHER << 16) if astral_word[a] else np.int64(SPACE << 16)
                ch = c
                a += 1
                tokens += prev_raw_space > 0
                prev_raw_space = np.int64(0)
            else:
                t = np.int64(table[c])
                raw_space = t & _RAW_SPACE
                tokens += prev_raw_space > raw_space
                prev_raw_space = raw_space
                ch = t & 0xFFFF
            if t & _DELETE:
                continue
            k = kend = 0
            if t & _EXPAND:  # a ligature: its letters one by one
                k, kend = exp_start[c], exp_start[c + 1]
                extra -= kend - k - 1
                if extra < 0:  # no room: the caller counts and reads again
                    bounds[0] = -1
                    return mapped[:0], nstart, nend, n_tokens, vcls[:0], shifts[:0], bounds
                ch = np.int64(exp_chars[k])
                t = np.int64(mapped_table[ch])
                k += 1
            while True:  # each normalized character (one, but for a ligature)
                blank = (t >> 28) & 1
                if not (blank & prev_blank):
                    mapped[m] = ch
                    cls = (t >> 16) & 0xFF
                    if pending >= 0:  # the mark before: dropped when this is a space in the view
                        if cls != SPACE:  # (kept: one for one, no new shift)
                            vcls[v] = SPACE
                            v += 1
                        pending = -1
                    if t & _QUOTE:  # a mark after a space (or at the start) is dropped at once
                        if not prev_view_space:
                            pending = m
                        prev_view_space = True
                    else:
                        if m - v != shift:
                            if n_shift == n_shifts:
                                bounds[0] = -1
                                return mapped[:0], nstart, nend, n_tokens, vcls[:0], shifts[:0], bounds
                            shift = m - v
                            shifts[n_shift, 0] = v
                            shifts[n_shift, 1] = shift
                            n_shift += 1
                        vcls[v] = cls
                        v += 1
                        prev_view_space = cls == SPACE
                    m += 1
                prev_blank = blank
                if k >= kend:
                    break
                ch = np.int64(exp_chars[k])
                t = np.int64(mapped_table[ch])
                k += 1
        nend[d] = m
        n_tokens[d] = tokens
    vcls[v] = SPACE
    v += 1
    vdoc[n_docs] = v
    j = 0
    for b in range(1, STREAMS):  # the document start nearest each even split
        target = b * v // STREAMS
        while j < n_docs and vdoc[j + 1] <= target:
            j += 1
        if j < n_docs and vdoc[j + 1] - target < target - vdoc[j]:
            j += 1
        bounds[b] = vdoc[j]
    bounds[STREAMS] = v
    return mapped[:m], nstart, nend, n_tokens, vcls[:v], shifts[:n_shift], bounds


def walk_view(vcls, shifts, bounds, delta, stride, out, link, key_length, key_glob, max_out, room):  # noqa: PLR0912 - one pass
    """The second half of :func:`scan_chunk`: the automaton over the view, the hits as ``(keys, starts,
    stops, 0)`` in the normalized text; or, when a stretch has more than ``room`` states that end a key,
    ``(..., the most any has)`` (and no hits: the caller walks again with that room).

    The stretches of the view between ``bounds`` (:data:`STREAMS` of them) are walked at once, each
    from the root; the positions where the automaton is in a state that ends a key are recorded (stretch
    ``k`` from ``k * room`` in ``at``), then their hits written out, stretch by stretch."""
    at = np.empty(STREAMS * room, dtype=np.int32)  # view positions of states that end a key
    ax = np.empty(STREAMS * room, dtype=np.uint32)  # and their transitions
    b0, b1, b2, b3 = bounds[0], bounds[1], bounds[2], bounds[3]
    r0, r1, r2, r3 = 0, 0, 0, 0  # states recorded, by stretch
    x0 = x1 = x2 = x3 = np.int64(0)
    n_lock = min(bounds[1] - b0, bounds[2] - b1, bounds[3] - b2, bounds[4] - b3)
    for i in range(n_lock):  # (one index for all: stretch k at bk + i)
        x0 = np.int64(delta[(x0 & -2) + vcls[b0 + i]])
        x1 = np.int64(delta[(x1 & -2) + vcls[b1 + i]])
        x2 = np.int64(delta[(x2 & -2) + vcls[b2 + i]])
        x3 = np.int64(delta[(x3 & -2) + vcls[b3 + i]])
        if (x0 | x1 | x2 | x3) & 1:
            if x0 & 1:
                if r0 < room:
                    at[r0] = b0 + i
                    ax[r0] = x0
                r0 += 1
            if x1 & 1:
                if r1 < room:
                    at[room + r1] = b1 + i
                    ax[room + r1] = x1
                r1 += 1
            if x2 & 1:
                if r2 < room:
                    at[2 * room + r2] = b2 + i
                    ax[2 * room + r2] = x2
                r2 += 1
            if x3 & 1:
                if r3 < room:
                    at[3 * room + r3] = b3 + i
                    ax[3 * room + r3] = x3
                r3 += 1
    p0, p1, p2, p3 = b0 + n_lock, b1 + n_lock, b2 + n_lock, b3 + n_lock
    rest = np.array([[p0, r0, x0], [p1, r1, x1], [p2, r2, x2], [p3, r3, x3]], dtype=np.int64)
    n_at = need = 0
    for k in range(STREAMS):  # the rest of each stretch
        p, r, x = rest[k, 0], rest[k, 1], rest[k, 2]
        while p < bounds[k + 1]:
            x = np.int64(delta[(x & -2) + vcls[p]])
            if x & 1:
                if r < room:
                    at[k * room + r] = p
                    ax[k * room + r] = x
                r += 1
            p += 1
        rest[k, 1] = r
        n_at += r
        need = max(need, r)
    if need <= room:
        need = 0
    else:
        n_at = 0
    hkey = np.empty(n_at * max_out, dtype=np.int32)  # (a state ends at most max_out keys)
    hstart = np.empty(n_at * max_out, dtype=np.int64)
    hstop = np.empty(n_at * max_out, dtype=np.int64)
    h = 0
    last = len(shifts) - 1
    i = 0  # the entry of shifts for view position p (the positions only grow)
    for k in range(STREAMS if need == 0 else 0):  # the hits, stretch by stretch
        for j in range(k * room, k * room + rest[k, 1]):
            p = at[j]
            while i < last and shifts[i + 1, 0] <= p:
                i += 1
            s = (np.int64(ax[j]) - 1) // stride
            o = s if out[s] >= 0 else link[s]
            while o >= 0:
                key = out[o]
                hkey[h] = key
                q = p - key_length[key] + 2  # the key's first character
                e = i
                while shifts[e, 0] > q:
                    e -= 1
                hstart[h] = q + shifts[e, 1]
                if key_glob[key]:  # a pattern reaches to the end of the word
                    q = p + 1
                    while vcls[q] != SPACE:
                        q += 1
                    e = i  # (marks dropped inside the word: "a»«b" is one word in the view)
                    while e < last and shifts[e + 1, 0] <= q - 1:
                        e += 1
                else:
                    q = p
                    e = i
                    while shifts[e, 0] > q - 1:
                        e -= 1
                hstop[h] = q + shifts[e, 1]
                h += 1
                o = link[o]
    return hkey[:h], hstart[:h], hstop[:h], need
