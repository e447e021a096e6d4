"""The toy lexicon (two referents sharing labels) and small corpus of the term-count and comparison tests."""

import pandas as pd

# a toy lexicon written for these tests
TOY = {
    "name": "toy",
    "referents": {
        "east": {"aliases": ["حفتر"],
                 "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
                            "neutral": ["قوات"], "legitimizing": ["الجيش"]}},
        "west": {"aliases": ["السراج"],
                 "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["قوات"]}},
    },
}


def corpus_of(rows) -> pd.DataFrame:
    """A corpus table from ``(doc_id, outlet, date, text)`` rows, dates parsed."""
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "text"]).assign(
        date=lambda d: pd.to_datetime(d["date"]))


SMALL = corpus_of([
    ("a1", "A", "2020-01-03", "تقدمت ميليشيات حفتر نحو المدينة"),
    ("a2", "A", "2020-02-10", "قصفت مليشيا حفتر الحي، وردت قوات السراج"),
    ("b1", "B", "2020-01-20", "تقدمت قوات حفتر نحو المدينة"),
    ("b2", "B", "2020-02-01", "قال الجيش حفتر إن قوات السراج انسحبت"),
    ("c1", "C", "2020-01-05", "اشتبكت قوات حفتر مع ميليشيا السراج"),
])
