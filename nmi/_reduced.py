"""The reduced mutual information (RMI) of a table, and its normalizations.

The mutual information of two labelings counts what one tells of the other, but not the
cost of telling which contingency table links them: with more clusters it rises even for
random labelings. The reduced mutual information subtracts that cost, the information
needed to send the table given the sizes of the clusters that are sent anyway (Newman,
Cantwell and Young, arXiv:1907.12581; Jerdee, Kirkley and Newman, arXiv:2405.05393 and
arXiv:2307.01282). Two ways of pricing the table:

- ``"dirichlet"``: each column of the table is drawn from a Dirichlet-multinomial
  distribution whose concentration is chosen to fit the table best (the cost minimised over
  ``alpha`` in ``[1e-4, 1e4]``, see :func:`nmi._kernels.info.dirichlet_minimum`); the sizes of
  the target's clusters are priced the same way. It is asymmetric: the information ``preds``
  carry about ``target`` differs slightly from the reverse.
- ``"flat"``: every table with the given row and column sums is equally likely; their number
  is estimated by the effective-columns formula (Jerdee, Kirkley and Newman,
  arXiv:2209.14869), exact when every cluster of the target holds one sample.

Both start from the microcanonical mutual information, ``log(n! prod(cells!) /
(prod(row sums!) prod(column sums!)))``, which counts arrangements of objects rather than
probabilities. The values here are per object, in nats, as :func:`nmi.mutual_info_score`;
``clustering-mi`` reports totals over all objects in bits: multiply ours by ``n / log(2)``.
``"none"`` leaves the plain mutual information (the plug-in estimate of
:func:`nmi.mutual_info_score`), unreduced.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ._kernels import info as kinfo
from ._scores import Summary, size_counts
from ._types import Histogram

REDUCTIONS = ("dirichlet", "flat", "none")
NORMALIZATIONS = ("target", "preds", "mean")


def check_reduction(reduction: Any) -> str:
    """Return ``reduction`` if it names one of :data:`REDUCTIONS`, else raise ValueError."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}"
        )
    return reduction


def check_normalization(normalization: Any) -> str:
    """Return ``normalization`` if it names one of :data:`NORMALIZATIONS`, else raise."""
    if not isinstance(normalization, str) or normalization not in NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {', '.join(map(repr, NORMALIZATIONS))}; "
            f"got {normalization!r}"
        )
    return normalization


def histogram(values: npt.NDArray[Any], ones: int) -> Histogram:
    """Return :func:`~nmi._scores.size_counts` of ``values`` as ``float64``, for the kernels."""
    distinct, mult = size_counts(values, ones)
    return distinct.astype(np.float64), mult.astype(np.float64)


class SizeHistograms:
    """A table of counts as the reductions read it: histograms of its sums and cells.

    Noise singletons are clusters of one sample: a 1 among the sums of their side (both
    sides for a singleton of both) and a cell of 1.
    """

    __slots__ = ("cells", "cols", "k_cols", "k_rows", "n", "rows")

    def __init__(self, sums: Summary) -> None:
        rows = cols = cells = 0
        if sums.noise is not None:
            (rows, cols), cells = sums.noise.totals.clusters, sums.noise.totals.singletons
        self.n = int(sums.n)
        self.rows = histogram(sums.row_sums, int(rows))
        self.cols = histogram(sums.col_sums, int(cols))
        self.cells = histogram(sums.counts, int(cells))
        self.k_rows, self.k_cols = sums.ka, sums.kb


def _log_factorials(h: Histogram) -> float:
    """Sum of ``log(v!)`` over a histogram's values, each as often as it occurs."""
    return math.fsum(h[1] * np.array([math.lgamma(v + 1.0) for v in h[0]]))


def _single(value: float) -> Histogram:
    return np.array([value], dtype=np.float64), np.ones(1, dtype=np.float64)


def microcanonical_mi(truth: Histogram, given: Histogram, cells: Histogram, n: int) -> float:
    """``log(n!) - sum log(truth sums!) - sum log(given sums!) + sum log(cells!)``, nats."""
    return math.fsum(
        (
            math.lgamma(n + 1.0),
            -_log_factorials(truth),
            -_log_factorials(given),
            _log_factorials(cells),
        )
    )


