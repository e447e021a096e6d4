"""The parts of a lexicon: entries, their scope, categories and referents (frozen dataclasses).

A :class:`framing.lexicon.model.Lexicon` holds :class:`Category` and :class:`Referent` objects made
of :class:`Entry` objects; :mod:`framing.lexicon.schema` builds them from the YAML structure.

>>> Scope(valid=(DateRange(None, datetime.date(2016, 3, 29)),)).valid[0].end
datetime.date(2016, 3, 29)
>>> bool(NO_SCOPE)
False
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["DateRange", "Scope", "NO_SCOPE", "Entry", "Category", "Referent"]


class DateRange(NamedTuple):
    """Dates from ``start`` to ``end`` (both included); ``None`` is an open end."""

    start: datetime.date | None
    end: datetime.date | None


@dataclass(frozen=True)
class Scope:
    """Where a term counts: ``context`` words one of which must occur in the document (or within
    ``context_window`` words of the hit), ``valid`` date ranges (:class:`DateRange`), and
    ``exclude`` phrases that block a hit they contain (normalized forms)."""

    context: tuple[str, ...] = ()
    context_window: int | None = None
    valid: tuple[DateRange, ...] = ()
    exclude: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.context or self.valid or self.exclude)


#: the scope of a term without context, date or exclude rules
NO_SCOPE = Scope()


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: a canonical ``term``, its declared ``variants`` and their normalized ``forms``.

    ``glob``: the term ended with ``*`` and matches any word that starts with its last word.
    """

    term: str
    variants: tuple[str, ...] = ()
    note: str = ""
    self_identifying: bool = False
    inflect: bool = True
    forms: tuple[str, ...] = ()
    where: str = ""
    scope: Scope = NO_SCOPE
    glob: bool = False
    name: bool = False  # an evaluative label that is also a name: quotation marks around it are house style
    self_valid: tuple[DateRange, ...] = ()  # when ``self`` holds only in some date ranges: those (else always)
    head: str = ""  # qualifiers: where the head stands (before / after / either); "" = the category's
    article: bool = True  # may the first word take the article (حماس: false, الحماس is 'the enthusiasm')


@dataclass(frozen=True)
class Category:
    """Free-standing terms counted together (``categories.<name>`` of the YAML file)."""

    name: str
    description: str
    entries: tuple[Entry, ...]
    scope: Scope = NO_SCOPE
    qualifies: bool = False  # counts only when attached to a referent's alias or label
    head: str = "either"  # where the head stands by default: before, after or either side


@dataclass(frozen=True)
class Referent:
    """An actor: the ``aliases`` that identify it and its competing ``labels`` by stance."""

    name: str
    description: str
    aliases: tuple[Entry, ...]
    labels: dict[str, tuple[Entry, ...]]  # stance -> entries, in the order of framing.vocabulary.STANCES
    scope: Scope = NO_SCOPE
    label: str = ""  # display name for charts and reports
