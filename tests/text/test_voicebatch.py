"""``classify_batch`` (framing.text.voicebatch) gives, for every match, what ``VoiceIndex.classify`` gives.

The reference is a fresh ``VoiceIndex`` of the match's document for every match. Compared on the demo corpus
with the matches of every bundled lexicon and of all of them merged (``text_hits`` and ``resolve`` of the
normalized text, as tests/lexicon/test_batch_resolve.py obtains them), on edge cases written here (every span
of short texts), on generated texts (hypothesis) and, when ../shared is present, on the first 2 MB of
SaudiNewsNet and of ASND (no article text is stored here). Also: the errors, the Python engine, the shared
index, the batch quotation pairing and the character tables.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from helpers.corpora import ASND, SAUDINEWSNET, corpus_texts
from helpers.lexicons import merged_lexicon
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.lexicon import scan
from framing.lexicon.load import Lexicon, bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import resolve
from framing.text import quotes, quotescan, regionscan, voicebatch
from framing.text.attribution import attribution_data
from framing.text.doctexts import DocTexts
from framing.text.normalization import normalize
from framing.text.quotes import quote_spans
from framing.text.regionscan import RegionArrays, batch_regions
from framing.text.voice import VOICES_CLASSIFIED, VoiceIndex
from framing.text.voicebatch import classify_batch, voice_tables

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"

# written for these tests: quotations at the edges of a span, a proclitic before a mark, scare quotes,
# quoted names (alone, with a head word, with a function word), marks inside a term, reported speech of
# every kind, full stops that end no sentence, a straight quotation across a sentence end (the pairing asks
# the attribution lexicon), quotations over paragraphs, characters above U+FFFF, lone surrogates, empty texts
EDGE = [
    "قال المتحدث: «ميليشيات حفتر انسحبت» ثم غادر.",
    "أعلن «داعش» مسؤوليته، وتبنى تنظيم \"الدولة الإسلامية\" الهجوم",
    "انضم ل\"داعش\" عدد من الشباب، و«حركة حماس» و\"جماعة\" الحوثي و«في داعش»",
    "وصف الوزير «الجيش الوطني» المزعوم بانه «ميليشيات» حفتر و«ميليشيات حفتر الارهابية المسلحة الخارجة»",
    "الحكومة \"الشرعية\" في عدن، و\"الحكومة\" الشرعية، والميليشيات \"الانقلابية",
    "قال المتحدث إن الجيش. وحفتر تقدم\nوبحسب مصادر محلية فإن القوات انسحبت من المدينة",
    "وصل 3.5 طن. د. محمد قال إن الهدوء عاد، وأضاف: الميليشيات انسحبت",
    "«الميليشيات»",
    "\"",
    "عاجل | وزير الخارجية: الميليشيات انسحبت من المدينة",
    "انسحبت الميليشيات كما أعلنت الشرطة، ثم عاد الهدوء.",
    "قال الرئيس: «سنواصل العمل\nونحن واثقون من الميليشيات\nولن نتراجع»\nوعاد الوفد",
    "قال المتحدث باسم الوفد \"الحوار انتهى. ونحن ننتظر الميليشيات\" ثم غادر",
    "كتب \"الحوار انتهى. ثم عاد الجيش\" وانصرف",
    "قال: «نرحب 😀 بالميليشيات» ثم 😀 \"ب\" و\U0001d400\"حفتر\"",
    "",
    "\n\n",
    "وأكد أن الجيش الوطني الليبي تقدم، وأبلغ رئيس الاتحاد رويترز أنه لن يتراجع",
    "نقلا عن مصادر في «الجيش» أن «قوات الدعم السريع» دخلت 'المدينة'",
    "قال «\ud800 الميليشيات» ثم \ud83d\ude00 «حفتر»",
]



def _matches(lex: Lexicon, texts: list[str]) -> tuple[list[str], list[tuple[int, int, int, int, bool]]]:
    """The normalized texts, and ``(document, start, end, words, evaluative)`` of every resolved match (those
    that do not count too) and of every raw hit (evaluative and not), in document order."""
    compiled = compile_lexicon(lex)
    norms: list[str] = []
    out: list[tuple[int, int, int, int, bool]] = []
    for text in texts:
        norm = normalize(text)
        d = len(norms)
        norms.append(norm)
        hits = scan.text_hits(compiled, norm)
        for r in resolve(compiled, norm, hits):
            out.append((d, r.start, r.end, norm.count(" ", r.start, r.end) + 1, compiled.is_evaluative(r.entry)))
        for s, e, _ids in hits:
            out += [(d, s, e, norm.count(" ", s, e) + 1, ev) for ev in (False, True)]
    return norms, out


def _reference(norms: list[str], matches) -> list[tuple[str, bool]]:
    return [VoiceIndex(norms[d]).classify(s, e, nw, evaluative=ev) for d, s, e, nw, ev in matches]


def _reference_shared(norms: list[str], matches) -> list[tuple[str, bool]]:
    """One VoiceIndex per document, asked in the order of the matches."""
    index: dict[int, VoiceIndex] = {}
    return [index.setdefault(d, VoiceIndex(norms[d])).classify(s, e, nw, evaluative=ev) for d, s, e, nw, ev in matches]


def _batch(norms: list[str], matches, **kw) -> list[tuple[str, bool]]:
    doc, starts, ends, n_words, evaluative = (np.array(c) for c in zip(*matches, strict=True))
    voice, scare = classify_batch(norms, doc, starts, ends, n_words, evaluative.astype(bool), **kw)
    assert voice.dtype == np.uint8 and scare.dtype == np.bool_
    if not kw:  # the same documents given as code points (what count_docs passes): the same answers
        voice_cp, scare_cp = classify_batch(DocTexts.from_strs(norms), doc, starts, ends, n_words,
                                            evaluative.astype(bool))
        assert voice_cp.tolist() == voice.tolist() and scare_cp.tolist() == scare.tolist()
    return [(VOICES_CLASSIFIED[v], bool(sc)) for v, sc in zip(voice.tolist(), scare.tolist(), strict=True)]


def _agree(norms: list[str], matches, **kw) -> dict[tuple[str, bool], int]:
    """Assert the batch equals the reference; return how often each answer came (to see the cases are reached)."""
    want = _reference(norms, matches)
    assert _reference_shared(norms, matches) == want  # (a VoiceIndex answers alike in any order)
    got = _batch(norms, matches, **kw)
    bad = [i for i in range(len(want)) if got[i] != want[i]]
    assert not bad, [(matches[i], norms[matches[i][0]][max(0, matches[i][1] - 40):matches[i][2] + 20], got[i],
                      want[i]) for i in bad[:5]]
    counts: dict[tuple[str, bool], int] = {}
    for w in want:
        counts[w] = counts.get(w, 0) + 1
    return counts


def _every_span(norms: list[str], longest: int = 30) -> list[tuple[int, int, int, int, bool]]:
    """Every span of every text (up to ``longest`` characters), 1 and 2 words, evaluative and not."""
    return [(d, s, e, nw, ev) for d, norm in enumerate(norms) for s in range(len(norm) + 1)
            for e in range(s, min(len(norm), s + longest) + 1) for nw in (1, 2) for ev in (False, True)]


def _demo_texts() -> list[str]:
    with DEMO.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


@pytest.mark.parametrize("name", [*bundled_names(), "merged"])
def test_demo_corpus_every_lexicon(name):
    lex = merged_lexicon() if name == "merged" else load_lexicon(name)
    norms, matches = _matches(lex, _demo_texts())
    counts = _agree(norms, matches)
    assert counts.get(("own", False), 0) and counts.get(("quoted", False), 0), counts
    if name in ("merged", "markers", "libya"):
        assert counts.get(("reported", False), 0) and counts.get(("quoted", True), 0), counts


def test_edge_cases_every_span():
    norms = [normalize(t) for t in EDGE]
    counts = _agree(norms, _every_span(norms))
    assert all(counts.get(k, 0) for k in (("own", False), ("quoted", False), ("quoted", True),
                                           ("reported", False))), counts


def test_edge_cases_each_alone_and_out_of_order():
    """One document per batch, and the matches of a batch in a shuffled order (also across documents)."""
    norms = [normalize(t) for t in EDGE]
    for d, norm in enumerate(norms):
        spans = [(0, s, e, nw, ev) for _d, s, e, nw, ev in _every_span([norm], 12)]
        assert _agree([norm], spans) or not norm
        assert d >= 0
    matches = _every_span(norms, 8)
    random.Random(5).shuffle(matches)
    _agree(norms, matches)


def test_regions_fn():
    """A regions_fn is asked once, for every sentence with an unquoted match, and its regions may come in any
    order; by default the compiled regions (regionscan.batch_regions) answer."""
    norms = [normalize(t) for t in EDGE]
    matches = _every_span(norms, 10)
    asked: list[int] = []

    def counting(text, cp, sa, sb):
        asked.append(len(sa))
        assert cp.shape == (len(text),) and (sa <= sb).all()
        return batch_regions(text, cp, sa, sb)

    _agree(norms, matches, regions_fn=counting)
    assert len(asked) == 1 and asked[0] > len(norms)

    def reversed_regions(text, cp, sa, sb):  # (the regions not grouped by sentence in order)
        return RegionArrays(*(x[::-1].copy() for x in batch_regions(text, cp, sa, sb)))

    assert _agree(norms, matches, regions_fn=reversed_regions).get(("reported", False), 0)


def test_documents_without_a_match():
    """Only the documents with a match are read (joined in their order, a newline after each but the last); the
    answers are those of each document's own VoiceIndex."""
    norms = [normalize(t) for t in EDGE]
    some = [d for d in range(len(norms)) if d % 3 == 1 and norms[d]]
    joined: list[str] = []

    def keeping(text, cp, sa, sb):
        joined.append(text)
        return batch_regions(text, cp, sa, sb)

    matches = [m for m in _every_span(norms, 10) if m[0] in some]
    assert _agree(norms, matches, regions_fn=keeping).get(("reported", False), 0)
    assert joined == ["\n".join(norms[d] for d in some)]


