"""What one run of :func:`framing.analyze` is asked to do: a frozen, validated configuration.

:class:`AnalysisConfig` holds every parameter of :func:`framing.analyze`. Its values are checked
when it is built (:class:`ConfigError`, a :class:`~framing.errors.FramingError` naming the
parameter and the fix), and :meth:`AnalysisConfig.validate` checks what needs the file system
(the lexicon loads, the output folder can be written, the corpus exists) — all of it before
anything is read or written.

>>> config = AnalysisConfig(lexicon="libya", out="reports/x", n_boot=200)
>>> config.n_boot, config.uses_dask
(200, False)
>>> AnalysisConfig(freq="0D")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
framing.pipeline.config.ConfigError: freq: expected a pandas frequency such as 'MS' (month), ... got '0D'; ...
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from framing.analyses.compare import METHODS
from framing.corpus.textfile import MAX_RECORD_BYTES
from framing.corpus.validate import check_record_cap
from framing.errors import CorpusError, FramingError
from framing.lexicon.load import Lexicon, load_lexicon
from framing.vocabulary import CATEGORY_PREFIX, LABEL_PREFIX, check_by, check_voice, period_offset

__all__ = ["AnalysisConfig", "ConfigError", "DEFAULT_TOP", "OUTPUT_TABLES", "check_out_dir", "check_group_by",
           "check_scheduler", "SCHEDULER_TIMEOUT", "MAX_N_BOOT", "MAX_BATCH_SIZE"]

#: Outlets drawn in the charts of :func:`framing.analyze` (by label volume); the tables keep them all.
DEFAULT_TOP = 12

#: The most documents per batch (``batch_size``): a batch is held in memory.
MAX_BATCH_SIZE = 100_000

#: The most bootstrap replicates (``n_boot``) a run may ask for: they are held in memory.
MAX_N_BOOT = 10_000

#: Seconds to wait for a Dask scheduler (``scheduler=``) to answer before the run stops with a clear error.
SCHEDULER_TIMEOUT = 5.0

#: The tables :func:`framing.analyze` may write into its output folder (each as ``.csv`` and ``.parquet``).
OUTPUT_TABLES = ("matches", "features", "rejects", "wire_copies", "label_shares", "legitimacy", "categories",
                 "log_odds", "trends", "change_points", "outlet_distance", "attention")
_OUTPUT_FILES = ("report.html", "termmap.html")

_COPIES = ("exclude", "keep")
_ERRORS = ("raise", "collect")
# corpus columns that cannot group documents, and why
_FREE_TEXT = ("free text: about one group per document, too many to compare (and to chart); group by 'outlet' "
              "or by a column with a few values, such as a section or a country")
_NOT_GROUPS = {
    "text": _FREE_TEXT, "title": _FREE_TEXT,
    "doc_id": "one group per document, too many to compare; group by 'outlet' or a column with a few values",
    "date": "bucketed into periods by freq (--freq MS months, QS quarters, YS years, W weeks, D days) for trends; "
            "group by 'outlet' or another corpus column",
}
# columns analyze computes: grouping by one of them is a mistake, not a corpus column
_DERIVED = ("referent", "stance", "count", "total", "share", "lo", "hi", "n_docs", "n_tokens", "period", "term")


class ConfigError(FramingError):
    """A parameter of :func:`framing.analyze` is invalid (a usage error: nothing was read or written)."""


def _is_int(value: object) -> TypeGuard[Integral]:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _positive(name: str, value: object, what: str) -> None:
    if not _is_int(value) or int(value) < 1:
        raise ConfigError(f"{name}: expected {what} (a whole number >= 1), got {value!r}")


def _as_config_error(check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A check of :mod:`framing.vocabulary`, its error raised as a :class:`ConfigError` (same message)."""
    try:
        return check(*args, **kwargs)
    except ConfigError:
        raise
    except FramingError as exc:
        raise ConfigError(str(exc)) from None


def check_group_by(by: object) -> str:
    """``by`` if it can group documents: a corpus column that is not computed, not free text, not the date.

    Which corpus columns exist is known only when the corpus is read (a missing one is named there,
    with the columns there are). A :class:`ConfigError` naming the reason otherwise.

    >>> check_group_by("section")
    'section'
    >>> check_group_by("title")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    framing.pipeline.config.ConfigError: by: 'title' is free text: about one group per document, ...
    """
    if not isinstance(by, str) or not by.strip():
        raise ConfigError(f"by: expected the name of a corpus column to group by, such as 'outlet', got {by!r}")
    if by in _DERIVED or by.startswith((CATEGORY_PREFIX, LABEL_PREFIX)):
        raise ConfigError(f"by: {by!r} is a column analyze computes, not a corpus column; group by a column "
                          "of the corpus such as 'outlet'")
    if by in _NOT_GROUPS:
        raise ConfigError(f"by: {by!r} is {_NOT_GROUPS[by]}")
    _as_config_error(check_by, by)
    return by


