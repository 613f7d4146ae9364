"""The reduced mutual information: against clustering-mi, the papers' claims, edge cases."""

import itertools
import math

import clustering_mi as cmi
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

import nmi
from nmi import _reduced as reduced
from nmi._kernels import info as kinfo

NORMALIZATIONS = {"target": "second", "preds": "first", "mean": "mean"}
REDUCTIONS = {"dirichlet": "reduced", "flat": "reduced_flat"}

labelings = st.integers(1, 160).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 12), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


def total_bits(score, n):
    return score * n / math.log(2)


@settings(max_examples=120, deadline=None)
@given(labelings)
def test_reduced_mutual_info_is_clustering_mi_per_object_in_nats(case):
    preds, target = case
    n = len(preds)
    table = nmi.contingency_matrix(preds, target)
    scale = math.lgamma(n + 1.0) / math.log(2)  # the size of the terms that cancel
    for ours_name, theirs_name in REDUCTIONS.items():
        theirs = cmi.mutual_information(preds, target, variation=theirs_name)
        all_one = len(set(target)) == n
        if ours_name == "flat" and all_one and n > 1:
            continue  # clustering-mi's exact branch differs: see the test of that case below
        ours = total_bits(table.reduced_mutual_info(ours_name), n)
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12 * scale)
        assert nmi.reduced_mutual_info_score(preds, target, reduction=ours_name) == (
            table.reduced_mutual_info(ours_name)
        )


@settings(max_examples=120, deadline=None)
@given(labelings)
def test_normalized_reduced_mutual_info_is_clustering_mi(case):
    preds, target = case
    n = len(preds)
    ka, kb = len(set(preds)), len(set(target))
    table = nmi.contingency_matrix(preds, target)
    for (ours_name, theirs_name), (norm, theirs_norm) in itertools.product(
        REDUCTIONS.items(), NORMALIZATIONS.items()
    ):
        ours = table.normalized_reduced_mutual_info(norm, ours_name)
        told = {"target": kb, "preds": ka, "mean": max(ka, kb)}[norm]
        if told == 1:
            # nothing to know about a side of one cluster: 1.0 here, as scikit-learn's
            # homogeneity says; clustering-mi divides 0 by 0 and reports 0
            assert ours == 1.0
            continue
        if ours_name == "flat" and n in (ka, kb):
            continue  # clustering-mi's exact branch differs (below)
        theirs = cmi.normalized_mutual_information(
            preds, target, variation=theirs_name, normalization=theirs_norm
        )
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)


def test_without_reduction_the_normalizations_are_homogeneity_completeness_v_measure(rng):
    for _ in range(30):
        n = int(rng.integers(2, 400))
        preds, target = rng.integers(0, 9, n), rng.integers(0, rng.integers(1, 6), n)
        h, c, v = skm.homogeneity_completeness_v_measure(target, preds)
        got = [
            nmi.normalized_reduced_mutual_info_score(
                preds, target, normalization=norm, reduction="none"
            )
            for norm in ("target", "preds", "mean")
        ]
        assert got == pytest.approx([h, c, v], abs=1e-12)
        assert nmi.reduced_mutual_info_score(preds, target, reduction="none") == (
            nmi.mutual_info_score(preds, target)
        )


def test_random_labelings_with_many_groups_have_nmi_but_no_reduced_information(rng):
    n = 1000
    target = rng.integers(0, 5, n)
    preds = rng.integers(0, 200, n)  # independent of the target, in many groups
    assert nmi.normalized_mutual_info_score(preds, target) > 0.05
    assert nmi.mutual_info_score(preds, target) > 0.15
    for reduction in ("dirichlet", "flat"):
        assert nmi.reduced_mutual_info_score(preds, target, reduction=reduction) < 1e-3
        score = nmi.normalized_reduced_mutual_info_score(preds, target, reduction=reduction)
        assert score < 0.01


