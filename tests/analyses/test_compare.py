"""Tests for framing.analyses.compare: term counts, outlet contrasts and distances between outlets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.analyses.compare import (DISPERSION_COLUMNS, combine_counts, compare_outlets, dispersion, outlet_distance,
                             term_counts)
from framing.errors import FramingError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"

# a toy lexicon written for these tests
TOY = {
    "name": "toy",
    "referents": {
        "east": {"aliases": ["حفتر"],
                 "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
                            "neutral": ["قوات"], "legitimizing": ["الجيش"]}},
        "west": {"aliases": ["السراج"],
                 "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["قوات"]}},
    },
}


def _corpus(rows):
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "text"]).assign(
        date=lambda d: pd.to_datetime(d["date"]))


SMALL = _corpus([
    ("a1", "A", "2020-01-03", "تقدمت ميليشيات حفتر نحو المدينة"),
    ("a2", "A", "2020-02-10", "قصفت مليشيا حفتر الحي، وردت قوات السراج"),
    ("b1", "B", "2020-01-20", "تقدمت قوات حفتر نحو المدينة"),
    ("b2", "B", "2020-02-01", "قال الجيش حفتر إن قوات السراج انسحبت"),
    ("c1", "C", "2020-01-05", "اشتبكت قوات حفتر مع ميليشيا السراج"),
])


def _counts(rows):
    return pd.DataFrame(rows, columns=["outlet", "term", "count"])


# three outlets, four terms, made-up numbers
THREE = _counts([
    ("A", "t1", 30), ("A", "t2", 10), ("A", "t3", 60), ("A", "t4", 0),
    ("B", "t1", 5), ("B", "t2", 40), ("B", "t3", 55), ("B", "t4", 3),
    ("C", "t1", 12), ("C", "t2", 12), ("C", "t3", 20), ("C", "t4", 9),
])


# --------------------------------------------------------------------------- term_counts


def test_lexicon_counts_of_a_small_corpus():
    tc = term_counts(SMALL, lexicon=TOY)
    assert list(tc.columns) == ["outlet", "kind", "category", "referent", "stance", "term", "count"]
    got = {(r.outlet, r.referent, r.stance, r.term): r.count for r in tc.itertuples()}
    # ميليشيات and the variant مليشيا both count under the canonical term
    assert got[("A", "east", "delegitimizing", "ميليشيا")] == 2
    assert got[("A", "west", "neutral", "قوات")] == 1
    assert got[("B", "east", "neutral", "قوات")] == 1
    assert got[("B", "east", "legitimizing", "الجيش")] == 1
    assert got[("C", "west", "delegitimizing", "ميليشيا")] == 1
    # b2's «قوات السراج» follows «قال ... إن»: reported speech, not the outlet's own words (issue 10's
    # default voice), so it is not counted; every other hit is
    assert ("B", "west", "neutral", "قوات") not in got
    assert tc["count"].sum() == 7
    assert tc["count"].dtype == np.int64


def test_lexicon_counts_from_matches_equal_counts_from_corpus():
    from framing.features.extract import extract_matches

    matches = extract_matches(SMALL, TOY)
    pd.testing.assert_frame_equal(term_counts(matches), term_counts(SMALL, lexicon=TOY))


def test_periods_by_month_keep_undated_documents():
    corpus = pd.concat([SMALL, _corpus([("u1", "A", None, "قوات حفتر")])], ignore_index=True)
    tc = term_counts(corpus, lexicon=TOY, freq="MS")
    assert set(tc["period"].dropna()) == {pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")}
    assert tc["period"].isna().sum() == 1  # the undated document is counted, period NaT
    assert tc["count"].sum() == term_counts(corpus, lexicon=TOY)["count"].sum()


def test_all_vocabulary_strips_clitics_and_counts_ngrams():
    corpus = _corpus([
        ("x1", "A", "2020-01-01", "والقوات تقدمت. وقوات أخرى تقدمت"),
        ("x2", "B", "2020-01-01", "قوات كبيرة، تقدمت قوات"),
    ])
    tc = term_counts(corpus, vocabulary="all")
    got = {(r.outlet, r.term): r.count for r in tc.itertuples()}
    assert got[("A", "قوات")] == 2  # والقوات (article always) and وقوات (قوات is a corpus word)
    assert got[("A", "تقدمت")] == 2
    assert got[("A", "قوات تقدمت")] == 1  # والقوات تقدمت
    assert ("A", "تقدمت قوات") not in got  # the full stop ends the n-gram
    assert got[("B", "قوات كبيره")] == 1  # normalized: teh marbuta folded
    assert ("B", "كبيره تقدمت") not in got  # the comma ends the n-gram
    assert got[("A", "قوات اخري تقدمت")] == 1
    assert tc.loc[tc["outlet"] == "A", "term"].str.count(" ").max() == 2
    only2 = term_counts(corpus, vocabulary="all", min_count=2, ngram_range=(1, 1))
    assert set(only2["term"]) == {"قوات", "تقدمت"}


def test_all_vocabulary_needs_the_text():
    from framing.features.extract import extract_matches

    with pytest.raises(FramingError, match="needs the corpus"):
        term_counts(extract_matches(SMALL, TOY), vocabulary="all")


def test_missing_lexicon_and_bad_arguments():
    with pytest.raises(FramingError, match="needs a lexicon"):
        term_counts(SMALL)
    with pytest.raises(FramingError, match="needs lexicon="):
        compare_outlets(SMALL)
    with pytest.raises(FramingError, match="vocabulary"):
        term_counts(SMALL, vocabulary="words")
    with pytest.raises(FramingError, match="min_count"):
        term_counts(SMALL, lexicon=TOY, min_count=0)
    with pytest.raises(FramingError, match="ngram_range"):
        term_counts(SMALL, vocabulary="all", ngram_range=(2, 1))
    with pytest.raises(FramingError, match="columns found"):
        term_counts(SMALL, lexicon=TOY, by=("country",))
    with pytest.raises(FramingError, match="expected a corpus"):
        term_counts(pd.DataFrame({"x": [1]}))


# --------------------------------------------------------------------------- compare_outlets


def _hand_log_odds(yi, yj, alpha):
    """Monroe et al. (2008) eq. 16 and 18 written out again, independently of framing.stats.core."""
    ni, nj, a0 = yi.sum(), yj.sum(), alpha.sum()
    delta = np.log((yi + alpha) / (ni + a0 - yi - alpha)) - np.log((yj + alpha) / (nj + a0 - yj - alpha))
    return delta / np.sqrt(1 / (yi + alpha) + 1 / (yj + alpha))


def test_log_odds_one_vs_rest_by_hand():
    res = compare_outlets(THREE)
    wide = THREE.pivot(index="term", columns="outlet", values="count").astype(float)
    alpha = wide.sum(axis=1).to_numpy()  # documented default prior: pooled counts of all outlets
    for outlet in "ABC":
        yi = wide[outlet].to_numpy()
        yj = wide.drop(columns=outlet).sum(axis=1).to_numpy()
        expected = pd.Series(_hand_log_odds(yi, yj, alpha), index=wide.index)
        got = res[res["outlet"] == outlet].set_index("term")
        np.testing.assert_allclose(got["score"], expected[got.index], rtol=1e-12)
        np.testing.assert_allclose(got["count_reference"], pd.Series(yj, index=wide.index)[got.index])
        assert (got["reference"] == "rest").all()
        assert got["score"].is_monotonic_decreasing
    assert res.loc[(res["outlet"] == "A")].iloc[0]["term"] == "t1"
    assert list(res["outlet"].unique()) == ["A", "B", "C"]


def test_log_odds_pairwise_uses_the_pooled_prior_of_all_outlets():
    res = compare_outlets(THREE, mode="pairwise")
    wide = THREE.pivot(index="term", columns="outlet", values="count").astype(float)
    alpha = wide.sum(axis=1).to_numpy()
    a0 = alpha.sum()
    yi, yj = wide["A"].to_numpy(), wide["B"].to_numpy()
    ni, nj = yi.sum(), yj.sum()
    delta = np.log((yi + alpha) / (ni + a0 - yi - alpha)) - np.log((yj + alpha) / (nj + a0 - yj - alpha))
    got = res[(res["outlet"] == "A") & (res["reference"] == "B")].set_index("term")
    np.testing.assert_allclose(got["delta"], pd.Series(delta, index=wide.index)[got.index], rtol=1e-12)
    np.testing.assert_allclose(got["z"], got["score"])


def test_uniform_prior_and_prior_series():
    uniform = compare_outlets(THREE, prior=0.5).set_index(["outlet", "term"])
    wide = THREE.pivot(index="term", columns="outlet", values="count").astype(float)
    yi, yj = wide["C"].to_numpy(), wide[["A", "B"]].sum(axis=1).to_numpy()
    expected = pd.Series(_hand_log_odds(yi, yj, np.full(4, 0.5)), index=wide.index)
    np.testing.assert_allclose(uniform.loc["C"]["score"], expected[uniform.loc["C"].index])
    # a prior Series that repeats the pooled counts equals the default
    pooled = THREE.groupby("term")["count"].sum().astype(float)
    pd.testing.assert_frame_equal(compare_outlets(THREE, prior=pooled), compare_outlets(THREE))


@pytest.mark.parametrize("method", ["g2", "chi2"])
def test_keyness_methods_against_scipy(method):
    from scipy.stats import chi2_contingency

    res = compare_outlets(THREE, method=method)
    lam = "log-likelihood" if method == "g2" else None
    for r in res.itertuples():
        n_out = THREE.loc[THREE["outlet"] == r.outlet, "count"].sum()
        n_ref = THREE["count"].sum() - n_out
        table = [[r.count, r.count_reference], [n_out - r.count, n_ref - r.count_reference]]
        stat, p, _, _ = chi2_contingency(table, correction=False, lambda_=lam)
        sign = np.sign(r.count / n_out - r.count_reference / n_ref)
        assert r.score == pytest.approx(sign * stat, rel=1e-9, abs=1e-12)
        assert r.p == pytest.approx(p, rel=1e-7)
    assert {"g2": "g2", "chi2": "chi2"}[method] in res.columns


def test_log_ratio_by_hand():
    res = compare_outlets(THREE, method="log_ratio", mode="pairwise").set_index(["outlet", "reference", "term"])
    # A vs B, t1: (30/100) / (5/103)
    assert res.loc[("A", "B", "t1"), "score"] == pytest.approx(np.log2((30 / 100) / (5 / 103)))
    # A vs B, t4: A has 0, replaced by 0.5
    assert res.loc[("A", "B", "t4"), "log_ratio"] == pytest.approx(np.log2((0.5 / 100) / (3 / 103)))


@pytest.mark.parametrize("method", ["log_odds", "g2", "chi2", "log_ratio"])
@pytest.mark.parametrize("mode", ["one_vs_rest", "pairwise"])
def test_q_values_match_scipy_within_each_comparison(method, mode):
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(3)
    rows = [(o, f"w{k}", int(rng.poisson(lam)))
            for o in ["A", "B", "C", "D"] for k, lam in enumerate(rng.uniform(1, 40, size=30))]
    res = compare_outlets(_counts(rows), method=method, mode=mode)
    for _, g in res.groupby(["outlet", "reference"]):
        ok = g["p"].notna()
        np.testing.assert_allclose(g.loc[ok, "q"], false_discovery_control(g.loc[ok, "p"].to_numpy()), rtol=1e-10)


def test_shapes_of_the_two_modes():
    one = compare_outlets(THREE)
    pair = compare_outlets(THREE, mode="pairwise")
    assert one.groupby(["outlet", "reference"]).ngroups == 3
    assert len(one) == 3 * 4
    assert set(zip(pair["outlet"], pair["reference"])) == {("A", "B"), ("A", "C"), ("B", "C")}
    # t4 is used by B and C but not A: it stays in A-B and A-C, and is dropped nowhere else
    assert len(pair) == 3 * 4
    first = ["outlet", "reference", "term", "count", "count_reference", "score", "p", "q"]
    assert list(one.columns) == first + ["delta", "var", "z"]
    assert list(compare_outlets(THREE, method="g2").columns) == first + ["g2"]


def test_pairwise_leaves_out_terms_neither_outlet_uses():
    counts = pd.concat([THREE, _counts([("C", "t5", 4)])], ignore_index=True)
    pair = compare_outlets(counts, mode="pairwise")
    assert "t5" not in set(pair.loc[(pair["outlet"] == "A") & (pair["reference"] == "B"), "term"])
    assert "t5" in set(pair.loc[(pair["outlet"] == "A") & (pair["reference"] == "C"), "term"])


def test_min_count_filters_rows_without_changing_scores():
    full = compare_outlets(THREE).set_index(["outlet", "term"])
    kept = compare_outlets(THREE, min_count=13).set_index(["outlet", "term"])
    assert set(kept.index.get_level_values("term")) == {"t1", "t2", "t3"}  # t4 has 12 in all
    np.testing.assert_allclose(kept["score"], full.loc[kept.index, "score"])
    np.testing.assert_allclose(kept["p"], full.loc[kept.index, "p"])


def test_label_terms_of_different_referents_stay_apart():
    res = compare_outlets(SMALL, lexicon=TOY)
    militia = res[(res["outlet"] == "A") & (res["term"] == "ميليشيا")]
    assert set(militia["referent"]) == {"east", "west"}


def test_compare_errors():
    with pytest.raises(FramingError, match="method"):
        compare_outlets(THREE, method="tfidf")
    with pytest.raises(FramingError, match="mode"):
        compare_outlets(THREE, mode="all_pairs")
    with pytest.raises(FramingError, match="at least two"):
        compare_outlets(THREE[THREE["outlet"] == "A"])
    with pytest.raises(FramingError, match="log_odds"):
        compare_outlets(THREE, method="g2", prior=1.0)
    with pytest.raises(FramingError, match="row 1, field 'count'"):
        compare_outlets(THREE.assign(count=[1, -2] + [1] * 10))


# --------------------------------------------------------------------------- additivity


@pytest.fixture(scope="module")
def demo():
    from framing.corpus.reader import read_corpus

    return read_corpus(DEMO / "corpus.jsonl")


@pytest.mark.parametrize("vocabulary", ["lexicon", "all"])
def test_counts_of_two_batches_give_the_same_comparison(demo, vocabulary):
    corpus = demo.iloc[:900]
    rng = np.random.default_rng(11)
    mask = rng.random(len(corpus)) < 0.4
    kw = {"lexicon": "libya", "vocabulary": vocabulary}
    whole = term_counts(corpus, **kw)
    combined = combine_counts(term_counts(corpus[mask], **kw), term_counts(corpus[~mask], **kw))
    assert combined["count"].sum() == whole["count"].sum()
    for mode in ("one_vs_rest", "pairwise"):
        a = compare_outlets(whole, mode=mode, min_count=3)
        b = compare_outlets(combined, mode=mode, min_count=3)
        pd.testing.assert_frame_equal(a, b)
    direct = compare_outlets(corpus, vocabulary=vocabulary, lexicon="libya", min_count=3)
    # from a corpus, dispersion columns come beside the counts; the comparison itself is the same
    assert set(DISPERSION_COLUMNS) <= set(direct.columns)
    pd.testing.assert_frame_equal(direct.drop(columns=list(DISPERSION_COLUMNS)), compare_outlets(combined, min_count=3),
                                  check_like=False)


def test_combine_counts_rejects_mismatched_tables():
    with pytest.raises(FramingError, match="key columns"):
        combine_counts(THREE, THREE.assign(period=pd.Timestamp("2020-01-01")))
    with pytest.raises(FramingError, match="not a count table"):
        combine_counts(THREE, pd.DataFrame({"a": [1]}))


# --------------------------------------------------------------------------- outlet_distance


FEATURES = pd.DataFrame({
    "doc_id": list("abcdefg"),
    "outlet": ["P", "P", "Q", "Q", "R", "S", "S"],
    "label:east:delegitimizing": [3, 1, 0, 1, 2, 0, 0],
    "label:east:neutral": [1, 0, 4, 2, 2, 1, 0],
    "label:east:legitimizing": [0, 0, 1, 0, 0, 3, 2],
    "label:west:delegitimizing": [0, 0, 2, 1, 1, 0, 0],
    "label:west:neutral": [2, 2, 1, 0, 1, 0, 1],
})


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


def test_distance_from_matches_and_counts_agree_with_features(demo):
    from framing.features.extract import extract_features, extract_matches

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
    tagged = FEATURES.copy()
    tagged.attrs["voice"] = "all"
    with pytest.raises(FramingError, match="voice"):
        outlet_distance(tagged, voice="own")
    silent = FEATURES.copy()
    silent.loc[len(silent)] = ["h", "T", 0, 0, 0, 0, 0]
    with pytest.warns(UserWarning, match="'T'"):
        d = outlet_distance(silent)
    assert "T" not in d.index and d.attrs["empty"] == ["T"]


# --------------------------------------------------------------------------- the demo corpus


def test_demo_spelling_outlet_tops_the_all_vocabulary_log_odds(demo):
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    speller = next(o["outlet"] for o in truth["outlets"] if o["spelling"].get("ميليشي") == "مليشي")
    res = compare_outlets(demo, vocabulary="all", min_count=5)
    top = res[res["outlet"] == speller].head(10)
    assert top["term"].str.startswith("مليشي").sum() >= 5
    assert top.iloc[0]["term"].startswith("مليشي")
    # nobody else writes the short spelling: its z is negative for every other outlet
    others = res[(res["outlet"] != speller) & (res["term"] == "مليشيات")]
    assert len(others) == 5 and (others["score"] < 0).all() and (others["count"] == 0).all()


def test_demo_switching_outlet_moves_between_camps(demo):
    from framing.features.extract import extract_features

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


# --------------------------------------------------------------------------- real corpora


@pytest.mark.skipif(not CORPORA.exists(), reason="real corpora not available (../shared/corpora)")
def test_real_corpora_daesh_vs_state_organisation():
    from framing.corpus.reader import read_corpus

    saudi = read_corpus(CORPORA / "saudinewsnet.jsonl.gz", errors="collect")
    aj = read_corpus(CORPORA / "asnd_aljazeera.jsonl.gz", errors="collect")
    corpus = pd.concat([saudi, aj], ignore_index=True)
    asharq = "Asharq Al-Awsat"
    jazeera = next(o for o in aj["outlet"].unique() if "Jazeera" in o)
    assert asharq in set(saudi["outlet"])
    counts = combine_counts(*(term_counts(corpus, lexicon=name) for name in ("yemen", "isis")))
    one = compare_outlets(counts)
    pair = compare_outlets(counts, mode="pairwise")

    def z(table, outlet, reference, term):
        rows = table[(table["outlet"] == outlet) & (table["reference"] == reference)
                     & (table["referent"] == "isis") & (table["term"] == term)]
        assert len(rows) == 1, (outlet, reference, term)
        return float(rows["score"].iloc[0])

    daesh, state = "داعش", "تنظيم الدولة"
    assert z(one, asharq, "rest", daesh) > 0
    assert z(one, jazeera, "rest", state) > 0
    # pairwise rows are (first, second) in sorted order: orient them as Asharq vs Al Jazeera
    first, second = sorted([asharq, jazeera], key=str)
    sign = 1 if first == asharq else -1
    assert sign * z(pair, first, second, daesh) > 0  # Asharq over-uses داعش relative to Al Jazeera
    assert sign * z(pair, first, second, state) < 0  # Al Jazeera over-uses تنظيم الدولة


# --------------------------------------------------------------------------- dispersion (Gries' DP, Juilland's D)


def _gries_corpus():
    """Gries' (2008) example as an outlet: five documents of 9, 10, 10, 10, 11 words holding «نهر» 1..5 times."""
    rows = []
    for i, (size, k) in enumerate(zip([9, 10, 10, 10, 11], [1, 2, 3, 4, 5])):
        rows.append(("A", f"a{i}", " ".join(["نهر"] * k + ["قمر"] * (size - k))))
    rows += [("B", "b0", "شمس نهر قمر"), ("B", "b1", "شمس شمس قمر")]
    return pd.DataFrame(rows, columns=["outlet", "doc_id", "text"])


