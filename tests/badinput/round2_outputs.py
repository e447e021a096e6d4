"""Bad-input catalogue, round two (issue 14): where the outputs go, and what they hold.

Each :class:`OutCase` is one case of the issue, with its class (traceback / silent / runaway / unsafe /
other), what the tool did before the fix (``before``) and what it does now (``after``). The checks live
in ``tests/test_bad_input_outputs.py``, one ``test_<name>`` (and ``test_<name>_...``) per case, each
through the library and the command line; a test there makes sure no case is left without one.

The corpora are short sentences written for these tests; outlet names and titles are the hostile part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OutCase", "OUTPUT_CASES", "FORMULAS", "hostile_corpus", "plain_corpus", "is_formula"]


@dataclass(frozen=True)
class OutCase:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str
    after: str

    def __repr__(self) -> str:
        return self.name


#: Cells a spreadsheet would run: outlet names and titles of :func:`hostile_corpus`.
FORMULAS = ('=HYPERLINK("http://x","click")', "+1+1", "@SUM(A1)", "-2+3", "\t=1+2", "\r=1+2")

_TEXTS = ("قالت ميليشيا حفتر إن الطريق إلى المدينة مغلق منذ يومين",
          "تقدمت قوات حفتر نحو المدينة بعد اشتباكات قصيرة",
          "ردت حكومة الوفاق على بيان قوات حفتر في المساء",
          "أعلن ما يسمى الجيش أنه سيفتح الطريق قريبا")


def is_formula(cell: str) -> bool:
    """A CSV cell a spreadsheet would run: starts with = + - @ tab or CR and is not a number."""
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def hostile_corpus(d: Path, n: int = 48, name: str = "hostile.jsonl") -> Path:
    """``n`` documents whose outlets (the first four of :data:`FORMULAS`) and titles are formulas; a
    fifth outlet is Arabic starting with ``-``. The texts hit the labels of the bundled ``libya`` lexicon."""
    outlets = (*FORMULAS[:4], "-صحيفة الوادي")
    p = d / name
    with p.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"doc_id": f"h{i}", "outlet": outlets[i % len(outlets)],
                                 "date": f"2021-0{1 + i % 6}-1{i % 9}", "title": FORMULAS[i % len(FORMULAS)],
                                 "text": f"{_TEXTS[i % len(_TEXTS)]} ({i})"}, ensure_ascii=False) + "\n")
    return p


def plain_corpus(d: Path, n: int = 60, outlets: tuple[str, ...] = ("الساحل", "الجبل", "الواحة"),
                 name: str = "plain.jsonl", bad_lines: int = 0, distinct: bool = False) -> Path:
    """``n`` ordinary documents over six months from ``outlets``, then ``bad_lines`` lines that are not JSON.

    ``distinct``: each outlet has a sentence of its own (so each has terms it says more than the others)."""
    p = d / name
    with p.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"doc_id": f"p{i}", "outlet": outlets[i % len(outlets)],
                                 "date": f"2020-0{1 + i % 6}-1{i % 9}", "title": f"خبر {i}",
                                 "text": f"{_TEXTS[(i % len(outlets) if distinct else i) % len(_TEXTS)]} ({i})"},
                                ensure_ascii=False) + "\n")
        for k in range(bad_lines):
            fh.write(f'{{"doc_id": "bad{k}", "text": "سطر مقطوع\n')
    return p


OUTPUT_CASES = [
    # --- outputs that cannot be written: one line, exit 1 or 2, nothing half-written ---------------------
    OutCase("analyze_out_proc", "traceback",
            "analyze --out /proc/x: internal error (FileNotFoundError), exit 1",
            "exit 1, 'the output folder /proc/x: cannot write here (...)'; nothing made, nothing read"),
    OutCase("analyze_out_under_file", "traceback",
            "analyze --out FILE/sub: already a one-line usage error (kept here as a regression case)",
            "exit 2, '--out: cannot make the folder ...: FILE is a file'"),
    OutCase("validate_rejects_folder", "traceback",
            "validate --rejects .: internal error (ValueError: PosixPath('.') has an empty name)",
            "exit 2 before reading, '--rejects .: is a folder; give a file name'"),
    OutCase("kwic_out_root", "traceback",
            "kwic --out /: internal error (ValueError: PosixPath('/') has an empty name)",
            "exit 2 before reading, '--out /: is a folder; give a file name'"),
    OutCase("file_outputs_unwritable", "traceback",
            "compare/trends/kwic --out and validate --rejects into /proc, /sys or under a file: "
            "FileNotFoundError / PermissionError / NotADirectoryError after the whole corpus was read",
            "exit 2 before reading, one line naming the option, the path and the fix; no file, no folder"),
    OutCase("library_unwritable", "traceback",
            "write_table / atomic_path into /proc or under a file: OSError",
            "OutputError (a FramingError) naming the path"),
    OutCase("out_is_the_corpus", "silent",
            "kwic corpus.csv TERM --out corpus.csv: the corpus overwritten by the concordance",
            "exit 2, '--out corpus.csv is the corpus being read'; the corpus unchanged"),
    OutCase("out_and_rejects_one_file", "silent",
            "compare --out t.csv --rejects t: the rejects written to t.csv, then overwritten by the table",
            "exit 2, '--out and --rejects both name t.csv'"),
    # --- unsafe ------------------------------------------------------------------------------------------
    OutCase("csv_formula_injection", "unsafe",
            "outlets/titles such as =HYPERLINK(...), +1+1, @SUM(A1), -2+3 written raw into every CSV",
            "text cells (and column names) starting with = + - @ tab CR get a leading '; numbers and Parquet "
            "unchanged; the HTML report escapes them"),
    # --- other: mixed, stale, partial outputs ---------------------------------------------------------------
    OutCase("concurrent_runs", "other",
            "two analyze runs into one --out both exit 0 and mix their rows",
            "the second stops at once: exit 1, 'the output folder X is in use by another framing run (pid N)'"),
    OutCase("stale_lock", "other",
            "(no lock before)",
            "a lock left by a dead run is taken over with a warning naming its pid; the run completes"),
    OutCase("force_leaves_old_files", "other",
            "--force: the charts of an outlet no longer in the corpus stay beside the new report",
            "only the new run's files remain (manifest .framing-manifest.json); files the tool did not "
            "write (notes.txt) stay"),
    OutCase("failed_run_keeps_old_outputs", "other",
            "--force run failing half-way: some files new, some old, temporary files beside them",
            "a run writes into a staging folder moved in only when complete: the old files byte for byte"),
    OutCase("sigterm_leaves_temp_files", "other",
            "SIGTERM: hidden .*.tmp files and a half-made folder left, exit -15",
            "exit 143, 'framing: terminated (SIGTERM); ...'; no temporary file, the folder as it was"),
    OutCase("compare_out_other_suffix", "other",
            "compare --out table.backup wrote (and overwrote) table.csv",
            "exactly table.backup is written; table.csv untouched; '.csv' added only to a name without suffix"),
]
