"""Charts: every chart is rendered to PNG; artists, Arabic texts and glyph coverage are checked."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")

from framing.errors import FramingError  # noqa: E402
from framing.output import charts  # noqa: E402

# A glyph missing from every font is an error in this module (the fixture test below
# shows the filter really turns such a warning into a failure).
pytestmark = pytest.mark.filterwarnings(r"error:Glyph .* missing from font")

STANCES = charts.STANCES
# Invented outlets: two Arabic names and a Latin one.
OUTLETS = ["صحيفة الأفق", "نشرة المساء", "Wadi Times"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _render(fig, tmp_path: Path, name: str) -> Path:
    path = charts.save_figure(fig, tmp_path / f"{name}.png")
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 5_000  # a drawn chart, not an empty canvas
    return path


def _texts(fig) -> list[str]:
    """All strings drawn on a figure (titles, tick labels, annotations, legends)."""
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _shares_table(referents=("haftar_camp", "gna"), empty_referent=None) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for outlet in OUTLETS:
        for ref in referents:
            p = rng.dirichlet([2, 3, 2])
            total = 0 if ref == empty_referent else int(rng.integers(40, 200))
            for s, drawn in zip(STANCES, p, strict=True):
                share = np.nan if total == 0 else float(drawn)
                rows.append({"outlet": outlet, "referent": ref, "stance": s, "n_docs": 50,
                             "count": 0 if total == 0 else round(share * total), "total": total,
                             "share": share, "lo": share - 0.05 if total else np.nan,
                             "hi": share + 0.05 if total else np.nan})
    return pd.DataFrame(rows)


def _trends_table(n_months=12) -> pd.DataFrame:
    periods = pd.date_range("2020-01-01", periods=n_months, freq="MS")
    rows = []
    for k, outlet in enumerate(OUTLETS[:2]):
        for i, period in enumerate(periods):
            deleg = 0.1 if (k == 0 and i < 6) else 0.6 if k == 0 else 0.3
            p = {"delegitimizing": deleg, "neutral": 0.9 - deleg, "legitimizing": 0.1}
            for s in STANCES:
                rows.append({"period": period, "outlet": outlet, "referent": "haftar_camp", "stance": s,
                             "count": int(p[s] * 50), "total": 50, "share": p[s],
                             "lo": max(p[s] - 0.1, 0), "hi": min(p[s] + 0.1, 1)})
    return pd.DataFrame(rows)


def _change_points_table() -> pd.DataFrame:
    return pd.DataFrame([{
        "outlet": OUTLETS[0], "referent": "haftar_camp", "date": pd.Timestamp("2020-07-01"),
        "stance_before": "neutral", "stance_after": "delegitimizing",
        "share_before:delegitimizing": 0.10, "share_before:neutral": 0.80, "share_before:legitimizing": 0.10,
        "share_after:delegitimizing": 0.60, "share_after:neutral": 0.30, "share_after:legitimizing": 0.10,
        "shift": 0.5, "lr": 40.0}])


TERMS_UP = ["ميليشيات", "المرتزقة", "المتمردين"]
TERMS_DOWN = ["الجيش الوطني", "قوات الوفاق"]
TERMS_WEAK = ["قوات", "الحكومة", "المسلحين"]


def _comparison_table(pairwise=False) -> pd.DataFrame:
    z = {"ميليشيات": 4.2, "المرتزقة": 3.1, "المتمردين": 2.4, "الجيش الوطني": -3.6, "قوات الوفاق": -2.2,
         "قوات": 0.8, "الحكومة": -0.5, "المسلحين": 1.1}
    rows = []
    refs = OUTLETS[1:] if pairwise else ["rest"]
    for ref in refs:
        for i, (term, score) in enumerate(z.items()):
            rows.append({"outlet": OUTLETS[0], "reference": ref, "term": term, "count": 10 + 7 * i,
                         "count_reference": 30 + 11 * i, "score": score, "p": 0.01, "q": 0.02, "z": score})
    return pd.DataFrame(rows)


def _distance_table(linkage_on="table") -> pd.DataFrame:
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    names = ["نجمة الصباح", "Wadi Times", "نشرة المساء", "صحيفة الأفق"]
    D = np.array([[0.0, 0.5, 0.2, 0.6], [0.5, 0.0, 0.45, 0.3], [0.2, 0.45, 0.0, 0.55], [0.6, 0.3, 0.55, 0.0]])
    Z = linkage(squareform(D), method="average", optimal_ordering=True)
    order = list(leaves_list(Z))
    table = pd.DataFrame(D, index=names, columns=names).iloc[order, order]
    if linkage_on == "table":  # linkage recomputed on the reordered table
        Z = linkage(squareform(table.to_numpy()), method="average", optimal_ordering=True)
    table.attrs["order"] = list(table.index)
    table.attrs["linkage"] = Z.tolist()
    return table


# --------------------------------------------------------------------------- Arabic


def test_missing_glyph_warning_is_an_error_here(tmp_path):
    """The module's filter is not vacuous: a private-use character has no glyph anywhere."""
    fig, ax = charts.plot_label_shares(_shares_table(), referent="gna")
    ax.set_title("\ue000")
    with pytest.raises(UserWarning, match="missing from font"):
        charts.save_figure(fig, tmp_path / "bad.png")


