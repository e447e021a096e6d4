"""``resolve_batch`` gives, per document, exactly the matches of the code it replaces.

:func:`framing.lexicon.resolve.resolve_batch` resolves the documents of a batch: those without labels
whose category hits have no scope rule and qualify nothing directly, for all of them at once (leftmost-longest
in numpy, negation), the others with :func:`~framing.lexicon.resolve.resolve_split` of their
:func:`~framing.lexicon.resolve.split_batch` split. Both references are checked match by match (kind, span,
entry, head, scope reason): ``split_batch`` + ``resolve_split`` per document (the code ``count_matrix`` ran
before), and the public one-text path ``resolve(text_hits(normalize(text)))``. Texts: the demo corpus, our own
edge cases, and the first ~1 MB of SaudiNewsNet when ../shared is present (no article text is stored here).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import SAUDINEWSNET, corpus_texts

from framing.lexicon import fastresolve
from framing.lexicon import scan
from framing.lexicon.compile import CompiledForms
from framing.lexicon.load import Lexicon, bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import lexsort_packed, resolve, resolve_batch, resolve_split, split_batch
from framing.text.normalization import normalize

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"

# written for this test: overlapping categories (two spans from different starts), negators before a
# category (plain, with و, in quotation marks, after a line break), qualifiers, labels, no hit at all
EDGE = [
    "حرب اهلية طاحنة اليوم",
    "قال غير شرعية، ولا شرعية «غير» شرعية\nغير\nشرعية",
    "اهلية طاحنة وحرب، ثم حرب اهلية",
    "الحكومة الشرعية غير المعترف بها والحكومة المعترف بها دوليا في طرابلس",
    "قال المتحدث إن ميليشيات حفتر قصفت المدينة وما يسمى بالجيش",
    "تنظيم الدولة الإسلامية وداعش وما يسمى بالدولة الإسلامية في العراق والشام",
    "لا شيء هنا",
    "",
]
TOY = {"name": "toy", "negators": ["غير", "لا"],
       "categories": {"a": ["حرب اهلية", "اهلية طاحنة", "حرب"], "b": ["طاحنة", "غير شرعية", "شرعية"]}}


def _lexicon(name: str) -> Lexicon:
    if name == "toy":
        return Lexicon.from_dict(TOY)
    if name != "merged":
        return load_lexicon(name)
    spec = importlib.util.spec_from_file_location("_bench_run_resolve_batch", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.merged_lexicon()[0]


def _demo() -> list[str]:
    with DEMO.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh] + EDGE


def _batch(forms: CompiledForms, norms: list[str]):
    """The hits of ``norms`` as count_batch gathers them: document, key, start, stop (hit order per document)."""
    per_doc = []
    for norm in norms:
        padded, pos = scan.view(norm)
        hits = []
        for end, k in forms.automaton.iter(padded):
            klen, _ids, glob = forms.key_info[k]
            start, stop = end - klen + 1, (padded.find(" ", end + 1) - 1 if glob else end - 1)
            if pos is not None:
                start, stop = pos[start], pos[stop - 1] + 1
            hits.append((start, stop, k))
        per_doc.append(hits)
    docs = np.array([d for d, hits in enumerate(per_doc) for _ in hits], dtype=np.int64)
    starts, stops, keys = (np.array([h[j] for hits in per_doc for h in hits], dtype=np.int64) for j in range(3))
    return docs, keys, starts, stops, np.unique(docs)


def _check(name: str, texts: list[str], monkeypatch) -> tuple[int, int]:
    """Compare on ``texts``, dated (three dates in turn) and undated; (documents resolved directly, by
    resolve_split)."""
    forms = compile_lexicon(_lexicon(name))
    norms = [normalize(t) for t in texts]
    docs, keys, starts, stops, wanted = _batch(forms, norms)
    split_calls = []
    original = resolve_split
    fast = fastresolve.resolve_fast

    def counted(*args, **kwargs):
        split_calls.append(1)
        return fast(*args, **kwargs)

    monkeypatch.setattr(fastresolve, "resolve_fast", counted)
    direct = via_split = 0
    for dates in (None, [("2015-06-01", "2024-05-01", None)[i % 3] for i in range(len(texts))]):
        wanted_norms = [norms[d] for d in wanted.tolist()]
        split_calls.clear()
        got = list(resolve_batch(forms, docs, keys, starts, stops, wanted, wanted_norms, dates))
        via_split += len(split_calls)
        direct += len(wanted) - len(split_calls)
        before = [original(forms, norm, split, date=None if dates is None else dates[d])
                  for d, norm, split in zip(wanted.tolist(), wanted_norms,
                                            split_batch(forms, docs, keys, starts, stops, wanted), strict=True)]
        assert [list(map(tuple, r)) for r in got] == [list(map(tuple, r)) for r in before]
        for d, found in zip(wanted.tolist(), got, strict=True):
            norm = norms[d]
            one = resolve(forms, norm, scan.text_hits(forms, norm), date=None if dates is None else dates[d])
            assert list(map(tuple, found)) == list(map(tuple, one)), (name, texts[d][:80])
    return direct, via_split


@pytest.mark.parametrize("name", [*bundled_names(), "merged", "toy"])
def test_demo_resolve_batch_equals_resolve_split(name, monkeypatch):
    direct, via_split = _check(name, _demo(), monkeypatch)
    assert direct + via_split > 0  # (the demo names a referent in every document: few are resolved directly)


def test_overlapping_categories_and_negation_resolved_directly():
    """The toy lexicon has neither rules nor qualifiers nor labels: every document is resolved directly."""
    forms = compile_lexicon(_lexicon("toy"))
    norms = [normalize(t) for t in EDGE[:3]]
    docs, keys, starts, stops, wanted = _batch(forms, norms)
    got = [[(norms[d][r.start:r.end], r.reason) for r in found]
           for d, found in zip(wanted.tolist(), resolve_batch(forms, docs, keys, starts, stops, wanted,
                                                              [norms[d] for d in wanted.tolist()]), strict=True)]
    assert got[0] == [("حرب اهليه", ""), ("طاحنه", "")]  # the span starting inside the first one is not chosen
    assert ("شرعيه", "negated") in got[1] and ("غير شرعيه", "") in got[1]
    assert got[2] == [("اهليه طاحنه", ""), ("وحرب", ""), ("حرب اهليه", "")]


@pytest.mark.shared
@pytest.mark.skipif(not SAUDINEWSNET.exists(), reason="../shared/corpora/saudinewsnet.jsonl.gz is not present")
@pytest.mark.parametrize("name", [*bundled_names(), "merged"])
def test_saudinewsnet_resolve_batch_equals_resolve_split(name, monkeypatch):
    texts = list(corpus_texts(SAUDINEWSNET, 550_000))  # about 1 MB of UTF-8
    direct, via_split = _check(name, texts, monkeypatch)
    assert direct + via_split > 0  # TEMP


QUALIFIED = {"name": "toy_heads",
             "referents": {"gna": {"aliases": [{"term": "حكومة الوفاق", "valid": [{"from": "2016-01-01"}]}, "السراج"],
                                   "labels": {"neutral": ["المجلس الرئاسي"]}}},
             "categories": {"legitimacy": {"qualifies": True, "terms": ["الشرعية", "المعترف بها دوليا"]}}}


@pytest.mark.parametrize(("date", "reason"), [("2015-03-01", "date"), ("2017-03-01", ""), (None, "")])
def test_qualifier_takes_the_scope_reason_of_its_alias_head(date, reason):
    """A qualifier of an alias that is out of its dates does not count (the alias head's reason is found
    only for the head a qualifier takes); one next to another alias of the same text still does."""
    forms = compile_lexicon(Lexicon.from_dict(QUALIFIED))
    norm = normalize("السراج الشرعية وحكومة الوفاق المعترف بها دوليا، وحكومة الوفاق")
    found = [(norm[r.start:r.end], r.reason, r.head)
             for r in resolve(forms, norm, scan.text_hits(forms, norm), date=date)]
    assert found == [("الشرعيه", "", "gna"), ("المعترف بها دوليا", reason, "gna")]


@pytest.mark.parametrize("seed", range(5))
def test_lexsort_packed_equals_lexsort(seed):
    """The packed sort gives lexsort's order: ties kept in place, negative keys, wide ranges (lexsort
    itself then), one key, no rows."""
    rng = np.random.default_rng(seed)
    n = 2000
    small = [rng.integers(-3, 4, n), rng.integers(0, 50, n), -rng.integers(0, 10**6, n)]
    wide = [rng.integers(0, 10**6, n), rng.integers(-(10**12), 10**12, n), rng.integers(0, 10**9, n)]
    for keys in (small, wide, small[:1], [k[:0] for k in small]):
        got = lexsort_packed(*keys)
        assert got.tolist() == np.lexsort(keys).tolist()
