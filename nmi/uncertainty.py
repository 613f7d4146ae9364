"""How sure is a score: bootstrap intervals, permutation tests and paired comparisons.

Every score is a function of the contingency table, so resampling never goes back to the
samples: a bootstrap replicate is a multinomial draw of the table's cells, a permutation
replicate a random table with the observed cluster sizes. Each costs O(distinct label
pairs), not O(samples), and memory does not grow with the number of samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._counting import count_pairs
from ._noise import NO_NOISE, NoisePolicy
from ._registry import NMI, SCORES
from ._resampling import (
    BootstrapResult,
    ComparisonResult,
    ConfidenceInterval,
    IndependenceWarning,
    PermutationTestResult,
    SparseTableWarning,
    bootstrap_table,
    compare_tables,
    permutation_test_table,
)
from ._types import IntArray
from ._validation import (
    Labels,
    as_noisy_labels,
    check_noise,
    check_same_length,
    check_weights,
)
from .contingency import Contingency
from .functional import table_given, table_of_labels, with_keywords_doc

__all__ = [
    "BootstrapResult",
    "ComparisonResult",
    "ConfidenceInterval",
    "IndependenceWarning",
    "PermutationTestResult",
    "SparseTableWarning",
    "bootstrap",
    "compare",
    "permutation_test",
]

_SCORE_DOC = """score : str or callable, default "nmi"
        One of the registered scores (below), or a callable taking a
        :class:`nmi.Contingency` and returning a float. The scores that follow from a few
        sums of each replicate are drawn fast; the others are computed on a table built for
        each replicate (slower, as that score is). Options other than ``average_method``
        take their defaults.

