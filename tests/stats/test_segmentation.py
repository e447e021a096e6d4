"""Tests of binomial_segmentation and multinomial_segmentation (framing.stats.segmentation)
against independent computations (hand formulas, scipy)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from framing.errors import FramingError
from framing.stats import (
    binomial_segmentation,
    multinomial_segmentation,
)

# --------------------------------------------------------------------------- segmentation


def test_binomial_segmentation_finds_planted_switch():
    rng = np.random.default_rng(8)
    n = rng.integers(80, 200, size=60)
    rate = np.where(np.arange(60) < 37, 0.25, 0.45)
    k = rng.binomial(n, rate)
    res = binomial_segmentation(k, n)
    assert res.attrs["change_points"] == [37]
    assert list(res["start"]) == [0, 37] and list(res["stop"]) == [37, 60]
    r0, r1 = k[:37].sum() / n[:37].sum(), k[37:].sum() / n[37:].sum()
    assert list(res["rate"]) == pytest.approx([r0, r1])
    assert res.loc[1, "change"] == pytest.approx(r1 - r0)
    # likelihood-ratio statistic from scipy's G-test on the 2x2 table (before/after x k/n-k)
    table = [[k[:37].sum(), n[:37].sum() - k[:37].sum()], [k[37:].sum(), n[37:].sum() - k[37:].sum()]]
    g2, _, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert res.loc[1, "lr"] == pytest.approx(g2)


def test_binomial_segmentation_flat_series_has_no_change():
    rng = np.random.default_rng(9)
    for _ in range(5):
        n = rng.integers(50, 300, size=80)
        res = binomial_segmentation(rng.binomial(n, 0.3), n)
        assert len(res) == 1 and res.attrs["change_points"] == []
        assert np.isnan(res.loc[0, "change"]) and res.loc[0, "n_periods"] == 80


def test_binomial_segmentation_empty_periods_and_labels():
    k = np.array([2, 3, 2, 0, 0, 9, 8, 9, 8])
    n = np.array([10, 10, 10, 0, 0, 10, 10, 10, 10])
    dates = pd.period_range("2015-01", periods=9, freq="M")
    res = binomial_segmentation(pd.Series(k, index=dates), pd.Series(n, index=dates), min_size=2)
    # the empty months carry no information and stay with the segment before them
    assert res.attrs["change_points"] == [5]
    assert list(res["stop"]) == [5, 9] and list(res["k"]) == [7, 34]
    assert res.loc[1, "first"] == dates[5] and res.loc[0, "last"] == dates[4]
    dropped = binomial_segmentation(k[n > 0], n[n > 0], min_size=2)
    assert list(dropped["rate"]) == pytest.approx(list(res["rate"]))
    all_empty = binomial_segmentation([0, 0], [0, 0])
    assert len(all_empty) == 1 and np.isnan(all_empty.loc[0, "rate"])


def _brute_force(C, max_changes, min_size, beta):
    """Best penalised log-likelihood over all segmentations, by enumeration.

    A single segment is always allowed, even when shorter than ``min_size``.
    """
    def ll(block):
        tot = block.sum(axis=0)
        n = tot.sum()
        return sum(c * math.log(c / n) for c in tot if c > 0)

    T = len(C)
    best = -math.inf
    for m in range(max_changes + 1):
        for cuts in itertools.combinations(range(1, T), m):
            bounds = [0, *cuts, T]
            if m > 0 and any(b - a < min_size for a, b in zip(bounds, bounds[1:])):
                continue
            score = sum(ll(C[a:b]) for a, b in zip(bounds, bounds[1:])) - beta * m
            best = max(best, score)
    return best


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)).filter(
    lambda r: sum(r) > 0), min_size=2, max_size=9), st.integers(0, 3), st.integers(1, 3),
    st.sampled_from([0.0, 1.5, 4.0]))
def test_segmentation_is_optimal_against_enumeration(rows, max_changes, min_size, beta):
    C = np.array(rows, dtype=float)
    res = multinomial_segmentation(C, max_changes=max_changes, min_size=min_size, penalty=beta)
    bounds = [0, *res.attrs["change_points"], len(C)]
    assert all(b - a >= min_size for a, b in zip(bounds, bounds[1:])) or len(bounds) == 2
    assert len(bounds) - 2 <= max_changes
    got = 0.0
    for a, b in zip(bounds, bounds[1:]):
        tot = C[a:b].sum(axis=0)
        got += sum(c * math.log(c / tot.sum()) for c in tot if c > 0)
    got -= beta * (len(bounds) - 2)
    assert got == pytest.approx(_brute_force(C, max_changes, min_size, beta), abs=1e-8)


def test_multinomial_segmentation_planted_stance_switch():
    rng = np.random.default_rng(12)
    before, after = [0.6, 0.3, 0.1], [0.2, 0.3, 0.5]
    n = rng.integers(30, 80, size=50)
    rows = [rng.multinomial(m, before if t < 20 else after) for t, m in enumerate(n)]
    table = pd.DataFrame(rows, columns=["delegitimizing", "neutral", "legitimizing"])
    res = multinomial_segmentation(table)
    assert res.attrs["change_points"] == [20]
    assert res.loc[1, "change:legitimizing"] > 0.25 and res.loc[1, "change:delegitimizing"] < -0.25
    shares = table.iloc[20:].sum() / table.iloc[20:].to_numpy().sum()
    assert res.loc[1, "share:neutral"] == pytest.approx(shares["neutral"])
    assert multinomial_segmentation(table, max_changes=0).shape[0] == 1


def test_segmentation_rejects_bad_input():
    with pytest.raises(FramingError, match="k <= n"):
        binomial_segmentation([3, 1], [2, 2])
    with pytest.raises(FramingError, match="same length"):
        binomial_segmentation([1, 1], [2, 2, 2])
    with pytest.raises(FramingError, match="penalty"):
        binomial_segmentation([1, 1], [2, 2], penalty="bick")
    with pytest.raises(FramingError, match="min_size"):
        binomial_segmentation([1, 1], [2, 2], min_size=0)
    with pytest.raises(FramingError, match="2-D"):
        multinomial_segmentation([1, 2, 3])
    with pytest.raises(FramingError, match="at least one period"):
        binomial_segmentation([], [])
