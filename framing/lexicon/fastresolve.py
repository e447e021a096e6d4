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
from framing.lexicon.resolvekernel import SEP_CODES, attach_batch, attach_kernel, char_tables
from framing.lexicon.scope import DocScope, Rule, as_date, in_ranges

__all__ = ["BatchTables", "BatchScope", "attach_all", "batch_tables", "resolve_all", "resolve_fast", "scope_reasons"]

#: the reasons of scope_codes's codes, and "negated"
_REASONS = ("", "exclude", "date", "context", "negated")

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
    rule_row: np.ndarray
    ex_member: np.ndarray
    ctx_member: np.ndarray
    window: np.ndarray
    has_valid: np.ndarray
    qualifier: np.ndarray


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
            np.isin(np.arange(0x10000), SEP_CODES), *_rule_tables(forms))
    return tables


def _rule_tables(forms: CompiledForms) -> tuple[np.ndarray, ...]:
    """The scope rules as arrays (:func:`framing.lexicon.resolvekernel.scope_codes`): per entry its rule row
    (-1: no rule); per row the exclude and context phrases, the window (-1: none; -2: no context); per entry:
    has it valid dates, is it a qualifier."""
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
    return rule_row, ex_member, ctx_member, window, has_valid, qualifier


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
            heads, unknown = _heads(tables, alias_spans, labelled)
        out.append(_with_head(norm, s, e, idx, reason, head_side[idx], heads, unknown, scope))
    return out


