"""Time and progress of a run: seconds per step, progress bars on stderr, memory handed back."""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Clock", "progress_bar", "show_progress", "release_memory"]


class Clock:
    """Seconds spent per step, summed over repeated entries.

    >>> clock = Clock()
    >>> with clock("reading"):
    ...     pass
    >>> list(clock.seconds)
    ['reading']
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - t0


def show_progress(progress: bool | None) -> bool:
    """Whether to draw progress bars: as asked, or by default when stderr is a terminal."""
    if progress is None:
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return progress


def progress_bar(enabled: bool, **kwargs: Any) -> Any:
    """A tqdm progress bar on stderr (a silent one when ``enabled`` is false)."""
    from tqdm import tqdm

    return tqdm(file=sys.stderr, disable=not enabled, mininterval=0.25, **kwargs)


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc), so the statistics of a
    large corpus start from the memory they need rather than the extraction's high-water mark."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass
