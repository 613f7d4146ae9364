"""Cluster accuracy: the best one-to-one matching of clusters to classes, dense or sparse."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

import nmi
from nmi import _scores


def by_scipy(preds, target, weights=None):
    """The matched share by scipy's Hungarian assignment on the dense table."""
    table = nmi.contingency_matrix(preds, target, sample_weight=weights).to_dense()
    rows, cols = linear_sum_assignment(table, maximize=True)
    return table[rows, cols].sum() / table.sum()


def both_paths(table):
    s = table.summary
    args = (s.rows, s.cols, s.counts, *table.shape, s.n, s.noise)
    return (_scores.cluster_accuracy_of(*args), _scores.cluster_accuracy_of(*args, dense_max=0))


@pytest.mark.parametrize("seed", range(6))
def test_dense_and_sparse_matchings_are_scipys(seed):
    rng = np.random.default_rng(seed)
    for _ in range(30):
        ka, kb = rng.integers(1, 40, 2)
        n = int(rng.integers(1, 500))
        target = rng.integers(0, kb, n)
        preds = np.where(rng.random(n) < rng.random(), target % ka, rng.integers(0, ka, n))
        dense, sparse = both_paths(nmi.contingency_matrix(preds, target))
        assert dense == sparse == by_scipy(preds, target)
        assert nmi.cluster_accuracy(preds, target) == nmi.cluster_accuracy(target, preds)


def test_noise_singletons_are_clusters_of_one():
    rng = np.random.default_rng(7)
    target = rng.integers(-1, 6, 400)
    preds = np.where(rng.random(400) < 0.6, target, rng.integers(-1, 5, 400))
    # the same labelings with each noise sample given a label of its own
    unique_p = np.where(preds == -1, 1000 + np.arange(400), preds)
    unique_t = np.where(target == -1, 5000 + np.arange(400), target)
    table = nmi.contingency_matrix(preds, target, preds_noise=-1, target_noise=-1,
                                   noise_policy="singleton")  # fmt: skip
    expected = by_scipy(unique_p, unique_t)
    dense, sparse = both_paths(table)
    assert dense == sparse == pytest.approx(expected, rel=1e-15)
    assert table.cluster_accuracy() == dense


def test_weights_are_repetitions_and_may_be_fractional():
    rng = np.random.default_rng(8)
    preds, target = rng.integers(0, 5, 200), rng.integers(0, 4, 200)
    w = rng.integers(1, 4, 200)
    repeated = nmi.cluster_accuracy(np.repeat(preds, w), np.repeat(target, w))
    assert nmi.cluster_accuracy(preds, target, sample_weight=w) == pytest.approx(repeated)
    half = nmi.cluster_accuracy(preds, target, sample_weight=w / 2.0)
    assert half == pytest.approx(repeated, rel=1e-14)
    assert half == pytest.approx(by_scipy(preds, target, w / 2.0), rel=1e-14)
    with pytest.raises(ValueError, match="cluster accuracy is not defined for noise singletons"):
        nmi.cluster_accuracy(preds, target, sample_weight=w, preds_noise=0,
                             noise_policy="singleton")  # fmt: skip
    scores = nmi.clustering_scores(preds, target, sample_weight=w, preds_noise=0,
                                   noise_policy="singleton")  # fmt: skip
    assert np.isnan(scores["cluster_accuracy"])


def test_edge_cases():
    assert nmi.cluster_accuracy([], []) == 1.0
    assert nmi.cluster_accuracy([0, 0, 0], [1, 1, 1]) == 1.0
    assert nmi.cluster_accuracy([0, 1, 2, 3], [0, 0, 0, 0]) == 0.25  # one cluster matched
    assert nmi.cluster_accuracy([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0  # relabelled
