"""Keyword-in-context lines for the term map: sampled ahead of time, capped per term and in bytes.

Documents are read in a seeded random order; each drawn term gets at most one line per document and
``per_term`` lines in all, in the document's own spelling (the search-normalized text finds the term,
the offsets map it back to the original).  :func:`cap_bytes` then trims the lines to a byte budget.

>>> clip_context("  a   b  c ", 5, left=True)
'a b c'
>>> clip_context("one two three", 5, left=True)
'…three'
>>> clip_context("one two three", 5, left=False)
'one t…'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from framing.text.morphology import morphology, strip_clitics
from framing.text.normalization import normalize, offsets_array, original_span

__all__ = ["WORD", "MAX_PROCLITIC", "TermLine", "SampledLines", "sample_lines", "proclitic_prefixes",
           "clip_context", "cap_bytes"]

#: a word of the search-normalized text
WORD = re.compile(r"\w+")
#: longer than any proclitic chain strip_clitics removes (و/ف + preposition + ال, لل)
MAX_PROCLITIC = 8


class TermLine(NamedTuple):
    """One KWIC line: the outlet, the context left of the term, the term as written, the context right."""

    outlet: str
    left: str
    keyword: str
    right: str
    doc_id: str


class SampledLines(NamedTuple):
    """What :func:`sample_lines` returns: the lines of each drawn term and the documents read."""

    lines: list[list[TermLine]]
    scanned: int


def sample_lines(corpus: pd.DataFrame, groups: pd.Series, drawn: Sequence[str], known: set[str], *, by: str,
                 per_term: int, window: int, seed: int, totals: np.ndarray | None = None) -> SampledLines:
    """Up to ``per_term`` KWIC lines per drawn term, one per document, documents in a seeded random order.

    ``totals`` (occurrences of each term in the corpus): a term whose every occurrence has been seen
    needs no more documents, so the scan stops once no term can get another line.  ``by`` names the
    column ``groups`` was taken from."""
    index = {t: i for i, t in enumerate(drawn)}
    n_words = {t.count(" ") + 1 for t in drawn}
    lines: list[list[TermLine]] = [[] for _ in drawn]
    if per_term == 0 or not drawn:
        return SampledLines(lines, 0)
    need = set(range(len(drawn)))
    texts = corpus["text"].tolist()
    ids = corpus["doc_id"].astype(str).tolist() if "doc_id" in corpus.columns else [str(i) for i in range(len(corpus))]
    outlets = groups.tolist()
    order = np.random.default_rng(seed).permutation(len(texts))
    stem_cache: dict[str, str] = {}
    term_of: dict[str, int] = {}  # normalized token -> index of its drawn term (-1: none), unigram fast path
    prefixes = proclitic_prefixes()
    occ = np.zeros(len(drawn), dtype=np.int64)  # occurrences seen while the term still needed lines

    def lookup(tok):
        # strip_clitics only removes a prefix (at most MAX_PROCLITIC letters): a word none of whose
        # suffixes is a drawn term maps to none, without running the stemmer
        if not any(tok[:i] in prefixes and tok[i:] in index for i in range(min(len(tok), MAX_PROCLITIC + 1))):
            term_of[tok] = -1
            return -1
        st = stem_cache.get(tok)
        if st is None:
            st = stem_cache[tok] = strip_clitics(tok, known)
        j = index.get(st, -1)
        term_of[tok] = j
        return j

    unigrams_only = n_words == {1}
    seen: set = set()  # words looked up
    live: set = set()  # words whose term still needs lines
    toks_of: dict = {}  # term index -> its words met so far
    scanned = 0
    for k in order:
        if not need:
            break
        text = texts[k]
        if not isinstance(text, str) or not text:
            continue
        scanned += 1
        if unigrams_only:
            norm = normalize(text, profile="search")
            toks = WORD.findall(norm)
            distinct = set(toks)
            for t in distinct - seen:  # words not met before: looked up once for the whole corpus
                seen.add(t)
                j = lookup(t)
                if j >= 0 and j in need:
                    live.add(t)
                    toks_of.setdefault(j, []).append(t)
            wanted = distinct & live  # set operations in C, not a Python loop over every word
            if not wanted:
                continue
            get = term_of.__getitem__  # every wanted word was looked up
            hits = [(i, i + 1, get(t)) for i, t in enumerate(toks) if t in wanted]
            norm2, offs = offsets_array(text, "search")  # the same text as normalize's, with offsets
            spans = [m.span() for m in WORD.finditer(norm2)]
            if norm2 != norm:  # never expected; if the two paths ever differ, trust the one with offsets
                js = [term_of[t] if t in term_of else lookup(t) for t in WORD.findall(norm2)]
                hits = [(i, i + 1, j) for i, j in enumerate(js) if j >= 0 and j in need]
        else:
            norm, offs = offsets_array(text, "search")
            spans = [m.span() for m in WORD.finditer(norm)]
            stems = []
            for s, e in spans:
                tok = norm[s:e]
                st = stem_cache.get(tok)
                if st is None:
                    st = stem_cache[tok] = strip_clitics(tok, known)
                stems.append(st)
            hits = []
            for n in n_words:
                for i in range(len(stems) - n + 1):
                    j = index.get(stems[i] if n == 1 else " ".join(stems[i:i + n]))
                    if j is not None and j in need:
                        hits.append((i, i + n, j))
        seen_here = set()
        for i, end, j in hits:
            if totals is not None and j >= 0:
                occ[j] += 1
            if j in seen_here or j not in need:
                continue
            seen_here.add(j)
            a, b = original_span(text, offs, spans[i][0], spans[end - 1][1])
            left_start = original_span(text, offs, *spans[max(0, i - window)])[0] if i > 0 else a
            right_end = original_span(text, offs, *spans[min(len(spans) - 1, end - 1 + window)])[1] \
                if end < len(spans) else b
            left = clip_context(text[left_start:a], 90, left=True)
            right = clip_context(text[b:right_end], 90, left=False)
            lines[j].append(TermLine(outlets[k], left, text[a:b], right, ids[k]))
            if len(lines[j]) >= per_term:
                need.discard(j)
                live.difference_update(toks_of.get(j, ()))
        if totals is not None:
            for j in seen_here:  # every occurrence of the term seen: no other document holds it
                if j in need and occ[j] >= totals[j]:
                    need.discard(j)
                    live.difference_update(toks_of.get(j, ()))
    return SampledLines(lines, scanned)


def proclitic_prefixes() -> frozenset[str]:
    """Every prefix :func:`framing.text.morphology.strip_clitics` may remove ("" included)."""
    m = morphology()
    out = {""}
    for c in ("", *m.conjunctions):
        out.add(c + "لل")
        out.add(c + "ل")
        for p in ("", *m.prepositions):
            out.update({c + p, c + p + m.article})
    return frozenset(p for p in out if len(p) <= MAX_PROCLITIC)


def clip_context(s: str, limit: int, *, left: bool) -> str:
    """``s`` on one line, cut to its last (``left``) or first ``limit`` characters with "…"."""
    s = " ".join(s.split())
    if len(s) <= limit:
        return s
    return "…" + s[-limit:] if left else s[:limit] + "…"


def cap_bytes(lines: list[list[TermLine]], max_bytes: int) -> list[list[TermLine]]:
    """Fewer lines per term (the same number for every term) until all lines fit in ``max_bytes``; if even
    one line per term is too much, one line for the terms in order (most frequent first) while they fit."""
    def size(x):
        o, left, key, right, _ = x
        return len((o + left + key + right).encode("utf-8")) + 12

    sizes = [[size(x) for x in ls] for ls in lines]
    cap = max((len(ls) for ls in lines), default=0)
    while cap > 1 and sum(sum(s[:cap]) for s in sizes) > max_bytes:
        cap -= 1
    if sum(sum(s[:cap]) for s in sizes) <= max_bytes:
        return [ls[:cap] for ls in lines]
    out, used = [], 0
    for ls, s in zip(lines, sizes, strict=True):
        if ls and used + s[0] <= max_bytes:
            out.append(ls[:1])
            used += s[0]
        else:
            out.append([])
    return out
