"""Bad-input catalogue, round two: corpora read on Dask workers give what the one-process reader gives
(tests/badinput/round2_dask.py).

The library tests run without a cluster (Dask's synchronous scheduler, and the block reader called
directly): ``open_corpus_dask`` against ``read_corpus`` on each case, cut into small parts, in both error
modes: the same documents (every column), the same rejects (file, line, field, reason), the same first error.
The command-line tests (marked slow: each starts a local cluster) run ``framing analyze --workers 2`` beside
the one-process ``framing analyze`` and compare exit codes, the one-line errors and the tables written.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from badinput.round2_dask import BLOCK, DASK_CASES, DaskCase, doc, doc_lines
from helpers.command import CLASSES, SUMMARY, run_framing

from framing.corpus.formats import open_records
from framing.corpus.reader import concat_batches, iter_corpus, read_corpus
from framing.errors import CorpusError, FramingError
from framing.scale.blocks import count_part, number_parts, part_records, plan_parts
from framing.scale.dask import open_corpus_dask

REJECT = ["source", "line", "field", "reason"]


@pytest.fixture
def sync():
    """Dask's synchronous scheduler: every task runs in this process, no cluster."""
    import dask

    with dask.config.set(scheduler="sync"):
        yield


def test_catalogue_round2_dask_is_tallied():
    names = [c.name for c in DASK_CASES]
    assert len(names) == len(set(names)) >= 15
    assert {c.cls for c in DASK_CASES} <= CLASSES
    assert all(c.outcome in ("ok", "reject", "fatal") and c.before for c in DASK_CASES)


def _said(caught) -> set[str]:
    return {str(w.message) for w in caught if issubclass(w.category, UserWarning | UnicodeWarning)
            and "cannot be split" not in str(w.message)}


def _one(path: Path, errors: str, options: dict, batch_size: int | None = None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = (read_corpus(path, errors=errors, **options) if batch_size is None else
              concat_batches(iter_corpus(path, errors=errors, batch_size=batch_size, **options)))
    rej = pd.DataFrame(list(df.attrs["rejects"]), columns=REJECT)
    return df, rej, df.attrs["n_read"], _said(caught)


def _dask(path: Path, errors: str, options: dict, blocksize: int, batch_size: int | None = None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = open_corpus_dask(path, errors=errors, blocksize=blocksize, batch_size=batch_size or 10_000, **options)
        frame = got.frame.compute()
    return frame, got.rejects, got.n_read, got, _said(caught)


def _same_rows(one: pd.DataFrame, dsk: pd.DataFrame) -> None:
    one, dsk = one.reset_index(drop=True), dsk.reset_index(drop=True)
    one.attrs = {}
    assert list(dsk.columns) == list(one.columns)
    canonical = ["doc_id", "outlet", "date", "title", "text", "url"]
    pd.testing.assert_frame_equal(dsk[canonical], one[canonical])
    for col in one.columns[len(canonical):]:  # extra fields: object on Dask, inferred in one process
        def plain(s: pd.Series) -> list:
            return [None if pd.isna(v) else v for v in s.astype(object)]
        assert plain(dsk[col]) == plain(one[col]), col


def _error(fn) -> CorpusError:
    with pytest.raises(CorpusError) as info:
        fn()
    return info.value


# --- library: no cluster --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", DASK_CASES, ids=repr)
def test_round2_dask_library(case: DaskCase, tmp_path, sync):
    path = case.make(tmp_path)
    parts = plan_parts(path, encoding=case.options.get("encoding"), blocksize=case.blocksize,
                       max_record_bytes=case.options.get("max_record_bytes", 40 * 2**20))
    assert (len(parts) >= 3) if case.split else (len(parts) == 1), parts
    if case.outcome == "fatal":
        for errors in ("raise", "collect"):
            want = _error(lambda errors=errors: _one(path, errors, case.options, case.batch_size))
            got = _error(lambda errors=errors: _dask(path, errors, case.options, case.blocksize, case.batch_size))
            assert str(got) == str(want) and got.line == want.line and got.field == want.field
            assert re.search(case.pattern, str(got)), str(got)
        return
    if case.outcome == "reject":
        want = _error(lambda: _one(path, "raise", case.options, case.batch_size))
        got = _error(lambda: _dask(path, "raise", case.options, case.blocksize, case.batch_size))
        assert (str(got), got.source, got.line, got.field) == (str(want), want.source, want.line, want.field)
        assert got.line == case.line and re.search(case.pattern, got.reason), str(got)
    else:
        dsk = _dask(path, "raise", case.options, case.blocksize, case.batch_size)[0]
        _same_rows(_one(path, "raise", case.options, case.batch_size)[0], dsk)
    one, one_rej, one_read, one_said = _one(path, "collect", case.options, case.batch_size)
    dsk, dsk_rej, dsk_read, got, dsk_said = _dask(path, "collect", case.options, case.blocksize, case.batch_size)
    assert dsk_said == one_said  # the warnings said on the workers are said here, once each
    assert dsk_read == one_read == case.n_read == got.n_accepted + len(dsk_rej)
    assert got.n_accepted == len(dsk) == len(one)
    assert len(dsk_rej) == case.n_rejected
    pd.testing.assert_frame_equal(dsk_rej.reset_index(drop=True), one_rej.astype({"line": "int64"}))
    if case.outcome == "reject":
        assert int(dsk_rej["line"].iloc[0]) == case.line and re.search(case.pattern, dsk_rej["reason"].iloc[0])
    _same_rows(one, dsk)


@pytest.mark.parametrize("blocksize", [1, 5, 64, 333, 2000, 10**6])
def test_block_reader_gives_the_records_of_the_whole_file(blocksize, tmp_path):
    """Cut anywhere, the parts' raw records are the file's, with its line numbers: blank and white lines,
    CRLF, a BOM, lines that open a list, a line that does not decode, multi-byte text (the partition function
    called directly, without Dask)."""
    lines = [ln.encode() for ln in (
        '{"doc_id": "a", "outlet": "o", "text": "أول"}', "", "   ", '[{"x": 1}', '{"doc_id": "b", "outlet": "o", '
        '"text": "ثان"}', "\t" + '{"doc_id": "c", "outlet": "o", "text": "ثالث"}', "[", "]", "{broken",
        '"a string"', "", '{"doc_id": "d", "outlet": "o", "text": "رابع"}')]
    lines.insert(9, '{"doc_id": "e", "outlet": "o", "text": "خامس"}'.encode("cp1256"))
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n" + b"\n".join(lines) + b"\n")
    want = list(open_records(path, None, 100).records)
    parts = plan_parts(path, encoding=None, max_record_bytes=2**20, blocksize=blocksize)
    assert [p.kind for p in parts] == ["lines"] * len(parts)
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in pairwise(parts))  # no byte twice, none left out
    parts = number_parts(parts, [count_part(p) for p in parts])
    got = [r for p in parts for r in part_records(p, 100).records]
    assert got == want
    assert len(got) == 20 and sum(r.record is None for r in got) == 12
    if blocksize <= 64:
        assert len(parts) >= 4


def test_parts_are_read_once_for_matches_features_and_groups(tmp_path, sync, monkeypatch):
    """The extraction computes matches, features and groups in one graph: each part is read once."""
    import dask

    import framing.scale.dask as scale
    calls = []
    real = scale.read_part

    def counting(*args):
        calls.append(args[0].start)
        return real(*args)

    monkeypatch.setattr(scale, "read_part", counting)
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(doc_lines(40)) + "\n", encoding="utf-8")
    got = open_corpus_dask(path, blocksize=BLOCK)
    ddf = got.frame
    dask.compute(scale.dask_extract_matches(ddf, "libya"), scale.dask_extract_features(ddf, "libya"),
                 ddf[["doc_id", "date"]])
    assert ddf.npartitions >= 3 and sorted(calls) == sorted({*calls}) and len(calls) == ddf.npartitions


