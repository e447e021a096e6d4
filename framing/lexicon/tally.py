"""Counting the resolved matches of a batch of documents: the last step of :func:`framing.lexicon.scan.count_batch`.

The scanner gathers the hits of the documents it has read in a :class:`Pending`. When enough text has
gathered, :meth:`Pending.resolve` resolves them together (:func:`framing.lexicon.resolve.resolve_batch`),
voices every in-scope match of the whole batch at once (:func:`framing.text.voicebatch.classify_batch`,
with the reported-speech regions of :func:`framing.text.regionscan.batch_regions`, both compiled) and adds
one cell per counted match.

The voice of a match is the one :meth:`framing.text.voice.VoiceIndex.classify` gives it;
``tests/lexicon/test_tally.py`` checks the cells against voicing each document with a ``VoiceIndex``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from framing.lexicon.compile import CompiledForms
from framing.lexicon.resolve import resolve_batch
from framing.text.voice import VOICES_CLASSIFIED
from framing.text.voicebatch import classify_batch

__all__ = ["Pending", "count_docs", "VOICE_CHARS"]

#: characters of text voiced in one call of classify_batch (the documents of a resolve batch in groups)
VOICE_CHARS = 1 << 18


class Pending:
    """The hits of the documents to resolve, gathered over chunks (in document coordinates, documents
    numbered in the batch) with their normalized texts, and resolved together: the role split
    (:func:`framing.lexicon.resolve.split_batch`) and the voice are vectorized over all of them."""

    __slots__ = ("norms", "parts", "size")

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.norms: list[str] = []
        self.size = 0  # characters in norms

    def add(self, first: int, counting: np.ndarray, docs: np.ndarray, keys: np.ndarray, hit_starts: np.ndarray,
            stops: np.ndarray, chunk_nstart: np.ndarray, norms_of: Any) -> None:
        """The hits (chunk coordinates; ``docs`` numbered in the chunk) of the ``counting`` documents of a
        chunk of documents ``first ...``; ``norms_of(documents)``: their normalized texts."""
        base = chunk_nstart[docs]
        self.parts.append((counting + first, docs + first, keys, hit_starts - base, stops - base))
        norms = norms_of(counting.tolist())
        self.norms += norms
        self.size += sum(map(len, norms))

    def resolve(self, forms: CompiledForms, columns: dict[int, int], width: int, voice: str, dates: Any,
                cells: list[int]) -> None:
        """Resolve and voice what was gathered (:func:`count_docs`), then start again."""
        if self.parts:
            counting, docs, keys, starts, stops = (np.concatenate(c) for c in zip(*self.parts, strict=True))
            count_docs(forms, counting, docs, keys, starts, stops, self.norms, columns, width, voice, dates, cells)
        self.parts, self.norms, self.size = [], [], 0


def count_docs(forms: CompiledForms, counting: np.ndarray, docs: np.ndarray, keys: np.ndarray,
               starts: np.ndarray, stops: np.ndarray, norms: list[str], columns: dict[int, int], width: int,
               voice: str, dates: Any, cells: list[int]) -> None:
    """Resolve and voice the hits (document coordinates, by document) of the ``counting`` documents, whose
    normalized texts are ``norms``; append a flat cell ``document * width + column`` per counted match."""
    by_doc = resolve_batch(forms, docs, keys, starts, stops, counting, norms, dates)
    which: list[int] = []  # per in-scope match: its document (numbered in norms), start, end, entry
    spans: list[int] = []
    entries: list[int] = []
    for k, resolved in enumerate(by_doc):
        for _kind, s, e, idx, _alias, reason, _head in resolved:
            if not reason:
                which.append(k)
                spans += (s, e)
                entries.append(idx)
    if not entries:
        return
    k_arr = np.array(which, dtype=np.int64)
    idx_arr = np.array(entries, dtype=np.int64)
    column = np.array([columns[i] for i in entries], dtype=np.int64)
    flat = counting[k_arr] * width + column
    if voice != "all":
        se = np.array(spans, dtype=np.int64)
        evaluative = forms.entry_evaluative[idx_arr]
        voices = np.empty(len(k_arr), dtype=np.uint8)
        # the documents in groups of about VOICE_CHARS characters: classify_batch copies the text of its
        # documents (joined, then as code points), and that copy stays this size whatever the batch
        ends = np.cumsum(np.fromiter(map(len, norms), dtype=np.int64, count=len(norms)))
        d0 = 0
        while d0 < len(norms):
            d1 = max(d0 + 1, int(np.searchsorted(ends, (ends[d0 - 1] if d0 else 0) + VOICE_CHARS, side="right")))
            m0, m1 = np.searchsorted(k_arr, (d0, d1))
            if m1 > m0:
                voices[m0:m1], _scare = classify_batch(norms[d0:d1], k_arr[m0:m1] - d0, se[2 * m0:2 * m1:2],
                                                       se[2 * m0 + 1:2 * m1:2], None, evaluative[m0:m1])
            d0 = d1
        flat = flat[voices == VOICES_CLASSIFIED.index(voice)]
    cells += flat.tolist()
