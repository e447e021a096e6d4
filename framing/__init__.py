"""framing — measure how Arabic news outlets frame the same events through word choice.

The data flows one way::

    corpus -> normalize -> match -> features -> statistics -> charts / report

Public names are re-exported here and imported lazily (PEP 562), so that
``import framing`` stays cheap: pandas, scikit-learn, matplotlib and dask are
loaded only by the functions that need them.
"""

from __future__ import annotations

import importlib
import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS = {
    # errors
    "FramingError": "framing.errors",
    "CorpusError": "framing.errors",
    "LexiconError": "framing.errors",
    # text core
    "normalize": "framing.normalization",
    "normalize_with_offsets": "framing.normalization",
    "Profile": "framing.normalization",
    "PROFILES": "framing.normalization",
    "load_lexicon": "framing.lexicon",
    "list_lexicons": "framing.lexicon",
    "Lexicon": "framing.lexicon",
    "find_matches": "framing.matcher",
    "Match": "framing.matcher",
    # corpora
    "read_corpus": "framing.corpus",
    "iter_corpus": "framing.corpus",
    "find_duplicates": "framing.duplicates",
    "exclude_copies": "framing.duplicates",
    "concat_batches": "framing.corpus",
    "rejects": "framing.corpus",
    # choosing what to look at, for any lexicon (the notebooks use these)
    "referent_totals": "framing.selection",
    "top_referent": "framing.selection",
    "top_term": "framing.selection",
    "hit_sentence": "framing.selection",
    "outlets_for_folds": "framing.selection",
    "simulate_corpus": "framing.simulate",
    # features
    "extract_matches": "framing.features",
    "extract_features": "framing.features",
    "FramingVectorizer": "framing.vectorizer",
    # statistics
    "label_shares": "framing.shares",
    "legitimacy_index": "framing.shares",
    "epithets": "framing.qualifiers",
    "compare_outlets": "framing.compare",
    "outlet_distance": "framing.compare",
    "term_counts": "framing.compare",
    "combine_counts": "framing.compare",
    "trends": "framing.temporal",
    "attention": "framing.coverage",
    "change_points": "framing.temporal",
    # reading the text behind a number
    "kwic": "framing.concordance",
    "collocates": "framing.concordance",
    "discover_labels": "framing.concordance",
    "audit_sample": "framing.audit",
    "audit_precision": "framing.audit",
    "write_audit": "framing.audit",
    "read_audit": "framing.audit",
    "audit_record": "framing.audit",
    "entry_coverage": "framing.lexicon_check",
    "KWICTable": "framing.concordance",
    "OutletPrediction": "framing.predict",
    "demo_path": "framing.demo",
    "predict_outlet": "framing.predict",
    "analyze": "framing.pipeline",
    "drop_wire_copies": "framing.pipeline",
}

_SUBMODULES = {"stats", "charts", "report", "cli", "demo", "scale", "simulate"}

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"framing.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'framing' has no attribute {name!r}")


def __dir__():
    return __all__
