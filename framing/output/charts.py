"""Charts of the analysis tables (matplotlib, object API).

Every function takes a table documented in ``docs/design.md`` ("Analysis tables"),
draws it on a new :class:`matplotlib.figure.Figure` (or on the ``ax=`` you pass,
where one Axes is enough) and returns ``(fig, ax)``; small multiples return
``(fig, axes)`` with ``axes`` a 1-d numpy array.  Nothing here calls
``pyplot.show`` or touches pyplot's global figure list, so figures are garbage
collected like any object; save them with :func:`save_figure` or let Jupyter
display them.

Arabic text
-----------
Outlet names, referents and terms are often Arabic.  matplotlib >= 3.11 lays
text out through libraqm (FriBiDi + HarfBuzz, bundled in its ``ft2font``
extension), so Arabic is joined and ordered right to left by the Agg renderer
itself.  Do **not** pre-process strings with a letter-reshaping or bidi-reordering package:
that output is presentation forms in visual order, which the shaper would then
reverse a second time.  The charts draw under :func:`rc_params` (via
``matplotlib.rc_context``, never globally): a font family list that starts with
DejaVu Sans (Arabic and Latin glyphs, shipped with matplotlib) and falls back to
other installed Arabic fonts, and ``text.language = "ar"`` so that HarfBuzz uses
Arabic language rules where a font has any.

Colours
-------
Stances always come in the order delegitimizing, neutral, legitimizing and in
fixed colours from the Okabe-Ito palette (distinguishable with the common colour
vision deficiencies): vermillion, grey, blue (:data:`STANCE_COLORS`).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import numpy as np

from framing.errors import FramingError

logger = logging.getLogger(__name__)

__all__ = [
    "STANCES",
    "STANCE_COLORS",
    "rc_params",
    "plot_label_shares",
    "plot_trends",
    "plot_trends_by_outlet",
    "plot_referent_heatmap",
    "plot_fightin_words",
    "plot_outlet_distance",
    "plot_category_rates",
    "save_figure",
    "interval_note",
    "with_display_names",
]

STANCES = ("delegitimizing", "neutral", "legitimizing")
#: Okabe-Ito vermillion, a mid grey, Okabe-Ito blue.
STANCE_COLORS = {"delegitimizing": "#D55E00", "neutral": "#8C8C8C", "legitimizing": "#0072B2"}
# Colours for outlets (lines): the rest of the Okabe-Ito palette first, black first.
_GROUP_COLORS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#999999")
_GROUP_STYLES = ("-", "--", ":", "-.")
# Font families in order of preference; only the installed ones are used.
# DejaVu Sans covers Arabic and Latin; the others catch glyphs it lacks.
FONT_FAMILIES = ("DejaVu Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans", "Amiri",
                 "Arial", "Tahoma")
_Z95 = 1.959963984540054


# --------------------------------------------------------------------------- style


@functools.lru_cache(maxsize=1)
def _installed_families() -> frozenset:
    from matplotlib import font_manager

    return frozenset(f.name for f in font_manager.fontManager.ttflist)


def rc_params() -> dict:
    """The matplotlib settings the charts are drawn under.

    Returns
    -------
    dict
        ``font.family``: your own ``font.family`` first if you changed it from
        matplotlib's default (e.g. to an installed "Noto Naskh Arabic"), then the
        installed families of :data:`FONT_FAMILIES` (DejaVu Sans first), so every
        glyph falls back to a font that has it; ``text.language``: yours if set,
        else ``"ar"``.  Use it for your own figures with
        ``matplotlib.rc_context(framing.output.charts.rc_params())``.

    Examples
    --------
    >>> "DejaVu Sans" in rc_params()["font.family"]
    True
    """
    import matplotlib

    user = list(matplotlib.rcParams["font.family"])
    families = [f for f in FONT_FAMILIES if f in _installed_families()]
    if "DejaVu Sans" not in families:  # ships with matplotlib; keep it in any case
        families.insert(0, "DejaVu Sans")
    if user != ["sans-serif"]:
        families = user + [f for f in families if f not in user]
    return {"font.family": families, "text.language": matplotlib.rcParams["text.language"] or "ar"}


def _styled(func):
    """Run a chart function under :func:`rc_params` (texts take the font at creation)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(rc_params()):
            return func(*args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- helpers


def _require(table, columns, name: str, producer: str):
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise FramingError(f"{name}: expected a DataFrame from {producer}, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise FramingError(f"{name}: missing columns {missing} (has {list(table.columns)}); "
                           f"pass the table returned by {producer}")
    if len(table) == 0:
        raise FramingError(f"{name}: the table is empty; nothing to draw")


def _group_columns(table, skip=()) -> list[str]:
    """The group columns: those before ``referent`` (design.md: group columns come first)."""
    cols = list(table.columns)
    return [c for c in cols[: cols.index("referent")] if c not in skip]


def _group_labels(table, gcols):
    """One display label per row from the group columns (joined with ' · ')."""
    import pandas as pd

    if not gcols:
        return pd.Series("all", index=table.index)
    parts = [table[c].map(_fmt) for c in gcols]
    out = parts[0]
    for p in parts[1:]:
        out = out + " · " + p
    return out


def _fmt(value) -> str:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) else str(value)
    return str(value)


