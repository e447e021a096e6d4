"""Build notebook 07 (attention over time, term map, dispersion) the way notebooks/build.py builds the others.

Run from the project root: ``.venv/bin/python notebooks/build_attention.py``. The notebook is committed
with its outputs and validated by nbval like the others.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import LOAD, PARAMS, build  # noqa: E402

NAME = "07_attention_over_time"

CELLS = [
    ("md", """# 7 · Attention over time: how much each outlet covers an actor

**What this measures.** Framing shares say *how* an outlet names an actor; attention says *how much* it
covers it. For each outlet and period: the outlet's documents (all of them, matched or not), the
documents that name the actor at least once (one of its aliases, or a label attached to it, in any
voice: a quotation that names it is coverage too), and the share, with a 95% Wilson interval. This is
Media Cloud's attention view, normalised by each outlet's volume.

**How to read it.** Read a shift in framing next to the coverage it rests on: a label share that moves
while attention collapses rests on a handful of articles. The intervals treat an outlet's documents
as independent; wire copies carried twice make them too narrow, so they are excluded first.

Below: the term map (every word by frequency and by how much more one outlet uses it; click a point for
its lines, right to left) and the dispersion of lexicon terms (Gries' DP: is a term spread over the
outlet's articles or repeated in a few?)."""),
    ("params", PARAMS + '''
FREQ = "MS"         # period: a pandas frequency (MS months, W weeks from Monday, QS quarters)
HIGHLIGHT = None    # an outlet to draw against all the others; None: one panel per outlet'''),
    ("code", LOAD),
    ("code", '''corpus = framing.exclude_copies(corpus, framing.find_duplicates(corpus))
matches = framing.extract_matches(corpus, lexicon, kinds=("alias", "label"), voice="all")
att = framing.attention(corpus, matches, lexicon=lexicon, freq=FREQ)
if len(att):
    referent = REFERENT or att.groupby("referent")["n_mentioning"].sum().idxmax()  # default: the most covered
else:
    referent = None  # attention looks for actors: a lexicon of categories only has none
print(f"{len(corpus)} documents (wire copies excluded); referent: {referent or 'none in this lexicon'}")
att[att["referent"] == referent].head(8).round({"share": 3, "lo": 3, "hi": 3})'''),
    ("md", "Over the whole span, per outlet (counts summed over the periods):"),
    ("code", '''from framing.analyses.coverage import attention_table, plot_attention

attention_table(att).query("referent == @referent").round(3)'''),
    ("code", '''if referent:
    fig, axes = plot_attention(att, referent=referent, highlight=HIGHLIGHT)
else:
    fig = "skipped: no referent"
fig'''),
    ("md", """Attention next to framing: per outlet and period, the share of documents naming the actor and
the share of its labels that delegitimize it (own voice)."""),
    ("code", '''features = framing.extract_features(corpus, lexicon, voice=VOICE)
both = att[att["referent"] == referent][["outlet", "period", "n_docs", "n_mentioning", "share"]]
if features.filter(like=f"label:{referent}:").shape[1]:
    tr = framing.trends(features, freq=FREQ, referent=referent, voice=VOICE)
    delegit = tr[tr["stance"] == "delegitimizing"][["outlet", "period", "share", "total"]]
    delegit = delegit.rename(columns={"share": "delegitimizing_share", "total": "labels"})
    both = both.merge(delegit, on=["outlet", "period"], how="left")
else:
    print(f"{referent} has no labels in this lexicon: attention only")
both.head(10).round({"share": 3, "delegitimizing_share": 3})'''),
    ("md", """**Term map.** Each point is a word (normalized, proclitics stripped). Across: how often the two
sides use it (log scale); up: how much more the chosen outlet uses it than all the others (log-odds z,
Monroe et al. 2008). Lexicon labels are coloured by stance. Hover for counts, click for lines; the menu
chooses the outlet. The same map is in `report.html` of `framing analyze`."""),
    ("code", '''from framing.analyses.termmap import term_map

if corpus["outlet"].nunique() >= 2:
    tm = term_map(corpus, lexicon=lexicon, max_terms=400, lines_per_term=3)
    print(f"{tm.stats['terms']} terms, {tm.stats['lines']} lines, {len(tm.html()) // 1000} kB of HTML")
else:
    tm = "skipped: a term map compares outlets, and this corpus has one"
tm  # shown as HTML (notebooks import only from framing)'''),
    ("md", """**Dispersion.** Beside each lexicon term's counts, `compare_outlets` reports in how many of the
outlet's documents it occurs (`docs`), Gries' DP normalized (`dp_norm`: 0 = spread like the text, 1 =
all in one document) and Juilland's D (1 = even). A term with a high z but a high DP rests on a few
articles."""),
    ("code", '''if features.filter(regex="^(label|cat):").to_numpy().sum() > 0 and corpus["outlet"].nunique() >= 2:
    m = framing.extract_matches(corpus, lexicon)
    cmp = framing.compare_outlets(framing.term_counts(m), min_count=5, dispersion=framing.term_dispersion(corpus, m))
    table = (cmp[["outlet", "referent", "term", "stance", "count", "z", "docs", "dp_norm", "juilland_d"]].head(10).round(3)
             if len(cmp) else "no lexicon term reaches min_count=5")
else:
    table = "skipped: no lexicon term in this corpus, or a single outlet"
table'''),
]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    print("built", build(NAME, CELLS))
