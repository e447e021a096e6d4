"""Attention over time and the term map for ``framing analyze``.

Inside ``analyze`` the pipeline's extraction pass feeds a :class:`Collector` batch by batch (the wire
copies already left out, and the batch's matches in every voice with aliases, from the one matching
pass the analysis makes), so the corpus is neither read nor matched a second time.
:func:`attention_and_term_map` is the stand-alone route: it reads the corpus batch by batch (the same
reader and column mapping as the analysis), leaves out the wire copies the analysis set aside, and
feeds the same collector.

Cost is linear in documents and outlets: attention counts are additive long tables (one row per
outlet, period and referent); charts draw only the ``top`` outlets (the rest stay in
``attention.csv``); the term map compares only the ``top`` outlets, each against all the others, with
the other outlets pooled into one column (each comparison is unchanged by the pooling: the rest is
the rest), so its table has at most ``top + 1`` count columns whatever the number of outlets.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from framing.analyses.coverage import (
    ATTENTION_KINDS,
    attention,
    attention_counts,
    combine_attention,
    outside_validity,
    referent_labels,
)
from framing.analyses.termmap import term_map
from framing.corpus.reader import iter_corpus
from framing.features.extract import extract_matches
from framing.lexicon.load import as_lexicon
from framing.output.attention import attention_section, attention_table, plot_attention
from framing.output.charts import save_figure
from framing.output.files import write_table
from framing.output.names import slug
from framing.output.report import Section, escape
from framing.output.termmap_html import save_termmap, term_map_section, termmap_block
from framing.output.textsample import TextSample
from framing.vocabulary import DEFAULT_VOICE

log = logging.getLogger(__name__)

__all__ = ["attention_and_term_map", "report_sections", "Views", "Note", "Collector", "own_matches",
           "TERMMAP_MAX_CHARS", "TERMMAP_SAMPLE_CHARS", "ATTENTION_MATCH_KINDS"]

#: above this many characters of text the term map is left out (with a note); 0 leaves it out always
TERMMAP_MAX_CHARS = 400_000_000
#: above this many characters the term map of ``analyze`` is built on a seeded random sample of documents
#: of at most this size, drawn as the corpus streams past (so the texts held stay bounded: at most about
#: 1.5 times this; a note says so); ``framing.analyses.termmap.term_map`` on the corpus maps all of it
TERMMAP_SAMPLE_CHARS = 20_000_000
#: the match kinds (every voice) the collector needs from the extraction pass
ATTENTION_MATCH_KINDS = ("category", "label", "alias")


class Note(NamedTuple):
    """A line for the report: the section it belongs to ("Attention", "Term map") and what it says."""

    section: str
    text: str


@dataclass
class Views:
    """What :meth:`Collector.views` made: tables, PNG charts, HTML sections, notes and files."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # name -> DataFrame
    charts: dict[str, Path] = field(default_factory=dict)  # name -> PNG path
    sections: list[str] = field(default_factory=list)  # HTML strings
    notes: list[Note] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # name -> path (e.g. the standalone term map page)
    termmap_body: str = ""  # the term map section without its <section>/<h2> wrapper
    shown: list[str] = field(default_factory=list)  # the outlets charted (all of them when top is None)
    n_outlets: int = 0


def _skipped(out: Path) -> set[str]:
    path = out / "wire_copies.parquet"
    if not path.exists():
        return set()
    wc = pd.read_parquet(path)
    if not {"doc_id", "is_first"} <= set(wc.columns):
        return set()
    return set(wc.loc[~wc["is_first"].astype(bool), "doc_id"].astype(str))


def own_matches(every: pd.DataFrame) -> pd.DataFrame:
    """From ``extract_matches(batch, lex, voice="all", kinds=ATTENTION_MATCH_KINDS)``: exactly what
    ``extract_matches(batch, lex)`` returns (categories and labels in the default voice), so one matching
    pass serves the matches table and attention."""
    keep = (every["kind"] != "alias").to_numpy() & (every["voice"] == DEFAULT_VOICE).to_numpy()
    m = every[keep].reset_index(drop=True)
    m.attrs = {**every.attrs, "voice": DEFAULT_VOICE}
    return m


