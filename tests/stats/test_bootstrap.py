"""Tests of bootstrap_shares and bootstrap_index (framing.stats.bootstrap)
against independent computations (hand formulas, scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.errors import FramingError
from framing.stats import (
    bootstrap_index,
    bootstrap_shares,
    wilson_interval,
)

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
