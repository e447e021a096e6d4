"""The attention and term map section of framing analyze (framing.output.views): fed by the extraction
pass, bounded with many outlets, the term map on a sample of a large corpus."""

from pathlib import Path

import pandas as pd
import pytest
from helpers.attention import LEX, TEXTS, attention_of

from framing.analyses.coverage import attention


def test_analyze_views_on_a_corpus_file(tmp_path):
    """The extra pass framing analyze makes: attention table, charts, report sections, term map page."""
    from framing.lexicon.load import as_lexicon
    from framing.output.views import attention_and_term_map

    rows = [{"doc_id": f"d{i}", "outlet": o, "date": d, "text": t}
            for i, (o, d, t) in enumerate(TEXTS * 3) if d is not None]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(pd.Series(r).to_json(force_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    # the analysis set aside d0 as a wire copy: the extra pass leaves it out too
    pd.DataFrame({"doc_id": ["d0"], "is_first": [False]}).to_parquet(out / "wire_copies.parquet")
    views = attention_and_term_map(path, as_lexicon(LEX), out, freq="MS")
    att = views.tables["attention"]
    assert att["n_docs"].sum() == 2 * (len(rows) - 1)  # two referents, every document but the copy
    assert {"attention_houthis", "attention_coalition"} <= set(views.charts)
    assert all(Path(p).exists() for p in views.charts.values())
    html = "".join(views.sections)
    assert "Wilson" in html and "framingTermMap(" in html
    assert (out / "termmap.html").exists()
    small = attention_and_term_map(path, as_lexicon(LEX), tmp_path / "o2", freq="MS", max_chars=10)
    assert any(n[0] == "Term map" for n in small.notes) and "framingTermMap(" not in "".join(small.sections)


def test_framing_analyze_writes_attention_and_the_term_map(tmp_path):
    import framing

    rows = [{"doc_id": f"d{i}", "outlet": o, "date": d, "text": t}
            for i, (o, d, t) in enumerate(TEXTS * 4) if d is not None]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(pd.Series(r).to_json(force_ascii=False) for r in rows), encoding="utf-8")
    lex = tmp_path / "toy.yaml"
    import yaml

    lex.write_text(yaml.safe_dump(LEX, allow_unicode=True), encoding="utf-8")
    res = framing.analyze(path, lexicon=lex, out=tmp_path / "out", n_boot=50, copies="keep")
    att = pd.read_csv(tmp_path / "out" / "attention.csv")
    assert set(att["referent"]) == {"houthis", "coalition"}
    # every document counted once per referent, mentions as in attention() on the same corpus
    assert att["n_docs"].sum() == 2 * len(rows)
    direct = attention_of(pd.DataFrame(rows).assign(date=lambda d: pd.to_datetime(d["date"])), lexicon=LEX, freq="MS")
    assert att["n_mentioning"].sum() == direct["n_mentioning"].sum()
    html = res.report.read_text(encoding="utf-8")
    assert "Attention: how much each outlet covers each referent" in html
    assert "framingTermMap(" in html and (tmp_path / "out" / "termmap.html").exists()
    assert "attention_houthis" in res.charts


def _many_outlets(tmp_path, n_outlets=50, per_outlet=4):
    """Our sentences spread over ``n_outlets`` outlets (outlet k writes sentences k, k+1, ...), two months."""
    dated = [t for t in TEXTS if t[1] is not None]
    rows = []
    for k in range(n_outlets):
        for j in range(per_outlet):
            _o, _d, text = dated[(k + j) % len(dated)]
            rows.append({"doc_id": f"o{k}-{j}", "outlet": f"outlet {k:03d}",
                         "date": f"2021-0{1 + j % 2}-{10 + j:02d}", "text": text})
    path = tmp_path / f"corpus{n_outlets}.jsonl"
    path.write_text("\n".join(pd.Series(r).to_json(force_ascii=False) for r in rows), encoding="utf-8")
    return path, rows


def _termmap_payload(page: str) -> dict:
    import json
    import re

    data = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, flags=re.S).group(1)
    return json.loads(data)


