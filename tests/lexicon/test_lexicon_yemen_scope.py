"""The yemen lexicon's scope on sentences written for these tests (issue 10).

Each error class found when the lexicon was read against real news has a case here: a name out of its
place or time is kept out of scope with the right ``scope_reason``; a label in its place names the
right referent with the right stance. The sentences are invented; no corpus text is copied.
"""

import pytest

from framing import find_matches, load_lexicon


# the sentences are dated inside the war's first year unless a test says otherwise
WAR_2015 = "2015-08-01"


def hits(text, date=WAR_2015):
    """Every label hit, in or out of scope: (surface, referent, stance, in_scope, scope_reason)."""
    return [(text[m.start:m.end], m.referent, m.stance, m.in_scope, m.scope_reason)
            for m in find_matches(text, "yemen", date=date, scope="all") if m.kind == "label"]


def counted(text, date=WAR_2015):
    """The label hits that count: (surface, referent, stance)."""
    return [(s, r, st) for s, r, st, ok, _ in hits(text, date) if ok]


def test_version_is_bumped():
    assert load_lexicon("yemen").version >= 2


# -- names out of their place and time ---------------------------------------------------------------

@pytest.mark.parametrize("text, surface", [
    ("ظهر الرئيس المصري المخلوع حسني مبارك في جنازة بالقاهرة", "المخلوع"),
    ("أعاد الكتاب فتح ملف ثروة الرئيس التونسي المخلوع زين العابدين بن علي", "المخلوع"),
    ("وحكم على المخلوع محمد مرسي في قضية التخابر", "المخلوع"),
])
def test_deposed_president_of_egypt_or_tunisia_is_not_saleh(text, surface):
    assert (surface, "saleh", "delegitimizing", False, "exclude") in hits(text)
    assert counted(text) == []


def test_deposed_without_a_yemen_word_near_is_out_of_context():
    text = "تحدث المؤرخ عن السلطان المملوكي الذي خلع ثم عاد، وعن الأمير المخلوع الذي لجأ إلى الكرك"
    assert ("المخلوع", "saleh", "delegitimizing", False, "context") in hits(text)


def test_deposed_in_yemen_is_saleh():
    text = "قصفت قوات المخلوع صالح أحياء تعز"
    assert ("المخلوع", "saleh", "delegitimizing") in counted(text)


@pytest.mark.parametrize("text", [
    "أحيا الأتراك ذكرى التصدي للانقلابيين ليلة الخامس عشر من يوليو في أنقرة",
    "واتهمت المعارضة المصرية الانقلابيين بقمع المتظاهرين في ميدان رابعة",
    # Aden 2019: Al Jazeera calls the Southern Transitional Council's takeover a coup
    "تحولت عدن إلى مدينة تعج سجون الانقلابيين فيها بالمعارضين بعد سيطرة المجلس الانتقالي",
])
def test_putschists_elsewhere_are_not_the_houthis(text):
    out = [h for h in hits(text) if "انقلابيين" in h[0]]
    assert out and all(not ok and reason == "context" for _, ref, _, ok, reason in out if ref == "houthis")
    assert counted(text) == []


def test_putschists_of_a_coup_attempt_are_excluded_even_in_a_yemen_document():
    text = "وتذكر الحوثيون المحاولة الانقلابية في تركيا"
    assert ("الانقلابية", "houthis", "delegitimizing", False, "exclude") in hits(text)


def test_putschists_in_a_document_about_the_houthis_count():
    text = "واصلت المقاومة تقدمها في تعز، وأعلن الانقلابيون الحوثيون حالة الطوارئ في صنعاء"
    assert ("الانقلابيون", "houthis", "delegitimizing") in counted(text)


def test_salvation_government_in_tripoli_2015_is_out_of_date():
    text = "التقى الوفد رئيس حكومة الإنقاذ الوطني في طرابلس"
    assert hits(text, date="2015-08-04") == [("حكومة الإنقاذ", "houthis", "legitimizing", False, "date")]


