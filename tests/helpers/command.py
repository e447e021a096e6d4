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
