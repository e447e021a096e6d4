"""Finding lexicon terms in text: whole words, clitic- and inflection-aware, scoped, voice-aware.

The whole lexicon is compiled once into an Aho-Corasick automaton (pyahocorasick) over every surface
form of every term (proclitics on the first word, inflection on the last: see
:mod:`framing.text.morphology`; a pattern ``ميليشي*`` matches every word it starts). Text is normalized
with the ``search`` profile, non-word characters are blanked one for one, quotation marks that open or
close a word are dropped (so that «تنظيم "الدولة الإسلامية"» is one phrase), and keys are padded
with spaces, so that every hit is a whole-word hit. Python only looks at the hits: it picks the
longest match, attaches labels and qualifiers to referents, applies the scope rules and the voice.

Rules
-----
* Matches of one kind do not overlap; the leftmost, then the longest, wins.
* A label is reported only when it names a referent: an alias of the referent follows it within the
  lexicon's ``window`` words, directly, through titles, modifiers, construct heads, brackets or a
  linker (a plain word between the label and the alias must be followed by a linker); or the label
  is self-identifying. Modifiers may also stand inside a multi-word term (الحكومة الليبية المعترف
  بها دوليا).
* A label inside the span of a longer alias is part of that name, not a label.
* A qualifier category (``qualifies``) counts only right next to (at most one word from) a referent's
  alias or label that counts (the head); the match reports that referent. A qualifier right after a negator (غير المعترف بها) is
  reported as ``negated`` and does not count.
* Scope: a hit inside a longer ``exclude`` phrase, in a document without the ``context`` words, or
  dated outside the ``valid`` ranges is kept with ``in_scope=False`` and its ``scope_reason``.
* Voice (:mod:`framing.text.voice`): ``own``, ``quoted`` (inside quotation marks, scare quotes included)
  or ``reported`` (attributed speech without quotation marks). A quoted *name* (an alias, a neutral
  or a self-identifying label alone in quotes, as house style) stays in the outlet's own voice.

>>> from framing.lexicon.load import Lexicon
>>> lex = Lexicon.from_dict({"name": "toy", "linkers": ["الموالية"], "referents": {"haftar_camp": {
...     "aliases": ["حفتر"], "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
...     "neutral": ["قوات"]}}}})
>>> text = "اشتبكت وميليشيات حفتر مع القوات الموالية لحفتر"
>>> [(text[m.start:m.end], m.stance) for m in find_matches(text, lex)]
[('وميليشيات', 'delegitimizing'), ('القوات', 'neutral')]
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from itertools import chain
from dataclasses import dataclass

from framing.lexicon.load import Lexicon, as_lexicon
from framing.text.morphology import inflected_forms, proclitic_forms, surface_forms
from framing.text.normalization import offsets_array, original_span
from framing.text.quotes import QUOTE_CHARS
from framing.text.voice import VoiceIndex
from framing.vocabulary import MATCH_FIELDS

__all__ = ["Match", "find_matches", "compile_lexicon", "CompiledLexicon", "MATCH_FIELDS", "SCOPE_REASONS"]


#: why a hit does not count (``scope_reason``), in the order they are checked
SCOPE_REASONS = ("exclude", "date", "context", "negated", "unattached")

_NONWORD = re.compile(r"\W")
_WORD = re.compile(r"\w+")
_SEP = re.compile(r"[ «»“”\"‘’'()\[\]#]*")  # hashtags (قوات #حفتر) do not break a phrase
_QUOTE_RE = re.compile("[" + re.escape(QUOTE_CHARS) + "]")
# what may stand between a qualifier and its head: words, spaces, quotation marks and brackets
_QUALIFIER_GAP = 1  # words that may stand between a qualifier and its head
_GAP_BREAK = re.compile(r"[^\w «»“”\"‘’'()\[\]#]")


@dataclass(frozen=True, slots=True)
class Match:
    """One match. ``text[start:end] == surface`` is exactly what was written in the original text.

    ``voice``: ``"own"``, ``"quoted"`` or ``"reported"``; ``in_scope`` False (with ``scope_reason``)
    for a hit that the lexicon's scope rules keep out of every count.
    """

    start: int
    end: int
    surface: str
    kind: str  # "category" | "label" | "alias"
    category: str | None
    referent: str | None
    stance: str | None
    term: str
    quoted: bool
    scare_quoted: bool
    alias: str | None = None
    voice: str = "own"
    in_scope: bool = True
    scope_reason: str = ""

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in MATCH_FIELDS}


# roles of compiled entries
_CATEGORY, _LABEL, _ALIAS, _TITLE, _LINKER, _MODIFIER, _HEAD, _CONTEXT, _EXCLUDE = range(9)


@dataclass(frozen=True, slots=True)
class _Rule:
    """The scope of one entry: context ids (any), context window, valid ranges, exclude ids."""

    context: frozenset
    window: int | None
    valid: tuple
    exclude: frozenset


class _DocScope:
    """Scope decisions for the hits of one document."""

    __slots__ = ("compiled", "norm", "ctx", "excl", "date", "positions")

    def __init__(self, compiled, norm, ctx, excl, date):
        self.compiled, self.norm, self.ctx, self.excl, self.date = compiled, norm, ctx, excl, date
        self.positions: dict[frozenset, list[int]] = {}  # context ids -> sorted positions of their words

    def excluded(self, idx, s, e) -> bool:
        rule = self.compiled.rules.get(idx)
        if rule is None or not rule.exclude or not self.excl:
            return False
        return any(xs <= s and e <= xe and xid in rule.exclude
                   for xs, xe, xid in self.excl)

    def reason(self, idx, s, e) -> str:
        rule = self.compiled.rules.get(idx)
        if rule is None:
            return ""
        if rule.exclude and self.excluded(idx, s, e):
            return "exclude"
        if rule.valid:
            if self.date is None:
                if self.compiled.undated == "skip":
                    return "date"
            elif not any((a is None or a <= self.date) and (b is None or self.date <= b) for a, b in rule.valid):
                return "date"
        if rule.context:
            positions = self.positions.get(rule.context)
            if positions is None:
                positions = self.positions[rule.context] = sorted(
                    p for cid in rule.context for p in self.ctx.get(cid, ()))
            if not positions:
                return "context"
            if rule.window is not None:
                # the nearest context word on either side decides: the number of words between a
                # context word and the hit only grows with its distance
                norm = self.norm
                k = bisect_left(positions, s)
                if not ((k < len(positions) and norm.count(" ", e, positions[k]) <= rule.window)
                        or (k > 0 and norm.count(" ", positions[k - 1], s) <= rule.window)):
                    return "context"
        return ""


def _qualifier_gap_ok(gap: str) -> bool:
    """May a qualifier reach its head across ``gap``? No punctuation, at most one word, and not a
    coordinated noun (الجيش الليبي والسلطات الشرعية: الشرعية qualifies السلطات, not the army)."""
    if _GAP_BREAK.search(gap):
        return False
    words = [w for w in _WORD.findall(gap) if len(w) > 1]  # a proclitic cut off by a mark: بـ«الدولة
    if len(words) > _QUALIFIER_GAP:
        return False
    return not any(w[0] in "وف" and len(w) > 3 for w in words)


def _as_date(value):
    """A document date as ``datetime.date`` (None when missing)."""
    if value is None or value != value:  # None, NaN or NaT
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        import pandas as pd

        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if ts is pd.NaT or ts != ts:  # NaT
        return None
    return ts.date()


class CompiledLexicon:
    """A lexicon compiled for matching (built once per lexicon and cached on it)."""

    def __init__(self, lexicon: Lexicon):
        import ahocorasick

        self.lexicon = lexicon
        self.window = lexicon.window
        self.undated = lexicon.undated
        self.negators = frozenset(lexicon.negators)
        # entries: (role, entry, owner, stance)
        self.entries: list[tuple] = []
        for cat in lexicon.categories.values():
            for e in cat.entries:
                self.entries.append((_CATEGORY, e, cat.name, None))
        for ref in lexicon.referents.values():
            for e in ref.aliases:
                self.entries.append((_ALIAS, e, ref.name, None))
            for stance, entries in ref.labels.items():
                for e in entries:
                    self.entries.append((_LABEL, e, ref.name, stance))
        for role, entries in ((_TITLE, lexicon.titles), (_LINKER, lexicon.linkers),
                              (_MODIFIER, lexicon.modifiers), (_HEAD, lexicon.heads)):
            for e in entries:
                self.entries.append((role, e, None, None))
        self.qualifying = {c.name for c in lexicon.categories.values() if c.qualifies}
        self.head_side = {}  # entry index -> where its head stands (qualifier categories)
        for idx, (role, entry, owner, _stance) in enumerate(self.entries):
            if role == _CATEGORY and owner in self.qualifying:
                self.head_side[idx] = entry.head or lexicon.categories[owner].head

        # scope: context and exclude phrases become keys of their own
        context_ids: dict[str, int] = {}
        exclude_ids: dict[str, int] = {}
        self.rules: dict[int, _Rule] = {}
        global_ex = frozenset(exclude_ids.setdefault(x, len(exclude_ids)) for x in lexicon.exclude)
        for idx, (role, entry, owner, _stance) in enumerate(list(self.entries)):
            if role not in (_CATEGORY, _LABEL, _ALIAS):
                continue
            owner_scope = (lexicon.categories[owner].scope if role == _CATEGORY else lexicon.referents[owner].scope)
            es = entry.scope
            ctx_src = es if es.context else owner_scope
            valid = es.valid or owner_scope.valid
            ex = global_ex | frozenset(exclude_ids.setdefault(x, len(exclude_ids))
                                       for x in (*owner_scope.exclude, *es.exclude))
            ctx = frozenset(context_ids.setdefault(c, len(context_ids)) for c in ctx_src.context)
            if ctx or valid or ex:
                self.rules[idx] = _Rule(ctx, ctx_src.context_window, valid, ex)
        self.global_exclude = global_ex  # also keep context words inside them from counting (جنوب السودان)
        self.context_forms = tuple(context_ids)
        self.exclude_forms = tuple(exclude_ids)
        for form, cid in context_ids.items():
            self.entries.append((_CONTEXT, _Phrase(form), cid, None))
        for form, xid in exclude_ids.items():
            self.entries.append((_EXCLUDE, _Phrase(form), xid, None))
        self.roles = [r[0] for r in self.entries]

        modifier_forms = sorted({f for e in lexicon.modifiers for f in e.forms})
        keys: dict[tuple[str, bool], list[int]] = {}

        def add(surface, glob, idx):
            ids = keys.setdefault((surface, glob), [])
            if idx not in ids:
                ids.append(idx)

        for idx, (role, entry, _, _) in enumerate(self.entries):
            for form in entry.forms:
                article = getattr(entry, "article", True)
                if entry.glob:
                    words = form.split(" ")
                    for first in proclitic_forms(words[0], article):
                        add(" ".join([first, *words[1:]]), True, idx)
                    continue
                surfaces = surface_forms(form, inflect=entry.inflect)
                if not article:  # no article on the first word (حماس, not الحماس 'the enthusiasm')
                    words = form.split(" ")
                    if len(words) == 1:
                        lasts = inflected_forms(words[0]) if entry.inflect else {words[0]}
                        surfaces = {p for w in lasts for p in proclitic_forms(w, False)}
                    else:
                        allowed = proclitic_forms(words[0], False)
                        surfaces = {f for f in surfaces if f.split(" ")[0] in allowed}
                for surface in surfaces:
                    add(surface, False, idx)
                if modifier_forms and role in (_CATEGORY, _LABEL, _ALIAS) and " " in form:
                    # a modifier may stand inside a multi-word term: الحكومة [الليبية] المعترف بها دوليا
                    for surface in surfaces:
                        words = surface.split(" ")
                        for k in range(1, len(words)):
                            for mod in modifier_forms:
                                add(" ".join([*words[:k], mod, *words[k:]]), False, idx)
        import numpy as np

        automaton = ahocorasick.Automaton()
        # per key number: its length, its entries, whether it names a category or a label (titles,
        # linkers, aliases, context and exclude phrases alone never make a count), whether it is a glob
        self.key_ids: list[tuple[int, ...]] = []
        lengths, counts, globs = [], [], []
        for (surface, glob), ids in keys.items():
            key = f" {surface}" if glob else f" {surface} "
            automaton.add_word(key, len(self.key_ids))
            self.key_ids.append(tuple(ids))
            lengths.append(len(key))
            counts.append(any(self.roles[i] in (_CATEGORY, _LABEL) for i in ids))
            globs.append(glob)
        automaton.make_automaton()
        self.automaton = automaton
        self.key_info = list(zip(lengths, self.key_ids, globs))  # (length, entries, glob) per key number
        self.key_length = np.array(lengths, dtype=np.int64)
        self.key_counts = np.array(counts, dtype=bool)
        self.key_glob = np.array(globs, dtype=bool)
        self.n_keys = len(keys)

    # -- scanning ------------------------------------------------------------------------------
    def view(self, norm: str):
        """``(padded view, positions)``: the text the automaton reads, and for each view character
        its index in ``norm`` (None when the view is ``norm`` one for one)."""
        base = _NONWORD.sub(" ", norm)
        if not _QUOTE_RE.search(norm):
            return " " + base + " ", None
        n = len(base)
        drop = set()
        for m in _QUOTE_RE.finditer(norm):
            i = m.start()
            if i == 0 or base[i - 1] == " " or i + 1 >= n or base[i + 1] == " ":
                drop.add(i)
        if not drop:
            return " " + base + " ", None
        pos = [i for i in range(n) if i not in drop]
        return " " + "".join(base[i] for i in pos) + " ", pos

    def hits(self, norm: str):
        """All whole-word hits in normalized text: ``(start, end, entry_ids)`` in normalized coordinates."""
        view, pos = self.view(norm)
        out = []
        key_info = self.key_info
        for end, k in self.automaton.iter(view):
            klen, ids, glob = key_info[k]
            start = end - klen + 1  # padded index of the key's space = unpadded start of the word
            stop = view.find(" ", end + 1) - 1 if glob else end - 1
            if pos is not None:
                start, stop = pos[start], pos[stop - 1] + 1
            out.append((start, stop, ids))
        return out

    def resolve(self, norm: str, hits, kinds=("category", "label"), date=None):
        """Turn raw hits into resolved spans.

        Returns a list of ``(kind, start, end, entry_idx, alias_idx, scope_reason, head_referent)``
        sorted by position; ``scope_reason`` is "" for a hit that counts.
        """
        cats, aliases, labels = [], [], []
        structural: dict[int, tuple[int, int]] = {}  # start -> (end, role) longest title/linker/...
        ctx: dict[int, list[int]] = {}
        ctx_hits: list[tuple[int, int, int]] = []
        excl: list[tuple[int, int, int]] = []
        roles = self.roles
        for s, e, ids in hits:
            for idx in ids:
                role = roles[idx]
                if role == _CATEGORY:
                    cats.append((s, e, idx))
                elif role == _ALIAS:
                    aliases.append((s, e, idx))
                elif role == _LABEL:
                    labels.append((s, e, idx))
                elif role == _CONTEXT:
                    ctx_hits.append((s, e, self.entries[idx][2]))
                elif role == _EXCLUDE:
                    excl.append((s, e, self.entries[idx][2]))
                else:
                    prev = structural.get(s)
                    if prev is None or e > prev[0]:
                        structural[s] = (e, role)
        glob_ex = [(xs, xe) for xs, xe, xid in excl if xid in self.global_exclude] if excl else ()
        for s, e, cid in ctx_hits:
            if not any(xs <= s and e <= xe for xs, xe in glob_ex):
                ctx.setdefault(cid, []).append(s)
        scope = _DocScope(self, norm, ctx, excl, _as_date(date))
        out = []
        want = set(kinds)
        if excl and aliases:
            aliases = [a for a in aliases if not scope.excluded(a[2], a[0], a[1])]
        alias_spans = _longest_first(aliases) if aliases else []
        if "alias" in want:
            out += [("alias", s, e, idx, None, scope.reason(idx, s, e), None) for s, e, idx in alias_spans]
        label_spans = []
        labelled = []  # (start, end, idx, alias_idx, reason)
        if labels and ("label" in want or (cats and self.qualifying)):
            label_spans = self._labels(norm, labels, alias_spans, structural, scope.date)
            for s, e, idx, alias_idx in label_spans:
                reason = scope.reason(idx, s, e)
                if not reason and alias_idx is not None:
                    reason = scope.reason(alias_idx, s, e)
                    reason = "" if reason == "exclude" else reason
                labelled.append((s, e, idx, alias_idx, reason))
            if "label" in want:
                out += [("label", s, e, idx, alias_idx, reason, None) for s, e, idx, alias_idx, reason in labelled]
        if "category" in want and cats:
            heads = None
            for s, e, idx in _longest_first(cats):
                reason = scope.reason(idx, s, e)
                head = None
                if not reason and self._negated(norm, s):
                    reason = "negated"
                if self.entries[idx][2] in self.qualifying:
                    if heads is None:
                        # (start, end, referent, entry, the head's own scope reason)
                        heads = sorted([(a, b, self.entries[i][2], i, scope.reason(i, a, b)) for a, b, i in alias_spans]
                                       + [(a, b, self.entries[i][2], i, r) for a, b, i, _, r in labelled])
                    head = self._head(norm, s, e, heads, self.head_side.get(idx, "either"))
                    if head is None and not reason:
                        reason = "unattached"
                    elif head is not None and not reason and head[2] in ("date", "context"):
                        # a qualifier of a name that belongs to another time or place does not count;
                        # an excluded head still does (ما يسمى بالدولة الإسلامية: the name is kept out
                        # by an exclude phrase because the hedge distances the writer from it)
                        reason = head[2]
                out.append(("category", s, e, idx, head[1] if head else None, reason, head[0] if head else None))
        out.sort(key=lambda r: (r[1], r[2]))
        return out

    def _negated(self, norm: str, s: int) -> bool:
        if not self.negators:
            return False
        words = norm[max(0, s - 16):s].split()
        if not words:
            return False
        prev = words[-1].strip("«»“”\"‘’'()[]")
        if prev in self.negators:
            return True
        return prev[:1] in ("و", "ف") and prev[1:] in self.negators

    def _head(self, norm, s, e, heads, side="either"):
        """The head a qualifier at ``[s, e)`` qualifies: ``(referent, entry_idx, head's scope reason)`` or None.

        A qualifier stands right next to its head — at most one word between them (حكومة الوفاق الوطني
        المعترف بها دوليا), no punctuation. ``side``: where the head may stand — "before" the qualifier,
        "after" it, or "either"."""
        starts = [h[0] for h in heads]
        k = bisect_right(starts, s) - 1
        # a qualifier inside a label qualifies that label's referent (الحكومة المعترف بها دوليا)
        if k >= 0 and heads[k][0] <= s and e <= heads[k][1]:
            return heads[k][2], heads[k][3], heads[k][4]
        # the nearest head before the qualifier (الحكومة ... المعترف بها دوليا), then the one after it
        # (ما يسمى ... حكومة الوفاق)
        while k >= 0 and heads[k][1] > s:
            k -= 1
        if k >= 0 and side != "after":
            hs, he, ref, idx, why = heads[k]
            gap = norm[he:s]
            if _qualifier_gap_ok(gap):
                return ref, idx, why
        j = bisect_right(starts, e - 1)
        if j < len(heads) and side != "before":
            hs, he, ref, idx, why = heads[j]
            gap = norm[e:hs]
            if hs >= e and _qualifier_gap_ok(gap):
                return ref, idx, why
        return None

    def _is_self(self, entry, date) -> bool:
        """Does the label name its referent by itself (on this date)?"""
        if not entry.self_identifying:
            return False
        if not entry.self_valid:
            return True
        if date is None:
            return False  # unknown date: a label that names its referent alone only in some years needs an alias
        return any((a is None or a <= date) and (b is None or date <= b) for a, b in entry.self_valid)

    def _labels(self, norm, labels, alias_spans, structural, date=None):
        if not alias_spans:
            # nothing to attach to: only self-identifying labels can count
            labels = [r for r in labels if self._is_self(self.entries[r[2]][1], date)]
            if not labels:
                return []
        alias_at = {s: (e, idx) for s, e, idx in alias_spans}
        alias_starts = [a[0] for a in alias_spans]  # sorted, and the spans do not overlap
        last_alias = {}  # referent -> start of its last alias in the text
        for a_s, _a_e, a_idx in alias_spans:
            last_alias[self.entries[a_idx][2]] = a_s
        attached = []
        for s, e, idx in labels:
            k = bisect_right(alias_starts, s) - 1  # the only alias span that can contain the label
            if k >= 0:
                a_s, a_e, _ = alias_spans[k]
                if e <= a_e and (a_e - a_s) > (e - s):
                    continue  # part of a longer name
            _, entry, owner, _ = self.entries[idx]
            # the walk can only attach the label to an alias of its own referent further on
            alias_idx = self._walk(norm, e, alias_at, structural) if last_alias.get(owner, -1) > e else None
            if alias_idx is not None and self.entries[alias_idx][2] == owner:
                attached.append((s, e, idx, alias_idx))
            elif self._is_self(entry, date):
                attached.append((s, e, idx, None))
        if not attached:
            return []
        # prefer an alias attachment over a self attachment for the same span
        attached.sort(key=lambda r: (r[0], -(r[1] - r[0]), r[3] is None))
        chosen, last_end = [], -1
        for s, e, idx, alias_idx in attached:
            if s >= last_end:
                chosen.append((s, e, idx, alias_idx))
                last_end = e
        return chosen

    def _walk(self, norm: str, pos: int, alias_at, structural):
        """Follow titles, modifiers, heads, linkers and plain words after a label; return the alias
        entry it reaches."""
        words = 0
        gap = False  # a plain word not yet followed by a linker
        n = len(norm)
        while pos < n:
            sep_end = _SEP.match(norm, pos).end()
            if sep_end == pos or sep_end >= n:
                return None  # punctuation or end of text: the label's phrase is over
            if "\n" in norm[pos:sep_end]:
                return None
            pos = sep_end
            hit = alias_at.get(pos)
            if hit is not None:
                return None if gap else hit[1]
            if words >= self.window:
                return None
            st = structural.get(pos)
            if st is not None:
                end, role = st
                words += norm.count(" ", pos, end) + 1
                if role == _LINKER:
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

    # -- voice -----------------------------------------------------------------------------------
    def voice_index(self, norm: str):
        """The voice classifier for one normalized text (:class:`framing.text.voice.VoiceIndex`)."""
        return VoiceIndex(norm)

    def evaluative(self, kind: str, idx: int) -> bool:
        """Is the term evaluative (quotation marks around it alone are scare quotes), or a name?"""
        role, entry, _owner, stance = self.entries[idx]
        if role == _ALIAS:
            return False
        if role == _LABEL:
            return stance != "neutral" and not entry.name
        return True

    # -- batch counting (the features hot path) --------------------------------------------------
    def count_batch(self, texts: list[str], columns: dict, voice: str = "own", dates=None):
        """Per-document feature counts and whitespace token counts for a batch of texts.

        Gives exactly what counting the in-scope :meth:`find` results of the given voice would give,
        but normalizes the texts in vectorized passes over chunks of about ``_CHUNK_CHARS`` characters
        (small enough to stay in the processor's cache), scans each chunk with one automaton run, and
        builds no :class:`Match` objects: only documents with a category or label hit are decoded and
        resolved one by one.

        Parameters
        ----------
        texts : list of str
        columns : dict
            ``entry index -> column`` for category and label entries (see :meth:`entry_columns`).
        voice : {"own", "quoted", "reported", "all"}
        dates : list, optional
            One date per text (None or NaT when unknown), for entries with ``valid`` ranges.

        Returns
        -------
        (counts, n_tokens) : int64 arrays of shape (n, n_columns) and (n,)
        """
        import numpy as np

        n = len(texts)
        width = max(columns.values(), default=-1) + 1
        counts = np.zeros((n, width), dtype=np.int64)
        n_tokens = np.zeros(n, dtype=np.int64)
        cells: list[int] = []  # flat (document, column) cells, one per counted match
        i = 0
        while i < n:
            j, size = i, 0
            while j < n and (j == i or size < _CHUNK_CHARS):
                size += len(texts[j])
                j += 1
            n_tokens[i:j] = self._count_chunk(texts[i:j], i, columns, width, voice, dates, cells)
            i = j
        if cells:
            np.add.at(counts.reshape(-1), np.array(cells, dtype=np.int64), 1)
        return counts, n_tokens

    def _count_chunk(self, texts, first, columns, width, voice, dates, cells):
        """Count one chunk of documents (``texts`` are documents ``first ...`` of the batch): append the
        flat cells of their counted matches to ``cells``; return their whitespace token counts."""
        import numpy as np

        from framing.text.normalization import get_profile, lookup_table, normalize_codepoints

        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1] + len(_JOIN), out=starts[1:])
        cps = np.frombuffer(_JOIN.join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        tables = _char_tables()

        # whitespace tokens (what str.split() counts), per document
        space = np.take(tables.space, cps)
        first_char = ~space
        first_char[1:] &= space[:-1]
        if starts[-1] < len(first_char):
            n_tokens = np.add.reduceat(first_char, starts, dtype=np.int64)
        else:  # the last document is empty
            n_tokens = np.diff(np.searchsorted(np.flatnonzero(first_char), np.append(starts, len(cps))))

        mapped, offsets = normalize_codepoints(cps, lookup_table(get_profile("search").steps))
        if offsets is None:
            nstart, nend = starts, starts + lengths
        else:
            nstart = np.searchsorted(offsets, starts)
            nend = np.searchsorted(offsets, starts + lengths)
        # the automaton's view: word characters as they are, every other character a space, padded with
        # a space at both ends; the middle separator of each join blocks keys spanning two documents
        view = np.empty(len(mapped) + 2, dtype=np.uint32)
        view[0] = view[-1] = 0x20
        np.take(tables.view, mapped, out=view[1:-1])
        view[nend[:-1] + 2] = 1
        # quotation marks that open or close a word are dropped from the view (as in :meth:`view`)
        quote_at = np.flatnonzero(np.take(tables.quote, mapped))
        drop = quote_at[:0]
        if len(quote_at):
            # (the padding spaces stand for "no neighbour": a mark at either end is dropped)
            drop = quote_at[(view[quote_at] == 0x20) | (view[quote_at + 2] == 0x20)]
            if len(drop):
                view = np.delete(view, drop + 1)
        vend = nend - np.searchsorted(drop, nend) if len(drop) else nend
        view_str = view.tobytes().decode("utf-32-le", "surrogatepass")

        # every hit as (end, key number), flat; then vectorized: start, document, does it count
        flat = np.fromiter(chain.from_iterable(self.automaton.iter(view_str)), dtype=np.int64)
        if not len(flat):
            return n_tokens
        ends, keys = flat[0::2], flat[1::2]
        hit_starts = ends - self.key_length[keys] + 1  # padded index of the key's space = unpadded start
        docs = np.searchsorted(vend, hit_starts, side="right")
        counting = np.unique(docs[self.key_counts[keys]])
        if not len(counting):
            return n_tokens
        stops = ends - 1
        for g in np.flatnonzero(self.key_glob[keys]).tolist():  # a glob key reaches to the end of the word
            stops[g] = view_str.find(" ", int(ends[g]) + 1) - 1
        if len(drop):  # view positions -> normalized positions
            gaps = drop - np.arange(len(drop))
            hit_starts = hit_starts + np.searchsorted(gaps, hit_starts, side="right")
            stops = stops + np.searchsorted(gaps, stops - 1, side="right")
        base = nstart[docs]
        local_starts = (hit_starts - base).tolist()
        local_stops = (stops - base).tolist()
        key_list = keys.tolist()
        bounds = np.searchsorted(docs, np.stack([counting, counting + 1])).T.tolist()
        key_ids = self.key_ids
        want_voice = voice != "all"
        chunk_norm = mapped.tobytes().decode("utf-32-le", "surrogatepass")
        nstart_list = nstart.tolist()
        nend_list = nend.tolist()
        for doc, (lo, hi) in zip(counting.tolist(), bounds):
            norm = chunk_norm[nstart_list[doc]:nend_list[doc]]
            local = list(zip(local_starts[lo:hi], local_stops[lo:hi], [key_ids[k] for k in key_list[lo:hi]]))
            resolved = self.resolve(norm, local, date=dates[first + doc] if dates is not None else None)
            if not resolved:
                continue
            voices = self.voice_index(norm) if want_voice else None
            row = (first + doc) * width
            for kind, s, e, idx, _alias, reason, _head in resolved:
                if reason:
                    continue
                if want_voice:
                    v, _scare = voices.classify(s, e, norm.count(" ", s, e) + 1,
                                                evaluative=self.evaluative(kind, idx))
                    if v != voice:
                        continue
                cells.append(row + columns[idx])
        return n_tokens

    def entry_columns(self, feature_index: dict) -> dict:
        """``entry index -> column`` given ``{("category", name, None) | ("label", referent, stance): column}``."""
        out = {}
        for idx, (role, _entry, owner, stance) in enumerate(self.entries):
            if role == _CATEGORY:
                out[idx] = feature_index[("category", owner, None)]
            elif role == _LABEL:
                out[idx] = feature_index[("label", owner, stance)]
        return out

    # -- the public operation --------------------------------------------------------------------
    def find(self, text: str, kinds=("category", "label"), *, date=None, scope: str = "in") -> list[Match]:
        """Matches in ``text``: only those that count (``scope="in"``) or all, with why (``"all"``)."""
        norm, offsets = offsets_array(text)
        hits = self.hits(norm)
        if not hits:
            return []
        resolved = self.resolve(norm, hits, kinds, date=date)
        if not resolved:
            return []
        voices = self.voice_index(norm)
        out = []
        for kind, s, e, idx, attached_idx, reason, head in resolved:
            if reason and scope == "in":
                continue
            role, entry, owner, stance = self.entries[idx]
            os_, oe = original_span(text, offsets, s, e)
            voice, scare = voices.classify(s, e, norm.count(" ", s, e) + 1, evaluative=self.evaluative(kind, idx))
            out.append(Match(
                start=os_, end=oe, surface=text[os_:oe], kind=kind,
                category=owner if role == _CATEGORY else None,
                referent=owner if role in (_LABEL, _ALIAS) else head,
                stance=stance, term=entry.term, quoted=voice == "quoted", scare_quoted=scare,
                alias=self.entries[attached_idx][1].term if attached_idx is not None else None,
                voice=voice, in_scope=not reason, scope_reason=reason,
            ))
        return out


class _Phrase:
    """A context or exclude phrase, compiled like an entry (clitics and inflection allowed)."""

    __slots__ = ("forms", "term")
    glob = False
    inflect = True
    self_identifying = False

    def __init__(self, form: str):
        self.forms = (form,)
        self.term = form


_JOIN = "\n\n\n"  # between documents of a batch: kept by normalization, never squeezed
_CHUNK_CHARS = 1 << 17  # characters normalized and scanned at once: the arrays stay in the cache


class _CharTables:
    """Per code point (all of Unicode): is it whitespace (``str.split``), a quotation mark, and what the
    automaton sees of it (itself for a word character, what the regex ``\\w`` matches, else a space)."""

    __slots__ = ("space", "quote", "view")

    def __init__(self):
        import numpy as np

        every = "".join(map(chr, range(0x110000)))
        self.view = np.frombuffer(_NONWORD.sub(" ", every).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.space = np.zeros(0x110000, dtype=bool)
        self.space[[i for i, c in enumerate(every[:0x3001]) if c.isspace()]] = True  # none above U+3000
        self.quote = np.zeros(0x110000, dtype=bool)
        self.quote[[ord(c) for c in QUOTE_CHARS]] = True


_TABLES: list = []


def _char_tables() -> _CharTables:
    if not _TABLES:
        _TABLES.append(_CharTables())
    return _TABLES[0]


def _longest_first(spans):
    """Leftmost, then longest, non-overlapping selection of (start, end, idx)."""
    spans = sorted(spans, key=lambda r: (r[0], -(r[1] - r[0]), r[2]))
    chosen, last_end = [], -1
    for s, e, idx in spans:
        if s >= last_end:
            chosen.append((s, e, idx))
            last_end = e
    return chosen


def compile_lexicon(lexicon) -> CompiledLexicon:
    """Compile (once; cached on the lexicon object) a lexicon, name or path for matching."""
    lex = as_lexicon(lexicon)
    compiled = lex._cache.get("compiled")
    if compiled is None:
        compiled = CompiledLexicon(lex)
        lex._cache["compiled"] = compiled
    return compiled


def find_matches(text: str, lexicon, *, kinds=("category", "label"), date=None, scope: str = "in") -> list[Match]:
    """Find the lexicon's categories and labels in ``text``.

    Parameters
    ----------
    text : str
        The original text; match offsets index into it.
    lexicon : Lexicon, str or path
        A :class:`framing.Lexicon`, the name of a bundled lexicon or a path to a YAML file.
    kinds : tuple of str
        Which kinds to report: ``"category"``, ``"label"`` and (for concordances) ``"alias"``.
    date : date, str or Timestamp, optional
        The document's date, for entries with ``valid`` ranges.
    scope : {"in", "all"}
        ``"in"`` (default) reports only hits that count; ``"all"`` also those the lexicon's scope
        rules keep out, with ``in_scope=False`` and their ``scope_reason``.

    Returns
    -------
    list of Match, sorted by position.
    """
    from framing.errors import FramingError

    if not isinstance(text, str):
        raise FramingError(f"find_matches expects the text as a str, got {type(text).__name__}")
    bad = set(kinds) - {"category", "label", "alias"}
    if bad:
        raise FramingError(f"unknown match kinds {sorted(bad)}; expected category, label or alias")
    if scope not in ("in", "all"):
        raise FramingError(f"scope must be 'in' or 'all'; got {scope!r}")
    return compile_lexicon(lexicon).find(text, kinds, date=date, scope=scope)
