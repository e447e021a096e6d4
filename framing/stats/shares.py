"""Stance shares and the legitimacy index per group, with intervals.

Both functions accept the same three inputs:

* a **features** table from :func:`framing.extract_features` (one row per document,
  ``label:<referent>:<stance>`` count columns; its voice is read from ``attrs["voice"]``);
* a **matches** table from :func:`framing.extract_matches` (one row per match, with
  ``kind``, ``referent``, ``stance`` and ``quoted``); it is filtered by voice and
  aggregated per document first;
* pre-aggregated **counts**: a long table with the group columns, ``referent``,
  ``stance`` and ``count`` (closed-form intervals only: a bootstrap needs documents).

>>> import pandas as pd
>>> feats = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"],
...                       "label:gna:delegitimizing": [2, 0, 0],
...                       "label:gna:neutral": [1, 1, 3],
...                       "label:gna:legitimizing": [0, 0, 1]})
>>> feats.attrs["voice"] = "own"
>>> res = label_shares(feats, method="wilson")
>>> res[["outlet", "stance", "count", "total", "share"]].values.tolist()[:3]
[['X', 'delegitimizing', 2, 4, 0.5], ['X', 'neutral', 2, 4, 0.5], ['X', 'legitimizing', 0, 4, 0.0]]
>>> legitimacy_index(feats, n_boot=50)["index"].tolist()
[-0.5, 0.25]
"""

from __future__ import annotations

import logging

import numpy as np

from framing.errors import FramingError
from framing.stats.bootstrap import bootstrap_index, bootstrap_shares
from framing.stats.checks import check_ci, check_positive_int, check_seed, quantiles
from framing.stats.intervals import dirichlet_interval, wilson_interval
from framing.stats.stance_counts import StanceCounts, group_matrices, prepare_stance_counts
from framing.vocabulary import STANCES

logger = logging.getLogger(__name__)

__all__ = ["label_shares", "legitimacy_index", "boundary_fallback", "STANCES", "METHODS"]

METHODS = ("bootstrap", "wilson", "dirichlet")


# --------------------------------------------------------------------------- shares


def boundary_fallback(M, lo, hi, ci):
    """Wilson bounds for the stance rows where a percentile bootstrap collapses.

    When a stance has count 0 (or all of the labels) in a group, every replicate
    repeats that share and the percentile interval is the single point 0 (or 1),
    which cannot cover a small but non-zero true share. Those rows get the Wilson
    interval on the group's labels instead. ``M`` is groups x 3 counts; ``lo``,
    ``hi`` are flat (groups * 3) and are returned as new arrays.
    """
    counts = M.reshape(-1)
    totals = np.repeat(M.sum(axis=1), 3)
    edge = (totals > 0) & ((counts == 0) | (counts == totals))
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    if edge.any():
        w = wilson_interval(counts[edge], totals[edge], ci=ci)
        lo[edge], hi[edge] = w["lo"].to_numpy(), w["hi"].to_numpy()
        lo[edge & (counts == 0)] = 0.0  # exact Wilson bound, free of rounding
        hi[edge & (counts == totals)] = 1.0
    return lo, hi



def _check_method(method, allowed, data):
    if method not in allowed:
        raise FramingError(f"method: expected one of {', '.join(allowed)}, got {method!r}")
    if method == "bootstrap" and data.docs is None:
        raise FramingError("method='bootstrap' resamples documents, but a counts table has no documents; "
                           "pass the features or matches table, or use method='wilson' or 'dirichlet'")


def _long_rows(keys, by, r, M, n_docs, lo, hi):
    import pandas as pd

    g = len(keys)
    total = M.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = M / total[:, None]
    df = pd.DataFrame({b: np.repeat(keys[b].to_numpy(), 3) for b in by})
    df["referent"] = r
    df["stance"] = np.tile(STANCES, g)
    df["n_docs"] = np.repeat(n_docs, 3)
    df["count"] = M.reshape(-1)
    df["total"] = np.repeat(total, 3)
    df["share"] = share.reshape(-1)
    df["lo"] = np.asarray(lo, dtype=float).reshape(-1)
    df["hi"] = np.asarray(hi, dtype=float).reshape(-1)
    return df


