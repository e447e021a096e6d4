"""Reading the text behind a number: concordances, collocates and candidate labels.

* :func:`kwic` — keyword-in-context lines cut from the ORIGINAL text (diacritics, tatweel and
  spelling as written), returned as a :class:`KWICTable` that renders as a right-to-left HTML table
  in Jupyter.
* :func:`collocates` — the words that keep company with a term, with MI, logDice, G2 and t-score.
* :func:`discover_labels` — words and 2-grams standing next to a referent's aliases that the lexicon
  lacks, ranked per outlet: candidate labels.

>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["d1"], "outlet": ["Sahil"], "date": ["2020-01-05"],
...                        "text": ["قصفت ميلـيشيات حفتر مطار معيتيقة صباح اليوم"]})
>>> line = kwic(corpus, "ميليشيا", window=2).iloc[0]
>>> line["left"], line["match"], line["right"]
('قصفت', 'ميلـيشيات', 'حفتر مطار')
"""

from __future__ import annotations

import html
import logging
import math
import re
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from framing.errors import FramingError
from framing.lexicon.load import STANCES, Lexicon, as_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.text.morphology import strip_clitics, surface_forms
from framing.text.normalization import normalize, offsets_array, original_span

logger = logging.getLogger(__name__)

__all__ = ["KWICTable", "KWIC_COLUMNS", "kwic", "collocates", "discover_labels", "context"]

KWIC_COLUMNS = ["doc_id", "outlet", "date", "start", "end", "left", "match", "right",
                "kind", "term", "referent", "stance", "quoted", "voice", "scope_reason"]
MEASURES = ("mi", "logdice", "g2", "t")
from framing.vocabulary import DEFAULT_VOICE, VOICES as _VOICES  # noqa: E402
_WS = re.compile(r"\s+")
_CHUNK = re.compile(r"\S+")
_TOKEN = re.compile(r"\w+")
_JOIN = re.compile(r"[ «»“”\"‘’']*")


# --------------------------------------------------------------------------- context lines


def _is_word(chunk: str) -> bool:
    return any(ch.isalnum() for ch in chunk)


def context(text: str, start: int, end: int, window: int = 8) -> tuple[str, str, str]:
    """``(left, match, right)`` around ``text[start:end]``, ``window`` words each side, as written.

    Words are runs of non-space characters holding at least one letter or digit (a lone «, - or
    punctuation mark travels with the context but is not counted). Whitespace runs (newlines
    included) are shown as one space.

    >>> context("قال إن «قوات حفتر» تقدمت نحو المطار", 8, 12, window=2)
    ('قال إن «', 'قوات', 'حفتر» تقدمت')
    """
    before = text[:start]
    after = text[end:]
    left_pos = len(before)
    if window > 0:
        words = [m for m in _CHUNK.finditer(before) if _is_word(m.group())]
        left_pos = words[-window].start() if len(words) >= window else (words[0].start() if words else
                                                                          len(before))
    right_pos = 0
    if window > 0:
        n = 0
        for m in _CHUNK.finditer(after):
            right_pos = m.end()
            if _is_word(m.group()):
                n += 1
                if n >= window:
                    break
    left = _WS.sub(" ", before[left_pos:]).strip()
    right = _WS.sub(" ", after[:right_pos]).strip()
    return left, _WS.sub(" ", text[start:end]), right


# --------------------------------------------------------------------------- the KWIC table


