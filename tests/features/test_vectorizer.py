"""FramingVectorizer: the scikit-learn contract, and use in a Pipeline."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from framing import FramingError, FramingVectorizer

TOY = {"name": "toy", "categories": {"hedge": ["ما يسمى"]}, "referents": {"haftar_camp": {
    "aliases": ["حفتر"], "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["قوات"]}}}}

# Checks that feed numeric arrays cannot apply to a transformer whose input is raw text.
TEXT_INPUT = "fits on a 2-D numeric array: the input of this transformer is raw text, numbers are not documents"
EXPECTED_FAILED = {
    "check_complex_data": 'feeds complex numbers; the input is text',
    "check_dict_unchanged": TEXT_INPUT,
    "check_dont_overwrite_parameters": TEXT_INPUT,
    "check_dtype_object": 'feeds an object array of numbers and checks numeric conversion; the input is text',
    "check_estimator_sparse_array": 'feeds a sparse numeric matrix; the input is text',
    "check_estimator_sparse_matrix": 'feeds a sparse numeric matrix; the input is text',
    "check_estimator_sparse_tag": 'feeds a sparse numeric matrix; the input is text',
    "check_estimators_dtypes": 'feeds float32/int arrays; the input is text',
    "check_estimators_empty_data_messages": "expects sklearn's numeric-array message for an empty 2-D array",
    "check_estimators_fit_returns_self": TEXT_INPUT,
    "check_estimators_nan_inf": 'feeds NaN/inf in a numeric array; a missing text is reported as a non-str document',
    "check_estimators_overwrite_params": TEXT_INPUT,
    "check_estimators_pickle": TEXT_INPUT,
    "check_f_contiguous_array_estimator": TEXT_INPUT,
    "check_fit2d_1feature": TEXT_INPUT,
    "check_fit2d_1sample": TEXT_INPUT,
    "check_fit2d_predict1d": TEXT_INPUT,
    "check_fit_check_is_fitted": TEXT_INPUT,
    "check_fit_idempotent": TEXT_INPUT,
    "check_fit_score_takes_y": TEXT_INPUT,
    "check_methods_sample_order_invariance": TEXT_INPUT,
    "check_methods_subset_invariance": TEXT_INPUT,
    "check_n_features_in": TEXT_INPUT,
    "check_n_features_in_after_fitting": TEXT_INPUT,
    "check_pipeline_consistency": TEXT_INPUT,
    "check_positive_only_tag_during_fit": TEXT_INPUT,
    "check_readonly_memmap_input": TEXT_INPUT,
    "check_transformer_data_not_an_array": TEXT_INPUT,
    "check_transformer_general": TEXT_INPUT,
    "check_transformer_preserve_dtypes": TEXT_INPUT,
}


@parametrize_with_checks([FramingVectorizer(lexicon="libya")], expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_contract(estimator, check):
    check(estimator)


def test_counts_rates_and_shares():
    docs = ["قوات حفتر وميليشيات حفتر", "ما يسمى قوات حفتر «ميليشيا حفتر»", "لا شيء هنا"]
    raw = FramingVectorizer(lexicon=TOY, voice="all").fit(docs)
    names = list(raw.get_feature_names_out())
    assert names == ["cat:hedge", "label:haftar_camp:delegitimizing", "label:haftar_camp:neutral"]
    X = raw.transform(docs)
    np.testing.assert_array_equal(X, [[0, 1, 1], [1, 1, 1], [0, 0, 0]])
    own = FramingVectorizer(lexicon=TOY, voice="own").fit_transform(docs)
    np.testing.assert_array_equal(own, [[0, 1, 1], [1, 0, 1], [0, 0, 0]])
    shares = FramingVectorizer(lexicon=TOY, voice="all", normalize_by="l1").fit_transform(docs)
    np.testing.assert_allclose(shares.sum(axis=1), [1, 1, 0])
    rates = FramingVectorizer(lexicon=TOY, voice="all", normalize_by="tokens").fit_transform(docs)
    np.testing.assert_allclose(rates[0], [0, 1 / 4, 1 / 4])


def test_in_a_pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    docs = ["قوات حفتر"] * 10 + ["ميليشيات حفتر"] * 10
    y = ["a"] * 10 + ["b"] * 10
    pipe = make_pipeline(FramingVectorizer(lexicon=TOY), LogisticRegression()).fit(docs, y)
    assert list(pipe.predict(["ميليشيا حفتر", "قوات حفتر"])) == ["b", "a"]


def test_a_string_is_not_a_corpus():
    with pytest.raises(FramingError, match="Iterable over raw text documents expected, string object received"):
        FramingVectorizer(lexicon=TOY).fit("قوات حفتر")


def test_bad_parameters_are_reported_at_fit():
    with pytest.raises(FramingError, match="voice: expected one of"):
        FramingVectorizer(lexicon=TOY, voice="mine").fit(["x"])
    with pytest.raises(FramingError, match="normalize_by must be one of"):
        FramingVectorizer(lexicon=TOY, normalize_by="max").fit(["x"])
