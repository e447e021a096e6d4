"""The main job: a corpus in, tables, charts and one report out.

:func:`analyze` reads the corpus batch by batch: matches and features are written incrementally,
counts are summed (they are additive), and the statistics run on the per-document features, which
are small. Every output file is written atomically.

What cannot be computed is left out, never an error: a lexicon without referents (categories only)
has no label shares; one outlet (or one outlet with labels) has nothing to be compared with;
undated documents have no trend. Each omission is one line of :attr:`AnalysisResult.notes` and of the
report.

Many outlets: every table keeps every outlet; the charts show the ``top`` outlets by label volume
(outlets without any label are never drawn, and the report names how many were left out). The cost
grows linearly with documents and outlets: the only square table, the outlet distance, is computed
among the ``top`` outlets.

Wire copies (one policy for the report and the notebooks): an agency story carried by several outlets
is kept once, as published first, and the later copies are set aside before anything is counted
(:func:`drop_wire_copies`, :data:`WIRE_COPIES`). The report states how many were set aside.

The steps, one module each: :mod:`~framing.pipeline.config` (what is asked, checked first),
:mod:`~framing.pipeline.extraction` (reading and extraction; :mod:`~framing.pipeline.distributed` on a
Dask cluster), :mod:`~framing.pipeline.copies` (wire copies), :mod:`~framing.pipeline.statistics`,
:mod:`~framing.pipeline.figures` (charts), :mod:`~framing.pipeline.reporting` (the report) and
:mod:`~framing.pipeline.sections` (sections other modules add).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from framing.corpus.textfile import MAX_RECORD_BYTES
from framing.errors import FramingError
from framing.output.files import write_table
from framing.output.names import display_names
from framing.output.rundir import RunFolder, settle
from framing.pipeline.config import DEFAULT_TOP, OUTPUT_TABLES, AnalysisConfig, check_out_dir
from framing.pipeline.copies import WIRE_COPIES, drop_wire_copies
from framing.pipeline.extraction import Extraction, extract_stream
from framing.pipeline.figures import CHART_FILES, draw_charts
from framing.pipeline.progress import Clock, release_memory, show_progress
from framing.pipeline.reporting import write_analysis_report
from framing.pipeline.result import AnalysisResult
from framing.pipeline.sections import REPORT_SECTIONS, ReportContext, views_collector
from framing.pipeline.statistics import compute_statistics

log = logging.getLogger(__name__)

__all__ = ["analyze", "AnalysisResult", "AnalysisConfig", "check_out_dir", "drop_wire_copies", "WIRE_COPIES",
           "DEFAULT_TOP", "REPORT_SECTIONS", "ReportContext", "display_names", "run", "OUTPUT_PATTERNS"]

_DEFAULTS = AnalysisConfig()
#: What analyze writes (fnmatch patterns): with force, a folder written before manifests existed loses
#: files of these names only (a folder with a manifest, exactly the files it lists).
OUTPUT_PATTERNS = (*(f"{t}.{ext}" for t in OUTPUT_TABLES for ext in ("csv", "parquet")), "report.html",
                   "termmap.html", *(f"{c}.png" for c in CHART_FILES), "trends_*.png", "fightin_words_*.png",
                   "attention_*.png")


def analyze(corpus, lexicon="libya", out="reports/analysis", *, by: str = "outlet", freq: str = "MS",
            voice: str = "own", force: bool = False, batch_size: int = 5000, errors: str = "collect",
            columns=None, encoding: str | None = None, max_record_bytes: int = MAX_RECORD_BYTES,
            dayfirst: bool | None = None, workers: int | None = None, scheduler: str | None = None,
            method: str = "log_odds", n_boot: int = 1000, seed: int = 0, top: int = DEFAULT_TOP,
            copies: str = "exclude", progress: bool | None = None,
            config: AnalysisConfig | None = None) -> AnalysisResult:
    """Run the whole analysis of a corpus file or folder and write tables, charts and ``report.html``.

    Tables (CSV and Parquet): ``matches``, ``features``, ``label_shares``, ``legitimacy``,
    ``categories`` (category counts per outlet), ``log_odds``, ``trends``, ``change_points``,
    ``outlet_distance``, ``wire_copies`` and ``rejects`` (records that could not be read, with their
    reason); tables that cannot be computed for this corpus and lexicon are left out and the report
    says why. Charts (PNG): label shares, who gets called what, trends per referent (one panel per
    outlet), Fightin' Words per outlet, outlet distance.

    Every argument is checked before anything is read or written (:class:`AnalysisConfig`; a
    :class:`~framing.pipeline.config.ConfigError` names the parameter and the fix).

    Parameters
    ----------
    encoding : str, optional
        The corpus's text encoding (detected when omitted), as in :func:`framing.read_corpus`.
    max_record_bytes : int, default 40 MiB
        The longest record read (:func:`framing.read_corpus`); a longer one is a reject.
    dayfirst : bool, optional
        The order of ``NN/NN/YYYY`` dates, as in :func:`framing.read_corpus` (decided from the values
        when omitted).
    top : int, default 12
        Outlets drawn in the charts, those with most labels (most category terms for a lexicon
        without referents); the tables keep every outlet.
    copies : {"exclude", "keep"}, default "exclude"
        ``"exclude"``: later wire copies are set aside before counting (:func:`drop_wire_copies`; the
        corpus is read twice, the first time keeping only what copy detection compares, not the text).
        ``"keep"``: every document counts, and the corpus is read once. Both stream the corpus batch by
        batch (bounded memory).
    progress : bool, optional
        Progress bars on stderr for reading, extraction, statistics and charts; by default when
        stderr is a terminal.
    config : AnalysisConfig, optional
        Every parameter at once: ``analyze(corpus, config=AnalysisConfig(...))``. The other arguments
        are then left at their defaults (a different value is an error: one run, one configuration).
    """
    given = {"lexicon": lexicon, "out": out, "by": by, "freq": freq, "voice": voice, "force": force,
             "batch_size": batch_size, "errors": errors, "columns": columns, "encoding": encoding,
             "max_record_bytes": max_record_bytes, "dayfirst": dayfirst, "workers": workers,
             "scheduler": scheduler, "method": method, "n_boot": n_boot, "seed": seed, "top": top,
             "copies": copies, "progress": progress}
    if config is None:
        config = AnalysisConfig(**given)
    elif not isinstance(config, AnalysisConfig):
        raise FramingError(f"config: expected an AnalysisConfig, got {type(config).__name__}")
    else:
        changed = [k for k, v in given.items() if _differs(v, getattr(_DEFAULTS, k))]
        if changed:
            raise FramingError(f"config: give the parameters in config= or as arguments, not both "
                               f"({', '.join(changed)} given too); use config.replace({changed[0]}=...)")
    return run(corpus, config)


def _differs(value: Any, default: Any) -> bool:
    try:
        return bool(value != default)
    except (TypeError, ValueError):  # e.g. an array: not the default
        return True


def run(corpus: str | os.PathLike, config: AnalysisConfig) -> AnalysisResult:
    """Run :func:`analyze` with a configuration: checked first (:meth:`AnalysisConfig.validate`), then
    reading and extraction, statistics, charts and the report, each timed in ``result.timings``.

    One run at a time writes a folder (a second one stops with an :class:`~framing.output.files.OutputError`
    naming the other's pid), and a run's files appear there only when it is complete
    (:class:`~framing.output.rundir.RunFolder`): a failed or interrupted run leaves the folder as it was.
    With ``force``, the files of the previous run that this one does not write again are removed;
    files the tool did not write stay.
    """
    settle(config.out)  # another run at work there is named first; a dead run's leftovers removed
    lex = config.validate(corpus)  # everything checked before anything is read or written
    with RunFolder(config.out, force=config.force, known=OUTPUT_PATTERNS) as folder:
        result = _run(corpus, config.replace(out=folder.staging), lex)
        folder.commit()
    _moved(result, folder)
    return result


def _moved(result: AnalysisResult, folder: RunFolder) -> None:
    """The paths of ``result`` where the files are now: in the output folder, no longer in staging."""
    result.out = folder.out
    result.tables = {k: [folder.final(p) for p in v] if isinstance(v, list) else folder.final(v)
                     for k, v in result.tables.items()}
    result.charts = {k: folder.final(p) for k, p in result.charts.items()}
    if result.report is not None:
        result.report = folder.final(result.report)


def _run(corpus: str | os.PathLike, config: AnalysisConfig, lex: Any) -> AnalysisResult:
    progress = show_progress(config.progress)
    out = config.out_dir
    clock = Clock()
    builders = list(REPORT_SECTIONS)  # this module's list (tests and benchmarks replace or clear it)
    collector = None
    if config.uses_dask:
        from framing.pipeline.distributed import extract_dask  # dask is imported only for a cluster run

        ex: Extraction = extract_dask(corpus, lex, config, clock, progress=progress)
    else:
        collector = views_collector(lex, by=config.by, freq=config.freq, sections=builders)  # issue 13
        ex = extract_stream(corpus, lex, config, clock, progress=progress, collector=collector)
    result = AnalysisResult(out=out, n_read=ex.n_read, n_accepted=ex.n_accepted, n_rejected=ex.n_rejected,
                            tables=dict(ex.tables), n_copies=ex.n_copies)
    result.tables["rejects"] = write_table(ex.rejects, out / "rejects")
    features, counts, copy_ids = ex.features, ex.counts, ex.copy_ids
    del ex
    release_memory()
    with clock("statistics"):
        st = compute_statistics(features, counts, lex, config, progress=progress)
        result.notes.extend(st.notes)
        for name, df in st.tables.items():
            result.tables[name] = write_table(df, out / name)
    with clock("charts"):
        charts = draw_charts(st, lex, out, by=config.by, progress=progress)
        result.charts = dict(charts.paths)
        result.outlets_charted = list(st.top)
        result.notes.extend(charts.notes)
    with clock("report"):
        result.report = write_analysis_report(result, st, charts, lex, corpus, config, builders=builders,
                                              copy_ids=copy_ids,
                                              collected=collector)
    extra = dict(result.timings)  # time of the sections added by REPORT_SECTIONS (part of "report")
    result.timings = dict(clock.seconds)
    result.timings.update(extra)
    return result

