"""The markers lexicon (v2) on sentences written for these tests, one group per error class found
when its hits were read on real news (issue 10, class 5). Each case fails with markers v1.

What a category hit claims: hedge = the writer distances himself from a name; legitimacy = a
qualifier lending a political actor legitimacy, counted only attached to a political head;
delegitimizing_nouns = a noun denying an actor legitimacy; attribution_* = verbs of saying.
"""

import pandas as pd
import pytest

import framing
from framing import find_matches


def hits(text, scope="all"):
    """(surface, category, in_scope, scope_reason) of the category hits."""
    return [(text[m.start:m.end], m.category, m.in_scope, m.scope_reason)
            for m in find_matches(text, "markers", scope=scope) if m.kind == "category"]


def counted(text):
    """(surface, category) of the hits that count."""
    return [(s, c) for s, c, ok, _ in hits(text) if ok]


# --- legitimacy: الشرعي in forensic medicine and Sharia senses --------------------------------------

@pytest.mark.parametrize("text, surface", [
    ("أحيلت الجثة إلى الطب الشرعي لتحديد سبب الوفاة", "الشرعي"),          # forensic medicine
    ("تخرج في كلية العلوم الشرعية بالجامعة قبل عامين", "الشرعية"),        # Sharia sciences
    ("وصدر بحقه حكم من المحكمة الشرعية في المدينة", "الشرعية"),           # Sharia court
])
def test_sharia_and_forensic_senses_are_excluded(text, surface):
    assert (surface, "legitimacy", False, "exclude") in hits(text)
    assert counted(text) == []


def test_a_legitimacy_qualifier_does_not_reach_a_head_after_it():
    # adjectives follow their noun: «الشرعي» before «الحكومة» does not qualify it
    text = "طالب الباحث الشرعي الحكومة بالتدخل"
    assert hits(text) == [("الشرعي", "legitimacy", False, "unattached")]


def test_a_sharia_sense_that_is_not_listed_is_unattached():
    # «الفتوى الشرعية» is not in the exclude list: it does not count because no political head precedes it
    text = "نشر الشيخ الفتوى الشرعية على موقعه"
    assert hits(text) == [("الشرعية", "legitimacy", False, "unattached")]


@pytest.mark.parametrize("text, surface", [
    ("استقبل الوزير ممثلي الحكومة الشرعية في عدن", "الشرعية"),
    ("تقدمت القوات الموالية للشرعية نحو المطار", "للشرعية"),
    ("التقى السفير الرئيس الشرعي للبلاد", "الشرعي"),
    ("دعمت الدول الحكومة الليبية المعترف بها دوليا في مسعاها", "المعترف بها دوليا"),
    ("هنأ الملك الرئيس المنتخب بفوزه", "المنتخب"),
    # «الشرعية» as the name of the recognised government, after the word that governs it
    ("شارك الطيران في تحالف دعم الشرعية باليمن", "الشرعية"),
    ("قاوم الأهالي الانقلاب على الشرعية في المدينة", "الشرعية"),
    ("تقدمت القوات الموالية لشرعية الرئيس نحو المدينة", "لشرعية"),
    ("هاجم المسلحون مقرا للحكومة المعترف بها في الشرق", "المعترف بها"),
])
def test_a_qualifier_attached_to_a_political_head_counts(text, surface):
    found = [m for m in find_matches(text, "markers") if m.kind == "category"]
    leg = [m for m in found if m.category == "legitimacy"]
    assert [text[m.start:m.end] for m in leg] == [surface]
    assert leg[0].referent == "political_heads"


# --- negation: «غير الشرعية», «غير المعترف بها دوليا» are reported, not counted -----------------------

@pytest.mark.parametrize("text, surface", [
    ("رفض البرلمان قرارات الحكومة غير الشرعية في العاصمة", "الشرعية"),
    ("أعلنت الحكومة غير المعترف بها دوليا تشكيل لجنة", "المعترف بها دوليا"),
])
def test_negated_legitimacy_is_reported_not_counted(text, surface):
    assert (surface, "legitimacy", False, "negated") in hits(text)
    assert ("legitimacy" not in {c for _, c in counted(text)})


def test_illegal_migration_counts_nowhere():
    # v1 counted «غير الشرعية» as a delegitimizing noun; it is about migration, not an actor
    text = "ناقش المؤتمر ظاهرة الهجرة غير الشرعية إلى أوروبا"
    assert counted(text) == []


# --- the national team is not an elected body ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "تسلم المدرب الجديد مهمة قيادة المنتخب الأول",
    "وصل لاعبو المنتخب إلى الملعب صباحا",
])
def test_the_national_team_is_not_a_legitimacy_qualifier(text):
    assert "legitimacy" not in {c for _, c in counted(text)}


