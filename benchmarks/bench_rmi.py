"""Reduced mutual information: nmi against clustering-mi, the reference implementation.

Same labels for both, in one process, with a read-only NumPy pass over them as the yardstick.
nmi is warmed up first (JIT) and timed as the median of several calls from the labels;
clustering-mi (C++ over a dense table) is timed once per case. Values are compared in
clustering-mi's units: total bits over all objects (nmi reports nats per object).

Run: python benchmarks/bench_rmi.py
"""

from __future__ import annotations

import math
import sys

import numpy as np
from timing import read_pass, timed

import nmi


def main() -> None:
    import clustering_mi

    rng = np.random.default_rng(2026)
    print("| case | reduction | read pass (s) | nmi (s) | clustering-mi (s) | ratio | rel. diff |")
    print("|---|---|---|---|---|---|---|")
    failures = []
    nmi.reduced_mutual_info_score([0, 1, 1], [0, 0, 1])  # warm the JIT
    nmi.reduced_mutual_info_score([0, 1, 1], [0, 0, 1], reduction="flat")
    for n, k in ((10**6, 100), (10**6, 10**4)):
        target = rng.integers(0, k, n)
        # a candidate that recovers 70% of the target's labels, the rest at random
        preds = np.where(rng.random(n) < 0.7, target, rng.integers(0, k, n))
        t_read, _ = timed(read_pass, preds, target, repeat=5)
        for reduction, variation in (("dirichlet", "reduced"), ("flat", "reduced_flat")):
            t_nmi, ours = timed(
                nmi.reduced_mutual_info_score, preds, target, reduction=reduction, repeat=5
            )
            t_ref, theirs = timed(
                clustering_mi.mutual_information, preds, target, variation=variation
            )
            ours_bits = ours * n / math.log(2)
            ratio = t_ref / t_nmi
            print(
                f"| N={n:.0e}, {k} clusters | {reduction} | {t_read:.4f} | {t_nmi:.3f} | "
                f"{t_ref:.2f} | {ratio:.0f}x | {abs(ours_bits - theirs) / abs(theirs):.1e} |",
                flush=True,
            )
            if ratio < 10:
                failures.append(f"N={n}, k={k}, {reduction}: {ratio:.1f}x clustering-mi < 10x")
    if failures:
        print("\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
