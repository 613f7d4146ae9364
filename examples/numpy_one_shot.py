"""Score a clustering against ground truth with the NumPy API, in one call each.

Run: python examples/numpy_one_shot.py
"""

import numpy as np

import nmi

rng = np.random.default_rng(42)
truth = rng.integers(0, 20, 100_000)  # 20 true classes
# a clustering that splits every class in two and mislabels 10% of the points
found = truth * 2 + rng.integers(0, 2, truth.size)
noise = rng.random(truth.size) < 0.1
found[noise] = rng.integers(0, 40, noise.sum())

table = nmi.contingency_matrix(found, truth)
print(f"{table.n_samples} points, {table.shape[0]} clusters, {table.shape[1]} classes")
print(f"mutual information: {nmi.mutual_info_score(found, truth):.4f} nats")
print(f"entropy of the clustering: {nmi.entropy(found):.4f} nats")
for method in ("min", "geometric", "arithmetic", "max"):
    print(f"NMI ({method}): {nmi.normalized_mutual_info_score(found, truth, method):.6f}")
