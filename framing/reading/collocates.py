"""Collocates: the words that keep company with a term, with MI, logDice, G2 and t-score.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"outlet": ["Sahil"] * 2,
...                        "text": ["قصفت قوات حفتر المطار", "تقدمت قوات حفتر نحو المطار"]})
>>> collocates(corpus, "قوات", window=1, by=None, min_count=2)[["collocate", "count"]].values.tolist()
[['حفتر', 2]]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.reading.query import check_count, resolve_query
from framing.reading.tokens import group_keys, prepare_corpus, token_range

__all__ = ["MEASURES", "collocates"]

#: the association measures :func:`collocates` computes
MEASURES = ("mi", "logdice", "g2", "t")


def collocates(corpus: Any, node: str, *, lexicon: Any = None, window: int = 5,
               measures: str | tuple[str, ...] | list[str] = MEASURES, by: str | None = "outlet",
               min_count: int = 3) -> pd.DataFrame:
    """Words that co-occur with a node term within ``window`` words, with association measures.

    Tokens are words of the ``search``-normalized text with proclitics stripped
    (:func:`framing.text.morphology.strip_clitics`, using the corpus vocabulary as the known words), so
    والقوات and قوات count as one collocate. The node is found like :func:`framing.kwic` finds a term
    (lexicon entry, referent, category, label or plain phrase). For each node occurrence, every token
    among the ``window`` words before and after it (within the document; the node's own words and
    words of other node occurrences excluded) is one co-occurrence; overlapping windows count twice.

    With, per group, ``O`` = co-occurrences of the collocate, ``f_n`` = node occurrences,
    ``f_c`` = collocate frequency, ``N`` = tokens, and ``S = 2 * window`` window slots per node:

    * expected ``E = f_n * S * f_c / N``;
    * ``mi = log2(O / E)`` (pointwise mutual information);
    * ``logdice = 14 + log2(2 * O / (f_n + f_c))`` (Rychlý 2008; at most 14);
    * ``g2 = 2 * sum O_ij * ln(O_ij / E_ij)`` over the 2x2 table with rows window slots / other
      positions (``R1 = f_n * S``, ``R2 = N - R1``) and columns collocate / other tokens
      (``C1 = f_c``), ``O11 = O``, ``E_ij = R_i * C_j / N`` (cells clipped at 0);
    * ``t = (O - E) / sqrt(O)``.

    Parameters
    ----------
    by : "outlet" or None
        Compute per outlet, or pooled over the corpus (``None``).
    min_count : int
        Keep collocates with at least this many co-occurrences in the group.

    Returns
    -------
    DataFrame
        ``outlet`` (unless ``by=None``), ``collocate``, ``count``, ``freq_collocate``, ``freq_node``,
        ``n_tokens``, ``expected`` and the requested measures, sorted by group then by the first
        measure, descending.
    """
    window = check_count(window, "window", 1)
    min_count = check_count(min_count, "min_count", 1)
    if isinstance(measures, str):
        measures = (measures,)
    bad = [m for m in measures if m not in MEASURES]
    if bad or not measures:
        raise FramingError(f"measures: expected some of {', '.join(MEASURES)}, got {list(measures)!r}")
    query = resolve_query(node, lexicon)
    prepared = prepare_corpus(corpus)
    groups = group_keys(by, prepared.outlets, len(prepared.texts))
    strip = prepared.strip

    co: defaultdict[str, Counter[str]] = defaultdict(Counter)
    freq: defaultdict[str, Counter[str]] = defaultdict(Counter)
    n_node: Counter[str] = Counter()
    n_tok: Counter[str] = Counter()
    for g, doc in zip(groups, prepared.docs, strict=True):
        tokens = doc.tokens
        types = [strip(t.text) for t in tokens]
        freq[g].update(types)
        n_tok[g] += len(types)
        if not tokens:
            continue
        starts = [t.start for t in tokens]
        spans = [token_range(tokens, starts, m.start, m.end)
                 for m in query.compiled.find(doc.norm, query.kinds) if query.keep(m)]
        if not spans:
            continue
        inside: set[int] = set()
        for i0, i1 in spans:
            inside.update(range(i0, i1 + 1))
        for i0, i1 in spans:
            n_node[g] += 1
            for j in list(range(max(0, i0 - window), i0)) + list(range(i1 + 1, min(len(types), i1 + 1 + window))):
                if j not in inside:
                    co[g][types[j]] += 1

    cols = ([] if by is None else ["outlet"]) + ["collocate", "count", "freq_collocate", "freq_node",
                                                 "n_tokens", "expected", *measures]
    parts = [_measures(g, co[g], freq[g], n_node[g], n_tok[g], window, tuple(measures), min_count, by)
             for g in sorted(co)]
    frames = [f for f in parts if f is not None]
    result = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    result.attrs.update({"node": node, "window": window, "n_node": dict(n_node)})
    return result


def _measures(group: str, co: Counter[str], freq: Counter[str], n_node: int, n_tok: int, window: int,
              measures: tuple[str, ...], min_count: int, by: str | None) -> pd.DataFrame | None:
    """One group's collocates with their measures, sorted by the first measure (None when none is left)."""
    from scipy.special import xlogy

    items = [(w, c) for w, c in co.items() if c >= min_count]
    if not items:
        return None
    words = [w for w, _ in items]
    o11 = np.array([c for _, c in items], dtype=float)
    fc = np.array([freq[w] for w in words], dtype=float)
    fn, N = float(n_node), float(n_tok)
    S = 2.0 * window
    E = fn * S * fc / N
    out: dict[str, Any] = {"collocate": words, "count": o11.astype(int), "freq_collocate": fc.astype(int),
                           "freq_node": int(fn), "n_tokens": int(N), "expected": E}
    with np.errstate(divide="ignore", invalid="ignore"):
        if "mi" in measures:
            out["mi"] = np.log2(o11 / E)
        if "logdice" in measures:
            out["logdice"] = 14.0 + np.log2(2.0 * o11 / (fn + fc))
        if "g2" in measures:
            R1 = fn * S
            obs = np.stack([o11, R1 - o11, fc - o11, N - R1 - fc + o11], axis=1).clip(0.0)
            rows_ = np.array([R1, R1, N - R1, N - R1])
            colsum = np.stack([fc, N - fc, fc, N - fc], axis=1)
            exp = rows_ * colsum / N
            out["g2"] = 2.0 * np.where(exp > 0, xlogy(obs, obs / np.where(exp > 0, exp, 1.0)), 0.0).sum(axis=1)
        if "t" in measures:
            out["t"] = (o11 - E) / np.sqrt(o11)
    df = pd.DataFrame(out)
    if by is not None:
        df.insert(0, "outlet", group)
    return df.sort_values([measures[0], "collocate"], ascending=[False, True])
