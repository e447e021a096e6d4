"""The corpus reader's steps, each on its own: text file -> raw records -> validated rows and rejects."""

import gzip

import pytest

import framing.corpus
from framing.corpus.formats import RawRecord, open_records
from framing.corpus.rejected import Rejects, as_rejects
from framing.corpus.textfile import Line, TextFile
from framing.corpus.validate import Validator, check_args
from framing.errors import CorpusError, FramingError


def test_old_names_still_importable_from_the_package_and_reader():
    from framing.corpus import reader

    for name in framing.corpus.__all__:
        assert getattr(framing.corpus, name) is getattr(reader, name)


def test_text_file_lines_are_named(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress("سطر\n".encode() + b"\xff\xfe bad\n"))
    lines = list(TextFile(path, "utf-8").lines())
    assert lines[0] == Line(1, "سطر\n", None)
    assert lines[1].number == 2 and "not valid utf-8" in lines[1].problem


def test_raw_records_carry_source_line_record_or_problem(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "خبر", "outlet": "X"}\n[1]\n', encoding="utf-8")
    opened = open_records(path, None, 10)
    assert opened.stem == "c" and opened.defaults == {}
    good, bad = list(opened.records)
    assert good == RawRecord(str(path), 1, {"text": "خبر", "outlet": "X"})
    assert good.field is None and good.problem is None
    assert bad.record is None and bad.line == 2 and "expected a JSON object" in bad.problem


def test_validator_turns_raw_records_into_rows_and_rejects():
    v = Validator("mem", "collect", {}, {}, "mem")
    raws = [RawRecord("mem", 1, {"text": "<p>خبر</p>", "outlet": " X "}),
            RawRecord("mem", 2, {"text": "  ", "outlet": "X"}),
            RawRecord("mem", 3, None, "text", "could not decode")]
    df = v.batch(raws)
    assert df["doc_id"].tolist() == ["mem:1"] and df["text"].tolist() == ["خبر"] and df["outlet"].tolist() == ["X"]
    rej = df.attrs["rejects"]
    assert isinstance(rej, Rejects) and rej["line"].tolist() == [2, 3] and rej["field"].tolist() == ["text", "text"]
    assert (v.n_read, v.n_accepted, v.n_rejected) == (3, 1, 2)
    v.finish()
    with pytest.raises(CorpusError, match="duplicate doc_id 'mem:1'"):
        Validator("mem", "raise", {}, {}, "mem").batch([raws[0], raws[0]])


def test_check_args_and_as_rejects():
    assert check_args("raise", None, 1) == {}
    with pytest.raises(FramingError, match="batch_size"):
        check_args("raise", None, 0)
    assert as_rejects([{"source": "f", "line": 1, "field": None, "reason": "r"}]).to_frame()["line"].tolist() == [1]
