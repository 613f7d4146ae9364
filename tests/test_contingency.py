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
        ([["a", "b"]], TypeError, "matrix must hold counts"),
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


# -- the contract of each conversion, on tables where a slip would show ------------------


def non_square_table():
    # 3 preds labels x 5 target labels: a slip between the two sides changes the result
    return nmi.contingency_matrix([0, 0, 1, 1, 2, 2, 2], [10, 11, 12, 13, 14, 10, 10])


def test_to_dense_counts_the_cells_of_both_sides():
    table = non_square_table()
    assert table.shape == (3, 5)
    np.testing.assert_array_equal(table.to_dense(max_cells=15), np.asarray(table))
    with pytest.raises(
        ValueError,
        match=r"^a dense 3 x 5 table has 15 cells, above max_cells=14 \(0\.0 GiB\); "
        r"use to_scipy\(\) or raise max_cells$",
    ):
        table.to_dense(max_cells=14)


def test_array_protocol_casts_to_the_dtype_asked_for():
    table = non_square_table()
    as_float = table.__array__(np.float32)
    assert as_float.dtype == np.float32
    np.testing.assert_array_equal(as_float, table.to_dense())
    assert table.__array__().dtype == np.int64
    assert np.asarray(table.astype(np.float64)).dtype == np.float64


def singleton_table(weights=None):
    return nmi.contingency_matrix(
        [0, 0, 1, 2, -1, -1],
        [5, 5, 6, 6, 7, 8],
        sample_weight=weights,
        preds_noise=-1,
        noise_policy="singleton",
    )


def test_repr_names_shape_cells_samples_noise_and_weights():
    assert repr(non_square_table()) == "Contingency(shape=(3, 5), nnz=6, n_samples=7)"
    assert repr(singleton_table()) == (
        "Contingency(shape=(3, 4), nnz=3, n_samples=6, noise_singletons=2)"
    )
    weighted = singleton_table([1.0, 2.0, 1.0, 1.0, 0.5, 0.5])
    assert repr(weighted) == (
        "Contingency(shape=(3, 4), nnz=3, n_samples=6.0, noise_singletons=2, weighted=True)"
    )
    assert repr(non_square_table().astype(np.float64)) == (
        "Contingency(shape=(3, 5), nnz=6, n_samples=7.0, weighted=True)"
    )


@pytest.mark.parametrize("weights", [None, [1.0, 2.0, 1.0, 1.0, 0.5, 3.0]])
def test_pickle_keeps_noise_singletons(weights):
    table = singleton_table(weights)
    back = pickle.loads(pickle.dumps(table))
    assert back == table
    assert back.noise.totals == table.noise.totals
    np.testing.assert_array_equal(back.noise.rows, table.noise.rows)
    assert back.normalized_mutual_info("min") == table.normalized_mutual_info("min")


def test_tables_with_noise_singletons_refuse_a_matrix_by_name():
    table = singleton_table()
    message = (
        r"^this table keeps 2 noise singletons as per-label totals, not as rows and columns of "
        r"their own; a matrix of it would leave them out\. Read them from the noise attribute, "
        r"or score with noise_policy 'keep' or 'drop'$"
    )
    for convert in (table.to_dense, table.to_scipy, np.asarray):
        with pytest.raises(ValueError, match=message):
            convert() if convert is not np.asarray else np.asarray(table)


