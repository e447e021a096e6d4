"""Keyword in context: concordance lines cut from the ORIGINAL text.

:func:`kwic` returns a :class:`KWICTable` (diacritics, tatweel and spelling as written) that renders
as a right-to-left HTML table in Jupyter; :func:`context` cuts the words around one span.

>>> context("قال إن «قوات حفتر» تقدمت نحو المطار", 8, 12, window=2)
Context(left='قال إن «', match='قوات', right='حفتر» تقدمت')
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, ClassVar, NamedTuple

import pandas as pd

from framing.errors import FramingError
from framing.features.inputs import as_corpus, documents
from framing.reading.query import check_count, resolve_query
from framing.text.normalization import normalize
from framing.vocabulary import DEFAULT_VOICE, check_voice

__all__ = ["Context", "context", "KWICTable", "KWIC_COLUMNS", "kwic"]

KWIC_COLUMNS = ["doc_id", "outlet", "date", "start", "end", "left", "match", "right",
                "kind", "term", "referent", "stance", "quoted", "voice", "scope_reason"]
_WS = re.compile(r"\s+")
_CHUNK = re.compile(r"\S+")


# --------------------------------------------------------------------------- context lines


class Context(NamedTuple):
    """The words before a span, the span, and the words after it, as written."""

    left: str
    match: str
    right: str


def _is_word(chunk: str) -> bool:
    return any(ch.isalnum() for ch in chunk)


def context(text: str, start: int, end: int, window: int = 8) -> Context:
    """``(left, match, right)`` around ``text[start:end]``, ``window`` words each side, as written.

    Words are runs of non-space characters holding at least one letter or digit (a lone «, - or
    punctuation mark travels with the context but is not counted). Whitespace runs (newlines
    included) are shown as one space.
    """
    before = text[:start]
    after = text[end:]
    left_pos = len(before)
    if window > 0:
        words = [m for m in _CHUNK.finditer(before) if _is_word(m.group())]
        left_pos = words[-window].start() if len(words) >= window else (words[0].start() if words else
                                                                          len(before))
    right_pos = 0
    if window > 0:
        n = 0
        for m in _CHUNK.finditer(after):
            right_pos = m.end()
            if _is_word(m.group()):
                n += 1
                if n >= window:
                    break
    left = _WS.sub(" ", before[left_pos:]).strip()
    right = _WS.sub(" ", after[:right_pos]).strip()
    return Context(left, _WS.sub(" ", text[start:end]), right)


# --------------------------------------------------------------------------- the KWIC table


def _display(value: Any) -> str:
    """Text safe to put in HTML: bidi/zero-width controls removed, then escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d")
    return html.escape(normalize(str(value), profile="display"), quote=True)


class KWICTable(pd.DataFrame):
    """A concordance: a DataFrame whose notebook display is a right-to-left HTML table.

    Columns (:data:`KWIC_COLUMNS`): ``doc_id``, ``outlet``, ``date``, ``start``, ``end`` (offsets
    of the match in the original text), ``left``, ``match``, ``right`` (as written, whitespace shown
    as single spaces), ``kind``, ``term``, ``referent``, ``stance``, ``quoted``.

    In the HTML view every cell is escaped and stripped of bidi and zero-width controls (they could
    reorder what is shown), and the match stands in bold in its own column. ``attrs`` holds
    ``query`` and ``n_matches`` (lines found before any ``max_rows`` cut).
    """

    _metadata: ClassVar[list[str]] = []

    @property
    def _constructor(self) -> type[KWICTable]:
        return KWICTable

    def _repr_html_(self) -> str:
        limit = pd.get_option("display.max_rows") or len(self)
        rows = self.head(limit)
        meta = [c for c in ("doc_id", "outlet", "date") if c in rows.columns]
        flags = [c for c in ("term", "referent", "stance", "quoted") if c in rows.columns]
        parts = ['<table dir="rtl" class="framing-kwic" style="border-collapse:collapse">']
        query = self.attrs.get("query")
        total = self.attrs.get("n_matches", len(self))
        caption = f"{len(rows)} of {total} lines" if total != len(rows) else f"{total} lines"
        if query is not None:
            caption = f"{_display(query)}: {caption}"
        parts.append(f"<caption>{caption}</caption>")
        heads = [*meta, "left", "match", "right", *flags]
        parts.append("<thead><tr>" + "".join(f"<th>{_display(h)}</th>" for h in heads) + "</tr></thead>")
        parts.append("<tbody>")
        for _, row in rows.iterrows():
            cells = [f"<td>{_display(row[c])}</td>" for c in meta]
            # in a right-to-left table the preceding words stand right of the match: hug the match
            cells.append(f'<td style="text-align:left">{_display(row.get("left"))}</td>')
            cells.append(f'<td style="text-align:center"><b>{_display(row.get("match"))}</b></td>')
            cells.append(f'<td style="text-align:right">{_display(row.get("right"))}</td>')
            cells += [f"<td>{_display(row[c])}</td>" for c in flags]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)


