"""The lexicon package's modules (entries, values, schema, model, load): every old name still importable,
named results, the validator on its own."""

import datetime

import pytest

from framing.errors import LexiconError


def test_every_old_name_is_still_importable():
    import framing
    import framing.lexicon as pkg
    from framing.lexicon import entries, load, model

    old = ["STANCES", "Scope", "Entry", "Category", "Referent", "Lexicon", "load_lexicon", "list_lexicons",
           "as_lexicon"]
    for name in old:
        assert getattr(pkg, name) is getattr(load, name), name
        assert name in load.__all__ and name in pkg.__all__
    assert load.Lexicon is model.Lexicon is framing.Lexicon
    assert load.Entry is entries.Entry and load.Scope is entries.Scope
    assert framing.load_lexicon is load.load_lexicon and framing.list_lexicons is load.list_lexicons


def test_bundled_names_and_dir():
    from framing.lexicon.load import bundled_dir, bundled_names, list_lexicons

    names = bundled_names()
    assert names == sorted(names) and {"libya", "markers"} <= set(names)
    assert all((bundled_dir() / f"{n}.yaml").is_file() for n in names)
    assert list_lexicons()["name"].tolist() == names


def test_date_ranges_are_named():
    from framing.lexicon.entries import DateRange
    from framing.lexicon.model import Lexicon

    lex = Lexicon.from_dict({"name": "t", "referents": {"a": {
        "aliases": ["حفتر"], "valid": [{"from": "2019-04-04", "to": "2020-06-05"}, {"to": "2011-02-17"}],
        "labels": {"neutral": [{"term": "الجيش الليبي", "self": {"to": "2016-03-29"}}]}}}})
    ref = lex.referents["a"]
    assert ref.scope.valid == (DateRange(datetime.date(2019, 4, 4), datetime.date(2020, 6, 5)),
                               DateRange(None, datetime.date(2011, 2, 17)))
    assert ref.scope.valid[0].start == datetime.date(2019, 4, 4) and ref.scope.valid[1].start is None
    (label,) = ref.labels["neutral"]
    assert label.self_identifying and label.self_valid[0].end == datetime.date(2016, 3, 29)


def test_audit_summary_is_named():
    from framing.lexicon.load import load_lexicon
    from framing.lexicon.model import AuditSummary

    summary = load_lexicon("libya").audit_summary()
    assert isinstance(summary, AuditSummary)
    text, meets = summary
    assert (text, meets) == (summary.text, summary.meets) and summary[0] == text
    assert text.startswith("libya: ") and isinstance(meets, bool)


def test_schema_gives_the_fields_of_a_lexicon_and_names_the_line():
    from framing.lexicon.model import Lexicon
    from framing.lexicon.schema import LexiconSchema

    data = {"name": "t", "categories": {"hedge": ["ما يسمى"]}}
    fields = LexiconSchema("<test>").fields(data)
    assert set(fields) >= {"name", "categories", "referents", "negators", "audit", "source"}
    assert Lexicon(**fields).categories == Lexicon.from_dict(data, source="<test>").categories
    with pytest.raises(LexiconError, match=r"categories\.hedge \(line 7\)"):
        LexiconSchema("lex.yaml", {"categories.hedge": 7}).fields({"name": "t", "categories": {"hedge": []}})
