"""Lexicons and the matcher: load and check a lexicon, find its terms in text with scope rules."""

from framing.lexicon.entries import Category, DateRange, Entry, Referent, Scope
from framing.lexicon.load import as_lexicon, bundled_names, list_lexicons, load_lexicon
from framing.lexicon.model import Lexicon
from framing.vocabulary import STANCES

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
    "DateRange",
    "bundled_names",
]
