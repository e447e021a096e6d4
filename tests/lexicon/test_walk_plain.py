"""``walk_plain`` is ``walk`` for a document without titles, linkers, modifiers or head words after the label.

:func:`framing.lexicon.attach.attach_labels` takes the one-step :func:`~framing.lexicon.attach.walk_plain`
when the document has no structural word; here both are compared at every word end and every separator of
the demo corpus, our own edge cases and, when ../shared is present, ~1 MB of SaudiNewsNet, with the aliases of
every bundled lexicon as the places a walk may reach, for windows of 1 to 4 words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers.corpora import SAUDINEWSNET, corpus_texts

from framing.lexicon.attach import longest_first, walk, walk_plain
from framing.lexicon.compile import ALIAS
from framing.lexicon.load import bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
from framing.lexicon.resolve import split_hits
from framing.lexicon.scan import text_hits
from framing.text.normalization import normalize

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
# our own: separators of quotation marks, brackets and hashtags, punctuation, line breaks, the text's end
EDGE = ["ميليشيات «حفتر» و(داعش) #حفتر ميليشيات، حفتر\nداعش ميليشيات", "ميليشيات  « حفتر", "تنظيم داعش", "حفتر "]
_STOPS = re.compile(r"\w\b|\s")  # word ends and separators: where a label may end


def _check(texts: list[str]) -> int:
    compared = 0
    for name in bundled_names():
        forms = compile_lexicon(load_lexicon(name))
        for text in texts:
            norm = normalize(text)
            aliases = [(s, e, i) for s, e, i in split_hits(forms, text_hits(forms, norm)).aliases
                       if forms.roles[i] == ALIAS]
            alias_at = {s: i for s, _e, i in longest_first(aliases)}
            ends = {m.end() for m in _STOPS.finditer(norm)} | {len(norm)}
            for pos in sorted(ends):
                want = [walk(norm, pos, alias_at, {}, window) for window in (1, 2, 3, 4)]
                assert want == [walk_plain(norm, pos, alias_at)] * 4, (name, norm[max(0, pos - 30):pos + 30])
                compared += want[0] is not None
    return compared


def test_demo_walk_plain_equals_walk():
    with DEMO.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh][:150] + EDGE
    assert _check(texts) > 0  # walks that reach an alias are among those compared


@pytest.mark.shared
@pytest.mark.skipif(not SAUDINEWSNET.exists(), reason="../shared/corpora/saudinewsnet.jsonl.gz is not present")
def test_saudinewsnet_walk_plain_equals_walk():
    assert _check(list(corpus_texts(SAUDINEWSNET, 550_000))) > 0
