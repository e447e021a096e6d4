"""Streaming feature extraction from a corpus file with bounded memory, in one process.

:func:`extract_features_path` reads a corpus file batch by batch (:func:`framing.corpus.reader.iter_corpus`)
and either returns the features table or writes it to Parquet as it goes, so memory stays bounded by
``batch_size`` whatever the size of the file. pyarrow is imported only when writing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.corpus.reader import Rejects, iter_corpus
from framing.features.extract import extract_features
from framing.lexicon.load import as_lexicon
from framing.vocabulary import DEFAULT_VOICE, check_voice

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["extract_features_path"]

logger = logging.getLogger(__name__)


def extract_features_path(path: str | Path, lexicon: Any, *, voice: str = DEFAULT_VOICE, batch_size: int = 5000,
                          out: str | Path | None = None, errors: str = "raise") -> pd.DataFrame | Path:
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


def _empty_corpus() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"doc_id": pd.Series([], dtype=object), "outlet": pd.Series([], dtype=object),
                         "date": pd.Series([], dtype="datetime64[ns]"), "text": pd.Series([], dtype=object)})
