"""Raw records from corpus folders: a directory of ``.txt`` articles (outlet = sub-folder, or a sidecar
``metadata.csv``) or of news-please ``.json`` files.

:func:`open_folder` lists the folder once and yields :class:`~framing.corpus.formats.RawRecord`
values, one per article file, in sorted path order. Nothing in the folder is passed over without
notice:

* an article that cannot be read (no permission, a broken or looping symbolic link, a FIFO, socket or
  device named like an article, a sub-folder that cannot be listed) is a rejected record naming the
  path and the reason;
* hidden files and folders (names starting with ``.``) are skipped, as are files of other formats and
  symbolic links to folders (not followed); each kind is counted in one warning (``UserWarning``,
  which the command line prints as ``framing: warning: ...``);
* file and folder names that are not valid UTF-8 are read; their ``doc_id``, outlet and source show
  the undecodable bytes as ``\\xNN`` escapes (with a warning), so that they can be printed and told apart;
* ``metadata.csv`` is read as UTF-8 when it is valid UTF-8 (or starts with a byte-order mark), else in
  the ``encoding`` given for the articles (``--encoding``), else in the encoding detected; its rows obey
  the same size cap as the articles;
* a ``metadata.csv`` listing a file twice with different values rejects that file, naming both lines
  and the fields that differ (two identical rows are accepted, with a warning);
* a news-please ``.json`` file is read as strictly as JSON Lines: a key given twice, or ``NaN``/``Infinity``
  where text or a date is expected, is a reject naming the file and the field; malformed or too deeply
  nested JSON is a reject naming the file.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from framing.corpus.formats import NEWS_PLEASE_COLUMNS, table_records
from framing.corpus.jsonfile import JsonParser, object_record
from framing.corpus.records import OpenedCorpus, RawRecord, bad_record
from framing.corpus.textfile import MAX_RECORD_BYTES, Decoded, TextFile, decode_file
from framing.errors import CorpusError

__all__ = ["open_folder", "shown", "Listing", "list_folder"]

META = "metadata.csv"


def shown(path: str | Path) -> str:
    """A path as text that can always be printed: bytes that are not UTF-8 become ``\\xNN`` escapes.

    >>> shown(os.fsdecode(b"caf\\xe9/x.txt"))
    'caf\\\\xe9/x.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class Listing(NamedTuple):
    """What :func:`list_folder` found, each path relative to the folder.

    ``files``: the files and what else answers to a file name (links, FIFOs...), with the problem of
    reading each (None for a regular file); ``unlisted``: sub-folders that could not be listed, with
    the reason; ``hidden_files``/``hidden_folders``: skipped names starting with ``.``; ``links``:
    symbolic links to folders, not followed.
    """

    files: list[tuple[Path, str | None]]
    unlisted: list[tuple[Path, str]]
    hidden_files: list[Path]
    hidden_folders: list[Path]
    links: list[Path]


def _entry_problem(full: str) -> str | None:
    """Why the entry ``full`` cannot be read as a file, or None for a regular file (or a link to one)."""
    try:
        mode = os.stat(full).st_mode
    except FileNotFoundError:
        return "a broken symbolic link (its target does not exist); fix or remove the link"
    except OSError as exc:
        if os.path.islink(full):
            return f"a symbolic link that cannot be followed ({exc.strerror}); fix or remove the link"
        return f"cannot read the file ({exc.strerror}); check its permissions"
    if stat.S_ISREG(mode):
        return None
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device or special file"
    return f"not a regular file (a {kind}); only plain files are read"


