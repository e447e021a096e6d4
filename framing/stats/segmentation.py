"""Change points in count series: exact optimal partitioning of a multinomial
(:func:`multinomial_segmentation`) or binomial (:func:`binomial_segmentation`) series into segments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.stats.checks import check_positive_int, check_values

__all__ = ["multinomial_segmentation", "binomial_segmentation"]


def _multinomial_ll(C: np.ndarray) -> np.ndarray:
    """Maximised multinomial log-likelihood (without the constant) of rows of counts."""
    from scipy.special import xlogy

    n = C.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return xlogy(C, C / np.where(n > 0, n, 1.0)).sum(axis=-1)


def _optimal_partition(C: np.ndarray, max_changes: int, min_size: int, beta: float) -> list[int]:
    """Exact optimal partitioning of the rows of ``C`` (periods x K).

    Maximises ``sum of segment log-likelihoods - beta * (segments - 1)`` over
    segmentations with at most ``max_changes`` changes and segments of at
    least ``min_size`` rows, by dynamic programming over (segments, end):
    ``best[m, t] = max_s best[m-1, s] + ll(s, t)``.  O(max_changes * T^2 * K).
    Returns the segment start positions after the first (the change points).
    """
    T = C.shape[0]
    n_seg = min(max_changes + 1, T // min_size) if min_size <= T else 1
    if n_seg <= 1:
        return []
    cs = np.vstack([np.zeros((1, C.shape[1])), np.cumsum(C, axis=0)])
    best = np.full((n_seg + 1, T + 1), -np.inf)
    best[0, 0] = 0.0
    arg = np.zeros((n_seg + 1, T + 1), dtype=int)
    for t in range(min_size, T + 1):
        s = np.arange(0, t - min_size + 1)
        ll = _multinomial_ll(cs[t] - cs[s])
        for m in range(1, n_seg + 1):
            cand = best[m - 1, s] + ll
            j = int(np.argmax(cand))
            best[m, t] = cand[j]
            arg[m, t] = s[j]
    scores = best[1:, T] - beta * np.arange(n_seg)
    m = int(np.argmax(scores)) + 1  # first maximum: fewest changes on ties
    cuts, t = [], T
    for mm in range(m, 1, -1):
        t = arg[mm, t]
        cuts.append(int(t))
    return sorted(cuts)


def _penalty(penalty, n_params: int, n_total: float) -> float:
    if isinstance(penalty, str):
        if penalty == "bic":
            return (n_params + 1) / 2.0 * math.log(max(n_total, 2.0))
        if penalty == "aic":
            return float(n_params + 1)
        raise FramingError(f"penalty: expected 'bic', 'aic' or a number >= 0, got {penalty!r}")
    if isinstance(penalty, (int, float)) and not isinstance(penalty, bool) and math.isfinite(penalty) and penalty >= 0:
        return float(penalty)
    raise FramingError(f"penalty: expected 'bic', 'aic' or a number >= 0, got {penalty!r}")


def multinomial_segmentation(counts, *, max_changes: int = 3, min_size: int = 3, penalty="bic") -> pd.DataFrame:
    """Change points in a sequence of multinomial counts (periods x K categories).

    Finds the segmentation of the periods into at most ``max_changes + 1``
    contiguous segments, each with its own category shares, that maximises
    the multinomial log-likelihood minus ``beta`` per change.  The search is
    exact (optimal partitioning by dynamic programming), not greedy binary
    segmentation.

    * ``penalty="bic"``: ``beta = K/2 * log(N)``, i.e. BIC with K - 1 share
      parameters plus one location per change and ``N`` the total count (each
      counted item is an observation).  ``"aic"``: ``beta = K``.  A number is
      used as ``beta`` directly (log-likelihood scale).
    * Counts are treated as independent draws.  News mentions cluster within
      articles and days, so with very large counts the binomial/multinomial
      likelihood finds real but small shifts; read ``change`` before ``lr``.
    * Periods with no counts carry no information: they are ignored in the
      search and in ``min_size`` (which counts periods with data); in the
      output they belong to the segment before them (leading ones to the
      first segment), so a segment starts at its first period with data.

    Parameters
    ----------
    counts : pandas.DataFrame or 2-D array
        Periods (in time order) x categories.  A DataFrame's index labels the
        periods and its columns name the categories.
    max_changes : int, default 3
    min_size : int, default 3
        Minimum number of periods with data per segment (a series with fewer
        is returned as one segment).
    penalty : "bic", "aic" or float, default "bic"

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``segment``, ``start``, ``stop`` (positions,
        ``stop`` exclusive), ``first``, ``last`` (period labels), ``n_periods``,
        ``n`` (total count), ``share:<cat>`` per category, ``change:<cat>``
        (share in this segment minus the previous one; NaN for the first) and
        ``lr`` (likelihood-ratio statistic ``2 * (ll(prev) + ll(this) -
        ll(prev + this))`` for the change opening the segment; not a
        chi-square statistic since the location was chosen).  ``attrs``
        holds ``change_points`` (start positions of segments 2..), ``beta``.
    """
    if isinstance(counts, pd.DataFrame):
        X = check_values(counts.to_numpy(), "counts")
        labels, cats = list(counts.index), list[object](counts.columns)
    else:
        X = check_values(counts, "counts")
        if X.ndim != 2:
            raise FramingError(f"counts: expected a 2-D table (periods x categories), got {X.ndim}-D")
        labels, cats = list(range(X.shape[0])), list[object](range(X.shape[1]))
    return _segment(X, labels, cats, max_changes, min_size, penalty)


def _segment(X, labels, cats, max_changes, min_size, penalty) -> pd.DataFrame:
    max_changes = check_positive_int(max_changes, "max_changes", minimum=0)
    min_size = check_positive_int(min_size, "min_size")
    T, K = X.shape
    if T == 0:
        raise FramingError("counts: expected at least one period, got none")
    if K < 2:
        raise FramingError(f"counts: expected at least 2 categories, got {K}")
    informative = np.flatnonzero(X.sum(axis=1) > 0)
    beta = _penalty(penalty, K - 1, float(X.sum()))
    cuts = _optimal_partition(X[informative], max_changes, min_size, beta)
    starts = [0] + [int(informative[c]) for c in cuts]
    stops = [*starts[1:], T]
    seg_counts = np.array([X[a:b].sum(axis=0) for a, b in zip(starts, stops, strict=True)])
    n = seg_counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = seg_counts / n[:, None]
    ll = _multinomial_ll(seg_counts)
    merged = _multinomial_ll(seg_counts[1:] + seg_counts[:-1])
    lr = np.concatenate([[np.nan], 2.0 * (ll[1:] + ll[:-1] - merged)])
    change = np.vstack([np.full((1, K), np.nan), np.diff(shares, axis=0)])
    out = pd.DataFrame({
        "segment": np.arange(len(starts)), "start": starts, "stop": stops,
        "first": [labels[a] for a in starts], "last": [labels[b - 1] for b in stops],
        "n_periods": np.subtract(stops, starts), "n": n,
    })
    for j, c in enumerate(cats):
        out[f"share:{c}"] = shares[:, j]
    for j, c in enumerate(cats):
        out[f"change:{c}"] = change[:, j]
    out["lr"] = lr
    out.attrs.update(change_points=starts[1:], beta=beta)
    return out


def binomial_segmentation(k, n, *, max_changes: int = 3, min_size: int = 3, penalty="bic") -> pd.DataFrame:
    """Change points in a sequence of binomial counts (``k`` of ``n`` per period).

    The binomial case of :func:`multinomial_segmentation` (categories
    "success" and "failure"), with the same exact search, penalty (BIC:
    ``beta = log(sum n)`` per change) and handling of ``n = 0`` periods.

    Parameters
    ----------
    k, n : array-like or pandas.Series
        Successes and trials per period, in time order, ``0 <= k <= n``.  A
        Series index labels the periods.
    max_changes : int, default 3
    min_size : int, default 3
        Minimum number of periods with ``n > 0`` per segment.
    penalty : "bic", "aic" or float, default "bic"

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``segment``, ``start``, ``stop`` (exclusive),
        ``first``, ``last``, ``n_periods``, ``k``, ``n``, ``rate``, ``change``
        (rate minus the previous segment's rate) and ``lr`` (likelihood-ratio
        statistic of the change opening the segment).  ``attrs["change_points"]``
        lists the start positions of segments 2...

    Examples
    --------
    >>> k = [2, 3, 2, 3, 2, 8, 9, 8, 9, 8]
    >>> res = binomial_segmentation(k, [10] * 10, min_size=2)
    >>> res.attrs["change_points"], res["rate"].tolist()
    ([5], [0.24, 0.84])
    """
    kk = check_values(k, "k").ravel()
    nn = check_values(n, "n").ravel()
    if kk.shape != nn.shape:
        raise FramingError(f"k, n: expected sequences of the same length, got {kk.size} and {nn.size}")
    if (kk > nn).any():
        i = int(np.argmax(kk > nn))
        raise FramingError(f"k: expected k <= n in every period, got k={kk[i]:g} > n={nn[i]:g} at position {i}")
    index = k.index if isinstance(k, pd.Series) else n.index if isinstance(n, pd.Series) else range(kk.size)
    res = _segment(np.column_stack([kk, nn - kk]), list(index), ["k", "rest"], max_changes, min_size, penalty)
    out = res[["segment", "start", "stop", "first", "last", "n_periods"]].copy()
    out["k"] = [kk[a:b].sum() for a, b in zip(res["start"], res["stop"], strict=True)]
    out["n"] = res["n"]
    out["rate"] = res["share:k"]
    out["change"] = res["change:k"]
    out["lr"] = res["lr"]
    out.attrs.update(res.attrs)
    return out
