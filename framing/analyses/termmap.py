"""An interactive term map (what scattertext is loved for, done for Arabic): the data.

Every word of the corpus (normalized with the ``search`` profile and stripped of proclitics, as
:func:`framing.term_counts` counts them) is a point: x = how often the two sides use it (log scale),
y = how much more one outlet uses it than the other side (the z-score of Monroe et al.'s log-odds
with an informative Dirichlet prior, from :func:`framing.compare_outlets`).  Lexicon labels are
coloured by stance, aliases in black.  Hovering shows the term and its counts; clicking shows
keyword-in-context lines for it, in the outlet's original spelling, right to left.

:func:`term_map` builds the data (a :class:`TermMap`); the lines are sampled ahead of time by
:mod:`framing.analyses.termlines` (documents in a seeded random order, at most one line per term and
document), capped per term and in total bytes.  The HTML (one self-contained block: JSON data, inline
style and script, no network) is made by :mod:`framing.output.termmap_html`, through
:meth:`TermMap.html`, :meth:`TermMap.page` and :meth:`TermMap.save`; ``term_map_section`` is still
importable from here.

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

import logging
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from framing.analyses.termlines import WORD, TermLine, cap_bytes, sample_lines
from framing.analyses.termmap_counts import count_words, counts_from_table, log_odds_z
from framing.errors import FramingError
from framing.features.terms import all_term_counts
from framing.lexicon.load import as_lexicon
from framing.text.morphology import inflected_forms, strip_clitics
from framing.text.normalization import normalize

logger = logging.getLogger(__name__)

#: a term with a letter (not only digits, underscores or punctuation) can be drawn
_LETTER = re.compile(r"[^\W\d_]")

# term_map_section and STANCE_CODES are given too (module __getattr__, from framing.output.termmap_html)
__all__ = ["term_map", "TermMap", "Comparison"]

#: names that moved to :mod:`framing.output.termmap_html`, still given here
_OUTPUT_NAMES = ("term_map_section", "STANCE_CODES")


def __getattr__(name: str) -> Any:
    """``term_map_section`` and ``STANCE_CODES`` from :mod:`framing.output.termmap_html`, imported on first use."""
    if name in _OUTPUT_NAMES:
        from framing.output import termmap_html

        return getattr(termmap_html, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Comparison(NamedTuple):
    """One comparison of the map: its name (``z:<name>`` column), the outlet and what it is compared with."""

    name: str
    outlet: str
    reference: str


@dataclass(repr=False)
class TermMap:
    """The data of a term map; its HTML through :meth:`html` (Jupyter shows it), :meth:`page`, :meth:`save`.

    ``terms``: one row per term drawn: ``term``, ``stance`` ("" for a plain word), ``total``, one
    count column per outlet, ``z:<comparison>`` per comparison, ``lines`` (KWIC lines held).
    ``comparisons``: :class:`Comparison` (name, outlet, reference); ``lines``: per term, a list of
    :class:`~framing.analyses.termlines.TermLine` ``(outlet, left, keyword, right, doc_id)``.
    ``stats``: timings and sizes.
    """

    terms: pd.DataFrame
    outlets: list[str]
    comparisons: list[Comparison]
    lines: list[list[TermLine]]
    title: str = "Term map"
    by: str = "outlet"
    stats: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The JSON data the map's script draws (:func:`framing.output.termmap_html.payload`)."""
        from framing.output.termmap_html import payload

        return payload(self)

    def html(self) -> str:
        """A self-contained block (``<div>``, ``<style>``, JSON data and inline script) for any page."""
        from framing.output.termmap_html import termmap_block

        return termmap_block(self)

    def page(self, block: str | None = None) -> str:
        """A whole HTML page holding only the term map (``block``: a :meth:`html` already built, reused)."""
        from framing.output.termmap_html import termmap_page

        return termmap_page(self, block)

    def save(self, path: str | Path, block: str | None = None) -> Path:
        """Write :meth:`page` atomically; returns the path."""
        from framing.output.termmap_html import save_termmap

        return save_termmap(self, path, block)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:  # short and stable (no timings): Jupyter stores it beside the HTML
        return (f"TermMap({self.title!r}: {len(self.terms)} terms, {len(self.outlets)} {self.by}s, "
                f"{len(self.comparisons)} comparisons, {sum(len(x) for x in self.lines)} lines)")


# --------------------------------------------------------------------------- building


def _label_stances(lexicon):
    """Lexicon labels and aliases as counted words: (form -> stance, [(prefix, stance)] for glob terms).

    Each entry's normalized forms are inflected (plural, dual, feminine endings, as the matcher does)
    and stripped of proclitics, so «ميليشيات» is coloured as the label «ميليشيا» is."""
    lex = as_lexicon(lexicon)
    found: dict[str, set] = {}
    prefixes: list = []

    def add(text, what, inflect):
        glob = text.endswith("*")
        words = [strip_clitics(w) for w in WORD.findall(normalize(text.rstrip("*"), profile="search"))]
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


def _texts(column: pd.Series, batch: int = 2000):
    """The texts of a column a batch at a time: never all of them as Python strings at once (a column of
    the ``str`` dtype holds them as UTF-8, a third of the size)."""
    for start in range(0, len(column), batch):
        yield from column.iloc[start:start + batch].tolist()


