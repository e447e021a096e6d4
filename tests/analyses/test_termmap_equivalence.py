"""The term map counted with a sparse matrix over int ids (framing.analyses.termmap_counts, issue 14:
memory) gives the map it gave when it was built from the long table of all_term_counts and
compare_outlets: the same terms, counts, stances, z-scores, lines and payload.

The old route is kept here only (``old_terms_and_lines``, the code term_map ran before), and run on a
corpus written for this test: words drawn with a seeded generator from a list of Arabic words written
here, with proclitics (و، ف، ب، ل، ال، لل), punctuation, digits, Latin words and the labels of the toy
lexicon, in outlets of different sizes; one outlet has no words at all.
"""

import numpy as np
import pandas as pd
import pytest
from helpers.termmap import LEX

from framing import FramingError
from framing.analyses import termmap_counts
from framing.analyses.compare import compare_outlets
from framing.analyses.termlines import cap_bytes, sample_lines
from framing.analyses.termmap import TermMap, _label_stances, _stance_of, term_map
from framing.features.terms import all_term_counts

STEMS = ["مدينة", "قوات", "ميليشيا", "ميليشيات", "حفتر", "جيش", "وطني", "معارك", "مطار", "طريق", "ساحل",
         "برلمان", "جلسة", "ميزانية", "وقود", "سوق", "أسواق", "مدارس", "بلدية", "سكان", "مصادر", "محلية",
         "قصف", "انسحاب", "تقدم", "هدنة", "مفاوضات", "وفد", "أمم", "متحدة", "مبعوث", "نفط", "موانئ",
         "كهرباء", "مياه", "مستشفى", "جرحى", "قتلى", "نازحين", "حدود", "جنوب", "شمال", "شرق", "غرب",
         "ليبيا", "طرابلس", "بنغازي", "سرت", "مصراتة", "حكومة", "وزير", "رئيس", "مجلس", "بيان", "قرار"]
FUNCTION = ["في", "من", "على", "إن", "أن", "قال", "قالت", "مع", "عن", "إلى"]
CLITICS = ["", "", "", "و", "ف", "ب", "ل", "ال", "وال", "بال", "لل", "فال"]
OTHER = ["2019", "15", "UN", "Haftar", "،", ".", "؛", "(", ")", "«", "»", "-", "_x", "٣"]


def written_corpus(seed: int = 11) -> pd.DataFrame:
    """Documents of outlets A (many), B, C (few), D (a handful) and E (punctuation only)."""
    rng = np.random.default_rng(seed)
    zipf = 1.0 / np.arange(1, len(STEMS) + 1)
    sizes = {"A": 60, "B": 35, "C": 12, "D": 4}
    rows = []
    for outlet, n in sizes.items():
        bias = rng.permutation(len(STEMS))[:8]  # each outlet prefers some words
        p = zipf.copy()
        p[bias] *= 4
        p /= p.sum()
        for i in range(n):
            words = []
            for _ in range(int(rng.integers(5, 60))):
                r = rng.random()
                if r < 0.2:
                    words.append(FUNCTION[rng.integers(len(FUNCTION))])
                elif r < 0.27:
                    words.append(OTHER[rng.integers(len(OTHER))])
                else:
                    words.append(CLITICS[rng.integers(len(CLITICS))] + STEMS[rng.choice(len(STEMS), p=p)])
            rows.append((f"{outlet}{i}", outlet, " ".join(words)))
    rows += [("E0", "E", "، . ؟"), ("E1", "E", "(«») - ؛")]
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "text"])


