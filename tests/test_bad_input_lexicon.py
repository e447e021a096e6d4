"""Bad-input catalogue, round two: hostile lexicon files (tests/badinput/round2_lexicon.py).

Each case goes through the library (``load_lexicon``), ``framing lexicon check FILE`` and
``framing analyze CORPUS --lexicon FILE --out DIR`` (both as subprocesses): a bad file gives exit 1,
one line on stderr naming the file and the place, no traceback, and no output folder; a good one loads
and checks (exit 0).
"""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest
from badinput.round2_lexicon import DOLLAR_LEXICON, LEXICON_CASES_2, LexCase2, billion_laughs, tiny_corpus
from helpers.command import CLASSES, run_framing, slow_params

from framing.errors import LexiconError
from framing.lexicon.load import MAX_BYTES, MAX_DEPTH, MAX_VALUES, Lexicon, load_lexicon


def _one_line_error(stderr: str, command: str, path: Path, case: LexCase2) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    head = f"framing {command}: error: {path}"
    assert lines[0].startswith(head), lines[0]
    rest = lines[0][len(head):]
    assert re.search(case.pattern, rest), rest
    if case.where is not None:
        place = rest[2:].split(": ", 1)[0]
        assert rest.startswith(", ") and re.search(case.where, place), rest


def test_catalogue_round2_lexicon_is_tallied():
    names = [c.name for c in LEXICON_CASES_2]
    assert len(names) == len(set(names)) >= 15
    assert {c.cls for c in LEXICON_CASES_2} <= CLASSES
    assert all(c.outcome in ("error", "ok") and c.before for c in LEXICON_CASES_2)


@pytest.mark.parametrize("case", slow_params(LEXICON_CASES_2), ids=repr)
def test_round2_lexicon_library(case, tmp_path):
    path = case.make(tmp_path)
    if case.outcome == "ok":
        lex = load_lexicon(path)
        assert isinstance(lex, Lexicon) and case.check is not None and case.check(lex)
        return
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    err = info.value
    assert err.source == str(path) and str(err).startswith(str(path))
    assert "\n" not in str(err)
    assert re.search(case.pattern, str(err)), str(err)
    if case.where is not None:
        assert err.where is not None and re.search(case.where, err.where), err.where


@pytest.mark.parametrize("case", slow_params(LEXICON_CASES_2), ids=repr)
def test_round2_lexicon_check_command(case, tmp_path):
    path = case.make(tmp_path)
    proc = run_framing("lexicon", "check", str(path))
    if case.outcome == "ok":
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("ok: ") and "Traceback" not in proc.stderr
        return
    assert proc.returncode == 1, proc.stderr
    _one_line_error(proc.stderr, "lexicon", path, case)


ERROR_CASES = [c for c in LEXICON_CASES_2 if c.outcome == "error"]


@pytest.mark.parametrize("case", slow_params(ERROR_CASES), ids=repr)
def test_round2_lexicon_analyze_command(case, tmp_path, capsys):
    """A bad lexicon stops ``analyze`` before any work: exit 1, one line, no output folder (in process)."""
    from framing.cli import main

    path = case.make(tmp_path)
    corpus = tiny_corpus(tmp_path)
    out = tmp_path / "out"
    code = main(["analyze", str(corpus), "--lexicon", str(path), "--out", str(out), "--n-boot", "20"])
    assert code == 1
    _one_line_error(capsys.readouterr().err, "analyze", path, case)
    assert not out.exists()


@pytest.mark.parametrize("name", ["recursive_alias_mapping", "deep_nested_lists", "billion_laughs"])
def test_round2_lexicon_analyze_subprocess(name, tmp_path):
    case = next(c for c in ERROR_CASES if c.name == name)
    path = case.make(tmp_path)
    corpus = tiny_corpus(tmp_path)
    out = tmp_path / "out"
    proc = run_framing("analyze", str(corpus), "--lexicon", str(path), "--out", str(out), "--n-boot", "20")
    assert proc.returncode == 1, proc.stderr
    _one_line_error(proc.stderr, "analyze", path, case)
    assert not out.exists()


