"""The framing command: help everywhere, exit codes, and the analyze job's outputs."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.cli import build_parser, main
from framing.cli.app import one_line_warning

DEMO = str(framing.demo_path())
COMMANDS = [["analyze"], ["compare"], ["trends"], ["kwic"], ["validate"], ["lexicon"], ["lexicon", "list"],
            ["lexicon", "check"]]


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_has_help(words, capsys):
    with pytest.raises(SystemExit) as info:
        main([*words, "--help"])
    assert info.value.code == 0
    assert "usage: framing" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["analyze", DEMO])  # --lexicon and --out missing
    assert info.value.code == 2
    assert "required" in capsys.readouterr().err
    assert main(["compare", DEMO]) == 2  # vocabulary lexicon needs --lexicon
    assert "--vocabulary lexicon needs --lexicon" in capsys.readouterr().err


def test_analyze_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["analyze", DEMO, "--lexicon", "libya", "--out", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_bad_lexicon_is_a_failed_run(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nreferents:\n  a:\n    lables: {}\n", encoding="utf-8")
    assert main(["analyze", DEMO, "--lexicon", str(bad), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "lables" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    corpus = framing.read_corpus(DEMO)
    keep = corpus[corpus["date"] < "2020-07-01"]
    path = tmp_path_factory.mktemp("corpus") / "small.jsonl"
    keep.assign(date=keep["date"].dt.strftime("%Y-%m-%d")).drop(columns=["wire_group"], errors="ignore") \
        .to_json(path, orient="records", lines=True, force_ascii=False)
    return path


@pytest.fixture(scope="module")
def analysis(small_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis")
    code = main(["analyze", str(small_corpus), "--lexicon", "libya", "--out", str(out), "--force",
                 "--n-boot", "200"])
    assert code == 0
    return out


def test_analyze_writes_tables_charts_and_report(analysis):
    for name in ("matches", "features", "label_shares", "legitimacy", "log_odds", "trends", "change_points",
                 "outlet_distance", "rejects"):
        assert (analysis / f"{name}.csv").is_file(), name
        assert (analysis / f"{name}.parquet").is_file(), name
        pd.read_parquet(analysis / f"{name}.parquet")
    charts = sorted(analysis.glob("*.png"))
    assert len(charts) >= 5
    html = (analysis / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == len(charts)
    assert '<table dir="ltr">' in html  # columns left to right, each cell its own bidi island (issue 11)
    assert "read 2" in html and "rejected 0" in html
    shares = pd.read_csv(analysis / "label_shares.csv")
    sums = shares.groupby(["outlet", "referent"])["share"].sum(min_count=1).dropna()
    assert len(sums) and ((sums - 1).abs() < 1e-5).all()  # CSV keeps 6 significant digits


def test_compare_trends_kwic_commands(small_corpus, tmp_path, capsys):
    assert main(["compare", str(small_corpus), "--lexicon", "libya", "--top", "2",
                 "--out", str(tmp_path / "cmp.csv")]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and (tmp_path / "cmp.csv").is_file()
    assert main(["trends", str(small_corpus), "--lexicon", "libya", "--referent", "haftar_camp"]) == 0
    assert "change-points:" in capsys.readouterr().out
    assert main(["kwic", str(small_corpus), "مليشيا", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.match(r"\d+ lines", lines[0]) and int(lines[0].split()[0]) > 0
    assert len(lines) == 4


def test_validate_a_clean_corpus(small_corpus, tmp_path, capsys):
    assert main(["validate", str(small_corpus), "--rejects", str(tmp_path / "rej.csv")]) == 0
    assert re.search(r"read \d+ · accepted \d+ · rejected 0", capsys.readouterr().out)


def test_console_script_is_installed():
    exe = Path(sys.executable).parent / "framing"
    out = subprocess.run([str(exe), "lexicon", "list"], capture_output=True, text=True, check=True)
    assert "libya" in out.stdout and "markers" in out.stdout


def test_parser_lists_every_command():
    text = build_parser().format_help()
    for command in ("analyze", "compare", "trends", "kwic", "validate", "lexicon"):
        assert command in text


def test_analyze_on_a_local_dask_cluster_matches_one_process(small_corpus, analysis, tmp_path):
    out = tmp_path / "dask"
    assert main(["analyze", str(small_corpus), "--lexicon", "libya", "--out", str(out), "--workers", "2",
                 "--n-boot", "200"]) == 0
    for name in ("features", "label_shares", "log_odds", "trends"):
        assert (out / f"{name}.csv").read_bytes() == (analysis / f"{name}.csv").read_bytes(), name


# --- bad records, outputs, warnings (issue 11) -----------------------------------------------------
GOOD = [
    {"doc_id": "g1", "outlet": "صحيفة الشرق", "date": "2020-01-05",
     "text": "قصفت ميليشيات حفتر أحياء طرابلس، وردت قوات حكومة الوفاق."},
    {"doc_id": "g2", "outlet": "صحيفة الغرب", "date": "2020-02-05",
     "text": "تقدمت قوات الجيش الوطني الليبي بقيادة المشير خليفة حفتر نحو طرابلس."},
    {"doc_id": "g3", "outlet": "صحيفة الشرق", "date": "2020-03-05",
     "text": "قالت حكومة الوفاق إن ميليشيا حفتر قصفت مطار معيتيقة."},
]


@pytest.fixture
def bad_corpus(tmp_path):
    import json

    rows = [GOOD[0], {"doc_id": "b1", "outlet": "صحيفة الغرب", "date": "2020-01-06", "text": "   "}, *GOOD[1:]]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


READERS = [["kwic", "{c}", "حفتر"], ["trends", "{c}", "--lexicon", "libya"],
           ["compare", "{c}", "--lexicon", "libya"]]


@pytest.mark.parametrize("words", READERS, ids=lambda w: w[0])
def test_a_bad_record_stops_by_default_with_one_clear_line(words, bad_corpus, capsys):
    assert main([w.format(c=bad_corpus) for w in words]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert f"{bad_corpus}, line 2, field 'text'" in lines[0] and "empty text" in lines[0]
    assert "--errors collect" in lines[0]


@pytest.mark.parametrize("words", READERS, ids=lambda w: w[0])
def test_errors_collect_goes_on_and_counts(words, bad_corpus, tmp_path, capsys):
    rej = tmp_path / "sub" / "rej.csv"
    assert main([*(w.format(c=bad_corpus) for w in words), "--errors", "collect", "--rejects", str(rej)]) == 0
    out, err = capsys.readouterr()
    assert "read 4 · accepted 3 · rejected 1" in err and out.strip()
    table = pd.read_csv(rej)
    assert table[["line", "field"]].values.tolist() == [[2, "text"]]


def test_rejects_needs_collect(bad_corpus, tmp_path, capsys):
    assert main(["kwic", str(bad_corpus), "حفتر", "--rejects", str(tmp_path / "r.csv")]) == 2
    assert "--errors collect" in capsys.readouterr().err and not (tmp_path / "r.csv").exists()


def test_validate_writes_rejects_only_when_asked(bad_corpus, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["validate", str(bad_corpus)]) == 1
    out = capsys.readouterr().out
    assert "read 4 · accepted 3 · rejected 1" in out and "line 2" not in out and ":2 [text] empty text" in out
    assert list(work.iterdir()) == []
    assert main(["validate", str(bad_corpus), "--rejects", "r.csv"]) == 1
    assert [p.name for p in work.iterdir()] == ["r.csv"]
    assert pd.read_csv(work / "r.csv")["line"].tolist() == [2]


def test_validate_errors_raise_names_the_first_bad_record(bad_corpus, capsys):
    assert main(["validate", str(bad_corpus), "--errors", "raise"]) == 1
    assert f"{bad_corpus}, line 2, field 'text'" in capsys.readouterr().err


def test_a_failed_analyze_leaves_nothing_behind(bad_corpus, tmp_path, capsys):
    out = tmp_path / "new" / "report"
    assert main(["analyze", str(bad_corpus), "--lexicon", "libya", "--out", str(out), "--errors", "raise"]) == 1
    assert "line 2" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nreferents:\n  a:\n    lables: {}\n", encoding="utf-8")
    assert main(["analyze", str(bad_corpus), "--lexicon", str(bad), "--out", str(out)]) == 1
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    assert main(["analyze", str(bad_corpus), "--lexicon", "libya", "--out", str(kept), "--force",
                 "--strict"]) == 1
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]


def test_a_failed_command_writes_no_table(bad_corpus, tmp_path):
    target = tmp_path / "deep" / "cmp.csv"
    assert main(["compare", str(bad_corpus), "--lexicon", "libya", "--out", str(target)]) == 1
    assert not (tmp_path / "deep").exists()


def test_compare_keeps_the_referent_of_a_shared_term(small_corpus, tmp_path, capsys):
    assert main(["compare", str(small_corpus), "--lexicon", "libya", "--top", "200",
                 "--out", str(tmp_path / "cmp.csv")]) == 0
    out = capsys.readouterr().out
    table = pd.read_csv(tmp_path / "cmp.csv")
    shared = table[table["term"] == "قوات"]
    assert shared["referent"].nunique() >= 2  # قوات labels more than one actor
    assert not shared.duplicated(["outlet", "reference", "referent", "stance"]).any()
    header = next(line for line in out.splitlines() if "term" in line)
    assert "referent" in header.split()
    for ref in shared["referent"].unique():
        assert any("قوات" in line and ref in line for line in out.splitlines()), ref


def test_warnings_reach_the_terminal_as_one_clean_line(tmp_path):
    # text written in UTF-8 and read back as cp1252: the reader repairs it and warns
    text = "قصفت ميليشيات حفتر أحياء طرابلس".encode().decode("cp1252", errors="replace")
    path = tmp_path / "moji.csv"
    path.write_text(f"outlet,text\nصحيفة,{text}\nصحيفة,خبر عن طرابلس\n", encoding="utf-8")
    exe = Path(sys.executable).parent / "framing"
    proc = subprocess.run([str(exe), "kwic", str(path), "طرابلس"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("framing: warning") and "mojibake" in lines[0]
    assert "warnings.warn" not in proc.stderr and ".py:" not in proc.stderr
    import warnings as w

    assert w.formatwarning is not one_line_warning  # restored after main()


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_outputs_follow_the_umask(small_corpus, tmp_path, mask):
    import os

    old = os.umask(mask)
    try:
        assert main(["kwic", str(small_corpus), "حفتر", "--out", str(tmp_path / "k.csv")]) == 0
        from framing.output.files import write_bytes, write_table

        written = [tmp_path / "k.csv", *write_table(pd.DataFrame({"a": [1]}), tmp_path / "t"),
                   write_bytes(tmp_path / "b.png", b"x")]
    finally:
        os.umask(old)
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


def test_analyze_tables_and_charts_share_one_mode(analysis):
    import os

    modes = {p.name: p.stat().st_mode & 0o777 for p in analysis.iterdir() if p.is_file()}
    mask = os.umask(0)
    os.umask(mask)
    assert set(modes.values()) == {0o666 & ~mask}, modes


@pytest.mark.slow
def test_an_out_folder_named_like_the_lexicon(small_corpus, tmp_path, monkeypatch, capsys):
    """`--lexicon libya --out libya`: the folder made for the outputs is not taken for the lexicon."""
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", str(small_corpus), "--lexicon", "libya", "--out", "libya", "--n-boot", "50"]) == 0
    assert (tmp_path / "libya" / "report.html").is_file()


def test_a_folder_named_like_a_bundled_lexicon_does_not_shadow_it(small_corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "libya").mkdir()  # e.g. the folder of an earlier `analyze --out libya`
    assert main(["compare", str(small_corpus), "--lexicon", "libya", "--top", "1"]) == 0
    assert main(["trends", str(small_corpus), "--lexicon", "libya"]) == 0
    assert main(["lexicon", "check", "./libya"]) == 1
    assert "no such lexicon file" in capsys.readouterr().err


def test_lexicon_check_on_a_corpus_reads_it_like_the_other_commands(bad_corpus, tmp_path, capsys):
    assert main(["lexicon", "check", "libya", "--corpus", str(bad_corpus)]) == 1
    err = capsys.readouterr().err
    assert "line 2, field 'text'" in err and "--errors collect" in err
    assert main(["lexicon", "check", "libya", "--corpus", str(bad_corpus), "--errors", "collect"]) == 0
    out, err = capsys.readouterr()
    assert "read 4 · accepted 3 · rejected 1" in err and "entries match in the corpus" in out
    renamed = tmp_path / "renamed.csv"
    pd.read_json(bad_corpus, lines=True).rename(columns={"text": "body"}).to_csv(renamed, index=False)
    assert main(["lexicon", "check", "libya", "--corpus", str(renamed), "--columns", "body=text",
                 "--errors", "collect"]) == 0


def test_analyze_with_every_record_rejected_says_so(tmp_path, capsys):
    path = tmp_path / "allbad.jsonl"
    path.write_text('{"outlet": "أ", "text": ""}\n{"outlet": "ب", "text": "  "}\n', encoding="utf-8")
    assert main(["analyze", str(path), "--lexicon", "libya", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no document was accepted" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_an_unexpected_error_is_one_line_unless_debugging(monkeypatch, capsys):
    from framing.cli import commands

    def broken(args):
        raise RuntimeError("something\nbroke")

    monkeypatch.setitem(commands.COMMANDS, "validate", broken)
    monkeypatch.delenv("FRAMING_DEBUG", raising=False)
    assert main(["validate", DEMO]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (RuntimeError: something broke)" in err
    monkeypatch.setenv("FRAMING_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["validate", DEMO])


def test_compare_and_trends_say_what_cannot_be_computed(small_corpus, tmp_path, capsys):
    unrelated = tmp_path / "weather.yaml"
    unrelated.write_text("name: weather\nreferents:\n  storm:\n    aliases: [{term: العاصفة}]\n    labels:\n"
                         "      neutral: [{term: منخفض جوي}]\n", encoding="utf-8")
    assert main(["compare", str(small_corpus), "--lexicon", str(unrelated), "--out", str(tmp_path / "c.csv")]) == 0
    assert "nothing to compare (no table written)" in capsys.readouterr().out
    assert not (tmp_path / "c.csv").exists()
    categories = tmp_path / "cats.yaml"
    categories.write_text("name: cats\ncategories:\n  hedge: [{term: ما يسمى}]\n", encoding="utf-8")
    assert main(["trends", str(small_corpus), "--lexicon", str(categories)]) == 1
    err = capsys.readouterr().err
    assert "no referent with labels" in err and len(err.strip().splitlines()) == 1
