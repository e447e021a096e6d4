"""The reported-speech regions of many sentences at once: :func:`framing.text.reported.sentence_regions` for
each sentence, computed by one compiled pass (:mod:`framing.text.regionkernel`).

:func:`batch_regions` gives exactly what ``sentence_regions(text, a, b)`` gives for each sentence ``(a, b)``,
concatenated in the order of the sentences: the same rules (docs/voice.md), read from the same attribution
data. The pass is compiled with numba (imported, and the pass compiled or loaded from numba's cache, on the
first call); its tables (:func:`region_tables`: a character table from Python's own ``\\w`` and ``\\s``, a hash
table of the words of the data with their roles, the "according to" phrases) are built then too. The pass
leaves two steps to this module, each compiled too: speaker headlines (:func:`headline_rows`; the tags that
may open one, «عاجل |», «RT @x:», are a regular expression of ``framing/data/headlines.yaml`` and are skipped
by ``reported.headline_tags``), and cutting the speakers a clause names out of the regions
(:func:`cut_holes`). Without numba, or with :data:`ENGINE` ``"python"``, the Python rules give the regions.
``tests/text/test_regionscan.py`` checks the pass against the Python rules.

>>> import numpy as np
>>> from framing.text.normalization import normalize
>>> t = normalize("وقال المتحدث إن الميليشيات انسحبت. وأكد الوزير: الهدوء عاد")
>>> cp = np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
>>> dot = t.index(".")
>>> r = batch_regions(t, cp, np.array([0, dot + 1]), np.array([dot, len(t)]))
>>> [(int(k), t[s:e], t[ts:te]) for k, s, e, ts, te in zip(*r)]
[(0, ' الميليشيات انسحبت', 'وقال'), (1, ' الهدوء عاد', 'واكد')]
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np

from framing.text import regionkernel as rk
from framing.text.attribution import AttributionData, HeadlineData, attribution_data, headline_data
from framing.text.doctexts import LazyText
from framing.text.events import event_tables
from framing.text.quotes import QUOTE_CHARS
from framing.text.reported import headline_tags_many, sentence_regions

__all__ = ["ENGINE", "RegionArrays", "RegionTables", "batch_regions", "bloom_key", "build_region_tables", "cut_holes",
           "headline_rows", "region_tables", "word_hash"]

#: ``"numba"`` (the compiled pass, the default) or ``"python"`` (``sentence_regions`` for each sentence)
ENGINE = "numba"

_M64 = (1 << 64) - 1
_HEAD_PUNCT = ".!؟?،,-–—/"  # (the class of reported._headline_regions)
_MA = ("ما", "لما")  # (the words reported._source_follows and _source_end compare with)
_WAW, _FA, _ALEF, _LAM, _H, _T, _P = 0x648, 0x641, 0x627, 0x644, 104, 116, 112


class RegionArrays(NamedTuple):
    """Regions of many sentences, one row per region, in the order :func:`batch_regions` describes."""

    sent: np.ndarray  # int64, index into sa/sb of the sentence each region belongs to
    start: np.ndarray  # int64 region start (positions in `text`)
    end: np.ndarray
    trigger_start: np.ndarray
    trigger_end: np.ndarray


class RegionTables(NamedTuple):
    """The tables of :func:`framing.text.regionkernel.scan_regions` (in the order it takes them)."""

    chars: np.ndarray  # uint8 per code point: the character bits of regionkernel
    pairs: np.ndarray  # uint8, 65536: 1 where (first * 31 + second character) & 0xFFFF of a key falls
    keys: np.ndarray  # int32, keys x longest: the "according to" keys (AttributionData.marker_keys)
    key_len: np.ndarray  # int64
    slots: np.ndarray  # int32, a power of two: the hash table (entry number, -1 for an empty slot)
    hashes: np.ndarray  # uint64 per entry: word_hash of its word
    flags: np.ndarray  # int64 per entry: the word bits of regionkernel
    pool: np.ndarray  # int64: the code points of the words, one after another
    offsets: np.ndarray  # int64 per entry: where its word starts in pool
    lengths: np.ndarray  # int64 per entry
    alts: np.ndarray  # int64, phrases x longest: the code points of each phrase, SEP between its words
    alt_len: np.ndarray  # int64
    alt_lone: np.ndarray  # int64: 1 when the phrase ends with a lone ل (no word boundary after it)
    alt_fused: np.ndarray  # int64: 1 when a match ends with ما (reported._source_follows ``fused_ma``)
    params: np.ndarray  # int64: window, short window, headline words, phrases of `always`, longest word, hash shift
    bloom: np.ndarray  # uint8, 8192: the bits (bloom_key) of the verbs and the first words of phrases


def word_hash(word: str) -> int:
    """The 64-bit FNV-1a hash of the code points of ``word`` (what the pass computes)."""
    h = rk.FNV_BASIS
    for ch in word:
        h = ((h ^ ord(ch)) * rk.FNV_PRIME) & _M64
    return h


def bloom_key(word: str) -> int:
    """The bit of ``word`` in the bloom filter of the pass (of its length, its first two and its last character):
    a word whose bit is not set is neither a verb nor the first word of a phrase."""
    second = word[1] if len(word) > 1 else word[0]
    return (len(word) * rk.BLOOM_A ^ ord(word[0]) * rk.BLOOM_B ^ ord(word[-1]) * rk.BLOOM_C
            ^ ord(second) * rk.BLOOM_D) & 0xFFFF


def _slot(h: int, bits: int) -> int:
    """The first slot of hash ``h`` in a table of ``2 ** bits``: the high bits of ``h`` mixed (murmur3's
    finalizer; FNV-1a alone leaves the slots clustered), as the pass computes it."""
    m = ((h ^ (h >> 33)) * rk.FMIX) & _M64
    return (m ^ (m >> 33)) >> (64 - bits)


def _phrase_pattern(phrase: str) -> str:
    """The regular expression attribution.py compiles for a phrase (checked against its patterns)."""
    words = phrase.split()
    if words[-1] == "ل":
        return r"\s+".join(re.escape(w) for w in words[:-1]) + r"\s+ل\s*"
    return r"\s+".join(re.escape(w) for w in words) + r"(?!\w)\s*"


def _word_roles(data: AttributionData, heads: HeadlineData, firsts: list[str]) -> dict[str, int]:
    """Every word of the data that a rule looks up, with its bits."""
    roles: dict[str, int] = {}

    def add(words, bit: int) -> None:
        for w in words:
            roles[w] = roles.get(w, 0) | bit

    for form, lemma in data.verb_forms.items():
        add([form], rk.VERB | (rk.COLON_LEMMA if lemma in data.colon_lemmas else 0)
            | (rk.AS_SAID_LEMMA if lemma in data.as_said_lemmas else 0))
    for words, bit in ((data.short_forms, rk.SHORT), (data.complementizers, rk.COMP), (data.coordinated, rk.COORD),
                       (data.not_after, rk.NOT_AFTER), (data.verb_not_after, rk.VERB_NOT_AFTER),
                       (data.stop_after, rk.STOP_AFTER), (data.clause_breaks, rk.CLAUSE_BREAK),
                       (data.clause_break_exceptions, rk.CLAUSE_EXCEPTION), (data.sources, rk.SOURCE),
                       (data.source_verbs, rk.SOURCE_VERB), (_MA, rk.MA), ([data.as_said], rk.AS_SAID),
                       (heads.own_speakers, rk.OWN), (heads.not_speakers, rk.NOT_SPEAKER),
                       (heads.speaker_heads, rk.HEAD), (firsts, rk.PHRASE_FIRST)):
        add(words, bit)
    return roles


def build_region_tables(data: AttributionData, heads: HeadlineData) -> RegionTables:
    """The tables of the pass for ``data`` and ``heads``. A ValueError when the data holds what the pass does
    not read (then :func:`batch_regions` uses the Python rules)."""
    chars = event_tables().chars.copy()
    bmp = "".join(map(chr, range(0x10000)))
    chars[:0x10000][np.fromiter(map(str.isspace, bmp), dtype=bool, count=0x10000)] |= rk.SPACE
    for members, bit in ((QUOTE_CHARS, rk.QUOTE), (_HEAD_PUNCT, rk.HEAD_PUNCT)):
        chars[[ord(c) for c in members]] |= bit
    keys_list = list(data.marker_keys)
    if any(len(k) < 2 for k in keys_list):
        raise ValueError("an 'according to' key of one character")
    width = max(map(len, keys_list), default=1)
    keys = np.zeros((len(keys_list), width), dtype=np.int32)
    pairs = np.zeros(0x10000, dtype=np.uint8)
    for k, w in enumerate(keys_list):
        keys[k, :len(w)] = [ord(c) for c in w]
        pairs[(ord(w[0]) * 31 + ord(w[1])) & 0xFFFF] = 1
        chars[ord(w[0])] |= rk.KEY_FIRST
    # the phrases, in the order of the alternatives of data.always, then data.with_source
    phrases = [*data.always_phrases, *data.with_source_phrases]
    for pattern, group in ((data.always, data.always_phrases), (data.with_source, data.with_source_phrases)):
        if pattern.pattern != r"(?<!\w)و?(?:" + "|".join(map(_phrase_pattern, group)) + ")" or pattern.flags != re.U:
            raise ValueError("the 'according to' patterns are not the phrases the pass reads")
    firsts = [p.split()[0] for p in phrases]  # (a match starts with it, or with و and it, as a whole run of \w)
    if any(re.fullmatch(r"\w+", w) is None for w in data.verb_forms):  # (the pass finds verbs as whole runs)
        raise ValueError("a verb form that is not one word")
    if any(re.fullmatch(r"\w+", w) is None for w in firsts) or any(p.split() == ["ل"] for p in phrases):
        raise ValueError("an 'according to' phrase that does not start with a word")
    # the words (a word with a non-word character is never looked up: the pass looks up runs of \w)
    roles = {w: f for w, f in _word_roles(data, heads, firsts).items() if not re.search(r"\W", w)}
    words = list(roles)
    hashes = np.array([word_hash(w) for w in words], dtype=np.uint64)
    bits = max(4, (4 * len(words)).bit_length())
    size = 1 << bits
    slots = np.full(size, -1, dtype=np.int32)
    for i, h in enumerate(hashes.tolist()):
        k = _slot(h, bits)
        while slots[k] >= 0:
            k = (k + 1) & (size - 1)
        slots[k] = i
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    pool = np.array([ord(c) for w in words for c in w], dtype=np.int64)
    encoded = []
    for p in phrases:
        seq: list[int] = []
        for w in p.split():
            seq += ([rk.SEP] if seq else []) + [ord(c) for c in w]
        encoded.append(seq)
    alts = np.zeros((len(phrases), max(map(len, encoded), default=1)), dtype=np.int64)
    for k, seq in enumerate(encoded):
        alts[k, :len(seq)] = seq
    lone = [p.split()[-1] == "ل" for p in phrases]
    fused = [not is_lone and p.split()[-1].endswith("ما") for p, is_lone in zip(phrases, lone, strict=True)]
    params = np.array([data.window, data.short_window, heads.max_words, len(data.always_phrases),
                       max([*map(len, data.verb_forms), *(len(w) + 1 for w in firsts)]), 64 - bits], dtype=np.int64)
    bloom = np.zeros(1 << 13, dtype=np.uint8)
    for k in (bloom_key(w) for w in words if roles[w] & (rk.VERB | rk.PHRASE_FIRST)):
        bloom[k >> 3] |= 1 << (k & 7)
    return RegionTables(chars, pairs, keys, np.array([len(k) for k in keys_list], dtype=np.int64), slots, hashes,
                        np.array([roles[w] for w in words], dtype=np.int64), pool, offsets, lengths, alts,
                        np.array([len(s) for s in encoded], dtype=np.int64), np.array(lone, dtype=np.int64),
                        np.array(fused, dtype=np.int64), params, bloom)


def headline_rows(cp, sa, sb, heads, chars, slots, hashes, wflags, pool, offsets, lengths, params):
    """``reported._headline_regions`` of the sentences ``heads``, rows ``(k, start, colon, tagged)`` (sentence
    ``[sa[k], sb[k])`` opens a line; ``reported.headline_tags`` of it): rows ``(k, start, end, trigger_start,
    trigger_end)`` (compiled)."""
    out = np.empty((heads.shape[0], 5), np.int64)
    n_out = 0
    mask = slots.shape[0] - 1
    shift = np.uint64(params[rk.P_SHIFT])

    def flags(s, e):  # (regionkernel.scan_regions: the same lookup)
        h = np.uint64(rk.FNV_BASIS)
        for i in range(s, e):
            h = (h ^ np.uint64(cp[i])) * np.uint64(rk.FNV_PRIME)
        m = (h ^ (h >> np.uint64(33))) * np.uint64(rk.FMIX)
        k = np.int64((m ^ (m >> np.uint64(33))) >> shift)
        while slots[k] >= 0:
            idx = slots[k]
            if hashes[idx] == h and lengths[idx] == e - s:
                j = 0
                while j < e - s and pool[offsets[idx] + j] == cp[s + j]:
                    j += 1
                if j == e - s:
                    return wflags[idx]
            k = (k + 1) & mask
        return 0

    for x in range(heads.shape[0]):
        snt, a, colon, tagged = heads[x, 0], heads[x, 1], heads[x, 2], heads[x, 3]
        b = sb[snt]
        count = 0
        s0 = e0 = sl = el = -1
        i = a
        ok = True
        while ok:  # the words before the colon: at most max_words, none a verb of saying
            while i < colon and not chars[cp[i]] & rk.WORD:
                i += 1
            if i >= colon:
                break
            s = i
            while i < colon and chars[cp[i]] & rk.WORD:
                i += 1
            count += 1
            ok = count <= params[rk.P_MAX_WORDS] and not flags(s, i) & rk.VERB
            if count == 1:
                s0, e0 = s, i
            sl, el = s, i
        if not ok or count == 0:
            continue
        hs = s0 + 1 if (cp[s0] == _WAW or cp[s0] == _FA) and e0 - s0 > 3 else s0
        hf, f0 = flags(hs, e0), flags(s0, e0)
        if (hf | f0) & (rk.OWN | rk.NOT_SPEAKER) or flags(sl, el) & rk.NOT_SPEAKER:
            continue
        article = (e0 - hs >= 2 and cp[hs] == _ALEF and cp[hs + 1] == _LAM) or (
            e0 - s0 >= 2 and cp[s0] == _ALEF and cp[s0 + 1] == _LAM)
        if not (tagged or article or (hf | f0) & rk.HEAD):
            continue
        for i in range(a, colon):
            if chars[cp[i]] & rk.HEAD_PUNCT:
                ok = False
                break
        j = colon + 1
        while j < b and chars[cp[j]] & rk.SPACE:
            j += 1
        if not ok or j >= b or chars[cp[j]] & rk.QUOTE or (
                j + 4 <= b and cp[j] == _H and cp[j + 1] == _T and cp[j + 2] == _T and cp[j + 3] == _P):
            continue
        out[n_out, 0], out[n_out, 1], out[n_out, 2], out[n_out, 3], out[n_out, 4] = snt, colon + 1, b, a, colon + 1
        n_out += 1
    return out[:n_out]


def cut_holes(rows, holes):
    """``reported._cut`` for every sentence of ``rows`` (``(k, start, end, trigger_start, trigger_end)``, grouped
    by sentence in increasing order) that has more than one region and ``holes`` (``(k, start, end)``, in the
    same order): each region without the holes, but for a hole that is its own speaker (compiled)."""
    n_holes = holes.shape[0]
    most = 0  # the most holes of one sentence: a region is cut into at most that many + 1 parts
    j = 0
    while j < n_holes:
        k = j
        while k < n_holes and holes[k, 0] == holes[j, 0]:
            k += 1
        most = max(most, k - j)
        j = k
    out = np.empty((rows.shape[0] * (most + 1), 5), np.int64)
    parts = np.empty((most + 1, 4), np.int64)
    nxt = np.empty((most + 1, 4), np.int64)
    n_out = 0
    j = 0
    r = 0
    while r < rows.shape[0]:
        snt = rows[r, 0]
        last = r + 1  # the rows of this sentence: r .. last - 1
        while last < rows.shape[0] and rows[last, 0] == snt:
            last += 1
        while j < n_holes and holes[j, 0] < snt:
            j += 1
        k = j
        while k < n_holes and holes[k, 0] == snt:
            k += 1
        for q in range(r, last):
            for c in range(4):  # (loops: a slice assignment compiles numba's broadcasting, ~1.5 s)
                parts[0, c] = rows[q, c + 1]
            n_part = 1
            for y in range(j, k if last - r > 1 else j):
                hs, he = holes[y, 1], holes[y, 2]
                n_next = 0
                for z in range(n_part):
                    ps, pe, ts = parts[z, 0], parts[z, 1], parts[z, 2]
                    if he <= ps or pe <= hs or ts == hs:  # (its own speaker precedes it)
                        for c in range(4):
                            nxt[n_next, c] = parts[z, c]
                        n_next += 1
                        continue
                    if ps < hs:
                        for c in range(4):
                            nxt[n_next, c] = parts[z, c]
                        nxt[n_next, 1] = hs
                        n_next += 1
                    if he < pe:
                        for c in range(4):
                            nxt[n_next, c] = parts[z, c]
                        nxt[n_next, 0] = he
                        n_next += 1
                parts, nxt = nxt, parts
                n_part = n_next
            for z in range(n_part):
                out[n_out, 0] = snt
                for c in range(4):
                    out[n_out, c + 1] = parts[z, c]
                n_out += 1
        r = last
    return out[:n_out]


_TABLES: list[RegionTables | None] = []
_KERNEL: list[Any] = []


def region_tables() -> RegionTables | None:
    """The tables of the bundled data (built once, on first use), or None when the pass cannot read it."""
    if not _TABLES:
        try:
            _TABLES.append(build_region_tables(attribution_data(), headline_data()))
        except ValueError:
            _TABLES.append(None)
    return _TABLES[0]


def _kernels() -> Any:
    """The compiled :func:`framing.text.regionkernel.scan_regions` and :func:`cut_holes` (ImportError without
    numba)."""
    if not _KERNEL:
        import numba

        for function in (rk.scan_regions, headline_rows, cut_holes):
            try:
                compiled = numba.njit(cache=True, nogil=True)(function)
            except RuntimeError:  # no writable cache folder: compiled in every process
                compiled = numba.njit(cache=False, nogil=True)(function)
            _KERNEL.append(compiled)
    return _KERNEL


def _python_rows(text: str, sa: list[int], sb: list[int], which) -> np.ndarray:
    """Rows ``(sentence, start, end, trigger_start, trigger_end)`` of the sentences ``which``, by
    ``sentence_regions``."""
    rows = [(k, *r) for k in which for r in sentence_regions(text, sa[k], sb[k])]
    return np.array(rows, dtype=np.int64).reshape(len(rows), 5)


def _arrays(rows: np.ndarray) -> RegionArrays:
    return RegionArrays(*(np.ascontiguousarray(rows[:, j]) for j in range(5)))


def batch_regions(text: str | LazyText, cp: np.ndarray, sa: np.ndarray, sb: np.ndarray) -> RegionArrays:
    """The regions of ``sentence_regions(text, a, b)`` for every ``(a, b)`` of ``zip(sa, sb)``, concatenated in
    that order (each sentence's regions in their own order); ``sent`` names the sentence of each region.
    ``text``: normalized with the ``search`` profile (several documents may be joined by newlines; a
    :class:`framing.text.doctexts.LazyText` of ``cp`` is decoded only if needed); ``cp``: its code points
    (``np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)``, or uint16 when none is above
    U+FFFF; any type is converted to uint32, the one type the compiled pass is compiled for); ``sa``, ``sb``: the
    sentence bounds, ``0 <= a <= b <= len(text)``, in any order."""
    sa = np.ascontiguousarray(sa, dtype=np.int64)
    sb = np.ascontiguousarray(sb, dtype=np.int64)
    if sa.shape != sb.shape or sa.ndim != 1:
        raise ValueError(f"batch_regions: sa and sb must be 1-d arrays of one length, not {sa.shape} and {sb.shape}")
    if cp.shape != (len(text),):
        raise ValueError(f"batch_regions: cp holds {cp.shape[0]} code points for a text of {len(text)}: give its own")
    if sa.size and (sa.min() < 0 or sb.max() > len(text) or (sa > sb).any()):
        raise ValueError(f"batch_regions: sentence bounds outside 0 <= a <= b <= {len(text)}")
    tables = region_tables() if ENGINE == "numba" else None
    kernels = None
    if tables is not None:
        try:
            kernels = _kernels()
        except ImportError:
            kernels = None
    if kernels is None or tables is None:
        return _arrays(_python_rows(str(text), sa.tolist(), sb.tolist(), range(sa.shape[0])))
    scan, headlines, cut = kernels
    # one type of code points, so that a process compiles the pass once (each type compiles apart, ~20 s with an
    # empty cache): uint32 (from uint16: ~1.4 ms per 10 MB), read-only (as np.frombuffer of bytes gives them)
    cp = np.ascontiguousarray(cp, dtype=np.uint32)
    if cp.flags.writeable:
        cp = cp.view()
        cp.flags.writeable = False
    rows, holes, heads = scan(cp, sa, sb, *tables)
    if heads.shape[0]:  # the tags before a headline's speaker («عاجل |», a regular expression of the data)
        k = heads[:, 0]
        openings = [(x, *tags) for x, tags in zip(k.tolist(), headline_tags_many(
            text, sa[k].tolist(), heads[:, 1].tolist(), sb[k].tolist()), strict=True) if tags is not None]
        found = headlines(cp, sa, sb, np.array(openings, dtype=np.int64).reshape(len(openings), 4), tables.chars,
                          tables.slots, tables.hashes, tables.flags, tables.pool, tables.offsets, tables.lengths,
                          tables.params)
        if found.shape[0]:  # (each after the other regions of its sentence)
            rows = np.concatenate([rows, found])
            rows = rows[np.argsort(rows[:, 0], kind="stable")]
    if holes.shape[0]:
        rows = cut(rows, holes)
    return _arrays(rows)
