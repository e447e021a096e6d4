"""Charts of the analysis tables (matplotlib, object API).

Every function takes a table documented in ``docs/design.md`` ("Analysis tables"),
draws it on a new :class:`matplotlib.figure.Figure` (or on the ``ax=`` you pass,
where one Axes is enough) and returns ``(fig, ax)``; small multiples return
``(fig, axes)`` with ``axes`` a 1-d numpy array.  Nothing here calls
``pyplot.show`` or touches pyplot's global figure list, so figures are garbage
collected like any object; save them with :func:`save_figure` or let Jupyter
display them.

One module per kind of chart: :mod:`~framing.output.charts.shares` (stance shares
as bars), :mod:`~framing.output.charts.trends` (shares over time),
:mod:`~framing.output.charts.heatmap` (who gets called what),
:mod:`~framing.output.charts.rates` (category terms per 10,000 words),
:mod:`~framing.output.charts.fightin` (Fightin' Words),
:mod:`~framing.output.charts.distance` (outlet distances and dendrogram); how they
look in :mod:`~framing.output.charts.style` (fonts, colours, panels, saving) and how
they read their tables in :mod:`~framing.output.charts.tables`.

Arabic text
-----------
Outlet names, referents and terms are often Arabic.  matplotlib >= 3.11 lays
text out through libraqm (FriBiDi + HarfBuzz, bundled in its ``ft2font``
extension), so Arabic is joined and ordered right to left by the Agg renderer
itself.  Do **not** pre-process strings with a letter-reshaping or bidi-reordering package:
that output is presentation forms in visual order, which the shaper would then
reverse a second time.  The charts draw under :func:`rc_params` (via
``matplotlib.rc_context``, never globally): a font family list that starts with
DejaVu Sans (Arabic and Latin glyphs, shipped with matplotlib) and falls back to
other installed Arabic fonts, and ``text.language = "ar"`` so that HarfBuzz uses
Arabic language rules where a font has any.

Colours
-------
Stances always come in the order delegitimizing, neutral, legitimizing and in
fixed colours from the Okabe-Ito palette (distinguishable with the common colour
vision deficiencies): vermillion, grey, blue (:data:`STANCE_COLORS`).
"""

from __future__ import annotations

from framing.output.charts.distance import plot_outlet_distance
from framing.output.charts.fightin import plot_fightin_words
from framing.output.charts.heatmap import plot_referent_heatmap
from framing.output.charts.rates import plot_category_rates
from framing.output.charts.shares import plot_label_shares
from framing.output.charts.style import FONT_FAMILIES, STANCE_COLORS, STANCES, rc_params, save_figure
from framing.output.charts.tables import interval_note, with_display_names
from framing.output.charts.trends import plot_trends, plot_trends_by_outlet

__all__ = [
    "STANCES",
    "STANCE_COLORS",
    "FONT_FAMILIES",
    "rc_params",
    "plot_label_shares",
    "plot_trends",
    "plot_trends_by_outlet",
    "plot_referent_heatmap",
    "plot_fightin_words",
    "plot_outlet_distance",
    "plot_category_rates",
    "save_figure",
    "interval_note",
    "with_display_names",
]
