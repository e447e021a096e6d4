"""Bytes to lines: a corpus text file's encoding, told or detected, and its decoded lines.

The encoding is detected when not given: a BOM; UTF-16 without BOM from its NUL pattern; strict
UTF-8 (or UTF-8 with a few damaged bytes, whose lines are then rejected one by one); otherwise
charset-normalizer. Gzip-compressed files are read transparently. Binary, empty, truncated or
wrongly named (``.gz`` that is not gzip) files raise :class:`~framing.errors.CorpusError`.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from framing.errors import CorpusError

__all__ = ["TextFile", "Line", "Decoded", "detect_encoding", "decode_file", "SAMPLE_BYTES"]

logger = logging.getLogger(__name__)

#: bytes read up front to detect the encoding and check that a file is text
SAMPLE_BYTES = 1 << 20


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
        raise CorpusError("could not tell the text encoding (this does not look like text); "
                          "pass encoding='...' if it is a text corpus", source=source)
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
    settles ``encoding``; :meth:`lines` then streams it.
    """

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
        """Yield each :class:`Line`; its ``problem`` is set when the line did not decode."""
        lineno = 0
        try:
            with self._open() as raw:
                if self.wide:
                    stream = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
                    try:
                        for lineno, line in enumerate(stream, 1):
                            yield Line(lineno, line[1:] if lineno == 1 and line.startswith("\ufeff") else line,
                                       None)
                    except UnicodeDecodeError as exc:
                        raise CorpusError(f"text is not valid {self.encoding} ({exc.reason}); pass the "
                                          "right encoding='...'", source=self.name, line=lineno + 1) from None
                    return
                codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
                for lineno, line_bytes in enumerate(raw, 1):
                    data = line_bytes[3:] if lineno == 1 and line_bytes.startswith(codecs.BOM_UTF8) else line_bytes
                    try:
                        yield Line(lineno, data.decode(codec), None)
                    except UnicodeDecodeError as exc:
                        yield Line(lineno, data.decode(codec, "replace"),
                                   f"bytes {exc.start}-{exc.end} of the line are not valid {codec} "
                                   f"({exc.reason}); pass encoding='...' if the file is in another encoding")
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise CorpusError(f"the compressed file is truncated or corrupt after line {lineno} ({exc}); "
                              "re-download or re-compress it", source=self.name, line=lineno + 1) from None


def decode_file(path: Path, encoding: str | None) -> Decoded:
    """A whole small file (one article of a directory corpus) as text, or the problem reading it."""
    data = path.read_bytes()
    if not data.strip():
        return Decoded(None, "the file is empty")
    try:
        enc = encoding or detect_encoding(data, True, str(path))
        return Decoded(data.decode(enc), None)
    except (CorpusError, UnicodeDecodeError, LookupError) as exc:
        return Decoded(None, f"cannot decode the file ({exc}); pass encoding='...'")
