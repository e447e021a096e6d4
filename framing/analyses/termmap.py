"""An interactive term map (what scattertext is loved for, done for Arabic), self-contained in one HTML block.

Every word of the corpus (normalized with the ``search`` profile and stripped of proclitics, as
:func:`framing.term_counts` counts them) is a point: x = how often the two sides use it (log scale),
y = how much more one outlet uses it than the other side (the z-score of Monroe et al.'s log-odds
with an informative Dirichlet prior, from :func:`framing.compare_outlets`).  Lexicon labels are
coloured by stance, aliases in black.  Hovering shows the term and its counts; clicking shows
keyword-in-context lines for it, in the outlet's original spelling, right to left.

The page needs no network: the data is JSON inside the page and the drawing code is a small inline
script (``framing/data/templates/termmap.js``) that draws on one ``<canvas>`` with one set of
listeners, so thousands of terms stay fast.  The lines are sampled ahead of time (documents in a
seeded random order, at most one line per term and document), capped per term and in total bytes.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"outlet": ["A", "A", "B"], "doc_id": ["a1", "a2", "b1"],
...                        "text": ["قصفت الميليشيات المدينة", "قالت الميليشيات", "قالت القوات"]})
>>> tm = term_map(corpus, min_count=1)
>>> tm.terms.set_index("term").loc["ميليشيات", ["A", "B"]].tolist()
[2, 0]
>>> "framingTermMap(" in tm.html()
True
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from framing.errors import FramingError

logger = logging.getLogger(__name__)

__all__ = ["term_map", "TermMap", "term_map_section"]

_WORD = re.compile(r"\w+")
_MAX_PROCLITIC = 8  # longer than any proclitic chain strip_clitics removes (و/ف + preposition + ال, لل)
_COUNTER = [0]
STANCE_CODES = {"": 0, "delegitimizing": 1, "neutral": 2, "legitimizing": 3, "mixed": 4, "alias": 5}


@dataclass(repr=False)
class TermMap:
    """The data of a term map and its HTML.

    ``terms``: one row per term drawn: ``term``, ``stance`` ("" for a plain word), ``total``, one
    count column per outlet, ``z:<comparison>`` per comparison, ``lines`` (KWIC lines held).
    ``comparisons``: (name, outlet, reference) triples; ``lines``: per term, a list of
    ``(outlet, left, keyword, right, doc_id)``.  ``stats``: timings and sizes.
    """

    terms: pd.DataFrame
    outlets: list
    comparisons: list
    lines: list
    title: str = "Term map"
    by: str = "outlet"
    stats: dict = field(default_factory=dict)

    def payload(self) -> dict:
        from framing.text.normalization import normalize

        def show(s):
            return normalize(str(s), profile="display")

        from framing.pipeline.analyze import display_names

        out_idx = {o: i for i, o in enumerate(self.outlets)}
        short = display_names(self.outlets, 60)  # long outlet names cut with "…", kept distinct

        def name(o, r):
            return f"{short[o]} vs {'rest' if r == 'rest' else short[r]}"

        return {
            "title": show(self.title),
            "by": show(self.by),
            "outlets": [show(short[o]) for o in self.outlets],
            "comparisons": [{"name": show(name(o, r)), "outlet": out_idx[o], "ref": "rest" if r == "rest" else out_idx[r]}
                            for _n, o, r in self.comparisons],
            "terms": [show(t) for t in self.terms["term"]],
            "stance": [STANCE_CODES.get(s, 0) for s in self.terms["stance"]],
            "counts": [self.terms[o].astype(int).tolist() for o in self.outlets],
            "words": [int(self.stats.get("words", {}).get(o, 0)) for o in self.outlets],
            "z": [[None if not np.isfinite(v) else round(float(v), 2) for v in self.terms[f"z:{n}"]]
                  for n, _, _ in self.comparisons],
            "lines": [[[out_idx.get(o, -1), show(left), show(key), show(right)] for o, left, key, right, _d in ls]
                      for ls in self.lines],
        }

    def html(self) -> str:
        """A self-contained block (``<div>``, ``<style>``, JSON data and inline script) for any page."""
        _COUNTER[0] += 1
        uid = f"tm{_COUNTER[0]}"
        data = json.dumps(self.payload(), ensure_ascii=False, separators=(",", ":"))
        # inside <script>: no "</script>", "<!--" or U+2028/9 can end or confuse it
        data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        css = _asset("termmap.css")
        js = _asset("termmap.js")
        return (f'<div class="framing-termmap" id="{uid}" data-termmap="{uid}">'
                f"<style>{css}</style>"
                f'<script type="application/json" id="{uid}-data">{data}</script>'
                f"<script>{js}\nframingTermMap({json.dumps(uid)});</script></div>")

    def page(self, block: str | None = None) -> str:
        """A whole HTML page holding only the term map (``block``: a :meth:`html` already built, reused)."""
        from framing.output.report import escape

        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f"<title>{escape(self.title)}</title></head><body>{block or self.html()}</body></html>")

    def save(self, path, block: str | None = None):
        """Write :meth:`page` atomically; returns the path."""
        from framing.output.files import write_text

        return write_text(path, self.page(block))

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:  # short and stable (no timings): Jupyter stores it beside the HTML
        return (f"TermMap({self.title!r}: {len(self.terms)} terms, {len(self.outlets)} {self.by}s, "
                f"{len(self.comparisons)} comparisons, {sum(len(x) for x in self.lines)} lines)")


def _asset(name: str) -> str:
    return (resources.files("framing") / "data" / "templates" / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- building


def _label_stances(lexicon):
    """Lexicon labels and aliases as counted words: (form -> stance, [(prefix, stance)] for glob terms).

    Each entry's normalized forms are inflected (plural, dual, feminine endings, as the matcher does)
    and stripped of proclitics, so «ميليشيات» is coloured as the label «ميليشيا» is."""
    from framing.lexicon.load import as_lexicon
    from framing.text.morphology import inflected_forms, strip_clitics
    from framing.text.normalization import normalize

    lex = as_lexicon(lexicon)
    found: dict[str, set] = {}
    prefixes: list = []

    def add(text, what, inflect):
        glob = text.endswith("*")
        words = [strip_clitics(w) for w in _WORD.findall(normalize(text.rstrip("*"), profile="search"))]
        if not words:
            return
        if glob:
            prefixes.append((" ".join(words), what))
            return
        lasts = inflected_forms(words[-1]) if inflect else {words[-1]}
        for last in lasts:
            found.setdefault(" ".join([*words[:-1], last]), set()).add(what)

    for ref in lex.referents.values():
        for e in ref.aliases:
            for t in (e.term, *e.variants):
                add(t, "alias", getattr(e, "inflect", True))  # inflected as the matcher does (الحوثيين)
        for stance, entries in ref.labels.items():
            for e in entries:
                for t in (e.term, *e.variants):
                    add(t, stance, getattr(e, "inflect", True))
    out = {}
    for form, what in found.items():
        out[form] = _one_stance(what)
    return out, prefixes


def _one_stance(what: set) -> str:
    stances = set(what) - {"alias"}
    if len(stances) > 1:
        return "mixed"
    return next(iter(stances)) if stances else "alias"


def _stance_of(term: str, forms: dict, prefixes: list) -> str:
    hit = forms.get(term)
    if hit is not None or not prefixes:
        return hit or ""
    what = {s for p, s in prefixes if term.startswith(p)}
    return _one_stance(what) if what else ""


def term_map(corpus, *, by: str = "outlet", outlets=None, reference="rest", lexicon=None,
             max_terms: int = 3000, min_count: int = 5, ngram_range=(1, 1), stopwords: bool = False,
             lines_per_term: int = 4, window: int = 6, max_line_bytes: int = 2_500_000, seed: int = 0,
             title: str | None = None) -> TermMap:
    """Build an interactive term map of a corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame or path
        ``text``, the ``by`` column, and ``doc_id`` (else the index).
    by : str, default "outlet"
    outlets : list, optional
        The outlets that get a comparison (a choice in the map's menu); default: all.
    reference : "rest" or an outlet, default "rest"
        Each outlet against the pooled other outlets, or against this one outlet.
    lexicon : optional
        Colours lexicon labels by stance (``mixed`` when a word is a label of several stances) and
        aliases in black.  Multi-word labels show only with ``ngram_range=(1, 2)`` or more.
    max_terms : int, default 3000
        The most frequent terms drawn (lexicon labels and aliases that occur are always drawn).
    min_count : int, default 5
        Terms used fewer times in the whole corpus are left out.
    ngram_range : (int, int), default (1, 1)
    stopwords : bool, default False
        ``True`` leaves out the function words of :func:`framing.reading.concordance.default_stopwords`.
    lines_per_term : int, default 4
        KWIC lines kept per term (one per document at most).
    window : int, default 6
        Words of context on each side of a line.
    max_line_bytes : int, default 2,500,000
        Cap on the UTF-8 size of all lines; when exceeded, every term keeps fewer lines (down to one,
        then the rarest terms keep none).
    seed : int, default 0
        Order in which documents are read for lines.
    title : str, optional

    Returns
    -------
    TermMap
        ``.html()`` for a report, ``.save(path)`` for a page, displayed by Jupyter.
    """
    from framing.analyses.compare import compare_outlets
    from framing.features.terms import all_term_counts

    t0 = time.perf_counter()
    if isinstance(corpus, (str, bytes)) or hasattr(corpus, "__fspath__"):
        from framing.corpus.reader import read_corpus

        corpus = read_corpus(corpus)
    if not isinstance(corpus, pd.DataFrame) or "text" not in corpus.columns:
        raise FramingError("term_map: expected a corpus DataFrame with a 'text' column (or a corpus path)")
    if by not in corpus.columns:
        raise FramingError(f"term_map: the corpus has no column {by!r}; columns: {', '.join(map(str, corpus.columns))}")
    if corpus[by].isna().any():
        row = int(np.flatnonzero(corpus[by].isna().to_numpy())[0])
        raise FramingError(f"term_map: corpus row {row}, field {by!r}: missing; fill or drop it")
    for name, value, lo in (("max_terms", max_terms, 1), ("min_count", min_count, 1),
                            ("lines_per_term", lines_per_term, 0), ("window", window, 1),
                            ("max_line_bytes", max_line_bytes, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
            raise FramingError(f"{name}: expected an integer >= {lo}, got {value!r}")
    corpus = corpus.reset_index(drop=True)
    groups = corpus[by].astype(str)
    all_outlets = sorted(groups.unique())
    if len(all_outlets) < 2:
        raise FramingError(f"term_map: expected at least two values of {by!r} to compare, got {all_outlets}")
    chosen = all_outlets if outlets is None else [str(o) for o in ([outlets] if isinstance(outlets, str) else outlets)]
    bad = [o for o in chosen if o not in all_outlets]
    if bad:
        raise FramingError(f"term_map: outlets {bad} are not in the corpus; outlets: {all_outlets}")
    if reference != "rest" and str(reference) not in all_outlets:
        raise FramingError(f"term_map: reference {reference!r} is neither 'rest' nor an outlet; outlets: {all_outlets}")
    reference = "rest" if reference == "rest" else str(reference)
    chosen = [o for o in chosen if o != reference]

    frame = corpus.assign(**{by: groups})
    counts = all_term_counts(frame, [by], ngram_range=ngram_range)
    t_counts = time.perf_counter()
    words = counts[counts["term"].str.count(" ") == 0].groupby(by)["count"].sum()
    # comparisons: log-odds z from compare_outlets, on the full vocabulary (the prior uses every term)
    comparisons, zcols = [], {}
    if reference == "rest":
        res = compare_outlets(counts, method="log_odds", mode="one_vs_rest", by=by)
        res = res[res[by].astype(str).isin(set(chosen))]
        per = {str(o): g.set_index("term")["z"] for o, g in res.groupby(by, sort=False, observed=True)}
        for o in chosen:  # one groupby above, not one scan of the whole table per outlet
            name = f"{o} vs rest"
            comparisons.append((name, o, "rest"))
            zcols[name] = per.get(o, pd.Series(dtype=float))
    else:
        for o in chosen:
            res = compare_outlets(counts[counts[by].isin([o, reference])], method="log_odds",
                                  mode="one_vs_rest", by=by)
            name = f"{o} vs {reference}"
            comparisons.append((name, o, reference))
            zcols[name] = res[res[by] == o].set_index("term")["z"]
    t_compare = time.perf_counter()
    # totals per term (long table, no terms × outlets matrix of the whole vocabulary)
    total = counts.groupby("term", sort=True)["count"].sum()
    vocab = total.index
    forms, prefixes = _label_stances(lexicon) if lexicon is not None else ({}, [])
    stance = pd.Series([_stance_of(t, forms, prefixes) for t in vocab], index=vocab, dtype=object)
    letters = vocab.to_series().str.contains(r"[^\W\d_]", regex=True)
    keep = letters & (total >= min_count)
    if stopwords:
        from framing.reading.concordance import default_stopwords
        from framing.text.normalization import normalize

        stop = {normalize(w, profile="search") for w in default_stopwords()}
        keep &= ~vocab.to_series().isin(stop)
    ranked = total[keep].sort_values(ascending=False, kind="mergesort")
    top = list(ranked.index[:max_terms])
    top_set = set(top)
    extra = [t for t in vocab[((stance != "") & (total > 0) & letters).to_numpy()] if t not in top_set]
    drawn = top + extra
    # counts of the drawn terms per outlet: one block (drawn × outlets), built at once
    sub = counts[counts["term"].isin(set(drawn))]
    if len(sub):
        wide = sub.pivot_table(index="term", columns=by, values="count", aggfunc="sum", fill_value=0)
        wide.columns = [str(c) for c in wide.columns]
        wide = wide.reindex(index=drawn, columns=all_outlets, fill_value=0)
    else:
        wide = pd.DataFrame(0, index=drawn, columns=all_outlets)
    head = pd.DataFrame({"term": drawn, "stance": stance.loc[drawn].to_numpy(),
                         "total": total.loc[drawn].to_numpy()})
    block = pd.DataFrame(wide.to_numpy().astype("int64"), columns=all_outlets)
    zs = pd.DataFrame({f"z:{name}": z.reindex(drawn).to_numpy(dtype=float) for name, z in zcols.items()},
                      index=range(len(drawn)))
    terms = pd.concat([head, block, zs], axis=1)
    lines, n_scanned = _sample_lines(corpus, groups, drawn, set(vocab), by=by, per_term=lines_per_term,
                                     totals=total.loc[drawn].to_numpy(),
                                     window=window, seed=seed)
    lines = _cap_bytes(lines, max_line_bytes)
    terms["lines"] = np.array([len(ls) for ls in lines], dtype="int64")
    t_end = time.perf_counter()
    tm = TermMap(terms=terms, outlets=all_outlets, comparisons=comparisons, lines=lines,
                 title=title or f"Term map: each {by} against {'the rest' if reference == 'rest' else reference[:60]}",
                 by=by)
    tm.stats = {"documents": len(corpus), "vocabulary": int(len(vocab)), "terms": len(drawn),
                "lines": int(sum(len(x) for x in lines)), "documents_scanned_for_lines": n_scanned,
                "words": {str(k): int(v) for k, v in words.items()},
                "seconds": {"count": t_counts - t0, "compare": t_compare - t_counts, "lines": t_end - t_compare,
                            "total": t_end - t0}}
    return tm


def _sample_lines(corpus, groups, drawn, known, *, by, per_term, window, seed, totals=None):
    """Up to ``per_term`` KWIC lines per drawn term, one per document, documents in a seeded random order.

    ``totals`` (occurrences of each term in the corpus): a term whose every occurrence has been seen
    needs no more documents, so the scan stops once no term can get another line."""
    from framing.text.morphology import strip_clitics
    from framing.text.normalization import normalize, offsets_array, original_span

    index = {t: i for i, t in enumerate(drawn)}
    n_words = {t.count(" ") + 1 for t in drawn}
    lines: list[list] = [[] for _ in drawn]
    if per_term == 0 or not drawn:
        return lines, 0
    need = set(range(len(drawn)))
    texts = corpus["text"].tolist()
    ids = corpus["doc_id"].astype(str).tolist() if "doc_id" in corpus.columns else [str(i) for i in range(len(corpus))]
    outlets = groups.tolist()
    order = np.random.default_rng(seed).permutation(len(texts))
    stem_cache: dict[str, str] = {}
    term_of: dict[str, int] = {}  # normalized token -> index of its drawn term (-1: none), unigram fast path
    prefixes = _proclitic_prefixes()
    occ = np.zeros(len(drawn), dtype=np.int64)  # occurrences seen while the term still needed lines

    def lookup(tok):
        # strip_clitics only removes a prefix (at most _MAX_PROCLITIC letters): a word none of whose
        # suffixes is a drawn term maps to none, without running the stemmer
        if not any(tok[:i] in prefixes and tok[i:] in index for i in range(min(len(tok), _MAX_PROCLITIC + 1))):
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
            toks = _WORD.findall(norm)
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
            get = term_of.get
            hits = [(i, i + 1, get(t)) for i, t in enumerate(toks) if t in wanted]
            norm2, offs = offsets_array(text, "search")  # the same text as normalize's, with offsets
            spans = [m.span() for m in _WORD.finditer(norm2)]
            if norm2 != norm:  # never expected; if the two paths ever differ, trust the one with offsets
                js = [term_of[t] if t in term_of else lookup(t) for t in _WORD.findall(norm2)]
                hits = [(i, i + 1, j) for i, j in enumerate(js) if j >= 0 and j in need]
        else:
            norm, offs = offsets_array(text, "search")
            spans = [m.span() for m in _WORD.finditer(norm)]
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
            left = _clip(text[left_start:a], 90, left=True)
            right = _clip(text[b:right_end], 90, left=False)
            lines[j].append((outlets[k], left, text[a:b], right, ids[k]))
            if len(lines[j]) >= per_term:
                need.discard(j)
                live.difference_update(toks_of.get(j, ()))
        if totals is not None:
            for j in seen_here:  # every occurrence of the term seen: no other document holds it
                if j in need and occ[j] >= totals[j]:
                    need.discard(j)
                    live.difference_update(toks_of.get(j, ()))
    return lines, scanned


def _proclitic_prefixes() -> frozenset:
    """Every prefix :func:`framing.text.morphology.strip_clitics` may remove ("" included)."""
    from framing.text.morphology import morphology

    m = morphology()
    out = {""}
    for c in ("",) + tuple(m.conjunctions):
        out.add(c + "لل")
        out.add(c + "ل")
        for p in ("",) + tuple(m.prepositions):
            out.update({c + p, c + p + m.article})
    return frozenset(p for p in out if len(p) <= _MAX_PROCLITIC)


def _clip(s: str, limit: int, *, left: bool) -> str:
    s = " ".join(s.split())
    if len(s) <= limit:
        return s
    return "…" + s[-limit:] if left else s[:limit] + "…"


def _cap_bytes(lines, max_bytes: int):
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
    for ls, s in zip(lines, sizes):
        if ls and used + s[0] <= max_bytes:
            out.append(ls[:1])
            used += s[0]
        else:
            out.append([])
    return out


def term_map_section(tm: TermMap, *, title: str = "Term map: which words each outlet uses more",
                     wrap: bool = True, block: str | None = None) -> str:
    """The report section (HTML) holding the interactive term map and how to read it.

    ``wrap=False``: without the ``<section>`` and its heading (for :class:`framing.output.report.Section`)."""
    from framing.output.report import escape

    text = ("Every word (normalized, proclitics stripped) is a point: across, how often it is used (log scale); "
            "up, how much more the chosen outlet uses it than the other side (z-score of the log-odds ratio with "
            "an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008; beyond ±1.96, the grey band, the "
            "difference is unlikely to be chance). Lexicon labels are coloured by stance, aliases black. Hover a "
            "point for its counts; click it for lines from the articles, in their own spelling. The menu "
            "chooses the outlet.")
    body = f'<p class="note">{escape(text)}</p>{block or tm.html()}'
    return f"<section><h2>{escape(title)}</h2>{body}</section>" if wrap else body
