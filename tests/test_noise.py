"""The noise policy: keep / drop / singleton for named noise labels and missing labels,
checked against scikit-learn on explicitly relabelled inputs, in one call and in streams."""

import math
import pickle
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

import nmi

from .conftest import METHODS, Tuned, sklearn_ami

POLICIES = ("keep", "drop", "singleton")


def explicit(a, b, policy, noise=-1, w=None):
    """What a policy means, spelled out: drop samples, or give each a fresh label."""
    a, b = np.asarray(a).copy(), np.asarray(b).copy()
    keep = np.ones(a.size, dtype=bool)
    fresh = 10**6
    for x, side in ((a, "preds"), (b, "target")):
        mask = x == noise
        if policy[side] == "drop":
            keep &= ~mask
        elif policy[side] == "singleton":
            x[mask] = fresh + np.arange(mask.sum())
            fresh += mask.sum()
    return a[keep], b[keep], None if w is None else np.asarray(w)[keep]


cases = st.integers(1, 50).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(-1, 3), min_size=n, max_size=n),
        st.lists(st.integers(-1, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(
    case=cases,
    preds_policy=st.sampled_from(POLICIES),
    target_policy=st.sampled_from(POLICIES),
    method=st.sampled_from(METHODS),
    prefix=st.sampled_from([None, 1, 3]),
)
def test_every_policy_matches_scikit_learn_on_the_relabelled_input(
    case, preds_policy, target_policy, method, prefix
):
    # the one-pass count too, on these small inputs
    tuned = Tuned(guess_prefix=prefix)
    check_policy_against_scikit_learn(case, preds_policy, target_policy, method, tuned)


def check_policy_against_scikit_learn(case, preds_policy, target_policy, method, tuned=None):
    tuned = Tuned() if tuned is None else tuned
    a, b = (np.array(x) for x in case)
    policy = {"preds": preds_policy, "target": target_policy}
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": policy}
    ea, eb, _ = explicit(a, b, policy)
    got = tuned.nmi(a, b, method, **kw)
    if ea.size:
        assert got == pytest.approx(
            skm.normalized_mutual_info_score(eb, ea, average_method=method), abs=1e-12
        )
        ami = tuned.ami(a, b, method, **kw)
        assert ami == pytest.approx(sklearn_ami(eb, ea, method))
        scores = tuned.scores(a, b, **kw)
        assert scores["adjusted_rand"] == pytest.approx(skm.adjusted_rand_score(eb, ea))
        assert scores["v_measure"] == pytest.approx(skm.v_measure_score(eb, ea), abs=1e-12)
    else:
        assert got == 1.0  # every sample dropped: empty input
    assert tuned.mi(a, b, **kw) == pytest.approx(nmi.mutual_info_score(ea, eb), abs=1e-12)


def test_hdbscan_style_noise_scores_as_the_convention_says():
    preds = [0, 0, 0, 1, 1, -1, -1, -1]
    target = [0, 0, 0, 1, 1, 1, 2, 2]
    keep = nmi.normalized_mutual_info_score(preds, target)
    as_keep = nmi.normalized_mutual_info_score(preds, target, preds_noise=-1)
    assert keep == as_keep  # "keep" is the plain score
    drop = nmi.normalized_mutual_info_score(preds, target, preds_noise=-1, noise_policy="drop")
    assert drop == 1.0  # the labelled points agree perfectly
    single = nmi.normalized_mutual_info_score(
        preds, target, preds_noise=-1, noise_policy="singleton"
    )
    relabelled = [0, 0, 0, 1, 1, 100, 101, 102]
    assert single == pytest.approx(skm.normalized_mutual_info_score(target, relabelled))
    assert len({keep, drop, single}) == 3


def test_several_noise_labels_and_str_labels():
    preds = np.array(["a", "a", "b", "noise", "outlier", "b"])
    target = np.array(["x", "x", "y", "y", "x", "unknown"])
    got = nmi.normalized_mutual_info_score(
        preds,
        target,
        preds_noise=["noise", "outlier"],
        target_noise="unknown",
        noise_policy={"preds": "singleton", "target": "drop"},
    )
    expected = skm.normalized_mutual_info_score(
        ["x", "x", "y", "y", "x"], ["a", "a", "b", "s1", "s2"]
    )
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("policy", ["singleton", "drop"])
def test_every_noise_label_is_noise_each_time_it_occurs(rng, policy):
    # several noise labels, each occurring many times, among str labels
    preds = np.array(["a", "b", "c", "noise", "outlier"])[rng.integers(0, 5, 400)]
    target = np.array(["x", "y", "?", "z"])[rng.integers(0, 4, 400)]
    got = nmi.normalized_mutual_info_score(
        preds, target, preds_noise=["noise", "outlier"], target_noise="?", noise_policy=policy
    )
    noisy_p = np.isin(preds, ["noise", "outlier"])
    noisy_t = target == "?"
    assert noisy_p.sum() > 100
    assert noisy_t.sum() > 50
    if policy == "drop":
        keep = ~noisy_p & ~noisy_t
        expected = skm.normalized_mutual_info_score(target[keep], preds[keep])
    else:  # every noise sample a cluster of its own
        own = np.array([f"single {i}" for i in range(preds.size)])
        expected = skm.normalized_mutual_info_score(
            np.where(noisy_t, own, target), np.where(noisy_p, own, preds)
        )
    assert got == pytest.approx(expected, rel=1e-12)


def test_missing_labels_routed_to_the_policy():
    preds = np.array([0.0, 0.0, 1.0, np.nan, np.nan, 1.0])
    target = [0, 0, 1, 1, 0, None]
    with pytest.raises(ValueError, match="must be finite"):
        nmi.normalized_mutual_info_score(preds, [0] * 6)
    with pytest.raises(ValueError, match="missing labels are not supported"):
        nmi.normalized_mutual_info_score([0] * 6, target)
    dropped = nmi.normalized_mutual_info_score(preds, target, noise_policy="drop", missing="noise")
    assert dropped == nmi.normalized_mutual_info_score([0, 0, 1], [0, 0, 1]) == 1.0
    single = nmi.normalized_mutual_info_score(
        preds, target, noise_policy="singleton", missing="noise"
    )
    assert single == pytest.approx(
        skm.normalized_mutual_info_score([0, 0, 1, 1, 0, 9], [0, 0, 1, 7, 8, 1])
    )
    # keep: missing labels join the side's first noise label
    kept = nmi.normalized_mutual_info_score(
        preds, target, preds_noise=-1, target_noise=-1, missing="noise"
    )
    assert kept == pytest.approx(
        skm.normalized_mutual_info_score([0, 0, 1, 1, 0, -1], [0, 0, 1, -1, -1, 1])
    )
    with pytest.raises(ValueError, match="names none"):
        nmi.normalized_mutual_info_score(preds, target, missing="noise")


def test_missing_in_object_and_datetime_labels():
    preds = np.array(["a", None, "b", "a"], dtype=object)
    target = ["u", "v", "v", "u"]
    got = nmi.normalized_mutual_info_score(preds, target, noise_policy="drop", missing="noise")
    assert got == 1.0
    dates = np.array(["2024-01-01", "NaT", "2024-01-02", "2024-01-01"], dtype="datetime64[D]")
    assert (
        nmi.normalized_mutual_info_score(dates, target, noise_policy="drop", missing="noise") == 1.0
    )


def test_singleton_state_stays_bounded_in_a_stream(rng):
    # a million noise points: the state holds totals per label, not a row per point
    metric = nmi.NormalizedMutualInfoScore(preds_noise=-1, noise_policy="singleton")
    for _ in range(10):
        preds = rng.integers(0, 20, 100_000)
        preds[rng.random(preds.size) < 0.5] = -1
        metric.update(preds, rng.integers(0, 10, preds.size))
    table = metric.table
    held = sum(x.nbytes for x in (table.rows, table.cols, table.counts, table.row_sums))
    assert table.n_clusters[0] > 400_000  # the noise points are clusters...
    assert table.shape == (20, 10)
    assert held < 10_000
    state = metric.state_dict()
    assert sum(np.asarray(v).nbytes for v in state.values() if hasattr(v, "nbytes")) < 20_000
    with pytest.raises(ValueError, match="noise singletons"):
        table.to_dense()


def test_stream_merge_state_dict_and_pickle_agree_with_one_call(rng):
    a, b = rng.integers(-1, 6, 4000), rng.integers(-1, 4, 4000)
    w = rng.integers(1, 3, 4000)
    kw = {
        "preds_noise": -1,
        "target_noise": -1,
        "noise_policy": {"preds": "singleton", "target": "singleton"},
    }
    parts = [nmi.NormalizedMutualInfoScore("min", **kw) for _ in range(3)]
    for metric, idx in zip(parts, np.array_split(np.arange(a.size), 3), strict=True):
        metric.update(a[idx], b[idx], sample_weight=w[idx])
    merged = parts[0].merge(parts[1], parts[2])
    expected = nmi.normalized_mutual_info_score(a, b, "min", sample_weight=w, **kw)
    assert merged.compute() == pytest.approx(expected, abs=1e-12)
    ea, eb, ew = explicit(a, b, kw["noise_policy"], w=w)
    assert expected == pytest.approx(
        nmi.normalized_mutual_info_score(ea, eb, "min", sample_weight=ew), abs=1e-12
    )
    twin = nmi.NormalizedMutualInfoScore("min", **kw)
    twin.load_state_dict(merged.state_dict())
    assert twin.table == merged.table
    assert pickle.loads(pickle.dumps(merged)).table == merged.table
    assert merged.table.T.T == merged.table
    with pytest.raises(ValueError, match="noise singletons with sample weights other than 1"):
        merged.table.adjusted_mutual_info()
    plain = nmi.NormalizedMutualInfoScore("min")
    with pytest.raises(ValueError, match="different noise policies"):
        plain.merge(merged)
    with pytest.raises(ValueError, match="noise arguments"):
        plain.load_state_dict(merged.state_dict())
    assert plain.n_samples == 0


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sides", [("singleton", "singleton"), ("singleton", "drop")])
def test_transpose_swaps_the_sides(rng, weighted, sides):
    # the table of swapped inputs, singleton totals of each side included, and every score
    a, b = rng.integers(-1, 5, 500), rng.integers(-1, 3, 500)
    w = rng.random(500) * 3 + 0.5 if weighted else None
    noise = dict(preds_noise=-1, target_noise=-1)
    t = nmi.contingency_matrix(
        a,
        b,
        sample_weight=w,
        noise_policy=dict(zip(("preds", "target"), sides, strict=True)),
        **noise,
    )
    t_swapped = nmi.contingency_matrix(
        b,
        a,
        sample_weight=w,
        noise_policy=dict(zip(("target", "preds"), sides, strict=True)),
        **noise,
    )
    assert t.T == t_swapped
    assert t.n_clusters == t_swapped.n_clusters[::-1]
    assert t.T.row_entropy() == t_swapped.row_entropy() == t.col_entropy()
    assert t.T.col_entropy() == t_swapped.col_entropy() == t.row_entropy()
    for method in METHODS:
        assert t.T.normalized_mutual_info(method) == t_swapped.normalized_mutual_info(method)
    scores, swapped = t.T.scores(), t_swapped.scores()
    for name in ("homogeneity", "completeness", "v_measure", "mutual_info"):
        assert scores[name] == pytest.approx(swapped[name], rel=1e-12, abs=1e-15), name


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"noise_policy": "ignore"}, ValueError, "noise_policy must be one of"),
        ({"noise_policy": {"pred": "drop"}}, ValueError, "keys must be 'preds'"),
        ({"noise_policy": {"preds": "nope"}}, ValueError, r"noise_policy\['preds'\]"),
        ({"missing": "drop"}, ValueError, "missing must be one of"),
        ({"preds_noise": float("nan")}, ValueError, "missing='noise'"),
        ({"preds_noise": "x", "missing": "noise"}, TypeError, "cannot occur among"),
    ],
)
def test_bad_noise_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        nmi.normalized_mutual_info_score([0.0, np.nan], [0, 1], **kwargs)
    if "missing" not in kwargs or kwargs.get("missing") != "noise":
        with pytest.raises(error, match=message):
            nmi.NormalizedMutualInfoScore(**kwargs)


