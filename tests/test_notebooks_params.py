"""Every notebook runs for any lexicon and any corpus, with papermill-injected parameters.

``make test`` runs a representative part: each notebook once on the demo corpus with a lexicon other
than the default (the bundled lexicons in turn, the categories-only ``markers`` included), and the
cases that once crashed (notebook 03 without change-point, notebook 05 with outlets smaller than the
folds) on a sample of SaudiNewsNet. ``make test-notebooks`` (FRAMING_NOTEBOOK_MATRIX=full) runs every
notebook × every bundled lexicon × {demo, SaudiNewsNet sample}, and every notebook on a single-outlet
corpus. SaudiNewsNet is read from
``../shared/corpora``; those cases skip when it is absent.
"""

from __future__ import annotations

import ast
import gzip
import os
from pathlib import Path

import nbformat
import pytest

import framing

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SNN = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
FULL = os.environ.get("FRAMING_NOTEBOOK_MATRIX", "") == "full"

NAMES = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
LEXICONS = sorted(framing.list_lexicons()["name"])
DEFAULT_LEXICON = "libya"
OTHERS = [lex for lex in LEXICONS if lex != DEFAULT_LEXICON] or LEXICONS


def _cases():
    if FULL:
        return ([(nb, lex, corpus) for corpus in ("demo", "snn") for lex in LEXICONS for nb in NAMES]
                + [(nb, DEFAULT_LEXICON, "one") for nb in NAMES])
    # each notebook once with a non-default lexicon, in turn, markers (no referent) first
    order = sorted(OTHERS, key=lambda lex: lex != "markers")
    cases = [(nb, order[i % len(order)], "demo") for i, nb in enumerate(NAMES)]
    cases += [(nb, DEFAULT_LEXICON, "snn") for nb in NAMES if nb.startswith(("03_", "05_"))]
    return cases


@pytest.fixture(scope="session")
def snn_sample(tmp_path_factory):
    """Every 20th article of SaudiNewsNet (~1,550 articles, all 14 outlets; some below 5 labelled ones)."""
    if not SNN.exists():
        pytest.skip(f"{SNN} is absent (real corpora live in ../shared/corpora)")
    path = tmp_path_factory.mktemp("snn") / "saudinewsnet_sample.jsonl"
    with gzip.open(SNN, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i % 20 == 0:
                out.write(line)
    return path


@pytest.fixture(scope="session")
def one_outlet(tmp_path_factory):
    """The demo corpus of a single outlet: nothing to compare, which the notebooks must say."""
    corpus = framing.read_corpus(framing.demo_path())
    one = corpus[corpus["outlet"] == corpus["outlet"].iloc[0]]
    path = tmp_path_factory.mktemp("one") / "one_outlet.jsonl"
    one.assign(date=one["date"].dt.strftime("%Y-%m-%d")).to_json(path, orient="records", lines=True,
                                                                  force_ascii=False)
    return path


def _run(name, parameters, out_dir):
    import papermill as pm

    out = out_dir / f"{name}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                        cwd=str(NOTEBOOKS), kernel_name="python3", progress_bar=False,
                        execution_timeout=600)
    return nbformat.read(out, as_version=4)


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _assert_ran(nb, parameters):
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected, "papermill found no cell tagged 'parameters'"
    for key, value in parameters.items():
        assert f"{key} = \"{value}\"" in injected[0].source
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert "Traceback" not in _text(nb)


@pytest.mark.parametrize("name,lexicon,corpus", _cases(), ids=lambda v: str(v))
def test_notebook_runs_with_injected_parameters(name, lexicon, corpus, request, tmp_path):
    fixture = {"snn": "snn_sample", "one": "one_outlet"}.get(corpus)
    path = str(request.getfixturevalue(fixture)) if fixture else "demo"
    parameters = {"CORPUS": path, "LEXICON": lexicon}
    nb = _run(name, parameters, tmp_path)
    _assert_ran(nb, parameters)
    text = _text(nb)
    assert f"Lexicon(name='{lexicon}'" in text  # the injected lexicon was the one used
    if name.startswith("05_"):
        features = framing.extract_features(framing.read_corpus(framing.demo.paths.resolve_corpus(path),
                                                                errors="collect"), lexicon)
        _, small = framing.outlets_for_folds(features, cv=5)
        for outlet in small.index:
            assert f"{outlet} ({small[outlet]})" in text, outlet


def test_notebook_03_explains_when_there_is_no_change_point(tmp_path):
    """`-p REFERENT gna` on the demo: the README's recipe once crashed here."""
    corpus = framing.read_corpus(framing.demo_path())
    features = framing.extract_features(corpus, "libya")
    referent = next(r for r in framing.referent_totals(features).index
                    if r != framing.demo.paths.planted_switch()["referent"]
                    and len(framing.change_points(features, referent=r)) == 0)
    name = next(n for n in NAMES if n.startswith("03_"))
    parameters = {"CORPUS": "demo", "LEXICON": "libya", "REFERENT": referent}
    nb = _run(name, parameters, tmp_path)
    _assert_ran(nb, parameters)
    assert f"No change-point for {framing.load_lexicon('libya').referents[referent].label}" in _text(nb)


def test_an_unknown_referent_is_named(tmp_path):
    import papermill as pm

    name = next(n for n in NAMES if n.startswith("02_"))
    with pytest.raises(pm.PapermillExecutionError, match="unknown referent 'nobody'"):
        _run(name, {"CORPUS": "demo", "LEXICON": "libya", "REFERENT": "nobody"}, tmp_path)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_code_names_no_referent_and_imports_only_framing(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    referents = {r for lex in LEXICONS for r in framing.load_lexicon(lex).referents}
    named = sorted(r for r in referents if f'"{r}"' in code or f"'{r}'" in code)
    assert not named, f"{name} names referents in its code: {named}"
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for key in ("CORPUS", "LEXICON", "REFERENT"):
        assert f"\n{key} = " in "\n" + params.source, key
    assert "\nREFERENT = None" in "\n" + params.source
    lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    modules = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    modules |= {node.module.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    assert modules <= {"framing"}, f"{name} imports {sorted(modules - {'framing'})}"
    defined = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))
               if hasattr(n, "name")]
    assert not defined, f"{name} defines {defined}: helpers belong in the library"


def _committed(prefix):
    return _text(nbformat.read(next(NOTEBOOKS.glob(f"{prefix}_*.ipynb")), as_version=4))


def test_committed_outputs_show_the_demo_findings():
    """nbval compares outputs with the committed ones; these say the committed ones are the findings, not a
    'skipped' line (a notebook built while matching was broken would validate too)."""
    planted = framing.demo.paths.planted_switch()
    text = _committed("03")
    assert f"planted: {planted['outlet']} {planted['referent']} {planted['month']}" in text
    assert f"found:   ['{planted['month']}']" in text
    text = _committed("04")
    assert "share_quoted" in text and "skipped" not in text
    text = _committed("05")
    assert "accuracy" in text and "left out" not in text
    for prefix in ("01", "02", "06"):
        assert "skipped" not in _committed(prefix), prefix
