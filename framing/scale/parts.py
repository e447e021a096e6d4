"""Validating a corpus part by part on Dask workers with the account the one-process reader gives.

Reading happens twice. First each part is validated and only its account comes back
(:func:`account_part`: records read, rejects with their lines and reasons, the 64-bit hash and line of each
accepted ``doc_id``, the extra columns, the day/month order its dates decided, any error that stops the
reading, the warnings). :func:`settle` then makes the accounts those of one reader going through the file:

* the day/month order of ``NN/NN/YYYY`` dates is the one the first part that shows it decided; later parts
  that decided otherwise are read again with it (their contradicting dates become rejects, as they are
  for :func:`framing.iter_corpus`);
* a ``doc_id`` accepted in two parts is a duplicate: the later parts are read again with the first one
  already seen, so the reject names where it was first seen, exactly as in one process;
* the ``text``/``outlet`` columns are checked once, in the first part that holds a record;
* with ``errors="raise"`` the first problem in file order is raised as a
  :class:`~framing.errors.CorpusError` naming the file and line; an error that stops reading (a fatal one)
  is raised in either mode.

Then :func:`read_part` reads each part for the extraction (the accepted rows only; what it rejects is in
the account already). The tasks are run by the ``run`` function given to :func:`settle` (Dask on a
cluster, or a plain loop), so everything here can be tested without a cluster.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from framing.corpus.formats import RawRecord
from framing.corpus.validate import CANONICAL_COLUMNS, Validator
from framing.errors import CorpusError
from framing.scale.blocks import Part, part_records

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReadOptions", "Seed", "Fatal", "PartAccount", "Settled", "account_part", "read_part", "settle",
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


def _batches(part: Part, opts: ReadOptions, seeds: Sequence[Seed], checked: bool,
             mark: bool) -> Iterator[tuple[list[RawRecord], pd.DataFrame]]:
    opened = part_records(part, opts.batch_size)
    v = _validator(part, opts, opened.defaults, opened.stem, seeds, checked)
    while chunk := list(islice(opened.records, opts.batch_size)):
        try:
            df = v.batch([r if r.record is None else RawRecord(r.source, r.line, {**r.record, _MARK: i})
                          for i, r in enumerate(chunk)] if mark else chunk)
        except CorpusError as exc:
            if v.checked or not mark:
                raise
            # the column check lists the columns found: ask again without the mark, for its own message
            _validator(part, opts, opened.defaults, opened.stem, (), False).batch(chunk)
            raise exc from None
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
    order = fatal = column_error = None
    try:
        for chunk, df in _batches(part, opts, seeds, checked, mark=True):
            order = df.attrs["order"]
            n_read += len(chunk)
            n_good += sum(1 for r in chunk if r.record is not None)
            n_repaired += int(df.attrs.get("n_repaired", 0))
            rejects.extend(dict(r) for r in df.attrs["rejects"])
            columns.update(dict.fromkeys(c for c in df.columns if c not in CANONICAL_COLUMNS and c != _MARK))
            ids = [str(x) for x in df["doc_id"]]
            h = _hash(ids)
            hashes.append(h)
            at = [chunk[int(p)].line for p in df[_MARK]] if _MARK in df.columns else []
            lines.extend(at)
            for k in np.flatnonzero(np.isin(h, np.fromiter(want, dtype=np.uint64))) if want else ():
                named[int(h[k])] = ids[k]
    except CorpusError as exc:
        fatal = Fatal.of(exc)
        if not checked and _is_column_error(exc):
            column_error = fatal
    return PartAccount(n_read, n_good, n_repaired, rejects,
                       np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64),
                       np.asarray(lines, dtype=np.int64), list(columns), order, fatal, column_error, [], named)


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

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = []
    for _, df in _batches(part, opts, seeds, checked=True, mark=False):
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


class Settled(NamedTuple):
    """The corpus's account once :func:`settle` d: what :func:`read_part` needs per part, and the totals."""

    seeds: list[list[Seed]]
    options: ReadOptions
    columns: list[str]
    n_read: int
    n_accepted: int
    rejects: list[dict[str, Any]]
    warnings: list[tuple[type[Warning], str]]


Run = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]


