"""audit_sample / audit_precision / write_audit / read_audit."""

import pandas as pd
import pytest

from framing.reading.audit import audit_precision, audit_sample, parse_correct, read_audit, write_audit
from framing.errors import FramingError
from framing.features.extract import extract_matches

LEX = {"name": "toy", "referents": {"haftar_camp": {
    "aliases": ["حفتر"], "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["قوات"]}}}}


@pytest.fixture(scope="module")
def data():
    texts = [f"في اليوم {i} تقدمت قوات حفتر ثم انسحبت ميليشيات حفتر من الموقع" for i in range(30)]
    corpus = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(30)], "outlet": ["A", "B"] * 15,
                           "date": pd.to_datetime(["2020-01-01"] * 30), "text": texts})
    return corpus, extract_matches(corpus, LEX)


def test_sample_is_stratified_and_reproducible(data):
    corpus, matches = data
    assert len(matches) == 60
    s1 = audit_sample(matches, n=5, seed=3, corpus=corpus)
    s2 = audit_sample(matches, n=5, seed=3, corpus=corpus)
    s3 = audit_sample(matches, n=5, seed=4, corpus=corpus)
    pd.testing.assert_frame_equal(s1, s2)
    assert s1["match_row"].tolist() != s3["match_row"].tolist()
    assert s1["term"].value_counts().to_dict() == {"قوات": 5, "ميليشيا": 5}
    assert s1["correct"].isna().all() and "note" in s1.columns
    for r in s1.itertuples():
        assert r.match == corpus.set_index("doc_id").loc[r.doc_id, "text"][r.start:r.end] == r.surface
    assert all("حفتر" in right for right in s1["right"])
    # a stratum's sample does not depend on the other strata
    only = audit_sample(matches[matches["term"] == "قوات"], n=5, seed=3)
    assert sorted(only["match_row"]) == sorted(s1.loc[s1["term"] == "قوات", "match_row"])


def test_sample_total_and_small_strata(data):
    corpus, matches = data
    assert len(audit_sample(matches, n=7, by=None)) == 7
    assert len(audit_sample(matches, n=100)) == 60  # strata smaller than n are taken whole
    bad_corpus = corpus.assign(text=corpus["text"].str.replace("قوات", "جنود"))
    with pytest.raises(FramingError, match="does not hold the matched"):
        audit_sample(matches, n=3, corpus=bad_corpus)


def test_precision_matches_hand_computation():
    marked = pd.DataFrame({
        "term": ["قوات"] * 6 + ["ميليشيا"] * 4,
        "correct": [True, True, True, False, None, "", "true", "FALSE", 0, 1],
    })
    res = audit_precision(marked).set_index("term")
    assert res.loc["قوات", ["n_marked", "n_correct", "n_unmarked"]].tolist() == [4, 3, 2]
    assert res.loc["قوات", "precision"] == pytest.approx(0.75)
    assert res.loc["ميليشيا", "precision"] == pytest.approx(0.5)
    # Wilson 95% for 3/4 by hand
    z = 1.959963984540054
    p, n = 0.75, 4
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    assert res.loc["قوات", "lo"] == pytest.approx(centre - half)
    assert res.loc["قوات", "hi"] == pytest.approx(centre + half)
    overall = audit_precision(marked, by=None)
    assert overall[["n_marked", "n_correct"]].values.tolist() == [[8, 5]]
    assert overall.attrs["n_unmarked"] == 2


def test_precision_rejects_other_marks():
    marked = pd.DataFrame({"term": ["قوات"] * 3, "correct": [True, "maybe", 2]})
    with pytest.raises(FramingError, match=r"row 1: 'maybe'.*row 2: 2"):
        audit_precision(marked)
    with pytest.raises(FramingError, match="no 'correct' column"):
        audit_precision(pd.DataFrame({"term": ["قوات"]}))
    assert parse_correct(["نعم", "لا", " "]).tolist() == [True, False, pd.NA]


def test_csv_round_trip_with_bom(data, tmp_path):
    corpus, matches = data
    sample = audit_sample(matches, n=2, corpus=corpus)
    path = tmp_path / "audit.csv"
    write_audit(sample, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = read_audit(path)
    assert back["left"].tolist() == sample["left"].tolist()
    assert back["start"].tolist() == sample["start"].tolist()
    assert back["correct"].isna().all()
    # mark by hand (as a spreadsheet would) and read again
    marked = back.copy()
    marked["correct"] = ["TRUE", "FALSE", "TRUE", ""]
    write_audit(marked, path)
    res = audit_precision(read_audit(path)).set_index("term")
    assert res["n_marked"].sum() == 3 and res["n_correct"].sum() == 2
    marked["correct"] = ["TRUE", "oops", "", ""]
    write_audit(marked, path)
    with pytest.raises(FramingError, match="oops"):
        read_audit(path)
