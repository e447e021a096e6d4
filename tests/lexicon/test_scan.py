"""The batch counting path (framing.lexicon.scan.count_batch) counts exactly what find() finds.

count_batch normalizes chunks of joined documents with numpy, drops quotation marks from the view,
places hits with numpy and resolves only the documents that can count; find() does everything one
text at a time. Both must agree for every voice, also across chunk boundaries, at document edges,
with empty documents and with characters above U+FFFF.
"""

from __future__ import annotations

import numpy as np
import pytest

from framing.features.extract import count_matrix
from framing.lexicon import scan
from framing.lexicon.load import Lexicon
from framing.lexicon.matcher import find_matches

LEX = Lexicon.from_dict({
    "name": "toy", "linkers": ["الموالية"], "titles": ["اللواء"],
    "categories": {"hedge": {"terms": ["ما يسمى"]}},
    "referents": {
        "haftar_camp": {"aliases": ["حفتر"], "labels": {
            "delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}], "neutral": ["قوات"]}},
        "isis": {"aliases": ["داعش"], "labels": {
            "neutral": [{"term": "تنظيم الدولة الإسلامية", "self": True}],
            "delegitimizing": ["عصابات"]}},
    },
})

TEXTS = [
    "اشتبكت وميليشيات حفتر مع القوات الموالية لحفتر",
    "",
    "«ميليشيات» حفتر",                                   # a mark at the very start of a document
    'قال المتحدث إن ميليشيات حفتر قصفت "المدينة"',        # a mark at the very end
    "ما يسمى تنظيم \"الدولة الإسلامية\" 😀 وعصابات داعش",  # an astral character
    "قوات \U0001D400 حفتر",                               # an astral word character between label and alias
    "   ",
    "وقال: «عصابات داعش هاجمت» ثم غادر.\nعصابات داعش",
    "ميليشيات\U0001F600حفتر",
    "ميليشيات اللواء حفتر\n\nقوات حفتر",
]


def _expected(texts, voice):
    names = LEX.feature_names
    out = np.zeros((len(texts), len(names)), dtype=np.int64)
    for i, text in enumerate(texts):
        for m in find_matches(text, LEX):
            if voice not in ("all", m.voice):
                continue
            key = f"cat:{m.category}" if m.kind == "category" else f"label:{m.referent}:{m.stance}"
            out[i, names.index(key)] += 1
    return out


@pytest.mark.parametrize("voice", ["own", "quoted", "reported", "all"])
@pytest.mark.parametrize("chunk", [1 << 17, 40, 1])
def test_batch_counts_what_find_finds(voice, chunk, monkeypatch):
    monkeypatch.setattr(scan, "CHUNK_CHARS", chunk)  # several documents per chunk, or one each
    texts = TEXTS * 3
    counts, n_tokens = count_matrix(texts, LEX, voice=voice)
    assert counts.tolist() == _expected(texts, voice).tolist()
    assert n_tokens.tolist() == [len(t.split()) for t in texts]
    assert counts.sum() > 0
