"""Word tokens for counting what stands near a term (collocates, candidate labels).

Each document is ``search``-normalized once (:class:`DocTokens`: the normalized text, its offsets
into the original, and its word :class:`Token` s); words are counted with their proclitics stripped
against the corpus vocabulary (:class:`Stripper`).

>>> doc = doc_tokens("قالت «قوات» حفتر. ثم")
>>> [t.text for t in doc.tokens]
['قالت', 'قوات', 'حفتر', 'ثم']
>>> joined(doc.norm, doc.tokens)
[True, True, False]
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.features.inputs import as_corpus, documents
from framing.text.morphology import strip_clitics
from framing.text.normalization import offsets_array

__all__ = ["Token", "DocTokens", "PreparedCorpus", "doc_tokens", "joined", "token_range", "Stripper",
           "prepare_corpus", "group_keys"]

_TOKEN = re.compile(r"\w+")
_JOIN = re.compile(r"[ «»“”\"‘’']*")


class Token(NamedTuple):
    """A word of the normalized text: ``norm[start:end] == text``."""

    start: int
    end: int
    text: str


class DocTokens(NamedTuple):
    """One document: normalized text, offsets of each normalized character in the original, words."""

    norm: str
    offsets: np.ndarray
    tokens: list[Token]


def doc_tokens(text: str) -> DocTokens:
    """Normalized text, its offsets to the original, and its word tokens."""
    norm, offsets = offsets_array(text)
    return DocTokens(norm, offsets, [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(norm)])


def joined(norm: str, tokens: Sequence[Token]) -> list[bool]:
    """``joined[k]``: tokens ``k`` and ``k + 1`` are separated by spaces or quotation marks only
    (no sentence or clause punctuation, no line break)."""
    out = []
    for k in range(len(tokens) - 1):
        a, b = tokens[k].end, tokens[k + 1].start
        out.append(_JOIN.fullmatch(norm, a, b) is not None)
    return out


def token_range(tokens: Sequence[Token], starts: Sequence[int], s: int, e: int) -> tuple[int, int]:
    """Indices ``(i0, i1)`` of the first and last tokens inside the normalized span ``[s, e)``."""
    i0 = bisect_left(starts, s)
    i1 = i0
    while i1 + 1 < len(tokens) and tokens[i1 + 1].end <= e:
        i1 += 1
    return i0, i1


class Stripper:
    """Clitic stripping with the corpus vocabulary as the list of known words (memoised)."""

    def __init__(self, vocab: set[str]):
        self.vocab = vocab
        self.memo: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        out = self.memo.get(token)
        if out is None:
            out = self.memo[token] = strip_clitics(token, known=self.vocab)
        return out


class PreparedCorpus(NamedTuple):
    """A corpus ready for counting: ids, outlets (``""`` when missing), texts, their tokens, a stripper."""

    ids: list
    outlets: list[str]
    texts: list[str]
    docs: list[DocTokens]
    strip: Stripper


def prepare_corpus(corpus: object) -> PreparedCorpus:
    """Tokenize every document of a corpus (DataFrame or path) once."""
    frame = as_corpus(corpus)
    ids, outlets, _dates, texts = documents(frame)
    docs = [doc_tokens(t) for t in texts]
    vocab = {tok.text for doc in docs for tok in doc.tokens}
    # a missing outlet is its own group "" (never dropped, never a sort error)
    names = ["" if o is None or (isinstance(o, float) and math.isnan(o)) or o is pd.NA else str(o)
             for o in outlets]
    return PreparedCorpus(ids, names, texts, docs, Stripper(vocab))


def group_keys(by: str | None, outlets: list[str], n_docs: int) -> list[str]:
    """The group of each document: its outlet (``by="outlet"``) or ``"all"`` (``by=None``)."""
    if by is None:
        return ["all"] * n_docs
    if by != "outlet":
        raise FramingError(f"by: expected 'outlet' or None, got {by!r}")
    return list(outlets)
