"""Tests for framing.analyses.dispersion: Gries' DP, DP_norm and Juilland's D over an outlet's documents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import framing
from framing.analyses.compare import compare_outlets
from framing.analyses.dispersion import DISPERSION_COLUMNS, dispersion, term_dispersion
from framing.errors import FramingError
from framing.features.extract import extract_matches
from framing.features.terms import term_counts

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def demo():
    from framing.corpus.reader import read_corpus

    return read_corpus(DEMO / "corpus.jsonl")


def _gries_corpus():
    """Gries' (2008) example as an outlet: five documents of 9, 10, 10, 10, 11 words holding «نهر» 1..5 times."""
    rows = []
    for i, (size, k) in enumerate(zip([9, 10, 10, 10, 11], [1, 2, 3, 4, 5], strict=True)):
        rows.append(("A", f"a{i}", " ".join(["نهر"] * k + ["قمر"] * (size - k))))
    rows += [("B", "b0", "شمس نهر قمر"), ("B", "b1", "شمس شمس قمر")]
    return pd.DataFrame(rows, columns=["outlet", "doc_id", "text"])


def _compare_with_dispersion(corpus, **kw):
    counts = term_counts(corpus, vocabulary="all", **kw)
    return compare_outlets(counts, dispersion=term_dispersion(corpus, **kw))


def test_dispersion_matches_gries_2008_by_hand():
    res = _compare_with_dispersion(_gries_corpus(), ngram_range=(1, 1))
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
    res = _compare_with_dispersion(pd.DataFrame(rows, columns=["outlet", "doc_id", "text"]), ngram_range=(1, 1))
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
    corpus = demo.iloc[:600]
    m = extract_matches(corpus, "libya")
    res = compare_outlets(term_counts(m), min_count=3, dispersion=framing.term_dispersion(corpus, m))
    assert set(DISPERSION_COLUMNS) <= set(res.columns) and res.attrs["dispersion"]
    for rec in res.sample(8, random_state=0).itertuples():
        sel = (m["outlet"] == rec.outlet) & (m["term"] == rec.term) & (m["kind"] == rec.kind)
        sel &= m["referent"].isna() if pd.isna(rec.referent) else m["referent"] == rec.referent
        sel &= m["stance"].isna() if pd.isna(rec.stance) else m["stance"] == rec.stance
        sel &= m["category"].isna() if pd.isna(rec.category) else m["category"] == rec.category
        sel &= m["in_scope"]
        assert rec.docs == m.loc[sel, "doc_id"].nunique()
    used = res[res["count"] > 0]
    assert ((used["dp_norm"] >= 0) & (used["dp_norm"] <= 1)).all()


def test_term_dispersion_counts_as_term_counts_counts(demo):
    corpus = demo.iloc[:300]
    m = extract_matches(corpus, "libya")
    disp = term_dispersion(corpus, m)
    counts = term_counts(m)
    key = [c for c in counts.columns if c != "count"]
    merged = counts.merge(disp, on=key, how="outer", suffixes=("", "_disp"))
    assert (merged["count"] == merged["count_disp"]).all()
    words = term_dispersion(corpus, ngram_range=(1, 2))
    pd.testing.assert_frame_equal(words.drop(columns=list(DISPERSION_COLUMNS)),
                                  term_counts(corpus, vocabulary="all", ngram_range=(1, 2)))


def test_dispersion_errors():
    corpus = _gries_corpus()
    with pytest.raises(FramingError, match="sizes"):
        dispersion(pd.DataFrame({"x": [1, 2]}), [3])
    with pytest.raises(FramingError, match="size 0"):
        dispersion(pd.DataFrame({"x": [1, 2]}), [3, 0])
    with pytest.raises(FramingError, match="expected a corpus"):
        term_dispersion(corpus.drop(columns="text"))
    with pytest.raises(FramingError, match="one column name"):
        term_dispersion(corpus, by=("outlet",))
    with pytest.raises(FramingError, match="have no 'outlet'"):
        term_dispersion(corpus.assign(outlet=None))
    stray = pd.DataFrame({"doc_id": ["zz"], "outlet": ["A"], "kind": ["label"], "term": ["نهر"], "surface": ["نهر"]})
    with pytest.raises(FramingError, match="not in the corpus"):
        term_dispersion(corpus, stray)
    twice = pd.concat([term_dispersion(corpus)] * 2)
    with pytest.raises(FramingError, match="more than one row"):
        compare_outlets(term_counts(corpus, vocabulary="all"), dispersion=twice)


def test_dispersion_with_groups_keeps_their_values():
    X = pd.DataFrame({"a": [1, 0, 3], "b": [0, 2, 2]})
    out = dispersion(X, [5, 6, 7], [2, 1, 2])
    assert out["group"].tolist() == [1, 2, 2] and out["group"].dtype == np.int64
    assert out.loc[(out["group"] == 2) & (out["term"] == "a"), "count"].item() == 4
