"""The labels of a batch of documents attached at once, compiled: what :func:`framing.lexicon.attach.attach_labels`
gives each document, for all the documents of a :func:`framing.lexicon.resolve.resolve_batch` batch.

:func:`attach_batch` reads the code points of the documents (read where they stand), their alias
hits (it chooses the aliases leftmost-longest itself, :func:`framing.lexicon.attach.longest_first`), their
label hits in hit order and their structural words, and walks from each label as
:func:`framing.lexicon.attach.walk` does. A walk that meets a character above U+FFFF where it looks for a
word (rare) leaves its document to :func:`framing.lexicon.attach.attach_fast` (``fallback``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

__all__ = ["attach_batch", "attach_kernel", "attach_docs", "char_tables", "encode", "negated_at", "negation_batch",
           "qualifier_heads", "scope_codes", "GAP_CODES", "SEP_CODES", "STRIP_CODES"]

#: the separators of a walk (``_SEP_CHARS`` of :mod:`framing.lexicon.attach`) as code points
SEP_CODES = np.array([ord(c) for c in " «»“”\"‘’'()[]#"], dtype=np.int64)
#: what :func:`framing.lexicon.scope.negated` strips around a negator, as code points
STRIP_CODES = np.array([ord(c) for c in "«»“”\"‘’'()[]"], dtype=np.int64)
#: besides word characters, what may stand between a qualifier and its head (``_GAP_BREAK`` of attach)
GAP_CODES = np.array([ord(c) for c in " «»“”\"‘’'()[]#"], dtype=np.int64)
_KERNEL: list[Any] = []
_TABLES: list[tuple[np.ndarray, np.ndarray]] = []
_NEGATORS: dict[frozenset[str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def char_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each code point up to U+FFFF: is it a word character (``\\w``), is it whitespace (``str.isspace``;
    none is above U+FFFF)? Built on first use."""
    if not _TABLES:
        chars = "".join(map(chr, range(0x10000)))
        word = np.zeros(0x10000, dtype=np.bool_)
        word[[m.start() for m in re.finditer(r"\w", chars)]] = True
        space = np.array([c.isspace() for c in chars], dtype=np.bool_)
        _TABLES.append((word, space))
    return _TABLES[0]


def encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of ``texts`` one after the other (uint32), and where each starts (and the end)."""
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=starts[1:])
    return np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32), starts


def attach_kernel() -> Any:
    """The compiled :func:`attach_docs`, :func:`negated_at`, :func:`scope_codes` and :func:`qualifier_heads`
    (numba is imported, and they are compiled or loaded from numba's cache, on the first call)."""
    if not _KERNEL:
        import numba

        try:
            jit = numba.njit(cache=True, nogil=True)
            compiled = jit(attach_docs), jit(negated_at), jit(scope_codes), jit(qualifier_heads)
        except RuntimeError:  # "cannot cache function": no writable cache folder; compiled in every process
            jit = numba.njit(cache=False, nogil=True)
            compiled = jit(attach_docs), jit(negated_at), jit(scope_codes), jit(qualifier_heads)
        _KERNEL.append(compiled)
    return _KERNEL[0]


def attach_docs(cps, text_start, text_end, a_bounds, a_s, a_e, a_idx, l_bounds, l_s, l_e, l_idx, l_self,  # noqa: PLR0912, PLR0915
                st_bounds, st_s, st_e, st_linker, referent, is_sep, is_word, window, attached, fallback, chosen):
    """Per document ``d``: its text ``cps[text_start[d]:text_end[d]]``; its aliases
    ``a_bounds[d]:a_bounds[d + 1]`` sorted by (start, end, entry); its labels ``l_bounds[d]:...`` in hit order
    (``l_self``: does the label name its referent alone on the document's date); its structural words
    ``st_bounds[d]:...`` sorted by start (``st_linker``: is it a linker). Writes ``attached`` (per label row:
    -2 not chosen, -1 chosen as self-identifying, else the alias entry it is attached to) and ``fallback``
    (per document: a walk met a character above U+FFFF) and ``chosen`` (per alias row: chosen). One function:
    the document's state stays local."""
    n_docs = len(text_start)
    n_ref = 1
    for i in range(len(referent)):
        n_ref = max(n_ref, referent[i] + 1)
    last_of = np.full(n_ref, -1, dtype=np.int64)  # per referent: the start of its last chosen alias
    cs = np.empty(len(a_s) + 1, dtype=np.int64)
    ce = np.empty(len(a_s) + 1, dtype=np.int64)
    ci = np.empty(len(a_s) + 1, dtype=np.int64)
    ks = np.empty(len(l_s) + 1, dtype=np.int64)  # the attached labels of a document: row, alias
    ka = np.empty(len(l_s) + 1, dtype=np.int64)
    for d in range(n_docs):
        t0 = text_start[d]
        n = text_end[d] - t0
        # the chosen aliases: leftmost, then longest (the rows are sorted by start, end, entry)
        m = 0
        last_end = -1
        for r in range(a_bounds[d], a_bounds[d + 1]):
            s, e = a_s[r], a_e[r]
            if s >= last_end:
                cs[m], ce[m], ci[m] = s, e, r
                m += 1
                last_end = e
            elif e > last_end and s == cs[m - 1]:
                ce[m - 1], ci[m - 1] = e, r
                last_end = e
        for j in range(m):
            last_of[referent[a_idx[ci[j]]]] = cs[j]
            chosen[ci[j]] = True
        k0, k1 = st_bounds[d], st_bounds[d + 1]
        nk = 0
        for r in range(l_bounds[d], l_bounds[d + 1]):
            s, e = l_s[r], l_e[r]
            # the only chosen alias that can contain the label: the last one starting at or before it
            lo, hi = 0, m
            while lo < hi:
                mid = (lo + hi) // 2
                if cs[mid] <= s:
                    lo = mid + 1
                else:
                    hi = mid
            if lo > 0 and e <= ce[lo - 1] and ce[lo - 1] - cs[lo - 1] > e - s:
                continue  # part of a longer name
            own = referent[l_idx[r]]
            if last_of[own] > e:
                found = -1
                pos = e
                words = 0
                gap = False
                while pos < n:
                    c = cps[t0 + pos]
                    if c == 32 and (pos + 1 == n or not (cps[t0 + pos + 1] <= 0xFFFF and is_sep[cps[t0 + pos + 1]])):
                        pos += 1
                    elif c <= 0xFFFF and is_sep[c]:
                        while pos < n and cps[t0 + pos] <= 0xFFFF and is_sep[cps[t0 + pos]]:
                            pos += 1
                    else:
                        break
                    if pos >= n:
                        break
                    lo, hi = 0, m  # an alias chosen here?
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if cs[mid] < pos:
                            lo = mid + 1
                        else:
                            hi = mid
                    if lo < m and cs[lo] == pos:
                        if not gap:
                            found = a_idx[ci[lo]]
                        break
                    if words >= window:
                        break
                    lo, hi = k0, k1  # a structural word here?
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if st_s[mid] < pos:
                            lo = mid + 1
                        else:
                            hi = mid
                    if lo < k1 and st_s[lo] == pos:
                        end = st_e[lo]
                        words += 1
                        for q in range(pos, end):
                            if cps[t0 + q] == 32:
                                words += 1
                        if st_linker[lo]:
                            gap = False
                        pos = end
                        continue
                    q = pos
                    while q < n:
                        c = cps[t0 + q]
                        if c > 0xFFFF:
                            fallback[d] = True
                            break
                        if not is_word[c]:
                            break
                        q += 1
                    if fallback[d] or q == pos:
                        break
                    words += 1
                    gap = True
                    pos = q
                if fallback[d]:
                    break
                if found >= 0 and referent[found] == own:
                    ks[nk], ka[nk] = r, found
                    nk += 1
                    continue
            if l_self[r]:
                ks[nk], ka[nk] = r, -1
                nk += 1
        for j in range(m):
            last_of[referent[a_idx[ci[j]]]] = -1
        if fallback[d] or nk == 0:
            continue
        # sorted by start, longer first, an alias attachment before a self one, then as found (insertion sort)
        for i in range(1, nk):
            r, a = ks[i], ka[i]
            j = i - 1
            while j >= 0:
                r2, a2 = ks[j], ka[j]
                key_later = (l_s[r2] > l_s[r] or (l_s[r2] == l_s[r] and (
                    l_e[r2] < l_e[r] or (l_e[r2] == l_e[r] and a2 == -1 and a != -1))))
                if not key_later:
                    break
                ks[j + 1], ka[j + 1] = r2, a2
                j -= 1
            ks[j + 1], ka[j + 1] = r, a
        last_end = -1
        for i in range(nk):
            r = ks[i]
            if l_s[r] >= last_end:
                attached[r] = ka[i]
                last_end = l_e[r]


def attach_batch(*args: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run :func:`attach_docs` (compiled) on the arrays of :func:`attach_docs` (without its outputs):
    ``(attached, fallback, chosen)``."""
    l_s, text_start, a_s = args[8], args[1], args[4]
    attached = np.full(len(l_s), -2, dtype=np.int64)
    fallback = np.zeros(len(text_start), dtype=np.bool_)
    chosen = np.zeros(len(a_s), dtype=np.bool_)
    attach_kernel()[0](*args, attached, fallback, chosen)
    return attached, fallback, chosen


def negated_at(cps, text_start, q_doc, q_start, neg_cps, neg_len, is_space, is_strip, out):
    """:func:`framing.lexicon.scope.negated` at ``q_start[i]`` of document ``q_doc[i]`` (text
    ``cps[text_start[d]:]``) into ``out[i]``: the last whitespace-delimited word of the 16
    characters before the position, ``is_strip`` characters stripped, is a negator (``neg_cps[k, :neg_len[k]]``),
    or و or ف and a negator."""
    for i in range(len(q_doc)):
        t0 = text_start[q_doc[i]]
        s = q_start[i]
        lo = max(0, s - 16)
        j = s
        while j > lo and cps[t0 + j - 1] <= 0xFFFF and is_space[cps[t0 + j - 1]]:
            j -= 1
        if j == lo:
            continue  # no word
        a = j
        while a > lo and not (cps[t0 + a - 1] <= 0xFFFF and is_space[cps[t0 + a - 1]]):
            a -= 1
        while a < j and cps[t0 + a] <= 0xFFFF and is_strip[cps[t0 + a]]:
            a += 1
        while j > a and cps[t0 + j - 1] <= 0xFFFF and is_strip[cps[t0 + j - 1]]:
            j -= 1
        for shift in range(2):
            if shift and (j == a or (cps[t0 + a] != 0x648 and cps[t0 + a] != 0x641)):  # و, ف
                break
            b = a + shift
            for k in range(len(neg_len)):
                if neg_len[k] != j - b:
                    continue
                same = True
                for q in range(j - b):
                    if cps[t0 + b + q] != neg_cps[k, q]:
                        same = False
                        break
                if same:
                    out[i] = True
                    break
            if out[i]:
                break


def _negator_tables(negators: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`negated_at` reads of ``negators`` (code points, lengths) and its strip table, kept."""
    tables = _NEGATORS.get(negators)
    if tables is None:
        ordered = sorted(negators)
        neg_len = np.array([len(n) for n in ordered], dtype=np.int64)
        neg_cps = np.zeros((len(ordered), max(1, int(neg_len.max()))), dtype=np.int64)
        for k, n in enumerate(ordered):
            neg_cps[k, :len(n)] = [ord(c) for c in n]
        is_strip = np.isin(np.arange(0x10000), STRIP_CODES)
        _NEGATORS.clear()  # (those of the last lexicon alone)
        tables = _NEGATORS[negators] = neg_cps, neg_len, is_strip
    return tables


def negation_batch(cps: np.ndarray, text_start: np.ndarray, q_doc: np.ndarray, q_start: np.ndarray,
                   negators: frozenset[str]) -> np.ndarray:
    """:func:`negated_at` (compiled) for the ``negators``: a bool per query."""
    out = np.zeros(len(q_doc), dtype=np.bool_)
    if not negators or not len(q_doc):
        return out
    neg_cps, neg_len, is_strip = _negator_tables(negators)
    attach_kernel()[1](cps, text_start, q_doc.astype(np.int64), q_start.astype(np.int64), neg_cps, neg_len,
                       char_tables()[1], is_strip, out)
    return out


def scope_codes(cps, text_start, q_doc, q_row, q_s, q_e, q_date, ex_member, ctx_member, window, x_bounds, x_s, x_e,
                x_id, c_bounds, c_id, c_pos, out):
    """:meth:`framing.lexicon.scope.DocScope.reason` of each query: entry rule ``q_row[i]`` (-1: none) at
    ``[q_s[i], q_e[i])`` of document ``q_doc[i]``, ``q_date[i]``: is it out of the rule's dates. The rules
    by row: their exclude and context phrases (``ex_member[row, phrase]``, ``ctx_member[row, phrase]``),
    their context window (-1: none; -2: no context phrases). The exclude phrase hits of document ``d``:
    ``x_bounds[d]:x_bounds[d + 1]``, its context phrase hits ``c_bounds[d]:...``. Writes ``out[i]``: 0 counts,
    1 exclude, 2 date, 3 context."""
    for i in range(len(q_doc)):
        row = q_row[i]
        if row < 0:
            continue
        d, s, e = q_doc[i], q_s[i], q_e[i]
        excluded = False
        for x in range(x_bounds[d], x_bounds[d + 1]):
            if x_s[x] <= s and e <= x_e[x] and ex_member[row, x_id[x]]:
                excluded = True
                break
        if excluded:
            out[i] = 1
            continue
        if q_date[i]:
            out[i] = 2
            continue
        w = window[row]
        if w == -2:  # no context phrases
            continue
        after = -1  # the nearest context word at or after s, and the one before s
        before = -1
        for c in range(c_bounds[d], c_bounds[d + 1]):
            if ctx_member[row, c_id[c]]:
                p = c_pos[c]
                if p >= s:
                    if after < 0 or p < after:
                        after = p
                elif p > before:
                    before = p
        if after < 0 and before < 0:
            out[i] = 3
            continue
        if w < 0:
            continue
        t0 = text_start[d]
        near = False
        if after >= 0:
            n = 0
            for q in range(e, after):
                if cps[t0 + q] == 32:
                    n += 1
            near = n <= w
        if not near and before >= 0:
            n = 0
            for q in range(before, s):
                if cps[t0 + q] == 32:
                    n += 1
            near = n <= w
        if not near:
            out[i] = 3


def qualifier_heads(cps, text_start, h_bounds, h_s, h_e, q_doc, q_s, q_e, q_side, is_word, is_gap, out,
                    fallback):
    """:func:`framing.lexicon.attach.qualifier_head_at` of each qualifier ``[q_s[i], q_e[i])`` of document
    ``q_doc[i]`` (``q_side[i]``: 0 either, 1 before, 2 after): ``out[i]``, the number of its head among the
    sorted heads ``h_bounds[d]:h_bounds[d + 1]`` of the document, or -1. A gap holding a character above
    U+FFFF sets ``fallback[d]`` (whether it is a word character is not known here)."""
    for i in range(len(q_doc)):
        out[i] = -1
        d, s, e = q_doc[i], q_s[i], q_e[i]
        h0, h1 = h_bounds[d], h_bounds[d + 1]
        t0 = text_start[d]
        lo, hi = h0, h1
        while lo < hi:
            mid = (lo + hi) // 2
            if h_s[mid] <= s:
                lo = mid + 1
            else:
                hi = mid
        k = lo - 1
        if k >= h0 and h_s[k] <= s and e <= h_e[k]:
            out[i] = k  # inside a label: its referent
            continue
        while k >= h0 and h_e[k] > s:
            k -= 1
        lo, hi = h0, h1
        while lo < hi:
            mid = (lo + hi) // 2
            if h_s[mid] <= e - 1:
                lo = mid + 1
            else:
                hi = mid
        j = lo
        for turn in range(2):  # the nearest head before the qualifier, then the one after it
            if turn == 0:
                if k < h0 or q_side[i] == 2:
                    continue
                a, b, head = t0 + h_e[k], t0 + s, k
            else:
                if j >= h1 or q_side[i] == 1 or h_s[j] < e:
                    continue
                a, b, head = t0 + e, t0 + h_s[j], j
            ok = True  # qualifier_gap_ok: no punctuation, one word at most, not a noun with و or ف
            words = 0
            p = a
            while p < b and ok:
                c = cps[p]
                if c > 0xFFFF:
                    fallback[d] = True
                    ok = False
                elif is_word[c]:
                    q = p
                    while q < b and cps[q] <= 0xFFFF and is_word[cps[q]]:
                        q += 1
                    if q < b and cps[q] > 0xFFFF:
                        fallback[d] = True
                        ok = False
                    elif q - p > 1:
                        words += 1
                        if words > 1 or ((cps[p] == 0x648 or cps[p] == 0x641) and q - p > 3):
                            ok = False
                    p = q
                elif is_gap[c]:
                    p += 1
                else:
                    ok = False
            if fallback[d]:
                break
            if ok:
                out[i] = head
                break
