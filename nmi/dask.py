"""Dask adapter: score label arrays that outgrow one machine.

Each chunk (or dataframe partition) of the two labelings is counted into a sparse
:class:`~nmi.contingency.Contingency` by the numba kernels on the worker that holds it; the
partial tables are then added in a tree, ``split_every`` at a time, so no worker ever holds
more than a few chunks and the tables being added. Tables hold distinct label pairs, so what
moves between workers is small however many labels there are.

Computation runs on the active Dask scheduler: local threads by default, a
``distributed.Client`` when one is active. Workers need ``nmi`` installed, the same version as
the client (its numba kernels compile once per worker machine and are cached).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

try:
    import dask.array as da
    from dask.delayed import Delayed, delayed
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        f"nmi.dask needs dask ({exc}); install it: pip install 'dask[array,dataframe]' "
        "distributed (or nmi's dask extra)"
    ) from exc

import numpy as np

from ._noise import NO_NOISE, NoisePolicy
from ._reduced import check_normalization, check_reduction
from ._registry import (
    ACCURACY,
    ARI,
    COMPLETENESS,
    FMI,
    HOMOGENEITY,
    RAND,
    V_MEASURE,
    VI,
    Score,
)
from ._validation import SampleError, check_average_method, check_noise
from .contingency import Contingency
from .functional import table_of_labels

__all__ = [
    "adjusted_mutual_info_score",
    "adjusted_rand_score",
    "cluster_accuracy",
    "clustering_scores",
    "completeness_score",
    "contingency_matrix",
    "fowlkes_mallows_score",
    "homogeneity_score",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "normalized_reduced_mutual_info_score",
    "rand_score",
    "reduced_mutual_info_score",
    "v_measure_score",
    "variation_of_information",
]

DEFAULT_SPLIT_EVERY = 8


def _chunk_table(
    preds: Any,
    target: Any,
    weights: Any = None,
    noise: NoisePolicy = NO_NOISE,
    chunk: tuple[int, int | None] = (0, 0),
) -> Contingency:
    """Count one chunk (NumPy arrays or pandas Series) into a table.

    ``chunk``: the chunk's number and the index of its first sample in the whole labeling
    (None where chunk sizes are unknown), for error messages.
    """
    number, start = chunk
    preds, target = np.asarray(preds), np.asarray(target)
    if preds.shape != target.shape:
        sizes = [x.shape[0] if x.ndim else 0 for x in (preds, target)]
        raise ValueError(
            f"preds and target have chunks of different lengths ({sizes[0]} and {sizes[1]}, "
            f"chunk {number}): the two labelings do not line up; give them the same length "
            "and partitions"
        )
    try:
        return table_of_labels(
            preds, target, None if weights is None else np.asarray(weights), noise
        )
    except SampleError as exc:
        if start is None:  # sizes unknown: the index within the chunk, and which chunk
            raise exc.shifted(0, f" of chunk {number}") from None
        raise exc.shifted(start) from None


def _chunk_starts(preds: Any, n_chunks: int) -> list[int | None]:
    """Index of each chunk's first sample, None from the first chunk of unknown size on."""
    sizes = preds.chunks[0] if isinstance(preds, da.Array) else [math.nan] * n_chunks
    starts: list[int | None] = []
    total = 0.0
    for size in sizes:
        starts.append(None if math.isnan(total) else int(total))
        total += size
    return starts


def _add_tables(*tables: Contingency) -> Contingency:
    return sum(tables[1:], tables[0])


def _is_series_like(x: Any) -> bool:
    # dask dataframe collections, without importing dask.dataframe (and pandas) eagerly
    return not isinstance(x, da.Array) and hasattr(x, "npartitions") and hasattr(x, "divisions")


