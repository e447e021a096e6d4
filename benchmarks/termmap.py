"""Time to build the interactive term map of a whole corpus, and the size of its HTML.

Usage: ``python benchmarks/termmap.py [--corpus PATH] [--lexicon yemen] [--max-terms 3000] [--runs 1]
[--memory [--old-root DIR]]``

Corpus: ../shared/corpora/saudinewsnet.jsonl.gz when present (31k articles, 14 outlets), else the demo
corpus. Prints the time of each stage (word counts, log-odds comparisons of every outlet against the
rest, KWIC line sampling), the total, the HTML size, and two baselines for scale:

  * ``term_counts(vocabulary="all", ngram_range=(1, 1))`` alone (the counting floor the map needs), and
  * ``normalize(text)`` of every document (the floor of any pass over the text).

With ``--memory`` (issue 14): the peak memory the map adds, each figure measured in a fresh child process
(the peak resident size, VmHWM, reset once the texts are loaded; Linux) on the sample
``framing analyze`` maps (``TERMMAP_SAMPLE_CHARS``, 20 million characters, drawn with ``TextSample`` as
analyze draws it), side by side with the route the map took before issue 14's change (an
``all_term_counts`` long table + ``compare_outlets`` of every outlet against the rest):

  * ``term_map(...)`` + ``.html()`` of this tree,
  * the old route's counting and comparisons alone (a floor of what the old map needed), and
  * with ``--old-root DIR`` (a checkout of an older commit, e.g. ``git archive <commit> | tar -x -C DIR``),
    ``term_map(...)`` + ``.html()`` of that tree, measured the same way.

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
    ap.add_argument("--memory", action="store_true", help="only the peak memory, new and old routes side by side")
    ap.add_argument("--old-root", default=None, help="with --memory: also the term map of this older checkout")
    args = ap.parse_args(argv)
    if args.memory:
        return memory(args.corpus, args.lexicon, args.old_root)

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


_CHILD = """
import gc, pickle, sys, time
sys.path.insert(0, {root!r})
from framing.analyses.compare import compare_outlets
from framing.analyses.termmap import term_map
from framing.features.terms import all_term_counts
frame = pickle.load(open({path!r}, "rb"))
term_map(frame.iloc[::400], lexicon={lexicon!r}).html()  # imports and lazy tables loaded before measuring
compare_outlets(all_term_counts(frame.iloc[::400], ["outlet"], ngram_range=(1, 1)), method="log_odds")
gc.collect()
with open("/proc/self/clear_refs", "w") as fh:  # the peak so far (unpickling) forgotten: VmHWM = resident now
    fh.write("5")
def hwm():
    with open("/proc/self/status") as fh:
        return next(int(x.split()[1]) for x in fh if x.startswith("VmHWM"))
base = hwm()
t = time.perf_counter()
if {kind!r} == "new":
    term_map(frame, lexicon={lexicon!r}).html()
else:
    compare_outlets(all_term_counts(frame, ["outlet"], ngram_range=(1, 1)), method="log_odds")
print((hwm() - base) / 1e3, time.perf_counter() - t)
"""


def memory(corpus: str, lexicon: str, old_root: str | None = None) -> int:
    """Peak memory the term map adds on analyze's sample, new route and old route, each in a fresh process."""
    import pickle
    import subprocess
    import tempfile

    import framing
    from framing.output.textsample import TextSample
    from framing.output.views import TERMMAP_SAMPLE_CHARS

    sample = TextSample(TERMMAP_SAMPLE_CHARS)
    for batch in framing.iter_corpus(framing.demo.paths.resolve_corpus(corpus), batch_size=5000, errors="collect"):
        sample.add(batch[["doc_id", "outlet", "text"]])
    frame = sample.frame()
    chars = int(frame["text"].str.len().sum())
    print(f"sample: {len(frame):,} of {sample.n_docs:,} documents, {chars / 1e6:.1f} million characters "
          f"(TERMMAP_SAMPLE_CHARS {TERMMAP_SAMPLE_CHARS:,}), {frame['outlet'].nunique()} outlets")
    with tempfile.TemporaryDirectory() as tmp:  # the texts go to a temporary folder only
        path = Path(tmp) / "sample.pkl"
        with open(path, "wb") as fh:
            pickle.dump(frame, fh)
        del frame, sample
        runs = [(str(ROOT), "new", "term_map + html, this tree"),
                (str(ROOT), "old", "old route: all_term_counts + compare_outlets alone")]
        if old_root:
            runs.append((str(Path(old_root).resolve()), "new", f"term_map + html of {old_root}"))
        for root, kind, what in runs:
            code = _CHILD.format(root=root, path=str(path), kind=kind, lexicon=lexicon)
            done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                                  check=False)
            if done.returncode:
                print(f"  {what}: FAILED {done.stderr.strip().splitlines()[-1:]}")
                continue
            mb, sec = map(float, done.stdout.split())
            print(f"  {what:55s} peak +{mb:5.0f} MB  ({sec:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
