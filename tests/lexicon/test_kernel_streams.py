"""The compiled scanner's layout (issue #12): the view is walked in several stretches at once, each from a
document start, and the automaton's states are numbered breadth first. Its output must be exactly the
reference's — the normalized text of normalize(), the token count of str.split(), the hits (start, end,
entries, in order) of text_hits() (pyahocorasick over scan.view()) — for the large automata: every bundled
lexicon merged, and markers.

Checked on hand-written texts (our own Arabic) built so that keys sit at the first and last characters of
documents and of stretches, on texts made of the lexicons' own surface forms, by hypothesis, on the demo
corpus, and on a slice of each corpus in ../shared/corpora (skipped when absent). The walk in stretches is
also compared with one walk over the whole view, and the plain Python kernel with the compiled one.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import ASND, SAUDINEWSNET, corpus_texts
from helpers.lexicons import merged_lexicon
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.lexicon import scan
from framing.lexicon.automaton import build_automaton
from framing.lexicon.kernel import STREAMS, scan_kernel
from framing.lexicon.load import Lexicon, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.text.normalization import normalize

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["merged", "markers", "patterns"]
# no bundled lexicon has a pattern (a key that reaches to the end of the word): this one has (our own Arabic)
PATTERNS = Lexicon.from_dict({
    "name": "patterns", "linkers": ["الموالية"],
    "categories": {"pattern": {"terms": ["ميليشي*", "مسلح*", "ال*"]}, "hedge": {"terms": ["ما يسمى"]}},
    "referents": {"camp": {"aliases": ["حفتر"], "labels": {"neutral": ["قوات", "الجيش الوطني"]}}},
})
_FORMS: dict[str, object] = {}


def _forms(name):
    if name not in _FORMS:
        lexicon = {"merged": merged_lexicon, "patterns": lambda: PATTERNS}.get(name, lambda: load_lexicon(name))()
        forms = compile_lexicon(lexicon)
        assert scan.kernel_ready(forms)
        _FORMS[name] = forms
    return _FORMS[name]


def _surfaces(forms):
    return sorted(k.strip() for k in forms.automaton)


def _demo():
    with (ROOT / "data" / "demo" / "corpus.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def _reference(forms, texts):
    """Per text: (normalized text, tokens, hits as (start, end, entries)) by the reference path."""
    out = []
    for text in texts:
        norm = normalize(text)
        out.append((norm, len(text.split()), scan.text_hits(forms, norm)))
    return out


def _scanned(forms, texts, compiled=True):
    """The same, read from one scan_texts call over all ``texts``."""
    got = scan.scan_texts(forms, texts, compiled=compiled)
    key_ids = forms.key_ids
    docs = np.searchsorted(got.nstart, got.starts, side="right") - 1
    assert np.all(np.diff(docs) >= 0)  # the hits of one document after another's
    cut = np.searchsorted(docs, np.arange(len(texts) + 1)).tolist()
    starts, stops, keys = got.starts.tolist(), got.stops.tolist(), got.keys.tolist()
    out = []
    for d in range(len(texts)):
        lo, hi = int(got.nstart[d]), int(got.nend[d])
        hits = [(starts[h] - lo, stops[h] - lo, key_ids[keys[h]]) for h in range(cut[d], cut[d + 1])]
        assert all(lo <= starts[h] < hi for h in range(cut[d], cut[d + 1]))
        out.append((got.mapped[lo:hi].tobytes().decode("utf-32-le", "surrogatepass"), int(got.n_tokens[d]), hits))
    assert sum(len(h) for _n, _t, h in out) == len(got.keys)  # no hit outside a document
    return out


def _assert_like_reference(forms, texts):
    want = _reference(forms, texts)
    got = _scanned(forms, texts)
    for d, (w, g) in enumerate(zip(want, got, strict=True)):
        assert g == w, f"document {d}: {texts[d][:80]!r}"
    return sum(len(h) for _n, _t, h in want)


def _edge_texts(forms, seed):
    """Documents that start and end with a key (single words and phrases), short and empty documents,
    keys glued to quotation marks and to the separator's neighbours, many documents to a chunk."""
    rng = random.Random(seed)
    surfaces = _surfaces(forms)
    phrases = [s for s in surfaces if " " in s] or surfaces
    texts = []
    for i in range(240):
        first, last = rng.choice(phrases if i % 3 else surfaces), rng.choice(surfaces)
        middle = " ".join(rng.choice(surfaces) if rng.random() < 0.3 else rng.choice(["قال", "في", "،", "و"])
                          for _ in range(rng.randint(0, 12)))
        shape = i % 8
        if shape == 0:
            texts.append(first)
        elif shape == 1:
            texts.append("")
        elif shape == 2:
            texts.append(f"«{first}» {middle} \"{last}\"")
        elif shape == 3:
            texts.append(f"{first}\n{middle}\n{last}")
        elif shape == 4:
            texts.append(f"  {first}  {middle}  {last}  ")
        else:
            texts.append(f"{first} {middle} {last}")
    return texts


