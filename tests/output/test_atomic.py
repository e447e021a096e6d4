"""Nothing lost: outputs are written atomically, and two runs give byte-identical tables.

A ``framing analyze`` process is killed (SIGKILL) in the middle of a run over the folder of an
earlier run; every output file must then be absent, the complete old version, or a complete new one.
A run writes into a staging folder (``.framing-run-*``) moved into place only when complete, so a run
killed before that leaves every old file as it was; what the killed run leaves of its own (the
staging folder, its lock) is never read as output, and the next run removes it.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from framing.output.rundir import STAGING_PREFIX, own_entry

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
FRAMING = Path(sys.executable).parent / "framing"
PNG_END = b"IEND\xaeB`\x82"

pytestmark = pytest.mark.skipif(not DEMO.exists(), reason="the demo corpus is missing")


def _head(n: int, dest: Path) -> Path:
    with open(DEMO, encoding="utf-8") as fh:
        dest.write_text("".join(line for _, line in zip(range(n), fh, strict=False)), encoding="utf-8")
    return dest


def _complete(path: Path) -> None:
    """Raise if ``path`` is a truncated output file."""
    data = path.read_bytes()
    suffix = path.suffix
    if suffix == ".csv":
        df = pd.read_csv(io.BytesIO(data))
        assert data.endswith(b"\n") or len(df) == 0
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.read_table(io.BytesIO(data))
    elif suffix == ".png":
        assert data.startswith(b"\x89PNG") and data.endswith(PNG_END), f"{path.name}: truncated PNG"
    elif suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), f"{path.name}: truncated HTML"
    else:
        raise AssertionError(f"unexpected output file {path.name}")


def _run(args, **kw):
    return subprocess.run([str(FRAMING), *args], capture_output=True, text=True, timeout=900, check=False, **kw)


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def old_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("atomic")
    small = _head(240, d / "small.jsonl")
    out = d / "out"
    proc = _run(["analyze", str(small), "--lexicon", "libya", "--out", str(out), "--n-boot", "20"])
    assert proc.returncode == 0, proc.stderr
    old = _outputs(out)
    assert {"report.html", "features.csv", "features.parquet", "matches.parquet"} <= set(old)
    return d, out, old


def _kill_when(out: Path, old: dict, condition, timeout=600.0):
    """Start a full analysis over ``out``, SIGKILL it when ``condition(out, old)`` holds."""
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen([str(FRAMING), "analyze", str(DEMO), "--lexicon", "libya", "--out", str(out),
                             "--force", "--n-boot", "50", "--batch-size", "100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if condition(out, old):
                break
            time.sleep(0.02)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
        proc.stderr.close()
    return finished


def _temp_file_exists(out, old):
    return any(p.name.startswith(".") and p.name.endswith(".tmp") for p in out.rglob("*"))


def _staged_output(out, old):
    """A complete table of the new run waits in the staging folder."""
    try:
        return any(p.suffix == ".parquet" for s in out.glob(STAGING_PREFIX + "*") for p in s.iterdir())
    except FileNotFoundError:
        return False


def _check_every_file(out: Path, old: dict) -> tuple[int, int]:
    kept = replaced = 0
    for p in sorted(out.iterdir()):
        if own_entry(p.name) or (p.name.startswith(".") and p.name.endswith(".tmp")):
            continue  # what the killed process left of its own (staging, lock): never read as output
        data = p.read_bytes()
        if old.get(p.name) == data:
            kept += 1
            continue
        _complete(p)  # not the old version: must be a complete new one
        replaced += 1
    return kept, replaced


@pytest.mark.parametrize("condition", [_temp_file_exists, _staged_output], ids=["temp_file", "staged"])
def test_killed_analyze_leaves_old_or_new_files(old_run, condition):
    _d, out, old = old_run
    # start every kill from the old run's files
    for p in list(out.iterdir()):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    for name, data in old.items():
        (out / name).write_bytes(data)
    finished = _kill_when(out, old, condition)
    if finished:
        pytest.skip("the analysis finished before it could be killed")
    kept, replaced = _check_every_file(out, old)
    # killed before its files were moved in: the old files are all there, byte for byte
    assert (kept, replaced) == (len(old), 0)


def test_kill_checker_catches_truncation(tmp_path):
    """The completeness checks used above do fail on truncated files."""
    pd.DataFrame({"a": ['x"y', "z"]}).to_csv(tmp_path / "t.csv", index=False)
    pd.DataFrame({"a": [1, 2]}).to_parquet(tmp_path / "t.parquet")
    for name in ("t.csv", "t.parquet"):
        p = tmp_path / name
        p.write_bytes(p.read_bytes()[:-5] if name.endswith("parquet") else b'a\n"x""y')
        with pytest.raises(Exception):  # noqa: B017  (pandas and pyarrow raise their own errors on a cut file)
            _complete(p)
    (tmp_path / "r.html").write_text("<html><body>", encoding="utf-8")
    with pytest.raises(AssertionError):
        _complete(tmp_path / "r.html")


@pytest.mark.slow
def test_two_runs_give_byte_identical_tables(tmp_path):
    from framing.cli import main

    small = _head(150, tmp_path / "small.jsonl")
    outs = []
    for k in range(2):
        out = tmp_path / f"run{k}"
        assert main(["analyze", str(small), "--lexicon", "libya", "--out", str(out), "--n-boot", "20",
                     "--batch-size", "40"]) == 0
        outs.append(out)
    tables = sorted(p.name for p in outs[0].iterdir() if p.suffix in (".csv", ".parquet"))
    assert "features.parquet" in tables and "matches.csv" in tables and "label_shares.parquet" in tables
    assert tables == sorted(p.name for p in outs[1].iterdir() if p.suffix in (".csv", ".parquet"))
    differ = [n for n in tables if (outs[0] / n).read_bytes() != (outs[1] / n).read_bytes()]
    assert not differ, f"tables differ between two runs: {differ}"
