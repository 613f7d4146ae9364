"""The streaming accumulator: batches, merging, checkpoints, threads, plots."""

import copy
import itertools
import os
import pickle
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nmi
from nmi import NormalizedMutualInfoScore

from .conftest import METHODS


def stream(rng, n=6000, k_pred=40, k_target=7):
    preds = rng.integers(0, k_pred, n)
    target = np.where(rng.random(n) < 0.6, preds % k_target, rng.integers(0, k_target, n))
    return preds, target


def split_points(rng, n, parts):
    return np.sort(rng.choice(np.arange(1, n), size=parts - 1, replace=False))


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.tuples(st.integers(0, 6), st.sampled_from("abcde")), max_size=150),
    cuts=st.lists(st.integers(0, 150), max_size=6),
    method=st.sampled_from(METHODS),
)
def test_any_split_gives_the_one_shot_value(labels, cuts, method):
    preds = [p for p, _ in labels]
    target = [t for _, t in labels]
    metric = NormalizedMutualInfoScore(method)
    edges = [0, *sorted(c for c in cuts if c <= len(labels)), len(labels)]
    for lo, hi in itertools.pairwise(edges):
        metric.update(preds[lo:hi], target[lo:hi])
    assert metric.n_samples == len(labels)
    assert metric.compute() == nmi.normalized_mutual_info_score(preds, target, method)
    assert metric.table == nmi.contingency_matrix(preds, target)


def test_forward_returns_the_batch_score_and_accumulates(rng):
    preds, target = stream(rng)
    metric = NormalizedMutualInfoScore("geometric")
    first = metric(preds[:1000], target[:1000])
    assert first == nmi.normalized_mutual_info_score(preds[:1000], target[:1000], "geometric")
    second = metric.forward(preds[1000:], target[1000:])
    assert second == nmi.normalized_mutual_info_score(preds[1000:], target[1000:], "geometric")
    assert metric.compute() == nmi.normalized_mutual_info_score(preds, target, "geometric")
    metric.reset()
    assert metric.n_samples == 0
    with pytest.warns(UserWarning, match="before any update"):
        assert metric.compute() == 1.0


def test_str_labels_seen_in_different_updates_are_one_label():
    metric = NormalizedMutualInfoScore()
    metric.update(["x", "y"], [0, 1])
    for _ in range(5):
        metric.update(np.array(["z"], dtype=object), [2])
    metric.update(["x"], [0])
    assert metric.table.row_labels.tolist() == ["x", "y", "z"]
    assert metric.table.row_sums.tolist() == [2, 1, 5]
    assert metric.compute() == 1.0


def test_merging_in_every_form_equals_one_accumulator(rng):
    preds, target = stream(rng)
    cuts = split_points(rng, preds.size, 3)
    parts = []
    for p, t in zip(np.split(preds, cuts), np.split(target, cuts), strict=True):
        m = NormalizedMutualInfoScore("max")
        m.update(p, t)
        parts.append(m)
    whole = NormalizedMutualInfoScore("max")
    whole.update(preds, target)
    a, b, c = parts
    assert (a + b + c).table == whole.table
    assert (c + (b + a)).table == whole.table
    assert sum(parts).table == whole.table
    assert (0 + a).table == a.table
    merged = copy.deepcopy(a).merge(b, c)
    assert merged.table == whole.table
    acc = copy.deepcopy(b)
    acc += c
    acc += a
    assert acc.table == whole.table
    assert acc.compute() == whole.compute()
    # merging never changed the accumulators it read
    assert a.n_samples + b.n_samples + c.n_samples == whole.n_samples


def test_merge_refuses_other_methods_and_types():
    a = NormalizedMutualInfoScore("min")
    a.update([0, 1], [0, 1])
    b = NormalizedMutualInfoScore("max")
    b.update([1, 1], [0, 1])
    before = a.state_dict()
    with pytest.raises(ValueError, match="different average_method: 'min' and 'max'"):
        a.merge(b)
    with pytest.raises(ValueError, match="different average_method"):
        a + b
    with pytest.raises(TypeError, match="can only merge another NormalizedMutualInfoScore"):
        a.merge(nmi.contingency_matrix([0], [0]))
    assert a.state_dict()["n_samples"] == before["n_samples"] == 2


