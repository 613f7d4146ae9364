"""Hostile inputs: each gets the right value, or a clear error and no change of state."""

import decimal
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sklearn.metrics as sk

import nmi

D = decimal.Decimal


@pytest.mark.parametrize(
    "labels",
    [
        np.array([2**53, 2**53 + 1, 0.5], dtype=object),  # ints float64 would merge
        np.array([2**53 + 1, 2**53, 7.0, 2**53 + 1], dtype=object),
        np.array([Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**30), 0.5], dtype=object),
        np.array([D(1) / 3, D(1) / 3 + D("1e-27"), 5], dtype=object),
        np.array([np.longdouble(2**53) + 1, 2**53, 3], dtype=object),
        np.array([2**53, 2**53 + 1, 1, 2**53], dtype=np.longdouble),
        np.array([10**400, 10**400 + 1, 0.25], dtype=object),  # beyond float64's range
    ],
    ids=[
        "int-float",
        "int-float-repeat",
        "fraction",
        "decimal",
        "longdouble-obj",
        "longdouble",
        "huge",
    ],
)
def test_distinct_labels_stay_distinct(labels):
    # every label is compared as it is, not as the float64 nearest to it
    target = np.arange(labels.size) % 3
    expected = sk.normalized_mutual_info_score(target, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert nmi.normalized_mutual_info_score(labels, target) == pytest.approx(expected)
        assert nmi.normalized_mutual_info_score(target, labels) == pytest.approx(expected)
        table = nmi.contingency_matrix(labels, target)
    assert table.shape[0] == len(set(labels.tolist()))


def test_equal_values_of_different_types_are_one_label():
    # 1/2 as a Fraction, a float and a Decimal is one value, as Python compares them
    labels = np.array([Fraction(1, 2), 0.5, D("0.5"), 2], dtype=object)
    with pytest.warns(UserWarning, match="non-integer"):
        table = nmi.contingency_matrix(labels, [0, 0, 0, 1])
    assert table.shape == (2, 2)
    with pytest.warns(UserWarning, match="non-integer"):
        assert nmi.normalized_mutual_info_score(labels, [0, 0, 0, 1]) == 1.0
    # whole values of any type give no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nmi.normalized_mutual_info_score(
            np.array([Fraction(4, 2), 2**60 + 1, 2**60], dtype=object), [0, 1, 2]
        ) == pytest.approx(1.0)


def noisy_metric(weighted, policy="singleton"):
    rng = np.random.default_rng(3)
    a = rng.integers(-1, 4, 300)
    b = (a + rng.integers(0, 2, 300)) % 5 - 1
    m = nmi.NormalizedMutualInfoScore(preds_noise=-1, target_noise=-1, noise_policy=policy)
    w = rng.random(300) * 3 if weighted else None
    m.update(a, b, sample_weight=w)
    return m


@pytest.mark.parametrize("weighted", [False, True])
def test_edited_noise_totals_are_refused(weighted):
    m = noisy_metric(weighted)
    value = m.compute()
    state = m.state_dict()
    stats = state["noise_stats"]
    assert stats[:3].min() > 0  # singletons of each kind, so each edit below is an edit
    edits = []
    for i in range(stats.size):
        for change in (lambda x: x + 1, lambda x: x * 0.5, lambda x: x * 3 + 2):
            edited = dict(state, noise_stats=stats.copy())
            edited["noise_stats"][i] = change(stats[i])
            if edited["noise_stats"][i] != stats[i]:
                edits.append((f"noise_stats[{i}]", edited))
    for key in ("noise_rows", "noise_cols"):
        edited = dict(state, **{key: state[key].copy()})
        edited[key][0] += 1
        edits.append((key, edited))
    fresh = nmi.NormalizedMutualInfoScore(preds_noise=-1, target_noise=-1, noise_policy="singleton")
    fresh.update([0, 1, 1], [1, 1, 0])
    before = fresh.compute()
    accepted = []
    for what, edited in edits:
        try:
            fresh.load_state_dict(edited)
        except ValueError:
            assert fresh.compute() == before  # unchanged
            continue
        accepted.append(what)
        fresh = nmi.NormalizedMutualInfoScore(
            preds_noise=-1, target_noise=-1, noise_policy="singleton"
        )
        fresh.update([0, 1, 1], [1, 1, 0])
    # for counts every field is tied to another. Of weighted singletons only the number in
    # each group and sum(w * log(w)) are kept besides the weights: they are checked against
    # each other's bounds, and an edit within those bounds cannot be told from the truth
    allowed = {f"noise_stats[{i}]" for i in (0, 1, 2, 4, 5, 6, 7)} if weighted else set()
    assert set(accepted) <= allowed, accepted
    assert len(accepted) < len(edits) - 8
    fresh.load_state_dict(state)
    assert fresh.compute() == value


