"""The functional API: one call, one score.

Each function validates its inputs (:mod:`nmi._validation`), counts the label pairs into a
:class:`~nmi.contingency.Contingency` (``_update``) and reads the score off the table
(``_compute``); the streaming accumulator and the adapters call the same pair.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from . import _kernels as K
from ._validation import as_labels, check_average_method, check_same_length
from .contingency import Contingency, _count_one, _from_labels, _score_many

__all__ = [
    "adjusted_mutual_info_score",
    "clustering_scores",
    "contingency_matrix",
    "entropy",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "score_many",
]


def _nmi_update(preds: npt.ArrayLike, target: npt.ArrayLike) -> Contingency:
    """Validate both labelings and return their contingency table."""
    p = as_labels(preds, "preds")
    t = as_labels(target, "target")
    check_same_length(p, t)
    return _from_labels(p, t)


def _nmi_compute(table: Contingency, average_method: str) -> float:
    """Return the normalized mutual information of a contingency table."""
    return table.normalized_mutual_info(average_method)


def _ami_compute(table: Contingency, average_method: str) -> float:
    """Return the adjusted mutual information of a contingency table."""
    return table.adjusted_mutual_info(average_method)


def contingency_matrix(preds: npt.ArrayLike, target: npt.ArrayLike) -> Contingency:
    """Count how often each (pred, target) label pair occurs.

    Parameters
    ----------
    preds : array-like of shape (n_samples,)
        Predicted cluster labels: integers, bool, float, str or objects.
    target : array-like of shape (n_samples,)
        Target (ground-truth) cluster labels, same length as ``preds``.

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
    return _nmi_update(preds, target)


def mutual_info_score(preds: npt.ArrayLike, target: npt.ArrayLike) -> float:
    """Mutual information between two clusterings of the same samples.

    Parameters
    ----------
    preds : array-like of shape (n_samples,)
        Predicted cluster labels.
    target : array-like of shape (n_samples,)
        Target cluster labels, same length as ``preds``.

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
    return _nmi_update(preds, target).mutual_info()


def normalized_mutual_info_score(
    preds: npt.ArrayLike, target: npt.ArrayLike, average_method: str = "arithmetic"
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
    check_average_method(average_method)
    return _nmi_compute(_nmi_update(preds, target), average_method)


def entropy(labels: npt.ArrayLike) -> float:
    """Shannon entropy of one labeling.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Cluster labels.

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
    counts = _count_one(as_labels(labels, "labels"))
    if counts.size == 0:
        return 1.0
    return float(K._entropy_from_counts(counts, int(counts.sum())))


def adjusted_mutual_info_score(
    preds: npt.ArrayLike, target: npt.ArrayLike, average_method: str = "arithmetic"
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
    check_average_method(average_method)
    return _ami_compute(_nmi_update(preds, target), average_method)


def clustering_scores(preds: npt.ArrayLike, target: npt.ArrayLike) -> dict[str, float]:
    """Every score that follows from the contingency table of two clusterings, at once.

    See :meth:`nmi.Contingency.scores` for the keys: mutual information and entropies, NMI
    and AMI for each average_method, homogeneity, completeness, V-measure, variation of
    information and the adjusted Rand index (``target`` plays scikit-learn's
    ``labels_true``).

    Examples
    --------
    >>> import nmi
    >>> scores = nmi.clustering_scores([0, 0, 1, 1], [0, 0, 1, 2])
    >>> [round(scores[k], 4) for k in ("homogeneity", "completeness", "adjusted_rand")]
    [0.6667, 1.0, 0.5714]
    """
    return _nmi_update(preds, target).scores()


def score_many(
    preds: Any, target: npt.ArrayLike, average_method: str = "arithmetic"
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
        How the two entropies are averaged into the normalizer.

    Returns
    -------
    numpy.ndarray of shape (B,)
        ``normalized_mutual_info_score(preds[i], target, average_method)`` for each ``i``.

    Examples
    --------
    >>> import nmi
    >>> nmi.score_many([[0, 0, 1, 1], [0, 1, 0, 1]], [5, 5, 7, 7]).tolist()
    [1.0, 0.0]
    """
    check_average_method(average_method)
    t = as_labels(target, "target")
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
    rows = [as_labels(row, f"preds[{i}]") for i, row in enumerate(items)]
    for row in rows:
        check_same_length(row, t)
    scores = _score_many(rows, t, lambda table: _nmi_compute(table, average_method))
    return np.asarray(scores, dtype=np.float64)
