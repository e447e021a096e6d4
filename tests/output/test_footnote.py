"""A chart's footnote (framing.output.charts.style.footnote) is wrapped to the figure's width: a long list of
names left out of a chart is read whole, not cut at the figure's edges."""

from __future__ import annotations

import pytest

from framing.output.charts.style import footnote


@pytest.mark.parametrize("width", [4.0, 7.8])
def test_a_long_footnote_stays_inside_the_figure(width):
    from matplotlib.figure import Figure

    names = ", ".join(f"صحيفة الأخبار رقم {i}" for i in range(12))
    fig = Figure(figsize=(width, 3), layout="constrained")
    fig.add_subplot().plot([0, 1])
    footnote(fig, f"no labels, not drawn: {names}", "whiskers: 95% percentile-bootstrap intervals over documents")
    fig.canvas.draw()
    label = fig._supxlabel
    box = label.get_window_extent()
    assert label.get_text().count("\n") >= 1
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    assert "صحيفة الأخبار رقم 11" in label.get_text().replace("\n\u200e", " ")


def test_a_short_footnote_is_one_line():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3))
    footnote(fig, "whiskers: 95% intervals", "")
    assert fig._supxlabel.get_text() == "\u200ewhiskers: 95% intervals"
