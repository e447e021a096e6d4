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
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingError

log = logging.getLogger(__name__)

__all__ = ["analyze", "AnalysisResult", "check_out_dir", "drop_wire_copies", "WIRE_COPIES", "DEFAULT_TOP",
           "REPORT_SECTIONS", "ReportContext"]

#: How :func:`drop_wire_copies` finds wire copies: :func:`framing.find_duplicates` with these arguments
#: (shingle Jaccard >= 0.3 between articles published at most one day apart: agency copy with a
#: title changed and a sentence cut or added still links to its original).
WIRE_COPIES = {"threshold": 0.3, "max_days": 1}
#: Outlets drawn in the charts of :func:`analyze` (by label volume); the tables keep them all.
DEFAULT_TOP = 12
_NAME_WIDTH = 40  # characters of an outlet name shown in charts


@dataclass
class ReportContext:
    """What a report-section builder gets: the run so far (tables written in ``result.out``)."""

    result: "AnalysisResult"
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


def _attention_and_term_map(ctx):
    """Issue 13: attention over time and the term map (framing.output.views), one more pass over the corpus."""
    from framing.output.views import report_sections

    return report_sections(ctx)


def _views_collector(lex, *, by, freq):
    """Issue 13 (framing.output.views): attention and term map gathered during the extraction pass, from the
    same matching; None when that section is not registered in REPORT_SECTIONS."""
    if _attention_and_term_map not in REPORT_SECTIONS:
        return None
    from framing.output.views import Collector

    return Collector(lex, by=by, freq=freq)


#: Builders of extra report sections, called in order after the built-in sections: each takes a
#: :class:`ReportContext` and returns a list of :class:`framing.output.report.Section` (empty to add nothing).
#: A builder that raises adds one "not computed" line instead of stopping the report.
REPORT_SECTIONS: list = [_attention_and_term_map]


@dataclass
class AnalysisResult:
    out: Path
    n_read: int
    n_accepted: int
    n_rejected: int
    tables: dict = field(default_factory=dict)  # name -> [paths]
    charts: dict = field(default_factory=dict)  # name -> path
    report: Path | None = None
    notes: list = field(default_factory=list)  # (section, one line saying what was left out and why)
    timings: dict = field(default_factory=dict)  # step -> seconds (reading, extraction, ...)
    n_copies: int | None = None  # wire copies set aside (None: not looked for)
    outlets_charted: list = field(default_factory=list)


def drop_wire_copies(corpus):
    """The corpus without later wire copies, and the copies found: ``(kept, copies)``.

    The one wire-copy policy of framing, used by :func:`analyze` and by the notebooks: documents
    that :func:`framing.find_duplicates` links with the settings of :data:`WIRE_COPIES` form a group;
    the first published (then first in corpus order) is kept, the others are set aside, so an outlet
    is judged on what it chose to write rather than on agency copy it carried.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``kept``: the rows of ``corpus`` that are not later copies, in corpus order.
        ``copies``: the table of :func:`framing.find_duplicates` (every member of every group, with
        ``is_first``); ``(~copies["is_first"]).sum()`` documents were set aside.

    Examples
    --------
    >>> import pandas as pd
    >>> story = "أعلنت الوزارة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال العام المقبل"
    >>> df = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-02"]),
    ...                    "text": [story, story + " رسميا", "افتتح المعرض الدولي للكتاب أبوابه"]})
    >>> kept, copies = drop_wire_copies(df)
    >>> kept["doc_id"].tolist(), int((~copies["is_first"]).sum())
    (['a', 'c'], 1)
    """
    from framing.corpus.duplicates import exclude_copies

    copies = _find_copies(corpus)
    kept = exclude_copies(corpus, copies)
    kept.attrs.pop("n_copies_excluded", None)
    return kept, copies


def _find_copies(corpus):
    """find_duplicates with :data:`WIRE_COPIES` on the dated documents (an undated document cannot be
    placed within a day of another, so it is never a copy)."""
    import pandas as pd

    from framing.corpus.duplicates import find_duplicates

    if "date" in corpus.columns:
        dated = pd.to_datetime(corpus["date"], errors="coerce").notna().to_numpy()
        if not dated.all():
            corpus = corpus.loc[dated].reset_index(drop=True)
    return find_duplicates(corpus, **WIRE_COPIES)


def _release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc), so the statistics of a
    large corpus start from the memory they need rather than the extraction's high-water mark."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def check_out_dir(out, force: bool) -> Path:
    """Refuse a non-empty output folder unless ``force``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FramingError(f"--out {out} is a file; give a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise FramingError(f"the output folder {out} is not empty; choose another folder or pass --force "
                           "to overwrite its files")
    out.mkdir(parents=True, exist_ok=True)
    return out


class _Clock:
    """Seconds spent per step, summed over repeated entries."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - t0


def _bar(enabled: bool, **kwargs):
    """A tqdm progress bar on stderr (a silent one when ``enabled`` is false)."""
    from tqdm import tqdm

    return tqdm(file=sys.stderr, disable=not enabled, mininterval=0.25, **kwargs)