def test_arabic_is_shaped_right_to_left_by_matplotlib():
    """libraqm in matplotlib's ft2font joins the letters and lays them out right to left."""
    from matplotlib import font_manager
    from matplotlib.ft2font import LoadFlags

    with matplotlib.rc_context(charts.rc_params()):
        path = font_manager.findfont(font_manager.FontProperties(family=charts.rc_params()["font.family"]))
    font = font_manager.get_font(path)
    font.set_size(12, 72)
    word = "بيت"
    items = font._layout(word, LoadFlags.NO_HINTING, language="ar")  # private API, no public equivalent
    # contextual forms, not the isolated letters of the cmap
    isolated = [font.get_char_index(ord(c)) for c in word]
    by_char = {it.char: it.glyph_index for it in items}
    assert all(by_char[c] != g for c, g in zip(word, isolated, strict=False))
    # the first letter of the word sits rightmost, the last leftmost
    x = {it.char: it.x for it in items}
    assert x["ب"] > x["ي"] > x["ت"]


def test_rc_params_are_not_leaked():
    before = (matplotlib.rcParams["text.language"], list(matplotlib.rcParams["font.family"]))
    charts.plot_label_shares(_shares_table(), referent="gna")
    assert (matplotlib.rcParams["text.language"], list(matplotlib.rcParams["font.family"])) == before
    params = charts.rc_params()
    assert params["text.language"] == "ar"
    assert "DejaVu Sans" in params["font.family"]


def test_rc_params_put_a_user_font_first():
    with matplotlib.rc_context({"font.family": ["serif"]}):
        fams = charts.rc_params()["font.family"]
    assert fams[0] == "serif" and "DejaVu Sans" in fams


# --------------------------------------------------------------------------- label shares


def test_label_shares_dodge_one_panel_per_referent(tmp_path):
    fig, axes = charts.plot_label_shares(_shares_table())
    assert len(axes) == 2
    for ax, ref in zip(axes, ["haftar_camp", "gna"], strict=False):
        assert ax.get_title() == ref
        assert len(ax.patches) == len(OUTLETS) * len(STANCES)
        assert [t.get_text() for t in ax.get_yticklabels()] == OUTLETS
        # bar colours in stance order
        colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches[:: len(OUTLETS)]]
        assert colours == [charts.STANCE_COLORS[s].lower() for s in STANCES]
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == list(STANCES)
    _render(fig, tmp_path, "shares_dodge")


