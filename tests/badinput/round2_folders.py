"""Bad-input catalogue, round two (issue 14): corpus folders (``.txt`` articles, ``metadata.csv``,
news-please ``.json``) and dates.

Each :class:`FolderCase` builds a corpus (``make(folder) -> path``, a folder or a CSV file) and says what
reading it must give:

* ``"ok"``: no reject; ``n_read`` documents, ``check(df)`` true;
* ``"reject"``: ``n_rejected`` of the ``n_read`` documents are rejected; the first reject (and with
  ``errors="raise"`` the CorpusError) is at ``where`` (a path relative to the corpus, ``""`` for the corpus
  file itself), ``line`` and ``field``, its reason matching ``pattern``;
* ``"fatal"``: both modes raise a CorpusError matching ``pattern`` at ``where``/``line``.

``warn``: a regex one of the warnings must match (the command line prints it as ``framing: warning:``).
``dayfirst`` is passed as ``dayfirst=`` and ``--dayfirst``/``--monthfirst``. ``needs_user``: the case
relies on file permissions, which do not stop root. ``cls`` is the issue class the case was filed under
(traceback / silent / runaway / unsafe / other) and ``before`` what the tool did before the fix.

The Arabic is written for these tests.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["FolderCase", "FOLDER_CASES", "OUTLETS", "TEXTS", "base_folder", "dated_csv"]

OUTLETS = ("الساحل", "الجبل")
# written for these tests; each names an actor of the bundled libya lexicon
TEXTS = (
    "قالت ميليشيا حفتر إن الطريق إلى الميناء مغلق منذ الصباح الباكر.",
    "تقدمت قوات حفتر نحو أطراف طرابلس بعد ليلة من القصف المتقطع.",
    "ردت حكومة الوفاق على هجوم قوات حفتر جنوب العاصمة بالمدفعية.",
    "أعلن الجيش الوطني الليبي سيطرته على موقع قريب من المطار القديم.",
)
BASE_DOCS = 6  # documents in base_folder


@dataclass(frozen=True)
class FolderCase:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str  # what happened before the fix
    make: Callable[[Path], Path]
    outcome: str  # "ok" | "reject" | "fatal"
    n_read: int = 0
    n_rejected: int = 0
    pattern: str = ""
    where: str | None = None
    line: int | None = None
    field: str | None = None
    warn: str | None = None
    check: Callable[[pd.DataFrame], bool] | None = None
    dayfirst: bool | None = None
    needs_user: bool = False

    def __repr__(self) -> str:
        return self.name


def _text(i: int) -> str:
    return f"{TEXTS[i % len(TEXTS)]} ({i})"


def base_folder(d: Path, name: str = "corpus") -> Path:
    """A folder of six articles in two outlet sub-folders."""
    root = d / name
    for k, outlet in enumerate(OUTLETS):
        (root / outlet).mkdir(parents=True)
        for i in range(1, 4):
            (root / outlet / f"{i}.txt").write_text(_text(3 * k + i), encoding="utf-8")
    return root


def dated_csv(d: Path, dates: list[str], name: str = "dated.csv") -> Path:
    """A CSV table: one row per date (lines 2...), then four rows with ISO dates."""
    import csv

    path = d / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["doc_id", "outlet", "date", "text"])
        for i, date in enumerate([*dates, "2020-01-05", "2020-01-06", "2020-02-07", "2020-02-08"]):
            w.writerow([f"d{i}", OUTLETS[i % 2], date, _text(i)])
    return path


def _dates(*expected: str | None) -> Callable[[pd.DataFrame], bool]:
    """The first dates of the table are ``expected`` (None: NaT)."""
    def check(df: pd.DataFrame) -> bool:
        got = [None if pd.isna(x) else str(x) for x in df["date"].iloc[:len(expected)]]
        return got == [None if e is None else str(pd.Timestamp(e)) for e in expected]
    return check


# --- 1. articles that cannot be read -------------------------------------------------------------------------
def _broken_link(d: Path) -> Path:
    root = base_folder(d)
    os.symlink(root / "nowhere.txt", root / OUTLETS[0] / "4.txt")
    return root


def _link_loop(d: Path) -> Path:
    root = base_folder(d)
    os.symlink("4.txt", root / OUTLETS[1] / "4.txt")
    return root


def _fifo(d: Path) -> Path:
    root = base_folder(d)
    os.mkfifo(root / OUTLETS[0] / "4.txt")  # reading it would block forever
    return root


def _no_permission(d: Path) -> Path:
    root = base_folder(d)
    p = root / OUTLETS[0] / "4.txt"
    p.write_text(_text(9), encoding="utf-8")
    p.chmod(0)
    return root


def _unlistable_folder(d: Path) -> Path:
    root = base_folder(d)
    sub = root / "مغلق"
    sub.mkdir()
    (sub / "1.txt").write_text(_text(10), encoding="utf-8")
    sub.chmod(stat.S_IWUSR)
    return root


# --- 2. names that are not UTF-8 ------------------------------------------------------------------------------
def _non_utf8_names(d: Path) -> Path:
    root = base_folder(d)
    outlet = os.fsencode(root) + b"/\xe9t\xe9"  # Latin-1 "été": not UTF-8
    os.mkdir(outlet)
    for i, name in enumerate((b"\xe9.txt", b"\xe8.txt")):  # would both become "\ufffd" (a duplicate id)
        with open(outlet + b"/" + name, "wb") as fh:
            fh.write(_text(20 + i).encode("utf-8"))
    return root


def _non_utf8_empty_file(d: Path) -> Path:
    root = base_folder(d)
    with open(os.fsencode(root / OUTLETS[0]) + b"/vide\xe9.txt", "wb"):
        pass
    return root


def _non_utf8_ok(df: pd.DataFrame) -> bool:
    odd = df[df["outlet"] == "\\xe9t\\xe9"]
    return sorted(odd["doc_id"]) == ["\\xe9t\\xe9/\\xe8", "\\xe9t\\xe9/\\xe9"] and len(df) == BASE_DOCS + 2


# --- 3. hidden files and folders --------------------------------------------------------------------------------
def _hidden(d: Path) -> Path:
    root = base_folder(d)
    (root / OUTLETS[0] / ".draft.txt").write_text(_text(30), encoding="utf-8")
    for folder in (".cache", ".git"):
        (root / folder).mkdir()
        (root / folder / "x.txt").write_text(_text(31), encoding="utf-8")
    return root


def _metadata_lists_hidden(d: Path) -> Path:
    root = base_folder(d)
    (root / ".draft.txt").write_text(_text(32), encoding="utf-8")
    (root / "metadata.csv").write_text(f"file,outlet\n{OUTLETS[0]}/1.txt,{OUTLETS[0]}\n.draft.txt,{OUTLETS[1]}\n",
                                       encoding="utf-8")
    return root


# --- 4. metadata.csv listing a file twice ------------------------------------------------------------------------
def _metadata(rows: list[str]) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        root = d / "flat"
        root.mkdir()
        for i in range(1, 4):
            (root / f"{i}.txt").write_text(_text(40 + i), encoding="utf-8")
        (root / "metadata.csv").write_text("\n".join(["file,outlet,date", *rows]) + "\n", encoding="utf-8")
        return root
    return make


_META_ROWS = [f"1.txt,{OUTLETS[0]},2020-01-05", f"2.txt,{OUTLETS[1]},2020-01-06", f"3.txt,{OUTLETS[0]},2020-01-07"]


# --- 5. other corpus files in a .txt folder ------------------------------------------------------------------------
def _other_formats(d: Path) -> Path:
    root = base_folder(d)
    (root / OUTLETS[0] / "more.jsonl").write_text('{"outlet": "x", "text": "خبر"}\n', encoding="utf-8")
    (root / "table.csv").write_text("outlet,text\nx,خبر\n", encoding="utf-8")
    (root / OUTLETS[1] / "old.txt.gz").write_bytes(b"\x1f\x8b")
    (root / "notes.parquet").write_bytes(b"PAR1")
    return root


def _news_please_with_readme(d: Path) -> Path:
    import json

    root = d / "np"
    (root / "site").mkdir(parents=True)
    for i in range(3):
        (root / "site" / f"{i}.json").write_text(json.dumps(
            {"title": "خبر", "maintext": _text(50 + i), "date_publish": f"2020-01-0{i + 1} 10:00:00",
             "source_domain": OUTLETS[i % 2]}, ensure_ascii=False), encoding="utf-8")
    (root / "README.md").write_text("crawl notes\n", encoding="utf-8")
    return root


# --- 6-8. dates -----------------------------------------------------------------------------------------------------
def _csv(dates: list[str]) -> Callable[[Path], Path]:
    return lambda d: dated_csv(d, dates)


def _metadata_day_first(d: Path) -> Path:
    return _metadata([f"1.txt,{OUTLETS[0]},01/02/2020", f"2.txt,{OUTLETS[1]},13/02/2020",
                      f"3.txt,{OUTLETS[0]},05/03/2020"])(d)


FOLDER_CASES: list[FolderCase] = [
    # 1. unreadable articles
    FolderCase("txt_broken_symlink", "traceback", "a broken link named x.txt was skipped uncounted",
               _broken_link, "reject", BASE_DOCS + 1, 1, r"a broken symbolic link", f"{OUTLETS[0]}/4.txt", 1,
               "text"),
    FolderCase("txt_symlink_loop", "traceback", "a looping link was skipped uncounted", _link_loop, "reject",
               BASE_DOCS + 1, 1, r"symbolic link that cannot be followed \(Too many levels", f"{OUTLETS[1]}/4.txt",
               1, "text"),
    FolderCase("txt_fifo", "traceback", "a FIFO named x.txt was skipped uncounted", _fifo, "reject",
               BASE_DOCS + 1, 1, r"not a regular file \(a FIFO\)", f"{OUTLETS[0]}/4.txt", 1, "text"),
    FolderCase("txt_no_permission", "traceback", "PermissionError traceback (chmod 000 article)", _no_permission,
               "reject", BASE_DOCS + 1, 1, r"cannot read the file \(Permission denied\)", f"{OUTLETS[0]}/4.txt",
               1, "text", needs_user=True),
    FolderCase("txt_unlistable_subfolder", "traceback", "a sub-folder without read permission was skipped "
               "uncounted", _unlistable_folder, "reject", BASE_DOCS + 1, 1,
               r"cannot list the folder \(Permission denied\)", "مغلق", 1, None, needs_user=True),
    # 2. names that are not UTF-8
    FolderCase("txt_non_utf8_names", "traceback", "ids and outlet '\ufffd' (two files: a duplicate doc_id); "
               "printing a reject's path crashed", _non_utf8_names, "ok", BASE_DOCS + 2,
               warn=r"2 paths not valid UTF-8 \(\\xe9t\\xe9/\\xe8\.txt", check=_non_utf8_ok),
    FolderCase("txt_non_utf8_name_rejected", "traceback", "UnicodeEncodeError printing the reject's path "
               "(internal error / traceback)", _non_utf8_empty_file, "reject", BASE_DOCS + 1, 1,
               r"the file is empty", f"{OUTLETS[0]}/vide\\xe9.txt", 1, "text", warn=r"not valid UTF-8"),
    # 3. hidden
    FolderCase("txt_hidden_files_and_folders", "silent", "hidden files skipped uncounted while a hidden folder "
               "became an outlet '.cache'", _hidden, "ok", BASE_DOCS,
               warn=r"skipped 1 hidden file and 2 hidden folders \(names starting with '\.': \.cache, \.git",
               check=lambda df: set(df["outlet"]) == set(OUTLETS)),
    FolderCase("metadata_lists_hidden_file", "other", "'lists .draft.txt but no such .txt file exists'",
               _metadata_lists_hidden, "reject", BASE_DOCS + 1, 1, r"lists '\.draft\.txt' but it is hidden",
               "metadata.csv", 3, "file", warn=r"skipped 1 hidden file"),
    # 4. metadata.csv listing a file twice
    FolderCase("metadata_conflicting_rows", "silent", "the last row won (outlet and date of line 5)",
               _metadata([*_META_ROWS, f"1.txt,{OUTLETS[1]},2020-03-01"]), "reject", 3, 1,
               r"lists '1\.txt' twice with different values \(lines 2 and 5: outlet '\S+' vs '\S+'; "
               r"date '2020-01-05' vs '2020-03-01'\)", "metadata.csv", 5, "outlet"),
    FolderCase("metadata_identical_rows", "silent", "the repeat was taken silently", _metadata(
               [*_META_ROWS, _META_ROWS[1]]), "ok", 3, warn=r"1 file listed twice with the same values \('2\.txt' "
               r"\(lines 3 and 5\)\)", check=_dates("2020-01-05", "2020-01-06", "2020-01-07")),
    # 5. other formats
    FolderCase("txt_folder_other_formats", "silent", "the .jsonl/.csv/.gz/.parquet files were ignored without "
               "notice", _other_formats, "ok", BASE_DOCS,
               warn=r"4 files of other formats were not read \(notes\.parquet, table\.csv, .*: read them separately"),
    FolderCase("news_please_folder_other_files", "silent", "README.md ignored without notice",
               _news_please_with_readme, "ok", 3, warn=r"1 file of other formats was not read \(README\.md\)"),
    # 6. day/month order
    FolderCase("dates_day_first_decided_by_13", "silent", "01/02/2020 read as 2 January, 13/02/2020 as 13 "
               "February", _csv(["01/02/2020", "13/02/2020"]), "ok", 6,
               check=_dates("2020-02-01", "2020-02-13")),
    FolderCase("dates_month_first_decided_by_13", "silent", "read right by luck (month first is pandas' default)",
               _csv(["01/02/2020", "02/13/2020", "12.03.2020 10:30"]), "ok", 7,
               check=_dates("2020-01-02", "2020-02-13", "2020-12-03 10:30")),
    FolderCase("dates_both_orders_in_column", "silent", "each date read in whichever order parsed",
               _csv(["13/02/2020", "01/02/2020", "02/13/2020"]), "fatal", pattern=r"the date column mixes "
               r"day-first dates \(line 2: '13/02/2020'\) and month-first dates \(line 4: '02/13/2020'\)",
               where="", line=4),
    FolderCase("dates_undecidable", "silent", "01/02/2020 read month-first without a word",
               _csv(["01/02/2020", "03/04/2020", "05/05/2020"]), "fatal",
               pattern=r"dates such as '01/02/2020' can be read day-first or month-first.*--dayfirst or "
               r"--monthfirst", where="", line=2),
    FolderCase("dates_undecidable_dayfirst_given", "silent", "01/02/2020 read month-first without a word",
               _csv(["01/02/2020", "03/04/2020", "05/05/2020"]), "ok", 7, dayfirst=True,
               check=_dates("2020-02-01", "2020-04-03", "2020-05-05")),
    FolderCase("dates_contradict_given_order", "silent", "13/02/2020 read day-first despite the other dates",
               _csv(["01/02/2020", "13/02/2020"]), "reject", 6, 1, r"date '13/02/2020' cannot be read "
               r"month-first \(no month 13\), the order of this column \(dayfirst=False was given\)", "", 3,
               "date", dayfirst=False),
    FolderCase("metadata_dates_day_first", "silent", "01/02/2020 read as 2 January beside 13/02/2020",
               _metadata_day_first, "ok", 3, check=_dates("2020-02-01", "2020-02-13", "2020-03-05")),
    # 7. time zones
    FolderCase("date_with_time_zone_keeps_local_date", "silent", "2020-03-01T01:30:00+03:00 became 29 February "
               "22:30 (UTC); 2020-03-31T23:30-05:00 became 1 April",
               _csv(["2020-03-01T01:30:00+03:00", "2020-03-31T23:30:00-05:00", "2020-03-01 01:30 GMT",
                     "Sun, 01 Mar 2020 01:30:00 +0300"]), "ok", 8,
               check=_dates("2020-03-01 01:30", "2020-03-31 23:30", "2020-03-01 01:30", "2020-03-01 01:30")),
    # 8. out of range
    FolderCase("dates_out_of_range", "other", "rejected as 'unparsable date'", _csv(["0001-01-01", "9999-12-31"]),
               "reject", 6, 2, r"date '0001-01-01' is out of range \(pandas supports 1677-09-22 to 2262-04-11\)",
               "", 2, "date"),
]


# --- 9. news-please files read as strictly as JSON Lines (leftover of the closing note) ---------------------------
NEWS_PLEASE_DOCS = 4  # files in _news_please


def _news_please(bad: int, raw: Callable[[dict], str]) -> Callable[[Path], Path]:
    """A news-please folder of four files (site/0.json ... site/3.json); file ``bad`` is ``raw(obj)``."""
    def make(d: Path) -> Path:
        import json

        root = d / "np"
        (root / "site").mkdir(parents=True)
        for i in range(NEWS_PLEASE_DOCS):
            obj = {"title": f"خبر {i}", "maintext": _text(60 + i), "date_publish": f"2020-01-0{i + 1} 10:00:00",
                   "source_domain": OUTLETS[i % 2]}
            text = raw(obj) if i == bad else json.dumps(obj, ensure_ascii=False)
            (root / "site" / f"{i}.json").write_text(text, encoding="utf-8")
        return root
    return make


def _np_value(key: str, literal: str) -> Callable[[dict], str]:
    """The object with ``key``'s value written as ``literal`` (a JSON token, or one JSON lacks)."""
    def raw(obj: dict) -> str:
        import json

        return json.dumps({**obj, key: "@@"}, ensure_ascii=False).replace('"@@"', literal)
    return raw


