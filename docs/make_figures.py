"""Build the README figures from the synthetic demo corpus.

    .venv/bin/python docs/make_figures.py

writes ``docs/img/label_shares_haftar_camp.png`` (stance shares per outlet for
Haftar's camp, own voice, 95 % bootstrap intervals) and ``docs/img/trends_haftar_camp.png``
(monthly share of delegitimizing labels for Haftar's camp in three outlets, with the
detected change-points; the planted switch of فانوس الضفتين in 2020-01 is one of them).
Outlets are shown under their Arabic names from ``data/demo/truth.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
OUT = ROOT / "docs" / "img"
REFERENT = "haftar_camp"


def main(out: Path = OUT) -> list[Path]:
    import framing
    from framing.analyses.temporal import change_points, trends
    from framing.output import charts
    from framing.stats.shares import label_shares

    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    arabic = {o["outlet"]: o["name_ar"] for o in truth["outlets"]}
    switch = truth["switch"]

    corpus = framing.read_corpus(DEMO / "corpus.jsonl")
    corpus["outlet"] = corpus["outlet"].map(lambda o: arabic.get(o, o))
    feats = framing.extract_features(corpus, "libya", voice="own")
    out.mkdir(parents=True, exist_ok=True)
    written = []

    shares = label_shares(feats, referent=REFERENT, n_boot=1000, seed=0)
    fig, ax = charts.plot_label_shares(shares, referent=REFERENT)
    ax.set_title("Haftar's camp: stance of the labels per outlet (own voice, 95% intervals)")
    written.append(charts.save_figure(fig, out / "label_shares_haftar_camp.png"))

    tr = trends(feats, referent=REFERENT)
    cps = change_points(feats, referent=REFERENT)
    planted = arabic[switch["outlet"]]
    found = cps[(cps["outlet"] == planted)]
    print(f"change-points for {REFERENT}:")
    print(cps[["outlet", "date", "stance_before", "stance_after", "shift"]].to_string(index=False))
    if not (found["date"].dt.strftime("%Y-%m") == switch["month"]).any():
        print(f"warning: the planted switch ({switch['outlet']}, {switch['month']}) was not detected")
    # three outlets keep the figure readable: the planted switch, an outlet with a detected drift,
    # and one that stays where it is
    shown = [planted, arabic["Saat al-Qafila"], arabic["Sunbulat al-Wadi"]]
    tr = tr[tr["outlet"].isin(shown)]
    fig, ax = charts.plot_trends(tr, referent=REFERENT, stance="delegitimizing", change_points=cps)
    fig.set_size_inches(10, 4.2)
    ax.set_title("Haftar's camp: monthly share of delegitimizing labels, change-points dashed", loc="left")
    written.append(charts.save_figure(fig, out / "trends_haftar_camp.png"))
    return written


if __name__ == "__main__":
    for path in main():
        print("wrote", path.relative_to(ROOT))
