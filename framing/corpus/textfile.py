"""Bytes to lines: a corpus text file's encoding, told or detected, and its decoded lines.

The encoding is detected when not given: a BOM; UTF-16 without BOM from its NUL pattern; strict
UTF-8 (or UTF-8 with a few damaged bytes, whose lines are then rejected one by one); otherwise
charset-normalizer. Gzip-compressed files are read transparently. Binary, empty, truncated or
wrongly named (``.gz`` that is not gzip) files raise :class:`~framing.errors.CorpusError`.

Lines are read in bounded pieces: a line longer than :data:`MAX_RECORD_BYTES` (or the
``max_record_bytes`` given) is skipped without being held in memory and reported as a problem of
that line, so one runaway record cannot exhaust memory.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from framing.errors import CorpusError

__all__ = ["TextFile", "Line", "Decoded", "detect_encoding", "decode_file", "SAMPLE_BYTES", "MAX_RECORD_BYTES",
           "ENCODING_HINT", "too_long"]

logger = logging.getLogger(__name__)

#: bytes read up front to detect the encoding and check that a file is text
SAMPLE_BYTES = 1 << 20

#: the longest line (one JSON Lines record, one line of a table) or article file read, in bytes: 40 MiB,
#: room for a 20-million-character article; longer ones are rejected unread (``max_record_bytes=``,
#: ``--max-record-mb``)
MAX_RECORD_BYTES = 40 << 20

#: how to tell the reader the encoding, on the command line and in Python
ENCODING_HINT = "pass encoding='...' (--encoding on the command line)"


def too_long(size: int, cap: int, unit: str = "bytes", what: str = "line") -> str:
    """The problem of a line (or file) over the size cap of one record.

    >>> too_long(50 << 20, 40 << 20).split(";")[0]
    'the line is 52,428,800 bytes long, over the cap of 41,943,040 bytes (40 MB) for one record'
    """
    return (f"the {what} is {size:,} {unit} long, over the cap of {cap:,} {unit} ({cap / 2**20:g} MB) for one "
            "record; split the record, or raise the cap (--max-record-mb on the command line, "
            "max_record_bytes= in Python)")


class Line(NamedTuple):
    """One line of a :class:`TextFile`; ``problem`` is set when its bytes did not decode."""

    number: int
    text: str
    problem: str | None


class Decoded(NamedTuple):
    """A whole small file as text (:func:`decode_file`), or why it could not be read."""

    text: str | None
    problem: str | None


def detect_encoding(sample: bytes, complete: bool, source: str) -> str:
    """Pick an encoding for ``sample``: BOM, NUL pattern, strict UTF-8, then charset-normalizer.

    ``complete`` tells that ``sample`` is the whole file (so a multi-byte character cannot be cut at
    its end); ``source`` names the file in messages.

    >>> detect_encoding("text".encode("utf-16-le"), True, "x.txt"), detect_encoding(b"abc", True, "x.txt")
    ('utf-16-le', 'utf-8')
    """
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
        raise CorpusError("could not tell the text encoding (this does not look like text); if it is a "
                          f"text corpus, {ENCODING_HINT}", source=source)
    logger.info("%s: not UTF-8; charset-normalizer guessed %s", source, best.encoding)
    return str(best.encoding)


def _mostly_utf8(sample: bytes, complete: bool) -> bool:
    """UTF-8 with a few damaged bytes: valid multi-byte characters outnumber the bad sequences 20 to 1.

    Such a file is read as UTF-8 so that only its damaged lines are rejected (a cp1256 or Latin-1
    file forms almost no valid UTF-8 sequence and fails this test).
    """
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=complete)
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - bad
    return bad > 0 and non_ascii >= 20 * bad


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v\x00")
    return len(text) > 0 and controls > 0.05 * len(text)


class TextFile:
    """A (possibly gzip-compressed) text file whose encoding is known or detected.

    Opening checks the file (exists, not empty, not binary, really gzip when named ``.gz``) and
    settles ``encoding``; :meth:`lines` then streams it, in pieces of at most ``max_record_bytes``
    (default :data:`MAX_RECORD_BYTES`).
    """

    def __init__(self, path: Path, encoding: str | None, max_record_bytes: int = MAX_RECORD_BYTES):
        self.path = path
        self.name = str(path)
        self.max_record_bytes = max_record_bytes
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
        complete = len(sample) < SAMPLE_BYTES
        if encoding is None:
            encoding = detect_encoding(sample, complete, self.name)
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

    def _open(self) -> gzip.GzipFile | io.BufferedReader:
        return gzip.open(self.path, "rb") if self.compressed else open(self.path, "rb")

    def _sample(self) -> bytes:
        try:
            with self._open() as fh:
                return fh.read(SAMPLE_BYTES)
        except (EOFError, OSError, zlib.error) as exc:
            raise CorpusError(f"the compressed file is truncated or corrupt ({exc}); re-download or "
                              "re-compress it", source=self.name) from None

    def lines(self) -> Iterator[Line]:
        """Yield each :class:`Line`; its ``problem`` is set when the line did not decode or is longer than
        ``max_record_bytes`` (its text is then empty: the line was skipped unread)."""
        lineno = 0
        try:
            with self._open() as raw:
                if self.wide:
                    stream = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
                    try:
                        for lineno, line, size in _pieces(stream.readline, self.max_record_bytes // 2, ("\n", "\r")):
                            if size:
                                yield Line(lineno, "", too_long(size, self.max_record_bytes // 2, "characters"))
                            else:
                                yield Line(lineno, line[1:] if lineno == 1 and line.startswith("\ufeff") else line,
                                           None)
                    except UnicodeDecodeError as exc:
                        raise CorpusError(f"text is not valid {self.encoding} ({exc.reason}); {ENCODING_HINT}",
                                          source=self.name, line=lineno + 1) from None
                    return
                codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
                for lineno, line_bytes, size in _pieces(raw.readline, self.max_record_bytes, (b"\n",)):
                    if size:
                        yield Line(lineno, "", too_long(size, self.max_record_bytes))
                        continue
                    data = line_bytes[3:] if lineno == 1 and line_bytes.startswith(codecs.BOM_UTF8) else line_bytes
                    try:
                        yield Line(lineno, data.decode(codec), None)
                    except UnicodeDecodeError as exc:
                        yield Line(lineno, data.decode(codec, "replace"),
                                   f"bytes {exc.start}-{exc.end} of the line are not valid {codec} "
                                   f"({exc.reason}); if the file is in another encoding, {ENCODING_HINT}")
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise CorpusError(f"the compressed file is truncated or corrupt after line {lineno} ({exc}); "
                              "re-download or re-compress it", source=self.name, line=lineno + 1) from None


def _pieces(readline: Callable[[int], Any], cap: int, ends: tuple[Any, ...]) -> Iterator[tuple[int, Any, int]]:
    """``(number, line, 0)`` for each line of at most ``cap`` bytes (characters for a text stream), or
    ``(number, None, size)`` for a longer one, read and dropped a megabyte at a time (never held whole)."""
    lineno = 0
    while True:
        line = readline(cap + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= cap or line.endswith(ends):
            yield lineno, line, 0
            continue
        size = len(line)
        del line
        while True:
            piece = readline(1 << 20)
            if not piece:
                break
            size += len(piece)
            if piece.endswith(ends):
                size -= 1
                break
        yield lineno, None, size


def decode_file(path: Path, encoding: str | None, max_record_bytes: int = MAX_RECORD_BYTES) -> Decoded:
    """A whole small file (one article of a directory corpus) as text, or the problem reading it (a file
    larger than ``max_record_bytes`` is not read, and no more than that is ever read)."""
    try:
        size = path.stat().st_size
        if size > max_record_bytes:
            return Decoded(None, too_long(size, max_record_bytes, what="file"))
        with open(path, "rb") as fh:  # never more than the cap, even from a file that grew since or lied its size
            data = fh.read(max_record_bytes + 1)
        if len(data) > max_record_bytes:
            return Decoded(None, too_long(len(data), max_record_bytes, what="file (read this far)"))
    except OSError as exc:
        return Decoded(None, f"cannot read the file ({exc.strerror or exc}); check its permissions")
    if not data.strip():
        return Decoded(None, "the file is empty")
    try:
        enc = encoding or detect_encoding(data, True, str(path))
        return Decoded(data.decode(enc), None)
    except (CorpusError, UnicodeDecodeError, LookupError) as exc:
        return Decoded(None, f"cannot decode the file ({exc}); {ENCODING_HINT}")
