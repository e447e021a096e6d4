"""The charts of a run, drawn for the ``top`` outlets (the tables keep every outlet) and saved as PNG.

Each chart is planned first (a name and a function drawing it), then drawn and saved one at a time,
so figures are freed as the run goes.  However large ``top``, the charts draw at most
:data:`~framing.output.charts.style.MAX_PANELS` outlets (and as many trend charts), so their number and
size stay bounded; a note says so.  File names are made distinct (:func:`~framing.output.names.file_names`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from framing.output import charts
from framing.output.charts.style import MAX_PANELS
from framing.output.names import clip, display_names, file_names
from framing.pipeline.progress import progress_bar
from framing.pipeline.result import Note
from framing.pipeline.statistics import Statistics

__all__ = ["Charts", "draw_charts", "chart_rows", "referent_names", "CHART_FILES"]

#: Charts with a fixed name (others are ``trends_<referent>`` and ``fightin_words_<outlet>``).
CHART_FILES = ("label_shares", "who_gets_called_what", "outlet_distance", "category_rates")
_Z_5PCT = 1.959963984540054  # two-sided 5% level of a standard normal


@dataclass
class Charts:
    """The charts drawn, and what the report says under them."""

    paths: dict[str, Path] = field(default_factory=dict)  #: name -> PNG path, in drawing order
    captions: dict[str, str] = field(default_factory=dict)  #: name -> caption, where not the fixed one
    shown: dict[str, str] = field(default_factory=dict)  #: trends chart -> referent display name
    notes: list[Note] = field(default_factory=list)


Plan = tuple[str, Callable[[], Any]]  # a chart's name and the function that draws it (fig, axes)


def chart_rows(df: pd.DataFrame, by: str, top: list[str], disp: dict, refnames: dict) -> pd.DataFrame:
    """Rows of the top outlets (in that order), outlet and referent display names."""
    sub = df[df[by].astype(str).isin(top)].copy()
    sub[by] = pd.Categorical(sub[by].astype(str), categories=top, ordered=True)
    sort = [by] + (["period"] if "period" in sub.columns else [])
    sub = sub.sort_values(sort, kind="stable")
    sub[by] = sub[by].astype(str).map(disp)
    if "referent" in sub.columns:
        sub["referent"] = sub["referent"].map(lambda r: refnames.get(r, r) if isinstance(r, str) else r)
    sub.attrs = dict(df.attrs)
    return sub.reset_index(drop=True)


def referent_names(lex: Any, referents: Iterable) -> dict:
    """Distinct display names of referents (the lexicon's, or the key with spaces), cut with "…" when long."""
    out: dict = {}
    seen: set = set()
    for r in referents:
        name = lex.display_name(r) if hasattr(lex, "display_name") else str(r).replace("_", " ")
        if name in seen:
            name = f"{name} ({r})"
        seen.add(name)
        out[r] = name
    short = display_names(list(out.values()))
    return {r: short[name] for r, name in out.items()}


def _coverage_note(st: Statistics, by: str, asked: int) -> Note | None:
    """What the charts leave out: outlets beyond ``top`` (or beyond what a chart holds), outlets without
    any label."""
    tops, outlets, volume = st.top, st.outlets, st.volume
    empty = [o for o in outlets if volume is not None and volume.get(o, 0) == 0]
    if not (len(outlets) > len(tops) and tops):
        return None
    more = len(outlets) - len(tops) - len(empty)
    what = "outlets" if by == "outlet" else f"{by} values"
    line = f"Charts show the {len(tops)} {what} with most labels"
    if asked > len(tops):
        line += f" (of the {asked:,} --top asks for: a chart holds at most {MAX_PANELS})"
    if more > 0:
        line += f"; {more:,} more are in the tables only"
    if empty:
        line += (f"; {len(empty):,} without any label are not drawn"
                 f" ({', '.join(clip(o, 24) for o in empty[:5])}{', …' if len(empty) > 5 else ''})")
    return Note("Charts", line + ".")


def _trend_plans(st: Statistics, made: Charts, by: str, disp: dict, refnames: dict) -> list[Plan]:
    tr = st.tables["trends"]
    cps = st.tables.get("change_points")
    cps_c = chart_rows(cps, by, st.top, disp, refnames) if cps is not None and len(cps) else None
    tr_c = chart_rows(tr, by, st.top, disp, refnames)
    plans: list[Plan] = []
    drawn = [r for r in tr["referent"].dropna().unique() if tr.loc[tr["referent"] == r, "total"].sum() != 0]
    if len(drawn) > MAX_PANELS:
        made.notes.append(Note("Terminology over time", f"Trend charts: drawn for the first {MAX_PANELS} of "
                               f"{len(drawn)} referents with labels; every one is in trends.csv."))
        drawn = drawn[:MAX_PANELS]
    files = file_names(drawn, "referent")
    for referent in drawn:
        name, key = refnames.get(referent, referent), f"trends_{files[referent]}"
        made.captions[key] = f"Over time: {name}"
        made.shown[key] = name
        plans.append((key, partial(charts.plot_trends_by_outlet, tr_c, referent=name, change_points=cps_c)))
    return plans


def _fightin_words_plans(st: Statistics, made: Charts, disp: dict, refnames: dict, by: str) -> list[Plan]:
    lo = st.tables["log_odds"]
    if by != "outlet" and by in lo.columns:  # grouped by another column: its values stand in for outlets
        lo = lo.rename(columns={by: "outlet"})
    lo_c = chart_rows(lo, "outlet", st.top, disp, refnames) if "outlet" in lo.columns else lo
    zcol = "z" if "z" in lo.columns else "score"
    strong = set(lo.loc[lo[zcol].abs() >= _Z_5PCT, "outlet"].astype(str)) if zcol == "z" \
        else set(lo["outlet"].astype(str))
    flat: list[str] = []
    plans: list[Plan] = []
    files = file_names(st.top)  # distinct even where two names make one slug ("Al Jazeera", "Al-Jazeera")
    for outlet in [o for o in st.top if o in set(lo["outlet"].astype(str))]:
        if outlet not in strong:
            flat.append(outlet)
            continue
        key = f"fightin_words_{files[outlet]}"
        made.captions[key] = f"Fightin' Words: {disp[outlet]} against the other outlets"
        plans.append((key, partial(charts.plot_fightin_words, lo_c, outlet=disp[outlet])))
    if flat:
        made.notes.append(Note("Distinctive terms", f"Fightin' Words charts: not drawn for {len(flat)} outlet(s) "
                               f"with no term beyond |z| = 1.96 ({', '.join(clip(o, 24) for o in flat[:6])}"
                               f"{', …' if len(flat) > 6 else ''}); their rows are in log_odds.csv."))
    return plans


def _plans(st: Statistics, made: Charts, lex: Any, by: str) -> list[Plan]:
    tables, tops = st.tables, st.top
    disp = display_names(tops)
    refs: list = []
    for name in ("label_shares", "trends"):
        if name in tables:
            refs += [r for r in tables[name]["referent"].dropna().unique() if r not in refs]
    refnames = referent_names(lex, refs)
    plans: list[Plan] = []
    if "label_shares" in tables and tops:
        shares = chart_rows(tables["label_shares"], by, tops, disp, refnames)
        plans.append(("label_shares", partial(charts.plot_label_shares, shares)))
        plans.append(("who_gets_called_what", partial(charts.plot_referent_heatmap, shares)))
    if "categories" in tables and len(tables["categories"]) and tops and "label_shares" not in tables:
        cat_c = chart_rows(tables["categories"], by, tops, disp, refnames)
        plans.append(("category_rates", partial(charts.plot_category_rates, cat_c)))
    if "trends" in tables and len(tables["trends"]) and tops and st.trend_charts:
        plans += _trend_plans(st, made, by, disp, refnames)
    if "log_odds" in tables and len(tables["log_odds"]):
        plans += _fightin_words_plans(st, made, disp, refnames, by)
    if "outlet_distance" in tables:
        dist = tables["outlet_distance"].set_index(by)
        dist.attrs = tables["outlet_distance"].attrs
        keep = [o for o in dist.index if str(o) in set(tops)]
        if len(keep) < len(dist):  # the charted outlets only: the table's linkage is computed again for them
            attrs = {k: v for k, v in dist.attrs.items() if k != "linkage"}
            dist = dist.loc[keep, keep]
            dist.attrs = attrs
        if len(dist) >= 2:
            d = dist.rename(index=lambda o: display_names(dist.index).get(o, o),
                            columns=lambda o: display_names(dist.columns).get(o, o))
            d.attrs = dist.attrs
            plans.append(("outlet_distance", partial(charts.plot_outlet_distance, d)))
    return plans


def _remove_stale(out: Path, made: dict) -> None:
    """Charts of an earlier run into the same folder (``force``) that this run did not draw: removed, so
    the folder holds one analysis."""
    for old_png in out.glob("*.png"):
        if (old_png.stem in CHART_FILES or old_png.name.startswith(("trends_", "fightin_words_"))) \
                and old_png.stem not in made:
            old_png.unlink(missing_ok=True)


def draw_charts(st: Statistics, lex: Any, out: Path, *, by: str, progress: bool) -> Charts:
    """Draw the charts the statistics allow into ``out``."""
    made = Charts()
    asked = len(st.top)
    st = replace(st, top=st.top[:MAX_PANELS])  # the outlets charted; the tables keep every one
    note = _coverage_note(st, by, asked)
    if note is not None:
        made.notes.append(note)
    plans = _plans(st, made, lex, by)
    with progress_bar(progress, desc="charts", total=len(plans), unit=" chart") as bar:
        for k, (name, draw) in enumerate(plans, 1):
            fig, _ = draw()
            path = out / f"{name}.png"
            tight = fig.get_layout_engine() is None  # constrained layout already fits the content
            charts.save_figure(fig, path, tight=tight)
            made.paths[name] = path
            fig.clear()
            del fig
            if k % 4 == 0:
                gc.collect()  # figures hold reference cycles: free them every few charts
            bar.update()
    gc.collect()
    _remove_stale(out, made.paths)
    return made
