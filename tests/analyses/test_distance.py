"""Tests for framing.analyses.distance: Jensen-Shannon distances between outlets' label distributions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.analyses.distance import label_counts, outlet_distance
from framing.errors import FramingError
from framing.features.extract import extract_features, extract_matches
from framing.features.terms import term_counts

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

FEATURES = pd.DataFrame({
    "doc_id": list("abcdefg"),
    "outlet": ["P", "P", "Q", "Q", "R", "S", "S"],
    "label:east:delegitimizing": [3, 1, 0, 1, 2, 0, 0],
    "label:east:neutral": [1, 0, 4, 2, 2, 1, 0],
    "label:east:legitimizing": [0, 0, 1, 0, 0, 3, 2],
    "label:west:delegitimizing": [0, 0, 2, 1, 1, 0, 0],
    "label:west:neutral": [2, 2, 1, 0, 1, 0, 1],
})


@pytest.fixture(scope="module")
def demo():
    from framing.corpus.reader import read_corpus

    return read_corpus(DEMO / "corpus.jsonl")


def test_jsd_matrix_against_scipy():
    from scipy.spatial.distance import jensenshannon

    d = outlet_distance(FEATURES)
    sums = FEATURES.drop(columns="doc_id").groupby("outlet").sum()
    for x in "PQRS":
        for y in "PQRS":
            assert d.loc[x, y] == pytest.approx(jensenshannon(sums.loc[x], sums.loc[y], base=2), abs=1e-12)
    east = outlet_distance(FEATURES, referent="east")
    cols = ["label:east:delegitimizing", "label:east:neutral", "label:east:legitimizing"]
    assert east.loc["P", "S"] == pytest.approx(jensenshannon(sums.loc["P", cols], sums.loc["S", cols], base=2))
    assert east.attrs["cells"] == ["delegitimizing", "neutral", "legitimizing"]


def test_distance_order_and_linkage_attrs():
    from scipy.cluster.hierarchy import leaves_list

    d = outlet_distance(FEATURES)
    assert list(d.index) == list(d.columns) == d.attrs["order"]
    json.dumps(d.attrs)  # plain lists, numbers and strings
    Z = np.array(d.attrs["linkage"])
    assert Z.shape == (3, 4)
    assert [d.index[i] for i in leaves_list(Z)] == d.attrs["order"]
    np.testing.assert_allclose(d.to_numpy(), d.to_numpy().T)


def test_label_counts_is_a_named_result():
    result = label_counts(FEATURES)
    table, outlets = result  # still unpacks
    assert result.table is table and result.outlets == outlets == ["P", "Q", "R", "S"]
    assert list(table.columns) == ["outlet", "referent", "stance", "count"]
    assert table["count"].sum() == FEATURES.filter(like="label:").to_numpy().sum()


def test_distance_from_matches_and_counts_agree_with_features(demo):
    corpus = demo.iloc[:600]
    f = extract_features(corpus, "libya")
    m = extract_matches(corpus, "libya")
    by_features = outlet_distance(f, referent="gna")
    pd.testing.assert_frame_equal(outlet_distance(m, referent="gna"), by_features)
    pd.testing.assert_frame_equal(outlet_distance(term_counts(m), referent="gna"), by_features)
    own = outlet_distance(extract_features(corpus, "libya", voice="own"))
    pd.testing.assert_frame_equal(outlet_distance(m, voice="own"), own)


def test_distance_errors_and_empty_outlets():
    with pytest.raises(FramingError, match="referent"):
        outlet_distance(FEATURES, referent="north")
    with pytest.raises(FramingError, match="at least two"):
        outlet_distance(FEATURES[FEATURES["outlet"] == "P"])
    with pytest.raises(FramingError, match="voice: expected one of"):
        outlet_distance(FEATURES, voice="mine")
    with pytest.raises(FramingError, match="no label"):
        outlet_distance(pd.DataFrame({"outlet": ["P", "Q"], "cat:army": [1, 2]}))
    with pytest.raises(FramingError, match="'referent' and 'stance'"):
        outlet_distance(pd.DataFrame({"outlet": ["P", "Q"], "term": ["x", "y"], "count": [1, 2]}))
    with pytest.raises(FramingError, match="voice= cannot be applied to counts"):
        outlet_distance(pd.DataFrame({"outlet": ["P", "Q"], "referent": ["r", "r"], "stance": ["neutral"] * 2,
                                      "count": [1, 2]}), voice="own")
    with pytest.raises(FramingError, match="expected a features table"):
        outlet_distance(pd.DataFrame({"outlet": ["P"]}))
    tagged = FEATURES.copy()
    tagged.attrs["voice"] = "all"
    with pytest.raises(FramingError, match="voice"):
        outlet_distance(tagged, voice="own")
    silent = FEATURES.copy()
    silent.loc[len(silent)] = ["h", "T", 0, 0, 0, 0, 0]
    with pytest.warns(UserWarning, match="'T'"):
        d = outlet_distance(silent)
    assert "T" not in d.index and d.attrs["empty"] == ["T"]


def test_demo_switching_outlet_moves_between_camps(demo):
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    switch = truth["switch"]
    f = extract_features(demo[demo["wire_group"].isna()], "libya", voice="own")
    after = f["date"] >= pd.Timestamp(switch["month"] + "-01")
    unit = f["outlet"].where(f["outlet"] != switch["outlet"], np.where(after, "switch:after", "switch:before"))
    d = outlet_distance(f.assign(unit=unit), referent=switch["referent"], by="unit")
    # the outlets whose house style delegitimizes the referent most (mean of first and last month)
    probs = truth["stance_probs"]
    deleg = {o: np.mean([v[0] for v in probs[o][switch["referent"]].values()]) for o in probs
             if o != switch["outlet"]}
    harsh = sorted(deleg, key=deleg.get)[-2:]
    mild = sorted(deleg, key=deleg.get)[:-2]
    row_after = d.loc["switch:after"].drop("switch:after")
    row_before = d.loc["switch:before"].drop("switch:before")
    assert row_after.idxmin() in harsh  # after the switch it writes like the harsh outlets
    assert row_before.idxmin() in mild  # before it, like one of the others
    assert d.loc["switch:before", "switch:after"] > max(row_after.min(), row_before.min())