def test_label_shares_bar_lengths_are_the_shares():
    table = _shares_table()
    _fig, ax = charts.plot_label_shares(table, referent="gna")
    sub = table[table["referent"] == "gna"]
    expected = [sub[(sub["outlet"] == o) & (sub["stance"] == s)]["share"].item() for s in STANCES for o in OUTLETS]
    assert [p.get_width() for p in ax.patches] == pytest.approx(expected)


def test_label_shares_stack_with_whiskers(tmp_path):
    table = _shares_table()
    fig, ax = charts.plot_label_shares(table, referent="haftar_camp", kind="stack")
    assert len(ax.patches) == len(OUTLETS) * len(STANCES)
    # segments of one bar touch: each starts where the previous ends, the last ends at 1
    first_bar = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2) < 1e-9]
    ends = np.cumsum([p.get_width() for p in first_bar])
    assert [p.get_x() for p in first_bar[1:]] == pytest.approx(list(ends[:-1]))
    assert ends[-1] == pytest.approx(1.0)
    assert len(ax.containers) == 2 * len(STANCES)  # three bar containers, three errorbar containers
    _render(fig, tmp_path, "shares_stack")


def test_label_shares_referent_without_labels_is_named_not_drawn(tmp_path):
    fig, axes = charts.plot_label_shares(_shares_table(referents=("gna", "uae", "turkey"), empty_referent="uae"))
    assert [a.get_title() for a in axes] == ["gna", "turkey"]
    assert "uae" in fig.get_supxlabel()
    _render(fig, tmp_path, "shares_empty")


def test_label_shares_errors():
    table = _shares_table()
    with pytest.raises(FramingError, match=r"missing columns.*'lo'"):
        charts.plot_label_shares(table.drop(columns=["lo"]))
    with pytest.raises(FramingError, match="kind"):
        charts.plot_label_shares(table, kind="pie")
    with pytest.raises(FramingError, match="available"):
        charts.plot_label_shares(table, referent="wagner")
    _fig, ax = charts.plot_label_shares(table, referent="gna")
    with pytest.raises(FramingError, match="one Axes holds one referent"):
        charts.plot_label_shares(table, ax=ax)
    with pytest.raises(FramingError, match="stance"):
        charts.plot_label_shares(table.assign(stance="hostile"))
    with pytest.raises(FramingError, match="several rows"):
        charts.plot_label_shares(pd.concat([table, table.iloc[:1]]), referent="haftar_camp")
    with pytest.raises(FramingError, match="DataFrame"):
        charts.plot_label_shares(table.to_dict())


def test_label_shares_into_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    out_fig, out_ax = charts.plot_label_shares(_shares_table(), referent="gna", ax=ax)
    assert out_fig is fig and out_ax is ax
    assert len(ax.patches) == len(OUTLETS) * len(STANCES)


# --------------------------------------------------------------------------- trends


def test_trends_small_multiples_with_change_point(tmp_path):
    fig, axes = charts.plot_trends(_trends_table(), referent="haftar_camp", change_points=_change_points_table())
    assert len(axes) == len(STANCES)
    for ax, s in zip(axes, STANCES, strict=False):
        assert len(ax.lines) == 2 + 1  # two outlets, one change-point line
        assert len(ax.collections) == 2  # two interval bands
        assert s in ax.get_ylabel()
        vline = ax.lines[-1]
        assert pd.Timestamp(vline.get_xdata()[0]) == pd.Timestamp("2020-07-01")
        assert vline.get_linestyle() == "--"
    notes = [t.get_text() for t in axes[0].texts]
    assert notes == [f"{OUTLETS[0]}\n10% → 60%"]
    assert [t.get_text() for t in axes[1].texts] == [f"{OUTLETS[0]}\n80% → 30%"]
    assert set(OUTLETS[:2]) <= set(_texts(fig))
    _render(fig, tmp_path, "trends")


