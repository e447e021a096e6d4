"""The interactive term map: its data (counts, z, stances, KWIC lines, caps); its HTML and, in headless
Chromium, hovering and clicking are tested in tests/output/test_termmap_html.py."""


import pandas as pd
import pytest
from helpers.termmap import LEX

from framing import FramingError
from framing.analyses.compare import compare_outlets, term_counts
from framing.analyses.termmap import term_map
from framing.text.morphology import strip_clitics
from framing.text.normalization import normalize


def test_counts_and_z_come_from_compare(termmap_corpus, termmap_toy):
    counts = term_counts(termmap_corpus, vocabulary="all", ngram_range=(1, 1))
    res = compare_outlets(counts, method="log_odds")
    t = termmap_toy.terms.set_index("term")
    for term in ["ميليشيات", "قوات", "معارك"]:
        for o in "ABC":
            want = counts[(counts["outlet"] == o) & (counts["term"] == term)]["count"].sum()
            assert t.loc[term, o] == want
        z = res[(res["outlet"] == "A") & (res["term"] == term)]["z"].iloc[0]
        assert t.loc[term, "z:A vs rest"] == pytest.approx(z)
    assert t.loc["ميليشيات", "z:A vs rest"] > 1.96 and t.loc["ميليشيات", "B"] == 0
    assert [c[0] for c in termmap_toy.comparisons] == ["A vs rest", "B vs rest", "C vs rest"]


def test_stances_follow_the_lexicon_with_inflection(termmap_toy):
    t = termmap_toy.terms.set_index("term")
    assert t.loc["ميليشيات", "stance"] == "delegitimizing"  # the plural of the label ميليشيا
    assert t.loc["قوات", "stance"] == "neutral"
    assert t.loc["حفتر", "stance"] == "alias"
    assert t.loc["معارك", "stance"] == ""
    lex = {"name": "y", "referents": {"h": {"aliases": ["الحوثي"], "labels": {"delegitimizing": ["ميليشي*"]}}}}
    two = pd.DataFrame({"doc_id": ["a1", "b1"], "outlet": ["A", "B"],
                        "text": ["قاتل الحوثيين مع ميليشياته في المدينة", "قالت القوات إن الحوثيين انسحبوا"]})
    stance = term_map(two, lexicon=lex, min_count=1, lines_per_term=0).terms.set_index("term")["stance"]
    assert stance["حوثيين"] == "alias"  # an inflected alias, as the matcher finds it
    assert stance["ميليشياته"] == "delegitimizing"  # a glob entry
    assert stance["قاتل"] == ""


def test_a_corpus_path_still_works_with_a_deprecation_warning(termmap_corpus, tmp_path):
    """term_map takes the table; a path is read here (as before) with a warning naming the caller's line."""
    from framing.corpus.reader import read_corpus

    path = tmp_path / "c.jsonl"
    termmap_corpus.to_json(path, orient="records", lines=True, force_ascii=False)
    with pytest.warns(DeprecationWarning, match="read it first") as caught:
        old = term_map(path, lexicon=LEX, min_count=2, lines_per_term=4)
    assert [w.filename for w in caught if issubclass(w.category, DeprecationWarning)] == [__file__]
    new = term_map(read_corpus(path), lexicon=LEX, min_count=2, lines_per_term=4)
    pd.testing.assert_frame_equal(old.terms, new.terms)
    assert old.lines == new.lines and old.comparisons == new.comparisons and old.outlets == new.outlets
    assert len(old.terms) > 10 and sum(map(len, old.lines)) > 10


def test_lines_are_original_spelling_of_the_term_one_per_document(termmap_corpus, termmap_toy):
    texts = termmap_corpus.set_index("doc_id")["text"]
    known = set(termmap_toy.terms["term"])
    for i, term in enumerate(termmap_toy.terms["term"]):
        lines = termmap_toy.lines[i]
        assert len(lines) <= 4
        assert len({d for *_, d in lines}) == len(lines)  # one line per document
        for outlet, _left, key, _right, doc in lines:
            assert key in texts[doc] and doc.startswith(outlet)
            assert strip_clitics(normalize(key), known | {term}) == term
    j = termmap_toy.terms.index[termmap_toy.terms["term"] == "ميليشيات"][0]
    assert {k for _, _, k, _, _ in termmap_toy.lines[j]} <= {"الميليشيات", "ميليشيات"}
    assert len(termmap_toy.lines[j]) == 4


def test_line_bytes_are_capped(termmap_corpus):
    small = term_map(termmap_corpus, min_count=2, lines_per_term=6, max_line_bytes=3000)
    size = sum(len((o + left + k + right).encode()) + 12 for ls in small.lines for o, left, k, right, _ in ls)
    assert 0 < size <= 3000
    per_term = {len(ls) for ls in small.lines}
    assert max(per_term) < 6


def test_reference_outlet_and_outlets_choice(termmap_corpus):
    tm = term_map(termmap_corpus, min_count=2, outlets=["A"], reference="B", lines_per_term=0)
    assert tm.comparisons == [("A vs B", "A", "B")]
    assert all(len(ls) == 0 for ls in tm.lines)
    two = termmap_corpus[termmap_corpus["outlet"].isin(["A", "B"])]
    res = compare_outlets(term_counts(two, vocabulary="all", ngram_range=(1, 1)))
    z = res[(res["outlet"] == "A") & (res["term"] == "قوات")]["z"].iloc[0]
    assert tm.terms.set_index("term").loc["قوات", "z:A vs B"] == pytest.approx(z)


def test_bad_input(termmap_corpus):
    with pytest.raises(FramingError, match="no column"):
        term_map(termmap_corpus, by="country")
    with pytest.raises(FramingError, match="at least two"):
        term_map(termmap_corpus[termmap_corpus["outlet"] == "A"])
    with pytest.raises(FramingError, match="reference"):
        term_map(termmap_corpus, reference="Z")
    with pytest.raises(FramingError, match="not in the corpus"):
        term_map(termmap_corpus, outlets=["Z"])
    with pytest.raises(FramingError, match="max_terms"):
        term_map(termmap_corpus, max_terms=0)
