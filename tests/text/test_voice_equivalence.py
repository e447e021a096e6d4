"""Speed work on voice and resolve changes no result (#12): the current code against a reference version.

The reference is the implementation of ``REF_COMMIT`` (before the speed work of #12 on these files), read
from git: ``framing/text/{attribution,quotes,reported,voice}.py`` and ``framing/lexicon/{attach,resolve}.py``
are loaded as private modules (their imports of one another redirected to the reference copies; every other
import is the current code). Compared, on the demo corpus with every bundled lexicon (dated as the corpus
is), on hand-written Arabic edge cases and, when ../shared is present, on the first ~2 MB of SaudiNewsNet
(about 6 s; no article text is stored here):

* ``resolve`` (every kind, alias included) for the hits of each document;
* ``find`` (every voice, scope "all"), with the reference resolve and VoiceIndex patched into the matcher;
* ``VoiceIndex.classify`` of every resolved match, and of every word, two-word and three-word span (also
  widened over quotation marks at its edges), evaluative and not, on one index queried in text order (the
  reference: one index per sentence, see ``compare_text``);
* ``quote_spans``, ``reported_spans``, ``sentence`` and ``sentence_regions``.

Tests skip (with the reason) where git or the reference commit is unavailable. When the behaviour of these
modules changes on purpose, move ``REF_COMMIT`` to the commit that makes the change.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from itertools import islice
from pathlib import Path

import pytest
from helpers.corpora import corpus_texts
from helpers.lexicons import merged_lexicon

from framing.lexicon import matcher as matcher_module
from framing.lexicon.load import bundled_names
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import resolve
from framing.lexicon.scan import text_hits
from framing.text.normalization import normalize
from framing.text.quotes import QUOTE_CHARS, quote_spans
from framing.text.reported import sentence_regions
from framing.text.voice import VoiceIndex, reported_spans

ROOT = Path(__file__).resolve().parents[2]
REF_COMMIT = "bcc11adc6eedd5269ea328e17155908147e0e472"
REF_MODULES = {  # in import order: each may import the ones before it
    "attribution": "framing/text/attribution.py",
    "quotes": "framing/text/quotes.py",
    "reported": "framing/text/reported.py",
    "voice": "framing/text/voice.py",
    "attach": "framing/lexicon/attach.py",
    "resolve": "framing/lexicon/resolve.py",
}
_OWN_IMPORT = re.compile(r"\bframing\.(?:text|lexicon)\.(attribution|quotes|reported|voice|attach|resolve)\b")
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
SHARED = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
KINDS = ("category", "label", "alias")

# written for this test: nested, unclosed, straight and scare quotes, reported speech, headlines, markers
EDGE_CASES = [
    "قال المتحدث: «إن ما يسمى “الجيش الوطني” لن يدخل المدينة» ثم غادر.",
    "وقال المتحدث إن ميليشيات حمدان قصفت المدينة، وأكد أن «الدعم السريع» انسحب",
    "أكد الوزير أن الحكومة الشرعية باقية. وأضاف أنها لن تتفاوض مع الانقلابيين",
    "قالت مصادر: الميليشيات تتقدم نحو الحي",
    "عاجل | وزير الخارجية: الحوثيون يرفضون الهدنة",
    "RT @news: الناطق باسم الجيش: قوات حفتر انسحبت",
    "بحسب بيان للجيش، انسحبت الميليشيات من المدينة.",
    "انسحبت القوات من المدينة بحسب مصادر محلية",
    "وذكرت الوكالة نقلا عن مصادر أن «داعش» هاجم القرية",
    "هاجمت الميليشيات القرية، كما أعلنت الشرطة، وقتل ثلاثة",
    'تنظيم "الدولة الإسلامية" يهاجم الموصل',
    "أعلن «داعش» مسؤوليته عن الهجوم",
    "وصف الكاتب «الجيش الوطني» بأنه «ميليشيات» مسلحة",
    "الحكومة \"الشرعية\" المزعومة لا تمثل أحدا",
    'كتب "داعش فقط. ثم ذهب الى المدينة" وعاد',
    "قال: «نرفض الميليشيات وندعو الى الحوار\nوانسحبت القوات لاحقا",
    "«الفقرة الأولى من الاقتباس الطويل\nالفقرة الثانية بلا علامات\nوالفقرة الأخيرة» انتهى",
    "قال إن الجيش تقدم، وأبلغ رئيس الاتحاد رويترز أنه لن يشارك في الحوار",
    "تستطيع الحكومة أن تقول إن الميليشيات انسحبت",
    "وقال د. أحمد إن الحرب انتهت عام 3.5 تقريبا؟ لا! بل استمرت؛ هكذا قال",
    "أشار التقرير إلى أن ما وصفه بـ«الانقلاب» مستمر، فيما قال آخرون إنه «ثورة»",
    "“الجيش” و‘الميليشيا’ و\"داعش\" و«الحوثي» في سطر واحد",
    "» علامة إغلاق يتيمة في البداية ثم «علامة فتح بلا إغلاق",
    "قال المتحدث \"إن القوات تقدمت. وإن المعركة مستمرة\". ثم صمت",
    "وأضاف :\" إنه لا يتعب\".",
    "ونقلت وكالة الأنباء عن مصدر قوله إن قوات الدعم السريع هاجمت الفاشر",
    "وفقا لما ذكرته مصادر، فإن الحوثيين قصفوا مأرب\n\nسطر جديد: بلا متحدث",
]


def _load_reference() -> dict[str, types.ModuleType]:
    """The reference modules, loaded from ``REF_COMMIT`` under private names (skip when unavailable)."""
    loaded: dict[str, types.ModuleType] = {}
    for short, path in REF_MODULES.items():
        try:
            out = subprocess.run(["git", "-C", str(ROOT), "show", f"{REF_COMMIT}:{path}"], capture_output=True,
                                 text=True, encoding="utf-8", check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"git is not available to read the reference implementation: {exc}")
        if out.returncode != 0:
            pytest.skip(f"reference commit {REF_COMMIT[:10]} not in this checkout: {out.stderr.strip()[:200]}")
        source = _OWN_IMPORT.sub(lambda m: f"_voice_reference_{m.group(1)}", out.stdout)
        name = f"_voice_reference_{short}"
        module = types.ModuleType(name)
        module.__file__ = f"<{REF_COMMIT[:10]}:{path}>"
        sys.modules[name] = module  # (dataclasses look their module up)
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # the project's own code, from git
        loaded[short] = module
    return loaded


@pytest.fixture(scope="module")
def ref():
    modules = _load_reference()
    yield types.SimpleNamespace(**modules)
    for short in REF_MODULES:
        sys.modules.pop(f"_voice_reference_{short}", None)


def _spans(norm: str):
    """Word, two-word and three-word spans, and the same widened over quote marks at their edges."""
    words = [m.span() for m in re.finditer(r"\w+", norm)]
    for i in range(len(words)):
        for n in (1, 2, 3):
            if i + n > len(words):
                break
            s, e = words[i][0], words[i + n - 1][1]
            yield s, e, n
            ws, we = s, e
            while ws > 0 and norm[ws - 1] in QUOTE_CHARS:
                ws -= 1
            while we < len(norm) and norm[we] in QUOTE_CHARS:
                we += 1
            if (ws, we) != (s, e):
                yield ws, we, n


def compare_text(ref, norm: str, spans=None) -> set[str]:
    """Assert that the current voice code gives the reference's answers on ``norm``; the voices seen."""
    assert quote_spans(norm) == ref.quotes.quote_spans(norm)
    assert reported_spans(norm) == ref.voice.reported_spans(norm)
    new, old = VoiceIndex(norm), ref.voice.VoiceIndex(norm)
    # the reference index kept a sentence's regions under its start, for the end it was first asked with: a
    # span across a sentence end, asked after a span before that end, got the shorter sentence's answer. The
    # current index answers every span as a fresh one would, so the reference is asked with one index per
    # sentence (start and end): on those it never depended on the order
    olds: dict[tuple[int, int], object] = {}
    seen = set()
    for s, e, n in (_spans(norm) if spans is None else spans):
        a, b = old.sentence(s, e)
        one = olds.get((a, b)) or olds.setdefault((a, b), ref.voice.VoiceIndex(norm))
        for evaluative in (True, False):
            got = new.classify(s, e, n, evaluative=evaluative)
            assert got == one.classify(s, e, n, evaluative=evaluative), (s, e, n, evaluative, norm[s:e])
            seen.add(got[0])
        assert new.sentence(s, e) == (a, b)
        assert sentence_regions(norm, a, b) == ref.reported.sentence_regions(norm, a, b)
    return seen


