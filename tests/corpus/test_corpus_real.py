"""Realism check on the shared Arabic corpora (skipped when ../shared/corpora is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from framing.corpus.reader import read_corpus
from framing.corpus.duplicates import find_duplicates

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
EXPECTED = {"saudinewsnet.jsonl.gz": 31_030, "asnd_aljazeera.jsonl.gz": 8_346}

pytestmark = [pytest.mark.shared,
              pytest.mark.skipif(not CORPORA.exists(), reason="shared corpora not available")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_corpus_every_record_accounted_for(name):
    df = read_corpus(CORPORA / name, errors="collect")
    rejects = df.attrs["rejects"]
    assert df.attrs["n_read"] == EXPECTED[name] == len(df) + len(rejects)
    assert df["doc_id"].is_unique and str(df["date"].dtype) == "datetime64[ns]"
    assert df["outlet"].str.len().min() > 0
    # the only problem these corpora have is articles without text (saudinewsnet: 354 in 2015)
    assert set(rejects["field"]) <= {"text"}
    assert len(rejects) < 0.02 * EXPECTED[name]


def test_real_corpus_wire_copies():
    df = read_corpus(CORPORA / "asnd_aljazeera.jsonl.gz", errors="collect")
    dups = find_duplicates(df)
    assert dups.groupby("group")["is_first"].sum().eq(1).all()
    assert dups.groupby("group").size().min() >= 2 if len(dups) else True
    assert dups["doc_id"].isin(df["doc_id"]).all()
