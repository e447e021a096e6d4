"""What a run of :func:`framing.analyze` returns: the files it wrote and what it left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

__all__ = ["AnalysisResult", "Note"]


class Note(NamedTuple):
    """One line of the report saying what was left out and why, and the section it belongs to."""

    section: str
    text: str


@dataclass
class AnalysisResult:
    """The outputs of :func:`framing.analyze`, all in the folder ``out``."""

    out: Path
    n_read: int
    n_accepted: int
    n_rejected: int
    tables: dict = field(default_factory=dict)  # name -> [csv path, parquet path]
    charts: dict = field(default_factory=dict)  # name -> path
    report: Path | None = None
    notes: list[Note] = field(default_factory=list)  # (section, one line saying what was left out and why)
    timings: dict = field(default_factory=dict)  # step -> seconds (reading, extraction, ...)
    n_copies: int | None = None  # wire copies set aside (None: not looked for)
    outlets_charted: list = field(default_factory=list)