def attach_all(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, norms: list[str], dates: Any,
               arrays: tuple[Any, ...], texts: tuple[np.ndarray, np.ndarray],
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The labels of the documents of a batch attached (``attach_labels``) by the compiled
    :func:`framing.lexicon.resolvekernel.attach_docs`: ``(the rows of the attached labels, sorted by
    document and start; the alias entry each is attached to (-1: none); per document: are its labels left to
    :func:`framing.lexicon.attach.attach_fast`; per document: has it labels)``. ``arrays``: the hits of the
    batch split (``_split`` of :mod:`framing.lexicon.resolve`)."""
    doc, ps, pe, vals, roles, rows, _bounds, st, st_bounds = arrays[:9]
    n_docs = len(norms)
    row_roles = roles[rows]
    lab = rows[row_roles == LABEL]  # (by document, in hit order)
    has_label = np.zeros(n_docs, dtype=bool)
    if not len(lab):
        return lab, lab, has_label, has_label
    has_label[doc[lab]] = True
    ali = rows[(row_roles == ALIAS) & has_label[doc[rows]]]
    exc = rows[(row_roles == EXCLUDE) & has_label[doc[rows]]]
    if len(exc) and len(ali):  # (rare) aliases inside an exclude phrase of theirs are not chosen
        with_excl = np.zeros(n_docs, dtype=bool)
        with_excl[doc[exc]] = True
        ruled = tables.rule_row[vals[ali]]
        may = np.flatnonzero(with_excl[doc[ali]] & (ruled >= 0))
        may = may[tables.ex_member[ruled[may]].any(axis=1)]
        if len(may):
            ali = np.delete(ali, may[_codes(tables, arrays, texts, ali[may], vals[ali[may]],
                                            np.zeros(len(may), dtype=np.bool_)) == 1])
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
    return lab[got], attached[got], fallback, has_label


def _attached_lists(arrays: tuple[Any, ...], rows: np.ndarray, alias: np.ndarray, docs: np.ndarray,
                    n_docs: int) -> list[list[tuple[int, int, int, int | None]] | None]:
    """Per document of ``docs`` (the others: None) its attached labels (:func:`attach_all`) as
    ``(start, end, entry, alias entry or None)``."""
    doc, ps, pe, vals = arrays[:4]
    out: list[list[tuple[int, int, int, int | None]] | None] = [None] * n_docs
    alias_of = [None if a < 0 else a for a in alias.tolist()]
    found = list(zip(ps[rows].tolist(), pe[rows].tolist(), vals[rows].tolist(), alias_of, strict=True))
    b = np.searchsorted(doc[rows], np.arange(n_docs + 1)).tolist()
    for d in docs.tolist():
        out[d] = found[b[d]:b[d + 1]]
    return out


def scope_reasons(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, dates: Any, arrays: tuple[Any, ...],
                  texts: tuple[np.ndarray, np.ndarray], q_doc: np.ndarray, q_entry: np.ndarray, q_s: np.ndarray,
                  q_e: np.ndarray) -> np.ndarray:
    """``DocScope.reason`` of each query (document, entry (-1: none), start, end) as a code (``_REASONS``),
    compiled."""
    q_row = np.where(q_entry >= 0, tables.rule_row[q_entry], -1)
    q_date = np.zeros(len(q_doc), dtype=np.bool_)
    dated = np.flatnonzero((q_row >= 0) & tables.has_valid[q_entry])
    if len(dated):
        if dates is None:
            q_date[dated] = forms.undated == "skip"
        else:
            as_dates: dict[int, Any] = {}
            seen: dict[tuple[int, Any], bool] = {}
            for i, d, idx in zip(dated.tolist(), q_doc[dated].tolist(), q_entry[dated].tolist(), strict=True):
                if d not in as_dates:
                    as_dates[d] = as_date(dates[int(wanted[d])])
                key = (idx, as_dates[d])
                if key not in seen:
                    date = key[1]
                    seen[key] = (forms.undated == "skip") if date is None else not in_ranges(date,
                                                                                           forms.rules[idx].valid)
                q_date[i] = seen[key]
    return _codes(tables, arrays, texts, q_doc, q_entry, q_date, q_s, q_e, q_row)


def _codes(tables: BatchTables, arrays: tuple[Any, ...], texts: tuple[np.ndarray, np.ndarray], q: np.ndarray,
           q_entry: np.ndarray, q_date: np.ndarray, q_s: np.ndarray | None = None, q_e: np.ndarray | None = None,
           q_row: np.ndarray | None = None) -> np.ndarray:
    """:func:`framing.lexicon.resolvekernel.scope_codes` of queries (their documents ``q``, or with ``q_s``
    and ``q_e`` the rows of the hits whose spans they ask about)."""
    doc, ps, pe, vals, roles, rows = arrays[:6]
    ctx_rows = arrays[9]
    if q_s is None or q_e is None:
        q, q_s, q_e = doc[q], ps[q], pe[q]
    if q_row is None:
        q_row = np.where(q_entry >= 0, tables.rule_row[q_entry], -1)
    n_docs = len(texts[1]) - 1
    x = rows[roles[rows] == EXCLUDE]
    codes = np.zeros(len(q), dtype=np.int64)
    attach_kernel()[2](texts[0], texts[1], q, q_row, q_s, q_e, q_date, tables.ex_member, tables.ctx_member,
                       tables.window, np.searchsorted(doc[x], np.arange(n_docs + 1)), ps[x], pe[x], vals[x],
                       np.searchsorted(doc[ctx_rows], np.arange(n_docs + 1)), vals[ctx_rows], ps[ctx_rows], codes)
    return codes


def resolve_all(forms: CompiledForms, wanted: np.ndarray, norms: list[str], dates: Any, direct: tuple[Any, ...],
                arrays: tuple[Any, ...], role_hits: Any) -> list[list[Resolved]]:
    """The matches of each document of a batch (``resolve_batch`` of :mod:`framing.lexicon.resolve`), from
    its split: ``direct`` (``_direct``: the documents resolved already, the chosen categories of the others),
    ``arrays`` and ``role_hits``. The labels and categories of the others are resolved here for all of them
    at once, then the qualifiers of a document take their heads (:func:`_qualify`); a document whose labels
    the compiled pass left is resolved by :func:`resolve_fast`."""
    found, other, texts, cat_rows, cat_neg = direct
    tables = batch_tables(forms)
    doc, ps, pe, vals = arrays[:4]
    n_docs = len(norms)
    lab_rows, lab_alias, fallback, _has_label = attach_all(forms, tables, wanted, norms, dates, arrays, texts)
    qualifies = np.zeros(n_docs, dtype=bool)
    qualifies[doc[cat_rows[tables.qualifier[vals[cat_rows]]]]] = True
    keep = ~fallback[doc[cat_rows]]
    lr, la, cr, cn = lab_rows, lab_alias, cat_rows[keep], cat_neg[keep]
    n_l = len(lr)
    codes = scope_reasons(forms, tables, wanted, dates, arrays, texts, np.concatenate((doc[lr], doc[lr], doc[cr])),
                          np.concatenate((vals[lr], la, vals[cr])), np.concatenate((ps[lr], ps[lr], ps[cr])),
                          np.concatenate((pe[lr], pe[lr], pe[cr])))
    own, via = codes[:n_l], codes[n_l:2 * n_l]
    reason = np.concatenate((np.where(own > 0, own, np.where(via == 1, 0, via)),
                             np.where(codes[2 * n_l:] > 0, codes[2 * n_l:], np.where(cn, 4, 0))))
    both = np.concatenate((lr, cr))
    kd, ks, ke = doc[both], ps[both], pe[both]
    is_cat = np.arange(len(kd)) >= n_l
    order = np.lexsort((is_cat, ke, ks, kd))
    alias_of = [None if a < 0 else a for a in np.concatenate((la, np.full(len(cr), -1)))[order].tolist()]
    names = ("label", "category")
    built = [_new(Resolved, (names[k], s, e, i, a, _REASONS[r], None))
             for k, s, e, i, a, r in zip(is_cat[order].tolist(), ks[order].tolist(), ke[order].tolist(),
                                         vals[both][order].tolist(), alias_of, reason[order].tolist(), strict=True)]
    b = np.searchsorted(kd[order], np.arange(n_docs + 1)).tolist()
    out: list[list[Resolved]] = []
    for d, (is_other, is_fallback, is_qualified) in enumerate(zip(other.tolist(), fallback.tolist(),
                                                                   qualifies.tolist(), strict=True)):
        if not is_other:
            out.append(found[d])
        elif is_fallback:
            mine = cat_rows[doc[cat_rows] == d]
            chosen = list(zip(ps[mine].tolist(), pe[mine].tolist(), vals[mine].tolist(),
                              cat_neg[doc[cat_rows] == d].tolist(), strict=True))
            out.append(resolve_fast(forms, tables, norms[d], role_hits(d),
                                    None if dates is None else dates[int(wanted[d])], None, chosen))
        elif is_qualified:
            out.append(_qualify(forms, tables, norms[d], built[b[d]:b[d + 1]], role_hits(d, True),
                                None if dates is None else dates[int(wanted[d])]))
        else:
            out.append(built[b[d]:b[d + 1]])
    return out


def _heads(tables: BatchTables, alias_spans: list[tuple[int, int, int]],
           labelled: list[tuple[int, int, int, int | None, str]]) -> tuple[list[Head], set[int]]:
    """The heads a qualifier may take, sorted, and the numbers of the alias heads (their reason is found when
    a qualifier takes them)."""
    owner, is_alias = tables.owner, tables.is_alias
    # (the spans, referents and entries of the heads differ, so the reasons never decide the order)
    heads = sorted([_new(Head, (a, b, owner[i], i, "")) for a, b, i in alias_spans]
                   + [_new(Head, (a, b, owner[i], i, r)) for a, b, i, _, r in labelled])
    return heads, {j for j, h in enumerate(heads) if is_alias[h.entry]}


def _with_head(norm: str, s: int, e: int, idx: int, reason: str, side: str, heads: list[Head], unknown: set[int],
               scope: DocScope) -> Resolved:
    """The match of a qualifier at ``[s, e)`` (its own reason ``reason``) with the head it takes."""
    k = qualifier_head_at(norm, s, e, heads, side)
    if k is None:
        return _new(Resolved, ("category", s, e, idx, None, reason or "unattached", None))
    head = heads[k]
    if k in unknown:
        head = heads[k] = head._replace(reason=scope.reason(head.entry, head.start, head.end))
        unknown.discard(k)
    if not reason and head.reason in ("date", "context"):
        # a qualifier of a name that belongs to another time or place does not count; an excluded head still
        # does (ما يسمى بالدولة الإسلامية: the hedge distances the writer from the name)
        reason = head.reason
    return _new(Resolved, ("category", s, e, idx, head.entry, reason, head.referent))


def _qualify(forms: CompiledForms, tables: BatchTables, norm: str, found: list[Resolved], split: tuple[Any, ...],
             date: Any) -> list[Resolved]:
    """``found`` (the matches of one document, the qualifiers without their heads) with the qualifiers'
    heads (as ``_categories`` of :mod:`framing.lexicon.resolve` finds them)."""
    _cats, aliases, _labels, _structural, ctx, excl = split
    rules, head_side = forms.rules, forms.head_side
    scope = BatchScope(rules, forms.undated, norm, ctx, excl, None if date is None else as_date(date))
    if excl and aliases:
        aliases = [(s, e, idx) for s, e, idx in aliases
                   if (rule := rules.get(idx)) is None or not rule.exclude or not scope.excluded(idx, s, e)]
    heads, unknown = _heads(tables, longest_first(aliases) if aliases else [],
                            [(r[1], r[2], r[3], r[4], r[5]) for r in found if r[0] == "label"])
    out = found[:]
    for j, (kind, s, e, idx, _alias, reason, _head) in enumerate(found):
        if kind == "category" and idx in head_side:
            out[j] = _with_head(norm, s, e, idx, reason, head_side[idx], heads, unknown, scope)
    return out
