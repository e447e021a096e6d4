"""Distances between outlets: how far apart their label distributions are, ordered by clustering.

>>> import pandas as pd
>>> features = pd.DataFrame({"outlet": ["A", "B", "C"], "label:r:delegitimizing": [8, 1, 7],
...                          "label:r:neutral": [2, 9, 3]})
>>> outlet_distance(features).attrs["order"]
['B', 'C', 'A']
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.stats import cluster_order, js_distance_matrix
from framing.vocabulary import STANCES, check_by, check_voice, label_columns, table_kind, voice_mask

__all__ = ["outlet_distance", "LabelCounts", "label_counts"]


class LabelCounts(NamedTuple):
    """Long label counts of a table (:func:`label_counts`)."""

    #: ``<by>``, ``referent``, ``stance``, ``count`` (float), one row per outlet, referent and stance
    table: pd.DataFrame
    #: every outlet of the table, also those without any label
    outlets: list


def outlet_distance(features_or_counts, *, referent=None, by: str = "outlet", voice=None,
                    method: str = "average") -> pd.DataFrame:
    """Jensen-Shannon distances between outlets' label distributions, ordered by clustering.

    Parameters
    ----------
    features_or_counts : pandas.DataFrame
        A features table (``label:<referent>:<stance>`` columns, from
        :func:`framing.extract_features`), a matches table, or long counts with ``referent`` and
        ``stance`` columns (from :func:`framing.term_counts`; rows of ``kind`` "category" are ignored).
    referent : str, optional
        ``None``: every referent x stance label cell pooled into one distribution per outlet.
        A referent name: that referent's stance distribution.
    by : str, default "outlet"
        The column that names the outlets.
    voice : {"all", "own", "quoted", "reported"}, optional
        Matches tables only: which matches to count (``"own"`` = the outlet's own words).  For a
        features table it must agree with ``features.attrs["voice"]`` when that is set.
    method : str, default "average"
        Linkage method for :func:`scipy.cluster.hierarchy.linkage`.

    Returns
    -------
    pandas.DataFrame
        Square, symmetric, zero diagonal; index and columns are the outlets in the leaf order of an
        average-linkage clustering (:func:`framing.stats.cluster_order`).  ``attrs``: ``"order"``
        (that list), ``"linkage"`` (the scipy linkage matrix over the outlets in that order, as a
        list of lists, for dendrograms), ``"referent"``, ``"cells"`` (the distribution's cells) and
        ``"empty"`` (outlets left out because they have no label at all; a warning names them).
    """
    if not isinstance(by, str):
        raise FramingError(f"by: expected one column name, got {by!r}")
    table, everyone = label_counts(features_or_counts, by, voice)
    if referent is not None:
        known = sorted(set(table["referent"]))
        if referent not in known:
            raise FramingError(f"referent: {referent!r} has no label counts; referents present: {known}")
        table = table[table["referent"] == referent]
        table = table.assign(cell=table["stance"].astype(str))
    else:
        table = table.assign(cell=table["referent"].astype(str) + ":" + table["stance"].astype(str))
    wide = table.pivot_table(index=by, columns="cell", values="count", aggfunc="sum", fill_value=0.0,
                             sort=True, observed=True)
    wide = wide.reindex(sorted(everyone, key=str), fill_value=0.0)
    if referent is not None:
        wide = wide[[s for s in STANCES if s in wide.columns] + [c for c in wide.columns if c not in STANCES]]
    empty = [o for o, total in wide.sum(axis=1).items() if total <= 0]
    if empty:
        warnings.warn(f"outlet_distance: {len(empty)} outlet(s) have no label counts"
                      f"{' for ' + repr(referent) if referent else ''} and are left out: {empty}",
                      UserWarning, stacklevel=2)
        wide = wide.drop(index=empty)
    if len(wide) < 2:
        raise FramingError(f"outlet_distance: expected at least two outlets with label counts, got "
                           f"{len(wide)} ({list(wide.index)})")
    D = js_distance_matrix(wide)
    order = cluster_order(D, method=method)
    D = D.loc[order, order]
    D.index.name = by
    D.columns.name = by
    D.attrs["order"] = [_plain(o) for o in order]
    D.attrs["linkage"] = _linkage(D, method)
    D.attrs["referent"] = referent
    D.attrs["cells"] = [str(c) for c in wide.columns]
    D.attrs["empty"] = [_plain(o) for o in empty]
    return D


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _linkage(D: pd.DataFrame, method: str) -> list[list[float]]:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    Z = linkage(squareform(D.to_numpy(), checks=False), method=method, optimal_ordering=len(D) > 2)
    return [[float(v) for v in row] for row in Z]


def label_counts(data: pd.DataFrame, by: str = "outlet", voice=None) -> LabelCounts:
    """Long label counts (``by``, ``referent``, ``stance``, ``count``) of a features table, a matches
    table (in-scope rows of ``voice``) or long counts with ``referent`` and ``stance`` columns."""
    kind = table_kind(data, ("features", "matches", "counts"), what="outlet_distance")
    if voice is not None:
        check_voice(voice)
    if kind == "features":
        labels = label_columns(data)
        if not labels:
            raise FramingError("outlet_distance: the features table has no label:<referent>:<stance> column "
                               "(a lexicon of categories only?); distances compare label distributions")
        check_by(by, data.columns, what="features table")
        have = data.attrs.get("voice")
        if voice is not None and have is not None and have != voice:
            raise FramingError(f"voice={voice!r}, but the features table was extracted with voice={have!r}; "
                               f"run extract_features(..., voice={voice!r}) again")
        sums = data.groupby(by, sort=True, dropna=False)[[c for c, _, _ in labels]].sum()
        values = sums.to_numpy(dtype=float)  # outlets x label columns
        rows = [(o, r, s, float(values[k, j])) for j, (_, r, s) in enumerate(labels) for k, o in enumerate(sums.index)]
        return LabelCounts(pd.DataFrame(rows, columns=[by, "referent", "stance", "count"]), list(sums.index))
    cols = set(data.columns)
    if not {"referent", "stance"} <= cols:
        raise FramingError(f"outlet_distance: a {kind} table needs 'referent' and 'stance' columns; got columns "
                           f"{', '.join(map(str, data.columns))}")
    check_by(by, data.columns, what=f"{kind} table")
    if data[by].isna().any():
        raise FramingError(f"table: {int(data[by].isna().sum())} row(s) have no {by!r}; fill or drop them")
    everyone = list(pd.unique(data[by]))
    df = data
    if "kind" in cols:
        df = df[df["kind"] == "label"]
    if kind == "counts":
        if voice is not None:
            raise FramingError("voice= cannot be applied to counts; count the matches of one voice "
                               "(extract_matches(..., voice=...)) and pass those")
        counts = pd.to_numeric(df["count"], errors="coerce")
        if counts.isna().any():
            raise FramingError("count table, field 'count': expected numbers, found missing values")
    else:
        if voice is not None and voice != "all":
            if "quoted" not in cols and "voice" not in cols:
                raise FramingError("voice= needs the 'voice' (or 'quoted') column of the matches table")
            df = df[voice_mask(df, voice)]
        if "in_scope" in cols:
            df = df[df["in_scope"].astype(bool)]
        counts = pd.Series(1.0, index=df.index)
    df = df[df["referent"].notna() & df["stance"].notna()]
    out = pd.DataFrame({by: df[by].to_numpy(), "referent": df["referent"].to_numpy(),
                        "stance": df["stance"].to_numpy(), "count": counts.loc[df.index].to_numpy(dtype=float)})
    return LabelCounts(out.groupby([by, "referent", "stance"], sort=True)["count"].sum().reset_index(), everyone)
