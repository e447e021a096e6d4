"""Reading and extraction on a Dask cluster (``workers`` or ``scheduler`` given).

The pipeline decides to use Dask here (and :mod:`framing.scale` does the work): the corpus is read
and matched partition by partition on the workers and the tables are gathered. The reading gives the
account of the one-process path: documents read = accepted + rejected, each reject with its file, line
and reason, and with ``errors="raise"`` the first bad record in file order stops the run. With
``copies="exclude"`` the corpus is first read once in this process to find the wire copies, which the
workers then leave out; that reading keeps no text (:class:`~framing.pipeline.copies.WireCopyFinder`), so
the memory stays bounded whatever the corpus (the developers' guide).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import pandas as pd

from framing.corpus.reader import iter_corpus
from framing.errors import FramingError
from framing.features.terms import term_counts
from framing.output.files import write_table
from framing.pipeline.config import AnalysisConfig
from framing.pipeline.copies import WireCopyFinder, copy_ids
from framing.pipeline.extraction import REJECT_COLUMNS, Extraction, require_by, with_group
from framing.pipeline.progress import Clock, progress_bar
from framing.scale import dask as scale
from framing.vocabulary import counted

__all__ = ["extract_dask"]


def _find_copies(corpus: Any, config: AnalysisConfig, clock: Clock, ex: Extraction, progress: bool) -> list[str]:
    """Read the corpus here (bad records set aside, batch by batch, no text kept) to find the wire copies;
    their doc_id, sorted."""
    n_accepted = 0
    with WireCopyFinder(dir=config.out_dir) as finder:
        with progress_bar(progress, desc="reading", unit=" docs") as bar:
            it = iter(iter_corpus(corpus, **dict(config.read_options(), errors="collect")))
            while True:
                with clock("reading"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # (the cluster's reading gave the reader's warnings)
                    b = next(it, None)
                if b is None:
                    break
                bar.update(len(b))
                n_accepted += len(b)
                with clock("wire copies"):
                    finder.add(b)
        with clock("wire copies"):
            table = finder.table() if n_accepted else None
    if table is None:
        ex.n_copies = 0
        return []
    ex.n_copies = int((~table["is_first"]).sum())
    ex.tables["wire_copies"] = write_table(table, config.out_dir / "wire_copies")
    return sorted(copy_ids(table))


def extract_dask(corpus: Any, lex: Any, config: AnalysisConfig, clock: Clock, *, progress: bool) -> Extraction:
    """Matches and features of ``corpus`` computed on a Dask cluster, written into ``config.out``.

    The corpus is read on the workers with the one-process account (:func:`framing.scale.dask.open_corpus_dask`):
    the same records read, accepted and rejected (with their file, line and reason), and with
    ``errors="raise"`` the same first error.
    """
    import dask

    out, voice = config.out_dir, config.voice
    ex = Extraction(features=pd.DataFrame(), counts=pd.DataFrame(), rejects=pd.DataFrame(columns=list(REJECT_COLUMNS)))
    options = config.read_options()
    # the run's own local cluster keeps Dask's log lines to itself (its documented silence_logs, in the
    # worker processes too): a worker's failure reaches the run as an exception and is reported in one
    # line, while shutdown races ("failed to communicate with scheduler during heartbeat", a slow worker
    # killed) would print raw tracebacks after the results are in
    with scale.cluster(workers=config.workers or 2, scheduler=config.scheduler, silence_logs=logging.CRITICAL):
        with clock("reading"):
            read = scale.open_corpus_dask(corpus, errors=options["errors"], columns=options["columns"],
                                          encoding=config.encoding, dayfirst=config.dayfirst,
                                          max_record_bytes=config.max_record_bytes, batch_size=config.batch_size)
        ddf = read.frame
        require_by(config.by, ddf.columns)
        if not read.n_accepted:
            raise FramingError(f"{corpus}: no document was accepted (read {read.n_read}); "
                               "see rejects.csv for the reasons")
        skip = _find_copies(corpus, config, clock, ex, progress) if config.copies == "exclude" else []
        with clock("extraction"):
            if skip:
                ddf = ddf[~ddf["doc_id"].astype(str).isin(skip)]
            # one graph: each part is read once for the matches, the features and the groups
            wanted = [scale.dask_extract_matches(ddf, lex), scale.dask_extract_features(ddf, lex, voice=voice)]
            if config.by not in scale.features_meta(lex).columns:
                # an extra corpus column to group by (the features carry outlet only): in the same row order
                wanted.append(ddf[["doc_id", config.by]])
            computed = dask.compute(*wanted)
    matches, feats = computed[0], computed[1]
    groups = computed[2] if len(computed) > 2 else None
    if groups is not None:
        groups = groups.reset_index(drop=True)
        feats = with_group(feats.reset_index(drop=True), groups, config.by)
        matches = with_group(matches, groups, config.by, per_match=True)
    with clock("extraction"):
        feats = feats.reset_index(drop=True)
        feats.attrs["voice"] = voice
        feats.attrs["lexicon"] = lex.name
        ex.tables["matches"] = write_table(matches, out / "matches")
        ex.tables["features"] = write_table(feats, out / "features")
        ex.features = feats
        ex.counts = term_counts(counted(matches, voice), vocabulary="lexicon", by=(config.by,))
    ex.rejects = read.rejects
    ex.n_read, ex.n_accepted, ex.n_rejected = read.n_read, read.n_accepted, len(read.rejects)
    return ex