def test_trends_one_stance_lines_follow_the_shares(tmp_path):
    table = _trends_table()
    fig, ax = charts.plot_trends(table, referent="haftar_camp", stance="delegitimizing")
    assert len(ax.lines) == 2
    expected = table[(table["outlet"] == OUTLETS[0]) & (table["stance"] == "delegitimizing")]["share"]
    assert list(ax.lines[0].get_ydata()) == pytest.approx(list(expected))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == OUTLETS[:2]
    _render(fig, tmp_path, "trends_one")


def test_trends_smooth_and_gaps(tmp_path):
    table = _trends_table()
    table.loc[table["period"] == table["period"].iloc[3], ["share", "lo", "hi"]] = np.nan
    table["share_smooth"] = table["share"].fillna(0.2)
    fig, ax = charts.plot_trends(table, referent="haftar_camp", stance="neutral")
    assert len(ax.lines) == 2
    assert len(ax.collections) == 4  # two bands and two scatter layers of the raw shares
    _render(fig, tmp_path, "trends_smooth")


def test_trends_change_point_without_stance_shares():
    cp = _change_points_table()[["outlet", "referent", "date", "stance_before", "stance_after", "shift"]]
    _fig, ax = charts.plot_trends(_trends_table(), referent="haftar_camp", stance="neutral", change_points=cp)
    assert [t.get_text() for t in ax.texts] == [f"{OUTLETS[0]}\nneutral → delegitimizing (shift 50%)"]


def test_trends_errors():
    table = _trends_table()
    with pytest.raises(FramingError, match="available"):
        charts.plot_trends(table, referent="gna")
    with pytest.raises(FramingError, match="stance"):
        charts.plot_trends(table, referent="haftar_camp", stance="hostile")
    _fig, ax = charts.plot_trends(table, referent="haftar_camp", stance="neutral")
    with pytest.raises(FramingError, match="one Axes holds one stance"):
        charts.plot_trends(table, referent="haftar_camp", ax=ax)
    with pytest.raises(FramingError, match="change_points: missing columns"):
        charts.plot_trends(table, referent="haftar_camp", change_points=pd.DataFrame({"referent": ["x"]}))


# --------------------------------------------------------------------------- heatmap


def test_referent_heatmap_cells_are_the_shares(tmp_path):
    table = _shares_table(referents=("haftar_camp", "gna", "uae"), empty_referent="uae")
    fig, axes = charts.plot_referent_heatmap(table)
    assert len(axes) == len(OUTLETS)
    for ax, outlet in zip(axes, OUTLETS, strict=False):
        assert ax.get_title() == outlet
        assert len(ax.images) == 1
        sub = table[table["outlet"] == outlet]
        expected = ["–" if np.isnan(v) else f"{v:.2f}" for v in sub["share"]]  # referent-major, stance order
        assert [t.get_text() for t in ax.texts] == expected
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["haftar_camp", "gna", "uae"]
    _render(fig, tmp_path, "heatmap")


def test_referent_heatmap_one_outlet(tmp_path):
    fig, ax = charts.plot_referent_heatmap(_shares_table(), outlet=OUTLETS[1])
    assert ax.get_title() == OUTLETS[1]
    with pytest.raises(FramingError, match="available"):
        charts.plot_referent_heatmap(_shares_table(), outlet="nowhere")
    _render(fig, tmp_path, "heatmap_one")


# --------------------------------------------------------------------------- fightin' words


def test_fightin_words_labels_the_strongest_terms(tmp_path):
    fig, ax = charts.plot_fightin_words(_comparison_table(), outlet=OUTLETS[0], top=2)
    labels = [t.get_text() for t in ax.texts]
    assert set(labels) == {"ميليشيات", "المرتزقة", "الجيش الوطني", "قوات الوفاق"}
    assert ax.get_xscale() == "log"
    # an English title starting with an Arabic name is forced to a left-to-right paragraph
    assert ax.get_title() == f"\u200e{OUTLETS[0]}  vs  the other outlets"
    # grey band at |z| = 1.96
    band = [p for p in ax.patches if isinstance(p, (matplotlib.patches.Rectangle, matplotlib.patches.Polygon))]
    assert band and band[0].get_extents() is not None
    y0, y1 = sorted(ax.transData.inverted().transform(band[0].get_window_extent())[:, 1])
    assert (y0, y1) == pytest.approx((-1.959964, 1.959964), abs=1e-3)
    # three point layers: inside the band (3 terms), above (3), below (2)
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [len(TERMS_WEAK), len(TERMS_UP), len(TERMS_DOWN)]
    _render(fig, tmp_path, "fightin_words")


