"""Scale: streaming extraction from a path and the Dask versions of each step."""

from framing.scale.dask import (
    extract_features_path,
    cluster,
    read_corpus_dask,
    dask_extract_matches,
    dask_extract_features,
    dask_label_counts,
    lexicon_payload,
)

__all__ = [
    "extract_features_path",
    "cluster",
    "read_corpus_dask",
    "dask_extract_matches",
    "dask_extract_features",
    "dask_label_counts",
    "lexicon_payload",
]
