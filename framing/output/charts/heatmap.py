"""Who gets called what: referent x stance shares as a heatmap, one panel per outlet
(:func:`plot_referent_heatmap`)."""

from __future__ import annotations

import numpy as np

from framing.errors import FramingError
from framing.output.charts.labels import label, labels, left_out, name_list
from framing.output.charts.style import (
    MAX_ROWS,
    STANCE_COLORS,
    STANCES,
    chart_result,
    cmap,
    fit_panels,
    footnote,
    panels,
    styled,
)
from framing.output.charts.tables import (
    check_stances,
    group_columns,
    group_labels,
    pick,
    require,
    stance_matrix,
    unique,
)

__all__ = ["plot_referent_heatmap"]


@styled
def plot_referent_heatmap(shares, *, outlet=None, ax=None):
    """Who gets called what: referent x stance shares, one panel per group.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`framing.label_shares` (``referent=None``): group column(s),
        ``referent``, ``stance``, ``share``.
    outlet : str, optional
        Draw this group only (one Axes); ``None``: one panel per group.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (needs a single group).

    Returns
    -------
    (Figure, Axes) or (Figure, numpy.ndarray of Axes)
        One image per Axes (``ax.images``), shared colour scale 0-1 (cividis),
        every cell annotated with its share ("–" where the referent has no labels).
        At most :data:`~framing.output.charts.style.MAX_ROWS` referents and the panels that fit
        (:func:`~framing.output.charts.style.fit_panels`) are drawn; the note names the rest.
    """
    require(shares, ["referent", "stance", "share"], "shares", "framing.label_shares")
    check_stances(shares, "shares")
    df = shares.assign(_group=group_labels(shares, group_columns(shares)))
    groups = unique(df["_group"])
    if outlet is not None:
        groups = [pick(groups, outlet, "outlet", "shares")]
    if ax is not None and len(groups) > 1:
        raise FramingError(f"ax: one Axes holds one outlet, the table has {groups}; pass outlet=...")
    referents = unique(df["referent"])
    referents, more_refs = referents[:MAX_ROWS], referents[MAX_ROWS:]
    silent = []
    if outlet is None:
        has = set(df.loc[df["share"].notna(), "_group"])
        silent = [g for g in groups if g not in has]
        if silent and len(silent) < len(groups):  # no empty panels: named under the figure instead
            groups = [g for g in groups if g in has]
        else:
            silent = []
    more_groups: list = []
    if ax is None:
        panel = (3.6, 0.8 + 0.42 * len(referents))
        k = fit_panels(len(groups), ncols=3, panel=panel)
        groups, more_groups = groups[:k], groups[k:]
        fig, axes = panels(len(groups), ncols=3, panel=panel, sharey=True)
    else:
        fig, axes = ax.figure, [ax]

    image = None
    for a, g in zip(axes, groups, strict=True):
        sub = df[df["_group"] == g]
        M = stance_matrix(sub.rename(columns={"referent": "_ref"}), referents, "_ref", "share", "shares")
        image = a.imshow(np.ma.masked_invalid(M), cmap=cmap(), vmin=0, vmax=1, aspect="auto")
        for i in range(M.shape[0]):
            for j in range(M.shape[1]):
                v = M[i, j]
                a.text(j, i, "–" if np.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize=9,
                       color="black" if np.isnan(v) or v > 0.55 else "white")
        a.set_xticks(range(len(STANCES)), labels=["delegit.", "neutral", "legit."])
        for tick, s in zip(a.get_xticklabels(), STANCES, strict=True):
            tick.set_color(STANCE_COLORS[s])
        a.set_yticks(range(len(referents)), labels=labels(referents))
        a.set_title(label(g), fontsize=10)
        a.tick_params(length=0)
    assert image is not None  # at least one group: require() refuses an empty table
    fig.colorbar(image, ax=list(axes), shrink=0.85, label="share of the referent's labels")
    footnote(fig, f"outlets without labels, not drawn: {name_list(silent)}" if silent else "",
             left_out(more_groups, "outlets", len(groups)), left_out(more_refs, "referents", MAX_ROWS))
    return chart_result(fig, axes)