def test_a_span_over_its_trigger_is_not_reported():
    """The rule of VoiceIndex.reported, with regions that hold their trigger (sentence_regions gives none such:
    its regions open after the trigger): in a region but over its trigger is not reported."""
    norm = normalize("قال المتحدث إن الجيش تقدم نحو المدينة")
    starts = [m.start() for m in re.finditer(r"\w+", norm)]
    stops = [m.end() for m in re.finditer(r"\w+", norm)]
    spans = [(0, s, e, 1, True) for s in starts for e in stops if s < e]

    def whole(text, cp, sa, sb):  # every sentence one region, its trigger «المتحدث»
        return RegionArrays(np.arange(len(sa)), sa, sb, sa + 4, sa + 11)

    got = _batch([norm], spans, regions_fn=whole)
    want = [("own" if e > 4 and s < 11 else "reported", False) for _d, s, e, _nw, _ev in spans]
    assert got == want and ("own", False) in want and ("reported", False) in want


def test_with_the_python_regions(monkeypatch):
    """classify_batch with the regions of the Python rules (regionscan.ENGINE "python") answers alike."""
    monkeypatch.setattr(regionscan, "ENGINE", "python")
    norms = [normalize(t) for t in EDGE + _demo_texts()[:300]]
    _agree(norms, _every_span(norms[:len(EDGE)], 10))
    _, matches = _matches(merged_lexicon(), EDGE + _demo_texts()[:300])
    assert _agree(norms, matches).get(("reported", False), 0)


