"""discover_labels (framing.reading.discover): candidate labels next to a referent's aliases."""

import pytest

from framing.errors import FramingError
from framing.reading.discover import discover_labels


def test_discover_labels_finds_a_planted_candidate(lex, make_corpus):
    planted = ["هاجمت عصابة حفتر المدينة"] * 4 + ["قصفت عصابة حفتر الميناء"] * 2
    other = ["تقدمت قوات حفتر نحو المدينة"] * 6 + ["وقال السراج إن ميليشيا حفتر تقصف"] * 2
    c = make_corpus(planted + other, ["A"] * 6 + ["B"] * 8)
    res = discover_labels(c, lex, "haftar_camp", min_count=3)
    a = res[res["outlet"] == "A"]
    top = a.iloc[0]
    assert (top["candidate"], top["position"], top["count"]) == ("عصابه", "before", 6)
    assert top["z"] > 0 and "عصابة حفتر" in top["example"]
    # lexicon words (قوات, ميليشيا, the alias السراج) are never candidates
    assert not set(res["candidate"]) & {"قوات", "ميليشيا", "سراج", "السراج"}
    with pytest.raises(FramingError, match="not a referent"):
        discover_labels(c, lex, "wagner")


def test_discover_labels_does_not_cross_punctuation(lex, make_corpus):
    c = make_corpus(["انتهى الاجتماع. حفتر يرفض"] * 3)
    res = discover_labels(c, lex, "haftar_camp", min_count=1, window=1)
    assert res[res["position"] == "before"].empty
    assert "يرفض" in set(res["candidate"])
