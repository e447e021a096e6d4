"""Can framing features alone tell the outlets apart? A cross-validated classifier.

If an outlet's word choice is distinctive, a classifier trained only on the per-document counts of
the lexicon's categories and labels (:func:`framing.extract_features`) names the outlet of unseen
documents better than chance. :func:`predict_outlet` measures how much better.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.vocabulary import CATEGORY_PREFIX, LABEL_PREFIX

logger = logging.getLogger(__name__)

__all__ = ["predict_outlet", "OutletPrediction"]

_NORMS = ("l1", "l2", None)


@dataclass
class OutletPrediction:
    """The result of :func:`predict_outlet`.

    Attributes
    ----------
    accuracy, macro_f1 : float
        Of the cross-validated predictions.
    baseline_accuracy : float
        Accuracy of always naming the most frequent outlet.
    chance_macro_f1 : float
        Macro-F1 of a stratified random guess (scikit-learn ``DummyClassifier(strategy="stratified")``,
        cross-validated with the same folds).
    confusion : DataFrame
        Counts, true outlets (index) × predicted outlets (columns).
    report : DataFrame
        Per outlet ``precision``, ``recall``, ``f1``, ``support``.
    top_features : DataFrame
        ``outlet``, ``feature``, ``weight``: per outlet the ``top_k`` features with the largest
        coefficients of the model fit on all the documents (standardized features, so weights are
        comparable across features; positive = makes the outlet more likely).
    predictions : DataFrame
        ``doc_id`` (when given), ``outlet``, ``predicted`` per kept document.
    n_docs : int
        Documents used.
    n_dropped : int
        Documents left out because all their feature counts are 0 (nothing to classify on).
    feature_cols : list of str
    """

    accuracy: float
    macro_f1: float
    baseline_accuracy: float
    chance_macro_f1: float
    confusion: pd.DataFrame
    report: pd.DataFrame
    top_features: pd.DataFrame
    predictions: pd.DataFrame
    n_docs: int
    n_dropped: int
    feature_cols: list = field(default_factory=list)

    def summary(self) -> str:
        """One line of figures."""
        return (f"{self.n_docs} documents ({self.n_dropped} without any label left out), "
                f"{len(self.confusion)} outlets: accuracy {self.accuracy:.3f} (majority baseline "
                f"{self.baseline_accuracy:.3f}), macro-F1 {self.macro_f1:.3f} (chance {self.chance_macro_f1:.3f})")

    def __repr__(self) -> str:
        return f"OutletPrediction({self.summary()})"


def _feature_cols(features: pd.DataFrame, feature_cols):
    if feature_cols is None:
        cols = [c for c in features.columns if isinstance(c, str) and c.startswith((CATEGORY_PREFIX, LABEL_PREFIX))]
        if not cols:
            raise FramingError("features: no 'cat:' or 'label:' columns; pass the table from extract_features "
                               "or name the columns with feature_cols=")
        return cols
    cols = [feature_cols] if isinstance(feature_cols, str) else list(feature_cols)
    missing = [c for c in cols if c not in features.columns]
    if missing or not cols:
        raise FramingError(f"feature_cols: column(s) {missing or cols} not in the features table "
                           f"(columns: {', '.join(map(str, features.columns))})")
    return cols


def predict_outlet(features, *, feature_cols=None, model="logistic", cv: int = 5, seed: int = 0,
                   normalize: str | None = "l1", top_k: int = 10, C: float = 1.0) -> OutletPrediction:
    """How well framing features alone predict the outlet of a document.

    The model is a scikit-learn Pipeline: row normalization of the counts (``normalize``: "l1" turns
    counts into shares of the document's matches, so article length does not decide; "l2"; or None
    for raw counts), ``StandardScaler``, and a multinomial ``LogisticRegression`` with
    ``class_weight="balanced"`` (outlets with fewer documents are not ignored). Predictions come from
    stratified K-fold cross-validation (``cross_val_predict``, shuffled with ``seed``), so every
    document is predicted by a model that did not see it.

    Documents whose feature counts are all 0 carry no information about framing: they are left out,
    and counted in ``n_dropped`` (and logged). Rows without an outlet are an error.

    Parameters
    ----------
    features : DataFrame
        From :func:`framing.extract_features` (``outlet`` column and count columns).
    feature_cols : list of str, optional
        Default: every ``cat:`` and ``label:`` column.
    model : "logistic" or a scikit-learn classifier
        A classifier replaces the LogisticRegression step (normalization and scaling stay).
    cv : int, default 5
        Folds; every outlet needs at least ``cv`` kept documents.
    seed : int, default 0
    normalize : {"l1", "l2", None}
    top_k : int, default 10
        Features per outlet in ``top_features``.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.

    Returns
    -------
    OutletPrediction
    """
    from sklearn.base import clone
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, Normalizer, StandardScaler

    if not isinstance(features, pd.DataFrame):
        raise FramingError(f"features: expected the DataFrame from extract_features, got {type(features).__name__}")
    if "outlet" not in features.columns:
        raise FramingError("features: no 'outlet' column; the table from extract_features has one")
    if normalize not in _NORMS:
        raise FramingError(f"normalize: expected 'l1', 'l2' or None, got {normalize!r}")
    if isinstance(cv, bool) or not isinstance(cv, (int, np.integer)) or cv < 2:
        raise FramingError(f"cv: expected an integer >= 2 (folds), got {cv!r}")
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise FramingError(f"top_k: expected an integer >= 1, got {top_k!r}")
    cols = _feature_cols(features, feature_cols)
    try:
        X_all = features[cols].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise FramingError(f"features: columns {cols} must hold numeric counts") from None
    if not np.isfinite(X_all).all() or (X_all < 0).any():
        raise FramingError("features: counts must be finite and >= 0; fill missing counts with 0")
    y_all = features["outlet"]
    if y_all.isna().any() or (y_all.astype(str).str.strip() == "").any():
        i = int(np.flatnonzero((y_all.isna() | (y_all.astype(str).str.strip() == "")).to_numpy())[0])
        raise FramingError(f"features, row {i}, field 'outlet': missing outlet; drop or fill it first")
    keep = X_all.sum(axis=1) > 0
    n_dropped = int((~keep).sum())
    if n_dropped:
        logger.info("predict_outlet: %d document(s) without any feature count left out", n_dropped)
    X = X_all[keep]
    y = y_all.astype(str).to_numpy()[keep]
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise FramingError(f"features: need at least two outlets to tell apart, got {list(classes)}")
    if counts.min() < cv:
        small = {str(c): int(n) for c, n in zip(classes, counts, strict=True) if n < cv}
        raise FramingError(f"outlets {small} have fewer kept documents than cv={cv} folds; "
                           "lower cv or leave those outlets out")

    if model == "logistic":
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    elif hasattr(model, "fit") and hasattr(model, "predict"):
        clf = clone(model)
    else:
        raise FramingError(f"model: expected 'logistic' or a scikit-learn classifier, got {model!r}")
    norm_step = Normalizer(norm=normalize) if normalize else FunctionTransformer()
    pipe = Pipeline([("normalize", norm_step), ("scale", StandardScaler()), ("model", clf)])
    folds = StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=seed)
    pred = cross_val_predict(pipe, X, y, cv=folds)
    dummy = cross_val_predict(DummyClassifier(strategy="stratified", random_state=seed), X, y, cv=folds)

    labels = list(classes)
    conf = pd.DataFrame(confusion_matrix(y, pred, labels=labels), index=pd.Index(labels, name="outlet"),
                        columns=pd.Index(labels, name="predicted"))
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    report = pd.DataFrame({"outlet": labels, "precision": p, "recall": r, "f1": f, "support": s.astype("int64")})

    top = pd.DataFrame(columns=["outlet", "feature", "weight"])
    fitted = clone(pipe).fit(X, y)
    coef = getattr(fitted.named_steps["model"], "coef_", None)
    if coef is not None:
        coef = np.asarray(coef)
        if coef.shape[0] == 1:  # binary: one row for the second class
            coef = np.vstack([-coef[0], coef[0]])
        model_classes = list(fitted.named_steps["model"].classes_)
        rows = []
        for k, outlet in enumerate(model_classes):
            order = np.argsort(-coef[k], kind="stable")[:top_k]
            rows += [(outlet, cols[j], float(coef[k, j])) for j in order]
        top = pd.DataFrame(rows, columns=["outlet", "feature", "weight"])

    preds = pd.DataFrame({"outlet": y, "predicted": pred})
    if "doc_id" in features.columns:
        preds.insert(0, "doc_id", features["doc_id"].to_numpy()[keep])
    majority = counts.max() / counts.sum()
    return OutletPrediction(
        accuracy=float(accuracy_score(y, pred)), macro_f1=float(f1_score(y, pred, average="macro")),
        baseline_accuracy=float(majority), chance_macro_f1=float(f1_score(y, dummy, average="macro")),
        confusion=conf, report=report, top_features=top, predictions=preds, n_docs=len(y),
        n_dropped=n_dropped, feature_cols=cols)
