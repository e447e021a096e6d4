"""Attachment: which referent a label names, and which head a qualifier qualifies.

* A label is reported only when it names a referent: an alias of the referent follows it within the
  lexicon's ``window`` words, directly, through titles, modifiers, construct heads, brackets or a
  linker (a plain word between the label and the alias must be followed by a linker); or the label is
  self-identifying (on the document's date, when its ``self`` is limited to some years). A label inside
  the span of a longer alias is part of that name, not a label.
* A qualifier category (``qualifies``) counts only right next to (at most one word from) a referent's
  alias or label that counts (its head), on the side its ``head`` allows.

Spans here are ``(start, end, entry index)`` in the normalized text; matches of one kind do not
overlap: the leftmost, then the longest, wins (:func:`longest_first`).

>>> longest_first([(0, 4, 1), (0, 9, 2), (5, 9, 3)])
[(0, 9, 2)]
>>> qualifier_gap_ok(" "), qualifier_gap_ok(" الوطني "), qualifier_gap_ok("، ")
(True, True, False)
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from typing import Any, NamedTuple

from framing.lexicon.compile import LINKER, CompiledForms
from framing.lexicon.resolved import Resolved
from framing.lexicon.scope import DocScope, in_ranges

__all__ = ["Head", "longest_first", "names_itself", "attach_labels", "attach_fast", "walk", "walk_plain", "with_head",
           "qualifier_head_at", "qualifier_gap_ok"]

_WORD = re.compile(r"\w+")
_SEP_CHARS = " «»“”\"‘’'()[]#"  # hashtags (قوات #حفتر) do not break a phrase
_SEP = re.compile(f"[{re.escape(_SEP_CHARS)}]*")
_QUALIFIER_GAP = 1  # words that may stand between a qualifier and its head
# what may stand between a qualifier and its head: words, spaces, quotation marks and brackets
_GAP_BREAK = re.compile(r"[^\w «»“”\"‘’'()\[\]#]")


class Head(NamedTuple):
    """An alias or a label that a qualifier may qualify, with the head's own scope reason."""

    start: int
    end: int
    referent: str
    entry: int
    reason: str


