"""Every score as a function of a contingency table.

MI, the entropies, NMI, expected MI, AMI, homogeneity/completeness/V-measure, variation of
information and the adjusted Rand index, each with scikit-learn's conventions for its edge
cases. :class:`~nmi.contingency.Contingency` exposes them as methods, which call these
functions and keep what is costly (the information triple, the expected MI) on the table.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._jit import loaded
from ._kernels import count as kcount
from ._kernels import info as kinfo
from ._noise import singleton_information
from ._parallel import PARALLEL_MIN, chunks, n_threads, run_all
from ._validation import AVERAGE_METHODS, check_average_method

if TYPE_CHECKING:  # annotations only: the table module calls this one
    from .contingency import Contingency

IntArray = npt.NDArray[np.int64]

_MAX_LOG_WINDOW = 1 << 24  # entries of exact log-factorial sums kept for the EMI kernel
_NO_WINDOW = np.empty(0, dtype=np.float64)
_EMI_PARALLEL_MIN = 1 << 16  # pairs of distinct sizes worth a thread of their own


SAME = "same"  # whole_counts: the table holds counts already


def whole_counts(table: Contingency) -> Contingency | str:
    """Return ``table`` in ``int64`` counts, :data:`SAME` if it is, or why it cannot be.

    The chance models (expected MI, AMI, ARI) count samples: weights must be whole numbers,
    and noise singletons of weight 1 (a singleton of weight 3 is one cluster of mass 3, not
    three samples). The reason is "singletons", "fractional" or "huge" (see
    :func:`no_chance_model`).
    """
    if table.noise is not None and table.noise.totals.non_unit:
        return "singletons"
    if not table.weighted:
        return SAME
    parts = [table.counts, table.row_sums, table.col_sums]
    if not all(bool(np.all(x == np.floor(x))) for x in parts):
        return "fractional"
    if table.n_samples >= 2.0**53:
        return "huge"
    return table.astype(np.int64)


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


def generalized_mean(u: float, v: float, average_method: str) -> float:
    """Return the mean of two entropies named by ``average_method``."""
    if average_method == "min":
        return min(u, v)
    if average_method == "geometric":
        return math.sqrt(u * v)
    if average_method == "arithmetic":
        return (u + v) / 2.0
    return max(u, v)


def is_perfect_match(table: Contingency) -> bool:
    """Whether both labelings are the same partition: one cell per row and per column."""
    ka, kb = table.n_clusters
    cells = table.nnz
    if table.noise is not None:
        cells += table.noise.totals.singletons
    return cells == ka == kb


def information(
    table: Contingency, min_chunk: int = PARALLEL_MIN, small_cols_min: int = 1 << 16
) -> tuple[float, float, float]:
    """Return (mutual information, H(preds), H(target)) in nats; zeros for an empty table.

    ``min_chunk``: tables with at least twice this many cells sum their terms on threads.
    ``small_cols_min``: from this many columns on (their logarithms then leave the L2 cache),
    those summed on threads read the logarithms of column sums below 4096 from a constant
    table, through ``uint16`` sums; the same bits.
    """
    n = table.n_samples
    if n == 0:
        return (0.0, 0.0, 0.0)
    cells = chunks(table.nnz, min_size=min_chunk)
    raw_mi, h_rows, h_cols, independent = kinfo.information(
        table.rows, table.cols, table.counts, table.row_sums, table.col_sums, n, len(cells) == 1
    )
    if len(cells) > 1 and not independent:
        raw_mi = _parallel_mutual_info(table, cells, small_cols_min)
    if table.noise is not None:
        independent = False  # the kernel saw the labelled cells only
        extra_mi, extra_rows, extra_cols = singleton_information(
            table.noise, table.row_sums, table.col_sums, n
        )
        raw_mi += extra_mi
        h_rows += extra_rows
        h_cols += extra_cols
    ka, kb = table.n_clusters
    return settle(raw_mi, h_rows, h_cols, independent, ka, kb, is_perfect_match(table))


def settle(
    raw_mi: float,
    h_rows: float,
    h_cols: float,
    independent: bool,
    ka: int,
    kb: int,
    perfect: bool,
) -> tuple[float, float, float]:
    """Return (mutual information, H(preds), H(target)) from the sums of the kernel.

    ``perfect``: both labelings are the same partition (:func:`is_perfect_match`).
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
    return (*settle(raw_mi, h_a, h_b, independent, ka, kb, perfect), ka, kb, perfect)


def _parallel_mutual_info(
    table: Contingency, cells: list[tuple[int, int]], small_cols_min: int
) -> float:
    log_rows = kinfo.log_counts(table.row_sums)
    col_sums = table.col_sums
    small_cols = np.empty(0, dtype=np.uint16)
    if col_sums.dtype == np.int64 and col_sums.size >= small_cols_min and col_sums.max() < 4096:
        small_cols, log_cols = col_sums.astype(np.uint16), np.empty(0)
    else:
        log_cols = kinfo.log_counts(col_sums)

    def terms(lo: int, hi: int) -> tuple[float, float]:
        return kinfo.mutual_info_terms(  # type: ignore[no-any-return]
            table.rows[lo:hi],
            table.cols[lo:hi],
            table.counts[lo:hi],
            log_rows,
            log_cols,
            small_cols,
            table.n_samples,
        )

    # fsum adds the partial sums and their compensations exactly, then rounds once
    return math.fsum(x for part in run_all(terms, cells) for x in part)


