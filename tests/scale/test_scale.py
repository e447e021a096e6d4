"""framing.scale: streaming extraction and the Dask path give the single-process results; only scale
sends a corpus to Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from framing.corpus.reader import read_corpus
from framing.errors import FramingError
from framing.features.extract import extract_features, extract_matches
from framing.lexicon.load import Lexicon
from framing.scale.dask import (
    cluster,
    dask_extract_features,
    dask_extract_matches,
    dask_label_counts,
    features_meta,
    lexicon_payload,
    matches_meta,
    read_corpus_dask,
)
from framing.scale.stream import extract_features_path

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "corpus.jsonl"

TOY = {"name": "toy_scale", "linkers": ["التابعة"], "referents": {
    "rebels": {"aliases": ["الثوار"], "labels": {"delegitimizing": ["عصابات"], "neutral": ["مقاتلي"]}},
    "army": {"aliases": ["الجيش"],
             "labels": {"legitimizing": ["قوات"], "delegitimizing": [{"term": "مرتزقة", "self": True}]}},
}}

TEXTS = [
    "هاجمت عصابات الثوار مواقع قوات الجيش قرب الميناء",
    "قال المتحدث: «مرتزقة» وصلوا إلى المدينة",
    "لا شيء هنا يخص الموضوع",
    "انسحب مقاتلي الثوار بعد أن تقدمت القوات التابعة للجيش",
    "وصف البيان مقاتلي الثوار بأنهم «عصابات الثوار المسلحة التي لا تعرف القانون»",
]


def _write_jsonl(path: Path, n: int) -> pd.DataFrame:
    rows = [{"doc_id": f"d{i}", "outlet": f"outlet{i % 3}", "date": f"2020-01-{1 + i % 28:02d}",
             "text": TEXTS[i % len(TEXTS)]} for i in range(n)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return pd.DataFrame(rows)


def _plain(df):
    df = df.reset_index(drop=True)
    df.attrs = {}
    return df


@pytest.mark.parametrize("voice", ["all", "own", "quoted"])
def test_streaming_equals_whole_corpus(tmp_path, voice):
    src = tmp_path / "c.jsonl"
    _write_jsonl(src, 23)
    whole = _plain(extract_features(read_corpus(src), TOY, voice=voice))
    streamed = extract_features_path(src, TOY, voice=voice, batch_size=4)
    assert streamed.attrs["n_read"] == 23 and streamed.attrs["n_rejected"] == 0
    pd.testing.assert_frame_equal(_plain(streamed), whole)
    assert whole.filter(like="label:").to_numpy().sum() > 0


def test_streaming_to_parquet(tmp_path):
    src = tmp_path / "c.jsonl"
    _write_jsonl(src, 11)
    out = extract_features_path(src, TOY, batch_size=3, out=tmp_path / "f.parquet")
    back = pd.read_parquet(out)
    whole = _plain(extract_features(read_corpus(src), TOY))
    assert list(back.columns) == list(whole.columns)
    pd.testing.assert_frame_equal(back[whole.columns[3:]], whole[whole.columns[3:]])
    assert back["doc_id"].tolist() == whole["doc_id"].tolist()


def test_streaming_collects_rejects(tmp_path):
    src = tmp_path / "c.jsonl"
    _write_jsonl(src, 5)
    with src.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "bad", "outlet": "x", "text": ""}\nnot json\n')
    got = extract_features_path(src, TOY, batch_size=2, errors="collect")
    assert len(got) == 5 and got.attrs["n_read"] == 7 and got.attrs["n_rejected"] == 2
    with pytest.raises(Exception, match="empty text"):
        extract_features_path(src, TOY, batch_size=2)


def test_lexicon_payload_sends_no_automaton():
    from framing.lexicon.matcher import compile_lexicon

    lex = Lexicon.from_dict(TOY)
    compiled = compile_lexicon(lex)
    token, payload = lexicon_payload(lex)
    assert isinstance(payload, Lexicon) and payload.cached("compiled", lambda: None) is None
    assert compile_lexicon(lex) is compiled
    assert lexicon_payload(Lexicon.from_dict(TOY))[0] == token
    assert lexicon_payload("libya")[1] == "libya"


@pytest.mark.skipif(not DEMO.exists(), reason="demo corpus not built")
def test_metas_match_pandas_dtypes():
    # the pandas path's dtypes depend on content (an all-missing column stays object); the metas are
    # those of a read corpus whose matches include every kind
    corpus = read_corpus(DEMO).head(300)
    m = extract_matches(corpus, "libya")
    assert m[["category", "referent", "stance", "alias"]].notna().any().all()
    assert m.dtypes.to_dict() == matches_meta().dtypes.to_dict()
    f = extract_features(corpus, "libya")
    assert f.dtypes.to_dict() == features_meta("libya").dtypes.to_dict()


def test_dask_rejects_pandas_and_bad_arguments():
    with pytest.raises(FramingError, match="dask DataFrame"):
        dask_extract_features(pd.DataFrame({"text": ["x"]}), TOY)
    with pytest.raises(FramingError, match="scheduler"), cluster(scheduler="localhost"):
        pass
    with pytest.raises(FramingError, match=r"corpus\.csv: no such file or directory"):
        read_corpus_dask("corpus.csv")  # every format read_corpus reads (issue 14), checked before any work


def test_top_level_extract_sends_dask_to_scale_and_features_refuses_it():
    import dask.dataframe as dd

    import framing
    import framing.features

    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(TEXTS))], "outlet": ["A", "B", "A", "B", "A"],
                           "date": pd.Series(pd.Timestamp("2020-01-01"), index=range(5)).astype("datetime64[ns]"),
                           "text": TEXTS})
    ddf = dd.from_pandas(corpus, npartitions=2)
    feats = framing.extract_features(ddf, TOY, voice="all")
    assert type(feats).__module__.startswith("dask")
    pd.testing.assert_frame_equal(_plain(feats.compute()), _plain(extract_features(corpus, TOY, voice="all")))
    matches = framing.extract_matches(ddf, TOY, scope="in")
    assert type(matches).__module__.startswith("dask")
    want = _plain(extract_matches(corpus, TOY, scope="in"))
    assert not want["in_scope"].eq(False).any() and len(want)
    # pandas leaves an all-missing column (no category here) as object; the Dask result has the declared dtypes
    pd.testing.assert_frame_equal(_plain(matches.compute()), want.astype(matches_meta().dtypes.to_dict()))
    # pandas goes to framing.features unchanged
    pd.testing.assert_frame_equal(framing.extract_features(corpus, TOY), extract_features(corpus, TOY))
    with pytest.raises(FramingError, match=r"framing\.scale\.dask_extract_features"):
        framing.features.extract_features(ddf, TOY)
    with pytest.raises(FramingError, match=r"framing\.scale\.dask_extract_matches"):
        extract_matches(ddf, TOY)
    with pytest.raises(FramingError, match="scope"):
        framing.extract_matches(ddf, TOY, scope="out")
    with pytest.raises(FramingError, match="Dask"):  # the reading tools take pandas too
        framing.kwic(ddf, "قوات", lexicon=TOY)


@pytest.fixture(scope="module")
def client():
    with cluster(workers=2, memory_limit="1GB") as c:
        yield c


@pytest.mark.skipif(not DEMO.exists(), reason="demo corpus not built")
def test_dask_cluster_matches_single_process(client, tmp_path):
    assert len(client.scheduler_info()["workers"]) == 2
    ddf = read_corpus_dask(DEMO, blocksize=600_000)
    assert ddf.npartitions >= 2
    corpus = read_corpus(DEMO)

    feats = dask_extract_features(ddf, "libya", voice="own")
    want = _plain(extract_features(corpus, "libya", voice="own"))
    pd.testing.assert_frame_equal(_plain(feats.compute()), want)

    matches = dask_extract_matches(ddf, "libya")
    pd.testing.assert_frame_equal(_plain(matches.compute()), _plain(extract_matches(corpus, "libya")))

    counts = dask_label_counts(feats, by=["outlet"])
    long = want.melt(id_vars=["outlet"], value_vars=[c for c in want.columns if c.startswith("label:")])
    expect = long.groupby(["outlet", "variable"])["value"].sum()
    for row in counts.itertuples():
        assert row.count == expect[(row.outlet, f"label:{row.referent}:{row.stance}")]
    assert counts.groupby("outlet")["n_docs"].first().to_dict() == want["outlet"].value_counts().to_dict()
    assert counts["count"].sum() == want.filter(like="label:").to_numpy().sum()


def test_dask_custom_lexicon_and_parquet(client, tmp_path):
    src = tmp_path / "c.jsonl"
    _write_jsonl(src, 40)
    corpus = read_corpus(src)
    pq = tmp_path / "c.parquet"
    corpus.attrs = {}
    corpus.to_parquet(pq)
    ddf = read_corpus_dask(pq)
    got = _plain(dask_extract_features(ddf, Lexicon.from_dict(TOY)).compute())
    pd.testing.assert_frame_equal(got, _plain(extract_features(corpus, TOY)))
    ddf = read_corpus_dask(src, blocksize=1000)
    assert ddf.npartitions > 1
    got = _plain(dask_extract_features(ddf, TOY).compute())
    pd.testing.assert_frame_equal(got, _plain(extract_features(corpus, TOY)))


def test_dask_validation_names_partition(client, tmp_path):
    src = tmp_path / "c.jsonl"
    _write_jsonl(src, 4)
    with src.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "z", "outlet": "x", "text": "   "}\n')
    with pytest.raises(Exception, match="empty text"):
        read_corpus_dask(src).compute()