def longest_first(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Leftmost, then longest, non-overlapping selection of ``(start, end, entry index)`` (the lowest
    entry index among equal spans)."""
    chosen: list[tuple[int, int, int]] = []
    last_end = -1
    # in (start, end, index) order, a longer span at the start of the last chosen one replaces it
    for span in sorted(spans):
        s, e, _idx = span
        if s >= last_end:
            chosen.append(span)
            last_end = e
        elif e > last_end and s == chosen[-1][0]:
            chosen[-1] = span
            last_end = e
    return chosen


def names_itself(entry: Any, date: dt.date | None) -> bool:
    """Does the label name its referent by itself (on this date)?"""
    if not entry.self_identifying:
        return False
    if not entry.self_valid:
        return True
    if date is None:
        return False  # unknown date: a label that names its referent alone only in some years needs an alias
    return in_ranges(date, entry.self_valid)


def attach_labels(forms: CompiledForms, norm: str, labels: list[tuple[int, int, int]],
                  alias_spans: list[tuple[int, int, int]], structural: dict[int, tuple[int, int]],
                  date: dt.date | None = None) -> list[tuple[int, int, int, int | None]]:
    """The labels that name a referent: ``(start, end, entry, alias entry or None)``, leftmost-longest.

    ``labels`` are all label hits, ``alias_spans`` the chosen alias spans (sorted, not overlapping),
    ``structural`` the longest title, linker, modifier or head word starting at each position, as
    ``start -> (end, role)``."""
    entries = forms.entries
    if not alias_spans:
        # nothing to attach to: only self-identifying labels can count
        labels = [(s, e, idx) for s, e, idx in labels if names_itself(entries[idx].entry, date)]
        if not labels:
            return []
    alias_at = {s: idx for s, _e, idx in alias_spans}
    alias_starts = [s for s, _e, _idx in alias_spans]  # sorted, and the spans do not overlap
    last_alias = {}  # referent -> start of its last alias in the text
    for a_s, _a_e, a_idx in alias_spans:
        last_alias[entries[a_idx].owner] = a_s
    # (start, start - end, self attachment?, number, end, entry, alias entry): sorted, the leftmost, then the
    # longest, then an alias attachment before a self attachment, then the first found
    attached: list[tuple[int, int, bool, int, int, int, int | None]] = []
    window = forms.window
    last_of = last_alias.get
    walked: dict[int, int | None] = {}  # label end -> where the walk from it ends (labels often share an end)
    plain = not structural  # (then a walk reads one step: walk_plain)
    for s, e, idx in labels:
        k = bisect_right(alias_starts, s) - 1  # the only alias span that can contain the label
        if k >= 0:
            a_s, a_e, _ = alias_spans[k]
            if e <= a_e and (a_e - a_s) > (e - s):
                continue  # part of a longer name
        _, entry, owner, _ = entries[idx]
        # the walk can only attach the label to an alias of its own referent further on
        if last_of(owner, -1) > e:
            if e in walked:
                alias_idx = walked[e]
            elif plain:
                alias_idx = walked[e] = walk_plain(norm, e, alias_at)
            else:
                alias_idx = walked[e] = walk(norm, e, alias_at, structural, window)
            if alias_idx is not None and entries[alias_idx].owner == owner:
                attached.append((s, s - e, False, len(attached), e, idx, alias_idx))
                continue
        if entry.self_identifying and (not entry.self_valid or names_itself(entry, date)):
            attached.append((s, s - e, True, len(attached), e, idx, None))
    return _chosen(attached)


def attach_fast(norm: str, labels: list[tuple[int, int, int]], alias_spans: list[tuple[int, int, int]],
                structural: dict[int, tuple[int, int]], date: dt.date | None, window: int, owner: list[Any],
                self_id: list[bool], self_valid: list[Any]) -> list[tuple[int, int, int, int | None]]:
    """:func:`attach_labels` with the entries' referents (``owner``), self-identification and its years
    (``self_id``, ``self_valid``) as lists by entry index, and the walks inlined (same result)."""
    if not alias_spans:
        labels = [(s, e, idx) for s, e, idx in labels
                  if self_id[idx] and (not self_valid[idx] or (date is not None and in_ranges(date, self_valid[idx])))]
        if not labels:
            return []
    alias_at = {s: idx for s, _e, idx in alias_spans}
    alias_starts = list(alias_at)  # (in span order: sorted)
    last_of = {owner[a_idx]: a_s for a_s, _a_e, a_idx in alias_spans}.get
    attached: list[tuple[int, int, bool, int, int, int, int | None]] = []
    walked: dict[int, int | None] = {}
    n = len(norm)
    sep_chars, sep, word, linker, get_alias = _SEP_CHARS, _SEP.match, _WORD.match, LINKER, alias_at.get
    get_struct = structural.get
    for s, e, idx in labels:
        k = bisect_right(alias_starts, s) - 1
        if k >= 0:
            a_s, a_e, _ = alias_spans[k]
            if e <= a_e and (a_e - a_s) > (e - s):
                continue
        own = owner[idx]
        if last_of(own, -1) > e:
            if e in walked:
                alias_idx = walked[e]
            else:  # (walk, or walk_plain when there is no structural word)
                alias_idx = None
                pos, words, gap = e, 0, False
                while pos < n:
                    if norm[pos] == " " and (pos + 1 == n or norm[pos + 1] not in sep_chars):
                        pos += 1
                    elif norm[pos] in sep_chars:
                        pos = sep(norm, pos).end()  # type: ignore[union-attr]
                    else:
                        break
                    if pos >= n:
                        break
                    found = get_alias(pos)
                    if found is not None:
                        alias_idx = None if gap else found
                        break
                    if words >= window:
                        break
                    st = get_struct(pos)
                    if st is not None:
                        end, role = st
                        words += norm.count(" ", pos, end) + 1
                        if role == linker:
                            gap = False
                        pos = end
                        continue
                    m = word(norm, pos)
                    if m is None:
                        break
                    words += 1
                    gap = True
                    pos = m.end()
                walked[e] = alias_idx
            if alias_idx is not None and owner[alias_idx] == own:
                attached.append((s, s - e, False, len(attached), e, idx, alias_idx))
                continue
        if self_id[idx] and (not self_valid[idx] or (date is not None and in_ranges(date, self_valid[idx]))):
            attached.append((s, s - e, True, len(attached), e, idx, None))
    return _chosen(attached)


def _chosen(attached: list[tuple[int, int, bool, int, int, int, int | None]]) -> list[tuple[int, int, int, int | None]]:
    """The attached labels ``(start, start - end, self attachment?, number, end, entry, alias entry)`` chosen
    leftmost, then longest, an alias attachment before a self attachment for the same span, then the first
    found: ``(start, end, entry, alias entry or None)``."""
    attached.sort()
    chosen: list[tuple[int, int, int, int | None]] = []
    last_end = -1
    for s, _length, _self, _n, e, idx, alias_idx in attached:
        if s >= last_end:
            chosen.append((s, e, idx, alias_idx))
            last_end = e
    return chosen


def walk(norm: str, pos: int, alias_at: dict[int, int], structural: dict[int, tuple[int, int]],
         window: int) -> int | None:
    """Follow titles, modifiers, heads, linkers and plain words from ``pos`` (the end of a label);
    return the entry index of the alias it reaches within ``window`` words, or None."""
    words = 0
    gap = False  # a plain word not yet followed by a linker
    n = len(norm)
    sep = _SEP.match
    while pos < n:
        if norm[pos] == " " and (pos + 1 == n or norm[pos + 1] not in _SEP_CHARS):
            sep_end = pos + 1  # (one space: what _SEP matches there)
        else:
            m = sep(norm, pos)  # (a starred class always matches)
            sep_end = m.end() if m is not None else pos
        if sep_end == pos or sep_end >= n:
            return None  # punctuation, a line break or the end of the text: the label's phrase is over
        pos = sep_end
        alias_idx = alias_at.get(pos)
        if alias_idx is not None:
            return None if gap else alias_idx
        if words >= window:
            return None
        st = structural.get(pos)
        if st is not None:
            end, role = st
            words += norm.count(" ", pos, end) + 1
            if role == LINKER:
                gap = False
            pos = end
            continue
        m = _WORD.match(norm, pos)
        if m is None:
            return None
        words += 1
        gap = True
        pos = m.end()
    return None


def walk_plain(norm: str, pos: int, alias_at: dict[int, int]) -> int | None:
    """:func:`walk` when no title, linker, modifier or head word starts after ``pos``: an alias right after
    the separator that follows ``pos``, else None (after a plain word no linker can follow, so no alias
    further on attaches)."""
    n = len(norm)
    if pos >= n:
        return None
    if norm[pos] == " " and (pos + 1 == n or norm[pos + 1] not in _SEP_CHARS):
        sep_end = pos + 1
    else:
        m = _SEP.match(norm, pos)
        sep_end = m.end() if m is not None else pos
    if sep_end == pos or sep_end >= n:
        return None
    return alias_at.get(sep_end)


def qualifier_gap_ok(gap: str) -> bool:
    """May a qualifier reach its head across ``gap``? No punctuation, at most one word, and not a
    coordinated noun (الجيش الليبي والسلطات الشرعية: الشرعية qualifies السلطات, not the army)."""
    if _GAP_BREAK.search(gap):
        return False
    words = [w for w in _WORD.findall(gap) if len(w) > 1]  # a proclitic cut off by a mark: بـ«الدولة
    if len(words) > _QUALIFIER_GAP:
        return False
    return not any(w[0] in "وف" and len(w) > 3 for w in words)


def qualifier_head_at(norm: str, s: int, e: int, heads: list[Head], side: str = "either") -> int | None:
    """The index in ``heads`` of the head a qualifier at ``[s, e)`` qualifies, or None.

    ``heads`` are sorted. A qualifier stands right next to its head — at most one word between them
    (حكومة الوفاق الوطني المعترف بها دوليا), no punctuation. ``side``: where the head may stand —
    "before" the qualifier, "after" it, or "either"."""
    starts = [h.start for h in heads]
    k = bisect_right(starts, s) - 1
    # a qualifier inside a label qualifies that label's referent (الحكومة المعترف بها دوليا)
    if k >= 0 and heads[k].start <= s and e <= heads[k].end:
        return k
    # the nearest head before the qualifier (الحكومة ... المعترف بها دوليا), then the one after it
    # (ما يسمى ... حكومة الوفاق)
    while k >= 0 and heads[k].end > s:
        k -= 1
    if k >= 0 and side != "after" and qualifier_gap_ok(norm[heads[k].end:s]):
        return k
    j = bisect_right(starts, e - 1)
    if j < len(heads) and side != "before":
        hs = heads[j].start
        if hs >= e and qualifier_gap_ok(norm[e:hs]):
            return j
    return None


_new = tuple.__new__  # (a Resolved without the keyword handling of its constructor)


def with_head(norm: str, s: int, e: int, idx: int, reason: str, side: str, heads: list[Head], unknown: set[int],
               scope: DocScope) -> Resolved:
    """The match of a qualifier at ``[s, e)`` (its own reason ``reason``) with the head it takes
    (:func:`qualifier_head_at`); ``unknown``: the heads whose scope reason is not looked up yet."""
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