def old_terms_and_lines(corpus, *, by="outlet", outlets=None, reference="rest", lexicon=None, max_terms=3000,
                        min_count=5, ngram_range=(1, 1), stopwords=False, lines_per_term=4, window=6,
                        max_line_bytes=2_500_000, seed=0):
    """The term map as term_map built it before the sparse counts (its code, checks left out)."""
    corpus = corpus.reset_index(drop=True)
    groups = corpus[by].astype(str)
    all_outlets = sorted(groups.unique())
    chosen = all_outlets if outlets is None else list(outlets)
    chosen = [o for o in chosen if o != reference]
    frame = corpus.assign(**{by: groups})
    counts = all_term_counts(frame, [by], ngram_range=ngram_range)
    words = counts[counts["term"].str.count(" ") == 0].groupby(by)["count"].sum()
    comparisons, zcols = [], {}
    if reference == "rest":
        res = compare_outlets(counts, method="log_odds", mode="one_vs_rest", by=by)
        res = res[res[by].astype(str).isin(set(chosen))]
        per = {str(o): g.set_index("term")["z"] for o, g in res.groupby(by, sort=False, observed=True)}
        for o in chosen:
            comparisons.append((f"{o} vs rest", o, "rest"))
            zcols[f"{o} vs rest"] = per.get(o, pd.Series(dtype=float))
    else:
        for o in chosen:
            res = compare_outlets(counts[counts[by].isin([o, reference])], method="log_odds",
                                  mode="one_vs_rest", by=by)
            comparisons.append((f"{o} vs {reference}", o, reference))
            zcols[f"{o} vs {reference}"] = res[res[by] == o].set_index("term")["z"]
    total = counts.groupby("term", sort=True)["count"].sum()
    vocab = total.index
    forms, prefixes = _label_stances(lexicon) if lexicon is not None else ({}, [])
    stance = pd.Series([_stance_of(t, forms, prefixes) for t in vocab], index=vocab, dtype=object)
    letters = vocab.to_series().str.contains(r"[^\W\d_]", regex=True)
    keep = letters & (total >= min_count)
    if stopwords:
        from framing.reading.concordance import default_stopwords
        from framing.text.normalization import normalize

        keep &= ~vocab.to_series().isin({normalize(w, profile="search") for w in default_stopwords()})
    ranked = total[keep].sort_values(ascending=False, kind="mergesort")
    top = list(ranked.index[:max_terms])
    extra = [t for t in vocab[((stance != "") & (total > 0) & letters).to_numpy()] if t not in set(top)]
    drawn = top + extra
    sub = counts[counts["term"].isin(set(drawn))]
    wide = sub.pivot_table(index="term", columns=by, values="count", aggfunc="sum", fill_value=0)
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reindex(index=drawn, columns=all_outlets, fill_value=0)
    head = pd.DataFrame({"term": drawn, "stance": stance.loc[drawn].to_numpy(), "total": total.loc[drawn].to_numpy()})
    block = pd.DataFrame(wide.to_numpy().astype("int64"), columns=all_outlets)
    zs = pd.DataFrame({f"z:{n}": z.reindex(drawn).to_numpy(dtype=float) for n, z in zcols.items()},
                      index=range(len(drawn)))
    terms = pd.concat([head, block, zs], axis=1)
    sampled = sample_lines(corpus, groups, drawn, set(vocab), by=by, per_term=lines_per_term,
                           totals=total.loc[drawn].to_numpy(), window=window, seed=seed)
    lines = cap_bytes(sampled.lines, max_line_bytes)
    terms["lines"] = np.array([len(ls) for ls in lines], dtype="int64")
    stats = {"vocabulary": len(vocab), "words": {str(k): int(v) for k, v in words.items()},
             "documents_scanned_for_lines": sampled.scanned}
    return terms, comparisons, lines, stats


CASES = {
    "rest": {},
    "reference outlet, two outlets chosen": {"reference": "B", "outlets": ["A", "C", "D"]},
    "bigrams, few terms": {"ngram_range": (1, 2), "max_terms": 40},
    "stopwords, min_count 1, ties": {"stopwords": True, "min_count": 1, "max_terms": 25},
    "no lexicon, one line a term": {"lexicon": None, "lines_per_term": 1, "min_count": 2},
    "byte cap": {"max_line_bytes": 3000, "window": 2, "seed": 5},
}


@pytest.mark.parametrize("flush", [termmap_counts.FLUSH_TOKENS, 7], ids=["one buffer", "many flushes"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_term_map_is_what_the_long_table_route_gave(case, flush, monkeypatch):
    monkeypatch.setattr(termmap_counts, "FLUSH_TOKENS", flush)  # 7: reduced every few tokens, long documents alone
    corpus = written_corpus()
    kw = {"lexicon": LEX, **CASES[case]}
    new = term_map(corpus, **kw)
    terms, comparisons, lines, stats = old_terms_and_lines(corpus, **kw)
    assert len(terms) > 20 and sum(map(len, lines)) > 20  # a map worth comparing
    pd.testing.assert_frame_equal(new.terms, terms, check_exact=True)
    assert [tuple(c) for c in new.comparisons] == comparisons
    assert new.lines == lines
    assert {k: new.stats[k] for k in stats} == stats
    old = TermMap(terms=terms, outlets=new.outlets, comparisons=new.comparisons, lines=lines, title=new.title,
                  stats={"words": stats["words"]})
    assert new.payload() == old.payload()


def test_the_written_corpus_has_what_the_comparison_needs():
    """Ties in the ranking, words with proclitics, an outlet without words, lexicon labels drawn."""
    corpus = written_corpus()
    tm = term_map(corpus, lexicon=LEX, min_count=1)
    totals = tm.terms["total"]
    assert totals.duplicated().any()
    assert tm.terms.loc[tm.terms["term"] == "ميليشيات", "stance"].iloc[0] == "delegitimizing"
    assert "E" not in tm.stats["words"] and tm.terms["E"].eq(0).all() and tm.terms["z:E vs rest"].isna().all()
    assert not tm.terms["term"].str.startswith(("وال", "بال")).any()  # proclitics stripped


def test_fewer_than_two_outlets_with_words_is_the_same_error():
    corpus = written_corpus()
    two = corpus[corpus["outlet"].isin(["A", "E"])]
    with pytest.raises(FramingError, match="at least two values of 'outlet'"):
        old_terms_and_lines(two)
    with pytest.raises(FramingError, match="at least two values of 'outlet'"):
        term_map(two)


def test_a_missing_text_names_its_row():
    corpus = written_corpus()
    corpus.loc[3, "text"] = None
    with pytest.raises(FramingError, match=r"row 3 \(doc_id 'A3'\), field 'text'"):
        term_map(corpus)
