"""Validating a part of a corpus on a Dask worker, as the one-process reader validates it.

Each part is read twice. First :func:`account_part` validates it and sends back only its account: records
read, rejects with their lines and reasons, the 64-bit hash and line of each accepted ``doc_id``, the extra
columns, the day/month order its dates decided (and in which of the file's batches), any error that stops
the reading, the warnings. :mod:`framing.scale.settle` turns the accounts of all parts into the account of
one reader going through the corpus (reading some parts again, with :func:`account_part` or
:func:`decide_order`). Then :func:`read_part` reads each part for the extraction: the accepted rows only
(its rejects are in the account already).

A part is validated in the file's batches (``batch_size`` records from the start of the file, the first
chunk of a part ending where the file's batch ends), with the :class:`~framing.corpus.validate.Validator`
of :func:`framing.iter_corpus`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from framing.corpus.formats import RawRecord
from framing.corpus.validate import CANONICAL_COLUMNS, Validator
from framing.errors import CorpusError
from framing.scale.blocks import Part, part_records

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReadOptions", "Seed", "Fatal", "PartAccount", "account_part", "decide_order", "read_part",
           "empty_corpus"]

_MARK = "\x00framing:position"  # a record's place in its batch, carried through validation (then dropped)


class ReadOptions(NamedTuple):
    """How every part is read: the :func:`framing.read_corpus` options, and once settled the day/month
    ``order`` the whole corpus is read with (a ``DateColumn.order``; None: each part decides)."""

    errors: str = "raise"
    columns: dict[str, str] | None = None
    dayfirst: bool | None = None
    batch_size: int = 10_000
    order: Any = None


class Seed(NamedTuple):
    """A ``doc_id`` seen in an earlier part, and where (its first place in the corpus)."""

    doc_id: str
    source: str
    line: int


class Fatal(NamedTuple):
    """An error that stopped reading a part: a :class:`CorpusError`, as plain values."""

    reason: str
    source: str
    line: int | None
    field: str | None

    @classmethod
    def of(cls, exc: CorpusError) -> Fatal:
        return cls(exc.reason, exc.source, exc.line, exc.field)

    def error(self) -> CorpusError:
        return CorpusError(self.reason, source=self.source, line=self.line, field=self.field)


class PartAccount(NamedTuple):
    """What validating a part found (see the module docstring); ``named`` maps the hashes asked for to
    their ``doc_id``."""

    n_read: int
    n_good: int
    n_repaired: int
    rejects: list[dict[str, Any]]
    hashes: np.ndarray
    lines: np.ndarray
    columns: list[str]
    order: Any
    fatal: Fatal | None
    column_error: Fatal | None
    warnings: list[tuple[type[Warning], str]]
    named: dict[int, str]
    decided: int | None = None  #: the file's batch where the day/month order was decided (or refused)


def _hash(ids: Sequence[str]) -> np.ndarray:
    import pandas as pd

    return pd.util.hash_array(np.asarray(list(ids), dtype=object)) if len(ids) else np.empty(0, dtype=np.uint64)


def _validator(part: Part, opts: ReadOptions, defaults: dict[str, str], stem: str, seeds: Sequence[Seed],
               checked: bool) -> Validator:
    v = Validator(part.source, "collect", dict(opts.columns or {}), defaults, stem, dayfirst=opts.dayfirst)
    if opts.order is not None:
        v.dates.order = opts.order
    v.checked = checked
    if seeds:
        v.seen.add([s.doc_id for s in seeds], [s.source for s in seeds], [s.line for s in seeds])
    return v


class _Batch(NamedTuple):
    number: int  # the batch of the file (records ``number * batch_size`` on) this chunk belongs to
    raws: list[RawRecord]


def _chunks(records: Iterator[RawRecord], first: int, size: int) -> Iterator[_Batch]:
    """The records of a part in the file's batches of ``size`` records (the part's first record being record
    ``first`` of the file): the first chunk ends where the file's batch ends, as in one process."""
    at = max(first, 0)
    while chunk := list(islice(records, size - at % size)):
        yield _Batch(at // size, chunk)
        at += len(chunk)


class _PartReader:
    """Each chunk of a part and its accepted rows; ``number`` is the batch being read (when an error stops it)."""

    def __init__(self, part: Part, opts: ReadOptions, seeds: Sequence[Seed], checked: bool, mark: bool):
        self.part, self.opts, self.seeds, self.checked, self.mark = part, opts, seeds, checked, mark
        self.number: int | None = None

    def __iter__(self) -> Iterator[tuple[_Batch, pd.DataFrame]]:
        part, opts = self.part, self.opts
        opened = part_records(part, opts.batch_size)
        v = _validator(part, opts, opened.defaults, opened.stem, self.seeds, self.checked)
        for chunk in _chunks(opened.records, part.first, opts.batch_size):
            self.number = chunk.number
            try:
                df = v.batch([r if r.record is None else RawRecord(r.source, r.line, {**r.record, _MARK: i})
                              for i, r in enumerate(chunk.raws)] if self.mark else chunk.raws)
            except CorpusError:
                if v.checked or not self.mark:
                    raise
                # the column check lists the columns found: ask again without the mark, for its own message
                _validator(part, opts, opened.defaults, opened.stem, (), False).batch(chunk.raws)
                raise
            df.attrs["order"] = v.dates.order
            yield chunk, df


def _is_column_error(exc: CorpusError) -> bool:
    return exc.line is None and exc.field in ("text", "outlet") and exc.reason.startswith(f"no {exc.field!r} column")


def account_part(part: Part, opts: ReadOptions, seeds: Sequence[Seed] = (),
                 want: frozenset[int] = frozenset()) -> PartAccount:
    """Validate ``part`` (on a worker) and return its :class:`PartAccount`; ``seeds`` are ids seen before it,
    ``want`` hashes whose ``doc_id`` to return in ``named``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        account = _account(part, opts, seeds, want, checked=False)
        if account.column_error is not None and account.fatal == account.column_error:
            # the columns are checked in the first part holding a record only: read on as if checked
            account = _account(part, opts, seeds, want, checked=True)._replace(column_error=account.fatal)
    seen: dict[tuple[type[Warning], str], None] = {}
    for w in caught:
        seen.setdefault((w.category, str(w.message)), None)
    return account._replace(warnings=list(seen))


def _account(part: Part, opts: ReadOptions, seeds: Sequence[Seed], want: frozenset[int],
             checked: bool) -> PartAccount:
    n_read = n_good = n_repaired = 0
    rejects: list[dict[str, Any]] = []
    hashes: list[np.ndarray] = []
    lines: list[int] = []
    columns: dict[str, None] = {}
    named: dict[int, str] = {}
    order = fatal = column_error = decided = None
    reader = _PartReader(part, opts, seeds, checked, mark=True)
    try:
        for chunk, df in reader:
            if order is None and df.attrs["order"] is not None and opts.order is None:
                decided = chunk.number
            order = df.attrs["order"]
            n_read += len(chunk.raws)
            n_good += sum(1 for r in chunk.raws if r.record is not None)
            n_repaired += int(df.attrs.get("n_repaired", 0))
            rejects.extend(dict(r) for r in df.attrs["rejects"])
            columns.update(dict.fromkeys(c for c in df.columns if c not in CANONICAL_COLUMNS and c != _MARK))
            ids = [str(x) for x in df["doc_id"]]
            h = _hash(ids)
            hashes.append(h)
            if _MARK in df.columns:
                lines.extend(chunk.raws[int(p)].line for p in df[_MARK])
            for k in np.flatnonzero(np.isin(h, np.fromiter(want, dtype=np.uint64))) if want else ():
                named[int(h[k])] = ids[k]
    except CorpusError as exc:
        fatal = Fatal.of(exc)
        if not checked and _is_column_error(exc):
            column_error = fatal
        if exc.field == "date" and order is None:
            decided = reader.number
    return PartAccount(n_read, n_good, n_repaired, rejects,
                       np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64),
                       np.asarray(lines, dtype=np.int64), list(columns), order, fatal, column_error, [], named,
                       decided)


def decide_order(parts: Sequence[Part], batch: int, opts: ReadOptions) -> tuple[Any, Fatal | None, int]:
    """Validate batch ``batch`` of a file whose records lie in several ``parts`` as one batch, as the one-process
    reader does (on a worker): the day/month order it decides, or the error, and the line of its first record."""
    size = opts.batch_size
    lo, hi = batch * size, (batch + 1) * size
    raws: list[RawRecord] = []
    opened = None
    for part in parts:
        opened = part_records(part, size)
        at = max(part.first, 0)
        for raw in opened.records:
            if at >= hi:
                break
            if at >= lo:
                raws.append(raw)
            at += 1
    assert opened is not None and raws
    v = _validator(parts[0], opts._replace(order=None), opened.defaults, opened.stem, (), True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            v.batch(raws)
        except CorpusError as exc:
            return None, Fatal.of(exc), raws[0].line
    return v.dates.order, None, raws[0].line


def empty_corpus(columns: Sequence[str]) -> pd.DataFrame:
    """An empty corpus table with the canonical columns (their dtypes) and ``columns`` as extra object columns."""
    import pandas as pd

    df = Validator("<meta>", "collect", {}, {}, "").batch([])
    for name in columns:
        df[name] = pd.Series([], dtype=object)
    df.attrs = {}
    return df


def read_part(part: Part, seeds: Sequence[Seed], opts: ReadOptions, extras: Sequence[str]) -> pd.DataFrame:
    """The accepted rows of ``part`` (on a worker), with the corpus's ``extras`` columns (object dtype) in order;
    its rejects are in its account already."""
    import pandas as pd

    frames = []
    with warnings.catch_warnings():  # said when the part was first read
        warnings.simplefilter("ignore")
        for _, df in _PartReader(part, opts, seeds, checked=True, mark=False):
            df.attrs = {}
            if len(df):
                frames.append(df)
    meta = empty_corpus(extras)
    if not frames:
        return meta
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df = df.reindex(columns=list(meta.columns))
    for name in extras:
        df[name] = df[name].astype(object)
    df.attrs = {}
    return df
