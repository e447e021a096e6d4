"""The toy Yemen corpus and lexicon of the attention tests (analyses, output, views)."""

import pandas as pd

from framing.analyses.coverage import ATTENTION_KINDS, attention
from framing.features.extract import extract_matches

LEX = {"name": "toy", "referents": {
    "houthis": {"aliases": ["الحوثي", "أنصار الله"],
                "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["جماعة"]}},
    "coalition": {"aliases": ["التحالف العربي"], "labels": {"neutral": ["قوات"]}},
}}

# sentences written for these tests
TEXTS = [
    ("X", "2021-01-04", "قصفت ميليشيا الحوثي المدينة وقالت جماعة الحوثي إنها ردت"),   # houthis (twice)
    ("X", "2021-01-10", "أعلن أنصار الله سيطرتهم على الموقع"),                          # houthis (alias)
    ("X", "2021-01-20", "ارتفعت أسعار الخبز في الأسواق"),                               # nothing
    ("X", "2021-01-25", "قالت قوات التحالف العربي إنها أسقطت طائرة"),                   # coalition
    ("X", "2021-02-02", "تحدث «الحوثي» عن المفاوضات"),                                  # houthis, quoted
    ("Y", "2021-01-05", "افتتح معرض الكتاب أبوابه"),                                    # nothing
    ("Y", "2021-01-06", "قال التحالف العربي إن الحوثي أطلق صاروخا"),                    # both
    ("Y", None, "أعلن الحوثي وقف إطلاق النار"),                                         # houthis, undated
]


def attention_corpus() -> pd.DataFrame:
    """TEXTS as a corpus table (doc_id d0..d7, outlet, date, text); a new table each call."""
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(TEXTS))],
                         "outlet": [t[0] for t in TEXTS],
                         "date": pd.to_datetime([t[1] for t in TEXTS]),
                         "text": [t[2] for t in TEXTS]})


def attention_of(corpus, lexicon=LEX, **kw):
    """attention from the corpus and its matches, extracted first (the table route)."""
    matches = extract_matches(corpus, lexicon, kinds=ATTENTION_KINDS, voice="all")
    return attention(corpus, matches, lexicon=lexicon, **kw)