def normalized_mutual_info(table: Contingency, average_method: str) -> float:
    """Return the NMI of a table (see :meth:`nmi.Contingency.normalized_mutual_info`)."""
    average_method = check_average_method(average_method)
    ka, kb = table.n_clusters
    mi, h_rows, h_cols = table.information()
    return nmi_of(mi, h_rows, h_cols, ka, kb, is_perfect_match(table), average_method)


def nmi_of(
    mi: float,
    h_rows: float,
    h_cols: float,
    ka: int,
    kb: int,
    perfect: bool,
    average_method: str,
) -> float:
    """Return the NMI from :func:`settle`'s numbers and the table's shape.

    ``average_method`` must be checked already.
    """
    if ka == kb == 1 or ka == kb == 0:
        return 1.0  # scikit-learn's convention: no split on either side is a perfect match
    if perfect:
        return 1.0
    normalizer = generalized_mean(h_rows, h_cols, average_method)
    if normalizer <= 0.0:  # "min" with one cluster on a side: zero MI over zero entropy
        return 0.0
    return min(max(0.0, mi / normalizer), 1.0)  # max(0.0, -0.0) is 0.0, not -0.0


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


def expected_mutual_info(table: Contingency) -> float:
    """Return the expected MI of a table (see :meth:`nmi.Contingency.expected_mutual_info`)."""
    counts = table.whole_counts("the expected mutual information")
    ones = (0, 0) if counts.noise is None else counts.noise.totals.clusters
    return expected_mutual_info_of_sums(
        counts.row_sums, counts.col_sums, int(counts.n_samples), *ones
    )


def adjusted_mutual_info(table: Contingency, average_method: str) -> float:
    """Return the AMI of a table (see :meth:`nmi.Contingency.adjusted_mutual_info`)."""
    average_method = check_average_method(average_method)
    n = table.whole_counts("adjusted mutual information").n_samples
    ka, kb = table.n_clusters
    trivial = ami_edge(ka, kb, is_perfect_match(table))
    if trivial is not None:
        return trivial
    mi, h_rows, h_cols = table.information()
    return ami_of(mi, h_rows, h_cols, table.expected_mutual_info(), n, ka, kb, average_method)


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
    normalizer = generalized_mean(h_rows, h_cols, method)
    # scikit-learn keeps both differences at least one machine epsilon from zero
    eps = float(np.finfo(np.float64).eps)
    denominator = normalizer - emi
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mi - emi
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    return float(numerator / denominator)


def adjusted_rand(table: Contingency) -> float:
    """Return the adjusted Rand index of a table, as scikit-learn's ``adjusted_rand_score``."""
    counts = table.whole_counts("the adjusted Rand index")
    n = int(counts.n_samples)

    def squares(x: IntArray) -> int:
        if n <= 3_000_000_000:  # every sum of squares fits int64
            return int(np.dot(x, x))
        return sum(int(v) * int(v) for v in x)

    n_p = n_t = n_b = 0
    if counts.noise is not None:  # singletons of weight 1: a square of 1 each
        t = counts.noise.totals
        n_p, n_t, n_b = t.preds, t.target, t.both
    cells = squares(counts.counts) + n_p + n_t + n_b
    rows = squares(counts.row_sums) + n_p + n_b
    cols = squares(counts.col_sums) + n_t + n_b
    return ari_of(n, cells, rows, cols)


def ari_of(n: int, cells: int, rows: int, cols: int) -> float:
    """Return the adjusted Rand index from the sums of squares of the cells, rows and columns.

    Every noise singleton counted as a cluster of one (a square of 1); exact Python ints.
    """
    tp = cells - n
    fp = cols - cells
    fn = rows - cells
    tn = n * n - fp - fn - cells
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def hcv_of(mi: float, h_preds: float, h_target: float, n: float) -> tuple[float, float, float]:
    """Return (homogeneity, completeness, V-measure), ``target`` as the classes."""
    if n == 0:
        return 1.0, 1.0, 1.0
    homogeneity = mi / h_target if h_target else 1.0
    completeness = mi / h_preds if h_preds else 1.0
    total = homogeneity + completeness
    return homogeneity, completeness, 2.0 * homogeneity * completeness / total if total else 0.0


def all_scores(table: Contingency) -> dict[str, float]:
    """Return every score of a table (see :meth:`nmi.Contingency.scores`)."""
    mi, h_preds, h_target = table.information()
    out: dict[str, Any] = {"mutual_info": mi, "entropy_preds": h_preds, "entropy_target": h_target}
    for method in AVERAGE_METHODS:
        out[f"nmi_{method}"] = normalized_mutual_info(table, method)
    try:
        table.whole_counts("")
        chance = True
    except ValueError:
        chance = False
    for method in AVERAGE_METHODS:
        out[f"ami_{method}"] = adjusted_mutual_info(table, method) if chance else math.nan
    homogeneity, completeness, v_measure = hcv_of(mi, h_preds, h_target, table.n_samples)
    out["homogeneity"] = homogeneity
    out["completeness"] = completeness
    out["v_measure"] = v_measure
    out["variation_of_information"] = max(0.0, h_preds + h_target - 2.0 * mi)
    out["adjusted_rand"] = adjusted_rand(table) if chance else math.nan
    # the reductions count objects too: the same weights are refused
    out["reduced_mutual_info"] = table.reduced_mutual_info() if chance else math.nan
    out["normalized_reduced_mutual_info"] = (
        table.normalized_reduced_mutual_info() if chance else math.nan
    )
    return out
