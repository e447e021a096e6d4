"""Voice: own / quoted / reported, on gold sentences written for these tests.

``tests/cases/voice.json``: one case per sentence — ``text``, the ``term`` whose span is classified
(found in the normalized text; ``occurrence`` picks the n-th), ``n_words`` (default: the words of the
term), ``evaluative`` and the ``expected`` voice and scare flag. ``rule`` names the rule a case
exercises (docs/voice.md). ``tests/cases/voice_quotes.json`` holds the quotation spans of sentences
(tests/test_quotes_spans.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from framing.text.attribution import attribution_data
from framing.text.normalization import normalize
from framing.text.reported import region_floor, sentence_regions
from framing.text.voice import VOICES_CLASSIFIED, VoiceIndex, reported_spans

CASES = json.loads((Path(__file__).resolve().parents[1] / "cases" / "voice.json").read_text(encoding="utf-8"))
RULES = ("quoted-name", "scare", "precedence", "reported", "according", "not-reported")


def _span(norm: str, term: str, occurrence: int = 0) -> tuple[int, int]:
    t = normalize(term)
    pos = -1
    for _ in range(occurrence + 1):
        pos = norm.find(t, pos + 1)
        assert pos >= 0, f"term {t!r} not found in {norm!r}"
    return pos, pos + len(t)


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_voice_case(case):
    norm = normalize(case["text"])
    s, e = _span(norm, case["term"], case.get("occurrence", 0))
    n_words = case.get("n_words", len(re.findall(r"\w+", normalize(case["term"]))))
    got = VoiceIndex(norm).classify(s, e, n_words, evaluative=case["evaluative"])
    want = (case["expected"]["voice"], case["expected"]["scare_quoted"])
    assert got == want, case.get("comment", "")


def test_cases_cover_every_rule():
    labels = [c["label"] for c in CASES]
    assert len(labels) == len(set(labels)), "case labels must be unique"
    counts = Counter(c["rule"] for c in CASES)
    assert set(counts) == set(RULES)
    assert all(counts[r] >= 3 for r in RULES), counts
    voices = Counter(c["expected"]["voice"] for c in CASES)
    assert set(voices) == set(VOICES_CLASSIFIED)


def test_classify_does_not_depend_on_query_order():
    norm = normalize("بحسب بيان للجيش، انسحبت الميليشيات. وقال المتحدث إن «داعش» هاجم القرية\n"
                     "وأعلن «داعش» مسؤوليته")
    spans = [m.span() for m in re.finditer(r"\w+", norm)]
    first = [VoiceIndex(norm).classify(s, e, 1, evaluative=ev) for s, e in spans for ev in (True, False)]
    v = VoiceIndex(norm)
    backwards = [v.classify(s, e, 1, evaluative=ev) for s, e in reversed(spans) for ev in (False, True)]
    assert first == list(reversed(backwards))
    assert {voice for voice, _ in first} == set(VOICES_CLASSIFIED)


def test_region_floor_is_below_every_region():
    """The shortcut of VoiceIndex.reported: no region of a sentence starts at or before its floor."""
    texts = [c["text"] for c in CASES] + [
        "عاجل | وزير الخارجية: نرفض الميليشيات",
        "انسحبت القوات كما أعلنت الشرطة، ثم عاد الهدوء",
        "الجيش تقدم وقال المتحدث إن الميليشيات انسحبت",
        "انسحبت الميليشيات بحسب مصادر محلية",
    ]
    n_regions = n_bounded = 0
    for text in texts:
        norm = normalize(text)
        a = 0
        for ts, te in [*VoiceIndex(norm)._terminators(), (len(norm), len(norm))]:
            if ts > a:
                floor = region_floor(norm, a, ts)
                regions = sentence_regions(norm, a, ts)
                assert all(r.start > floor for r in regions), (norm[a:ts], floor, regions)
                n_regions += bool(regions)
                n_bounded += bool(regions) and floor >= a
            a = te
    assert n_regions >= 10 and n_bounded >= 3, (n_regions, n_bounded)


def test_construction_is_lazy():
    norm = normalize("قال: «الميليشيات تهاجم» وغادر. وأضاف أن الجيش تقدم")
    v = VoiceIndex(norm)
    assert v._quotes is None and v._sentences == {}
    v.classify(norm.index("الجيش"), norm.index("الجيش") + 5, 1, evaluative=True)
    assert v._quotes is not None and len(v._sentences) == 1


def test_no_quote_marks_no_quote_index():
    v = VoiceIndex(normalize("وقال المتحدث إن الجيش تقدم"))
    assert v.quotes is None


def test_import_does_no_work():
    code = ("import framing.text.voice as v, framing.text.quotes as q, framing.text.attribution as a; "
            "print(a.attribution_data.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_data_file_forms_are_normalized_and_distinct():
    data = attribution_data()
    assert "قال" in data.verb_forms and "اكد" in data.verb_forms
    # every form is stored as the matcher sees text: no hamza on alef, no alef maqsura, no teh marbuta
    for form in list(data.verb_forms) + list(data.complementizers) + list(data.sources):
        assert not set(form) & set("أإآىة\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"), form
    assert {"ان", "انه", "انها", "بان", "بانهم"} <= data.complementizers
    # deliberately absent: يذكر أن is the outlet's own formula, تبين أن "it turned out"
    assert data.verb_of("يذكر") is None and data.verb_of("تبين") is None
    assert data.verb_of("وقال") == "قال" and data.verb_of("فاكدت") == "اكد"


def test_reported_spans_stop_at_sentence_end():
    norm = normalize("سيطر الجيش على المدينة. وقال المتحدث إن الهدوء عاد. ثم انسحبت القوات\n"
                     "وأضاف: الوضع مستقر")
    got = [norm[s:e].strip() for s, e in reported_spans(norm)]
    assert got == ["الهدوء عاد", "الوضع مستقر"]


def test_reported_never_crosses_a_newline():
    text = "وقال المتحدث إن الجيش تقدم\n" * 3 + "بحسب مصادر محلية، عاد الهدوء\nوانسحبت الميليشيات"
    norm = normalize(text)
    for s, e in reported_spans(norm):
        assert "\n" not in norm[s:e]
    s = norm.rindex("الميليشيات")
    assert VoiceIndex(norm).classify(s, s + 10, 1, evaluative=True) == ("own", False)


def test_scare_implies_quoted_on_every_word():
    text = ("قال: «إن ما يسمى “الجيش” لن يدخل» وغادر. وأضاف أن «ميليشيات» حمدان "
            'تقصف الحي بحسب "رويترز". تنظيم "الدولة الإسلامية" يهاجم')
    norm = normalize(text)
    v = VoiceIndex(norm)
    for m in re.finditer(r"\w+", norm):
        for ev in (True, False):
            voice, scare = v.classify(m.start(), m.end(), 1, evaluative=ev)
            assert voice in VOICES_CLASSIFIED
            assert not scare or voice == "quoted"
            assert not (scare and not ev), "a non-evaluative term is never scare-quoted"
