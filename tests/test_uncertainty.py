"""Bootstrap intervals, permutation tests and paired comparisons: statistics and the API.

Every random draw here has a fixed seed, so each check gives the same result on every run;
the tolerances are several Monte Carlo standard errors wide.
"""

import json
import math
import os
import types
import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

import nmi
from nmi.cli import main


def labels(n, k=5, agree=0.6, seed=0):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, k, n)
    preds = np.where(rng.random(n) < agree, target, rng.integers(0, k + 1, n))
    return preds, target


def population(p):
    """NMI (arithmetic) of a joint distribution of (preds, target)."""
    a, b = p.sum(axis=1), p.sum(axis=0)
    mi = float(np.sum(p * np.log(p / np.outer(a, b))))
    return mi / ((-np.sum(a * np.log(a)) - np.sum(b * np.log(b))) / 2)


def test_default_interval_covers_the_population_nmi_at_its_level():
    rng = np.random.default_rng(11)
    joint = 0.5 * rng.dirichlet(np.ones(30)).reshape(5, 6) + 0.5 * np.eye(5, 6) / 5
    truth = population(joint)
    rows, cols = np.divmod(np.arange(30), 6)
    covered = 0
    for d in range(400):
        x = rng.multinomial(3000, joint.ravel())
        table = nmi.Contingency(rows, cols, x, np.arange(5), np.arange(6))
        ci = nmi.bootstrap(contingency=table, n_resamples=999, random_state=d).confidence_interval
        covered += ci.low <= truth <= ci.high
    assert 0.90 <= covered / 400 <= 0.98


def test_permutation_pvalues_are_uniform_under_independence():
    rng = np.random.default_rng(2)
    pvalues = []
    for d in range(300):
        preds, target = rng.integers(0, 4, 150), rng.integers(0, 3, 150)
        pvalues.append(nmi.permutation_test(preds, target, n_resamples=199, random_state=d).pvalue)
    pvalues = np.array(pvalues)
    assert stats.kstest(pvalues, "uniform").pvalue > 0.01
    assert 0.02 <= np.mean(pvalues <= 0.05) <= 0.09


def test_permutation_null_mean_is_the_expected_mutual_information():
    preds, target = labels(400, k=6, agree=0.3, seed=4)
    table = nmi.contingency_matrix(preds, target)
    null = nmi.permutation_test(
        contingency=table, score="mi", n_resamples=4000, random_state=1
    ).null_distribution
    error = null.std(ddof=1) / math.sqrt(null.size)
    assert abs(null.mean() - table.expected_mutual_info()) < 4 * error
    # AMI's null is centred on 0: AMI subtracts that same expectation
    ami_null = nmi.permutation_test(
        contingency=table, score="ami", n_resamples=2000, random_state=1
    ).null_distribution
    assert abs(ami_null.mean()) < 4 * ami_null.std(ddof=1) / math.sqrt(ami_null.size)


@pytest.mark.parametrize(("ours", "theirs"), [("basic", "basic"), ("percentile", "percentile"),
                                              ("bca", "BCa")])  # fmt: skip
def test_intervals_agree_with_scipy_resampling_the_samples(ours, theirs):
    preds, target = labels(300, k=3, seed=5)
    sample = stats.bootstrap(
        (preds, target),
        lambda p, t: nmi.normalized_mutual_info_score(p, t),
        paired=True,
        vectorized=False,
        n_resamples=3000,
        method=theirs,
        random_state=1,
    )
    table = nmi.bootstrap(preds, target, n_resamples=3000, method=ours, random_state=1)
    se = sample.standard_error
    assert table.standard_error == pytest.approx(se, rel=0.08)
    assert abs(table.confidence_interval.low - sample.confidence_interval.low) < 0.25 * se
    assert abs(table.confidence_interval.high - sample.confidence_interval.high) < 0.25 * se


@pytest.mark.parametrize(("ours", "theirs"), [("basic", "basic"), ("percentile", "percentile"),
                                              ("bca", "BCa")])  # fmt: skip
@pytest.mark.parametrize(
    ("score", "statistic", "noise"),
    [
        ("nmi", nmi.normalized_mutual_info_score, False),
        ("mi", nmi.mutual_info_score, False),
        ("ari", skm.adjusted_rand_score, False),
        ("nmi", nmi.normalized_mutual_info_score, True),
    ],
)
def test_intervals_are_scipys_from_the_same_replicates(ours, theirs, score, statistic, noise):
    # scipy given our replicates (bootstrap_result, no draws of its own) computes its interval
    # from them, BCa with its own jackknife over the samples: the same ends, to rounding.
    # Ours leaves out one sample of each cell (or noise singleton group) instead
    preds, target = labels(400, k=4, agree=0.5, seed=8)
    kw = {}
    if noise:
        preds[:30] = -1
        kw = {"preds_noise": -1, "noise_policy": "singleton"}
    table = nmi.bootstrap(preds, target, score=score, n_resamples=1999, method=ours,
                          random_state=3, **kw)  # fmt: skip
    sample = stats.bootstrap(
        (preds, target),
        lambda p, t: statistic(p, t, **kw),
        paired=True,
        vectorized=False,
        n_resamples=0,
        method=theirs,
        bootstrap_result=table,
    )
    assert sample.bootstrap_distribution.size == 1999
    assert table.confidence_interval.low == pytest.approx(sample.confidence_interval.low, abs=1e-12)
    assert table.confidence_interval.high == pytest.approx(sample.confidence_interval.high,
                                                           abs=1e-12)  # fmt: skip