def test_analyze_section_stays_long_and_narrow_with_many_outlets(tmp_path, monkeypatch):
    """50 outlets, top 4: attention.csv long (every outlet a row, fixed columns), each attention chart at
    most 4 panels, the term map 4 comparisons and at most 5 count columns, no pandas PerformanceWarning,
    and the corpus read once (the section is fed by the extraction pass)."""
    import warnings

    import yaml

    import framing
    import framing.corpus.reader
    import framing.output.views

    path, rows = _many_outlets(tmp_path, 50)
    lex = tmp_path / "toy.yaml"
    lex.write_text(yaml.safe_dump(LEX, allow_unicode=True), encoding="utf-8")
    panels = []
    real_plot = framing.output.views.plot_attention

    def counting_plot(*a, **k):
        fig, ax = real_plot(*a, **k)
        panels.append(sum(1 for x in fig.axes if x.get_visible() and (x.lines or x.collections)))
        return fig, ax

    reads = []
    real_iter = framing.corpus.reader.iter_corpus

    def counting_iter(*a, **k):
        reads.append(a[0] if a else k.get("corpus"))
        return real_iter(*a, **k)

    monkeypatch.setattr(framing.output.views, "plot_attention", counting_plot)
    import sys

    import framing.pipeline.analyze  # every module that binds iter_corpus is loaded: patch each binding
    for mod in [m for n, m in list(sys.modules.items()) if n.startswith("framing.") and m is not None]:
        if getattr(mod, "iter_corpus", None) is real_iter:
            monkeypatch.setattr(mod, "iter_corpus", counting_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        res = framing.analyze(path, lexicon=lex, out=tmp_path / "out", n_boot=20, copies="keep", top=4)
    html = res.report.read_text(encoding="utf-8")
    assert "not computed" not in html.split("Attention: how much", 1)[-1]
    att = pd.read_csv(tmp_path / "out" / "attention.csv")
    assert list(att.columns) == ["outlet", "period", "referent", "n_docs", "n_mentioning", "share", "lo", "hi"]
    assert att["outlet"].nunique() == 50 and att["n_docs"].sum() == 2 * len(rows)  # long: outlets are rows
    assert panels and max(panels) <= 4
    assert "the 4 charted outlets (all 50 in attention.csv)" in html  # the report's table: charted outlets
    assert len(reads) == 1  # no second pass over the corpus
    tm = _termmap_payload((tmp_path / "out" / "termmap.html").read_text(encoding="utf-8"))
    assert len(tm["comparisons"]) == 4
    assert len(tm["outlets"]) == 5 and len(tm["counts"]) == 5  # 4 compared + the other 46 pooled
    assert "(46 other outlets)" in tm["outlets"]
    assert "the other 46 are pooled as (46 other outlets)" in html  # the report says so
    assert sum(map(sum, tm["counts"])) > 0


def test_pooling_other_outlets_leaves_the_comparisons_unchanged(tmp_path):
    """The term map of analyze pools the outlets beyond top; an outlet against the rest is the same."""
    from framing.analyses.termmap import term_map
    from framing.lexicon.load import as_lexicon
    from framing.output.views import Collector

    _path, rows = _many_outlets(tmp_path, 12, per_outlet=6)
    corpus = pd.DataFrame(rows).assign(date=lambda d: pd.to_datetime(d["date"]))
    col = Collector(as_lexicon(LEX), freq="MS")
    col.add(corpus)
    chosen = ["outlet 003", "outlet 007"]
    col.views(tmp_path / "v", top=chosen)
    pooled = _termmap_payload((tmp_path / "v" / "termmap.html").read_text(encoding="utf-8"))
    direct = term_map(corpus, lexicon=LEX, outlets=chosen).payload()
    assert pooled["terms"] == direct["terms"]
    assert pooled["z"] == direct["z"]
    assert len(pooled["outlets"]) == 3 and len(direct["outlets"]) == 12
    i = direct["outlets"].index("outlet 003")
    assert pooled["counts"][pooled["outlets"].index("outlet 003")] == direct["counts"][i]


def test_term_map_of_a_large_corpus_is_built_on_a_sample_and_says_so(tmp_path):
    from framing.lexicon.load import as_lexicon
    from framing.output.views import Collector

    _path, rows = _many_outlets(tmp_path, 12, per_outlet=6)
    corpus = pd.DataFrame(rows).assign(date=lambda d: pd.to_datetime(d["date"]))
    budget = int(corpus["text"].str.len().sum() // 3)
    col = Collector(as_lexicon(LEX), freq="MS", sample_chars=budget)
    col.add(corpus)
    views = col.views(tmp_path / "v", top=["outlet 003", "outlet 007"])
    note = [t for w, t in views.notes if w == "Term map" and "random sample" in t]
    assert len(note) == 1 and f"of {len(corpus):,} documents" in note[0]
    tm = _termmap_payload((tmp_path / "v" / "termmap.html").read_text(encoding="utf-8"))
    sampled_words = sum(tm["words"])
    col_all = Collector(as_lexicon(LEX), freq="MS", sample_chars=0)
    col_all.add(corpus)
    col_all.views(tmp_path / "w", top=["outlet 003", "outlet 007"])
    whole = _termmap_payload((tmp_path / "w" / "termmap.html").read_text(encoding="utf-8"))
    assert 0 < sampled_words < sum(whole["words"]) / 2
    assert views.tables["attention"]["n_docs"].sum() == 2 * len(corpus)  # attention counts every document


def test_one_matching_pass_gives_the_matches_table(attention_corpus):
    """analyze matches once with aliases in every voice; own_matches is exactly extract_matches' default."""
    from framing.features.extract import extract_matches
    from framing.output.views import ATTENTION_MATCH_KINDS, own_matches

    every = extract_matches(attention_corpus, LEX, voice="all", kinds=ATTENTION_MATCH_KINDS)
    assert (every["kind"] == "alias").any() and (every["voice"] != "own").any()
    pd.testing.assert_frame_equal(own_matches(every), extract_matches(attention_corpus, LEX))
    with pytest.warns(DeprecationWarning, match="extract first"):
        direct = attention(attention_corpus, lexicon=LEX, freq="MS")  # the old route: matched here, same table
    via = attention(attention_corpus, every, lexicon=LEX, freq="MS")
    pd.testing.assert_frame_equal(direct.reset_index(drop=True), via.reset_index(drop=True))
