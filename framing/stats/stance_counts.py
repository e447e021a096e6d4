"""From a features, matches or counts table to stance counts per document and per group.

The first step of :func:`framing.label_shares`, :func:`framing.legitimacy_index`,
:func:`framing.trends` and :func:`framing.change_points`: :func:`prepare_stance_counts` checks the
table and the arguments and counts the labels of each referent by stance in each document;
:func:`group_matrices` sums them per group.

>>> import pandas as pd
>>> feats = pd.DataFrame({"outlet": ["X", "X", "Y"], "label:gna:delegitimizing": [2, 0, 0],
...                       "label:gna:neutral": [1, 1, 3], "label:gna:legitimizing": [0, 0, 1]})
>>> data = prepare_stance_counts(feats, ["outlet"], None, "own", "MS")
>>> group = group_matrices(data)["gna"]
>>> group.keys["outlet"].tolist(), group.counts.tolist(), group.n_docs.tolist()
(['X', 'Y'], [[2, 2, 0], [0, 3, 1]], [2, 1])
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from framing.errors import FramingError
from framing.vocabulary import STANCES, check_by, check_voice, label_columns, period_start, table_kind, voice_mask

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

__all__ = ["StanceCounts", "GroupCounts", "LabelledDocuments", "OUTPUT_COLUMNS", "prepare_stance_counts",
           "group_matrices"]

#: the columns of the shares tables; they cannot be grouping columns
OUTPUT_COLUMNS = frozenset({"referent", "stance", "count", "total", "share", "lo", "hi", "n_docs"})


@dataclass
class StanceCounts:
    """Prepared input: either per-document stance counts or aggregated counts.

    ``by``: the grouping columns; ``docs``: DataFrame with the group columns (one row per
    document); ``counts``: referent -> (n_docs x 3) int array aligned with ``docs``, stances in the
    order of :data:`~framing.vocabulary.STANCES`. For aggregated input ``docs`` and ``counts`` are
    None and ``agg`` is a long table ``<by...>, referent, stance, count`` with ``referents``.
    ``n_undated``: documents left out for want of a date; ``codes`` (group of each document) is
    filled by :func:`group_matrices`.
    """

    by: list[str]
    docs: pd.DataFrame | None = None
    counts: dict[str, np.ndarray] | None = None
    agg: pd.DataFrame | None = None
    referents: list[str] | None = None
    n_undated: int = 0
    codes: np.ndarray | None = None

    def labelled_documents(self, referent: str) -> LabelledDocuments:
        """The documents with a label of ``referent``: their stance counts and group codes.

        For the document bootstrap; needs per-document counts and :func:`group_matrices` run first.
        """
        if self.counts is None or self.codes is None:
            raise FramingError("method='bootstrap' resamples documents, but a counts table has no documents; "
                               "pass the features or matches table")
        X = self.counts[referent]
        has = X.sum(axis=1) > 0
        return LabelledDocuments(X[has], self.codes[has])


class LabelledDocuments(NamedTuple):
    """The documents of :meth:`StanceCounts.labelled_documents`."""

    counts: np.ndarray
    """documents x 3 stance counts"""
    groups: np.ndarray
    """the group code of each document (a row of :attr:`GroupCounts.keys`)"""


class GroupCounts(NamedTuple):
    """The counts of one referent per group (:func:`group_matrices`)."""

    keys: pd.DataFrame
    """one row per group: the ``by`` columns (sorted)"""
    counts: np.ndarray
    """groups x 3 stance counts"""
    n_docs: np.ndarray
    """documents of each group with a label of the referent (NaN for a counts table)"""


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


def prepare_stance_counts(table, by, referent, voice: str, freq: str) -> StanceCounts:
    """Per-document stance counts (or, for a counts table, the aggregated counts) of ``table``.

    ``table`` is a features, matches or long counts table (see :func:`framing.label_shares`); ``by``
    the grouping columns (``"period"`` buckets ``date`` with ``freq``, leaving undated documents out
    with a warning); ``referent`` None (all) or the referent(s) to keep; ``voice`` the voice to count.
    Raises :class:`~framing.errors.FramingError` for anything it cannot count.
    """
    import pandas as pd

    by = check_by(by, allow_empty=True, reserved=OUTPUT_COLUMNS)
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
    return StanceCounts(by, docs=docs, counts=_select(counts, referent, refs),
                        n_undated=int(undated.sum()) if undated is not None else 0)


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
    return StanceCounts(by, agg=agg, referents=refs)


def _group_codes(docs, by):
    """Integer group code per document and the group key table (sorted)."""
    import pandas as pd

    if not by:
        return np.zeros(len(docs), dtype=np.int64), pd.DataFrame(index=range(1))
    grouped = docs.groupby(by, sort=True, dropna=False)
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().reset_index()[by]
    return codes, keys


def group_matrices(data: StanceCounts) -> dict[str, GroupCounts]:
    """Per referent: the group keys, the group x stance counts and the documents per group.

    ``n_docs`` counts the documents of the group with at least one label of
    the referent (NaN for a counts table). Sets ``data.codes``, the group of each document.
    """
    import pandas as pd

    out = {}
    if data.docs is not None and data.counts is not None:
        codes, keys = _group_codes(data.docs, data.by)
        data.codes = codes
        g = len(keys)
        for r, X in data.counts.items():
            M = np.zeros((g, 3), dtype=np.int64)
            np.add.at(M, codes, X)
            n_docs = np.bincount(codes[X.sum(axis=1) > 0], minlength=g)
            out[r] = GroupCounts(keys, M, n_docs)
        return out
    agg, refs, by = data.agg, data.referents, data.by
    if agg is None or refs is None:
        raise FramingError("stance counts: expected per-document or aggregated counts, got neither")
    keys = agg[by].drop_duplicates().sort_values(by).reset_index(drop=True) if by else pd.DataFrame(index=range(1))
    for r in refs:
        sub = agg[agg["referent"] == r]
        if by:
            wide = sub.pivot_table(index=by, columns="stance", values="count", aggfunc="sum", fill_value=0)
            wide = wide.reindex(columns=list(STANCES), fill_value=0)
            wide = wide.reindex(pd.MultiIndex.from_frame(keys) if len(by) > 1 else pd.Index(keys[by[0]]),
                                fill_value=0)
            M = wide.to_numpy(dtype=np.int64)
        else:
            M = sub.groupby("stance")["count"].sum().reindex(list(STANCES), fill_value=0).to_numpy()[None, :]
        out[r] = GroupCounts(keys, M, np.full(len(keys), np.nan))
    return out