def test_splitting_clusters_raises_the_mutual_information_but_lowers_the_reduced_one(rng):
    n = 2000
    target = rng.integers(0, 5, n)
    candidate = np.where(rng.random(n) < 0.7, target, rng.integers(0, 5, n))
    plain, shares, rmi = [], [], []
    for k in (1, 3, 10, 30, 100):  # each cluster of the candidate split at random in k
        split = candidate * k + rng.integers(0, k, n)
        plain.append(nmi.mutual_info_score(split, target))
        shares.append(nmi.normalized_mutual_info_score(split, target, "min"))
        rmi.append(nmi.normalized_reduced_mutual_info_score(split, target))
    assert plain == sorted(plain)
    assert shares == sorted(shares)
    assert rmi == sorted(rmi, reverse=True)
    assert rmi[-1] < 0.7 * rmi[0]


@pytest.mark.parametrize("reduction", ["dirichlet", "flat", "none"])
def test_edge_cases(reduction):
    score = nmi.normalized_reduced_mutual_info_score
    for preds, target in (([], []), ([3], [4]), ([1, 1, 1], [2, 2, 2])):
        assert nmi.reduced_mutual_info_score(preds, target, reduction=reduction) == 0.0
        for norm in NORMALIZATIONS:
            assert score(preds, target, normalization=norm, reduction=reduction) == 1.0
    # the same partition, relabelled: 1.0 for every normalization
    a = [0, 0, 1, 1, 1, 2, 5, 5]
    b = [7, 7, 3, 3, 3, 9, 0, 0]
    for norm in NORMALIZATIONS:
        assert score(a, b, normalization=norm, reduction=reduction) == 1.0
    # a single cluster against several: nothing told either way; the one cluster is told
    one, several = [0] * 8, a
    assert nmi.reduced_mutual_info_score(one, several, reduction=reduction) == pytest.approx(
        0.0, abs=1e-12
    )
    assert score(one, several, normalization="target", reduction=reduction) == pytest.approx(
        0.0, abs=1e-12
    )
    assert score(one, several, normalization="preds", reduction=reduction) == 1.0
    # a target of two singletons: one table only, so its flat RMI is 0 nats and nothing can
    # be a share of it
    if reduction == "flat":
        assert score([5, 5], [0, 1], reduction=reduction) == 0.0


def test_the_reduced_information_of_identical_labelings_is_below_their_entropy():
    labels = np.repeat(np.arange(10), 30)
    h = nmi.mutual_info_score(labels, labels)
    for reduction in ("dirichlet", "flat"):
        rmi = nmi.reduced_mutual_info_score(labels, labels, reduction=reduction)
        assert 0 < rmi < h


def test_all_singletons_tell_nothing_once_reduced():
    # every object its own cluster on both sides: the table is the whole message
    labels = np.arange(50)
    assert nmi.reduced_mutual_info_score(labels, labels[::-1]) == pytest.approx(
        nmi.reduced_mutual_info_score(labels, labels), rel=1e-12
    )
    assert nmi.normalized_reduced_mutual_info_score(labels, labels[::-1]) == 1.0


def test_the_flat_count_is_exact_when_every_column_sums_to_one():
    # n! / prod(row sums!) ways to place one object per column: counted by brute force
    rows = [2, 1, 3]
    n = sum(rows)
    count = sum(
        1
        for cells in itertools.product(range(len(rows)), repeat=n)
        if [cells.count(r) for r in range(len(rows))] == rows
    )
    h = reduced.histogram
    got = reduced.log_tables(h(np.array(rows), 0), h(np.ones(n, dtype=np.int64), 0), n)
    assert got == pytest.approx(math.log(count), rel=1e-12)
    # clustering-mi's exact branch returns log((n + 1)! / prod((r + 1)!)) in nats instead:
    # its flat RMI is off there; ours is the microcanonical MI less the exact count
    preds = np.repeat(np.arange(len(rows)), rows)
    target = np.arange(n)
    mi = math.lgamma(n + 1) - sum(math.lgamma(r + 1) for r in rows)  # n! / prod(r!) / 1
    expected = (mi - math.log(count)) / n
    assert nmi.reduced_mutual_info_score(preds, target, reduction="flat") == pytest.approx(
        expected, abs=1e-12
    )
    theirs = cmi.mutual_information(preds, target, variation="reduced_flat")
    assert abs(total_bits(expected, n) - theirs) > 0.1


