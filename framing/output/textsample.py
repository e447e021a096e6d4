"""A seeded random sample of documents, drawn as batches stream past, holding at most a budget of characters.

The term map of ``framing analyze`` needs the texts themselves. Holding every text until the end grows with
the corpus; :class:`TextSample` keeps memory bounded by the budget instead. Every document gets a random key
(a seeded generator, in corpus order); the sample is the longest run of documents in key order whose texts
fit the budget — the same rule as taking a random permutation and keeping its longest prefix that fits,
computed on the fly. Once the budget is full, a document whose key is above the first one left out can
never enter, so it is dropped on arrival; the kept documents are trimmed whenever they pass 1.5 times the
budget (only the keys are sorted; the texts are filtered where they lie), so at most about 1.5 budgets of
text are held at any time.

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
        self._parts: list[pd.DataFrame] = []  # the kept documents, batch by batch, in corpus order
        self._keys: list[np.ndarray] = []  # their random keys, characters and numbers, part by part
        self._chars: list[np.ndarray] = []
        self._seq: list[np.ndarray] = []
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
        self._parts.append(part.reset_index(drop=True))
        self._keys.append(keys)
        self._chars.append(chars)
        self._seq.append(seq)
        self._kept_chars += int(chars.sum())
        if self.budget and self._kept_chars > _SLACK * self.budget:
            self._trim()

    def _trim(self) -> None:
        """Keep the longest key-order run that fits the budget. Only the keys are sorted; each part's text is
        filtered where it lies (no copy of all the kept text at once)."""
        keys, chars = np.concatenate(self._keys), np.concatenate(self._chars)
        order = np.argsort(keys, kind="stable")
        fits = np.cumsum(chars[order]) <= self.budget  # cumsum grows: the fitting rows are a prefix
        n = int(np.argmin(fits)) if not fits.all() else len(fits)
        if n == len(keys):
            return
        self._threshold = min(self._threshold, float(keys[order[n]]))
        self.sampled = True
        keep = np.zeros(len(keys), dtype=bool)
        keep[order[:n]] = True
        at = 0
        parts, kept_keys, kept_chars, kept_seq = [], [], [], []
        for part, k, c, q in zip(self._parts, self._keys, self._chars, self._seq, strict=True):
            mask = keep[at:at + len(k)]
            at += len(k)
            if mask.any():
                parts.append(part[mask].reset_index(drop=True) if not mask.all() else part)
                kept_keys.append(k[mask])
                kept_chars.append(c[mask])
                kept_seq.append(q[mask])
        self._parts, self._keys, self._chars, self._seq = parts, kept_keys, kept_chars, kept_seq
        self._kept_chars = int(sum(int(c.sum()) for c in kept_chars))

    def frame(self) -> pd.DataFrame:
        """The kept documents in the order they were added (the columns given to :meth:`add`)."""
        if not self._parts:
            return pd.DataFrame()
        if self.budget and self._kept_chars > self.budget:
            self._trim()
        # parts were added in corpus order and each keeps its rows in order: concatenating keeps that order
        kept = pd.concat(self._parts, ignore_index=True)
        self._parts = [kept]
        self._keys = [np.concatenate(self._keys)]
        self._chars = [np.concatenate(self._chars)]
        self._seq = [np.concatenate(self._seq)]
        return kept

    @property
    def kept_chars(self) -> int:
        """Characters of text in the kept documents."""
        return self._kept_chars
