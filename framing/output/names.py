"""Names as charts, the report and the term map show them: cut to a width, kept distinct, safe in a file name.

>>> display_names(["صحيفة الأفق", "Wadi Times"])
{'صحيفة الأفق': 'صحيفة الأفق', 'Wadi Times': 'Wadi Times'}
>>> clip("a very long outlet name", 10)
'a very lo…'
>>> slug("Wadi Times / evening")
'Wadi_Times_evening'
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

__all__ = ["NAME_WIDTH", "clip", "display_names", "slug"]

#: characters of an outlet name shown in charts and report tables
NAME_WIDTH = 40


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
    """A file-name part for ``text``: word characters joined by ``_``, at most 60 characters
    (``empty`` when nothing is left)."""
    s = re.sub(r"[^\w]+", "_", str(text), flags=re.UNICODE).strip("_")
    return s[:60] or empty
