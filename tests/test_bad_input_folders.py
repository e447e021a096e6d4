"""Bad-input catalogue, round two: corpus folders and dates (tests/badinput/round2_folders.py).

Each case goes through the library (``read_corpus`` with ``errors="raise"`` and ``"collect"``), through
``framing validate`` (a subprocess) and through ``framing analyze --lexicon libya`` (in process; a few as a
subprocess too): documents read = accepted + rejected, each reject placed (file, line, field) with its
reason, warnings printed on one line, one-line errors naming the file, no traceback, and a fatal input
leaves no output folder.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from badinput.round2_folders import FOLDER_CASES, OUTLETS, FolderCase, base_folder, dated_csv
from helpers.command import CLASSES, SUMMARY, check_validate, error_lines, run_framing

from framing.corpus.folders import shown
from framing.corpus.reader import iter_corpus, read_corpus
from framing.errors import CorpusError, FramingError

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _params(cases: list[FolderCase]) -> list:
    skip = pytest.mark.skipif(IS_ROOT, reason="running as root: file permissions do not stop root from reading "
                                              "(test_permission_error_simulated covers the code path)")
    return [pytest.param(c, marks=skip) if c.needs_user else c for c in cases]


def _where(path: Path, case: FolderCase) -> str:
    return shown(path) + ("/" + case.where if case.where else "")


def _read(path: Path, case: FolderCase, errors: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = read_corpus(path, errors=errors, dayfirst=case.dayfirst)
    return df, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def _option(case: FolderCase) -> list[str]:
    return [] if case.dayfirst is None else ["--dayfirst" if case.dayfirst else "--monthfirst"]


def test_catalogue_round2_folders_is_tallied():
    names = [c.name for c in FOLDER_CASES]
    assert len(names) == len(set(names)) >= 20
    assert {c.cls for c in FOLDER_CASES} <= CLASSES
    assert all(c.outcome in ("ok", "reject", "fatal") and c.before for c in FOLDER_CASES)


# --- library ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", _params(FOLDER_CASES), ids=repr)
def test_round2_folders_library(case, tmp_path):
    path = case.make(tmp_path)
    if case.outcome == "fatal":
        for errors in ("raise", "collect"):
            with pytest.raises(CorpusError) as info:
                _read(path, case, errors)
            err = info.value
            assert err.source == _where(path, case) and err.line == case.line, str(err)
            assert re.search(case.pattern, str(err)), str(err)
            assert "\n" not in str(err)
        return
    if case.outcome == "reject":
        with pytest.raises(CorpusError) as info:
            _read(path, case, "raise")
        err = info.value
        assert (err.source, err.line, err.field) == (_where(path, case), case.line, case.field), str(err)
        assert re.search(case.pattern, str(err)), str(err)
    df, warned = _read(path, case, "collect")
    rej = df.attrs["rejects"]
    assert df.attrs["n_read"] == len(df) + len(rej) == case.n_read
    assert len(rej) == case.n_rejected, list(rej)
    if case.outcome == "reject":
        first = rej.iloc[0]
        assert (first["source"], int(first["line"])) == (_where(path, case), case.line)
        assert (None if pd.isna(first["field"]) else first["field"]) == case.field
        assert re.search(case.pattern, first["reason"]), first["reason"]
    if case.warn:
        assert any(re.search(case.warn, w) for w in warned), warned
    if case.check:
        assert case.check(df), df[["doc_id", "outlet", "date"]]
    assert df["doc_id"].is_unique
    assert not any("\ud800" <= ch <= "\udfff" for col in ("doc_id", "outlet") for s in df[col] for ch in s)


# --- framing validate (the installed command) ---------------------------------------------------------------------
@pytest.mark.parametrize("case", _params(FOLDER_CASES), ids=repr)
def test_round2_folders_validate_command(case, tmp_path):
    path = case.make(tmp_path)
    rejects = tmp_path / "rejects.csv"
    proc = run_framing("validate", os.fsencode(path), "--rejects", str(rejects), *_option(case))
    check_validate(proc, case, _where(path, case), rejects)


# --- framing analyze ---------------------------------------------------------------------------------------------
def _analyze_in_process(path: Path, out: Path, case: FolderCase, capsys) -> tuple[int, str, str]:
    from framing.cli import main

    with warnings.catch_warnings(record=True) as caught:  # (under pytest, warnings are recorded, not printed)
        warnings.simplefilter("always")
        code = main(["analyze", os.fsdecode(path), "--lexicon", "libya", "--out", str(out), "--n-boot", "20",
                     *_option(case)])
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr + "".join(f"framing: warning: {w.message}\n" for w in caught
                                          if issubclass(w.category, UserWarning))


def _check_analyze(case: FolderCase, path: Path, out: Path, code: int, stdout: str, stderr: str) -> None:
    errors = error_lines(stderr)
    if case.outcome == "fatal":
        assert code == 1, stderr
        assert len(errors) == 1 and errors[0].startswith(f"framing analyze: error: {_where(path, case)}"), stderr
        assert re.search(case.pattern, errors[0]), errors[0]
        assert not out.exists()
        return
    assert code == 0, stderr
    n_read, accepted, rejected = map(int, SUMMARY.search(stdout).groups())
    assert n_read == accepted + rejected == case.n_read and rejected == case.n_rejected
    table = pd.read_csv(out / "rejects.csv")
    assert len(table) == rejected
    if case.outcome == "reject":
        assert table["source"].iloc[0] == _where(path, case) and int(table["line"].iloc[0]) == case.line
    assert len(pd.read_parquet(out / "features.parquet")) == accepted
    assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    if case.warn:
        assert re.search(case.warn, stderr), stderr


@pytest.mark.slow
@pytest.mark.parametrize("case", _params(FOLDER_CASES), ids=repr)
def test_round2_folders_analyze(case, tmp_path, capsys):
    path = case.make(tmp_path)
    out = tmp_path / "out"
    code, stdout, stderr = _analyze_in_process(path, out, case, capsys)
    _check_analyze(case, path, out, code, stdout, stderr)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["txt_non_utf8_name_rejected", "txt_hidden_files_and_folders",
                                  "dates_undecidable", "dates_undecidable_dayfirst_given"])
def test_round2_folders_analyze_subprocess(name, tmp_path):
    case = next(c for c in FOLDER_CASES if c.name == name)
    path = case.make(tmp_path)
    out = tmp_path / "out"
    proc = run_framing("analyze", os.fsencode(path), "--lexicon", "libya", "--out", str(out), "--n-boot", "20",
                       *_option(case))
    _check_analyze(case, path, out, proc.returncode, proc.stdout, proc.stderr)


def test_analyze_fatal_dates_stop_before_output(tmp_path, capsys):
    """An undecidable date column stops analyze at the first batch: exit 1, one line, no output folder."""
    case = next(c for c in FOLDER_CASES if c.name == "dates_undecidable")
    path = case.make(tmp_path)
    out = tmp_path / "out"
    code, stdout, stderr = _analyze_in_process(path, out, case, capsys)
    _check_analyze(case, path, out, code, stdout, stderr)


# --- more on each fix ------------------------------------------------------------------------------------------------
def test_permission_error_simulated(tmp_path, monkeypatch):
    """An article the process may not read (as root, simulated): a reject naming it, the rest read."""
    from framing.corpus import folders

    root = base_folder(tmp_path)
    locked = root / OUTLETS[1] / "2.txt"
    real = folders.decode_file

    def decode(path, *args):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args)

    monkeypatch.setattr(folders, "decode_file", decode)
    df = read_corpus(root, errors="collect")
    rej = df.attrs["rejects"]
    assert df.attrs["n_read"] == 6 == len(df) + len(rej) and len(rej) == 1
    assert rej.iloc[0]["source"] == str(locked)
    assert rej.iloc[0]["reason"] == "cannot read the file (Permission denied); check its permissions"
    with pytest.raises(CorpusError, match=r"2\.txt, line 1, field 'text': cannot read the file"):
        read_corpus(root)


def test_symlinked_folder_is_not_followed_but_counted(tmp_path):
    root = base_folder(tmp_path)
    other = base_folder(tmp_path, "elsewhere")
    os.symlink(other / OUTLETS[0], root / "linked")
    with pytest.warns(UserWarning, match=r"1 symbolic link to folders not followed \(linked\)"):
        df = read_corpus(root)
    assert len(df) == 6 and "linked" not in set(df["outlet"])


def test_folder_of_hidden_files_only_says_so(tmp_path):
    root = tmp_path / "c"
    (root / ".cache").mkdir(parents=True)
    (root / ".cache" / "x.txt").write_text("خبر", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"holds no readable file.*1 hidden entries, which are not read"):
        read_corpus(root)


def test_day_first_decided_by_first_batch_rejects_later_contradiction(tmp_path):
    """Batched reading: the first batch with such dates decides; a later date of the other order is rejected,
    naming the date that decided."""
    path = dated_csv(tmp_path, ["13/02/2020", "01/02/2020", "05/03/2020", "02/13/2020"])
    batches = list(iter_corpus(path, batch_size=2, errors="collect"))
    rej = [r for b in batches for r in b.attrs["rejects"]]
    assert sum(b.attrs["n_read"] for b in batches) == 8 == sum(len(b) for b in batches) + len(rej)
    assert [r["line"] for r in rej] == [5]
    assert re.search(r"'02/13/2020' cannot be read day-first \(no month 13\), the order of this column "
                     r"\(day-first, as line 2: '13/02/2020' shows\)", rej[0]["reason"])
    dates = pd.concat(batches)["date"].iloc[:3].dt.strftime("%Y-%m-%d").tolist()
    assert dates == ["2020-02-13", "2020-02-01", "2020-03-05"]
    # read whole (one batch), both orders are in view: an error naming both
    with pytest.raises(CorpusError, match=r"mixes day-first dates \(line 2: '13/02/2020'\) and month-first"):
        read_corpus(path, errors="collect")


def test_undecided_first_batch_refuses_even_if_a_later_batch_would_decide(tmp_path):
    path = dated_csv(tmp_path, ["01/02/2020", "03/04/2020", "13/02/2020"])
    with pytest.raises(CorpusError, match=r"line 2, field 'date': dates such as '01/02/2020'"):
        list(iter_corpus(path, batch_size=2, errors="collect"))
    assert len(read_corpus(path)) == 7  # in one batch, 13/02/2020 decides


def test_iso_and_other_dates_unaffected(tmp_path):
    from framing.corpus.dates import parse_dates

    values = ["2020-01-02", "2020-01-02T10:00:00", "2020/01/02", "20200102", "2 January 2020", "Jan 2, 2020",
              1577923200, "1577923200000", None, "", "null"]
    got, problems = parse_dates(values)
    assert problems == [None] * len(values)
    expect = ["2020-01-02"] * 8 + [None] * 3
    assert [None if pd.isna(x) else str(x)[:10] for x in got] == expect


@pytest.mark.parametrize("value", ["2020-03-01T01:30:00+03:00", "2020-03-01T01:30:00Z", "2020-03-01T01:30+0300",
                                   "2020-03-01 01:30:00 UTC", "2020-03-01T01:30:00.250-11:00"])
def test_time_zone_dropped_keeping_wall_clock(value):
    from framing.corpus.dates import parse_dates

    got, problems = parse_dates([value])
    assert problems == [None]
    assert str(got[0])[:16] == "2020-03-01T01:30"


def test_dayfirst_argument_checked():
    with pytest.raises(FramingError, match="dayfirst must be True, False or None"):
        read_corpus("whatever.csv", dayfirst="yes")  # type: ignore[arg-type]


def test_dayfirst_and_monthfirst_exclusive(tmp_path):
    path = dated_csv(tmp_path, ["01/02/2020"])
    proc = run_framing("validate", str(path), "--dayfirst", "--monthfirst")
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr and "Traceback" not in proc.stderr


def test_unlistable_subfolder_simulated(tmp_path, monkeypatch):
    """A sub-folder that cannot be listed (as root, simulated): one reject naming it, the rest read."""
    root = base_folder(tmp_path)
    locked = root / OUTLETS[0]
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    df = read_corpus(root, errors="collect")
    rej = df.attrs["rejects"]
    assert df.attrs["n_read"] == 4 == len(df) + len(rej) and list(df["outlet"].unique()) == [OUTLETS[1]]
    assert (rej.iloc[0]["source"], rej.iloc[0]["line"]) == (str(locked), 1)
    assert rej.iloc[0]["reason"].startswith("cannot list the folder (Permission denied): its articles were not read")
