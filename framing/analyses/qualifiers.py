"""Epithets: how often qualifiers stand next to an actor's name, per outlet.

An outlet that writes حكومة الوفاق المعترف بها دوليا lends the government a standing that one
writing ما يسمى حكومة الوفاق withholds. :func:`epithets` counts, for each mention of a target
referent (a match of one of its aliases), which qualifier terms stand within a few words of it.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["Sahil", "Sahil"],
...     "text": ["التقى وفد حكومة الوفاق المعترف بها دوليا", "انتقد ما يسمى حكومة الوفاق"]})
>>> lex = {"name": "toy", "categories": {"legitimacy": ["المعترف بها دوليا"], "hedge": ["ما يسمى"]},
...        "referents": {"gna": {"aliases": ["حكومة الوفاق"], "labels": {"neutral": ["قوات"]}}}}
>>> res = epithets(corpus, lex, target="gna", qualifiers=lex)
>>> res[res.term != "*"][["category", "term", "n_mentions", "n_qualified"]].values.tolist()
[['hedge', 'ما يسمى', 2, 1], ['legitimacy', 'المعترف بها دوليا', 2, 1]]
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import FramingError, LexiconError
from framing.features.inputs import as_corpus, documents
from framing.lexicon.load import Entry, Lexicon, as_lexicon, load_lexicon
from framing.lexicon.matcher import CompiledLexicon, compile_lexicon
from framing.stats.bootstrap import bootstrap_shares
from framing.stats.intervals import wilson_interval
from framing.text.normalization import normalize
from framing.vocabulary import check_voice

logger = logging.getLogger(__name__)

__all__ = ["epithets", "qualifier_lexicon"]

_TOKEN = re.compile(r"\w+")
_JOIN = re.compile(r"[ «»“”\"‘’']*")
_ANY = "*"


def _entries_dict(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [{"term": e.term, "variants": list(e.variants), "inflect": e.inflect} for e in entries]


def qualifier_lexicon(lexicon: Any, qualifiers: Any = None) -> Lexicon:
    """The qualifier categories :func:`epithets` counts, as a lexicon of categories only.

    ``qualifiers`` may be a lexicon (its categories are used), a bundled name or path, or a dict
    ``{category: [term, ...]}``. ``None`` takes the categories of ``lexicon`` and, when the bundled
    ``markers`` lexicon is installed, its categories (a category name already used is prefixed
    ``markers_``; a term already taken by an earlier category is skipped, with a log message).
    """
    cats: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()

    def add(name: str, entries: Iterable[Entry]) -> None:
        kept = []
        for e in entries:
            forms = set(e.forms)
            if forms & seen:
                logger.info("qualifier %r of %s already counted under another category; skipped", e.term, name)
                continue
            seen.update(forms)
            kept.append(e)
        if kept:
            cats[name] = _entries_dict(kept)

    if qualifiers is None:
        lex = as_lexicon(lexicon)
        for c in lex.categories.values():
            add(c.name, c.entries)
        markers: Lexicon | None
        try:
            markers = load_lexicon("markers")
        except LexiconError:
            markers = None
            logger.info("no bundled 'markers' lexicon: qualifiers come from %s only", lex.name)
        if markers is not None and markers is not lex:
            for c in markers.categories.values():
                add(c.name if c.name not in cats else f"markers_{c.name}", c.entries)
    elif isinstance(qualifiers, dict) and "name" not in qualifiers:
        if not qualifiers:
            raise FramingError("qualifiers: expected at least one category of terms, got an empty dict")
        return Lexicon.from_dict({"name": "qualifiers", "categories": dict(qualifiers)}, source="<qualifiers>")
    else:
        q = as_lexicon(qualifiers)
        for c in q.categories.values():
            add(c.name, c.entries)
    if not cats:
        raise FramingError("no qualifier categories to count: the lexicon has no categories; "
                           "pass qualifiers={'category': [terms]} or a lexicon with categories")
    return Lexicon.from_dict({"name": "qualifiers", "categories": cats}, source="<qualifiers>")


def _before_terms(qlex: Lexicon, before: str | Iterable[str] | None) -> set[str]:
    """Terms (canonical) counted before the alias instead of after it."""
    if before is None:
        # a relative phrase (ما يسمى, ما تسمى, ما يعرف ب) stands before the name it hedges; adjectives
        # (المزعومة, الشرعية, المعترف بها دوليا) follow the noun
        return {e.term for c in qlex.categories.values() for e in c.entries
                if normalize(e.term).split(" ")[0] == "ما"}
    names = {before} if isinstance(before, str) else set(before)
    out: set[str] = set()
    norm_names = {normalize(n) for n in names}
    for c in qlex.categories.values():
        for e in c.entries:
            if c.name in names or set(e.forms) & norm_names:
                out.add(e.term)
    return out


def _tokens(norm: str) -> tuple[list[int], list[int], list[bool]]:
    """Start and end offsets of the words of ``norm``, and whether each word is joined to the next by
    spaces or quotation marks only."""
    starts, ends = [], []
    for m in _TOKEN.finditer(norm):
        starts.append(m.start())
        ends.append(m.end())
    joined = [_JOIN.fullmatch(norm, ends[k], starts[k + 1]) is not None for k in range(len(starts) - 1)]
    return starts, ends, joined


def epithets(corpus: Any, lexicon: Any, *, target: str, window: int = 4, qualifiers: Any = None,
             before: str | Iterable[str] | None = None, voice: str = "all", n_boot: int = 0, ci: float = 0.95,
             seed: int | None = 0) -> pd.DataFrame:
    """How often qualifier terms stand next to a target referent's names, per outlet.

    A mention is a match of one of the target's aliases (``find_matches(kinds=("alias",))``). A
    qualifier qualifies a mention when it starts within ``window`` words after the alias ends — or,
    for terms that precede what they qualify (``before``), ends within ``window`` words before the
    alias starts — with no punctuation other than quotation marks in between, and no alias of
    another referent of ``lexicon`` in between (it would be that actor's qualifier). A mention
    counts once per term and once per category however many terms of the category qualify it.
    This is a window measure: read a sample with :func:`framing.kwic` before trusting a figure.

    Parameters
    ----------
    corpus : DataFrame or path
    lexicon : Lexicon, name or path
        Holds the target referent (and the other referents, whose aliases bound the window).
    target : str
        Referent name.
    window : int, default 4
    qualifiers : lexicon, name, path or dict, optional
        The qualifier categories; default the categories of ``lexicon`` plus those of the bundled
        ``markers`` lexicon when it is installed (see :func:`qualifier_lexicon`).
    before : str or iterable, optional
        Category names or terms that stand before the alias. Default: terms that open with ما
        (ما يسمى, ما تسمى, ما يعرف بـ).
    voice : {"all", "own", "quoted"}
        Which mentions count: all, only outside quotations, only inside.
    n_boot : int, default 0
        With ``n_boot > 0`` also ``boot_lo`` / ``boot_hi``: a percentile bootstrap of the share
        resampling documents within each outlet (mentions in one article are not independent).
    ci : float, default 0.95
    seed : int or None, default 0

    Returns
    -------
    DataFrame
        One row per outlet × category × term, plus one row per outlet × category with term ``"*"``
        (qualified by any term of the category): ``outlet``, ``category``, ``term``, ``n_mentions``,
        ``n_qualified``, ``share`` (= n_qualified / n_mentions, NaN when there are no mentions),
        ``lo``, ``hi`` (Wilson interval), and ``boot_lo``, ``boot_hi`` when ``n_boot > 0``.
        Outlets without documents mentioning the target still appear, with ``n_mentions = 0``.
    """
    check_voice(voice)
    lex = as_lexicon(lexicon)
    if target not in lex.referents:
        raise FramingError(f"target: {target!r} is not a referent of lexicon {lex.name!r}; "
                           f"expected one of {', '.join(lex.referents)}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 0:
        raise FramingError(f"window: expected an integer >= 0, got {window!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise FramingError(f"n_boot: expected an integer >= 0, got {n_boot!r}")
    qlex = qualifier_lexicon(lex, qualifiers)
    pre = _before_terms(qlex, before)
    cq = compile_lexicon(qlex)
    cl = compile_lexicon(lex)
    keys = [(c.name, e.term) for c in qlex.categories.values() for e in c.entries]
    keys += [(c, _ANY) for c in qlex.categories]
    col = {k: j for j, k in enumerate(keys)}

    docs = documents(as_corpus(corpus))
    mentions = np.zeros(len(docs.texts), dtype=np.int64)
    qualified = np.zeros((len(docs.texts), len(keys)), dtype=np.int64)
    for i, text in enumerate(docs.texts):
        mentions[i] = _count_document(normalize(text), cl, cq, target=target, voice=voice, pre=pre,
                                      window=window, col=col, row=qualified[i])

    outlet_s = pd.Series(docs.outlets, dtype=object).fillna("")
    levels = sorted(outlet_s.unique())
    rows = []
    for o in levels:
        sel = (outlet_s == o).to_numpy()
        n_m = int(mentions[sel].sum())
        rows += [(o, cat, term, n_m, int(qualified[sel, j].sum())) for (cat, term), j in col.items()]
    out = pd.DataFrame(rows, columns=["outlet", "category", "term", "n_mentions", "n_qualified"])
    w = wilson_interval(out["n_qualified"].to_numpy(), out["n_mentions"].to_numpy(), ci=ci)
    out["share"], out["lo"], out["hi"] = w["share"].to_numpy(), w["lo"].to_numpy(), w["hi"].to_numpy()
    if n_boot > 0:
        out["boot_lo"], out["boot_hi"] = _bootstrap(qualified, mentions, outlet_s.to_numpy(), levels,
                                                    list(col.values()), n_boot=int(n_boot), ci=ci, seed=seed)
    out = out.sort_values(["outlet", "category", "term"], kind="stable").reset_index(drop=True)
    out.attrs.update({"target": target, "window": window, "voice": voice,
                      "before_terms": sorted(pre), "lexicon": lex.name})
    return out


def _count_document(norm: str, cl: CompiledLexicon, cq: CompiledLexicon, *, target: str, voice: str,
                    pre: set[str], window: int, col: dict[tuple[str, str], int], row: np.ndarray) -> int:
    """Count one document: add its qualified mentions to ``row`` (one cell per key of ``col``) and
    return how many mentions of the target it has."""
    aliases = cl.find(norm, ("alias",))
    mine = [m for m in aliases if m.referent == target and voice in ("all", m.voice)]
    if not mine:
        return 0
    starts, ends, joined = _tokens(norm)

    def first_tok(pos: int) -> int:
        return bisect_left(starts, pos)

    def last_tok(pos: int) -> int:
        return bisect_right(ends, pos) - 1

    others = [(first_tok(m.start), last_tok(m.end)) for m in aliases if m.referent != target]
    quals = [(first_tok(q.start), last_tok(q.end), q.category or "", q.term) for q in cq.find(norm, ("category",))]
    for m in mine:
        a0, a1 = first_tok(m.start), last_tok(m.end)
        hit: set[tuple[str, str]] = set()
        for q0, q1, cat, term in quals:
            if term in pre:
                if not (q1 < a0 and a0 - q1 <= window):
                    continue
                lo, hi = q1, a0
            else:
                if not (q0 > a1 and q0 - a1 <= window):
                    continue
                lo, hi = a1, q0
            if not all(joined[k] for k in range(lo, hi)):
                continue
            if any(o0 > lo and o1 < hi for o0, o1 in others):
                continue
            hit.add((cat, term))
            hit.add((cat, _ANY))
        for k in hit:
            row[col[k]] += 1
    return len(mine)


def _bootstrap(qualified: np.ndarray, mentions: np.ndarray, outlets: np.ndarray, levels: list[str],
               columns: list[int], *, n_boot: int, ci: float, seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap bounds of each column's share per outlet (documents resampled within each
    outlet), raveled outlet-major like the result rows."""
    boot_lo, boot_hi = [], []
    for j in columns:
        X = np.stack([qualified[:, j], mentions - qualified[:, j]], axis=1)
        res = bootstrap_shares(X, outlets, n_boot=n_boot, ci=ci, seed=seed, levels=levels)
        res = res[res["category"] == 0].set_index("group")
        boot_lo.append(res["lo"].reindex(levels).to_numpy())
        boot_hi.append(res["hi"].reindex(levels).to_numpy())
    return np.stack(boot_lo, axis=1).ravel(), np.stack(boot_hi, axis=1).ravel()
