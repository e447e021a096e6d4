"""framing.features.inputs: what the feature step and the reading tools accept as a corpus."""

import pandas as pd
import pytest

from framing.errors import FramingError
from framing.features.inputs import Documents, as_corpus, documents, is_dask


def test_as_corpus_takes_a_table_or_a_path(tmp_path):
    table = pd.DataFrame({"text": ["خبر"], "outlet": ["X"]})
    assert as_corpus(table) is table
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "خبر", "outlet": "X"}\n', encoding="utf-8")
    for given in (path, str(path), bytes(path)):
        assert as_corpus(given)["text"].tolist() == ["خبر"]
    with pytest.raises(FramingError, match="no 'text' column"):
        as_corpus(pd.DataFrame({"body": ["x"]}))
    with pytest.raises(FramingError, match="expected a pandas DataFrame or a corpus path, got list"):
        as_corpus(["خبر"])


def test_as_corpus_refuses_dask_and_names_scale():
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(pd.DataFrame({"text": ["خبر"]}), npartitions=1)
    assert is_dask(ddf) and not is_dask(pd.DataFrame())
    with pytest.raises(FramingError, match="framing.scale"):
        as_corpus(ddf)


def test_documents_are_named_and_default_missing_columns():
    corpus = pd.DataFrame({"text": ["أ", "ب"], "date": ["2020-01-02", "bad"]}, index=[7, 9])
    docs = documents(corpus)
    assert isinstance(docs, Documents)
    assert docs.ids == ["7", "9"] and docs.outlets == ["", ""] and docs.texts == ["أ", "ب"]
    assert docs.dates[0] == pd.Timestamp("2020-01-02") and pd.isna(docs.dates[1])
    ids, outlets, dates, texts = docs  # still unpacks as the old 4-tuple
    assert texts == ["أ", "ب"]
    with pytest.raises(FramingError, match=r"row 1 \(doc_id '9'\), field 'text'"):
        documents(pd.DataFrame({"text": ["أ", None]}, index=[7, 9]))
