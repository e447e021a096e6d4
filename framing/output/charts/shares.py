"""Stance shares per outlet as bars with interval whiskers (:func:`plot_label_shares`)."""

from __future__ import annotations

import numpy as np

from framing.errors import FramingError
from framing.output.charts.labels import label, labels, left_out, name_list
from framing.output.charts.style import (
    MAX_ROWS,
    STANCE_COLORS,
    STANCES,
    chart_result,
    fit_panels,
    footnote,
    panels,
    percent_axis,
    stance_handles,
    styled,
)
from framing.output.charts.tables import (
    check_stances,
    group_columns,
    group_labels,
    interval_note,
    pick,
    require,
    stance_matrix,
    unique,
)

__all__ = ["plot_label_shares"]


@styled
def plot_label_shares(shares, *, referent=None, kind: str = "dodge", ax=None):
    """Stance shares per group (outlet) with interval whiskers.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`framing.label_shares`: group columns, ``referent``, ``stance``,
        ``share``, ``lo``, ``hi`` (one row per group, referent and stance).
        Several group columns are joined into one label.
    referent : str, optional
        Draw this referent only (one Axes).  ``None``: one panel per referent;
        referents without any labels get no panel and are named in a note under
        the panels.
    kind : {"dodge", "stack"}
        ``"dodge"``: three horizontal bars per group, side by side, whiskers from
        ``lo`` to ``hi``.  ``"stack"``: one bar per group split into the three
        shares; each whisker sits on the right edge of its segment and spans that
        share's interval width.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (needs a single referent).

    Returns
    -------
    (Figure, Axes) or (Figure, numpy.ndarray of Axes)
        Bars are ``ax.patches`` (groups x 3, NaN shares drawn with zero length);
        groups run top to bottom in table order. Groups without any label for the
        drawn referents get no row and are named in the note under the panels.
        At most :data:`~framing.output.charts.style.MAX_ROWS` groups and the panels that
        fit :data:`~framing.output.charts.style.MAX_INCHES` are drawn; the note names the rest.
    """
    require(shares, ["referent", "stance", "share", "lo", "hi"], "shares", "framing.label_shares")
    if kind not in ("dodge", "stack"):
        raise FramingError(f"kind: expected 'dodge' or 'stack', got {kind!r}")
    check_stances(shares, "shares")
    df = shares.assign(_group=group_labels(shares, group_columns(shares)))
    referents = unique(df["referent"])
    empty = []
    if referent is not None:
        referents = [pick(referents, referent, "referent", "shares")]
    else:
        drawn = df.loc[df["share"].notna(), "referent"]
        empty = [r for r in referents if r not in set(drawn)]
        referents = [r for r in referents if r not in empty] or referents
        if len(referents) == len(empty):
            empty = []
    if ax is not None and len(referents) > 1:
        raise FramingError(f"ax: one Axes holds one referent, the table has {referents}; "
                           "pass referent=... or leave ax=None for one panel per referent")
    groups = unique(df["_group"])
    drawn_df = df[df["referent"].isin(referents)]
    with_labels = set(drawn_df.loc[drawn_df["share"].notna(), "_group"])
    silent = [g for g in groups if g not in with_labels]
    if silent and len(silent) < len(groups):  # outlets without any label: named, not drawn as empty rows
        groups = [g for g in groups if g in with_labels]
    else:
        silent = []
    groups, more_groups = groups[:MAX_ROWS], groups[MAX_ROWS:]
    more_refs: list = []
    if ax is None:
        height = 0.9 + (0.55 if kind == "dodge" else 0.3) * len(groups)
        k = fit_panels(len(referents), ncols=2, panel=(5.2, height))
        referents, more_refs = referents[:k], referents[k:]
        fig, axes = panels(len(referents), ncols=2, panel=(5.2, height), sharex=True)
    else:
        fig, axes = ax.figure, [ax]

    for a, ref in zip(axes, referents, strict=True):
        sub = df[df["referent"] == ref]
        share = stance_matrix(sub, groups, "_group", "share", "shares")
        lo = stance_matrix(sub, groups, "_group", "lo", "shares")
        hi = stance_matrix(sub, groups, "_group", "hi", "shares")
        _share_bars(a, groups, share, lo, hi, kind)
        a.set_title(label(ref))
        a.set_xlim(0, 1)
        percent_axis(a.xaxis)
        a.set_xlabel("share of labels")
        a.grid(axis="x", color="0.9", lw=0.6)
        a.set_axisbelow(True)
    if ax is None:
        fig.legend(handles=stance_handles(), loc="outside upper center", ncols=3, frameon=False)
    else:
        ax.legend(handles=stance_handles(), loc="best", fontsize="small")
    note = f"no labels, not drawn: {name_list(empty)}" if empty else ""
    if silent:
        note = "; ".join(x for x in (note, f"outlets without labels, not drawn: {name_list(silent)}") if x)
    limits = "; ".join(x for x in (left_out(more_groups, "groups", MAX_ROWS),
                                   left_out(more_refs, "referents", len(referents))) if x)
    if ax is None:  # said on the figure, not dropped silently
        footnote(fig, note, limits, interval_note(shares))
    else:
        footnote_ax = f" · {limits}" if limits else ""
        ax.set_xlabel(label(f"share of labels ({interval_note(shares)}){footnote_ax}", 400), fontsize=8)
    return chart_result(fig, axes)


def _share_bars(ax, groups, share, lo, hi, kind):
    y = np.arange(len(groups), dtype=float)
    err_kw = {"ecolor": "black", "elinewidth": 0.8, "capsize": 2}
    filled = np.nan_to_num(share)
    # whisker lengths; tiny negative values from rounding would make matplotlib raise
    below = np.clip(share - lo, 0, None)
    above = np.clip(hi - share, 0, None)
    if kind == "dodge":
        h = 0.8 / len(STANCES)
        for j, s in enumerate(STANCES):
            ax.barh(y + (j - 1) * h, filled[:, j], height=h, color=STANCE_COLORS[s], label=s,
                    xerr=np.vstack([below[:, j], above[:, j]]), error_kw=err_kw)
    else:
        left = np.zeros(len(groups))
        for j, s in enumerate(STANCES):
            ax.barh(y, filled[:, j], left=left, height=0.7, color=STANCE_COLORS[s], label=s,
                    edgecolor="white", linewidth=0.5)
            right = left + filled[:, j]
            ax.errorbar(right, y, xerr=np.vstack([below[:, j], above[:, j]]), fmt="none", **err_kw)
            left = right
    ax.set_yticks(y, labels=labels(groups))
    ax.set_ylim(len(groups) - 0.5, -0.5)  # first group on top

