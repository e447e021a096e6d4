"""The size cap of one record (``max_record_bytes``, ``--max-record-mb``) on Parquet rows and article files:
a Parquet row is measured from its Arrow offsets, never turned into Python strings when over the cap; an
article file is never read past the cap. (The catalogue cases: tests/badinput/round2_records.py and
round2_folders.py.)"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from framing.corpus.formats import parquet_rows
from framing.corpus.reader import read_corpus
from framing.corpus.textfile import decode_file

SENTENCE = "عاد الصيادون إلى المرفأ بعد أن هدأت الرياح. "


def _text_bytes(value) -> int:
    """The UTF-8 bytes of every string (and bytes value) inside a Python value, keys of mappings included."""
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, dict):
        return sum(_text_bytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_text_bytes(v) for v in value)
    return 0


def _batch() -> pa.RecordBatch:
    """Every kind of column that can hold text, with nulls, sliced (so offsets do not start at 0)."""
    n = 7
    text = [SENTENCE * k if k % 3 else None for k in range(n)]
    return pa.record_batch({
        "doc_id": [f"d{k}" for k in range(n)],
        "text": pa.array(text, type=pa.large_string()),
        "raw": pa.array([SENTENCE.encode() * (k % 2) for k in range(n)], type=pa.binary()),
        "view": pa.array([SENTENCE * (k % 4) for k in range(n)], type=pa.string_view()),
        "paras": pa.array([[SENTENCE] * k if k != 2 else None for k in range(n)], type=pa.list_(pa.string())),
        "pair": pa.array([[SENTENCE[:k], "ب"] for k in range(n)], type=pa.list_(pa.string(), 2)),
        "section": pa.array(["سياسة", "اقتصاد", None, "سياسة", "رياضة", "اقتصاد", "سياسة"]).dictionary_encode(),
        "meta": pa.array([{"author": "كاتب" * k, "words": k} if k != 4 else None for k in range(n)]),
        "tags": pa.array([[("ك", SENTENCE[:k])] if k != 5 else None for k in range(n)],
                         type=pa.map_(pa.string(), pa.string())),
        "words": list(range(n)),
    }).slice(2)


def test_a_row_is_measured_as_its_python_values_would_be():
    """For each row, the cap at its size keeps it and one byte less rejects it (and only it): the sizes read
    from the Arrow offsets are those of the values as Python sees them."""
    batch = _batch()
    rows = batch.to_pylist()
    sizes = [_text_bytes(r) for r in rows]
    assert len(set(sizes)) == len(sizes) and min(sizes) > 0
    for i, size in enumerate(sizes):
        kept = list(parquet_rows("c.parquet", batch, 10, size))
        assert [r.line for r in kept if r.record is None] == [11 + j for j, s in enumerate(sizes) if s > size]
        assert [r.record for r in kept if r.record is not None] == [r for r in rows if _text_bytes(r) <= size]
        cut = list(parquet_rows("c.parquet", batch, 10, size - 1))
        assert cut[i].record is None and cut[i].line == 11 + i
        assert cut[i].problem.split(" is ")[0] in ("the value of " + repr(cut[i].field),
                                                   f"the text of the row (all its values; the longest, "
                                                   f"{cut[i].field!r}, {_text_bytes(rows[i][cut[i].field]):,} bytes)")


def test_an_over_long_cell_is_not_turned_into_a_python_string(tmp_path):
    """A 60 MB cell against a 1 MB cap: rejected with its row and field, while Python allocations (Arrow's
    buffers are not Python objects) peak far below its size."""
    import tracemalloc

    path = tmp_path / "big.parquet"
    big = SENTENCE * (60 * 2**20 // len(SENTENCE.encode()))
    table = pa.table({"doc_id": ["a", "b", "c"], "outlet": ["الشاطئ"] * 3, "text": [SENTENCE, big, SENTENCE]})
    pq.write_table(table, path)
    del big, table
    tracemalloc.start()
    try:
        df = read_corpus(path, errors="collect", max_record_bytes=2**20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rej = df.attrs["rejects"]
    assert df.attrs["n_read"] == 3 == len(df) + len(rej) and list(df["doc_id"]) == ["a", "c"]
    assert (rej[0]["line"], rej[0]["field"]) == (2, "text") and "over the cap of 1,048,576 bytes" in rej[0]["reason"]
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_an_article_is_never_read_past_the_cap(tmp_path):
    """A file whose size, as told before reading, was under the cap (it grew since, or its size is not told):
    no more than the cap (and one byte) is read, and it is a reject."""
    path = tmp_path / "a.txt"
    path.write_bytes(SENTENCE.encode() * 30_000)  # ~2.4 MB

    class Told(type(path)):  # a size told wrong
        def stat(self, *args, **kw):
            real = super().stat(*args, **kw)
            return type(real)((real.st_mode, *real[1:6], 10, *real[7:]))

    got = decode_file(Told(path), None, 2**20)
    assert got.text is None
    assert got.problem.startswith("the file (read this far) is 1,048,577 bytes long, over the cap of 1,048,576")
    assert decode_file(path, None, 2**20).problem.startswith(f"the file is {path.stat().st_size:,} bytes long")
    assert decode_file(path, None, 3 * 2**20).text == SENTENCE * 30_000
