#!/usr/bin/env python3
"""Prints the multi-label tables of docs/results.md from runs/multilabel/*/metrics.json.

One row per data set, method and set rule (sdlgm: count; br-mlp: threshold and top-k), with
every metric of docs/multilabel.md, the L0 and L_min used, and the true mean set size of the test part.
With several seeds per cell the mean ± std over seeds is shown.
"""
import glob, json, os, statistics, sys

root = sys.argv[1] if len(sys.argv) > 1 else "runs/multilabel"
sets = ["bibtex", "corel5k", "enron", "medical", "yeast", "scene", "emotions", "birds", "genbase"]
cols = [("P@1", "p1"), ("P@3", "p3"), ("P@5", "p5"), ("nDCG@1", "ndcg1"), ("nDCG@3", "ndcg3"), ("nDCG@5", "ndcg5"),
        ("ex-F1", "exampleF1"), ("micro-F1", "microF1"), ("macro-F1", "macroF1"),
        ("Hamming", "hammingLoss"), ("subset acc", "subsetAccuracy"),
        ("count acc", "countAccuracy"), ("mean \\|L̂−\\|Y\\|\\|", "meanAbsCountError"),
        ("\\|Ŷ\\| mean", "meanPredictedSetSize")]
cells = {}
for d in sorted(glob.glob(os.path.join(root, "*", "metrics.json"))):
    run = os.path.basename(os.path.dirname(d))
    name, method, seed = run.rsplit("-s", 1)[0], None, run.rsplit("-s", 1)[1]
    for m in ("br-mlp", "sdlgm-fixed", "sdlgm"):
        if name.endswith("-" + m):
            method = m
            name = name[: -len(m) - 1]
            break
    metrics = json.load(open(d))
    config = json.load(open(os.path.join(os.path.dirname(d), "config.json")))
    # Older files name the member "evaluations".
    for rule, ev in metrics.get("evaluation", metrics.get("evaluations", {})).items():
        key = (name, method, rule)
        cells.setdefault(key, []).append((ev, config))

def fmt(vals, digits=3):
    if len(vals) == 1:
        return f"{vals[0]:.{digits}f}"
    return f"{statistics.mean(vals):.{digits}f} ± {statistics.stdev(vals):.{digits}f}"

print("| data | method (rule) | L0 | L_min | " + " | ".join(c for c, _ in cols) + " |")
print("|---|---|---|---|" + "---|" * len(cols))
for s in sets:
    for method, rule in (("sdlgm", "count"), ("br-mlp", "threshold"), ("br-mlp", "top-k"),
                         ("sdlgm-fixed", "top-k")):
        runs = cells.get((s, method, rule))
        if not runs:
            continue
        cfg = runs[0][1]["model"]
        l0 = cfg["maxLevel"] if method != "br-mlp" else (cfg["topK"] if rule == "top-k" else "—")
        lmin = cfg["minLevel"] if method == "sdlgm" else "—"
        row = [s, f"{method} ({rule})", str(l0), str(lmin)]
        row += [fmt([ev[k] for ev, _ in runs], 2 if k == "meanPredictedSetSize" else 3) for _, k in cols]
        print("| " + " | ".join(row) + " |")
