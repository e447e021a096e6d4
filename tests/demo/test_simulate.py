"""The synthetic demo corpus: reproducible, large enough, and its truth checkable."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from framing.errors import FramingError
from framing.demo.simulate import NOISE_CHARS, load_templates, main, simulate_corpus, write_demo

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
SHARED = ROOT.parent / "shared" / "corpora"

# Names (and name words) of real Arab / Libyan news outlets that an invented outlet must not use.
REAL_OUTLETS_AR = ["الجزيرة", "العربية", "الوسط", "المرصد", "المنار", "الشرق الأوسط", "الحياة", "النهار",
                   "الأهرام", "الرياض", "عكاظ", "الخليج", "البيان", "الاتحاد", "القدس", "الأنباء الليبية",
                   "ليبيا الأحرار", "ليبيا الحدث", "ليبيا المستقبل", "بوابة", "عين ليبيا", "الساعة 24",
                   "المتوسط", "سكاي نيوز", "الغد", "الميادين", "الشروق", "المصري اليوم", "اليوم السابع",
                   "العرب", "عربي 21", "الحرة", "فرانس 24", "روسيا اليوم", "الأناضول", "وال", "الجماهيرية"]
REAL_OUTLETS_LATIN = ["jazeera", "arabiya", "alwasat", "marsad", "manar", "asharq", "hayat", "ahram",
                      "libyaalahrar", "libya-alahrar", "almostakbal", "218", "alsaaa24", "skynews",
                      "alghad", "mayadeen", "shorouk", "arabi21", "alhurra", "france24", "aa.com"]


@pytest.fixture(scope="module")
def committed():
    lines = (DEMO / "corpus.jsonl").read_text("utf-8").splitlines()
    corpus = pd.DataFrame([json.loads(x) for x in lines])
    corpus["date"] = pd.to_datetime(corpus["date"])
    truth = json.loads((DEMO / "truth.json").read_text("utf-8"))
    return corpus, truth


def test_regenerating_gives_byte_identical_files(tmp_path):
    write_demo(tmp_path)  # defaults = the committed demo
    for name in ("corpus.jsonl", "truth.json"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_same_seed_same_corpus_other_seed_other_corpus():
    a, ta = simulate_corpus(7, n_articles=150, months=6)
    b, tb = simulate_corpus(7, n_articles=150, months=6)
    c, _ = simulate_corpus(8, n_articles=150, months=6)
    pd.testing.assert_frame_equal(a, b)
    assert ta == tb
    assert not a["text"].equals(c["text"])


def test_schema_and_size(committed):
    corpus, truth = committed
    assert list(corpus.columns) == ["doc_id", "outlet", "date", "title", "text", "url", "wire_group"]
    assert len(corpus) >= 3000 and corpus["doc_id"].is_unique
    assert corpus["outlet"].nunique() >= 5
    months = corpus["date"].dt.strftime("%Y-%m")
    assert months.nunique() >= 24 and sorted(months.unique()) == truth["months"]
    assert set(truth["documents"]) == set(corpus["doc_id"])
    slugs = {o["outlet"]: o["slug"] for o in truth["outlets"]}
    for outlet, url in zip(corpus["outlet"], corpus["url"]):
        assert url.startswith(f"https://{slugs[outlet]}.example/")


def test_simulated_frame_types():
    corpus, _ = simulate_corpus(3, n_articles=60, months=3)
    assert str(corpus["date"].dtype) == "datetime64[ns]"
    assert set(corpus["wire_group"].map(type)) <= {type(None), str}


def test_outlet_names_are_invented(committed):
    corpus, truth = committed
    assert len({o["name_ar"] for o in truth["outlets"]}) == len(truth["outlets"])
    for o in truth["outlets"]:
        for real in REAL_OUTLETS_AR:
            assert real not in o["name_ar"].split() and real != o["name_ar"], (o["name_ar"], real)
        latin = (o["outlet"] + " " + o["slug"]).lower().replace(" ", "")
        for real in REAL_OUTLETS_LATIN:
            assert real not in latin, (o["outlet"], real)
    assert truth["agency"]["name_ar"] not in set(corpus["outlet"])


@pytest.mark.skipif(not SHARED.exists(), reason="shared corpora absent")
def test_outlet_names_differ_from_the_real_corpora(committed):
    import gzip

    corpus, _ = committed
    real = set()
    for f in sorted(SHARED.glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                real.add(json.loads(line).get("outlet"))
    assert real and not (set(corpus["outlet"]) & real)


def _clean(text):
    """Undo the simulator's noise (enough to compare wire copies)."""
    text = text.replace("\u00a0", " ").replace("\u06cc", "ي").replace("\u06a9", "ك")
    for ch in NOISE_CHARS["diacritics"] + NOISE_CHARS["tatweel"] + NOISE_CHARS["rlm"]:
        text = text.replace(ch, "")
    return text


