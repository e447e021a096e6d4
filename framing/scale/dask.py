"""Large corpora on Dask: a laptop's cores, an HPC allocation, a Kubernetes cluster.

(Streaming extraction in one process, with bounded memory, is :mod:`framing.scale.stream`.)

:func:`cluster` starts a local cluster of worker processes or connects to an existing scheduler;
:func:`open_corpus_dask` (and :func:`read_corpus_dask`) read a corpus on the workers, part by part, with
the account :func:`framing.read_corpus` gives (the same records accepted and rejected, with their file,
line and reason: :mod:`framing.scale.blocks` cuts the corpus, :mod:`framing.scale.parts` validates the
parts, :mod:`framing.scale.settle` makes their accounts one); :func:`dask_extract_matches` and
:func:`dask_extract_features` run the single-process code on each partition (``map_partitions`` with
declared ``meta``); :func:`dask_label_counts` aggregates on the cluster and returns small pandas counts.

The lexicon travels to the workers as data: a bundled lexicon by its name, any other lexicon as the
validated :class:`~framing.lexicon.load.Lexicon` without its compiled automaton (a few kB, against about
1 MB for a compiled one). Each worker process compiles it once and keeps it for later partitions.

Dask, distributed and pyarrow are imported inside the functions that use them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from framing.corpus.dates import DateColumn
from framing.corpus.textfile import MAX_RECORD_BYTES
from framing.corpus.validate import check_args, check_record_cap
from framing.errors import FramingError
from framing.features.extract import MATCH_COLUMNS, extract_features, extract_matches
from framing.features.inputs import is_dask
from framing.lexicon.load import as_lexicon, bundled_names
from framing.scale.blocks import count_part, number_parts, plan_parts
from framing.scale.parts import ReadOptions, empty_corpus, read_part
from framing.scale.settle import settle
from framing.vocabulary import DEFAULT_VOICE, STANCES, check_voice, label_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "cluster",
    "available_cores",
    "CONNECT_TIMEOUT",
    "read_corpus_dask",
    "open_corpus_dask",
    "DaskCorpus",
    "BLOCKSIZE",
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
        payload = lex.without_cache()
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
#: Bytes per part of a JSON Lines or Parquet file read on Dask workers (the Dask setting ``framing.blocksize``
#: overrides it)
BLOCKSIZE = "64MB"


class DaskCorpus(NamedTuple):
    """A corpus read on a Dask cluster (:func:`open_corpus_dask`): the accepted rows as a lazy dask
    DataFrame, and the account of the reading, as :func:`framing.read_corpus` gives it in ``attrs``."""

    frame: Any  #: dask DataFrame of the accepted rows, in file order (the corpus table)
    n_read: int
    n_accepted: int
    rejects: pd.DataFrame  #: source, line, field, reason of each rejected record, in file order


def _run_tasks(fn: Any, items: list[tuple[Any, ...]]) -> list[Any]:
    """``[fn(*args) for args in items]`` as Dask tasks (on the active client, if any)."""
    import dask

    return list(dask.compute(*[dask.delayed(fn, pure=True)(*args) for args in items])) if items else []


def open_corpus_dask(path: str | Path, *, errors: str = "raise", columns: dict[str, str] | None = None,
                     encoding: str | None = None, dayfirst: bool | None = None,
                     max_record_bytes: int = MAX_RECORD_BYTES, blocksize: int | str | None = None,
                     batch_size: int = 10_000) -> DaskCorpus:
    """Read a corpus on the Dask workers, validated as :func:`framing.read_corpus` validates it.

    The corpus is cut into parts (:mod:`framing.scale.blocks`): JSON Lines into blocks of about
    ``blocksize`` bytes, Parquet into runs of row groups; other formats (CSV, ``.json``, gzip, UTF-16,
    folders) cannot be cut and are one part each, read by one worker. Every part is first validated on
    the workers for its account (:mod:`framing.scale.parts`, :mod:`framing.scale.settle`), so that the
    records read, the rejects (with the file's real line numbers and the one-process reasons), duplicate
    ``doc_id`` values across parts and the day/month order of dates are those of the one-process reader;
    then ``frame`` reads the accepted rows lazily for the extraction.

    Parameters
    ----------
    path : str or Path
        A corpus file or folder, as for :func:`framing.read_corpus`, a folder of Parquet files, or a glob
        of files (``corpus/*.jsonl``).
    errors, columns, encoding, dayfirst, max_record_bytes
        As in :func:`framing.read_corpus`; with ``errors="raise"`` the first invalid record in file order
        raises :class:`~framing.errors.CorpusError` naming the file and line.
    blocksize : int or str, optional
        Bytes per part of a JSON Lines or Parquet file: :data:`BLOCKSIZE` unless the Dask setting
        ``framing.blocksize`` says otherwise (e.g. ``DASK_FRAMING__BLOCKSIZE=16MB`` in the environment, which
        ``framing analyze --workers`` follows too).
    batch_size : int
        Records validated at a time within a part.

    Returns
    -------
    DaskCorpus
    """
    import dask
    import dask.dataframe as dd
    import pandas as pd
    from dask.utils import parse_bytes

    mapping = check_args(errors, columns, batch_size)
    check_record_cap(max_record_bytes)
    DateColumn(dayfirst)
    if blocksize is None:
        blocksize = dask.config.get("framing.blocksize", BLOCKSIZE)
    size = parse_bytes(blocksize) if isinstance(blocksize, str) else blocksize
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise FramingError(f"blocksize must be a positive number of bytes (or text such as '64MB'), got {blocksize!r}")
    parts = plan_parts(path, encoding=encoding, max_record_bytes=max_record_bytes, blocksize=size)
    if any(p.before < 0 for p in parts):
        parts = number_parts(parts, _run_tasks(count_part, [(p,) for p in parts]))
    for p in parts:
        if p.kind == "whole" and Path(p.source).is_file() and Path(p.source).stat().st_size > size:
            warnings.warn(f"{p.source}: this format cannot be split, so one Dask worker reads it whole and holds "
                          "it in memory; for a large corpus use uncompressed JSON Lines or Parquet", UserWarning,
                          stacklevel=2)
    opts = ReadOptions(errors, mapping or None, dayfirst, batch_size)
    settled = settle(str(Path(path)) if not any(ch in str(path) for ch in "*?[") else str(path), parts, opts,
                     _run_tasks)
    for category, message in settled.warnings:
        warnings.warn(message, category, stacklevel=2)
    logger.info("%s: read %d · accepted %d · rejected %d", path, settled.n_read, settled.n_accepted,
                len(settled.rejects))
    meta = empty_corpus(settled.columns)
    with dask.config.set({"dataframe.convert-string": False}):  # the dtypes of read_corpus: extra fields kept
        frame = dd.from_map(read_part, parts, settled.seeds, args=[settled.options, tuple(settled.columns)],
                            meta=meta, enforce_metadata=False, label="read-corpus")
    table = pd.DataFrame(settled.rejects, columns=["source", "line", "field", "reason"])
    table["line"] = table["line"].astype("int64")
    return DaskCorpus(frame, settled.n_read, settled.n_accepted, table)


def read_corpus_dask(path: str | Path, *, blocksize: int | str | None = None, columns: dict[str, str] | None = None,
                     encoding: str | None = None, dayfirst: bool | None = None,
                     max_record_bytes: int = MAX_RECORD_BYTES) -> Any:
    """Read a corpus as a dask DataFrame on the workers, validated as :func:`framing.read_corpus` validates
    it with ``errors="raise"``: the first invalid record (in file order) raises
    :class:`~framing.errors.CorpusError` naming the file and line, before anything else is computed.

    Any corpus :func:`framing.read_corpus` reads, a folder of Parquet files, or a glob of files; JSON Lines
    and Parquet are cut into parts of about ``blocksize`` bytes (see :func:`open_corpus_dask`, which also
    sets invalid records aside with ``errors="collect"`` and gives the account).
    """
    return open_corpus_dask(path, errors="raise", columns=columns, encoding=encoding, dayfirst=dayfirst,
                            max_record_bytes=max_record_bytes, blocksize=blocksize).frame
