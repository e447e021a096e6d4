"""Tests for framing.features.terms and framing.features.ngrams: long, additive term counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.terms import SMALL, TOY, corpus_of

from framing.errors import FramingError
from framing.features.extract import extract_matches
from framing.features.ngrams import ngram_counts, tokenize_corpus
from framing.features.terms import (
    all_term_counts,
    combine_counts,
    lexicon_matches,
    lexicon_term_counts,
    term_counts,
)

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


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
    matches = extract_matches(SMALL, TOY)
    pd.testing.assert_frame_equal(term_counts(matches), term_counts(SMALL, lexicon=TOY))
    # the two steps term_counts runs for a corpus
    pd.testing.assert_frame_equal(lexicon_term_counts(lexicon_matches(SMALL, TOY)), term_counts(SMALL, lexicon=TOY))


def test_lexicon_matches_carries_other_group_columns():
    corpus = SMALL.assign(country=["ly", "ly", "eg", "eg", "tn"])
    tc = term_counts(corpus, lexicon=TOY, by=("country",))
    assert set(tc["country"]) == {"ly", "eg", "tn"}
    assert tc["count"].sum() == term_counts(SMALL, lexicon=TOY)["count"].sum()


def test_periods_by_month_keep_undated_documents():
    corpus = pd.concat([SMALL, corpus_of([("u1", "A", None, "قوات حفتر")])], ignore_index=True)
    tc = term_counts(corpus, lexicon=TOY, freq="MS")
    assert set(tc["period"].dropna()) == {pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")}
    assert tc["period"].isna().sum() == 1  # the undated document is counted, period NaT
    assert tc["count"].sum() == term_counts(corpus, lexicon=TOY)["count"].sum()


def test_weekly_periods_are_the_vocabularys():
    from framing.vocabulary import period_start

    corpus = corpus_of([("w1", "A", "2020-01-08", "قوات حفتر"), ("w2", "A", "2020-01-06", "قوات حفتر")])
    for freq in ("W", "W-MON", "MS"):
        tc = term_counts(corpus, lexicon=TOY, freq=freq)
        words = term_counts(corpus, vocabulary="all", freq=freq, ngram_range=(1, 1))
        expected = set(period_start(corpus["date"], freq))
        assert set(tc["period"]) == expected and set(words["period"]) == expected


def test_all_vocabulary_strips_clitics_and_counts_ngrams():
    corpus = corpus_of([
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
    pd.testing.assert_frame_equal(all_term_counts(corpus), tc)


def test_ngram_counts_say_where_each_occurrence_is():
    corpus = pd.DataFrame({"outlet": ["A", "B"], "text": ["قوات تقدمت قوات", "قوات"]})
    tokens = tokenize_corpus(corpus)
    assert tokens.lengths.tolist() == [4, 2]  # three words and the end marker; one word and the marker
    uni = ngram_counts(tokens, 1)
    assert uni is not None
    assert uni.frame.values.tolist() == [["A", "قوات", 2], ["A", "تقدمت", 1], ["B", "قوات", 1]]
    # each counted occurrence points at its token: three قوات and one تقدمت
    assert sorted(tokens.stems[tokens.seq[uni.position]].tolist()) == sorted(["قوات", "تقدمت", "قوات", "قوات"])
    assert tokens.doc_group.tolist() == [0, 1] and list(tokens.groups["outlet"]) == ["A", "B"]
    assert ngram_counts(tokens, 4) is None  # no four words in a row
    assert ngram_counts(tokens, 1, min_count=5) is None


def test_empty_and_wordless_corpora():
    empty = all_term_counts(pd.DataFrame({"outlet": ["A"], "text": ["، . !"]}))
    assert list(empty.columns) == ["outlet", "term", "count"] and empty.empty
    none = lexicon_term_counts(extract_matches(SMALL.iloc[:0], TOY))
    assert none.empty and none["count"].dtype == np.int64


def test_all_vocabulary_needs_the_text():
    with pytest.raises(FramingError, match="needs the corpus"):
        term_counts(extract_matches(SMALL, TOY), vocabulary="all")
    with pytest.raises(FramingError, match="'text'"):
        all_term_counts(SMALL.drop(columns="text"))


def test_missing_lexicon_and_bad_arguments():
    with pytest.raises(FramingError, match="needs a lexicon"):
        term_counts(SMALL)
    with pytest.raises(FramingError, match="vocabulary"):
        term_counts(SMALL, vocabulary="words")
    with pytest.raises(FramingError, match="min_count"):
        term_counts(SMALL, lexicon=TOY, min_count=0)
    with pytest.raises(FramingError, match="ngram_range"):
        term_counts(SMALL, vocabulary="all", ngram_range=(2, 1))
    with pytest.raises(FramingError, match="'country' is not in the corpus"):
        term_counts(SMALL, lexicon=TOY, by=("country",))
    with pytest.raises(FramingError, match="'country' is not in the matches table"):
        term_counts(extract_matches(SMALL, TOY), by=("country",))
    with pytest.raises(FramingError, match="expected a corpus"):
        term_counts(pd.DataFrame({"x": [1]}))
    with pytest.raises(FramingError, match="already holds counts"):
        term_counts(term_counts(SMALL, lexicon=TOY))
    with pytest.raises(FramingError, match="by"):
        term_counts(SMALL, lexicon=TOY, by=())


def test_combine_counts_sums_batches():
    a = term_counts(SMALL.iloc[:2], lexicon=TOY)
    b = term_counts(SMALL.iloc[2:], lexicon=TOY)
    whole = term_counts(SMALL, lexicon=TOY)
    both = combine_counts(a, b)
    key = ["outlet", "kind", "category", "referent", "stance", "term"]
    pd.testing.assert_frame_equal(both.sort_values(key).reset_index(drop=True),
                                  whole.sort_values(key).reset_index(drop=True), check_like=True)
    pd.testing.assert_frame_equal(combine_counts([a, b]), both)  # a list works too


def test_combine_counts_rejects_mismatched_tables():
    three = pd.DataFrame({"outlet": ["A", "B"], "term": ["t1", "t1"], "count": [1, 2]})
    with pytest.raises(FramingError, match="key columns"):
        combine_counts(three, three.assign(period=pd.Timestamp("2020-01-01")))
    with pytest.raises(FramingError, match="not a count table"):
        combine_counts(three, pd.DataFrame({"a": [1]}))
    with pytest.raises(FramingError, match="at least one"):
        combine_counts()


def test_old_import_paths_still_work():
    import framing
    from framing.analyses import compare
    from framing.features import terms

    assert compare.term_counts is terms.term_counts is framing.term_counts
    assert compare.combine_counts is terms.combine_counts is framing.combine_counts


@pytest.mark.skipif(not (DEMO / "corpus.jsonl").exists(), reason="demo corpus absent")
def test_counts_of_batches_add_up_on_the_demo():
    from framing.corpus.reader import read_corpus

    corpus = read_corpus(DEMO / "corpus.jsonl").iloc[:400]
    for kw in ({"lexicon": "libya"}, {"vocabulary": "all", "ngram_range": (1, 2)}):
        whole = term_counts(corpus, **kw)
        combined = combine_counts(term_counts(corpus.iloc[::2], **kw), term_counts(corpus.iloc[1::2], **kw))
        key = [c for c in whole.columns if c != "count"]
        pd.testing.assert_frame_equal(combined.sort_values(key).reset_index(drop=True)[whole.columns],
                                      whole.sort_values(key).reset_index(drop=True))
