"""Bad-input catalogue, round two: outputs (tests/badinput/round2_outputs.py).

Every case through the library and the command line (``.venv/bin/framing`` as a subprocess, or
``framing.cli.main`` in process where the exit code and stderr are all that is checked): the exit
code, one line on stderr naming the path or option and no traceback, and the state of the outputs
(absent, the old ones byte for byte, or complete).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from badinput.round2_outputs import FORMULAS, OUTPUT_CASES, hostile_corpus, is_formula, plain_corpus
from helpers.command import CLASSES, FRAMING, framing_env, run_framing

from framing.errors import FramingError
from framing.output.files import OutputError, atomic_path, check_output_file, csv_safe, write_csv, write_table
from framing.output.rundir import LOCK_NAME, MANIFEST_NAME, STAGING_PREFIX, FolderLock, RunFolder, lock_owner

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _one_line(stderr: str, *needles: str, command: str | None = None) -> str:
    """The one error line of ``stderr`` (a usage line before it allowed), holding every needle."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = [ln for ln in stderr.strip().splitlines() if not ln.startswith("usage: ")]
    lines = [ln for ln in lines if not ln.startswith("read ")]  # the reading account (stderr with collect)
    assert len(lines) == 1, stderr
    if command is not None:
        assert lines[0].startswith(f"framing {command}: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hidden_left(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(STAGING_PREFIX)
            or p.name == LOCK_NAME]


def test_catalogue_round2_outputs_is_tallied():
    names = [c.name for c in OUTPUT_CASES]
    assert len(names) == len(set(names)) >= 15
    assert {c.cls for c in OUTPUT_CASES} <= CLASSES
    assert all(c.before and c.after for c in OUTPUT_CASES)
    tests = {n for n in globals() if n.startswith("test_")}
    untested = [n for n in names if not any(t == f"test_{n}" or t.startswith(f"test_{n}_") for t in tests)]
    assert not untested, untested


# --- outputs that cannot be written ------------------------------------------------------------------------------
def test_analyze_out_proc(tmp_path):
    corpus = plain_corpus(tmp_path)
    proc = run_framing("analyze", corpus, "--lexicon", "libya", "--out", "/proc/framing-test-x", "--n-boot", "20")
    assert proc.returncode == 1, proc.stderr
    _one_line(proc.stderr, "/proc/framing-test-x", "cannot write", command="analyze")
    assert not Path("/proc/framing-test-x").exists()
    assert proc.stdout == ""  # nothing read


def test_analyze_out_proc_library(tmp_path):
    from framing.pipeline.analyze import analyze

    with pytest.raises(OutputError, match=r"/proc/framing-test-x: cannot write here"):
        analyze(plain_corpus(tmp_path), "libya", "/proc/framing-test-x", n_boot=20)


def test_analyze_out_under_file(tmp_path):
    corpus = plain_corpus(tmp_path)
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    proc = run_framing("analyze", corpus, "--lexicon", "libya", "--out", tmp_path / "notes.txt" / "sub")
    assert proc.returncode == 2, proc.stderr
    _one_line(proc.stderr, "notes.txt", "is a file", command="analyze")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "x"


def test_analyze_out_under_file_library(tmp_path):
    from framing.pipeline.analyze import analyze

    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FramingError, match="is a file"):
        analyze(plain_corpus(tmp_path), "libya", tmp_path / "notes.txt" / "sub", n_boot=20)


