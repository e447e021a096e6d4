"""Attention as charts and as a report section (framing.output.attention), drawn from the attention table."""

from pathlib import Path

import pandas as pd
import pytest
from helpers.attention import LEX, attention_of

from framing import FramingError
from framing.analyses.coverage import attention
from framing.output.attention import attention_section, attention_table, plot_attention


def test_chart_and_section(attention_corpus, tmp_path):
    from framing.output.charts import save_figure

    att = attention_of(attention_corpus, lexicon=LEX, freq="MS")
    fig, axes = plot_attention(att, referent="houthis")
    assert len(axes) == 2
    titles = [a.get_title() for a in axes]
    assert any(t.startswith("X") for t in titles)
    png = save_figure(fig, tmp_path / "att.png")
    assert Path(png).stat().st_size > 1000
    fig, ax = plot_attention(att, referent="houthis", highlight="X")
    assert "X" in ax.get_title()
    with pytest.raises(FramingError, match="several referents"):
        plot_attention(att)
    with pytest.raises(FramingError, match="highlight"):
        plot_attention(att, referent="houthis", highlight="Z")
    overall = attention_of(attention_corpus, lexicon=LEX, freq=None)
    fig, ax = plot_attention(overall, referent="coalition")
    assert len(ax.get_yticklabels()) == 2
    html = attention_section(att, [("attention houthis", Path(png))])
    assert "<h2>" in html and "Wilson" in html and "data:image/png;base64" in html
    assert "houthis" in html and html.count("<tr>") >= 4


def test_chart_of_chosen_outlets_pools_every_other_outlet(attention_corpus):
    """outlets= draws only those panels; the grey line still pools every other outlet of the table."""
    att = attention_of(attention_corpus, lexicon=LEX, freq="MS")
    _fig, ax = plot_attention(att, referent="houthis", outlets=["Y"])
    assert ax.get_title().startswith("Y")
    grey = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    # the rest of Y is X: houthis named in 2 of X's 4 January documents, 1 of 1 in February
    assert list(grey[0].get_ydata()) == pytest.approx([2 / 4, 1.0])
    overall = attention_of(attention_corpus, lexicon=LEX, freq=None)
    _fig, ax = plot_attention(overall, referent="houthis", outlets=["X"])
    assert len(ax.get_yticklabels()) == 1
    with pytest.raises(FramingError, match="none of the outlets"):
        plot_attention(att, referent="houthis", outlets=["Z"])


def test_section_escapes_names():
    att = pd.DataFrame({"outlet": ["<script>"], "referent": ["r"], "n_docs": [2], "n_mentioning": [1]})
    html = attention_section(attention(att))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_whole_span_table_sums_the_periods(attention_corpus):
    att = attention_of(attention_corpus, freq="MS")
    tab = attention_table(att)
    x = tab[(tab["outlet"] == "X") & (tab["referent"] == "houthis")].iloc[0]
    assert (x["n_docs"], x["n_mentioning"]) == (5, 3) and x["share"] == pytest.approx(3 / 5)
    assert len(attention_table(att, top=1)) == 1
