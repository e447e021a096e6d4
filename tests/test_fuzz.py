"""Fuzzing: normalize, find_matches, extract_features and read_corpus on generated input.

Only documented errors (FramingError subclasses) may escape; spans are valid; label counts of a
document equal its label matches in the same voice. A short run by default; ``FRAMING_FUZZ=long``
(``make fuzz``) runs many more examples.
"""

from __future__ import annotations

import json
import os
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.errors import FramingError

LONG = os.environ.get("FRAMING_FUZZ") == "long"
FUZZ = settings(max_examples=2000 if LONG else 60, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

LEXICON = {
    "name": "fuzz",
    "linkers": ["الموالية"],
    "titles": ["اللواء"],
    "categories": {"hedge": ["ما يسمى", "المزعوم"]},
    "referents": {
        "camp": {"aliases": ["حفتر", "خليفة حفتر"],
                 "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
                            "neutral": ["قوات"],
                            "legitimizing": [{"term": "الجيش الوطني", "self": True}]}},
        "gov": {"aliases": ["الوفاق"], "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["حكومة"]}},
    },
}

WORDS = ["ميليشيا", "مليشيات", "وميليشيا", "قوات", "القوات", "حفتر", "لحفتر", "خليفة", "اللواء", "الموالية",
         "الوفاق", "حكومة", "الجيش", "الوطني", "ما", "يسمى", "المزعومة", "قال", "«", "»", '"', "“", "”", ".",
         "،", "\u0640", "\u064e", "\u0651", "\u200f", "\u202e", "\u200b", "\u00a0", "أ", "إ", "ى", "ة", "٣",
         "\n", " ", "<b>", "&amp;", "\ufffd"]

# text made of lexicon words, quotes, marks, controls and arbitrary unicode (surrogates excluded:
# they cannot come out of a file; the reader turns escaped ones into U+FFFD)
pieces = st.one_of(st.sampled_from(WORDS), st.text(max_size=4))
texts = st.lists(pieces, max_size=40).map(" ".join) | st.text(max_size=80)


@pytest.fixture(scope="module")
def lex():
    from framing.lexicon.load import Lexicon

    return Lexicon.from_dict(LEXICON)


@FUZZ
@given(text=texts, profile=st.sampled_from(["search", "search_hamza", "display"]))
def test_fuzz_normalize(text, profile):
    from framing.text.normalization import normalize, normalize_with_offsets

    out = normalize(text, profile=profile)
    assert isinstance(out, str)
    assert normalize(out, profile=profile) == out  # idempotent
    norm, offsets = normalize_with_offsets(text, profile=profile)
    assert norm == out
    assert len(offsets) == len(norm)
    assert all(0 <= o < len(text) for o in offsets)
    assert list(offsets) == sorted(offsets)
    if profile == "display":
        assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@FUZZ
@given(text=texts)
def test_fuzz_find_matches_spans(lex, text):
    from framing.lexicon.matcher import find_matches

    matches = find_matches(text, lex, kinds=("category", "label", "alias"))
    last = -1
    for m in matches:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
        assert m.start >= last  # sorted by position
        last = m.start
        assert m.kind in ("category", "label", "alias")
        if m.kind == "label":
            assert m.referent in lex.referents and m.stance in lex.referents[m.referent].labels
        if m.kind == "category":
            assert m.category in lex.categories


@FUZZ
@given(docs=st.lists(texts, min_size=1, max_size=6), voice=st.sampled_from(["all", "own", "quoted"]))
def test_fuzz_features_equal_matches(lex, docs, voice):
    from framing.features.extract import extract_features, extract_matches

    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(docs))], "outlet": "o",
                           "text": pd.Series(docs, dtype=object)})
    feats = extract_features(corpus, lex, voice=voice)
    matches = extract_matches(corpus, lex, voice=voice)
    assert list(feats["doc_id"]) == list(corpus["doc_id"])
    labels = matches[matches["kind"] == "label"]
    cats = matches[matches["kind"] == "category"]
    for i, doc in enumerate(corpus["doc_id"]):
        row = feats.iloc[i]
        for ref in lex.referents.values():
            for stance in ref.labels:
                col = f"label:{ref.name}:{stance}"
                expect = int(((labels["doc_id"] == doc) & (labels["referent"] == ref.name)
                              & (labels["stance"] == stance)).sum())
                assert row[col] == expect, (col, docs[i])
        for cat in lex.categories:
            expect = int(((cats["doc_id"] == doc) & (cats["category"] == cat)).sum())
            assert row[f"cat:{cat}"] == expect
        assert row["n_tokens"] == len(docs[i].split())


