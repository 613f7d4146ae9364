"""The invariants every scorer shares, run on every public scorer of every layer.

One table lists each scorer (functional, table method, accumulator, nmi.torch, nmi.dask)
with what it computes; each test below runs one invariant on all of them: agreement with
scikit-learn, symmetry, relabelling, permutation of samples, containers and dtypes, range,
refusal of NaN/inf and of lengths that differ. Feature test files hold what is specific to
a feature.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import sklearn.metrics as skm

import nmi

from .conftest import sklearn_ami

torch = pytest.importorskip("torch")
da = pytest.importorskip("dask.array")
pd = pytest.importorskip("pandas")

import dask  # noqa: E402

import nmi.dask as nd  # noqa: E402
import nmi.torch as nt  # noqa: E402


def sk_reference(kind: str, method: str) -> Callable[[Any, Any], float]:
    if kind == "nmi":
        return lambda p, t: skm.normalized_mutual_info_score(t, p, average_method=method)
    if kind == "ami":
        return lambda p, t: sklearn_ami(t, p, method)
    return lambda p, t: skm.mutual_info_score(t, p)


def as_list(x):
    return x.tolist()


def as_int32(x):
    return x.astype(np.int32)


def as_series(x):
    return pd.Series(x)


def as_tensor(x):
    return torch.from_numpy(np.ascontiguousarray(x))


def as_tensor_int32(x):
    return torch.from_numpy(np.ascontiguousarray(x)).to(torch.int32)


def as_dask(x):
    return da.from_array(np.asarray(x), chunks=7)


def as_dask_coarse(x):
    return da.from_array(np.asarray(x), chunks=max(np.asarray(x).size // 2, 1))


def as_dask_series(x):
    import dask.dataframe as dd

    return dd.from_pandas(pd.Series(np.asarray(x)), npartitions=3)


NUMPY_CONTAINERS = {
    "list": as_list,
    "int32": as_int32,
    "series": as_series,
    "tensor": as_tensor,
}
TORCH_CONTAINERS = {"int32": as_tensor_int32}
DASK_CONTAINERS = {"coarse chunks": as_dask_coarse, "series": as_dask_series}


@dataclass
class Scorer:
    """One public scorer: ``call(preds, target)`` on containers made by ``convert``."""

    name: str
    kind: str  # "nmi", "ami" or "mi"
    method: str
    call: Callable[[Any, Any], Any]
    convert: Callable[[Any], Any] = np.asarray
    containers: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    rtol: float = 1e-12  # nmi.torch returns float32 tensors (torch's default dtype)

    def __call__(self, preds, target, convert=None):
        convert = self.convert if convert is None else convert
        return float(self.call(convert(np.asarray(preds)), convert(np.asarray(target))))

    def reference(self, preds, target):
        return sk_reference(self.kind, self.method)(np.asarray(preds), np.asarray(target))


def two_batches(cls, method):
    """An accumulator (NumPy or torch) fed two batches, then computed."""

    def call(p, t):
        metric = cls(method)
        half = len(p) // 2
        metric.update(p[:half], t[:half])
        metric.update(p[half:], t[half:])
        return metric.compute()

    return call


def scorers():
    out = []
    for method in ("min", "geometric", "arithmetic", "max"):
        out += [
            Scorer(
                f"normalized_mutual_info_score[{method}]",
                "nmi",
                method,
                lambda p, t, m=method: nmi.normalized_mutual_info_score(p, t, m),
                containers=NUMPY_CONTAINERS,
            ),
            Scorer(
                f"adjusted_mutual_info_score[{method}]",
                "ami",
                method,
                lambda p, t, m=method: nmi.adjusted_mutual_info_score(p, t, m),
                containers=NUMPY_CONTAINERS,
            ),
        ]
    m = "arithmetic"
    out += [
        Scorer("mutual_info_score", "mi", m, nmi.mutual_info_score, containers=NUMPY_CONTAINERS),
        Scorer(
            "clustering_scores[nmi_max]",
            "nmi",
            "max",
            lambda p, t: nmi.clustering_scores(p, t)["nmi_max"],
        ),
        Scorer(
            "clustering_scores[ami_min]",
            "ami",
            "min",
            lambda p, t: nmi.clustering_scores(p, t)["ami_min"],
        ),
        Scorer(
            "score_many",
            "nmi",
            "geometric",
            lambda p, t: nmi.score_many([p, p], t, "geometric")[1],
            containers=NUMPY_CONTAINERS,
        ),
        Scorer(
            "Contingency.normalized_mutual_info",
            "nmi",
            m,
            lambda p, t: nmi.contingency_matrix(p, t).normalized_mutual_info(m),
        ),
        Scorer(
            "Contingency.adjusted_mutual_info",
            "ami",
            "max",
            lambda p, t: nmi.contingency_matrix(p, t).adjusted_mutual_info("max"),
        ),
        Scorer(
            "Contingency.T.mutual_info",
            "mi",
            m,
            lambda p, t: nmi.contingency_matrix(t, p).T.mutual_info(),
        ),
        Scorer(
            "NormalizedMutualInfoScore",
            "nmi",
            m,
            two_batches(nmi.NormalizedMutualInfoScore, m),
            containers=NUMPY_CONTAINERS,
        ),
        Scorer(
            "AdjustedMutualInfoScore",
            "ami",
            "geometric",
            two_batches(nmi.AdjustedMutualInfoScore, "geometric"),
        ),
        Scorer(
            "torch.normalized_mutual_info_score",
            "nmi",
            m,
            lambda p, t: nt.normalized_mutual_info_score(p, t, m),
            as_tensor,
            TORCH_CONTAINERS,
            rtol=1e-6,
        ),
        Scorer(
            "torch.mutual_info_score",
            "mi",
            m,
            nt.mutual_info_score,
            as_tensor,
            TORCH_CONTAINERS,
            rtol=1e-6,
        ),
        Scorer(
            "torch.adjusted_mutual_info_score",
            "ami",
            "min",
            lambda p, t: nt.adjusted_mutual_info_score(p, t, "min"),
            as_tensor,
            rtol=1e-6,
        ),
        Scorer(
            "torch.NormalizedMutualInfoScore",
            "nmi",
            "max",
            two_batches(nt.NormalizedMutualInfoScore, "max"),
            as_tensor,
            TORCH_CONTAINERS,
            rtol=1e-6,
        ),
        Scorer(
            "torch.AdjustedMutualInfoScore",
            "ami",
            m,
            two_batches(nt.AdjustedMutualInfoScore, m),
            as_tensor,
            rtol=1e-6,
        ),
        Scorer(
            "dask.normalized_mutual_info_score",
            "nmi",
            "min",
            lambda p, t: nd.normalized_mutual_info_score(p, t, "min"),
            as_dask,
            DASK_CONTAINERS,
        ),
        Scorer("dask.mutual_info_score", "mi", m, nd.mutual_info_score, as_dask, DASK_CONTAINERS),
        Scorer(
            "dask.adjusted_mutual_info_score",
            "ami",
            m,
            lambda p, t: nd.adjusted_mutual_info_score(p, t, m),
            as_dask,
        ),
        Scorer(
            "dask.clustering_scores[nmi_geometric]",
            "nmi",
            "geometric",
            lambda p, t: nd.clustering_scores(p, t)["nmi_geometric"],
            as_dask,
        ),
    ]
    return out


SCORERS = scorers()
IDS = [s.name for s in SCORERS]


@pytest.fixture(autouse=True)
def _sync_dask():
    with dask.config.set(scheduler="sync"):
        yield


def cases():
    rng = np.random.default_rng(2024)
    a = rng.integers(0, 6, 90)
    yield a, np.where(rng.random(90) < 0.6, a, rng.integers(0, 4, 90))  # related
    yield rng.integers(0, 3, 40), rng.integers(0, 8, 40)  # unrelated
    yield np.arange(30) % 4, (np.arange(30) % 4) * 5 + 2  # same partition
    yield np.zeros(12, dtype=np.int64), np.zeros(12, dtype=np.int64)  # one cluster each
    yield np.zeros(12, dtype=np.int64), np.arange(12) % 3  # one cluster on one side
    yield np.arange(16), np.arange(16) // 4  # every sample its own cluster on one side
    yield rng.integers(-(2**40), 2**40, 6)[rng.integers(0, 6, 70)], rng.integers(0, 9, 70)
    yield np.array([4, 4]), np.array([1, 2])


CASES = list(cases())


@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_agrees_with_scikit_learn(scorer):
    for preds, target in CASES:
        assert scorer(preds, target) == pytest.approx(
            scorer.reference(preds, target), rel=max(scorer.rtol, 1e-9), abs=1e-12
        ), (preds, target)


@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_symmetric(scorer):
    for preds, target in CASES:
        assert scorer(preds, target) == pytest.approx(
            scorer(target, preds), rel=scorer.rtol, abs=1e-15
        )


@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_invariant_under_relabelling_and_sample_order(scorer):
    rng = np.random.default_rng(5)
    for preds, target in CASES:
        base = scorer(preds, target)
        values = np.unique(preds)
        new = rng.permutation(values.size) * 7 - 3  # another label for each value
        relabelled = new[np.searchsorted(values, preds)]
        assert scorer(relabelled, target) == pytest.approx(base, rel=scorer.rtol, abs=1e-15)
        order = rng.permutation(len(preds))
        assert scorer(preds[order], target[order]) == pytest.approx(
            base, rel=scorer.rtol, abs=1e-15
        )


@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_same_value_in_every_container_and_dtype(scorer):
    for preds, target in CASES:
        base = scorer(preds, target)
        for name, convert in scorer.containers.items():
            assert scorer(preds, target, convert) == base, name


@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_range(scorer):
    rng = np.random.default_rng(9)
    for _ in range(5):
        n = int(rng.integers(2, 60))
        preds, target = rng.integers(0, 5, n), rng.integers(0, 7, n)
        value = scorer(preds, target)
        if scorer.kind == "nmi":
            assert 0.0 <= value <= 1.0
        elif scorer.kind == "ami":
            assert value <= 1.0
        else:
            assert value >= 0.0


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_nan_and_inf_labels_are_refused(scorer, bad):
    preds = np.array([0.0, 1.0, bad, 1.0])
    target = np.array([0, 1, 1, 0])
    for args in ((preds, target), (target, preds)):
        with pytest.raises(ValueError, match=r"(preds|target).*(finite|received)"):
            scorer(*args)


@pytest.mark.parametrize("scorer", SCORERS, ids=IDS)
def test_lengths_that_differ_are_refused(scorer):
    with pytest.raises(ValueError, match=r"same length|same shape|inconsistent|different length"):
        scorer(np.array([0, 1, 1, 0, 2]), np.array([0, 1, 1, 0]))


# -- the registry over every layer ------------------------------------------------------

from nmi import _registry as registry  # noqa: E402
from nmi.cli import main as cli_main  # noqa: E402


def dense_assignment(preds, target):
    """Cluster accuracy by scipy's Hungarian assignment on the dense table."""
    from scipy.optimize import linear_sum_assignment

    if len(preds) == 0:
        return 1.0
    table = skm.cluster.contingency_matrix(target, preds)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return table[rows, cols].sum() / len(preds)


