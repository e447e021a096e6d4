"""Typed errors. Each says what was expected, what arrived, where, and what to do."""

from __future__ import annotations

__all__ = ["FramingError", "CorpusError", "LexiconError"]


class FramingError(ValueError):
    """Base class of every error the library raises on bad input."""


class LexiconError(FramingError):
    """A lexicon file or structure is invalid.

    Attributes: ``source`` (file path or ``"<dict>"``), ``where`` (a path inside
    the lexicon such as ``referents.haftar_camp.labels``, or ``line N``) and
    ``value`` (the offending value, when there is one).
    """

    def __init__(self, message: str, *, source: str = "<dict>", where: str | None = None, value=None):
        self.source = str(source)
        self.where = where
        self.value = value
        loc = self.source + (f", {where}" if where else "")
        super().__init__(f"{loc}: {message}")


class CorpusError(FramingError):
    """A corpus file is unreadable or one of its records is invalid.

    Attributes: ``source`` (file), ``line`` (1-based line or row, or None),
    ``field`` (column name, or None), ``reason`` (what is wrong and what to do)
    and ``value``.
    """

    def __init__(self, reason: str, *, source: str = "<data>", line: int | None = None,
                 field: str | None = None, value=None):
        self.source = str(source)
        self.line = line
        self.field = field
        self.reason = reason
        self.value = value
        loc = self.source
        if line is not None:
            loc += f", line {line}"
        if field is not None:
            loc += f", field {field!r}"
        super().__init__(f"{loc}: {reason}")
