"""How every chart looks: fonts, colours, the Arabic-safe text helpers, panel grids and saving.

Arabic text
-----------
matplotlib >= 3.11 shapes Arabic itself (libraqm: FriBiDi + HarfBuzz in ``ft2font``), so labels are
passed as they are, never pre-shaped or reordered.  Charts draw under :func:`rc_params` (through
:func:`styled`, a ``matplotlib.rc_context``, never globally): DejaVu Sans first (Arabic and Latin),
other installed Arabic fonts as fall-backs, ``text.language = "ar"``.  An English sentence that may
start with an Arabic name is passed through :func:`ltr`, so that it stays a left-to-right paragraph.

Text from data
--------------
Names of outlets, referents, categories and terms reach a chart only through
:mod:`~framing.output.charts.labels` (cut, ``$`` escaped), the footnote through :func:`footnote`
(escaped the same way).

Size
----
A chart draws at most :data:`MAX_PANELS` small multiples and :data:`MAX_ROWS` rows (outlets,
referents) in a panel and says in its footnote what it left out; :func:`panels` never plans a figure
larger than :data:`MAX_INCHES`, and :func:`save_figure` never writes a PNG with a side longer than
:data:`MAX_SIDE` pixels or more than :data:`MAX_PIXELS` pixels (it lowers the resolution instead).

>>> ltr("نجمة vs rest").startswith("\\u200e")
True
"""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np

from framing.errors import FramingError
from framing.output.charts.labels import safe
from framing.output.files import atomic_path
from framing.vocabulary import STANCES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.patches import Patch
    from matplotlib.transforms import Bbox
    from matplotlib.typing import RcKeyType

logger = logging.getLogger(__name__)

__all__ = [
    "STANCES",
    "STANCE_COLORS",
    "GROUP_COLORS",
    "GROUP_STYLES",
    "FONT_FAMILIES",
    "MAX_SIDE",
    "MAX_PIXELS",
    "MAX_INCHES",
    "MAX_PANELS",
    "MAX_ROWS",
    "rc_params",
    "styled",
    "ltr",
    "footnote",
    "fit_panels",
    "panels",
    "chart_result",
    "stance_handles",
    "percent_axis",
    "date_axis",
    "cmap",
    "group_style",
    "save_figure",
]

P = ParamSpec("P")
R = TypeVar("R")

#: Okabe-Ito vermillion, a mid grey, Okabe-Ito blue.
STANCE_COLORS = {"delegitimizing": "#D55E00", "neutral": "#8C8C8C", "legitimizing": "#0072B2"}
#: Colours for outlets (lines): the rest of the Okabe-Ito palette first, black first.
GROUP_COLORS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#999999")
#: Line styles cycled once the colours run out.
GROUP_STYLES = ("-", "--", ":", "-.")
#: Font families in order of preference; only the installed ones are used.
#: DejaVu Sans covers Arabic and Latin; the others catch glyphs it lacks.
FONT_FAMILIES = ("DejaVu Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans", "Amiri",
                 "Arial", "Tahoma")
#: Pixels on either side of a saved PNG, at most (the resolution is lowered to stay within).
MAX_SIDE = 8000
#: Pixels of a saved PNG, at most (a 64 MB canvas; drawing takes a few canvases).
MAX_PIXELS = 16_000_000
#: Inches on either side of a chart as planned, at most.
MAX_INCHES = 48.0
#: Small multiples (panels) in one chart, at most.
MAX_PANELS = 24
#: Rows (outlets, referents, categories, lines) in one panel, at most.
MAX_ROWS = 40


# --------------------------------------------------------------------------- fonts


@functools.lru_cache(maxsize=1)
def _installed_families() -> frozenset[str]:
    from matplotlib import font_manager

    return frozenset(f.name for f in font_manager.fontManager.ttflist)


