"""The shared vocabulary: every analysis puts a document in the same period, and the checks of
``by`` and ``voice`` say the same thing everywhere."""

import numpy as np
import pandas as pd
import pytest

import framing
from framing.errors import FramingError
from framing.vocabulary import (
    STANCES,
    check_by,
    check_voice,
    label_columns,
    period_offset,
    period_range,
    period_start,
    table_kind,
)

# one document a day, Monday 2020-01-27 to Sunday 2020-02-09: every weekday, across a month boundary
DAYS = pd.date_range("2020-01-27", "2020-02-09", freq="D")
LEXICON = {"name": "toy", "referents": {"haftar_camp": {
    "aliases": ["حفتر"], "labels": {"delegitimizing": [{"term": "ميليشيا"}], "neutral": ["قوات"]}}}}


@pytest.fixture(scope="module")
def corpus():
    texts = ["تقدمت ميليشيات حفتر نحو الطريق الساحلي" if i % 2 else "انسحبت قوات حفتر من محيط المدينة"
             for i in range(len(DAYS))]
    # one outlet per document, so that each group's period is the period of its one document
    return pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(len(DAYS))],
                         "outlet": [f"o{i:02d}" for i in range(len(DAYS))],
                         "date": DAYS, "text": texts})


def _expected(corpus, freq):
    """The first day of each document's period, worked out by hand (pandas' meaning of freq)."""
    out = {}
    for outlet, day in zip(corpus["outlet"], corpus["date"], strict=True):
        if freq in ("MS", "M"):
            start = day.replace(day=1)
        elif freq == "W":  # weeks ending on Sunday: Monday to Sunday
            start = day - pd.Timedelta(days=day.weekday())
        elif freq == "W-MON":  # weeks ending on Monday: Tuesday to Monday
            start = day - pd.Timedelta(days=(day.weekday() - 1) % 7)
        else:
            raise AssertionError(freq)
        out[outlet] = start
    return out


def _periods(table, mask):
    rows = table[mask]
    got = {}
    for outlet, period in zip(rows["outlet"], pd.to_datetime(rows["period"]), strict=True):
        got.setdefault(outlet, set()).add(period)
    assert all(len(p) == 1 for p in got.values()), got
    return {o: p.pop() for o, p in got.items()}


@pytest.mark.parametrize("freq", ["W-MON", "W", "MS", "M"])
def test_every_analysis_puts_a_document_in_the_same_period(corpus, freq):
    expected = _expected(corpus, freq)
    assert dict(zip(corpus["outlet"], period_start(corpus["date"], freq), strict=True)) == expected

    matches = framing.extract_matches(corpus, LEXICON, voice="all", kinds=("alias", "label"))
    labels = matches[matches["kind"] == "label"]
    assert set(labels["doc_id"]) == set(corpus["doc_id"])  # every document has a label

    shares = framing.label_shares(labels, by=("outlet", "period"), freq=freq, voice="all", method="wilson")
    assert _periods(shares, shares["total"] > 0) == expected

    feats = framing.extract_features(corpus, LEXICON, voice="all")
    fshares = framing.label_shares(feats, by=("outlet", "period"), freq=freq, voice="all", method="wilson")
    assert _periods(fshares, fshares["total"] > 0) == expected

    trend = framing.trends(labels, freq=freq, by="outlet", voice="all")
    assert _periods(trend, trend["total"] > 0) == expected
    # the grid holds every period start from the first to the last, and nothing else
    grid = sorted(set(pd.to_datetime(trend["period"])))
    assert grid == list(period_range(min(expected.values()), max(expected.values()), freq))

    counts = framing.term_counts(labels, by=("outlet",), freq=freq)
    assert _periods(counts, counts["count"] > 0) == expected

    att = framing.attention(corpus, matches, freq=freq)
    assert _periods(att, att["n_docs"] > 0) == expected


def test_weeks_follow_pandas():
    """W is W-SUN (Monday to Sunday); W-MON ends on Monday, so it starts on Tuesday; a Wednesday
    (2020-01-08) is in the week of Monday 01-06 for W and of Tuesday 01-07 for W-MON."""
    wed = pd.Series([pd.Timestamp("2020-01-08")])
    assert period_start(wed, "W").iloc[0] == pd.Timestamp("2020-01-06")
    assert period_start(wed, "W-MON").iloc[0] == pd.Timestamp("2020-01-07")
    for freq in ("W", "W-MON", "W-THU", "MS", "QS", "YS", "D"):
        alias = {"MS": "M", "QS": "Q", "YS": "Y"}.get(freq, freq)
        want = pd.Series(pd.date_range("2019-12-20", "2020-04-10")).dt.to_period(alias).dt.start_time
        got = period_start(pd.date_range("2019-12-20", "2020-04-10"), freq)
        assert (got.to_numpy() == want.to_numpy()).all(), freq
        # a period start plus the offset is the next period start
        starts = got.drop_duplicates()
        assert ((starts + period_offset(freq)).iloc[:-1].to_numpy() == starts.iloc[1:].to_numpy()).all(), freq


