"""Argument checks and small helpers shared by the statistics modules (internal to :mod:`framing.stats`).

Public names so that :mod:`framing.stats.intervals`, :mod:`~framing.stats.keyness`,
:mod:`~framing.stats.divergence`, :mod:`~framing.stats.bootstrap`, :mod:`~framing.stats.segmentation`
and :mod:`~framing.stats.shares` check their arguments with the same words; not part of the
package's API (``framing.stats`` does not re-export them).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from framing.errors import FramingError

__all__ = ["check_values", "as_counts", "check_ci", "check_positive_int", "check_seed", "quantiles", "as_matrix",
           "long_table"]


def check_values(values: np.ndarray, name: str, labels=None) -> np.ndarray:
    """Return ``values`` as float; raise if any is NaN, infinite or negative."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FramingError(f"{name}: expected numeric counts, got values that are not numbers ({exc}); "
                           "convert the column with pd.to_numeric first") from None
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        pos = np.argwhere(bad)[0]
        where: object = tuple(int(p) for p in pos) if arr.ndim > 1 else int(pos[0])
        if labels is not None and arr.ndim == 1:
            where = f"term {labels[int(pos[0])]!r}"
        raise FramingError(f"{name}: expected finite counts >= 0, got {float(arr[tuple(pos)]):g} at {where}; "
                           "fill missing counts with 0 and remove negative values")
    return arr


def as_counts(x, name: str) -> pd.Series:
    """Coerce a Series or mapping term -> count into a float Series with a unique index."""
    if isinstance(x, pd.Series):
        s = x
    elif isinstance(x, Mapping):
        s = pd.Series(dict(x), dtype=float)
    else:
        raise FramingError(f"{name}: expected a pandas Series (or dict) of counts indexed by term, "
                           f"got {type(x).__name__}")
    if not s.index.is_unique:
        dup = s.index[s.index.duplicated()][0]
        raise FramingError(f"{name}: term {dup!r} appears more than once in the index; "
                           "aggregate first, e.g. counts.groupby(level=0).sum()")
    try:
        values = s.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        values = s.to_numpy()  # let check_values report the non-numeric value
    return pd.Series(check_values(values, name, s.index), index=s.index, name=s.name)


def check_ci(ci: float) -> float:
    if not (isinstance(ci, (int, float)) and 0 < ci < 1):
        raise FramingError(f"ci: expected a coverage level strictly between 0 and 1 (e.g. 0.95), got {ci!r}")
    return float(ci)


def check_positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise FramingError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def check_seed(seed) -> int | None:
    """``seed`` of a random draw: None (fresh randomness) or a whole number >= 0 (numpy refuses others)."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise FramingError(f"seed: expected a whole number >= 0 (or None for fresh randomness), got {seed!r}")
    return None if seed is None else int(seed)


def quantiles(draws: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval along axis 0, ignoring NaN replicates."""
    qs = [0.5 - ci / 2.0, 0.5 + ci / 2.0]
    if not np.isnan(draws).any():
        lo, hi = np.quantile(draws, qs, axis=0)
        return lo, hi
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanquantile(draws, qs, axis=0)
    return lo, hi


def as_matrix(x, name: str):
    """A 2-D count array plus row and column labels."""
    if isinstance(x, pd.DataFrame):
        return check_values(x.to_numpy(), name), list(x.index), list(x.columns)
    arr = check_values(x, name)
    if arr.ndim != 2:
        raise FramingError(f"{name}: expected a 2-D table (rows x categories), got {arr.ndim} dimension(s)")
    return arr, list(range(arr.shape[0])), list(range(arr.shape[1]))


def long_table(groups, cats, columns: dict) -> pd.DataFrame:
    g, k = len(groups), len(cats)
    data = {"group": np.repeat(np.asarray(groups, dtype=object), k),
            "category": np.tile(np.asarray(cats, dtype=object), g)}
    data.update({name: np.asarray(v).reshape(g * k) for name, v in columns.items()})
    return pd.DataFrame(data)