def test_blocksize_setting_and_checks(tmp_path, sync):
    import dask

    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(pd.Series([doc(k) for k in range(1, 31)]).map(
        lambda r: pd.io.json.ujson_dumps(r, ensure_ascii=False))) + "\n", encoding="utf-8")
    assert open_corpus_dask(path).frame.npartitions == 1  # 64 MB parts by default
    with dask.config.set({"framing.blocksize": BLOCK}):
        assert open_corpus_dask(path).frame.npartitions >= 3
    with pytest.raises(FramingError, match="blocksize must be a positive number of bytes"):
        open_corpus_dask(path, blocksize=0)
    with pytest.raises(CorpusError, match="no file matches this pattern"):
        open_corpus_dask(tmp_path / "nothing-*.jsonl")


def test_glob_of_files_counts_ids_across_files(tmp_path, sync):
    """A glob reads each file with its own line numbers; an id of the first file met again in the second
    is a reject naming the first file."""
    (tmp_path / "a.jsonl").write_text("\n".join(doc_lines(10)) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(doc_lines(12)[10:]) + "\n" + "\n".join(doc_lines(3)[2:]) + "\n",
                                      encoding="utf-8")
    got = open_corpus_dask(str(tmp_path / "*.jsonl"), errors="collect", blocksize=200)
    assert got.n_read == 13 and got.n_accepted == 12
    rej = got.rejects.iloc[0]
    assert (rej["source"], rej["line"]) == (str(tmp_path / "b.jsonl"), 3)
    assert f"duplicate doc_id 'w3' (first seen at line 3 of {tmp_path / 'a.jsonl'})" in rej["reason"]
    assert list(got.frame.compute()["doc_id"]) == [f"w{k}" for k in range(1, 13)]


# --- framing analyze --workers 2 (the installed command; each run starts a local cluster) ---------------------------
def _run(*args: str, blocksize: int | None = None) -> subprocess.CompletedProcess:
    return run_framing(*args, env=None if blocksize is None else {"DASK_FRAMING__BLOCKSIZE": str(blocksize)})


def _cli_options(case: DaskCase) -> list[str]:
    args = []
    if "encoding" in case.options:
        args += ["--encoding", case.options["encoding"]]
    if "max_record_bytes" in case.options:
        args += ["--max-record-mb", f"{case.options['max_record_bytes'] / 2**20:g}"]
    return args


