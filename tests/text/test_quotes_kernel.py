"""The compiled pairing of quotation marks (framing.text.quotescan, ``engine="numba"``) gives exactly the
spans of the Python reference (framing.text.quotes, ``engine="python"``).

Compared on the cases of tests/cases/voice_quotes.json, on edge cases written here, on generated strings
(hypothesis) and, when ../shared is present, on the first ~3 MB of SaudiNewsNet and all of ASND. The
kernel is also run as plain Python (``compiled=False``) on the short texts, so that its logic is checked
without numba too.
"""

from __future__ import annotations

import copy
import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import corpus_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.text import quotes, quotescan
from framing.text.normalization import normalize
from framing.text.quotes import QuoteIndex, quote_spans
from framing.text.quotescan import quote_kernel

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "tests" / "cases" / "voice_quotes.json").read_text(encoding="utf-8"))
CORPORA = ROOT.parent / "shared" / "corpora"

# written for these tests: each exercises a rule of framing.text.quotes
EDGE = {
    "nested": 'قال الوزير: «إن ما يسمى "الجيش الوطني" لن يدخل المدينة» ثم غادر',
    "nested curly": "وصف «القرار “الاخير” للمجلس» بانه متسرع",
    "unclosed": "قال: «لن نتراجع عن موقفنا\nوفي سياق آخر ذكر التقرير ان الوفد وصل",
    "unclosed at the end": 'قال: "نعم',
    "straight across a sentence": 'كتب "الحوار انتهى. ثم عاد الوفد الى بلاده" وانصرف',
    "introduced by a colon": 'وأضاف: "الحوار انتهى. ونحن ننتظر الرد" ثم غادر',
    "introduced by a verb": 'قال المتحدث باسم الوفد "الحوار انتهى. ونحن ننتظر الرد" ثم غادر',
    "introduced by an": 'وأكد أن "الحوار انتهى. ونحن ننتظر الرد" في بيانه',
    "a verb too far back": 'قال الوفد امس في مدينة بعيدة عن هنا بعد اجتماع طويل جدا مع اللجنة "انتهى. ونعود" غدا',
    "a verb in an earlier sentence": 'قال الوفد ذلك. ثم كتب "انتهى. ونعود" غدا',
    "ends its own sentence": 'ثم قال الرجل "انتهى الامر. لا عودة".',
    "ends its paragraph": 'ثم كتب الرجل "انتهى الامر. لا عودة"\nوبعد ذلك',
    "multi-paragraph": "قال الرئيس: «سنواصل العمل\nونحن واثقون من النجاح\n\n  \nولن نتراجع»\nوعاد الوفد",
    "multi-paragraph straight": 'قال: "الفقرة الأولى\nالفقرة الثانية"\nبعد ذلك',
    "multi-paragraph never closed": "قال: «الفقرة الأولى\nالفقرة الثانية\nالفقرة الثالثة",
    "continued then a new quotation": "قال: «الفقرة الأولى\nثم «كلمة» اخرى",
    "stray closer": 'وصل الوفد" الى العاصمة',
    "stray closer after a full stop": 'وصل الوفد." ثم "عاد" الى العاصمة',
    "reversed pair": 'نشر مقالا بعنوان" المرأة والانتخابات "، في الصحيفة',
    "colon spaced before the mark": 'وقالت :" إنه يوم جديد "',
    "proclitic": 'انضم ل"داعش" عدد من الشباب',
    "single curly": "وصف ‘الهدنة’ بانها هشة",
    "right-only curly": "ما يسمى ”المجلس العسكري” في المدينة",
    "abbreviation": 'قال "د. محمد سيحضر غدا" امس',
    "ellipsis": 'كتب "انتظروا... قريبا جدا" وصمت',
    "question and exclamation": 'هتف "لماذا؟ لا نعرف! ربما غدا" وسكت',
    "astral inside": "قال: «نرحب 😀 بالقرار» ثم \U0001d400\"ب\" و",
    "astral letter before a closer": 'كتب "نص\U0001d400" ثم "اخر\U0001d7ce" و',
    "astral after a mark": 'ثم "\U0001d400 كلمة" بعد',
    "lone surrogate": "قال «\ud800 نعم» ثم",
    "other spaces": 'قال\u00a0"كلمة.\u2003وكلمة"\u2029ثم',
    "digits and underscores": 'رقم 12" ثم a_"b" و "٣٤"_ و²"x"',
    "continued, closed by a spaced guillemet": "قال: «الفقرة الأولى\nالفقرة الثانية »\nثم",
    "continued, straight closer spaced": 'قال: "الفقرة الأولى\nالفقرة الثانية "\nثم',
    "continued, other closer": "قال: “الفقرة الأولى\nالفقرة الثانية»\nثم”",
    "curly closer inside guillemets": "قال «كلمة ”اخرى» ثم» و",
    "abbreviation after a digit": 'كتب "3د. محمد حضر" امس',
    "abbreviation after a letter": 'كتب "مد. محمد حضر" امس',
    "sentence end before a digit": 'كتب "انتهى. 3 ايام" امس',
    "sentence end before a superscript": 'كتب "انتهى. ² ايام" امس',
    "dot after a dot": 'كتب "انتهى.. ثم عاد" امس',
    "dot before an ellipsis": 'كتب "انتهى.… ثم عاد" امس',
    "closer before an underscore": 'كلمة"_ ثم "نعم" و',
    "reversed pair before an underscore": 'بعنوان" المرأة "_ في',
    "adjacent straight marks": 'قال "" ثم " "',
    "own sentence at the very end": 'ثم كتب الرجل "انتهى الامر. لا عودة"',
    "empty": "",
    "only newlines": "\n\n\n",
    "only marks": '«»“”"‘’""«\n»',
}


