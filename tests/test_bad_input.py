"""The bad-input catalogue (tests/badinput): each case through the library and through the command line.

Library: ``errors="raise"`` gives a CorpusError naming file, line, field and what to do;
``errors="collect"`` records the reject and keeps ``n_read == accepted + rejected``.
Command line: ``framing validate`` exits 1 with ``read N · accepted A · rejected R`` (or an error
line naming the file) and no traceback; a few cases also go through ``framing analyze``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from badinput import CORPUS_CASES, GOOD_LEXICON, LEXICON_CASES, big_text
from framing.corpus.reader import read_corpus
from framing.errors import CorpusError, LexiconError
from framing.lexicon.load import Lexicon, load_lexicon

FRAMING = Path(sys.executable).parent / "framing"
SUMMARY = re.compile(r"read (\d+) · accepted (\d+) · rejected (\d+)")


def _read(path, errors):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = read_corpus(path, errors=errors)
    return df, [w for w in caught if issubclass(w.category, UnicodeWarning)]


def test_catalogue_is_large_enough():
    assert len(CORPUS_CASES) >= 25 and len(LEXICON_CASES) >= 7
    assert len({c.name for c in CORPUS_CASES}) == len(CORPUS_CASES)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c.name == "million_lines_bad_near_end"
                                  else c for c in CORPUS_CASES], ids=repr)
def test_bad_input_library(case, tmp_path):
    path = case.make(tmp_path)
    modes = ("raise",) if case.slow and case.outcome == "reject" else ("raise", "collect")
    if case.outcome == "fatal":
        for mode in modes:
            with pytest.raises(CorpusError, match=case.pattern) as info:
                read_corpus(path, errors=mode)
            err = info.value
            assert err.source == str(path) and str(err).startswith(str(path))
            if case.line is not None:
                assert err.line == case.line and f"line {case.line}" in str(err)
            if case.field is not None:
                assert err.field == case.field
        return
    if case.outcome == "reject":
        with pytest.raises(CorpusError, match=case.pattern) as info:
            read_corpus(path, errors="raise")
        err = info.value
        assert (err.source, err.line, err.field) == (str(path), case.line, case.field)
        assert str(err).startswith(f"{path}, line {case.line}")
        if case.field:
            assert f"field {case.field!r}" in str(err)
        if "collect" not in modes:
            return
        df, _ = _read(path, "collect")
        rej = df.attrs["rejects"]
        assert df.attrs["n_read"] == case.n_read == len(df) + len(rej)
        assert len(rej) == 1
        row = rej.iloc[0]
        assert (row["source"], int(row["line"])) == (str(path), case.line)
        assert (None if pd.isna(row["field"]) else row["field"]) == case.field
        assert re.search(case.pattern, row["reason"])
        return
    # "ok": reads, nothing rejected, content intact
    for mode in modes:
        df, warned = _read(path, mode)
        assert len(df.attrs["rejects"]) == 0
        assert df.attrs["n_read"] == case.n_read == len(df)
        assert case.check(df), f"{case.name}: content did not come through"
        assert bool(warned) == case.warns
        if case.warns:
            assert str(path) in str(warned[0].message) and "repaired mojibake" in str(warned[0].message)


@pytest.mark.parametrize("case", CORPUS_CASES, ids=repr)
def test_bad_input_validate_command(case, tmp_path, capsys):
    from framing.cli import main

    if case.name.startswith("million") and os.environ.get("FRAMING_FUZZ") != "long":
        pytest.skip("the million-line file is read through the library here; FRAMING_FUZZ=long runs it too")
    path = case.make(tmp_path)
    rejects = tmp_path / "out" / "rejects.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)
        code = main(["validate", str(path), "--rejects", str(rejects)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if case.outcome == "fatal":
        assert code == 1
        assert err.startswith(f"framing validate: error: {path}")
        assert re.search(case.pattern, err)
        assert not SUMMARY.search(out)
        return
    n_read, accepted, rejected = map(int, SUMMARY.search(out).groups())
    assert n_read == accepted + rejected == case.n_read
    table = pd.read_csv(rejects)
    assert len(table) == rejected
    if case.outcome == "reject":
        assert code == 1 and rejected == 1
        assert int(table["line"].iloc[0]) == case.line
        assert re.search(case.pattern, table["reason"].iloc[0])
        assert f"{path}:{case.line} " in out  # the reject is listed with file and line
    else:
        assert code == 0 and rejected == 0


@pytest.mark.parametrize("name", ["jsonl_malformed_middle", "binary_junk_csv", "csv_unbalanced_quote",
                                  "utf16le_without_bom"])
def test_bad_input_validate_subprocess(name, tmp_path):
    """The installed command: exit codes and messages, never a Python traceback."""
    case = next(c for c in CORPUS_CASES if c.name == name)
    path = case.make(tmp_path)
    proc = subprocess.run([str(FRAMING), "validate", str(path), "--rejects", str(tmp_path / "rej.csv")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    if case.outcome == "ok":
        assert proc.returncode == 0, proc.stderr
        assert "rejected 0" in proc.stdout
    else:
        assert proc.returncode == 1
        assert re.search(case.pattern, proc.stdout + proc.stderr)
        assert str(path) in proc.stdout + proc.stderr


def test_big_document_matches(tmp_path):
    """A 20 MB document reads whole, and a label planted in its middle is found at the right offset."""
    from framing.lexicon.matcher import find_matches

    case = next(c for c in CORPUS_CASES if c.name == "twenty_mb_document")
    df = read_corpus(case.make(tmp_path))
    text = df["text"].iloc[0]
    assert text == big_text().strip()
    lex = Lexicon.from_dict(yaml.safe_load(GOOD_LEXICON))
    found = [m for m in find_matches(text, lex) if m.kind == "label"]
    assert [(m.start, m.surface, m.referent, m.stance) for m in found] == [
        (text.index("ميليشيا حفتر"), "ميليشيا", "camp", "delegitimizing")]


# --- framing analyze on a few cases ----------------------------------------------------------------------------
def _analyze(path, out, capsys, lexicon):
    from framing.cli import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)
        code = main(["analyze", str(path), "--lexicon", str(lexicon), "--out", str(out), "--n-boot", "20"])
    stdout, stderr = capsys.readouterr()
    assert "Traceback" not in stderr
    return code, stdout, stderr


@pytest.fixture
def toy_lexicon(tmp_path):
    p = tmp_path / "toy.yaml"
    p.write_text(GOOD_LEXICON, encoding="utf-8")
    return p


def _with_labels(path: Path) -> Path:
    """Append label-bearing documents so the analysis has something to count."""
    import json

    extra = [{"doc_id": f"x{i}", "outlet": ["الساحل", "الجبل"][i % 2], "date": f"2020-02-0{1 + i}",
              "text": ["قالت ميليشيا حفتر", "تقدمت قوات حفتر", "مليشيا حفتر انسحبت"][i % 3]} for i in range(6)]
    with open(path, "a", encoding="utf-8") as fh:
        for rec in extra:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize("name", ["jsonl_malformed_middle", "lone_surrogate_escape", "html_with_script"])
def test_bad_input_analyze(name, tmp_path, capsys, toy_lexicon):
    case = next(c for c in CORPUS_CASES if c.name == name)
    path = _with_labels(case.make(tmp_path))
    out = tmp_path / "out"
    code, stdout, stderr = _analyze(path, out, capsys, toy_lexicon)
    assert code == 0, stderr
    n_read, accepted, rejected = map(int, SUMMARY.search(stdout).groups())
    assert n_read == accepted + rejected == case.n_read + 6
    rejects = pd.read_csv(out / "rejects.csv")
    assert len(rejects) == rejected == (1 if case.outcome == "reject" else 0)
    if case.outcome == "reject":
        assert int(rejects["line"].iloc[0]) == case.line
    feats = pd.read_parquet(out / "features.parquet")
    assert len(feats) == accepted
    assert feats.filter(like="label:camp").to_numpy().sum() == 6
    for table in sorted(out.glob("*.csv")):
        pd.read_csv(table)  # every table parses
    html = (out / "report.html").read_text(encoding="utf-8")  # strict UTF-8: no lone surrogate written
    assert html.rstrip().endswith("</html>")


def test_lone_surrogate_reaches_write_table(tmp_path):
    """Lone surrogates in a table (e.g. built by hand) are written as U+FFFD, not a crash."""
    from framing.output.files import write_table

    # pandas' own string dtype cannot hold them; object columns can
    df = pd.DataFrame({"outlet": pd.Series(["\ud800الساحل", "الجبل"], dtype=object),
                       "text": pd.Series(["خبر\udfff", "نص"], dtype=object), "n": [1, 2]})
    written = write_table(df, tmp_path / "t")
    assert {p.suffix for p in written} == {".csv", ".parquet"}
    back_csv = pd.read_csv(tmp_path / "t.csv", encoding="utf-8")
    back_pq = pd.read_parquet(tmp_path / "t.parquet")
    for back in (back_csv, back_pq):
        assert list(back["outlet"]) == ["\ufffdالساحل", "الجبل"]
        assert list(back["text"]) == ["خبر\ufffd", "نص"]
        assert list(back["n"]) == [1, 2]


# --- lexicons ---------------------------------------------------------------------------------------------------
def _lexicon_file(case, tmp_path) -> Path:
    p = tmp_path / "bad_lexicon.yaml"
    p.write_bytes(case.text if isinstance(case.text, bytes) else case.text.encode("utf-8"))
    return p


def test_good_lexicon_loads_and_checks(tmp_path, capsys):
    from framing.cli import main

    p = tmp_path / "toy.yaml"
    p.write_text(GOOD_LEXICON, encoding="utf-8")
    lex = load_lexicon(p)
    assert set(lex.referents) == {"camp"}
    assert main(["lexicon", "check", str(p)]) == 0
    assert capsys.readouterr().out.startswith("ok: toy")


@pytest.mark.parametrize("case", LEXICON_CASES, ids=repr)
def test_bad_lexicon_library(case, tmp_path):
    path = _lexicon_file(case, tmp_path)
    with pytest.raises(LexiconError, match=case.pattern) as info:
        load_lexicon(path)
    err = info.value
    assert err.source == str(path) and str(err).startswith(str(path))
    if case.where is not None:
        assert err.where is not None and re.search(case.where, err.where), err.where


@pytest.mark.parametrize("case", LEXICON_CASES, ids=repr)
def test_bad_lexicon_check_command(case, tmp_path, capsys):
    from framing.cli import main

    path = _lexicon_file(case, tmp_path)
    code = main(["lexicon", "check", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and not out
    assert err.startswith(f"framing lexicon: error: {path}")
    assert re.search(case.pattern, err)
    if case.where is not None:
        place = err[len(f"framing lexicon: error: {path}, "):].split(": ", 1)[0]
        assert re.search(case.where, place)


def test_bad_lexicon_check_subprocess(tmp_path):
    case = next(c for c in LEXICON_CASES if c.name == "unknown_key_typo")
    path = _lexicon_file(case, tmp_path)
    proc = subprocess.run([str(FRAMING), "lexicon", "check", str(path)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{path}, referents.camp (line 5): unknown key 'lables'" in proc.stderr
