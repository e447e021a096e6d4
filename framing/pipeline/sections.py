"""Report sections other modules add to the report of :func:`framing.analyze`.

:data:`REPORT_SECTIONS` lists builders called in order after the built-in sections: each takes a
:class:`ReportContext` and returns a list of :class:`framing.output.report.Section` (empty to add
nothing). A builder that raises adds one "not computed" line instead of stopping the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from framing.output.report import Section
from framing.output.views import Collector, report_sections
from framing.pipeline.result import AnalysisResult

__all__ = ["ReportContext", "REPORT_SECTIONS", "SectionBuilder", "views_collector", "extra_sections"]


@dataclass
class ReportContext:
    """What a report-section builder gets: the run so far (tables written in ``result.out``)."""

    result: AnalysisResult
    stats: dict
    lexicon: object
    by: str
    freq: str
    voice: str
    corpus: object = None  # issue 13: the corpus path and how to read it again (errors, columns, batch_size)
    read: dict = field(default_factory=dict)
    top: list = field(default_factory=list)  # the outlets the charts show (most labels first); chart only these
    copies: set = field(default_factory=set)  # doc_ids of the wire copies set aside (skip them on a re-read)
    collected: object = None  # issue 13: framing.output.views.Collector fed by the extraction pass (no re-read)


SectionBuilder = Callable[[ReportContext], list]


def _attention_and_term_map(ctx: ReportContext) -> list:
    """Issue 13: attention over time and the term map (framing.output.views), from the extraction pass."""
    return report_sections(ctx)


#: Builders of extra report sections, called in order after the built-in sections: each takes a
#: :class:`ReportContext` and returns a list of :class:`framing.output.report.Section` (empty to add nothing).
#: A builder that raises adds one "not computed" line instead of stopping the report.
REPORT_SECTIONS: list[SectionBuilder] = [_attention_and_term_map]


def views_collector(lex: Any, *, by: str, freq: str, sections: list[SectionBuilder]) -> Collector | None:
    """Issue 13 (framing.output.views): attention and term map gathered during the extraction pass, from the
    same matching; None when that section is not among ``sections``."""
    if _attention_and_term_map not in sections:
        return None
    return Collector(lex, by=by, freq=freq)


def extra_sections(ctx: ReportContext, sections: list[SectionBuilder]) -> list[Section]:
    """The sections the builders add, each timed in ``ctx.result.timings`` (``"section <name>"``)."""
    made: list[Section] = []
    for build in sections:
        t0 = time.perf_counter()
        try:
            made.extend(build(ctx) or [])
        except Exception as exc:  # any error: one section must not take the report down
            name = getattr(build, "__name__", "section")
            made.append(Section(name.replace("_", " "), "", notes=[
                f"{name}: not computed — {type(exc).__name__}: {exc}"]))
        finally:
            ctx.result.timings[f"section {getattr(build, '__name__', 'extra')}"] = time.perf_counter() - t0
    return made
