"""Category terms per 10,000 words per outlet, with exact Poisson intervals (:func:`plot_category_rates`)."""

from __future__ import annotations

import numpy as np

from framing.output.charts.labels import label, labels, left_out, name_list
from framing.output.charts.style import MAX_ROWS, chart_result, fit_panels, footnote, panels, styled
from framing.output.charts.tables import fmt, require, unique

__all__ = ["plot_category_rates"]


@styled
def plot_category_rates(categories, *, ci: float = 0.95):
    """Category terms per 10,000 words, one panel per category, one row per outlet, with intervals.

    Parameters
    ----------
    categories : pandas.DataFrame
        One row per group (outlet) and category: the group column first, then ``category``,
        ``words`` and ``count`` (the ``categories`` table of ``framing analyze``).
    ci : float, default 0.95
        Level of the exact Poisson interval of each count (Garwood), divided by the words.

    Returns
    -------
    (Figure, Axes) or (Figure, numpy.ndarray of Axes)
        Per Axes: one point per outlet (``ax.collections[0]``) with its interval
        (``ax.lines`` / error bars); rows in table order, first on top.  At most
        :data:`~framing.output.charts.style.MAX_ROWS` outlets and the panels that fit are drawn;
        the note names the rest.
    """
    from scipy.stats import chi2

    require(categories, ["category", "words", "count"], "categories", "framing analyze (categories table)")
    gcol = categories.columns[0]
    df = categories.assign(_group=categories[gcol].map(fmt))
    cats = unique(df["category"])
    totals = df.groupby("category", sort=False)["count"].sum()
    silent = [c for c in cats if totals.get(c, 0) == 0]
    cats = [c for c in cats if c not in silent] or cats
    if len(cats) == len(silent):
        silent = []
    groups = unique(df["_group"])
    groups, more_groups = groups[:MAX_ROWS], groups[MAX_ROWS:]
    panel = (3.6, 0.9 + 0.32 * len(groups))
    k = fit_panels(len(cats), ncols=3, panel=panel)
    cats, more_cats = cats[:k], cats[k:]
    fig, axes = panels(len(cats), ncols=min(3, len(cats)), panel=panel, sharey=True)
    alpha = 1 - ci
    for a, c in zip(axes, cats, strict=True):
        sub = df[df["category"] == c].set_index("_group").reindex(groups)
        n = sub["count"].to_numpy(dtype=float)
        w = sub["words"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = n / w * 1e4
            lo = np.where(n > 0, chi2.ppf(alpha / 2, 2 * n) / 2, 0.0) / w * 1e4
            hi = chi2.ppf(1 - alpha / 2, 2 * n + 2) / 2 / w * 1e4
        y = np.arange(len(groups))
        a.scatter(rate, y, s=18, color="#0072B2", zorder=3)
        a.errorbar(rate, y, xerr=np.vstack([np.clip(rate - lo, 0, None), np.clip(hi - rate, 0, None)]),
                   fmt="none", ecolor="0.3", elinewidth=0.8, capsize=2)
        a.set_yticks(y, labels=labels(groups))
        a.set_ylim(len(groups) - 0.5, -0.5)
        a.set_xlim(left=0)
        a.set_title(label(str(c).replace("_", " ")), fontsize=10)
        a.set_xlabel("per 10,000 words", fontsize=8)
        a.grid(axis="x", color="0.9", lw=0.6)
        a.set_axisbelow(True)
    footnote(fig, f"whiskers: {ci:.0%} exact Poisson intervals of each count (Garwood), per 10,000 words; "
              "terms repeated within an article make them a little narrow",
              f"no terms found, not drawn: {name_list([str(c).replace('_', ' ') for c in silent])}" if silent else "",
              left_out(more_groups, "outlets", MAX_ROWS), left_out(more_cats, "categories", len(cats)))
    return chart_result(fig, axes)
