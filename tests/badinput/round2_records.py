"""Bad-input catalogue, round two (issue 14): records of JSON, JSON Lines, Parquet and CSV files: keys twice,
NaN/Infinity, values that are not strings, several top-level JSON values, a JSON list named .jsonl, Parquet
columns named twice, a column empty in the first batch, records over the size cap, the encoding option.

Each :class:`RecordCase` builds a corpus file (``make(folder) -> path``) and says what reading it must give:

* ``"ok"``: no reject; ``n_read`` documents, ``check(df)`` true;
* ``"reject"``: ``n_rejected`` of the ``n_read`` records are rejected; the first reject (and with
  ``errors="raise"`` the CorpusError) is at ``line`` and ``field``, its reason matching ``pattern``;
* ``"fatal"``: both modes raise a CorpusError matching ``pattern`` (at ``line``, ``field`` when given).

``warn``: a regex one of the warnings must match (the command line prints it as ``framing: warning:``).
``options``: keyword arguments of ``read_corpus`` (``max_record_bytes``, ``encoding``), given on the command
line as ``--max-record-mb`` / ``--encoding``; ``batch_size``: for ``iter_corpus`` and ``analyze --batch-size``.
``cls`` is the issue class the case was filed under (traceback / silent / runaway / unsafe / other) and
``before`` what the tool did before the fix.

The Arabic is written for these tests.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["RecordCase", "RECORD_CASES", "TEXTS", "cli_options", "doc"]

# written for these tests; each names an actor of the bundled libya lexicon
TEXTS = (
    "قالت ميليشيا حفتر إن الطريق الساحلي سيبقى مغلقا حتى نهاية الأسبوع.",
    "تقدمت قوات حفتر نحو الضواحي الجنوبية بعد يومين من الهدوء الحذر.",
    "ردت حكومة الوفاق المعترف بها دوليا على القصف بإغلاق المجال الجوي.",
    "أعلن الجيش الوطني الليبي أن وحداته أمنت محيط المطار القديم.",
    "عاد الصيادون إلى المرفأ بعد أن هدأت الرياح في الخليج.",
)
OUTLETS = ("صحيفة الشاطئ", "إذاعة الواحة")
BIG_LINE_MB = 60  # the runaway case: a ~60 MB single line, read against a 1 MB cap


def doc(i: int, **over) -> dict:
    """Document ``i`` (1-based): doc_id, outlet, date, title, text; ``over`` changes fields."""
    rec = {"doc_id": f"r{i}", "outlet": OUTLETS[i % 2], "date": f"2020-03-{i % 28 + 1:02d}",
           "title": f"خبر رقم {i}", "text": f"{TEXTS[i % len(TEXTS)]} ({i})"}
    rec.update(over)
    return rec


def _dumps(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False)


def _jsonl(d: Path, lines: list[str], name: str = "c.jsonl") -> Path:
    path = d / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _docs(n: int, raw: dict[int, str] | None = None, **over: dict) -> list[str]:
    """``n`` JSON lines; ``raw`` replaces line k by text, ``over["k<k>"]`` changes document k's fields."""
    raw = raw or {}
    return [raw[k] if k in raw else _dumps(doc(k, **over.get(f"k{k}", {}))) for k in range(1, n + 1)]


# --- builders ----------------------------------------------------------------------------------------------------
def _duplicate_key(d):
    line = '{"doc_id": "r2", "outlet": "صحيفة الشاطئ", "text": "النص الأول يضيع", "text": "' + TEXTS[1] + '"}'
    return _jsonl(d, _docs(4, raw={2: line}))


def _duplicate_key_in_list(d):
    items = [_dumps(doc(k)) for k in (1, 2, 3)]
    items[2] = items[2].replace('"outlet": ', '"outlet": "إذاعة الواحة", "outlet": ', 1)
    path = d / "c.json"
    path.write_text("[\n" + ",\n".join(items) + "\n]\n", encoding="utf-8")
    return path


def _literal(field_name: str, literal: str, line: int = 2):
    def make(d):
        text = _dumps(doc(line, **{field_name: "@@"})).replace('"@@"', literal)
        return _jsonl(d, _docs(4, raw={line: text}))
    return make


def _nan_extra(d):
    lines = [_dumps(doc(k, score=0.5)) for k in range(1, 4)]
    lines[1] = lines[1].replace('"score": 0.5', '"score": NaN')
    return _jsonl(d, lines)


