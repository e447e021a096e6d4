"""Intervals for proportions: the Wilson score interval and Dirichlet posterior intervals.

(The document-level bootstrap intervals are in :mod:`framing.stats.bootstrap`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.stats.checks import (
    as_matrix,
    check_ci,
    check_positive_int,
    check_seed,
    check_values,
    long_table,
    quantiles,
)

__all__ = ["wilson_interval", "dirichlet_interval"]


def _z(ci: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + ci / 2.0))


def wilson_interval(k, n, ci: float = 0.95) -> pd.DataFrame:
    """Wilson score interval for binomial proportions, vectorised.

    ``centre = (p + z^2 / 2n) / (1 + z^2 / n)``, ``half = z / (1 + z^2 / n) *
    sqrt(p (1 - p) / n + z^2 / 4n^2)`` with ``p = k / n`` and ``z`` the normal
    quantile for ``ci``.

    Parameters
    ----------
    k, n : scalar, array-like or pandas.Series
        Successes and trials (broadcast together), ``0 <= k <= n``.  ``n = 0``
        gives NaN share and interval.
    ci : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``n``, ``share``, ``lo``, ``hi``; one row per element
        (index taken from ``k`` or ``n`` when a Series).

    Examples
    --------
    >>> wilson_interval(0, 10).round(4)[["share", "lo", "hi"]].values.tolist()
    [[0.0, 0.0, 0.2775]]
    """
    ci = check_ci(ci)
    index = k.index if isinstance(k, pd.Series) else n.index if isinstance(n, pd.Series) else None
    kk, nn = np.broadcast_arrays(check_values(k, "k"), check_values(n, "n"))
    kk, nn = np.atleast_1d(kk).ravel(), np.atleast_1d(nn).ravel()
    if (kk > nn).any():
        i = int(np.argmax(kk > nn))
        raise FramingError(f"k: expected k <= n, got k={kk[i]:g} > n={nn[i]:g} at position {i}")
    z = _z(ci)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = kk / nn
        denom = 1.0 + z * z / nn
        centre = (p + z * z / (2 * nn)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn))
    lo = np.clip(centre - half, 0.0, 1.0)
    hi = np.clip(centre + half, 0.0, 1.0)
    return pd.DataFrame({"k": kk, "n": nn, "share": p, "lo": lo, "hi": hi},
                        index=index if index is not None and len(index) == len(kk) else None)


def dirichlet_interval(counts_matrix, ci: float = 0.95, n_draws: int = 4000, seed: int | None = 0) -> pd.DataFrame:
    """Posterior intervals for the category shares of each row of a count matrix.

    Each row is a multinomial sample; its shares get the posterior
    ``Dirichlet(counts + 0.5)`` (Jeffreys prior) and the interval is the
    ``(1 - ci)/2`` and ``(1 + ci)/2`` quantiles of ``n_draws`` posterior draws.

    Parameters
    ----------
    counts_matrix : pandas.DataFrame or 2-D array
        Rows = groups (outlets), columns = categories.
    ci : float, default 0.95
    n_draws : int, default 4000
    seed : int or None, default 0

    Returns
    -------
    pandas.DataFrame
        Long format: ``group``, ``category``, ``count``, ``total``, ``share``
        (observed share ``count / total``), ``lo``, ``hi``.  Rows with total 0
        have NaN share and interval.
    """
    ci = check_ci(ci)
    n_draws = check_positive_int(n_draws, "n_draws")
    X, groups, cats = as_matrix(counts_matrix, "counts_matrix")
    rng = np.random.default_rng(check_seed(seed))
    r, k = X.shape
    lo = np.full((r, k), np.nan)
    hi = np.full((r, k), np.nan)
    chunk = max(1, int(2e7 // max(1, n_draws * k)))
    for start in range(0, r, chunk):  # chunks of rows bound the memory of the draws
        alpha = X[start:start + chunk] + 0.5
        g = rng.gamma(alpha[None, :, :], size=(n_draws, *alpha.shape))
        lo[start:start + chunk], hi[start:start + chunk] = quantiles(g / g.sum(axis=2, keepdims=True), ci)
    total = X.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = X / total
    lo[total[:, 0] <= 0] = np.nan
    hi[total[:, 0] <= 0] = np.nan
    return long_table(groups, cats, {"count": X, "total": np.repeat(total, k, axis=1), "share": share,
                                "lo": lo, "hi": hi})
