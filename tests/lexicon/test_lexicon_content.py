"""Content checks for the bundled lexicons, independent of framing.lexicon.load.

They read the YAML directly and check what can be checked without the loader: required keys,
the referents of the libya lexicon, a note on every entry, and no normalized term in two places
of one file (crude normalization: diacritics, tatweel, alef forms, alef maqsura, ta marbuta).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

LEXICON_DIR = Path(__file__).resolve().parents[2] / "framing" / "data" / "lexicons"
NAMES = ["libya", "yemen", "isis", "markers"]
TOP_KEYS = {"name", "version", "description", "sources", "window", "linkers", "titles",
            "categories", "referents",
            # issue 10 scope and attachment keys (docs/lexicon-format.md)
            "undated", "exclude", "modifiers", "heads", "negators",
            "audit"}  # the measured validity on real text, shown in reports
ENTRY_KEYS = {"term", "variants", "note", "self", "inflect",
              "name", "context", "valid", "exclude",  # issue 10: house-style names and per-entry scope
              "head"}  # issue 10: a qualifier term's head side (docs/lexicon-format.md, added for isis)
STANCES = {"delegitimizing", "neutral", "legitimizing"}
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")


def crude_normalize(text: str) -> str:
    """Fold diacritics, tatweel, alef forms, alef maqsura and ta marbuta; squeeze spaces."""
    text = _DIACRITICS.sub("", text)
    for src, dst in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ة", "ه")):
        text = text.replace(src, dst)
    return " ".join(text.split())


def load(name: str) -> dict:
    with open(LEXICON_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def category_entries(lex: dict):
    for cat, value in (lex.get("categories") or {}).items():
        terms = value["terms"] if isinstance(value, dict) else value
        for entry in terms:
            yield f"category {cat}", entry


def referent_entries(lex: dict):
    for key, ref in (lex.get("referents") or {}).items():
        for entry in ref.get("aliases") or []:
            yield key, "alias", entry
        for stance, entries in (ref.get("labels") or {}).items():
            for entry in entries:
                yield key, stance, entry


def all_entries(lex: dict):
    for entry in lex.get("linkers") or []:
        yield "linkers", entry
    for entry in lex.get("titles") or []:
        yield "titles", entry
    yield from category_entries(lex)
    for key, where, entry in referent_entries(lex):
        yield f"{key}/{where}", entry


def spellings(entry) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    return [entry["term"], *(entry.get("variants") or [])]


@pytest.fixture(params=NAMES)
def lexicon(request):
    return request.param, load(request.param)


def test_top_level_keys(lexicon):
    name, lex = lexicon
    assert set(lex) <= TOP_KEYS, set(lex) - TOP_KEYS
    assert lex["name"] == name
    assert isinstance(lex["version"], int)
    assert lex["description"].strip()
    assert lex["sources"].strip()
    assert isinstance(lex.get("window", 4), int) and lex.get("window", 4) > 0


def test_entries_are_well_formed_and_noted(lexicon):
    name, lex = lexicon
    for where, entry in all_entries(lex):
        assert isinstance(entry, dict), f"{name} {where}: bare string {entry!r}; write it with a note"
        assert set(entry) <= ENTRY_KEYS, f"{name} {where}: unknown keys {set(entry) - ENTRY_KEYS}"
        assert isinstance(entry["term"], str) and crude_normalize(entry["term"]), (name, where)
        assert isinstance(entry.get("note"), str) and entry["note"].strip(), (
            f"{name} {where}: {entry['term']} has no note")
        for variant in entry.get("variants") or []:
            assert isinstance(variant, str) and crude_normalize(variant), (name, where, variant)
        if "self" in entry:
            # true / false, or the date ranges in which the label names its referent by itself
            # ({to: 2017-12-31}, a list of {from, to}), as the loader documents
            assert isinstance(entry["self"], (bool, dict, list)), f"{name} {where}: self is {entry['self']!r}"
            assert not where.startswith(("linkers", "titles", "category")) and not where.endswith(
                "/alias"), f"{name} {where}: self only applies to labels"
        if "inflect" in entry:
            assert isinstance(entry["inflect"], bool)


def test_referent_structure(lexicon):
    name, lex = lexicon
    for key, ref in (lex.get("referents") or {}).items():
        assert re.fullmatch(r"[a-z0-9_]+", key), key
        assert ref.get("description"), key
        labels = ref.get("labels") or {}
        assert set(labels) <= STANCES, (key, set(labels) - STANCES)
        has_alias = bool(ref.get("aliases"))
        has_self = any(isinstance(e, dict) and e.get("self")
                       for entries in labels.values() for e in entries)
        assert has_alias or has_self, f"{name}: referent {key} can never match"


def test_variants_are_not_folded_by_normalization(lexicon):
    name, lex = lexicon
    for where, entry in all_entries(lex):
        forms = [crude_normalize(s) for s in spellings(entry)]
        assert len(forms) == len(set(forms)), f"{name} {where}: variant that normalization folds: {forms}"


def test_no_normalized_term_in_two_places(lexicon):
    """Two categories, two stances of one referent, alias of two referents, alias and label."""
    name, lex = lexicon
    seen: dict[str, str] = {}
    for where, entry in category_entries(lex):
        for form in map(crude_normalize, spellings(entry)):
            assert form not in seen, f"{name}: {form} in {seen.get(form)} and {where}"
            seen[form] = where
    aliases: dict[str, str] = {}
    labels: dict[str, set[str]] = {}
    for key, where, entry in referent_entries(lex):
        for form in map(crude_normalize, spellings(entry)):
            assert form not in seen, f"{name}: {form} is a category term and in {key}/{where}"
            if where == "alias":
                assert form not in aliases, f"{name}: alias {form} of {aliases.get(form)} and {key}"
                aliases[form] = key
            else:
                place = f"{key}/{where}"
                same_ref = {p for p in labels.get(form, set()) if p.startswith(key + "/")}
                assert not same_ref, f"{name}: {form} in {same_ref} and {place}"
                labels.setdefault(form, set()).add(place)
    both = set(aliases) & set(labels)
    assert not both, f"{name}: both alias and label: {both}"


def test_libya_referents():
    lex = load("libya")
    assert set(lex["referents"]) == {"haftar_camp", "gna", "turkey", "russia", "wagner", "uae"}
    haftar = {crude_normalize(e["term"]) for e in lex["referents"]["haftar_camp"]["aliases"]}
    assert {crude_normalize("حفتر"), crude_normalize("خليفة حفتر")} <= haftar
    self_labels = {e["term"] for e in lex["referents"]["haftar_camp"]["labels"]["legitimizing"]
                   if e.get("self")}
    assert {"الجيش الوطني الليبي", "القوات المسلحة العربية الليبية"} <= self_labels
    # الجيش الليبي names Haftar's army by itself only until the GNA reached Tripoli (March 2016); after
    # that GNA-side media use it for their own forces too, so it needs an alias
    army = [e for e in lex["referents"]["haftar_camp"]["labels"]["legitimizing"] if e["term"] == "الجيش الليبي"]
    assert len(army) == 1 and isinstance(army[0].get("self"), dict)
    assert str(army[0]["self"]["to"]) <= "2016-03-30" and "from" not in army[0]["self"]


def test_markers_has_categories_only():
    lex = load("markers")
    # issue 10: markers may hold heads-only referents (aliases for qualifier attachment, no labels)
    assert all(not ref.get("labels") for ref in (lex.get("referents") or {}).values())
    assert {"hedge", "attribution_sceptical", "attribution_neutral", "legitimacy"} <= set(
        lex["categories"])


def test_crude_normalize_folds():
    assert crude_normalize("إرهابيّة") == crude_normalize("ارهابيه")
    assert crude_normalize("ما يسمّى") == "ما يسمي"
