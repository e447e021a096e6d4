"""How much of a lexicon a corpus uses: hits per entry, and the entries (patterns included) that
match nothing.

>>> import pandas as pd
>>> lex = {"name": "toy", "referents": {"haftar_camp": {"aliases": ["حفتر"],
...        "labels": {"delegitimizing": ["ميليشي*"], "neutral": ["قوات"]}}}}
>>> corpus = pd.DataFrame({"text": ["قصفت الميليشيات مواقع حفتر", "وصلت الميليشيا"]})
>>> cov = entry_coverage(corpus, lex)
>>> cov[["kind", "term", "pattern", "n_hits", "n_docs"]].values.tolist()
[['alias', 'حفتر', False, 1, 1], ['label', 'ميليشي*', True, 2, 2], ['label', 'قوات', False, 0, 0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.features.inputs import as_corpus
from framing.lexicon.load import as_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.text.normalization import normalize

__all__ = ["entry_coverage"]

_ROLES = {0: "category", 1: "label", 2: "alias"}


def entry_coverage(corpus: Any, lexicon: Any) -> pd.DataFrame:
    """Whole-word hits of every category, alias and label entry in a corpus, before attachment and scope.

    A label counted here may still not name its referent (no alias near it) or be out of scope: this
    answers "does the corpus use this word at all?" — the question to ask of a pattern (``ميليشي*``)
    or of a spelling variant — not "how often is it a label?" (see :func:`framing.extract_matches`).

    Returns
    -------
    DataFrame
        ``kind``, ``owner`` (category or referent), ``stance``, ``term``, ``pattern`` (a ``*`` entry),
        ``n_hits``, ``n_docs``, in lexicon order.
    """
    frame = as_corpus(corpus)
    compiled = compile_lexicon(as_lexicon(lexicon))
    n = len(compiled.entries)
    hits = np.zeros(n, dtype=np.int64)
    docs = np.zeros(n, dtype=np.int64)
    for i, text in enumerate(frame["text"].tolist()):
        if not isinstance(text, str):
            raise FramingError(f"row {i}, field 'text': expected a str, got {type(text).__name__}")
        seen: set[int] = set()
        for _s, _e, ids in compiled.hits(normalize(text)):
            for idx in ids:
                hits[idx] += 1
                seen.add(idx)
        for idx in seen:
            docs[idx] += 1
    rows = []
    for idx, (role, entry, owner, stance) in enumerate(compiled.entries):
        if role not in _ROLES:
            continue
        rows.append({"kind": _ROLES[role], "owner": owner, "stance": stance, "term": entry.term,
                     "pattern": bool(entry.glob), "n_hits": int(hits[idx]), "n_docs": int(docs[idx])})
    return pd.DataFrame(rows, columns=["kind", "owner", "stance", "term", "pattern", "n_hits", "n_docs"])
