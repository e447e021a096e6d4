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
from hypothesis import HealthCheck, event, given, settings
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


# --- lexicon YAML ----------------------------------------------------------------------------------------------
# Whatever the file holds, load_lexicon gives a Lexicon or a LexiconError naming the file: never another
# exception, never a hang (the loader's limits: MAX_BYTES, MAX_DEPTH, MAX_VALUES after alias expansion).
def _load_or_refuse(path):
    from framing.errors import LexiconError
    from framing.lexicon.load import Lexicon, load_lexicon

    try:
        lex = load_lexicon(path)
    except LexiconError as exc:
        assert str(exc).startswith(str(path)) and exc.source == str(path)
        event("refused: " + ("limit" if "billion laughs" in str(exc) or "nest more" in str(exc) else "other"))
        return exc
    assert isinstance(lex, Lexicon) and (lex.categories or lex.referents)
    event("loaded")
    return lex


yaml_scalars = st.one_of(texts, st.integers(), st.integers(min_value=10 ** 30, max_value=10 ** 300),
                         st.floats(allow_nan=True), st.booleans(), st.none(), st.dates(), st.binary(max_size=6),
                         st.sampled_from(["ميليشيا", "قوات", "حفتر", "", " ", "*", "ما *", "$x$", "{", "}",
                                          "\u200f", "2020-01-01", "self", "term"]))
YAML_KEYS = ["name", "version", "window", "categories", "referents", "aliases", "labels", "label", "term",
             "variants", "self", "inflect", "context", "valid", "exclude", "from", "to", "terms", "description",
             "qualifies", "neutral", "delegitimizing", "legitimizing", "hedge", "camp", "linkers", "titles",
             "undated", "audit", "status", "negators", "modifiers", "heads", "window", "note", "head"]
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.one_of(st.sampled_from(YAML_KEYS), texts),
                                                                inner, max_size=4),
    max_leaves=24)
# places in the fuzz lexicon where a random value is put
LEXICON_PLACES = [(), ("name",), ("version",), ("window",), ("categories",), ("categories", "hedge"),
                  ("referents",), ("referents", "camp"), ("referents", "camp", "aliases"),
                  ("referents", "camp", "labels"), ("referents", "camp", "labels", "neutral"),
                  ("referents", "camp", "labels", "delegitimizing", 0),
                  ("referents", "camp", "labels", "delegitimizing", 0, "variants"),
                  ("referents", "camp", "valid"), ("referents", "camp", "context"), ("referents", "gov", "label"),
                  ("linkers",), ("titles",), ("exclude",), ("negators",), ("audit",), ("undated",), ("modifiers",)]


def _put(doc, place, value):
    import copy

    if not place:
        return value
    doc = copy.deepcopy(doc)
    node = doc
    for key in place[:-1]:
        node = node[key]
    node[place[-1]] = value
    return doc


@FUZZ
@given(place=st.sampled_from(LEXICON_PLACES), value=yaml_values, flow=st.sampled_from([None, True, False]),
       unicode=st.booleans())
def test_fuzz_lexicon_yaml_structures(tmp_path_factory, place, value, flow, unicode):
    import yaml

    text = yaml.safe_dump(_put(LEXICON, place, value), allow_unicode=unicode, default_flow_style=flow)
    path = tmp_path_factory.mktemp("lx") / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    _load_or_refuse(path)


YAML_TOKENS = ["&a ", "*a", "&b ", "*b", " *a", "!!binary ", "!!str ", "!!int ", "!!float ", "!!timestamp ", "!!set ",
               "!!omap ", "!!pairs ", "!!python/object/apply:os.system ", "!!python/name:os.system ", "!local ",
               "!<tag:yaml.org,2002:str> ", "<<: ", "[", "]", "{", "}", ", ", "- ", ": ", "? ", "---\n", "...\n",
               "%YAML 1.1\n", "%TAG !x! tag:x,2000:\n", "'", '"', "|\n", ">-\n", "\t", "\n", "  ", "    ",
               "\ufeff", "# تعليق\n", "9" * 5000, "-" + "9" * 4400, "2020-13-45", "2020-02-30", "2020-02-30 25:61:00",
               "0000-01-01", ".nan", ".inf", "0x" + "f" * 60, "0o777", "1_000", "0b1010", "1e999", "190:20:30", "~",
               "null", "yes", "no", "on", "=", "name: fuzz\n", "categories:\n", "referents:\n", "labels:\n",
               "aliases:\n", "term", "variants", "neutral", "hedge", "ميليشيا", "قوات", "\u200f", "\u202e", "\x85",
               "\u2028", "\x07", "\x00", "\\x", "\\u12", "\\", "%", "@", "`", "\U0001f600", "\ud7ff", "\ufffe"]
