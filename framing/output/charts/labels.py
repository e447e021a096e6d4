"""Text from data on a chart: names cut to a width, ``$`` escaped, Arabic kept right to left.

Names of outlets, referents, categories and terms reach a chart only through :func:`label` /
:func:`labels`: one line, cut to :data:`LABEL_WIDTH` characters with "…", every ``$`` escaped so that
matplotlib never reads them as mathtext ("a $x^$ b" is drawn as it is written, instead of failing in
the mathtext parser).  A text made of several names is put together from
:func:`~framing.output.names.clip`-ped names and passed through :func:`safe` once, as the last step
(:func:`~framing.output.charts.style.footnote` does it for the footnote).  Arabic is passed as it is
(matplotlib shapes it and orders it right to left); a cut Arabic name keeps its "…" on its own side.

>>> label("price $5 and $6")
'price \\\\$5 and \\\\$6'
>>> label("x" * 100)[-3:]
'xx…'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from framing.output.names import NAME_WIDTH, clip, display_names

__all__ = ["LABEL_WIDTH", "safe", "label", "labels", "name_list", "left_out"]

#: Characters of a name (outlet, referent, term) on a chart; longer names are cut with "…".
LABEL_WIDTH = NAME_WIDTH


def safe(text: object) -> str:
    """``text`` as matplotlib draws it literally: every ``$`` escaped, so that no part is read as mathtext
    (whatever it holds: "$x^$", "${$", "$\\\\foo$"), control characters dropped.

    Pass a text through it once, as the last step (an escaped ``$`` escaped again would show its backslash).
    """
    s = str(text)
    if any(unicodedata.category(c) == "Cc" for c in s):
        s = "".join(" " if c in "\t\n\r" else c for c in s if c in "\t\n\r" or unicodedata.category(c) != "Cc")
    return s.replace("$", r"\$")


def _rtl_ellipsis(text: str) -> str:
    """A right-to-left name cut with "…": a right-to-left mark after the "…", so that inside a left-to-right
    sentence the ellipsis stays at the end of the name (its left side), where the name was cut."""
    if not text.endswith("…"):
        return text
    for c in reversed(text[:-1]):
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return text + "\u200f"
        if kind == "L":
            break
    return text


def label(value: object, width: int = LABEL_WIDTH) -> str:
    """A name from data as a chart shows it: one line, at most ``width`` characters ("…" where cut, on the
    name's own side for Arabic), ``$`` escaped (:func:`safe`)."""
    return safe(_rtl_ellipsis(clip(value, width)))


def labels(values: Sequence[object], width: int = LABEL_WIDTH) -> list[str]:
    """:func:`label` for each value, kept distinct where cutting made two the same (numbered)."""
    short = display_names(list(dict.fromkeys(values)), width)
    return [safe(_rtl_ellipsis(short[v])) for v in values]


def name_list(values: Sequence[object], limit: int = 6, width: int = 24) -> str:
    """Some names for a footnote: the first ``limit``, each cut to ``width``, "and N more" (not escaped:
    :func:`footnote` does it)."""
    shown = ", ".join(clip(v, width) for v in values[:limit])
    return shown + (f" and {len(values) - limit:,} more" if len(values) > limit else "")


def left_out(values: Sequence[object], what: str, limit: int) -> str:
    """The footnote part for what a chart did not draw because it holds at most ``limit`` of ``what``."""
    if not values:
        return ""
    return (f"{len(values):,} more {what} not drawn (a chart holds {limit}; all are in the table): "
            f"{name_list(values, limit=3)}")
