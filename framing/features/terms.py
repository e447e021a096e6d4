"""Term counts: long, additive counts of lexicon terms or of every word, per group (and period).

Counting terms from raw text is a feature step; the analyses take the tables made here.

* :func:`term_counts` turns a corpus (or a matches table) into *long, additive* counts: one row per
  group (outlet, and period when ``freq`` is given) and term.
* :func:`combine_counts` sums the counts of separate batches or runs: they give exactly the counts of
  the whole.
* :func:`lexicon_term_counts` counts the rows of a matches table, :func:`all_term_counts` every word
  and n-gram of a corpus; :func:`tokenize_corpus` and :func:`ngram_counts` are the two steps of the
  latter, also used by :mod:`framing.analyses.dispersion` to see the documents behind each count.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"outlet": ["A", "B"], "text": ["قالت القوات إن القوات تقدمت", "تقدمت قوات"]})
>>> all_term_counts(corpus, ngram_range=(1, 1)).values.tolist()
[['A', 'قوات', 2], ['A', 'ان', 1], ['A', 'تقدمت', 1], ['A', 'قالت', 1], ['B', 'تقدمت', 1], ['B', 'قوات', 1]]
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections import defaultdict
from typing import NamedTuple

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.features.extract import extract_matches
from framing.text.morphology import morphology, strip_clitics
from framing.text.normalization import get_profile

logger = logging.getLogger(__name__)

__all__ = ["term_counts", "combine_counts", "all_term_counts", "lexicon_term_counts", "lexicon_matches",
           "tokenize_corpus", "ngram_counts", "sort_counts", "check_ngram_range", "TokenizedCorpus", "NgramCounts",
           "TERM_KEY_COLUMNS", "VOCABULARIES"]

#: what :func:`term_counts` counts: the lexicon's terms, or every word of the text
VOCABULARIES = ("lexicon", "all")
#: columns that identify a lexicon term in long counts (besides the term itself), in this order
TERM_KEY_COLUMNS = ("kind", "category", "referent", "stance")
_MATCH_REQUIRED = ("kind", "term", "surface")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_DOC_SEP = "\x00"  # a non-word token that ends every document (n-grams never cross it)


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


def _period_start(dates, freq: str) -> pd.Series:
    """The start of the period (of frequency ``freq``) holding each date; NaT stays NaT."""
    dates = pd.to_datetime(pd.Series(dates), errors="coerce")
    if not isinstance(freq, str) or not freq:
        raise FramingError(f"freq: expected a pandas frequency string such as 'MS', 'W' or 'QS', got {freq!r}")
    # period aliases have no "start" variants: MS -> M, QS -> Q, YS/AS -> Y
    alias = {"MS": "M", "QS": "Q", "YS": "Y", "AS": "Y", "BMS": "M", "BQS": "Q", "BYS": "Y"}.get(freq, freq)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return dates.dt.to_period(alias).dt.start_time
    except (ValueError, TypeError, AttributeError) as exc:
        raise FramingError(f"freq: {freq!r} is not a period frequency pandas understands ({exc}); "
                           "use e.g. 'D', 'W', 'MS', 'QS' or 'YS'") from None


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


def _check_min_count(min_count) -> int:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise FramingError(f"min_count: expected an integer >= 1, got {min_count!r}")
    return int(min_count)


def sort_counts(counts: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Long counts in their documented order: by group, count descending, then term; a fresh index."""
    out = counts.sort_values(groups + ["count", "term"], ascending=[True] * len(groups) + [False, True],
                             kind="mergesort", na_position="first")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- lexicon terms