yaml_soup = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=4)), max_size=40).map("".join)


@FUZZ
@given(body=yaml_soup, header=st.sampled_from(["", "name: fuzz\n", "name: fuzz\ncategories:\n  c:\n    - "]))
def test_fuzz_lexicon_yaml_text(tmp_path_factory, header, body):
    path = tmp_path_factory.mktemp("lx") / "lexicon.yaml"
    path.write_text(header + body, encoding="utf-8")
    _load_or_refuse(path)


@FUZZ
@given(data=st.binary(max_size=400), bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
                                                          b"\xff\xfe\x00\x00"]))
def test_fuzz_lexicon_bytes(tmp_path_factory, data, bom):
    path = tmp_path_factory.mktemp("lx") / "lexicon.yaml"
    path.write_bytes(bom + data)
    _load_or_refuse(path)


@FUZZ
@given(levels=st.integers(1, 40), fanout=st.integers(1, 12), kind=st.sampled_from(["list", "map", "merge"]),
       use=st.sampled_from(["categories", "variants", "unused"]))
def test_fuzz_lexicon_alias_chains(tmp_path_factory, levels, fanout, kind, use):
    """Chains of anchors and aliases of any depth and fan-out: loaded or refused, within the limits."""
    lines = ["name: fuzz"]
    for k in range(levels):
        if k == 0:
            items = [f"م{i}" for i in range(fanout)]
        else:
            items = [f"*a{k - 1}"] * fanout
        if k == 0:  # a valid place: a list of phrases
            lines.append("exclude: &a0 [" + ", ".join(f"{t} جدا" for t in items) + "]")
        elif kind == "list":
            lines.append(f"x{k}: &a{k} [" + ", ".join(items) + "]")
        elif kind == "map":
            lines.append(f"x{k}: &a{k} {{" + ", ".join(f"k{i}: {v}" for i, v in enumerate(items)) + "}")
        else:
            lines.append(f"x{k}: &a{k} {{<<: [" + ", ".join(items).replace(f"*a{k - 1}", f"*m{k - 1}") + "]}")
        if kind == "merge":
            lines.append(f"y{k}: &m{k} {{k{k}: ميليشيا}}")
    top = levels - 1
    if use == "categories":
        lines.append(f"categories: {{c: *a{top}}}")
    elif use == "variants":
        lines.append(f"categories: {{c: [{{term: ميليشيا, variants: *a{top}}}]}}")
    else:
        lines.append("categories: {c: [ميليشيا]}")
    path = tmp_path_factory.mktemp("lx") / "lexicon.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _load_or_refuse(path)


# --- file names and outlet names --------------------------------------------------------------------------------
# Odd names as corpus file names (in a .txt folder the sub-folder's name is the outlet) and as outlet values in
# JSON Lines: read_corpus reads them (n_read == accepted + rejected) or raises a CorpusError naming the file.
NAME_PIECES = ["\u200f", "\u202e", "\u200e", "\u2066", "\u2069", "\u061c", "$", "$x$", "$\\alpha$", "{", "}", "{0}",
               "%s", "%(x)s", "\\", " ", "\t", "\r", "\n", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", ".",
               "..", "-", "~", "*", "?", ":", ";", "'", '"', "<", ">", "|", "&", "=", "+", "@", "ميليشيا", "الساحل",
               "é", "e\u0301", "\u0640", "\u064b", "\U0001f600", "\U0010ffff", "\ufffd", "CON", "nul", "-rf"]
name_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00")
odd_names = st.one_of(
    st.lists(st.one_of(st.sampled_from(NAME_PIECES), st.text(name_chars, max_size=4)), min_size=1, max_size=8)
    .map("".join),
    st.integers(1, 124).map(lambda n: "ب" * n),  # long: up to 248 bytes (+ ".txt" within the 255-byte limit)
    st.integers(1, 250).map(lambda n: "x" * n),
)


def _usable(name: str, suffix: str = "") -> bool:
    return name not in (".", "..") and len((name + suffix).encode("utf-8")) <= 255