def test_a_refused_noisy_batch_changes_nothing():
    metric = nmi.NormalizedMutualInfoScore(preds_noise=-1, noise_policy="singleton")
    metric.update([0, -1, 1], [0, 0, 1])
    before = metric.table
    with pytest.raises(ValueError, match="same length"):
        metric.update([0, -1], [0, 0, 1])
    with pytest.raises(ValueError, match="missing labels are not supported"):
        metric.update([0, None], [0, 1])
    assert metric.table is before


@pytest.mark.parametrize("policy", POLICIES)
def test_one_pass_count_agrees_with_the_general_path_on_every_label_kind(rng, policy):
    n = 400
    pick = rng.integers(0, 4, n)
    kinds = {
        "spread int64": np.array([-(2**62), 5, 2**40, -1])[pick],
        "uint64 above 2**63": np.array([2**63 + 9, 1, 2**64 - 1, 7], dtype=np.uint64)[pick],
        "float with NaN": np.array([3.0, np.nan, 2.0, -1.0])[pick],
        "str": np.array(["a", "?", "b", "c"])[pick],
        "small ints": pick - 1,
    }
    noise_of = {"spread int64": -1, "uint64 above 2**63": 7, "float with NaN": -1.0}
    noise_of |= {"str": "?", "small ints": -1}
    weights = rng.random(n)
    names = list(kinds)
    for p_name in names:
        for t_name in names:
            preds = np.where(rng.random(n) < 0.5, kinds[p_name], kinds[p_name][::-1])
            target = kinds[t_name]
            kw = dict(
                preds_noise=noise_of[p_name],
                target_noise=noise_of[t_name],
                noise_policy=policy,
                missing="noise",
            )
            for w in (None, weights):
                general = nmi.clustering_scores(preds, target, sample_weight=w, **kw)
                # these 400 samples take the one-pass count
                one_pass = Tuned(guess_prefix=2).scores(preds, target, sample_weight=w, **kw)
                for key, value in general.items():
                    assert one_pass[key] == pytest.approx(
                        value, rel=1e-12, abs=1e-15, nan_ok=True
                    ), (
                        p_name,
                        t_name,
                        w is None,
                        key,
                    )


