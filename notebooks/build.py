"""Build the analysis notebooks from their cell sources and execute them, storing the outputs.

Run from the project root: ``.venv/bin/python notebooks/build.py``. The notebooks are committed with
their outputs; ``make test`` re-executes them under nbval (strict) and compares. Edit the cells here,
rebuild, and commit both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

HERE = Path(__file__).resolve().parent

PARAMS = '''# Parameters: the corpus (a path, or "demo" for the bundled synthetic corpus) and the lexicon
# (a bundled name such as "libya", or a path to a YAML file). papermill can set them:
#   papermill -p CORPUS my.jsonl -p LEXICON libya notebooks/NAME.ipynb out.ipynb
CORPUS = "demo"
LEXICON = "libya"'''

LOAD = '''%matplotlib inline
import framing

corpus = framing.read_corpus(framing.demo.resolve_corpus(CORPUS), errors="collect")
lexicon = framing.load_lexicon(LEXICON)
print(f"read {corpus.attrs['n_read']} · accepted {len(corpus)} · rejected {len(corpus.attrs['rejects'])}")
lexicon'''

NOTEBOOKS = {
    "01_quickstart": [
        ("md", """# 1 · Quick start: load a corpus, match a lexicon, read the hits

**What this measures.** Each article is normalized (diacritics, tatweel, alef forms, Persian-keyboard
letters, invisible marks…), and every term of the lexicon is looked for as a whole word, with its
clitics (و ف ب ك ل ال لل …) and plural/dual/feminine endings. A *label* (ميليشيا, قوات, الجيش…) counts
only when it names one of the lexicon's actors (an alias follows it, maybe through a title or a linker
such as «الموالية لـ», or the label names the actor by itself). Each hit knows whether it stands in the
outlet's own words or inside quotation marks.

