"""The documents of a batch resolved together (:func:`framing.lexicon.resolve.resolve_batch`).

:func:`resolve_all` gives each document what :func:`framing.lexicon.resolve.resolve_split` gives it (the
reference; ``tests/lexicon/test_resolve_batch.py`` compares them), with the work per match compiled
(:mod:`framing.lexicon.resolvekernel`): the labels attached (:func:`attach_all`), the scope reasons of
labels, their aliases, categories and the heads of qualifiers (:func:`scope_reasons`), the heads of
qualifiers; the matches of the whole batch are then built in one pass and cut by document. A document
where a compiled pass meets a character above U+FFFF where it needs to know whether it is a word character
is resolved by :func:`framing.lexicon.fastresolve.resolve_fast` instead.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np

from framing.lexicon.compile import ALIAS, EXCLUDE, LABEL, LINKER, CompiledForms
from framing.lexicon.fastresolve import BatchTables, batch_tables, resolve_fast
from framing.lexicon.packsort import lexsort_packed
from framing.lexicon.resolved import Resolved
from framing.lexicon.resolvekernel import GAP_CODES, attach_batch, attach_kernel, char_tables
from framing.lexicon.scope import as_date, in_ranges
from framing.text.doctexts import DocTexts

__all__ = ["attach_all", "codes_of", "counted_all", "resolve_all", "scope_reasons"]

#: the reasons of scope_codes's codes, then "negated" and "unattached"
_REASONS = ("", "exclude", "date", "context", "negated", "unattached")
_new = tuple.__new__  # (a Resolved without the keyword handling of its constructor)
_KINDS = np.array(["label", "category"], dtype=object)
_REASON_OBJECTS = np.array(_REASONS, dtype=object)
#: the code points of a batch's documents, and where each starts and ends in them
Texts = tuple[np.ndarray, np.ndarray, np.ndarray]


def attach_all(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, n_docs: int, dates: Any,
               arrays: tuple[Any, ...], texts: Texts, heads: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The labels of the documents of a batch attached (``attach_labels``) by the compiled
    :func:`framing.lexicon.resolvekernel.attach_docs`: ``(the rows of the attached labels, sorted by
    document and start; the alias entry each is attached to (-1: none); per document: are its labels left to
    :func:`framing.lexicon.attach.attach_fast`; the rows of the chosen aliases (leftmost-longest, after the
    exclude phrases) of the documents with labels or ``heads`` (a bool per document), by document and
    start)``. ``arrays``: the hits of the batch split (``_split`` of :mod:`framing.lexicon.resolve`)."""
    doc, ps, pe, vals, roles, rows, _bounds, st, st_bounds = arrays[:9]
    row_roles = roles[rows]
    lab = rows[row_roles == LABEL]  # (by document, in hit order)
    need = heads.copy()  # the documents whose aliases are chosen
    need[doc[lab]] = True
    ali = rows[(row_roles == ALIAS) & need[doc[rows]]]
    exc = rows[(row_roles == EXCLUDE) & need[doc[rows]]]
    if len(exc) and len(ali):  # (rare) aliases inside an exclude phrase of theirs are not chosen
        with_excl = np.zeros(n_docs, dtype=bool)
        with_excl[doc[exc]] = True
        ruled = tables.rule_row[vals[ali]]
        may = np.flatnonzero(with_excl[doc[ali]] & (ruled >= 0))
        may = may[tables.ex_member[ruled[may]].any(axis=1)]
        if len(may):
            ali = np.delete(ali, may[codes_of(tables, arrays, texts, ali[may], vals[ali[may]],
                                            np.zeros(len(may), dtype=np.bool_)) == 1])
    ali = ali[lexsort_packed(vals[ali], pe[ali] - ps[ali], ps[ali], doc[ali])]  # (by start, end, entry)
    cps, text_start, text_end = texts
    l_self = forms.entry_self[vals[lab]] & ~tables.has_self_valid[vals[lab]]
    for i in np.flatnonzero(tables.has_self_valid[vals[lab]] & forms.entry_self[vals[lab]]).tolist():
        date = None if dates is None else as_date(dates[int(wanted[doc[lab[i]]])])
        l_self[i] = date is not None and in_ranges(date, tables.self_valid[int(vals[lab[i]])])
    st_b = np.asarray(st_bounds, dtype=np.int64)
    attached, fallback, chosen = attach_batch(
        cps, text_start, text_end, np.searchsorted(doc[ali], np.arange(n_docs + 1)), ps[ali], pe[ali], vals[ali],
        np.searchsorted(doc[lab], np.arange(n_docs + 1)), ps[lab], pe[lab], vals[lab], l_self,
        st_b, ps[st], pe[st], roles[st] == LINKER, forms.entry_referent, tables.is_sep, char_tables()[0],
        int(forms.window))
    got = np.flatnonzero((attached != -2) & ~fallback[doc[lab]])
    got = got[lexsort_packed(ps[lab[got]], doc[lab[got]])]
    return lab[got], attached[got], fallback, ali[chosen]