@pytest.mark.parametrize("policy", ["keep", "drop", "singleton"])
def test_a_noise_label_of_another_type_than_the_labels_is_refused(policy):
    # -1 never equals the str label "-1": it would silently match nothing
    with pytest.raises(TypeError, match=r"preds_noise names -1 \(int\), which cannot occur"):
        nmi.normalized_mutual_info_score(
            ["a", "-1", "b"], [0, 1, 1], preds_noise=-1, noise_policy=policy
        )
    with pytest.raises(TypeError, match=r"target_noise names '-1' \(str\)"):
        nmi.mutual_info_score([0, 1, 1], [0, -1, 1], target_noise="-1", noise_policy=policy)
    with pytest.raises(TypeError, match=r"preds\[0\]: preds_noise names -1"):
        nmi.score_many([["a", "b", "b"]], [0, 1, 1], preds_noise=-1, noise_policy=policy)
    # the same label, named as the labels hold it, is matched
    as_str = nmi.normalized_mutual_info_score(
        ["a", "-1", "b"], [0, 1, 1], preds_noise="-1", noise_policy="drop"
    )
    assert as_str == 1.0
    # numbers of other numeric types are compared as numbers: -1.0 meets the int label -1
    assert (
        nmi.normalized_mutual_info_score(
            [0, -1, 1], [0, 1, 1], preds_noise=-1.0, noise_policy="drop"
        )
        == 1.0
    )