def test_a_tables_resampling_defaults_are_the_documented_ones():
    # a table's bootstrap and permutation test with no options: the same draws and
    # results as the documented defaults spelled out (9,999 replicates, a 95% basic interval,
    # NMI by the arithmetic mean, the greater alternative)
    preds, target = labels(300, k=3, seed=12)
    table = nmi.contingency_matrix(preds, target)
    boot = nmi.bootstrap(contingency=table, random_state=2)
    spelled = nmi.bootstrap(contingency=table, score="nmi", n_resamples=9999,
                            confidence_level=0.95, method="basic",
                            average_method="arithmetic", random_state=2)  # fmt: skip
    assert boot.bootstrap_distribution.size == 9999
    assert np.array_equal(boot.bootstrap_distribution, spelled.bootstrap_distribution)
    assert boot.confidence_interval == spelled.confidence_interval
    other = nmi.bootstrap(
        contingency=table, random_state=2, method="percentile", confidence_level=0.9
    )
    assert other.confidence_interval != boot.confidence_interval
    test = nmi.permutation_test(contingency=table, random_state=2)
    spelled = nmi.permutation_test(contingency=table, score="nmi", n_resamples=9999,
                                   alternative="greater", average_method="arithmetic",
                                   random_state=2)  # fmt: skip
    assert test.null_distribution.size == 9999
    assert np.array_equal(test.null_distribution, spelled.null_distribution)
    assert test.pvalue == spelled.pvalue
    assert test.statistic == pytest.approx(table.normalized_mutual_info())
    less = nmi.permutation_test(contingency=table, random_state=2, alternative="less")
    assert less.pvalue != test.pvalue


@pytest.mark.parametrize(
    ("score", "key"),
    [
        ("nmi", "nmi_arithmetic"),
        ("mi", "mutual_info"),
        ("ami", "ami_arithmetic"),
        ("ari", "adjusted_rand"),
        ("homogeneity", "homogeneity"),
        ("completeness", "completeness"),
        ("v_measure", "v_measure"),
        ("vi", "variation_of_information"),
        ("rmi", "reduced_mutual_info"),
        ("nrmi", "normalized_reduced_mutual_info"),
    ],
)
def test_every_score_name_resamples_that_score(score, key):
    # the statistic is the one-shot score of that name, and each replicate is that score of
    # its own table (a name read as another score would give another number)
    preds, target = labels(300, k=4, agree=0.5, seed=17)
    want = nmi.clustering_scores(preds, target)[key]
    res = nmi.bootstrap(preds, target, score=score, n_resamples=5, random_state=3)
    assert res.statistic == pytest.approx(want, rel=1e-9, abs=1e-12)
    test = nmi.permutation_test(preds, target, score=score, n_resamples=5, random_state=3)
    assert test.statistic == pytest.approx(want, rel=1e-9, abs=1e-12)
    table = nmi.contingency_matrix(preds, target)
    by_table = nmi.bootstrap(contingency=table, score=lambda t: t.scores()[key], n_resamples=5,
                               random_state=3)  # fmt: skip
    assert np.allclose(res.bootstrap_distribution, by_table.bootstrap_distribution, rtol=1e-9,
                       atol=1e-12)  # fmt: skip


def test_one_replicate_is_enough():
    preds, target = labels(200, k=3, seed=18)
    res = nmi.bootstrap(preds, target, n_resamples=1, random_state=0)
    assert res.bootstrap_distribution.shape == (1,)
    assert math.isnan(res.standard_error)
    test = nmi.permutation_test(preds, target, n_resamples=1, random_state=0)
    assert test.pvalue == 0.5  # (1 + 0) / (1 + 1): the one random table scores lower


def test_permutation_null_agrees_with_scipy_permuting_the_samples():
    preds, target = labels(200, k=4, agree=0.15, seed=6)
    sample = stats.permutation_test(
        (preds,),
        lambda p: nmi.mutual_info_score(p, target),
        permutation_type="pairings",
        vectorized=False,
        n_resamples=2000,
        random_state=1,
    )
    table = nmi.permutation_test(preds, target, score="mi", n_resamples=2000, random_state=1)
    assert table.statistic == pytest.approx(sample.statistic, rel=1e-12)
    assert stats.ks_2samp(table.null_distribution, sample.null_distribution).pvalue > 0.001
    assert abs(table.pvalue - sample.pvalue) < 0.05


def test_bootstrap_distribution_of_ari_agrees_with_resampled_samples():
    preds, target = labels(500, k=4, seed=7)
    rng = np.random.default_rng(3)
    by_samples = []
    for _ in range(600):
        i = rng.integers(0, preds.size, preds.size)
        by_samples.append(skm.adjusted_rand_score(target[i], preds[i]))
    ours = nmi.bootstrap(preds, target, score="ari", n_resamples=600, random_state=2)
    assert ours.statistic == pytest.approx(skm.adjusted_rand_score(target, preds), rel=1e-12)
    assert stats.ks_2samp(ours.bootstrap_distribution, by_samples).pvalue > 0.001


