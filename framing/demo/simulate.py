"""A synthetic Arabic news corpus with a known answer (the demo corpus).

:func:`simulate_corpus` writes articles about the 2019–2020 Libyan war from sentence templates
(``framing/data/templates/libya_demo.yaml``: data, not code). Invented outlets each have a house
style — per referent, the probabilities of a delegitimizing, neutral or legitimizing label in their
own voice, drifting linearly over the months — and one outlet switches terminology at a known month.
Articles also carry quotations whose labels follow the speaker's side, scare-quoted labels, wire
copies of one agency text carried by several outlets, and orthographic noise (diacritics, tatweel,
Persian-keyboard letters, no-break spaces, right-to-left marks) at recorded rates.

Everything planted is returned in ``truth`` so each statistic can be checked against it. The
output depends only on the seed and the arguments (a :class:`numpy.random.Generator`; no dict
order or hashing is involved), so the committed files in ``data/demo`` can be regenerated
byte for byte: ``python -m framing.demo.simulate --out data/demo``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import logging
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from framing.errors import FramingError
from framing.vocabulary import STANCES

__all__ = ["simulate_corpus", "write_demo", "load_templates", "main", "STANCES", "NOISE_RATES"]

logger = logging.getLogger(__name__)


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
_KEY_ORDER = ("doc_id", "outlet", "date", "title", "text", "url", "wire_group")


def _err(msg: str) -> FramingError:
    return FramingError(f"libya_demo templates: {msg}")


@lru_cache(maxsize=4)
def _read_yaml(path: str | None) -> dict:
    import yaml

    if path is None:
        text = resources.files("framing").joinpath("data/templates/libya_demo.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return yaml.safe_load(text)


def load_templates(path: str | Path | None = None) -> dict:
    """Read and check the template file (default: the bundled ``libya_demo.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        Another template file with the same layout.

    Returns
    -------
    dict
        The parsed templates (a fresh copy; safe to modify).

    Raises
    ------
    FramingError
        When a phrase's first planted stance does not match the stance it is listed under, or a
        stance distribution does not sum to 1, or a template text contains a noise character.
    """
    data = json.loads(json.dumps(_read_yaml(None if path is None else str(path))))
    for ref in sorted(data["phrases"]):
        for stance in sorted(data["phrases"][ref]):
            if stance not in STANCES:
                raise _err(f"phrases.{ref}: unknown stance {stance!r}; expected one of {STANCES}")
            for ph in data["phrases"][ref][stance]:
                if [ref, stance] not in (ph.get("plants") or []):
                    raise _err(f"phrases.{ref}.{stance}: {ph.get('text')!r} must plant "
                               f"[{ref}, {stance}], got {ph.get('plants')!r}")
    dists = [(f"agency.style.{r}", p) for r, p in data["agency"]["style"].items()]
    for o in data["outlets"]:
        for r, se in o["style"].items():
            dists += [(f"outlets.{o['key']}.{r}.start", se["start"]), (f"outlets.{o['key']}.{r}.end", se["end"])]
    for side, sp in data["speakers"].items():
        dists += [(f"speakers.{side}.{r}", p) for r, p in sp["style"].items()]
    sw = data["switch"]
    dists += [(f"switch.before.{sw['referent']}", sw["before"]), (f"switch.after.{sw['referent']}", sw["after"])]
    for where, p in dists:
        if len(p) != 3 or abs(sum(p) - 1.0) > 1e-9 or min(p) < 0:
            raise _err(f"{where}: expected 3 probabilities summing to 1, got {p!r}")
        ref = where.split(".")[2] if where.startswith("outlets") else where.split(".")[-1]
        ref = where.split(".")[2] if where.startswith(("outlets", "switch")) else ref
        for st, pr in zip(STANCES, p):
            if pr > 0 and not data["phrases"].get(ref, {}).get(st):
                raise _err(f"{where}: stance {st} has probability {pr} but phrases.{ref}.{st} is empty")
    every = json.dumps(data, ensure_ascii=False)
    for kind, chars in NOISE_CHARS.items():
        if any(c in every for c in chars):
            raise _err(f"a template contains a {kind} character; noise is added by the simulator only")
    return data


def _months(start: str, months: int) -> list[str]:
    try:
        y, m = (int(x) for x in start.split("-")[:2])
    except (ValueError, AttributeError):
        raise FramingError(f"simulate_corpus: start must look like 'YYYY-MM', got {start!r}") from None
    out = []
    for i in range(months):
        k = (y * 12 + m - 1) + i
        out.append(f"{k // 12:04d}-{k % 12 + 1:02d}")
    return out


def _drift(start, end, months: int) -> list[list[float]]:
    """Linear interpolation of two distributions, rounded to 6 decimals (sums kept at 1)."""
    out = []
    for i in range(months):
        t = i / (months - 1) if months > 1 else 0.0
        p = [round((1 - t) * a + t * b, 6) for a, b in zip(start, end)]
        p[1] = round(1.0 - p[0] - p[2], 6)
        out.append(p)
    return out


class _Gen:
    """One simulation run: the random generator, the templates and the bookkeeping."""

    def __init__(self, tpl: dict, rng: np.random.Generator, noise: dict):
        self.tpl, self.rng, self.noise = tpl, rng, noise
        self.n_phrases = 0  # label phrases finished (the unit of label-level noise rates)

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def draw(self, probs) -> int:
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

    def stance(self, probs) -> str:
        return STANCES[self.draw(probs)]

    def fill(self, template: str, styles: dict, voice: str) -> list:
        """Render a template into segments: plain strings and (text, plants) label phrases."""
        segs: list = []
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
                segs.append((clitic + text, [list(p) + [voice, False] for p in ph["plants"]]))
            else:
                segs.append(clitic + self.pick(self.tpl["vocab"][name]))
        segs.append(template[pos:])
        return segs

    def scare(self, outlet_key: str) -> list | None:
        refs = sorted(self.tpl["scare_phrases"])
        if not refs:
            return None
        ph = self.pick(self.tpl["scare_phrases"][self.pick(refs)])
        template = self.pick(self.tpl["scare_sentences"])
        before, _, after = template.partition("{scare}")
        segs = self.fill(before, {}, "own")
        segs.append(("«" + ph["text"] + "»", [list(p) + ["own", True] for p in ph["plants"]]))
        segs += self.fill(after, {}, "own")
        return segs

    def article(self, styles: dict, month_idx: int, n_events: int, n_quotes: int, n_filler: int,
                scare_rate: float) -> tuple[list, list]:
        """Sentences (lists of segments) of one article, and the scare-quote flag."""
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
            s = self.scare("")
            if s:
                sents.insert(1, s)
        picks = self.rng.permutation(len(tpl["filler"]))[:n_filler].tolist()
        filler = [self.fill(tpl["filler"][j], {}, "own") for j in picks]
        for f in filler:
            sents.insert(1 + int(self.rng.integers(len(sents))), f)
        return sents

    def _allowed(self, refs, month_idx: int) -> bool:
        first = self.tpl.get("first_month", {})
        return all(month_idx >= first.get(r, 0) for r in refs)

    # ---- finishing a document: spelling habit, then noise -------------------------------
    def finish(self, sents: list, spelling: dict) -> tuple[str, list]:
        plants, parts = [], []
        for sent in sents:
            out = []
            for seg in sent:
                if isinstance(seg, tuple):
                    text, pl = seg
                    text = _spell(text, spelling)
                    text = self._label_noise(text)
                    self.n_phrases += 1
                    plants += pl
                    out.append(text)
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
    word = text.split(" ")[0]
    for pre in ("وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل"):
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            return len(pre)
    return 0


def _spell(text: str, spelling: dict) -> str:
    for old in sorted(spelling):
        text = text.replace(old, spelling[old])
    return text


def _month_index(months: list[str], month: str) -> int:
    """Position of ``month`` in ``months`` (0 before the start, len after the end)."""
    if month <= months[0]:
        return 0
    if month > months[-1]:
        return len(months)
    return months.index(month)


def simulate_corpus(seed: int = 20190404, *, n_articles: int = 3600, start: str = "2019-04",
                    months: int = 24, wire_share: float = 0.12, noise: dict | None = None,
                    templates: str | Path | None = None):
    """Generate the synthetic demo corpus and the truth it was generated from.

    Parameters
    ----------
    seed : int
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same corpus on
        every machine.
    n_articles : int
        Number of documents, wire copies included.
    start : str
        First month, ``"YYYY-MM"``.
    months : int
        Number of months covered.
    wire_share : float
        Approximate share of documents that are wire copies of an agency story.
    noise : dict, optional
        Rates overriding :data:`NOISE_RATES` (keys ``diacritics``, ``tatweel``, ``persian``,
        ``rlm``, ``nbsp``).
    templates : str or Path, optional
        A template file other than the bundled ``libya_demo.yaml``.

    Returns
    -------
    corpus : pandas.DataFrame
        Columns ``doc_id``, ``outlet``, ``date`` (datetime64[ns]), ``title``, ``text``, ``url``,
        ``wire_group`` (None or the group id), sorted by date, outlet and doc_id.
    truth : dict
        Every parameter and every planted label: ``outlets``, ``months``, ``stance_probs``
        (outlet → referent → month → [delegitimizing, neutral, legitimizing], own voice),
        ``switch``, ``speakers``, ``noise`` (rate, unit, count planted), ``wire_groups`` and
        ``documents`` (doc_id → list of [referent, stance, voice, scare_quoted], in text order).
    """
    import pandas as pd

    if n_articles < 10 or months < 1:
        raise FramingError(f"simulate_corpus: need n_articles >= 10 and months >= 1, "
                           f"got n_articles={n_articles}, months={months}")
    rates = dict(NOISE_RATES)
    for k, v in (noise or {}).items():
        if k not in NOISE_RATES:
            raise FramingError(f"simulate_corpus: unknown noise kind {k!r}; expected one of {sorted(NOISE_RATES)}")
        rates[k] = float(v)
    tpl = load_templates(templates)
    month_list = _months(start, months)
    tpl["first_month"] = {r: _month_index(month_list, m) for r, m in sorted(tpl.get("first_month", {}).items())}
    rng = np.random.default_rng(seed)
    gen = _Gen(tpl, rng, rates)
    refs = sorted(tpl["phrases"])
    outlets = tpl["outlets"]
    sw = tpl["switch"]
    sw_idx = _month_index(month_list, sw["month"])

    # per outlet x referent x month own-voice stance probabilities
    probs: dict = {}
    for o in outlets:
        probs[o["key"]] = {}
        for r in refs:
            seq = _drift(o["style"][r]["start"], o["style"][r]["end"], months)
            if o["key"] == sw["outlet"] and r == sw["referent"]:
                seq = [list(sw["before"]) if i < sw_idx else list(sw["after"]) for i in range(months)]
            probs[o["key"]][r] = seq

    # how many documents per month (more during the heaviest fighting) and per outlet
    mw = np.array([1.0 + 0.6 * np.exp(-((i - months * 0.45) / (months * 0.25)) ** 2) for i in range(months)])
    ow = np.array([float(o["weight"]) for o in outlets])
    mw_p, ow_p = (mw / mw.sum()).tolist(), (ow / ow.sum()).tolist()
    records = []  # (date, outlet_index, seq, title, sents, spelling, wire_group, plants placeholder)
    seq_no = 0

    def month_day(mi: int) -> tuple[int, int, int]:
        y, m = (int(x) for x in month_list[mi].split("-"))
        return y, m, int(rng.integers(1, calendar.monthrange(y, m)[1] + 1))

    # wire stories
    wire_groups = {}
    target = int(round(n_articles * wire_share))
    n_wire = 0
    g = 0
    while n_wire < target:
        k = int(rng.integers(2, 5))
        k = min(k, target - n_wire) if target - n_wire >= 2 else 2
        g += 1
        gid = f"w{g:04d}"
        mi = gen.draw(mw_p)
        y, m, d = month_day(mi)
        base = gen.article({r: tpl["agency"]["style"][r] for r in refs}, mi,
                           n_events=int(rng.integers(2, 4)), n_quotes=int(rng.integers(0, 2)),
                           n_filler=int(rng.integers(2, 4)), scare_rate=0.0)
        base.append([" المصدر: " + tpl["agency"]["name"] + "."])
        carriers = sorted(rng.choice(len(outlets), size=k, replace=False).tolist())
        titles = rng.permutation(len(tpl["titles"]))[:k].tolist()
        members = []
        for j, oi in enumerate(carriers):
            sents = list(base)
            if len(sents) > 3 and rng.random() < 0.5:  # drop a sentence (never the lead)
                del sents[1 + int(rng.integers(len(sents) - 2))]
            if rng.random() < 0.4:  # the desk adds a sentence of its own
                sents.insert(len(sents) - 1, gen.fill(gen.pick(tpl["filler"]), {}, "own"))
            date = datetime.date(y, m, d) + datetime.timedelta(days=int(rng.integers(0, 2)))
            if date.strftime("%Y-%m") > month_list[-1]:
                date = datetime.date(y, m, d)
            title = gen.fill(tpl["titles"][titles[j]], {}, "own")
            records.append([date, oi, seq_no, title, sents, gid])
            seq_no += 1
            members.append(seq_no - 1)
        wire_groups[gid] = members
        n_wire += k

    # house articles
    for _ in range(n_articles - n_wire):
        oi = gen.draw(ow_p)
        mi = gen.draw(mw_p)
        y, m, d = month_day(mi)
        o = outlets[oi]
        styles = {r: probs[o["key"]][r][mi] for r in refs}
        sents = gen.article(styles, mi, n_events=int(rng.integers(1, 4)),
                            n_quotes=int(rng.choice(3, p=[0.35, 0.45, 0.2])),
                            n_filler=int(rng.integers(1, 4)), scare_rate=float(o["scare_quote_rate"]))
        title = gen.fill(gen.pick(tpl["titles"]), {}, "own")
        records.append([datetime.date(y, m, d), oi, seq_no, title, sents, None])
        seq_no += 1

    # finish texts (spelling, noise) in generation order, then sort and number
    rows = []
    for date, oi, sq, title, sents, gid in records:
        o = outlets[oi]
        text, plants = gen.finish(sents, o["spelling"])
        title_text = "".join(s if isinstance(s, str) else s[0] for s in title)
        rows.append({"date": date, "oi": oi, "seq": sq, "title": title_text, "text": text,
                     "wire_group": gid, "plants": plants})
    rows.sort(key=lambda r: (r["date"], r["oi"], r["seq"]))
    documents, groups, seq_to_id = {}, {}, {}
    out = []
    for i, r in enumerate(rows, start=1):
        o = outlets[r["oi"]]
        doc_id = f"demo-{i:05d}"
        seq_to_id[r["seq"]] = doc_id
        documents[doc_id] = r["plants"]
        out.append({"doc_id": doc_id, "outlet": o["label"], "date": r["date"], "title": r["title"],
                    "text": r["text"],
                    "url": f"https://{o['slug']}.example/{r['date']:%Y/%m/%d}/{doc_id}",
                    "wire_group": r["wire_group"]})
    for gid in sorted(wire_groups):
        groups[gid] = {"doc_ids": sorted(seq_to_id[s] for s in wire_groups[gid]), "style": "agency"}

    corpus = pd.DataFrame(out, columns=list(_KEY_ORDER))
    corpus["date"] = pd.to_datetime(corpus["date"]).astype("datetime64[ns]")
    corpus["wire_group"] = pd.Series([r["wire_group"] for r in out], dtype=object, index=corpus.index)

    texts = corpus["text"].tolist()
    units = {"diacritics": "label phrase", "tatweel": "label phrase", "persian": "document",
             "rlm": "document", "nbsp": "space between words"}
    noise_truth = {
        k: {"rate": rates[k], "unit": units[k],
            "chars": [f"U+{ord(c):04X}" for c in NOISE_CHARS[k]],
            "count": int(sum(sum(t.count(c) for c in NOISE_CHARS[k]) for t in texts)),
            "documents": int(sum(any(c in t for c in NOISE_CHARS[k]) for t in texts))}
        for k in sorted(rates)
    }
    noise_truth["label_phrases_planted"] = gen.n_phrases
    noise_truth["label_matches_planted"] = sum(len(p) for p in documents.values())
    key_of = {o["key"]: o["label"] for o in outlets}
    truth = {
        "generator": "framing.demo.simulate",
        "templates_version": tpl["version"],
        "lexicon": tpl["lexicon"],
        "seed": seed,
        "n_articles": n_articles,
        "months": month_list,
        "stances": list(STANCES),
        "referents": refs,
        "outlets": [{"outlet": o["label"], "name_ar": o["name"], "slug": o["slug"],
                     "spelling": o["spelling"], "scare_quote_rate": o["scare_quote_rate"],
                     "weight": o["weight"]} for o in outlets],
        "stance_probs": {key_of[k]: {r: dict(zip(month_list, probs[k][r])) for r in refs}
                         for k in sorted(probs)},
        "stance_probs_note": ("own-voice probability of each stance per label draw in house "
                              "articles (not wire copies, quotations or scare quotes); a drawn "
                              "phrase may plant more than one label match, see phrases"),
        "switch": {"outlet": key_of[sw["outlet"]], "referent": sw["referent"], "month": sw["month"],
                   "before": sw["before"], "after": sw["after"]},
        "agency": {"name_ar": tpl["agency"]["name"], "slug": tpl["agency"]["slug"],
                   "style": tpl["agency"]["style"]},
        "speakers": {s: tpl["speakers"][s]["style"] for s in sorted(tpl["speakers"])},
        "first_month": {r: month_list[min(i, months - 1)] for r, i in sorted(tpl["first_month"].items())},
        "phrases": tpl["phrases"],
        "scare_phrases": tpl["scare_phrases"],
        "noise": noise_truth,
        "wire_groups": groups,
        "documents": documents,
    }
    return corpus, truth


def write_demo(directory: str | Path = "data/demo", **kw) -> dict:
    """Simulate the corpus and write ``corpus.jsonl`` and ``truth.json`` into ``directory``.

    Parameters
    ----------
    directory : str or Path
        Output folder (created if needed).
    **kw
        Passed to :func:`simulate_corpus` (``seed``, ``n_articles``, ...).

    Returns
    -------
    dict
        ``{"corpus": Path, "truth": Path, "n_documents": int}``.
    """
    corpus, truth = simulate_corpus(**kw)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for rec in corpus.to_dict(orient="records"):
        rec["date"] = rec["date"].strftime("%Y-%m-%d")
        lines.append(json.dumps({k: rec[k] for k in _KEY_ORDER}, ensure_ascii=False))
    cpath, tpath = directory / "corpus.jsonl", directory / "truth.json"
    cpath.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    tpath.write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                     encoding="utf-8", newline="\n")
    logger.info("wrote %d documents to %s", len(corpus), cpath)
    return {"corpus": cpath, "truth": tpath, "n_documents": len(corpus)}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m framing.demo.simulate [--out DIR] [--seed N]``."""
    ap = argparse.ArgumentParser(prog="python -m framing.demo.simulate", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="data/demo", help="output folder (default data/demo)")
    ap.add_argument("--seed", type=int, default=20190404, help="random seed (default 20190404)")
    ap.add_argument("--n-articles", type=int, default=3600)
    args = ap.parse_args(argv)
    res = write_demo(args.out, seed=args.seed, n_articles=args.n_articles)
    print(f"wrote {res['n_documents']} documents to {res['corpus']} and the truth to {res['truth']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
