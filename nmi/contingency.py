"""The sparse contingency table every other layer builds on.

A :class:`Contingency` holds the distinct (pred, target) label pairs of a labelling with their
exact ``int64`` counts, both marginals and the number of samples. Memory follows the number of
distinct pairs, not the number of samples, and two tables add exactly, which is what the
streaming, torch and Dask layers build on.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from . import _kernels as K
from ._validation import AVERAGE_METHODS, Labels, check_average_method

IntArray = npt.NDArray[np.int64]
_T = TypeVar("_T")

# Inputs at least this long are split across threads (the kernels release the GIL); below it,
# starting work on another thread costs more than it saves.
_PARALLEL_MIN = 1 << 19
# A side is encoded as ``value - min`` when its value range is at most this many times the
# number of samples (or below _SMALL_RANGE); wider ranges go through a hash table.
_RANGE_PER_SAMPLE = 2
_SMALL_RANGE = 1 << 16
# Pairs are counted in a dense table when it has at most max(_SMALL_TABLE, n_samples) cells
# (and at most _MAX_DENSE cells): scanning it then costs no more than reading the input.
_SMALL_TABLE = 1 << 12
_MAX_DENSE = 1 << 24
# Sparse counting sorts pair keys block by block; a block grows with the table so that the
# merges stay linear overall.
_FIRST_BLOCK = 1 << 24  # 64 MiB of int32 keys
_DEFAULT_MAX_CELLS = 10**8

_INT64_MAX = 2**63 - 1
_INT32_MAX = 2**31 - 1

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_cpus: int | None = None


def _forget_pool() -> None:
    # A forked child inherits the pool object but not its threads: work sent there would
    # never run. The child starts its own pool when it needs one.
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _n_threads() -> int:
    global _cpus
    env = os.environ.get("NMI_NUM_THREADS")
    if env is not None:
        return max(1, int(env))
    if _cpus is None:
        try:
            _cpus = max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not on Linux
            _cpus = max(1, os.cpu_count() or 1)
    return _cpus


def _run_all(func: Callable[..., Any], jobs: Sequence[tuple[Any, ...]]) -> list[Any]:
    """Run ``func(*job)`` for each job, on the shared thread pool when there are several."""
    global _pool
    if len(jobs) == 1:
        return [func(*jobs[0])]
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_n_threads(), thread_name_prefix="nmi")
        pool = _pool
    return [f.result() for f in [pool.submit(func, *job) for job in jobs]]


def _chunks(n: int, parallel: bool = True) -> list[tuple[int, int]]:
    if n < 2 * _PARALLEL_MIN or not parallel:
        return [(0, n)]
    parts = max(1, min(_n_threads(), n // _PARALLEL_MIN))
    edges = [n * i // parts for i in range(parts + 1)]
    return list(itertools.pairwise(edges))


class _Encoder:
    """Maps one side's label values to codes ``0 .. k-1`` (see :mod:`nmi._kernels`).

    ``data`` is what the counting kernels read for this side: the labels themselves, or their
    first-seen positions (rank form) when the input is short enough to keep those.
    """

    __slots__ = ("bits", "codes", "data", "k", "keys", "labels", "offset", "rank")

    def __init__(self, data: npt.NDArray[Any], decode: Callable[[IntArray], Any]) -> None:
        n = data.size
        lo, hi = K._min_max(data)
        span = int(hi) - int(lo) + 1  # Python ints: no overflow at the int64 extremes
        self.data, self.rank, self.keys, self.codes, self.bits = data, _NONE, _NONE, _NONE, 0
        if span <= max(_SMALL_RANGE, _RANGE_PER_SAMPLE * n):
            self.offset, self.k = int(lo), span
            self.labels = None  # decided after counting: only values that occur are labels
            return
        # First-seen positions cost 4 bytes a sample but spare a second pass of hash
        # lookups; kept only while the input fits in one counting block.
        first_seen = np.empty(n if n <= _FIRST_BLOCK else 0, dtype=np.int32)
        keys, codes, bits, distinct = K._build_table(data, first_seen)
        decoded = decode(distinct)
        order = np.argsort(decoded, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        self.offset, self.k, self.labels = 0, int(distinct.size), decoded[order]
        if first_seen.size:
            self.data, self.rank = first_seen, rank
        else:
            K._relabel_table(codes, rank)  # codes become ranks: tables come out sorted
            self.keys, self.codes, self.bits = keys, codes, int(bits)

    @classmethod
    def offset_form(cls, data: npt.NDArray[Any], lo: int, span: int) -> _Encoder:
        """Return the offset-form encoder of values known to lie in ``[lo, lo + span)``."""
        enc = cls.__new__(cls)
        enc.data, enc.rank, enc.keys, enc.codes, enc.bits = data, _NONE, _NONE, _NONE, 0
        enc.offset, enc.k, enc.labels = lo, span, None
        return enc

    def args(self) -> tuple[int, IntArray, IntArray, IntArray, int]:
        return self.offset, self.rank, self.keys, self.codes, self.bits


_NONE = np.empty(0, dtype=np.int64)


Table = tuple[IntArray, IntArray, IntArray, IntArray, IntArray]  # rows, cols, counts, sums


def _count_dense(ea: _Encoder, eb: _Encoder, parallel: bool = True) -> Table:
    a, b = ea.data, eb.data
    cells = ea.k * eb.k
    both_offsets = ea.keys.size == 0 and eb.keys.size == 0 and ea.rank.size == eb.rank.size == 0
    chunks = _chunks(a.size, parallel)
    if both_offsets and len(chunks) == 1:  # the common small case in one kernel call
        return K._count_small(a, b, ea.offset, eb.offset, ea.k, eb.k)  # type: ignore[no-any-return]

    def count(start: int, stop: int) -> IntArray:
        table = np.zeros(cells, dtype=np.int64)
        if both_offsets:
            K._count_offsets(a[start:stop], b[start:stop], ea.offset, eb.offset, eb.k, table)
        else:
            K._count_encoded(a[start:stop], b[start:stop], *ea.args(), *eb.args(), eb.k, table)
        return table

    tables = _run_all(count, chunks)
    table = tables[0]
    for other in tables[1:]:
        table += other
    return K._dense_to_table(table, ea.k, eb.k)  # type: ignore[no-any-return]


def _buffers(size: int) -> tuple[IntArray, IntArray, IntArray]:
    # Allocated by NumPy, which asks the kernel for huge pages on large arrays: first-touch
    # page faults otherwise cost as much as the counting itself.
    return tuple(np.empty(size, dtype=np.int64) for _ in range(3))  # type: ignore[return-value]


Cells = tuple[IntArray, IntArray, IntArray]  # rows, cols, counts


def _merge(first: Cells, second: Cells, shift: int) -> Cells:
    """Merge two sparse tables whose cells are sorted by (row, col).

    Counts keep their dtype: ``float64`` when either table is weighted, else ``int64``.
    """
    out = _buffers(first[2].size + second[2].size)
    counts1, counts2 = first[2], second[2]
    if counts1.dtype != counts2.dtype:
        counts1, counts2 = counts1.astype(np.float64), counts2.astype(np.float64)
    if counts1.dtype == np.float64:
        out = (out[0], out[1], out[2].view(np.float64))
    p = K._merge_tables(first[0], first[1], counts1, second[0], second[1], counts2, shift, *out)
    return out[0][:p], out[1][:p], out[2][:p]


def _key_shift(ea: _Encoder, eb: _Encoder) -> int:
    """Bits for the column code in a pair key ``(row << shift) | col``; refuse int64 overflow."""
    shift = max(eb.k - 1, 1).bit_length()
    if ea.k << shift > _INT64_MAX:
        raise ValueError(
            f"too many distinct labels to count pairs: {ea.k} x {eb.k} possible pairs exceed "
            "the int64 range"
        )
    return shift


def _count_weighted(ea: _Encoder, eb: _Encoder, weights: npt.NDArray[np.float64]) -> Table:
    """Add up the (positive) weights of each label pair, block by block.

    Scratch memory is one block of ``int64`` keys and its order, plus the table: dense
    (``float64`` per cell) when it is small, else sparse cells merged block by block.
    """
    a, b, n = ea.data, eb.data, ea.data.size
    shift = _key_shift(ea, eb)
    width = 1 << shift
    dense = _dense_fits(ea.k, width, n)
    table = np.zeros(ea.k * width if dense else 0, dtype=np.float64)
    total: Cells | None = None
    block = min(n, _FIRST_BLOCK)
    keys = np.empty(block, dtype=np.int64)
    for start in range(0, n, block):
        stop = min(start + block, n)
        k, w = keys[: stop - start], weights[start:stop]
        K._pair_keys(a[start:stop], b[start:stop], *ea.args(), *eb.args(), shift, k)
        if dense:
            table += np.bincount(k, weights=w, minlength=table.size)
            continue
        order = np.argsort(k, kind="stable")
        cell_keys, sums = K._run_lengths_weighted(k[order], w[order])
        cells = (cell_keys >> shift, cell_keys & (width - 1), sums)
        total = cells if total is None else _merge(total, cells, shift)
    if dense:
        rows, cols, counts, row_sums, col_sums = K._dense_to_table(table, ea.k, width)
        return rows, cols, counts, row_sums, col_sums[: eb.k].copy()
    assert total is not None
    rows, cols, counts = total
    return (
        rows,
        cols,
        counts,
        K._sum_by_index(rows, counts, ea.k),
        K._sum_by_index(cols, counts, eb.k),
    )


def _count_block(
    a: npt.NDArray[Any],
    b: npt.NDArray[Any],
    ea: _Encoder,
    eb: _Encoder,
    shift: int,
    keys: npt.NDArray[Any],
    spare: npt.NDArray[Any],
    parallel: bool = True,
) -> Table:
    """Count the pairs of one block with every thread busy and no merge at the end.

    Each thread computes the keys of its share of the samples; the keys are then moved into
    one region per thread by key range (ranges of rows), so that each thread sorts and counts
    a region of its own and writes its cells to a disjoint part of the output.
    """
    chunks = _chunks(a.size, parallel)
    parts = len(chunks)
    thresholds = np.array([(r * ea.k // parts) << shift for r in range(1, parts)], dtype=np.int64)
    sizes = np.zeros((parts, parts), dtype=np.int64)  # [thread, region]

    def make_keys(t: int) -> None:
        lo, hi = chunks[t]
        K._pair_keys(a[lo:hi], b[lo:hi], *ea.args(), *eb.args(), shift, keys[lo:hi])
        below = [np.count_nonzero(keys[lo:hi] < th) for th in thresholds]  # vectorized
        sizes[t] = np.diff([0, *below, hi - lo])

    _run_all(make_keys, [(t,) for t in range(parts)])
    if parts == 1:
        regions = [keys]
    else:
        region_sizes = sizes.sum(axis=0)
        region_starts = np.concatenate(([0], np.cumsum(region_sizes)))
        starts = region_starts[:-1] + np.cumsum(sizes, axis=0) - sizes  # [thread, region]

        def scatter(t: int) -> None:
            lo, hi = chunks[t]
            K._scatter_regions(keys[lo:hi], thresholds, starts[t], spare)

        _run_all(scatter, [(t,) for t in range(parts)])
        regions = [spare[region_starts[r] : region_starts[r + 1]] for r in range(parts)]

    def sort_and_count(region: npt.NDArray[Any]) -> int:
        region.sort()
        return int(K._count_runs(region))

    distinct = _run_all(sort_and_count, [(r,) for r in regions])
    offsets = np.concatenate(([0], np.cumsum(distinct)))
    rows, cols, counts = _buffers(int(offsets[-1]))

    def write(r: int) -> tuple[IntArray, IntArray]:
        sums = np.zeros(ea.k, dtype=np.int64), np.zeros(eb.k, dtype=np.int64)
        cells = slice(offsets[r], offsets[r + 1])
        K._write_runs(regions[r], shift, rows[cells], cols[cells], counts[cells], *sums)
        return sums

    sums = _run_all(write, [(r,) for r in range(parts)])
    row_sums = sum(s[0] for s in sums[1:]) + sums[0][0]
    col_sums = sum(s[1] for s in sums[1:]) + sums[0][1]
    return rows, cols, counts, row_sums, col_sums


def _count_sparse(ea: _Encoder, eb: _Encoder, parallel: bool = True) -> Table:
    a, b = ea.data, eb.data
    shift = _key_shift(ea, eb)
    key_dtype = np.int32 if ea.k << shift <= _INT32_MAX else np.int64
    n = a.size
    keys = spare = np.empty(0, dtype=key_dtype)
    total: Table | None = None
    done = 0
    while done < n:
        # Blocks grow with the table, so scratch memory stays O(distinct pairs + one block)
        # and the merges cost O(n) in all.
        size = min(n - done, max(_FIRST_BLOCK, 4 * (0 if total is None else total[2].size)))
        if keys.size < size:
            keys, spare = np.empty(size, dtype=key_dtype), np.empty(size, dtype=key_dtype)
        part = _count_block(
            a[done : done + size],
            b[done : done + size],
            ea,
            eb,
            shift,
            keys[:size],
            spare[:size],
            parallel,
        )
        if total is None:
            total = part
        else:
            merged = _merge(total[:3], part[:3], shift)
            total = (*merged, total[3] + part[3], total[4] + part[4])
        done += size
    assert total is not None
    return total


def _finish_side(
    enc: _Encoder, index: IntArray, sums: IntArray, decode: Callable[[IntArray], Any]
) -> tuple[Any, IntArray, IntArray]:
    """Return (labels, index, marginal) with labels reduced to the values that occur."""
    if enc.labels is not None:
        return enc.labels, index, sums
    if sums.all():  # every value in the range occurs
        return decode(np.arange(enc.offset, enc.offset + enc.k, dtype=np.int64)), index, sums
    present, index, sums = _keep_present(index, sums)
    return decode(present + enc.offset), index, sums


def _keep_present(index: IntArray, sums: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Drop the labels whose marginal is zero: (positions kept, index renumbered, sums)."""
    present = np.flatnonzero(sums)
    if present.size == sums.size:
        return present, index, sums
    remap = np.full(sums.size, -1, dtype=np.int64)
    remap[present] = np.arange(present.size)
    return present, remap[index], sums[present]


