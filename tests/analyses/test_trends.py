"""trends and change_points: period grid, pooled smoothing, planted changes, demo switch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.errors import FramingError
from framing.analyses.temporal import change_points, trends

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
S = ("delegitimizing", "neutral", "legitimizing")


def _monthly(counts_by_month, outlet="A", referent="x", start="2020-01"):
    """One document per month with the given (delegit, neutral, legit) counts."""
    months = pd.date_range(start, periods=len(counts_by_month), freq="MS") + pd.Timedelta(days=9)
    df = pd.DataFrame({"doc_id": [f"{outlet}{i}" for i in range(len(months))], "outlet": outlet, "date": months})
    arr = np.asarray(counts_by_month)
    for j, s in enumerate(S):
        df[f"label:{referent}:{s}"] = arr[:, j]
    df.attrs["voice"] = "own"
    return df


def test_complete_grid_with_gap():
    f = pd.concat([_monthly([[1, 1, 0], [0, 0, 0], [2, 2, 0]], "A"),
                   _monthly([[0, 3, 1]], "B", start="2020-02")], ignore_index=True)
    f.attrs["voice"] = "own"
    t = trends(f)
    assert list(t.columns) == ["period", "outlet", "referent", "stance", "n_docs", "count", "total", "share",
                               "lo", "hi"]
    # both outlets on the full Jan..Mar grid: 2 outlets x 3 months x 3 stances
    assert len(t) == 18
    b = t[t.outlet == "B"]
    assert b.groupby("period")["total"].first().tolist() == [0, 4, 0]
    assert b[b.period == pd.Timestamp("2020-01-01")]["share"].isna().all()
    a_feb = t[(t.outlet == "A") & (t.period == pd.Timestamp("2020-02-01"))]
    assert a_feb["total"].tolist() == [0, 0, 0] and a_feb["lo"].isna().all()
    a_mar = t[(t.outlet == "A") & (t.period == pd.Timestamp("2020-03-01"))]
    assert a_mar["share"].tolist() == [0.5, 0.5, 0.0]


def test_smoothing_pools_counts_not_shares():
    # month 1: 1 of 1 delegitimizing; month 2: 0 of 9; month 3: 3 of 3
    f = _monthly([[1, 0, 0], [0, 9, 0], [3, 0, 0]])
    t = trends(f, smooth=3)
    d = t[t.stance == "delegitimizing"]["share_smooth"].tolist()
    # centred window of 3, cut at the ends: (1+0)/(1+9), (1+0+3)/(1+9+3), (0+3)/(9+3)
    np.testing.assert_allclose(d, [1 / 10, 4 / 13, 3 / 12])
    assert abs(d[1] - np.mean([1.0, 0.0, 1.0])) > 0.3  # averaging shares would give 2/3


def test_smoothing_bridges_empty_period_and_even_window():
    f = _monthly([[2, 2, 0], [0, 0, 0], [0, 4, 0], [4, 0, 0]])
    t = trends(f, smooth=2)
    d = t[t.stance == "delegitimizing"]["share_smooth"].tolist()
    # even window: the period and the one before it
    np.testing.assert_allclose(d, [0.5, 0.5, 0.0, 0.5])
    with pytest.raises(FramingError, match="smooth"):
        trends(f, smooth=0)


def test_bootstrap_method_and_counts_input():
    f = _monthly([[3, 1, 0], [2, 2, 1], [0, 5, 0]])
    boot = trends(f, method="bootstrap", n_boot=200)
    wil = trends(f)
    pd.testing.assert_series_equal(boot["share"], wil["share"])
    counts = wil[["period", "outlet", "referent", "stance", "count"]]
    again = trends(counts)
    np.testing.assert_allclose(again["lo"], wil["lo"])
    with pytest.raises(FramingError, match="resamples documents"):
        trends(counts, method="bootstrap")


def test_trends_errors():
    f = _monthly([[1, 1, 1]])
    with pytest.raises(FramingError, match="added by trends itself"):
        trends(f, by=("outlet", "period"))
    with pytest.raises(FramingError, match="not in the features table"):
        trends(f, by="site")
    with pytest.raises(FramingError, match="unknown referent"):
        trends(f, referent="gna")
    with pytest.raises(FramingError, match="method"):
        trends(f, method="dirichlet")
    g = f.copy()
    g.attrs["voice"] = "all"
    with pytest.raises(FramingError, match="voice='own'"):
        trends(g)


# --------------------------------------------------------------------------- change points


def test_change_point_found_at_planted_month():
    rng = np.random.default_rng(2)
    before = rng.multinomial(40, [0.1, 0.8, 0.1], size=8)
    after = rng.multinomial(40, [0.7, 0.2, 0.1], size=8)
    f = _monthly(np.vstack([before, after]))
    cp = change_points(f)
    assert len(cp) == 1
    row = cp.iloc[0]
    assert row["date"] == pd.Timestamp("2020-09-01")
    assert row["stance_before"] == "neutral" and row["stance_after"] == "delegitimizing"
    assert row["share_before:neutral"] == pytest.approx(before[:, 1].sum() / before.sum())
    assert row["shift"] == pytest.approx(max(abs(row[f"share_after:{s}"] - row[f"share_before:{s}"]) for s in S))
    assert row["n_before"] == 320 and row["lr"] > 0


def test_no_change_gives_empty_table_with_columns():
    rng = np.random.default_rng(4)
    f = _monthly(rng.multinomial(30, [0.3, 0.5, 0.2], size=12))
    cp = change_points(f)
    assert cp.empty
    assert list(cp.columns) == ["outlet", "referent", "date", "stance_before", "stance_after",
                                *[f"share_before:{s}" for s in S], *[f"share_after:{s}" for s in S],
                                "n_before", "n_after", "shift", "lr"]


def test_min_shift_drops_small_changes():
    # a real but small shift, detectable with many labels
    before = np.tile([300, 600, 100], (6, 1))
    after = np.tile([360, 540, 100], (6, 1))
    f = _monthly(np.vstack([before, after]))
    assert len(change_points(f, min_shift=0.05)) == 1
    assert change_points(f, min_shift=0.1).empty
    with pytest.raises(FramingError, match="min_shift"):
        change_points(f, min_shift=2)
    with pytest.raises(FramingError, match="penalty"):
        change_points(f, penalty="mdl")


# --------------------------------------------------------------------------- demo


@pytest.fixture(scope="module")
def demo(demo_house):
    truth, _, feats = demo_house
    return truth, feats


@pytest.mark.skipif(not (DEMO / "truth.json").exists(), reason="demo corpus absent")
def test_demo_switch_found(demo):
    truth, feats = demo
    sw = truth["switch"]
    cp = change_points(feats, referent=sw["referent"])
    hit = cp[cp["outlet"] == sw["outlet"]]
    assert len(hit) == 1
    months = abs((hit["date"].iloc[0] - pd.Timestamp(sw["month"] + "-01")).days) / 30.5
    assert months <= 1.0
    assert hit["stance_before"].iloc[0] == "neutral" and hit["stance_after"].iloc[0] == "delegitimizing"
    assert hit["shift"].iloc[0] > 0.5
    # outlets whose haftar_camp probabilities drift smoothly: no change of 0.3 or more
    others = cp[cp["outlet"] != sw["outlet"]]
    assert (others["shift"] < 0.3).all(), others


@pytest.mark.skipif(not (DEMO / "truth.json").exists(), reason="demo corpus absent")
def test_demo_monthly_trend_follows_switch(demo):
    truth, feats = demo
    sw = truth["switch"]
    t = trends(feats, referent=sw["referent"], smooth=3)
    t = t[(t.outlet == sw["outlet"]) & (t.stance == "delegitimizing")].set_index("period")
    assert t["share"].notna().all()
    before = t.loc[:pd.Timestamp(sw["month"] + "-01") - pd.Timedelta(days=1), "share"]
    after = t.loc[pd.Timestamp(sw["month"] + "-01"):, "share"]
    assert before.mean() < 0.2 < 0.6 < after.mean()
