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
from framing.lexicon.resolve import resolve_counted
from framing.text.doctexts import DocTexts
from framing.text.voice import VOICES_CLASSIFIED
from framing.text.voicebatch import classify_batch

__all__ = ["Pending", "count_docs", "VOICE_CHARS"]

#: characters of text voiced in one call of classify_batch (the documents of a resolve batch in groups)
VOICE_CHARS = 1 << 18


class Pending:
    """The hits of the documents to resolve, gathered over chunks (in document coordinates, documents
    numbered in the batch) with their normalized texts, and resolved together: the role split
    (:func:`framing.lexicon.resolve.split_batch`) and the voice are vectorized over all of them."""

    __slots__ = ("lengths", "parts", "pieces", "size")

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.pieces: list[np.ndarray] = []  # per chunk: the code points of its documents, joined by newlines
        self.lengths: list[np.ndarray] = []  # per chunk: the length of each of its documents
        self.size = 0  # characters gathered

    def add(self, first: int, counting: np.ndarray, docs: np.ndarray, keys: np.ndarray, hit_starts: np.ndarray,
            stops: np.ndarray, chunk_nstart: np.ndarray, chunk_nend: np.ndarray, mapped: np.ndarray) -> None:
        """The hits (chunk coordinates; ``docs`` numbered in the chunk) of the ``counting`` documents of a
        chunk of documents ``first ...``, whose normalized texts are ``mapped[chunk_nstart[d]:chunk_nend[d]]``
        (code points, uint32: copied, never decoded here)."""
        base = chunk_nstart[docs]
        self.parts.append((counting + first, docs + first, keys, hit_starts - base, stops - base))
        a, b = chunk_nstart[counting], chunk_nend[counting]
        self.pieces.append(DocTexts.pieces(mapped, a.tolist(), b.tolist()))
        self.lengths.append(b - a)
        self.size += int((b - a).sum())

    def resolve(self, forms: CompiledForms, columns: dict[int, int], width: int, voice: str, dates: Any,
                cells: list[int]) -> None:
        """Resolve and voice what was gathered (:func:`count_docs`), then start again."""
        parts, pieces, lengths = self.parts, self.pieces, self.lengths
        self.parts, self.pieces, self.lengths, self.size = [], [], [], 0
        if parts:
            counting, docs, keys, starts, stops = (np.concatenate(c) for c in zip(*parts, strict=True))
            norms = DocTexts.join(pieces, lengths)
            del parts, pieces  # (copied: what is gathered is held once while it is counted)
            count_docs(forms, counting, docs, keys, starts, stops, norms, columns, width, voice, dates, cells)


def count_docs(forms: CompiledForms, counting: np.ndarray, docs: np.ndarray, keys: np.ndarray,
               starts: np.ndarray, stops: np.ndarray, norms: list[str] | DocTexts, columns: dict[int, int], width: int,
               voice: str, dates: Any, cells: list[int]) -> None:
    """Resolve and voice the hits (document coordinates, by document) of the ``counting`` documents, whose
    normalized texts are ``norms`` (strs, or code points); append a flat cell ``document * width + column``
    per counted match."""
    k_arr, m_start, m_end, idx_arr = resolve_counted(forms, docs, keys, starts, stops, counting, norms, dates)
    if not len(idx_arr):
        return
    table = np.full(len(forms.entries), -1, dtype=np.int64)  # entry -> column
    table[np.fromiter(columns, dtype=np.int64, count=len(columns))] = list(columns.values())
    column = table[idx_arr]
    if (column < 0).any():  # (every counted entry has a column)
        raise KeyError(int(idx_arr[np.flatnonzero(column < 0)[0]]))
    flat = counting[k_arr] * width + column
    if voice != "all":
        evaluative = forms.entry_evaluative[idx_arr]
        voices = np.empty(len(k_arr), dtype=np.uint8)
        # the documents in groups of about VOICE_CHARS characters: what classify_batch builds over a group
        # (quotation spans, sentences, regions; code points are read where they are) stays bounded
        lengths = norms.lengths if isinstance(norms, DocTexts) else np.fromiter(map(len, norms), np.int64, len(norms))
        ends = np.cumsum(lengths)
        d0 = 0
        while d0 < len(norms):
            d1 = max(d0 + 1, int(np.searchsorted(ends, (ends[d0 - 1] if d0 else 0) + VOICE_CHARS, side="right")))
            m0, m1 = np.searchsorted(k_arr, (d0, d1))
            if m1 > m0:
                voices[m0:m1], _scare = classify_batch(_docs(norms, d0, d1), k_arr[m0:m1] - d0, m_start[m0:m1],
                                                       m_end[m0:m1], None, evaluative[m0:m1])
            d0 = d1
        flat = flat[voices == VOICES_CLASSIFIED.index(voice)]
    cells += flat.tolist()


def _docs(norms: list[str] | DocTexts, d0: int, d1: int) -> list[str] | DocTexts:
    return norms.slice(d0, d1) if isinstance(norms, DocTexts) else norms[d0:d1]
