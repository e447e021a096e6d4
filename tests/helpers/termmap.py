"""The toy Libya corpus and lexicon of the term map tests (its data and its HTML)."""

import numpy as np
import pandas as pd

LEX = {"name": "toy", "referents": {"east": {
    "aliases": ["حفتر"],
    "labels": {"delegitimizing": ["ميليشيا"], "neutral": ["قوات"], "legitimizing": ["الجيش الوطني"]}}}}

# sentences written for these tests; outlet A prefers ميليشيات, B قوات, C neither
PARTS = {
    "A": ["قصفت الميليشيات التابعة لحفتر الأحياء السكنية", "وقالت مصادر محلية إن ميليشيات حفتر انسحبت",
          "وتواصلت المعارك جنوب العاصمة", "وأعلنت البلدية إغلاق المدارس"],
    "B": ["تقدمت قوات حفتر نحو المطار", "وقالت القوات إنها سيطرت على الطريق الساحلي",
          "وتواصلت المعارك جنوب العاصمة", "وارتفعت أسعار الوقود في الأسواق"],
    "C": ["عقد البرلمان جلسة لمناقشة الميزانية", "وارتفعت أسعار الوقود في الأسواق",
          "وأعلنت البلدية إغلاق المدارس", "وتقدمت قوات حفتر قرب المطار"],
}


def termmap_corpus(n: int = 40, seed: int = 3) -> pd.DataFrame:
    """``n`` documents per outlet, each three of its sentences drawn with ``seed`` (doc_id, outlet, text)."""
    rng = np.random.default_rng(seed)
    rows = []
    for outlet, sentences in PARTS.items():
        for i in range(n):
            picks = rng.choice(len(sentences), size=3)
            rows.append((f"{outlet}{i}", outlet, ". ".join(sentences[k] for k in picks) + "."))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "text"])
