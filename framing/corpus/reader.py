"""Read a news corpus from disk into the corpus table, validating every record.

The corpus table (see ``docs/design.md``) has ``doc_id`` (str), ``outlet`` (str), ``date``
(datetime64[ns], NaT allowed), ``title`` (str), ``text`` (str), ``url`` (str) and any other
fields the file carries.

Formats
-------
* JSON Lines: ``.jsonl`` / ``.ndjson`` (optionally ``.gz``); ``.json`` holding a list of objects.
* Delimited tables: ``.csv``, ``.tsv``, ``.tab``, ``.txt`` (optionally ``.gz``); the delimiter is
  sniffed from the header line, quoted fields may hold newlines.
* Parquet: ``.parquet`` / ``.pq``, streamed by record batches.
* A directory of ``.txt`` files, one article each: the outlet is the sub-folder name, or comes from
  a sidecar ``metadata.csv`` with a ``file`` column (plus ``outlet``, ``date``, ``title``, ...).
* A directory of news-please ``.json`` files: ``title``, ``maintext`` -> ``text``,
  ``date_publish`` -> ``date``, ``source_domain`` -> ``outlet``, ``url``.

Text is repaired on the way in: the encoding is detected when not given (BOM; UTF-16 without BOM
from its NUL pattern; strict UTF-8; otherwise charset-normalizer), mojibake (UTF-8 read as
cp1252/Latin-1, such as ``Ø§Ù„``) is fixed with ftfy and reported with a warning, HTML tags and
entities are removed from ``title`` and ``text`` (``<script>``/``<style>`` with their contents),
NUL characters are dropped and lone surrogates become U+FFFD.

Nothing is dropped silently: every record read is either accepted or rejected, and
``df.attrs`` carries ``n_read`` and ``rejects``. ``attrs["rejects"]`` is a :class:`Rejects` list of
plain records (``{"source", "line", "field", "reason"}``), so the table can be written with
``to_parquet`` and combined with ``pd.concat`` directly; :func:`rejects` gives them as a DataFrame
(also after a Parquet round trip, where they come back as plain dicts).

Dates: ISO 8601 and other common text forms; numbers (or digit strings of 9+ digits) are epoch
timestamps in UTC whose unit is told by their size, as pandas ``to_json`` writes them (default
milliseconds): seconds from 1e8, milliseconds from 1e11, microseconds from 1e14, nanoseconds from 1e17
(each range starts in March 1973, so the units cannot be confused for news dates). Shorter numbers
such as ``20200115`` are read as text (YYYYMMDD).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import html
import io
import json
import logging
import re
import sys
import warnings
import zlib
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from framing.errors import CorpusError, FramingError

__all__ = ["read_corpus", "iter_corpus", "concat_batches", "rejects", "Rejects", "SUPPORTED_FORMATS",
           "CANONICAL_COLUMNS"]

logger = logging.getLogger(__name__)

CANONICAL_COLUMNS = ("doc_id", "outlet", "date", "title", "text", "url")
REJECT_COLUMNS = ("source", "line", "field", "reason")
SUPPORTED_FORMATS = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".tab", ".txt", ".parquet", ".pq",
                     "(text formats also .gz)", "a directory of .txt files",
                     "a directory of news-please .json files")
_SAMPLE_BYTES = 1 << 20
_NEWS_PLEASE = {"maintext": "text", "date_publish": "date", "source_domain": "outlet"}
_TEXT_GUESSES = ("body", "content", "article", "maintext", "story", "full_text", "news", "نص")
_OUTLET_GUESSES = ("source", "publisher", "site", "newspaper", "source_domain", "domain", "source_name",
                   "channel", "account", "المصدر")



class Rejects(list):
    """The records set aside by :func:`read_corpus`: a list of plain dicts with ``source`` (file),
    ``line`` (line, or row for Parquet), ``field`` (None when the whole record is bad) and ``reason``.

    Plain records keep ``df.attrs`` JSON-able (``to_parquet`` works) and comparable (``pd.concat``
    works). :meth:`to_frame` (or :func:`framing.rejects`) gives a DataFrame. For code written when
    ``attrs["rejects"]`` was a DataFrame, column reads (``rej["line"]``, ``rej[["line", "field"]]``)
    and DataFrame attributes that a list lacks (``rej.iloc``, ``rej.head()``, ``rej.itertuples()``)
    are answered by that DataFrame.
    """

    __slots__ = ()

    def to_frame(self):
        import pandas as pd

        cols = {"source": pd.Series([r.get("source") for r in self], dtype="str"),
                "line": pd.Series([r.get("line") for r in self], dtype="int64"),
                "field": pd.Series([r.get("field") for r in self], dtype=object),
                "reason": pd.Series([r.get("reason") for r in self], dtype="str")}
        return pd.DataFrame(cols, columns=list(REJECT_COLUMNS))

    def __getitem__(self, key):
        if isinstance(key, str) or (isinstance(key, list) and key and all(isinstance(k, str) for k in key)):
            return self.to_frame()[key]
        return list.__getitem__(self, key)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        import pandas as pd

        if hasattr(pd.DataFrame, name):
            return getattr(self.to_frame(), name)
        raise AttributeError(f"'Rejects' object has no attribute {name!r}")

    def __repr__(self):
        return f"Rejects({list.__repr__(self)})"


def _records(table) -> Rejects:
    """Rejects from a Rejects / list of dicts / DataFrame (older attrs) / None."""
    if table is None:
        return Rejects()
    if isinstance(table, Rejects):
        return table
    if hasattr(table, "to_dict") and hasattr(table, "columns"):
        table = table.to_dict("records")
    return Rejects({"source": None if r.get("source") is None else str(r.get("source")),
                    "line": int(r.get("line")),
                    "field": None if r.get("field") is None or r.get("field") != r.get("field")
                    else str(r.get("field")),
                    "reason": str(r.get("reason"))} for r in table)


def rejects(df):
    """The records :func:`read_corpus` (``errors="collect"``) or :func:`iter_corpus` set aside, as a
    DataFrame with columns ``source``, ``line``, ``field`` and ``reason`` (empty when none).

    Works on the table as read, after ``pd.concat`` of tables with the same rejects, and after a
    ``to_parquet`` / ``read_parquet`` round trip.

    >>> import pandas as pd
    >>> list(rejects(pd.DataFrame()).columns)
    ['source', 'line', 'field', 'reason']
    """
    return _records(getattr(df, "attrs", {}).get("rejects")).to_frame()


# --- text repair -------------------------------------------------------------------------------
_SURROGATE = re.compile("[\ud800-\udfff]")
# a Latin-1 letter followed by a byte 0x80-0xBF as cp1252 / Latin-1 shows it: UTF-8 read wrongly
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                       "\u2039\u203a\u20ac\u2122]")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_BLOCK_TAG = re.compile(r"<\s*(?:br|p|div|li|tr|h[1-6])\b[^<>]*>|<\s*/\s*(?:p|div|li|tr|h[1-6])\s*>",
                        re.IGNORECASE)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|<![^<>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_HAS_CONTENT = re.compile(r"[^\W_\u0640]")  # a letter or digit; not tatweel, marks or invisibles


def _fix_chars(value: str) -> tuple[str, bool]:
    """Drop NULs, replace lone surrogates, repair mojibake. Returns (text, repaired?)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    value = _SURROGATE.sub("\ufffd", value)
    if _MOJIBAKE.search(value):
        import ftfy

        fixed = ftfy.fix_encoding(value)
        if fixed != value:
            return fixed, True
    return value, False


