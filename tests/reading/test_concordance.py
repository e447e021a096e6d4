"""kwic, collocates and discover_labels on small hand-made corpora."""

import math

import pandas as pd
import pytest

from framing.reading.concordance import KWICTable, collocates, context, discover_labels, kwic
from framing.errors import FramingError
from framing.lexicon.load import Lexicon

LEX = Lexicon.from_dict({
    "name": "toy",
    "linkers": ["الموالية"],
    "categories": {"legitimacy": ["المعترف بها دوليا"]},
    "referents": {
        "haftar_camp": {"aliases": ["حفتر"],
                        "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
                                   "neutral": ["قوات"]}},
        "gna": {"aliases": ["حكومة الوفاق", "السراج"], "labels": {"neutral": ["قوات"]}},
    },
})


def corpus(texts, outlets=None):
    n = len(texts)
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": outlets or ["Sahil"] * n,
                         "date": pd.to_datetime(["2020-01-01"] * n), "text": texts})


def test_kwic_window_and_original_orthography():
    text = "قال المتحدث إن ومـيلـيشيّات حفتر قصفت\nمطار معيتيقة صباح اليوم"
    res = kwic(corpus([text]), "ميليشيا", lexicon=LEX, window=2, voice="all")
    assert isinstance(res, KWICTable) and len(res) == 1
    row = res.iloc[0]
    assert row["match"] == "ومـيلـيشيّات"  # tatweel, shadda and the clitic kept as written
    assert row["left"] == "المتحدث إن"
    assert row["right"] == "حفتر قصفت"
    assert text[row["start"]:row["end"]] == row["match"]
    assert (row["referent"], row["stance"], row["kind"]) == ("haftar_camp", "delegitimizing", "label")
    wide = kwic(corpus([text]), "ميليشيا", lexicon=LEX, window=4, voice="all").iloc[0]
    assert wide["right"] == "حفتر قصفت مطار معيتيقة"  # the newline shown as a space


def test_kwic_context_at_text_edges_and_zero_window():
    assert context("قوات حفتر", 0, 4, window=3) == ("", "قوات", "حفتر")
    assert context("قوات حفتر", 5, 9, window=0) == ("", "حفتر", "")


def test_kwic_plain_phrase_is_clitic_and_inflection_aware():
    texts = ["رحبت البعثة بالهدنة الجديدة", "لا هدنات بعد اليوم", "وقال إن الهدنة هشة"]
    res = kwic(corpus(texts), "هدنة", window=1, voice="all")
    assert res["match"].tolist() == ["بالهدنة", "هدنات", "الهدنة"]
    assert set(res["kind"]) == {"phrase"} and res["referent"].isna().all()


def test_kwic_term_kinds_referent_label_category_voice():
    texts = ["هاجمت قوات حفتر مواقع قوات حكومة الوفاق المعترف بها دوليا",
             "وقال السراج: «ميليشيا حفتر تقصف المدنيين»"]
    c = corpus(texts)
    assert kwic(c, "label:haftar_camp:neutral", lexicon=LEX)["match"].tolist() == ["قوات"]
    assert kwic(c, "legitimacy", lexicon=LEX)["match"].tolist() == ["المعترف بها دوليا"]
    gna = kwic(c, "gna", lexicon=LEX)
    assert sorted(gna["match"]) == sorted(["قوات", "حكومة الوفاق", "السراج"])
    quoted = kwic(c, "ميليشيا", lexicon=LEX, voice="quoted")
    assert quoted["quoted"].tolist() == [True]
    assert len(kwic(c, "ميليشيا", lexicon=LEX, voice="own")) == 0
    # the term قوات stands for two referents; asking for the term finds both
    assert sorted(kwic(c, "قوات", lexicon=LEX)["referent"]) == ["gna", "haftar_camp"]
    with pytest.raises(FramingError, match="label:<referent>:<stance>"):
        kwic(c, "label:nobody:neutral", lexicon=LEX)


def test_kwic_max_rows_and_slicing_keeps_class():
    res = kwic(corpus(["قوات حفتر"] * 5), "حفتر", lexicon=LEX, max_rows=2)
    assert len(res) == 2 and res.attrs["n_matches"] == 5
    assert isinstance(res.head(1), KWICTable) and isinstance(res[res["doc_id"] == "d0"], KWICTable)


HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><']


