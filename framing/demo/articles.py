"""The demo's articles: sentence templates filled with label phrases drawn by stance, then each
outlet's spelling habit and orthographic noise at recorded rates.

An :class:`ArticleWriter` holds one simulation run's random generator; every draw goes through it in
a fixed order, so the same seed gives the same articles. A sentence is a list of segments: plain
text, or a :class:`Phrase` (a label phrase and the matches it plants).

>>> import numpy as np
>>> writer = ArticleWriter({"phrases": {}, "vocab": {"city": ["طرابلس"]}}, np.random.default_rng(0), NOISE_RATES)
>>> writer.fill("وصل الوفد إلى {city}", {}, "own")
['وصل الوفد إلى ', 'طرابلس', '']
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np

from framing.vocabulary import STANCES

__all__ = ["ArticleWriter", "Phrase", "Segment", "NOISE_RATES", "NOISE_CHARS"]

#: default noise rates. ``diacritics`` and ``tatweel``: per planted label phrase;
#: ``persian``, ``rlm``: per document; ``nbsp``: per space between words.
NOISE_RATES = {"diacritics": 0.04, "tatweel": 0.03, "persian": 0.06, "rlm": 0.05, "nbsp": 0.004}
NOISE_CHARS = {
    "diacritics": "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652",
    "tatweel": "\u0640",
    "persian": "\u06cc\u06a9",
    "rlm": "\u200f",
    "nbsp": "\u00a0",
}
_SLOT = re.compile(r"\{([^{}]+)\}")
_CONNECTORS = set("بتثجحخسشصضطظعغفقكلمنهيئ")  # letters that join the following letter


class Phrase(NamedTuple):
    """A label phrase in a sentence: its ``text`` and the matches it plants, each
    ``[referent, stance, voice, scare_quoted]`` (lists, as they are written to ``truth.json``)."""

    text: str
    plants: list[list[Any]]


#: a piece of a sentence: plain text or a label phrase
Segment = str | Phrase


class ArticleWriter:
    """One simulation run: the random generator, the templates and the bookkeeping."""

    def __init__(self, tpl: dict[str, Any], rng: np.random.Generator, noise: dict[str, float]):
        self.tpl, self.rng, self.noise = tpl, rng, noise
        self.n_phrases = 0  # label phrases finished (the unit of label-level noise rates)

    def pick(self, seq: Any) -> Any:
        """One element of ``seq``, uniformly."""
        return seq[int(self.rng.integers(len(seq)))]

    def draw(self, probs: list[float]) -> int:
        """Index drawn from a discrete distribution (one uniform number, cumulative sums)."""
        u = self.rng.random()
        acc = 0.0
        last = 0
        for i, p in enumerate(probs):
            if p > 0:
                last = i
                acc += p
                if u < acc:
                    return i
        return last

    def stance(self, probs: list[float]) -> str:
        return STANCES[self.draw(probs)]

    def fill(self, template: str, styles: dict[str, list[float]], voice: str) -> list[Segment]:
        """Render a template into segments: plain strings and label :class:`Phrase` s."""
        segs: list[Segment] = []
        pos = 0
        for m in _SLOT.finditer(template):
            segs.append(template[pos:m.start()])
            pos = m.end()
            clitic, _, name = m.group(1).rpartition("+")
            if name in self.tpl["phrases"]:
                st = self.stance(styles[name])
                ph = self.pick(self.tpl["phrases"][name][st])
                text = ph["text"]
                if clitic.endswith(("ل", "ب")) and text.startswith("ال"):
                    text = (text[1:] if clitic.endswith("ل") else text)
                segs.append(Phrase(clitic + text, [[*p, voice, False] for p in ph["plants"]]))
            else:
                segs.append(clitic + self.pick(self.tpl["vocab"][name]))
        segs.append(template[pos:])
        return segs

    def scare(self) -> list[Segment] | None:
        """A sentence with a scare-quoted label phrase (None when the templates have none)."""
        refs = sorted(self.tpl["scare_phrases"])
        if not refs:
            return None
        ph = self.pick(self.tpl["scare_phrases"][self.pick(refs)])
        template = self.pick(self.tpl["scare_sentences"])
        before, _, after = template.partition("{scare}")
        segs = self.fill(before, {}, "own")
        segs.append(Phrase("«" + ph["text"] + "»", [[*p, "own", True] for p in ph["plants"]]))
        segs += self.fill(after, {}, "own")
        return segs

    def article(self, styles: dict[str, list[float]], month_idx: int, n_events: int, n_quotes: int,
                n_filler: int, scare_rate: float) -> list[list[Segment]]:
        """Sentences (lists of segments) of one article."""
        tpl = self.tpl
        month = month_idx
        events = [e for e in tpl["events"] if self._allowed(e["refs"], month)]
        order = self.rng.permutation(len(events))[:n_events]
        # an event told as what sources say («قالت مصادر إن ...») carries its labels in reported speech
        sents = [self.fill(("و" if i else "") + events[j]["text"], styles, events[j].get("voice", "own"))
                 for i, j in enumerate(order.tolist())]
        for _ in range(n_quotes):
            side = self.pick(sorted(tpl["speakers"]))
            sp = tpl["speakers"][side]
            quotes = [q for q in tpl["quotes"] if self._allowed(q["refs"], month)]
            body = self.fill(self.pick(quotes)["text"], sp["style"], "quoted")
            opener, closer = ("«", "»") if self.rng.random() < 0.7 else ("“", "”")
            sents.append(["و" + self.pick(sp["intros"]) + ": " + opener, *body, closer + "."])
        if scare_rate and self.rng.random() < scare_rate:
            s = self.scare()
            if s:
                sents.insert(1, s)
        picks = self.rng.permutation(len(tpl["filler"]))[:n_filler].tolist()
        filler = [self.fill(tpl["filler"][j], {}, "own") for j in picks]
        for f in filler:
            sents.insert(1 + int(self.rng.integers(len(sents))), f)
        return sents

    def _allowed(self, refs: list[str], month_idx: int) -> bool:
        first = self.tpl.get("first_month", {})
        return all(month_idx >= first.get(r, 0) for r in refs)

    # ---- finishing a document: spelling habit, then noise -------------------------------
    def finish(self, sents: list[list[Segment]], spelling: dict[str, str]) -> tuple[str, list[list[Any]]]:
        """The article's text (spelling habit, then noise) and the matches it plants, in text order."""
        plants: list[list[Any]] = []
        parts = []
        for sent in sents:
            out = []
            for seg in sent:
                if isinstance(seg, Phrase):
                    self.n_phrases += 1
                    plants += seg.plants
                    out.append(self._label_noise(_spell(seg.text, spelling)))
                else:
                    out.append(_spell(seg, spelling))
            parts.append("".join(out))
        text = " ".join(parts)
        text = self._doc_noise(text)
        return text, plants

    def _label_noise(self, text: str) -> str:
        rng = self.rng
        if rng.random() < self.noise["diacritics"]:
            if "دوليا" in text:
                text = text.replace("دوليا", "دوليًا", 1)
            else:
                i = _core_start(text)
                text = text[:i + 1] + self.pick(["\u064f", "\u064e", "\u0651"]) + text[i + 1:]
        if rng.random() < self.noise["tatweel"]:
            cands = [i for i in range(len(text) - 1)
                     if text[i] in _CONNECTORS and "\u0621" <= text[i + 1] <= "\u064a"
                     and text[i + 1] not in "ة" and i >= _core_start(text)]
            if cands:
                i = self.pick(cands)
                text = text[:i + 1] + "\u0640" + text[i + 1:]
        return text

    def _doc_noise(self, text: str) -> str:
        rng = self.rng
        if rng.random() < self.noise["persian"]:
            cands = [i for i, c in enumerate(text) if c in "يك"]
            if cands:
                i = self.pick(cands)
                text = text[:i] + ("\u06cc" if text[i] == "ي" else "\u06a9") + text[i + 1:]
        if rng.random() < self.noise["rlm"]:
            cands = [i for i, c in enumerate(text) if c == " "]
            if cands:
                i = self.pick(cands)
                text = text[:i] + "\u200f" + text[i:]
        spaces = [i for i, c in enumerate(text) if c == " "]
        hits = np.flatnonzero(rng.random(len(spaces)) < self.noise["nbsp"])
        if len(hits):
            chars = list(text)
            for h in hits:
                chars[spaces[h]] = "\u00a0"
            text = "".join(chars)
        return text


def _core_start(text: str) -> int:
    """Index of the first letter after proclitics and the article (where noise may go)."""
    word = text.split(" ", 1)[0]
    for pre in ("وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل"):
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            return len(pre)
    return 0


def _spell(text: str, spelling: dict[str, str]) -> str:
    for old in sorted(spelling):
        text = text.replace(old, spelling[old])
    return text
