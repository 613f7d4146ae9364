"""The clustering-comparison family as a candidate clustering gets more clusters.

Two candidates are scored against a ground truth of 10 clusters of 300 objects, at 2 to 300
clusters: random labels, which tell nothing about the truth, and the truth itself seen at
another resolution (its clusters merged, or each split at random into equal parts), with
20% of the objects mislabelled. For random labels NMI rises as their clusters multiply, and
the Rand index climbs towards 1 (most pairs are apart in both labelings), while AMI, ARI and
the reduced mutual information stay at about 0. For the truth, every score peaks at its 10
clusters; ARI, Fowlkes-Mallows and the cluster accuracy fall fastest when the truth is split,
the Rand index hardly at all.

Run: python examples/which_score.py [output.png]
"""

import sys

import numpy as np

import nmi

rng = np.random.default_rng(7)
truth = np.repeat(np.arange(10), 300)
noisy = np.where(rng.random(truth.size) < 0.8, truth, rng.integers(0, 10, truth.size))
SIZES = [2, 3, 5, 7, 10, 20, 30, 50, 100, 200, 300]


def at_resolution(k):
    """The noisy truth with k clusters: clusters merged (k < 10) or split at random."""
    if k <= 10:
        return noisy % k
    return noisy * (k // 10) + rng.integers(0, k // 10, truth.size)


NAMES = ("NMI", "AMI", "RMI", "ARI", "Rand", "FMI", "accuracy")


def scores(preds):
    table = nmi.contingency_matrix(preds, truth)  # counted once, every score read off it
    return (
        table.normalized_mutual_info(),
        table.adjusted_mutual_info(),
        table.normalized_reduced_mutual_info(),
        table.adjusted_rand(),
        table.rand(),
        table.fowlkes_mallows(),
        table.cluster_accuracy(),
    )


curves = {
    "random": [scores(rng.integers(0, k, truth.size)) for k in SIZES],
    "planted": [scores(at_resolution(k)) for k in SIZES],
}
for name, rows in curves.items():
    print(f"{name} candidates")
    print("clusters" + "".join(f"{name:>9}" for name in NAMES) + "  (RMI normalized by the truth)")
    for k, row in zip(SIZES, rows, strict=True):
        print(f"{k:8d}" + "".join(f"{v:9.3f}" for v in row))

output = sys.argv[1] if len(sys.argv) > 1 else "which-score.png"
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ModuleNotFoundError as exc:
    print(exc)
else:
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, (name, rows) in zip(axes, curves.items(), strict=True):
        for column, label in enumerate(NAMES):
            ax.plot(SIZES, [r[column] for r in rows], marker="o", markersize=3, label=label)
        ax.axvline(10, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        ax.set_xlabel("clusters in the candidate")
        ax.set_title(f"{name} candidates (truth: 10 clusters)")
        ax.axhline(0, color="black", linewidth=0.5)
    axes[0].set_ylabel("score")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    print(f"wrote {output}")
