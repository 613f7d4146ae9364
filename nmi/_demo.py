"""``nmi demo``: k-means on the bundled iris data, scored against the species."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from ._validation import AVERAGE_METHODS
from .contingency import Contingency
from .functional import contingency_matrix


def load_iris() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.str_]]:
    """Return the 150 x 4 measurements and the species of Fisher's iris flowers."""
    with resources.files(__package__).joinpath("data/iris.csv").open() as f:
        rows = list(csv.reader(f))[1:]
    features = np.array([[float(v) for v in row[:4]] for row in rows])
    species = np.array([row[4] for row in rows])
    return features, species


def kmeans(x: npt.NDArray[np.float64], k: int, seed: int = 0, steps: int = 100) -> Any:
    """Lloyd's algorithm from k rows picked at random; return a cluster id per row."""
    rng = np.random.default_rng(seed)
    centers = x[rng.choice(len(x), k, replace=False)]
    assign = np.zeros(len(x), dtype=np.int64)
    for _ in range(steps):
        assign = ((x[:, None, :] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
        new = np.array(
            [x[assign == j].mean(axis=0) if np.any(assign == j) else centers[j] for j in range(k)]
        )
        if np.allclose(new, centers):
            break
        centers = new
    return assign


def figure(table: Contingency, scores: dict[str, float]) -> Any:
    """Draw the demo's picture: the table as a heat map beside the scores; return the figure."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=[3, 2])
    dense = table.to_dense()
    left.imshow(dense, cmap="Blues")
    for (r, c), value in np.ndenumerate(dense):
        color = "white" if value > dense.max() / 2 else "black"
        left.text(c, r, str(value), ha="center", va="center", color=color)
    left.set_xticks(range(table.shape[1]), [str(v) for v in table.col_labels])
    left.set_yticks(range(table.shape[0]), [f"cluster {v}" for v in table.row_labels])
    left.set_title("contingency table: k-means clusters vs species")
    right.barh(list(scores), list(scores.values()), color="tab:blue")
    right.set_xlim(0, 1)
    right.set_title("NMI by average_method")
    for i, score in enumerate(scores.values()):
        right.text(score + 0.01, i, f"{score:.3f}", va="center")
    fig.tight_layout()
    return fig


def _write_png(table: Contingency, scores: dict[str, float], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig = figure(table, scores)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run_demo(output: str | None) -> dict[str, float]:
    """Cluster iris with k-means, print the table and scores, write a PNG; return the scores."""
    features, species = load_iris()
    clusters = kmeans(features, k=3)
    table = contingency_matrix(clusters, species)
    print(f"iris: {table.n_samples} flowers, {table.shape[1]} species, k-means with k=3")
    width = max(len(s) for s in table.col_labels)
    print(" " * 10 + " ".join(f"{s:>{width}}" for s in table.col_labels))
    for label, row in zip(table.row_labels, table.to_dense(), strict=True):
        print(f"cluster {label} " + " ".join(f"{v:>{width}d}" for v in row))
    print(f"mutual information  {table.mutual_info():.4f} nats")
    print(f"entropy of clusters {table.row_entropy():.4f} nats")
    print(f"entropy of species  {table.col_entropy():.4f} nats")
    scores = {m: table.normalized_mutual_info(m) for m in AVERAGE_METHODS}
    for method, value in scores.items():
        print(f"NMI ({method}){' ' * (11 - len(method))}{value:.4f}")
    if output:
        try:
            _write_png(table, scores, output)
        except ImportError:
            print("matplotlib is not installed, so no picture: pip install matplotlib")
        else:
            print(f"wrote {output}")
    return scores
