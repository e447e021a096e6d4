"""A corpus cut into parts that Dask workers read on their own, each giving the raw records the one-process
reader gives for that stretch of the file, numbered by the file's real lines.

:func:`plan_parts` looks at the corpus once, in this process, and cuts it into :class:`Part` values:

* an uncompressed JSON Lines file in an encoding where a newline is the byte ``\\n`` (UTF-8, Windows-1256,
  Latin-1, ...) is cut into blocks of about ``blocksize`` bytes. A block owns the lines that start inside
  it; the cuts are found here, each moved to the next line that opens an object (``{``), so that a block
  never begins with a blank line or a line that could start a JSON list. Its records are read by
  :func:`framing.corpus.jsonfile.jsonl_records` from the block's lines, decoded with the encoding found
  for the whole file (:class:`~framing.corpus.textfile.TextFile`, once, here): the same records, problems
  and messages as :func:`framing.iter_corpus`. Line numbers are the file's: :func:`count_part` counts
  each block's newlines and records first (on the workers) and :func:`number_parts` adds them up.
* a Parquet file is cut into runs of row groups of about ``blocksize`` bytes; rows are numbered from 1
  over the whole file, as the one-process reader numbers them.
* anything else the one-process reader reads (CSV and other tables, whose quoted fields may hold
  newlines; ``.json``; gzip-compressed files; UTF-16 and UTF-32 text; a JSON Lines file that holds a JSON
  list; a folder of articles) cannot be cut: it is one part, read whole by
  :func:`framing.corpus.formats.open_records` or :func:`framing.corpus.folders.open_folder`.

A glob (``corpus/*.jsonl``) or a folder of Parquet files gives the parts of each file, in sorted order.
:func:`part_records` gives the raw records of a part (on a worker). Nothing here imports Dask.
"""

from __future__ import annotations

import codecs
import glob
import io
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from framing.corpus.folders import open_folder
from framing.corpus.formats import OpenedCorpus, RawRecord, open_records, parquet_rows
from framing.corpus.jsonfile import jsonl_records
from framing.corpus.textfile import Line, TextFile
from framing.errors import CorpusError

__all__ = ["Part", "PartCount", "plan_parts", "count_part", "number_parts", "part_records", "corpus_files",
           "SPLIT_KINDS"]

#: what kind of part: a block of a JSON Lines file, a run of Parquet row groups, a whole file or folder
SPLIT_KINDS = ("lines", "parquet", "whole")

_PEEK = 256  # bytes read at a line start to tell whether a block may begin there


class Part(NamedTuple):
    """One piece of a corpus for one worker.

    ``kind`` is one of :data:`SPLIT_KINDS`. ``lines``: bytes ``start``-``end`` of the file (each a line
    start), ``encoding`` the file's, ``before`` the newlines before ``start`` and ``first`` the records
    before it in the file (-1 until counted: :func:`count_part`). ``parquet``: row groups ``start``-``end``
    (exclusive), ``before`` and ``first`` the rows before them. ``records``: how many records the part holds
    (-1: not known, a ``whole`` part).
    ``whole``: the file or folder, read with the user's ``encoding`` (None: detected as the one-process
    reader does). ``stem`` and ``defaults`` are the file's generated-id stem and default column mapping.
    """

    source: str
    kind: str
    start: int = 0
    end: int = 0
    before: int = 0
    encoding: str | None = None
    stem: str = ""
    defaults: dict[str, str] | None = None
    max_record_bytes: int = 0
    first: int = 0
    records: int = -1


def corpus_files(path: str | Path) -> list[Path]:
    """The files (or the one folder) a corpus path names: a file, a folder (its ``*.parquet`` files when it
    holds some and no ``.txt`` or ``.json`` article, else the folder itself), or a glob pattern (sorted); a
    :class:`CorpusError` when nothing is there."""
    name = str(path)
    if any(ch in name for ch in "*?[") and not Path(name).exists():
        found = sorted(Path(p) for p in glob.glob(name))
        if not found:
            raise CorpusError("no file matches this pattern", source=name)
        return found
    p = Path(name)
    if not p.exists():
        raise CorpusError("no such file or directory", source=name)
    if p.is_dir():
        parquet = sorted(f for f in p.glob("*.parquet") if f.is_file())
        articles = any(True for pattern in ("*.txt", "*.json") for _ in p.rglob(pattern))
        return parquet if parquet and not articles else [p]
    return [p]