def test_spans_outside_the_text():
    norms = [normalize("قال المتحدث إن الجيش تقدم"), ""]
    for d, s, e in ((0, -1, 3), (0, 5, 3), (0, 0, len(norms[0]) + 1), (1, 0, 1), (1, 1, 1)):
        with pytest.raises(ValueError) as want:
            VoiceIndex(norms[d]).classify(s, e, 1, evaluative=True)
        with pytest.raises(ValueError) as got:
            classify_batch(norms, np.array([0, d]), np.array([0, s]), np.array([3, e]), np.array([1, 1]),
                           np.array([True, True]))
        assert str(got.value) == str(want.value)
    with pytest.raises(ValueError, match="document number"):
        classify_batch(norms, np.array([2]), np.array([0]), np.array([0]), np.array([1]), np.array([True]))
    with pytest.raises(ValueError, match="one value per match"):
        classify_batch(norms, np.array([0, 0]), np.array([0]), np.array([0]), np.array([1]), np.array([True]))
    voice, scare = classify_batch(norms, np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    assert voice.shape == scare.shape == (0,)


def _spaces_plus_one(norms: list[str], matches) -> list:
    return [(d, s, e, norms[d].count(" ", s, e) + 1, ev) for d, s, e, _nw, ev in matches]


def test_words_counted(monkeypatch):
    """n_words None: the spaces of each span plus one, in the compiled pass and in Python."""
    norms = [normalize(t) for t in EDGE]
    matches = _spaces_plus_one(norms, _every_span(norms, 24))
    doc, starts, ends, _nw, evaluative = (np.array(c) for c in zip(*matches, strict=True))
    want = _batch(norms, matches)
    assert any(nw > 2 for *_x, nw, _ev in matches)
    for engine in ("numba", "python"):
        monkeypatch.setattr(voicebatch, "ENGINE", engine)
        voice, scare = classify_batch(norms, doc, starts, ends, None, evaluative.astype(bool))
        assert [(VOICES_CLASSIFIED[v], bool(sc)) for v, sc in zip(voice.tolist(), scare.tolist(), strict=True)] == want


def test_python_engine(monkeypatch):
    norms = [normalize(t) for t in EDGE]
    matches = _every_span(norms, 6)
    compiled = _batch(norms, matches)
    monkeypatch.setattr(voicebatch, "ENGINE", "python")
    assert _batch(norms, matches) == compiled == _reference(norms, matches) == _reference_shared(norms, matches)


def test_span_across_a_sentence_end():
    """A span across a sentence end shares its sentence start with a span before that end. One VoiceIndex asked
    for both, in either order, answers as a fresh one for each (it once kept the sentence end it was first asked
    with, and answered 'own' for the second span), and so does the batch."""
    norm = normalize("قال المتحدث إن الجيش. وحفتر تقدم")
    s = norm.index("الجيش")
    matches = [(0, s, s + 5, 1, True), (0, s, len(norm), 3, True)]
    assert _reference([norm], matches) == [("reported", False), ("reported", False)]
    for order in (matches, matches[::-1]):
        one = VoiceIndex(norm)
        assert [one.classify(s_, e, nw, evaluative=ev) for _d, s_, e, nw, ev in order] == _reference([norm], order)
        assert _batch([norm], order) == _reference([norm], order)


_ALPHABET = [*"قال إن بحسب الجيش حفتر «»\"“”‘’ ل و ف . : ، \n 3 د", "😀", "كما أعلنت", "وأضاف", "نقلا عن"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join), min_size=1, max_size=4),
       st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 120), st.integers(0, 40), st.integers(1, 3),
                          st.booleans()), max_size=40))