def _errors(stderr: str) -> list[str]:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return [ln for ln in stderr.strip().splitlines() if ln and not ln.startswith("framing: warning")]


@pytest.mark.slow
@pytest.mark.parametrize("case", DASK_CASES, ids=repr)
def test_round2_dask_analyze_command(case: DaskCase, tmp_path):
    """``framing analyze --workers 2``: with ``--errors collect`` the one-process account (documents read =
    accepted + rejected), its rejects in rejects.csv and its documents in features.csv; with ``--errors raise``
    (and for a fatal input in both modes) the one-process error on one line, exit 1, no output folder."""
    path = case.make(tmp_path)
    batch = ["--batch-size", str(case.batch_size)] if case.batch_size else []
    common = ["--lexicon", "libya", "--n-boot", "20", "--keep-copies", "--workers", "2", *batch, *_cli_options(case)]
    modes = ["collect", "raise"] if case.outcome != "ok" else ["collect"]
    all_bad = case.outcome == "reject" and case.n_rejected == case.n_read
    for errors in modes:
        out = tmp_path / f"out-{errors}"
        proc = _run("analyze", str(path), "--out", str(out), "--errors", errors, *common, blocksize=case.blocksize)
        lines = _errors(proc.stderr)
        if case.outcome == "fatal" or (errors == "raise" and case.outcome == "reject") or all_bad:
            assert proc.returncode == 1 and len(lines) == 1, proc.stderr
            if all_bad and errors == "collect":
                assert re.search(rf"{re.escape(str(path))}: no document was accepted \(read {case.n_read}\)", lines[0])
            else:
                with pytest.raises(CorpusError) as info:
                    _one(path, errors, case.options, case.batch_size)
                assert lines[0].startswith(f"framing analyze: error: {info.value}"), (lines[0], str(info.value))
            assert not out.exists()
            continue
        assert proc.returncode == 0 and not lines, proc.stderr
        one, one_rej, n_read, _ = _one(path, errors, case.options, case.batch_size)
        assert SUMMARY.search(proc.stdout).groups() == (str(n_read), str(len(one)), str(len(one_rej)))
        assert n_read == case.n_read and len(one_rej) == case.n_rejected
        table = pd.read_csv(out / "rejects.csv", dtype={"line": "int64"}, keep_default_na=False)
        expect = one_rej.astype({"line": "int64"}).fillna("")
        assert table.astype(str).values.tolist() == expect.astype(str).values.tolist()
        assert pd.read_csv(out / "features.csv")["doc_id"].astype(str).tolist() == one["doc_id"].tolist()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dask_malformed_json_line", "dask_cp1256_jsonl", "dask_cp1256_csv",
                                  "dask_duplicate_id_across_parts"])
def test_analyze_workers_writes_the_one_process_tables(name, tmp_path):
    """The tables of ``analyze --workers 2`` are those of the one-process run, byte for byte."""
    case = next(c for c in DASK_CASES if c.name == name)
    path = case.make(tmp_path)
    common = ["--lexicon", "libya", "--n-boot", "20", "--keep-copies", *_cli_options(case)]
    p1 = _run("analyze", str(path), "--out", str(tmp_path / "one"), *common)
    p2 = _run("analyze", str(path), "--out", str(tmp_path / "dask"), "--workers", "2", *common,
              blocksize=case.blocksize)
    assert p1.returncode == p2.returncode == 0 and not _errors(p2.stderr), p2.stderr
    assert SUMMARY.search(p2.stdout).groups() == SUMMARY.search(p1.stdout).groups()
    for table in ("rejects", "features", "matches", "label_shares", "log_odds"):
        assert (tmp_path / "dask" / f"{table}.csv").read_bytes() == (tmp_path / "one" / f"{table}.csv").read_bytes()


@pytest.mark.slow
def test_analyze_workers_with_wire_copies_and_group_column(tmp_path):
    """The default run (wire copies set aside) grouped by an extra column, cut into parts, with bad lines."""
    lines = doc_lines(40, raw={7: "{oops"}, over={k: {"section": "سياسة" if k % 3 else "اقتصاد"} for k in range(1, 41)})
    lines[20] = lines[19].replace('"w20"', '"w21"')  # a wire copy of document 20
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    common = ["--lexicon", "libya", "--n-boot", "20", "--by", "section"]
    p1 = _run("analyze", str(path), "--out", str(tmp_path / "one"), *common)
    p2 = _run("analyze", str(path), "--out", str(tmp_path / "dask"), "--workers", "2", *common, blocksize=BLOCK)
    assert p1.returncode == p2.returncode == 0, p2.stderr
    assert SUMMARY.search(p2.stdout).groups() == SUMMARY.search(p1.stdout).groups() == ("40", "39", "1")
    for table in ("rejects", "features", "matches", "wire_copies"):
        assert (tmp_path / "dask" / f"{table}.csv").read_bytes() == (tmp_path / "one" / f"{table}.csv").read_bytes()