def test_salvation_government_in_libya_after_2016_is_out_of_context():
    text = "وأعلنت حكومة الإنقاذ الوطني في طرابلس الليبية رفضها للاتفاق"
    assert hits(text, date="2017-01-10") == [("حكومة الإنقاذ", "houthis", "legitimizing", False, "context")]


def test_salvation_government_in_sanaa_after_2016_counts():
    text = "وعينت حكومة الإنقاذ في صنعاء محافظا جديدا"
    assert counted(text, date="2017-01-10") == [("حكومة الإنقاذ", "houthis", "legitimizing")]


def test_hedi_nouira_is_not_hadi():
    text = "استعاد الكتاب سنوات حكومة الهادي نويرة في تونس السبعينيات"
    assert hits(text) == []


@pytest.mark.parametrize("text, reason", [
    ("قال أردوغان إن بلاده سترسل جنودا إلى ليبيا إذا طلبت الحكومة الشرعية ذلك", "context"),
    ("وتدعم أنقرة الحكومة الشرعية في ليبيا، فيما يتقدم الحوثيون في اليمن", "exclude"),
])
def test_legitimate_government_of_libya_is_not_hadis(text, reason):
    assert ("الحكومة الشرعية", "government", "legitimizing", False, reason) in hits(text)


def test_legitimate_government_with_an_adjective_in_yemen_counts():
    text = "عادت الحكومة اليمنية الشرعية إلى عدن"
    assert counted(text) == [("الحكومة اليمنية الشرعية", "government", "legitimizing")]


@pytest.mark.parametrize("text", [
    "شن طيران العدوان الإسرائيلي غارات على غزة فجر اليوم",
    "واصل طيران العدوان الصهيوني قصف قرى جنوب لبنان",
])
def test_israeli_aggression_is_not_the_coalition(text):
    out = [h for h in hits(text) if h[1] == "coalition"]
    assert out and all(not ok and reason == "exclude" for _, _, _, ok, reason in out)


def test_aggression_aircraft_in_yemen_is_the_coalition():
    text = "قصف طيران العدوان حيا سكنيا في صعدة"
    assert counted(text) == [("طيران العدوان", "coalition", "delegitimizing")]


def test_saudi_forces_outside_the_war_are_not_the_coalition():
    text = "شاركت القوات السعودية في مناورات درع الجزيرة مع القوات الكويتية"
    assert ("القوات", "coalition", "neutral", False, "context") in hits(text)


def test_saudi_forces_on_the_yemeni_border_are_the_coalition():
    text = "ردت القوات السعودية على قذائف أطلقها الحوثيون من صعدة"
    assert ("القوات", "coalition", "neutral") in counted(text)


def test_popular_resistance_in_palestine_is_not_yemens():
    text = "دعت الفصائل إلى توسيع المقاومة الشعبية في الضفة الغربية ضد الاستيطان"
    assert hits(text) == [("المقاومة الشعبية", "government", "legitimizing", False, "context")]


# -- attachment ----------------------------------------------------------------------------------------

def test_group_with_the_name_in_brackets():
    assert counted("أعلنت جماعة (الحوثي) مسؤوليتها عن الهجوم") == [("جماعة", "houthis", "neutral")]


def test_former_yemeni_president_with_an_adjective():
    text = "التقى الوفد الرئيس اليمني السابق علي عبدالله صالح"
    assert counted(text) == [("الرئيس اليمني السابق", "saleh", "neutral")]


def test_salehs_militias_and_forces_name_saleh():
    assert counted("اشتبكت المقاومة مع ميليشيات علي عبدالله صالح في لحج") == [
        ("ميليشيات", "saleh", "delegitimizing")]
    assert counted("وقصفت قوات صالح أحياء المدينة", date="2015-08-01") == [("قوات", "saleh", "neutral")]


def test_forces_of_salehs_nephew_after_2017_are_not_saleh():
    assert counted("تقدمت قوات طارق صالح في الساحل الغربي", date="2019-03-01") == []


