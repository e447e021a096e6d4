"""Atomic file writing: a temporary file in the same folder, then a rename.

An interrupted run leaves the old file or the new one, never a truncated one. The file gets the
permissions an ordinary ``open(path, "w")`` would give it (0o666 less the umask), not the 0o600 of
``tempfile.mkstemp``. A path that cannot be written (a read-only file system, ``/proc``, a file where a
folder should be) is an :class:`OutputError` naming it, not an ``OSError``.

CSV files are safe to open in a spreadsheet: a text cell (or column name) starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` (:func:`csv_safe`, as OWASP recommends
against CSV formula injection), so Excel or LibreOffice shows it as text instead of running it, and a
carriage return inside a cell is written as a line break. Numbers are never changed, and Parquet files
keep the raw values.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framing.errors import FramingError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["atomic_path", "write_bytes", "write_text", "write_table", "write_csv", "for_output", "csv_safe",
           "FORMULA_START", "OutputError", "output_error", "check_output_file"]

#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputError(FramingError):
    """An output file or folder cannot be written: its path, why, and what to do."""

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


def output_error(path: str | os.PathLike[str], exc: OSError, what: str = "") -> OutputError:
    """``exc`` (raised writing ``path``) as one line naming the path, the reason and what to do."""
    why = (exc.strerror or type(exc).__name__).lower()
    if isinstance(exc, IsADirectoryError):
        why, fix = "it is a folder", "give a file name"
    elif exc.errno == errno.ENOSPC:
        fix = "free some space or write elsewhere"
    else:
        fix = "give a path in a folder you can write to"
    return OutputError(f"{what + ' ' if what else ''}{os.fspath(path)}: cannot write here ({why}); {fix}")


def _check_name(path: Path) -> None:
    if not path.name or path.name in (".", ".."):
        raise OutputError(f"{path}: is a folder, not a file name; give a file name")


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    An :class:`OutputError` when the folder cannot be made or written, or ``path`` is a folder.
    """
    path = Path(path)
    _check_name(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except (FileExistsError, NotADirectoryError):  # a file where a folder of the path should be
        raise OutputError(f"{path}: cannot make its folder, {_file_above(path)} is a file; give another path") \
            from None
    except OSError as exc:
        raise output_error(path, exc) from None
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise output_error(path, exc) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _file_above(path: Path) -> Path:
    """The first part of ``path`` (from the top) that is a file, where a folder is needed."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return path.parent


def check_output_file(path: str | os.PathLike[str], what: str = "--out") -> Path:
    """``path`` if a file can be written there; an :class:`OutputError` (``what`` and the path, why, the fix)
    otherwise. Writes nothing that stays: the folder is probed with a temporary file, removed at once.

    A path that is a folder, has a file where a folder should be, or lies where no file can be
    made (``/proc``, a read-only file system, a folder without write permission) is refused.
    """
    p = Path(path)
    head = f"{what} {os.fspath(path)}"
    if p.is_dir() or not p.name or p.name in (".", ".."):
        raise OutputError(f"{head}: is a folder; give a file name, such as {p / 'table.csv'}")
    base = p.parent
    while not base.exists() and base.parent != base:
        base = base.parent
    if not base.is_dir():
        raise OutputError(f"{head}: cannot make its folder, {base} is a file; give another path")
    try:
        fd, probe = tempfile.mkstemp(prefix=".framing-probe.", suffix=".tmp", dir=base)
    except OSError as exc:
        why = (exc.strerror or type(exc).__name__).lower()
        raise OutputError(f"{head}: cannot write in {base} ({why}); give a path in a folder you can write to") \
            from None
    os.close(fd)
    os.unlink(probe)
    return p


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


def _formula_cell(v: Any) -> Any:
    return "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as written to CSV: text cells and column names that a spreadsheet would run as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``; a carriage
    return inside a text cell is written as a line break (``\\n``: quoted, so the row stays one row,
    where a bare ``\\r`` would end it in a spreadsheet and in most CSV readers).

    Only text is changed: a negative number stays a number (``-2``), the text ``"-2+3"`` becomes
    ``"'-2+3"``. ``df`` itself is not changed (a copy when anything is escaped).

    >>> import pandas as pd
    >>> safe = csv_safe(pd.DataFrame({"outlet": ["=HYPERLINK(1)", "ok", "-خبر"], "score": [-1.5, 2.0, -3.0]}))
    >>> safe["outlet"].tolist(), safe["score"].tolist()
    (["'=HYPERLINK(1)", 'ok', "'-خبر"], [-1.5, 2.0, -3.0])
    """
    import pandas as pd

    out = df
    for k in range(df.shape[1]):
        s = df.iloc[:, k]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        elif not (s.dtype == object or pd.api.types.is_string_dtype(s)):
            continue  # numbers, dates, booleans: never a formula
        hit, cr = _unsafe(s)
        if hit.any() or cr.any():
            values = s.to_numpy(dtype=object, copy=True)
            values[hit] = ["'" + v for v in values[hit]]
            values[cr] = [v.replace("\r\n", "\n").replace("\r", "\n") for v in values[cr]]
            if out is df:
                out = df.copy()
            out.isetitem(k, values)
    names = [_formula_cell(c) for c in df.columns]
    if names != list(df.columns):
        out = df.copy() if out is df else out
        out.columns = names
    return out


def _unsafe(s: pd.Series) -> tuple[Any, Any]:
    """Where ``s`` holds text a spreadsheet would run, and text with a carriage return (boolean arrays)."""
    import numpy as np

    try:
        text = s.str
        return (text.startswith(FORMULA_START, na=False).to_numpy(dtype=bool),
                text.contains("\r", regex=False, na=False).to_numpy(dtype=bool))
    except AttributeError:  # no text at all in the column
        return np.zeros(len(s), dtype=bool), np.zeros(len(s), dtype=bool)


def _write_csv(safe: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as tmp:
        csv_safe(safe).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6g",
                              date_format="%Y-%m-%d")
    return path


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to exactly ``path`` as CSV (UTF-8, spreadsheet-safe: :func:`csv_safe`), atomically."""
    return _write_csv(for_output(df), Path(path))


def write_table(df: pd.DataFrame, base: str | os.PathLike[str], *,
                formats: Collection[str] = ("csv", "parquet")) -> list[Path]:
    """Write ``df`` as ``<base>.csv`` (UTF-8, spreadsheet-safe: :func:`csv_safe`) and ``<base>.parquet``
    (the raw values), each atomically. Byte-stable.

    ``<base>`` names the files without their suffix: ``out/matches`` gives ``out/matches.csv``.
    """
    stem = os.fspath(base)
    if not Path(stem).name or Path(stem).name in (".", "..") or Path(stem).is_dir():
        raise OutputError(f"{stem}: is a folder; give the name of the table's files, such as {Path(stem) / 'table'}")
    out = for_output(df)
    if Path(stem).suffix in (".csv", ".parquet"):  # a file name given: the same two files
        stem = stem[: -len(Path(stem).suffix)]
    written: list[Path] = []
    if "csv" in formats:
        written.append(_write_csv(out, Path(stem + ".csv")))
    if "parquet" in formats:
        p = Path(stem + ".parquet")
        with atomic_path(p) as tmp:
            out.to_parquet(tmp, index=False)
        written.append(p)
    return written
