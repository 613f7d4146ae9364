"""Intervals and p-values from replicates, and the checks of the resampling arguments.

The basic, percentile and BCa intervals (as ``scipy.stats.bootstrap`` computes them from
the same replicates), the randomized permutation p-value, intervals kept in a score's
range, the sparse-table warning, and each argument's check with a message naming it.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .._types import FloatArray, IntArray
from .results import ConfidenceInterval, IndependenceWarning, SparseTableWarning

METHODS = ("basic", "percentile", "bca")
ALTERNATIVES = ("greater", "less", "two-sided")
SPARSE_SAMPLES_PER_CELL = 5.0  # below this many samples per cell the interval is warned of
_PACKAGE = __name__.split(".")[0]


MAX_RESAMPLES = 10**8  # replicates: each holds some 100 bytes of sums while it is drawn


def check_n_resamples(n_resamples: object) -> int:
    """Return ``n_resamples`` as an int from 1 to :data:`MAX_RESAMPLES`, else raise."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise TypeError(f"n_resamples must be a whole number, got {n_resamples!r}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if n_resamples > MAX_RESAMPLES:
        raise ValueError(
            f"n_resamples must be at most {MAX_RESAMPLES:,} (each replicate holds some 100 "
            f"bytes while it is drawn), got {n_resamples:,}; 9,999 replicates give intervals "
            "and p-values to about 0.5%"
        )
    return int(n_resamples)


def check_confidence_level(level: object) -> float:
    """Return the confidence level as a float strictly between 0 and 1, else raise."""
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating, np.integer)):
        raise TypeError(f"confidence_level must be a number, got {level!r}")
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"confidence_level must lie strictly between 0 and 1, got {level!r}")
    return float(level)


def replicate_seeds(random_state: object, n: int) -> npt.NDArray[np.uint32]:
    """Return one ``uint32`` seed per replicate from ``random_state``.

    None (fresh entropy), an int, a ``numpy.random.SeedSequence`` or ``Generator``; the same
    value gives the same seeds, and so the same replicates on any number of threads.
    """
    if random_state is None or isinstance(random_state, (int, np.integer)):
        if isinstance(random_state, bool) or (random_state is not None and random_state < 0):
            raise ValueError(f"random_state must be a non-negative int, got {random_state!r}")
        seq = np.random.SeedSequence(None if random_state is None else int(random_state))
    elif isinstance(random_state, np.random.SeedSequence):
        seq = random_state
    elif isinstance(random_state, np.random.Generator):
        seq = np.random.SeedSequence(random_state.integers(0, 2**63, size=4).tolist())
    else:
        raise TypeError(
            "random_state must be None, an int, a numpy.random.SeedSequence or a "
            f"numpy.random.Generator, got {type(random_state).__name__}"
        )
    return seq.generate_state(n, dtype=np.uint32).astype(np.uint32)


def interval(
    replicates: FloatArray,
    theta: float,
    leave_one_out: Callable[[], tuple[FloatArray, IntArray]],
    method: str,
    level: float,
) -> ConfidenceInterval:
    """Return the interval of ``method`` from the replicates and the estimate ``theta``.

    ``leave_one_out``: returns (the score with one sample of each unit left out, how many
    samples each unit stands for), for BCa's acceleration.
    """
    alpha = (1.0 - level) / 2.0
    if np.isnan(replicates).any():
        return ConfidenceInterval(math.nan, math.nan)
    if method == "percentile":
        low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
        return ConfidenceInterval(float(low), float(high))
    if method == "basic":
        low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
        return ConfidenceInterval(float(2 * theta - high), float(2 * theta - low))
    from statistics import NormalDist

    normal = NormalDist()
    # median bias of the replicates (ties counted half), as in scipy.stats.bootstrap
    below = (np.count_nonzero(replicates < theta) + np.count_nonzero(replicates <= theta)) / (
        2.0 * replicates.size
    )
    if not 0.0 < below < 1.0:
        warnings.warn(
            "the BCa interval is not defined: every replicate lies on one side of the "
            "score; try method='percentile' or more samples",
            RuntimeWarning,
            stacklevel=outside_level(),
        )
        return ConfidenceInterval(math.nan, math.nan)
    z0 = normal.inv_cdf(below)
    values, weights = leave_one_out()
    mean = float(np.dot(values, weights) / weights.sum())
    d = mean - values
    spread = float(np.dot(weights, d * d))
    accel = float(np.dot(weights, d**3)) / (6.0 * spread**1.5) if spread > 0 else 0.0
    ends = []
    for z in (normal.inv_cdf(alpha), normal.inv_cdf(1.0 - alpha)):
        ends.append(normal.cdf(z0 + (z0 + z) / (1.0 - accel * (z0 + z))))
    low, high = np.quantile(replicates, ends)
    return ConfidenceInterval(float(low), float(high))


