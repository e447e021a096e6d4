"""Whose words are these? The voice of a span of text: the outlet's own, quoted, or reported.

A label counts as the outlet's framing only in its *own* voice. This module tells, for a span of
text normalized with the ``search`` profile, whether it is

``"quoted"``
    inside quotation marks (see :mod:`framing.text.quotes`) — a quoted statement, or *scare quotes*
    around an evaluative label (``scare_quoted``);
``"reported"``
    reported speech without quote marks: after an attribution verb and its complementizer
    (``وقال المتحدث إن ...``), after ``قال X:`` with no quote mark, or in a sentence with an
    "according to" marker (``بحسب بيان للجيش``، ``نقلا عن مصادر``);
``"own"``
    anything else — including a *name* in quotes as house style (``«داعش»``, ``تنظيم "الدولة
    الإسلامية"``), which is the outlet naming, not distancing.

The words that mark reported speech are data: ``framing/data/attribution.yaml``. Which constructions
are recognised, with examples and the known limits: ``docs/voice.md``.

Everything is computed lazily per document: building a :class:`VoiceIndex` costs nothing; on the
first query the sentence ends are found (one regex pass) and the quotation spans (only when the text
holds a quote mark); reported speech is analysed only for the sentences that hold a queried span.
The data file is read and compiled once, on the first query in the process.

>>> v = VoiceIndex(normalize("وقال المتحدث إن ميليشيات حمدان قصفت المدينة"))
>>> v.classify(16, 24, 1, evaluative=True)
('reported', False)
>>> v = VoiceIndex(normalize("أعلن «داعش» مسؤوليته"))
>>> v.classify(6, 10, 1, evaluative=False)
('own', False)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import islice

from framing.text.normalization import normalize
from framing.text.quotes import QUOTE_CHARS, QuoteIndex

__all__ = ["VoiceIndex", "VOICES_CLASSIFIED", "reported_spans"]

VOICES_CLASSIFIED = ("own", "quoted", "reported")

_WORD = re.compile(r"\w+")
_LAST_WORD = re.compile(r"\w+(?=\W*$)")
_start_of = re.Match.start
# sentence ends for reported speech; a full stop before a digit (3.5) is not one
_TERMINATOR_DEFAULT = ".؟?!؛"


@dataclass(frozen=True)
class _VoiceData:
    window: int
    short_window: int
    short_forms: frozenset      # forms that are also nouns or prepositions: short window only
    verb_forms: dict            # normalized form (also with و/ف in front) -> lemma
    verb_re: re.Pattern         # any verb form, as a whole word
    marker_key_re: re.Pattern   # a substring of every according-to marker: run their regexes only if one occurs
    colon_lemmas: frozenset
    complementizers: frozenset
    coordinated: frozenset      # وأن، وبأن (+ suffixes): a complementizer after a comma too
    not_after: frozenset
    verb_not_after: frozenset
    stop_after: frozenset
    clause_breaks: frozenset
    clause_break_exceptions: frozenset
    as_said: str
    as_said_lemmas: frozenset
    always: re.Pattern          # according-to markers that are always a source
    with_source: re.Pattern     # markers that need a source word after them
    sources: frozenset
    source_verbs: frozenset
    terminator: re.Pattern
    terminator_chars: re.Pattern  # every character that may end a sentence (a full stop only may)
    function_words: frozenset
    name_heads: frozenset

    def verb_of(self, word: str):
        """The lemma of an attribution verb form (with or without و/ف in front), or None."""
        return self.verb_forms.get(word)


def _norm_list(values, where: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"framing/data/attribution.yaml: {where} must be a list of strings")
    return [normalize(v).strip() for v in values]


def _trie_pattern(words) -> str:
    """A regex matching exactly ``words``, as a trie (one branch per letter: fast in ``re``)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if end else body

    return emit(trie)


def _marker_keys(phrases) -> tuple:
    """Substrings one of which every marker contains (the phrase without a final lone ل), with keys
    that contain another key dropped: the marker regexes run only on sentences holding one."""
    keys = {p[:-2] if p.endswith(" ل") else p for p in phrases}
    return tuple(sorted(k for k in keys if not any(o != k and o in k for o in keys)))


def _phrase_pattern(phrase: str) -> str:
    """Regex for a marker phrase: words separated by spaces; a final lone ل may be attached."""
    words = phrase.split()
    if words[-1] == "ل":
        return r"\s+".join(re.escape(w) for w in words[:-1]) + r"\s+ل\s*"
    return r"\s+".join(re.escape(w) for w in words) + r"(?!\w)\s*"


