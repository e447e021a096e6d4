"""Every word of a corpus as integer codes, and its n-grams counted per group.

The two steps of :func:`framing.features.terms.all_term_counts` (``term_counts(vocabulary="all")``):
:func:`tokenize_corpus` normalizes, tokenizes and strips the proclitics of every text once, as codes;
:func:`ngram_counts` counts the n-grams of one length per group and says where each occurrence is,
so that :mod:`framing.analyses.dispersion` can see the documents behind each count.

>>> import pandas as pd
>>> tokens = tokenize_corpus(pd.DataFrame({"outlet": ["A"], "text": ["والقوات تقدمت، القوات"]}))
>>> ngram_counts(tokens, 1).frame.values.tolist()
[['A', 'قوات', 2], ['A', 'تقدمت', 1]]
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import NamedTuple

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.text.morphology import morphology, strip_clitics
from framing.text.normalization import get_profile
from framing.vocabulary import check_by, period_start

__all__ = ["TokenizedCorpus", "NgramCounts", "tokenize_corpus", "ngram_counts", "check_ngram_range"]

_TOKEN = re.compile(r"\w+|[^\w\s]")
_DOC_SEP = "\x00"  # a non-word token that ends every document (n-grams never cross it)


class TokenizedCorpus(NamedTuple):
    """A corpus as one sequence of word codes (:func:`tokenize_corpus`)."""

    #: the word (stem) code of every token, -1 for punctuation and for the marker ending each document
    seq: np.ndarray
    #: the word of each code (object array)
    stems: np.ndarray
    #: tokens of each document, its end marker included
    lengths: np.ndarray
    #: the group code of each document
    doc_group: np.ndarray
    #: the group code of each token
    token_group: np.ndarray
    #: one row per group code: the values of the group columns
    groups: pd.DataFrame
    #: distinct raw token types before stripping (for logging)
    n_types: int


class NgramCounts(NamedTuple):
    """The counts of the n-grams of one length (:func:`ngram_counts`)."""

    #: the group columns, ``term`` and ``count`` (int64): one row per (term, group) pair
    frame: pd.DataFrame
    #: for each counted occurrence: the index of its term among the kept terms
    term: np.ndarray
    #: for each counted occurrence: the position of its first token in :attr:`TokenizedCorpus.seq`
    position: np.ndarray
    #: for each row of :attr:`frame`: its pair code, term index * number of groups + group code
    pairs: np.ndarray
    #: for each row of :attr:`frame`: its group code
    pair_group: np.ndarray


def check_ngram_range(ngram_range) -> tuple[int, int]:
    """``(min_n, max_n)`` as ints, or a :class:`FramingError` unless ``1 <= min_n <= max_n``."""
    if (not isinstance(ngram_range, (tuple, list)) or len(ngram_range) != 2
            or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in ngram_range)
            or not 1 <= ngram_range[0] <= ngram_range[1]):
        raise FramingError(f"ngram_range: expected (min_n, max_n) with 1 <= min_n <= max_n, got {ngram_range!r}")
    return int(ngram_range[0]), int(ngram_range[1])


def tokenize_corpus(corpus: pd.DataFrame, by=("outlet",), *, freq=None) -> TokenizedCorpus:
    """Normalize (``search`` profile), tokenize and strip the proclitics of every text, as integer codes.

    Proclitics are stripped deciding with the corpus' own vocabulary (its words and their
    article-less forms, :func:`framing.text.morphology.strip_clitics`).  Groups are the ``by``
    columns, plus ``period`` (the start of each document's period) when ``freq`` is given.
    """
    by = check_by(by, corpus.columns, what="corpus")
    if "text" not in corpus.columns:
        raise FramingError("corpus: no 'text' column; counting every word needs the texts (read_corpus gives them)")
    group_frame = pd.DataFrame({b: corpus[b].to_numpy() for b in by})
    if freq is not None:
        if "date" not in corpus.columns:
            raise FramingError("freq= needs a 'date' column in the corpus; "
                               f"columns found: {', '.join(map(str, corpus.columns))}")
        group_frame["period"] = period_start(corpus["date"], freq).to_numpy()
    groups = list(group_frame.columns)
    if len(groups) > 1:
        codes, uniques = pd.MultiIndex.from_frame(group_frame).factorize()
        group_values = pd.MultiIndex.from_tuples(list(uniques), names=groups).to_frame(index=False)
    else:
        codes, uniques = pd.factorize(group_frame[groups[0]], use_na_sentinel=False)
        group_values = pd.DataFrame({groups[0]: np.asarray(uniques, dtype=object)})
    codes = np.asarray(codes)

    # pass 1: normalize, tokenize, give every raw token type an id
    profile = get_profile("search")
    vocab: defaultdict[str, int] = defaultdict()
    vocab.default_factory = vocab.__len__
    vocab[_DOC_SEP]  # id 0
    getid = vocab.__getitem__
    ids: list[int] = []
    lengths = np.zeros(len(corpus), dtype=np.int64)
    for i, text in enumerate(corpus["text"].tolist()):
        if not isinstance(text, str):
            doc = corpus["doc_id"].iloc[i] if "doc_id" in corpus.columns else corpus.index[i]
            raise FramingError(f"row {i} (doc_id {doc!r}), field 'text': expected a str, got "
                               f"{type(text).__name__}; drop or fill missing texts first")
        toks = _TOKEN.findall(profile(text))
        ids.extend(map(getid, toks))
        ids.append(0)
        lengths[i] = len(toks) + 1
    types = list(vocab)
    # pass 2: strip proclitics, deciding with the corpus vocabulary (words and their article-less forms)
    is_word = np.fromiter((t[:1].isalnum() or t[:1] == "_" for t in types), dtype=bool, count=len(types))
    words = [t for t, w in zip(types, is_word, strict=True) if w]
    # only words that start with a clitic letter and are long enough can lose a prefix
    morph = morphology()
    first = {p[0] for p in (*morph.conjunctions, *morph.prepositions, morph.article)}
    strippable = {w for w in words if len(w) >= 3 and w[0] in first}
    known = set(words)
    known.update(strip_clitics(w) for w in strippable)
    stripped = [(strip_clitics(t, known) if t in strippable else t) if w else None
                for t, w in zip(types, is_word, strict=True)]
    stems: dict[str, int] = {}
    stem_code = np.full(len(types), -1, dtype=np.int64)
    for j, s in enumerate(stripped):
        if s is not None:
            stem_code[j] = stems.setdefault(s, len(stems))
    seq = stem_code[np.asarray(ids, dtype=np.int64)]
    return TokenizedCorpus(seq=seq, stems=np.array(list(stems), dtype=object), lengths=lengths, doc_group=codes,
                           token_group=np.repeat(codes, lengths), groups=group_values, n_types=len(types))


def ngram_counts(tokens: TokenizedCorpus, n: int, min_count: int = 1) -> NgramCounts | None:
    """Count the n-grams of length ``n`` per group; ``None`` when none reaches ``min_count``.

    An n-gram is ``n`` consecutive word tokens (no punctuation or document end among them); its term
    is the words joined with spaces.  ``min_count`` applies to the count over all groups.
    """
    seq, n_groups = tokens.seq, len(tokens.groups)
    V = max(len(tokens.stems), 1)
    if len(seq) < n:
        return None
    m = len(seq) - n + 1
    valid = np.ones(m, dtype=bool)
    for k in range(n):
        valid &= seq[k:k + m] >= 0
    pos = np.flatnonzero(valid)
    if pos.size == 0:
        return None
    if V ** n < 2 ** 62:
        code = np.zeros(pos.size, dtype=np.int64)
        for k in range(n):
            code = code * V + seq[pos + k]
        inv, uniq = pd.factorize(code)  # hashing: faster than sorting for millions of codes
        tot = np.bincount(inv)
        parts = [(uniq // V ** (n - 1 - k)) % V for k in range(n)]
    else:  # pragma: no cover - a vocabulary of millions of words at n = 3
        stack = np.stack([seq[pos + k] for k in range(n)], axis=1)
        uniq, inv, tot = np.unique(stack, axis=0, return_inverse=True, return_counts=True)
        parts = [uniq[:, k] for k in range(n)]
    inv = inv.ravel()
    keep = tot >= min_count
    if not keep.any():
        return None
    new_index = np.cumsum(keep) - 1
    sel = keep[inv]
    term = new_index[inv[sel]]
    position = pos[sel]
    pair_inv, pair_u = pd.factorize(term * n_groups + tokens.token_group[position])
    pair_n = np.bincount(pair_inv)
    term_idx, grp_idx = pair_u // n_groups, pair_u % n_groups
    kept_parts = [tokens.stems[p[keep]] for p in parts]
    names = kept_parts[0] if n == 1 else np.array([" ".join(t) for t in zip(*kept_parts, strict=True)], dtype=object)
    frame = tokens.groups.iloc[grp_idx].reset_index(drop=True)
    frame["term"] = names[term_idx]
    frame["count"] = pair_n.astype("int64")
    return NgramCounts(frame=frame, term=term, position=position, pairs=pair_u, pair_group=grp_idx)
