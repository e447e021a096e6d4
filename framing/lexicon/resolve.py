"""From raw hits to resolved matches: pick the longest, attach labels and qualifiers, apply the scope rules.

The automaton (:mod:`framing.lexicon.scan`) reports every key it finds, overlapping; :func:`resolve`
sorts them by role, chooses the aliases and categories (leftmost, then longest), attaches labels to
referents and qualifiers to heads (:mod:`framing.lexicon.attach`) and says of each match whether it
counts, and if not why (:mod:`framing.lexicon.scope`).

>>> from framing.lexicon.compile import CompiledForms
>>> from framing.lexicon.load import Lexicon
>>> from framing.lexicon.scan import text_hits
>>> forms = CompiledForms(Lexicon.from_dict({"name": "toy", "referents": {"haftar_camp": {
...     "aliases": ["حفتر"], "labels": {"delegitimizing": ["ميليشيا"]}}}}))
>>> norm = "ميليشيات حفتر"
>>> [(r.kind, norm[r.start:r.end], r.reason) for r in resolve(forms, norm, text_hits(forms, norm))]
[('label', 'ميليشيات', '')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np

from framing.lexicon.attach import Head, attach_labels, longest_first, with_head
from framing.lexicon.batchresolve import counted_all, resolve_all
from framing.lexicon.compile import ALIAS, CATEGORY, CONTEXT, EXCLUDE, LABEL, ROLE_NAMES, CompiledForms
from framing.lexicon.packsort import first_of_runs, lexsort_packed
from framing.lexicon.resolved import Resolved
from framing.lexicon.resolvekernel import encode, negation_batch
from framing.lexicon.scope import DocScope, as_date, negated, negator_endings
from framing.text.doctexts import DocTexts

__all__ = ["Resolved", "RoleHits", "lexsort_packed", "resolve", "resolve_batch", "resolve_counted", "resolve_split",
           "split_batch", "split_hits"]


_BY_POSITION = attrgetter("start", "end")
_new = tuple.__new__  # (a Resolved without the keyword handling of its constructor)


class RoleHits(NamedTuple):
    """The hits of one document by role (:func:`split_hits`), in normalized coordinates.

    ``cats``, ``aliases`` and ``labels`` are ``(start, end, entry index)`` in hit order; ``structural``
    holds the longest title, linker, modifier or head word starting at each position, as
    ``start -> (end, role)``; ``ctx`` the positions of each context phrase (by phrase number) outside
    the lexicon's global exclude phrases; ``excl`` the exclude phrase hits as ``(start, end, phrase
    number)``."""

    cats: list[tuple[int, int, int]]
    aliases: list[tuple[int, int, int]]
    labels: list[tuple[int, int, int]]
    structural: dict[int, tuple[int, int]]
    ctx: dict[int, list[int]]
    excl: list[tuple[int, int, int]]


def split_hits(forms: CompiledForms, hits: Iterable[tuple[int, int, tuple[int, ...]]]) -> RoleHits:
    """Raw hits ``(start, end, entry ids)`` of one document sorted by role (:func:`split_batch` does it
    for the documents of a batch at once)."""
    cats: list[tuple[int, int, int]] = []
    aliases: list[tuple[int, int, int]] = []
    labels: list[tuple[int, int, int]] = []
    structural: dict[int, tuple[int, int]] = {}
    ctx_hits: list[tuple[int, int, int]] = []
    excl: list[tuple[int, int, int]] = []
    roles = forms.roles
    entries = forms.entries
    for s, e, ids in hits:
        for idx in ids:
            role = roles[idx]
            if role == CATEGORY:
                cats.append((s, e, idx))
            elif role == ALIAS:
                aliases.append((s, e, idx))
            elif role == LABEL:
                labels.append((s, e, idx))
            elif role == CONTEXT:
                ctx_hits.append((s, e, entries[idx].owner))
            elif role == EXCLUDE:
                excl.append((s, e, entries[idx].owner))
            else:
                prev = structural.get(s)
                if prev is None or e > prev[0]:
                    structural[s] = (e, role)
    glob_ex = [(xs, xe) for xs, xe, xid in excl if xid in forms.global_exclude] if excl else []
    ctx: dict[int, list[int]] = {}
    for s, e, cid in ctx_hits:
        if not glob_ex or not any(xs <= s and e <= xe for xs, xe in glob_ex):
            ctx.setdefault(cid, []).append(s)
    return RoleHits(cats, aliases, labels, structural, ctx, excl)


def resolve(forms: CompiledForms, norm: str, hits: Iterable[tuple[int, int, tuple[int, ...]]],
            kinds: Iterable[str] = ("category", "label"), date: Any = None) -> list[Resolved]:
    """Turn raw hits ``(start, end, entry ids)`` of ``norm`` into resolved matches, sorted by position."""
    return resolve_split(forms, norm, split_hits(forms, hits), kinds, date)


def resolve_split(forms: CompiledForms, norm: str, split: RoleHits, kinds: Iterable[str] = ("category", "label"),
                  date: Any = None) -> list[Resolved]:
    """:func:`resolve` for hits already sorted by role (:func:`split_hits`, :func:`split_batch`)."""
    cats, aliases, labels, structural, ctx, excl = split
    rules = forms.rules
    scope = DocScope(rules, forms.undated, norm, ctx, excl, None if date is None else as_date(date))
    out: list[Resolved] = []
    want = kinds if type(kinds) is tuple else set(kinds)  # (an iterator is read once)
    want_alias, want_label, want_cat = "alias" in want, "label" in want, "category" in want
    if excl and aliases:  # (most aliases have no exclude phrase of their own)
        aliases = [(s, e, idx) for s, e, idx in aliases
                   if (rule := rules.get(idx)) is None or not rule.exclude or not scope.excluded(idx, s, e)]
    # the chosen aliases: reported, walked to by labels, heads of qualifiers (chosen when first needed)
    alias_spans = longest_first(aliases) if aliases and (want_alias or labels) else None
    if want_alias and alias_spans:
        out += [_new(Resolved, ("alias", s, e, idx, None, scope.reason(idx, s, e), None))
                for s, e, idx in alias_spans]
    labelled: list[tuple[int, int, int, int | None, str]] = []  # (start, end, idx, alias_idx, reason)
    if labels and (want_label or (cats and forms.qualifying)):
        # (an entry without a rule always counts)
        for s, e, idx, alias_idx in attach_labels(forms, norm, labels, alias_spans or [], structural, scope.date):
            reason = scope.reason(idx, s, e) if idx in rules else ""
            if not reason and alias_idx in rules:
                reason = scope.reason(alias_idx, s, e)
                reason = "" if reason == "exclude" else reason
            labelled.append((s, e, idx, alias_idx, reason))
        if want_label and labelled:
            out += [_new(Resolved, ("label", s, e, idx, alias_idx, reason, None))
                    for s, e, idx, alias_idx, reason in labelled]
    if want_cat and cats:
        if out:
            out += _categories(forms, norm, scope, cats, aliases, alias_spans, labelled)
        else:  # (the category matches alone are in position order already)
            return _categories(forms, norm, scope, cats, aliases, alias_spans, labelled)
    out.sort(key=_BY_POSITION)
    return out


# the groups of a batch split, and the group of each role (titles, linkers, modifiers, heads: structural)
_CAT, _LABEL, _ALIAS, _EXCL, _CTX, _STRUCT, _DROPPED = range(7)
_GROUP = np.array([{CATEGORY: _CAT, LABEL: _LABEL, ALIAS: _ALIAS, EXCLUDE: _EXCL, CONTEXT: _CTX}.get(role, _STRUCT)
                   for role in range(len(ROLE_NAMES))], dtype=np.int64)
_N_SPANS = 4  # the groups kept as spans
_NONE = np.zeros(0, dtype=np.int64)


def split_batch(forms: CompiledForms, docs: np.ndarray, keys: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                wanted: np.ndarray) -> Iterator[RoleHits]:
    """:func:`split_hits` for the hits of several documents at once, vectorized: one :class:`RoleHits`
    per document of ``wanted`` (sorted). ``docs`` (sorted, each in ``wanted``), ``keys``, ``starts`` and
    ``stops``: the document, key number and span of each hit, in the hit order of each document.

    Left out, because they cannot change what :func:`resolve_split` reports: labels that are not
    self-identifying and have no alias of their referent after them (they attach to nothing), and the
    structural words of documents where no label can reach an alias, or before a label's end."""
    return map(_split(forms, docs, keys, starts, stops, wanted, None)[1], range(len(wanted)))


