"""Proclitics and inflection: the surface forms of a term, and light clitic stripping of tokens.

The rules are data (``framing/data/morphology.yaml``). Everything here works on text already
normalized with the ``search`` profile.

>>> sorted(f for f in surface_forms("حفتر", inflect=False) if len(f) <= 5)
['بحفتر', 'حفتر', 'فحفتر', 'كحفتر', 'لحفتر', 'وحفتر']
>>> "للواء المتقاعد" in surface_forms("اللواء المتقاعد")
True
>>> "ميليشيات" in surface_forms("ميليشيا")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["Morphology", "morphology", "proclitic_forms", "inflected_forms", "surface_forms", "strip_clitics"]


@dataclass(frozen=True)
class Morphology:
    conjunctions: tuple[str, ...]
    prepositions: tuple[str, ...]
    article: str
    inflection: tuple[tuple[str, int, tuple[str, ...]], ...]


@lru_cache(maxsize=1)
def morphology() -> Morphology:
    """The clitic and inflection rules, read once from package data."""
    ref = resources.files("framing") / "data" / "morphology.yaml"
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    rules = tuple((r["ends"], int(r["drop"]), tuple(r["add"])) for r in data["inflection"])
    return Morphology(tuple(data["conjunctions"]), tuple(data["prepositions"]), data["article"], rules)


@lru_cache(maxsize=65536)
def proclitic_forms(word: str, article: bool = True) -> frozenset[str]:
    """A word with every combination of conjunction, preposition and article in front of it.

    A word without the article also gets the article (قوات → القوات); ل + ال is written لل. With
    ``article=False`` it never does (حماس must not match الحماس, 'the enthusiasm').
    """
    m = morphology()
    if not article:
        return frozenset(c + p + word for c in ("", *m.conjunctions) for p in ("", *m.prepositions))
    art = m.article
    bare = word[len(art):] if word.startswith(art) and len(word) > len(art) + 1 else None
    if bare is None:
        definite, stem = art + word, word
    else:
        definite, stem = word, bare
    lam = "ل" + stem if stem.startswith("ل") else "لل" + stem
    forms = set()
    for c in ("", *m.conjunctions):
        if bare is None:
            for p in ("", *m.prepositions):
                forms.add(c + p + word)
        for p in ("", *(x for x in m.prepositions if x != "ل")):
            forms.add(c + p + definite)
        if "ل" in m.prepositions:
            forms.add(c + lam)
    return frozenset(forms)


@lru_cache(maxsize=65536)
def inflected_forms(word: str) -> frozenset[str]:
    """Plural, dual and feminine forms of a (last) word, the word itself included."""
    for ends, drop, add in morphology().inflection:
        if word.endswith(ends):
            stem = word[: len(word) - drop] if drop else word
            return frozenset({word, *(stem + a for a in add)})
    return frozenset({word})  # pragma: no cover - the last rule matches every word


def surface_forms(term: str, *, inflect: bool = True) -> frozenset[str]:
    """All surface forms of a normalized (possibly multi-word) term.

    Proclitics attach to the first word; inflection (when ``inflect``) to the last.
    """
    words = term.split(" ")
    lasts = inflected_forms(words[-1]) if inflect else frozenset({words[-1]})
    out: set[str] = set()
    if len(words) == 1:
        for w in lasts:
            out |= proclitic_forms(w)
        return frozenset(out)
    middle = " ".join(words[1:-1])
    for first in proclitic_forms(words[0]):
        for last in lasts:
            out.add(" ".join(x for x in (first, middle, last) if x))
    return frozenset(out)


def strip_clitics(token: str, known=None) -> str:
    """Strip proclitics from a normalized token (a light stemmer for counting words).

    Article combinations (وال, بال, فال, كال, ال and with و/ف in front) are always removed when
    at least two letters remain. لل (ل + ال, or ل before a word in ل) and a single-letter conjunction or
    preposition is removed only when ``known`` (a set of tokens seen elsewhere) contains what remains
    — وزير keeps its و unless زير is a word of the corpus; لل needs ``known`` too (لليبيا is ل + ليبيا).

    >>> strip_clitics("والقوات")
    'قوات'
    >>> strip_clitics("للواء", known={"لواء"})
    'لواء'
    >>> strip_clitics("لليبيا", known={"ليبيا"})
    'ليبيا'
    >>> strip_clitics("وقوات", known={"قوات"})
    'قوات'
    >>> strip_clitics("وزير", known={"قوات"})
    'وزير'
    """
    m = morphology()
    art = m.article
    for c in ("", *m.conjunctions):
        for p in ("", *(x for x in m.prepositions if x != "ل")):
            cand = c + p + art
            if token.startswith(cand) and len(token) - len(cand) >= 2:
                return token[len(cand):]
        # ل + ال is written لل, and لل + ل... loses a lam: decide only with a vocabulary
        cand = c + "لل"
        if known is not None and token.startswith(cand) and len(token) - len(cand) >= 2:
            rest = token[len(cand):]
            if "ل" + rest in known:
                return "ل" + rest
            if rest in known:
                return rest
    if known is not None:
        for c in ("", *m.conjunctions):
            for p in ("", *m.prepositions):
                pre = c + p
                if pre and token.startswith(pre) and len(token) - len(pre) >= 2 and token[len(pre):] in known:
                    return token[len(pre):]
    return token
