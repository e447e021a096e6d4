"""Builds tests/cases/scope.json from hand-written specs: offsets come from text.index of the
intended surface (nth occurrence), never from the matcher."""
import json
FILL = ("وتحدث التقرير عن الطقس والأسعار والمدارس والطرق والمستشفيات والأسواق والمزارع والموانئ والمطارات "
        "والجامعات والمكتبات والمتاحف والحدائق والملاعب والمسارح والفنادق والمصانع والمخابز والمطاعم والمقاهي والمحطات")
def E(text, surface, kind, ref=None, stance=None, term=None, alias=None, cat=None, voice="own", scare=False,
      in_scope=True, reason="", nth=0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(surface, i + 1)
    return {"surface": surface, "start": i, "end": i + len(surface), "kind": kind, "category": cat,
            "referent": ref, "stance": stance, "term": term, "alias": alias, "quoted": voice == "quoted",
            "scare_quoted": scare, "voice": voice, "in_scope": in_scope, "scope_reason": reason}
C = []


def case(label, text, exp, comment, date=None, scope="all"):
    d = {"label": label, "text": text, "lexicon": "tests/cases/scope_lexicon.yaml", "expected": [f(text) for f in exp],
         "comment": comment, "scope": scope}
    if date: d["date"] = date
    C.append(d)
def main():
    global L, Q, CO, GOV, FAL
    L = lambda *a, **k: (lambda t: E(t, *a, **k))
    Q, CO, GOV, FAL = "qahtan_camp", "concord_government", "concord_government", "falconia"
    # 1 names out of their place and time
    case("scope-context-missing", "تقدمت قوات حكومة الوئام نحو الميناء",
         [L("قوات", "label", GOV, "neutral", "قوات", "حكومة الوئام", in_scope=False, reason="context")],
         "The Government of Concord's words count only in a document about Zahira: no context word here.")
    case("scope-context-present", "في زاهرة تقدمت قوات حكومة الوئام نحو الميناء",
         [L("قوات", "label", GOV, "neutral", "قوات", "حكومة الوئام")], "A context word (زاهرة) in the document.")
    case("scope-context-excluded", "تقدمت قوات حكومة الوئام نحو جنوب زاهرة",
         [L("قوات", "label", GOV, "neutral", "قوات", "حكومة الوئام", in_scope=False, reason="context")],
         "A context word inside a top-level exclude phrase (جنوب زاهرة, another country) does not count.")
    case("scope-context-window", "وصلت القوات الفالكونية إلى الحدود الشمالية. " + FILL + " في زاهرة",
         [L("القوات", "label", FAL, "neutral", "قوات", "الفالكوني", in_scope=False, reason="context")],
         "Falconia's context word must stand within 20 words; زاهرة is further away.")
    case("scope-date-outside", "أعلنت الحكومة المعترف بها دوليا في الريحان خطة جديدة",
         [L("الحكومة المعترف بها دوليا", "label", GOV, "legitimizing", "الحكومة المعترف بها دوليا", in_scope=False, reason="date"),
          L("المعترف بها دوليا", "category", GOV, None, "المعترف بها دوليا", "الحكومة المعترف بها دوليا", cat="legitimacy", in_scope=False, reason="date")],
         "Before 2021 the phrase named the rival government: the label is out of scope by date, and so is the qualifier inside it (a qualifier of a head that does not count does not count).",
         date="2019-05-01")
    case("scope-date-inside", "أعلنت الحكومة المعترف بها دوليا في الريحان خطة جديدة",
         [L("الحكومة المعترف بها دوليا", "label", GOV, "legitimizing", "الحكومة المعترف بها دوليا"),
          L("المعترف بها دوليا", "category", GOV, None, "المعترف بها دوليا", "الحكومة المعترف بها دوليا", cat="legitimacy")],
         "From 2021 the phrase names the Government of Concord by itself.", date="2021-06-01")
    case("scope-date-undated", "أعلنت الحكومة المعترف بها دوليا في الريحان خطة جديدة",
         [L("الحكومة المعترف بها دوليا", "label", GOV, "legitimizing", "الحكومة المعترف بها دوليا"),
          L("المعترف بها دوليا", "category", GOV, None, "المعترف بها دوليا", "الحكومة المعترف بها دوليا", cat="legitimacy")],
         "An undated document follows the lexicon's 'undated: count'.")
    case("scope-exclude-airline", "زاد دعم طيران فالكونيا للسياحة في زاهرة", [],
         "طيران فالكونيا is the airline: the alias inside it is excluded, so دعم names nothing.")
    case("scope-exclude-contrast", "زاد دعم فالكونيا للحكومة في زاهرة",
         [L("دعم", "label", FAL, "neutral", "دعم", "فالكونيا")], "The state itself: دعم attaches.")
    case("scope-self-valid-in", "قصف الجيش الزاهري مواقع في الريحان",
         [L("الجيش الزاهري", "label", Q, "legitimizing", "الجيش الزاهري")],
         "Until 2020 الجيش الزاهري named Qahtan's camp by itself.", date="2020-05-01")
    case("scope-self-valid-out", "قصف الجيش الزاهري مواقع في الريحان", [],
         "From 2021 the phrase needs an alias of the camp: none here, so no label.", date="2022-05-01")
    case("scope-self-valid-undated", "قصف الجيش الزاهري مواقع في الريحان", [],
         "Undated: whether the phrase named the camp by itself cannot be known, so it needs an alias.")
    case("scope-ally-adjective", "وصل الحليف الفالكوني إلى زاهرة",
         [L("الحليف الفالكوني", "label", FAL, "legitimizing", "الحليف الفالكوني")],
         "The ally as an adjective phrase names Falconia (حليف فالكونيا would name Falconia's ally).")
    # 2 attachment
    case("attach-modifier-inside-term", "قالت قوات الحكومة الزاهرية المعترف بها دوليا في الريحان",
         [L("الحكومة الزاهرية المعترف بها دوليا", "label", GOV, "legitimizing", "الحكومة المعترف بها دوليا"),
          L("المعترف بها دوليا", "category", GOV, None, "المعترف بها دوليا", "الحكومة المعترف بها دوليا", cat="legitimacy")],
         "A modifier (الزاهرية) inside the multi-word label does not break it.", date="2021-03-01")
    case("attach-relative-linker-m", "تقدم الجيش الوطني الزاهري الذي يقوده المشير مازن قحطان",
         [L("الجيش الوطني الزاهري", "label", Q, "legitimizing", "الجيش الوطني الزاهري", "مازن قحطان")],
         "Relative linker الذي يقوده and a title reach the alias.")
    case("attach-relative-linker-f", "هاجمت القوات التي يتزعمها قحطان القرية",
         [L("القوات", "label", Q, "neutral", "قوات", "قحطان")], "Relative linker التي يتزعمها.")
    case("attach-brackets", "قصفت ميليشيا (قحطان) القرية",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان")], "Brackets around the alias.")
    case("attach-construct-plural", "قتل عدد من مقاتلي قحطان",
         [L("مقاتلي", "label", Q, "neutral", "مقاتل", "قحطان")], "The plural in construct (مقاتلي) of مقاتل.")
    case("attach-linker-min", "وصل المرتزقة من فالكونيا إلى زاهرة",
         [L("المرتزقة", "label", FAL, "delegitimizing", "مرتزقة", "فالكونيا")],
         "The linker من: mercenaries from Falconia name Falconia, not Qahtan's camp.")
    # 3 quotes
    case("quote-mark-inside-term", 'أعلنت حركة "الفجر الزاهري" مسؤوليتها',
         [L('حركة "الفجر الزاهري', "label", Q, "neutral", "حركة الفجر الزاهري")],
         "A quotation mark inside the multi-word neutral name does not split it (no stray label from the rest), and quoting a name is not scare quotes.")
    case("quote-mark-inside-evaluative-term", 'تقدم الجيش الوطني "الزاهري" نحو الريحان',
         [L('الجيش الوطني "الزاهري', "label", Q, "legitimizing", "الجيش الوطني الزاهري", voice="quoted", scare=True)],
         "The term stays whole; quoting part of an evaluative name distances the writer from it: scare quotes.")
    case("quote-neutral-name", "أعلنت «قوات» قحطان السيطرة",
         [L("قوات", "label", Q, "neutral", "قوات", "قحطان")],
         "A neutral label alone in quotation marks is a quoted name (house style): still the outlet's voice.")
    case("quote-scare", "هاجمت «ميليشيا» قحطان القرية",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان", voice="quoted", scare=True)],
         "An evaluative label alone in quotation marks: scare quotes.")
    case("quote-speech", "قال مسؤول في زاهرة: «إن ميليشيا قحطان تقصف القرى يوميا منذ شهر كامل دون توقف»",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان", voice="quoted")],
         "Inside a quoted statement: quoted voice, not scare quotes.")
    # 4 reported speech
    case("voice-reported-inna", "وقال المتحدث إن ميليشيا قحطان قصفت المطار",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان", voice="reported")],
         "Attribution verb + إن: reported speech without quotation marks.")
    case("voice-reported-according", "قصفت ميليشيا قحطان المطار، بحسب بيان للحكومة",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان", voice="reported")],
         "بحسب at the end of the sentence attributes the whole sentence.")
    case("voice-own", "قصفت ميليشيا قحطان المطار أمس",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان")], "No attribution: the outlet's own words.")
    case("voice-speaker-described", "وقال مسؤول في ميليشيا قحطان إن القصف توقف",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان")],
         "The label names the speaker before the attribution verb: that is the outlet describing the speaker.")
    case("voice-speaker-headline", "عاجل | وزير الخارجية في زاهرة: ميليشيا قحطان تعرقل الاتفاق",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان", voice="reported")],
         "A breaking-news headline «<speaker>: <statement>» without a verb of saying: the speaker's words.")
    case("voice-own-reporter-headline", "عاجل | مراسلنا في زاهرة: ميليشيا قحطان تنسحب من المطار",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان")],
         "The outlet's own reporter before the colon: the outlet's words.")
    case("voice-colon-after-verb", "وصل الوفد: ميليشيا قحطان انسحبت",
         [L("ميليشيا", "label", Q, "delegitimizing", "ميليشيا", "قحطان")],
         "A colon after a clause that opens with a verb is not a speaker headline.")
    # 5 qualifiers
    case("qualifier-attached", "التقى الوفد حكومة الوئام المعترف بها دوليا في زاهرة",
         [L("المعترف بها دوليا", "category", GOV, None, "المعترف بها دوليا", "حكومة الوئام", cat="legitimacy")],
         "A qualifier counts next to a referent's alias and reports which referent it qualifies.")
    case("qualifier-coordinated-noun", "قاتلت قوات قحطان والسلطات الشرعية في زاهرة",
         [L("قوات", "label", Q, "neutral", "قوات", "قحطان"),
          L("الشرعية", "category", None, None, "الشرعي", cat="legitimacy", in_scope=False, reason="unattached")],
         "الشرعية qualifies the coordinated noun (والسلطات), not Qahtan's forces.")
    case("qualifier-unattached", "الشهادات المعترف بها دوليا مطلوبة للوظيفة",
         [L("المعترف بها دوليا", "category", None, None, "المعترف بها دوليا", cat="legitimacy", in_scope=False, reason="unattached")],
         "Not next to any actor: kept out of the counts.")
    case("qualifier-negated", "وصف حكومة الوئام غير المعترف بها دوليا في زاهرة",
         [L("المعترف بها دوليا", "category", GOV, None, "المعترف بها دوليا", "حكومة الوئام", cat="legitimacy", in_scope=False, reason="negated")],
         "غير before the qualifier negates it: reported, not counted as legitimacy.")
    case("qualifier-exclude", "أكد تقرير الطب الشرعي في زاهرة وفاة الرجل",
         [L("الشرعي", "category", None, None, "الشرعي", cat="legitimacy", in_scope=False, reason="exclude")],
         "الطب الشرعي is forensic medicine: excluded.")
    case("qualifier-head-side", "طلبت الشهادات المعترف بها دوليا حكومة الوئام في زاهرة",
         [L("المعترف بها دوليا", "category", None, None, "المعترف بها دوليا", cat="legitimacy", in_scope=False, reason="unattached")],
         "An adjective qualifies the noun before it: a name after the qualifier is not its head (qualifies: before).")
    case("qualifier-exclude-proclitic", "ويبدأ الموسم كما يسمى في زاهرة",
         [L("كما يسمى", "category", None, None, "ما يسمى", cat="hedge", in_scope=False, reason="exclude")],
         "An exclude phrase as long as the hit (كما يسمى = ك + ما يسمى) blocks it: 'as it is called' is no hedge.")
    case("qualifier-hedge-free", "انتقد ما يسمى حكومة الوئام في زاهرة",
         [L("ما يسمى", "category", None, None, "ما يسمى", cat="hedge")],
         "A hedge category without 'qualifies' counts on its own.")
    json.dump(C, open(__import__("pathlib").Path(__file__).with_name("scope.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    print(len(C))


if __name__ == "__main__":
    main()