def resolve_batch(forms: CompiledForms, docs: np.ndarray, keys: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                  wanted: np.ndarray, norms: list[str] | DocTexts, dates: Any = None) -> Iterator[list[Resolved]]:
    """:func:`resolve_split` (categories and labels) of the hits of each document of ``wanted``, split by
    :func:`split_batch`; ``norms``: their normalized texts (strs, or code points), ``dates`` (optional): the
    date of each document, by its number in ``wanted``. The same matches as resolve_split gives, found for the whole
    batch at once: the categories chosen leftmost-longest and negated here (:func:`_direct`, which also
    resolves the documents without labels whose category hits have no scope rule and qualify nothing),
    the rest by :func:`framing.lexicon.batchresolve.resolve_all` (compiled passes: label walks, scope
    reasons, qualifiers' heads)."""
    direct, role_hits, arrays = _split(forms, docs, keys, starts, stops, wanted, norms)
    return iter(resolve_all(forms, wanted, norms, dates, direct, arrays, role_hits))


def resolve_counted(forms: CompiledForms, docs: np.ndarray, keys: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                    wanted: np.ndarray, norms: list[str] | DocTexts, dates: Any = None) -> tuple[np.ndarray, ...]:
    """The matches of :func:`resolve_batch` that count (empty reason) as arrays, without building a
    :class:`Resolved` for each: ``(document (its number in wanted), start, end, entry)``, int64, by
    document, each document's in the order of resolve_batch's list."""
    direct, role_hits, arrays = _split(forms, docs, keys, starts, stops, wanted, norms)
    return counted_all(forms, wanted, norms, dates, direct, arrays, role_hits)