def test_validate_rejects_folder(tmp_path):
    corpus = plain_corpus(tmp_path, bad_lines=2)
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run_framing("validate", corpus, "--rejects", ".", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    _one_line(proc.stderr, "--rejects .", "is a folder", command="validate")
    assert proc.stdout == ""  # refused before reading
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_validate_rejects_folder_library(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / ".")
    with pytest.raises(OutputError, match="is a folder"):
        check_output_file(tmp_path, "--rejects")


def test_kwic_out_root(tmp_path):
    corpus = plain_corpus(tmp_path)
    proc = run_framing("kwic", corpus, "حفتر", "--out", "/")
    assert proc.returncode == 2, proc.stderr
    _one_line(proc.stderr, "--out /", "is a folder", command="kwic")
    assert proc.stdout == ""


def test_kwic_out_root_library():
    with pytest.raises(OutputError, match="is a folder"):
        write_table(pd.DataFrame({"a": [1]}), "/", formats=("csv",))
    with pytest.raises(OutputError, match="is a folder"):
        with atomic_path("/"):
            pass


def _unwritable(tmp_path: Path) -> list[tuple[str, str]]:
    """(path, what the message says) where no file can be made: /proc, /sys, under a file, a read-only folder."""
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    places = [("/proc/framing-test.csv", "/proc"), ("/sys/framing-test.csv", "/sys"),
              (str(tmp_path / "file.txt" / "t.csv"), "is a file")]
    if not ROOT:  # a read-only folder stops root from nothing
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        places.append((str(ro / "t.csv"), "permission denied"))
    return places


@pytest.mark.parametrize("command", ["compare", "trends", "kwic", "validate"])
def test_file_outputs_unwritable(command, tmp_path):
    corpus = plain_corpus(tmp_path, bad_lines=1)
    args = {"compare": ["compare", corpus, "--lexicon", "libya", "--errors", "collect", "--out"],
            "trends": ["trends", corpus, "--lexicon", "libya", "--errors", "collect", "--out"],
            "kwic": ["kwic", corpus, "حفتر", "--errors", "collect", "--out"],
            "validate": ["validate", corpus, "--rejects"]}[command]
    option = args[-1]
    for path, says in _unwritable(tmp_path):
        proc = run_framing(*args, path)
        assert proc.returncode == 2, (path, proc.stderr)
        line = _one_line(proc.stderr, f"{option} {path}", says, command=command)
        assert "give" in line  # and what to do
        assert proc.stdout == "", (path, proc.stdout)  # refused before reading
        assert not Path(path).exists()
    if command != "validate":  # --rejects of the other commands, likewise
        proc = run_framing(*args[:-1], "--rejects", "/proc/framing-test-rejects.csv")
        assert proc.returncode == 2
        _one_line(proc.stderr, "--rejects /proc/framing-test-rejects.csv", command=command)


def test_file_outputs_unwritable_library(tmp_path):
    df = pd.DataFrame({"a": [1]})
    for path, says in _unwritable(tmp_path):
        with pytest.raises(OutputError) as info:
            write_csv(df, path)
        assert path.split("/")[-1] in str(info.value) and "\n" not in str(info.value)
        with pytest.raises(OutputError):
            check_output_file(path)
    assert not any(p.name.endswith(".tmp") for p in tmp_path.rglob("*"))


def test_library_unwritable(tmp_path):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(OutputError, match=r"/proc/framing-test\.csv: cannot write here"):
        write_table(df, "/proc/framing-test")
    with pytest.raises(OutputError, match="file.txt is a file"):
        write_table(df, tmp_path / "file.txt" / "sub" / "t")
    with pytest.raises(OutputError, match="cannot write"):
        with RunFolder("/proc/framing-test-run", force=False):
            pass
    assert issubclass(OutputError, FramingError)


def test_out_is_the_corpus(tmp_path):
    rows = pd.read_json(plain_corpus(tmp_path), lines=True)
    corpus = tmp_path / "corpus.csv"
    rows.to_csv(corpus, index=False)
    before = corpus.read_bytes()
    for args in (["kwic", corpus, "حفتر", "--out", corpus],
                 ["compare", corpus, "--lexicon", "libya", "--out", corpus],
                 ["validate", corpus, "--rejects", corpus]):
        proc = run_framing(*args)
        assert proc.returncode == 2, proc.stderr
        _one_line(proc.stderr, str(corpus), "is the corpus being read", command=args[0])
        assert corpus.read_bytes() == before


def test_out_and_rejects_one_file(tmp_path):
    corpus = plain_corpus(tmp_path, bad_lines=1)
    proc = run_framing("compare", corpus, "--lexicon", "libya", "--errors", "collect", "--out", tmp_path / "t.csv",
                       "--rejects", tmp_path / "t")
    assert proc.returncode == 2
    _one_line(proc.stderr, "--out and --rejects both name", "t.csv", command="compare")
    assert not (tmp_path / "t.csv").exists()


# --- CSV formula injection ----------------------------------------------------------------------------------------
def _formula_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row if is_formula(c)]