@pytest.mark.slow  # a whole analysis with charts (~10 s)
def test_round2_mathtext_lexicon_analyze(tmp_path):
    """A lexicon whose labels and terms hold ``$…$`` and ``{`` loads, and ``analyze`` with it completes."""
    path = tmp_path / "math.yaml"
    path.write_text(DOLLAR_LEXICON, encoding="utf-8")
    corpus = tiny_corpus(tmp_path)
    out = tmp_path / "out"
    proc = run_framing("analyze", str(corpus), "--lexicon", str(path), "--out", str(out), "--n-boot", "20")
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"read 40 · accepted 40 · rejected 0", proc.stdout), proc.stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    assert any(out.rglob("*.png"))


# --- the limits, by size --------------------------------------------------------------------------------------
def test_limits_are_far_above_the_bundled_lexicons():
    from framing.lexicon.load import bundled_dir, bundled_names, parse_lexicon_yaml

    for name in bundled_names():
        raw = (bundled_dir() / f"{name}.yaml").read_bytes()
        assert len(raw) * 50 < MAX_BYTES
        _, lines = parse_lexicon_yaml(raw.decode("utf-8"), f"{name}.yaml")
        assert len(lines) * 50 < MAX_VALUES
        depth = max(k.count(".") + k.count("[") for k in lines)
        assert depth * 4 < MAX_DEPTH, (name, depth)


@pytest.mark.parametrize("levels", [5, 6, 12, 40])
def test_billion_laughs_refused_by_size(tmp_path, levels):
    """9**levels values after expansion: refused past MAX_VALUES, whatever the level, in bounded memory."""
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs(levels=levels), encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(LexiconError) as info:
            load_lexicon(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    expanded = sum(9 ** k for k in range(1, levels + 1)) + 9 ** levels
    if expanded > MAX_VALUES:
        assert "billion laughs" in str(info.value)
    else:  # small enough to load; the lexicon then names its unknown keys
        assert "unknown key 'a0'" in str(info.value)
    assert peak < 150 * 2**20, peak


def test_depth_limit_is_exact(tmp_path):
    """MAX_DEPTH levels load (the YAML part); one more is refused, naming the line."""

    def doc(depth: int) -> str:  # top (1) > categories (2) > c: lists at 3 .. depth - 1 > the term at depth
        return "name: toy\ncategories:\n  c: " + "[" * (depth - 3) + "ها" + "]" * (depth - 3) + "\n"

    path = tmp_path / "deep.yaml"
    path.write_text(doc(MAX_DEPTH), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"an entry is a term .* got list"):
        load_lexicon(path)
    path.write_text(doc(MAX_DEPTH + 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=f"nest more than {MAX_DEPTH} levels") as info:
        load_lexicon(path)
    assert info.value.where is not None and info.value.where.startswith("line 3, ")


def test_size_limit_counts_bytes_read(tmp_path, monkeypatch):
    """The cap is on the bytes read, so a file of exactly MAX_BYTES is parsed, one byte more is not."""
    from badinput import GOOD_LEXICON

    limit = 20_000
    monkeypatch.setattr("framing.lexicon.load.MAX_BYTES", limit)
    body = GOOD_LEXICON.encode("utf-8")
    path = tmp_path / "big.yaml"
    path.write_bytes(body + b"#" * (limit - len(body) - 1) + b"\n")
    assert path.stat().st_size == limit
    assert load_lexicon(path).name == "toy"
    path.write_bytes(body + b"#" * (limit - len(body)) + b"\n")
    with pytest.raises(LexiconError, match=r"larger than 0\.02 MB"):
        load_lexicon(path)
    assert MAX_BYTES == 5_000_000


def test_aliases_within_limits_still_work(tmp_path):
    """Anchors and aliases are allowed: the same data as PyYAML's safe_load, and line numbers kept."""
    import yaml

    from framing.lexicon.load import parse_lexicon_yaml

    text = ("name: toy\nshared: &s [مليشيا, ميليشيات]\nreferents:\n  camp:\n    aliases: [حفتر]\n    labels:\n"
            "      delegitimizing: [{term: ميليشيا, variants: *s}]\n      neutral: [قوات]\n")
    data, lines = parse_lexicon_yaml(text, "x.yaml")
    assert data == yaml.safe_load(text)
    assert lines["referents.camp.labels.delegitimizing[0].variants"] == 7
    assert lines["referents.camp.labels.neutral[0]"] == 8
