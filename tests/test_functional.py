"""Agreement with scikit-learn and scikit-learn's conventions, across dtypes and sizes."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import mutual_info_score as sk_mi
from sklearn.metrics import normalized_mutual_info_score as sk_nmi

import nmi
from nmi._parallel import chunks

from .conftest import METHODS, Tuned
from .conftest import table_information as information

RTOL, ATOL = 1e-9, 1e-12


def sk_entropy(labels):
    _, counts = np.unique(labels, return_counts=True)
    if counts.size == 0:
        return 1.0
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def assert_close(ours, theirs):
    assert ours == pytest.approx(theirs, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("method", METHODS)
def test_random_labels_all_sizes_and_cluster_counts(rng, method):
    sizes = [0, 1, 2, 3, 5, 10, 50, 100, 1000, 10_000]
    for n in sizes:
        for k_pred, k_target in {(1, 1), (1, 3), (2, 2), (7, 3), (n, 2), (n, n), (n // 2 + 1, 10)}:
            if n == 0:
                k_pred = k_target = 1
            a = rng.integers(0, max(k_pred, 1), n)
            b = rng.integers(0, max(k_target, 1), n)
            assert_close(
                nmi.normalized_mutual_info_score(a, b, method), sk_nmi(b, a, average_method=method)
            )
            # scikit-learn's mutual_info_score fails on empty input; ours is 0.0
            assert_close(nmi.mutual_info_score(a, b), sk_mi(b, a) if n else 0.0)


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 12), st.integers(-3, 3)), max_size=300),
    method=st.sampled_from(METHODS),
)
def test_hypothesis_agrees_with_sklearn(data, method):
    a = [x for x, _ in data]
    b = [y for _, y in data]
    assert_close(
        nmi.normalized_mutual_info_score(a, b, method), sk_nmi(b, a, average_method=method)
    )
    assert_close(nmi.mutual_info_score(a, b), sk_mi(b, a) if a else 0.0)
    assert_close(nmi.entropy(a), sk_entropy(a))


@pytest.mark.parametrize(
    "dtype",
    [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, bool],
)
def test_integer_and_bool_dtypes(rng, dtype):
    a = rng.integers(0, 2 if dtype is bool else 100, 5000).astype(dtype)
    b = rng.integers(0, 2 if dtype is bool else 7, 5000).astype(dtype)
    for method in METHODS:
        assert_close(
            nmi.normalized_mutual_info_score(a, b, method), sk_nmi(a, b, average_method=method)
        )


def test_str_object_and_float_labels_match_integer_codes(rng):
    codes_a = rng.integers(0, 20, 3000)
    codes_b = rng.integers(0, 5, 3000)
    expected = nmi.normalized_mutual_info_score(codes_a, codes_b)
    words = np.array([f"cluster-{i}" for i in range(20)])
    as_str = words[codes_a]
    assert nmi.normalized_mutual_info_score(as_str, codes_b) == expected
    assert nmi.normalized_mutual_info_score(as_str.astype(object), codes_b) == expected
    assert nmi.normalized_mutual_info_score(as_str.tolist(), codes_b.tolist()) == expected
    assert nmi.normalized_mutual_info_score(as_str.astype(bytes), codes_b) == expected
    assert nmi.normalized_mutual_info_score(codes_a.astype(float), codes_b) == expected
    assert nmi.normalized_mutual_info_score(codes_a.astype(np.float32), codes_b) == expected


def test_huge_and_sparse_integer_ranges(rng):
    # 64-bit extremes, values above 2**63 and wide sparse ranges go through the hash path
    extremes = np.array([np.iinfo(np.int64).min, -1, 0, 1, np.iinfo(np.int64).max])
    a = extremes[rng.integers(0, 5, 4000)]
    b = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, 4000, endpoint=True)
    b = b[rng.integers(0, 300, 4000)]
    for method in METHODS:
        assert_close(
            nmi.normalized_mutual_info_score(a, b, method), sk_nmi(a, b, average_method=method)
        )
    u = np.array([0, 1, 2**63, 2**64 - 1], dtype=np.uint64)[rng.integers(0, 4, 4000)]
    assert_close(nmi.normalized_mutual_info_score(u, a), sk_nmi(u, a))
    assert_close(nmi.normalized_mutual_info_score(u, b), sk_nmi(u, b))
    # two values whose int64 views are adjacent but whose uint64 values are not
    v = np.array([2**64 - 1, 0], dtype=np.uint64)[rng.integers(0, 2, 500)]
    w = rng.integers(0, 3, 500)
    assert_close(nmi.normalized_mutual_info_score(v, w), sk_nmi(v, w))
    table = nmi.contingency_matrix(v, w)
    assert table.row_labels.tolist() == [0, 2**64 - 1]


def test_many_clusters_sparse_path(rng):
    # more label pairs than a dense table may hold: the sorted sparse path
    n = 50_000
    a = rng.integers(0, 20_000, n)
    b = np.where(rng.random(n) < 0.7, a, rng.integers(0, 20_000, n))
    for method in METHODS:
        assert_close(
            nmi.normalized_mutual_info_score(a, b, method), sk_nmi(a, b, average_method=method)
        )
    assert_close(nmi.mutual_info_score(a, b), sk_mi(a, b))


def test_parallel_paths_agree(monkeypatch, rng):
    # force the threaded and multi-block paths on small inputs
    n = 30_000
    a = rng.integers(0, 3000, n) * 1_000_003
    b = rng.integers(0, 3000, n)
    expected = sk_nmi(a, b)
    single = nmi.contingency_matrix(a, b)
    monkeypatch.setenv("NMI_NUM_THREADS", "3")
    threaded = Tuned(parallel_min=1000, first_block=2048).table(a, b)
    assert threaded == single
    assert_close(threaded.normalized_mutual_info(), expected)
    # the mutual information summed on threads, chunk by chunk
    assert information(single, min_chunk=100) == pytest.approx(single.information(), rel=1e-13)
    assert len(chunks(single.nnz, min_size=100)) == 3
    c = rng.integers(0, 10, n)
    # column logarithms read through uint16 column sums: the very same bits
    assert information(single, 100, small_cols_min=1) == information(single, 100)
    wide = nmi.contingency_matrix(np.r_[c, 0], np.r_[b * 0, 1])  # a column sum beyond 4096
    assert information(wide, 100, small_cols_min=1) == information(wide, 100)
    assert information(wide, 100)[0] > 0
    assert nmi.contingency_matrix(c, b) == nmi.contingency_matrix(c.tolist(), b.tolist())


@pytest.mark.parametrize("method", METHODS)
def test_edge_cases_follow_sklearn(method):
    f = nmi.normalized_mutual_info_score
    assert f([], [], method) == 1.0
    assert f([1], [5], method) == 1.0
    assert f([3, 3, 3], [7, 7, 7], method) == 1.0
    assert f([0, 0, 0, 0], [0, 1, 2, 3], method) == 0.0  # one side a single cluster
    assert f([0, 1, 2, 3], [0, 0, 0, 0], method) == 0.0
    assert f([0, 0, 1, 1], [0, 1, 0, 1], method) == 0.0  # independent: exactly zero
    assert f([0, 0, 1, 1], [1, 1, 0, 0], method) == 1.0
    assert nmi.mutual_info_score([], []) == 0.0
    assert nmi.mutual_info_score([1, 1], [2, 3]) == 0.0


def test_exactly_zero_mutual_information():
    for i in np.logspace(1, 4, 4).astype(int) + 1:
        a, b = np.ones(i, dtype=int), np.arange(i, dtype=int)
        assert nmi.mutual_info_score(a, b) == 0.0
        for method in METHODS:
            assert nmi.normalized_mutual_info_score(a, b, method) == 0.0
            assert nmi.normalized_mutual_info_score(b, a, method) == 0.0


def test_entropy_values():
    assert nmi.entropy([0, 0, 42.0]) == pytest.approx(0.6365141, abs=1e-7)
    assert nmi.entropy([]) == 1.0  # scikit-learn's convention
    assert nmi.entropy([7] * 5) == 0.0
    assert nmi.entropy(["a", "b", "c", "d"]) == pytest.approx(np.log(4), rel=1e-15)


def test_known_values():
    # hand-computed: table [[1, 1], [0, 2]] over 4 samples
    a, b = [0, 0, 1, 1], [0, 1, 1, 1]
    h_a = np.log(2)
    h_b = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    mi = (
        0.25 * np.log(0.25 / (0.5 * 0.25))
        + 0.25 * np.log(0.25 / (0.5 * 0.75))
        + 0.5 * np.log(0.5 / (0.5 * 0.75))
    )
    assert nmi.mutual_info_score(a, b) == pytest.approx(mi, rel=1e-14)
    assert nmi.normalized_mutual_info_score(a, b, "arithmetic") == pytest.approx(
        mi / ((h_a + h_b) / 2), rel=1e-14
    )
    assert nmi.normalized_mutual_info_score(a, b, "geometric") == pytest.approx(
        mi / np.sqrt(h_a * h_b), rel=1e-14
    )
    assert nmi.normalized_mutual_info_score(a, b, "min") == pytest.approx(mi / h_b, rel=1e-14)
    assert nmi.normalized_mutual_info_score(a, b, "max") == pytest.approx(mi / h_a, rel=1e-14)


def test_int_overflow_in_large_marginals():
    # products of marginals beyond 2**31
    x = np.array([1] * 55161 + [2] * 15453 + [3] * 3475 + [4] * 853 + [5] * 336)
    y = np.array(
        [1] * 52632
        + [2] * 2529
        + [1] * 14660
        + [2] * 793
        + [1] * 3271
        + [2] * 204
        + [1] * 814
        + [2] * 39
        + [1] * 316
        + [2] * 20
    )
    assert nmi.mutual_info_score(x, y) > 0.0
    assert_close(nmi.mutual_info_score(x, y), sk_mi(x, y))


def test_array_layouts_and_byte_orders(rng, tmp_path):
    a = rng.integers(0, 50, 4001)
    b = rng.integers(0, 9, 4001)
    expected = nmi.normalized_mutual_info_score(a, b)
    big_endian = a.astype(">i8")
    assert nmi.normalized_mutual_info_score(big_endian, b) == expected
    strided_a = np.repeat(a, 2)[::2]
    assert not strided_a.flags.c_contiguous
    assert nmi.normalized_mutual_info_score(strided_a, b) == expected
    readonly = a.copy()
    readonly.flags.writeable = False
    assert nmi.normalized_mutual_info_score(readonly, b) == expected
    path = tmp_path / "a.npy"
    np.save(path, a)
    mapped = np.load(path, mmap_mode="r")
    assert nmi.normalized_mutual_info_score(mapped, b) == expected
    assert nmi.normalized_mutual_info_score(tuple(a.tolist()), b) == expected
    assert nmi.normalized_mutual_info_score(a.astype(">f8"), b) == expected


def test_float_labels_warn_when_not_integral():
    with pytest.warns(UserWarning, match="preds has non-integer float values"):
        value = nmi.normalized_mutual_info_score([0.5, 0.5, 1.5, 2.0], [0, 0, 1, 1])
    assert_close(value, 0.8)  # three float labels against two
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nmi.normalized_mutual_info_score([0.0, 1.0, 2.0], [0, 0, 1])
    # -0.0 and 0.0 are the same label
    assert nmi.contingency_matrix([-0.0, 0.0, 1.0], [0, 0, 1]).shape == (2, 2)


def test_column_logarithms_read_through_small_sums_only_where_they_fit(rng):
    # the uint16 path holds column sums below 4096; at 4096 and for weights it must not be taken
    for extra in (4095, 4096, 4097):
        a = np.r_[rng.integers(0, 50, 3000), np.zeros(extra, dtype=np.int64)]
        b = np.r_[rng.integers(1, 40, 3000), np.zeros(extra, dtype=np.int64)]
        table = nmi.contingency_matrix(a, b)
        assert table.col_sums.max() == extra
        one_block = table.information()
        assert_close(one_block[0], sk_mi(b, a))  # a cell of exactly 4096: the edge of log(x)
        assert information(table, 100, small_cols_min=1) == pytest.approx(one_block, rel=1e-12)
        assert information(table, 100) == pytest.approx(one_block, rel=1e-12)
        weighted = nmi.contingency_matrix(a, b, sample_weight=rng.random(a.size) + 0.5)
        expected = weighted.information()
        assert information(weighted, 100, small_cols_min=1) == pytest.approx(expected, rel=1e-12)


def test_entropy_weighs_samples_and_names_its_arguments():
    assert nmi.entropy([0, 1, 1], sample_weight=[2, 1, 1]) == nmi.entropy([0, 0, 1, 1])
    assert nmi.entropy([0, 1, 1], sample_weight=[1.0, 0.5, 0.5]) == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match=r"^labels must be 1D: shape is \(2, 2\)$"):
        nmi.entropy([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match=r"^labels contains None at index 1: missing labels"):
        nmi.entropy([0, None])
    with pytest.raises(ValueError, match=r"^sample_weight has 2 values but there are 3 samples"):
        nmi.entropy([0, 1, 1], sample_weight=[1, 2])


def test_the_small_integer_path_gives_the_general_bits_or_steps_aside(rng):
    # small plain integer arrays are scored in one kernel call once numba is loaded; any
    # array it may not read as is (other byte order, strided, wide or float, 2-D) goes the
    # general way, and either way the numbers are the general path's
    from nmi._scores import small_information

    nmi._jit.load()
    a = rng.integers(0, 7, 1000)
    cases = {
        "int64": (a, rng.integers(0, 5, 1000)),
        "perfect": (a, (a * 3 + 1) % 7),
        "one cluster": (a, np.zeros(1000, dtype=np.int64)),
        "independent": (np.repeat([0, 1], 500), np.tile([0, 1], 500)),
        "int8 and uint32": (a.astype(np.int8), (a % 3).astype(np.uint32)),
        "big-endian": (a.astype(">i8"), (a % 3).astype(">i4")),
        "strided": (np.repeat(a, 2)[::2], np.repeat(a % 3, 2)[::2]),
        "uint64": (a.astype(np.uint64), a % 3),
        "float": (a.astype(np.float64), a % 3),
    }
    for name, (p, t) in cases.items():
        table = nmi.contingency_matrix(p, t)
        fast = small_information(p, t)
        if name in ("big-endian", "strided", "uint64", "float"):
            assert fast is None, name
        else:
            assert fast is not None, name
            assert fast[:3] == table.information(), name
            assert fast[3:5] == table.n_clusters, name
        for method in METHODS:
            score = nmi.normalized_mutual_info_score(p, t, method)
            assert score == table.normalized_mutual_info(method), (name, method)
        if name == "perfect":
            assert nmi.normalized_mutual_info_score(p, t) == 1.0
        if name in ("one cluster", "independent"):
            assert nmi.mutual_info_score(p, t) == 0.0
    assert small_information(a[:, None], a[:, None]) is None
    assert small_information(a, a[:-1]) is None
    assert small_information(a[:0], a[:0]) is None


def test_a_cell_of_exactly_4096_next_to_larger_marginals(rng):
    # counts below 4096 take their logarithm from a table; a cell of exactly 4096 whose row
    # and column sums are larger must take math.log (its row and column logs do not cancel it)
    a = np.r_[rng.integers(0, 50, 3000), np.zeros(4096, dtype=np.int64)]
    b = np.r_[rng.integers(0, 40, 3000), np.zeros(4096, dtype=np.int64)]
    b[:3000][(a[:3000] == 0) & (b[:3000] == 0)] = 1
    table = nmi.contingency_matrix(a, b)
    assert table.to_dense()[0, 0] == 4096
    assert table.row_sums[0] > 4096
    assert table.col_sums[0] > 4096
    assert_close(table.mutual_info(), sk_mi(b, a))


@pytest.mark.parametrize("noise", [{}, {"target_noise": -1, "noise_policy": "drop"}])
def test_a_bad_target_is_named_target_in_the_message(noise):
    for score in (
        nmi.normalized_mutual_info_score,
        lambda p, t, **kw: nmi.NormalizedMutualInfoScore(**kw).update(p, t),
    ):
        with pytest.raises(ValueError, match=r"^target must be 1D: shape is \(2, 1\)"):
            score([0, 1], [[0], [1]], **noise)
        with pytest.raises(ValueError, match=r"^target contains None at index 1: "):
            score([0, 1], [0, None], **noise)
