"""A corpus path that is a named pipe (or ``/dev/stdin`` fed by a pipe) is refused with one line naming it,
before anything opens it: the reader opens a corpus file more than once (encoding and format, then the
records), so a pipe used to block forever once its writer was gone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")

LINE = '{"outlet": "صحيفة", "text": "عاد الصيادون إلى المرفأ بعد أن هدأت الرياح"}\n'


def test_a_named_pipe_is_refused_without_opening_it(tmp_path):
    """A named pipe with no writer: opening it would block, so the check must come first (run in a child
    process with a time limit, so that a regression fails instead of hanging the suite)."""
    fifo = tmp_path / "corpus.jsonl"
    os.mkfifo(fifo)
    code = ("import sys; from framing.corpus.reader import read_corpus; from framing.errors import CorpusError\n"
            "try:\n    read_corpus(sys.argv[1])\nexcept CorpusError as exc:\n    print(exc)")
    out = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, encoding="utf-8",
                         timeout=120, check=True)
    assert re.search(r"corpus\.jsonl: not a regular file but a named pipe.*save the stream", out.stdout), out.stdout


@pytest.mark.parametrize("command", ["validate", "analyze"])
def test_the_command_reading_a_pipe_ends_with_one_line(tmp_path, command):
    """``cat corpus.jsonl | framing <command> /dev/stdin``: one error line and exit code 1, in bounded time
    (before, analyze waited forever)."""
    code = "import sys; from framing.cli import main; sys.exit(main(sys.argv[1:]))"
    args = [sys.executable, "-c", code, command, "/dev/stdin"]
    if command == "analyze":
        args += ["--lexicon", "libya", "--out", str(tmp_path / "out")]
    out = subprocess.run(args, input=LINE * 3, capture_output=True, text=True, encoding="utf-8", timeout=120,
                         check=False)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "/dev/stdin: not a regular file" in lines[0], out.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