def _ltr(text: str) -> str:
    """Start an English sentence that may begin with an Arabic name as a left-to-right paragraph.

    Without the mark (U+200E, invisible) a text whose first strong letter is Arabic
    is a right-to-left paragraph, and "نجمة vs rest" would read "vs rest نجمة".
    """
    return "\u200e" + text


def interval_note(table, what: str = "whiskers") -> str:
    """How the intervals of a table were computed, in one line for a chart (from its ``attrs``).

    >>> import pandas as pd
    >>> t = pd.DataFrame(); t.attrs.update(method="bootstrap", ci=0.95)
    >>> interval_note(t)
    'whiskers: 95% percentile-bootstrap intervals over documents'
    """
    attrs = getattr(table, "attrs", None) or {}
    method, ci = attrs.get("method"), attrs.get("ci")
    level = f"{ci:.0%} " if isinstance(ci, (int, float)) else ""
    if method == "bootstrap":
        return f"{what}: {level}percentile-bootstrap intervals over documents"
    if method == "wilson":
        return f"{what}: {level}Wilson score intervals (labels counted as independent)"
    if method == "dirichlet":
        return f"{what}: {level}Dirichlet posterior intervals"
    if method:
        return f"{what}: {level}{method} intervals"
    return f"{what}: the table's lo–hi intervals (method not recorded in its attrs)"


def with_display_names(table, lexicon):
    """A copy of an analysis table with each ``referent`` replaced by its display name from the
    lexicon (``Referent.label``, e.g. "Haftar's camp" for ``haftar_camp``), for charts people read.

    >>> import pandas as pd
    >>> with_display_names(pd.DataFrame({"referent": ["haftar_camp"]}), "libya")["referent"].tolist()
    ["Haftar's camp"]
    """
    from framing.lexicon.load import as_lexicon

    lex = as_lexicon(lexicon)
    out = table.copy()
    names = {r: (lex.display_name(r) if hasattr(lex, "display_name") else str(r).replace("_", " "))
             for r in out["referent"].dropna().unique()}
    out["referent"] = out["referent"].map(lambda r: names.get(r, r))
    out.attrs = dict(table.attrs)
    return out


def _footnote(fig, *parts):
    """One grey line under the figure (notes joined with ' · ')."""
    text = " · ".join(p for p in parts if p)
    if text:
        fig.supxlabel(_ltr(text), fontsize=8, color="0.35")


def _unique(values) -> list:
    """Unique values in order of first appearance."""
    return list(dict.fromkeys(values))


def _check_stances(table, name: str):
    bad = sorted(set(map(str, table["stance"])) - set(STANCES))
    if bad:
        raise FramingError(f"{name}: column 'stance' holds {bad}; expected only {list(STANCES)}")


def _pick(values: list, wanted, what: str, name: str):
    if wanted not in values:
        raise FramingError(f"{name}: no rows for {what} {wanted!r}; available: {values}")
    return wanted


def _panels(n: int, *, ncols: int, panel: tuple[float, float], sharex=False, sharey=False):
    """A constrained-layout figure with ``n`` panels (extra grid cells removed)."""
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
    grid = fig.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=False)
    axes = list(grid.ravel())
    for extra in axes[n:]:
        fig.delaxes(extra)
    return fig, axes[:n]


def _result(fig, axes):
    return (fig, axes[0]) if len(axes) == 1 else (fig, np.array(axes, dtype=object))


def _stance_handles():
    from matplotlib.patches import Patch

    return [Patch(facecolor=STANCE_COLORS[s], label=s) for s in STANCES]


def _percent_axis(axis):
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))


def _matrix(sub, rows, row_col: str, value: str, name: str):
    """rows x STANCES array of ``value`` from a long table (NaN where absent)."""
    dup = sub.duplicated([row_col, "stance"])
    if dup.any():
        first = sub.loc[dup].iloc[0]
        raise FramingError(f"{name}: several rows for {row_col}={first[row_col]!r}, stance={first['stance']!r}; "
                           "expected one row per group, referent and stance (filter the table first)")
    wide = sub.pivot(index=row_col, columns="stance", values=value)
    return wide.reindex(index=rows, columns=list(STANCES)).to_numpy(dtype=float)


# --------------------------------------------------------------------------- label shares


