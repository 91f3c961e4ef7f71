#!/usr/bin/env bash
# Regenerates the Fashion-MNIST table of docs/results.md: the plain model's configuration (K = 200,
# L0 = 20, 784-512-256 MLPs, Bernoulli, batch 100, 20 epochs, the full 60k/10k split) for
# sdlgm, its recipe variants and the baselines. Two runs at a time, one libtorch thread
# each (faster in total on 2 cores than one run with two threads). Needs
# `apt-get install -y dataset-fashion-mnist`.
set -euo pipefail
cd "$(dirname "$0")/.."
data=fashion-mnist:/usr/share/datasets/fashion-mnist
out=${OUT:-runs/fmnist}
common="--data $data --plain -K 200 -L 20 --epochs 20 --batch 100 --validation 0 --threads 1 --overwrite"
mkdir -p "$out"
jobs=(
  "sdlgm|--method sdlgm"
  "sdlgm-recipe|--method sdlgm --kl-v selected --prior geometric --rho 0.5 --prior-phase 10,15"
  "vae|--method vae"
  "topk-ae|--method topk-ae"
  "sdlgm-fixed|--method sdlgm-fixed"
  "sdlgm-recipe-hard|--method sdlgm --hard --kl-v selected --prior geometric --rho 0.5 --prior-phase 10,15"
  "sdlgm-selected|--method sdlgm --kl-v selected"
  "sdlgm-recipe-rho08|--method sdlgm --kl-v selected --prior geometric --rho 0.8 --prior-phase 10,15"
  "sdlgm-recipe-rho095|--method sdlgm --kl-v selected --prior geometric --rho 0.95 --prior-phase 10,15"
)
# ONLY="name ..." runs a subset.
if [ -n "${ONLY:-}" ]; then
  keep=()
  for j in "${jobs[@]}"; do
    for name in $ONLY; do [ "${j%%|*}" = "$name" ] && keep+=("$j"); done
  done
  jobs=("${keep[@]}")
fi
./sdlgm --version >/dev/null   # build once before the parallel runs
printf '%s\n' "${jobs[@]}" | xargs -P "${PARALLEL:-2}" -I{} bash -c '
  name="${1%%|*}"; opts="${1#*|}"
  echo "./sdlgm train '"$common"' $opts --out '"$out"'/$name" > "'"$out"'/$name.cmd"
  ./sdlgm train '"$common"' $opts --out "'"$out"'/$name" > "'"$out"'/$name.log" 2>&1 && echo "done $name" || echo "FAILED $name"
' _ {}
