"""The sparse table: marginals, conversions, addition, pickling, construction checks."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score as sk_nmi
from sklearn.metrics.cluster import contingency_matrix as sk_contingency

import nmi
from nmi import Contingency
from nmi._encoding import Encoder
from nmi._validation import as_labels

from .conftest import Tuned


def test_matches_sklearn_dense_table(rng):
    a = rng.integers(-5, 40, 3000)
    b = rng.integers(0, 12, 3000) * 1000
    table = nmi.contingency_matrix(a, b)
    expected = sk_contingency(b, a).T  # scikit-learn puts its first argument on the rows
    np.testing.assert_array_equal(table.to_dense(), expected)
    np.testing.assert_array_equal(table.to_scipy().toarray(), expected)
    np.testing.assert_array_equal(np.asarray(table), expected)
    np.testing.assert_array_equal(table.row_labels, np.unique(a))
    np.testing.assert_array_equal(table.col_labels, np.unique(b))
    np.testing.assert_array_equal(table.row_sums, expected.sum(axis=1))
    np.testing.assert_array_equal(table.col_sums, expected.sum(axis=0))
    assert table.n_samples == 3000
    assert table.nnz == np.count_nonzero(expected)
    assert table.counts.dtype == np.int64
    keys = table.rows * table.shape[1] + table.cols
    assert np.all(np.diff(keys) > 0)  # cells sorted by (row, col)


@pytest.mark.parametrize("high", [30, 10**6, 2**62])
def test_every_counting_path_gives_the_same_table(rng, high):
    values = rng.integers(0, high, 40, dtype=np.int64)
    a = values[rng.integers(0, 40, 20_000)]
    b = values[rng.integers(0, 40, 20_000)] // 3
    table = nmi.contingency_matrix(a, b)
    expected = sk_contingency(a, b)
    np.testing.assert_array_equal(table.to_dense(), expected)
    assert table.row_labels.dtype == np.int64


def test_labels_keep_their_type():
    table = nmi.contingency_matrix(np.array([3, 1, 3], dtype=np.int8), ["b", "a", "b"])
    assert table.row_labels.dtype == np.int8
    assert table.row_labels.tolist() == [1, 3]
    assert table.col_labels.tolist() == ["a", "b"]
    assert nmi.contingency_matrix([True, False], [0, 1]).row_labels.dtype == bool


def test_arrays_are_read_only():
    table = nmi.contingency_matrix([0, 1, 1], [1, 1, 0])
    with pytest.raises(ValueError, match="read-only"):
        table.counts[0] = 5


def test_dense_view_refuses_to_blow_up(rng):
    a = np.arange(20_000)
    table = nmi.contingency_matrix(a, a[::-1].copy())
    with pytest.raises(ValueError, match=r"20000 x 20000 table .* use to_scipy\(\)"):
        table.to_dense()
    small = nmi.contingency_matrix(a[:100], a[:100])
    np.testing.assert_array_equal(small.to_dense(max_cells=10_000), np.eye(100, dtype=np.int64))
    assert table.to_scipy().nnz == 20_000


def test_addition_equals_counting_everything_at_once(rng):
    a = rng.integers(0, 50, 9000)
    b = rng.choice(np.array(["x", "y", "z", "w"]), 9000)
    parts = [nmi.contingency_matrix(a[i : i + 3000], b[i : i + 3000]) for i in (0, 3000, 6000)]
    whole = nmi.contingency_matrix(a, b)
    assert parts[0] + parts[1] + parts[2] == whole
    assert parts[2] + (parts[1] + parts[0]) == whole
    assert sum(parts) == whole
    assert 0 + parts[0] == parts[0]
    acc = parts[0]
    acc += parts[1]
    acc += parts[2]
    assert acc == whole
    assert (parts[0] + parts[1]).normalized_mutual_info() == nmi.normalized_mutual_info_score(
        a[:6000], b[:6000]
    )


def test_addition_with_disjoint_and_mixed_width_labels():
    left = nmi.contingency_matrix(np.array([1, 2], dtype=np.int8), [10, 11])
    right = nmi.contingency_matrix(np.array([300, 2]), [12, 10])
    total = left + right
    assert total.row_labels.tolist() == [1, 2, 300]
    assert total == nmi.contingency_matrix([1, 2, 300, 2], [10, 11, 12, 10])
    huge = nmi.contingency_matrix(np.array([2**64 - 1], dtype=np.uint64), [10])
    both = total + huge
    assert both.row_labels.tolist() == [1, 2, 300, 2**64 - 1]
    with pytest.raises(TypeError, match="different types"):
        total + nmi.contingency_matrix(["a"], [10])
    with pytest.raises(TypeError):
        total + 1


def test_pickle_and_transpose(rng):
    a = rng.integers(0, 30, 500)
    b = rng.integers(0, 7, 500)
    table = nmi.contingency_matrix(a, b)
    assert pickle.loads(pickle.dumps(table)) == table
    assert table.T == nmi.contingency_matrix(b, a)
    assert table.T.mutual_info() == table.mutual_info()


def test_public_constructor_canonicalizes_and_checks():
    table = Contingency([1, 0, 1, 0], [0, 1, 0, 0], [2, 3, 1, 0], ["a", "b"], [5, 7])
    assert table == nmi.contingency_matrix(["b"] * 3 + ["a"] * 3, [5, 5, 5, 7, 7, 7])
    with pytest.raises(ValueError, match="strictly increasing"):
        Contingency([0], [0], [1], ["b", "a"], [1])
    with pytest.raises(ValueError, match="counts must be non-negative"):
        Contingency([0], [0], [-1], ["a"], [1])
    with pytest.raises(ValueError, match="same length"):
        Contingency([0, 0], [0], [1], ["a"], [1])
    with pytest.raises(ValueError, match=r"rows must index row_labels"):
        Contingency([3], [0], [1], ["a"], [1])
    with pytest.raises(TypeError, match="must hold integers"):
        Contingency([0.5], [0], [1], ["a"], [1])
    # labels without samples are dropped
    assert Contingency([0], [0], [4], ["a", "b"], [1]).shape == (1, 1)


def test_empty_table():
    table = nmi.contingency_matrix([], [])
    assert table.shape == (0, 0)
    assert table.n_samples == 0
    assert table.mutual_info() == 0.0
    assert table.normalized_mutual_info() == 1.0
    assert table + nmi.contingency_matrix([1], [2]) == nmi.contingency_matrix([1], [2])
    assert repr(table) == "Contingency(shape=(0, 0), nnz=0, n_samples=0)"


def test_from_matrix_round_trips_and_feeds_mutual_info(rng):
    from scipy import sparse
    from sklearn.metrics import mutual_info_score as sk_mi

    a, b = rng.integers(0, 6, 500), rng.integers(0, 4, 500)
    table = nmi.contingency_matrix(a, b)
    expected = sk_mi(b, a)
    sk_tables = (sk_contingency(a, b), sk_contingency(a, b, sparse=True))
    for matrix in (table.to_dense(), table.to_scipy(), *sk_tables):
        rebuilt = nmi.Contingency.from_matrix(matrix)
        assert rebuilt.to_dense().tolist() == table.to_dense().tolist()
        assert rebuilt.n_samples == 500
        assert not rebuilt.weighted
        assert nmi.mutual_info_score(None, None, contingency=matrix) == pytest.approx(
            expected, rel=1e-12
        )
    assert nmi.mutual_info_score(None, None, contingency=table) == table.mutual_info()
    # empty rows and columns are dropped; float entries are weights, not truncated
    weighted = nmi.Contingency.from_matrix([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.5]])
    assert weighted.weighted
    assert weighted.shape == (2, 2)
    assert weighted.n_samples == 2.0
    assert weighted.counts.tolist() == [0.5, 1.5]
    repeated = nmi.mutual_info_score([0, 1, 1, 1], [0, 2, 2, 2])
    assert nmi.Contingency.from_matrix([[1, 0], [0, 3]]).mutual_info() == repeated
    coo = sparse.coo_array(([1, 2], ([0, 0], [1, 1])), shape=(2, 3))  # a repeated cell
    assert nmi.Contingency.from_matrix(coo).counts.tolist() == [3]


@pytest.mark.parametrize(
    ("matrix", "error", "message"),
    [
        ([1, 2, 3], ValueError, "must be 2-D"),
        ([[1, -1]], ValueError, "non-negative"),
        ([[1.0, np.nan]], ValueError, "finite"),
        ([[1.0, np.inf]], ValueError, "finite"),
        ([["a", "b"]], TypeError, "integers or floats"),
    ],
)
def test_from_matrix_refuses_bad_tables(matrix, error, message):
    with pytest.raises(error, match=message):
        nmi.Contingency.from_matrix(matrix)


def test_contingency_excludes_weights_and_noise():
    with pytest.raises(ValueError, match="already counted"):
        nmi.mutual_info_score(None, None, contingency=[[1, 2]], sample_weight=[1.0])
    with pytest.raises(ValueError, match="already counted"):
        nmi.mutual_info_score(None, None, contingency=[[1, 2]], preds_noise=-1)


def test_from_matrix_reads_python_numbers_in_object_arrays():
    ints = nmi.Contingency.from_matrix(np.array([[1, 2], [0, 3]], dtype=object))
    assert not ints.weighted
    assert ints.counts.tolist() == [1, 2, 3]
    floats = nmi.Contingency.from_matrix(np.array([[1.5, 0], [0, 3]], dtype=object))
    assert floats.weighted
    assert floats.counts.tolist() == [1.5, 3.0]


def crowded(rng, n, group):
    # values 2**62 apart, and groups of nearby values that tie in the sort of packed keys
    # (all but their 12 low bits): put in order one by one, or by a sort of their own
    near = rng.integers(0, 2**62, n // group)[:, None] + np.arange(group) * 3
    return np.r_[near.ravel(), 2**62, 0][: n - 2][rng.permutation(n - 2)]


@pytest.mark.parametrize(
    "kind", ["int64", "uint64-high", "float", "datetime", "int32", "ties", "crowded"]
)
def test_encoding_by_sorting_gives_the_same_table(rng, kind):
    # mostly distinct labels are encoded by sorting (less memory than a hash table); the
    # table must be the very one the hash encoder gives, labels and their order included
    n = 5000
    a = {
        "int64": lambda: rng.integers(-(2**62), 2**62, n),
        "uint64-high": lambda: rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True),
        "float": lambda: rng.normal(size=n) * 1e6,  # negative floats: bits order != value order
        "datetime": lambda: rng.integers(0, 2**50, n).astype("datetime64[ns]"),
        "int32": lambda: rng.integers(-(2**31), 2**31 - 1, n, dtype=np.int32),
        "ties": lambda: np.r_[crowded(rng, n, 5), 2**62, 0],
        "crowded": lambda: np.r_[crowded(rng, n, 1000), 2**62, 0],
    }[kind]()
    a[::7] = a[0]  # repeats
    b = rng.integers(0, 2**40, n) // rng.integers(1, 2**30, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # non-integer floats
        labels = as_labels(a, "preds")
    encoder = Encoder(labels.data, labels.decode, sort_min=1)
    assert encoder.is_offset  # the codes are ranks: no hash table, no offset
    assert encoder.labels is not None
    assert encoder.data.dtype == np.int32
    assert np.all(encoder.labels[1:] > encoder.labels[:-1])
    np.testing.assert_array_equal(encoder.labels[encoder.data], a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # non-integer floats
        hashed = Tuned(sort_min=10**9).table(a, b)
        by_sorting = Tuned(sort_min=1).table(a, b)
        assert Tuned(sort_min=1).nmi(a, b) == pytest.approx(sk_nmi(b, a), rel=1e-12)
    assert by_sorting == hashed
    assert by_sorting.row_labels.dtype == hashed.row_labels.dtype
    np.testing.assert_array_equal(by_sorting.row_labels, hashed.row_labels)


def test_the_hash_encoder_gives_up_on_mostly_distinct_values():
    from nmi._kernels import encode

    none = np.empty(0, dtype=np.int32)
    distinct = np.arange(200_000, dtype=np.int64) * 7919
    # over 9 in 10 of the first 65536 samples distinct: give up at the next growth
    assert encode.build_table(distinct, none, 10**9, 1 << 16)[2] == -1
    # or once the table holds max_distinct values
    assert encode.build_table(distinct, none, 5000, 10**9)[2] == -1
    # repeated values: the table is built
    repeated = distinct % 50_000
    *_, bits, found = encode.build_table(repeated, none, 10**9, 1 << 16)
    assert bits > 0
    assert found.size == 50_000
    assert encode.build_table(distinct, none, 10**9, 10**9)[3].size == 200_000


@pytest.mark.parametrize("extra", ["weights", "noise"])
def test_sorting_encoder_of_the_target_in_the_one_pass_count(rng, extra):
    # weights and noise take the one-pass count against the target's codes; a target
    # encoded by sorting must keep its own labels there too
    n = 2000  # 7 x ~570 cells: a dense table, the one-pass count's
    a = rng.integers(0, 7, n)
    b = rng.integers(-(2**62), 2**62, 585)[rng.integers(0, 585, n)]  # over n/4 distinct
    kw = {"sample_weight": rng.random(n)} if extra == "weights" else {
        "preds_noise": 0, "noise_policy": "drop"}  # fmt: skip
    hashed = Tuned(guess_prefix=100, sort_min=10**9).table(a, b, **kw)
    by_sorting = Tuned(guess_prefix=100, sort_min=1).table(a, b, **kw)
    np.testing.assert_array_equal(by_sorting.col_labels, hashed.col_labels)
    assert by_sorting == hashed
    assert set(by_sorting.col_labels.tolist()) <= set(b.tolist())
