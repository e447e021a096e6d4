"""Auditing the matcher: draw a reproducible sample of hits, mark them, estimate precision.

The workflow::

    sample = audit_sample(matches, n=50, corpus=corpus)   # up to 50 hits per lexicon entry
    write_audit(sample, "audit.csv")                      # open in Excel / LibreOffice, fill `correct`
    marked = read_audit("audit.csv")
    audit_precision(marked)                               # precision per entry with a Wilson interval

>>> import pandas as pd
>>> marked = pd.DataFrame({"term": ["قوات", "قوات", "قوات", "ميليشيا"],
...                        "correct": [True, False, None, True]})
>>> audit_precision(marked)[["term", "n_marked", "n_correct", "precision"]].values.tolist()
[['قوات', 2, 1, 0.5], ['ميليشيا', 1, 1, 1.0]]
"""

from __future__ import annotations

import logging
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.typing import NAType

from framing.errors import FramingError
from framing.features.inputs import as_corpus
from framing.output.files import FORMULA_START, atomic_path, csv_safe
from framing.reading.kwic import Context, context
from framing.stats.intervals import wilson_interval
from framing.vocabulary import check_by

logger = logging.getLogger(__name__)

__all__ = ["audit_sample", "audit_precision", "write_audit", "read_audit", "parse_correct", "audit_record",
           "RECORD_COLUMNS"]

#: what a judged audit keeps when it is committed: where the hit is and what the matcher said of it,
#: the judgement and its reason — never the article's text beyond the matched words
RECORD_COLUMNS = ["corpus", "doc_id", "outlet", "date", "start", "end", "surface", "kind", "category", "referent",
                  "stance", "term", "alias", "voice", "in_scope", "scope_reason", "correct", "note"]

_TRUE = {"true", "t", "yes", "y", "1", "1.0", "صح", "نعم"}
_FALSE = {"false", "f", "no", "n", "0", "0.0", "خطأ", "لا"}
_CONTEXT_COLS = ["left", "match", "right"]


def _group_seed(seed: int, key: Any) -> list[int]:
    """A seed for one stratum that depends only on the seed and the stratum's key, so that adding an
    entry to the lexicon does not change the sample drawn for the others."""
    return [int(seed), zlib.crc32(repr(key).encode("utf-8"))]