def term_counts(corpus_or_matches, *, lexicon=None, vocabulary: str = "lexicon", by=("outlet",), freq=None,
                min_count: int = 1, ngram_range=(1, 3)) -> pd.DataFrame:
    """Long, additive term counts per outlet (and period).

    Parameters
    ----------
    corpus_or_matches : pandas.DataFrame
        A corpus (``text`` column, plus the ``by`` columns and ``date`` when ``freq`` is given) or, for
        ``vocabulary="lexicon"``, a matches table from :func:`framing.extract_matches`.
    lexicon : Lexicon, name, path or dict, optional
        Needed to match a corpus with ``vocabulary="lexicon"``.
    vocabulary : {"lexicon", "all"}
        ``"lexicon"``: counts of lexicon matches; ``term`` is the entry's canonical term and the
        columns ``kind`` ("category" | "label"), ``category``, ``referent`` and ``stance`` say which
        entry it is (the same word may be a label of two referents).  ``"all"``: every word of the
        text, normalized with the ``search`` profile and stripped of proclitics
        (:func:`framing.text.morphology.strip_clitics`, ``known`` = the words of the corpus and their
        article-less forms), and its n-grams (space-joined) for ``n`` in ``ngram_range``; n-grams
        never cross punctuation or documents.
    by : str or tuple of str, default ("outlet",)
        Group columns.
    freq : str, optional
        When given (e.g. ``"MS"``), a ``period`` column holds the start of each document's period.
        Documents without a date get ``period`` NaT (they are kept, not dropped).
    min_count : int, default 1
        Keep terms whose count summed over all groups *of this call* is at least ``min_count``.
        Keep 1 when the counts of several batches are to be combined: a filter applied per batch
        is not additive (filter after :func:`combine_counts`, or in :func:`framing.compare_outlets`).
    ngram_range : (int, int), default (1, 3)
        Smallest and largest n-gram length for ``vocabulary="all"``.

    Returns
    -------
    pandas.DataFrame
        ``<by...>``, [``period``], [``kind``, ``category``, ``referent``, ``stance``], ``term``,
        ``count`` (int64), sorted by group, count descending, then term.  Group sizes are the sums
        of ``count``; with ``"all"`` they add up every n-gram length (keep the rows whose ``term``
        has one word to compare words alone).

    Examples
    --------
    >>> corpus = pd.DataFrame({"outlet": ["A", "B"], "text": ["قالت القوات إن القوات تقدمت", "تقدمت قوات"]})
    >>> term_counts(corpus, vocabulary="all", ngram_range=(1, 1)).values.tolist()
    [['A', 'قوات', 2], ['A', 'ان', 1], ['A', 'تقدمت', 1], ['A', 'قالت', 1], ['B', 'تقدمت', 1], ['B', 'قوات', 1]]
    """
    by = _as_by(by)
    if vocabulary not in VOCABULARIES:
        raise FramingError(f"vocabulary: expected one of {VOCABULARIES}, got {vocabulary!r}")
    min_count = _check_min_count(min_count)
    table = corpus_or_matches
    kind = _kind_of_table(table)
    if kind == "counts":
        raise FramingError("term_counts: got a table that already holds counts ('term', 'count'); "
                           "pass it to compare_outlets directly, or combine tables with combine_counts")
    if vocabulary == "all":
        if kind != "corpus":
            raise FramingError("vocabulary='all' counts every word of the text, so it needs the corpus "
                               "(a DataFrame with a 'text' column), not a matches table")
        return all_term_counts(table, by, freq=freq, min_count=min_count, ngram_range=ngram_range)
    if kind == "corpus":
        if lexicon is None:
            raise FramingError("vocabulary='lexicon' needs a lexicon to match the corpus: pass lexicon= "
                               "(a bundled name such as 'libya', a path or a Lexicon), or "
                               "vocabulary='all' to count every word")
        matches = lexicon_matches(table, lexicon, by)
    else:
        matches = table
        _check_columns(matches, by, "matches table", "pass by= with columns of the matches table")
        if "in_scope" in matches.columns:  # hits left out by the lexicon's scope rules never count
            matches = matches[matches["in_scope"].astype(bool)]
    return lexicon_term_counts(matches, by, freq=freq, min_count=min_count)


