"""The real corpora beside the checkout (``../shared/corpora``), read as the tests that use them need:
the ``text`` of the first records, up to a size. Tests that use them skip when the folder is absent."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CORPORA", "SAUDINEWSNET", "ASND", "corpus_texts"]

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
SAUDINEWSNET = CORPORA / "saudinewsnet.jsonl.gz"
ASND = CORPORA / "asnd_aljazeera.jsonl.gz"


def corpus_texts(path: Path, limit: int, *, unit: str = "chars", skip_blank: bool = False) -> Iterator[str]:
    """The ``text`` field of the records of ``path`` (JSON Lines, gzip) that hold a string, in file order,
    until ``limit`` characters (``unit="chars"``) or UTF-8 bytes (``unit="bytes"``) have been given (the
    text that reaches the limit included). ``skip_blank`` leaves out texts of spaces only."""
    if unit not in ("chars", "bytes"):
        raise ValueError(f"unit: 'chars' or 'bytes', not {unit!r}")
    size = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text")
            if not isinstance(text, str) or (skip_blank and not text.strip()):
                continue
            yield text
            size += len(text) if unit == "chars" else len(text.encode("utf-8"))
            if size >= limit:
                return
