"""Lexicons the tests share: every bundled lexicon merged into one, as ``benchmarks/run.py`` builds it for
``make bench`` (the benchmark's own function, loaded from its file, so the tests check what it times)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from framing.lexicon.load import Lexicon

__all__ = ["merged_lexicon"]

_RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@lru_cache(maxsize=1)
def merged_lexicon() -> Lexicon:
    """All bundled lexicons merged into one (``benchmarks/run.py`` ``merged_lexicon``)."""
    spec = importlib.util.spec_from_file_location("_bench_run_for_tests", _RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.merged_lexicon()[0]
