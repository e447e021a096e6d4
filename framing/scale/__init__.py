"""Scale: streaming extraction from a path and the Dask versions of each step.

:mod:`framing.scale.dispatch` is where ``framing.extract_matches`` / ``framing.extract_features`` decide
between pandas (:mod:`framing.features`) and Dask (:mod:`framing.scale.dask`).
"""

from framing.scale.dask import (
    cluster,
    dask_extract_features,
    dask_extract_matches,
    dask_label_counts,
    lexicon_payload,
    read_corpus_dask,
)
from framing.scale.stream import extract_features_path

__all__ = [
    "extract_features_path",
    "cluster",
    "read_corpus_dask",
    "dask_extract_matches",
    "dask_extract_features",
    "dask_label_counts",
    "lexicon_payload",
]
