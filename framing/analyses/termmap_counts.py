"""Word counts of the term map as a sparse matrix (terms × groups over integer ids), and its z-scores.

The term map needs, for every word of the corpus, its count in each group; it used to take them as
the long table of :func:`framing.features.terms.all_term_counts` (one row of Python strings per word
and group) and compare them with :func:`framing.compare_outlets` (a frame per outlet over the whole
vocabulary).  For unigrams (the map's default) :func:`count_words` counts the same words — the
``search`` profile, the same tokens, proclitics stripped deciding with the corpus' own vocabulary, as
:func:`framing.features.ngrams.tokenize_corpus` does — streaming the documents: it holds one int32 id
per token of a bounded buffer, the distinct (word, group) pairs and the word types, never the token
lists of the corpus.  :func:`log_odds_z` gives the z-scores of the drawn terms only, with
:func:`framing.stats.log_odds_dirichlet` on the same inputs as ``compare_outlets`` (the prior is the
pooled counts of every term), so every value is the same.

>>> wc = count_words(["قالت القوات", "والقوات تقدمت"], [0, 1], 2)
>>> [(str(t), wc.matrix[i].toarray().ravel().tolist()) for i, t in enumerate(wc.terms)]
[('تقدمت', [0, 1]), ('قالت', [1, 0]), ('قوات', [1, 1])]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from framing.errors import FramingError
from framing.stats import log_odds_dirichlet
from framing.text.morphology import morphology, strip_clitics
from framing.text.normalization import get_profile

__all__ = ["WordCounts", "count_words", "counts_from_table", "log_odds_z", "FLUSH_TOKENS"]

#: the tokens of :func:`framing.features.ngrams.tokenize_corpus` (words, and punctuation it skips)
_TOKEN = re.compile(r"\w+|[^\w\s]")
#: token ids buffered before they are reduced to (word, group) pair counts
FLUSH_TOKENS = 1 << 18


class WordCounts(NamedTuple):
    """Counts of every term per group: ``matrix`` (terms × groups, CSR, int64), rows in ``terms`` order
    (an object array sorted as ``groupby(sort=True)`` sorts strings)."""

    terms: np.ndarray
    matrix: sp.csr_matrix


def _reduce(keys: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct int64 keys (sorted) and their summed int64 weights (1 each when ``weights`` is None)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
    w = np.ones(len(k), dtype=np.int64) if weights is None else weights[order]
    return k[starts], np.add.reduceat(w, starts).astype(np.int64)


def _merge(keys_parts: list[np.ndarray], count_parts: list[np.ndarray]) -> None:
    """Reduce the parts in place to one (their distinct keys, counts summed)."""
    if len(keys_parts) > 1:
        k, c = _reduce(np.concatenate(keys_parts), np.concatenate(count_parts))
        keys_parts[:] = [k]
        count_parts[:] = [c]


class _PairCounts:
    """Counts of (token id, group) pairs, as sorted keys id * groups + group: token ids are buffered
    (int32, :data:`FLUSH_TOKENS` at most) and reduced to their distinct pairs when the buffer is full."""

    def __init__(self, n_groups: int) -> None:
        self.G = n_groups
        self.size = FLUSH_TOKENS  # read at call time (the tests make it small)
        self.ids = np.empty(self.size, dtype=np.int32)
        self.grp = np.empty(self.size, dtype=np.int32)
        self.used = 0
        self.keys: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []

    def add(self, ids: np.ndarray, group: int) -> None:
        """The token ids of one document of ``group``."""
        if self.used + len(ids) > self.size:
            self.flush()
        if len(ids) > self.size:  # one huge document: reduced on its own
            self._keep(*_reduce(ids.astype(np.int64) * self.G + group))
            return
        self.ids[self.used:self.used + len(ids)] = ids
        self.grp[self.used:self.used + len(ids)] = group
        self.used += len(ids)

    def flush(self) -> None:
        if self.used:
            self._keep(*_reduce(self.ids[:self.used].astype(np.int64) * self.G + self.grp[:self.used]))
            self.used = 0

    def _keep(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.keys.append(keys)
        self.counts.append(counts)
        if sum(map(len, self.keys)) > 4 * self.size:  # the pairs met so far, kept bounded
            _merge(self.keys, self.counts)

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct keys and their counts (int64)."""
        self.flush()
        _merge(self.keys, self.counts)
        if not self.keys:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return self.keys[0], self.counts[0]


