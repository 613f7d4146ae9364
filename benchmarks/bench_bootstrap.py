"""Bootstrap intervals from the table against resampling the samples.

Part 1, 1e7 labels with 100 clusters a side: 9,999 bootstrap replicates of NMI drawn from the
contingency table (the median of three runs), against one NMI of the labels (nmi's own
one-shot score, the cost of one replicate for any method that resamples the samples) and a
read-only NumPy pass over them.
Two tables: a clustering whose errors spread over every cluster (10,000 cells) and one whose
errors stay among neighbouring clusters (some 500 cells).

Part 2, 1e5 labels: ``scipy.stats.bootstrap`` (paired, its statistic nmi's own NMI, the
fastest there is) against ``nmi.bootstrap``, both with the basic interval. scipy is timed on
999 replicates and scaled to 9,999 (its cost is the same for each replicate); nmi runs all
9,999, the median of three runs. The intervals are printed side by side.

Part 3, memory: the peak of NumPy allocations (tracemalloc) while bootstrapping tables of the
same shape from 1e5 and 1e7 labels.

Run: python benchmarks/bench_bootstrap.py
"""

from __future__ import annotations

import sys
import tracemalloc
import warnings

import numpy as np
from timing import read_pass, timed

import nmi


def spread_errors(rng, n, k, agree):
    target = rng.integers(0, k, n)
    return np.where(rng.random(n) < agree, target, rng.integers(0, k, n)), target


def near_errors(rng, n, k, agree):
    target = rng.integers(0, k, n)
    shift = rng.integers(-2, 3, n)  # a wrong label is one of the 4 nearest clusters
    wrong = (target + np.where(shift == 0, 3, shift)) % k
    return np.where(rng.random(n) < agree, target, wrong), target


def part_large(rng):
    print("| labels | table cells | read pass (s) | one NMI (s) | 9,999 replicates (s) |"
          " / one NMI | per replicate vs resampling samples |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name, make in (("errors among all clusters", spread_errors),
                       ("errors among near clusters", near_errors)):  # fmt: skip
        preds, target = make(rng, 10**7, 100, 0.7)
        t_read, _ = timed(read_pass, preds, target, repeat=5)
        t_one, _ = timed(nmi.normalized_mutual_info_score, preds, target, repeat=5)
        table = nmi.contingency_matrix(preds, target)
        t_table, _ = timed(nmi.contingency_matrix, preds, target, repeat=3)
        nmi.bootstrap(contingency=table, n_resamples=50, random_state=0)  # warm
        t_boot, res = timed(table.bootstrap, n_resamples=9999, random_state=0, repeat=3)
        t_all = t_table + t_boot
        lo, hi = res.confidence_interval
        print(
            f"| 1e7, 100 clusters, {name} | {table.nnz} | {t_read:.4f} | {t_one:.4f} | "
            f"{t_all:.2f} | {t_all / t_one:.0f}x | {t_one * 9999 / t_all:.0f}x faster |"
            f"  NMI {res.statistic:.4f} [{lo:.4f}, {hi:.4f}]",
            flush=True,
        )


def part_scipy(rng, failures):
    from scipy import stats

    print()
    print("| labels | table cells | scipy.stats.bootstrap, 9,999 (s) | nmi.bootstrap, 9,999 (s) |"
          " ratio | scipy interval | nmi interval |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for k in (10, 30, 100):
        preds, target = spread_errors(rng, 10**5, k, 0.7)

        def score(p, t):
            return nmi.normalized_mutual_info_score(p, t)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_scipy, theirs = timed(
                stats.bootstrap, (preds, target), score, paired=True, vectorized=False,
                n_resamples=999, method="basic", random_state=0,
            )  # fmt: skip
            t_scipy *= 9999 / 999
            nmi.bootstrap(preds, target, n_resamples=20, random_state=0)  # warm
            t_ours, ours = timed(
                nmi.bootstrap, preds, target, n_resamples=9999, random_state=0, repeat=3
            )
        ratio = t_scipy / t_ours
        table = nmi.contingency_matrix(preds, target)
        a, b = theirs.confidence_interval
        c, d = ours.confidence_interval
        print(
            f"| 1e5, {k} clusters | {table.nnz} | {t_scipy:.1f} | {t_ours:.3f} | {ratio:.0f}x | "
            f"[{a:.4f}, {b:.4f}] | [{c:.4f}, {d:.4f}] |",
            flush=True,
        )
        if ratio < 100:
            failures.append(f"1e5 labels, {k} clusters: {ratio:.0f}x scipy.stats.bootstrap < 100x")


def part_memory(rng):
    print()
    print("| labels | table cells | peak NumPy memory of bootstrap(9,999) |")
    print("|---|---|---|")
    for n in (10**5, 10**7):
        preds, target = spread_errors(rng, n, 30, 0.7)
        table = nmi.contingency_matrix(preds, target)
        tracemalloc.start()
        nmi.bootstrap(contingency=table, n_resamples=9999, random_state=0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"| {n:.0e} | {table.nnz} | {peak / 2**20:.2f} MiB |", flush=True)


def main() -> None:
    rng = np.random.default_rng(2026)
    failures: list[str] = []
    part_large(rng)
    part_scipy(rng, failures)
    part_memory(rng)
    if failures:
        print("\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