def _accounted(path, errors, root):
    from framing.errors import CorpusError

    try:
        return _check_accounting(path, errors)
    except CorpusError as exc:  # names the corpus or one of its files
        assert exc.source == str(path) or exc.source.startswith(str(root)), exc.source
        assert str(exc).startswith(exc.source)
        return None


@FUZZ
@given(outlets=st.lists(odd_names, min_size=1, max_size=3), files=st.lists(odd_names, min_size=1, max_size=3),
       errors=st.sampled_from(["collect", "raise"]))
def test_fuzz_txt_folder_names(tmp_path_factory, outlets, files, errors):
    from hypothesis import assume

    assume(all(_usable(o) for o in outlets) and all(_usable(f, ".txt") for f in files))
    root = tmp_path_factory.mktemp("fz") / "corpus"
    written = set()
    for i, outlet in enumerate(outlets):
        folder = root / outlet
        folder.mkdir(parents=True, exist_ok=True)
        for j, name in enumerate(files):
            path = folder / f"{name}.txt"
            path.write_text(f"خبر رقم {i} {j} عن قوات حفتر", encoding="utf-8")
            written.add(path)
    visible = {p for p in written if not any(part.startswith(".") for part in p.relative_to(root).parts)}
    df = _accounted(root, errors, root)
    if df is not None:
        assert len(visible) <= df.attrs["n_read"] <= len(written)
        assert all(isinstance(o, str) and o for o in df["outlet"])
        assert not any("\ud800" <= ch <= "\udfff" for s in df["doc_id"] for ch in s)


@FUZZ
@given(outlets=st.lists(odd_names, min_size=1, max_size=6), name=odd_names,
       errors=st.sampled_from(["collect", "raise"]))
def test_fuzz_outlet_values_and_file_name(tmp_path_factory, outlets, name, errors):
    from hypothesis import assume

    assume(_usable(name, ".jsonl"))
    root = tmp_path_factory.mktemp("fz")
    path = root / f"{name}.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{i}", "outlet": o, "date": "2020-01-02",
                                        "text": f"خبر رقم {i} عن ميليشيا حفتر"}, ensure_ascii=bool(i % 2)) + "\n"
                            for i, o in enumerate(outlets)), encoding="utf-8")
    df = _accounted(path, errors, root)
    if df is not None:
        assert df.attrs["n_read"] == len(outlets)
        assert all(isinstance(o, str) and o and o == o.strip() for o in df["outlet"])


byte_names = st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")).filter(
    lambda b: b not in (b".", b".."))


@FUZZ
@given(outlets=st.lists(byte_names, min_size=1, max_size=3), files=st.lists(byte_names, min_size=1, max_size=3))
def test_fuzz_txt_folder_byte_names(tmp_path_factory, outlets, files):
    """File and folder names of any bytes (not UTF-8, Windows-1256, controls): read, ids and outlets printable."""
    root = tmp_path_factory.mktemp("fz") / "corpus"
    broot = os.fsencode(root)
    n = 0
    for i, outlet in enumerate(outlets):
        folder = os.path.join(broot, outlet)
        os.makedirs(folder, exist_ok=True)
        for j, name in enumerate(files):
            with open(os.path.join(folder, name + b".txt"), "w", encoding="utf-8") as fh:
                fh.write(f"خبر رقم {i} {j} عن قوات حفتر")
            n += 1
    df = _accounted(root, "collect", root)
    if df is not None:
        assert df.attrs["n_read"] <= n
        for col in ("doc_id", "outlet"):
            assert not any("\ud800" <= ch <= "\udfff" for s in df[col] for ch in s)


@FUZZ
@given(name=st.one_of(odd_names, st.text(max_size=300)), suffix=st.sampled_from(["", ".yaml", ".yml"]),
       exists=st.booleans())
def test_fuzz_lexicon_path_names(tmp_path_factory, name, suffix, exists):
    """Any name given as the lexicon: a bundled one, a file, or a LexiconError naming what was given."""
    from framing.errors import LexiconError
    from framing.lexicon.load import Lexicon, load_lexicon

    folder = tmp_path_factory.mktemp("lx")
    target = name.replace("/", "_").replace("\x00", "_") + suffix
    path = folder / target
    if exists and target and _usable(target):
        path.write_text("name: fuzz\ncategories: {c: [ميليشيا]}\n", encoding="utf-8")
    for given_as in (str(path), name + suffix):
        try:
            assert isinstance(load_lexicon(given_as), Lexicon)
        except LexiconError as exc:
            assert exc.source == given_as
