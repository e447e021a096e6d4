"""predict_outlet: cross-validated outlet prediction from framing features."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.errors import FramingError
from framing.analyses.predict import predict_outlet

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "corpus.jsonl"


def toy(n=40, seed=0, informative=True):
    rng = np.random.default_rng(seed)
    outlets = np.repeat(["A", "B"], n)
    a = rng.poisson(3, 2 * n)
    b = rng.poisson(3, 2 * n)
    if informative:
        a = np.where(outlets == "A", a + 12, a)
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(2 * n)], "outlet": outlets,
                         "cat:x": a, "label:r:neutral": b})


def test_separable_toy_and_result_shape():
    res = predict_outlet(toy(), cv=4)
    assert res.accuracy > 0.8 and res.accuracy > res.baseline_accuracy
    assert res.baseline_accuracy == pytest.approx(0.5)
    assert res.confusion.to_numpy().sum() == res.n_docs == 80
    assert list(res.report.columns) == ["outlet", "precision", "recall", "f1", "support"]
    top_a = res.top_features[res.top_features.outlet == "A"].iloc[0]
    assert top_a["feature"] == "cat:x" and top_a["weight"] > 0
    assert len(res.predictions) == 80


def test_empty_documents_are_dropped_and_counted():
    f = toy()
    f.loc[[0, 50], ["cat:x", "label:r:neutral"]] = 0
    res = predict_outlet(f, cv=3)
    assert res.n_dropped == 2 and res.n_docs == 78


def test_errors():
    with pytest.raises(FramingError, match="fewer kept documents than cv"):
        predict_outlet(toy(n=3), cv=5)
    with pytest.raises(FramingError, match="normalize"):
        predict_outlet(toy(), normalize="max")
    with pytest.raises(FramingError, match="two outlets"):
        predict_outlet(toy().assign(outlet="A"))
    with pytest.raises(FramingError, match="feature_cols"):
        predict_outlet(toy(), feature_cols=["cat:nothing"])


@pytest.mark.skipif(not DEMO.exists(), reason="demo corpus absent")
def test_demo_corpus_beats_dummy_baselines():
    from framing.corpus.reader import read_corpus
    from framing.features.extract import extract_features

    features = extract_features(read_corpus(DEMO), "libya", voice="own")
    res = predict_outlet(features, cv=5, seed=0)
    print(res.summary())
    assert res.accuracy > res.baseline_accuracy + 0.1
    assert res.macro_f1 > res.chance_macro_f1 + 0.1
    assert set(res.confusion.index) == set(features["outlet"])
