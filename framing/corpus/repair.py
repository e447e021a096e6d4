"""Text repair on the way in: NULs, lone surrogates, mojibake, HTML tags and entities.

Mojibake (UTF-8 read as cp1252/Latin-1, such as ``Ø§Ù„``) is fixed with ftfy; HTML tags and
entities are removed (``<script>``/``<style>`` with their contents); NUL characters are dropped and
lone surrogates become U+FFFD. :func:`has_content` tells a text that says something from one of
only marks, tatweel and invisibles.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

__all__ = ["Repaired", "fix_chars", "strip_html", "has_content"]

_SURROGATE = re.compile("[\ud800-\udfff]")
# a Latin-1 letter followed by a byte 0x80-0xBF as cp1252 / Latin-1 shows it: UTF-8 read wrongly
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                       "\u2039\u203a\u20ac\u2122]")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_BLOCK_TAG = re.compile(r"<\s*(?:br|p|div|li|tr|h[1-6])\b[^<>]*>|<\s*/\s*(?:p|div|li|tr|h[1-6])\s*>",
                        re.IGNORECASE)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|<![^<>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_HAS_CONTENT = re.compile(r"[^\W_\u0640]")  # a letter or digit; not tatweel, marks or invisibles


class Repaired(NamedTuple):
    """A text value after :func:`fix_chars`, and whether mojibake was repaired in it."""

    text: str
    mojibake: bool


def fix_chars(value: str) -> Repaired:
    """Drop NULs, replace lone surrogates, repair mojibake.

    >>> fix_chars("a\\x00b")
    Repaired(text='ab', mojibake=False)
    >>> fix_chars("Ø§Ù„Ø®Ø¨Ø±").mojibake
    True
    """
    if "\x00" in value:
        value = value.replace("\x00", "")
    value = _SURROGATE.sub("\ufffd", value)
    if _MOJIBAKE.search(value):
        import ftfy

        fixed = ftfy.fix_encoding(value)
        if fixed != value:
            return Repaired(fixed, True)
    return Repaired(value, False)


def strip_html(value: str) -> str:
    """Remove HTML tags (``<script>``/``<style>`` with their contents) and unescape entities.

    Block-level tags (``<p>``, ``<br>``, ``<div>`` ...) become line breaks.

    >>> strip_html('<p>قال <b>المتحدث</b> &amp; أضاف</p><script>var x=1;</script>')
    'قال المتحدث & أضاف'
    """
    if "<" in value:
        value = _SCRIPT_STYLE.sub("", value)
        value = _COMMENT.sub("", value)
        value = _BLOCK_TAG.sub("\n", value)
        value = _TAG.sub("", value)
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(value)
    return value.strip()


def has_content(text: str) -> bool:
    """True when ``text`` keeps a letter or digit once marks, tatweel and invisibles are ignored.

    >>> has_content("\u0640\u0640 \u064e\u200f"), has_content("خبر")
    (False, True)
    """
    return bool(_HAS_CONTENT.search(text))
