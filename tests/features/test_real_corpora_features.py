"""Real corpora (../shared/corpora, skipped when absent): every row read, features extracted, and the two
spellings of "militia" counted under one label."""

from pathlib import Path

import pytest

import framing

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora"
SAUDI = SHARED / "saudinewsnet.jsonl.gz"
ASND = SHARED / "asnd_aljazeera.jsonl.gz"
pytestmark = pytest.mark.skipif(not SAUDI.exists() or not ASND.exists(), reason="../shared/corpora is absent")


@pytest.fixture(scope="module")
def saudi():
    return framing.read_corpus(SAUDI, errors="collect")


def test_every_row_read_and_features_extracted(saudi):
    asnd = framing.read_corpus(ASND, errors="collect")
    for corpus, expected in ((saudi, 31_030), (asnd, 8_346)):
        assert corpus.attrs["n_read"] == expected
        assert len(corpus) + len(corpus.attrs["rejects"]) == expected
    features = framing.extract_features(asnd, "isis")
    assert len(features) == len(asnd)
    assert features.filter(like="label:").to_numpy().sum() > 0


@pytest.mark.slow
def test_both_militia_spellings_count_under_one_yemen_label(saudi):
    sub = saudi[saudi["outlet"].isin(["Asharq Al-Awsat", "Al-Madina"])]
    matches = framing.extract_matches(sub, "yemen")
    militia = matches[matches["surface"].map(lambda s: "يليشي" in framing.normalize(s)
                                              or "مليشي" in framing.normalize(s))].copy()
    militia["spelling"] = militia["surface"].map(
        lambda s: "ميليشي" if "ميليشي" in framing.normalize(s) else "مليشي")
    by_outlet = militia.groupby(["outlet", "spelling"]).size()
    # each outlet's habitual spelling is found, and both land on the same lexicon entry and label
    assert by_outlet.get(("Asharq Al-Awsat", "ميليشي"), 0) >= 50
    assert by_outlet.get(("Al-Madina", "مليشي"), 0) >= 10
    houthi = militia[militia["referent"] == "houthis"]
    keys = houthi.groupby("spelling")[["referent", "stance", "term"]].agg(lambda s: set(s))
    assert keys.loc["ميليشي", "term"] & keys.loc["مليشي", "term"]
    assert keys.loc["ميليشي", "stance"] == keys.loc["مليشي", "stance"] == {"delegitimizing"}
    features = framing.extract_features(sub, "yemen")
    per_outlet = features.groupby("outlet")["label:houthis:delegitimizing"].sum()
    assert per_outlet["Asharq Al-Awsat"] > 0 and per_outlet["Al-Madina"] > 0
