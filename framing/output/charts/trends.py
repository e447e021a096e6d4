"""Stance shares over time: one panel per stance (:func:`plot_trends`) or one per outlet
(:func:`plot_trends_by_outlet`), with interval bands and change-points."""

from __future__ import annotations

import numpy as np

from framing.errors import FramingError
from framing.output.charts.labels import label, labels, left_out, name_list, safe
from framing.output.charts.style import (
    MAX_PANELS,
    STANCE_COLORS,
    STANCES,
    chart_result,
    date_axis,
    fit_panels,
    footnote,
    group_style,
    ltr,
    panels,
    percent_axis,
    styled,
)
from framing.output.charts.tables import (
    check_stances,
    group_columns,
    group_labels,
    interval_note,
    pick,
    require,
    unique,
)
from framing.output.names import clip

__all__ = ["plot_trends", "plot_trends_by_outlet"]


@styled
def plot_trends(trends, *, referent, stance=None, change_points=None, ax=None):
    """Stance shares over time per group, with interval bands and change-points.

    Parameters
    ----------
    trends : pandas.DataFrame
        From :func:`framing.trends`: ``period``, group column(s), ``referent``,
        ``stance``, ``share``, ``lo``, ``hi`` (and ``share_smooth``: then the line
        follows the smoothed share and the raw shares are dots).
    referent : str
        The referent to draw.
    stance : str, optional
        One stance on one Axes; ``None``: three panels, one per stance.
    change_points : pandas.DataFrame, optional
        From :func:`framing.change_points`: group column(s), ``referent``,
        ``date`` and ``share_before:<stance>`` / ``share_after:<stance>`` (or
        ``stance_before`` / ``stance_after`` / ``shift``).  Each change of a drawn
        group is a dashed vertical line in the group's colour, annotated with the
        group and the shift of the stance's share ("62% → 18%").
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (needs ``stance``).

    Returns
    -------
    (Figure, Axes) or (Figure, numpy.ndarray of Axes)
        Per Axes: one line per group, then one vertical line per change-point;
        ``ax.collections`` hold the interval bands.  At most
        :data:`~framing.output.charts.style.MAX_PANELS` groups (lines) are drawn; the note names the rest.
    """
    require(trends, ["period", "referent", "stance", "share", "lo", "hi"], "trends", "framing.trends")
    check_stances(trends, "trends")
    gcols = group_columns(trends, skip=("period",))
    df = trends.assign(_group=group_labels(trends, gcols))
    df = df[df["referent"] == pick(unique(trends["referent"]), referent, "referent", "trends")]
    if stance is not None and stance not in STANCES:
        raise FramingError(f"stance: expected one of {list(STANCES)} or None, got {stance!r}")
    stances = [stance] if stance is not None else list(STANCES)
    if ax is not None and len(stances) > 1:
        raise FramingError("ax: one Axes holds one stance; pass stance=... or leave ax=None for one panel "
                           "per stance")
    groups = unique(df["_group"])
    groups, more = groups[:MAX_PANELS], groups[MAX_PANELS:]
    names = dict(zip(groups, labels(groups), strict=True))
    cps = _change_rows(change_points, gcols, referent, groups)
    if ax is None:
        fig, axes = panels(len(stances), ncols=1, panel=(9.0, 2.9), sharex=True, sharey=True)
    else:
        fig, axes = ax.figure, [ax]
    smooth = "share_smooth" in df.columns

    for a, st in zip(axes, stances, strict=True):
        part = df[df["stance"] == st]
        for i, g in enumerate(groups):
            s = part[part["_group"] == g].sort_values("period")
            style = group_style(i)
            x = s["period"].to_numpy()
            a.plot(x, s["share_smooth" if smooth else "share"].to_numpy(dtype=float), lw=1.6,
                   label=names[g], color=style["color"], linestyle=style["linestyle"])
            a.fill_between(x, s["lo"].to_numpy(dtype=float), s["hi"].to_numpy(dtype=float),
                           color=style["color"], alpha=0.15 if len(groups) <= 3 else 0.08, lw=0)
            if smooth:
                a.scatter(x, s["share"].to_numpy(dtype=float), s=6, color=style["color"], alpha=0.5)
        for k, (g, row) in enumerate(cps):
            _mark_change(a, row, st, g, group_style(groups.index(g))["color"], k)
        a.set_ylim(0, 1)
        percent_axis(a.yaxis)
        a.set_ylabel(f"share {st}", color=STANCE_COLORS[st])
        a.grid(color="0.92", lw=0.6)
        a.set_axisbelow(True)
    date_axis(axes[-1])
    axes[0].set_title(label(referent), loc="left")
    limits = left_out(more, "groups", MAX_PANELS)
    if ax is None:
        fig.legend(handles=axes[0].lines[: len(groups)], loc="outside right upper", frameon=False)
        footnote(fig, interval_note(trends, "bands"), limits)
    else:
        ax.legend(handles=ax.lines[: len(groups)], loc="best", fontsize="small")
        if limits:
            ax.set_xlabel(safe(limits), fontsize=8)
    return chart_result(fig, axes)