def plan_parts(path: str | Path, *, encoding: str | None, max_record_bytes: int, blocksize: int) -> list[Part]:
    """The parts of a corpus, in file order (JSON Lines blocks not yet numbered: see :func:`number_parts`).

    Checks each file as the one-process reader does when it opens it (missing, empty, binary, not gzip,
    unknown encoding, Parquet that cannot be read or names a column twice): a :class:`CorpusError`.
    """
    parts: list[Part] = []
    for file in corpus_files(path):
        parts.extend(_file_parts(file, encoding, max_record_bytes, blocksize))
    return parts


def _file_parts(path: Path, encoding: str | None, cap: int, blocksize: int) -> list[Part]:
    name = str(path)
    if path.is_dir():
        return [Part(name, "whole", encoding=encoding, max_record_bytes=cap)]
    opened = open_records(path, encoding, 1, cap)  # the one-process checks of the file, and its stem
    lower = path.name.lower()
    if lower.endswith((".parquet", ".pq")):
        next(opened.records, None)  # unreadable, a column named twice, no rows: raised here
        return _parquet_parts(path, opened, blocksize, cap)
    whole = Part(name, "whole", encoding=encoding, max_record_bytes=cap)
    if not lower.endswith((".jsonl", ".ndjson")):
        return [whole]
    tf = TextFile(path, encoding, cap)
    if tf.compressed or not _newline_is_a_byte(tf.encoding) or _opens_a_list(tf):
        return [whole]
    cuts = _cuts(path, tf.encoding, max(1, blocksize))
    return [Part(name, "lines", a, b, -1 if a else 0, tf.encoding, opened.stem, opened.defaults, cap, -1 if a else 0)
            for a, b in pairwise(cuts)]


def _cuts(path: Path, encoding: str, blocksize: int) -> list[int]:
    """Where the blocks of a JSON Lines file start, and its size: about ``blocksize`` bytes apart, each at
    the start of a line that opens an object (each byte of the file is looked at once at most)."""
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as fh:
        for edge in range(blocksize, size, blocksize):
            if edge > cuts[-1]:
                at = _cut(fh, edge, size, encoding)
                if cuts[-1] < at < size:
                    cuts.append(at)
    return [*cuts, size]


def _newline_is_a_byte(encoding: str) -> bool:
    """Whether text in ``encoding`` can be cut at the byte ``\\n`` (not UTF-16/32: their newline is wider)."""
    name = codecs.lookup(encoding).name
    name = "utf-8" if name == "utf-8-sig" else name  # its BOM starts the file only
    return not name.startswith(("utf-16", "utf-32")) and "\n{[ ".encode(name) == b"\n{[ "


def _opens_a_list(tf: TextFile) -> bool:
    """Whether the first line with text starts a JSON list (``[``): jsonl_records then reads the file as JSON."""
    for line in tf.lines():
        text = line.text.replace("\x00", "").strip()
        if line.problem or text:
            return not line.problem and text.startswith("[")
    return False


def _parquet_parts(path: Path, opened: OpenedCorpus, blocksize: int, cap: int) -> list[Part]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    parts: list[Part] = []
    first, rows, size = 0, 0, 0
    before = 0
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        rows += group.num_rows
        size += group.total_byte_size
        if size >= blocksize or i == meta.num_row_groups - 1:
            parts.append(Part(str(path), "parquet", first, i + 1, before, None, opened.stem, opened.defaults, cap,
                              before, rows))
            first, before, size = i + 1, before + rows, 0
            rows = 0
    return parts


# --- numbering the lines and records of JSON Lines blocks --------------------------------------------------------
class PartCount(NamedTuple):
    """The newlines and the records of a part (:func:`count_part`)."""

    newlines: int
    records: int


def count_part(part: Part) -> PartCount:
    """The newlines (``\\n`` bytes) and the records (lines with text, or that do not read) of a ``lines`` part
    (0, 0 for other parts): what :func:`number_parts` needs to number the next parts."""
    if part.kind != "lines":
        return PartCount(0, 0)
    with open(part.source, "rb") as fh:
        newlines = _newlines(fh, part.start, part.end)
    records = sum(1 for line in _BlockFile(part._replace(before=0)).lines()
                  if line.problem or line.text.replace("\x00", "").strip())
    return PartCount(newlines, records)


