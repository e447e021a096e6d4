"""Property tests (hypothesis) for the text core."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing import find_matches, normalize, normalize_with_offsets
from framing.lexicon.load import Lexicon
from framing.text.morphology import surface_forms

LONG = os.environ.get("FRAMING_FUZZ") == "long"
SETTINGS = settings(max_examples=3000 if LONG else 200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

LEX = Lexicon.from_dict({
    "name": "prop",
    "linkers": ["الموالية", "بقيادة"],
    "titles": ["اللواء المتقاعد", "المشير"],
    "categories": {"hedge": ["ما يسمى", "المزعوم"]},
    "referents": {
        "camp_a": {"aliases": ["حفتر", "خليفة حفتر"],
                   "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
                              "neutral": ["قوات"], "legitimizing": [{"term": "الجيش الوطني", "self": True}]}},
        "camp_b": {"aliases": ["حكومة الوفاق"], "labels": {"neutral": ["قوات"]}},
    },
})

PIECES = ["ميليشيا", "مليشيات", "قوات", "القوات", "حفتر", "لحفتر", "خليفة", "حكومة", "الوفاق", "الجيش",
          "الوطني", "ما", "يسمى", "المزعومة", "الموالية", "بقيادة", "اللواء", "المتقاعد", "المشير", "قال",
          "«", "»", "“", "”", '"', "،", ".", "\n", " ", "\u00a0", "\u200f", "\u202e", "ـ", "ً", "ّ", "ﻻ", "ی",
          "ک", "٣", "و", "ب", "لل"]

arabicish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=40).map(
    lambda parts: " ".join(parts)
)
anything = st.one_of(st.text(), arabicish)


@SETTINGS
@given(anything)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@SETTINGS
@given(anything)
def test_offsets_are_monotone_and_in_range(text):
    norm, offsets = normalize_with_offsets(text)
    assert len(offsets) == len(norm)
    assert all(0 <= o < len(text) for o in offsets)
    assert all(a <= b for a, b in zip(offsets, offsets[1:]))


@SETTINGS
@given(anything)
def test_matches_span_the_original_and_contain_the_term(text):
    for m in find_matches(text, LEX, kinds=("category", "label", "alias")):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        folded = normalize(m.surface).strip()
        forms = set()
        for entry_term in [m.term]:
            for raw in [entry_term] + _variants(m):
                forms |= surface_forms(normalize(raw))
        assert " ".join(folded.split()) in forms, (m, folded)


def _variants(m):
    out = []
    for cat in LEX.categories.values():
        out += [v for e in cat.entries if e.term == m.term for v in e.variants]
    for ref in LEX.referents.values():
        for entries in ref.labels.values():
            out += [v for e in entries if e.term == m.term for v in e.variants]
    return out


@SETTINGS
@given(anything)
def test_matches_of_one_kind_do_not_overlap(text):
    matches = find_matches(text, LEX)
    for kind in ("category", "label"):
        spans = sorted((m.start, m.end) for m in matches if m.kind == kind)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        assert all(m.referent is not None for m in matches if m.kind == "label")
