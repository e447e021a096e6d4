"""Attention over time: share of an outlet's documents that mention a referent, with Wilson intervals
(the counting; its chart and report section are tested in tests/output/test_attention_output.py)."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.attention import LEX, attention_of

from framing import FramingError
from framing.analyses.coverage import ATTENTION_KINDS, attention, attention_counts, combine_attention
from framing.features.extract import extract_matches


def _counts(corpus, lexicon=LEX, **kw):
    return attention_counts(corpus, extract_matches(corpus, lexicon, kinds=ATTENTION_KINDS, voice="all"),
                            lexicon=lexicon, **kw)


def _wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def test_shares_count_documents_once_and_include_unmatched_documents(attention_corpus):
    att = attention_of(attention_corpus, lexicon=LEX, freq=None)
    got = att.set_index(["outlet", "referent"])
    # X: 5 documents; houthis in d0 (twice), d1, d4 (quoted counts: any voice) -> 3; coalition in d3 -> 1
    assert got.loc[("X", "houthis"), "n_docs"] == 5
    assert got.loc[("X", "houthis"), "n_mentioning"] == 3
    assert got.loc[("X", "coalition"), "n_mentioning"] == 1
    # Y: 3 documents (the undated one too); houthis in d6, d7
    assert got.loc[("Y", "houthis"), "n_docs"] == 3
    assert got.loc[("Y", "houthis"), "n_mentioning"] == 2
    assert got.loc[("X", "houthis"), "share"] == pytest.approx(3 / 5)
    lo, hi = _wilson(3, 5)
    assert got.loc[("X", "houthis"), "lo"] == pytest.approx(lo)
    assert got.loc[("X", "houthis"), "hi"] == pytest.approx(hi)
    assert att.attrs["method"] == "wilson" and att.attrs["ci"] == 0.95


def test_periods_and_undated_documents(attention_corpus):
    att = attention_of(attention_corpus, lexicon=LEX, freq="MS", referents="houthis")
    assert set(att["referent"]) == {"houthis"}
    x = att[att["outlet"] == "X"].set_index("period")
    assert x.loc[pd.Timestamp("2021-01-01"), "n_docs"] == 4
    assert x.loc[pd.Timestamp("2021-01-01"), "n_mentioning"] == 2
    assert x.loc[pd.Timestamp("2021-02-01"), "n_mentioning"] == 1
    y = att[att["outlet"] == "Y"]
    undated = y[y["period"].isna()]
    assert len(undated) == 1 and undated["n_docs"].iloc[0] == 1 and undated["n_mentioning"].iloc[0] == 1
    # every document is counted once per referent
    assert att["n_docs"].sum() == len(attention_corpus)


def test_periods_outside_a_referents_validity_are_not_measured(attention_corpus):
    lex = {**LEX, "referents": {**LEX["referents"],
                                "houthis": {**LEX["referents"]["houthis"], "valid": [{"from": "2021-01-20"}]}}}
    att = attention_of(attention_corpus, lexicon=lex, freq="MS", referents="houthis")
    x = att[att["outlet"] == "X"].set_index("period")
    # January overlaps the validity (from the 20th): measured, and d0/d1 (before the 20th) are out of scope
    assert x.loc[pd.Timestamp("2021-01-01"), "n_mentioning"] == 0 and x.loc[pd.Timestamp("2021-01-01"), "share"] == 0
    assert x.loc[pd.Timestamp("2021-02-01"), "share"] == 1.0
    lex["referents"]["houthis"]["valid"] = [{"from": "2021-02-01"}]
    att = attention_of(attention_corpus, lexicon=lex, freq="MS", referents="houthis")
    x = att[att["outlet"] == "X"].set_index("period")
    assert np.isnan(x.loc[pd.Timestamp("2021-01-01"), "share"])  # before the war: not a 0% finding
    assert x.loc[pd.Timestamp("2021-01-01"), "n_docs"] == 4 and att.attrs["outside_validity"] >= 1


def test_referent_never_named_gets_zero_rows_not_missing(attention_corpus):
    lex = {**LEX, "referents": {**LEX["referents"],
                                "saleh": {"aliases": ["علي عبد الله صالح"], "labels": {"neutral": ["الرئيس"]}}}}
    att = attention_of(attention_corpus, lexicon=lex, freq=None)
    saleh = att[att["referent"] == "saleh"]
    assert len(saleh) == 2 and (saleh["n_mentioning"] == 0).all() and (saleh["share"] == 0).all()


def test_matches_given_out_of_scope_and_category_rows_ignored(attention_corpus):
    from framing.features.extract import extract_matches

    m = extract_matches(attention_corpus, LEX, kinds=("alias", "label"), voice="all")
    m["in_scope"] = True
    m.loc[m["doc_id"] == "d1", "in_scope"] = False  # the only mention in d1 is out of scope
    extra = m.iloc[[0]].assign(doc_id="d2", kind="category", referent="houthis")  # a category row: not a mention
    m = pd.concat([m, extra], ignore_index=True)
    att = attention(attention_corpus, m, freq=None).set_index(["outlet", "referent"])
    assert att.loc[("X", "houthis"), "n_mentioning"] == 2


def test_a_features_table_gives_the_document_counts(attention_corpus):
    from framing.features.extract import extract_features, extract_matches

    m = extract_matches(attention_corpus, LEX, kinds=("alias", "label"), voice="all")
    feats = extract_features(attention_corpus, LEX)  # one row per document, no text
    a = attention(feats, m, freq="MS")
    b = attention(attention_corpus, m, freq="MS")
    pd.testing.assert_frame_equal(a, b)


def test_counts_of_batches_add_up_to_the_whole(attention_corpus):
    whole = _counts(attention_corpus, lexicon=LEX, freq="MS")
    parts = combine_attention(_counts(attention_corpus.iloc[:3], lexicon=LEX, freq="MS"),
                              _counts(attention_corpus.iloc[3:], lexicon=LEX, freq="MS"))
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), parts.reset_index(drop=True), check_dtype=False)
    # shares from counts equal shares from the corpus
    a = attention(parts)
    b = attention_of(attention_corpus, lexicon=LEX, freq="MS")
    np.testing.assert_allclose(a["share"].to_numpy(), b["share"].to_numpy())


@pytest.mark.filterwarnings("ignore:attention.*deprecated:DeprecationWarning")
def test_bad_input_is_a_clear_error(attention_corpus):
    from framing.features.extract import extract_matches

    m = extract_matches(attention_corpus, LEX, kinds=("alias", "label"), voice="all")
    with pytest.raises(FramingError, match="looks like a matches table"):
        attention(m, lexicon=LEX)
    with pytest.raises(FramingError, match="not a document of the corpus"):
        attention(attention_corpus.iloc[:2], m)
    with pytest.raises(FramingError, match="lexicon="):
        attention(attention_corpus)
    with pytest.raises(FramingError, match="not in the lexicon"):
        attention(attention_corpus, lexicon=LEX, referents="hezbollah")
    with pytest.raises(FramingError, match=r"by: column .country. is not in the corpus"):
        attention(attention_corpus, lexicon=LEX, by="country")
    dup = attention_corpus.assign(doc_id=["a"] * len(attention_corpus))
    with pytest.raises(FramingError, match="more than once"):
        attention(dup, lexicon=LEX)
    bad = pd.DataFrame({"outlet": ["X"], "referent": ["r"], "n_docs": [2], "n_mentioning": [3]})
    with pytest.raises(FramingError, match="n_mentioning"):
        attention(bad)


SAUDI = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "saudinewsnet.jsonl.gz"


@pytest.mark.shared
@pytest.mark.skipif(not SAUDI.exists(), reason="../shared/corpora is absent")
def test_real_corpus_every_document_counted():
    from framing.corpus.reader import iter_corpus

    batch = next(iter(iter_corpus(SAUDI, batch_size=3000, errors="collect")))
    att = attention_of(batch, lexicon="yemen", freq="W-MON", referents=["houthis"])
    assert att["n_docs"].sum() == len(batch)
    assert ((att["share"] >= 0) & (att["share"] <= 1)).all()
    assert att["n_mentioning"].sum() > 0  # Saudi papers of summer 2015 name the Houthis


def test_the_old_routes_still_work_with_a_deprecation_warning(attention_corpus, tmp_path):
    """lexicon= without matches (matched here) and a corpus path (read here) give the same table, and the
    warning names the caller's line (not a line of framing)."""
    from framing.corpus.reader import read_corpus

    with pytest.warns(DeprecationWarning, match="extract first") as caught:
        old = attention(attention_corpus, lexicon=LEX, freq="MS")
    assert all(w.filename == __file__ for w in caught)
    pd.testing.assert_frame_equal(old, attention_of(attention_corpus, freq="MS"))
    path = tmp_path / "c.jsonl"
    dated = attention_corpus.assign(date=attention_corpus["date"].dt.strftime("%Y-%m-%d"))
    dated.to_json(path, orient="records", lines=True, force_ascii=False)
    with pytest.warns(DeprecationWarning, match="read it first"):
        from_path = attention_counts(path, extract_matches(read_corpus(path), LEX, kinds=ATTENTION_KINDS,
                                                           voice="all"), lexicon=LEX, freq="MS")
    pd.testing.assert_frame_equal(from_path, _counts(read_corpus(path), freq="MS"))


def test_chart_and_section_names_are_still_given_here():
    """The chart, the whole-span table and the section moved to framing.output.attention (the term map's
    HTML to framing.output.termmap_html); the old import paths give the same objects."""
    import framing.output.attention as output_attention
    from framing.analyses import coverage, termmap
    from framing.analyses.coverage import plot_attention  # noqa: F401  (the import itself is the test)
    from framing.output import termmap_html

    for name in ("plot_attention", "attention_table", "attention_section"):
        assert getattr(coverage, name) is getattr(output_attention, name)
    assert termmap.term_map_section is termmap_html.term_map_section
    assert termmap.STANCE_CODES is termmap_html.STANCE_CODES
    with pytest.raises(AttributeError):
        coverage.no_such_name  # noqa: B018
