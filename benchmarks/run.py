"""Throughput of framing's feature extraction against baselines run side by side on the same text.

Usage: ``python benchmarks/run.py [--quick] [--runs N] [--out results.json] [--dask]``

Text: the ``text`` field of ../shared/corpora/saudinewsnet.jsonl.gz when present (31k articles,
about 105 MB of UTF-8), else data/demo/corpus.jsonl repeated to at least 100 MB. ``--quick`` uses the
first 10 MB. MB/s = UTF-8 megabytes (10^6 bytes) of text / seconds; each figure is the median of
``--runs`` timed runs, and the methods are timed in interleaved rounds (a, b, c, d, e, a, b, ...) so
that load from other processes on the machine hits all of them alike.

Lexicon: every bundled lexicon merged into one (categories and referents prefixed with the lexicon
name; linkers and titles pooled; window = the largest), so that one pass serves all of them.

Methods (all start from the raw text and all normalize it with the ``search`` profile):
  a  framing, every bundled lexicon merged: ``count_matrix(texts, lexicon)`` (normalize, match whole
     words with clitics and inflection, attach labels to referents, apply the scope rules, classify
     the voice of every counted match, count features, count tokens) — what ``extract_features`` runs
  f  framing, the ``libya`` lexicon alone: ``count_matrix(texts, "libya")``, the same full extraction
  a_numpy, f_numpy  the same with the previous scanner (``framing.lexicon.scan.ENGINE = "numpy"``:
     numpy passes and pyahocorasick) instead of the compiled one (numba, the default): before / after
  lex_<name>, lex_<name>_numpy  each bundled lexicon alone, both scanners
  b  floor: ``normalize(text)`` per text, nothing else
  c  scikit-learn ``CountVectorizer(vocabulary=<surface forms>, ngram_range=(1, 3),
     tokenizer=str.split, token_pattern=None, lowercase=False)``; ``transform`` of the normalized
     texts (the vectorizer is built once, outside the timing)
  d  one regex alternation of the surface forms, longest first, between ``(?<!\\w)`` and ``(?!\\w)``;
     ``len(findall(normalized))`` per text
  e  ``normalized.count(form)`` for every surface form, per text (on text with non-word characters
     blanked and padded, counting `` form ``)
The surface forms are the keys of the compiled automaton: every clitic / inflection form of every
category term, label, alias, title and linker. Baselines c-e count surface forms only: they neither
attach labels to referents nor look at quotes, so they do less than (a).

Every method is timed twice in each round: wall clock, and CPU seconds of this process
(``time.process_time``; every method runs on one thread). On a shared machine the CPU-time ratios are
the steadier figure: other jobs stretch the wall clock of whichever method they happen to overlap.

The figure issue 12 asks for is "extraction / normalization": the speed of a full extraction divided by
the speed of the bare normalization pass over the same text (a/b and f/b; >= 0.6 wanted). Both sides
run in the same interleaved rounds, so that they see the same machine.

Slow baselines (d, e) run on a prefix of the text (``--baseline-mb``, default 0.5 MB) so the benchmark
finishes; their MB/s is measured on that prefix.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "corpora" / "saudinewsnet.jsonl.gz"
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"


def load_texts(limit_mb: float | None):
    """(texts, source description) — the text field only."""
    texts, size = [], 0
    limit = None if limit_mb is None else limit_mb * 1e6
    if SHARED.exists():
        source = str(SHARED)
        with gzip.open(SHARED, "rt", encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text")
                if isinstance(text, str) and text.strip():
                    texts.append(text)
                    size += len(text.encode("utf-8"))
                    if limit is not None and size >= limit:
                        break
        return texts, source
    demo = [json.loads(line)["text"] for line in DEMO.open(encoding="utf-8")]
    target = limit if limit is not None else 100e6
    while size < target:
        for text in demo:
            texts.append(text)
            size += len(text.encode("utf-8"))
            if size >= target:
                break
    return texts, f"{DEMO} repeated"


MERGE_DROPPED = [0]


def merged_lexicon():
    """All bundled lexicons as one Lexicon, and the list of their names."""
    import yaml

    from framing.lexicon.load import Lexicon, bundled_dir, bundled_names

    names = bundled_names()
    merged = {"name": "all_bundled", "window": 1, "linkers": [], "titles": [], "categories": {},
              "referents": {}}
    seen = {"linkers": set(), "titles": set()}
    for name in names:
        data = yaml.safe_load((bundled_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
        merged["window"] = max(merged["window"], int(data.get("window", 1)))
        for key in ("linkers", "titles"):
            for item in data.get(key) or []:
                term = item if isinstance(item, str) else item["term"]
                if term not in seen[key]:
                    seen[key].add(term)
                    merged[key].append(item)
        for key in ("categories", "referents"):
            for sub, body in (data.get(key) or {}).items():
                merged[key][f"{name}__{sub}"] = body
    # a term bundled in two lexicons (e.g. a hedge in two category lists) is ambiguous once merged:
    # keep its first place and drop the later duplicate, as the validator points to it
    from framing.errors import LexiconError

    for dropped in range(500):
        try:
            lex = Lexicon.from_dict(merged, source="<all bundled lexicons>")
            MERGE_DROPPED[0] = dropped
            return lex, names
        except LexiconError as exc:
            if not exc.where or not _drop(merged, exc.where):
                raise
    raise RuntimeError("could not merge the bundled lexicons")


def _drop(data, where: str) -> bool:
    """Remove the list item at a validator path such as ``categories.x.terms[3]``."""
    m = re.fullmatch(r"(.+)\[(\d+)\]", where)
    if not m:
        return False
    node = data
    for part in m.group(1).split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if not isinstance(node, list) or int(m.group(2)) >= len(node):
        return False
    del node[int(m.group(2))]
    return True


def surface_forms(compiled) -> list[str]:
    return sorted(k.strip() for k in compiled.automaton)


def timed(fn, *args):
    """(wall seconds, CPU seconds of this process) of ``fn(*args)``."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0