def _own_texts(forms, n, seed):
    rng = random.Random(seed)
    surfaces = _surfaces(forms)
    fillers = ["قال", "في", "و", "،", ".", "«", "»", '"', "\n", "ـ", "\u064e", "😀", "\ufefb", "\ufdfa"]
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 40)):
            piece = rng.choice(surfaces) if rng.random() < 0.6 else rng.choice(fillers)
            parts.append(f"«{piece}»" if rng.random() < 0.1 else piece)
            parts.append(rng.choice([" ", " ", "  ", "", "\n"]))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("name", NAMES)
def test_keys_at_document_and_stretch_edges(name):
    forms = _forms(name)
    texts = _edge_texts(forms, seed=7)
    assert _assert_like_reference(forms, texts) > 300
    for k in (1, 2, 3, 5, 17):  # fewer documents than stretches, and stretches of one document
        assert _assert_like_reference(forms, texts[:k]) >= 0
    for empty in ([""], ["", ""], ["", texts[0], ""]):
        assert _assert_like_reference(forms, empty) >= len(empty) // 3  # (the key in the middle one)


@pytest.mark.parametrize("name", NAMES)
def test_own_surface_forms_and_demo(name):
    forms = _forms(name)
    assert _assert_like_reference(forms, _own_texts(forms, 150, seed=11)) > 500
    demo = _demo()
    assert _assert_like_reference(forms, demo) > 50
    for i in range(0, len(demo), 97):  # chunks of other sizes: other splits into stretches
        _assert_like_reference(forms, demo[i:i + 97])


