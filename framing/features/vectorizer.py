"""A scikit-learn transformer from raw texts to framing counts."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.errors import FramingError
from framing.features.extract import count_matrix
from framing.lexicon.load import Lexicon, as_lexicon
from framing.vocabulary import check_voice

__all__ = ["FramingVectorizer"]

_NORMALIZE_BY = (None, "tokens", "l1")


class FramingVectorizer(TransformerMixin, BaseEstimator):
    """Turn raw texts into per-document framing counts (categories and referent × stance labels).

    Parameters
    ----------
    lexicon : Lexicon, str or path, default="libya"
        The lexicon to match (a :class:`framing.Lexicon`, a bundled name or a YAML path).
    voice : {"own", "quoted", "reported", "all"}, default="own"
        Count all matches, only those outside quotation marks, or only those inside.
    normalize_by : {None, "tokens", "l1"}, default=None
        ``None`` gives raw counts; ``"tokens"`` divides by the document's word count (a rate per
        word); ``"l1"`` divides by the document's total of matches (shares; rows of zeros stay zero).

    Attributes
    ----------
    lexicon_ : Lexicon
    feature_names_out_ : ndarray of str
    n_features_in_ : int
        Always 1: the input is one column of text.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> vec = FramingVectorizer(lexicon="libya", voice="own")
    >>> X = vec.fit_transform(["قوات حفتر تتقدم", "ميليشيات حفتر تقصف"])
    >>> X.shape[0], "label:haftar_camp:neutral" in vec.get_feature_names_out()
    (2, True)
    """

    def __init__(self, *, lexicon="libya", voice="own", normalize_by=None):
        self.lexicon = lexicon
        self.voice = voice
        self.normalize_by = normalize_by

    def _texts(self, X):
        if isinstance(X, str):
            raise FramingError(
                "Iterable over raw text documents expected, string object received; wrap it in a list"
            )
        if hasattr(X, "columns"):
            if "text" not in X.columns:
                raise FramingError("a DataFrame given to FramingVectorizer needs a 'text' column")
            X = X["text"]
        texts = list(X)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise FramingError(
                    f"document {i}: expected a str, got {type(t).__name__}; FramingVectorizer takes raw texts"
                )
        return texts

    def fit(self, X, y=None):
        """Validate the parameters and compile the lexicon. ``X`` is only checked."""
        check_voice(self.voice)
        if self.normalize_by not in _NORMALIZE_BY:
            raise FramingError(f"normalize_by must be one of {_NORMALIZE_BY}; got {self.normalize_by!r}")
        self._texts(X)
        self.lexicon_ = self.lexicon if isinstance(self.lexicon, Lexicon) else as_lexicon(self.lexicon)
        self.feature_names_out_ = np.asarray(self.lexicon_.feature_names, dtype=object)
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Counts (or rates, or shares) as a dense float array of shape (n_documents, n_features)."""
        check_is_fitted(self, "lexicon_")
        texts = self._texts(X)
        counts, n_tokens = count_matrix(texts, self.lexicon_, voice=self.voice)
        out = counts.astype(float)
        if self.normalize_by == "tokens":
            out /= np.maximum(n_tokens, 1)[:, None]
        elif self.normalize_by == "l1":
            out /= np.maximum(out.sum(axis=1), 1)[:, None]
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "lexicon_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
