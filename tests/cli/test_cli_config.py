"""`framing analyze` builds an AnalysisConfig from its arguments and checks it before reading anything;
the parser loads nothing heavy; `framing compare` counts first (no deprecated route)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from framing.cli import main
from framing.cli.parser import METHOD_CHOICES

ROWS = [
    {"doc_id": "c1", "outlet": "صحيفة الأفق", "date": "2020-01-05", "text": "تقدمت ميليشيات حفتر نحو العاصمة طرابلس"},
    {"doc_id": "c2", "outlet": "Wadi Times", "date": "2020-02-07", "text": "أعلن الجيش الوطني الليبي سيطرته"},
    {"doc_id": "c3", "outlet": "صحيفة الأفق", "date": "2020-03-09", "text": "قالت الوفاق إنها صدت هجوم قوات حفتر"},
    {"doc_id": "c4", "outlet": "Wadi Times", "date": "2020-04-11", "text": "قصفت قوات حفتر أحياء في جنوب طرابلس ليلا"},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    return path


USAGE = [(["--n-boot", "0"], "--n-boot:"), (["--freq", "0D"], "--freq:"), (["--freq", "fortnight"], "--freq:"),
         (["--top", "0"], "--top:"), (["--workers", "0"], "--workers:"), (["--scheduler", "localhost"], "--scheduler:"),
         (["--seed", "-3"], "--seed:"), (["--batch-size", "0"], "--batch-size:"), (["--by", "n_tokens"], "--by:"),
         (["--columns", "body"], "--columns takes")]


@pytest.mark.parametrize(("extra", "start"), USAGE, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_a_bad_argument_is_a_usage_error_before_anything_is_read(extra, start, tmp_path, capsys, monkeypatch):
    def no_reading(*args, **kw):
        raise AssertionError("read before the arguments were checked")

    monkeypatch.setattr("framing.pipeline.extraction.iter_corpus", no_reading)
    out = tmp_path / "new" / "out"
    missing = tmp_path / "not_there.jsonl"  # a bad argument is named first, before the corpus is looked for
    assert main(["analyze", str(missing), "--lexicon", "libya", "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert lines[0].startswith("usage: framing") and len(lines) == 2 and "Traceback" not in err
    assert lines[1].startswith(f"framing analyze: error: {start}"), lines[1]
    assert not (tmp_path / "new").exists()


def test_a_missing_corpus_or_column_is_a_failed_run_that_leaves_nothing(corpus, tmp_path, capsys):
    out = tmp_path / "new" / "out"
    assert main(["analyze", str(tmp_path / "nope.jsonl"), "--lexicon", "libya", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no such file or directory" in err and len(err.strip().splitlines()) == 1
    assert main(["analyze", str(corpus), "--lexicon", "libya", "--out", str(out), "--by", "desk"]) == 1
    err = capsys.readouterr().err
    assert "by: column 'desk' is not in the corpus" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()


def test_an_output_folder_that_is_a_file_is_a_usage_error(corpus, tmp_path, capsys):
    target = tmp_path / "report.txt"
    target.write_text("x", encoding="utf-8")
    assert main(["analyze", str(corpus), "--lexicon", "libya", "--out", str(target)]) == 2
    assert "--out:" in capsys.readouterr().err and target.read_text(encoding="utf-8") == "x"


def test_the_parser_loads_no_pandas_and_knows_the_methods():
    code = ("import sys\nfrom framing.cli import build_parser\nbuild_parser().format_help()\n"
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    from framing.analyses.compare import METHODS

    assert tuple(METHOD_CHOICES) == tuple(METHODS)


@pytest.mark.parametrize("vocabulary", ["lexicon", "all"])
def test_compare_counts_first_with_the_same_table_as_the_old_route(vocabulary, corpus, tmp_path, capsys):
    import framing

    words = ["compare", str(corpus), "--vocabulary", vocabulary, "--out", str(tmp_path / "cmp.csv")]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the command takes no deprecated route
        assert main([*words, "--lexicon", "libya"] if vocabulary == "lexicon" else words) == 0
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = framing.compare_outlets(framing.read_corpus(corpus), lexicon="libya", vocabulary=vocabulary)
    new = pd.read_csv(tmp_path / "cmp.csv")
    expected = pd.read_csv(pd.io.common.StringIO(old.to_csv(index=False, float_format="%.6g")))
    pd.testing.assert_frame_equal(new, expected)
