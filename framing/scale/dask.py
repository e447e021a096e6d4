"""Large corpora: streaming feature extraction with bounded memory, and Dask for many cores or machines.

Streaming (one process)
-----------------------
:func:`extract_features_path` reads a corpus file batch by batch (:func:`framing.corpus.reader.iter_corpus`)
and either returns the features table or writes it to Parquet as it goes, so memory stays bounded by
``batch_size`` whatever the size of the file.

Dask (a laptop's cores, an HPC allocation, a Kubernetes cluster)
-----------------------------------------------------------------
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
import pickle
from contextlib import contextmanager
from pathlib import Path

from framing.errors import FramingError
from framing.vocabulary import check_voice

__all__ = [
    "extract_features_path",
    "cluster",
    "read_corpus_dask",
    "dask_extract_matches",
    "dask_extract_features",
    "dask_label_counts",
    "lexicon_payload",
]

logger = logging.getLogger(__name__)

_STRING_MATCH_COLUMNS = ("category", "referent", "stance", "alias")


# --- streaming ---------------------------------------------------------------------------------------
def extract_features_path(path, lexicon, *, voice: str = "own", batch_size: int = 5000, out=None,
                          errors: str = "raise"):
    """Features of a corpus file, read and processed batch by batch (bounded memory).

    Parameters
    ----------
    path : str or Path
        Any corpus file :func:`framing.iter_corpus` reads.
    lexicon : Lexicon, str, path or dict
    voice : {"own", "quoted", "reported", "all"}
    batch_size : int
        Documents per batch; memory grows with it, not with the file.
    out : str or Path, optional
        A ``.parquet`` file to write the features to, batch by batch (pyarrow ``ParquetWriter``).
        Without it the features are returned as one DataFrame (which then holds one row per document).
    errors : {"raise", "collect"}
        As in :func:`framing.read_corpus`.

    Returns
    -------
    pandas.DataFrame or Path
        The features table (as :func:`framing.extract_features`, ``attrs`` also holding ``n_read``,
        ``n_rejected`` and ``rejects``), or the ``out`` path once written. Either way the log records
        documents read, accepted and rejected.
    """
    import pandas as pd

    from framing.corpus.reader import Rejects, iter_corpus
    from framing.features.extract import extract_features
    from framing.lexicon.load import as_lexicon

    check_voice(voice)
    lex = as_lexicon(lexicon)
    frames, rejects = [], []
    n_read = n_rejected = 0
    writer = schema = None
    target = Path(out) if out is not None else None
    try:
        for batch in iter_corpus(path, batch_size=batch_size, errors=errors):
            n_read += batch.attrs.get("n_read", len(batch))
            rej = batch.attrs.get("rejects")
            if rej is not None and len(rej):
                n_rejected += len(rej)
                rejects.extend(rej)  # plain records (framing.corpus.reader.Rejects): attrs stay JSON-able
            batch.attrs = {}
            feats = extract_features(batch, lex, voice=voice)
            feats.attrs = {}
            if target is None:
                frames.append(feats)
                continue
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(feats, preserve_index=False, schema=schema)
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(target, schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    logger.info("%s: read %d, accepted %d, rejected %d", path, n_read, n_read - n_rejected, n_rejected)
    if target is not None:
        if writer is None:  # nothing accepted: still write a valid, empty file
            import pyarrow as pa
            import pyarrow.parquet as pq

            empty = extract_features(_empty_corpus(), lex, voice=voice)
            empty.attrs = {}
            pq.write_table(pa.Table.from_pandas(empty, preserve_index=False), target)
        return target
    frames = [f for f in frames if len(f)] or [extract_features(_empty_corpus(), lex, voice=voice)]
    for f in frames:
        f.attrs = {}
    df = pd.concat(frames, ignore_index=True)
    df.attrs = {"lexicon": lex.name, "voice": voice, "n_read": n_read, "n_rejected": n_rejected,
                "rejects": Rejects(rejects)}
    return df


def _empty_corpus():
    import pandas as pd

    return pd.DataFrame({"doc_id": pd.Series([], dtype=object), "outlet": pd.Series([], dtype=object),
                         "date": pd.Series([], dtype="datetime64[ns]"), "text": pd.Series([], dtype=object)})


# --- clusters --------------------------------------------------------------------------------------
@contextmanager
def cluster(workers: int = 2, scheduler: str | None = None, **kwargs):
    """A Dask ``Client`` for the duration of a ``with`` block.

    Parameters
    ----------
    workers : int
        Worker processes of a new ``LocalCluster`` (one thread each: the matcher holds the GIL).
    scheduler : str, optional
        Address of an existing scheduler (``"tcp://HOST:PORT"``), e.g. one started by
        dask-jobqueue on an HPC system, dask-kubernetes or Dask Gateway. ``workers`` is then ignored:
        the cluster is managed where it was created.
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
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    if not isinstance(workers, int) or workers < 1:
        raise FramingError(f"workers must be a positive integer, got {workers!r}")
    kwargs.setdefault("dashboard_address", ":0")
    local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, **kwargs)
    client = Client(local)
    try:
        yield client
    finally:
        client.close()
        local.close()


