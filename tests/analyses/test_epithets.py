"""epithets: qualifier counts next to a target's names, checked by hand."""

import pandas as pd
import pytest

from framing.analyses.qualifiers import epithets, qualifier_lexicon
from framing.errors import FramingError
from framing.lexicon.load import Lexicon
from framing.stats.intervals import wilson_interval

LEX = Lexicon.from_dict({
    "name": "toy",
    "categories": {"legitimacy": ["المعترف بها دوليا", "الشرعية"], "hedge": ["ما يسمى", "المزعومة"]},
    "referents": {
        "gna": {"aliases": ["حكومة الوفاق"], "labels": {"neutral": ["قوات"]}},
        "haftar_camp": {"aliases": ["حفتر"], "labels": {"neutral": ["قوات"]}},
    },
})

TEXTS = {
    "A": [
        "استقبل الوزير وفد حكومة الوفاق المعترف بها دوليا أمس",       # legitimacy (after)
        "أعلنت حكومة الوفاق الشرعية و حكومة الوفاق تنفي",               # 2 mentions, 1 الشرعية
        "قالت حكومة الوفاق إنها ستمضي قدما في المفاوضات المعترف بها دوليا",  # too far (window 4)
    ],
    "B": [
        "هاجم ما يسمى حكومة الوفاق المزعومة",      # hedge before and after: category counted once
        "قالت حكومة الوفاق. الشرعية للشعب",        # punctuation in between: not counted
        "ردت حكومة الوفاق على حفتر الشرعية",        # another referent's alias in between: not counted
        "قصف حفتر مواقع في الجنوب",                  # no mention of the target
    ],
}


def corpus():
    rows = [(o, t) for o, ts in TEXTS.items() for t in ts]
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(rows))], "outlet": [o for o, _ in rows],
                         "text": [t for _, t in rows]})


def table(res):
    return {(r.outlet, r.category, r.term): (r.n_mentions, r.n_qualified) for r in res.itertuples()}


def test_counts_by_hand():
    res = epithets(corpus(), LEX, target="gna", qualifiers=LEX)
    got = table(res)
    assert got[("A", "legitimacy", "المعترف بها دوليا")] == (4, 1)
    assert got[("A", "legitimacy", "الشرعية")] == (4, 1)
    assert got[("A", "legitimacy", "*")] == (4, 2)
    assert got[("A", "hedge", "*")] == (4, 0)
    assert got[("B", "hedge", "ما يسمى")] == (3, 1)
    assert got[("B", "hedge", "المزعومة")] == (3, 1)
    assert got[("B", "hedge", "*")] == (3, 1)
    assert got[("B", "legitimacy", "*")] == (3, 0)
    row = res[(res.outlet == "A") & (res.category == "legitimacy") & (res.term == "*")].iloc[0]
    w = wilson_interval(2, 4).iloc[0]
    assert row["share"] == pytest.approx(0.5)
    assert (row["lo"], row["hi"]) == (pytest.approx(w["lo"]), pytest.approx(w["hi"]))
    assert list(res.columns[:8]) == ["outlet", "category", "term", "n_mentions", "n_qualified", "share", "lo", "hi"]


def test_window_controls_reach():
    res = epithets(corpus(), LEX, target="gna", qualifiers=LEX, window=8)
    assert table(res)[("A", "legitimacy", "المعترف بها دوليا")] == (4, 2)
    none = epithets(corpus(), LEX, target="gna", qualifiers=LEX, window=0)
    assert none["n_qualified"].sum() == 0


def test_qualifiers_as_dict_and_before_override():
    res = epithets(corpus(), LEX, target="gna", qualifiers={"doubt": ["المزعومة"]}, before="doubt")
    # المزعومة counted only before the alias now: never the case in the texts
    assert table(res)[("B", "doubt", "المزعومة")] == (3, 0)


def test_bootstrap_columns_and_zero_mention_outlets():
    c = corpus()
    c.loc[len(c)] = ["d99", "C", "لا ذكر هنا لأحد"]
    res = epithets(c, LEX, target="gna", qualifiers=LEX, n_boot=200, seed=1)
    assert {"boot_lo", "boot_hi"} <= set(res.columns)
    c_rows = res[res.outlet == "C"]
    assert (c_rows["n_mentions"] == 0).all() and c_rows["share"].isna().all()
    a = res[(res.outlet == "A") & (res.term == "*") & (res.category == "legitimacy")].iloc[0]
    assert 0 <= a["boot_lo"] <= a["share"] <= a["boot_hi"] <= 1


def test_default_qualifiers_include_lexicon_categories():
    q = qualifier_lexicon(LEX)
    assert {"legitimacy", "hedge"} <= set(q.categories)


def test_errors():
    with pytest.raises(FramingError, match="not a referent"):
        epithets(corpus(), LEX, target="turkey")
    with pytest.raises(FramingError, match="window"):
        epithets(corpus(), LEX, target="gna", window=-1)