def compare_resolve(ref, compiled, norm: str, date) -> tuple[int, set[str]]:
    """Assert equal resolve output and voices of its matches; the number of matches and voices seen."""
    hits = text_hits(compiled, norm)
    got = resolve(compiled, norm, hits, KINDS, date)
    want = ref.resolve.resolve(compiled, norm, hits, KINDS, date)
    assert got == want
    assert resolve(compiled, norm, hits, date=date) == ref.resolve.resolve(compiled, norm, hits, date=date)
    spans = [(r.start, r.end, norm.count(" ", r.start, r.end) + 1) for r in got]
    return len(got), compare_text(ref, norm, spans) if spans else set()


def _demo_docs():
    """The demo corpus, then the edge cases (undated; they hold names the demo corpus lacks, e.g. داعش)."""
    with DEMO.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh] + [{"text": text} for text in EDGE_CASES]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_match_reference(ref, text):
    compare_text(ref, normalize(text))


def test_edge_cases_cover_every_voice(ref):
    seen = set()
    for text in EDGE_CASES:
        seen |= compare_text(ref, normalize(text))
    joined = normalize("\n".join(EDGE_CASES))
    seen |= compare_text(ref, joined)
    assert seen == {"own", "quoted", "reported"}


def test_demo_corpus_spans_match_reference(ref):
    seen = set()
    for doc in _demo_docs()[::9]:  # every span of every ninth document (the matches of all: below)
        seen |= compare_text(ref, normalize(doc["text"]))
    assert seen == {"own", "quoted", "reported"}