_SHORT = {"delegitimizing": "delegit.", "neutral": "neutral", "legitimizing": "legit."}


@styled
def plot_trends_by_outlet(trends, *, referent, change_points=None, outlets=None, ncols: int = 3):
    """Small multiples: one panel per group (outlet), the three stance shares over time in each.

    Parameters
    ----------
    trends : pandas.DataFrame
        From :func:`framing.trends`: ``period``, group column(s), ``referent``, ``stance``,
        ``share``, ``lo``, ``hi`` (``total`` when present: groups without any label for the
        referent get no panel and are named in the footnote).
    referent : str
        The referent to draw.
    change_points : pandas.DataFrame, optional
        From :func:`framing.change_points`. Only the changes in this table are marked (a dashed
        line in the group's panel), each labelled with the stance whose share moved most and its
        size, e.g. "delegit. 8% → 63%".
    outlets : list, optional
        The groups to draw, in this order (default: every group, in table order). Pass the top
        few of a corpus with many outlets.
    ncols : int, default 3
        Panels per row.

    Returns
    -------
    (Figure, Axes) or (Figure, numpy.ndarray of Axes)
        Per Axes: three lines (delegitimizing, neutral, legitimizing), their interval bands in
        ``ax.collections``, then one vertical line per change-point; the panel title is the group.
        The panels that fit (:func:`~framing.output.charts.style.fit_panels`) are drawn; the note
        names the rest.
    """
    require(trends, ["period", "referent", "stance", "share", "lo", "hi"], "trends", "framing.trends")
    check_stances(trends, "trends")
    gcols = group_columns(trends, skip=("period",))
    df = trends.assign(_group=group_labels(trends, gcols))
    df = df[df["referent"] == pick(unique(trends["referent"]), referent, "referent", "trends")]
    groups = unique(df["_group"])
    if outlets is not None:
        wanted = [str(o) for o in outlets]
        missing = [o for o in wanted if o not in groups]
        if missing:
            raise FramingError(f"outlets: no rows for {missing}; available: {groups}")
        groups = wanted
    empty = []
    if "total" in df.columns:
        has = set(df.loc[df["total"] > 0, "_group"])
        empty = [g for g in groups if g not in has]
        groups = [g for g in groups if g in has] or groups[:1]
    k = fit_panels(len(groups), ncols=ncols, panel=(3.9, 2.4))
    groups, more = groups[:k], groups[k:]
    cps = _change_rows(change_points, gcols, referent, groups)
    fig, axes = panels(len(groups), ncols=ncols, panel=(3.9, 2.4), sharex=True, sharey=True)
    names = dict(zip(groups, labels(groups), strict=True))
    for a, g in zip(axes, groups, strict=True):
        part = df[df["_group"] == g]
        for st in STANCES:
            s = part[part["stance"] == st].sort_values("period")
            x = s["period"].to_numpy()
            y = s["share"].to_numpy(dtype=float)
            a.plot(x, y, color=STANCE_COLORS[st], lw=1.5, label=st,
                   marker="o" if _isolated(y) else None, markersize=3)
            a.fill_between(x, s["lo"].to_numpy(dtype=float), s["hi"].to_numpy(dtype=float),
                           color=STANCE_COLORS[st], alpha=0.15, lw=0)
        for k, (_group, row) in enumerate(r for r in cps if r[0] == g):
            _mark_size(a, row, k)
        a.set_title(ltr(names[g]), fontsize=9, loc="left")
        a.set_ylim(0, 1)
        percent_axis(a.yaxis)
        a.grid(color="0.92", lw=0.6)
        a.set_axisbelow(True)
        a.tick_params(labelsize=8)
    cols = max(1, min(ncols, len(axes)))
    for i, a in enumerate(axes):
        date_axis(a)
        if i + cols >= len(axes):  # no panel below: this one shows the dates
            a.xaxis.set_tick_params(labelbottom=True)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=STANCE_COLORS[s], lw=1.5, label=s) for s in STANCES]
    handles.append(Line2D([], [], color="0.2", lw=1, linestyle="--", label="change-point (test)"))
    fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=8)
    fig.suptitle(ltr(safe(f"{clip(referent)}: share of each stance per period")), fontsize=11, x=0.02, ha="left")
    note = f"no labels, not drawn: {name_list(empty)}" if empty else ""
    footnote(fig, interval_note(trends, "bands"), note, left_out(more, "groups", len(groups)))
    return chart_result(fig, axes)