class _StreamWriter:
    """Append DataFrames to a CSV and a Parquet file, made visible atomically at the end."""

    def __init__(self, base: Path):
        from framing.output.files import atomic_path

        self.base = base
        self._csv_ctx = atomic_path(base.with_suffix(".csv"))
        self._pq_ctx = atomic_path(base.with_suffix(".parquet"))
        self.csv_tmp = self._csv_ctx.__enter__()
        self.pq_tmp = self._pq_ctx.__enter__()
        self.pq_writer = None
        self.schema = None
        self.wrote_header = False

    def append(self, df):
        import pyarrow as pa
        import pyarrow.parquet as pq

        from framing.output.files import _for_output

        df = _for_output(df)
        df.to_csv(self.csv_tmp, mode="a", header=not self.wrote_header, index=False, encoding="utf-8",
                  lineterminator="\n", float_format="%.6g", date_format="%Y-%m-%d")
        self.wrote_header = True
        table = pa.Table.from_pandas(df, preserve_index=False)
        if self.pq_writer is None:
            self.schema = table.schema.remove_metadata()
            self.pq_writer = pq.ParquetWriter(self.pq_tmp, self.schema)
        self.pq_writer.write_table(table.cast(self.schema).replace_schema_metadata(None))

    def close(self, ok: bool):
        if self.pq_writer is not None:
            self.pq_writer.close()
        exc = (None, None, None) if ok else (RuntimeError, RuntimeError("aborted"), None)
        for ctx in (self._csv_ctx, self._pq_ctx):
            try:
                ctx.__exit__(*exc)
            except RuntimeError:
                pass
        return [self.base.with_suffix(".csv"), self.base.with_suffix(".parquet")] if ok else []


def analyze(corpus, lexicon="libya", out="reports/analysis", *, by: str = "outlet", freq: str = "MS",
            voice: str = "own", force: bool = False, batch_size: int = 5000, errors: str = "collect",
            columns=None, workers: int | None = None, scheduler: str | None = None,
            method: str = "log_odds", n_boot: int = 1000, seed: int = 0, top: int = DEFAULT_TOP,
            copies: str = "exclude", progress: bool | None = None) -> AnalysisResult:
    """Run the whole analysis of a corpus file or folder and write tables, charts and ``report.html``.

    Tables (CSV and Parquet): ``matches``, ``features``, ``label_shares``, ``legitimacy``,
    ``categories`` (category counts per outlet), ``log_odds``, ``trends``, ``change_points``,
    ``outlet_distance``, ``wire_copies`` and ``rejects`` (records that could not be read, with their
    reason); tables that cannot be computed for this corpus and lexicon are left out and the report
    says why. Charts (PNG): label shares, who gets called what, trends per referent (one panel per
    outlet), Fightin' Words per outlet, outlet distance.

    Parameters
    ----------
    top : int, default 12
        Outlets drawn in the charts, those with most labels (most category terms for a lexicon
        without referents); the tables keep every outlet.
    copies : {"exclude", "keep"}, default "exclude"
        ``"exclude"``: later wire copies are set aside before counting (:func:`drop_wire_copies`; the
        corpus is held in memory for this). ``"keep"``: every document counts, and the corpus is
        streamed batch by batch (bounded memory).
    progress : bool, optional
        Progress bars on stderr for reading, extraction, statistics and charts; by default when
        stderr is a terminal.
    """
    from framing.lexicon.load import load_lexicon

    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise FramingError(f"top: expected a positive number of outlets to chart, got {top!r}")
    if copies not in ("exclude", "keep"):
        raise FramingError(f"copies: expected 'exclude' or 'keep', got {copies!r}")
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    lex = load_lexicon(lexicon)
    out = check_out_dir(out, force)
    clock = _Clock()
    result = AnalysisResult(out=out, n_read=0, n_accepted=0, n_rejected=0)
    if workers or scheduler:
        skip = None
        if copies == "exclude":
            from framing.corpus.reader import iter_corpus
            from framing.output.files import write_table as _wt

            with clock("reading"), _bar(progress, desc="reading", unit=" docs") as bar:
                held = []
                for b in iter_corpus(corpus, batch_size=batch_size, errors="collect", columns=columns):
                    bar.update(len(b))
                    if len(b):
                        held.append(b)
            with clock("wire copies"):
                dups, result.n_copies, _ = _wire_copies(held) if held else (None, 0, 0)
            del held
            if dups is not None:
                result.tables["wire_copies"] = _wt(dups, out / "wire_copies")
                skip = sorted(set(dups.loc[~dups["is_first"], "doc_id"].astype(str)))
        with clock("extraction"):
            features, counts, rejects = _extract_dask(corpus, lex, out, result, voice=voice, errors=errors,
                                                      columns=columns, workers=workers, scheduler=scheduler,
                                                      skip=skip)
    else:
        result._collector = _views_collector(lex, by=by, freq=freq)  # issue 13
        features, counts, rejects = _extract_stream(corpus, lex, out, result, clock, voice=voice, errors=errors,
                                                    columns=columns, batch_size=batch_size, by=by,
                                                    copies=copies, progress=progress,
                                                    collector=result._collector)
    from framing.output.files import write_table

    result.tables["rejects"] = write_table(rejects, out / "rejects")
    if by not in features.columns:
        raise FramingError(f"--by {by!r} is not a column of the corpus; columns: "
                           f"{', '.join(map(str, features.columns[:4]))}, ...")
    _release_memory()
    with clock("statistics"):
        stats, notes = _statistics(features, counts, lex, by=by, freq=freq, voice=voice, method=method,
                                   n_boot=n_boot, seed=seed, top=top, progress=progress)
        result.notes.extend(notes)
        for name, df in stats.items():
            if not name.startswith("_"):
                result.tables[name] = write_table(df, out / name)
    with clock("charts"):
        result.charts, chart_notes = _charts(stats, lex, out, by=by, top=top, progress=progress)
        result.outlets_charted = stats.get("_top", [])
        result.notes.extend(chart_notes)
    with clock("report"):
        result.report = _report(result, stats, lex, corpus, by=by, freq=freq, voice=voice, copies=copies,
                                read={"errors": errors, "columns": columns, "batch_size": batch_size})
    extra = dict(result.timings)  # time of the sections added by REPORT_SECTIONS (part of "report")
    result.timings = dict(clock.seconds)
    result.timings.update(extra)
    return result


