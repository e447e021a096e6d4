"""read_corpus / iter_corpus: formats, encodings, repair, validation, accounting, streaming."""

from __future__ import annotations

import gzip
import json
import logging
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.corpus.reader import concat_batches, iter_corpus, read_corpus, rejects
from framing.errors import CorpusError

# short articles written for these tests
ARTICLES = [
    ("صحيفة الشرق", "2021-03-01", "افتتاح جسر", "افتتح رئيس البلدية جسرا جديدا فوق النهر صباح اليوم."),
    ("صحيفة الغرب", "2021-03-02", "أمطار غزيرة", "هطلت أمطار غزيرة على المدينة وأغلقت بعض الطرق الرئيسية."),
    ("إذاعة الوسط", None, "مباراة", "فاز الفريق المحلي في المباراة النهائية بهدفين مقابل هدف."),
    ("صحيفة الشرق", "2021-03-04", "معرض الكتاب", "انطلق معرض الكتاب السنوي بمشاركة مئات دور النشر."),
]


def records(n=None):
    rows = [{"outlet": o, "date": d, "title": t, "text": x} for o, d, t, x in ARTICLES]
    return rows if n is None else [dict(rows[i % len(rows)], text=f"{rows[i % len(rows)]['text']} رقم {i}")
                                   for i in range(n)]


def write_jsonl(path, rows, encoding="utf-8"):
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    data = ("\n".join(lines) + "\n").encode(encoding)
    if str(path).endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def write_csv(path, rows, sep=",", encoding="utf-8"):
    df = pd.DataFrame(rows)
    path.write_bytes(df.to_csv(index=False, sep=sep).encode(encoding))
    return path


def check_table(df, n):
    assert list(df.columns[:6]) == ["doc_id", "outlet", "date", "title", "text", "url"]
    assert str(df["date"].dtype) == "datetime64[ns]"
    assert len(df) == n
    assert df.attrs["n_read"] == n and len(df.attrs["rejects"]) == 0
    assert df["doc_id"].is_unique


# --- formats ---------------------------------------------------------------------------------------
def test_jsonl_reads_all_fields_and_generates_ids(tmp_path):
    rows = records()
    rows[0]["topic"] = "محلي"
    df = read_corpus(write_jsonl(tmp_path / "news.jsonl", rows))
    check_table(df, 4)
    assert df["doc_id"].tolist() == ["news:1", "news:2", "news:3", "news:4"]
    assert df["outlet"].tolist() == [r[0] for r in ARTICLES]
    assert df["url"].tolist() == [""] * 4
    assert df.loc[0, "date"] == pd.Timestamp("2021-03-01") and pd.isna(df.loc[2, "date"])
    assert df.loc[0, "topic"] == "محلي" and pd.isna(df.loc[1, "topic"])
    assert df.loc[3, "text"] == ARTICLES[3][3]


def test_gzip_and_json_list_equal_jsonl(tmp_path):
    rows = records()
    plain = read_corpus(write_jsonl(tmp_path / "a.jsonl", rows))
    gz = read_corpus(write_jsonl(tmp_path / "a.jsonl.gz", rows))
    (tmp_path / "a.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    lst = read_corpus(tmp_path / "a.json")
    for other in (gz, lst):
        pd.testing.assert_frame_equal(plain.drop(columns="doc_id"), other.drop(columns="doc_id"))
    assert gz["doc_id"].tolist() == plain["doc_id"].tolist()  # the stem drops .jsonl.gz


def test_json_list_reports_line_of_bad_item(tmp_path):
    text = '[\n  {"outlet": "أ", "text": "خبر أول"},\n  17,\n  {"outlet": "ب", "text": ""}\n]'
    (tmp_path / "l.json").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match="line 3") as err:
        read_corpus(tmp_path / "l.json")
    assert "JSON object" in err.value.reason
    df = read_corpus(tmp_path / "l.json", errors="collect")
    assert df.attrs["rejects"][["line", "field"]].values.tolist() == [[3, None], [4, "text"]]


def test_csv_quoted_newlines_and_delimiters(tmp_path):
    rows = records()
    rows[1]["text"] = 'سطر أول\nسطر ثان، و"اقتباس"'
    for name, sep in (("c.csv", ","), ("c.tsv", "\t"), ("c.txt", ";")):
        df = read_corpus(write_csv(tmp_path / name, rows, sep=sep))
        check_table(df, 4)
        assert df.loc[1, "text"] == rows[1]["text"]
        assert df["doc_id"].tolist() == ["c:2", "c:3", "c:5", "c:6"]  # the line each record starts on