def sk_entropy(labels):
    return skm.mutual_info_score(labels, labels)


# scikit-learn's value of each registered score, (preds, target) with target as the truth;
# None where scikit-learn has none (the reduced scores are checked against clustering-mi in
# tests/test_reduced.py)
SKLEARN = {
    "mi": lambda p, t: skm.mutual_info_score(t, p),
    "nmi": lambda p, t: skm.normalized_mutual_info_score(t, p),
    "ami": lambda p, t: sklearn_ami(t, p, "arithmetic"),
    "homogeneity": lambda p, t: skm.homogeneity_score(t, p),
    "completeness": lambda p, t: skm.completeness_score(t, p),
    "v_measure": lambda p, t: skm.v_measure_score(t, p),
    "vi": lambda p, t: sk_entropy(p) + sk_entropy(t) - 2 * skm.mutual_info_score(t, p),
    "ari": lambda p, t: skm.adjusted_rand_score(t, p),
    "rand": lambda p, t: skm.rand_score(t, p),
    "fmi": lambda p, t: skm.fowlkes_mallows_score(t, p),
    "accuracy": lambda p, t: dense_assignment(p, t),
    "rmi": None,
    "nrmi": None,
}
NON_SCORE_FUNCTIONS = {
    "bootstrap", "clustering_scores", "compare", "contingency_matrix", "entropy",
    "homogeneity_completeness_v_measure", "pair_confusion_matrix", "permutation_test",
    "score_many",
}  # fmt: skip
REGISTERED = [pytest.param(score, id=score.name) for score in registry.SCORES]


