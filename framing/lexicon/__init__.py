"""Lexicons and the matcher: load and check a lexicon, find its terms in text with scope rules."""

from framing.lexicon.load import (
    STANCES,
    Scope,
    Entry,
    Category,
    Referent,
    Lexicon,
    load_lexicon,
    list_lexicons,
    as_lexicon,
)

__all__ = [
    "STANCES",
    "Scope",
    "Entry",
    "Category",
    "Referent",
    "Lexicon",
    "load_lexicon",
    "list_lexicons",
    "as_lexicon",
]
