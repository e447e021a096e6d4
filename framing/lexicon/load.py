"""Lexicons: YAML data files read by one validating loader.

The file format is documented in ``docs/lexicon-format.md`` and in the README. In short: a lexicon has
free-standing ``categories`` of terms, and ``referents`` (the actors whose naming is compared), each
with ``aliases`` that identify it and competing ``labels`` by stance. ``linkers`` and ``titles`` let a
label reach an alias a few words away (القوات الموالية لحفتر, قوات اللواء المتقاعد خليفة حفتر).

This module reads them (:func:`load_lexicon`, :func:`as_lexicon`, :func:`list_lexicons`); the
lexicon and its parts live in :mod:`framing.lexicon.model` and :mod:`framing.lexicon.entries`, the
checks of the format in :mod:`framing.lexicon.schema`, and are re-exported here.

>>> lex = Lexicon.from_dict({
...     "name": "toy",
...     "referents": {"haftar_camp": {
...         "aliases": ["حفتر"],
...         "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
...                    "neutral": ["قوات"]}}}})
>>> lex.referents["haftar_camp"].labels["delegitimizing"][0].forms
('ميليشيا', 'مليشيا')
>>> "libya" in bundled_names()
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from framing.errors import LexiconError
from framing.lexicon.entries import Category, DateRange, Entry, Referent, Scope
from framing.lexicon.model import Lexicon
from framing.vocabulary import STANCES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STANCES", "Scope", "Entry", "Category", "Referent", "Lexicon", "DateRange", "load_lexicon",
           "list_lexicons", "as_lexicon", "bundled_names", "bundled_dir", "MAX_BYTES", "MAX_DEPTH",
           "MAX_VALUES", "parse_lexicon_yaml"]


#: limits on a lexicon file, far above any real lexicon (the bundled ones: under 40 kB, about 2,000 YAML
#: values, 6 levels deep) and low enough that a hostile file is refused quickly and in little memory
MAX_BYTES = 5_000_000
MAX_DEPTH = 32
MAX_VALUES = 250_000


class _Refused(Exception):
    """A YAML construct a lexicon may not use (raised inside the loader, with the place)."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message = message
        self.mark = mark


class _LexiconLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits: nesting depth, values composed (an alias counting as every
    value it stands for: no "billion laughs"), and no alias inside its own anchor (no recursive data)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        self.values = 0  # values composed, aliases expanded
        self.aliased = 0  # of which through aliases
        self.sizes: dict[str, int] = {}  # anchor -> values it stands for
        self.open: set[str] = set()  # anchors whose value is being composed

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open:
                raise _Refused(f"the alias *{event.anchor} stands inside the value of its own anchor "
                               f"&{event.anchor}: aliases may not refer to themselves; write the values out",
                               event.start_mark)
            node = super().compose_node(parent, index)
            self.count(self.sizes.get(event.anchor or "", 1), event.start_mark, alias=True)
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"the values nest more than {MAX_DEPTH} levels deep (a lexicon needs about 6: "
                           "referents > name > labels > stance > term > variants); check the brackets and "
                           "indentation", event.start_mark)
        before = self.values
        self.count(1, event.start_mark)
        anchor = event.anchor
        if anchor is not None:
            self.open.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self.open.discard(anchor)
            self.sizes[anchor] = self.values - before
        self.depth -= 1
        return node

    def count(self, n: int, mark: Any, *, alias: bool = False) -> None:
        self.values += n
        self.aliased += n if alias else 0
        if self.values <= MAX_VALUES:
            return
        if self.aliased:
            raise _Refused(f"aliases (*name) expand the file to more than {MAX_VALUES:,} values (a 'billion "
                           "laughs'); a lexicon needs a few thousand: write the terms out, with fewer aliases",
                           mark)
        raise _Refused(f"the file holds more than {MAX_VALUES:,} values (the bundled lexicons hold about 2,000); "
                       "is it a lexicon? keep a lexicon to its terms", mark)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (_Refused, yaml.YAMLError):
            raise
        except Exception as exc:  # PyYAML's own value errors: 2020-13-45, 5000 digits, an empty !!int
            tag = str(node.tag).rsplit(":", 1)[-1]
            kind = {"int": "integer", "timestamp": "date", "float": "number"}.get(tag, tag)
            value = str(node.value) if isinstance(node, yaml.ScalarNode) else f"a {node.id}"
            shown = value if len(value) <= 40 else value[:20] + "…" + value[-10:]
            fix = {"timestamp": "write a real date (YYYY-MM-DD)",
                   "int": "write a whole number of at most 4300 digits, or quote it to keep it as text"}.get(
                tag, "quote it to keep it as text")
            reason = str(exc).split(";")[0] or type(exc).__name__
            raise _Refused(f"the value {shown!r} cannot be read as a YAML {kind} ({reason}); {fix}",
                           node.start_mark) from None


