"""Score arithmetic on numbers and arrays: the information, NMI, AMI, ARI and their edge cases.

Nothing here sees a table: the functions take the cells and sums they need, or the
:class:`Summary` a table keeps of them, and return floats (or arrays of floats, for the
bootstrap's replicates). Each edge case follows scikit-learn's convention, named where it
is handled. The registry (:mod:`nmi._registry`) declares which score reads what.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._cells import weight_total
from ._jit import loaded
from ._kernels import count as kcount
from ._kernels import info as kinfo
from ._noise import Singletons, singleton_information
from ._parallel import PARALLEL_MIN, chunks, n_threads, run_all
from ._types import AnyArray, IntArray

_MAX_LOG_WINDOW = 1 << 24  # entries of exact log-factorial sums kept for the EMI kernel
_NO_WINDOW = np.empty(0, dtype=np.float64)
_EMI_PARALLEL_MIN = 1 << 16  # pairs of distinct sizes worth a thread of their own


def no_chance_model(reason: str, what: str) -> str:
    """Return the message for a score (``what``) that :func:`whole_counts` refused."""
    if reason == "singletons":
        return (
            f"{what} is not defined for noise singletons with sample weights other than 1; "
            "use noise_policy 'drop' or 'keep' with those weights, or "
            "normalized_mutual_info_score"
        )
    if reason == "huge":
        return (
            f"{what} needs whole-number counts below 2**53: these sample weights add up to "
            "more, where float64 no longer counts one by one. Scale the weights down, or use "
            "a score without a chance model such as normalized_mutual_info_score"
        )
    return (
        f"{what} needs whole-number counts: the sample weights give this table "
        "fractional cells, which its chance model has no meaning for. Use whole-number "
        "weights (repetitions), or a score without a chance model such as "
        "normalized_mutual_info_score"
    )


def generalized_mean(u: Any, v: Any, average_method: str) -> Any:
    """Return the mean of two entropies named by ``average_method``: floats or arrays.

    The one normalizer of NMI and AMI, for one table and for the bootstrap's replicates
    alike (the same IEEE operations, so the same bits; floats skip NumPy's dispatch, which
    costs more than a small table's score); ``average_method`` checked already.
    """
    scalar = isinstance(u, float) and isinstance(v, float)
    if average_method == "min":
        return min(u, v) if scalar else np.minimum(u, v)
    if average_method == "geometric":
        return math.sqrt(u * v) if scalar else np.sqrt(u * v)
    if average_method == "arithmetic":
        return (u + v) / 2.0
    return max(u, v) if scalar else np.maximum(u, v)


def with_singletons(
    row_sums: AnyArray, col_sums: AnyArray, counts: AnyArray, noise: Singletons | None
) -> tuple[int, int, int]:
    """Return the clusters of each side and the cells, each noise singleton a cluster of one.

    A singleton is a cluster of its own on its side (on both for a singleton of both) and a
    cell of its own.
    """
    ka, kb, cells = int(row_sums.size), int(col_sums.size), int(counts.size)
    if noise is not None:
        extra_p, extra_t = noise.totals.clusters
        ka, kb, cells = ka + extra_p, kb + extra_t, cells + noise.totals.singletons
    return ka, kb, cells


def is_perfect_match(ka: int, kb: int, cells: int) -> bool:
    """Whether both labelings are the same partition: one cell per row and per column.

    ``ka``, ``kb``: clusters a side, ``cells``: non-zero cells, noise singletons counted in
    each (a singleton is a cluster of one and a cell of its own).
    """
    return cells == ka == kb


def information(
    rows: IntArray,
    cols: IntArray,
    counts: AnyArray,
    row_sums: AnyArray,
    col_sums: AnyArray,
    n: float,
    noise: Singletons | None,
    min_chunk: int = PARALLEL_MIN,
    small_cols_min: int = 1 << 16,
) -> tuple[float, float, float]:
    """Return (mutual information, H(preds), H(target)) in nats; zeros without samples.

    The cells (``rows``, ``cols``, ``counts``, sorted), the marginals (noise singletons
    included), the total ``n`` and the noise singletons' totals. ``min_chunk``: with at
    least twice this many cells the terms are summed on threads. ``small_cols_min``: from
    this many columns on (their logarithms then leave the L2 cache), those summed on
    threads read the logarithms of column sums below 4096 from a constant table, through
    ``uint16`` sums; the same bits.
    """
    if n == 0:
        return (0.0, 0.0, 0.0)
    cells = chunks(counts.size, min_size=min_chunk)
    raw_mi, h_rows, h_cols, independent = kinfo.information(
        rows, cols, counts, row_sums, col_sums, n, len(cells) == 1
    )
    if len(cells) > 1 and not independent:
        raw_mi = _parallel_mutual_info(rows, cols, counts, row_sums, col_sums, n, cells,
                                       small_cols_min)  # fmt: skip
    if noise is not None:
        independent = False  # the kernel saw the labelled cells only
        extra_mi, extra_rows, extra_cols = singleton_information(noise, row_sums, col_sums, n)
        raw_mi += extra_mi
        h_rows += extra_rows
        h_cols += extra_cols
    ka, kb, nnz = with_singletons(row_sums, col_sums, counts, noise)
    return exact_information(
        raw_mi, h_rows, h_cols, independent, ka, kb, is_perfect_match(ka, kb, nnz)
    )


def exact_information(
    raw_mi: float,
    h_rows: float,
    h_cols: float,
    independent: bool,
    ka: int,
    kb: int,
    perfect: bool,
) -> tuple[float, float, float]:
    """Return (mutual information, H(preds), H(target)) from the kernels' sums, edges exact.

    ``independent``: every cell equals the product of its marginals; ``perfect``: both
    labelings are the same partition (:func:`is_perfect_match`).
    """
    if independent or ka == 1 or kb == 1:
        # Exactly zero: a single cluster on either side, or every cell equal to the product
        # of its marginals (the sum would leave rounding noise).
        mi = 0.0
    elif perfect:
        # Same partition: MI equals either entropy exactly; the smaller keeps it symmetric
        # and makes identical partitions score exactly 1.0.
        mi = min(h_rows, h_cols)
    else:
        mi = max(0.0, float(raw_mi))  # rounding can leave a tiny negative value (or -0.0)
    return (mi, float(h_rows), float(h_cols))


def information_of_sums(n: float, s_cells: Any, s_rows: Any, s_cols: Any) -> tuple[Any, Any, Any]:
    """Return (raw MI, H(preds), H(target)) from the sums of ``x log x`` of a table of counts.

    ``s_cells``, ``s_rows``, ``s_cols``: the sums over the cells, rows and columns (noise
    singletons as cells and clusters of one), floats or arrays of the bootstrap's
    replicates; ``n > 0`` samples. The entropies are clipped at 0; the raw MI is not.
    """
    log_n = math.log(n)
    h_rows = np.maximum(0.0, log_n - s_rows / n)
    h_cols = np.maximum(0.0, log_n - s_cols / n)
    raw_mi = log_n + (s_cells - s_rows - s_cols) / n
    return raw_mi, h_rows, h_cols


_SMALL_MAX = PARALLEL_MIN  # below twice this many cells the terms are summed in one call


def small_information(preds: Any, target: Any) -> tuple[float, float, float, int, int, bool] | None:
    """(MI, H(preds), H(target), ka, kb, perfect) of small plain integer arrays, or None.

    The one-call path for small inputs, where building a table costs more than scoring it:
    C-contiguous 1-D integer arrays (up to uint32) of equal length, between 1 and
    :data:`_SMALL_MAX` samples, whose value ranges make a small dense table, once numba is
    loaded. The same table and kernel as the general path, so the same bits. None
    otherwise: the caller takes the general path.
    """
    if not (loaded() and type(preds) is np.ndarray and type(target) is np.ndarray):
        return None
    n = preds.size
    if not (preds.ndim == 1 and preds.shape == target.shape and 0 < n <= _SMALL_MAX):
        return None
    arrays = []
    for x in (preds, target):
        dtype = x.dtype
        if dtype.kind not in "iu" or dtype.itemsize > 4 + 4 * (dtype.kind == "i"):
            return None
        if not (dtype.isnative and x.flags.c_contiguous):
            return None
        arrays.append(x if dtype == np.int64 else x.astype(np.int64))
    ok, raw_mi, h_a, h_b, independent, ka, kb, nnz = kcount.small_information(
        arrays[0], arrays[1], 4 * n + 4096
    )
    if not ok:
        return None
    perfect = nnz == ka == kb
    return (*exact_information(raw_mi, h_a, h_b, independent, ka, kb, perfect), ka, kb, perfect)


def _parallel_mutual_info(
    rows: IntArray,
    cols: IntArray,
    counts: AnyArray,
    row_sums: AnyArray,
    col_sums: AnyArray,
    n: float,
    cells: list[tuple[int, int]],
    small_cols_min: int,
) -> float:
    log_rows = kinfo.log_counts(row_sums)
    small_cols = np.empty(0, dtype=np.uint16)
    if col_sums.dtype == np.int64 and col_sums.size >= small_cols_min and col_sums.max() < 4096:
        small_cols, log_cols = col_sums.astype(np.uint16), np.empty(0)
    else:
        log_cols = kinfo.log_counts(col_sums)

    def terms(lo: int, hi: int) -> tuple[float, float]:
        return kinfo.mutual_info_terms(  # type: ignore[no-any-return]
            rows[lo:hi], cols[lo:hi], counts[lo:hi], log_rows, log_cols, small_cols, n
        )

    # fsum adds the partial sums and their compensations exactly, then rounds once
    return math.fsum(x for part in run_all(terms, cells) for x in part)


def nmi_of(
    mi: float,
    h_rows: float,
    h_cols: float,
    ka: int,
    kb: int,
    perfect: bool,
    average_method: str,
) -> float:
    """Return the NMI from :func:`exact_information`'s numbers and the table's shape.

    ``average_method`` must be checked already.
    """
    if ka == kb == 1 or ka == kb == 0:
        return 1.0  # scikit-learn's convention: no split on either side is a perfect match
    if perfect:
        return 1.0
    return float(nmi_regular(float(mi), float(h_rows), float(h_cols), average_method))


def nmi_regular(mi: Any, h_rows: Any, h_cols: Any, average_method: str) -> Any:
    """Return the NMI of tables that are no edge case of :func:`nmi_of`: floats or arrays."""
    normalizer = generalized_mean(h_rows, h_cols, average_method)
    # "min" with one cluster on a side: zero MI over zero entropy is 0.0
    if isinstance(normalizer, float):
        return 0.0 if normalizer <= 0.0 else min(max(0.0, mi / normalizer), 1.0)
    safe = np.where(normalizer > 0.0, normalizer, 1.0)
    # np.maximum(0.0, -0.0) is 0.0, not -0.0
    return np.where(normalizer > 0.0, np.minimum(np.maximum(0.0, mi / safe), 1.0), 0.0)


def size_counts(sums: IntArray, ones: int) -> tuple[IntArray, IntArray]:
    """Return the distinct positive ``sums`` and how often each occurs, ``ones`` more 1s.

    Both ``int64``, in increasing order: cluster sizes with their multiplicities, noise
    singletons counted as clusters of size 1 (or the cells of a table, with its singletons).
    """
    sums = np.asarray(sums, dtype=np.int64)
    if sums.size and int(sums.max()) <= 8 * sums.size + 1024:
        counts = np.bincount(sums)  # small values for their number: no sort
        sizes = np.flatnonzero(counts)
        mult = counts[sizes]
    else:
        sizes, mult = np.unique(sums, return_counts=True)
    if ones:
        if sizes.size and sizes[0] == 1:
            mult[0] += ones
        else:
            sizes, mult = np.concatenate(([1], sizes)), np.concatenate(([ones], mult))
    return sizes, mult


def expected_mutual_info_of_sums(
    row_sums: IntArray, col_sums: IntArray, n: int, row_ones: int, col_ones: int
) -> float:
    """EMI of tables with these marginals, plus ``row_ones``/``col_ones`` clusters of size 1."""
    if row_sums.size + row_ones <= 1 or col_sums.size + col_ones <= 1:
        return 0.0  # a labeling with zero entropy has zero mutual information with any other
    # Clusters of equal size contribute equal terms: each pair of distinct sizes once.
    a_sizes, a_mult = size_counts(row_sums, row_ones)
    b_sizes, b_mult = size_counts(col_sums, col_ones)
    # the sum runs over a's sizes, then b's: one order for (a, b) and (b, a), so that the
    # expected MI, and AMI with it, is symmetric bit for bit
    a_key = (a_sizes.size, a_sizes.tolist(), a_mult.tolist())
    if a_key > (b_sizes.size, b_sizes.tolist(), b_mult.tolist()):
        a_sizes, a_mult, b_sizes, b_mult = b_sizes, b_mult, a_sizes, a_mult
    span = int(a_sizes[-1]) + int(b_sizes[-1])
    base = max(n - span, 0)
    size = n - base
    window = kinfo.log_factorial_window(base, size) if size <= _MAX_LOG_WINDOW else _NO_WINDOW
    parts = max(1, min(n_threads(), a_sizes.size * b_sizes.size // _EMI_PARALLEL_MIN))
    # interleaved rows: the cost of a row grows with its size
    jobs = [
        (
            a_sizes[t::parts],
            a_mult[t::parts].astype(np.float64),
            b_sizes,
            b_mult.astype(np.float64),
            n,
            window,
            base,
        )
        for t in range(parts)
    ]
    partial = run_all(kinfo.expected_mutual_info_rows, jobs)
    return math.fsum(x for part in partial for x in part)


def ami_edge(ka: int, kb: int, perfect: bool) -> float | None:
    """Return the AMI of the tables that need no expected MI, None for the others."""
    if ka == kb == 1:
        return 1.0
    if ka == 1 or kb == 1:
        return 0.0
    if perfect:
        return 1.0  # (H - E) / (H - E), also when every sample is its own cluster, or none
    return None


def ami_of(
    mi: float, h_rows: float, h_cols: float, emi: float, n: float, ka: int, kb: int, method: str
) -> float:
    """Return the AMI from a table's information, its expected MI, size and shape.

    For the tables :func:`ami_edge` leaves; ``method`` must be checked already.
    """
    if n in (ka, kb):
        # One side puts every sample in a cluster of its own: every permutation has the
        # same mutual information, the other side's entropy, so MI - E[MI] is exactly 0.
        # Taken as exact, the result does not hang on rounding: 1.0 when the normalizer
        # is that entropy too (min), else 0.0 up to the epsilon below.
        mi = emi = h_cols if ka == n else h_rows
    normalizer = float(generalized_mean(h_rows, h_cols, method))
    # scikit-learn keeps both differences at least one machine epsilon from zero
    eps = float(np.finfo(np.float64).eps)
    denominator = normalizer - emi
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mi - emi
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    # at most 1.0: MI is at most the normalizer in exact arithmetic ("min": where one side
    # refines the other they are equal, and their sums can round apart)
    return min(float(numerator / denominator), 1.0)


SQUARES_EXACT_MAX = 3_000_000_000  # samples below which every sum of squared counts fits int64


_LIMB = 21  # bits of the low part of a count, when squares are summed past int64
_LIMB_CHUNK = 1 << 20  # counts per partial sum: each stays below 2**63


def sum_of_squares(x: AnyArray, n: int) -> int:
    """Return the sum of the squares of the counts ``x`` of ``n`` samples, exactly.

    In ``int64`` while every square and their sum fit (``n`` up to
    :data:`SQUARES_EXACT_MAX`); past that each count ``hi 2**21 + lo`` is squared by parts,
    each part summed in ``int64`` over chunks and the chunks added as Python integers (exact
    for counts below ``2**42``); beyond, one count at a time.
    """
    if n <= SQUARES_EXACT_MAX:
        return int(np.dot(x, x))
    x = np.asarray(x, np.int64)
    if x.size and int(x.max()) >= 1 << (2 * _LIMB):
        return sum(int(v) * int(v) for v in x)
    total = 0
    for start in range(0, x.size, _LIMB_CHUNK):
        part = x[start : start + _LIMB_CHUNK]
        hi, lo = part >> _LIMB, part & ((1 << _LIMB) - 1)
        total += (int(np.dot(hi, hi)) << (2 * _LIMB)) + (int(np.dot(hi, lo)) << (_LIMB + 1))
        total += int(np.dot(lo, lo))
    return total


def pair_confusion(n: int, cells: int, rows: int, cols: int) -> tuple[int, int, int, int]:
    """Return the ordered pairs of samples (apart in both, apart in target only, ...).

    As scikit-learn's ``pair_confusion_matrix(target, preds)``, ``[[tn, fp], [fn, tp]]``
    flattened: ``tn`` pairs apart in both labelings, ``fp`` together in ``preds`` only, ``fn``
    together in ``target`` only, ``tp`` together in both. From the sums of squares of the
    cells, of the ``preds`` cluster sizes (``rows``) and of the ``target`` ones (``cols``);
    exact Python integers at any size.
    """
    tp = cells - n
    fp = rows - cells
    fn = cols - cells
    tn = n * n - fp - fn - cells
    return tn, fp, fn, tp


def ari_of(n: int, cells: int, rows: int, cols: int) -> float:
    """Return the adjusted Rand index from the sums of squares of the cells, rows and columns.

    Every noise singleton counted as a cluster of one (a square of 1). Exact integers, one
    correctly rounded division: no overflow and no cancellation at any size.
    """
    tn, fp, fn, tp = pair_confusion(n, cells, rows, cols)
    if fn == 0 and fp == 0:
        return 1.0  # scikit-learn's convention: full agreement, or no samples
    return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def rand_of(n: int, cells: int, rows: int, cols: int) -> float:
    """Return the Rand index, the share of sample pairs the labelings treat alike, in [0, 1].

    From the same sums as :func:`ari_of`; 1.0 without pairs, or when every pair is treated
    alike (scikit-learn's convention).
    """
    tn, _, _, tp = pair_confusion(n, cells, rows, cols)
    numerator, denominator = tn + tp, n * n - n
    if numerator == denominator or denominator == 0:
        return 1.0
    return numerator / denominator


def fowlkes_mallows_of(n: int, cells: int, rows: int, cols: int) -> float:
    """Return the Fowlkes-Mallows index, the geometric mean of pair precision and recall.

    In [0, 1]; 0.0 when no pair is together in both labelings (scikit-learn's convention).
    Symmetric bit for bit: the two square roots are multiplied, in either order.
    """
    together = cells - n
    if together == 0:
        return 0.0
    return math.sqrt(together / (rows - n)) * math.sqrt(together / (cols - n))


_DENSE_ASSIGNMENT_MAX = 1 << 22  # cells of a table matched densely (32 MiB of float64)


def best_matching(
    rows: IntArray,
    cols: IntArray,
    counts: AnyArray,
    ka: int,
    kb: int,
    dense_max: int = _DENSE_ASSIGNMENT_MAX,
) -> Any:
    """Return the largest total of cells taken at most one per row and one per column.

    The best one-to-one matching of clusters to classes (the Hungarian assignment, any
    numbers of rows and columns). Tables of at most ``dense_max`` cells are solved densely
    by ``scipy.optimize.linear_sum_assignment``; larger ones on the sparse cells alone by
    ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, each row also offered a
    column of its own at the cost of matching nothing, so that every row can be matched and
    the least total cost is the largest matched total. Exact for counts (integer costs).
    """
    if counts.size == 0:
        return counts.dtype.type(0)
    if ka * kb <= dense_max:
        from scipy.optimize import linear_sum_assignment  # scipy loads on first need

        dense = np.zeros((ka, kb), dtype=counts.dtype)
        dense[rows, cols] = counts
        r, c = linear_sum_assignment(dense, maximize=True)
        return _matched_total(dense[r, c])
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    top = counts.max() + 1  # every cost positive: zero entries would be no edge at all
    cost = np.concatenate([top - counts, np.full(ka, top, dtype=counts.dtype)])
    graph = csr_array(
        (cost, (np.concatenate([rows, np.arange(ka)]), np.concatenate([cols, kb + np.arange(ka)]))),
        shape=(ka, kb + ka),
    )
    r, c = min_weight_full_bipartite_matching(graph)
    real = c < kb
    # the matched cells' counts: cells are sorted by (row, column)
    keys = rows * kb + cols
    at = np.searchsorted(keys, r[real] * kb + c[real])
    return _matched_total(counts[at])


def _matched_total(cells: AnyArray) -> Any:
    """Return the matched cells' total: exact counts, or weights summed in no order."""
    return weight_total(cells) if cells.dtype == np.float64 else cells.sum()


def cluster_accuracy_of(
    rows: IntArray,
    cols: IntArray,
    counts: AnyArray,
    ka: int,
    kb: int,
    n: Any,
    noise: Singletons | None,
    dense_max: int = _DENSE_ASSIGNMENT_MAX,
) -> float:
    """Return the share of samples in the best one-to-one matching of clusters to classes.

    The cells, the labels a side (``ka``, ``kb``) and the table's ``n`` (its total); noise
    singletons, of weight 1, are clusters
    of one: one of those next to a class can be matched to it, and a sample that is a
    singleton on both sides is its own cluster matched to its own class. 1.0 without
    samples, as the other scores of two empty labelings.
    """
    if n == 0:
        return 1.0
    extra = 0
    if noise is not None:
        # one singleton row per class that has some (each of weight 1: one is as good as
        # another), one singleton column per cluster that has some
        by_col = np.flatnonzero(noise.cols)
        by_row = np.flatnonzero(noise.rows)
        rows = np.concatenate([rows, ka + np.arange(by_col.size), by_row])
        cols = np.concatenate([cols, by_col, kb + np.arange(by_row.size)])
        counts = np.concatenate([counts, np.ones(by_col.size + by_row.size, counts.dtype)])
        order = np.lexsort((cols, rows))
        rows, cols, counts = rows[order], cols[order], counts[order]
        ka, kb = ka + by_col.size, kb + by_row.size
        extra = noise.totals.both
    matched = best_matching(rows, cols, counts, ka, kb, dense_max) + extra
    return float(matched / n)


def homogeneity_of(mi: Any, h_preds: Any, h_target: Any) -> Any:
    """Return the homogeneity, ``target`` as the classes: 1.0 where H(target) is 0.

    At most 1.0: where ``preds`` refine ``target`` MI equals H(target) in exact arithmetic,
    and the two sums can round apart (scikit-learn returns 1.0000000000000004 there).
    """
    if np.ndim(h_target) == 0:
        return min(mi / h_target, 1.0) if h_target else 1.0
    return np.minimum(mi / h_target, 1.0)


def completeness_of(mi: Any, h_preds: Any, h_target: Any) -> Any:
    """Return the completeness, ``target`` as the classes: 1.0 where H(preds) is 0."""
    return homogeneity_of(mi, h_target, h_preds)


def v_measure_of(homogeneity: Any, completeness: Any, beta: float = 1.0) -> Any:
    """Return the V-measure, the weighted harmonic mean of homogeneity and completeness.

    ``beta`` weighs completeness (scikit-learn's): above 1 it counts more. 0.0 where both are
    0, and where completeness is 0 with ``beta`` 0 (the weighted mean's 0 / 0).
    """
    total = homogeneity + completeness
    weighted = beta * homogeneity + completeness
    if np.ndim(total) == 0:
        if total == 0.0 or weighted == 0.0:
            return 0.0
        return (1 + beta) * homogeneity * completeness / weighted
    defined = (total != 0.0) & (weighted != 0.0)
    safe = np.where(defined, weighted, 1.0)
    return np.where(defined, (1 + beta) * homogeneity * completeness / safe, 0.0)


VI_SCALES = ("none", "log_n", "joint")


def variation_of_information_of(
    mi: Any, h_preds: Any, h_target: Any, scale: str = "none", n: float = 0.0
) -> Any:
    """Return the variation of information ``H(preds) + H(target) - 2 MI``: floats or arrays.

    ``scale``: ``"none"``, in nats; ``"log_n"``, over ``log(n)``, its largest value for ``n``
    samples (Meila), 0.0 for one sample or none; ``"joint"``, over the joint entropy
    ``H(preds) + H(target) - MI``, 0.0 where that is 0 (one cluster on both sides). Both
    normalized ones lie in [0, 1].
    """
    vi = np.maximum(0.0, h_preds + h_target - 2.0 * mi)
    if scale == "log_n":
        return vi / math.log(n) if n > 1 else 0.0 * vi
    if scale == "joint":
        joint = h_preds + h_target - mi
        if np.ndim(joint) == 0:
            return vi / joint if joint > 0.0 else 0.0
        return np.where(joint > 0.0, vi / np.where(joint > 0.0, joint, 1.0), 0.0)
    return vi


def expected_mutual_info(sums: Summary) -> float:
    """Return the expected MI of a table of counts under the permutation model, in nats."""
    ones = (0, 0) if sums.noise is None else sums.noise.totals.clusters
    return expected_mutual_info_of_sums(sums.row_sums, sums.col_sums, int(sums.n), *ones)


def squares(sums: Summary) -> tuple[int, int, int]:
    """Return the sums of squared counts of the cells, rows and columns of a table of counts.

    Noise singletons (of weight 1) are clusters and cells of one: a square of 1 each.
    """
    n = int(sums.n)
    rows = cols = cells = 0
    if sums.noise is not None:
        (rows, cols), cells = sums.noise.totals.clusters, sums.noise.totals.singletons
    cells += sum_of_squares(sums.counts, n)
    rows += sum_of_squares(sums.row_sums, n)
    cols += sum_of_squares(sums.col_sums, n)
    return cells, rows, cols


@dataclass(slots=True, eq=False)
class Summary:
    """What the scores read of one table: its size, shape, information and sums.

    Built once per table (the table keeps it) by :meth:`of`; the information triple (one
    pass of the kernels over the cells), the expected MI and the sums of squares are each
    computed when first asked, once (the last two need counts, not weights). Plain numbers
    and the table's own read-only arrays.
    """

    rows: IntArray
    cols: IntArray
    counts: AnyArray
    row_sums: AnyArray
    col_sums: AnyArray
    n: Any
    noise: Singletons | None
    ka: int  # clusters of preds, each noise singleton one
    kb: int  # clusters of target, likewise
    perfect: bool  # both labelings are the same partition
    _info: tuple[float, float, float] | None = None
    _emi: float | None = None
    _squares: tuple[int, int, int] | None = None

    @classmethod
    def of(
        cls,
        rows: IntArray,
        cols: IntArray,
        counts: AnyArray,
        row_sums: AnyArray,
        col_sums: AnyArray,
        n: Any,
        noise: Singletons | None,
    ) -> Summary:
        """Return the summary of a table's cells, margins, total and noise singletons."""
        ka, kb, cells = with_singletons(row_sums, col_sums, counts, noise)
        perfect = is_perfect_match(ka, kb, cells)
        return cls(rows, cols, counts, row_sums, col_sums, n, noise, ka, kb, perfect)

    @property
    def information(self) -> tuple[float, float, float]:
        """(mutual information, H(preds), H(target)) in nats, computed once."""
        if self._info is None:
            self._info = information(
                self.rows, self.cols, self.counts, self.row_sums, self.col_sums, self.n,
                self.noise,
            )  # fmt: skip
        return self._info

    @property
    def mi(self) -> float:
        """The mutual information in nats."""
        return self.information[0]

    @property
    def h_preds(self) -> float:
        """The entropy of ``preds`` in nats."""
        return self.information[1]

    @property
    def h_target(self) -> float:
        """The entropy of ``target`` in nats."""
        return self.information[2]

    def expected_mutual_info(self) -> float:
        """Return the expected MI (nats) of a table of counts, computed once."""
        if self._emi is None:
            self._emi = expected_mutual_info(self)
        return self._emi

    def squares(self) -> tuple[int, int, int]:
        """Return the sums of squared counts of cells, rows and columns (counts), once."""
        if self._squares is None:
            self._squares = squares(self)
        return self._squares
