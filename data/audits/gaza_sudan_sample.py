"""Draw the audit samples for the gaza and sudan lexicons from the shared corpora (reproducible).

The shared corpora (SaudiNewsNet 2015, ASND Al Jazeera 2016-2020) predate both wars, so with the
lexicons' date scope on no hit counts. This script therefore audits the label matching itself: it
loads each lexicon with its `valid` ranges removed (context and exclude rules kept), extracts the
label hits that count, in every voice, and draws a seeded sample spread over outlets (all hits when
there are fewer than the target). The file has the columns of `framing.reading.audit.RECORD_COLUMNS` (ids,
offsets and the matched words only, no context); `correct` and `note` are filled by hand (a wrong hit's
note starts with what is wrong: referent, stance, voice), then `framing.audit_precision` reads it back.

    .venv/bin/python data/audits/gaza_sudan_sample.py   # writes data/audits/{gaza,sudan}_precision_nodates.csv
                                                        # (unjudged: do not overwrite the judged files)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from framing import audit_sample, extract_matches, read_corpus
from framing.reading.audit import audit_record
from framing.lexicon.load import Lexicon

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
SEED = 2027  # pass 1 (own voice only, before the fixes it led to) used 2026, 12 per outlet
PER_OUTLET = {"gaza": 13, "sudan": 1000}  # sudan: every hit there is


def without_dates(name: str) -> Lexicon:
    """The bundled lexicon with every `valid` range removed (context and exclude rules kept)."""
    data = yaml.safe_load((ROOT / "framing" / "data" / "lexicons" / f"{name}.yaml").read_text(encoding="utf-8"))

    def strip(node):
        if isinstance(node, dict):
            node.pop("valid", None)
            for v in node.values():
                strip(v)
        elif isinstance(node, list):
            for v in node:
                strip(v)

    strip(data)
    return Lexicon.from_dict(data, source=f"{name}.yaml without valid")


def corpus() -> pd.DataFrame:
    parts = [read_corpus(CORPORA / f, errors="collect") for f in ("saudinewsnet.jsonl.gz", "asnd_aljazeera.jsonl.gz")]
    for p, name in zip(parts, ("saudinewsnet", "asnd_aljazeera")):
        p["corpus"] = name
    return pd.concat([p[["corpus", "doc_id", "outlet", "date", "text"]] for p in parts], ignore_index=True)


def main(names) -> None:
    docs = corpus()
    for name in names:
        hits = extract_matches(docs, without_dates(name), voice="all", kinds=("label",), scope="in")
        sample = audit_sample(hits, n=PER_OUTLET[name], seed=SEED, corpus=docs, by="outlet")
        sample["corpus"] = sample["doc_id"].str.split(":").str[0]
        out = Path(__file__).with_name(f"{name}_precision_nodates.csv")
        if out.exists():
            out = out.with_suffix(".new.csv")
        audit_record(sample).to_csv(out, index=False, encoding="utf-8-sig")
        print(f"{name}: {len(hits)} label hits in scope without dates (all voices); sampled {len(sample)} -> {out.name}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["gaza", "sudan"])