def parse_lexicon_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """The data of a lexicon file's text and the line of each dotted path in it (``source`` names the file).

    PyYAML's safe loader within limits: at most :data:`MAX_DEPTH` levels of nesting and
    :data:`MAX_VALUES` values once aliases are expanded, and no alias inside its own anchor. Raises
    :class:`framing.LexiconError` naming the line.
    """
    try:
        loader = _LexiconLoader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (checked before parsing)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise LexiconError(f"YAML syntax error: the character U+{exc.character:04X} is not allowed in YAML; "
                           "remove it", source=source, where=f"line {line}, column {column}") from None
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except _Refused as exc:
        where = f"line {exc.mark.line + 1}, column {exc.mark.column + 1}"
        raise LexiconError(exc.message, source=source, where=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem: str = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        if context and mark:  # "while scanning a quoted scalar", "expected a single document in the stream"
            problem = f"{context}, {problem}"
        fix = ("keep one document in the file (no second '---')" if "another document" in problem
               else "fix the file's syntax (indentation, quotes, colons)")
        raise LexiconError(f"YAML syntax error: {problem}; {fix}", source=source, where=place) from None
    finally:
        loader.dispose()
    return data, ({} if node is None else _node_lines(node))


def _node_lines(node: yaml.Node) -> dict[str, int]:
    """Map dotted paths (``referents.x.labels.neutral[0]``) to 1-based line numbers (nesting and size are
    bounded by the loader)."""
    lines: dict[str, int] = {}

    def walk(n: yaml.Node, path: str) -> None:
        if path:
            lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
                p = f"{path}.{key}" if path else key
                lines.setdefault(p, k.start_mark.line + 1)
                walk(v, p)
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, f"{path}[{i}]")

    walk(node, "")
    return lines


def bundled_dir() -> Traversable:
    """The folder of the bundled lexicons (``framing/data/lexicons``)."""
    return resources.files("framing") / "data" / "lexicons"


def bundled_names() -> list[str]:
    """The names of the bundled lexicons (their file names without ``.yaml``), sorted."""
    return sorted(p.name[:-5] for p in bundled_dir().iterdir() if p.name.endswith(".yaml"))


def list_lexicons() -> pd.DataFrame:
    """The bundled lexicons as a DataFrame: name, version, description, categories, referents, labels."""
    import pandas as pd

    rows = []
    for name in bundled_names():
        lex = load_lexicon(name)
        rows.append({
            "name": lex.name, "version": lex.version, "description": " ".join(lex.description.split()),
            "categories": len(lex.categories), "referents": len(lex.referents),
            "labels": sum(len(v) for r in lex.referents.values() for v in r.labels.values()),
        })
    return pd.DataFrame(rows, columns=["name", "version", "description", "categories", "referents", "labels"])


@lru_cache(maxsize=32)
def _load_bundled(name: str) -> Lexicon:
    ref = bundled_dir() / f"{name}.yaml"
    return _load_text(ref.read_text(encoding="utf-8"), source=f"framing/data/lexicons/{name}.yaml")


def _load_text(text: str, *, source: str) -> Lexicon:
    data, lines = parse_lexicon_yaml(text, source)
    if data is None:
        raise LexiconError("the lexicon file is empty: give at least a name and one category or referent",
                           source=source)
    return Lexicon.from_dict(data, source=source, lines=lines)


def load_lexicon(name_or_path: Lexicon | str | Path) -> Lexicon:
    """Load a bundled lexicon by name (``"libya"``) or any lexicon file by path.

    Raises :class:`framing.LexiconError` naming the file, the place and the fix when it is invalid.
    """
    if isinstance(name_or_path, Lexicon):
        return name_or_path
    if not isinstance(name_or_path, (str, Path)):
        raise LexiconError(f"expected a lexicon name or a path, got {type(name_or_path).__name__}",
                           value=name_or_path)
    text = str(name_or_path)
    path = Path(text)
    # a bare bundled name is the bundled lexicon even when a folder of that name exists here (an analyze --out)
    bundled = text in bundled_names()
    try:
        exists, is_file = path.exists(), path.is_file()
    except OSError as exc:  # a name too long for the file system
        raise LexiconError(f"cannot use this path ({exc.strerror or exc}); give the path of a .yaml file",
                           source=text) from None
    if path.suffix in (".yaml", ".yml") or (exists and not bundled) or "/" in text or "\\" in text:
        if not is_file:
            raise LexiconError("no such lexicon file; give the path of a .yaml file, or the name of a bundled "
                               f"lexicon ({', '.join(bundled_names())})", source=text)
        return _load_text(_read_file(path, text), source=text)
    if text not in bundled_names():
        raise LexiconError(f"no bundled lexicon named {text!r}; bundled: {', '.join(bundled_names())} "
                           "(or give a path to a .yaml file)", source=text)
    return _load_bundled(text)


def _read_file(path: Path, source: str) -> str:
    """The text of a lexicon file: UTF-8 (a BOM allowed), at most :data:`MAX_BYTES`."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise LexiconError(f"cannot read the file ({exc.strerror or exc}); check its permissions",
                           source=source) from None
    if len(raw) > MAX_BYTES:
        raise LexiconError(f"the file is larger than {MAX_BYTES / 1e6:g} MB (the bundled lexicons are under "
                           "40 kB); is it a lexicon? give the lexicon's .yaml file", source=source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8",
                           source=source) from None


def as_lexicon(lexicon: Any) -> Lexicon:
    """Accept a :class:`Lexicon`, a bundled name, a path or a dict."""
    if isinstance(lexicon, dict):
        return Lexicon.from_dict(lexicon)
    return load_lexicon(lexicon)

