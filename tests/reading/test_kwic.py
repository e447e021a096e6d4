"""kwic and context (framing.reading.kwic) on small hand-made corpora; the old import path."""

import pytest

from framing.errors import FramingError
from framing.reading.kwic import Context, KWICTable, context, kwic


def test_kwic_window_and_original_orthography(lex, make_corpus):
    text = "قال المتحدث إن ومـيلـيشيّات حفتر قصفت\nمطار معيتيقة صباح اليوم"
    res = kwic(make_corpus([text]), "ميليشيا", lexicon=lex, window=2, voice="all")
    assert isinstance(res, KWICTable) and len(res) == 1
    row = res.iloc[0]
    assert row["match"] == "ومـيلـيشيّات"  # tatweel, shadda and the clitic kept as written
    assert row["left"] == "المتحدث إن"
    assert row["right"] == "حفتر قصفت"
    assert text[row["start"]:row["end"]] == row["match"]
    assert (row["referent"], row["stance"], row["kind"]) == ("haftar_camp", "delegitimizing", "label")
    wide = kwic(make_corpus([text]), "ميليشيا", lexicon=lex, window=4, voice="all").iloc[0]
    assert wide["right"] == "حفتر قصفت مطار معيتيقة"  # the newline shown as a space


def test_kwic_context_at_text_edges_and_zero_window():
    assert context("قوات حفتر", 0, 4, window=3) == ("", "قوات", "حفتر")
    assert context("قوات حفتر", 5, 9, window=0) == ("", "حفتر", "")


def test_kwic_plain_phrase_is_clitic_and_inflection_aware(make_corpus):
    texts = ["رحبت البعثة بالهدنة الجديدة", "لا هدنات بعد اليوم", "وقال إن الهدنة هشة"]
    res = kwic(make_corpus(texts), "هدنة", window=1, voice="all")
    assert res["match"].tolist() == ["بالهدنة", "هدنات", "الهدنة"]
    assert set(res["kind"]) == {"phrase"} and res["referent"].isna().all()


def test_kwic_term_kinds_referent_label_category_voice(lex, make_corpus):
    texts = ["هاجمت قوات حفتر مواقع قوات حكومة الوفاق المعترف بها دوليا",
             "وقال السراج: «ميليشيا حفتر تقصف المدنيين»"]
    c = make_corpus(texts)
    assert kwic(c, "label:haftar_camp:neutral", lexicon=lex)["match"].tolist() == ["قوات"]
    assert kwic(c, "legitimacy", lexicon=lex)["match"].tolist() == ["المعترف بها دوليا"]
    gna = kwic(c, "gna", lexicon=lex)
    assert sorted(gna["match"]) == sorted(["قوات", "حكومة الوفاق", "السراج"])
    quoted = kwic(c, "ميليشيا", lexicon=lex, voice="quoted")
    assert quoted["quoted"].tolist() == [True]
    assert len(kwic(c, "ميليشيا", lexicon=lex, voice="own")) == 0
    # the term قوات stands for two referents; asking for the term finds both
    assert sorted(kwic(c, "قوات", lexicon=lex)["referent"]) == ["gna", "haftar_camp"]
    with pytest.raises(FramingError, match="label:<referent>:<stance>"):
        kwic(c, "label:nobody:neutral", lexicon=lex)


def test_kwic_max_rows_and_slicing_keeps_class(lex, make_corpus):
    res = kwic(make_corpus(["قوات حفتر"] * 5), "حفتر", lexicon=lex, max_rows=2)
    assert len(res) == 2 and res.attrs["n_matches"] == 5
    assert isinstance(res.head(1), KWICTable) and isinstance(res[res["doc_id"] == "d0"], KWICTable)


HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><']


def test_kwic_html_is_escaped_and_free_of_bidi_controls(lex, make_corpus):
    texts = [f"قبل {h} قوات حفتر \u202eبعد{h}" for h in HOSTILE]
    c = make_corpus(texts, outlets=[f"Sahil{h}\u202e" for h in HOSTILE])
    res = kwic(c, "قوات", lexicon=lex, window=3, voice="all")
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
    phrase = kwic(make_corpus(['كلمة <img src=x onerror=alert(1)> "><script>']), "<img src=x onerror=alert(1)>")
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


def test_context_is_named():
    left, match, right = ctx = context("قال إن «قوات حفتر» تقدمت", 8, 12, window=1)
    assert isinstance(ctx, Context) and (ctx.left, ctx.match, ctx.right) == (left, match, right)
    assert ctx == ("إن «", "قوات", "حفتر»")  # a lone « travels with the words, uncounted


def test_old_import_path_keeps_every_name():
    import framing
    from framing.reading import collocates, concordance, discover
    from framing.reading import kwic as kwic_module

    assert concordance.kwic is kwic_module.kwic is framing.kwic
    assert concordance.KWICTable is KWICTable is framing.KWICTable
    assert concordance.collocates is collocates.collocates is framing.collocates
    assert concordance.discover_labels is discover.discover_labels is framing.discover_labels
    assert concordance.default_stopwords is discover.default_stopwords
    for name in ("KWIC_COLUMNS", "context", "MEASURES"):
        assert hasattr(concordance, name)
