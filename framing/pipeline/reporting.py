"""The report of a run: ``report.html`` with the tables, charts and notes, in one self-contained file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from framing.output.report import Section, write_report
from framing.pipeline.config import AnalysisConfig
from framing.pipeline.figures import Charts
from framing.pipeline.result import AnalysisResult, Note
from framing.pipeline.sections import ReportContext, SectionBuilder, extra_sections
from framing.pipeline.statistics import Statistics
from framing.vocabulary import STANCES

__all__ = ["write_analysis_report", "interval_text", "change_table", "report_rows", "caption", "alt_text"]

_FIXED_CAPTIONS = {"label_shares": "Label shares per outlet and referent", "who_gets_called_what":
                   "Who gets called what: stance shares per referent", "outlet_distance": "Distance between outlets",
                   "category_rates": "Category terms per 10,000 words"}


def interval_text(table: Any, what: str = "whiskers") -> str:
    """How a table's intervals were computed, as the report says it (from its ``attrs``)."""
    attrs = getattr(table, "attrs", {}) or {}
    ci = attrs.get("ci", 0.95)
    method = attrs.get("method", "bootstrap")
    if method == "bootstrap":
        how = "percentile bootstrap over documents"
    elif method == "wilson":
        how = "Wilson score interval per period (labels treated as independent)"
    else:
        how = f"{method} interval"
    return f"{what}: {ci:.0%} intervals, {how}"


def change_table(cps: pd.DataFrame) -> pd.DataFrame:
    """Change-points as the report shows them: who, when, and the largest stance shift."""
    if not len(cps):
        return cps
    short = {"delegitimizing": "delegit.", "neutral": "neutral", "legitimizing": "legit."}
    fixed = {"referent", "date", "stance_before", "stance_after", "n_before", "n_after", "shift", "lr"}
    groups = [c for c in cps.columns if c not in fixed and ":" not in c]
    rows = []
    for _, r in cps.iterrows():
        best = max(STANCES, key=lambda s: abs(r[f"share_after:{s}"] - r[f"share_before:{s}"]))
        rows.append({**{g: r[g] for g in groups}, "referent": r["referent"], "from": r["date"],
                     "largest change": f"{short[best]} {r[f'share_before:{best}']:.0%} → "
                                       f"{r[f'share_after:{best}']:.0%}",
                     "labels before": r["n_before"], "labels after": r["n_after"], "LR": r["lr"]})
    return pd.DataFrame(rows)


def report_rows(df: pd.DataFrame, by: str, order: list[str]) -> pd.DataFrame:
    """A table as the report shows it: outlets with most labels first; rows without any label left
    out (they stay in the CSV/Parquet tables)."""
    attrs = dict(df.attrs)
    if "total" in df.columns:
        df = df[df["total"] > 0]
    elif "count" in df.columns and "category" in df.columns:
        df = df[df["count"] > 0]
    if by in df.columns and order:
        rank = pd.Series(range(len(order)), index=order)
        df = df.assign(_rank=df[by].astype(str).map(rank)).sort_values("_rank", kind="stable").drop(columns="_rank")
    df = df.reset_index(drop=True)
    df.attrs = attrs
    return df


def caption(name: str, charts: Charts) -> str:
    """The caption under a chart in the report."""
    if name in charts.captions:
        return charts.captions[name]
    if name.startswith("trends_"):
        return f"Over time: {name[7:].replace('_', ' ')}"
    return _FIXED_CAPTIONS.get(name, name.replace("_", " "))


def alt_text(name: str, st: Statistics, charts: Charts, by: str) -> str:
    """Alt text for a chart: what it shows and its interval method."""
    if name == "label_shares":
        return ("Bar chart: share of delegitimizing, neutral and legitimizing labels per referent and "
                f"{by}; " + interval_text(st.tables.get("label_shares"), "whiskers") + ".")
    if name == "who_gets_called_what":
        return f"Heatmap per {by}: referents by stance, cells are label shares (no intervals)."
    if name.startswith("trends_"):
        shown = charts.shown.get(name, name[7:].replace("_", " "))
        return (f"Small multiples, one panel per {by}: stance shares per period for {shown}; "
                + interval_text(st.tables.get("trends"), "bands") + "; dashed lines are change-points.")
    if name.startswith("fightin_words_"):
        return (f"Fightin' Words scatter for {name[14:].replace('_', ' ')}: z-score of the log-odds ratio "
                "against term frequency; labelled terms differ beyond ±1.96 (no intervals).")
    if name == "category_rates":
        return (f"Dot chart per category: terms per 10,000 words for each {by}; whiskers: 95% exact Poisson "
                "intervals of the counts.")
    if name == "outlet_distance":
        return f"Heatmap of Jensen–Shannon distances between {by} values with a dendrogram (no intervals)."
    return name.replace("_", " ")


def _meta(result: AnalysisResult, st: Statistics, lex: Any, corpus: Any, config: AnalysisConfig) -> dict:
    by = config.by
    meta = {
        "corpus": str(corpus), "lexicon": f"{lex.name} (version {lex.version})",
        "documents": f"read {result.n_read:,} · accepted {result.n_accepted:,} · rejected {result.n_rejected:,}",
        ("outlets" if by == "outlet" else f"{by} values"): f"{len(st.outlets):,}", "grouped by": by,
        "period": config.freq, "voice": config.voice,
    }
    if result.n_copies is not None:
        meta["wire copies"] = (f"{result.n_copies:,} later copies of an earlier article set aside "
                               f"({result.n_accepted - result.n_copies:,} documents analysed); "
                               "framing.drop_wire_copies, the notebooks' policy too")
    elif config.copies == "keep":
        meta["wire copies"] = "kept (copies='keep'): every accepted document counts"
    return meta


