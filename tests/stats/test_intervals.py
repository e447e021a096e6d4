"""Tests of wilson_interval and dirichlet_interval (framing.stats.intervals)
against independent computations (hand formulas, scipy)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta as beta_dist

from framing.errors import FramingError
from framing.stats import (
    dirichlet_interval,
    wilson_interval,
)

# --------------------------------------------------------------------------- Wilson and Dirichlet


def _hand_wilson(k, n, z):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = (z / (1 + z * z / n)) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_matches_hand_formula():
    k = pd.Series([0, 3, 10, 47], index=list("abcd"))
    n = pd.Series([10, 10, 10, 120], index=list("abcd"))
    for ci, z in [(0.95, 1.959963984540054), (0.9, 1.6448536269514722)]:
        res = wilson_interval(k, n, ci=ci)
        assert list(res.index) == list("abcd")
        for lab in res.index:
            lo, hi = _hand_wilson(k[lab], n[lab], z)
            assert res.loc[lab, "lo"] == pytest.approx(max(lo, 0.0), abs=1e-12)
            assert res.loc[lab, "hi"] == pytest.approx(min(hi, 1.0), abs=1e-12)
            assert res.loc[lab, "share"] == pytest.approx(k[lab] / n[lab])


def test_wilson_zero_trials_and_errors():
    res = wilson_interval([1, 0], [4, 0])
    assert res[["share", "lo", "hi"]].iloc[1].isna().all()
    assert len(wilson_interval(2, 5)) == 1
    with pytest.raises(FramingError, match="k <= n"):
        wilson_interval([5], [3])
    with pytest.raises(FramingError, match="ci"):
        wilson_interval(1, 3, ci=95)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_share(kn):
    k, n = kn
    r = wilson_interval(k, n).iloc[0]
    assert 0 <= r["lo"] <= r["share"] + 1e-12 and r["share"] <= r["hi"] + 1e-12 <= 1 + 1e-12


def test_dirichlet_interval_two_categories_is_beta_posterior():
    counts = pd.DataFrame({"deleg": [7, 40, 0], "legit": [3, 60, 0]}, index=["x", "y", "empty"])
    res = dirichlet_interval(counts, n_draws=40000, seed=1)
    assert list(res.columns) == ["group", "category", "count", "total", "share", "lo", "hi"]
    for outlet in ["x", "y"]:
        a, b = counts.loc[outlet]
        row = res[(res.group == outlet) & (res.category == "deleg")].iloc[0]
        assert row["share"] == pytest.approx(a / (a + b))
        assert row["lo"] == pytest.approx(beta_dist.ppf(0.025, a + 0.5, b + 0.5), abs=0.01)
        assert row["hi"] == pytest.approx(beta_dist.ppf(0.975, a + 0.5, b + 0.5), abs=0.01)
    assert res[res.group == "empty"][["share", "lo", "hi"]].isna().all().all()
