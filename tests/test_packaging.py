"""The project's packaging stays consistent: environment.yml mirrors pyproject.toml; import is cheap."""

import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_requirements():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return sorted(r.replace(" ", "") for r in reqs)


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = sorted(r.replace(" ", "") for r in pip_section if not r.startswith("-e"))
    assert listed == _pyproject_requirements()


def test_environment_yml_says_ci_does_not_use_it():
    head = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()[:5]
    assert any("CI does not exercise" in line for line in head)


def test_matplotlib_lower_bound_shapes_arabic():
    assert "matplotlib>=3.11" in _pyproject_requirements()


def test_import_is_light():
    code = (
        "import sys, framing; "
        "heavy = [m for m in ('pandas', 'matplotlib', 'sklearn', 'dask', 'scipy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import framing pulled in: {out.stdout.strip()}"


def test_every_export_resolves():
    import framing

    missing = []
    for name in framing.__all__:
        try:
            getattr(framing, name)
        except (AttributeError, ImportError) as exc:
            missing.append(f"{name}: {exc}")
    assert not missing, missing


def test_readme_script_example_runs(capsys):
    """The README's script example runs as written (on the demo corpus instead of my_corpus.jsonl)."""
    import re

    import framing

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use it in a script\s+```python\n(.*?)```", readme, re.S).group(1)
    assert len(block.strip().splitlines()) <= 12
    code = block.replace('"my_corpus.jsonl"', repr(str(framing.demo_path())))
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)  # the README's own example, nothing else
    assert {"outlet", "stance", "share", "lo", "hi"} <= set(namespace["shares"].columns)
    assert "stance" in capsys.readouterr().out


def test_no_export_shares_its_name_with_a_submodule():
    """Importing framing.X rebinds the package attribute X to the module: a function named like a
    module would then stop being callable as framing.X."""
    import framing

    modules = {p.stem for p in (ROOT / "framing").glob("*.py")}
    modules |= {p.parent.name for p in (ROOT / "framing").glob("*/__init__.py")}  # the subpackages
    assert not (set(framing._EXPORTS) & modules)


def test_exports_stay_callable_after_their_modules_are_imported():
    code = (
        "import importlib, framing\n"
        "for mod in set(framing._EXPORTS.values()): importlib.import_module(mod)\n"
        "bad = [n for n in framing._EXPORTS if type(getattr(framing, n)).__name__ == 'module']\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_type_information_is_shipped():
    """framing/py.typed marks the package as typed (PEP 561) and goes into the wheel."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert (ROOT / "framing" / "py.typed").is_file()
    assert "py.typed" in data["tool"]["setuptools"]["package-data"]["framing"]


def test_lint_config_has_no_blanket_ignores():
    """mypy: missing stubs excused per module only, no ignore_errors and no error code switched off;
    ruff: per-file ignores only for the deprecated star-import aliases, each with its codes named."""
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    mypy = tool["mypy"]
    assert mypy["files"] == ["framing"]
    assert "ignore_missing_imports" not in mypy and "ignore_errors" not in mypy
    assert "disable_error_code" not in mypy
    for override in mypy.get("overrides", []):
        assert set(override) <= {"module", "ignore_missing_imports"}, override
    per_file = tool["ruff"]["lint"].get("per-file-ignores", {})
    assert set(per_file) <= {"framing/charts.py", "framing/report.py", "framing/simulate.py"}
    assert all(codes and all(code[0].isalpha() and code[-1].isdigit() for code in codes)
               for codes in per_file.values())


def test_all_lists_exactly_the_lazy_exports():
    import framing

    expected = {*framing._EXPORTS, *framing._SUBMODULES, "__version__"}
    assert set(framing.__all__) == expected, sorted(set(framing.__all__) ^ expected)
    assert list(framing.__all__) == sorted(framing.__all__)
