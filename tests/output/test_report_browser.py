"""report.html read in a real browser: headless Chromium (Debian's package) driven by playwright.

Checked at 1280 px: the page never scrolls sideways, a negative number reads "-0.357" in rendered
order (the minus sign's box left of the digits), tables run left to right while Arabic cells run
right to left, every image has alt text, and nothing is fetched from the network.

Skips with a message when the playwright package or /usr/bin/chromium is missing
(``pip install playwright``; ``apt-get install -y chromium``; `make test` installs both when it can).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from framing.output.report import Section, render_report
from framing.pipeline.analyze import analyze

# the `browser` fixture (one headless Chromium) is in tests/conftest.py


# Invented sentences: one outlet mostly delegitimizes Haftar's camp (a negative legitimacy index).
SENTENCES = {
    "صحيفة الأفق": ["تقدمت ميليشيات حفتر نحو العاصمة وقصفت مرتزقة حفتر الأحياء الجنوبية",
                    "قالت مصادر محلية إن عصابات حفتر انسحبت من المطار"],
    "نشرة المساء": ["أعلن الجيش الوطني الليبي سيطرته على المطار القديم",
                    "تقدمت قوات حفتر نحو الضواحي الجنوبية للعاصمة"],
    "Wadi Times": ["قالت حكومة الوفاق المعترف بها دوليا إنها صدت هجوم قوات حفتر",
                   "أعلن الجيش الليبي بقيادة المشير حفتر وقف إطلاق النار"],
}


def _corpus(path: Path) -> Path:
    k = 0
    with open(path, "w", encoding="utf-8") as fh:
        for outlet, sents in SENTENCES.items():
            for i in range(12):
                k += 1
                day = pd.Timestamp("2020-01-01") + pd.Timedelta(days=3 * k)
                text = f"{sents[i % 2]}. وذكر التقرير رقم {k} تفاصيل أخرى عن {outlet}."
                fh.write(json.dumps({"doc_id": f"b{k}", "outlet": outlet, "date": day.strftime("%Y-%m-%d"),
                                     "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    res = analyze(_corpus(tmp / "c.jsonl"), "libya", tmp / "out", n_boot=50)
    html = res.report.read_text(encoding="utf-8")
    # plus a section with a known negative number, an Arabic cell and a very wide table
    wide = pd.DataFrame({f"عمود طويل جدا رقم {i}": [f"قيمة عربية طويلة {i} " * 3] for i in range(40)})
    extra = render_report("x", [Section("fixtures", tables=[
        ("known", pd.DataFrame({"outlet": ["صحيفة الأفق"], "index": [-0.35714], "lo": [-0.5]})),
        ("wide", wide)])])
    body = extra[extra.index("<section>"): extra.index("</body>")]
    path = tmp / "report.html"
    path.write_text(html.replace("</body>", body + "</body>"), encoding="utf-8")
    return path, html


def test_report_in_chromium(browser, report, tmp_path):
    path, original = report
    assert "http://" not in original and "https://" not in original  # nothing to fetch, in the file itself
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")

    # no horizontal scrolling of the page
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert max(widths[:2]) <= widths[2], widths

    # a negative number reads "-0.357": rendered text and the minus sign's box left of the digits
    cell = page.evaluate("""() => {
        const td = [...document.querySelectorAll('td')].find(t => t.textContent === '-0.357');
        if (!td) return null;
        const node = td.firstChild, r = document.createRange();
        r.setStart(node, 0); r.setEnd(node, 1); const minus = r.getBoundingClientRect();
        r.setStart(node, 1); r.setEnd(node, node.length); const digits = r.getBoundingClientRect();
        return {text: td.innerText, dir: getComputedStyle(td).direction,
                minusRight: minus.right, digitsLeft: digits.left};
    }""")
    assert cell is not None, "no cell with -0.357"
    assert cell["text"] == "-0.357" and cell["dir"] == "ltr"
    assert cell["minusRight"] <= cell["digitsLeft"] + 0.5, cell

    # every negative number of the report (legitimacy, intervals) in the same order
    bad = page.evaluate("""() => [...document.querySelectorAll('td.num')].filter(td => {
        const t = td.textContent; if (!t.startsWith('-')) return false;
        const r = document.createRange(); const n = td.firstChild;
        r.setStart(n, 0); r.setEnd(n, 1); const m = r.getBoundingClientRect();
        r.setStart(n, 1); r.setEnd(n, n.length); const d = r.getBoundingClientRect();
        return m.right > d.left + 0.5; }).map(td => td.textContent)""")
    assert bad == []
    n_negative = page.evaluate(
        "[...document.querySelectorAll('td.num')].filter(t => t.textContent.startsWith('-')).length")
    assert n_negative >= 2  # the report itself has negative legitimacy values, not only the fixture

    # tables left to right; Arabic text cells right to left
    dirs = page.evaluate("[...document.querySelectorAll('table')].map(t => getComputedStyle(t).direction)")
    assert dirs and set(dirs) == {"ltr"}
    arabic = page.evaluate(r"""() => [...document.querySelectorAll('td')]
        .filter(td => /^[\u0600-\u06FF]/.test(td.textContent.trim()))
        .map(td => [td.textContent, getComputedStyle(td).direction, td.matches(':dir(rtl)')])""")
    assert len(arabic) >= 3
    assert all(d == "rtl" and m for _, d, m in arabic), arabic[:3]

    # every image has alt text that names its interval method where it has intervals
    imgs = page.evaluate("[...document.images].map(i => [i.alt, i.naturalWidth, i.getBoundingClientRect().right])")
    assert imgs and all(alt.strip() for alt, _, _ in imgs)
    assert all(w > 0 for _, w, _ in imgs)  # decoded from the embedded data
    assert all(right <= 1280 for _, _, right in imgs)
    alts = [alt for alt, _, _ in imgs]
    assert any("bootstrap" in a for a in alts) and any("Wilson" in a for a in alts)

    # nothing fetched but the file itself and its embedded data
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    shot = os.environ.get("FRAMING_SCREENSHOT")
    if shot:
        page.screenshot(path=shot, full_page=True)
    page.close()
