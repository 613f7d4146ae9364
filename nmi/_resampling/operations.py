"""The three operations on a table: bootstrap, permutation test and paired comparison.

Each public operation has one validation function (``*_arguments``) that checks and
normalizes every argument before any draw, as ``scipy.stats``' resampling functions do;
the operation itself then draws the replicates (:mod:`.replicates`) and reads the interval
or p-value off them (:mod:`.intervals`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .._kernels import resample as kres
from .._parallel import run_all
from .._scores import SQUARES_EXACT_MAX
from .._types import FloatArray, IntArray
from .._validation import check_choice
from ..contingency import Contingency
from .intervals import (
    ALTERNATIVES,
    METHODS,
    check_confidence_level,
    check_n_resamples,
    clip_to_range,
    holding,
    interval,
    pvalue_of,
    replicate_seeds,
    warn_near_independence,
    warn_sparse,
)
from .replicates import (
    AskedScore,
    check_score,
    leave_one_out_scores,
    replicate_ranges,
    replicate_scores,
    score_of_unit_counts,
    score_one_replicate,
    xlogx_table_for,
)
from .results import BootstrapResult, ComparisonResult, PermutationTestResult
from .units import UnitTable, units_and_view

_DENSE_MAX = 1 << 27  # cells of a permutation replicate (1 GiB of counts)


class IntervalArguments(NamedTuple):
    """The checked arguments of a bootstrap or a comparison."""

    score: AskedScore
    n_resamples: int
    confidence_level: float
    method: str


def bootstrap_arguments(
    score: object,
    n_resamples: object,
    confidence_level: object,
    method: object,
    average_method: object,
) -> IntervalArguments:
    """Check the arguments of :func:`bootstrap_table` (and of a comparison); raise naming one."""
    return IntervalArguments(
        check_score(score, average_method),
        check_n_resamples(n_resamples),
        check_confidence_level(confidence_level),
        check_choice(method, "method", METHODS),
    )


def bootstrap_table(
    table: Contingency,
    score: object,
    *,
    n_resamples: object,
    confidence_level: object,
    method: object,
    random_state: object,
    average_method: object,
) -> BootstrapResult:
    """Return the score of a table with its bootstrap interval (see :func:`nmi.bootstrap`)."""
    spec, b, level, how = bootstrap_arguments(
        score, n_resamples, confidence_level, method, average_method
    )
    counted = table.whole_counts("the bootstrap")
    x, view = units_and_view(counted)
    if x.size == 0:
        raise ValueError("the bootstrap needs at least one sample: the table is empty")
    seeds = replicate_seeds(random_state, b)  # after every check: a generator is drawn from
    statistic = spec.of_table(table)
    warn_sparse(x)
    if spec.score is not None:
        rows, cols = margins(counted)
        n = int(counted.n_samples)
        warn_near_independence(spec.score.name, spec.score.holds_at_independence, how, n,
                               counted.summary.mi, (rows.size - 1) * (cols.size - 1))  # fmt: skip
    replicates = replicate_scores(spec, x, [view], seeds)[:, 0]
    theta = score_of_unit_counts(spec, x, view)

    def leave_one_out() -> tuple[FloatArray, IntArray]:
        return leave_one_out_scores(spec, x, view), x

    ci = clip_to_range(interval(replicates, theta, leave_one_out, how, level), *spec.range)
    ci = holding(ci, how, statistic)
    se = float(np.std(replicates, ddof=1)) if b > 1 else math.nan
    return BootstrapResult(statistic, ci, se, replicates, how, level)


def permutation_arguments(
    score: object, n_resamples: object, alternative: object, average_method: object
) -> tuple[AskedScore, int, str]:
    """Check the arguments of :func:`permutation_test_table`; raise naming the one refused."""
    return (
        check_score(score, average_method),
        check_n_resamples(n_resamples),
        check_choice(alternative, "alternative", ALTERNATIVES),
    )


def permutation_test_table(
    table: Contingency,
    score: object,
    *,
    n_resamples: object,
    alternative: object,
    random_state: object,
    average_method: object,
) -> PermutationTestResult:
    """Return the score of a table with its permutation p-value (:func:`nmi.permutation_test`)."""
    spec, b, side = permutation_arguments(score, n_resamples, alternative, average_method)
    counted = table.whole_counts("the permutation test")
    n = int(counted.n_samples)
    if n == 0:
        raise ValueError("the permutation test needs at least one sample: the table is empty")
    row_sums, col_sums = margins(counted)
    cells = row_sums.size * col_sums.size
    if cells > _DENSE_MAX:
        raise ValueError(
            f"the permutation test draws a whole {row_sums.size} x {col_sums.size} table per "
            f"replicate (noise singletons as clusters of one), over its limit of {_DENSE_MAX} "
            "cells; merge small clusters, or use noise_policy 'drop' or 'keep' for the noise"
        )
    seeds = replicate_seeds(random_state, b)
    statistic = spec.of_table(table)
    x, view = units_and_view(counted)
    theta = score_of_unit_counts(spec, x, view)
    null = np.empty(b, np.float64)
    squares_fit = not spec.reads_squares or n <= SQUARES_EXACT_MAX  # the kernels' int64
    if spec.score is not None and spec.score.of_sums is not None and squares_fit:
        # the margins are fixed: the expected MI is the table's own
        emi = counted.expected_mutual_info() if spec.score.fixed_margins_only else 0.0
        terms = xlogx_table_for(np.concatenate([row_sums, col_sums]))
        out_f = np.empty(b, np.float64)
        out_i = np.empty((b, 2), np.int64)
        jobs = [
            (row_sums, col_sums, n, seeds[lo:hi], terms, out_f[lo:hi], out_i[lo:hi])
            for lo, hi in replicate_ranges(b, row_sums.size * col_sums.size)
        ]
        run_all(kres.permutation_stats, jobs)
        f = np.empty(kres.FLOAT_STATS, np.float64)
        i = np.empty(kres.INT_STATS, np.int64)
        f[kres.S_ROWS] = float(np.dot(row_sums, np.log(row_sums)))
        f[kres.S_COLS] = float(np.dot(col_sums, np.log(col_sums)))
        i[kres.K_ROWS], i[kres.K_COLS] = row_sums.size, col_sums.size
        i[kres.SQ_ROWS] = int(np.dot(row_sums, row_sums))
        i[kres.SQ_COLS] = int(np.dot(col_sums, col_sums))
        for r in range(b):
            f[kres.S_CELLS] = out_f[r]
            i[kres.CELLS], i[kres.SQ_CELLS] = out_i[r]
            null[r] = score_one_replicate(spec, n, f, i, emi)
    else:
        dense = np.empty((row_sums.size, col_sums.size), np.int64)
        for r in range(b):
            kres.permutation_table(row_sums, col_sums, n, seeds[r], dense)
            rr, cc = np.nonzero(dense)
            labels = np.arange(row_sums.size), np.arange(col_sums.size)
            null[r] = spec.of_table(Contingency(rr, cc, dense[rr, cc], *labels))
    return PermutationTestResult(statistic, pvalue_of(null, theta, side), null, side)


def margins(table: Contingency) -> tuple[IntArray, IntArray]:
    """Return the row and column sums, each noise singleton a cluster of size 1."""
    rows, cols = [table.row_sums], [table.col_sums]
    if table.noise is not None:
        ones_rows, ones_cols = table.noise.totals.clusters
        rows.append(np.ones(ones_rows, np.int64))
        cols.append(np.ones(ones_cols, np.int64))
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def compare_tables(
    joint: Contingency,
    a_of_row: IntArray,
    b_of_row: IntArray,
    t_of_col: IntArray,
    tables: tuple[Contingency, Contingency],
    score: object,
    *,
    n_resamples: object,
    confidence_level: object,
    method: object,
    random_state: object,
    average_method: object,
) -> ComparisonResult:
    """Paired bootstrap of two clusterings' scores against one target (``nmi.compare``).

    ``joint``: the table of ((a, b) pair, target) counts; ``a_of_row``, ``b_of_row``: the
    code of ``a`` and of ``b`` of each joint row, ``t_of_col`` the target's of each joint
    column. ``tables``: a against target, b against target, whose row and column labels are
    those codes; noise singletons have a code past every label.
    """
    spec, b, level, how = bootstrap_arguments(
        score, n_resamples, confidence_level, method, average_method
    )
    x = joint.counts.astype(np.int64)
    if x.size == 0:
        raise ValueError("the comparison needs at least one sample")
    seeds = replicate_seeds(random_state, b)
    views = []
    for of_row, table in zip((a_of_row, b_of_row), tables, strict=True):
        n_rows, n_cols = table.shape
        # the codes as the table's rows and columns (the singletons' past the last)
        rows = _positions(of_row[joint.rows], table.row_labels)
        cols = _positions(t_of_col[joint.cols], table.col_labels)
        cells, unit_cell = np.unique(rows * (n_cols + 1) + cols, return_inverse=True)
        cell_rows, cell_cols = np.divmod(cells, n_cols + 1)
        views.append(
            UnitTable(unit_cell.astype(np.int64), cell_rows, cell_cols, n_rows, n_cols, table)
        )
    pair = replicate_scores(spec, x, views, seeds)
    diffs = pair[:, 0] - pair[:, 1]
    score_a, score_b = (spec.of_table(t) for t in tables)
    theta = score_of_unit_counts(spec, x, views[0]) - score_of_unit_counts(spec, x, views[1])

    def leave_one_out() -> tuple[FloatArray, IntArray]:
        a = leave_one_out_scores(spec, x, views[0])
        return a - leave_one_out_scores(spec, x, views[1]), x

    low, high = spec.range
    ci = clip_to_range(interval(diffs, theta, leave_one_out, how, level), low - high, high - low)
    ci = holding(ci, how, score_a - score_b)
    se = float(np.std(diffs, ddof=1)) if b > 1 else math.nan
    pvalue = pvalue_of(diffs, 0.0, "two-sided")
    pair_scores = (score_a, score_b)
    return ComparisonResult(score_a - score_b, pair_scores, ci, pvalue, se, pair, how, level)


def _positions(codes: IntArray, labels: npt.ArrayLike) -> IntArray:
    """Return the row (or column) of each code among the table's ``labels``, in order.

    The singletons' code, past every label, gives the number of labels: the views' mark of
    singletons.
    """
    return np.searchsorted(np.asarray(labels, np.int64), codes).astype(np.int64)
