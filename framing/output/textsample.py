"""A seeded random sample of documents, drawn as batches stream past, holding at most a budget of characters.

The term map of ``framing analyze`` needs the texts themselves. Holding every text until the end grows with
the corpus; :class:`TextSample` keeps memory bounded by the budget instead. Every document gets a random key
(a seeded generator, in corpus order); the sample is the longest run of documents in key order whose texts
fit the budget — the same rule as taking a random permutation and keeping its longest prefix that fits,
computed on the fly. Once the budget is full, a document whose key is above the first one left out can
never enter, so it is dropped on arrival; the kept documents are trimmed whenever they pass 1.5 times the
budget, so at most about 1.5 budgets of text are held at any time.

>>> import pandas as pd
>>> s = TextSample(budget=12, seed=0)
>>> s.add(pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "text": ["ابدأ", "بيت", "ثمرة", "جبل"]}))
>>> s.n_docs, s.n_chars
(4, 14)
>>> kept = s.frame()
>>> int(kept["text"].str.len().sum()) <= 12, s.sampled
(True, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TextSample"]

_SLACK = 1.5  # kept text may reach this many budgets before it is trimmed back to one


class TextSample:
    """Documents (any columns, one of them ``text``) sampled as they stream past.

    ``budget``: characters of text kept at most (0: keep every document, no sampling). ``n_docs`` and
    ``n_chars`` count every document added; ``sampled`` is True when some were left out; :meth:`frame`
    gives the kept documents in the order they were added.
    """

    def __init__(self, budget: int, seed: int = 0) -> None:
        self.budget = int(budget)
        self._rng = np.random.default_rng(seed)
        self._parts: list[pd.DataFrame] = []
        self._kept_chars = 0
        self._threshold = np.inf  # documents with a key at or above it can no longer enter the sample
        self.n_docs = 0
        self.n_chars = 0
        self.sampled = False

    def add(self, part: pd.DataFrame) -> None:
        """Add a batch of documents (its index is not kept)."""
        if not len(part):
            return
        chars = part["text"].str.len().fillna(0).to_numpy(dtype=np.int64)
        keys = self._rng.random(len(part))
        seq = np.arange(self.n_docs, self.n_docs + len(part), dtype=np.int64)
        self.n_docs += len(part)
        self.n_chars += int(chars.sum())
        if self.budget:
            sel = keys < self._threshold
            if not sel.all():
                self.sampled = True
            part, keys, chars, seq = part[sel], keys[sel], chars[sel], seq[sel]
        self._parts.append(part.reset_index(drop=True).assign(_key=keys, _seq=seq, _chars=chars))
        self._kept_chars += int(chars.sum())
        if self.budget and self._kept_chars > _SLACK * self.budget:
            self._trim()

    def _trim(self) -> None:
        kept = pd.concat(self._parts, ignore_index=True).sort_values("_key", kind="stable")
        fits = kept["_chars"].cumsum().to_numpy() <= self.budget
        n = int(np.argmin(fits)) if not fits.all() else len(fits)  # cumsum grows: the fitting rows are a prefix
        if n < len(kept):
            self._threshold = min(self._threshold, float(kept["_key"].iloc[n]))
            self.sampled = True
        kept = kept.iloc[:n]
        self._parts = [kept]
        self._kept_chars = int(kept["_chars"].sum())

    def frame(self) -> pd.DataFrame:
        """The kept documents in the order they were added (the columns given to :meth:`add`)."""
        if not self._parts:
            return pd.DataFrame()
        if self.budget and self._kept_chars > self.budget:
            self._trim()
        kept = pd.concat(self._parts, ignore_index=True).sort_values("_seq", kind="stable")
        self._parts = [kept]
        return kept.drop(columns=["_key", "_seq", "_chars"]).reset_index(drop=True)

    @property
    def kept_chars(self) -> int:
        """Characters of text in the kept documents."""
        return self._kept_chars
