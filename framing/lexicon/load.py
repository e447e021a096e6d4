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
           "list_lexicons", "as_lexicon", "bundled_names", "bundled_dir"]


def _yaml_lines(text: str) -> dict[str, int]:
    """Map dotted paths (``referents.x.labels.neutral[0]``) to 1-based line numbers."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(n: yaml.Node, path: str) -> None:
        if path:
            lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = str(k.value)
                p = f"{path}.{key}" if path else key
                lines.setdefault(p, k.start_mark.line + 1)
                walk(v, p)
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, f"{path}[{i}]")

    if node is not None:
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
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(f"YAML syntax error: {problem}; fix the file's syntax (indentation, quotes, colons)",
                           source=source, where=where) from None
    if data is None:
        raise LexiconError("the lexicon file is empty: give at least a name and one category or referent",
                           source=source)
    return Lexicon.from_dict(data, source=source, lines=_yaml_lines(text))


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
    if path.suffix in (".yaml", ".yml") or (path.exists() and not bundled) or "/" in text or "\\" in text:
        if not path.is_file():
            raise LexiconError("no such lexicon file; give the path of a .yaml file, or the name of a bundled "
                               f"lexicon ({', '.join(bundled_names())})", source=text)
        try:
            content = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LexiconError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8",
                               source=text) from None
        return _load_text(content, source=text)
    if text not in bundled_names():
        raise LexiconError(f"no bundled lexicon named {text!r}; bundled: {', '.join(bundled_names())} "
                           "(or give a path to a .yaml file)", source=text)
    return _load_bundled(text)


def as_lexicon(lexicon: Any) -> Lexicon:
    """Accept a :class:`Lexicon`, a bundled name, a path or a dict."""
    if isinstance(lexicon, dict):
        return Lexicon.from_dict(lexicon)
    return load_lexicon(lexicon)