def list_folder(root: Path) -> Listing:
    """List ``root`` recursively (hidden names and links to folders not followed), sorted by path."""
    out = Listing([], [], [], [], [])

    def unlisted(exc: OSError) -> None:
        where = Path(exc.filename).relative_to(root) if exc.filename else Path(".")
        out.unlisted.append((where, f"cannot list the folder ({exc.strerror}): its articles were not read; "
                                    "check its permissions"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted):
        here = Path(dirpath).relative_to(root)
        keep = []
        for name in dirnames:
            if name.startswith("."):
                out.hidden_folders.append(here / name)
            elif os.path.islink(os.path.join(dirpath, name)):
                out.links.append(here / name)
            else:
                keep.append(name)
        dirnames[:] = sorted(keep)
        for name in filenames:
            if name.startswith("."):
                out.hidden_files.append(here / name)
            else:
                out.files.append((here / name, _entry_problem(os.path.join(dirpath, name))))
    out.files.sort()
    out.unlisted.sort()
    return out


def _examples(paths: list[Path], n: int = 3) -> str:
    more = f", … {len(paths) - n} more" if len(paths) > n else ""
    return ", ".join(shown(p) for p in paths[:n]) + more


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _notice(root: Path, listing: Listing, other: list[Path]) -> None:
    """One warning per kind of entry that is not read."""
    name = shown(root)
    hidden = listing.hidden_files + listing.hidden_folders
    if hidden:
        counts = [_plural(len(found), kind) for found, kind in ((listing.hidden_files, "hidden file"),
                                                                (listing.hidden_folders, "hidden folder")) if found]
        warnings.warn(f"{name}: skipped {' and '.join(counts)} (names starting with '.': "
                      f"{_examples(sorted(hidden))}); rename them to read them", UserWarning, stacklevel=4)
    if other:
        warnings.warn(f"{name}: {_plural(len(other), 'file')} of other formats {'was' if len(other) == 1 else 'were'} "
                      f"not read ({_examples(other)}): read them separately", UserWarning, stacklevel=4)
    if listing.links:
        warnings.warn(f"{name}: {_plural(len(listing.links), 'symbolic link')} to folders not followed "
                      f"({_examples(listing.links)}): pass the folder itself, or copy its files in",
                      UserWarning, stacklevel=4)
    odd = [p for p, _ in listing.files if shown(p) != str(p)]
    odd += [p for p in listing.hidden_folders + listing.links if shown(p) != str(p)]
    if odd:
        warnings.warn(f"{name}: {_plural(len(odd), 'path')} not valid UTF-8 ({_examples(sorted(odd))}); "
                      "their ids and outlets show those bytes as \\xNN escapes: rename them",
                      UserWarning, stacklevel=4)


def _read(path: Path, encoding: str | None, cap: int) -> Decoded:
    try:
        return decode_file(path, encoding, cap)
    except OSError as exc:  # gone since listed, no permission, an I/O error
        return Decoded(None, f"cannot read the file ({exc.strerror or exc}); check its permissions")


class _MetaRow(NamedTuple):
    fields: dict[str, Any]
    line: int


class _Meta(NamedTuple):
    rows: dict[str, _MetaRow]
    conflicts: dict[str, RawRecord]  # file -> the reject of that file (a later row disagreeing)
    source: str


def _meta_encoding(path: Path, encoding: str | None) -> str | None:
    """The encoding to read ``metadata.csv`` in: None (detected) when no encoding is given or the file is
    UTF-8 (a BOM, or strict UTF-8 throughout: a script may write it in UTF-8 beside legacy-encoded
    articles), else ``encoding``."""
    if encoding is None:
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
            if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
                return None
            fh.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")("strict")
            while block := fh.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return encoding
    except OSError:
        return None  # (TextFile names the problem)
    return None


def _read_meta(root: Path, encoding: str | None, cap: int) -> _Meta:
    meta = _Meta({}, {}, shown(root / META))
    if not (root / META).is_file():
        return meta
    same: list[str] = []
    for raw in table_records(TextFile(root / META, _meta_encoding(root / META, encoding), cap), ".csv"):
        if raw.record is None:
            raise CorpusError(raw.problem or "unreadable record", source=meta.source, line=raw.line,
                              field=raw.field)
        if "file" not in raw.record:
            raise CorpusError(f"metadata.csv needs a 'file' column naming each .txt file; found "
                              f"{sorted(raw.record)}", source=meta.source, line=1)
        key = raw.record.pop("file").strip().replace("\\", "/").removeprefix("./")
        first = meta.rows.get(key)
        if first is None:
            meta.rows[key] = _MetaRow(raw.record, raw.line)
            continue
        differ = [k for k in first.fields if str(first.fields[k]).strip() != str(raw.record[k]).strip()]
        if not differ:
            same.append(f"{key!r} (lines {first.line} and {raw.line})")
        elif key not in meta.conflicts:
            what = "; ".join(f"{k} {first.fields[k]!r} vs {raw.record[k]!r}" for k in differ)
            meta.conflicts[key] = bad_record(meta.source, raw.line, (
                f"metadata.csv lists {key!r} twice with different values (lines {first.line} and {raw.line}: "
                f"{what}); keep one row per file"), differ[0])
    if same:
        warnings.warn(f"{meta.source}: {_plural(len(same), 'file')} listed twice with the same values "
                      f"({', '.join(same[:3])}); the repeated rows are ignored", UserWarning, stacklevel=5)
    return meta


def _txt_records(root: Path, txt: list[tuple[Path, str | None]], encoding: str | None,
                 cap: int) -> Iterator[RawRecord]:
    meta = _read_meta(root, encoding, cap)
    used: set[str] = set()
    for rel, listed in txt:
        path, source = root / rel, shown(root / rel)
        key = next((k for k in (shown(rel.as_posix()), shown(rel.name)) if k in meta.rows), None)
        if key is not None:
            used.add(key)
            if key in meta.conflicts:
                yield meta.conflicts[key]
                continue
        if listed:
            yield bad_record(source, 1, listed, "text")
            continue
        rec: dict[str, Any] = {"doc_id": shown(rel.with_suffix("").as_posix())}
        if len(rel.parts) > 1:
            rec["outlet"] = shown(rel.parts[0])
        if key is not None:
            rec.update({k: v for k, v in meta.rows[key].fields.items() if v != "" or k not in rec})
        text, problem = _read(path, encoding, cap)
        if problem:
            yield bad_record(source, 1, problem, "text")
            continue
        rec["text"] = text
        if not rec.get("outlet"):
            yield bad_record(source, 1, "no outlet: the file is not in an outlet sub-folder and not listed in "
                                  "metadata.csv with an 'outlet'", "outlet")
            continue
        yield RawRecord(source, 1, rec)
    for key, row in meta.rows.items():
        if key not in used:
            why = ("it is hidden (a name starting with '.'), and hidden files are not read; rename it"
                   if any(part.startswith(".") for part in key.split("/")) else "no such .txt file exists")
            yield bad_record(meta.source, row.line, f"metadata.csv lists {key!r} but {why}", "file")


def _news_please_records(root: Path, files: list[tuple[Path, str | None]], encoding: str | None,
                         cap: int) -> Iterator[RawRecord]:
    """One record per news-please file, read as strictly as JSON Lines (by the same
    :class:`~framing.corpus.jsonfile.JsonParser`): a key given twice is a reject naming it, and
    ``NaN``/``Infinity`` stay literals, which the validator refuses where a string or a date is expected."""
    parser = JsonParser()
    for rel, listed in files:
        path, source = root / rel, shown(root / rel)
        text, problem = (None, listed) if listed else _read(path, encoding, cap)
        if problem or text is None:
            yield bad_record(source, 1, problem or "the file is empty")
            continue
        try:
            obj = parser.decode(text.replace("\x00", ""))
        except json.JSONDecodeError as exc:
            yield bad_record(source, exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno}); fix or remove "
                                                 "the file")
            continue
        except RecursionError:
            yield bad_record(source, 1, "malformed JSON (nested too deep); fix or remove the file")
            continue
        raw = object_record(source, 1, obj, parser, "per file", "of the file")
        if raw.record is not None:
            raw.record.setdefault("doc_id", shown(rel.with_suffix("").as_posix()))
        yield raw