def audit_sample(matches: pd.DataFrame, n: int = 50, seed: int = 0, *, corpus: Any = None,
                 by: str | list[str] | None = "term", window: int = 8) -> pd.DataFrame:
    """A reproducible random sample of matches to check by hand.

    Parameters
    ----------
    matches : DataFrame
        From :func:`framing.extract_matches` (needs ``doc_id``, ``start``, ``end``; the ``by`` columns).
    n : int, default 50
        Hits per stratum (all of a stratum's hits when it has fewer), or in total when ``by=None``.
    seed : int, default 0
        The same seed, matches and ``by`` give the same sample. Each stratum is drawn with its own
        generator seeded by ``(seed, stratum key)``, so strata do not influence one another.
    corpus : DataFrame or path, optional
        The corpus the matches came from; gives each hit ``left`` / ``match`` / ``right`` context
        from the original text (see :func:`framing.kwic`). Without it there is no context column.
    by : str, list of str or None, default "term"
        Columns to stratify by (e.g. ``["referent", "stance", "term"]``).
    window : int, default 8
        Words of context each side.

    Returns
    -------
    DataFrame
        The sampled rows (sorted by stratum, then document and position) with ``match_row`` (their
        index in ``matches``), the context columns, an empty ``correct`` column (object dtype) to
        fill with True / False, and an empty ``note`` column.
    """
    if not isinstance(matches, pd.DataFrame):
        raise FramingError(f"matches: expected the DataFrame from extract_matches, got {type(matches).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise FramingError(f"n: expected an integer >= 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise FramingError(f"seed: expected an integer, got {seed!r}")
    cols = check_by(by, matches.columns, allow_empty=True, what="matches table")
    need = [c for c in ("doc_id", "start", "end") if c not in matches.columns]
    if need and corpus is not None:
        raise FramingError(f"matches: columns {need} are missing; the table from extract_matches has them")
    table = matches.reset_index(drop=True)
    picked: list[int] = []
    if cols:
        for key, idx in sorted(table.groupby(cols, sort=False, dropna=False).indices.items(),
                               key=lambda kv: repr(kv[0])):
            rng = np.random.default_rng(_group_seed(seed, key))
            take = idx if len(idx) <= n else np.sort(rng.choice(idx, size=n, replace=False))
            picked.extend(int(i) for i in take)
    else:
        rng = np.random.default_rng(int(seed))
        idx = np.arange(len(table))
        picked = list(idx if len(idx) <= n else np.sort(rng.choice(idx, size=n, replace=False)))
    sample = table.iloc[picked].copy()
    sample.insert(0, "match_row", matches.index[picked])
    order = [c for c in [*cols, "doc_id", "start"] if c in sample.columns]
    if order:
        sample = sample.sort_values(order, kind="stable")
    sample = sample.reset_index(drop=True)

    if corpus is not None:
        for c, values in zip(_CONTEXT_COLS, _contexts(sample, as_corpus(corpus), window), strict=True):
            sample[c] = values
    sample["correct"] = pd.Series([None] * len(sample), dtype=object)
    sample["note"] = pd.Series([""] * len(sample), dtype=object)
    sample.attrs.update({"n": int(n), "seed": int(seed), "by": cols, "n_matches": len(matches)})
    return sample


def _contexts(sample: pd.DataFrame, corpus: pd.DataFrame, window: int) -> tuple[list[str], list[str], list[str]]:
    """The ``left``, ``match`` and ``right`` context of each sampled hit, checked against the corpus."""
    ids = corpus["doc_id"].astype(str) if "doc_id" in corpus.columns else pd.Series(
        corpus.index.astype(str), index=corpus.index)
    texts = dict(zip(ids, corpus["text"], strict=True))
    has_surface = "surface" in sample.columns
    ctx: list[Context] = []
    spans = zip(sample["doc_id"].astype(str), sample["start"], sample["end"], strict=True)
    for i, (doc_id, start, end) in enumerate(spans):
        text = texts.get(doc_id)
        if not isinstance(text, str):
            raise FramingError(f"sample row {i}: doc_id {doc_id!r} is not in the corpus (or has no text); "
                               "pass the corpus the matches were extracted from")
        s, e = int(start), int(end)
        if not 0 <= s <= e <= len(text) or (has_surface and text[s:e] != sample["surface"].iat[i]):
            raise FramingError(f"sample row {i}: doc_id {doc_id!r}, the span {s}:{e} does not hold the matched "
                               f"surface {sample['surface'].iat[i] if has_surface else ''!r}; "
                               "the corpus differs from the one the matches were extracted from")
        ctx.append(context(text, s, e, window))
    return [t.left for t in ctx], [t.match for t in ctx], [t.right for t in ctx]


def parse_correct(values: Any) -> pd.Series:
    """``correct`` marks as True / False / NA (blank).

    Accepted: booleans, 1 / 0, and (any case) true/false, t/f, yes/no, y/n, 1/0, صح/خطأ, نعم/لا;
    blank means not yet marked (None, NaN, empty or spaces). Anything else raises
    :class:`framing.FramingError` listing the rows (0-based positions) and values.
    """
    out: list[bool | NAType] = []
    bad: list[tuple[int, Any]] = []
    for i, v in enumerate(list(values)):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append(pd.NA)
        elif isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, np.integer, float, np.floating)) and v in (0, 1)):
            out.append(bool(v))
        elif isinstance(v, str) and not v.strip():
            out.append(pd.NA)
        elif isinstance(v, str) and v.strip().lower() in _TRUE:
            out.append(True)
        elif isinstance(v, str) and v.strip().lower() in _FALSE:
            out.append(False)
        else:
            out.append(pd.NA)
            bad.append((i, v))
    if bad:
        shown = ", ".join(f"row {i}: {v!r}" for i, v in bad[:5]) + (" ..." if len(bad) > 5 else "")
        raise FramingError(f"column 'correct': expected True, False or blank, got {len(bad)} other value(s) "
                           f"({shown}); mark each checked hit True or False and leave unchecked ones blank")
    index = values.index if isinstance(values, pd.Series) else None
    return pd.Series(out, index=index, dtype="boolean")


def audit_precision(marked: pd.DataFrame, by: str | list[str] | None = "term", ci: float = 0.95) -> pd.DataFrame:
    """Precision of the matcher per stratum, from a marked audit sample.

    Rows whose ``correct`` is blank (not yet checked) are ignored: they count neither as right nor
    as wrong, and ``n_unmarked`` says how many there were. ``correct`` must hold True / False /
    blank (see :func:`parse_correct`); anything else is an error.

    Returns
    -------
    DataFrame
        ``<by...>``, ``n_marked``, ``n_correct``, ``n_unmarked``, ``precision``
        (n_correct / n_marked), ``lo``, ``hi`` (Wilson interval at ``ci``); with ``by=None`` one row.
    """
    if not isinstance(marked, pd.DataFrame):
        raise FramingError(f"marked: expected a DataFrame (the audit sample), got {type(marked).__name__}")
    if "correct" not in marked.columns:
        raise FramingError("marked: no 'correct' column; mark the sample from audit_sample (True/False)")
    cols = check_by(by, marked.columns, allow_empty=True, what="audit sample")
    flags = parse_correct(marked["correct"])
    df = marked[cols].copy() if cols else pd.DataFrame(index=marked.index)
    df["_done"] = flags.notna().to_numpy()
    df["_ok"] = flags.fillna(False).astype(bool).to_numpy()
    if cols:
        g = df.groupby(cols, sort=True, dropna=False)
        out = pd.DataFrame({"n_marked": g["_done"].sum(), "n_correct": g["_ok"].sum(),
                            "n_total": g["_done"].size()}).reset_index()
    else:
        out = pd.DataFrame({"n_marked": [int(df["_done"].sum())], "n_correct": [int(df["_ok"].sum())],
                            "n_total": [len(df)]})
    out["n_unmarked"] = out.pop("n_total") - out["n_marked"]
    for c in ("n_marked", "n_correct", "n_unmarked"):
        out[c] = out[c].astype("int64")
    w = wilson_interval(out["n_correct"].to_numpy(), out["n_marked"].to_numpy(), ci=ci)
    out["precision"], out["lo"], out["hi"] = w["share"].to_numpy(), w["lo"].to_numpy(), w["hi"].to_numpy()
    n_un = int(out["n_unmarked"].sum())
    if n_un:
        logger.info("audit_precision: %d unmarked row(s) ignored", n_un)
    out.attrs["n_unmarked"] = n_un
    return out