def _check_encoding(encoding: object) -> None:
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)  # type: ignore[arg-type]
    except (LookupError, TypeError):
        raise ConfigError(f"encoding: unknown encoding {encoding!r}; use a Python codec name such as 'utf-8', "
                          "'utf-16' or 'cp1256' (or None to detect it)") from None


def _check_columns(columns: object) -> None:
    if columns is None:
        return
    if not isinstance(columns, Mapping) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in columns.items()):
        raise ConfigError("columns: expected a mapping of file column names to corpus names, e.g. "
                          f"{{'body': 'text', 'source': 'outlet'}}, got {columns!r}")


def _check_dask(workers: object, scheduler: object) -> None:
    if workers is not None:
        _positive("workers", workers, "None (one process) or a number of Dask worker processes")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise ConfigError(f"scheduler: expected the address of a Dask scheduler such as 'tcp://10.0.0.5:8786', "
                          f"got {scheduler!r}")


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """A :class:`ConfigError` unless something listens at the Dask scheduler ``address`` (a TCP connection
    tried for at most ``timeout`` seconds: a refused connection fails at once, not after Dask's 30 s)."""
    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls", "ws", "wss"):
        return  # another transport (inproc://, ucx://): Dask itself connects, with its timeout
    try:
        host, port = parts.hostname, parts.port or 8786
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise ConfigError(f"scheduler: expected the address of a Dask scheduler such as 'tcp://10.0.0.5:8786', "
                          f"got {address!r}")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        why = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or type(exc).__name__).lower()
        raise ConfigError(f"scheduler: cannot reach the Dask scheduler at {address} ({why}); start the scheduler "
                          "(`dask scheduler`) or check the host and port, or leave out --scheduler (one process, "
                          "or --workers N for a local cluster)") from None


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{name}: expected one of {', '.join(map(repr, allowed))}, got {value!r}")


