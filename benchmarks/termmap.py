"""Time to build the interactive term map of a whole corpus, and the size of its HTML.

Usage: ``python benchmarks/termmap.py [--corpus PATH] [--lexicon yemen] [--max-terms 3000] [--runs 1]``

Corpus: ../shared/corpora/saudinewsnet.jsonl.gz when present (31k articles, 14 outlets), else the demo
corpus. Prints the time of each stage (word counts, log-odds comparisons of every outlet against the
rest, KWIC line sampling), the total, the HTML size, and two baselines for scale:

  * ``term_counts(vocabulary="all", ngram_range=(1, 1))`` alone (the counting floor the map needs), and
  * ``normalize(text)`` of every document (the floor of any pass over the text).

Figures are printed, not asserted (the machine is shared; see docs/design.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SAUDI = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"


def main(argv=None) -> int:
    import framing
    from framing.analyses.compare import term_counts
    from framing.analyses.termmap import term_map
    from framing.text.normalization import normalize

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SAUDI) if SAUDI.exists() else "demo")
    ap.add_argument("--lexicon", default="yemen")
    ap.add_argument("--max-terms", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", default=None, help="write the term map page here")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    corpus = framing.read_corpus(framing.demo.paths.resolve_corpus(args.corpus), errors="collect")
    t_read = time.perf_counter() - t
    mb = sum(len(x.encode("utf-8")) for x in corpus["text"]) / 1e6
    print(f"corpus: {args.corpus}: {len(corpus)} documents, {corpus['outlet'].nunique()} outlets, "
          f"{mb:.1f} MB of text (read in {t_read:.1f} s)")

    builds, floors, norms = [], [], []
    tm = None
    for _ in range(args.runs):
        t = time.perf_counter()
        for text in corpus["text"]:
            normalize(text)
        norms.append(time.perf_counter() - t)
        t = time.perf_counter()
        term_counts(corpus, vocabulary="all", ngram_range=(1, 1))
        floors.append(time.perf_counter() - t)
        t = time.perf_counter()
        tm = term_map(corpus, lexicon=args.lexicon, max_terms=args.max_terms)
        html = tm.html()
        builds.append(time.perf_counter() - t)
    size = len(html.encode("utf-8"))
    build = statistics.median(builds)
    floor = statistics.median(floors)
    norm = statistics.median(norms)
    s = tm.stats
    print(f"term map: {s['terms']} terms drawn of {s['vocabulary']} word types, {len(tm.comparisons)} comparisons, "
          f"{s['lines']} KWIC lines (documents read for lines: {s['documents_scanned_for_lines']})")
    print(f"  stages (last run): counts {s['seconds']['count']:.1f} s, compare {s['seconds']['compare']:.1f} s, "
          f"lines {s['seconds']['lines']:.1f} s")
    print(f"  build + HTML: {build:.1f} s (median of {len(builds)}); HTML {size / 1e6:.2f} MB")
    print(f"  baseline term_counts(all, unigrams): {floor:.1f} s -> map / counts = {build / floor:.2f}x")
    print(f"  baseline normalize every document: {norm:.1f} s -> map / normalize = {build / norm:.2f}x")
    if args.out:
        tm.save(args.out)
        print(f"  wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
