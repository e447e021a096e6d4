"""Where a document's sentences end, and where its colons and "according to" keys stand: one compiled
pass over the normalized text, for :class:`framing.text.voice.VoiceIndex`.

Without it the voice of a span is found by searching outward from the span for the sentence ends and by
running regular expressions over its sentence (is there an "according to" marker, a كما, a colon?). For a
document with many matches that repeats work; one pass over the code points finds all of it at once:

``ends``
    the sentence ends, exactly as :meth:`VoiceIndex._terminator_starts` finds them: a newline or one of the
    terminators of ``framing/data/attribution.yaml``, and a full stop unless a digit follows it or it
    closes a one-letter word (``د.``) — the attribution data's ``terminator`` pattern;
``colons``
    every ``:``;
``keys``
    every occurrence (overlapping ones too) of the substrings that every "according to" marker holds
    (``marker_key_re``) and of the word of «كما أعلنت» (``as_said``), as ``(start, end)`` sorted by start.

The pass is compiled with numba (imported on first use; the character tables are built from Python's own
``re`` classes then). :func:`doc_events` returns None when numba cannot be imported, and the voice falls
back to the searches. ``tests/text/test_events.py`` checks it against those searches.

>>> ev = doc_events("قال: بحسب المصدر. وصل 3.5 طن")
>>> ev.ends, ev.colons, ev.keys  # (the full stop of 3.5 ends no sentence)
([16], [3], [(6, 9)])
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np

from framing.text.attribution import AttributionData, attribution_data

__all__ = ["DocEvents", "EventTables", "build_event_tables", "doc_events", "event_tables", "find_events", "ENGINE"]

#: ``"numba"`` (the compiled pass, the default) or ``"python"`` (no pass: :class:`VoiceIndex` searches)
ENGINE = "numba"

# bits of the character table
_WORD = 1  # \w
_DIGIT = 2  # \d
_END = 4  # a sentence terminator other than the full stop (newline included)


class DocEvents(NamedTuple):
    """The sentence ends, colons and key occurrences of one normalized text (see the module)."""

    ends: list[int]
    colons: list[int]
    key_starts: list[int]
    key_ends: list[int]

    @property
    def keys(self) -> list[tuple[int, int]]:
        return list(zip(self.key_starts, self.key_ends, strict=True))


class EventTables(NamedTuple):
    chars: np.ndarray  # uint8 per code point (0 .. 0x10FFFF): the bits above
    pairs: np.ndarray  # uint8, 65536: 1 where (first * 31 + second character) & 0xFFFF of a key falls
    firsts: np.ndarray  # uint8 per code point: 1 + the first key (in keys) starting with it, 0 for none
    keys: np.ndarray  # int32, keys x longest key: the code points of each key, 0-padded
    lengths: np.ndarray  # int32: the length of each key


def find_events(cp: np.ndarray, chars: np.ndarray, pairs: np.ndarray, firsts: np.ndarray, keys: np.ndarray,
                lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pass (compiled by :func:`_kernel`): ``(ends, colons, key_starts, key_ends)`` as int64 arrays,
    for the code points ``cp`` of one text."""
    n = cp.shape[0]
    ends = np.empty(n, np.int64)
    colons = np.empty(n, np.int64)
    kstart = np.empty(n + 1, np.int64)
    kend = np.empty(n + 1, np.int64)
    n_end = 0
    n_colon = 0
    n_key = 0
    for i in range(n):
        c = cp[i]
        bits = chars[c]
        if bits & 4:
            ends[n_end] = i
            n_end += 1
        elif c == 46:  # ".": not before a digit, not after a one-letter word
            digit_after = i + 1 < n and (chars[cp[i + 1]] & 2) != 0
            letter_before = i >= 1 and (chars[cp[i - 1]] & 3) == 1 and cp[i - 1] != 95
            one_letter = letter_before and (i < 2 or (chars[cp[i - 2]] & 1) == 0 or cp[i - 2] == 95)
            if not (digit_after or one_letter):
                ends[n_end] = i
                n_end += 1
        elif c == 58:
            colons[n_colon] = i
            n_colon += 1
        if i + 1 < n and pairs[(c * 31 + cp[i + 1]) & 0xFFFF] and firsts[c]:
            # (the first two characters may start a key: keys are sorted, those starting with this
            # character are keys[firsts[c] - 1 : ...])
            k = firsts[c] - 1
            while k < keys.shape[0] and keys[k, 0] == c:
                m = lengths[k]
                if i + m <= n:
                    j = 1
                    while j < m and cp[i + j] == keys[k, j]:
                        j += 1
                    if j == m:
                        kstart[n_key] = i
                        kend[n_key] = i + m
                        n_key += 1
                        break  # (no key is the start of another: event_tables)
                k += 1
    return ends[:n_end], colons[:n_colon], kstart[:n_key], kend[:n_key]