def test_refused_updates_leave_the_state_unchanged(rng):
    preds, target = stream(rng, n=500)
    metric = NormalizedMutualInfoScore()
    metric.update(preds, target)
    before = metric.state_dict()
    bad = [
        (preds[:10], target[:9]),
        (np.zeros((3, 2)), [0, 1, 2]),
        ([0.0, np.nan], [0, 1]),
        ([0, None], [0, 1]),
        ([0, 1], [1, "a"]),
        (np.array([1j, 2]), [0, 1]),
        (["p", "q"], [0, 1]),  # str labels where earlier batches had int labels
    ]
    for p, t in bad:
        with pytest.raises((ValueError, TypeError)):
            metric.update(p, t)
        with pytest.raises((ValueError, TypeError)):
            metric.forward(p, t)
    after = metric.state_dict()
    for key, value in before.items():
        assert np.array_equal(after[key], value), key


def test_checkpoint_mid_stream_then_continue(rng, tmp_path):
    preds, target = stream(rng)
    uninterrupted = NormalizedMutualInfoScore()
    uninterrupted.update(preds, target)
    first = NormalizedMutualInfoScore()
    first.update(preds[:2500], target[:2500])
    state = first.state_dict()
    assert state["version"] == 2
    assert all(isinstance(v, (np.ndarray, int, str)) for v in state.values())
    path = tmp_path / "state.npz"
    np.savez(path, **state)
    loaded = dict(np.load(path, allow_pickle=False))
    loaded = {k: (v.item() if v.ndim == 0 else v) for k, v in loaded.items()}
    resumed = NormalizedMutualInfoScore()
    resumed.load_state_dict(loaded)
    resumed.update(preds[2500:], target[2500:])
    assert resumed.table == uninterrupted.table
    assert resumed.compute() == uninterrupted.compute()


def test_pickle_copy_and_deepcopy(rng):
    preds, target = stream(rng, n=800)
    metric = NormalizedMutualInfoScore("min")
    metric.update(preds, target)
    for twin in (pickle.loads(pickle.dumps(metric)), copy.copy(metric), copy.deepcopy(metric)):
        assert twin.table == metric.table
        assert twin.average_method == "min"
        twin.update([0], [0])
        assert twin.n_samples == metric.n_samples + 1


def test_load_state_dict_refuses_bad_states(rng):
    preds, target = stream(rng, n=300)
    metric = NormalizedMutualInfoScore()
    metric.update(preds, target)
    good = metric.state_dict()
    target_metric = NormalizedMutualInfoScore()
    target_metric.update([5], [5])

    def broken(**changes):
        state = dict(good)
        state.update(changes)
        return state

    cases = [
        (broken(version=3), "format version 3"),
        (broken(average_method="max"), "saved with the score's options 'max'"),
        ({k: v for k, v in good.items() if k != "counts"}, "missing counts"),
        (broken(n_samples=good["n_samples"] + 1), "add up to"),
        (broken(counts=-good["counts"]), "non-negative"),
        (broken(rows=good["rows"] + 1000), "must index"),
        (
            broken(
                rows=good["rows"][::-1].copy(),
                cols=good["cols"][::-1].copy(),
                counts=good["counts"][::-1].copy(),
            ),
            "out of order",
        ),
        (broken(row_labels=good["row_labels"][::-1].copy()), "strictly increasing"),
        (broken(counts=good["counts"][:-1]), "same length"),
    ]
    for state, message in cases:
        with pytest.raises(ValueError, match=message):
            target_metric.load_state_dict(state)
        assert target_metric.n_samples == 1  # untouched
    with pytest.raises(TypeError, match="must be a dict"):
        target_metric.load_state_dict([1, 2])


