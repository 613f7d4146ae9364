"""Noise labels: the policy from the boundary to the table, and the singleton arithmetic.

:class:`NoisePolicy` is what the caller asked for (which labels are noise on each side, and
whether each side keeps, drops or splits them into singletons); it travels unchanged from the
public functions to the counting. The noise samples themselves travel as a mask on each
side's :class:`~nmi._validation.Labels`.

Under ``"singleton"`` every noise sample is a cluster of its own. A table keeps them as
totals, so a million noise points cost no more memory than a few: per label of the other
side, the weight of its singletons (:class:`Singletons`), and a few sums
(:class:`NoiseTotals`). :func:`singleton_information` is the one place where what they add
to the mutual information and the entropies is worked out.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

NOISE_POLICIES = ("keep", "drop", "singleton")


@dataclass(frozen=True)
class NoisePolicy:
    """Which labels are noise on each side, and what noise means there.

    Built and checked by :func:`nmi._validation.check_noise`. The default, no noise labels
    and missing labels refused, asks for nothing: :attr:`active` is False.
    """

    preds_values: tuple[Any, ...] = ()
    target_values: tuple[Any, ...] = ()
    preds_policy: str = "keep"
    target_policy: str = "keep"
    missing: bool = False

    @property
    def active(self) -> bool:
        """Whether any label can be noise (named noise values, or missing labels as noise)."""
        return bool(self.preds_values or self.target_values or self.missing)

    def side(self, name: str) -> tuple[tuple[Any, ...], str]:
        """Return (noise values, policy) of the side called ``name`` ("preds" or "target")."""
        if name == "preds":
            return self.preds_values, self.preds_policy
        return self.target_values, self.target_policy

    def as_dict(self) -> dict[str, Any]:
        """Return the policy as the keyword arguments that build it (JSON-friendly)."""
        return {
            "preds_noise": list(self.preds_values),
            "target_noise": list(self.target_values),
            "noise_policy": {"preds": self.preds_policy, "target": self.target_policy},
            "missing": "noise" if self.missing else "raise",
        }


NO_NOISE = NoisePolicy()

_COUNT_FIELDS = ("preds", "target", "both", "non_unit")


@dataclass(frozen=True)
class NoiseTotals:
    """Sums over the noise singletons of a table, beyond their per-label totals.

    Attributes
    ----------
    preds, target, both : int
        Samples that are singletons in ``preds`` only, in ``target`` only, on both sides.
    weight_both : float
        Total weight of the samples that are singletons on both sides (their number when
        the table holds counts).
    wlogw_preds, wlogw_target, wlogw_both : float
        Sum of ``w * log(w)`` over the weights of each group (0.0 for counts).
    non_unit : int
        Singletons whose weight is not 1: the chance models need whole samples.
    """

    preds: int = 0
    target: int = 0
    both: int = 0
    weight_both: float = 0
    wlogw_preds: float = 0.0
    wlogw_target: float = 0.0
    wlogw_both: float = 0.0
    non_unit: int = 0

    @classmethod
    def of_counts(cls, preds: int, target: int, both: int) -> NoiseTotals:
        """Return the totals of unweighted singletons (every weight 1)."""
        return cls(int(preds), int(target), int(both), int(both))

    @classmethod
    def of_weights(
        cls,
        preds: npt.NDArray[np.float64],
        target: npt.NDArray[np.float64],
        both: npt.NDArray[np.float64],
    ) -> NoiseTotals:
        """Return the totals of weighted singletons, given the (positive) weights of each group."""

        def wlogw(w: npt.NDArray[np.float64]) -> float:
            return math.fsum(w * np.log(w))

        non_unit = sum(int(np.count_nonzero(w != 1.0)) for w in (preds, target, both))
        return cls(
            preds.size,
            target.size,
            both.size,
            math.fsum(both),
            wlogw(preds),
            wlogw(target),
            wlogw(both),
            non_unit,
        )

    def check(self, to_rows: float, to_cols: float, weighted: bool) -> None:
        """Raise ValueError unless the totals agree with the per-label singleton totals.

        ``to_rows``: the total weight of the singletons counted in the table's ``rows``
        (target-only singletons), ``to_cols`` of those counted in ``cols`` (preds-only). For
        counts, each group's weight is its number of samples and every ``w * log(w)`` is 0;
        for weights, each group's ``sum(w * log(w))`` lies between ``W * log(W / m)`` (equal
        weights) and ``W * log(W)``, for ``m`` samples of total weight ``W``.
        """
        groups = (
            ("preds", self.preds, to_cols, self.wlogw_preds),
            ("target", self.target, to_rows, self.wlogw_target),
            ("both", self.both, self.weight_both, self.wlogw_both),
        )
        if self.non_unit > self.singletons:
            raise ValueError("noise totals: more non-unit weights than singletons")
        for name, m, weight, wlogw in groups:
            if not weighted:
                if weight != m:
                    raise ValueError(
                        f"noise totals: {m} {name} singletons, but their counts add up to {weight}"
                    )
                if wlogw != 0.0 or self.non_unit:
                    raise ValueError("noise totals: weights in a table of counts")
                continue
            if m == 0:
                if weight != 0 or wlogw != 0.0:
                    raise ValueError(f"noise totals: weight without {name} singletons")
                continue
            if not weight > 0:
                raise ValueError(f"noise totals: {m} {name} singletons of total weight {weight}")
            low, high = weight * math.log(weight / m), weight * math.log(weight)
            slack = 1e-9 * (abs(low) + abs(high) + weight)
            if not low - slack <= wlogw <= high + slack:
                raise ValueError(
                    f"noise totals: sum(w * log(w)) of the {name} singletons is {wlogw}, which "
                    f"{m} weights adding up to {weight} cannot give"
                )

    @property
    def singletons(self) -> int:
        """Number of noise singletons, both sides together (one per sample)."""
        return self.preds + self.target + self.both

    @property
    def clusters(self) -> tuple[int, int]:
        """Clusters the singletons add to (preds, target)."""
        return self.preds + self.both, self.target + self.both

    def transposed(self) -> NoiseTotals:
        """Return the totals with preds and target swapped."""
        return dataclasses.replace(
            self,
            preds=self.target,
            target=self.preds,
            wlogw_preds=self.wlogw_target,
            wlogw_target=self.wlogw_preds,
        )

    def __add__(self, other: NoiseTotals) -> NoiseTotals:
        if not isinstance(other, NoiseTotals):
            return NotImplemented
        return NoiseTotals(
            *(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self))
        )

    def to_array(self) -> npt.NDArray[np.float64]:
        """Return the eight fields as ``float64``, in declaration order (for saved states)."""
        return np.array([getattr(self, f.name) for f in dataclasses.fields(self)], np.float64)

    @classmethod
    def from_array(cls, values: npt.ArrayLike, weighted: bool = True) -> NoiseTotals:
        """Inverse of :meth:`to_array`; ValueError unless 8 finite numbers, counts >= 0.

        ``weighted``: keep ``weight_both`` a float (else an int, for a table of counts).
        """
        arr = np.asarray(values, dtype=np.float64)
        names = [f.name for f in dataclasses.fields(cls)]
        if arr.shape != (len(names),) or not np.isfinite(arr).all():
            raise ValueError(f"noise totals must be {len(names)} finite numbers")
        fields = dict(zip(names, arr.tolist(), strict=True))
        if min(fields[k] for k in (*_COUNT_FIELDS, "weight_both")) < 0:
            raise ValueError("noise totals: counts and weights must be non-negative")
        for k in _COUNT_FIELDS:
            if fields[k] != int(fields[k]):
                raise ValueError(f"noise totals: {k} must be a whole number, got {fields[k]}")
            fields[k] = int(fields[k])
        if not weighted:
            fields["weight_both"] = int(fields["weight_both"])
        return cls(**fields)


@dataclass(frozen=True, eq=False)
class Singletons:
    """Noise singletons of a table, kept as totals so memory does not grow with them.

    Attributes
    ----------
    rows : numpy.ndarray, shape (n_rows,)
        Per ``preds`` label: total weight of its samples whose ``target`` is a singleton.
    cols : numpy.ndarray, shape (n_cols,)
        Per ``target`` label: total weight of its samples whose ``preds`` is a singleton.
    totals : NoiseTotals
        The sums over every singleton.
    """

    rows: npt.NDArray[Any]
    cols: npt.NDArray[Any]
    totals: NoiseTotals

    @property
    def stats(self) -> npt.NDArray[np.float64]:
        """:attr:`totals` as eight numbers (see :meth:`NoiseTotals.to_array`)."""
        return self.totals.to_array()

    def transposed(self) -> Singletons:
        """Return the singletons of the transposed table."""
        return Singletons(self.cols, self.rows, self.totals.transposed())

    def astype(self, dtype: Any) -> Singletons:
        """Return the singletons with per-label totals of ``dtype``."""
        totals = self.totals
        if dtype == np.float64:
            totals = dataclasses.replace(totals, weight_both=float(totals.weight_both))
        else:
            totals = dataclasses.replace(totals, weight_both=int(totals.weight_both))
        return Singletons(self.rows.astype(dtype), self.cols.astype(dtype), totals)

    @staticmethod
    def same(a: Singletons | None, b: Singletons | None) -> bool:
        """Whether two tables' singletons are equal (None equals no singleton at all)."""
        if a is None or b is None:
            other = a if b is None else b
            return other is None or other.totals == NoiseTotals()
        return (
            a.totals == b.totals
            and bool(np.array_equal(a.rows, b.rows))
            and bool(np.array_equal(a.cols, b.cols))
        )

    def __repr__(self) -> str:
        t = self.totals
        return f"noise singletons: {t.preds} in preds, {t.target} in target, {t.both} in both"


