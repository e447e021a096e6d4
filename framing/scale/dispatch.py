"""pandas or Dask: where :func:`framing.extract_matches` and :func:`framing.extract_features` send a corpus.

Only :mod:`framing.scale` and :mod:`framing.pipeline` decide to use Dask. The feature step
(:mod:`framing.features`) works on pandas tables and corpus paths and never imports
:mod:`framing.scale`; given a Dask DataFrame it raises a :class:`~framing.errors.FramingError` that
names the functions here. The top-level names ``framing.extract_matches`` and
``framing.extract_features`` are the two functions of this module: a Dask DataFrame goes to
:func:`framing.scale.dask.dask_extract_matches` / :func:`~framing.scale.dask.dask_extract_features`
(a lazy Dask DataFrame comes back, as before), anything else to
:func:`framing.features.extract.extract_matches` / :func:`~framing.features.extract.extract_features`.

>>> import pandas as pd
>>> lex = {"name": "toy", "referents": {"r": {"aliases": ["حفتر"], "labels": {"neutral": ["قوات"]}}}}
>>> extract_features(pd.DataFrame({"text": ["قوات حفتر"]}), lex)["label:r:neutral"].tolist()
[1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from framing.features import extract as pandas_extract
from framing.features.inputs import is_dask
from framing.scale.dask import dask_extract_features, dask_extract_matches
from framing.vocabulary import DEFAULT_VOICE

__all__ = ["extract_matches", "extract_features"]

_DASK_NOTE = """
    A ``dask.dataframe.DataFrame`` corpus is handed to :func:`framing.scale.dask_{name}` and a lazy
    Dask DataFrame comes back.
    """


def extract_matches(corpus: Any, lexicon: Any, *, voice: str = DEFAULT_VOICE,
                    kinds: Sequence[str] = ("category", "label"), scope: str = "all") -> Any:
    if is_dask(corpus):
        return dask_extract_matches(corpus, lexicon, voice=voice, kinds=kinds, scope=scope)
    return pandas_extract.extract_matches(corpus, lexicon, voice=voice, kinds=kinds, scope=scope)


def extract_features(corpus: Any, lexicon: Any, *, voice: str = DEFAULT_VOICE) -> Any:
    if is_dask(corpus):
        return dask_extract_features(corpus, lexicon, voice=voice)
    return pandas_extract.extract_features(corpus, lexicon, voice=voice)


# the documentation is that of the pandas functions, plus what happens to a Dask corpus
extract_matches.__doc__ = (pandas_extract.extract_matches.__doc__ or "").rstrip() + "\n" + _DASK_NOTE.format(
    name="extract_matches")
extract_features.__doc__ = (pandas_extract.extract_features.__doc__ or "").rstrip() + "\n" + _DASK_NOTE.format(
    name="extract_features")