@pytest.mark.parametrize("name", bundled_names())
def test_demo_corpus_resolve_matches_reference(ref, name):
    compiled = compile_lexicon(name)
    n_matches, seen = 0, set()
    for doc in _demo_docs():
        n, voices = compare_resolve(ref, compiled, normalize(doc["text"]), doc.get("date"))
        n_matches += n
        seen |= voices
    assert n_matches > 0 and "own" in seen


@pytest.mark.parametrize("name", bundled_names())
def test_demo_corpus_find_matches_reference(ref, name, monkeypatch):
    compiled = compile_lexicon(name)
    docs = _demo_docs()[::3] + [{"text": text} for text in EDGE_CASES]
    got = [compiled.find(d["text"], KINDS, date=d.get("date"), scope="all") for d in docs]
    monkeypatch.setattr(matcher_module, "resolve", ref.resolve.resolve)
    monkeypatch.setattr(matcher_module, "VoiceIndex", ref.voice.VoiceIndex)
    want = [compiled.find(d["text"], KINDS, date=d.get("date"), scope="all") for d in docs]
    assert got == want
    assert sum(map(len, got)) > 0



def _shared_texts(limit_bytes: int):
    return corpus_texts(SHARED, limit_bytes, unit="bytes", skip_blank=True)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/corpora/saudinewsnet.jsonl.gz is not present")
def test_saudinewsnet_matches_reference(ref):
    lexicons = [compile_lexicon(merged_lexicon()), compile_lexicon("libya")]
    n_matches, seen = 0, set()
    for i, text in enumerate(_shared_texts(2_000_000)):
        norm = normalize(text)
        for compiled in lexicons:
            n, voices = compare_resolve(ref, compiled, norm, None)
            n_matches += n
            seen |= voices
        if i % 5 == 0:
            seen |= compare_text(ref, norm, islice(_spans(norm), 0, None, 3))
    assert n_matches > 1000 and seen == {"own", "quoted", "reported"}