def test_dispersion_matches_gries_2008_by_hand():
    res = compare_outlets(_gries_corpus(), vocabulary="all", ngram_range=(1, 1))
    row = res[(res["outlet"] == "A") & (res["term"] == "نهر")].iloc[0]
    s = np.array([9, 10, 10, 10, 11]) / 50
    v = np.array([1, 2, 3, 4, 5]) / 15
    dp = 0.5 * np.abs(v - s).sum()
    assert dp == pytest.approx(0.18)
    assert row["dp"] == pytest.approx(dp)
    assert row["dp_norm"] == pytest.approx(dp / (1 - 0.18))  # Lijffijt & Gries 2012: DP / (1 - min s_i)
    p = np.array([1 / 9, 2 / 10, 3 / 10, 4 / 10, 5 / 11])
    cv = p.std(ddof=0) / p.mean()
    assert row["juilland_d"] == pytest.approx(1 - cv / np.sqrt(4))
    assert row["docs"] == 5
    # the standalone function agrees on a documents x terms matrix
    alone = dispersion(pd.DataFrame({"نهر": [1, 2, 3, 4, 5]}), [9, 10, 10, 10, 11])
    assert alone.loc[0, "dp"] == pytest.approx(0.18) and alone.loc[0, "juilland_d"] == pytest.approx(row["juilland_d"])