def test_bare_militia_and_rebels_in_yemen_name_the_houthis():
    text = "فرت الميليشيات من أحياء عدن بعد أن قتل عشرات المتمردين في لحج"
    assert counted(text) == [("الميليشيات", "houthis", "delegitimizing"),
                             ("المتمردين", "houthis", "delegitimizing")]


@pytest.mark.parametrize("text, surface, reason", [
    ("قتل عشرة من المتمردين الأكراد في جنوب شرق تركيا", "المتمردين", "exclude"),
    ("تقدمت ميليشيات الحشد نحو تكريت", "ميليشيات", "exclude"),
    ("تقدمت الميليشيات نحو تكريت شمال بغداد", "الميليشيات", "context"),
])
def test_other_countries_militias_and_rebels_are_not_the_houthis(text, surface, reason):
    assert (surface, "houthis", "delegitimizing", False, reason) in hits(text)


def test_the_coalition_alone_counts_in_yemen_but_not_the_anti_isis_coalition():
    assert counted("وشنت طائرات التحالف غارات على مواقع الحوثيين في صعدة") == [
        ("التحالف", "coalition", "neutral")]
    text = "وقصف التحالف الدولي مواقع داعش في الرقة، فيما هدأت الجبهات في اليمن"
    assert ("التحالف", "coalition", "neutral", False, "exclude") in hits(text)


def test_government_forces_are_hadis_only_near_yemen():
    assert counted("وسيطرت القوات الحكومية على مطار عدن") == [("القوات الحكومية", "government", "neutral")]
    assert counted("وسيطرت القوات الحكومية على أحياء في حلب") == []


@pytest.mark.parametrize("date", ["2019-08-20", None])
def test_bare_militia_after_2017_or_undated_is_not_the_houthis(date):
    # Aden, August 2019: the government calls the Southern Transitional Council's fighters militias
    text = "بيان للرئاسة: المليشيات المتمردة هاجمت مؤسسات الدولة في عدن"
    assert counted(text, date=date) == []
    assert counted("قصفت مليشيات الحوثي أحياء في تعز", date=date) == [("مليشيات", "houthis", "delegitimizing")]


def test_popular_resistance_in_quotation_marks_is_a_name_not_scare_quotes():
    text = "نشر عناصر «المقاومة الشعبية» في عدن صورا من داخل القصر"
    (m,) = [m for m in find_matches(text, "yemen", date=WAR_2015) if m.kind == "label"]
    assert (m.referent, m.stance, m.voice, m.scare_quoted) == ("government", "legitimizing", "own", False)


def test_legitimate_government_through_a_misspelt_adjective():
    text = "حققت المقاومة مكاسب للحكومة اليمينة الشرعية في عدن"
    assert ("للحكومة اليمينة الشرعية", "government", "legitimizing") in counted(text)


def test_militias_of_every_kind_are_generic():
    text = "ودعا إلى إلغاء المليشيات بمختلف أشكالها القبلية والحزبية في اليمن"
    assert counted(text) == []


def test_the_legitimate_president_of_yemen_is_hadi_but_not_morsi():
    assert ("الرئيس الشرعي", "government", "legitimizing") in counted(
        "لبى الملك نداء الرئيس الشرعي لليمن عبد ربه هادي منصور")
    text = "وطالب المتظاهرون في القاهرة بعودة الرئيس الشرعي محمد مرسي وتضامنوا مع اليمن"
    assert ("الرئيس الشرعي", "government", "legitimizing", False, "exclude") in hits(text)


def test_so_called_ansar_allah_is_not_an_adoption_of_the_name():
    text = "وانتقد الخطيب ما يسمى بأنصار الله في صنعاء"
    assert [h for h in hits(text) if h[3]] == []


def test_the_army_loyal_to_hadi_or_to_saleh():
    assert counted("سيطر الجيش الموالي للرئيس عبد ربه منصور هادي على القاعدة") == [
        ("الجيش", "government", "neutral")]
    assert ("الجيش", "saleh", "neutral") in counted("وانسحب الجيش الموالي لصالح من عدن")
