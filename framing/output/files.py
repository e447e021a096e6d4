"""Atomic file writing: a temporary file in the same folder, then a rename.

An interrupted run leaves the old file or the new one, never a truncated one. The file gets the
permissions an ordinary ``open(path, "w")`` would give it (0o666 less the umask), not the 0o600 of
``tempfile.mkstemp``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["atomic_path", "write_bytes", "write_text", "write_table", "for_output"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def _umask() -> int:
    """The process umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8, atomically."""
    return write_bytes(path, text.encode("utf-8"))


def for_output(df: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to write: lists/dicts as text, lone surrogates as U+FFFD, no ``attrs``.

    What :func:`write_table` writes; use it for any other writer of a table (e.g. a Parquet part file).
    """
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_cell)
    out.attrs = {}
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        return _SURROGATE.sub("\ufffd", v) if _has_surrogate(v) else v
    if isinstance(v, (list, tuple, dict, set)):
        return repr(v)
    return v


def _has_surrogate(s: str) -> bool:
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def write_table(df: pd.DataFrame, base: str | os.PathLike[str], *,
                formats: Collection[str] = ("csv", "parquet")) -> list[Path]:
    """Write ``df`` as ``<base>.csv`` (UTF-8) and ``<base>.parquet``, each atomically. Byte-stable."""
    out = for_output(df)
    written: list[Path] = []
    if "csv" in formats:
        p = Path(base).with_suffix(".csv")
        with atomic_path(p) as tmp:
            out.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6g",
                       date_format="%Y-%m-%d")
        written.append(p)
    if "parquet" in formats:
        p = Path(base).with_suffix(".parquet")
        with atomic_path(p) as tmp:
            out.to_parquet(tmp, index=False)
        written.append(p)
    return written