@_styled
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
    """
    _require(shares, ["referent", "stance", "share", "lo", "hi"], "shares", "framing.label_shares")
    if kind not in ("dodge", "stack"):
        raise FramingError(f"kind: expected 'dodge' or 'stack', got {kind!r}")
    _check_stances(shares, "shares")
    df = shares.assign(_group=_group_labels(shares, _group_columns(shares)))
    referents = _unique(df["referent"])
    empty = []
    if referent is not None:
        referents = [_pick(referents, referent, "referent", "shares")]
    else:
        drawn = df.loc[df["share"].notna(), "referent"]
        empty = [r for r in referents if r not in set(drawn)]
        referents = [r for r in referents if r not in empty] or referents
        if len(referents) == len(empty):
            empty = []
    if ax is not None and len(referents) > 1:
        raise FramingError(f"ax: one Axes holds one referent, the table has {referents}; "
                           "pass referent=... or leave ax=None for one panel per referent")
    groups = _unique(df["_group"])
    drawn_df = df[df["referent"].isin(referents)]
    with_labels = set(drawn_df.loc[drawn_df["share"].notna(), "_group"])
    silent = [g for g in groups if g not in with_labels]
    if silent and len(silent) < len(groups):  # outlets without any label: named, not drawn as empty rows
        groups = [g for g in groups if g in with_labels]
    else:
        silent = []
    if ax is None:
        height = 0.9 + (0.55 if kind == "dodge" else 0.3) * len(groups)
        fig, axes = _panels(len(referents), ncols=2, panel=(5.2, height), sharex=True)
    else:
        fig, axes = ax.figure, [ax]

    for a, ref in zip(axes, referents):
        sub = df[df["referent"] == ref]
        share = _matrix(sub, groups, "_group", "share", "shares")
        lo = _matrix(sub, groups, "_group", "lo", "shares")
        hi = _matrix(sub, groups, "_group", "hi", "shares")
        _share_bars(a, groups, share, lo, hi, kind)
        a.set_title(str(ref))
        a.set_xlim(0, 1)
        _percent_axis(a.xaxis)
        a.set_xlabel("share of labels")
        a.grid(axis="x", color="0.9", lw=0.6)
        a.set_axisbelow(True)
    if ax is None:
        fig.legend(handles=_stance_handles(), loc="outside upper center", ncols=3, frameon=False)
    else:
        ax.legend(handles=_stance_handles(), loc="best", fontsize="small")
    note = f"no labels, not drawn: {', '.join(map(str, empty))}" if empty else ""
    if silent:
        shown = ", ".join(map(str, silent[:6])) + (f" and {len(silent) - 6} more" if len(silent) > 6 else "")
        note = "; ".join(x for x in (note, f"outlets without labels, not drawn: {shown}") if x)
    if ax is None:  # said on the figure, not dropped silently
        _footnote(fig, note, interval_note(shares))
    else:
        ax.set_xlabel(f"share of labels ({interval_note(shares)})", fontsize=8)
    return _result(fig, axes)


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
    ax.set_yticks(y, labels=groups)
    ax.set_ylim(len(groups) - 0.5, -0.5)  # first group on top


# --------------------------------------------------------------------------- trends


def _group_style(i: int) -> dict:
    return {"color": _GROUP_COLORS[i % len(_GROUP_COLORS)],
            "linestyle": _GROUP_STYLES[(i // len(_GROUP_COLORS)) % len(_GROUP_STYLES)]}


@_styled
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
        ``ax.collections`` hold the interval bands.
    """
    _require(trends, ["period", "referent", "stance", "share", "lo", "hi"], "trends", "framing.trends")
    _check_stances(trends, "trends")
    gcols = _group_columns(trends, skip=("period",))
    df = trends.assign(_group=_group_labels(trends, gcols))
    df = df[df["referent"] == _pick(_unique(trends["referent"]), referent, "referent", "trends")]
    if stance is not None and stance not in STANCES:
        raise FramingError(f"stance: expected one of {list(STANCES)} or None, got {stance!r}")
    stances = [stance] if stance is not None else list(STANCES)
    if ax is not None and len(stances) > 1:
        raise FramingError("ax: one Axes holds one stance; pass stance=... or leave ax=None for one panel "
                           "per stance")
    groups = _unique(df["_group"])
    cps = _change_rows(change_points, gcols, referent, groups)
    if ax is None:
        fig, axes = _panels(len(stances), ncols=1, panel=(9.0, 2.9), sharex=True, sharey=True)
    else:
        fig, axes = ax.figure, [ax]
    smooth = "share_smooth" in df.columns

    for a, st in zip(axes, stances):
        part = df[df["stance"] == st]
        for i, g in enumerate(groups):
            s = part[part["_group"] == g].sort_values("period")
            style = _group_style(i)
            x = s["period"].to_numpy()
            a.plot(x, s["share_smooth" if smooth else "share"].to_numpy(dtype=float), lw=1.6,
                   label=g, **style)
            a.fill_between(x, s["lo"].to_numpy(dtype=float), s["hi"].to_numpy(dtype=float),
                           color=style["color"], alpha=0.15 if len(groups) <= 3 else 0.08, lw=0)
            if smooth:
                a.scatter(x, s["share"].to_numpy(dtype=float), s=6, color=style["color"], alpha=0.5)
        for k, (g, row) in enumerate(cps):
            _mark_change(a, row, st, g, _group_style(groups.index(g))["color"], k)
        a.set_ylim(0, 1)
        _percent_axis(a.yaxis)
        a.set_ylabel(f"share {st}", color=STANCE_COLORS[st])
        a.grid(color="0.92", lw=0.6)
        a.set_axisbelow(True)
    _date_axis(axes[-1])
    axes[0].set_title(str(referent), loc="left")
    if ax is None:
        fig.legend(handles=axes[0].lines[: len(groups)], loc="outside right upper", frameon=False)
        _footnote(fig, interval_note(trends, "bands"))
    else:
        ax.legend(handles=ax.lines[: len(groups)], loc="best", fontsize="small")
    return _result(fig, axes)