def test_csv_bad_record_reports_start_line_after_multiline_fields(tmp_path):
    body = "\n".join(['outlet,date,text', 'أ,2021-01-01,"سطر\nثان\nثالث"', 'ب,2021-01-02,"خبر"',
                      'ج,not-a-date,"نص\nطويل"', 'د,2021-01-04,خبر آخر'])
    (tmp_path / "m.csv").write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"m\.csv, line 6, field 'date'"):
        read_corpus(tmp_path / "m.csv")
    df = read_corpus(tmp_path / "m.csv", errors="collect")
    assert len(df) == 3 and df.attrs["rejects"]["line"].tolist() == [6]


def test_parquet_rows_and_batches(tmp_path):
    pytest.importorskip("pyarrow")
    rows = records(25)
    rows[7]["text"] = "   "
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet", row_group_size=10)
    df = read_corpus(tmp_path / "p.parquet", errors="collect")
    assert len(df) == 24 and df.attrs["n_read"] == 25
    assert df.attrs["rejects"]["line"].tolist() == [8]  # the 8th row
    batches = list(iter_corpus(tmp_path / "p.parquet", batch_size=10, errors="collect"))
    assert [b.attrs["n_read"] for b in batches] == [10, 10, 5]
    with pytest.raises(CorpusError, match="line 8, field 'text'"):
        read_corpus(tmp_path / "p.parquet")