**How to read it.** The match table has one row per hit with its exact span in the original text. The
concordance (KWIC) shows the words around each hit, right to left, as the outlet wrote them."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", 'corpus[["doc_id", "outlet", "date", "title"]].head(5)'),
        ("code", 'corpus.groupby("outlet").size().rename("articles").to_frame()'),
        ("md", "The lexicon's entries, each with a note saying what it means and why it has its stance:"),
        ("code", 'lexicon.entries().query("kind == \'label\' and referent == \'haftar_camp\'")[["stance", "term", "variants", "note"]]'),
        ("md", "Matching one sentence written with a clitic, a plural, a diacritic and a title:"),
        ("code", '''sentence = "قالت الوزارة إن وميليشيات حفتر قصفت المدينة، وإن «قوات اللواء المتقاعد خليفة حفتر» انسحبت."
[(m.surface, m.referent, m.stance, m.quoted, m.scare_quoted) for m in framing.find_matches(sentence, lexicon)]'''),
        ("md", "Every hit in the corpus, one row each:"),
        ("code", '''matches = framing.extract_matches(corpus, lexicon)
print(f"{len(matches)} matches in {matches['doc_id'].nunique()} documents")
matches[["doc_id", "outlet", "surface", "kind", "referent", "stance", "quoted", "scare_quoted"]].head(10)'''),
        ("code", '''matches.query("kind == 'label'").groupby(["referent", "stance"]).size().unstack(fill_value=0)'''),
        ("md", "The text behind the numbers: a concordance of «ميليشيا» (every spelling and form), right to left:"),
        ("code", 'framing.kwic(corpus, "ميليشيا", lexicon=lexicon, window=6, max_rows=8)'),
        ("md", "A plain word works too, matched the same way (clitics, endings, spelling):"),
        ("code", 'framing.kwic(corpus, "طرابلس", window=5, max_rows=5)'),
    ],
    "02_compare_outlets": [
        ("md", """# 2 · Compare outlets: label shares, legitimacy, distinctive terms, distances

**What this measures.** For each outlet and actor, the share of the labels in the outlet's *own voice*
(quotations excluded) that delegitimize, stay neutral or legitimize; the legitimacy index
(legitimizing − delegitimizing) / all labels; which terms each outlet uses more than the others
(log-odds ratio with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008); and how far apart
the outlets' label distributions are (Jensen–Shannon distance).

**How to read it.** Whiskers and `lo`/`hi` are 95% intervals from a bootstrap over *articles* (the
sampling unit: labels in one article are not independent). Wire copies (agency text carried by several
outlets) are excluded first, so an outlet is judged on its own writing. In the Fightin'-Words chart,
terms outside the grey band (|z| > 1.96) are used distinctly more (top) or less (bottom)."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("md", "Wire copies: the demo's articles are short, so a copy with one sentence cut and one added is "
               "found with a low Jaccard threshold restricted to articles published within a day."),
        ("code", '''copies = framing.find_duplicates(corpus, threshold=0.3, max_days=1)
own_writing = framing.exclude_copies(corpus, copies)
print(f"{copies['group'].nunique()} wire groups; {len(corpus) - len(own_writing)} copies set aside")
features = framing.extract_features(own_writing, lexicon, voice="own")'''),
        ("code", '''shares = framing.label_shares(features, referent="haftar_camp", n_boot=500, seed=1)
shares.round(3)'''),
        ("code", "fig, axes = framing.charts.plot_label_shares(shares)\nfig"),
        ("code", '''framing.legitimacy_index(features, n_boot=500, seed=1).round(3)'''),
        ("code", '''log_odds = framing.compare_outlets(own_writing, lexicon=lexicon, method="log_odds")
log_odds.sort_values("score", ascending=False).groupby("outlet").head(3)[
    ["outlet", "term", "referent", "stance", "count", "count_reference", "z", "q"]].round(3)'''),
        ("code", '''outlet = log_odds["outlet"].iloc[0]
fig, ax = framing.charts.plot_fightin_words(log_odds, outlet=outlet)
fig'''),
        ("code", '''distance = framing.outlet_distance(features)
distance.round(3)'''),
        ("code", "fig, ax = framing.charts.plot_outlet_distance(distance)\nfig"),
    ],
    "03_terminology_over_time": [
        ("md", """# 3 · Terminology over time, and the switch found by change-point detection

**What this measures.** The share of each stance among an outlet's own-voice labels for one actor,
month by month, with 95% Wilson intervals; and change-points: months where an outlet's mix of labels
shifts, found by exact segmentation of the monthly counts (a multinomial likelihood with a BIC penalty).

**How to read it.** Lines are outlets; bands are intervals (wide where an outlet wrote little). Dashed
vertical lines mark detected change-points, annotated with the share before → after. On the demo
corpus one outlet was planted to switch from «قوات حفتر» to «ميليشيا حفتر» at a known month; the last
cell checks that the detector finds it."""),
        ("params", PARAMS + '\nREFERENT = "haftar_camp"'),
        ("code", LOAD),
        ("code", '''features = framing.extract_features(corpus, lexicon, voice="own")
monthly = framing.trends(features, freq="MS", referent=REFERENT)
monthly.head(6).round({"share": 3, "lo": 3, "hi": 3})'''),
        ("code", '''switches = framing.change_points(features, freq="MS", referent=REFERENT)
switches.round({"shift": 3, "lr": 1})'''),
        ("code", "fig, axes = framing.charts.plot_trends(monthly, referent=REFERENT, change_points=switches)\nfig"),
        ("md", "Smoothing pools three months of counts (it does not average shares):"),
        ("code", '''smooth = framing.trends(features, freq="MS", referent=REFERENT, smooth=3)
fig, ax = framing.charts.plot_trends(smooth, referent=REFERENT, stance="delegitimizing", change_points=switches)
fig'''),
        ("md", "On the demo corpus, the planted switch against what was found:"),
        ("code", '''if CORPUS == "demo":
    planted = framing.demo.planted_switch()
    found = switches[(switches["outlet"] == planted["outlet"]) & (switches["referent"] == planted["referent"])]
    print("planted:", planted["outlet"], planted["referent"], planted["month"])
    print("found:  ", [d.strftime("%Y-%m") for d in found["date"]])'''),
    ],
    "04_who_gets_called_what": [
        ("md", """# 4 · Who gets called what: actors × labels, epithets, own voice against quoted voice

**What this measures.** For every actor of the lexicon, the mix of labels each outlet gives it; the
epithets that stand next to an actor's name (المعترف بها دوليا, الشرعية, ما يسمى, المزعومة…); and the
difference between what an outlet writes itself and what it quotes others saying.

**How to read it.** The heatmap's cells are shares within an actor (each row sums to 1 across the three
stances). Epithet shares are the fraction of the actor's mentions that carry the qualifier, with 95%
Wilson intervals. A label inside quotation marks belongs to the quoted speaker, not to the outlet."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", '''own = framing.extract_features(corpus, lexicon, voice="own")
all_referents = framing.label_shares(own, method="wilson")
fig, axes = framing.charts.plot_referent_heatmap(all_referents)
fig'''),
        ("code", '''epithets = framing.epithets(corpus, lexicon, target="gna")
epithets[epithets["term"] == "*"].round(3)'''),
        ("md", "Own voice against quoted voice, from the same matches:"),
        ("code", '''matches = framing.extract_matches(corpus, lexicon)
voices = {voice: framing.label_shares(matches, voice=voice, referent="haftar_camp", method="wilson")
          for voice in ("own", "quoted")}
side_by_side = voices["own"].merge(voices["quoted"], on=["outlet", "referent", "stance"], suffixes=("_own", "_quoted"))
side_by_side[["outlet", "stance", "share_own", "share_quoted", "total_own", "total_quoted"]].round(3)'''),
        ("md", "Scare quotes (a label alone or nearly alone inside quotation marks) per outlet:"),
        ("code", '''matches.query("kind == 'label'").groupby("outlet")["scare_quoted"].agg(["sum", "mean"]).round(3)'''),
    ],
    "05_predict_outlet": [
        ("md", """# 5 · How predictable is each outlet from its framing alone?

**What this measures.** A multinomial logistic regression predicts the outlet of each article from its
framing counts only (labels per actor and stance, category terms), with stratified 5-fold
cross-validation. If framing were the same everywhere, it would do no better than the baselines.

**How to read it.** Compare accuracy with the majority-class baseline and macro-F1 with a stratified
dummy; the confusion matrix shows which outlets are told apart and which are mistaken for each other;
the top features are the labels that most point to each outlet."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", '''features = framing.extract_features(corpus, lexicon, voice="own")
result = framing.predict_outlet(features, cv=5, seed=0)
print(f"accuracy {result.accuracy:.3f} (majority baseline {result.baseline_accuracy:.3f})")
print(f"macro-F1 {result.macro_f1:.3f} (stratified dummy {result.chance_macro_f1:.3f})")
print(f"documents used {result.n_docs}, without any label {result.n_dropped}")'''),
        ("code", "result.confusion"),
        ("code", "result.report.round(3)"),
        ("code", '''result.top_features.groupby("outlet").head(3).round(3)'''),
    ],
    "06_build_and_audit_a_lexicon": [
        ("md", """# 6 · Build and audit a lexicon

**What this does.** Before publishing numbers, check the lexicon: find words standing next to an
actor's names that the lexicon lacks (candidate labels, ranked per outlet by log-odds), look at
collocates of a name (MI, logDice, G², t-score), then draw a reproducible sample of hits, mark each
correct or not, and compute precision per entry with its interval.

**How to read it.** Candidates with high z are used distinctively by one outlet next to the actor's
names: read their example lines before adding them. Precision below ~0.9 for an entry means its hits
need a closer look (a homonym, a wrong attachment). On your corpus, write the sample to CSV with
`framing.write_audit`, mark the `correct` column by hand, and read it back with `framing.read_audit`;
on the demo corpus the planted truth marks it."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", '''candidates = framing.discover_labels(corpus, lexicon, "haftar_camp", top=5)
candidates[["outlet", "candidate", "position", "count", "z"]].round(3)'''),
        ("code", '''framing.collocates(corpus, "حفتر", window=4, by=None, min_count=20).sort_values("logdice", ascending=False).head(10).round(3)'''),
        ("code", '''matches = framing.extract_matches(corpus, lexicon, kinds=("label",))
sample = framing.audit_sample(matches, n=20, seed=7, corpus=corpus)
sample[["doc_id", "term", "referent", "stance", "left", "match", "right"]].head(5)'''),
        ("code", '''if CORPUS == "demo":
    marked = framing.demo.mark_from_truth(sample)
else:
    marked = framing.read_audit("audit.csv")  # after marking framing.write_audit(sample, "audit.csv") by hand
precision = framing.audit_precision(marked)
precision.sort_values("precision").head(8).round(3)'''),
    ],
}


def build(name: str, cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(src))
        else:
            cell = nbformat.v4.new_code_cell(src)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
            nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:2]}-{i:02d}"
    ExecutePreprocessor(timeout=600, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(HERE)}})
    path = HERE / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def main(names=None):
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        print("built", build(name, cells))


if __name__ == "__main__":
    main(sys.argv[1:])
