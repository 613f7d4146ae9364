"""Saved states of every format version ever written still load, and give the same scores.

The files under ``tests/states`` were written by earlier versions of nmi (see
``tests/states/write_states.py``): version 1 (counts, no noise), version 2 (weights, noise
singletons), as accumulator state dicts, pickles of accumulators and tables, and nmi.torch
checkpoints. Each is loaded here and compared with the same data counted today.
"""

import ast
import pickle
from pathlib import Path

import numpy as np
import pytest

import nmi

STATES = Path(__file__).parent / "states"
PREDS = np.array([0, 0, 1, 1, 2, 2, 2, -1, -1, 5])
TARGET = np.array([1, 1, 1, 0, 0, 3, 3, 3, -1, 0])
NOISE = {
    "v1": {},
    "v2": dict(preds_noise=-1, target_noise=-1, noise_policy="singleton"),
}
WEIGHTED = dict(preds_noise=-1, noise_policy="drop")
WEIGHTS = np.linspace(0.5, 2.0, PREDS.size)


def expected(tag):
    return ast.literal_eval((STATES / f"expected_{tag}.txt").read_text())


def counted_today(tag):
    acc = nmi.NormalizedMutualInfoScore("geometric", **NOISE[tag])
    acc.update(PREDS, TARGET)
    acc.update(PREDS[::-1].copy(), TARGET)
    return acc


def load_npz(name):
    with np.load(STATES / name) as data:
        return {k: (data[k].item() if data[k].ndim == 0 else data[k]) for k in data.files}


@pytest.mark.parametrize("tag", ["v1", "v2"])
def test_accumulator_state_dicts_of_every_version_load(tag):
    today = counted_today(tag)
    acc = nmi.NormalizedMutualInfoScore("geometric", **NOISE[tag])
    acc.load_state_dict(load_npz(f"accumulator_{tag}.npz"))
    assert acc.table == today.table
    assert acc.compute() == expected(tag)["accumulator"] == today.compute()
    assert acc.n_samples == expected(tag)["n_samples"]
    # the state it writes back is today's format, and reads back to the same table
    again = nmi.NormalizedMutualInfoScore("geometric", **NOISE[tag])
    again.load_state_dict(acc.state_dict())
    assert again.table == acc.table


def test_the_current_format_is_the_last_one_written():
    saved = load_npz("accumulator_v2.npz")
    written = counted_today("v2").state_dict()
    assert saved.keys() == written.keys()
    for key, value in written.items():
        assert np.array_equal(np.asarray(saved[key]), np.asarray(value)), key


def test_weighted_state_of_version_2_loads():
    acc = nmi.NormalizedMutualInfoScore("geometric", **WEIGHTED)
    acc.load_state_dict(load_npz("accumulator_v2_weighted.npz"))
    today = nmi.NormalizedMutualInfoScore("geometric", **WEIGHTED)
    today.update(PREDS, TARGET, WEIGHTS)
    assert acc.table.weighted
    assert acc.compute() == pytest.approx(expected("v2")["weighted"], rel=1e-15)
    assert acc.compute() == pytest.approx(today.compute(), rel=1e-15)
    assert acc.n_samples == pytest.approx(expected("v2")["weighted_n"], rel=1e-15)


@pytest.mark.parametrize("tag", ["v1", "v2"])
def test_pickles_of_every_version_load(tag):
    today = counted_today(tag)
    with open(STATES / f"accumulator_{tag}.pkl", "rb") as f:
        acc = pickle.load(f)
    assert acc.table == today.table
    assert acc.compute() == expected(tag)["accumulator"]
    with open(STATES / f"table_{tag}.pkl", "rb") as f:
        table = pickle.load(f)
    assert table == today.table
    assert table.normalized_mutual_info("geometric") == expected(tag)["accumulator"]
    with open(STATES / "accumulator_v2_weighted.pkl", "rb") as f:
        weighted = pickle.load(f)
    assert weighted.compute() == pytest.approx(expected("v2")["weighted"], rel=1e-15)


@pytest.mark.parametrize("tag", ["v1", "v2"])
def test_torch_checkpoints_of_every_version_load(tag):
    torch = pytest.importorskip("torch")
    from nmi.torch import NormalizedMutualInfoScore

    metric = NormalizedMutualInfoScore("geometric", **NOISE[tag])
    metric.load_state_dict(torch.load(STATES / f"torch_{tag}.pt", weights_only=True))
    assert float(metric.compute()) == expected(tag)["torch"]
    assert metric.table == counted_today(tag).table
    # and it goes on counting from there
    metric.update(torch.from_numpy(PREDS), torch.from_numpy(TARGET))
    today = counted_today(tag)
    today.update(PREDS, TARGET)
    assert metric.table == today.table


def test_an_unknown_version_is_refused_and_changes_nothing():
    acc = counted_today("v1")
    state = load_npz("accumulator_v1.npz")
    state["version"] = 3
    with pytest.raises(ValueError, match="format version 3; this nmi reads versions 1, 2"):
        acc.load_state_dict(state)
    assert acc.table == counted_today("v1").table


def test_state_arrays_keep_the_dtype_of_the_counts():
    for weights in (None, [1.0, 2.0, 0.5, 1.0]):
        metric = nmi.NormalizedMutualInfoScore()
        metric.update([0, 1, 1, 2], [0, 0, 1, 1], sample_weight=weights)
        state = metric.state_dict()
        dtype = np.float64 if weights else np.int64
        assert state["counts"].dtype == dtype
        assert state["noise_rows"].dtype == dtype
        assert state["noise_cols"].dtype == dtype
        assert state["noise_rows"].size == state["noise_stats"].size == 0


def test_a_broken_state_is_refused_by_name():
    metric = nmi.NormalizedMutualInfoScore()
    metric.update([0, 1, 1, 2], [0, 0, 1, 1])
    state = metric.state_dict()
    with pytest.raises(TypeError, match=r"^state must be a dict from state_dict\(\), got list$"):
        metric.load_state_dict([state])
    without = {k: v for k, v in state.items() if k not in ("noise_rows", "noise_stats")}
    with pytest.raises(
        ValueError, match=r"^state is missing noise_rows, noise_stats; pass a dict from state_dict"
    ):
        metric.load_state_dict(without)
    without = {k: v for k, v in state.items() if k not in ("rows", "average_method")}
    with pytest.raises(
        ValueError, match=r"^state is missing average_method, rows; pass a dict from state_dict"
    ):
        metric.load_state_dict(without)
    assert metric.n_samples == 4