def strip_html(value: str) -> str:
    """Remove HTML tags (``<script>``/``<style>`` with their contents) and unescape entities.

    Block-level tags (``<p>``, ``<br>``, ``<div>`` ...) become line breaks.

    >>> strip_html('<p>قال <b>المتحدث</b> &amp; أضاف</p><script>var x=1;</script>')
    'قال المتحدث & أضاف'
    """
    if "<" in value:
        value = _SCRIPT_STYLE.sub("", value)
        value = _COMMENT.sub("", value)
        value = _BLOCK_TAG.sub("\n", value)
        value = _TAG.sub("", value)
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(value)
    return value.strip()


def has_content(text: str) -> bool:
    """True when ``text`` keeps a letter or digit once marks, tatweel and invisibles are ignored.

    >>> has_content("\u0640\u0640 \u064e\u200f"), has_content("خبر")
    (False, True)
    """
    return bool(_HAS_CONTENT.search(text))


# --- bytes to lines --------------------------------------------------------------------------------
def _detect_encoding(sample: bytes, complete: bool, source: str) -> str:
    """Pick an encoding for ``sample``: BOM, NUL pattern, strict UTF-8, then charset-normalizer."""
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    nuls = sample.count(0)
    if len(sample) >= 4 and nuls >= 0.05 * len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd >= 0.9 * nuls:
            return "utf-16-le"
        if even >= 0.9 * nuls:
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(sample, complete):
        logger.info("%s: UTF-8 with a few invalid byte sequences; those lines are rejected", source)
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample[: 256 * 1024]).best()
    if best is None:
        raise CorpusError("could not tell the text encoding (this does not look like text); "
                          "pass encoding='...' if it is a text corpus", source=source)
    logger.info("%s: not UTF-8; charset-normalizer guessed %s", source, best.encoding)
    return best.encoding


def _mostly_utf8(sample: bytes, complete: bool) -> bool:
    """UTF-8 with a few damaged bytes: valid multi-byte characters outnumber the bad sequences 20 to 1.

    Such a file is read as UTF-8 so that only its damaged lines are rejected (a cp1256 or Latin-1
    file forms almost no valid UTF-8 sequence and fails this test).
    """
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=complete)
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - bad
    return 0 < bad and non_ascii >= 20 * bad


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v\x00")
    return len(text) > 0 and controls > 0.05 * len(text)