@pytest.mark.parametrize("name", NAMES)
def test_stretches_walk_like_one_walk(name):
    """walk_view over its stretches gives what one walk over the whole view gives, and the stretches start
    at the view's start or just after a separator, in order."""
    forms = _forms(name)
    tables = forms.tables
    view, walk = scan_kernel()
    texts = _edge_texts(forms, seed=3) + _demo()[:200]
    cps = np.array("".join(texts)).reshape(1).view(np.uint32)[:sum(map(len, texts))]
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=starts[1:])
    astral = np.array([chr(c).isalnum() for c in cps[cps > 0xFFFF].tolist()], dtype=np.bool_)
    *_, vcls, shifts, bounds = view(cps, starts, astral, len(cps) + 64, *forms.scan_tables)
    n = len(vcls)
    assert bounds[0] == 0 and bounds[-1] == n and len(bounds) == STREAMS + 1
    assert np.all(np.diff(bounds) > 0)  # (many documents: no stretch empty)
    assert all(vcls[b - 1] == 0 and vcls[b] == 1 for b in bounds[1:-1].tolist())  # the separator, a space
    args = (tables.delta, tables.stride, tables.out, tables.link, forms.key_length, forms.key_glob, tables.max_out)
    *split, need = walk(vcls, shifts, bounds, *args, n)  # (room for a state that ends a key at every position)
    assert need == 0 and len(split[0]) > 300
    half = STREAMS // 2
    for one in ([0] + [n] * STREAMS, [0] * STREAMS + [n], [0] * (half + 1) + [n] * (STREAMS - half)):
        *whole, need = walk(vcls, shifts, np.array(one, dtype=np.int64), *args, n)
        assert need == 0
        for a, b in zip(split, whole, strict=True):
            assert np.array_equal(a, b)
    *none, need = walk(vcls, shifts, bounds, *args, 1)  # no room: the room it needs, and no hits
    assert need > 1 and all(len(a) == 0 for a in none)
    *again, no_more = walk(vcls, shifts, bounds, *args, need)
    assert no_more == 0
    for a, b in zip(split, again, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("name", NAMES)
def test_more_hits_than_room(name):
    """Stretches with a key at nearly every word: more than the first room holds, walked again."""
    forms = _forms(name)
    surfaces = [s for s in _surfaces(forms) if " " not in s][:50]
    texts = [" ".join(surfaces[(i + j) % len(surfaces)] for j in range(300)) for i in range(40)]
    assert _assert_like_reference(forms, texts) >= 12000


def test_plain_python_kernel_equals_compiled_on_merged():
    forms = _forms("merged")
    texts = _edge_texts(forms, seed=5)[:40] + _own_texts(forms, 10, seed=5)
    a = scan.scan_texts(forms, texts)
    b = scan.scan_texts(forms, texts, compiled=False)
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype and np.array_equal(x, y)
    assert len(a.keys) > 100


@pytest.mark.parametrize("name", NAMES)
def test_more_ligature_letters_than_room(name):
    """Ligatures that expand past the room the kernel is first given: it counts them and reads again."""
    forms = _forms(name)
    word = _surfaces(forms)[0]
    texts = ["\ufdfa" * 400 + f" {word} " + "\ufdfa" * 50, f"{word} \ufdfb {word}", "\ufdfa"]
    assert _assert_like_reference(forms, texts) >= 2


@pytest.mark.parametrize("name", NAMES)
def test_more_dropped_marks_than_room(name):
    """Quotation marks the view drops (each moves the view against the normalized text: a new entry of the
    view's shifts) at every word, more than the kernel first makes room for: it counts them, reads again."""
    forms = _forms(name)
    surfaces = _surfaces(forms)[:300]
    texts = [" ".join(f'"{w}"' for w in surfaces), "«" + "»«".join(surfaces[:40]) + "»",
             " ".join(f"«{w}»«{w}»" for w in surfaces[:40]), '"' * 500 + surfaces[0], surfaces[1] + "»" * 300]
    assert _assert_like_reference(forms, texts) >= 300
    view, _walk = scan_kernel()
    cps = np.array(texts[0]).reshape(1).view(np.uint32)[:len(texts[0])]
    first = view(cps, np.array([0, len(cps)]), np.zeros(0, dtype=np.bool_), len(cps) + 64, *forms.scan_tables)
    assert first[-1][0] == -1  # (no room: read again, counted)
    for k in range(len(texts)):  # one document alone: its shifts from the view's start
        _assert_like_reference(forms, texts[k:k + 1])


def test_ligature_after_a_dropped_mark():
    """A key whose first letters come from a ligature (lam-alef) right after a dropped quotation mark: the
    first character written after the mark is an expansion's (the slow path records the view's shift)."""
    forms = compile_lexicon(Lexicon.from_dict({"name": "lam", "categories": {"c": {"terms": ["لاجئين", "لا*"]}}}))
    assert scan.kernel_ready(forms)
    texts = ['قال "\ufefbجئين" و«\ufefbجئين»', '"\ufefbجئين', "»\ufefbجئين", 'و "\ufef5جئين" \ufefbجئ']
    assert _assert_like_reference(forms, texts) >= 8


def test_glued_words_keep_their_positions():
    """Two marks between two words ("a»«b") are both dropped: one word in the view, its characters shifted
    inside it (a pattern that reaches to the end of the word must map its end back)."""
    forms = _forms("patterns")
    texts = ["قال الوطنيو»«كما «ميليشيات»«مسلحين» ثم", "الجيش»«الوطني»«قوات", "«ال»«ال»«ال»"]
    assert _assert_like_reference(forms, texts) >= 4


def test_breadth_first_states():
    """States are numbered depth by depth (the state of a key's prefix of length L is reached from the root
    along the key: its depth is L), every state is some prefix's, and the tables still read the keys."""
    keys = [" ab ", " b ", " abc ", " ba ", " c"]
    tables = build_automaton(keys)
    assert tables is not None
    rows = tables.delta.reshape(tables.n_states, tables.stride) // tables.stride
    depth = np.full(tables.n_states, -1)
    depth[0] = 0
    for key in keys:
        state = 0
        for length, ch in enumerate(key, start=1):
            state = int(rows[state, tables.classes[ord(ch)]])
            depth[state] = length
        assert tables.out[state] == keys.index(key)
    assert depth.min() == 0 and np.all(np.diff(depth) >= 0) and depth.max() == 5


ALPHABET = ("ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءآأإؤئ" "\u064b\u064e\u0650\u0651\u0652\u0640"
            "،.؟!:-()" "«»“”\"‘’" "  \n\t\u00a0\x01" "\ufefb\ufdf2\ufdfa" "\U0001F600\U0001D400")


def _strategy(forms):
    surfaces = _surfaces(forms)
    pieces = st.one_of(st.sampled_from(surfaces), st.sampled_from([" ", "\n", "«", "»", '"', "، "]),
                       st.text(alphabet=ALPHABET, max_size=5))
    return st.lists(st.lists(pieces, max_size=30).map("".join), min_size=1, max_size=12)


@pytest.mark.parametrize("name", NAMES)
def test_property_random_documents(name):
    forms = _forms(name)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts=_strategy(forms))
    def check(texts):
        _assert_like_reference(forms, texts)

    check()


@pytest.mark.shared
@pytest.mark.parametrize("corpus", [SAUDINEWSNET, ASND], ids=["saudinewsnet", "asnd"])
@pytest.mark.parametrize("name", NAMES)
def test_corpus_slice(name, corpus):
    if not corpus.exists():
        pytest.skip("../shared/corpora is absent")
    texts = list(corpus_texts(corpus, 400_000))
    forms = _forms(name)
    assert _assert_like_reference(forms, texts) > 0