def _isolated(y) -> bool:
    """True when some value has no neighbour to join with a line (it would not be drawn)."""
    ok = np.isfinite(np.asarray(y, dtype=float))
    prev = np.r_[False, ok[:-1]]
    nxt = np.r_[ok[1:], False]
    return bool((ok & ~prev & ~nxt).any())


def _mark_size(ax, row, k):
    """A change-point in its panel: dashed line, labelled with the largest stance shift."""
    import pandas as pd

    date = pd.Timestamp(row["date"])
    ax.axvline(date, color="0.2", linestyle="--", lw=1.0)
    best, size = None, -1.0
    for st in STANCES:
        b, a = row.get(f"share_before:{st}"), row.get(f"share_after:{st}")
        if b is not None and a is not None and pd.notna(b) and pd.notna(a) and abs(a - b) > size:
            best, size = (st, b, a), abs(a - b)
    if best is not None:
        st, b, a = best
        text, color = f"{_SHORT[st]} {b:.0%} → {a:.0%}", STANCE_COLORS[st]
    elif "stance_before" in row.index and pd.notna(row.get("stance_before")):
        text, color = label(f"{row['stance_before']} → {row['stance_after']}"), "0.2"
    else:
        text, color = date.strftime("%Y-%m"), "0.2"
    ax.annotate(text, xy=(date, 0.97 - 0.16 * (k % 3)), xycoords=("data", "axes fraction"),
                xytext=(3, 0), textcoords="offset points", ha="left", va="top", fontsize=7, color=color,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})


def _change_rows(change_points, gcols, referent, groups):
    """[(group label, row)] of the change-points to draw."""
    import pandas as pd

    if change_points is None:
        return []
    if isinstance(change_points, pd.DataFrame) and len(change_points) == 0:
        return []  # no change-point found: nothing to mark
    require(change_points, ["referent", "date", *gcols], "change_points", "framing.change_points")
    cp = change_points.assign(_group=group_labels(change_points, gcols))
    cp = cp[(cp["referent"] == referent) & cp["_group"].isin(groups)]
    return [(row["_group"], row) for _, row in cp.sort_values("date").iterrows()]


def _mark_change(ax, row, stance, group, color, k):
    import pandas as pd

    date = pd.Timestamp(row["date"])
    ax.axvline(date, color=color, linestyle="--", lw=1.1)
    before, after = row.get(f"share_before:{stance}"), row.get(f"share_after:{stance}")
    if before is not None and after is not None and pd.notna(before) and pd.notna(after):
        shift = f"{before:.0%} → {after:.0%}"
    elif "stance_before" in row.index and "stance_after" in row.index:
        shift = clip(f"{row['stance_before']} → {row['stance_after']}")
        if "shift" in row.index and pd.notna(row["shift"]):
            shift += f" (shift {row['shift']:.0%})"
    else:
        shift = date.strftime("%Y-%m")
    # group name and shift on separate lines: each line gets its own bidi paragraph,
    # so an Arabic name cannot reorder the numbers around the arrow
    ax.annotate(f"{label(group)}\n{safe(shift)}", xy=(date, 0.97 - 0.17 * (k % 4)), xycoords=("data", "axes fraction"),
                xytext=(4, 0), textcoords="offset points", ha="left", va="top", fontsize=8, color=color,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})


