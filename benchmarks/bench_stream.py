"""Streaming benchmark: one stream of labels in batches, nmi's accumulator against torchmetrics.

Each library runs in a child process of its own, so that its memory growth is measured alone:
peak resident memory after the stream and compute(), minus the peak after imports and a
warm-up stream. Batches are generated inside the loop (the same seed for both), so stored
labels count as growth; only the update() and compute() calls are timed.

Run: python benchmarks/bench_stream.py [--samples 10000000] [--batches 100]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

CHILD = """
import json, resource, sys, time
import numpy as np
library, n, batches, clusters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if library == "nmi":
    import nmi
    make = lambda: nmi.NormalizedMutualInfoScore()
    wrap = lambda x: x
else:
    import torch
    from torchmetrics.clustering import NormalizedMutualInfoScore
    make = lambda: NormalizedMutualInfoScore()
    wrap = torch.from_numpy

def run(n, batches, seed):
    rng = np.random.default_rng(seed)
    metric = make()
    spent = 0.0
    size = n // batches
    for _ in range(batches):
        target = rng.integers(0, clusters, size)
        preds = np.where(rng.random(size) < 0.7, target, rng.integers(0, clusters, size))
        p, t = wrap(preds), wrap(target)
        start = time.perf_counter()
        metric.update(p, t)
        spent += time.perf_counter() - start
    start = time.perf_counter()
    value = float(metric.compute())
    spent += time.perf_counter() - start
    return spent, value, metric

run(20_000, 4, 1)  # warm-up: imports, JIT, allocator
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
spent, value, metric = run(n, batches, 2026)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"time": spent, "value": value, "growth_mb": (peak - base) / 1024}))
"""


def run_child(library: str, n: int, batches: int, clusters: int) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, library, str(n), str(batches), str(clusters)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if out.returncode != 0:
        return {"message": out.stderr.strip()[-300:]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10**7)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--clusters", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    ours: dict[str, Any] = run_child("nmi", args.samples, args.batches, args.clusters)
    theirs: dict[str, Any] = run_child("torchmetrics", args.samples, args.batches, args.clusters)
    print(
        f"stream of {args.samples:.0e} labels, {args.clusters} clusters, {args.batches} updates "
        f"(update + compute time; peak memory growth)"
    )
    print("| library | time (s) | memory growth (MB) | NMI |")
    print("|---|---|---|---|")
    for name, r in (("nmi", ours), ("torchmetrics", theirs)):
        if "time" in r:
            print(f"| {name} | {r['time']:.3f} | {r['growth_mb']:.1f} | {r['value']:.6f} |")
        else:
            print(f"| {name} | fails: {r.get('message', '')} | | |")
    failures = []
    if "time" in ours and "time" in theirs:
        ratio = theirs["time"] / ours["time"]
        print(f"\ntorchmetrics / nmi time: {ratio:.1f}x (10x required)")
        assert abs(ours["value"] - theirs["value"]) < 1e-4, (ours["value"], theirs["value"])
        if ratio < 10:
            failures.append(f"time ratio {ratio:.1f}x < 10x")
        growth_ratio = theirs["growth_mb"] / max(ours["growth_mb"], 0.1)
        print(f"memory growth, torchmetrics / nmi: {growth_ratio:.0f}x")
    if "growth_mb" in ours and ours["growth_mb"] >= 16:
        failures.append(f"nmi memory growth {ours['growth_mb']:.1f} MB >= 16 MB")
    print(f"(ran in {time.perf_counter() - started:.0f} s)")
    print("all targets met" if not failures else "MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
