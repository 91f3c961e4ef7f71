#!/usr/bin/env python3
"""Prints the markdown rows of docs/results.md from model directories' metrics.json files.

Usage: experiments/table.py runs/fmnist/sdlgm runs/fmnist/vae ...
"""
import json
import sys


def fmt(v, d=2):
    if v is None or (isinstance(v, float) and v != v) or v == "NaN":
        return "—"
    return f"{v:.{d}f}"


print("| run | method | test ELBO | log p(x\\|z) | KL_L | KL_S | KL_v | recon. error | nnz mean / median / max (cap) | eff. nnz mean | L̂ at cap | probe acc. | train s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
def train_seconds(d):
    """Sum of the epoch times in history.csv (metrics.json's covers only the last process)."""
    rows = open(f"{d}/history.csv").read().strip().split("\n")
    col = rows[0].split(",").index("seconds")
    return sum(float(r.split(",")[col]) for r in rows[1:])


for d in sys.argv[1:]:
    m = json.load(open(f"{d}/metrics.json"))
    e = m["evaluation"]
    nnz = e["nnz"]
    lvl = e.get("level")
    probe = e.get("probe")
    # The terms by name; older files have fixed members instead. A method without a term shows —.
    t = e.get("terms") or {"loglik": e.get("logLik"), "kl_l": e.get("klL"), "kl_s": e.get("klS"), "kl_v": e.get("klV")}
    print(f"| `{d.split('/')[-1]}` | {e['method']} | {fmt(e['elbo'])} | {fmt(t.get('loglik'))} | {fmt(t.get('kl_l'), 3)} | "
          f"{fmt(t.get('kl_s'), 3)} | {fmt(t.get('kl_v'))} | {fmt(e['reconError'])} | "
          f"{fmt(nnz['mean'])} / {nnz['median']:.0f} / {nnz['max']} ({e['cap']}) | {fmt(e['effectiveNnz']['mean'])} | "
          f"{fmt(100 * lvl['shareAtCap'], 1) + '%' if lvl else '—'} | {fmt(probe['testAccuracy'], 4) if probe else '—'} | "
          f"{train_seconds(d):.0f} |")
for d in sys.argv[1:]:
    e = json.load(open(f"{d}/metrics.json"))["evaluation"]
    if e.get("level"):
        h = e["level"]["histogram"]
        print(f"\n`{d.split('/')[-1]}` — histogram of L̂ (levels 0..{len(h) - 1}): {h}")
        if e.get("levelPerClass"):
            print(f"`{d.split('/')[-1]}` — mean L̂ per class: " + ", ".join(f"{v:.2f}" for v in e["levelPerClass"]))
            print(f"`{d.split('/')[-1]}` — mean nnz per class: " + ", ".join(f"{v:.2f}" for v in e["nnzPerClass"]))