def _shares_table(data: StanceCounts, method, ci, n_boot, seed):
    """The long shares table for prepared data (shared with :mod:`framing.analyses.temporal`)."""
    import pandas as pd

    by = data.by
    frames = []
    mats = group_matrices(data)
    for r, (keys, M, n_docs) in mats.items():
        g = len(keys)
        if method == "bootstrap":
            docs = data.labelled_documents(r)
            if len(docs.counts):
                res = bootstrap_shares(docs.counts, docs.groups, n_boot=n_boot, ci=ci, seed=seed,
                                       levels=list(range(g)))
                lo, hi = boundary_fallback(M, res["lo"].to_numpy(), res["hi"].to_numpy(), ci)
            else:
                lo = hi = np.full(g * 3, np.nan)
        elif method == "wilson":
            w = wilson_interval(M.reshape(-1), np.repeat(M.sum(axis=1), 3), ci=ci)
            lo, hi = w["lo"].to_numpy(), w["hi"].to_numpy()
        else:
            res = dirichlet_interval(M, ci=ci, n_draws=max(int(n_boot), 1), seed=seed)
            lo, hi = res["lo"].to_numpy(), res["hi"].to_numpy()
        frames.append(_long_rows(keys, by, r, M, n_docs, lo, hi))
    if not frames:
        cols = [*by, "referent", "stance", "n_docs", "count", "total", "share", "lo", "hi"]
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values([*by, "referent"], kind="stable").reset_index(drop=True) if by else out
    return out


def label_shares(features_or_matches, *, by=("outlet",), referent=None, voice: str = "own", ci: float = 0.95,
                 n_boot: int = 1000, seed: int | None = 0, method: str = "bootstrap", freq: str = "MS"):
    """Share of each stance among the labels of each referent, per group, with an interval.

    The share of stance ``s`` for referent ``r`` in a group is ``count / total``: the group's
    label matches of ``r`` with stance ``s`` over all its label matches of ``r``.

    Parameters
    ----------
    features_or_matches : pandas.DataFrame
        A features table (:func:`framing.extract_features`), a matches table
        (:func:`framing.extract_matches`; aggregated per document here) or a long counts
        table with the ``by`` columns, ``referent``, ``stance`` and ``count``.
    by : str or sequence of str, default ("outlet",)
        Grouping columns of the documents. ``"period"`` buckets documents by ``date`` with
        ``freq`` (undated documents are then left out, with a warning and
        ``attrs["n_undated"]``). A counts table must already hold a ``period`` column.
        ``()`` or None pools all documents.
    referent : str, sequence of str or None
        Referent(s) to report; None (default) reports every referent of the table.
    voice : {"own", "quoted", "all"}, default "own"
        Whose words are counted. ``"own"``: labels outside quotation marks (the outlet's
        own words; scare-quoted labels are quoted). A features table carries the voice it
        was extracted with (``attrs["voice"]``): a different request raises
        :class:`~framing.errors.FramingError`, since the counts cannot be split after the
        fact. A matches table is filtered on its ``quoted`` column. A counts table is
        taken as it is.
    ci : float, default 0.95
        Interval coverage.
    n_boot : int, default 1000
        Bootstrap replicates (``method="bootstrap"``) or posterior draws
        (``method="dirichlet"``).
    seed : int or None, default 0
    method : {"bootstrap", "wilson", "dirichlet"}, default "bootstrap"
        * ``"bootstrap"``: percentile interval from resampling *documents* within each
          group (:func:`framing.stats.bootstrap_shares`). The document is the sampling
          unit: labels inside one article are not independent (a writer who says
          ميليشيا once tends to say it again). Resampled are the group's documents that
          hold at least one label of the referent. Needs documents (features or matches).
          Percentile intervals run a little narrow in small groups (about 40 documents
          or fewer). A stance with count 0 (or every label) in a group makes every
          replicate identical, so for those rows the Wilson interval is reported instead
          (see :func:`boundary_fallback`).
        * ``"wilson"``: closed-form Wilson score interval per stance, treating the
          ``total`` labels as independent binomial draws. It ignores the clustering of
          labels within documents, so it is too narrow when outlets repeat a label
          within an article.
        * ``"dirichlet"``: per group, quantiles of the ``Dirichlet(count + 0.5)``
          posterior of the three shares (:func:`framing.stats.dirichlet_interval`);
          also treats labels as independent.
    freq : str, default "MS"
        Period length for ``by`` containing ``"period"`` (pandas frequency: ``"MS"``
        month, ``"QS"`` quarter, ``"YS"`` year, ``"W"`` week from Monday to Sunday; ``"W-MON"``
        is a week *ending* on Monday, see :func:`framing.vocabulary.period_start`). ``period``
        is the period's first day.

    Returns
    -------
    pandas.DataFrame
        One row per group × referent × stance (stances in the order delegitimizing,
        neutral, legitimizing): ``<by...>``, ``referent``, ``stance``, ``n_docs`` (documents
        of the group with at least one label of the referent; NaN for a counts table),
        ``count``, ``total``, ``share``, ``lo``, ``hi``. Groups are those that have at least
        one document (with a matches table: at least one label); a group without labels of
        a referent has ``total`` 0 and NaN ``share``, ``lo``, ``hi``.
    """
    data = prepare_stance_counts(features_or_matches, by, referent, voice, freq)
    _check_method(method, METHODS, data)
    out = _shares_table(data, method, ci, n_boot, seed)
    out.attrs.update(method=method, ci=ci, voice=voice, n_undated=data.n_undated)
    return out