def term_map(corpus, *, by: str = "outlet", outlets=None, reference="rest", lexicon=None,
             max_terms: int = 3000, min_count: int = 5, ngram_range=(1, 1), stopwords: bool = False,
             lines_per_term: int = 4, window: int = 6, max_line_bytes: int = 2_500_000, seed: int = 0,
             title: str | None = None) -> TermMap:
    """Build an interactive term map of a corpus.

    Parameters
    ----------
    corpus : pandas.DataFrame
        ``text``, the ``by`` column, and ``doc_id`` (else the index).  *Deprecated*: a corpus path,
        read here with :func:`framing.read_corpus`, with a :class:`DeprecationWarning`; read it first.
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
    t0 = time.perf_counter()
    if isinstance(corpus, (str, bytes)) or hasattr(corpus, "__fspath__"):
        warnings.warn("term_map: passing a corpus path (read here) is deprecated; read it first: "
                      "term_map(framing.read_corpus(path))", DeprecationWarning, stacklevel=2)
        from framing.corpus.reader import read_corpus

        corpus = read_corpus(corpus)
    if not isinstance(corpus, pd.DataFrame) or "text" not in corpus.columns:
        raise FramingError("term_map: expected a corpus DataFrame with a 'text' column")
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

    # every word counted per group as a sparse matrix over int ids (termmap_counts: no long table of strings,
    # no token lists); the columns are all_outlets, so an outlet without words is a column of zeros
    codes = pd.Index(all_outlets).get_indexer(groups)
    if tuple(ngram_range) == (1, 1):
        ids = corpus["doc_id"].tolist() if "doc_id" in corpus.columns else None
        wc = count_words(_texts(corpus["text"]), codes, len(all_outlets), ids)
    else:
        long = all_term_counts(corpus[["text"]].assign(**{by: groups}), [by], ngram_range=ngram_range)
        wc = counts_from_table(long, by, all_outlets)
        del long
    vocab, matrix = wc.terms, wc.matrix
    del wc
    t_counts = time.perf_counter()
    total = np.asarray(matrix.sum(axis=1)).ravel().astype("int64")  # per term, in sorted term order
    single = np.fromiter((" " not in t for t in vocab), dtype=bool, count=len(vocab))
    per_outlet = np.asarray(matrix[single].sum(axis=0)).ravel()
    words = {o: int(n) for o, n in zip(all_outlets, per_outlet, strict=True) if n > 0}
    forms, prefixes = _label_stances(lexicon) if lexicon is not None else ({}, [])
    stance = [_stance_of(t, forms, prefixes) for t in vocab] if forms or prefixes else None
    letters = np.fromiter((_LETTER.search(t) is not None for t in vocab), dtype=bool, count=len(vocab))
    keep = letters & (total >= min_count)
    if stopwords:
        from framing.reading.concordance import default_stopwords
        from framing.text.normalization import normalize

        stop = {normalize(w, profile="search") for w in default_stopwords()}
        keep &= np.fromiter((t not in stop for t in vocab), dtype=bool, count=len(vocab))
    ranked = np.flatnonzero(keep)
    ranked = ranked[np.argsort(-total[ranked], kind="mergesort")]  # most used first, ties in term order
    top = ranked[:max_terms]
    labelled = np.zeros(len(vocab), dtype=bool)
    if stance is not None:
        labelled[[i for i, s in enumerate(stance) if s]] = True
    labelled[top] = False
    rows = np.concatenate([top, np.flatnonzero(labelled & (total > 0) & letters)]).astype(np.int64)
    drawn = [str(t) for t in vocab[rows]]
    # comparisons: log-odds z of the drawn terms, on the full vocabulary (the prior uses every term)
    comparisons: list[Comparison] = []
    zcols: dict[str, np.ndarray] = {}
    for o in chosen:
        name = f"{o} vs {'rest' if reference == 'rest' else reference}"
        comparisons.append(Comparison(name, o, reference))
        zcols[name] = log_odds_z(matrix, rows, all_outlets.index(o),
                                 None if reference == "rest" else all_outlets.index(reference), all_outlets, by)
    t_compare = time.perf_counter()
    head = pd.DataFrame({"term": drawn, "stance": [stance[i] for i in rows] if stance is not None else [""] * len(rows),
                         "total": total[rows]})
    block = pd.DataFrame(matrix[rows].toarray().astype("int64"), columns=all_outlets)
    zs = pd.DataFrame({f"z:{name}": z for name, z in zcols.items()}, index=range(len(drawn)))
    terms = pd.concat([head, block, zs], axis=1)
    n_vocab = len(vocab)
    known = set(vocab)
    del matrix, vocab, stance, single, letters, keep, labelled
    sampled = sample_lines(corpus, groups, drawn, known, by=by, per_term=lines_per_term,
                           totals=total[rows], window=window, seed=seed)
    del known
    lines = cap_bytes(sampled.lines, max_line_bytes)
    terms["lines"] = np.array([len(ls) for ls in lines], dtype="int64")
    t_end = time.perf_counter()
    tm = TermMap(terms=terms, outlets=all_outlets, comparisons=comparisons, lines=lines,
                 title=title or f"Term map: each {by} against {'the rest' if reference == 'rest' else reference[:60]}",
                 by=by)
    tm.stats = {"documents": len(corpus), "vocabulary": n_vocab, "terms": len(drawn),
                "lines": sum(len(x) for x in lines), "documents_scanned_for_lines": sampled.scanned,
                "words": words,
                "seconds": {"count": t_counts - t0, "compare": t_compare - t_counts, "lines": t_end - t_compare,
                            "total": t_end - t0}}
    return tm