class Collector:
    """What attention and the term map need, gathered batch by batch (additive counts, texts up to a cap).

    ``add(batch, matches)``: ``batch`` is a corpus batch already without wire copies; ``matches`` its
    ``extract_matches(batch, lexicon, voice="all", kinds=ATTENTION_MATCH_KINDS)`` (or ``None`` to match
    here). :meth:`views` turns what was gathered into tables, charts and report sections.
    """

    def __init__(self, lexicon: Any, *, by: str = "outlet", freq: str | None = "MS", term_map: bool = True,
                 max_chars: int | None = None, sample_chars: int | None = None) -> None:
        self.lex = as_lexicon(lexicon)
        self.by, self.freq = by, freq
        self.max_chars = TERMMAP_MAX_CHARS if max_chars is None else max_chars
        self.term_map = term_map and self.max_chars > 0
        self.sample_chars = TERMMAP_SAMPLE_CHARS if sample_chars is None else sample_chars
        self.parts: list[pd.DataFrame] = []  # attention counts per batch
        # doc_id, by and text of the documents for the term map: a sample bounded by sample_chars
        self.texts = TextSample(self.sample_chars)
        self.chars, self.too_big, self.has_dates = 0, False, False
        self.n_docs = 0

    def add(self, batch: pd.DataFrame, matches: pd.DataFrame | None = None) -> None:
        by = self.by
        if not len(batch) or by not in batch.columns:
            return
        self.n_docs += len(batch)
        self.has_dates = self.has_dates or bool("date" in batch.columns and batch["date"].notna().any())
        if self.lex.referents:
            if matches is None:  # the stand-alone route: this batch is matched here
                matches = extract_matches(batch, self.lex, kinds=ATTENTION_KINDS, voice="all")
            self.parts.append(attention_counts(batch, matches, lexicon=self.lex, by=by,
                                               freq=self.freq if "date" in batch.columns else None))
        if self.term_map and not self.too_big:
            self.chars += int(batch["text"].str.len().sum())
            if self.chars > self.max_chars:
                self.too_big, self.texts = True, TextSample(self.sample_chars)
            else:
                self.texts.add(batch[[c for c in ("doc_id", by, "text") if c in batch.columns]])

    def views(self, out: str | os.PathLike[str], *, top: Iterable[object] | None = None) -> Views:
        """Tables, charts (``top`` outlets only; ``None``: every outlet) and report sections."""
        return _views(self, Path(out), top=top)


