"""PyTorch adapter: every registered score as a function and a Metric, a drop-in for torchmetrics.

Replace::

    from torchmetrics.clustering import NormalizedMutualInfoScore
    from torchmetrics.functional.clustering import normalized_mutual_info_score

with::

    from nmi.torch import NormalizedMutualInfoScore, normalized_mutual_info_score

Tensors are converted at the boundary (detached, moved to the CPU, made contiguous, viewed
as NumPy without a copy where possible); the NumPy core does the work; scores come back as
0-d tensors of torch's default float dtype on the input's device.

Differences from torchmetrics, all on purpose:

- two labelings that each have a single cluster (and two empty ones) score 1.0, as in
  scikit-learn; torchmetrics returns 0.0 there;
- the metric's state is the sparse contingency table (distinct label pairs with counts), not
  every label seen: memory follows the distinct pairs, and under DistributedDataParallel only
  those pairs cross processes;
- ``higher_is_better`` is True, ``is_differentiable`` False and ``plot_upper_bound`` 1.0.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

try:
    import torch
    from torchmetrics import Metric
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        f"nmi.torch needs torch and torchmetrics ({exc}); install them: pip install torch "
        "torchmetrics (or nmi's torch extra)"
    ) from exc

from ._noise import NO_NOISE, NoisePolicy
from ._reduced import check_normalization, check_reduction
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
    RAND,
    RMI,
    V_MEASURE,
    VI,
    Score,
)
from ._state import N_TOTALS, table_from_records, table_to_records
from ._validation import check_average_method, check_noise
from .contingency import Contingency, empty
from .functional import table_of_labels, with_keywords_doc

__all__ = [
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
    "ShapeMismatchError",
    "VMeasureScore",
    "VariationOfInformation",
    "adjusted_mutual_info_score",
    "adjusted_rand_score",
    "cluster_accuracy",
    "completeness_score",
    "fowlkes_mallows_index",
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

Tensor = torch.Tensor

_LIST_STATES = ("pair_preds", "pair_target", "pair_counts", "pair_kind")
_PLAIN_ATTRIBUTES = frozenset((*_LIST_STATES, "noise_stats", "_computed", "_update_count"))
# Records appended by updates are rewritten as one table once they outnumber the table's
# records and this many.
_MIN_PENDING = 1 << 16


class ShapeMismatchError(ValueError, RuntimeError):
    """preds and target of different shapes.

    A ValueError, as every refused input of nmi, and a RuntimeError, which torchmetrics
    raises there: code written for either catches it.
    """


def _check_pair(preds: Any, target: Any, allow_float: bool = False) -> None:
    """Validate two label tensors the way torchmetrics does, with ValueError throughout.

    ``allow_float``: float tensors pass (when NaN marks a missing label).
    """
    for name, x in (("preds", preds), ("target", target)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
        _check_device(x, name)
    if preds.shape != target.shape:
        raise ShapeMismatchError(
            "Predictions and targets are expected to have the same shape, but got "
            f"{tuple(preds.shape)} and {tuple(target.shape)}"
        )
    for name, x in (("preds", preds), ("target", target)):
        if x.ndim != 1:
            raise ValueError(f"Expected {name} to be a 1-d tensor but got a {x.ndim}-d tensor")
    floats = [torch.is_floating_point(x) and not allow_float for x in (preds, target)]
    if any(floats) or any(torch.is_complex(x) for x in (preds, target)):
        raise ValueError(
            f"Expected real, discrete values for preds and target but received {preds.dtype} "
            f"and {target.dtype}; pass integer or bool cluster labels (float labels are taken "
            "with missing='noise', NaN marking a missing label)"
        )


def _check_device(x: Tensor, name: str) -> None:
    if x.device.type == "meta":
        raise ValueError(
            f"{name} is on the meta device, which holds a shape but no values; create it on a "
            "device that holds data ('cpu', 'cuda', ...)"
        )


def _to_numpy(x: Tensor) -> npt.NDArray[Any]:
    """Hand a label tensor to NumPy: detached, on the CPU, contiguous, without copy if possible."""
    x = x.detach()
    if x.device.type != "cpu":
        x = x.cpu()
    if x.layout != torch.strided:
        x = x.to_dense()  # sparse labels: their implicit zeros are labels too
    if x.is_floating_point() and x.dtype not in _NUMPY_FLOATS:
        x = x.to(torch.float32)  # bfloat16 and float8 values are all float32 values exactly
    x = x.contiguous()
    unsigned = _UNSIGNED.get(x.dtype)
    if unsigned is not None:
        # through the signed view of the same bits, which every torch can hand to NumPy, back
        # to the unsigned values: a noise label 65535 then meets the labels 65535
        signed, numpy_dtype = unsigned
        return x.view(signed).numpy().view(numpy_dtype)
    return x.numpy()


_NUMPY_FLOATS = (torch.float16, torch.float32, torch.float64)

_UNSIGNED = {
    torch.uint16: (torch.int16, np.uint16),
    torch.uint32: (torch.int32, np.uint32),
    torch.uint64: (torch.int64, np.uint64),
}


def _weights_to_numpy(sample_weight: Any) -> Any:
    if isinstance(sample_weight, Tensor):
        _check_device(sample_weight, "sample_weight")
        if torch.is_complex(sample_weight):
            raise TypeError(f"sample_weight must be real, got {sample_weight.dtype}")
        return sample_weight.detach().cpu().to(torch.float64).numpy()
    return sample_weight


def _batch_table(
    preds: Tensor,
    target: Tensor,
    sample_weight: Any = None,
    noise: NoisePolicy = NO_NOISE,
) -> Contingency:
    _check_pair(preds, target, allow_float=noise.missing)
    w = _weights_to_numpy(sample_weight)
    return table_of_labels(_to_numpy(preds), _to_numpy(target), w, noise)


def _same_tensors(a: tuple[Tensor, ...], b: tuple[Tensor, ...]) -> bool:
    """Whether two tuples of states hold the very same tensor objects."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _empty_table() -> Contingency:
    """Return a table without samples, to add batches to."""
    return empty(_identity, _identity)


