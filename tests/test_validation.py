"""Bad input gets a clear ValueError or TypeError naming the argument."""

import numpy as np
import pytest

import nmi

SCORES = [nmi.normalized_mutual_info_score, nmi.mutual_info_score, nmi.contingency_matrix]


@pytest.mark.parametrize("score", SCORES)
def test_lengths_differ(score):
    with pytest.raises(ValueError, match=r"same length.*\[2, 3\]"):
        score([0, 1], [1, 1, 1])


@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        (np.zeros((3, 2)), r"preds must be 1D: shape is \(3, 2\)"),
        (np.zeros((3, 1)), r"preds must be 1D: shape is \(3, 1\); flatten"),
        (np.int64(3), r"preds must be 1D: shape is \(\)"),
        ([[0, 1], [1]], "preds could not be read"),
    ],
)
def test_not_one_dimensional(score, bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        score(bad, [0, 1, 0])


@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite(score, bad):
    # scikit-learn's wording: "contains NaN", "contains infinity"
    what = "NaN" if np.isnan(bad) else "infinity"
    with pytest.raises(ValueError, match=f"target contains {what}.* at index 1: labels must be"):
        score([0, 1, 2], [0.0, bad, 1.0])
    with pytest.raises(ValueError, match=f"preds contains {what}.* at index 2"):
        score(np.array([1, 2, bad], dtype=object), [0, 1, 2])


@pytest.mark.parametrize("score", SCORES)
def test_complex(score):
    with pytest.raises(TypeError, match="preds has complex dtype"):
        score(np.array([1 + 1j, 2]), [0, 1])
    with pytest.raises(TypeError, match="target contains complex"):
        score([0, 1], np.array([1j, 2], dtype=object))


@pytest.mark.parametrize("score", SCORES)
def test_none_and_mixed_types(score):
    with pytest.raises(ValueError, match="preds contains None at index 1"):
        score([0, None, 1], [0, 1, 1])
    with pytest.raises(TypeError, match="preds is None"):
        score(None, [0, 1])
    with pytest.raises(TypeError, match=r"target mixes label types \(int, str\)"):
        score([0, 1, 2], [1, "a", 2])
    with pytest.raises(TypeError, match=r"target mixes label types"):
        score([0, 1, 2], np.array([1, "a", 2.5], dtype=object))
    with pytest.raises(TypeError, match="preds is a single str"):
        score("abc", [0, 1, 2])


def test_datetime_labels_and_nat():
    days = np.array(["2024-01-01", "2024-01-02", "2024-01-01"], dtype="datetime64[D]")
    assert nmi.normalized_mutual_info_score(days, [0, 1, 0]) == 1.0
    with pytest.raises(ValueError, match="preds contains NaT at index 1"):
        nmi.normalized_mutual_info_score(np.array(["2024-01-01", "NaT"], dtype="M8[D]"), [0, 1])


@pytest.mark.parametrize("method", ["mean", "Arithmetic", "", "sqrt"])
def test_unknown_average_method(method):
    with pytest.raises(ValueError, match="average_method must be one of 'min', 'geometric'"):
        nmi.normalized_mutual_info_score([0, 1], [0, 1], method)


@pytest.mark.parametrize("method", [None, 1, b"min", ["min"]])
def test_average_method_not_str(method):
    with pytest.raises(TypeError, match="average_method must be a str"):
        nmi.normalized_mutual_info_score([0, 1], [0, 1], method)
    table = nmi.contingency_matrix([0, 1], [0, 1])
    with pytest.raises(TypeError, match="average_method must be a str"):
        table.normalized_mutual_info(method)


def test_unsupported_dtype():
    with pytest.raises(TypeError, match="preds has unsupported dtype"):
        nmi.normalized_mutual_info_score(np.zeros(3, dtype="V8"), [0, 1, 2])


def test_unorderable_objects():
    with pytest.raises(TypeError, match="preds holds dict labels, which cannot be sorted"):
        nmi.normalized_mutual_info_score(np.array([{}, {1: 2}], dtype=object), [0, 1])


def test_threads_work_after_fork(rng):
    # a forked child must not reuse the parent's pool, whose threads it did not inherit
    import multiprocessing

    from nmi._parallel import PARALLEL_MIN

    a = rng.integers(0, 5, 2 * PARALLEL_MIN)
    expected = nmi.mutual_info_score(a, a % 3)  # starts the pool in this process
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        result = pool.apply_async(nmi.mutual_info_score, (a, a % 3))
        assert result.get(timeout=60) == expected


def test_missing_markers_in_object_arrays():
    pd = pytest.importorskip("pandas")
    for missing in (pd.NaT, pd.NA, np.datetime64("NaT"), float("nan")):
        labels = np.array([1, missing, 2], dtype=object)
        with pytest.raises(ValueError, match=r"preds contains .* at index 1"):
            nmi.normalized_mutual_info_score(labels, [0, 1, 1])
    nullable = pd.Series([1, None, 2], dtype="Int64")
    with pytest.raises(
        ValueError, match=r"target has a missing label \(masked or null\) at index 1"
    ):
        nmi.mutual_info_score([0, 1, 1], nullable)