@lru_cache(maxsize=1)
def _data() -> _VoiceData:
    """Load and compile ``framing/data/attribution.yaml`` once, on first use."""
    import yaml

    text = (resources.files("framing") / "data" / "attribution.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    verb_forms = {}
    for lemma, forms in raw["verbs"].items():
        lem = normalize(lemma)
        for f in _norm_list(forms, f"verbs.{lemma}"):
            verb_forms[f] = lem
    for f, lem in list(verb_forms.items()):  # with the conjunction و / ف in front (وقال، فأكد)
        for c in "وف":
            verb_forms.setdefault(c + f, lem)
    colon = frozenset(normalize(v) for v in _norm_list(raw["colon_verbs"], "colon_verbs"))
    comps = set()
    suffixes = _norm_list(raw["complementizer_suffixes"], "complementizer_suffixes")
    for c in _norm_list(raw["complementizers"], "complementizers"):
        comps.update(c + s for s in suffixes)
    coordinated = set()
    for c in _norm_list(raw["coordinated_complementizers"], "coordinated_complementizers"):
        coordinated.update(c + s for s in suffixes)
    acc = raw["according_to"]
    always = sorted(_norm_list(acc["always"], "according_to.always"), key=len, reverse=True)
    with_source = sorted(_norm_list(acc["with_source"], "according_to.with_source"), key=len, reverse=True)
    sources = set()
    for s in _norm_list(acc["sources"], "according_to.sources"):
        sources.add(s)
        if s.startswith("ال"):
            sources.add(s[2:])
    terms = "".join(_norm_list(raw["terminators"], "terminators")) or _TERMINATOR_DEFAULT
    term_class = "[" + re.escape(terms.replace(".", "")) + "]"
    return _VoiceData(
        window=int(raw["window"]),
        short_window=int(raw["short_window"]),
        short_forms=frozenset(_norm_list(raw["short_window_forms"], "short_window_forms")),
        verb_forms=verb_forms,
        verb_re=re.compile(r"(?<!\w)" + _trie_pattern(verb_forms) + r"(?!\w)"),
        marker_key_re=re.compile(_trie_pattern(_marker_keys(always + with_source))),
        colon_lemmas=colon,
        complementizers=frozenset(comps),
        coordinated=frozenset(coordinated),
        not_after=frozenset(_norm_list(raw["not_after"], "not_after")),
        verb_not_after=frozenset(_norm_list(raw["verb_not_after"], "verb_not_after")),
        stop_after=frozenset(_norm_list(raw["stop_after"], "stop_after")),
        clause_breaks=frozenset(_norm_list(raw["clause_breaks"], "clause_breaks")),
        clause_break_exceptions=frozenset(_norm_list(raw["clause_break_exceptions"],
                                                     "clause_break_exceptions")),
        as_said=normalize(str(acc["as_said"])).strip(),
        as_said_lemmas=frozenset(_norm_list(acc["as_said_verbs"], "according_to.as_said_verbs")),
        always=re.compile(r"(?<!\w)و?(?:" + "|".join(_phrase_pattern(p) for p in always) + ")"),
        with_source=re.compile(r"(?<!\w)و?(?:" + "|".join(_phrase_pattern(p) for p in with_source)
                               + r")"),
        sources=frozenset(sources),
        source_verbs=frozenset(_norm_list(acc["source_verbs"], "according_to.source_verbs")),
        # a full stop ends a sentence unless a digit follows (3.5) or it closes a one-letter word (د.)
        terminator=re.compile(r"[\n" + term_class[1:-1] + r"]|\.(?<!(?<![^\W_])[^\W\d_]\.)(?!\d)"),
        terminator_chars=re.compile(r"[\n." + term_class[1:-1] + r"]"),
        function_words=frozenset(_norm_list(raw["quote_function_words"], "quote_function_words")),
        name_heads=frozenset(_norm_list(raw["quote_name_heads"], "quote_name_heads")),
    )


def _source_follows(data: _VoiceData, text: str, pos: int, end: int, fused_ma: bool) -> bool:
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


class VoiceIndex:
    """The voice of spans of one document (text normalized with the ``search`` profile)."""

    __slots__ = ("norm", "_quotes", "_sentences", "_ends", "_end_starts")

    def __init__(self, norm: str):
        self.norm = norm
        self._quotes = None       # QuoteIndex, built on first need (False: the text has no marks)
        self._ends = None         # sentence ends, found on first need
        self._end_starts = None
        self._sentences = {}      # sentence start -> (end, [(region_start, region_end, trig_start, trig_end)])

    # -- quotations ------------------------------------------------------------------------------
    @property
    def quotes(self) -> QuoteIndex | None:
        q = self._quotes
        if q is None:
            text = self.norm
            q = QuoteIndex(text) if any(c in text for c in QUOTE_CHARS) else False
            self._quotes = q
        return q or None

    # -- sentences and reported speech ----------------------------------------------------------
    def _terminator_starts(self) -> list[int]:
        """Positions of the sentence ends of the document, sorted (computed once, on first need).

        Every terminator is one character: the candidates are found with a plain character class and
        only full stops are checked against the terminator pattern (a digit after, a one-letter word)."""
        starts = self._end_starts
        if starts is None:
            text = self.norm
            data = _data()
            check = data.terminator.match
            starts = [i for i in map(_start_of, data.terminator_chars.finditer(text))
                      if text[i] != "." or check(text, i) is not None]
            self._end_starts = starts
        return starts

    def _terminators(self) -> list[tuple[int, int]]:
        """Sentence ends of the document, ``(start, end)`` sorted (computed once, on first need)."""
        ends = self._ends
        if ends is None:
            ends = self._ends = [(i, i + 1) for i in self._terminator_starts()]
        return ends

    def sentence(self, start: int, end: int | None = None) -> tuple[int, int]:
        """``(a, b)``: the sentence holding ``[start, end)`` (between terminators or newlines)."""
        end = start if end is None else end
        starts = self._terminator_starts()
        i = bisect_right(starts, start) - 1  # last terminator starting at or before start
        a = starts[i] + 1 if i >= 0 else 0  # (every terminator is one character long)
        if a > start:  # start is a terminator itself
            a = start
        k = bisect_left(starts, end)
        b = starts[k] if k < len(starts) else len(self.norm)
        return a, b

    def _regions(self, a: int, b: int) -> list:
        """Reported regions of the sentence ``[a, b)``: (start, end, trigger_start, trigger_end)."""
        cached = self._sentences.get(a)
        if cached is not None:
            return cached
        text = self.norm
        data = _data()
        regions = []
        # "according to": the whole sentence, or from the marker on when a complementizer follows it
        # («..., وبحسب المتحدث فإن ...» in a long sentence: the words before are the outlet's)
        # The source named after the marker (بحسب بيان لقيادة الجيش، ...) is the outlet's words.
        markers = []
        if data.marker_key_re.search(text, a, b) is not None:
            markers = list(data.always.finditer(text, a, b))
            for m in data.with_source.finditer(text, a, b):
                if _source_follows(data, text, m.end(), b, m.group().rstrip().endswith("ما")):
                    markers.append(m)
        for m in markers:
            ms, me = m.start(), m.end()
            src_end = self._source_end(a, ms, me, b)
            start = self._according_start(a, b, me, ms)
            if start < ms:
                regions.append((start, ms, ms, src_end))
            regions.append((src_end, b, ms, src_end))
        # attribution verb ... أن/إن  |  قال ... :  |  ... كما أعلنت الشرطة
        holes = []
        for vm in data.verb_re.finditer(text, a, b):  # most sentences hold no verb of saying
            vs, ve, w = vm.start(), vm.end(), vm.group()
            lemma = data.verb_forms[w]
            prev = _LAST_WORD.search(text, max(a, vs - 40), vs)  # the word before the verb
            if prev is not None and prev.group() in data.verb_not_after:
                continue  # «تستطيع الحكومة أن تقول إن ...»: a hypothetical statement
            if (prev is not None and prev.group() == data.as_said and lemma in data.as_said_lemmas
                    and _WORD.search(text, a, prev.start()) is not None):
                # mid-sentence «كما أعلنت الشرطة»: "as X said" when the source closes (comma or
                # sentence end) within 8 words and no complementizer follows ("also said that")
                src_end = self._source_end(a, prev.start(), ve, b, as_said=True)
                if src_end is not None:
                    regions.append((a, prev.start(), prev.start(), src_end))
                    if src_end < b:
                        regions.append((src_end, b, prev.start(), src_end))
                    continue
            # a verb that opens a new clause (وأبلغ، فقال, or after a comma) names its speaker in the
            # outlet's words even inside an earlier report; a verb inside a report («… إن الميليشيات
            # تزعم أن …») is part of that report
            new_clause = (prev is None or (w[0] in "وف" and w[1:] in data.verb_forms)
                          or "،" in text[prev.end():vs] or "," in text[prev.end():vs])
            window = data.short_window if w in data.short_forms else data.window
            prev_end = ve
            before = None  # the word before the candidate complementizer (None: the verb itself)
            for m in islice(_WORD.finditer(text, ve, b), window + 1):
                cs, ce, cw = m.start(), m.end(), m.group()
                gap = text[prev_end:cs]
                if ":" in gap:
                    colon = prev_end + gap.index(":")
                    if lemma in data.colon_lemmas:
                        after = text[colon + 1:cs].strip()
                        if not (after and after[0] in QUOTE_CHARS):
                            regions.append((colon + 1, b, vs, ve))
                    break
                comma = "،" in gap or "," in gap
                if comma and cw in data.coordinated:
                    regions.append((ce, b, vs, ve))
                    if new_clause:
                        holes.append((vs, ce))
                    break
                if comma and (cw in data.clause_breaks or (
                        cw[0] == "و" and len(cw) > 2 and cw not in data.clause_break_exceptions)):
                    break  # a new clause
                if cw in data.complementizers:
                    bw = before
                    if bw is not None and len(bw) > 2 and bw[0] in "وف" and (
                            bw[1:] in data.not_after or bw[1:] in data.stop_after):
                        bw = bw[1:]  # «فكما أن»، «وبعد أن»
                    if bw is not None and bw in data.stop_after:
                        break
                    if bw is None or bw not in data.not_after:
                        regions.append((ce, b, vs, ve))
                        if new_clause:
                            holes.append((vs, ce))  # the speaker, named by the outlet
                        break
                prev_end = ce
                before = cw
        regions.extend(_headline_regions(text, a, b))
        if holes and len(regions) > 1:
            # «قال إن ...، وأبلغ رئيس الاتحاد رويترز أنه ...»: the second speaker is not reported
            cut = []
            for r in regions:
                parts = [r]
                for hs, he in holes:
                    nxt = []
                    for ps, pe, ts, te in parts:
                        if he <= ps or pe <= hs or ts == hs:  # (its own speaker precedes it)
                            nxt.append((ps, pe, ts, te))
                            continue
                        if ps < hs:
                            nxt.append((ps, hs, ts, te))
                        if he < pe:
                            nxt.append((he, pe, ts, te))
                    parts = nxt
                cut.extend(parts)
            regions = cut
        self._sentences[a] = regions
        return regions

    def _according_start(self, a: int, b: int, after: int, marker: int | None = None) -> int:
        """Where the region of an "according to" marker starts: the sentence start ``a``, or the
        marker when a complementizer (أن، فإن) follows it within the window."""
        data = _data()
        for k, m in enumerate(_WORD.finditer(self.norm, after, b)):
            if k > data.window:
                break
            w = m.group()
            if w in data.complementizers or (w[0] == "ف" and w[1:] in data.complementizers):
                return a if marker is None else marker
        return a

    def _source_end(self, a: int, marker: int, after: int, b: int, as_said: bool = False):
        """End of the source named after an "according to" marker: the next comma, colon or
        complementizer within 8 words, else the end of its first word (two after ما).
        With ``as_said`` (كما + verb): the comma or sentence end within 8 words, else None."""
        data = _data()
        text = self.norm
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

    def reported(self, start: int, end: int) -> bool:
        """Is ``[start, end)`` in reported speech (not counting a trigger the span itself is)?"""
        a, b = self.sentence(start, end)
        for rs, re_, ts, te in self._regions(a, b):
            if rs <= start and end <= re_ and not (ts < end and start < te):
                return True
        return False

    # -- the public operation --------------------------------------------------------------------
    def classify(self, start: int, end: int, n_words: int, *, evaluative: bool) -> tuple[str, bool]:
        """``(voice, scare_quoted)``: voice in ``{"own", "quoted", "reported"}``.

        ``n_words`` is the number of words of the matched term; ``evaluative`` is True for
        delegitimizing / legitimizing labels and qualifiers (scare quotes are possible), False for
        aliases and neutral labels (a quoted name is the outlet's own naming).
        """
        if not 0 <= start <= end <= len(self.norm):
            raise ValueError(f"span [{start}, {end}) is outside the text (length {len(self.norm)}); "
                             "give offsets into the normalized text the VoiceIndex was built on")
        start, end = self._trim(start, end)
        q = self.quotes
        if q is not None:
            span = q.enclosing(start, end)
            if span is not None:
                n = q.n_words(span)
                if not evaluative:
                    if not self._is_name_quote(span, start, end, n, n_words):
                        return "quoted", False
                else:
                    if n <= n_words + 1:
                        return "quoted", True
                    opens = not _WORD.search(self.norm, span[0], start)
                    return "quoted", opens and n <= n_words + 3
            elif evaluative:
                part = q.overlapping(start, end)
                if part is not None:
                    # a mark inside an evaluative term: الحكومة "الشرعية"
                    short = q.n_words(part) <= n_words + 1
                    return "quoted", short
        return ("reported" if self.reported(start, end) else "own"), False

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Drop quote marks (and a lone proclitic before one) at the edges of a match span."""
        text = self.norm
        s, e = start, end
        while s < e and (text[s] in QUOTE_CHARS or text[s].isspace()):
            s += 1
        if s + 1 < e and text[s] in "وفبلك" and text[s + 1] in QUOTE_CHARS:
            s += 2
        while e > s and (text[e - 1] in QUOTE_CHARS or text[e - 1].isspace()):
            e -= 1
        return (s, e) if e > s else (start, end)

    def _is_name_quote(self, span, start: int, end: int, n: int, n_words: int) -> bool:
        """Does the quotation hold only the term, plus at most one function word or name head?"""
        if n <= n_words:
            return True
        if n > n_words + 1:
            return False
        data = _data()
        extra = _WORD.findall(self.norm, span[0], start) + _WORD.findall(self.norm, end, span[1])
        return len(extra) == 1 and (extra[0] in data.function_words or extra[0] in data.name_heads)


def reported_spans(norm: str) -> list[tuple[int, int]]:
    """All reported-speech regions of a normalized text, merged and sorted (for audits and display).

    >>> t = normalize("سيطر الجيش على المدينة. وقال المتحدث إن الهدوء عاد.")
    >>> [t[s:e] for s, e in reported_spans(t)]
    [' الهدوء عاد']
    """
    v = VoiceIndex(norm)
    out = []
    a = 0
    for ts, te in v._terminators() + [(len(norm), len(norm))]:
        if ts > a:
            out.extend((rs, re_) for rs, re_, _ts, _te in v._regions(a, ts))
        a = te
    out.sort()
    merged = []
    for s, e in out:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


# -- speaker headlines («عاجل | وزير الخارجية: ...») ------------------------------------------------

_HEADLINES: list = []


def _headline_data():
    """Patterns of speaker headlines, read once from ``framing/data/headlines.yaml``."""
    if not _HEADLINES:
        import yaml
        from importlib import resources

        raw = yaml.safe_load((resources.files("framing") / "data" / "headlines.yaml").read_text(encoding="utf-8"))
        prefix = re.compile(r"\s*(?:(?:" + "|".join(raw["prefixes"]) + r")\s*)*", re.IGNORECASE)
        _HEADLINES.append((int(raw["max_words"]), prefix, frozenset(_norm_list(raw["own_speakers"], "own_speakers")),
                           frozenset(_norm_list(raw["not_speakers"], "not_speakers")),
                           frozenset(_norm_list(raw["speaker_heads"], "speaker_heads"))))
    return _HEADLINES[0]


def _headline_regions(text: str, a: int, b: int) -> list:
    """A sentence that opens with «<speaker>: » (no verb of saying, at most ``max_words`` words, not the
    outlet's own reporter): the statement after the colon is reported speech."""
    colon = text.find(":", a, b)
    if colon < 0:
        return []
    if a > 0 and text[:a].rstrip(" \t")[-1:] not in ("\n", ""):
        return []  # only a headline: the sentence opens a line (a post, a paragraph)
    max_words, prefix, own, not_speakers, heads = _headline_data()
    start = a
    tagged = False
    while True:  # skip «RT @user:», «عاجل |» and their like (several may stand in a row)
        m = prefix.match(text, start, colon + 1)
        if m is None or not text[start:m.end()].strip():
            break  # nothing but spaces: not a tag
        start = m.end()
        tagged = True
        if start > colon:
            colon = text.find(":", start, b)
            if colon < 0:
                return []
    words = _WORD.findall(text, start, colon)
    if not words or len(words) > max_words:
        return []
    head = words[0][1:] if words[0][:1] in ("و", "ف") and len(words[0]) > 3 else words[0]
    if (head in own or words[0] in own or head in not_speakers or words[0] in not_speakers
            or words[-1] in not_speakers):
        return []
    if not tagged and not (head.startswith("ال") or words[0].startswith("ال") or head in heads or words[0] in heads):
        return []
    data = _data()
    if any(data.verb_of(w) is not None for w in words):
        return []  # «قال الوزير: ...» is found by the verb rule
    if re.search(r"[.!؟?،,\-–—/]", text[start:colon]):  # «فلان- سبق- الرياض:» is a dateline
        return []
    after = text[colon + 1:b].lstrip()
    if not after or after[0] in QUOTE_CHARS or after.startswith("http"):
        return []
    return [(colon + 1, b, start, colon + 1)]
