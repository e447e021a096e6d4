"""The compiled events pass (framing.text.events) finds what the searches it replaces find: the sentence
ends of the attribution data's ``terminator`` pattern, every colon, every occurrence of the "according to"
keys and of كما; ``region_floor`` with events equals it without, and the voice of every span is the same
with the pass and without it (``ENGINE = "python"``)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from itertools import islice
from pathlib import Path

import pytest
from helpers.corpora import corpus_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.text import events as events_module
from framing.text.attribution import attribution_data
from framing.text.events import build_event_tables, doc_events
from framing.text.normalization import normalize
from framing.text.reported import region_floor
from framing.text.voice import VoiceIndex

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"

# written for this test: full stops in numbers, abbreviations and one-letter words, every terminator, keys
# inside longer words (وبحسب، حسبما), overlapping candidates, colons, astral characters, underscores
TEXTS = [
    "قال د. سامر إن السعر 3.5 دينار. وارتفع الى ٤.٢ اليوم؟ نعم! بل زاد؛ هكذا",
    "وبحسب المصادر فإن القافلة وصلت، وحسبما أفادت مصادر محلية: لا إصابات",
    "على حد تعبير الوزير انتهى كل شيء. على ما يبدو لم ينته",
    "نقلا عن وكالة الأنباء: «الوضع هادئ» وفق بيان رسمي طبقا للقانون استنادا الى القرار",
    "كما أعلنت الشرطة كماليات كمامات. ذكرت مصادر وقالت مصادر أخرى",
    "a.b _x. ب. ـ. 1.2 x_.y 😀. 😀د. نهاية",
    "...\n\n.؟!؛:.:\n",
    "",
    ".",
    "ك",
    "حس",
]


def _reference(norm: str):
    """What the searches find: (ends, colons, key occurrences)."""
    data = attribution_data()
    ends = [m.start() for m in data.terminator_chars.finditer(norm)
            if norm[m.start()] != "." or data.terminator.match(norm, m.start()) is not None]
    colons = [m.start() for m in re.finditer(":", norm)]
    keys = []
    for key in (*data.marker_keys, data.as_said):
        i = norm.find(key)
        while i >= 0:
            keys.append((i, i + len(key)))
            i = norm.find(key, i + 1)
    return ends, colons, sorted(keys)


def _check(norm: str, ranges: int = 40, seed: int = 0) -> None:
    ev = doc_events(norm)
    assert ev is not None
    ends, colons, keys = _reference(norm)
    assert ev.ends == ends
    assert ev.colons == colons
    assert ev.keys == keys
    # region_floor with the events, on every sentence and on random ranges
    rng = random.Random(seed)
    bounds = [0, *[e + 1 for e in ends]]
    pairs = list(zip(bounds, [*ends, len(norm)], strict=True))
    pairs += [tuple(sorted((rng.randint(0, len(norm)), rng.randint(0, len(norm))))) for _ in range(ranges)]
    for a, b in pairs:
        assert region_floor(norm, a, b, ev) == region_floor(norm, a, b), (a, b)


@pytest.mark.parametrize("text", TEXTS)
def test_events_match_the_searches(text):
    _check(normalize(text))
    _check(text)  # (unnormalized too: the pass reads any text)


def test_demo_corpus():
    with DEMO.open(encoding="utf-8") as fh:
        for line in islice(fh, 400):
            _check(normalize(json.loads(line)["text"]), ranges=5)


ALPHABET = st.sampled_from([*"..؟?!؛:\n _", "3", "٤", "a", "د", "ب", "😀", "حسب", "كما", "نقلا عن", "علي ما",
                            "افادت مصادر", " ", "ال", "ق"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_events_property(text):
    _check(text, ranges=10)


def test_voice_same_with_and_without_the_pass(monkeypatch):
    """Every word span of 300 demo documents gets the same voice with the pass and with the searches."""
    with DEMO.open(encoding="utf-8") as fh:
        norms = [normalize(json.loads(line)["text"]) for line in islice(fh, 300)]
    answers = {}
    for engine in ("numba", "python"):
        monkeypatch.setattr(events_module, "ENGINE", engine)
        out = []
        for norm in norms:
            v = VoiceIndex(norm)
            out.extend(v.classify(m.start(), m.end(), 1, evaluative=bool(k % 2))
                       for k, m in enumerate(re.finditer(r"\w+", norm)))
        answers[engine] = out
    assert answers["numba"] == answers["python"]
    assert {"own", "reported"} <= {voice for voice, _ in answers["python"]}


def test_python_engine_gives_no_events(monkeypatch):
    monkeypatch.setattr(events_module, "ENGINE", "python")
    assert doc_events("قال: نعم.") is None


def test_tables_refuse_a_key_that_starts_another():
    data = attribution_data()
    assert build_event_tables(data).keys.shape[0] == len(set(data.marker_keys) | {data.as_said})
    with pytest.raises(ValueError, match="starts another"):
        build_event_tables(replace(data, marker_keys=(*data.marker_keys, data.as_said + "ل")))
    with pytest.raises(ValueError, match="one character"):
        build_event_tables(replace(data, as_said="ك"))


@pytest.mark.skipif(not CORPORA.exists(), reason="../shared/corpora is not present (real-text check)")
@pytest.mark.parametrize("name", ["saudinewsnet.jsonl.gz", "asnd_aljazeera.jsonl.gz"])
def test_real_corpora(name):
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    size = 0
    for k, text in enumerate(corpus_texts(path, 2_000_000)):
        norm = normalize(text)
        _check(norm, ranges=3, seed=k)
        size += len(norm)
    assert size > 0
