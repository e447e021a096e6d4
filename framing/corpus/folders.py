"""Raw records from corpus folders: a directory of ``.txt`` articles (outlet = sub-folder, or a sidecar
``metadata.csv``) or of news-please ``.json`` files.

:func:`open_folder` picks the kind of folder and yields :class:`~framing.corpus.formats.RawRecord`
values, one per article file, in sorted path order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from framing.corpus.formats import NEWS_PLEASE_COLUMNS, OpenedCorpus, RawRecord, table_records
from framing.corpus.textfile import TextFile, decode_file
from framing.errors import CorpusError

__all__ = ["open_folder"]


def _bad(source: str, line: int, problem: str, field: str | None = None) -> RawRecord:
    return RawRecord(source, line, None, field, problem)


def _rel_id(path: Path, root: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


class _MetaRow(NamedTuple):
    fields: dict[str, Any]
    line: int


def _txt_dir_records(root: Path, files: list[Path], encoding: str | None) -> Iterator[RawRecord]:
    meta: dict[str, _MetaRow] = {}
    meta_path = root / "metadata.csv"
    if meta_path.is_file():
        tf = TextFile(meta_path, None)
        for raw in table_records(tf, ".csv"):
            if raw.record is None:
                raise CorpusError(raw.problem or "unreadable record", source=raw.source, line=raw.line,
                                  field=raw.field)
            if "file" not in raw.record:
                raise CorpusError(f"metadata.csv needs a 'file' column naming each .txt file; found "
                                  f"{sorted(raw.record)}", source=raw.source, line=1)
            key = raw.record.pop("file").strip().replace("\\", "/")
            meta[key] = _MetaRow(raw.record, raw.line)
    used: set[str] = set()
    for path in files:
        rel = path.relative_to(root).as_posix()
        key = rel if rel in meta else path.name if path.name in meta else None
        rec: dict[str, Any] = {"doc_id": _rel_id(path, root)}
        if len(path.relative_to(root).parts) > 1:
            rec["outlet"] = path.relative_to(root).parts[0]
        if key is not None:
            used.add(key)
            rec.update({k: v for k, v in meta[key].fields.items() if v != "" or k not in rec})
        text, problem = decode_file(path, encoding)
        if problem:
            yield _bad(str(path), 1, problem, "text")
            continue
        rec["text"] = text
        if not rec.get("outlet"):
            yield _bad(str(path), 1, "no outlet: the file is not in an outlet sub-folder and not listed in "
                                     "metadata.csv with an 'outlet'", "outlet")
            continue
        yield RawRecord(str(path), 1, rec)
    for key, row in meta.items():
        if key not in used:
            yield _bad(str(meta_path), row.line, f"metadata.csv lists {key!r} but no such .txt file exists",
                       "file")


def _news_please_records(root: Path, files: list[Path], encoding: str | None) -> Iterator[RawRecord]:
    for path in files:
        text, problem = decode_file(path, encoding)
        if problem or text is None:
            yield _bad(str(path), 1, problem or "the file is empty")
            continue
        try:
            obj = json.loads(text.replace("\x00", ""), strict=False)
        except json.JSONDecodeError as exc:
            yield _bad(str(path), exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield _bad(str(path), 1, f"expected one JSON object per file, found a {type(obj).__name__}")
            continue
        obj.setdefault("doc_id", _rel_id(path, root))
        yield RawRecord(str(path), 1, obj)


def open_folder(path: Path, encoding: str | None) -> OpenedCorpus:
    """Open a corpus directory: its raw records (lazily), default mapping and id stem.

    Raises :class:`~framing.errors.CorpusError` for a directory mixing ``.txt`` and ``.json`` files
    or holding neither.
    """
    name = str(path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    txt = [p for p in files if p.suffix.lower() == ".txt"]
    js = [p for p in files if p.suffix.lower() == ".json"]
    if txt and js:
        raise CorpusError(f"the directory mixes {len(txt)} .txt and {len(js)} .json files; keep one kind "
                          "(.txt articles or news-please .json files)", source=name)
    if txt:
        return OpenedCorpus(_txt_dir_records(path, txt, encoding), {}, path.name)
    if js:
        return OpenedCorpus(_news_please_records(path, js, encoding), dict(NEWS_PLEASE_COLUMNS), path.name)
    raise CorpusError(f"the directory holds no readable file: expected .txt articles or news-please "
                      f".json files (found {len(files)} other files)", source=name)