# --------------------------------------------------------------------------- index


def legitimacy_index(features_or_matches, *, by=("outlet",), referent=None, voice: str = "own",
                     ci: float = 0.95, n_boot: int = 1000, seed: int | None = 0, method: str = "bootstrap",
                     freq: str = "MS"):
    """Legitimacy index per group and referent: (legitimizing − delegitimizing) / all labels.

    The index lies between −1 (every label delegitimizes) and +1 (every label
    legitimizes); neutral labels pull it towards 0.

    Parameters
    ----------
    features_or_matches, by, referent, voice, ci, n_boot, seed, freq
        As in :func:`label_shares`.
    method : {"bootstrap", "dirichlet"}, default "bootstrap"
        ``"bootstrap"``: document-level percentile bootstrap
        (:func:`framing.stats.bootstrap_index` with weights −1, 0, +1), resampling the
        group's documents that hold a label of the referent. ``"dirichlet"``: quantiles of
        the index over ``n_boot`` draws from the ``Dirichlet(count + 0.5)`` posterior of
        the shares (labels treated as independent; works on a counts table).

    Returns
    -------
    pandas.DataFrame
        One row per group × referent: ``<by...>``, ``referent``, ``n_docs``, ``total``,
        ``index``, ``lo``, ``hi`` (NaN when ``total`` is 0).
    """
    import pandas as pd

    data = prepare_stance_counts(features_or_matches, by, referent, voice, freq)
    _check_method(method, ("bootstrap", "dirichlet"), data)
    by_ = data.by
    w = np.array([-1.0, 0.0, 1.0])
    frames = []
    mats = group_matrices(data)
    for r, (keys, M, n_docs) in mats.items():
        g = len(keys)
        total = M.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = (M @ w) / total
        if method == "bootstrap":
            docs = data.labelled_documents(r)
            if len(docs.counts):
                res = bootstrap_index(docs.counts, docs.groups, w, n_boot=n_boot, ci=ci, seed=seed,
                                      levels=list(range(g)))
                lo, hi = res["lo"].to_numpy(), res["hi"].to_numpy()
            else:
                lo = hi = np.full(g, np.nan)
        else:
            lo, hi = _dirichlet_index(M, w, ci, n_boot, seed)
        df = pd.DataFrame({b: keys[b].to_numpy() for b in by_})
        df["referent"] = r
        df["n_docs"] = n_docs
        df["total"] = total
        df["index"] = index
        df["lo"] = lo
        df["hi"] = hi
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=[*by_, "referent", "n_docs", "total", "index", "lo", "hi"])
    out = pd.concat(frames, ignore_index=True)
    if by_:
        out = out.sort_values([*by_, "referent"], kind="stable").reset_index(drop=True)
    out.attrs.update(method=method, ci=ci, voice=voice, n_undated=data.n_undated)
    return out


def _dirichlet_index(M, w, ci, n_draws, seed):
    ci = check_ci(ci)
    n_draws = check_positive_int(n_draws, "n_boot")
    rng = np.random.default_rng(check_seed(seed))
    draws = rng.gamma(M[None, :, :] + 0.5, size=(n_draws, *M.shape))
    idx = (draws / draws.sum(axis=2, keepdims=True)) @ w
    lo, hi = quantiles(idx, ci)
    empty = M.sum(axis=1) <= 0
    lo[empty] = hi[empty] = np.nan
    return lo, hi