def _voice_rows(matches, voice):
    """The matches that count: in scope (when the table says) and of the asked voice."""
    keep = None
    if "in_scope" in matches.columns:
        keep = matches["in_scope"].astype(bool)
    if voice != "all":
        if "voice" in matches.columns:
            sel = matches["voice"] == voice
        else:
            sel = matches["quoted"] == (voice == "quoted")
        keep = sel if keep is None else keep & sel
    return matches if keep is None else matches[keep.to_numpy()]


def _extract_stream(corpus, lex, out, result, clock, *, voice, errors, columns, batch_size, by, copies,
                    progress, collector=None):
    import pandas as pd

    from framing.output.files import write_table
    from framing.analyses.compare import combine_counts, term_counts
    from framing.corpus.reader import iter_corpus
    from framing.features.extract import extract_features, extract_matches

    rejects = []

    def batches(bar):
        """Accepted batches, timed as reading."""
        it = iter(iter_corpus(corpus, batch_size=batch_size, errors=errors, columns=columns))
        while True:
            with clock("reading"):
                batch = next(it, None)
            if batch is None:
                return
            rej = batch.attrs.get("rejects")
            if rej is not None and len(rej):
                rejects.append(rej.to_frame())  # attrs["rejects"] holds plain records (framing.corpus.reader.Rejects)
            n_read = int(batch.attrs.get("n_read", len(batch) + (0 if rej is None else len(rej))))
            result.n_read += n_read
            result.n_accepted += len(batch)
            bar.update(n_read)
            if len(batch):
                yield batch

    skip = None
    if copies == "exclude":
        with _bar(progress, desc="reading", unit=" docs") as bar:
            held = []
            for b in batches(bar):  # only what extraction reads: one copy of the text in memory
                held.append(b[[c for c in dict.fromkeys(("doc_id", "outlet", "date", "text", by))
                               if c in b.columns]])
        with clock("wire copies"):
            frame = pd.concat(held, ignore_index=True) if held else None
            held.clear()
            if frame is not None:
                skip = _find_copies(frame)
                result.n_copies = int((~skip["is_first"]).sum())
        if frame is None:
            skip = pd.DataFrame(columns=["doc_id", "outlet", "group", "similarity", "is_first"])
            result.n_copies = 0
        result.tables["wire_copies"] = write_table(skip, out / "wire_copies")
        skip = set(skip.loc[~skip["is_first"].astype(bool), "doc_id"].astype(str))
        result._copy_ids = skip
        source = _slices(frame, batch_size) if frame is not None else iter(())
        del frame
        total = result.n_accepted
    else:
        source = None
        total = None

    w_matches = _StreamWriter(out / "matches")
    w_features = _StreamWriter(out / "features")
    features, counts = [], []
    ok = False
    try:
        with _bar(progress, desc="extracting" if copies == "exclude" else "reading + extracting",
                  unit=" docs", total=total) as bar:
            for batch in (source if source is not None else batches(bar)):
                if source is not None:
                    bar.update(len(batch))
                if skip:
                    batch = batch[~batch["doc_id"].astype(str).isin(skip).to_numpy()]
                    if not len(batch):
                        continue
                with clock("extraction"):
                    if collector is not None:  # issue 13: one matching pass, aliases in every voice too
                        from framing.output.views import ATTENTION_MATCH_KINDS, own_matches

                        every = extract_matches(batch, lex, voice="all", kinds=ATTENTION_MATCH_KINDS)
                        matches = own_matches(every)  # == extract_matches(batch, lex)
                    else:
                        matches = extract_matches(batch, lex)
                    feats = extract_features(batch, lex, voice=voice)
                if collector is not None:
                    with clock("attention (collect)"):
                        collector.add(batch, every)
                        del every
                with clock("writing tables"):
                    if len(matches):
                        w_matches.append(matches)
                        own = _voice_rows(matches, voice)
                        if len(own):
                            counts.append(term_counts(own, vocabulary="lexicon", by=(by,))
                                          if by in own.columns else term_counts(own, vocabulary="lexicon"))
                    w_features.append(feats)
                    features.append(_compact(feats, by))
        ok = True
    finally:
        result.tables["matches"] = w_matches.close(ok)
        result.tables["features"] = w_features.close(ok)
    result.n_rejected = sum(len(r) for r in rejects)
    if not features:
        raise FramingError(f"{corpus}: no document was accepted (read {result.n_read}); "
                           "see rejects.csv for the reasons")
    feats = pd.concat(features, ignore_index=True)
    features.clear()
    feats[by] = feats[by].astype(str)
    feats.attrs["voice"] = voice
    feats.attrs["lexicon"] = lex.name
    cnt = combine_counts(*counts) if counts else pd.DataFrame(columns=[by, "term", "count"])
    rej = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(
        columns=["source", "line", "field", "reason"])
    return feats, cnt, rej