def test_singletons_under_a_policy_that_makes_none_are_refused():
    state = noisy_metric(False).state_dict()
    for policy in ("drop", "keep"):
        other = nmi.NormalizedMutualInfoScore(preds_noise=-1, target_noise=-1, noise_policy=policy)
        forged = dict(state, noise=other.state_dict()["noise"])
        with pytest.raises(ValueError, match="noise singletons, but the noise policy"):
            other.load_state_dict(forged)
        with pytest.warns(UserWarning, match="before any update"):  # still empty
            assert other.compute() == 1.0


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda: (x for x in [0, 1, 1, 2]), TypeError, r"preds is an iterator \(generator\)"),
        (lambda: iter([0, 1, 1, 2]), TypeError, "can be read only once"),
        (lambda: {0, 1, 2, 3}, TypeError, "preds is a set, which has no sample order"),
        (lambda: frozenset({0, 1, 2, 3}), TypeError, "preds is a frozenset"),
        (lambda: {0: 0, 1: 1, 2: 1, 3: 2}, TypeError, "preds is a dict"),
    ],
)
def test_containers_without_order_are_refused(make, error, pattern):
    for score in (nmi.normalized_mutual_info_score, nmi.mutual_info_score, nmi.contingency_matrix):
        with pytest.raises(error, match=pattern):
            score(make(), [0, 1, 1, 1])
    m = nmi.NormalizedMutualInfoScore()
    m.update([0, 1], [0, 1])
    with pytest.raises(error, match=pattern):
        m.update(make(), [0, 1, 1, 1])
    assert m.compute() == 1.0  # the refused update changed nothing
    # a range is a sequence, in order
    assert nmi.normalized_mutual_info_score(range(4), [0, 1, 1, 1]) == pytest.approx(
        sk.normalized_mutual_info_score([0, 1, 1, 1], [0, 1, 2, 3])
    )


def test_torch_tensors_of_every_kind_in_the_numpy_api():
    torch = pytest.importorskip("torch")
    target = [0, 1, 1, 1]
    expected = sk.normalized_mutual_info_score(target, [0, 1, 1, 2])
    for dtype in (torch.int64, torch.uint16, torch.uint64, torch.int8, torch.bool):
        labels = torch.tensor([0, 1, 1, 2 if dtype != torch.bool else 0], dtype=dtype)
        want = (
            expected
            if dtype != torch.bool
            else sk.normalized_mutual_info_score(target, [0, 1, 1, 0])
        )
        assert nmi.normalized_mutual_info_score(labels, target) == pytest.approx(want)
    # bfloat16 and float8 hold only float32 values; sparse tensors hold their zeros
    floats = [torch.bfloat16] + [getattr(torch, n) for n in ("float8_e4m3fn",) if hasattr(torch, n)]
    for dtype in floats:
        labels = torch.tensor([0, 1, 1, 2], dtype=dtype)
        assert nmi.normalized_mutual_info_score(labels, target) == pytest.approx(expected)
    sparse = torch.tensor([0, 1, 1, 2]).to_sparse()
    assert nmi.normalized_mutual_info_score(sparse, target) == pytest.approx(expected)
    with pytest.raises(ValueError, match="preds is on the meta device"):
        nmi.normalized_mutual_info_score(torch.empty(4, device="meta"), target)
