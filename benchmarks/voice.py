"""Cost of the voice classifier (framing.text.voice) against normalization alone, on the same text.

Usage: ``python benchmarks/voice.py [--runs N] [--limit DOCS] [--quote-mb MB] [--quotes-only]``

Text: the ``text`` field of ../shared/corpora/saudinewsnet.jsonl.gz when present, else
data/demo/corpus.jsonl; normalized once with the ``search`` profile outside the timing.
Hits: every occurrence (whole word) of a label, alias or category term of the bundled lexicons
(their normalized forms), found outside the timing — what the matcher would hand to the classifier.

Timed, each the median of ``--runs`` interleaved runs:
  floor     ``normalize(text)`` for every document (what every analysis pays anyway)
  voice     ``VoiceIndex(norm)`` for every document and ``classify`` for each of its hits
  voice-all ``VoiceIndex(norm)`` and one ``classify`` per *sentence* of every document (an upper
            bound: every sentence holds a hit)
  count-all ``count_matrix(texts, lexicon, voice="all")``: the real pipeline without the voice
            classifier (all bundled lexicons merged, as benchmarks/run.py does)
  count-own ``count_matrix(texts, lexicon, voice="own")``: the same with the classifier on every
            in-scope match; count-own minus count-all is what the voice costs in practice
Prints seconds (CPU time of this process, so that other load on the machine does not count), the
ratio to the floor, hits, and the voices found.

First, the pairing of quotation marks alone (framing.text.quotes.quote_spans, which VoiceIndex runs on
every text with a mark that it is asked about), on the documents of the first ``--quote-mb`` MB (UTF-8)
of the text (default 10), each the median of 5 interleaved runs, CPU time:
  normalize    ``normalize(text)`` for those documents (the baseline)
  quotes-py    ``quote_spans(norm, engine="python")``: the Python reference (the code before #12's kernel)
  quotes       ``quote_spans(norm)``: the compiled kernel (framing.text.quotescan), compiled beforehand
The spans of both are checked to be equal.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from framing.features.extract import count_matrix
from framing.lexicon.load import list_lexicons, load_lexicon
from framing.text.attribution import attribution_data as _data
from framing.text.normalization import normalize
from framing.text.quotes import QUOTE_CHARS, quote_spans
from framing.text.voice import VoiceIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"


def _texts(limit):
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
            out = [json.loads(line).get("text") or "" for line in f]
        src = CORPUS.name
    else:
        with open(ROOT / "data" / "demo" / "corpus.jsonl", encoding="utf-8") as f:
            out = [json.loads(line).get("text") or "" for line in f]
        src = "data/demo/corpus.jsonl"
    return (out[:limit] if limit else out), src


def _terms():
    forms = set()
    for name in list_lexicons()["name"]:
        lex = load_lexicon(name)
        entries = []
        for ref in lex.referents.values():
            entries += list(ref.aliases)
            for labels in ref.labels.values():
                entries += list(labels)
        for cat in lex.categories.values():
            entries += list(cat.entries)
        for e in entries:
            forms.add(normalize(e.term.rstrip("*")).strip())
    forms.discard("")
    return sorted(forms, key=len, reverse=True)


def _quote_figures(texts, src, mb):
    """The cost of quote_spans, Python and compiled, against normalize() on the first ``mb`` MB."""
    head, size = [], 0
    for t in texts:
        if size >= mb * 1e6:
            break
        head.append(t)
        size += len(t.encode("utf-8"))
    norms = [normalize(t) for t in head]
    spans = [quote_spans(n, engine="python") for n in norms]
    assert [quote_spans(n, engine="numba") for n in norms] == spans, "the engines disagree"

    def run_normalize():
        for t in head:
            normalize(t)

    def run_python():
        for n in norms:
            quote_spans(n, engine="python")

    def run_numba():
        for n in norms:
            quote_spans(n, engine="numba")

    fns = {"normalize": run_normalize, "quotes-py": run_python, "quotes": run_numba}
    runs = {k: [] for k in fns}
    for _ in range(5):
        for k, fn in fns.items():
            t0 = time.process_time()
            fn()
            runs[k].append(time.process_time() - t0)
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"quote_spans: {src}, first {size / 1e6:.1f} MB, {len(head)} documents, "
          f"{sum(1 for n in norms if any(c in n for c in QUOTE_CHARS))} with a mark, {sum(map(len, spans))} spans; "
          "CPU s, median of 5")
    for k in fns:
        print(f"{k:10s} {med[k] * 1000:7.1f} ms   x{med[k] / med['normalize']:.2f} of normalize()")
    print(f"the kernel is {med['quotes-py'] / med['quotes']:.1f}x as fast as the Python reference")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="first N documents only")
    ap.add_argument("--quote-mb", type=float, default=10.0, help="MB of text for the quote_spans figures")
    ap.add_argument("--quotes-only", action="store_true", help="print the quote_spans figures only")
    args = ap.parse_args(argv)
    texts, src = _texts(args.limit)
    _quote_figures(texts, src, args.quote_mb)
    if args.quotes_only:
        return
    norms = [normalize(t) for t in texts]
    terms = _terms()
    pat = re.compile(r"(?<!\w)(?:[وفبلك]|ال|وال|بال|لل)?(?:" + "|".join(map(re.escape, terms)) + r")\w*")
    hits = [[(m.start(), m.end(), m.group().count(" ") + 1) for m in pat.finditer(n)] for n in norms]
    term_re = _data().terminator
    sentences = [[m.start() for m in term_re.finditer(n)] or ([1] if n else []) for n in norms]
    n_hits = sum(map(len, hits))
    n_with = sum(1 for h in hits if h)

    def floor():
        for t in texts:
            normalize(t)

    voices = Counter()

    def voice():
        voices.clear()
        for n, hs in zip(norms, hits, strict=True):
            v = VoiceIndex(n)
            for s, e, w in hs:
                voices[v.classify(s, e, w, evaluative=True)] += 1

    def voice_all():
        for n, ss in zip(norms, sentences, strict=True):
            v = VoiceIndex(n)
            for p in ss:
                q = max(0, p - 1)
                v.classify(q, q + 1, 1, evaluative=True)

    from run import merged_lexicon  # benchmarks/run.py: every bundled lexicon in one

    lexicon = merged_lexicon()[0]
    matches = {}

    def count_all():
        matches["all"] = int(count_matrix(texts, lexicon, voice="all")[0].sum())

    def count_own():
        matches["own"] = int(count_matrix(texts, lexicon, voice="own")[0].sum())

    fns = {"floor": floor, "voice": voice, "voice-all": voice_all, "count-all": count_all,
           "count-own": count_own}
    runs = {k: [] for k in fns}
    for _ in range(args.runs):
        for k, fn in fns.items():
            t0 = time.process_time()
            fn()
            runs[k].append(time.process_time() - t0)
    med = {k: statistics.median(v) for k, v in runs.items()}
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"text: {src}, {len(texts)} documents, {mb:.1f} MB; {n_hits} hits in {n_with} documents; "
          f"{sum(map(len, sentences))} sentences")
    for k in fns:
        print(f"{k:10s} {med[k]:7.2f} s   x{med[k] / med['floor']:.2f} of normalize()")
    print(f"pipeline: {matches['all']} counted matches (voice=all), {matches['own']} in own voice; "
          f"the classifier adds {med['count-own'] - med['count-all']:.2f} s "
          f"(x{(med['count-own'] - med['count-all']) / med['floor']:.2f} of normalize(), "
          f"{(med['count-own'] / med['count-all'] - 1):.0%} of count_matrix)")
    total = sum(voices.values()) or 1
    print("voices of the hits (evaluative=True):",
          ", ".join(f"{v}{' (scare)' if s else ''} {c} ({c / total:.1%})" for (v, s), c in voices.most_common()))


if __name__ == "__main__":
    main()