def _own_shares(corpus, truth, outlet, referent, months):
    """Stance counts of own-voice, non-scare labels in the outlet's house (non-wire) articles."""
    sel = corpus[(corpus["outlet"] == outlet) & corpus["wire_group"].isna()
                 & corpus["date"].dt.strftime("%Y-%m").isin(months)]
    counts = Counter()
    for doc_id in sel["doc_id"]:
        for ref, stance, voice, scare in truth["documents"][doc_id]:
            if ref == referent and voice == "own" and not scare:
                counts[stance] += 1
    return counts


def test_switch_is_visible_in_the_planted_truth(committed):
    corpus, truth = committed
    sw = truth["switch"]
    before = [m for m in truth["months"] if m < sw["month"]]
    after = [m for m in truth["months"] if m >= sw["month"]]
    cb = _own_shares(corpus, truth, sw["outlet"], sw["referent"], before)
    ca = _own_shares(corpus, truth, sw["outlet"], sw["referent"], after)
    share_b = cb["delegitimizing"] / sum(cb.values())
    share_a = ca["delegitimizing"] / sum(ca.values())
    assert share_a - share_b > 0.5
    # and the monthly probabilities recorded in the truth jump at the switch month
    probs = truth["stance_probs"][sw["outlet"]][sw["referent"]]
    assert probs[before[-1]] == sw["before"] and probs[after[0]] == sw["after"]


def _expected_share(truth, referent, p):
    """Expected share of each stance among label matches when phrases are drawn with probs p."""
    exp = Counter()
    for st, ps in zip(truth["stances"], p):
        phrases = truth["phrases"][referent][st]
        for ph in phrases:
            for ref, stance in ph["plants"]:
                if ref == referent:
                    exp[stance] += ps / len(phrases)
    total = sum(exp.values())
    return {s: exp[s] / total for s in truth["stances"]}


@pytest.mark.parametrize("referent", ["haftar_camp", "gna"])
def test_house_styles_match_the_recorded_probabilities(committed, referent):
    corpus, truth = committed
    sw = truth["switch"]
    for o in truth["outlets"]:
        if o["outlet"] == sw["outlet"] and referent == sw["referent"]:
            continue
        for half in (truth["months"][:12], truth["months"][12:]):
            counts = _own_shares(corpus, truth, o["outlet"], referent, half)
            n = sum(counts.values())
            mid = [sum(truth["stance_probs"][o["outlet"]][referent][m][i] for m in half) / len(half)
                   for i in range(3)]
            exp = _expected_share(truth, referent, mid)
            for st in truth["stances"]:
                sd = math.sqrt(max(exp[st] * (1 - exp[st]), 0.01) / n)
                assert abs(counts[st] / n - exp[st]) < 5 * sd + 0.03, (o["outlet"], referent, st)


def test_quoted_labels_follow_the_speakers_not_the_outlet(committed):
    corpus, truth = committed
    pro = next(o["outlet"] for o in truth["outlets"] if o["name_ar"] == "نجمة الرمال")
    own, quoted = Counter(), Counter()
    for doc_id in corpus.loc[corpus["outlet"] == pro, "doc_id"]:
        for ref, stance, voice, scare in truth["documents"][doc_id]:
            if ref == "haftar_camp" and voice in ("own", "quoted"):  # reported events use the outlet's style
                (own if voice == "own" else quoted)[stance] += 1
    # the outlet itself almost never delegitimizes Haftar; the speakers it quotes often do
    assert own["delegitimizing"] / sum(own.values()) < 0.05
    assert quoted["delegitimizing"] / sum(quoted.values()) > 0.2


def test_scare_quotes_are_planted_and_recorded(committed):
    corpus, truth = committed
    by_id = dict(zip(corpus["doc_id"], corpus["text"]))
    scare_docs = [d for d, pl in truth["documents"].items() if any(p[3] for p in pl)]
    assert len(scare_docs) > 50
    for d in scare_docs[:200]:
        assert "«" in by_id[d]
    rates = {o["outlet"]: o["scare_quote_rate"] for o in truth["outlets"]}
    outlets = set(corpus.set_index("doc_id").loc[scare_docs, "outlet"])
    assert outlets <= {o for o, r in rates.items() if r > 0}


