"""Choosing what to look at for any lexicon: top_referent, top_term, hit_sentence, outlets_for_folds."""

from __future__ import annotations

import pandas as pd
import pytest

import framing
from framing.errors import FramingError


def _features():
    return pd.DataFrame({"doc_id": list("abcdef"), "outlet": ["X", "X", "X", "Y", "Y", "Z"],
                         "cat:hedge": [0, 0, 1, 0, 0, 0],
                         "label:gov:neutral": [1, 0, 0, 2, 0, 0], "label:gov:legitimizing": [0, 0, 0, 1, 0, 0],
                         "label:rebels:delegitimizing": [3, 1, 0, 0, 0, 1]})


def test_top_referent_counts_labels_over_stances():
    f = _features()
    assert framing.referent_totals(f).to_dict() == {"rebels": 5, "gov": 4}
    assert framing.top_referent(f) == "rebels"
    f["label:gov:neutral"] += 1  # now gov has 10
    assert framing.top_referent(f) == "gov"


def test_top_referent_given_or_none():
    f = _features()
    assert framing.top_referent(f, "gov") == "gov"
    with pytest.raises(FramingError, match="unknown referent 'nobody'.*gov"):
        framing.top_referent(f, "nobody")
    no_labels = f[["doc_id", "outlet", "cat:hedge"]]
    assert framing.top_referent(no_labels) is None and framing.referent_totals(no_labels).empty
    zero = f.assign(**{c: 0 for c in f.columns if c.startswith("label:")})
    assert framing.top_referent(zero) is None


def test_on_the_demo_the_most_labelled_referent():
    corpus = framing.read_corpus(framing.demo_path())
    features = framing.extract_features(corpus, "libya")
    labels = features.filter(like="label:")
    by_referent = labels.T.groupby(lambda c: c.split(":")[1]).sum().sum(axis=1)
    assert framing.top_referent(features) == by_referent.idxmax()
    assert framing.top_referent(framing.extract_features(corpus, "markers")) is None


def test_top_term_and_hit_sentence_use_in_scope_hits():
    corpus = pd.DataFrame({"doc_id": ["d1", "d2"],
                           "text": ["خبر أول! وصلت القوات إلى المدينة. خبر آخر", "قالت الوزارة إن المسلحين انسحبوا"]})
    matches = pd.DataFrame({"doc_id": ["d1", "d2", "d2"], "start": [14, 16, 16], "end": [20, 25, 25],
                            "term": ["قوات", "مسلح", "مسلح"], "referent": ["a", "b", "b"], "kind": ["label"] * 3,
                            "in_scope": [True, False, False]})
    assert framing.top_term(matches) == "قوات"  # the two مسلح hits are out of scope
    assert framing.top_term(matches, "b") is None
    assert framing.hit_sentence(corpus, matches) == ("d1", "وصلت القوات إلى المدينة.")
    assert framing.hit_sentence(corpus, matches, "b") is None
    with pytest.raises(FramingError, match="not in the corpus"):
        framing.hit_sentence(corpus[corpus["doc_id"] == "d2"], matches)


def test_outlets_for_folds_counts_documents_with_a_count():
    f = _features()
    kept, small = framing.outlets_for_folds(f, cv=2)
    # X: 3 documents with a count; Y: 1 (d4; e has none); Z: 1
    assert small.to_dict() == {"Y": 1, "Z": 1}
    assert set(kept["outlet"]) == {"X"}
    kept, small = framing.outlets_for_folds(f, cv=3, feature_cols=["label:gov:neutral"])
    assert small.to_dict() == {"Z": 0, "X": 1, "Y": 1}
    with pytest.raises(FramingError, match="cv"):
        framing.outlets_for_folds(f, cv=1)


def test_predict_outlet_runs_on_what_outlets_for_folds_keeps():
    f = pd.concat([_features()] * 3 + [_features().iloc[:4]], ignore_index=True)  # X 12, Y 4, Z 3 usable
    f["doc_id"] = [f"d{i}" for i in range(len(f))]
    with pytest.raises(FramingError, match="fewer kept documents"):
        framing.predict_outlet(f, cv=4)
    kept, small = framing.outlets_for_folds(f, cv=4)
    assert small.to_dict() == {"Z": 3}
    result = framing.predict_outlet(kept, cv=4)
    assert set(result.confusion.index) == {"X", "Y"}
    kept, small = framing.outlets_for_folds(f, cv=5)
    with pytest.raises(FramingError, match="two outlets"):
        framing.predict_outlet(kept, cv=5)
