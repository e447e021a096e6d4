"""How every chart looks: fonts, colours, the Arabic-safe text helpers, panel grids and saving.

Arabic text
-----------
matplotlib >= 3.11 shapes Arabic itself (libraqm: FriBiDi + HarfBuzz in ``ft2font``), so labels are
passed as they are, never pre-shaped or reordered.  Charts draw under :func:`rc_params` (through
:func:`styled`, a ``matplotlib.rc_context``, never globally): DejaVu Sans first (Arabic and Latin),
other installed Arabic fonts as fall-backs, ``text.language = "ar"``.  An English sentence that may
start with an Arabic name is passed through :func:`ltr`, so that it stays a left-to-right paragraph.

>>> ltr("نجمة vs rest").startswith("\\u200e")
True
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np

from framing.errors import FramingError
from framing.output.files import atomic_path
from framing.vocabulary import STANCES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.patches import Patch
    from matplotlib.typing import RcKeyType

__all__ = [
    "STANCES",
    "STANCE_COLORS",
    "GROUP_COLORS",
    "GROUP_STYLES",
    "FONT_FAMILIES",
    "rc_params",
    "styled",
    "ltr",
    "footnote",
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
        else ``"ar"``.  Use it for your own figures with
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
    return {"font.family": families, "text.language": matplotlib.rcParams["text.language"] or "ar"}


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


def footnote(fig: Figure, *parts: str) -> None:
    """One grey line under the figure (the non-empty ``parts`` joined with ' · ')."""
    text = " · ".join(p for p in parts if p)
    if text:
        fig.supxlabel(ltr(text), fontsize=8, color="0.35")


# --------------------------------------------------------------------------- layout


def panels(n: int, *, ncols: int, panel: tuple[float, float], sharex: bool = False,
           sharey: bool = False) -> tuple[Figure, list[Axes]]:
    """A constrained-layout figure with ``n`` panels of size ``panel`` (inches), ``ncols`` per row.

    Grid cells beyond ``n`` are removed; returns the figure and the ``n`` Axes in reading order.
    """
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
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


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150, tight: bool = True) -> Path:
    """Write ``fig`` as PNG atomically (temporary file in the same folder, then ``os.replace``).

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
        fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
        os.chmod(tmp, 0o644)
    return target
