"""Glob patterns in lexicon entries (ميليشي*), as quanteda dictionaries write them."""

import pandas as pd
import pytest

import framing
from framing.lexicon.check import entry_coverage
from framing.lexicon.load import Lexicon


def _lex(label_terms, **extra):
    return Lexicon.from_dict({"name": "p", "referents": {"qahtan_camp": {
        "aliases": ["قحطان"], "labels": {"delegitimizing": label_terms, "neutral": ["قوات"]}}}, **extra})


@pytest.mark.parametrize("text, surface", [
    ("قصفت ميليشيات قحطان القرية", "ميليشيات"),
    ("قصفت والميليشيات قحطان القرية", "والميليشيات"),
    ("هاجمت ميليشيا قحطان القرية", "ميليشيا"),
    ("هاجمت ميليشياتهم قحطان القرية", "ميليشياتهم"),
])
def test_pattern_matches_every_ending_and_proclitics(text, surface):
    got = [(text[m.start:m.end], m.stance, m.alias) for m in framing.find_matches(text, _lex(["ميليشي*"]))]
    assert got == [(surface, "delegitimizing", "قحطان")]


def test_pattern_needs_the_prefix_at_word_start():
    assert framing.find_matches("قصفت الاميليشيات قحطان", _lex(["ميليشي*"])) == []


def test_variants_of_a_pattern_are_patterns_too():
    lex = _lex([{"term": "ميليشي*", "variants": ["مليشي*"]}])
    text = "قصفت مليشيات قحطان القرية"
    assert [m.surface for m in framing.find_matches(text, lex)] == ["مليشيات"]


@pytest.mark.parametrize("terms, message", [
    (["م*"], "too short"),
    (["ميل*شيا"], "only end"),
    ([{"term": "ميليشي*", "variants": ["مليشيا"]}], "all its variants"),
    ([{"term": "ميليشي*", "inflect": True}], "drop 'inflect: true'"),
])
def test_bad_patterns_are_refused_with_the_place(terms, message):
    with pytest.raises(framing.LexiconError, match=message) as err:
        _lex(terms)
    assert "referents.qahtan_camp.labels.delegitimizing[0]" in str(err.value)


def test_coverage_lists_patterns_that_match_nothing():
    corpus = pd.DataFrame({"text": ["قصفت ميليشيات قحطان القرية", "وصلت قوات قحطان"]})
    cov = entry_coverage(corpus, _lex(["ميليشي*", "عصاب*"]))
    by_term = cov.set_index("term")
    assert by_term.loc["ميليشي*", "n_hits"] == 1 and by_term.loc["ميليشي*", "pattern"]
    assert by_term.loc["عصاب*", "n_hits"] == 0
    assert by_term.loc["قوات", "n_docs"] == 1


def test_pattern_counts_in_features():
    corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": ["قصفت ميليشيات قحطان وميليشيا قحطان"]})
    feats = framing.extract_features(corpus, _lex(["ميليشي*"]))
    assert feats.loc[0, "label:qahtan_camp:delegitimizing"] == 2


def test_cli_lexicon_check_lists_patterns_that_match_nothing(tmp_path, capsys):
    from framing.cli import main

    lex = tmp_path / "p.yaml"
    lex.write_text("name: p\nreferents:\n  qahtan_camp:\n    aliases: [قحطان]\n    labels:\n"
                   "      delegitimizing: ['ميليشي*', 'عصاب*']\n      neutral: [قوات]\n", encoding="utf-8")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"doc_id": "a", "outlet": "X", "text": "قصفت ميليشيات قحطان القرية"}\n', encoding="utf-8")
    assert main(["lexicon", "check", str(lex), "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "1 of 2 patterns match nothing" in out
    assert "عصاب*  (pattern)" in out and "ميليشي*" not in out.split("entries with no hit")[1]


@pytest.mark.parametrize("text, found", [
    ("قالت حماس إن الهدنة صامدة", ["حماس"]),
    ("ردت وحماس على العرض", ["وحماس"]),
    ("الحماس كبير لدى الجماهير", []),
    ("استقبلوه بالحماس المعهود", []),
])
def test_article_false_keeps_the_article_off(text, found):
    lex = Lexicon.from_dict({"name": "a", "referents": {"hamas": {"labels": {"neutral": [
        {"term": "حماس", "self": True, "article": False, "inflect": False}]}}}})
    assert [m.surface for m in framing.find_matches(text, lex)] == found
