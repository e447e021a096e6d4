"""The resolved match (:func:`framing.lexicon.resolve.resolve`), a module of its own so that both the
reference resolution (:mod:`framing.lexicon.resolve`) and the batch one (:mod:`framing.lexicon.fastresolve`)
build it."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Resolved"]


class Resolved(NamedTuple):
    """One resolved match, in normalized coordinates.

    ``entry`` is the index of the compiled entry; ``alias`` the alias entry a label is attached to, or
    the head entry of a qualifier; ``reason`` is "" for a match that counts, else a scope reason;
    ``head`` the referent a qualifier qualifies."""

    kind: str
    start: int
    end: int
    entry: int
    alias: int | None
    reason: str
    head: str | None
