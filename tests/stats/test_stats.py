"""Tests of the statistics of framing.stats (keyness, distance, intervals, bootstrap, segmentation) against independent computations (hand formulas, scipy)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import beta as beta_dist
from scipy.stats import chi2_contingency, false_discovery_control

from framing.errors import FramingError
from framing.stats import (
    binomial_segmentation,
    bh_qvalues,
    bootstrap_index,
    bootstrap_shares,
    cluster_order,
    dirichlet_interval,
    js_distance_matrix,
    js_divergence,
    keyness,
    log_odds_dirichlet,
    multinomial_segmentation,
    wilson_interval,
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


# --------------------------------------------------------------------------- Jensen-Shannon


def test_js_divergence_matches_scipy():
    rng = np.random.default_rng(5)
    for _ in range(20):
        p, q = rng.integers(0, 30, size=(2, 6))
        p[0] += 1
        q[1] += 1
        assert js_divergence(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2, abs=1e-12)
        assert js_divergence(p, q, base=math.e) == pytest.approx(jensenshannon(p, q) ** 2, abs=1e-12)
    assert np.isnan(js_divergence([0, 0], [1, 2]))
    with pytest.raises(FramingError, match="same length"):
        js_divergence([1, 2], [1, 2, 3])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=8).filter(
    lambda rows: sum(a for a, _ in rows) > 0 and sum(b for _, b in rows) > 0))
def test_js_divergence_symmetric_and_bounded(rows):
    p = [a for a, _ in rows]
    q = [b for _, b in rows]
    d = js_divergence(p, q)
    assert 0 <= d <= 1 + 1e-12
    assert d == pytest.approx(js_divergence(q, p), abs=1e-12)


def test_js_distance_matrix_matches_scipy_pairwise():
    table = pd.DataFrame(np.random.default_rng(7).integers(0, 50, size=(5, 4)),
                         index=[f"outlet{i}" for i in range(5)], columns=list("abcd"))
    table.iloc[0, 0] += 1
    dm = js_distance_matrix(table)
    assert list(dm.index) == list(dm.columns) == list(table.index)
    for i, j in itertools.product(range(5), repeat=2):
        expected = 0.0 if i == j else jensenshannon(table.iloc[i], table.iloc[j], base=2)
        assert dm.iloc[i, j] == pytest.approx(expected, abs=1e-9)


def test_js_distance_matrix_zero_row_is_nan_and_cluster_order_refuses_it():
    table = pd.DataFrame({"a": [3, 0, 1], "b": [1, 0, 4]}, index=["x", "empty", "z"])
    dm = js_distance_matrix(table)
    assert dm.loc["empty"].isna().all() and dm["empty"].isna().all()
    assert dm.loc["x", "z"] > 0
    with pytest.raises(FramingError, match="NaN distances.*empty"):
        cluster_order(dm)


def test_cluster_order_keeps_planted_clusters_together():
    rng = np.random.default_rng(11)
    profiles = {"A": [0.7, 0.2, 0.1], "B": [0.1, 0.2, 0.7]}
    rows, labels = [], []
    for i in range(8):  # interleave the two families in the input order
        fam = "AB"[i % 2]
        rows.append(rng.multinomial(2000, profiles[fam]))
        labels.append(f"{fam}{i}")
    order = cluster_order(js_distance_matrix(pd.DataFrame(rows, index=labels)))
    assert sorted(order) == sorted(labels)
    families = [lab[0] for lab in order]
    assert families.index("B") == 4 or families.index("A") == 4  # one block, then the other
    assert families[:4] == [families[0]] * 4


def test_cluster_order_small_and_invalid():
    d = pd.DataFrame([[0.0, 0.3], [0.3, 0.0]], index=["p", "q"], columns=["p", "q"])
    assert cluster_order(d) == ["p", "q"]
    with pytest.raises(FramingError, match="square"):
        cluster_order(pd.DataFrame([[0.0, 1.0]]))
    with pytest.raises(FramingError, match="symmetric"):
        cluster_order(pd.DataFrame([[0, 1, 2], [1, 0, 1], [5, 1, 0]], dtype=float))


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


# --------------------------------------------------------------------------- bootstraps


def _simulate_docs(rng, shares, n_groups, docs_per_group, concentration=4.0):
    """Documents whose own category shares vary around the group's true shares."""
    n_docs = n_groups * docs_per_group
    lengths = rng.poisson(4, size=n_docs) + 1
    doc_shares = rng.dirichlet(concentration * np.asarray(shares), size=n_docs)
    counts = rng.multinomial(lengths, doc_shares)
    groups = np.repeat(np.arange(n_groups), docs_per_group)
    return counts, groups


