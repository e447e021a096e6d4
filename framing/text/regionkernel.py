"""The compiled pass behind :func:`framing.text.regionscan.batch_regions`: the rules of :mod:`framing.text.reported`
over the code points of a text, for many sentences at once.

:func:`scan_regions` is ``sentence_regions`` written over a numpy array of code points, so that numba can
compile it; each inner function names the function of :mod:`framing.text.reported` it mirrors, whose docstring
explains the rule. Words are looked up in one hash table (FNV-1a of the code points, open addressing, a hit
checked code point by code point) whose entries carry the word bits below; the regular expressions of the
attribution data (verbs, "according to" phrases and their keys) are read as ``re`` reads them, with the
character bits of :func:`framing.text.regionscan.region_tables` (made from ``re``'s own classes). Two steps
are left to :mod:`framing.text.regionscan`: a speaker headline (``_headline_regions``), and cutting holes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WORD", "SPACE", "QUOTE", "HEAD_PUNCT", "KEY_FIRST", "VERB", "SHORT", "COMP", "COORD", "NOT_AFTER",
           "VERB_NOT_AFTER", "STOP_AFTER", "CLAUSE_BREAK", "CLAUSE_EXCEPTION", "SOURCE", "SOURCE_VERB", "MA",
           "AS_SAID", "COLON_LEMMA", "AS_SAID_LEMMA", "OWN", "NOT_SPEAKER", "HEAD", "PHRASE_FIRST", "FNV_BASIS",
           "FNV_PRIME", "FMIX", "BLOOM_A", "BLOOM_B", "BLOOM_C", "BLOOM_D", "P_WINDOW", "P_SHORT_WINDOW",
           "P_MAX_WORDS", "P_N_ALWAYS", "P_PROBE_MAX", "P_SHIFT", "SEP", "scan_regions"]

# bits of a character (the table of framing.text.events, plus these)
WORD = 1  # \w
SPACE = 8  # str.isspace (= \s, and what str.strip removes)
QUOTE = 16  # a quotation mark (framing.text.quotes.QUOTE_CHARS)
HEAD_PUNCT = 32  # the punctuation that makes «فلان- سبق- الرياض:» a dateline, not a speaker headline
KEY_FIRST = 64  # the first character of an "according to" key

# bits of a word
VERB, SHORT, COMP, COORD, NOT_AFTER, VERB_NOT_AFTER, STOP_AFTER = 1, 2, 4, 8, 16, 32, 64
CLAUSE_BREAK, CLAUSE_EXCEPTION, SOURCE, SOURCE_VERB, MA, AS_SAID = 128, 256, 512, 1024, 2048, 4096
COLON_LEMMA, AS_SAID_LEMMA, OWN, NOT_SPEAKER, HEAD, PHRASE_FIRST = 8192, 16384, 32768, 65536, 131072, 262144
FNV_BASIS, FNV_PRIME, FMIX = 0xCBF29CE484222325, 0x100000001B3, 0xFF51AFD7ED558CCD
BLOOM_A, BLOOM_B, BLOOM_C, BLOOM_D = 0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F  # (regionscan.bloom_key)
P_WINDOW, P_SHORT_WINDOW, P_MAX_WORDS, P_N_ALWAYS, P_PROBE_MAX, P_SHIFT = 0, 1, 2, 3, 4, 5  # (of the int64 params)
SEP = -1  # in a phrase: \s+ between two words

_WAW, _FA, _ALEF, _LAM = 0x648, 0x641, 0x627, 0x644
_COLON, _COMMA, _ARABIC_COMMA, _BLANK, _NL, _TAB, _PAREN = 58, 44, 0x60C, 32, 10, 9, 40


def scan_regions(cp, sa, sb, chars, pairs, keys, key_len, slots, hashes, wflags,  # noqa: PLR0912, PLR0915 - one pass
                 pool, offsets, lengths, alts, alt_len, alt_lone, alt_fused, params, bloom):
    """The regions of the sentences ``[sa[k], sb[k])`` of the text ``cp`` (tables: :func:`framing.text.regionscan.
    region_tables`), but for headlines and holes: ``(rows, holes, headlines)`` (int64), rows ``(k, start, end,
    trigger_start, trigger_end)`` in the order of ``sentence_regions``, sentence by sentence; holes ``(k, start,
    end)`` (the speakers that verbs opening a clause name: ``_verb_regions``) of the sentences that may need
    cutting; headlines ``(k, first colon)`` of the sentences that open a line and hold a colon."""
    mask = slots.shape[0] - 1
    shift = np.uint64(params[P_SHIFT])
    basis, prime = np.uint64(FNV_BASIS), np.uint64(FNV_PRIME)

    def put(rows, r, x0, x1, x2, x3):
        rows[r, 0], rows[r, 1], rows[r, 2], rows[r, 3] = x0, x1, x2, x3

    def grow(rows, need):  # rows, or a copy with room for twice ``need`` rows when it has fewer than ``need``
        if need <= rows.shape[0]:
            return rows
        more = np.empty((2 * need, rows.shape[1]), np.int64)
        for r in range(rows.shape[0]):  # (loops: a slice assignment compiles numba's broadcasting, ~3 s)
            for c in range(rows.shape[1]):
                more[r, c] = rows[r, c]
        return more

    def isw(i):
        return (chars[cp[i]] & WORD) != 0

    def probe(h, s, e):  # the flags of the word cp[s:e] of hash h (0: not in the table)
        m = (h ^ (h >> np.uint64(33))) * np.uint64(FMIX)  # (FNV-1a alone leaves the slots clustered)
        k = np.int64((m ^ (m >> np.uint64(33))) >> shift)
        while True:
            idx = slots[k]
            if idx < 0:
                return 0
            if hashes[idx] == h and lengths[idx] == e - s:
                off = offsets[idx]
                j = 0
                while j < e - s and pool[off + j] == cp[s + j]:
                    j += 1
                if j == e - s:
                    return wflags[idx]
            k = (k + 1) & mask

    def maybe(s, e):  # may the word cp[s:e] be a verb or the first word of a phrase? (regionscan.bloom_key)
        k = ((e - s) * BLOOM_A ^ np.int64(cp[s]) * BLOOM_B ^ np.int64(cp[e - 1]) * BLOOM_C
             ^ np.int64(cp[s + 1 if e - s > 1 else s]) * BLOOM_D) & 0xFFFF
        return (bloom[k >> 3] >> (k & 7)) & 1

    def flags(s, e):
        h = basis
        for i in range(s, e):
            h = (h ^ np.uint64(cp[i])) * prime
        return probe(h, s, e)

    def next_word(pos, end):  # the next match of \w+ in [pos, end): (start, end), or (-1, -1)
        i = pos
        while i < end and not isw(i):
            i += 1
        if i >= end:
            return -1, -1
        j = i + 1
        while j < end and isw(j):
            j += 1
        return i, j

    def any_word(lo, hi):  # (loops, not any(): a generator is slow in numba)
        for i in range(lo, hi):  # noqa: SIM110
            if isw(i):
                return True
        return False

    def is_comp(s, e):  # w in complementizers or (w[0] == "ف" and w[1:] in complementizers)
        return (flags(s, e) & COMP) != 0 or (cp[s] == _FA and (flags(s + 1, e) & COMP) != 0)

    def comma_in(lo, hi):
        for i in range(lo, hi):  # noqa: SIM110
            if cp[i] == _COMMA or cp[i] == _ARABIC_COMMA:
                return True
        return False

    def source_end(a, marker, after, b, as_said):  # reported._source_end; -1 for None
        prev = after
        pos = after
        count = 0
        first_s = first_e = second_e = -1
        while count < 9:
            s, e = next_word(pos, b)
            if s < 0:
                break
            for i in range(prev, s):
                if cp[i] == _COMMA or cp[i] == _ARABIC_COMMA or cp[i] == _COLON:
                    return prev
            if is_comp(s, e):
                return -1 if as_said else s
            if count == 0:
                first_s, first_e = s, e
            elif count == 1:
                second_e = e
            prev = e
            pos = e
            count += 1
        if as_said:
            return b if count <= 8 else -1
        if count == 0:
            return after
        if count <= 8 and any_word(a, marker):
            return b
        if count > 1 and (flags(first_s, first_e) & MA) != 0:
            return second_e
        return first_e

    def according_start(a, b, after, marker):  # reported._according_start
        pos = after
        k = 0
        while True:
            s, e = next_word(pos, b)
            if s < 0 or k > params[P_WINDOW]:
                return a
            if is_comp(s, e):
                return marker
            pos = e
            k += 1

    def source_follows(pos, end, fused):  # reported._source_follows
        while pos < end and chars[cp[pos]] & SPACE:
            pos += 1
        if pos >= end:
            return False
        if chars[cp[pos]] & QUOTE or cp[pos] == _PAREN:
            return True
        lim = min(end, pos + 60)
        s, e = next_word(pos, lim)
        if s < 0:
            return False
        f = flags(s, e)
        if fused:
            return (f & SOURCE_VERB) != 0
        if f & MA:
            s2, e2 = next_word(e, lim)
            return s2 >= 0 and (flags(s2, e2) & SOURCE_VERB) != 0
        if f & SOURCE:
            return True
        if e - s > 3 and cp[s] == _ALEF and cp[s + 1] == _LAM and flags(s + 2, e) & SOURCE:
            return True
        if e - s > 3 and cp[s] == _LAM and cp[s + 1] == _LAM and flags(s + 2, e) & SOURCE:
            return True
        return e - s > 2 and cp[s] == _LAM and (flags(s + 1, e) & SOURCE) != 0

    def has_key(a, b):  # marker_key_re.search(text, a, b) is not None
        for i in range(a, b - 1):
            c = cp[i]
            if chars[c] & KEY_FIRST and pairs[(np.int64(c) * 31 + cp[i + 1]) & 0xFFFF]:
                for k in range(keys.shape[0]):
                    m = key_len[k]
                    if keys[k, 0] == c and i + m <= b:
                        j = 1
                        while j < m and cp[i + j] == keys[k, j]:
                            j += 1
                        if j == m:
                            return True
        return False

    def alt_at(k, p, b):  # the end of phrase alternative k matched at p (the text read up to b), or -1
        j = p
        for x in range(alt_len[k]):
            c = alts[k, x]
            if c == SEP:
                if j >= b or not chars[cp[j]] & SPACE:
                    return -1
                while j < b and chars[cp[j]] & SPACE:
                    j += 1
            else:
                if j >= b or cp[j] != c:
                    return -1
                j += 1
        if not alt_lone[k] and j < b and isw(j):
            return -1  # (?!\w)
        while j < b and chars[cp[j]] & SPACE:
            j += 1
        return j

    def phrase_at(p, b, lo, hi):  # (?<!\w)و?(?:alternatives lo..hi) matched at p: (end, alternative) or -1
        if p > 0 and isw(p - 1):
            return -1, -1
        if cp[p] == _WAW:
            for k in range(lo, hi):
                e = alt_at(k, p + 1, b)
                if e >= 0:
                    return e, k
        for k in range(lo, hi):
            e = alt_at(k, p, b)
            if e >= 0:
                return e, k
        return -1, -1

    def after_verb(vs, ve, b, f, reg, nr, words, x, n_s):  # reported._after_verb: (regions, hole start, hole end)
        win = params[P_SHORT_WINDOW] if f & SHORT else params[P_WINDOW]  # (the verb: word x of the sentence's n_s)
        prev_end = ve
        bs = be = -1
        bcf = k = 0
        while k <= win and x + 1 < n_s:  # the words after the verb, their flags looked up once for all verbs
            x += 1
            cs, ce = words[x, 0], words[x, 1]
            if words[x, 2] < 0:
                words[x, 2] = flags(cs, ce)
            cf = words[x, 2]
            if cs != prev_end + 1 or cp[prev_end] != _BLANK:
                colon = -1
                for i in range(prev_end, cs):
                    if cp[i] == _COLON:
                        colon = i
                        break
                if colon >= 0:
                    if f & COLON_LEMMA:
                        j = colon + 1
                        while j < cs and chars[cp[j]] & SPACE:
                            j += 1
                        if not (j < cs and chars[cp[j]] & QUOTE):
                            put(reg, nr, colon + 1, b, vs, ve)
                            nr += 1
                    return nr, -1, -1
                if comma_in(prev_end, cs):
                    if cf & COORD:
                        put(reg, nr, ce, b, vs, ve)
                        return nr + 1, vs, ce
                    if cf & CLAUSE_BREAK or (cp[cs] == _WAW and ce - cs > 2 and not cf & CLAUSE_EXCEPTION):
                        return nr, -1, -1
            if cf & COMP:
                if bs < 0:
                    put(reg, nr, ce, b, vs, ve)
                    return nr + 1, vs, ce
                w = bs
                if be - bs > 2 and (cp[bs] == _WAW or cp[bs] == _FA) and flags(bs + 1, be) & (NOT_AFTER | STOP_AFTER):
                    w = bs + 1
                bf = bcf if w == bs else flags(w, be)
                if bf & STOP_AFTER:
                    return nr, -1, -1
                if not bf & NOT_AFTER:
                    put(reg, nr, ce, b, vs, ve)
                    return nr + 1, vs, ce
            prev_end = ce
            bs, be, bcf = cs, ce, cf
            k += 1
        return nr, -1, -1

    out, n_out = np.empty((max(16, len(sa)), 5), np.int64), 0
    cut, cands, n_cut, n_cand = np.empty((16, 3), np.int64), np.empty((16, 2), np.int64), 0, 0
    # (buffers of one sentence, grown as needed)
    verbs, starts, marks = np.empty((16, 3), np.int64), np.empty((16, 1), np.int64), np.empty((16, 2), np.int64)
    reg, holes, words = np.empty((16, 4), np.int64), np.empty((16, 2), np.int64), np.empty((16, 3), np.int64)
    for snt in range(sa.shape[0]):
        a, b = sa[snt], sb[snt]
        # one pass over the sentence's words: its verbs (verb_re at a, verb_after_re after it), the words where
        # an "according to" phrase may start (the phrase's first word, or و and it), its first colon
        n_verb = n_phrase = n_s = n_e = was = 0
        colon = b
        verbs = grow(verbs, (b - a) // 2 + 2)  # (room for every word: no array is replaced inside the loop)
        starts = grow(starts, (b - a) // 2 + 2)
        words = grow(words, (b - a) // 2 + 2)
        i = a
        if a > 0 and isw(a - 1):  # (a word begun before a starts no match: the look-behinds see it)
            while i < b and isw(i):
                i += 1
        for p in range(i, b):  # the bounds of the words, with no branch on each character (none predicts them)
            c = cp[p]
            w = int(chars[c] & WORD)
            words[n_s, 0] = p
            words[n_e, 1] = p
            n_s += w & (1 - was)
            n_e += was & (1 - w)
            colon = min(colon, p if c == _COLON else b)
            was = w
        words[n_e, 1] = b  # (the last word, when it runs to b)
        colon = -1 if colon == b else colon
        for x in range(n_s):  # looked up when the bloom filter lets them: a verb, the first word of a phrase
            ws, we = words[x, 0], words[x, 1]
            words[x, 2] = -1  # (flags not looked up yet)
            if we - ws > params[P_PROBE_MAX]:
                continue
            f = flags(ws, we) if maybe(ws, we) else 0
            if f & VERB:
                verbs[n_verb, 0], verbs[n_verb, 1], verbs[n_verb, 2] = ws, we, x
                n_verb += 1
            if f & PHRASE_FIRST or (cp[ws] == _WAW and we - ws > 1 and maybe(ws + 1, we)
                                    and flags(ws + 1, we) & PHRASE_FIRST):
                starts[n_phrase, 0] = ws
                n_phrase += 1
        opens = False
        if colon >= 0:
            q = a
            while q > 0 and (cp[q - 1] == _BLANK or cp[q - 1] == _TAB):
                q -= 1
            opens = q == 0 or cp[q - 1] == _NL
        if n_verb == 0 and n_phrase == 0 and not opens:
            continue
        # the "according to" phrases (when a key of them occurs in the sentence: marker_key_re): every match
        # of `always`, then the matches of `with_source` with a source after them
        n_mark = 0
        for grp in range(2):
            lo = 0 if grp == 0 else params[P_N_ALWAYS]
            hi = params[P_N_ALWAYS] if grp == 0 else alt_len.shape[0]
            end = a  # (finditer: the matches do not overlap)
            for x in range(n_phrase):
                p = starts[x, 0]
                if p < end:
                    continue
                e, k = phrase_at(p, b, lo, hi)
                if e < 0:
                    continue
                if grp == 0 or source_follows(e, b, alt_fused[k] != 0):
                    marks = grow(marks, n_mark + 1)
                    marks[n_mark, 0] = p
                    marks[n_mark, 1] = e
                    n_mark += 1
                end = e
        if n_mark and not has_key(a, b):
            n_mark = 0
        reg = grow(reg, 2 * n_mark + 2 * n_verb + 1)
        nr = 0
        for x in range(n_mark):  # reported._marker_regions
            ms, me = marks[x, 0], marks[x, 1]
            src_end = source_end(a, ms, me, b, False)
            start = according_start(a, b, me, ms)
            if start < ms:
                put(reg, nr, start, ms, ms, src_end)
                nr += 1
            put(reg, nr, src_end, b, ms, src_end)
            nr += 1
        holes = grow(holes, n_verb)
        n_hole = 0
        for x in range(n_verb):  # reported._verb_regions
            vs, ve = verbs[x, 0], verbs[x, 1]
            f = flags(vs, ve)
            lo = max(a, vs - 40)
            q = vs  # reported._last_word(text, lo, vs)
            while q > lo and not isw(q - 1):
                q -= 1
            ps = pe = -1
            pf = 0
            if q > lo:
                ps = q - 1
                while ps > lo and isw(ps - 1):
                    ps -= 1
                pe = q
                pf = flags(ps, pe)
            if pf & VERB_NOT_AFTER:
                continue
            if ps >= 0 and pf & AS_SAID and f & AS_SAID_LEMMA and any_word(a, ps):
                src_end = source_end(a, ps, ve, b, True)
                if src_end >= 0:
                    put(reg, nr, a, ps, ps, src_end)
                    nr += 1
                    if src_end < b:
                        put(reg, nr, src_end, b, ps, src_end)
                        nr += 1
                    continue
            new_clause = ps < 0 or ((cp[vs] == _WAW or cp[vs] == _FA) and (flags(vs + 1, ve) & VERB) != 0) \
                or comma_in(pe, vs)
            nr, hs, he = after_verb(vs, ve, b, f, reg, nr, words, verbs[x, 2], n_s)
            if hs >= 0 and new_clause:
                holes[n_hole, 0] = hs
                holes[n_hole, 1] = he
                n_hole += 1
        if opens:  # a speaker headline may add a region (framing.text.regionscan.headline_rows)
            cands = grow(cands, n_cand + 1)
            cands[n_cand, 0] = snt
            cands[n_cand, 1] = colon
            n_cand += 1
        if n_hole > 0 and (nr > 1 or opens):  # holes to cut (reported._cut: framing.text.regionscan.cut_holes)
            cut = grow(cut, n_cut + n_hole)
            for y in range(n_hole):
                cut[n_cut, 0], cut[n_cut, 1], cut[n_cut, 2] = snt, holes[y, 0], holes[y, 1]
                n_cut += 1
        out = grow(out, n_out + nr)
        for r in range(nr):
            out[n_out, 0], out[n_out, 1], out[n_out, 2] = snt, reg[r, 0], reg[r, 1]
            out[n_out, 3], out[n_out, 4] = reg[r, 2], reg[r, 3]
            n_out += 1
    return out[:n_out], cut[:n_cut], cands[:n_cand]