def test_every_score_has_an_interval_around_it():
    preds, target = labels(600, k=4, seed=8)
    for score in ("nmi", "ami", "ari", "mi", "homogeneity", "completeness", "v_measure", "vi",
                  "rmi", "nrmi"):  # fmt: skip
        r = nmi.bootstrap(preds, target, score=score, n_resamples=60, random_state=0)
        assert r.confidence_interval.low < r.statistic < r.confidence_interval.high, score
        assert r.bootstrap_distribution.shape == (60,)
        assert r.standard_error == pytest.approx(np.std(r.bootstrap_distribution, ddof=1))
        p = nmi.permutation_test(preds, target, score=score, n_resamples=30, random_state=0)
        want = 1 / 31 if score != "vi" else 1.0  # agreement is high: VI falls, the rest rise
        assert p.pvalue == pytest.approx(want), score


def test_statistic_is_the_functional_score():
    preds, target = labels(300, seed=9)
    r = nmi.bootstrap(preds, target, average_method="max", n_resamples=20, random_state=0)
    assert r.statistic == nmi.normalized_mutual_info_score(preds, target, average_method="max")
    r = nmi.bootstrap(preds, target, score="ami", n_resamples=20, random_state=0)
    assert r.statistic == nmi.adjusted_mutual_info_score(preds, target)


def test_same_random_state_same_replicates():
    preds, target = labels(300, seed=10)
    a = nmi.bootstrap(preds, target, n_resamples=50, random_state=3)
    b = nmi.bootstrap(preds, target, n_resamples=50, random_state=np.random.SeedSequence(3))
    c = nmi.bootstrap(preds, target, n_resamples=50, random_state=4)
    assert np.array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    assert not np.array_equal(a.bootstrap_distribution, c.bootstrap_distribution)
    g1 = nmi.bootstrap(preds, target, n_resamples=50, random_state=np.random.default_rng(1))
    g2 = nmi.bootstrap(preds, target, n_resamples=50, random_state=np.random.default_rng(1))
    assert np.array_equal(g1.bootstrap_distribution, g2.bootstrap_distribution)


def test_methods_relate_as_their_definitions_say():
    preds, target = labels(400, seed=12)
    got = {
        m: nmi.bootstrap(preds, target, n_resamples=500, method=m, random_state=0)
        for m in ("basic", "percentile", "bca")
    }
    dist = got["percentile"].bootstrap_distribution
    low, high = np.quantile(dist, [0.025, 0.975])
    assert got["percentile"].confidence_interval == pytest.approx((low, high))
    theta = got["basic"].statistic
    assert got["basic"].confidence_interval == pytest.approx((2 * theta - high, 2 * theta - low))
    narrow = nmi.bootstrap(preds, target, n_resamples=500, confidence_level=0.5, random_state=0)
    assert narrow.confidence_interval.high - narrow.confidence_interval.low < high - low


def test_interval_ends_stay_in_the_scores_range():
    rng = np.random.default_rng(23)
    preds, target = rng.integers(0, 3, 100), rng.integers(0, 3, 100)  # independent: NMI ~ 0
    kw = {"n_resamples": 999, "random_state": 0}
    basic = nmi.bootstrap(preds, target, **kw)
    high = nmi.bootstrap(preds, target, method="percentile", **kw).confidence_interval.high
    assert 2 * basic.statistic - high < 0  # where the reflected end would fall
    assert basic.confidence_interval.low == 0.0
    # a callable's range is not known: its end is left where it falls
    own = nmi.bootstrap(preds, target, score=lambda t: t.normalized_mutual_info(), **kw)
    assert own.confidence_interval.low == pytest.approx(2 * basic.statistic - high)
    # a difference of two NMIs lies in [-1, 1]
    r = nmi.compare([0, 1] * 3, [1, 1] * 3, [0, 1] * 3, n_resamples=50, random_state=0)
    assert r.statistic == 1.0
    assert r.confidence_interval == (1.0, 1.0)


def test_noise_singletons_resample_as_clusters_of_one():
    rng = np.random.default_rng(13)
    preds, target = labels(400, seed=13)
    preds[rng.random(400) < 0.2] = -1
    kw = {"preds_noise": -1, "noise_policy": "singleton"}
    r = nmi.bootstrap(preds, target, n_resamples=200, random_state=0, **kw)
    assert r.statistic == nmi.normalized_mutual_info_score(preds, target, **kw)
    # resampling the samples themselves, each noise sample its own cluster in every draw
    by_samples = []
    for _ in range(400):
        i = rng.integers(0, 400, 400)
        p = np.where(preds[i] == -1, 1000 + np.arange(400), preds[i])
        by_samples.append(skm.normalized_mutual_info_score(target[i], p))
    assert stats.ks_2samp(r.bootstrap_distribution, by_samples).pvalue > 0.001
    t = nmi.permutation_test(preds, target, n_resamples=100, random_state=0, **kw)
    assert t.pvalue == pytest.approx(1 / 101)


