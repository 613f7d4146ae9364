"""The invariants every scorer shares, run on every public scorer of every layer.

One table lists each scorer (functional, table method, accumulator, nmi.torch, nmi.dask)
with what it computes; each test below runs one invariant on all of them: agreement with
scikit-learn, symmetry, relabelling, permutation of samples, containers and dtypes, range,
refusal of NaN/inf and of lengths that differ. Feature test files hold what is specific to
a feature.
"""

from __future__ import annotations

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