def attention_and_term_map(corpus: str | Path, lex: Any, out: str | os.PathLike[str], *,
                           by: str = "outlet", freq: str | None = "MS", errors: str = "collect",
                           columns: dict[str, str] | None = None, batch_size: int = 5000, term_map: bool = True,
                           max_chars: int | None = None, top: Iterable[object] | None = None,
                           skip: Iterable[object] | None = None, reader_warnings: bool = True) -> Views:
    """Attention counts per outlet, period and referent, and the term map, for ``framing analyze``.

    Reads the corpus once more (``analyze`` itself feeds a :class:`Collector` from its own pass
    instead). ``max_chars``: texts held for the term map at most (default :data:`TERMMAP_MAX_CHARS`,
    read at call time: set ``framing.output.views.TERMMAP_MAX_CHARS = 0`` to leave the term map out of
    ``analyze``). ``top``: the outlets charted and compared in the term map (``None``: all).
    ``skip``: doc_ids to leave out (default: the later wire copies in ``out/wire_copies.parquet``).
    ``reader_warnings=False``: the reader's warnings about the corpus (skipped files, repaired text) are not
    given again (the report of ``analyze``, which gave them when it read the corpus)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    col = Collector(lex, by=by, freq=freq, term_map=term_map, max_chars=max_chars)
    left_out = _skipped(folder) if skip is None else {str(x) for x in skip}
    batches = iter(iter_corpus(corpus, batch_size=batch_size, errors=errors, columns=columns))
    while True:
        with warnings.catch_warnings():
            if not reader_warnings:
                warnings.simplefilter("ignore")
            batch = next(batches, None)
        if batch is None:
            break
        if left_out and "doc_id" in batch.columns and len(batch):
            col.add(batch[~batch["doc_id"].astype(str).isin(left_out).to_numpy()])
        else:
            col.add(batch)
    return col.views(folder, top=top)


def _views(col: Collector, out: Path, *, top: Iterable[object] | None = None) -> Views:
    from matplotlib.figure import Figure

    out.mkdir(parents=True, exist_ok=True)
    views, by, freq, lex = Views(), col.by, col.freq, col.lex
    if col.parts:
        counts = combine_attention(*col.parts)
        if "period" in counts.columns and not col.has_dates:
            counts = counts.drop(columns="period").groupby([by, "referent"], sort=True)[
                ["n_docs", "n_mentioning"]].sum().reset_index()
        att = attention(counts)
        if "period" in att.columns and freq is not None:
            att = outside_validity(att, lex, freq)
        att.attrs["referent_labels"] = referent_labels(lex)
        att.attrs["freq"] = freq if "period" in att.columns else None
        views.tables["attention"] = att
        outlets = sorted(att[by].astype(str).unique())
        shown = outlets if top is None else [o for o in dict.fromkeys(map(str, top)) if o in set(outlets)]
        if top is not None and not shown:  # no outlet with labels: the outlets with most documents
            docs = att.groupby(att[by].astype(str))["n_docs"].max().sort_values(ascending=False, kind="stable")
            shown = list(docs.index[:max(len(list(top)), 1)]) if list(top) else list(docs.index[:12])
        views.shown, views.n_outlets = list(shown), len(outlets)
        figures: list[tuple[str, Path]] = []
        for referent in att["referent"].unique():
            sub = att[att["referent"] == referent]
            if sub["n_mentioning"].sum() == 0:
                continue
            fig, _ = plot_attention(att, referent=referent, min_docs=5,
                                    outlets=None if len(shown) == len(outlets) else shown)
            assert isinstance(fig, Figure)  # drawn on a figure of its own (no ax=)
            name = f"attention_{slug(referent, 'referent')}"
            path = out / f"{name}.png"
            save_figure(fig, path, tight=fig.get_layout_engine() is None)  # constrained layout fits already
            fig.clear()
            views.charts[name] = path
            figures.append((f"attention: {referent}", path))
        if not figures:
            views.notes.append(Note("Attention",
                                    "No document names any referent of the lexicon: no attention chart."))
        elif len(shown) < len(outlets):
            what = "outlets" if by == "outlet" else f"{by} values"
            views.notes.append(Note("Attention", f"Charts show {len(shown)} of {len(outlets):,} {what} (those with "
                                    "most labels), each against all the others pooled; every one is in attention.csv."))
        views.sections.append(attention_section(att, figures))
    else:
        views.notes.append(Note("Attention", "The lexicon has no referents: attention is not computed."))
    if col.term_map:
        if col.too_big:
            views.notes.append(Note("Term map", f"The corpus holds more than {col.max_chars:,} characters of text: the "
                                "term map is left out (build it on a sample with framing.analyses.termmap.term_map)."))
        elif col.texts.n_docs:
            frame = col.texts.frame()
            if col.texts.sampled:
                views.notes.append(Note("Term map", f"The term map is built on a random sample of {len(frame):,} of "
                                        f"{col.texts.n_docs:,} documents ({col.texts.kept_chars / 1e6:.1f} of "
                                        f"{col.texts.n_chars / 1e6:.1f} million characters; "
                                        "framing.output.views.TERMMAP_SAMPLE_CHARS, drawn as the corpus is read so "
                                        "that memory stays bounded): its counts, z-scores and lines are of the "
                                        "sample. framing.analyses.termmap.term_map maps a whole corpus."))
            col.texts = TextSample(col.sample_chars)
            _term_map(frame, by, lex, out, views, top)
    return views


def _term_map(frame: pd.DataFrame, by: str, lex: Any, out: Path, views: Views,
              top: Iterable[object] | None) -> None:
    """The term map of ``frame``: the ``top`` outlets compared, each against all the others; outlets
    beyond ``top`` pooled into one column (exact for these comparisons, bounded in width)."""
    groups = frame[by].astype(str)
    n_outlets = groups.nunique()
    if n_outlets < 2:
        views.notes.append(Note("Term map", f"Only one {by}: the term map compares two or more."))
        return
    chosen: list[str] | None = None
    if top is not None:
        present = set(groups.unique())
        chosen = [o for o in dict.fromkeys(map(str, top)) if o in present]
        if not chosen:  # no outlet with labels: the outlets with most documents
            chosen = list(groups.value_counts(sort=True).index[:max(len(list(top)), 1) if list(top) else 12])
        if len(chosen) < n_outlets:
            others = n_outlets - len(chosen)
            what = "outlets" if by == "outlet" else f"{by} values"
            pooled = f"({others:,} other {what})"
            while pooled in present:
                pooled = f"({pooled})"
            frame = frame.assign(**{by: np.where(groups.isin(set(chosen)).to_numpy(), groups.to_numpy(), pooled)})
            views.notes.append(Note("Term map", f"The term map compares the {len(chosen)} {what} with most labels, "
                                    f"each against all the others; the other {others:,} are pooled as {pooled}."))
    tm = term_map(frame, by=by, lexicon=lex, outlets=chosen)
    block = termmap_block(tm)
    views.termmap_body = term_map_section(tm, wrap=False, block=block)
    views.sections.append(f"<section><h2>{escape('Term map: which words each outlet uses more')}</h2>"
                          f"{views.termmap_body}</section>")
    views.files["termmap"] = save_termmap(tm, out / "termmap.html", block=block)


ATTENTION_TEXT = (
    "Share of each {by}'s documents that name the referent at least once (one of its aliases, or a label "
    "attached to it; in any voice, quotations included), out of all its documents{period}, wire copies set "
    "aside. Framing shares say how an actor is named; attention says how much it is covered: read a shift in "
    "framing next to the coverage it rests on. Bands and whiskers: {level}% Wilson score intervals (documents as "
    "independent draws). Panels: one per {by} charted (those with most labels; every {by} is in attention.csv), "
    "grey dashed line = all the other {by}s pooled.")


def _whole_span(att: pd.DataFrame, views: Views, by: str) -> tuple[str, pd.DataFrame]:
    """The report's attention table: the charted outlets over the whole span (all rows in attention.csv)."""
    tab = attention_table(att)
    if views.shown and len(views.shown) < views.n_outlets and by in tab.columns:
        tab = tab[tab[by].astype(str).isin(set(views.shown))]
        return (f"attention over the whole span, the {len(views.shown)} charted outlets "
                f"(all {views.n_outlets:,} in attention.csv)", tab.reset_index(drop=True))
    return ("attention over the whole span", tab)


