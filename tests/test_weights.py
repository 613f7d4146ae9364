"""sample_weight: the properties a weighted table must have, in the functional API and the
accumulator, and the errors that refuse bad weights without touching any state."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

import nmi

from .conftest import METHODS, Tuned, sklearn_ami

cases = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(-2, 2), min_size=n, max_size=n),
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
    )
)


@settings(max_examples=150, deadline=None)
@given(case=cases, method=st.sampled_from(METHODS), prefix=st.sampled_from([None, 1, 3]))
def test_whole_weights_equal_repeated_samples(case, method, prefix):
    check_whole_weights(case, method, Tuned(guess_prefix=prefix))  # the one-pass count too


def check_whole_weights(case, method, tuned):
    a, b, w = (np.array(x) for x in case)
    ra, rb = np.repeat(a, w), np.repeat(b, w)
    weighted = tuned.nmi(a, b, method, sample_weight=w)
    assert weighted == pytest.approx(nmi.normalized_mutual_info_score(ra, rb, method), abs=1e-12)
    assert tuned.mi(a, b, sample_weight=w) == pytest.approx(
        nmi.mutual_info_score(ra, rb), abs=1e-12
    )
    # the table itself: same cells, same labels, same total
    assert tuned.table(a, b, sample_weight=w) == nmi.contingency_matrix(ra, rb)
    if ra.size:
        ami = tuned.ami(a, b, method, sample_weight=w)
        assert ami == pytest.approx(sklearn_ami(rb, ra, method))
        scores = nmi.clustering_scores(a, b, sample_weight=w)
        assert scores["adjusted_rand"] == pytest.approx(skm.adjusted_rand_score(rb, ra))
        assert nmi.entropy(a, sample_weight=w) == pytest.approx(nmi.entropy(ra), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(case=cases, scale=st.sampled_from([1e-3, 0.37, 3.0, 1e6]), method=st.sampled_from(METHODS))
def test_scaling_every_weight_changes_nothing(case, scale, method):
    a, b, w = (np.array(x) for x in case)
    w = w + 0.5  # positive, not whole
    base = nmi.normalized_mutual_info_score(a, b, method, sample_weight=w)
    scaled = nmi.normalized_mutual_info_score(a, b, method, sample_weight=w * scale)
    assert scaled == pytest.approx(base, abs=1e-12)
    assert 0.0 <= base <= 1.0
    # symmetric, as the unweighted score
    assert nmi.normalized_mutual_info_score(b, a, method, sample_weight=w) == pytest.approx(
        base, abs=1e-15
    )


def test_zero_weight_equals_dropping_the_sample(rng):
    for _ in range(50):
        n = int(rng.integers(2, 200))
        a, b = rng.integers(0, 6, n), rng.integers(0, 4, n)
        w = rng.random(n) * (rng.random(n) < 0.7)  # about 30% zeros
        keep = w > 0
        full = nmi.contingency_matrix(a, b, sample_weight=w)
        dropped = nmi.contingency_matrix(a[keep], b[keep], sample_weight=w[keep])
        assert full == dropped  # labels only seen with weight 0 are gone too
        for method in METHODS:
            assert nmi.normalized_mutual_info_score(
                a, b, method, sample_weight=w
            ) == nmi.normalized_mutual_info_score(a[keep], b[keep], method, sample_weight=w[keep])


def test_none_equals_all_ones(rng):
    a, b = rng.integers(0, 50, 5000), rng.integers(0, 30, 5000)
    ones = np.ones(a.size)
    plain, weighted = nmi.contingency_matrix(a, b), nmi.contingency_matrix(a, b, sample_weight=ones)
    assert not plain.weighted
    assert weighted.weighted
    assert weighted.counts.dtype == np.float64
    assert plain.counts.dtype == np.int64
    assert plain == weighted
    for method in METHODS:
        assert nmi.normalized_mutual_info_score(
            a, b, method, sample_weight=ones
        ) == nmi.normalized_mutual_info_score(a, b, method)
        assert nmi.adjusted_mutual_info_score(a, b, method, sample_weight=ones) == pytest.approx(
            nmi.adjusted_mutual_info_score(a, b, method), abs=1e-12
        )


def test_weights_on_large_sparse_and_dense_paths(rng):
    # dense path (few labels) and sparse sort path (many labels) give the repeated result
    for k in (7, 20_000):
        a, b = rng.integers(0, k, 60_000), rng.integers(0, k, 60_000)
        w = rng.integers(0, 3, a.size)
        ra, rb = np.repeat(a, w), np.repeat(b, w)
        assert nmi.contingency_matrix(a, b, sample_weight=w) == nmi.contingency_matrix(ra, rb)


def test_str_and_hashed_labels_with_weights(rng):
    a = np.array(["x", "y", "z", "x", "y"])
    b = np.array([10**15, 3, 3, 10**15, -(10**15)])
    w = np.array([2, 1, 0, 1, 3])
    table = nmi.contingency_matrix(a, b, sample_weight=w)
    assert table.row_labels.tolist() == ["x", "y"]  # "z" only had weight 0
    assert table.col_labels.tolist() == [-(10**15), 3, 10**15]
    assert table.to_dense().tolist() == [[0.0, 0.0, 3.0], [3.0, 1.0, 0.0]]
    assert table.n_samples == 7.0


def test_fractional_weights_refuse_chance_adjusted_scores():
    a, b, w = [0, 0, 1, 1], [0, 1, 1, 1], [0.5, 1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="whole-number counts"):
        nmi.adjusted_mutual_info_score(a, b, sample_weight=w)
    scores = nmi.clustering_scores(a, b, sample_weight=w)
    assert math.isnan(scores["ami_arithmetic"])
    assert math.isnan(scores["adjusted_rand"])
    assert scores["nmi_arithmetic"] == nmi.normalized_mutual_info_score(a, b, sample_weight=w)


@pytest.mark.parametrize(
    ("weights", "error", "message"),
    [
        ([1.0, -1.0, 1.0], ValueError, r"sample_weight\[1\] is -1.0"),
        ([1.0, np.nan, 1.0], ValueError, "finite and non-negative"),
        ([1.0, np.inf, 1.0], ValueError, "finite and non-negative"),
        ([1.0, 1.0], ValueError, "has 2 values but there are 3 samples"),
        ([[1.0, 1.0, 1.0]], ValueError, "must be 1D"),
        (["a", "b", "c"], TypeError, "real numbers"),
        ([1j, 1, 1], TypeError, "real numbers"),
    ],
)
def test_bad_weights_are_refused_and_change_no_state(weights, error, message):
    with pytest.raises(error, match=message):
        nmi.normalized_mutual_info_score([0, 1, 1], [0, 1, 0], sample_weight=weights)
    metric = nmi.NormalizedMutualInfoScore()
    metric.update([0, 1], [0, 1])
    before = metric.state_dict()
    with pytest.raises(error, match=message):
        metric.update([0, 1, 1], [0, 1, 0], sample_weight=weights)
    with pytest.raises(error, match=message):
        metric.forward([0, 1, 1], [0, 1, 0], sample_weight=weights)
    after = metric.state_dict()
    assert all(np.array_equal(after[k], before[k]) for k in before if k != "noise")
    assert metric.n_samples == 2
    assert not metric.table.weighted


def test_accumulator_mixes_weighted_and_plain_batches(rng):
    a, b = rng.integers(0, 9, 3000), rng.integers(0, 5, 3000)
    w = rng.integers(0, 4, 3000).astype(float)
    metric = nmi.NormalizedMutualInfoScore("max")
    metric.update(a[:1000], b[:1000])  # plain: weight 1 each
    batch = metric.forward(a[1000:], b[1000:], sample_weight=w[1000:])
    assert batch == nmi.normalized_mutual_info_score(
        a[1000:], b[1000:], "max", sample_weight=w[1000:]
    )
    full_w = np.concatenate([np.ones(1000), w[1000:]])
    assert metric.table.weighted
    assert metric.n_samples == pytest.approx(full_w.sum())
    expected = nmi.normalized_mutual_info_score(a, b, "max", sample_weight=full_w)
    assert metric.compute() == pytest.approx(expected, abs=1e-12)
    # weighted state survives state_dict, pickle and merges
    twin = nmi.NormalizedMutualInfoScore("max")
    twin.load_state_dict(metric.state_dict())
    assert twin.table == metric.table
    assert pickle.loads(pickle.dumps(metric)).table == metric.table
    other = nmi.NormalizedMutualInfoScore("max")
    other.update(a, b, sample_weight=full_w)
    assert (metric + 0).table.n_samples == other.table.n_samples
    assert other.compute() == pytest.approx(metric.compute(), abs=1e-12)


def test_score_many_with_weights(rng):
    preds = rng.integers(0, 5, (4, 500))
    target, w = rng.integers(0, 3, 500), rng.random(500)
    got = nmi.score_many(preds, target, sample_weight=w)
    expected = [nmi.normalized_mutual_info_score(p, target, sample_weight=w) for p in preds]
    assert got.tolist() == expected


@pytest.mark.parametrize("scale", [1e-300, 1e-170, 1e-100, 1e100, 1e170, 1e300])
def test_only_relative_weights_matter_at_any_scale(rng, scale):
    # products of tiny weights underflow; they once made tables look independent (score 0.0)
    for _ in range(30):
        n = int(rng.integers(2, 40))
        a, b = rng.integers(0, 3, n), rng.integers(0, 3, n)
        w = rng.integers(1, 4, n).astype(float)
        plain = nmi.clustering_scores(a, b, sample_weight=w)
        scaled = nmi.clustering_scores(a, b, sample_weight=w * scale)
        for key in ("mutual_info", "nmi_arithmetic", "nmi_min", "v_measure"):
            assert scaled[key] == pytest.approx(plain[key], rel=1e-9, abs=1e-15), (key, a, b, w)


def test_weights_whose_total_overflows_are_refused_and_change_no_state():
    with pytest.raises(ValueError, match="sample_weight adds up to more than float64 holds"):
        nmi.normalized_mutual_info_score([0, 1, 1], [1, 0, 0], sample_weight=[1e308] * 3)
    metric = nmi.NormalizedMutualInfoScore()
    metric.update([0, 1], [0, 1], sample_weight=[1e308, 5e307])
    before = metric.table
    with pytest.raises(ValueError, match="more than float64 holds"):
        metric.update([0, 1], [0, 1], sample_weight=[1e308, 5e307])  # the sum of two totals
    assert metric.table == before


def test_counts_whose_total_overflows_int64_are_refused():
    big = np.array([[2**62, 2**62], [2**62, 1]], dtype=np.int64)
    with pytest.raises(ValueError, match="counts add up to more than int64 holds"):
        nmi.Contingency.from_matrix(big)
    fits = nmi.Contingency.from_matrix(big // 2)
    assert fits.n_samples == 3 * 2**61
