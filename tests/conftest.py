"""Shared fixtures."""

import json
import os
import shutil
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="session")
def demo_house():
    """The demo corpus without its wire copies, its own-voice libya features, and the truth.

    Wire copies follow the agency's style, not the outlet's, so outlet-level checks against the
    truth leave them out. Returns ``(truth, house_corpus, features)``.
    """
    from framing.corpus.reader import read_corpus
    from framing.features.extract import extract_features

    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    corpus = read_corpus(DEMO / "corpus.jsonl")
    wire = {d for g in truth["wire_groups"].values() for d in g["doc_ids"]}
    house = corpus[~corpus["doc_id"].isin(wire)].reset_index(drop=True)
    return truth, house, extract_features(house, "libya", voice="own")


# --- headless Chromium (Debian's package) driven by playwright, for the tests of pages people read ---
CHROMIUM = os.environ.get("FRAMING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skips with how to install what is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing: "
                                   "pip install playwright (a dev dependency; `make test` installs it)")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (as root), or set FRAMING_CHROMIUM")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


# --- toy corpora several test files use (data and builders in tests/helpers/) ---
@pytest.fixture
def attention_corpus():
    """The attention tests' toy corpus (helpers.attention.TEXTS), a new table for each test."""
    from helpers.attention import attention_corpus as make

    return make()


@pytest.fixture(scope="module")
def termmap_corpus():
    """The term map tests' toy corpus: 40 documents for each of the outlets A, B and C."""
    from helpers.termmap import termmap_corpus as make

    return make()


@pytest.fixture(scope="module")
def termmap_toy(termmap_corpus):
    """The term map of ``termmap_corpus`` with helpers.termmap.LEX (min_count 2, 4 lines a term)."""
    from helpers.termmap import LEX

    from framing.analyses.termmap import term_map

    return term_map(termmap_corpus, lexicon=LEX, min_count=2, lines_per_term=4)
