"""Raw records from each corpus file format: JSON Lines, JSON, CSV/TSV, Parquet (folders of ``.txt``
articles and of news-please ``.json`` files: :mod:`framing.corpus.folders`).

Every reader yields :class:`RawRecord` values in file order: a record (a dict of the file's own
field names, not yet validated) or, for a line that cannot be a record, the problem. A problem that
makes the rest of the file unreadable raises :class:`~framing.errors.CorpusError` instead.
:func:`open_records` picks the reader for a path. JSON and JSON Lines are read by
:mod:`framing.corpus.jsonfile`. No line longer than ``max_record_bytes`` is held in memory (see
:class:`~framing.corpus.textfile.TextFile`); a table field is capped likewise, and so is a Parquet row
(measured from its Arrow offsets before any value becomes a Python string: :func:`parquet_rows`).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from framing.corpus.jsonfile import json_records, jsonl_records
from framing.corpus.records import OpenedCorpus, RawRecord, bad_record
from framing.corpus.textfile import MAX_RECORD_BYTES, Line, TextFile, too_long
from framing.errors import CorpusError

__all__ = ["RawRecord", "OpenedCorpus", "open_records", "table_records", "parquet_rows", "SUPPORTED_FORMATS",
           "NEWS_PLEASE_COLUMNS"]

SUPPORTED_FORMATS = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".tab", ".txt", ".parquet", ".pq",
                     "(text formats also .gz)", "a directory of .txt files",
                     "a directory of news-please .json files")

#: news-please field names -> corpus names (the default ``columns=`` of ``.json`` input)
NEWS_PLEASE_COLUMNS = {"maintext": "text", "date_publish": "date", "source_domain": "outlet"}


def _sniff_delimiter(header: str, suffix: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    if suffix in (".tsv", ".tab") and counts["\t"]:
        return "\t"
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Feed:
    """A table's lines for :func:`csv.reader`: the number of the last line given, the quotes (``"``) given
    since ``quotes`` was last set to 0 (odd: inside a quoted field) and the lines that did not read."""

    def __init__(self, lines: Iterator[Line]):
        self.lines, self.n, self.quotes = lines, 0, 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.n = line.number
        if line.problem:
            self.bad[line.number] = line.problem
        self.quotes += line.text.count('"')
        return line.text or "\n"  # a line skipped unread still counts as a line


def table_records(tf: TextFile, suffix: str) -> Iterator[RawRecord]:
    """The rows of a delimited table (header first) as records keyed by the header's names. A field longer
    than ``tf.max_record_bytes`` characters is a reject; reading goes on after the end of its record."""
    lines = tf.lines()
    first = next(lines, None)
    if first is None:
        raise CorpusError("the file is empty: expected a header line", source=tf.name)
    delimiter = _sniff_delimiter(first.text.splitlines()[0] if first.text else "", suffix)
    feed = _Feed(_chain_one(first, lines))
    old_limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1, tf.max_record_bytes))
    try:
        reader = csv.reader(feed, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise CorpusError("the file is empty: expected a header line", source=tf.name) from None
        except csv.Error as exc:
            raise CorpusError(f"the header line cannot be parsed ({exc})", source=tf.name, line=1) from None
        header = [h.strip().lstrip("\ufeff") for h in header]
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise CorpusError(f"duplicate column names {dupes} in the header; rename them", source=tf.name,
                              line=1)
        if len(header) < 2:
            raise CorpusError(f"found a single column {header!r} with delimiter {delimiter!r}: a table "
                              "needs at least 'text' and 'outlet' (a .txt article? put such files in a "
                              "directory and pass the directory)", source=tf.name, line=1)
        prev = feed.n
        while True:
            feed.quotes = 0
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                start = prev + 1
                if "end of data" in str(exc):
                    yield bad_record(tf.name, start, (
                        "unbalanced quote: a quoted field starting in this record never closes, so the "
                        f"rest of the file (lines {start}-{feed.n}) cannot be split into records; "
                        "close or escape the quote (\"\" inside quoted fields)"))
                    return
                if "field larger than field limit" in str(exc):
                    while feed.quotes % 2 and next(feed, None) is not None:
                        pass  # to the end of the quoted field, unread
                    problem = (f"a field of the record on lines {start}-{feed.n} is over the cap of "
                               f"{tf.max_record_bytes:,} characters for one record; split it, or raise the cap "
                               "(--max-record-mb on the command line, max_record_bytes= in Python)")
                else:
                    problem = (f"malformed CSV record spanning lines {start}-{feed.n} ({exc}): likely an "
                               "unbalanced or stray quote; close it, or double quotes inside quoted fields (\"\")")
                yield bad_record(tf.name, start, problem)
                prev = feed.n
                continue
            start, prev = prev + 1, feed.n
            bad = next((feed.bad[n] for n in range(start, prev + 1) if n in feed.bad), None)
            if not bad and (not row or (len(row) == 1 and not row[0].strip())):
                continue
            if bad:
                yield bad_record(tf.name, start, bad)
            elif len(row) != len(header):
                yield bad_record(tf.name, start, f"expected {len(header)} fields as in the header, found "
                                                 f"{len(row)}; check delimiters and quoting")
            else:
                yield RawRecord(tf.name, start, dict(zip(header, row, strict=True)))
    finally:
        csv.field_size_limit(old_limit)


def _chain_one(first: Line, rest: Iterator[Line]) -> Iterator[Line]:
    yield first
    yield from rest


def _cell_bytes(arr: Any) -> Any:
    """The bytes of text each cell of the Arrow array ``arr`` holds (strings and binary values, also inside
    lists, maps, structs and dictionaries; 0 for numbers, dates and nulls), as a numpy array, read from the
    array's offsets: no value is turned into a Python object."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    t, n = arr.type, len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if pa.types.is_string_view(t) or pa.types.is_binary_view(t):
        arr = arr.cast(pa.large_string() if pa.types.is_string_view(t) else pa.large_binary())
        t = arr.type
    nulls = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else None
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t):
        sizes = pc.binary_length(arr).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    elif pa.types.is_dictionary(t):
        sizes = _cell_bytes(arr.dictionary)[arr.indices.fill_null(0).to_numpy(zero_copy_only=False)]
    elif pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_map(t) or pa.types.is_fixed_size_list(t):
        if pa.types.is_fixed_size_list(t):
            offsets = (arr.offset + np.arange(n + 1, dtype=np.int64)) * t.list_size
        else:
            offsets = arr.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
        within = np.concatenate([[0], np.cumsum(_cell_bytes(arr.values))])
        sizes = within[offsets[1:]] - within[offsets[:-1]]
    elif pa.types.is_struct(t):
        sizes = sum((_cell_bytes(f) for f in arr.flatten()), np.zeros(n, dtype=np.int64))
    else:
        return np.zeros(n, dtype=np.int64)
    return np.where(nulls, 0, sizes) if nulls is not None else sizes