def test_fightin_words_top_and_reference():
    _fig, ax = charts.plot_fightin_words(_comparison_table(), outlet=OUTLETS[0], top=10)
    assert {t.get_text() for t in ax.texts} == set(TERMS_UP + TERMS_DOWN)  # never the weak ones
    with pytest.raises(FramingError, match="pass reference="):
        charts.plot_fightin_words(_comparison_table(pairwise=True), outlet=OUTLETS[0])
    _fig, ax = charts.plot_fightin_words(_comparison_table(pairwise=True), outlet=OUTLETS[0], reference=OUTLETS[2])
    assert OUTLETS[2] in ax.get_title()
    with pytest.raises(FramingError, match="top"):
        charts.plot_fightin_words(_comparison_table(), outlet=OUTLETS[0], top=-1)
    with pytest.raises(FramingError, match="available"):
        charts.plot_fightin_words(_comparison_table(), outlet="nowhere")


# --------------------------------------------------------------------------- distances


@pytest.mark.parametrize("linkage_on", ["table", "original"])
def test_outlet_distance_dendrogram_matches_heatmap(tmp_path, linkage_on):
    table = _distance_table(linkage_on)
    fig, ax = charts.plot_outlet_distance(table)
    assert len(ax.images) == 1 and len(ax.child_axes) == 1
    names = [t.get_text() for t in ax.get_xticklabels()]
    assert sorted(names) == sorted(table.index)
    shown = ax.images[0].get_array()
    # the drawn matrix is the table in the drawn order
    assert np.allclose(np.asarray(shown), table.loc[names, names].to_numpy())
    # the two closest outlets (distance 0.2) are neighbours under the dendrogram
    i, j = names.index("نجمة الصباح"), names.index("نشرة المساء")
    assert abs(i - j) == 1
    _render(fig, tmp_path, f"distance_{linkage_on}")


def test_outlet_distance_without_or_with_bad_linkage():
    table = _distance_table()
    plain = pd.DataFrame(table.to_numpy(), index=table.index, columns=table.columns)
    _fig, ax = charts.plot_outlet_distance(plain)  # linkage computed here
    assert len(ax.child_axes) == 1
    bad = table.copy()
    bad.attrs["linkage"] = [[0, 1, 0.01, 2], [2, 3, 0.02, 2], [4, 5, 0.9, 4]]
    with pytest.raises(FramingError, match="do not match"):
        charts.plot_outlet_distance(bad)
    with pytest.raises(FramingError, match="square"):
        charts.plot_outlet_distance(table.iloc[:, :2])


# --------------------------------------------------------------------------- saving


def test_save_figure_is_atomic(tmp_path):
    fig, _ = charts.plot_label_shares(_shares_table(), referent="gna")
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")

    class Broken:
        def savefig(self, *args, **kwargs):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        charts.save_figure(Broken(), target)
    assert target.read_bytes() == b"old"  # the old file is untouched
    assert os.listdir(tmp_path) == ["chart.png"]  # no temporary file left
    out = charts.save_figure(fig, target)
    assert out == target and target.read_bytes()[:8] == PNG_MAGIC
    assert os.listdir(tmp_path) == ["chart.png"]


