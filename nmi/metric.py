"""Streaming accumulators: every registered score over batches, in memory bounded by the pairs.

One class per score of the registry (:mod:`nmi._registry`): three written here (NMI, AMI,
the normalized reduced MI, with arguments of their own), the others made by
:func:`accumulator_class`. The state of each is one :class:`~nmi.contingency.Contingency`:
the distinct (pred, target) label pairs with exact counts. Each update counts its batch with
the kernels (without the GIL) and adds the batch table to the state under a lock, so memory
follows the number of distinct pairs, never the number of samples, and accumulators fed from
different threads, processes or machines merge exactly.
"""

from __future__ import annotations

import json
import math
import threading
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy.typing as npt

from ._noise import NO_NOISE
from ._registry import (
    ACCURACY,
    AMI,
    ARI,
    COMPLETENESS,
    FMI,
    HOMOGENEITY,
    MI,
    NMI,
    NRMI,
    OPTIONS,
    RAND,
    RMI,
    V_MEASURE,
    VI,
    Score,
)
from ._resampling import BootstrapResult, PermutationTestResult
from ._state import STATE_VERSION, table_from_state, table_to_state
from ._validation import check_noise
from .contingency import Contingency, empty
from .functional import table_of_labels
from .uncertainty import bootstrap, permutation_test

__all__ = [
    "STATE_VERSION",
    "AdjustedMutualInfoScore",
    "AdjustedRandScore",
    "ClusterAccuracy",
    "CompletenessScore",
    "FowlkesMallowsIndex",
    "HomogeneityScore",
    "MutualInfoScore",
    "NormalizedMutualInfoScore",
    "NormalizedReducedMutualInfoScore",
    "RandScore",
    "ReducedMutualInfoScore",
    "VMeasureScore",
    "VariationOfInformation",
]


def options_text(options: dict[str, Any]) -> str:
    """Return a score's options as the saved state's ``average_method`` text: "a/b"."""
    return "/".join(str(value) for value in options.values())


def options_of_text(text: str) -> list[str]:
    """Return the options' values that :func:`options_text` wrote, in order."""
    return text.split("/") if text else []


def _empty_table() -> Contingency:
    return empty(_same, _same)


def _same(values: Any) -> Any:
    return values


