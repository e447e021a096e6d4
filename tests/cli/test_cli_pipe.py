"""A reader that stops early (``framing ... | head -1``): the installed command, in a subprocess, with its
stdout a pipe whose reader has gone. Every command that prints ends quietly (no traceback, no "internal
error", nothing about the pipe), with the exit code it gives when its output is read, and writes its files
whole (the catalogue: ``PIPE_CASES`` in tests/badinput/round2_args.py). Then a real ``| head -1``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from badinput.round2_args import PIPE_CASES, PipeCase, pipe_corpora

FRAMING = Path(sys.executable).parent / "framing"
NOISE = ("Traceback", "internal error", "BrokenPipe", "Broken pipe", "Exception ignored")


def _env(unbuffered: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FRAMING_DEBUG", "PYTHONUNBUFFERED")}
    return {**env, "MPLBACKEND": "Agg", **({"PYTHONUNBUFFERED": "1"} if unbuffered else {})}


def _argv(case: PipeCase, paths: dict[str, Path]) -> tuple[list[str], Path | None]:
    argv = [a.format(**{k: str(v) for k, v in paths.items()}) for a in case.argv]
    out = next((Path(a) for a, t in zip(argv, case.argv, strict=True) if "{out}" in t), None)
    return argv, out


def test_catalogue_pipe_cases_are_tallied():
    names = [c.name for c in PIPE_CASES]
    assert len(names) == len(set(names)) >= 8 and all(c.before for c in PIPE_CASES)
    printing = {c.argv[0] for c in PIPE_CASES}
    assert printing == {"lexicon", "kwic", "trends", "compare", "validate", "analyze"}
    assert all((c.check is None) == ("{out}" not in " ".join(c.argv)) for c in PIPE_CASES)


@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c.slow else c for c in PIPE_CASES],
                         ids=repr)
def test_a_closed_stdout_ends_quietly(case, unbuffered, tmp_path):
    """The pipe's reader is gone before the command writes a byte: every write to stdout meets it closed."""
    argv, out = _argv(case, pipe_corpora(tmp_path))
    proc = subprocess.Popen([str(FRAMING), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=_env(unbuffered))
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader has gone
    stderr = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=600)
    assert not any(word in stderr for word in NOISE), stderr
    assert code == case.exit, stderr
    if case.check is not None:
        assert out is not None and case.check(out), out


def _corpus(d: Path, n: int) -> Path:
    """``n`` documents, each naming حفتر twice: kwic prints 2n lines (far more than a pipe holds)."""
    import json

    path = d / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"doc_id": f"m{i}", "outlet": ["الشاطئ", "الواحة"][i % 2], "text":
                                f"قالت قوات حفتر في البيان رقم {i} إن ميليشيا حفتر انسحبت من الطريق الساحلي."},
                               ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "buffered"])
def test_head_one(unbuffered, tmp_path):
    """``framing kwic ... | head -1`` in a shell (pipefail): one line out, framing's exit 0, stderr quiet."""
    corpus = _corpus(tmp_path, 3000)
    err = tmp_path / "err.txt"
    script = (f'set -o pipefail; "{FRAMING}" kwic "{corpus}" حفتر --limit 0 2>"{err}" | head -1; '
              'echo "framing=${PIPESTATUS[0]}" >&2')
    proc = subprocess.run(["bash", "-c", script], check=False, capture_output=True, text=True, timeout=600,
                          env=_env(unbuffered))
    assert proc.stdout.splitlines() == ["6000 lines"], proc.stdout[:500]
    assert proc.stderr.strip() == "framing=0", proc.stderr
    stderr = err.read_text(encoding="utf-8")
    assert not any(word in stderr for word in NOISE), stderr
