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
    "normalize": "framing.text.normalization",
    "normalize_with_offsets": "framing.text.normalization",
    "Profile": "framing.text.normalization",
    "PROFILES": "framing.text.normalization",
    "load_lexicon": "framing.lexicon.load",
    "list_lexicons": "framing.lexicon.load",
    "Lexicon": "framing.lexicon.model",
    "find_matches": "framing.lexicon.matcher",
    "Match": "framing.lexicon.matcher",
    # corpora
    "read_corpus": "framing.corpus.reader",
    "iter_corpus": "framing.corpus.reader",
    "find_duplicates": "framing.corpus.duplicates",
    "exclude_copies": "framing.corpus.duplicates",
    "concat_batches": "framing.corpus.reader",
    "rejects": "framing.corpus.rejected",
    # choosing what to look at, for any lexicon (the notebooks use these)
    "referent_totals": "framing.analyses.selection",
    "top_referent": "framing.analyses.selection",
    "top_term": "framing.analyses.selection",
    "hit_sentence": "framing.analyses.selection",
    "outlets_for_folds": "framing.analyses.selection",
    "simulate_corpus": "framing.demo.simulate",
    # features
    "extract_matches": "framing.scale.dispatch",  # pandas -> framing.features, Dask -> framing.scale.dask
    "extract_features": "framing.scale.dispatch",
    "FramingVectorizer": "framing.features.vectorizer",
    # statistics
    "label_shares": "framing.stats.shares",
    "legitimacy_index": "framing.stats.shares",
    "epithets": "framing.analyses.qualifiers",
    "compare_outlets": "framing.analyses.compare",
    "outlet_distance": "framing.analyses.distance",
    "term_counts": "framing.features.terms",
    "combine_counts": "framing.features.terms",
    "term_dispersion": "framing.analyses.dispersion",
    "trends": "framing.analyses.temporal",
    "attention": "framing.analyses.coverage",
    "change_points": "framing.analyses.temporal",
    # reading the text behind a number
    "kwic": "framing.reading.kwic",
    "collocates": "framing.reading.collocates",
    "discover_labels": "framing.reading.discover",
    "audit_sample": "framing.reading.audit",
    "audit_precision": "framing.reading.audit",
    "write_audit": "framing.reading.audit",
    "read_audit": "framing.reading.audit",
    "audit_record": "framing.reading.audit",
    "entry_coverage": "framing.lexicon.check",
    "KWICTable": "framing.reading.kwic",
    "OutletPrediction": "framing.analyses.predict",
    "demo_path": "framing.demo.paths",
    "predict_outlet": "framing.analyses.predict",
    "analyze": "framing.pipeline.analyze",
    "AnalysisConfig": "framing.pipeline.config",
    "drop_wire_copies": "framing.pipeline.copies",
}

# public submodules (``framing.charts.plot_trends`` ...) -> where they live now
_SUBMODULES = {
    "stats": "framing.stats",
    "charts": "framing.output.charts",
    "report": "framing.output.report",
    "cli": "framing.cli",
    "demo": "framing.demo",
    "scale": "framing.scale",
    "simulate": "framing.demo.simulate",
}

__all__ = [
    "AnalysisConfig",
    "CorpusError",
    "FramingError",
    "FramingVectorizer",
    "KWICTable",
    "Lexicon",
    "LexiconError",
    "Match",
    "OutletPrediction",
    "PROFILES",
    "Profile",
    "__version__",
    "analyze",
    "attention",
    "audit_precision",
    "audit_record",
    "audit_sample",
    "change_points",
    "charts",
    "cli",
    "collocates",
    "combine_counts",
    "compare_outlets",
    "concat_batches",
    "demo",
    "demo_path",
    "discover_labels",
    "drop_wire_copies",
    "entry_coverage",
    "epithets",
    "exclude_copies",
    "extract_features",
    "extract_matches",
    "find_duplicates",
    "find_matches",
    "hit_sentence",
    "iter_corpus",
    "kwic",
    "label_shares",
    "legitimacy_index",
    "list_lexicons",
    "load_lexicon",
    "normalize",
    "normalize_with_offsets",
    "outlet_distance",
    "outlets_for_folds",
    "predict_outlet",
    "read_audit",
    "read_corpus",
    "referent_totals",
    "rejects",
    "report",
    "scale",
    "simulate",
    "simulate_corpus",
    "stats",
    "term_counts",
    "term_dispersion",
    "top_referent",
    "top_term",
    "trends",
    "write_audit",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(_SUBMODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'framing' has no attribute {name!r}")


def __dir__():
    return __all__
