"""One self-contained HTML report: charts embedded as PNG data, every piece of text escaped.

Layout: the page and its tables run left to right (the report's language is English); each cell is
its own bidi island (``dir="auto"``), so an Arabic name reads right to left inside its cell and a
number such as -0.357 always reads "-0.357" (numeric cells are ``dir="ltr"``). Wide tables scroll
inside their own box, never the page. Nothing is fetched: no external URL, font or script.

Every piece of corpus or lexicon text goes through :func:`html.escape` (quotes included) after the
``display`` normalization, which removes bidi controls so that a stray U+202E cannot reorder what
surrounds it. Nothing is written as an HTML entity that a browser would turn back into a control.

Sections are appended in order (:class:`Section`); another module adds its own by returning more
``Section`` objects (see ``framing.pipeline.analyze.REPORT_SECTIONS``).

>>> import pandas as pd
>>> html = render_report("t", [Section("<b>", "x", tables=[("a", pd.DataFrame({"c": ["<script>"]}))])])
>>> "<script>" in html, "&lt;script&gt;" in html
(False, True)
>>> cells = table_html(pd.DataFrame({"x": [-0.3571]}))
>>> "<td" in cells and ">-0.357<" in cells
True
"""

from __future__ import annotations

import base64
import html
import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path

from framing.output.files import write_text
from framing.text.normalization import normalize

__all__ = ["Section", "render_report", "write_report", "escape", "table_html", "format_value", "img_tag"]

_CSS = """
html{overflow-x:hidden}
body{font-family:"DejaVu Sans","Noto Naskh Arabic","Amiri",Arial,sans-serif;margin:2em auto;max-width:1100px;
padding:0 1em;color:#222;line-height:1.5;overflow-wrap:break-word}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:.9em}
.table{max-width:100%;overflow-x:auto;margin:.5em 0}
table{border-collapse:collapse;font-size:.85em}
td,th{border:1px solid #ddd;padding:2px 6px;unicode-bidi:isolate;vertical-align:top;max-width:28em}
th{background:#f4f4f4;text-align:start}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.note{color:#555}.meta td{border:none}ul.left-out{background:#fff8e6;border-left:3px solid #e6a700;
padding:.5em .5em .5em 2em}
"""
_CELL_WIDTH = 120  # characters of a text cell shown (the full text is in the CSV/Parquet table)


def escape(value) -> str:
    """Text made safe for HTML: bidi controls removed (display profile), then escaped (quotes too)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return html.escape(normalize(text, profile="display"), quote=True)


def format_value(v, float_digits: int = 3) -> tuple[str, bool]:
    """``(text, is_number)`` for one table cell: numbers with a leading minus and fixed decimals.

    >>> format_value(-0.35714), format_value(12345), format_value(2.5e-9), format_value(float("nan"))
    (('-0.357', True), ('12,345', True), ('2.5e-09', True), ('', True))
    """
    import pandas as pd

    if v is None:
        return "", False
    if isinstance(v, bool):
        return str(v), False
    if isinstance(v, numbers.Integral):
        return f"{int(v):,}", True
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "", True
        if math.isinf(x):
            return ("-∞" if x < 0 else "∞"), True
        if x != 0 and abs(x) < 10 ** -float_digits:
            return f"{x:.2g}", True
        if abs(x) >= 10_000:
            return f"{x:,.0f}", True
        return f"{x:.{float_digits}f}", True
    if isinstance(v, pd.Timestamp):
        return ("" if pd.isna(v) else (v.strftime("%Y-%m-%d") if v == v.normalize() else str(v))), False
    try:
        if pd.isna(v):
            return "", False
    except (TypeError, ValueError):
        pass
    return str(v), False


def table_html(df, *, max_rows: int = 50, float_digits: int = 3, rtl: bool = False) -> str:
    """A DataFrame as an escaped HTML table, left to right, each cell its own bidi island.

    Text cells are ``dir="auto"`` (Arabic reads right to left inside them), numeric cells
    ``dir="ltr"`` and right-aligned. ``rtl=True`` lays the columns out right to left (kept for
    callers of earlier versions; numbers stay readable either way).
    """
    shown = df.head(max_rows)
    cols = [str(c) for c in shown.columns]
    head = "".join(f'<th dir="auto"{_title(c)}>{escape(_cut(c))}</th>' for c in cols)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for v in rec:
            text, num = format_value(v, float_digits)
            if num:
                cells.append(f'<td class="num" dir="ltr">{escape(text)}</td>')
            else:
                cells.append(f'<td dir="auto"{_title(text)}>{escape(_cut(text))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(df) > max_rows:
        more = f'<p class="note">{len(df) - max_rows:,} more rows in the CSV/Parquet table.</p>'
    direction = "rtl" if rtl else "ltr"
    return (f'<div class="table"><table dir="{direction}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>{more}")


def _cut(text: str) -> str:
    """A cell's text, cut to :data:`_CELL_WIDTH` characters with "…" (the tables keep it whole)."""
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 1] + "…"


def _title(text: str) -> str:
    """A tooltip with a little more of a cut text."""
    return f' title="{escape(text[: 4 * _CELL_WIDTH])}"' if len(text) > _CELL_WIDTH else ""


@dataclass
class Section:
    """A report section: a title, a short text, figures, tables and notes.

    ``figures``: ``(name, PNG path or bytes)`` or ``(name, PNG, alt text)``; ``tables``: ``(name,
    DataFrame)``; ``notes``: one line each, e.g. what was left out and why.  ``html``: a ready, already
    escaped block placed after the tables as is (framing's own builders only, e.g. the term map of
    :func:`framing.output.termmap_html.term_map_section`; never corpus text).
    """

    title: str
    text: str = ""
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    html: str = ""  # issue 13: interactive blocks (term map)


def img_tag(name: str, png: str | os.PathLike[str] | bytes | bytearray, alt: str | None = None) -> str:
    """A ``<figure>`` holding the PNG (a path or its bytes) as a data URL, captioned ``name``.

    ``alt`` defaults to ``name`` with ``_`` as spaces; both are escaped.
    """
    data = png if isinstance(png, (bytes, bytearray)) else Path(png).read_bytes()
    b64 = base64.b64encode(data).decode("ascii")
    alt = alt or name.replace("_", " ")
    return (f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{b64}">'
            f'<figcaption dir="auto">{escape(name)}</figcaption></figure>')


def render_report(title: str, sections, *, meta: dict | None = None) -> str:
    """The whole report as one HTML string (no external resources)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en" dir="ltr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if meta:
        rows = "".join(f'<tr><td>{escape(k)}</td><td dir="auto">{escape(v)}</td></tr>' for k, v in meta.items())
        parts.append(f'<table class="meta">{rows}</table>')
    for sec in sections:
        parts.append(f"<section><h2>{escape(sec.title)}</h2>")
        if sec.text:
            parts.append(f'<p class="note">{escape(sec.text)}</p>')
        if sec.notes:
            items = "".join(f'<li dir="auto">{escape(n)}</li>' for n in sec.notes)
            parts.append(f'<ul class="left-out">{items}</ul>')
        for fig in sec.figures:
            parts.append(img_tag(*fig))
        for name, df in sec.tables:
            parts.append(f"<h3>{escape(name)}</h3>{table_html(df)}")
        if sec.html:  # issue 13: a block built and escaped by framing (term map)
            parts.append(sec.html)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(path, title: str, sections, *, meta: dict | None = None) -> Path:
    """Render and write the report atomically."""
    return write_text(path, render_report(title, sections, meta=meta))