def test_a_batch_of_missing_labels_only_merges_with_any_other():
    # an all-missing str batch has noise singletons but no labels of its own on that side
    labels = np.array(["a", "b", "a", None, None], dtype=object)
    target = np.array([0, 1, 0, 1, 0])
    kw = dict(noise_policy="singleton", missing="noise")
    expected = nmi.normalized_mutual_info_score(labels, target, **kw)
    for order in ((slice(0, 3), slice(3, 5)), (slice(3, 5), slice(0, 3))):
        metric = nmi.NormalizedMutualInfoScore(**kw)
        for part in order:
            metric.update(labels[part], target[part])
        assert metric.compute() == pytest.approx(expected, rel=1e-12)
        assert metric.table.row_labels.tolist() == ["a", "b"]
    da = pytest.importorskip("dask.array")
    import dask

    import nmi.dask as nd

    with dask.config.set(scheduler="sync"):
        got = nd.normalized_mutual_info_score(
            da.from_array(labels[::-1].copy(), chunks=2),
            da.from_array(target[::-1].copy(), chunks=2),
            **kw,
        )
    assert got == pytest.approx(expected, rel=1e-12)


def test_noise_totals_check_names_what_disagrees():
    from nmi._noise import NoiseTotals

    counts = NoiseTotals.of_counts(preds=2, target=1, both=1)
    counts.check(to_rows=1, to_cols=2, weighted=False)  # consistent: no error
    refused = {
        "2 preds singletons, but their counts add up to 3": (counts, 1, 3),
        "1 target singletons, but their counts add up to 2": (counts, 2, 2),
        "1 both singletons, but their counts add up to 2": (replace(counts, weight_both=2), 1, 2),
        "weights in a table of counts": (replace(counts, wlogw_target=0.5), 1, 2),
        "more non-unit weights than singletons": (replace(counts, non_unit=5), 1, 2),
    }
    for message, (totals, to_rows, to_cols) in refused.items():
        with pytest.raises(ValueError, match=re.escape(f"noise totals: {message}")):
            totals.check(to_rows, to_cols, weighted=False)
    with pytest.raises(ValueError, match="weights in a table of counts"):
        replace(counts, non_unit=1).check(1, 2, weighted=False)
    # weights: 2 preds singletons of total weight 3 give sum(w log w) in [3 log 1.5, 3 log 3]
    low, high = 3 * math.log(1.5), 3 * math.log(3)
    weighted = NoiseTotals(preds=2, target=0, both=0, weight_both=0.0, wlogw_preds=2.0)
    weighted.check(to_rows=0, to_cols=3.0, weighted=True)
    for wlogw in (low, high, low - 1e-9, high + 1e-9):  # the bounds, with rounding slack
        replace(weighted, wlogw_preds=wlogw).check(0, 3.0, weighted=True)
    for wlogw in (low - 1e-6, high + 1e-6, 0.0):
        with pytest.raises(ValueError, match=r"sum\(w \* log\(w\)\) of the preds singletons"):
            replace(weighted, wlogw_preds=wlogw).check(0, 3.0, weighted=True)
    with pytest.raises(ValueError, match=r"2 preds singletons of total weight 0\.0"):
        weighted.check(0, 0.0, weighted=True)
    with pytest.raises(ValueError, match="weight without target singletons"):
        weighted.check(1.5, 3.0, weighted=True)
    with pytest.raises(ValueError, match="weight without target singletons"):
        replace(weighted, wlogw_target=0.1).check(0, 3.0, weighted=True)
    both = NoiseTotals(preds=0, target=0, both=2, weight_both=3.0, wlogw_both=2.0)
    both.check(0, 0, weighted=True)
    with pytest.raises(ValueError, match="the both singletons"):
        replace(both, wlogw_both=5.0).check(0, 0, weighted=True)


