"""Score a k-means clustering of the iris flowers against their species.

Iris (Fisher, 1936; UCI Machine Learning Repository, CC BY 4.0) ships with nmi as a CSV:
150 flowers, four measurements, three species. We cluster the measurements with a small
k-means written in NumPy, then compare the clusters with the species.

Run: python examples/score_iris.py
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

import nmi


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    with resources.files("nmi").joinpath("data/iris.csv").open() as f:
        rows = list(csv.DictReader(f))
    features = np.array([[float(r[k]) for k in list(r)[:4]] for r in rows])
    species = np.array([r["species"] for r in rows])
    return features, species


def kmeans(x: np.ndarray, k: int, seed: int = 0, steps: int = 100) -> np.ndarray:
    """Lloyd's algorithm from k points picked at random; returns a cluster id per row."""
    rng = np.random.default_rng(seed)
    centers = x[rng.choice(len(x), k, replace=False)]
    for _ in range(steps):
        assign = ((x[:, None, :] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
        new = np.array(
            [x[assign == j].mean(axis=0) if np.any(assign == j) else centers[j] for j in range(k)]
        )
        if np.allclose(new, centers):
            break
        centers = new
    return assign


def main() -> None:
    features, species = load_iris()
    clusters = kmeans(features, k=3)
    table = nmi.contingency_matrix(clusters, species)
    n_species, n_clusters = table.shape[1], table.shape[0]
    print(f"iris: {table.n_samples} flowers, {n_species} species, {n_clusters} k-means clusters")
    print("contingency table (rows: clusters, columns: " + ", ".join(table.col_labels) + "):")
    for label, row in zip(table.row_labels, table.to_dense(), strict=True):
        print(f"  cluster {label}: " + " ".join(f"{v:4d}" for v in row))
    print(f"mutual information       {nmi.mutual_info_score(clusters, species):.4f} nats")
    print(f"entropy of the clusters  {nmi.entropy(clusters):.4f} nats")
    print(f"entropy of the species   {nmi.entropy(species):.4f} nats")
    for method in ("min", "geometric", "arithmetic", "max"):
        score = nmi.normalized_mutual_info_score(clusters, species, average_method=method)
        print(f"NMI ({method:10s})        {score:.4f}")


if __name__ == "__main__":
    main()