_SHORT = {"delegitimizing": "delegit.", "neutral": "neutral", "legitimizing": "legit."}


@_styled
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
    """
    _require(trends, ["period", "referent", "stance", "share", "lo", "hi"], "trends", "framing.trends")
    _check_stances(trends, "trends")
    gcols = _group_columns(trends, skip=("period",))
    df = trends.assign(_group=_group_labels(trends, gcols))
    df = df[df["referent"] == _pick(_unique(trends["referent"]), referent, "referent", "trends")]
    groups = _unique(df["_group"])
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
    cps = _change_rows(change_points, gcols, referent, groups)
    fig, axes = _panels(len(groups), ncols=ncols, panel=(3.9, 2.4), sharex=True, sharey=True)
    for a, g in zip(axes, groups):
        part = df[df["_group"] == g]
        for st in STANCES:
            s = part[part["stance"] == st].sort_values("period")
            x = s["period"].to_numpy()
            y = s["share"].to_numpy(dtype=float)
            a.plot(x, y, color=STANCE_COLORS[st], lw=1.5, label=st,
                   marker="o" if _isolated(y) else None, markersize=3)
            a.fill_between(x, s["lo"].to_numpy(dtype=float), s["hi"].to_numpy(dtype=float),
                           color=STANCE_COLORS[st], alpha=0.15, lw=0)
        for k, (cg, row) in enumerate(r for r in cps if r[0] == g):
            _mark_size(a, row, k)
        a.set_title(_ltr(str(g)), fontsize=9, loc="left")
        a.set_ylim(0, 1)
        _percent_axis(a.yaxis)
        a.grid(color="0.92", lw=0.6)
        a.set_axisbelow(True)
        a.tick_params(labelsize=8)
    cols = max(1, min(ncols, len(axes)))
    for i, a in enumerate(axes):
        _date_axis(a)
        if i + cols >= len(axes):  # no panel below: this one shows the dates
            a.xaxis.set_tick_params(labelbottom=True)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=STANCE_COLORS[s], lw=1.5, label=s) for s in STANCES]
    handles.append(Line2D([], [], color="0.2", lw=1, linestyle="--", label="change-point (test)"))
    fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=8)
    fig.suptitle(_ltr(f"{referent}: share of each stance per period"), fontsize=11, x=0.02, ha="left")
    note = f"no labels, not drawn: {', '.join(map(str, empty))}" if empty else ""
    _footnote(fig, interval_note(trends, "bands"), note)
    return _result(fig, axes)


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
        text, color = f"{row['stance_before']} → {row['stance_after']}", "0.2"
    else:
        text, color = date.strftime("%Y-%m"), "0.2"
    ax.annotate(text, xy=(date, 0.97 - 0.16 * (k % 3)), xycoords=("data", "axes fraction"),
                xytext=(3, 0), textcoords="offset points", ha="left", va="top", fontsize=7, color=color,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})


def _change_rows(change_points, gcols, referent, groups):
    """[(group label, row)] of the change-points to draw."""
    if change_points is None:
        return []
    if isinstance(change_points, __import__("pandas").DataFrame) and len(change_points) == 0:
        return []  # no change-point found: nothing to mark
    _require(change_points, ["referent", "date", *gcols], "change_points", "framing.change_points")
    cp = change_points.assign(_group=_group_labels(change_points, gcols))
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
        shift = f"{row['stance_before']} → {row['stance_after']}"
        if "shift" in row.index and pd.notna(row["shift"]):
            shift += f" (shift {row['shift']:.0%})"
    else:
        shift = date.strftime("%Y-%m")
    # group name and shift on separate lines: each line gets its own bidi paragraph,
    # so an Arabic name cannot reorder the numbers around the arrow
    ax.annotate(f"{group}\n{shift}", xy=(date, 0.97 - 0.17 * (k % 4)), xycoords=("data", "axes fraction"),
                xytext=(4, 0), textcoords="offset points", ha="left", va="top", fontsize=8, color=color,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})


def _date_axis(ax):
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


# --------------------------------------------------------------------------- heatmap


def _cmap():
    """cividis (readable with colour vision deficiencies), missing cells light grey."""
    import matplotlib

    return matplotlib.colormaps["cividis"].with_extremes(bad="0.85")


@_styled
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
    """
    _require(shares, ["referent", "stance", "share"], "shares", "framing.label_shares")
    _check_stances(shares, "shares")
    df = shares.assign(_group=_group_labels(shares, _group_columns(shares)))
    groups = _unique(df["_group"])
    if outlet is not None:
        groups = [_pick(groups, outlet, "outlet", "shares")]
    if ax is not None and len(groups) > 1:
        raise FramingError(f"ax: one Axes holds one outlet, the table has {groups}; pass outlet=...")
    referents = _unique(df["referent"])
    silent = []
    if outlet is None:
        has = set(df.loc[df["share"].notna(), "_group"])
        silent = [g for g in groups if g not in has]
        if silent and len(silent) < len(groups):  # no empty panels: named under the figure instead
            groups = [g for g in groups if g in has]
        else:
            silent = []
    if ax is None:
        fig, axes = _panels(len(groups), ncols=3, panel=(3.6, 0.8 + 0.42 * len(referents)), sharey=True)
    else:
        fig, axes = ax.figure, [ax]

    image = None
    for a, g in zip(axes, groups):
        sub = df[df["_group"] == g]
        M = _matrix(sub.rename(columns={"referent": "_ref"}), referents, "_ref", "share", "shares")
        image = a.imshow(np.ma.masked_invalid(M), cmap=_cmap(), vmin=0, vmax=1, aspect="auto")
        for i in range(M.shape[0]):
            for j in range(M.shape[1]):
                v = M[i, j]
                a.text(j, i, "–" if np.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize=9,
                       color="black" if np.isnan(v) or v > 0.55 else "white")
        a.set_xticks(range(len(STANCES)), labels=["delegit.", "neutral", "legit."])
        for tick, s in zip(a.get_xticklabels(), STANCES):
            tick.set_color(STANCE_COLORS[s])
        a.set_yticks(range(len(referents)), labels=[str(r) for r in referents])
        a.set_title(str(g), fontsize=10)
        a.tick_params(length=0)
    fig.colorbar(image, ax=list(axes), shrink=0.85, label="share of the referent's labels")
    if silent:
        shown = ", ".join(map(str, silent[:6])) + (f" and {len(silent) - 6} more" if len(silent) > 6 else "")
        _footnote(fig, f"outlets without labels, not drawn: {shown}")
    return _result(fig, axes)


