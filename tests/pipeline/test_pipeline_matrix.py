"""`framing analyze` on every bundled lexicon × corpus shape: one outlet, many outlets, one outlet
with labels, no labels at all, undated documents. Nothing may crash; what cannot be computed is left
out with one line in the report saying why.

The corpora are written here from invented sentences (no text from the shared corpora)."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest

from framing.lexicon.load import list_lexicons
from framing.pipeline.analyze import analyze

# Sentences written for these tests: each names an actor of one bundled lexicon.
LABELLED = [
    "تقدمت ميليشيات حفتر نحو العاصمة طرابلس فجر اليوم",
    "أعلن الجيش الوطني الليبي سيطرته على المطار القديم",
    "قالت حكومة الوفاق المعترف بها دوليا إنها صدت الهجوم",
    "قصفت ميليشيات الحوثي مواقع سكنية في مدينة تعز",
    "أعلنت جماعة الحوثي عن هدنة قصيرة في الحديدة",
    "هاجم تنظيم داعش قرية نائية في الصحراء الشرقية",
    "أعلن تنظيم الدولة مسؤوليته عن التفجير الأخير",
    "زعم البيان أن ما يسمى بالمجلس اجتمع أمس وقال المتحدث إن الاجتماع سري",
    "قصفت قوات الاحتلال مخيما للنازحين في غزة وأعلن الجيش الإسرائيلي انسحابه من رفح",
    "هاجمت ميليشيا الدعم السريع أحياء في الفاشر بالسودان وقال جيش البرهان إنه صد الهجوم",
]
PLAIN = ["افتتح المعرض الدولي للكتاب أبوابه للزوار صباح اليوم",
         "ارتفعت أسعار الخضار في الأسواق المحلية هذا الأسبوع"]

CASES = {
    # name: (outlets, outlets with labels, dated)
    "one_outlet": (["صحيفة الأفق"], {"صحيفة الأفق"}, True),
    "many_outlets": ([f"منبر رقم {i}" for i in range(30)], {f"منبر رقم {i}" for i in range(0, 30, 2)}, True),
    "one_with_labels": (["نشرة المساء", "صحيفة الأفق", "Wadi Times"], {"نشرة المساء"}, True),
    "no_labels": (["نشرة المساء", "Wadi Times"], set(), True),
    "undated": (["نشرة المساء", "Wadi Times"], {"نشرة المساء", "Wadi Times"}, False),
}


def _first_day(lexicon: str):
    """A year whose documents every referent of the lexicon counts (after each ``valid.from``)."""
    from framing import load_lexicon

    lex = load_lexicon(lexicon)
    starts = [lo for r in lex.referents.values() for lo, _ in getattr(r.scope, "valid", ()) if lo is not None]
    return max([pd.Timestamp("2024-01-01"), *[pd.Timestamp(d) for d in starts]]).year + 1


def _write(path, outlets, labelled, dated, n=5, year=2025):
    k = 0
    with open(path, "w", encoding="utf-8") as fh:
        for o in outlets:
            for _i in range(n):
                k += 1
                j = (k * 3) % len(LABELLED)
                sents = (LABELLED[j:] + LABELLED[:j])[:4] if o in labelled else PLAIN
                # documents two days apart or undated: none is a wire copy of another (max_days=1)
                text = f"{'. '.join(sents)}. العدد {k} من {o}."
                day = pd.Timestamp(f"{year}-01-01") + pd.Timedelta(days=2 * k)
                rec = {"doc_id": f"d{k}", "outlet": o, "text": text,
                       "date": day.strftime("%Y-%m-%d") if dated else None}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def _lexicons():
    names = list(list_lexicons()["name"])
    assert "markers" in names  # the categories-only lexicon is part of the matrix
    return names


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c == "many_outlets" else c for c in CASES])
@pytest.mark.parametrize("lexicon", _lexicons())
def test_analyze_every_lexicon_every_corpus_shape(tmp_path, lexicon, case):
    outlets, labelled, dated = CASES[case]
    corpus = _write(tmp_path / "corpus.jsonl", outlets, labelled, dated, year=_first_day(lexicon))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no raw warning may reach the user either
        res = analyze(corpus, lexicon, tmp_path / "out", n_boot=30, top=12)
    html = res.report.read_text(encoding="utf-8")
    assert res.n_accepted == len(outlets) * 5
    assert res.tables["features"] and res.tables["matches"]
    notes = " ".join(t for _, t in res.notes)
    # referents with labels (markers has a heads-only referent for qualifier attachment: categories only)
    lex = __import__("framing").load_lexicon(lexicon)
    has_referents = any(r.labels for r in lex.referents.values())
    if not dated and getattr(lex, "undated", "count") == "skip" and all(
            r.scope.valid for r in lex.referents.values() if r.labels):
        labelled = set()  # every referent is dated and undated documents are skipped: no label counts
    # every note is in the report, each on its own line (a list item)
    for _, line in res.notes:
        assert re.sub(r"\s+", " ", __import__("html").escape(line, quote=True)) in html
    if not has_referents:
        assert "label_shares" not in res.tables
        assert "categories only" in notes
        assert "categories" in res.tables  # what a categories-only lexicon can say
        cats = pd.read_parquet(res.tables["categories"][1])
        if cats["count"].sum() > 0:
            assert "category_rates" in res.charts
    elif not labelled:
        assert "label_shares" not in res.tables and "no label of any referent" in notes
        if not dated:
            assert "undated: skip" in notes
    else:
        assert "label_shares" in res.tables
        assert "label_shares" in res.charts
    if len(outlets) == 1:
        assert "log_odds" not in res.tables and "outlet_distance" not in res.tables
        assert "nothing to compare" in notes
    if case == "one_with_labels" and has_referents:
        assert "outlet_distance" not in res.tables
        assert "1 of 3" in notes
    if case == "undated" and has_referents and labelled:
        assert "trends" not in res.tables and "no document has a date" in notes
    if case == "many_outlets":
        charted = res.outlets_charted
        assert 0 < len(charted) <= 12
        if has_referents:
            assert set(charted) <= labelled  # outlets without labels are never drawn
            assert "without any label are not drawn" in notes
            if "trends_" in " ".join(res.charts):
                assert res.charts.keys() >= {"label_shares", "who_gets_called_what"}
        assert "log_odds" in res.tables
        lo = pd.read_parquet(res.tables["log_odds"][1])
        assert lo["outlet"].nunique() >= 2


def test_top_is_checked(tmp_path):
    corpus = _write(tmp_path / "c.jsonl", ["أ", "ب"], {"أ", "ب"}, True)
    with pytest.raises(ValueError, match="top"):
        analyze(corpus, "libya", tmp_path / "out", top=0)


def test_top_limits_charts_not_tables(tmp_path):
    outlets = [f"منبر {i}" for i in range(8)]
    # each outlet its own words for Haftar's camp (and more labels for the first ones), so the
    # Fightin' Words charts have terms beyond the band
    own = ["ميليشيات حفتر", "الجيش الوطني الليبي", "قوات حفتر", "مرتزقة حفتر"]
    rows, k = [], 0
    for i, o in enumerate(outlets):
        for _j in range(4 + 8 - i):
            k += 1
            text = f"تقدمت {own[i % 4]} نحو المواقع رقم {k} ثم انسحبت {own[i % 4]} منها بعد ساعات."
            day = pd.Timestamp("2020-01-01") + pd.Timedelta(days=2 * k)
            rows.append({"doc_id": f"t{k}", "outlet": o, "date": day.strftime("%Y-%m-%d"), "text": text})
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    res = analyze(corpus, "libya", tmp_path / "out", n_boot=20, top=3)
    assert len(res.outlets_charted) == 3
    fw = [n for n in res.charts if n.startswith("fightin_words_")]
    assert 0 < len(fw) <= 3
    shares = pd.read_parquet(res.tables["label_shares"][1])
    assert shares["outlet"].nunique() == 8  # the tables keep every outlet
    assert any("in the tables only" in t for _, t in res.notes)
    # the charted outlets are those with most labels
    feats = pd.read_parquet(res.tables["features"][1])
    vol = feats.groupby("outlet")[[c for c in feats.columns if c.startswith("label:")]].sum().sum(axis=1)
    assert vol.loc[res.outlets_charted].min() >= vol.drop(res.outlets_charted).max()


def test_long_outlet_names_are_cut_for_display(tmp_path):
    long = "صحيفة " + "الأفق " * 2000
    corpus = _write(tmp_path / "c.jsonl", [long, "Wadi Times"], {long, "Wadi Times"}, True, n=4)
    res = analyze(corpus, "libya", tmp_path / "out", n_boot=20)
    html = res.report.read_text(encoding="utf-8")
    assert "label_shares" in res.charts
    assert max(len(p.name) for p in res.out.iterdir()) < 100
    assert long.strip() not in html  # cells are cut (the full name is in the CSV/Parquet tables)


def test_cli_top_and_keep_copies(tmp_path):
    from framing.cli import main

    outlets = [f"منبر {i}" for i in range(5)]
    corpus = _write(tmp_path / "c.jsonl", outlets, set(outlets), True, n=4)
    assert main(["analyze", str(corpus), "--lexicon", "libya", "--out", str(tmp_path / "o"), "--top", "2",
                 "--n-boot", "20"]) == 0
    fw = sorted(p.name for p in (tmp_path / "o").glob("fightin_words_*.png"))
    assert len(fw) <= 2
    assert "Charts show the 2 outlets with most labels" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert main(["analyze", str(corpus), "--lexicon", "libya", "--out", str(tmp_path / "k"), "--keep-copies",
                 "--n-boot", "20"]) == 0
    assert "kept (copies=&#x27;keep&#x27;)" in (tmp_path / "k" / "report.html").read_text(encoding="utf-8")


def test_wire_copies_one_policy(tmp_path):
    """A story carried the next day by a second outlet is set aside once, by the same function the
    notebooks call; the report states the count; an undated twin is never taken for a copy."""
    from framing import drop_wire_copies, read_corpus

    story = ("أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية وقالت إن ميليشيات حفتر "
             "أحرقت حقولا قرب العاصمة خلال الأسبوع الماضي وإن الأضرار كبيرة")
    rows = [{"doc_id": "w1", "outlet": "صحيفة الأفق", "date": "2020-03-01", "text": story},
            {"doc_id": "w2", "outlet": "نشرة المساء", "date": "2020-03-02", "text": story + " وفق مصادر محلية"},
            {"doc_id": "w3", "outlet": "Wadi Times", "date": None, "text": story},
            {"doc_id": "w4", "outlet": "Wadi Times", "date": "2020-05-01",
             "text": "أعلن الجيش الوطني الليبي سيطرته على المطار القديم بعد معارك عنيفة"}]
    path = tmp_path / "w.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    kept, copies = drop_wire_copies(read_corpus(path))
    assert kept["doc_id"].tolist() == ["w1", "w3", "w4"]
    assert copies.loc[~copies["is_first"], "doc_id"].tolist() == ["w2"]
    res = analyze(path, "libya", tmp_path / "out", n_boot=20)
    assert res.n_copies == 1
    feats = pd.read_parquet(res.tables["features"][1])
    assert sorted(feats["doc_id"]) == ["w1", "w3", "w4"]
    html = res.report.read_text(encoding="utf-8")
    assert "1 later copies of an earlier article set aside (3 documents analysed)" in html
    kept_all = analyze(path, "libya", tmp_path / "keep", n_boot=20, copies="keep")
    assert kept_all.n_copies is None
    assert len(pd.read_parquet(kept_all.tables["features"][1])) == 4


def test_force_leaves_no_chart_of_an_earlier_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "fightin_words_old_outlet.png").write_bytes(b"\x89PNG stale")
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # not a chart of analyze: kept
    corpus = _write(tmp_path / "c.jsonl", ["صحيفة الأفق"], {"صحيفة الأفق"}, True)
    res = analyze(corpus, "libya", out, n_boot=20, force=True)
    assert not (out / "fightin_words_old_outlet.png").exists()
    assert (out / "notes.txt").exists()
    assert all(p.exists() for p in res.charts.values())


def test_report_sections_hook(tmp_path, monkeypatch):
    """Other modules append report sections; one that fails becomes one line, not a failed run."""
    from framing.output.report import Section
    from framing.pipeline import analyze as pipeline

    seen = {}

    def extra(ctx):
        seen["top"] = list(ctx.top)
        seen["tables"] = sorted(k for k in ctx.stats if not k.startswith("_"))
        return [Section("Extra section", "from a builder", tables=[("t", pd.DataFrame({"x": [-0.5]}))])]

    def broken(ctx):
        raise RuntimeError("no data for this one")

    monkeypatch.setattr(pipeline, "REPORT_SECTIONS", [extra, broken])
    corpus = _write(tmp_path / "c.jsonl", ["صحيفة الأفق", "Wadi Times"], {"صحيفة الأفق", "Wadi Times"}, True)
    res = analyze(corpus, "libya", tmp_path / "out", n_boot=20)
    html = res.report.read_text(encoding="utf-8")
    assert "Extra section" in html and ">-0.500<" in html
    assert "broken: not computed — RuntimeError: no data for this one" in html
    assert seen["top"] == res.outlets_charted and "label_shares" in seen["tables"]
    assert "section extra" in res.timings and "section broken" in res.timings


def test_report_and_notebook_route_count_the_same(tmp_path):
    """The notebooks' route (drop_wire_copies, extract_features, label_shares) gives the report's counts."""
    import framing

    story = "تقدمت ميليشيات حفتر نحو العاصمة وقصفت مرتزقة حفتر الأحياء الجنوبية في ساعة متأخرة من الليل"
    rows = [{"doc_id": f"n{k}", "outlet": o, "date": f"2020-0{1 + k % 3}-1{k % 9}",
             "text": f"{story} وذكر التقرير رقم {k} أن قوات حفتر انسحبت"} for k, o in
            enumerate(["صحيفة الأفق", "Wadi Times", "نشرة المساء"] * 3)]
    rows.append({**rows[0], "doc_id": "copy", "outlet": "Wadi Times"})  # a same-day copy of n0
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    res = analyze(path, "libya", tmp_path / "out", n_boot=20)
    assert res.n_copies >= 1
    kept, _ = framing.drop_wire_copies(framing.read_corpus(path, errors="collect"))
    shares = framing.label_shares(framing.extract_features(kept, "libya", voice="own"), n_boot=20)
    report = pd.read_parquet(res.tables["label_shares"][1])
    merged = shares.merge(report, on=["outlet", "referent", "stance"], suffixes=("_nb", "_rep"))
    assert len(merged) == len(shares) > 0
    assert (merged["count_nb"] == merged["count_rep"]).all()
