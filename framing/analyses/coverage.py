"""Attention over time: how much of an outlet's output mentions each referent.

Framing shares answer "how is it named"; attention answers "how much is it covered" (Media Cloud's
core view).  For every outlet (``by``), period (``freq``) and referent:

* ``n_docs``: the outlet's documents in the period, *including those with no match at all*, so the
  share is normalised by the outlet's volume;
* ``n_mentioning``: the documents that mention the referent at least once: an alias of it or a label
  attached to it (an in-scope label, any voice: a quotation that names the Houthis is coverage of
  the Houthis);
* ``share = n_mentioning / n_docs`` with a Wilson score interval (``lo``, ``hi``).

Label features (one row per document, counts per referent × stance) cannot answer this: they do not
count aliases, and most articles about an actor name it without a label.  So attention is computed
from the corpus (for the document counts) and a matches table with aliases, from
``extract_matches(corpus, lexicon, kinds=ATTENTION_KINDS, voice="all")``: extract first, then count
(passing ``lexicon=`` without matches still matches the corpus here, with a :class:`DeprecationWarning`;
so does a corpus path, read here).  The chart, the whole-span table and the report section are in
:mod:`framing.output.attention` (still importable from here: ``plot_attention``, ``attention_table``,
``attention_section``).

The counts are additive (:func:`attention_counts` per batch, summed by :func:`combine_attention`), so a
corpus streamed in batches gives exactly the attention of the whole.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"],
...                        "date": pd.to_datetime(["2020-01-03", "2020-01-09", "2020-01-04"]),
...                        "text": ["قصف الحوثيون المدينة", "ارتفعت الأسعار", "قال الحوثي"]})
>>> lex = {"name": "toy", "referents": {"houthis": {"aliases": ["الحوثي", "الحوثيون"],
...        "labels": {"neutral": ["جماعة"]}}}}
>>> from framing.features.extract import extract_matches
>>> matches = extract_matches(corpus, lex, kinds=ATTENTION_KINDS, voice="all")
>>> att = attention(corpus, matches, lexicon=lex, freq="MS")
>>> att[["outlet", "referent", "n_docs", "n_mentioning", "share"]].values.tolist()
[['X', 'houthis', 2, 1, 0.5], ['Y', 'houthis', 1, 1, 1.0]]
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.lexicon.load import as_lexicon
from framing.stats.intervals import wilson_interval
from framing.vocabulary import check_by, period_offset, period_start, table_kind

logger = logging.getLogger(__name__)

# plot_attention, attention_table and attention_section are given too (module __getattr__), not listed here
__all__ = ["attention", "attention_counts", "combine_attention", "outside_validity", "referent_labels",
           "ATTENTION_KINDS", "COUNT_COLUMNS"]

#: the match kinds that make a document "mention" a referent
ATTENTION_KINDS = ("alias", "label")
#: the additive count columns of an attention table
COUNT_COLUMNS = ("n_docs", "n_mentioning")
#: names that moved to :mod:`framing.output.attention` (charts and report), still given here
_OUTPUT_NAMES = ("plot_attention", "attention_table", "attention_section")


def __getattr__(name: str) -> Any:
    """``plot_attention``, ``attention_table`` and ``attention_section`` from :mod:`framing.output.attention`.

    Imported on first use, so that the counting here does not load the chart and report code.
    """
    if name in _OUTPUT_NAMES:
        from framing.output import attention as output_attention

        return getattr(output_attention, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- input checks


def _deprecated(message: str) -> None:
    """A :class:`DeprecationWarning` attributed to the first caller outside this module."""
    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


def _doc_ids(corpus: pd.DataFrame) -> pd.Series:
    """The document ids of a corpus, as extract_matches assigns them (``doc_id`` or the index as text)."""
    if "doc_id" in corpus.columns:
        ids = corpus["doc_id"]
        if ids.isna().any():
            row = int(np.flatnonzero(ids.isna().to_numpy())[0])
            raise FramingError(f"corpus row {row}, field 'doc_id': missing; every document needs an id "
                               "(framing.read_corpus assigns them)")
        ids = ids.astype(str)
    else:
        ids = pd.Series(corpus.index.astype(str), index=corpus.index)
    dup = ids.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise FramingError(f"corpus row {row}, field 'doc_id': {ids.iloc[row]!r} occurs more than once, so "
                           "matches cannot be assigned to one document; make the ids unique "
                           "(e.g. corpus['doc_id'] = corpus['outlet'] + ':' + corpus['doc_id'])")
    return ids.reset_index(drop=True)


def _referent_names(lexicon) -> list[str] | None:
    if lexicon is None:
        return None
    return list(as_lexicon(lexicon).referents)


def referent_labels(lexicon) -> dict:
    """Display name of each referent (the lexicon's ``label``, else the name with ``_`` as spaces)."""
    lex = as_lexicon(lexicon)
    return {name: (getattr(ref, "label", None) or name.replace("_", " ")) for name, ref in lex.referents.items()}


# --------------------------------------------------------------------------- counting


def attention_counts(corpus, matches=None, *, lexicon=None, by="outlet", freq="MS",
                     referents=None) -> pd.DataFrame:
    """Additive attention counts: documents per group and period, and how many mention each referent.

    Parameters
    ----------
    corpus : pandas.DataFrame
        One row per document: the ``by`` columns, ``date`` (when ``freq`` is given) and ``doc_id``
        (else the index, as :func:`framing.extract_matches` uses it).  A corpus, or a features table
        from :func:`framing.extract_features` (also one row per document).  Every row counts in
        ``n_docs``, matched or not.
    matches : pandas.DataFrame, optional
        From ``extract_matches(corpus, lexicon, kinds=("alias", "label"), voice="all")``: rows of
        kind ``alias`` or ``label`` with a ``referent`` make their document mention it; other kinds
        are ignored, and so are rows with ``in_scope`` False when that column exists.  Omitted with
        ``lexicon`` given, the corpus is matched here (deprecated: extract first).
    lexicon : Lexicon, name, path or dict, optional
        Needed when ``matches`` is omitted; when given, every referent of the lexicon gets rows (with
        ``n_mentioning`` 0 where no document names it).
    by : str or tuple of str, default "outlet"
    freq : str or None, default "MS"
        Period length (pandas offset alias: ``"D"``, ``"W-MON"``, ``"MS"``, ``"QS"``, ``"YS"``).
        ``None``: one row per group over the whole corpus (no ``period`` column).  Documents without a
        date are kept in a period ``NaT``.
    referents : str or list of str, optional
        Only these referents.

    Returns
    -------
    pandas.DataFrame
        ``<by...>``, [``period``], ``referent``, ``n_docs``, ``n_mentioning`` (int64); one row per
        group, period and referent, sorted.  Sum tables of batches with :func:`combine_attention`.
    """
    by = check_by(by)
    if isinstance(corpus, (str, bytes)) or hasattr(corpus, "__fspath__"):
        from framing.corpus.reader import read_corpus

        _deprecated("attention: passing a corpus path (read here) is deprecated; read it first: "
                    "attention(framing.read_corpus(path), matches)")
        corpus = read_corpus(corpus)
    if not isinstance(corpus, pd.DataFrame):
        raise FramingError(f"attention: expected the corpus (or a features table) as a DataFrame with one row "
                           f"per document, got {type(corpus).__name__}")
    if {"kind", "surface", "start"} <= set(corpus.columns):
        raise FramingError("attention: the first argument looks like a matches table; pass the corpus (one row "
                           "per document, so that documents without a match count too) and the matches as "
                           "the second argument: attention(corpus, matches)")
    check_by(by, corpus.columns, what="corpus")
    if freq is not None and "date" not in corpus.columns:
        raise FramingError("attention: freq= needs a 'date' column in the corpus; pass freq=None for one "
                           "share per group over the whole corpus")
    wanted = None
    if referents is not None:
        wanted = [referents] if isinstance(referents, str) else list(referents)
        if not wanted or not all(isinstance(r, str) for r in wanted):
            raise FramingError(f"referents: expected a referent name or a list of names, got {referents!r}")
    known = _referent_names(lexicon)
    if matches is None:
        if lexicon is None:
            raise FramingError("attention: pass the matches (extract_matches(corpus, lexicon, "
                               "kinds=('alias', 'label'), voice='all')) or lexicon= to match the corpus here")
        if "text" not in corpus.columns:
            raise FramingError("attention: lexicon= matches the text, but the table has no 'text' column; pass "
                               "the corpus, or the matches as the second argument")
        from framing.features.extract import extract_matches

        _deprecated("attention: matching the corpus here (lexicon= without matches) is deprecated; extract "
                    "first and pass the matches: attention(corpus, framing.extract_matches(corpus, lexicon, "
                    "kinds=('alias', 'label'), voice='all'), lexicon=lexicon)")
        matches = extract_matches(corpus, lexicon, kinds=ATTENTION_KINDS, voice="all")
    if not isinstance(matches, pd.DataFrame):
        raise FramingError(f"attention: matches must be a DataFrame from extract_matches, got "
                           f"{type(matches).__name__}")
    need = [c for c in ("doc_id", "kind", "referent") if c not in matches.columns]
    if need:
        raise FramingError(f"attention: the matches table has no column(s) {need}; columns: "
                           f"{', '.join(map(str, matches.columns))}; use framing.extract_matches")
    if wanted is not None:
        pool = known if known is not None else sorted(set(matches["referent"].dropna().astype(str)) | set(wanted))
        bad = [r for r in wanted if r not in pool]
        if bad:
            raise FramingError(f"referents: {bad} not in the lexicon; referents: {pool}")
    m = matches[matches["kind"].isin(ATTENTION_KINDS) & matches["referent"].notna()]
    if "in_scope" in m.columns:
        m = m[m["in_scope"].astype(bool)]
    if not (matches["kind"].isin(ATTENTION_KINDS)).any() and len(matches) and known is None:
        logger.info("attention: the matches table has no alias or label rows")
    if "alias" not in set(matches["kind"]) and len(matches):
        logger.info("attention: no alias rows in the matches: only labels make a document mention a referent; "
                    "extract with kinds=('alias', 'label') to count names too")

    ids = _doc_ids(corpus)
    # groups: by columns (+ period)
    gframe = pd.DataFrame({b: corpus[b].to_numpy() for b in by})
    if gframe.isna().any().any():
        col = next(b for b in by if gframe[b].isna().any())
        row = int(np.flatnonzero(gframe[col].isna().to_numpy())[0])
        raise FramingError(f"corpus row {row}, field {col!r}: missing; fill it (e.g. 'unknown') or drop the row")
    if freq is not None:
        gframe["period"] = period_start(pd.to_datetime(corpus["date"], errors="coerce").reset_index(drop=True),
                                        freq).to_numpy()
    gcols = list(gframe.columns)
    gcode, guniq = pd.MultiIndex.from_frame(gframe).factorize()
    groups = pd.MultiIndex.from_tuples(list(guniq), names=gcols).to_frame(index=False)
    n_groups = len(groups)
    n_docs = np.bincount(gcode, minlength=n_groups)

    pos = pd.Index(ids).get_indexer(m["doc_id"].astype(str))
    if (pos < 0).any():
        first = int(np.flatnonzero(pos < 0)[0])
        raise FramingError(f"attention: matches row {m.index[first]!r}: doc_id {m['doc_id'].iloc[first]!r} is not a "
                           "document of the corpus; pass the corpus the matches were extracted from")
    ref_names = m["referent"].astype(str).to_numpy()
    refs = list(known) if known is not None else []
    refs += sorted(set(ref_names) - set(refs))
    if wanted is not None:
        refs = [r for r in refs if r in wanted] + [r for r in wanted if r not in refs]
    rcode = pd.Index(refs).get_indexer(pd.Index(ref_names))
    sel = rcode >= 0
    pairs = np.unique(pos[sel].astype(np.int64) * max(len(refs), 1) + rcode[sel])  # (document, referent) once
    doc_of, ref_of = pairs // max(len(refs), 1), pairs % max(len(refs), 1)
    mention = np.bincount(gcode[doc_of] * len(refs) + ref_of, minlength=n_groups * len(refs)) \
        .reshape(n_groups, len(refs)) if refs else np.zeros((n_groups, 0), dtype=np.int64)
    out = groups.loc[groups.index.repeat(len(refs))].reset_index(drop=True)
    out["referent"] = np.tile(np.asarray(refs, dtype=object), n_groups)
    out["n_docs"] = np.repeat(n_docs, len(refs)).astype("int64")
    out["n_mentioning"] = mention.ravel().astype("int64")
    return _sort(out, gcols)


def _sort(out: pd.DataFrame, gcols: list[str]) -> pd.DataFrame:
    out = out.sort_values([*gcols, "referent"], kind="mergesort", na_position="last").reset_index(drop=True)
    return out


def combine_attention(*tables) -> pd.DataFrame:
    """Sum attention counts of batches (from :func:`attention_counts`) into the counts of the whole.

    >>> a = pd.DataFrame({"outlet": ["X"], "referent": ["r"], "n_docs": [3], "n_mentioning": [1]})
    >>> combine_attention(a, a)[["n_docs", "n_mentioning"]].values.tolist()
    [[6, 2]]
    """
    if len(tables) == 1 and isinstance(tables[0], (list, tuple)):
        tables = tuple(tables[0])
    if not tables:
        raise FramingError("combine_attention: expected at least one table from attention_counts, got none")
    keys: list[str] | None = None
    for i, t in enumerate(tables):
        if not isinstance(t, pd.DataFrame) or not set(COUNT_COLUMNS) <= set(t.columns) or "referent" not in t:
            raise FramingError(f"combine_attention: table {i} is not from attention_counts (expected 'referent', "
                               f"'n_docs' and 'n_mentioning' columns)")
        these = [c for c in t.columns if c not in COUNT_COLUMNS]
        if keys is None:
            keys = these
        elif set(these) != set(keys):
            raise FramingError(f"combine_attention: table {i} has key columns {these}, table 0 has {keys}; "
                               "count every batch with the same by= and freq=")
    assert keys is not None  # at least one table, checked above
    both = pd.concat([t[keys + list(COUNT_COLUMNS)] for t in tables], ignore_index=True)
    out = both.groupby(keys, dropna=False, sort=False)[list(COUNT_COLUMNS)].sum().reset_index()
    for c in COUNT_COLUMNS:
        out[c] = out[c].astype("int64")
    return _sort(out, [k for k in keys if k != "referent"])


# --------------------------------------------------------------------------- shares


def attention(corpus_or_counts, matches=None, *, lexicon=None, by="outlet", freq="MS", referents=None,
              ci: float = 0.95) -> pd.DataFrame:
    """Share of each outlet's documents, per period, that mention each referent, with Wilson intervals.

    Parameters
    ----------
    corpus_or_counts : pandas.DataFrame or path
        The corpus (or a features table: one row per document), or counts from
        :func:`attention_counts` / :func:`combine_attention` (then ``matches`` and ``lexicon`` are
        not used).
    matches : pandas.DataFrame, optional
        ``extract_matches(corpus, lexicon, kinds=("alias", "label"), voice="all")``; omitted, the
        corpus is matched with ``lexicon`` (deprecated: extract first).  Only in-scope rows count when
        ``in_scope`` is present.
    lexicon, by, freq, referents
        As in :func:`attention_counts`.
    ci : float, default 0.95
        Level of the Wilson score interval (:func:`framing.stats.intervals.wilson_interval`).

    Returns
    -------
    pandas.DataFrame
        ``<by...>``, [``period``], ``referent``, ``n_docs``, ``n_mentioning``, ``share``, ``lo``,
        ``hi``.  ``share`` is NaN where ``n_docs`` is 0 (never, unless counts say so).
        ``attrs``: ``method`` ("wilson"), ``ci``, ``by``, ``freq``, ``kinds``.

    Notes
    -----
    A document counts once per referent however often it names it.  The interval treats the
    documents of an outlet and period as independent draws, which wire copies carried by one outlet
    twice violate: exclude copies first (:func:`framing.exclude_copies`).
    """
    if table_kind(corpus_or_counts) == "attention":
        counts = corpus_or_counts
        if matches is not None:
            raise FramingError("attention: got attention counts and a matches table; counts already hold the "
                               "mentions, pass them alone")
        if referents is not None:
            wanted = [referents] if isinstance(referents, str) else list(referents)
            counts = counts[counts["referent"].isin(wanted)]
        for c in COUNT_COLUMNS:
            v = pd.to_numeric(counts[c], errors="coerce")
            if v.isna().any() or (v < 0).any():
                row = int(np.flatnonzero((v.isna() | (v < 0)).to_numpy())[0])
                raise FramingError(f"attention counts, row {row}, field {c!r}: expected a count >= 0, got "
                                   f"{counts[c].iloc[row]!r}")
        bad = counts["n_mentioning"].to_numpy() > counts["n_docs"].to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise FramingError(f"attention counts, row {row}: n_mentioning {counts['n_mentioning'].iloc[row]} > "
                               f"n_docs {counts['n_docs'].iloc[row]}; the counts were not made by attention_counts")
        counts = counts.reset_index(drop=True)
        by_cols = [c for c in counts.columns if c not in ("period", "referent", *COUNT_COLUMNS)]
        freq = counts.attrs.get("freq", freq if "period" in counts.columns else None)
    else:
        counts = attention_counts(corpus_or_counts, matches, lexicon=lexicon, by=by, freq=freq,
                                  referents=referents)
        by_cols = check_by(by)
    k, n = counts["n_mentioning"].to_numpy(), counts["n_docs"].to_numpy()
    w = wilson_interval(k, n, ci=ci)
    out = counts.copy()
    out["share"] = w["share"].to_numpy()
    out["lo"] = np.where(k == 0, 0.0, w["lo"].to_numpy())  # exact bounds, not a rounding residue
    out["hi"] = np.where((k == n) & (n > 0), 1.0, w["hi"].to_numpy())
    if lexicon is not None and "period" in out.columns and freq is not None:
        out = outside_validity(out, lexicon, freq)
    out.attrs.update({"method": "wilson", "ci": float(ci), "by": by_cols,
                      "freq": freq if "period" in out.columns else None, "kinds": list(ATTENTION_KINDS)})
    if lexicon is not None:
        out.attrs["referent_labels"] = referent_labels(lexicon)
    return out


def outside_validity(att: pd.DataFrame, lexicon: Any, freq: str) -> pd.DataFrame:
    """Periods wholly outside a referent's ``valid`` date ranges are not measured: share, lo, hi NaN.

    ``att`` is an attention table with a ``period`` column of ``freq`` periods; returns a copy with
    ``attrs["outside_validity"]`` (rows blanked), or ``att`` itself when no referent has date ranges.
    A lexicon that says a name counts only from the start of a war cannot say that an outlet ignored
    the war before it began; 0% there would read as a finding.
    """
    lex = as_lexicon(lexicon)
    ranges = {name: ref.scope.valid for name, ref in lex.referents.items()
              if getattr(getattr(ref, "scope", None), "valid", ())}
    if not ranges:
        return att
    step = period_offset(freq)
    start = pd.to_datetime(att["period"])
    end = start + step - pd.Timedelta(days=1)  # the period's last day
    outside = np.zeros(len(att), dtype=bool)
    for name, valid in ranges.items():
        rows = (att["referent"] == name).to_numpy() & start.notna().to_numpy()
        hit = np.zeros(len(att), dtype=bool)
        for lo, hi in valid:
            ok = np.ones(len(att), dtype=bool)
            if lo is not None:
                ok &= (end >= pd.Timestamp(lo)).to_numpy()
            if hi is not None:
                ok &= (start <= pd.Timestamp(hi)).to_numpy()
            hit |= ok
        outside |= rows & ~hit
    att = att.copy()
    att.loc[outside, ["share", "lo", "hi"]] = np.nan
    att.attrs["outside_validity"] = int(outside.sum())
    return att
