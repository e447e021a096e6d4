"""Resolving one document of a batch (:func:`framing.lexicon.resolve.resolve_batch`) with less work per match.

:func:`resolve_fast` gives what :func:`framing.lexicon.resolve.resolve_split` gives (categories and labels,
the same :class:`~framing.lexicon.resolved.Resolved` in the same order), which stays the reference
(``tests/lexicon/test_resolve_batch.py`` compares them). What it saves:

* the entries' referents and self-identification are read from lists (:class:`BatchTables`, built once per
  compiled lexicon) instead of unpacking the compiled entries;
* the label walks are inlined (:func:`framing.lexicon.attach.attach_fast`);
* :class:`BatchScope` remembers the reason of an entry whose reason cannot depend on where it stands (no
  exclude phrase in the document, no context window), and asks only whether some context phrase of a rule
  without a window occurs, instead of sorting their positions;
* the negation test is inlined.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

import numpy as np

from framing.lexicon.attach import Head, attach_fast, longest_first, qualifier_head_at
from framing.lexicon.compile import ALIAS, EXCLUDE, LABEL, LINKER, CompiledForms
from framing.lexicon.resolved import Resolved
from framing.lexicon.resolvekernel import SEP_CODES, attach_batch, char_tables
from framing.lexicon.scope import DocScope, Rule, as_date, in_ranges

__all__ = ["BatchTables", "BatchScope", "attach_all", "batch_tables", "resolve_fast"]

_BY_POSITION = attrgetter("start", "end")
_new = tuple.__new__  # (a Resolved without the keyword handling of its constructor)


class BatchTables(NamedTuple):
    """Per entry index of a compiled lexicon: its owner (referent or category), is it a self-identifying
    label, the years it names its referent alone in (empty: always), is it an alias."""

    owner: list[Any]
    self_id: list[bool]
    self_valid: list[Any]
    is_alias: list[bool]
    has_self_valid: np.ndarray
    is_sep: np.ndarray


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
            np.isin(np.arange(0x10000), SEP_CODES))
    return tables


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
    owner = tables.owner
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
            heads = sorted([_new(Head, (a, b, owner[i], i, "")) for a, b, i in alias_spans]
                           + [_new(Head, (a, b, owner[i], i, r)) for a, b, i, _, r in labelled])
            is_alias = tables.is_alias
            unknown = {j for j, h in enumerate(heads) if is_alias[h.entry]}
        k = qualifier_head_at(norm, s, e, heads, head_side[idx])
        if k is None:
            out.append(_new(Resolved, ("category", s, e, idx, None, reason or "unattached", None)))
            continue
        head = heads[k]
        if k in unknown:
            head = heads[k] = head._replace(reason=scope.reason(head.entry, head.start, head.end))
            unknown.discard(k)
        if not reason and head.reason in ("date", "context"):
            reason = head.reason
        out.append(_new(Resolved, ("category", s, e, idx, head.entry, reason, head.referent)))
    return out


def attach_all(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, norms: list[str], dates: Any,
               arrays: tuple[Any, ...], texts: tuple[np.ndarray, np.ndarray],
               ) -> list[list[tuple[int, int, int, int | None]] | None]:
    """The labels of each document of a batch attached (``attach_labels``) by the compiled
    :func:`framing.lexicon.resolvekernel.attach_docs`; None for a document without labels or left to
    :func:`framing.lexicon.attach.attach_fast`. ``arrays``: the hits of the batch split
    (``_split`` of :mod:`framing.lexicon.resolve`)."""
    doc, ps, pe, vals, roles, rows, _bounds, st, st_bounds = arrays
    n_docs = len(norms)
    out: list[list[tuple[int, int, int, int | None]] | None] = [None] * n_docs
    row_roles = roles[rows]
    lab = rows[row_roles == LABEL]  # (by document, in hit order)
    if not len(lab):
        return out
    has_label = np.zeros(n_docs, dtype=bool)
    has_label[doc[lab]] = True
    ali = rows[(row_roles == ALIAS) & has_label[doc[rows]]]
    exc = rows[(row_roles == EXCLUDE) & has_label[doc[rows]]]
    rules = forms.rules
    if len(exc) and len(ali):  # (rare) aliases inside an exclude phrase of theirs are not chosen
        keep = np.ones(len(ali), dtype=bool)
        with_excl = np.zeros(n_docs, dtype=bool)
        with_excl[doc[exc]] = True
        excl_of: dict[int, list[tuple[int, int, int]]] = {}
        for d, xs, xe, xid in zip(doc[exc].tolist(), ps[exc].tolist(), pe[exc].tolist(), vals[exc].tolist(),
                                  strict=True):
            excl_of.setdefault(d, []).append((xs, xe, xid))
        scopes: dict[int, DocScope] = {}
        for i in np.flatnonzero(with_excl[doc[ali]]).tolist():
            r = int(ali[i])
            idx = int(vals[r])
            rule = rules.get(idx)
            if rule is None or not rule.exclude:
                continue
            d = int(doc[r])
            if d not in scopes:
                scopes[d] = DocScope(rules, forms.undated, norms[d], {}, excl_of[d], None)
            if scopes[d].excluded(idx, int(ps[r]), int(pe[r])):
                keep[i] = False
        ali = ali[keep]
    ali = ali[np.lexsort((vals[ali], pe[ali], ps[ali], doc[ali]))]
    cps, text_start = texts
    l_self = forms.entry_self[vals[lab]] & ~tables.has_self_valid[vals[lab]]
    for i in np.flatnonzero(tables.has_self_valid[vals[lab]] & forms.entry_self[vals[lab]]).tolist():
        date = None if dates is None else as_date(dates[int(wanted[doc[lab[i]]])])
        l_self[i] = date is not None and in_ranges(date, tables.self_valid[int(vals[lab[i]])])
    st_b = np.asarray(st_bounds, dtype=np.int64)
    attached, fallback = attach_batch(
        cps, text_start, np.searchsorted(doc[ali], np.arange(n_docs + 1)), ps[ali], pe[ali], vals[ali],
        np.searchsorted(doc[lab], np.arange(n_docs + 1)), ps[lab], pe[lab], vals[lab], l_self,
        st_b, ps[st], pe[st], roles[st] == LINKER, forms.entry_referent, tables.is_sep, char_tables()[0],
        int(forms.window))
    got = np.flatnonzero((attached != -2) & ~fallback[doc[lab]])
    got = got[np.lexsort((ps[lab[got]], doc[lab[got]]))]
    g = lab[got]
    alias_of = [None if a < 0 else a for a in attached[got].tolist()]
    found = list(zip(ps[g].tolist(), pe[g].tolist(), vals[g].tolist(), alias_of, strict=True))
    b = np.searchsorted(doc[g], np.arange(n_docs + 1)).tolist()
    for d in np.flatnonzero(has_label & ~fallback).tolist():
        out[d] = found[b[d]:b[d + 1]]
    return out
