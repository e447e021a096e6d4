"""A catalogue of bad corpus and lexicon inputs, each generated into a folder on demand.

Every case is a :class:`Case`: a ``make(folder) -> path`` builder and what reading it must give.

``outcome`` is one of

* ``"reject"``: the file reads, and one record is rejected. ``errors="raise"`` raises a
  ``CorpusError`` at ``line`` / ``field`` whose message matches ``pattern``; ``errors="collect"``
  records that reject, and ``n_read == accepted + rejected``.
* ``"fatal"``: the file as a whole cannot be read; both modes raise a ``CorpusError`` matching
  ``pattern`` (``line`` checked when given).
* ``"ok"``: the file reads with no reject; ``check(df)`` says whether the content came through.

The articles are short sentences written for these tests.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# (outlet, date, title, text): written for these tests
ROWS = [
    ("صحيفة الساحل", "2020-01-05", "اجتماع المجلس", "عقد المجلس البلدي اجتماعه الشهري لمناقشة ميزانية المدارس."),
    ("إذاعة الجبل", "2020-01-06", "طريق جديد", "بدأت أعمال رصف الطريق الرابط بين القريتين بعد انتظار طويل."),
    ("صحيفة الساحل", "2020-01-07", "موسم الزيتون", "توقع المزارعون موسما وفيرا للزيتون بعد أمطار الشتاء."),
    ("قناة الواحة", "2020-01-08", "مهرجان", "افتتحت فرقة محلية مهرجان الموسيقى الشعبية في الساحة القديمة."),
    ("إذاعة الجبل", "2020-01-09", "انقطاع الكهرباء", "عادت الكهرباء إلى الأحياء الشرقية بعد انقطاع دام يومين."),
]


def record(i: int, **over) -> dict:
    o, d, t, x = ROWS[i % len(ROWS)]
    rec = {"doc_id": f"d{i}", "outlet": o, "date": d, "title": t, "text": f"{x} ({i})"}
    rec.update(over)
    return rec


def jsonl_lines(n: int, bad: dict[int, str] | None = None, over: dict[int, dict] | None = None) -> list[str]:
    """``n`` JSON lines; ``bad`` replaces line k (1-based) by raw text, ``over`` edits record k."""
    bad, over = bad or {}, over or {}
    return [bad[k] if k in bad else json.dumps(record(k, **over.get(k, {})), ensure_ascii=False)
            for k in range(1, n + 1)]


def write(path: Path, data, encoding: str = "utf-8") -> Path:
    if isinstance(data, list):
        data = "\n".join(data) + "\n"
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)
    return path


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def csv_rows(n: int) -> list[list[str]]:
    head = ["doc_id", "outlet", "date", "title", "text"]
    return [head] + [[r["doc_id"], r["outlet"], r["date"], r["title"], r["text"]]
                     for r in (record(k) for k in range(1, n + 1))]


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    outcome: str  # "reject" | "fatal" | "ok"
    pattern: str  # regex the CorpusError message (or reject reason) must match
    line: int | None = None
    field: str | None = None
    n_read: int | None = None  # records read in collect mode (reject/ok)
    check: Callable | None = None  # ok: df -> bool
    warns: bool = False  # a UnicodeWarning (mojibake repaired) is expected
    slow: bool = False

    def __repr__(self) -> str:
        return self.name


# --- builders ----------------------------------------------------------------------------------------------------
def _malformed_middle(d):
    return write(d / "c.jsonl", jsonl_lines(5, bad={3: '{"outlet": "صحيفة الساحل", "text": "خبر'}))


def _truncated_gz(d):
    data = gzip.compress(("\n".join(jsonl_lines(40)) + "\n").encode())
    return write(d / "c.jsonl.gz", data[: len(data) // 2])


def _truncated_gz_large(d):
    # more than the 1 MB sample once decompressed, so the damage is found while streaming lines
    lines = jsonl_lines(3000, over={k: {"text": record(k)["text"] * 8} for k in range(1, 3001)})
    data = gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=1)
    return write(d / "big.jsonl.gz", data[: int(len(data) * 0.8)])


def _csv_unbalanced(d):
    text = csv_text(csv_rows(4))
    lines = text.splitlines()
    lines[2] = lines[2].replace(",موسم", ',"موسم', 1)  # a quote opened on line 3 never closes
    return write(d / "c.csv", lines)


def _csv_wrong_delimiter_row(d):
    rows = csv_text(csv_rows(4)).splitlines()
    rows[2] = csv_text([csv_rows(4)[2]], delimiter=";").strip()
    return write(d / "c.csv", rows)


def _csv_space_delimited(d):
    return write(d / "c.csv", ["doc_id outlet text", "a1 الساحل خبر", "a2 الجبل خبر"])


def _missing_outlet_column(d):
    return write(d / "c.jsonl", [json.dumps({"doc_id": "x", "source": "الساحل", "text": "خبر قصير"},
                                            ensure_ascii=False)])


def _text(value):
    def make(d):
        return write(d / "c.jsonl", jsonl_lines(3, over={2: {"text": value}}))
    return make


def _field(line, **over):
    def make(d):
        return write(d / "c.jsonl", jsonl_lines(4, over={line: over}))
    return make


def _duplicate_id(d):
    return write(d / "c.jsonl", jsonl_lines(4, over={3: {"doc_id": "d1"}}))


def _empty_file(d):
    return write(d / "c.jsonl", b"")


def _blank_file(d):
    return write(d / "c.csv", "\n\n   \n")


def _no_readable_dir(d):
    sub = d / "articles"
    sub.mkdir()
    write(sub / "notes.md", "ملاحظات")
    write(sub / "image.bin", bytes(range(256)))
    return sub


def _binary_junk(d):
    rng = random.Random(7)
    return write(d / "c.jsonl", bytes(rng.randrange(256) for _ in range(20_000)))


def _binary_junk_csv(d):
    return write(d / "c.csv", bytes(range(32)) * 300)


def _cp1256(d):
    return write(d / "c.csv", csv_text(csv_rows(3)), encoding="cp1256")


def _utf16_nobom(d):
    return write(d / "c.jsonl", "\n".join(jsonl_lines(3)) + "\n", encoding="utf-16-le")


def _utf16_be_nobom(d):
    return write(d / "c.csv", csv_text(csv_rows(3)), encoding="utf-16-be")


def _mojibake(d):
    bad = record(2)["text"].encode("utf-8").decode("latin-1")  # UTF-8 bytes shown as Latin-1
    return write(d / "c.jsonl", jsonl_lines(3, over={2: {"text": bad}}))


def _nul_bytes(d):
    raw = json.dumps(record(2), ensure_ascii=False).encode().replace("المجلس".encode(), "المج\x00لس".encode())
    lines = [ln.encode() for ln in jsonl_lines(3)]
    lines[1] = raw.replace(b'"text"', b'"text\x00"', 0)
    text_nul = json.dumps(record(3, text="بدأ\u0000 الموسم")).encode()
    lines[2] = text_nul
    return write(d / "c.jsonl", b"\n".join(lines) + b"\n")


def _lone_surrogate(d):
    lines = jsonl_lines(3)
    lines[1] = lines[1].replace('"title": "', '"title": "\\ud800', 1).replace('"text": "', '"text": "\\udfff ', 1)
    return write(d / "c.jsonl", lines)


def _html_script(d):
    html = ('<p>أعلنت البلدية <b>افتتاح</b> الحديقة.</p><script>alert("x")</script>'
            '<style>p{color:red}</style><img src=x onerror=alert(1)>&amp; زارها السكان')
    return write(d / "c.jsonl", jsonl_lines(3, over={2: {"text": html, "title": "<i>عنوان</i>"}}))


def _not_object(d):
    return write(d / "c.jsonl", jsonl_lines(4, bad={2: '["الساحل", "خبر"]'}))


def _deep_json(d):
    return write(d / "c.jsonl", jsonl_lines(3, bad={2: "[" * 200_000 + "]" * 200_000}))


def _gz_not_gzip(d):
    return write(d / "c.jsonl.gz", jsonl_lines(2))


def _unsupported(d):
    return write(d / "c.docx", b"PK\x03\x04 not really")


def _bad_parquet(d):
    return write(d / "c.parquet", b"PAR1 this is not parquet PAR1")


def _json_list_broken(d):
    items = [json.dumps(record(k), ensure_ascii=False) for k in range(1, 4)]
    return write(d / "c.json", "[\n" + ",\n".join(items) + "\n{\"outlet\": }\n]")


def _ragged_csv(d):
    rows = csv_rows(3)
    rows[2] = rows[2] + ["زائد"]
    return write(d / "c.csv", csv_text(rows))


def _invalid_utf8_line(d):
    lines = [ln.encode() for ln in jsonl_lines(40)]
    lines[29] = lines[29].replace(b'"text": "', b'"text": "\xff\xfe', 1)
    return write(d / "c.jsonl", b"\n".join(lines) + b"\n")


BIG_TEXT_CHARS = 20_000_000


def big_text() -> str:
    chunk = "قال المتحدث إن الاجتماع تناول خطة الري في الوادي وأسعار البذور هذا العام. "
    reps = BIG_TEXT_CHARS // len(chunk) + 1
    return chunk * (reps // 2) + "ميليشيا حفتر " + chunk * (reps - reps // 2)


def _big_doc(d):
    return write(d / "big.jsonl", [json.dumps({"doc_id": "big", "outlet": "الساحل", "text": big_text()},
                                              ensure_ascii=False)])


MILLION = 1_000_000
MILLION_BAD_LINE = MILLION - 17


def _million(d):
    good = '{"outlet":"o","text":"خبر"}\n'.encode()
    path = d / "million.jsonl"
    with open(path, "wb") as fh:
        fh.write(good * (MILLION_BAD_LINE - 1))
        fh.write(b'{"outlet":"o","text":"\xd8\xae\xd8\xa8\xd8\xb1",}\n')  # trailing comma
        fh.write(good * (MILLION - MILLION_BAD_LINE))
    return path


def _text_has(fragment):
    return lambda df: df["text"].str.contains(fragment, regex=False).any()


def _cp1256_ok(df):
    return list(df["text"]) == [record(k)["text"] for k in range(1, 4)] and df["outlet"].iloc[0] == ROWS[1][0]


def _utf16_ok(df):
    return list(df["text"]) == [record(k)["text"] for k in range(1, 4)]


def _mojibake_ok(df):
    return df["text"].iloc[1] == record(2)["text"]


def _nul_ok(df):
    return (not df["text"].str.contains("\x00", regex=False).any()
            and df["text"].iloc[2] == "بدأ الموسم")


def _surrogate_ok(df):
    return (df["title"].iloc[1].startswith("\ufffd") and df["text"].iloc[1].startswith("\ufffd ")
            and all(not any("\ud800" <= ch <= "\udfff" for ch in s) for s in df["text"]))


def _html_ok(df):
    text, title = df["text"].iloc[1], df["title"].iloc[1]
    return ("<" not in text and "alert" not in text and "color" not in text and "افتتاح" in text
            and "& زارها" in text and title == "عنوان")


def _big_ok(df):
    return len(df) == 1 and len(df["text"].iloc[0]) >= BIG_TEXT_CHARS


CORPUS_CASES = [
    Case("jsonl_malformed_middle", _malformed_middle, "reject", r"malformed JSON .*fix or remove the line",
         line=3, n_read=5),
    Case("gz_truncated", _truncated_gz, "fatal", r"truncated or corrupt.*re-download or re-compress"),
    Case("gz_truncated_after_sample", _truncated_gz_large, "fatal",
         r"truncated or corrupt after line \d+.*re-download"),
    Case("gz_name_not_gzip", _gz_not_gzip, "fatal", r"not gzip-compressed; rename it or compress it"),
    Case("csv_unbalanced_quote", _csv_unbalanced, "reject", r"unbalanced quote.*lines 3-5.*close or escape the quote",
         line=3, n_read=2),
    Case("csv_wrong_delimiter_row", _csv_wrong_delimiter_row, "reject",
         r"expected 5 fields as in the header, found 1; check delimiters", line=3, n_read=4),
    Case("csv_space_delimited", _csv_space_delimited, "fatal", r"single column .*needs at least 'text' and 'outlet'",
         line=1),
    Case("csv_ragged_row", _ragged_csv, "reject", r"expected 5 fields .* found 6", line=3, n_read=3),
    Case("missing_outlet_column", _missing_outlet_column, "fatal",
         r"no 'outlet' column; found columns .*columns=\{'source': 'outlet'\}", field="outlet"),
    Case("empty_text", _text(""), "reject", r"empty text.*drop the record or fill the text", line=2,
         field="text", n_read=3),
    Case("text_only_whitespace", _text(" \t\n\u00a0\u3000 "), "reject", r"empty text", line=2, field="text",
         n_read=3),
    Case("text_only_invisible_marks", _text("\u200f\u200e\u200b\u2066\u2069\ufeff\u202e"), "reject",
         r"empty text", line=2, field="text", n_read=3),
    Case("text_only_diacritics", _text("\u064e\u064f\u0650\u0651\u0652\u064b\u0670"), "reject", r"empty text",
         line=2, field="text", n_read=3),
    Case("text_only_tatweel", _text("\u0640\u0640\u0640 \u0640"), "reject", r"empty text", line=2,
         field="text", n_read=3),
    Case("text_not_a_string", _text({"body": "خبر"}), "reject", r"expected a string, found a dict", line=2,
         field="text", n_read=3),
    Case("outlet_null", _field(2, outlet=None), "reject", r"missing outlet", line=2, field="outlet", n_read=4),
    Case("date_unparsable", _field(3, date="أمس تقريبا"), "reject", r"unparsable date .*use ISO dates", line=3,
         field="date", n_read=4),
    Case("date_out_of_range", _field(4, date="3021-05-01"), "reject",
         r"date '3021-05-01' is out of range \(pandas supports 1677-09-22 to 2262-04-11\)", line=4,
         field="date", n_read=4),
    Case("duplicate_doc_id", _duplicate_id, "reject", r"duplicate doc_id 'd1' \(first seen at line 1\)", line=3,
         field="doc_id", n_read=4),
    Case("json_line_not_object", _not_object, "reject", r"expected a JSON object .* found a list", line=2,
         n_read=4),
    Case("json_nested_too_deep", _deep_json, "reject", r"malformed JSON \(nested too deep\)", line=2, n_read=3),
    Case("invalid_utf8_line", _invalid_utf8_line, "reject", r"not valid utf-8.*pass encoding=", line=30,
         n_read=40),
    Case("empty_file", _empty_file, "fatal", r"the file is empty"),
    Case("blank_lines_only", _blank_file, "fatal", r"the file is empty"),
    Case("dir_without_readable_file", _no_readable_dir, "fatal", r"holds no readable file.*found 2 other files"),
    Case("binary_junk_jsonl", _binary_junk, "fatal", r"binary data|encoding|not look like text"),
    Case("binary_junk_csv", _binary_junk_csv, "fatal", r"binary data"),
    Case("unsupported_extension", _unsupported, "fatal", r"unsupported file type '\.docx'; supported"),
    Case("parquet_junk", _bad_parquet, "fatal", r"not a readable Parquet file"),
    Case("json_list_broken", _json_list_broken, "fatal", r"malformed JSON", line=5),
    Case("cp1256_csv", _cp1256, "ok", "", n_read=3, check=_cp1256_ok),
    Case("utf16le_without_bom", _utf16_nobom, "ok", "", n_read=3, check=_utf16_ok),
    Case("utf16be_without_bom", _utf16_be_nobom, "ok", "", n_read=3, check=_utf16_ok),
    Case("mojibake_repaired", _mojibake, "ok", "", n_read=3, check=_mojibake_ok, warns=True),
    Case("nul_bytes", _nul_bytes, "ok", "", n_read=3, check=_nul_ok),
    Case("lone_surrogate_escape", _lone_surrogate, "ok", "", n_read=3, check=_surrogate_ok),
    Case("html_with_script", _html_script, "ok", "", n_read=3, check=_html_ok),
    Case("twenty_mb_document", _big_doc, "ok", "", n_read=1, check=_big_ok, slow=True),
    Case("million_lines_bad_near_end", _million, "reject", r"malformed JSON \(Expecting property name",
         line=MILLION_BAD_LINE, n_read=MILLION, slow=True),
]


# --- lexicons ----------------------------------------------------------------------------------------------------
GOOD_LEXICON = """\
name: toy
version: 1
description: a small lexicon for tests
referents:
  camp:
    aliases:
      - حفتر
    labels:
      delegitimizing:
        - {term: ميليشيا, variants: [مليشيا]}
      neutral:
        - قوات
