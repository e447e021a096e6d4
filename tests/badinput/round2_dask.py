"""Bad-input catalogue, round two (issue 14): corpora read on Dask workers (``framing analyze --workers 2``,
``framing.scale.open_corpus_dask``), which must give what the one-process reader gives: the same documents
accepted, the same rejects at the same lines with the same reasons, the same first error.

Each :class:`DaskCase` builds a corpus file (``make(folder) -> path``) and says what reading it must give
(in both paths):

* ``"ok"``: no reject; ``n_read`` documents;
* ``"reject"``: ``n_rejected`` of the ``n_read`` records are rejected, the first at ``line`` with a reason
  matching ``pattern``;
* ``"fatal"``: both modes raise a CorpusError matching ``pattern``.

``blocksize`` is the bytes per part the Dask reader is given (small, so that a file of a few kB is cut into
several parts and the bad record is not in the first); ``options`` are ``read_corpus`` keyword arguments.
``cls`` is the issue class the case was filed under and ``before`` what ``--workers 2`` did before the fix.

The Arabic is written for these tests.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DaskCase", "DASK_CASES", "TEXTS", "OUTLETS", "doc", "doc_lines", "BLOCK"]

# written for these tests; each names an actor of the bundled libya lexicon
TEXTS = (
    "قالت قوات حفتر إن الهدوء عاد إلى الأحياء الجنوبية بعد ليلة طويلة.",
    "أكدت حكومة الوفاق أن المفاوضات ستستأنف الأسبوع المقبل في جنيف.",
    "وصف بيان الجيش الوطني الليبي الاشتباكات بأنها محدودة.",
    "نقلت مراسلة الإذاعة أن ميليشيا حفتر أعادت فتح الطريق الساحلي.",
    "افتتح السوق الشعبي أبوابه من جديد بعد أشهر من الإغلاق.",
)
OUTLETS = ("جريدة المنارة", "راديو الصحراء")
BLOCK = 1500  # bytes per part: each case file of 30-60 records is cut into several parts


def doc(i: int, **over) -> dict:
    """Document ``i`` (1-based): doc_id, outlet, date, title, text; ``over`` changes fields."""
    rec = {"doc_id": f"w{i}", "outlet": OUTLETS[i % 2], "date": f"2021-05-{i % 28 + 1:02d}",
           "title": f"عنوان {i}", "text": f"{TEXTS[i % len(TEXTS)]} ({i})"}
    rec.update(over)
    return rec


def _line(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False)


def doc_lines(n: int, raw: dict[int, str] | None = None, over: dict[int, dict] | None = None) -> list[str]:
    raw, over = raw or {}, over or {}
    return [raw[k] if k in raw else _line(doc(k, **over.get(k, {}))) for k in range(1, n + 1)]


def _jsonl(d: Path, lines: list[str], name: str = "c.jsonl", encoding: str = "utf-8", end: str = "\n") -> Path:
    path = d / name
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return path


# --- builders ----------------------------------------------------------------------------------------------------
def _malformed(d):
    return _jsonl(d, doc_lines(40, raw={23: '{"doc_id": "w23", "outlet": "جريدة المنارة", "text": "خبر مبتور'}))


def _malformed_several(d):
    return _jsonl(d, doc_lines(50, raw={1: "{not json", 17: '{"outlet": 5,}', 18: "[1, 2", 49: '"just a string"'}))


def _cp1256_jsonl(d):
    return _jsonl(d, doc_lines(30), encoding="cp1256")


def _cp1256_csv(d):
    rows = ["doc_id,outlet,date,text"] + [f"w{k},{OUTLETS[k % 2]},2021-05-{k:02d},{TEXTS[k % 5]}" for k in range(1, 25)]
    path = d / "c.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1256"))
    return path


def _undecodable_line(d):
    lines = [ln.encode() for ln in doc_lines(40)]
    lines[26] = _line(doc(27)).encode("cp1256")  # one line saved in Windows-1256 in a UTF-8 file
    path = d / "c.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _duplicate_across_parts(d):
    return _jsonl(d, doc_lines(40, over={35: {"doc_id": "w3"}, 36: {"doc_id": "w3"}}))


def _generated_ids(d):
    return _jsonl(d, [_line({k: v for k, v in doc(i).items() if k != "doc_id"}) for i in range(1, 31)])


def _dates(d, **dates: str):
    over = {k: {"date": "2021-05-04"} for k in range(1, 41)}
    for key, value in dates.items():
        over[int(key[1:])] = {"date": value}
    return _jsonl(d, doc_lines(40, over=over))


def _dayfirst_later(d):
    # line 20 (in the file's second batch of 10) decides: day first; line 38 is month first, against it
    return _dates(d, l20="13/05/2021", l38="05/14/2021")


def _dayfirst_mixed_in_one_batch(d):
    return _dates(d, l12="13/05/2021", l18="05/14/2021")


def _dayfirst_undecidable(d):
    return _dates(d, l15="03/05/2021", l31="04/06/2021")


def _empty_text_later(d):
    return _jsonl(d, doc_lines(40, over={31: {"text": "   "}, 33: {"outlet": ""}}))


def _no_outlet_column(d):
    return _jsonl(d, [_line({k: v for k, v in doc(i).items() if k != "outlet"}) for i in range(1, 31)])


def _blank_and_bracket_lines(d):
    lines = doc_lines(45)
    for k in (12, 13, 25, 26, 27):
        lines[k] = ""
    lines[30] = "[" + lines[30]          # a line that opens a list, in the middle: malformed
    lines[31] = "  " + lines[31] + "  "  # spaces around a record
    return _jsonl(d, lines)


def _crlf_bom(d):
    path = d / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(doc_lines(30)) + "\r\n").encode())
    return path


def _line_over_cap(d):
    return _jsonl(d, doc_lines(30, over={14: {"text": " ".join([TEXTS[0]] * 40)}}))


def _gz_malformed(d):
    path = d / "c.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(doc_lines(30, raw={9: "{oops"})) + "\n").encode()))
    return path


def _json_list_named_jsonl(d):
    path = d / "c.jsonl"
    path.write_text(json.dumps([doc(k) for k in range(1, 21)], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _parquet_row_groups(d):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [doc(k) for k in range(1, 41)]
    rows[24]["text"] = ""           # row 25: empty text
    rows[33]["doc_id"] = "w2"       # row 34: an id of the first row group
    path = d / "c.parquet"
    pq.write_table(pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False), path, row_group_size=8)
    return path


def _extra_field_later(d):
    return _jsonl(d, doc_lines(40, over={33: {"section": "اقتصاد"}, 2: {"score": 3}}))


def _all_bad(d):
    return _jsonl(d, ["{broken " + str(k) for k in range(1, 31)])


@dataclass(frozen=True)
class DaskCase:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str  # what `framing analyze --workers 2` (or read_corpus_dask) did before the fix
    make: Callable[[Path], Path]
    outcome: str  # "ok" | "reject" | "fatal"
    n_read: int = 0
    n_rejected: int = 0
    pattern: str = ""
    line: int | None = None
    options: dict = dataclasses.field(default_factory=dict)
    blocksize: int = BLOCK
    split: bool = True  # the file is cut into several parts (JSON Lines, Parquet)
    batch_size: int | None = None  # records validated at a time (read_corpus: 10,000; analyze: 5,000)

    def __repr__(self) -> str:
        return self.name


MB = 2**20

DASK_CASES = [
    DaskCase("dask_malformed_json_line", "traceback",
             "internal error: pandas ValueError 'Unexpected character found when decoding object value' without "
             "file or line", _malformed, "reject", n_read=40, n_rejected=1, line=23,
             pattern=r"malformed JSON \(Unterminated string .*\); fix or remove the line"),
    DaskCase("dask_malformed_lines_at_start_and_end", "traceback", "internal error: pandas ValueError",
             _malformed_several, "reject", n_read=50, n_rejected=4, line=1, pattern=r"malformed JSON"),
    DaskCase("dask_cp1256_jsonl", "traceback",
             "internal error: UnicodeDecodeError 'utf-8' codec can't decode byte", _cp1256_jsonl, "ok", n_read=30),
    DaskCase("dask_cp1256_jsonl_encoding_option", "traceback", "internal error: UnicodeDecodeError "
             "(--encoding was not passed to the workers)", _cp1256_jsonl, "ok", n_read=30,
             options={"encoding": "cp1256"}),
    DaskCase("dask_cp1256_csv", "other", "refused: 'read_corpus_dask reads Parquet or JSON Lines' though "
             "the one-process path reads it", _cp1256_csv, "ok", n_read=24, split=False),
    DaskCase("dask_undecodable_line", "traceback", "internal error: UnicodeDecodeError", _undecodable_line,
             "reject", n_read=40, n_rejected=1, line=27,
             pattern=r"not valid utf-8 .*pass encoding='\.\.\.' \(--encoding on the command line\)"),
    DaskCase("dask_duplicate_id_across_parts", "silent", "stopped at 'partition 5, line 2' (not line 36) even "
             "with --errors collect; the id of line 3 met again in another partition was not seen",
             _duplicate_across_parts, "reject", n_read=40, n_rejected=2,
             line=35, pattern=r"duplicate doc_id 'w3' \(first seen at line 3\)"),
    DaskCase("dask_generated_ids", "other", "ids 'c:p0:1' numbered by partition and row, not 'c:<line>' as the "
             "one-process path gives them", _generated_ids, "ok", n_read=30),
    DaskCase("dask_dayfirst_decided_in_later_part", "silent", "each partition decided its own day/month order: "
             "05/14/2021 read month-first beside 13/05/2021 read day-first", _dayfirst_later, "reject",
             n_read=40, n_rejected=1, line=38, batch_size=10,
             pattern=r"date '05/14/2021' cannot be read day-first \(no month 14\), the order of this column "
                     r"\(day-first, as line 20: '13/05/2021' shows\)"),
    DaskCase("dask_dayfirst_mixed_in_one_batch", "silent", "each partition decided its own order, silently",
             _dayfirst_mixed_in_one_batch, "fatal", batch_size=10, pattern=r"line 18, field 'date': the date column "
             r"mixes day-first dates \(line 12: '13/05/2021'\) and month-first dates \(line 18: '05/14/2021'\)"),
    DaskCase("dask_dayfirst_mixed_in_the_file", "silent", "each partition decided its own order, silently",
             _dayfirst_later, "fatal", pattern=r"the date column mixes day-first dates \(line 20"),
    DaskCase("dask_dayfirst_undecidable", "other", "the error named '04/06/2021' at 'partition 4, line 4', not "
             "the file's line 15",
             _dayfirst_undecidable, "fatal", pattern=r"line 15, field 'date': dates such as '03/05/2021' can be "
                                                      r"read day-first or month-first"),
    DaskCase("dask_rejects_collected", "other", "--errors collect ignored: the Dask path stopped the run at the "
             "first bad record (naming a partition and row, not the line)", _empty_text_later, "reject",
             n_read=40, n_rejected=2, line=31, pattern=r"empty text"),
    DaskCase("dask_no_outlet_column", "other", "'no outlet column' named 'partition 2' of the file",
             _no_outlet_column, "fatal", pattern=r"no 'outlet' column; found columns \['doc_id', 'date', "
                                                 r"'title', 'text'\]"),
    DaskCase("dask_blank_and_bracket_lines", "traceback", "internal error: pandas ValueError",
             _blank_and_bracket_lines, "reject", n_read=40, n_rejected=1, line=31, pattern=r"malformed JSON"),
    DaskCase("dask_crlf_and_bom", "traceback", "internal error: pandas ValueError 'Expected object or value at "
             "position 0' (the BOM)", _crlf_bom, "ok",
             n_read=30),
    DaskCase("dask_line_over_cap", "runaway", "read whatever its size: --max-record-mb not applied on the workers",
             _line_over_cap,
             "reject", n_read=30, n_rejected=1, line=14, options={"max_record_bytes": 2000},
             pattern=r"the line is [\d,]+ bytes long, over the cap of 2,000 bytes"),
    DaskCase("dask_gz_malformed", "traceback", "internal error: pandas ValueError", _gz_malformed, "reject",
             n_read=30, n_rejected=1, line=9, pattern=r"malformed JSON", split=False),
    DaskCase("dask_json_list_named_jsonl", "traceback",
             "internal error: pandas ValueError 'Expected object or value at position 1'",
             _json_list_named_jsonl, "ok", n_read=20, split=False),
    DaskCase("dask_parquet_row_groups", "silent", "stopped at 'partition 0, line 25' even with --errors collect; "
             "the id of row 2 met again in another row group was not seen", _parquet_row_groups, "reject",
             n_read=40, n_rejected=2, line=25,
             pattern=r"empty text", blocksize=1),
    DaskCase("dask_extra_field_later", "traceback", "internal error: 'Metadata mismatch found in from_delayed' (a "
             "field not in the first partition)", _extra_field_later, "ok", n_read=40),
    DaskCase("dask_every_record_bad", "traceback", "internal error: pandas ValueError", _all_bad, "reject",
             n_read=30, n_rejected=30, line=1, pattern=r"malformed JSON", blocksize=64),
]
