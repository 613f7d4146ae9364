"""score_many: B clusterings of N samples against one target, in one run.

Against B calls of nmi.normalized_mutual_info_score and B calls of scikit-learn's
normalized_mutual_info_score on the same data. Medians of several runs after a warm-up.
A second line does the same with HDBSCAN-style noise (-1 in about 10% of each clustering,
scored as singletons) and a third with sample weights; scikit-learn has neither.

Run: python benchmarks/bench_many.py [--b 20] [--n 1000000]
"""

from __future__ import annotations

import argparse

import numpy as np
from bench_core import median_time  # this folder is on sys.path when run as a script

import nmi


def main() -> None:
    from sklearn.metrics import normalized_mutual_info_score as sk_nmi

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--b", type=int, default=20)
    parser.add_argument("--n", type=int, default=10**6)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    target = rng.integers(0, 30, args.n)
    # a resolution sweep: from 10 to 48 clusters, agreeing more or less with the target
    preds = np.stack(
        [
            np.where(
                rng.random(args.n) < 0.5, target % (10 + 2 * i), rng.integers(0, 10 + 2 * i, args.n)
            )
            for i in range(args.b)
        ]
    )
    many = median_time(lambda: nmi.score_many(preds, target), 7)
    loop = median_time(lambda: [nmi.normalized_mutual_info_score(p, target) for p in preds], 7)
    sk = median_time(lambda: [sk_nmi(target, p) for p in preds], 1)
    assert np.allclose(
        nmi.score_many(preds, target),
        [sk_nmi(target, p) for p in preds[:3]]
        + [nmi.normalized_mutual_info_score(p, target) for p in preds[3:]],
    )
    print(f"B={args.b} clusterings of N={args.n:.0e} labels against one target")
    print(
        f"score_many: {many * 1e3:.1f} ms; {args.b} one-shot calls: {loop * 1e3:.1f} ms "
        f"({loop / many:.2f}x); scikit-learn loop: {sk:.2f} s ({sk / many:.0f}x)"
    )
    # the figures score_many was built to reach
    met = loop / many >= 2 and sk / many >= 100
    print("targets met (>= 2x one-shot calls, >= 100x scikit-learn)" if met else "MISSED targets")
    noisy = np.where(rng.random(preds.shape) < 0.1, -1, preds)
    weights = rng.random(args.n)
    for name, kwargs in (
        ("singleton noise", {"preds_noise": -1, "noise_policy": "singleton"}),
        ("sample weights", {"sample_weight": weights}),
    ):
        data = noisy if "preds_noise" in kwargs else preds
        many = median_time(lambda: nmi.score_many(data, target, **kwargs), 5)  # noqa: B023
        loop = median_time(
            lambda: [nmi.normalized_mutual_info_score(p, target, **kwargs) for p in data],  # noqa: B023
            5,
        )
        print(
            f"with {name}: score_many {many * 1e3:.1f} ms; {args.b} one-shot calls: "
            f"{loop * 1e3:.1f} ms ({loop / many:.2f}x)"
        )


if __name__ == "__main__":
    main()
