"""The compiled reported-speech regions (framing.text.regionscan.batch_regions) are exactly those of
``sentence_regions``, sentence by sentence and in order: on sentences written for these tests (one or more per
rule of reported.py), the cases of tests/cases/voice.json and the examples of docs/voice.md, a property over
texts made of the attribution words, the demo corpus and, when ../shared is present, the first 2 MB of
SaudiNewsNet and of the Al Jazeera corpus. Sentences are the split of VoiceIndex and random ranges."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import ASND, SAUDINEWSNET, corpus_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.text import regionscan
from framing.text.attribution import attribution_data, headline_data
from framing.text.events import event_tables
from framing.text.normalization import normalize
from framing.text.regionkernel import SPACE, WORD
from framing.text.regionscan import RegionArrays, batch_regions, bloom_key, build_region_tables, region_tables
from framing.text.reported import sentence_regions
from framing.text.voice import VoiceIndex

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
CASES = json.loads((ROOT / "tests" / "cases" / "voice.json").read_text(encoding="utf-8"))

# written for these tests, by rule of reported.py (a comment names the rule)
SENTENCES = [
    # verbs + complementizer (_after_verb)
    "وقال المتحدث إن القوات انسحبت من البلدة",
    "أكدت الوزارة أنها ستواصل العمل في المدينة",
    "وأوضح المسؤول لـ«الصحيفة» أن الطريق مغلق، مشيرا إلى أن الجسر تضرر",
    "يقول السكان بأن المياه انقطعت منذ أسبوع",
    "فأكد القائد أنهم سيعودون",
    "ويتوقعون أن تنتهي الحرب، واستنادا إلى تقرير أممي انسحبت القوات",  # (the longest verb form, phrase word)
    "ذكر أن",  # (a complementizer that closes the sentence)
    "كشف التقرير الصادر أمس عن وزارة الصحة أن الإصابات زادت",  # short window: too far
    "وكشف التقرير الصادر أمس عن وزارة الصحة أن الإصابات زادت",  # the full window
    "كشف التقرير أن الإصابات زادت",
    "أعلن " + "المتحدث " * 21 + "أن الهدنة صامدة",  # beyond the window
    "أعلن " + "المتحدث " * 19 + "أن الهدنة صامدة",
    "أعلن " + "المتحدث " * 20 + "أن الهدنة صامدة",  # (the window's last word)
    "كشف الوزير في المؤتمر اليوم أن الهدنة صامدة",  # (the short window's last word)
    "كشف الوزير في المؤتمر الصحفي اليوم أن الهدنة صامدة",
    # colon after a verb
    "وقال الوزير: الاتفاق صامد حتى الآن",
    "قال الوزير: «الاتفاق صامد»",
    "قال الوزير :   «الاتفاق صامد»",
    "اتهم الوزير: الجيش بخرق الهدنة",  # not a colon verb
    "وأضاف: ",
    # comma between verb and complementizer
    "أعلنت الهيئة عن تحطم طائرة، وأن الطاقم نجا",
    "أعلنت الهيئة عن تحطم طائرة ، وبأنها فتحت تحقيقا",
    "أعلن الجيش سيطرته، فيما أن المعارك مستمرة",
    "أعلن الجيش تقدمه، وتبين أن المعارك مستمرة",
    "قال رئيس الوزراء، وزير الخارجية، إن الحوار مستمر",
    "قال رئيس الوزراء، وزراء الخارجية، إن الحوار مستمر",
    "قال المتحدث, ثم إن الحوار مستمر",
    # words before the complementizer
    "قال الوزير بعد أن وصل إن الوفد جاهز",
    "قال الوزير فبعد أن وصل الوفد انتهى كل شيء",
    "أعلن الجيش تقدمه إلا أن المعارك مستمرة",
    "أعلن الجيش تقدمه غير أنه لم يدخل المدينة",
    "أعلن الجيش تقدمه وغير أنه لم يدخل المدينة",
    "أكد الوزير ولكن أن الأمر صعب",
    "أكد الوزير يجب أن نعمل، وأنه مستعد",
    # verb_not_after
    "تستطيع الحكومة أن تقول إن الميليشيات انسحبت",
    # the word before the verb is looked for in the 40 characters before it (_last_word, cut there)
    *("تستطيع الحكومة أن " + "-" * n + " تقول إن الميليشيات انسحبت" for n in (25, 35, 36, 37, 38, 39, 45)),
    *("هاجم مسلحون القرية كما " + "-" * n + " أعلنت الشرطة" for n in (30, 36, 37, 38, 45)),
    # كما + verb
    "هاجم مسلحون القرية كما أعلنت الشرطة",
    "هاجم مسلحون القرية، كما أعلنت الشرطة، وقتل ثلاثة من السكان",
    "هاجم مسلحون القرية كما أعلنت الشرطة أن الوضع هادئ",
    "كما أعلنت الشرطة أن الوضع هادئ",
    "هاجم مسلحون القرية كما أعلنت الشرطة المحلية في بيان لها صباح اليوم عن الحادث الأليم",
    "هاجم مسلحون القرية كما اتهمت الشرطة المسلحين",
    "هاجم مسلحون القرية كما أعلنت الشرطة المحلية في بيان لها صباح اليوم عن",  # (8 words after the verb)
    "هاجم مسلحون القرية كما أعلنت الشرطة المحلية في بيان لها صباح اليوم عن الحادث",  # (9)
    "وصل الوفد كما ذكرت الوكالة في تقرير مطول لها صباح اليوم",
    # a verb that opens a clause inside a report: holes (_cut)
    "قال إن الجيش تقدم، وأبلغ رئيس الاتحاد رويترز أنه لن يشارك في الحوار",
    "قال المتحدث إن الجيش تقدم فقال الوزير إن الجيش تراجع",
    "قال المتحدث إن الميليشيات تزعم أن الجيش تراجع",
    "بحسب مصادر محلية، قال المتحدث إن الجيش تقدم",
    # according to: always
    "نقلا عن مصادر أمنية، انسحبت القوات من المدينة",
    "وذكرت الوكالة نقلا عن مصدر أن القوات هاجمت القرية",
    "انسحبت القوات على لسان المتحدث باسم الجيش",
    "الجيش تقدم، على حد قوله",
    "وعلى حد تعبيره فإن الهدنة انتهت",
    "ذكرت مصادر أن القوات انسحبت",
    "وقالت مصادر: القوات انسحبت",
    "نقلا  عن\tمصادر أمنية، انسحبت القوات",  # (several spaces between the words of a phrase)
    "نقلا\x0bعن مصادر أمنية، انسحبت القوات",  # (a phrase whose key is not in the text: no marker)
    "وذكرت\x0bمصادر أن القوات انسحبت",
    "انسحبت القوات نقلا عنه",  # (a phrase inside a longer word: no match)
    # according to: with a source
    "بحسب بيان للجيش، انسحبت الميليشيات من المدينة.",
    "انسحبت القوات من المدينة بحسب مصادر محلية",
    "وبحسب المتحدث فإن القوات انسحبت من المدينة بعد معارك استمرت أياما",
    "تعمل اللجنة وفق الخطة، وحسب الحاجة",
    'بحسب "رويترز" انسحبت القوات',
    "بحسب (رويترز) انسحبت القوات",
    "بحسب ما ذكرت الوكالة فإن القوات انسحبت",
    "بحسب لما ذكرت الوكالة، انسحبت القوات",
    "بحسب ما",
    "حسبما أفاد شهود، انسحبت القوات",
    "وفقما ذكرت الوكالة انسحبت القوات",
    "على ما أفاد مصدر أمني انسحبت القوات",
    "وفقا لمصادر محلية فإن القوات انسحبت",
    "وفقا ل مصادر محلية، انسحبت القوات",
    "طبقا لما ذكرته الصحيفة، انسحبت القوات",
    "استنادا إلى تقرير أممي، انسحبت القوات",
    "استنادا لتقارير أممية انسحبت القوات من المدينة ومن القرى المجاورة لها في الجنوب",
    "بحسب المصادر انسحبت القوات",
    "بحسب مصادر محلية, انسحبت القوات",
    "هاجم مسلحون القرية, كما أعلنت الشرطة المحلية, وقتل ثلاثة",
    # the source is looked for in the 60 characters after the marker (_source_follows)
    *("بحسب ما " + "-" * n + " ذكرت الوكالة انسحبت القوات" for n in (40, 50, 55, 56, 57, 58, 70)),
    *("بحسب " + "-" * n + " مصادر محلية انسحبت القوات" for n in (40, 55, 56, 57, 58, 70)),
    "بحسب للمصادر انسحبت القوات",
    "بحسب لمصدر انسحبت القوات",
    "بحسب الجيش",
    "بحسب",
    "بحسب مصادر: القوات انسحبت",
    "بحسب ما بيان",
    "ووفق مصادر انسحبت القوات",
    # speaker headlines
    "عاجل | وزير الخارجية: الحوثيون يرفضون الهدنة",
    "RT @news: الناطق باسم الجيش: قوات حفتر انسحبت",
    "#الاتجاه_المعاكس – المذيع: ضيفنا اليوم",
    "المتحدث باسم الجيش: القوات انسحبت",
    "وزير الخارجية: لا تفاوض",
    "ووزير الخارجية: لا تفاوض",
    "مراسل الجزيرة: القصف مستمر",
    "تقرير: القصف مستمر",
    "الأطراف هم: الجيش والشرطة",
    "وصل الوفد: صباح اليوم",
    "قال الوزير: الهدنة صامدة",
    "فلان- سبق- الرياض: الأمطار غزيرة",
    "المتحدث: «لا تفاوض»",
    "المتحدث: http://example.org",
    "المتحدث:",
    "المتحدث باسم الجيش في المنطقة الشمالية من البلاد الواسعة: القوات انسحبت",  # (9 words)
    "المتحدث باسم الجيش في المنطقة الشمالية من البلاد: القوات انسحبت",  # (8 words)
    "المتحدث: قال إن الجيش تقدم، وأبلغ الوزير رويترز أنه لن يشارك",
    # digits, abbreviations, other terminators
    "وقال د. أحمد إن الحرب انتهت عام 3.5 تقريبا؟ لا! بل استمرت؛ هكذا قال",
    "أكد_الوزير أن الهدنة صامدة",
]

# several documents in one text (joined by newlines, as the caller does), headlines opening inner lines
DOCUMENTS = [
    "أعلن الجيش سيطرته.\nالمتحدث باسم الجيش: القوات انسحبت\n  الناطق: الهدوء عاد",
    "سطر أول. المتحدث: ليس في أول السطر\n\t وزير الدفاع: الهدنة صامدة",
    "عاجل | المتحدث: انسحاب\nعاجل: المتحدث: انسحاب\nعاجل - المتحدث: انسحاب\n| المتحدث: انسحاب",
]


def _docs_examples() -> list[str]:
    """The Arabic in backticks of docs/voice.md."""
    text = (ROOT / "docs" / "voice.md").read_text(encoding="utf-8")
    return [m for m in re.findall(r"`([^`\n]+)`", text) if re.search(r"[\u0600-\u06FF]", m)]


def _sentences(norm: str) -> list[tuple[int, int]]:
    """The sentences of VoiceIndex (as reported_spans splits), empty ones too."""
    out, a = [], 0
    for ts, te in [*VoiceIndex(norm)._terminators(), (len(norm), len(norm))]:
        out.append((a, ts))
        a = te
    return out


def _check(norm: str, bounds: list[tuple[int, int]], dtype=np.uint32) -> int:
    """batch_regions over ``bounds`` equals sentence_regions sentence by sentence; returns the regions."""
    cp = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(dtype)
    sa = np.array([a for a, _ in bounds], dtype=np.int64)
    sb = np.array([b for _, b in bounds], dtype=np.int64)
    got = batch_regions(norm, cp, sa, sb)
    assert isinstance(got, RegionArrays)
    assert all(x.dtype == np.int64 for x in got)
    rows = list(zip(*(x.tolist() for x in got), strict=True))
    want = [(k, *r) for k, (a, b) in enumerate(bounds) for r in sentence_regions(norm, a, b)]
    if rows != want:
        bad = next(k for k in range(len(bounds)) if [r for r in rows if r[0] == k] != [r for r in want if r[0] == k])
        a, b = bounds[bad]
        raise AssertionError(f"sentence {bad} {norm[a:b]!r}: {[r for r in rows if r[0] == bad]} != "
                             f"{[r for r in want if r[0] == bad]}")
    return len(rows)


def _random_ranges(norm: str, n: int, seed: int, longest: int = 400) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a = rng.randrange(len(norm) + 1)
        out.append((a, min(len(norm), a + rng.randrange(longest))))
    return out


def test_written_sentences_every_rule():
    total = 0
    for text in SENTENCES + DOCUMENTS:
        norm = normalize(text)
        total += _check(norm, _sentences(norm))
        total += _check(norm, _random_ranges(norm, 30, len(text), longest=len(norm) + 1))
    joined = "\n".join(normalize(t) for t in SENTENCES + DOCUMENTS)
    total += _check(joined, _sentences(joined))
    assert _check(joined, _sentences(joined), dtype=np.uint16) == _check(joined, _sentences(joined))
    assert total > 150  # (the sentences make regions: the comparison is not of empty lists)


def test_voice_cases_and_docs_examples():
    texts = [c["text"] for c in CASES] + _docs_examples()
    assert len(texts) > 60
    total = 0
    for text in texts:
        norm = normalize(text)
        total += _check(norm, _sentences(norm))
    assert total > 30


def test_a_phrase_without_its_key_is_no_marker():
    for text in ("انسحبت القوات نقلا\nعن مصادر أمنية", "انسحبت القوات نقلا\x0bعن مصادر أمنية"):
        norm = normalize(text)
        assert sentence_regions(norm, 0, len(norm)) == []  # (marker_key_re: «نقلا عن» is not in the text)
        _check(norm, [(0, len(norm))])
        more = norm + "، بحسب مصادر"  # (with the key of another phrase, both phrases are markers)
        assert len(sentence_regions(more, 0, len(more))) > 2
        _check(more, [(0, len(more))])


def test_bounds_in_any_order_and_repeated():
    norm = normalize("بحسب مصادر، انسحبت القوات. وقال المتحدث إن الهدوء عاد. عاجل | الوزير: لا تفاوض")
    bounds = _sentences(norm)
    _check(norm, bounds[::-1] + bounds + [(0, len(norm)), (3, 3), (len(norm), len(norm))])
    _check(norm, [])


def test_headlines_with_tags_are_compiled(monkeypatch):
    norm = normalize("عاجل | وزير الخارجية: الحوثيون يرفضون الهدنة\nRT @a: عاجل: الناطق: لا\nالمتحدث: الهدوء عاد\n"
                     "#برنامج – وصل الوفد: صباح اليوم\nعاجل | عاجل:")
    monkeypatch.setattr(regionscan, "sentence_regions", None)  # (the compiled path never calls it)
    assert _check(norm, _sentences(norm)) == 4


def test_python_engine_and_without_numba(monkeypatch):
    norm = normalize("وقال المتحدث إن الهدوء عاد. بحسب مصادر محلية، انسحبت القوات")
    monkeypatch.setattr(regionscan, "ENGINE", "python")
    assert _check(norm, _sentences(norm)) == 3
    monkeypatch.setattr(regionscan, "ENGINE", "numba")
    monkeypatch.setattr(regionscan, "_TABLES", [None])  # (data the pass cannot read: build_region_tables refused it)
    assert _check(norm, _sentences(norm)) == 3
    monkeypatch.setattr(regionscan, "_TABLES", [])
    monkeypatch.setattr(regionscan, "_KERNEL", [])
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` raises ImportError
    assert _check(norm, _sentences(norm)) == 3


def test_bad_input_is_refused():
    norm = normalize("قال إن الهدوء عاد")
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    with pytest.raises(ValueError, match="sentence bounds outside"):
        batch_regions(norm, cp, np.array([0]), np.array([len(norm) + 1]))
    with pytest.raises(ValueError, match="one length"):
        batch_regions(norm, cp, np.array([0, 1]), np.array([2]))
    with pytest.raises(ValueError, match="code points"):
        batch_regions(norm, cp[:-1], np.array([0]), np.array([2]))


def test_character_table_is_pythons():
    chars = region_tables().chars
    every = "".join(map(chr, range(0x110000)))
    word = np.array([c.isalnum() or c == "_" for c in every])
    space = np.array([c.isspace() for c in every])
    assert ((chars & WORD) != 0).tolist() == word.tolist()
    assert ((chars & SPACE) != 0).tolist() == space.tolist()
    assert ((event_tables().chars & WORD) == (chars & WORD)).all()


def test_data_the_pass_cannot_read_is_refused():
    from dataclasses import replace

    data = attribution_data()
    odd = replace(data, always_phrases=data.always_phrases[:-1])  # (the phrases no longer make the pattern)
    with pytest.raises(ValueError, match="patterns"):
        build_region_tables(odd, headline_data())
    with pytest.raises(ValueError, match="not one word"):
        build_region_tables(replace(data, verb_forms={**data.verb_forms, "قال ان": "قال"}), headline_data())


def test_short_words_of_other_data(monkeypatch):
    """Data with verbs and first words of phrases of two letters (the bloom filter reads a word's second character,
    or its first again when it has one): the pass finds them as the Python rules do."""
    from dataclasses import replace

    from framing.text import reported

    data = attribution_data()
    forms = {**data.verb_forms, "قل": "قال", "رد": "قال", "ر": "قال"}
    verbs = "(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + ")"  # (whole words: as the trie)
    other = replace(data, verb_forms=forms, verb_re=re.compile(r"(?<!\w)" + verbs + r"(?!\w)"),
                    verb_after_re=re.compile(r"\W(" + verbs + r")(?!\w)"))
    monkeypatch.setattr(reported, "attribution_data", lambda: other)
    monkeypatch.setattr(regionscan, "_TABLES", [build_region_tables(other, headline_data())])
    norm = normalize("قل إن الهدوء عاد. ثم رد إن القوات انسحبت. ر إن الجيش تقدم. وقل إن المدينة هادئة")
    _check(norm, _sentences(norm))
    bounds = np.array(_sentences(norm), dtype=np.int64).reshape(-1, 2)
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    got = batch_regions(norm, cp, bounds[:, 0], bounds[:, 1])
    assert {"قل", "رد", "ر"} <= {norm[ts:te] for ts, te in zip(got.trigger_start, got.trigger_end, strict=True)}


# -- a property over texts made of the attribution words -------------------------------------------------------

def _vocabulary() -> list[str]:
    data, heads = attribution_data(), headline_data()
    words = sorted({*data.verb_forms, *data.short_forms, *data.complementizers, *data.coordinated, *data.not_after,
                    *data.verb_not_after, *data.stop_after, *data.clause_breaks, *data.clause_break_exceptions,
                    data.as_said, *data.sources, *data.source_verbs, *heads.own_speakers, *heads.not_speakers,
                    *heads.speaker_heads, *data.always_phrases, *data.with_source_phrases, "ما", "لما"})
    words += ["ال" + w for w in sorted(data.sources)[:20]] + ["لل" + w for w in sorted(data.sources)[:10]]
    words += ["ل" + w for w in sorted(data.sources)[:10]] + ["و" + w for w in sorted(data.with_source_phrases)]
    words += sorted({w for p in (*data.always_phrases, *data.with_source_phrases) for w in p.split()})
    words += ["الجيش", "القرية", "انسحبت", "عاد", "الهدوء", "وزير", "المدينة", "3.5", "د.", "http://x", "a_b"]
    return words


_VOCAB = _vocabulary()
_SEPARATORS = [" "] * 12 + ["  ", "، ", "،", ", ", ": ", ":", " : ", ". ", ".", "\n", "\n  ", "\t", " «", "» ", ' "',
                            "(", ")", "؟ ", "! ", "؛ ", " | ", "عاجل | ", "RT @x: ", " - ", "/", "ـ", "\x0b", "\x1c"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_VOCAB), st.sampled_from(_SEPARATORS)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=6))
def test_property_attribution_words(parts, ranges):
    norm = normalize("".join(w + s for w, s in parts))
    bounds = _sentences(norm) + [(min(a, len(norm)), min(max(a, b), len(norm))) for a, b in ranges]
    _check(norm, bounds)


# -- corpora ----------------------------------------------------------------------------------------------------

def _corpus_check(texts: list[str]) -> int:
    norm = "\n".join(normalize(t) for t in texts)
    total = _check(norm, _sentences(norm))
    if max(norm, default=" ") <= "\uffff":  # (the code points as uint16 too, as the caller may give them)
        assert _check(norm, _sentences(norm), dtype=np.uint16) == total
    _check(norm, _random_ranges(norm, 3000, 7))
    return total


def test_bloom_filter():
    """The pass looks up a word of its first pass only when its bit is set: every verb and first word of a phrase
    has it, and few others (the filter spares most lookups)."""
    tables, data = region_tables(), attribution_data()
    assert tables is not None
    words = {*data.verb_forms, *(p.split()[0] for p in [*data.always_phrases, *data.with_source_phrases])}
    bits = {bloom_key(w) for w in words}
    assert all(tables.bloom[k >> 3] >> (k & 7) & 1 for k in bits)
    assert int(np.unpackbits(tables.bloom).sum()) == len(bits) < len(tables.bloom)


def test_demo_corpus():
    texts = [json.loads(line)["text"] for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert _corpus_check(texts) > 50


@pytest.mark.parametrize("path", [SAUDINEWSNET, ASND], ids=["saudinewsnet", "asnd"])
def test_real_corpus_first_2mb(path):
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared/corpora)")
    texts = list(corpus_texts(path, 2_000_000, unit="bytes"))
    assert _corpus_check(texts) > 500