def scope_reasons(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, dates: Any, arrays: tuple[Any, ...],
                  texts: Texts, q_doc: np.ndarray, q_entry: np.ndarray, q_s: np.ndarray,
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
    return codes_of(tables, arrays, texts, q_doc, q_entry, q_date, q_s, q_e, q_row)


def codes_of(tables: BatchTables, arrays: tuple[Any, ...], texts: Texts, q: np.ndarray,
           q_entry: np.ndarray, q_date: np.ndarray, q_s: np.ndarray | None = None, q_e: np.ndarray | None = None,
           q_row: np.ndarray | None = None) -> np.ndarray:
    """:func:`framing.lexicon.resolvekernel.scope_codes` of queries (their documents ``q``, or with ``q_s``
    and ``q_e`` the rows of the hits whose spans they ask about)."""
    doc, ps, pe = arrays[:3]
    if q_s is None or q_e is None:
        q, q_s, q_e = doc[q], ps[q], pe[q]
    if q_row is None:
        q_row = np.where(q_entry >= 0, tables.rule_row[q_entry], -1)
    codes = np.zeros(len(q), dtype=np.int64)
    # (arrays[10]: each document's exclude and context phrase hits, as the batch split gives them)
    attach_kernel()[2](texts[0], texts[1], q, q_row, q_s, q_e, q_date, tables.ex_member, tables.ctx_member,
                       tables.window, *arrays[10], codes)
    return codes


def _batch(forms: CompiledForms, wanted: np.ndarray, dates: Any, direct: tuple[Any, ...],
           arrays: tuple[Any, ...]) -> tuple[Any, ...]:
    """The compiled passes of :func:`resolve_all`: ``(tables, per document: is it one of the others, per
    document: is it left to resolve_fast, the chosen categories of the others and their negation, then the
    matches of the others not left to resolve_fast, by document: document, start, end, entry, alias or head
    entry (-1: none), reason code, is it a category, head entry of a category (-1: none))``."""
    _simple, other, texts, cat_rows, cat_neg = direct
    tables = batch_tables(forms)
    doc, ps, pe, vals = arrays[:4]
    n_docs = len(other)
    is_q = tables.qualifier[vals[cat_rows]]
    has_q = np.zeros(n_docs, dtype=bool)
    has_q[doc[cat_rows[is_q]]] = True
    lr, la, fallback, chosen = attach_all(forms, tables, wanted, n_docs, dates, arrays, texts, has_q)
    queries = [np.concatenate((a[lr], b, a[cat_rows])) for a, b in ((doc, doc[lr]), (vals, la), (ps, ps[lr]),
                                                                   (pe, pe[lr]))]
    codes = scope_reasons(forms, tables, wanted, dates, arrays, texts, *queries)
    n_l = len(lr)
    own, via = codes[:n_l], codes[n_l:2 * n_l]
    l_reason = np.where(own > 0, own, np.where(via == 1, 0, via))
    c_reason = np.where(codes[2 * n_l:] > 0, codes[2 * n_l:], np.where(cat_neg, 4, 0))
    c_head = np.full(len(cat_rows), -1, dtype=np.int64)  # the head entry of a qualifier
    if has_q.any():
        _qualifiers(forms, tables, wanted, dates, arrays, texts, cat_rows, is_q, c_reason, c_head, fallback,
                    chosen, lr, l_reason)
    keep_c = ~fallback[doc[cat_rows]]
    keep_l = ~fallback[doc[lr]]
    both = np.concatenate((lr[keep_l], cat_rows[keep_c]))
    kd, ks, ke = doc[both], ps[both], pe[both]
    is_cat = np.arange(len(kd)) >= int(keep_l.sum())
    order = lexsort_packed(is_cat, ke - ks, ks, kd)  # (by document, start, end, then labels first)
    alias = np.concatenate((la[keep_l], c_head[keep_c]))[order]
    head = np.where(is_cat[order] & (alias >= 0), alias, -1)
    reason = np.concatenate((l_reason[keep_l], c_reason[keep_c]))[order]
    return (tables, other, fallback, cat_rows, cat_neg, kd[order], ks[order], ke[order], vals[both][order], alias,
            reason, is_cat[order], head)


def _fallback(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, norms: list[str] | DocTexts, dates: Any,
              arrays: tuple[Any, ...], role_hits: Any, cat_rows: np.ndarray, cat_neg: np.ndarray,
              d: int) -> list[Resolved]:
    """The matches of document ``d``, by :func:`framing.lexicon.fastresolve.resolve_fast`."""
    doc, ps, pe, vals = arrays[:4]
    mine = doc[cat_rows] == d
    listed = list(zip(ps[cat_rows[mine]].tolist(), pe[cat_rows[mine]].tolist(), vals[cat_rows[mine]].tolist(),
                      cat_neg[mine].tolist(), strict=True))
    return resolve_fast(forms, tables, norms[d], role_hits(d), None if dates is None else dates[int(wanted[d])], None,
                        listed)


def resolve_all(forms: CompiledForms, wanted: np.ndarray, norms: list[str] | DocTexts, dates: Any,
                direct: tuple[Any, ...], arrays: tuple[Any, ...], role_hits: Any) -> list[list[Resolved]]:
    """The matches of each document of a batch (``resolve_batch`` of :mod:`framing.lexicon.resolve`), from
    its split: ``direct`` (``_direct``: the categories of the documents resolved there, with their negation;
    the chosen categories of the others and their negation), ``arrays`` and ``role_hits`` (the split of a
    document, for the fallback)."""
    tables, other, fallback, cat_rows, cat_neg, kd, ks, ke, kv, alias, reason, is_cat, head = _batch(
        forms, wanted, dates, direct, arrays)
    n_docs = len(norms)
    sd, ss, se, sv, sneg = direct[0]
    k = len(sd)
    found = [_new(Resolved, f) for f in zip(repeat("category", k), ss.tolist(), se.tolist(), sv.tolist(),
                                            repeat(None, k), _REASON_OBJECTS[np.where(sneg, 4, 0)].tolist(),
                                            repeat(None, k), strict=True)]
    f_b = np.searchsorted(sd, np.arange(n_docs + 1)).tolist()
    # the fields as Python objects, read from object arrays (the last item: None)
    fields = zip(_KINDS[is_cat.view(np.int8)].tolist(), ks.tolist(), ke.tolist(), kv.tolist(),
                 tables.entry_or_none[alias].tolist(), _REASON_OBJECTS[reason].tolist(),
                 tables.owner_or_none[head].tolist(), strict=True)
    built = [_new(Resolved, f) for f in fields]
    b = np.searchsorted(kd, np.arange(n_docs + 1)).tolist()
    out: list[list[Resolved]] = []
    for d, (is_other, is_fallback) in enumerate(zip(other.tolist(), fallback.tolist(), strict=True)):
        if not is_other:
            out.append(found[f_b[d]:f_b[d + 1]])
        elif is_fallback:
            out.append(_fallback(forms, tables, wanted, norms, dates, arrays, role_hits, cat_rows, cat_neg, d))
        else:
            out.append(built[b[d]:b[d + 1]])
    return out


def counted_all(forms: CompiledForms, wanted: np.ndarray, norms: list[str] | DocTexts, dates: Any,
                direct: tuple[Any, ...], arrays: tuple[Any, ...], role_hits: Any) -> tuple[np.ndarray, ...]:
    """The matches of :func:`resolve_all` with an empty reason, as arrays ``(document, start, end, entry)``
    (int64; by document, each document's in resolve_all's order), no :class:`Resolved` built but for the
    documents left to resolve_fast."""
    tables, other, fallback, cat_rows, cat_neg, kd, ks, ke, kv, _alias, reason, _is_cat, _head = _batch(
        forms, wanted, dates, direct, arrays)
    sd, ss, se, sv, sneg = direct[0]
    ok = reason == 0
    parts: list[tuple[np.ndarray, ...]] = [(sd[~sneg], ss[~sneg], se[~sneg], sv[~sneg]),
                                           (kd[ok], ks[ok], ke[ok], kv[ok])]
    for d in np.flatnonzero(other & fallback).tolist():
        rows = [(d, s, e, idx) for _kind, s, e, idx, _a, why, _h in
                _fallback(forms, tables, wanted, norms, dates, arrays, role_hits, cat_rows, cat_neg, d) if not why]
        parts.append(tuple(np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)) if rows else ())
    doc, start, end, entry = (np.concatenate([p[i] for p in parts if p]).astype(np.int64, copy=False)
                              for i in range(4))
    order = np.argsort(doc, kind="stable")
    return doc[order], start[order], end[order], entry[order]


