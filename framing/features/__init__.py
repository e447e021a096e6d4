"""Features: matches and per-document counts from a corpus and a lexicon; term counts from raw text."""

from framing.features.extract import (
    extract_matches,
    extract_features,
    MATCH_COLUMNS,
    VOICES,
    feature_names,
)

__all__ = [
    "extract_matches",
    "extract_features",
    "MATCH_COLUMNS",
    "VOICES",
    "feature_names",
]