def _split(forms: CompiledForms, docs: np.ndarray, keys: np.ndarray, starts: np.ndarray, stops: np.ndarray,
           wanted: np.ndarray, norms: list[str] | DocTexts | None) -> tuple[Any, Any, tuple[Any, ...]]:
    """:func:`split_batch`'s work: ``(what :func:`_direct` gives (with ``norms``, else None), the function of
    a document's number giving its RoleHits, the arrays of the hits that
    :func:`framing.lexicon.fastresolve.attach_all` reads)``."""
    ptr = forms.key_entry_start
    first = ptr[keys]
    n_ids = ptr[keys + 1] - first
    if len(n_ids) and n_ids.max() == 1 == n_ids.min():
        hit = np.arange(len(keys))
        entries = forms.key_entries[first]
    else:  # a key of several entries: one row per (hit, entry), in key_ids order
        hit = np.repeat(np.arange(len(keys)), n_ids)
        entries = forms.key_entries[np.arange(len(hit)) + np.repeat(first - (np.cumsum(n_ids) - n_ids), n_ids)]
    roles = forms.entry_roles[entries]
    group = _GROUP[roles]
    number = np.zeros(int(wanted[-1] - wanted[0]) + 1 if len(wanted) else 1, dtype=np.int64)
    number[wanted - wanted[0] if len(wanted) else _NONE] = np.arange(len(wanted))
    doc = number[docs - (wanted[0] if len(wanted) else 0)][hit]  # the document's number in ``wanted``
    ps, pe = starts[hit].astype(np.int64, copy=False), stops[hit].astype(np.int64, copy=False)
    n_docs = len(wanted)

    # labels that can attach: self-identifying, or with an alias of their referent starting after them
    lab = np.flatnonzero(group == _LABEL)
    walks = np.zeros(n_docs, dtype=bool)  # documents where a label may walk to an alias
    walk_from = np.full(n_docs, np.iinfo(np.int64).max)  # the first end of such a label
    if len(lab):
        ali = np.flatnonzero(group == _ALIAS)
        n_ref = max(len(forms.lexicon.referents), 1)
        akey = doc[ali] * n_ref + forms.entry_referent[entries[ali]]
        a_order = lexsort_packed(ps[ali], akey)
        last = np.append(first_of_runs(akey[a_order])[1:], True) if len(ali) else np.zeros(0, dtype=bool)
        ukey, last_start = akey[a_order][last], ps[ali][a_order][last]
        lkey = doc[lab] * n_ref + forms.entry_referent[entries[lab]]
        k = np.minimum(np.searchsorted(ukey, lkey), max(len(ukey) - 1, 0))
        reach = (ukey[k] == lkey) & (last_start[k] > pe[lab]) if len(ukey) else np.zeros(len(lab), dtype=bool)
        group[lab[~(reach | forms.entry_self[entries[lab]])]] = _DROPPED
        walks[doc[lab[reach]]] = True
        np.minimum.at(walk_from, doc[lab[reach]], pe[lab[reach]])
    direct = None if norms is None else _direct(forms, doc, ps, pe, group, entries, norms)  # (drops rows)
    # structural words: per document and start the longest, the first of the longest in hit order
    st = np.flatnonzero(group == _STRUCT) if walks.any() else _NONE
    if len(st):
        st = st[walks[doc[st]] & (ps[st] >= walk_from[doc[st]])]
        st = st[lexsort_packed(st, -pe[st], ps[st], doc[st])]
        st = st[first_of_runs(doc[st], ps[st])]
    st_bounds = np.searchsorted(doc[st], np.arange(n_docs + 1)).tolist() if len(st) else [0] * (n_docs + 1)
    ctx_bounds, ctx_rows = _context(forms, doc, ps, pe, group, entries, n_docs)

    # categories, labels, aliases and exclude phrases: (start, end, entry or phrase number), by document
    rows = np.flatnonzero(group <= _EXCL)
    code = doc[rows] * _N_SPANS + group[rows]
    order = np.argsort(code, kind="stable")
    rows = rows[order]
    bounds = np.searchsorted(code[order], np.arange(n_docs * _N_SPANS + 1)).tolist()
    values = forms.entry_values[entries]

    def spans(a: int, b: int) -> list[tuple[int, int, int]]:
        r = rows[a:b]
        return list(zip(ps[r].tolist(), pe[r].tolist(), values[r].tolist(), strict=True)) if b > a else []

    def role_hits(d: int, scope_only: bool = False) -> RoleHits:
        cat, label, alias, excl, end = bounds[d * _N_SPANS:d * _N_SPANS + 5]  # where each group starts
        if scope_only:  # (what a qualifier's heads need: the aliases, context and exclude phrases)
            cat = label = alias
        s0, s1 = st_bounds[d:d + 2] if not scope_only else (0, 0)
        c0, c1 = ctx_bounds[d:d + 2]
        ctx: dict[int, list[int]] = {}
        mine = ctx_rows[c0:c1]
        mine = mine[np.argsort(values[mine], kind="stable")]  # (by phrase number, each in hit order)
        for cid, p in zip(values[mine].tolist(), ps[mine].tolist(), strict=True):
            ctx.setdefault(cid, []).append(p)
        return RoleHits(spans(cat, label), spans(alias, excl), spans(label, alias),
                        dict(zip(ps[st[s0:s1]].tolist(), zip(pe[st[s0:s1]].tolist(), roles[st[s0:s1]].tolist(),
                                                             strict=True), strict=True)) if s1 > s0 else {},
                        ctx, spans(excl, end))

    # what the scope kernel reads of each document: its exclude phrase hits, its context phrase hits
    x = rows[group[rows] == _EXCL]
    doc_numbers = np.arange(n_docs + 1)
    scope = (np.searchsorted(doc[x], doc_numbers), ps[x], pe[x], values[x], np.asarray(ctx_bounds, dtype=np.int64),
             values[ctx_rows], ps[ctx_rows])
    return direct, role_hits, (doc, ps, pe, values, roles, rows, bounds, st, st_bounds, ctx_rows, scope)