def subprocess_seconds(code: str, runs: int, **env_extra: str) -> float:
    """Median of what ``code`` prints (seconds) in fresh interpreters."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **env_extra)
    vals = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        vals.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(vals)


IMPORT_CODE = "import time; t = time.perf_counter(); import framing; print(time.perf_counter() - t)"
COMPILE_CODE = """
import time
from framing.lexicon.load import bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
t = time.perf_counter()
for name in bundled_names():
    compile_lexicon(load_lexicon(name))
print(time.perf_counter() - t)
"""
COMPILE_ONLY_CODE = """
import time
from framing.lexicon.load import bundled_names, load_lexicon
from framing.lexicon.matcher import compile_lexicon
lexicons = [load_lexicon(name) for name in bundled_names()]
t = time.perf_counter()
for lex in lexicons:
    compile_lexicon(lex)
print(time.perf_counter() - t)
"""
MERGED_COMPILE_CODE = """
import sys, time
sys.path.insert(0, {bench!r})
from run import merged_lexicon
from framing.lexicon.matcher import compile_lexicon
t = time.perf_counter()
compile_lexicon(merged_lexicon()[0])
print(time.perf_counter() - t)
"""

IMPORT_NUMBA_CODE = "import time; t = time.perf_counter(); import numba; print(time.perf_counter() - t)"
# the first count in a fresh interpreter: numba imported, the kernels compiled (or loaded from numba's
# cache: the scanner and, for a counted match, the voice's passes), the character tables built; lexicon
# loaded and compiled before the timing
FIRST_COUNT_CODE = """
import time
from framing.features.extract import count_matrix
from framing.lexicon.load import load_lexicon
from framing.lexicon.matcher import compile_lexicon
lexicon = load_lexicon("libya")
compile_lexicon(lexicon)  # (kept with the lexicon: count_matrix reuses it)
t = time.perf_counter()
count_matrix(["قال المتحدث: «ميليشيات حفتر انسحبت». وتقدمت ميليشيات حفتر بحسب بيان"], lexicon)
print(time.perf_counter() - t)
"""


def bench_first_call(runs: int) -> dict:
    """Import and first-call costs of the compiled scanner, in fresh interpreters: without numba's cache
    (an empty cache folder: the kernel is compiled) and with it (loaded)."""
    out = {"import_numba_s": subprocess_seconds(IMPORT_NUMBA_CODE, runs)}
    with tempfile.TemporaryDirectory(prefix="framing_numba_") as cache:
        cold = []
        for k in range(runs):
            cold.append(subprocess_seconds(FIRST_COUNT_CODE, 1, NUMBA_CACHE_DIR=f"{cache}/{k}"))
        out["first_count_compile_s"] = statistics.median(cold)
        out["first_count_cached_s"] = subprocess_seconds(FIRST_COUNT_CODE, runs, NUMBA_CACHE_DIR=f"{cache}/0")
    return out


def with_engine(engine: str, fn, *args):
    """Run ``fn(*args)`` with ``framing.lexicon.scan.ENGINE`` set to ``engine``."""
    from framing.lexicon import scan

    saved = scan.ENGINE
    scan.ENGINE = engine
    try:
        return fn(*args)
    finally:
        scan.ENGINE = saved


def bench_throughput(texts, baseline_texts, runs: int):
    import numpy as np

    from framing.features.extract import count_matrix
    from framing.lexicon.automaton import build_automaton
    from framing.lexicon.load import load_lexicon
    from framing.lexicon.matcher import compile_lexicon
    from framing.text.normalization import normalize

    lex, names = merged_lexicon()
    compiled = compile_lexicon(lex)
    libya = load_lexicon("libya")
    compile_lexicon(libya)
    singles = {name: load_lexicon(name) for name in names}
    tables = {}
    for name, one in [("all_bundled", lex), *singles.items()]:
        forms = compile_lexicon(one)
        keys = [""] * forms.n_keys
        for key, number in forms.automaton.items():
            keys[number] = key
        t0 = time.perf_counter()
        build_automaton(keys)
        tables[name] = {"states": forms.tables.n_states, "classes": forms.tables.n_classes,
                        "mb": forms.tables.nbytes / 1e6, "build_s": time.perf_counter() - t0}
    forms = surface_forms(compiled)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    mb_base = sum(len(t.encode("utf-8")) for t in baseline_texts) / 1e6

    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(vocabulary=forms, ngram_range=(1, 3), tokenizer=str.split,
                                 token_pattern=None, lowercase=False, dtype=np.int64)
    vectorizer.fit([])  # vocabulary given: nothing learned
    alternation = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                             + r")(?!\w)")
    nonword = re.compile(r"\W")
    padded = [f" {f} " for f in forms]

    def a(ts):
        count_matrix(ts, lex)

    def f(ts):
        count_matrix(ts, libya)

    def b(ts):
        for t in ts:
            normalize(t)

    def single(name, engine):
        return lambda ts: with_engine(engine, count_matrix, ts, singles[name])

    def c(ts):
        vectorizer.transform([normalize(t) for t in ts])

    def d(ts):
        for t in ts:
            len(alternation.findall(normalize(t)))

    def e(ts):
        for t in ts:
            view = " " + nonword.sub(" ", normalize(t)) + " "
            [view.count(p) for p in padded]

    # agreement check (not timed): how many surface-form hits each method sees on a sample
    sample = texts[:300]
    hits_c = int(vectorizer.transform([normalize(t) for t in sample]).sum())
    hits_d = sum(len(alternation.findall(normalize(t))) for t in sample)
    counts_a, _ = count_matrix(sample, lex)

    # warm: numba's kernel loaded, the character tables and the voice data built once
    count_matrix(sample, libya)
    for one in singles.values():
        count_matrix(sample, one)
    with_engine("numpy", count_matrix, sample, libya)
    methods = {"a_framing": (a, texts, mb), "f_framing_libya": (f, texts, mb), "b_normalize": (b, texts, mb),
               "a_numpy": (lambda ts: with_engine("numpy", a, ts), texts, mb),
               "f_numpy": (lambda ts: with_engine("numpy", f, ts), texts, mb),
               "c_sklearn": (c, texts, mb),
               "d_regex": (d, baseline_texts, mb_base), "e_str_count": (e, baseline_texts, mb_base)}
    for name in names:
        methods[f"lex_{name}"] = (single(name, "numba"), texts, mb)
        methods[f"lex_{name}_numpy"] = (single(name, "numpy"), texts, mb)
    times: dict[str, list[float]] = {k: [] for k in methods}
    cpu: dict[str, list[float]] = {k: [] for k in methods}
    for r in range(runs):
        for key, (fn, ts, _) in methods.items():
            wall, used = timed(fn, ts)
            times[key].append(wall)
            cpu[key].append(used)
            print(f"  round {r + 1}/{runs} {key}: {methods[key][2] / wall:.1f} MB/s ({methods[key][2] / used:.1f} "
                  "MB per CPU second)", flush=True)
    rates = {k: methods[k][2] / statistics.median(v) for k, v in times.items()}
    # the same rates per CPU second of this process: the single-core work, less exposed to other jobs
    # taking the cores (every method runs on one thread; numba's kernel starts none)
    cpu_rates = {k: methods[k][2] / statistics.median(v) for k, v in cpu.items()}
    return {
        "lexicons": names, "lexicon_mode": f"merged into one lexicon ({MERGE_DROPPED[0]} duplicate terms dropped)",
        "surface_forms": len(forms),
        "mb": mb, "mb_baselines_d_e": mb_base, "documents": len(texts), "runs": runs,
        "mb_per_s": rates,
        "seconds": times,
        "automaton_tables": tables,
        "single_lexicon_ratios": {name: {"numba": rates[f"lex_{name}"] / rates["b_normalize"],
                                         "numpy": rates[f"lex_{name}_numpy"] / rates["b_normalize"],
                                         "numba_cpu": cpu_rates[f"lex_{name}"] / cpu_rates["b_normalize"],
                                         "numpy_cpu": cpu_rates[f"lex_{name}_numpy"] / cpu_rates["b_normalize"]}
                                  for name in names},
        "mb_per_cpu_s": cpu_rates,
        "cpu_seconds": cpu,
        "ratios_cpu": {"a/b": cpu_rates["a_framing"] / cpu_rates["b_normalize"],
                       "f/b": cpu_rates["f_framing_libya"] / cpu_rates["b_normalize"],
                       "a/b numpy": cpu_rates["a_numpy"] / cpu_rates["b_normalize"],
                       "f/b numpy": cpu_rates["f_numpy"] / cpu_rates["b_normalize"]},
        "ratios": {"a/b": rates["a_framing"] / rates["b_normalize"],
                   "f/b": rates["f_framing_libya"] / rates["b_normalize"],
                   "a/b numpy": rates["a_numpy"] / rates["b_normalize"],
                   "f/b numpy": rates["f_numpy"] / rates["b_normalize"],
                   "a/c": rates["a_framing"] / rates["c_sklearn"],
                   "a/d": rates["a_framing"] / rates["d_regex"],
                   "a/e": rates["a_framing"] / rates["e_str_count"]},
        "sample_check": {"documents": len(sample), "framing_features": int(counts_a.sum()),
                         "sklearn_form_hits": hits_c, "regex_form_hits": hits_d},
    }


def bench_dask(texts, runs: int):
    """Seconds for read_corpus_dask + dask_extract_features + dask_label_counts, 1 vs 2 workers."""
    import pandas as pd

    from framing.scale.dask import cluster, dask_extract_features, dask_label_counts, read_corpus_dask

    lex, _ = merged_lexicon()
    tmp = Path(tempfile.mkdtemp(prefix="framing_bench_"))
    n_parts = 16
    step = -(-len(texts) // n_parts)
    for k in range(n_parts):
        chunk = texts[k * step:(k + 1) * step]
        pd.DataFrame({"doc_id": [f"d{k}-{i}" for i in range(len(chunk))],
                      "outlet": [f"outlet{i % 14}" for i in range(len(chunk))],
                      "date": pd.Timestamp("2015-01-01"), "text": chunk}).to_parquet(tmp / f"part-{k:02d}.parquet")
    out = {}
    try:
        for workers in (1, 2):
            with cluster(workers=workers) as client:
                client.run(lambda: __import__("framing.lexicon.matcher"))  # warm the worker imports
                vals = []
                for _ in range(runs):
                    t0 = time.perf_counter()
                    feats = dask_extract_features(read_corpus_dask(tmp), lex)
                    dask_label_counts(feats, by=["outlet"])
                    vals.append(time.perf_counter() - t0)
                out[f"workers_{workers}_s"] = statistics.median(vals)
                print(f"  dask {workers} worker(s): {out[f'workers_{workers}_s']:.1f} s", flush=True)
    finally:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
    out["speedup_2_vs_1"] = out["workers_1_s"] / out["workers_2_s"]
    out["partitions"] = n_parts
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 MB of text instead of the whole corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-mb", type=float, default=0.5, help="text for the slow baselines d and e")
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--dask", action="store_true", help="also time the Dask path, 2 workers vs 1")
    parser.add_argument("--dask-only", action="store_true", help="only time the Dask path")
    parser.add_argument("--analyze", action="store_true",
                        help="also time `framing analyze` end to end on the same corpus beside its extraction "
                             "(benchmarks/analyze.py --end-to-end)")
    args = parser.parse_args(argv)

    texts, source = load_texts(10 if args.quick else None)
    base_n, size = 0, 0
    while base_n < len(texts) and size < args.baseline_mb * 1e6:
        size += len(texts[base_n].encode("utf-8"))
        base_n += 1
    print(f"text: {source}: {len(texts)} documents, {sum(len(t.encode()) for t in texts) / 1e6:.1f} MB", flush=True)
    results = {"source": source, "python": sys.version.split()[0], "cpus": os.cpu_count()}
    results["import_s"] = subprocess_seconds(IMPORT_CODE, 5)
    results["compile_all_bundled_s"] = subprocess_seconds(COMPILE_CODE, 3)
    results["compile_only_all_bundled_s"] = subprocess_seconds(COMPILE_ONLY_CODE, 3)
    results["compile_merged_s"] = subprocess_seconds(
        MERGED_COMPILE_CODE.format(bench=str(Path(__file__).resolve().parent)), 3)
    results["first_call"] = bench_first_call(3)
    if args.dask_only:
        results["dask"] = bench_dask(texts, max(1, args.runs - 1))
        print(results["dask"])
        return results
    results["throughput"] = bench_throughput(texts, texts[:base_n], args.runs)
    if args.dask:
        results["dask"] = bench_dask(texts, max(1, args.runs - 1))

    tp = results["throughput"]
    print(f"\nlexicons: {', '.join(tp['lexicons'])} ({tp['lexicon_mode']}; {tp['surface_forms']} surface forms)")
    print(f"text: {tp['mb']:.1f} MB, {tp['documents']} documents; d and e on {tp['mb_baselines_d_e']:.1f} MB; "
          f"median of {tp['runs']} runs")
    for key, rate in tp["mb_per_s"].items():
        print(f"  {key:<12} {rate:8.2f} MB/s")
    for key, ratio in tp["ratios"].items():
        print(f"  {key:<5} {ratio:8.2f}")
    print("extraction / normalization (speed of a full extraction over the speed of the bare normalization "
          "pass, same text, same rounds; issue 12 asks >= 0.6):")
    print("wall clock / CPU time:               compiled scanner (numba)   previous (numpy + pyahocorasick)")
    rw, rc = tp["ratios"], tp["ratios_cpu"]
    print(f"  all bundled lexicons merged (a/b): {rw['a/b']:6.2f} / {rc['a/b']:4.2f} {rw['a/b numpy']:18.2f} / "
          f"{rc['a/b numpy']:4.2f}")
    print(f"  libya lexicon (f/b):               {rw['f/b']:6.2f} / {rc['f/b']:4.2f} {rw['f/b numpy']:18.2f} / "
          f"{rc['f/b numpy']:4.2f}")
    for name, r in tp["single_lexicon_ratios"].items():
        print(f"  {name + ' alone:':<33} {r['numba']:6.2f} / {r['numba_cpu']:4.2f} {r['numpy']:18.2f} / "
              f"{r['numpy_cpu']:4.2f}")
    print("automaton tables of the compiled scanner (dense transitions over the key characters):")
    for name, t in tp["automaton_tables"].items():
        print(f"  {name:<12} {t['states']:>7} states x {t['classes']:>2} classes: {t['mb']:6.1f} MB, "
              f"built in {t['build_s']:.3f} s")
    fc = results["first_call"]
    print(f"compiled scanner and voice passes, fresh interpreter: import numba {fc['import_numba_s'] * 1000:.0f} ms; "
          f"first count {fc['first_count_compile_s']:.2f} s compiling the kernels (empty numba cache), "
          f"{fc['first_count_cached_s']:.2f} s loading them from the cache (both with import numba; medians)")
    print(f"  sample check: {tp['sample_check']}")
    print(f"import framing: {results['import_s'] * 1000:.0f} ms (fresh interpreter, median of 5)")
    print(f"load + compile all bundled lexicons: {results['compile_all_bundled_s']:.3f} s one by one; "
          f"compile only (automata, lexicons loaded): {results['compile_only_all_bundled_s']:.3f} s; "
          f"merged lexicon compile: {results['compile_merged_s']:.3f} s (fresh interpreters, median of 3)")
    if "dask" in results:
        d = results["dask"]
        print(f"dask: 1 worker {d['workers_1_s']:.1f} s, 2 workers {d['workers_2_s']:.1f} s, "
              f"speedup {d['speedup_2_vs_1']:.2f}x")
    if args.analyze:  # issue 11: analyze's throughput beside extraction's, on the same text
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import analyze as analyze_bench

        results["analyze"] = analyze_bench.bench_end_to_end("yemen", max(1, args.runs - 2))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