def test_csv_formula_injection_library(tmp_path):
    df = pd.DataFrame({"outlet": list(FORMULAS) + ["-صحيفة", "عادي"], "n": [-1, -2, 3, -4, 5, -6, 7, -8],
                       "score": [-0.5] * 8, "note": [None, "-", "ok", "@", "x", "y", "=", "z"]})
    df["=cmd"] = 1  # a column name too
    csv_path, pq_path = write_table(df, tmp_path / "t")
    assert _formula_cells(csv_path) == []
    back = pd.read_csv(csv_path, keep_default_na=False)
    # a carriage return inside a cell is written as a line break (quoted: the row stays one row)
    assert back["outlet"].tolist() == ["'" + f.replace("\r", "\n") for f in FORMULAS] + ["'-صحيفة", "عادي"]
    assert back["n"].tolist() == [-1, -2, 3, -4, 5, -6, 7, -8]  # numbers stay numbers
    assert back["score"].tolist() == [-0.5] * 8
    assert "'=cmd" in back.columns
    raw = pd.read_parquet(pq_path)
    assert list(raw.columns) == list(df.columns)  # Parquet: the raw values
    assert raw["outlet"].tolist() == df["outlet"].tolist() and raw["n"].tolist() == df["n"].tolist()
    assert csv_safe(df) is not df and df["outlet"].iloc[0] == FORMULAS[0]  # the frame itself is not changed
    plain = pd.DataFrame({"a": ["x", "y"], "b": [-1.0, 2.0]})
    assert csv_safe(plain) is plain  # nothing to escape: no copy


def test_csv_formula_injection_audit_round_trip(tmp_path):
    from framing.reading.audit import read_audit, write_audit

    sample = pd.DataFrame({"outlet": ["=HYPERLINK(1)", "-خبر", "عادي"], "start": [1, 2, 3], "end": [4, 5, 6],
                           "note": ["+x", "", "@y"]})
    write_audit(sample, tmp_path / "audit.csv")
    assert _formula_cells(tmp_path / "audit.csv") == []
    back = read_audit(tmp_path / "audit.csv")
    assert back["outlet"].tolist() == sample["outlet"].tolist()
    assert back["note"].tolist() == sample["note"].tolist()


def test_csv_formula_injection_cli(tmp_path):
    corpus = hostile_corpus(tmp_path)
    with corpus.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "=bad", "outlet": "@x", "text": \n')  # a reject whose source line is a formula
    outs = {
        "kwic": ["kwic", corpus, "حفتر", "--errors", "collect", "--out", tmp_path / "k.csv",
                 "--rejects", tmp_path / "r1.csv"],
        "compare": ["compare", corpus, "--lexicon", "libya", "--errors", "collect", "--out", tmp_path / "c.csv"],
        "trends": ["trends", corpus, "--lexicon", "libya", "--errors", "collect", "--out", tmp_path / "t.csv"],
        "validate": ["validate", corpus, "--rejects", tmp_path / "r2.csv"],
    }
    for command, args in outs.items():
        proc = run_framing(*args)
        assert proc.returncode == (1 if command == "validate" else 0), proc.stderr
        assert "Traceback" not in proc.stderr
    for name in ("k.csv", "c.csv", "t.csv", "r1.csv", "r2.csv"):
        assert _formula_cells(tmp_path / name) == [], name
    kw = pd.read_csv(tmp_path / "k.csv")
    assert set(kw["outlet"]) <= {"'" + f for f in FORMULAS[:4]} | {"'-صحيفة الوادي"}
    assert len(pd.read_csv(tmp_path / "r2.csv")) == 1


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    out = d / "out"
    proc = run_framing("analyze", hostile_corpus(d), "--lexicon", "libya", "--out", out, "--n-boot", "20")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.slow