def _direct(forms: CompiledForms, doc: np.ndarray, ps: np.ndarray, pe: np.ndarray, group: np.ndarray,
            entries: np.ndarray, norms: list[str] | DocTexts) -> tuple[Any, ...]:
    """Choose the category hits of every document of a batch split (:func:`_split`) leftmost-longest and
    find the negated ones (compiled), and resolve the documents that hold no label (after the split's
    drop) and no category hit with a scope rule or a qualifier: what :func:`resolve_split` gives them is
    those categories, each negated or counting. Their rows, and the category rows of the others, are
    dropped from ``group``. ``((document, start, end, entry, negated?) of the categories of the documents
    resolved here, by document and start; per document: is it one of the others; the code points of the
    documents, where each starts and where it ends; the rows of the chosen categories of the others, and their
    negation)``."""
    n_docs = len(norms)
    special = np.zeros(len(forms.entries), dtype=bool)  # an entry with a rule, or a qualifier
    special[list(forms.rules)] = True
    special[list(forms.head_side)] = True
    cat = group == _CAT
    other = np.zeros(n_docs, dtype=bool)
    other[doc[group == _LABEL]] = True
    other[doc[cat & special[entries]]] = True
    c = np.flatnonzero(cat)
    group[~other[doc] | cat] = _DROPPED
    if isinstance(norms, DocTexts):  # (walks, windows: document d at cps[lo[d]:hi[d]], read where they stand)
        texts = norms.cps, norms.lo, norms.hi
    else:
        cps, at = encode([norm if o else "" for norm, o in zip(norms, other.tolist(), strict=True)])
        texts = cps, at[:-1], at[1:]
    # leftmost-longest: per start the longest (the lowest entry among equals), then no overlap
    c = c[lexsort_packed(entries[c], -pe[c], ps[c], doc[c])]
    c = c[first_of_runs(doc[c], ps[c])]
    rd, rs, re_ = doc[c], ps[c], pe[c]
    clash = np.flatnonzero((rd[1:] == rd[:-1]) & (rs[1:] < re_[:-1])) + 1 if len(c) > 1 else _NONE
    if len(clash):  # (rare) a span that starts inside the one before it: choose one by one in those documents
        keep = np.ones(len(c), dtype=bool)
        lo, hi = np.searchsorted(rd, rd[clash]).tolist(), np.searchsorted(rd, rd[clash], side="right").tolist()
        s_list, e_list = rs.tolist(), re_.tolist()
        for a, b in sorted(set(zip(lo, hi, strict=True))):
            last_end = -1
            for i in range(a, b):
                if s_list[i] >= last_end:
                    last_end = e_list[i]
                else:
                    keep[i] = False
        c = c[keep]
    # negation reads the 16 characters before a category: of the documents resolved here, those alone are encoded
    simple = ~other[doc[c]]
    neg = np.zeros(len(c), dtype=bool)
    neg[~simple] = negation_batch(texts[0], texts[1], doc[c[~simple]], ps[c[~simple]], forms.negators)  # (the others')
    if forms.negators and simple.any() and isinstance(norms, DocTexts):  # (read where they stand)
        neg[simple] = negation_batch(norms.cps, norms.lo, doc[c[simple]], ps[c[simple]], forms.negators)
    elif forms.negators and simple.any():
        windows = [norms[d][s - 16 if s > 16 else 0:s]
                   for d, s in zip(doc[c[simple]].tolist(), ps[c[simple]].tolist(), strict=True)]
        neg[simple] = negation_batch(*encode(windows), np.arange(len(windows)), np.minimum(ps[c[simple]], 16),
                                     forms.negators)
    cs = c[simple]
    return (doc[cs], ps[cs], pe[cs], entries[cs], neg[simple]), other, texts, c[~simple], neg[~simple]


