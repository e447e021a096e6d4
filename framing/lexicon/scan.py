"""Reading text with the automaton: the hits of one text, and the counts of a batch (the features hot path).

The automaton (:mod:`framing.lexicon.compile`) reads a *view* of the normalized text: non-word
characters blanked one for one, quotation marks that open or close a word dropped (so that
«تنظيم "الدولة الإسلامية"» is one phrase), padded with a space at both ends. Its padded keys then only
match whole words. Positions are mapped back to the normalized text.

:func:`count_batch` gives exactly what counting the in-scope matches of one voice found one text at a
time would give, but reads chunks of about ``CHUNK_CHARS`` characters (small enough to stay in the
processor's cache) at once and builds no match objects: by default with the compiled scanner of
:mod:`framing.lexicon.kernel` (one pass normalizes, counts tokens and builds the view, a second walks the
automaton's flat tables; numba), else (``engine="numpy"``, or without numba) with vectorized numpy
passes and one pyahocorasick run per chunk. Only documents with a category or label hit are resolved
(:func:`framing.lexicon.resolve.resolve_counted`) and, for their counted matches, voiced
(:func:`framing.text.voicebatch.classify_batch`): their hits and normalized code points are gathered over
chunks (about ``RESOLVE_CHARS`` characters of them, :mod:`framing.lexicon.tally`) and resolved and voiced
for all of them at once; a document's str is decoded only where Python code still reads it.

>>> from framing.lexicon.compile import CompiledForms
>>> from framing.lexicon.load import Lexicon
>>> forms = CompiledForms(Lexicon.from_dict({"name": "toy", "referents": {"isis": {"aliases": ["داعش"],
...     "labels": {"neutral": [{"term": "تنظيم الدولة الاسلامية", "self": True}]}}}}))
>>> padded, positions = view('قال تنظيم "الدولة الاسلامية"')
>>> padded, positions[9:11]
(' قال تنظيم الدولة الاسلامية ', [9, 11])
>>> from framing.text.normalization import normalize
>>> norm = normalize('قال تنظيم "الدولة الإسلامية"')
>>> [norm[s:e] for s, e, _ids in text_hits(forms, norm)]
['تنظيم "الدوله الاسلاميه']
>>> count_batch(forms, ['قال تنظيم "الدولة الإسلامية"', "لا شيء"], {1: 0}).counts.tolist()
[[1], [0]]
"""

from __future__ import annotations

import re
import sys
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from framing.lexicon.compile import CompiledForms
from framing.lexicon.kernel import Scanned, char_table, scan_chunk, scan_kernel
from framing.lexicon.tally import Pending
from framing.text.normalization import get_profile, lookup_table, normalize_codepoints
from framing.text.quotes import QUOTE_CHARS

__all__ = ["view", "text_hits", "CharTables", "char_tables", "BatchCounts", "count_batch", "CHUNK_CHARS",
           "ENGINE", "RESOLVE_CHARS", "kernel_ready", "scan_texts"]

_NONWORD = re.compile(r"\W")
_QUOTE_RE = re.compile("[" + re.escape(QUOTE_CHARS) + "]")
_JOIN = "\n\n\n"  # between documents of a batch: kept by normalization, never squeezed
#: characters normalized and scanned at once by :func:`count_batch`: the arrays stay in the cache
CHUNK_CHARS = 1 << 17
#: normalized characters of the documents to resolve gathered before they are resolved together
RESOLVE_CHARS = 1 << 20
#: the default engine of :func:`count_batch`: ``"numba"`` (the compiled scanner) or ``"numpy"``
ENGINE = "numba"


def view(norm: str) -> tuple[str, list[int] | None]:
    """``(padded view, positions)``: the text the automaton reads, and for each view character (after
    the padding space) its index in ``norm`` (None when the view is ``norm`` one for one)."""
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


def text_hits(forms: CompiledForms, norm: str) -> list[tuple[int, int, tuple[int, ...]]]:
    """All whole-word hits in normalized text: ``(start, end, entry ids)`` in normalized coordinates."""
    padded, pos = view(norm)
    out = []
    key_info = forms.key_info
    for end, k in forms.automaton.iter(padded):
        klen, ids, glob = key_info[k]
        start = end - klen + 1  # padded index of the key's space = unpadded start of the word
        stop = padded.find(" ", end + 1) - 1 if glob else end - 1
        if pos is not None:
            start, stop = pos[start], pos[stop - 1] + 1
        out.append((start, stop, ids))
    return out