def test_one_article_repeating_a_term_is_told_apart_from_a_term_across_the_outlet():
    rows = [("A", "a0", " ".join(["حصار"] * 40))]  # one article repeats it 40 times
    rows += [("A", f"a{i}", "قتال قمر شمس") for i in range(1, 41)]  # once in each of 40 articles
    rows += [("B", f"b{i}", "قمر شمس نجم") for i in range(10)]
    res = compare_outlets(pd.DataFrame(rows, columns=["outlet", "doc_id", "text"]), vocabulary="all",
                          ngram_range=(1, 1))
    a = res[res["outlet"] == "A"].set_index("term")
    assert a.loc["حصار", "count"] == a.loc["قتال", "count"] == 40
    assert a.loc["حصار", "docs"] == 1 and a.loc["قتال", "docs"] == 40
    # by hand: s(a0) = 40/160, so DP = 0.5 * (0.75 + 0.75); قتال: 40 * |1/40 - 3/160| + 1/4 = 0.5
    assert a.loc["حصار", "dp"] == pytest.approx(0.75) and a.loc["قتال", "dp"] == pytest.approx(0.25)
    assert a.loc["حصار", "dp_norm"] == pytest.approx(0.75 / (1 - 3 / 160))
    assert a.loc["حصار", "juilland_d"] == pytest.approx(0.0) and a.loc["قتال", "juilland_d"] > 0.9
    # a term the outlet never uses: no documents, no dispersion
    assert a.loc["نجم", "docs"] == 0 and np.isnan(a.loc["نجم", "dp"])