def test_noise_totals_from_an_array_refuse_what_no_table_gives():
    from nmi._noise import NoiseTotals

    totals = NoiseTotals(2, 1, 3, 3.5, 0.1, 0.0, 1.2, 4)
    back = NoiseTotals.from_array(totals.to_array())
    assert back.to_array().tolist() == [2, 1, 3, 3.5, 0.1, 0.0, 1.2, 4]
    assert isinstance(back.preds, int)
    assert isinstance(back.weight_both, float)
    assert isinstance(
        NoiseTotals.from_array([2, 1, 3, 3, 0, 0, 0, 0], weighted=False).weight_both, int
    )
    bad = {
        "8 finite numbers": ([1, 2, 3], [0, 0, 0, 0, 0, 0, float("nan"), 0]),
        "non-negative": ([-1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, -0.5, 0, 0, 0, 0]),
        "must be a whole number": ([2.5, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1.5]),
    }
    for message, arrays in bad.items():
        for values in arrays:
            with pytest.raises(ValueError, match=message):
                NoiseTotals.from_array(values)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"preds_noise": -1},
        {"preds_noise": [-1, "x"], "target_noise": -2, "noise_policy": "drop"},
        {"target_noise": 0, "noise_policy": {"preds": "keep", "target": "singleton"}},
        {"missing": "noise", "noise_policy": "singleton"},
    ],
)
def test_a_policy_rebuilds_from_its_dict(kwargs):
    from nmi._validation import check_noise

    policy = check_noise(**kwargs)
    again = policy.as_dict()
    assert check_noise(**again) == policy
    assert again["missing"] == kwargs.get("missing", "raise")


def test_weighted_singleton_totals_count_the_weights_other_than_one():
    from nmi._noise import NoiseTotals

    totals = NoiseTotals.of_weights(np.array([1.0, 2.0]), np.array([1.0]), np.array([0.5, 1.0]))
    assert (totals.preds, totals.target, totals.both, totals.non_unit) == (2, 1, 2, 2)
    assert totals.weight_both == 1.5
    assert totals.wlogw_preds == pytest.approx(2 * np.log(2))
    assert NoiseTotals.of_weights(np.ones(3), np.ones(0), np.ones(1)).non_unit == 0