def test_property(texts, raw):
    norms = [normalize(t) for t in texts]
    matches = [(d % len(norms), s, min(s + k, len(norms[d % len(norms)])), nw, ev) for d, s, k, nw, ev in raw]
    if any(not 0 <= s <= e <= len(norms[d]) for d, s, e, _nw, _ev in matches):
        with pytest.raises(ValueError):
            _batch(norms, matches)
        matches = [m for m in matches if 0 <= m[1] <= m[2] <= len(norms[m[0]])]
    if matches:
        _agree(norms, matches)
    _agree(norms, _every_span(norms[:1], 6) or [(0, 0, 0, 1, True)])


def test_batch_quote_pairing():
    """scan_quotes_batch gives quote_spans of every text, or leaves it undecided (straight marks across a
    sentence end); the full flag table is flag_table of all of Unicode."""
    scanner = quotes.quote_scanner()
    assert scanner is not None
    norms = [normalize(t) for t in EDGE + _demo_texts()[:400]]
    text = "\n".join(norms)
    lengths = np.array([len(t) for t in norms], dtype=np.int64)
    lo = np.concatenate(([0], np.cumsum(lengths[:-1] + 1)))
    hi = lo + lengths
    for dtype, enc in ((np.uint32, "utf-32-le"), (np.uint16, "utf-16-le")):
        cp = np.frombuffer(text.encode(enc, "surrogatepass"), dtype=dtype)
        if dtype == np.uint16:  # (UTF-16 code points only for texts without characters above U+FFFF)
            keep = [d for d, t in enumerate(norms) if all(ord(c) < 0x10000 for c in t)]
            cp = np.frombuffer("\n".join(norms[d] for d in keep).encode(enc, "surrogatepass"), dtype=dtype)
            sub = [norms[d] for d in keep]
            ln = lengths[keep]
            lo2 = np.concatenate(([0], np.cumsum(ln[:-1] + 1)))
            texts, lo_, hi_ = sub, lo2, lo2 + ln
        else:
            texts, lo_, hi_ = norms, lo, hi
        qs, qe, first, stop, undecided = scanner.batch_spans(cp, lo_, hi_)
        assert undecided.any() and not undecided.all()
        for d, norm in enumerate(texts):
            if not undecided[d]:
                got = list(zip((qs[first[d]:stop[d]] - lo_[d]).tolist(), (qe[first[d]:stop[d]] - lo_[d]).tolist(),
                               strict=True))
                assert got == [tuple(s) for s in quote_spans(norm)], norm[:80]
    assert (quotescan.full_flag_table(scanner.marks, scanner.sets)
            == quotescan.flag_table(scanner.marks, scanner.sets, 0x110000)).all()


