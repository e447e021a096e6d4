"""Reported speech: the regions of a sentence that an attributed speaker says, without quotation marks.

A region runs after an attribution verb and its complementizer (``وقال المتحدث إن ...``), after
``قال X:`` with no quote mark, over a sentence with an "according to" marker (``بحسب بيان للجيش``،
``نقلا عن مصادر``: the source named after the marker is the outlet's words), before a mid-sentence
``كما أعلنت الشرطة``, or after the colon of a speaker headline (``عاجل | وزير الخارجية: ...``). The
words are data (:mod:`framing.text.attribution`); the constructions, with examples and the known limits:
``docs/voice.md``. :class:`framing.text.voice.VoiceIndex` asks for the regions of one sentence at a time.

>>> from framing.text.normalization import normalize
>>> t = normalize("وقال المتحدث إن الميليشيات انسحبت")
>>> [(t[r.start:r.end], t[r.trigger_start:r.trigger_end]) for r in sentence_regions(t, 0, len(t))]
[(' الميليشيات انسحبت', 'وقال')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import islice
from typing import Literal, NamedTuple, overload

from framing.text.attribution import AttributionData, attribution_data, headline_data
from framing.text.doctexts import LazyText
from framing.text.events import DocEvents
from framing.text.quotes import QUOTE_CHARS

__all__ = ["Region", "headline_tags", "headline_tags_at", "headline_tags_many", "region_floor", "sentence_regions"]

_WORD = re.compile(r"\w+")


class Region(NamedTuple):
    """A reported region ``[start, end)`` and the trigger (verb, marker, colon) that opens it."""

    start: int
    end: int
    trigger_start: int
    trigger_end: int


def _source_follows(data: AttributionData, text: str, pos: int, end: int, fused_ma: bool) -> bool:
    """Does a source (word, quoted name, or ما + verb of saying) start at ``pos``?"""
    while pos < end and text[pos].isspace():
        pos += 1
    if pos >= end:
        return False
    if text[pos] in QUOTE_CHARS or text[pos] == "(":
        return True  # «بحسب "رويترز"»: a quoted name, in practice an outlet or agency
    words = _WORD.findall(text, pos, min(end, pos + 60))
    if not words:
        return False
    w = words[0]
    if fused_ma:
        return w in data.source_verbs
    if w in ("ما", "لما"):
        return len(words) > 1 and words[1] in data.source_verbs
    cands = {w}
    for p in ("ال", "لل", "ل"):
        if w.startswith(p) and len(w) > len(p) + 1:
            cands.add(w[len(p):])
    return not cands.isdisjoint(data.sources)


def sentence_regions(text: str, a: int, b: int) -> list[Region]:
    """The reported regions of the sentence ``[a, b)`` of ``text`` (normalized with ``search``)."""
    data = attribution_data()
    regions: list[Region] = []
    _marker_regions(data, text, a, b, regions)
    holes = _verb_regions(data, text, a, b, regions)
    regions.extend(_headline_regions(text, a, b))
    if holes and len(regions) > 1:
        # «قال إن ...، وأبلغ رئيس الاتحاد رويترز أنه ...»: the second speaker is not reported
        regions = _cut(regions, holes)
    return regions


def region_floor(text: str, a: int, b: int, events: DocEvents | None = None) -> int:
    """A position that every region of :func:`sentence_regions` ``(text, a, b)`` starts after: a span
    starting at or before it is in no region. Cheaper than the regions (no verb is analysed), so a span
    before the first verb and the first colon of its sentence is answered without them.

    ``a - 1`` (no bound) when the sentence holds an "according to" marker or the word of «كما أعلنت»
    (their regions may start at ``a``); else the first verb or colon, whichever comes first (a verb's
    regions start after it, a headline's after its first colon, and cutting holes only shortens
    regions); ``b`` when there is neither (the sentence has no region).

    ``events`` (:func:`framing.text.events.doc_events` of ``text``) answer the marker, كما and colon
    questions from positions found in one pass, instead of searching the sentence."""
    data = attribution_data()
    if events is None:
        if data.marker_key_re.search(text, a, b) is not None or text.find(data.as_said, a, b) >= 0:
            return a - 1
        colon = text.find(":", a, b)
    else:
        starts, ends = events.key_starts, events.key_ends
        k = bisect_left(starts, a)
        while k < len(starts) and starts[k] < b:
            if ends[k] <= b:
                return a - 1
            k += 1
        colons = events.colons
        k = bisect_left(colons, a)
        colon = colons[k] if k < len(colons) and colons[k] < b else -1
    if data.verb_re.match(text, a, b) is not None:  # (the same calls as _verb_regions)
        return a
    m = data.verb_after_re.search(text, a, b)
    return min(b if colon < 0 else colon, b if m is None else m.start(1))


def _marker_regions(data: AttributionData, text: str, a: int, b: int, regions: list[Region]) -> None:
    """"According to": the whole sentence, or from the marker on when a complementizer follows it
    («..., وبحسب المتحدث فإن ...» in a long sentence: the words before are the outlet's). The source
    named after the marker (بحسب بيان لقيادة الجيش، ...) is the outlet's words."""
    if data.marker_key_re.search(text, a, b) is None:
        return
    markers = list(data.always.finditer(text, a, b))
    for m in data.with_source.finditer(text, a, b):
        if _source_follows(data, text, m.end(), b, m.group().rstrip().endswith("ما")):
            markers.append(m)
    for m in markers:
        ms, me = m.start(), m.end()
        src_end = _source_end(text, a, ms, me, b)
        start = _according_start(text, a, b, me, ms)
        if start < ms:
            regions.append(Region(start, ms, ms, src_end))
        regions.append(Region(src_end, b, ms, src_end))


def _verb_regions(data: AttributionData, text: str, a: int, b: int, regions: list[Region]) -> list[tuple[int, int]]:
    """Attribution verb ... أن/إن  |  قال ... :  |  ... كما أعلنت الشرطة. Appends the regions; returns the
    holes: the speakers that a verb opening a new clause names in the outlet's words."""
    holes: list[tuple[int, int]] = []
    verbs = [m.span(1) for m in data.verb_after_re.finditer(text, a, b)]  # most sentences hold none
    first = data.verb_re.match(text, a, b)  # (verb_after_re finds the verbs after the first character)
    if first is not None:
        verbs.insert(0, first.span())
    for vs, ve in verbs:
        w = text[vs:ve]
        lemma = data.verb_forms[w]
        prev = _last_word(text, max(a, vs - 40), vs)  # the word before the verb
        prev_word = text[prev[0]:prev[1]] if prev is not None else None
        if prev_word in data.verb_not_after:
            continue  # «تستطيع الحكومة أن تقول إن ...»: a hypothetical statement
        if (prev is not None and prev_word == data.as_said and lemma in data.as_said_lemmas
                and _WORD.search(text, a, prev[0]) is not None):
            # mid-sentence «كما أعلنت الشرطة»: "as X said" when the source closes (comma or
            # sentence end) within 8 words and no complementizer follows ("also said that")
            src_end = _source_end(text, a, prev[0], ve, b, as_said=True)
            if src_end is not None:
                regions.append(Region(a, prev[0], prev[0], src_end))
                if src_end < b:
                    regions.append(Region(src_end, b, prev[0], src_end))
                continue
        # a verb that opens a new clause (وأبلغ، فقال, or after a comma) names its speaker in the
        # outlet's words even inside an earlier report; a verb inside a report («… إن الميليشيات
        # تزعم أن …») is part of that report
        new_clause = (prev is None or (w[0] in "وف" and w[1:] in data.verb_forms)
                      or "،" in text[prev[1]:vs] or "," in text[prev[1]:vs])
        hole = _after_verb(data, text, vs, ve, b, regions)
        if hole is not None and new_clause:
            holes.append(hole)
    return holes


def _last_word(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The span of the last word of ``text[lo:hi]`` (cut at ``lo``), or None: what
    ``re.compile(r"\\w+(?=\\W*$)").search(text, lo, hi)`` finds, read backwards from ``hi``."""
    q = hi
    while q > lo and not ((c := text[q - 1]).isalnum() or c == "_"):  # (\w: alphanumeric or _)
        q -= 1
    if q == lo:
        return None
    p = q - 1
    while p > lo and ((c := text[p - 1]).isalnum() or c == "_"):
        p -= 1
    return p, q


def _after_verb(data: AttributionData, text: str, vs: int, ve: int, b: int,
                regions: list[Region]) -> tuple[int, int] | None:
    """The words after the verb at ``[vs, ve)``: a colon (after a verb that takes one) or a
    complementizer within the window opens a region (appended). Returns the speaker's span (the verb to
    the complementizer) when the region opens with a complementizer, else None."""
    w = text[vs:ve]
    lemma = data.verb_forms[w]
    window = data.short_window if w in data.short_forms else data.window
    prev_end = ve
    before = None  # the word before the candidate complementizer (None: the verb itself)
    complementizers = data.complementizers
    for m in islice(_WORD.finditer(text, ve, b), window + 1):
        cs, ce = m.span()
        cw = m.group()
        if cs != prev_end + 1 or text[prev_end] != " ":  # (a gap of one space holds no colon or comma)
            gap = text[prev_end:cs]
            if ":" in gap:
                colon = prev_end + gap.index(":")
                if lemma in data.colon_lemmas:
                    after = text[colon + 1:cs].strip()
                    if not (after and after[0] in QUOTE_CHARS):
                        regions.append(Region(colon + 1, b, vs, ve))
                return None
            if "،" in gap or "," in gap:
                if cw in data.coordinated:
                    regions.append(Region(ce, b, vs, ve))
                    return vs, ce
                if cw in data.clause_breaks or (
                        cw[0] == "و" and len(cw) > 2 and cw not in data.clause_break_exceptions):
                    return None  # a new clause
        if cw in complementizers:
            bw = before
            if bw is not None and len(bw) > 2 and bw[0] in "وف" and (
                    bw[1:] in data.not_after or bw[1:] in data.stop_after):
                bw = bw[1:]  # «فكما أن»، «وبعد أن»
            if bw is not None and bw in data.stop_after:
                return None
            if bw is None or bw not in data.not_after:
                regions.append(Region(ce, b, vs, ve))
                return vs, ce  # the speaker, named by the outlet
        prev_end = ce
        before = cw
    return None


def _cut(regions: list[Region], holes: list[tuple[int, int]]) -> list[Region]:
    """The regions with the holes (speakers named by the outlet) cut out, except from a region whose
    own speaker the hole is."""
    cut: list[Region] = []
    for r in regions:
        parts = [r]
        for hs, he in holes:
            nxt: list[Region] = []
            for ps, pe, ts, te in parts:
                if he <= ps or pe <= hs or ts == hs:  # (its own speaker precedes it)
                    nxt.append(Region(ps, pe, ts, te))
                    continue
                if ps < hs:
                    nxt.append(Region(ps, hs, ts, te))
                if he < pe:
                    nxt.append(Region(he, pe, ts, te))
            parts = nxt
        cut.extend(parts)
    return cut


def _according_start(text: str, a: int, b: int, after: int, marker: int | None = None) -> int:
    """Where the region of an "according to" marker starts: the sentence start ``a``, or the
    marker when a complementizer (أن، فإن) follows it within the window."""
    data = attribution_data()
    for k, m in enumerate(_WORD.finditer(text, after, b)):
        if k > data.window:
            break
        w = m.group()
        if w in data.complementizers or (w[0] == "ف" and w[1:] in data.complementizers):
            return a if marker is None else marker
    return a

@overload
def _source_end(text: str, a: int, marker: int, after: int, b: int, as_said: Literal[False] = False) -> int: ...


@overload
def _source_end(text: str, a: int, marker: int, after: int, b: int, as_said: Literal[True]) -> int | None: ...


def _source_end(text: str, a: int, marker: int, after: int, b: int, as_said: bool = False) -> int | None:
    """End of the source named after an "according to" marker: the next comma, colon or
    complementizer within 8 words, else the end of its first word (two after ما).
    With ``as_said`` (كما + verb): the comma or sentence end within 8 words, else None."""
    data = attribution_data()
    words = list(_WORD.finditer(text, after, b))
    prev = after
    for m in words[:9]:
        gap = text[prev:m.start()]
        if "،" in gap or "," in gap or ":" in gap:
            return prev
        w = m.group()
        if w in data.complementizers or (w[0] == "ف" and w[1:] in data.complementizers):
            return None if as_said else m.start()
        prev = m.end()
    if as_said:
        return b if len(words) <= 8 else None
    if not words:
        return after
    if len(words) <= 8 and _WORD.search(text, a, marker) is not None:
        return b  # a marker closing its sentence: «... بحسب مصادر محلية»
    return words[1].end() if words[0].group() in ("ما", "لما") and len(words) > 1 else words[0].end()


# -- speaker headlines («عاجل | وزير الخارجية: ...») ------------------------------------------------


def headline_tags(text: str, a: int, colon: int, b: int) -> tuple[int, int, bool] | None:
    """The tags (``RT @user:``, ``عاجل |`` and their like, several may stand in a row) that open the headline
    sentence ``[a, b)`` whose first colon is at ``colon``: ``(start, colon, tagged)``, where the speaker starts
    after them, its colon and whether there was a tag; None when the tags leave no colon after them."""
    prefix = headline_data().prefix
    start = a
    tagged = False
    while True:
        m = prefix.match(text, start, colon + 1)
        if m is None or not text[start:m.end()].strip():
            break  # nothing but spaces: not a tag
        start = m.end()
        tagged = True
        if start > colon:
            colon = text.find(":", start, b)
            if colon < 0:
                return None
    return start, colon, tagged


def headline_tags_at(text: str | LazyText, a: int, colon: int, b: int) -> tuple[int, int, bool] | None:
    """:func:`headline_tags`, of a text that may be given by its code points: then only the sentence ``[a, b)``
    is decoded (the tags are read within it: the prefix pattern looks neither before ``a`` nor after the colon)."""
    if isinstance(text, str):
        return headline_tags(text, a, colon, b)
    found = headline_tags(text.decode(a, b), 0, colon - a, b - a)
    return None if found is None else (found[0] + a, found[1] + a, found[2])


def headline_tags_many(text: str | LazyText, a: list[int], colon: list[int],
                       b: list[int]) -> list[tuple[int, int, bool] | None]:
    """:func:`headline_tags_at` of each headline ``(a[k], colon[k], b[k])``: of a text given by its code points,
    the heads ``[a, colon]`` of all of them decoded at once (a tag reads no further than the colon), and the
    rest of a sentence only for a tag that takes its colon (the speaker's colon may come after it)."""
    if isinstance(text, str):
        return [headline_tags(text, x, c, y) for x, c, y in zip(a, colon, b, strict=True)]
    found: list[tuple[int, int, bool] | None] = []
    for head, x, c, y in zip(text.spans(a, [c + 1 for c in colon]), a, colon, b, strict=True):
        tags = headline_tags(head, 0, c - x, c + 1 - x)  # (None also when a tag took the colon: read on)
        found.append(headline_tags_at(text, x, c, y) if tags is None else (tags[0] + x, tags[1] + x, tags[2]))
    return found


def _headline_regions(text: str, a: int, b: int) -> list[Region]:
    """A sentence that opens with «<speaker>: » (no verb of saying, at most ``max_words`` words, not the
    outlet's own reporter): the statement after the colon is reported speech."""
    colon = text.find(":", a, b)
    if colon < 0:
        return []
    q = a
    while q > 0 and text[q - 1] in " \t":  # (text[:a].rstrip(" \t") without copying the text before a)
        q -= 1
    if q > 0 and text[q - 1] != "\n":
        return []  # only a headline: the sentence opens a line (a post, a paragraph)
    opening = headline_tags(text, a, colon, b)
    if opening is None:
        return []
    start, colon, tagged = opening
    max_words, _, own, not_speakers, heads = headline_data()
    words = _WORD.findall(text, start, colon)
    if not words or len(words) > max_words:
        return []
    head = words[0][1:] if words[0][:1] in ("و", "ف") and len(words[0]) > 3 else words[0]
    if (head in own or words[0] in own or head in not_speakers or words[0] in not_speakers
            or words[-1] in not_speakers):
        return []
    if not tagged and not (head.startswith("ال") or words[0].startswith("ال") or head in heads or words[0] in heads):
        return []
    data = attribution_data()
    if any(data.verb_of(w) is not None for w in words):
        return []  # «قال الوزير: ...» is found by the verb rule
    if re.search(r"[.!؟?،,\-–—/]", text[start:colon]):  # «فلان- سبق- الرياض:» is a dateline
        return []
    after = text[colon + 1:b].lstrip()
    if not after or after[0] in QUOTE_CHARS or after.startswith("http"):
        return []
    return [Region(colon + 1, b, start, colon + 1)]
