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

PARAMS = """# Parameters (papermill sets any of them: papermill -p CORPUS my.jsonl -p LEXICON yemen NB.ipynb out.ipynb)
CORPUS = "demo"     # a corpus file or folder, or "demo" for the bundled synthetic corpus
LEXICON = "libya"   # a bundled lexicon (libya, yemen, isis, markers) or a path to a YAML file
REFERENT = None     # an actor of the lexicon; None: the one with the most labels in this corpus
VOICE = "own"       # whose words count: "own" (the outlet's), "quoted", "reported" or "all"
N_BOOT = 500        # bootstrap replicates for the intervals
SEED = 1"""

LOAD = """%matplotlib inline
import framing

corpus = framing.read_corpus(framing.demo.resolve_corpus(CORPUS), errors="collect")
lexicon = framing.load_lexicon(LEXICON)
print(f"read {corpus.attrs['n_read']} · accepted {len(corpus)} · rejected {len(framing.rejects(corpus))}")
lexicon"""

# after `features` exists: the referent looked at, chosen from the corpus unless REFERENT names one
CHOOSE = """referent = framing.top_referent(features, REFERENT)
if referent is None:
    print(f"No referent has a label in this corpus ({lexicon.name} has {len(lexicon.referents)} referents): "
          "the sections on labels are skipped; categories are still counted.")
else:
    print(f"referent: {referent} ({lexicon.referents[referent].label})"
          + ("" if REFERENT else ", the one with the most labels"))
framing.referent_totals(features).to_frame().T"""