def test_save_figure_dpi_and_errors(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1])
    path = charts.save_figure(fig, tmp_path / "small.png")
    width = int.from_bytes(path.read_bytes()[16:20], "big")
    assert 200 <= width <= 310  # 2 inch at dpi 150, trimmed by bbox_inches="tight"
    with pytest.raises(FramingError, match="does not exist"):
        charts.save_figure(fig, tmp_path / "nowhere" / "x.png")
    with pytest.raises(FramingError, match="Figure"):
        charts.save_figure("figure", tmp_path / "x.png")


# --------------------------------------------------------------------------- demo corpus

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "corpus.jsonl"
_HAVE_STATS = all(importlib.util.find_spec(m) is not None for m in ("framing.stats.shares", "framing.analyses.temporal",
                                                                      "framing.analyses.compare"))


@pytest.mark.skipif(not DEMO.exists() or not _HAVE_STATS, reason="demo corpus or statistics modules absent")
def test_demo_corpus_charts(tmp_path):
    import framing
    from framing.analyses.compare import compare_outlets, outlet_distance
    from framing.analyses.temporal import change_points, trends
    from framing.stats.shares import label_shares

    corpus = framing.read_corpus(DEMO)
    corpus = corpus[corpus["date"] < "2020-07-01"]  # 15 months around the planted switch: faster
    feats = framing.extract_features(corpus, "libya", voice="own")
    shares = label_shares(feats, method="wilson")
    fig, axes = charts.plot_label_shares(shares)
    _render(fig, tmp_path, "demo_shares")
    fig, _ = charts.plot_referent_heatmap(shares)
    _render(fig, tmp_path, "demo_heatmap")

    tr = trends(feats, referent="haftar_camp")
    cps = change_points(feats, referent="haftar_camp")
    fig, axes = charts.plot_trends(tr, referent="haftar_camp", change_points=cps)
    switch = cps[cps["outlet"] == "Fanus al-Diffatayn"]
    assert len(switch) >= 1  # the planted switch is found and drawn
    assert any(t.get_text().startswith("Fanus al-Diffatayn\n") for t in axes[0].texts)
    _render(fig, tmp_path, "demo_trends")

    matches = framing.extract_matches(corpus, "libya")
    comparison = compare_outlets(framing.term_counts(matches), dispersion=framing.term_dispersion(corpus, matches))
    fig, ax = charts.plot_fightin_words(comparison, outlet="Fanus al-Diffatayn")
    assert any(t.get_text() for t in ax.texts)  # at least one Arabic term labelled
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in t.get_text()) for t in ax.texts)
    _render(fig, tmp_path, "demo_fightin")

    fig, ax = charts.plot_outlet_distance(outlet_distance(feats))
    assert len(ax.child_axes) == 1
    _render(fig, tmp_path, "demo_distance")


# --------------------------------------------------------------------------- issue 11: charts people read


def _crowded_comparison(n_terms=60, seed=5) -> pd.DataFrame:
    """Many strong terms with close scores and similar frequencies: labels would collide if placed
    beside their points."""
    rng = np.random.default_rng(seed)
    words = ["ميليشيات", "المرتزقة", "المتمردين", "الجيش الوطني", "قوات الوفاق", "الحكومة الشرعية",
             "عصابات", "الانقلابيين", "القوات المسلحة", "المجلس الرئاسي"]
    rows = []
    for i in range(n_terms):
        z = float(rng.choice([-1, 1]) * rng.uniform(2.0, 3.0))
        rows.append({"outlet": OUTLETS[0], "reference": "rest", "term": f"{words[i % len(words)]} {i}",
                     "count": int(rng.integers(40, 60)), "count_reference": int(rng.integers(90, 110)),
                     "score": z, "z": z, "p": 0.01, "q": 0.02})
    return pd.DataFrame(rows)


def _label_boxes(fig, ax):
    from matplotlib.text import Text

    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    return [Text.get_window_extent(t, renderer) for t in ax.texts]