class NormalizedMutualInfoScore:
    """Normalized mutual information of a stream of (preds, target) batches.

    Same scores as :func:`nmi.normalized_mutual_info_score` on everything seen so far, with
    the interface of ``torchmetrics.clustering.NormalizedMutualInfoScore`` (NumPy in, float
    out). The state is a sparse contingency table: memory grows with the distinct label
    pairs, not with the samples.

    Parameters
    ----------
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        How the two entropies are averaged into the normalizer.
    preds_noise, target_noise, noise_policy, missing
        The noise policy applied to every batch, as in
        :func:`nmi.normalized_mutual_info_score`. Under ``"singleton"`` the state keeps
        one total per label of the other side, not one row per noise sample, so memory stays
        bounded however many noise samples the stream holds.

    Attributes
    ----------
    table : Contingency
        Every label pair seen since construction or the last :meth:`reset`.
    n_samples : int
        Number of samples seen.

    Examples
    --------
    >>> import nmi
    >>> metric = nmi.NormalizedMutualInfoScore()
    >>> metric.update([0, 0, 1], ["a", "a", "b"])
    >>> metric.update([1, 2], ["b", "c"])
    >>> metric.compute()
    1.0
    >>> metric.n_samples
    5
    """

    score: ClassVar[Score] = NMI
    higher_is_better = True
    is_differentiable = False
    full_state_update = False
    plot_lower_bound = 0.0
    plot_upper_bound: float | None = 1.0
    _label = "NMI"

    def _score(self, table: Contingency) -> float:
        return self.score.of_table(table, **self.options)

    def _arguments(self) -> tuple[Any, ...]:
        """Return the positional arguments that build an accumulator scoring as this one."""
        return tuple(self.options.values())

    def __init__(
        self,
        average_method: str = "arithmetic",
        *,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
    ) -> None:
        self._setup({"average_method": average_method}, preds_noise, target_noise,
                    noise_policy, missing)  # fmt: skip

    def _setup(
        self,
        options: dict[str, Any],
        preds_noise: Any,
        target_noise: Any,
        noise_policy: Any,
        missing: Any,
    ) -> None:
        """Check the score's options and the noise arguments; start with an empty state."""
        self.options = self.score.check_options(**options)
        for name, value in self.options.items():
            setattr(self, name, value)
        # the options as one text: the saved state's and the merge check's average_method
        self.average_method = options_text(self.options)
        self.noise = check_noise(preds_noise, target_noise, noise_policy, missing)
        self._lock = threading.Lock()
        self.table = _empty_table()
        self._updated = False

    # -- accumulating ------------------------------------------------------------------

    def _add(self, table: Contingency) -> None:
        # Counting happened outside the lock; only the merge into the state is serialized.
        with self._lock:
            self.table = self.table + table
            self._updated = True

    def update(
        self,
        preds: npt.ArrayLike,
        target: npt.ArrayLike,
        sample_weight: npt.ArrayLike | None = None,
    ) -> None:
        """Add a batch of predicted and target labels to the state.

        Parameters
        ----------
        preds, target : array-like of shape (n_samples,)
            Labels of the same samples, any type :func:`nmi.normalized_mutual_info_score`
            accepts. A batch that is refused (ValueError, TypeError) changes nothing.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative finite weight of each sample (None: 1 each). Once a weighted batch
            is added, the state holds ``float64`` weights.
        """
        self._add(table_of_labels(preds, target, sample_weight, self.noise))

    def compute(self) -> float:
        """Return the NMI of every sample seen so far.

        Returns
        -------
        float
            Between 0.0 and 1.0. Before any update, warns and returns 1.0, the value for
            empty input.
        """
        if not self._updated:
            warnings.warn(
                "compute() was called before any update(); returning 1.0, the score of empty input",
                UserWarning,
                stacklevel=2,
            )
        return self._score(self.table)

    def scores(self) -> dict[str, float]:
        """Every score of the samples seen so far (see :meth:`nmi.Contingency.scores`)."""
        return self.table.scores()

    def _resampled(self) -> dict[str, Any]:
        """Return the score argument (and its options) that resampling scores this one by.

        By name where its options other than ``average_method`` are their defaults (the
        name takes those); else the accumulator's own score, as a callable.
        """
        others = {k: v for k, v in self.options.items() if k != "average_method"}
        if all(OPTIONS[k].default == v for k, v in others.items()):
            method = self.options.get("average_method", OPTIONS["average_method"].default)
            return {"score": self.score.name, "average_method": method}
        return {"score": self._score}

    def bootstrap(self, **options: Any) -> BootstrapResult:
        """Return the score of the samples seen so far with its bootstrap confidence interval.

        Drawn from the state's table, at no extra pass over the data. ``options``:
        ``n_resamples``, ``confidence_level``, ``method``, ``random_state``, as for
        :func:`nmi.bootstrap`.
        """
        result: BootstrapResult = bootstrap(contingency=self.table, **self._resampled(), **options)
        return result

    def permutation_test(self, **options: Any) -> PermutationTestResult:
        """Return the score of the samples seen so far with its permutation p-value.

        Drawn from the state's table. ``options``: ``n_resamples``, ``alternative``,
        ``random_state``, as for :func:`nmi.permutation_test`.
        """
        result: PermutationTestResult = permutation_test(
            contingency=self.table, **self._resampled(), **options
        )
        return result

    def forward(
        self,
        preds: npt.ArrayLike,
        target: npt.ArrayLike,
        sample_weight: npt.ArrayLike | None = None,
    ) -> float:
        """Add a batch to the state and return the score of that batch alone."""
        batch = table_of_labels(preds, target, sample_weight, self.noise)
        self._add(batch)
        return self._score(batch)

    __call__ = forward

    def reset(self) -> None:
        """Forget every sample seen."""
        with self._lock:
            self.table = _empty_table()
            self._updated = False

    @property
    def n_samples(self) -> Any:
        """Number of samples seen since the last reset (their total weight once weighted)."""
        return self.table.n_samples

    # -- merging -----------------------------------------------------------------------

    def _check_compatible(self, other: object) -> NormalizedMutualInfoScore:
        if type(other) is not type(self):
            raise TypeError(
                f"can only merge another {type(self).__name__}, got {type(other).__name__}"
            )
        assert isinstance(other, NormalizedMutualInfoScore)
        if other.average_method != self.average_method:
            raise ValueError(
                f"cannot merge accumulators with different average_method: "
                f"{self.average_method!r} and {other.average_method!r}; create both with the "
                "same average_method"
            )
        if other.noise != self.noise:
            raise ValueError(
                f"cannot merge accumulators with different noise policies: "
                f"{self.noise.as_dict()} and {other.noise.as_dict()}; create both with the "
                "same noise arguments"
            )
        return other

    def merge(self, *others: NormalizedMutualInfoScore) -> NormalizedMutualInfoScore:
        """Add the state of other accumulators to this one, in place; return ``self``.

        The result is exactly the state of one accumulator that saw every stream. Refused
        (TypeError, ValueError) for other types or another ``average_method``, changing
        nothing.
        """
        checked = [self._check_compatible(o) for o in others]
        tables = [o.table for o in checked]  # read before locking: merging with itself works
        with self._lock:
            total = self.table
            for t in tables:
                total = total + t
            self.table = total
            self._updated = self._updated or any(o._updated for o in checked)
        return self

    def copy(self) -> NormalizedMutualInfoScore:
        """Return an independent accumulator with the same state."""
        twin = type(self)(*self._arguments())
        twin.noise = self.noise
        twin.table, twin._updated = self.table, self._updated  # tables are immutable
        return twin

    def __add__(self, other: object) -> NormalizedMutualInfoScore:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self.copy()  # sum([a, b, c]) starts from 0
        if not isinstance(other, NormalizedMutualInfoScore):
            return NotImplemented
        return self.copy().merge(other)

    __radd__ = __add__

    def __iadd__(self, other: object) -> NormalizedMutualInfoScore:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        if not isinstance(other, NormalizedMutualInfoScore):
            return NotImplemented
        return self.merge(other)

    # -- checkpoints -------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Return the state as plain NumPy arrays and Python scalars.

        Keys: ``version`` (format version, currently 2), ``average_method``, ``n_samples``,
        ``rows``, ``cols``, ``counts`` (``int64`` counts, or ``float64`` weights, of the cells
        sorted by row then column), ``row_labels``, ``col_labels`` (sorted distinct labels),
        ``noise`` (the noise arguments, as JSON text), and the noise singleton totals
        ``noise_rows``, ``noise_cols``, ``noise_stats`` (empty without singletons). Str
        labels come as NumPy str arrays, so no pickle is needed to save the state with
        ``numpy.savez``.
        """
        return table_to_state(self.table, self.average_method, self._noise_text())

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict`, exactly.

        Refused with a ValueError (the current state is kept) for another format version,
        another ``average_method``, missing keys, or arrays that are corrupt or inconsistent
        (bad indices or counts, labels not sorted, cells not in the order
        :meth:`state_dict` writes, counts not adding up to ``n_samples``).
        """
        table = table_from_state(state, self.average_method, self._noise_text())
        with self._lock:
            self.table = table
            self._updated = table.n_samples > 0

    def _noise_text(self) -> str:
        # text, so that numpy.savez stores it without pickle; labels of other types by repr
        return json.dumps(self.noise.as_dict(), sort_keys=True, default=repr)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.state_dict(), "noise_policy": self.noise}

    def __setstate__(self, state: dict[str, Any]) -> None:
        texts = options_of_text(str(state["average_method"]))
        values = [OPTIONS[k].parse(v) for k, v in zip(self.score.options, texts, strict=False)]
        self.__init__(*values)  # type: ignore[misc]
        self.noise = state.get("noise_policy", NO_NOISE)  # version 1 pickles had no noise
        self.load_state_dict(state)

    def __repr__(self) -> str:
        options = "".join(f"{k}={v!r}, " for k, v in self.options.items())
        return f"{type(self).__name__}({options}n_samples={self.n_samples}, pairs={self.table.nnz})"

    # -- plotting ----------------------------------------------------------------------

    def plot(self, val: float | Sequence[float] | None = None, ax: Any = None) -> tuple[Any, Any]:
        """Plot one score as a point, or a sequence of scores as a line over steps.

        Parameters
        ----------
        val : float or sequence of float, optional
            What to plot; by default the current :meth:`compute` value.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure is made when omitted.

        Returns
        -------
        (matplotlib.figure.Figure, matplotlib.axes.Axes)
        """
        from ._plot import plot_scores

        if val is None:
            val = self.compute()
        label = f"{self._label} ({self.average_method})" if self.options else self._label
        return plot_scores(val, ax, label, self.plot_lower_bound, self.plot_upper_bound)