def test_threads_lose_no_sample(rng):
    preds, target = stream(rng, n=64_000, k_pred=300)
    metric = NormalizedMutualInfoScore()
    batches = np.array_split(np.arange(preds.size), 64)

    def work(k):
        for idx in batches[k::8]:
            metric.update(preds[idx], target[idx])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert metric.n_samples == preds.size
    assert metric.table == nmi.contingency_matrix(preds, target)


def test_attributes():
    metric = NormalizedMutualInfoScore()
    assert metric.higher_is_better is True
    assert metric.is_differentiable is False
    assert (metric.plot_lower_bound, metric.plot_upper_bound) == (0.0, 1.0)
    with pytest.raises(ValueError, match="average_method must be one of"):
        NormalizedMutualInfoScore("mean")
    assert "n_samples=0" in repr(metric)


def test_plots_are_drawn(tmp_path, rng):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    preds, target = stream(rng, n=500)
    metric = NormalizedMutualInfoScore()
    metric.update(preds, target)
    fig, ax = metric.plot()
    assert len(ax.lines[0].get_xdata()) == 1
    assert ax.lines[0].get_ydata()[0] == pytest.approx(metric.compute())
    bounds = sorted(line.get_ydata()[0] for line in ax.lines[1:])
    assert bounds == [0.0, 1.0]
    fig.savefig(tmp_path / "one.png")
    values = [metric(preds[i : i + 50], target[i : i + 50]) for i in range(0, 500, 50)]
    fig2, ax2 = plt.subplots()
    returned_fig, returned_ax = metric.plot(values, ax=ax2)
    assert returned_ax is ax2
    assert returned_fig is fig2
    assert list(ax2.lines[0].get_ydata()) == values
    fig2.savefig(tmp_path / "many.png")
    for name in ("one.png", "many.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG")
        assert len(data) > 5000
    plt.close("all")


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    metric = NormalizedMutualInfoScore()
    metric.update([0, 1], [0, 1])
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ModuleNotFoundError, match="pip install matplotlib"):
        metric.plot()