def registered_functions(module, non_scores=frozenset()):
    return {
        name
        for name in module.__all__
        if callable(getattr(module, name))
        and not isinstance(getattr(module, name), type)
        and not name.startswith("_")
        and name not in non_scores
    }


def test_every_layer_lists_exactly_the_registered_scores():
    functions = {score.function for score in registry.SCORES}
    metrics = {score.metric for score in registry.SCORES}
    assert set(SKLEARN) == set(registry.NAMES)
    assert registered_functions(nmi, NON_SCORE_FUNCTIONS) == functions
    torch_names = {score.torch_function for score in registry.SCORES if score.torch_function}
    assert registered_functions(nt) == functions | torch_names
    for score in registry.SCORES:
        if score.torch_function:  # torchmetrics' name is the same function
            assert getattr(nt, score.torch_function) is getattr(nt, score.function)
    assert registered_functions(nd, {"contingency_matrix", "clustering_scores"}) == functions
    for module, base in ((nmi, nmi.NormalizedMutualInfoScore), (nt, nt.NormalizedMutualInfoScore)):
        classes = {
            name
            for name in module.__all__
            if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), base)
        }
        assert classes == metrics, module.__name__
    for score in registry.SCORES:
        assert callable(getattr(nmi.Contingency, score.method)), score.method
    keys = set(nmi.clustering_scores([0, 1, 1], [0, 0, 1]))
    expected = {"entropy_preds", "entropy_target"}
    for score in registry.SCORES:
        if "average_method" in score.options:
            expected |= {f"{score.key}_{m}" for m in ("min", "geometric", "arithmetic", "max")}
        else:
            expected.add(score.key)
    assert keys == expected
    with pytest.raises(ValueError, match="score must be one of " + ", ".join(
        repr(name) for name in registry.NAMES
    )):  # fmt: skip
        nmi.bootstrap([0, 1], [0, 1], score="nope")