def _blocks_of_arrays(preds: Any, target: Any, other: str = "target") -> list[tuple[Any, Any]]:
    for name, x in (("preds", preds), (other, target)):
        if x.ndim != 1:
            raise ValueError(f"{name} must be a 1-D dask array, got shape {x.shape}")
    n_preds, n_target = preds.shape[0], target.shape[0]
    known = not (math.isnan(n_preds) or math.isnan(n_target))
    if known and n_preds != n_target:
        raise ValueError(
            f"preds and {other} must have the same length. Found input variables with "
            f"inconsistent numbers of samples: [{n_preds}, {n_target}]"
        )
    if known:
        if preds.chunks != target.chunks:
            target = target.rechunk(preds.chunks)  # align target on preds' chunks
    elif preds.numblocks != target.numblocks or any(
        not (math.isnan(p) and math.isnan(t)) and p != t
        for p, t in zip(preds.chunks[0], target.chunks[0], strict=True)
    ):
        raise ValueError(
            f"preds and {other} have unknown chunk sizes that cannot be aligned "
            f"({preds.numblocks[0]} and {target.numblocks[0]} chunks); call .compute_chunk_sizes() "
            "on both, or build them with the same chunks"
        )
    # With unknown sizes but matching blocks, each task checks its own pair of chunks.
    return list(zip(preds.to_delayed().ravel(), target.to_delayed().ravel(), strict=True))


def _blocks_of_series(preds: Any, target: Any, other: str = "target") -> list[tuple[Any, Any]]:
    for name, x in (("preds", preds), (other, target)):
        if getattr(x, "ndim", 1) != 1:
            raise ValueError(f"{name} must be a dask Series (one column), not a DataFrame")
    if preds.npartitions != target.npartitions:
        raise ValueError(
            f"preds and {other} have {preds.npartitions} and {target.npartitions} partitions: "
            "take both columns from one dataframe, or repartition them the same way"
        )
    if preds.known_divisions and target.known_divisions and preds.divisions != target.divisions:
        raise ValueError(
            f"preds and {other} are partitioned on different index divisions; take both "
            "columns from one dataframe, or repartition them the same way"
        )
    return list(zip(preds.to_delayed(), target.to_delayed(), strict=True))


def contingency_matrix(
    preds: Any,
    target: Any,
    *,
    sample_weight: Any = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
    split_every: int | None = None,
) -> Delayed:
    """Return a lazy Dask object that computes to the :class:`~nmi.contingency.Contingency`.

    Parameters
    ----------
    preds, target : dask.array.Array or dask Series
        1-D labelings of the same samples. Arrays with other chunks than ``preds`` are
        re-chunked to match; dataframe columns must share partitions.
    sample_weight : dask.array.Array or dask Series, optional
        One non-negative weight per sample, of the same kind and length as ``preds``
        (re-chunked, or with the same partitions, likewise).
    preds_noise, target_noise, noise_policy, missing
        The noise policy, as in :func:`nmi.normalized_mutual_info_score`; it is applied to
        each chunk, and the partial tables (noise singleton totals included) add exactly.
    split_every : int, optional
        Fan-in of the tree that adds the partial tables (default 8).

    Returns
    -------
    dask.delayed.Delayed
        ``.compute()`` gives the table. Lengths that differ, or chunks that cannot be
        aligned, raise ValueError here, before any work; where chunk sizes are unknown, each
        pair of chunks is checked when it is counted (the error names the chunk).
    """
    fan_in = DEFAULT_SPLIT_EVERY if split_every is None else int(split_every)
    if fan_in < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every!r}")
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    if isinstance(preds, da.Array) and isinstance(target, da.Array):
        blocks = _blocks_of_arrays
    elif _is_series_like(preds) and _is_series_like(target):
        blocks = _blocks_of_series
    else:
        raise TypeError(
            "preds and target must both be dask arrays or both dask Series, got "
            f"{type(preds).__name__} and {type(target).__name__}; for NumPy arrays use "
            "nmi.contingency_matrix"
        )
    pairs = blocks(preds, target)
    weights: list[Any] = [None] * len(pairs)
    if sample_weight is not None:
        if isinstance(sample_weight, da.Array) != isinstance(preds, da.Array):
            raise TypeError(
                "sample_weight must be of the same kind as preds (a dask array or a dask "
                f"Series), got {type(sample_weight).__name__}"
            )
        weights = [w for _, w in blocks(preds, sample_weight, "sample_weight")]
    count = delayed(_chunk_table, pure=True)
    add = delayed(_add_tables, pure=True)
    starts = _chunk_starts(preds, len(pairs))
    level: list[Delayed] = [
        count(p, t, w, noise, (i, start))
        for i, ((p, t), w, start) in enumerate(zip(pairs, weights, starts, strict=True))
    ]
    if not level:
        empty: Delayed = count(
            np.empty(0), np.empty(0), None if sample_weight is None else np.empty(0)
        )
        return empty
    while len(level) > 1:
        level = [add(*level[i : i + fan_in]) for i in range(0, len(level), fan_in)]
    return level[0]


