"""Bad-input catalogue, round two (issue 14): names and corpora that broke the charts.

Each :class:`ChartCase` builds a corpus and a lexicon (``make(folder) -> (corpus, lexicon)``) for
``framing analyze`` (with ``args``), and names a library check (``library(folder)``, raising
``AssertionError`` on failure) and a check of the analyze output folder (``check(out)``). ``cls`` is the
issue class the case was filed under (traceback / silent / runaway / unsafe / other) and ``before`` what
the tool did before the fix, so the cases can be tallied.

The Arabic sentences are written for these tests.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = ["ChartCase", "CHART_CASES", "MATH_NAMES", "LONG_NAME", "COLLIDING", "write_corpus",
           "write_lexicon", "png_size", "drawn_texts"]

#: names that matplotlib's mathtext parser refuses, or would typeset ("$5 and $6" in italics)
MATH_NAMES = ["a $x^$ b", "${$", "costs $5 and $6", r"$\foo$ {x} _y^ \\"]
#: an outlet name of 10,000 characters (Arabic, then Latin)
LONG_NAME = "نشرة " + "الأخبار المسائية " * 550 + "x" * (10_000 - 5 - 17 * 550)
#: names that give one file name when cut down to word characters
COLLIDING = ["Al Jazeera", "Al-Jazeera", "نجمة الصباح", "نجمة الصباح!"]

# everyday words, and one label per outlet so that each has terms of its own (Fightin' Words charts)
_SENTENCES = ("افتتح المجلس البلدي مكتبة جديدة في الحي الشمالي وقال المزارعون إن موسم القمح جاء متأخرا "
              "بسبب قلة الأمطار وأعلنت المدرسة عن رحلة إلى المتحف الوطني وعاد الصيادون إلى الميناء")
_WORDS = _SENTENCES.split(" ")
_LABELS = {"delegitimizing": ["ميليشيا", "عصابة"], "neutral": ["قوات"], "legitimizing": ["جيش"]}
_ALL_LABELS = [t for terms in _LABELS.values() for t in terms]


def write_lexicon(d: Path, *, label: str = "the camp", terms: dict[str, str] | None = None) -> Path:
    """A lexicon with one referent (display name ``label``), four labels; ``terms`` renames a label's
    canonical term (the texts hold the plain word, a variant of it)."""
    terms = terms or {}
    labels = {stance: [{"term": terms.get(w, w), "variants": [w]} for w in words]
              for stance, words in _LABELS.items()}
    lex = {"name": "charts", "version": 1,
           "referents": {"camp": {"label": label, "aliases": [{"term": "حفتر"}], "labels": labels}}}
    path = d / "lexicon.yaml"
    path.write_text(yaml.safe_dump(lex, allow_unicode=True), encoding="utf-8")
    return path


def write_corpus(d: Path, outlets: Sequence[str], per_outlet: int = 12, *, own_label: bool = True,
                 only: str | None = None) -> Path:
    """``per_outlet`` documents for each outlet over six months. With ``own_label`` outlet k mostly uses
    label k (mod 4), so that each has distinctive terms; ``only``: that single label, once in the first
    document of the first two outlets (no other label anywhere)."""
    rows = []
    for k, outlet in enumerate(outlets):
        for j in range(per_outlet):
            i = k * per_outlet + j
            rng = random.Random(i)
            text = " ".join(rng.sample(_WORDS, 12))
            if only is not None:
                text += f" وتقدمت {only} حفتر نحو المدينة" if j == 0 and k < 2 else ""
            else:
                mine = _ALL_LABELS[k % 4] if own_label else rng.choice(_ALL_LABELS)
                other = _ALL_LABELS[(k + 1 + j % 3) % 4] if j % 4 == 0 else mine
                text += f" وتقدمت {mine} حفتر نحو المدينة. " + " ".join(rng.sample(_WORDS, 8)) + f" ثم {other} حفتر"
            rows.append({"doc_id": f"d{i}", "outlet": outlet, "date": f"2020-{1 + j % 6:02d}-{10 + j % 9}",
                         "title": f"خبر {i}", "text": f"{text} {i}"})
    path = d / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def drawn_texts(fig) -> list[str]:
    """Every non-empty text of a drawn figure as shown: no mathtext (the log axis' own tick labels
    aside), escaped dollars shown as dollars."""
    from matplotlib import cbook
    from matplotlib.text import Text

    fig.draw_without_rendering()
    out = []
    for t in fig.findobj(Text):
        s = t.get_text()
        if not s or s.startswith("$\\mathdefault{"):
            continue
        assert not cbook.is_math_text(s), f"read as mathtext: {s!r}"
        out.append(s.replace(r"\$", "$"))
    return out


# --- library checks ---------------------------------------------------------------------------------------------
def _tables(corpus: Path, lexicon: Path) -> dict:
    import framing

    df = framing.read_corpus(corpus)
    lex = framing.load_lexicon(lexicon)
    feats = framing.extract_features(df, lex)
    counts = framing.term_counts(df, lexicon=lex)
    compare = framing.compare_outlets(counts)
    matches = framing.extract_matches(df, lex, kinds=("alias", "label"), voice="all")
    return {"shares": framing.label_shares(feats, n_boot=20), "trends": framing.trends(feats),
            "compare": compare, "distance": framing.outlet_distance(feats),
            "attention": framing.attention(df, matches, lexicon=lex), "lex": lex}


def _every_chart(t: dict) -> dict:
    """Every chart of the tables, drawn from the tables as they are (no display names)."""
    from framing.output import charts
    from framing.output.attention import plot_attention

    ref = t["trends"]["referent"].iloc[0]
    out = {"shares": charts.plot_label_shares(t["shares"]), "heatmap": charts.plot_referent_heatmap(t["shares"]),
           "trends": charts.plot_trends(t["trends"], referent=ref),
           "trends_by_outlet": charts.plot_trends_by_outlet(t["trends"], referent=ref),
           "distance": charts.plot_outlet_distance(t["distance"]),
           "attention": plot_attention(t["attention"])}
    for k, outlet in enumerate(dict.fromkeys(t["compare"]["outlet"])):
        out[f"fightin_{k}"] = charts.plot_fightin_words(t["compare"], outlet=outlet)
    return out


def _save_all(figs: dict, d: Path) -> dict[str, Path]:
    from framing.output.charts import save_figure

    (d / "png").mkdir(exist_ok=True)
    return {k: save_figure(fig, d / "png" / f"{k}.png") for k, (fig, _) in figs.items()}


def _math_library(d: Path) -> None:
    from framing.output.charts import plot_fightin_words, save_figure, with_display_names

    corpus, lexicon = _math_inputs(d)
    t = _tables(corpus, lexicon)
    t["shares"] = with_display_names(t["shares"], t["lex"])  # the referent's label: "the ${$ camp $\foo$"
    figs = _every_chart(t)
    texts = {k: drawn_texts(fig) for k, (fig, _) in figs.items()}
    _save_all(figs, d)
    shown = " | ".join(s for v in texts.values() for s in v)
    for name in MATH_NAMES:
        assert name in shown, name
    assert _MATH_LABEL in " | ".join(texts["shares"])
    # the canonical terms hold "$": labelled beside the Fightin' Words chart as written
    cmp = t["compare"].assign(z=lambda x: x["z"].fillna(0.0))
    cmp.loc[cmp["term"] == _MATH_TERM, "z"] = 5.0
    fig, _ = plot_fightin_words(cmp, outlet=cmp.loc[cmp["term"] == _MATH_TERM, "outlet"].iloc[0])
    assert _MATH_TERM in drawn_texts(fig)
    save_figure(fig, d / "fightin_math_term.png")


def _log_axis_library(d: Path) -> None:
    import numpy as np
    import pandas as pd

    from framing.output.charts import plot_fightin_words, save_figure

    cols = ["outlet", "reference", "term", "count", "count_reference", "score", "z"]
    for k, rows in enumerate([
        [["A", "rest", "ميليشيا", 0, 0, 0.0, 0.0], ["A", "rest", "قوات", 0, 0, 0.0, 0.0]],  # all counts 0
        [["A", "rest", "ميليشيا", 1, 1, np.nan, np.nan]],  # one term, no score
        [["A", "rest", "ميليشيا", 1, 0, 2.5, 2.5]],  # one term: one point
    ]):
        fig, ax = plot_fightin_words(pd.DataFrame(rows, columns=cols), outlet="A")
        path = save_figure(fig, d / f"fightin_{k}.png")
        assert png_size(path)[0] > 200
        if k < 2:
            assert ax.get_xscale() == "linear"
            assert any("no term with a count" in s for s in drawn_texts(fig))
        else:
            assert ax.get_xscale() == "log"


def _long_library(d: Path) -> None:
    corpus = write_corpus(d, [LONG_NAME, "Wadi Times"], per_outlet=12)
    t = _tables(corpus, write_lexicon(d))
    figs = _every_chart(t)
    longest = max(len(s) for fig, _ in figs.values() for s in drawn_texts(fig))
    assert longest < 300, longest  # footnotes are sentences; names are cut to LABEL_WIDTH
    for fig, _ in figs.values():
        for s in drawn_texts(fig):
            assert "x" * 40 not in s and "المسائية الأخبار المسائية الأخبار المسائية" not in s, s[:80]
    for path in _save_all(figs, d).values():
        w, h = png_size(path)
        assert w <= 2500 and h <= 2500, (path.name, w, h)


def _many_library(d: Path) -> None:
    from framing.output import charts
    from framing.output.attention import plot_attention
    from framing.output.charts.style import MAX_PANELS, MAX_ROWS, MAX_SIDE

    outlets = [f"outlet {i:03d}" for i in range(400)]
    t = _tables(write_corpus(d, outlets, per_outlet=2, own_label=False), write_lexicon(d))
    ref = t["trends"]["referent"].iloc[0]
    draws = {"shares": lambda: charts.plot_label_shares(t["shares"]),
             "heatmap": lambda: charts.plot_referent_heatmap(t["shares"]),
             "trends": lambda: charts.plot_trends(t["trends"], referent=ref),
             "trends_by_outlet": lambda: charts.plot_trends_by_outlet(t["trends"], referent=ref),
             "distance": lambda: charts.plot_outlet_distance(t["distance"]),
             "attention": lambda: plot_attention(t["attention"])}
    for name, draw in draws.items():  # one chart at a time, drawn, checked, saved and let go, as analyze does
        fig, _ = draw()
        n_axes = len([a for a in fig.axes if a.get_label() != "<colorbar>" and a.get_visible()])
        assert n_axes <= MAX_PANELS + 1, (name, n_axes)
        for a in fig.axes:
            assert len(a.get_yticks()) <= max(MAX_ROWS, 12), (name, len(a.get_yticks()))
        assert any(re.search(r"\d+ more \w+ not drawn", s) for s in drawn_texts(fig)), name  # said on the chart
        for path in _save_all({name: (fig, None)}, d).values():
            assert max(png_size(path)) <= MAX_SIDE
        fig.clear()


def _colliding_library(d: Path) -> None:
    from framing.output.names import file_names, slug

    assert slug(COLLIDING[0]) == slug(COLLIDING[1]) and slug(COLLIDING[2]) == slug(COLLIDING[3])
    names = file_names(COLLIDING)
    assert len({n.casefold() for n in names.values()}) == len(COLLIDING)
    assert file_names(list(reversed(COLLIDING))) == names  # the same names whatever the order
    assert file_names(["Wadi Times"]) == {"Wadi Times": "Wadi_Times"}  # no collision: the plain slug


# --- corpora for the CLI ----------------------------------------------------------------------------------------
_MATH_LABEL = r"the ${$ camp $\foo$"
_MATH_TERM = "عصابة $a_$"


def _math_inputs(d: Path) -> tuple[Path, Path]:
    return (write_corpus(d, [*MATH_NAMES, "Wadi Times"], per_outlet=16),
            write_lexicon(d, label=_MATH_LABEL, terms={"عصابة": _MATH_TERM, "قوات": "قوات $"}))


def _math_check(out: Path) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "a $x^$ b" in html and "${$" in html
    assert len(list(out.glob("fightin_words_*.png"))) >= 2  # outlets with $ in their names: charts drawn


def _one_term_check(out: Path) -> None:
    assert len(list(out.glob("fightin_words_*.png"))) == 2  # one point each (g2 scores every outlet)


def _one_term_inputs(d: Path) -> tuple[Path, Path]:
    return write_corpus(d, ["A", "B", "C"], per_outlet=10, only="ميليشيا"), write_lexicon(d)


def _long_inputs(d: Path) -> tuple[Path, Path]:
    return write_corpus(d, [LONG_NAME, "Wadi Times", "نشرة الجنوب"], per_outlet=12), write_lexicon(d)


def _long_check(out: Path) -> None:
    for path in out.glob("*.png"):
        w, h = png_size(path)
        assert w <= 2500 and h <= 2500, (path.name, w, h)


def _many_inputs(d: Path) -> tuple[Path, Path]:
    return write_corpus(d, [f"outlet {i:03d}" for i in range(400)], per_outlet=2, own_label=False), write_lexicon(d)


def _many_check(out: Path) -> None:
    from framing.output.charts.style import MAX_PANELS, MAX_SIDE

    pngs = list(out.glob("*.png"))
    assert 3 <= len(pngs) <= 2 * MAX_PANELS + 5, len(pngs)  # fixed charts, per referent, per charted outlet
    for path in pngs:
        assert max(png_size(path)) <= MAX_SIDE, path.name
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"a chart holds at most {MAX_PANELS}" in html
    assert len((out / "label_shares.csv").read_text(encoding="utf-8").splitlines()) > 400 * 3  # tables: all


def _colliding_inputs(d: Path) -> tuple[Path, Path]:
    return write_corpus(d, COLLIDING, per_outlet=16), write_lexicon(d)


def _colliding_check(out: Path) -> None:
    assert len(list(out.glob("fightin_words_*.png"))) == len(COLLIDING)
    from framing.output.names import file_names

    names = file_names(COLLIDING)
    for outlet in COLLIDING:
        assert (out / f"fightin_words_{names[outlet]}.png").is_file(), outlet  # each outlet's own chart


@dataclass(frozen=True)
class ChartCase:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str  # what happened before the fix
    make: Callable[[Path], tuple[Path, Path]]  # folder -> (corpus, lexicon) for framing analyze
    library: Callable[[Path], None]  # the library route; raises AssertionError
    check: Callable[[Path], None] = lambda out: None  # the analyze output folder
    args: tuple[str, ...] = field(default=())
    slow: bool = False

    def __repr__(self) -> str:
        return self.name


CHART_CASES = [
    ChartCase("mathtext_names", "traceback",
              "outlet names, the referent's label or a term holding $...$ (a $x^$ b, ${$) reached matplotlib's "
              "mathtext: analyze ended in 'internal error (ValueError: ParseFatalException)'; '$5 and $6' was "
              "typeset as math", _math_inputs, _math_library, _math_check),
    ChartCase("one_term_log_axis", "traceback",
              "a comparison whose terms have no count or no score (one term matched once) left the Fightin' Words "
              "log axis empty: ValueError 'Data cannot be log-scaled because all values are <= 0'",
              _one_term_inputs, _log_axis_library, _one_term_check, args=("--method", "g2")),
    ChartCase("long_outlet_name", "runaway",
              "a 10,000-character outlet name was drawn whole: charts 110,000 px wide (60,616 x 43,050 px reported), "
              "the distance chart a MemoryError, 1.3 GB and more", _long_inputs, _long_library, _long_check),
    ChartCase("many_outlets", "runaway",
              "400 outlets with --top 400: one panel per outlet (who_gets_called_what alone took 93 s), analyze "
              "did not finish in 400 s", _many_inputs, _many_library, _many_check, args=("--top", "400"),
              slow=True),
    ChartCase("colliding_file_names", "silent",
              "'Al Jazeera' and 'Al-Jazeera' (or two Arabic names differing in a punctuation sign) made one file "
              "name: one Fightin' Words chart overwrote the other", _colliding_inputs, _colliding_library,
              _colliding_check),
]
