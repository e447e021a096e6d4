"""The gaza and sudan lexicons: sentences written for these tests (each label names the right referent
with the right stance; scope keeps other wars, other senses and other times out), the format they rely
on (groups of people and events as self-labelled referents), and their audits on the shared corpora
(data/audits/{gaza,sudan}_precision_nodates.csv) recomputed from the committed judgements.

The shared corpora predate both wars, so the audits judge the label matching with the lexicons' date
ranges removed (context and exclude rules kept); see data/audits/gaza_sudan_sample.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import framing
from framing.reading.audit import RECORD_COLUMNS, parse_correct
from framing.lexicon.matcher import find_matches
from framing.stats.intervals import wilson_interval

ROOT = Path(__file__).resolve().parents[2]
AUDITS = ROOT / "data" / "audits"
CORPORA = ROOT.parent / "shared" / "corpora"
IN_GAZA_WAR = "2024-03-10"
IN_SUDAN_WAR = "2023-06-01"
EXCLUDED_BY_FIX = "now excludes it"  # note of a judged wrong hit that a later fix keeps out


def counted(text, lexicon, date):
    """(surface, referent, stance) of the label hits that count."""
    return [(m.surface, m.referent, m.stance) for m in find_matches(text, lexicon, kinds=("label",), date=date)]


def reasons(text, lexicon, date):
    """(surface, scope_reason) of every label hit, counted or not."""
    return [(m.surface, m.scope_reason) for m in find_matches(text, lexicon, kinds=("label",), date=date, scope="all")]


# ---------------------------------------------------------------------------------------------- gaza

GAZA_LABELS = [
    # actors
    ("قصفت قوات الاحتلال منازل في خان يونس جنوب قطاع غزة.", "قوات الاحتلال", "israel", "delegitimizing"),
    ("واعتقل الاحتلال عشرات الشبان في مخيم جنين بالضفة الغربية.", "الاحتلال", "israel", "delegitimizing"),
    ("أعلن الجيش الإسرائيلي أنه استهدف مواقع في غزة.", "الجيش الإسرائيلي", "israel", "neutral"),
    ("وسعت إسرائيل عملياتها البرية في شمال قطاع غزة.", "إسرائيل", "israel", "neutral"),
    ("قال المتحدث باسم جيش الدفاع الإسرائيلي إن قواته دخلت رفح.", "جيش الدفاع الإسرائيلي", "israel", "legitimizing"),
    ("أطلقت المقاومة الفلسطينية صواريخ من غزة على مستوطنات الغلاف.", "المقاومة الفلسطينية", "hamas", "legitimizing"),
    ("وأعلنت كتائب القسام أن مقاتليها فجروا دبابة شرق مدينة غزة.", "كتائب القسام", "hamas", "neutral"),
    ("تفاوض حماس الوسطاء في الدوحة على هدنة في غزة.", "حماس", "hamas", "neutral"),
    ("هاجم إرهابيو حماس بلدات إسرائيلية قرب غزة.", "إرهابيو حماس", "hamas", "delegitimizing"),
    ("هاجم مسلحو حماس الإرهابية بلدات قرب غزة.", "حماس الإرهابية", "hamas", "delegitimizing"),
    # groups of people
    ("ارتفع عدد الشهداء في قطاع غزة إلى ثلاثين ألفا.", "الشهداء", "palestinian_dead", "legitimizing"),
    ("ارتفع عدد القتلى الفلسطينيين في غزة إلى ثلاثين ألفا.", "القتلى", "palestinian_dead", "neutral"),
    ("قتل شاب فلسطيني برصاص الجيش قرب جنين.", "قتل", "palestinian_dead", "neutral"),
    ("سقط الفتى شهيدًا في رفح.", "شهيدًا", "palestinian_dead", "legitimizing"),
    ("اقتحم مستوطنون قرية قرب نابلس في الضفة الغربية.", "مستوطنون", "settlers", "neutral"),
    ("هاجمت قطعان المستوطنين بلدة حوارة جنوب نابلس.", "قطعان المستوطنين", "settlers", "delegitimizing"),
    ("ارتكبت قطعان من المستوطنين اعتداءات في الخليل.", "قطعان من المستوطنين", "settlers", "delegitimizing"),
    ("اعتدى المستعمرون على مزارعين في الخليل.", "المستعمرون", "settlers", "delegitimizing"),
    ("طالبت عائلات الرهائن المحتجزين في غزة بصفقة فورية.", "الرهائن المحتجزين في غزة", "captives_in_gaza",
     "delegitimizing"),
    ("عاد أربعة من المختطفين إلى بيوتهم بعد أسابيع في غزة.", "المختطفين", "captives_in_gaza", "delegitimizing"),
    ("تحدثت الوساطة عن المحتجزين في غزة وعن تبادل الأسرى.", "المحتجزين في غزة", "captives_in_gaza", "neutral"),
    ("تحتجز المقاومة الأسرى الإسرائيليين في أماكن متفرقة من غزة.", "الأسرى الإسرائيليين", "captives_in_gaza",
     "legitimizing"),
    # the event
    ("تغيرت المنطقة منذ هجوم 7 أكتوبر على غلاف غزة.", "هجوم 7 أكتوبر", "october7_attack", "neutral"),
    ("في الذكرى الأولى لطوفان الأقصى خرجت مسيرات.", "لطوفان الأقصى", "october7_attack", "legitimizing"),
    ("بعد مجزرة السابع من أكتوبر أعلنت الحكومة الحرب.", "مجزرة السابع من أكتوبر", "october7_attack", "delegitimizing"),
]


@pytest.mark.parametrize("text, surface, referent, stance", GAZA_LABELS, ids=[g[1] for g in GAZA_LABELS])
def test_gaza_label_names_its_referent_with_its_stance(text, surface, referent, stance):
    assert (surface, referent, stance) in counted(text, "gaza", IN_GAZA_WAR)


GAZA_OUT_OF_SCOPE = [
    # other wars and other senses of the same words
    ("نعت وزارة الدفاع شهداء الواجب من منسوبي القوات المسلحة على الحد الجنوبي.", "شهداء"),
    ("أكدت المقاومة الشعبية في تعز تقدمها نحو المدينة.", "المقاومة"),
    ("ندد البيان بالاحتلال الإيراني للجزر الإماراتية الثلاث.", "بالاحتلال"),
    ("وارتفع عدد القتلى الإسرائيليين في غزة منذ بدء الاجتياح البري.", "القتلى"),
    ("حملت الحكومة إسرائيل المسؤولية بوصفها القوة القائمة بالاحتلال في القدس.", "بالاحتلال"),
    ("طالبت الفصائل في غزة بتصعيد المقاومة في الضفة الغربية.", "المقاومة"),
    ("نفذت عملية إنقاذ الرهائن في فندق بمالي.", "الرهائن"),
    ("أعلن الجيش عن قتل جنود إسرائيليين في اشتباك شرق خان يونس.", "قتل"),
]


@pytest.mark.parametrize("text, surface", GAZA_OUT_OF_SCOPE, ids=[g[1] + str(i) for i, g in enumerate(GAZA_OUT_OF_SCOPE)])
def test_gaza_scope_keeps_other_wars_and_senses_out(text, surface):
    found = reasons(text, "gaza", IN_GAZA_WAR)
    assert any(s == surface for s, _ in found), f"{surface!r} should be matched (and then kept out): {found}"
    assert all(r for s, r in found if s == surface), f"{surface!r} counted in {text!r}: {found}"


def test_gaza_bare_date_and_bare_captives_are_not_labels():
    # «منذ 7 أكتوبر» is a time reference; bare الأسرى mostly means Palestinians held by Israel
    assert counted("منذ 7 أكتوبر لم تتوقف الغارات على غزة.", "gaza", IN_GAZA_WAR) == []
    assert counted("أفرج عن الأسرى الفلسطينيين من سجن عوفر قرب رام الله.", "gaza", IN_GAZA_WAR) == []


def test_gaza_valid_from_7_october_and_undated_documents_skipped():
    text = "قصفت قوات الاحتلال منازل في خان يونس جنوب قطاع غزة."
    assert reasons(text, "gaza", "2014-07-20") == [("قوات الاحتلال", "date")]
    assert reasons(text, "gaza", None) == [("قوات الاحتلال", "date")]
    assert counted(text, "gaza", "2023-10-07") == [("قوات الاحتلال", "israel", "delegitimizing")]


def test_gaza_one_mention_one_label():
    # the longer phrase wins: a name inside a name does not add a label
    assert counted("قالت حركة المقاومة الإسلامية في غزة إن الهدنة انهارت.", "gaza", IN_GAZA_WAR) == [
        ("حركة المقاومة الإسلامية", "hamas", "neutral")]
    assert counted("وألمحت كتائب الشهيد عز الدين القسام إلى أسر جنود في غزة.", "gaza", IN_GAZA_WAR) == [
        ("كتائب الشهيد عز الدين القسام", "hamas", "neutral")]


# --------------------------------------------------------------------------------------------- sudan

SUDAN_LABELS = [
    ("اندلعت اشتباكات بين الجيش وقوات الدعم السريع في الخرطوم.", "الجيش", "saf", "neutral"),
    ("اندلعت اشتباكات بين الجيش وقوات الدعم السريع في الخرطوم.", "وقوات الدعم السريع", "rsf", "neutral"),
    ("قصفت ميليشيا الدعم السريع أحياء في أم درمان.", "ميليشيا الدعم السريع", "rsf", "delegitimizing"),
    ("هاجم الجنجويد قرى في غرب دارفور.", "الجنجويد", "rsf", "delegitimizing"),
    ("تصدت القوات المسلحة السودانية لهجوم المليشيا المتمردة على الفاشر.", "القوات المسلحة السودانية", "saf",
     "neutral"),
    ("تصدت القوات المسلحة السودانية لهجوم المليشيا المتمردة على الفاشر.", "المليشيا المتمردة", "rsf",
     "delegitimizing"),
    ("هاجم المتمردون من الدعم السريع مدينة ود مدني.", "المتمردون من الدعم السريع", "rsf", "delegitimizing"),
    ("هرب المتمرد حميدتي من الخرطوم.", "المتمرد", "rsf", "delegitimizing"),
    ("تقدم الأشاوس نحو الفاشر في دارفور.", "الأشاوس", "rsf", "legitimizing"),
    ("قصف جيش البرهان مواقع في نيالا.", "جيش البرهان", "saf", "delegitimizing"),
    ("يواصل الانقلابيون في بورتسودان تعطيل التفاوض مع الدعم السريع.", "الانقلابيون", "saf", "delegitimizing"),
    ("قواتنا المسلحة الباسلة تتقدم في الخرطوم.", "قواتنا المسلحة الباسلة", "saf", "legitimizing"),
    ("التقى رئيس مجلس السيادة الفريق أول عبد الفتاح البرهان وفدا أمميا.", "رئيس مجلس السيادة", "saf",
     "legitimizing"),
]


@pytest.mark.parametrize("text, surface, referent, stance", SUDAN_LABELS, ids=[s[1] for s in SUDAN_LABELS])
def test_sudan_label_names_its_referent_with_its_stance(text, surface, referent, stance):
    assert (surface, referent, stance) in counted(text, "sudan", IN_SUDAN_WAR)


SUDAN_OUT_OF_SCOPE = [
    ("أعلن الجيش المصري تدمير أنفاق في سيناء قرب حدود السودان.", "الجيش"),
    ("قصف المتمردون الحوثيون مواقع في اليمن.", "المتمردون"),
    ("وقع اتفاق بين الحكومة والمتمردين في جنوب السودان.", "والمتمردين"),
    ("دعمت إيران الحوثيين الانقلابيين في اليمن بينما أرسل السودان قوات إلى التحالف.", "الانقلابيين"),
    # a Sudanese word more than 8 words away does not make Egypt's armed forces Sudan's
    ("تخرجت دفعة ضمت طلابا من السودان والكويت، وأشار الوزير إلى أن مليون شاب مصري يلتحقون كل عام بالخدمة "
     "العسكرية في القوات المسلحة والشرطة.", "القوات المسلحة"),
]


@pytest.mark.parametrize("text, surface", SUDAN_OUT_OF_SCOPE, ids=[s[1] + str(i) for i, s in enumerate(SUDAN_OUT_OF_SCOPE)])
def test_sudan_scope_keeps_other_armies_and_rebels_out(text, surface):
    found = reasons(text, "sudan", IN_SUDAN_WAR)
    assert any(s == surface for s, _ in found), f"{surface!r} should be matched (and then kept out): {found}"
    assert all(r for s, r in found if s == surface), f"{surface!r} counted in {text!r}: {found}"


def test_sudan_valid_from_15_april_2023():
    text = "اندلعت اشتباكات بين الجيش وقوات الدعم السريع في الخرطوم."
    assert {r for _, r in reasons(text, "sudan", "2019-06-03")} == {"date"}
    assert {r for _, r in reasons(text, "sudan", "2023-04-15")} == {""}


# -------------------------------------------------------------------------------------------- format

@pytest.mark.parametrize("name", ["gaza", "sudan"])
def test_documented_like_the_other_bundled_lexicons(name):
    lex = framing.load_lexicon(name)
    assert name in framing.list_lexicons()["name"].tolist()
    assert "predate" in lex.sources and "shared corpora" in lex.sources
    assert lex.undated == "skip"
    for ref in lex.referents.values():
        assert ref.label and ref.label != ref.name.replace("_", " "), f"{ref.name}: give a display label"
        assert "Stance" in ref.description, f"{ref.name}: say what the stance is read towards"
        assert ref.scope.valid, f"{ref.name}: bounded to the war by a 'valid' range"
    entries = lex.entries()
    missing = entries[(entries["kind"].isin(["label", "alias"])) & (entries["note"].str.strip() == "")]
    assert missing.empty, f"entries without a note: {missing['term'].tolist()}"


def test_groups_of_people_and_events_are_self_labelled_referents():
    lex = framing.load_lexicon("gaza")
    for name in ("palestinian_dead", "captives_in_gaza", "settlers", "october7_attack"):
        ref = lex.referents[name]
        assert not ref.aliases
        assert all(e.self_identifying for entries in ref.labels.values() for e in entries)
    assert set(lex.referents["october7_attack"].labels) == {"delegitimizing", "neutral", "legitimizing"}


# --------------------------------------------------------------------------------------------- audits

def _audit(name: str) -> pd.DataFrame:
    return _audit_file(AUDITS / f"{name}_precision_nodates.csv")


def _audit_file(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(df.columns) == RECORD_COLUMNS, f"{path.name}: columns must be {RECORD_COLUMNS}"
    df["correct"] = parse_correct(df["correct"])
    return df


def _wilson(k: int, n: int):
    w = wilson_interval(np.array([k]), np.array([n]), ci=0.95)
    return float(w["share"].iloc[0]), float(w["lo"].iloc[0])


@pytest.mark.parametrize("name", ["gaza", "sudan"])
def test_audit_every_hit_judged_and_wrong_ones_say_what_is_wrong(name):
    df = _audit(name)
    assert df["correct"].notna().all()
    assert (df["kind"] == "label").all() and (df["in_scope"].str.lower() == "true").all()
    assert not df.duplicated(["corpus", "doc_id", "start", "end"]).any()
    wrong = df[df["correct"].eq(False)]
    assert wrong["note"].str.match(r"^(referent|stance|voice|sense): \S").all(), wrong["note"].tolist()
    assert df["outlet"].nunique() >= 2


def test_gaza_audit_precision_meets_the_bar():
    df = _audit("gaza")
    assert len(df) >= 150 and df["outlet"].nunique() >= 10
    k, n = int(df["correct"].sum()), len(df)
    p, lo = _wilson(k, n)
    assert p >= 0.9 and lo >= 0.85, f"gaza: {k}/{n} = {p:.3f} (Wilson lower {lo:.3f})"


def test_sudan_audit_precision():
    # every hit the shared corpora hold (63): too few for the Wilson bar; the referent and stance are
    # right on all but the hits the fixes now exclude, and the rest of the errors are voice errors
    df = _audit("sudan")
    k, n = int(df["correct"].sum()), len(df)
    p, _ = _wilson(k, n)
    assert p >= 0.85, f"sudan: {k}/{n} = {p:.3f}"
    not_voice = df[~df["note"].str.startswith("voice:")]
    kept = not_voice[~not_voice["note"].str.contains(EXCLUDED_BY_FIX, regex=False)]
    assert kept["correct"].all(), kept[~kept["correct"]]["note"].tolist()


# label hits (dates relaxed, in scope, every voice) of each stratum when it was drawn: the main sample's
# lexicon, the entries added after the recall probe, then قتل; each stratum has its own judged sample
STRATA = {"gaza_precision_nodates.csv": 2999, "gaza_precision_nodates_added.csv": 183,
          "gaza_precision_nodates_added2.csv": 84}


def test_gaza_audit_of_the_entries_added_after_the_recall_probe():
    # entries added after reading the recall documents were judged on their own seeded samples; each
    # stratum is held to 0.8 and the hit-weighted precision over the strata to the bar
    weighted, total = 0.0, 0
    for name, hits in STRATA.items():
        df = _audit_file(AUDITS / name)
        assert df["correct"].notna().all() and len(df) >= 40
        assert df.loc[df["correct"].eq(False).to_numpy(), "note"].str.match(
            r"^(referent|stance|voice|sense): \S").all()
        keep = df[~df["note"].str.contains(EXCLUDED_BY_FIX, regex=False)]
        p = float(keep["correct"].astype(bool).mean())
        assert p >= 0.8, f"{name}: {p:.3f}"
        weighted, total = weighted + hits * p, total + hits
    assert weighted / total >= 0.9, f"hit-weighted precision {weighted / total:.3f}"


def test_gaza_recall_probe_recomputes():
    # mentions found by reading 13 documents picked by keyword (not by the matcher); the bar
    # (0.9) is not met: the neutral verbs of death and several epithets are not labels (see the notes)
    df = pd.read_csv(AUDITS / "gaza_recall_nodates.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(df.columns) == ["corpus", "doc_id", "start", "end", "surface", "referent", "stance", "found", "note"]
    found = parse_correct(df["found"])
    assert found.notna().all() and len(df) >= 60
    assert (df.loc[~found.to_numpy(), "note"].str.match(r"^(vocabulary|context): ")).all()
    assert found.mean() >= 0.7, f"gaza recall fell to {found.mean():.3f}"


@pytest.mark.parametrize("name", ["gaza", "sudan"])
def test_audit_pass_one_recomputes(name):
    # the first pass (own voice, before the fixes it prompted) is kept for the before/after figure
    path = AUDITS / f"{name}_labels_pass1.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(df.columns) == RECORD_COLUMNS
    flags = parse_correct(df["correct"])
    assert flags.notna().all() and (df.loc[flags.eq(False).to_numpy(), "note"].str.len() > 0).all()
    assert 0.8 <= flags.mean() < 1.0


@pytest.mark.shared
@pytest.mark.parametrize("name", ["gaza", "sudan", "gaza_added", "gaza_added2"])
def test_judged_hits_are_what_the_matcher_reports_today(name):
    """Every judged hit is still reported (same referent, stance, voice) by the lexicon without dates,
    except the wrong ones a fix now excludes, which must be gone; with dates on, none counts."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    sys.path.insert(0, str(AUDITS))
    try:
        from gaza_sudan_sample import without_dates
    finally:
        sys.path.remove(str(AUDITS))
    lexicon = name.split("_")[0]
    df = _audit(name) if "_" not in name else _audit_file(AUDITS / f"gaza_precision_nodates_{name.split('_')[1]}.csv")
    docs = []
    for corpus_name, ids in df.groupby("corpus")["doc_id"]:
        corpus = framing.read_corpus(CORPORA / f"{corpus_name}.jsonl.gz", errors="collect")
        docs.append(corpus[corpus["doc_id"].isin(set(ids))])
    docs = pd.concat(docs, ignore_index=True)
    now = framing.extract_matches(docs, without_dates(lexicon), voice="all", kinds=("label",), scope="in")
    keys = set(zip(now["doc_id"], now["start"].astype(str), now["end"].astype(str), now["referent"],
                   now["stance"], now["voice"]))
    judged = [(r.doc_id, r.start, r.end, r.referent, r.stance, r.voice) for r in df.itertuples()]
    gone = df["note"].str.contains(EXCLUDED_BY_FIX, regex=False).to_numpy()
    reported = np.array([k in keys for k in judged])
    assert not (reported & gone).any(), df[reported & gone]["note"].tolist()
    drift = np.flatnonzero(~reported & ~gone)
    assert len(drift) <= max(1, int(0.02 * len(df))), f"{name}: judged hits no longer reported: {drift[:5]}"
    dated = docs[docs["date"].notna()]
    on = framing.extract_matches(dated, lexicon, voice="all", kinds=("label",), scope="all")
    assert len(on) and not on["in_scope"].any() and set(on["scope_reason"]) <= {"date", "exclude", "context"}