@pytest.mark.parametrize("top", [3, 10, 25])
def test_fightin_words_labels_never_overlap(tmp_path, top):
    fig, ax = charts.plot_fightin_words(_crowded_comparison(), outlet=OUTLETS[0], top=top)
    boxes = _label_boxes(fig, ax)
    assert len(boxes) >= min(2 * top, 6)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (ax.texts[i].get_text(), ax.texts[j].get_text())
    # labels sit right of the plotting area, so a leader line ends at a label's edge, not across words
    right = ax.get_window_extent().x1
    assert all(b.x0 >= right for b in boxes)
    # in the order of their points: a higher point never gets a lower label
    ys = [t.xy[1] for t in ax.texts]
    pos = [b.y0 for b in boxes]
    order = np.argsort(ys)
    assert list(np.array(pos)[order]) == sorted(pos)
    path = _render(fig, tmp_path, f"fw_crowded_{top}")
    # the saved figure holds every label (nothing cut off by bbox_inches)
    assert path.stat().st_size > 20_000


def test_fightin_words_states_its_band():
    fig, _ax = charts.plot_fightin_words(_comparison_table(), outlet=OUTLETS[0])
    assert "1.96" in fig.get_supxlabel() and "5%" in fig.get_supxlabel()


def _trends_many(outlets, n_months=12) -> pd.DataFrame:
    table = _trends_table(n_months)
    frames = []
    for k, o in enumerate(outlets):
        src = table[table["outlet"] == OUTLETS[k % 2]].copy()
        src["outlet"] = o
        frames.append(src)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(method="wilson", ci=0.95)
    return out


def test_trends_by_outlet_small_multiples(tmp_path):
    outlets = ["صحيفة الأفق", "نشرة المساء", "Wadi Times", "نجمة الصباح"]
    table = _trends_many(outlets)
    fig, axes = charts.plot_trends_by_outlet(table, referent="haftar_camp", change_points=_change_points_table())
    assert len(axes) == 4
    for ax, o in zip(axes, outlets, strict=False):
        assert ax.get_title(loc="left").lstrip("\u200e") == o
        assert len(ax.collections) == 3  # one band per stance
        colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.lines[:3]]
        assert colours == [charts.STANCE_COLORS[s].lower() for s in STANCES]
    # the change-point is drawn only in its outlet's panel, labelled with its size
    assert len(axes[0].lines) == 4 and all(len(a.lines) == 3 for a in axes[1:])
    assert [t.get_text() for t in axes[0].texts] == ["delegit. 10% → 60%"]
    assert "95% Wilson" in fig.get_supxlabel()
    _render(fig, tmp_path, "trends_by_outlet")


def test_trends_by_outlet_without_change_points_marks_nothing():
    table = _trends_many(["صحيفة الأفق", "Wadi Times"])
    empty = _change_points_table().iloc[:0]
    _fig, axes = charts.plot_trends_by_outlet(table, referent="haftar_camp", change_points=empty)
    assert all(len(a.lines) == 3 and not a.texts for a in axes)


def test_trends_by_outlet_leaves_out_outlets_without_labels():
    table = _trends_many(["صحيفة الأفق", "Wadi Times", "نشرة المساء"])
    silent = table["outlet"] == "نشرة المساء"
    table.loc[silent, ["count", "total"]] = 0
    table.loc[silent, ["share", "lo", "hi"]] = np.nan
    fig, axes = charts.plot_trends_by_outlet(table, referent="haftar_camp")
    assert len(axes) == 2
    assert "no labels, not drawn: نشرة المساء" in fig.get_supxlabel()
    fig, axes = charts.plot_trends_by_outlet(table, referent="haftar_camp", outlets=["Wadi Times"])
    assert axes.get_title(loc="left").lstrip("\u200e") == "Wadi Times"
    with pytest.raises(FramingError, match="outlets"):
        charts.plot_trends_by_outlet(table, referent="haftar_camp", outlets=["nowhere"])


