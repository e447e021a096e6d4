"""One self-contained HTML report: charts embedded as PNG data, tables right-to-left, all text escaped.

Every piece of corpus or lexicon text goes through :func:`html.escape` (quotes included) after the
``display`` normalization, which removes bidi controls so that a stray U+202E cannot reorder what
surrounds it. Nothing is written as an HTML entity that a browser would turn back into a control.

>>> html = render_report("t", [Section("<b>", "x", tables=[("a", __import__("pandas").DataFrame({"c": ["<script>"]}))])])
>>> "<script>" in html, "&lt;script&gt;" in html
(False, True)
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

from framing.normalization import normalize

__all__ = ["Section", "render_report", "write_report", "escape", "table_html"]

_CSS = """
body{font-family:"DejaVu Sans","Noto Naskh Arabic","Amiri",Arial,sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.5}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:2px 6px;unicode-bidi:isolate}th{background:#f4f4f4}
.note{color:#555}.meta td{border:none}
"""


def escape(value) -> str:
    """Text made safe for HTML: bidi controls removed (display profile), then escaped (quotes too)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return html.escape(normalize(text, profile="display"), quote=True)


def table_html(df, *, max_rows: int = 50, rtl: bool = True, float_digits: int = 3) -> str:
    """A DataFrame as an escaped HTML table (right-to-left by default)."""
    import pandas as pd

    shown = df.head(max_rows)
    cols = [str(c) for c in shown.columns]
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    rows = []
    for rec in shown.itertuples(index=False):
        cells = []
        for v in rec:
            if isinstance(v, float):
                v = "" if pd.isna(v) else f"{v:.{float_digits}g}"
            elif isinstance(v, pd.Timestamp):
                v = "" if pd.isna(v) else v.strftime("%Y-%m-%d")
            cells.append(f"<td>{escape(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(df) > max_rows:
        more = f'<p class="note">{len(df) - max_rows} more rows in the CSV/Parquet table.</p>'
    direction = ' dir="rtl"' if rtl else ""
    return f"<table{direction}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


@dataclass
class Section:
    """A report section: a title, a short text, and figures (name, PNG path or bytes) and tables."""

    title: str
    text: str = ""
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)


def _img(name, png) -> str:
    data = png if isinstance(png, (bytes, bytearray)) else Path(png).read_bytes()
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<figure><img alt="{escape(name)}" src="data:image/png;base64,{b64}">'
            f"<figcaption>{escape(name)}</figcaption></figure>")


def render_report(title: str, sections, *, meta: dict | None = None) -> str:
    """The whole report as one HTML string (no external resources)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if meta:
        rows = "".join(f"<tr><td>{escape(k)}</td><td dir=\"auto\">{escape(v)}</td></tr>" for k, v in meta.items())
        parts.append(f'<table class="meta">{rows}</table>')
    for sec in sections:
        parts.append(f"<section><h2>{escape(sec.title)}</h2>")
        if sec.text:
            parts.append(f'<p class="note">{escape(sec.text)}</p>')
        for name, png in sec.figures:
            parts.append(_img(name, png))
        for name, df in sec.tables:
            parts.append(f"<h3>{escape(name)}</h3>{table_html(df)}")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(path, title: str, sections, *, meta: dict | None = None) -> Path:
    """Render and write the report atomically."""
    from framing._io import write_text

    return write_text(path, render_report(title, sections, meta=meta))
