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


# -- records: the tensor state of nmi.torch, as plain arrays ----------------------------


def records_of(*tables):
    """The records of several tables, concatenated (as a DDP gather or a merge gives them)."""
    from nmi._state import table_to_records

    parts = [table_to_records(t) for t in tables]
    arrays = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    return (*arrays, sum(p[4] for p in parts))


def tables_for_records():
    f = nmi.contingency_matrix
    labels, other = [0, 0, 1, -1, -1, 2, 3], [5, 5, 6, 6, -1, -1, 7]
    singles = {"preds_noise": -1, "target_noise": -1, "noise_policy": "singleton"}
    return {
        "int": f(labels, other),
        "float": f(np.array(labels, dtype=np.float64) * 2, other),
        "uint64": f(np.array(labels, dtype=np.int64).astype(np.uint64) + 2**63, other),
        "bool": f(np.array(labels) > 0, other),
        "weighted": f(labels, other, sample_weight=[0.5, 1, 2, 1, 1, 3, 0.25]),
        "singletons": f(labels, other, **singles),
        "weighted singletons": f(labels, other, sample_weight=[1, 1, 2, 0.5, 1, 1, 1], **singles),
        "both sides only": f([0, 1, -1], [0, 1, -1], **singles),
        "float target": f(labels, np.array(other, dtype=np.float64) * 4),
        "uint64 target": f(labels, np.array(other, dtype=np.int64).astype(np.uint64) + 2**63),
        "bool target": f(labels, np.array(other) > 5),
        "float preds singletons": f(
            np.array(labels, dtype=np.float64) * 2,
            other,
            preds_noise=-2.0,
            noise_policy="singleton",
        ),
    }


@pytest.mark.parametrize("name", list(tables_for_records()))
def test_records_give_back_the_table_exactly(name):
    from nmi._state import table_from_records

    table = tables_for_records()[name]
    back = table_from_records(*records_of(table))
    assert back == table
    assert type(back.n_samples) is type(table.n_samples)
    assert back.counts.dtype == table.counts.dtype
    assert back.row_labels.dtype == table.row_labels.dtype
    np.testing.assert_array_equal(back.row_labels, table.row_labels)
    assert (back.noise is None) == (table.noise is None)
    if table.noise is not None:
        assert back.noise.totals == table.noise.totals
        assert type(back.noise.totals.weight_both) is type(table.noise.totals.weight_both)
        assert back.noise.rows.dtype == table.noise.rows.dtype
    assert back.normalized_mutual_info("min") == table.normalized_mutual_info("min")


def test_records_of_several_sources_add_as_their_tables_do():
    from nmi._state import table_from_records

    tables = tables_for_records()
    for names in (
        ("int", "weighted"),  # plain counts among weighted records become weights
        ("singletons", "weighted singletons"),
        ("int", "float", "singletons"),  # labels stored three ways, singletons in a later group
        ("float", "singletons"),
        ("int", "float preds singletons"),  # singletons of one side in a later label group
        ("float target", "int", "bool target"),
    ):
        parts = [tables[n] for n in names]
        expected = sum(parts[1:], parts[0])
        back = table_from_records(*records_of(*parts))
        assert back == expected
        assert back.weighted == expected.weighted
        assert back.information() == pytest.approx(expected.information(), rel=1e-12)


def test_broken_records_are_refused_by_name():
    from nmi._state import check_records

    preds, target = np.array([0, 1]), np.array([0, 1])
    counts, kind = np.array([1, 2]), np.zeros(2, dtype=np.int8)
    weight_bits = np.array([1.0, np.nan]).view(np.int64)
    cases = [
        ((preds[None], target, counts, kind), r"^pair_preds must be 1-D, got shape \(1, 2\)$"),
        (
            (preds, target.astype(np.int32), counts, kind),
            r"^pair_target has dtype int32, expected int64 \(pair_kind: int8\)$",
        ),
        (
            (preds, target, counts, np.array([6, 7], np.int8)),
            r"^pair_kind holds an unknown kind code 6$",
        ),
        ((preds, target, np.array([1, 0]), kind), r"^pair_counts\[1\] is 0: counts and weights"),
        ((preds, target, weight_bits, kind + 1), r"^pair_counts\[1\] is nan: counts and weights"),
    ]
    for weight in (0.0, -1.0, np.inf):
        bits = np.array([0.5, weight]).view(np.int64)
        cases.append(((preds, target, bits, kind + 1), rf"^pair_counts\[1\] is {weight!r}"))
    for arrays, message in cases:
        with pytest.raises(ValueError, match=message):
            check_records(*arrays)
    check_records(preds, target, np.array([0.5, 1e-300]).view(np.int64), kind + 1)


def test_a_state_with_cells_out_of_order_is_refused_in_full():
    metric = nmi.NormalizedMutualInfoScore()
    metric.update([0, 1, 1, 2], [0, 0, 1, 1])
    state = metric.state_dict()
    state["rows"], state["cols"] = state["rows"][::-1].copy(), state["cols"][::-1].copy()
    state["counts"] = state["counts"][::-1].copy()
    with pytest.raises(
        ValueError,
        match=r"^corrupt state: cells are repeated, zero or out of order, or labels are unused$",
    ):
        metric.load_state_dict(state)


def test_tables_of_text_labels_cannot_become_tensor_records():
    from nmi._state import table_to_records

    # nmi.torch only ever holds numbers; a table of text labels is refused by name
    table = nmi.contingency_matrix(np.array(["a", "b", "b"]), [0, 1, 1])
    with pytest.raises(TypeError, match=r"^labels of dtype <U1 cannot be kept in tensor states$"):
        table_to_records(table)


@pytest.mark.parametrize("keep_side", ["preds", "target"])
def test_singletons_noisy_on_both_sides_are_checked_against_each_sides_policy(keep_side):
    # samples that are noise on both sides only: no singleton of one side alone, so only the
    # check of the both-sides total against each side's policy can refuse the state
    singles = {"preds_noise": -1, "target_noise": -1}
    saved = nmi.NormalizedMutualInfoScore(**singles, noise_policy="singleton")
    saved.update([0, 0, 1, 1, -1, -1], [0, 0, 1, 1, -1, -1])
    totals = saved.table.noise.totals
    assert (totals.both, totals.preds, totals.target) == (2, 0, 0)
    state = saved.state_dict()
    policy = {"preds": "singleton", "target": "singleton", keep_side: "keep"}
    other = nmi.NormalizedMutualInfoScore(**singles, noise_policy=policy)
    other.update([0, 1, 1], [0, 1, 0])
    before = other.compute()
    # a corrupt state: its noise arguments say the other policy, its totals say singletons
    state = {**state, "noise": other.state_dict()["noise"]}
    message = f"it holds {keep_side} noise singletons, but the noise policy of {keep_side} is"
    with pytest.raises(ValueError, match=message):
        other.load_state_dict(state)
    assert other.compute() == before  # refused: the state is kept
    again = nmi.NormalizedMutualInfoScore(**singles, noise_policy="singleton")
    again.load_state_dict(saved.state_dict())
    assert again.compute() == saved.compute()
