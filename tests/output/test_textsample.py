"""The term map's streaming sample (framing.output.textsample): bounded, seeded, and the same whatever the
batches — the longest run of documents in the order of their random keys that fits the budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.output.textsample import TextSample

WORDS = ["قوات", "ميليشيا", "الجيش", "حكومة", "الوفاق", "طرابلس", "بنغازي", "الهدنة", "المشير", "اللواء"]


def _docs(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, size=int(rng.integers(1, 40)))) for _ in range(n)]
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "outlet": [f"o{i % 7}" for i in range(n)],
                         "text": texts})


def _offline(docs: pd.DataFrame, budget: int, seed: int = 0) -> list[str]:
    """The rule computed on the whole corpus at once: keys in corpus order, longest key-order prefix that fits."""
    keys = np.random.default_rng(seed).random(len(docs))
    order = np.argsort(keys, kind="stable")
    fits = np.cumsum(docs["text"].str.len().to_numpy()[order]) <= budget
    return list(docs["doc_id"].to_numpy()[np.sort(order[fits])])


@pytest.mark.parametrize("batch", [1, 7, 50, 1000])
def test_the_sample_does_not_depend_on_the_batches(batch):
    docs = _docs(600)
    budget = int(docs["text"].str.len().sum() // 5)
    s = TextSample(budget)
    for i in range(0, len(docs), batch):
        s.add(docs.iloc[i:i + batch])
    kept = s.frame()
    assert list(kept["doc_id"]) == _offline(docs, budget)
    assert s.sampled and s.n_docs == 600 and s.n_chars == int(docs["text"].str.len().sum())
    assert int(kept["text"].str.len().sum()) <= budget
    assert list(kept.columns) == ["doc_id", "outlet", "text"]
    assert kept["doc_id"].str[1:].astype(int).is_monotonic_increasing  # corpus order


def test_text_held_stays_bounded_while_streaming():
    docs = _docs(3000, seed=2)
    budget = int(docs["text"].str.len().sum() // 20)
    s = TextSample(budget)
    most = 0
    for i in range(0, len(docs), 25):
        s.add(docs.iloc[i:i + 25])
        most = max(most, s.kept_chars)
    batch_max = int(docs["text"].str.len().max()) * 25
    assert most <= 1.5 * budget + batch_max
    assert most < int(docs["text"].str.len().sum()) / 5  # far below holding everything


def test_everything_is_kept_under_the_budget_or_without_one():
    docs = _docs(40)
    for budget in (0, int(docs["text"].str.len().sum())):
        s = TextSample(budget)
        s.add(docs.iloc[:13])
        s.add(docs.iloc[13:])
        pd.testing.assert_frame_equal(s.frame(), docs)
        assert not s.sampled


def test_seeded():
    docs = _docs(300)
    budget = int(docs["text"].str.len().sum() // 4)
    a, b, c = TextSample(budget, seed=0), TextSample(budget, seed=0), TextSample(budget, seed=9)
    for s in (a, b, c):
        s.add(docs)
    assert list(a.frame()["doc_id"]) == list(b.frame()["doc_id"]) != list(c.frame()["doc_id"])