# --------------------------------------------------------------------------- category rates


@_styled
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
        (``ax.lines`` / error bars); rows in table order, first on top.
    """
    from scipy.stats import chi2

    _require(categories, ["category", "words", "count"], "categories", "framing analyze (categories table)")
    gcol = categories.columns[0]
    df = categories.assign(_group=categories[gcol].map(_fmt))
    cats = _unique(df["category"])
    totals = df.groupby("category", sort=False)["count"].sum()
    silent = [c for c in cats if totals.get(c, 0) == 0]
    cats = [c for c in cats if c not in silent] or cats
    if len(cats) == len(silent):
        silent = []
    groups = _unique(df["_group"])
    fig, axes = _panels(len(cats), ncols=min(3, len(cats)), panel=(3.6, 0.9 + 0.32 * len(groups)), sharey=True)
    alpha = 1 - ci
    for a, c in zip(axes, cats):
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
        a.set_yticks(y, labels=groups)
        a.set_ylim(len(groups) - 0.5, -0.5)
        a.set_xlim(left=0)
        a.set_title(str(c).replace("_", " "), fontsize=10)
        a.set_xlabel("per 10,000 words", fontsize=8)
        a.grid(axis="x", color="0.9", lw=0.6)
        a.set_axisbelow(True)
    _footnote(fig, f"whiskers: {ci:.0%} exact Poisson intervals of each count (Garwood), per 10,000 words; "
              "terms repeated within an article make them a little narrow",
              f"no terms found, not drawn: {', '.join(str(c).replace('_', ' ') for c in silent)}" if silent else "")
    return _result(fig, axes)


# --------------------------------------------------------------------------- fightin' words


def _term_labels(table):
    """Term labels; a label term shared by several referents is followed by its referent ("term · referent")."""
    import numpy as np

    terms = table["term"].astype(str).to_numpy()
    if "referent" not in table.columns:
        return terms
    referents = table["referent"]
    shared = table.groupby("term")["referent"].transform("nunique").to_numpy() > 1
    out = terms.astype(object)
    for i in np.flatnonzero(shared & referents.notna().to_numpy()):
        out[i] = f"{terms[i]} · {referents.iloc[i]}"
    return out


@_styled
def plot_fightin_words(comparison, *, outlet, top: int = 10, reference=None, threshold: float = _Z95, ax=None):
    """The Fightin'-Words chart: score against term frequency, strongest terms labelled.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`framing.compare_outlets`: ``outlet``, ``reference``, ``term``,
        ``count``, ``count_reference``, ``score`` (a ``z`` column is preferred
        when present).
    outlet : str
        The target outlet (positive scores: terms it uses more).
    top : int, default 10
        Label the ``top`` highest and the ``top`` lowest scoring terms beyond
        ``threshold``.
    reference : str, optional
        Needed when the table holds several comparisons for ``outlet``
        (``mode="pairwise"``).
    threshold : float, default 1.96
        Half-width of the grey band; points beyond it are coloured.  1.96 is the
        two-sided 5 % level of a z-score (``method="log_odds"``); pass your
        statistic's own critical value for other methods.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    (Figure, Axes)
        Points are ``ax.collections`` (grey, target side, reference side);
        labels are ``ax.texts`` holding the terms.  The x axis is the term's
        frequency in both corpora together (log scale).
    """
    _require(comparison, ["outlet", "reference", "term", "count", "count_reference", "score"],
             "comparison", "framing.compare_outlets")
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 0:
        raise FramingError(f"top: expected a non-negative int, got {top!r}")
    if not (isinstance(threshold, (int, float, np.floating)) and threshold >= 0):
        raise FramingError(f"threshold: expected a non-negative number, got {threshold!r}")
    sub = comparison[comparison["outlet"] == _pick(_unique(comparison["outlet"]), outlet, "outlet",
                                                      "comparison")]
    refs = _unique(sub["reference"])
    if reference is None:
        if len(refs) > 1:
            raise FramingError(f"reference: {outlet!r} is compared with {refs}; pass reference=... to pick one")
        reference = refs[0]
    sub = sub[sub["reference"] == _pick(refs, reference, "reference", "comparison")]
    ycol = "z" if "z" in sub.columns else "score"
    freq = sub["count"].to_numpy(dtype=float) + sub["count_reference"].to_numpy(dtype=float)
    y = sub[ycol].to_numpy(dtype=float)
    keep = (freq > 0) & np.isfinite(y)
    if not keep.all():
        logger.debug("plot_fightin_words: %d terms without counts or score not drawn", int((~keep).sum()))
    terms = _term_labels(sub)[keep]
    freq, y = freq[keep], y[keep]
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8.5, 6), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure

    ref_name = "the other outlets" if str(reference) == "rest" else str(reference)
    up, down = y >= threshold, y <= -threshold
    mid = ~(up | down)
    ax.axhspan(-threshold, threshold, color="0.93", lw=0, zorder=0)
    ax.axhline(0, color="0.75", lw=0.6, zorder=0)
    ax.scatter(freq[mid], y[mid], s=9, color="0.65", lw=0, zorder=2)
    colors = {"up": STANCE_COLORS["legitimizing"], "down": STANCE_COLORS["delegitimizing"]}
    ax.scatter(freq[up], y[up], s=14, color=colors["up"], lw=0, zorder=3, label=f"more in {outlet}")
    ax.scatter(freq[down], y[down], s=14, color=colors["down"], lw=0, zorder=3, label=f"more in {ref_name}")
    ax.set_xscale("log")
    ax.set_xlabel("term frequency (both sides together, log scale)")
    ax.set_ylabel("z-score (log-odds ratio)" if ycol == "z" or _is_log_odds(comparison) else "score")
    ax.set_title(_ltr(f"{outlet}  vs  {ref_name}"))

    order = np.argsort(-y, kind="stable")
    picked_up = [i for i in order if up[i]][:top]
    picked_down = [i for i in order[::-1] if down[i]][:top]
    ax.margins(y=0.12)
    ax.legend(loc="lower left", fontsize="small", frameon=False)
    ax.grid(color="0.93", lw=0.5)
    if ax is fig.axes[0] and len(fig.axes) == 1:
        _footnote(fig, f"grey band: |z| < {threshold:.2f} (two-sided 5% level for a z-score); "
                  + ("labels in the column on the right, strongest terms of each side"
                     if picked_up or picked_down else "no term lies beyond the band"))
    _label_column(ax, freq, y, terms, picked_up + picked_down,
                  [colors["up"]] * len(picked_up) + [colors["down"]] * len(picked_down))
    return fig, ax


def _label_column(ax, x, y, terms, idx, colors):
    """Label points in a column right of the axes, in the order of their y, never overlapping.

    Each label sits at the height of its point when it can and is pushed up or down just enough
    to clear its neighbours (one line of text apart); a thin leader line joins the point to the
    label's left edge, so no line runs through a word. Labels are measured with the renderer
    after layout and placed again until no two boxes intersect; when the column cannot hold them
    all, the weakest are left out.
    """
    if not idx:
        return []
    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure: measure text with the Agg renderer
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    ylo, yhi = ax.get_ylim()
    ax.set_ylim(ylo, yhi)  # freeze: label positions are computed in axes fractions
    xlo, xhi = ax.get_xlim()
    ax.set_xlim(xlo, xhi)
    color_of = dict(zip(idx, colors))
    idx = sorted(idx, key=lambda i: -abs(y[i]))  # strongest first (kept when space runs out)
    anns = []
    for i in idx:
        c = color_of[i]
        ann = ax.annotate(str(terms[i]), xy=(x[i], y[i]), xycoords="data", xytext=(1.03, 0.5),
                          textcoords="axes fraction", fontsize=8.5, color=c, ha="left", va="center",
                          annotation_clip=False,
                          arrowprops={"arrowstyle": "-", "color": c, "lw": 0.45, "alpha": 0.8,
                                      "relpos": (0.0, 0.5), "shrinkA": 1, "shrinkB": 2})
        anns.append((i, ann))
    for _ in range(4):
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        heights = [_text_box(a, renderer).height for _, a in anns]
        gap = (max(heights) * 1.15 + 1.0) / max(box.height, 1.0)
        room = int(1.0 // gap)
        while len(anns) > max(room, 1):  # drop the weakest label
            _, a = anns.pop()
            a.remove()
        want = [(float(y[i]) - ylo) / (yhi - ylo) for i, _ in anns]
        pos = _spread(want, gap)
        for (_, a), p in zip(anns, pos):
            a.set_position((1.03, p))
        fig.draw_without_rendering()
        boxes = [_text_box(a, fig.canvas.get_renderer()) for _, a in anns]
        if not any(boxes[j].overlaps(boxes[k]) for j in range(len(boxes)) for k in range(j + 1, len(boxes))):
            break
    return [a for _, a in anns]


def _text_box(ann, renderer):
    """The box of an annotation's text alone (its window extent also spans the leader line)."""
    from matplotlib.text import Text

    return Text.get_window_extent(ann, renderer)