%(score_list)s
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        The normalizer of ``"nmi"`` and ``"ami"``.
    n_resamples : int, default 9999
        Number of replicates.
    random_state : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The same value gives the same replicates, on any number of threads."""

_METHOD_DOC = """confidence_level : float, default 0.95
        Of the two-sided interval.
    method : {"basic", "percentile", "bca"}, default "basic"
        ``"basic"`` (the replicates reflected about the score) corrects the plug-in bias
        of information scores, which overshoot their population value by about
        ``(cells - 1) / (2 n)`` nats, and holds its level best in simulations (the
        coverage table of the uncertainty guide). ``"percentile"`` (the replicates'
        quantiles) covers much less when the table is sparse; ``"bca"`` (bias-corrected and
        accelerated, as ``scipy.stats.bootstrap``) lies between them. The ends are kept in the
        score's range as the registry declares it (for ``compare``, the differences of those
        ranges): the basic interval, reflected about the score, can leave it. The percentile
        interval is widened to hold the score where every replicate lies on one side of it
        (a score at the edge of its range: MI at independence, whose replicates all
        overshoot 0)."""


def _score_list() -> str:
    """Return the registered scores, one line each, for the ``score`` argument."""
    lines = []
    for score in SCORES:
        lines.append(f"        - ``{score.name!r}``: {score.doc}.")
    return "\n".join(lines)


def _docs(func: Any) -> Any:
    score_doc = _SCORE_DOC.replace("%(score_list)s", _score_list())
    func.__doc__ = func.__doc__.replace("%(score)s", score_doc).replace("%(method)s", _METHOD_DOC)
    return with_keywords_doc(func)


@_docs
def bootstrap(
    preds: npt.ArrayLike | None = None,
    target: npt.ArrayLike | None = None,
    *,
    contingency: Any = None,
    score: Any = NMI.name,
    average_method: str = "arithmetic",
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    method: str = "basic",
    random_state: Any = None,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> BootstrapResult:
    """Return a score with its bootstrap confidence interval.

    Each replicate resamples the samples with replacement, drawn as a multinomial of the
    contingency table's cells: O(distinct label pairs) per replicate, never a pass over the
    samples. Warns (:class:`SparseTableWarning`) below 5 samples per cell, where intervals
    miss the population value more often than their level says.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,), optional
        Cluster labels of the same samples; or None, with ``contingency``.
    contingency : Contingency, 2-D array-like or scipy sparse matrix, optional
        A table already counted, in place of ``preds`` and ``target`` (see
        :meth:`Contingency.from_matrix`); the weights and noise arguments do not apply.
    %(score)s
    %(method)s
    %(keywords)s
        Sample weights must be whole numbers: the bootstrap counts samples.

    Returns
    -------
    BootstrapResult
        ``statistic``, ``confidence_interval`` (``low``, ``high``), ``standard_error`` and
        ``bootstrap_distribution``, as ``scipy.stats.bootstrap``'s result.

    Examples
    --------
    >>> import nmi
    >>> res = nmi.bootstrap([0, 0, 1, 1, 2] * 40, [0, 0, 1, 2, 2] * 40, random_state=0)
    >>> round(res.statistic, 3), res.confidence_interval.low < res.statistic
    (0.737, True)
    """
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _table_or_count(preds, target, contingency, sample_weight, noise)
    return bootstrap_table(
        table,
        score,
        average_method=average_method,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        method=method,
        random_state=random_state,
    )


@_docs
def permutation_test(
    preds: npt.ArrayLike | None = None,
    target: npt.ArrayLike | None = None,
    *,
    contingency: Any = None,
    score: Any = NMI.name,
    average_method: str = "arithmetic",
    n_resamples: int = 9999,
    alternative: str = "greater",
    random_state: Any = None,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> PermutationTestResult:
    """Return a score with its p-value under independent labelings of the same cluster sizes.

    The null distribution is that of the score after a uniformly random permutation of one
    labeling: random tables with the observed row and column sums, drawn cell by cell
    (hypergeometric draws), never permuting the samples. Its mean MI is the expected MI that
    AMI subtracts.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,), optional
        Cluster labels of the same samples; or None, with ``contingency``.
    contingency : Contingency, 2-D array-like or scipy sparse matrix, optional
        A table already counted, in place of ``preds`` and ``target`` (see
        :meth:`Contingency.from_matrix`); the weights and noise arguments do not apply.
    %(score)s
    alternative : {"greater", "less", "two-sided"}, default "greater"
        ``"greater"``: is the score higher than chance (more agreement)?
    %(keywords)s
        Sample weights must be whole numbers: the test counts samples.

    Returns
    -------
    PermutationTestResult
        ``statistic``, ``pvalue`` and ``null_distribution``, as
        ``scipy.stats.permutation_test``'s result.

    Examples
    --------
    >>> import nmi
    >>> res = nmi.permutation_test([0, 0, 1, 1] * 10, [0, 0, 1, 1] * 10, random_state=0)
    >>> res.statistic, res.pvalue
    (1.0, 0.0001)
    """
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _table_or_count(preds, target, contingency, sample_weight, noise)
    return permutation_test_table(
        table,
        score,
        average_method=average_method,
        n_resamples=n_resamples,
        alternative=alternative,
        random_state=random_state,
    )


def _table_or_count(
    preds: Any, target: Any, contingency: Any, sample_weight: Any, noise: NoisePolicy
) -> Contingency:
    """Return the table given as ``contingency``, or that of ``preds`` and ``target``."""
    if contingency is None:
        if preds is None or target is None:
            raise TypeError(
                "give preds and target (the labels of the same samples), or contingency (a "
                "table already counted)"
            )
        return table_of_labels(preds, target, sample_weight, noise)
    if preds is not None or target is not None:
        raise ValueError(
            "contingency is a table already counted: preds and target do not apply to it; "
            "pass the table alone, or the labels"
        )
    return table_given(contingency, sample_weight, noise)


def _codes(data: npt.NDArray[Any], single: npt.NDArray[np.bool_] | None) -> tuple[IntArray, int]:
    """Return each sample's code (0 .. k-1 in the order of the labels) and ``k``.

    Samples in ``single`` (noise singletons) take the code ``k``, which no label has.
    """
    if single is None:
        values, codes = np.unique(data, return_inverse=True)
        return codes.astype(np.int64).ravel(), int(values.size)
    out = np.empty(data.size, np.int64)
    values, codes = np.unique(data[~single], return_inverse=True)
    out[~single] = codes.ravel()
    out[single] = values.size
    return out, int(values.size)


@_docs
def compare(
    preds_a: npt.ArrayLike | None = None,
    preds_b: npt.ArrayLike | None = None,
    target: npt.ArrayLike | None = None,
    *,
    contingency: Any = None,
    score: Any = NMI.name,
    average_method: str = "arithmetic",
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    method: str = "basic",
    random_state: Any = None,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: Any = "raise",
) -> ComparisonResult:
    """Compare two clusterings of the same samples against one target, paired.

    The bootstrap distribution of ``score(preds_a, target) - score(preds_b, target)``, the
    samples resampled jointly: a multinomial draw of the three-way table of (a, b, target)
    label triples, counted once. What "0.71 vs 0.69" needs: an interval for the difference
    and a p-value for no difference.

    Parameters
    ----------
    preds_a, preds_b, target : array-like of shape (n_samples,), optional
        Two candidate labelings and the ground truth, of the same samples; or None, with
        ``contingency``.
    contingency : array-like of shape (n_a, n_b, n_target), optional
        The three-way table already counted, in place of the labels: ``contingency[i, j, k]``
        samples in cluster ``i`` of ``preds_a``, ``j`` of ``preds_b`` and ``k`` of
        ``target`` (whole numbers); the weights and noise arguments do not apply.
    %(score)s
    %(method)s
    %(keywords)s
        ``preds_noise`` names the noise labels of both ``preds_a`` and ``preds_b``. Under
        ``"drop"``, a sample that is noise in ``preds_a`` or ``preds_b`` leaves both scores
        (and one that is noise in ``target`` too), so that both score the same samples: the
        comparison is paired. Sample weights must be whole numbers: the bootstrap counts
        samples.

    Returns
    -------
    ComparisonResult
        ``statistic`` (the difference), ``scores`` (both), ``confidence_interval`` and
        ``standard_error`` of the difference, ``pvalue`` (two-sided, of no difference),
        ``bootstrap_distribution`` (each replicate's two scores).

    Examples
    --------
    >>> import nmi
    >>> target = [0, 0, 0, 1, 1, 1, 2, 2, 2] * 30
    >>> a = [0, 0, 0, 1, 1, 1, 2, 2, 2] * 30
    >>> b = [0, 0, 1, 1, 1, 2, 2, 2, 0] * 30
    >>> res = nmi.compare(a, b, target, random_state=0)
    >>> res.statistic > 0, res.confidence_interval.low > 0, res.pvalue < 0.01
    (True, True, True)
    """
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    options = {
        "n_resamples": n_resamples,
        "confidence_level": confidence_level,
        "method": method,
        "random_state": random_state,
        "average_method": average_method,
    }
    if contingency is not None:
        given = (preds_a, preds_b, target, sample_weight)
        if any(x is not None for x in given) or noise.active:
            raise ValueError(
                "contingency is a three-way table already counted: preds_a, preds_b, target, "
                "sample_weight and the noise arguments do not apply to it; pass the table "
                "alone, or the labels"
            )
        return compare_tables(*_three_way(contingency), score, **options)
    if preds_a is None or preds_b is None or target is None:
        raise TypeError(
            "give preds_a, preds_b and target (labels of the same samples), or contingency "
            "(their three-way table already counted)"
        )
    a = as_noisy_labels(preds_a, "preds_a", noise, "preds")
    b = as_noisy_labels(preds_b, "preds_b", noise, "preds")
    t = as_noisy_labels(target, "target", noise, "target")
    check_same_length(a, t, "preds_a")
    check_same_length(b, t, "preds_b")
    w = check_weights(sample_weight, t.data.size)
    sides = ((a, "preds"), (b, "preds"), (t, "target"))
    drop = np.zeros(t.data.size, bool)
    for labels, side in sides:
        if labels.noise is not None and noise.side(side)[1] == "drop":
            drop |= labels.noise
    keep = ~drop
    codes = []
    for labels, side in sides:
        single = None
        if labels.noise is not None and noise.side(side)[1] == "singleton":
            single = labels.noise[keep]
        codes.append((*_codes(labels.data[keep], single), single))
    (code_a, _, single_a), (code_b, kb, single_b), (code_t, _, single_t) = codes
    w = None if w is None else w[keep]
    # the three-way table: a row per (a, b) pair, a column per target label; singleton
    # samples under each side's code past its labels, which the views read as singletons
    joint = count_pairs(_plain(code_a * (kb + 1) + code_b), _plain(code_t), w, NO_NOISE)
    joint = joint.whole_counts("the comparison")
    a_of_row, b_of_row = np.divmod(np.asarray(joint.row_labels, np.int64), kb + 1)
    t_of_col = np.asarray(joint.col_labels, np.int64)
    policy = NoisePolicy(preds_policy="singleton", target_policy="singleton")  # by the masks
    tables = tuple(
        count_pairs(_plain(code, single), _plain(code_t, single_t), w, policy).whole_counts(
            "the comparison"
        )
        for code, single in ((code_a, single_a), (code_b, single_b))
    )
    return compare_tables(
        joint,
        a_of_row,
        b_of_row,
        t_of_col,
        (tables[0], tables[1]),
        score,
        **options,
    )


def _three_way(
    counts: Any,
) -> tuple[Contingency, IntArray, IntArray, IntArray, tuple[Contingency, Contingency]]:
    """Return :func:`compare_tables`' tables and codes from a three-way array of counts."""
    arr = np.asarray(counts)
    if arr.ndim != 3:
        raise ValueError(
            f"contingency for compare must be 3-D (preds_a x preds_b x target), got shape "
            f"{arr.shape}"
        )
    if arr.dtype.kind not in "iub":
        raise TypeError(
            f"contingency must hold whole-number counts, got dtype {arr.dtype}: the "
            "comparison counts samples"
        )
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError("contingency counts must be non-negative")
    ka, kb, kt = arr.shape
    i, j, k = np.nonzero(arr)
    # a row per (a, b) pair, coded a * (kb + 1) + b as when counted from labels
    rows = i.astype(np.int64) * (kb + 1) + j
    joint = Contingency(rows, k, arr[i, j, k], np.arange(ka * (kb + 1)), np.arange(kt))
    a_of_row, b_of_row = np.divmod(np.asarray(joint.row_labels, np.int64), kb + 1)
    t_of_col = np.asarray(joint.col_labels, np.int64)
    tables = (Contingency.from_matrix(arr.sum(axis=1)), Contingency.from_matrix(arr.sum(axis=0)))
    return joint, a_of_row, b_of_row, t_of_col, tables


def _plain(codes: IntArray, single: npt.NDArray[np.bool_] | None = None) -> Labels:
    """Return codes as labels, ``single`` their noise singletons."""
    return Labels(np.ascontiguousarray(codes, np.int64), lambda v: v, True, single)
