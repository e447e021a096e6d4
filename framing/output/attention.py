"""Attention over time as charts and as a report section.

The table comes from :func:`framing.analyses.coverage.attention` (share of each outlet's documents, per
period, that name each referent, with Wilson intervals); here it is drawn (:func:`plot_attention`: one
panel per outlet over the pooled other outlets), summed over the whole span (:func:`attention_table`)
and written as HTML (:func:`attention_section`).  ``framing.analyses.coverage`` still gives these names.

>>> import pandas as pd
>>> att = pd.DataFrame({"outlet": ["X", "X", "Y"], "period": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-01-01"]),
...                     "referent": "r", "n_docs": [4, 6, 5], "n_mentioning": [1, 2, 5]})
>>> attention_table(att)[["outlet", "n_docs", "n_mentioning", "share"]].values.tolist()
[['Y', 5, 5, 1.0], ['X', 10, 3, 0.3]]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.output.charts.labels import labels, left_out, safe
from framing.output.charts.style import MAX_ROWS, chart_result, fit_panels, footnote, ltr, panels, rc_params
from framing.output.names import clip
from framing.output.report import escape, img_tag, table_html
from framing.stats.intervals import wilson_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["plot_attention", "attention_table", "attention_section"]

#: the count columns of an attention table
COUNT_COLUMNS = ("n_docs", "n_mentioning")


def _label_of(att: pd.DataFrame, referent: object) -> str:
    return str(att.attrs.get("referent_labels", {}).get(referent, str(referent).replace("_", " ")))


def plot_attention(att: pd.DataFrame, *, referent: str | None = None, highlight: str | None = None,
                   ncols: int = 4, min_docs: int = 1, ax: Axes | None = None,
                   outlets: str | Iterable[object] | None = None) -> tuple[Figure | SubFigure, Any]:
    """Attention over time for one referent: small multiples, one panel per outlet.

    Each panel draws the outlet's share (line, dots) and its Wilson interval (band), over the
    pooled share of all the *other* outlets (grey, dashed) for reference.  With ``highlight`` (an
    outlet), one panel: that outlet against the rest.  Without a ``period`` column (``freq=None``),
    one dot per outlet with its interval, sorted.

    Parameters
    ----------
    att : pandas.DataFrame
        From :func:`framing.analyses.coverage.attention`.
    referent : str, optional
        Needed when the table holds several referents.
    highlight : str, optional
        One outlet to draw against the pooled rest.
    ncols : int, default 4
    min_docs : int, default 1
        Periods where an outlet has fewer documents are not drawn (their intervals are too wide to
        read); they stay in the table.
    ax : matplotlib Axes, optional
        Only for ``highlight`` or a table without periods (one panel).
    outlets : list, optional
        Draw only these outlets (panels or dots, in this order), e.g. the top outlets of
        ``framing analyze``; the grey "all other outlets" line still pools every other outlet of the
        table.  Default: every outlet (one panel each).  A chart draws the panels that fit
        (:func:`framing.output.charts.style.fit_panels`), or at most
        :data:`~framing.output.charts.style.MAX_ROWS` dots; the note under it names the rest.

    Returns
    -------
    (Figure, Axes or array of Axes)
    """
    import matplotlib

    with matplotlib.rc_context(rc_params()):
        return _plot_attention(att, referent=referent, highlight=highlight, ncols=ncols, min_docs=min_docs, ax=ax,
                               outlets=outlets)


def _plot_attention(att: pd.DataFrame, *, referent: str | None, highlight: str | None, ncols: int, min_docs: int,
                    ax: Axes | None, outlets: str | Iterable[object] | None = None) -> tuple[Figure | SubFigure, Any]:
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    fig: Figure | SubFigure
    if not isinstance(att, pd.DataFrame) or not {"referent", "share", "lo", "hi", *COUNT_COLUMNS} <= set(att.columns):
        raise FramingError("plot_attention: expected the table returned by framing.attention")
    if not len(att):
        raise FramingError("plot_attention: the table is empty; nothing to draw")
    refs = list(dict.fromkeys(att["referent"]))
    if referent is None:
        if len(refs) > 1:
            raise FramingError(f"plot_attention: the table holds several referents {refs}; pass referent=")
        referent = refs[0]
    if referent not in refs:
        raise FramingError(f"plot_attention: no rows for referent {referent!r}; available: {refs}")
    by_cols = [c for c in att.columns if c not in ("period", "referent", *COUNT_COLUMNS, "share", "lo", "hi")]
    sub = att[att["referent"] == referent].copy()
    if len(by_cols) == 1:
        sub["group"] = sub[by_cols[0]].astype(str)
    else:
        sub["group"] = sub[by_cols].astype(str).agg(" · ".join, axis=1) if by_cols else "all"
    groups = sorted(sub["group"].unique(), key=str)
    if outlets is not None:
        present = set(groups)
        wanted = [str(o) for o in ([outlets] if isinstance(outlets, str) else outlets)]
        groups = [g for g in dict.fromkeys(wanted) if g in present]
        if not groups:
            raise FramingError(f"plot_attention: none of the outlets {wanted[:5]} is in the table for "
                               f"referent {referent!r}")
    level = round(100 * float(att.attrs.get("ci", 0.95)))
    name = clip(_label_of(att, referent))
    method = f"share of documents naming it (alias or label, any voice); bands: {level}% Wilson intervals"
    if "period" not in sub.columns or (sub["period"].nunique(dropna=True) <= 1 and highlight is None):
        sub = sub[(sub["n_docs"] >= min_docs) & sub["group"].isin(set(groups))].sort_values("share")
        more = list(sub["group"].iloc[:-MAX_ROWS]) if len(sub) > MAX_ROWS else []  # the highest shares are kept
        sub = sub.iloc[-MAX_ROWS:]
        short = dict(zip(sub["group"], labels(list(sub["group"])), strict=True))  # long names cut with "…"
        if ax is None:
            fig = Figure(figsize=(7, 0.35 * len(sub) + 1.6), layout="constrained")
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        y = np.arange(len(sub))
        ax.errorbar(sub["share"], y, xerr=[np.clip(sub["share"] - sub["lo"], 0, None),
                                           np.clip(sub["hi"] - sub["share"], 0, None)], fmt="o",
                    color="#0072B2", ecolor="#56B4E9", capsize=2)
        ax.set_yticks(y, [f"{short[g]}  (n={n})" for g, n in zip(sub["group"], sub["n_docs"], strict=True)])
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=1))
        ax.set_title(ltr(safe(f"Attention to {name}")), loc="left")
        ax.set_xlabel(safe("; ".join(x for x in (method, left_out(more, "outlets", MAX_ROWS)) if x)), fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        return fig, ax
    sub = sub[sub["period"].notna()]
    if highlight is not None:
        if str(highlight) not in groups:
            raise FramingError(f"plot_attention: highlight {highlight!r} is not an outlet of the table; "
                               f"outlets: {groups}")
        groups = [str(highlight)]
    if ax is not None and len(groups) > 1:
        raise FramingError("plot_attention: ax= draws one panel; pass highlight= (one outlet vs the rest) "
                           "or leave ax out for small multiples")
    more = []
    if ax is None:
        k = fit_panels(len(groups), ncols=ncols, panel=(3.4, 2.4))
        groups, more = groups[:k], groups[k:]
        fig, axes = panels(len(groups), ncols=ncols, panel=(3.4, 2.4), sharex=True, sharey=True)
    else:
        fig, axes = ax.figure, [ax]
    short = dict(zip(groups, labels(groups), strict=True))  # long outlet names cut with "…"
    total = sub.groupby("period")[list(COUNT_COLUMNS)].sum()
    for axis, g in zip(axes, groups, strict=True):
        mine = sub[(sub["group"] == g) & (sub["n_docs"] >= min_docs)].sort_values("period")
        rest = (total - sub[sub["group"] == g].groupby("period")[list(COUNT_COLUMNS)].sum()
                .reindex(total.index, fill_value=0))
        rest = rest[rest["n_docs"] >= max(min_docs, 1)]
        axis.plot(rest.index, rest["n_mentioning"] / rest["n_docs"], color="#8C8C8C", ls="--", lw=1,
                  label="all other outlets")
        axis.fill_between(mine["period"].to_numpy(), mine["lo"].to_numpy(), mine["hi"].to_numpy(), color="#56B4E9",
                          alpha=0.35, lw=0)
        axis.plot(mine["period"], mine["share"], color="#0072B2", marker="o", ms=3, lw=1.5, label=short[g])
        axis.set_title(f"{short[g]}  (n={int(mine['n_docs'].sum())})", fontsize=9)
        axis.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=None))  # 2.5%, not "2%" twice
        axis.grid(alpha=0.3)
        axis.tick_params(axis="x", labelrotation=30, labelsize=7)
    fig.suptitle(ltr(safe(f"Attention to {name}, {_period_name(att.attrs.get('freq'))}")), x=0.01, ha="left")
    footnote(fig, method + "; grey dashed: all other outlets pooled", left_out(more, "outlets", len(groups)))
    return chart_result(fig, axes)


def _period_name(freq: object) -> str:
    names = {"D": "daily", "W": "weekly", "M": "monthly", "MS": "monthly", "Q": "quarterly", "QS": "quarterly",
             "Y": "yearly", "YS": "yearly", "A": "yearly", "AS": "yearly"}
    if not freq:
        return "per period"
    return names.get(str(freq).split("-")[0], f"per period ({freq})")


def attention_table(att: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """A compact display table: one row per outlet and referent over the whole span (counts summed,
    Wilson intervals at the table's ``ci``), sorted by referent and share, the ``top`` rows when given."""
    by_cols = [c for c in att.columns if c not in ("period", "referent", *COUNT_COLUMNS, "share", "lo", "hi")]
    tot = att.groupby([*by_cols, "referent"], sort=True)[list(COUNT_COLUMNS)].sum().reset_index()
    w = wilson_interval(tot["n_mentioning"].to_numpy(), tot["n_docs"].to_numpy(), ci=float(att.attrs.get("ci", 0.95)))
    tot["share"], tot["lo"], tot["hi"] = w["share"].to_numpy(), w["lo"].to_numpy(), w["hi"].to_numpy()
    tot = tot.sort_values(["referent", "share"], ascending=[True, False], kind="mergesort")
    return tot.head(top) if top else tot


def attention_section(att: pd.DataFrame, figures: Iterable[tuple[str, Any]] = (), *,
                      title: str = "Attention: how much each outlet covers each referent") -> str:
    """The report section (HTML) for attention: method, figures (name, PNG path or bytes), summary table.

    Returns a string of HTML that :func:`framing.output.report.render_report` can include, or that can be
    appended to any page; all text is escaped.
    """
    level = round(100 * float(att.attrs.get("ci", 0.95)))
    freq = att.attrs.get("freq")
    text = ("Share of each outlet's documents that name the referent at least once (one of its aliases, or a "
            "label attached to it; in any voice, quotations included), out of all the outlet's documents"
            f"{' in each period (' + str(freq) + ')' if freq else ''}. Framing shares say how an actor is named; "
            "attention says how much it is covered: read a shift in framing next to the coverage it rests on. "
            f"Intervals: {level}% Wilson score intervals, documents as independent draws (wire copies "
            "carried twice make them too narrow).")
    parts = [f"<section><h2>{escape(title)}</h2>", f'<p class="note">{escape(text)}</p>']
    for name, png in figures:
        parts.append(img_tag(name, png))
    parts.append(f"<h3>{escape('attention over the whole span')}</h3>{table_html(attention_table(att), max_rows=60)}")
    parts.append("</section>")
    return "\n".join(parts)
