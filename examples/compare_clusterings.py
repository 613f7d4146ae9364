"""Is "NMI 0.71 vs 0.69" a difference? Bootstrap intervals and a paired comparison.

Two candidate clusterings of the same 3,000 objects against a ground truth of 8 clusters:
candidate A mislabels 12% of the objects, candidate B the same ones and 1.5% more. Each score
gets a 95% bootstrap interval, and ``nmi.compare`` resamples the objects jointly for the
difference: the intervals of the two scores overlap, yet the paired difference is clearly
above zero, because both candidates are scored on the same resampled objects.

Run: python examples/compare_clusterings.py [output.png]
"""

import sys

import numpy as np

import nmi

rng = np.random.default_rng(3)
truth = np.repeat(np.arange(8), 375)
wrong_a = rng.random(truth.size) < 0.12
a = np.where(wrong_a, rng.integers(0, 8, truth.size), truth)
wrong_b = wrong_a | (rng.random(truth.size) < 0.015)
b = np.where(wrong_b & ~wrong_a, rng.integers(0, 8, truth.size), a)

res_a = nmi.bootstrap(a, truth, random_state=0)
res_b = nmi.bootstrap(b, truth, random_state=1)
diff = nmi.compare(a, b, truth, random_state=2)
for name, r in (("A", res_a), ("B", res_b)):
    low, high = r.confidence_interval
    print(f"NMI of {name}: {r.statistic:.3f}  95% interval [{low:.3f}, {high:.3f}]")
low, high = diff.confidence_interval
print(f"A - B: {diff.statistic:.4f}  95% interval [{low:.4f}, {high:.4f}]  p = {diff.pvalue:.4f}")

output = sys.argv[1] if len(sys.argv) > 1 else "compare-clusterings.png"
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ModuleNotFoundError as exc:
    print(exc)
else:
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    for name, r in (("A", res_a), ("B", res_b)):
        left.hist(r.bootstrap_distribution, bins=60, alpha=0.6, label=f"candidate {name}")
        for end in r.confidence_interval:
            left.axvline(end, color="black", linewidth=0.6, linestyle=":")
    left.set_xlabel("NMI (9,999 bootstrap replicates)")
    left.set_title("each score, with its 95% interval")
    left.legend()
    d = diff.bootstrap_distribution[:, 0] - diff.bootstrap_distribution[:, 1]
    right.hist(d, bins=60, color="tab:green", alpha=0.7)
    right.axvline(0, color="black", linewidth=0.8)
    for end in diff.confidence_interval:
        right.axvline(end, color="black", linewidth=0.6, linestyle=":")
    right.set_xlabel("NMI of A - NMI of B (paired replicates)")
    right.set_title(f"their difference, p = {diff.pvalue:.4f}")
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    print(f"wrote {output}")
