"""Stance shares over time and the points where an outlet's word choice changes.

:func:`trends` gives the share of each stance per period on a complete period grid
(periods without labels are rows with ``total`` 0 and NaN share, so a chart shows a
gap instead of joining distant points). :func:`change_points` segments each group's
period × stance count series with :func:`framing.stats.multinomial_segmentation`.

Inputs are those of :func:`framing.label_shares`: a features table, a matches table,
or (for ``method="wilson"`` and :func:`change_points`) a long counts table with a
``period`` column.

>>> import pandas as pd
>>> feats = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "X"],
...                       "date": pd.to_datetime(["2020-01-03", "2020-03-09", "2020-03-20"]),
...                       "label:gna:delegitimizing": [1, 0, 2],
...                       "label:gna:neutral": [1, 0, 2],
...                       "label:gna:legitimizing": [0, 0, 0]})
>>> feats.attrs["voice"] = "own"
>>> t = trends(feats)
>>> neutral = t[t["stance"] == "neutral"]
>>> [str(p.date()) for p in neutral["period"]], neutral["total"].tolist(), neutral["share"].tolist()
(['2020-01-01', '2020-02-01', '2020-03-01'], [2, 0, 4], [0.5, nan, 0.5])
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from framing.errors import FramingError
from framing.stats.bootstrap import bootstrap_shares
from framing.stats.intervals import wilson_interval
from framing.stats.segmentation import multinomial_segmentation
from framing.stats.shares import boundary_fallback
from framing.stats.stance_counts import StanceCounts, prepare_stance_counts
from framing.vocabulary import STANCES, check_by, period_range

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

__all__ = ["trends", "change_points"]


class _Cells(NamedTuple):
    """One referent on the grid of (group, period) cells."""

    counts: np.ndarray
    """cells x 3 stance counts (cell = group * periods + period)"""
    n_docs: np.ndarray
    """documents with a label of the referent per cell (NaN for a counts table)"""
    doc_counts: np.ndarray | None
    """documents x 3 stance counts (None for a counts table)"""
    has_label: np.ndarray | None
    """documents with a label of the referent (None for a counts table)"""


class _Grid(NamedTuple):
    keys: pd.DataFrame
    """one row per group: the grouping columns"""
    gcols: list[str]
    periods: pd.DatetimeIndex
    """the first day of every period, from the first to the last"""
    cell: np.ndarray
    """the cell of each document (or counts row)"""
    referents: dict[str, _Cells]


def _grid(data: StanceCounts, freq: str) -> _Grid:
    """Group keys, the period grid and, per referent, the counts per (group, period) cell."""
    import pandas as pd

    gcols = [b for b in data.by if b != "period"]
    if data.docs is not None:
        frame = data.docs
    elif data.agg is not None:
        frame = data.agg.copy()
        frame["period"] = pd.to_datetime(frame["period"], errors="coerce")
        if frame["period"].isna().any():
            raise FramingError("counts: column 'period' holds values that are not dates; "
                               "give each period as its first day")
    else:
        raise FramingError("stance counts: expected per-document or aggregated counts, got neither")
    if len(frame) == 0 or frame["period"].isna().all():
        raise FramingError("no dated documents to put on a time axis; check the 'date' column")
    periods = period_range(frame["period"].min(), frame["period"].max(), freq)
    p_code = periods.get_indexer(frame["period"])
    if (p_code < 0).any():
        bad = frame["period"].iloc[int(np.argmax(p_code < 0))]
        raise FramingError(f"period {bad} is not the start of a {freq!r} period; use the same freq that "
                           "built the period column")
    if gcols:
        grouped = frame.groupby(gcols, sort=True, dropna=False)
        g_code = grouped.ngroup().to_numpy()
        keys = grouped.size().reset_index()[gcols]
    else:
        g_code = np.zeros(len(frame), dtype=np.int64)
        keys = pd.DataFrame(index=range(1))
    P, G = len(periods), len(keys)
    cell = g_code * P + p_code
    out: dict[str, _Cells] = {}
    if data.counts is not None:
        for r, X in data.counts.items():
            M = np.zeros((G * P, 3), dtype=np.int64)
            np.add.at(M, cell, X)
            has = X.sum(axis=1) > 0
            out[r] = _Cells(M, np.bincount(cell[has], minlength=G * P), X, has)
    else:
        s_code = pd.Index(STANCES).get_indexer(pd.Index(frame["stance"]))
        for r in data.referents or []:
            sel = (frame["referent"] == r).to_numpy()
            M = np.zeros((G * P, 3), dtype=np.int64)
            np.add.at(M, (cell[sel], s_code[sel]), frame["count"].to_numpy()[sel])
            out[r] = _Cells(M, np.full(G * P, np.nan), None, None)
    return _Grid(keys, gcols, periods, cell, out)


def _check_smooth(smooth):
    if smooth is None:
        return None
    if isinstance(smooth, bool) or not isinstance(smooth, (int, np.integer)) or smooth < 1:
        raise FramingError(f"smooth: expected None or a window of >= 1 periods (an odd number centres it), "
                           f"got {smooth!r}")
    return int(smooth)


def trends(features_or_matches, *, freq: str = "MS", by="outlet", referent=None, voice: str = "own",
           ci: float = 0.95, method: str = "wilson", smooth: int | None = None, n_boot: int = 1000,
           seed: int | None = 0):
    """Share of each stance per period and group, on a complete period grid.

    Parameters
    ----------
    features_or_matches : pandas.DataFrame
        Features, matches or a long counts table with a ``period`` column (see
        :func:`framing.label_shares`).
    freq : str, default "MS"
        Period length (pandas frequency: ``"MS"`` month, ``"QS"`` quarter, ``"W"`` week from
        Monday to Sunday, ``"W-MON"`` week ending on Monday, ...; see
        :func:`framing.vocabulary.period_start`). Documents are bucketed by ``date``; ``period``
        is the period's first day.
    by : str, sequence of str or None, default "outlet"
        Grouping column(s) besides the period; None pools all documents.
    referent, voice, ci
        As in :func:`framing.label_shares`.
    method : {"wilson", "bootstrap"}, default "wilson"
        ``"wilson"``: Wilson score interval per stance and period (labels treated as
        independent, so a little narrow when articles repeat a label). ``"bootstrap"``:
        percentile interval resampling the documents of each period (needs documents;
        unreliable for periods with only a handful of documents; Wilson bounds where a
        stance has count 0 or all labels, as in :func:`framing.label_shares`).
    smooth : int, optional
        Adds ``share_smooth``: a centred rolling window over ``smooth`` periods that pools
        the counts of the window (sum of counts / sum of totals), so a period with many
        labels weighs more than one with few; empty periods inside the window add nothing.
        It is NaN only when the whole window has no labels. An even window
        reaches one period further back than forward; windows are cut at the ends of the grid.
    n_boot, seed
        Bootstrap replicates and seed (``method="bootstrap"``).

    Returns
    -------
    pandas.DataFrame
        ``period`` (Timestamp), ``<by...>``, ``referent``, ``stance``, ``n_docs``, ``count``,
        ``total``, ``share``, ``lo``, ``hi`` and ``share_smooth`` when ``smooth`` is given.
        Every group has every period from the first to the last period of the whole table;
        periods without labels have ``total`` 0 and NaN ``share``, ``lo``, ``hi``.
    """
    import pandas as pd

    by_ = check_by(by, allow_empty=True)
    if "period" in by_:
        raise FramingError("by: 'period' is added by trends itself; pass the other grouping columns")
    smooth = _check_smooth(smooth)
    if method not in ("wilson", "bootstrap"):
        raise FramingError(f"method: expected 'wilson' or 'bootstrap', got {method!r}")
    data = prepare_stance_counts(features_or_matches, [*by_, "period"], referent, voice, freq)
    if method == "bootstrap" and data.docs is None:
        raise FramingError("method='bootstrap' resamples documents, but a counts table has no documents; "
                           "pass the features or matches table, or use method='wilson'")
    grid = _grid(data, freq)
    keys, gcols, periods, cell = grid.keys, grid.gcols, grid.periods, grid.cell
    P, G = len(periods), len(keys)
    frames = []
    for r, cells in grid.referents.items():
        M, n_docs, X, has = cells.counts, cells.n_docs, cells.doc_counts, cells.has_label
        total = M.sum(axis=1)
        if method == "wilson":
            w = wilson_interval(M.reshape(-1), np.repeat(total, 3), ci=ci)
            lo, hi = w["lo"].to_numpy(), w["hi"].to_numpy()
        elif X is not None and has is not None and has.any():
            res = bootstrap_shares(X[has], cell[has], n_boot=n_boot, ci=ci, seed=seed,
                                   levels=list(range(G * P)))
            lo, hi = boundary_fallback(M, res["lo"].to_numpy(), res["hi"].to_numpy(), ci)
        else:
            lo = hi = np.full(G * P * 3, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = M / total[:, None]
        df = pd.DataFrame({"period": np.repeat(np.tile(periods.to_numpy(), G), 3)})
        for b in gcols:
            df[b] = np.repeat(keys[b].to_numpy(), P * 3)
        df["referent"] = r
        df["stance"] = np.tile(STANCES, G * P)
        df["n_docs"] = np.repeat(n_docs, 3)
        df["count"] = M.reshape(-1)
        df["total"] = np.repeat(total, 3)
        df["share"] = share.reshape(-1)
        df["lo"] = lo
        df["hi"] = hi
        if smooth is not None:
            df["share_smooth"] = _smooth(M.reshape(G, P, 3), smooth).reshape(-1)
        frames.append(df)
    if not frames:
        cols = ["period", *gcols, "referent", "stance", "n_docs", "count", "total", "share", "lo", "hi"]
        return pd.DataFrame(columns=cols + (["share_smooth"] if smooth else []))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values([*gcols, "referent", "period"], kind="stable").reset_index(drop=True)
    out.attrs.update(freq=freq, method=method, ci=ci, voice=voice, n_undated=data.n_undated)
    return out


def _smooth(C: np.ndarray, window: int) -> np.ndarray:
    """Pooled centred rolling shares over axis 1 of a (groups, periods, 3) count array."""
    G, P, K = C.shape
    left = window // 2  # an even window reaches one period further back than forward
    right = window - 1 - left
    cs = np.concatenate([np.zeros((G, 1, K)), np.cumsum(C, axis=1)], axis=1)
    t = np.arange(P)
    a = np.clip(t - left, 0, P)
    b = np.clip(t + right + 1, 0, P)
    sums = cs[:, b, :] - cs[:, a, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        return sums / sums.sum(axis=2, keepdims=True)


_CP_FIXED = ["referent", "date", "stance_before", "stance_after"]


def _cp_columns(gcols):
    return [*gcols, *_CP_FIXED, *[f"share_before:{s}" for s in STANCES],
            *[f"share_after:{s}" for s in STANCES], "n_before", "n_after", "shift", "lr"]


def change_points(features_or_matches, *, freq: str = "MS", by="outlet", referent=None, voice: str = "own",
                  max_changes: int = 3, min_size: int = 3, penalty="bic", min_shift: float = 0.1):
    """Periods where a group's mix of stances for a referent changes.

    For each group × referent the period × stance count matrix (complete period grid)
    is segmented by :func:`framing.stats.multinomial_segmentation`: the exact best split
    into at most ``max_changes + 1`` segments of at least ``min_size`` periods with
    labels, each with its own stance shares, under a BIC (or AIC, or numeric) penalty per
    change.

    The likelihood treats labels as independent draws. Labels cluster within articles,
    so in large corpora the penalty alone lets through real but small shifts; changes
    whose ``shift`` (the largest absolute change of any stance share between the two
    segments) is below ``min_shift`` are therefore dropped from the output. The shares
    reported for a kept change are those of the two adjacent segments of the
    segmentation (a dropped change still splits its segments).

    Parameters
    ----------
    features_or_matches : pandas.DataFrame
        As in :func:`trends`.
    freq, by, voice
        As in :func:`trends`.
    referent : str, sequence of str or None
        Referent(s) to segment, e.g. ``"haftar_camp"``; None segments every referent.
    max_changes : int, default 3
    min_size : int, default 3
        Minimum number of periods with labels per segment.
    penalty : "bic", "aic" or float, default "bic"
    min_shift : float, default 0.1
        Smallest share change reported, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        One row per kept change: ``<by...>``, ``referent``, ``date`` (first period of the
        new segment), ``stance_before``, ``stance_after`` (the most frequent stance of each
        segment), ``share_before:<stance>``, ``share_after:<stance>``, ``n_before``,
        ``n_after`` (labels in each segment), ``shift`` and ``lr`` (likelihood-ratio
        statistic of the change; not chi-square distributed, as the location was
        chosen). An empty table with these columns when nothing changes.
    """
    import pandas as pd

    by_ = check_by(by, allow_empty=True)
    if "period" in by_:
        raise FramingError("by: 'period' is the time axis of change_points; pass the other grouping columns")
    if not (isinstance(min_shift, (int, float)) and not isinstance(min_shift, bool)
            and math.isfinite(min_shift) and 0 <= min_shift <= 1):
        raise FramingError(f"min_shift: expected a share change between 0 and 1, got {min_shift!r}")
    data = prepare_stance_counts(features_or_matches, [*by_, "period"], referent, voice, freq)
    grid = _grid(data, freq)
    keys, gcols, periods = grid.keys, grid.gcols, grid.periods
    P = len(periods)
    rows = []
    for r, cells in grid.referents.items():
        M = cells.counts
        for g in range(len(keys)):
            C = pd.DataFrame(M[g * P:(g + 1) * P], index=periods, columns=list(STANCES))
            if C.to_numpy().sum() == 0:
                continue
            seg = multinomial_segmentation(C, max_changes=max_changes, min_size=min_size, penalty=penalty)
            shares = seg[[f"share:{s}" for s in STANCES]].to_numpy()
            for i in range(1, len(seg)):
                diff = shares[i] - shares[i - 1]
                shift = float(np.max(np.abs(diff)))
                if shift < min_shift:
                    continue
                row = {b: keys[b].iloc[g] for b in gcols}
                row.update(referent=r, date=seg["first"].iloc[i],
                           stance_before=STANCES[int(np.argmax(shares[i - 1]))],
                           stance_after=STANCES[int(np.argmax(shares[i]))])
                for j, s in enumerate(STANCES):
                    row[f"share_before:{s}"] = shares[i - 1, j]
                for j, s in enumerate(STANCES):
                    row[f"share_after:{s}"] = shares[i, j]
                row.update(n_before=int(seg["n"].iloc[i - 1]), n_after=int(seg["n"].iloc[i]),
                           shift=shift, lr=float(seg["lr"].iloc[i]))
                rows.append(row)
    out = pd.DataFrame(rows, columns=_cp_columns(gcols))
    if len(out):
        out["date"] = pd.to_datetime(out["date"])
    else:
        out["date"] = pd.Series(dtype="datetime64[ns]")
    out.attrs.update(freq=freq, penalty=penalty, min_shift=min_shift, voice=voice)
    return out
