"""The statistics of a run, on the per-document features and the summed term counts: label shares and
legitimacy, category rates, distinctive terms (log-odds), outlet distances, trends and change-points.

What cannot be computed for this corpus and lexicon is left out with a :class:`Note` saying why.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from framing.analyses.compare import compare_outlets
from framing.analyses.distance import outlet_distance
from framing.analyses.temporal import change_points, trends
from framing.output.names import clip
from framing.pipeline.config import AnalysisConfig
from framing.pipeline.progress import progress_bar
from framing.pipeline.result import Note
from framing.stats.shares import label_shares, legitimacy_index
from framing.vocabulary import CATEGORY_PREFIX, label_columns

__all__ = ["Statistics", "compute_statistics", "label_volume", "category_table"]


@dataclass
class Statistics:
    """The tables computed (written in this order) and what the charts and report need to know."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    top: list[str] = field(default_factory=list)  #: the outlets to chart, most labels first
    volume: pd.Series | None = None  #: labels (or category terms) per outlet, largest first
    outlets: list[str] = field(default_factory=list)  #: every outlet, sorted
    trend_charts: bool = True  #: False when the dated documents fall in fewer than 3 periods

    def as_dict(self) -> dict[str, Any]:
        """The tables by name, with ``_top``, ``_volume``, ``_outlets`` (and ``_no_trend_charts``) as
        earlier versions passed them to report-section builders (:attr:`ReportContext.stats`)."""
        out: dict[str, Any] = {**self.tables, "_top": self.top, "_volume": self.volume, "_outlets": self.outlets}
        if not self.trend_charts:
            out["_no_trend_charts"] = True
        return out


def _category_columns(features: pd.DataFrame) -> list[str]:
    return [c for c in features.columns if isinstance(c, str) and c.startswith(CATEGORY_PREFIX)]


def label_volume(features: pd.DataFrame, by: str) -> pd.Series:
    """Label count per outlet (category terms for a lexicon without labels), largest first."""
    cols = [c for c, _, _ in label_columns(features)] or _category_columns(features)
    if not cols:
        return features.groupby(by, observed=True).size().mul(0).sort_index()
    vol = features.groupby(by, observed=True, sort=True)[cols].sum().sum(axis=1)
    return vol.sort_values(ascending=False, kind="stable")


def category_table(features: pd.DataFrame, by: str, cats: list[str]) -> pd.DataFrame:
    """Category term counts per outlet: documents, words, count and rate per 10,000 words."""
    g = features.groupby(by, observed=True, sort=True)
    sums = g[cats].sum()
    docs = g.size().reindex(sums.index).to_numpy(dtype="int64")
    words = (g["n_tokens"].sum().reindex(sums.index).to_numpy(dtype="int64")
             if "n_tokens" in features.columns else None)
    counts = sums.to_numpy(dtype="int64")
    rows = []
    for j, c in enumerate(cats):
        for i, o in enumerate(sums.index):
            n = int(counts[i, j])
            w = int(words[i]) if words is not None else None
            rows.append({by: str(o), "category": c[len(CATEGORY_PREFIX):], "documents": int(docs[i]), "words": w,
                         "count": n, "per_10k_words": (n / w * 1e4) if w else float("nan")})
    return pd.DataFrame(rows)


def _shares(st: Statistics, features: pd.DataFrame, lex: Any, config: AnalysisConfig, with_labels: list[str],
            has_labels: bool) -> None:
    voice = config.voice
    if not has_labels:
        st.notes.append(Note("Label shares", "Label shares, legitimacy, trends and outlet distances: not computed — "
                             f"the lexicon {lex.name!r} has no referents with labels (categories only)."))
    elif not with_labels:
        undated = int(features["date"].isna().sum()) if "date" in features.columns else len(features)
        hint = (f" The lexicon sets `undated: skip` and {undated:,} documents have no date."
                if getattr(lex, "undated", "count") == "skip" and undated else "")
        st.notes.append(Note("Label shares", "Label shares, legitimacy, trends and outlet distances: not computed — "
                             f"no label of any referent was found in the {voice!r} voice in "
                             f"{len(features):,} documents.{hint}"))
    else:
        st.tables["label_shares"] = label_shares(features, by=(config.by,), voice=voice, n_boot=config.n_boot,
                                                 seed=config.seed)
        st.tables["legitimacy"] = legitimacy_index(features, by=(config.by,), voice=voice, n_boot=config.n_boot,
                                                   seed=config.seed)


