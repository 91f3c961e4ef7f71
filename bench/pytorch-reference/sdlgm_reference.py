#!/usr/bin/env python3
"""A plain PyTorch re-implementation of the unsupervised SDLGM (docs/model.md), as a speed reference.

It trains the same model on the same objective as sdlgm's Java/DJL trainer with the bench's
default configuration (K = 200, L0 = 20, encoder 784-512-256, MLP decoder 200-256-512-784,
Bernoulli likelihood, kl-v "all", relaxed mask (no straight-through), tau = max(0.5, exp(-1e-4 t)),
uniform level prior, beta = 0 selection prior, all KL weights 1, no warm-up, batch 100,
Adam lr 1e-3, no gradient clipping), then times the deterministic encoder at batch 100 and
1000. Written the way a PyTorch user would write it from docs/model.md: nn.Linear layers, autograd
for every gradient, torch.optim.Adam, a Python loop over the L0 steps of the successive
relaxation. It is a reference for examples/s, not for bit-exact numbers.

Run (see README.md):
  LD_LIBRARY_PATH=/tmp/mklblas MKL_THREADING_LAYER=GNU MKL_INTERFACE_LAYER=GNU,LP64 \
    /usr/bin/python3 sdlgm_reference.py --rows 10000 --epochs 3 --json out.json
"""

import argparse
import gzip
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The bench's default model (SdlgmConfig.builder() defaults) and training (TrainConfig defaults).
INPUT_DIM = 784
K = 200             # latentDim
L0 = 20             # maxLevel
ENCODER_HIDDEN = [512, 256]
DECODER_HIDDEN = [256, 512]
TAU0, TAU_MIN, TAU_RATE = 1.0, 0.5, 1e-4   # tau_t = max(tauMin, tau0 * exp(-rate * step))
LEARNING_RATE = 1e-3                        # Adam, betas (0.9, 0.999), eps 1e-8
EPS_LOG = 1e-20     # docs/model.md: log(max(1 - a, eps))
LOG_SIGMA_MIN, LOG_SIGMA_MAX = -8.0, 4.0    # LatentBlock.boundedLogSigma


def gumbel(shape, generator=None):
    """Standard Gumbel noise exactly as GumbelSoftmax.gumbel: U ~ U(1e-10, 1), -log(-log U + 1e-10)."""
    u = torch.empty(shape).uniform_(1e-10, 1.0, generator=generator)
    return -torch.log(-torch.log(u) + 1e-10)


def mlp(sizes_in, hidden, out):
    layers, width = [], sizes_in
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    if out is not None:
        layers.append(nn.Linear(width, out))
    return nn.Sequential(*layers)