def test_from_matrix_reads_bools_as_counts_and_refuses_other_shapes():
    from scipy import sparse

    table = Contingency.from_matrix(np.array([[True, False, True], [False, True, False]]))
    assert table.counts.dtype == np.int64
    assert table == Contingency.from_matrix([[1, 0, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match=r"^a contingency matrix must be 2-D, got shape \(3,\)$"):
        Contingency.from_matrix([1, 2, 3])
    one_d = sparse.coo_array(np.array([1, 0, 2]))
    with pytest.raises(ValueError, match=r"^a contingency matrix must be 2-D, got shape \(3,\)$"):
        Contingency.from_matrix(one_d)


def test_adjusted_rand_of_a_table_is_the_score_of_its_labels(rng):
    from sklearn.metrics import adjusted_rand_score

    a, b = rng.integers(0, 4, 200), rng.integers(0, 6, 200)
    assert nmi.contingency_matrix(a, b).adjusted_rand() == pytest.approx(
        adjusted_rand_score(b, a), abs=1e-12
    )


def saved_parts(weights=None):
    restore, args = singleton_table(weights).__reduce__()
    return restore, list(args)


def test_restore_checks_n_samples_exactly_for_counts_and_to_rounding_for_weights():
    from nmi.contingency import restore

    big = [np.array([0]), np.array([0]), np.array([10**13]), np.array([0]), np.array([0])]
    with pytest.raises(
        ValueError, match=r"^counts add up to 10000000000000, but n_samples says 10000000000001$"
    ):
        restore(*big, 10**13 + 1)
    table = restore(*big, 1e13)  # a float that is the count: kept as an exact int
    assert type(table.n_samples) is int
    assert table.n_samples == 10**13
    weights = [np.array([0]), np.array([0]), np.array([3.0]), np.array([0]), np.array([0])]
    assert restore(*weights, 3.0 * (1 + 1e-13)).n_samples == 3.0 * (1 + 1e-13)
    with pytest.raises(
        ValueError, match=r"^counts add up to 3\.0, but n_samples says 3\.0000000003"
    ):
        restore(*weights, 3.0 * (1 + 1e-10))


def test_restore_with_noise_keeps_the_dtype_of_counts():
    restore, args = saved_parts()
    table = restore(*args)
    assert table.counts.dtype == np.int64
    assert table.noise.rows.dtype == np.int64
    assert type(table.n_samples) is int
    assert table.n_samples == 6
    assert type(table.noise.totals.weight_both) is int
    restore, args = saved_parts([1.0, 2.0, 1.0, 1.0, 0.5, 0.25])
    table = restore(*args)
    assert table.counts.dtype == np.float64
    assert table.noise.rows.dtype == np.float64
    assert table.n_samples == 5.75
    assert table.noise.totals.weight_both == 0.0


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (0, np.array([1, 0, 2]), r"^cells are repeated, zero or out of order$"),
        ("noise rows", np.array([0, 0]), r"^noise rows must be 3 numbers, one per label$"),
        ("noise rows", np.array([False] * 3), r"^noise rows must be 3 numbers, one per label$"),
        ("noise cols", np.array([0, 0, 1]), r"^noise cols must be 4 numbers, one per label$"),
        ("noise cols", np.array([0, 0, -1, 1]), r"^noise cols must be finite and non-negative$"),
        (
            "noise cols",
            np.array([0, 0, np.inf, 1]),
            r"^noise cols must be finite and non-negative$",
        ),
        ("col labels", np.array([5, 6, 7, 8, 9]), r"^noise cols must be 5 numbers, one per label$"),
    ],
)
def test_restore_with_noise_refuses_broken_parts(where, value, message):
    restore, args = saved_parts()
    rows, cols, totals = args[6]
    if where == "noise rows":
        args[6] = (value, cols, totals)
    elif where == "noise cols":
        args[6] = (rows, value, totals)
    elif where == "col labels":
        args[4] = value
    else:
        args[where] = value
    with pytest.raises(ValueError, match=message):
        restore(*args)


def test_restore_with_noise_refuses_a_label_without_samples_on_either_side():
    restore, args = saved_parts()
    rows, cols, totals = args[6]
    args[6] = (rows, np.array([0, 0, 0, 2]), totals)  # target label 7 has no sample left
    with pytest.raises(ValueError, match=r"^labels without any sample$"):
        restore(*args)
    restore, args = saved_parts()
    args[3] = np.array([0, 1, 2, 3])  # a preds label without any sample
    rows, cols, totals = args[6]
    args[6] = (np.array([0, 0, 0, 0]), cols, totals)
    with pytest.raises(ValueError, match=r"^labels without any sample$"):
        restore(*args)


def test_integer_labels_merge_exactly_with_float_labels():
    f = nmi.contingency_matrix
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # float labels that are not integers
        for big in (2**53 + 1, -(2**53) - 1):
            # float(big) rounds onto +-2**53: three labels, each kept exactly
            both = f(np.array([big, 0]), [0, 1]) + f([float(big)], [0])
            assert both.shape == (3, 2)
            assert big in both.row_labels.tolist()
            assert float(big) in both.row_labels.tolist()
        # integers float64 holds exactly (up to 2**53 either way) merge as float64
        inside = f(np.array([2**53, -(2**53), 200]), [0, 1, 2]) + f([0.5], [0])
        assert inside.row_labels.dtype == np.float64
        assert inside.row_labels.tolist() == [-(2.0**53), 0.5, 200.0, 2.0**53]