@pytest.mark.parametrize("most", [quotescan.MAX_QUESTIONS, 1, 0])
def test_undecided_documents(monkeypatch, most):
    """The documents that the batch pairing leaves undecided (a straight quotation across a sentence end: the
    pairing asks the attribution lexicon) are paired as quote_spans pairs them: by the compiled pairing asking
    its questions, on the code points of the batch, and by the Python code once it has asked ``most``."""
    norms = [normalize(t) for t in [*EDGE, "قال \"نعم. ثم لا\" و\"هنا. وهناك\" ثم «الجيش» \"ذهب. وعاد\" انتهى",
                                    "و\"هنا. وهناك\" ثم \"نعم. ثم لا\""]]
    scanner = quotes.quote_scanner()
    assert scanner is not None
    text = "\n".join(norms)
    lengths = np.array([len(t) for t in norms], dtype=np.int64)
    lo = np.concatenate(([0], np.cumsum(lengths[:-1] + 1)))
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    asked = np.flatnonzero(scanner.batch_spans(cp, lo, lo + lengths)[-1]).tolist()
    questions: list[int] = []

    def counting(text, pos, para_start):
        questions[-1] += 1
        return quotes._introduced(text, pos, para_start)

    with monkeypatch.context() as m:
        m.setattr(scanner, "introduced", counting)
        for d in asked:  # (the questions each document needs)
            questions.append(0)
            assert scanner.spans(norms[d], cps=cp[lo[d]:lo[d] + lengths[d]]) is not None
    assert len(asked) >= 2 and max(questions) >= 2
    monkeypatch.setattr(quotescan, "MAX_QUESTIONS", most)
    for d, needed in zip(asked, questions, strict=True):
        flat = scanner.spans(norms[d], cps=cp[lo[d]:lo[d] + lengths[d]])
        assert (flat is None) == (needed > most)
        assert flat is None or flat == [x for span in quote_spans(norms[d], engine="python") for x in span]
    matches = [m for m in _every_span(norms, 12) if m[0] in asked]
    assert _agree(norms, matches).get(("quoted", True), 0)