def _unlisted(root: Path, listing: Listing) -> Iterator[RawRecord]:
    for rel, problem in listing.unlisted:
        yield bad_record(shown(root / rel), 1, problem)


def _chain(*parts: Iterator[RawRecord]) -> Iterator[RawRecord]:
    for part in parts:
        yield from part


def open_folder(path: Path, encoding: str | None, max_record_bytes: int = MAX_RECORD_BYTES) -> OpenedCorpus:
    """Open a corpus directory: its raw records (lazily), default mapping and id stem; an article file
    larger than ``max_record_bytes`` is a reject, not read.

    Warns (``UserWarning``) about what is not read: hidden files and folders, files of other formats,
    links to folders, and names that are not UTF-8. Raises :class:`~framing.errors.CorpusError` for a
    directory mixing ``.txt`` and ``.json`` files, or holding neither.
    """
    name = shown(path)
    listing = list_folder(path)
    txt = [f for f in listing.files if f[0].suffix.lower() == ".txt"]
    js = [f for f in listing.files if f[0].suffix.lower() == ".json"]
    if txt and js:
        raise CorpusError(f"the directory mixes {len(txt)} .txt and {len(js)} .json files; keep one kind "
                          "(.txt articles or news-please .json files)", source=name)
    if not txt and not js:
        if listing.unlisted:
            rel, problem = listing.unlisted[0]
            raise CorpusError(f"{shown(rel)}: {problem}", source=name)
        skipped = len(listing.hidden_files) + len(listing.hidden_folders)
        raise CorpusError(f"the directory holds no readable file: expected .txt articles or news-please "
                          f".json files (found {_plural(len(listing.files), 'other file')}"
                          + (f" and {skipped} hidden entries, which are not read)" if skipped else ")"),
                          source=name)
    chosen = {p for p, _ in txt or js}
    other = [p for p, _ in listing.files if p not in chosen and not (txt and p == Path(META))]
    _notice(path, listing, other)
    if txt:
        return OpenedCorpus(_chain(_txt_records(path, txt, encoding, max_record_bytes), _unlisted(path, listing)), {},
                            path.name)
    return OpenedCorpus(_chain(_news_please_records(path, js, encoding, max_record_bytes), _unlisted(path, listing)),
                        dict(NEWS_PLEASE_COLUMNS), path.name)