# --- the lexicon on the workers ----------------------------------------------------------------------
def lexicon_payload(lexicon) -> tuple[str, object]:
    """``(token, payload)``: what is sent to workers for a lexicon.

    The payload is a bundled lexicon's name, or the validated lexicon without its compiled automaton;
    the token (a hash of the payload) lets each worker compile a lexicon once.
    """
    from framing.lexicon.load import as_lexicon, bundled_names

    lex = as_lexicon(lexicon)
    if lex.source == f"framing/data/lexicons/{lex.name}.yaml" and lex.name in bundled_names():
        payload = lex.name
    else:
        payload = dataclasses.replace(lex, _cache={})
    token = hashlib.sha256(pickle.dumps(payload)).hexdigest()[:20]
    return token, payload


_WORKER_LEXICONS: dict = {}


def _worker_lexicon(token: str, payload):
    from framing.lexicon.load import as_lexicon

    lex = _WORKER_LEXICONS.get(token)
    if lex is None:
        lex = as_lexicon(payload)
        _WORKER_LEXICONS[token] = lex
    return lex


# --- metas -------------------------------------------------------------------------------------------
def matches_meta():
    """The empty matches table with the dtypes of a non-empty :func:`framing.extract_matches` result."""
    import pandas as pd

    from framing.features.extract import MATCH_COLUMNS

    dtypes = {c: object for c in MATCH_COLUMNS}
    dtypes.update({"date": "datetime64[ns]", "start": "int64", "end": "int64", "quoted": bool,
                   "scare_quoted": bool, "in_scope": bool})
    for c in _STRING_MATCH_COLUMNS:
        dtypes[c] = pd.StringDtype(na_value=float("nan"))
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in dtypes.items()})


def features_meta(lexicon):
    """The empty features table with the dtypes of a non-empty :func:`framing.extract_features` result."""
    import pandas as pd

    from framing.lexicon.load import as_lexicon

    lex = as_lexicon(lexicon)
    cols = {"doc_id": object, "outlet": object, "date": "datetime64[ns]", "n_tokens": "int64"}
    cols.update({name: "int64" for name in lex.feature_names})
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in cols.items()})


def _conform(df, meta):
    df = df.astype(meta.dtypes.to_dict())
    df.attrs = {}
    return df


def _matches_partition(part, token, payload, voice, kinds, meta):
    from framing.features.extract import extract_matches

    return _conform(extract_matches(part, _worker_lexicon(token, payload), voice=voice, kinds=kinds), meta)


def _features_partition(part, token, payload, voice, meta):
    from framing.features.extract import extract_features

    out = _conform(extract_features(part, _worker_lexicon(token, payload), voice=voice), meta)
    out.index = part.index
    return out


