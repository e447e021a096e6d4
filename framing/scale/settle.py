"""The account of a corpus read in parts on Dask workers, made that of one reader going through it.

:func:`settle` validates every part (:func:`~framing.scale.parts.account_part`, run by the ``run`` function
given: Dask tasks on a cluster, or a plain loop), then:

* the day/month order of ``NN/NN/YYYY`` dates is decided by the file's first batch that tells one, as in
  one process (that batch validated whole by :func:`~framing.scale.parts.decide_order` when it lies in two
  parts); the parts that read otherwise are read again with it, so that contradicting dates are rejects
  naming the line that decided, and a first batch showing both orders is the one-process error;
* a ``doc_id`` accepted in two parts is a duplicate: the later parts are read again with the first one
  already seen, so that the reject names where it was first seen, exactly as in one process;
* the ``text``/``outlet`` columns are checked once, in the first part that holds a record;
* with ``errors="raise"`` the first problem in file order is raised as a
  :class:`~framing.errors.CorpusError` naming the file and line; an error that stops reading is raised in
  either mode; no record at all is the one-process "no records found".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from framing.errors import CorpusError
from framing.scale.blocks import Part
from framing.scale.parts import PartAccount, ReadOptions, Seed, account_part, decide_order

__all__ = ["Settled", "Run", "settle"]


class Settled(NamedTuple):
    """The corpus's account once settled: what :func:`~framing.scale.parts.read_part` needs per part (its
    seeds, the options with the corpus's day/month order, the extra columns) and the totals."""

    seeds: list[list[Seed]]
    options: ReadOptions
    columns: list[str]
    n_read: int
    n_accepted: int
    rejects: list[dict[str, Any]]
    warnings: list[tuple[type[Warning], str]]


#: runs tasks: ``run(fn, [args, ...]) -> [fn(*args), ...]``
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
    """The day/month order decided by the file's first batch that tells one (as in one process), for every part
    (later parts read again with it); an error when that batch shows both orders or cannot tell."""
    if opts.dayfirst is not None:
        return opts, accounts
    k = next((k for k, a in enumerate(accounts) if a.decided is not None), None)
    if k is None:
        return opts, accounts
    g, size, source = accounts[k].decided, opts.batch_size, parts[k].source
    assert g is not None
    same = [j for j, p in enumerate(parts) if p.source == source]
    known = all(parts[j].records >= 0 for j in same)
    total = sum(parts[j].records for j in same) if known else None
    lo, hi = g * size, (g + 1) * size if total is None else min((g + 1) * size, total)
    part = parts[k]
    if lo >= part.first and (part.records < 0 or hi <= part.first + part.records):
        order = accounts[k].order  # the batch lies within the part: decided there (or refused: its fatal)
    else:
        inside = [j for j in same if parts[j].first < hi and parts[j].first + parts[j].records > lo]
        order, fatal, line = run(decide_order, [([parts[j] for j in inside], g, opts)])[0]
        if fatal is not None:
            j = inside[0]
            accounts[j] = accounts[j]._replace(fatal=fatal, rejects=[r for r in accounts[j].rejects
                                                                     if r["line"] < line])
            return opts, accounts
    if order is None:
        return opts, accounts
    opts = opts._replace(order=order)
    again = [j for j in range(len(parts)) if _read_again(accounts[j], order)]
    if again:
        for j, a in zip(again, run(account_part, [(parts[j], opts, (), frozenset()) for j in again]), strict=True):
            accounts[j] = a
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
