"""The tables of a compiled lexicon for the batch resolution, and the per-document fallback.

:mod:`framing.lexicon.batchresolve` resolves the documents of a batch together, with compiled passes that
read :class:`BatchTables` (built once per compiled lexicon). A document where such a pass meets a
character above U+FFFF where it needs to know whether it is a word character is resolved here, by
:func:`resolve_fast`: what :func:`framing.lexicon.resolve.resolve_split` gives (categories and labels, the
same :class:`~framing.lexicon.resolved.Resolved` in the same order; ``resolve_split`` stays the reference,
``tests/lexicon/test_resolve_batch.py`` compares them), from the categories chosen and negated for the
batch, with the walks inlined (:func:`framing.lexicon.attach.attach_fast`) and a :class:`BatchScope` that
remembers the reasons that cannot depend on where a hit stands.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

import numpy as np

from framing.lexicon.attach import Head, attach_fast, longest_first, with_head
from framing.lexicon.compile import ALIAS, LABEL, CompiledForms
from framing.lexicon.resolved import Resolved
from framing.lexicon.resolvekernel import SEP_CODES
from framing.lexicon.scope import DocScope, Rule, as_date, in_ranges

__all__ = ["BatchTables", "BatchScope", "batch_tables", "heads_of", "resolve_fast"]

_BY_POSITION = attrgetter("start", "end")
_new = tuple.__new__  # (a Resolved without the keyword handling of its constructor)


class BatchTables(NamedTuple):
    """Per entry index of a compiled lexicon: its owner (referent or category), is it a self-identifying
    label, the years it names its referent alone in (empty: always), is it an alias, has it such years;
    the separators of a walk (a bool per code point up to U+FFFF); the arrays of :func:`_rule_tables`; the
    entry indices and the owners as objects, None last (read at -1)."""

    owner: list[Any]
    self_id: list[bool]
    self_valid: list[Any]
    is_alias: list[bool]
    has_self_valid: np.ndarray
    is_sep: np.ndarray
    rule_row: np.ndarray
    ex_member: np.ndarray
    ctx_member: np.ndarray
    window: np.ndarray
    has_valid: np.ndarray
    qualifier: np.ndarray
    side: np.ndarray
    owner_rank: np.ndarray
    entry_or_none: np.ndarray
    owner_or_none: np.ndarray


_TABLES: WeakKeyDictionary[CompiledForms, BatchTables] = WeakKeyDictionary()


def batch_tables(forms: CompiledForms) -> BatchTables:
    """The :class:`BatchTables` of ``forms`` (built on first use)."""
    tables = _TABLES.get(forms)
    if tables is None:
        entries = forms.entries
        tables = _TABLES[forms] = BatchTables(
            [e.owner for e in entries], [bool(getattr(e.entry, "self_identifying", False)) for e in entries],
            [getattr(e.entry, "self_valid", None) or () for e in entries], [e.role == ALIAS for e in entries],
            np.array([bool(getattr(e.entry, "self_valid", None)) for e in entries], dtype=bool),
            np.isin(np.arange(0x10000), SEP_CODES), *_rule_tables(forms),
            np.array([*range(len(entries)), None], dtype=object),
            np.array([e.owner for e in entries] + [None], dtype=object))
    return tables


_Arrays8 = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _rule_tables(forms: CompiledForms) -> _Arrays8:
    """The scope rules as arrays (:func:`framing.lexicon.resolvekernel.scope_codes`): per entry its rule row
    (-1: no rule); per row the exclude and context phrases, the window (-1: none; -2: no context); per entry:
    has it valid dates, is it a qualifier, where its head stands, the rank of its referent's name (aliases
    and labels; -1 otherwise)."""
    n = len(forms.entries)
    rule_row = np.full(n, -1, dtype=np.int64)
    rules = list(forms.rules.items())
    ex_member = np.zeros((len(rules), len(forms.exclude_forms) + 1), dtype=np.bool_)
    ctx_member = np.zeros((len(rules), len(forms.context_forms) + 1), dtype=np.bool_)
    window = np.full(len(rules), -2, dtype=np.int64)
    has_valid = np.zeros(n, dtype=bool)
    for row, (idx, rule) in enumerate(rules):
        rule_row[idx] = row
        ex_member[row, list(rule.exclude)] = True
        ctx_member[row, list(rule.context)] = True
        if rule.context:
            window[row] = -1 if rule.window is None else rule.window
        has_valid[idx] = bool(rule.valid)
    qualifier = np.zeros(n, dtype=bool)
    qualifier[list(forms.head_side)] = True
    side = np.zeros(n, dtype=np.int64)  # where a qualifier's head stands: 0 either, 1 before, 2 after
    for idx, where in forms.head_side.items():
        side[idx] = {"before": 1, "after": 2}.get(where, 0)
    names = sorted({e.owner for e in forms.entries if e.role in (ALIAS, LABEL)})
    rank = {name: i for i, name in enumerate(names)}
    owner_rank = np.array([rank.get(e.owner, -1) if e.role in (ALIAS, LABEL) else -1 for e in forms.entries],
                          dtype=np.int64)
    return rule_row, ex_member, ctx_member, window, has_valid, qualifier, side, owner_rank


class BatchScope(DocScope):
    """A :class:`~framing.lexicon.scope.DocScope` that remembers the reasons that do not depend on the
    position of the hit (same answers)."""

    __slots__ = ("fixed",)

    def __init__(self, rules: dict[int, Rule], undated: str, norm: str, ctx: dict[int, list[int]],
                 excl: list[tuple[int, int, int]], date: dt.date | None):
        super().__init__(rules, undated, norm, ctx, excl, date)
        self.fixed: dict[int, str] = {}  # entry -> its reason anywhere in the document

    def reason(self, idx: int, s: int, e: int) -> str:
        """:meth:`DocScope.reason`."""
        found = self.fixed.get(idx)
        if found is not None:
            return found
        rule = self.rules.get(idx)
        if rule is None:
            return ""
        if rule.context and rule.window is not None:
            return DocScope.reason(self, idx, s, e)  # (the distance to the context words decides)
        positional = bool(rule.exclude and self.excl)
        if positional and self.excluded(idx, s, e):
            return "exclude"
        found = ""
        if rule.valid:
            if self.date is None:
                if self.undated == "skip":
                    found = "date"
            elif not in_ranges(self.date, rule.valid):
                found = "date"
        if not found and rule.context:
            ctx = self.ctx  # (a phrase is in ctx with the positions of its hits: one at least)
            if not ctx or all(not ctx[cid] for cid in rule.context.intersection(ctx)):
                found = "context"
        if not positional:
            self.fixed[idx] = found
        return found


def resolve_fast(forms: CompiledForms, tables: BatchTables, norm: str, split: tuple[Any, ...],
                 date: Any, attached: list[tuple[int, int, int, int | None]] | None,
                 chosen: list[tuple[int, int, int, bool]]) -> list[Resolved]:
    """``resolve_split(forms, norm, split, date=date)`` (:func:`framing.lexicon.resolve.resolve_split`):
    the category and label matches of one document, from its hits by role (a ``RoleHits``); ``attached``:
    its labels attached already (:func:`attach_all`), or None; ``chosen``: its category hits chosen
    leftmost-longest, with their negation (``(start, end, entry, negated?)``; the categories of the split
    are not read)."""
    _cats, aliases, labels, structural, ctx, excl = split
    rules = forms.rules
    scope = BatchScope(rules, forms.undated, norm, ctx, excl, None if date is None else as_date(date))
    if excl and aliases:
        aliases = [(s, e, idx) for s, e, idx in aliases
                   if (rule := rules.get(idx)) is None or not rule.exclude or not scope.excluded(idx, s, e)]
    alias_spans = longest_first(aliases) if aliases and labels and attached is None else None
    out: list[Resolved] = []
    labelled: list[tuple[int, int, int, int | None, str]] = []
    if labels:
        reason_of = scope.reason
        if attached is None:
            attached = attach_fast(norm, labels, alias_spans or [], structural, scope.date, forms.window,
                                   tables.owner, tables.self_id, tables.self_valid)
        for s, e, idx, alias_idx in attached:
            reason = reason_of(idx, s, e) if idx in rules else ""
            if not reason and alias_idx in rules:
                reason = reason_of(alias_idx, s, e)
                if reason == "exclude":
                    reason = ""
            labelled.append((s, e, idx, alias_idx, reason))
        out = [_new(Resolved, ("label", s, e, idx, alias_idx, reason, None))
               for s, e, idx, alias_idx, reason in labelled]
    if chosen:
        if not out:  # (the category matches alone are in position order already)
            return _categories(forms, tables, norm, scope, chosen, aliases, alias_spans, labelled)
        out += _categories(forms, tables, norm, scope, chosen, aliases, alias_spans, labelled)
    out.sort(key=_BY_POSITION)
    return out


def _categories(forms: CompiledForms, tables: BatchTables, norm: str, scope: BatchScope,
                chosen: list[tuple[int, int, int, bool]], aliases: list[tuple[int, int, int]],
                alias_spans: list[tuple[int, int, int]] | None,
                labelled: list[tuple[int, int, int, int | None, str]]) -> list[Resolved]:
    """The category matches, in position order (``_categories`` of :mod:`framing.lexicon.resolve`), from
    the chosen category hits and their negation."""
    heads: list[Head] | None = None
    out = []
    rules, head_side = forms.rules, forms.head_side
    unknown: set[int] = set()
    for s, e, idx, neg in chosen:
        reason = scope.reason(idx, s, e) if idx in rules else ""
        if neg and not reason:
            reason = "negated"
        if idx not in head_side:
            out.append(_new(Resolved, ("category", s, e, idx, None, reason, None)))
            continue
        if heads is None:
            if alias_spans is None:
                alias_spans = longest_first(aliases) if aliases else []
            heads, unknown = heads_of(tables, alias_spans, labelled)
        out.append(with_head(norm, s, e, idx, reason, head_side[idx], heads, unknown, scope))
    return out


def heads_of(tables: BatchTables, alias_spans: list[tuple[int, int, int]],
           labelled: list[tuple[int, int, int, int | None, str]]) -> tuple[list[Head], set[int]]:
    """The heads a qualifier may take, sorted, and the numbers of the alias heads (their reason is found when
    a qualifier takes them)."""
    owner, is_alias = tables.owner, tables.is_alias
    # (the spans, referents and entries of the heads differ, so the reasons never decide the order)
    heads = sorted([_new(Head, (a, b, owner[i], i, "")) for a, b, i in alias_spans]
                   + [_new(Head, (a, b, owner[i], i, r)) for a, b, i, _, r in labelled])
    return heads, {j for j, h in enumerate(heads) if is_alias[h.entry]}