@pytest.mark.shared
def test_gaza_recall_mentions_are_found_as_recorded():
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    sys.path.insert(0, str(AUDITS))
    try:
        from gaza_sudan_sample import without_dates
    finally:
        sys.path.remove(str(AUDITS))
    df = pd.read_csv(AUDITS / "gaza_recall_nodates.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    docs = []
    for corpus_name, ids in df.groupby("corpus")["doc_id"]:
        corpus = framing.read_corpus(CORPORA / f"{corpus_name}.jsonl.gz", errors="collect")
        docs.append(corpus[corpus["doc_id"].isin(set(ids))])
    m = framing.extract_matches(pd.concat(docs, ignore_index=True), without_dates("gaza"), voice="all",
                                kinds=("label",), scope="in")
    now = []
    for r in df.itertuples():
        s, e = int(r.start), int(r.end)
        hits = m[(m["doc_id"] == r.doc_id) & (m["start"] < e) & (m["end"] > s)]
        now.append(bool(((hits["referent"] == r.referent) & (hits["stance"] == r.stance)).any()))
    recorded = parse_correct(df["found"]).astype(bool).to_numpy()
    differ = np.flatnonzero(np.array(now) != recorded)
    assert len(differ) <= 1, f"'found' no longer matches the matcher at rows {differ[:5].tolist()}"


@pytest.mark.parametrize("name", ["gaza", "sudan"])
def test_the_lexicon_states_the_audit_its_files_give(name):
    audit = framing.load_lexicon(name).audit
    df = _audit(name)
    k, n = int(df["correct"].sum()), len(df)
    p, lo = _wilson(k, n)
    assert audit["n_labels"] == n
    assert audit["label_precision"] == pytest.approx(p, abs=5e-4)
    assert audit["label_lower"] == pytest.approx(lo, abs=5e-4)
    recall_file = AUDITS / f"{name}_recall_nodates.csv"
    if recall_file.is_file():
        found = parse_correct(pd.read_csv(recall_file, dtype=str, keep_default_na=False,
                                          encoding="utf-8-sig")["found"])
        assert audit["n_mentions"] == len(found)
        assert audit["recall"] == pytest.approx(float(found.mean()), abs=5e-4)
    meets = p >= 0.9 and lo >= 0.85 and audit.get("recall", 0) >= 0.9
    assert audit["status"] == ("meets" if meets else "below")


def test_hamas_never_takes_the_article():
    """الحماس is 'enthusiasm': the entry refuses the article (article: false), so it is not even a hit."""
    text = "الحماس كبير لدى الجماهير قبل المباراة في غزة."
    assert not [m for m in framing.find_matches(text, "gaza", date="2024-01-10", scope="all") if m.surface == "الحماس"]
