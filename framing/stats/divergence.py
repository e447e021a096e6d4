"""Distances between category distributions: Jensen-Shannon divergence (:func:`js_divergence`), the
distance matrix of a table of distributions (:func:`js_distance_matrix`) and an order of its rows by
hierarchical clustering (:func:`cluster_order`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.stats.checks import check_values

__all__ = ["js_divergence", "js_distance_matrix", "cluster_order"]


def js_divergence(p, q, base: float = 2) -> float:
    """Jensen-Shannon divergence between two distributions (or count vectors).

    ``JSD = (KL(p || m) + KL(q || m)) / 2`` with ``m = (p + q) / 2``, after
    normalising each vector to sum 1.  With ``base=2`` it lies in [0, 1].  Its
    square root is the Jensen-Shannon *distance* returned by
    ``scipy.spatial.distance.jensenshannon``.

    Parameters
    ----------
    p, q : array-like
        Non-negative vectors of the same length (counts or probabilities).
    base : float, default 2
        Logarithm base.

    Returns
    -------
    float
        The divergence; NaN when either vector sums to 0.

    Examples
    --------
    >>> js_divergence([1, 0], [0, 1])
    1.0
    >>> js_divergence([3, 1], [6, 2])
    0.0
    """
    pa = check_values(p, "p").ravel()
    qa = check_values(q, "q").ravel()
    if pa.shape != qa.shape:
        raise FramingError(f"p, q: expected vectors of the same length, got {pa.size} and {qa.size}")
    if not (isinstance(base, (int, float)) and base > 0 and base != 1):
        raise FramingError(f"base: expected a positive logarithm base other than 1, got {base!r}")
    return float(_jsd_rows(pa[None, :], qa[None, :], base)[0])


def _jsd_rows(P: np.ndarray, Q: np.ndarray, base: float) -> np.ndarray:
    """Row-wise JSD between count matrices of equal shape (or broadcastable)."""
    from scipy.special import rel_entr

    with np.errstate(divide="ignore", invalid="ignore"):
        P = P / P.sum(axis=-1, keepdims=True)
        Q = Q / Q.sum(axis=-1, keepdims=True)
        M = (P + Q) / 2.0
        d = (rel_entr(P, M).sum(axis=-1) + rel_entr(Q, M).sum(axis=-1)) / (2.0 * math.log(base))
    return np.clip(d, 0.0, None)


def js_distance_matrix(dist_table: pd.DataFrame, base: float = 2) -> pd.DataFrame:
    """Pairwise Jensen-Shannon distances between the rows of a count table.

    Parameters
    ----------
    dist_table : pandas.DataFrame
        Rows = outlets (or any units), columns = categories, values = counts
        (or shares); each row is normalised to sum 1.
    base : float, default 2
        Logarithm base (base 2 bounds the distance by 1).

    Returns
    -------
    pandas.DataFrame
        Square, symmetric, zero diagonal, indexed and columned by the row
        labels; values are ``sqrt(JSD)`` as in scipy's ``jensenshannon``.  Rows
        whose counts are all 0 get NaN distances (their own diagonal too).

    Examples
    --------
    >>> t = pd.DataFrame({"a": [5, 5, 0], "b": [5, 5, 3]}, index=["x", "y", "z"])
    >>> js_distance_matrix(t).round(3).values.tolist()
    [[0.0, 0.0, 0.558], [0.0, 0.0, 0.558], [0.558, 0.558, 0.0]]
    """
    if not isinstance(dist_table, pd.DataFrame):
        raise FramingError(f"dist_table: expected a DataFrame (rows = outlets, columns = categories), "
                           f"got {type(dist_table).__name__}")
    X = check_values(dist_table.to_numpy(), "dist_table")
    r = X.shape[0]
    D = np.zeros((r, r))
    for i in range(r):  # one vectorised row against all others: memory O(r * k)
        D[i] = np.sqrt(_jsd_rows(X[i][None, :], X, base))
    D = (D + D.T) / 2.0
    np.fill_diagonal(D, 0.0)
    empty = X.sum(axis=1) <= 0
    D[empty, :] = np.nan
    D[:, empty] = np.nan
    return pd.DataFrame(D, index=dist_table.index.copy(), columns=dist_table.index.copy())


def cluster_order(dist_matrix: pd.DataFrame, method: str = "average") -> list:
    """Row labels in the leaf order of a hierarchical clustering.

    Uses ``scipy.cluster.hierarchy.linkage`` on the condensed distances with
    ``optimal_ordering=True``, so neighbouring labels are as similar as the
    tree allows -- a good order for heatmap rows and columns.

    Parameters
    ----------
    dist_matrix : pandas.DataFrame
        Square symmetric distance matrix with identical index and columns,
        e.g. from :func:`js_distance_matrix`.  No NaN allowed.
    method : str, default "average"
        Linkage method ("single", "complete", "average", "weighted", ...).

    Returns
    -------
    list
        The row labels, reordered.

    Examples
    --------
    >>> d = pd.DataFrame([[0, .9, .1], [.9, 0, .8], [.1, .8, 0]], index=list("abc"), columns=list("abc"))
    >>> cluster_order(d)
    ['b', 'c', 'a']
    """
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if not isinstance(dist_matrix, pd.DataFrame) or dist_matrix.shape[0] != dist_matrix.shape[1]:
        raise FramingError("dist_matrix: expected a square DataFrame of distances, got "
                           f"{getattr(dist_matrix, 'shape', type(dist_matrix).__name__)}")
    if not dist_matrix.index.equals(dist_matrix.columns):
        raise FramingError("dist_matrix: expected the same labels in index and columns (same order)")
    D = np.asarray(dist_matrix.to_numpy(), dtype=float)
    labels = list(dist_matrix.index)
    if len(labels) == 0:
        raise FramingError("dist_matrix: expected at least one row, got an empty matrix")
    if np.isnan(D).any():
        rows = [labels[i] for i in np.unique(np.argwhere(np.isnan(D))[:, 0])]
        raise FramingError(f"dist_matrix: NaN distances for rows {rows[:5]}; drop rows with no counts first")
    if (D < 0).any() or not np.allclose(D, D.T, atol=1e-12):
        raise FramingError("dist_matrix: expected a symmetric matrix of non-negative distances")
    if len(labels) < 3:
        return labels
    Z = linkage(squareform(D, checks=False), method=method, optimal_ordering=True)
    return [labels[i] for i in leaves_list(Z)]