# --- read_corpus on generated files ----------------------------------------------------------------------------
field_values = st.one_of(texts, st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                         st.lists(st.integers(), max_size=2), st.sampled_from(["2020-01-02", "أمس", "", "13/45/2020"]))
records = st.fixed_dictionaries(
    {"outlet": st.one_of(st.sampled_from(["الساحل", "الجبل"]), field_values),
     "text": st.one_of(texts, field_values)},
    optional={"doc_id": st.one_of(st.sampled_from(["a", "b", "c"]), field_values), "date": field_values,
              "title": field_values},
)
bad_lines = st.sampled_from(['{"outlet": "x", "text": "غير مكتمل', "[1, 2]", "null", "{", "}",
                             '{"outlet": "x", "text": "\\ud800"}', "\u0000", "\ufeff{}", "not json"])
jsonl_lines = st.lists(st.one_of(records.map(lambda r: json.dumps(r, ensure_ascii=False)), bad_lines),
                       min_size=1, max_size=12)


def _check_accounting(path, errors):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from framing.corpus.reader import read_corpus

        df = read_corpus(path, errors=errors)
    rej = df.attrs["rejects"]
    assert df.attrs["n_read"] == len(df) + len(rej)
    assert list(df.columns[:6]) == ["doc_id", "outlet", "date", "title", "text", "url"]
    assert df["doc_id"].is_unique
    assert not any("\ud800" <= ch <= "\udfff" for s in df["text"] for ch in s)
    assert all(isinstance(s, str) and s.strip() for s in df["text"])
    if len(rej):
        assert rej["line"].min() >= 1 and rej["reason"].map(bool).all()
    return df


@FUZZ
@given(lines=jsonl_lines)
def test_fuzz_read_corpus_jsonl(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fz") / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for errors in ("collect", "raise"):
        try:
            _check_accounting(path, errors)
        except FramingError:
            pass


cells = st.one_of(texts, st.sampled_from(['"', '""', ",", "\n", "\r\n", ";", "\t", "الساحل", "2020-01-02"]))


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8),
       header=st.sampled_from(["outlet,text", "doc_id,outlet,date,text", "text;outlet", "outlet,text,title"]),
       raw=st.booleans())
def test_fuzz_read_corpus_csv(tmp_path_factory, rows, header, raw):
    import csv
    import io

    buf = io.StringIO()
    if raw:  # rows joined by hand: stray quotes and ragged rows
        buf.write(header + "\n" + "\n".join(",".join(r) for r in rows) + "\n")
    else:
        buf.write(header + "\n")
        csv.writer(buf, lineterminator="\n").writerows(rows)
    path = tmp_path_factory.mktemp("fz") / "c.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    for errors in ("collect", "raise"):
        try:
            _check_accounting(path, errors)
        except FramingError:
            pass


@FUZZ
@given(data=st.binary(min_size=1, max_size=300), name=st.sampled_from(["c.jsonl", "c.csv", "c.json", "c.jsonl.gz"]))
def test_fuzz_read_corpus_bytes(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("fz") / name
    path.write_bytes(data)
    try:
        _check_accounting(path, "collect")
    except FramingError:
        pass