@pytest.mark.parametrize("n", [2, 3, 5, 17, 1025, 2049, 4097])
def test_encoding_by_sorting_keeps_every_position_at_sizes_just_past_a_power_of_two(rng, n):
    # positions 0..n-1 are packed below the values: n - 1 = 2**k needs k + 1 bits
    for a in (rng.integers(-(2**62), 2**62, n), rng.integers(0, 2**40, n)):
        a[-1] = a[0]
        labels = as_labels(a, "preds")
        encoder = Encoder.__new__(Encoder)
        encoder._by_sorting(labels.data, labels.decode, int(a.min()), int(a.max()))
        np.testing.assert_array_equal(encoder.labels, np.unique(a))
        np.testing.assert_array_equal(encoder.labels[encoder.data], a)
        if n > 2000:  # the public path, which sorts mostly distinct labels of this size
            assert Tuned(sort_min=1).table(a, a) == Tuned(sort_min=10**9).table(a, a)


def test_encoding_by_sorting_puts_two_negative_floats_in_value_order():
    # negative floats order backwards by their bits: the labels must be put back in order
    a = np.array([-1.0, -2.0, -1.0, -2.0] * 600)
    labels = as_labels(a, "preds")
    encoder = Encoder.__new__(Encoder)
    encoder._by_sorting(labels.data, labels.decode, int(labels.data.min()), int(labels.data.max()))
    np.testing.assert_array_equal(encoder.labels, [-2.0, -1.0])
    np.testing.assert_array_equal(encoder.labels[encoder.data], a)


def test_counts_up_to_the_int64_limit_are_kept_and_beyond_refused():
    for counts in ([2**62, 2**62 - 1], [2**63 - 1]):
        table = Contingency.from_matrix(np.diag(np.array(counts, dtype=np.int64)))
        assert table.n_samples == 2**63 - 1
    for counts in ([2**62, 2**62], [2**63 - 2, 1, 1]):
        with pytest.raises(
            ValueError,
            match=r"^counts add up to more than int64 holds \(about 9\.2e18 samples\); give "
            r"weights as floats \(only relative weights matter\) or smaller counts$",
        ):
            Contingency.from_matrix(np.diag(np.array(counts, dtype=np.int64)))


def test_a_dense_matrix_too_large_is_refused_with_its_size_in_gib():
    n = 100_000  # every label distinct: 1e10 cells, 74.5 GiB of int64
    table = nmi.contingency_matrix(np.arange(n), np.arange(n)[::-1])
    with pytest.raises(
        ValueError,
        match=r"^a dense 100000 x 100000 table has 10000000000 cells, above "
        r"max_cells=1000000000 \(74\.5 GiB\); use to_scipy\(\) or raise max_cells$",
    ):
        table.to_dense(max_cells=10**9)


@pytest.mark.parametrize(
    ("parts", "error", "message"),
    [
        (([[0]], [0], [1], [0], [0]), ValueError, r"^rows must be 1-D, got shape \(1, 1\)$"),
        (([0], [[0]], [1], [0], [0]), ValueError, r"^cols must be 1-D, got shape \(1, 1\)$"),
        (([0], [0], [np.inf], [0], [0]), ValueError, r"^counts must be finite$"),
        (([0.0], [0], [1], [0], [0]), TypeError, r"^rows must hold integers, got dtype float64$"),
        (([0], ["a"], [1], [0], [0]), TypeError, r"^cols must hold integers, got dtype <U1$"),
        (([0], [0], ["a"], [0], [0]), TypeError, r"^counts must hold integers or floats, got"),
        (([0, 1], [0], [1], [0, 1], [0]), ValueError, r"^rows, cols and counts must have the same"),
        (([0], [0], [-1], [0], [0]), ValueError, r"^counts must be non-negative$"),
        (([0], [0], [1], [[0]], [0]), ValueError, r"^row_labels must be 1-D, got shape \(1, 1\)$"),
        (([0], [0], [1], [0], [[0]]), ValueError, r"^col_labels must be 1-D, got shape \(1, 1\)$"),
        (
            ([0], [0], [1], [0, 0], [0]),
            ValueError,
            r"^row_labels must be strictly increasing \(sorted, no repeats\)$",
        ),
        (
            ([0], [0], [1], [0], [0, 2, 1]),  # every later label above the first, not in order
            ValueError,
            r"^col_labels must be strictly increasing \(sorted, no repeats\)$",
        ),
        (
            ([2], [0], [1], [0, 1], [0]),
            ValueError,
            r"^rows must index row_labels: values in \[0, 2\) expected$",
        ),
        (
            ([0], [-1], [1], [0], [0]),
            ValueError,
            r"^cols must index col_labels: values in \[0, 1\)",
        ),
    ],
)
def test_a_table_built_from_parts_refuses_each_broken_part_by_name(parts, error, message):
    with pytest.raises(error, match=message):
        Contingency(*parts)


