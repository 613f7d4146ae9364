"""The functional API: one call, one score, for every score of the registry.

Each function validates its inputs (:mod:`nmi._validation`), counts the label pairs into a
:class:`~nmi.contingency.Contingency` (:func:`table_of_labels`, the ``_update`` half) and
reads its score off the table through the registry (:mod:`nmi._registry`, the ``_compute``
half); the accumulators and the adapters call the same pair. The scores without a function
written here (with a fast path or an argument of its own) get one from
:func:`score_function`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ._counting import DEFAULT, Tuning, count_one, count_pairs
from ._kernels import info as kinfo
from ._many import score_rows
from ._noise import NO_NOISE, NoisePolicy
from ._reduced import check_normalization, check_reduction
from ._registry import (
    ACCURACY,
    AMI,
    ARI,
    BY_NAME,
    COMPLETENESS,
    FMI,
    HOMOGENEITY,
    NAMES,
    NMI,
    OPTIONS,
    RAND,
    V_MEASURE,
    VI,
    Score,
)
from ._scores import nmi_of, pair_confusion, small_information
from ._validation import (
    Labels,
    as_labels,
    as_noisy_labels,
    check_average_method,
    check_noise,
    check_same_length,
    check_weights,
)
from .contingency import Contingency

__all__ = [
    "adjusted_mutual_info_score",
    "adjusted_rand_score",
    "cluster_accuracy",
    "clustering_scores",
    "completeness_score",
    "contingency_matrix",
    "entropy",
    "fowlkes_mallows_score",
    "homogeneity_completeness_v_measure",
    "homogeneity_score",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "normalized_reduced_mutual_info_score",
    "pair_confusion_matrix",
    "rand_score",
    "reduced_mutual_info_score",
    "score_many",
    "v_measure_score",
    "variation_of_information",
]


def table_of_labels(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    sample_weight: Any = None,
    noise: NoisePolicy = NO_NOISE,
    tuning: Tuning = DEFAULT,
) -> Contingency:
    """Validate both labelings (and weights) and return their contingency table.

    The ``_update`` half of every score of the registry: the functions here, the
    accumulators and the adapters count through it. ``noise``: a policy checked by
    :func:`nmi._validation.check_noise`; ``tuning``: see :class:`nmi._counting.Tuning`.
    """
    if noise.active:
        p = as_noisy_labels(preds, "preds", noise)
        t = as_noisy_labels(target, "target", noise)
    else:
        p = as_labels(preds, "preds")
        t = as_labels(target, "target")
    check_same_length(p, t)
    w = check_weights(sample_weight, p.data.size)
    return count_pairs(p, t, w, noise, tuning)


_KEYWORDS_DOC = """sample_weight : array-like of shape (n_samples,), optional
        Non-negative finite weight of each sample; None weighs each sample 1. The table then
        holds ``float64`` weights: whole-number weights score like repeated samples, zero
        weight like a dropped sample, and scaling all weights changes nothing.
    preds_noise, target_noise : label or sequence of labels, optional
        Label values that mean "noise" or "unknown" in ``preds`` / ``target`` (e.g. -1 for
        HDBSCAN's noise).
    noise_policy : {"keep", "drop", "singleton"} or dict, default "keep"
        What noise labels mean: ``"keep"``, one cluster per noise label (the plain score);
        ``"drop"``, the sample leaves the score; ``"singleton"``, each such sample is a
        cluster of its own. Per side with ``{"preds": ..., "target": ...}``.
    missing : {"raise", "noise"}, default "raise"
        Missing labels (None, NaN, NaT, pandas NA) are an error, or noise under
        ``noise_policy`` (joining the side's first noise label under ``"keep"``)."""


def with_keywords_doc(func: Any) -> Any:
    """Write the keyword arguments every scoring function shares into its docstring."""
    func.__doc__ = func.__doc__.replace("%(keywords)s", _KEYWORDS_DOC.rstrip())
    return func


def table_given(contingency: Any, sample_weight: Any, noise: NoisePolicy) -> Contingency:
    """Return the table a caller passed as ``contingency`` (a table, a matrix or sparse)."""
    if sample_weight is not None or noise.active:
        raise ValueError(
            "contingency is a table already counted: sample_weight and the noise arguments "
            "do not apply to it; count the labels with them instead, or pass the table alone"
        )
    if isinstance(contingency, Contingency):
        return contingency
    return Contingency.from_matrix(contingency)


_SCORE_FUNCTION_DOC = """{title}.

    {doc}. The same value as ``Contingency.{method}()`` of the table of ``preds`` and
    ``target``; ``target`` plays scikit-learn's ``labels_true``.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples; ``target`` is the reference.
{options}    %(keywords)s

    Returns
    -------
    float
        {returns}
    """


def _range_text(low: float, high: float) -> str:
    if low > -math.inf and high < math.inf:
        return f"Between {low} and {high}"
    if low > -math.inf:
        return f"At least {low}"
    return f"At most {high}" if high < math.inf else "Any real number"


def score_function(score: Score) -> Callable[..., float]:
    """Return the one-call function of a registered score: labels in, a float out.

    Its options (the registry's) are keyword arguments with their defaults, checked before
    the labels are read.
    """
    option_docs = "".join(
        f"    {name} : {OPTIONS[name].doc}, default {OPTIONS[name].default!r}\n"
        + (
            f"        One of {', '.join(map(repr, OPTIONS[name].choices))}.\n"
            if OPTIONS[name].choices
            else ""
        )
        for name in score.options
    )

    def function(
        preds: npt.ArrayLike,
        target: npt.ArrayLike,
        *,
        sample_weight: npt.ArrayLike | None = None,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
        **options: Any,
    ) -> float:
        checked = score.check_options(**options)
        noise = check_noise(preds_noise, target_noise, noise_policy, missing)
        return score.of_table(table_of_labels(preds, target, sample_weight, noise), **checked)

    unit = f", in {score.unit}" if score.unit else ""
    function.__name__ = function.__qualname__ = score.function
    function.__doc__ = _SCORE_FUNCTION_DOC.format(
        title=f"Score two clusterings by {score.function.replace('_score', '').replace('_', ' ')}",
        doc=score.doc[0].upper() + score.doc[1:],
        method=score.method,
        options=option_docs,
        returns=f"{_range_text(*score.range)}{unit}; "
        + ("higher is better." if score.higher_is_better else "lower is better."),
    )
    parameters = list(inspect.signature(function).parameters.values())[:-1]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=OPTIONS[name].default)
        for name in score.options
    ]
    function.__signature__ = inspect.Signature(parameters, return_annotation=float)  # type: ignore[attr-defined]
    return with_keywords_doc(function)  # type: ignore[no-any-return]