def audit_record(sample: pd.DataFrame, *, corpus_name: str = "") -> pd.DataFrame:
    """A marked audit sample as it is committed: :data:`RECORD_COLUMNS`, without the context columns.

    Every hit marked False needs a one-line reason in ``note`` (what is wrong: the referent, the
    stance, the voice, or that it is not a mention at all).
    """
    if not isinstance(sample, pd.DataFrame):
        raise FramingError(f"sample: expected a DataFrame, got {type(sample).__name__}")
    out = pd.DataFrame(index=sample.index)
    for c in RECORD_COLUMNS:
        if c == "corpus" and c not in sample.columns:
            out[c] = corpus_name
        elif c in sample.columns:
            out[c] = sample[c]
        else:
            out[c] = None
    flags = parse_correct(out["correct"])
    wrong = flags.eq(False).fillna(False).to_numpy()
    notes = out["note"].fillna("").astype(str).str.strip()
    missing = np.flatnonzero(wrong & (notes == "").to_numpy())
    if len(missing):
        raise FramingError(f"audit rows {missing[:5].tolist()} are marked wrong without a reason in 'note'; "
                           "say in one line what is wrong (referent, stance, voice, not a mention)")
    return out.reset_index(drop=True)


def write_audit(sample: pd.DataFrame, path: str | Path) -> None:
    """Write an audit sample to CSV in UTF-8 with a byte-order mark, so Excel shows Arabic correctly;
    atomically, and spreadsheet-safe (a text cell starting with ``=``, ``+``, ``-``, ``@`` gets a leading
    ``'``, which :func:`read_audit` takes off again: :func:`framing.output.files.csv_safe`)."""
    if not isinstance(sample, pd.DataFrame):
        raise FramingError(f"sample: expected a DataFrame, got {type(sample).__name__}")
    with atomic_path(path) as tmp:
        csv_safe(sample).to_csv(tmp, index=False, encoding="utf-8-sig")


def _unescape(df: pd.DataFrame) -> pd.DataFrame:
    """The cells :func:`write_audit` escaped for spreadsheets (``'=x``) as they were (``=x``)."""
    escaped = tuple("'" + c for c in FORMULA_START)
    for c in df.columns:
        hit = df[c].str.startswith(escaped, na=False)
        if hit.any():
            df[c] = df[c].mask(hit, df[c].str[1:])
    df.columns = [c[1:] if isinstance(c, str) and c.startswith(escaped) else c for c in df.columns]
    return df


def read_audit(path: str | Path) -> pd.DataFrame:
    """Read an audit CSV written by :func:`write_audit` (and marked by hand).

    Text stays text (an Arabic word is never read as a missing value), ``start``, ``end`` and
    ``match_row`` become integers, ``date`` a datetime, ``quoted`` / ``scare_quoted`` booleans, and
    ``correct`` True / False / NA (an unknown mark raises :class:`framing.FramingError` naming the
    CSV line).
    """
    p = Path(path)
    if not p.is_file():
        raise FramingError(f"{path}: no such audit file; write one with write_audit(sample, path)")
    try:
        df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise FramingError(f"{path}: not a readable UTF-8 CSV ({exc}); save it as 'CSV UTF-8'") from None
    df = _unescape(df)
    for c in ("start", "end", "match_row"):
        if c in df.columns:
            num = pd.to_numeric(df[c], errors="coerce")
            if num.isna().any():
                i = int(np.flatnonzero(num.isna().to_numpy())[0])
                raise FramingError(f"{path}, line {i + 2}, field {c!r}: expected an integer, got {df[c].iat[i]!r}")
            df[c] = num.astype("int64")
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"].replace("", None), errors="coerce")
    for c in ("quoted", "scare_quoted"):
        if c in df.columns:
            df[c] = parse_correct(df[c]).astype(object)
    if "correct" in df.columns:
        try:
            df["correct"] = parse_correct(df["correct"]).astype(object).where(lambda s: s.notna(), None)
        except FramingError as exc:
            raise FramingError(f"{path}: {exc} (row r is CSV line r + 2)") from None
    return df