def _identity(values: Any) -> Any:
    return values


def _whole_counts(counts: Tensor) -> Tensor:
    """Return float64 counts of an old checkpoint as int64; ValueError unless whole."""
    if not counts.is_floating_point():
        return counts
    if not bool(torch.all(counts == torch.floor(counts))):
        raise ValueError("pair_counts of a checkpoint without pair_kind must be whole numbers")
    return counts.to(torch.int64)


def _as_score(value: float, device: torch.device) -> Tensor:
    return torch.tensor(value, dtype=torch.get_default_dtype(), device=device)


@with_keywords_doc
def normalized_mutual_info_score(
    preds: Tensor,
    target: Tensor,
    average_method: str = "arithmetic",
    *,
    sample_weight: Tensor | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> Tensor:
    """Score two clusterings given as label tensors by normalized mutual information.

    Parameters
    ----------
    preds, target : torch.Tensor of shape (N,)
        Integer or bool cluster labels, on any device.
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        How the two entropies are averaged into the normalizer.
    %(keywords)s

    Returns
    -------
    torch.Tensor
        0-d, torch's default float dtype, on ``preds``' device; between 0.0 and 1.0.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import normalized_mutual_info_score
    >>> target = torch.tensor([0, 3, 2, 2, 1])
    >>> preds = torch.tensor([1, 3, 2, 0, 1])
    >>> normalized_mutual_info_score(preds, target, "arithmetic")
    tensor(0.7919)
    """
    average_method = check_average_method(average_method)
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _batch_table(preds, target, sample_weight, noise)
    return _as_score(NMI.of_table(table, average_method=average_method), preds.device)


def mutual_info_score(
    preds: Tensor,
    target: Tensor,
    *,
    sample_weight: Tensor | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> Tensor:
    """Return the mutual information in nats of two clusterings given as label tensors.

    Keyword arguments as in :func:`normalized_mutual_info_score`.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import mutual_info_score
    >>> mutual_info_score(torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 0, 0]))
    tensor(0.6931)
    """
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _batch_table(preds, target, sample_weight, noise)
    return _as_score(table.mutual_info(), preds.device)


class NormalizedMutualInfoScore(Metric):
    """Normalized mutual information over batches of label tensors, as a torchmetrics Metric.

    A drop-in for ``torchmetrics.clustering.NormalizedMutualInfoScore``: same arguments, works
    in a ``MetricCollection``, with Lightning's logging, ``.to(device)`` and the Metric
    keyword arguments (``compute_on_cpu``, ``sync_on_compute``, ``dist_sync_on_step``,
    ``process_group``, ...). Its state is the sparse contingency table: one record per
    distinct (pred, target) pair with its count, so memory and what DDP synchronizes follow
    the distinct pairs, not the samples.

    Parameters
    ----------
    average_method : {"min", "geometric", "arithmetic", "max"}, default "arithmetic"
        How the two entropies are averaged into the normalizer.
    preds_noise, target_noise, noise_policy, missing
        The noise policy applied to every batch, as in
        :func:`nmi.normalized_mutual_info_score`; with ``missing="noise"``, float label
        tensors are taken and NaN marks a missing label. Noise singletons are kept as one
        total per label of the other side, so they add no records of their own.
    **kwargs
        Passed to ``torchmetrics.Metric``.

    Notes
    -----
    As in torchmetrics, the states are left out of ``state_dict()`` unless
    ``metric.persistent(True)`` was called; ``load_state_dict`` reads them either way.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import NormalizedMutualInfoScore
    >>> preds = torch.tensor([2, 1, 0, 1, 0])
    >>> target = torch.tensor([0, 2, 1, 1, 0])
    >>> nmi_score = NormalizedMutualInfoScore("arithmetic")
    >>> nmi_score(preds, target)
    tensor(0.4744)
    """

    score: ClassVar[Score] = NMI
    is_differentiable = False
    higher_is_better = True
    full_state_update = False
    plot_lower_bound = 0.0
    plot_upper_bound: float | None = 1.0

    # torch.jit.script leaves these alone: the table is Python, not TorchScript
    __jit_unused_properties__ = [*Metric.__jit_unused_properties__, "table"]  # noqa: RUF012

    # The states (pair_preds, pair_target, pair_counts, pair_kind: lists of tensors;
    # noise_stats: a tensor) are not annotated here: torch.jit.script, which torchmetrics'
    # tests run on every metric, reads class annotations and cannot resolve these.

    def __init__(
        self,
        average_method: str = "arithmetic",
        *,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
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
        """Check the score's options and the noise arguments; add the (empty) states."""
        self.options = self.score.check_options(**options)
        for name, value in self.options.items():
            setattr(self, name, value)
        self.noise = check_noise(preds_noise, target_noise, noise_policy, missing)
        for name in _LIST_STATES:
            self.add_state(name, default=[], dist_reduce_fx="cat")
        # sums over the noise singletons (nmi._noise.NoiseTotals): they add across ranks
        stats = torch.zeros(N_TOTALS, dtype=torch.float64)
        self.add_state("noise_stats", default=stats, dist_reduce_fx="sum")
        self._table_cache: tuple[tuple[Tensor, ...], Contingency] | None = None
        # batches appended since the states were last one table, and the states they left
        self._pending: list[Contingency] = []
        self._pending_states: tuple[Tensor, ...] = ()
        self._init_threads()

    def _init_threads(self) -> None:
        # One lock serializes every read and write of the tensor states, so that updates
        # from several threads lose nothing; the batch a thread last added is its own.
        self._lock = threading.RLock()
        self._mine = threading.local()

    def __setattr__(self, name: str, value: Any) -> None:
        # The states and torchmetrics' bookkeeping are plain attributes (never parameters,
        # buffers or modules): written directly, without nn.Module's checks. A
        # MetricCollection points every member's states at its compute group's first
        # member after each update, a dozen members times these names.
        if name in _PLAIN_ATTRIBUTES:
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        return {k: v for k, v in state.items() if k not in ("_lock", "_mine")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._init_threads()

    # -- the table behind the tensor states ------------------------------------------

    def _states(self) -> tuple[Tensor, ...]:
        out: list[Tensor] = []
        for name in _LIST_STATES:
            value = getattr(self, name)
            out.extend([value] if isinstance(value, Tensor) else value)
        return (*out, self.noise_stats)

    @property
    def table(self) -> Contingency:
        """The table of every sample seen, rebuilt from the tensor states when they changed."""
        with self._lock:
            return self._read_table()

    def _read_table(self) -> Contingency:
        states = self._states()
        if self._table_cache is not None and _same_tensors(states, self._table_cache[0]):
            return self._table_cache[1]
        if self._pending and _same_tensors(states, self._pending_states):
            # only our own appends since the last table: add their tables to it (linear)
            tables = [_empty_table() if self._table_cache is None else self._table_cache[1]]
            tables += self._pending
            while len(tables) > 1:  # pairwise, so that each merge is of similar sizes
                pairs = range(0, len(tables) - 1, 2)
                tables = [tables[i] + tables[i + 1] for i in pairs] + tables[len(tables) // 2 * 2 :]
            table = tables[0]
        else:  # states set from outside (a load, a sync, a merge): read every record
            preds, target, values, kind = self._records(states)
            table = table_from_records(preds, target, values, kind, self.noise_stats.cpu().numpy())
        self._store(table)
        return table

    @staticmethod
    def _records(states: tuple[Tensor, ...]) -> list[npt.NDArray[Any]]:
        """Every record of the list states as four NumPy arrays (preds, target, value, kind)."""
        k = (len(states) - 1) // len(_LIST_STATES)
        return [
            torch.cat([t.reshape(-1) for t in states[i * k : (i + 1) * k]]).cpu().numpy()
            if k
            else np.empty(0, dtype=np.int8 if i == 3 else np.int64)
            for i in range(len(_LIST_STATES))
        ]

    def _store(self, table: Contingency) -> None:
        """Keep ``table`` as the state: one tensor per state, on the metric's device."""
        records = table_to_records(table)
        tensors = tuple(torch.from_numpy(v).to(self.device) for v in records[:4])
        self.pair_preds, self.pair_target, self.pair_counts, self.pair_kind = ([t] for t in tensors)
        self.noise_stats = torch.from_numpy(records[4]).to(self.device)
        self._table_cache = ((*tensors, self.noise_stats), table)
        self._pending, self._pending_states = [], ()

    def _append(self, batch: Contingency) -> None:
        """Add a batch's records to the states, in time proportional to the batch (amortized).

        The records are appended; the states are rewritten as one table only once the
        appended records outnumber the table's own, so each record is rewritten O(1) times
        on average, however large the table grows.
        """
        states = self._states()
        mine = self._pending and _same_tensors(states, self._pending_states)
        cached = self._table_cache is not None and _same_tensors(states, self._table_cache[0])
        if not (mine or cached or len(states) == 1):  # states set from outside: read them
            self._read_table()
        records = table_to_records(batch)
        # the states are lists here: our own, or just rewritten by _read_table above
        lists = [getattr(self, name) for name in _LIST_STATES]
        tensors = [torch.from_numpy(v).to(self.device) for v in records[:4]]
        for name, held, new in zip(_LIST_STATES, lists, tensors, strict=True):
            setattr(self, name, [*held, new])
        self.noise_stats = self.noise_stats + torch.from_numpy(records[4]).to(self.device)
        self._pending.append(batch)
        self._pending_states = self._states()
        first = self.pair_kind[0].numel()  # the table's records, or the first batch's
        pending = sum(t.numel() for t in self.pair_kind[1:])
        if pending > max(first, _MIN_PENDING):
            self._read_table()  # rewrite as one table: the records of a pair add up

    # -- Metric interface -------------------------------------------------------------

    def update(self, preds: Tensor, target: Tensor, sample_weight: Tensor | None = None) -> None:
        """Add a batch of integer (or bool) label tensors of shape (N,) to the state.

        ``sample_weight``: optional non-negative weights of shape (N,); a refused batch
        changes nothing.
        """
        batch = _batch_table(preds, target, sample_weight, self.noise)  # counted unlocked
        with self._lock:
            self._append(batch)
        self._mine.batch = batch

    def _score(self, table: Contingency) -> float:
        return self.score.of_table(table, **self.options)

    def compute(self) -> Tensor:
        """Return the score of every sample seen (on every rank, when distributed)."""
        return _as_score(self._score(self.table), self.device)

    @torch.jit.unused  # Python all the way down; a scripted metric leaves it as it is
    def forward(self, preds: Tensor, target: Tensor, sample_weight: Tensor | None = None) -> Tensor:
        """Add a batch to the state and return the score of that batch alone."""
        if self.dist_sync_on_step:
            synced: Tensor = super().forward(preds, target, sample_weight)  # the batch, synced
            return synced
        self.update(preds, target, sample_weight)  # the wrapped update keeps the bookkeeping
        batch: Contingency = self._mine.batch
        return _as_score(self._score(batch), preds.device)

    def reset(self) -> None:
        """Forget every sample seen."""
        with self._lock:
            super().reset()
            self._table_cache = None
            self._pending, self._pending_states = [], ()

    def _sync_dist(self, dist_sync_fn: Any = None, process_group: Any = None) -> None:
        # What crosses processes is the table, one record per distinct pair: rewrite the
        # records that updates appended first.
        with self._lock:
            self._read_table()
        # A rank without data would offer an empty float tensor to the gather, next to the
        # int64 tables of the others: give it an empty table of the right dtypes instead.
        for name in _LIST_STATES:
            if isinstance(getattr(self, name), list) and not getattr(self, name):
                dtype = torch.int8 if name == "pair_kind" else torch.int64
                setattr(self, name, [torch.zeros(0, dtype=dtype, device=self.device)])
        kwargs = {"process_group": process_group}
        if dist_sync_fn is not None:
            kwargs["dist_sync_fn"] = dist_sync_fn
        super()._sync_dist(**kwargs)

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str, *args: Any) -> None:
        before = {name: getattr(self, name) for name in (*_LIST_STATES, "noise_stats")}
        super()._load_from_state_dict(state_dict, prefix, *args)
        try:
            if not self.pair_kind and self.pair_preds:
                # a checkpoint from before weights and noise: every record is a counted cell,
                # its count an int64 or (as that version often wrote it) a float64 whole number
                self.pair_kind = [torch.zeros(t.numel(), dtype=torch.int8) for t in self.pair_preds]
                self.pair_counts = [_whole_counts(t) for t in self.pair_counts]
            self.table  # noqa: B018 - read the records now: a bad state is refused here
        except (TypeError, ValueError) as exc:
            for name, value in before.items():  # a refused state changes nothing
                setattr(self, name, value)
            raise ValueError(f"cannot load this state: {exc}") from None
        if any(t.numel() for t in self._states()[:-1]) or bool(self.noise_stats.any()):
            self._update_count = max(self._update_count, 1)  # a loaded table counts as data

    def plot(self, val: Tensor | Sequence[Tensor] | None = None, ax: Any = None) -> tuple[Any, Any]:
        """Plot one value or a sequence of values (see ``torchmetrics.Metric.plot``)."""
        return self._plot(val, ax)


def adjusted_mutual_info_score(
    preds: Tensor,
    target: Tensor,
    average_method: str = "arithmetic",
    *,
    sample_weight: Tensor | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> Tensor:
    """Score two clusterings given as label tensors by adjusted mutual information.

    A drop-in for ``torchmetrics.functional.clustering.adjusted_mutual_info_score``, with
    scikit-learn's values (and edge cases). Keyword arguments as in
    :func:`normalized_mutual_info_score`.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import adjusted_mutual_info_score
    >>> adjusted_mutual_info_score(torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 0, 0]))
    tensor(1.)
    """
    average_method = check_average_method(average_method)
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _batch_table(preds, target, sample_weight, noise)
    return _as_score(AMI.of_table(table, average_method=average_method), preds.device)


def reduced_mutual_info_score(
    preds: Tensor,
    target: Tensor,
    *,
    reduction: str = "dirichlet",
    sample_weight: Tensor | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> Tensor:
    """Score what ``preds`` tell of ``target``, less the cost of their table, from tensors.

    :func:`nmi.reduced_mutual_info_score` (nats per object) on label tensors; keyword
    arguments as in :func:`normalized_mutual_info_score`.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import reduced_mutual_info_score
    >>> labels = torch.tensor([0, 0, 1, 1] * 10)
    >>> reduced_mutual_info_score(labels, 1 - labels)
    tensor(0.6585)
    """
    check_reduction(reduction)
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _batch_table(preds, target, sample_weight, noise)
    return _as_score(table.reduced_mutual_info(reduction), preds.device)


def normalized_reduced_mutual_info_score(
    preds: Tensor,
    target: Tensor,
    *,
    normalization: str = "target",
    reduction: str = "dirichlet",
    sample_weight: Tensor | None = None,
    preds_noise: Any = None,
    target_noise: Any = None,
    noise_policy: Any = "keep",
    missing: str = "raise",
) -> Tensor:
    """Score the share of ``target``'s information that ``preds`` capture, from tensors.

    :func:`nmi.normalized_reduced_mutual_info_score` on label tensors; keyword arguments as
    in :func:`normalized_mutual_info_score`.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import normalized_reduced_mutual_info_score
    >>> normalized_reduced_mutual_info_score(torch.tensor([0, 0, 1]), torch.tensor([1, 1, 0]))
    tensor(1.)
    """
    check_normalization(normalization)
    check_reduction(reduction)
    noise = check_noise(preds_noise, target_noise, noise_policy, missing)
    table = _batch_table(preds, target, sample_weight, noise)
    return _as_score(table.normalized_reduced_mutual_info(normalization, reduction), preds.device)


class AdjustedMutualInfoScore(NormalizedMutualInfoScore):
    """Adjusted mutual information over batches, as a torchmetrics Metric.

    A drop-in for ``torchmetrics.clustering.AdjustedMutualInfoScore`` with the same sparse
    state as :class:`NormalizedMutualInfoScore`.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import AdjustedMutualInfoScore
    >>> metric = AdjustedMutualInfoScore()
    >>> metric.update(torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 0, 0]))
    >>> metric.compute()
    tensor(1.)
    """

    score = AMI
    plot_lower_bound = -1.0


class NormalizedReducedMutualInfoScore(NormalizedMutualInfoScore):
    """The reduced mutual information's share of what there is to know, as a Metric.

    :func:`nmi.normalized_reduced_mutual_info_score` over batches of label tensors, with the
    sparse state of :class:`NormalizedMutualInfoScore` (DDP, merge_state and checkpoints
    alike). ``normalization`` and ``reduction`` as there; other arguments as for
    :class:`NormalizedMutualInfoScore`.

    Examples
    --------
    >>> import torch
    >>> from nmi.torch import NormalizedReducedMutualInfoScore
    >>> metric = NormalizedReducedMutualInfoScore()
    >>> metric.update(torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 0, 0]))
    >>> metric.compute()
    tensor(1.)
    """

    score = NRMI
    plot_lower_bound = -1.0

    def __init__(
        self,
        normalization: str = "target",
        reduction: str = "dirichlet",
        *,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
        **kwargs: Any,
    ) -> None:
        Metric.__init__(self, **kwargs)
        self._setup({"normalization": normalization, "reduction": reduction}, preds_noise,
                    target_noise, noise_policy, missing)  # fmt: skip


def metric_class(score: Score) -> type[NormalizedMutualInfoScore]:
    """Return the Metric of a registered score: the sparse state of the others.

    Its arguments are torchmetrics' (``ClusterAccuracy(num_classes)``,
    ``VMeasureScore(beta)``), by position or keyword: the registry's torch arguments, then
    the score's options; the other keyword arguments go to ``torchmetrics.Metric``.
    """

    def __init__(
        self: NormalizedMutualInfoScore,
        *args: Any,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
        **kwargs: Any,
    ) -> None:
        options, extra = score.torch_options(score.metric, args, kwargs)
        Metric.__init__(self, **kwargs)
        for name, value in extra.items():  # e.g. num_classes, kept as given
            setattr(self, name, value)
        self._setup(options, preds_noise, target_noise, noise_policy, missing)

    low, high = score.range
    doc = f"""{score.doc[0].upper()}{score.doc[1:]}, over batches of label tensors, as a Metric.

    :func:`nmi.{score.function}` over batches, with the sparse state of
    :class:`NormalizedMutualInfoScore` (DDP, merge_state and checkpoints alike).
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
    }
    return type(score.metric, (NormalizedMutualInfoScore,), namespace)


def score_function(score: Score) -> Callable[..., Tensor]:
    """Return the tensor function of a registered score: :func:`nmi.functional.score_function`."""

    def function(
        preds: Tensor,
        target: Tensor,
        *args: Any,
        sample_weight: Tensor | None = None,
        preds_noise: Any = None,
        target_noise: Any = None,
        noise_policy: Any = "keep",
        missing: str = "raise",
        **options: Any,
    ) -> Tensor:
        checked, _ = score.torch_options(score.function, args, options)
        if options:
            raise TypeError(f"{score.function} got unexpected arguments {', '.join(options)}")
        noise = check_noise(preds_noise, target_noise, noise_policy, missing)
        table = _batch_table(preds, target, sample_weight, noise)
        return _as_score(score.of_table(table, **checked), preds.device)

    function.__name__ = function.__qualname__ = score.function
    function.__doc__ = f"""Score two clusterings given as label tensors: {score.doc}.

    :func:`nmi.{score.function}` on label tensors, as a 0-d tensor on ``preds``' device;
    torchmetrics' arguments by position or keyword; the noise and weight keywords as in
    :func:`normalized_mutual_info_score`.
    """
    return function


MutualInfoScore = metric_class(MI)
HomogeneityScore = metric_class(HOMOGENEITY)
CompletenessScore = metric_class(COMPLETENESS)
VMeasureScore = metric_class(V_MEASURE)
VariationOfInformation = metric_class(VI)
AdjustedRandScore = metric_class(ARI)
RandScore = metric_class(RAND)
FowlkesMallowsIndex = metric_class(FMI)
ClusterAccuracy = metric_class(ACCURACY)
ReducedMutualInfoScore = metric_class(RMI)

homogeneity_score = score_function(HOMOGENEITY)
completeness_score = score_function(COMPLETENESS)
v_measure_score = score_function(V_MEASURE)
variation_of_information = score_function(VI)
adjusted_rand_score = score_function(ARI)
rand_score = score_function(RAND)
fowlkes_mallows_score = score_function(FMI)
fowlkes_mallows_index = fowlkes_mallows_score  # torchmetrics' name (FMI.torch_function)
cluster_accuracy = score_function(ACCURACY)