def test_compute_before_update_warns_once_per_reset():
    metric = NormalizedMutualInfoScore()
    with pytest.warns(UserWarning, match="before any update"):
        metric.compute()
    metric.update([1, 2], [1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert metric.compute() == 0.0


def test_the_warning_of_an_empty_compute_points_at_the_caller():
    metric = NormalizedMutualInfoScore()
    with pytest.warns(UserWarning, match=r"^compute\(\) was called before any update\(\)") as rec:
        assert metric.compute() == 1.0
    assert Path(rec[0].filename).parent != Path(nmi.__file__).parent  # not a line of nmi
    if "MUTANT_UNDER_TEST" not in os.environ:  # make mutate's trampoline adds a frame
        assert rec[0].filename == __file__


def test_merged_and_loaded_accumulators_know_whether_they_saw_samples():
    seen = NormalizedMutualInfoScore()
    seen.update([0], [0])  # one sample
    for fresh in (NormalizedMutualInfoScore().merge(seen), NormalizedMutualInfoScore() + seen):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fresh.compute()
    loaded = NormalizedMutualInfoScore()
    loaded.load_state_dict(seen.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded.compute()
    for nothing in (
        NormalizedMutualInfoScore().merge(NormalizedMutualInfoScore()),
        pickle.loads(pickle.dumps(NormalizedMutualInfoScore())),
    ):
        with pytest.warns(UserWarning, match="before any update"):
            nothing.compute()


def test_adding_accumulators_with_plus_and_sum():
    a, b = NormalizedMutualInfoScore(), NormalizedMutualInfoScore()
    a.update([0, 0, 1], [0, 1, 1])
    b.update([2, 2], [1, 1])
    total = sum([a, b])
    assert total.n_samples == 5
    assert a.n_samples == 3
    assert (a + 0).n_samples == 3
    assert (a + 0) is not a
    same = a
    same += 0
    assert same is a
    assert a.n_samples == 3
    a += b
    assert a.n_samples == 5
    assert a.state_dict()["counts"].tolist() == [1, 1, 1, 2]
    for other in (1, True, 0.0, "a"):
        with pytest.raises(TypeError):
            a + other
        with pytest.raises(TypeError):
            a += other
    assert a.n_samples == 5


def test_forward_scores_the_batch_under_the_noise_policy():
    metric = NormalizedMutualInfoScore(preds_noise=-1, noise_policy="drop")
    preds, target = [0, 0, 1, -1, -1, 1], [0, 0, 1, 1, 0, 0]
    expected = nmi.normalized_mutual_info_score(preds, target, preds_noise=-1, noise_policy="drop")
    assert metric.forward(preds, target) == expected
    assert metric.n_samples == 4


def test_noise_labels_json_cannot_write_still_save_and_load():
    # bytes labels have no JSON form: the saved noise arguments hold their repr
    metric = NormalizedMutualInfoScore(preds_noise=b"?", noise_policy="singleton")
    metric.update(np.array([b"a", b"?", b"b", b"b"]), [0, 0, 1, 1])
    state = metric.state_dict()
    assert "b'?'" in state["noise"]
    twin = NormalizedMutualInfoScore(preds_noise=b"?", noise_policy="singleton")
    twin.load_state_dict(state)
    assert twin.compute() == metric.compute()


def test_repr_and_plot_label_name_the_metric():
    metric = NormalizedMutualInfoScore("max")
    metric.update([0, 1, 1, 2], [0, 0, 1, 1])
    assert repr(metric) == "NormalizedMutualInfoScore(average_method='max', n_samples=4, pairs=4)"
    ami = nmi.AdjustedMutualInfoScore()
    assert repr(ami).startswith("AdjustedMutualInfoScore(average_method='arithmetic'")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, ax = metric.plot()
    assert ax.get_ylabel() == "NMI (max)"
    plt.close("all")


def test_merge_refusals_say_what_differs_and_what_to_do():
    a = NormalizedMutualInfoScore("min")
    with pytest.raises(
        ValueError,
        match=r"^cannot merge accumulators with different average_method: 'min' and 'max'; "
        r"create both with the same average_method$",
    ):
        a.merge(NormalizedMutualInfoScore("max"))
    with pytest.raises(
        ValueError,
        match=r"^cannot merge accumulators with different noise policies: .*'preds_noise': "
        r"\[\].* and .*'preds_noise': \[-1\].*; create both with the same noise arguments$",
    ):
        a.merge(NormalizedMutualInfoScore("min", preds_noise=-1))
    with pytest.raises(
        TypeError, match=r"^can only merge another NormalizedMutualInfoScore, got Contingency$"
    ):
        a.merge(nmi.contingency_matrix([0], [0]))


def test_plus_equals_merges_in_place():
    a, b = NormalizedMutualInfoScore(), NormalizedMutualInfoScore()
    a.update([0, 1], [0, 1])
    b.update([1, 1], [0, 1])
    before = a
    a += b
    assert a is before
    assert a.n_samples == 4


@pytest.mark.parametrize("name", ["MutualInfoScore", "ReducedMutualInfoScore", "AdjustedRandScore"])
def test_accumulators_made_from_the_registry_save_merge_and_pickle(name):
    import pickle

    cls = getattr(nmi, name)
    options = ("flat",) if name == "ReducedMutualInfoScore" else ()
    preds, target = [0, 0, 1, 1, 2, 2, 2], ["a", "a", "b", "b", "b", "c", "c"]
    whole = cls(*options)
    whole.update(preds, target)
    first, second = cls(*options), cls(*options)
    first.update(preds[:3], target[:3])
    second.update(preds[3:], target[3:])
    assert (first + second).compute() == whole.compute()
    assert sum([first, second]).compute() == whole.compute()
    loaded = cls(*options)
    loaded.load_state_dict(whole.state_dict())
    assert loaded.compute() == whole.compute()
    twin = pickle.loads(pickle.dumps(whole))
    assert type(twin) is cls
    assert twin.options == whole.options
    assert twin.compute() == whole.compute()
    if options:  # another option is another score: refused to merge, and to load
        with pytest.raises(ValueError, match="cannot merge"):
            cls().merge(whole)
        with pytest.raises(ValueError, match="saved with the score's options 'flat'"):
            cls().load_state_dict(whole.state_dict())