def report_sections(ctx: Any) -> list[Section]:
    """Report sections for :data:`framing.pipeline.analyze.REPORT_SECTIONS`: attention over time and the term map.

    Writes ``attention.csv``/``.parquet``, ``attention_<referent>.png`` and ``termmap.html`` into the
    output folder and records them in ``ctx.result``.  ``ctx`` is the pipeline's report context
    (:class:`framing.pipeline.analyze.ReportContext`).
    """
    corpus = getattr(ctx, "corpus", None)
    read = dict(getattr(ctx, "read", None) or {})
    collected = getattr(ctx, "collected", None)  # gathered during the pipeline's extraction pass
    top = list(getattr(ctx, "top", None) or [])
    out = ctx.result.out
    if collected is not None:
        views = collected.views(out, top=top)
    elif corpus is None:
        return [Section("Attention and term map", "", notes=["not computed: the corpus path was not passed "
                                                              "to the report builders"])]
    else:  # no pass to reuse (e.g. the Dask route): read the corpus once more, copies left out
        copies = getattr(ctx, "copies", None)
        views = attention_and_term_map(corpus, ctx.lexicon, out, by=ctx.by, freq=ctx.freq, top=top,
                                       skip=copies if copies else None, reader_warnings=False,
                                       **{k: v for k, v in read.items() if k in ("errors", "columns", "batch_size")})
    notes: dict[str, list[str]] = {}
    for where, text in views.notes:
        notes.setdefault(where, []).append(text)
    sections: list[Section] = []
    att = views.tables.get("attention")
    if att is not None:
        ctx.result.tables["attention"] = write_table(att, out / "attention")
        ctx.result.charts.update(views.charts)
        freq = att.attrs.get("freq")
        text = ATTENTION_TEXT.format(by=ctx.by, period=f" in each period ({freq})" if freq else "",
                                     level=round(100 * float(att.attrs.get("ci", 0.95))))
        sections.append(Section("Attention: how much each outlet covers each referent", text,
                                figures=[(f"attention: {n[len('attention_'):]}", p) for n, p in views.charts.items()],
                                tables=[_whole_span(att, views, ctx.by)],
                                notes=notes.get("Attention", [])))
    elif notes.get("Attention"):
        sections.append(Section("Attention", "", notes=notes["Attention"]))
    if "termmap" in views.files:
        ctx.result.tables["termmap"] = [views.files["termmap"]]
        sections.append(Section("Term map: which words each outlet uses more", "", html=views.termmap_body,
                                notes=notes.get("Term map", [])))
    elif notes.get("Term map"):
        sections.append(Section("Term map", "", notes=notes["Term map"]))
    return sections
