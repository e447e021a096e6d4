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

from collections.abc import Iterable
from operator import attrgetter
from typing import Any, NamedTuple

from framing.lexicon.attach import (
    Head,
    HeadOf,
    attach_labels,
    longest_first,
    qualifier_head,
)
from framing.lexicon.compile import ALIAS, CATEGORY, CONTEXT, EXCLUDE, LABEL, CompiledForms
from framing.lexicon.scope import DocScope, as_date, negated

__all__ = ["Resolved", "resolve"]


class Resolved(NamedTuple):
    """One resolved match, in normalized coordinates.

    ``entry`` is the index of the compiled entry; ``alias`` the alias entry a label is attached to, or
    the head entry of a qualifier; ``reason`` is "" for a match that counts, else a scope reason;
    ``head`` the referent a qualifier qualifies."""

    kind: str
    start: int
    end: int
    entry: int
    alias: int | None
    reason: str
    head: str | None


_BY_POSITION = attrgetter("start", "end")


def resolve(forms: CompiledForms, norm: str, hits: Iterable[tuple[int, int, tuple[int, ...]]],
            kinds: Iterable[str] = ("category", "label"), date: Any = None) -> list[Resolved]:
    """Turn raw hits ``(start, end, entry ids)`` of ``norm`` into resolved matches, sorted by position."""
    cats: list[tuple[int, int, int]] = []
    aliases: list[tuple[int, int, int]] = []
    labels: list[tuple[int, int, int]] = []
    structural: dict[int, tuple[int, int]] = {}  # start -> (end, role) of the longest title/linker/... there
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
                if prev is None:
                    structural[s] = (e, role)
                else:
                    prev_end, _prev_role = prev
                    if e > prev_end:
                        structural[s] = (e, role)
    glob_ex = [(xs, xe) for xs, xe, xid in excl if xid in forms.global_exclude] if excl else []
    ctx: dict[int, list[int]] = {}
    for s, e, cid in ctx_hits:
        if not glob_ex or not any(xs <= s and e <= xe for xs, xe in glob_ex):
            ctx.setdefault(cid, []).append(s)
    scope = DocScope(forms.rules, forms.undated, norm, ctx, excl, as_date(date))
    out: list[Resolved] = []
    want = set(kinds)
    if excl and aliases:
        aliases = [(s, e, idx) for s, e, idx in aliases if not scope.excluded(idx, s, e)]
    alias_spans = longest_first(aliases) if aliases else []
    if "alias" in want:
        out += [Resolved("alias", s, e, idx, None, scope.reason(idx, s, e), None) for s, e, idx in alias_spans]
    labelled: list[tuple[int, int, int, int | None, str]] = []  # (start, end, idx, alias_idx, reason)
    if labels and ("label" in want or (cats and forms.qualifying)):
        for s, e, idx, alias_idx in attach_labels(forms, norm, labels, alias_spans, structural, scope.date):
            reason = scope.reason(idx, s, e)
            if not reason and alias_idx is not None:
                reason = scope.reason(alias_idx, s, e)
                reason = "" if reason == "exclude" else reason
            labelled.append((s, e, idx, alias_idx, reason))
        if "label" in want:
            out += [Resolved("label", s, e, idx, alias_idx, reason, None)
                    for s, e, idx, alias_idx, reason in labelled]
    if "category" in want and cats:
        out += _categories(forms, norm, scope, cats, alias_spans, labelled)
    out.sort(key=_BY_POSITION)
    return out


def _categories(forms: CompiledForms, norm: str, scope: DocScope, cats: list[tuple[int, int, int]],
                alias_spans: list[tuple[int, int, int]],
                labelled: list[tuple[int, int, int, int | None, str]]) -> list[Resolved]:
    """The category matches: scope, negation and, for qualifiers, the head they qualify."""
    entries = forms.entries
    heads: list[Head] | None = None
    out = []
    for s, e, idx in longest_first(cats):
        reason = scope.reason(idx, s, e)
        head: HeadOf | None = None
        if not reason and negated(norm, s, forms.negators):
            reason = "negated"
        if entries[idx].owner in forms.qualifying:
            if heads is None:
                heads = sorted([Head(a, b, entries[i].owner, i, scope.reason(i, a, b)) for a, b, i in alias_spans]
                               + [Head(a, b, entries[i].owner, i, r) for a, b, i, _, r in labelled])
            head = qualifier_head(norm, s, e, heads, forms.head_side.get(idx, "either"))
            if head is None and not reason:
                reason = "unattached"
            elif head is not None and not reason and head.reason in ("date", "context"):
                # a qualifier of a name that belongs to another time or place does not count;
                # an excluded head still does (ما يسمى بالدولة الإسلامية: the name is kept out
                # by an exclude phrase because the hedge distances the writer from it)
                reason = head.reason
        out.append(Resolved("category", s, e, idx, head.entry if head else None, reason,
                            head.referent if head else None))
    return out
