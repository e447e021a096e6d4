"""The automaton of the compiled scanner (:mod:`framing.lexicon.kernel`) as flat tables, built with numpy.

:func:`build_automaton` (run by :class:`framing.lexicon.compile.CompiledForms`) turns the keys of the
lexicon's automaton into a dense deterministic automaton (the Aho-Corasick goto and fail functions folded
into one transition per state and character class) over a compressed alphabet (one class per character
that occurs in a key, class 1 the space, class 0 every other character), with the key each state ends
(``out``) and the next state on its fail chain that ends one (``link``). The key numbers are those of the
pyahocorasick automaton, and the kernel's hits come out in its order: by end, the longest key first.

>>> tables = build_automaton([" ab ", " b "])  # states: the root, " ", " a", " b", " ab", " b ", " ab "
>>> tables.n_states, tables.n_classes, tables.stride, tables.max_out
(7, 4, 4, 1)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["OTHER", "SPACE", "AutomatonTables", "build_automaton"]

#: character classes of the view: 0 for a character in no key (a word character, or the separator
#: between documents), 1 for a space (every non-word character); the classes of key characters follow
OTHER, SPACE = 0, 1


class AutomatonTables(NamedTuple):
    """The flat automaton.

    ``delta`` (uint32, states × ``stride``, flat): the transition from the state whose row starts at
    offset ``r`` on class ``c`` is ``delta[r + c]``: the offset of the next state's row (its number
    times ``stride``, an even number at least ``n_classes``), plus 1 when that state ends a key, itself
    or on its fail chain. ``out``: the key a state ends, or -1; ``link``: the next state on its fail
    chain that ends a key, or -1; ``classes``: the class of each BMP code point (uint8); ``max_out``:
    the most keys one state ends."""

    delta: np.ndarray
    out: np.ndarray
    link: np.ndarray
    classes: np.ndarray
    n_classes: int
    stride: int
    n_states: int
    max_out: int

    @property
    def nbytes(self) -> int:
        return int(self.delta.nbytes + self.out.nbytes + self.link.nbytes + self.classes.nbytes)


def build_automaton(keys: list[str]) -> AutomatonTables | None:
    """The flat automaton of ``keys`` (key number = position in the list), or None when the keys do not
    fit it (a character above U+FFFF or a control character in a key, more than 254 characters)."""
    alphabet = sorted(set("".join(keys)) - {" "})
    if any(ord(c) > 0xFFFF or ord(c) < 0x20 for c in alphabet) or len(alphabet) > 253:
        return None
    classes = np.zeros(0x10000, dtype=np.uint8)
    classes[0x20] = SPACE
    classes[[ord(c) for c in alphabet]] = np.arange(2, len(alphabet) + 2, dtype=np.uint8)
    n_classes = len(alphabet) + 2
    n = len(keys)
    if not n:
        stride = n_classes + (n_classes & 1)
        return AutomatonTables(np.zeros(stride, dtype=np.uint32), np.full(1, -1, dtype=np.int32),
                               np.full(1, -1, dtype=np.int32), classes, n_classes, stride, 1, 0)
    order = sorted(range(n), key=keys.__getitem__)
    lens = np.fromiter((len(keys[i]) for i in order), dtype=np.int64, count=n)
    width = int(lens.max())
    cps = np.frombuffer("".join(keys[i] for i in order).encode("utf-32-le"), dtype=np.uint32)
    rows = np.repeat(np.arange(n), lens)
    cols = np.arange(len(cps)) - np.repeat(np.cumsum(lens) - lens, lens)
    mat = np.zeros((n, width), dtype=np.uint8)  # class codes, sorted keys by rows
    mat[rows, cols] = classes[cps]
    # the longest common prefix with the previous key: a node of depth d+1 is new where d >= lcp
    lcp = np.zeros(n, dtype=np.int64)
    if n > 1:
        differ = mat[1:] != mat[:-1]
        first = np.where(differ.any(axis=1), differ.argmax(axis=1), width)
        lcp[1:] = np.minimum(first, np.minimum(lens[1:], lens[:-1]))
    depth = np.arange(width)
    new = (depth[None, :] < lens[:, None]) & (depth[None, :] >= lcp[:, None])
    # states numbered breadth first (depth by depth, key by key within a depth), 0 the root: the shallow
    # states, which most characters of a text reach, lie together at the start of the table
    new_t = np.ascontiguousarray(new.T)
    n_states = int(new.sum()) + 1
    node = np.zeros((width, n), dtype=np.int32)
    node[new_t] = np.arange(1, n_states, dtype=np.int32)
    np.maximum.accumulate(node, axis=1, out=node)  # a shared prefix: the state of the key above
    out = np.full(n_states, -1, dtype=np.int32)
    out[node[lens - 1, np.arange(n)]] = np.asarray(order, dtype=np.int32)
    delta = np.zeros((n_states, n_classes), dtype=np.int32)
    fail = np.zeros(n_states, dtype=np.int32)
    link = np.full(n_states, -1, dtype=np.int32)
    n_out = np.zeros(n_states, dtype=np.int32)  # keys ended by the state and its fail chain
    for d in range(width):
        r = np.flatnonzero(new_t[d])
        child = node[d, r]
        parent = node[d - 1, r] if d else np.zeros(len(r), dtype=np.int32)
        cls = mat[r, d]
        if d:  # the parents' rows are still their fail states' rows: the fail of a child is found there
            fail[child] = delta[parent, cls]
        delta[parent, cls] = child
        f = fail[child]
        link[child] = np.where(out[f] >= 0, f, link[f])
        n_out[child] = (out[child] >= 0) + n_out[f]
        # the children's rows: their fail state's (complete: it is shallower), their own edges come next
        delta[child] = delta[f]
    # flat: a transition is the offset of the next state's row, plus 1 when that state ends a key (itself
    # or on its fail chain); rows of an even length leave that bit free. The kernel's next step is then
    # one addition and one load.
    stride = n_classes + (n_classes & 1)
    flat = np.zeros((n_states, stride), dtype=np.uint32)
    flat[:, :n_classes] = delta.astype(np.uint32) * np.uint32(stride) + (n_out[delta] > 0)
    return AutomatonTables(flat.reshape(-1), out, link, classes, n_classes, stride, n_states, int(n_out.max()))
