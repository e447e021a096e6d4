"""collocates (framing.reading.collocates): the measures worked by hand, groups and checks."""

import math

import pytest

from framing.errors import FramingError
from framing.reading.collocates import collocates


def test_collocates_measures_by_hand(make_corpus):
    # node قصف; window 1. Tokens (after clitic stripping): doc0 = [مدفعية, قصف, مطار] etc.
    texts = ["المدفعية قصف المطار", "قصف المطار ليلا", "المطار مغلق"]
    res = collocates(make_corpus(texts), "قصف", window=1, by=None, min_count=1)
    row = res.set_index("collocate").loc["مطار"]
    O, fn, fc, N, S = 2, 2, 3, 8, 2
    E = fn * S * fc / N
    assert row["count"] == O and row["freq_node"] == fn and row["freq_collocate"] == fc and row["n_tokens"] == N
    assert row["expected"] == pytest.approx(E)
    assert row["mi"] == pytest.approx(math.log2(O / E))
    assert row["logdice"] == pytest.approx(14 + math.log2(2 * O / (fn + fc)))
    assert row["t"] == pytest.approx((O - E) / math.sqrt(O))
    R1 = fn * S
    obs = [O, R1 - O, fc - O, N - R1 - fc + O]
    exp = [R1 * fc / N, R1 * (N - fc) / N, (N - R1) * fc / N, (N - R1) * (N - fc) / N]
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(obs, exp) if o > 0)
    assert row["g2"] == pytest.approx(g2)
    assert "مدفعيه" in set(res["collocate"])  # clitic-stripped, normalized (ة → ه)


def test_collocates_by_outlet_and_min_count(make_corpus):
    texts = ["قصف المطار", "قصف المطار", "قصف الميناء"]
    res = collocates(make_corpus(texts, ["A", "A", "B"]), "قصف", window=2, min_count=2)
    assert res[["outlet", "collocate", "count"]].values.tolist() == [["A", "مطار", 2]]
    with pytest.raises(FramingError, match="measures"):
        collocates(make_corpus(texts), "قصف", measures=("pmi",))