@pytest.fixture(autouse=True)
def _all_questions(monkeypatch):
    """The kernel answers every text here, however many questions it asks (see test_many_questions)."""
    monkeypatch.setattr(quotescan, "MAX_QUESTIONS", 10**6)


def _agree(text: str) -> list:
    ref = quote_spans(text, engine="python")
    assert quote_spans(text, engine="numba") == ref
    scanner = quotes.quote_scanner()
    assert scanner is not None
    flat = scanner.spans(text, compiled=False)  # the kernel's code run as Python
    assert list(zip(flat[::2], flat[1::2], strict=True)) == [tuple(s) for s in ref]
    return ref


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_quote_cases_agree(case):
    norm = normalize(case["text"])
    assert [norm[s:e] for s, e in _agree(norm)] == [normalize(q) for q in case["quoted"]]


def test_quote_cases_joined_agree():
    text = "\n".join(normalize(c["text"]) for c in CASES)
    assert len(_agree(text)) >= len(CASES)


@pytest.mark.parametrize("name", list(EDGE))
def test_edge_cases_agree(name):
    _agree(EDGE[name])
    _agree(normalize(EDGE[name]))


def test_edge_cases_reach_the_rules():
    """The edge cases are not vacuous: they quote, leave unquoted and ask the lexicon as intended."""
    assert quote_spans(EDGE["straight across a sentence"]) == []
    for name in ("introduced by a colon", "introduced by a verb", "introduced by an"):
        assert len(quote_spans(normalize(EDGE[name]))) == 1, name
    assert quote_spans(normalize(EDGE["a verb too far back"])) == []
    text = EDGE["multi-paragraph"]
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "سنواصل العمل", "ونحن واثقون من النجاح", "ولن نتراجع"]  # the blank paragraphs are left out
    scanner = copy.copy(quotes.quote_scanner())
    asked = []
    scanner.introduced = lambda text, pos, start: asked.append(pos) or quotes._introduced(text, pos, start)
    scanner.spans(normalize(EDGE["introduced by a verb"]))
    assert len(asked) == 1


def test_many_spans_and_astral_text():
    text = " ".join(f"«كلمة{i}»" for i in range(300))
    assert len(_agree(text)) == 300
    scanner = copy.copy(quotes.quote_scanner())
    scanner.full = None
    astral = EDGE["astral letter before a closer"]
    flat = scanner.spans(astral)
    assert scanner.full is not None and len(scanner.full) == 0x110000 and len(scanner.table) == 0x10000
    assert list(zip(flat[::2], flat[1::2], strict=True)) == [tuple(s) for s in quote_spans(astral, engine="python")]


