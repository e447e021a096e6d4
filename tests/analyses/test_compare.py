"""Tests for framing.analyses.compare: outlet contrasts from long term counts, and the deprecated path
that counted a corpus or a matches table inside the comparison."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.terms import SMALL, TOY

from framing.analyses.compare import DISPERSION_COLUMNS, combine_counts, compare_outlets, term_counts
from framing.analyses.dispersion import term_dispersion
from framing.errors import FramingError
from framing.features.extract import extract_matches

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


def _counts(rows):
    return pd.DataFrame(rows, columns=["outlet", "term", "count"])


# three outlets, four terms, made-up numbers
THREE = _counts([
    ("A", "t1", 30), ("A", "t2", 10), ("A", "t3", 60), ("A", "t4", 0),
    ("B", "t1", 5), ("B", "t2", 40), ("B", "t3", 55), ("B", "t4", 3),
    ("C", "t1", 12), ("C", "t2", 12), ("C", "t3", 20), ("C", "t4", 9),
])


@pytest.fixture(scope="module")
def demo():
    from framing.corpus.reader import read_corpus

    return read_corpus(DEMO / "corpus.jsonl")


# --------------------------------------------------------------------------- compare_outlets on counts


def _hand_log_odds(yi, yj, alpha):
    """Monroe et al. (2008) eq. 16 and 18 written out again, independently of framing.stats.keyness."""
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
    assert set(zip(pair["outlet"], pair["reference"], strict=True)) == {("A", "B"), ("A", "C"), ("B", "C")}
    # t4 is used by B and C but not A: it stays in A-B and A-C, and is dropped nowhere else
    assert len(pair) == 3 * 4
    first = ["outlet", "reference", "term", "count", "count_reference", "score", "p", "q"]
    assert list(one.columns) == [*first, "delta", "var", "z"]
    assert list(compare_outlets(THREE, method="g2").columns) == [*first, "g2"]


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
    res = compare_outlets(term_counts(SMALL, lexicon=TOY))
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
    with pytest.raises(FramingError, match="'term'"):
        compare_outlets(pd.DataFrame({"outlet": ["A", "B"], "referent": ["r", "r"], "stance": ["neutral"] * 2,
                                      "count": [1, 2]}))
    with pytest.raises(FramingError, match="'country' is not in the count table"):
        compare_outlets(THREE, by="country")
    with pytest.raises(FramingError, match="expected long counts"):
        compare_outlets(pd.DataFrame({"outlet": ["A"], "label:r:neutral": [1]}))


# --------------------------------------------------------------------------- additivity


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
    # dispersion comes beside the counts from the whole corpus; the comparison itself is the same
    matches = extract_matches(corpus, "libya") if vocabulary == "lexicon" else None
    direct = compare_outlets(combined, min_count=3, dispersion=term_dispersion(corpus, matches))
    assert set(DISPERSION_COLUMNS) <= set(direct.columns) and direct.attrs["dispersion"]
    pd.testing.assert_frame_equal(direct.drop(columns=list(DISPERSION_COLUMNS)), compare_outlets(combined, min_count=3),
                                  check_like=False)


# --------------------------------------------------------------------------- the deprecated path


@pytest.mark.parametrize("vocabulary", ["lexicon", "all"])
@pytest.mark.parametrize("dispersion", ["auto", False])
def test_a_corpus_is_deprecated_and_gives_what_counts_and_dispersion_give(demo, vocabulary, dispersion):
    corpus = demo.iloc[:300]
    with pytest.warns(DeprecationWarning, match=r"framing\.term_counts"):
        old = compare_outlets(corpus, lexicon="libya", vocabulary=vocabulary, min_count=2, dispersion=dispersion)
    if vocabulary == "lexicon":
        matches = extract_matches(corpus, "libya")
        counts, disp = term_counts(matches), term_dispersion(corpus, matches)
    else:
        counts, disp = term_counts(corpus, vocabulary="all"), term_dispersion(corpus)
    new = compare_outlets(counts, min_count=2, dispersion=disp if dispersion == "auto" else False)
    pd.testing.assert_frame_equal(old, new)
    assert old.attrs == new.attrs


def test_a_matches_table_is_deprecated_and_gives_what_its_counts_give():
    matches = extract_matches(SMALL, TOY)
    with pytest.warns(DeprecationWarning, match="deprecated"):
        old = compare_outlets(matches, method="g2")
    pd.testing.assert_frame_equal(old, compare_outlets(term_counts(matches), method="g2"))
    with pytest.warns(DeprecationWarning), pytest.raises(FramingError, match="size"):
        compare_outlets(matches, dispersion=True)


def test_deprecated_path_keeps_its_errors():
    with pytest.warns(DeprecationWarning), pytest.raises(FramingError, match="needs lexicon="):
        compare_outlets(SMALL)
    with pytest.warns(DeprecationWarning), pytest.raises(FramingError, match="have no 'outlet'"):
        compare_outlets(SMALL.assign(outlet=[None, "A", "B", "B", "C"]), lexicon=TOY)


def test_counts_do_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare_outlets(THREE)
        compare_outlets(term_counts(SMALL, lexicon=TOY), dispersion=term_dispersion(SMALL, extract_matches(SMALL, TOY)))


def test_the_comparison_does_not_run_extraction():
    """The analysis modules take tables: none imports the matcher or the extraction step."""
    for name in ("compare", "dispersion", "distance"):
        tree = ast.parse((ROOT / "framing" / "analyses" / f"{name}.py").read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not imported & {"framing.lexicon.matcher", "framing.features.extract"}, name


def test_dispersion_argument():
    counts = pd.DataFrame({"outlet": ["A", "B"], "term": ["قوات", "قوات"], "count": [2, 1]})
    assert "dp" not in compare_outlets(counts).columns  # auto: counts hold no documents
    with pytest.raises(FramingError, match="needs the documents"):
        compare_outlets(counts, dispersion=True)
    with pytest.raises(FramingError, match="dispersion"):
        compare_outlets(counts, dispersion="yes")
    with pytest.raises(FramingError, match="dispersion table: missing"):
        compare_outlets(counts, dispersion=pd.DataFrame({"outlet": ["A"], "term": ["قوات"]}))


# --------------------------------------------------------------------------- the demo corpus


def test_demo_spelling_outlet_tops_the_all_vocabulary_log_odds(demo):
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    speller = next(o["outlet"] for o in truth["outlets"] if o["spelling"].get("ميليشي") == "مليشي")
    res = compare_outlets(term_counts(demo, vocabulary="all"), min_count=5)
    top = res[res["outlet"] == speller].head(10)
    assert top["term"].str.startswith("مليشي").sum() >= 5
    assert top.iloc[0]["term"].startswith("مليشي")
    # nobody else writes the short spelling: its z is negative for every other outlet
    others = res[(res["outlet"] != speller) & (res["term"] == "مليشيات")]
    assert len(others) == 5 and (others["score"] < 0).all() and (others["count"] == 0).all()


# --------------------------------------------------------------------------- real corpora


@pytest.mark.slow
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
