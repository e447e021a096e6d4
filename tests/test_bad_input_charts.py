"""Bad-input catalogue, round two: names and corpora that broke the charts (tests/badinput/round2_charts.py).

Each case goes through the library (the chart functions, from the analysis tables as they are) and through
``framing analyze`` as a subprocess: exit 0, nothing on stderr that looks like a traceback, a complete
report and charts that are bounded in number and size. Sizes are checked in pixels, never in time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from badinput.round2_charts import CHART_CASES, LONG_NAME, png_size
from helpers.command import CLASSES, framing_env, run_framing, slow_params

pytest.importorskip("matplotlib")


def test_catalogue_round2_charts_is_tallied():
    names = [c.name for c in CHART_CASES]
    assert len(names) == len(set(names)) == 5
    assert {c.cls for c in CHART_CASES} <= CLASSES
    assert all(c.before for c in CHART_CASES)


@pytest.mark.parametrize("case", slow_params(CHART_CASES), ids=repr)
def test_round2_charts_library(case, tmp_path):
    case.library(tmp_path)


@pytest.mark.parametrize("case", slow_params(CHART_CASES), ids=repr)
def test_round2_charts_analyze_cli(case, tmp_path):
    corpus, lexicon = case.make(tmp_path)
    out = tmp_path / "out"
    proc = run_framing("analyze", corpus, "--lexicon", lexicon, "--out", out, "--n-boot", "20", *case.args,
                       timeout=900)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert "rejected 0" in proc.stdout, proc.stdout
    assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    pngs = list(out.glob("*.png"))
    assert pngs
    for path in pngs:
        assert png_size(path)[0] > 100  # complete, readable PNGs
    case.check(out)


# --- the hard size limit of a saved PNG, deterministic (pixels, not time) ---------------------------------------
def test_save_figure_caps_pixels_of_a_huge_figure(tmp_path):
    from matplotlib.figure import Figure

    from framing.output.charts import save_figure
    from framing.output.charts.style import MAX_PIXELS, MAX_SIDE

    for k, (size, title) in enumerate([((200.0, 3.0), "wide"), ((60.0, 60.0), "square"),
                                       ((6.0, 4.0), LONG_NAME)]):  # a title of 10,000 characters, drawn whole
        fig = Figure(figsize=size)
        fig.add_subplot().set_title(title)
        for tight in (True, False):
            w, h = png_size(save_figure(fig, tmp_path / f"f{k}{tight}.png", tight=tight))
            assert max(w, h) <= MAX_SIDE and w * h <= MAX_PIXELS, (size, tight, w, h)
            if tight or k < 2:  # scaled down to the limit, not to a stamp (not tight: the 6 x 4 inches asked)
                assert max(w, h) >= MAX_SIDE // 2 or w * h >= MAX_PIXELS // 2, (size, tight, w, h)


def test_save_figure_keeps_resolution_within_limits(tmp_path):
    from matplotlib.figure import Figure

    from framing.output.charts import save_figure

    fig = Figure(figsize=(4, 3))
    fig.add_subplot().plot([0, 1])
    assert png_size(save_figure(fig, tmp_path / "small.png", tight=False)) == (600, 450)  # 150 dpi as asked


def test_panels_are_bounded(tmp_path):
    from framing.output.charts.style import MAX_INCHES, MAX_PANELS, fit_panels, panels

    assert fit_panels(400, ncols=3, panel=(3.6, 1.0)) == MAX_PANELS
    assert fit_panels(400, ncols=3, panel=(3.6, 20.0)) == 3 * int(MAX_INCHES // 20)
    assert fit_panels(5, ncols=3, panel=(3.6, 500.0)) == 3  # one row
    fig, _ = panels(3, ncols=1, panel=(3.0, 500.0))
    assert max(fig.get_size_inches()) <= MAX_INCHES


def test_labels_cut_escape_and_keep_arabic_right_to_left():
    from framing.output.charts.labels import LABEL_WIDTH, label, labels, safe

    assert safe("a $x^$ b") == r"a \$x^\$ b" and safe(r"\$") == r"\\$"
    arabic = label("نشرة " + "الأخبار المسائية " * 10)
    assert arabic.endswith("…\u200f") and len(arabic) <= LABEL_WIDTH + 1  # the ellipsis on the name's side
    assert label("x" * 100).endswith("…") and len(label("x" * 100)) == LABEL_WIDTH
    a, b = labels(["y" * 50 + "1", "y" * 50 + "2"])
    assert a != b  # cut names kept distinct


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory read from /proc (Linux)")
@pytest.mark.parametrize("name", ["long_outlet_name", "many_outlets"])
def test_chart_memory_stays_small(name, tmp_path):
    """The library route of a case (tables, every chart drawn and saved) in a fresh process: its peak resident
    memory (VmHWM: of this process image only; ru_maxrss would count the forking test worker) stays within the
    memory goal. Drawn whole, the 10,000-character name took 1.3 GB and more."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from badinput.round2_charts import CHART_CASES
        case = next(c for c in CHART_CASES if c.name == {name!r})
        case.library(Path({str(tmp_path)!r}))
        print([line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0])
    """)
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=900,
                          env=framing_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    peak_mb = int(proc.stdout.split()[-1]) / 1024
    assert peak_mb < 600, peak_mb
