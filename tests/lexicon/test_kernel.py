"""The compiled scanner (framing.lexicon.kernel) reads exactly what the numpy + pyahocorasick path reads.

Per text: the normalized text equals normalize(), the token count str.split()'s, and the hits (start,
end, entries, in order) those of text_hits() — the pyahocorasick automaton over scan.view(). Per batch:
count_batch with engine="numba" equals engine="numpy" for every bundled lexicon and every voice, on the
demo corpus, on hand-written edge cases and on text made of each lexicon's own surface forms; a
hypothesis property test draws texts from Arabic letters, diacritics, tatweel, punctuation, quotation
marks, spaces, ligatures and characters above U+FFFF.
"""

from __future__ import annotations

import datetime
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import corpus_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.lexicon import scan
from framing.lexicon.automaton import build_automaton
from framing.lexicon.load import Lexicon, bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.text.normalization import normalize

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
VOICES = ["own", "quoted", "reported", "all"]

TOY = Lexicon.from_dict({
    "name": "toy", "linkers": ["الموالية"], "titles": ["اللواء"],
    "categories": {"hedge": {"terms": ["ما يسمى"]}, "pattern": {"terms": ["ميليشي*"]}},
    "referents": {
        "haftar_camp": {"aliases": ["حفتر"], "labels": {
            "delegitimizing": [{"term": "عصابات", "variants": ["مليشيا"]}], "neutral": ["قوات"]}},
        "isis": {"aliases": ["داعش"], "labels": {
            "neutral": [{"term": "تنظيم الدولة الإسلامية", "self": True}]}},
    },
})

# hand-written edge cases (our own Arabic)
EDGE = [
    "",
    " ",
    "\n\n\n",
    "قوات حفتر",
    "قُوَّاتُ حَفْتَر وَمِيلِيشِيَاتُ داعِش",            # diacritics
    "قـــوات حفـــتر ومـيـلـيـشـيـات",                   # tatweel
    "«قوات» حفتر و\"عصابات\" داعش و“ميليشيات”حفتر",     # quotation marks glued to words
    "قوات«حفتر» ‘داعش’ \"\" « » ما \"يسمى\" تنظيم \"الدولة الإسلامية\"",
    "\ufefb قوات \ufdf2 حفتر \ufdfa ميليشيات \ufef5",   # ligatures (lam-alef, Allah, salla, ...)
    "قوات 😀 حفتر \U0001D400عصابات داعش😀",            # characters above U+FFFF
    "ميليشيات\U0001F600حفتر \U0001D400\U0001D401 داعش",
    "قوات\x01حفتر\x01 \x01 عصابات\n\n\nداعش",           # the separator character inside a text
    "قوات\u00a0حفتر\tعصابات\u2003داعش   ميليشيات  \u3000 حفتر",  # other spaces, squeezed
    "ح" * 5000 + " قوات حفتر " + "ميليشي" * 2000,        # very long words
    "ما يسمى   تنظيم  الدولة   الإسلامية   داعش",
    "وقال: «عصابات داعش هاجمت» ثم غادر.\nعصابات داعش",
    "قال المتحدث إن ميليشيات حفتر قصفت \"المدينة\"",
    "\"",
    "«»",
    "حفتر\"",
    "\"حفتر",
]


def _forms(name):
    return compile_lexicon(TOY if name == "toy" else load_lexicon(name))


def _demo():
    with (ROOT / "data" / "demo" / "corpus.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def _own_forms_texts(forms, n=120, seed=0):
    """Texts made of the lexicon's own surface forms, glued with quotes, diacritics, tatweel and spaces."""
    rng = random.Random(seed)
    surfaces = sorted(k.strip() for k in forms.automaton)
    fillers = ["قال", "في", "و", "،", ".", "«", "»", '"', "\n", "ـ", "\u064e", "😀", "\ufefb"]
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 30)):
            piece = rng.choice(surfaces) if rng.random() < 0.5 else rng.choice(fillers)
            if rng.random() < 0.1:
                piece = f"«{piece}»"
            parts.append(piece)
            parts.append(rng.choice([" ", " ", "  ", "", "\n"]))
        texts.append("".join(parts))
    return texts


def _assert_scans_like_reference(forms, texts, compiled=True):
    """The compiled scanner's normalized text, tokens and hits equal the reference, text by text."""
    assert scan.kernel_ready(forms)
    got = scan.scan_texts(forms, texts, compiled=compiled)
    key_ids = forms.key_ids
    n_hits = 0
    for d, text in enumerate(texts):
        norm = normalize(text)
        lo, hi = int(got.nstart[d]), int(got.nend[d])
        assert got.mapped[lo:hi].tobytes().decode("utf-32-le", "surrogatepass") == norm
        assert int(got.n_tokens[d]) == len(text.split())
        mine = [(int(s) - lo, int(e) - lo, key_ids[k])
                for s, e, k in zip(got.starts, got.stops, got.keys, strict=True) if lo <= s < hi]
        assert mine == scan.text_hits(forms, norm)
        n_hits += len(mine)
    assert len(got.keys) == n_hits  # no hit outside a document
    return n_hits


def _assert_same_counts(forms, texts, voice, date=None):
    dates = None if date is None else [date] * len(texts)  # (gaza and sudan count dated documents only)
    new = scan.count_batch(forms, texts, _columns(forms), voice, dates, engine="numba")
    old = scan.count_batch(forms, texts, _columns(forms), voice, dates, engine="numpy")
    assert new.counts.tolist() == old.counts.tolist()
    assert new.n_tokens.tolist() == old.n_tokens.tolist() == [len(t.split()) for t in texts]
    return int(old.counts.sum())