_TABLES: list[EventTables] = []
_KERNEL: list[Any] = []


def event_tables() -> EventTables:
    """The tables of the bundled attribution data (built once, on first use)."""
    if not _TABLES:
        _TABLES.append(build_event_tables(attribution_data()))
    return _TABLES[0]


def build_event_tables(data: AttributionData) -> EventTables:
    """The character table (from ``re``'s own ``\\w`` and ``\\d``, and the data's terminators) and the keys
    (the data's marker keys and its word of «كما أعلنت»)."""
    cps = np.arange(0x110000, dtype=np.uint32)
    cps[0xD800:0xE000] = 0x20  # (surrogates cannot be text)
    every = cps.tobytes().decode("utf-32-le")
    chars = np.zeros(0x110000, dtype=np.uint8)
    for pattern, bit in ((r"\w+", _WORD), (r"\d+", _DIGIT)):
        for m in re.finditer(pattern, every):
            chars[m.start():m.end()] |= bit
    for c in set(data.terminator_set) - {"."}:
        chars[ord(c)] |= _END
    words = sorted(set(data.marker_keys) | {data.as_said})
    if len(words) > 254:
        raise ValueError(f"framing/data/attribution.yaml: {len(words)} marker keys; the pass takes at most 254")
    if any(len(w) < 2 for w in words) or any(w != v and v.startswith(w) for w in words for v in words):
        # the pass takes one key per position: a key that starts another would hide it
        raise ValueError("framing/data/attribution.yaml: a marker key has one character or starts "
                         f"another one: {words}; lengthen it, or drop the longer phrase's key")
    width = max(map(len, words))
    keys = np.zeros((len(words), width), dtype=np.int32)
    firsts = np.zeros(0x110000, dtype=np.uint8)  # (1.1 MB: a key number fits a byte, checked above)
    pairs = np.zeros(0x10000, dtype=np.uint8)
    for k, w in enumerate(words):  # (sorted: the keys with one first character are neighbours)
        keys[k, :len(w)] = [ord(c) for c in w]
        pairs[(ord(w[0]) * 31 + ord(w[1])) & 0xFFFF] = 1
        if not firsts[ord(w[0])]:
            firsts[ord(w[0])] = k + 1
    lengths = np.array([len(w) for w in words], dtype=np.int32)
    return EventTables(chars, pairs, firsts, keys, lengths)


def _kernel() -> Any:
    if not _KERNEL:
        import numba

        try:
            compiled = numba.njit(cache=True, nogil=True)(find_events)
        except RuntimeError:  # no writable cache folder: compiled in every process
            compiled = numba.njit(cache=False, nogil=True)(find_events)
        _KERNEL.append(compiled)
    return _KERNEL[0]


def doc_events(norm: str) -> DocEvents | None:
    """The events of ``norm`` (text normalized with the ``search`` profile), or None when the compiled
    pass is unavailable (numba cannot be imported, or :data:`ENGINE` is ``"python"``)."""
    if ENGINE != "numba":
        return None
    try:
        kernel = _kernel()
    except ImportError:
        return None
    t = event_tables()
    cp = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends, colons, ks, ke = kernel(cp, t.chars, t.pairs, t.firsts, t.keys, t.lengths)
    return DocEvents(ends.tolist(), colons.tolist(), ks.tolist(), ke.tolist())
