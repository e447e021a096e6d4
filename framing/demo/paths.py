"""The demo corpus: where it is, its ground truth, and checks against it.

The demo corpus (``data/demo/``) is synthetic: see ``data/demo/README.md`` and
:func:`framing.demo.simulate.simulate_corpus`. These helpers let notebooks and tests compare what the
library measures with what was planted.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.errors import FramingError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["demo_path", "demo_truth", "resolve_corpus", "mark_from_truth", "planted_switch"]


def demo_path(name: str = "corpus.jsonl") -> Path:
    """Path of a file of the demo corpus (``data/demo/`` of the source checkout)."""
    here = Path(__file__).resolve().parent
    for root in (here.parent, Path.cwd(), Path.cwd().parent):
        candidate = root / "data" / "demo" / name
        if candidate.is_file():
            return candidate
    raise FramingError(
        f"the demo corpus file data/demo/{name} was not found next to the framing package or the current "
        "folder; run from a checkout of the project, or regenerate it with "
        "`python -m framing.demo.simulate --out data/demo`"
    )


def resolve_corpus(corpus: str) -> str:
    """``"demo"`` means the demo corpus; anything else is returned as given (a path)."""
    return str(demo_path()) if corpus == "demo" else corpus


@lru_cache(maxsize=1)
def demo_truth() -> dict[str, Any]:
    """The ground truth of the demo corpus (``data/demo/truth.json``)."""
    return json.loads(demo_path("truth.json").read_text(encoding="utf-8"))


def planted_switch() -> dict[str, Any]:
    """The planted terminology switch: outlet, referent, month, stance probabilities before/after."""
    return dict(demo_truth()["switch"])


def mark_from_truth(sample: pd.DataFrame) -> pd.DataFrame:
    """Mark an audit sample of label hits from the demo truth (on your own corpus you mark by hand).

    A hit is correct when the document's planted matches include its referent and stance in the same
    voice (scare quotes count as quoted, like the matcher). Category hits are left unmarked.
    """
    truth = demo_truth()["documents"]
    marked = sample.copy()
    correct: list[bool | None] = []
    for row in marked.itertuples(index=False):
        if getattr(row, "kind", "label") != "label":
            correct.append(None)
            continue
        planted = truth.get(str(row.doc_id), [])
        voice = "quoted" if bool(row.quoted) else "own"
        ok = any(r == row.referent and s == row.stance and ("quoted" if (v == "quoted" or sq) else "own") == voice
                 for r, s, v, sq in planted)
        correct.append(ok)
    marked["correct"] = correct
    return marked
