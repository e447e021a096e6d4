"""Bad-input catalogue, round two: arguments (tests/badinput/round2_args.py).

Each case runs through the command (``framing ...`` as a subprocess: exit code, one error line naming the
option, no traceback, nothing written) and, where the argument exists there, through the library (a
:class:`framing.FramingError` with the same words, nothing written). Then the pieces: the checks come
before any reading, an old report stays as it was, ``--workers`` is capped at the cores there are, an
unreachable ``--scheduler`` is found at once, and ``--by`` with an extra corpus column groups every table.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
from badinput.round2_args import ARG_CASES, SECTIONS, UNREACHABLE, ArgCase, args_corpus
from helpers.command import CLASSES, run_framing, slow_params

from framing.errors import FramingError

COMMAND_CASES = [c for c in ARG_CASES if c.command is not None]
LIBRARY_CASES = [c for c in ARG_CASES if c.library is not None]


def _command_line(case: ArgCase, corpus: Path, out: Path) -> list[str]:
    assert case.command is not None
    head = {"analyze": [str(corpus), "--lexicon", "libya"], "trends": [str(corpus), "--lexicon", "libya"],
            "compare": [str(corpus)], "kwic": [str(corpus), "حفتر"]}[case.command]
    return [case.command, *head, "--out", str(out), *case.args]


def _output(case: ArgCase, tmp: Path) -> Path:
    """Where the command writes: a folder for analyze, a CSV file otherwise (both under a new folder)."""
    return tmp / "new" / ("out" if case.command == "analyze" else "table.csv")


def _one_error_line(stderr: str, case: ArgCase) -> str:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = [ln for ln in stderr.strip().splitlines() if not ln.startswith("framing: warning")]
    errors = [ln for ln in lines if ln.startswith(f"framing {case.command}: error: ")]
    assert len(errors) == 1, stderr
    # a usage error (exit 2) adds the usage line above, as for every other usage error of argparse
    assert lines == ([ln for ln in lines if ln.startswith("usage: framing")] + errors), stderr
    assert (len(lines) == 2) == (case.exit == 2), stderr
    message = errors[0][len(f"framing {case.command}: error: "):]
    assert message.startswith(f"{case.option}:"), message
    assert re.search(case.pattern, message), message
    return message


def test_catalogue_round2_args_is_tallied():
    names = [c.name for c in ARG_CASES]
    assert len(names) == len(set(names)) >= 30
    assert {c.cls for c in ARG_CASES} <= CLASSES and all(c.before for c in ARG_CASES)
    for c in ARG_CASES:
        assert c.command is not None or c.library is not None, c
        assert c.command is None or c.exit in (0, 1, 2), c
        if c.command is not None and c.exit:
            assert c.option and c.pattern, c
        if c.command is not None and c.exit == 0:
            assert c.check is not None, c
        if c.library is not None:
            assert bool(c.lib_pattern) != bool(c.lib_check), c


@pytest.mark.parametrize("case", slow_params(COMMAND_CASES), ids=repr)
def test_round2_args_command(case, tmp_path):
    corpus = args_corpus(tmp_path)
    out = _output(case, tmp_path)
    proc = run_framing(*_command_line(case, corpus, out))
    assert proc.returncode == case.exit, proc.stderr
    if case.exit:
        _one_error_line(proc.stderr, case)
        assert not (tmp_path / "new").exists()
    else:
        assert "Traceback" not in proc.stderr and "error" not in proc.stderr, proc.stderr
        assert case.check is not None and case.check(out, proc.stdout), proc.stdout


@pytest.mark.parametrize("case", slow_params(LIBRARY_CASES), ids=repr)
def test_round2_args_library(case, tmp_path):
    corpus = args_corpus(tmp_path)
    out = tmp_path / "new" / "out"
    assert case.library is not None
    if case.lib_check is not None:
        assert case.lib_check(case.library(corpus, out))
        return
    with pytest.raises(FramingError) as info:
        case.library(corpus, out)
    message = str(info.value)
    assert "\n" not in message and re.search(case.lib_pattern, message), message
    assert not (tmp_path / "new").exists()


# --- before anything is read or written ----------------------------------------------------------
CHECKED_FIRST = [
    ["trends", "--lexicon", "libya", "--freq", "0D"], ["trends", "--lexicon", "libya", "--by", "date"],
    ["trends", "--lexicon", "libya", "--by", "title"], ["compare", "--lexicon", "libya", "--top", "0"],
    ["compare", "--lexicon", "libya", "--by", "text"], ["kwic", "--limit", "-2", "x"], ["kwic", "--window", "-3", "x"],
    ["analyze", "--lexicon", "libya", "--by", "date"], ["analyze", "--lexicon", "libya", "--n-boot", "20000"],
]


@pytest.mark.parametrize("argv", CHECKED_FIRST, ids=" ".join)
def test_a_bad_argument_is_refused_before_the_corpus_is_read(argv, tmp_path, monkeypatch, capsys):
    from framing.cli import main

    def no_reading(*args, **kw):
        raise AssertionError("read before the arguments were checked")

    monkeypatch.setattr("framing.corpus.reader.read_corpus", no_reading)
    monkeypatch.setattr("framing.pipeline.extraction.iter_corpus", no_reading)
    command, *rest = argv
    out = tmp_path / "new" / ("out" if command == "analyze" else "t.csv")
    assert main([command, str(args_corpus(tmp_path)), *rest, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 2, err
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("extra", [["--freq", "0D"], ["--by", "date"], ["--scheduler", UNREACHABLE],
                                   ["--n-boot", "0"]], ids=" ".join)
def test_a_bad_argument_leaves_an_old_report_as_it_was(extra, tmp_path):
    corpus = args_corpus(tmp_path)
    out = tmp_path / "report"
    out.mkdir()
    (out / "report.html").write_text("<html>old</html>", encoding="utf-8")
    (out / "label_shares.csv").write_text("outlet,share\nold,1\n", encoding="utf-8")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    proc = run_framing("analyze", str(corpus), "--lexicon", "libya", "--out", str(out), "--force", *extra)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before


# --- --workers: capped at the cores there are ------------------------------------------------------
class _FakeCluster:
    made: ClassVar[list[int]] = []

    def __init__(self, n_workers, **kw):
        _FakeCluster.made.append(n_workers)

    def close(self):
        pass


class _FakeClient:
    timeouts: ClassVar[list] = []

    def __init__(self, address, timeout=None, **kw):
        _FakeClient.timeouts.append(timeout)
        if isinstance(address, str):
            raise OSError(f"Timed out trying to connect to {address} after {timeout} s")

    def close(self):
        pass


@pytest.fixture
def fake_dask(monkeypatch):
    import dask.distributed

    _FakeCluster.made, _FakeClient.timeouts = [], []
    monkeypatch.setattr(dask.distributed, "LocalCluster", _FakeCluster)
    monkeypatch.setattr(dask.distributed, "Client", _FakeClient)


def test_workers_beyond_the_cores_are_capped_with_a_warning(fake_dask):
    from framing.scale.dask import available_cores, cluster

    cores = available_cores()
    assert 1 <= cores <= (os.cpu_count() or 1)
    with pytest.warns(UserWarning, match=rf"workers=1000 \(--workers\): only {cores} CPU core\(s\) available here; "
                                         rf"starting {cores} Dask worker"), cluster(workers=1000):
        pass
    assert _FakeCluster.made == [cores]
    with cluster(workers=1):  # within the cores: as asked, no warning
        pass
    assert _FakeCluster.made == [cores, 1]


def test_an_unanswering_scheduler_fails_within_the_connect_timeout(fake_dask):
    from framing.scale.dask import CONNECT_TIMEOUT, cluster

    with pytest.raises(FramingError, match=r"cannot connect to the Dask scheduler at tcp://10\.0\.0\.5:8786 within "
                                           r"5 s .*start the scheduler or check its address"), \
            cluster(scheduler="tcp://10.0.0.5:8786"):
        pass
    assert _FakeClient.timeouts == [CONNECT_TIMEOUT] and CONNECT_TIMEOUT <= 5


def test_the_scheduler_is_checked_by_connecting_to_it():
    from framing.pipeline.config import ConfigError, check_scheduler

    with socket.socket() as server:  # something listens: the check passes
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        check_scheduler(address)
    with pytest.raises(ConfigError, match=rf"cannot reach the Dask scheduler at {address} \(connection refused\)"):
        check_scheduler(address)  # closed: refused at once
    with pytest.raises(ConfigError, match="expected the address of a Dask scheduler"):
        check_scheduler("tcp://:8786")
    check_scheduler("inproc://somewhere")  # not a TCP address: left to Dask


@pytest.mark.slow
def test_workers_1000_runs_on_the_cores_there_are(tmp_path):
    from framing.scale.dask import available_cores

    out = tmp_path / "out"
    proc = run_framing("analyze", str(args_corpus(tmp_path)), "--lexicon", "libya", "--out", str(out), "--n-boot", "20",
                       "--workers", "1000")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    warning = [ln for ln in proc.stderr.splitlines() if ln.startswith("framing: warning: workers=")]
    assert warning == [f"framing: warning: workers=1000 (--workers): only {available_cores()} CPU core(s) available "
                       f"here; starting {available_cores()} Dask worker process(es) (more would add memory, not "
                       "speed)"], proc.stderr
    assert (out / "report.html").exists()


# --- --by with an extra corpus column -------------------------------------------------------------
def test_extraction_carries_an_extra_column_to_group_by(tmp_path):
    from framing.lexicon.load import load_lexicon
    from framing.pipeline.config import AnalysisConfig
    from framing.pipeline.extraction import extract_stream
    from framing.pipeline.progress import Clock

    out = tmp_path / "out"
    out.mkdir()
    for copies in ("exclude", "keep"):
        config = AnalysisConfig(out=out, by="section", copies=copies, force=True, batch_size=7)
        ex = extract_stream(args_corpus(tmp_path), load_lexicon("libya"), config, Clock(), progress=False)
        groups = {*SECTIONS, "(no section)"}
        assert set(ex.features["section"]) == groups and len(ex.features) == 24
        assert ex.features["section"].value_counts()["(no section)"] == 1
        assert set(ex.counts["section"]) <= groups and "outlet" not in ex.counts.columns
        matches = pd.read_parquet(out / "matches.parquet")
        assert set(matches["section"]) <= groups and matches["section"].notna().all()


def test_with_group_fills_missing_values_and_looks_matches_up_by_doc_id():
    from framing.pipeline.extraction import with_group

    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "section": ["x", None, 3]})
    feats = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [1, 2, 3]})
    assert with_group(feats, corpus, "section")["section"].tolist() == ["x", "(no section)", "3"]
    matches = pd.DataFrame({"doc_id": ["c", "a", "c"], "start": [0, 1, 2]})
    assert with_group(matches, corpus, "section", per_match=True)["section"].tolist() == ["3", "x", "3"]
    assert with_group(feats, corpus, "outlet") is feats  # nothing to add


@pytest.mark.slow
def test_by_section_on_a_dask_cluster(tmp_path):
    out = tmp_path / "out"
    proc = run_framing("analyze", str(args_corpus(tmp_path)), "--lexicon", "libya", "--out", str(out), "--n-boot", "20",
                       "--workers", "1", "--by", "section")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    shares = pd.read_csv(out / "label_shares.csv")
    assert set(shares["section"]) == {*SECTIONS, "(no section)"}
    assert set(pd.read_csv(out / "log_odds.csv")["section"]) <= {*SECTIONS, "(no section)"}
