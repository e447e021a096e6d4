"""Tests of js_divergence, js_distance_matrix and cluster_order (framing.stats.divergence)
against independent computations (hand formulas, scipy)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon

from framing.errors import FramingError
from framing.stats import (
    cluster_order,
    js_distance_matrix,
    js_divergence,
)

# strategies: small term-count dictionaries over a fixed vocabulary
TERMS = ["t0", "t1", "t2", "t3", "t4", "t5"]
count_maps = st.dictionaries(st.sampled_from(TERMS), st.integers(0, 200), min_size=1).filter(
    lambda d: sum(d.values()) > 0)



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
