"""SIGTERM (``kill``, a scheduler ending a job, a container stopping) handled as Ctrl-C is.

Inside :func:`terminate_as_interrupt`, SIGTERM raises :class:`Terminated`, a ``KeyboardInterrupt``: the
same clean-up runs (temporary files and a run's staging folder removed, the output folder left as it
was), and ``framing`` exits with 143 (128 + 15) and one line. The handlers in place before are put
back on leaving.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Terminated", "terminate_as_interrupt", "EXIT_TERMINATED"]

#: The exit code after SIGTERM, as a shell reports a process it ended (128 + 15).
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"signal {signum}")


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` inside the block (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