def test_little_room_for_spans(monkeypatch):
    """A text with more quotation spans than the batch pairing has room for is paired on its own."""
    monkeypatch.setattr(quotescan, "BATCH_ROOM", 3)
    norms = [normalize(t) for t in EDGE]
    assert _agree(norms, _every_span(norms, 8)).get(("quoted", True), 0)
    text = normalize("«أ» و«ب» و«ج» و«د»")
    scanner = quotes.quote_scanner()
    assert scanner is not None
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    *_, undecided = scanner.batch_spans(cp, np.array([0]), np.array([len(text)]))
    assert undecided.tolist() == [True]


def test_voice_tables():
    chars = voice_tables()
    every = "".join(map(chr, range(0x110000)))
    alnum = np.fromiter(map(str.isalnum, every), dtype=bool, count=0x110000)
    space = np.fromiter(map(str.isspace, every), dtype=bool, count=0x110000)
    assert ((chars & 8) != 0).tolist() == alnum.tolist()
    assert ((chars & 16) != 0).tolist() == space.tolist()
    assert np.flatnonzero(chars & 32).tolist() == sorted(map(ord, quotes.QUOTE_CHARS))
    from framing.text import voice  # the proclitics of VoiceIndex._trim

    assert sorted(np.flatnonzero(chars & 64).tolist()) == sorted(map(ord, voice._PROCLITICS))
    # (what may end a sentence, skipped four at a time when none does: the ends of events.py, and the full stop)
    ends = sorted(map(ord, set(attribution_data().terminator_set) | {"."}))
    assert np.flatnonzero(chars & 128).tolist() == ends, [chr(c) for c in np.flatnonzero(chars & 128)]


@pytest.mark.parametrize("path", [SAUDINEWSNET, ASND], ids=["saudinewsnet", "asnd"])
def test_real_corpora(path):
    if not path.exists():
        pytest.skip(f"{path} is not present")
    texts = list(corpus_texts(path, 2_000_000, unit="bytes"))
    norms, matches = _matches(merged_lexicon(), texts)
    counts = _agree(norms, matches)
    assert counts.get(("reported", False), 0) and counts.get(("quoted", True), 0), counts


def test_regions_fn_given_code_points():
    """Given the documents as code points (DocTexts), a regions_fn is handed the joined text as a str."""
    norms = [normalize(t) for t in EDGE]
    matches = _every_span(norms, 10)
    texts: list[str] = []

    def keeping(text, cp, sa, sb):
        assert isinstance(text, str)
        texts.append(text)
        return batch_regions(text, cp, sa, sb)

    doc, starts, ends, n_words, evaluative = (np.array(c) for c in zip(*matches, strict=True))
    voice, scare = classify_batch(DocTexts.from_strs(norms), doc, starts, ends, n_words, evaluative.astype(bool),
                                  regions_fn=keeping)
    assert [(VOICES_CLASSIFIED[v], bool(s)) for v, s in zip(voice.tolist(), scare.tolist(), strict=True)] == \
        _reference(norms, matches)
    assert texts == ["\n".join(norms)] and "reported" in [VOICES_CLASSIFIED[v] for v in voice.tolist()]
