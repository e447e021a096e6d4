"""Reading and extraction on a Dask cluster (``workers`` or ``scheduler`` given).

The pipeline decides to use Dask here (and :mod:`framing.scale` does the work): the corpus is read
and matched partition by partition on the workers and the tables are gathered. With
``copies="exclude"`` the corpus is first read once in this process to find the wire copies, which the
workers then leave out.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from framing.corpus.reader import iter_corpus
from framing.features.terms import term_counts
from framing.output.files import write_table
from framing.pipeline.config import AnalysisConfig
from framing.pipeline.copies import copy_ids, wire_copies
from framing.pipeline.extraction import REJECT_COLUMNS, Extraction, require_by, with_group
from framing.pipeline.progress import Clock, progress_bar
from framing.scale import dask as scale
from framing.vocabulary import counted

log = logging.getLogger(__name__)

__all__ = ["extract_dask"]


def _find_copies(corpus: Any, config: AnalysisConfig, clock: Clock, ex: Extraction, progress: bool) -> list[str]:
    """Read the corpus here (bad records set aside) to find the wire copies; their doc_id, sorted."""
    with clock("reading"), progress_bar(progress, desc="reading", unit=" docs") as bar:
        held = []
        for b in iter_corpus(corpus, **dict(config.read_options(), errors="collect")):
            bar.update(len(b))
            if len(b):
                held.append(b)
    with clock("wire copies"):
        found = wire_copies(held) if held else None
    del held
    if found is None:
        ex.n_copies = 0
        return []
    ex.n_copies = found.n_copies
    ex.tables["wire_copies"] = write_table(found.table, config.out_dir / "wire_copies")
    return sorted(copy_ids(found.table))


def extract_dask(corpus: Any, lex: Any, config: AnalysisConfig, clock: Clock, *, progress: bool) -> Extraction:
    """Matches and features of ``corpus`` computed on a Dask cluster, written into ``config.out``."""
    out, voice = config.out_dir, config.voice
    ex = Extraction(features=pd.DataFrame(), counts=pd.DataFrame(), rejects=pd.DataFrame(columns=list(REJECT_COLUMNS)))
    skip = _find_copies(corpus, config, clock, ex, progress) if config.copies == "exclude" else []
    if config.errors != "raise":
        log.info("the Dask path validates strictly: a bad record stops the run with its file, partition and row")
    with clock("extraction"), scale.cluster(workers=config.workers or 2, scheduler=config.scheduler):
        ddf = scale.read_corpus_dask(corpus, columns=config.column_map())
        require_by(config.by, ddf.columns)
        n_all = None
        if skip:
            n_all = int(ddf.shape[0].compute())
            ddf = ddf[~ddf["doc_id"].astype(str).isin(skip)]
        matches = scale.dask_extract_matches(ddf, lex).compute()
        feats = scale.dask_extract_features(ddf, lex, voice=voice).compute()
        # an extra corpus column to group by (the features carry outlet only): in the same row order
        groups = ddf[["doc_id", config.by]].compute() if config.by not in feats.columns else None
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
    ex.n_accepted = len(feats) if n_all is None else n_all
    ex.n_rejected = len(ex.rejects)
    ex.n_read = ex.n_accepted + ex.n_rejected
    return ex
