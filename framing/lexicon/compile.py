"""The compiled form of a lexicon: every entry with its role, and one automaton over their surface forms.

Every entry of a lexicon — a category term, an alias or a label of a referent, a title, a linker, a
modifier, a head word — and every scope phrase (the ``context`` and ``exclude`` words) becomes a
:class:`CompiledEntry`, numbered in that order. Every surface form of every entry (proclitics on the first
word, inflection on the last: see :mod:`framing.text.morphology`; a pattern ``ميليشي*`` matches every
word it starts; a modifier may stand inside a multi-word term) becomes a key of one Aho-Corasick
automaton (pyahocorasick). Keys are padded with spaces (a pattern only in front), so that on the padded
view of a text (:mod:`framing.lexicon.scan`) every hit is a whole-word hit. The value of a key is its
number; :attr:`CompiledForms.key_ids` and the ``key_*`` arrays describe each key. The same keys, with
the same numbers, also become the flat tables of the compiled scanner (:attr:`CompiledForms.tables`,
:func:`framing.lexicon.automaton.build_automaton`).

>>> from framing.lexicon.load import Lexicon
>>> lex = Lexicon.from_dict({"name": "toy", "referents": {"haftar_camp": {"aliases": ["حفتر"],
...     "labels": {"delegitimizing": ["ميليشيا"]}}}})
>>> forms = CompiledForms(lex)
>>> [(ROLE_NAMES[e.role], e.entry.term, e.owner, e.stance) for e in forms.entries]
[('alias', 'حفتر', 'haftar_camp', None), ('label', 'ميليشيا', 'haftar_camp', 'delegitimizing')]
>>> forms.key_ids[forms.automaton.get(" وميليشيات ")]
(1,)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from framing.lexicon.automaton import build_automaton
from framing.lexicon.model import Lexicon
from framing.lexicon.scope import Rule
from framing.text.morphology import inflected_forms, proclitic_forms, surface_forms

__all__ = ["CATEGORY", "LABEL", "ALIAS", "TITLE", "LINKER", "MODIFIER", "HEAD", "CONTEXT", "EXCLUDE",
           "ROLE_NAMES", "CompiledEntry", "Phrase", "CompiledForms"]

#: the roles of compiled entries (``CompiledEntry.role``)
CATEGORY, LABEL, ALIAS, TITLE, LINKER, MODIFIER, HEAD, CONTEXT, EXCLUDE = range(9)
ROLE_NAMES = ("category", "label", "alias", "title", "linker", "modifier", "head", "context", "exclude")


class CompiledEntry(NamedTuple):
    """One entry of the compiled lexicon.

    ``owner`` is the category or referent name for categories, aliases and labels, the phrase number
    for context and exclude phrases, None for titles, linkers, modifiers and heads; ``stance`` is the
    stance of a label (None otherwise)."""

    role: int
    entry: Any  # framing.lexicon.entries.Entry, or a Phrase
    owner: Any
    stance: str | None


class Phrase:
    """A context or exclude phrase, compiled like an entry (clitics and inflection allowed)."""

    __slots__ = ("forms", "term")
    glob = False
    inflect = True
    self_identifying = False

    def __init__(self, form: str):
        self.forms = (form,)
        self.term = form


class CompiledForms:
    """A lexicon's entries, their scope rules and the automaton over their surface forms.

    Attributes
    ----------
    entries : list of CompiledEntry
    roles : list of int
        ``entries[i].role``, for speed.
    rules : dict
        Entry index -> :class:`framing.lexicon.scope.Rule`, for the entries whose scope is limited.
    qualifying : set of str
        The qualifier categories (``qualifies``); ``head_side`` maps their entry indices to where the
        head stands ("before", "after" or "either").
    automaton : ahocorasick.Automaton
        Padded surface form -> key number.
    key_ids : list of tuple of int
        The entries of each key; ``key_length``, ``key_counts`` (does the key name a category or a
        label?), ``key_anchors`` (a category, an alias or a self-identifying label: a document without
        one counts nothing) and ``key_glob`` (a pattern?) are numpy arrays by key number, ``key_info``
        the list of ``(length, entries, glob)``.
    key_entry_start, key_entries : numpy.ndarray
        ``key_ids`` flat: the entries of key ``k`` are ``key_entries[key_entry_start[k]:key_entry_start[k + 1]]``.
    entry_roles, entry_values, entry_referent, entry_self, entry_global, entry_evaluative : numpy.ndarray
        Per entry, for the batch split of :func:`framing.lexicon.resolve.split_batch`: its role; the phrase
        number of a context or exclude phrase, else the entry index; the referent number of an alias or a
        label (-1 otherwise); is it a self-identifying label; is it a global exclude phrase; is it evaluative
        (:meth:`is_evaluative`: quotation marks around it alone are scare quotes).
    tables : framing.lexicon.automaton.AutomatonTables or None
        The automaton's keys as the flat tables of the compiled scanner (:mod:`framing.lexicon.kernel`).
    """

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.window = lexicon.window
        self.undated = lexicon.undated
        self.negators = frozenset(lexicon.negators)
        self.entries: list[CompiledEntry] = []
        for cat in lexicon.categories.values():
            self.entries.extend(CompiledEntry(CATEGORY, e, cat.name, None) for e in cat.entries)
        for ref in lexicon.referents.values():
            self.entries.extend(CompiledEntry(ALIAS, e, ref.name, None) for e in ref.aliases)
            for stance, entries in ref.labels.items():
                self.entries.extend(CompiledEntry(LABEL, e, ref.name, stance) for e in entries)
        for role, entries in ((TITLE, lexicon.titles), (LINKER, lexicon.linkers),
                              (MODIFIER, lexicon.modifiers), (HEAD, lexicon.heads)):
            self.entries.extend(CompiledEntry(role, e, None, None) for e in entries)
        self.qualifying = {c.name for c in lexicon.categories.values() if c.qualifies}
        self.head_side: dict[int, str] = {}  # entry index -> where its head stands (qualifier categories)
        for idx, (role, entry, owner, _stance) in enumerate(self.entries):
            if role == CATEGORY and owner in self.qualifying:
                self.head_side[idx] = entry.head or lexicon.categories[owner].head
        self._compile_scope()
        self.roles = [e.role for e in self.entries]
        self._compile_keys()

    def _compile_scope(self) -> None:
        """Scope rules by entry; context and exclude phrases become entries (and keys) of their own."""
        lexicon = self.lexicon
        context_ids: dict[str, int] = {}
        exclude_ids: dict[str, int] = {}
        self.rules: dict[int, Rule] = {}
        global_ex = frozenset(exclude_ids.setdefault(x, len(exclude_ids)) for x in lexicon.exclude)
        for idx, (role, entry, owner, _stance) in enumerate(list(self.entries)):
            if role not in (CATEGORY, LABEL, ALIAS):
                continue
            owner_scope = (lexicon.categories[owner].scope if role == CATEGORY else lexicon.referents[owner].scope)
            es = entry.scope
            ctx_src = es if es.context else owner_scope
            valid = es.valid or owner_scope.valid
            ex = global_ex | frozenset(exclude_ids.setdefault(x, len(exclude_ids))
                                       for x in (*owner_scope.exclude, *es.exclude))
            ctx = frozenset(context_ids.setdefault(c, len(context_ids)) for c in ctx_src.context)
            if ctx or valid or ex:
                self.rules[idx] = Rule(ctx, ctx_src.context_window, valid, ex)
        self.global_exclude = global_ex  # also keep context words inside them from counting (جنوب السودان)
        self.context_forms = tuple(context_ids)
        self.exclude_forms = tuple(exclude_ids)
        self.entries.extend(CompiledEntry(CONTEXT, Phrase(form), cid, None) for form, cid in context_ids.items())
        self.entries.extend(CompiledEntry(EXCLUDE, Phrase(form), xid, None) for form, xid in exclude_ids.items())

    def _compile_keys(self) -> None:
        """Every surface form of every entry as a key of the automaton."""
        import ahocorasick

        modifier_forms = sorted({f for e in self.lexicon.modifiers for f in e.forms})
        keys: dict[tuple[str, bool], list[int]] = {}

        def add(surface: str, glob: bool, idx: int) -> None:
            ids = keys.setdefault((surface, glob), [])
            if idx not in ids:
                ids.append(idx)

        for idx, (role, entry, _, _) in enumerate(self.entries):
            article = getattr(entry, "article", True)
            for form in entry.forms:
                if entry.glob:
                    words = form.split(" ")
                    for first in proclitic_forms(words[0], article):
                        add(" ".join([first, *words[1:]]), True, idx)
                    continue
                surfaces: frozenset[str] | set[str] = surface_forms(form, inflect=entry.inflect)
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
                if modifier_forms and role in (CATEGORY, LABEL, ALIAS) and " " in form:
                    # a modifier may stand inside a multi-word term: الحكومة [الليبية] المعترف بها دوليا
                    for surface in surfaces:
                        words = surface.split(" ")
                        for k in range(1, len(words)):
                            for mod in modifier_forms:
                                add(" ".join([*words[:k], mod, *words[k:]]), False, idx)
        automaton = ahocorasick.Automaton()
        # per key number: its length, its entries, whether it names a category or a label (titles,
        # linkers, aliases, context and exclude phrases alone never make a count), whether it is a glob
        self.key_ids: list[tuple[int, ...]] = []
        lengths, counts, anchors, globs = [], [], [], []
        padded_keys: list[str] = []
        entries = self.entries
        for (surface, glob), ids in keys.items():
            key = f" {surface}" if glob else f" {surface} "
            automaton.add_word(key, len(self.key_ids))
            padded_keys.append(key)
            self.key_ids.append(tuple(ids))
            lengths.append(len(key))
            counts.append(any(self.roles[i] in (CATEGORY, LABEL) for i in ids))
            anchors.append(any(self.roles[i] in (CATEGORY, ALIAS)
                               or (self.roles[i] == LABEL and entries[i].entry.self_identifying) for i in ids))
            globs.append(glob)
        automaton.make_automaton()
        self.automaton = automaton
        # the same keys, numbered alike, as the flat tables of the compiled scanner (None: it cannot read them)
        self.tables = build_automaton(padded_keys)
        self.scan_tables: Any = None  # the scanner's character tables, built on first use (framing.lexicon.scan)
        self.key_info = list(zip(lengths, self.key_ids, globs, strict=True))
        self.key_length = np.array(lengths, dtype=np.int64)
        self.key_counts = np.array(counts, dtype=bool)
        self.key_anchors = np.array(anchors, dtype=bool)
        self.key_glob = np.array(globs, dtype=bool)
        self.n_keys = len(keys)
        # key_ids flat, and per-entry facts for the batch split (see the class docstring)
        self.key_entry_start = np.zeros(len(self.key_ids) + 1, dtype=np.int64)
        np.cumsum([len(ids) for ids in self.key_ids], out=self.key_entry_start[1:])
        self.key_entries = np.fromiter((i for ids in self.key_ids for i in ids), dtype=np.int64,
                                       count=int(self.key_entry_start[-1]))
        self.entry_roles = np.array(self.roles, dtype=np.int64)
        self.entry_values = np.array([e.owner if e.role in (CONTEXT, EXCLUDE) else i
                                      for i, e in enumerate(entries)], dtype=np.int64)
        referents = {name: k for k, name in enumerate(self.lexicon.referents)}
        self.entry_referent = np.array([referents[e.owner] if e.role in (ALIAS, LABEL) else -1 for e in entries],
                                       dtype=np.int64)
        self.entry_self = np.array([e.role == LABEL and bool(e.entry.self_identifying) for e in entries], dtype=bool)
        self.entry_global = np.array([e.role == EXCLUDE and e.owner in self.global_exclude for e in entries],
                                     dtype=bool)
        self.entry_evaluative = np.array([self.is_evaluative(i) for i in range(len(entries))], dtype=bool)

    def is_evaluative(self, idx: int) -> bool:
        """Is entry ``idx`` evaluative (quotation marks around it alone are scare quotes), or a name?"""
        role, entry, _owner, stance = self.entries[idx]
        if role == ALIAS:
            return False
        if role == LABEL:
            return stance != "neutral" and not entry.name
        return True

    def entry_columns(self, feature_index: dict) -> dict[int, int]:
        """``entry index -> column`` given ``{("category", name, None) | ("label", referent, stance): column}``."""
        out = {}
        for idx, (role, _entry, owner, stance) in enumerate(self.entries):
            if role == CATEGORY:
                out[idx] = feature_index[("category", owner, None)]
            elif role == LABEL:
                out[idx] = feature_index[("label", owner, stance)]
        return out