def _sort_labels(labels: Any, index: IntArray) -> tuple[Any, IntArray, bool]:
    """Sort labels whose decoded order differs from their code order (uint64, float bits)."""
    if labels.size < 2 or bool(np.all(labels[1:] > labels[:-1])):
        return labels, index, False
    order = np.argsort(labels, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return labels[order], rank[index], True


def _from_labels(
    preds: Labels, target: Labels, weights: npt.NDArray[np.float64] | None = None
) -> Contingency:
    """Count the pairs of two validated labelings of equal length.

    ``weights``: validated non-negative finite ``float64`` sample weights, or None for a
    table of exact ``int64`` counts. Samples of zero weight leave the table, labels included.
    """
    if weights is not None and weights.size and not weights.all():
        keep = weights > 0
        preds, target, weights = _subset(preds, keep), _subset(target, keep), weights[keep]
    a, b = preds.data, target.data
    if a.size == 0:
        empty = Contingency._empty(preds.decode, target.decode)
        return empty if weights is None else empty._as_weighted()
    if a.size >= _PARALLEL_MIN and _n_threads() > 1:
        ea, eb = _run_all(_Encoder, [(a, preds.decode), (b, target.decode)])
    else:
        ea, eb = _Encoder(a, preds.decode), _Encoder(b, target.decode)
    if weights is not None:
        table = _count_weighted(ea, eb, weights)
        return _from_table(preds, target, ea, eb, table, float(table[2].sum()))
    return _from_encoders(preds, target, ea, eb, parallel=True)


def _from_noisy(
    preds: Labels,
    target: Labels,
    weights: npt.NDArray[np.float64] | None,
    preds_noise: tuple[npt.NDArray[np.bool_] | None, str],
    target_noise: tuple[npt.NDArray[np.bool_] | None, str],
) -> Contingency:
    """Count two labelings whose noise samples are masked, under each side's policy.

    ``*_noise``: (mask of the side's noise samples or None, "drop" or "singleton").
    Dropped samples leave the table. Singleton samples are clusters of their own, kept as
    totals per label of the other side (:class:`_Noise`), so that a million noise points
    cost no more memory than a few.
    """
    n = preds.data.size
    none = np.zeros(n, dtype=bool)
    drop = none.copy() if weights is None else weights == 0
    single = []
    for mask, policy in (preds_noise, target_noise):
        if mask is not None and policy == "drop":
            drop |= mask
        single.append(mask if mask is not None and policy == "singleton" else none)
    keep = ~drop
    sp, st = single[0] & keep, single[1] & keep
    regular = keep & ~(sp | st)
    groups = (sp & ~st, st & ~sp, sp & st)  # singleton in preds only, target only, both
    table = _from_labels(
        _subset(preds, regular),
        _subset(target, regular),
        None if weights is None else weights[regular],
    )
    if not any(g.any() for g in groups):
        return table

    def totals(labels: Labels, group: npt.NDArray[np.bool_]) -> Contingency:
        # the weight of each label among the group's samples, as a one-column table
        w = None if weights is None else weights[group]
        size = int(np.count_nonzero(group))
        column = Labels(np.zeros(size, dtype=np.uint8), lambda v: v)
        return _from_labels(_subset(labels, group), column, w)

    def wlogw(group: npt.NDArray[np.bool_]) -> float:
        if weights is None:
            return 0.0
        w = weights[group]
        return math.fsum(w * np.log(w))

    by_row = totals(preds, groups[1])  # target singletons, per preds label
    by_col = totals(target, groups[0])  # preds singletons, per target label
    stats = np.zeros(_N_STATS, dtype=np.float64)
    stats[_N_PREDS], stats[_N_TARGET], stats[_N_BOTH] = (np.count_nonzero(g) for g in groups)
    stats[_L_PREDS], stats[_L_TARGET], stats[_L_BOTH] = (wlogw(g) for g in groups)
    if weights is None:
        w_both: float = int(stats[_N_BOTH])
    else:
        w_both = math.fsum(weights[groups[2]])
        stats[_NONUNIT] = np.count_nonzero(weights[sp | st] != 1.0)
    stats[_W_BOTH] = w_both
    return table + _noise_table(
        by_row.row_labels, by_row.row_sums, by_col.row_labels, by_col.row_sums, stats
    )


def _noise_table(
    row_labels: npt.NDArray[Any],
    noise_rows: npt.NDArray[Any],
    col_labels: npt.NDArray[Any],
    noise_cols: npt.NDArray[Any],
    stats: npt.NDArray[np.float64],
) -> Contingency:
    """Return a table of noise singletons only: their totals per label, and the stats.

    ``noise_rows``/``noise_cols``: one total per label, ``int64`` counts or ``float64``
    weights (labels whose total is zero are left out). Add it to a table of labelled cells.
    """
    dtype = np.float64 if np.float64 in (noise_rows.dtype, noise_cols.dtype) else np.int64
    used_r, used_c = noise_rows > 0, noise_cols > 0
    noise_rows, noise_cols = noise_rows[used_r].astype(dtype), noise_cols[used_c].astype(dtype)
    w_both = float(stats[_W_BOTH]) if dtype == np.float64 else int(stats[_W_BOTH])
    total = noise_rows.sum() + noise_cols.sum() + w_both
    cells = np.empty(0, dtype=np.int64)
    return Contingency._from_parts(
        cells,
        cells.copy(),
        cells.astype(dtype),
        row_labels[used_r],
        col_labels[used_c],
        noise_rows,
        noise_cols,
        float(total) if dtype == np.float64 else int(total),
        _Noise(noise_rows.copy(), noise_cols.copy(), stats),
    )


def _subset(labels: Labels, keep: npt.NDArray[np.bool_]) -> Labels:
    return Labels(labels.data[keep], labels.decode, labels.ordered)


def _from_encoders(
    preds: Labels, target: Labels, ea: _Encoder, eb: _Encoder, parallel: bool
) -> Contingency:
    """Count the pairs of two non-empty labelings whose encoders are built.

    ``parallel=False`` keeps all the work on the calling thread (for callers that run
    several countings on threads of their own).
    """
    if _dense_fits(ea.k, eb.k, preds.data.size):
        table = _count_dense(ea, eb, parallel)
    else:
        table = _count_sparse(ea, eb, parallel)
    return _from_table(preds, target, ea, eb, table)


def _dense_fits(ka: int, kb: int, n: int) -> bool:
    return ka * kb <= min(max(_SMALL_TABLE, n), _MAX_DENSE)


def _from_table(
    preds: Labels,
    target: Labels,
    ea: _Encoder,
    eb: _Encoder,
    table: Table,
    total: float | None = None,
) -> Contingency:
    """Finish a counted table: keep the labels that occur, decode and order them.

    ``total``: the sum of the weights of a weighted table; by default, the number of samples.
    """
    n_samples: float = preds.data.size if total is None else total
    rows, cols, counts, row_sums, col_sums = table
    row_labels, rows, row_sums = _finish_side(ea, rows, row_sums, preds.decode)
    col_labels, cols, col_sums = _finish_side(eb, cols, col_sums, target.decode)
    moved_rows = moved_cols = False
    if not preds.ordered:
        row_labels, rows, moved_rows = _sort_labels(row_labels, rows)
    if not target.ordered:
        col_labels, cols, moved_cols = _sort_labels(col_labels, cols)
    if moved_rows or moved_cols:
        order = np.lexsort((cols, rows))
        rows, cols, counts = rows[order], cols[order], counts[order]
        row_sums = K._sum_by_index(rows, counts, row_labels.size)
        col_sums = K._sum_by_index(cols, counts, col_labels.size)
    return Contingency._from_parts(
        rows, cols, counts, row_labels, col_labels, row_sums, col_sums, n_samples
    )


def _count_one(labels: Labels, weights: npt.NDArray[np.float64] | None = None) -> npt.NDArray[Any]:
    """Return the size (or weight) of each distinct label of one labeling (order unspecified)."""
    x = labels.data
    if x.size == 0:
        return np.empty(0, dtype=np.int64)
    zeros = np.zeros(x.size, dtype=np.uint8)
    table = _from_labels(labels, Labels(zeros, lambda v: v), weights)
    return table.row_sums


def _union(a: Any, b: Any) -> Any:
    kinds = {a.dtype.kind, b.dtype.kind}
    numeric = set("biuf")
    if not (kinds <= numeric or len(kinds) == 1 or "O" in kinds):
        raise TypeError(
            f"cannot add tables whose labels have different types ({a.dtype} and {b.dtype}); "
            "give every batch labels of one type"
        )
    if kinds <= set("iu") and np.result_type(a.dtype, b.dtype).kind == "f":
        a, b = a.astype(object), b.astype(object)  # int64 with uint64: keep every value exact
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
            f"cannot add tables whose labels cannot be ordered together: {exc}"
        ) from None


