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


# --- lexicon YAML: the limited loader reads what PyYAML's safe loader reads -------------------------------------
yaml_plain = st.recursive(
    st.one_of(st.text(max_size=8), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.dates()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30)


# line breaks PyYAML's dumper writes raw (allow_unicode) and its reader then folds: not a round trip
BREAKS = "\x85\u2028\u2029"


def _paths(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            p = f"{path}.{k}" if path else str(k)
            yield p
            yield from _paths(v, p)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield f"{path}[{i}]"
            yield from _paths(v, f"{path}[{i}]")


@SETTINGS
@given(value=yaml_plain, shared=st.booleans(), flow=st.sampled_from([None, True, False]))
def test_lexicon_yaml_reads_as_safe_load(value, shared, flow):
    import yaml

    from framing.lexicon.load import parse_lexicon_yaml

    doc = {"a": value, "b": value} if shared else value  # shared: dumped as an anchor and an alias
    text = yaml.safe_dump(doc, allow_unicode=True, default_flow_style=flow)
    data, lines = parse_lexicon_yaml(text, "<test>")
    assert data == yaml.safe_load(text)
    if any(ch in text for ch in BREAKS):
        return
    assert data == doc
    if not any(ch in k for k in _keys(doc) for ch in ".[]"):  # dotted paths are unambiguous
        for p in _paths(doc):
            assert 1 <= lines[p] <= text.count("\n") + 1, p


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


label_text = st.lists(st.one_of(st.sampled_from(["$", "$x$", "{", "}", "{0}", "%s", "\\", "\u200f", "\u202e", "ـ",
                                                 "قوات", "حفتر", " ", "\t", "'", '"', "#", ": ", "- ", "&a", "*a",
                                                 "!!", "%", "@", "`"]),
                                st.text(max_size=3)), min_size=1, max_size=12).map("".join)


@SETTINGS
@given(label=label_text, description=label_text)
def test_lexicon_text_survives_a_yaml_file(tmp_path_factory, label, description):
    """Display labels and descriptions of any text (``$…$``, ``{``, marks) come back as written."""
    import yaml

    from framing.lexicon.load import load_lexicon

    data = {"name": "prop", "description": description,
            "referents": {"camp": {"label": label, "aliases": ["حفتر"], "labels": {"neutral": ["قوات"]}}}}
    path = tmp_path_factory.mktemp("lx") / "prop.yaml"
    text = yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    lex = load_lexicon(path)
    if any(ch in text for ch in BREAKS):
        label, description = yaml.safe_load(text)["referents"]["camp"]["label"], yaml.safe_load(text)["description"]
    assert lex.display_name("camp") == (label.strip() or "camp")
    assert lex.description == description.strip()
