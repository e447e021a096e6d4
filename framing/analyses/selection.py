"""Choosing what to look at, for any corpus and any lexicon: the referent most labelled, the label term
most used, a sentence that shows a hit, the outlets large enough for cross-validation.

The notebooks use these so that they hold no referent or term of a particular lexicon: run them with
another corpus and another lexicon (papermill ``-p CORPUS ... -p LEXICON ...``) and they choose again.
"""

from __future__ import annotations

import re

from framing.errors import FramingError
from framing.vocabulary import CATEGORY_PREFIX, LABEL_PREFIX, label_columns

__all__ = ["referent_totals", "top_referent", "top_term", "hit_sentence", "outlets_for_folds"]

_SENTENCE_END = re.compile(r"[.!?؟\n]+")


def _label_columns(features) -> list[str]:
    if not hasattr(features, "columns"):
        raise FramingError(f"features: expected the DataFrame from extract_features, got {type(features).__name__}")
    return [c for c, _, _ in label_columns(features)]


def referent_totals(features):
    """Labels counted per referent in ``features`` (from :func:`framing.extract_features`), most first.

    A ``pandas.Series`` indexed by referent name (ties in lexicon order); empty when the lexicon has no
    referent (a categories-only lexicon such as ``markers``).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"label:a:neutral": [1, 0], "label:b:neutral": [2, 3], "label:b:legitimizing": [0, 1]})
    >>> referent_totals(f).to_dict()
    {'b': 6, 'a': 1}
    """
    import pandas as pd

    cols = _label_columns(features)
    totals: dict[str, int] = {}
    for col in cols:
        name = col.split(":")[1]
        totals[name] = totals.get(name, 0) + int(pd.to_numeric(features[col]).sum())
    series = pd.Series(totals, dtype="int64", name="labels")
    series.index.name = "referent"
    return series.sort_values(ascending=False, kind="stable")


def top_referent(features, referent=None):
    """The referent to look at: ``referent`` when given (checked against ``features``), else the one with
    the most labels in the corpus. ``None`` when no referent has any label (or the lexicon has none).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"label:a:neutral": [1, 0], "label:b:neutral": [2, 3]})
    >>> top_referent(f), top_referent(f, "a")
    ('b', 'a')
    """
    totals = referent_totals(features)
    if referent is not None:
        if referent not in totals.index:
            known = ", ".join(totals.index) or "none (this lexicon has no referent)"
            raise FramingError(f"REFERENT: unknown referent {referent!r}; the lexicon has {known}")
        return referent
    if not len(totals) or int(totals.iloc[0]) == 0:
        return None
    return str(totals.index[0])


def top_term(matches, referent=None, kind: str | None = None):
    """The term with most in-scope hits in ``matches`` (from :func:`framing.extract_matches`), for
    ``referent`` when given, else over all hits of ``kind`` (``"label"``, ``"category"``...; default any).
    ``None`` when there is no such hit.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"term": ["x", "y", "y"], "referent": ["a", "a", "b"], "kind": ["label"] * 3})
    >>> top_term(m, "a"), top_term(m)
    ('x', 'y')
    """
    hits = _hits(matches, referent, kind)
    if not len(hits):
        return None
    counts = hits["term"].value_counts(sort=False)
    return str(counts.index[int(counts.to_numpy().argmax())])


def _hits(matches, referent, kind):
    if not hasattr(matches, "columns") or "term" not in matches.columns:
        raise FramingError("matches: expected the DataFrame from extract_matches (a 'term' column)")
    hits = matches
    if "in_scope" in hits.columns:
        hits = hits[hits["in_scope"].astype(bool)]
    if referent is not None:
        hits = hits[hits["referent"] == referent]
    if kind is not None:
        hits = hits[hits["kind"] == kind]
    return hits


def hit_sentence(corpus, matches, referent=None, kind: str | None = None):
    """The sentence around the first hit (of ``referent`` / ``kind`` when given), to match again by hand:
    ``(doc_id, sentence)``, or ``None`` when there is no such hit.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["d"], "text": ["جملة أولى. قالت المصادر إن القوات وصلت. جملة أخيرة."]})
    >>> m = pd.DataFrame({"doc_id": ["d"], "start": [27], "end": [33], "term": ["قوات"], "referent": ["x"],
    ...                   "kind": ["label"]})
    >>> hit_sentence(c, m)
    ('d', 'قالت المصادر إن القوات وصلت.')
    """
    hits = _hits(matches, referent, kind)
    if not len(hits):
        return None
    first = hits.iloc[0]
    texts = corpus.loc[corpus["doc_id"] == first["doc_id"], "text"]
    if not len(texts):
        raise FramingError(f"matches: document {first['doc_id']!r} is not in the corpus; pass the corpus the "
                           "matches came from")
    text = str(texts.iloc[0])
    start, end = int(first["start"]), int(first["end"])
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    after = _SENTENCE_END.search(text, end)
    right = after.end() if after else len(text)
    return str(first["doc_id"]), text[left:right].strip()


def outlets_for_folds(features, cv: int = 5, *, by: str = "outlet", feature_cols=None):
    """Leave out the outlets with fewer documents than ``cv`` folds, as :func:`framing.predict_outlet`
    counts them (documents with at least one feature count). Returns ``(kept, left_out)``: the rows of
    ``features`` of the other outlets, and a ``pandas.Series`` of the outlets left out with their
    number of usable documents.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"outlet": ["a"] * 3 + ["b"], "label:r:neutral": [1, 1, 1, 1]})
    >>> kept, left_out = outlets_for_folds(f, cv=2)
    >>> sorted(kept["outlet"].unique()), left_out.to_dict()
    (['a'], {'b': 1})
    """
    import pandas as pd

    if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
        raise FramingError(f"cv: expected an integer >= 2 (folds), got {cv!r}")
    if by not in getattr(features, "columns", ()):
        raise FramingError(f"features: no {by!r} column; pass the table from extract_features")
    cols = list(feature_cols) if feature_cols is not None else [
        c for c in features.columns if isinstance(c, str) and c.startswith((LABEL_PREFIX, CATEGORY_PREFIX))]
    usable = features[cols].sum(axis=1) > 0 if cols else pd.Series(False, index=features.index)
    per_outlet = usable.groupby(features[by].astype(str)).sum().astype("int64")
    small = per_outlet[per_outlet < cv].sort_values(kind="stable")
    small.name = "documents"
    kept = features[~features[by].astype(str).isin(small.index)]
    return kept, small