def _slices(frame, size: int):
    """Batches of ``size`` rows of a held corpus."""
    for i in range(0, len(frame), size):
        yield frame.iloc[i:i + size]


def _wire_copies(batches):
    """find_duplicates over every held batch with the project's settings: (table, n copies, n groups)."""
    import pandas as pd

    if not batches:  # every record rejected (or none read)
        raise FramingError("no document was accepted; `framing validate CORPUS` lists the reasons")
    cols = [c for c in ("doc_id", "outlet", "date", "text") if c in batches[0].columns]
    frame = pd.concat([b[cols] for b in batches], ignore_index=True)
    dups = _find_copies(frame)
    n_copies = int((~dups["is_first"]).sum())
    return dups, n_copies, int(dups["group"].nunique())


def _compact(feats, by):
    """What the statistics need of a batch's features, small: group (category), date, token and
    feature counts (uint16 unless a count is larger)."""
    counts = [c for c in feats.columns if c.startswith(("label:", "cat:"))]
    keep = [c for c in dict.fromkeys([by, "date", "n_tokens", *counts]) if c in feats.columns]
    small = feats[keep].copy()
    top = int(small[counts].to_numpy().max()) if len(small) and counts else 0
    small[counts] = small[counts].astype("uint16" if top < 2**16 else "int64")
    small[by] = small[by].astype("category")
    return small


def _extract_dask(corpus, lex, out, result, *, voice, errors, columns, workers, scheduler, skip=None):
    import pandas as pd

    from framing.scale import dask as scale
    from framing.output.files import write_table
    from framing.analyses.compare import term_counts

    if errors != "raise":
        log.info("the Dask path validates strictly: a bad record stops the run with its file, partition and row")
    with scale.cluster(workers=workers or 2, scheduler=scheduler):
        ddf = scale.read_corpus_dask(corpus, columns=columns)
        n_all = None
        if skip:
            n_all = int(ddf.shape[0].compute())
            ddf = ddf[~ddf["doc_id"].astype(str).isin(skip)]
        matches = scale.dask_extract_matches(ddf, lex).compute()
        feats = scale.dask_extract_features(ddf, lex, voice=voice).compute()
    rejects = pd.DataFrame(columns=["source", "line", "field", "reason"])
    feats = feats.reset_index(drop=True)
    feats.attrs["voice"] = voice
    feats.attrs["lexicon"] = lex.name
    result.tables["matches"] = write_table(matches, out / "matches")
    result.tables["features"] = write_table(feats, out / "features")
    result.n_accepted = len(feats) if n_all is None else n_all
    result.n_rejected = len(rejects)
    result.n_read = result.n_accepted + result.n_rejected
    return feats, term_counts(_voice_rows(matches, voice), vocabulary="lexicon"), rejects


# --------------------------------------------------------------------------- statistics


def _volume(features, by):
    """Label count per outlet (category terms for a lexicon without labels), largest first."""
    from framing.features.extract import label_columns

    cols = [c for c, _, _ in label_columns(features)]
    if not cols:
        cols = [c for c in features.columns if isinstance(c, str) and c.startswith("cat:")]
    if not cols:
        return features.groupby(by, observed=True).size().mul(0).sort_index()
    vol = features.groupby(by, observed=True, sort=True)[cols].sum().sum(axis=1)
    return vol.sort_values(ascending=False, kind="stable")