class _TextFile:
    """A (possibly gzip-compressed) text file whose encoding is known or detected."""

    def __init__(self, path: Path, encoding: str | None):
        self.path = path
        self.name = str(path)
        try:
            with open(path, "rb") as fh:
                magic = fh.read(2)
        except OSError as exc:
            raise CorpusError(f"cannot open the file: {exc}", source=self.name) from None
        self.compressed = magic == b"\x1f\x8b"
        if path.name.lower().endswith(".gz") and not self.compressed and magic:
            raise CorpusError("the name ends in .gz but the file is not gzip-compressed; rename it or "
                              "compress it", source=self.name)
        sample = self._sample()
        if not sample.strip():
            raise CorpusError("the file is empty: expected at least one record", source=self.name)
        complete = len(sample) < _SAMPLE_BYTES
        if encoding is None:
            encoding = _detect_encoding(sample, complete, self.name)
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise CorpusError(f"unknown encoding {encoding!r}; use a Python codec name such as "
                              "'utf-8', 'utf-16' or 'cp1256'", source=self.name) from None
        self.encoding = info.name
        decoded = codecs.getincrementaldecoder(self.encoding)("replace").decode(sample, final=complete)
        if _looks_binary(decoded[:100_000]):
            raise CorpusError(f"this looks like binary data, not {self.encoding} text; check the file "
                              "(a corpus must be text, gzip-compressed text or Parquet)", source=self.name)
        self.wide = self.encoding.startswith(("utf-16", "utf-32"))

    def _open(self):
        return gzip.open(self.path, "rb") if self.compressed else open(self.path, "rb")

    def _sample(self) -> bytes:
        try:
            with self._open() as fh:
                return fh.read(_SAMPLE_BYTES)
        except (EOFError, OSError, zlib.error) as exc:
            raise CorpusError(f"the compressed file is truncated or corrupt ({exc}); re-download or "
                              "re-compress it", source=self.name) from None

    def lines(self) -> Iterator[tuple[int, str, str | None]]:
        """Yield ``(line_number, text, problem)``; ``problem`` is set when the line did not decode."""
        lineno = 0
        try:
            with self._open() as raw:
                if self.wide:
                    stream = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
                    try:
                        for lineno, line in enumerate(stream, 1):
                            yield lineno, (line[1:] if lineno == 1 and line.startswith("\ufeff") else line), None
                    except UnicodeDecodeError as exc:
                        raise CorpusError(f"text is not valid {self.encoding} ({exc.reason}); pass the "
                                          "right encoding='...'", source=self.name, line=lineno + 1) from None
                    return
                codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
                for lineno, data in enumerate(raw, 1):
                    if lineno == 1 and data.startswith(codecs.BOM_UTF8):
                        data = data[3:]
                    try:
                        yield lineno, data.decode(codec), None
                    except UnicodeDecodeError as exc:
                        yield lineno, data.decode(codec, "replace"), (
                            f"bytes {exc.start}-{exc.end} of the line are not valid {codec} "
                            f"({exc.reason}); pass encoding='...' if the file is in another encoding")
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise CorpusError(f"the compressed file is truncated or corrupt after line {lineno} ({exc}); "
                              "re-download or re-compress it", source=self.name, line=lineno + 1) from None


# --- raw records ---------------------------------------------------------------------------------
# a raw record: (source, line, dict or None, field, problem)
Raw = tuple


def _jsonl_records(tf: _TextFile) -> Iterator[Raw]:
    for lineno, line, bad in tf.lines():
        if bad:
            yield tf.name, lineno, None, None, bad
            continue
        line = line.replace("\x00", "").strip()
        if not line:
            continue
        try:
            obj = json.loads(line, strict=False)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "nested too deep"
            yield tf.name, lineno, None, None, f"malformed JSON ({msg}); fix or remove the line"
            continue
        if not isinstance(obj, dict):
            yield tf.name, lineno, None, None, (f"expected a JSON object {{...}} per line, found a "
                                                f"{type(obj).__name__}; wrap the record in an object")
            continue
        yield tf.name, lineno, obj, None, None


def _json_records(tf: _TextFile) -> Iterator[Raw]:
    parts, problems = [], []
    for lineno, line, bad in tf.lines():
        parts.append(line)
        if bad:
            problems.append((lineno, bad))
    if problems:
        raise CorpusError(problems[0][1], source=tf.name, line=problems[0][0])
    text = "".join(parts).replace("\x00", "")
    start = len(text) - len(text.lstrip())
    if text[start:start + 1] == "{":
        try:
            obj = json.loads(text, strict=False)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise CorpusError(f"malformed JSON ({exc.msg} at column {exc.colno})", source=tf.name,
                                  line=exc.lineno) from None
            yield from _jsonl_records(tf)  # one object per line, named .json
            return
        yield tf.name, text.count("\n", 0, start) + 1, obj, None, None
        return
    if text[start:start + 1] != "[":
        raise CorpusError("expected a JSON list of article objects [{...}, ...] (or JSON Lines); found "
                          f"{text[start:start + 20]!r}", source=tf.name, line=text.count("\n", 0, start) + 1)
    decoder = json.JSONDecoder(strict=False)
    pos, line, counted = start + 1, 1, 0

    def skip(p: int) -> int:
        while p < len(text) and text[p] in " \t\r\n":
            p += 1
        return p

    pos = skip(pos)
    if text[pos:pos + 1] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"malformed JSON ({exc.msg} at column {exc.colno}); the list cannot be read "
                              "past this point", source=tf.name, line=exc.lineno) from None
        if isinstance(obj, dict):
            yield tf.name, line, obj, None, None
        else:
            yield tf.name, line, None, None, f"expected a JSON object in the list, found a {type(obj).__name__}"
        pos = skip(end)
        if text[pos:pos + 1] == ",":
            pos = skip(pos + 1)
        elif text[pos:pos + 1] == "]":
            return
        else:
            line += text.count("\n", counted, pos)
            raise CorpusError("malformed JSON list: expected ',' or ']' between items", source=tf.name,
                              line=line)


