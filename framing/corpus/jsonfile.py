"""Raw records from JSON text: JSON Lines (one object per line) and JSON files (lists of objects, or
objects), read as they stream.

Strict where :mod:`json` is lenient, so that nothing is lost or invented silently:

* an object holding the same key twice (``{"text": "a", "text": "b"}``) is a reject naming the key
  (:mod:`json` keeps the last value and drops the first);
* ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON, though :mod:`json` reads them) become
  :class:`JsonConstant` values, which the validator refuses where a string or a date is expected;
* a ``.json`` file holding several top-level values (two lists, a list then an object) is read value
  after value with a warning, not cut after the first;
* a ``.jsonl`` file that holds a JSON list (its first character is ``[``) is read as JSON, with a
  warning, not as one broken record per line.

A JSON file is parsed item by item from a window of its text, so memory stays bounded by the largest
item (at most ``max_record_bytes``), not by the file.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

from framing.corpus.records import RawRecord, bad_record
from framing.corpus.textfile import Line, TextFile
from framing.errors import CorpusError

__all__ = ["JsonConstant", "JsonParser", "jsonl_records", "json_records", "object_record"]


class JsonConstant(float):
    """``NaN``, ``Infinity`` or ``-Infinity`` as a file wrote it (JSON has no such values): a float that
    keeps its ``literal``, so that the validator can refuse it where a string or a date is expected.

    >>> JsonConstant("-Infinity"), float(JsonConstant("NaN")) != float(JsonConstant("NaN"))
    (-Infinity, True)
    """

    __slots__ = ("literal",)
    literal: str

    def __new__(cls, literal: str) -> JsonConstant:
        value = super().__new__(cls, literal.replace("Infinity", "inf"))
        value.literal = literal
        return value

    def __repr__(self) -> str:
        return self.literal

    def __reduce__(self) -> tuple[Any, ...]:
        return (JsonConstant, (self.literal,))


class JsonParser:
    """:mod:`json` decoding that notes the first key an object holds twice (``duplicate``) and marks
    ``NaN``/``Infinity`` as :class:`JsonConstant`.

    >>> p = JsonParser()
    >>> p.decode('{"text": "a", "text": "b"}'), p.duplicate
    ({'text': 'b'}, 'text')
    """

    def __init__(self) -> None:
        self.duplicate: str | None = None
        self.decoder = json.JSONDecoder(strict=False, object_pairs_hook=self._object, parse_constant=JsonConstant)

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs) and self.duplicate is None:
            seen: set[str] = set()
            self.duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return obj

    def decode(self, text: str) -> Any:
        """One JSON value (``duplicate`` reset first)."""
        self.duplicate = None
        return self.decoder.decode(text)

    def raw_decode(self, text: str, pos: int) -> tuple[Any, int]:
        """The JSON value starting at ``pos`` and where it ends (``duplicate`` reset first)."""
        self.duplicate = None
        return self.decoder.raw_decode(text, pos)


def object_record(source: str, line: int, obj: Any, parser: JsonParser, what: str,
                  where: str | None = None) -> RawRecord:
    """The record of a JSON value ``obj`` just decoded by ``parser``, or a reject: not an object, or an
    object holding a key twice (the reject names that key as its field). ``what`` says where objects are
    expected (``"per line"``, ``"in the list"``, ``"per file"``), ``where`` where the object is (by default
    ``"on line <line>"``).

    >>> p = JsonParser()
    >>> object_record("a.json", 1, p.decode('{"title": "x", "title": "y"}'), p, "per file", "in the file").problem
    "the key 'title' appears twice in the object in the file, so one of its values would be lost: remove or rename one"
    """
    if not isinstance(obj, dict):
        hint = "; wrap the record in an object" if what == "per line" else ""
        return bad_record(source, line, f"expected a JSON object {{...}} {what}, found a {type(obj).__name__}{hint}")
    if parser.duplicate is not None:
        return bad_record(source, line, f"the key {parser.duplicate!r} appears twice in the object "
                                        f"{where or f'on line {line}'}, so one of its values would be lost: "
                                        "remove or rename one", parser.duplicate)
    return RawRecord(source, line, obj)


def jsonl_records(tf: TextFile) -> Iterator[RawRecord]:
    """JSON Lines: one object per line; a line that is not one is a reject. A file whose first line opens
    a JSON list that goes on over the next lines (``[`` alone, ``[{...},``) holds a JSON list, not JSON
    Lines: it is read as JSON (:func:`json_records`), with a warning."""
    parser, started = JsonParser(), False
    for lineno, raw_line, bad in tf.lines():
        if bad:
            started = True
            yield bad_record(tf.name, lineno, bad)
            continue
        line = raw_line.replace("\x00", "").strip()
        if not line:
            continue
        try:
            obj = parser.decode(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            if not started and line.startswith("["):
                warnings.warn(f"{tf.name}: holds a JSON list, not JSON Lines (one object per line); read as JSON "
                              "(name it .json)", UserWarning, stacklevel=2)
                yield from json_records(tf, note=" (the file holds a JSON list, not JSON Lines)")
                return
            msg = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "nested too deep"
            yield bad_record(tf.name, lineno, f"malformed JSON ({msg}); fix or remove the line")
            continue
        finally:
            started = True
        if isinstance(obj, list) and obj and all(isinstance(item, dict) for item in obj):
            yield bad_record(tf.name, lineno, f"expected a JSON object {{...}} per line, found a list of {len(obj)} "
                                              "objects: JSON Lines holds one object per line; write them so, or "
                                              "name the file .json")
            continue
        yield object_record(tf.name, lineno, obj, parser, "per line")


class _Window:
    """A window on a text file's lines: the text not yet parsed, from the start of a line, and the line
    number of any position in it. Grows by doubling (so a long item is parsed O(log n) times), drops what
    was parsed, and refuses an item longer than the file's ``max_record_bytes``."""

    def __init__(self, tf: TextFile, note: str):
        self.tf, self.note = tf, note
        self.lines: Iterator[Line] = tf.lines()
        self.text, self.pos, self.eof = "", 0, False
        self.base = 1  # line number of text[0]
        self.counted, self.counted_line = 0, 1  # a position and its line, to count newlines once

    def line_at(self, pos: int) -> int:
        if pos < self.counted:
            self.counted, self.counted_line = 0, self.base
        self.counted_line += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.counted_line

    def more(self) -> None:
        """Read at least as much again as is pending (64k characters at least), or to the end."""
        keep = self.text.rfind("\n", 0, self.pos) + 1
        self.base = self.line_at(keep)
        self.text, self.pos = self.text[keep:], self.pos - keep
        self.counted, self.counted_line = 0, self.base
        want, got, parts = max(len(self.text) - self.pos, 1 << 16), 0, [self.text]
        while got < want:
            one = next(self.lines, None)
            if one is None:
                self.eof = True
                break
            if one.problem:
                raise CorpusError(f"{one.problem}{self.note}; a JSON file cannot be read past a bad line",
                                  source=self.tf.name, line=one.number)
            parts.append(one.text.replace("\x00", ""))
            got += len(parts[-1])
        self.text = "".join(parts)

    def peek(self) -> str:
        """The next character that is not white space ("" at the end), moving past the white space."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.text) or self.eof:
                return self.text[self.pos:self.pos + 1]
            self.more()

    def fail(self, message: str, pos: int) -> CorpusError:
        col = pos - self.text.rfind("\n", 0, pos)
        return CorpusError(f"malformed JSON ({message} at column {col}){self.note}; the file cannot be read past "
                           "this point", source=self.tf.name, line=self.line_at(pos))

    def value(self, parser: JsonParser) -> Any:
        """The JSON value at the current position, moving past it."""
        cap = self.tf.max_record_bytes
        while True:
            try:
                obj, end = parser.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.text.rstrip()) - 6 or exc.msg.startswith("Unterminated string")
                if self.eof or not cut:
                    raise self.fail(exc.msg, exc.pos) from None
                if len(self.text) - self.pos > cap:
                    raise self.too_long() from None
                self.more()
                continue
            except RecursionError:
                raise self.fail("nested too deep", self.pos) from None
            if end - self.pos > cap:
                raise self.too_long()
            self.pos = end
            return obj

    def too_long(self) -> CorpusError:
        cap = self.tf.max_record_bytes
        return CorpusError(f"a JSON value starting here is longer than the cap of {cap:,} characters for one "
                           f"record{self.note}; write one record per line (JSON Lines), or raise the cap "
                           "(--max-record-mb on the command line, max_record_bytes= in Python)",
                           source=self.tf.name, line=self.line_at(self.pos))


def json_records(tf: TextFile, note: str = "") -> Iterator[RawRecord]:
    """A JSON file: a list of objects (each a record; anything else in it a reject), or one object, or
    several such top-level values one after the other (read in sequence, with a warning). A file of one
    object per line (JSON Lines named ``.json``) is read as JSON Lines. Malformed JSON raises
    :class:`~framing.errors.CorpusError` naming the line (a JSON file cannot be read past it)."""
    win, parser, n_values = _Window(tf, note), JsonParser(), 0
    while (first := win.peek()) != "":
        n_values += 1
        start = win.line_at(win.pos)
        if n_values == 2:
            warnings.warn(f"{tf.name}: a second top-level JSON value starts on line {start}; all values are read "
                          "in sequence", UserWarning, stacklevel=2)
        if first == "{":
            obj = win.value(parser)
            end = win.line_at(win.pos)
            if n_values == 1 and end == start and win.peek() == "{" and win.line_at(win.pos) > end:
                yield from jsonl_records(tf)  # one object per line, named .json
                return
            yield object_record(tf.name, start, obj, parser, "")
            continue
        if first != "[":
            raise CorpusError("expected a JSON list of article objects [{...}, ...] (or JSON Lines); found "
                              f"{win.text[win.pos:win.pos + 20]!r}{note}", source=tf.name, line=start)
        win.pos += 1
        if win.peek() == "]":
            win.pos += 1
            continue
        while True:
            line = win.line_at(win.pos)
            yield object_record(tf.name, line, win.value(parser), parser, "in the list")
            sep = win.peek()
            win.pos += 1
            if sep == "]":
                break
            if sep != ",":
                raise win.fail("expected ',' or ']' between the items of a list", win.pos - 1)
            win.peek()
