"""Progress bars of `framing analyze`: on stderr when it is a terminal (a pseudo-terminal here), for
reading, extraction, statistics and charts; nothing when stderr is a pipe or a file."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys

import pytest

pty = pytest.importorskip("pty")

SCRIPT = """
import sys
from framing.pipeline.analyze import analyze
analyze(sys.argv[1], "libya", sys.argv[2], n_boot=20, force=True)
print("done", file=sys.stdout)
"""


@pytest.fixture
def corpus(tmp_path):
    sents = ["تقدمت ميليشيات حفتر نحو العاصمة", "أعلن الجيش الوطني الليبي سيطرته على المطار",
             "قالت حكومة الوفاق المعترف بها دوليا إنها صدت الهجوم"]
    path = tmp_path / "c.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(30):
            fh.write(json.dumps({"doc_id": f"p{k}", "outlet": ["صحيفة الأفق", "Wadi Times"][k % 2],
                                 "date": f"2020-{1 + k % 6:02d}-{1 + 2 * (k // 6):02d}",
                                 "text": f"{sents[k % 3]}. وذكر التقرير رقم {k} تفاصيل."}, ensure_ascii=False) + "\n")
    return path


def _env():
    env = dict(os.environ)
    env["COLUMNS"] = "100"
    return env


def test_progress_on_a_terminal(corpus, tmp_path):
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))  # a 100-column terminal
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(corpus), str(tmp_path / "out")],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=_env())
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=300)
    os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, err[-2000:]
    assert proc.stdout.read().decode().strip() == "done"
    for step in ("reading", "extracting", "statistics", "charts"):
        assert f"{step}:" in err, (step, err[-1500:])
    assert "30 docs" in err  # the reading bar counted every record
    assert "\r" in err  # a bar redrawn in place, as tqdm does on a terminal


def test_no_progress_when_stderr_is_not_a_terminal(corpus, tmp_path):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(corpus), str(tmp_path / "out")],
                          capture_output=True, env=_env(), timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    err = proc.stderr.decode("utf-8", "replace")
    for step in ("reading:", "extracting:", "statistics:", "charts:"):
        assert step not in err
    assert "\r" not in err