def normalized_mutual_info_score(
    preds: Any, target: Any, average_method: str = "arithmetic", **kwargs: Any
) -> float:
    """Score two dask labelings by normalized mutual information, on the active scheduler.

    Same value as :func:`nmi.normalized_mutual_info_score` on the whole arrays. Keyword
    arguments (``sample_weight``, the noise policy, ``split_every``) as in
    :func:`contingency_matrix`.
    """
    average_method = check_average_method(average_method)
    table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
    return table.normalized_mutual_info(average_method)


def mutual_info_score(preds: Any, target: Any, **kwargs: Any) -> float:
    """Return the mutual information in nats of two dask labelings (active scheduler)."""
    table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
    return table.mutual_info()


def adjusted_mutual_info_score(
    preds: Any, target: Any, average_method: str = "arithmetic", **kwargs: Any
) -> float:
    """Score two dask labelings by adjusted mutual information, on the active scheduler."""
    average_method = check_average_method(average_method)
    table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
    return table.adjusted_mutual_info(average_method)


def reduced_mutual_info_score(
    preds: Any, target: Any, *, reduction: str = "dirichlet", **kwargs: Any
) -> float:
    """Score two dask labelings by the reduced mutual information, on the active scheduler."""
    reduction = check_reduction(reduction)
    table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
    return table.reduced_mutual_info(reduction)


def normalized_reduced_mutual_info_score(
    preds: Any,
    target: Any,
    *,
    normalization: str = "target",
    reduction: str = "dirichlet",
    **kwargs: Any,
) -> float:
    """Score two dask labelings by the normalized reduced mutual information."""
    normalization = check_normalization(normalization)
    reduction = check_reduction(reduction)
    table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
    return table.normalized_reduced_mutual_info(normalization, reduction)


def clustering_scores(preds: Any, target: Any, **kwargs: Any) -> dict[str, float]:
    """Every score of two dask labelings from one table (see :meth:`Contingency.scores`)."""
    table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
    return table.scores()


def score_function(score: Score) -> Callable[..., float]:
    """Return the dask function of a registered score: one table, then its score."""

    def function(preds: Any, target: Any, **kwargs: Any) -> float:
        options = score.check_options(**{k: kwargs.pop(k) for k in score.options if k in kwargs})
        table: Contingency = contingency_matrix(preds, target, **kwargs).compute()
        return score.of_table(table, **options)

    function.__name__ = function.__qualname__ = score.function
    function.__doc__ = f"""Score two dask labelings, on the active scheduler: {score.doc}.

    Same value as :func:`nmi.{score.function}` on the whole arrays. Keyword arguments
    (``sample_weight``, the noise policy, ``split_every``) as in :func:`contingency_matrix`,
    and the score's options.
    """
    return function


homogeneity_score = score_function(HOMOGENEITY)
completeness_score = score_function(COMPLETENESS)
v_measure_score = score_function(V_MEASURE)
variation_of_information = score_function(VI)
adjusted_rand_score = score_function(ARI)
rand_score = score_function(RAND)
fowlkes_mallows_score = score_function(FMI)
cluster_accuracy = score_function(ACCURACY)