def parquet_rows(name: str, batch: Any, before: int, cap: int) -> Iterator[RawRecord]:
    """The rows of the Arrow record ``batch`` of a Parquet file ``name`` as records, numbered from ``before + 1``.

    A row holding more than ``cap`` bytes of text (one value, or its values together, as a JSON Lines record
    is capped by its line) is a reject naming its row and its longest field; its values are measured from
    the Arrow offsets and never turned into Python strings, so one runaway cell cannot multiply in memory.
    """
    import numpy as np

    sizes = {col: _cell_bytes(batch.column(i)) for i, col in enumerate(batch.schema.names)}
    total = sum(sizes.values(), np.zeros(batch.num_rows, dtype=np.int64))
    over = total > cap
    if not over.any():
        for k, rec in enumerate(batch.to_pylist(), start=before + 1):
            yield RawRecord(name, k, rec)
        return
    start = 0
    for i in [*np.flatnonzero(over).tolist(), batch.num_rows]:
        for k, rec in enumerate(batch.slice(start, i - start).to_pylist(), start=before + start + 1):
            yield RawRecord(name, k, rec)  # the rows up to this one (a slice: nothing copied)
        start = i + 1
        if i == batch.num_rows:
            return
        field = max(sizes, key=lambda col: int(sizes[col][i]))
        cell = int(sizes[field][i])
        what = (f"value of {field!r}" if cell > cap else
                f"text of the row (all its values; the longest, {field!r}, {cell:,} bytes)")
        yield bad_record(name, before + i + 1, too_long(cell if cell > cap else int(total[i]), cap, what=what), field)


