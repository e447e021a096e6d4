"""The Fightin'-Words chart: a comparison's scores against term frequency, the strongest terms
labelled in a column beside the axes (:func:`plot_fightin_words`)."""

from __future__ import annotations

import logging

import numpy as np

from framing.errors import FramingError
from framing.output.charts.labels import label, safe
from framing.output.charts.style import MAX_ROWS, STANCE_COLORS, footnote, ltr, styled
from framing.output.charts.tables import pick, require, unique
from framing.output.names import clip

logger = logging.getLogger(__name__)

__all__ = ["plot_fightin_words"]

#: two-sided 5 % critical value of a standard normal z-score
Z95 = 1.959963984540054


def _term_labels(table):
    """Term labels; a label term shared by several referents is followed by its referent ("term · referent")."""
    terms = table["term"].astype(str).to_numpy()
    out = np.array([label(t) for t in terms], dtype=object)
    if "referent" not in table.columns:
        return out
    referents = table["referent"]
    shared = table.groupby("term")["referent"].transform("nunique").to_numpy() > 1
    for i in np.flatnonzero(shared & referents.notna().to_numpy()):
        out[i] = safe(f"{clip(terms[i], 32)} · {clip(referents.iloc[i], 24)}")
    return out


@styled
def plot_fightin_words(comparison, *, outlet, top: int = 10, reference=None, threshold: float = Z95, ax=None):
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
        ``threshold`` (at most :data:`~framing.output.charts.style.MAX_ROWS` each, and as
        many as the column beside the axes holds).
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
        frequency in both corpora together (log scale; linear, with a note in the
        axes, when no term has a count and a score to draw).
    """
    require(comparison, ["outlet", "reference", "term", "count", "count_reference", "score"],
             "comparison", "framing.compare_outlets")
    if not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 0:
        raise FramingError(f"top: expected a non-negative int, got {top!r}")
    if not (isinstance(threshold, (int, float, np.floating)) and threshold >= 0):
        raise FramingError(f"threshold: expected a non-negative number, got {threshold!r}")
    sub = comparison[comparison["outlet"] == pick(unique(comparison["outlet"]), outlet, "outlet",
                                                      "comparison")]
    refs = unique(sub["reference"])
    if reference is None:
        if len(refs) > 1:
            raise FramingError(f"reference: {outlet!r} is compared with {refs}; pass reference=... to pick one")
        reference = refs[0]
    sub = sub[sub["reference"] == pick(refs, reference, "reference", "comparison")]
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

    ref_name = "the other outlets" if str(reference) == "rest" else clip(reference)
    up, down = y >= threshold, y <= -threshold
    mid = ~(up | down)
    ax.axhspan(-threshold, threshold, color="0.93", lw=0, zorder=0)
    ax.axhline(0, color="0.75", lw=0.6, zorder=0)
    ax.scatter(freq[mid], y[mid], s=9, color="0.65", lw=0, zorder=2)
    colors = {"up": STANCE_COLORS["legitimizing"], "down": STANCE_COLORS["delegitimizing"]}
    ax.scatter(freq[up], y[up], s=14, color=colors["up"], lw=0, zorder=3, label=safe(f"more in {clip(outlet)}"))
    ax.scatter(freq[down], y[down], s=14, color=colors["down"], lw=0, zorder=3, label=safe(f"more in {ref_name}"))
    if len(freq):  # every drawn frequency is > 0
        ax.set_xscale("log")
        ax.set_xlabel("term frequency (both sides together, log scale)")
    else:  # a log axis has nothing to scale: a plain one, and why it is empty
        ax.set_xlabel("term frequency (both sides together)")
        ax.set_xlim(0, 1)
        ax.text(0.5, 0.5, "no term with a count and a score to draw", transform=ax.transAxes, ha="center",
                va="center", color="0.35")
    ax.set_ylabel("z-score (log-odds ratio)" if ycol == "z" or _is_log_odds(comparison) else "score")
    ax.set_title(ltr(safe(f"{clip(outlet)}  vs  {ref_name}")))

    order = np.argsort(-y, kind="stable")
    top = min(int(top), MAX_ROWS)
    picked_up = [i for i in order if up[i]][:top]
    picked_down = [i for i in order[::-1] if down[i]][:top]
    ax.margins(y=0.12)
    if len(freq):
        ax.legend(loc="lower left", fontsize="small", frameon=False)
    ax.grid(color="0.93", lw=0.5)
    if ax is fig.axes[0] and len(fig.axes) == 1:
        footnote(fig, f"grey band: |z| < {threshold:.2f} (two-sided 5% level for a z-score); "
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
    color_of = dict(zip(idx, colors, strict=True))
    idx = sorted(idx, key=lambda i: -abs(y[i]))  # strongest first (kept when space runs out)
    anns = []
    for i in idx:
        c = color_of[i]
        ann = ax.annotate(terms[i], xy=(x[i], y[i]), xycoords="data", xytext=(1.03, 0.5),
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
        for (_, a), p in zip(anns, pos, strict=True):
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
    for k, p in zip(order, pos, strict=True):
        out[k] = p
    return out


def _is_log_odds(comparison) -> bool:
    return str(comparison.attrs.get("method", "")) == "log_odds"