class _Builder:
    """The built-in sections, each with the notes of its part of the run."""

    def __init__(self, st: Statistics, charts: Charts, notes: list[Note], config: AnalysisConfig):
        self.st, self.charts, self.notes, self.by = st, charts, notes, config.by
        self.freq, self.voice = config.freq, config.voice
        self.placed: set[str] = set()
        order = [str(o) for o in st.volume.index] if st.volume is not None else []
        self.shown = dict(st.tables)
        for name in ("label_shares", "legitimacy", "categories", "change_points"):
            if name in self.shown:
                self.shown[name] = report_rows(self.shown[name], self.by, order)

    def lines(self, *keys: str) -> list[str]:
        self.placed.update(keys)
        return [n.text for n in self.notes if n.section in keys]

    def figures(self, keep: Iterable[str] = (), prefix: str | None = None) -> list[tuple[str, Path, str]]:
        keep = set(keep)
        return [(caption(n, self.charts), p, alt_text(n, self.st, self.charts, self.by))
                for n, p in self.charts.paths.items() if n in keep or (prefix is not None and n.startswith(prefix))]

    def sections(self) -> list[Section]:
        t, out = self.shown, []
        if "label_shares" in t:
            out.append(Section(
                "Label shares", "Share of each stance among the labels an outlet uses for each referent, in "
                f"its own voice (voice = {self.voice}). " + interval_text(t["label_shares"], "Whiskers") + ".",
                figures=self.figures(("label_shares", "who_gets_called_what")),
                tables=[("label shares (rows with labels; all rows in label_shares.csv)", t["label_shares"]),
                        ("legitimacy index (rows with labels)", t["legitimacy"])],
                notes=self.lines("Label shares", "Charts")))
        elif self.lines("Label shares"):
            out.append(Section("Label shares", "", notes=self.lines("Label shares")))
        if "categories" in t:
            out.append(Section(
                "Category terms per outlet", "Count of each category's terms and the rate per 10,000 words.",
                figures=self.figures(("category_rates",)), tables=[("categories", t["categories"])]))
        if "trends" in t:
            out.append(Section(
                "Terminology over time", f"Stance shares per period ({self.freq}), one panel per {self.by}. "
                + interval_text(t["trends"], "Bands") + ". Dashed lines mark change-points found by exact "
                "multinomial segmentation (BIC), labelled with the share before → after.",
                figures=self.figures(prefix="trends_"),
                tables=[("change points (all columns in change_points.csv)", change_table(t["change_points"]))],
                notes=self.lines("Terminology over time")))
        elif self.lines("Terminology over time"):
            out.append(Section("Terminology over time", "", notes=self.lines("Terminology over time")))
        if "log_odds" in t:
            top = t["log_odds"].sort_values("score", ascending=False).groupby(self.by).head(8)
            out.append(Section(
                "What each outlet says more than the others", "Log-odds ratio with informative Dirichlet prior "
                "(Monroe, Colaresi & Quinn 2008), each outlet against all the others; z beyond ±1.96 (grey band) "
                "is the two-sided 5% level; q: Benjamini–Hochberg.",
                figures=self.figures(prefix="fightin_words_"),
                tables=[("top terms per outlet", top)], notes=self.lines("Distinctive terms")))
        if "outlet_distance" in t:
            out.append(Section(
                "How far apart the outlets are", "Jensen–Shannon distance between outlets' label "
                "distributions, in hierarchical-clustering order (no intervals).",
                figures=self.figures(("outlet_distance",)),
                tables=[("distance", t["outlet_distance"])], notes=self.lines("Outlets compared")))
        elif self.lines("Outlets compared"):
            out.append(Section("Outlets compared", "", notes=self.lines("Outlets compared")))
        return out


def write_analysis_report(result: AnalysisResult, st: Statistics, charts: Charts, lex: Any, corpus: Any,
                          config: AnalysisConfig, *, builders: list[SectionBuilder], copy_ids: set[str],
                          collected: Any = None) -> Path:
    """Write ``report.html`` into ``result.out``: the built-in sections, then those of ``builders``."""
    meta = _meta(result, st, lex, corpus, config)
    builder = _Builder(st, charts, result.notes, config)
    sections = builder.sections()
    validity, meets = lex.audit_summary()
    meta["lexicon validity"] = validity
    if not meets:  # hits of a lexicon below the bar carry a warning, first thing in the report
        sections.insert(0, Section("Warning: lexicon validity", validity))
    rest = [n.text for n in result.notes if n.section not in builder.placed]
    if rest:  # notes without a section of their own: first, so they are read
        sections.insert(0, Section("Notes", "", notes=rest))
    stats = st.as_dict()  # builders of more sections get the tables whole
    if charts.captions:
        stats["_captions"] = charts.captions
    if charts.shown:
        stats["_shown"] = charts.shown
    ctx = ReportContext(result=result, stats=stats, lexicon=lex, by=config.by, freq=config.freq, voice=config.voice,
                        corpus=corpus, read=config.read_options(), top=list(st.top), copies=set(copy_ids),
                        collected=collected)
    sections.extend(extra_sections(ctx, builders))
    return write_report(result.out / "report.html", f"framing report — {lex.name}", sections, meta=meta)