def _context(forms: CompiledForms, doc: np.ndarray, ps: np.ndarray, pe: np.ndarray, group: np.ndarray,
             entries: np.ndarray, n_docs: int) -> tuple[list[int], np.ndarray]:
    """The context phrase hits of :func:`split_batch` outside global exclude phrases: ``(bounds, rows)``, the
    rows by document, in hit order (document ``d``: ``bounds[d]:bounds[d + 1]``)."""
    rows = np.flatnonzero(group == _CTX)
    glob = np.flatnonzero(forms.entry_global[entries]) if len(rows) else _NONE
    if len(glob):  # (rare) drop the context words inside a global exclude phrase
        spans: dict[int, list[tuple[int, int]]] = {}
        for d, xs, xe in zip(doc[glob].tolist(), ps[glob].tolist(), pe[glob].tolist(), strict=True):
            spans.setdefault(d, []).append((xs, xe))
        near = np.flatnonzero(np.isin(doc[rows], doc[glob]))
        out = [any(xs <= s and e <= xe for xs, xe in spans[d])
               for d, s, e in zip(doc[rows[near]].tolist(), ps[rows[near]].tolist(), pe[rows[near]].tolist(),
                                  strict=True)]
        rows = np.delete(rows, near[np.array(out, dtype=bool)])
    if not len(rows):
        return [0] * (n_docs + 1), _NONE
    # (by document as the hits are; role_hits sorts a document's by phrase number, the scope kernel needs no order)
    return np.searchsorted(doc[rows], np.arange(n_docs + 1)).tolist(), rows


