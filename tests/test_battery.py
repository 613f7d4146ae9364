"""A fixed, seeded battery of scores, intervals and p-values, pinned to the last bits.

``tests/battery/expected.json`` holds every number as ``float.hex``; it was written before
the score registry and the resampling package were introduced, and every refactoring since
must leave each number identical (on another processor, to its last bits: see
``same``). Rewrite it (``python -m tests.test_battery``) only for a
change that is meant to move a number, and say so in the commit.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import nmi

EXPECTED = Path(__file__).parent / "battery" / "expected.json"
SCORES = (
    *("nmi", "ami", "ari", "mi", "homogeneity", "completeness", "v_measure", "vi"),
    *("rmi", "nrmi"),
)


def labelings() -> dict[str, dict]:
    """Named inputs: plain, skewed, with noise singletons, weighted, tiny."""
    rng = np.random.default_rng(20261207)
    out = {}
    t = rng.integers(0, 6, 400)
    p = np.where(rng.random(400) < 0.7, t, rng.integers(0, 8, 400))
    out["plain"] = {"preds": p, "target": t}
    t = rng.zipf(1.6, 300) % 12
    p = (t + rng.integers(0, 3, 300)) % 10
    out["skewed"] = {"preds": p, "target": t}
    t = rng.integers(-1, 5, 250)
    p = np.where(rng.random(250) < 0.6, t, rng.integers(-1, 4, 250))
    out["singletons"] = {
        "preds": p, "target": t, "preds_noise": -1, "target_noise": -1,
        "noise_policy": "singleton",
    }  # fmt: skip
    out["dropped"] = {**out["singletons"], "noise_policy": "drop"}
    t = rng.integers(0, 4, 200)
    p = np.where(rng.random(200) < 0.5, t, rng.integers(0, 4, 200))
    out["weighted"] = {"preds": p, "target": t, "sample_weight": rng.integers(1, 4, 200)}
    out["tiny"] = {"preds": np.array([0, 0, 1, 1, 2]), "target": np.array([0, 1, 1, 1, 2])}
    t = rng.integers(0, 60, 40_000)  # some 3,000 cells of ~13 samples: the Poisson draws
    p = np.where(rng.random(40_000) < 0.3, t, rng.integers(0, 60, 40_000))
    out["large"] = {"preds": p, "target": t}
    return out


def hexed(value):
    if isinstance(value, dict):
        return {k: hexed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [hexed(v) for v in value]
    value = float(value)
    return "nan" if math.isnan(value) else value.hex()


def battery() -> dict:
    results: dict = {}
    for name, data in labelings().items():
        data = {k: v for k, v in data.items()}
        preds, target = data.pop("preds"), data.pop("target")
        entry = {"scores": nmi.clustering_scores(preds, target, **data)}
        for score in SCORES if name != "large" else ("nmi", "ari", "vi"):
            for method in ("basic", "bca"):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = nmi.bootstrap(
                        preds, target, score=score, method=method, n_resamples=199,
                        random_state=7, average_method="geometric", **data,
                    )  # fmt: skip
                entry[f"bootstrap {score} {method}"] = [
                    res.statistic, *res.confidence_interval, res.standard_error,
                    res.bootstrap_distribution[:5],
                ]  # fmt: skip
            perm = nmi.permutation_test(
                preds, target, score=score, n_resamples=99, random_state=3,
                alternative="two-sided", **data,
            )  # fmt: skip
            null = perm.null_distribution[:5]
            entry[f"permutation {score}"] = [perm.statistic, perm.pvalue, null]
        other = np.roll(preds, 3)
        for score in ("nmi", "ari", "ami"):
            res = nmi.compare(
                preds, other, target, score=score, n_resamples=199, random_state=11, **data
            )
            entry[f"compare {score}"] = [
                res.statistic, *res.confidence_interval, res.pvalue, res.standard_error,
            ]  # fmt: skip
        results[name] = entry
    return hexed(results)


@pytest.mark.slow
def same(got, want):
    """Whether two battery entries hold the same numbers, to the last bits of the machine.

    numba compiles the kernels for the CPU it runs on: fused multiply-adds and the width of
    vector sums differ between processors, and move a float's last bits (some 1e-15
    relative; 5e-16 absolute near 0). A change of the draws or of a formula moves a number
    by far more: one sample more in a cell of 400 moves a score by about 1e-3.
    """
    if isinstance(got, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(got, list):
        return len(got) == len(want) and all(map(same, got, want))
    if isinstance(got, str) and isinstance(want, str) and "0x" in want:
        a, b = float.fromhex(got), float.fromhex(want)
        return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14)
    return got == want


def test_same():
    one = (1.0).hex()
    assert same({"a": [one]}, {"a": [one]})
    assert same([(1 + 2e-16).hex()], [one])
    assert not same([(1 + 1e-9).hex()], [one])
    assert not same([(1e-13).hex()], [(0.0).hex()])
    assert not same({"a": [one]}, {"b": [one]})
    assert not same([one, one], [one])


def test_battery_is_unchanged():
    expected = json.loads(EXPECTED.read_text())
    got = battery()
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name].keys() == expected[name].keys(), name
        for key in expected[name]:
            if key == "scores":  # scores added since are not in the battery
                for score, value in expected[name][key].items():
                    assert same(got[name][key][score], value), (name, score)
                continue
            assert same(got[name][key], expected[name][key]), (name, key)


if __name__ == "__main__":
    EXPECTED.write_text(json.dumps(battery(), indent=1, sort_keys=True) + "\n")
