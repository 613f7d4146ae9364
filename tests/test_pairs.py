"""Pair counting: the Rand index, ARI and Fowlkes-Mallows exact at any size."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

import nmi


def exact(matrix):
    """Pair counts of a dense table (rows: preds, columns: target), as Python integers."""
    cells = [int(v) for row in matrix for v in row]
    rows = [sum(int(v) for v in row) for row in matrix]
    cols = [sum(int(row[j]) for row in matrix) for j in range(len(matrix[0]))]
    n = sum(rows)
    sq_cells = sum(v * v for v in cells)
    sq_rows = sum(v * v for v in rows)
    sq_cols = sum(v * v for v in cols)
    tp = sq_cells - n
    fp = sq_rows - sq_cells  # together in preds only
    fn = sq_cols - sq_cells  # together in target only
    tn = n * n - fp - fn - sq_cells
    return n, tn, fp, fn, tp


def exact_scores(matrix):
    n, tn, fp, fn, tp = exact(matrix)
    ari = Fraction(2 * (tp * tn - fn * fp), (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    rand = Fraction(tn + tp, n * n - n)
    fmi = math.sqrt(Fraction(tp, tp + fp) * Fraction(tp, tp + fn)) if tp else 0.0
    return float(ari), float(rand), fmi, (tn, fp, fn, tp)


BIG = [
    [[1_600_000_001, 1_600_000_000], [1_600_000_000, 1_600_000_001]],  # 6.4e9 samples
    [[2_000_000_000, 500_000_000], [500_000_000, 2_000_000_000]],
    [[300_000_000_000, 7, 50_000_000_000], [1, 250_000_000_000, 3], [90_000_000_000, 0, 1]],
    [[2**39, 2**38 + 5], [2**37 + 11, 2**39 - 3]],  # 1.9e12 samples, counts near 2**40
]


@pytest.mark.parametrize("matrix", BIG, ids=["6.4e9", "5e9", "1e12", "2**40"])
def test_pair_scores_of_billions_of_samples_are_the_exact_values(matrix):
    table = nmi.Contingency.from_matrix(matrix)
    ari, rand, fmi, _ = exact_scores(matrix)
    assert table.adjusted_rand() == ari  # one correctly rounded division of exact integers
    assert table.rand() == rand
    assert table.fowlkes_mallows() == pytest.approx(fmi, rel=1e-15)
    assert table.T.adjusted_rand() == ari
    assert table.T.fowlkes_mallows() == table.fowlkes_mallows()  # bit-symmetric
    assert -1.0 <= ari <= 1.0


def test_whole_weights_count_as_samples_past_int64_squares():
    # 4 distinct pairs weighted to 1e12 samples in all: the same table as from_matrix
    preds, target = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    weights = np.array([4e11, 1e11, 2e11, 3e11])
    ari, rand, fmi, confusion = exact_scores([[4 * 10**11, 10**11], [2 * 10**11, 3 * 10**11]])
    assert nmi.adjusted_rand_score(preds, target, sample_weight=weights) == ari
    assert nmi.rand_score(preds, target, sample_weight=weights) == rand
    assert nmi.fowlkes_mallows_score(preds, target, sample_weight=weights) == pytest.approx(
        fmi, rel=1e-15
    )
    matrix = nmi.pair_confusion_matrix(preds, target, sample_weight=weights)
    assert matrix.dtype == object  # counts past int64, as Python integers
    assert [int(v) for v in matrix.ravel()] == list(confusion)


def test_the_bootstrap_of_a_pair_score_past_int64_squares_stays_in_range():
    table = nmi.Contingency.from_matrix(BIG[1])
    for score in ("ari", "rand", "fmi"):
        res = nmi.bootstrap(contingency=table, score=score, n_resamples=30, random_state=1)
        low, high = res.confidence_interval
        assert low <= res.statistic <= high
        assert high - low < 1e-3  # 5e9 samples: a narrow interval around the score
        assert ((res.bootstrap_distribution > 0.3) & (res.bootstrap_distribution <= 1)).all()


labels = st.lists(st.integers(0, 6), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_pair_scores_are_scikit_learns(data):
    preds = np.array(data.draw(labels))
    target = np.array(data.draw(st.lists(st.integers(-3, 4), min_size=len(preds),
                                         max_size=len(preds))))  # fmt: skip
    pairs = (
        (nmi.adjusted_rand_score, skm.adjusted_rand_score),
        (nmi.rand_score, skm.rand_score),
        (nmi.fowlkes_mallows_score, skm.fowlkes_mallows_score),
    )
    for ours, theirs in pairs:
        assert ours(preds, target) == pytest.approx(theirs(target, preds), rel=1e-12, abs=1e-15)
        assert ours(preds, target) == ours(target, preds)  # bit-symmetric
    ours = nmi.pair_confusion_matrix(preds, target)
    assert np.array_equal(ours, skm.cluster.pair_confusion_matrix(target, preds))
    dense = skm.cluster.contingency_matrix(target, preds)
    rows, cols = linear_sum_assignment(dense, maximize=True)
    accuracy = dense[rows, cols].sum() / len(preds)
    assert nmi.cluster_accuracy(preds, target) == pytest.approx(accuracy, rel=1e-12)
    assert nmi.cluster_accuracy(preds, target) == nmi.cluster_accuracy(target, preds)
    h, c, v = nmi.homogeneity_completeness_v_measure(preds, target, beta=2.0)
    expected = skm.homogeneity_completeness_v_measure(target, preds, beta=2.0)
    assert (h, c, v) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert nmi.v_measure_score(preds, target, beta=0.5) == pytest.approx(
        skm.v_measure_score(target, preds, beta=0.5), rel=1e-12, abs=1e-15
    )


def test_the_edge_cases_are_scikit_learns():
    for preds, target in (([], []), ([0], [0]), ([0, 0], [1, 1]), ([0, 1, 2], [0, 0, 0]),
                          ([0, 1, 2], [5, 6, 7])):  # fmt: skip
        for ours, theirs in ((nmi.rand_score, skm.rand_score),
                             (nmi.fowlkes_mallows_score, skm.fowlkes_mallows_score),
                             (nmi.adjusted_rand_score, skm.adjusted_rand_score)):  # fmt: skip
            assert ours(preds, target) == theirs(target, preds), (ours.__name__, preds, target)


def test_beta_is_checked():
    with pytest.raises(ValueError, match="beta must be a finite number >= 0"):
        nmi.v_measure_score([0, 1], [0, 1], beta=-1.0)
    with pytest.raises(TypeError, match="beta must be a real number"):
        nmi.VMeasureScore(beta="2")
    metric = nmi.VMeasureScore(beta=2.0)
    metric.update([0, 0, 1, 1], [0, 0, 1, 2])
    expected = skm.v_measure_score([0, 0, 1, 2], [0, 0, 1, 1], beta=2.0)
    assert metric.compute() == pytest.approx(expected, rel=1e-12)
    import pickle

    assert pickle.loads(pickle.dumps(metric)).compute() == metric.compute()


def test_pair_scores_past_int64_squares_through_every_resampling_path():
    table = nmi.Contingency.from_matrix(BIG[1])  # 5e9 samples, ARI 0.36
    ari = table.adjusted_rand()
    for method in ("basic", "percentile", "bca"):
        res = nmi.bootstrap(contingency=table, score="ari", method=method, n_resamples=40,
                            random_state=2)  # fmt: skip
        low, high = res.confidence_interval
        assert low < ari < high < ari + 1e-3, method
    test = nmi.permutation_test(contingency=table, score="ari", n_resamples=40, random_state=2)
    assert test.pvalue == 1 / 41  # no random table comes near 0.36
    rng = np.random.default_rng(0)
    target = rng.integers(0, 2, 40)
    a = np.where(rng.random(40) < 0.8, target, 1 - target)
    b = np.where(rng.random(40) < 0.6, target, 1 - target)
    weights = np.full(40, 1e9)  # 4e10 samples: squares past int64
    res = nmi.compare(a, b, target, score="ari", sample_weight=weights, n_resamples=40,
                      random_state=2)  # fmt: skip
    low, high = res.confidence_interval
    assert res.scores == (nmi.adjusted_rand_score(a, target, sample_weight=weights),
                          nmi.adjusted_rand_score(b, target, sample_weight=weights))  # fmt: skip
    assert low < res.statistic < high < res.statistic + 1e-3