def _np_key_twice(obj: dict) -> str:
    import json

    first = json.dumps(obj, ensure_ascii=False)
    return first[:-1] + ', "maintext": "نص ثان يحل محل الأول بصمت."}'


def _np_deep(obj: dict) -> str:
    return "[" * 100_000 + "]" * 100_000


NEWS_PLEASE_CASES: list[FolderCase] = [
    FolderCase("news_please_duplicate_key", "silent", "json.loads kept the last 'maintext': the first text dropped "
               "silently, the article accepted", _news_please(2, _np_key_twice), "reject", NEWS_PLEASE_DOCS, 1,
               r"the key 'maintext' appears twice in the object of the file, so one of its values would be lost: "
               r"remove or rename one", "site/2.json", 1, "maintext"),
    FolderCase("news_please_nan_outlet", "silent", "NaN read as a missing outlet (reject 'missing outlet')",
               _news_please(1, _np_value("source_domain", "NaN")), "reject", NEWS_PLEASE_DOCS, 1,
               r"expected a string, found the literal NaN \(not JSON\); write null", "site/1.json", 1, "outlet"),
    FolderCase("news_please_nan_title", "silent", "NaN accepted as a missing title without notice",
               _news_please(3, _np_value("title", "NaN")), "reject", NEWS_PLEASE_DOCS, 1,
               r"expected a string, found the literal NaN \(not JSON\)", "site/3.json", 1, "title"),
    FolderCase("news_please_infinity_date", "silent", "Infinity read as an epoch timestamp (reject \"epoch "
               "timestamp 'inf' is out of range\")", _news_please(0, _np_value("date_publish", "-Infinity")),
               "reject", NEWS_PLEASE_DOCS, 1, r"found the literal -Infinity \(not JSON\) for a date; write null",
               "site/0.json", 1, "date"),
    FolderCase("news_please_boolean_outlet", "silent", "(already a reject: the validator checks the values of "
               "every format; kept as a case)", _news_please(2, _np_value("source_domain", "false")), "reject",
               NEWS_PLEASE_DOCS, 1, r"expected a string, found a boolean \(False\); store it as text",
               "site/2.json", 1, "outlet"),
    FolderCase("news_please_number_text", "silent", "(already a reject, as for every format; kept as a case)",
               _news_please(1, _np_value("maintext", "2020")), "reject", NEWS_PLEASE_DOCS, 1,
               r"expected a string, found a number \(2020\)", "site/1.json", 1, "text"),
    FolderCase("news_please_nested_too_deep", "traceback", "RecursionError traceback from json.loads",
               _news_please(3, _np_deep), "reject", NEWS_PLEASE_DOCS, 1,
               r"malformed JSON \(nested too deep\); fix or remove the file", "site/3.json", 1, None),
]
FOLDER_CASES += NEWS_PLEASE_CASES


# --- 10. an article over the size cap (leftover of the closing note: checked) ---------------------------------
def _article_over_cap(d: Path) -> Path:
    """A 41 MiB article (sparse: no disk used) beside the six: over the default cap of 40 MiB."""
    root = base_folder(d)
    with (root / OUTLETS[1] / "4.txt").open("wb") as fh:
        fh.truncate(41 * 2**20)
    return root


FOLDER_CASES += [
    FolderCase("txt_article_over_cap", "runaway", "(already a reject by its size, not read; since, never more than "
               "the cap is read even if the file grew after the check; kept as a case)", _article_over_cap, "reject",
               BASE_DOCS + 1, 1, r"the file is 42,991,616 bytes long, over the cap of 41,943,040 bytes \(40 MB\) for "
               r"one record; split the record, or raise the cap \(--max-record-mb", f"{OUTLETS[1]}/4.txt", 1, "text"),
]
