"""Contrasts between two sets of term counts: Monroe et al.'s log-odds with a Dirichlet prior
(:func:`log_odds_dirichlet`), keyness statistics (:func:`keyness`: G2, chi-square, Log Ratio) and
Benjamini-Hochberg q-values for multiple testing (:func:`bh_qvalues`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.stats.checks import as_counts

__all__ = ["log_odds_dirichlet", "keyness", "bh_qvalues"]


def log_odds_dirichlet(counts_i, counts_j, prior=None, *, prior_scale: float = 1.0,
                       total_i: float | None = None, total_j: float | None = None) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior ("Fightin' Words").

    Implements the estimator of Monroe, Colaresi & Quinn (2008, *Political
    Analysis* 16(4), section 3.5).  For term ``w`` with counts ``y_iw``, ``y_jw``,
    pseudo-counts ``a_w`` (``a_0`` = their sum over the vocabulary) and group
    sizes ``n_i``, ``n_j``::

        delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w))
                - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
        var_w  ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
        z_w     = delta_w / sqrt(var_w)

    Positive ``delta``/``z`` means the term is used relatively more by ``i``.

    Parameters
    ----------
    counts_i, counts_j : pandas.Series or dict
        Counts indexed by term.  They are aligned on the union of their
        indexes; a term missing from one side counts 0.
    prior : None, float or pandas.Series, optional
        Pseudo-counts ``a_w`` before scaling.  ``None`` (default) uses the
        pooled counts ``y_iw + y_jw`` -- the usual choice when no background
        corpus is available -- so that ``a_0 = prior_scale * (n_i + n_j)``.
        A scalar gives every term of the vocabulary the same pseudo-count.  A
        Series (e.g. counts from a background corpus) gives per-term
        pseudo-counts; its terms that are absent from both count Series still
        contribute to ``a_0`` but get no output row; a term absent from the
        prior has ``a_w = 0``.
    prior_scale : float, default 1.0
        Multiplies the prior.  With the default pooled prior, 1.0 lets the
        prior weigh as much as the two samples together; smaller values shrink
        rare terms less.
    total_i, total_j : float, optional
        Group sizes ``n_i``, ``n_j`` (e.g. total tokens); default the sums of
        the counts.  They must be at least those sums.

    Returns
    -------
    pandas.DataFrame
        Indexed by term (sorted union), columns ``count_i``, ``count_j``,
        ``alpha``, ``delta``, ``var``, ``z``.  Rows where ``y + a_w = 0`` on a
        side (no data and no prior) have NaN ``delta``, ``var`` and ``z``.

    Examples
    --------
    >>> i = pd.Series({"militia": 30, "forces": 10, "army": 60})
    >>> j = pd.Series({"militia": 5, "forces": 40, "army": 55})
    >>> res = log_odds_dirichlet(i, j)
    >>> res["z"].idxmax(), res["z"].idxmin()
    ('militia', 'forces')
    """
    ci_ = as_counts(counts_i, "counts_i")
    cj_ = as_counts(counts_j, "counts_j")
    if not (isinstance(prior_scale, (int, float)) and math.isfinite(prior_scale) and prior_scale > 0):
        raise FramingError(f"prior_scale: expected a positive number, got {prior_scale!r}")
    terms = ci_.index.union(cj_.index)
    yi = ci_.reindex(terms, fill_value=0.0).to_numpy(dtype=float)
    yj = cj_.reindex(terms, fill_value=0.0).to_numpy(dtype=float)
    if prior is None:
        alpha = prior_scale * (yi + yj)
        alpha0 = float(alpha.sum())
    elif isinstance(prior, (int, float, np.number)) and not isinstance(prior, bool):
        value = float(prior)
        if not (math.isfinite(value) and value > 0):
            raise FramingError(f"prior: expected a positive pseudo-count, got {prior!r}")
        alpha = np.full(len(terms), prior_scale * value)
        alpha0 = float(alpha.sum())
    else:
        pr = as_counts(prior, "prior") * prior_scale
        alpha = pr.reindex(terms, fill_value=0.0).to_numpy(dtype=float)
        alpha0 = float(pr.sum())
    n_i = _group_total(yi, total_i, "total_i", "counts_i")
    n_j = _group_total(yj, total_j, "total_j", "counts_j")
    with np.errstate(divide="ignore", invalid="ignore"):
        ai, aj = yi + alpha, yj + alpha
        delta = np.log(ai / (n_i + alpha0 - ai)) - np.log(aj / (n_j + alpha0 - aj))
        var = 1.0 / ai + 1.0 / aj
        z = delta / np.sqrt(var)
    undefined = (ai <= 0) | (aj <= 0) | ~np.isfinite(delta)
    delta[undefined] = var[undefined] = z[undefined] = np.nan
    return pd.DataFrame({"count_i": yi, "count_j": yj, "alpha": alpha, "delta": delta,
                         "var": var, "z": z}, index=pd.Index(terms, name="term"))