def test_the_flat_estimate_is_close_to_the_true_count_of_small_tables():
    for rows, cols in (([2, 2], [2, 2]), ([3, 2, 1], [2, 2, 2]), ([4, 4], [2, 3, 3])):
        n = sum(rows)
        h = reduced.histogram
        got = reduced.log_tables(h(np.array(rows), 0), h(np.array(cols), 0), n)
        assert got == pytest.approx(math.log(_count_tables(rows, cols)), abs=0.35)


def _count_tables(rows, cols):
    """The number of non-negative integer tables with these row and column sums."""
    if len(rows) == 1:
        return int(sum(cols) == rows[0])
    return sum(
        _count_tables(rows[1:], [c - f for c, f in zip(cols, first, strict=True)])
        for first in itertools.product(*(range(c + 1) for c in cols))
        if sum(first) == rows[0]
    )


def test_the_concentration_search_finds_the_least_cost_in_its_range(rng):
    # the costs of tables of labelings: the cells of each row of the table (a cluster of
    # preds) shared among the target's groups, and the target's sizes among its groups
    for _ in range(30):
        n = int(rng.integers(2, 2000))
        preds = rng.integers(0, rng.integers(1, 40), n)
        target = (preds * rng.integers(0, 3) + rng.integers(0, rng.integers(1, 12), n)) % 9
        table = nmi.contingency_matrix(preds, target)
        groups = float(table.shape[1])
        s_v, s_m = reduced.histogram(table.row_sums, 0)
        c_v, c_m = reduced.histogram(table.counts, 0)
        if rng.random() < 0.3:  # the sizes of the target's clusters, given n
            (s_v, s_m), (c_v, c_m) = (np.array([n * 1.0]), np.ones(1)), (c_v, c_m)
            c_v, c_m = reduced.histogram(table.col_sums, 0)
        best = kinfo.dirichlet_minimum(s_v, s_m, groups, c_v, c_m)
        grid = np.exp(np.linspace(math.log(1e-4), math.log(1e4), 400))
        costs = [kinfo.dirichlet_cost(s_v, s_m, groups, c_v, c_m, a) for a in grid]
        # the search stops once its bracket is 1e-5 wide in log(alpha): at a bound, where
        # the cost still slopes, that leaves about the slope times 1e-5
        assert best <= min(costs) + 1e-6 * (1 + abs(min(costs)))
        assert best >= min(costs) - 1e-3 * (1 + abs(min(costs)))  # a grid point is close


def test_a_cost_falling_to_the_bound_ends_the_search_there():
    # clusters all of one size: the sizes are told best by an ever larger concentration,
    # so the search ends at the upper bound, 1e4
    v, m = reduced.histogram(np.full(8, 25), 0)
    n = np.array([200.0]), np.ones(1)
    best = kinfo.dirichlet_minimum(*n, 8.0, v, m)
    at_bound = kinfo.dirichlet_cost(*n, 8.0, v, m, 1e4)
    assert best == pytest.approx(at_bound, rel=1e-7)  # the bracket's width, 1e-5 in log
    assert best > at_bound
    assert kinfo.dirichlet_cost(*n, 8.0, v, m, 1e3) > best


def assert_weights_are_repetitions(preds, target, w):
    expanded = np.repeat(preds, w), np.repeat(target, w)
    for reduction in ("dirichlet", "flat"):
        got = nmi.reduced_mutual_info_score(preds, target, reduction=reduction, sample_weight=w)
        assert got == pytest.approx(
            nmi.reduced_mutual_info_score(*expanded, reduction=reduction), rel=1e-12
        )
    return expanded