def test_noise_of_each_kind_is_present_at_its_rate(committed):
    corpus, truth = committed
    texts = corpus["text"].tolist()
    n_docs = len(texts)
    n_phrases = truth["noise"]["label_phrases_planted"]
    for kind, chars in NOISE_CHARS.items():
        rec = truth["noise"][kind]
        count = sum(sum(t.count(c) for c in chars) for t in texts)
        docs = sum(any(c in t for c in chars) for t in texts)
        assert count > 0 and count == rec["count"] and docs == rec["documents"], kind
        if rec["unit"] == "document":
            n, k = n_docs, docs
        elif rec["unit"] == "label phrase":
            n, k = n_phrases, count
        else:
            n = sum(t.count(" ") + t.count("\u00a0") for t in texts)
            k = count
        p = rec["rate"]
        assert abs(k / n - p) < 5 * math.sqrt(p * (1 - p) / n) + 0.01 * p, kind
    # the spelling habit: one outlet writes مليشيا, never ميليشيا
    habit = [o for o in truth["outlets"] if o["spelling"]]
    assert habit
    for o in habit:
        own = corpus.loc[corpus["outlet"] == o["outlet"], "text"].str.replace("\u0640", "").str.replace(
            "[\u064b-\u0652]", "", regex=True)
        for old, new in o["spelling"].items():
            assert not own.str.contains(old).any() and own.str.contains(new).any()


def test_clitics_plurals_and_quotes_occur(committed):
    corpus, _ = committed
    text = " ".join(corpus["text"])
    for form in ("وميليشيات", "لقوات", "للقوات", "ميليشيات", "«", "“"):
        assert form in text, form


def test_wire_groups(committed):
    corpus, truth = committed
    groups = truth["wire_groups"]
    assert len(groups) > 50
    wired = corpus[corpus["wire_group"].notna()]
    assert set(wired["wire_group"]) == set(groups)
    assert 0.05 < len(wired) / len(corpus) < 0.25
    indexed = corpus.set_index("doc_id")
    for gid, g in groups.items():
        rows = indexed.loc[g["doc_ids"]]
        assert len(rows) >= 2 and rows["outlet"].is_unique
        assert set(rows["wire_group"]) == {gid} and g["style"] == "agency"
        assert (rows["date"].max() - rows["date"].min()).days <= 1
        first = set(_clean(rows["text"].iloc[0]).split(". "))
        for t in rows["text"].iloc[1:]:  # small edits only: most sentences shared
            other = set(_clean(t).split(". "))
            assert len(first & other) / max(len(first), len(other)) > 0.5


def test_bad_arguments_raise():
    with pytest.raises(FramingError, match="unknown noise kind"):
        simulate_corpus(noise={"typos": 0.1})
    with pytest.raises(FramingError, match="YYYY-MM"):
        simulate_corpus(start="April 2019")
    with pytest.raises(FramingError, match="n_articles"):
        simulate_corpus(n_articles=3)


def test_template_checks(tmp_path):
    import yaml

    data = load_templates()
    data["phrases"]["gna"]["neutral"][0]["plants"] = [["gna", "legitimizing"]]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FramingError, match="must plant"):
        load_templates(bad)


def test_command_line_writes_the_files(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--seed", "5", "--n-articles", "40"]) == 0
    lines = (tmp_path / "corpus.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 40
    rec = json.loads(lines[0])
    assert list(rec) == ["doc_id", "outlet", "date", "title", "text", "url", "wire_group"]
    assert len(rec["date"]) == 10
    assert json.loads((tmp_path / "truth.json").read_text("utf-8"))["seed"] == 5
    assert "40 documents" in capsys.readouterr().out


# ---- agreement with the matcher -------------------------------------------------------------
matcher = pytest.importorskip("framing.lexicon.matcher")


@pytest.fixture(scope="module")
def lexicon():
    from framing.lexicon.load import load_lexicon

    return load_lexicon("libya")


def _found(text, lexicon):
    out = []
    for m in matcher.find_matches(text, lexicon):
        if m.kind == "label":
            # the truth files a scare-quoted label under the outlet's voice with the scare flag set
            voice = "own" if m.scare_quoted else m.voice
            out.append((m.referent, m.stance, voice, bool(m.scare_quoted)))
    return out


def test_templates_outside_label_phrases_hold_no_lexicon_term(lexicon):
    tpl = load_templates()
    texts = tpl["filler"] + tpl["titles"] + tpl["scare_sentences"]
    texts += [i for s in tpl["speakers"].values() for i in s["intros"]]
    for t in texts:
        assert matcher.find_matches(t, lexicon, kinds=("category", "label")) == [], t


def test_matcher_recovers_the_planted_labels(committed, lexicon):
    corpus, truth = committed
    tp = fp = fn = 0
    wrong = []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        got = Counter(_found(text, lexicon))
        want = Counter(tuple(p) for p in truth["documents"][doc_id])
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            wrong.append(doc_id)
    recall, precision = tp / (tp + fn), tp / max(tp + fp, 1)
    assert (fp, fn) == (0, 0), f"recall {recall:.4f}, precision {precision:.4f}, documents {wrong[:5]}"
