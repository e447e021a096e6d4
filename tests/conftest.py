"""Shared fixtures."""

import json
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="session")
def demo_house():
    """The demo corpus without its wire copies, its own-voice libya features, and the truth.

    Wire copies follow the agency's style, not the outlet's, so outlet-level checks against the
    truth leave them out. Returns ``(truth, house_corpus, features)``.
    """
    from framing.corpus import read_corpus
    from framing.features import extract_features

    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    corpus = read_corpus(DEMO / "corpus.jsonl")
    wire = {d for g in truth["wire_groups"].values() for d in g["doc_ids"]}
    house = corpus[~corpus["doc_id"].isin(wire)].reset_index(drop=True)
    return truth, house, extract_features(house, "libya", voice="own")