def settle(name: str, parts: list[Part], opts: ReadOptions, run: Run) -> Settled:
    """Validate every part (``run(account_part, [(part, options, seeds, want), ...])``), make the accounts
    those of one reader (see the module docstring), raise the first error as the one-process reader would.

    ``name`` is the corpus as the user named it (for "no records found").
    """
    accounts: list[PartAccount] = run(account_part, [(p, opts, (), frozenset()) for p in parts])
    opts, accounts = _one_order(parts, opts, accounts, run)
    seeds, accounts = _across_parts(parts, opts, accounts, run)
    _raise_first(name, opts, accounts)
    rejects = [r for a in accounts for r in a.rejects]
    n_read = sum(a.n_read for a in accounts)
    columns: dict[str, None] = {}
    said: dict[tuple[type[Warning], str], None] = {}
    repaired: dict[str, int] = {}
    for part, a in zip(parts, accounts, strict=True):
        columns.update(dict.fromkeys(a.columns))
        said.update(dict.fromkeys(a.warnings))
        repaired[part.source] = repaired.get(part.source, 0) + a.n_repaired
    for source, n in repaired.items():
        if n:
            said[(UnicodeWarning, f"{source}: repaired mojibake (UTF-8 read as cp1252/Latin-1) in {n} record(s) "
                                  "with ftfy")] = None
    return Settled(seeds, opts, list(columns), n_read, n_read - len(rejects), rejects, list(said))


def _one_order(parts: list[Part], opts: ReadOptions, accounts: list[PartAccount],
               run: Run) -> tuple[ReadOptions, list[PartAccount]]:
    """The day/month order of the first part that decided one, for every part (later parts read again)."""
    if opts.dayfirst is not None:
        return opts, accounts
    first = next((k for k, a in enumerate(accounts) if a.order is not None), None)
    if first is None:
        return opts, accounts
    order = accounts[first].order
    opts = opts._replace(order=order)
    again = [k for k in range(first + 1, len(parts)) if _read_again(accounts[k], order)]
    if again:
        for k, a in zip(again, run(account_part, [(parts[k], opts, (), frozenset()) for k in again]), strict=True):
            accounts[k] = a
    return opts, accounts


def _read_again(a: PartAccount, order: Any) -> bool:
    """Whether a part read with its own day/month order gave what the corpus's ``order`` would not: another
    order, a reject naming its own order, or an error about the order."""
    if a.fatal is not None and a.fatal.field == "date":
        return True
    if a.order is None or a.order == order:
        return False
    return bool(a.order.dayfirst != order.dayfirst or any(r["field"] == "date" and "order of this column" in r["reason"]
                                                          for r in a.rejects))


def _across_parts(parts: list[Part], opts: ReadOptions, accounts: list[PartAccount],
                  run: Run) -> tuple[list[list[Seed]], list[PartAccount]]:
    """Ids accepted in two parts: the later parts read again with the first place seen (their seeds)."""
    import pandas as pd

    seeds: list[list[Seed]] = [[] for _ in parts]
    if len(parts) < 2:
        return seeds, accounts
    owner = np.concatenate([np.full(len(a.hashes), k, dtype=np.int64) for k, a in enumerate(accounts)])
    hashes = pd.Series(np.concatenate([a.hashes for a in accounts]))
    lines = np.concatenate([a.lines for a in accounts])
    later = hashes.duplicated(keep="first").to_numpy()
    if not later.any():
        return seeds, accounts
    values = hashes.to_numpy()
    firsts = np.flatnonzero(np.isin(values, values[later]) & ~later)
    first_at = {int(values[i]): int(i) for i in firsts}
    holders = sorted({int(owner[i]) for i in first_at.values()})
    asked = run(account_part, [(parts[k], opts, (), frozenset(h for h, i in first_at.items() if owner[i] == k))
                               for k in holders])
    names = {h: s for a in asked for h, s in a.named.items()}
    for i in np.flatnonzero(later):
        h = int(values[i])
        j = first_at[h]
        seed = Seed(names[h], parts[int(owner[j])].source, int(lines[j]))
        if seed not in seeds[int(owner[i])]:
            seeds[int(owner[i])].append(seed)
    again = [k for k, s in enumerate(seeds) if s]
    for k, a in zip(again, run(account_part, [(parts[k], opts, seeds[k], frozenset()) for k in again]), strict=True):
        accounts[k] = a
    return seeds, accounts


def _raise_first(name: str, opts: ReadOptions, accounts: list[PartAccount]) -> None:
    """The error the one-process reader would raise, if any: in file order, the missing ``text``/``outlet``
    column (checked in the first part holding a record), the first reject (``errors="raise"``) or an error
    that stopped reading."""
    first_good = next((k for k, a in enumerate(accounts) if a.n_good), None)
    for k, a in enumerate(accounts):
        if k == first_good and a.column_error is not None:
            raise a.column_error.error()
        if opts.errors == "raise" and a.rejects:
            r = a.rejects[0]
            raise CorpusError(r["reason"], source=r["source"], line=r["line"], field=r["field"])
        if a.fatal is not None:
            raise a.fatal.error()
    if not sum(a.n_read for a in accounts):
        raise CorpusError("no records found: the file holds no article", source=name)
