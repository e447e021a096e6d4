"""Bad-input catalogue, round two: records of JSON, JSON Lines, Parquet and CSV files
(tests/badinput/round2_records.py).

Each case goes through the library (``read_corpus`` with ``errors="raise"`` and ``"collect"``, and
``iter_corpus`` in small batches), through ``framing validate`` and through ``framing analyze --lexicon
libya`` (the installed command, as a subprocess): documents read = accepted + rejected, each reject placed
(file, line, field) with its reason, warnings printed on one line, one-line errors naming the file, no
traceback, and a fatal input leaves no output folder. Then: the parquet written batch by batch keeps a
column that was empty in the first batch, an over-long line is never held in memory, and the new options
are checked like the others.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from badinput.round2_records import RECORD_CASES, RecordCase, cli_options, doc
from helpers.command import CLASSES, SUMMARY, check_validate, error_lines, run_framing

from framing.corpus.reader import iter_corpus, read_corpus
from framing.errors import CorpusError

# analyze runs ~10 s each: these run in `make test`, the others with the slow tests (`make test-long`)
QUICK_ANALYZE = {"json_duplicate_key", "jsonl_holding_json_list", "parquet_duplicate_columns", "json_line_over_cap",
                 "cp1256_with_encoding_option"}


def _params(cases: list[RecordCase], quick: set[str]) -> list:
    return [c if c.name in quick else pytest.param(c, marks=pytest.mark.slow) for c in cases]


def _read(path: Path, case: RecordCase, errors: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = read_corpus(path, errors=errors, **case.options)
    return df, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_catalogue_round2_records_is_tallied():
    names = [c.name for c in RECORD_CASES]
    assert len(names) == len(set(names)) >= 20
    assert {c.cls for c in RECORD_CASES} <= CLASSES
    assert all(c.outcome in ("ok", "reject", "fatal") and c.before for c in RECORD_CASES)


# --- library ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", RECORD_CASES, ids=repr)
def test_round2_records_library(case, tmp_path):
    path = case.make(tmp_path)
    if case.outcome == "fatal":
        for errors in ("raise", "collect"):
            with pytest.raises(CorpusError) as info:
                _read(path, case, errors)
            err = info.value
            assert (err.source, err.line) == (str(path), case.line), str(err)
            if case.field:
                assert err.field == case.field
            assert re.search(case.pattern, str(err)), str(err)
            assert "\n" not in str(err)
        return
    if case.outcome == "reject":
        with pytest.raises(CorpusError) as info:
            _read(path, case, "raise")
        err = info.value
        assert (err.source, err.line, err.field) == (str(path), case.line, case.field), str(err)
        assert re.search(case.pattern, str(err)), str(err)
    df, warned = _read(path, case, "collect")
    rej = df.attrs["rejects"]
    assert df.attrs["n_read"] == len(df) + len(rej) == case.n_read
    assert len(rej) == case.n_rejected, list(rej)
    if case.outcome == "reject":
        first = rej.iloc[0]
        assert (first["source"], int(first["line"])) == (str(path), case.line)
        assert (None if pd.isna(first["field"]) else first["field"]) == case.field
        assert re.search(case.pattern, first["reason"]), first["reason"]
    if case.warn:
        assert any(re.search(case.warn, w) for w in warned), warned
    else:
        assert not warned, warned
    if case.check:
        assert case.check(df), df[["doc_id", "outlet"]]


@pytest.mark.parametrize("case", [c for c in RECORD_CASES if c.outcome != "fatal"], ids=repr)
def test_round2_records_iter_corpus(case, tmp_path):
    """In batches of two records: the same documents and rejects, every record counted once."""
    path = case.make(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        whole = read_corpus(path, errors="collect", **case.options)
        batches = list(iter_corpus(path, errors="collect", batch_size=2, **case.options))
    assert sum(b.attrs["n_read"] for b in batches) == case.n_read
    assert sum(len(b) + len(b.attrs["rejects"]) for b in batches) == case.n_read
    assert [d for b in batches for d in b["doc_id"]] == list(whole["doc_id"])
    assert [(r["line"], r["reason"]) for b in batches for r in b.attrs["rejects"]] == \
        [(r["line"], r["reason"]) for r in whole.attrs["rejects"]]


# --- framing validate (the installed command) ---------------------------------------------------------------------
@pytest.mark.parametrize("case", RECORD_CASES, ids=repr)
def test_round2_records_validate_command(case, tmp_path):
    path = case.make(tmp_path)
    rejects = tmp_path / "rejects.csv"
    proc = run_framing("validate", str(path), "--rejects", str(rejects), *cli_options(case))
    check_validate(proc, case, path, rejects, exact_warnings=True)
    if case.outcome == "fatal" and case.line:  # the line, then the reason
        assert error_lines(proc.stderr)[0].startswith(f"framing validate: error: {path}, line {case.line}: ")


# --- framing analyze (the installed command) ----------------------------------------------------------------------
@pytest.mark.parametrize("case", _params(RECORD_CASES, QUICK_ANALYZE), ids=repr)
def test_round2_records_analyze_command(case, tmp_path):
    path = case.make(tmp_path)
    out = tmp_path / "out"
    batch = ["--batch-size", str(case.batch_size)] if case.batch_size else []
    proc = run_framing("analyze", str(path), "--lexicon", "libya", "--out", str(out), "--n-boot", "20", "--keep-copies",
                       *batch, *cli_options(case))  # every accepted document counts (the test texts look alike)
    errors = error_lines(proc.stderr)
    if case.outcome == "fatal":
        assert proc.returncode == 1, proc.stderr
        assert len(errors) == 1 and errors[0].startswith(f"framing analyze: error: {path}"), proc.stderr
        assert re.search(case.pattern, errors[0]), errors[0]
        assert not out.exists()
        return
    assert proc.returncode == 0, proc.stderr
    n_read, accepted, rejected = map(int, SUMMARY.search(proc.stdout + proc.stderr).groups())
    assert n_read == accepted + rejected == case.n_read and rejected == case.n_rejected
    table = pd.read_csv(out / "rejects.csv")
    assert len(table) == rejected
    if case.outcome == "reject":
        assert table["source"].iloc[0] == str(path) and int(table["line"].iloc[0]) == case.line
        assert re.search(case.pattern, table["reason"].iloc[0])
    assert len(pd.read_parquet(out / "features.parquet")) == accepted
    assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    if case.warn:
        assert re.search(case.warn, proc.stderr), proc.stderr


# --- specifics ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("copies", [[], pytest.param(["--keep-copies"], marks=pytest.mark.slow)],
                         ids=["copies_excluded", "copies_kept"])
def test_category_empty_in_first_batch_written_whole(copies, tmp_path):
    """matches.parquet, written batch by batch, keeps the category found only in later batches (the first
    batch declared it text, not null) and agrees with matches.csv; with wire copies looked for (the corpus
    held, then sliced into batches) or not (streamed)."""
    case = next(c for c in RECORD_CASES if c.name == "category_empty_in_first_batch")
    path = case.make(tmp_path)
    out = tmp_path / "out"
    proc = run_framing("analyze", str(path), "--lexicon", "libya", "--out", str(out), "--n-boot", "20",
                       "--batch-size", "6", *copies)
    assert proc.returncode == 0, proc.stderr
    matches = pd.read_parquet(out / "matches.parquet")
    first = matches[matches["doc_id"].isin([f"r{k}" for k in range(1, 7)])]
    later = matches[matches["doc_id"].isin([f"r{k}" for k in range(7, 13)])]
    assert len(first) and first["category"].isna().all()
    assert (later["category"] == "legitimacy").sum() == 6
    assert len(pd.read_csv(out / "matches.csv")) == len(matches)
    assert len(pd.read_parquet(out / "features.parquet")) == 12


def test_stream_writer_null_then_text(tmp_path):
    from framing.pipeline.extraction import StreamWriter

    w = StreamWriter(tmp_path / "t")
    w.append(pd.DataFrame({"doc_id": ["a"], "category": pd.Series([None], dtype=object)}))
    w.append(pd.DataFrame({"doc_id": ["b"], "category": ["legitimacy"]}))
    w.close(True)
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert back["doc_id"].tolist() == ["a", "b"] and back["category"].tolist()[1] == "legitimacy"


def test_over_long_line_is_not_held(tmp_path):
    """The 60 MB line is read and dropped a piece at a time: Python allocations peak far below its size."""
    import tracemalloc

    case = next(c for c in RECORD_CASES if c.name == "gz_single_line_over_cap")
    path = case.make(tmp_path)
    tracemalloc.start()
    try:
        df = read_corpus(path, errors="collect", max_record_bytes=2**20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert df.attrs["n_read"] == 4 and len(df) == 3
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_default_cap_keeps_long_articles(tmp_path):
    """The default cap (40 MiB) is far above any article: a 1 MB text reads; 1 MB is refused at a 0.5 MB cap."""
    from framing.corpus.textfile import MAX_RECORD_BYTES

    assert MAX_RECORD_BYTES == 40 * 2**20
    path = tmp_path / "c.jsonl"
    long_text = " ".join([doc(1)["text"]] * 9000)  # ~1 MB
    pd.DataFrame([doc(1, text=long_text), doc(2)]).to_json(path, orient="records", lines=True, force_ascii=False)
    assert len(read_corpus(path)) == 2
    with pytest.raises(CorpusError, match=r"line 1: the line is [\d,]+ bytes long, over the cap of 524,288"):
        read_corpus(path, max_record_bytes=2**19)


def test_options_are_checked(tmp_path):
    """A bad --encoding or --max-record-mb: analyze stops before reading (exit 2, naming the option),
    validate names the file (exit 1); the library names the parameter."""
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(pd.Series([doc(1), doc(2)]).map(lambda r: pd.io.json.ujson_dumps(
        r, ensure_ascii=False))) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_framing("analyze", str(path), "--lexicon", "libya", "--out", str(out), "--encoding", "nosuch")
    assert proc.returncode == 2 and "--encoding: unknown encoding 'nosuch'" in proc.stderr and not out.exists()
    proc = run_framing("analyze", str(path), "--lexicon", "libya", "--out", str(out), "--max-record-mb", "0")
    assert proc.returncode == 2 and "--max-record-mb: expected a positive number" in proc.stderr
    proc = run_framing("validate", str(path), "--encoding", "nosuch")
    assert proc.returncode == 1 and error_lines(proc.stderr) == [
        f"framing validate: error: {path}: unknown encoding 'nosuch'; use a Python codec name such as 'utf-8', "
        "'utf-16' or 'cp1256'"]
    with pytest.raises(ValueError, match="max_record_bytes must be a positive number of bytes"):
        read_corpus(path, max_record_bytes=0)
    assert len(read_corpus(path, encoding="utf-8")) == 2