def _display(value) -> str:
    """Text safe to put in HTML: bidi/zero-width controls removed, then escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d")
    return html.escape(normalize(str(value), profile="display"), quote=True)


class KWICTable(pd.DataFrame):
    """A concordance: a DataFrame whose notebook display is a right-to-left HTML table.

    Columns (:data:`KWIC_COLUMNS`): ``doc_id``, ``outlet``, ``date``, ``start``, ``end`` (offsets
    of the match in the original text), ``left``, ``match``, ``right`` (as written, whitespace shown
    as single spaces), ``kind``, ``term``, ``referent``, ``stance``, ``quoted``.

    In the HTML view every cell is escaped and stripped of bidi and zero-width controls (they could
    reorder what is shown), and the match stands in bold in its own column. ``attrs`` holds
    ``query`` and ``n_matches`` (lines found before any ``max_rows`` cut).
    """

    _metadata: list = []

    @property
    def _constructor(self):
        return KWICTable

    def _repr_html_(self) -> str:
        limit = pd.get_option("display.max_rows") or len(self)
        rows = self.head(limit)
        meta = [c for c in ("doc_id", "outlet", "date") if c in rows.columns]
        flags = [c for c in ("term", "referent", "stance", "quoted") if c in rows.columns]
        parts = ['<table dir="rtl" class="framing-kwic" style="border-collapse:collapse">']
        query = self.attrs.get("query")
        total = self.attrs.get("n_matches", len(self))
        caption = f"{len(rows)} of {total} lines" if total != len(rows) else f"{total} lines"
        if query is not None:
            caption = f"{_display(query)}: {caption}"
        parts.append(f"<caption>{caption}</caption>")
        heads = meta + ["left", "match", "right"] + flags
        parts.append("<thead><tr>" + "".join(f"<th>{_display(h)}</th>" for h in heads) + "</tr></thead>")
        parts.append("<tbody>")
        for _, row in rows.iterrows():
            cells = [f"<td>{_display(row[c])}</td>" for c in meta]
            # in a right-to-left table the preceding words stand right of the match: hug the match
            cells.append(f'<td style="text-align:left">{_display(row.get("left"))}</td>')
            cells.append(f'<td style="text-align:center"><b>{_display(row.get("match"))}</b></td>')
            cells.append(f'<td style="text-align:right">{_display(row.get("right"))}</td>')
            cells += [f"<td>{_display(row[c])}</td>" for c in flags]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)


# --------------------------------------------------------------------------- term resolution


def _as_corpus(corpus):
    from framing.features.extract import _as_corpus as as_corpus

    return as_corpus(corpus)


def _docs(corpus):
    from framing.features.extract import _docs as docs

    return docs(corpus)


def _phrase_lexicon(term: str) -> Lexicon:
    if not isinstance(term, str) or not term.strip():
        raise FramingError(f"expected a word or phrase to look for, got {term!r}")
    if not any(ch.isalnum() for ch in normalize(term)):
        raise FramingError(f"the query {term!r} has no letters once normalized; give a word or phrase")
    return Lexicon.from_dict({"name": "query", "negators": [], "categories": {"query": [term.strip()]}})


def _resolve(term, lexicon, kinds=None):
    """Decide what ``term`` means: ``(compiled lexicon, kinds, predicate on Match, description)``."""
    if not isinstance(term, str) or not term.strip():
        raise FramingError(f"expected a term, referent, category or 'label:<referent>:<stance>', got {term!r}")
    term = term.strip()
    if lexicon is not None:
        lex = as_lexicon(lexicon)
        if term.startswith("label:"):
            parts = term.split(":")
            if len(parts) != 3 or parts[1] not in lex.referents or parts[2] not in STANCES:
                raise FramingError(
                    f"{term!r}: expected 'label:<referent>:<stance>' with a referent of lexicon {lex.name!r} "
                    f"({', '.join(lex.referents)}) and a stance ({', '.join(STANCES)})")
            _, ref, stance = parts
            return (compile_lexicon(lex), tuple(kinds or ("label",)),
                    lambda m: m.referent == ref and m.stance == stance, "label")
        if term in lex.referents:
            return (compile_lexicon(lex), tuple(kinds or ("alias", "label")),
                    lambda m: m.referent == term, "referent")
        if term in lex.categories:
            return (compile_lexicon(lex), tuple(kinds or ("category",)),
                    lambda m: m.kind == "category" and m.category == term, "category")
        norm = normalize(term)
        found = {}
        for cat in lex.categories.values():
            for e in cat.entries:
                if norm in e.forms:
                    found.setdefault("category", set()).add(e.term)
        for ref in lex.referents.values():
            for e in ref.aliases:
                if norm in e.forms:
                    found.setdefault("alias", set()).add(e.term)
            for entries in ref.labels.values():
                for e in entries:
                    if norm in e.forms:
                        found.setdefault("label", set()).add(e.term)
        if found:
            terms = set().union(*found.values())
            return (compile_lexicon(lex), tuple(kinds or sorted(found)),
                    lambda m: m.term in terms, "entry")
        logger.debug("kwic: %r is not an entry of lexicon %s; searched as a phrase", term, lex.name)
    return compile_lexicon(_phrase_lexicon(term)), ("category",), lambda m: True, "phrase"


def _check_voice(voice):
    if voice not in _VOICES:
        raise FramingError(f"voice must be one of {', '.join(_VOICES)}; got {voice!r}")


def _check_int(value, name, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise FramingError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- kwic


def kwic(corpus, term, *, lexicon=None, window: int = 8, voice: str = DEFAULT_VOICE, kinds=None,
         max_rows: int | None = None, scope: str = "in") -> KWICTable:
    """Concordance lines for a term, cut from the original text.

    Parameters
    ----------
    corpus : DataFrame or path
        A corpus with a ``text`` column (``doc_id``, ``outlet``, ``date`` used when present).
    term : str
        With a ``lexicon``: a canonical term or variant of an entry (all its matches, whatever
        referent they name), a referent name (its aliases and labels), a category name, or
        ``"label:<referent>:<stance>"``. Anything else (or without a lexicon) is searched as a plain
        word or phrase, normalized and clitic/inflection-aware like the matcher
        (``ميليشيا`` finds وميليشيات, مليـشيات is not found: declare variants in a lexicon).
    lexicon : Lexicon, name or path, optional
    window : int, default 8
        Words of context on each side.
    voice : {"own", "quoted", "reported", "all"}, default "own"
        Keep lines in the outlet's own voice (default), inside quotations, in reported speech, or all.
    scope : {"in", "all", "out"}, default "in"
        Lines of hits that count (default), all hits, or only those the lexicon's scope rules leave
        out (``scope_reason`` says why) — to read what a context, date or exclude rule removes.
    kinds : tuple of str, optional
        Override which match kinds are searched ("category", "label", "alias").
    max_rows : int, optional
        Keep the first ``max_rows`` lines (corpus order); ``attrs["n_matches"]`` still counts all.

    Returns
    -------
    KWICTable
        One row per match, in corpus order then text order (columns: :data:`KWIC_COLUMNS`).
    """
    _check_voice(voice)
    if scope not in ("in", "all", "out"):
        raise FramingError(f"scope must be 'in', 'all' or 'out'; got {scope!r}")
    window = _check_int(window, "window")
    if max_rows is not None:
        max_rows = _check_int(max_rows, "max_rows")
    compiled, use_kinds, keep, how = _resolve(term, lexicon, kinds)
    corpus = _as_corpus(corpus)
    ids, outlets, dates, texts = _docs(corpus)
    rows = []
    n = 0
    for doc_id, outlet, date, text in zip(ids, outlets, dates, texts):
        for m in compiled.find(text, use_kinds, date=date, scope="in" if scope == "in" else "all"):
            if not keep(m) or (voice != "all" and m.voice != voice) or (scope == "out" and m.in_scope):
                continue
            n += 1
            if max_rows is not None and len(rows) >= max_rows:
                continue
            left, match, right = context(text, m.start, m.end, window)
            rows.append((doc_id, outlet, date, m.start, m.end, left, match, right,
                         m.kind if how != "phrase" else "phrase", m.term if how != "phrase" else term.strip(),
                         m.referent, m.stance, m.quoted, m.voice, m.scope_reason))
    table = KWICTable(pd.DataFrame(rows, columns=KWIC_COLUMNS))
    table["date"] = pd.to_datetime(table["date"])
    table.attrs.update({"query": term, "n_matches": n, "window": window, "voice": voice})
    return table


# --------------------------------------------------------------------------- tokens for counting


def _doc_tokens(text: str):
    """Normalized text, its offsets to the original, and its word tokens ``(start, end, token)``."""
    norm, offsets = offsets_array(text)
    return norm, offsets, [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(norm)]


def _joined(norm: str, tokens) -> list[bool]:
    """``joined[k]``: tokens ``k`` and ``k + 1`` are separated by spaces or quotation marks only
    (no sentence or clause punctuation, no line break)."""
    out = []
    for k in range(len(tokens) - 1):
        a, b = tokens[k][1], tokens[k + 1][0]
        out.append(_JOIN.fullmatch(norm, a, b) is not None)
    return out


def _token_range(tokens, starts, s, e):
    """Indices ``[i0, i1]`` of the tokens inside the normalized span ``[s, e)``."""
    from bisect import bisect_left

    i0 = bisect_left(starts, s)
    i1 = i0
    while i1 + 1 < len(tokens) and tokens[i1 + 1][1] <= e:
        i1 += 1
    return i0, i1


class _Stripper:
    """Clitic stripping with the corpus vocabulary as the list of known words (memoised)."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.memo = {}

    def __call__(self, token):
        out = self.memo.get(token)
        if out is None:
            out = self.memo[token] = strip_clitics(token, known=self.vocab)
        return out


