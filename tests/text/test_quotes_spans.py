"""Quotation spans (framing.text.quotes) on sentences written for these tests.

``tests/cases/voice_quotes.json``: ``text`` and the ``quoted`` strings, in order, that
:func:`framing.text.quotes.quote_spans` must return (after search normalization).
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from framing.text.normalization import normalize
from framing.text.quotes import QuoteIndex, quote_spans

CASES = json.loads((Path(__file__).resolve().parents[1] / "cases" / "voice_quotes.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_quote_spans_case(case):
    norm = normalize(case["text"])
    got = [norm[s:e] for s, e in quote_spans(norm)]
    assert got == [normalize(q) for q in case["quoted"]], case.get("comment", "")


def test_spans_are_sorted_disjoint_and_inside_text():
    text = "\n".join(normalize(c["text"]) for c in CASES)
    spans = quote_spans(text)
    assert spans == sorted(spans)
    for (_s1, e1), (s2, _e2) in pairwise(spans):
        assert e1 <= s2
    assert all(0 <= s < e <= len(text) for s, e in spans)


def test_quote_index_keeps_its_contract():
    norm = normalize("تقدمت «ميليشيات حمدان» نحو المدينة. وقال: «لن نقبل بوجود ميليشيات حمدان في المدينة»")
    q = QuoteIndex(norm)
    first = norm.index("ميليشيات")
    second = norm.index("ميليشيات", first + 1)
    assert q.classify(first, first + 8, 1) == (True, True)
    assert q.classify(second, second + 8, 1) == (True, False)
    assert q.classify(0, 5, 1) == (False, False)
    assert q.enclosing(first, first + 8) == (first, norm.index("»"))


def test_mark_inside_term_is_overlap_not_enclosure():
    norm = normalize('هاجم تنظيم "الدولة الإسلامية" القرية')
    s = norm.index("تنظيم")
    e = norm.index("الاسلاميه") + len("الاسلاميه")
    q = QuoteIndex(norm)
    assert q.enclosing(s, e) is None
    assert q.overlapping(s, e) == (norm.index('"') + 1, norm.rindex('"'))
