"""Lexicon loading and validation."""

import textwrap

import pytest

from framing import LexiconError, Lexicon, list_lexicons, load_lexicon

BUNDLED = ["isis", "libya", "markers", "yemen"]


def _write(tmp_path, body: str):
    path = tmp_path / "lex.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _base(**extra):
    d = {"name": "t", "referents": {"a": {"aliases": ["حفتر"], "labels": {"neutral": ["قوات"]}}}}
    d.update(extra)
    return d


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_lexicon_loads_and_validates(name):
    lex = load_lexicon(name)
    assert lex.name == name
    entries = lex.entries()
    assert len(entries) >= 15
    # every entry carries a note saying what it means and why it is where it is
    assert (entries["note"].str.len() > 0).all(), entries[entries["note"].str.len() == 0]


def test_list_lexicons_names_the_bundled_ones():
    table = list_lexicons()
    assert set(BUNDLED) <= set(table["name"])
    assert (table.loc[table["name"] == "libya", "referents"] >= 6).all()


def test_load_by_path(tmp_path):
    path = _write(tmp_path, """
        name: mine
        referents:
          houthis:
            aliases: [الحوثي]
            labels:
              delegitimizing: [{term: ميليشيا, variants: [مليشيا], note: militia}]
    """)
    lex = load_lexicon(path)
    assert lex.name == "mine" and lex.source == str(path)
    assert lex.referents["houthis"].labels["delegitimizing"][0].forms == ("ميليشيا", "مليشيا")


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, """
        name: bad
        referents:
          a:
            aliases: [حفتر
            labels: {}
    """)
    with pytest.raises(LexiconError, match=r"lex\.yaml, line \d+, column \d+: YAML syntax error"):
        load_lexicon(path)


def test_unknown_key_is_not_ignored_and_gets_a_suggestion(tmp_path):
    path = _write(tmp_path, """
        name: typo
        referents:
          a:
            aliases: [حفتر]
            lables:
              neutral: [قوات]
    """)
    with pytest.raises(LexiconError, match=r"referents\.a \(line 4\): unknown key 'lables' \(did you mean 'labels'\?\)"):
        load_lexicon(path)


@pytest.mark.parametrize(
    "data, message",
    [
        (_base(version="one"), "'version' must be a positive integer"),
        (_base(window=99), "'window' must be an integer from 0 to 20"),
        ({"name": "t"}, "the lexicon is empty"),
        (_base(categories={"hedge": [""]}), "empty or missing 'term'"),
        (_base(categories={"hedge": ["ـــً"]}), "normalizes to nothing"),
        (_base(categories={"hedge": [{"term": "ما يسمى", "inflect": "yes"}]}), "'inflect' must be true or false"),
        (_base(categories={"hedge": [{"term": "ما يسمى", "self": True}]}), "unknown key 'self'"),
        (_base(categories={"hedge": "ما يسمى"}), "expected a list of terms, got str"),
        (_base(categories={"a": ["المزعوم"], "b": ["المزعوم"]}), "stands in two categories"),
        (_base(categories={"a": ["مزعوم", "مَزعوم"]}), "one category twice"),
        ({"name": "t", "referents": {"a": {"aliases": ["حفتر"]}, "b": {"aliases": ["حفتر"]}}},
         "aliases of two referents"),
        ({"name": "t", "referents": {"a": {"aliases": ["حفتر"], "labels": {"neutral": ["حفتر"]}}}},
         "both an alias and a label"),
        ({"name": "t", "referents": {"a": {"aliases": ["حفتر"],
                                            "labels": {"neutral": ["قوات"], "legitimizing": ["قوّات"]}}}},
         "two labels of one referent"),
        ({"name": "t", "referents": {"a": {"labels": {"neutral": ["قوات"]}}}}, "can never match"),
        ({"name": "t", "referents": {"a": {"aliases": ["x"], "labels": {"hostile": ["قوات"]}}}},
         "unknown stance 'hostile'"),
        ({"name": "bad name", "categories": {"a": ["x"]}}, "'name' is required"),
        (["not", "a", "mapping"], "a lexicon must be a mapping"),
    ],
)
def test_validation_errors(data, message):
    with pytest.raises(LexiconError, match=message):
        Lexicon.from_dict(data)


def test_same_label_under_two_referents_is_allowed():
    lex = Lexicon.from_dict({"name": "t", "referents": {
        "a": {"aliases": ["حفتر"], "labels": {"neutral": ["قوات"]}},
        "b": {"aliases": ["الوفاق"], "labels": {"neutral": ["قوات"]}}}})
    assert set(lex.referents) == {"a", "b"}


def test_both_places_are_named(tmp_path):
    path = _write(tmp_path, """
        name: dup
        categories:
          hedge: [ما يسمى]
          other: [ما يُسمّى]
    """)
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    msg = str(info.value)
    assert "categories.other[0]" in msg and "categories.hedge[0]" in msg and "(line 5)" in msg


def test_unknown_bundled_name_lists_the_bundled_ones():
    with pytest.raises(LexiconError, match="no bundled lexicon named 'lybia'; bundled: .*isis, libya"):
        load_lexicon("lybia")


def test_missing_file(tmp_path):
    with pytest.raises(LexiconError, match="no such lexicon file"):
        load_lexicon(tmp_path / "nope.yaml")


def test_empty_file(tmp_path):
    with pytest.raises(LexiconError, match="the lexicon file is empty"):
        load_lexicon(_write(tmp_path, "\n"))


def test_feature_names_follow_the_lexicon():
    lex = Lexicon.from_dict(_base(categories={"hedge": ["ما يسمى"]}))
    assert lex.feature_names == ["cat:hedge", "label:a:neutral"]