class AdjustedMutualInfoScore(NormalizedMutualInfoScore):
    """Adjusted mutual information of a stream of (preds, target) batches.

    Same interface and state as :class:`NormalizedMutualInfoScore` (the sparse table);
    :meth:`compute` and :meth:`forward` return :func:`nmi.adjusted_mutual_info_score` of the
    samples seen, or of the batch.

    Examples
    --------
    >>> import nmi
    >>> metric = nmi.AdjustedMutualInfoScore()
    >>> metric.update([0, 0, 1, 1], ["a", "a", "b", "b"])
    >>> metric.compute()
    1.0
    """

    score = AMI
    plot_lower_bound = -1.0
    _label = "AMI"


class NormalizedReducedMutualInfoScore(NormalizedMutualInfoScore):
    """The reduced mutual information's share of what there is to know, over a stream.

    Same interface and state as :class:`NormalizedMutualInfoScore` (the sparse table);
    :meth:`compute` and :meth:`forward` return :func:`nmi.normalized_reduced_mutual_info_score`
    of the samples seen, or of the batch. Where the other accumulators keep their
    ``average_method`` (the attribute, the saved state, the check before merging), this one
    keeps ``"normalization/reduction"``, e.g. ``"target/dirichlet"``.

    Parameters
    ----------
    normalization : {"target", "preds", "mean"}, default "target"
    reduction : {"dirichlet", "flat", "none"}, default "dirichlet"
        As for :func:`nmi.normalized_reduced_mutual_info_score`.
    preds_noise, target_noise, noise_policy, missing
        As for :class:`NormalizedMutualInfoScore`.

    Examples
    --------
    >>> import nmi
    >>> metric = nmi.NormalizedReducedMutualInfoScore()
    >>> metric.update([0, 0, 1, 1], ["a", "a", "b", "b"])
    >>> metric.compute()
    1.0
    >>> metric.average_method
    'target/dirichlet'
    """

    score = NRMI
    plot_lower_bound = -1.0
    plot_upper_bound = 1.0
    _label = "RMI"

    def __init__(
        self,
        normalization: str = "target",
        reduction: str = "dirichlet",
        *,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
    ) -> None:
        self._setup({"normalization": normalization, "reduction": reduction}, preds_noise,
                    target_noise, noise_policy, missing)  # fmt: skip