NOTEBOOKS = {
    "01_quickstart": [
        ("md", """# 1 · Quick start: load a corpus, match a lexicon, read the hits

**What this measures.** Each article is normalized (diacritics, tatweel, alef forms, Persian-keyboard
letters, invisible marks…), and every term of the lexicon is looked for as a whole word, with its
clitics (و ف ب ك ل ال لل …) and plural/dual/feminine endings. A *label* (for the Libyan war: ميليشيا,
قوات, الجيش…) counts only when it names one of the lexicon's actors (an alias follows it, maybe through
a title or a linker such as «الموالية لـ», or the label names the actor by itself). Each hit knows its
*voice*: the outlet's own words, a quotation, or reported speech.

**How to read it.** The match table has one row per hit with its exact span in the original text. The
concordance (KWIC) shows the words around each hit, right to left, as the outlet wrote them. The
notebook works for any corpus and lexicon: it looks at the actor with the most labels in the corpus
unless `REFERENT` names one."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", 'corpus[["doc_id", "outlet", "date", "title"]].head(5)'),
        ("code", 'corpus.groupby("outlet").size().rename("articles").to_frame()'),
        ("md", "Every hit in the corpus, one row each, and the actor this notebook looks at:"),
        ("code", '''matches = framing.extract_matches(corpus, lexicon, voice="all")  # every voice: own, quoted, reported
features = framing.extract_features(corpus, lexicon, voice=VOICE)
print(f"{len(matches)} matches in {matches['doc_id'].nunique()} documents")
matches[["doc_id", "outlet", "surface", "kind", "referent", "stance", "voice", "in_scope"]].head(10)'''),
        ("code", CHOOSE),
        ("md", "The lexicon's entries for that actor (all entries when there is none), each with a note "
               "saying what it means and why it has its stance:"),
        ("code", '''entries = lexicon.entries()
shown = entries[entries["referent"] == referent] if referent else entries
shown[["kind", "category", "stance", "term", "variants", "note"]].head(12)'''),
        ("md", "Matching again, by hand, the sentence around the first hit (clitics, endings, spelling and "
               "voice as above):"),
        ("code", '''found = framing.hit_sentence(corpus, matches, referent)
doc_id, sentence = found if found else (None, "")
print(doc_id, sentence, sep="\\n")
[(m.surface, m.kind, m.referent or m.category, m.stance, m.voice) for m in framing.find_matches(sentence, lexicon)]'''),
        ("code", '''labels = matches[(matches["kind"] == "label") & matches["in_scope"]]
if len(labels):
    table = labels.groupby(["referent", "stance"]).size().unstack(fill_value=0)
else:
    table = matches.groupby(["kind", "category"]).size().rename("hits").to_frame()
table'''),
        ("md", "The text behind the numbers: a concordance of the actor's most used label (every spelling "
               "and form), right to left:"),
        ("code", '''term = framing.top_term(matches, referent)
print("term:", term)
framing.kwic(corpus, term, lexicon=lexicon, window=6, max_rows=8) if term else "no hit to show"'''),
        ("md", "A plain word works too, matched the same way (clitics, endings, spelling); here the actor's "
               "first name in the lexicon:"),
        ("code", '''alias = lexicon.referents[referent].aliases[0].term if referent else None
framing.kwic(corpus, alias, window=5, max_rows=5) if alias else "no referent to show"'''),
    ],
    "02_compare_outlets": [
        ("md", """# 2 · Compare outlets: label shares, legitimacy, distinctive terms, distances

**What this measures.** For each outlet and actor, the share of the labels in the outlet's *own voice*
(quotations and reported speech excluded) that delegitimize, stay neutral or legitimize; the legitimacy
index (legitimizing − delegitimizing) / all labels; which terms each outlet uses more than the others
(log-odds ratio with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008); and how far apart
the outlets' label distributions are (Jensen–Shannon distance).

**How to read it.** Whiskers and `lo`/`hi` are 95% intervals from a bootstrap over *articles* (the
sampling unit: labels in one article are not independent). **Wire copies**: framing's one policy, the
same as `framing analyze` and its report, is `framing.drop_wire_copies` — an agency story carried by
several outlets is kept once, as first published, and the later copies are set aside before anything
is counted, so an outlet is judged on its own writing; the next cell states how many. In the
Fightin'-Words chart, terms outside the grey band (|z| > 1.96) are used distinctly more (top) or less
(bottom)."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", '''own_writing, copies = framing.drop_wire_copies(corpus)
print(f"wire copies: {copies['group'].nunique() if len(copies) else 0} groups; "
      f"{len(corpus) - len(own_writing)} later copies set aside, {len(own_writing)} documents counted")
features = framing.extract_features(own_writing, lexicon, voice=VOICE)'''),
        ("code", CHOOSE),
        ("code", '''shares = (framing.label_shares(features, referent=referent, voice=VOICE, n_boot=N_BOOT, seed=SEED)
          if referent else None)
shares.round(3) if referent else "skipped: no referent with labels"'''),
        ("code", '''if referent:
    fig, axes = framing.charts.plot_label_shares(shares)
else:
    fig = "skipped: no referent with labels"
fig'''),
        ("code", '''(framing.legitimacy_index(features, voice=VOICE, n_boot=N_BOOT, seed=SEED).round(3) if referent
 else "skipped: no referent with labels")'''),
        ("code", '''counted = int(features.filter(regex="^(label|cat):").to_numpy().sum())
if counted and own_writing["outlet"].nunique() >= 2:
    log_odds = framing.compare_outlets(framing.term_counts(own_writing, lexicon=lexicon), method="log_odds")
    table = log_odds.sort_values("score", ascending=False).groupby("outlet").head(3)[
        ["outlet", "term", "referent", "category", "stance", "count", "count_reference", "z", "q"]].round(3)
else:
    log_odds = None
    table = "skipped: no lexicon term in the outlets' own words, or a single outlet"
table'''),
        ("code", '''scored = log_odds.dropna(subset=["z"]) if log_odds is not None else []
outlet = scored.loc[scored["z"].abs().idxmax(), "outlet"] if len(scored) else None
if outlet is not None:
    fig, ax = framing.charts.plot_fightin_words(log_odds, outlet=outlet)
else:
    fig = "no term with a score to draw"
fig'''),
        ("md", "Distances need labels from at least two outlets; outlets without any are left out:"),
        ("code", '''labelled = features.filter(like="label:").sum(axis=1).groupby(features["outlet"]).sum()
distance = framing.outlet_distance(features) if (labelled > 0).sum() >= 2 else None
print(f"{int((labelled > 0).sum())} of {len(labelled)} outlets have labels")
distance.round(3) if distance is not None else "skipped: fewer than two outlets with labels"'''),
        ("code", '''if distance is not None:
    fig, ax = framing.charts.plot_outlet_distance(distance)
else:
    fig = "skipped"
fig'''),
    ],
    "03_terminology_over_time": [
        ("md", """# 3 · Terminology over time, and the switches found by change-point detection

**What this measures.** The share of each stance among an outlet's own-voice labels for one actor,
period by period, with 95% Wilson intervals; and change-points: periods where an outlet's mix of labels
shifts, found by exact segmentation of the counts (a multinomial likelihood with a BIC penalty, and a
minimum shift of 0.1).

**How to read it.** Lines are outlets; bands are intervals (wide where an outlet wrote little). Dashed
vertical lines mark detected change-points, annotated with the share before → after. No change-point is
a result too: every outlet's mix stayed within the noise, or the series is too short or too sparse. On
the demo corpus one outlet was planted to switch from «قوات حفتر» to «ميليشيا حفتر» at a known month;
the last cell checks that the detector finds it."""),
        ("params", PARAMS + '\nFREQ = "MS"         # period: a pandas frequency (MS months, W weeks from Monday, QS quarters)'),
        ("code", LOAD),
        ("code", '''features = framing.extract_features(corpus, lexicon, voice=VOICE)
undated = int(features["date"].isna().sum())
print(f"{undated} undated documents (left out of the periods)" if undated else "every document is dated")'''),
        ("code", CHOOSE),
        ("code", '''if referent:
    periods = framing.trends(features, freq=FREQ, referent=referent, voice=VOICE)
    switches = framing.change_points(features, freq=FREQ, referent=referent, voice=VOICE)
    print(f"{periods['period'].nunique()} periods, {periods['outlet'].nunique()} outlets")
    table = periods.dropna(subset=["share"]).head(6).round({"share": 3, "lo": 3, "hi": 3})
else:
    periods = switches = None
    table = "skipped: no referent with labels"
table'''),
        ("code", '''if switches is None:
    result = "skipped: no referent with labels"
elif len(switches):
    result = switches.round({"shift": 3, "lr": 1})
else:
    result = (f"No change-point for {lexicon.referents[referent].label}: no outlet's mix of labels shifts by "
              "more than 0.1 with enough support (BIC). The mix is stable, or the series too short or sparse; "
              "the chart below shows the shares without markers.")
result'''),
        ("code", '''drawable = periods is not None and periods["total"].sum() > 0
if drawable:
    fig, axes = framing.charts.plot_trends(periods, referent=referent,
                                           change_points=switches if len(switches) else None)
else:
    fig = "nothing to draw: no dated label for the referent"
fig'''),
        ("md", "Smoothing pools three periods of counts (it does not average shares):"),
        ("code", '''if drawable:
    smooth = framing.trends(features, freq=FREQ, referent=referent, voice=VOICE, smooth=3)
    fig, ax = framing.charts.plot_trends(smooth, referent=referent, stance="delegitimizing",
                                         change_points=switches if len(switches) else None)
else:
    fig = "nothing to draw"
fig'''),
        ("md", "On the demo corpus, the planted switch against what was found:"),
        ("code", '''planted = framing.demo.planted_switch()
if CORPUS == "demo" and switches is not None and referent == planted["referent"]:
    found = switches[(switches["outlet"] == planted["outlet"]) & (switches["referent"] == planted["referent"])]
    print("planted:", planted["outlet"], planted["referent"], planted["month"])
    print("found:  ", [d.strftime("%Y-%m") for d in found["date"]])
else:
    print("no planted switch to check here (the demo corpus has one, for", planted["referent"] + ")")'''),
    ],
    "04_who_gets_called_what": [
        ("md", """# 4 · Who gets called what: actors × labels, epithets, own voice against quoted voice

**What this measures.** For every actor of the lexicon, the mix of labels each outlet gives it; the
epithets that stand next to an actor's name (for the Libyan war: المعترف بها دوليا, الشرعية, ما يسمى,
المزعومة…); and the difference between what an outlet writes itself and what it quotes others saying.

**How to read it.** The heatmap's cells are shares within an actor (each row sums to 1 across the three
stances). Epithet shares are the fraction of the actor's mentions that carry the qualifier, with 95%
Wilson intervals. A label inside quotation marks belongs to the quoted speaker, not to the outlet."""),
        ("params", PARAMS),
        ("code", LOAD),
        ("code", '''features = framing.extract_features(corpus, lexicon, voice=VOICE)'''),
        ("code", CHOOSE),
        ("code", '''if referent:
    all_referents = framing.label_shares(features, voice=VOICE, method="wilson")
    fig, axes = framing.charts.plot_referent_heatmap(all_referents)
else:
    fig = "skipped: no referent with labels"
fig'''),
        ("md", "Epithets next to the actor's names (mentions of the actor carrying each qualifier category):"),
        ("code", '''if referent:
    qualified = framing.epithets(corpus, lexicon, target=referent)
    table = qualified[qualified["term"] == "*"].round(3)
else:
    table = "skipped: no referent"
table'''),
        ("md", "Own voice against quoted voice, from the same matches:"),
        ("code", '''matches = framing.extract_matches(corpus, lexicon, voice="all")
labels = matches[(matches["kind"] == "label") & matches["in_scope"] & (matches["referent"] == referent)]
in_voice = labels.groupby("voice").size()
print("labels of the referent by voice:", in_voice.to_dict())
if referent and in_voice.get("own", 0) and in_voice.get("quoted", 0):
    voices = {voice: framing.label_shares(matches, voice=voice, referent=referent, method="wilson")
              for voice in ("own", "quoted")}
    side_by_side = voices["own"].merge(voices["quoted"], on=["outlet", "referent", "stance"],
                                       suffixes=("_own", "_quoted"))
    table = side_by_side[["outlet", "stance", "share_own", "share_quoted", "total_own", "total_quoted"]].round(3)
else:
    table = "skipped: the referent's labels are not found in both voices"
table'''),
        ("md", "Scare quotes (a label alone or nearly alone inside quotation marks) per outlet:"),
        ("code", '''all_labels = matches[(matches["kind"] == "label") & matches["in_scope"]]
(all_labels.groupby("outlet")["scare_quoted"].agg(["sum", "mean"]).round(3) if len(all_labels)
 else "no label in this corpus")'''),
    ],
    "05_predict_outlet": [
        ("md", """# 5 · How predictable is each outlet from its framing alone?

**What this measures.** A multinomial logistic regression predicts the outlet of each article from its
framing counts only (labels per actor and stance, category terms), with stratified `CV`-fold
cross-validation. If framing were the same everywhere, it would do no better than the baselines.

**How to read it.** Compare accuracy with the majority-class baseline and macro-F1 with a stratified
dummy; the confusion matrix shows which outlets are told apart and which are mistaken for each other;
the top features are the labels that most point to each outlet. Every outlet needs at least `CV`
documents with a framing count: smaller outlets are left out, and named."""),
        ("params", PARAMS + "\nCV = 5              # cross-validation folds"),
        ("code", LOAD),
        ("code", '''features = framing.extract_features(corpus, lexicon, voice=VOICE)
kept, left_out = framing.outlets_for_folds(features, cv=CV)
n_outlets = kept["outlet"].nunique()
if len(left_out):
    print(f"left out, fewer than {CV} documents with a framing count:",
          ", ".join(f"{name} ({n})" for name, n in left_out.items()))
print(f"{n_outlets} outlets kept")'''),
        ("code", '''if n_outlets >= 2:
    result = framing.predict_outlet(kept, cv=CV, seed=0)
    print(f"accuracy {result.accuracy:.3f} (majority baseline {result.baseline_accuracy:.3f})")
    print(f"macro-F1 {result.macro_f1:.3f} (stratified dummy {result.chance_macro_f1:.3f})")
    print(f"documents used {result.n_docs}, without any label {result.n_dropped}")
else:
    result = None
    print("skipped: fewer than two outlets with enough documents to tell apart")'''),
        ("code", 'result.confusion if result else "skipped"'),
        ("code", 'result.report.round(3) if result else "skipped"'),
        ("code", '''result.top_features.groupby("outlet").head(3).round(3) if result else "skipped"'''),
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
`framing.write_audit(sample, "audit.csv")`, mark the `correct` column by hand, and run again with
`AUDIT = "audit.csv"`; on the demo corpus the planted truth marks it."""),
        ("params", PARAMS + "\nN_SAMPLE = 20       # hits drawn for the audit\n"
                            "AUDIT = None        # a marked audit file (framing.write_audit, then by hand)"),
        ("code", LOAD),
        ("code", '''features = framing.extract_features(corpus, lexicon, voice=VOICE)'''),
        ("code", CHOOSE),
        ("code", '''if referent:
    candidates = framing.discover_labels(corpus, lexicon, referent, top=5)
    table = candidates[["outlet", "candidate", "position", "count", "z"]].round(3)
else:
    table = "skipped: no referent"
table'''),
        ("code", '''name = lexicon.referents[referent].aliases[0].term if referent else None
print("collocates of:", name)
(framing.collocates(corpus, name, window=4, by=None, min_count=20).sort_values("logdice", ascending=False)
 .head(10).round(3) if name else "skipped: no referent")'''),
        ("code", '''matches = (framing.extract_matches(corpus, lexicon, kinds=("label",), voice="all") if referent
           else framing.extract_matches(corpus, lexicon, voice="all"))
matches = matches[matches["in_scope"]]
sample = framing.audit_sample(matches, n=N_SAMPLE, seed=7, corpus=corpus) if len(matches) else None
(sample[["doc_id", "term", "referent", "category", "stance", "left", "match", "right"]].head(5)
 if sample is not None else "no hit")'''),
        ("code", '''if AUDIT:
    marked = framing.read_audit(AUDIT)
elif CORPUS == "demo" and sample is not None:
    marked = framing.demo.mark_from_truth(sample)
else:
    marked = None
    print("To audit: framing.write_audit(sample, 'audit.csv'), mark 'correct' by hand, run again with AUDIT set.")
precision = framing.audit_precision(marked) if marked is not None else None
precision.sort_values("precision").head(8).round(3) if precision is not None else "not audited yet"'''),
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
    sys.path.insert(0, str(HERE))
    from build_attention import CELLS as CELLS_07, NAME as NAME_07  # notebook 07 lives in build_attention.py

    for name, cells in {**NOTEBOOKS, NAME_07: CELLS_07}.items():
        if names and name not in names:
            continue
        print("built", build(name, cells))


if __name__ == "__main__":
    main(sys.argv[1:])
