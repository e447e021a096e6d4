"""``framing.lexicon.tally.count_docs`` voices a whole batch at once (``classify_batch`` with the compiled
reported-speech regions); the reference here is what it replaced: one ``VoiceIndex`` per document, asked
match by match. The cells (one per counted match) must be the same, in the same order, for every bundled
lexicon and all of them merged, every voice, on the demo corpus, hand-written texts (our own Arabic) and,
when ../shared is present, the first ~1 MB of SaudiNewsNet and of Al Jazeera (no article text is stored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.corpora import ASND, SAUDINEWSNET, corpus_texts
from helpers.lexicons import merged_lexicon

from framing.features.extract import count_matrix
from framing.lexicon import tally
from framing.lexicon.load import Lexicon, bundled_names, load_lexicon
from framing.lexicon.resolve import resolve_batch
from framing.text.doctexts import DocTexts
from framing.text.voice import VoiceIndex

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
VOICES = ("own", "quoted", "reported", "all")

# written for this test: quotation marks, reported speech, "according to", speaker headlines, كما
TEXTS = [
    "وقال المتحدث باسم الجيش إن ميليشيات حفتر قصفت المدينة، بينما تقدمت قوات حكومة الوفاق.",
    "عاجل | وزير الخارجية: «الميليشيات» الحوثية تعرقل الحل\nوأكد أن الحوثيين يرفضون الهدنة",
    "بحسب بيان للجيش الوطني الليبي فإن قوات المشير خليفة حفتر سيطرت على الحقل، كما أعلنت الشرطة",
    "وصف القيادي ما يسمى «الدولة الإسلامية» بأنها تنظيم إرهابي. داعش تبنى الهجوم: وقال إنه انتقام",
    "الحكومة \"الشرعية\" في اليمن والانقلابيون الحوثيون.\nقال: الجيش الإسرائيلي قصف غزة وحركة حماس ترد",
    "",
]



def _reference(forms, counting, docs, keys, starts, stops, norms, columns, width, voice, dates, cells):
    """The counting loop before the batch voice: a VoiceIndex per document, one classify per match."""
    by_doc = resolve_batch(forms, docs, keys, starts, stops, counting, norms, dates)
    for doc, norm, resolved in zip(counting.tolist(), norms, by_doc, strict=True):
        voices = VoiceIndex(norm) if voice != "all" else None
        for _kind, s, e, idx, _alias, reason, _head in resolved:
            if reason:
                continue
            if voices is not None:
                v, _ = voices.classify(s, e, norm.count(" ", s, e) + 1, evaluative=forms.is_evaluative(idx))
                if v != voice:
                    continue
            cells.append(doc * width + columns[idx])


def _both(texts, lexicon, monkeypatch):
    """For each voice: (cells of count_docs, cells of the reference)."""
    out = []
    for voice in VOICES:
        got: list[list[int]] = []
        want: list[list[int]] = []
        for fn, sink in ((tally.count_docs, got), (_reference, want)):
            def spy(*args, fn=fn, sink=sink):
                cells = args[-1]
                n = len(cells)
                fn(*args)
                sink.append(cells[n:])
                if fn is tally.count_docs:  # (Pending passes code points: given strs, count_docs counts alike)
                    assert isinstance(args[6], DocTexts)
                    again: list[int] = []
                    fn(*args[:6], list(args[6]), *args[7:-1], again)
                    assert again == cells[n:]
            monkeypatch.setattr(tally, "count_docs", spy)
            count_matrix(texts, lexicon, voice=voice)
        monkeypatch.undo()
        out.append((voice, got, want))
    return out


@pytest.fixture(scope="module")
def merged() -> Lexicon:
    return merged_lexicon()


@pytest.mark.parametrize("name", [*bundled_names(), "merged"])
def test_demo_and_written_texts(name, merged, monkeypatch):
    with DEMO.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh] + TEXTS
    lexicon = merged if name == "merged" else load_lexicon(name)
    counted = 0
    for voice, got, want in _both(texts, lexicon, monkeypatch):
        assert got == want, (name, voice)
        counted += sum(map(len, got))
    if name == "merged":  # (not every bundled lexicon has a match in these texts; merged has many)
        assert counted > 100


@pytest.mark.parametrize("voice_chars", [1, 300, 5_000])
def test_documents_voiced_in_groups(voice_chars, merged, monkeypatch):
    """The documents of a batch are voiced in groups of about VOICE_CHARS characters (a document longer than
    that alone): the same cells for any group size."""
    with DEMO.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh][:150] + TEXTS
    want = {voice: count_matrix(texts, merged, voice=voice).counts for voice in VOICES}
    monkeypatch.setattr(tally, "VOICE_CHARS", voice_chars)
    for voice in VOICES:
        got = count_matrix(texts, merged, voice=voice).counts
        assert (got == want[voice]).all(), voice
    assert want["reported"].sum() and want["quoted"].sum()


@pytest.mark.parametrize("path", [SAUDINEWSNET, ASND], ids=["saudinewsnet", "asnd"])
def test_real_news(path, merged, monkeypatch):
    if not path.exists():
        pytest.skip("../shared/corpora is absent")
    texts = list(corpus_texts(path, 1_000_000))
    for lexicon in (merged, load_lexicon("markers")):
        by_voice = {}
        for voice, got, want in _both(texts, lexicon, monkeypatch):
            assert got == want, voice
            by_voice[voice] = sum(map(len, got))
        # every counted match has exactly one voice, and real news holds each of them
        assert by_voice["own"] + by_voice["quoted"] + by_voice["reported"] == by_voice["all"]
        assert min(by_voice.values()) > 0