def _parquet_records(path: Path, batch_size: int, cap: int) -> Iterator[RawRecord]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(path)
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(f"not a readable Parquet file ({exc})", source=name) from None
    names = pf.schema_arrow.names
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise CorpusError(f"duplicate column names {dupes}: only one of each could be read; rename them "
                          "(e.g. with pyarrow's Table.rename_columns)", source=name, field=dupes[0])
    if pf.metadata.num_rows == 0:
        raise CorpusError("the Parquet file has no rows", source=name)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size):
            yield from parquet_rows(name, batch, row, cap)
            row += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(f"the Parquet file is corrupt after row {row} ({exc})", source=name,
                          line=row + 1) from None


def open_records(path: Path, encoding: str | None, batch_size: int,
                 max_record_bytes: int = MAX_RECORD_BYTES) -> OpenedCorpus:
    """Open a corpus file: its raw records (lazily), default mapping and id stem.

    ``batch_size`` sets the Parquet record batches read at a time; a line (a field of a table, a Parquet
    row) longer than ``max_record_bytes`` is a reject, skipped unread (a Parquet row: not converted). Raises
    :class:`~framing.errors.CorpusError` for a missing path, an unsupported format, a directory
    mixing ``.txt`` and ``.json`` files, and a file that is not readable text (see
    :class:`~framing.corpus.textfile.TextFile`).
    """
    name = str(path)
    if path.is_dir():
        raise CorpusError("a directory: read it with framing.corpus.folders.open_folder (read_corpus does)",
                          source=name)
    if not path.exists():
        raise CorpusError("no such file or directory", source=name)
    if not path.is_file():
        raise CorpusError("not a regular file but a named pipe, socket or device: a corpus file is opened more "
                          "than once (to tell its encoding and format, then to read it); save the stream to a "
                          "file and pass that", source=name)
    lower = path.name.lower()
    base = lower[:-3] if lower.endswith(".gz") else lower
    suffix = Path(base).suffix
    stem = path.name[: len(path.name) - (len(lower) - len(base)) - len(suffix)] or path.name
    if suffix in (".parquet", ".pq"):
        if lower.endswith(".gz"):
            raise CorpusError("compressed Parquet (.parquet.gz) is not supported; decompress it", source=name)
        return OpenedCorpus(_parquet_records(path, batch_size, max_record_bytes), {}, stem)
    if suffix in (".jsonl", ".ndjson"):
        return OpenedCorpus(jsonl_records(TextFile(path, encoding, max_record_bytes)), {}, stem)
    if suffix == ".json":
        return OpenedCorpus(json_records(TextFile(path, encoding, max_record_bytes)), dict(NEWS_PLEASE_COLUMNS),
                            stem)
    if suffix in (".csv", ".tsv", ".tab", ".txt"):
        return OpenedCorpus(table_records(TextFile(path, encoding, max_record_bytes), suffix), {}, stem)
    raise CorpusError(f"unsupported file type {suffix or path.name!r}; supported: "
                      f"{', '.join(SUPPORTED_FORMATS)}", source=name)
