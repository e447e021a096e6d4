"""The term map as HTML (framing.output.termmap_html): self-contained, safe against hostile names, and in
headless Chromium hovering, clicking, the menu and the search."""

import json
import re
from pathlib import Path

from framing.analyses.termmap import term_map
from framing.output.termmap_html import payload, save_termmap, term_map_section, termmap_block, termmap_page


def test_html_is_self_contained_and_cannot_be_broken_out_of(termmap_corpus):
    hostile = termmap_corpus.assign(
        outlet=termmap_corpus["outlet"].replace({"C": "</script><img src=x onerror=alert(1)>"}))
    tm = term_map(hostile, min_count=2, lines_per_term=2)
    html = tm.html()
    assert "</script><img" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing loaded from the network
    data = re.search(r'<script type="application/json" id="(tm\d+)-data">(.*?)</script>', html, re.S)
    payload = json.loads(data.group(2))
    assert len(payload["terms"]) == len(tm.terms) and len(payload["lines"]) == len(tm.terms)
    section = term_map_section(tm)
    assert section.startswith("<section>") and "Monroe" in section


def test_methods_of_the_term_map_are_the_functions_here(termmap_toy, tmp_path):
    """TermMap.payload/html/page/save are this module's functions; each block gets its own ids."""
    assert termmap_toy.payload() == payload(termmap_toy)
    first, second = termmap_block(termmap_toy), termmap_toy.html()
    ids = [re.search(r'id="(tm\d+)"', b).group(1) for b in (first, second)]
    assert ids[0] != ids[1]
    assert termmap_page(termmap_toy, first) == termmap_toy.page(first)
    a = save_termmap(termmap_toy, tmp_path / "a.html", block=first)
    b = termmap_toy.save(tmp_path / "b.html", block=first)
    assert Path(a).read_bytes() == Path(b).read_bytes()
    assert term_map_section(termmap_toy, wrap=False, block=first).endswith(first)


# --------------------------------------------------------------------------- headless Chromium

# the `browser` fixture (one headless Chromium) is in tests/conftest.py


def _open(browser, termmap_toy, tmp_path):
    path = termmap_toy.save(tmp_path / "termmap.html")
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


def test_browser_click_shows_rtl_lines_and_hover_shows_counts(browser, termmap_toy, tmp_path):
    page, uid, errors, requests = _open(browser, termmap_toy, tmp_path)
    x, y = _point(page, uid, "ميليشيات")
    page.mouse.move(x, y)
    tip = page.locator(f"#{uid} .tm-tip")
    assert tip.is_visible()
    t = termmap_toy.terms.set_index("term").loc["ميليشيات"]
    text = tip.inner_text()
    assert "ميليشيات" in text and f"A: {t['A']}" in text and f"rest: {t['B'] + t['C']}" in text
    page.mouse.click(x, y)
    lines = page.locator(f"#{uid} .tm-line")
    j = int(termmap_toy.terms.index[termmap_toy.terms["term"] == "ميليشيات"][0])
    assert lines.count() == len(termmap_toy.lines[j]) > 0
    for k in range(lines.count()):
        line = lines.nth(k)
        assert line.get_attribute("dir") == "rtl"
        assert line.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert line.locator("mark").inner_text() in {"الميليشيات", "ميليشيات"}
    page.screenshot(path=str(tmp_path / "termmap.png"), full_page=True)
    assert (tmp_path / "termmap.png").stat().st_size > 10_000
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests)


def test_browser_menu_switches_the_comparison(browser, termmap_toy, tmp_path):
    page, uid, errors, _ = _open(browser, termmap_toy, tmp_path)
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


def test_browser_search_finds_a_word_as_written(browser, termmap_toy, tmp_path):
    page, uid, errors, _ = _open(browser, termmap_toy, tmp_path)
    api = f"window.framingTermMaps[{json.dumps(uid)}]"
    assert page.evaluate(f"{api}.find('الميليشيات')") == "ميليشيات"  # article stripped
    assert page.evaluate(f"{api}.find('العاصمة')") == "عاصمه"  # teh marbuta folded as the search profile does
    page.fill(f"#{uid} .tm-search", "وميليشيات")
    page.press(f"#{uid} .tm-search", "Enter")
    assert page.locator(f"#{uid} .tm-line").count() > 0
    assert page.locator(f"#{uid} .tm-panel-term").inner_text() == "ميليشيات"
    assert errors == []