def lexicon_matches(corpus: pd.DataFrame, lexicon, by=("outlet",)) -> pd.DataFrame:
    """The in-scope matches of ``corpus`` (:func:`framing.extract_matches`, ``scope="in"``, default
    voice), with the ``by`` columns carried over from each match's document.

    This is the extraction :func:`term_counts` runs for a corpus; its result is what
    :func:`lexicon_term_counts` counts.
    """
    by = _as_by(by)
    _check_columns(corpus, by, "corpus", "pass by= with columns of the corpus")
    matches = extract_matches(corpus, lexicon, scope="in")
    # extract_matches keeps outlet/date; carry other group columns by document
    extra = [b for b in by if b not in matches.columns]
    if extra:
        ids = corpus["doc_id"] if "doc_id" in corpus.columns else pd.Series(corpus.index.astype(str))
        lookup = pd.DataFrame({"doc_id": ids.to_numpy(), **{b: corpus[b].to_numpy() for b in extra}})
        matches = matches.merge(lookup, on="doc_id", how="left")
    return matches


def lexicon_term_counts(matches: pd.DataFrame, by=("outlet",), *, freq=None, min_count: int = 1) -> pd.DataFrame:
    """Long counts of the lexicon terms in a matches table: every row counts once.

    :func:`term_counts` drops the rows out of the lexicon's scope (``in_scope`` false) first; this
    counts what it is given.  Columns and order as in :func:`term_counts`.

    >>> m = pd.DataFrame({"outlet": ["A", "A", "B"], "kind": ["label"] * 3, "term": ["قوات"] * 3})
    >>> lexicon_term_counts(m).values.tolist()
    [['A', 'label', 'قوات', 2], ['B', 'label', 'قوات', 1]]
    """
    by = _as_by(by)
    min_count = _check_min_count(min_count)
    _check_columns(matches, [*by, "term"], "matches table", "pass by= with columns of the matches table")
    df = pd.DataFrame({b: matches[b].to_numpy() for b in by})
    groups = list(by)
    if freq is not None:
        if "date" not in matches.columns:
            raise FramingError("freq= needs a 'date' column in the matches table or corpus; "
                               f"columns found: {', '.join(map(str, matches.columns))}")
        df["period"] = _period_start(matches["date"], freq).to_numpy()
        groups.append("period")
    keys = []
    for c in TERM_KEY_COLUMNS:
        if c in matches.columns:
            df[c] = matches[c].astype(object).where(matches[c].notna(), None).to_numpy()
            keys.append(c)
    df["term"] = matches["term"].to_numpy()
    cols = groups + keys + ["term"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols} | {"count": pd.Series(dtype="int64")})
    out = df.groupby(cols, dropna=False, sort=True).size().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    if min_count > 1:
        total = out.groupby(keys + ["term"], dropna=False)["count"].transform("sum")
        out = out[total >= min_count]
    return sort_counts(out, groups)


# --------------------------------------------------------------------------- every word


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
    by = _as_by(by)
    _check_columns(corpus, by, "corpus", "pass by= with columns of the corpus")
    group_frame = pd.DataFrame({b: corpus[b].to_numpy() for b in by})
    if freq is not None:
        if "date" not in corpus.columns:
            raise FramingError("freq= needs a 'date' column in the corpus; "
                               f"columns found: {', '.join(map(str, corpus.columns))}")
        group_frame["period"] = _period_start(corpus["date"], freq).to_numpy()
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
    words = [t for t, w in zip(types, is_word) if w]
    # only words that start with a clitic letter and are long enough can lose a prefix
    morph = morphology()
    first = {p[0] for p in (*morph.conjunctions, *morph.prepositions, morph.article)}
    strippable = {w for w in words if len(w) >= 3 and w[0] in first}
    known = set(words)
    known.update(strip_clitics(w) for w in strippable)
    stripped = [(strip_clitics(t, known) if t in strippable else t) if w else None
                for t, w in zip(types, is_word)]
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
    if n == 1:
        names = kept_parts[0]
    else:
        names = np.array([" ".join(t) for t in zip(*kept_parts)], dtype=object)
    frame = tokens.groups.iloc[grp_idx].reset_index(drop=True)
    frame["term"] = names[term_idx]
    frame["count"] = pair_n.astype("int64")
    return NgramCounts(frame=frame, term=term, position=position, pairs=pair_u, pair_group=grp_idx)


