"""Hostile text: every HTML the project writes escapes corpus and lexicon text, and bidi controls
cannot reorder what is shown. Plus a scan of the package source for unsafe loaders.

The payloads go into titles, texts, outlet names, doc_ids and lexicon terms; the HTML output is
parsed and every tag and attribute checked against what the writer itself emits.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BREAK = '"><'
PAYLOADS = (SCRIPT, IMG, BREAK)
BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
        "\u200e", "\u200f", "\u061c")

# a lexicon whose canonical terms carry the payloads; the variants are what the texts contain
LEXICON = {
    "name": "hostile",
    "version": 1,
    "description": f"terms with markup {SCRIPT}",
    "categories": {"hedge": [{"term": f"ما يسمى{SCRIPT}", "variants": ["ما يسمى"], "note": IMG}]},
    "referents": {
        "camp": {
            "description": IMG,
            "aliases": [{"term": f"{BREAK}حفتر\u202e", "variants": ["حفتر"]}],
            "labels": {
                "delegitimizing": [{"term": f"{IMG}عصابة", "variants": ["عصابة"]},
                                   {"term": f"ميليشيا{SCRIPT}", "variants": ["ميليشيا"]}],
                "neutral": [{"term": f"قوات{BREAK}", "variants": ["قوات"]}],
            },
        },
    },
}

# outlets with markup and bidi controls in their names (outlet names are not stripped of markup)
OUTLETS = [f"صحيفة {SCRIPT}", f"إذاعة {IMG}", f"قناة {BREAK} \u202eالخبر\u202c"]


def hostile_text(i: int) -> str:
    """A sentence with payloads around real label matches, bidi controls inside words."""
    label = ["ميليشيا", "عصابة", "قوات"][i % 3]
    return (f"قال مراسل {SCRIPT} إن {label} حفتر \u202eتقدمت\u202c نحو {IMG} المدينة "
            f"{BREAK} وما يسمى المجلس \u2067رد\u2069 اليوم رقم {i}")


def hostile_corpus() -> pd.DataFrame:
    rows = []
    for i in range(30):
        rows.append({"doc_id": f"{BREAK}{i}{IMG}", "outlet": OUTLETS[i % 3],
                     "date": f"2020-0{1 + i % 3}-1{i % 9}", "title": f"{SCRIPT} عنوان {i}",
                     "text": hostile_text(i)})
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    return df


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section", "table",
                "caption", "thead", "tbody", "tr", "th", "td", "b", "figure", "img", "figcaption", "ul", "li", "div", "span", "small", "code"}
ALLOWED_ATTRS = {"lang", "charset", "dir", "class", "style", "alt", "src", "content", "name"}


_TERMMAP = re.compile(r'<div class="framing-termmap" id="(tm\d+)" data-termmap="\1"><style>.*?</style>'
                      r'<script type="application/json" id="\1-data">(.*?)</script>'
                      r'<script>(.*?)</script></div>', re.DOTALL)


def _own_scripts_removed(html: str) -> str:
    """The report's term maps are framing's own script blocks: check them, then take them out.

    Their only data is a JSON payload in which no "<" is left raw (so a corpus line cannot close the
    script or open a tag), and their code is exactly the packaged term-map script.
    """
    from framing.output.termmap_html import asset as _asset

    js = _asset("termmap.js")
    for m in _TERMMAP.finditer(html):
        data, code = m.group(2), m.group(3)
        assert "<" not in data, "raw '<' inside the term map's JSON payload"
        json.loads(data)
        assert code.startswith(js), "the term map's script is not the packaged one"
    return _TERMMAP.sub("", html)


def assert_inert(html: str, *, expect_payload_text: bool = True):
    """No live markup from the data: only the writer's own tags and attributes, payloads as text."""
    html = _own_scripts_removed(html)
    low = html.lower()
    assert "<script" not in low
    assert "<img src=x" not in low
    parser = _Collector()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"unexpected tag <{tag}>"
        for name, value in attrs:
            assert name in ALLOWED_ATTRS, f"unexpected attribute {name}={value!r} on <{tag}>"
            if tag == "img" and name == "src":
                assert value.startswith("data:image/png;base64,")
            if name == "dir":
                assert value in ("rtl", "ltr", "auto")
    text = "".join(parser.text)
    if expect_payload_text:
        # the payloads arrived and are shown as text (what a reader sees), not as markup
        for payload in PAYLOADS:
            assert payload in text, f"payload {payload!r} did not come through as text"
    return text


def assert_no_bidi(html: str):
    for ch in BIDI:
        assert ch not in html, f"raw U+{ord(ch):04X} in the HTML"
        for ref in (f"&#{ord(ch)};", f"&#x{ord(ch):x};", f"&#x{ord(ch):X};", f"&#x{ord(ch):04x};",
                    f"&#x{ord(ch):04X};"):
            assert ref.lower() not in html.lower(), f"{ref} in the HTML"
    assert not re.search(r"&(rlo|lro|rle|lre|pdf|lrm|rlm|alm|lri|rli|fsi|pdi);", html, re.IGNORECASE)


# --- KWIC ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["camp", "label:camp:delegitimizing", "ميليشيا", "hedge", "قوات"])
def test_kwic_html_escapes_corpus_and_lexicon_text(query):
    from framing.reading.concordance import kwic
    from framing.lexicon.load import Lexicon

    table = kwic(hostile_corpus(), query, lexicon=Lexicon.from_dict(LEXICON), voice="all")
    assert len(table) > 0
    html = table._repr_html_()
    assert_inert(html)
    assert_no_bidi(html)
    # escaped markup is visible as text, e.g. the outlet name in its cell
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;" in html


