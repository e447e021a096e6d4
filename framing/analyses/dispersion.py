"""Dispersion: how evenly a term is spread over the documents of an outlet.

A term one article repeats twenty times has a high count but sits in one document; a term used once
in each of twenty articles has the same count and is spread over the outlet.  The measures, over the
documents (parts) of each group with their sizes in words:

* ``docs``: the documents holding the term;
* Gries' ``dp`` (2008): 0.5 * sum_i |v_i - s_i|, with ``s_i`` the document's share of the group's
  words and ``v_i`` its share of the term's occurrences: 0 = spread as the text is, towards 1 =
  concentrated in few documents;
* ``dp_norm``: DP / (1 - min_i s_i), between 0 and 1 (Lijffijt & Gries 2012);
* Juilland's ``juilland_d``: 1 - V / sqrt(n - 1) with V the coefficient of variation of the term's
  relative frequency over the ``n`` documents (1 = even, 0 = all in one document).

:func:`dispersion` computes them from a documents x terms matrix; :func:`term_dispersion` from a
corpus (every word and n-gram, or the lexicon terms of a matches table), in a table that
:func:`framing.compare_outlets` places beside its counts (``dispersion=``).

>>> import pandas as pd
>>> corpus = pd.DataFrame({"outlet": ["A", "A", "B"], "doc_id": ["a1", "a2", "b1"],
...                        "text": ["حصار حصار حصار قمر", "قمر شمس", "حصار قمر"]})
>>> t = term_dispersion(corpus, ngram_range=(1, 1))
>>> t.loc[t["outlet"] == "A", ["term", "count", "docs"]].values.tolist()
[['حصار', 3, 1], ['قمر', 2, 2], ['شمس', 1, 1]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.features.ngrams import check_ngram_range, ngram_counts, tokenize_corpus
from framing.features.terms import TERM_KEY_COLUMNS, sort_counts
from framing.vocabulary import check_by, table_kind

__all__ = ["DISPERSION_COLUMNS", "DocumentParts", "dispersion", "document_sizes", "term_dispersion",
           "lexicon_dispersion", "all_term_dispersion", "with_dispersion"]

#: the dispersion columns, in order: the outlet's documents holding the term, Gries' DP, DP normalized
#: (Lijffijt & Gries 2012) and Juilland's D
DISPERSION_COLUMNS = ("docs", "dp", "dp_norm", "juilland_d")

_NONE = "\x00none"  # stands for a missing key value (a category term has no referent) while matching rows


class DocumentParts:
    """The parts (documents) of each group and their sizes, for dispersion measures.

    Parameters
    ----------
    sizes : array-like
        The size (words) of each document.  Documents without a word are not parts (no term can
        occur in them).
    group_of_doc : array-like of int
        The group code (0 .. ``n_groups`` - 1) of each document.
    n_groups : int
    """

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

    def measures(self, pair, f, doc, F, pair_group) -> dict[str, np.ndarray]:
        """Dispersion of each (term, group) pair from its nonzero (pair, document, count) triplets.

        ``pair``: pair index of each triplet; ``f``: the count in that document; ``doc``: the document;
        ``F``: total count of each pair; ``pair_group``: the group of each pair.  Returns the arrays of
        :data:`DISPERSION_COLUMNS`, one value per pair.
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
        ``group``, ``term``, ``count``, then :data:`DISPERSION_COLUMNS` (see the module docstring).
        NaN for a group of one document.

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
        gcode, uniques = pd.factorize(pd.Series(list(groups)), sort=True)
        gvals = np.asarray(uniques)
        if len(gcode) != X.shape[0]:
            raise FramingError(f"dispersion: {X.shape[0]} documents but {len(gcode)} groups; give one per row")
    n_groups = len(gvals)
    doc, term = np.nonzero(X)
    f = X[doc, term]
    if (size[doc] <= 0).any():
        raise FramingError("dispersion: a document of size 0 holds a term; sizes must count the document's words")
    pair, uniq = pd.factorize(term * n_groups + gcode[doc])
    F = np.bincount(pair, weights=f)
    parts = DocumentParts(size, gcode, n_groups)
    names = np.asarray(doc_counts.columns, dtype=object)
    out = pd.DataFrame({"group": gvals[uniq % n_groups], "term": names[uniq // n_groups], "count": F})
    for c, v in parts.measures(pair, f, doc, F, uniq % n_groups).items():
        out[c] = v
    return out.sort_values(["group", "term"], kind="mergesort").reset_index(drop=True)


def document_sizes(corpus: pd.DataFrame) -> np.ndarray:
    """Words per document (whitespace-delimited, as :func:`framing.extract_features`' ``n_tokens``)."""
    return np.fromiter((len(t.split()) if isinstance(t, str) else 0 for t in corpus["text"].tolist()),
                       dtype=np.int64, count=len(corpus))


def lexicon_dispersion(matches: pd.DataFrame, corpus: pd.DataFrame, by: str = "outlet") -> pd.DataFrame:
    """Dispersion of the lexicon terms of ``matches`` (every row counts) over each outlet's documents.

    Documents are the rows of ``corpus`` (matched on ``doc_id``), their sizes its words
    (:func:`document_sizes`).  Columns: ``by``, the term's key columns (``kind``, ``category``,
    ``referent``, ``stance`` as far as ``matches`` has them), ``term``, ``count``, then
    :data:`DISPERSION_COLUMNS`.
    """
    keys = [c for c in TERM_KEY_COLUMNS if c in matches.columns] + ["term"]
    ids = (corpus["doc_id"].astype(str) if "doc_id" in corpus.columns
           else pd.Series(corpus.index.astype(str))).reset_index(drop=True)
    gcode, gvals = pd.factorize(corpus[by].reset_index(drop=True), sort=True)
    parts = DocumentParts(document_sizes(corpus), gcode, len(gvals))
    if not len(matches):
        return pd.DataFrame(columns=[by, *keys, "count", *DISPERSION_COLUMNS])
    doc = pd.Index(ids).get_indexer(pd.Index(matches["doc_id"].astype(str)))
    if (doc < 0).any():
        raise FramingError("dispersion: a match's doc_id is not in the corpus (duplicate or changed ids?); "
                           "pass the corpus the matches came from")
    kframe = pd.DataFrame({k: matches[k].astype(object).where(matches[k].notna(), None).to_numpy() for k in keys})
    term_code, terms = pd.MultiIndex.from_frame(kframe.fillna(_NONE)).factorize()
    n_groups = len(gvals)
    td, td_u = pd.factorize(term_code.astype(np.int64) * len(ids) + doc)
    f = np.bincount(td).astype(float)
    t, d = td_u // len(ids), td_u % len(ids)
    pair, uniq = pd.factorize(t * n_groups + gcode[d])
    F = np.bincount(pair, weights=f)
    out = pd.DataFrame(list(terms[uniq // n_groups]), columns=keys).replace(_NONE, None)
    out.insert(0, by, np.asarray(gvals)[uniq % n_groups])
    out["count"] = F.astype("int64")
    for c, v in parts.measures(pair, f, d, F, uniq % n_groups).items():
        out[c] = v
    return out


def all_term_dispersion(corpus: pd.DataFrame, by: str = "outlet", ngram_range=(1, 3)) -> pd.DataFrame:
    """Every word and n-gram per outlet, counted as :func:`framing.features.terms.all_term_counts`
    counts them, with :data:`DISPERSION_COLUMNS` over each outlet's documents (sizes = word tokens).

    Columns: ``by``, ``term``, ``count``, then the dispersion columns; sorted as the counts are.
    """
    lo, hi = check_ngram_range(ngram_range)
    tokens = tokenize_corpus(corpus, [by])
    n_docs, n_groups = len(corpus), len(tokens.groups)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), tokens.lengths)
    parts = DocumentParts(np.bincount(doc_of[tokens.seq >= 0], minlength=n_docs), tokens.doc_group, n_groups)
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


def term_dispersion(corpus: pd.DataFrame, matches: pd.DataFrame | None = None, *, by: str = "outlet",
                    ngram_range=(1, 3)) -> pd.DataFrame:
    """How each term is spread over each outlet's documents: counts and :data:`DISPERSION_COLUMNS`.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The documents (``text``, ``doc_id`` and the ``by`` column).
    matches : pandas.DataFrame, optional
        A matches table of ``corpus`` (:func:`framing.extract_matches`): the lexicon terms, the rows
        that count (``in_scope``) only, as :func:`framing.term_counts` counts them; document sizes
        are their whitespace-delimited words.  ``None``: every word and n-gram of the text, as
        ``term_counts(vocabulary="all")`` counts them (sizes = word tokens).
    by : str, default "outlet"
        The column that names the outlets.
    ngram_range : (int, int), default (1, 3)
        Without ``matches``: the n-gram lengths.

    Returns
    -------
    pandas.DataFrame
        ``<by>``, [``kind``, ``category``, ``referent``, ``stance``], ``term``, ``count``, ``docs``,
        ``dp``, ``dp_norm``, ``juilland_d``.  Not additive: compute it on the whole corpus.  Pass it
        to :func:`framing.compare_outlets` as ``dispersion=`` to place the columns beside the
        comparison (its ``count`` column also makes it a count table for one outlet column).
    """
    table_kind(corpus, ("corpus",), what="term_dispersion")
    if not isinstance(by, str):
        raise FramingError(f"by: expected one column name (the outlets), got {by!r}")
    check_by(by, corpus.columns, what="corpus")
    if corpus[by].isna().any():
        raise FramingError(f"corpus: {int(corpus[by].isna().sum())} row(s) have no {by!r}; fill or drop them")
    if matches is None:
        return all_term_dispersion(corpus, by, ngram_range)
    table_kind(matches, ("matches",), what="term_dispersion")
    if "in_scope" in matches.columns:  # hits left out by the lexicon's scope rules never count
        matches = matches[matches["in_scope"].astype(bool)]
    return lexicon_dispersion(matches, corpus, by)


def with_dispersion(out: pd.DataFrame, disp: pd.DataFrame, by: str, keys: list[str]) -> pd.DataFrame:
    """``out`` with :data:`DISPERSION_COLUMNS` of each row's term in its outlet, matched on ``by`` and
    ``keys`` (a term the outlet never uses: ``docs`` 0, the measures NaN)."""
    on = [by, *keys]
    missing = [c for c in [*on, *DISPERSION_COLUMNS] if c not in disp.columns]
    if missing:
        raise FramingError(f"dispersion table: missing column(s) {missing}; pass the table from "
                           f"term_dispersion(corpus, ..., by={by!r}) for the same terms")
    if disp.duplicated(on).any():
        raise FramingError(f"dispersion table: more than one row for some {on}; pass the table from "
                           "term_dispersion (computed on the whole corpus, not combined from batches)")
    left = out[on].astype(object).where(out[on].notna(), _NONE)
    right = disp[on].astype(object).where(disp[on].notna(), _NONE)
    idx = pd.MultiIndex.from_frame(right).get_indexer(pd.MultiIndex.from_frame(left))
    found = idx >= 0
    for c in DISPERSION_COLUMNS:
        values = disp[c].to_numpy()
        col = np.zeros(len(out), dtype="int64") if c == "docs" else np.full(len(out), np.nan)
        col[found] = values[idx[found]]
        out[c] = col
    return out
