"""Normalized documents kept as code points: what the compiled scanner gives, passed on without decoding.

:class:`DocTexts` holds the code points of several documents joined by a newline (``"\\n"``; uint32,
read-only: the one array type the compiled passes of :mod:`framing.lexicon.resolvekernel` and
:mod:`framing.text.voicebatch` are compiled for) and where each document starts and ends. It serves where
a list of normalized strs served (``len``, ``texts[d]``: each document's str, decoded on first use), so
that only the Python code that still needs a str decodes one.

>>> texts = DocTexts.from_strs(["قال", "", "ab"])
>>> len(texts), texts[0], texts[2], texts.lengths.tolist()
(3, 'قال', 'ab', [3, 0, 2])
>>> texts.text()
'قال\\n\\nab'
>>> part = texts.take([0, 2])
>>> part.text(), list(part)
('قال\\nab', ['قال', 'ab'])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

__all__ = ["DocTexts", "LazyText", "NEWLINE"]

#: the separator between documents, as a code point array
NEWLINE = np.array([10], dtype=np.uint32)


def _read_only(cps: np.ndarray) -> np.ndarray:
    if cps.flags.writeable:
        cps = cps.view()
        cps.flags.writeable = False
    return cps


class LazyText:
    """A text given by its code points (uint32), decoded on first ``str()`` (once): what
    :func:`framing.text.regionscan.batch_regions` reads, which needs the str only for some sentences.

    >>> text = LazyText(np.array([104, 105], dtype=np.uint32))
    >>> len(text), str(text)
    (2, 'hi')
    """

    __slots__ = ("_text", "cps")

    def __init__(self, cps: np.ndarray):
        self.cps = cps
        self._text: str | None = None

    def __len__(self) -> int:
        return len(self.cps)

    def __str__(self) -> str:
        if self._text is None:
            self._text = self.decode(0, len(self.cps))
        return self._text

    def decode(self, a: int, b: int) -> str:
        """The str of code points ``a ... b - 1`` (of the whole str, when decoded already)."""
        if self._text is not None:
            return self._text[a:b]
        return self.cps[a:b].tobytes().decode("utf-32-le", "surrogatepass")

    def spans(self, a: list[int], b: list[int]) -> list[str]:
        """The strs of the spans ``[a[k], b[k])``, decoded at once."""
        if self._text is not None or not a:
            return [self.decode(x, y) for x, y in zip(a, b, strict=True)]
        joined = np.concatenate([self.cps[x:y] for x, y in zip(a, b, strict=True)]).tobytes().decode(
            "utf-32-le", "surrogatepass")
        ends = np.cumsum(np.asarray(b, dtype=np.int64) - np.asarray(a, dtype=np.int64)).tolist()
        return [joined[x:y] for x, y in zip([0, *ends[:-1]], ends, strict=True)]


class DocTexts:
    """Documents as code points: ``cps`` (uint32, read-only) the documents joined by ``"\\n"``, document ``d``
    at ``cps[lo[d]:hi[d]]`` (``lo``, ``hi``: int64)."""

    __slots__ = ("_strs", "cps", "hi", "lo")

    def __init__(self, cps: np.ndarray, lo: np.ndarray, hi: np.ndarray):
        self.cps = _read_only(np.ascontiguousarray(cps, dtype=np.uint32))
        self.lo = np.asarray(lo, dtype=np.int64)
        self.hi = np.asarray(hi, dtype=np.int64)
        self._strs: dict[int, str] = {}

    @classmethod
    def from_strs(cls, texts: Sequence[str]) -> DocTexts:
        """The documents ``texts`` (strs)."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        return cls.from_parts(np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32),
                              lengths)

    @classmethod
    def from_parts(cls, cps: np.ndarray, lengths: np.ndarray) -> DocTexts:
        """The documents of ``lengths`` (int64) code points each, joined by newlines in ``cps``."""
        lo = np.zeros(len(lengths), dtype=np.int64)
        if len(lengths) > 1:
            np.cumsum(lengths[:-1] + 1, out=lo[1:])
        return cls(cps, lo, lo + lengths)

    @classmethod
    def join(cls, pieces: list[np.ndarray], lengths: list[np.ndarray]) -> DocTexts:
        """The documents of several :meth:`pieces` (each: their code points joined by newlines, and their lengths)."""
        if not pieces:
            return cls.from_parts(np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64))
        parts = [NEWLINE] * (2 * len(pieces) - 1)
        parts[::2] = pieces
        return cls.from_parts(np.concatenate(parts), np.concatenate(lengths))

    @staticmethod
    def pieces(cps: np.ndarray, starts: list[int], ends: list[int]) -> np.ndarray:
        """The code points ``cps[starts[k]:ends[k]]`` of each document, joined by newlines (a new array)."""
        parts = [NEWLINE] * (2 * len(starts) - 1) if starts else []
        parts[::2] = [cps[a:b] for a, b in zip(starts, ends, strict=True)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.lo)

    def __getitem__(self, d: int) -> str:
        text = self._strs.get(d)
        if text is None:
            text = self._strs[d] = self.decode(int(self.lo[d]), int(self.hi[d]))
        return text

    def __iter__(self) -> Iterator[str]:
        return map(self.__getitem__, range(len(self)))

    def decode(self, a: int, b: int) -> str:
        """The str of ``cps[a:b]``."""
        return self.cps[a:b].tobytes().decode("utf-32-le", "surrogatepass")

    def text(self) -> str:
        """All of the code points as one str (the documents joined by newlines)."""
        return self.decode(0, len(self.cps))

    @property
    def lengths(self) -> np.ndarray:
        """The length of each document."""
        return self.hi - self.lo

    def slice(self, d0: int, d1: int) -> DocTexts:
        """Documents ``d0 ... d1 - 1`` (``d0 < d1``), sharing the code points."""
        a = int(self.lo[d0])
        return DocTexts(self.cps[a:int(self.hi[d1 - 1])], self.lo[d0:d1] - a, self.hi[d0:d1] - a)

    def take(self, docs: Sequence[int] | np.ndarray) -> DocTexts:
        """Documents ``docs`` (a new array of their code points)."""
        docs = np.asarray(docs, dtype=np.int64)
        return DocTexts.from_parts(self.pieces(self.cps, self.lo[docs].tolist(), self.hi[docs].tolist()),
                                   self.lengths[docs])

    def packed(self, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(code points, starts)`` as :func:`framing.lexicon.resolvekernel.encode` gives them for the
        documents (each document where ``which`` is False as an empty text): no separators, ``starts`` one
        more than the documents."""
        keep = np.flatnonzero(which)
        lengths = np.where(which, self.lengths, 0)
        starts = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        lo, hi = self.lo[keep].tolist(), self.hi[keep].tolist()
        cps = np.concatenate([self.cps[a:b] for a, b in zip(lo, hi, strict=True)]) if lo else np.zeros(0, np.uint32)
        return _read_only(np.ascontiguousarray(cps, dtype=np.uint32)), starts
