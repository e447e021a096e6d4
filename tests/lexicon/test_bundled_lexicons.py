"""Each bundled lexicon on sentences written for these tests: what must match, and what must not."""

import pytest

from framing import find_matches


def labels(text, lexicon):
    return [(text[m.start:m.end], m.referent, m.stance, m.quoted)
            for m in find_matches(text, lexicon) if m.kind == "label"]


def categories(text, lexicon):
    return [(text[m.start:m.end], m.category) for m in find_matches(text, lexicon) if m.kind == "category"]


@pytest.mark.parametrize("text, expected", [
    ("تقدمت قوات اللواء المتقاعد خليفة حفتر نحو العاصمة",
     [("قوات", "haftar_camp", "neutral", False), ("اللواء المتقاعد", "haftar_camp", "delegitimizing", False)]),
    ("أعلن الجيش الوطني الليبي السيطرة على المطار",
     [("الجيش الوطني الليبي", "haftar_camp", "legitimizing", False)]),
    ("قصفت مليشيات حفتر الأحياء الجنوبية",
     [("مليشيات", "haftar_camp", "delegitimizing", False)]),
    ("وردت القوات التابعة لحكومة الوفاق بهجوم مضاد",
     [("القوات", "gna", "neutral", False)]),
    ("استقبل المشير حفتر وفدا روسيا", [("المشير", "haftar_camp", "legitimizing", False)]),
    ("وصف البيان «الاحتلال التركي» في ليبيا بأنه خطر", [("الاحتلال", "turkey", "delegitimizing", True)]),
    # a label that names no actor is not a label match
    ("انتشرت القوات في الشوارع بعد الظهر", []),
])
def test_libya(text, expected):
    assert labels(text, "libya") == expected


def test_libya_legitimacy_qualifier():
    text = "اجتمع ممثلو الحكومة المعترف بها دوليًا في طرابلس"
    assert ("الحكومة المعترف بها دوليًا", "gna", "legitimizing", False) in labels(text, "libya")


@pytest.mark.parametrize("text, expected", [
    ("قصفت ميليشيات الحوثي مواقع في تعز", [("ميليشيات", "houthis", "delegitimizing", False)]),
    ("قصفت مليشيات الحوثي مواقع في تعز", [("مليشيات", "houthis", "delegitimizing", False)]),
    ("أعلنت جماعة الحوثي موقفها", [("جماعة", "houthis", "neutral", False)]),
    ("قال متحدث باسم أنصار الله إن الهدنة صامدة", [("أنصار الله", "houthis", "legitimizing", False)]),
    ("واصل تحالف دعم الشرعية عملياته", [("تحالف دعم الشرعية", "coalition", "legitimizing", False)]),
    ("دعا المخلوع علي عبدالله صالح أنصاره إلى التظاهر",
     [("المخلوع", "saleh", "delegitimizing", False)]),
])
def test_yemen(text, expected):
    assert labels(text, "yemen") == expected


@pytest.mark.parametrize("text, expected", [
    ("تبنى تنظيم داعش الهجوم", [("تنظيم داعش", "isis", "delegitimizing", False)]),
    ("تبنى تنظيم الدولة الهجوم", [("تنظيم الدولة", "isis", "neutral", False)]),
    ("وأعلنت «الدولة الإسلامية» مسؤوليتها", [("الدولة الإسلامية", "isis", "legitimizing", True)]),
    ("ولاحقت الشرطة عناصر الدواعش", [("الدواعش", "isis", "delegitimizing", False)]),
])
def test_isis(text, expected):
    assert labels(text, "isis") == expected


def test_isis_hedge_category():
    assert categories("أعلن ما يسمى بتنظيم داعش مسؤوليته", "isis") == [("ما يسمى", "hedge")]


@pytest.mark.parametrize("text, expected", [
    ("زعمت الصحيفة أن الاتفاق انهار", [("زعمت", "attribution_sceptical")]),
    ("وأكدت الوزارة أن الاتفاق صامد", [("وأكدت", "attribution_neutral")]),
    ("هاجمت ما يسمى بالقوة الخاصة البلدة", [("ما يسمى", "hedge")]),
    ("التقى وزير الحكومة المنتخبة نظيره", [("المنتخبة", "legitimacy")]),
    # a word that merely contains a term does not match
    ("سافر القالب إلى المدينة", []),
])
def test_markers(text, expected):
    assert categories(text, "markers") == expected
