"""Where :class:`framing.corpus.duplicates.DuplicateFinder` keeps the shingle hashes of the documents it
was given until the exact check of the candidate pairs reads some of them back: in memory
(:class:`MemoryShingles`) or in a temporary file (:class:`FileShingles`, so that the memory stays small
whatever the corpus), and :class:`ShingleSets`, the sets read back, the most recently used kept.
"""

from __future__ import annotations

import bisect
import tempfile
from collections import OrderedDict
from typing import Protocol

import numpy as np

__all__ = ["ShingleStore", "MemoryShingles", "FileShingles", "ShingleSets", "CACHE_BYTES"]

#: Shingle sets :class:`ShingleSets` keeps (bytes): a document's set is read once for all its pairs.
CACHE_BYTES = 64 * 2**20


class ShingleStore(Protocol):
    """The hashes (uint64) of many documents, appended batch by batch and read back by position."""

    def append(self, hashes: np.ndarray) -> int:
        """Keep ``hashes``; the position of its first value among all kept."""

    def read(self, start: int, n: int) -> np.ndarray:
        """The ``n`` hashes kept from position ``start`` (within one appended array)."""


class MemoryShingles:
    """A :class:`ShingleStore` in memory (the arrays given, not copied)."""

    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._starts: list[int] = []
        self._size = 0

    def append(self, hashes: np.ndarray) -> int:
        start = self._size
        self._chunks.append(hashes)
        self._starts.append(start)
        self._size += len(hashes)
        return start

    def read(self, start: int, n: int) -> np.ndarray:
        c = bisect.bisect_right(self._starts, start) - 1
        local = start - self._starts[c]
        return self._chunks[c][local:local + n]


class FileShingles:
    """A :class:`ShingleStore` in an unnamed temporary file (in ``dir``, by default the system's temporary
    folder), 8 bytes a shingle; the file is gone when :meth:`close` is called or the process ends."""

    def __init__(self, dir: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="framing-shingles-", dir=dir)  # noqa: SIM115 (kept open: close())
        self._size = 0

    def append(self, hashes: np.ndarray) -> int:
        start = self._size
        self._file.seek(0, 2)
        self._file.write(np.ascontiguousarray(hashes, dtype=np.uint64).data)
        self._size += len(hashes)
        return start

    def read(self, start: int, n: int) -> np.ndarray:
        self._file.seek(start * 8)
        return np.frombuffer(self._file.read(n * 8), dtype=np.uint64)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> FileShingles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ShingleSets:
    """A document's set of shingle hashes (sorted, unique) by its position: read from ``store`` (document
    ``i`` holds ``n[i]`` hashes from ``start[i]``), the most recently used kept up to ``limit`` bytes."""

    def __init__(self, store: ShingleStore, start: np.ndarray, n: np.ndarray, limit: int = CACHE_BYTES):
        self.store, self.start, self.n, self.limit = store, start, n, limit
        self._sets: OrderedDict[int, np.ndarray] = OrderedDict()
        self._size = 0

    def __call__(self, i: int) -> np.ndarray:
        got = self._sets.get(i)
        if got is not None:
            self._sets.move_to_end(i)
            return got
        got = np.unique(self.store.read(int(self.start[i]), int(self.n[i])))
        self._sets[i] = got
        self._size += got.nbytes
        while self._size > self.limit and len(self._sets) > 1:
            self._size -= self._sets.popitem(last=False)[1].nbytes
        return got