def related(n=120, seed=3):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 5, n)
    preds = np.where(rng.random(n) < 0.6, target, rng.integers(0, 7, n))
    return preds, target


@pytest.mark.parametrize("score", REGISTERED)
def test_every_layer_gives_a_registered_score_the_same_value(score, tmp_path, capsys):
    preds, target = related()
    table = nmi.contingency_matrix(preds, target)
    value = score.of(table)
    assert math.isfinite(value)
    assert getattr(nmi, score.function)(preds, target) == value
    assert getattr(table, score.method)() == value
    metric = getattr(nmi, score.metric)()
    metric.update(preds[:50], target[:50])
    metric.update(preds[50:], target[50:])
    assert metric.compute() == value
    assert metric.higher_is_better == score.higher_is_better
    assert nmi.score_many([preds, target], target, score=score.name)[0] == value
    boot = nmi.bootstrap(preds, target, score=score.name, n_resamples=20, random_state=0)
    assert boot.statistic == value
    assert nd.__dict__[score.function](as_dask(preds), as_dask(target)) == value
    tp, tt = as_tensor(preds), as_tensor(target)
    assert float(nt.__dict__[score.function](tp, tt)) == pytest.approx(value, rel=1e-6)
    torch_metric = getattr(nt, score.metric)()
    torch_metric.update(tp[:50], tt[:50])
    torch_metric.update(tp[50:], tt[50:])
    assert float(torch_metric.compute()) == pytest.approx(value, rel=1e-6)
    assert torch_metric.higher_is_better == score.higher_is_better
    key = score.key + ("_arithmetic" if "average_method" in score.options else "")
    assert nmi.clustering_scores(preds, target)[key] == value
    np.save(tmp_path / "p.npy", preds)
    np.save(tmp_path / "t.npy", target)
    args = ["score", str(tmp_path / "p.npy"), str(tmp_path / "t.npy"), "--json"]
    assert cli_main([*args, "--score", score.name]) == 0
    report = json.loads(capsys.readouterr().out)["scores"][score.name]
    assert (report["arithmetic"] if isinstance(report, dict) else report) == value