def test_whole_weights_are_repetitions_fractional_ones_are_refused():
    preds, target = [0, 0, 1, 1, 2], [0, 1, 1, 1, 2]
    weighted = nmi.bootstrap(preds, target, sample_weight=[3, 1, 2, 2, 1], n_resamples=40,
                             random_state=0)  # fmt: skip
    repeated = nmi.bootstrap([0, 0, 0, 0, 1, 1, 1, 1, 2], [0, 0, 0, 1, 1, 1, 1, 1, 2],
                             n_resamples=40, random_state=0)  # fmt: skip
    assert np.allclose(weighted.bootstrap_distribution, repeated.bootstrap_distribution)
    with pytest.raises(ValueError, match="bootstrap needs whole-number counts"):
        nmi.bootstrap(preds, target, sample_weight=[0.5, 1, 1, 1, 1], n_resamples=5)
    with pytest.raises(ValueError, match="permutation test needs whole-number counts"):
        nmi.permutation_test(preds, target, sample_weight=[0.5, 1, 1, 1, 1], n_resamples=5)


def test_sparse_tables_are_warned_of():
    preds, target = labels(60, k=8, seed=14)
    cells = nmi.contingency_matrix(preds, target).nnz
    per_cell = f"60 samples in {cells} cells ({60 / cells:.1f} per cell)"
    with pytest.warns(
        nmi.SparseTableWarning, match=per_cell.replace("(", r"\(").replace(")", r"\)")
    ):
        nmi.bootstrap(preds, target, n_resamples=20, random_state=0)
    with warnings.catch_warnings():  # 5 samples per cell exactly: no warning
        warnings.simplefilter("error")
        nmi.bootstrap([0, 1] * 5, [0, 1] * 5, n_resamples=20, random_state=0)
    with pytest.warns(nmi.SparseTableWarning, match="9 samples in 2 cells"):
        nmi.bootstrap([0, 1] * 4 + [0], [0, 1] * 4 + [0], n_resamples=20, random_state=0)
    preds, target = labels(2000, k=3, seed=14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nmi.bootstrap(preds, target, n_resamples=20, random_state=0)


def test_warnings_point_at_the_callers_line():
    preds, target = labels(60, k=8, seed=14)
    for call in (
        lambda: nmi.bootstrap(preds, target, n_resamples=5, random_state=0),
        lambda: nmi.bootstrap(
            contingency=nmi.contingency_matrix(preds, target), n_resamples=5, random_state=0
        ),
    ):
        with pytest.warns(nmi.SparseTableWarning) as record:
            call()
        if "MUTANT_UNDER_TEST" not in os.environ:  # make mutate's trampolines add frames
            assert record[0].filename == __file__


def test_a_refused_call_draws_nothing_from_the_callers_generator():
    rng = np.random.default_rng(5)
    before = rng.bit_generator.state
    with pytest.raises(ValueError, match="needs whole-number counts"):
        nmi.bootstrap([0, 1], [0, 1], sample_weight=[0.5, 1.0], random_state=rng)
    with pytest.raises(ValueError, match="at least one sample"):
        nmi.permutation_test([], [], random_state=rng)
    assert rng.bit_generator.state == before


def test_bca_on_one_sided_replicates_is_nan_with_a_warning():
    # every sample its own cluster in preds: ARI 0. A replicate that repeats a sample (all but
    # surely) puts its copies in one cluster on both sides, which raises the ARI: every
    # replicate lies above the score
    preds, target = np.arange(10), np.arange(10) // 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nmi.SparseTableWarning)
        with pytest.warns(RuntimeWarning, match="BCa interval is not defined"):
            r = nmi.bootstrap(preds, target, score="ari", method="bca", n_resamples=50,
                              random_state=0)  # fmt: skip
        assert r.statistic == 0.0
        assert (r.bootstrap_distribution > 0).all()
        assert math.isnan(r.confidence_interval.low)
        assert math.isnan(r.confidence_interval.high)
        # a perfect match stays one in every replicate: ties, and a defined interval
        r = nmi.bootstrap([0, 1, 2], [0, 1, 2], method="bca", n_resamples=50, random_state=0)
    assert r.confidence_interval == (1.0, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"score": "nope"}, ValueError, "score must be one of"),
        ({"score": 3}, ValueError, "score must be one of"),
        ({"n_resamples": 0}, ValueError, "n_resamples must be at least 1"),
        ({"n_resamples": 2.5}, TypeError, "n_resamples must be a whole number"),
        ({"n_resamples": True}, TypeError, "n_resamples must be a whole number"),
        ({"confidence_level": 1.0}, ValueError, "confidence_level must lie strictly"),
        ({"confidence_level": 0.0}, ValueError, "confidence_level must lie strictly"),
        ({"confidence_level": "high"}, TypeError, "confidence_level must be a number"),
        ({"method": "bc"}, ValueError, "method must be one of"),
        ({"random_state": "seed"}, TypeError, "random_state must be None"),
        ({"random_state": -1}, ValueError, "random_state must be a non-negative int"),
        ({"average_method": "median"}, ValueError, "average_method"),
    ],
)
def test_bad_bootstrap_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        nmi.bootstrap([0, 1, 1, 0], [0, 1, 1, 1], **kwargs)