def test_csv_formula_injection_analyze(hostile_run):
    out = hostile_run
    tables = sorted(out.glob("*.csv"))
    assert {"features.csv", "matches.csv", "label_shares.csv", "log_odds.csv"} <= {p.name for p in tables}
    for p in tables:
        assert _formula_cells(p) == [], p.name
    feats = pd.read_parquet(out / "features.parquet")
    assert set(FORMULAS[:4]) <= set(feats["outlet"])  # Parquet: raw
    assert set(pd.read_csv(out / "features.csv")["outlet"]) == {"'" + f for f in FORMULAS[:4]} | {"'-صحيفة الوادي"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'HYPERLINK("http://x"' not in html  # escaped: &quot; in the HTML, \" in the data of the term map
    assert "HYPERLINK(&quot;http://x&quot;" in html


# --- one run at a time ------------------------------------------------------------------------------------------
def test_concurrent_runs(tmp_path):
    corpus = plain_corpus(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):
        assert lock_owner(out) == os.getpid()
        for extra in ([], ["--force"]):
            proc = run_framing("analyze", corpus, "--lexicon", "libya", "--out", out, "--n-boot", "20", *extra)
            assert proc.returncode == 1, proc.stderr
            _one_line(proc.stderr, str(out), "in use by another framing run", f"pid {os.getpid()}",
                      command="analyze")
            assert proc.stdout == ""
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
    assert list(out.iterdir()) == [] and lock_owner(out) is None


def test_concurrent_runs_library(tmp_path):
    from framing.pipeline.analyze import analyze

    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):
        with pytest.raises(OutputError, match=rf"{re.escape(str(out))} is in use .* \(pid {os.getpid()}\)"):
            analyze(plain_corpus(tmp_path), "libya", out, n_boot=20)
        with pytest.raises(OutputError, match="in use"):
            FolderLock(out).acquire()  # a second lock, in the same process too