def _log_odds(st: Statistics, counts: pd.DataFrame, config: AnalysisConfig) -> None:
    by, outlets = config.by, st.outlets
    term_outlets = sorted(counts[by].astype(str).unique()) if len(counts) and by in counts.columns else []
    if len(outlets) < 2:
        st.notes.append(Note("Outlets compared", f"Outlet comparison (log-odds, distances): not computed — the "
                             f"corpus has one {by} ({clip(outlets[0]) if outlets else 'none'}); there is nothing "
                             "to compare it with."))
    elif len(term_outlets) < 2:
        st.notes.append(Note("Outlets compared", f"Distinctive terms (log-odds): not computed — "
                             f"{len(term_outlets)} of {len(outlets)} {by} values use any lexicon term; it takes two."))
    else:
        st.tables["log_odds"] = compare_outlets(counts, method=config.method, mode="one_vs_rest", by=by)


def _distances(st: Statistics, features: pd.DataFrame, by: str, with_labels: list[str]) -> None:
    """Distances among the top outlets with labels (a square table: kept to ``top`` rows)."""
    chosen = [o for o in st.top if o in set(with_labels)]
    if len(with_labels) < 2:
        st.notes.append(Note("Outlets compared", f"Outlet distances: not computed — {len(with_labels)} of "
                             f"{len(st.outlets)} {by} values have labels; it takes two."))
        return
    sub = features[features[by].astype(str).isin(chosen)]
    sub = sub.assign(**{by: sub[by].astype(str)})
    sub.attrs = dict(features.attrs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        st.tables["outlet_distance"] = outlet_distance(sub, by=by).reset_index(names=by)
    if len(with_labels) > len(chosen):
        st.notes.append(Note("Outlets compared", f"Outlet distances: among the {len(chosen)} {by} values with "
                             f"most labels of {len(with_labels)} that have labels (the table grows with the "
                             "square of their number; raise --top to include more)."))


def _over_time(st: Statistics, features: pd.DataFrame, config: AnalysisConfig) -> None:
    by, freq, voice = config.by, config.freq, config.voice
    dated = int(features["date"].notna().sum()) if "date" in features.columns else 0
    if dated == 0:
        st.notes.append(Note("Terminology over time",
                             "Trends and change-points: not computed — no document has a date."))
        return
    undated = len(features) - dated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        st.tables["trends"] = trends(features, freq=freq, by=by, voice=voice)
        st.tables["change_points"] = change_points(features, freq=freq, by=by, referent=None, voice=voice)
    if undated:
        st.notes.append(Note("Terminology over time", f"Trends: {undated:,} of {len(features):,} documents have "
                             "no date and are left out of the time axis (they count everywhere else)."))
    n_periods = st.tables["trends"]["period"].nunique()
    if n_periods < 3:
        st.trend_charts = False
        st.notes.append(Note("Terminology over time", f"Trend charts: not drawn — the dated documents fall in "
                             f"{n_periods} period(s) of {freq!r}; a shorter period (e.g. --freq W-MON or D) "
                             "gives a time axis (the trends table is written)."))
    if not len(st.tables["change_points"]):
        st.notes.append(Note("Terminology over time", "Change-points: none found (no outlet's mix of stances "
                             "changed by 10 points or more under the segmentation test)."))


def compute_statistics(features: pd.DataFrame, counts: pd.DataFrame, lex: Any, config: AnalysisConfig, *,
                       progress: bool) -> Statistics:
    """The statistics that can be computed here, and notes for the others."""
    by = config.by
    labels = label_columns(features)
    cats = _category_columns(features)
    label_vol = (features.groupby(by, observed=True)[[c for c, _, _ in labels]].sum().sum(axis=1)
                 if labels else None)
    with_labels = [str(o) for o, v in (label_vol.items() if label_vol is not None else []) if v > 0]
    volume = label_volume(features, by)
    st = Statistics(top=[str(o) for o, v in volume.items() if v > 0][:config.top], volume=volume,
                    outlets=sorted(features[by].astype(str).unique()))
    steps = ["shares", "categories", "log_odds", "distance", "trends"]
    with progress_bar(progress, desc="statistics", total=len(steps), unit=" step") as bar:
        _shares(st, features, lex, config, with_labels, bool(labels))
        bar.update()
        if cats:
            st.tables["categories"] = category_table(features, by, cats)
        bar.update()
        _log_odds(st, counts, config)
        bar.update()
        if len(st.outlets) >= 2 and labels:
            _distances(st, features, by, with_labels)
        bar.update()
        if labels and with_labels:
            _over_time(st, features, config)
        bar.update()
    return st