def test_dispersion_of_lexicon_terms_counts_documents(demo):
    from framing.features.extract import extract_matches

    corpus = demo.iloc[:600]
    res = compare_outlets(corpus, lexicon="libya", min_count=3)
    assert set(DISPERSION_COLUMNS) <= set(res.columns) and res.attrs["dispersion"]
    m = extract_matches(corpus, "libya")
    for rec in res.sample(8, random_state=0).itertuples():
        sel = (m["outlet"] == rec.outlet) & (m["term"] == rec.term) & (m["kind"] == rec.kind)
        sel &= m["referent"].isna() if pd.isna(rec.referent) else m["referent"] == rec.referent
        sel &= m["stance"].isna() if pd.isna(rec.stance) else m["stance"] == rec.stance
        sel &= m["category"].isna() if pd.isna(rec.category) else m["category"] == rec.category
        assert rec.docs == m.loc[sel, "doc_id"].nunique()
    used = res[res["count"] > 0]
    assert ((used["dp_norm"] >= 0) & (used["dp_norm"] <= 1)).all()


def test_dispersion_needs_documents():
    counts = pd.DataFrame({"outlet": ["A", "B"], "term": ["قوات", "قوات"], "count": [2, 1]})
    assert "dp" not in compare_outlets(counts).columns  # auto: counts hold no documents
    with pytest.raises(FramingError, match="needs the documents"):
        compare_outlets(counts, dispersion=True)
    with pytest.raises(FramingError, match="dispersion"):
        compare_outlets(counts, dispersion="yes")
    with pytest.raises(FramingError, match="sizes"):
        dispersion(pd.DataFrame({"x": [1, 2]}), [3])
