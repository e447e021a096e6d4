"""How the bad-input drivers (tests/test_bad_input_*.py) run a case through the installed command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

#: the installed command of this virtual environment
FRAMING = Path(sys.executable).parent / "framing"
#: what a catalogue case may be filed as
CLASSES = {"traceback", "silent", "runaway", "unsafe", "other"}
#: the reading account the commands print
SUMMARY = re.compile(r"read (\d+) · accepted (\d+) · rejected (\d+)")


def framing_env(**extra: str) -> dict[str, str]:
    """This environment without FRAMING_DEBUG (a user sees no traceback), charts on Agg, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "FRAMING_DEBUG"}
    return {**env, "MPLBACKEND": "Agg", **extra}


def run_framing(*args: str | bytes | os.PathLike[str], cwd: Path | None = None, timeout: float = 600,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``framing *args`` (paths as text, bytes as given), its output captured as text; ``env``: extra variables."""
    argv = [str(FRAMING), *(a if isinstance(a, bytes) else str(a) for a in args)]
    return subprocess.run(argv, check=False, capture_output=True, text=True, timeout=timeout,
                          env=framing_env(**(env or {})), cwd=cwd)


def slow_params(cases: list) -> list:
    """The cases as parameters, those with ``slow`` set marked slow (left to `make test-long`)."""
    return [pytest.param(c, marks=pytest.mark.slow) if c.slow else c for c in cases]


def error_lines(stderr: str) -> list[str]:
    """stderr without the warning lines, which must each be one line; never a traceback."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return [ln for ln in stderr.strip().splitlines() if ln and not ln.startswith("framing: warning")]


def check_validate(proc: subprocess.CompletedProcess, case, where: object, rejects: Path, *,
                   exact_warnings: bool = False) -> None:
    """What ``framing validate <corpus> --rejects <rejects>`` must have done for a catalogue case: a fatal case
    one error line naming ``where`` (and the line), nothing written and no account; otherwise the account
    ``read = accepted + rejected`` as the case says, every reject in the CSV, a reject listed with its file
    and line (exit 1), and the case's warning. ``exact_warnings``: a warning appears exactly when the case
    expects one."""
    import pandas as pd

    errors = error_lines(proc.stderr)
    if case.outcome == "fatal":
        assert proc.returncode == 1, proc.stderr
        assert len(errors) == 1 and errors[0].startswith(f"framing validate: error: {where}"), proc.stderr
        if case.line:
            assert errors[0].startswith(f"framing validate: error: {where}, line {case.line}"), errors[0]
        assert re.search(case.pattern, errors[0]), errors[0]
        assert not rejects.exists() and not SUMMARY.search(proc.stdout)
        return
    assert not errors, proc.stderr
    n_read, accepted, rejected = map(int, SUMMARY.search(proc.stdout).groups())
    assert n_read == accepted + rejected == case.n_read and rejected == case.n_rejected
    table = pd.read_csv(rejects)
    assert len(table) == rejected
    if case.outcome == "reject":
        assert proc.returncode == 1
        assert f"{where}:{case.line} " in proc.stdout  # listed with file and line
        assert re.search(case.pattern, table["reason"].iloc[0])
    else:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    warned = [ln for ln in proc.stderr.splitlines() if ln.startswith("framing: warning: ")]
    if exact_warnings:
        assert bool(warned) == bool(case.warn), proc.stderr
    if case.warn:
        assert any(re.search(case.warn, ln) for ln in warned), proc.stderr