def singleton_information(
    noise: Singletons,
    row_sums: npt.NDArray[Any],
    col_sums: npt.NDArray[Any],
    n: float,
) -> tuple[float, float, float]:
    """Return what the noise singletons add to (MI, H(preds), H(target)), in nats.

    A singleton of weight ``w`` next to a column of total ``b`` adds ``(w/N) log(N/b)`` to
    the mutual information and ``-(w/N) log(w/N)`` to the entropy of its side; one that is
    a singleton on both sides adds ``(w/N) log(N/w)`` to the mutual information.
    ``row_sums``, ``col_sums``: the table's marginals, singletons included; ``n`` its total.
    """
    t = noise.totals
    n = float(n)
    log_n = math.log(n)
    w_both = float(t.weight_both)

    def next_to(weights: npt.NDArray[Any], sums: npt.NDArray[Any]) -> tuple[float, float]:
        used = weights > 0
        w = weights[used].astype(np.float64)
        return math.fsum(w * (log_n - np.log(sums[used].astype(np.float64)))), math.fsum(w)

    mi_cols, w_preds = next_to(noise.cols, col_sums)  # preds singletons
    mi_rows, w_target = next_to(noise.rows, row_sums)  # target singletons
    mi = (mi_cols + mi_rows + w_both * log_n - t.wlogw_both) / n
    h_preds = ((w_preds + w_both) * log_n - (t.wlogw_preds + t.wlogw_both)) / n
    h_target = ((w_target + w_both) * log_n - (t.wlogw_target + t.wlogw_both)) / n
    return mi, h_preds, h_target
