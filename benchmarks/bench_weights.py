"""Sample weights and the noise policy: what they cost next to the plain score, in one run.

N labels, uniform in [0, 100) on each side, about 10% of them noise (-1) in ``preds``. Times
nmi plain, with ``sample_weight``, with each noise policy, and with both; against a NumPy
pass that only reads the labels and weights, and against scikit-learn, which has no
weights: it scores the plain labels, and the singleton policy as the relabelled input it
stands for. Medians of several runs after a warm-up (JIT compile included there).

Run: python benchmarks/bench_weights.py [--n 10000000]
"""

from __future__ import annotations

import argparse

import numpy as np
from bench_core import median_time  # this folder is on sys.path when run as a script

import nmi


def main() -> None:
    from sklearn.metrics import normalized_mutual_info_score as sk_nmi

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    target = rng.integers(0, 100, args.n)
    preds = np.where(rng.random(args.n) < 0.5, target, rng.integers(0, 100, args.n))
    noise = rng.random(args.n) < 0.1
    preds[noise] = -1
    weights = rng.random(args.n)
    singles = preds.copy()
    singles[noise] = 1000 + np.arange(int(noise.sum()))

    def score(**kw):
        return lambda: nmi.normalized_mutual_info_score(preds, target, **kw)

    cases = {
        "plain": score(),
        "sample_weight": score(sample_weight=weights),
        "noise drop": score(preds_noise=-1, noise_policy="drop"),
        "noise singleton": score(preds_noise=-1, noise_policy="singleton"),
        "singleton + weights": score(
            preds_noise=-1, noise_policy="singleton", sample_weight=weights
        ),
    }
    read = median_time(lambda: (preds.sum(), target.sum(), weights.sum()), 7)
    times = {name: median_time(func, 5) for name, func in cases.items()}
    sk_plain = median_time(lambda: sk_nmi(target, preds), 1)
    sk_single = median_time(lambda: sk_nmi(target, singles), 1)
    ours_single = cases["noise singleton"]()
    assert abs(ours_single - sk_nmi(target, singles)) < 1e-9
    print(f"N={args.n:.0e} labels, 100 clusters a side, 10% noise in preds; medians in ms")
    print(f"NumPy pass reading preds, target and weights: {read * 1e3:.1f} ms\n")
    print("| case | nmi | x plain | x NumPy read | scikit-learn | ratio |")
    print("|---|---|---|---|---|---|")
    for name, t in times.items():
        sk = {"plain": sk_plain, "noise singleton": sk_single}.get(name)
        sk_cols = f"{sk * 1e3:.0f} | {sk / t:.0f}x" if sk else "n/a | "
        print(f"| {name} | {t * 1e3:.1f} | {t / times['plain']:.2f} | {t / read:.2f} | {sk_cols} |")


if __name__ == "__main__":
    main()