def _spread(want, gap):
    """Positions in [gap/2, 1 - gap/2], in the order of ``want``, at least ``gap`` apart, each as
    close to its wanted position as the others allow."""
    order = sorted(range(len(want)), key=lambda k: want[k])
    lo, hi = gap / 2, 1 - gap / 2
    pos = [min(max(want[k], lo), hi) for k in order]
    for j in range(1, len(pos)):  # push up
        pos[j] = max(pos[j], pos[j - 1] + gap)
    if pos and pos[-1] > hi:  # pushed past the top: push back down
        pos[-1] = hi
        for j in range(len(pos) - 2, -1, -1):
            pos[j] = min(pos[j], pos[j + 1] - gap)
    out = [0.0] * len(want)
    for k, p in zip(order, pos):
        out[k] = p
    return out


def _is_log_odds(comparison) -> bool:
    return str(comparison.attrs.get("method", "")) == "log_odds"


# --------------------------------------------------------------------------- distances


@_styled
def plot_outlet_distance(distance, ax=None):
    """Distance heatmap in dendrogram order, with the dendrogram on top.

    Parameters
    ----------
    distance : pandas.DataFrame
        From :func:`framing.outlet_distance`: square, index = columns = outlets;
        ``attrs["linkage"]`` (scipy linkage matrix) draws the dendrogram.  The
        linkage may refer to the rows in the table's order or in the order they
        had before clustering (checked against the distances).  Without it the
        linkage is computed here (average linkage, optimal leaf order).
    ax : matplotlib.axes.Axes, optional
        The heatmap Axes; the dendrogram goes into an inset above it
        (``ax.child_axes``).

    Returns
    -------
    (Figure, Axes)
        The heatmap Axes (one image, cells annotated with the distance).
    """
    import pandas as pd

    if not isinstance(distance, pd.DataFrame):
        raise FramingError(f"distance: expected a DataFrame from framing.outlet_distance, "
                           f"got {type(distance).__name__}")
    n = distance.shape[0]
    if n == 0 or distance.shape[1] != n or not distance.index.equals(distance.columns):
        raise FramingError(f"distance: expected a square table with the same outlets as index and columns, "
                           f"got shape {distance.shape}")
    try:
        D = distance.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise FramingError("distance: expected numeric distances") from None
    labels = [str(v) for v in distance.index]
    if ax is None:
        from matplotlib.figure import Figure

        side = 1.6 + 0.55 * n
        fig = Figure(figsize=(side + 1.6, side + 1.0), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure

    order = list(range(n))
    Z = _linkage(distance, D)
    if Z is not None:
        from scipy.cluster.hierarchy import dendrogram

        obs = _observation_positions(D, Z)
        dax = ax.inset_axes([0.0, 1.02, 1.0, 0.22])
        import warnings

        with warnings.catch_warnings():  # all merge heights 0 (identical outlets): a flat tree
            warnings.filterwarnings("ignore", "Attempting to set identical", UserWarning)
            tree = dendrogram(Z, ax=dax, no_labels=True, link_color_func=lambda _k: "0.25")
        if not np.any(np.asarray(Z)[:, 2] > 0):
            dax.set_ylim(0, 1)
        order = [obs[leaf] for leaf in tree["leaves"]]
        dax.set_xlim(0, 10 * n)  # leaves sit at 5, 15, 25, ...: aligned with the cells
        dax.set_axis_off()
    M = D[np.ix_(order, order)]
    names = [labels[i] for i in order]
    image = ax.imshow(np.ma.masked_invalid(M), cmap=_cmap(), vmin=0,
                      vmax=max(float(np.nanmax(M)) if np.isfinite(M).any() else 1.0, 1e-9), aspect="auto")
    if n <= 15:
        top_v = image.norm.vmax
        for i in range(n):
            for j in range(n):
                v = M[i, j]
                ax.text(j, i, "–" if np.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if np.isnan(v) or v > 0.55 * top_v else "white")
    ax.set_xticks(range(n), labels=names, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), labels=names)
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, shrink=0.8, label="Jensen–Shannon distance")
    if Z is None:
        ax.set_title("Jensen–Shannon distance")
    return fig, ax


