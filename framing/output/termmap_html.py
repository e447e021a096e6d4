"""The term map as HTML: one self-contained block (JSON data, inline style and script), a page, a report section.

The data comes from :func:`framing.analyses.termmap.term_map` (a :class:`~framing.analyses.termmap.TermMap`,
whose ``html()``, ``page()`` and ``save()`` call the functions here).  The page needs no network: the
data is JSON inside the page and the drawing code is a small inline script
(``framing/data/templates/termmap.js``) that draws on one ``<canvas>``.  Every text is normalized with
the ``display`` profile (no bidi controls), and no ``<`` is left raw inside the JSON, so corpus text
cannot close the script.

>>> "function framingTermMap" in asset("termmap.js")
True
"""

from __future__ import annotations

import itertools
import json
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from framing.output.files import write_text
from framing.output.names import display_names
from framing.output.report import escape
from framing.text.normalization import normalize

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TermMapData", "STANCE_CODES", "asset", "payload", "termmap_block", "termmap_page", "save_termmap",
           "term_map_section"]

#: the stance of a term as the script codes it ("" for a plain word)
STANCE_CODES = {"": 0, "delegitimizing": 1, "neutral": 2, "legitimizing": 3, "mixed": 4, "alias": 5}
_BLOCK_IDS = itertools.count(1)  # each block on a page gets its own element ids


class TermMapData(Protocol):
    """What the HTML is built from: the fields of :class:`framing.analyses.termmap.TermMap`."""

    terms: pd.DataFrame
    outlets: list[Any]
    comparisons: list[Any]
    lines: list[Any]
    title: str
    by: str
    stats: dict[str, Any]


def asset(name: str) -> str:
    """A packaged file of ``framing/data/templates`` (the term map's ``termmap.js`` and ``termmap.css``)."""
    return (resources.files("framing") / "data" / "templates" / name).read_text(encoding="utf-8")


def _show(s: object) -> str:
    return normalize(str(s), profile="display")


def payload(tm: TermMapData) -> dict[str, Any]:
    """The JSON data the script draws: display-normalized texts, short distinct outlet names, counts,
    z-scores rounded to 2 decimals (``None`` where not finite) and KWIC lines."""
    out_idx = {o: i for i, o in enumerate(tm.outlets)}
    short = display_names(tm.outlets, 60)  # long outlet names cut with "…", kept distinct

    def name(o: Any, r: Any) -> str:
        return f"{short[o]} vs {'rest' if r == 'rest' else short[r]}"

    return {
        "title": _show(tm.title),
        "by": _show(tm.by),
        "outlets": [_show(short[o]) for o in tm.outlets],
        "comparisons": [{"name": _show(name(o, r)), "outlet": out_idx[o], "ref": "rest" if r == "rest" else out_idx[r]}
                        for _n, o, r in tm.comparisons],
        "terms": [_show(t) for t in tm.terms["term"]],
        "stance": [STANCE_CODES.get(s, 0) for s in tm.terms["stance"]],
        "counts": [tm.terms[o].astype(int).tolist() for o in tm.outlets],
        "words": [int(tm.stats.get("words", {}).get(o, 0)) for o in tm.outlets],
        "z": [[None if not np.isfinite(v) else round(float(v), 2) for v in tm.terms[f"z:{n}"]]
              for n, _, _ in tm.comparisons],
        "lines": [[[out_idx.get(o, -1), _show(left), _show(key), _show(right)] for o, left, key, right, _d in ls]
                  for ls in tm.lines],
    }


def termmap_block(tm: TermMapData) -> str:
    """A self-contained block (``<div>``, ``<style>``, JSON data and inline script) for any page."""
    uid = f"tm{next(_BLOCK_IDS)}"
    data = json.dumps(payload(tm), ensure_ascii=False, separators=(",", ":"))
    # inside <script>: no "</script>", "<!--" or U+2028/9 can end or confuse it
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    css = asset("termmap.css")
    js = asset("termmap.js")
    return (f'<div class="framing-termmap" id="{uid}" data-termmap="{uid}">'
            f"<style>{css}</style>"
            f'<script type="application/json" id="{uid}-data">{data}</script>'
            f"<script>{js}\nframingTermMap({json.dumps(uid)});</script></div>")


def termmap_page(tm: TermMapData, block: str | None = None) -> str:
    """A whole HTML page holding only the term map (``block``: a :func:`termmap_block` already built, reused)."""
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(tm.title)}</title></head><body>{block or termmap_block(tm)}</body></html>")


def save_termmap(tm: TermMapData, path: str | os.PathLike[str], block: str | None = None) -> Path:
    """Write :func:`termmap_page` atomically; returns the path."""
    return write_text(path, termmap_page(tm, block))


def term_map_section(tm: TermMapData, *, title: str = "Term map: which words each outlet uses more",
                     wrap: bool = True, block: str | None = None) -> str:
    """The report section (HTML) holding the interactive term map and how to read it.

    ``wrap=False``: without the ``<section>`` and its heading (for :class:`framing.output.report.Section`)."""
    text = ("Every word (normalized, proclitics stripped) is a point: across, how often it is used (log scale); "
            "up, how much more the chosen outlet uses it than the other side (z-score of the log-odds ratio with "
            "an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008; beyond ±1.96, the grey band, the "
            "difference is unlikely to be chance). Lexicon labels are coloured by stance, aliases black. Hover a "
            "point for its counts; click it for lines from the articles, in their own spelling. The menu "
            "chooses the outlet.")
    body = f'<p class="note">{escape(text)}</p>{block or termmap_block(tm)}'
    return f"<section><h2>{escape(title)}</h2>{body}</section>" if wrap else body