@pytest.mark.parametrize(
    "weights",
    [[0.5], [1.0], [2.0, 2.0], [0.25, 0.25, 0.25], [1e-3, 5.0]],
)
def test_totals_of_any_positive_weights_pass_their_check(weights):
    # the bounds of sum(w log w), W log(W / m) and W log(W), are reached by equal weights
    # and by one weight; weights below 1 and a single unit weight sit at or beside 0
    from nmi._noise import NoiseTotals

    w = np.array(weights)
    for totals, to_rows, to_cols in (
        (NoiseTotals.of_weights(w, w[:0], w[:0]), 0.0, w.sum()),
        (NoiseTotals.of_weights(w[:0], w, w[:0]), w.sum(), 0.0),
        (NoiseTotals.of_weights(w[:0], w[:0], w), 0.0, 0.0),
    ):
        totals.check(to_rows, to_cols, weighted=True)


def test_singletons_repr_counts_each_group():
    table = nmi.contingency_matrix(
        [0, 0, -1, 1, -1, 2],
        [5, -1, 6, 6, -1, -1],
        preds_noise=-1,
        target_noise=-1,
        noise_policy="singleton",
    )
    assert repr(table.noise) == "noise singletons: 1 in preds, 2 in target, 1 in both"


@pytest.mark.parametrize(
    "policy",
    [
        {"preds": "singleton", "target": "keep"},
        {"preds": "keep", "target": "singleton"},
        {"preds": "singleton", "target": "drop"},
        "singleton",
    ],
)
@pytest.mark.parametrize("noise_in", ["both", "preds", "target", "neither"])
def test_one_pass_singletons_of_one_side_are_counts(rng, policy, noise_in):
    from nmi._noise import NoiseTotals

    # the one-pass count (small integer rows against a target) builds the singleton totals
    # itself: they must be the general path's, as counts, whichever sides have noise
    n = 300
    # preds values with gaps: the one-pass range holds values that never occur
    preds, target = rng.choice([0, 2, 4, 8], n), rng.integers(10, 14, n)
    if noise_in in ("both", "preds"):
        preds[::7] = -1
    if noise_in in ("both", "target"):
        target[::5] = -1
    if noise_in == "both":
        preds[::35] = -1  # samples that are noise on both sides
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": policy}
    general = nmi.contingency_matrix(preds, target, **kw)
    one_pass = Tuned(guess_prefix=100).table(preds, target, **kw)
    assert one_pass == general
    assert not one_pass.weighted
    if general.noise is None:
        assert one_pass.noise is None or one_pass.noise.totals == NoiseTotals()
    else:
        assert one_pass.noise.totals == general.noise.totals
        assert one_pass.noise.rows.dtype == one_pass.noise.cols.dtype == np.int64
    assert one_pass.normalized_mutual_info("max") == general.normalized_mutual_info("max")


@pytest.mark.parametrize("preds_policy", POLICIES)
@pytest.mark.parametrize("target_policy", POLICIES)
def test_the_general_noisy_count_means_what_each_policy_says(preds_policy, target_policy):
    # fixed inputs with noise on each side and on both, counted by the general path (the
    # one-pass count is told to never pay): fast, where the hypothesis test is thorough
    a = np.array([0, 0, 1, -1, -1, 2, 2, -1, 1, 0, 3, -1, 2])
    b = np.array([5, -1, 5, 6, -1, -1, 7, 7, 6, 5, -1, 8, -1])
    policy = {"preds": preds_policy, "target": target_policy}
    kw = {"preds_noise": -1, "target_noise": -1, "noise_policy": policy}
    general = Tuned(guess_prefix=10**6)
    ea, eb, _ = explicit(a, b, policy)
    assert general.nmi(a, b, "min", **kw) == pytest.approx(
        skm.normalized_mutual_info_score(eb, ea, average_method="min"), abs=1e-12
    )
    assert general.mi(a, b, **kw) == pytest.approx(skm.mutual_info_score(eb, ea), abs=1e-12)
    # a sample of weight zero is a sample that is not there, noise or not
    w = np.array([1, 0, 2, 1, 0, 1, 3, 1, 1, 0, 1, 2, 0.5])
    kept = w > 0
    with_zeros = general.table(a, b, w, **kw)
    assert with_zeros == general.table(a[kept], b[kept], w[kept], **kw)
    if with_zeros.noise is not None:
        assert (
            with_zeros.noise.totals == general.table(a[kept], b[kept], w[kept], **kw).noise.totals
        )


# -- the one-pass count against target codes, path by path ----------------------------


