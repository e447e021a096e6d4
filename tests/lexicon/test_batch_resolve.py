"""The batch counting path resolves exactly as :func:`framing.lexicon.resolve.resolve` does, one text at a time.

``count_matrix`` (:func:`framing.lexicon.scan.count_batch`) sorts the hits of many documents by role at once
(:func:`framing.lexicon.resolve.split_batch`, vectorized, leaving out labels that cannot attach and
structural words no label can reach) and decides which documents to resolve; the reference here is the
public one-text path: ``text_hits`` of ``normalize(text)``, ``resolve`` (which splits with
:func:`~framing.lexicon.resolve.split_hits`), and the voice of each counted match. Both must give the same
counts for every bundled lexicon and all of them merged, every voice, with and without dates, with both
scanners, on the demo corpus, hand-written edge cases (our own Arabic) and, when ../shared is present, the
first ~1 MB of SaudiNewsNet (no article text is stored here).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import corpus_texts
from helpers.lexicons import merged_lexicon

from framing.features.extract import count_matrix
from framing.lexicon import scan
from framing.lexicon.compile import CompiledForms
from framing.lexicon.load import Lexicon, bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import resolve, split_batch, split_hits
from framing.text.normalization import normalize
from framing.text.voice import VoiceIndex

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
SHARED = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
VOICES = ("own", "quoted", "reported", "all")

# written for this test: labels before, after and far from their referent's alias, titles and linkers
# between them, self-identifying labels, qualifiers, negation, context words near and far, exclude phrases
EDGE = [
    "قال المتحدث إن ميليشيات حفتر قصفت المدينة، وإن قوات اللواء خليفة حفتر تقدمت",
    "الميليشيات الموالية لحفتر والجيش الوطني الليبي وحكومة الوفاق الوطني المعترف بها دوليا",
    "ميليشيات في الجنوب ثم بعد كلام طويل جدا عن أمور أخرى كثيرة لا علاقة لها بالموضوع ذكر حفتر",
    "تنظيم الدولة الإسلامية وداعش وما يسمى بالدولة الإسلامية في العراق والشام",
    "الحوثيون وميليشيات الحوثي الانقلابية وأنصار الله في صنعاء، والحكومة الشرعية غير المعترف بها",
    "قوات الدعم السريع وميليشيا الجنجويد في الفاشر، والجيش السوداني في جنوب السودان",
    "حركة حماس وكتائب القسام في غزة، والاحتلال الإسرائيلي والجيش الإسرائيلي",
    "«ميليشيات» حفتر و\"عصابات\" داعش، وقال: «الحوثيون انقلابيون» ثم غادر.\n\n\nحفتر",
    "ميليشيات ميليشيات ميليشيات حفتر حفتر",
    "",
]



def _lexicon(name: str) -> Lexicon:
    return merged_lexicon() if name == "merged" else load_lexicon(name)


def _demo() -> tuple[list[str], list[str | None]]:
    with DEMO.open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh]
    return [d["text"] for d in docs] + EDGE, [d.get("date") for d in docs] + ["2024-05-01"] * len(EDGE)


def _expected(lex: Lexicon, texts: list[str], dates: list | None) -> dict[str, np.ndarray]:
    """Counts per voice from the one-text path: text_hits, resolve, VoiceIndex."""
    compiled = compile_lexicon(lex)
    columns = compiled.entry_columns({k: j for j, k in enumerate(_feature_keys(lex))})
    out = {v: np.zeros((len(texts), len(lex.feature_names)), dtype=np.int64) for v in VOICES}
    for i, text in enumerate(texts):
        norm = normalize(text)
        hits = scan.text_hits(compiled, norm)
        resolved = [r for r in resolve(compiled, norm, hits, date=None if dates is None else dates[i]) if not r.reason]
        voices = VoiceIndex(norm) if resolved else None
        for r in resolved:
            assert voices is not None
            v, _scare = voices.classify(r.start, r.end, norm.count(" ", r.start, r.end) + 1,
                                        evaluative=compiled.is_evaluative(r.entry))
            out[v][i, columns[r.entry]] += 1
            out["all"][i, columns[r.entry]] += 1
    return out


def _feature_keys(lex: Lexicon) -> list[tuple[str, str, str | None]]:
    keys: list[tuple[str, str, str | None]] = []
    for name in lex.feature_names:
        parts = name.split(":")
        keys.append(("category", parts[1], None) if parts[0] == "cat" else ("label", parts[1], parts[2]))
    return keys


def _assert_counts(lex: Lexicon, texts: list[str], dates: list | None) -> int:
    want = _expected(lex, texts, dates)
    for voice in VOICES:
        got = count_matrix(texts, lex, voice=voice, dates=dates).counts
        bad = np.flatnonzero((got != want[voice]).any(axis=1))
        assert not len(bad), (voice, [(int(i), texts[i][:80]) for i in bad[:3]])
    return int(want["all"].sum())


@pytest.mark.parametrize("name", [*bundled_names(), "merged"])
@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_demo_counts_equal_resolve(name, engine, monkeypatch):
    monkeypatch.setattr(scan, "ENGINE", engine)
    lex = _lexicon(name)
    texts, dates = _demo()
    assert _assert_counts(lex, texts, dates) + _assert_counts(lex, texts, None) > 0


@pytest.mark.parametrize("name", ["libya", "merged"])
@pytest.mark.parametrize(("chunk", "gather"), [(700, 1 << 20), (5000, 3000)])
def test_small_chunks_equal_resolve(name, chunk, gather, monkeypatch):
    monkeypatch.setattr(scan, "CHUNK_CHARS", chunk)  # documents at chunk edges, chunks of one document
    monkeypatch.setattr(scan, "RESOLVE_CHARS", gather)  # documents resolved together: from many chunks, or few
    texts, dates = _demo()
    assert _assert_counts(_lexicon(name), texts[::7] + EDGE, dates[::7] + [None] * len(EDGE)) > 0


def _keyed_hits(forms: CompiledForms, norm: str) -> list[tuple[int, int, int]]:
    """``(start, end, key number)`` of every hit, as :func:`framing.lexicon.scan.text_hits` finds them."""
    padded, pos = scan.view(norm)
    out = []
    for end, k in forms.automaton.iter(padded):
        klen, _ids, glob = forms.key_info[k]
        start = end - klen + 1
        stop = padded.find(" ", end + 1) - 1 if glob else end - 1
        if pos is not None:
            start, stop = pos[start], pos[stop - 1] + 1
        out.append((start, stop, k))
    return out


@pytest.mark.parametrize("name", ["libya", "yemen", "merged"])
def test_split_batch_equals_split_hits(name):
    """Per document, split_batch gives split_hits' categories, aliases, context positions and exclude
    phrases; of the labels, those that can attach (self-identifying, or an alias of their referent starts
    after them), in hit order; of the structural words, those from the first end of a label that can
    walk to an alias on."""
    forms: CompiledForms = compile_lexicon(_lexicon(name))
    texts, _dates = _demo()
    per_doc = [_keyed_hits(forms, normalize(t)) for t in texts[:600] + EDGE]
    docs = np.array([d for d, hits in enumerate(per_doc) for _ in hits], dtype=np.int64)
    starts, stops, keys = (np.array([h[j] for hits in per_doc for h in hits], dtype=np.int64) for j in range(3))
    wanted = np.unique(docs)
    dropped = kept = 0
    for d, got in zip(wanted.tolist(), split_batch(forms, docs, keys, starts, stops, wanted), strict=True):
        want = split_hits(forms, [(s, e, forms.key_ids[k]) for s, e, k in per_doc[d]])
        assert (got.cats, got.aliases, got.excl) == (want.cats, want.aliases, want.excl)
        assert {k: sorted(v) for k, v in got.ctx.items()} == {k: sorted(v) for k, v in want.ctx.items()}

        def reaches(label, aliases=want.aliases):
            _s, e, idx = label
            return any(a_s > e and forms.entries[a].owner == forms.entries[idx].owner for a_s, _e, a in aliases)

        walking = [x for x in want.labels if reaches(x)]
        assert got.labels == [x for x in want.labels if walking.count(x) or forms.entries[x[2]].entry.self_identifying]
        first_end = min((e for _s, e, _i in walking), default=None)
        assert got.structural == ({} if first_end is None else
                                  {k: v for k, v in want.structural.items() if k >= first_end})
        dropped += len(want.labels) - len(got.labels)
        kept += len(got.labels)
    assert dropped > 0 and kept > 0


def _shared_texts(limit_chars: int) -> list[str]:
    return list(corpus_texts(SHARED, limit_chars))


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/corpora/saudinewsnet.jsonl.gz is not present")
@pytest.mark.parametrize("name", [*bundled_names(), "merged"])
def test_saudinewsnet_counts_equal_resolve(name):
    texts = _shared_texts(550_000)  # about 1 MB of UTF-8
    dates = [("2015-06-01", "2024-05-01", None)[i % 3] for i in range(len(texts))]
    counted = _assert_counts(_lexicon(name), texts, dates) + _assert_counts(_lexicon(name), texts, None)
    assert counted > 0 or name == "sudan"  # (Saudi news of 2015: none of the Sudan war's names)
