"""Per-document framing features: the tidy match table and the wide count table.

This module works on pandas tables (or a corpus path) and never on Dask: it does not import
:mod:`framing.scale`. Given a Dask DataFrame, :func:`extract_matches` and :func:`extract_features`
raise a :class:`~framing.errors.FramingError` naming :func:`framing.scale.dask_extract_matches` /
:func:`framing.scale.dask_extract_features`; the top-level :func:`framing.extract_matches` and
:func:`framing.extract_features` (:mod:`framing.scale.dispatch`) send Dask input there themselves.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a1"], "outlet": ["Sahil"], "date": [pd.Timestamp("2020-01-05")],
...                        "text": ["قالت ميليشيات حفتر إن «قوات حفتر» تقدمت"]})
>>> lex = {"name": "toy", "referents": {"haftar_camp": {"aliases": ["حفتر"],
...        "labels": {"delegitimizing": [{"term": "ميليشيا"}], "neutral": ["قوات"]}}}}
>>> matches = extract_matches(corpus, lex, voice="all")
>>> list(zip(matches["surface"], matches["stance"], matches["voice"]))
[('ميليشيات', 'delegitimizing', 'own'), ('قوات', 'neutral', 'quoted')]
>>> extract_features(corpus, lex, voice="own").iloc[0].to_dict()["label:haftar_camp:delegitimizing"]
1
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from framing.errors import FramingError
from framing.features.inputs import as_corpus, documents, is_dask
from framing.lexicon.load import Lexicon, as_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.vocabulary import DEFAULT_VOICE, VOICES, check_voice, label_columns
from framing.vocabulary import MATCH_COLUMNS as _MATCH_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["extract_matches", "extract_features", "MATCH_COLUMNS", "VOICES", "feature_names", "label_columns",
           "count_matrix", "CountMatrix"]

#: the columns of a matches table (a list, as before; defined in :mod:`framing.vocabulary`)
MATCH_COLUMNS = list(_MATCH_COLUMNS)

_PROGRESS_MIN = 5000
_BATCH_CHARS = 1 << 20


class CountMatrix(NamedTuple):
    """What :func:`count_matrix` counts: ``counts`` (documents × features, int64) and ``n_tokens`` (the
    whitespace token count of each document)."""

    counts: np.ndarray
    n_tokens: np.ndarray


def _refuse_dask(corpus: Any, name: str) -> None:
    if is_dask(corpus):
        raise FramingError(f"framing.features.{name} works on a pandas DataFrame or a corpus path, got a Dask "
                           f"{type(corpus).__name__}; use framing.scale.dask_{name} (or framing.{name}, which "
                           "sends Dask input there)")


def _progress(n: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=n, desc=desc, unit="doc", file=sys.stderr,
                disable=True if n < _PROGRESS_MIN else None, leave=False)


def _voice_ok(m: Any, voice: str) -> bool:
    return voice in ("all", m.voice)


def extract_matches(corpus: Any, lexicon: Any, *, voice: str = DEFAULT_VOICE,
                    kinds: Sequence[str] = ("category", "label"), scope: str = "all") -> pd.DataFrame:
    """One row per match, in corpus order then text order.

    Columns: ``doc_id``, ``outlet``, ``date``, ``start``, ``end`` (offsets into the original text),
    ``surface``, ``kind``, ``category``, ``referent`` (for a qualifier category: the referent it
    qualifies), ``stance``, ``term``, ``quoted``, ``scare_quoted``, ``alias`` (the alias a label
    attached to; for a qualifier, its head), ``voice`` (own, quoted, reported), ``in_scope`` and
    ``scope_reason`` (why a hit does not count: exclude, date, context, negated, unattached).

    ``voice`` keeps the matches of one voice (default: the outlet's own words) or ``"all"``.
    ``scope="all"`` (default) keeps the hits the lexicon's scope rules leave out, marked
    ``in_scope=False``, so that they can be read; ``scope="in"`` keeps only the hits that count.
    Features, shares and statistics count only in-scope hits.

    ``corpus`` is a DataFrame with a ``text`` column (``doc_id``, ``outlet``, ``date`` used when
    present) or a corpus path. For a Dask DataFrame use :func:`framing.scale.dask_extract_matches`
    (:func:`framing.extract_matches` sends one there).
    """
    check_voice(voice)
    if scope not in ("in", "all"):
        raise FramingError(f"scope must be 'in' or 'all'; got {scope!r}")
    _refuse_dask(corpus, "extract_matches")
    table = as_corpus(corpus)
    compiled = compile_lexicon(as_lexicon(lexicon))
    ids, outlets, dates, texts = documents(table)
    rows: list[tuple[Any, ...]] = []
    bar = _progress(len(texts), "matching")
    for doc_id, outlet, date, text in zip(ids, outlets, dates, texts, strict=True):
        for m in compiled.find(text, kinds, date=date, scope=scope):
            if _voice_ok(m, voice):
                rows.append((doc_id, outlet, date, m.start, m.end, m.surface, m.kind, m.category, m.referent,
                             m.stance, m.term, m.quoted, m.scare_quoted, m.alias, m.voice, m.in_scope,
                             m.scope_reason))
        bar.update()
    bar.close()
    df = _matches_frame(rows)
    df.attrs["voice"] = voice
    return df


def _matches_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    df["date"] = pd.to_datetime(df["date"])
    for col in ("start", "end"):
        df[col] = df[col].astype("int64")
    for col in ("quoted", "scare_quoted", "in_scope"):
        df[col] = df[col].astype(bool)
    for col in ("doc_id", "outlet", "surface", "kind", "term", "voice", "scope_reason"):
        df[col] = df[col].astype(object)
    return df


def feature_names(lexicon: Any) -> list[str]:
    """The count columns of :func:`extract_features` for a lexicon, in order."""
    return as_lexicon(lexicon).feature_names


def _feature_index(lexicon: Lexicon) -> dict[tuple[str, str, str | None], int]:
    index: dict[tuple[str, str, str | None], int] = {}
    for j, name in enumerate(lexicon.feature_names):
        parts = name.split(":")
        index[("category", parts[1], None) if parts[0] == "cat" else ("label", parts[1], parts[2])] = j
    return index


def count_matrix(texts: Iterable[str], lexicon: Any, *, voice: str = DEFAULT_VOICE,
                 dates: Sequence[Any] | None = None) -> CountMatrix:
    """Counts (documents × features) of in-scope matches in ``voice``, and the whitespace token count
    of each document (a :class:`CountMatrix`). ``dates`` (one per text) decide entries with ``valid``
    ranges."""
    check_voice(voice)
    lex = as_lexicon(lexicon)
    compiled = compile_lexicon(lex)
    index = _feature_index(lex)
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise FramingError(f"text {i}: expected a str, got {type(text).__name__} {text!r:.40}")
    columns = compiled.entry_columns(index)
    counts = np.zeros((len(texts), len(index)), dtype=np.int64)
    n_tokens = np.zeros(len(texts), dtype=np.int64)
    bar = _progress(len(texts), "features")
    # batches of about _BATCH_CHARS characters: one vectorized pass and one automaton scan each
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and (j == i or size < _BATCH_CHARS):
            size += len(texts[j])
            j += 1
        c, t = compiled.count_batch(texts[i:j], columns, voice, None if dates is None else dates[i:j])
        counts[i:j, : c.shape[1]] = c
        n_tokens[i:j] = t
        bar.update(j - i)
        i = j
    bar.close()
    return CountMatrix(counts, n_tokens)


def extract_features(corpus: Any, lexicon: Any, *, voice: str = DEFAULT_VOICE) -> pd.DataFrame:
    """One row per document, in corpus order: counts of each category and referent × stance.

    Columns: ``doc_id``, ``outlet``, ``date``, ``n_tokens`` (whitespace-delimited words), then
    ``cat:<category>`` and ``label:<referent>:<stance>`` integer counts. Only in-scope matches count
    (see :func:`extract_matches` for the others and why).

    ``voice="own"`` (default) counts only the outlet's own words (not quoted, not scare-quoted, not
    reported speech), ``"quoted"`` or ``"reported"`` only those, ``"all"`` every voice.

    ``corpus`` is as in :func:`extract_matches`; for a Dask DataFrame use
    :func:`framing.scale.dask_extract_features` (:func:`framing.extract_features` sends one there).
    """
    import pandas as pd

    check_voice(voice)
    _refuse_dask(corpus, "extract_features")
    table = as_corpus(corpus)
    lex = as_lexicon(lexicon)
    ids, outlets, dates, texts = documents(table)
    counts, n_tokens = count_matrix(texts, lex, voice=voice, dates=dates)
    df = pd.DataFrame(counts, columns=lex.feature_names)
    df.insert(0, "n_tokens", n_tokens)
    df.insert(0, "date", pd.to_datetime(pd.Series(dates, dtype="object")))
    df.insert(0, "outlet", pd.Series(outlets, dtype=object))
    df.insert(0, "doc_id", pd.Series(ids, dtype=object))
    df.attrs["lexicon"] = lex.name
    df.attrs["voice"] = voice
    return df