def count_words(texts: Iterable[object], group_codes: Sequence[int] | np.ndarray, n_groups: int,
                doc_ids: Sequence[object] | None = None) -> WordCounts:
    """Counts of every word (normalized, proclitics stripped) per group, reading each text once.

    ``group_codes``: the group of each text (0 .. ``n_groups`` - 1).  A text that is not a str is an
    error naming its row (and ``doc_ids`` entry), as in ``all_term_counts``."""
    profile = get_profile("search")
    vocab: defaultdict[str, int] = defaultdict()
    vocab.default_factory = vocab.__len__
    getid = vocab.__getitem__
    G = max(int(n_groups), 1)
    codes = np.asarray(group_codes, dtype=np.int64)
    pairs = _PairCounts(G)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            doc = doc_ids[i] if doc_ids is not None else i
            raise FramingError(f"row {i} (doc_id {doc!r}), field 'text': expected a str, got "
                               f"{type(text).__name__}; drop or fill missing texts first")
        pairs.add(np.fromiter(map(getid, _TOKEN.findall(profile(text))), dtype=np.int32), int(codes[i]))
    keys, weights = pairs.result()
    del pairs
    types = list(vocab)
    del vocab
    # proclitics stripped as tokenize_corpus strips them: deciding with the corpus' words and their
    # article-less forms, only for words long enough that start with a clitic letter
    morph = morphology()
    first = {p[0] for p in (*morph.conjunctions, *morph.prepositions, morph.article)}
    known = {t for t in types if t[:1].isalnum() or t[:1] == "_"}
    known.update([strip_clitics(t) for t in known if len(t) >= 3 and t[0] in first])
    stems: dict[str, int] = {}
    stem_code = np.full(len(types), -1, dtype=np.int64)
    for j, t in enumerate(types):
        if t[:1].isalnum() or t[:1] == "_":
            s = strip_clitics(t, known) if len(t) >= 3 and t[0] in first else t
            stem_code[j] = stems.setdefault(s, len(stems))
    del known, types
    stem = stem_code[keys // G]
    word = stem >= 0
    pair_keys, pair_counts = _reduce(stem[word] * G + keys[word] % G, weights[word])
    del keys, weights, stem, word
    names = np.array(list(stems), dtype=object)
    del stems
    # rows in sorted term order (the order of the long table's groupby(sort=True))
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    matrix = sp.csr_matrix((pair_counts, (rank[pair_keys // G], pair_keys % G)), shape=(len(names), G),
                           dtype=np.int64)
    matrix.sum_duplicates()
    return WordCounts(names[order], matrix)


def counts_from_table(counts: pd.DataFrame, by: str, groups: Sequence[str]) -> WordCounts:
    """:class:`WordCounts` of a long count table (``by``, ``term``, ``count``), columns in ``groups`` order."""
    if not len(counts):
        return WordCounts(np.array([], dtype=object), sp.csr_matrix((0, len(groups)), dtype=np.int64))
    codes, uniq = pd.factorize(counts["term"], sort=True)
    col = pd.Index(list(groups)).get_indexer(pd.Index(counts[by].astype(str)))
    matrix = sp.csr_matrix((counts["count"].to_numpy(dtype=np.int64), (codes, col)),
                           shape=(len(uniq), len(groups)), dtype=np.int64)
    matrix.sum_duplicates()
    return WordCounts(np.asarray(uniq, dtype=object), matrix)


def log_odds_z(matrix: sp.csr_matrix, rows: np.ndarray, outlet: int, reference: int | None,
               names: Sequence[str], by: str = "outlet") -> np.ndarray:
    """z-scores of ``rows`` for column ``outlet`` against the pooled other columns (``reference`` None) or
    column ``reference``, as ``compare_outlets(method="log_odds", mode="one_vs_rest")`` gives them:
    the same prior (the pooled counts of every term compared), group sizes and function.  NaN for a
    row the comparison does not hold (no count on either side of a two-outlet comparison); a
    :class:`FramingError` as ``compare_outlets`` raises when fewer than two groups have counts.
    ``names``: the group names and ``by`` their column, for that message."""
    totals = np.asarray(matrix.sum(axis=0), dtype=float).ravel()
    yi_all = matrix[:, [outlet]].toarray().ravel().astype(float)
    if reference is None:
        cols = [k for k in range(matrix.shape[1]) if totals[k] > 0]
        pooled = np.asarray(matrix.sum(axis=1), dtype=float).ravel()
        yj_all = pooled - yi_all
        ni, nj = float(totals[outlet]), float(totals.sum() - totals[outlet])
    else:
        cols = [k for k in (outlet, reference) if totals[k] > 0]
        yj_all = matrix[:, [reference]].toarray().ravel().astype(float)
        pooled = yi_all + yj_all
        ni, nj = float(totals[outlet]), float(totals[reference])
    if len(cols) < 2:
        shown = sorted(str(names[k]) for k in cols)
        raise FramingError(f"compare_outlets: expected at least two values of {by!r} to compare, got "
                           f"{len(cols)} ({shown}); check the corpus or the by= column")
    out = np.full(len(rows), np.nan)
    if totals[outlet] <= 0:  # an outlet without words is not compared (no z), as in compare_outlets
        return out
    compared = np.flatnonzero(pooled > 0)  # the terms of compare_outlets' table
    prior = pd.Series(pooled[compared], index=compared)
    held = rows[pooled[rows] > 0]
    if not len(held):
        return out
    stat = log_odds_dirichlet(pd.Series(yi_all[held], index=held), pd.Series(yj_all[held], index=held), prior,
                              total_i=ni, total_j=nj)
    z = stat["z"].reindex(rows)
    return z.to_numpy(dtype=float)