class Sdlgm(nn.Module):
    """Encoder trunk h = f(x), heads for q(L|x), the selection logits alpha and q(v|x); MLP decoder."""

    def __init__(self):
        super().__init__()
        self.encoder = mlp(INPUT_DIM, ENCODER_HIDDEN, None)
        hid = ENCODER_HIDDEN[-1]
        self.level_head = nn.Linear(hid, L0)
        self.select_head = nn.Linear(hid, K)
        self.mu_head = nn.Linear(hid, K)
        self.log_sigma_head = nn.Linear(hid, K)
        self.decoder = mlp(K, DECODER_HIDDEN, INPUT_DIM)
        # Uniform level prior log pi_l = -log L0; the selection prior beta = 0 (not learned).
        self.register_buffer("log_prior", torch.full((1, L0), -math.log(L0)))
        # log|R_j| = log(K - j), j = 0..L0-1: the uniform distribution over the remaining dims.
        self.register_buffer("log_remaining", torch.log(K - torch.arange(L0, dtype=torch.float32)).view(1, L0))

    def heads(self, x):
        h = self.encoder(x)
        alpha = self.select_head(h)
        mu = self.mu_head(h)
        log_sigma = self.log_sigma_head(h).clamp(LOG_SIGMA_MIN, LOG_SIGMA_MAX)
        level_logits = self.level_head(h)
        return alpha, mu, log_sigma, level_logits

    def forward(self, x, tau):
        """Per-example terms (log p(x|z), KL_L, KL_S, KL_v) and the relaxed level's argmax + 1."""
        b = x.shape[0]
        alpha, mu, log_sigma, level_logits = self.heads(x)
        log_q = F.log_softmax(level_logits, dim=1)
        q = log_q.exp()

        # Keys r = alpha + G' (one Gumbel draw per dimension, shared by all steps); the sampled
        # prefix o_1..o_L0 of the ordered draws is the top-L0 of r (no gradient through it).
        keys = alpha + gumbel((b, K))
        order = keys.detach().topk(L0, dim=1).indices                     # (B, L0)

        # Relaxed level ell = softmax((log q + G) / tau).
        ell = F.softmax((log_q + gumbel((b, L0))) / tau, dim=1)           # (B, L0)

        # Successive relaxation: w_1 = r, a_j = softmax(w_j / tau),
        # w_j = w_{j-1} + log(max(1 - a_{j-1}, eps)); c_j = min(1, sum_{t<=j} a_t);
        # relaxed mask m = sum_j ell_j c_j.
        w = keys
        a = F.softmax(w / tau, dim=1)
        cum = a
        mask = ell[:, 0:1] * cum.clamp(max=1.0)
        for j in range(1, L0):
            w = w + torch.log(torch.clamp(1.0 - a, min=EPS_LOG))
            a = F.softmax(w / tau, dim=1)
            cum = cum + a
            mask = mask + ell[:, j:j + 1] * cum.clamp(max=1.0)

        # z = m * v, v = mu + sigma * eps.
        z = mask * (mu + log_sigma.exp() * torch.randn(b, K))
        logits = self.decoder(z)
        log_lik = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)

        # KL_L exact against the uniform prior.
        kl_l = (q * (log_q - self.log_prior)).sum(1)

        # KL_S = sum_j q(L >= j | x) * KL(softmax(alpha over R_j) || uniform over R_j), with
        # R_j = all dims minus the sampled prefix o_1..o_{j-1}. Computed as GumbelSoftmax.stepKl
        # does: sums over R_j = sum over the dims outside the whole prefix + a suffix sum over
        # prefix positions t >= j, so no (B, L0, K) tensor is built.
        max_a = alpha.detach().max(dim=1, keepdim=True).values
        e = (alpha - max_a).clamp(min=-80.0).exp()
        outside = torch.ones_like(alpha).scatter_(1, order, 0.0)
        e_o = e.gather(1, order)
        alpha_o = alpha.gather(1, order)
        z_j = (e * outside).sum(1, keepdim=True) + suffix_sum(e_o)
        s_j = (e * alpha * outside).sum(1, keepdim=True) + suffix_sum(e_o * alpha_o)
        step_kl = s_j / z_j - torch.log(z_j) - max_a + self.log_remaining  # (B, L0)
        survival = suffix_sum(q)                                           # q(L >= j | x)
        kl_s = (survival * step_kl).sum(1)

        # KL_v over all K dimensions (kl-v = all).
        kl_v = (0.5 * (mu.square() + (2.0 * log_sigma).exp() - 1.0) - log_sigma).sum(1)

        nnz = (ell.argmax(1) + 1).float()
        return log_lik, kl_l, kl_s, kl_v, nnz

    @torch.no_grad()
    def encode(self, x):
        """Deterministic code (docs/model.md): L = argmax q(L|x), S = top-L of alpha, z_S = mu_S."""
        alpha, mu, _, level_logits = self.heads(x)
        probs = F.softmax(level_logits, dim=1)
        levels = level_logits.argmax(1) + 1
        order = alpha.topk(L0, dim=1).indices
        keep = torch.arange(L0).view(1, L0) < levels.view(-1, 1)
        z = torch.zeros_like(mu).scatter_(1, order, mu.gather(1, order) * keep)
        return z, levels, probs


def suffix_sum(t):
    """out[:, j] = sum_{i >= j} t[:, i]."""
    return t.flip(1).cumsum(1).flip(1)


def read_idx_images(path, rows):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, h, w = np.frombuffer(data[:16], dtype=">i4")
    if magic != 2051:
        raise ValueError(f"{path}: not an IDX image file (magic {magic})")
    n = min(n, rows)
    x = np.frombuffer(data, dtype=np.uint8, count=n * h * w, offset=16).reshape(n, h * w)
    return torch.from_numpy(x.astype(np.float32) / 255.0)


def calibration_gflops(m, k, n, reps=20, warmup=3):
    """Best-of-reps float32 (m x k)(k x n) product in GFLOP/s (BenchCommand.calibrationGflops)."""
    a, b = torch.rand(m, k), torch.rand(k, n)
    best = float("inf")
    for i in range(reps + warmup):
        t0 = time.perf_counter()
        a @ b
        dt = time.perf_counter() - t0
        if i >= warmup:
            best = min(best, dt)
    return 2.0 * m * k * n / best / 1e9


