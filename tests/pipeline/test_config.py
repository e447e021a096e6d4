"""One frozen configuration for `analyze`, checked before anything is read or written (issue 12)."""

from __future__ import annotations

import dataclasses
import inspect
import json
import pickle

import pandas as pd
import pytest

import framing
from framing.errors import CorpusError, FramingError, LexiconError
from framing.pipeline import analyze as pipeline
from framing.pipeline.analyze import analyze
from framing.pipeline.config import AnalysisConfig, ConfigError

ROWS = [
    {"doc_id": "a1", "outlet": "صحيفة الأفق", "date": "2020-01-05", "text": "تقدمت ميليشيات حفتر نحو العاصمة طرابلس"},
    {"doc_id": "a2", "outlet": "Wadi Times", "date": "2020-02-07", "text": "أعلن الجيش الوطني الليبي سيطرته"},
    {"doc_id": "a3", "outlet": "صحيفة الأفق", "date": "2020-03-09", "text": "قالت حكومة الوفاق إنها صدت الهجوم"},
    {"doc_id": "a4", "outlet": "Wadi Times", "date": "2020-04-11", "text": "قصفت قوات حفتر أحياء في جنوب طرابلس ليلا"},
]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    return path


def test_the_fields_are_the_parameters_of_analyze():
    params = list(inspect.signature(analyze).parameters)
    fields = [f.name for f in dataclasses.fields(AnalysisConfig)]
    assert params == ["corpus", *fields, "config"]
    for f in dataclasses.fields(AnalysisConfig):  # same defaults
        assert inspect.signature(analyze).parameters[f.name].default == f.default, f.name
    assert framing.AnalysisConfig is AnalysisConfig


BAD = [
    ({"top": 0}, "top"), ({"top": True}, "top"), ({"n_boot": 0}, "n_boot"), ({"seed": -1}, "seed"),
    ({"batch_size": 0}, "batch_size"), ({"workers": 0}, "workers"), ({"scheduler": "localhost"}, "scheduler"),
    ({"freq": "0D"}, "freq"), ({"freq": "-1D"}, "freq"), ({"freq": "months"}, "freq"), ({"freq": 3}, "freq"),
    ({"voice": "mine"}, "voice"), ({"method": "t_test"}, "method"), ({"copies": "drop"}, "copies"),
    ({"errors": "ignore"}, "errors"), ({"by": ""}, "by"), ({"by": ["outlet"]}, "by"), ({"by": "n_tokens"}, "by"),
    ({"by": "label:gna:neutral"}, "by"), ({"columns": {"body": 1}}, "columns"), ({"columns": "body=text"}, "columns"),
    ({"force": "yes"}, "force"), ({"progress": 1}, "progress"), ({"lexicon": 3}, "lexicon"), ({"out": ""}, "out"),
]


@pytest.mark.parametrize(("kwargs", "name"), BAD, ids=[f"{k}={v!r}" for (kw, _) in BAD for k, v in kw.items()])
def test_each_bad_value_names_its_parameter_before_any_work(kwargs, name, corpus, tmp_path, monkeypatch):
    def no_reading(*args, **kw):
        raise AssertionError("the corpus was read before the arguments were checked")

    monkeypatch.setattr("framing.pipeline.extraction.iter_corpus", no_reading)
    with pytest.raises(ConfigError) as info:
        AnalysisConfig(**kwargs)
    assert str(info.value).startswith(f"{name}:"), str(info.value)
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match=f"^{name}:"):
        analyze(corpus, **{"lexicon": "libya", "out": out, **kwargs})
    assert not out.exists()
    assert isinstance(info.value, FramingError) and isinstance(info.value, ValueError)


def test_good_values_pass():
    config = AnalysisConfig(freq="W-MON", voice="all", n_boot=1, seed=None, top=1, workers=2,
                            scheduler="tcp://10.0.0.5:8786", columns={"body": "text"}, copies="keep", progress=False)
    assert config.uses_dask and config.read_options() == {"errors": "collect", "columns": {"body": "text"},
                                                          "batch_size": 5000}


def test_the_configuration_is_frozen_and_pickles():
    columns = {"body": "text"}
    config = AnalysisConfig(columns=columns, top=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.top = 4  # type: ignore[misc]
    columns["source"] = "outlet"  # the caller's dict changes: the configuration does not
    assert dict(config.columns) == {"body": "text"}
    with pytest.raises(TypeError):
        config.columns["x"] = "y"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(config)) == config
    assert config.replace(top=5).top == 5
    with pytest.raises(ConfigError, match=r"^top:"):
        config.replace(top=-1)


def test_validate_checks_the_file_system_first(corpus, tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^out: .*not empty.*--force"):
        analyze(corpus, "libya", kept)
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^out: .*is a file"):
        analyze(corpus, "libya", a_file)
    with pytest.raises(ConfigError, match=r"^out: cannot make the folder"):
        analyze(corpus, "libya", a_file / "sub")
    with pytest.raises(CorpusError, match="no such file"):
        analyze(tmp_path / "missing.jsonl", "libya", tmp_path / "o1")
    with pytest.raises(LexiconError):
        analyze(corpus, tmp_path / "missing.yaml", tmp_path / "o2")
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_a_corpus_among_the_files_analyze_writes_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    corpus = out / "features.csv"
    pd.DataFrame(ROWS).to_csv(corpus, index=False)
    with pytest.raises(ConfigError, match=r"^out: the corpus .* is one of the files analyze writes"):
        analyze(corpus, "libya", out, force=True)
    assert corpus.exists() and [p.name for p in out.iterdir()] == ["features.csv"]


def test_a_grouping_column_missing_from_the_corpus_is_one_clear_error(corpus, tmp_path):
    for copies in ("exclude", "keep"):
        with pytest.raises(FramingError, match="by: column 'desk' is not in the corpus; columns: doc_id, outlet"):
            analyze(corpus, "libya", tmp_path / copies, by="desk", copies=copies, n_boot=10)


def test_config_gives_the_same_run(corpus, tmp_path):
    config = AnalysisConfig(lexicon="libya", out=tmp_path / "a", n_boot=20, top=2, freq="W-MON")
    res = analyze(corpus, config=config)
    again = analyze(corpus, "libya", tmp_path / "b", n_boot=20, top=2, freq="W-MON")
    assert list(res.tables) == list(again.tables) and res.notes == again.notes
    for name in ("features", "label_shares", "trends"):
        assert res.tables[name][0].read_bytes() == again.tables[name][0].read_bytes(), name
    with pytest.raises(FramingError, match=r"not both.*top"):
        analyze(corpus, config=config, top=3)
    with pytest.raises(FramingError, match="config: expected an AnalysisConfig"):
        analyze(corpus, config={"top": 3})


def test_report_sections_are_read_from_the_pipeline_module(corpus, tmp_path, monkeypatch):
    """REPORT_SECTIONS replaced on framing.pipeline.analyze (as tests and benchmarks do) is what runs."""
    monkeypatch.setattr(pipeline, "REPORT_SECTIONS", [])
    res = analyze(corpus, "libya", tmp_path / "out", n_boot=10)
    assert "attention" not in res.tables and not any(k.startswith("section ") for k in res.timings)
