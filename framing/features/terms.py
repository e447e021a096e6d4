"""Term counts: long, additive counts of lexicon terms or of every word, per group (and period).

Counting terms from raw text is a feature step; the analyses take the tables made here.

* :func:`term_counts` turns a corpus (or a matches table) into *long, additive* counts: one row per
  group (outlet, and period when ``freq`` is given) and term.
* :func:`combine_counts` sums the counts of separate batches or runs: they give exactly the counts of
  the whole.
* :func:`lexicon_term_counts` counts the rows of a matches table, :func:`all_term_counts` every word
  and n-gram of a corpus (tokenized by :mod:`framing.features.ngrams`).

>>> import pandas as pd
>>> corpus = pd.DataFrame({"outlet": ["A", "B"], "text": ["قالت القوات إن القوات تقدمت", "تقدمت قوات"]})
>>> all_term_counts(corpus, ngram_range=(1, 1)).values.tolist()
[['A', 'قوات', 2], ['A', 'ان', 1], ['A', 'تقدمت', 1], ['A', 'قالت', 1], ['B', 'تقدمت', 1], ['B', 'قوات', 1]]
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.features.extract import extract_matches
from framing.features.ngrams import check_ngram_range, ngram_counts, tokenize_corpus
from framing.vocabulary import check_by, period_start, table_kind

logger = logging.getLogger(__name__)

__all__ = ["term_counts", "combine_counts", "all_term_counts", "lexicon_term_counts", "lexicon_matches",
           "sort_counts", "TERM_KEY_COLUMNS", "VOCABULARIES"]

#: what :func:`term_counts` counts: the lexicon's terms, or every word of the text
VOCABULARIES = ("lexicon", "all")
#: columns that identify a lexicon term in long counts (besides the term itself), in this order
TERM_KEY_COLUMNS = ("kind", "category", "referent", "stance")


# --------------------------------------------------------------------------- helpers


def _check_min_count(min_count) -> int:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise FramingError(f"min_count: expected an integer >= 1, got {min_count!r}")
    return int(min_count)


def sort_counts(counts: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Long counts in their documented order: by group, count descending, then term; a fresh index."""
    out = counts.sort_values([*groups, "count", "term"], ascending=[True] * len(groups) + [False, True],
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
    by = check_by(by)
    if vocabulary not in VOCABULARIES:
        raise FramingError(f"vocabulary: expected one of {VOCABULARIES}, got {vocabulary!r}")
    min_count = _check_min_count(min_count)
    table = corpus_or_matches
    if table_kind(table) == "counts":
        raise FramingError("term_counts: got a table that already holds counts ('term', 'count'); "
                           "pass it to compare_outlets directly, or combine tables with combine_counts")
    kind = table_kind(table, ("corpus", "matches"), what="term_counts")
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
        check_by(by, matches.columns, what="matches table")
        if "in_scope" in matches.columns:  # hits left out by the lexicon's scope rules never count
            matches = matches[matches["in_scope"].astype(bool)]
    return lexicon_term_counts(matches, by, freq=freq, min_count=min_count)


def lexicon_matches(corpus: pd.DataFrame, lexicon, by=("outlet",)) -> pd.DataFrame:
    """The in-scope matches of ``corpus`` (:func:`framing.extract_matches`, ``scope="in"``, default
    voice), with the ``by`` columns carried over from each match's document.

    This is the extraction :func:`term_counts` runs for a corpus; its result is what
    :func:`lexicon_term_counts` counts.
    """
    by = check_by(by, corpus.columns, what="corpus")
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
    by = check_by(by, matches.columns, what="matches table")
    min_count = _check_min_count(min_count)
    if "term" not in matches.columns:
        raise FramingError("matches table: no 'term' column; pass the table from extract_matches")
    df = pd.DataFrame({b: matches[b].to_numpy() for b in by})
    groups = list(by)
    if freq is not None:
        if "date" not in matches.columns:
            raise FramingError("freq= needs a 'date' column in the matches table or corpus; "
                               f"columns found: {', '.join(map(str, matches.columns))}")
        df["period"] = period_start(matches["date"], freq).to_numpy()
        groups.append("period")
    keys = []
    for c in TERM_KEY_COLUMNS:
        if c in matches.columns:
            df[c] = matches[c].astype(object).where(matches[c].notna(), None).to_numpy()
            keys.append(c)
    df["term"] = matches["term"].to_numpy()
    cols = [*groups, *keys, "term"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols} | {"count": pd.Series(dtype="int64")})
    out = df.groupby(cols, dropna=False, sort=True).size().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    if min_count > 1:
        total = out.groupby([*keys, "term"], dropna=False)["count"].transform("sum")
        out = out[total >= min_count]
    return sort_counts(out, groups)


# --------------------------------------------------------------------------- every word


def all_term_counts(corpus: pd.DataFrame, by=("outlet",), *, freq=None, min_count: int = 1,
                    ngram_range=(1, 3)) -> pd.DataFrame:
    """Counts of every word and n-gram per group: :func:`term_counts` with ``vocabulary="all"``.

    Counted as integer codes with numpy (fast on large corpora).  ``min_count`` applies per n-gram
    length to the count over all groups.  Columns: the ``by`` columns, [``period``], ``term``,
    ``count`` (int64), sorted as :func:`term_counts`.
    """
    by = check_by(by)
    min_count = _check_min_count(min_count)
    lo, hi = check_ngram_range(ngram_range)
    t0 = time.perf_counter()
    tokens = tokenize_corpus(corpus, by, freq=freq)
    t1 = time.perf_counter()
    frames = [c.frame for n in range(lo, hi + 1) if (c := ngram_counts(tokens, n, min_count)) is not None]
    groups = list(tokens.groups.columns)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*groups, "term"]}
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
    both = pd.concat([t[[*cols, "count"]] for t in tables], ignore_index=True)
    for c in cols:
        if both[c].dtype == object or pd.api.types.is_string_dtype(both[c]):
            both[c] = both[c].astype(object).where(both[c].notna(), None)
    out = both.groupby(cols, dropna=False, sort=True)["count"].sum().reset_index()
    out["count"] = out["count"].astype("int64")
    return out