class CharTables:
    """Per code point of the Basic Multilingual Plane: is it whitespace (``str.split``), a quotation mark,
    and what the automaton sees of it (itself for a word character — what the regex ``\\w`` matches:
    ``str.isalnum()`` or ``_`` — else a space). Code points above U+FFFF are looked up as U+FFFF (no
    word character, no space, no mark) and their view is fixed one by one."""

    __slots__ = ("quote", "space", "view")

    def __init__(self) -> None:
        bmp = "".join(map(chr, range(0x10000)))
        word = np.fromiter(map(str.isalnum, bmp), dtype=bool, count=0x10000)
        word[ord("_")] = True
        self.view = np.where(word, np.arange(0x10000, dtype=np.uint32), np.uint32(0x20))
        self.space = np.fromiter(map(str.isspace, bmp), dtype=bool, count=0x10000)
        self.quote = np.zeros(0x10000, dtype=bool)
        self.quote[[ord(c) for c in QUOTE_CHARS]] = True


_TABLES: list[CharTables] = []


def char_tables() -> CharTables:
    """The character tables, built once on first use."""
    if not _TABLES:
        _TABLES.append(CharTables())
    return _TABLES[0]


def _bmp(cps: np.ndarray) -> tuple[np.ndarray, bool]:
    """``(indices into a CharTables table, any code point above U+FFFF?)``: those are clipped to U+FFFF."""
    if len(cps) and cps.max() > 0xFFFF:
        return np.minimum(cps, 0xFFFF), True
    return cps, False


class BatchCounts(NamedTuple):
    """What :func:`count_batch` returns: counts (documents × columns) and whitespace token counts."""

    counts: np.ndarray
    n_tokens: np.ndarray


def count_batch(forms: CompiledForms, texts: list[str], columns: dict[int, int], voice: str = "own",
                dates: Any = None, engine: str | None = None) -> BatchCounts:
    """Per-document feature counts and whitespace token counts for a batch of texts.

    Parameters
    ----------
    forms : CompiledForms
    texts : list of str
    columns : dict
        ``entry index -> column`` for category and label entries (see
        :meth:`~framing.lexicon.compile.CompiledForms.entry_columns`).
    voice : {"own", "quoted", "reported", "all"}
    dates : list, optional
        One date per text (None or NaT when unknown), for entries with ``valid`` ranges.
    engine : {"numba", "numpy"}, optional
        ``"numba"`` (the default, :data:`ENGINE`): the compiled scanner of :mod:`framing.lexicon.kernel`;
        ``"numpy"``: numpy passes and pyahocorasick (:class:`_Chunk`), the reference it is tested against.
        The numpy path also serves when numba cannot be imported or the lexicon's keys do not fit the
        compiled tables. Both count the same.

    Returns
    -------
    BatchCounts
        ``counts`` (int64, documents × columns) and ``n_tokens`` (int64, one per document).
    """
    n = len(texts)
    width = max(columns.values(), default=-1) + 1
    counts = np.zeros((n, width), dtype=np.int64)
    n_tokens = np.zeros(n, dtype=np.int64)
    cells: list[int] = []  # flat (document, column) cells, one per counted match
    use_kernel = (engine or ENGINE) == "numba" and kernel_ready(forms)
    pending = Pending()
    i = 0
    while i < n:
        j, size = i, 0
        while j < n and (j == i or size < CHUNK_CHARS):
            size += len(texts[j])
            j += 1
        if use_kernel and size < _KERNEL_MAX:
            scanned = _KernelChunk(forms, texts[i:j])
            n_tokens[i:j] = scanned.n_tokens
            _count_scanned(forms, scanned, i, pending)
        else:
            chunk = _Chunk(texts[i:j])
            n_tokens[i:j] = chunk.n_tokens
            _count_chunk(forms, chunk, i, pending)
        i = j
        if pending.size >= RESOLVE_CHARS or i == n:
            pending.resolve(forms, columns, width, voice, dates, cells)
    if cells:
        np.add.at(counts.reshape(-1), np.array(cells, dtype=np.int64), 1)
    return BatchCounts(counts, n_tokens)