def _linkage(distance, D):
    """The linkage matrix from attrs, or one computed here; None if it cannot be drawn."""
    n = D.shape[0]
    Z = distance.attrs.get("linkage")
    if Z is not None:
        Z = np.asarray(Z, dtype=float)
        if Z.shape != (n - 1, 4):
            raise FramingError(f"distance.attrs['linkage']: expected a scipy linkage matrix of shape "
                               f"({n - 1}, 4) for {n} outlets, got {Z.shape}")
        return Z if n >= 2 else None
    if n < 3 or not np.isfinite(D).all():
        logger.info("plot_outlet_distance: no dendrogram (%d outlets%s)", n,
                    "" if np.isfinite(D).all() else ", NaN distances")
        return None
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    return linkage(squareform((D + D.T) / 2, checks=False), method="average", optimal_ordering=True)


def _observation_positions(D, Z) -> list[int]:
    """Row position in ``D`` of each linkage observation.

    The linkage was built either on the rows in this order, or on an earlier order
    that was then rearranged into the leaf order.  Two singletons merge at their
    own distance, whatever the method; the hypothesis that agrees is used.
    """
    from scipy.cluster.hierarchy import leaves_list

    n = D.shape[0]
    same = list(range(n))
    rearranged = [0] * n  # observation leaves[k] is now row k
    for k, leaf in enumerate(leaves_list(Z.copy())):
        rearranged[int(leaf)] = k
    pairs = [(int(a), int(b), h) for a, b, h, _ in Z if a < n and b < n]
    for obs in (same, rearranged):
        if all(np.isclose(D[obs[a], obs[b]], h, rtol=1e-6, atol=1e-9) for a, b, h in pairs):
            return obs
    raise FramingError("distance.attrs['linkage']: its merge heights do not match the distances in the table, "
                       "so the dendrogram cannot be aligned; pass the table and linkage from "
                       "framing.outlet_distance unchanged (or drop attrs['linkage'])")


# --------------------------------------------------------------------------- saving


def save_figure(fig, path, *, dpi: int = 150, tight: bool = True) -> Path:
    """Write ``fig`` as PNG atomically (temporary file in the same folder, then ``os.replace``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or os.PathLike
        Target file; its folder must exist.  Always PNG, whatever the suffix.
    dpi : int, default 150
    tight : bool, default True
        Crop to the drawn content (``bbox_inches="tight"``, one more layout pass). A figure with
        constrained layout already fits its content: ``tight=False`` saves it faster.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    import matplotlib

    if not hasattr(fig, "savefig"):
        raise FramingError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    target = Path(os.fspath(path))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FramingError(f"path: folder {str(folder)!r} does not exist; create it before saving {target.name!r}")
    from framing.output.files import atomic_path

    with atomic_path(target) as tmp, matplotlib.rc_context(rc_params()):
        fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
        os.chmod(tmp, 0o644)
    return target