def rc_params() -> dict[RcKeyType, Any]:
    """The matplotlib settings the charts are drawn under.

    Returns
    -------
    dict
        ``font.family``: your own ``font.family`` first if you changed it from
        matplotlib's default (e.g. to an installed "Noto Naskh Arabic"), then the
        installed families of :data:`FONT_FAMILIES` (DejaVu Sans first), so every
        glyph falls back to a font that has it; ``text.language``: yours if set,
        else ``"ar"``; ``text.usetex`` off and ``text.parse_math`` on (labels from data
        escape their ``$``, see :func:`label`).  Use it for your own figures with
        ``matplotlib.rc_context(framing.output.charts.rc_params())``.

    Examples
    --------
    >>> "DejaVu Sans" in rc_params()["font.family"]
    True
    """
    import matplotlib

    user = list(matplotlib.rcParams["font.family"])
    families = [f for f in FONT_FAMILIES if f in _installed_families()]
    if "DejaVu Sans" not in families:  # ships with matplotlib; keep it in any case
        families.insert(0, "DejaVu Sans")
    if user != ["sans-serif"]:
        families = user + [f for f in families if f not in user]
    return {"font.family": families, "text.language": matplotlib.rcParams["text.language"] or "ar",
            # names from data are drawn as written: no TeX, and "$" escaped by label() / safe()
            "text.usetex": False, "text.parse_math": True}


def styled(func: Callable[P, R]) -> Callable[P, R]:
    """Run a chart function under :func:`rc_params` (texts take the font at creation)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import matplotlib

        with matplotlib.rc_context(rc_params()):
            return func(*args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- text


def ltr(text: str) -> str:
    """Start an English sentence that may begin with an Arabic name as a left-to-right paragraph.

    Without the mark (U+200E, invisible) a text whose first strong letter is Arabic
    is a right-to-left paragraph, and "نجمة vs rest" would read "vs rest نجمة".
    """
    return "\u200e" + text


#: average advance of a character of the footnote's 8-point type, in points (DejaVu Sans, Latin and Arabic)
_NOTE_ADVANCE = 8 * 0.56
#: height of one more line of the footnote, in inches (8 points, line spacing 1.2)
_NOTE_LINE = 8 * 1.2 / 72


def footnote(fig: Figure | SubFigure, *parts: str) -> None:
    """Grey lines under the figure: the non-empty ``parts`` joined with ' · ', escaped with :func:`safe`, and
    wrapped to the figure's width (a long list of names is not cut off at the figure's edges); a figure grows
    by the lines added, so that its panels keep their size."""
    import textwrap

    text = " · ".join(p for p in parts if p)
    if text:
        width = fig.figure.get_figwidth() if hasattr(fig, "figure") and fig.figure is not None else 8.0
        per_line = max(40, int(width * 72 / _NOTE_ADVANCE))
        lines = textwrap.wrap(safe(text), per_line, break_on_hyphens=False)
        if len(lines) > 1 and fig.figure is fig:  # the figure grows by the extra lines: the axes keep their size
            fig.set_figheight(fig.get_figheight() + (len(lines) - 1) * _NOTE_LINE)
        fig.supxlabel("\n".join(ltr(line) for line in lines), fontsize=8, color="0.35")


# --------------------------------------------------------------------------- layout


def fit_panels(n: int, *, ncols: int, panel: tuple[float, float]) -> int:
    """How many of ``n`` panels of ``panel`` inches, ``ncols`` per row, one chart draws: at most
    :data:`MAX_PANELS`, in rows that fit :data:`MAX_INCHES` (at least one panel)."""
    ncols = max(1, min(ncols, n))
    rows = max(1, int(MAX_INCHES // max(panel[1], 1e-3)))
    return max(1, min(n, MAX_PANELS, rows * ncols))


def panels(n: int, *, ncols: int, panel: tuple[float, float], sharex: bool = False,
           sharey: bool = False) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure with ``n`` panels of size ``panel`` (inches), ``ncols`` per row.

    Grid cells beyond ``n`` are removed; returns the figure and the ``n`` Axes in reading order.  The figure
    is never planned larger than :data:`MAX_INCHES` a side (pick ``n`` with :func:`fit_panels`).
    """
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = Figure(figsize=(min(panel[0] * ncols, MAX_INCHES), min(panel[1] * nrows, MAX_INCHES)),
                 layout="constrained")
    grid = fig.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=False)
    axes = list(grid.ravel())
    for extra in axes[n:]:
        fig.delaxes(extra)
    return fig, axes[:n]


def chart_result(fig: Figure | SubFigure, axes: Sequence[Axes]) -> tuple[Figure | SubFigure, Any]:
    """What a chart function returns: ``(fig, ax)`` for one panel, else ``(fig, array of Axes)``."""
    return (fig, axes[0]) if len(axes) == 1 else (fig, np.array(axes, dtype=object))


