"""Adjusted mutual information: nmi's expected-MI kernel against scikit-learn and torchmetrics.

Same data for all, in one process; nmi is warmed up first (JIT) and timed as the median of
several calls from the labels; scikit-learn and torchmetrics, much slower, are timed once.

Run: python benchmarks/bench_ami.py
"""

from __future__ import annotations

import numpy as np
from timing import timed

import nmi


def main() -> None:
    from sklearn.metrics import adjusted_mutual_info_score as sk_ami

    rng = np.random.default_rng(2026)
    print("| case | nmi (s) | scikit-learn (s) | ratio | |AMI difference| |")
    print("|---|---|---|---|---|")
    failures = []
    for n, k in ((10**5, 3000), (10**6, 1000)):
        preds, target = rng.integers(0, k, n), rng.integers(0, k, n)
        nmi.adjusted_mutual_info_score(preds[:1000], target[:1000])  # warm the JIT
        t_nmi, ours = timed(nmi.adjusted_mutual_info_score, preds, target, repeat=5)
        t_sk, theirs = timed(sk_ami, target, preds)
        ratio = t_sk / t_nmi
        print(
            f"| N={n:.0e}, {k} clusters | {t_nmi:.3f} | {t_sk:.1f} | {ratio:.0f}x | "
            f"{abs(ours - theirs):.1e} |",
            flush=True,
        )
        if ratio < 10:
            failures.append(f"N={n}: {ratio:.1f}x scikit-learn < 10x")
    try:
        import torch
        from torchmetrics.functional.clustering import adjusted_mutual_info_score as tm_ami
    except ImportError:
        print("torchmetrics not installed: skipped")
    else:
        from nmi.torch import adjusted_mutual_info_score as torch_ami

        preds = torch.randint(0, 50, (2000,))
        target = torch.randint(0, 50, (2000,))
        torch_ami(preds, target)
        t_nmi, ours = timed(torch_ami, preds, target, repeat=20)
        t_tm, theirs = timed(tm_ami, preds, target)
        ratio = t_tm / t_nmi
        print(
            f"| N=2000, 50 clusters, torch tensors | {t_nmi:.4f} | torchmetrics {t_tm:.2f} | "
            f"{ratio:.0f}x | {abs(float(ours) - float(theirs)):.1e} |"
        )
        if ratio < 100:
            failures.append(f"torchmetrics: {ratio:.0f}x < 100x")
    print("all targets met" if not failures else "MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