def _prepare(corpus):
    corpus = _as_corpus(corpus)
    ids, outlets, dates, texts = _docs(corpus)
    docs = [_doc_tokens(t) for t in texts]
    vocab = {tok for _, _, toks in docs for _, _, tok in toks}
    # a missing outlet is its own group "" (never dropped, never a sort error)
    outlets = ["" if o is None or (isinstance(o, float) and math.isnan(o)) or o is pd.NA else str(o)
               for o in outlets]
    return ids, outlets, texts, docs, _Stripper(vocab)


def _groups(by, outlets, corpus_len):
    if by is None:
        return ["all"] * corpus_len
    if by != "outlet":
        raise FramingError(f"by: expected 'outlet' or None, got {by!r}")
    return list(outlets)


# --------------------------------------------------------------------------- collocates


def collocates(corpus, node, *, lexicon=None, window: int = 5, measures=MEASURES, by: str | None = "outlet",
               min_count: int = 3) -> pd.DataFrame:
    """Words that co-occur with a node term within ``window`` words, with association measures.

    Tokens are words of the ``search``-normalized text with proclitics stripped
    (:func:`framing.text.morphology.strip_clitics`, using the corpus vocabulary as the known words), so
    والقوات and قوات count as one collocate. The node is found like :func:`kwic` finds a term
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
    from scipy.special import xlogy

    window = _check_int(window, "window", 1)
    min_count = _check_int(min_count, "min_count", 1)
    if isinstance(measures, str):
        measures = (measures,)
    bad = [m for m in measures if m not in MEASURES]
    if bad or not measures:
        raise FramingError(f"measures: expected some of {', '.join(MEASURES)}, got {list(measures)!r}")
    compiled, kinds, keep, _ = _resolve(node, lexicon)
    ids, outlets, texts, docs, strip = _prepare(corpus)
    groups = _groups(by, outlets, len(texts))

    co = defaultdict(Counter)
    freq = defaultdict(Counter)
    n_node = Counter()
    n_tok = Counter()
    for g, (norm, _, tokens) in zip(groups, docs):
        types = [strip(t) for _, _, t in tokens]
        freq[g].update(types)
        n_tok[g] += len(types)
        if not tokens:
            continue
        starts = [s for s, _, _ in tokens]
        spans = [_token_range(tokens, starts, m.start, m.end)
                 for m in compiled.find(norm, kinds) if keep(m)]
        if not spans:
            continue
        inside = set()
        for i0, i1 in spans:
            inside.update(range(i0, i1 + 1))
        for i0, i1 in spans:
            n_node[g] += 1
            for j in list(range(max(0, i0 - window), i0)) + list(range(i1 + 1, min(len(types), i1 + 1 + window))):
                if j not in inside:
                    co[g][types[j]] += 1

    cols = ([] if by is None else ["outlet"]) + ["collocate", "count", "freq_collocate", "freq_node",
                                                 "n_tokens", "expected", *measures]
    frames = []
    for g in sorted(co):
        items = [(w, c) for w, c in co[g].items() if c >= min_count]
        if not items:
            continue
        words = [w for w, _ in items]
        O = np.array([c for _, c in items], dtype=float)
        fc = np.array([freq[g][w] for w in words], dtype=float)
        fn, N = float(n_node[g]), float(n_tok[g])
        S = 2.0 * window
        E = fn * S * fc / N
        out = {"collocate": words, "count": O.astype(int), "freq_collocate": fc.astype(int),
               "freq_node": int(fn), "n_tokens": int(N), "expected": E}
        with np.errstate(divide="ignore", invalid="ignore"):
            if "mi" in measures:
                out["mi"] = np.log2(O / E)
            if "logdice" in measures:
                out["logdice"] = 14.0 + np.log2(2.0 * O / (fn + fc))
            if "g2" in measures:
                R1 = fn * S
                obs = np.stack([O, R1 - O, fc - O, N - R1 - fc + O], axis=1).clip(0.0)
                rows_ = np.array([R1, R1, N - R1, N - R1])
                colsum = np.stack([fc, N - fc, fc, N - fc], axis=1)
                exp = rows_ * colsum / N
                out["g2"] = 2.0 * np.where(exp > 0, xlogy(obs, obs / np.where(exp > 0, exp, 1.0)), 0.0).sum(axis=1)
            if "t" in measures:
                out["t"] = (O - E) / np.sqrt(O)
        df = pd.DataFrame(out)
        if by is not None:
            df.insert(0, "outlet", g)
        frames.append(df.sort_values([measures[0], "collocate"], ascending=[False, True]))
    if not frames:
        result = pd.DataFrame(columns=cols)
    else:
        result = pd.concat(frames, ignore_index=True)[cols]
    result.attrs.update({"node": node, "window": window, "n_node": dict(n_node)})
    return result


# --------------------------------------------------------------------------- discover_labels


def _lexicon_forms(lex: Lexicon) -> set:
    """Every surface form (with clitics and inflections) of every entry of the lexicon."""
    forms = set()
    entries = [e for c in lex.categories.values() for e in c.entries] + list(lex.linkers) + list(lex.titles)
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
    from importlib import resources

    text = (resources.files("framing") / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def discover_labels(corpus, lexicon, referent: str, *, window: int = 1, min_count: int = 3, top: int = 20,
                    stopwords=None) -> pd.DataFrame:
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
    with a Dirichlet prior (:func:`framing.stats.core.log_odds_dirichlet`; the vocabulary is every
    (position, candidate) pair, the prior the pooled counts); ``z`` > 0 means the outlet uses the candidate more than
    the others. With a single outlet there is no rest: ``z`` is NaN and rows are ranked by count.

    Returns
    -------
    DataFrame
        ``outlet``, ``candidate``, ``position`` ("before" / "after"), ``count``, ``z``, ``example``
        (the first occurrence in the original text, with two words of context): the ``top`` rows per
        outlet with ``count >= min_count``, by descending ``z``.
    """
    from framing.stats.core import log_odds_dirichlet

    lex = as_lexicon(lexicon)
    if referent not in lex.referents:
        raise FramingError(f"referent: {referent!r} is not a referent of lexicon {lex.name!r}; "
                           f"expected one of {', '.join(lex.referents)}")
    window = _check_int(window, "window", 1)
    min_count = _check_int(min_count, "min_count", 1)
    top = _check_int(top, "top", 1)
    stop = {normalize(w) for w in (default_stopwords() if stopwords is None else stopwords)}
    known = _lexicon_forms(lex)
    compiled = compile_lexicon(lex)
    ids, outlets, texts, docs, strip = _prepare(corpus)

    def usable(raw_words):
        if " ".join(raw_words) in known:
            return False
        for w in raw_words:
            if w in known or strip(w) in known or w.isdigit() or len(w) < 2 or w in stop or strip(w) in stop:
                return False
        return True

    counts = defaultdict(Counter)  # outlet -> (position, candidate) -> count
    examples = {}
    for outlet, text, (norm, offsets, tokens) in zip(outlets, texts, docs):
        if not tokens:
            continue
        starts = [s for s, _, _ in tokens]
        joined = _joined(norm, tokens)
        for m in compiled.find(norm, ("alias",)):
            if m.referent != referent:
                continue
            i0, i1 = _token_range(tokens, starts, m.start, m.end)
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
                if not all(joined[k] for k in range(lo, hi)):
                    continue  # punctuation stands between the candidate and the alias
                raw = [tokens[k][2] for k in range(a, b + 1)]
                if not usable(raw):
                    continue
                key = (position, " ".join(strip(w) for w in raw))
                counts[outlet][key] += 1
                if (outlet, key) not in examples:
                    s, e = original_span(text, offsets, tokens[lo][0], tokens[hi][1])
                    left, core, right = context(text, s, e, 2)
                    examples[(outlet, key)] = " ".join(x for x in (left, core, right) if x)

    cols = ["outlet", "candidate", "position", "count", "z", "example"]
    frames = []
    names = sorted(counts)
    for outlet in names:
        mine = counts[outlet]
        rest = Counter()
        for other in names:
            if other != outlet:
                rest.update(counts[other])
        df = pd.DataFrame([(outlet, k[1], k[0], c) for k, c in mine.items()],
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
        df["example"] = [examples[(outlet, (p, c))] for c, p in zip(df["candidate"], df["position"])]
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    out["count"] = out["count"].astype("int64")
    return out