def outside_level() -> int:
    """Return the ``stacklevel`` that points a warning at the first caller outside nmi.

    For the function that calls :func:`warnings.warn`: the same operation is reached from
    the functions, the table's methods and the accumulators, through different depths.
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and str(frame.f_globals.get("__name__", "")).split(".")[0] == _PACKAGE:
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def holding(ci: ConfidenceInterval, method: str, statistic: float) -> ConfidenceInterval:
    """Return a percentile interval widened to hold the statistic; the others as they are.

    The replicates' quantiles can all lie on one side of the statistic: a score at the edge
    of its range (MI at independence, whose replicates all overshoot 0), or one the
    replicates overshoot by more than they vary.
    """
    if method != "percentile" or math.isnan(statistic) or math.isnan(ci.low):
        return ci
    return ConfidenceInterval(min(ci.low, statistic), max(ci.high, statistic))


def clip_to_range(ci: ConfidenceInterval, low: float, high: float) -> ConfidenceInterval:
    """Return the interval with its ends moved into the score's range [low, high]."""
    return ConfidenceInterval(*(min(max(end, low), high) for end in ci))


def warn_sparse(x: IntArray) -> None:
    """Warn when the table has too few samples per cell for the interval to hold its level."""
    n = int(x.sum())
    if n < SPARSE_SAMPLES_PER_CELL * x.size:
        warnings.warn(
            f"{n} samples in {x.size} cells ({n / x.size:.1f} per cell): the score overshoots "
            "its population value by about as much as it varies, and the bootstrap interval "
            f"may miss it more often than its level says. Intervals hold from about "
            f"{SPARSE_SAMPLES_PER_CELL:g} samples per cell",
            SparseTableWarning,
            stacklevel=outside_level(),
        )


INDEPENDENCE_P = 0.01  # G-test p-values above this: the labelings may be independent


def warn_near_independence(
    name: str, holds: tuple[str, ...], method: str, n: int, mi: float, df: int
) -> None:
    """Warn where the table may come from independent labelings and the interval not hold.

    ``holds``: the methods whose interval holds at independence (the registry's
    ``holds_at_independence``); ``n`` samples, ``mi`` their MI in nats, ``df`` the degrees
    of freedom ``(rows - 1)(columns - 1)``. The G-test: ``2 n MI`` is chi-square with
    ``df`` degrees of freedom under independence.
    """
    if method in holds or df < 1 or n < 1:
        return
    from scipy.special import chdtrc

    p = float(chdtrc(df, 2.0 * n * max(mi, 0.0)))
    if p > INDEPENDENCE_P:
        warnings.warn(
            f"the labelings cannot be told from independent ones (G-test p = {p:.2g}): "
            f"there the score {name!r} sits at its chance level, and its {method} bootstrap "
            "interval holds the population value far less often than its level says (see the "
            "coverage table of the uncertainty guide). To ask whether the score is better "
            "than chance, use nmi.permutation_test",
            IndependenceWarning,
            stacklevel=outside_level(),
        )


def pvalue_of(null: FloatArray, theta: float, side: str) -> float:
    """Return the randomized p-value of ``theta`` against the null replicates.

    Replicates within a relative 1e-12 of ``theta`` count as ties, so that rounding in the
    sums never decides a tie.
    """
    tol = 1e-12 * max(1.0, abs(theta))
    b = null.size
    greater = (1 + np.count_nonzero(null >= theta - tol)) / (b + 1)
    less = (1 + np.count_nonzero(null <= theta + tol)) / (b + 1)
    if side == "greater":
        return float(greater)
    if side == "less":
        return float(less)
    return float(min(1.0, 2.0 * min(greater, less)))
