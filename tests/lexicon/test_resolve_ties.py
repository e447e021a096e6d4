"""Ties the batch resolution must break as the per-document reference does (issue #12).

Each case is written so that the batch path (``resolve_batch`` / ``resolve_counted``) goes wrong if one of its
tie-breaking sort keys is dropped, or a context phrase is placed at its end: identical head spans of two
referents next to a qualifier, a label and a category over one span, overlapping labels of one referent before
one alias, a multi-word context phrase across the window boundary. Each test checks both that the batch path
equals ``split_batch`` + ``resolve_split`` (``compare_batch``, tests/helpers/resolving.py) and the outcome
written out by hand.
The lexicons and sentences are our own. (Dropping the labels-first key of ``_batch``'s final order, or the start
key of the ``got`` sort, changes nothing as the code stands: the labels are concatenated before the categories
and the sort is stable, and ``_batch`` re-sorts the attached labels, which never overlap, by start; tests 2 and 3
guard those orders should that change, and test 2 fails if categories are put first.)
"""

from __future__ import annotations

import pytest
from helpers.resolving import compare_batch

from framing.lexicon import scan
from framing.lexicon.load import Lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import resolve
from framing.text.normalization import normalize


def _found(lexicon: dict, texts: list[str]) -> list[list[tuple]]:
    """The batch path against the reference on ``texts`` (undated), then each text's matches as
    ``(text of the span, kind, reason, head referent)``, by the one-text path."""
    forms = compile_lexicon(Lexicon.from_dict(lexicon))
    assert compare_batch(forms, texts, None) > 0
    out = []
    for text in texts:
        norm = normalize(text)
        out.append([(norm[r.start:r.end], r.kind, r.reason, r.head)
                    for r in resolve(forms, norm, scan.text_hits(forms, norm))])
    return out


# 1. identical head spans of two referents: the alias حكومة (with its article) of "zeta" and the
# self-identifying label الحكومة of "alpha" cover the same span; "zeta" is listed first (its entry comes
# first), "alpha" sorts first by name. The reference sorts the heads by (start, end, referent, entry): a
# qualifier after the span takes the last of them (zeta), one before it the first (alpha).
TWO_HEADS = {"name": "two_heads",
             "referents": {"zeta": {"aliases": ["حكومة"]},
                           "alpha": {"labels": {"neutral": [{"term": "الحكومة", "self": True}]}}},
             "categories": {"legitimacy": {"qualifies": True, "terms": ["الشرعية"]}}}


def test_qualifier_next_to_identical_heads_of_two_referents():
    got = _found(TWO_HEADS, ["الحكومة الشرعية", "قال الشرعية الحكومة", "لا شيء ثم الحكومة الشرعية في البلد"])
    want = [normalize("الحكومة"), normalize("الشرعية")]
    assert [(s, k, h) for s, k, _r, h in got[0]] == [(want[0], "label", None), (want[1], "category", "zeta")]
    assert [(s, k, h) for s, k, _r, h in got[1]] == [(want[1], "category", "alpha"), (want[0], "label", None)]
    assert [(s, h) for s, k, _r, h in got[2] if k == "category"] == [(want[1], "zeta")]


# 2. a label and a category over the same span: the label comes first.
SAME_SPAN = {"name": "same_span",
             "referents": {"haftar": {"aliases": ["حفتر"], "labels": {"delegitimizing": ["ميليشيات"]}}},
             "categories": {"armed": ["ميليشيات"], "war": ["حرب"]}}


def test_label_before_category_over_the_same_span():
    got = _found(SAME_SPAN, ["ميليشيات حفتر", "حرب ثم ميليشيات حفتر في حرب"])
    word = normalize("ميليشيات")
    assert got[0] == [(word, "label", "", None), (word, "category", "", None)]
    assert [(s, k) for s, k, _r, _h in got[1]] == [("حرب", "category"), (word, "label"), (word, "category"),
                                                   ("حرب", "category")]


# 3. overlapping labels of one referent before one alias: a longer label holding a shorter one, and
# labels starting inside another; the leftmost, then the longest, is chosen, and the matches come by start.
OVERLAPPING = {"name": "overlapping",
               "referents": {"haftar": {"aliases": ["حفتر"],
                                        "labels": {"delegitimizing": ["ميليشيات مسلحة", "مسلحة", "مسلحة خارجة",
                                                                      "خارجة"],
                                                   "neutral": ["قوات", "قوات الكرامة", "الكرامة"]}}},
               "categories": {"war": ["حرب"]}}


def test_overlapping_labels_attached_to_one_alias():
    texts = ["ميليشيات مسلحة حفتر", "مسلحة خارجة حفتر", "قوات الكرامة حفتر و ميليشيات مسلحة خارجة حفتر",
             "حرب قوات الكرامة حفتر"]
    got = _found(OVERLAPPING, texts)
    label = [[s for s, k, _r, _h in found if k == "label"] for found in got]
    assert label[0] == [normalize("ميليشيات مسلحة")]
    assert label[1] == [normalize("مسلحة خارجة")]
    # (ميليشيات مسلحة does not reach the alias: a plain word, خارجة, stands between them)
    assert label[2] == [normalize("قوات الكرامة"), normalize("مسلحة خارجة")]
    assert [(s, k) for s, k, _r, _h in got[3]] == [("حرب", "category"), (normalize("قوات الكرامة"), "label")]


# 4. a context phrase of three words, window 3: the words between the hit and the phrase are counted up to
# the phrase's start after the hit, and from its start before it (so the phrase's own words count then).
CONTEXT = {"name": "context_phrase",
           "referents": {"haftar": {"aliases": ["حفتر"]}},
           "categories": {"war": {"terms": ["حرب"], "context": {"terms": ["مجلس النواب الليبي"], "window": 3}},
                          "plain": ["قتال"]}}


@pytest.mark.parametrize(("text", "reason"), [
    ("حرب قال امس مجلس النواب الليبي", ""),  # three spaces up to the phrase's start (five up to its end)
    ("حرب قال امس اليوم مجلس النواب الليبي", "context"),
    ("مجلس النواب الليبي قال حرب", "context"),  # four spaces from its start (two from its end)
    ("مجلس النواب الليبي حرب", ""),
])
def test_multi_word_context_phrase_at_the_window_boundary(text, reason):
    got = _found(CONTEXT, [text, "قتال " + text])
    assert [r for s, k, r, _h in got[0] if s == "حرب"] == [reason]
    assert [r for s, k, r, _h in got[1] if s == "حرب"] == [reason]