def accumulator_class(score: Score) -> type[NormalizedMutualInfoScore]:
    """Return the accumulator of a registered score: the state and interface of the others.

    Its options (the registry's, in order) are its positional or keyword arguments, as
    ``NormalizedReducedMutualInfoScore(normalization, reduction)``.
    """

    def __init__(
        self: NormalizedMutualInfoScore,
        *args: str,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
        **options: str,
    ) -> None:
        given = score.given_options(score.metric, args, **options)
        self._setup(given, preds_noise, target_noise, noise_policy, missing)

    low, high = score.range
    doc = f"""{score.doc[0].upper()}{score.doc[1:]}, over a stream of (preds, target) batches.

    Same interface and state as :class:`NormalizedMutualInfoScore` (the sparse table);
    :meth:`compute` and :meth:`forward` return :func:`nmi.{score.function}` of the samples
    seen, or of the batch.
    """
    namespace = {
        "__init__": __init__,
        "__doc__": doc,
        "__module__": __name__,
        "__qualname__": score.metric,
        "score": score,
        "higher_is_better": score.higher_is_better,
        "plot_lower_bound": low if math.isfinite(low) else -1.0,
        "plot_upper_bound": high if math.isfinite(high) else None,
        "_label": score.name.upper(),
    }
    return type(score.metric, (NormalizedMutualInfoScore,), namespace)


MutualInfoScore = accumulator_class(MI)
HomogeneityScore = accumulator_class(HOMOGENEITY)
CompletenessScore = accumulator_class(COMPLETENESS)
VMeasureScore = accumulator_class(V_MEASURE)
VariationOfInformation = accumulator_class(VI)
AdjustedRandScore = accumulator_class(ARI)
RandScore = accumulator_class(RAND)
FowlkesMallowsIndex = accumulator_class(FMI)
ClusterAccuracy = accumulator_class(ACCURACY)
ReducedMutualInfoScore = accumulator_class(RMI)
