"""The attribution lexicon: the words that mark reported speech and speaker headlines, read as data.

The words are in ``framing/data/attribution.yaml`` (verbs of saying, complementizers, "according to"
markers and their sources, sentence terminators, the function words a quoted name may carry) and
``framing/data/headlines.yaml`` (speaker headlines such as «عاجل | وزير الخارجية: ...»). Each file is
read, normalized with the ``search`` profile and compiled once, on first use.

>>> data = attribution_data()
>>> data.verb_of("وقال") == data.verb_of("قال") is not None
True
>>> "ان" in data.complementizers
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import yaml

from framing.text.normalization import normalize

__all__ = ["AttributionData", "attribution_data", "HeadlineData", "headline_data", "norm_list"]

# sentence ends for reported speech; a full stop before a digit (3.5) is not one
_TERMINATOR_DEFAULT = ".؟?!؛"


@dataclass(frozen=True)
class AttributionData:
    """The attribution lexicon, compiled: see ``framing/data/attribution.yaml`` for each field."""

    window: int
    short_window: int
    short_forms: frozenset[str]  # forms that are also nouns or prepositions: short window only
    verb_forms: dict[str, str]  # normalized form (also with و/ف in front) -> lemma
    verb_re: re.Pattern[str]         # any verb form, as a whole word
    verb_after_re: re.Pattern[str]   # a non-word character, then a verb form as a whole word (group 1): the
    #                                  same matches as verb_re after the first character, found faster
    marker_key_re: re.Pattern[str]   # a substring of every according-to marker: run their regexes only if one occurs
    marker_keys: tuple[str, ...]     # those substrings (marker_key_re matches exactly these)
    colon_lemmas: frozenset[str]
    complementizers: frozenset[str]
    coordinated: frozenset[str]      # وأن، وبأن (+ suffixes): a complementizer after a comma too
    not_after: frozenset[str]
    verb_not_after: frozenset[str]
    stop_after: frozenset[str]
    clause_breaks: frozenset[str]
    clause_break_exceptions: frozenset[str]
    as_said: str
    as_said_lemmas: frozenset[str]
    always: re.Pattern[str]          # according-to markers that are always a source
    with_source: re.Pattern[str]     # markers that need a source word after them
    sources: frozenset[str]
    source_verbs: frozenset[str]
    terminator: re.Pattern[str]
    terminator_chars: re.Pattern[str]  # every character that may end a sentence (a full stop only may)
    terminator_set: str  # the same characters, as a string (the most frequent first: newline, full stop)
    function_words: frozenset[str]
    name_heads: frozenset[str]
    # the phrases of ``always`` and ``with_source``, normalized, in the order of their alternatives (longest
    # first): what the compiled reported-speech pass (framing.text.regionscan) matches
    always_phrases: tuple[str, ...] = ()
    with_source_phrases: tuple[str, ...] = ()

    def verb_of(self, word: str) -> str | None:
        """The lemma of an attribution verb form (with or without و/ف in front), or None."""
        return self.verb_forms.get(word)


def norm_list(values: Any, where: str) -> list[str]:
    """A list of strings from the data, each normalized and stripped (``where`` names it in errors)."""
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
def attribution_data() -> AttributionData:
    """The attribution lexicon: ``framing/data/attribution.yaml`` read and compiled once, on first use.

    Used by :mod:`framing.text.reported` (reported speech), :mod:`framing.text.voice` (quoted names) and
    :mod:`framing.text.quotes` (is a straight quotation introduced by a verb of saying?).
    """
    import yaml

    text = (resources.files("framing") / "data" / "attribution.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    verb_forms = {}
    for lemma, forms in raw["verbs"].items():
        lem = normalize(lemma)
        for f in norm_list(forms, f"verbs.{lemma}"):
            verb_forms[f] = lem
    for f, lem in list(verb_forms.items()):  # with the conjunction و / ف in front (وقال، فأكد)
        for c in "وف":
            verb_forms.setdefault(c + f, lem)
    colon = frozenset(normalize(v) for v in norm_list(raw["colon_verbs"], "colon_verbs"))
    comps: set[str] = set()
    suffixes = norm_list(raw["complementizer_suffixes"], "complementizer_suffixes")
    for c in norm_list(raw["complementizers"], "complementizers"):
        comps.update(c + s for s in suffixes)
    coordinated: set[str] = set()
    for c in norm_list(raw["coordinated_complementizers"], "coordinated_complementizers"):
        coordinated.update(c + s for s in suffixes)
    acc = raw["according_to"]
    always = sorted(norm_list(acc["always"], "according_to.always"), key=len, reverse=True)
    with_source = sorted(norm_list(acc["with_source"], "according_to.with_source"), key=len, reverse=True)
    sources = set()
    for s in norm_list(acc["sources"], "according_to.sources"):
        sources.add(s)
        if s.startswith("ال"):
            sources.add(s[2:])
    terms = "".join(norm_list(raw["terminators"], "terminators")) or _TERMINATOR_DEFAULT
    term_class = "[" + re.escape(terms.replace(".", "")) + "]"
    verbs = _trie_pattern(verb_forms)
    return AttributionData(
        window=int(raw["window"]),
        short_window=int(raw["short_window"]),
        short_forms=frozenset(norm_list(raw["short_window_forms"], "short_window_forms")),
        verb_forms=verb_forms,
        verb_re=re.compile(r"(?<!\w)" + verbs + r"(?!\w)"),
        # (re tries a pattern that opens with a character class only where that class matches: about
        # three times faster than the look-behind, which is tried everywhere)
        verb_after_re=re.compile(r"\W(" + verbs + r")(?!\w)"),
        marker_key_re=re.compile(_trie_pattern(_marker_keys(always + with_source))),
        marker_keys=_marker_keys(always + with_source),
        colon_lemmas=colon,
        complementizers=frozenset(comps),
        coordinated=frozenset(coordinated),
        not_after=frozenset(norm_list(raw["not_after"], "not_after")),
        verb_not_after=frozenset(norm_list(raw["verb_not_after"], "verb_not_after")),
        stop_after=frozenset(norm_list(raw["stop_after"], "stop_after")),
        clause_breaks=frozenset(norm_list(raw["clause_breaks"], "clause_breaks")),
        clause_break_exceptions=frozenset(norm_list(raw["clause_break_exceptions"],
                                                     "clause_break_exceptions")),
        as_said=normalize(str(acc["as_said"])).strip(),
        as_said_lemmas=frozenset(norm_list(acc["as_said_verbs"], "according_to.as_said_verbs")),
        always=re.compile(r"(?<!\w)و?(?:" + "|".join(_phrase_pattern(p) for p in always) + ")"),
        with_source=re.compile(r"(?<!\w)و?(?:" + "|".join(_phrase_pattern(p) for p in with_source)
                               + r")"),
        sources=frozenset(sources),
        source_verbs=frozenset(norm_list(acc["source_verbs"], "according_to.source_verbs")),
        # a full stop ends a sentence unless a digit follows (3.5) or it closes a one-letter word (د.)
        terminator=re.compile(r"[\n" + term_class[1:-1] + r"]|\.(?<!(?<![^\W_])[^\W\d_]\.)(?!\d)"),
        terminator_chars=re.compile(r"[\n." + term_class[1:-1] + r"]"),
        terminator_set="".join(dict.fromkeys("\n." + terms.replace(".", ""))),
        function_words=frozenset(norm_list(raw["quote_function_words"], "quote_function_words")),
        name_heads=frozenset(norm_list(raw["quote_name_heads"], "quote_name_heads")),
        always_phrases=tuple(always),
        with_source_phrases=tuple(with_source),
    )


class HeadlineData(NamedTuple):
    """Speaker headlines: at most ``max_words`` words before the colon, the tags that may open the line
    (``prefix``), speakers that are the outlet itself, words that are no speaker, and speaker heads."""

    max_words: int
    prefix: re.Pattern[str]
    own_speakers: frozenset[str]
    not_speakers: frozenset[str]
    speaker_heads: frozenset[str]


_HEADLINES: list[HeadlineData] = []


def headline_data() -> HeadlineData:
    """Patterns of speaker headlines, read once from ``framing/data/headlines.yaml``."""
    if not _HEADLINES:
        raw = yaml.safe_load((resources.files("framing") / "data" / "headlines.yaml").read_text(encoding="utf-8"))
        prefix = re.compile(r"\s*(?:(?:" + "|".join(raw["prefixes"]) + r")\s*)*", re.IGNORECASE)
        _HEADLINES.append(HeadlineData(int(raw["max_words"]), prefix,
                                       frozenset(norm_list(raw["own_speakers"], "own_speakers")),
                                       frozenset(norm_list(raw["not_speakers"], "not_speakers")),
                                       frozenset(norm_list(raw["speaker_heads"], "speaker_heads"))))
    return _HEADLINES[0]
