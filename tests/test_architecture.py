"""The package keeps its shape (issue 12): subpackages that follow the data flow, small modules with an
``__all__``, no import cycles (function-level imports counted too) and no private names across modules
(imported names, and private attributes of another module's classes).

Everything is read from the source with :mod:`ast`; nothing under ``framing`` is imported. Each failure
lists every offender, not only the first.

How imports become edges of the module graph:

* ``import framing.a.b`` and ``from framing.a import b`` (``b`` a submodule) are edges to ``framing.a.b``;
  ``from framing.a import name`` is an edge to ``framing.a`` (the module, or the package ``__init__``);
  relative imports are resolved the same way.
* A package ``__init__`` that re-exports is a node like any other, with edges to the modules it imports.
  So a module that takes a name from ``framing.stats`` depends on everything ``framing/stats/__init__.py``
  imports: that is what running the import does. A module inside ``framing.stats`` that takes a name from
  ``framing.stats`` itself closes a cycle through the ``__init__`` and is reported.
* ``framing/__init__.py`` loads its exports lazily (``importlib`` on first attribute access); those are not
  static imports and make no edges, so ``import framing`` inside a module is not a cycle.
* Imports under ``if TYPE_CHECKING:`` do not run and make no edges.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "framing"
MAX_LINES = 420
FLOW_STEPS = {"corpus", "text", "lexicon", "features", "stats", "analyses", "reading", "output", "scale",
              "pipeline", "cli", "demo"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for name, path in MODULES.items()}


def _rel(name: str) -> str:
    return str(MODULES[name].relative_to(ROOT))


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST):
    """Every Import/ImportFrom node at any depth, except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _absolute(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(importer: str, node: ast.Import | ast.ImportFrom):
    """(target module, imported name or None, line) for each framing module this import reads."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == "framing" or alias.name.startswith("framing."):
                yield alias.name, None, node.lineno
        return
    source = _absolute(importer, node)
    if source != "framing" and not source.startswith("framing."):
        return
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        if sub in MODULES:
            yield sub, None, node.lineno
        else:
            yield source, alias.name, node.lineno


def _graph():
    """importer -> {target: [line, ...]} over framing modules."""
    edges: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for importer, tree in TREES.items():
        for node in _runtime_imports(tree):
            for target, _name, line in _targets(importer, node):
                if target in MODULES and target != importer:
                    edges[importer][target].append(line)
    return edges


def _cycles(edges) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(MODULES):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_cycles_between_framing_modules():
    edges = _graph()
    problems = []
    for component in _cycles(edges):
        members = set(component)
        lines = [f"  {_rel(a)}:{','.join(map(str, sorted(set(edges[a][b]))))} imports {b}"
                 for a in component for b in sorted(edges[a]) if b in members]
        problems.append(f"cycle among {', '.join(component)}:\n" + "\n".join(lines))
    if problems:
        pytest.fail(f"{len(problems)} import cycle(s) (function-level imports count):\n" + "\n".join(problems),
                    pytrace=False)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_name_imported_from_another_framing_module():
    offenders = []
    for importer, tree in TREES.items():
        module_aliases: dict[str, str] = {}  # local name -> framing module it is bound to
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "framing" or alias.name.startswith("framing."):
                        if any(_private(part) for part in alias.name.split(".")):
                            offenders.append(f"{_rel(importer)}:{node.lineno} import {alias.name}")
                        module_aliases[alias.asname or alias.name.split(".")[0]] = (
                            alias.name if alias.asname else alias.name.split(".")[0])
                continue
            source = _absolute(importer, node)
            if source != "framing" and not source.startswith("framing."):
                continue
            for alias in node.names:
                if _private(alias.name) or any(_private(part) for part in source.split(".")):
                    offenders.append(f"{_rel(importer)}:{node.lineno} from {source} import {alias.name}")
                elif f"{source}.{alias.name}" in MODULES:
                    module_aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
        # attribute access through a framing module: `framing.stats.core._x`, `core._x`
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            chain, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in module_aliases:
                dotted = ".".join([value.id, *reversed(chain)])
                offenders.append(f"{_rel(importer)}:{node.lineno} uses {dotted} "
                                 f"({value.id} is {module_aliases[value.id]})")
    if offenders:
        pytest.fail(f"{len(offenders)} private name(s) taken from another framing module (make them public in "
                    "the module that owns them, or keep them inside):\n  " + "\n  ".join(sorted(offenders)),
                    pytrace=False)


def _private_class_attributes(tree: ast.AST) -> set[str]:
    """Private names a module's classes define: class-level names and methods, attributes they assign."""
    names: set[str] = set()
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        for node in ast.walk(cls):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
    return {name for name in names if _private(name)}


def _foreign_private_attributes(trees: dict[str, ast.AST]) -> list[str]:
    """``obj._name`` (``obj`` not ``self``/``cls``) or ``f(_name=...)`` in one module where ``_name`` is a
    private attribute of a class defined only in other framing modules (``lex._cache`` outside
    framing/lexicon/model.py). Types are not inferred: a name is matched to the classes that define it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for module, tree in trees.items():
        for name in _private_class_attributes(tree):
            owners[name].add(module)
    offenders = []
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and not (
                    isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                name, text = node.attr, ast.unparse(node)
            elif isinstance(node, ast.keyword) and node.arg:
                name, text = node.arg, f"{node.arg}=..."
            else:
                continue
            if name in owners and module not in owners[name]:
                offenders.append(f"{module}:{getattr(node, 'lineno', '?')} uses {text} "
                                 f"(private to {', '.join(sorted(owners[name]))})")
    return sorted(offenders)


def test_no_private_attribute_of_another_modules_class():
    offenders = _foreign_private_attributes(TREES)
    if offenders:
        pytest.fail(f"{len(offenders)} private attribute(s) of another module's class used (give the class a "
                    "public method for it):\n  " + "\n  ".join(offenders), pytrace=False)


def test_the_private_attribute_check_sees_the_cache_case():
    """The check above on made-up modules: the old ``lex._cache`` reads and ``replace(lex, _cache={})``."""
    model = ast.parse("class Lexicon:\n    _cache: dict\n    def cached(self, key):\n        return self._cache[key]\n")
    matcher = ast.parse("def compile_lexicon(lex):\n    c = lex._cache.get('compiled')\n"
                        "    lex._cache['compiled'] = c\n    return lex.cached('compiled')\n")
    dask = ast.parse("import dataclasses\ndef payload(lex):\n    return dataclasses.replace(lex, _cache={})\n")
    got = _foreign_private_attributes({"m.model": model, "m.matcher": matcher, "m.dask": dask})
    assert got == ["m.dask:3 uses _cache=... (private to m.model)",
                   "m.matcher:2 uses lex._cache (private to m.model)",
                   "m.matcher:3 uses lex._cache (private to m.model)"]
    assert _foreign_private_attributes({"m.model": model}) == []


def test_every_module_is_at_most_420_lines():
    long = sorted((len(path.read_text(encoding="utf-8").splitlines()), _rel(name)) for name, path in MODULES.items())
    offenders = [f"{rel}: {n} lines" for n, rel in reversed(long) if n > MAX_LINES]
    if offenders:
        pytest.fail(f"{len(offenders)} module(s) longer than {MAX_LINES} lines:\n  " + "\n  ".join(offenders),
                    pytrace=False)


def _defines_all(tree: ast.Module) -> bool:
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
        if isinstance(node, ast.ImportFrom) and any(alias.name == "__all__" for alias in node.names):
            return True  # the deprecated aliases re-export the moved module's __all__
    return False


def _docstring_only(tree: ast.Module) -> bool:
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    return not body


def test_every_module_has_all():
    """Every module lists its public names; a package ``__init__`` with only a docstring exports nothing."""
    offenders = sorted(_rel(name) for name, tree in TREES.items()
                       if not _defines_all(tree) and not (_is_package(name) and _docstring_only(tree)))
    if offenders:
        pytest.fail(f"{len(offenders)} module(s) without __all__:\n  " + "\n  ".join(offenders), pytrace=False)


def test_subpackages_are_the_flow_steps():
    present = {p.name for p in PACKAGE.iterdir()
               if p.is_dir() and p.name != "__pycache__" and (any(p.glob("*.py")) or (p / "__init__.py").exists())}
    missing_init = sorted(p.name for p in PACKAGE.iterdir()
                          if p.is_dir() and any(p.glob("*.py")) and not (p / "__init__.py").exists())
    problems = []
    if present - FLOW_STEPS:
        problems.append(f"unexpected subpackages: {sorted(present - FLOW_STEPS)}")
    if FLOW_STEPS - present:
        problems.append(f"missing subpackages: {sorted(FLOW_STEPS - present)}")
    if missing_init:
        problems.append(f"directories with modules but no __init__.py: {missing_init}")
    if problems:
        pytest.fail("framing/ subpackages differ from the flow steps:\n  " + "\n  ".join(problems), pytrace=False)


def test_the_graph_sees_function_level_and_relative_imports():
    """The checks above are only as good as the import resolution: exercise it on a made-up module."""
    source = ("def f():\n    from framing.stats import core\n    from . import vocabulary\n"
              "    import framing.corpus.reader\n    from framing.errors import FramingError\n")
    tree = ast.parse(source)
    got = {t for node in _runtime_imports(tree) for t, _n, _l in _targets("framing.vocabulary", node)}
    assert {"framing.stats.core", "framing.corpus.reader"} <= got
    assert ("framing.vocabulary" in got) == ("framing.vocabulary" in MODULES)
    assert ("framing.errors" in got) == ("framing.errors" in MODULES)
    guarded = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from framing.stats import core\n")
    assert not [t for node in _runtime_imports(guarded) for t in _targets("framing.vocabulary", node)]
