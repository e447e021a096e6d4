"""Candidate labels: words and 2-grams standing next to a referent's aliases that the lexicon lacks.

>>> "في" in default_stopwords()
True
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.lexicon.load import Entry, Lexicon, as_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.reading.kwic import context
from framing.reading.query import check_count
from framing.reading.tokens import joined, prepare_corpus, token_range
from framing.stats.keyness import log_odds_dirichlet
from framing.text.morphology import surface_forms
from framing.text.normalization import normalize, original_span

__all__ = ["default_stopwords", "discover_labels"]


def _lexicon_forms(lex: Lexicon) -> set[str]:
    """Every surface form (with clitics and inflections) of every entry of the lexicon."""
    forms: set[str] = set()
    entries: list[Entry] = [e for c in lex.categories.values() for e in c.entries]
    entries += list(lex.linkers) + list(lex.titles)
    for ref in lex.referents.values():
        entries += list(ref.aliases)
        entries += [e for es in ref.labels.values() for e in es]
    for e in entries:
        for f in e.forms:
            forms |= surface_forms(f, inflect=True)
            forms.add(f)
    return forms


def default_stopwords() -> list[str]:
    """Arabic function words (``framing/data/stopwords.txt``) left out of candidate labels."""
    text = (resources.files("framing") / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def discover_labels(corpus: Any, lexicon: Any, referent: str, *, window: int = 1, min_count: int = 3,
                    top: int = 20, stopwords: Iterable[str] | None = None) -> pd.DataFrame:
    """Candidate labels: words and 2-grams standing next to a referent's aliases, not in the lexicon.

    Alias positions come from the matcher (``kinds=("alias",)``). Before an alias, the word ending
    ``d`` words before it and the 2-gram ending there are candidates for ``d = 1 .. window``; after
    it, the word and the 2-gram starting ``d`` words after. Words are ``search``-normalized with
    proclitics stripped (ميليشيات and والميليشيات count together). A candidate is dropped when
    it, or any of its words, is a form of a lexicon entry (label, alias, title, linker or category,
    clitics and inflections included), when punctuation (other than quotation marks) stands between
    it and the alias or inside it, when one of its words is a number or a single letter, or a
    word in ``stopwords`` (default: :func:`default_stopwords`; pass ``()`` to keep every word).

    Each outlet's candidate counts are compared with the rest of the corpus by the log-odds ratio
    with a Dirichlet prior (:func:`framing.stats.keyness.log_odds_dirichlet`; the vocabulary is every
    (position, candidate) pair, the prior the pooled counts); ``z`` > 0 means the outlet uses the candidate more than
    the others. With a single outlet there is no rest: ``z`` is NaN and rows are ranked by count.

    Returns
    -------
    DataFrame
        ``outlet``, ``candidate``, ``position`` ("before" / "after"), ``count``, ``z``, ``example``
        (the first occurrence in the original text, with two words of context): the ``top`` rows per
        outlet with ``count >= min_count``, by descending ``z``.
    """
    lex = as_lexicon(lexicon)
    if referent not in lex.referents:
        raise FramingError(f"referent: {referent!r} is not a referent of lexicon {lex.name!r}; "
                           f"expected one of {', '.join(lex.referents)}")
    window = check_count(window, "window", 1)
    min_count = check_count(min_count, "min_count", 1)
    top = check_count(top, "top", 1)
    stop = {normalize(w) for w in (default_stopwords() if stopwords is None else stopwords)}
    known = _lexicon_forms(lex)
    compiled = compile_lexicon(lex)
    prepared = prepare_corpus(corpus)
    strip = prepared.strip

    def usable(raw_words: list[str]) -> bool:
        if " ".join(raw_words) in known:
            return False
        for w in raw_words:
            if w in known or strip(w) in known or w.isdigit() or len(w) < 2 or w in stop or strip(w) in stop:
                return False
        return True

    counts: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)  # outlet -> (position, candidate)
    examples: dict[tuple[str, tuple[str, str]], str] = {}
    for outlet, text, doc in zip(prepared.outlets, prepared.texts, prepared.docs, strict=True):
        tokens = doc.tokens
        if not tokens:
            continue
        starts = [t.start for t in tokens]
        glued = joined(doc.norm, tokens)
        for m in compiled.find(doc.norm, ("alias",)):
            if m.referent != referent:
                continue
            i0, i1 = token_range(tokens, starts, m.start, m.end)
            spans = []
            for d in range(1, window + 1):
                j = i0 - d
                if j >= 0:
                    spans.append(("before", j, j))
                    if j - 1 >= 0:
                        spans.append(("before", j - 1, j))
                j = i1 + d
                if j < len(tokens):
                    spans.append(("after", j, j))
                    if j + 1 < len(tokens):
                        spans.append(("after", j, j + 1))
            for position, a, b in spans:
                lo, hi = min(a, i0), max(b, i1)
                if not all(glued[k] for k in range(lo, hi)):
                    continue  # punctuation stands between the candidate and the alias
                raw = [tokens[k].text for k in range(a, b + 1)]
                if not usable(raw):
                    continue
                key = (position, " ".join(strip(w) for w in raw))
                counts[outlet][key] += 1
                if (outlet, key) not in examples:
                    s, e = original_span(text, doc.offsets, tokens[lo].start, tokens[hi].end)
                    examples[(outlet, key)] = " ".join(x for x in context(text, s, e, 2) if x)
    return _ranked(counts, examples, min_count, top)


def _ranked(counts: defaultdict[str, Counter[tuple[str, str]]], examples: dict[tuple[str, tuple[str, str]], str],
            min_count: int, top: int) -> pd.DataFrame:
    """Each outlet's candidates against the rest of the corpus: the ``top`` by z (or by count)."""
    cols = ["outlet", "candidate", "position", "count", "z", "example"]
    frames = []
    names = sorted(counts)
    for outlet in names:
        mine = counts[outlet]
        rest: Counter[tuple[str, str]] = Counter()
        for other in names:
            if other != outlet:
                rest.update(counts[other])
        df = pd.DataFrame([(outlet, cand, pos, c) for (pos, cand), c in mine.items()],
                          columns=["outlet", "candidate", "position", "count"])
        df["z"] = np.nan
        if rest:
            res = log_odds_dirichlet(pd.Series({f"{p}|{c}": n for (p, c), n in mine.items()}, dtype=float),
                                     pd.Series({f"{p}|{c}": n for (p, c), n in rest.items()}, dtype=float))
            df["z"] = res["z"].reindex(df["position"] + "|" + df["candidate"]).to_numpy()
        df = df[df["count"] >= min_count]
        df = df.sort_values(["z", "count", "candidate"], ascending=[False, False, True], na_position="last")
        if df["z"].isna().all():
            df = df.sort_values(["count", "candidate"], ascending=[False, True])
        df = df.head(top).copy()
        df["example"] = [examples[(outlet, (p, c))] for c, p in zip(df["candidate"], df["position"], strict=True)]
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    out["count"] = out["count"].astype("int64")
    return out
