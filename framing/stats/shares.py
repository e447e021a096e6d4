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
import warnings

import numpy as np

from framing.errors import FramingError
from framing.vocabulary import STANCES, check_by, check_voice, label_columns, period_start, table_kind, voice_mask

logger = logging.getLogger(__name__)

__all__ = ["label_shares", "legitimacy_index", "STANCES", "METHODS"]

METHODS = ("bootstrap", "wilson", "dirichlet")
_RESERVED = {"referent", "stance", "count", "total", "share", "lo", "hi", "n_docs"}


# --------------------------------------------------------------------------- input


class _Data:
    """Prepared input: either per-document stance counts or aggregated counts.

    ``docs``: DataFrame with the group columns (one row per document);
    ``counts``: referent -> (n_docs x 3) int array aligned with ``docs``.
    For aggregated input ``docs`` is None and ``agg`` is a long table
    ``<by...>, referent, stance, count``. ``codes`` (group of each document) is filled by
    :func:`group_matrices`.
    """

    def __init__(self, by, docs=None, counts=None, agg=None, referents=None):
        self.by, self.docs, self.counts, self.agg, self.referents = by, docs, counts, agg, referents
        self.codes = None


def _add_period(docs, table, by, freq, what):
    """Add the ``period`` column when ``by`` asks for it; warn about undated documents."""
    if "period" not in by:
        return docs, None
    if "date" not in table.columns:
        raise FramingError(f"by contains 'period' but the {what} table has no 'date' column; "
                           "extract features from a corpus with dates")
    docs = docs.copy()
    docs["period"] = period_start(table["date"], freq).to_numpy()
    undated = docs["period"].isna().to_numpy()
    if undated.any():
        warnings.warn(f"{int(undated.sum())} of {len(docs)} documents have no date and are left out of the "
                      "per-period results (see attrs['n_undated'])", stacklevel=4)
    return docs, undated


def _prepare(table, by, referent, voice, freq) -> _Data:
    import pandas as pd

    by = check_by(by, allow_empty=True, reserved=_RESERVED)
    voice = check_voice(voice)
    kind = table_kind(table, ("features", "matches", "counts"), what="label_shares")
    if kind == "counts":
        return _prepare_counts(table, by, referent)
    check_by(by, table.columns, allow_empty=True, derived=("period",), what=f"{kind} table")
    if kind == "features":
        have = table.attrs.get("voice")
        if have is not None and have != voice:
            raise FramingError(
                f"voice: you asked for voice={voice!r} but these features were extracted with voice={have!r}; "
                f"extract them again with extract_features(corpus, lexicon, voice={voice!r}), or pass the "
                "matches table (extract_matches keeps the 'quoted' flag and can be filtered)")
        cols = label_columns(table)
        refs = list(dict.fromkeys(r for _, r, _ in cols))
        docs = table[[b for b in by if b != "period"]].reset_index(drop=True)
        counts = {}
        for r in refs:
            arr = np.zeros((len(table), 3), dtype=np.int32)
            for c, rr, s in cols:
                if rr == r:
                    arr[:, STANCES.index(s)] = _int_column(table[c], c)
            counts[r] = arr
        src = table
    else:
        need = ["referent", "stance"] + ([] if voice == "all" or "voice" in table.columns else ["quoted"])
        missing = [c for c in need if c not in table.columns]
        if missing:
            raise FramingError(f"matches: expected column(s) {missing} (from extract_matches); columns: "
                               f"{', '.join(map(str, table.columns[:12]))}")
        m = table[table["kind"] == "label"]
        m = m[voice_mask(m, voice)]
        if "in_scope" in m.columns:  # hits the lexicon's scope rules leave out never count
            m = m[m["in_scope"].astype(bool)]
        bad = ~m["stance"].isin(STANCES)
        if bad.any():
            raise FramingError(f"matches: row {m.index[bad.to_numpy()][0]!r}, field 'stance': expected one of "
                               f"{', '.join(STANCES)}, got {m['stance'][bad].iloc[0]!r}")
        if "doc_id" not in m.columns:
            raise FramingError("matches: expected a 'doc_id' column to aggregate matches per document")
        keys = ["doc_id", *[b for b in by if b != "period"]] + (["date"] if "period" in by else [])
        key_missing = [k for k in keys if k not in m.columns]
        if key_missing:
            raise FramingError(f"matches: expected column(s) {key_missing}")
        refs = list(dict.fromkeys(table.loc[table["kind"] == "label", "referent"].dropna()))
        src = m.drop_duplicates("doc_id")[keys].reset_index(drop=True)
        docs = src[[b for b in by if b != "period"]]
        pos = pd.Index(src["doc_id"]).get_indexer(m["doc_id"])
        stance_pos = pd.Index(STANCES).get_indexer(m["stance"])
        counts = {}
        for r in refs:
            sel = (m["referent"] == r).to_numpy()
            arr = np.zeros((len(src), 3), dtype=np.int64)
            np.add.at(arr, (pos[sel], stance_pos[sel]), 1)
            counts[r] = arr
    docs, undated = _add_period(docs, src, by, freq, kind)
    if undated is not None and undated.any():
        keep = ~undated
        docs = docs[keep].reset_index(drop=True)
        counts = {r: a[keep] for r, a in counts.items()}
    for b in by:
        if docs[b].isna().any():
            i = int(np.argmax(docs[b].isna().to_numpy()))
            raise FramingError(f"{kind} row {i}, field {b!r}: missing value; fill or drop it before grouping")
    data = _Data(by, docs=docs, counts=_select(counts, referent, refs))
    data.n_undated = int(undated.sum()) if undated is not None else 0
    return data


