"""Tests of log_odds_dirichlet, keyness and bh_qvalues (framing.stats.keyness)
against independent computations (hand formulas, scipy)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, false_discovery_control

from framing.errors import FramingError
from framing.stats import (
    bh_qvalues,
    keyness,
    log_odds_dirichlet,
)

# strategies: small term-count dictionaries over a fixed vocabulary
TERMS = ["t0", "t1", "t2", "t3", "t4", "t5"]
count_maps = st.dictionaries(st.sampled_from(TERMS), st.integers(0, 200), min_size=1).filter(
    lambda d: sum(d.values()) > 0)



# --------------------------------------------------------------------------- log-odds


def _hand_log_odds(yi, yj, a, a0, ni, nj):
    d = math.log((yi + a) / (ni + a0 - yi - a)) - math.log((yj + a) / (nj + a0 - yj - a))
    v = 1 / (yi + a) + 1 / (yj + a)
    return d, v, d / math.sqrt(v)


def test_log_odds_scalar_prior_matches_hand_computation():
    i = pd.Series({"militia": 3, "army": 1})
    j = pd.Series({"militia": 1, "army": 5, "rebels": 2})
    res = log_odds_dirichlet(i, j, prior=0.5)
    # vocabulary: army, militia, rebels -> a0 = 1.5; n_i = 4, n_j = 8
    d, v, z = _hand_log_odds(3, 1, 0.5, 1.5, 4, 8)
    assert res.loc["militia", "delta"] == pytest.approx(d)
    assert res.loc["militia", "var"] == pytest.approx(v)
    assert res.loc["militia", "z"] == pytest.approx(z)
    d, v, z = _hand_log_odds(0, 2, 0.5, 1.5, 4, 8)  # missing on side i counts as 0
    assert res.loc["rebels", "delta"] == pytest.approx(d)
    assert res.loc["rebels", "z"] == pytest.approx(z)
    assert res.loc["rebels", "count_i"] == 0
    assert list(res.columns[:2]) == ["count_i", "count_j"]


def test_log_odds_default_prior_is_pooled_counts_times_scale():
    i = pd.Series({"a": 6, "b": 2})
    j = pd.Series({"a": 1, "b": 7})
    res = log_odds_dirichlet(i, j, prior_scale=0.5)
    # a_w = 0.5 * pooled: a -> 3.5, b -> 4.5 ; a0 = 8
    d, v, z = _hand_log_odds(6, 1, 3.5, 8.0, 8, 8)
    assert res.loc["a", "alpha"] == pytest.approx(3.5)
    assert res.loc["a", "delta"] == pytest.approx(d)
    assert res.loc["a", "z"] == pytest.approx(z)


def test_log_odds_series_prior_background_terms_count_in_alpha0():
    i = pd.Series({"a": 4, "b": 1})
    j = pd.Series({"a": 2, "b": 3})
    prior = pd.Series({"a": 10.0, "b": 10.0, "c": 20.0})  # "c" only in the background
    res = log_odds_dirichlet(i, j, prior=prior, prior_scale=0.1)
    assert list(res.index) == ["a", "b"]
    d, _, z = _hand_log_odds(4, 2, 1.0, 4.0, 5, 5)
    assert res.loc["a", "delta"] == pytest.approx(d)
    assert res.loc["a", "z"] == pytest.approx(z)


def test_log_odds_direction_and_totals():
    i = pd.Series({"militia": 30, "forces": 10, "army": 60})
    j = pd.Series({"militia": 5, "forces": 40, "army": 55})
    res = log_odds_dirichlet(i, j)
    assert res.loc["militia", "z"] > 2 and res.loc["forces", "z"] < -2
    big = log_odds_dirichlet(i, j, total_i=1000, total_j=1000)
    d, _, _ = _hand_log_odds(30, 5, 35, 200, 1000, 1000)
    assert big.loc["militia", "delta"] == pytest.approx(d)


@settings(max_examples=60, deadline=None)
@given(count_maps, count_maps, st.sampled_from([None, 0.3, 2.0]))
def test_log_odds_swapping_groups_negates_delta_and_z(ci, cj, prior):
    a = log_odds_dirichlet(pd.Series(ci), pd.Series(cj), prior=prior)
    b = log_odds_dirichlet(pd.Series(cj), pd.Series(ci), prior=prior)
    np.testing.assert_allclose(a["delta"], -b["delta"], atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(a["z"], -b["z"], atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(a["var"], b["var"], equal_nan=True)


def test_log_odds_rejects_bad_input():
    with pytest.raises(FramingError, match="counts_i: expected finite counts >= 0, got -1 at term 'x'"):
        log_odds_dirichlet(pd.Series({"x": -1, "y": 2}), pd.Series({"x": 1}))
    with pytest.raises(FramingError, match="appears more than once"):
        log_odds_dirichlet(pd.Series([1, 2], index=["x", "x"]), pd.Series({"x": 1}))
    with pytest.raises(FramingError, match="counts_j: all counts are 0"):
        log_odds_dirichlet(pd.Series({"x": 1}), pd.Series({"x": 0}))
    with pytest.raises(FramingError, match="expected a pandas Series"):
        log_odds_dirichlet([1, 2], pd.Series({"x": 1}))
    with pytest.raises(FramingError, match="total_i: expected at least"):
        log_odds_dirichlet(pd.Series({"x": 5}), pd.Series({"x": 1}), total_i=3)
    with pytest.raises(FramingError, match="got nan at term 'y'; fill missing counts with 0"):
        log_odds_dirichlet(pd.Series({"x": 1, "y": pd.NA}, dtype="Int64"), pd.Series({"x": 1}))
    with pytest.raises(FramingError, match="not numbers"):
        keyness(pd.Series({"x": "many"}), pd.Series({"x": 1}))
    with pytest.raises(FramingError, match="prior_scale"):
        log_odds_dirichlet(pd.Series({"x": 5}), pd.Series({"x": 1}), prior_scale=0)


# --------------------------------------------------------------------------- keyness


TARGET = pd.Series({"militia": 40, "army": 60, "forces": 0, "rebels": 12, "state": 3})
REFERENCE = pd.Series({"militia": 10, "army": 90, "forces": 25, "rebels": 11})


def _table(a, b, nt, nr):
    return np.array([[a, b], [nt - a, nr - b]], dtype=float)


def test_keyness_matches_chi2_contingency():
    res = keyness(TARGET, REFERENCE)
    yates = keyness(TARGET, REFERENCE, yates=True)
    nt, nr = TARGET.sum(), REFERENCE.sum()
    for term in res.index:
        a, b = TARGET.get(term, 0), REFERENCE.get(term, 0)
        table = _table(a, b, nt, nr)
        g2, p, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
        x2, _, _, _ = chi2_contingency(table, correction=False)
        x2y, _, _, _ = chi2_contingency(table, correction=True)
        assert res.loc[term, "g2"] == pytest.approx(g2, rel=1e-9)
        assert res.loc[term, "p"] == pytest.approx(p, rel=1e-7)
        assert res.loc[term, "chi2"] == pytest.approx(x2, rel=1e-9)
        assert yates.loc[term, "chi2"] == pytest.approx(x2y, rel=1e-9)
        assert yates.loc[term, "g2"] == pytest.approx(g2, rel=1e-9)  # Yates touches chi2 only


def test_keyness_williams_and_totals():
    res = keyness(TARGET, REFERENCE, williams=True, total_target=5000, total_reference=8000)
    a, b = 40, 10
    table = _table(a, b, 5000, 8000)
    g2, _, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    n = table.sum()
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    q = 1 + (n / rows[0] + n / rows[1] - 1) * (n / cols[0] + n / cols[1] - 1) / (6 * n)
    assert res.loc["militia", "g2"] == pytest.approx(g2 / q, rel=1e-9)
    assert res.loc["militia", "rel_target"] == pytest.approx(40 / 5000)


def test_keyness_log_ratio_direction_and_q():
    res = keyness(TARGET, REFERENCE)
    nt, nr = TARGET.sum(), REFERENCE.sum()
    assert res.loc["militia", "log_ratio"] == pytest.approx(math.log2((40 / nt) / (10 / nr)))
    # zero count replaced by 0.5 (Hardie's adjustment)
    assert res.loc["forces", "log_ratio"] == pytest.approx(math.log2((0.5 / nt) / (25 / nr)))
    assert res.loc["state", "log_ratio"] == pytest.approx(math.log2((3 / nt) / (0.5 / nr)))
    assert res.loc["militia", "direction"] == 1 and res.loc["forces", "direction"] == -1
    assert res.loc["forces", "signed_g2"] == pytest.approx(-res.loc["forces", "g2"])
    np.testing.assert_allclose(res["q"], false_discovery_control(res["p"].to_numpy()))


def test_keyness_term_absent_everywhere_is_nan():
    res = keyness(pd.Series({"a": 3, "b": 0}), pd.Series({"a": 2}))
    assert np.isnan(res.loc["b", ["g2", "chi2", "log_ratio", "p", "q"]].astype(float)).all()
    assert res.loc["a", "q"] == pytest.approx(res.loc["a", "p"])  # one test only


@settings(max_examples=60, deadline=None)
@given(count_maps, count_maps, st.booleans())
def test_keyness_statistics_nonnegative(ct, cr, williams):
    res = keyness(pd.Series(ct), pd.Series(cr), williams=williams)
    seen = (res["count_target"] + res["count_reference"]) > 0
    assert (res.loc[seen, "g2"] >= 0).all() and (res.loc[seen, "chi2"] >= 0).all()
    assert res.loc[seen, "p"].between(0, 1).all()
    assert (res.loc[seen, "q"] >= res.loc[seen, "p"] - 1e-12).all()
    rel_t = res["count_target"] / res["count_target"].sum()
    rel_r = res["count_reference"] / res["count_reference"].sum()
    over = rel_t > rel_r + 1e-12
    assert (res.loc[over, "direction"] == 1).all()


# --------------------------------------------------------------------------- q-values


def test_bh_matches_scipy_and_keeps_nan():
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=40), rng.uniform(0, 0.01, size=10)])
    np.testing.assert_allclose(bh_qvalues(p), false_discovery_control(p))
    with_nan = p.copy()
    with_nan[[2, 17]] = np.nan
    q = bh_qvalues(with_nan)
    assert np.isnan(q[[2, 17]]).all()
    ok = ~np.isnan(with_nan)
    np.testing.assert_allclose(q[ok], false_discovery_control(with_nan[ok]))


def test_bh_series_and_shape():
    s = pd.Series([0.01, 0.5, 0.02], index=["x", "y", "z"])
    q = bh_qvalues(s)
    assert isinstance(q, pd.Series) and list(q.index) == ["x", "y", "z"]
    assert bh_qvalues(np.full((2, 2), 0.2)).shape == (2, 2)
    assert bh_qvalues([]).size == 0
    with pytest.raises(FramingError, match="between 0 and 1"):
        bh_qvalues([0.2, 1.5])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_bh_property_matches_scipy(p):
    np.testing.assert_allclose(bh_qvalues(p), false_discovery_control(np.array(p)), atol=1e-12)