def test_kernel_refuses_a_table_too_small():
    scanner = quotes.quote_scanner()
    cps = np.frombuffer("«\U0001d400»".encode("utf-32-le"), dtype=np.uint32)
    empty = np.zeros(0, dtype=np.int64)
    with pytest.raises(ValueError, match="does not cover"):
        quote_kernel()(cps, scanner.table, scanner.pairs, empty, empty.astype(bool), np.empty(8, dtype=np.int64))


def test_quote_index_same_with_both_engines(monkeypatch):
    text = normalize(EDGE["nested"] + "\n" + EDGE["multi-paragraph"])
    spans = QuoteIndex(text).spans
    monkeypatch.setattr(quotes, "ENGINE", "python")
    assert QuoteIndex(text).spans == spans


def test_unknown_engine_is_one_line_error():
    with pytest.raises(ValueError, match="unknown engine 'fast'; use one of numba, python"):
        quote_spans("«x»", engine="fast")


WORDS = [normalize(w) for w in ("قال", "أن", "إن", "أكد", "كتب", "د", "الوفد", "المدينة", "و", "ل")]
PIECES = st.sampled_from(
    [*"«»“”\"‘’", "\n", *".؟!،:,?؛…", " ", " ", "\t", "\u00a0", *"ابتقلوفكدمنه", *"0123٣²", *"abZ_", "\U0001d400",
     "😀", *WORDS, ". ", '"', '"'])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=50).map("".join))
def test_generated_texts_agree(text):
    _agree(text)


POOL = [*"«»“”\"‘’", *"«»“”\"‘’", '"', '"', '"', "\n", "\n", *".؟!،:,?؛…", " ", " ", " ", " ", "\t", "\u00a0",
        *"ابتقلوفكدمنه", *"0123٣²", *"abZ_", "\U0001d400", "😀", *WORDS]


def test_random_texts_agree():
    """A seeded bulk of random texts, compiled against the reference (and a tenth of them through the
    kernel's code as Python)."""
    rng = random.Random(20261129)
    scanner = quotes.quote_scanner()
    assert scanner is not None
    for i in range(20_000):
        text = "".join(rng.choices(POOL, k=rng.randint(0, 40)))
        ref = quote_spans(text, engine="python")
        assert quote_spans(text, engine="numba") == ref, text
        if i % 10 == 0:
            flat = scanner.spans(text, compiled=False)
            assert list(zip(flat[::2], flat[1::2], strict=True)) == [tuple(s) for s in ref], text


def test_many_questions_go_to_the_reference(monkeypatch):
    monkeypatch.setattr(quotescan, "MAX_QUESTIONS", 8)
    text = " ".join('كتب "نعم. وكلمة" ثم' for _ in range(12))  # 12 straight quotations to ask about
    scanner = copy.copy(quotes.quote_scanner())
    asked = []
    scanner.introduced = lambda text, pos, start: asked.append(pos) or quotes._introduced(text, pos, start)
    assert scanner.spans(text) is None and len(asked) == 8
    assert quote_spans(text) == quote_spans(text, engine="python")
    monkeypatch.setattr(quotescan, "MAX_QUESTIONS", 12)
    assert scanner.spans(text) == []


def _texts(path: Path, limit_bytes: int):
    return corpus_texts(path, limit_bytes, unit="bytes")


@pytest.mark.shared
@pytest.mark.parametrize(("name", "limit"), [("saudinewsnet.jsonl.gz", 3_000_000), ("asnd_aljazeera.jsonl.gz", 0)])
def test_corpus_texts_agree(name, limit):
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"../shared/corpora/{name} is not present")
    n_texts = n_spans = 0
    for text in _texts(path, limit or 10**12):
        norm = normalize(text)
        ref = quote_spans(norm, engine="python")
        assert quote_spans(norm, engine="numba") == ref, f"{name}, text {n_texts}"
        n_texts += 1
        n_spans += len(ref)
    assert n_texts > 300 and n_spans > 100


def test_without_numba_the_reference_reads(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` raises ImportError
    monkeypatch.setattr(quotescan, "_KERNEL", [])
    monkeypatch.setattr(quotes, "_SCANNER", [])
    text = normalize(EDGE["nested"] + "\n" + EDGE["introduced by a verb"])
    spans = quote_spans(text)
    assert quotes._SCANNER == [None]
    assert spans == quote_spans(text, engine="python") and len(spans) == 2
