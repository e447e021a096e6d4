"""Features: matches and per-document counts from a corpus and a lexicon; term counts from raw text."""

from framing.features.extract import (
    MATCH_COLUMNS,
    VOICES,
    extract_features,
    extract_matches,
    feature_names,
)

__all__ = [
    "extract_matches",
    "extract_features",
    "MATCH_COLUMNS",
    "VOICES",
    "feature_names",
]