@pytest.mark.slow
def test_concurrent_runs_two_processes(tmp_path):
    """Two real runs into one folder: the second stops at once naming the first's pid; the rows are one run's."""
    corpus = plain_corpus(tmp_path, n=1500)
    out = tmp_path / "out"
    first = subprocess.Popen([str(FRAMING), "analyze", str(corpus), "--lexicon", "libya", "--out", str(out),
                              "--n-boot", "20", "--batch-size", "100", "--keep-copies"], env=framing_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (out / LOCK_NAME).exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if first.poll() is not None:
            pytest.skip("the first run finished before the second started")
        second = run_framing("analyze", corpus, "--lexicon", "libya", "--out", out, "--n-boot", "20", "--force")
        stdout, stderr = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, stderr
    assert second.returncode == 1, second.stderr
    _one_line(second.stderr, str(out), f"pid {first.pid}", command="analyze")
    assert len(pd.read_parquet(out / "features.parquet")) == 1500
    assert _hidden_left(out) == []


def test_stale_lock(tmp_path):
    """A lock file of a dead run (its pid no longer running, its flock gone with it) is taken over."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out"
    (out / (STAGING_PREFIX + "old")).mkdir(parents=True)
    (out / (STAGING_PREFIX + "old") / ".features.csv.x.tmp").write_text("half", encoding="utf-8")
    (out / LOCK_NAME).write_text(f"{dead.pid}\n", encoding="ascii")
    assert lock_owner(out) is None
    with pytest.warns(UserWarning, match=rf"pid {dead.pid}"):
        with RunFolder(out, force=False) as rf:
            (rf.staging / "a.csv").write_text("1\n", encoding="utf-8")
            rf.commit()
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "a.csv"]


@pytest.mark.slow
def test_stale_lock_cli(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text(f"{dead.pid}\n", encoding="ascii")
    proc = run_framing("analyze", plain_corpus(tmp_path), "--lexicon", "libya", "--out", out, "--n-boot", "20")
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"framing: warning: .*pid {dead.pid}", proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr and _hidden_left(out) == []


# --- --force: only the new run's files ----------------------------------------------------------------------------
def _old_run(out: Path, files: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / MANIFEST_NAME).write_text(json.dumps({"tool": "framing", "files": sorted(files)}), encoding="utf-8")


def test_force_leaves_old_files_library(tmp_path):
    out = tmp_path / "out"
    _old_run(out, {"report.html": "old", "features.csv": "old", "fightin_words_gone.png": "old"})
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "trends_mine.png").write_text("mine, not in the manifest", encoding="utf-8")
    with RunFolder(out, force=True) as rf:
        for name in ("report.html", "features.csv", "fightin_words_new.png"):
            (rf.staging / name).write_text("new", encoding="utf-8")
        rf.commit()
    assert _tree(out) == {MANIFEST_NAME: (out / MANIFEST_NAME).read_bytes(), "features.csv": b"new",
                          "fightin_words_new.png": b"new", "notes.txt": b"mine", "report.html": b"new",
                          "trends_mine.png": b"mine, not in the manifest"}
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["files"] == [
        "features.csv", "fightin_words_new.png", "report.html"]
    assert rf.removed == ["fightin_words_gone.png"]


def test_force_leaves_old_files_manifest_cannot_escape(tmp_path):
    """A manifest naming files outside the folder (edited by hand, or hostile) removes nothing there."""
    outside = tmp_path / "precious.txt"
    outside.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    _old_run(out, {})
    (out / MANIFEST_NAME).write_text(json.dumps({"files": ["../precious.txt", str(outside), LOCK_NAME]}),
                                     encoding="utf-8")
    with RunFolder(out, force=True) as rf:
        (rf.staging / "a.csv").write_text("1", encoding="utf-8")
        rf.commit()
    assert outside.read_text(encoding="utf-8") == "keep"


def test_force_leaves_old_files_without_manifest(tmp_path):
    """A folder of an earlier version (no manifest): only the names analyze writes are taken for its files."""
    from framing.pipeline.analyze import OUTPUT_PATTERNS

    out = tmp_path / "out"
    out.mkdir()
    for name in ("fightin_words_gone.png", "log_odds.csv", "notes.txt", "my_chart.png"):
        (out / name).write_text("old", encoding="utf-8")
    with RunFolder(out, force=True, known=OUTPUT_PATTERNS) as rf:
        (rf.staging / "features.csv").write_text("new", encoding="utf-8")
        rf.commit()
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "features.csv", "my_chart.png", "notes.txt"]


@pytest.mark.slow
def test_force_leaves_old_files_cli(tmp_path):
    out = tmp_path / "out"
    three = plain_corpus(tmp_path, outlets=("الساحل", "الجبل", "الواحة"), distinct=True)
    first = run_framing("analyze", three, "--lexicon", "libya", "--out", out, "--n-boot", "20", "--keep-copies")
    assert first.returncode == 0, first.stderr
    old_charts = {p.name for p in out.glob("fightin_words_*.png")}
    assert len(old_charts) == 3, old_charts
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    second = run_framing("analyze", plain_corpus(tmp_path, outlets=("الساحل", "الجبل"), name="two.jsonl",
                                                  distinct=True),
                         "--lexicon", "libya", "--out", out, "--n-boot", "20", "--force", "--keep-copies")
    assert second.returncode == 0, second.stderr
    charts = {p.name for p in out.glob("fightin_words_*.png")}
    assert len(charts) == 2 and charts < old_charts
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    manifest = set(json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["files"])
    visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert visible == manifest | {"notes.txt"}
    assert set(pd.read_parquet(out / "features.parquet")["outlet"]) == {"الساحل", "الجبل"}
    assert _hidden_left(out) == []


# --- every output old or complete -----------------------------------------------------------------------------------
def test_failed_run_keeps_old_outputs(tmp_path, monkeypatch):
    """A --force run failing in the report (after tables and charts were written) leaves the old files."""
    from framing.pipeline import analyze as pipeline

    out = tmp_path / "out"
    _old_run(out, {"report.html": "<html>old</html>", "features.csv": "old", "fightin_words_x.png": "old"})
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(out)

    def broken(result, *args, **kwargs):
        assert any(result.out.glob("*.png")) and any(result.out.glob("*.parquet"))  # well under way
        raise RuntimeError("the report failed")

    monkeypatch.setattr(pipeline, "write_analysis_report", broken)
    with pytest.raises(RuntimeError, match="the report failed"):
        pipeline.analyze(plain_corpus(tmp_path), "libya", out, n_boot=20, force=True)
    assert _tree(out) == before
    assert _hidden_left(out) == []


def test_failed_run_keeps_old_outputs_new_folder(tmp_path, monkeypatch):
    """A failing run into a new folder leaves no folder (nor the folders made above it)."""
    from framing.pipeline import analyze as pipeline

    monkeypatch.setattr(pipeline, "write_analysis_report", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        pipeline.analyze(plain_corpus(tmp_path), "libya", tmp_path / "a" / "b" / "out", n_boot=20)
    assert not (tmp_path / "a").exists()


# --- SIGTERM ----------------------------------------------------------------------------------------------------------
def test_sigterm_leaves_temp_files_in_process(tmp_path):
    """SIGTERM inside main's handler is a KeyboardInterrupt: the staging folder goes, the old files stay."""
    import threading

    from framing.cli.signals import Terminated, terminate_as_interrupt

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set in the main thread only")
    out = tmp_path / "out"
    _old_run(out, {"features.csv": "old"})
    before = _tree(out)
    old_handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated):
        with terminate_as_interrupt(), RunFolder(out, force=True) as rf:
            with atomic_path(rf.staging / "features.csv") as tmp:
                tmp.write_text("half", encoding="utf-8")
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)  # the signal arrives at once; never reached
    assert signal.getsignal(signal.SIGTERM) is old_handler
    assert _tree(out) == before and _hidden_left(out) == []