def _not_string(field_name: str, value, line: int = 2, n: int = 4):
    def make(d):
        return _jsonl(d, _docs(n, **{f"k{line}": {field_name: value}}))
    return make


def _whole_number_ids(d):
    return _jsonl(d, [_dumps(doc(k, doc_id=100 + k)) for k in range(1, 4)])


def _two_lists(d):
    path = d / "c.json"
    first = json.dumps([doc(1), doc(2)], ensure_ascii=False, indent=1)
    second = json.dumps([doc(3), doc(4), doc(5)], ensure_ascii=False, indent=1)
    path.write_text(first + "\n" + second + "\n", encoding="utf-8")
    return path


def _list_then_object(d):
    path = d / "c.json"
    path.write_text(json.dumps([doc(1), doc(2)], ensure_ascii=False) + "\n" + _dumps(doc(3)) + "\n",
                    encoding="utf-8")
    return path


def _list_in_jsonl(d):
    path = d / "c.jsonl"
    path.write_text(json.dumps([doc(1), doc(2), doc(3)], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _one_line_list_in_jsonl(d):
    path = d / "c.jsonl"
    path.write_text(json.dumps([doc(1), doc(2), doc(3)], ensure_ascii=False) + "\n" + _dumps(doc(4)) + "\n",
                    encoding="utf-8")
    return path


def _parquet_duplicate_columns(d):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [doc(k) for k in range(1, 4)]
    cols = [pa.array([r["doc_id"] for r in rows]), pa.array([r["outlet"] for r in rows]),
            pa.array([r["text"] for r in rows]), pa.array(["نص آخر يضيع"] * 3)]
    path = d / "c.parquet"
    pq.write_table(pa.table(cols, names=["doc_id", "outlet", "text", "text"]), path)
    return path


NULL_FIRST_DOCS = 12  # documents 1-6 name no category term; 7-12 do (a legitimacy qualifier)
# written for these tests, each unlike the others (no wire copies among them)
_NO_CATEGORY = (
    "قالت ميليشيا حفتر إن الطريق الساحلي مغلق منذ الفجر.",
    "اتهم سكان الحي قوات حفتر بقطع المياه عن المدارس.",
    "نفت ميليشيا حفتر أي مسؤولية عن انفجار المخزن القديم.",
    "وصلت قافلة طبية إلى البلدة رغم حصار قوات حفتر.",
    "طالب المجلس البلدي ميليشيا حفتر بفتح المعبر أمام الشاحنات.",
    "تحدث الصيادون عن دوريات قوات حفتر قرب الشاطئ ليلا.",
)
_CATEGORY = (
    "أدانت حكومة الوفاق المعترف بها دوليا قصف ميليشيا حفتر للمطار.",
    "دعت حكومة الوفاق المعترف بها دوليا إلى هدنة إنسانية في الجنوب.",
    "استقبلت حكومة الوفاق المعترف بها دوليا وفدا أمميا لبحث تبادل الأسرى.",
    "رفضت حكومة الوفاق المعترف بها دوليا شروط قوات حفتر للتفاوض.",
    "أعلنت حكومة الوفاق المعترف بها دوليا فتح ممر آمن للمدنيين.",
    "اتهمت حكومة الوفاق المعترف بها دوليا ميليشيا حفتر بخرق الهدنة مرتين.",
)


def _category_later(d):
    """Matches whose ``category`` column is empty in the first batch (batch_size 6) and text later."""
    texts = _NO_CATEGORY + _CATEGORY
    return _jsonl(d, [_dumps(doc(k, text=texts[k - 1])) for k in range(1, NULL_FIRST_DOCS + 1)])


def _big_line_gz(d):
    """A .jsonl.gz whose second line is one ~60 MB record (a few hundred kB compressed)."""
    path = d / "big.jsonl.gz"
    filler = "تقرير طويل جدا عن الطقس والبحر والطرق في المنطقة. "
    reps = BIG_LINE_MB * 2**20 // len(filler.encode()) + 1
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write((_dumps(doc(1)) + "\n").encode())
        fh.write(('{"doc_id": "r2", "outlet": "صحيفة الشاطئ", "text": "').encode())
        chunk = filler.encode() * 4096
        for _ in range(reps // 4096 + 1):
            fh.write(chunk)
        fh.write(b'"}\n')
        fh.write((_dumps(doc(3)) + "\n" + _dumps(doc(4)) + "\n").encode())
    return path


def _csv_field_over_cap(d):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["doc_id", "outlet", "text"])
    w.writerow(["r1", OUTLETS[1], TEXTS[1]])
    w.writerow(["r2", OUTLETS[0], "\n".join([TEXTS[2]] * 30_000)])  # ~3.6 MB over 30,000 lines
    w.writerow(["r3", OUTLETS[1], TEXTS[3]])
    path = d / "c.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _json_item_over_cap(d):
    """A pretty-printed .json list whose second item spans ~100,000 short lines (~2.5 MB)."""
    path = d / "c.json"
    items = [doc(1), doc(2, paragraphs=[f"فقرة {k}" for k in range(100_000)]), doc(3)]
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _json_line_over_cap(d):
    path = d / "c.json"
    items = [doc(1), doc(2, text=" ".join([TEXTS[2]] * 30_000)), doc(3)]
    path.write_text("[\n" + ",\n".join(_dumps(r) for r in items) + "\n]\n", encoding="utf-8")
    return path


def _mixed_encoding_line(d):
    lines = [ln.encode() for ln in _docs(60)]
    lines[29] = _dumps(doc(30)).encode("cp1256")  # one line saved in Windows-1256
    path = d / "c.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _cp1256_file(d):
    path = d / "c.csv"
    rows = ["doc_id,outlet,text"] + [f"r{k},{OUTLETS[k % 2]},{TEXTS[k % len(TEXTS)]}" for k in range(1, 4)]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1256"))
    return path


# --- checks ------------------------------------------------------------------------------------------------------
def _ids(*ids: str) -> Callable[[pd.DataFrame], bool]:
    return lambda df: list(df["doc_id"]) == list(ids)


def _nan_kept(df: pd.DataFrame) -> bool:
    return len(df) == 3 and pd.isna(df["score"].iloc[1]) and df["score"].iloc[0] == 0.5


def _cp1256_ok(df: pd.DataFrame) -> bool:
    return list(df["text"]) == [TEXTS[k % len(TEXTS)] for k in range(1, 4)] and df["outlet"].iloc[0] == OUTLETS[1]


@dataclass(frozen=True)
class RecordCase:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str  # what happened before the fix
    make: Callable[[Path], Path]
    outcome: str  # "ok" | "reject" | "fatal"
    n_read: int = 0
    n_rejected: int = 0
    pattern: str = ""
    line: int | None = None
    field: str | None = None
    warn: str | None = None
    check: Callable[[pd.DataFrame], bool] | None = None
    options: dict = dataclasses.field(default_factory=dict)
    batch_size: int | None = None

    def __repr__(self) -> str:
        return self.name


def cli_options(case: RecordCase) -> list[str]:
    """``case.options`` as command-line options."""
    args: list[str] = []
    if "max_record_bytes" in case.options:
        args += ["--max-record-mb", f"{case.options['max_record_bytes'] / 2**20:g}"]
    if "encoding" in case.options:
        args += ["--encoding", case.options["encoding"]]
    return args


MB = 2**20

RECORD_CASES = [
    # 1. keys twice
    RecordCase("json_duplicate_key", "silent", "the first 'text' dropped silently, the record accepted",
               _duplicate_key, "reject", n_read=4, n_rejected=1, line=2, field="text",
               pattern=r"the key 'text' appears twice in the object on line 2.*remove or rename one"),
    RecordCase("json_list_item_duplicate_key", "silent", "the first 'outlet' dropped silently",
               _duplicate_key_in_list, "reject", n_read=3, n_rejected=1, line=4, field="outlet",
               pattern=r"the key 'outlet' appears twice in the object on line 4"),
    # 2. NaN / Infinity
    RecordCase("json_nan_outlet", "silent", "NaN read as a missing outlet ('missing outlet')",
               _literal("outlet", "NaN"), "reject", n_read=4, n_rejected=1, line=2, field="outlet",
               pattern=r"expected a string, found the literal NaN \(not JSON\); write null"),
    RecordCase("json_infinity_doc_id", "silent", "Infinity accepted as doc_id 'inf'",
               _literal("doc_id", "Infinity", line=3), "reject", n_read=4, n_rejected=1, line=3, field="doc_id",
               pattern=r"expected a string or a whole number, found the literal Infinity"),
    RecordCase("json_minus_infinity_text", "silent", "-Infinity accepted as the text '-inf'",
               _literal("text", "-Infinity"), "reject", n_read=4, n_rejected=1, line=2, field="text",
               pattern=r"found the literal -Infinity \(not JSON\)"),
    RecordCase("json_nan_date", "silent", "NaN read as an unknown date without notice",
               _literal("date", "NaN", line=4), "reject", n_read=4, n_rejected=1, line=4, field="date",
               pattern=r"found the literal NaN \(not JSON\) for a date; write null"),
    RecordCase("json_nan_in_extra_field_kept", "silent", "(kept: a number field may be NaN)", _nan_extra, "ok",
               n_read=3, check=_nan_kept),
    # 3. values that are not strings
    RecordCase("json_boolean_outlet", "silent", "outlet false accepted as the outlet 'False'",
               _not_string("outlet", False), "reject", n_read=4, n_rejected=1, line=2, field="outlet",
               pattern=r"expected a string, found a boolean \(False\); store it as text"),
    RecordCase("json_boolean_text", "silent", "text true accepted as the text 'True'",
               _not_string("text", True, line=3), "reject", n_read=4, n_rejected=1, line=3, field="text",
               pattern=r"expected a string, found a boolean \(True\)"),
    RecordCase("json_number_outlet", "silent", "outlet 7 accepted as the outlet '7'",
               _not_string("outlet", 7), "reject", n_read=4, n_rejected=1, line=2, field="outlet",
               pattern=r"expected a string, found a number \(7\)"),
    RecordCase("json_number_title", "silent", "title 2020 accepted as the title '2020'",
               _not_string("title", 2020, line=4), "reject", n_read=4, n_rejected=1, line=4, field="title",
               pattern=r"expected a string, found a number \(2020\)"),
    RecordCase("json_boolean_doc_id", "silent", "doc_id true accepted as the id 'True'",
               _not_string("doc_id", True), "reject", n_read=4, n_rejected=1, line=2, field="doc_id",
               pattern=r"expected a string or a whole number, found a boolean \(True\)"),
    RecordCase("json_whole_number_ids_kept", "silent", "(kept: whole-number ids are documented)",
               _whole_number_ids, "ok", n_read=3, check=_ids("101", "102", "103")),
    # 4. several top-level values in a .json
    RecordCase("json_two_lists", "silent", "the second list ignored: 2 of 5 documents read, no notice",
               _two_lists, "ok", n_read=5, warn=r"c\.json: a second top-level JSON value starts on line \d+; "
                                                r"all values are read in sequence",
               check=_ids("r1", "r2", "r3", "r4", "r5")),
    RecordCase("json_list_then_object", "silent", "the object after the list ignored, no notice",
               _list_then_object, "ok", n_read=3, warn=r"second top-level JSON value starts on line 2",
               check=_ids("r1", "r2", "r3")),
    # 5. a JSON list named .jsonl
    RecordCase("jsonl_holding_json_list", "other", "23 rejected lines for 3 documents",
               _list_in_jsonl, "ok", n_read=3, warn=r"c\.jsonl: holds a JSON list, not JSON Lines",
               check=_ids("r1", "r2", "r3")),
    RecordCase("jsonl_one_line_list", "other", "one reject 'found a list' hiding 3 documents",
               _one_line_list_in_jsonl, "reject", n_read=2, n_rejected=1, line=1,
               pattern=r"found a list of 3 objects: JSON Lines holds one object per line.*name the file \.json"),
    # 6. Parquet columns named twice
    RecordCase("parquet_duplicate_columns", "silent", "one of the two 'text' columns dropped silently",
               _parquet_duplicate_columns, "fatal", field="text",
               pattern=r"duplicate column names \['text'\]: only one of each could be read; rename them"),
    # 7. a column empty in the first batch (matches' category), text in a later one
    RecordCase("category_empty_in_first_batch", "traceback",
               "analyze: ArrowNotImplementedError 'Unsupported cast from large_string to null'",
               _category_later, "ok", n_read=NULL_FIRST_DOCS, batch_size=6, check=lambda df: len(df) == 12),
    # 8. records over the size cap
    RecordCase("gz_single_line_over_cap", "runaway", "validate held the whole line: 3.8 GB for a 1 GB line",
               _big_line_gz, "reject", n_read=4, n_rejected=1, line=2, options={"max_record_bytes": MB},
               pattern=r"the line is [\d,]+ bytes long, over the cap of 1,048,576 bytes \(1 MB\) for one record; "
                       r"split the record, or raise the cap \(--max-record-mb on the command line, "
                       r"max_record_bytes= in Python\)"),
    RecordCase("csv_field_over_cap", "runaway", "a quoted field of any size gathered in memory",
               _csv_field_over_cap, "reject", n_read=3, n_rejected=1, line=3, options={"max_record_bytes": MB},
               pattern=r"a field of the record on lines 3-30002 is over the cap of 1,048,576 characters"),
    RecordCase("json_list_item_over_cap", "runaway", "a .json file read whole, whatever its size",
               _json_item_over_cap, "fatal", line=9, options={"max_record_bytes": MB},
               pattern=r"a JSON value starting here is longer than the cap of 1,048,576 characters for one record; "
                       r"write one record per line \(JSON Lines\)"),
    RecordCase("json_line_over_cap", "runaway", "a .json file read whole, whatever its size",
               _json_line_over_cap, "fatal", line=3, options={"max_record_bytes": MB},
               pattern=r"the line is [\d,]+ bytes long, over the cap .*; a JSON file cannot be read past a bad line"),
    # 9. the encoding option
    RecordCase("encoding_hint_names_cli_option", "other", "the reason advised encoding=, which the CLI lacked",
               _mixed_encoding_line, "reject", n_read=60, n_rejected=1, line=30,
               pattern=r"not valid utf-8 .*pass encoding='\.\.\.' \(--encoding on the command line\)"),
    RecordCase("cp1256_with_encoding_option", "other", "no --encoding on the command line",
               _cp1256_file, "ok", n_read=3, options={"encoding": "cp1256"}, check=_cp1256_ok),
]


# --- 10. Parquet rows over the size cap (leftover of the closing note) ----------------------------------------------
def _long(n_bytes: int) -> str:
    """Some ``n_bytes`` of Arabic text (a little more)."""
    sentence = TEXTS[4] + " "
    return sentence * (n_bytes // len(sentence.encode()) + 1)


def _parquet(rows: Callable[[], list[dict]], **columns: Callable[[], object]) -> Callable[[Path], Path]:
    """A Parquet file of ``rows()`` in row groups of two rows, with extra Arrow columns ``name=values()``."""
    def make(d: Path) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(rows())
        for name, values in columns.items():
            table = table.append_column(name, values())
        path = d / "c.parquet"
        pq.write_table(table, path, row_group_size=2)
        return path
    return make


def _cell_3mb() -> list[dict]:
    return [doc(k, **({"text": _long(3 * MB)} if k == 2 else {})) for k in range(1, 5)]


def _row_two_halves() -> list[dict]:
    return [doc(k, **({"title": _long(MB // 2), "text": _long(MB * 7 // 10)} if k == 3 else {}))
            for k in range(1, 5)]


def _paragraphs() -> object:
    import pyarrow as pa

    return pa.array([[TEXTS[0]], [], None, [_long(MB // 2)] * 3], type=pa.list_(pa.string()))


RECORD_CASES += [
    RecordCase("parquet_cell_over_cap", "runaway", "no cap: the 3 MB cell accepted, turned into a Python string "
               "and carried through (a 1 GB cell: gigabytes)", _parquet(_cell_3mb), "reject", n_read=4, n_rejected=1,
               line=2, field="text", options={"max_record_bytes": MB},
               pattern=r"the value of 'text' is [\d,]+ bytes long, over the cap of 1,048,576 bytes \(1 MB\) for one "
                       r"record; split the record, or raise the cap \(--max-record-mb"),
    RecordCase("parquet_row_over_cap", "runaway", "no cap: a title of 0.5 MB and a text of 0.7 MB accepted",
               _parquet(_row_two_halves), "reject", n_read=4, n_rejected=1, line=3, field="text",
               options={"max_record_bytes": MB},
               pattern=r"the text of the row \(all its values; the longest, 'text', [\d,]+ bytes\) is [\d,]+ bytes "
                       r"long, over the cap of 1,048,576 bytes"),
    RecordCase("parquet_list_cell_over_cap", "runaway", "no cap: a list column of 1.5 MB accepted",
               _parquet(lambda: [doc(k) for k in range(1, 5)], paragraphs=_paragraphs), "reject", n_read=4,
               n_rejected=1, line=4, field="paragraphs", options={"max_record_bytes": MB},
               pattern=r"the value of 'paragraphs' is [\d,]+ bytes long, over the cap of 1,048,576 bytes"),
]