def test_a_table_built_from_parts_takes_one_label_and_float_counts():
    table = Contingency([0, 0], [0, 0], np.array([0.5, 0.25], dtype=np.float32), [7], [3])
    assert table.counts.dtype == np.float64
    assert table.counts.tolist() == [0.75]
    assert table.n_samples == 0.75


def test_adding_an_empty_table_keeps_the_weighted_kind_of_either():
    f = nmi.contingency_matrix
    counts = f([0, 1, 1], [0, 0, 1])
    empty_counts = f([], [])
    empty_weights = f([], [], sample_weight=[])
    one = f([5], [7])  # a single sample is not an empty table
    for left, right, weighted in (
        (counts, empty_weights, True),
        (empty_weights, counts, True),
        (counts.astype(np.float64), empty_counts, True),
        (empty_counts, counts.astype(np.float64), True),
        (counts, empty_counts, False),
        (empty_counts, counts, False),
    ):
        total = left + right
        assert total.weighted is weighted
        assert total.counts.dtype == (np.float64 if weighted else np.int64)
        assert total == counts
    assert (one + counts).n_samples == 4
    assert (counts + one).shape == (3, 3)
    assert one + counts == f([5, 0, 1, 1], [7, 0, 0, 1])


def test_adding_tables_whose_labels_differ_in_type_names_the_side():
    f = nmi.contingency_matrix
    with pytest.raises(
        TypeError,
        match=r"^cannot add tables whose preds labels have different types \(int64 and <U1\); "
        r"give every batch preds labels of one type$",
    ):
        f([0, 1], [0, 1]) + f(["a", "b"], [0, 1])
    with pytest.raises(
        TypeError,
        match=r"^cannot add tables whose target labels have different types \(int64 and <U1\); "
        r"give every batch target labels of one type$",
    ):
        f([0, 1], [0, 1]) + f([0, 1], ["a", "b"])


def test_adding_tables_merges_their_labels_exactly():
    f = nmi.contingency_matrix
    assert (f([0], [0]) + f([0], [0])).shape == (1, 1)  # one label each, the same one
    # int64 with uint64 above 2**63: every value kept exactly, as Python ints
    both = f(np.array([-1, 5]), [0, 1]) + f(np.array([2**63 + 1], dtype=np.uint64), [0])
    assert both.row_labels.tolist() == [-1, 5, 2**63 + 1]
    # labels that cannot be ordered together: the side and the reason
    ints = Contingency([0], [0], [1], np.array([1], dtype=object), [0])
    text = Contingency([0], [0], [1], np.array(["a"], dtype=object), [0])
    with pytest.raises(
        TypeError,
        match=r"^cannot add tables whose preds labels cannot be ordered together: '<' not "
        r"supported between instances of",
    ):
        ints + text
    with pytest.raises(TypeError, match=r"^cannot add tables whose target labels cannot be"):
        ints.T + text.T
    # object labels with labels of another kind: compared as Python values
    mixed = ints + Contingency([0], [0], [2], np.array([0]), [0])
    assert mixed.row_labels.tolist() == [0, 1]


def test_integer_labels_beyond_float_are_found_whatever_their_position():
    f = nmi.contingency_matrix
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        both = f(np.array([0, 1, 2**53 + 1]), [0, 1, 2]) + f([2.0**53], [0])
    assert both.shape == (4, 3)
    assert both.row_labels.tolist() == [0, 1, 2**53, 2**53 + 1]


def test_whole_counts_names_the_score_that_asked():
    table = nmi.contingency_matrix([0, 1, 1], [0, 0, 1], sample_weight=[0.5, 1, 1])
    with pytest.raises(ValueError, match=r"^this score needs whole-number counts: the sample"):
        table.whole_counts()
    with pytest.raises(ValueError, match=r"^the ARI needs whole-number counts"):
        table.whole_counts("the ARI")
    whole = nmi.contingency_matrix([0, 1], [0, 1], sample_weight=[2.0, 3.0]).whole_counts()
    assert not whole.weighted
    assert whole.counts.tolist() == [2, 3]


@pytest.mark.parametrize("k", [5, 400])  # a dense table of weights, and a sparse one
def test_weighted_counting_in_blocks_adds_every_block(rng, k):
    n = 1000
    a, b = rng.integers(0, k, n), rng.integers(0, k, n)
    w = rng.integers(0, 4, n)
    expected = nmi.contingency_matrix(np.repeat(a, w), np.repeat(b, w))
    for block in (7, 64, 999):  # a short last block, a last block of one sample, or one block
        table = Tuned(first_block=block).table(a, b, sample_weight=w)
        assert table.weighted
        assert table == expected


