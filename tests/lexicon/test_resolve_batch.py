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

import functools
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import ASND, SAUDINEWSNET, corpus_texts
from helpers.resolving import PASSES, batch_hits, compare_batch, same_as_code_points
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.lexicon import batchresolve, fastresolve, scan
from framing.lexicon import resolve as resolve_module
from framing.lexicon.compile import CompiledForms
from framing.lexicon.load import Lexicon, bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import (
    lexsort_packed,
    resolve,
    resolve_batch,
    resolve_split,
    split_batch,
)
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
    "قال ب«««««««««««غير حرب",  # (a word cut by the 16 characters negation reads: «««غير alone negates)
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


def _check(name: str, texts: list[str], monkeypatch) -> dict[str, int]:
    """Compare on ``texts``, dated (three dates in turn) and undated; the documents taken by each path of
    resolve_batch: "direct" (categories only, resolved in _direct), "batch" (labels and categories resolved
    for the batch at once), "qualify" (of those, the documents with qualifiers, which take their heads in
    the batch too), "fallback" (a compiled pass met a character above U+FFFF: resolve_fast)."""
    forms = compile_lexicon(_lexicon(name))
    norms = [normalize(t) for t in texts]
    docs, keys, starts, stops, wanted = batch_hits(forms, norms)
    paths = dict.fromkeys(("direct", "batch", "qualify", "fallback"), 0)

    def counting(path: str, function):
        def counted(*args, **kwargs):
            paths[path] += 1
            return function(*args, **kwargs)
        return counted

    def direct_counted(*args, **kwargs):
        found = direct(*args, **kwargs)
        paths["direct"] += int((~found[1]).sum())
        paths["batch"] += int(found[1].sum())
        return found

    def qualifiers_counted(*args):
        doc, rows, is_q = args[4][0], args[6], args[7]
        paths["qualify"] += len(np.unique(doc[rows[is_q]]))
        return qualifiers(*args)

    direct, qualifiers = resolve_module._direct, batchresolve._qualifiers
    monkeypatch.setattr(resolve_module, "_direct", direct_counted)
    monkeypatch.setattr(batchresolve, "resolve_fast", counting("fallback", batchresolve.resolve_fast))
    monkeypatch.setattr(batchresolve, "_qualifiers", qualifiers_counted)
    for dates in (None, [("2015-06-01", "2024-05-01", None)[i % 3] for i in range(len(texts))]):
        wanted_norms = [norms[d] for d in wanted.tolist()]
        got = list(resolve_batch(forms, docs, keys, starts, stops, wanted, wanted_norms, dates))
        same_as_code_points(forms, (docs, keys, starts, stops, wanted), wanted_norms, dates, got)
        before = [resolve_split(forms, norm, split, date=None if dates is None else dates[d])
                  for d, norm, split in zip(wanted.tolist(), wanted_norms,
                                            split_batch(forms, docs, keys, starts, stops, wanted), strict=True)]
        assert [list(map(tuple, r)) for r in got] == [list(map(tuple, r)) for r in before]
        for d, found in zip(wanted.tolist(), got, strict=True):
            norm = norms[d]
            one = resolve(forms, norm, scan.text_hits(forms, norm), date=None if dates is None else dates[d])
            assert list(map(tuple, found)) == list(map(tuple, one)), (name, texts[d][:80])
    paths["batch"] -= paths["fallback"]  # (the documents with qualifiers are counted in "batch" too)
    return paths


@pytest.mark.parametrize("name", [*bundled_names(), "merged", "toy"])
def test_demo_resolve_batch_equals_resolve_split(name, monkeypatch):
    paths = _check(name, _demo(), monkeypatch)
    assert sum(paths.values()) > 0


