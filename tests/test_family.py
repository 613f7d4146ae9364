"""The family as a whole: every registered score in a collection, on every label kind."""

import json
import math

import numpy as np
import pytest

import nmi
from nmi import _registry as registry
from nmi.cli import main as cli_main

torch = pytest.importorskip("torch")
MetricCollection = pytest.importorskip("torchmetrics").MetricCollection

import nmi.torch as nt  # noqa: E402


def related(n=300, seed=4):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 6, n)
    preds = np.where(rng.random(n) < 0.6, target, rng.integers(0, 8, n))
    return preds, target


KINDS = {
    "int64": lambda x: x,
    "int32": lambda x: x.astype(np.int32),
    "uint8": lambda x: x.astype(np.uint8),
    "float": lambda x: x.astype(np.float64) + 0.5,
    "str": lambda x: np.array([f"c{v}" for v in x]),
    "object": lambda x: np.array([("t", int(v)) if v % 2 else int(v) for v in x], dtype=object),
    "list": lambda x: x.tolist(),
    "wide": lambda x: x.astype(np.int64) * (2**60 // 8) - 2**62,
}


@pytest.mark.parametrize("score", [pytest.param(s, id=s.name) for s in registry.SCORES])
def test_every_score_is_the_same_on_every_label_kind_and_bit_symmetric(score):
    preds, target = related()
    function = getattr(nmi, score.function)
    base = function(preds, target)
    for kind, convert in KINDS.items():
        if kind == "object":  # mixed int and tuple labels are refused: keep one type a side
            continue
        assert function(convert(preds), convert(target)) == base, kind
    if score.symmetric:
        assert function(target, preds) == function(preds, target)
    else:
        assert function(target, preds) != function(preds, target)


def test_the_scaled_variation_of_information():
    preds, target = related()
    table = nmi.contingency_matrix(preds, target)
    mi, hp, ht = table.information()
    vi = hp + ht - 2 * mi
    assert nmi.variation_of_information(preds, target) == pytest.approx(vi, rel=1e-15)
    got = nmi.variation_of_information(preds, target, scale="log_n")
    assert got == pytest.approx(vi / math.log(300), rel=1e-15)
    got = nmi.variation_of_information(preds, target, scale="joint")
    assert got == pytest.approx(vi / (hp + ht - mi), rel=1e-15)
    assert nmi.variation_of_information([0, 0], [1, 1], scale="joint") == 0.0
    assert nmi.variation_of_information([0], [1], scale="log_n") == 0.0
    with pytest.raises(ValueError, match="scale must be one of"):
        nmi.variation_of_information(preds, target, scale="bits")
    # replicates scored as arrays are scored as one table each
    res = nmi.VariationOfInformation(scale="log_n")
    res.update(preds, target)
    boot = res.bootstrap(n_resamples=20, random_state=0)
    assert boot.statistic == got * 0 + nmi.variation_of_information(preds, target, scale="log_n")


def test_a_collection_of_every_torch_metric_is_one_compute_group():
    preds, target = (torch.from_numpy(x) for x in related())
    metrics = {s.metric: getattr(nt, s.metric)() for s in registry.SCORES}
    collection = MetricCollection(metrics, compute_groups=True)
    for start in range(0, 300, 100):
        collection.update(preds[start : start + 100], target[start : start + 100])
    groups = collection.compute_groups
    assert len(groups) == 1, groups
    values = collection.compute()
    for s in registry.SCORES:
        expected = getattr(nmi, s.function)(preds.numpy(), target.numpy())
        assert float(values[s.metric]) == pytest.approx(expected, rel=1e-6), s.name


def test_the_command_line_prints_every_score(tmp_path, capsys):
    preds, target = related()
    np.save(tmp_path / "p.npy", preds)
    np.save(tmp_path / "t.npy", target)
    args = ["score", str(tmp_path / "p.npy"), str(tmp_path / "t.npy"), "--json"]
    assert cli_main([*args, "--score", "all"]) == 0
    scores = json.loads(capsys.readouterr().out)["scores"]
    assert list(scores) == list(registry.NAMES)
    assert scores["rand"] == nmi.rand_score(preds, target)
    assert scores["nmi"]["arithmetic"] == nmi.normalized_mutual_info_score(preds, target)
    weights = tmp_path / "w.npy"
    np.save(weights, np.full(300, 0.5))
    assert cli_main([*args, "--score", "all", "--weights", str(weights)]) == 0
    scores = json.loads(capsys.readouterr().out)["scores"]
    assert scores["ari"] is None  # not defined for fractional weights: null in JSON
    weighted = nmi.normalized_mutual_info_score(preds, target, sample_weight=np.full(300, 0.5))
    assert scores["nmi"]["arithmetic"] == weighted


def test_bounded_scores_stay_in_their_range_where_one_labeling_refines_the_other():
    # MI equals the coarser side's entropy there in exact arithmetic; the two sums round
    # apart (scikit-learn's homogeneity gives 1.0000000000000004 on the first pair)
    rng = np.random.default_rng(0)
    pairs = [(np.arange(12) // 2, np.arange(12) // 4)]
    for _ in range(150):
        fine = rng.integers(0, int(rng.integers(2, 20)), int(rng.integers(5, 300)))
        pairs.append((fine, fine // int(rng.integers(2, 4))))
    for fine, coarse in pairs:
        for a, b in ((fine, coarse), (coarse, fine)):
            table = nmi.contingency_matrix(a, b)
            for score in registry.SCORES:
                low, high = score.range
                options = ("min", "geometric", "arithmetic", "max")
                if "average_method" in score.options:
                    values = [score.of(table, average_method=m) for m in options]
                else:
                    values = [score.of(table)]
                assert all(low <= v <= high for v in values), (score.name, values)
    fine, coarse = pairs[0]
    assert nmi.homogeneity_score(fine, coarse) == 1.0
    res = nmi.bootstrap(np.tile(fine, 20), np.tile(coarse, 20), score="homogeneity",
                        method="percentile", n_resamples=50, random_state=0)  # fmt: skip
    low, high = res.confidence_interval
    assert low <= res.statistic <= high == 1.0


def test_weighted_scores_are_bit_symmetric():
    # the weight total is one correctly rounded sum, in no order: the same table either way
    rng = np.random.default_rng(0)
    for _ in range(100):
        n = int(rng.integers(5, 300))
        a, b, w = rng.integers(0, 6, n), rng.integers(0, 5, n), rng.random(n) * 3
        ab = nmi.contingency_matrix(a, b, sample_weight=w)
        ba = nmi.contingency_matrix(b, a, sample_weight=w)
        assert ab.n_samples == ba.n_samples
        for score in registry.SCORES:
            if score.symmetric and not score.counts_samples:
                assert score.of(ab) == score.of(ba), score.name
        assert nmi.normalized_mutual_info_score(a, b, sample_weight=w) == (
            nmi.normalized_mutual_info_score(b, a, sample_weight=w)
        )