def _terminate(args: list, out: Path, staged: bool = True) -> subprocess.CompletedProcess:
    """Start ``framing args``, SIGTERM it once a staged file of ``out`` exists (or the folder, without ``staged``)."""
    proc = subprocess.Popen([str(FRAMING), *map(str, args)], env=framing_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if out.is_dir() and any(p.is_file() for s in out.glob(STAGING_PREFIX + "*") for p in s.iterdir()):
                break
            time.sleep(0.01)
        if proc.poll() is not None:
            pytest.skip("the run finished before it could be terminated")
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)


@pytest.mark.slow
@pytest.mark.parametrize("force", [False, True], ids=["new_folder", "force"])
def test_sigterm_leaves_temp_files(tmp_path, force):
    corpus = plain_corpus(tmp_path, n=3000)
    out = tmp_path / "out"
    if force:
        _old_run(out, {"features.csv": "old", "report.html": "<html>old</html>"})
        (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(out) if force else None
    done = _terminate(["analyze", corpus, "--lexicon", "libya", "--out", out, "--n-boot", "20",
                       "--batch-size", "100", *(["--force"] if force else [])], out)
    assert done.returncode == 143, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("framing: terminated (SIGTERM)") and "Traceback" not in done.stderr
    if force:
        assert _tree(out) == before and _hidden_left(out) == []
    else:
        assert not out.exists()


# --- --out names exactly the file written -----------------------------------------------------------------------------
def test_compare_out_other_suffix(tmp_path):
    corpus = plain_corpus(tmp_path)
    (tmp_path / "table.csv").write_text("mine\n", encoding="utf-8")
    proc = run_framing("compare", corpus, "--lexicon", "libya", "--out", tmp_path / "table.backup")
    assert proc.returncode == 0, proc.stderr
    assert f"to {tmp_path / 'table.backup'}" in proc.stdout
    assert (tmp_path / "table.csv").read_text(encoding="utf-8") == "mine\n"
    assert len(pd.read_csv(tmp_path / "table.backup")) > 0
    proc = run_framing("compare", corpus, "--lexicon", "libya", "--out", tmp_path / "plain")
    assert proc.returncode == 0 and (tmp_path / "plain.csv").is_file() and not (tmp_path / "plain").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".jsonl")) == [
        "plain.csv", "table.backup", "table.csv"]


def test_compare_out_other_suffix_rejects(tmp_path):
    corpus = plain_corpus(tmp_path, bad_lines=2)
    (tmp_path / "bad.csv").write_text("mine\n", encoding="utf-8")
    proc = run_framing("validate", corpus, "--rejects", tmp_path / "bad.txt")
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "bad.csv").read_text(encoding="utf-8") == "mine\n"
    assert len(pd.read_csv(tmp_path / "bad.txt")) == 2


def test_compare_out_other_suffix_library(tmp_path):
    df = pd.DataFrame({"a": [1]})
    assert write_csv(df, tmp_path / "t.backup") == tmp_path / "t.backup"
    assert write_table(df, tmp_path / "x.csv") == [tmp_path / "x.csv", tmp_path / "x.parquet"]
    assert write_table(df, tmp_path / "v1.2") == [tmp_path / "v1.2.csv", tmp_path / "v1.2.parquet"]
    assert pd.read_csv(io.StringIO((tmp_path / "t.backup").read_text(encoding="utf-8")))["a"].tolist() == [1]