def test_bootstrap_shares_coverage_of_known_shares():
    truth = np.array([0.5, 0.3, 0.2])
    counts, groups = _simulate_docs(np.random.default_rng(2024), truth, n_groups=200, docs_per_group=100)
    res = bootstrap_shares(counts, groups, n_boot=1000, seed=1)
    assert len(res) == 600
    for c in range(3):
        sub = res[res.category == c]
        covered = ((sub["lo"] <= truth[c]) & (truth[c] <= sub["hi"])).mean()
        assert 0.90 <= covered <= 0.99, (c, covered)


def test_bootstrap_index_coverage_of_known_index():
    truth_shares = np.array([0.3, 0.5, 0.2])  # delegitimizing, neutral, legitimizing
    counts, groups = _simulate_docs(np.random.default_rng(99), truth_shares, n_groups=200, docs_per_group=100)
    res = bootstrap_index(counts, groups, [-1, 0, 1], n_boot=1000, seed=2)
    truth = truth_shares[2] - truth_shares[0]
    covered = ((res["lo"] <= truth) & (truth <= res["hi"])).mean()
    assert 0.90 <= covered <= 0.99


def test_bootstrap_resamples_documents_not_mentions():
    # each article uses one label exclusively and many times: mentions are clustered,
    # so the document-level interval must be much wider than a mention-level Wilson one
    counts = np.array([[10, 0]] * 10 + [[0, 10]] * 10)
    res = bootstrap_shares(counts, ["g"] * 20, n_boot=2000, seed=3)
    row = res[res.category == 0].iloc[0]
    wil = wilson_interval(100, 200).iloc[0]
    assert row["share"] == pytest.approx(0.5)
    assert (row["hi"] - row["lo"]) > 2 * (wil["hi"] - wil["lo"])


def test_bootstrap_observed_values_empty_groups_and_seed():
    X = pd.DataFrame({"deleg": [2, 1, 0, 0, 5], "neutral": [0, 1, 0, 0, 1], "legit": [0, 2, 0, 0, 0]})
    groups = pd.Categorical(["a", "a", "zeros", "zeros", "b"], categories=["a", "b", "nobody", "zeros"])
    res = bootstrap_shares(X, groups, n_boot=300, seed=0)
    assert list(res["group"].unique()) == ["a", "b", "nobody", "zeros"]
    a = res[res.group == "a"].set_index("category")
    assert a.loc["deleg", "share"] == pytest.approx(3 / 6) and a.loc["legit", "count"] == 2
    assert (a["n_docs"] == 2).all() and (a["total"] == 6).all()
    for g in ["nobody", "zeros"]:
        assert res[res.group == g][["share", "lo", "hi"]].isna().all().all()
    assert (res[res.group == "nobody"]["n_docs"] == 0).all()
    ok = res.dropna()
    assert ((ok["lo"] <= ok["share"] + 1e-12) & (ok["share"] <= ok["hi"] + 1e-12)).all()
    again = bootstrap_shares(X, groups, n_boot=300, seed=0)
    pd.testing.assert_frame_equal(res, again)
    idx = bootstrap_index(X, groups, [-1, 0, 1], n_boot=300, levels=["b", "a", "nobody", "zeros"])
    assert idx.set_index("group").loc["a", "index"] == pytest.approx((2 - 3) / 6)
    assert np.isnan(idx.set_index("group").loc["nobody", "index"])


def test_bootstrap_large_input_runs_vectorised():
    rng = np.random.default_rng(0)
    X = rng.poisson(2, size=(3000, 3))
    res = bootstrap_shares(X, rng.integers(0, 100, size=3000), n_boot=1000, seed=0)
    assert len(res) == 300 and res["lo"].notna().all()


def test_bootstrap_rejects_bad_input():
    X = np.ones((3, 2))
    with pytest.raises(FramingError, match="one label per document"):
        bootstrap_shares(X, ["a", "b"])
    with pytest.raises(FramingError, match="document 1 has no group label"):
        bootstrap_shares(X, ["a", None, "b"])
    with pytest.raises(FramingError, match="not among levels"):
        bootstrap_shares(X, ["a", "b", "c"], levels=["a", "b"])
    with pytest.raises(FramingError, match="weights: expected 2"):
        bootstrap_index(X, ["a", "a", "b"], [1, 0, 1])
    with pytest.raises(FramingError, match="n_boot"):
        bootstrap_shares(X, ["a", "a", "b"], n_boot=0)


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
    for m in range(0, max_changes + 1):
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
