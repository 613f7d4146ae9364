"""The contingency table as a value: invariants, construction, conversions, ``+``, ``==``, ``.T``.

A :class:`Contingency` holds the distinct (pred, target) label pairs of a labelling with their
exact ``int64`` counts (or ``float64`` weights), both marginals and the number of samples.
Memory follows the number of distinct pairs, not the number of samples, and two tables add
exactly, which is what the streaming, torch and Dask layers build on. This module holds the
class, its invariants, construction, conversions, ``+``, ``==`` and ``.T``; its score
methods read the score registry (:mod:`nmi._registry`), whose arithmetic reads the one
:class:`~nmi._scores.Summary` the table keeps. Counting labels into a table is
:mod:`nmi._counting`'s job; resampling a table, :mod:`nmi._resampling`'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _registry as registry
from . import _scores as scores
from ._cells import (
    Cells,
    check_count_total,
    drop_unused,
    merge_cells,
    readonly,
    union_labels,
    weight_total,
)
from ._kernels import count as kcount
from ._noise import NoiseTotals, Singletons
from ._types import IntArray
from ._validation import check_total_weight

__all__ = ["Contingency"]


_DEFAULT_MAX_CELLS = 10**8
_INT64_MAX = 2**63 - 1


class Contingency:
    """Sparse contingency table of two labelings: distinct label pairs with exact counts.

    Rows are the distinct labels of ``preds``, columns those of ``target``, both sorted
    ascending; only labels that occur are kept. The non-zero cells are stored as three
    aligned ``int64`` arrays sorted by (row, column), so memory is O(distinct labels +
    distinct pairs) whatever the number of samples. Build one with
    :func:`nmi.contingency_matrix`, or directly from its parts.

    Parameters
    ----------
    rows, cols : array-like of int, shape (nnz,)
        Row and column index of each cell.
    counts : array-like of int or float, shape (nnz,)
        Number of samples in each cell, or their total weight (non-negative and finite; zero
        cells are dropped, repeated cells are added). Integer counts are kept as exact
        ``int64``; float counts make a weighted table of ``float64`` weights.
    row_labels, col_labels : array-like, shape (n_rows,) and (n_cols,)
        Distinct labels, strictly increasing. Labels without any sample are dropped.

    Attributes
    ----------
    n_samples : int or float
        Number of samples; their total weight in a weighted table (:attr:`weighted`).
    noise : None or nmi._noise.Singletons
        Noise singletons (``noise_policy="singleton"``) as totals: ``rows`` and ``cols``
        per label of the other side, and ``totals`` (:class:`nmi._noise.NoiseTotals`).

    Examples
    --------
    >>> import nmi
    >>> table = nmi.contingency_matrix([0, 0, 1, 1], ["a", "a", "a", "b"])
    >>> table.shape, table.nnz, table.n_samples
    ((2, 2), 3, 4)
    >>> table.to_dense()
    array([[2, 0],
           [1, 1]])
    >>> table + table == nmi.contingency_matrix([0, 0, 1, 1] * 2, ["a", "a", "a", "b"] * 2)
    True
    """

    __slots__ = (
        "_summary",
        "_whole",
        "col_labels",
        "col_sums",
        "cols",
        "counts",
        "n_samples",
        "noise",
        "row_labels",
        "row_sums",
        "rows",
    )

    rows: IntArray
    cols: IntArray
    counts: npt.NDArray[Any]
    row_labels: npt.NDArray[Any]
    col_labels: npt.NDArray[Any]
    row_sums: npt.NDArray[Any]
    col_sums: npt.NDArray[Any]
    n_samples: Any  # int; float (the total weight) for a weighted table

    def __init__(
        self,
        rows: npt.ArrayLike,
        cols: npt.ArrayLike,
        counts: npt.ArrayLike,
        row_labels: npt.ArrayLike,
        col_labels: npt.ArrayLike,
    ) -> None:
        parts: list[npt.NDArray[Any]] = []
        for name, value in (("rows", rows), ("cols", cols), ("counts", counts)):
            arr = np.asarray(value)
            if arr.ndim != 1:
                raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
            if name == "counts" and arr.dtype.kind == "f":
                if not np.isfinite(arr).all():
                    raise ValueError("counts must be finite")
                parts.append(arr.astype(np.float64))
                continue
            if arr.size and arr.dtype.kind not in "iu":
                kinds = "integers or floats" if name == "counts" else "integers"
                raise TypeError(f"{name} must hold {kinds}, got dtype {arr.dtype}")
            parts.append(arr.astype(np.int64))
        r, c, n = parts
        if not r.size == c.size == n.size:
            raise ValueError(
                f"rows, cols and counts must have the same length, got {r.size}, {c.size} "
                f"and {n.size}"
            )
        if n.size and n.min() < 0:
            raise ValueError("counts must be non-negative")
        labels = []
        for name, value, index in (("row_labels", row_labels, r), ("col_labels", col_labels, c)):
            lab = np.asarray(value)
            if lab.ndim != 1:
                raise ValueError(f"{name} must be 1-D, got shape {lab.shape}")
            if lab.size > 1 and not bool(np.all(lab[1:] > lab[:-1])):
                raise ValueError(f"{name} must be strictly increasing (sorted, no repeats)")
            if index.size and (index.min() < 0 or index.max() >= lab.size):
                raise ValueError(
                    f"{name[:3]}s must index {name}: values in [0, {lab.size}) expected"
                )
            labels.append(lab)
        if labels[0].size * labels[1].size > _INT64_MAX:
            raise ValueError("too many labels: rows x columns exceeds the int64 range")
        keep = n > 0
        r, c, n = r[keep], c[keep], n[keep]
        check_count_total(n)
        kb = max(labels[1].size, 1)
        keys = r * kb + c
        order = np.argsort(keys, kind="stable")
        keys, n = kcount.run_lengths_weighted(keys[order], n[order])
        r, c = np.divmod(keys, kb)
        row_sums = kcount.sum_by_index(r, n, labels[0].size)
        col_sums = kcount.sum_by_index(c, n, labels[1].size)
        row_labels_arr, r, row_sums = drop_unused(labels[0], r, row_sums)
        col_labels_arr, c, col_sums = drop_unused(labels[1], c, col_sums)
        total = weight_total(n) if n.dtype == np.float64 else int(n.sum())
        self._set(r, c, n, row_labels_arr, col_labels_arr, row_sums, col_sums, total)

    def _set(
        self,
        rows: IntArray,
        cols: IntArray,
        counts: npt.NDArray[Any],
        row_labels: npt.NDArray[Any],
        col_labels: npt.NDArray[Any],
        row_sums: npt.NDArray[Any],
        col_sums: npt.NDArray[Any],
        n_samples: float,
        noise: Singletons | None = None,
    ) -> None:
        self.rows = readonly(rows)
        self.cols = readonly(cols)
        self.counts = readonly(counts)
        self.row_labels = readonly(row_labels)
        self.col_labels = readonly(col_labels)
        self.row_sums = readonly(row_sums)
        self.col_sums = readonly(col_sums)
        self.n_samples = n_samples
        self.noise = noise
        self._summary: scores.Summary | None = None
        # the table in counts (see whole_counts): this table, another one, or why there is none
        self._whole: Contingency | str | None = None

    @property
    def weighted(self) -> bool:
        """Whether the cells hold ``float64`` weights (from ``sample_weight``) or counts."""
        return bool(self.counts.dtype == np.float64)

    def whole_counts(self, what: str = "this score") -> Contingency:
        """Return the table in ``int64`` counts, for the scores whose chance model counts samples.

        ``what``, the score asking, is named in the ValueError raised for weights that are
        not whole numbers and for noise singletons of a weight other than 1 (a singleton
        of weight 3 is one cluster of mass 3, not three samples).
        """
        if self._whole is None:  # checked and converted once: the table never changes
            self._whole = self._in_counts()
        if isinstance(self._whole, str):
            raise ValueError(scores.no_chance_model(self._whole, what))
        return self._whole

    def _in_counts(self) -> Contingency | str:
        """Return the table in ``int64`` counts, or why it has none.

        The reason is "singletons", "fractional" or "huge" (see
        :func:`nmi._scores.no_chance_model`).
        """
        if self.noise is not None and self.noise.totals.non_unit:
            return "singletons"
        if not self.weighted:
            return self
        parts = [self.counts, self.row_sums, self.col_sums]
        if not all(bool(np.all(x == np.floor(x))) for x in parts):
            return "fractional"
        if self.n_samples >= 2.0**53:
            return "huge"
        return self.astype(np.int64)

    def astype(self, dtype: Any) -> Contingency:
        """Return the same table with ``int64`` counts or ``float64`` weights (``dtype``).

        Weights are converted as they are: check :meth:`whole_counts` for whole numbers.
        """
        dtype = np.dtype(dtype)
        if dtype not in (np.int64, np.float64):
            raise ValueError(f"dtype must be int64 or float64, got {dtype}")
        noise = None if self.noise is None else self.noise.astype(dtype)
        n = float(self.n_samples) if dtype == np.float64 else int(self.n_samples)
        return from_parts(
            self.rows,
            self.cols,
            self.counts.astype(dtype),
            self.row_labels,
            self.col_labels,
            self.row_sums.astype(dtype),
            self.col_sums.astype(dtype),
            n,
            noise,
        )

    # -- shape -------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        """(number of distinct preds labels, number of distinct target labels).

        Noise singletons (see :attr:`noise`) are not counted here: they have no label.
        """
        return int(self.row_labels.size), int(self.col_labels.size)

    @property
    def nnz(self) -> int:
        """Number of distinct (pred, target) pairs, i.e. non-zero cells."""
        return int(self.counts.size)

    @property
    def n_clusters(self) -> tuple[int, int]:
        """(clusters of preds, clusters of target), each noise singleton counted as one."""
        ka, kb = self.shape
        if self.noise is None:
            return ka, kb
        extra_p, extra_t = self.noise.totals.clusters
        return ka + extra_p, kb + extra_t

    # -- scores: each read off the registry, from the one summary of the table ---------

    @property
    def summary(self) -> scores.Summary:
        """The sums every score reads (information, shape, margins), computed once."""
        if self._summary is None:
            self._summary = scores.Summary.of(
                self.rows, self.cols, self.counts, self.row_sums, self.col_sums,
                self.n_samples, self.noise,
            )  # fmt: skip
        return self._summary

    def information(self) -> tuple[float, float, float]:
        """Return (mutual information, H(preds), H(target)) in nats, computed once per table."""
        return self.summary.information

    def row_entropy(self) -> float:
        """Entropy of the ``preds`` labeling in nats (0.0 for an empty table)."""
        return self.summary.h_preds

    def col_entropy(self) -> float:
        """Entropy of the ``target`` labeling in nats (0.0 for an empty table)."""
        return self.summary.h_target

    def mutual_info(self) -> float:
        """Return the mutual information in nats (0.0 with a single cluster on a side)."""
        return registry.MI.of(self)

    def normalized_mutual_info(self, average_method: str = "arithmetic") -> float:
        """Return the normalized mutual information (see :func:`nmi.normalized_mutual_info_score`).

        Parameters
        ----------
        average_method : {"min", "geometric", "arithmetic", "max"}
            How the two entropies are averaged into the normalizer.

        Returns
        -------
        float
            Between 0.0 and 1.0; scikit-learn's conventions for the edge cases.
        """
        return registry.NMI.of(self, average_method=average_method)

    def expected_mutual_info(self) -> float:
        """Return the expected mutual information of random labelings with these marginals.

        Returns
        -------
        float
            In nats, under the hypergeometric (permutation) model, as in scikit-learn's
            adjusted mutual information; 0.0 when either side has a single cluster.
            ValueError where :meth:`whole_counts` refuses the table.
        """
        return self.whole_counts("the expected mutual information").summary.expected_mutual_info()

    def adjusted_mutual_info(self, average_method: str = "arithmetic") -> float:
        """Return the adjusted mutual information (see :func:`nmi.adjusted_mutual_info_score`).

        Parameters
        ----------
        average_method : {"min", "geometric", "arithmetic", "max"}
            How the two entropies are averaged into the normalizer.

        Returns
        -------
        float
            At most 1.0, about 0.0 for random labelings, can be negative. ValueError where
            :meth:`whole_counts` refuses the table: the chance model counts samples.
        """
        return registry.AMI.of(self, average_method=average_method)

    def scores(self) -> dict[str, float]:
        """Return every score that follows from this table, each computed once.

        Returns
        -------
        dict
            ``mutual_info``, ``entropy_preds``, ``entropy_target`` (nats);
            ``nmi_<method>`` and ``ami_<method>`` for each average_method; ``homogeneity``,
            ``completeness``, ``v_measure`` (with ``target`` as the classes, as in
            scikit-learn's ``homogeneity_score(target, preds)``); ``variation_of_information``
            (nats); ``adjusted_rand``; ``reduced_mutual_info`` (nats) and
            ``normalized_reduced_mutual_info`` (by ``target``), Dirichlet-multinomial
            reduction. The ``ami_*``, ``adjusted_rand`` and reduced scores are NaN where
            they are not defined: weights that are not whole numbers, or noise singletons of
            weight other than 1.
        """
        return registry.all_scores(self)

    def homogeneity(self) -> float:
        """Return the homogeneity, ``target`` as the classes (see :func:`nmi.homogeneity_score`)."""
        return registry.HOMOGENEITY.of(self)

    def completeness(self) -> float:
        """Return the completeness, ``target`` as the classes (:func:`nmi.completeness_score`)."""
        return registry.COMPLETENESS.of(self)

    def v_measure(self, beta: float = 1.0) -> float:
        """Return the V-measure, the harmonic mean of homogeneity and completeness.

        ``beta`` weighs completeness against homogeneity (see :func:`nmi.v_measure_score`).
        """
        return registry.V_MEASURE.of(self, beta=beta)

    def variation_of_information(self, scale: str = "none") -> float:
        """Return the variation of information in nats, or scaled.

        ``scale``: ``"none"``, ``"log_n"`` or ``"joint"``, as
        :func:`nmi.variation_of_information` takes it.
        """
        return registry.VI.of(self, scale=scale)

    def adjusted_rand(self) -> float:
        """Return the adjusted Rand index, as scikit-learn's ``adjusted_rand_score``.

        ValueError where :meth:`whole_counts` refuses the table.
        """
        return registry.ARI.of(self)

    def rand(self) -> float:
        """Return the Rand index, as scikit-learn's ``rand_score`` (see :func:`nmi.rand_score`).

        ValueError where :meth:`whole_counts` refuses the table: pairs are pairs of samples.
        """
        return registry.RAND.of(self)

    def fowlkes_mallows(self) -> float:
        """Return the Fowlkes-Mallows index, as scikit-learn's ``fowlkes_mallows_score``.

        ValueError where :meth:`whole_counts` refuses the table.
        """
        return registry.FMI.of(self)

    def cluster_accuracy(self) -> float:
        """Return the share of samples in the best one-to-one matching of clusters to classes.

        See :func:`nmi.cluster_accuracy`: the Hungarian assignment on the sparse table.
        """
        return registry.ACCURACY.of(self)

    def reduced_mutual_info(self, reduction: str = "dirichlet") -> float:
        """Return what ``preds`` tell of ``target`` less the table's own cost, per object in nats.

        See :func:`nmi.reduced_mutual_info_score`; ValueError where :meth:`whole_counts`
        refuses the table.
        """
        return registry.RMI.of(self, reduction=reduction)

    def normalized_reduced_mutual_info(
        self, normalization: str = "target", reduction: str = "dirichlet"
    ) -> float:
        """Return the reduced mutual information as a fraction of what there is to know.

        See :func:`nmi.normalized_reduced_mutual_info_score`.
        """
        return registry.NRMI.of(self, normalization=normalization, reduction=reduction)

    # -- conversion --------------------------------------------------------------------

    def _check_expandable(self) -> None:
        if self.noise is not None and self.noise.totals.singletons:
            n = self.noise.totals.singletons
            raise ValueError(
                f"this table keeps {n} noise singletons as per-label totals, not as rows and "
                "columns of their own; a matrix of it would leave them out. Read them from "
                "the noise attribute, or score with noise_policy 'keep' or 'drop'"
            )

    @classmethod
    def from_matrix(cls, matrix: Any) -> Contingency:
        """Build a table from a contingency matrix, the inverse of :meth:`to_dense`.

        Parameters
        ----------
        matrix : array-like of shape (n_rows, n_cols), or a scipy sparse matrix or array
            Counts (integers, kept exact) or weights (floats, kept as they are: never
            truncated to integers). Row ``i`` is ``preds`` label ``i``, column ``j`` is
            ``target`` label ``j``; rows and columns without any sample are dropped.

        Raises
        ------
        ValueError
            Not 2-D; negative, NaN or infinite entries.
        TypeError
            Entries that are not numbers.

        Examples
        --------
        >>> import nmi
        >>> table = nmi.Contingency.from_matrix([[2, 0], [0, 2]])
        >>> round(table.mutual_info(), 6)
        0.693147
        """
        if hasattr(matrix, "tocoo"):  # scipy.sparse, without importing scipy
            coo = matrix.tocoo()
            shape = coo.shape
            rows, cols, counts = coo.row, coo.col, coo.data
            if counts.dtype.kind == "b":  # as a dense boolean matrix: counts of 0 and 1
                counts = counts.astype(np.int64)
        else:
            arr = np.asarray(matrix)
            if arr.ndim != 2:
                raise ValueError(f"a contingency matrix must be 2-D, got shape {arr.shape}")
            if arr.dtype.kind == "O":  # Python numbers: let NumPy pick ints or floats
                arr = np.asarray(arr.tolist())
            if arr.dtype.kind == "b":
                arr = arr.astype(np.int64)
            shape = arr.shape
            rows, cols = np.nonzero(arr)
            counts = arr[rows, cols]
        if len(shape) != 2:
            raise ValueError(f"a contingency matrix must be 2-D, got shape {shape}")
        counts = np.asarray(counts)
        if counts.size and counts.dtype.kind not in "iuf":
            raise TypeError(
                f"matrix must hold counts (integers) or weights (floats), got dtype {counts.dtype}"
            )
        if counts.dtype.kind == "f" and not np.isfinite(counts).all():
            raise ValueError("matrix entries must be finite: NaN or infinite weights found")
        if counts.size and counts.min() < 0:
            raise ValueError("matrix entries must be non-negative: counts or weights of samples")
        return cls(rows, cols, counts, np.arange(shape[0]), np.arange(shape[1]))

    def to_scipy(self) -> Any:
        """Return the table as a ``scipy.sparse.csr_array`` of its counts (or weights).

        Raises
        ------
        ValueError
            When the table holds noise singletons, which have no row or column.
        """
        from scipy import sparse  # imported here: scipy.sparse costs ~0.1 s at import

        self._check_expandable()
        return sparse.csr_array((self.counts, (self.rows, self.cols)), shape=self.shape)

    def to_dense(self, max_cells: int = _DEFAULT_MAX_CELLS) -> npt.NDArray[Any]:
        """Return the table as a dense array of shape :attr:`shape`.

        ``int64`` counts, or ``float64`` weights for a weighted table.

        Parameters
        ----------
        max_cells : int
            Refuse (ValueError) when the dense array would have more cells than this.

        Raises
        ------
        ValueError
            Above ``max_cells``, or when the table holds noise singletons, which have no row
            or column.
        """
        self._check_expandable()
        cells = self.shape[0] * self.shape[1]
        if cells > max_cells:
            raise ValueError(
                f"a dense {self.shape[0]} x {self.shape[1]} table has {cells} cells, above "
                f"max_cells={max_cells} ({cells * 8 / 2**30:.1f} GiB); use to_scipy() or "
                "raise max_cells"
            )
        dense = np.zeros(self.shape, dtype=self.counts.dtype)
        dense[self.rows, self.cols] = self.counts
        return dense

    def __array__(self, dtype: Any = None, copy: Any = None) -> npt.NDArray[Any]:
        dense = self.to_dense()
        return dense if dtype is None else dense.astype(dtype)

    @property
    def T(self) -> Contingency:
        """The transposed table: rows are ``target`` labels, columns ``preds`` labels."""
        order = np.lexsort((self.rows, self.cols))
        noise = None if self.noise is None else self.noise.transposed()
        return from_parts(
            self.cols[order],
            self.rows[order],
            self.counts[order],
            self.col_labels,
            self.row_labels,
            self.col_sums,
            self.row_sums,
            self.n_samples,
            noise,
        )

    # -- arithmetic --------------------------------------------------------------------

    def __add__(self, other: object) -> Contingency:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # sum([a, b, c]) starts from 0
        if not isinstance(other, Contingency):
            return NotImplemented
        # An empty table adds nothing, whatever the dtype of its (empty) labels.
        if other.n_samples == 0:
            return self if self.weighted or not other.weighted else as_weighted(self)
        if self.n_samples == 0:
            return other if other.weighted or not self.weighted else as_weighted(other)
        if self.weighted != other.weighted:
            return as_weighted(self) + as_weighted(other)
        row_labels = union_labels(self.row_labels, other.row_labels, "preds")
        col_labels = union_labels(self.col_labels, other.col_labels, "target")
        ka, kb = int(row_labels.size), int(col_labels.size)
        shift = max(kb - 1, 1).bit_length()
        if ka << shift > _INT64_MAX:
            raise ValueError("too many labels to add these tables: rows x columns exceeds int64")

        def relabelled(t: Contingency) -> tuple[IntArray, IntArray, Cells]:
            # the label maps are increasing, so the cells stay sorted by (row, col)
            row_map = np.searchsorted(row_labels, t.row_labels).astype(np.int64)
            col_map = np.searchsorted(col_labels, t.col_labels).astype(np.int64)
            return row_map, col_map, (row_map[t.rows], col_map[t.cols], t.counts)

        row_map1, col_map1, cells1 = relabelled(self)
        row_map2, col_map2, cells2 = relabelled(other)
        rows, cols, counts = merge_cells(cells1, cells2, shift)
        row_sums = kcount.sum_by_index(rows, counts, ka)
        col_sums = kcount.sum_by_index(cols, counts, kb)
        noise = None
        if self.noise is not None or other.noise is not None:
            noise_rows = np.zeros(ka, dtype=counts.dtype)
            noise_cols = np.zeros(kb, dtype=counts.dtype)
            totals = NoiseTotals()
            for t, row_map, col_map in ((self, row_map1, col_map1), (other, row_map2, col_map2)):
                if t.noise is not None:
                    noise_rows[row_map] += t.noise.rows
                    noise_cols[col_map] += t.noise.cols
                    totals = totals + t.noise.totals
            noise = Singletons(noise_rows, noise_cols, totals)
            row_sums += noise_rows
            col_sums += noise_cols
        n_samples = self.n_samples + other.n_samples
        check_total_weight(float(n_samples))  # two finite weight totals can overflow
        return from_parts(
            rows,
            cols,
            counts,
            row_labels,
            col_labels,
            row_sums,
            col_sums,
            n_samples,
            noise,
        )

    __radd__ = __add__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Contingency):
            return NotImplemented
        return (
            self.n_samples == other.n_samples
            and self.shape == other.shape
            and bool(np.array_equal(self.row_labels, other.row_labels))
            and bool(np.array_equal(self.col_labels, other.col_labels))
            and bool(np.array_equal(self.rows, other.rows))
            and bool(np.array_equal(self.cols, other.cols))
            and bool(np.array_equal(self.counts, other.counts))
            and Singletons.same(self.noise, other.noise)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        parts = (self.rows, self.cols, self.counts, self.row_labels, self.col_labels)
        noise = None
        if self.noise is not None:
            noise = tuple(np.array(x) for x in (self.noise.rows, self.noise.cols, self.noise.stats))
        return (restore, (*(np.array(p) for p in parts), self.n_samples, noise))

    def __repr__(self) -> str:
        extra = ""
        if self.noise is not None:
            extra = f", noise_singletons={self.noise.totals.singletons}"
        if self.weighted:
            extra += ", weighted=True"
        return f"Contingency(shape={self.shape}, nnz={self.nnz}, n_samples={self.n_samples}{extra})"


def restore(
    rows: IntArray,
    cols: IntArray,
    counts: npt.NDArray[Any],
    row_labels: npt.NDArray[Any],
    col_labels: npt.NDArray[Any],
    n_samples: float,
    noise: tuple[npt.NDArray[Any], ...] | None = None,
) -> Contingency:
    """Rebuild a table from its saved parts, checking every invariant.

    The one format of a saved table, for pickles and for every saved state
    (:mod:`nmi._state`): the cells and labels as :meth:`Contingency.__reduce__` writes them,
    ``n_samples``, and ``noise``, None or (noise rows, noise cols, the eight numbers of
    :meth:`nmi._noise.NoiseTotals.to_array`).
    """
    if noise is None:
        table = Contingency(rows, cols, counts, row_labels, col_labels)
    else:
        table = with_singletons(rows, cols, counts, row_labels, col_labels, *noise)
    # weights may add up in another order than when they were saved: equal to rounding
    same = (
        math.isclose(table.n_samples, n_samples, rel_tol=1e-12)
        if table.weighted
        else table.n_samples == n_samples
    )
    if not same:
        raise ValueError(f"counts add up to {table.n_samples}, but n_samples says {n_samples}")
    table.n_samples = n_samples if table.weighted else int(n_samples)
    return table


_restore = restore  # the name that pickles written before the module was split refer to


def with_singletons(
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    counts: npt.ArrayLike,
    row_labels: npt.ArrayLike,
    col_labels: npt.ArrayLike,
    noise_rows: npt.ArrayLike,
    noise_cols: npt.ArrayLike,
    totals: npt.ArrayLike,
) -> Contingency:
    """Check and assemble a table with noise singletons, given in canonical form.

    Canonical: cells sorted by (row, column) without repeats or zeros, labels strictly
    increasing, each label with some weight (in a cell or in the noise totals).
    ``totals``: the eight numbers of :meth:`nmi._noise.NoiseTotals.to_array`.
    """
    plain = Contingency(rows, cols, counts, row_labels, col_labels)  # the basic checks
    row_labels, col_labels = np.asarray(row_labels), np.asarray(col_labels)
    # labels are renumbered when the plain table dropped those used only by the noise totals
    r = np.searchsorted(row_labels, plain.row_labels).astype(np.int64)[plain.rows]
    c = np.searchsorted(col_labels, plain.col_labels).astype(np.int64)[plain.cols]
    n = plain.counts
    given = [np.asarray(x) for x in (rows, cols, counts)]
    if not all(np.array_equal(g, x) for g, x in zip(given, (r, c, n), strict=True)):
        raise ValueError("cells are repeated, zero or out of order")
    extra = []
    for name, value, size in (
        ("noise rows", noise_rows, row_labels.size),
        ("noise cols", noise_cols, col_labels.size),
    ):
        arr = np.asarray(value)
        if arr.shape != (size,) or arr.dtype.kind not in "iuf":
            raise ValueError(f"{name} must be {size} numbers, one per label")
        if not (np.isfinite(arr).all() and (arr >= 0).all()):
            raise ValueError(f"{name} must be finite and non-negative")
        extra.append(arr)
    weighted = any(x.dtype.kind == "f" for x in (n, *extra))
    sums = NoiseTotals.from_array(totals, weighted)
    dtype = np.float64 if weighted else np.int64
    n, noise_r, noise_c = (x.astype(dtype) for x in (n, *extra))
    sums.check(noise_r.sum().item(), noise_c.sum().item(), weighted)
    row_sums = kcount.sum_by_index(r, n, row_labels.size) + noise_r
    col_sums = kcount.sum_by_index(c, n, col_labels.size) + noise_c
    if not (row_sums.all() and col_sums.all()):
        raise ValueError("labels without any sample")
    total = n.sum() + noise_r.sum() + noise_c.sum() + sums.weight_both
    return from_parts(
        r,
        c,
        n,
        row_labels,
        col_labels,
        row_sums,
        col_sums,
        float(total) if weighted else int(total),
        Singletons(noise_r, noise_c, sums),
    )


def from_parts(
    rows: IntArray,
    cols: IntArray,
    counts: npt.NDArray[Any],
    row_labels: npt.NDArray[Any],
    col_labels: npt.NDArray[Any],
    row_sums: npt.NDArray[Any],
    col_sums: npt.NDArray[Any],
    n_samples: float,
    noise: Singletons | None = None,
) -> Contingency:
    """Wrap parts that already satisfy every invariant (no checks, no copies).

    For the counting, which builds canonical parts itself; everything else goes through
    :class:`Contingency` or :func:`restore`, which check.
    """
    table = Contingency.__new__(Contingency)
    table._set(rows, cols, counts, row_labels, col_labels, row_sums, col_sums, n_samples, noise)
    return table


def empty(
    decode_rows: Callable[[IntArray], Any], decode_cols: Callable[[IntArray], Any]
) -> Contingency:
    """Return a table without samples whose labels have the dtypes the decoders give."""
    none = np.empty(0, dtype=np.int64)
    return from_parts(
        none,
        none.copy(),
        none.copy(),
        decode_rows(none.copy()),
        decode_cols(none.copy()),
        none.copy(),
        none.copy(),
        0,
    )


def as_weighted(table: Contingency) -> Contingency:
    """Return the same table with ``float64`` weights for counts."""
    return table if table.weighted else table.astype(np.float64)