def _readonly(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    x.flags.writeable = False
    return x


_MAX_LOG_WINDOW = 1 << 24  # entries of exact log-factorial sums kept for the EMI kernel
_NONE_F = np.empty(0, dtype=np.float64)
_EMI_PARALLEL_MIN = 1 << 16  # pairs of distinct sizes worth a thread of their own


def _sizes(sums: IntArray, ones: int) -> tuple[IntArray, IntArray]:
    """Distinct cluster sizes with their multiplicities, ``ones`` more clusters of size 1."""
    sizes, mult = np.unique(sums, return_counts=True)
    if ones:
        if sizes.size and sizes[0] == 1:
            mult[0] += ones
        else:
            sizes, mult = np.concatenate(([1], sizes)), np.concatenate(([ones], mult))
    return sizes, mult


def _expected_mutual_info(
    row_sums: IntArray, col_sums: IntArray, n: int, row_ones: int = 0, col_ones: int = 0
) -> float:
    """EMI of tables with these marginals, plus ``row_ones``/``col_ones`` clusters of size 1."""
    if row_sums.size + row_ones <= 1 or col_sums.size + col_ones <= 1:
        return 0.0  # a labeling with zero entropy has zero mutual information with any other
    # Clusters of equal size contribute equal terms: each pair of distinct sizes once.
    a_sizes, a_mult = _sizes(row_sums, row_ones)
    b_sizes, b_mult = _sizes(col_sums, col_ones)
    span = int(a_sizes[-1]) + int(b_sizes[-1])
    base = max(n - span, 0)
    size = n - base
    window = K._log_factorial_window(base, size) if size <= _MAX_LOG_WINDOW else _NONE_F
    parts = max(1, min(_n_threads(), a_sizes.size * b_sizes.size // _EMI_PARALLEL_MIN))
    # interleaved rows: the cost of a row grows with its size
    jobs = [
        (
            a_sizes[t::parts],
            a_mult[t::parts].astype(np.float64),
            b_sizes,
            b_mult.astype(np.float64),
            n,
            window,
            base,
        )
        for t in range(parts)
    ]
    partial = _run_all(K._expected_mutual_info_rows, jobs)
    return math.fsum(x for part in partial for x in part)


# Layout of _Noise.stats: samples that are singletons on the preds side only, the target side
# only, or both; the weight of the last group; sum of w*log(w) of each group; and how many
# singletons have a weight other than 1.
_N_PREDS, _N_TARGET, _N_BOTH, _W_BOTH, _L_PREDS, _L_TARGET, _L_BOTH, _NONUNIT = range(8)
_N_STATS = 8


class _Noise:
    """Noise singletons of a table, kept as totals so memory does not grow with them.

    Each noise sample under the ``"singleton"`` policy is a cluster of its own; what the
    scores need of them is, per label on the other side, their total weight, plus a few sums.

    Attributes
    ----------
    rows : numpy.ndarray, shape (n_rows,)
        Per ``preds`` label: total weight of its samples whose ``target`` is a singleton.
    cols : numpy.ndarray, shape (n_cols,)
        Per ``target`` label: total weight of its samples whose ``preds`` is a singleton.
    stats : numpy.ndarray of float64, shape (8,)
        Samples that are singletons in preds only, in target only, in both; the weight of
        the last group; the sum of ``w * log(w)`` over each group; how many singletons have
        a weight other than 1.
    """

    __slots__ = ("cols", "rows", "stats")

    def __init__(
        self, rows: npt.NDArray[Any], cols: npt.NDArray[Any], stats: npt.NDArray[np.float64]
    ) -> None:
        self.rows, self.cols, self.stats = rows, cols, stats

    @staticmethod
    def same(a: _Noise | None, b: _Noise | None) -> bool:
        if a is None or b is None:
            return a is b or not (a or b).stats.any()  # type: ignore[union-attr]
        return all(
            bool(np.array_equal(x, y))
            for x, y in ((a.rows, b.rows), (a.cols, b.cols), (a.stats, b.stats))
        )

    def __repr__(self) -> str:
        n_p, n_t, n_b = (int(x) for x in self.stats[:3])
        return f"noise singletons: {n_p} in preds, {n_t} in target, {n_b} in both"


def _generalized_mean(u: float, v: float, average_method: str) -> float:
    if average_method == "min":
        return min(u, v)
    if average_method == "geometric":
        return math.sqrt(u * v)
    if average_method == "arithmetic":
        return (u + v) / 2.0
    return max(u, v)


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
    noise : None or object with ``rows``, ``cols``, ``stats``
        Noise singletons (``noise_policy="singleton"``), kept as totals: per ``preds`` label
        the weight of its samples whose target is a singleton (``rows``), per ``target``
        label the weight of its samples whose prediction is a singleton (``cols``), and the
        counts and sums the scores need (``stats``). None when there are none.

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
        "_emi",
        "_info",
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
        kb = max(labels[1].size, 1)
        keys = r * kb + c
        order = np.argsort(keys, kind="stable")
        keys, n = K._run_lengths_weighted(keys[order], n[order])
        r, c = np.divmod(keys, kb)
        row_sums = K._sum_by_index(r, n, labels[0].size)
        col_sums = K._sum_by_index(c, n, labels[1].size)
        row_labels_arr, r, row_sums = _drop_unused(labels[0], r, row_sums)
        col_labels_arr, c, col_sums = _drop_unused(labels[1], c, col_sums)
        total = float(n.sum()) if n.dtype == np.float64 else int(n.sum())
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
        noise: _Noise | None = None,
    ) -> None:
        self.rows = _readonly(rows)
        self.cols = _readonly(cols)
        self.counts = _readonly(counts)
        self.row_labels = _readonly(row_labels)
        self.col_labels = _readonly(col_labels)
        self.row_sums = _readonly(row_sums)
        self.col_sums = _readonly(col_sums)
        self.n_samples = n_samples
        self.noise = noise
        self._info: tuple[float, float, float] | None = None
        self._emi: float | None = None
        self._whole: Contingency | str | None = None  # the table in counts: _whole_counts

    @classmethod
    def _from_parts(
        cls,
        rows: IntArray,
        cols: IntArray,
        counts: npt.NDArray[Any],
        row_labels: npt.NDArray[Any],
        col_labels: npt.NDArray[Any],
        row_sums: npt.NDArray[Any],
        col_sums: npt.NDArray[Any],
        n_samples: float,
        noise: _Noise | None = None,
    ) -> Contingency:
        """Wrap parts that already satisfy every invariant (no checks, no copies)."""
        table = cls.__new__(cls)
        table._set(rows, cols, counts, row_labels, col_labels, row_sums, col_sums, n_samples, noise)
        return table

    @classmethod
    def _empty(
        cls, decode_rows: Callable[[IntArray], Any], decode_cols: Callable[[IntArray], Any]
    ) -> Contingency:
        none = np.empty(0, dtype=np.int64)
        return cls._from_parts(
            none,
            none.copy(),
            none.copy(),
            decode_rows(none.copy()),
            decode_cols(none.copy()),
            none.copy(),
            none.copy(),
            0,
        )

    def _with_dtype(self, dtype: Any, n_samples: float) -> Contingency:
        noise = self.noise
        if noise is not None:
            noise = _Noise(noise.rows.astype(dtype), noise.cols.astype(dtype), noise.stats)
        return Contingency._from_parts(
            self.rows,
            self.cols,
            self.counts.astype(dtype),
            self.row_labels,
            self.col_labels,
            self.row_sums.astype(dtype),
            self.col_sums.astype(dtype),
            n_samples,
            noise,
        )

    def _as_weighted(self) -> Contingency:
        """Return the same table with ``float64`` weights for counts."""
        return self if self.weighted else self._with_dtype(np.float64, float(self.n_samples))

    @property
    def weighted(self) -> bool:
        """Whether the cells hold ``float64`` weights (from ``sample_weight``) or counts."""
        return bool(self.counts.dtype == np.float64)

    def _whole_counts(self, what: str) -> Contingency:
        """Return the table with ``int64`` counts; ValueError where chance has no model.

        That is for weights that are not whole numbers, and for noise singletons of a weight
        other than 1 (a singleton of weight 3 is one cluster of mass 3, not three samples).
        """
        if self._whole is None:  # checked and converted once: the table never changes
            if self.noise is not None and self.noise.stats[_NONUNIT]:
                self._whole = "singletons"
            elif not self.weighted:
                self._whole = "counts"  # self already (a string: no reference cycle)
            else:
                parts = [self.counts, self.row_sums, self.col_sums]
                whole = all(bool(np.all(x == np.floor(x))) for x in parts)
                if not whole or self.n_samples >= 2.0**53:
                    self._whole = "fractional"
                else:
                    self._whole = self._with_dtype(np.int64, int(self.n_samples))
        if self._whole == "singletons":
            raise ValueError(
                f"{what} is not defined for noise singletons with sample weights other than 1; "
                "use noise_policy 'drop' or 'keep' with those weights, or "
                "normalized_mutual_info_score"
            )
        if self._whole == "fractional":
            raise ValueError(
                f"{what} needs whole-number counts: the sample weights give this table "
                "fractional cells, which its chance model has no meaning for. Use whole-number "
                "weights (repetitions), or a score without a chance model such as "
                "normalized_mutual_info_score"
            )
        if self._whole == "counts":
            return self
        assert isinstance(self._whole, Contingency)
        return self._whole

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
        n_p, n_t, n_b = (int(x) for x in self.noise.stats[:3])
        return ka + n_p + n_b, kb + n_t + n_b

    def _n_cells(self) -> int:
        if self.noise is None:
            return self.nnz
        return self.nnz + int(self.noise.stats[:3].sum())

    # -- information -------------------------------------------------------------------

    def _information(self) -> tuple[float, float, float]:
        """(mutual information, row entropy, column entropy), computed once per table."""
        info = self._info
        if info is None:
            n = self.n_samples
            if n == 0:
                info = (0.0, 0.0, 0.0)
            else:
                cells = _chunks(self.nnz)
                raw_mi, h_rows, h_cols, independent = K._information(
                    self.rows,
                    self.cols,
                    self.counts,
                    self.row_sums,
                    self.col_sums,
                    n,
                    len(cells) == 1,
                )
                if len(cells) > 1 and not independent:
                    raw_mi = self._parallel_mutual_info(cells)
                if self.noise is not None:
                    independent = False  # the kernel saw the labelled cells only
                    extra_mi, extra_rows, extra_cols = self._noise_information()
                    raw_mi += extra_mi
                    h_rows += extra_rows
                    h_cols += extra_cols
                ka, kb = self.n_clusters
                if independent or ka == 1 or kb == 1:
                    # Exactly zero: a single cluster on either side, or every cell equal to
                    # the product of its marginals (the sum would leave rounding noise).
                    mi = 0.0
                elif self._is_perfect_match():
                    # Same partition: MI equals either entropy exactly; the smaller keeps it
                    # symmetric and makes identical partitions score exactly 1.0.
                    mi = min(h_rows, h_cols)
                else:
                    mi = max(float(raw_mi), 0.0)  # rounding can leave a tiny negative value
                info = (mi, float(h_rows), float(h_cols))
            self._info = info
        return info

    def _noise_information(self) -> tuple[float, float, float]:
        """Return what the noise singletons add to (MI, H(preds), H(target)), in nats.

        A singleton of weight ``w`` next to a column of total ``b`` adds ``(w/N) log(N/b)``
        to the mutual information and ``-(w/N) log(w/N)`` to the entropy of its side; one
        that is a singleton on both sides adds ``(w/N) log(N/w)`` to the mutual information.
        """
        noise = self.noise
        assert noise is not None
        n = float(self.n_samples)
        log_n = math.log(n)
        _, _, _, w_both, l_preds, l_target, l_both, _ = (float(x) for x in noise.stats)

        def next_to(weights: npt.NDArray[Any], sums: npt.NDArray[Any]) -> tuple[float, float]:
            used = weights > 0
            w = weights[used].astype(np.float64)
            return math.fsum(w * (log_n - np.log(sums[used].astype(np.float64)))), math.fsum(w)

        mi_cols, w_preds = next_to(noise.cols, self.col_sums)  # preds singletons
        mi_rows, w_target = next_to(noise.rows, self.row_sums)  # target singletons
        mi = (mi_cols + mi_rows + w_both * log_n - l_both) / n
        h_preds = ((w_preds + w_both) * log_n - (l_preds + l_both)) / n
        h_target = ((w_target + w_both) * log_n - (l_target + l_both)) / n
        return mi, h_preds, h_target

    def _parallel_mutual_info(self, cells: list[tuple[int, int]]) -> float:
        log_rows = K._log_counts(self.row_sums)
        log_cols = K._log_counts(self.col_sums)

        def terms(lo: int, hi: int) -> tuple[float, float]:
            return K._mutual_info_terms(  # type: ignore[no-any-return]
                self.rows[lo:hi],
                self.cols[lo:hi],
                self.counts[lo:hi],
                log_rows,
                log_cols,
                self.n_samples,
            )

        # fsum adds the partial sums and their compensations exactly, then rounds once
        return math.fsum(x for part in _run_all(terms, cells) for x in part)

    def row_entropy(self) -> float:
        """Entropy of the ``preds`` labeling in nats (0.0 for an empty table)."""
        return self._information()[1]

    def col_entropy(self) -> float:
        """Entropy of the ``target`` labeling in nats (0.0 for an empty table)."""
        return self._information()[2]

    def _is_perfect_match(self) -> bool:
        # one cell per row and per column: the labelings are the same partition
        ka, kb = self.n_clusters
        return self._n_cells() == ka == kb

    def mutual_info(self) -> float:
        """Mutual information of the two labelings.

        Returns
        -------
        float
            Non-negative, in nats; 0.0 for an empty table or when either side has a single
            cluster.
        """
        return self._information()[0]

    def normalized_mutual_info(self, average_method: str = "arithmetic") -> float:
        """Return the normalized mutual information, with scikit-learn's conventions.

        Parameters
        ----------
        average_method : {"min", "geometric", "arithmetic", "max"}
            How the two entropies are averaged into the normalizer.

        Returns
        -------
        float
            Between 0.0 and 1.0. 1.0 when both labelings have a single cluster or are empty,
            or when they are the same partition; 0.0 when the mutual information is zero.
        """
        average_method = check_average_method(average_method)
        ka, kb = self.n_clusters
        if ka == kb == 1 or ka == kb == 0:
            return 1.0  # scikit-learn's convention: no split on either side is a perfect match
        mi, h_rows, h_cols = self._information()
        if mi == 0.0:
            return 0.0
        if self._is_perfect_match():
            return 1.0
        normalizer = _generalized_mean(h_rows, h_cols, average_method)
        if normalizer <= 0.0:  # pragma: no cover - mi > 0 implies both entropies > 0
            return 0.0
        return min(max(mi / normalizer, 0.0), 1.0)

    def expected_mutual_info(self) -> float:
        """Return the expected mutual information of random labelings with these marginals.

        Returns
        -------
        float
            In nats, under the hypergeometric (permutation) model, as in scikit-learn's
            adjusted mutual information; 0.0 when either side has a single cluster.

        Raises
        ------
        ValueError
            For weights that are not whole numbers, or noise singletons of weight other than 1.
        """
        if self._emi is None:
            table = self._whole_counts("the expected mutual information")
            ones = (0, 0)
            if table.noise is not None:
                n_p, n_t, n_b = (int(x) for x in table.noise.stats[:3])
                ones = (n_p + n_b, n_t + n_b)
            self._emi = _expected_mutual_info(
                table.row_sums, table.col_sums, int(table.n_samples), *ones
            )
        return self._emi

    def adjusted_mutual_info(self, average_method: str = "arithmetic") -> float:
        """Return the adjusted mutual information, with scikit-learn's conventions.

        ``(MI - E[MI]) / (mean(H(preds), H(target)) - E[MI])``: about 0.0 for random labelings
        whatever the number of clusters, 1.0 for identical partitions.

        Parameters
        ----------
        average_method : {"min", "geometric", "arithmetic", "max"}
            How the two entropies are averaged into the normalizer.

        Returns
        -------
        float
            At most 1.0; can be negative. 1.0 when both labelings have a single cluster or
            are empty, or when they are the same partition; 0.0 when exactly one side has a
            single cluster.

        Raises
        ------
        ValueError
            For weights that are not whole numbers, or noise singletons of weight other than 1:
            the chance model counts samples.
        """
        average_method = check_average_method(average_method)
        n = self._whole_counts("adjusted mutual information").n_samples
        ka, kb = self.n_clusters
        if ka == kb == 1 or ka == kb == 0:
            return 1.0
        if ka == 1 or kb == 1:
            return 0.0
        if self._is_perfect_match():
            return 1.0  # (H - E) / (H - E), also when every sample is its own cluster
        mi, h_rows, h_cols = self._information()
        emi = self.expected_mutual_info()
        if n in (ka, kb):
            # One side puts every sample in a cluster of its own: every permutation has the
            # same mutual information, the other side's entropy, so MI - E[MI] is exactly 0.
            # Taken as exact, the result does not hang on rounding: 1.0 when the normalizer
            # is that entropy too (min), else 0.0 up to the epsilon below.
            mi = emi = h_cols if ka == n else h_rows
        normalizer = _generalized_mean(h_rows, h_cols, average_method)
        # scikit-learn keeps both differences at least one machine epsilon from zero
        eps = float(np.finfo(np.float64).eps)
        denominator = normalizer - emi
        denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
        numerator = mi - emi
        numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
        return float(numerator / denominator)

    def scores(self) -> dict[str, float]:
        """Return every score that follows from this table, each computed once.

        Returns
        -------
        dict
            ``mutual_info``, ``entropy_preds``, ``entropy_target`` (nats);
            ``nmi_<method>`` and ``ami_<method>`` for each average_method; ``homogeneity``,
            ``completeness``, ``v_measure`` (with ``target`` as the classes, as in
            scikit-learn's ``homogeneity_score(target, preds)``); ``variation_of_information``
            (nats); ``adjusted_rand``. The chance-adjusted ``ami_*`` and ``adjusted_rand``
            are NaN where they are not defined: weights that are not whole numbers, or
            noise singletons of weight other than 1.
        """
        mi, h_preds, h_target = self._information()
        out = {"mutual_info": mi, "entropy_preds": h_preds, "entropy_target": h_target}
        for method in AVERAGE_METHODS:
            out[f"nmi_{method}"] = self.normalized_mutual_info(method)
        try:
            self._whole_counts("")
            chance = True
        except ValueError:
            chance = False
        for method in AVERAGE_METHODS:
            out[f"ami_{method}"] = self.adjusted_mutual_info(method) if chance else math.nan
        if self.n_samples == 0:
            homogeneity = completeness = v_measure = 1.0
        else:
            homogeneity = mi / h_target if h_target else 1.0
            completeness = mi / h_preds if h_preds else 1.0
            total = homogeneity + completeness
            v_measure = 2.0 * homogeneity * completeness / total if total else 0.0
        out["homogeneity"] = homogeneity
        out["completeness"] = completeness
        out["v_measure"] = v_measure
        out["variation_of_information"] = max(h_preds + h_target - 2.0 * mi, 0.0)
        out["adjusted_rand"] = self.adjusted_rand() if chance else math.nan
        return out

    def adjusted_rand(self) -> float:
        """Return the adjusted Rand index, as scikit-learn's ``adjusted_rand_score``.

        Raises
        ------
        ValueError
            For weights that are not whole numbers, or noise singletons of weight other than 1.
        """
        table = self._whole_counts("the adjusted Rand index")
        n = int(table.n_samples)

        def squares(x: IntArray) -> int:
            if n <= 3_000_000_000:  # every sum of squares fits int64
                return int(np.dot(x, x))
            return sum(int(v) * int(v) for v in x)

        n_p = n_t = n_b = 0
        if table.noise is not None:  # singletons of weight 1: a square of 1 each
            n_p, n_t, n_b = (int(x) for x in table.noise.stats[:3])
        cells = squares(table.counts) + n_p + n_t + n_b
        tp = cells - n
        fp = squares(table.col_sums) + n_t + n_b - cells
        fn = squares(table.row_sums) + n_p + n_b - cells
        tn = n * n - fp - fn - cells
        if fn == 0 and fp == 0:
            return 1.0
        return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))

    # -- conversion --------------------------------------------------------------------

    def _check_expandable(self) -> None:
        if self.noise is not None and self.noise.stats[:3].any():
            n = int(self.noise.stats[:3].sum())
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
        noise = self.noise
        if noise is not None:
            stats = noise.stats[[_N_TARGET, _N_PREDS, _N_BOTH, _W_BOTH, _L_TARGET, _L_PREDS]]
            noise = _Noise(noise.cols, noise.rows, np.concatenate((stats, noise.stats[6:])))
        return Contingency._from_parts(
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
            return self if self.weighted or not other.weighted else self._as_weighted()
        if self.n_samples == 0:
            return other if other.weighted or not self.weighted else other._as_weighted()
        if self.weighted != other.weighted:
            return self._as_weighted() + other._as_weighted()
        row_labels = _union(self.row_labels, other.row_labels)
        col_labels = _union(self.col_labels, other.col_labels)
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
        rows, cols, counts = _merge(cells1, cells2, shift)
        row_sums = K._sum_by_index(rows, counts, ka)
        col_sums = K._sum_by_index(cols, counts, kb)
        noise = None
        if self.noise is not None or other.noise is not None:
            noise = _Noise(
                np.zeros(ka, dtype=counts.dtype),
                np.zeros(kb, dtype=counts.dtype),
                np.zeros(_N_STATS, dtype=np.float64),
            )
            for t, row_map, col_map in ((self, row_map1, col_map1), (other, row_map2, col_map2)):
                if t.noise is not None:
                    noise.rows[row_map] += t.noise.rows
                    noise.cols[col_map] += t.noise.cols
                    noise.stats[:] += t.noise.stats
            row_sums += noise.rows
            col_sums += noise.cols
        return Contingency._from_parts(
            rows,
            cols,
            counts,
            row_labels,
            col_labels,
            row_sums,
            col_sums,
            self.n_samples + other.n_samples,
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
            and _Noise.same(self.noise, other.noise)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        parts = (self.rows, self.cols, self.counts, self.row_labels, self.col_labels)
        noise = None
        if self.noise is not None:
            noise = tuple(np.array(x) for x in (self.noise.rows, self.noise.cols, self.noise.stats))
        return (_restore, (*(np.array(p) for p in parts), self.n_samples, noise))

    def __repr__(self) -> str:
        extra = ""
        if self.noise is not None:
            extra = f", noise_singletons={int(self.noise.stats[:3].sum())}"
        if self.weighted:
            extra += ", weighted=True"
        return f"Contingency(shape={self.shape}, nnz={self.nnz}, n_samples={self.n_samples}{extra})"


def _drop_unused(
    labels: npt.NDArray[Any], index: IntArray, sums: npt.NDArray[Any]
) -> tuple[npt.NDArray[Any], IntArray, npt.NDArray[Any]]:
    present, index, sums = _keep_present(index, sums)
    return labels[present], index, sums


def _restore(
    rows: IntArray,
    cols: IntArray,
    counts: npt.NDArray[Any],
    row_labels: npt.NDArray[Any],
    col_labels: npt.NDArray[Any],
    n_samples: float,
    noise: tuple[npt.NDArray[Any], ...] | None = None,
) -> Contingency:
    """Rebuild a table from its parts (unpickling, saved states), checking every invariant."""
    if noise is None:
        table = Contingency(rows, cols, counts, row_labels, col_labels)
    else:
        table = _with_noise(rows, cols, counts, row_labels, col_labels, *noise)
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


def _with_noise(
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    counts: npt.ArrayLike,
    row_labels: npt.ArrayLike,
    col_labels: npt.ArrayLike,
    noise_rows: npt.ArrayLike,
    noise_cols: npt.ArrayLike,
    stats: npt.ArrayLike,
) -> Contingency:
    """Check and assemble a table with noise singletons, given in canonical form.

    Canonical: cells sorted by (row, column) without repeats or zeros, labels strictly
    increasing, each label with some weight (in a cell or in the noise totals).
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
    st = np.array(stats, dtype=np.float64)
    if st.shape != (_N_STATS,) or not np.isfinite(st).all() or (st[:4] < 0).any():
        raise ValueError(f"noise stats must be {_N_STATS} finite numbers, counts non-negative")
    weighted = any(x.dtype.kind == "f" for x in (n, *extra))
    dtype = np.float64 if weighted else np.int64
    n, noise_r, noise_c = (x.astype(dtype) for x in (n, *extra))
    row_sums = K._sum_by_index(r, n, row_labels.size) + noise_r
    col_sums = K._sum_by_index(c, n, col_labels.size) + noise_c
    if not (row_sums.all() and col_sums.all()):
        raise ValueError("labels without any sample")
    w_both = float(st[_W_BOTH]) if weighted else int(st[_W_BOTH])
    total = n.sum() + noise_r.sum() + noise_c.sum() + w_both
    return Contingency._from_parts(
        r,
        c,
        n,
        row_labels,
        col_labels,
        row_sums,
        col_sums,
        float(total) if weighted else int(total),
        _Noise(noise_r, noise_c, st),
    )


def _as_codes(labels: Labels, enc: _Encoder | None = None) -> Labels:
    """Re-express a labeling as compact codes 0..k-1 (the narrowest integer dtype).

    Worth it for a labeling read many times: every later pass reads fewer bytes and needs
    no hash lookups. ``enc``: the labeling's encoder, when already built.
    """
    enc = _Encoder(labels.data, labels.decode) if enc is None else enc
    codes = np.empty(labels.data.size, dtype=np.int64)
    K._encode_into(labels.data if enc.rank.size == 0 else enc.data, *enc.args(), codes)
    width = np.min_scalar_type(max(enc.k - 1, 0))  # unsigned: the kernels read those as is
    narrow = codes.astype(width if width.itemsize < 8 else np.int64)
    if enc.labels is not None:
        values = enc.labels
    else:
        values = labels.decode(np.arange(enc.offset, enc.offset + enc.k, dtype=np.int64))
    return Labels(narrow, lambda v: values[v], labels.ordered)


_GUESS_PREFIX = 1 << 16


def _guess_and_count(
    row: Labels,
    et: _Encoder,
    flagged: npt.NDArray[np.bool_] | None = None,
    weights: npt.NDArray[np.float64] | None = None,
    parallel: bool = False,
) -> tuple[_Encoder, npt.NDArray[Any]] | None:
    """Count ``row`` against target codes in one pass, taking its range from a prefix.

    Cluster ids usually all appear early, so the range of the first samples is the range of
    all; one pass then does what finding the range and counting would do in two. Returns
    the row's encoder and the dense table (one row per value in the range, plus a last row
    for the ``flagged`` samples when given; ``float64`` weights with ``weights``), or None
    (nothing counted) when the guess does not hold or the table would not be small.
    ``parallel``: count a long row in chunks on the shared threads, a table per chunk.
    """
    a = row.data
    if not _one_pass_pays(row) or et.keys.size or et.rank.size:
        return None
    lo, hi = (int(v) for v in K._min_max(a[:_GUESS_PREFIX]))
    span = hi - lo + 1
    height = span + (flagged is not None)
    if not _dense_fits(height, et.k, a.size):
        return None
    dtype = np.int64 if weights is None else np.float64

    def count(start: int, stop: int) -> npt.NDArray[Any] | None:
        part = slice(start, stop)
        cells = np.zeros(height * et.k, dtype=dtype)
        flags = None if flagged is None else flagged[part]
        w = None if weights is None else weights[part]
        b = et.data[part]
        stopped = K._count_offsets_within(a[part], b, lo, hi, et.k, cells, flags, w, et.offset)
        return None if stopped >= 0 else cells

    tables = _run_all(count, _chunks(a.size, parallel))
    if any(t is None for t in tables):
        return None
    cells = tables[0]
    for other in tables[1:]:
        cells += other
    return _Encoder.offset_form(a, lo, span), cells.reshape(height, et.k)


def _one_pass_pays(row: Labels) -> bool:
    """Whether :func:`_guess_and_count` may count ``row``: long enough to guess its range."""
    return bool(row.data.size > 2 * _GUESS_PREFIX)


@dataclasses.dataclass(frozen=True)
class _ManyNoise:
    """The noise policy of :func:`_score_many`: masks of noise samples and each side's policy.

    ``preds``: one mask per row (None where a row has no noise to drop or split);
    ``target``: the target's mask. Policies are "keep", "drop" or "singleton".
    """

    preds: list[npt.NDArray[np.bool_] | None]
    preds_policy: str
    target: npt.NDArray[np.bool_] | None
    target_policy: str


def _score_many(
    rows: list[Labels],
    target: Labels,
    score: Callable[[Contingency], _T],
    noise: _ManyNoise | None = None,
    weights: npt.NDArray[np.float64] | None = None,
) -> list[_T]:
    """Score each labeling of ``rows`` against ``target``, which is encoded once.

    The rows are spread over threads of their own; each row is counted on its thread. With
    ``noise``, noise samples of the target get one extra code, and a row's noise samples
    one extra row of its table; the policy is then applied to those totals. With
    ``weights``, the table adds weights; weighted noise singletons, which need each weight
    (not only the totals), are counted row by row.
    """
    n = target.data.size
    t_mask = None if noise is None else noise.target
    regular = target if t_mask is None else _subset(target, ~t_mask)
    if n == 0 or regular.data.size == 0:  # nothing to share

        def alone(index: int) -> _T:
            mask = None if noise is None else noise.preds[index]
            return score(_count_alone(rows[index], target, (mask, noise), weights))

        return _on_row_threads(alone, len(rows))
    et = _Encoder(regular.data, regular.decode)
    if t_mask is None and len(rows) == 1 and et.keys.size == et.rank.size == 0:
        # read once: the target's own values serve as codes, offset by their minimum
        codes, offset, k = regular, et.offset, et.k
    else:  # read by many rows: compact codes, fewer bytes per pass
        codes, offset = _as_codes(regular, et), 0
        k = int(codes.data.max()) + 1  # every code occurs
        if t_mask is not None:  # the target's noise samples: code k
            full = np.full(n, k, dtype=np.min_scalar_type(k))
            full[~t_mask] = codes.data
            codes = Labels(full, codes.decode, codes.ordered)
        et = _Encoder(codes.data, codes.decode)
    col_labels = codes.decode(np.arange(offset, offset + k, dtype=np.int64))

    def one(index: int) -> _T:
        row = rows[index]
        flagged = None if noise is None else noise.preds[index]
        singletons = noise is not None and (
            (flagged is not None and noise.preds_policy == "singleton")
            or (t_mask is not None and noise.target_policy == "singleton")
        )
        single_row = len(rows) == 1  # then the row's chunks take the threads
        guessed = None
        if weights is None or not singletons:
            guessed = _guess_and_count(row, et, flagged, weights, single_row)
        if guessed is None:
            if t_mask is None and flagged is None and weights is None:  # the target's codes
                ea = _Encoder(row.data, row.decode)
                return score(_from_encoders(row, codes, ea, et, single_row))
            return score(_count_alone(row, target, (flagged, noise), weights))
        ea, cells = guessed
        span = ea.k
        plain = np.ascontiguousarray(cells[:span, :k]).ravel()
        table = K._dense_to_table(plain, span, k)
        ek = _Encoder.offset_form(codes.data, offset, k)
        total = int(plain.sum()) if weights is None else float(plain.sum())
        main = _from_table(row, codes, ea, ek, table, total)
        if noise is None or not singletons:
            return score(main)  # noise dropped (or none): the plain cells are the table
        return score(_apply_many_noise(main, row, ea, cells, col_labels, codes.ordered, noise))

    return _on_row_threads(one, len(rows))


def _on_row_threads(one: Callable[[int], _T], count: int) -> list[_T]:
    """``[one(i) for i in range(count)]``, spread over threads of their own."""
    workers = min(_n_threads(), count)
    if workers <= 1:
        return [one(i) for i in range(count)]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nmi-rows") as pool:
        return list(pool.map(one, range(count)))


def _count_alone(
    row: Labels,
    target: Labels,
    noise: tuple[npt.NDArray[np.bool_] | None, _ManyNoise | None],
    weights: npt.NDArray[np.float64] | None,
) -> Contingency:
    """One row of :func:`_score_many` counted by itself; ``noise``: (row's mask, policy)."""
    mask, policy = noise
    if policy is None or (mask is None and policy.target is None):
        return _from_labels(row, target, weights)
    return _from_noisy(
        row, target, weights, (mask, policy.preds_policy), (policy.target, policy.target_policy)
    )


def _apply_many_noise(
    main: Contingency,
    row: Labels,
    ea: _Encoder,
    cells: IntArray,
    col_labels: npt.NDArray[Any],
    cols_ordered: bool,
    noise: _ManyNoise,
) -> Contingency:
    """Add the noise singletons of a row counted by :func:`_guess_and_count` to its table.

    ``cells``: one row per value of the row's range, then one for its noise samples when it
    has any; one column per target code, then one for the target's noise samples when it
    has any. Noise dropped on either side is left out. Counts only: weighted singletons
    need each weight, not only the totals.
    """
    span, k = ea.k, col_labels.size
    single_p = cells.shape[0] > span and noise.preds_policy == "singleton"
    single_t = cells.shape[1] > k and noise.target_policy == "singleton"
    by_row = cells[:span, k] if single_t else np.zeros(span, dtype=np.int64)  # per preds value
    by_col = cells[span, :k] if single_p else np.zeros(k, dtype=np.int64)  # per target label
    both = int(cells[span, k]) if single_p and single_t else 0
    row_labels = row.decode(np.arange(ea.offset, ea.offset + span, dtype=np.int64))
    if not row.ordered:
        order = np.argsort(row_labels, kind="stable")
        row_labels, by_row = row_labels[order], by_row[order]
    if not cols_ordered:
        order = np.argsort(col_labels, kind="stable")
        col_labels, by_col = col_labels[order], by_col[order]
    stats = np.zeros(_N_STATS, dtype=np.float64)
    stats[_N_PREDS], stats[_N_TARGET], stats[_N_BOTH] = by_col.sum(), by_row.sum(), both
    stats[_W_BOTH] = both
    return main + _noise_table(
        row_labels, np.ascontiguousarray(by_row), col_labels, np.ascontiguousarray(by_col), stats
    )