def _categories(forms: CompiledForms, norm: str, scope: DocScope, cats: list[tuple[int, int, int]],
                aliases: list[tuple[int, int, int]], alias_spans: list[tuple[int, int, int]] | None,
                labelled: list[tuple[int, int, int, int | None, str]]) -> list[Resolved]:
    """The category matches, in position order: scope, negation and, for qualifiers, the head they
    qualify (``alias_spans``: the chosen ``aliases``, or None when not chosen yet)."""
    entries = forms.entries
    heads: list[Head] | None = None
    out = []
    rules, head_side, negators, roles = forms.rules, forms.head_side, forms.negators, forms.roles
    unknown: set[int] = set()
    # a word before the hit that ends in none of these characters negates nothing (see negated)
    maybe = negator_endings(negators) if negators else None
    for s, e, idx in longest_first(cats):
        reason = scope.reason(idx, s, e) if idx in rules else ""
        if not reason and negators:
            if maybe is None or s < 2 or norm[s - 1] != " ":
                if negated(norm, s, negators):
                    reason = "negated"
            else:
                last = norm[s - 2]
                if (last in maybe or last.isspace()) and negated(norm, s, negators):
                    reason = "negated"
        if idx in head_side:  # a qualifier
            if heads is None:
                if alias_spans is None:
                    alias_spans = longest_first(aliases) if aliases else []
                # (an alias head's scope reason is found when a qualifier takes it: ``unknown`` heads; the
                # spans, referents and entries of the heads differ, so the reasons never decide the order)
                heads = sorted([_new(Head, (a, b, entries[i].owner, i, "")) for a, b, i in alias_spans]
                               + [_new(Head, (a, b, entries[i].owner, i, r)) for a, b, i, _, r in labelled])
                unknown = {j for j, h in enumerate(heads) if roles[h.entry] == ALIAS}
            out.append(with_head(norm, s, e, idx, reason, head_side[idx], heads, unknown, scope))
        else:
            out.append(_new(Resolved, ("category", s, e, idx, None, reason, None)))
    return out