@pytest.mark.parametrize("score", REGISTERED)
def test_every_layer_takes_a_registered_scores_options_by_name(score):
    # each option away from its default: the function, the table's method and the
    # accumulator take it by its name and give the registry's value
    preds, target = related()
    table = nmi.contingency_matrix(preds, target)
    away = {"average_method": "max", "beta": 2.5, "scale": "joint", "reduction": "flat",
            "normalization": "mean", "num_classes": 9}  # fmt: skip
    options = {name: away[name] for name in score.options}
    numpy_options = {k: v for k, v in options.items() if k != "num_classes"}
    value = score.of(table, **numpy_options)
    if numpy_options:
        assert value != score.of(table), score.name  # the option changes the value
    assert getattr(nmi, score.function)(preds, target, **numpy_options) == value
    assert getattr(table, score.method)(**numpy_options) == value
    metric = getattr(nmi, score.metric)(**numpy_options)
    metric.update(preds, target)
    assert metric.compute() == value


@pytest.mark.parametrize("score", REGISTERED)
def test_a_registered_score_keeps_its_declared_promises(score):
    rng = np.random.default_rng(17)
    low, high = score.range
    for preds, target in CASES:
        table = nmi.contingency_matrix(preds, target)
        value = score.of(table)
        assert low <= value <= high, (preds, target)
        reference = SKLEARN[score.name]
        if reference is not None:
            expected = reference(preds, target)
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-12), (preds, target)
        swapped = score.of(table.T)
        if score.symmetric:  # bit for bit
            assert swapped == value
    # asymmetric scores are asymmetric: some pair tells them apart
    preds, target = rng.integers(0, 2, 60), rng.integers(0, 6, 60)
    table = nmi.contingency_matrix(preds, target)
    if not score.symmetric:
        assert score.of(table) != pytest.approx(score.of(table.T), rel=1e-6)


def test_the_dask_tree_adds_every_partial_table_whatever_the_fan_in():
    # a level of the tree whose last group holds one table must pass it on, not drop it
    rng = np.random.default_rng(11)
    preds, target = rng.integers(0, 4, 90), rng.integers(0, 3, 90)
    expected = nmi.contingency_matrix(preds, target)
    for chunks in (90, 45, 30, 18, 10, 9, 7, 5):
        for split_every in (2, 3, 4):
            p = da.from_array(preds, chunks=chunks)
            t = da.from_array(target, chunks=chunks)
            got = nd.contingency_matrix(p, t, split_every=split_every).compute()
            assert got == expected, (chunks, split_every)
