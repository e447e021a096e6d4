"""The framing command: help everywhere, exit codes, and the analyze job's outputs."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.cli import build_parser, main

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
    assert '<table dir="rtl">' in html
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
