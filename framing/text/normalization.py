"""Arabic normalization: one orthographic decision per step, composed into named profiles.

Every step is a small pure ``str -> str`` function. Character-level steps are read from the
character maps in ``framing/data/charmaps/*.json`` (data, not code); a profile composes its steps
and, for speed, merges consecutive character maps into a single ``str.translate`` table.

Profiles
--------
``search`` (default)
    What the matcher compares: invisible controls removed, presentation forms decomposed,
    diacritics and tatweel removed, alef forms / alef maqsura / teh marbuta / Persian lookalikes
    folded, digits to ASCII, Unicode spaces to a space and runs of spaces squeezed, quotation-mark
    lookalikes folded to « » “ ” " ' ‘ ’ (kept, so quotes stay recognisable).
``search_hamza``
    ``search`` plus the lossy folding of ؤ → و and ئ → ي (opt-in).
``display``
    Removes only invisible controls (zero-width and bidi marks), so text shown to people cannot be
    reordered by a stray U+202E and is otherwise as written.

Each profile carries a ``version``; a change to a profile's behaviour changes its
:meth:`Profile.fingerprint` and must come with a new version (a test pins both).

>>> normalize("ميلـيشيات")
'ميليشيات'
>>> normalize("الحكومة المعترف بها دوليًا")
'الحكومه المعترف بها دوليا'
>>> text = "قوات\u00a0حفتر"
>>> norm, offsets = normalize_with_offsets("وقُوّات حفتر")
>>> norm
'وقوات حفتر'
>>> offsets[:4]
[0, 1, 3, 5]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

__all__ = [
    "CharMap",
    "Profile",
    "PROFILES",
    "get_profile",
    "normalize",
    "normalize_with_offsets",
    "load_charmap",
    "squeeze_spaces",
]


@dataclass(frozen=True)
class CharMap:
    """A character-level step: each character maps to a string (possibly empty: deleted).

    Calling it applies ``str.translate``. ``table`` maps code points to strings.
    """

    name: str
    description: str
    table: dict = field(repr=False, hash=False, compare=False)

    def __call__(self, text: str) -> str:
        return text.translate(self.table)


@cache
def load_charmap(name: str) -> CharMap:
    """Load ``framing/data/charmaps/<name>.json`` into a :class:`CharMap`.

    The file has ``name``, ``description``, an optional ``delete`` list of inclusive hex ranges,
    and an optional ``map`` of character -> replacement.
    """
    ref = resources.files("framing") / "data" / "charmaps" / f"{name}.json"
    data = json.loads(ref.read_text(encoding="utf-8"))
    table: dict[int, str] = {}
    for lo, hi in data.get("delete", []):
        for cp in range(int(lo, 16), int(hi, 16) + 1):
            table[cp] = ""
    for src, dst in data.get("map", {}).items():
        table[ord(src)] = dst
    return CharMap(name=data["name"], description=data["description"], table=table)


_SPACE_RUN = re.compile(r" {2,}")


def squeeze_spaces(text: str) -> str:
    """Collapse runs of ordinary spaces into one space."""
    return _SPACE_RUN.sub(" ", text)


def _compose_tables(tables: Iterable[dict]) -> dict:
    """Merge translate tables applied in order into one equivalent table."""
    tables = list(tables)
    keys: set[int] = set()
    for t in tables:
        keys.update(t)
    merged = {}
    for cp in keys:
        out = chr(cp)
        for t in tables:
            out = out.translate(t)
        if out != chr(cp):
            merged[cp] = out
    return merged


@dataclass(frozen=True)
class Profile:
    """A named, versioned composition of normalization steps.

    ``steps`` are names of character maps, or the special step ``"squeeze_spaces"``.
    """

    name: str
    version: int
    description: str
    steps: tuple[str, ...]

    @property
    def _plan(self) -> tuple:
        return _compile_plan(self.steps)

    def __call__(self, text: str) -> str:
        if len(text) >= _SHORT:
            lookup = lookup_table(self.steps)
            if lookup is not None:
                mapped, _offsets = normalize_codepoints(_codepoints_of(text), lookup)
                return _from_codepoints(mapped)
        return self.apply_steps(text)

    def apply_steps(self, text: str) -> str:
        """Apply the steps one after the other (the reference for the vectorized path)."""
        for kind, payload in self._plan:
            text = text.translate(payload) if kind == "map" else payload(text)
        return text

    def fingerprint(self) -> str:
        """A hash of what the profile does (its composed tables and steps), for change detection."""
        h = hashlib.sha256()
        for kind, payload in self._plan:
            if kind == "map":
                h.update(json.dumps(sorted(payload.items()), ensure_ascii=False).encode())
            else:
                h.update(payload.__name__.encode())
        return h.hexdigest()[:16]


_FUNCTION_STEPS: dict[str, Callable[[str], str]] = {"squeeze_spaces": squeeze_spaces}


@cache
def _compile_plan(steps: tuple[str, ...]) -> tuple:
    plan: list = []
    pending: list[dict] = []
    for step in steps:
        if step in _FUNCTION_STEPS:
            if pending:
                plan.append(("map", _compose_tables(pending)))
                pending = []
            plan.append(("func", _FUNCTION_STEPS[step]))
        else:
            pending.append(load_charmap(step).table)
    if pending:
        plan.append(("map", _compose_tables(pending)))
    return tuple(plan)


_SEARCH_STEPS = (
    "invisible", "presentation_forms", "diacritics", "tatweel", "alef", "alef_maqsura",
    "teh_marbuta", "persian_lookalikes", "digits", "spaces", "quotes", "squeeze_spaces",
)

PROFILES: dict[str, Profile] = {
    "search": Profile(
        "search", 2,
        "What the matcher compares: letters folded, marks and invisible characters removed.",
        _SEARCH_STEPS,
    ),
    "search_hamza": Profile(
        "search_hamza", 2,
        "The search profile plus the lossy folding of ؤ and ئ (opt-in).",
        (*_SEARCH_STEPS[:-1], "hamza_carriers", "squeeze_spaces"),
    ),
    "display": Profile(
        "display", 1,
        "Only invisible controls removed: safe to show, otherwise as written.",
        ("invisible",),
    ),
}


def get_profile(profile: str | Profile) -> Profile:
    """Return a :class:`Profile` given its name (or the profile itself)."""
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except (KeyError, TypeError):
        from framing.errors import FramingError

        raise FramingError(
            f"unknown normalization profile {profile!r}; expected one of {sorted(PROFILES)}"
        ) from None


def _check_text(text) -> str:
    if not isinstance(text, str):
        from framing.errors import FramingError

        raise FramingError(f"normalize expects a str, got {type(text).__name__}: {text!r:.60}")
    return text


def normalize(text: str, profile: str | Profile = "search") -> str:
    """Normalize ``text`` with a named profile (default ``"search"``).

    >>> normalize("إعلان ٢٠١٩")
    'اعلان 2019'
    >>> normalize("\u202eقوات\u200f", profile="display")
    'قوات'
    """
    return get_profile(profile)(_check_text(text))


@cache
def _length_tables(steps: tuple[str, ...]) -> tuple:
    """Per-plan-stage arrays: output length of each BMP code point (uint8)."""
    out: list[np.ndarray | None] = []
    for kind, payload in _compile_plan(steps):
        if kind == "map":
            lens = np.ones(0x10000, dtype=np.uint8)
            for cp, rep in payload.items():
                if cp < 0x10000:
                    lens[cp] = len(rep)
            out.append(lens)
        else:
            out.append(None)
    return tuple(out)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


# --- vectorized path ------------------------------------------------------------------------------
# A profile made of one merged character map, optionally followed by squeeze_spaces (every bundled
# profile), runs on code-point arrays: one table lookup per character instead of str.translate's
# per-character dict lookup, and the offsets come for free as the indices of the kept characters.
_DELETE = np.uint32(0xFFFFFFFF)
_EXPAND = np.uint32(0xFFFFFFFE)
_SHORT = 64  # below this many characters str.translate is quicker than numpy's per-call overhead


@cache
def lookup_table(steps: tuple[str, ...]):
    """The vectorized lookup plan of a profile's steps (for :func:`normalize_codepoints`), or None when
    the profile cannot be applied as a character map (cached)."""
    return _lookup(steps)


def _lookup(steps: tuple[str, ...]):
    """``(table, lengths, expansions, squeeze)`` for a map(+squeeze) plan, or None for other plans."""
    plan = _compile_plan(steps)
    kinds = [k for k, _ in plan]
    if kinds not in (["map"], ["map", "func"]) or (len(plan) == 2 and plan[1][1] is not squeeze_spaces):
        return None
    table = np.arange(0x110000, dtype=np.uint32)
    lengths = np.ones(0x110000, dtype=np.uint8)
    expansions = {}
    for cp, rep in plan[0][1].items():
        lengths[cp] = len(rep)
        if rep == "":
            table[cp] = _DELETE
        elif len(rep) == 1:
            table[cp] = ord(rep)
        else:
            table[cp] = _EXPAND
            expansions[cp] = np.array([ord(c) for c in rep], dtype=np.uint32)
    return table, lengths, expansions, len(plan) == 2


def _codepoints_of(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_codepoints(cps: np.ndarray) -> str:
    return cps.tobytes().decode("utf-32-le", "surrogatepass")


def normalize_codepoints(cps: np.ndarray, lookup) -> tuple[np.ndarray, np.ndarray | None]:
    """Apply a map(+squeeze) profile to a code-point array.

    Returns ``(normalized code points, offsets)``; ``offsets`` is None when every character was kept
    one for one (the offsets are then ``arange(len(cps))``).
    """
    table, _lengths, expansions, squeeze = lookup
    mapped = np.take(table, cps)
    offsets = None
    if len(mapped) and mapped.max() >= _EXPAND:
        offsets = np.flatnonzero(mapped != _DELETE)
        mapped = mapped[offsets]
        wide = np.flatnonzero(mapped == _EXPAND) if expansions else None
        if wide is not None and len(wide):
            # splice each expansion (a ligature's letters) in; they all map back to the ligature
            parts, origins, prev = [], [], 0
            for pos in wide.tolist():
                origin = offsets[pos]
                rep = expansions[int(cps[origin])]
                parts += [mapped[prev:pos], rep]
                origins += [offsets[prev:pos], np.full(len(rep), origin, dtype=offsets.dtype)]
                prev = pos + 1
            mapped = np.concatenate([*parts, mapped[prev:]])
            offsets = np.concatenate([*origins, offsets[prev:]])
    if squeeze and len(mapped) > 1:
        space = mapped == 0x20
        dup = space[1:] & space[:-1]
        if dup.any():
            keep = np.ones(len(mapped), dtype=bool)
            keep[1:] = ~dup
            mapped = mapped[keep]
            offsets = np.flatnonzero(keep) if offsets is None else offsets[keep]
    return mapped, offsets


def offsets_array(text: str, profile: str | Profile = "search") -> tuple[str, np.ndarray]:
    """Like :func:`normalize_with_offsets` but the offsets are a numpy int64 array."""
    prof = get_profile(profile)
    text = _check_text(text)
    lookup = lookup_table(prof.steps)
    if lookup is not None:
        mapped, offsets = normalize_codepoints(_codepoints_of(text), lookup)
        if offsets is None:
            offsets = np.arange(len(text), dtype=np.int64)
        return _from_codepoints(mapped), offsets.astype(np.int64, copy=False)
    return _offsets_by_steps(text, prof)


def _offsets_by_steps(text: str, prof: Profile) -> tuple[str, np.ndarray]:
    """The step-by-step reference implementation of :func:`offsets_array` (any profile)."""
    offsets = np.arange(len(text), dtype=np.int64)
    current = text
    for (kind, payload), lens in zip(prof._plan, _length_tables(prof.steps), strict=True):
        if kind == "map":
            new = current.translate(payload)
            if len(new) != len(current) or new != current:
                cps = _codepoints(current)
                stage_lens = lens[np.minimum(cps, 0xFFFF)]
                # astral characters are never in a map: length 1
                stage_lens = np.where(cps > 0xFFFF, 1, stage_lens)
                offsets = np.repeat(offsets, stage_lens)
            current = new
        else:
            new = payload(current)
            if new != current:
                keep = _kept_mask(current, payload)
                offsets = offsets[keep]
            current = new
    return current, offsets


def _kept_mask(text: str, func) -> np.ndarray:
    """Which characters a deleting function step keeps (only squeeze_spaces is defined)."""
    if func is squeeze_spaces:
        cps = _codepoints(text)
        space = cps == 0x20
        prev_space = np.concatenate(([False], space[:-1]))
        return ~(space & prev_space)
    raise NotImplementedError(func)  # pragma: no cover - every function step is listed above


def normalize_with_offsets(text: str, profile: str | Profile = "search") -> tuple[str, list[int]]:
    """Normalize and map every index of the normalized text back to an index of the original.

    Returns ``(normalized, offsets)`` with ``len(offsets) == len(normalized)``; ``offsets[i]`` is the
    index in ``text`` of the character that produced ``normalized[i]`` (a ligature that expands to
    two letters maps both to the same index). Offsets are monotone (non-decreasing).
    Use :func:`original_span` to turn a normalized span into a span of the original.
    """
    norm, offsets = offsets_array(text, profile)
    return norm, offsets.tolist()


_TRAILING_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08e1\u08e3-\u08ff\u0640]*")


def original_span(text: str, offsets, start: int, end: int) -> tuple[int, int]:
    """Map the normalized span ``[start, end)`` to a span of the original ``text``.

    The end is extended over diacritics and tatweel that follow the last letter, so that
    ``text[s:e]`` is the whole written word (``قواتٌ``, not ``قوات``).
    """
    s = int(offsets[start])
    e = int(offsets[end - 1]) + 1
    m = _TRAILING_MARKS.match(text, e)  # (a starred class: always matches)
    return s, m.end() if m is not None else e