def _group_total(y: np.ndarray, total, name: str, counts_name: str) -> float:
    observed = float(y.sum())
    if total is None:
        if observed <= 0:
            raise FramingError(f"{counts_name}: all counts are 0, so there is nothing to compare; "
                               "check that the group selected any documents")
        return observed
    if not (isinstance(total, (int, float, np.number)) and math.isfinite(total) and total > 0):
        raise FramingError(f"{name}: expected a positive number, got {total!r}")
    if total < observed - 1e-9 * max(1.0, observed):
        raise FramingError(f"{name}: expected at least the sum of {counts_name} ({observed:g}), got {total:g}")
    return float(total)


def keyness(counts_target, counts_reference, *, williams: bool = False, yates: bool = False,
            total_target: float | None = None, total_reference: float | None = None) -> pd.DataFrame:
    """Keyness of every term in a target corpus against a reference corpus.

    For each term the 2x2 table is ``[[a, b], [N_t - a, N_r - b]]`` (columns:
    target, reference), with ``a``/``b`` the term's counts and ``N_t``/``N_r``
    the corpus sizes.

    * ``g2``: log-likelihood ratio ``2 * sum O ln(O / E)`` (Dunning 1993).  With
      ``williams=True`` it is divided by Williams' (1976) factor
      ``q = 1 + (N/R1 + N/R2 - 1)(N/C1 + N/C2 - 1) / (6N)``.
    * ``chi2``: Pearson's chi-square; ``yates=True`` moves every observed cell
      towards its expected value by ``min(0.5, |O - E|)``, as
      ``scipy.stats.chi2_contingency(correction=True)`` does.
    * ``log_ratio``: Hardie's (2014) Log Ratio, ``log2((a / N_t) / (b / N_r))``.
      A zero count on one side is replaced by 0.5 (Hardie's adjustment) so the
      value stays finite; it is NaN when both counts are 0.
    * ``p``: upper tail of chi-square with 1 df at ``g2`` (after Williams'
      correction when requested); ``q``: Benjamini-
      Hochberg q-value of ``p`` across the terms (see :func:`bh_qvalues`).
    * ``direction``: +1 when the term's relative frequency is higher in the
      target (over-used), -1 when lower, 0 when equal; ``signed_g2`` is
      ``direction * g2``.

    Parameters
    ----------
    counts_target, counts_reference : pandas.Series or dict
        Counts indexed by term, aligned on the union (missing = 0).
    williams, yates : bool, default False
        Apply Williams' correction to ``g2`` / Yates' correction to ``chi2``.
    total_target, total_reference : float, optional
        Corpus sizes ``N_t``, ``N_r`` (e.g. token counts); default the sums of
        the counts.

    Returns
    -------
    pandas.DataFrame
        Indexed by term, columns ``count_target``, ``count_reference``,
        ``rel_target``, ``rel_reference`` (relative frequencies), ``g2``,
        ``signed_g2``, ``direction``, ``chi2``, ``log_ratio``, ``p``, ``q``.
        Terms with count 0 on both sides get NaN statistics.

    Examples
    --------
    >>> t = pd.Series({"militia": 40, "army": 60})
    >>> r = pd.Series({"militia": 10, "army": 90})
    >>> k = keyness(t, r)
    >>> k.loc["militia", ["direction", "log_ratio"]].tolist()
    [1.0, 2.0]
    """
    from scipy.special import erfc, xlogy

    ct = as_counts(counts_target, "counts_target")
    cr = as_counts(counts_reference, "counts_reference")
    terms = ct.index.union(cr.index)
    a = ct.reindex(terms, fill_value=0.0).to_numpy(dtype=float)
    b = cr.reindex(terms, fill_value=0.0).to_numpy(dtype=float)
    n_t = _group_total(a, total_target, "total_target", "counts_target")
    n_r = _group_total(b, total_reference, "total_reference", "counts_reference")
    n = n_t + n_r
    # observed cells, shape (m, 2, 2): rows = term / rest, columns = target / reference
    obs = np.stack([np.stack([a, b], axis=1), np.stack([n_t - a, n_r - b], axis=1)], axis=1)
    obs = np.clip(obs, 0.0, None)  # guard rounding when a total equals the count
    row = obs.sum(axis=2, keepdims=True)
    col = obs.sum(axis=1, keepdims=True)
    exp = row * col / n
    empty = (a + b) <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(exp > 0, obs / np.where(exp > 0, exp, 1.0), 1.0)
        g2 = 2.0 * xlogy(obs, ratio).sum(axis=(1, 2))
        g2 = np.clip(g2, 0.0, None)
        if williams:
            r1, r2 = row[:, 0, 0], row[:, 1, 0]
            c1, c2 = col[:, 0, 0], col[:, 0, 1]
            q_w = 1.0 + (n / r1 + n / r2 - 1.0) * (n / c1 + n / c2 - 1.0) / (6.0 * n)
            g2 = g2 / q_w
        o = obs
        if yates:
            diff = exp - obs
            o = obs + np.sign(diff) * np.minimum(0.5, np.abs(diff))
        chi2 = np.where(exp > 0, (o - exp) ** 2 / np.where(exp > 0, exp, 1.0), 0.0).sum(axis=(1, 2))
        rel_t, rel_r = a / n_t, b / n_r
        adj_a = np.where(a > 0, a, 0.5)
        adj_b = np.where(b > 0, b, 0.5)
        log_ratio = np.log2((adj_a / n_t) / (adj_b / n_r))
    direction = np.sign(rel_t - rel_r).astype(int)
    for arr in (g2, chi2, log_ratio):
        arr[empty] = np.nan
    p = erfc(np.sqrt(g2 / 2.0))  # chi-square(1) upper tail, much faster than chi2.sf
    out = pd.DataFrame({
        "count_target": a, "count_reference": b, "rel_target": rel_t, "rel_reference": rel_r,
        "g2": g2, "signed_g2": direction * g2, "direction": direction, "chi2": chi2,
        "log_ratio": log_ratio, "p": p, "q": bh_qvalues(p),
    }, index=pd.Index(terms, name="term"))
    return out