def test_bad_permutation_arguments_are_refused():
    with pytest.raises(ValueError, match="alternative must be one of"):
        nmi.permutation_test([0, 1], [0, 1], alternative="bigger")
    with pytest.raises(ValueError, match="at least one sample"):
        nmi.permutation_test([], [])
    with pytest.raises(ValueError, match="at least one sample"):
        nmi.bootstrap([], [])


def test_permutation_of_a_table_too_large_to_draw_is_refused_before_any_work():
    many = np.arange(20000)  # 20000 x 20000 cells: over the dense limit
    with pytest.raises(ValueError, match="20000 x 20000 table per replicate"):
        nmi.permutation_test(many, many[::-1], n_resamples=5)


def test_alternatives_split_the_tail_as_scipy_does():
    preds, target = labels(100, k=3, agree=0.05, seed=15)
    kw = {"score": "mi", "n_resamples": 999, "random_state": 0}
    greater = nmi.permutation_test(preds, target, alternative="greater", **kw)
    less = nmi.permutation_test(preds, target, alternative="less", **kw)
    both = nmi.permutation_test(preds, target, alternative="two-sided", **kw)
    null, theta = greater.null_distribution, greater.statistic
    assert greater.pvalue == pytest.approx((1 + np.sum(null >= theta - 1e-12)) / 1000)
    assert less.pvalue == pytest.approx((1 + np.sum(null <= theta + 1e-12)) / 1000)
    assert both.pvalue == pytest.approx(min(1.0, 2 * min(greater.pvalue, less.pvalue)))


def test_compare_resamples_the_samples_jointly():
    target = np.repeat(np.arange(4), 100)
    rng = np.random.default_rng(16)
    a = np.where(rng.random(400) < 0.8, target, rng.integers(0, 4, 400))
    b = np.where(rng.random(400) < 0.7, target, rng.integers(0, 4, 400))
    r = nmi.compare(a, b, target, n_resamples=2000, random_state=0)
    sa = nmi.normalized_mutual_info_score(a, target)
    sb = nmi.normalized_mutual_info_score(b, target)
    assert r.scores == pytest.approx((sa, sb), rel=1e-12)
    assert r.statistic == pytest.approx(sa - sb, rel=1e-12)
    assert r.bootstrap_distribution.shape == (2000, 2)
    diffs = r.bootstrap_distribution[:, 0] - r.bootstrap_distribution[:, 1]
    assert r.standard_error == pytest.approx(np.std(diffs, ddof=1))
    # the same as resampling the samples and scoring both clusterings on each draw
    by_samples = []
    for _ in range(1000):
        i = rng.integers(0, 400, 400)
        by_samples.append(
            nmi.normalized_mutual_info_score(a[i], target[i])
            - nmi.normalized_mutual_info_score(b[i], target[i])
        )
    assert stats.ks_2samp(diffs, by_samples).pvalue > 0.001
    assert r.confidence_interval.low > 0
    assert r.pvalue < 0.01
    swapped = nmi.compare(b, a, target, n_resamples=2000, random_state=0)
    assert swapped.statistic == pytest.approx(-r.statistic)
    # other draws (the three-way table's cells come in another order): equal to MC error
    tolerance = 0.2 * r.standard_error
    assert abs(swapped.confidence_interval.low + r.confidence_interval.high) < tolerance


@pytest.mark.parametrize(("ours", "theirs"), [("basic", "basic"), ("bca", "BCa")])
@pytest.mark.parametrize(
    ("score", "statistic"),
    [("nmi", nmi.normalized_mutual_info_score), ("ari", skm.adjusted_rand_score)],
)
def test_compare_intervals_are_scipys_from_the_same_replicates(ours, theirs, score, statistic):
    # as for one clustering: scipy given compare's replicate differences computes the same
    # interval (BCa: with its jackknife over the samples, of the difference). ARI's
    # difference ranges over [-2, 2]: an end past 0 must stay where it is
    a, target = labels(400, k=4, agree=0.75, seed=31)
    b = np.where(np.random.default_rng(32).random(400) < 0.6, a, target)  # nearer the target
    res = nmi.compare(b, a, target, score=score, n_resamples=1999, method=ours, random_state=4)
    diffs = res.bootstrap_distribution[:, 0] - res.bootstrap_distribution[:, 1]
    assert res.confidence_interval.low > 0.0  # b is the better: the whole interval above 0
    sample = stats.bootstrap(
        (b, a, target),
        lambda x, y, t: statistic(x, t) - statistic(y, t),
        paired=True,
        vectorized=False,
        n_resamples=0,
        method=theirs,
        bootstrap_result=types.SimpleNamespace(bootstrap_distribution=diffs),
    )
    assert res.confidence_interval.low == pytest.approx(sample.confidence_interval.low, abs=1e-12)
    assert res.confidence_interval.high == pytest.approx(sample.confidence_interval.high,
                                                         abs=1e-12)  # fmt: skip