def _check_flag(name: str, value: object, *, optional: bool = False) -> None:
    if not isinstance(value, bool) and not (optional and value is None):
        raise ConfigError(f"{name}: expected True or False{' (or None)' if optional else ''}, got {value!r}")


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _check_out(out: Path, force: bool) -> None:
    """The output folder can be written and holds nothing that would be overwritten without ``force``."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"out: --out {out} is a file; give a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise ConfigError(f"out: the output folder {out} is not empty; choose another folder or pass --force "
                          "(force=True) to overwrite its files")
    base = _nearest_existing(out.absolute())
    if not base.is_dir():
        raise ConfigError(f"out: cannot make the folder {out}: {base} is a file; give another --out")
    if not os.access(base, os.W_OK | os.X_OK):
        raise ConfigError(f"out: the folder {base} is not writable; give an --out you can write to")


def _check_corpus(corpus: object, out: Path, uses_dask: bool) -> None:
    """The corpus exists and is not one of the files the run writes."""
    if not isinstance(corpus, (str, os.PathLike)):
        raise ConfigError(f"corpus: expected the path of a corpus file or folder, got {type(corpus).__name__}")
    name = os.fspath(corpus)
    path = Path(name)
    if uses_dask and any(ch in str(name) for ch in "*?["):
        return  # a glob of files, read by Dask
    if not path.exists():
        raise CorpusError("no such file or directory", source=str(name))
    if path.is_file() and out.exists() and path.parent.resolve() == out.resolve():
        written = path.name in _OUTPUT_FILES or (path.stem in OUTPUT_TABLES and path.suffix in (".csv", ".parquet"))
        if written or path.suffix == ".png":
            raise ConfigError(f"out: the corpus {path} is one of the files analyze writes into {out}; "
                              "give another --out")


@dataclass(frozen=True)
class AnalysisConfig:
    """Every parameter of :func:`framing.analyze`, checked when the object is built.

    ``analyze(corpus, config=AnalysisConfig(...))`` is the same run as ``analyze(corpus, ...)`` with the
    same arguments. The fields are those of :func:`framing.analyze`; :meth:`validate` adds the checks
    that need the file system. ``dataclasses.replace(config, top=20)`` gives a changed copy (checked too).
    """

    lexicon: str | os.PathLike | Lexicon = "libya"
    out: str | os.PathLike = "reports/analysis"
    by: str = "outlet"
    freq: str = "MS"
    voice: str = "own"
    force: bool = False
    batch_size: int = 5000
    errors: str = "collect"
    columns: Mapping[str, str] | None = field(default=None, hash=False)
    encoding: str | None = None
    max_record_bytes: int = MAX_RECORD_BYTES
    dayfirst: bool | None = None
    workers: int | None = None
    scheduler: str | None = None
    method: str = "log_odds"
    n_boot: int = 1000
    seed: int | None = 0
    top: int = DEFAULT_TOP
    copies: str = "exclude"
    progress: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.lexicon, (str, os.PathLike, Lexicon)):
            raise ConfigError(f"lexicon: expected a bundled lexicon name, a path to a YAML file or a Lexicon, "
                              f"got {type(self.lexicon).__name__}")
        if not isinstance(self.out, (str, os.PathLike)) or not os.fspath(self.out):
            raise ConfigError(f"out: expected the path of an output folder, got {self.out!r}")
        check_group_by(self.by)
        _as_config_error(period_offset, self.freq)  # one day, week, month, quarter or year ("0D" is not)
        _as_config_error(check_voice, self.voice)
        _check_flag("force", self.force)
        _positive("batch_size", self.batch_size, "documents per batch")
        if int(self.batch_size) > MAX_BATCH_SIZE:
            raise ConfigError(f"batch_size: expected at most {MAX_BATCH_SIZE:,} documents per batch (a batch is held "
                              f"in memory; the default 5,000 keeps it small), got {self.batch_size!r}")
        _check_choice("errors", self.errors, _ERRORS)
        _check_columns(self.columns)
        _check_encoding(self.encoding)
        _as_config_error(check_record_cap, self.max_record_bytes)
        _check_flag("dayfirst", self.dayfirst, optional=True)
        _check_dask(self.workers, self.scheduler)
        _check_choice("method", self.method, tuple(METHODS))
        _positive("n_boot", self.n_boot, "a number of bootstrap replicates")
        if int(self.n_boot) > MAX_N_BOOT:
            raise ConfigError(f"n_boot: expected at most {MAX_N_BOOT:,} bootstrap replicates (they are held in "
                              f"memory; 1,000 give stable 95% intervals), got {self.n_boot!r}")
        if self.seed is not None and (not _is_int(self.seed) or int(self.seed) < 0):
            raise ConfigError(f"seed: expected a whole number >= 0 (or None for fresh randomness), got {self.seed!r}")
        if not _is_int(self.top) or int(self.top) < 1:
            raise ConfigError(f"top: expected a positive number of outlets to chart, got {self.top!r}")
        _check_choice("copies", self.copies, _COPIES)
        _check_flag("progress", self.progress, optional=True)
        if self.columns is not None:  # a private read-only copy: the config stays what it was when checked
            object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))

    def __reduce__(self) -> tuple:
        """Pickled with ``columns`` as a plain dict (a read-only mapping view cannot be pickled)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["columns"] = self.column_map()
        return (_rebuild, (values,))

    @property
    def uses_dask(self) -> bool:
        """Whether the run reads and matches on a Dask cluster (``workers`` or ``scheduler`` given)."""
        return bool(self.workers or self.scheduler)

    @property
    def out_dir(self) -> Path:
        return Path(self.out)

    def read_options(self) -> dict:
        """How the corpus is read: ``errors``, ``columns`` (a plain dict) and ``batch_size``; ``encoding``,
        ``max_record_bytes`` and ``dayfirst`` when not the defaults."""
        options = {"errors": self.errors, "columns": self.column_map(), "batch_size": self.batch_size}
        if self.encoding is not None:
            options["encoding"] = self.encoding
        if self.max_record_bytes != MAX_RECORD_BYTES:
            options["max_record_bytes"] = self.max_record_bytes
        if self.dayfirst is not None:
            options["dayfirst"] = self.dayfirst
        return options

    def column_map(self) -> dict | None:
        """``columns`` as a plain dict (None when not given)."""
        return None if self.columns is None else dict(self.columns)

    def replace(self, **changes: Any) -> AnalysisConfig:
        """A copy with some fields changed, checked again."""
        return dataclasses.replace(self, **changes)

    def validate(self, corpus: object = None) -> Lexicon:
        """Check what needs the file system, before any work: the lexicon loads (returned, so the run does
        not load it again), the output folder can be written (empty unless ``force``), when given, the
        corpus exists and is not a file the run would overwrite, and a ``scheduler`` answers (within
        :data:`SCHEDULER_TIMEOUT` seconds).

        Raises :class:`ConfigError` (the output folder, the corpus path, the scheduler),
        :class:`framing.LexiconError` (the lexicon) or :class:`framing.CorpusError` (no such corpus).
        """
        given = self.lexicon
        lex = load_lexicon(given if isinstance(given, (str, Lexicon)) else Path(os.fspath(given)))
        # the lexicon first: a bad lexicon is named before the output folder is looked at
        out = self.out_dir
        _check_out(out, self.force)
        if corpus is not None:
            _check_corpus(corpus, out, self.uses_dask)
        if self.scheduler is not None:
            check_scheduler(self.scheduler)
        return lex


def _rebuild(values: dict) -> AnalysisConfig:
    return AnalysisConfig(**values)


def check_out_dir(out: str | os.PathLike, force: bool) -> Path:
    """Refuse a non-empty output folder unless ``force``; make the folder and return its path."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise FramingError(f"--out {path} is a file; give a folder")
    if path.exists() and any(path.iterdir()) and not force:
        raise FramingError(f"the output folder {path} is not empty; choose another folder or pass --force "
                           "to overwrite its files")
    path.mkdir(parents=True, exist_ok=True)
    return path
