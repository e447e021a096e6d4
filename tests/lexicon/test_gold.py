"""Gold cases for the matcher, kept as data in ``tests/cases/*.json``.

Each theme file (listed in ``THEMES``) is a JSON list of cases on one theme (normalization, clitics,
inflection, attachment, quotes, negatives). A case is::

    {"label": "short-id", "text": "...", "lexicon": "gold" (default) or a bundled lexicon name,
     "expected": [{"surface", "start", "end", "kind", "category", "referent", "stance", "term",
                   "alias", "quoted", "scare_quoted"}, ...],
     "comment": "why"}

The expected offsets were computed from the text by hand (``text.index`` of the intended surface),
never copied from the matcher. ``find_matches`` must return exactly the expected list: same order,
every field equal. ``"gold"`` is ``tests/cases/gold_lexicon.yaml``, a lexicon written for these tests
and independent of the bundled ones.

``tests/cases/known_failures.json`` holds cases in the same format plus a ``reason``: cases the
matcher should pass but does not yet. They run as strict xfails, so a fix makes them XPASS and fail
the run until the case is moved to its theme file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.lexicon.load import load_lexicon
from framing.lexicon.matcher import MATCH_FIELDS, find_matches

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
GOLD_LEXICON = CASES_DIR / "gold_lexicon.yaml"
KNOWN_FAILURES = "known_failures.json"
CASE_KEYS = {"label", "text", "lexicon", "expected", "comment", "date", "scope"}
REQUIRED_KEYS = {"label", "text", "expected", "comment"}
EXPECTED_KEYS = set(MATCH_FIELDS)
# fields a case may leave out; they then take the value they have for an ordinary hit
OPTIONAL_KEYS = {"voice", "in_scope", "scope_reason"}
KINDS = {"label", "category"}


def _read(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise TypeError(f"{path.name}: expected a JSON list of cases, got {type(data).__name__}")
    return data


# The theme files, listed (other helpers keep other JSON data in tests/cases).
THEMES = ("normalization", "clitics", "inflection", "attachment", "quotes", "negatives", "scope")


def _theme_files() -> list[Path]:
    return [CASES_DIR / f"{theme}.json" for theme in THEMES]


def _collect():
    params = []
    for path in _theme_files():
        for case in _read(path):
            params.append(pytest.param(case, id=f"{path.stem}:{case.get('label')}"))
    known = CASES_DIR / KNOWN_FAILURES
    if known.exists():
        for case in _read(known):
            reason = case.get("reason", "")
            params.append(pytest.param(
                {k: v for k, v in case.items() if k not in ("reason", "theme")},
                id=f"known:{case.get('label')}",
                marks=pytest.mark.xfail(reason=reason, strict=True),
            ))
    return params


ALL_CASES = _collect()

_LEXICONS: dict[str, object] = {}


def _lexicon(name: str):
    if name not in _LEXICONS:
        path = Path(__file__).resolve().parents[2] / name
        _LEXICONS[name] = load_lexicon(GOLD_LEXICON if name == "gold" else path if name.endswith(".yaml") else name)
    return _LEXICONS[name]


def _check_case_shape(case: dict) -> None:
    """The data itself must be well formed: otherwise a typo would silently weaken a case."""
    label = case.get("label")
    extra = set(case) - CASE_KEYS
    missing = REQUIRED_KEYS - set(case)
    assert not extra and not missing, f"{label}: unknown keys {sorted(extra)}, missing {sorted(missing)}"
    assert isinstance(case["text"], str) and case["text"], f"{label}: empty text"
    assert isinstance(case["comment"], str) and case["comment"].strip(), f"{label}: say why in 'comment'"
    for i, exp in enumerate(case["expected"]):
        assert EXPECTED_KEYS - OPTIONAL_KEYS <= set(exp) <= EXPECTED_KEYS, (
            f"{label} expected[{i}]: fields must be {sorted(EXPECTED_KEYS - OPTIONAL_KEYS)} "
            f"(and optionally {sorted(OPTIONAL_KEYS)}), got {sorted(exp)}")
        assert exp["kind"] in KINDS, f"{label} expected[{i}]: kind {exp['kind']!r}"
        assert case["text"][exp["start"]:exp["end"]] == exp["surface"], (
            f"{label} expected[{i}]: text[{exp['start']}:{exp['end']}] is "
            f"{case['text'][exp['start']:exp['end']]!r}, not the surface {exp['surface']!r}")


@pytest.mark.parametrize("case", ALL_CASES)
def test_gold_case(case):
    _check_case_shape(case)
    lexicon = _lexicon(case.get("lexicon", "gold"))
    text = case["text"]
    got = [m.to_dict() for m in find_matches(text, lexicon, date=case.get("date"), scope=case.get("scope", "in"))]
    for m in got:
        assert text[m["start"]:m["end"]] == m["surface"], f"match surface is not text[start:end]: {m}"
    assert got == [_with_defaults(e) for e in case["expected"]], case["comment"]


def _with_defaults(exp: dict) -> dict:
    """An expected match with the optional fields filled: in scope, own voice unless quoted."""
    out = dict(exp)
    out.setdefault("voice", "quoted" if exp["quoted"] else "own")
    out.setdefault("in_scope", True)
    out.setdefault("scope_reason", "")
    return {k: out[k] for k in MATCH_FIELDS}


def test_labels_are_unique():
    labels = [p.values[0]["label"] for p in ALL_CASES]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    assert not dupes, f"duplicate case labels: {dupes}"


def test_known_failures_are_explained():
    known = CASES_DIR / KNOWN_FAILURES
    for case in _read(known) if known.exists() else []:
        assert case.get("reason", "").strip(), f"{case.get('label')}: a known failure needs a 'reason'"
        assert case.get("theme") in {p.stem for p in _theme_files()}, (
            f"{case.get('label')}: 'theme' must name the theme file it belongs in once fixed")


def test_enough_cases_per_theme():
    """Guard against a theme file being emptied by accident."""
    counts = {p.stem: len(_read(p)) for p in _theme_files()}
    for theme in THEMES:
        assert counts.get(theme, 0) >= 8, f"theme {theme} has {counts.get(theme, 0)} cases"
    assert sum(counts.values()) >= 70


def test_gold_lexicon_loads_and_is_independent():
    lex = _lexicon("gold")
    assert lex.name == "gold"
    assert set(lex.referents) == {"hamdan_camp", "unity_government", "kronos_group"}
    assert any(e.self_identifying for r in lex.referents.values() for es in r.labels.values() for e in es)