# --- dask entry points -------------------------------------------------------------------------------
def _check_dask(ddf, what: str):
    if not type(ddf).__module__.startswith("dask"):
        raise FramingError(f"{what} expects a dask DataFrame, got {type(ddf).__name__}; use "
                           "framing.extract_features for pandas, or dask.dataframe.from_pandas(...)")
    if "text" not in ddf.columns:
        raise FramingError(f"the dask corpus has no 'text' column (columns: {', '.join(map(str, ddf.columns))})")


def dask_extract_matches(ddf, lexicon, *, voice: str = "own", kinds=("category", "label")):
    """:func:`framing.extract_matches` on every partition of a dask corpus (lazy).

    Returns a dask DataFrame with the matches columns and dtypes (see :func:`matches_meta`); each
    partition's index is its own 0..n-1, as extract_matches returns it.
    """
    check_voice(voice)
    _check_dask(ddf, "dask_extract_matches")
    token, payload = lexicon_payload(lexicon)
    meta = matches_meta()
    return ddf.map_partitions(_matches_partition, token, payload, voice, tuple(kinds), meta, meta=meta,
                              enforce_metadata=False)


def dask_extract_features(ddf, lexicon, *, voice: str = "own"):
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


def dask_label_counts(ddf_features, by=("outlet",)):
    """Sum the label columns of a dask features table on the cluster; return long pandas counts.

    Returns columns ``<by...>``, ``referent``, ``stance``, ``count`` (int64) and ``n_docs`` (documents
    in the group), sorted by the group, referent and stance order. Summing the counts of two
    corpora gives the counts of both.
    """
    import pandas as pd

    from framing.features.extract import label_columns
    from framing.lexicon.load import STANCES

    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in ddf_features.columns]
    if missing:
        raise FramingError(f"cannot group by {missing}: not columns of the features table "
                           f"({', '.join(map(str, ddf_features.columns[:8]))}, ...)")
    labels = label_columns(ddf_features._meta)
    cols = [c for c, _, _ in labels]
    # a tree reduction to one small partition (split_out=1): no shuffle of the features
    grouped = ddf_features.assign(n_docs=1)[by + ["n_docs"] + cols].groupby(by).sum(split_out=1).compute()
    grouped = grouped.sort_index()
    rows = []
    for key, row in grouped.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        for col, referent, stance in labels:
            rows.append((*key, referent, stance, int(row[col]), int(row["n_docs"])))
    out = pd.DataFrame(rows, columns=[*by, "referent", "stance", "count", "n_docs"])
    order = {s: i for i, s in enumerate(STANCES)}
    out = out.sort_values([*by, "referent", "stance"], key=lambda s: s.map(order) if s.name == "stance" else s,
                          kind="stable").reset_index(drop=True)
    out["count"] = out["count"].astype("int64")
    out["n_docs"] = out["n_docs"].astype("int64")
    return out


# --- reading on the workers --------------------------------------------------------------------------
def read_corpus_dask(path, *, blocksize: int | str | None = "64MB", columns: dict | None = None):
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

    from framing.corpus.validate import check_args

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


def _validate_partition(part, source, mapping, partition_info=None, strict=True):
    import pandas as pd

    from framing.corpus.formats import RawRecord
    from framing.corpus.validate import Validator

    number = (partition_info or {}).get("number", 0)
    where = f"{source} (partition {number})"
    records = part.to_dict(orient="records")
    raws = []
    for i, rec in enumerate(records, 1):
        clean = {k: (None if _is_missing(v) else v) for k, v in rec.items()}
        raws.append(RawRecord(where, i, clean))
    # generated ids name the partition: "<file stem>:p<partition>:<row>"
    validator = Validator(where, "raise", mapping, {}, f"{Path(source).name.split('.')[0]}:p{number}")
    if not strict and not raws:
        validator.checked = True
    df = validator.batch(raws)
    df.attrs = {}
    if not len(raws):
        # keep the file's extra columns in the empty meta
        for col in part.columns:
            if col not in df.columns and mapping.get(col, col) not in df.columns:
                df[mapping.get(col, col)] = pd.Series([], dtype=object)
    return df


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)
