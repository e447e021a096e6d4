"""The interactive term map: its data (counts, z, stances, KWIC lines, caps) and, in headless Chromium,
hovering and clicking."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing import FramingError
from framing.analyses.compare import compare_outlets, term_counts
from framing.text.morphology import strip_clitics
from framing.text.normalization import normalize
from framing.analyses.termmap import term_map, term_map_section

LEX = {"name": "toy", "referents": {"east": {
    "aliases": ["حفتر"],
    "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["قوات"], "legitimizing": ["الجيش الوطني"]}}}}

# sentences written for these tests; outlet A prefers ميليشيات, B قوات, C neither
PARTS = {
    "A": ["قصفت الميليشيات التابعة لحفتر الأحياء السكنية", "وقالت مصادر محلية إن ميليشيات حفتر انسحبت",
          "وتواصلت المعارك جنوب العاصمة", "وأعلنت البلدية إغلاق المدارس"],
    "B": ["تقدمت قوات حفتر نحو المطار", "وقالت القوات إنها سيطرت على الطريق الساحلي",
          "وتواصلت المعارك جنوب العاصمة", "وارتفعت أسعار الوقود في الأسواق"],
    "C": ["عقد البرلمان جلسة لمناقشة الميزانية", "وارتفعت أسعار الوقود في الأسواق",
          "وأعلنت البلدية إغلاق المدارس", "وتقدمت قوات حفتر قرب المطار"],
}


def _corpus(n=40, seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for outlet, sentences in PARTS.items():
        for i in range(n):
            picks = rng.choice(len(sentences), size=3)
            rows.append((f"{outlet}{i}", outlet, ". ".join(sentences[k] for k in picks) + "."))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "text"])


@pytest.fixture(scope="module")
def corpus():
    return _corpus()


@pytest.fixture(scope="module")
def tm(corpus):
    return term_map(corpus, lexicon=LEX, min_count=2, lines_per_term=4)


def test_counts_and_z_come_from_compare(corpus, tm):
    counts = term_counts(corpus, vocabulary="all", ngram_range=(1, 1))
    res = compare_outlets(counts, method="log_odds")
    t = tm.terms.set_index("term")
    for term in ["ميليشيات", "قوات", "معارك"]:
        for o in "ABC":
            want = counts[(counts["outlet"] == o) & (counts["term"] == term)]["count"].sum()
            assert t.loc[term, o] == want
        z = res[(res["outlet"] == "A") & (res["term"] == term)]["z"].iloc[0]
        assert t.loc[term, "z:A vs rest"] == pytest.approx(z)
    assert t.loc["ميليشيات", "z:A vs rest"] > 1.96 and t.loc["ميليشيات", "B"] == 0
    assert [c[0] for c in tm.comparisons] == ["A vs rest", "B vs rest", "C vs rest"]


def test_stances_follow_the_lexicon_with_inflection(tm):
    t = tm.terms.set_index("term")
    assert t.loc["ميليشيات", "stance"] == "delegitimizing"  # the plural of the label ميليشيا
    assert t.loc["قوات", "stance"] == "neutral"
    assert t.loc["حفتر", "stance"] == "alias"
    from framing.analyses.termmap import _label_stances, _stance_of

    forms, prefixes = _label_stances({"name": "y", "referents": {"h": {"aliases": ["الحوثي"],
                                                                       "labels": {"delegitimizing": ["ميليشي*"]}}}})
    assert _stance_of("حوثيين", forms, prefixes) == "alias"  # an inflected alias, as the matcher finds it
    assert _stance_of("ميليشياته", forms, prefixes) == "delegitimizing"  # a glob entry
    assert t.loc["معارك", "stance"] == ""


def test_lines_are_original_spelling_of_the_term_one_per_document(corpus, tm):
    texts = corpus.set_index("doc_id")["text"]
    known = set(tm.terms["term"])
    for i, term in enumerate(tm.terms["term"]):
        lines = tm.lines[i]
        assert len(lines) <= 4
        assert len({d for *_, d in lines}) == len(lines)  # one line per document
        for outlet, left, key, right, doc in lines:
            assert key in texts[doc] and doc.startswith(outlet)
            assert strip_clitics(normalize(key), known | {term}) == term
    j = tm.terms.index[tm.terms["term"] == "ميليشيات"][0]
    assert {k for _, _, k, _, _ in tm.lines[j]} <= {"الميليشيات", "ميليشيات"}
    assert len(tm.lines[j]) == 4


def test_line_bytes_are_capped(corpus):
    small = term_map(corpus, min_count=2, lines_per_term=6, max_line_bytes=3000)
    size = sum(len((o + l + k + r).encode()) + 12 for ls in small.lines for o, l, k, r, _ in ls)
    assert 0 < size <= 3000
    per_term = {len(ls) for ls in small.lines}
    assert max(per_term) < 6


def test_reference_outlet_and_outlets_choice(corpus):
    tm = term_map(corpus, min_count=2, outlets=["A"], reference="B", lines_per_term=0)
    assert tm.comparisons == [("A vs B", "A", "B")]
    assert all(len(ls) == 0 for ls in tm.lines)
    two = corpus[corpus["outlet"].isin(["A", "B"])]
    res = compare_outlets(term_counts(two, vocabulary="all", ngram_range=(1, 1)))
    z = res[(res["outlet"] == "A") & (res["term"] == "قوات")]["z"].iloc[0]
    assert tm.terms.set_index("term").loc["قوات", "z:A vs B"] == pytest.approx(z)


def test_bad_input(corpus):
    with pytest.raises(FramingError, match="no column"):
        term_map(corpus, by="country")
    with pytest.raises(FramingError, match="at least two"):
        term_map(corpus[corpus["outlet"] == "A"])
    with pytest.raises(FramingError, match="reference"):
        term_map(corpus, reference="Z")
    with pytest.raises(FramingError, match="not in the corpus"):
        term_map(corpus, outlets=["Z"])
    with pytest.raises(FramingError, match="max_terms"):
        term_map(corpus, max_terms=0)


def test_html_is_self_contained_and_cannot_be_broken_out_of(corpus):
    hostile = corpus.assign(outlet=corpus["outlet"].replace({"C": "</script><img src=x onerror=alert(1)>"}))
    tm = term_map(hostile, min_count=2, lines_per_term=2)
    html = tm.html()
    assert "</script><img" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing loaded from the network
    data = re.search(r'<script type="application/json" id="(tm\d+)-data">(.*?)</script>', html, re.S)
    payload = json.loads(data.group(2))
    assert len(payload["terms"]) == len(tm.terms) and len(payload["lines"]) == len(tm.terms)
    section = term_map_section(tm)
    assert section.startswith("<section>") and "Monroe" in section


# --------------------------------------------------------------------------- headless Chromium

# the `browser` fixture (one headless Chromium) is in tests/conftest.py


def _open(browser, tm, tmp_path):
    path = tm.save(tmp_path / "termmap.html")
    page = browser.new_page(viewport={"width": 1150, "height": 1000})
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(Path(path).resolve().as_uri())
    uid = page.eval_on_selector(".framing-termmap", "e => e.id")
    return page, uid, errors, requests


def _point(page, uid, term):
    pos = page.evaluate(f"window.framingTermMaps[{json.dumps(uid)}].positionOf({json.dumps(term)})")
    assert pos is not None, f"{term} is not drawn"
    box = page.locator(f"#{uid} canvas").bounding_box()
    return box["x"] + pos["x"], box["y"] + pos["y"]


def test_browser_click_shows_rtl_lines_and_hover_shows_counts(browser, tm, tmp_path):
    page, uid, errors, requests = _open(browser, tm, tmp_path)
    x, y = _point(page, uid, "ميليشيات")
    page.mouse.move(x, y)
    tip = page.locator(f"#{uid} .tm-tip")
    assert tip.is_visible()
    t = tm.terms.set_index("term").loc["ميليشيات"]
    text = tip.inner_text()
    assert "ميليشيات" in text and f"A: {t['A']}" in text and f"rest: {t['B'] + t['C']}" in text
    page.mouse.click(x, y)
    lines = page.locator(f"#{uid} .tm-line")
    j = int(tm.terms.index[tm.terms["term"] == "ميليشيات"][0])
    assert lines.count() == len(tm.lines[j]) > 0
    for k in range(lines.count()):
        line = lines.nth(k)
        assert line.get_attribute("dir") == "rtl"
        assert line.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert line.locator("mark").inner_text() in {"الميليشيات", "ميليشيات"}
    page.screenshot(path=str(tmp_path / "termmap.png"), full_page=True)
    assert (tmp_path / "termmap.png").stat().st_size > 10_000
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests)


def test_browser_menu_switches_the_comparison(browser, tm, tmp_path):
    page, uid, errors, _ = _open(browser, tm, tmp_path)
    before = page.evaluate(f"window.framingTermMaps[{json.dumps(uid)}].positionOf('قوات')")
    page.select_option(f"#{uid} select", "1")  # B vs rest: قوات moves up
    after = page.evaluate(f"window.framingTermMaps[{json.dumps(uid)}].positionOf('قوات')")
    assert after["y"] < before["y"]
    x, y = _point(page, uid, "قوات")
    page.mouse.click(x, y)
    head = page.locator(f"#{uid} .tm-panel-counts").inner_text()
    assert head.startswith(" B:")
    # the chosen outlet's own lines come first
    first = page.locator(f"#{uid} .tm-line .tm-src").first.inner_text()
    assert first == "B"
    assert errors == []


def test_browser_search_finds_a_word_as_written(browser, tm, tmp_path):
    page, uid, errors, _ = _open(browser, tm, tmp_path)
    api = f"window.framingTermMaps[{json.dumps(uid)}]"
    assert page.evaluate(f"{api}.find('الميليشيات')") == "ميليشيات"  # article stripped
    assert page.evaluate(f"{api}.find('العاصمة')") == "عاصمه"  # teh marbuta folded as the search profile does
    page.fill(f"#{uid} .tm-search", "وميليشيات")
    page.press(f"#{uid} .tm-search", "Enter")
    assert page.locator(f"#{uid} .tm-line").count() > 0
    assert page.locator(f"#{uid} .tm-panel-term").inner_text() == "ميليشيات"
    assert errors == []