def test_whole_weights_are_repetitions_and_fractional_ones_are_refused(rng):
    preds, target = rng.integers(0, 4, 60), rng.integers(0, 3, 60)
    w = rng.integers(1, 4, 60)
    expanded = assert_weights_are_repetitions(preds, target, w)
    with pytest.raises(ValueError, match=r"^the reduced mutual information needs whole-number"):
        nmi.reduced_mutual_info_score(preds, target, sample_weight=w / 3)
    with pytest.raises(ValueError, match=r"^the normalized reduced mutual information needs"):
        nmi.normalized_reduced_mutual_info_score(preds, target, sample_weight=w / 3)
    # without a reduction nothing is counted: fractional weights are fine, as for NMI
    h = nmi.normalized_reduced_mutual_info_score(
        preds, target, reduction="none", sample_weight=w / 3
    )
    assert h == pytest.approx(skm.homogeneity_score(*expanded[::-1]), abs=1e-12)


@pytest.mark.parametrize("side", ["preds", "target"])
def test_noise_singletons_are_clusters_of_one(rng, side):
    noisy = rng.integers(-1, 4, 80)
    other = rng.integers(0, 3, 80)
    fresh = noisy.copy()
    fresh[noisy == -1] = 100 + np.arange(int(np.sum(noisy == -1)))
    preds, target = (noisy, other) if side == "preds" else (other, noisy)
    f_preds, f_target = (fresh, other) if side == "preds" else (other, fresh)
    kw = {f"{side}_noise": -1, "noise_policy": "singleton"}
    for reduction in ("dirichlet", "flat"):
        assert nmi.reduced_mutual_info_score(
            preds, target, reduction=reduction, **kw
        ) == pytest.approx(nmi.reduced_mutual_info_score(f_preds, f_target, reduction=reduction))
        for norm in NORMALIZATIONS:
            got = nmi.normalized_reduced_mutual_info_score(
                preds, target, normalization=norm, reduction=reduction, **kw
            )
            expected = nmi.normalized_reduced_mutual_info_score(
                f_preds, f_target, normalization=norm, reduction=reduction
            )
            assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reduction": "full"}, "reduction must be one of 'dirichlet', 'flat', 'none'; got 'full'"),
        ({"normalization": "min"}, "normalization must be one of 'target', 'preds', 'mean'"),
        ({"reduction": None}, "reduction must be one of"),
    ],
)
def test_bad_arguments_name_what_to_pass(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nmi.normalized_reduced_mutual_info_score([0, 1], [0, 1], **kwargs)
    if "normalization" not in kwargs:
        with pytest.raises(ValueError, match=message):
            nmi.reduced_mutual_info_score([0, 1], [0, 1], **kwargs)


def test_clustering_scores_carry_the_reduced_scores(rng):
    preds, target = rng.integers(0, 6, 300), rng.integers(0, 4, 300)
    scores = nmi.clustering_scores(preds, target)
    assert scores["reduced_mutual_info"] == nmi.reduced_mutual_info_score(preds, target)
    assert scores["normalized_reduced_mutual_info"] == (
        nmi.normalized_reduced_mutual_info_score(preds, target)
    )
    weighted = nmi.clustering_scores(preds, target, sample_weight=np.full(300, 0.5))
    assert math.isnan(weighted["reduced_mutual_info"])
    assert math.isnan(weighted["normalized_reduced_mutual_info"])


def test_the_accumulator_scores_a_stream_as_one_call_does(rng):
    import pickle

    preds, target = rng.integers(0, 8, 900), rng.integers(0, 5, 900)
    for normalization, reduction in (("target", "dirichlet"), ("mean", "flat"), ("preds", "none")):
        metric = nmi.NormalizedReducedMutualInfoScore(normalization, reduction)
        assert metric.average_method == f"{normalization}/{reduction}"
        batch = metric(preds[:300], target[:300])
        assert batch == nmi.normalized_reduced_mutual_info_score(
            preds[:300], target[:300], normalization=normalization, reduction=reduction
        )
        other = nmi.NormalizedReducedMutualInfoScore(normalization, reduction)
        other.update(preds[300:], target[300:])
        expected = nmi.normalized_reduced_mutual_info_score(
            preds, target, normalization=normalization, reduction=reduction
        )
        merged = metric.copy().merge(other)
        assert merged.compute() == pytest.approx(expected, rel=1e-12)
        restored = nmi.NormalizedReducedMutualInfoScore(normalization, reduction)
        restored.load_state_dict(merged.state_dict())
        assert restored.compute() == merged.compute()
        unpickled = pickle.loads(pickle.dumps(merged))
        assert (unpickled.normalization, unpickled.reduction) == (normalization, reduction)
        assert unpickled.compute() == merged.compute()
    with pytest.raises(ValueError, match="different average_method: 'target/dirichlet'"):
        nmi.NormalizedReducedMutualInfoScore().merge(
            nmi.NormalizedReducedMutualInfoScore(reduction="flat")
        )
    with pytest.raises(ValueError, match="saved with the score's options 'mean/flat'"):
        nmi.NormalizedReducedMutualInfoScore().load_state_dict(
            nmi.NormalizedReducedMutualInfoScore("mean", "flat").state_dict()
        )
    with pytest.raises(ValueError, match="reduction must be one of"):
        nmi.NormalizedReducedMutualInfoScore(reduction="none!")


def test_torch_and_dask_give_the_same_reduced_scores(rng):
    import dask.array as da
    import torch

    import nmi.dask as nd
    import nmi.torch as nt

    preds, target = rng.integers(0, 7, 2000), rng.integers(0, 4, 2000)
    for reduction in ("dirichlet", "flat"):
        expected = nmi.reduced_mutual_info_score(preds, target, reduction=reduction)
        got = nt.reduced_mutual_info_score(
            torch.from_numpy(preds), torch.from_numpy(target), reduction=reduction
        )
        assert got.dtype == torch.get_default_dtype()
        assert float(got) == pytest.approx(expected, rel=1e-6)
        chunked = da.from_array(preds, chunks=300), da.from_array(target, chunks=300)
        with __import__("dask").config.set(scheduler="sync"):
            assert nd.reduced_mutual_info_score(*chunked, reduction=reduction) == pytest.approx(
                expected, rel=1e-12
            )
            for norm in NORMALIZATIONS:
                assert nd.normalized_reduced_mutual_info_score(
                    *chunked, normalization=norm, reduction=reduction
                ) == pytest.approx(
                    nmi.normalized_reduced_mutual_info_score(
                        preds, target, normalization=norm, reduction=reduction
                    ),
                    rel=1e-12,
                )
        normalized = nt.normalized_reduced_mutual_info_score(
            torch.from_numpy(preds), torch.from_numpy(target), normalization="mean"
        )
        assert float(normalized) == pytest.approx(
            nmi.normalized_reduced_mutual_info_score(preds, target, normalization="mean"),
            rel=1e-6,
        )


def test_score_many_scores_each_clustering_by_the_score_named(rng):
    target = rng.integers(0, 5, 700)
    rows = [np.where(rng.random(700) < q, target, rng.integers(0, 9, 700)) for q in (0.2, 0.9)]
    one_by_one = {
        "nmi": lambda p: nmi.normalized_mutual_info_score(p, target, "max"),
        "ami": lambda p: nmi.adjusted_mutual_info_score(p, target, "max"),
        "rmi": lambda p: nmi.reduced_mutual_info_score(p, target),
        "nrmi": lambda p: nmi.normalized_reduced_mutual_info_score(p, target),
    }
    for name, func in one_by_one.items():
        got = nmi.score_many(rows, target, "max", score=name)
        assert got.tolist() == pytest.approx([func(p) for p in rows], rel=1e-12)
    with pytest.raises(ValueError, match="score must be one of 'mi', 'nmi', 'ami'"):
        nmi.score_many(rows, target, score="variation")


def test_the_torch_metric_scores_batches_as_one_call_does(rng):
    import copy
    import pickle

    import torch

    from nmi.torch import NormalizedReducedMutualInfoScore

    preds, target = rng.integers(0, 8, 600), rng.integers(0, 5, 600)
    metric = NormalizedReducedMutualInfoScore("mean", "flat")
    other = copy.deepcopy(metric)
    metric.update(torch.from_numpy(preds[:250]), torch.from_numpy(target[:250]))
    other.update(torch.from_numpy(preds[250:]), torch.from_numpy(target[250:]))
    metric.merge_state(other)
    expected = nmi.normalized_reduced_mutual_info_score(
        preds, target, normalization="mean", reduction="flat"
    )
    assert float(metric.compute()) == pytest.approx(expected, rel=1e-6)
    restored = pickle.loads(pickle.dumps(metric))
    assert (restored.normalization, restored.reduction) == ("mean", "flat")
    assert float(restored.compute()) == float(metric.compute())
    with pytest.raises(ValueError, match="normalization must be one of"):
        NormalizedReducedMutualInfoScore("both")


@pytest.mark.parametrize(
    ("preds", "target"),
    [
        ([0, 2, 1], [0, 0, 1]),  # the target's own RMI is below one nat
        ([5, 5], [0, 1]),  # a target of singletons: its flat RMI is 0, the score 0.0
        ([0, 0, 1, 1], [3, 3, 3, 3]),  # one cluster in the target only
        ([3, 3, 3, 3], [0, 0, 1, 1]),  # one cluster in preds only
        ([1, 1, 0, 0, 0, 0, 0], [0, 2, 1, 2, 1, 1, 2]),
        ([0, 1, 1, 2, 2, 2], [0, 0, 1, 1, 2, 2]),
    ],
)
def test_small_tables_score_as_clustering_mi(preds, target):
    # fixed cases, quick to run, beside the drawn ones above
    for (ours_name, theirs_name), (norm, theirs_norm) in itertools.product(
        REDUCTIONS.items(), NORMALIZATIONS.items()
    ):
        ours = nmi.normalized_reduced_mutual_info_score(
            preds, target, normalization=norm, reduction=ours_name
        )
        ka, kb = len(set(preds)), len(set(target))
        if (norm == "target" and kb == 1) or (norm == "preds" and ka == 1):
            assert ours == 1.0  # nothing to tell (clustering-mi: 0 / 0, reported as 0)
            continue
        if ours_name == "flat" and len(preds) in (ka, kb):
            continue  # clustering-mi's exact branch differs (test_the_flat_count_is_exact...)
        theirs = cmi.normalized_mutual_information(
            preds, target, variation=theirs_name, normalization=theirs_norm
        )
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12), (ours_name, norm)


