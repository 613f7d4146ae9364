"""The results of resampling: frozen dataclasses with ``scipy.stats``' attribute names.

``confidence_interval.low/.high``, ``standard_error``, ``bootstrap_distribution`` as
``scipy.stats.bootstrap``; ``statistic``, ``pvalue``, ``null_distribution`` as
``scipy.stats.permutation_test``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .._types import FloatArray


class IndependenceWarning(UserWarning):
    """The labelings cannot be told from independent ones, and the interval may not hold.

    At independence a score sits at its chance level: the edge of its range for NMI, MI and
    homogeneity, which every replicate overshoots, or a value that its replicates do not
    spread around as the interval assumes (AMI held 0 in about half of the data sets of the
    coverage benchmark). Whether a score is better than chance is a question for
    :func:`nmi.permutation_test`.
    """


class SparseTableWarning(UserWarning):
    """The table has too few samples per cell for a bootstrap interval to mean much.

    A score estimated from a sample overshoots its population value (for the mutual
    information by about ``(cells - 1) / (2 n)`` nats), and intervals then miss it more
    often than their confidence level says.
    """


class ConfidenceInterval(NamedTuple):
    """Lower and upper end of a confidence interval."""

    low: float
    high: float


@dataclass(frozen=True)
class BootstrapResult:
    """A score with its bootstrap interval (``scipy.stats.bootstrap``'s conventions).

    Attributes
    ----------
    statistic : float
        The score of the table.
    confidence_interval : ConfidenceInterval
        ``low`` and ``high``; NaN where the method is not defined on these replicates.
    standard_error : float
        Standard deviation of the replicates (``ddof=1``).
    bootstrap_distribution : numpy.ndarray
        The score of each replicate, in the order drawn.
    method, confidence_level : str, float
        As asked.
    """

    statistic: float
    confidence_interval: ConfidenceInterval
    standard_error: float
    bootstrap_distribution: FloatArray = field(repr=False)
    method: str
    confidence_level: float


@dataclass(frozen=True)
class PermutationTestResult:
    """A score with its permutation p-value (``scipy.stats.permutation_test``'s conventions).

    Attributes
    ----------
    statistic : float
        The score of the table.
    pvalue : float
        ``(1 + replicates at least as extreme) / (1 + n_resamples)``: never 0, exact in
        size for a randomized test.
    null_distribution : numpy.ndarray
        The score of each random table with the observed cluster sizes.
    alternative : str
        As asked.
    """

    statistic: float
    pvalue: float
    null_distribution: FloatArray = field(repr=False)
    alternative: str


@dataclass(frozen=True)
class ComparisonResult:
    """The difference of two clusterings' scores against one target, with its uncertainty.

    Attributes
    ----------
    statistic : float
        ``score(preds_a) - score(preds_b)``.
    scores : tuple of float
        The two scores.
    confidence_interval : ConfidenceInterval
        Of the difference, from the paired bootstrap (samples resampled jointly).
    pvalue : float
        Two-sided bootstrap p-value of no difference: twice the smaller share of replicate
        differences on either side of 0 (each share counting ``1 + replicates`` over
        ``1 + n_resamples``), at most 1.
    standard_error : float
        Of the difference.
    bootstrap_distribution : numpy.ndarray, shape (n_resamples, 2)
        Each replicate's two scores (their difference is ``[:, 0] - [:, 1]``).
    method, confidence_level : str, float
        As asked.
    """

    statistic: float
    scores: tuple[float, float]
    confidence_interval: ConfidenceInterval
    pvalue: float
    standard_error: float
    bootstrap_distribution: FloatArray = field(repr=False)
    method: str
    confidence_level: float