def _int_column(col, name):
    import pandas as pd

    if pd.api.types.is_integer_dtype(col.dtype) and not pd.api.types.is_extension_array_dtype(col.dtype):
        values = col.to_numpy()  # already counts: no float copy (features of millions of documents)
        bad = values < 0
    else:
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise FramingError(f"features row {i}, column {name!r}: expected a count >= 0, got {col.iloc[i]!r}")
    return values


def _select(counts: dict, referent, known):
    if referent is None:
        return counts
    wanted = [referent] if isinstance(referent, str) else list(referent)
    unknown = [r for r in wanted if r not in counts]
    if unknown:
        raise FramingError(f"referent: unknown referent(s) {unknown}; the table has {', '.join(known) or 'none'}")
    return {r: counts[r] for r in wanted}


def _prepare_counts(table, by, referent):
    if "period" in by and "period" not in table.columns:
        raise FramingError("by: column 'period' is not in the counts table (a counts table needs a ready "
                           f"'period' column); columns: {', '.join(map(str, table.columns[:12]))}")
    check_by(by, table.columns, allow_empty=True, what="counts table")
    bad = ~table["stance"].isin(STANCES)
    if bad.any():
        raise FramingError(f"counts: row {table.index[bad.to_numpy()][0]!r}, field 'stance': expected one of "
                           f"{', '.join(STANCES)}, got {table['stance'][bad].iloc[0]!r}")
    agg = table[[*by, "referent", "stance"]].copy()
    agg["count"] = _int_column(table["count"], "count")
    refs = list(dict.fromkeys(agg["referent"]))
    if referent is not None:
        wanted = [referent] if isinstance(referent, str) else list(referent)
        unknown = [r for r in wanted if r not in refs]
        if unknown:
            raise FramingError(f"referent: unknown referent(s) {unknown}; the table has {', '.join(refs)}")
        agg = agg[agg["referent"].isin(wanted)]
        refs = wanted
    agg = agg.groupby([*by, "referent", "stance"], sort=False, dropna=False)["count"].sum().reset_index()
    data = _Data(by, agg=agg, referents=refs)
    data.n_undated = 0
    return data


def _group_codes(docs, by):
    """Integer group code per document and the group key table (sorted)."""
    import pandas as pd

    if not by:
        return np.zeros(len(docs), dtype=np.int64), pd.DataFrame(index=range(1))
    grouped = docs.groupby(by, sort=True, dropna=False)
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().reset_index()[by]
    return codes, keys


def group_matrices(data: _Data):
    """Per referent: (keys, group x stance counts, n_docs per group).

    ``n_docs`` counts the documents of the group with at least one label of
    the referent.
    """
    import pandas as pd

    out = {}
    if data.docs is not None:
        codes, keys = _group_codes(data.docs, data.by)
        data.codes = codes
        g = len(keys)
        for r, X in data.counts.items():
            M = np.zeros((g, 3), dtype=np.int64)
            np.add.at(M, codes, X)
            n_docs = np.bincount(codes[X.sum(axis=1) > 0], minlength=g)
            out[r] = (keys, M, n_docs)
        return out
    agg = data.agg
    by = data.by
    if by:
        keys = agg[by].drop_duplicates().sort_values(by).reset_index(drop=True)
    else:
        keys = pd.DataFrame(index=range(1))
    for r in data.referents:
        sub = agg[agg["referent"] == r]
        if by:
            wide = sub.pivot_table(index=by, columns="stance", values="count", aggfunc="sum", fill_value=0)
            wide = wide.reindex(columns=list(STANCES), fill_value=0)
            wide = wide.reindex(pd.MultiIndex.from_frame(keys) if len(by) > 1 else pd.Index(keys[by[0]]),
                                fill_value=0)
            M = wide.to_numpy(dtype=np.int64)
        else:
            M = sub.groupby("stance")["count"].sum().reindex(list(STANCES), fill_value=0).to_numpy()[None, :]
        out[r] = (keys, M, np.full(len(keys), np.nan))
    return out


