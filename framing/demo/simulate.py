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
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from framing.demo.articles import NOISE_CHARS, NOISE_RATES, ArticleWriter, Segment
from framing.demo.templates import load_templates
from framing.errors import FramingError
from framing.vocabulary import STANCES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["simulate_corpus", "write_demo", "load_templates", "main", "STANCES", "NOISE_RATES", "NOISE_CHARS"]

logger = logging.getLogger(__name__)


_KEY_ORDER = ("doc_id", "outlet", "date", "title", "text", "url", "wire_group")


class _Draft(NamedTuple):
    """An article before its text is finished: when, by which outlet (index), in which generation order."""

    date: datetime.date
    outlet: int
    seq: int
    title: list[Segment]
    sentences: list[list[Segment]]
    wire_group: str | None


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


def _drift(start: list[float], end: list[float], months: int) -> list[list[float]]:
    """Linear interpolation of two distributions, rounded to 6 decimals (sums kept at 1)."""
    out = []
    for i in range(months):
        t = i / (months - 1) if months > 1 else 0.0
        p = [round((1 - t) * a + t * b, 6) for a, b in zip(start, end, strict=True)]
        p[1] = round(1.0 - p[0] - p[2], 6)
        out.append(p)
    return out


def _month_index(months: list[str], month: str) -> int:
    """Position of ``month`` in ``months`` (0 before the start, len after the end)."""
    if month <= months[0]:
        return 0
    if month > months[-1]:
        return len(months)
    return months.index(month)


def simulate_corpus(seed: int = 20190404, *, n_articles: int = 3600, start: str = "2019-04",
                    months: int = 24, wire_share: float = 0.12, noise: dict[str, float] | None = None,
                    templates: str | Path | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
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
    gen = ArticleWriter(tpl, rng, rates)
    refs = sorted(tpl["phrases"])
    outlets = tpl["outlets"]
    sw = tpl["switch"]
    sw_idx = _month_index(month_list, sw["month"])

    # per outlet x referent x month own-voice stance probabilities
    probs: dict[str, dict[str, list[list[float]]]] = {}
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
    records: list[_Draft] = []
    seq_no = 0

    def month_day(mi: int) -> tuple[int, int, int]:
        y, m = (int(x) for x in month_list[mi].split("-"))
        return y, m, int(rng.integers(1, calendar.monthrange(y, m)[1] + 1))

    # wire stories
    wire_groups: dict[str, list[int]] = {}
    target = round(n_articles * wire_share)
    n_wire = 0
    g = 0
    while n_wire < target:
        size = int(rng.integers(2, 5))
        size = min(size, target - n_wire) if target - n_wire >= 2 else 2
        g += 1
        gid = f"w{g:04d}"
        mi = gen.draw(mw_p)
        y, m, d = month_day(mi)
        base = gen.article({r: tpl["agency"]["style"][r] for r in refs}, mi,
                           n_events=int(rng.integers(2, 4)), n_quotes=int(rng.integers(0, 2)),
                           n_filler=int(rng.integers(2, 4)), scare_rate=0.0)
        base.append([" المصدر: " + tpl["agency"]["name"] + "."])
        carriers = sorted(rng.choice(len(outlets), size=size, replace=False).tolist())
        titles = rng.permutation(len(tpl["titles"]))[:size].tolist()
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
            records.append(_Draft(date, oi, seq_no, title, sents, gid))
            seq_no += 1
            members.append(seq_no - 1)
        wire_groups[gid] = members
        n_wire += size

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
        records.append(_Draft(datetime.date(y, m, d), oi, seq_no, title, sents, None))
        seq_no += 1

    # finish texts (spelling, noise) in generation order, then sort and number
    rows: list[dict[str, Any]] = []
    for draft in records:
        text, plants = gen.finish(draft.sentences, outlets[draft.outlet]["spelling"])
        title_text = "".join(s if isinstance(s, str) else s.text for s in draft.title)
        rows.append({"date": draft.date, "oi": draft.outlet, "seq": draft.seq, "title": title_text, "text": text,
                     "wire_group": draft.wire_group, "plants": plants})
    rows.sort(key=lambda r: (r["date"], r["oi"], r["seq"]))
    documents: dict[str, list[list[Any]]] = {}
    groups: dict[str, dict[str, Any]] = {}
    seq_to_id: dict[int, str] = {}
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
    noise_truth: dict[str, Any] = {
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
        "stance_probs": {key_of[k]: {r: dict(zip(month_list, probs[k][r], strict=True)) for r in refs}
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


def write_demo(directory: str | Path = "data/demo", **kw: Any) -> dict[str, Any]:
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
