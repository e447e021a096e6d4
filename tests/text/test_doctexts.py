"""DocTexts and LazyText: documents kept as code points answer as their strs do."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.lexicon.resolvekernel import encode
from framing.text.doctexts import DocTexts, LazyText
from framing.text.reported import headline_tags, headline_tags_at, headline_tags_many

# written for these tests; "\n" and a character above U+FFFF among them
_ALPHABET = ["ق", "ا", "ل", " ", "\n", ":", "|", "«", "»", "a", "😀", "ة", "عاجل", "rt @x:", "#وسم -"]
_texts = st.lists(st.lists(st.sampled_from(_ALPHABET), max_size=12).map("".join), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_texts, st.data())
def test_doctexts_as_strs(texts, data):
    dt = DocTexts.from_strs(texts)
    assert len(dt) == len(texts) and list(dt) == texts and dt.text() == "\n".join(texts)
    assert dt.cps.dtype == np.uint32 and not dt.cps.flags.writeable
    assert dt.lengths.tolist() == [len(t) for t in texts]
    for d, t in enumerate(texts):
        assert dt[d] == t and dt.decode(int(dt.lo[d]), int(dt.hi[d])) == t
    if texts:
        d0 = data.draw(st.integers(0, len(texts) - 1))
        d1 = data.draw(st.integers(d0 + 1, len(texts)))
        part = dt.slice(d0, d1)
        assert list(part) == texts[d0:d1] and part.text() == "\n".join(texts[d0:d1])
    docs = data.draw(st.lists(st.integers(0, max(len(texts) - 1, 0)), max_size=4)) if texts else []
    taken = dt.take(docs)
    assert list(taken) == [texts[d] for d in docs] and taken.text() == "\n".join(texts[d] for d in docs)
    assert not taken.cps.flags.writeable
    which = np.array(data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts))), dtype=bool)
    cps, starts = dt.packed(which)
    want_cps, want_starts = encode([t if w else "" for t, w in zip(texts, which.tolist(), strict=True)])
    assert cps.tolist() == want_cps.tolist() and starts.tolist() == want_starts.tolist()
    assert cps.dtype == want_cps.dtype and cps.flags.writeable == want_cps.flags.writeable


@settings(max_examples=200, deadline=None)
@given(_texts, st.data())
def test_doctexts_join_of_pieces(texts, data):
    cut = data.draw(st.integers(0, len(texts)))
    groups = [g for g in (texts[:cut], texts[cut:]) if g]
    pieces, lengths = [], []
    for g in groups:
        whole = DocTexts.from_strs(g)
        pieces.append(DocTexts.pieces(whole.cps, whole.lo.tolist(), whole.hi.tolist()))
        lengths.append(whole.lengths)
    joined = DocTexts.join(pieces, lengths)
    assert list(joined) == texts and joined.text() == "\n".join(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join), st.data())
def test_lazy_text(text, data):
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted),
                               max_size=5))
    a, b = [s for s, _ in spans], [e for _, e in spans]
    for decoded_first in (False, True):
        lazy = LazyText(cps)
        if decoded_first:
            assert str(lazy) == text
        assert len(lazy) == len(text)
        assert lazy.spans(a, b) == [text[x:y] for x, y in spans]
        assert [lazy.decode(x, y) for x, y in spans] == [text[x:y] for x, y in spans]


@pytest.mark.parametrize(("text", "tagged"), [("قال الوزير: نعم", False), ("عاجل | rt @x: الوزير: نعم", True),
                                             ("مقدمة. #وسم - عاجل: الوزير: لا", True), ("عاجل | بلا نقطتين", False),
                                             ("x\nعاجل - الرئيس: كلام", True)])
def test_headline_tags_at_reads_the_sentence_alone(text, tagged):
    lazy = LazyText(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    found = 0
    for a in range(len(text)):
        colon = text.find(":", a)
        if colon < 0:
            continue
        for b in range(colon + 1, len(text) + 1):
            want = headline_tags(text, a, colon, b)
            assert headline_tags_at(lazy, a, colon, b) == want == headline_tags_at(text, a, colon, b)
            found += want is not None and want[2]
    assert bool(found) == tagged  # (tags were read where there are some)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=14).map("".join), st.booleans())
def test_headline_tags_many_as_one_by_one(text, decoded_first):
    """Every (a, first colon at or after a, b) of the text at once: as headline_tags answers each, also where a
    tag takes the colon («rt @x:») and the speaker's colon lies after it."""
    lazy = LazyText(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    if decoded_first:
        str(lazy)
    cases = [(a, text.find(":", a), b) for a in range(len(text)) if text.find(":", a) >= 0
             for b in range(text.find(":", a) + 1, len(text) + 1)]
    a, colon, b = ([x[k] for x in cases] for k in range(3))
    want = [headline_tags(text, *x) for x in cases]
    assert headline_tags_many(lazy, a, colon, b) == want == headline_tags_many(text, a, colon, b)


def test_headline_tags_many_reads_on_past_a_colon_a_tag_takes():
    text = "rt @x: الوزير: نعم"
    lazy = LazyText(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    found = headline_tags_many(lazy, [0, 0], [5, 5], [len(text), 9])
    assert found == [headline_tags(text, 0, 5, len(text)), None]
    assert found[0] == (6, text.index(":", 6), True)
