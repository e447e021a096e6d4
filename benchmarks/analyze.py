"""`framing analyze` end to end: cost against the number of outlets, and where the time goes.

Usage: ``python benchmarks/analyze.py [--outlets] [--end-to-end] [--lexicon yemen] [--docs 3000]
[--runs 1] [--out results.json]`` (both parts when neither flag is given).

Text: ../shared/corpora/saudinewsnet.jsonl.gz (31k articles, 105 MB of text) when present, else
data/demo/corpus.jsonl repeated. No article text is copied anywhere but a temporary folder.

1. **Outlets** (``--outlets``): the first ``--docs`` articles written once per outlet count with their
   outlet relabelled round-robin as 12, 240, 400 (issue 14: "did not finish in 3 minutes") and 1,000
   outlets (the same documents and text), then
   ``analyze`` on each, each run in a fresh child process. Printed: seconds and peak memory (the
   child's ``ru_maxrss``) per count, and the ratios to 12 outlets (target for 240: at most 2x).
2. **End to end** (``--end-to-end``): ``analyze`` on the whole corpus with the split of its time
   (reading, wire copies, extraction, writing tables, statistics, charts, report) from
   ``AnalysisResult.timings``, beside ``extract_features`` + ``extract_matches`` alone on the same
   text (the extraction analyze does). MB/s = UTF-8 megabytes of text / seconds. Target: everything
   but extraction at most 3x the extraction.

Each figure is the median of ``--runs`` runs. The machine is shared: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"
FIELDS = ("doc_id", "outlet", "date", "text")


def records(limit: int | None = None):
    """Corpus records (doc_id, outlet, date, text), the first ``limit``."""
    out = []
    if SHARED.exists():
        with gzip.open(SHARED, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                rec = json.loads(line)
                if not isinstance(rec.get("text"), str) or not rec["text"].strip():
                    continue
                out.append({"doc_id": rec.get("doc_id") or f"sn{i}", "outlet": rec.get("outlet") or "?",
                            "date": rec.get("date"), "text": rec["text"]})
                if limit and len(out) >= limit:
                    break
        return out, str(SHARED)
    demo = [json.loads(line) for line in DEMO.open(encoding="utf-8")]
    k = 0
    while not limit or len(out) < limit:
        for rec in demo:
            k += 1
            out.append({"doc_id": f"{rec['doc_id']}-{k}", "outlet": rec["outlet"], "date": rec["date"],
                        "text": rec["text"]})
            if limit and len(out) >= limit:
                break
        if not limit and len(out) >= 30_000:
            break
    return out, f"{DEMO} repeated"


def write(recs, path: Path, n_outlets: int | None = None) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i, rec in enumerate(recs):
            row = rec if n_outlets is None else {**rec, "outlet": f"outlet {i % n_outlets:04d}"}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def run_analyze(path: Path, lexicon: str, out: Path, **kw):
    from framing.pipeline.analyze import analyze

    t0 = time.perf_counter()
    res = analyze(path, lexicon, out, force=True, progress=False, **kw)
    return time.perf_counter() - t0, res


def _child(path: Path, lexicon: str, out: Path, core: bool) -> dict:
    """``analyze`` in a fresh Python process: seconds, timings and that process's peak RSS (MB)."""
    import subprocess

    code = (f"import json, resource, sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
            "from framing.pipeline import analyze as pipeline\n"
            f"if {core!r}: pipeline.REPORT_SECTIONS.clear()\n"
            "t0 = time.perf_counter()\n"
            f"res = pipeline.analyze({str(path)!r}, {lexicon!r}, {str(out)!r}, force=True, progress=False)\n"
            "t = time.perf_counter() - t0\n"
            "print(json.dumps({'seconds': t, 'timings': res.timings, 'charts': len(res.charts),\n"
            "  'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3}))\n")
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"seconds": float("nan"), "timings": {}, "charts": 0, "rss_mb": float("nan"),
                "error": done.stderr.strip().splitlines()[-1:] or ["killed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_outlets(lexicon: str, n_docs: int, runs: int, counts=(12, 240, 400, 1000), core: bool = False) -> dict:
    recs, source = records(n_docs)
    mb = sum(len(r["text"].encode("utf-8")) for r in recs) / 1e6
    print(f"\n== analyze against the number of outlets: {len(recs):,} documents ({mb:.1f} MB) of {source}, "
          f"lexicon {lexicon}, outlets relabelled round-robin")
    res = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for n in counts:
            path = write(recs, tmp / f"c{n}.jsonl", n)
            got = [_child(path, lexicon, tmp / f"out{n}", core) for _ in range(runs)]
            med = statistics.median(g["seconds"] for g in got)
            rss = max(g["rss_mb"] for g in got)
            last = got[-1]
            split = ", ".join(f"{k} {v:.1f}" for k, v in last["timings"].items())
            res[n] = {"seconds": med, "rss_mb": rss, "timings": last["timings"], "charts": last["charts"]}
            if "error" in last:
                res[n]["error"] = last["error"]
            print(f"{n:>6,} outlets: {med:6.1f} s  peak {rss:6,.0f} MB   ({split}; {last['charts']} charts)"
                  + (f"  FAILED: {last['error']}" if "error" in last else ""))
    base = res[counts[0]]
    for n in counts[1:]:
        print(f"ratio {n}/{counts[0]} outlets: time {res[n]['seconds'] / base['seconds']:.2f}x, "
              f"peak memory {res[n]['rss_mb'] / base['rss_mb']:.2f}x"
              + ("   (target for time <= 2x)" if n == 240 else ""))
    return {"documents": len(recs), "mb": mb, "source": source, "lexicon": lexicon,
            "by_outlets": {str(k): v for k, v in res.items()}}


def bench_end_to_end(lexicon: str, runs: int) -> dict:
    import pandas as pd

    from framing import load_lexicon
    from framing.features.extract import extract_features, extract_matches

    recs, source = records(None)
    mb = sum(len(r["text"].encode("utf-8")) for r in recs) / 1e6
    print(f"\n== analyze end to end: {len(recs):,} documents ({mb:.1f} MB of text) of {source}, lexicon {lexicon}")
    lex = load_lexicon(lexicon)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        path = write(recs, tmp / "corpus.jsonl")
        frame = pd.DataFrame(recs)
        frame["date"] = pd.to_datetime(frame["date"], errors="coerce")
        del recs
        ex_times, an_times, last = [], [], None
        for _ in range(runs):
            t0 = time.perf_counter()
            for i in range(0, len(frame), 5000):  # the batches analyze extracts
                batch = frame.iloc[i:i + 5000]
                extract_matches(batch, lex)
                extract_features(batch, lex, voice="own")
            ex_times.append(time.perf_counter() - t0)
            t, last = run_analyze(path, lexicon, tmp / "out")
            an_times.append(t)
    ex, an = statistics.median(ex_times), statistics.median(an_times)
    timings = dict(last.timings)
    extraction = timings.get("extraction", ex)
    rest = an - extraction
    print(f"extraction alone (extract_matches + extract_features): {ex:6.1f} s  {mb / ex:5.2f} MB/s")
    print(f"analyze, whole run:                                    {an:6.1f} s  {mb / an:5.2f} MB/s")
    print("split of analyze:")
    steps = {k: v for k, v in timings.items() if not k.startswith("section ")}
    for k, v in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<28} {v:6.1f} s  {v / an:5.1%}")
        if k == "report":
            for name, sec in timings.items():
                if name.startswith("section "):
                    print(f"    of which {name[8:]:<19} {sec:6.1f} s  (a section added by REPORT_SECTIONS)")
    print(f"  {'(unaccounted)':<28} {an - sum(steps.values()):6.1f} s")
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"peak memory of this process (extraction alone, then analyze): {peak:,.0f} MB; "
          f"wire copies set aside: {last.n_copies}")
    print(f"everything but extraction: {rest:.1f} s = {rest / extraction:.2f}x the extraction inside analyze "
          f"({rest / ex:.2f}x extraction alone); target <= 3x")
    return {"documents": len(frame), "mb": mb, "source": source, "lexicon": lexicon,
            "extraction_alone_s": ex, "analyze_s": an, "timings": timings,
            "rest_over_extraction": rest / extraction, "n_copies": last.n_copies}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--outlets", action="store_true", help="only the outlet-count part")
    p.add_argument("--end-to-end", action="store_true", help="only the end-to-end part")
    p.add_argument("--lexicon", default="yemen")
    p.add_argument("--docs", type=int, default=3000, help="documents for the outlet-count part")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--core", action="store_true",
                   help="without the report sections other modules add (framing.pipeline.analyze.REPORT_SECTIONS)")
    p.add_argument("--out", help="write the results as JSON here")
    a = p.parse_args(argv)
    both = not (a.outlets or a.end_to_end)
    if a.core:
        from framing.pipeline import analyze as pipeline

        pipeline.REPORT_SECTIONS.clear()
        print("core analysis only: REPORT_SECTIONS cleared")
    results = {}
    if a.outlets or both:
        results["outlets"] = bench_outlets(a.lexicon, a.docs, a.runs, core=a.core)
    if a.end_to_end or both:
        results["end_to_end"] = bench_end_to_end(a.lexicon, a.runs)
    if a.out:
        Path(a.out).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