def _statistics(features, counts, lex, *, by, freq, voice, method, n_boot, seed, top, progress):
    """The statistics that can be computed here, and (section, reason) notes for the others."""
    import warnings

    from framing.analyses.compare import compare_outlets, outlet_distance
    from framing.features.extract import label_columns
    from framing.stats.shares import label_shares, legitimacy_index
    from framing.analyses.temporal import change_points, trends

    stats, notes = {}, []
    outlets = sorted(features[by].astype(str).unique())
    labels = label_columns(features)
    cats = [c for c in features.columns if isinstance(c, str) and c.startswith("cat:")]
    label_vol = (features.groupby(by, observed=True)[[c for c, _, _ in labels]].sum().sum(axis=1)
                 if labels else None)
    with_labels = [str(o) for o, v in (label_vol.items() if label_vol is not None else []) if v > 0]
    volume = _volume(features, by)
    stats["_top"] = [str(o) for o, v in volume.items() if v > 0][:top]
    stats["_volume"] = volume
    stats["_outlets"] = outlets
    steps = ["shares", "categories", "log_odds", "distance", "trends"]
    bar = _bar(progress, desc="statistics", total=len(steps), unit=" step")

    # label shares and legitimacy
    if not labels:
        notes.append(("Label shares", f"Label shares, legitimacy, trends and outlet distances: not computed — "
                      f"the lexicon {lex.name!r} has no referents with labels (categories only)."))
    elif not with_labels:
        undated = int(features["date"].isna().sum()) if "date" in features.columns else len(features)
        hint = (f" The lexicon sets `undated: skip` and {undated:,} documents have no date."
                if getattr(lex, "undated", "count") == "skip" and undated else "")
        notes.append(("Label shares", f"Label shares, legitimacy, trends and outlet distances: not computed — "
                      f"no label of any referent was found in the {voice!r} voice in "
                      f"{len(features):,} documents.{hint}"))
    else:
        stats["label_shares"] = label_shares(features, by=(by,), voice=voice, n_boot=n_boot, seed=seed)
        stats["legitimacy"] = legitimacy_index(features, by=(by,), voice=voice, n_boot=n_boot, seed=seed)
    bar.update()

    if cats:
        stats["categories"] = _category_table(features, by, cats)
    bar.update()

    # what each outlet says more than the others
    term_outlets = sorted(counts[by].astype(str).unique()) if len(counts) and by in counts.columns else []
    if len(outlets) < 2:
        notes.append(("Outlets compared", f"Outlet comparison (log-odds, distances): not computed — the corpus "
                      f"has one {by} ({_clip(outlets[0]) if outlets else 'none'}); there is nothing to compare "
                      "it with."))
    elif len(term_outlets) < 2:
        notes.append(("Outlets compared", f"Distinctive terms (log-odds): not computed — "
                      f"{len(term_outlets)} of {len(outlets)} {by} values use any lexicon term; it takes two."))
    else:
        stats["log_odds"] = compare_outlets(counts, method=method, mode="one_vs_rest", by=by)
    bar.update()

    # distances among the top outlets with labels (a square table: kept to `top` rows)
    if len(outlets) >= 2 and labels:
        chosen = [o for o in stats["_top"] if o in set(with_labels)]
        if len(with_labels) < 2:
            notes.append(("Outlets compared", f"Outlet distances: not computed — {len(with_labels)} of "
                          f"{len(outlets)} {by} values have labels; it takes two."))
        else:
            sub = features[features[by].astype(str).isin(chosen)]
            sub = sub.assign(**{by: sub[by].astype(str)})
            sub.attrs = dict(features.attrs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                stats["outlet_distance"] = outlet_distance(sub, by=by).reset_index(names=by)
            if len(with_labels) > len(chosen):
                notes.append(("Outlets compared", f"Outlet distances: among the {len(chosen)} {by} values with "
                              f"most labels of {len(with_labels)} that have labels (the table grows with the "
                              "square of their number; raise --top to include more)."))
    bar.update()

    # over time
    if labels and with_labels:
        dated = int(features["date"].notna().sum()) if "date" in features.columns else 0
        if dated == 0:
            notes.append(("Terminology over time", "Trends and change-points: not computed — no document has a date."))
        else:
            undated = len(features) - dated
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                stats["trends"] = trends(features, freq=freq, by=by, voice=voice)
                stats["change_points"] = change_points(features, freq=freq, by=by, referent=None, voice=voice)
            if undated:
                notes.append(("Terminology over time", f"Trends: {undated:,} of {len(features):,} documents have "
                              "no date and are left out of the time axis (they count everywhere else)."))
            n_periods = stats["trends"]["period"].nunique()
            if n_periods < 3:
                stats["_no_trend_charts"] = True
                notes.append(("Terminology over time", f"Trend charts: not drawn — the dated documents fall in "
                              f"{n_periods} period(s) of {freq!r}; a shorter period (e.g. --freq W-MON or D) "
                              "gives a time axis (the trends table is written)."))
            if not len(stats["change_points"]):
                notes.append(("Terminology over time", "Change-points: none found (no outlet's mix of stances "
                              "changed by 10 points or more under the segmentation test)."))
    bar.update()
    bar.close()
    return stats, notes


def _category_table(features, by, cats):
    """Category term counts per outlet: documents, words, count and rate per 10,000 words."""
    import pandas as pd

    g = features.groupby(by, observed=True, sort=True)
    docs = g.size()
    words = g["n_tokens"].sum() if "n_tokens" in features.columns else None
    sums = g[cats].sum()
    rows = []
    for c in cats:
        for o in sums.index:
            n = int(sums.at[o, c])
            w = int(words.at[o]) if words is not None else None
            rows.append({by: str(o), "category": c[4:], "documents": int(docs.at[o]), "words": w, "count": n,
                         "per_10k_words": (n / w * 1e4) if w else float("nan")})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- charts


def _clip(name, width: int = _NAME_WIDTH) -> str:
    s = " ".join(str(name).split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def display_names(values, width: int = _NAME_WIDTH) -> dict:
    """Short, distinct display names for outlet names (long names cut with "…")."""
    out, seen = {}, set()
    for v in values:
        name = _clip(v, width)
        k = 2
        base = name
        while name in seen:
            name = f"{base} ({k})"
            k += 1
        seen.add(name)
        out[v] = name
    return out


def _for_chart(df, by, top, disp, refnames):
    """Rows of the top outlets (in that order), outlet and referent display names."""
    import pandas as pd

    sub = df[df[by].astype(str).isin(top)].copy()
    sub[by] = pd.Categorical(sub[by].astype(str), categories=top, ordered=True)
    sort = [by] + (["period"] if "period" in sub.columns else [])
    sub = sub.sort_values(sort, kind="stable")
    sub[by] = sub[by].astype(str).map(disp)
    if "referent" in sub.columns:
        sub["referent"] = sub["referent"].map(lambda r: refnames.get(r, r) if isinstance(r, str) else r)
    sub.attrs = dict(df.attrs)
    return sub.reset_index(drop=True)


def _referent_names(lex, referents) -> dict:
    out, seen = {}, set()
    for r in referents:
        name = lex.display_name(r) if hasattr(lex, "display_name") else str(r).replace("_", " ")
        if name in seen:
            name = f"{name} ({r})"
        seen.add(name)
        out[r] = name
    return out


def _charts(stats, lex, out, *, by, top, progress):
    from framing.output import charts

    made, notes = {}, []
    tops = stats.get("_top", [])
    outlets = stats.get("_outlets", [])
    volume = stats.get("_volume")
    disp = display_names(tops)
    refs = []
    for name in ("label_shares", "trends"):
        if name in stats:
            refs += [r for r in stats[name]["referent"].dropna().unique() if r not in refs]
    refnames = _referent_names(lex, refs)
    empty = [o for o in outlets if volume is not None and volume.get(o, 0) == 0]
    if len(outlets) > len(tops) and tops:
        more = len(outlets) - len(tops) - len(empty)
        what = "outlets" if by == "outlet" else f"{by} values"
        line = f"Charts show the {len(tops)} {what} with most labels"
        if more > 0:
            line += f"; {more:,} more are in the tables only"
        if empty:
            line += (f"; {len(empty):,} without any label are not drawn"
                     f" ({', '.join(_clip(o, 24) for o in empty[:5])}{', …' if len(empty) > 5 else ''})")
        notes.append(("Charts", line + "."))

    plans = []
    if "label_shares" in stats and tops:
        shares = _for_chart(stats["label_shares"], by, tops, disp, refnames)
        plans.append(("label_shares", lambda: charts.plot_label_shares(shares)))
        plans.append(("who_gets_called_what", lambda: charts.plot_referent_heatmap(shares)))
    if "categories" in stats and len(stats["categories"]) and tops and "label_shares" not in stats:
        cat_c = _for_chart(stats["categories"], by, tops, disp, refnames)
        plans.append(("category_rates", lambda: charts.plot_category_rates(cat_c)))
    if "trends" in stats and len(stats["trends"]) and tops and not stats.get("_no_trend_charts"):
        tr = stats["trends"]
        cps = stats.get("change_points")
        cps_c = _for_chart(cps, by, tops, disp, refnames) if cps is not None and len(cps) else None
        tr_c = _for_chart(tr, by, tops, disp, refnames)
        for referent in tr["referent"].dropna().unique():
            if tr.loc[tr["referent"] == referent, "total"].sum() == 0:
                continue
            name = refnames.get(referent, referent)
            stats.setdefault("_captions", {})[f"trends_{referent}"] = f"Over time: {name}"
            stats.setdefault("_shown", {})[f"trends_{referent}"] = name
            plans.append((f"trends_{referent}", lambda name=name: charts.plot_trends_by_outlet(
                tr_c, referent=name, change_points=cps_c)))
    if "log_odds" in stats and len(stats["log_odds"]):
        lo = stats["log_odds"]
        lo_c = _for_chart(lo, "outlet", tops, disp, refnames) if "outlet" in lo.columns else lo
        zcol = "z" if "z" in lo.columns else "score"
        strong = set(lo.loc[lo[zcol].abs() >= 1.959963984540054, "outlet"].astype(str)) if zcol == "z" \
            else set(lo["outlet"].astype(str))
        flat = []
        captions = stats.setdefault("_captions", {})
        for outlet in [o for o in tops if o in set(lo["outlet"].astype(str))]:
            if outlet not in strong:
                flat.append(outlet)
                continue
            key = f"fightin_words_{_slug(outlet)}"
            captions[key] = f"Fightin' Words: {disp[outlet]} against the other outlets"
            plans.append((key, lambda o=disp[outlet]: charts.plot_fightin_words(lo_c, outlet=o)))
        if flat:
            notes.append(("Distinctive terms", f"Fightin' Words charts: not drawn for {len(flat)} outlet(s) with no "
                          f"term beyond |z| = 1.96 ({', '.join(_clip(o, 24) for o in flat[:6])}"
                          f"{', …' if len(flat) > 6 else ''}); their rows are in log_odds.csv."))
    if "outlet_distance" in stats:
        dist = stats["outlet_distance"].set_index(by)
        dist.attrs = stats["outlet_distance"].attrs
        if len(dist) >= 2:
            d = dist.rename(index=lambda o: display_names(dist.index).get(o, o),
                            columns=lambda o: display_names(dist.columns).get(o, o))
            d.attrs = dist.attrs
            plans.append(("outlet_distance", lambda: charts.plot_outlet_distance(d)))

    with _bar(progress, desc="charts", total=len(plans), unit=" chart") as bar:
        for k, (name, draw) in enumerate(plans, 1):
            fig, _ = draw()
            path = out / f"{name}.png"
            tight = fig.get_layout_engine() is None  # constrained layout already fits the content
            charts.save_figure(fig, path, tight=tight)
            made[name] = path
            fig.clear()
            del fig
            if k % 4 == 0:
                gc.collect()  # figures hold reference cycles: free them every few charts
            bar.update()
    gc.collect()
    # charts of an earlier run into the same folder (--force) that this run did not draw: removed, so the
    # folder holds one analysis
    mine = ("label_shares.png", "who_gets_called_what.png", "outlet_distance.png", "category_rates.png")
    for old_png in out.glob("*.png"):
        if (old_png.name in mine or old_png.name.startswith(("trends_", "fightin_words_"))) \
                and old_png.stem not in made:
            old_png.unlink(missing_ok=True)
    return made, notes


def _slug(text) -> str:
    import re

    s = re.sub(r"[^\w]+", "_", str(text), flags=re.UNICODE).strip("_")
    return s[:60] or "outlet"


# --------------------------------------------------------------------------- report


def _interval_text(table, what="whiskers") -> str:
    attrs = getattr(table, "attrs", {}) or {}
    ci = attrs.get("ci", 0.95)
    method = attrs.get("method", "bootstrap")
    if method == "bootstrap":
        how = "percentile bootstrap over documents"
    elif method == "wilson":
        how = "Wilson score interval per period (labels treated as independent)"
    else:
        how = f"{method} interval"
    return f"{what}: {ci:.0%} intervals, {how}"


def _report(result, stats, lex, corpus, *, by, freq, voice, copies, read=None):
    from framing.output.report import Section, write_report

    n_out = len(stats.get("_outlets", []))
    meta = {
        "corpus": str(corpus), "lexicon": f"{lex.name} (version {lex.version})",
        "documents": f"read {result.n_read:,} · accepted {result.n_accepted:,} · rejected {result.n_rejected:,}",
        ("outlets" if by == "outlet" else f"{by} values"): f"{n_out:,}", "grouped by": by, "period": freq, "voice": voice,
    }
    if result.n_copies is not None:
        meta["wire copies"] = (f"{result.n_copies:,} later copies of an earlier article set aside "
                               f"({result.n_accepted - result.n_copies:,} documents analysed); "
                               "framing.drop_wire_copies, the notebooks' policy too")
    elif copies == "keep":
        meta["wire copies"] = "kept (copies='keep'): every accepted document counts"
    notes = result.notes

    placed = set()

    def lines(*keys):
        placed.update(keys)
        return [text for sec, text in notes if sec in keys]

    ch = result.charts
    all_stats = stats  # builders of more sections get the tables whole
    stats = dict(stats)
    order = [str(o) for o in stats.get("_volume", {}).keys()] if "_volume" in stats else []
    for name in ("label_shares", "legitimacy", "categories", "change_points"):
        if name in stats:
            stats[name] = _for_report(stats[name], by, order)
    sections = []
    validity, meets = lex.audit_summary()
    meta["lexicon validity"] = validity
    if not meets:  # hits of a lexicon below the bar carry a warning, first thing in the report
        sections.insert(0, Section("Warning: lexicon validity", validity))
    if "label_shares" in stats:
        sections.append(Section(
            "Label shares", "Share of each stance among the labels an outlet uses for each referent, in "
            f"its own voice (voice = {voice}). " + _interval_text(stats["label_shares"], "Whiskers") + ".",
            figures=[(_caption(n, stats), p, _alt(n, stats, by)) for n, p in ch.items()
                     if n in ("label_shares", "who_gets_called_what")],
            tables=[("label shares (rows with labels; all rows in label_shares.csv)", stats["label_shares"]),
                    ("legitimacy index (rows with labels)", stats["legitimacy"])],
            notes=lines("Label shares", "Charts")))
    elif lines("Label shares"):
        sections.append(Section("Label shares", "", notes=lines("Label shares")))
    if "categories" in stats:
        sections.append(Section(
            "Category terms per outlet", "Count of each category's terms and the rate per 10,000 words.",
            figures=[(_caption(n, stats), p, _alt(n, stats, by)) for n, p in ch.items() if n == "category_rates"],
            tables=[("categories", stats["categories"])]))
    if "trends" in stats:
        sections.append(Section(
            "Terminology over time", f"Stance shares per period ({freq}), one panel per {by}. "
            + _interval_text(stats["trends"], "Bands") + ". Dashed lines mark change-points found by exact "
            "multinomial segmentation (BIC), labelled with the share before → after.",
            figures=[(_caption(n, stats), p, _alt(n, stats, by)) for n, p in ch.items() if n.startswith("trends_")],
            tables=[("change points (all columns in change_points.csv)", _change_table(stats["change_points"]))],
            notes=lines("Terminology over time")))
    elif lines("Terminology over time"):
        sections.append(Section("Terminology over time", "", notes=lines("Terminology over time")))
    if "log_odds" in stats:
        top = stats["log_odds"].sort_values("score", ascending=False).groupby("outlet").head(8)
        sections.append(Section(
            "What each outlet says more than the others", "Log-odds ratio with informative Dirichlet prior "
            "(Monroe, Colaresi & Quinn 2008), each outlet against all the others; z beyond ±1.96 (grey band) "
            "is the two-sided 5% level; q: Benjamini–Hochberg.",
            figures=[(_caption(n, stats), p, _alt(n, stats, by)) for n, p in ch.items() if n.startswith("fightin_words_")],
            tables=[("top terms per outlet", top)], notes=lines("Distinctive terms")))
    if "outlet_distance" in stats:
        sections.append(Section(
            "How far apart the outlets are", "Jensen–Shannon distance between outlets' label "
            "distributions, in hierarchical-clustering order (no intervals).",
            figures=[(_caption(n, stats), p, _alt(n, stats, by)) for n, p in ch.items() if n == "outlet_distance"],
            tables=[("distance", stats["outlet_distance"])], notes=lines("Outlets compared")))
    elif lines("Outlets compared"):
        sections.append(Section("Outlets compared", "", notes=lines("Outlets compared")))
    rest = [t for sec, t in notes if sec not in placed]
    if rest:  # notes without a section of their own: first, so they are read
        sections.insert(0, Section("Notes", "", notes=rest))
    ctx = ReportContext(result=result, stats=all_stats, lexicon=lex, by=by, freq=freq, voice=voice,
                        corpus=corpus, read=read or {}, top=list(stats.get("_top", [])),
                        copies=set(getattr(result, "_copy_ids", ()) or ()),
                        collected=getattr(result, "_collector", None))
    for build in REPORT_SECTIONS:
        t0 = time.perf_counter()
        try:
            sections.extend(build(ctx) or [])
        except Exception as exc:  # noqa: BLE001 - one section must not take the report down
            name = getattr(build, "__name__", "section")
            sections.append(Section(name.replace("_", " "), "", notes=[
                f"{name}: not computed — {type(exc).__name__}: {exc}"]))
        finally:
            result.timings[f"section {getattr(build, '__name__', 'extra')}"] = time.perf_counter() - t0
    return write_report(result.out / "report.html", f"framing report — {lex.name}", sections, meta=meta)


def _change_table(cps):
    """Change-points as the report shows them: who, when, and the largest stance shift."""
    import pandas as pd

    from framing.stats.shares import STANCES

    if not len(cps):
        return cps
    short = {"delegitimizing": "delegit.", "neutral": "neutral", "legitimizing": "legit."}
    fixed = {"referent", "date", "stance_before", "stance_after", "n_before", "n_after", "shift", "lr"}
    groups = [c for c in cps.columns if c not in fixed and ":" not in c]
    rows = []
    for _, r in cps.iterrows():
        best = max(STANCES, key=lambda s: abs(r[f"share_after:{s}"] - r[f"share_before:{s}"]))
        rows.append({**{g: r[g] for g in groups}, "referent": r["referent"], "from": r["date"],
                     "largest change": f"{short[best]} {r[f'share_before:{best}']:.0%} → "
                                       f"{r[f'share_after:{best}']:.0%}",
                     "labels before": r["n_before"], "labels after": r["n_after"], "LR": r["lr"]})
    return pd.DataFrame(rows)


def _for_report(df, by, order):
    """A table as the report shows it: outlets with most labels first; rows without any label left
    out (they stay in the CSV/Parquet tables)."""
    import pandas as pd

    attrs = dict(df.attrs)
    if "total" in df.columns:
        df = df[df["total"] > 0]
    elif "count" in df.columns and "category" in df.columns:
        df = df[df["count"] > 0]
    if by in df.columns and order:
        rank = pd.Series(range(len(order)), index=order)
        df = df.assign(_rank=df[by].astype(str).map(rank)).sort_values("_rank", kind="stable").drop(columns="_rank")
    df = df.reset_index(drop=True)
    df.attrs = attrs
    return df


def _caption(name: str, stats) -> str:
    """The caption under a chart in the report."""
    fixed = {"label_shares": "Label shares per outlet and referent", "who_gets_called_what":
             "Who gets called what: stance shares per referent", "outlet_distance": "Distance between outlets",
             "category_rates": "Category terms per 10,000 words"}
    if name in stats.get("_captions", {}):
        return stats["_captions"][name]
    if name.startswith("trends_"):
        return f"Over time: {name[7:].replace('_', ' ')}"
    return fixed.get(name, name.replace("_", " "))


def _alt(name: str, stats, by) -> str:
    """Alt text for a chart: what it shows and its interval method."""
    if name == "label_shares":
        return ("Bar chart: share of delegitimizing, neutral and legitimizing labels per referent and "
                f"{by}; " + _interval_text(stats.get("label_shares"), "whiskers") + ".")
    if name == "who_gets_called_what":
        return f"Heatmap per {by}: referents by stance, cells are label shares (no intervals)."
    if name.startswith("trends_"):
        shown = stats.get("_shown", {}).get(name, name[7:].replace("_", " "))
        return (f"Small multiples, one panel per {by}: stance shares per period for {shown}; "
                + _interval_text(stats.get("trends"), "bands") + "; dashed lines are change-points.")
    if name.startswith("fightin_words_"):
        return (f"Fightin' Words scatter for {name[14:].replace('_', ' ')}: z-score of the log-odds ratio "
                "against term frequency; labelled terms differ beyond ±1.96 (no intervals).")
    if name == "category_rates":
        return (f"Dot chart per category: terms per 10,000 words for each {by}; whiskers: 95% exact Poisson "
                "intervals of the counts.")
    if name == "outlet_distance":
        return f"Heatmap of Jensen–Shannon distances between {by} values with a dendrogram (no intervals)."
    return name.replace("_", " ")
