"""``framing analyze --workers N``: Dask's note that it killed a slow worker process at shutdown (after the
run's results are in) does not reach the user; every other Dask message does."""

from __future__ import annotations

import logging

from framing.cli.app import ShutdownNoise


def _record(name: str, msg: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, None, None)


def test_the_shutdown_kill_note_is_dropped_and_nothing_else():
    noise = ShutdownNoise()
    assert not noise.filter(_record("distributed.nanny", "Worker process still alive after 4.0 seconds, killing"))
    assert noise.filter(_record("distributed.nanny", "Worker exceeded 95% memory budget. Restarting..."))
    assert noise.filter(_record("distributed.worker", "Worker process still alive after 4.0 seconds, killing"))


def test_the_command_installs_the_filter_only_while_it_runs(monkeypatch, capsys):
    from framing.cli import app, commands

    seen = {}

    def fake(args):
        seen["filters"] = list(logging.getLogger("distributed.nanny").filters)
        logging.getLogger("distributed.nanny").warning("Worker process still alive after 4.0 seconds, killing")
        return 0

    monkeypatch.setitem(commands.COMMANDS, "validate", fake)
    handler = logging.StreamHandler()
    logging.getLogger("distributed.nanny").addHandler(handler)
    try:
        assert app.main(["validate", "x.jsonl"]) == 0
    finally:
        logging.getLogger("distributed.nanny").removeHandler(handler)
    assert any(isinstance(f, ShutdownNoise) for f in seen["filters"])
    assert not any(isinstance(f, ShutdownNoise) for f in logging.getLogger("distributed.nanny").filters)
    assert "still alive" not in capsys.readouterr().err
