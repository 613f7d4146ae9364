"""Sparse cells: arrays ``rows, cols, counts`` sorted by (row, col), and their labels.

The few operations the table and the counting share: merging two sorted sets of cells,
the union of two sorted label arrays, and dropping labels that no sample uses.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ._kernels import count as kcount
from ._parallel import chunks, run_all
from ._types import IntArray


def buffers(size: int) -> tuple[IntArray, IntArray, IntArray]:
    """Return three empty ``int64`` arrays of ``size``: rows, cols and counts to fill."""
    # Allocated by NumPy, which asks the kernel for huge pages on large arrays: first-touch
    # page faults otherwise cost as much as the counting itself.
    return tuple(np.empty(size, dtype=np.int64) for _ in range(3))  # type: ignore[return-value]


Cells = tuple[IntArray, IntArray, IntArray]  # rows, cols, counts

_LOW_BITS = 31  # int64 keys are sorted as int32 within buckets of this many low bits


def sort_keys(keys: npt.NDArray[Any], scratch: npt.NDArray[Any]) -> None:
    """Sort pair keys in place; ``scratch``: at least as many bytes as ``keys``, overwritten.

    ``int64`` keys spanning a few times 2**31 (tables with a million rows and columns) are
    bucketed by their high bits and sorted as ``int32`` within each bucket, about twice as
    fast as one sort of ``int64``; any others are sorted as they are.
    """
    if keys.dtype != np.int64 or keys.size < 1 << 16:
        keys.sort()
        return
    base = int(keys.min())
    buckets = ((int(keys.max()) - base) >> _LOW_BITS) + 1
    if buckets > max(256, keys.size >> 12) or buckets == 1:
        keys.sort()
        return
    low = scratch.view(np.int32)[: keys.size]
    starts = np.zeros(buckets + 1, dtype=np.int64)
    kcount.split_low(keys, base, _LOW_BITS, starts, low)
    for j in range(buckets):
        low[starts[j] : starts[j + 1]].sort()
    kcount.join_low(low, starts, base, _LOW_BITS, keys)


def merge_cells(first: Cells, second: Cells, shift: int) -> Cells:
    """Merge two sparse tables whose cells are sorted by (row, col).

    Counts keep their dtype: ``float64`` when either table is weighted, else ``int64``.
    """
    out = buffers(first[2].size + second[2].size)
    counts1, counts2 = first[2], second[2]
    if counts1.dtype != counts2.dtype:
        counts1, counts2 = counts1.astype(np.float64), counts2.astype(np.float64)
    if counts1.dtype == np.float64:
        out = (out[0], out[1], out[2].view(np.float64))
    p = kcount.merge_tables(first[0], first[1], counts1, second[0], second[1], counts2, shift, *out)
    return out[0][:p], out[1][:p], out[2][:p]


def keep_present(
    index: IntArray, sums: IntArray, in_place: bool = False
) -> tuple[IntArray, IntArray, IntArray]:
    """Drop the labels whose marginal is zero: (positions kept, index renumbered, sums).

    ``in_place``: renumber ``index`` itself (an array the caller owns), which spares a fresh
    array as large as the table.
    """
    present = np.flatnonzero(sums)
    if present.size == sums.size:
        return present, index, sums
    # renumbering in place reads an int32 map (half the memory to look up at random) where the
    # labels fit it; a fresh index is gathered from an int64 map, so it needs no conversion
    small = in_place and sums.size <= np.iinfo(np.int32).max
    remap: npt.NDArray[Any] = np.full(sums.size, -1, dtype=np.int32 if small else np.int64)
    remap[present] = np.arange(present.size)
    if in_place:
        run_all(lambda lo, hi: kcount.renumber(index[lo:hi], remap), chunks(index.size))
        return present, index, sums[present]
    return present, remap[index], sums[present]


def _beyond_float(labels: Any) -> bool:
    """Whether sorted integer labels hold a value that float64 does not represent exactly."""
    if labels.dtype.kind not in "iu":
        return False
    return bool(labels[0] < -(2**53) or labels[-1] > 2**53)


def union_labels(a: Any, b: Any, side: str = "preds") -> Any:
    """Return the sorted distinct labels of two sorted label arrays; TypeError if unorderable.

    ``side``: which labels they are (``"preds"``, the rows, or ``"target"``), for messages.
    """
    # A side without labels (a batch of noise singletons only, or no samples) takes the
    # other's: its dtype is only a default and says nothing of the labels' type.
    if a.size == 0:
        return b
    if b.size == 0:
        return a
    kinds = {a.dtype.kind, b.dtype.kind}
    numeric = set("biuf")
    if not (kinds <= numeric or len(kinds) == 1 or "O" in kinds):
        raise TypeError(
            f"cannot add tables whose {side} labels have different types ({a.dtype} and "
            f"{b.dtype}); give every batch {side} labels of one type"
        )
    if kinds <= set("iu") and np.result_type(a.dtype, b.dtype).kind == "f":
        a, b = a.astype(object), b.astype(object)  # int64 with uint64: keep every value exact
    elif "f" in kinds and (_beyond_float(a) or _beyond_float(b)):
        # ints that float64 would round (2**53 + 1 onto 2**53): compared as Python numbers
        a, b = a.astype(object), b.astype(object)
    try:
        # Both are sorted and distinct: sort their concatenation and drop repeats (a merge;
        # np.union1d would hash every value again).
        both = np.concatenate([a, b])
        both.sort(kind="stable")
        if both.size > 1:
            both = both[np.concatenate(([True], both[1:] != both[:-1]))]
        return both
    except TypeError as exc:
        raise TypeError(
            f"cannot add tables whose {side} labels cannot be ordered together: {exc}"
        ) from None


def weight_total(weights: npt.NDArray[Any]) -> float:
    """Return the sum of ``float64`` weights correctly rounded, whatever their order.

    A table and its transpose hold the same cells in another order: their totals, and every
    score read from them, are then the same bits (``score(a, b) == score(b, a)``).
    """
    return math.fsum(weights.tolist())


def readonly(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return ``x``, made read-only: a table never changes once built."""
    x.flags.writeable = False
    return x


def drop_unused(
    labels: npt.NDArray[Any], index: IntArray, sums: npt.NDArray[Any]
) -> tuple[npt.NDArray[Any], IntArray, npt.NDArray[Any]]:
    """Drop the labels whose marginal is zero: (labels kept, index renumbered, sums)."""
    present, index, sums = keep_present(index, sums)
    return labels[present], index, sums


def check_count_total(counts: npt.NDArray[Any]) -> None:
    """Refuse ``int64`` counts whose total does not fit ``int64`` (it would wrap around)."""
    if counts.dtype != np.int64 or not counts.size:
        return
    if int(counts.max()) <= (2**63 - 1) // counts.size:
        return  # no sum of these can overflow
    if sum(int(x) for x in counts.tolist()) > 2**63 - 1:
        raise ValueError(
            "counts add up to more than int64 holds (about 9.2e18 samples); give weights as "
            "floats (only relative weights matter) or smaller counts"
        )
