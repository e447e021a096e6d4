"""Reading and extraction in one process: the corpus batch by batch, matches and features written as
they come, term counts summed (they are additive), the features kept small for the statistics.

With ``copies="keep"`` the corpus is streamed once. With ``copies="exclude"`` (the default) the wire
copies must be known across the whole corpus before anything is counted, and the corpus is read twice,
in bounded memory too (the developers' guide: memory stays bounded whatever the input): the first
reading gives the account (read, accepted, rejected: rejects are counted there, once) and keeps of each
accepted document only what copy detection compares (:class:`~framing.pipeline.copies.WireCopyFinder`:
id, outlet, date and MinHash signature; the shingle hashes in a temporary file in the output folder);
the second reads it again for the extraction, in the batches of accepted documents the held route
gives. A corpus that cannot be read twice (a pipe) is held in memory instead (only the columns
extraction reads).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from framing.corpus.reader import iter_corpus
from framing.errors import FramingError
from framing.features.extract import extract_features, extract_matches
from framing.features.terms import combine_counts, term_counts
from framing.output.files import atomic_path, csv_safe, for_output, write_table
from framing.output.views import ATTENTION_MATCH_KINDS, Collector, own_matches
from framing.pipeline.config import AnalysisConfig
from framing.pipeline.copies import COPY_COLUMNS, WireCopyFinder, copy_ids, find_wire_copies
from framing.pipeline.progress import Clock, progress_bar
from framing.vocabulary import check_by, counted

__all__ = ["Extraction", "StreamWriter", "extract_stream", "compact_features", "require_by", "with_group",
           "group_values", "REJECT_COLUMNS"]

#: Columns of the rejects table (records that could not be read, with their reason).
REJECT_COLUMNS = ("source", "line", "field", "reason")


@dataclass
class Extraction:
    """What the reading and extraction pass hands to the statistics."""

    features: pd.DataFrame  #: per-document features, compact (:func:`compact_features`), of every kept document
    counts: pd.DataFrame  #: lexicon term counts per group (in the asked voice, in scope)
    rejects: pd.DataFrame  #: records that could not be read, with their reason (:data:`REJECT_COLUMNS`)
    n_read: int = 0
    n_accepted: int = 0
    n_rejected: int = 0
    n_copies: int | None = None  #: wire copies set aside (None: not looked for)
    copy_ids: set[str] = field(default_factory=set)  #: their doc_id
    tables: dict[str, list[Path]] = field(default_factory=dict)  #: tables written (wire_copies, matches, features)


class StreamWriter:
    """Append DataFrames to a CSV and a Parquet file, made visible atomically at the end (as
    :func:`framing.output.files.write_table` writes them)."""

    def __init__(self, base: Path):
        self.base = base
        self._csv_ctx = atomic_path(base.with_suffix(".csv"))
        self._pq_ctx = atomic_path(base.with_suffix(".parquet"))
        self.csv_tmp = self._csv_ctx.__enter__()
        self.pq_tmp = self._pq_ctx.__enter__()
        self.pq_writer: pq.ParquetWriter | None = None
        self.schema: pa.Schema | None = None
        self.wrote_header = False

    def append(self, df: pd.DataFrame) -> None:
        df = for_output(df)
        csv_safe(df).to_csv(self.csv_tmp, mode="a", header=not self.wrote_header, index=False, encoding="utf-8",
                            lineterminator="\n", float_format="%.6g", date_format="%Y-%m-%d")
        self.wrote_header = True
        table = pa.Table.from_pandas(df, preserve_index=False)
        if self.pq_writer is None or self.schema is None:
            # a column with no value in the first batch (category of label matches) is text, not "null":
            # a later batch holding text could not be cast to null
            self.schema = pa.schema([f.with_type(pa.large_string()) if pa.types.is_null(f.type) else f
                                     for f in table.schema.remove_metadata()])
            self.pq_writer = pq.ParquetWriter(self.pq_tmp, self.schema)
        self.pq_writer.write_table(table.cast(self.schema).replace_schema_metadata(None))

    def close(self, ok: bool) -> list[Path]:
        """Make the files visible (``ok``) or remove them; the paths written."""
        if self.pq_writer is not None:
            self.pq_writer.close()
        exc: tuple[Any, Any, Any] = (None, None, None) if ok else (RuntimeError, RuntimeError("aborted"), None)
        for ctx in (self._csv_ctx, self._pq_ctx):
            with contextlib.suppress(RuntimeError):  # the temporary file is gone already
                ctx.__exit__(*exc)
        return [self.base.with_suffix(".csv"), self.base.with_suffix(".parquet")] if ok else []


def require_by(by: str, columns: Any) -> None:
    """A :class:`FramingError` unless the grouping column ``by`` is among the corpus ``columns``."""
    check_by(by, list(columns), what="corpus")


def group_values(corpus: pd.DataFrame, by: str) -> pd.Series:
    """The column ``by`` of ``corpus`` as groups: text, a missing value as ``"(no <by>)"``."""
    return corpus[by].astype(object).where(corpus[by].notna(), f"(no {by})").astype(str)


def with_group(table: pd.DataFrame, corpus: pd.DataFrame, by: str, *, per_match: bool = False) -> pd.DataFrame:
    """``table`` (features, one row per document of ``corpus`` in its order; or with ``per_match``
    matches, looked up by ``doc_id``) with the grouping column ``by`` of ``corpus`` added when it lacks
    it (an extra corpus column such as ``section``): as text, a missing value as ``"(no <by>)"`` so
    that no document drops out of the groups."""
    if by in table.columns or by not in corpus.columns:
        return table
    values = group_values(corpus, by)
    if not per_match:
        return table.assign(**{by: values.to_numpy()})
    lookup = pd.Series(values.to_numpy(), index=corpus["doc_id"].astype(str).to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    return table.assign(**{by: table["doc_id"].astype(str).map(lookup).to_numpy()})


def compact_features(feats: pd.DataFrame, by: str) -> pd.DataFrame:
    """What the statistics need of a batch's features, small: group (category), date, token and
    feature counts (uint16 unless a count is larger)."""
    counts = [c for c in feats.columns if c.startswith(("label:", "cat:"))]
    keep = [c for c in dict.fromkeys([by, "date", "n_tokens", *counts]) if c in feats.columns]
    small = feats[keep].copy()
    top = int(small[counts].to_numpy().max()) if len(small) and counts else 0
    small[counts] = small[counts].astype("uint16" if top < 2**16 else "int64")
    small[by] = small[by].astype("category")
    return small


def _slices(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    """Batches of ``size`` rows of a held corpus."""
    for i in range(0, len(frame), size):
        yield frame.iloc[i:i + size]


class _Reading:
    """The accepted batches of a corpus, timed as reading, with the account of what was read."""

    def __init__(self, corpus: Any, config: AnalysisConfig, clock: Clock):
        self.corpus, self.config, self.clock = corpus, config, clock
        self.rejects: list[pd.DataFrame] = []
        self.n_read = self.n_accepted = 0

    def batches(self, bar: Any) -> Iterator[pd.DataFrame]:
        it = iter(iter_corpus(self.corpus, **self.config.read_options()))
        while True:
            with self.clock("reading"):
                batch = next(it, None)
            if batch is None:
                return
            rej = batch.attrs.get("rejects")
            if rej is not None and len(rej):
                self.rejects.append(rej.to_frame())  # attrs["rejects"]: plain records (framing.corpus.reader.Rejects)
            n_read = int(batch.attrs.get("n_read", len(batch) + (0 if rej is None else len(rej))))
            self.n_read += n_read
            self.n_accepted += len(batch)
            bar.update(n_read)
            if len(batch):
                yield batch

    def rejects_table(self) -> pd.DataFrame:
        if not self.rejects:
            return pd.DataFrame(columns=list(REJECT_COLUMNS))
        return pd.concat(self.rejects, ignore_index=True)


def _extracted_columns(batch: pd.DataFrame, by: str) -> pd.DataFrame:
    """The columns of a corpus batch extraction reads (those held when the wire copies are set aside)."""
    return batch[[c for c in dict.fromkeys(("doc_id", "outlet", "date", "text", by)) if c in batch.columns]]


def _rereadable(corpus: Any) -> bool:
    """``corpus`` is a file or folder that can be read a second time (not a pipe)."""
    path = Path(os.fspath(corpus))
    return path.is_dir() or path.is_file()


def _copies_table(ex: Extraction, out: Path, table: pd.DataFrame | None) -> None:
    """The wire copies found (``None``: no document accepted) written and counted in ``ex``."""
    if table is None:
        table = pd.DataFrame(columns=list(COPY_COLUMNS))
    ex.n_copies = int((~table["is_first"].astype(bool)).sum())
    ex.tables["wire_copies"] = write_table(table, out / "wire_copies")
    ex.copy_ids = copy_ids(table)


def _two_passes(reading: _Reading, ex: Extraction, out: Path, config: AnalysisConfig,
                progress: bool) -> Iterator[pd.DataFrame]:
    """Read the corpus once for the account and the wire copies (:class:`WireCopyFinder`: no text kept),
    write their table; the batches to extract, read again (copies still in, left out by the caller)."""
    with WireCopyFinder(dir=out) as finder:
        with progress_bar(progress, desc="reading", unit=" docs") as bar:
            for b in reading.batches(bar):
                require_by(config.by, b.columns)  # all the columns of the corpus named when one is missing
                with reading.clock("wire copies"):
                    finder.add(b)
        with reading.clock("wire copies"):
            _copies_table(ex, out, finder.table() if reading.n_accepted else None)
    return _read_again(reading, config)


def _read_again(reading: _Reading, config: AnalysisConfig) -> Iterator[pd.DataFrame]:
    """The accepted documents of a second reading (its rejects were counted by the first) in batches of
    ``batch_size`` indexed by their position, as :func:`_hold_without_copies` slices them."""
    size, done, pending = config.batch_size, 0, []
    it = iter(iter_corpus(reading.corpus, **config.read_options()))
    while True:
        with reading.clock("reading"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the first reading gave the reader's warnings; not twice)
            batch = next(it, None)
        if batch is not None and len(batch):
            pending.append(_extracted_columns(batch, config.by))
        n_pending = sum(len(p) for p in pending)
        while n_pending >= size or (batch is None and n_pending):
            frame = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0].reset_index(drop=True)
            take = min(size, n_pending)
            yield frame.iloc[:take].set_axis(pd.RangeIndex(done, done + take))
            done, n_pending = done + take, n_pending - take
            pending = [frame.iloc[take:]] if n_pending else []
        if batch is None:
            break
    if done != reading.n_accepted:
        raise FramingError(f"{reading.corpus}: changed while it was read ({reading.n_accepted} documents accepted "
                           f"the first time, {done} the second); analyze it again once it is complete")


def _hold_without_copies(reading: _Reading, ex: Extraction, out: Path, config: AnalysisConfig,
                         progress: bool) -> Iterator[pd.DataFrame]:
    """Read the whole corpus (the columns extraction reads: one copy of the text in memory), find the
    wire copies, write their table; the batches to extract (copies still in, left out by the caller)."""
    by = config.by
    with progress_bar(progress, desc="reading", unit=" docs") as bar:
        held = []
        for b in reading.batches(bar):
            require_by(by, b.columns)  # all the columns of the corpus named when one is missing
            held.append(_extracted_columns(b, by))
    with reading.clock("wire copies"):
        frame = pd.concat(held, ignore_index=True) if held else None
        held.clear()
        _copies_table(ex, out, None if frame is None else find_wire_copies(frame))
    return _slices(frame, config.batch_size) if frame is not None else iter(())


def extract_stream(corpus: Any, lex: Any, config: AnalysisConfig, clock: Clock, *, progress: bool,
                   collector: Collector | None = None) -> Extraction:
    """Read ``corpus`` and extract matches and features batch by batch into ``config.out``.

    ``collector`` (:class:`framing.output.views.Collector`), when given, is fed every batch with its
    matches in every voice, aliases included: one matching pass serves the tables and attention.
    """
    out, by, voice = config.out_dir, config.by, config.voice
    reading = _Reading(corpus, config, clock)
    ex = Extraction(features=pd.DataFrame(), counts=pd.DataFrame(), rejects=pd.DataFrame())
    hold = config.copies == "exclude"
    source = None
    if hold:
        two = _two_passes if _rereadable(corpus) else _hold_without_copies
        source = two(reading, ex, out, config, progress)
    skip = ex.copy_ids

    w_matches = StreamWriter(out / "matches")
    w_features = StreamWriter(out / "features")
    features: list[pd.DataFrame] = []
    counts: list[pd.DataFrame] = []
    ok = False
    try:
        with progress_bar(progress, desc="extracting" if hold else "reading + extracting", unit=" docs",
                          total=reading.n_accepted if hold else None) as bar:
            for read in (source if source is not None else reading.batches(bar)):
                if source is not None:
                    bar.update(len(read))
                else:
                    require_by(by, read.columns)
                batch = read[~read["doc_id"].astype(str).isin(skip).to_numpy()] if skip else read
                if not len(batch):
                    continue
                if by != "outlet":  # another corpus column: text, a missing value a group of its own
                    batch = batch.assign(**{by: group_values(batch, by)})
                with clock("extraction"):
                    every = None
                    if collector is not None:  # issue 13: one matching pass, aliases in every voice too
                        every = extract_matches(batch, lex, voice="all", kinds=ATTENTION_MATCH_KINDS)
                        matches = own_matches(every)  # == extract_matches(batch, lex)
                    else:
                        matches = extract_matches(batch, lex)
                    feats = with_group(extract_features(batch, lex, voice=voice), batch, by)
                    matches = with_group(matches, batch, by, per_match=True)
                if collector is not None:
                    with clock("attention (collect)"):
                        collector.add(batch, every)
                        del every
                with clock("writing tables"):
                    if len(matches):
                        w_matches.append(matches)
                        own = counted(matches, voice)
                        if len(own):
                            counts.append(term_counts(own, vocabulary="lexicon", by=(by,))
                                          if by in own.columns else term_counts(own, vocabulary="lexicon"))
                    w_features.append(feats)
                    features.append(compact_features(feats, by))
        ok = True
    finally:
        ex.tables["matches"] = w_matches.close(ok)
        ex.tables["features"] = w_features.close(ok)
    ex.n_read, ex.n_accepted = reading.n_read, reading.n_accepted
    ex.rejects = reading.rejects_table()
    ex.n_rejected = len(ex.rejects)
    if not features:
        raise FramingError(f"{corpus}: no document was accepted (read {ex.n_read}); "
                           "see rejects.csv for the reasons")
    feats = pd.concat(features, ignore_index=True)
    features.clear()
    feats[by] = feats[by].astype(str)
    feats.attrs["voice"] = voice
    feats.attrs["lexicon"] = lex.name
    ex.features = feats
    ex.counts = combine_counts(*counts) if counts else pd.DataFrame(columns=[by, "term", "count"])
    return ex
