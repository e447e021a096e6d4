"""Sorting the hits of a batch (:func:`framing.lexicon.resolve.split_batch`) by several integer keys at once.

>>> lexsort_packed(np.array([2, 1, 2]), np.array([0, 0, -1])).tolist()
[2, 1, 0]
>>> first_of_runs(np.array([1, 1, 2, 2, 2])).tolist()
[True, False, True, False, False]
"""

from __future__ import annotations

import numpy as np

__all__ = ["first_of_runs", "lexsort_packed"]


def lexsort_packed(*keys: np.ndarray) -> np.ndarray:
    """``np.lexsort(keys)`` (integer keys; the last one sorts first), as one stable argsort of the keys
    packed into one int64 when their ranges allow it (a few times faster), else by lexsort itself."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.intp)
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    scale = 1  # the product of the ranges of the keys packed so far
    for key in keys:
        low, high = int(key.min()), int(key.max())
        if scale * (high - low + 1) >= 1 << 62:
            return np.lexsort(keys)
        packed += (key - low) * scale
        scale *= high - low + 1
    return np.argsort(packed, kind="stable")


def first_of_runs(*columns: np.ndarray) -> np.ndarray:
    """Where a run of equal rows (over ``columns``, sorted) starts."""
    n = len(columns[0])
    keep = np.ones(n, dtype=bool)
    if n:
        keep[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in columns])
    return keep
