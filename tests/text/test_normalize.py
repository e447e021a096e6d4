"""Normalization: each step, the profiles, offsets."""

import json
import unicodedata
from pathlib import Path

import pytest

from framing import FramingError, normalize, normalize_with_offsets
from framing.text.normalization import PROFILES, load_charmap, original_span

CASES = Path(__file__).resolve().parents[1] / "cases"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("دوليًا", "دوليا"),                     # tanween fath
        ("قُوّات", "قوات"),                       # damma + shadda
        ("هٰذا", "هذا"),                          # superscript alef U+0670
        ("الله\u06d6", "الله"),                   # Quranic mark
        ("ميلـيشيا", "ميليشيا"),                  # tatweel
        ("أعلن إعلان آخر ٱلقوم", "اعلن اعلان اخر القوم"),
        ("مصطفى", "مصطفي"),
        ("حكومة", "حكومه"),
        ("ميلیشیا", "ميليشيا"),                   # Persian yeh
        ("کتائب", "كتائب"),                       # keheh
        ("حکومہ", "حكومه"),                       # keheh, heh goal
        ("ۀ ە ې", "ه ه ي"),  # noqa: RUF001 - Arabic letters, meant literally
        ("٢٠١٩ ۲۰۲۰", "2019 2020"),
        ("ﻗﻮﺍﺕ", "قوات"),                         # presentation forms B
        ("ﻻ", "لا"),                              # lam-alef ligature
        ("ﷲ", "الله"),                            # presentation forms A ligature
        ("قوات\u00a0حفتر", "قوات حفتر"),          # no-break space
        ("قوات\u2009\u202fحفتر", "قوات حفتر"),    # thin + narrow no-break spaces, squeezed
        ("ميلي\u200cشيا", "ميليشيا"),             # zero-width non-joiner inside a word
        ("\u202eقوات\u202c", "قوات"),             # bidi override
        ("\u2067حفتر\u2069", "حفتر"),             # isolates
        ("ق\u061cوات", "قوات"),                   # Arabic letter mark
        ("\ufeffقوات", "قوات"),                   # BOM / ZWNBSP
        ("„قوات‟", "“قوات“"),                     # quote lookalikes folded, kept
        ("«قوات»", "«قوات»"),
    ],
)
def test_search_profile_steps(raw, expected):
    assert normalize(raw) == expected


def test_hamza_carriers_only_on_request():
    assert normalize("مؤتمر رئيس") == "مؤتمر رئيس"
    assert normalize("مؤتمر رئيس", profile="search_hamza") == "موتمر رييس"


def test_display_profile_removes_only_invisible_controls():
    raw = "قُوّات\u202e ميلـيشيا\u200f أعلن"
    assert normalize(raw, profile="display") == "قُوّات ميلـيشيا أعلن"


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(FramingError, match="unknown normalization profile 'serch'"):
        normalize("x", profile="serch")


def test_non_text_is_a_clear_error():
    with pytest.raises(FramingError, match="expects a str, got int"):
        normalize(5)


def test_profiles_are_versioned_and_pinned():
    pinned = json.loads((CASES / "profiles.json").read_text(encoding="utf-8"))
    for name, profile in PROFILES.items():
        assert name in pinned, f"profile {name} is not pinned in tests/cases/profiles.json"
        assert (profile.version, profile.fingerprint()) == (
            pinned[name]["version"], pinned[name]["fingerprint"]
        ), f"profile {name} changed: bump its version and re-pin"


def test_presentation_forms_map_agrees_with_unicode():
    table = load_charmap("presentation_forms").table
    assert len(table) > 600
    for cp, out in table.items():
        assert unicodedata.normalize("NFKC", chr(cp)) == out
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFEFF)):
        c = chr(cp)
        if unicodedata.category(c) != "Cn" and unicodedata.normalize("NFKC", c) != c:
            assert cp in table, hex(cp)


def test_offsets_map_back_to_original():
    raw = "وقُوّاتُ ﻻ\u00a0\u00a0حفتر"
    norm, offsets = normalize_with_offsets(raw)
    assert norm == "وقوات لا حفتر"
    assert len(offsets) == len(norm)
    # both letters of the ligature come from the same original character
    i = norm.index("لا")
    assert offsets[i] == offsets[i + 1] == raw.index("ﻻ")
    s, e = original_span(raw, offsets, 0, 5)
    assert raw[s:e] == "وقُوّاتُ"
    j = norm.index("حفتر")
    s, e = original_span(raw, offsets, j, j + 4)
    assert raw[s:e] == "حفتر"