def test_txt_directory_with_outlet_folders_and_metadata(tmp_path):
    root = tmp_path / "articles"
    (root / "الشرق").mkdir(parents=True)
    (root / "الغرب").mkdir()
    (root / "الشرق" / "a1.txt").write_text(ARTICLES[0][3], encoding="utf-8")
    (root / "الغرب" / "b1.txt").write_bytes(ARTICLES[1][3].encode("utf-16"))
    df = read_corpus(root)
    assert sorted(zip(df["doc_id"], df["outlet"])) == [("الشرق/a1", "الشرق"), ("الغرب/b1", "الغرب")]
    assert set(df["text"]) == {ARTICLES[0][3], ARTICLES[1][3]}

    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "x.txt").write_text(ARTICLES[2][3], encoding="utf-8")
    (flat / "y.txt").write_text(ARTICLES[3][3], encoding="utf-8")
    (flat / "z.txt").write_text(ARTICLES[0][3], encoding="utf-8")
    (flat / "metadata.csv").write_text("file,outlet,date,title\nx.txt,إذاعة,2021-05-01,عنوان\n"
                                       "y.txt,صحيفة,,\nmissing.txt,صحيفة,,\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="z.txt.*outlet"):
        read_corpus(flat)
    df = read_corpus(flat, errors="collect")
    assert df["outlet"].tolist() == ["إذاعة", "صحيفة"] and df.loc[0, "title"] == "عنوان"
    assert df.loc[0, "date"] == pd.Timestamp("2021-05-01") and pd.isna(df.loc[1, "date"])
    rej = df.attrs["rejects"]
    assert sorted(rej["field"]) == ["file", "outlet"] and df.attrs["n_read"] == 4


def test_news_please_directory(tmp_path):
    root = tmp_path / "np" / "example.com"
    root.mkdir(parents=True)
    for i, (outlet, date, title, text) in enumerate(ARTICLES[:3]):
        obj = {"title": title, "maintext": text, "date_publish": f"{date} 10:00:00" if date else None,
               "source_domain": f"site{i}.example", "url": f"https://site{i}.example/{i}", "language": "ar"}
        (root / f"{i}.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    df = read_corpus(tmp_path / "np")
    check_table(df, 3)
    assert df["outlet"].tolist() == ["site0.example", "site1.example", "site2.example"]
    assert df["text"].tolist() == [a[3] for a in ARTICLES[:3]]
    assert df.loc[0, "date"] == pd.Timestamp("2021-03-01 10:00") and pd.isna(df.loc[2, "date"])
    assert df.loc[1, "url"] == "https://site1.example/1" and df.loc[0, "language"] == "ar"


def test_column_mapping_and_missing_column_message(tmp_path):
    rows = [{"source": o, "body": x, "published": d} for o, d, _, x in ARTICLES]
    path = write_jsonl(tmp_path / "m.jsonl", rows)
    with pytest.raises(CorpusError, match=r"no 'text' column; found columns \['source', 'body', 'published'\]"
                                          r".*columns=\{'body': 'text'\}"):
        read_corpus(path)
    with pytest.raises(CorpusError, match=r"no 'outlet'.*columns=\{'source': 'outlet'\}"):
        read_corpus(path, columns={"body": "text"})
    df = read_corpus(path, columns={"body": "text", "source": "outlet", "published": "date"})
    check_table(df, 4)
    assert df.loc[1, "date"] == pd.Timestamp("2021-03-02")


# --- encodings and repair ----------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_encodings_detected(tmp_path, encoding, fmt):
    rows = records(12)  # enough Arabic for charset detection
    path = tmp_path / f"e.{fmt}"
    (write_jsonl if fmt == "jsonl" else write_csv)(path, rows, encoding=encoding)
    df = read_corpus(path)
    check_table(df, 12)
    assert df["text"].tolist() == [r["text"] for r in rows]
    assert df["outlet"].tolist() == [r["outlet"] for r in rows]


def test_explicit_encoding_and_wrong_encoding(tmp_path):
    path = write_csv(tmp_path / "w.csv", records(), encoding="cp1256")
    assert read_corpus(path, encoding="cp1256")["text"].tolist() == [a[3] for a in ARTICLES]
    with pytest.raises(CorpusError, match="line 2.*not valid utf-8"):
        read_corpus(path, encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown encoding"):
        read_corpus(path, encoding="no-such-codec")


def test_mojibake_repaired_with_warning(tmp_path):
    rows = records()
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252: cp1252 keeping every byte)

    for r in rows[:2]:
        r["text"] = r["text"].encode("utf-8").decode("sloppy-windows-1252")
    rows[2]["title"] = rows[2]["title"].encode("utf-8").decode("latin-1")
    assert "Ø" in rows[0]["text"] or "Ù" in rows[0]["text"]
    path = write_jsonl(tmp_path / "moji.jsonl", rows)
    with pytest.warns(UnicodeWarning, match=r"moji\.jsonl.*3 record"):
        df = read_corpus(path)
    assert df.loc[2, "title"] == ARTICLES[2][2]
    assert all("Ø" not in t and "Ù" not in t for t in df["text"])
    assert df.loc[3, "text"] == ARTICLES[3][3]


def test_clean_text_is_not_flagged_as_mojibake(tmp_path):
    rows = records()
    rows[0]["text"] += " (Café) «مرحبا» 25°"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_corpus(write_jsonl(tmp_path / "ok.jsonl", rows))
    assert df.loc[0, "text"] == rows[0]["text"]


def test_html_nul_and_surrogates_cleaned(tmp_path):
    rows = records()
    rows[0]["text"] = ("<div><p>قال <b>الوزير</b> &amp; أضاف&nbsp;أن</p><script>alert('x')</script>"
                       "<style>p {color: red}</style><!-- تعليق -->الخطة &#1580;اهزة</div>")
    rows[0]["title"] = "عنوان &quot;مهم&quot; <i>جدا</i>"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines[1] = lines[1].replace("الرئيسية", "الرئي\\u0000سية\\ud800")
    lines[2] = lines[2].replace("المباراة", "المبا\x00راة")
    df = read_corpus(write_jsonl(tmp_path / "h.jsonl", lines))
    text = df.loc[0, "text"]
    assert "<" not in text and "alert" not in text and "color" not in text and "تعليق" not in text
    assert "قال الوزير & أضاف\u00a0أن" in text and "الخطة جاهزة" in text
    assert df.loc[0, "title"] == 'عنوان "مهم" جدا'
    assert "الرئيسية\ufffd" in df.loc[1, "text"] and "\x00" not in df.loc[1, "text"]
    assert "المباراة" in df.loc[2, "text"]
    df.to_parquet(tmp_path / "out.parquet")  # writable: no lone surrogate left
    df.to_csv(tmp_path / "out.csv", encoding="utf-8")


# --- validation: per record ---------------------------------------------------------------------------
GOOD = {"outlet": "أ", "date": "2021-01-01", "text": "خبر صحيح"}
PROBLEMS = {
    "empty text": ({"outlet": "أ", "text": ""}, "text", "empty text"),
    "null text": ({"outlet": "أ", "text": None}, "text", "empty text"),
    "marks only": ({"outlet": "أ", "text": "\u0640\u0640 \u064e\u0651\u0670 \u200f\u200c\n"}, "text", "empty text"),
    "missing outlet": ({"text": "خبر", "outlet": " "}, "outlet", "missing outlet"),
    "bad date": ({"outlet": "أ", "text": "خبر", "date": "الخميس الماضي"}, "date", "unparsable date"),
    "duplicate id": ({"outlet": "أ", "text": "خبر", "doc_id": "x1"}, "doc_id", "duplicate doc_id 'x1'"),
    "malformed json": ('{"outlet": "أ", "text": "خبر"', None, "malformed JSON"),
    "non-object": ('["أ", "خبر"]', None, "expected a JSON object"),
    "text not a string": ({"outlet": "أ", "text": {"ar": "خبر"}}, "text", "expected a string"),
}


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_record_problems_in_both_modes(tmp_path, case):
    bad, field, reason = PROBLEMS[case]
    rows = [dict(GOOD, doc_id="x1")] + [dict(GOOD, doc_id=f"g{i}") for i in range(5)]
    rows.insert(4, bad if isinstance(bad, str) else {**bad})
    if case != "duplicate id" and isinstance(bad, dict):
        rows[4].setdefault("doc_id", "bad")
    path = write_jsonl(tmp_path / "p.jsonl", rows)
    with pytest.raises(CorpusError, match=reason) as err:
        read_corpus(path)
    assert (err.value.line, err.value.field) == (5, field)
    assert err.value.source == str(path) and "p.jsonl, line 5" in str(err.value)
    df = read_corpus(path, errors="collect")
    rej = df.attrs["rejects"]
    assert list(rej.columns) == ["source", "line", "field", "reason"]
    assert rej[["line", "field"]].values.tolist() == [[5, field]]
    assert reason in rej.loc[0, "reason"]
    assert df.attrs["n_read"] == 7 == len(df) + len(rej)


def test_null_and_empty_dates_are_nat_not_problems(tmp_path):
    rows = [dict(GOOD, date=d) for d in (None, "", "2021-02-03T10:00:00+03:00", "2021/02/04", "3 March 2021")]
    df = read_corpus(write_jsonl(tmp_path / "d.jsonl", rows))
    assert df["date"].isna().tolist() == [True, True, False, False, False]
    assert df.loc[2, "date"] == pd.Timestamp("2021-02-03 10:00")  # the local time as written (offset dropped)
    assert df.loc[4, "date"] == pd.Timestamp("2021-03-03")


def test_bad_line_near_the_end_of_a_long_file(tmp_path):
    n = 50_000
    lines = [json.dumps({"outlet": "أ", "text": f"خبر رقم {i}"}, ensure_ascii=False) for i in range(n)]
    lines[n - 3] = lines[n - 3][:-5]
    path = write_jsonl(tmp_path / "long.jsonl.gz", lines)
    with pytest.raises(CorpusError, match=f"line {n - 2}:"):
        read_corpus(path)
    df = read_corpus(path, errors="collect")
    assert df.attrs["rejects"]["line"].tolist() == [n - 2] and len(df) == n - 1


# --- validation: whole file ----------------------------------------------------------------------------
def test_file_level_errors(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_text("\n\n  \n", encoding="utf-8")
    (tmp_path / "junk.jsonl").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "junk.parquet").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "header.csv").write_text("outlet,text\n", encoding="utf-8")
    (tmp_path / "notgz.jsonl.gz").write_text('{"outlet": "أ", "text": "خبر"}\n', encoding="utf-8")
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "readme.md").write_text("x", encoding="utf-8")
    (tmp_path / "c.xlsx").write_bytes(b"PK")
    full = gzip.compress(("\n".join(json.dumps(r, ensure_ascii=False) for r in records(3000))).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(full[: len(full) // 2])
    expected = {"empty.jsonl": "empty", "blank.jsonl": "empty", "junk.jsonl": "binary|encoding",
                "junk.parquet": "not a readable Parquet", "header.csv": "no records",
                "notgz.jsonl.gz": "not gzip", "nothing": "no readable file",
                "c.xlsx": r"unsupported.*\.jsonl.*\.csv.*\.parquet", "cut.jsonl.gz": "truncated",
                "missing.jsonl": "no such file"}
    for name, pattern in expected.items():
        for mode in ("raise", "collect"):
            with pytest.raises(CorpusError, match=pattern):
                read_corpus(tmp_path / name, errors=mode)


def test_unbalanced_quote(tmp_path):
    body = 'outlet,text\nأ,"خبر أول"\nب,"خبر بلا نهاية\nج,خبر\nد,خبر\n'
    (tmp_path / "q.csv").write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError, match="line 3: unbalanced quote.*lines 3-5"):
        read_corpus(tmp_path / "q.csv")
    df = read_corpus(tmp_path / "q.csv", errors="collect")
    assert len(df) == 1 and df.attrs["rejects"]["line"].tolist() == [3]
    assert df.attrs["n_read"] == 2


def test_stray_quote_rejects_one_record_and_goes_on(tmp_path):
    body = 'outlet,text\nأ,"خبر أول"\nب,"خبر "غريب" هنا"\nج,خبر\n'
    (tmp_path / "q.csv").write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError, match="line 3: malformed CSV record.*stray quote"):
        read_corpus(tmp_path / "q.csv")
    df = read_corpus(tmp_path / "q.csv", errors="collect")
    assert df["outlet"].tolist() == ["أ", "ج"] and df.attrs["rejects"]["line"].tolist() == [3]


def test_csv_field_count_and_bad_arguments(tmp_path):
    (tmp_path / "f.csv").write_text("outlet,text\nأ,خبر\nب,خبر,زائد\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 3: expected 2 fields"):
        read_corpus(tmp_path / "f.csv")
    with pytest.raises(ValueError, match="errors must be"):
        read_corpus(tmp_path / "f.csv", errors="ignore")
    with pytest.raises(ValueError, match="columns must map"):
        read_corpus(tmp_path / "f.csv", columns=["text"])


# --- accounting, logging, streaming ----------------------------------------------------------------------
LINE = st.one_of(
    st.builds(lambda t: json.dumps({"outlet": "أ", "text": t}, ensure_ascii=False),
              st.text(alphabet="خبر \u0640\u064e", max_size=6)),
    st.sampled_from(['{"outlet": "أ"', "[1, 2]", '{"outlet": "أ", "text": "خبر", "date": "غدا"}',
                     '{"outlet": "أ", "text": "خبر", "doc_id": "same"}', "", "  "]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, min_size=1, max_size=30), batch=st.integers(1, 7))
def test_read_equals_accepted_plus_rejected(tmp_path, lines, batch):
    lines = lines + ['{"outlet": "ب", "text": "خبر مؤكد"}']
    path = write_jsonl(tmp_path / "h.jsonl", lines)
    df = read_corpus(path, errors="collect")
    n_records = sum(1 for s in lines if s.strip())
    assert df.attrs["n_read"] == n_records == len(df) + len(df.attrs["rejects"])
    batches = list(iter_corpus(path, errors="collect", batch_size=batch))
    assert sum(b.attrs["n_read"] for b in batches) == n_records
    assert sum(len(b) + len(b.attrs["rejects"]) for b in batches) == n_records
    merged = concat_batches(batches)
    pd.testing.assert_frame_equal(merged, df)
    pd.testing.assert_frame_equal(rejects(merged), rejects(df))
    assert merged.attrs["rejects"] == df.attrs["rejects"]


def test_summary_is_logged(tmp_path, caplog):
    rows = records() + ['{"bad json']
    with caplog.at_level(logging.INFO, logger="framing.corpus.reader"):
        read_corpus(write_jsonl(tmp_path / "s.jsonl", rows), errors="collect")
    assert "read 5 · accepted 4 · rejected 1" in caplog.text


def test_iter_corpus_matches_read_corpus_and_finds_duplicates_across_batches(tmp_path):
    rows = [dict(r, doc_id=f"d{i}") for i, r in enumerate(records(23))]
    rows[20]["doc_id"] = "d3"
    for path in (write_jsonl(tmp_path / "b.jsonl", rows), write_csv(tmp_path / "b.csv", rows)):
        whole = read_corpus(path, errors="collect")
        batches = list(iter_corpus(path, batch_size=5, errors="collect"))
        assert [b.attrs["n_read"] for b in batches] == [5, 5, 5, 5, 3]
        assert [len(b.attrs["rejects"]) for b in batches] == [0, 0, 0, 0, 1]
        pd.testing.assert_frame_equal(concat_batches(batches), whole)
        assert whole.attrs["rejects"].loc[0, "field"] == "doc_id"
        assert "first seen at line" in whole.attrs["rejects"].loc[0, "reason"]
        with pytest.raises(CorpusError, match="duplicate doc_id 'd3'"):
            list(iter_corpus(path, batch_size=5))


def test_iter_corpus_streams(tmp_path):
    # a broken line far down the file: the first batches arrive before the reader gets there
    lines = [json.dumps({"outlet": "أ", "text": f"خبر {i}"}, ensure_ascii=False) for i in range(1000)]
    lines[900] = "{broken"
    it = iter_corpus(write_jsonl(tmp_path / "s.jsonl", lines), batch_size=100)
    first = next(it)
    assert len(first) == 100 and first.attrs["n_read"] == 100
    got = 100
    with pytest.raises(CorpusError, match="line 901"):
        for b in it:
            got += len(b)
    assert got == 900
