"""``negated`` (framing.lexicon.scope) refuses most positions by the last character of the word before them
(#12, speed); it must answer exactly as its definition: the last whitespace-delimited word of the 16
characters before the position, quotation marks and brackets stripped, is a negator, or و/ف and a negator.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from framing.lexicon.scope import negated

NEGATORS = frozenset({"غير", "لا", "ليس", "ليست", "عدم"})
_STRIP = "«»“”\"‘’'()[]"


def _definition(norm: str, start: int, negators: frozenset[str]) -> bool:
    words = norm[max(0, start - 16):start].split()
    if not negators or not words:
        return False
    prev = words[-1].strip(_STRIP)
    return prev in negators or (prev[:1] in ("و", "ف") and prev[1:] in negators)


PIECES = ["غير", "لا", "ليس", "ليست", "عدم", "وغير", "فلا", "«غير»", "(لا)", "المعترف", "بها", "دوليا", "مسلح",
          " ", "  ", "\n", "\t", "\u00a0", "،", "«", "»", '"', "ر", "ا", "م", "س", "ت", "و", "ف"]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=12),
       negators=st.sampled_from([NEGATORS, frozenset({"لا"}), frozenset(), frozenset({"غير", ""})]))
def test_negated_answers_as_defined(parts, negators):
    norm = "".join(parts)
    for start in range(len(norm) + 1):
        assert negated(norm, start, negators) == _definition(norm, start, negators), (norm, start)


def test_negated_examples():
    assert negated("غير المعترف بها", 4, NEGATORS)
    assert negated("وغير المعترف بها", 5, NEGATORS)
    assert negated("«غير» المعترف", 6, NEGATORS)
    assert not negated("الحكومة المعترف بها", 8, NEGATORS)
    assert not negated("غيرة المعترف", 5, NEGATORS)
