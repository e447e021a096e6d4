"""find_duplicates / exclude_copies: planted wire copies are found, distinct articles are not."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.corpus.duplicates import _choose_bands, exclude_copies, find_duplicates
from framing.errors import CorpusError, FramingError

# a word pool written for these tests; random sentences over it share almost no 5-word run
WORDS = ("الحكومة الوزير المدينة الشرطة المستشفى الجامعة السوق المطر الطريق الجسر المدرسة الفريق "
         "المباراة الاقتصاد النفط الميناء المطار القطار الرئيس البرلمان القانون الميزانية الشركة "
         "العمال المزارعين القمح الماء الكهرباء المرضى الأطباء الطلاب المعلمين الكتاب المعرض "
         "أعلن قال أكد افتتح زار ناقش رفض وافق طالب حذر أشار أضاف نفى قرر بدأ انتهى ارتفع انخفض "
         "اليوم أمس صباح مساء الأسبوع الشهر العام الجديد القديم الكبير الصغير الأول الأخير "
         "في على من إلى مع بعد قبل خلال حول ضد دون عند").split()

WIRE = ("أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية تشمل توزيع البذور "
        "مجانا وتقديم قروض ميسرة لشراء المعدات الحديثة وقال الوزير في مؤتمر صحفي إن الخطة ستبدأ "
        "مطلع الشهر المقبل وتستمر ثلاث سنوات بتكلفة إجمالية تتجاوز مئة مليون")
FIRE = ("اندلع حريق كبير في مستودع للأخشاب بالمنطقة الصناعية مساء أمس وتمكنت فرق الدفاع المدني من "
        "السيطرة عليه بعد ساعات دون تسجيل إصابات بشرية وفتحت السلطات تحقيقا لمعرفة أسباب الحادث "
        "الذي ألحق أضرارا مادية كبيرة بالمباني المجاورة")


def distinct_articles(n, seed=1):
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 60))) for _ in range(n)]


def with_harakat(text):
    """The same words with diacritics, tatweel and hamza-less alef: folded away by normalization."""
    return text.replace("الزراعة", "الزِّراعة").replace("خطة", "خـطـة").replace("أعلنت", "اعلنت")


def corpus_with_copies():
    texts = distinct_articles(40)
    rows = [{"doc_id": f"n{i}", "outlet": f"o{i % 5}", "date": pd.Timestamp("2022-01-10") + pd.Timedelta(days=i % 7),
             "text": t} for i, t in enumerate(texts)]
    planted = [
        ("w_orig", "وكالة", "2022-01-05", WIRE),
        ("w_exact", "صحيفة أ", "2022-01-06", WIRE),
        ("w_marks", "صحيفة ب", "2022-01-06", with_harakat(WIRE)),
        ("w_credit", "صحيفة ج", "2022-01-07", "(واس) - " + WIRE + " حسب البيان"),
        ("f_copy", "صحيفة أ", "2022-01-09", FIRE.replace("كبير في", "ضخم في")),
        ("f_orig", "صحيفة د", "2022-01-08", FIRE),
    ]
    rows[5:5] = [{"doc_id": d, "outlet": o, "date": pd.Timestamp(t), "text": x} for d, o, t, x in planted]
    return pd.DataFrame(rows)


def groups_of(dups):
    return sorted(sorted(g) for g in dups.groupby("group")["doc_id"].apply(list))


def test_planted_copies_found_without_false_positives():
    corpus = corpus_with_copies()
    dups = find_duplicates(corpus)
    assert list(dups.columns) == ["doc_id", "outlet", "group", "similarity", "is_first"]
    assert groups_of(dups) == [["f_copy", "f_orig"], ["w_credit", "w_exact", "w_marks", "w_orig"]]
    firsts = set(dups.loc[dups["is_first"], "doc_id"])
    assert firsts == {"w_orig", "f_orig"}  # f_orig is listed later but dated earlier
    sim = dups.set_index("doc_id")["similarity"]
    assert sim["w_orig"] == sim["w_exact"] == sim["w_marks"] == 1.0
    assert 0.8 <= sim["w_credit"] < 1.0 and 0.8 <= sim["f_copy"] < 1.0
    assert dups.groupby("group")["is_first"].sum().tolist() == [1, 1]
    assert dups["group"].tolist() == [0, 0, 0, 0, 1, 1]  # groups in corpus order, original first


def test_threshold_controls_edited_copies():
    base = distinct_articles(1, seed=7)[0].split()
    edited = base.copy()
    for i in range(0, len(edited), 6):  # change every sixth word
        edited[i] = "تعديل"
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["x", "y"], "text": [" ".join(base), " ".join(edited)]})
    shingles = lambda ws: {tuple(ws[i:i + 5]) for i in range(len(ws) - 4)}  # noqa: E731
    true_j = len(shingles(base) & shingles(edited)) / len(shingles(base) | shingles(edited))
    assert true_j < 0.8
    assert find_duplicates(corpus).empty
    low = find_duplicates(corpus, threshold=max(true_j - 0.05, 0.01))
    assert groups_of(low) == [["a", "b"]]
    assert low["similarity"].min() == pytest.approx(true_j)


def test_across_outlets_only_and_short_and_empty_texts():
    corpus = pd.DataFrame({"doc_id": list("abcde"), "outlet": ["x", "x", "y", "z", "z"],
                           "text": [WIRE, WIRE, "عاجل", "عاجل", "\u0640 ،"]})
    assert groups_of(find_duplicates(corpus)) == [["a", "b"], ["c", "d"]]
    assert groups_of(find_duplicates(corpus, across_outlets_only=True)) == [["c", "d"]]


def test_exclude_copies_keeps_originals_in_order():
    corpus = corpus_with_copies()
    corpus.attrs = {}
    dups = find_duplicates(corpus)
    kept = exclude_copies(corpus, dups)
    assert len(kept) == len(corpus) - 4 and kept.attrs["n_copies_excluded"] == 4
    assert not {"w_exact", "w_marks", "w_credit", "f_copy"} & set(kept["doc_id"])
    assert kept["doc_id"].tolist() == [d for d in corpus["doc_id"] if d in set(kept["doc_id"])]


def test_empty_result_and_bad_input():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["x", "y"], "text": distinct_articles(2)})
    out = find_duplicates(corpus)
    assert out.empty and list(out.columns) == ["doc_id", "outlet", "group", "similarity", "is_first"]
    assert str(out["is_first"].dtype) == "bool" and str(out["group"].dtype) == "int64"
    with pytest.raises(CorpusError, match="needs a corpus table with 'text'"):
        find_duplicates(corpus.drop(columns="text"))
    with pytest.raises(CorpusError, match="doc_id must be unique"):
        find_duplicates(corpus.assign(doc_id=["a", "a"]))
    with pytest.raises(FramingError, match="threshold"):
        find_duplicates(corpus, threshold=1.5)


def test_band_choice_catches_pairs_at_threshold():
    for threshold in (0.5, 0.8, 0.9):
        b, r = _choose_bands(64, threshold)
        assert b * r == 64 and 1 - (1 - threshold**r) ** b >= 0.999


@settings(max_examples=25, deadline=None)
@given(n_distinct=st.integers(2, 12), copies=st.lists(st.integers(0, 11), max_size=6), seed=st.integers(0, 10**6))
def test_partition_does_not_depend_on_order(n_distinct, copies, seed):
    texts = distinct_articles(n_distinct, seed=seed)
    rows = [(f"d{i}", t) for i, t in enumerate(texts)]
    rows += [(f"c{k}_{j}", texts[j % n_distinct]) for k, j in enumerate(copies)]
    corpus = pd.DataFrame(rows, columns=["doc_id", "text"]).assign(outlet="x")
    expected = {}
    for doc_id, text in rows:
        expected.setdefault(text, []).append(doc_id)
    want = sorted(sorted(g) for g in expected.values() if len(g) > 1)
    shuffled = corpus.sample(frac=1, random_state=np.random.default_rng(seed).integers(1000)).reset_index(drop=True)
    assert groups_of(find_duplicates(corpus)) == want == groups_of(find_duplicates(shuffled))