# --- hedges: a neutral gloss is not distancing ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "يعاني كثير من كبار السن من هشاشة العظام أو ما يعرف بترقق العظام",   # ما يعرف: a gloss (dropped)
    "ويبدأ موسم الغوص كما تعرف في الخليج مع نهاية الصيف",                # كما تعرف through the ك proclitic
    "تناول الأطباء ما يسمى بالكوليسترول الضار في الندوة",                 # ما يسمى as a gloss
    "وصل المدعوون إلى قاعة الاحتفال مساء أمس",                           # المدعوون: invited guests
    "ورحبت الجمعية بالمدعوات في الحفل",
])
def test_a_gloss_or_a_guest_is_not_a_hedge(text):
    assert "hedge" not in {c for _, c in counted(text)}


def test_as_it_is_called_through_the_k_proclitic_is_excluded():
    # «كما تسمى» 'as it is called' is a gloss even next to an organisational word (حركة)
    text = "انطلقت الحركة كما تسمى في الصحف المحلية قبل عام"
    assert hits(text) == [("كما تسمى", "hedge", False, "exclude")]


def test_so_called_before_an_organisation_is_a_hedge():
    text = "أعلن ما يسمى بتنظيم الدولة مسؤوليته عن التفجير"
    assert ("ما يسمى", "hedge") in counted(text)


def test_so_called_without_a_political_word_is_out_of_scope_with_its_reason():
    text = "وهو ما يسمى بالاحتباس الحراري في كتب العلوم"
    assert hits(text) == [("ما يسمى", "hedge", False, "context")]


def test_the_named_before_a_person_is_a_hedge():
    text = "قبضت الشرطة على المدعو سالم بعد مطاردة"
    assert ("المدعو", "hedge") in counted(text)


def test_as_he_claims_is_sceptical_attribution_not_a_hedge():
    # v1 had «ما يدعى» under hedge, so «كما يدعي» counted as a hedge
    text = "ولم تكن الهدنة صامدة كما يدعي المتحدث"
    assert counted(text) == [("كما يدعي", "attribution_sceptical")]


# --- delegitimizing nouns: criminal gangs, guerrilla war, rankings ------------------------------------------

@pytest.mark.parametrize("text, reason", [
    ("ضبطت الشرطة عصابة لسرقة السيارات في الحي", "context"),
    ("تعلم المقاتلون أساليب حرب العصابات في الجبال", "exclude"),
    ("ضمن الفريق احتلال المركز الثاني في الدوري", "exclude"),
])
def test_non_political_senses_do_not_count(text, reason):
    cats = [h for h in hits(text) if h[1] == "delegitimizing_nouns"]
    assert cats and all(not ok and why == reason for _, _, ok, why in cats)


@pytest.mark.parametrize("text, surface", [
    ("قصفت عصابات الحوثي الأحياء السكنية", "عصابات"),
    ("واصلت قوات الاحتلال اقتحام البلدة", "الاحتلال"),
    ("قتل ثلاثة من المتمردين في الاشتباكات", "المتمردين"),
])
def test_political_senses_still_count(text, surface):
    assert (surface, "delegitimizing_nouns") in counted(text)


# --- attribution verbs ----------------------------------------------------------------------------------

def test_said_is_neutral_attribution_in_the_outlets_voice():
    text = "قال المتحدث باسم الوزارة إن الاجتماع انتهى"
    found = [m for m in find_matches(text, "markers") if m.kind == "category"]
    assert [(text[m.start:m.end], m.category, m.voice) for m in found] == [("قال", "attribution_neutral", "own")]


# --- the heads-only referent ------------------------------------------------------------------------------

def test_the_heads_referent_has_no_labels_and_features_stay_category_columns():
    lex = framing.load_lexicon("markers")
    assert list(lex.referents) == ["political_heads"]
    assert not any(lex.referents["political_heads"].labels.values())
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["x", "y"], "date": ["2015-07-21", "2015-07-22"],
                           "text": ["التقى الوزير الحكومة الشرعية وقال إن اللقاء مثمر",
                                    "أحيلت الجثة إلى الطب الشرعي"]})
    feats = framing.extract_features(corpus, "markers")
    value_cols = [c for c in feats.columns if c not in ("doc_id", "outlet", "date", "n_tokens")]
    assert value_cols == [f"cat:{c}" for c in lex.categories]
    assert feats["cat:legitimacy"].tolist() == [1, 0]
    assert feats["cat:attribution_neutral"].tolist() == [1, 0]