# --------------------------------------------------------------------------- kwic


def kwic(corpus: Any, term: str, *, lexicon: Any = None, window: int = 8, voice: str = DEFAULT_VOICE,
         kinds: tuple[str, ...] | None = None, max_rows: int | None = None, scope: str = "in") -> KWICTable:
    """Concordance lines for a term, cut from the original text.

    Parameters
    ----------
    corpus : DataFrame or path
        A corpus with a ``text`` column (``doc_id``, ``outlet``, ``date`` used when present).
    term : str
        With a ``lexicon``: a canonical term or variant of an entry (all its matches, whatever
        referent they name), a referent name (its aliases and labels), a category name, or
        ``"label:<referent>:<stance>"``. Anything else (or without a lexicon) is searched as a plain
        word or phrase, normalized and clitic/inflection-aware like the matcher
        (``ميليشيا`` finds وميليشيات, مليـشيات is not found: declare variants in a lexicon).
    lexicon : Lexicon, name or path, optional
    window : int, default 8
        Words of context on each side.
    voice : {"own", "quoted", "reported", "all"}, default "own"
        Keep lines in the outlet's own voice (default), inside quotations, in reported speech, or all.
    scope : {"in", "all", "out"}, default "in"
        Lines of hits that count (default), all hits, or only those the lexicon's scope rules leave
        out (``scope_reason`` says why) — to read what a context, date or exclude rule removes.
    kinds : tuple of str, optional
        Override which match kinds are searched ("category", "label", "alias").
    max_rows : int, optional
        Keep the first ``max_rows`` lines (corpus order); ``attrs["n_matches"]`` still counts all.

    Returns
    -------
    KWICTable
        One row per match, in corpus order then text order (columns: :data:`KWIC_COLUMNS`).
    """
    check_voice(voice)
    if scope not in ("in", "all", "out"):
        raise FramingError(f"scope must be 'in', 'all' or 'out'; got {scope!r}")
    window = check_count(window, "window")
    if max_rows is not None:
        max_rows = check_count(max_rows, "max_rows")
    query = resolve_query(term, lexicon, kinds)
    phrase = query.how == "phrase"
    frame = as_corpus(corpus)
    ids, outlets, dates, texts = documents(frame)
    rows: list[tuple[Any, ...]] = []
    n = 0
    for doc_id, outlet, date, text in zip(ids, outlets, dates, texts, strict=True):
        for m in query.compiled.find(text, query.kinds, date=date, scope="in" if scope == "in" else "all"):
            if not query.keep(m) or voice not in ("all", m.voice) or (scope == "out" and m.in_scope):
                continue
            n += 1
            if max_rows is not None and len(rows) >= max_rows:
                continue
            left, match, right = context(text, m.start, m.end, window)
            rows.append((doc_id, outlet, date, m.start, m.end, left, match, right,
                         "phrase" if phrase else m.kind, term.strip() if phrase else m.term,
                         m.referent, m.stance, m.quoted, m.voice, m.scope_reason))
    table = KWICTable(pd.DataFrame(rows, columns=KWIC_COLUMNS))
    table["date"] = pd.to_datetime(table["date"])
    table.attrs.update({"query": term, "n_matches": n, "window": window, "voice": voice})
    return table