@with_keywords_doc
def contingency_matrix(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> Contingency:
    """Count how often each (pred, target) label pair occurs.

    Parameters
    ----------
    preds : array-like of shape (n_samples,)
        Predicted cluster labels: integers, bool, float, str or objects.
    target : array-like of shape (n_samples,)
        Target (ground-truth) cluster labels, same length as ``preds``.
    %(keywords)s

    Returns
    -------
    Contingency
        Sparse table with the distinct ``preds`` labels as rows and the distinct ``target``
        labels as columns, both sorted; exact ``int64`` counts.

    Examples
    --------
    >>> import nmi
    >>> nmi.contingency_matrix([1, 1, 2], [0, 0, 0]).to_dense()
    array([[2],
           [1]])
    """
    return table_of_labels(
        preds, target, sample_weight, check_noise(preds_noise, target_noise, noise_policy, missing)
    )


@with_keywords_doc
def mutual_info_score(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    contingency: Any = None,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> float:
    """Mutual information between two clusterings of the same samples.

    Parameters
    ----------
    preds : array-like of shape (n_samples,)
        Predicted cluster labels.
    target : array-like of shape (n_samples,)
        Target cluster labels, same length as ``preds``.
    contingency : Contingency, 2-D array-like or scipy sparse matrix, optional
        A table already counted; ``preds`` and ``target`` are then ignored (pass None), as
        in scikit-learn. Float entries are weights, kept as they are (not truncated).
        See :meth:`Contingency.from_matrix`.
    %(keywords)s

    Returns
    -------
    float
        Non-negative, in nats (natural logarithm). 0.0 for empty input or when either
        labeling has a single cluster. Symmetric in its two arguments.

    Examples
    --------
    >>> import nmi
    >>> round(nmi.mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0]), 6)  # log(2)
    0.693147
    """
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    if contingency is not None:
        return table_given(contingency, sample_weight, noise).mutual_info()
    if not noise.active and sample_weight is None:
        small = small_information(preds, target)
        if small is not None:
            return small[0]
    return table_of_labels(preds, target, sample_weight, noise).mutual_info()


@with_keywords_doc
def normalized_mutual_info_score(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    average_method: str = "arithmetic",
    *,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> float:
    """Score the agreement of two clusterings by normalized mutual information (NMI).

    ``MI(preds, target) / mean(H(preds), H(target))`` with the mean chosen by
    ``average_method``. Same value as :func:`sklearn.metrics.normalized_mutual_info_score`,
    edge cases included, but always within [0, 1] and exactly symmetric.

    Parameters
    ----------
    preds : array-like of shape (n_samples,)
        Predicted cluster labels: integers, bool, float, str or objects.
    target : array-like of shape (n_samples,)
        Target cluster labels, same length as ``preds``.
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        How the two entropies are averaged into the normalizer.
    %(keywords)s

    Returns
    -------
    float
        Between 0.0 and 1.0. 1.0 for identical partitions (up to relabelling) and, by
        scikit-learn's convention, when both labelings have a single cluster or are both
        empty; 0.0 when the mutual information is zero.

    Raises
    ------
    ValueError
        Lengths differ, not 1-D, NaN or infinite labels, None inside, unknown
        ``average_method``.
    TypeError
        Complex or mixed label types, ``average_method`` not a str.

    Examples
    --------
    >>> import nmi
    >>> nmi.normalized_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> round(nmi.normalized_mutual_info_score([0, 0, 1, 1], [0, 1, 2, 2]), 6)
    0.8
    """
    average_method = check_average_method(average_method)
    if _plain_call(sample_weight, preds_noise, target_noise, noise_policy, missing):
        small = small_information(preds, target)
        if small is not None:
            return nmi_of(*small, average_method)
    table = table_of_labels(
        preds, target, sample_weight, check_noise(preds_noise, target_noise, noise_policy, missing)
    )
    return NMI.of_table(table, average_method=average_method)


def _plain_call(
    sample_weight: Any, preds_noise: Any, target_noise: Any, noise_policy: Any, missing: Any
) -> bool:
    """Whether a call has no weights and the default noise arguments."""
    return (
        sample_weight is None
        and preds_noise is None
        and target_noise is None
        and isinstance(noise_policy, str)
        and noise_policy == "keep"
        and isinstance(missing, str)
        and missing == "raise"
    )


def entropy(labels: npt.ArrayLike, *, sample_weight: npt.ArrayLike | None = None) -> float:
    """Shannon entropy of one labeling.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Cluster labels.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative finite weight of each sample; None weighs each sample 1.

    Returns
    -------
    float
        Non-negative, in nats. 0.0 for a single cluster; 1.0 for empty input
        (scikit-learn's convention for ``entropy([])``).

    Examples
    --------
    >>> import nmi
    >>> round(nmi.entropy([0, 0, 1, 1]), 6)  # log(2)
    0.693147
    """
    x = as_labels(labels, "labels")
    w = check_weights(sample_weight, x.data.size)
    counts = count_one(x, w)
    if counts.size == 0:
        return 1.0
    return float(kinfo.entropy_from_counts(counts, counts.sum()))


@with_keywords_doc
def adjusted_mutual_info_score(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    average_method: str = "arithmetic",
    *,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> float:
    """Score the agreement of two clusterings by mutual information adjusted for chance (AMI).

    ``(MI - E[MI]) / (mean(H(preds), H(target)) - E[MI])``, the expectation taken over random
    labelings with the same cluster sizes. Same value as
    :func:`sklearn.metrics.adjusted_mutual_info_score`, edge cases included.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples.
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        How the two entropies are averaged into the normalizer.
    %(keywords)s

    Returns
    -------
    float
        At most 1.0, about 0.0 for random labelings, can be negative. 1.0 for identical
        partitions (all singletons included) and when both labelings have a single cluster
        or are empty; 0.0 when exactly one has a single cluster.

    Examples
    --------
    >>> import nmi
    >>> nmi.adjusted_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> nmi.adjusted_mutual_info_score([0, 0, 0, 0], [0, 1, 2, 3])
    0.0
    """
    average_method = check_average_method(average_method)
    table = table_of_labels(
        preds, target, sample_weight, check_noise(preds_noise, target_noise, noise_policy, missing)
    )
    return AMI.of_table(table, average_method=average_method)


@with_keywords_doc
def reduced_mutual_info_score(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    reduction: str = "dirichlet",
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> float:
    """Score what ``preds`` tell of ``target``, less the cost of the table that links them.

    The reduced mutual information (RMI) of Newman, Cantwell and Young and of Jerdee,
    Kirkley and Newman: the mutual information between the labelings, counted over
    arrangements of the objects, less the information needed to send their contingency
    table given the cluster sizes. Unlike the mutual information it does not grow with the
    number of clusters of random labelings: it stays near 0 for them, and is negative when
    the table costs more than it tells. Per object, in nats; ``clustering-mi`` reports the
    total over all objects in bits, ``n / log(2)`` times ours. The reduction counts objects:
    sample weights must be whole numbers (repetitions), as for the adjusted scores.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples; ``target`` is the labeling to be told.
    reduction : {"dirichlet", "flat", "none"}, default "dirichlet"
        How the table is priced: ``"dirichlet"``, by Dirichlet-multinomial distributions
        fitted to the table (slightly asymmetric in ``preds`` and ``target``); ``"flat"``,
        as one of all tables with its row and column sums (their number estimated);
        ``"none"``, not at all: :func:`mutual_info_score`.
    %(keywords)s

    Returns
    -------
    float
        In nats per object; 0.0 for empty input and when either side has one cluster.

    Examples
    --------
    >>> import nmi
    >>> round(nmi.reduced_mutual_info_score([0, 0, 1, 1] * 10, [1, 1, 0, 0] * 10), 4)
    0.6585
    """
    check_reduction(reduction)
    table = table_of_labels(
        preds, target, sample_weight, check_noise(preds_noise, target_noise, noise_policy, missing)
    )
    return table.reduced_mutual_info(reduction)


@with_keywords_doc
def normalized_reduced_mutual_info_score(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    normalization: str = "target",
    reduction: str = "dirichlet",
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> float:
    """Score the share of ``target``'s information that ``preds`` capture, bias reduced.

    The reduced mutual information (:func:`reduced_mutual_info_score`) over that of a
    labeling with itself. The default, asymmetric normalization by ``target`` asks how much
    of the ground truth a candidate recovers, and does not reward a candidate for the
    information of its own cluster sizes, as the symmetric normalizations of NMI do (Jerdee,
    Kirkley and Newman, arXiv:2307.01282). With ``reduction="none"`` the scores are
    scikit-learn's: ``"target"`` is ``homogeneity_score(target, preds)``, ``"preds"``
    ``completeness_score`` and ``"mean"`` ``v_measure_score``. Sample weights must be whole
    numbers (repetitions) unless ``reduction="none"``.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples; ``target`` is the ground truth.
    normalization : {"target", "preds", "mean"}, default "target"
        ``"target"``: RMI(preds about target) / RMI(target with itself); ``"preds"``: the
        reverse, RMI(target about preds) / RMI(preds with itself); ``"mean"``: both
        numerators over both denominators.
    reduction : {"dirichlet", "flat", "none"}, default "dirichlet"
        As for :func:`reduced_mutual_info_score`.
    %(keywords)s

    Returns
    -------
    float
        At most about 1.0, near 0.0 for random labelings, can be negative. 1.0 for the same
        partition, and when the side normalized by has a single cluster (nothing to tell,
        as scikit-learn's homogeneity says), or both do; 0.0 when the normalizer is not
        positive (a labeling too fragmented to carry information after the reduction).

    Examples
    --------
    >>> import nmi
    >>> nmi.normalized_reduced_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> nmi.normalized_reduced_mutual_info_score([0, 1, 2, 3], [0, 0, 1, 1], reduction="none")
    1.0
    """
    check_normalization(normalization)
    check_reduction(reduction)
    table = table_of_labels(
        preds, target, sample_weight, check_noise(preds_noise, target_noise, noise_policy, missing)
    )
    return table.normalized_reduced_mutual_info(normalization, reduction)


@with_keywords_doc
def clustering_scores(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> dict[str, float]:
    """Every score that follows from the contingency table of two clusterings, at once.

    See :meth:`nmi.Contingency.scores` for the keys: mutual information and entropies, NMI
    and AMI for each average_method, homogeneity, completeness, V-measure, variation of
    information and the adjusted Rand index (``target`` plays scikit-learn's
    ``labels_true``).

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples.
    %(keywords)s

    Examples
    --------
    >>> import nmi
    >>> scores = nmi.clustering_scores([0, 0, 1, 1], [0, 0, 1, 2])
    >>> [round(scores[k], 4) for k in ("homogeneity", "completeness", "adjusted_rand")]
    [0.6667, 1.0, 0.5714]
    """
    return table_of_labels(
        preds, target, sample_weight, check_noise(preds_noise, target_noise, noise_policy, missing)
    ).scores()


@with_keywords_doc
def score_many(
    preds: Any,
    target: npt.ArrayLike,
    average_method: str = "arithmetic",
    *,
    score: str = NMI.name,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> npt.NDArray[np.float64]:
    """Score many clusterings of the same samples against one target, at once.

    For resolution sweeps, seeds and stability runs: the target is validated and encoded
    once, and the clusterings are scored in parallel.

    Parameters
    ----------
    preds : array-like of shape (B, n_samples), or a sequence of B array-likes
        The clusterings, each of the same length as ``target``.
    target : array-like of shape (n_samples,)
        The reference labeling.
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        How the two entropies are averaged into the normalizer (NMI and AMI).
    score : str, default "nmi"
        The score of each clustering, by its name in the registry (as for
        :func:`nmi.bootstrap`): e.g. ``"nmi"``, ``"ami"``, ``"ari"``, the reduced mutual
        information ``"rmi"`` (nats per object, Dirichlet-multinomial reduction) or its
        share of the target's ``"nrmi"``. Options other than ``average_method`` take their
        defaults. The same weights and noise policy apply to every clustering.
    %(keywords)s

    Returns
    -------
    numpy.ndarray of shape (B,)
        ``normalized_mutual_info_score(preds[i], target, average_method)`` for each ``i``,
        or the score named by ``score``.

    Examples
    --------
    >>> import nmi
    >>> nmi.score_many([[0, 0, 1, 1], [0, 1, 0, 1]], [5, 5, 7, 7]).tolist()
    [1.0, 0.0]
    """
    average_method = check_average_method(average_method)
    spec = BY_NAME.get(score) if isinstance(score, str) else None
    if spec is None:
        raise ValueError(f"score must be one of {', '.join(map(repr, NAMES))}; got {score!r}")
    options = {"average_method": average_method} if "average_method" in spec.options else {}
    checked = spec.check_options(**options)

    def scorer(table: Contingency) -> float:
        return spec.of_table(table, **checked)

    policy = check_noise(preds_noise, target_noise, noise_policy, missing)
    rows, t, w = many_update(preds, target, sample_weight, policy)
    scores = score_rows(rows, t, scorer, w, policy)
    return np.asarray(scores, dtype=np.float64)


def many_update(
    preds: Any, target: npt.ArrayLike, sample_weight: Any, policy: NoisePolicy
) -> tuple[list[Labels], Labels, npt.NDArray[np.float64] | None]:
    """Validate the clusterings, the target and the weights of :func:`score_many`."""
    t = as_noisy_labels(target, "target", policy) if policy.active else as_labels(target, "target")
    if isinstance(preds, np.ndarray):
        if preds.ndim != 2:
            raise ValueError(
                f"preds must be 2-D (one clustering per row), got shape {preds.shape}; for a "
                "single clustering use normalized_mutual_info_score"
            )
        items: Any = list(preds)
    elif isinstance(preds, (str, bytes)) or not hasattr(preds, "__len__"):
        raise TypeError(
            f"preds must be a 2-D array or a sequence of clusterings, got {type(preds).__name__}"
        )
    else:
        items = list(preds)
    rows = []
    for i, item in enumerate(items):
        if not policy.active:
            row = as_labels(item, f"preds[{i}]")
        else:
            try:
                row = as_noisy_labels(item, "preds", policy)
            except (TypeError, ValueError) as exc:  # say which clustering
                kind = TypeError if isinstance(exc, TypeError) else ValueError
                raise kind(f"preds[{i}]: {exc}") from None
        check_same_length(row, t)
        rows.append(row)
    return rows, t, check_weights(sample_weight, t.data.size)


# The scores without a function of their own above: one each, from the registry.
homogeneity_score = score_function(HOMOGENEITY)
completeness_score = score_function(COMPLETENESS)
v_measure_score = score_function(V_MEASURE)
variation_of_information = score_function(VI)
adjusted_rand_score = score_function(ARI)
rand_score = score_function(RAND)
fowlkes_mallows_score = score_function(FMI)
cluster_accuracy = score_function(ACCURACY)


@with_keywords_doc
def pair_confusion_matrix(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> npt.NDArray[Any]:
    """Count the ordered pairs of samples by whether each labeling puts them together.

    As scikit-learn's ``pair_confusion_matrix(target, preds)``: ``[[tn, fp], [fn, tp]]``,
    ``tn`` pairs apart in both, ``fp`` together in ``preds`` only, ``fn`` together in
    ``target`` only, ``tp`` together in both; each unordered pair counted twice. Computed
    from the contingency table's sums of squares, exactly.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples; ``target`` is the reference.
    %(keywords)s
        Sample weights must be whole numbers: pairs are pairs of samples.

    Returns
    -------
    numpy.ndarray of shape (2, 2)
        ``int64`` counts; an object array of Python integers where a count passes the
        ``int64`` range (tables of more than about 3e9 samples).

    Examples
    --------
    >>> import nmi
    >>> nmi.pair_confusion_matrix([0, 0, 1, 1], [0, 0, 1, 2]).tolist()
    [[8, 2], [0, 2]]
    """
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = table_of_labels(preds, target, sample_weight, noise)
    counted = table.whole_counts("the pair confusion matrix").summary
    tn, fp, fn, tp = pair_confusion(int(counted.n), *counted.squares())
    fits = max(tn, fp, fn, tp) < 2**63
    return np.array([[tn, fp], [fn, tp]], dtype=np.int64 if fits else object)


@with_keywords_doc
def homogeneity_completeness_v_measure(
    preds: npt.ArrayLike,
    target: npt.ArrayLike,
    *,
    beta: float = 1.0,
    sample_weight: npt.ArrayLike | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> tuple[float, float, float]:
    """Return homogeneity, completeness and V-measure from one table, ``target`` the classes.

    As scikit-learn's ``homogeneity_completeness_v_measure(target, preds, beta=beta)``.

    Parameters
    ----------
    preds, target : array-like of shape (n_samples,)
        Cluster labels of the same samples; ``target`` is the reference.
    beta : float, default 1.0
        The V-measure's weight of completeness against homogeneity.
    %(keywords)s

    Returns
    -------
    tuple of float
        Each between 0.0 and 1.0.

    Examples
    --------
    >>> import nmi
    >>> h, c, v = nmi.homogeneity_completeness_v_measure([0, 0, 1, 1], [0, 0, 1, 2])
    >>> round(h, 4), round(c, 4), round(v, 4)
    (0.6667, 1.0, 0.8)
    """
    options = V_MEASURE.check_options(beta=beta)
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = table_of_labels(preds, target, sample_weight, noise)
    return (
        HOMOGENEITY.of_table(table),
        COMPLETENESS.of_table(table),
        V_MEASURE.of_table(table, **options),
    )
