"""What a corpus format reader yields: :class:`RawRecord` values (a record as read, or the problem
that kept a line from being one), and what opening a corpus gives (:class:`OpenedCorpus`).

Shared by :mod:`~framing.corpus.formats`, :mod:`~framing.corpus.jsonfile` and
:mod:`~framing.corpus.folders` (re-exported by :mod:`~framing.corpus.formats`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

__all__ = ["RawRecord", "OpenedCorpus", "bad_record"]


class RawRecord(NamedTuple):
    """One record as read, before validation.

    ``record`` is the dict of fields, or None when the record could not be read; then ``problem``
    says why and ``field`` names the field at fault (None when the whole record is bad).
    """

    source: str
    line: int
    record: dict[str, Any] | None
    field: str | None = None
    problem: str | None = None


class OpenedCorpus(NamedTuple):
    """What opening a corpus found: the raw records, the format's default column mapping and the
    stem of generated ``doc_id`` values."""

    records: Iterator[RawRecord]
    defaults: dict[str, str]
    stem: str


def bad_record(source: str, line: int, problem: str, field: str | None = None) -> RawRecord:
    """A :class:`RawRecord` for a line that cannot be a record: where, and why.

    >>> bad_record("c.jsonl", 3, "malformed JSON").problem
    'malformed JSON'
    """
    return RawRecord(source, line, None, field, problem)