def test_kwic_html_is_escaped_and_free_of_bidi_controls():
    texts = [f"قبل {h} قوات حفتر \u202eبعد{h}" for h in HOSTILE]
    c = corpus(texts, outlets=[f"Sahil{h}\u202e" for h in HOSTILE])
    res = kwic(c, "قوات", lexicon=LEX, window=3, voice="all")
    assert len(res) == 3
    page = res._repr_html_()
    assert page.startswith('<table dir="rtl"')
    assert "<b>قوات</b>" in page
    for bad in ("<script", "<img", "onerror=alert(1)>"):
        assert bad not in page
    assert _tags(page) <= {"table", "caption", "thead", "tbody", "tr", "th", "td", "b"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&quot;&gt;&lt;" in page
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        assert ch not in page
    assert "&#x202e;" not in page.lower() and "&#8238;" not in page
    # a hostile query term is escaped in the caption too
    phrase = kwic(corpus(['كلمة <img src=x onerror=alert(1)> "><script>']), "<img src=x onerror=alert(1)>")
    html_ = phrase._repr_html_()
    assert "&lt;img src=x onerror=alert(1)&gt;:" in html_  # the caption names the query, escaped
    assert "<img" not in html_ and "<script" not in html_
    assert _tags(html_) <= {"table", "caption", "thead", "tbody", "tr", "th", "td", "b"}


def _tags(page):
    """Every tag and attribute name the browser would see (parsed, not searched as text)."""
    from html.parser import HTMLParser

    seen = set()

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            seen.add(tag)
            assert {a for a, _ in attrs} <= {"dir", "class", "style"}, attrs

    P().feed(page)
    return seen


# ----------------------------------------------------------------------------- collocates

def test_collocates_measures_by_hand():
    # node قصف; window 1. Tokens (after clitic stripping): doc0 = [مدفعية, قصف, مطار] etc.
    texts = ["المدفعية قصف المطار", "قصف المطار ليلا", "المطار مغلق"]
    res = collocates(corpus(texts), "قصف", window=1, by=None, min_count=1)
    row = res.set_index("collocate").loc["مطار"]
    O, fn, fc, N, S = 2, 2, 3, 8, 2
    E = fn * S * fc / N
    assert row["count"] == O and row["freq_node"] == fn and row["freq_collocate"] == fc and row["n_tokens"] == N
    assert row["expected"] == pytest.approx(E)
    assert row["mi"] == pytest.approx(math.log2(O / E))
    assert row["logdice"] == pytest.approx(14 + math.log2(2 * O / (fn + fc)))
    assert row["t"] == pytest.approx((O - E) / math.sqrt(O))
    R1 = fn * S
    obs = [O, R1 - O, fc - O, N - R1 - fc + O]
    exp = [R1 * fc / N, R1 * (N - fc) / N, (N - R1) * fc / N, (N - R1) * (N - fc) / N]
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(obs, exp) if o > 0)
    assert row["g2"] == pytest.approx(g2)
    assert "مدفعيه" in set(res["collocate"])  # clitic-stripped, normalized (ة → ه)


def test_collocates_by_outlet_and_min_count():
    texts = ["قصف المطار", "قصف المطار", "قصف الميناء"]
    res = collocates(corpus(texts, ["A", "A", "B"]), "قصف", window=2, min_count=2)
    assert res[["outlet", "collocate", "count"]].values.tolist() == [["A", "مطار", 2]]
    with pytest.raises(FramingError, match="measures"):
        collocates(corpus(texts), "قصف", measures=("pmi",))


# ----------------------------------------------------------------------------- discover_labels

def test_discover_labels_finds_a_planted_candidate():
    planted = ["هاجمت عصابة حفتر المدينة"] * 4 + ["قصفت عصابة حفتر الميناء"] * 2
    other = ["تقدمت قوات حفتر نحو المدينة"] * 6 + ["وقال السراج إن ميليشيا حفتر تقصف"] * 2
    c = corpus(planted + other, ["A"] * 6 + ["B"] * 8)
    res = discover_labels(c, LEX, "haftar_camp", min_count=3)
    a = res[res["outlet"] == "A"]
    top = a.iloc[0]
    assert (top["candidate"], top["position"], top["count"]) == ("عصابه", "before", 6)
    assert top["z"] > 0 and "عصابة حفتر" in top["example"]
    # lexicon words (قوات, ميليشيا, the alias السراج) are never candidates
    assert not set(res["candidate"]) & {"قوات", "ميليشيا", "سراج", "السراج"}
    with pytest.raises(FramingError, match="not a referent"):
        discover_labels(c, LEX, "wagner")


def test_discover_labels_does_not_cross_punctuation():
    c = corpus(["انتهى الاجتماع. حفتر يرفض"] * 3)
    res = discover_labels(c, LEX, "haftar_camp", min_count=1, window=1)
    assert res[res["position"] == "before"].empty
    assert "يرفض" in set(res["candidate"])