def test_compare_of_one_cell_finds_no_difference():
    r = nmi.compare([3] * 20, [5] * 20, [1] * 20, n_resamples=30, random_state=0)
    assert r.statistic == 0.0
    assert r.scores == (1.0, 1.0)
    assert (r.bootstrap_distribution == 1.0).all()


def test_compare_pairs_the_samples():
    # two clusterings that differ on a few samples: their scores move together, and the
    # paired difference varies far less than two independent scores would
    target = np.repeat(np.arange(5), 80)
    rng = np.random.default_rng(21)
    a = np.where(rng.random(400) < 0.7, target, rng.integers(0, 5, 400))
    b = np.where(rng.random(400) < 0.95, a, rng.integers(0, 5, 400))
    r = nmi.compare(a, b, target, n_resamples=1000, random_state=0)
    var_a, var_b = r.bootstrap_distribution.var(axis=0)
    diffs = r.bootstrap_distribution[:, 0] - r.bootstrap_distribution[:, 1]
    assert diffs.var() < 0.25 * (var_a + var_b)


def test_compare_of_a_clustering_with_itself_finds_no_difference():
    preds, target = labels(300, seed=17)
    r = nmi.compare(preds, preds, target, n_resamples=200, random_state=0)
    assert r.statistic == 0.0
    assert r.pvalue == 1.0
    assert r.confidence_interval == (0.0, 0.0)
    for method in ("percentile", "bca"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # BCa: every difference is 0
            r = nmi.compare(preds, preds, target, n_resamples=50, method=method, random_state=0)
        assert r.statistic == 0.0


def test_compare_of_text_labels_and_its_errors():
    target = ["x", "y", "z"] * 50
    a = ["p", "q", "r"] * 50
    b = ["p", "p", "r"] * 50
    r = nmi.compare(a, b, target, score="ami", n_resamples=100, random_state=0)
    assert r.scores[0] == pytest.approx(1.0)
    assert r.scores[1] == pytest.approx(nmi.adjusted_mutual_info_score(b, target), rel=1e-12)
    with pytest.raises(ValueError, match=r"same length|samples"):
        nmi.compare(a[:-1], b, target)
    with pytest.raises(ValueError, match="score must be one of"):
        nmi.compare(a, b, target, score="nope")


@pytest.mark.parametrize("method", ["min", "geometric", "max"])
def test_compare_scores_with_the_average_method_asked_for(method):
    preds, target = labels(500, k=6, seed=31)
    other = np.where(np.arange(500) % 3 == 0, target, preds)
    r = nmi.compare(preds, other, target, average_method=method, n_resamples=200, random_state=0)
    want = [nmi.normalized_mutual_info_score(p, target, average_method=method)
            for p in (preds, other)]  # fmt: skip
    assert r.scores == pytest.approx(want, rel=1e-12)
    arithmetic = nmi.compare(preds, other, target, n_resamples=200, random_state=0)
    assert abs(r.scores[0] - arithmetic.scores[0]) > 1e-6  # the method changes the score


NOISE_POLICIES = ["keep", "singleton", {"preds": "singleton", "target": "drop"},
                  {"preds": "keep", "target": "singleton"}]  # fmt: skip


@pytest.mark.parametrize("policy", NOISE_POLICIES)
def test_compare_scores_noise_as_the_scores_do(policy):
    # both clusterings' noise under one preds_noise; each score is that of the labels alone,
    # and the replicates of one side are the bootstrap of that side alone (to MC error)
    rng = np.random.default_rng(32)
    n = 3000
    target = rng.integers(0, 6, n)
    a = np.where(rng.random(n) < 0.7, target, rng.integers(0, 6, n))
    b = np.where(rng.random(n) < 0.5, target, rng.integers(0, 6, n))
    a[rng.random(n) < 0.1] = -1
    b[rng.random(n) < 0.05] = -1
    target[rng.random(n) < 0.05] = -1
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": policy}
    r = nmi.compare(a, b, target, n_resamples=1000, random_state=0, **kw)
    want = [nmi.normalized_mutual_info_score(p, target, **kw) for p in (a, b)]
    assert r.scores == pytest.approx(want, rel=1e-12)
    alone = nmi.bootstrap(a, target, n_resamples=1000, random_state=1, **kw)
    ours = r.bootstrap_distribution[:, 0]
    assert stats.ks_2samp(ours, alone.bootstrap_distribution).pvalue > 0.001
    assert abs(ours.std() / alone.standard_error - 1) < 0.15


def test_compare_drops_noise_of_either_clustering_from_both():
    rng = np.random.default_rng(33)
    n = 2000
    target = rng.integers(0, 5, n)
    a = np.where(rng.random(n) < 0.8, target, -1)
    b = np.where(rng.random(n) < 0.9, target, -1)
    r = nmi.compare(a, b, target, preds_noise=-1, noise_policy="drop", n_resamples=100,
                    random_state=0)  # fmt: skip
    both = (a != -1) & (b != -1)
    want = [nmi.normalized_mutual_info_score(p[both], target[both]) for p in (a, b)]
    assert r.scores == pytest.approx(want, rel=1e-12)
    assert r.scores == (1.0, 1.0)  # every kept sample agrees, in both


def test_compare_weights_are_repeated_samples():
    rng = np.random.default_rng(34)
    n = 800
    target = rng.integers(0, 4, n)
    a = np.where(rng.random(n) < 0.7, target, rng.integers(0, 4, n))
    b = np.where(rng.random(n) < 0.6, target, rng.integers(0, 4, n))
    w = rng.integers(0, 4, n)
    weighted = nmi.compare(a, b, target, sample_weight=w, n_resamples=500, random_state=3)
    repeated = nmi.compare(*(np.repeat(x, w) for x in (a, b, target)), n_resamples=500,
                           random_state=3)  # fmt: skip
    assert weighted.scores == repeated.scores
    assert np.array_equal(weighted.bootstrap_distribution, repeated.bootstrap_distribution)
    with pytest.raises(ValueError, match="whole-number"):
        nmi.compare(a, b, target, sample_weight=w + 0.5, n_resamples=10)
    with pytest.raises(ValueError, match="sample_weight"):
        nmi.compare(a, b, target, sample_weight=w[:-1], n_resamples=10)
    with pytest.raises(TypeError, match=r"preds_noise names 'x'.*preds_a"):
        nmi.compare(a, b, target, preds_noise="x", n_resamples=10)


def test_accumulators_resample_their_state():
    preds, target = labels(600, seed=18)
    metric = nmi.NormalizedMutualInfoScore(average_method="min")
    metric.update(preds[:300], target[:300])
    metric.update(preds[300:], target[300:])
    got = metric.bootstrap(n_resamples=100, random_state=0)
    want = nmi.bootstrap(preds, target, average_method="min", n_resamples=100, random_state=0)
    assert got.statistic == metric.compute()
    assert np.array_equal(got.bootstrap_distribution, want.bootstrap_distribution)
    ami = nmi.AdjustedMutualInfoScore()
    ami.update(preds, target)
    assert ami.bootstrap(n_resamples=20, random_state=0).statistic == ami.compute()
    assert ami.permutation_test(n_resamples=20, random_state=0).statistic == ami.compute()
    nrmi = nmi.NormalizedReducedMutualInfoScore("mean", "flat")
    nrmi.update(preds, target)
    assert nrmi.bootstrap(n_resamples=10, random_state=0).statistic == nrmi.compute()


def test_contingency_methods_are_the_functions():
    preds, target = labels(300, seed=19)
    table = nmi.contingency_matrix(preds, target)
    a = nmi.bootstrap(contingency=table, score="vi", n_resamples=30, random_state=0)
    b = nmi.bootstrap(preds, target, score="vi", n_resamples=30, random_state=0)
    assert np.array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    c = nmi.permutation_test(
        contingency=table, score=lambda t: t.mutual_info(), n_resamples=30, random_state=0
    )
    d = nmi.permutation_test(preds, target, score="mi", n_resamples=30, random_state=0)
    assert np.allclose(c.null_distribution, d.null_distribution, rtol=1e-10, atol=1e-13)


def test_command_line_prints_the_interval(tmp_path, capsys):
    preds, target = labels(2000, seed=20)
    np.save(tmp_path / "p.npy", preds)
    np.save(tmp_path / "t.npy", target)
    args = ["score", str(tmp_path / "p.npy"), str(tmp_path / "t.npy"), "--bootstrap", "200"]
    assert main([*args, "--seed", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    want = nmi.bootstrap(preds, target, n_resamples=200, random_state=1)
    assert report["nmi_interval"]["arithmetic"] == pytest.approx(list(want.confidence_interval))
    assert report["bootstrap"]["method"] == "basic"
    assert main([*args, "--seed", "1", "--confidence-level", "0.9"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("NMI"))
    assert "90%, 200 replicates" in line
    assert "[" in line


def test_torch_metric_tables_bootstrap_like_the_labels():
    torch = pytest.importorskip("torch")
    import nmi.torch as nt

    preds, target = labels(500, seed=22)
    metric = nt.NormalizedMutualInfoScore()
    metric.update(torch.from_numpy(preds[:200]), torch.from_numpy(target[:200]))
    metric.update(torch.from_numpy(preds[200:]), torch.from_numpy(target[200:]))
    got = nmi.bootstrap(contingency=metric.table, n_resamples=50, random_state=0)
    want = nmi.bootstrap(preds, target, n_resamples=50, random_state=0)
    assert np.array_equal(got.bootstrap_distribution, want.bootstrap_distribution)


def test_a_table_already_counted_resamples_as_its_labels_do():
    preds, target = labels(400, k=4, seed=21)
    table = nmi.contingency_matrix(preds, target)
    for func in (nmi.bootstrap, nmi.permutation_test):
        by_labels = func(preds, target, score="ari", n_resamples=50, random_state=3)
        by_table = func(contingency=table, score="ari", n_resamples=50, random_state=3)
        by_matrix = func(contingency=table.to_dense(), score="ari", n_resamples=50,
                         random_state=3)  # fmt: skip
        for other in (by_table, by_matrix):
            assert other.statistic == by_labels.statistic
            for name in ("bootstrap_distribution", "null_distribution"):
                if hasattr(other, name):
                    assert np.array_equal(getattr(other, name), getattr(by_labels, name))
    with pytest.raises(ValueError, match="contingency is a table already counted"):
        nmi.bootstrap(preds, target, contingency=table)
    with pytest.raises(ValueError, match="contingency is a table already counted"):
        nmi.permutation_test(contingency=table, sample_weight=np.ones(400))
    with pytest.raises(ValueError, match="contingency is a table already counted"):
        nmi.bootstrap(contingency=table, preds_noise=-1, noise_policy="drop")
    with pytest.raises(TypeError, match="give preds and target"):
        nmi.bootstrap(preds)
    with pytest.raises(TypeError, match="give preds and target"):
        nmi.permutation_test()


def test_options_a_score_does_not_take_are_refused_by_name():
    with pytest.raises(TypeError, match="'mi' takes no options, got average_method"):
        nmi.MutualInfoScore(average_method="max")
    with pytest.raises(TypeError, match="at most 1 options by position"):
        nmi.ReducedMutualInfoScore("flat", "target")
    with pytest.raises(TypeError, match="'ari' takes no options, got reduction"):
        nmi.adjusted_rand_score([0, 1], [0, 1], reduction="flat")
    with pytest.raises(ValueError, match="reduction must be one of"):
        nmi.ReducedMutualInfoScore(reduction="none!")
    assert nmi.ReducedMutualInfoScore(reduction="flat").reduction == "flat"


def test_compare_takes_the_three_way_table_already_counted():
    preds, target = labels(500, k=4, seed=22)
    rng = np.random.default_rng(23)
    other = np.where(rng.random(500) < 0.8, preds, rng.integers(0, 5, 500))
    counts = np.zeros((preds.max() + 1, other.max() + 1, target.max() + 1), np.int64)
    np.add.at(counts, (preds, other, target), 1)
    for score in ("nmi", "ari", "ami"):
        by_labels = nmi.compare(preds, other, target, score=score, n_resamples=60,
                                random_state=5)  # fmt: skip
        by_table = nmi.compare(contingency=counts, score=score, n_resamples=60, random_state=5)
        assert by_table.scores == by_labels.scores
        assert by_table.confidence_interval == by_labels.confidence_interval
        assert np.array_equal(by_table.bootstrap_distribution, by_labels.bootstrap_distribution)
    with pytest.raises(ValueError, match="must be 3-D"):
        nmi.compare(contingency=counts.sum(axis=0))
    with pytest.raises(TypeError, match="whole-number counts"):
        nmi.compare(contingency=counts * 0.5)
    with pytest.raises(ValueError, match="three-way table already counted"):
        nmi.compare(preds, other, target, contingency=counts)
    with pytest.raises(TypeError, match="give preds_a, preds_b and target"):
        nmi.compare(preds, other)


def test_intervals_near_independence_warn_and_point_to_the_permutation_test():
    # at independence AMI's interval held 0 in about half of the coverage benchmark's data
    # sets (0 of 200 at 20 x 20 for the basic one), NMI's percentile one in none
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 5, 5000), rng.integers(0, 5, 5000)
    for score, method in (("ami", "basic"), ("ami", "percentile"), ("ari", "bca"),
                          ("nmi", "percentile"), ("rmi", "basic"), ("vi", "basic")):  # fmt: skip
        with pytest.warns(nmi.IndependenceWarning, match="use nmi.permutation_test") as got:
            nmi.bootstrap(a, b, score=score, method=method, n_resamples=30, random_state=0)
        assert f"score '{score}'" in str(got[0].message)
        assert f"its {method} bootstrap interval" in str(got[0].message)
        assert got[0].filename == __file__  # the caller's line
    metric = nmi.AdjustedMutualInfoScore()
    metric.update(a, b)
    with pytest.warns(nmi.IndependenceWarning):
        metric.bootstrap(n_resamples=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the basic interval of NMI reaches 0 there: no warning
        nmi.bootstrap(a, b, score="nmi", n_resamples=30, random_state=0)
        # far from independence (G-test p about 0): none for any score
        c = np.where(rng.random(5000) < 0.3, a, b)
        for score in ("ami", "ari", "nmi", "rmi"):
            nmi.bootstrap(c, a, score=score, method="percentile", n_resamples=30, random_state=0)


def test_the_independence_warning_follows_the_g_test():
    from scipy import stats as st

    from nmi._resampling.intervals import INDEPENDENCE_P, warn_near_independence

    df, n = 16, 10_000
    edge = st.chi2.isf(INDEPENDENCE_P, df) / (2 * n)  # the MI where p = INDEPENDENCE_P
    with pytest.warns(nmi.IndependenceWarning, match=r"p = 0\.01\b"):
        warn_near_independence("ami", (), "basic", n, edge * 0.995, df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_near_independence("ami", (), "basic", n, edge * 1.005, df)
        warn_near_independence("nmi", ("basic",), "basic", n, 0.0, df)
        warn_near_independence("ami", (), "basic", n, 0.0, 0)  # one cluster a side