class _Chunk:
    """A chunk of documents joined, normalized and turned into the automaton's view, with numpy."""

    def __init__(self, texts: list[str]):
        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1] + len(_JOIN), out=starts[1:])
        cps = np.frombuffer(_JOIN.join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        tables = char_tables()

        # whitespace tokens (what str.split() counts), per document
        space = np.take(tables.space, _bmp(cps)[0])
        first_char = ~space
        first_char[1:] &= space[:-1]
        if starts[-1] < len(first_char):
            self.n_tokens = np.add.reduceat(first_char, starts, dtype=np.int64)
        else:  # the last document is empty
            self.n_tokens = np.diff(np.searchsorted(np.flatnonzero(first_char), np.append(starts, len(cps))))

        mapped, offsets = normalize_codepoints(cps, lookup_table(get_profile("search").steps))
        if offsets is None:
            nstart, nend = starts, starts + lengths
        else:
            nstart = np.searchsorted(offsets, starts)
            nend = np.searchsorted(offsets, starts + lengths)
        # the view: word characters as they are, every other character a space, padded with a space at
        # both ends; the middle separator of each join blocks keys spanning two documents
        padded = np.empty(len(mapped) + 2, dtype=np.uint32)
        padded[0] = padded[-1] = 0x20
        bmp, astral = _bmp(mapped)
        np.take(tables.view, bmp, out=padded[1:-1])
        if astral:
            pos = np.flatnonzero(mapped > 0xFFFF)
            padded[pos + 1] = [c if chr(c).isalnum() else 0x20 for c in mapped[pos].tolist()]
        padded[nend[:-1] + 2] = 1
        # quotation marks that open or close a word are dropped from the view (as in view())
        quote_at = np.flatnonzero(np.take(tables.quote, bmp))
        drop = quote_at[:0]
        if len(quote_at):
            # (the padding spaces stand for "no neighbour": a mark at either end is dropped)
            drop = quote_at[(padded[quote_at] == 0x20) | (padded[quote_at + 2] == 0x20)]
            if len(drop):
                padded = np.delete(padded, drop + 1)
        self.mapped, self.nstart, self.nend, self.drop = mapped, nstart, nend, drop
        self.vend = nend - np.searchsorted(drop, nend) if len(drop) else nend  # document ends in the view
        self.view = padded.tobytes().decode("utf-32-le", "surrogatepass")

    def to_norm(self, pos: np.ndarray) -> np.ndarray:
        """View positions -> normalized positions (the dropped quotation marks put back)."""
        if not len(self.drop):
            return pos
        gaps = self.drop - np.arange(len(self.drop))
        return pos + np.searchsorted(gaps, pos, side="right")


def _to_resolve(forms: CompiledForms, docs: np.ndarray, keys: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents to resolve, and the hits that lie in them: documents with a category or label hit and
    with a category, an alias or a self-identifying label (without one, a label attaches to nothing and
    nothing counts). ``docs`` and ``keys``: the document and key of each hit."""
    wanted = np.zeros(n_docs, dtype=bool)
    wanted[docs[forms.key_counts[keys]]] = True
    anchored = np.zeros(n_docs, dtype=bool)
    anchored[docs[forms.key_anchors[keys]]] = True
    wanted &= anchored
    counting = np.flatnonzero(wanted)
    if not len(counting):
        return counting, counting
    return counting, np.flatnonzero(wanted[docs])


def _count_chunk(forms: CompiledForms, chunk: _Chunk, first: int, pending: Pending) -> None:
    """Add the hits of the documents to resolve of one chunk (documents ``first ...``) to ``pending``."""
    # every hit as (end, key number), flat; then vectorized: start, document, does it count
    flat = np.fromiter(chain.from_iterable(forms.automaton.iter(chunk.view)), dtype=np.int64)
    if not len(flat):
        return
    ends, keys = flat[0::2], flat[1::2]
    hit_starts = ends - forms.key_length[keys] + 1  # padded index of the key's space = unpadded start
    docs = np.searchsorted(chunk.vend, hit_starts, side="right")
    counting, sel = _to_resolve(forms, docs, keys, len(chunk.vend))
    if not len(counting):
        return
    ends, keys, hit_starts, docs = ends[sel], keys[sel], hit_starts[sel], docs[sel]
    stops = ends - 1
    for g in np.flatnonzero(forms.key_glob[keys]).tolist():  # a glob key reaches to the end of the word
        stops[g] = chunk.view.find(" ", int(ends[g]) + 1) - 1
    hit_starts = chunk.to_norm(hit_starts)
    stops = chunk.to_norm(stops - 1) + 1
    pending.add(first, counting, docs, keys, hit_starts, stops, chunk.nstart, chunk.nend,
                chunk.mapped.astype(np.uint32, copy=False))


def scan_texts(forms: CompiledForms, texts: list[str], compiled: bool = True) -> Scanned:
    """Read ``texts`` with the compiled scanner (:func:`framing.lexicon.kernel.scan_chunk`): their
    normalized code points, whitespace token counts and hits (key numbers, normalized coordinates).
    Requires :func:`kernel_ready`; ``compiled=False`` runs the kernel as plain Python (slow)."""
    if forms.tables is None or forms.scan_tables is None:
        raise ValueError("the compiled scanner cannot read for this lexicon (see kernel_ready)")
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=starts[1:])
    # the code points: numpy's copy of a str (4 bytes a character) is faster than encoding it as UTF-32
    joined = "".join(texts)
    cps = np.array(joined).reshape(1).view(np.uint32)[:starts[-1]]
    astral = _NO_ASTRAL
    # characters above U+FFFF: is each a word character? (in order; rare). CPython keeps a str with one at
    # 4 bytes a character, else at 1 or 2: a str of fewer than 3 bytes a character has none (not searched)
    if sys.getsizeof(joined) >= 3 * len(joined) and len(cps) and cps.max() > 0xFFFF:
        astral = np.array([chr(c).isalnum() for c in cps[cps > 0xFFFF].tolist()], dtype=np.bool_)
    return scan_chunk(cps, starts, astral, forms.scan_tables, forms.tables, forms.key_length, forms.key_glob,
                      compiled)


class _KernelChunk:
    """A chunk of documents read by the compiled scanner."""

    def __init__(self, forms: CompiledForms, texts: list[str]):
        (self.mapped, self.nstart, self.nend, self.n_tokens, self.keys, self.starts,
         self.stops) = scan_texts(forms, texts)

    def norm(self, doc: int) -> str:
        """The normalized text of document ``doc``."""
        return self.mapped[self.nstart[doc]:self.nend[doc]].tobytes().decode("utf-32-le", "surrogatepass")

    def norms(self, docs: list[int]) -> list[str]:
        """The normalized texts of documents ``docs``: cut from the whole chunk decoded once when they make
        most of it (one code point per code unit: the same texts)."""
        starts, ends = self.nstart.tolist(), self.nend.tolist()
        if 2 * sum(ends[d] - starts[d] for d in docs) < len(self.mapped):
            return [self.norm(d) for d in docs]
        text = self.mapped.tobytes().decode("utf-32-le", "surrogatepass")
        return [text[starts[d]:ends[d]] for d in docs]


_NO_ASTRAL = np.zeros(0, dtype=np.bool_)
_KERNEL_MAX = (1 << 31) - (1 << 20)  # the kernel's positions are int32: a larger chunk (one huge text) goes to numpy


def kernel_ready(forms: CompiledForms) -> bool:
    """Can the compiled scanner read for ``forms``? (Its character tables are then built, once.) Not
    when numba cannot be imported or the lexicon's keys do not fit the compiled tables: the numpy path
    reads then."""
    if forms.tables is None:
        return False
    try:
        scan_kernel()
    except ImportError:
        return False
    if forms.scan_tables is None:
        tables = char_tables()
        norm_table, _lengths, expansions, _squeeze = lookup_table(get_profile("search").steps)
        forms.scan_tables = char_table(norm_table, expansions, tables.view != 0x20, tables.space, tables.quote,
                                       forms.tables.classes)
    return True


def _count_scanned(forms: CompiledForms, scanned: _KernelChunk, first: int, pending: Pending) -> None:
    """:func:`_count_chunk` for a chunk read by the compiled scanner (hits already in normalized coordinates)."""
    keys = scanned.keys
    if not len(keys):
        return
    starts = scanned.starts
    docs = np.searchsorted(scanned.nstart, starts, side="right") - 1
    counting, sel = _to_resolve(forms, docs, keys, len(scanned.nstart))
    if not len(counting):
        return
    pending.add(first, counting, docs[sel], keys[sel], starts[sel], scanned.stops[sel], scanned.nstart, scanned.nend,
                scanned.mapped)