def bh_qvalues(p):
    """Benjamini-Hochberg adjusted p-values (q-values), step-up procedure.

    ``q_(i) = min_{k >= i} min(1, m * p_(k) / k)`` over the ``m`` non-missing
    p-values sorted increasingly.  NaN entries stay NaN and do not count in
    ``m``.

    Parameters
    ----------
    p : array-like or pandas.Series
        p-values in [0, 1], any shape.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Same shape as ``p`` (a Series with the same index when ``p`` is one).

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, np.nan, 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    series = p if isinstance(p, pd.Series) else None
    arr = np.asarray(p, dtype=float)
    flat = arr.ravel()
    ok = ~np.isnan(flat)
    if ((flat[ok] < 0) | (flat[ok] > 1)).any():
        bad = flat[ok][(flat[ok] < 0) | (flat[ok] > 1)][0]
        raise FramingError(f"p: expected p-values between 0 and 1, got {bad!r}")
    out = np.full(flat.shape, np.nan)
    vals = flat[ok]
    m = vals.size
    if m:
        order = np.argsort(vals, kind="mergesort")
        scaled = vals[order] * m / np.arange(1, m + 1)
        scaled = np.minimum.accumulate(scaled[::-1])[::-1]
        q = np.empty(m)
        q[order] = np.minimum(scaled, 1.0)
        out[ok] = q
    result = out.reshape(arr.shape)
    if series is not None:
        return pd.Series(result, index=series.index, name=series.name)
    return result
