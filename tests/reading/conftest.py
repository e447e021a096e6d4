"""Shared fixtures of the reading tests: a toy lexicon and small hand-made corpora."""

import pandas as pd
import pytest

from framing.lexicon.load import Lexicon


@pytest.fixture(scope="module")
def lex():
    """Two referents sharing the neutral label قوات, a linker and one category."""
    return Lexicon.from_dict({
        "name": "toy",
        "linkers": ["الموالية"],
        "categories": {"legitimacy": ["المعترف بها دوليا"]},
        "referents": {
            "haftar_camp": {"aliases": ["حفتر"],
                            "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
                                       "neutral": ["قوات"]}},
            "gna": {"aliases": ["حكومة الوفاق", "السراج"], "labels": {"neutral": ["قوات"]}},
        },
    })


@pytest.fixture
def make_corpus():
    """``make_corpus(texts, outlets=None)``: a corpus table of the texts (outlet Sahil, dated 2020-01-01)."""
    def make(texts, outlets=None):
        n = len(texts)
        return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": outlets or ["Sahil"] * n,
                             "date": pd.to_datetime(["2020-01-01"] * n), "text": texts})

    return make
