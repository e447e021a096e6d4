"""Names as charts, the report and the term map show them: cut to a width, kept distinct, safe in a file name.

>>> display_names(["صحيفة الأفق", "Wadi Times"])
{'صحيفة الأفق': 'صحيفة الأفق', 'Wadi Times': 'Wadi Times'}
>>> clip("a very long outlet name", 10)
'a very lo…'
>>> slug("Wadi Times / evening")
'Wadi_Times_evening'
>>> file_names(["Al Jazeera", "Al-Jazeera", "Wadi Times"])["Wadi Times"]
'Wadi_Times'
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Hashable, Iterable

__all__ = ["NAME_WIDTH", "SLUG_BYTES", "SLUG_WIDTH", "clip", "display_names", "file_names", "slug"]

#: characters of an outlet name shown in charts and report tables
NAME_WIDTH = 40
#: characters of a file-name part; at most :data:`SLUG_BYTES` in UTF-8, so that a chart's file name with its
#: prefix, hash and temporary-file affixes stays within the 255 bytes file systems allow
SLUG_WIDTH = 60
SLUG_BYTES = 120


def clip(name: object, width: int = NAME_WIDTH) -> str:
    """``name`` on one line, cut to ``width`` characters with "…"."""
    s = " ".join(str(name).split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def display_names(values: Iterable[Hashable], width: int = NAME_WIDTH) -> dict[Hashable, str]:
    """Short, distinct display names for outlet names (long names cut with "…", repeats numbered)."""
    out: dict[Hashable, str] = {}
    seen: set[str] = set()
    for v in values:
        name = clip(v, width)
        k = 2
        base = name
        while name in seen:
            name = f"{base} ({k})"
            k += 1
        seen.add(name)
        out[v] = name
    return out


def slug(text: object, empty: str = "outlet") -> str:
    """A file-name part for ``text``: word characters joined by ``_``, at most :data:`SLUG_WIDTH` characters
    and :data:`SLUG_BYTES` bytes (``empty`` when nothing is left).  Different names can give one slug: see
    :func:`file_names`."""
    s = re.sub(r"[^\w]+", "_", str(text), flags=re.UNICODE).strip("_")[:SLUG_WIDTH]
    while len(s.encode("utf-8", "surrogatepass")) > SLUG_BYTES:
        s = s[:-1]
    return s.rstrip("_") or empty


def _tag(value: object, n: int) -> str:
    return hashlib.sha1(str(value).encode("utf-8", "surrogatepass")).hexdigest()[:n]


def file_names(values: Iterable[Hashable], empty: str = "outlet") -> dict[Hashable, str]:
    """A distinct file-name part per value: its :func:`slug`, followed by a short hash of the value where the
    slugs of several values are the same (compared ignoring case, as macOS and Windows file systems do).

    "Al Jazeera" and "Al-Jazeera", or two Arabic names that differ only in a mark or a punctuation sign,
    make one slug; each gets its own file name, the same whatever other names come with it.

    >>> names = file_names(["Al Jazeera", "Al-Jazeera", "al jazeera"])
    >>> len(set(n.casefold() for n in names.values()))
    3
    >>> names["Al Jazeera"].startswith("Al_Jazeera_")
    True
    """
    values = list(dict.fromkeys(values))
    base = {v: slug(v, empty) for v in values}
    shared = Counter(b.casefold() for b in base.values())
    out = {v: b if shared[b.casefold()] == 1 else f"{b}_{_tag(v, 8)}" for v, b in base.items()}
    taken = Counter(n.casefold() for n in out.values())
    for v, n in out.items():  # a name that happens to equal another's hashed one: the whole hash
        if taken[n.casefold()] > 1:
            out[v] = f"{base[v]}_{_tag(v, 40)}"
    return out