"""


@dataclass(frozen=True)
class LexCase:
    name: str
    text: str | bytes
    pattern: str  # regex the LexiconError message must match (besides the file name)
    where: str | None = None  # regex the place must match

    def __repr__(self) -> str:
        return self.name


LEXICON_CASES = [
    LexCase("yaml_syntax_error", GOOD_LEXICON.replace("      neutral:", "      neutral: [قوات\n"),
            r"YAML syntax error: .*fix the file's syntax", where=r"line \d+, column \d+"),
    LexCase("yaml_bad_indent", GOOD_LEXICON.replace("    aliases:", "  aliases:\n   - x"),
            r"YAML syntax error", where=r"line \d+"),
    LexCase("version_wrong_type", GOOD_LEXICON.replace("version: 1", "version: one"),
            r"'version' must be a positive integer", where=r"^version \(line 2\)$"),
    LexCase("window_wrong_type", GOOD_LEXICON + "window: [4]\n", r"'window' must be an integer",
            where=r"^window \(line \d+\)$"),
    LexCase("labels_not_mapping", GOOD_LEXICON.split("    labels:")[0] + "    labels: [ميليشيا]\n",
            r"'labels' must map a stance", where=r"referents\.camp\.labels \(line 8\)"),
    LexCase("term_is_number", GOOD_LEXICON.replace("- قوات", "- {term: 5}"), r"empty or missing 'term'",
            where=r"referents\.camp\.labels\.neutral\[0\] \(line 12\)"),
    LexCase("self_not_bool", GOOD_LEXICON.replace("- قوات", "- {term: قوات, self: maybe}"),
            r"'self' must be true or false", where=r"neutral\[0\]\.self"),
    LexCase("unknown_key_typo", GOOD_LEXICON.replace("    labels:", "    lables:"),
            r"unknown key 'lables' \(did you mean 'labels'\?\)", where=r"referents\.camp"),
    LexCase("unknown_top_key", GOOD_LEXICON + "author: me\n", r"unknown key 'author'", where=r"top level"),
    LexCase("unknown_stance", GOOD_LEXICON.replace("      neutral:", "      hostile:"),
            r"unknown stance 'hostile'", where=r"labels\.hostile \(line 11\)"),
    LexCase("empty_lexicon", "name: toy\nversion: 1\ndescription: nothing\n", r"the lexicon is empty"),
    LexCase("empty_file", "", r"the lexicon file is empty"),
    LexCase("top_level_list", "- ميليشيا\n- قوات\n", r"a lexicon must be a mapping"),
    LexCase("conflict_alias_label", GOOD_LEXICON.replace("- قوات", "- حفتر"),
            r"the term 'حفتر' stands in both an alias and a label",
            where=r"referents\.camp\.labels\.neutral\[0\] \(line 12\)"),
    LexCase("conflict_two_stances", GOOD_LEXICON.replace("- قوات", "- ميليشيات\n        - مليشيا"),
            r"stands in two labels of one referent", where=r"neutral\[1\]"),
    LexCase("conflict_alias_two_referents",
            GOOD_LEXICON + "  other:\n    aliases: [حَفتر]\n    labels: {neutral: [عناصر]}\n",
            r"stands in aliases of two referents", where=r"referents\.other\.aliases\[0\]"),
    LexCase("term_normalizes_to_nothing", GOOD_LEXICON.replace("- قوات", "- \"\u0640\u0640\u064e\""),
            r"normalizes to nothing", where=r"neutral\[0\] \(line 12\)"),
    LexCase("term_blank", GOOD_LEXICON.replace("- قوات", "- \"   \""), r"empty or missing 'term'",
            where=r"neutral\[0\]"),
    LexCase("referent_never_matches", GOOD_LEXICON.replace("    aliases:\n      - حفتر\n", ""),
            r"can never match: .*add aliases, or mark a label 'self: true'", where=r"^referents\.camp \(line 5\)$"),
    LexCase("python_tag_refused", "!!python/object/apply:os.system [\"echo pwned\"]\n",
            r"YAML syntax error"),
    LexCase("not_utf8", GOOD_LEXICON.encode("cp1256"), r"not UTF-8 text .*save it as UTF-8"),
]
