"""Comparing outlets: additive term counts, word-choice contrasts and distances between outlets.

Three steps, each usable on its own:

* :func:`term_counts` turns a corpus (or a matches table) into *long, additive* counts: one row per
  group (outlet, and period when ``freq`` is given) and term.  Counts from separate batches or runs
  are summed with :func:`combine_counts` and give exactly the counts of the whole.
* :func:`compare_outlets` contrasts each outlet with the pooled rest (``mode="one_vs_rest"``) or
  every pair of outlets (``mode="pairwise"``): Monroe et al.'s log-odds with a Dirichlet prior, or
  keyness statistics (G2, chi-square, Log Ratio), with Benjamini-Hochberg q-values per comparison.
* :func:`outlet_distance` measures how far apart outlets' label distributions are (Jensen-Shannon
  distance) and orders them by hierarchical clustering.

>>> import pandas as pd
>>> counts = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "term": ["ميليشيا", "قوات"] * 2,
...                        "count": [30, 10, 5, 40]})
>>> res = compare_outlets(counts, method="log_odds")
>>> res.loc[res["outlet"] == "A", "term"].tolist()
['ميليشيا', 'قوات']
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.features.terms import (
    TERM_KEY_COLUMNS,
    VOCABULARIES,
    check_ngram_range,
    combine_counts,
    lexicon_matches,
    lexicon_term_counts,
    ngram_counts,
    sort_counts,
    term_counts,
    tokenize_corpus,
)

logger = logging.getLogger(__name__)

__all__ = ["term_counts", "combine_counts", "compare_outlets", "outlet_distance", "dispersion", "METHODS", "MODES",
           "DISPERSION_COLUMNS"]

METHODS = ("log_odds", "g2", "chi2", "log_ratio")
MODES = ("one_vs_rest", "pairwise")
_KEY_COLUMNS = TERM_KEY_COLUMNS
_MATCH_REQUIRED = ("kind", "term", "surface")
_METHOD_COLUMNS = {"log_odds": ["delta", "var", "z"], "g2": ["g2"], "chi2": ["chi2"], "log_ratio": ["log_ratio"]}


# --------------------------------------------------------------------------- helpers


def _as_by(by, name: str = "by") -> list[str]:
    if isinstance(by, str):
        return [by]
    if isinstance(by, (list, tuple)) and by and all(isinstance(b, str) for b in by):
        return list(by)
    raise FramingError(f"{name}: expected a column name or a non-empty tuple of column names, got {by!r}")


def _check_columns(df: pd.DataFrame, needed, what: str, fix: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise FramingError(f"{what}: missing column(s) {missing}; columns found: "
                           f"{', '.join(map(str, df.columns))}; {fix}")


def _kind_of_table(df) -> str:
    """'corpus', 'matches' or 'counts', judged from the columns."""
    if not isinstance(df, pd.DataFrame):
        raise FramingError(f"expected a pandas DataFrame (a corpus, a matches table or long counts), "
                           f"got {type(df).__name__}")
    cols = set(df.columns)
    if "text" in cols:
        return "corpus"
    if all(c in cols for c in _MATCH_REQUIRED):
        return "matches"
    if {"term", "count"} <= cols:
        return "counts"
    raise FramingError("expected a corpus (with a 'text' column), a matches table (from extract_matches: "
                       "'kind', 'term', 'surface', ...) or long counts (from term_counts: 'term', 'count'); "
                       f"got columns {', '.join(map(str, df.columns))}")


# --------------------------------------------------------------------------- dispersion

#: columns added by compare_outlets(dispersion=...): the outlet's documents holding the term, Gries' DP,
#: DP normalized (Lijffijt & Gries 2012) and Juilland's D
DISPERSION_COLUMNS = ("docs", "dp", "dp_norm", "juilland_d")


class _Parts:
    """The parts (documents) of each group and their sizes, for dispersion measures.

    Documents without a word are not parts (no term can occur in them)."""

    def __init__(self, sizes, group_of_doc, n_groups: int):
        self.size = np.asarray(sizes, dtype=float)
        self.group = np.asarray(group_of_doc, dtype=np.int64)
        real = self.size > 0
        self.total = np.bincount(self.group, weights=self.size, minlength=n_groups)  # words per group
        self.n = np.bincount(self.group[real], minlength=n_groups).astype(float)  # parts per group
        smallest = np.full(n_groups, np.inf)
        np.minimum.at(smallest, self.group[real], self.size[real])
        with np.errstate(divide="ignore", invalid="ignore"):
            self.min_share = np.where(self.n > 0, smallest / self.total, np.nan)  # min_i s_i

    def measures(self, pair, f, doc, F, pair_group) -> dict:
        """Dispersion of each (term, group) pair from its nonzero (pair, document, count) triplets.

        ``pair``: pair index of each triplet; ``f``: the count in that document; ``doc``: the document;
        ``F``: total count of each pair; ``pair_group``: the group of each pair.
        """
        n_pairs = len(F)
        g = self.group[doc]
        s = self.size[doc] / self.total[g]  # s_i: the part's share of the group's words
        v = f / np.asarray(F, dtype=float)[pair]  # v_i: the part's share of the term's occurrences
        abs_sum = np.bincount(pair, weights=np.abs(v - s), minlength=n_pairs)
        s_sum = np.bincount(pair, weights=s, minlength=n_pairs)
        rel = f / self.size[doc]  # relative frequency in the part
        p_sum = np.bincount(pair, weights=rel, minlength=n_pairs)
        p2_sum = np.bincount(pair, weights=rel * rel, minlength=n_pairs)
        docs = np.bincount(pair, minlength=n_pairs)
        n = self.n[pair_group]
        # parts without the term contribute |0 - s_i| = s_i: the part of the sum not seen in the triplets
        dp = 0.5 * (abs_sum + np.clip(1.0 - s_sum, 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            dp_norm = np.where(n > 1, dp / (1.0 - self.min_share[pair_group]), np.nan)
            mean = p_sum / n
            sd = np.sqrt(np.clip(p2_sum / n - mean * mean, 0.0, None))
            d = np.where(n > 1, 1.0 - (sd / mean) / np.sqrt(n - 1.0), np.nan)
        return {"docs": docs.astype("int64"), "dp": np.where(n > 1, dp, np.nan),
                "dp_norm": np.clip(dp_norm, 0.0, 1.0), "juilland_d": np.clip(d, 0.0, 1.0)}


def dispersion(doc_counts, sizes, groups=None) -> pd.DataFrame:
    """Gries' DP, DP_norm and Juilland's D of each term over the documents of each group.

    Parameters
    ----------
    doc_counts : pandas.DataFrame
        Documents x terms counts (one row per document, one column per term).
    sizes : array-like
        The size of each document (its words), one per row of ``doc_counts``.  Documents of size 0
        are not parts.
    groups : array-like, optional
        The group (outlet) of each document; ``None``: one group.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``term``, ``count``, then :data:`DISPERSION_COLUMNS`: ``docs`` (documents holding the
        term), ``dp`` = 0.5 * sum_i |v_i - s_i| with ``s_i`` the document's share of the group's words
        and ``v_i`` its share of the term's occurrences (Gries 2008: 0 = spread exactly as the text,
        near 1 = all in one small document), ``dp_norm`` = DP / (1 - min_i s_i) (Lijffijt & Gries
        2012, between 0 and 1), ``juilland_d`` = 1 - V / sqrt(n - 1) with V the coefficient of
        variation (population standard deviation / mean) of the term's relative frequency over the
        ``n`` documents (1 = even, 0 = all in one document).  NaN for a group of one document.

    Examples
    --------
    Gries' (2008) example: five parts of 9, 10, 10, 10 and 11 words, a term occurring 1, 2, 3, 4 and 5
    times:

    >>> X = pd.DataFrame({"b": [1, 2, 3, 4, 5]})
    >>> dispersion(X, [9, 10, 10, 10, 11])[["dp", "dp_norm"]].round(4).values.tolist()
    [[0.18, 0.2195]]
    """
    if not isinstance(doc_counts, pd.DataFrame):
        raise FramingError(f"dispersion: expected a DataFrame of documents x terms, got {type(doc_counts).__name__}")
    X = doc_counts.to_numpy(dtype=float)
    size = np.asarray(sizes, dtype=float).ravel()
    if size.shape[0] != X.shape[0]:
        raise FramingError(f"dispersion: {X.shape[0]} documents but {size.shape[0]} sizes; give one size per row")
    if (size < 0).any() or not np.isfinite(size).all():
        raise FramingError("dispersion: sizes must be finite and >= 0")
    if (X < 0).any():
        raise FramingError("dispersion: counts must be >= 0")
    if groups is None:
        gcode, gvals = np.zeros(X.shape[0], dtype=np.int64), np.array(["all"], dtype=object)
    else:
        gcode, gvals = pd.factorize(pd.Series(list(groups)), sort=True)
        if len(gcode) != X.shape[0]:
            raise FramingError(f"dispersion: {X.shape[0]} documents but {len(gcode)} groups; give one per row")
    n_groups, n_terms = len(gvals), X.shape[1]
    doc, term = np.nonzero(X)
    f = X[doc, term]
    if (size[doc] <= 0).any():
        raise FramingError("dispersion: a document of size 0 holds a term; sizes must count the document's words")
    pair_code = term * n_groups + gcode[doc]
    pair, uniq = pd.factorize(pair_code)
    F = np.bincount(pair, weights=f)
    parts = _Parts(size, gcode, n_groups)
    out = pd.DataFrame({"group": gvals[uniq % n_groups], "term": np.asarray(doc_counts.columns, dtype=object)[uniq // n_groups],
                        "count": F})
    for c, v in parts.measures(pair, f, doc, F, uniq % n_groups).items():
        out[c] = v
    return out.sort_values(["group", "term"], kind="mergesort").reset_index(drop=True)


def _all_counts_dispersion(corpus: pd.DataFrame, by: str, ngram_range) -> pd.DataFrame:
    """Word and n-gram counts per outlet with the columns of :data:`DISPERSION_COLUMNS` (over each outlet's
    documents, sizes = words); such a table is not additive and stays internal to :func:`compare_outlets`."""
    lo, hi = check_ngram_range(ngram_range)
    tokens = tokenize_corpus(corpus, [by])
    n_docs, n_groups = len(corpus), len(tokens.groups)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), tokens.lengths)
    parts = _Parts(np.bincount(doc_of[tokens.seq >= 0], minlength=n_docs), tokens.doc_group, n_groups)
    frames = []
    for n in range(lo, hi + 1):
        counted = ngram_counts(tokens, n)
        if counted is None:
            continue
        frame = counted.frame
        tdoc_inv, tdoc_u = pd.factorize(counted.term * n_docs + doc_of[counted.position])
        f = np.bincount(tdoc_inv)
        t, d = tdoc_u // n_docs, tdoc_u % n_docs
        pair_pos = pd.Index(counted.pairs).get_indexer(t * n_groups + tokens.doc_group[d])
        for c, v in parts.measures(pair_pos, f, d, frame["count"].to_numpy(), counted.pair_group).items():
            frame[c] = v
        frames.append(frame)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [by, "term"]}
                            | {"count": pd.Series(dtype="int64")}
                            | {c: pd.Series(dtype=float) for c in DISPERSION_COLUMNS})
    return sort_counts(pd.concat(frames, ignore_index=True), [by])


def _doc_sizes(corpus: pd.DataFrame) -> np.ndarray:
    """Words per document (whitespace-delimited, as extract_features' n_tokens)."""
    return np.fromiter((len(t.split()) if isinstance(t, str) else 0 for t in corpus["text"].tolist()),
                       dtype=np.int64, count=len(corpus))


def _lexicon_dispersion(matches: pd.DataFrame, corpus: pd.DataFrame, by: str, keys: list[str]) -> pd.DataFrame:
    """Dispersion of lexicon terms per outlet from the matches and the corpus' document sizes."""
    ids = (corpus["doc_id"].astype(str) if "doc_id" in corpus.columns
           else pd.Series(corpus.index.astype(str))).reset_index(drop=True)
    gcode, gvals = pd.factorize(corpus[by].reset_index(drop=True), sort=True)
    parts = _Parts(_doc_sizes(corpus), gcode, len(gvals))
    if not len(matches):
        return pd.DataFrame(columns=[by, *keys, *DISPERSION_COLUMNS])
    doc = pd.Index(ids).get_indexer(matches["doc_id"].astype(str))
    if (doc < 0).any():
        raise FramingError("compare_outlets: a match's doc_id is not in the corpus (duplicate or changed ids?)")
    kframe = pd.DataFrame({k: matches[k].astype(object).where(matches[k].notna(), None).to_numpy() for k in keys})
    term_code, terms = pd.MultiIndex.from_frame(kframe.fillna("\x00none")).factorize()
    n_groups = len(gvals)
    pair_of_doc = term_code.astype(np.int64) * len(ids) + doc
    td, td_u = pd.factorize(pair_of_doc)
    f = np.bincount(td).astype(float)
    t, d = td_u // len(ids), td_u % len(ids)
    pair, uniq = pd.factorize(t * n_groups + gcode[d])
    F = np.bincount(pair, weights=f)
    out = pd.DataFrame(list(terms[uniq // n_groups]), columns=keys).replace("\x00none", None)
    out.insert(0, by, gvals[uniq % n_groups])
    for c, v in parts.measures(pair, f, d, F, uniq % n_groups).items():
        out[c] = v
    return out


# --------------------------------------------------------------------------- comparing


def _counts_from(table, lexicon, vocabulary, by: str, ngram_range, dispersion=False):
    """(counts, dispersion table or None) for compare_outlets."""
    kind = _kind_of_table(table)
    if kind == "counts":
        _check_columns(table, [by], "count table", f"count with by=({by!r},) or pass the by= it was counted with")
        if dispersion is True:
            raise FramingError("dispersion=True needs the documents: counts summed per outlet no longer say how a "
                               "term is spread over them; pass the corpus (or dispersion=False)")
        return table, None
    if kind == "corpus" and vocabulary == "lexicon" and lexicon is None:
        raise FramingError("compare_outlets: a corpus with vocabulary='lexicon' needs lexicon= (a bundled "
                           "name such as 'libya', a path or a Lexicon); or use vocabulary='all'")
    if kind == "matches" and dispersion is True:
        raise FramingError("dispersion=True needs each document's size, which a matches table does not hold; "
                           "pass the corpus with lexicon= (or dispersion=False)")
    if kind != "corpus" or not dispersion:
        return term_counts(table, lexicon=lexicon, vocabulary=vocabulary, by=(by,), ngram_range=ngram_range), None
    _check_columns(table, [by], "corpus", "pass by= with a column of the corpus")
    if table[by].isna().any():
        raise FramingError(f"corpus: {int(table[by].isna().sum())} row(s) have no {by!r}; fill or drop them")
    if vocabulary == "all":
        full = _all_counts_dispersion(table, by, ngram_range)
        disp = full[[by, "term", *DISPERSION_COLUMNS]]
        return full.drop(columns=list(DISPERSION_COLUMNS)), disp
    matches = lexicon_matches(table, lexicon, [by])  # as term_counts: in-scope hits only
    counts = lexicon_term_counts(matches, [by])
    keys = [c for c in _KEY_COLUMNS if c in counts.columns] + ["term"]
    return counts, _lexicon_dispersion(matches, table, by, keys)


def compare_outlets(corpus_or_counts, *, lexicon=None, vocabulary: str = "lexicon", method: str = "log_odds",
                    mode: str = "one_vs_rest", prior=None, min_count: int = 1, by: str = "outlet",
                    ngram_range=(1, 3), dispersion="auto") -> pd.DataFrame:
    """Which terms each outlet over- or under-uses compared with the others.

    Parameters
    ----------
    corpus_or_counts : pandas.DataFrame
        A corpus (counted with :func:`term_counts`; needs ``lexicon`` when ``vocabulary="lexicon"``),
        a matches table, or long counts from :func:`term_counts` / :func:`combine_counts`.  Counts
        are additive, so counts of batches combined give the result of the whole corpus.  A
        ``period`` column is summed over (filter the periods first to compare one of them).
    lexicon, vocabulary, ngram_range
        As in :func:`term_counts` (used only when a corpus or matches table is given).
    method : {"log_odds", "g2", "chi2", "log_ratio"}
        ``"log_odds"``: :func:`framing.stats.core.log_odds_dirichlet`; ``score`` = ``z``, ``p`` its
        two-sided normal p-value.  ``"g2"``, ``"chi2"``, ``"log_ratio"``:
        :func:`framing.stats.core.keyness`; ``score`` = G2 or chi-square signed by the direction of the
        difference (+ when the outlet uses the term relatively more), or Hardie's Log Ratio; ``p`` is
        the chi-square(1) p-value of the statistic (of G2 for ``"log_ratio"``).
    mode : {"one_vs_rest", "pairwise"}
        ``"one_vs_rest"``: each outlet against the pooled counts of all the others (``reference`` =
        ``"rest"``).  ``"pairwise"``: every pair of outlets once, ``outlet`` < ``reference`` in
        sorted order (swap the sign of ``score`` for the other direction).
    prior : None, float or pandas.Series, optional
        Log-odds only.  ``None`` (default): the pooled counts of *all* outlets over the whole
        vocabulary (before ``min_count``), the same prior for every comparison; in one-vs-rest mode
        this is the pooled counts of the two sides, as in Monroe et al.  A number: the same
        pseudo-count for every term.  A Series indexed by term (e.g. counts of a background
        corpus): per-term pseudo-counts.
    min_count : int, default 1
        Report terms whose count over all outlets is at least ``min_count``.  Group sizes (and the
        default prior) still include the rarer terms, so filtering does not change the scores of the
        terms kept; q-values are computed over the terms reported.
    by : str, default "outlet"
        The column whose values are compared.
    dispersion : {"auto", True, False}, default "auto"
        Add how evenly each term is spread over the outlet's documents (parts = documents, sizes =
        words): ``docs`` (documents holding it), Gries' ``dp`` (0 = spread as the text is, towards 1 =
        concentrated in few documents), ``dp_norm`` (DP / (1 - the smallest document's share), Lijffijt
        & Gries 2012) and Juilland's ``juilland_d`` (1 = even, 0 = one document); see
        :func:`dispersion`.  A term that one article repeats twenty times has a high count but a DP near
        1 and few ``docs``.  ``"auto"``: when a corpus is given (counts and matches tables do not hold the
        documents' sizes); ``True`` demands it.  In pairwise mode the columns describe ``outlet``.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``reference``, [``kind``, ``category``, ``referent``, ``stance``], ``term``,
        ``count``, ``count_reference``, ``score``, ``p``, ``q`` (Benjamini-Hochberg across the terms
        of each comparison), then the method's own columns (``delta``, ``var``, ``z`` / ``g2`` /
        ``chi2`` / ``log_ratio``), then the dispersion columns when computed.  Sorted by outlet (and
        reference), then score descending.  In pairwise mode, terms neither outlet uses are left out of that comparison.  The first
        column is named after ``by``.

    Raises
    ------
    FramingError
        Unknown ``method``/``mode``/``vocabulary``, a corpus without ``lexicon``, fewer than two
        outlets, or a table that is neither a corpus, matches nor counts.
    """
    from framing.stats.core import bh_qvalues, keyness, log_odds_dirichlet

    if method not in METHODS:
        raise FramingError(f"method: expected one of {METHODS}, got {method!r}")
    if mode not in MODES:
        raise FramingError(f"mode: expected one of {MODES}, got {mode!r}")
    if vocabulary not in VOCABULARIES:
        raise FramingError(f"vocabulary: expected one of {VOCABULARIES}, got {vocabulary!r}")
    if not isinstance(by, str):
        raise FramingError(f"by: expected one column name (the outlets to compare), got {by!r}")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise FramingError(f"min_count: expected an integer >= 1, got {min_count!r}")
    if prior is not None and method != "log_odds":
        raise FramingError(f"prior= applies to method='log_odds' only, got method={method!r}")
    if dispersion not in ("auto", True, False):
        raise FramingError(f"dispersion: expected 'auto', True or False, got {dispersion!r}")
    counts, disp = _counts_from(corpus_or_counts, lexicon, vocabulary, by, ngram_range, dispersion)
    keys = [c for c in _KEY_COLUMNS if c in counts.columns] + ["term"]
    values = pd.to_numeric(counts["count"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        row = int(np.flatnonzero(values.isna().to_numpy() | (values < 0).to_numpy())[0])
        raise FramingError(f"count table, row {row}, field 'count': expected a count >= 0, got "
                           f"{counts['count'].iloc[row]!r}; fill missing counts with 0")
    if counts[by].isna().any():
        raise FramingError(f"count table: {int(counts[by].isna().sum())} row(s) have no {by!r}; "
                           f"fill or drop them before comparing")
    frame = pd.DataFrame({k: counts[k].astype(object).where(counts[k].notna(), None) for k in keys})
    frame[by] = counts[by].to_numpy()
    frame["count"] = values.to_numpy(dtype=float)
    outlets = sorted(pd.unique(frame[by]), key=str)
    if len(outlets) < 2:
        raise FramingError(f"compare_outlets: expected at least two values of {by!r} to compare, got "
                           f"{len(outlets)} ({outlets}); check the corpus or the by= column")
    grouped = frame.groupby(keys, dropna=False, sort=True)
    term_code = grouped.ngroup().to_numpy()
    terms = grouped.size().index.to_frame(index=False)
    outlet_code = pd.Index(outlets).get_indexer(frame[by])
    K = len(outlets)
    X = np.bincount(term_code * K + outlet_code, weights=frame["count"].to_numpy(),
                    minlength=len(terms) * K).reshape(len(terms), K)  # terms x outlets
    totals = X.sum(axis=0)
    pooled = X.sum(axis=1)
    keep = pooled >= min_count
    positions = pd.RangeIndex(X.shape[0])
    if prior is None:
        prior_s = pd.Series(pooled, index=positions)
    elif isinstance(prior, pd.Series):
        prior_s = _prior_by_term(prior, terms)
    else:
        prior_s = prior  # a number, checked by log_odds_dirichlet
    if mode == "one_vs_rest":
        pairs = [(k, None) for k in range(len(outlets))]
    else:
        pairs = [(i, j) for i in range(len(outlets)) for j in range(i + 1, len(outlets))]
    results = []
    for i, j in pairs:
        yi = X[:, i]
        yj = X[:, j] if j is not None else pooled - yi
        rows = keep & ((yi + yj) > 0) if j is not None else keep
        sel = positions[rows]
        if sel.empty:
            continue
        ni, nj = float(totals[i]), float(totals[j] if j is not None else totals.sum() - totals[i])
        if ni <= 0 or nj <= 0:
            empty = outlets[i] if ni <= 0 else (outlets[j] if j is not None else "the rest")
            raise FramingError(f"compare_outlets: {empty!r} has no counts at all, so it cannot be compared; "
                               "drop it or check the counts")
        ci, cj = pd.Series(yi[rows], index=sel), pd.Series(yj[rows], index=sel)
        if method == "log_odds":
            stat = log_odds_dirichlet(ci, cj, prior_s, total_i=ni, total_j=nj)
            score = stat["z"].to_numpy()
            p = _normal_two_sided(score)
            own = stat[["delta", "var", "z"]]
        else:
            stat = keyness(ci, cj, total_target=ni, total_reference=nj)
            if method == "g2":
                score, p = stat["signed_g2"].to_numpy(), stat["p"].to_numpy()
            elif method == "chi2":
                score = stat["direction"].to_numpy() * stat["chi2"].to_numpy()
                p = _chi2_sf1(stat["chi2"].to_numpy())
            else:
                score, p = stat["log_ratio"].to_numpy(), stat["p"].to_numpy()
            own = stat[_METHOD_COLUMNS[method]]
        part = terms.iloc[stat.index.to_numpy()].reset_index(drop=True)
        part.insert(0, "reference", "rest" if j is None else outlets[j])
        part.insert(0, by, outlets[i])
        part["count"] = stat.iloc[:, 0].to_numpy().astype("int64") if _integral(stat.iloc[:, 0]) \
            else stat.iloc[:, 0].to_numpy()
        part["count_reference"] = stat.iloc[:, 1].to_numpy().astype("int64") if _integral(stat.iloc[:, 1]) \
            else stat.iloc[:, 1].to_numpy()
        part["score"] = score
        part["p"] = p
        part["q"] = bh_qvalues(p)
        for c in own.columns:
            part[c] = own[c].to_numpy()
        part = part.sort_values("score", ascending=False, kind="mergesort", na_position="last")
        results.append(part)
    columns = [by, "reference", *keys, "count", "count_reference", "score", "p", "q", *_METHOD_COLUMNS[method]]
    if not results:
        return pd.DataFrame(columns=columns)
    out = pd.concat(results, ignore_index=True)[columns]
    if disp is not None:
        out = _with_dispersion(out, disp, by, keys)
    out.attrs.update({"method": method, "mode": mode, "by": by, "outlets": [str(o) for o in outlets],
                      "dispersion": disp is not None})
    return out


def _with_dispersion(out: pd.DataFrame, disp: pd.DataFrame, by: str, keys: list[str]) -> pd.DataFrame:
    """The dispersion of each row's term in its outlet (a term the outlet never uses: docs 0, NaN)."""
    on = [by, *keys]
    sentinel = "\x00none"
    left = out[on].astype(object).where(out[on].notna(), sentinel)
    right = disp[on].astype(object).where(disp[on].notna(), sentinel)
    idx = pd.MultiIndex.from_frame(right).get_indexer(pd.MultiIndex.from_frame(left))
    found = idx >= 0
    for c in DISPERSION_COLUMNS:
        values = disp[c].to_numpy()
        if c == "docs":
            col = np.zeros(len(out), dtype="int64")
            col[found] = values[idx[found]]
        else:
            col = np.full(len(out), np.nan)
            col[found] = values[idx[found]]
        out[c] = col
    return out


def _integral(s: pd.Series) -> bool:
    v = s.to_numpy(dtype=float)
    return bool(np.all(np.isfinite(v)) and np.all(v == np.round(v)))


def _prior_by_term(prior: pd.Series, terms: pd.DataFrame) -> pd.Series:
    """A prior Series indexed by term string, laid out on the rows of ``terms`` (plus unseen terms)."""
    if not prior.index.is_unique:
        raise FramingError("prior: a term appears more than once in the index; aggregate first, "
                           "e.g. prior.groupby(level=0).sum()")
    per_row = prior.reindex(terms["term"].to_numpy()).fillna(0.0).to_numpy(dtype=float)
    unseen = prior[~prior.index.isin(terms["term"])]
    index = list(range(len(terms))) + [f"\x00prior:{t}" for t in unseen.index]
    return pd.Series(np.concatenate([per_row, unseen.to_numpy(dtype=float)]), index=index)


def _normal_two_sided(z: np.ndarray) -> np.ndarray:
    from scipy.special import erfc

    with np.errstate(invalid="ignore"):
        return erfc(np.abs(z) / np.sqrt(2.0))


def _chi2_sf1(x: np.ndarray) -> np.ndarray:
    from scipy.special import erfc

    with np.errstate(invalid="ignore"):
        return erfc(np.sqrt(np.clip(x, 0.0, None) / 2.0))


# --------------------------------------------------------------------------- distances


def outlet_distance(features_or_counts, *, referent=None, by: str = "outlet", voice=None,
                    method: str = "average") -> pd.DataFrame:
    """Jensen-Shannon distances between outlets' label distributions, ordered by clustering.

    Parameters
    ----------
    features_or_counts : pandas.DataFrame
        A features table (``label:<referent>:<stance>`` columns, from
        :func:`framing.extract_features`), a matches table, or long counts with ``referent`` and
        ``stance`` columns (from :func:`term_counts`; rows of ``kind`` "category" are ignored).
    referent : str, optional
        ``None``: every referent x stance label cell pooled into one distribution per outlet.
        A referent name: that referent's stance distribution.
    by : str, default "outlet"
        The column that names the outlets.
    voice : {"all", "own", "quoted"}, optional
        Matches tables only: which matches to count (``"own"`` = outside quotation marks).  For a
        features table it must agree with ``features.attrs["voice"]`` when that is set.
    method : str, default "average"
        Linkage method for :func:`scipy.cluster.hierarchy.linkage`.

    Returns
    -------
    pandas.DataFrame
        Square, symmetric, zero diagonal; index and columns are the outlets in the leaf order of an
        average-linkage clustering (:func:`framing.stats.core.cluster_order`).  ``attrs``: ``"order"``
        (that list), ``"linkage"`` (the scipy linkage matrix over the outlets in that order, as a
        list of lists, for dendrograms), ``"referent"``, ``"cells"`` (the distribution's cells) and
        ``"empty"`` (outlets left out because they have no label at all; a warning names them).
    """
    from framing.stats.core import cluster_order, js_distance_matrix

    if not isinstance(by, str):
        raise FramingError(f"by: expected one column name, got {by!r}")
    table, everyone = _label_table(features_or_counts, by, voice)  # long: by, referent, stance, count
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
    from framing.lexicon.load import STANCES

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


def _plain(x):
    return x.item() if isinstance(x, np.generic) else x


def _linkage(D: pd.DataFrame, method: str) -> list:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    Z = linkage(squareform(D.to_numpy(), checks=False), method=method, optimal_ordering=len(D) > 2)
    return [[float(v) for v in row] for row in Z]


def _label_table(data, by: str, voice) -> pd.DataFrame:
    """Long label counts (by, referent, stance, count) from features, matches or counts."""
    from framing.features.extract import VOICES, label_columns

    if not isinstance(data, pd.DataFrame):
        raise FramingError(f"outlet_distance: expected a features table, matches table or long counts, "
                           f"got {type(data).__name__}")
    if voice is not None and voice not in VOICES:
        raise FramingError(f"voice: expected one of {VOICES}, got {voice!r}")
    labels = label_columns(data)
    if labels:
        _check_columns(data, [by], "features table", "pass by= with a column of the table")
        have = data.attrs.get("voice")
        if voice is not None and have is not None and have != voice:
            raise FramingError(f"voice={voice!r}, but the features table was extracted with voice={have!r}; "
                               f"run extract_features(..., voice={voice!r}) again")
        sums = data.groupby(by, sort=True, dropna=False)[[c for c, _, _ in labels]].sum()
        rows = [(o, r, s, float(sums.at[o, c])) for c, r, s in labels for o in sums.index]
        return pd.DataFrame(rows, columns=[by, "referent", "stance", "count"]), list(sums.index)
    cols = set(data.columns)
    if {"referent", "stance"} <= cols and (all(c in cols for c in _MATCH_REQUIRED) or "count" in cols):
        _check_columns(data, [by], "table", "pass by= with a column of the table")
        if data[by].isna().any():
            raise FramingError(f"table: {int(data[by].isna().sum())} row(s) have no {by!r}; fill or drop them")
        everyone = list(pd.unique(data[by]))
        df = data
        if "kind" in cols:
            df = df[df["kind"] == "label"]
        if "count" in cols and "surface" not in cols:
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
                from framing.vocabulary import voice_mask

                df = df[voice_mask(df, voice)]
            if "in_scope" in cols:
                df = df[df["in_scope"].astype(bool)]
            counts = pd.Series(1.0, index=df.index)
        df = df[df["referent"].notna() & df["stance"].notna()]
        out = pd.DataFrame({by: df[by].to_numpy(), "referent": df["referent"].to_numpy(),
                            "stance": df["stance"].to_numpy(), "count": counts.loc[df.index].to_numpy(dtype=float)})
        return out.groupby([by, "referent", "stance"], sort=True)["count"].sum().reset_index(), everyone
    raise FramingError("outlet_distance: expected a features table (label:<referent>:<stance> columns), a "
                       "matches table or long counts with 'referent' and 'stance' columns; got columns "
                       f"{', '.join(map(str, data.columns))}")