def one_pass_inputs(rng):
    n = 4000
    small = rng.integers(0, 5, n)
    leaves = np.r_[small[:100], rng.integers(5, 10, n - 100)]  # every later chunk leaves the guess
    noisy = np.where(rng.random(n) < 0.1, -1, small)
    targets = {
        "small ints": rng.integers(0, 4, n),
        "spread ints": rng.integers(0, 6, n) * 1_000_003 - 2**40,
        "str": np.array(["x", "y", "z"])[rng.integers(0, 3, n)],
        "noisy small ints": np.where(rng.random(n) < 0.1, -1, rng.integers(0, 4, n)),
    }
    # the second chunk starts outside the guessed range: its count stops at its first sample
    half = np.r_[small[: n // 2], rng.integers(5, 10, n - n // 2)]
    rows = {"small": small, "leaves its guess": leaves, "second half leaves": half, "noisy": noisy}
    return rows, targets


@pytest.mark.parametrize("policy", ["drop", "singleton", {"preds": "singleton", "target": "drop"}])
@pytest.mark.parametrize("weighted", [False, True])
def test_one_pass_count_against_target_codes_equals_the_general_count(
    rng, monkeypatch, policy, weighted
):
    monkeypatch.setenv("NMI_NUM_THREADS", "2")  # two chunks of 2000 samples
    rows, targets = one_pass_inputs(rng)
    w = rng.integers(1, 4, 4000).astype(np.float64) if weighted else None
    one_pass = Tuned(guess_prefix=100, parallel_min=1000)  # several chunks, counted on threads
    general = Tuned(guess_prefix=10**6)
    for r_name, row in rows.items():
        for t_name, target in targets.items():
            noise = "z" if t_name == "str" else -1
            kw = {"preds_noise": -1, "target_noise": noise, "noise_policy": policy}
            expected = general.table(row, target, w, **kw)
            got = one_pass.table(row, target, w, **kw)
            assert got == expected, (r_name, t_name)
            assert got.weighted == weighted
            assert got.counts.dtype == expected.counts.dtype
            many = one_pass.many(np.stack([row, row[::-1]]), target, "min", w, **kw)
            assert many[0] == pytest.approx(expected.normalized_mutual_info("min"), rel=1e-12)


def test_singletons_compare_equal_exactly_when_their_totals_and_labels_do():
    from nmi._noise import NoiseTotals, Singletons

    rows, cols = np.array([1, 0]), np.array([0, 2, 0])
    some = Singletons(rows, cols, NoiseTotals.of_counts(2, 1, 0))
    none_at_all = Singletons(rows * 0, cols * 0, NoiseTotals())
    same = Singletons.same
    assert same(None, None)
    assert same(None, none_at_all)
    assert same(none_at_all, None)
    assert not same(None, some)
    assert not same(some, None)
    assert same(some, Singletons(rows.copy(), cols.copy(), NoiseTotals.of_counts(2, 1, 0)))
    assert not same(some, Singletons(rows[::-1], cols, NoiseTotals.of_counts(2, 1, 0)))
    assert not same(some, Singletons(rows, cols[[1, 0, 2]], NoiseTotals.of_counts(2, 1, 0)))
    assert not same(some, Singletons(rows, cols, NoiseTotals.of_counts(2, 1, 1)))
    # through the tables that hold them
    plain = nmi.contingency_matrix([0, 1, 1], [0, 0, 1])
    keep = nmi.contingency_matrix([0, 1, 1], [0, 0, 1], preds_noise=-1, noise_policy="singleton")
    assert plain == keep
    split = nmi.contingency_matrix([0, 1, -1], [0, 0, 1], preds_noise=-1, noise_policy="singleton")
    assert split != nmi.contingency_matrix([0, 1], [0, 0])


def test_broken_noise_totals_are_refused_with_the_whole_reason():
    from nmi._noise import NoiseTotals

    with pytest.raises(ValueError, match=r"^noise totals: more non-unit weights than singletons$"):
        NoiseTotals(preds=1, non_unit=2).check(0.0, 1.0, weighted=True)
    with pytest.raises(ValueError, match=r"^noise totals: weights in a table of counts$"):
        NoiseTotals(preds=1, wlogw_preds=0.5).check(0, 1, weighted=False)
    with pytest.raises(
        ValueError, match=r"^noise totals: counts and weights must be non-negative$"
    ):
        NoiseTotals.from_array([-1, 0, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("weights", [None, [1.0, 2.0, 1.0, 1.0, 1.0, 3.0]])
def test_astype_converts_the_singletons_with_the_cells(weights):
    table = nmi.contingency_matrix(
        [0, 0, 1, 2, -1, -1],
        [5, 5, 6, 6, 7, -1],
        sample_weight=weights,
        preds_noise=-1,
        target_noise=-1,
        noise_policy="singleton",
    )
    as_float = table.astype(np.float64)
    assert as_float.counts.dtype == as_float.noise.rows.dtype == as_float.noise.cols.dtype
    assert as_float.noise.rows.dtype == np.float64
    assert type(as_float.n_samples) is float
    assert type(as_float.noise.totals.weight_both) is float
    as_int = as_float.astype(np.int64)
    assert as_int.counts.dtype == as_int.noise.rows.dtype == np.int64
    assert type(as_int.n_samples) is int
    assert type(as_int.noise.totals.weight_both) is int
    assert as_int.normalized_mutual_info() == pytest.approx(table.normalized_mutual_info())
    with pytest.raises(ValueError, match=r"^dtype must be int64 or float64, got int32$"):
        table.astype(np.int32)


@pytest.mark.parametrize("policy", POLICIES)
def test_one_pass_count_of_categoricals_gives_the_general_table(rng, policy):
    # Categories are counted by their codes, which follow the categories' own order, not
    # the labels': the one-pass count must put its singletons in the order of the labels.
    pd = pytest.importorskip("pandas")
    n = 400
    preds = pd.Categorical.from_codes(rng.integers(0, 4, n), categories=["z", "?", "b", "a"])
    target = pd.Categorical.from_codes(rng.integers(0, 4, n), categories=["y", "x", "!", "w"])
    kw = dict(preds_noise="?", target_noise="!", noise_policy=policy)
    general = Tuned().table(preds, target, **kw)
    one_pass = Tuned(guess_prefix=2).table(preds, target, **kw)  # 400 samples take it
    assert one_pass == general
    for labels in (one_pass.row_labels.tolist(), one_pass.col_labels.tolist()):
        assert labels == sorted(labels)
    assert type(one_pass.n_samples) is int


@pytest.mark.parametrize("policy", POLICIES)
def test_noisy_preds_whose_range_outgrows_the_prefix_take_the_general_count(rng, policy):
    # sorted cluster ids: the range of the first samples is not the range of all, so the
    # one-pass count gives up; the preds' noise samples must still follow the policy
    n = 400
    preds = np.sort(rng.integers(0, 30, n))
    preds[rng.random(n) < 0.2] = -1
    target = rng.integers(0, 5, n)
    kw = dict(preds_noise=-1, noise_policy=policy)
    assert Tuned(guess_prefix=2).table(preds, target, **kw) == Tuned().table(preds, target, **kw)
    a, b, _ = explicit(preds, target, {"preds": policy, "target": "keep"})
    expected = skm.normalized_mutual_info_score(b, a)
    assert Tuned(guess_prefix=2).nmi(preds, target, **kw) == pytest.approx(expected, abs=1e-12)


def test_a_target_of_noise_only_keeps_the_weights_in_the_one_pass_count(rng):
    n = 400
    preds, target = rng.integers(0, 6, n), np.full(n, -1)
    w = rng.integers(1, 5, n).astype(float)
    kw = dict(target_noise=-1, noise_policy="singleton")
    one_pass = Tuned(guess_prefix=2).table(preds, target, sample_weight=w, **kw)
    assert one_pass.weighted
    assert type(one_pass.n_samples) is float
    assert one_pass == Tuned().table(preds, target, sample_weight=w, **kw)
    repeated = Tuned().table(np.repeat(preds, w.astype(int)), np.full(int(w.sum()), -1), **kw)
    assert one_pass.row_entropy() == pytest.approx(repeated.row_entropy(), abs=1e-12)
    p = w / w.sum()  # each target sample a cluster of its own weight
    assert one_pass.col_entropy() == pytest.approx(-(p * np.log(p)).sum(), abs=1e-12)


@pytest.mark.parametrize("policy", [None, *POLICIES])
def test_one_pass_tables_of_counts_have_a_whole_number_of_samples(rng, policy):
    n = 400
    preds, target = rng.integers(0, 6, n), rng.integers(0, 4, n)
    preds[:2] = 0, 5  # the first two samples span the range: the one-pass count holds
    kw = {} if policy is None else dict(preds_noise=0, target_noise=0, noise_policy=policy)
    table = Tuned(guess_prefix=2).table(preds, target, **kw)
    assert type(table.n_samples) is int
    kept = n if policy != "drop" else int(np.sum((preds != 0) & (target != 0)))
    assert table.n_samples == kept
    assert table.counts.dtype == np.int64
    weighted = Tuned(guess_prefix=2).table(preds, target, sample_weight=np.ones(n), **kw)
    assert type(weighted.n_samples) is float
    assert weighted.n_samples == kept