def test_charts_with_intervals_state_their_method():
    shares = _shares_table()
    shares.attrs.update(method="bootstrap", ci=0.95)
    fig, _ = charts.plot_label_shares(shares)
    assert "95% percentile-bootstrap" in fig.get_supxlabel()
    fig, _ = charts.plot_label_shares(_shares_table())  # no attrs: says so rather than guessing
    assert "method not recorded" in fig.get_supxlabel()
    t = _trends_table()
    t.attrs.update(method="wilson", ci=0.9)
    fig, _ = charts.plot_trends(t, referent="haftar_camp")
    assert "90% Wilson" in fig.get_supxlabel()


def test_outlets_without_labels_are_named_not_drawn(tmp_path):
    table = _shares_table()
    silent = table["outlet"] == OUTLETS[2]
    table.loc[silent, ["share", "lo", "hi"]] = np.nan
    table.loc[silent, ["count", "total"]] = 0
    fig, axes = charts.plot_label_shares(table)
    for ax in axes:
        assert [t.get_text() for t in ax.get_yticklabels()] == OUTLETS[:2]
    assert f"outlets without labels, not drawn: {OUTLETS[2]}" in fig.get_supxlabel()
    fig, axes = charts.plot_referent_heatmap(table)
    assert len(axes) == 2 and OUTLETS[2] in fig.get_supxlabel()
    _render(fig, tmp_path, "heatmap_silent")


def test_referents_by_display_name():
    shown = charts.with_display_names(_shares_table(), "libya")
    assert "haftar_camp" not in set(shown["referent"]) and "Haftar's camp" in set(shown["referent"])
    _fig, axes = charts.plot_label_shares(shown)
    assert "Haftar's camp" in [a.get_title() for a in axes]


def test_category_rates_with_poisson_intervals(tmp_path):
    from scipy.stats import chi2

    rows = []
    for k, o in enumerate(OUTLETS):
        for c, n in (("hedge", 0), ("attribution_sceptical", 3 + k), ("legitimacy", 40 * (k + 1))):
            rows.append({"outlet": o, "category": c, "documents": 50, "words": 20_000, "count": n})
    table = pd.DataFrame(rows)
    fig, axes = charts.plot_category_rates(table)
    assert [a.get_title() for a in axes] == ["attribution sceptical", "legitimacy"]  # hedge: no terms
    assert "no terms found, not drawn: hedge" in fig.get_supxlabel()
    assert "95% exact Poisson" in fig.get_supxlabel()
    pts = axes[1].collections[0].get_offsets()
    assert list(pts[:, 0]) == pytest.approx([20.0, 40.0, 60.0])  # per 10,000 words
    assert [t.get_text() for t in axes[0].get_yticklabels()] == OUTLETS
    # the whisker of the first outlet spans the exact interval of 40 terms
    seg = axes[1].collections[1].get_segments()[0]
    lo, hi = chi2.ppf(0.025, 80) / 2 / 2, chi2.ppf(0.975, 82) / 2 / 2
    assert sorted(seg[:, 0]) == pytest.approx([lo, hi])
    _render(fig, tmp_path, "category_rates")


# --------------------------------------------------------------------------- import paths

OLD_ALL = ["STANCES", "STANCE_COLORS", "rc_params", "plot_label_shares", "plot_trends", "plot_trends_by_outlet",
           "plot_referent_heatmap", "plot_fightin_words", "plot_outlet_distance", "plot_category_rates",
           "save_figure", "interval_note", "with_display_names"]


def test_every_name_of_the_old_charts_module_is_still_there():
    """framing.output.charts became a package: its names, the deprecated framing.charts alias module
    and the framing.charts attribute still give every name the single module gave."""
    import importlib
    import sys
    import warnings

    import framing

    assert set(OLD_ALL) <= set(charts.__all__)
    sys.modules.pop("framing.charts", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        alias = importlib.import_module("framing.charts")
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    for name in OLD_ALL:
        assert getattr(alias, name) is getattr(charts, name)
        assert getattr(framing.charts, name) is getattr(charts, name)