def _sniff_delimiter(header: str, suffix: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    if suffix in (".tsv", ".tab") and counts["\t"]:
        return "\t"
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _table_records(tf: _TextFile, suffix: str) -> Iterator[Raw]:
    lines = tf.lines()
    bad_lines: dict[int, str] = {}
    first = next(lines, None)
    if first is None:
        raise CorpusError("the file is empty: expected a header line", source=tf.name)
    delimiter = _sniff_delimiter(first[1].splitlines()[0] if first[1] else "", suffix)

    def feed() -> Iterator[str]:
        for lineno, text, bad in _chain_one(first, lines):
            if bad:
                bad_lines[lineno] = bad
            yield text

    old_limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        reader = csv.reader(feed(), delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
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
        prev = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                start = prev + 1
                if "end of data" in str(exc):
                    yield tf.name, start, None, None, (
                        "unbalanced quote: a quoted field starting in this record never closes, so the "
                        f"rest of the file (lines {start}-{reader.line_num}) cannot be split into records; "
                        "close or escape the quote (\"\" inside quoted fields)")
                    return
                yield tf.name, start, None, None, (
                    f"malformed CSV record spanning lines {start}-{reader.line_num} ({exc}): likely an "
                    "unbalanced or stray quote; close it, or double quotes inside quoted fields (\"\")")
                prev = reader.line_num
                continue
            start, prev = prev + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            bad = next((bad_lines[n] for n in range(start, prev + 1) if n in bad_lines), None)
            if bad:
                yield tf.name, start, None, None, bad
            elif len(row) != len(header):
                yield tf.name, start, None, None, (f"expected {len(header)} fields as in the header, found "
                                                   f"{len(row)}; check delimiters and quoting")
            else:
                yield tf.name, start, dict(zip(header, row)), None, None
    finally:
        csv.field_size_limit(old_limit)


def _chain_one(first, rest):
    yield first
    yield from rest


def _parquet_records(path: Path, batch_size: int) -> Iterator[Raw]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = str(path)
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(f"not a readable Parquet file ({exc})", source=name) from None
    if pf.metadata.num_rows == 0:
        raise CorpusError("the Parquet file has no rows", source=name)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size):
            for rec in batch.to_pylist():
                row += 1
                yield name, row, rec, None, None
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(f"the Parquet file is corrupt after row {row} ({exc})", source=name,
                          line=row + 1) from None


def _decode_file(path: Path, encoding: str | None) -> tuple[str | None, str | None]:
    """Whole small file -> (text, problem)."""
    data = path.read_bytes()
    if not data.strip():
        return None, "the file is empty"
    try:
        enc = encoding or _detect_encoding(data, True, str(path))
        return data.decode(enc), None
    except (CorpusError, UnicodeDecodeError, LookupError) as exc:
        return None, f"cannot decode the file ({exc}); pass encoding='...'"


def _rel_id(path: Path, root: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


def _txt_dir_records(root: Path, files: list[Path], encoding: str | None) -> Iterator[Raw]:
    meta: dict[str, tuple[dict, int]] = {}
    meta_path = root / "metadata.csv"
    if meta_path.is_file():
        tf = _TextFile(meta_path, None)
        for source, line, rec, field, problem in _table_records(tf, ".csv"):
            if rec is None:
                raise CorpusError(problem, source=source, line=line, field=field)
            if "file" not in rec:
                raise CorpusError(f"metadata.csv needs a 'file' column naming each .txt file; found "
                                  f"{sorted(rec)}", source=source, line=1)
            key = rec.pop("file").strip().replace("\\", "/")
            meta[key] = (rec, line)
    used: set[str] = set()
    for path in files:
        rel = path.relative_to(root).as_posix()
        key = rel if rel in meta else path.name if path.name in meta else None
        rec: dict = {"doc_id": _rel_id(path, root)}
        if len(path.relative_to(root).parts) > 1:
            rec["outlet"] = path.relative_to(root).parts[0]
        if key is not None:
            used.add(key)
            rec.update({k: v for k, v in meta[key][0].items() if v != "" or k not in rec})
        text, problem = _decode_file(path, encoding)
        if problem:
            yield str(path), 1, None, "text", problem
            continue
        rec["text"] = text
        if not rec.get("outlet"):
            yield str(path), 1, None, "outlet", ("no outlet: the file is not in an outlet sub-folder and "
                                                 "not listed in metadata.csv with an 'outlet'")
            continue
        yield str(path), 1, rec, None, None
    for key, (rec, line) in meta.items():
        if key not in used:
            yield str(meta_path), line, None, "file", f"metadata.csv lists {key!r} but no such .txt file exists"


def _news_please_records(root: Path, files: list[Path], encoding: str | None) -> Iterator[Raw]:
    for path in files:
        text, problem = _decode_file(path, encoding)
        if problem:
            yield str(path), 1, None, None, problem
            continue
        try:
            obj = json.loads(text.replace("\x00", ""), strict=False)
        except json.JSONDecodeError as exc:
            yield str(path), exc.lineno, None, None, f"malformed JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield str(path), 1, None, None, f"expected one JSON object per file, found a {type(obj).__name__}"
            continue
        obj.setdefault("doc_id", _rel_id(path, root))
        yield str(path), 1, obj, None, None


def _open_records(path: Path, encoding: str | None, batch_size: int) -> tuple[Iterator[Raw], dict, str]:
    """Return (raw record iterator, default column mapping, stem for generated ids)."""
    name = str(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        txt = [p for p in files if p.suffix.lower() == ".txt"]
        js = [p for p in files if p.suffix.lower() == ".json"]
        if txt and js:
            raise CorpusError(f"the directory mixes {len(txt)} .txt and {len(js)} .json files; keep one kind "
                              "(.txt articles or news-please .json files)", source=name)
        if txt:
            return _txt_dir_records(path, txt, encoding), {}, path.name
        if js:
            return _news_please_records(path, js, encoding), dict(_NEWS_PLEASE), path.name
        raise CorpusError(f"the directory holds no readable file: expected .txt articles or news-please "
                          f".json files (found {len(files)} other files)", source=name)
    if not path.exists():
        raise CorpusError("no such file or directory", source=name)
    lower = path.name.lower()
    base = lower[:-3] if lower.endswith(".gz") else lower
    suffix = Path(base).suffix
    stem = path.name[: len(path.name) - (len(lower) - len(base)) - len(suffix)] or path.name
    if suffix in (".parquet", ".pq"):
        if lower.endswith(".gz"):
            raise CorpusError("compressed Parquet (.parquet.gz) is not supported; decompress it", source=name)
        return _parquet_records(path, batch_size), {}, stem
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl_records(_TextFile(path, encoding)), {}, stem
    if suffix == ".json":
        return _json_records(_TextFile(path, encoding)), dict(_NEWS_PLEASE), stem
    if suffix in (".csv", ".tsv", ".tab", ".txt"):
        return _table_records(_TextFile(path, encoding), suffix), {}, stem
    raise CorpusError(f"unsupported file type {suffix or path.name!r}; supported: "
                      f"{', '.join(SUPPORTED_FORMATS)}", source=name)


# --- validation ----------------------------------------------------------------------------------
def _suggest(found: Iterable[str], target: str) -> str:
    found = list(found)
    guesses = _TEXT_GUESSES if target == "text" else _OUTLET_GUESSES
    hit = next((c for c in found if c.lower() in guesses), None)
    src = hit or ("body" if target == "text" else "source")
    return f"columns={{{src!r}: {target!r}}}"


def _to_str(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (dict, list, tuple, bytes)):
        raise TypeError(type(value).__name__)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_EPOCH_DIGITS = re.compile(r"\d{9,}(?:\.\d*)?")
# (lower bound, unit): epoch numbers from 1e8 are seconds, 1e11 milliseconds, 1e14 microseconds,
# 1e17 nanoseconds; each range starts in March 1973, so no news date can be read in the wrong unit.
_EPOCH_UNITS = ((1e17, "ns"), (1e14, "us"), (1e11, "ms"), (1e8, "s"))


def _epoch(value):
    """An epoch timestamp (number, or digit string of 9+ digits) as datetime64[ns]; pd.NaT when out of
    range; None when ``value`` is not an epoch number (text, or a number below 1e8 such as 20200115)."""
    import pandas as pd

    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not _EPOCH_DIGITS.fullmatch(value):
            return None
        number = float(value) if "." in value else int(value)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        number = value
    else:
        return None
    if not number >= 1e8 or number != number:
        return None
    unit = next(u for bound, u in _EPOCH_UNITS if number >= bound)
    try:
        ts = pd.Timestamp(number, unit=unit)
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT
    if not (pd.Timestamp("1678-01-01") <= ts < pd.Timestamp("2262-01-01")):
        return pd.NaT
    return ts.asm8.astype("datetime64[ns]")


def _parse_dates(values: list):
    """-> (datetime64[ns] array, list of problem strings or None)."""
    import numpy as np
    import pandas as pd

    n = len(values)
    texts = [None] * n
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    problems: list = [None] * n
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
            continue
        if isinstance(v, str):
            v = v.strip()
            if not v or v.lower() in ("nan", "nat", "null", "none"):
                continue
        epoch = _epoch(v)
        if epoch is not None:
            if epoch is pd.NaT:
                problems[i] = (f"epoch timestamp {str(v)[:40]!r} is out of range (1678-2261); use ISO dates "
                               "(YYYY-MM-DD), leave it empty/null when unknown, or fix the value")
            else:
                out[i] = epoch
            continue
        texts[i] = v if not isinstance(v, (int, float, np.number)) or isinstance(v, bool) else str(v)
    present = [i for i, v in enumerate(texts) if v is not None]
    if not present:
        return out, problems
    lo, hi = pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC")

    def parse(items, fmt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return pd.to_datetime(pd.Series(items, dtype=object), errors="coerce", utc=True, format=fmt)
            except (ValueError, TypeError, OverflowError):
                return None

    sub = [texts[i] for i in present]
    parsed = parse(sub, "ISO8601")
    if parsed is None:
        parsed = pd.Series([pd.NaT] * len(sub), dtype="datetime64[ns, UTC]")
    results = list(parsed)
    for k, i in enumerate(present):
        ts = results[k]
        if ts is pd.NaT or ts is None or (isinstance(ts, float)):
            one = parse([texts[i]], "mixed")
            ts = one.iloc[0] if one is not None else pd.NaT
        if ts is pd.NaT or not (lo <= ts < hi):
            problems[i] = (f"unparsable date {str(texts[i])[:40]!r}; use ISO dates (YYYY-MM-DD), leave it "
                           "empty/null when unknown, or fix the value")
            continue
        out[i] = ts.tz_convert(None).asm8.astype("datetime64[ns]")
    return out, problems


class _SeenIds:
    """The doc_ids seen so far, in 16 bytes each: a 64-bit hash and where it was first seen.

    A set of strings costs ~250 bytes per document, which on a corpus of millions is most of the
    reader's memory. Hashes are pandas' stable 64-bit hash; the chance that two different ids of a
    million-document corpus collide is about 1e-8.
    """

    def __init__(self):
        self.sources: list[str] = []
        self.hashes = np.empty(0, dtype=np.uint64)  # sorted
        self.where = np.empty(0, dtype=np.int64)    # source index << 40 | line, aligned with hashes

    def add(self, ids, sources, lines):
        """Record ids; return for each the (source, line) where it was first seen, or None if new."""
        import pandas as pd

        if not ids:
            return []
        h = pd.util.hash_array(np.asarray(ids, dtype=object))
        src_index = {}
        for name in dict.fromkeys(sources):
            if name not in self.sources:
                self.sources.append(name)
            src_index[name] = self.sources.index(name)
        packed = np.array([(src_index[sr] << 40) | int(ln) for sr, ln in zip(sources, lines)], dtype=np.int64)
        out = [None] * len(ids)
        pos = np.searchsorted(self.hashes, h)
        hit = (pos < len(self.hashes)) & (self.hashes[np.minimum(pos, len(self.hashes) - 1)] == h) \
            if len(self.hashes) else np.zeros(len(h), dtype=bool)
        new_first: dict[int, int] = {}
        keep = np.zeros(len(h), dtype=bool)
        for i in range(len(h)):
            if hit[i]:
                out[i] = self._unpack(int(self.where[pos[i]]))
            elif int(h[i]) in new_first:
                out[i] = self._unpack(int(packed[new_first[int(h[i])]]))
            else:
                new_first[int(h[i])] = i
                keep[i] = True
        if keep.any():
            hashes = np.concatenate([self.hashes, h[keep]])
            where = np.concatenate([self.where, packed[keep]])
            order = np.argsort(hashes, kind="stable")
            self.hashes, self.where = hashes[order], where[order]
        return out

    def _unpack(self, value: int):
        return self.sources[value >> 40], value & ((1 << 40) - 1)


class _Validator:
    """Turns batches of raw records into accepted rows and rejects, keeping state across batches."""

    def __init__(self, name: str, errors: str, user: dict, defaults: dict, stem: str):
        self.name, self.errors, self.user, self.defaults, self.stem = name, errors, user, defaults, stem
        self.seen = _SeenIds()
        self.checked = False
        self.n_read = self.n_accepted = self.n_rejected = self.n_repaired = 0

    def _check_columns(self, keys: list[str]) -> None:
        for target in ("text", "outlet"):
            if target not in keys:
                raise CorpusError(f"no {target!r} column; found columns {keys}; map yours with "
                                  f"{_suggest(keys, target)}", source=self.name, field=target)
        self.checked = True

    def _rename(self, rec: dict) -> dict:
        if not self.user and not self.defaults:
            return rec
        out = {}
        for key, value in rec.items():
            new = self.user.get(key)
            if new is None:
                new = self.defaults.get(key)
                if new is None or new in rec:
                    new = key
            if new in out:
                raise CorpusError(f"two columns end up named {new!r} (check columns=): drop one or map "
                                  "only one of them", source=self.name, field=new)
            out[new] = value
        return out

    def batch(self, raws: list[Raw]):
        import pandas as pd

        problems: dict[int, tuple[str | None, str]] = {}
        good: list[int] = []
        recs: list[dict] = []
        for pos, (_src, _line, rec, field, reason) in enumerate(raws):
            if rec is None:
                problems[pos] = (field, reason)
            else:
                good.append(pos)
                recs.append(self._rename(rec))
        if recs and not self.checked:
            keys: dict[str, None] = {}
            for rec in recs:
                keys.update(dict.fromkeys(rec))
            self._check_columns(list(keys))

        columns: dict[str, list] = {}
        extras: dict[str, None] = {}
        for rec in recs:
            extras.update(dict.fromkeys(k for k in rec if k not in CANONICAL_COLUMNS))
        n = len(recs)
        repaired = [False] * n

        def cleaned(name: str, markup: bool) -> list:
            vals = [rec.get(name) for rec in recs]
            for k, v in enumerate(vals):
                if isinstance(v, str):
                    v, rep = _fix_chars(v)
                    repaired[k] |= rep
                    vals[k] = strip_html(v) if markup else v
            return vals

        for name in ("outlet", "title", "text", "url", "doc_id"):
            vals = cleaned(name, markup=name in ("title", "text"))
            out = []
            for k, v in enumerate(vals):
                try:
                    s = _to_str(v)
                except TypeError as exc:
                    problems.setdefault(good[k], (name, f"expected a string, found a {exc}"))
                    s = None
                if isinstance(s, str) and name != "text":
                    s = s.strip()
                if name == "text" and not (s and has_content(s)):
                    problems.setdefault(good[k], ("text", "empty text: no letter or digit (only whitespace, "
                                                          "marks or tatweel); drop the record or fill the text"))
                elif name == "outlet" and not s:
                    problems.setdefault(good[k], ("outlet", "missing outlet; every document needs its outlet"))
                elif name == "doc_id" and not s:
                    s = f"{self.stem}:{raws[good[k]][1]}"
                out.append(s if s is not None else "")
            columns[name] = out
        for name in extras:
            columns[name] = cleaned(name, markup=False)
        dates, date_problems = _parse_dates([rec.get("date") for rec in recs])
        for k, p in enumerate(date_problems):
            if p:
                problems.setdefault(good[k], ("date", p))
        ids = columns["doc_id"]
        todo = [k for k, pos in enumerate(good) if pos not in problems]
        firsts = self.seen.add([ids[k] for k in todo], [raws[good[k]][0] for k in todo],
                               [raws[good[k]][1] for k in todo])
        for k, first in zip(todo, firsts):
            if first is not None:
                pos = good[k]
                where = f"line {first[1]}" + ("" if first[0] == raws[pos][0] else f" of {first[0]}")
                problems[pos] = ("doc_id", f"duplicate doc_id {ids[k]!r} (first seen at {where}); give each "
                                           "document a unique id, or drop the doc_id column to generate ids")

        if problems and self.errors == "raise":
            pos = min(problems)
            field, reason = problems[pos]
            raise CorpusError(reason, source=raws[pos][0], line=raws[pos][1], field=field)

        keep = [k for k, pos in enumerate(good) if pos not in problems]
        data = {"doc_id": [ids[k] for k in keep], "outlet": [columns["outlet"][k] for k in keep],
                "date": dates[keep] if n else dates,
                "title": [columns["title"][k] for k in keep], "text": [columns["text"][k] for k in keep],
                "url": [columns["url"][k] for k in keep]}
        df = pd.DataFrame({k: (v if k == "date" else pd.Series(v, dtype="str")) for k, v in data.items()})
        df["date"] = df["date"].astype("datetime64[ns]")
        for name in extras:
            vals = [columns[name][k] for k in keep]
            df[name] = pd.Series(vals, dtype=object).infer_objects() if vals else pd.Series([], dtype=object)
        rej = Rejects({"source": str(raws[pos][0]), "line": int(raws[pos][1]), "field": problems[pos][0],
                       "reason": problems[pos][1]} for pos in sorted(problems))
        n_rep = sum(1 for k in keep if repaired[k])
        self.n_read += len(raws)
        self.n_accepted += len(df)
        self.n_rejected += len(rej)
        self.n_repaired += n_rep
        df.attrs = {"source": self.name, "n_read": len(raws), "rejects": rej, "n_repaired": n_rep}
        return df

    def finish(self) -> None:
        if self.n_read == 0:
            raise CorpusError("no records found: the file holds no article", source=self.name)
        if self.n_repaired:
            warnings.warn(f"{self.name}: repaired mojibake (UTF-8 read as cp1252/Latin-1) in "
                          f"{self.n_repaired} record(s) with ftfy", UnicodeWarning, stacklevel=3)
        logger.info("%s: read %d · accepted %d · rejected %d", self.name, self.n_read, self.n_accepted,
                    self.n_rejected)


def _check_args(errors: str, columns, batch_size: int) -> dict:
    if errors not in ("raise", "collect"):
        raise FramingError(f"errors must be 'raise' or 'collect', got {errors!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise FramingError(f"batch_size must be a positive integer, got {batch_size!r}")
    if columns is None:
        return {}
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in columns.items()):
        raise FramingError("columns must map file column names to corpus names, e.g. "
                           "{'body': 'text', 'source': 'outlet'}")
    return dict(columns)


def iter_corpus(path, *, batch_size: int = 10_000, errors: str = "raise", columns: dict | None = None,
                encoding: str | None = None) -> Iterator:
    """Read a corpus batch by batch, streaming, with the same validation as :func:`read_corpus`.

    JSON Lines and CSV are read line by line, Parquet by record batches, directories file by
    file, so memory stays bounded by ``batch_size`` (plus the set of ``doc_id`` seen, which is
    kept to find duplicates across batches). A ``.json`` list is parsed whole.

    Parameters
    ----------
    path : str or Path
        A corpus file or directory (see the module docstring for formats).
    batch_size : int
        Records read per batch (accepted plus rejected).
    errors, columns, encoding
        As in :func:`read_corpus`.

    Yields
    ------
    pandas.DataFrame
        Accepted rows of one batch, in file order; ``attrs`` holds that batch's ``n_read``,
        ``rejects`` and ``n_repaired`` and the ``source``. A batch may have no accepted rows.

    Raises
    ------
    CorpusError
        Unreadable input, or (``errors="raise"``) the first invalid record.
    """
    mapping = _check_args(errors, columns, batch_size)
    path = Path(path)
    raws, defaults, stem = _open_records(path, encoding, batch_size)
    validator = _Validator(str(path), errors, mapping, defaults, stem)
    while True:
        chunk = list(islice(raws, batch_size))
        if not chunk:
            break
        yield validator.batch(chunk)
    validator.finish()


def concat_batches(batches: Iterable):
    """Concatenate corpus batches, merging their ``rejects``, ``n_read`` and ``n_repaired`` attrs.

    ``pandas.concat`` works on the batches too, but keeps ``attrs`` only when all are equal.
    """
    import pandas as pd

    frames, rej, n_read, n_rep, source = [], Rejects(), 0, 0, None
    for b in batches:
        attrs = dict(b.attrs)
        n_read += attrs.get("n_read", len(b))
        n_rep += attrs.get("n_repaired", 0)
        source = attrs.get("source", source)
        rej.extend(_records(attrs.get("rejects")))
        frame = b.copy(deep=False)
        frame.attrs = {}
        frames.append(frame)
    nonempty = [f for f in frames if len(f)] or frames[:1]
    if nonempty:
        df = pd.concat(nonempty, ignore_index=True)
    else:
        df = pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c == "date" else "str")
                           for c in CANONICAL_COLUMNS})
    df["date"] = df["date"].astype("datetime64[ns]")
    df.attrs = {"source": source, "n_read": n_read, "rejects": rej, "n_repaired": n_rep}
    return df


def read_corpus(path, *, errors: str = "raise", columns: dict | None = None, encoding: str | None = None):
    """Read a news corpus into the corpus table.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl``/``.jsonl.gz``/``.json``, ``.csv``/``.tsv``/``.txt`` table, ``.parquet`` file,
        or a directory of ``.txt`` articles or news-please ``.json`` files.
    errors : {"raise", "collect"}
        ``"raise"``: the first invalid record raises :class:`~framing.errors.CorpusError` naming
        the file, line (row for Parquet), field and fix. ``"collect"``: invalid records are set
        aside in ``df.attrs["rejects"]`` (a :class:`Rejects` list of records ``source``, ``line``,
        ``field``, ``reason``; :func:`framing.rejects` gives them as a DataFrame) and reading goes
        on; ``attrs["n_read"] == len(df) + len(attrs["rejects"])``.
    columns : dict, optional
        Maps the file's names to corpus names, e.g. ``{"body": "text", "source": "outlet"}``.
    encoding : str, optional
        Text encoding; detected when omitted (BOM, UTF-16 NUL pattern, strict UTF-8, then
        charset-normalizer).

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``date`` (datetime64[ns], NaT when unknown), ``title``, ``text``,
        ``url`` ("" when absent), then the file's other fields. A missing ``doc_id`` is generated
        as ``"<file stem>:<line>"`` (directories: the file's relative path without suffix).

    Raises
    ------
    CorpusError
        Missing ``text``/``outlet`` column (the message lists the columns found and suggests
        ``columns=``), unreadable, empty, binary, truncated or unsupported input, and with
        ``errors="raise"`` any invalid record: empty text, unparsable date, duplicate
        ``doc_id``, malformed or non-object JSON line, malformed CSV record.

    Warns
    -----
    UnicodeWarning
        When mojibake was repaired, naming the file and how many records.
    """
    _check_args(errors, columns, 1)
    return concat_batches(iter_corpus(path, errors=errors, columns=columns, encoding=encoding))
