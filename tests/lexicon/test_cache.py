"""What is built from a lexicon once (the compiled matcher) is kept on it through its public API."""

import dataclasses
import pickle

from framing.lexicon.matcher import compile_lexicon, find_matches
from framing.lexicon.model import Lexicon

TOY = {"name": "toy", "linkers": ["الموالية"],
       "referents": {"haftar_camp": {"aliases": ["حفتر"], "labels": {"delegitimizing": ["ميليشيا"]}}}}
TEXT = "ميليشيا كبيرة الموالية لحفتر"  # label, a plain word, a linker, the alias: 2 words between


def test_cached_builds_once_per_key():
    lex = Lexicon.from_dict(TOY)
    calls = []
    first = lex.cached("k", lambda: calls.append(1) or object())
    assert lex.cached("k", lambda: calls.append(1) or object()) is first
    assert lex.cached("other", lambda: "x") == "x"
    assert calls == [1]


def test_compile_lexicon_keeps_one_compiled_matcher_on_the_lexicon():
    lex = Lexicon.from_dict(TOY)
    compiled = compile_lexicon(lex)
    assert compile_lexicon(lex) is compiled and compiled.lexicon is lex
    assert lex.cached("compiled", lambda: None) is compiled


def test_a_replaced_lexicon_is_compiled_for_itself():
    lex = Lexicon.from_dict(TOY)
    assert [m.term for m in find_matches(TEXT, lex)] == ["ميليشيا"]  # compiled with window 4
    narrow = dataclasses.replace(lex, window=1)
    assert compile_lexicon(narrow) is not compile_lexicon(lex)
    assert find_matches(TEXT, narrow) == []  # not the window-4 automaton of the original


def test_without_cache_is_the_same_lexicon_with_nothing_kept():
    lex = Lexicon.from_dict(TOY)
    compiled = compile_lexicon(lex)
    assert lex.without_cache().cached("compiled", lambda: None) is None  # (the probe keeps its None)
    bare = lex.without_cache()
    assert bare is not lex
    assert compile_lexicon(lex) is compiled  # the original keeps its own
    fields = [f.name for f in dataclasses.fields(Lexicon) if f.compare]
    assert [getattr(bare, f) for f in fields] == [getattr(lex, f) for f in fields]
    assert len(pickle.dumps(bare)) < len(pickle.dumps(lex))
    assert [m.term for m in find_matches(TEXT, pickle.loads(pickle.dumps(bare)))] == ["ميليشيا"]