def all_term_counts(corpus: pd.DataFrame, by=("outlet",), *, freq=None, min_count: int = 1,
                    ngram_range=(1, 3)) -> pd.DataFrame:
    """Counts of every word and n-gram per group: :func:`term_counts` with ``vocabulary="all"``.

    Counted as integer codes with numpy (fast on large corpora).  ``min_count`` applies per n-gram
    length to the count over all groups.  Columns: the ``by`` columns, [``period``], ``term``,
    ``count`` (int64), sorted as :func:`term_counts`.
    """
    by = _as_by(by)
    min_count = _check_min_count(min_count)
    lo, hi = check_ngram_range(ngram_range)
    t0 = time.perf_counter()
    tokens = tokenize_corpus(corpus, by, freq=freq)
    t1 = time.perf_counter()
    frames = [c.frame for n in range(lo, hi + 1) if (c := ngram_counts(tokens, n, min_count)) is not None]
    groups = list(tokens.groups.columns)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in groups + ["term"]}
                            | {"count": pd.Series(dtype="int64")})
    out = pd.concat(frames, ignore_index=True)
    logger.debug("term_counts(all): %d documents, %d token types, %d word stems, %d rows; "
                 "tokenize and strip %.1fs, n-grams %.1fs", len(corpus), tokens.n_types, len(tokens.stems),
                 len(out), t1 - t0, time.perf_counter() - t1)
    return sort_counts(out, groups)


# --------------------------------------------------------------------------- batches


def combine_counts(*tables) -> pd.DataFrame:
    """Sum long count tables (e.g. from batches of one corpus) into one.

    Rows are matched on every column except ``count`` (missing values such as the ``referent`` of a
    category term match each other), so the result is the count table of the union of the batches.

    Parameters
    ----------
    *tables : pandas.DataFrame
        Tables from :func:`term_counts` with the same columns (in any order).

    Returns
    -------
    pandas.DataFrame
        Same columns, one row per distinct key, ``count`` summed (int64), sorted by key.

    Examples
    --------
    >>> a = pd.DataFrame({"outlet": ["A", "B"], "term": ["قوات", "قوات"], "count": [2, 1]})
    >>> b = pd.DataFrame({"outlet": ["A"], "term": ["قوات"], "count": [3]})
    >>> combine_counts(a, b)["count"].tolist()
    [5, 1]
    """
    if len(tables) == 1 and isinstance(tables[0], (list, tuple)):
        tables = tuple(tables[0])
    if not tables:
        raise FramingError("combine_counts: expected at least one count table, got none")
    cols: list = []
    for i, t in enumerate(tables):
        if not isinstance(t, pd.DataFrame) or "count" not in t.columns or "term" not in t.columns:
            found = f" with columns {', '.join(map(str, t.columns))}" if isinstance(t, pd.DataFrame) else ""
            raise FramingError(f"combine_counts: table {i} is not a count table (expected a DataFrame with "
                               f"'term' and 'count' columns, got {type(t).__name__}{found})")
        these = [c for c in t.columns if c != "count"]
        if i == 0:
            cols = these
        elif set(these) != set(cols):
            raise FramingError(f"combine_counts: table {i} has key columns {these}, table 0 has {cols}; "
                               "count all batches with the same by=, freq= and vocabulary=")
    both = pd.concat([t[cols + ["count"]] for t in tables], ignore_index=True)
    for c in cols:
        if both[c].dtype == object or pd.api.types.is_string_dtype(both[c]):
            both[c] = both[c].astype(object).where(both[c].notna(), None)
    out = both.groupby(cols, dropna=False, sort=True)["count"].sum().reset_index()
    out["count"] = out["count"].astype("int64")
    return out
