"""What a reading query means: a lexicon entry, referent, category, label or a plain phrase.

:func:`resolve_query` is shared by :func:`framing.reading.kwic.kwic` and
:func:`framing.reading.collocates.collocates`: it turns the ``term`` a user typed into a compiled
lexicon, the match kinds to search and a predicate on matches.

>>> q = resolve_query("ميليشيا", None)
>>> q.how, q.kinds
('phrase', ('category',))
>>> check_count(3, "window")
3
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from framing.errors import FramingError
from framing.lexicon.load import Lexicon, as_lexicon
from framing.lexicon.matcher import CompiledLexicon, Match, compile_lexicon
from framing.text.normalization import normalize
from framing.vocabulary import STANCES

logger = logging.getLogger(__name__)

__all__ = ["Query", "resolve_query", "check_count"]


class Query(NamedTuple):
    """A resolved query: what to search with, which kinds, which matches to keep, and how it was read."""

    compiled: CompiledLexicon
    kinds: tuple[str, ...]
    keep: Callable[[Match], bool]
    how: str  # "label", "referent", "category", "entry" or "phrase"


def _phrase_lexicon(term: str) -> Lexicon:
    if not isinstance(term, str) or not term.strip():
        raise FramingError(f"expected a word or phrase to look for, got {term!r}")
    if not any(ch.isalnum() for ch in normalize(term)):
        raise FramingError(f"the query {term!r} has no letters once normalized; give a word or phrase")
    return Lexicon.from_dict({"name": "query", "negators": [], "categories": {"query": [term.strip()]}})


def _always(m: Match) -> bool:
    return True


def resolve_query(term: object, lexicon: object, kinds: tuple[str, ...] | list[str] | None = None) -> Query:
    """Decide what ``term`` means with ``lexicon`` (or as a plain phrase without one).

    With a lexicon: ``"label:<referent>:<stance>"``, a referent name (its aliases and labels), a
    category name, or a term or variant of an entry; anything else is searched as a phrase.
    ``kinds`` overrides the match kinds searched.
    """
    if not isinstance(term, str) or not term.strip():
        raise FramingError(f"expected a term, referent, category or 'label:<referent>:<stance>', got {term!r}")
    term = term.strip()
    if lexicon is not None:
        lex = as_lexicon(lexicon)
        if term.startswith("label:"):
            parts = term.split(":")
            if len(parts) != 3 or parts[1] not in lex.referents or parts[2] not in STANCES:
                raise FramingError(
                    f"{term!r}: expected 'label:<referent>:<stance>' with a referent of lexicon {lex.name!r} "
                    f"({', '.join(lex.referents)}) and a stance ({', '.join(STANCES)})")
            _, ref, stance = parts
            return Query(compile_lexicon(lex), tuple(kinds or ("label",)),
                         lambda m: m.referent == ref and m.stance == stance, "label")
        if term in lex.referents:
            name = term
            return Query(compile_lexicon(lex), tuple(kinds or ("alias", "label")),
                         lambda m: m.referent == name, "referent")
        if term in lex.categories:
            cat = term
            return Query(compile_lexicon(lex), tuple(kinds or ("category",)),
                         lambda m: m.kind == "category" and m.category == cat, "category")
        norm = normalize(term)
        found: dict[str, set[str]] = {}
        for category in lex.categories.values():
            for e in category.entries:
                if norm in e.forms:
                    found.setdefault("category", set()).add(e.term)
        for referent in lex.referents.values():
            for e in referent.aliases:
                if norm in e.forms:
                    found.setdefault("alias", set()).add(e.term)
            for entries in referent.labels.values():
                for e in entries:
                    if norm in e.forms:
                        found.setdefault("label", set()).add(e.term)
        if found:
            terms: set[str] = set().union(*found.values())
            return Query(compile_lexicon(lex), tuple(kinds or sorted(found)),
                         lambda m: m.term in terms, "entry")
        logger.debug("kwic: %r is not an entry of lexicon %s; searched as a phrase", term, lex.name)
    return Query(compile_lexicon(_phrase_lexicon(term)), ("category",), _always, "phrase")


def check_count(value: object, name: str, minimum: int = 0) -> int:
    """``value`` as an int when it is an integer ``>= minimum`` (not a bool), else a :class:`FramingError`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise FramingError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)
