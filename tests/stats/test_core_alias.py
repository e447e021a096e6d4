"""framing.stats.core, the old single module, is a deprecated alias of framing.stats (issue 12)."""

import ast
import importlib
import sys
import warnings
from pathlib import Path

from framing import stats

ROOT = Path(__file__).resolve().parents[2]
OLD_ALL = ["log_odds_dirichlet", "keyness", "bh_qvalues", "js_divergence", "js_distance_matrix", "cluster_order",
           "wilson_interval", "dirichlet_interval", "bootstrap_shares", "bootstrap_index", "binomial_segmentation",
           "multinomial_segmentation"]  # what framing/stats/core.py exported before the split


def _import_fresh(name: str):
    sys.modules.pop(name, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(name)
    return module, [w for w in caught if issubclass(w.category, DeprecationWarning)]


def test_importing_the_old_path_warns_and_gives_every_name():
    core, warned = _import_fresh("framing.stats.core")
    assert len(warned) == 1 and "import from framing.stats" in str(warned[0].message)
    assert core.__all__ is stats.__all__  # the list is written once, in framing/stats/__init__.py
    assert set(OLD_ALL) <= set(core.__all__)
    for name in OLD_ALL:
        assert getattr(core, name) is getattr(stats, name)
    namespace: dict = {}
    exec("from framing.stats.core import *", namespace)  # the star import old code may use
    assert set(namespace) - {"__builtins__"} == set(stats.__all__)


def test_the_library_does_not_use_the_deprecated_path():
    users = []
    for path in sorted((ROOT / "framing").rglob("*.py")):
        if path == ROOT / "framing" / "stats" / "core.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module == "framing.stats.core") or (
                    isinstance(node, ast.ImportFrom) and node.module == "framing.stats"
                    and any(a.name == "core" for a in node.names)) or (
                    isinstance(node, ast.Import) and any(a.name == "framing.stats.core" for a in node.names)):
                users.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert users == []