def number_parts(parts: list[Part], counts: list[PartCount]) -> list[Part]:
    """``parts`` with ``before`` (newlines before each block) and ``first`` (records before it) from the
    :func:`count_part` of each."""
    out, lines, records, source = [], 0, 0, None
    for part, n in zip(parts, counts, strict=True):
        if part.kind == "lines":
            if part.source != source or part.start == 0:
                lines, records, source = 0, 0, part.source
            out.append(part._replace(before=lines, first=records, records=n.records))
            lines += n.newlines
            records += n.records
        else:
            out.append(part)
    return out


# --- the raw records of a part (on a worker) ------------------------------------------------------------------
def part_records(part: Part, batch_size: int) -> OpenedCorpus:
    """The raw records of ``part`` (lazily), the default column mapping and the id stem, as
    :func:`framing.corpus.formats.open_records` gives them for the whole file."""
    if part.kind == "whole":
        path = Path(part.source)
        return (open_folder(path, part.encoding, part.max_record_bytes) if path.is_dir()
                else open_records(path, part.encoding, batch_size, part.max_record_bytes))
    records = (_parquet_records(part, batch_size) if part.kind == "parquet"
               else jsonl_records(_BlockFile(part)))
    return OpenedCorpus(records, dict(part.defaults or {}), part.stem)


def _parquet_records(part: Part, batch_size: int) -> Iterator[RawRecord]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = part.before
    try:
        pf = pq.ParquetFile(part.source)
        for batch in pf.iter_batches(batch_size=batch_size, row_groups=list(range(part.start, part.end))):
            yield from parquet_rows(part.source, batch, row, part.max_record_bytes)  # rows over the cap: rejects
            row += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(f"the Parquet file is corrupt after row {row} ({exc})", source=part.source,
                          line=row + 1) from None


def _line_start(fh: io.BufferedReader, pos: int, size: int) -> int:
    """The first line start at or after ``pos``."""
    if pos <= 0:
        return 0
    fh.seek(pos - 1)
    at = pos - 1
    while at < size:
        chunk = fh.read(1 << 16)
        if not chunk:
            return size
        nl = chunk.find(b"\n")
        if nl >= 0:
            return at + nl + 1
        at += len(chunk)
    return size


def _cut(fh: io.BufferedReader, pos: int, size: int, encoding: str) -> int:
    """Where a block starting (or ending) near ``pos`` really starts: the first line start at or after ``pos``
    whose line opens an object (``{`` after white space), or the end of the file."""
    at = _line_start(fh, pos, size)
    while 0 < at < size:
        fh.seek(at)
        head = fh.read(_PEEK)
        codec = "utf-8" if encoding == "utf-8-sig" else encoding  # a BOM is kept: TextFile keeps it past line 1
        text = head.split(b"\n", 1)[0].decode(codec, "replace").replace("\x00", "").lstrip()
        if text.startswith("{"):
            return at
        at = _line_start(fh, at + 1, size)
    return at


class _Range(io.RawIOBase):
    """Bytes ``start``-``end`` of a file, as a raw stream."""

    def __init__(self, path: str, start: int, end: int):
        super().__init__()
        self.fh = open(path, "rb")  # noqa: SIM115 (closed with the stream)
        self.fh.seek(start)
        self.left = max(0, end - start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        if n <= 0:
            return 0
        got = self.fh.readinto(memoryview(buffer)[:n])
        self.left -= got
        return got

    def close(self) -> None:
        self.fh.close()
        super().close()


class _BlockFile(TextFile):
    """The lines of one block of a JSON Lines file, as :class:`~framing.corpus.textfile.TextFile` reads the
    whole file (same decoding, same problems, same cap), numbered as in the file."""

    def __init__(self, part: Part):  # the file was checked and its encoding found when it was planned
        self.path = Path(part.source)
        self.name = part.source
        self.max_record_bytes = part.max_record_bytes
        self.compressed = False
        self.encoding = codecs.lookup(part.encoding or "utf-8").name
        self.wide = False
        self.first, self.last, self.offset = part.start, part.end, part.before

    def _open(self) -> io.BufferedReader:
        return io.BufferedReader(_Range(self.name, self.first, self.last), buffer_size=1 << 20)

    def lines(self) -> Iterator[Line]:
        if self.first >= self.last:
            return
        offset = self.offset
        for number, text, problem in super().lines():
            yield Line(number + offset, text, problem)


def _newlines(fh: io.BufferedReader, start: int, end: int) -> int:
    n, left = 0, end - start
    fh.seek(start)
    while left > 0:
        chunk = fh.read(min(left, 1 << 22))
        if not chunk:
            break
        n += chunk.count(b"\n")
        left -= len(chunk)
    return n
