"""find_duplicates recovers the wire copies planted in the demo corpus (data/demo/truth.json)."""

import pytest

import framing


@pytest.fixture(scope="module")
def demo():
    return framing.read_corpus(framing.demo_path()), framing.demo.paths.demo_truth()


def _planted(truth):
    return {doc: gid for gid, g in truth["wire_groups"].items() for doc in g["doc_ids"]}


def test_planted_wire_copies_are_recovered(demo):
    corpus, truth = demo
    planted = _planted(truth)
    # demo articles are short (~60 words): one sentence cut and one added moves Jaccard a lot, so
    # the demo is analysed with a low threshold restricted to copies published within a day
    dups = framing.find_duplicates(corpus, threshold=0.3, max_days=1)
    found = set(dups["doc_id"])
    recall = len(found & set(planted)) / len(planted)
    precision = len(found & set(planted)) / len(found)
    assert recall >= 0.98, recall
    assert precision >= 0.98, precision
    # groups do not mix planted wire stories
    for _, group in dups.groupby("group"):
        stories = {planted.get(d) for d in group["doc_id"]} - {None}
        assert len(stories) <= 1
    # the original is the earliest member
    dated = dups.merge(corpus[["doc_id", "date"]], on="doc_id")
    for _, group in dated.groupby("group"):
        assert group.loc[group["is_first"], "date"].iloc[0] == group["date"].min()


@pytest.mark.slow
def test_same_day_rule_removes_template_lookalikes(demo):
    corpus, truth = demo
    planted = set(_planted(truth))
    loose = set(framing.find_duplicates(corpus, threshold=0.3)["doc_id"])
    strict = set(framing.find_duplicates(corpus, threshold=0.3, max_days=1)["doc_id"])
    assert len(loose - planted) > len(strict - planted)


def test_excluding_copies_keeps_one_per_story(demo):
    corpus, truth = demo
    dups = framing.find_duplicates(corpus, threshold=0.3, max_days=1)
    kept = framing.exclude_copies(corpus, dups)
    assert len(corpus) - len(kept) == int((~dups["is_first"]).sum())
    assert kept.attrs["n_copies_excluded"] == len(corpus) - len(kept)
