"""Peak memory of streaming feature extraction (framing.scale.extract_features_path).

Usage: ``python benchmarks/memory.py [--sizes 100,1000] [--keep] [--out memory.json]``

For each size (MB) a JSON Lines corpus is generated in /tmp from data/demo/corpus.jsonl repeated with
new ``doc_id`` values, then ``extract_features_path(path, <all bundled lexicons merged>,
batch_size=5000, out=<tmp>.parquet)`` runs in a fresh process under ``/usr/bin/time -v``; the peak
resident set size ("Maximum resident set size") is reported. The generated files are deleted
afterwards unless ``--keep``. ``--in-memory`` also measures the variant that returns the DataFrame.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo" / "corpus.jsonl"

RUN_CODE = """
import sys, time
sys.path.insert(0, {bench!r})
from run import merged_lexicon
from framing.scale import extract_features_path
lex = merged_lexicon()[0]
t = time.perf_counter()
res = extract_features_path({path!r}, lex, batch_size={batch}, out={out!r})
print("rows", len(res) if {out!r} is None else "written", "seconds", time.perf_counter() - t)
"""


def make_corpus(path: Path, megabytes: float) -> int:
    """Write demo records repeated with fresh doc_ids until ``megabytes``; return the record count."""
    records = [json.loads(line) for line in DEMO.open(encoding="utf-8")]
    target = megabytes * 1e6
    size = n = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            for rec in records:
                line = json.dumps(dict(rec, doc_id=f"m{n:09d}"), ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                n += 1
                if size >= target:
                    break
    return n


def peak_rss(path: Path, out: Path | None, batch: int) -> dict:
    time_bin = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"
    code = RUN_CODE.format(bench=str(Path(__file__).resolve().parent), path=str(path),
                           out=None if out is None else str(out), batch=batch)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([time_bin, "-v", sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr).group(1)
    return {"peak_rss_mb": rss_kb / 1024, "wall": wall, "stdout": proc.stdout.strip()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="corpus sizes in MB, comma-separated")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--in-memory", action="store_true", help="also measure returning the DataFrame")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    parser.add_argument("--out", help="write the results as JSON here")
    args = parser.parse_args(argv)
    if not Path("/usr/bin/time").exists():
        sys.exit("needs GNU time: apt-get install time")
    tmp = Path(tempfile.mkdtemp(prefix="framing_mem_"))
    results = []
    try:
        for mb in (float(s) for s in args.sizes.split(",")):
            corpus = tmp / f"corpus_{int(mb)}mb.jsonl"
            t0 = time.perf_counter()
            n = make_corpus(corpus, mb)
            print(f"{corpus}: {n} documents, {corpus.stat().st_size / 1e6:.0f} MB "
                  f"(generated in {time.perf_counter() - t0:.0f} s)", flush=True)
            modes = [("parquet", tmp / "features.parquet")] + ([("in_memory", None)] if args.in_memory else [])
            for mode, out in modes:
                res = peak_rss(corpus, out, args.batch_size)
                res.update(size_mb=corpus.stat().st_size / 1e6, documents=n, mode=mode, batch_size=args.batch_size)
                results.append(res)
                print(f"  {mode}: peak RSS {res['peak_rss_mb']:.0f} MB, wall {res['wall']} ({res['stdout']})",
                      flush=True)
                if out is not None and out.exists():
                    out.unlink()
            if not args.keep:
                corpus.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