def test_overlapping_categories_and_negation_resolved_directly():
    """The toy lexicon has neither rules nor qualifiers nor labels: every document is resolved directly."""
    forms = compile_lexicon(_lexicon("toy"))
    norms = [normalize(t) for t in EDGE[:3]]
    docs, keys, starts, stops, wanted = batch_hits(forms, norms)
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
    paths = _check(name, texts, monkeypatch)
    assert paths["direct"] > 0 and paths["batch"] > 0  # both paths taken and compared
    if name in ("merged", "libya"):
        assert paths["qualify"] > 0


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


# -- the batch paths against the reference on texts made of the lexicons' own words -----------------------------
# Random texts of terms (all forms of categories, aliases, labels, titles, linkers, ...), context and exclude
# phrases, negators and fillers: punctuation, line breaks, quotation marks, brackets, hashtags and characters
# above U+FFFF (a word character and an emoji: a walk that meets them leaves its document to resolve_fast).

FILLERS = ["قال", "في", "من", "و", "ف", "غير", "لا", "«", "»", "(", ")", "#", "،", ".", "\n", "  ", "\u00a0",
           "\U0001d400\U0001d401", "\U0001f600", "ـ", "ال"]


@functools.cache
def _compiled(name: str) -> tuple[CompiledForms, list[str]]:
    forms = compile_lexicon(_lexicon(name))
    words = {form for e in forms.entries for form in e.entry.forms if "*" not in form}
    words |= set(forms.context_forms) | set(forms.exclude_forms) | set(forms.negators)
    return forms, sorted(words)


@pytest.mark.parametrize("name", ["merged", "markers", "libya", "isis", "yemen"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_texts_resolve_as_resolve_split(name, data):
    forms, words = _compiled(name)
    piece = st.one_of(st.sampled_from(words), st.sampled_from(FILLERS))
    texts = data.draw(st.lists(st.lists(piece, max_size=25).map(" ".join), min_size=1, max_size=6))
    texts = [t.replace(" \n ", "\n") if data.draw(st.booleans()) else t for t in texts]
    dates = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(["2012-01-01", "2016-06-01", "2023-09-09", None]),
                                                    min_size=len(texts), max_size=len(texts))))
    compare_batch(forms, texts, dates)


def test_walk_past_a_character_above_uffff_falls_back(monkeypatch):
    """A label, then a word of characters above U+FFFF, a linker and its alias: the compiled walk leaves the
    document to resolve_fast, which attaches the label as the reference does."""
    lexicon = {"name": "astral", "window": 4, "linkers": ["التابعة ل"],
               "referents": {"haftar": {"aliases": ["حفتر"], "labels": {"delegitimizing": ["ميليشيات"]}}},
               "categories": {"a": ["حرب"]}}
    forms = compile_lexicon(Lexicon.from_dict(lexicon))
    calls = []
    original = fastresolve.resolve_fast
    monkeypatch.setattr(batchresolve, "resolve_fast", lambda *a, **k: calls.append(1) or original(*a, **k))
    texts = ["ميليشيات \U0001d400\U0001d401 التابعة ل حفتر في حرب", "ميليشيات حفتر في حرب",
             "ميليشيات \U0001f600 حفتر"]
    assert compare_batch(forms, texts, None) > 0
    assert len(calls) == 2 * PASSES  # (the first and last documents)
    norm = normalize(texts[0])
    found = [(norm[r.start:r.end], r.kind) for r in resolve(forms, norm, scan.text_hits(forms, norm))]
    assert found[0] == ("ميليشيات", "label")


@pytest.mark.shared
@pytest.mark.skipif(not ASND.exists(), reason="../shared/corpora/asnd_aljazeera.jsonl.gz is not present")
@pytest.mark.parametrize("name", [*bundled_names(), "merged"])
def test_asnd_resolve_batch_equals_resolve_split(name, monkeypatch):
    paths = _check(name, list(corpus_texts(ASND, 300_000)), monkeypatch)
    assert paths["direct"] + paths["batch"] > 0


