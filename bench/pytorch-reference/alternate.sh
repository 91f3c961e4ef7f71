#!/usr/bin/env bash
# Alternates `sdlgm bench` with the PyTorch reference, ROUNDS times (default 3), on the
# Fashion-MNIST configuration of docs/results.md §3, and prints one line per run:
#   sdlgm|pytorch  train-examples/s  {step ms}  encode-batch-100  encode-batch-1000  calibration-GFLOP/s
# The machine's speed wanders by 2x within minutes, so only runs minutes apart compare.
# Needs the set-up of README.md in this directory (python3-torch, MKL in /tmp/mklblas).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
out="$(mktemp -d)"
for r in $(seq "$rounds"); do
  "$root/sdlgm" bench --plain --data fashion-mnist:/usr/share/datasets/fashion-mnist --rows 10000 \
      --epochs 3 --overwrite --json "$out/sdlgm.json" > /dev/null 2>&1
  /usr/bin/python3 - "$out/sdlgm.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("sdlgm  ", round(d["trainExamplesPerSecond"]), {k: round(v, 1) for k, v in d["trainStepMillis"].items()},
      round(d["encodeExamplesPerSecondBatch100"]), round(d["encodeExamplesPerSecondBatch1000"]),
      round(d["calibrationMatmulGflops"]))
PY
  LD_LIBRARY_PATH=/tmp/mklblas MKL_THREADING_LAYER=GNU MKL_INTERFACE_LAYER=GNU,LP64 \
    /usr/bin/python3 "$here/sdlgm_reference.py" --rows 10000 --epochs 3 --json "$out/pytorch.json" > /dev/null 2>&1
  /usr/bin/python3 - "$out/pytorch.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("pytorch", round(d["trainExamplesPerSecondLastEpoch"]), {k: round(v, 1) for k, v in d["stepMillis"].items()},
      round(d["encodeExamplesPerSecondBatch100"]), round(d["encodeExamplesPerSecondBatch1000"]),
      round(d["calibrationMatmulGflops"]))
PY
done
rm -rf "$out"
