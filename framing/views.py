"""Attention over time and the term map for ``framing analyze``: one extra pass over the corpus.

:func:`attention_and_term_map` reads the corpus batch by batch (the same reader and column mapping
as the analysis), leaves out the wire copies the analysis set aside (``wire_copies.parquet`` in the
output folder), sums additive attention counts, keeps the texts for the term map up to a size limit,
and returns tables, charts and ready HTML sections for the report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["attention_and_term_map", "Views", "TERMMAP_MAX_CHARS"]

#: the term map holds the texts in memory: above this many characters it is left out (with a note)
TERMMAP_MAX_CHARS = 400_000_000


@dataclass
class Views:
    tables: dict = field(default_factory=dict)  # name -> DataFrame
    charts: dict = field(default_factory=dict)  # name -> PNG path
    sections: list = field(default_factory=list)  # HTML strings
    notes: list = field(default_factory=list)  # (section, text)
    files: dict = field(default_factory=dict)  # name -> path (e.g. the standalone term map page)
    termmap_body: str = ""  # the term map section without its <section>/<h2> wrapper


def _slug(text) -> str:
    s = re.sub(r"[^\w]+", "_", str(text), flags=re.UNICODE).strip("_")
    return s[:60] or "referent"


def _skipped(out: Path) -> set:
    path = out / "wire_copies.parquet"
    if not path.exists():
        return set()
    import pandas as pd

    wc = pd.read_parquet(path)
    if not {"doc_id", "is_first"} <= set(wc.columns):
        return set()
    return set(wc.loc[~wc["is_first"].astype(bool), "doc_id"].astype(str))


def attention_and_term_map(corpus, lex, out, *, by: str = "outlet", freq: str | None = "MS", errors: str = "collect",
                           columns=None, batch_size: int = 5000, term_map: bool = True,
                           max_chars: int | None = None) -> Views:
    """Attention counts per outlet, period and referent, and the term map, for ``framing analyze``.

    ``max_chars``: texts held for the term map at most (default :data:`TERMMAP_MAX_CHARS`, read at call
    time: set ``framing.views.TERMMAP_MAX_CHARS = 0`` to leave the term map out of ``analyze``)."""
    import pandas as pd

    from framing.charts import save_figure
    from framing.corpus import iter_corpus
    from framing.coverage import (attention, attention_counts, attention_section, combine_attention,
                                  plot_attention, referent_labels)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    views = Views()
    if max_chars is None:
        max_chars = TERMMAP_MAX_CHARS
    term_map = term_map and max_chars > 0
    skip = _skipped(out)
    parts, texts, chars, too_big = [], [], 0, False
    has_dates = False
    for batch in iter_corpus(corpus, batch_size=batch_size, errors=errors, columns=columns):
        if not len(batch) or by not in batch.columns:
            continue
        if skip and "doc_id" in batch.columns:
            batch = batch[~batch["doc_id"].astype(str).isin(skip).to_numpy()]
            if not len(batch):
                continue
        dated = "date" in batch.columns and batch["date"].notna().any()
        has_dates = has_dates or dated
        if lex.referents:
            parts.append(attention_counts(batch, lexicon=lex, by=by, freq=freq if "date" in batch.columns else None))
        if term_map and not too_big:
            chars += int(batch["text"].str.len().sum())
            if chars > max_chars:
                too_big, texts = True, []
            else:
                keep = [c for c in ("doc_id", by, "text") if c in batch.columns]
                texts.append(batch[keep].reset_index(drop=True))
    if parts:
        counts = combine_attention(*parts)
        if "period" in counts.columns and not has_dates:
            counts = counts.drop(columns="period").groupby([by, "referent"], sort=True)[
                ["n_docs", "n_mentioning"]].sum().reset_index()
        att = attention(counts)
        if "period" in att.columns and freq is not None:
            from framing.coverage import _outside_validity

            att = _outside_validity(att, lex, freq)
        att.attrs["referent_labels"] = referent_labels(lex)
        att.attrs["freq"] = freq if "period" in att.columns else None
        views.tables["attention"] = att
        figures = []
        for referent in att["referent"].unique():
            sub = att[att["referent"] == referent]
            if sub["n_mentioning"].sum() == 0:
                continue
            fig, _ = plot_attention(att, referent=referent, min_docs=5)
            path = out / f"attention_{_slug(referent)}.png"
            save_figure(fig, path)
            fig.clear()
            views.charts[f"attention_{_slug(referent)}"] = path
            figures.append((f"attention: {referent}", path))
        if not figures:
            views.notes.append(("Attention", "No document names any referent of the lexicon: no attention chart."))
        views.sections.append(attention_section(att, figures))
    else:
        views.notes.append(("Attention", "The lexicon has no referents: attention is not computed."))
    if term_map:
        if too_big:
            views.notes.append(("Term map", f"The corpus holds more than {max_chars:,} characters of text: the term "
                                "map is left out (build it on a sample with framing.termmap.term_map)."))
        elif texts:
            frame = pd.concat(texts, ignore_index=True)
            if frame[by].nunique() >= 2:
                from framing.termmap import term_map as build, term_map_section

                tm = build(frame, by=by, lexicon=lex)
                views.sections.append(term_map_section(tm))
                views.termmap_body = term_map_section(tm, wrap=False)
                views.files["termmap"] = tm.save(out / "termmap.html")
            else:
                views.notes.append(("Term map", f"Only one {by}: the term map compares two or more."))
    return views


ATTENTION_TEXT = (
    "Share of each {by}'s documents that name the referent at least once (one of its aliases, or a label "
    "attached to it; in any voice, quotations included), out of all its documents{period}, wire copies set "
    "aside. Framing shares say how an actor is named; attention says how much it is covered: read a shift in "
    "framing next to the coverage it rests on. Bands and whiskers: {level}% Wilson score intervals (documents as "
    "independent draws). Panels: one per {by}, grey dashed line = all the other {by}s pooled.")


def report_sections(ctx) -> list:
    """Report sections for :data:`framing.pipeline.REPORT_SECTIONS`: attention over time and the term map.

    Writes ``attention.csv``/``.parquet``, ``attention_<referent>.png`` and ``termmap.html`` into the
    output folder and records them in ``ctx.result``.
    """
    from framing._io import write_table
    from framing.coverage import attention_table
    from framing.report import Section

    corpus = getattr(ctx, "corpus", None)
    read = dict(getattr(ctx, "read", None) or {})
    if corpus is None:
        return [Section("Attention and term map", "", notes=["not computed: the corpus path was not passed "
                                                              "to the report builders"])]
    out = ctx.result.out
    views = attention_and_term_map(corpus, ctx.lexicon, out, by=ctx.by, freq=ctx.freq,
                                   **{k: v for k, v in read.items() if k in ("errors", "columns", "batch_size")})
    notes = {}
    for where, text in views.notes:
        notes.setdefault(where, []).append(text)
    sections = []
    att = views.tables.get("attention")
    if att is not None:
        ctx.result.tables["attention"] = write_table(att, out / "attention")
        ctx.result.charts.update(views.charts)
        freq = att.attrs.get("freq")
        text = ATTENTION_TEXT.format(by=ctx.by, period=f" in each period ({freq})" if freq else "",
                                     level=int(round(100 * float(att.attrs.get("ci", 0.95)))))
        sections.append(Section("Attention: how much each outlet covers each referent", text,
                                figures=[(f"attention: {n[len('attention_'):]}", p) for n, p in views.charts.items()],
                                tables=[("attention over the whole span", attention_table(att))],
                                notes=notes.get("Attention", [])))
    elif notes.get("Attention"):
        sections.append(Section("Attention", "", notes=notes["Attention"]))
    if "termmap" in views.files:
        ctx.result.tables["termmap"] = [views.files["termmap"]]
        sections.append(Section("Term map: which words each outlet uses more", "", html=views.termmap_body))
    elif notes.get("Term map"):
        sections.append(Section("Term map", "", notes=notes["Term map"]))
    return sections