def _qualifiers(forms: CompiledForms, tables: BatchTables, wanted: np.ndarray, dates: Any, arrays: tuple[Any, ...],
                texts: Texts, cat_rows: np.ndarray, is_q: np.ndarray, c_reason: np.ndarray,
                c_head: np.ndarray, fallback: np.ndarray, chosen: np.ndarray, lr: np.ndarray,
                l_reason: np.ndarray) -> None:
    """The heads of the qualifiers (``cat_rows[is_q]``): their entries into ``c_head``, and the reasons they
    take from them (or "unattached") into ``c_reason``; a document whose gaps the compiled pass cannot read
    is marked in ``fallback``. The heads: the ``chosen`` aliases and the attached labels ``lr`` (their
    reasons ``l_reason``) of each document, sorted as ``_categories`` of :mod:`framing.lexicon.resolve`
    sorts them (start, end, referent, entry)."""
    doc, ps, pe, vals = arrays[:4]
    n_docs = len(texts[1])
    h = np.concatenate((chosen, lr))
    h_reason = np.concatenate((np.full(len(chosen), -1, dtype=np.int64), l_reason))  # (-1: an alias's, not known)
    order = lexsort_packed(vals[h], tables.owner_rank[vals[h]], pe[h] - ps[h], ps[h], doc[h])  # (end: by length)
    h, h_reason = h[order], h_reason[order]
    q = np.flatnonzero(is_q)
    rows = cat_rows[q]
    k = np.empty(len(q), dtype=np.int64)
    is_gap = np.zeros(0x10000, dtype=np.bool_)
    is_gap[GAP_CODES] = True
    attach_kernel()[3](texts[0], texts[1], np.searchsorted(doc[h], np.arange(n_docs + 1)), ps[h], pe[h], doc[rows],
                       ps[rows], pe[rows], tables.side[vals[rows]], char_tables()[0], is_gap, k, fallback)
    took = np.flatnonzero(k >= 0)
    head_rows, head_reason = h[k[took]], h_reason[k[took]]
    unknown = np.flatnonzero(head_reason < 0)
    if len(unknown):  # an alias head's scope reason, at the alias
        r = head_rows[unknown]
        head_reason[unknown] = scope_reasons(forms, tables, wanted, dates, arrays, texts, doc[r], vals[r], ps[r], pe[r])
    mine = c_reason[q]
    mine[k < 0] = np.where(mine[k < 0] > 0, mine[k < 0], 5)
    taken = mine[took]
    mine[took] = np.where((taken == 0) & ((head_reason == 2) | (head_reason == 3)), head_reason, taken)
    c_reason[q] = mine
    c_head[q[took]] = vals[head_rows]
