"""The main job: a corpus in, tables, charts and one report out.

:func:`analyze` streams the corpus batch by batch (bounded memory): matches and features are written
incrementally, counts are summed (they are additive), and the statistics run on the per-document
features, which are small. Every output file is written atomically.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingError

log = logging.getLogger(__name__)

__all__ = ["analyze", "AnalysisResult", "check_out_dir"]


@dataclass
class AnalysisResult:
    out: Path
    n_read: int
    n_accepted: int
    n_rejected: int
    tables: dict = field(default_factory=dict)  # name -> [paths]
    charts: dict = field(default_factory=dict)  # name -> path
    report: Path | None = None


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


class _StreamWriter:
    """Append DataFrames to a CSV and a Parquet file, made visible atomically at the end."""

    def __init__(self, base: Path):
        from framing._io import atomic_path

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

        from framing._io import _for_output

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
            method: str = "log_odds", n_boot: int = 1000, seed: int = 0) -> AnalysisResult:
    """Run the whole analysis of a corpus file or folder and write tables, charts and ``report.html``.

    Tables (CSV and Parquet): ``matches``, ``features``, ``label_shares``, ``legitimacy``, ``log_odds``,
    ``trends``, ``change_points``, ``outlet_distance`` and ``rejects`` (records that could not be read,
    with their reason). Charts (PNG): label shares, trends per referent, referent × stance heatmap,
    Fightin'-Words per outlet, outlet distance.
    """
    from framing.lexicon import load_lexicon

    lex = load_lexicon(lexicon)
    out = check_out_dir(out, force)
    result = AnalysisResult(out=out, n_read=0, n_accepted=0, n_rejected=0)
    if workers or scheduler:
        features, counts, rejects = _extract_dask(corpus, lex, out, result, voice=voice, errors=errors,
                                                  columns=columns, workers=workers, scheduler=scheduler)
    else:
        features, counts, rejects = _extract_stream(corpus, lex, out, result, voice=voice, errors=errors,
                                                    columns=columns, batch_size=batch_size, by=by)
    from framing._io import write_table

    result.tables["rejects"] = write_table(rejects, out / "rejects")
    if by not in features.columns:
        raise FramingError(f"--by {by!r} is not a column of the corpus; columns: "
                           f"{', '.join(map(str, features.columns[:4]))}, ...")
    _release_memory()
    stats = _statistics(features, counts, lex, by=by, freq=freq, voice=voice, method=method,
                        n_boot=n_boot, seed=seed)
    for name, df in stats.items():
        result.tables[name] = write_table(df, out / name)
    result.charts = _charts(stats, lex, out, by=by)
    result.report = _report(result, stats, lex, corpus, by=by, freq=freq, voice=voice)
    return result


def _extract_stream(corpus, lex, out, result, *, voice, errors, columns, batch_size, by):
    import pandas as pd

    from framing.compare import combine_counts, term_counts
    from framing.corpus import iter_corpus
    from framing.features import extract_features, extract_matches

    w_matches = _StreamWriter(out / "matches")
    w_features = _StreamWriter(out / "features")
    features, counts, rejects = [], [], []
    ok = False
    try:
        for batch in iter_corpus(corpus, batch_size=batch_size, errors=errors, columns=columns):
            rej = batch.attrs.get("rejects")
            if rej is not None and len(rej):
                rejects.append(rej.to_frame())  # attrs["rejects"] holds plain records (framing.corpus.Rejects)
            result.n_read += int(batch.attrs.get("n_read", len(batch) + (0 if rej is None else len(rej))))
            result.n_accepted += len(batch)
            if not len(batch):
                continue
            matches = extract_matches(batch, lex, voice="all")
            feats = extract_features(batch, lex, voice=voice)
            if len(matches):
                w_matches.append(matches)
                from framing.vocabulary import counted

                own = counted(matches, voice)
                counts.append(term_counts(own, vocabulary="lexicon"))
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
    cnt = combine_counts(*counts) if counts else pd.DataFrame(columns=["outlet", "term", "count"])
    rej = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(
        columns=["source", "line", "field", "reason"])
    return feats, cnt, rej


def _compact(feats, by):
    """What the statistics need of a batch's features, small: group (category), date, counts (uint16
    unless a count is larger)."""
    counts = [c for c in feats.columns if c.startswith(("label:", "cat:"))]
    keep = [c for c in dict.fromkeys([by, "date", *counts]) if c in feats.columns]
    small = feats[keep].copy()
    top = int(small[counts].to_numpy().max()) if len(small) and counts else 0
    small[counts] = small[counts].astype("uint16" if top < 2**16 else "int64")
    small[by] = small[by].astype("category")
    return small


def _extract_dask(corpus, lex, out, result, *, voice, errors, columns, workers, scheduler):
    import pandas as pd

    from framing import scale
    from framing._io import write_table
    from framing.compare import term_counts

    if errors != "raise":
        log.info("the Dask path validates strictly: a bad record stops the run with its file, partition and row")
    with scale.cluster(workers=workers or 2, scheduler=scheduler):
        ddf = scale.read_corpus_dask(corpus, columns=columns)
        matches = scale.dask_extract_matches(ddf, lex, voice="all").compute()
        feats = scale.dask_extract_features(ddf, lex, voice=voice).compute()
    rejects = pd.DataFrame(columns=["source", "line", "field", "reason"])
    feats = feats.reset_index(drop=True)
    feats.attrs["voice"] = voice
    feats.attrs["lexicon"] = lex.name
    result.tables["matches"] = write_table(matches, out / "matches")
    result.tables["features"] = write_table(feats, out / "features")
    result.n_accepted = len(feats)
    result.n_rejected = len(rejects)
    result.n_read = result.n_accepted + result.n_rejected
    from framing.vocabulary import counted

    own = counted(matches, voice)
    return feats, term_counts(own, vocabulary="lexicon"), rejects


def _statistics(features, counts, lex, *, by, freq, voice, method, n_boot, seed):
    from framing.compare import compare_outlets, outlet_distance
    from framing.shares import label_shares, legitimacy_index
    from framing.temporal import change_points, trends

    stats = {}
    stats["label_shares"] = label_shares(features, by=(by,), voice=voice, n_boot=n_boot, seed=seed)
    stats["legitimacy"] = legitimacy_index(features, by=(by,), voice=voice, n_boot=n_boot, seed=seed)
    outlets = features[by].nunique()
    if outlets >= 2 and len(counts):
        counts = counts.rename(columns={"outlet": by}) if by != "outlet" else counts
        stats["log_odds"] = compare_outlets(counts, method=method, mode="one_vs_rest")
        stats["outlet_distance"] = outlet_distance(features, by=by).reset_index(names=by)
    has_dates = features["date"].notna().any()
    if has_dates:
        stats["trends"] = trends(features, freq=freq, by=by, voice=voice)
        stats["change_points"] = change_points(features, freq=freq, by=by, referent=None, voice=voice)
    return stats


def _charts(stats, lex, out, *, by):
    from framing import charts

    made = {}

    def save(name, fig):
        path = out / f"{name}.png"
        charts.save_figure(fig, path)
        made[name] = path
        fig.clear()
        gc.collect()  # figures hold reference cycles: free each before drawing the next

    shares = stats["label_shares"]
    if len(shares):
        fig, _ = charts.plot_label_shares(shares)
        save("label_shares", fig)
        fig, _ = charts.plot_referent_heatmap(shares)
        save("who_gets_called_what", fig)
    if "trends" in stats and len(stats["trends"]):
        cps = stats.get("change_points")
        if cps is not None and not len(cps):
            cps = None  # no change-point found: plot the trends without markers
        for referent in stats["trends"]["referent"].dropna().unique():
            sub = stats["trends"][stats["trends"]["referent"] == referent]
            if sub["total"].sum() == 0:
                continue
            fig, _ = charts.plot_trends(stats["trends"], referent=referent, change_points=cps)
            save(f"trends_{referent}", fig)
    if "log_odds" in stats and len(stats["log_odds"]):
        for outlet in stats["log_odds"]["outlet"].unique():
            fig, _ = charts.plot_fightin_words(stats["log_odds"], outlet=outlet)
            save(f"fightin_words_{_slug(outlet)}", fig)
    if "outlet_distance" in stats:
        dist = stats["outlet_distance"].set_index(by)
        dist.attrs = stats["outlet_distance"].attrs
        fig, _ = charts.plot_outlet_distance(dist)
        save("outlet_distance", fig)
    return made


def _slug(text) -> str:
    import re

    s = re.sub(r"[^\w]+", "_", str(text), flags=re.UNICODE).strip("_")
    return s[:60] or "outlet"


def _report(result, stats, lex, corpus, *, by, freq, voice):
    from framing.report import Section, write_report

    meta = {
        "corpus": str(corpus), "lexicon": f"{lex.name} (version {lex.version})",
        "documents": f"read {result.n_read} · accepted {result.n_accepted} · rejected {result.n_rejected}",
        "grouped by": by, "period": freq, "voice": voice,
    }
    ch = result.charts
    sections = [
        Section("Label shares", "Share of each stance among the labels an outlet uses for each referent, in "
                "its own voice (quotations excluded). Whiskers: 95% bootstrap intervals over documents.",
                figures=[(n, p) for n, p in ch.items() if n in ("label_shares", "who_gets_called_what")],
                tables=[("label shares", stats["label_shares"]), ("legitimacy index", stats["legitimacy"])]),
    ]
    if "trends" in stats:
        sections.append(Section(
            "Terminology over time", f"Stance shares per period ({freq}) with 95% intervals; vertical lines "
            "mark change-points found by exact multinomial segmentation.",
            figures=[(n, p) for n, p in ch.items() if n.startswith("trends_")],
            tables=[("change points", stats["change_points"])]))
    if "log_odds" in stats:
        top = stats["log_odds"].sort_values("score", ascending=False).groupby("outlet").head(8)
        sections.append(Section(
            "What each outlet says more than the others", "Log-odds ratio with informative Dirichlet prior "
            "(Monroe, Colaresi & Quinn 2008), each outlet against all the others; q: Benjamini–Hochberg.",
            figures=[(n, p) for n, p in ch.items() if n.startswith("fightin_words_")],
            tables=[("top terms per outlet", top)]))
    if "outlet_distance" in stats:
        sections.append(Section(
            "How far apart the outlets are", "Jensen–Shannon distance between outlets' label "
            "distributions, in hierarchical-clustering order.",
            figures=[(n, p) for n, p in ch.items() if n == "outlet_distance"],
            tables=[("distance", stats["outlet_distance"])]))
    return write_report(result.out / "report.html", f"framing report — {lex.name}", sections, meta=meta)
