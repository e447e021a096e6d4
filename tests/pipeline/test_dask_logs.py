"""``analyze --workers``: the run's own local Dask cluster keeps Dask's log lines (and the tracebacks of its
shutdown races) off the user's terminal, in the worker processes too; failures still reach the run as
exceptions, reported in one line."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

CODE = textwrap.dedent("""
    import logging, sys
    from framing.scale.dask import cluster
    kwargs = {} if sys.argv[1] == "default" else {"silence_logs": logging.CRITICAL}
    with cluster(workers=1, **kwargs) as client:
        client.run(lambda: logging.getLogger("distributed.worker").error("worker-side error line"))
    print("done")
""")


def test_a_worker_error_log_line_is_kept_off_stderr_with_silence_logs():
    runs = {mode: subprocess.run([sys.executable, "-c", CODE, mode], capture_output=True, text=True, timeout=300,
                                 check=False) for mode in ("default", "silenced")}
    assert all(p.returncode == 0 and "done" in p.stdout for p in runs.values()), {m: p.stderr for m, p in runs.items()}
    assert "worker-side error line" in runs["default"].stderr  # Dask prints it by default: the test can fail
    assert "worker-side error line" not in runs["silenced"].stderr


def test_the_pipeline_starts_its_cluster_with_dask_logs_silenced(tmp_path, monkeypatch):
    import framing.pipeline.distributed as dist

    seen = {}

    class Stop(Exception):
        pass

    def fake_cluster(**kwargs):
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(dist.scale, "cluster", fake_cluster)
    from framing.pipeline.config import AnalysisConfig

    config = AnalysisConfig(out=str(tmp_path / "out"), workers=2)
    with pytest.raises(Stop):
        dist.extract_dask(tmp_path / "c.jsonl", None, config, dist.Clock(), progress=False)
    assert seen["silence_logs"] == logging.CRITICAL and seen["workers"] == 2
