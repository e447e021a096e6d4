"""Comparing outlets' word choice: which terms each outlet over- or under-uses.

:func:`compare_outlets` takes long term counts (from :func:`framing.term_counts`, summed over
batches with :func:`framing.combine_counts`) and contrasts each outlet with the pooled rest
(``mode="one_vs_rest"``) or every pair of outlets (``mode="pairwise"``): Monroe et al.'s log-odds
with a Dirichlet prior, or keyness statistics (G2, chi-square, Log Ratio), with Benjamini-Hochberg
q-values per comparison.  Beside the counts it places how evenly each term is spread over the
outlet's documents (:func:`framing.analyses.dispersion.term_dispersion`).

The steps before and beside it keep their old import path here: :func:`term_counts` and
:func:`combine_counts` (:mod:`framing.features.terms`), :func:`dispersion` and
:data:`DISPERSION_COLUMNS` (:mod:`framing.analyses.dispersion`), :func:`outlet_distance`
(:mod:`framing.analyses.distance`).

>>> import pandas as pd
>>> counts = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "term": ["ميليشيا", "قوات"] * 2,
...                        "count": [30, 10, 5, 40]})
>>> res = compare_outlets(counts, method="log_odds")
>>> res.loc[res["outlet"] == "A", "term"].tolist()
['ميليشيا', 'قوات']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from framing.analyses.dispersion import (
    DISPERSION_COLUMNS,
    all_term_dispersion,
    dispersion,
    lexicon_dispersion,
    with_dispersion,
)
from framing.analyses.distance import outlet_distance
from framing.errors import FramingError
from framing.features.terms import (
    TERM_KEY_COLUMNS,
    VOCABULARIES,
    combine_counts,
    lexicon_matches,
    lexicon_term_counts,
    term_counts,
)
from framing.stats import bh_qvalues, keyness, log_odds_dirichlet
from framing.vocabulary import check_by, table_kind

__all__ = ["compare_outlets", "METHODS", "MODES", "term_counts", "combine_counts", "outlet_distance", "dispersion",
           "DISPERSION_COLUMNS"]

METHODS = ("log_odds", "g2", "chi2", "log_ratio")
MODES = ("one_vs_rest", "pairwise")
_METHOD_COLUMNS = {"log_odds": ["delta", "var", "z"], "g2": ["g2"], "chi2": ["chi2"], "log_ratio": ["log_ratio"]}
_DISPERSION_CHOICES = ("auto", True, False)


# --------------------------------------------------------------------------- the tables compared


def _counts_and_dispersion(table, kind: str, by: str, dispersion):
    """(counts, dispersion table or None) from a count table and ``dispersion=``."""
    if "term" not in table.columns:
        raise FramingError("compare_outlets: a count table needs a 'term' column; count with framing.term_counts")
    check_by(by, table.columns, what="count table")
    if isinstance(dispersion, pd.DataFrame):
        return table, dispersion
    if dispersion is True:
        raise FramingError("dispersion=True needs the documents: counts summed per outlet no longer say how a "
                           "term is spread over them; pass dispersion=framing.term_dispersion(corpus, matches, "
                           f"by={by!r}) (or dispersion=False)")
    return table, None


def _deprecated_counts(table, kind: str, lexicon, vocabulary: str, by: str, ngram_range, dispersion):
    """(counts, dispersion table or None) from a corpus or a matches table: the old convenience path."""
    if kind == "corpus" and vocabulary == "lexicon" and lexicon is None:
        raise FramingError("compare_outlets: a corpus with vocabulary='lexicon' needs lexicon= (a bundled "
                           "name such as 'libya', a path or a Lexicon); or use vocabulary='all'")
    given = dispersion if isinstance(dispersion, pd.DataFrame) else None
    if kind == "matches" and dispersion is True:
        raise FramingError("dispersion=True needs each document's size, which a matches table does not hold; "
                           "pass dispersion=framing.term_dispersion(corpus, matches) (or dispersion=False)")
    if kind != "corpus" or dispersion is False or given is not None:
        counts = term_counts(table, lexicon=lexicon, vocabulary=vocabulary, by=(by,), ngram_range=ngram_range)
        return counts, given
    check_by(by, table.columns, what="corpus")
    if table[by].isna().any():
        raise FramingError(f"corpus: {int(table[by].isna().sum())} row(s) have no {by!r}; fill or drop them")
    if vocabulary == "all":
        full = all_term_dispersion(table, by, ngram_range)
        return full.drop(columns=list(DISPERSION_COLUMNS)), full
    matches = lexicon_matches(table, lexicon, [by])  # as term_counts: in-scope hits only
    return lexicon_term_counts(matches, [by]), lexicon_dispersion(matches, table, by)


# --------------------------------------------------------------------------- comparing


def compare_outlets(corpus_or_counts, *, lexicon=None, vocabulary: str = "lexicon", method: str = "log_odds",
                    mode: str = "one_vs_rest", prior=None, min_count: int = 1, by: str = "outlet",
                    ngram_range=(1, 3), dispersion="auto") -> pd.DataFrame:
    """Which terms each outlet over- or under-uses compared with the others.

    Parameters
    ----------
    corpus_or_counts : pandas.DataFrame
        Long counts from :func:`framing.term_counts` / :func:`framing.combine_counts` (``by``,
        ``term``, ``count``, and the lexicon key columns when counted from a lexicon).  Counts are
        additive, so counts of batches combined give the result of the whole corpus.  A ``period``
        column is summed over (filter the periods first to compare one of them).  *Deprecated*: a
        corpus or a matches table, counted here with :func:`framing.term_counts` (a
        :class:`DeprecationWarning`; count first and pass the counts).
    lexicon, vocabulary, ngram_range
        Deprecated path only: as in :func:`framing.term_counts`, for a corpus or matches table.
    method : {"log_odds", "g2", "chi2", "log_ratio"}
        ``"log_odds"``: :func:`framing.stats.log_odds_dirichlet`; ``score`` = ``z``, ``p`` its
        two-sided normal p-value.  ``"g2"``, ``"chi2"``, ``"log_ratio"``:
        :func:`framing.stats.keyness`; ``score`` = G2 or chi-square signed by the direction of the
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
    dispersion : {"auto", True, False} or pandas.DataFrame, default "auto"
        Add how evenly each term is spread over the outlet's documents (parts = documents, sizes =
        words): ``docs`` (documents holding it), Gries' ``dp`` (0 = spread as the text is, towards 1 =
        concentrated in few documents), ``dp_norm`` (DP / (1 - the smallest document's share), Lijffijt
        & Gries 2012) and Juilland's ``juilland_d`` (1 = even, 0 = one document); see
        :mod:`framing.analyses.dispersion`.  A term that one article repeats twenty times has a high
        count but a DP near 1 and few ``docs``.  Counts do not hold the documents: pass the table of
        :func:`framing.term_dispersion` (of the corpus the counts came from, with the same ``by``).
        ``"auto"``: that table when given, else none (the deprecated corpus path computes it);
        ``True`` demands it.  In pairwise mode the columns describe ``outlet``.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``reference``, [``kind``, ``category``, ``referent``, ``stance``], ``term``,
        ``count``, ``count_reference``, ``score``, ``p``, ``q`` (Benjamini-Hochberg across the terms
        of each comparison), then the method's own columns (``delta``, ``var``, ``z`` / ``g2`` /
        ``chi2`` / ``log_ratio``), then the dispersion columns when computed.  Sorted by outlet (and
        reference), then score descending.  In pairwise mode, terms neither outlet uses are left out of
        that comparison.  The first column is named after ``by``.

    Raises
    ------
    FramingError
        Unknown ``method``/``mode``/``vocabulary``, a corpus without ``lexicon``, fewer than two
        outlets, or a table that is neither counts (nor, deprecated, a corpus or matches).

    Examples
    --------
    With dispersion, from a corpus and its matches:

    >>> import framing
    >>> corpus = framing.read_corpus(framing.demo_path()).iloc[:200]
    >>> matches = framing.extract_matches(corpus, "libya")
    >>> res = compare_outlets(framing.term_counts(matches),
    ...                       dispersion=framing.term_dispersion(corpus, matches))
    >>> list(res.columns[-4:])
    ['docs', 'dp', 'dp_norm', 'juilland_d']
    """
    _check_options(method=method, mode=mode, vocabulary=vocabulary, by=by, min_count=min_count, prior=prior,
                   dispersion=dispersion)
    table = corpus_or_counts
    kind = table_kind(table, ("counts", "corpus", "matches"), what="compare_outlets")
    if kind == "counts":
        counts, disp = _counts_and_dispersion(table, kind, by, dispersion)
    else:
        warnings.warn(f"compare_outlets: passing a {kind} (counted here) is deprecated; count first and pass the "
                      f"counts: compare_outlets(framing.term_counts(...), dispersion=framing.term_dispersion(...))",
                      DeprecationWarning, stacklevel=2)
        counts, disp = _deprecated_counts(table, kind, lexicon, vocabulary, by, ngram_range, dispersion)
    keys = [c for c in TERM_KEY_COLUMNS if c in counts.columns] + ["term"]
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
    pairs: list[tuple[int, int | None]]
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
        stat, score, p = _statistic(method, ci, cj, prior_s, ni, nj)
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
        out = with_dispersion(out, disp, by, keys)
    out.attrs.update({"method": method, "mode": mode, "by": by, "outlets": [str(o) for o in outlets],
                      "dispersion": disp is not None})
    return out


def _check_options(*, method, mode, vocabulary, by, min_count, prior, dispersion) -> None:
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
    if not isinstance(dispersion, pd.DataFrame) and not any(dispersion is c for c in _DISPERSION_CHOICES):
        raise FramingError(f"dispersion: expected 'auto', True, False or a table from term_dispersion, "
                           f"got {dispersion!r}")


def _statistic(method: str, ci: pd.Series, cj: pd.Series, prior, ni: float, nj: float):
    """(the statistic's table, signed score, p-value) of one comparison."""
    if method == "log_odds":
        stat = log_odds_dirichlet(ci, cj, prior, total_i=ni, total_j=nj)
        score = stat["z"].to_numpy()
        return stat, score, _normal_two_sided(score)
    stat = keyness(ci, cj, total_target=ni, total_reference=nj)
    if method == "g2":
        return stat, stat["signed_g2"].to_numpy(), stat["p"].to_numpy()
    if method == "chi2":
        return stat, stat["direction"].to_numpy() * stat["chi2"].to_numpy(), _chi2_sf1(stat["chi2"].to_numpy())
    return stat, stat["log_ratio"].to_numpy(), stat["p"].to_numpy()


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
