"""Adjusted mutual information, the expected-MI kernel, and every score from one table."""

import math
import re

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.metrics.cluster import contingency_matrix as sk_contingency
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information

import nmi

from .conftest import METHODS, sklearn_ami


def sk_emi(preds, target):
    return expected_mutual_information(sk_contingency(target, preds, sparse=True), len(preds))


def random_case(rng, n_max=3000, k_max=80):
    n = int(rng.integers(2, n_max))
    return rng.integers(0, rng.integers(1, k_max), n), rng.integers(0, rng.integers(1, k_max), n)


def test_expected_mutual_info_matches_sklearn(rng):
    for _ in range(150):
        preds, target = random_case(rng)
        ours = nmi.contingency_matrix(preds, target).expected_mutual_info()
        assert ours == pytest.approx(sk_emi(preds, target), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(("n", "k"), [(30_000, 3000), (200_000, 40), (5000, 2)])
def test_expected_mutual_info_large_and_skewed(rng, n, k):
    preds = rng.integers(0, k, n)
    target = np.minimum(rng.geometric(0.05, n), k)  # very unequal cluster sizes
    ours = nmi.contingency_matrix(preds, target).expected_mutual_info()
    assert ours == pytest.approx(sk_emi(preds, target), rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_adjusted_mutual_info_matches_sklearn(rng, method):
    for _ in range(80):
        preds, target = random_case(rng)
        expected = sklearn_ami(target, preds, method)
        ours = nmi.adjusted_mutual_info_score(preds, target, method)
        assert ours == pytest.approx(expected, rel=1e-9, abs=1e-10)
        # and on labelings that agree much more than by chance
        agree = np.where(rng.random(preds.size) < 0.7, preds, target)
        expected = sklearn_ami(target, agree, method)
        assert nmi.adjusted_mutual_info_score(agree, target, method) == pytest.approx(
            expected, rel=1e-9
        )


@pytest.mark.parametrize("method", METHODS)
def test_adjusted_mutual_info_edge_cases(method):
    f = nmi.adjusted_mutual_info_score
    assert f([], [], method) == 1.0
    assert f([0], [1], method) == 1.0
    assert f([0, 0, 0], [5, 5, 5], method) == 1.0
    assert f([0, 1, 2, 3], [3, 2, 1, 0], method) == 1.0  # all singletons, identical
    assert f([0, 1, 0], [42, 7, 42], method) == 1.0
    assert f([0.0, 1.0, 2.0], [42.0, 7.0, 2.0], method) == 1.0
    for i in np.logspace(1, 4, 4).astype(int):
        assert f(np.ones(i, dtype=int), np.arange(i), method) == 0.0
        assert f(np.arange(i), np.ones(i, dtype=int), method) == 0.0


@pytest.mark.parametrize("n", [3, 4, 7, 10, 200])
def test_one_side_all_singletons_does_not_hang_on_rounding(rng, n):
    # MI equals its expectation exactly; scikit-learn divides rounding errors here (0.5, 1.0,
    # 2.0, -1.0 for inputs of this kind), nmi gives the same answer on every path
    target = np.r_[0, 0, 1, rng.integers(0, 3, n - 3)]  # two clusters at least, not n
    singles = np.arange(n)
    noisy = np.r_[singles[: n // 2], np.full(n - n // 2, -1)]  # half of them noise singletons
    kw = {"preds_noise": -1, "noise_policy": "singleton"}
    for method in METHODS:
        expected = 1.0 if method == "min" else 0.0
        for got in (
            nmi.adjusted_mutual_info_score(singles, target, method),
            nmi.adjusted_mutual_info_score(target, singles, method),
            nmi.adjusted_mutual_info_score(noisy, target, method, **kw),
            nmi.adjusted_mutual_info_score(
                target, noisy, method, target_noise=-1, noise_policy="singleton"
            ),
            nmi.clustering_scores(singles, target)[f"ami_{method}"],
        ):
            assert got == pytest.approx(expected, abs=1e-12)
            assert got >= 0.0


def test_chance_correction_on_random_labels(rng):
    preds = rng.integers(0, 3000, 100_000)
    target = rng.integers(0, 3000, 100_000)
    scores = nmi.clustering_scores(preds, target)
    assert 0.5 < scores["nmi_arithmetic"] < 0.6  # NMI is biased upward by chance
    assert abs(scores["ami_arithmetic"]) < 1e-3  # AMI is not


def test_clustering_scores_match_their_sklearn_counterparts(rng):
    for _ in range(30):
        preds, target = random_case(rng, n_max=2000, k_max=30)
        s = nmi.clustering_scores(preds, target)
        approx = lambda x: pytest.approx(x, rel=1e-9, abs=1e-12)  # noqa: E731
        assert s["mutual_info"] == approx(skm.mutual_info_score(target, preds))
        for m in METHODS:
            assert s[f"nmi_{m}"] == approx(
                skm.normalized_mutual_info_score(target, preds, average_method=m)
            )
            assert s[f"ami_{m}"] == pytest.approx(
                sklearn_ami(target, preds, m),
                rel=1e-9,
                abs=1e-10,
            )
        h, c, v = skm.homogeneity_completeness_v_measure(target, preds)
        assert s["homogeneity"] == approx(h)
        assert s["completeness"] == approx(c)
        assert s["v_measure"] == approx(v)
        assert s["adjusted_rand"] == approx(skm.adjusted_rand_score(target, preds))
        vi = s["entropy_preds"] + s["entropy_target"] - 2 * s["mutual_info"]
        assert s["variation_of_information"] == approx(vi)


def test_scores_edge_cases_follow_sklearn():
    for preds, target in [([], []), ([1], [1]), ([0, 0], [1, 1]), ([0, 1], [0, 0])]:
        s = nmi.clustering_scores(preds, target)
        h, c, v = skm.homogeneity_completeness_v_measure(target, preds)
        assert (s["homogeneity"], s["completeness"], s["v_measure"]) == (h, c, v)
        assert s["adjusted_rand"] == skm.adjusted_rand_score(target, preds)


def test_adjusted_rand_does_not_overflow():
    n = 70_000
    preds = np.tile(np.arange(2), n // 2)
    target = np.repeat(np.arange(2), n // 2)
    assert nmi.clustering_scores(preds, target)["adjusted_rand"] == pytest.approx(
        skm.adjusted_rand_score(target, preds), abs=1e-12
    )


def test_streaming_and_adapters_share_the_table(rng):
    preds, target = random_case(rng, n_max=4000, k_max=50)
    metric = nmi.AdjustedMutualInfoScore("max")
    for part_p, part_t in zip(np.array_split(preds, 5), np.array_split(target, 5), strict=True):
        metric.update(part_p, part_t)
    expected = nmi.adjusted_mutual_info_score(preds, target, "max")
    assert metric.compute() == expected
    assert metric.scores()["ami_max"] == expected
    assert metric.plot_lower_bound == -1.0
    with pytest.raises(TypeError, match="can only merge another AdjustedMutualInfoScore"):
        metric.merge(nmi.NormalizedMutualInfoScore("max"))


def test_torch_adjusted_mutual_info(rng):
    torch = pytest.importorskip("torch")
    from torchmetrics.clustering import AdjustedMutualInfoScore as TmAmi

    from nmi.torch import AdjustedMutualInfoScore, adjusted_mutual_info_score

    preds, target = random_case(rng, n_max=1500, k_max=20)
    p, t = torch.from_numpy(preds), torch.from_numpy(target)
    expected = skm.adjusted_mutual_info_score(target, preds)
    assert float(adjusted_mutual_info_score(p, t)) == pytest.approx(expected, abs=1e-6)
    ours, theirs = AdjustedMutualInfoScore(), TmAmi()
    for a, b in zip(torch.chunk(p, 3), torch.chunk(t, 3), strict=True):
        assert float(ours(a, b)) == pytest.approx(float(theirs(a, b)), abs=1e-4)
    assert float(ours.compute()) == pytest.approx(float(theirs.compute()), abs=1e-4)
    assert float(ours.compute()) == pytest.approx(expected, abs=1e-6)


@pytest.mark.threadpools
def test_dask_adjusted_mutual_info_and_scores(rng):
    da = pytest.importorskip("dask.array")
    import dask

    import nmi.dask

    preds, target = random_case(rng, n_max=20_000, k_max=60)
    with dask.config.set(scheduler="threads"):
        p, t = da.from_array(preds, chunks=1000), da.from_array(target, chunks=1000)
        assert nmi.dask.adjusted_mutual_info_score(p, t, "min") == (
            nmi.adjusted_mutual_info_score(preds, target, "min")
        )
        assert nmi.dask.clustering_scores(p, t) == nmi.clustering_scores(preds, target)


def test_scores_with_a_chance_model_explain_in_full_why_they_refuse_weights():
    fractional = (
        " needs whole-number counts: the sample weights give this table fractional cells, which "
        "its chance model has no meaning for. Use whole-number weights (repetitions), or a "
        "score without a chance model such as normalized_mutual_info_score"
    )
    singletons = (
        " is not defined for noise singletons with sample weights other than 1; use noise_policy "
        "'drop' or 'keep' with those weights, or normalized_mutual_info_score"
    )
    for kw, tail in (
        ({"sample_weight": [0.5, 1, 1, 2]}, fractional),
        (
            {"sample_weight": [1.0, 2.0, 1, 1], "preds_noise": -1, "noise_policy": "singleton"},
            singletons,
        ),
    ):
        whole = "^" + re.escape("adjusted mutual information" + tail) + "$"
        with pytest.raises(ValueError, match=whole):
            nmi.adjusted_mutual_info_score([0, -1, 1, 1], [0, 0, 1, 1], **kw)
        table = nmi.contingency_matrix([0, -1, 1, 1], [0, 0, 1, 1], **kw)
        with pytest.raises(ValueError, match="^" + re.escape("the adjusted Rand index" + tail)):
            table.adjusted_rand()


@pytest.mark.parametrize("side", ["preds", "target"])
def test_singletons_beside_clusters_of_one_score_as_fresh_labels(rng, side):
    # labels 5 and 7 are clusters of one sample, beside three noise singletons: the chance
    # model counts six clusters of size 1 on that side, not three
    noisy = np.array([0, 0, 1, 1, 5, -1, -1, 2, 2, 2, 7, -1])
    other = rng.integers(0, 3, noisy.size)
    fresh = noisy.copy()
    fresh[noisy == -1] = 100 + np.arange(3)
    preds, target = (noisy, other) if side == "preds" else (other, noisy)
    f_preds, f_target = (fresh, other) if side == "preds" else (other, fresh)
    scores = nmi.clustering_scores(preds, target, **{f"{side}_noise": -1}, noise_policy="singleton")
    assert scores["adjusted_rand"] == pytest.approx(
        skm.adjusted_rand_score(f_target, f_preds), abs=1e-12
    )
    for method in METHODS:
        assert scores[f"ami_{method}"] == pytest.approx(
            sklearn_ami(f_target, f_preds, method), abs=1e-9
        )


def test_independent_labelings_have_no_homogeneity_completeness_or_v_measure():
    scores = nmi.clustering_scores([0, 0, 1, 1], [0, 1, 0, 1])
    h, c, v = skm.homogeneity_completeness_v_measure([0, 1, 0, 1], [0, 0, 1, 1])
    assert (h, c, v) == (0.0, 0.0, 0.0)
    assert (scores["homogeneity"], scores["completeness"], scores["v_measure"]) == (h, c, v)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([0, 1, 0, 0, 1, 1, 0, 1], [0, 0, 0, 0, 2, 0, 0, 0]),  # MI - E[MI] about +1 ulp
        ([1, 0, 0, 1, 1, 0, 1, 0], [1, 1, 1, 1, 0, 1, 1, 1]),  # and about -0.75 eps
    ],
)
def test_a_numerator_near_zero_keeps_the_sign_rounding_gave_it(a, b):
    # MI and its expected value agree to within one ulp: as scikit-learn does, the AMI's
    # numerator is then eps on the side its sign falls, not the rounding noise itself
    eps = np.finfo(np.float64).eps
    table = nmi.contingency_matrix(a, b)
    emi = table.expected_mutual_info()
    gap = table.mutual_info() - emi
    assert 0 < abs(gap) < eps
    h1, h2 = table.row_entropy(), table.col_entropy()
    means = (min(h1, h2), (h1 * h2) ** 0.5, (h1 + h2) / 2, max(h1, h2))
    for method, mean in zip(METHODS, means, strict=True):
        ami = nmi.adjusted_mutual_info_score(a, b, method)
        # abs=0: the values are near 1e-16, inside approx's default absolute tolerance
        expected = math.copysign(eps, gap) / (mean - emi)
        assert ami == pytest.approx(expected, rel=1e-9, abs=0)


@pytest.mark.parametrize("side", ["preds", "target"])
@pytest.mark.parametrize("sizes", [(2, 3, 2), (4, 2), (3,)])
def test_singletons_beside_clusters_of_two_or_more_score_as_fresh_labels(rng, side, sizes):
    # no regular cluster of size 1 here: the chance model adds the singletons as clusters of
    # size 1 of their own, and must not fold them into the smallest regular size
    regular = np.repeat(np.arange(len(sizes)), sizes)
    noisy = np.r_[regular, [-1] * 3][rng.permutation(regular.size + 3)]
    other = rng.integers(0, 3, noisy.size)
    fresh = noisy.copy()
    fresh[noisy == -1] = 100 + np.arange(3)
    preds, target = (noisy, other) if side == "preds" else (other, noisy)
    f_preds, f_target = (fresh, other) if side == "preds" else (other, fresh)
    kw = {f"{side}_noise": -1, "noise_policy": "singleton"}
    table = nmi.contingency_matrix(preds, target, **kw)
    assert table.expected_mutual_info() == pytest.approx(sk_emi(f_preds, f_target), rel=1e-9)
    scores = nmi.clustering_scores(preds, target, **kw)
    assert scores["adjusted_rand"] == pytest.approx(
        skm.adjusted_rand_score(f_target, f_preds), abs=1e-12
    )
    for method in METHODS:
        assert scores[f"ami_{method}"] == pytest.approx(
            sklearn_ami(f_target, f_preds, method), abs=1e-9
        )


def test_noise_singletons_on_both_sides_score_as_fresh_labels(rng):
    # samples that are noise in both labelings are one cluster of their own on each side
    preds = rng.integers(-1, 3, 40)
    target = rng.integers(-1, 3, 40)
    target[:6] = preds[:6] = -1  # noise in both: their own pairs of singletons
    fresh_p, fresh_t = preds.copy(), target.copy()
    fresh_p[preds == -1] = 100 + np.arange((preds == -1).sum())
    fresh_t[target == -1] = 200 + np.arange((target == -1).sum())
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": "singleton"}
    table = nmi.contingency_matrix(preds, target, **kw)
    assert table.noise.totals.both == int(np.sum((preds == -1) & (target == -1))) >= 6
    scores = table.scores()
    assert scores["adjusted_rand"] == pytest.approx(
        skm.adjusted_rand_score(fresh_t, fresh_p), abs=1e-12
    )
    assert table.expected_mutual_info() == pytest.approx(sk_emi(fresh_p, fresh_t), rel=1e-9)
    for method in METHODS:
        assert scores[f"ami_{method}"] == pytest.approx(
            sklearn_ami(fresh_t, fresh_p, method), abs=1e-9
        )


def test_the_expected_mutual_info_of_a_single_cluster_is_zero():
    for preds, target in (([0, 0, 0, 0], [0, 1, 2, 2]), ([3, 1, 2, 3], [5, 5, 5, 5])):
        table = nmi.contingency_matrix(preds, target)
        assert table.expected_mutual_info() == 0.0
        assert sk_emi(preds, target) == pytest.approx(0.0, abs=1e-15)
    # one regular cluster beside one noise singleton is two clusters: not zero
    table = nmi.contingency_matrix(
        [0, 0, 0, -1], [0, 1, 1, 0], preds_noise=-1, noise_policy="singleton"
    )
    assert table.expected_mutual_info() == pytest.approx(
        sk_emi([0, 0, 0, 9], [0, 1, 1, 0]), rel=1e-12
    )
    assert table.expected_mutual_info() > 0.1


def test_the_expected_mutual_info_names_itself_when_it_refuses_weights():
    table = nmi.contingency_matrix([0, 1, 1], [0, 0, 1], sample_weight=[0.5, 1, 1])
    with pytest.raises(ValueError, match=r"^the expected mutual information needs whole-number"):
        table.expected_mutual_info()


def test_weights_summing_to_two_to_the_53_have_no_chance_model():
    # from 2**53 samples on, float64 totals no longer count one by one: refused
    preds, target = [0, 1, 1, 0], [0, 0, 1, 1]
    for total, refused in ((2**53, True), (2**53 - 2, False)):
        q = total // 4
        w = np.array([q - 1, q + 1, q, total - 3 * q], dtype=np.float64)
        assert w.sum() == total
        assert np.all(w == np.floor(w))
        table = nmi.contingency_matrix(preds, target, sample_weight=w)
        if refused:
            with pytest.raises(
                ValueError,
                match=r"^the adjusted Rand index needs whole-number "
                r"counts below 2\*\*53: these sample weights add up to more",
            ):
                table.adjusted_rand()
            assert math.isnan(table.scores()["ami_arithmetic"])
        else:
            assert table.whole_counts().counts.dtype == np.int64
            assert table.whole_counts().n_samples == total


def test_the_variation_of_information_is_the_entropies_less_twice_the_mi(rng):
    assert nmi.clustering_scores([0, 0, 1, 2], [5, 5, 7, 9])["variation_of_information"] == 0.0
    for _ in range(20):
        preds, target = random_case(rng, n_max=200, k_max=10)
        s = nmi.clustering_scores(preds, target)
        expected = s["entropy_preds"] + s["entropy_target"] - 2 * s["mutual_info"]
        assert s["variation_of_information"] == pytest.approx(max(expected, 0.0), abs=1e-12)
        h_p, h_t = skm.mutual_info_score(preds, preds), skm.mutual_info_score(target, target)
        mi = skm.mutual_info_score(target, preds)
        assert s["variation_of_information"] == pytest.approx(h_p + h_t - 2 * mi, abs=1e-9)


def test_an_empty_table_has_no_information_and_scores_one():
    table = nmi.contingency_matrix([], [])
    assert table.information() == (0.0, 0.0, 0.0)
    assert (table.row_entropy(), table.col_entropy(), table.mutual_info()) == (0.0, 0.0, 0.0)
    for method in METHODS:
        assert table.normalized_mutual_info(method) == 1.0
        assert nmi.normalized_mutual_info_score([], [], average_method=method) == 1.0
    assert skm.normalized_mutual_info_score([], []) == 1.0
    assert skm.adjusted_mutual_info_score([], []) == 1.0
    for method in METHODS:
        assert table.adjusted_mutual_info(method) == 1.0


def test_weights_adding_up_to_one_sample_still_have_entropy():
    # a total weight of 1.0 spread over several samples: the entropies of the weighted
    # distributions, not the zeros of a single sample
    table = nmi.contingency_matrix([0, 1, 1, 2], [0, 0, 1, 1], sample_weight=[0.25] * 4)
    assert table.n_samples == 1.0
    mi, h_rows, h_cols = table.information()
    assert h_rows == pytest.approx(-(0.5 * math.log(0.25) + 0.5 * math.log(0.5)), rel=1e-12)
    assert h_cols == pytest.approx(math.log(2), rel=1e-12)
    assert mi == pytest.approx(skm.mutual_info_score([0, 0, 1, 1], [0, 1, 1, 2]), rel=1e-12)


@pytest.mark.parametrize("side", ["preds", "target"])
def test_nmi_of_one_cluster_against_several_is_zero_for_every_method(side):
    one, several = [4, 4, 4, 4, 4, 4], [0, 1, 1, 2, 2, 2]
    preds, target = (one, several) if side == "preds" else (several, one)
    for method in METHODS:
        score = nmi.normalized_mutual_info_score(preds, target, average_method=method)
        assert score == 0.0
        assert math.copysign(1.0, score) == 1.0  # not -0.0
        assert skm.normalized_mutual_info_score(target, preds, average_method=method) == 0.0
    # with noise singletons beside the one cluster: one cluster still carries no information
    noisy = np.array([0, 0, 0, 0, -1, -1])
    kw = {f"{'target' if side == 'preds' else 'preds'}_noise": -1, "noise_policy": "singleton"}
    preds, target = (one, noisy) if side == "preds" else (noisy, one)
    table = nmi.contingency_matrix(preds, target, **kw)
    assert table.mutual_info() == 0.0
    for method in METHODS:
        assert table.normalized_mutual_info(method) == 0.0


def test_the_same_partition_with_the_same_noise_scores_exactly_one(rng):
    # noise singletons on the same samples of both sides: the singletons pair up one to one,
    # so the two labelings are still one partition; exactly 1.0, as identical labels give
    labels = rng.integers(0, 4, 60)
    labels[rng.permutation(60)[:7]] = -1
    renamed = np.where(labels == -1, -1, labels + 10)
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": "singleton"}
    table = nmi.contingency_matrix(labels, renamed, **kw)
    assert table.noise.totals.both == 7
    for method in METHODS:
        assert table.normalized_mutual_info(method) == 1.0
        assert table.adjusted_mutual_info(method) == 1.0
    assert table.mutual_info() == min(table.row_entropy(), table.col_entropy())
    # a singleton on one side only splits a cluster of the other: not the same partition
    moved = renamed.copy()
    moved[np.flatnonzero(labels != -1)[0]] = -1
    other = nmi.contingency_matrix(labels, moved, **kw)
    assert other.normalized_mutual_info("max") < 1.0


def test_ami_when_one_side_is_all_singletons_is_what_the_semantics_page_says():
    eps = float(np.finfo(np.float64).eps)
    for n in range(2, 300):
        for k in (1, 2, 3, 5):
            if k >= n:
                continue
            a, b = np.arange(n), np.arange(n) % k
            assert nmi.adjusted_mutual_info_score(a, b, "min") == (1.0 if k > 1 else 0.0)
            for method in ("geometric", "arithmetic", "max"):
                value = nmi.adjusted_mutual_info_score(a, b, method)
                assert 0.0 <= value < 2e-15, (n, k, method)
                if k > 1:
                    assert value >= eps / 10  # epsilon over a normalizer of a few nats