def loaded_blas_libraries():
    """Shared libraries mapped into this process that provide BLAS (MKL, OpenBLAS, reference)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                base = os.path.basename(p)
                if any(s in base for s in ("mkl", "blas", "lapack")):
                    libs.add(os.path.realpath(p))
    except OSError:
        pass
    return sorted(libs)


def mkl_info():
    """MKL's version and thread count if libmkl_rt is loaded, else None."""
    try:
        import ctypes
        mkl = ctypes.CDLL("libmkl_rt.so")
        buf = ctypes.create_string_buffer(256)
        mkl.MKL_Get_Version_String(buf, 256)
        return {"version": buf.value.decode(errors="replace"), "maxThreads": mkl.MKL_Get_Max_Threads()}
    except (OSError, AttributeError):
        return None


def tau_at(step):
    return max(TAU_MIN, TAU0 * math.exp(-TAU_RATE * step))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                    help="directory with train-images-idx3-ubyte.gz")
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default=None)
    ap.add_argument("--no-flush-denormal", action="store_true",
                    help="leave denormal floats on (by default they are flushed to zero; docs/model.md, choice 2)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    flush = False if args.no_flush_denormal else torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    x_all = read_idx_images(os.path.join(args.data, "train-images-idx3-ubyte.gz"), args.rows)
    n = x_all.shape[0]

    gflops = calibration_gflops(1000, 784, 512)
    gflops1024 = calibration_gflops(1024, 1024, 1024)
    blas_libs = loaded_blas_libraries()
    mkl = mkl_info()
    mkl_in_effect = any("mkl" in os.path.basename(p) for p in blas_libs)

    model = Sdlgm()
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    shuffle_gen = torch.Generator().manual_seed(args.seed * 31)

    step = 0
    epoch_seconds, epoch_rates, epoch_means = [], [], []
    phase = None
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(n, generator=shuffle_gen)
        sums = np.zeros(6)
        phase = [0.0, 0.0, 0.0]
        steps_in_epoch = 0
        t_epoch = time.perf_counter()
        for start in range(0, n, args.batch):
            xb = x_all[perm[start:start + args.batch]]
            b = xb.shape[0]
            tau = tau_at(step)
            t0 = time.perf_counter()
            log_lik, kl_l, kl_s, kl_v, nnz = model(xb, tau)
            loss = -(log_lik - kl_l - kl_s - kl_v).mean()
            t1 = time.perf_counter()
            loss.backward()
            stats = torch.stack([loss.detach(), log_lik.detach().mean(), kl_l.detach().mean(),
                                 kl_s.detach().mean(), kl_v.detach().mean(), nnz.mean()]).tolist()
            t2 = time.perf_counter()
            opt.step()
            opt.zero_grad(set_to_none=True)
            t3 = time.perf_counter()
            if not math.isfinite(stats[0]):
                sys.exit(f"loss is not finite at epoch {epoch + 1}, step {step + 1}: {stats}")
            phase[0] += t1 - t0
            phase[1] += t2 - t1
            phase[2] += t3 - t2
            sums += np.array(stats) * b
            step += 1
            steps_in_epoch += 1
        el = time.perf_counter() - t_epoch
        epoch_seconds.append(el)
        epoch_rates.append(n / el)
        means = dict(zip(["loss", "logLik", "klL", "klS", "klV", "nnz"], (sums / n).tolist()))
        means["tau"] = tau_at(step - 1)
        epoch_means.append(means)
        print(f"epoch {epoch + 1}: {el:.2f} s, {n / el:,.0f} ex/s, loss {means['loss']:.2f} "
              f"(log-lik {means['logLik']:.2f}, KL_L {means['klL']:.3f}, KL_S {means['klS']:.2f}, "
              f"KL_v {means['klV']:.2f}), relaxed-level nnz {means['nnz']:.2f}, tau {means['tau']:.4f}",
              flush=True)
    step_millis = {k: 1e3 * v / steps_in_epoch for k, v in zip(["forward", "backward", "update"], phase)}
    timed = epoch_seconds[1:] if len(epoch_seconds) > 1 else epoch_seconds
    train_rate = n * len(timed) / sum(timed)

    # Deterministic encoding, best of three passes over the same rows (as the Java bench).
    model.eval()
    encode_rates = {}
    nnz_max = None
    level_hist = None
    for bs in (100, 1000):
        best = 0.0
        for _ in range(3):
            t0 = time.perf_counter()
            outs = [model.encode(x_all[s:s + bs]) for s in range(0, n, bs)]
            best = max(best, n / (time.perf_counter() - t0))
        encode_rates[bs] = best
        z = torch.cat([o[0] for o in outs])
        levels = torch.cat([o[1] for o in outs])
        nnz_row = (z != 0).sum(1)
        nnz_max = int(nnz_row.max()) if nnz_max is None else max(nnz_max, int(nnz_row.max()))
        level_hist = torch.bincount(levels, minlength=L0 + 1)[1:].tolist()
        mean_nnz = float(nnz_row.float().mean())
    if nnz_max > L0:
        sys.exit(f"encoded code has {nnz_max} non-zeros > L0 = {L0}")

    result = {
        "implementation": "PyTorch reference (bench/pytorch-reference/sdlgm_reference.py)",
        "data": "fashion-mnist:" + args.data,
        "trainRows": n,
        "batch": args.batch,
        "epochs": args.epochs,
        "trainExamplesPerSecond": train_rate,
        "trainExamplesPerSecondNote": "over all epochs after the first",
        "trainExamplesPerSecondPerEpoch": epoch_rates,
        "trainExamplesPerSecondLastEpoch": epoch_rates[-1],
        "trainEpochSeconds": epoch_seconds,
        "stepMillis": step_millis,
        "stepMillisNote": "last epoch's mean per step; backward includes reading the step's loss terms",
        "encodeExamplesPerSecondBatch100": encode_rates[100],
        "encodeExamplesPerSecondBatch1000": encode_rates[1000],
        "encodeRows": n,
        "encodeMeanNnz": mean_nnz,
        "encodeMaxNnz": nnz_max,
        "encodeLevelHistogram": level_hist,
        "calibrationMatmulGflops": gflops,
        "calibrationMatmulNote": "best of 20 float32 (1000x784)(784x512) products, as the Java bench",
        "calibrationMatmul1024Gflops": gflops1024,
        "threads": torch.get_num_threads(),
        "flushDenormal": bool(flush),
        "seed": args.seed,
        "finalEpoch": epoch_means[-1],
        "epochMeans": epoch_means,
        "torchVersion": torch.__version__,
        "numpyVersion": np.__version__,
        "python": sys.executable + " " + platform.python_version(),
        "blas": {
            "mklInEffect": mkl_in_effect,
            "loadedLibraries": blas_libs,
            "mkl": mkl,
            "LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH"),
            "MKL_THREADING_LAYER": os.environ.get("MKL_THREADING_LAYER"),
            "MKL_INTERFACE_LAYER": os.environ.get("MKL_INTERFACE_LAYER"),
        },
        "torchConfig": torch.__config__.show(),
        "torchParallelInfo": torch.__config__.parallel_info(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None),
        "cores": os.cpu_count(),
        "model": {"inputDim": INPUT_DIM, "latentDim": K, "maxLevel": L0, "encoderHidden": ENCODER_HIDDEN,
                  "decoder": "mlp", "decoderHidden": DECODER_HIDDEN, "likelihood": "bernoulli",
                  "klV": "all", "straightThrough": False, "tau0": TAU0, "tauMin": TAU_MIN,
                  "tauRate": TAU_RATE, "levelPrior": "uniform", "betaL": 1.0, "betaS": 1.0,
                  "betaV": 1.0, "warmupEpochs": 0, "learningRate": LEARNING_RATE},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": sys.argv,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    print(f"pytorch {torch.__version__}: train {train_rate:,.0f} ex/s (step: forward {step_millis['forward']:.1f}, "
          f"backward {step_millis['backward']:.1f}, update {step_millis['update']:.1f} ms) | encode "
          f"{encode_rates[100]:,.0f} ex/s (batch 100), {encode_rates[1000]:,.0f} ex/s (batch 1000) | "
          f"matmul {gflops:.0f} GFLOP/s, {'MKL' if mkl_in_effect else 'no MKL'}, {torch.get_num_threads()} threads"
          + (f" -> {args.json}" if args.json else ""))


if __name__ == "__main__":
    main()