def _columns(forms):
    return {idx: i for i, idx in enumerate(sorted(forms.entry_columns(_all_features(forms))))}


def _all_features(forms):
    from framing.lexicon.compile import CATEGORY, LABEL

    keys = {}
    for role, _entry, owner, stance in forms.entries:
        if role == CATEGORY:
            keys.setdefault(("category", owner, None), len(keys))
        elif role == LABEL:
            keys.setdefault(("label", owner, stance), len(keys))
    return keys


@pytest.mark.parametrize("name", ["toy", *bundled_names()])
def test_hits_equal_pyahocorasick(name):
    forms = _forms(name)
    texts = EDGE + _own_forms_texts(forms) + _demo()[:400]
    assert _assert_scans_like_reference(forms, texts) > 100


@pytest.mark.parametrize("voice", VOICES)
@pytest.mark.parametrize("name", ["toy", *bundled_names()])
def test_counts_equal_numpy_path(name, voice, monkeypatch):
    forms = _forms(name)
    texts = EDGE + _own_forms_texts(forms, seed=1)
    counted = _assert_same_counts(forms, texts, voice, datetime.date(2024, 6, 1))
    assert counted > 0 or voice == "reported"  # (few reported-speech verbs in random text)
    _assert_same_counts(forms, texts, voice)
    _assert_same_counts(forms, _demo(), voice)
    monkeypatch.setattr(scan, "CHUNK_CHARS", 50)  # many small chunks: documents at chunk edges
    _assert_same_counts(forms, EDGE + _own_forms_texts(forms, n=30, seed=2), voice)


def test_plain_python_kernel_equals_compiled():
    forms = _forms("toy")
    texts = [t for t in EDGE if len(t) < 400] + _own_forms_texts(forms, n=20, seed=3)
    assert _assert_scans_like_reference(forms, texts, compiled=False) > 20
    a, b = scan.scan_texts(forms, texts), scan.scan_texts(forms, texts, compiled=False)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)


@pytest.mark.parametrize("where", [0, 1, 2])
def test_one_character_above_ffff_in_a_long_chunk(where):
    """scan_texts searches the code points for characters above U+FFFF only when the joined str can hold one:
    a single one, anywhere in a long chunk, is found (its view: a word character or not)."""
    forms = _forms("toy")
    texts = ["قوات حفتر و" * 300, "داعش عصابات " * 300, "ما يسمى قوات"]
    texts[where] = texts[where][:40] + ("\U0001D400" if where else "😀") + texts[where][40:]
    assert _assert_scans_like_reference(forms, texts) > 600


def test_hits_beyond_the_first_buffer(monkeypatch):
    """More hits than the first hit buffer holds: the walk resumes where it stopped."""
    forms = _forms("toy")
    texts = ["قوات حفتر " * 3000, "ما يسمى " * 10]
    assert _assert_scans_like_reference(forms, texts) > 6000


ALPHABET = ("ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءآأإؤئ" "\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0640"
            "،.؟!:-()" "«»“”\"‘’" "  \n\t\u00a0\x01" "\ufefb\ufdf2\ufdfa" "\U0001F600\U0001D400")
WORDS = ["قوات", "حفتر", "داعش", "عصابات", "مليشيا", "ميليشيات", "ما", "يسمى", "تنظيم", "الدولة", "الإسلامية",
         "اللواء", "الموالية", "وقال", "«", "»", '"', " ", "\n"]
texts_strategy = st.lists(
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=ALPHABET, max_size=6)), max_size=25).map("".join),
    min_size=1, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=texts_strategy)
def test_property_random_arabic(texts):
    forms = _forms("toy")
    _assert_scans_like_reference(forms, texts)
    for voice in ("own", "all"):
        _assert_same_counts(forms, texts, voice)


def test_numpy_path_when_numba_is_missing(monkeypatch):
    forms = _forms("toy")
    texts = EDGE[3:10]

    def no_numba():
        raise ImportError("no numba")

    monkeypatch.setattr(scan, "scan_kernel", no_numba)
    assert not scan.kernel_ready(forms)
    calls = []
    real = scan.scan_texts
    monkeypatch.setattr(scan, "scan_texts", lambda *a, **k: calls.append(1) or real(*a, **k))
    counts = scan.count_batch(forms, texts, _columns(forms), "all")
    assert calls == [] and counts.counts.sum() > 0


def test_keys_the_tables_cannot_hold():
    assert build_automaton([" \U0001F600 "]) is None  # a character above U+FFFF
    assert build_automaton([" a\x01b "]) is None  # a control character
    tables = build_automaton([" ab ", " b "])
    assert tables is not None and tables.n_classes == 4 and tables.max_out == 1


def test_import_framing_does_not_import_numba():
    code = ("import sys, framing, framing.lexicon.matcher, framing.features.extract; "
            "from framing.lexicon.matcher import compile_lexicon; from framing.lexicon.load import load_lexicon; "
            "compile_lexicon(load_lexicon('libya')); print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/corpora is absent")
@pytest.mark.parametrize("name", bundled_names())
def test_saudinewsnet_prefix(name):
    texts = list(corpus_texts(SHARED, 1_100_000))  # about 2 MB of UTF-8
    forms = _forms(name)
    assert _assert_scans_like_reference(forms, texts[:300]) >= 0
    for voice in ("own", "all"):
        _assert_same_counts(forms, texts, voice)