# --------------------------------------------------------------------------- shares


def boundary_fallback(M, lo, hi, ci):
    """Wilson bounds for the stance rows where a percentile bootstrap collapses.

    When a stance has count 0 (or all of the labels) in a group, every replicate
    repeats that share and the percentile interval is the single point 0 (or 1),
    which cannot cover a small but non-zero true share. Those rows get the Wilson
    interval on the group's labels instead. ``M`` is groups x 3 counts; ``lo``,
    ``hi`` are flat (groups * 3) and are returned as new arrays.
    """
    from framing.stats import core as stats

    counts = M.reshape(-1)
    totals = np.repeat(M.sum(axis=1), 3)
    edge = (totals > 0) & ((counts == 0) | (counts == totals))
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    if edge.any():
        w = stats.wilson_interval(counts[edge], totals[edge], ci=ci)
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


def _shares_table(data: _Data, method, ci, n_boot, seed):
    """The long shares table for prepared data (shared with :mod:`framing.analyses.temporal`)."""
    import pandas as pd

    from framing.stats import core as stats

    by = data.by
    frames = []
    mats = group_matrices(data)
    codes = data.codes  # the group of each document, for the bootstrap
    for r, (keys, M, n_docs) in mats.items():
        g = len(keys)
        if method == "bootstrap":
            X = data.counts[r]
            has = X.sum(axis=1) > 0
            if has.any():
                res = stats.bootstrap_shares(X[has], codes[has], n_boot=n_boot, ci=ci, seed=seed,
                                             levels=list(range(g)))
                lo, hi = boundary_fallback(M, res["lo"].to_numpy(), res["hi"].to_numpy(), ci)
            else:
                lo = hi = np.full(g * 3, np.nan)
        elif method == "wilson":
            w = stats.wilson_interval(M.reshape(-1), np.repeat(M.sum(axis=1), 3), ci=ci)
            lo, hi = w["lo"].to_numpy(), w["hi"].to_numpy()
        else:
            res = stats.dirichlet_interval(M, ci=ci, n_draws=max(int(n_boot), 1), seed=seed)
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
          group (:func:`framing.stats.core.bootstrap_shares`). The document is the sampling
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
          posterior of the three shares (:func:`framing.stats.core.dirichlet_interval`);
          also treats labels as independent.
    freq : str, default "MS"
        Period length for ``by`` containing ``"period"`` (pandas offset alias:
        ``"MS"`` month, ``"QS"`` quarter, ``"YS"`` year, ``"W-MON"`` week). ``period`` is
        the period's first day.

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
    data = _prepare(features_or_matches, by, referent, voice, freq)
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
        (:func:`framing.stats.core.bootstrap_index` with weights −1, 0, +1), resampling the
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

    from framing.stats import core as stats

    data = _prepare(features_or_matches, by, referent, voice, freq)
    _check_method(method, ("bootstrap", "dirichlet"), data)
    by_ = data.by
    w = np.array([-1.0, 0.0, 1.0])
    frames = []
    mats = group_matrices(data)
    codes = data.codes  # the group of each document, for the bootstrap
    for r, (keys, M, n_docs) in mats.items():
        g = len(keys)
        total = M.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = (M @ w) / total
        if method == "bootstrap":
            X = data.counts[r]
            has = X.sum(axis=1) > 0
            if has.any():
                res = stats.bootstrap_index(X[has], codes[has], w, n_boot=n_boot, ci=ci, seed=seed,
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
    from framing.stats.core import _check_ci, _check_positive_int, _quantiles

    ci = _check_ci(ci)
    n_draws = _check_positive_int(n_draws, "n_boot")
    rng = np.random.default_rng(seed)
    draws = rng.gamma(M[None, :, :] + 0.5, size=(n_draws, *M.shape))
    idx = (draws / draws.sum(axis=2, keepdims=True)) @ w
    lo, hi = _quantiles(idx, ci)
    empty = M.sum(axis=1) <= 0
    lo[empty] = hi[empty] = np.nan
    return lo, hi