def test_period_start_keeps_missing_dates_and_local_days():
    dates = pd.Series(["2020-03-15 23:30", None, "not a date"])
    got = period_start(dates, "MS")
    assert got.iloc[0] == pd.Timestamp("2020-03-01") and got.iloc[1:].isna().all()
    assert got.dtype == "datetime64[ns]"
    local = pd.Series(pd.to_datetime(["2020-04-01 00:30"]).tz_localize("Africa/Cairo"))
    assert period_start(local, "MS").iloc[0] == pd.Timestamp("2020-04-01")  # its local day, not UTC's


@pytest.mark.parametrize("freq", ["2W", "h", "SMS", "", None, 7])
def test_bad_freq_is_one_clear_error(freq):
    with pytest.raises(FramingError, match="freq: expected a pandas frequency"):
        period_start(pd.Series([pd.Timestamp("2020-01-01")]), freq)


def test_by_check_wording():
    assert check_by("outlet") == ["outlet"]
    assert check_by(("outlet", "period"), ["outlet", "date"], derived=("period",)) == ["outlet", "period"]
    assert check_by(None, allow_empty=True) == []
    with pytest.raises(FramingError, match=r"^by: column 'site' is not in the corpus; columns: doc_id, outlet$"):
        check_by(["outlet", "site"], ["doc_id", "outlet"], what="corpus")
    with pytest.raises(FramingError, match="by: expected a column name or a non-empty sequence"):
        check_by(None)
    with pytest.raises(FramingError, match="by: expected a column name or a sequence"):
        check_by({"outlet"})
    with pytest.raises(FramingError, match=r"by: expected column names \(str\), got 3"):
        check_by(["outlet", 3])
    with pytest.raises(FramingError, match="by: expected distinct column names"):
        check_by(["outlet", "outlet"])
    with pytest.raises(FramingError, match="'share' is an output column"):
        check_by("share", reserved={"share"})


def test_analyses_report_a_bad_by_the_same_way(corpus):
    feats = framing.extract_features(corpus, LEXICON, voice="own")
    matches = framing.extract_matches(corpus, LEXICON, voice="all")
    calls = [lambda: framing.label_shares(feats, by="site"),
             lambda: framing.trends(feats, by="site"),
             lambda: framing.term_counts(matches, by="site"),
             lambda: framing.compare_outlets(framing.term_counts(matches), by="site"),
             lambda: framing.attention(corpus, matches, by="site")]
    for call in calls:
        with pytest.raises(FramingError, match=r"^by: column 'site' is not in the .*; columns: .*outlet"):
            call()


BAD_VOICE = r"^voice: expected one of 'own', 'quoted', 'reported', 'all'; got "


def test_voice_check_wording():
    assert check_voice("reported") == "reported"
    for bad in ("mine", None, 1):
        with pytest.raises(FramingError, match=BAD_VOICE):
            check_voice(bad)


def test_analyses_report_a_bad_voice_the_same_way(corpus):
    feats = framing.extract_features(corpus, LEXICON, voice="own")
    calls = [lambda: framing.extract_matches(corpus, LEXICON, voice="mine"),
             lambda: framing.extract_features(corpus, LEXICON, voice="mine"),
             lambda: framing.label_shares(feats, voice="mine"),
             lambda: framing.trends(feats, voice="mine"),
             lambda: framing.FramingVectorizer(lexicon=LEXICON, voice="mine").fit(["نص"])]
    for call in calls:
        with pytest.raises(FramingError, match=BAD_VOICE + "'mine'"):
            call()


def test_table_kind_and_label_columns():
    feats = pd.DataFrame({"doc_id": ["a"], "label:gna:neutral": [1], "label:gna:odd": [1], "cat:army": [0]})
    assert table_kind(feats) == "features"
    assert label_columns(feats) == [("label:gna:neutral", "gna", "neutral")]
    assert table_kind(pd.DataFrame(columns=["doc_id", "kind", "term", "surface"])) == "matches"
    assert table_kind(pd.DataFrame(columns=["outlet", "referent", "stance", "count"])) == "counts"
    assert table_kind(pd.DataFrame(columns=["outlet", "referent", "n_docs", "n_mentioning"])) == "attention"
    assert table_kind(pd.DataFrame(columns=["doc_id", "text"])) == "corpus"
    assert table_kind(pd.DataFrame(columns=["x"])) == "unknown"
    assert table_kind([1, 2]) == "unknown"
    with pytest.raises(FramingError, match=r"^f: expected a corpus .*; got columns x$"):
        table_kind(pd.DataFrame(columns=["x"]), ("corpus",), what="f")
    with pytest.raises(FramingError, match="expected a pandas DataFrame"):
        table_kind(np.zeros(2), ("corpus",))
    assert STANCES == ("delegitimizing", "neutral", "legitimizing")
