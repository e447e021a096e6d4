"""label_shares and legitimacy_index: hand-counted tables, input kinds, errors, demo calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.errors import FramingError
from framing.stats import wilson_interval
from framing.stats.shares import label_shares, legitimacy_index
from framing.vocabulary import period_start

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
S = ("delegitimizing", "neutral", "legitimizing")


def _features(voice="own"):
    """Five documents, two outlets, two referents; counts chosen for hand arithmetic."""
    df = pd.DataFrame({
        "doc_id": ["d1", "d2", "d3", "d4", "d5"],
        "outlet": ["A", "A", "A", "B", "B"],
        "date": pd.to_datetime(["2020-01-10", "2020-02-03", "2020-04-20", "2020-01-15", "2020-05-01"]),
        "n_tokens": [100, 80, 90, 120, 60],
        "label:haftar_camp:delegitimizing": [3, 0, 1, 0, 0],
        "label:haftar_camp:neutral": [1, 2, 0, 4, 1],
        "label:haftar_camp:legitimizing": [0, 0, 1, 2, 3],
        "label:gna:delegitimizing": [0, 0, 0, 1, 0],
        "label:gna:neutral": [0, 1, 0, 0, 0],
        "label:gna:legitimizing": [0, 0, 0, 0, 0],
    })
    df.attrs["voice"] = voice
    return df


def _matches_from(features, extra_quoted=True):
    """The matches table equivalent to a features table, plus quoted matches that voice='own' drops."""
    rows = []
    for _, doc in features.iterrows():
        for col in features.columns:
            if col.startswith("label:"):
                _, ref, st = col.split(":")
                rows += [(doc.doc_id, doc.outlet, doc.date, "label", ref, st, False)] * int(doc[col])
        if extra_quoted:
            rows.append((doc.doc_id, doc.outlet, doc.date, "label", "haftar_camp", "delegitimizing", True))
        rows.append((doc.doc_id, doc.outlet, doc.date, "category", None, None, False))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "kind", "referent", "stance", "quoted"])


def _row(res, **where):
    mask = np.ones(len(res), dtype=bool)
    for k, v in where.items():
        mask &= (res[k] == v).to_numpy()
    assert mask.sum() == 1, where
    return res[mask].iloc[0]


# --------------------------------------------------------------------------- hand arithmetic


def test_counts_and_shares_by_hand():
    res = label_shares(_features(), method="wilson")
    assert list(res.columns) == ["outlet", "referent", "stance", "n_docs", "count", "total", "share", "lo", "hi"]
    # outlet A, haftar_camp: delegit 3+0+1=4, neutral 1+2+0=3, legit 0+0+1=1 -> total 8
    a = res[(res.outlet == "A") & (res.referent == "haftar_camp")]
    assert a["stance"].tolist() == list(S)
    assert a["count"].tolist() == [4, 3, 1]
    assert a["total"].tolist() == [8, 8, 8]
    assert a["share"].tolist() == [0.5, 0.375, 0.125]
    assert a["n_docs"].tolist() == [3, 3, 3]
    # outlet B, gna: one delegitimizing label in one document of two
    b = res[(res.outlet == "B") & (res.referent == "gna")]
    assert b["count"].tolist() == [1, 0, 0] and b["n_docs"].tolist() == [1, 1, 1]
    w = wilson_interval([4, 3, 1], [8, 8, 8])
    np.testing.assert_allclose(a["lo"], w["lo"])
    np.testing.assert_allclose(a["hi"], w["hi"])


def test_group_without_labels_has_nan_share():
    f = _features()
    f.loc[f.outlet == "A", [c for c in f.columns if c.startswith("label:gna")]] = 0
    res = label_shares(f, referent="gna", method="wilson")
    a = res[res.outlet == "A"]
    assert a["total"].tolist() == [0, 0, 0] and a["share"].isna().all() and a["lo"].isna().all()
    assert a["n_docs"].tolist() == [0, 0, 0]


def test_period_grouping_quarterly():
    res = label_shares(_features(), by=("outlet", "period"), freq="QS", referent="haftar_camp", method="wilson")
    assert list(res.columns[:3]) == ["outlet", "period", "referent"]
    q1 = res[(res.outlet == "A") & (res.period == pd.Timestamp("2020-01-01"))]
    assert q1["count"].tolist() == [3, 3, 0]  # d1 + d2
    q2 = res[(res.outlet == "A") & (res.period == pd.Timestamp("2020-04-01"))]
    assert q2["count"].tolist() == [1, 0, 1]
    assert sorted(res["period"].unique()) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-04-01")]


def test_period_start_matches_date_range():
    dates = pd.Series(pd.to_datetime(["2020-02-29 13:00", "2020-03-01 00:00", "2021-12-31 23:59", None]))
    got = period_start(dates, "QS")
    assert got.iloc[:3].tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-01"),
                                     pd.Timestamp("2021-10-01")]
    assert pd.isna(got.iloc[3])


def test_undated_documents_warned_and_counted():
    f = _features()
    f.loc[0, "date"] = pd.NaT
    with pytest.warns(UserWarning, match="1 of 5 documents have no date"):
        res = label_shares(f, by=("outlet", "period"), method="wilson")
    assert res.attrs["n_undated"] == 1
    assert res["count"].sum() == f[[c for c in f.columns if c.startswith("label:")]].iloc[1:].sum().sum()


def test_pooled_and_multiple_by():
    res = label_shares(_features(), by=(), referent="haftar_camp", method="wilson")
    assert res["count"].tolist() == [4, 8, 6] and list(res.columns[:2]) == ["referent", "stance"]


def test_legitimacy_index_by_hand():
    res = legitimacy_index(_features(), referent="haftar_camp", n_boot=200)
    assert list(res.columns) == ["outlet", "referent", "n_docs", "total", "index", "lo", "hi"]
    # A: (1 - 4) / 8; B: (5 - 0) / 10
    assert res["index"].tolist() == [-3 / 8, 0.5]
    assert (res["lo"] <= res["index"]).all() and (res["index"] <= res["hi"]).all()
    d = legitimacy_index(_features(), referent="haftar_camp", method="dirichlet", n_boot=500)
    assert d["index"].tolist() == [-3 / 8, 0.5] and (d["lo"] < d["hi"]).all()


# --------------------------------------------------------------------------- input kinds


def test_matches_input_equals_features_and_filters_quotes():
    f = _features()
    m = _matches_from(f)
    via_f = label_shares(f, method="wilson")
    via_m = label_shares(m, method="wilson")
    pd.testing.assert_frame_equal(via_f.reset_index(drop=True), via_m.reset_index(drop=True), check_dtype=False)
    # voice="all" keeps the five quoted delegitimizing labels
    allv = label_shares(m, voice="all", referent="haftar_camp", method="wilson")
    assert allv.groupby("stance")["count"].sum()["delegitimizing"] == 4 + 5
    quoted = label_shares(m, voice="quoted", referent="haftar_camp", method="wilson")
    assert quoted["count"].tolist() == [3, 0, 0, 2, 0, 0]


def test_matches_input_bootstrap_matches_features_bootstrap():
    f = _features()
    a = label_shares(f, n_boot=300, seed=3)
    b = label_shares(_matches_from(f), n_boot=300, seed=3)
    np.testing.assert_allclose(a["lo"], b["lo"])
    np.testing.assert_allclose(a["hi"], b["hi"])


def test_counts_input_closed_form():
    res_f = label_shares(_features(), method="wilson")
    counts = res_f[["outlet", "referent", "stance", "count"]]
    res_c = label_shares(counts, method="wilson")
    np.testing.assert_allclose(res_c["share"], res_f["share"])
    np.testing.assert_allclose(res_c["lo"], res_f["lo"])
    assert res_c["n_docs"].isna().all()
    with pytest.raises(FramingError, match="resamples documents"):
        label_shares(counts)
    with pytest.raises(FramingError, match="ready 'period' column"):
        label_shares(counts, by=("outlet", "period"), method="wilson")


def test_dirichlet_method_brackets_share():
    res = label_shares(_features(), method="dirichlet", n_boot=2000)
    ok = res["total"] > 0
    assert (res.loc[ok, "lo"] <= res.loc[ok, "hi"]).all()
    assert res.loc[ok, "lo"].between(0, 1).all() and res.loc[ok, "hi"].between(0, 1).all()


def test_bootstrap_edge_rows_get_wilson():
    res = label_shares(_features(), referent="haftar_camp", n_boot=300)
    zero = _row(res, outlet="B", stance="delegitimizing")
    assert zero["count"] == 0 and zero["lo"] == 0.0 and zero["hi"] > 0.1


# --------------------------------------------------------------------------- bootstrap vs wilson


def test_bootstrap_and_wilson_agree_on_independent_labels():
    rng = np.random.default_rng(11)
    n = 400  # one label per document: the labels are independent, no clustering
    stance = rng.choice(3, size=n, p=[0.2, 0.5, 0.3])
    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": rng.choice(["A", "B"], size=n)})
    for j, s in enumerate(S):
        df[f"label:x:{s}"] = (stance == j).astype(int)
    df.attrs["voice"] = "own"
    boot = label_shares(df, n_boot=2000, seed=1)
    wil = label_shares(df, method="wilson")
    width_b = boot["hi"] - boot["lo"]
    width_w = wil["hi"] - wil["lo"]
    np.testing.assert_allclose(width_b, width_w, rtol=0.2)
    np.testing.assert_allclose((boot["hi"] + boot["lo"]) / 2, (wil["hi"] + wil["lo"]) / 2, atol=0.02)


def test_bootstrap_wider_than_wilson_when_labels_cluster():
    # every document repeats one stance five times: 5 labels carry the information of 1
    rng = np.random.default_rng(5)
    n = 200
    stance = rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    df = pd.DataFrame({"doc_id": range(n), "outlet": "A"})
    for j, s in enumerate(S):
        df[f"label:x:{s}"] = 5 * (stance == j).astype(int)
    df.attrs["voice"] = "own"
    boot = label_shares(df, n_boot=1000)
    wil = label_shares(df, method="wilson")
    assert ((boot["hi"] - boot["lo"]) > 1.8 * (wil["hi"] - wil["lo"])).all()


# --------------------------------------------------------------------------- errors


def test_voice_mismatch_is_an_error():
    with pytest.raises(FramingError, match=r"extracted with voice='all'.*voice='own'"):
        label_shares(_features(voice="all"))
    with pytest.raises(FramingError, match="extracted with voice='own'"):
        legitimacy_index(_features(), voice="all")
    with pytest.raises(FramingError, match="voice: expected one of"):
        label_shares(_features(), voice="mine")


@pytest.mark.parametrize("by, pattern", [
    (("site",), r"column 'site' is not in the features table; columns: doc_id, outlet"),
    (("stance",), "output column"),
    (("outlet", "outlet"), "distinct"),
    ((3,), "column names"),
])
def test_bad_by(by, pattern):
    with pytest.raises(FramingError, match=pattern):
        label_shares(_features(), by=by, method="wilson")


def test_unknown_referent_and_method():
    with pytest.raises(FramingError, match=r"unknown referent\(s\) \['hafter'\].*haftar_camp"):
        label_shares(_features(), referent="hafter")
    with pytest.raises(FramingError, match="unknown referent"):
        legitimacy_index(_matches_from(_features()), referent="uae")
    with pytest.raises(FramingError, match="method: expected one of"):
        label_shares(_features(), method="normal")
    with pytest.raises(FramingError, match="method: expected one of bootstrap, dirichlet"):
        legitimacy_index(_features(), method="wilson")


def test_not_a_table():
    with pytest.raises(FramingError, match="expected a pandas DataFrame"):
        label_shares([1, 2, 3])
    with pytest.raises(FramingError, match="expected a features table"):
        label_shares(pd.DataFrame({"a": [1]}))
    with pytest.raises(FramingError, match="freq"):
        label_shares(_features(), by=("outlet", "period"), freq="fortnightly", method="wilson")


def test_negative_count_reported_with_row():
    f = _features()
    f.loc[2, "label:gna:neutral"] = -1
    with pytest.raises(FramingError, match=r"row 2, column 'label:gna:neutral'"):
        label_shares(f, method="wilson")


# --------------------------------------------------------------------------- demo calibration


@pytest.fixture(scope="module")
def demo(demo_house):
    return demo_house


def expected_shares(truth, house, freq):
    """Expected own-voice stance share per outlet x referent x period, from stance_probs.

    A label draw picks stance s with probability p_s(month), then one of the stance's
    phrases uniformly; a phrase may plant several matches. The expected matches per draw
    are E(month) = sum_s p_s * mean over phrases of s of the phrase's planted stances.
    The number of draws of a month in a cell is estimated as its planted own-voice
    matches / sum(E(month)); the cell's expected share is the draw-weighted mean of E.
    """
    stances = truth["stances"]
    per_draw = {}
    for ref, by_stance in truth["phrases"].items():
        for st, phrases in by_stance.items():
            vec = np.zeros(3)
            for ph in phrases:
                for r, s in ph["plants"]:
                    assert r == ref
                    vec[stances.index(s)] += 1
            per_draw[(ref, st)] = vec / max(len(phrases), 1)
    info = house.set_index("doc_id")
    rows = []
    for doc_id, planted in truth["documents"].items():
        if doc_id not in info.index:
            continue
        for ref, st, voice, scare in planted:
            if voice == "own" and not scare:
                rows.append((info.at[doc_id, "outlet"], info.at[doc_id, "date"], ref))
    pl = pd.DataFrame(rows, columns=["outlet", "date", "referent"])
    pl["month"] = pl["date"].dt.strftime("%Y-%m")
    pl["period"] = period_start(pl["date"], freq)
    out = []
    for (outlet, ref, period), g in pl.groupby(["outlet", "referent", "period"]):
        num = np.zeros(3)
        for month, n in g["month"].value_counts().items():
            p = truth["stance_probs"][outlet][ref][month]
            e = sum(p[i] * per_draw.get((ref, s), np.zeros(3)) for i, s in enumerate(stances))
            num += n / e.sum() * e
        out += [(outlet, ref, period, s, num[i] / num.sum()) for i, s in enumerate(stances)]
    return pd.DataFrame(out, columns=["outlet", "referent", "period", "stance", "truth"])


@pytest.mark.skipif(not (DEMO / "truth.json").exists(), reason="demo corpus absent")
def test_demo_matches_equal_planted_own_voice(demo):
    truth, house, feats = demo
    planted = {}
    for doc_id in house["doc_id"]:
        for ref, st, voice, scare in truth["documents"][doc_id]:
            if voice == "own" and not scare:
                planted[(ref, st)] = planted.get((ref, st), 0) + 1
    for (ref, st), n in planted.items():
        assert feats[f"label:{ref}:{st}"].sum() == n, (ref, st)


@pytest.mark.skipif(not (DEMO / "truth.json").exists(), reason="demo corpus absent")
def test_demo_quarterly_intervals_cover_truth(demo):
    truth, house, feats = demo
    res = label_shares(feats, by=("outlet", "period"), freq="QS", n_boot=500, seed=0)
    merged = res.merge(expected_shares(truth, house, "QS"), on=["outlet", "referent", "period", "stance"],
                       how="inner", validate="one_to_one")
    cells = merged[merged["total"] >= 30]  # quarterly cells with at least 30 own-voice labels
    assert len(cells) >= 300
    covered = (cells["lo"] <= cells["truth"]) & (cells["truth"] <= cells["hi"])
    assert covered.mean() >= 0.90, f"coverage {covered.mean():.3f} over {len(cells)} cell x stance rows"
    # the intervals are informative, not trivially wide
    assert (cells["hi"] - cells["lo"]).median() < 0.3


@pytest.mark.skipif(not (DEMO / "truth.json").exists(), reason="demo corpus absent")
def test_demo_legitimacy_index_orders_outlets(demo):
    truth, house, feats = demo
    idx = legitimacy_index(feats, referent="haftar_camp", n_boot=300).set_index("outlet")["index"]
    probs = {o: np.mean([np.asarray(v)[2] - np.asarray(v)[0] for v in d["haftar_camp"].values()])
             for o, d in truth["stance_probs"].items()}
    assert idx.idxmax() == max(probs, key=probs.get)
    assert idx.idxmin() == min(probs, key=probs.get)