SCOPED = {"name": "scoped", "window": 4, "negators": ["غير"], "linkers": ["التابعة ل"],
          "referents": {"haftar": {"aliases": [{"term": "حفتر", "exclude": ["ميليشيات"],
                                                "context": {"terms": ["ليبيا"], "window": 3}}, "المشير"],
                                   "labels": {"delegitimizing": ["ميليشيات", {"term": "المرتزقة", "self": True}]}}},
          "categories": {"legitimacy": {"qualifies": True, "terms": ["الشرعي"]},
                         "war": {"terms": ["حرب"], "exclude": ["حرب باردة"]}}}


def test_scoped_written_texts_resolve_as_resolve_split():
    """Written cases of the rules the batch decides: a label inside an exclude phrase of its alias's entry
    (the alias's "exclude" does not keep the label out), the alias's context window (near, far, absent),
    a qualifier next to an alias head and next to a label head, a negated category."""
    forms = compile_lexicon(Lexicon.from_dict(SCOPED))
    texts = ["ميليشيات حفتر في ليبيا", "المرتزقة حفتر قالت امس في بيان طويل عن ليبيا", "ميليشيات حفتر",
             "المشير الشرعي في حرب غير الشرعي، الشرعي", "المرتزقة الشرعي", "حرب غير حرب في ليبيا حفتر الشرعي",
             "المشير قال امس الشرعي"]
    assert compare_batch(forms, texts, None) > 0
    norms = [normalize(t) for t in texts]
    got = [[(norm[r.start:r.end], r.kind, r.reason) for r in resolve(forms, norm, scan.text_hits(forms, norm))]
           for norm in norms]
    assert ("ميليشيات", "label", "") in got[0]  # (the exclude phrase of حفتر holds the label: it counts)
    assert (normalize("المرتزقة"), "label", "context") in got[1]  # (ليبيا too far from the label)
    assert [r for r in got[3] if r[0] == "الشرعي"] == [("الشرعي", "category", ""), ("الشرعي", "category", "negated"),
                                                      ("الشرعي", "category", "unattached")]
    assert got[6] == [("الشرعي", "category", "unattached")]  # (two words between the qualifier and its head)


def test_fallback_document_with_positional_reasons(monkeypatch):
    """A document resolve_fast takes (a walk meets characters above U+FFFF) where the same entry has
    different reasons by position (an alias's context window, a category's exclude phrase): each hit gets
    its own."""
    forms = compile_lexicon(Lexicon.from_dict(SCOPED))
    calls = []
    original = fastresolve.resolve_fast
    monkeypatch.setattr(batchresolve, "resolve_fast", lambda *a, **k: calls.append(1) or original(*a, **k))
    text = ("المرتزقة حفتر في ليبيا ثم قال امس في بيان طويل جدا ان المرتزقة حفتر و ميليشيات \U0001d400\U0001d401 حفتر"
            " في حرب ثم حرب باردة")
    assert compare_batch(forms, [text], None) > 0
    assert calls == [1] * PASSES
    norm = normalize(text)
    found = resolve(forms, norm, scan.text_hits(forms, norm))
    assert [r.reason for r in found if r.kind == "label"][:2] == ["", "context"]
    assert [r.reason for r in found if r.kind == "category"] == ["", "exclude"]  # (the same entry, by position)


def test_lexicons_with_other_negators_in_turn():
    """Two lexicons that differ in their negators alone, resolved in turn in one process: each negates with its own
    (the negator tables the compiled pass reads are kept between calls)."""
    texts = ["قال لا حرب ثم غير حرب", "غير حرب"]
    negated = {}
    for negator in ("لا", "غير", "لا"):
        forms = compile_lexicon(Lexicon.from_dict({"name": "neg", "negators": [negator], "categories": {"a": ["حرب"]}}))
        assert compare_batch(forms, texts, None) == 3
        norms = [normalize(t) for t in texts]
        hits = batch_hits(forms, norms)
        negated[negator] = [[r.reason for r in found] for found in resolve_batch(forms, *hits, norms)]
    assert negated == {"لا": [["negated", ""], [""]], "غير": [["", "negated"], ["negated"]]}