def stance_handles() -> list[Patch]:
    """Legend patches for the three stances, in order and colour."""
    from matplotlib.patches import Patch

    return [Patch(facecolor=STANCE_COLORS[s], label=s) for s in STANCES]


def percent_axis(axis: Axis) -> None:
    """Shares 0-1 shown as whole percents on this axis."""
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))


def date_axis(ax: Axes) -> None:
    """Concise date ticks (at most 12) on the x axis."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def cmap() -> Colormap:
    """cividis (readable with colour vision deficiencies), missing cells light grey."""
    import matplotlib

    return matplotlib.colormaps["cividis"].with_extremes(bad="0.85")


def group_style(i: int) -> dict[str, str]:
    """Colour and line style of the ``i``-th group (outlet) line."""
    return {"color": GROUP_COLORS[i % len(GROUP_COLORS)],
            "linestyle": GROUP_STYLES[(i // len(GROUP_COLORS)) % len(GROUP_STYLES)]}


# --------------------------------------------------------------------------- saving


def _fit_dpi(width: float, height: float, dpi: float) -> float:
    """The largest resolution up to ``dpi`` at which ``width`` x ``height`` inches stay within
    :data:`MAX_SIDE` and :data:`MAX_PIXELS` (a pixel to spare for rounding)."""
    w, h = max(float(width), 1e-3), max(float(height), 1e-3)
    return max(min(float(dpi), (MAX_SIDE - 2) / w, (MAX_SIDE - 2) / h, math.sqrt(MAX_PIXELS / (w * h)) * 0.999),
               1e-3)


def _tight_box(fig: Figure) -> Bbox:
    """The drawn content of ``fig`` in inches, padded as ``bbox_inches="tight"`` pads it; the layout pass runs
    at a resolution whose canvas stays within the limits, whatever the figure's size."""
    import matplotlib

    old = fig.dpi
    w, h = fig.get_size_inches()
    probe = min(old, _fit_dpi(w, h, old))
    if probe < old:
        fig.set_dpi(probe)
    try:
        fig.draw_without_rendering()
        box = fig.get_tightbbox()
    finally:
        if probe < old:
            fig.set_dpi(old)
    pad = matplotlib.rcParams["savefig.pad_inches"]
    pad = 0.1 if pad in (None, "layout") else float(pad)
    return box.padded(pad)


def _within_limits(fig: Any, dpi: float, tight: bool) -> tuple[float, Bbox | str | None]:
    """The resolution and box to save ``fig`` with, so that the PNG stays within the limits."""
    if not hasattr(fig, "get_size_inches"):  # a figure-like object: saved as asked
        return dpi, "tight" if tight else None
    w, h = fig.get_size_inches()
    out_dpi = _fit_dpi(w, h, dpi)  # a layout pass at the saving resolution draws the whole figure
    if not tight:
        return out_dpi, None
    box = _tight_box(fig)
    return min(out_dpi, _fit_dpi(box.width, box.height, dpi)), box


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150, tight: bool = True) -> Path:
    """Write ``fig`` as PNG atomically (temporary file in the same folder, then ``os.replace``).

    The PNG never has a side longer than :data:`MAX_SIDE` pixels nor more than :data:`MAX_PIXELS` pixels:
    a larger figure is written at a lower resolution (logged), and its layout computed within the same limits.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or os.PathLike
        Target file; its folder must exist.  Always PNG, whatever the suffix.
    dpi : int, default 150
    tight : bool, default True
        Crop to the drawn content (``bbox_inches="tight"``, one more layout pass). A figure with
        constrained layout already fits its content: ``tight=False`` saves it faster.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    import matplotlib

    if not hasattr(fig, "savefig"):
        raise FramingError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    target = Path(os.fspath(path))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FramingError(f"path: folder {str(folder)!r} does not exist; create it before saving {target.name!r}")
    with atomic_path(target) as tmp, matplotlib.rc_context(rc_params()):
        out_dpi, box = _within_limits(fig, dpi, tight)
        if out_dpi < dpi:
            logger.info("save_figure: %s written at %.0f dpi instead of %d (a PNG holds at most %d pixels a side, "
                        "%d in all)", target.name, out_dpi, dpi, MAX_SIDE, MAX_PIXELS)
        fig.savefig(tmp, format="png", dpi=out_dpi, bbox_inches=box)
        os.chmod(tmp, 0o644)
    return target