def dirichlet_rmi(
    truth: Histogram, k_truth: int, given: Histogram, cells: Histogram, n: int
) -> float:
    """Total RMI in nats of the Dirichlet-multinomial reduction: what ``given`` tells of ``truth``.

    ``truth``, ``given``: the histograms of the two sides' cluster sizes, ``k_truth`` the
    number of clusters of ``truth``; ``cells`` the histogram of the table's cells; ``n > 0``
    samples (the callers answer empty tables before).
    """
    sizes_cost = kinfo.dirichlet_minimum(*_single(n), k_truth, *truth)
    table_cost = kinfo.dirichlet_minimum(*given, k_truth, *cells)
    return math.fsum((microcanonical_mi(truth, given, cells, n), sizes_cost, -table_cost))


def log_tables(rows: Histogram, cols: Histogram, n: int) -> float:
    """Estimated log of the number of tables with these row and column sums, in nats.

    The effective-columns estimate, which treats the rows as drawn from a Dirichlet-
    multinomial whose concentration matches the spread of the column sums. When every column
    sums to 1 the count is exact: ``n! / prod(row sums!)`` ways to give each column its one
    object.
    """
    m = float(rows[1].sum())  # number of rows
    squares = float(np.dot(cols[1], cols[0] * cols[0]))
    if squares == n:  # every column sum is 1
        return math.lgamma(n + 1.0) - _log_factorials(rows)
    alpha = (n * n - n + (n * n - squares) / m) / (squares - n)
    return math.fsum(
        (
            -kinfo.log_binomial_sum(*_single(n), m * alpha),
            kinfo.log_binomial_sum(*rows, alpha),
            kinfo.log_binomial_sum(*cols, m),
        )
    )


def flat_rmi(truth: Histogram, given: Histogram, cells: Histogram, n: int) -> float:
    """Total RMI in nats of the flat reduction (what ``given`` tells of ``truth``), ``n > 0``."""
    return microcanonical_mi(truth, given, cells, n) - log_tables(given, truth, n)


def _total(parts: SizeHistograms, reduction: str, preds_given: bool) -> float:
    """Total RMI in nats: of ``preds`` about ``target`` (``preds_given``), or the reverse."""
    if preds_given:
        truth, given, k_truth = parts.cols, parts.rows, parts.k_cols
    else:
        truth, given, k_truth = parts.rows, parts.cols, parts.k_rows
    if reduction == "dirichlet":
        return dirichlet_rmi(truth, k_truth, given, parts.cells, parts.n)
    return flat_rmi(truth, given, parts.cells, parts.n)


def _self_total(side: Histogram, k: int, n: int, reduction: str) -> float:
    """Total RMI in nats of a labeling with itself (the table of its cluster sizes)."""
    if reduction == "dirichlet":
        return dirichlet_rmi(side, k, side, side, n)
    return flat_rmi(side, side, side, n)


def reduced_mutual_info(sums: Summary, reduction: str) -> float:
    """Return the RMI of ``preds`` about ``target`` per object, in nats.

    ``sums``: the summary of a table of counts; ``reduction`` checked, not ``"none"``.
    """
    parts = SizeHistograms(sums)
    return _total(parts, reduction, True) / parts.n if parts.n else 0.0


def nrmi_edge(ka: int, kb: int, normalization: str) -> float | None:
    """Return the normalized RMI where there is nothing to know, None elsewhere."""
    # a side without a split (or no samples) is told in full
    if (normalization == "target" and kb <= 1) or (normalization == "preds" and ka <= 1):
        return 1.0
    if ka <= 1 and kb <= 1:
        return 1.0
    return None


def nrmi_unreduced(mi: float, h_preds: float, h_target: float, normalization: str) -> float:
    """Return the normalized MI without reduction (homogeneity, completeness, V-measure)."""
    numerator = 2.0 * mi if normalization == "mean" else mi
    # positive: a side without entropy has a single cluster, answered by nrmi_edge
    denominator = {"target": h_target, "preds": h_preds}.get(normalization, h_preds + h_target)
    return numerator / denominator


def normalized_reduced_mutual_info(sums: Summary, normalization: str, reduction: str) -> float:
    """Return the RMI as a fraction of what there is to know, for the tables past the edges.

    ``sums``: the summary of a table of counts that :func:`nrmi_edge` leaves; both options
    checked, ``reduction`` not ``"none"``.
    """
    if sums.perfect:
        return 1.0
    parts = SizeHistograms(sums)
    ka, kb = sums.ka, sums.kb
    numerator = denominator = 0.0
    if normalization != "preds":
        numerator += _total(parts, reduction, True)
        denominator += _self_total(parts.cols, kb, parts.n, reduction)
    if normalization != "target":
        numerator += _total(parts, reduction, False)
        denominator += _self_total(parts.rows, ka, parts.n, reduction)
    return numerator / denominator if denominator > 0 else 0.0