def test_threaded_sparse_count_splits_keys_at_region_boundaries(monkeypatch, rng):
    # Three threads each take a range of rows. Every row meets column 0, so some pair key
    # equals each boundary between ranges exactly. A thread's keys (20,000 rows x 2**17
    # columns) span more than 2**31, in regions of over 65,536 keys: they are sorted in
    # buckets of their high bits, in the scratch memory each region is given.
    monkeypatch.setenv("NMI_NUM_THREADS", "3")
    n = 400_000
    a = rng.integers(0, 60_000, n)
    b = rng.integers(1, 100_000, n)
    a[:60_000], b[:60_000] = np.arange(60_000), 0
    expected = Tuned(parallel_min=10**9).table(a, b)  # one thread, one block
    assert expected.nnz > 300_000
    for block in (n, 50_000):  # one block, or blocks merged as they come
        table = Tuned(parallel_min=1000, first_block=block).table(a, b)
        assert table == expected
        assert table.row_sums.sum() == table.col_sums.sum() == n


def test_tables_built_from_cells_keep_int64_indices():
    # labels without samples are dropped and the cells renumbered: into int64 indices,
    # whatever the size of the table
    t = Contingency([0, 2, 2], [1, 0, 1], [3, 1, 2], [10, 20, 30], [5, 6])
    assert t.row_labels.tolist() == [10, 30]
    assert t.rows.tolist() == [0, 1, 1]
    assert t.cols.tolist() == [1, 0, 1]
    assert t.rows.dtype == t.cols.dtype == np.int64
    assert t == nmi.contingency_matrix([10, 10, 10, 30, 30, 30], [6, 6, 6, 5, 6, 6])


def test_adding_int64_and_uint64_labels_keeps_every_value_exact():
    # int64 with uint64 labels have no common NumPy type but float64, which would round
    # 2**62 + 1 and 2**63 + 7; the merged labels must be those very numbers
    low = nmi.contingency_matrix(np.array([2**62 + 1, -5], dtype=np.int64), [0, 1])
    high = nmi.contingency_matrix(np.array([2**63 + 7], dtype=np.uint64), [1])
    for both in (low + high, high + low):
        assert both.row_labels.tolist() == [-5, 2**62 + 1, 2**63 + 7]
        assert both.col_labels.tolist() == [0, 1]
        assert both.to_dense().tolist() == [[0, 1], [1, 0], [0, 1]]
    # ints beyond 2**53 with floats, which float64 would merge: 2**60 + 1 onto 2.0**60
    floats = nmi.contingency_matrix(np.array([0.5, 2.0**60]), [0, 1])
    ints = nmi.contingency_matrix(np.array([2**60 + 1]), [1])
    for both in (floats + ints, ints + floats):
        assert both.row_labels.tolist() == [0.5, 2.0**60, 2**60 + 1]


def test_tables_are_equal_only_when_every_part_is():
    f = nmi.contingency_matrix
    base = f([0, 0, 1], [0, 0, 1])  # cells (0, 0): 2 and (1, 1): 1
    assert base == f([1, 0, 0], [1, 0, 0])
    assert base != f([0, 1, 1], [0, 1, 1])  # the same cells and total, other counts
    assert base != f([0, 0, 1], [0, 1, 1])  # the same labels and counts, other cells
    assert base != f([0, 0, 2], [0, 0, 1])  # other labels
    assert base != f([0, 0, 1, 1], [0, 0, 1, 1])  # another total
    singles = {"preds_noise": -1, "noise_policy": "singleton"}
    assert f([0, 0, 1, -1], [0, 0, 1, 1], **singles) != f([0, 0, 1, -1], [0, 0, 1, 0], **singles)


@pytest.mark.parametrize("n", [8, 300])
def test_encoding_by_sorting_orders_ties_that_come_in_descending_order(rng, n):
    # values spanning all of int64 lose their low bits in the packed sort: 4 and 5, 64 and
    # 65 tie there, and each pair comes in descending order (5 before 4): a run that holds
    # no ascent, which must be put in order all the same
    a = rng.integers(1000, 2**40, n)
    a[:2] = -(2**63), 2**63 - 1
    a[2:6] = 5, 4, 65, 64
    labels = as_labels(a, "preds")
    encoder = Encoder.__new__(Encoder)
    encoder._by_sorting(labels.data, labels.decode, int(a.min()), int(a.max()))
    np.testing.assert_array_equal(encoder.labels, np.unique(a))
    np.testing.assert_array_equal(encoder.labels[encoder.data], a)
