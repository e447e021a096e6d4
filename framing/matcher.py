"""Finding lexicon terms in text: whole words, clitic- and inflection-aware, quote-aware.

The whole lexicon is compiled once into an Aho-Corasick automaton (pyahocorasick) over every surface
form of every term (proclitics on the first word, inflection on the last: see
:mod:`framing.morphology`). Text is normalized with the ``search`` profile, non-word characters are
blanked one for one, and keys are padded with spaces, so that every hit is a whole-word hit. Python
only looks at the hits: it picks the longest match, attaches labels to referents and checks quotes.

Rules
-----
* Matches of one kind do not overlap; the leftmost, then the longest, wins.
* A label is reported only when it names a referent: an alias of the referent follows it within the
  lexicon's ``window`` words, directly, through titles, or through a linker (a plain word between the
  label and the alias must be followed by a linker); or the label is self-identifying. The match is
  one match carrying the referent (its span is the label's; ``alias`` holds the alias's term).
* A label inside the span of a longer alias is part of that name, not a label.
* ``quoted``: inside quotation marks — the words belong to a quoted speaker, not the outlet.
  ``scare_quoted``: inside quotation marks that hold the term and at most three other words
  (distancing); a scare-quoted match is also ``quoted`` (it is not the outlet's own label).

>>> from framing.lexicon import Lexicon
>>> lex = Lexicon.from_dict({"name": "toy", "linkers": ["الموالية"], "referents": {"haftar_camp": {
...     "aliases": ["حفتر"], "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
...     "neutral": ["قوات"]}}}})
>>> text = "اشتبكت وميليشيات حفتر مع القوات الموالية لحفتر"
>>> [(text[m.start:m.end], m.stance) for m in find_matches(text, lex)]
[('وميليشيات', 'delegitimizing'), ('القوات', 'neutral')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from framing.lexicon import Lexicon, as_lexicon
from framing.morphology import surface_forms
from framing.normalization import offsets_array, original_span
from framing.quotes import QuoteIndex

__all__ = ["Match", "find_matches", "compile_lexicon", "CompiledLexicon", "MATCH_FIELDS"]

MATCH_FIELDS = ("start", "end", "surface", "kind", "category", "referent", "stance", "term",
                "quoted", "scare_quoted", "alias")

_NONWORD = re.compile(r"\W")
_WORD = re.compile(r"\w+")
_SEP = re.compile(r"[ «»“”\"‘’']*")


@dataclass(frozen=True, slots=True)
class Match:
    """One match. ``text[start:end] == surface`` is exactly what was written in the original text."""

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

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in MATCH_FIELDS}


# roles of compiled entries
_CATEGORY, _LABEL, _ALIAS, _TITLE, _LINKER = range(5)


class CompiledLexicon:
    """A lexicon compiled for matching (built once per lexicon and cached on it)."""

    def __init__(self, lexicon: Lexicon):
        import ahocorasick

        self.lexicon = lexicon
        self.window = lexicon.window
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
        for e in lexicon.titles:
            self.entries.append((_TITLE, e, None, None))
        for e in lexicon.linkers:
            self.entries.append((_LINKER, e, None, None))

        keys: dict[str, list[int]] = {}
        for idx, (_, entry, _, _) in enumerate(self.entries):
            for form in entry.forms:
                for surface in surface_forms(form, inflect=entry.inflect):
                    ids = keys.setdefault(surface, [])
                    if idx not in ids:
                        ids.append(idx)
        automaton = ahocorasick.Automaton()
        for surface, ids in keys.items():
            # the flag: does the key name a category or a label (titles, linkers and aliases alone
            # never make a count)
            counts = any(self.entries[i][0] in (_CATEGORY, _LABEL) for i in ids)
            automaton.add_word(f" {surface} ", (len(surface) + 2, tuple(ids), counts))
        automaton.make_automaton()
        self.automaton = automaton
        self.n_keys = len(keys)

    # -- scanning ------------------------------------------------------------------------------
    def hits(self, norm: str):
        """All whole-word hits in normalized text: ``(start, end, entry_ids)`` in normalized coordinates."""
        view = " " + _NONWORD.sub(" ", norm) + " "
        out = []
        for end, (klen, ids, _counts) in self.automaton.iter(view):
            start = end - klen + 1
            out.append((start, end - 1, ids))
        return out

    def resolve(self, norm: str, hits, kinds=("category", "label")):
        """Turn raw hits into resolved spans: list of (kind, start, end, entry_idx, alias_idx)."""
        cats, aliases, labels = [], [], []
        structural: dict[int, tuple[int, int]] = {}  # start -> (end, role) longest title/linker
        for s, e, ids in hits:
            for idx in ids:
                role = self.entries[idx][0]
                if role == _CATEGORY:
                    cats.append((s, e, idx))
                elif role == _ALIAS:
                    aliases.append((s, e, idx))
                elif role == _LABEL:
                    labels.append((s, e, idx))
                else:
                    prev = structural.get(s)
                    if prev is None or e > prev[0]:
                        structural[s] = (e, role)
        out = []
        want = set(kinds)
        if "category" in want and cats:
            out += [("category", s, e, idx, None) for s, e, idx in _longest_first(cats)]
        alias_spans = _longest_first(aliases) if aliases else []
        if "alias" in want:
            out += [("alias", s, e, idx, None) for s, e, idx in alias_spans]
        if "label" in want and labels:
            out += self._labels(norm, labels, alias_spans, structural)
        out.sort(key=lambda r: (r[1], r[2]))
        return out

    def _labels(self, norm, labels, alias_spans, structural):
        if not alias_spans:
            # nothing to attach to: only self-identifying labels can count
            labels = [r for r in labels if self.entries[r[2]][1].self_identifying]
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
            elif entry.self_identifying:
                attached.append((s, e, idx, None))
        if not attached:
            return []
        # prefer an alias attachment over a self attachment for the same span
        attached.sort(key=lambda r: (r[0], -(r[1] - r[0]), r[3] is None))
        chosen, last_end = [], -1
        for s, e, idx, alias_idx in attached:
            if s >= last_end:
                chosen.append(("label", s, e, idx, alias_idx))
                last_end = e
        return chosen

    def _walk(self, norm: str, pos: int, alias_at, structural):
        """Follow titles, linkers and plain words after a label; return the alias entry it reaches."""
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

    # -- batch counting (the features hot path) --------------------------------------------------
    def count_batch(self, texts: list[str], columns: dict, voice: str = "all"):
        """Per-document feature counts and whitespace token counts for a batch of texts.

        Gives exactly what counting :meth:`find` results would give, but normalizes the whole batch
        in one vectorized pass, scans it with one automaton run, and builds no :class:`Match`
        objects: only documents with hits are decoded and resolved one by one.

        Parameters
        ----------
        texts : list of str
        columns : dict
            ``entry index -> column`` for category and label entries (see :meth:`entry_columns`).
        voice : {"all", "own", "quoted"}

        Returns
        -------
        (counts, n_tokens) : int64 arrays of shape (n, n_columns) and (n,)
        """
        import numpy as np

        from framing.normalization import get_profile, normalize_codepoints, _lookup

        n = len(texts)
        width = max(columns.values(), default=-1) + 1
        counts = np.zeros((n, width), dtype=np.int64)
        n_tokens = np.zeros(n, dtype=np.int64)
        if n == 0:
            return counts, n_tokens
        lookup = _lookup(get_profile("search").steps)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1] + len(_JOIN), out=starts[1:])
        cps = np.frombuffer(_JOIN.join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        tables = _char_tables()

        # whitespace tokens (what str.split() counts), per document
        space = np.take(tables.space, _bmp(cps)[0])
        first = ~space
        first[1:] &= space[:-1]
        if starts[-1] < len(first):
            n_tokens[:] = np.add.reduceat(first, starts, dtype=np.int64)
        else:  # the last document is empty
            n_tokens[:] = np.diff(np.searchsorted(np.flatnonzero(first), np.append(starts, len(cps))))

        mapped, offsets = normalize_codepoints(cps, lookup)
        if offsets is None:
            nstart, nend = starts, starts + lengths
        else:
            nstart = np.searchsorted(offsets, starts)
            nend = np.searchsorted(offsets, starts + lengths)
        bmp, has_astral = _bmp(mapped)
        word = np.take(tables.word, bmp)
        if has_astral:
            pos = np.flatnonzero(mapped > 0xFFFF)
            word[pos] = [chr(c).isalnum() for c in mapped[pos].tolist()]
        view = np.where(word, mapped, np.uint32(0x20))
        view[nend[:-1] + 1] = 1  # the middle separator blocks keys spanning two documents
        view = " " + view.tobytes().decode("utf-32-le", "surrogatepass") + " "

        doc_hits: dict[int, list] = {}
        counting: set[int] = set()  # documents with a category or label hit
        ends_list = nend.tolist()
        doc, limit, hits = 0, ends_list[0], None
        for end, (klen, ids, counts_) in self.automaton.iter(view):
            s = end - klen + 1
            if s >= limit:
                while s >= ends_list[doc]:
                    doc += 1
                limit, hits = ends_list[doc], None
            if hits is None:
                hits = doc_hits[doc] = []
            hits.append((s, end - 1, ids))
            if counts_:
                counting.add(doc)
        quoted_voice = voice != "all"
        cells: list[int] = []  # flat (document, column) cells, one per counted match
        for doc in sorted(counting):
            hits = doc_hits[doc]
            base = int(nstart[doc])
            norm = mapped[base:ends_list[doc]].tobytes().decode("utf-32-le", "surrogatepass")
            local = [(s - base, e - base, ids) for s, e, ids in hits]
            resolved = self.resolve(norm, local)
            if not resolved:
                continue
            quotes = QuoteIndex(norm) if quoted_voice else None
            for _kind, s, e, idx, _alias in resolved:
                if quoted_voice:
                    quoted, _ = quotes.classify(s, e, norm.count(" ", s, e) + 1)
                    if quoted != (voice == "quoted"):
                        continue
                cells.append(doc * width + columns[idx])
        if cells:
            np.add.at(counts.reshape(-1), np.array(cells, dtype=np.int64), 1)
        return counts, n_tokens

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
    def find(self, text: str, kinds=("category", "label")) -> list[Match]:
        norm, offsets = offsets_array(text)
        hits = self.hits(norm)
        if not hits:
            return []
        resolved = self.resolve(norm, hits, kinds)
        if not resolved:
            return []
        quotes = QuoteIndex(norm)
        out = []
        for kind, s, e, idx, alias_idx in resolved:
            role, entry, owner, stance = self.entries[idx]
            os_, oe = original_span(text, offsets, s, e)
            quoted, scare = quotes.classify(s, e, norm.count(" ", s, e) + 1)
            out.append(Match(
                start=os_, end=oe, surface=text[os_:oe], kind=kind,
                category=owner if role == _CATEGORY else None,
                referent=owner if role in (_LABEL, _ALIAS) else None,
                stance=stance, term=entry.term, quoted=quoted, scare_quoted=scare,
                alias=self.entries[alias_idx][1].term if alias_idx is not None else None,
            ))
        return out


_JOIN = "\n\n\n"  # between documents of a batch: kept by normalization, never squeezed


class _CharTables:
    __slots__ = ("word", "space")

    def __init__(self):
        import numpy as np

        chars = [chr(c) for c in range(0x10000)]
        # what the regex \w matches (alphanumeric or underscore) and what str.split() splits on
        self.word = np.fromiter((c.isalnum() or c == "_" for c in chars), dtype=bool, count=0x10000)
        self.space = np.fromiter((c.isspace() for c in chars), dtype=bool, count=0x10000)


_TABLES: list = []


def _bmp(cps):
    """``(indices into a 0x10000 table, any astral?)``: astral code points are clipped to 0xFFFF."""
    import numpy as np

    if len(cps) and cps.max() > 0xFFFF:
        return np.minimum(cps, 0xFFFF), True
    return cps, False


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


def find_matches(text: str, lexicon, *, kinds=("category", "label")) -> list[Match]:
    """Find the lexicon's categories and labels in ``text``.

    Parameters
    ----------
    text : str
        The original text; match offsets index into it.
    lexicon : Lexicon, str or path
        A :class:`framing.Lexicon`, the name of a bundled lexicon or a path to a YAML file.
    kinds : tuple of str
        Which kinds to report: ``"category"``, ``"label"`` and (for concordances) ``"alias"``.

    Returns
    -------
    list of Match, sorted by position.
    """
    if not isinstance(text, str):
        from framing.errors import FramingError

        raise FramingError(f"find_matches expects the text as a str, got {type(text).__name__}")
    bad = set(kinds) - {"category", "label", "alias"}
    if bad:
        from framing.errors import FramingError

        raise FramingError(f"unknown match kinds {sorted(bad)}; expected category, label or alias")
    return compile_lexicon(lexicon).find(text, kinds)