def test_singletons_on_both_sides_and_beside_clusters_of_one(rng):
    # noise in both labelings at once, and regular clusters of one sample beside the
    # singletons: each noise sample is a fresh cluster of one on its side
    preds = np.r_[rng.integers(0, 4, 60), [7, 8, -1, -1]]
    target = np.r_[rng.integers(0, 3, 60), [-1, 9, -1, 6]]
    preds[:5] = target[:5] = -1
    fresh_p, fresh_t = preds.copy(), target.copy()
    fresh_p[preds == -1] = 100 + np.arange(int(np.sum(preds == -1)))
    fresh_t[target == -1] = 200 + np.arange(int(np.sum(target == -1)))
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": "singleton"}
    table = nmi.contingency_matrix(preds, target, **kw)
    assert table.noise.totals.both >= 6
    assert table.noise.totals.preds
    assert table.noise.totals.target
    plain = nmi.contingency_matrix(fresh_p, fresh_t)
    for reduction in ("dirichlet", "flat"):
        assert table.reduced_mutual_info(reduction) == pytest.approx(
            plain.reduced_mutual_info(reduction), rel=1e-12
        )
        for norm in NORMALIZATIONS:
            assert table.normalized_reduced_mutual_info(norm, reduction) == pytest.approx(
                plain.normalized_reduced_mutual_info(norm, reduction), rel=1e-12
            )


def test_heavy_whole_weights_are_repetitions_too(rng):
    # cells far above the number of cells take the other way of counting their histogram
    preds, target = rng.integers(0, 3, 12), rng.integers(0, 2, 12)
    assert_weights_are_repetitions(preds, target, rng.integers(20_000, 40_000, 12))
