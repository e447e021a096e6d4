"""Large corpora on Dask: a laptop's cores, an HPC allocation, a Kubernetes cluster.

(Streaming extraction in one process, with bounded memory, is :mod:`framing.scale.stream`.)

:func:`cluster` starts a local cluster of worker processes or connects to an existing scheduler;
:func:`read_corpus_dask` reads Parquet / JSON Lines partitions on the workers and validates each
partition like :func:`framing.read_corpus`; :func:`dask_extract_matches` and
:func:`dask_extract_features` run the single-process code on each partition (``map_partitions`` with
declared ``meta``); :func:`dask_label_counts` aggregates on the cluster and returns small pandas counts.

The lexicon travels to the workers as data: a bundled lexicon by its name, any other lexicon as the
validated :class:`~framing.lexicon.load.Lexicon` without its compiled automaton (a few kB, against about
1 MB for a compiled one). Each worker process compiles it once and keeps it for later partitions.

Dask, distributed and pyarrow are imported inside the functions that use them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import os
import pickle
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from framing.corpus.formats import RawRecord
from framing.corpus.validate import Validator, check_args
from framing.errors import FramingError
from framing.features.extract import MATCH_COLUMNS, extract_features, extract_matches
from framing.features.inputs import is_dask
from framing.lexicon.load import as_lexicon, bundled_names
from framing.vocabulary import DEFAULT_VOICE, STANCES, check_voice, label_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "cluster",
    "available_cores",
    "CONNECT_TIMEOUT",
    "read_corpus_dask",
    "dask_extract_matches",
    "dask_extract_features",
    "dask_label_counts",
    "lexicon_payload",
    "LexiconPayload",
    "matches_meta",
    "features_meta",
]

logger = logging.getLogger(__name__)

_STRING_MATCH_COLUMNS = ("category", "referent", "stance", "alias")


# --- clusters --------------------------------------------------------------------------------------
#: Seconds :func:`cluster` waits for an existing scheduler to answer (Dask's default is 30).
CONNECT_TIMEOUT = 5.0


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity where the system tells it, else the count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def cluster(workers: int = 2, scheduler: str | None = None, **kwargs: Any) -> Iterator[Any]:
    """A Dask ``Client`` for the duration of a ``with`` block.

    Parameters
    ----------
    workers : int
        Worker processes of a new ``LocalCluster`` (one thread each: the matcher holds the GIL); at
        most :func:`available_cores` (more is capped there, with a warning).
    scheduler : str, optional
        Address of an existing scheduler (``"tcp://HOST:PORT"``), e.g. one started by
        dask-jobqueue on an HPC system, dask-kubernetes or Dask Gateway. ``workers`` is then ignored:
        the cluster is managed where it was created. A :class:`FramingError` when it does not answer
        within :data:`CONNECT_TIMEOUT` seconds.
    **kwargs
        Passed to ``LocalCluster`` (e.g. ``memory_limit="2GB"``).

    Yields
    ------
    dask.distributed.Client
    """
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        if not isinstance(scheduler, str) or "://" not in scheduler:
            raise FramingError(f"scheduler must be an address such as 'tcp://10.0.0.5:8786', got {scheduler!r}")
        try:  # a few seconds, not Dask's 30 s, to say that nothing answers there
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise FramingError(f"cannot connect to the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT:g} s "
                               f"({' '.join(str(exc).split())[:200]}); start the scheduler or check its address, "
                               "or run without --scheduler") from None
        try:
            yield client
        finally:
            client.close()
        return
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise FramingError(f"workers must be a positive integer, got {workers!r}")
    cores = available_cores()
    if workers > cores:
        warnings.warn(f"workers={workers} (--workers): only {cores} CPU core(s) available here; starting {cores} "
                      "Dask worker process(es) (more would add memory, not speed)", stacklevel=3)
        workers = cores
    kwargs.setdefault("dashboard_address", ":0")
    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, **kwargs)
    client = Client(local)
    try:
        yield client
    finally:
        client.close()
        local.close()


# --- the lexicon on the workers ----------------------------------------------------------------------
class LexiconPayload(NamedTuple):
    """What :func:`lexicon_payload` sends to the workers for a lexicon."""

    token: str
    payload: Any


def lexicon_payload(lexicon: Any) -> LexiconPayload:
    """``(token, payload)``: what is sent to workers for a lexicon.

    The payload is a bundled lexicon's name, or the validated lexicon without its compiled automaton;
    the token (a hash of the payload) lets each worker compile a lexicon once.
    """
    lex = as_lexicon(lexicon)
    if lex.source == f"framing/data/lexicons/{lex.name}.yaml" and lex.name in bundled_names():
        payload: Any = lex.name
    else:
        payload = dataclasses.replace(lex, _cache={})
    token = hashlib.sha256(pickle.dumps(payload)).hexdigest()[:20]
    return LexiconPayload(token, payload)


_WORKER_LEXICONS: dict[str, Any] = {}


def _worker_lexicon(token: str, payload: Any) -> Any:
    lex = _WORKER_LEXICONS.get(token)
    if lex is None:
        lex = as_lexicon(payload)
        _WORKER_LEXICONS[token] = lex
    return lex


# --- metas -------------------------------------------------------------------------------------------
def matches_meta() -> pd.DataFrame:
    """The empty matches table with the dtypes of a non-empty :func:`framing.extract_matches` result."""
    import pandas as pd

    dtypes: dict[str, Any] = dict.fromkeys(MATCH_COLUMNS, object)
    dtypes.update({"date": "datetime64[ns]", "start": "int64", "end": "int64", "quoted": bool,
                   "scare_quoted": bool, "in_scope": bool})
    for c in _STRING_MATCH_COLUMNS:
        dtypes[c] = pd.StringDtype(na_value=float("nan"))
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in dtypes.items()})


def features_meta(lexicon: Any) -> pd.DataFrame:
    """The empty features table with the dtypes of a non-empty :func:`framing.extract_features` result."""
    import pandas as pd

    lex = as_lexicon(lexicon)
    cols: dict[str, Any] = {"doc_id": object, "outlet": object, "date": "datetime64[ns]", "n_tokens": "int64"}
    cols.update(dict.fromkeys(lex.feature_names, "int64"))
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in cols.items()})


def _conform(df: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    df = df.astype(meta.dtypes.to_dict())
    df.attrs = {}
    return df


def _matches_partition(part: pd.DataFrame, token: str, payload: Any, voice: str, kinds: tuple[str, ...], scope: str,
                       meta: pd.DataFrame) -> pd.DataFrame:
    return _conform(extract_matches(part, _worker_lexicon(token, payload), voice=voice, kinds=kinds, scope=scope),
                    meta)


def _features_partition(part: pd.DataFrame, token: str, payload: Any, voice: str, meta: pd.DataFrame) -> pd.DataFrame:
    out = _conform(extract_features(part, _worker_lexicon(token, payload), voice=voice), meta)
    out.index = part.index
    return out


# --- dask entry points -------------------------------------------------------------------------------
def _check_dask(ddf: Any, what: str) -> None:
    if not is_dask(ddf):
        raise FramingError(f"{what} expects a dask DataFrame, got {type(ddf).__name__}; use "
                           "framing.extract_features for pandas, or dask.dataframe.from_pandas(...)")
    if "text" not in ddf.columns:
        raise FramingError(f"the dask corpus has no 'text' column (columns: {', '.join(map(str, ddf.columns))})")


def dask_extract_matches(ddf: Any, lexicon: Any, *, voice: str = DEFAULT_VOICE,
                         kinds: Sequence[str] = ("category", "label"), scope: str = "all") -> Any:
    """:func:`framing.extract_matches` on every partition of a dask corpus (lazy).

    Returns a dask DataFrame with the matches columns and dtypes (see :func:`matches_meta`); each
    partition's index is its own 0..n-1, as extract_matches returns it.
    """
    check_voice(voice)
    if scope not in ("in", "all"):
        raise FramingError(f"scope must be 'in' or 'all'; got {scope!r}")
    _check_dask(ddf, "dask_extract_matches")
    token, payload = lexicon_payload(lexicon)
    meta = matches_meta()
    return ddf.map_partitions(_matches_partition, token, payload, voice, tuple(kinds), scope, meta, meta=meta,
                              enforce_metadata=False)


def dask_extract_features(ddf: Any, lexicon: Any, *, voice: str = DEFAULT_VOICE) -> Any:
    """:func:`framing.extract_features` on every partition of a dask corpus (lazy).

    Returns a dask DataFrame with one row per document, indexed like the corpus, with the features
    columns and dtypes (see :func:`features_meta`).
    """
    check_voice(voice)
    _check_dask(ddf, "dask_extract_features")
    token, payload = lexicon_payload(lexicon)
    meta = features_meta(lexicon)
    return ddf.map_partitions(_features_partition, token, payload, voice, meta, meta=meta,
                              enforce_metadata=False)


def dask_label_counts(ddf_features: Any, by: str | Sequence[str] = ("outlet",)) -> pd.DataFrame:
    """Sum the label columns of a dask features table on the cluster; return long pandas counts.

    Returns columns ``<by...>``, ``referent``, ``stance``, ``count`` (int64) and ``n_docs`` (documents
    in the group), sorted by the group, referent and stance order. Summing the counts of two
    corpora gives the counts of both.
    """
    import pandas as pd

    keys = [by] if isinstance(by, str) else list(by)
    missing = [c for c in keys if c not in ddf_features.columns]
    if missing:
        raise FramingError(f"cannot group by {missing}: not columns of the features table "
                           f"({', '.join(map(str, ddf_features.columns[:8]))}, ...)")
    labels = label_columns(ddf_features._meta)
    cols = [c for c, _, _ in labels]
    # a tree reduction to one small partition (split_out=1): no shuffle of the features
    grouped = ddf_features.assign(n_docs=1)[[*keys, "n_docs", *cols]].groupby(keys).sum(split_out=1).compute()
    grouped = grouped.sort_index()
    rows = []
    for key, row in grouped.iterrows():
        group = key if isinstance(key, tuple) else (key,)
        for col, referent, stance in labels:
            rows.append((*group, referent, stance, int(row[col]), int(row["n_docs"])))
    out = pd.DataFrame(rows, columns=[*keys, "referent", "stance", "count", "n_docs"])
    order = {s: i for i, s in enumerate(STANCES)}
    out = out.sort_values([*keys, "referent", "stance"], key=lambda s: s.map(order) if s.name == "stance" else s,
                          kind="stable").reset_index(drop=True)
    out["count"] = out["count"].astype("int64")
    out["n_docs"] = out["n_docs"].astype("int64")
    return out


# --- reading on the workers --------------------------------------------------------------------------
def read_corpus_dask(path: str | Path, *, blocksize: int | str | None = "64MB",
                     columns: dict[str, str] | None = None) -> Any:
    """Read a Parquet or JSON Lines corpus as a dask DataFrame, validated partition by partition.

    Partitions are read on the workers (``dask.dataframe.read_parquet``, or ``read_json`` with
    ``lines=True`` and ``blocksize``; a ``.gz`` file cannot be split and is one partition). Each
    partition then goes through the same record validation as :func:`framing.read_corpus` (text
    repair, HTML removal, dates, required fields), raising :class:`~framing.errors.CorpusError` on the
    first invalid record with the file, partition and row. Duplicate ``doc_id`` values are found only
    within a partition. To set invalid records aside instead, use :func:`framing.read_corpus` or
    :func:`framing.iter_corpus` (``errors="collect"``).

    Parameters
    ----------
    path : str or Path
        A ``.parquet``/``.pq`` file or directory, or a ``.jsonl``/``.ndjson`` file (optionally ``.gz``),
        or a glob of such files.
    blocksize : int or str, optional
        Bytes per JSON Lines partition (uncompressed files only).
    columns : dict, optional
        Maps the file's names to corpus names, as in :func:`framing.read_corpus`.
    """
    import dask.dataframe as dd

    mapping = check_args("raise", columns, 1)
    name = str(path)
    lower = name.lower()
    if lower.endswith((".parquet", ".pq")) or (Path(name).is_dir() and any(Path(name).glob("*.parquet"))):
        raw = dd.read_parquet(name)
    elif lower.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        compressed = lower.endswith(".gz")
        raw = dd.read_json(name, lines=True, orient="records", dtype=False,
                           blocksize=None if compressed else blocksize,
                           compression="gzip" if compressed else None)
    else:
        raise FramingError(f"read_corpus_dask reads Parquet or JSON Lines, got {name!r}; convert other "
                           "formats with framing.read_corpus(...).to_parquet(...)")
    meta = _validate_partition(raw._meta_nonempty.head(0), name, mapping, {"number": 0}, strict=False)
    return raw.map_partitions(_validate_partition, name, mapping, meta=meta, enforce_metadata=False)


def _validate_partition(part: pd.DataFrame, source: str, mapping: dict[str, str],
                        partition_info: dict[str, Any] | None = None, strict: bool = True) -> pd.DataFrame:
    import pandas as pd

    number = (partition_info or {}).get("number", 0)
    where = f"{source} (partition {number})"
    records = part.to_dict(orient="records")
    raws = []
    for i, rec in enumerate(records, 1):
        clean = {str(k): (None if _is_missing(v) else v) for k, v in rec.items()}
        raws.append(RawRecord(where, i, clean))
    # generated ids name the partition: "<file stem>:p<partition>:<row>"
    validator = Validator(where, "raise", mapping, {}, f"{Path(source).name.split('.')[0]}:p{number}")
    if not strict and not raws:
        validator.checked = True
    df = validator.batch(raws)
    df.attrs = {}
    if not raws:
        # keep the file's extra columns in the empty meta
        for col in part.columns:
            if col not in df.columns and mapping.get(col, col) not in df.columns:
                df[mapping.get(col, col)] = pd.Series([], dtype=object)
    return df


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