def test_kwic_html_escapes_the_query_and_plain_phrases():
    from framing.reading.concordance import kwic

    corpus = hostile_corpus()
    table = kwic(corpus, "المدينة", voice="all")
    assert len(table) == len(corpus)
    html = table._repr_html_()
    assert_inert(html)
    assert_no_bidi(html)
    # a query that is itself markup: found nowhere as a word, but its caption is escaped
    html = kwic(corpus, f"{IMG} حفتر", voice="all")._repr_html_()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_kwic_bidi_controls_removed_not_encoded():
    from framing.reading.concordance import kwic

    corpus = pd.DataFrame({"doc_id": ["a\u202eb"], "outlet": ["\u2067منفذ\u2069"],
                           "text": ["\u202eقالت\u202c قوات \u200fحفتر\u200e \u061cاليوم \u202dغدا\u202c"]})
    html = kwic(corpus, "قوات", voice="all")._repr_html_()
    assert_no_bidi(html)
    # the letters around the controls are all still shown
    for word in ("قالت", "حفتر", "اليوم", "غدا", "منفذ", "ab"):
        assert word in html


# --- report.html --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    from framing.cli import main

    d = tmp_path_factory.mktemp("hostile")
    corpus = d / "c.jsonl"
    rows = hostile_corpus().assign(date=lambda x: x["date"].dt.strftime("%Y-%m-%d"))
    # feed the payloads into texts and titles as HTML entities, so that the reader's tag stripping
    # turns them into literal markup characters in the corpus text
    recs = []
    for rec in rows.to_dict("records"):
        for key in ("text", "title"):
            rec[key] = rec[key].replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        recs.append(json.dumps(rec, ensure_ascii=False))
    corpus.write_text("\n".join(recs) + "\n", encoding="utf-8")
    lex = d / f"{BREAK.strip('<')}lex.yaml"
    lex.write_text(yaml.safe_dump(LEXICON, allow_unicode=True), encoding="utf-8")
    out = d / "out"
    code = main(["analyze", str(corpus), "--lexicon", str(lex), "--out", str(out), "--n-boot", "20"])
    assert code == 0
    return corpus, out


def test_corpus_keeps_payloads_as_text(hostile_report):
    from framing.corpus.reader import read_corpus

    corpus, _ = hostile_report
    df = read_corpus(corpus)
    assert df["text"].str.contains(SCRIPT, regex=False).all()  # entities became literal text
    assert df["outlet"].str.contains("<", regex=False).all()


def test_report_html_escapes_everything(hostile_report):
    _, out = hostile_report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    shown = assert_inert(html)
    assert_no_bidi(html)
    # outlet names and lexicon terms (top terms table) are shown, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;عصابة" in html or "&lt;img src=x onerror=alert(1)&gt;" in html
    assert f"صحيفة {SCRIPT}" in shown
    assert "الخبر" in shown


# --- the package source ------------------------------------------------------------------------------------------
SOURCES = sorted((Path(__file__).resolve().parents[1] / "framing").rglob("*.py"))


def _code_lines(path: Path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.split("#", 1)[0] if not line.lstrip().startswith(("'", '"', ">>>")) else line
        yield n, stripped


def test_sources_found():
    assert len(SOURCES) > 10


@pytest.mark.parametrize("pattern, why", [
    (r"(?<![\w.])eval\s*\(", "eval"),
    (r"(?<![\w.])exec\s*\(", "exec"),
    (r"pickle\.loads?\s*\(|cPickle|dill\.load|joblib\.load|marshal\.loads?", "unpickling"),
    (r"yaml\.(?:load|load_all|full_load|unsafe_load|unsafe_load_all)\s*\(", "YAML loading other than safe_load"),
    (r"(?:Full|Unsafe)?Loader\s*=\s*(?!yaml\.SafeLoader\b)[\w.]+", "a YAML Loader other than SafeLoader"),
    (r"shell\s*=\s*True|os\.system\s*\(", "shell commands"),
])
def test_source_has_no_unsafe_calls(pattern, why):
    hits = [f"{p.relative_to(p.parents[1])}:{n}: {line.strip()}"
            for p in SOURCES for n, line in _code_lines(p) if re.search(pattern, line)]
    assert not hits, f"{why} in the package source:\n" + "\n".join(hits)


def test_yaml_is_read_through_safe_load():
    uses = [(p, n, line) for p in SOURCES for n, line in _code_lines(p) if re.search(r"\byaml\.\w+\s*\(", line)]
    assert uses, "expected the lexicon loader to read YAML"
    allowed = re.compile(r"yaml\.(safe_load|safe_dump|compose|YAMLError)\s*\(")
    for p, n, line in uses:
        for call in re.finditer(r"\byaml\.\w+\s*\(", line):
            assert allowed.match(call.group(0)), f"{p.name}:{n}: {line.strip()}"
    composes = [line for _, _, line in uses if "yaml.compose" in line]
    assert all("Loader=yaml.SafeLoader" in line for line in composes)


def test_python_yaml_tags_are_refused_without_running(tmp_path):
    from framing.errors import LexiconError
    from framing.lexicon.load import load_lexicon

    target = tmp_path / "created_by_yaml"
    lex = tmp_path / "evil.yaml"
    lex.write_text(f'!!python/object/apply:os.mkdir ["{target}"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="YAML syntax error"):
        load_lexicon(lex)
    assert not target.exists()
