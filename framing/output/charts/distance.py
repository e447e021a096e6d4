"""Distances between outlets as a heatmap in dendrogram order, the dendrogram on top
(:func:`plot_outlet_distance`)."""

from __future__ import annotations

import logging
import warnings

import numpy as np

from framing.errors import FramingError
from framing.output.charts.labels import labels, left_out
from framing.output.charts.style import MAX_ROWS, cmap, footnote, styled

logger = logging.getLogger(__name__)

__all__ = ["plot_outlet_distance"]


@styled
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

        At most :data:`~framing.output.charts.style.MAX_ROWS` outlets are drawn (the first in the
        table; the linkage is then computed for them); the note names the rest.

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
    more = [str(v) for v in distance.index[MAX_ROWS:]]
    if more:  # the first MAX_ROWS outlets; the table's linkage covers them all: computed again for these
        n = MAX_ROWS
        attrs = {k: v for k, v in distance.attrs.items() if k != "linkage"}
        distance = distance.iloc[:n, :n]
        distance.attrs = attrs
        D = D[:n, :n]
    names_of = labels([str(v) for v in distance.index])
    if ax is None:
        from matplotlib.figure import Figure

        # cells of 0.55 in while annotated (n <= 15), then narrower: the heatmap stays within 10 in, so that
        # the image drawn at the PNG's resolution stays small in memory
        side = 1.6 + (0.55 * n if n <= 15 else max(8.25, 0.25 * min(n, MAX_ROWS)))
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
        with warnings.catch_warnings():  # all merge heights 0 (identical outlets): a flat tree
            warnings.filterwarnings("ignore", "Attempting to set identical", UserWarning)
            tree = dendrogram(Z, ax=dax, no_labels=True, link_color_func=lambda _k: "0.25")
        if not np.any(np.asarray(Z)[:, 2] > 0):
            dax.set_ylim(0, 1)
        order = [obs[leaf] for leaf in tree["leaves"]]
        dax.set_xlim(0, 10 * n)  # leaves sit at 5, 15, 25, ...: aligned with the cells
        dax.set_axis_off()
    M = D[np.ix_(order, order)]
    names = [names_of[i] for i in order]
    image = ax.imshow(np.ma.masked_invalid(M), cmap=cmap(), vmin=0,
                      vmax=max(float(np.nanmax(M)) if np.isfinite(M).any() else 1.0, 1e-9), aspect="auto")
    if n <= 15:
        top_v = image.norm.vmax
        for i in range(n):
            for j in range(n):
                v = M[i, j]
                ax.text(j, i, "–" if np.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if np.isnan(v) or v > 0.55 * top_v else "white")
    size = 10 if n <= 15 else 8
    ax.set_xticks(range(n), labels=names, rotation=45, ha="right", rotation_mode="anchor", fontsize=size)
    ax.set_yticks(range(n), labels=names, fontsize=size)
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, shrink=0.8, label="Jensen–Shannon distance")
    if Z is None:
        ax.set_title("Jensen–Shannon distance")
    if more:
        footnote(fig, left_out(more, "outlets", MAX_ROWS))
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

