"""DuplicateFinder: find_duplicates fed batch by batch (memory (guide): the corpus need not be held)
gives the table find_duplicates gives on the whole corpus, whatever the batches and the shingle store."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from framing.corpus.duplicates import DuplicateFinder, find_duplicates
from framing.corpus.shingles import FileShingles, MemoryShingles, ShingleSets

# words written for these tests
WORDS = [
    "الوزارة", "المدينة", "الشرطة", "المستشفى", "الجامعة", "السوق", "المطر", "الطريق", "الجسر", "المدرسة",
    "الفريق", "النفط", "الميناء", "المطار", "القطار", "البرلمان", "القانون", "الشركة", "العمال", "القمح", "الماء",
    "الكهرباء", "الأطباء", "الطلاب", "المعرض", "أعلن", "قال", "أكد", "افتتح", "زار", "ناقش", "رفض", "وافق", "حذر",
    "أشار", "نفى", "قرر", "اليوم", "أمس", "صباح", "مساء", "الأسبوع", "في", "على", "من", "إلى"
]


def _corpus(seed: int = 2) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for k in range(60):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 70)))
        day = pd.Timestamp("2021-05-01") + pd.Timedelta(days=k % 9)
        rows.append((f"d{k}", f"o{k % 3}", day, text))
        if k % 4 == 0:  # a copy the same day or the next, by another outlet, a sentence changed
            words = text.split()
            words[len(words) // 2] = "وأوضح"
            rows.append((f"c{k}", f"o{(k + 1) % 3}", day + pd.Timedelta(days=k % 2), " ".join(words)))
        if k % 9 == 0:  # the same text undated, and one with no word at all
            rows.append((f"u{k}", "o0", pd.NaT, text))
            rows.append((f"p{k}", "o1", day, "... !!! ،،،"))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "text"])


@pytest.mark.parametrize("options", [{}, {"threshold": 0.3, "max_days": 1},
                                     {"measure": "containment", "threshold": 0.5},
                                     {"across_outlets_only": True, "threshold": 0.6}])
@pytest.mark.parametrize("sizes", [(1,), (7,), (5, 1, 13, 2), (1000,)])
@pytest.mark.parametrize("on_disk", [False, True])
def test_batches_give_the_whole_corpus_table(options, sizes, on_disk):
    corpus = _corpus()
    whole = find_duplicates(corpus, **options)
    assert len(whole) and not whole["is_first"].all()  # the corpus has copies to find
    store = FileShingles() if on_disk else MemoryShingles()
    finder = DuplicateFinder(**options, store=store)
    start, k = 0, 0
    while start < len(corpus):
        size = sizes[k % len(sizes)]
        finder.add(corpus.iloc[start:start + size])
        start, k = start + size, k + 1
    got = finder.result()
    if on_disk:
        store.close()
    pd.testing.assert_frame_equal(got, whole)


def test_a_batch_of_wordless_documents_and_the_duplicate_id_check():
    finder = DuplicateFinder()
    finder.add(pd.DataFrame({"doc_id": ["a", "b"], "text": ["...", "!!"]}))  # no signature at all
    finder.add(pd.DataFrame({"doc_id": ["c", "d"], "text": ["افتتح الوزير المعرض الجديد في المدينة اليوم"] * 2}))
    got = finder.result()
    assert got["doc_id"].tolist() == ["c", "d"]
    finder.add(pd.DataFrame({"doc_id": ["a"], "text": ["نص آخر"]}))
    with pytest.raises(Exception, match="doc_id must be unique"):
        finder.result()


def test_shingle_sets_are_read_back_within_their_byte_limit():
    store = MemoryShingles()
    arrays = [np.array([5, 3, 3, 9], dtype=np.uint64), np.array([7, 1], dtype=np.uint64)]
    starts = np.array([store.append(a) for a in arrays])
    sets = ShingleSets(store, starts, np.array([len(a) for a in arrays]), limit=8 * 3)
    assert sets(0).tolist() == [3, 5, 9]
    assert sets(1).tolist() == [1, 7]
    assert sets(0).tolist() == [3, 5, 9]  # evicted by the limit, read again
    with FileShingles() as disk:
        assert [disk.append(a) for a in arrays] == [0, 4]
        assert disk.read(4, 2).tolist() == [7, 1]
        assert disk.read(0, 4).tolist() == [5, 3, 3, 9]


def test_tokens_are_numbered_across_batches_as_in_one_call():
    """The shingle hashes (and so the MinHash signatures) of texts given in batches with one vocabulary
    are those of one call; a vocabulary per batch would number the tokens otherwise."""
    from framing.corpus.duplicates import _shingles

    texts = _corpus()["text"].tolist()
    whole, _, _ = _shingles(texts, 5, {})
    vocab: dict[str, int] = {}
    parts = [_shingles(texts[i:i + 9], 5, vocab)[0] for i in range(0, len(texts), 9)]
    assert np.array_equal(np.concatenate(parts), whole)
    fresh = [_shingles(texts[i:i + 9], 5, {})[0] for i in range(0, len(texts), 9)]
    assert not np.array_equal(np.concatenate(fresh), whole)
