"""The corpus table as pandas users handle it: to_parquet, pd.concat, rejects, epoch dates."""

from __future__ import annotations

import copy
import json
import pickle

import pandas as pd
import pytest

import framing
from framing.corpus.reader import Rejects, iter_corpus, read_corpus
from framing.errors import CorpusError

ROWS = [
    {"doc_id": "a1", "outlet": "صحيفة الشرق", "date": "2021-03-01", "text": "افتتح رئيس البلدية جسرا جديدا."},
    {"doc_id": "a2", "outlet": "صحيفة الغرب", "date": "2021-03-02", "text": ""},
    {"doc_id": "a3", "outlet": "صحيفة الغرب", "date": "2021-03-03", "text": "هطلت أمطار غزيرة على المدينة."},
    {"doc_id": "a4", "outlet": "", "date": "2021-03-04", "text": "فاز الفريق المحلي في المباراة."},
]


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def collected(tmp_path):
    return read_corpus(_write(tmp_path / "c.jsonl", ROWS), errors="collect")


def test_rejects_are_plain_records_and_a_frame_on_demand(collected, tmp_path):
    rec = collected.attrs["rejects"]
    assert isinstance(rec, list) and all(type(r) is dict for r in rec)
    assert [(r["line"], r["field"]) for r in rec] == [(2, "text"), (4, "outlet")]
    json.dumps(collected.attrs)  # JSON-able, as pandas needs for Parquet metadata
    table = framing.rejects(collected)
    assert list(table.columns) == ["source", "line", "field", "reason"]
    assert table["line"].dtype == "int64" and table["line"].tolist() == [2, 4]
    assert table["source"].tolist() == [str(tmp_path / "c.jsonl")] * 2
    assert table["reason"].str.contains("empty text").iloc[0]


def test_older_dataframe_reads_still_work(collected):
    rej = collected.attrs["rejects"]
    assert rej["line"].tolist() == [2, 4]
    assert rej[["line", "field"]].values.tolist() == [[2, "text"], [4, "outlet"]]
    assert rej.iloc[1]["field"] == "outlet" and len(rej.head(1)) == 1
    assert [row.line for row in rej.itertuples(index=False)] == [2, 4]
    assert isinstance(rej[0], dict) and rej[0]["line"] == 2  # and it is still a list
    with pytest.raises(AttributeError):
        rej.no_such_attribute


def test_to_parquet_round_trip_keeps_rejects(collected, tmp_path):
    collected.to_parquet(tmp_path / "c.parquet")
    back = pd.read_parquet(tmp_path / "c.parquet")
    assert back["doc_id"].tolist() == ["a1", "a3"]
    assert back.attrs["n_read"] == 4
    pd.testing.assert_frame_equal(framing.rejects(back), framing.rejects(collected))


def test_clean_read_writes_parquet(tmp_path):
    df = read_corpus(_write(tmp_path / "ok.jsonl", [ROWS[0], ROWS[2]]))
    df.to_parquet(tmp_path / "ok.parquet")
    assert len(framing.rejects(df)) == 0 and len(pd.read_parquet(tmp_path / "ok.parquet")) == 2


def test_pd_concat_of_corpora_and_batches(collected, tmp_path):
    other = read_corpus(_write(tmp_path / "d.jsonl", [dict(ROWS[0], doc_id="b1")]))
    both = pd.concat([collected, other], ignore_index=True)
    assert both["doc_id"].tolist() == ["a1", "a3", "b1"]
    same = pd.concat([collected, collected], ignore_index=True)
    assert len(framing.rejects(same)) == 2  # equal attrs are kept by pandas
    batches = list(iter_corpus(tmp_path / "c.jsonl", errors="collect", batch_size=1))
    assert len(pd.concat(batches, ignore_index=True)) == 2
    assert sum(len(framing.rejects(b)) for b in batches) == 2


def test_rejects_survive_copy_and_pickle(collected):
    rec = collected.attrs["rejects"]
    for clone in (copy.deepcopy(rec), pickle.loads(pickle.dumps(rec)), collected.copy().attrs["rejects"]):
        assert isinstance(clone, Rejects) and clone == rec


def test_rejects_of_older_tables_and_nothing():
    old = pd.DataFrame({"a": [1]})
    old.attrs["rejects"] = pd.DataFrame({"source": ["f"], "line": [3], "field": [None], "reason": ["bad"]})
    assert framing.rejects(old)[["line", "reason"]].values.tolist() == [[3, "bad"]]
    assert framing.rejects(pd.DataFrame()).empty


# --- epoch dates ----------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*(epoch|date_format).*")  # pandas deprecates the epoch default
def test_pandas_to_json_default_dates_read_back(tmp_path):
    src = pd.DataFrame({"doc_id": ["x", "y", "z"], "outlet": ["أ", "ب", "أ"],
                        "date": pd.to_datetime(["2015-01-03 00:00", "2015-06-30 14:05", None]),
                        "text": ["خبر أول", "خبر ثان", "خبر ثالث"]})
    path = tmp_path / "pd.jsonl"
    src.to_json(path, orient="records", lines=True, force_ascii=False)  # pandas < 4: epoch milliseconds
    assert "1420243200000" in path.read_text()
    df = read_corpus(path)
    assert df["date"].tolist()[:2] == [pd.Timestamp("2015-01-03"), pd.Timestamp("2015-06-30 14:05")]
    assert pd.isna(df["date"].iloc[2])


@pytest.mark.parametrize("value", [1420243200, 1420243200000, 1420243200000000, 1420243200000000000,
                                   "1420243200000", 1420243200000.0])
def test_epoch_units_told_apart_by_size(tmp_path, value):
    path = _write(tmp_path / "e.jsonl", [{"outlet": "أ", "text": "خبر", "date": value}])
    assert read_corpus(path)["date"].iloc[0] == pd.Timestamp("2015-01-03")


def test_epoch_in_csv_and_short_numbers_as_text(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("outlet,text,date\nأ,خبر,1420243200000\nب,خبر آخر,20150103\n", encoding="utf-8")
    assert read_corpus(path)["date"].tolist() == [pd.Timestamp("2015-01-03")] * 2


def test_out_of_range_epoch_is_a_clear_reject(tmp_path):
    path = _write(tmp_path / "e.jsonl", [{"outlet": "أ", "text": "خبر", "date": 1e300}])
    with pytest.raises(CorpusError, match=r"line 1.*'date'.*epoch timestamp.*out of range"):
        read_corpus(path)


def test_streamed_features_keep_json_able_attrs(tmp_path):
    from framing.scale.stream import extract_features_path

    path = _write(tmp_path / "c.jsonl", ROWS)
    feats = extract_features_path(path, "libya", batch_size=2, errors="collect")
    assert feats.attrs["n_rejected"] == 2 and [r["line"] for r in feats.attrs["rejects"]] == [2, 4]
    feats.to_parquet(tmp_path / "f.parquet")
    assert framing.rejects(pd.read_parquet(tmp_path / "f.parquet"))["line"].tolist() == [2, 4]
