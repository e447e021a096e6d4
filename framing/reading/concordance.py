"""Reading the text behind a number: concordances, collocates and candidate labels.

This module gathers the reading tools under their historical import path; each lives in its own
module:

* :func:`kwic` (:mod:`framing.reading.kwic`) — keyword-in-context lines cut from the ORIGINAL text
  (diacritics, tatweel and spelling as written), returned as a :class:`KWICTable` that renders as a
  right-to-left HTML table in Jupyter; :func:`context` cuts the words around one span.
* :func:`collocates` (:mod:`framing.reading.collocates`) — the words that keep company with a term,
  with MI, logDice, G2 and t-score.
* :func:`discover_labels` (:mod:`framing.reading.discover`) — words and 2-grams standing next to a
  referent's aliases that the lexicon lacks, ranked per outlet: candidate labels.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["d1"], "outlet": ["Sahil"], "date": ["2020-01-05"],
...                        "text": ["قصفت ميلـيشيات حفتر مطار معيتيقة صباح اليوم"]})
>>> line = kwic(corpus, "ميليشيا", window=2).iloc[0]
>>> line["left"], line["match"], line["right"]
('قصفت', 'ميلـيشيات', 'حفتر مطار')
"""

from __future__ import annotations

from framing.reading.collocates import MEASURES, collocates
from framing.reading.discover import default_stopwords, discover_labels
from framing.reading.kwic import KWIC_COLUMNS, Context, KWICTable, context, kwic

__all__ = ["KWICTable", "KWIC_COLUMNS", "kwic", "collocates", "discover_labels", "context", "Context",
           "MEASURES", "default_stopwords"]
