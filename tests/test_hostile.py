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


# ---- right value or clear error, for inputs drawn from the hostile classes ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NUMERIC_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                  "float16", "float32", "float64", "bool"]  # fmt: skip
SPECIAL = [0, 1, -1, 2**53, 2**53 + 1, 2**63 - 1, -(2**63), 2**64 - 1, 0.5, -0.0, 1e300,
           float("nan"), float("inf"), None, "a", "1", b"x", 1j, Fraction(1, 3)]  # fmt: skip


@st.composite
def hostile_labels(draw, n):
    how = draw(st.sampled_from(["dtype", "object", "str", "datetime", "special"]))
    ints = st.lists(st.integers(0, 5), min_size=n, max_size=n)
    if how == "dtype":
        dtype = np.dtype(draw(st.sampled_from(NUMERIC_DTYPES)))
        values = np.array(draw(ints)) * draw(st.sampled_from([1, 3, 1000]))
        if dtype.kind == "u" and dtype.itemsize == 8 and draw(st.booleans()):
            values = values.astype(np.uint64) + np.uint64(2**63)  # above 2**63
        arr = values.astype(dtype)
        layout = draw(st.sampled_from(["plain", "readonly", "strided", "swapped"]))
        if layout == "readonly":
            arr.flags.writeable = False
        elif layout == "strided":
            arr = np.repeat(arr, 2)[::2]
        elif layout == "swapped" and arr.dtype.itemsize > 1:
            arr = arr.astype(arr.dtype.newbyteorder())
        return arr
    if how == "object":
        pool = [0, 1, 2**53, 2**53 + 1, 0.5, Fraction(1, 2), Fraction(1, 3), 7]
        return np.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=object)
    if how == "str":
        return [str(v) for v in draw(ints)]
    if how == "datetime":
        return np.array(draw(ints), dtype="datetime64[s]")
    # one special value among integers, in a list
    values: list = draw(ints)
    if n:
        values[draw(st.integers(0, n - 1))] = draw(st.sampled_from(SPECIAL))
    return values


def python_codes(labels):
    """Reference labels: each value by Python equality, as scikit-learn's np.unique sees it."""
    values = labels.tolist() if isinstance(labels, np.ndarray) else list(labels)
    seen: dict = {}
    return np.array([seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(0, 12))
def test_right_value_or_clear_error(data, n):
    preds = data.draw(hostile_labels(n))
    target = data.draw(hostile_labels(n))
    scale = data.draw(st.sampled_from([None, 1e-300, 1e-170, 1.0, 1e150, 1e300]))
    weights = None if scale is None or n == 0 else np.ones(n) * scale
    if weights is not None and data.draw(st.booleans()):
        weights[data.draw(st.integers(0, n - 1))] = data.draw(
            st.sampled_from([0.0, -1.0, np.nan, np.inf, 2.0])
        )
    error: Exception | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            got = nmi.normalized_mutual_info_score(preds, target, sample_weight=weights)
    except (TypeError, ValueError) as exc:
        error = exc
    if error is not None:  # a clear error names the argument
        message = str(error)
        assert any(name in message for name in ("preds", "target", "sample_weight")), message
        return
    assert 0.0 <= got <= 1.0
    p, t = python_codes(preds), python_codes(target)
    if weights is None or np.all(weights == weights[0]):
        expected = sk.normalized_mutual_info_score(t, p) if n else 1.0
        assert got == pytest.approx(expected, abs=1e-12)
    else:  # only relative weights matter: the same score at scale 1
        again = nmi.normalized_mutual_info_score(p, t, sample_weight=weights / weights.max())
        assert got == pytest.approx(again, abs=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), sizes=st.lists(st.integers(0, 8), min_size=1, max_size=5))
def test_a_refused_update_changes_no_state(data, sizes):
    metric = nmi.NormalizedMutualInfoScore()
    kept_p, kept_t = [], []
    for n in sizes:
        preds = data.draw(hostile_labels(n))
        target = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        before = metric.state_dict()
        error: Exception | None = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                metric.update(preds, target)
        except (TypeError, ValueError) as exc:
            error = exc
        if error is not None:
            assert "preds" in str(error) or "target" in str(error), str(error)
            after = metric.state_dict()
            assert after.keys() == before.keys()
            for key, value in before.items():
                assert np.array_equal(np.asarray(after[key]), np.asarray(value)), key
            continue
        kept_p.extend(np.asarray(preds).tolist())
        kept_t.extend(target)
    if not kept_t:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        value = metric.compute()
    # one update of everything accepted gives the same table
    expected = sk.normalized_mutual_info_score(kept_t, python_codes(kept_p))
    assert value == pytest.approx(expected, abs=1e-12)


def test_batches_of_float_and_wide_int_labels_stay_distinct():
    # float64 holds 2**53 but not 2**53 + 1: a union of the two batches' labels must not
    # round one onto the other
    m = nmi.NormalizedMutualInfoScore()
    with pytest.warns(UserWarning, match="non-integer"):
        m.update(np.array([0.5, 2.0**53, 0.5]), [0, 1, 0])
    m.update(np.array([2**53 + 1, -(2**60)]), [2, 3])
    assert m.table.row_labels.tolist() == [-(2**60), 0.5, 2.0**53, 2**53 + 1]
    one_shot = np.array([0.5, 2.0**53, 0.5, 2**53 + 1, -(2**60)], dtype=object)
    with pytest.warns(UserWarning, match="non-integer"):
        expected = nmi.normalized_mutual_info_score(one_shot, [0, 1, 0, 2, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert m.compute() == pytest.approx(expected, abs=1e-12)
    assert expected == 1.0


def test_errors_name_the_argument_the_caller_gave():
    import scipy.sparse as sp

    with pytest.raises(ValueError, match="preds_b and target must have the same length"):
        nmi.compare([0, 1, 1], [0, 1], [0, 1, 0])
    with pytest.raises(ValueError, match="preds_a and target must have the same length"):
        nmi.compare([0, 1], [0, 1, 1], [0, 1, 0])
    for huge in (2**40, 10**30):  # refused before anything is allocated
        with pytest.raises(ValueError, match="n_resamples must be at most 100,000,000"):
            nmi.bootstrap([0, 1, 1], [0, 1, 0], n_resamples=huge)
        with pytest.raises(ValueError, match="n_resamples must be at most"):
            nmi.permutation_test([0, 1, 1], [0, 1, 0], n_resamples=huge)
    dense = np.array([[True, False, True], [False, True, False]])
    assert nmi.Contingency.from_matrix(sp.csr_array(dense)) == nmi.Contingency.from_matrix(dense)
    with pytest.raises(TypeError, match="matrix must hold counts"):
        nmi.Contingency.from_matrix([["a", "b"]])
    with pytest.raises(ValueError, match="matrix entries must be finite"):
        nmi.Contingency.from_matrix([[1.0, np.inf]])
    with pytest.raises(ValueError, match="matrix entries must be non-negative"):
        nmi.Contingency.from_matrix(sp.csr_array(np.array([[1, -2]])))
