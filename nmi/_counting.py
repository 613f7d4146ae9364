"""Counting label pairs into a table: one entry point, :func:`count_pairs`, picks the method.

Every layer counts through here: the functional API, the accumulators, ``nmi.torch``,
``nmi.dask`` and :mod:`nmi._many`. The methods, cheapest first:

- one pass against target codes (:func:`count_against`): a side whose range, taken from its
  first samples, holds for all of them is counted straight into a small dense table, with
  weights added and noise samples flagged into an extra row (or target code) in the same
  pass; the noise policy is then applied to those totals;
- dense (:func:`count_dense`): both sides encoded, counted into a dense table when it is
  small next to the input;
- sparse (:func:`count_sparse`): pair keys sorted block by block, each thread sorting a range
  of keys of its own, blocks merged;
- weighted (:func:`count_weighted`): weights added per pair key, block by block;
- noisy (:func:`count_noisy`): dropped samples left out, singleton samples kept as totals
  per label of the other side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._cells import Cells, buffers, keep_present, merge_cells, sort_keys, weight_total
from ._encoding import FIRST_BLOCK, SORT_MIN, Encoder, as_codes
from ._kernels import count as kcount
from ._kernels import encode as kencode
from ._noise import NO_NOISE, NoisePolicy, NoiseTotals, Singletons
from ._parallel import PARALLEL_MIN, chunks, last_level_cache, n_threads, run_all
from ._types import IntArray
from ._validation import Labels
from .contingency import Contingency, as_weighted, empty, from_parts

__all__ = [
    "DEFAULT",
    "TargetCodes",
    "Tuning",
    "count_against",
    "count_alone",
    "count_noisy",
    "count_one",
    "count_pairs",
    "count_plain",
    "guess_and_count",
    "one_pass_pays",
    "singleton_table",
]

Weights = npt.NDArray[np.float64]
Table = tuple[IntArray, IntArray, IntArray, IntArray, IntArray]  # rows, cols, counts, sums

# Pairs are counted in a dense table when it has at most max(_SMALL_TABLE, n_samples) cells
# (and at most _MAX_DENSE cells): scanning it then costs no more than reading the input. A
# table beyond _SMALL_TABLE cells must also stay in the cache, copies for every thread
# included, within half the last-level cache: counting into a table in main memory costs a
# cache miss a sample, where sorting pair keys costs less (the docs' performance page has
# the cost per label at each number of clusters).
_SMALL_TABLE = 1 << 12
_MAX_DENSE = 1 << 24


_DENSE_BYTES = last_level_cache() // 2  # dense tables, all copies, stay within this
_INT64_MAX = 2**63 - 1
_INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Tuning:
    """Sizes at which the counting changes method; the defaults suit every input.

    Tests pass smaller ones to put small inputs through the paths large inputs take.

    Attributes
    ----------
    parallel_min : int
        Inputs of at least twice this many samples are split across threads.
    first_block : int
        Samples per block of pair keys in sparse counting (blocks then grow with the table).
    guess_prefix : int
        The one-pass count takes a side's range from this many first samples; it serves
        inputs longer than twice that.
    sort_min : int
        Sides of at least this many samples with mostly distinct values are encoded by
        sorting rather than through a hash table.
    """

    parallel_min: int = PARALLEL_MIN
    first_block: int = FIRST_BLOCK
    guess_prefix: int = 1 << 16
    sort_min: int = SORT_MIN


DEFAULT = Tuning()


def count_pairs(
    preds: Labels,
    target: Labels,
    weights: Weights | None = None,
    noise: NoisePolicy = NO_NOISE,
    tuning: Tuning = DEFAULT,
) -> Contingency:
    """Count two validated labelings of equal length into their contingency table.

    Parameters
    ----------
    preds, target : Labels
        Validated labels (:mod:`nmi._validation`), with their noise masks when ``noise``
        drops or splits noise samples.
    weights : float64 array, optional
        Validated non-negative finite sample weights; None for exact ``int64`` counts.
    noise : NoisePolicy
        The policy each side's noise mask is read under.
    tuning : Tuning
        The sizes at which methods change.
    """
    if preds.noise is None and target.noise is None and weights is None:
        return count_plain(preds, target, None, tuning)
    if one_pass_pays(preds, tuning):
        # weights and noise in one pass over the samples
        codes = TargetCodes.of(target, shared=False, tuning=tuning)
        return count_against(preds, codes, weights, noise, tuning, parallel=True)
    return count_alone(preds, target, weights, noise, tuning)


def count_alone(
    preds: Labels,
    target: Labels,
    weights: Weights | None,
    noise: NoisePolicy,
    tuning: Tuning = DEFAULT,
    parallel: bool = True,
) -> Contingency:
    """Count without shared target codes: the plain count, or the noisy one with masks."""
    if preds.noise is None and target.noise is None:
        return count_plain(preds, target, weights, tuning, parallel)
    return count_noisy(preds, target, weights, noise, tuning)


def count_plain(
    preds: Labels,
    target: Labels,
    weights: Weights | None = None,
    tuning: Tuning = DEFAULT,
    parallel: bool = True,
) -> Contingency:
    """Count the pairs of two labelings, ignoring noise masks.

    ``weights``: None for a table of exact ``int64`` counts. Samples of zero weight leave
    the table, labels included.
    """
    if weights is not None and weights.size and not weights.all():
        keep = weights > 0
        preds, target, weights = preds.subset(keep), target.subset(keep), weights[keep]
    a, b = preds.data, target.data
    if a.size == 0:
        table = empty(preds.decode, target.decode)
        return table if weights is None else as_weighted(table)
    block = tuning.first_block
    if parallel and a.size >= tuning.parallel_min and n_threads() > 1:
        sort_min = tuning.sort_min
        ea, eb = run_all(
            Encoder, [(a, preds.decode, block, sort_min), (b, target.decode, block, sort_min)]
        )
    else:
        ea = Encoder(a, preds.decode, block, tuning.sort_min)
        eb = Encoder(b, target.decode, block, tuning.sort_min)
    if weights is not None:
        counted = count_weighted(ea, eb, weights, tuning)
        return from_table(preds, target, ea, eb, counted, weight_total(counted[2]))
    return from_encoders(preds, target, ea, eb, tuning, parallel)


def from_encoders(
    preds: Labels, target: Labels, ea: Encoder, eb: Encoder, tuning: Tuning, parallel: bool
) -> Contingency:
    """Count the pairs of two non-empty labelings whose encoders are built.

    ``parallel=False`` keeps all the work on the calling thread.
    """
    if dense_fits(ea.k, eb.k, preds.data.size):
        counted = count_dense(ea, eb, tuning, parallel)
    else:
        counted = count_sparse(ea, eb, tuning, parallel)
    return from_table(preds, target, ea, eb, counted)


def dense_fits(ka: int, kb: int, n: int) -> bool:
    """Whether a dense ``ka x kb`` table is the cheaper count for ``n`` samples.

    It must cost no more to scan than the samples to read, and stay in the cache (one copy
    per thread that counts).
    """
    cells = ka * kb
    if cells > min(max(_SMALL_TABLE, n), _MAX_DENSE):
        return False
    copies = n_threads() if n >= 2 * PARALLEL_MIN else 1
    return cells <= _SMALL_TABLE or cells * 8 * copies <= _DENSE_BYTES


def count_dense(ea: Encoder, eb: Encoder, tuning: Tuning, parallel: bool = True) -> Table:
    """Count into a dense table (one per chunk of samples, added), returned as cells."""
    a, b = ea.data, eb.data
    cells = ea.k * eb.k
    both_offsets = ea.is_offset and eb.is_offset
    parts = chunks(a.size, parallel, tuning.parallel_min)
    if both_offsets and len(parts) == 1:  # the common small case in one kernel call
        return kcount.count_small(a, b, ea.offset, eb.offset, ea.k, eb.k)  # type: ignore[no-any-return]

    def count(start: int, stop: int) -> IntArray:
        table = np.zeros(cells, dtype=np.int64)
        if both_offsets:
            kcount.count_offsets(a[start:stop], b[start:stop], ea.offset, eb.offset, eb.k, table)
        else:
            kcount.count_encoded(a[start:stop], b[start:stop], *ea.args(), *eb.args(), eb.k, table)
        return table

    tables = run_all(count, parts)
    table = tables[0]
    for other in tables[1:]:
        table += other
    return kcount.dense_to_table(table, ea.k, eb.k)  # type: ignore[no-any-return]


def key_shift(ea: Encoder, eb: Encoder) -> int:
    """Bits for the column code in a pair key ``(row << shift) | col``; refuse int64 overflow."""
    shift = max(eb.k - 1, 1).bit_length()
    if ea.k << shift > _INT64_MAX:
        raise ValueError(
            f"too many distinct labels to count pairs: {ea.k} x {eb.k} possible pairs exceed "
            "the int64 range"
        )
    return shift


def count_weighted(ea: Encoder, eb: Encoder, weights: Weights, tuning: Tuning) -> Table:
    """Add up the (positive) weights of each label pair, block by block.

    Scratch memory is one block of ``int64`` keys and its order, plus the table: dense
    (``float64`` per cell) when it is small, else sparse cells merged block by block.
    """
    a, b, n = ea.data, eb.data, ea.data.size
    shift = key_shift(ea, eb)
    width = 1 << shift
    dense = dense_fits(ea.k, width, n)
    table = np.zeros(ea.k * width if dense else 0, dtype=np.float64)
    total: Cells | None = None
    block = min(n, tuning.first_block)
    keys = np.empty(block, dtype=np.int64)
    for start in range(0, n, block):
        stop = min(start + block, n)
        k, w = keys[: stop - start], weights[start:stop]
        kcount.pair_keys(a[start:stop], b[start:stop], *ea.args(), *eb.args(), shift, k)
        if dense:
            table += np.bincount(k, weights=w, minlength=table.size)
            continue
        order = np.argsort(k, kind="stable")
        cell_keys, sums = kcount.run_lengths_weighted(k[order], w[order])
        cells = (cell_keys >> shift, cell_keys & (width - 1), sums)
        total = cells if total is None else merge_cells(total, cells, shift)
    if dense:
        rows, cols, counts, row_sums, col_sums = kcount.dense_to_table(table, ea.k, width)
        return rows, cols, counts, row_sums, col_sums[: eb.k].copy()
    assert total is not None
    rows, cols, counts = total
    return (
        rows,
        cols,
        counts,
        kcount.sum_by_index(rows, counts, ea.k),
        kcount.sum_by_index(cols, counts, eb.k),
    )


def count_block(
    a: npt.NDArray[Any],
    b: npt.NDArray[Any],
    ea: Encoder,
    eb: Encoder,
    shift: int,
    keys: npt.NDArray[Any],
    spare: npt.NDArray[Any],
    parts: list[tuple[int, int]],
) -> Table:
    """Count the pairs of one block with every thread busy and no merge at the end.

    Each thread computes the keys of its share of the samples (``parts``); the keys are then
    moved into one region per thread by key range (ranges of rows), so that each thread
    sorts and counts a region of its own and writes its cells to a disjoint part of the
    output.
    """
    n_parts = len(parts)
    thresholds = np.array(
        [(r * ea.k // n_parts) << shift for r in range(1, n_parts)], dtype=np.int64
    )
    sizes = np.zeros((n_parts, n_parts), dtype=np.int64)  # [thread, region]

    def make_keys(t: int) -> None:
        lo, hi = parts[t]
        kcount.pair_keys(a[lo:hi], b[lo:hi], *ea.args(), *eb.args(), shift, keys[lo:hi])
        below = [np.count_nonzero(keys[lo:hi] < th) for th in thresholds]  # vectorized
        sizes[t] = np.diff([0, *below, hi - lo])

    run_all(make_keys, [(t,) for t in range(n_parts)])
    if n_parts == 1:
        regions = [keys]
    else:
        region_sizes = sizes.sum(axis=0)
        region_starts = np.concatenate(([0], np.cumsum(region_sizes)))
        starts = region_starts[:-1] + np.cumsum(sizes, axis=0) - sizes  # [thread, region]

        def scatter(t: int) -> None:
            lo, hi = parts[t]
            kcount.scatter_regions(keys[lo:hi], thresholds, starts[t], spare)

        run_all(scatter, [(t,) for t in range(n_parts)])
        regions = [spare[region_starts[r] : region_starts[r + 1]] for r in range(n_parts)]

    def sort_and_count(region: npt.NDArray[Any], scratch: npt.NDArray[Any]) -> int:
        sort_keys(region, scratch)
        return int(kcount.count_runs(region))

    # the keys' own buffer is free once they are scattered (else the spare one is)
    free = spare if n_parts == 1 else keys
    bounds = [0, *np.cumsum([r.size for r in regions]).tolist()]
    jobs = [(region, free[bounds[r] : bounds[r + 1]]) for r, region in enumerate(regions)]
    distinct = run_all(sort_and_count, jobs)
    offsets = np.concatenate(([0], np.cumsum(distinct)))
    rows, cols, counts = buffers(int(offsets[-1]))

    def write(r: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        # Marginals of at most 2**31 samples are added in int32: half the memory, which
        # matters once they leave the cache (the column sums are added in random order).
        dtype = np.int32 if regions[r].size <= _INT32_MAX else np.int64
        sums = np.zeros(ea.k, dtype=dtype), np.zeros(eb.k, dtype=dtype)
        cells = slice(offsets[r], offsets[r + 1])
        kcount.write_runs(regions[r], shift, rows[cells], cols[cells], counts[cells], *sums)
        return sums

    sums = run_all(write, [(r,) for r in range(n_parts)])
    row_sums = sums[0][0].astype(np.int64)
    col_sums = sums[0][1].astype(np.int64)
    for more_rows, more_cols in sums[1:]:
        row_sums += more_rows
        col_sums += more_cols
    return rows, cols, counts, row_sums, col_sums


def count_sparse(ea: Encoder, eb: Encoder, tuning: Tuning, parallel: bool = True) -> Table:
    """Count by sorting pair keys, block by block, merging each block into the total."""
    a, b = ea.data, eb.data
    shift = key_shift(ea, eb)
    key_dtype = np.int32 if ea.k << shift <= _INT32_MAX else np.int64
    n = a.size
    keys = spare = np.empty(0, dtype=key_dtype)
    total: Table | None = None
    done = 0
    while done < n:
        # Blocks grow with the table, so scratch memory stays O(distinct pairs + one block)
        # and the merges cost O(n) in all.
        grown = 4 * (0 if total is None else total[2].size)
        size = min(n - done, max(tuning.first_block, grown))
        if keys.size < size:
            keys, spare = np.empty(size, dtype=key_dtype), np.empty(size, dtype=key_dtype)
        part = count_block(
            a[done : done + size],
            b[done : done + size],
            ea,
            eb,
            shift,
            keys[:size],
            spare[:size],
            chunks(size, parallel, tuning.parallel_min),
        )
        if total is None:
            total = part
        else:
            merged = merge_cells(total[:3], part[:3], shift)
            total = (*merged, total[3] + part[3], total[4] + part[4])
        done += size
    assert total is not None
    return total


def _finish_side(
    enc: Encoder, index: IntArray, sums: IntArray, decode: Callable[[IntArray], Any]
) -> tuple[Any, IntArray, IntArray]:
    """Return (labels, index, marginal) with labels reduced to the values that occur."""
    if enc.labels is not None:
        return enc.labels, index, sums
    if sums.all():  # every value in the range occurs
        return decode(np.arange(enc.offset, enc.offset + enc.k, dtype=np.int64)), index, sums
    present, index, sums = keep_present(index, sums, in_place=True)  # fresh from counting
    return decode(present + enc.offset), index, sums


def _sort_labels(labels: Any, index: IntArray) -> tuple[Any, IntArray, bool]:
    """Sort labels whose decoded order differs from their code order (uint64, float bits)."""
    if labels.size < 2 or bool(np.all(labels[1:] > labels[:-1])):
        return labels, index, False
    order = np.argsort(labels, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return labels[order], rank[index], True


def from_table(
    preds: Labels,
    target: Labels,
    ea: Encoder,
    eb: Encoder,
    counted: Table,
    total: float | None = None,
) -> Contingency:
    """Finish a counted table: keep the labels that occur, decode and order them.

    ``total``: the sum of the weights of a weighted table; by default, the number of samples.
    """
    n_samples: float = preds.data.size if total is None else total
    rows, cols, counts, row_sums, col_sums = counted
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
        row_sums = kcount.sum_by_index(rows, counts, row_labels.size)
        col_sums = kcount.sum_by_index(cols, counts, col_labels.size)
    return from_parts(rows, cols, counts, row_labels, col_labels, row_sums, col_sums, n_samples)


def count_noisy(
    preds: Labels,
    target: Labels,
    weights: Weights | None,
    noise: NoisePolicy,
    tuning: Tuning = DEFAULT,
) -> Contingency:
    """Count two labelings whose noise samples are masked, under each side's policy.

    Dropped samples leave the table. Singleton samples are clusters of their own, kept as
    totals per label of the other side, so that a million noise points cost no more memory
    than a few.
    """
    n = preds.data.size
    none = np.zeros(n, dtype=bool)
    drop = none.copy() if weights is None else weights == 0
    single = []
    for mask, policy in ((preds.noise, noise.preds_policy), (target.noise, noise.target_policy)):
        if mask is not None and policy == "drop":
            drop |= mask
        single.append(mask if mask is not None and policy == "singleton" else none)
    keep = ~drop
    sp, st = single[0] & keep, single[1] & keep
    regular = keep & ~(sp | st)
    groups = (sp & ~st, st & ~sp, sp & st)  # singleton in preds only, target only, both
    table = count_plain(
        preds.subset(regular),
        target.subset(regular),
        None if weights is None else weights[regular],
        tuning,
    )
    if not any(g.any() for g in groups):
        return table

    def per_label(labels: Labels, group: npt.NDArray[np.bool_]) -> Contingency:
        # the weight of each label among the group's samples, as a one-column table
        w = None if weights is None else weights[group]
        size = int(np.count_nonzero(group))
        column = Labels(np.zeros(size, dtype=np.uint8), lambda v: v)
        return count_plain(labels.subset(group), column, w, tuning)

    by_row = per_label(preds, groups[1])  # target singletons, per preds label
    by_col = per_label(target, groups[0])  # preds singletons, per target label
    if weights is None:
        totals = NoiseTotals.of_counts(*(int(np.count_nonzero(g)) for g in groups))
    else:
        totals = NoiseTotals.of_weights(*(weights[g] for g in groups))
    return table + singleton_table(
        by_row.row_labels, by_row.row_sums, by_col.row_labels, by_col.row_sums, totals
    )


def count_one(labels: Labels, weights: Weights | None = None) -> npt.NDArray[Any]:
    """Return the size (or weight) of each distinct label of one labeling (order unspecified)."""
    x = labels.data
    if x.size == 0:
        return np.empty(0, dtype=np.int64)
    zeros = np.zeros(x.size, dtype=np.uint8)
    return count_plain(labels, Labels(zeros, lambda v: v), weights).row_sums


# -- one pass against target codes -----------------------------------------------------


@dataclass(frozen=True)
class TargetCodes:
    """A target made ready to count rows against: dense codes, encoded once.

    ``codes`` are read by the counting kernels: the target's own values when it is read once
    in offset form (then ``offset`` is their minimum), else compact codes ``0 .. k-1``, with
    the target's noise samples (under a policy that drops or splits them) as code ``k``.
    ``target`` is the labeling as given; ``empty`` says there is nothing to share (no
    sample, or every sample noise), and rows are then counted alone.
    """

    target: Labels
    codes: Labels
    encoder: Encoder
    offset: int
    k: int
    col_labels: npt.NDArray[Any]
    empty: bool = False

    @classmethod
    def of(cls, target: Labels, shared: bool, tuning: Tuning = DEFAULT) -> TargetCodes:
        """Encode ``target``; ``shared``: read by many rows (compact codes pay off)."""
        n = target.data.size
        mask = target.noise
        regular = target if mask is None else target.subset(~mask)
        if n == 0 or regular.data.size == 0:
            nothing = Encoder.offset_form(target.data, 0, 0)
            return cls(target, target, nothing, 0, 0, target.data, empty=True)
        et = Encoder(regular.data, regular.decode, tuning.first_block, tuning.sort_min)
        if mask is None and not shared and et.is_offset and et.labels is None:
            # read once: the target's own values serve as codes, offset by their minimum
            codes, offset, k = regular, et.offset, et.k
        else:  # read by many rows: compact codes, fewer bytes per pass
            codes, offset = as_codes(regular, et), 0
            k = int(codes.data.max()) + 1  # every code occurs
            if mask is not None:  # the target's noise samples: code k
                full = np.full(n, k, dtype=np.min_scalar_type(k))
                full[~mask] = codes.data
                codes = Labels(full, codes.decode, codes.ordered)
            et = Encoder(codes.data, codes.decode, tuning.first_block, tuning.sort_min)
        col_labels = codes.decode(np.arange(offset, offset + k, dtype=np.int64))
        return cls(target, codes, et, offset, k, col_labels)


def one_pass_pays(row: Labels, tuning: Tuning = DEFAULT) -> bool:
    """Whether :func:`guess_and_count` may count ``row``: long enough to guess its range."""
    return bool(row.data.size > 2 * tuning.guess_prefix)


def count_against(
    row: Labels,
    target: TargetCodes,
    weights: Weights | None,
    noise: NoisePolicy,
    tuning: Tuning = DEFAULT,
    parallel: bool = False,
) -> Contingency:
    """Count one labeling against target codes, in one pass when its range allows.

    ``parallel``: a long row is counted in chunks on the shared threads (for a single row;
    rows of a batch each take a thread of their own instead).
    """
    if target.empty:
        return count_alone(row, target.target, weights, noise, tuning, parallel)
    flagged = row.noise
    t_mask = target.target.noise
    singletons = (flagged is not None and noise.preds_policy == "singleton") or (
        t_mask is not None and noise.target_policy == "singleton"
    )
    guessed = None
    if weights is None or not singletons:  # weighted singletons need each weight
        guessed = guess_and_count(row, target.encoder, flagged, weights, parallel, tuning)
    if guessed is None:
        if t_mask is None and flagged is None and weights is None:  # the target's codes
            ea = Encoder(row.data, row.decode, tuning.first_block, tuning.sort_min)
            return from_encoders(row, target.codes, ea, target.encoder, tuning, parallel)
        return count_alone(row, target.target, weights, noise, tuning, parallel)
    ea, cells = guessed
    span, k = ea.k, target.k
    plain = np.ascontiguousarray(cells[:span, :k]).ravel()
    counted = kcount.dense_to_table(plain, span, k)
    ek = Encoder.offset_form(target.codes.data, target.offset, k)
    total = int(plain.sum()) if weights is None else weight_total(plain)
    main = from_table(row, target.codes, ea, ek, counted, total)
    if not singletons:
        return main  # noise dropped (or none): the plain cells are the table
    return main + _singletons_of_cells(row, ea, cells, target, noise)


def guess_and_count(
    row: Labels,
    et: Encoder,
    flagged: npt.NDArray[np.bool_] | None = None,
    weights: Weights | None = None,
    parallel: bool = False,
    tuning: Tuning = DEFAULT,
) -> tuple[Encoder, npt.NDArray[Any]] | None:
    """Count ``row`` against target codes in one pass, taking its range from a prefix.

    Cluster ids usually all appear early, so the range of the first samples is the range of
    all; one pass then does what finding the range and counting would do in two. Returns
    the row's encoder and the dense table (one row per value in the range, plus a last row
    for the ``flagged`` samples when given; ``float64`` weights with ``weights``), or None
    (nothing counted) when the guess does not hold or the table would not be small.
    ``parallel``: count a long row in chunks on the shared threads, a table per chunk.
    """
    a = row.data
    if not one_pass_pays(row, tuning) or not et.is_offset:
        return None
    lo, hi = (int(v) for v in kencode.min_max(a[: tuning.guess_prefix]))
    span = hi - lo + 1
    height = span + (flagged is not None)
    if not dense_fits(height, et.k, a.size):
        return None
    dtype = np.int64 if weights is None else np.float64

    def count(start: int, stop: int) -> npt.NDArray[Any] | None:
        part = slice(start, stop)
        cells = np.zeros(height * et.k, dtype=dtype)
        flags = None if flagged is None else flagged[part]
        w = None if weights is None else weights[part]
        b = et.data[part]
        stopped = kcount.count_offsets_within(a[part], b, lo, hi, et.k, cells, flags, w, et.offset)
        return None if stopped >= 0 else cells

    tables = run_all(count, chunks(a.size, parallel, tuning.parallel_min))
    counted = [t for t in tables if t is not None]
    if len(counted) < len(tables):
        return None
    cells = counted[0]
    for other in counted[1:]:
        cells += other
    return Encoder.offset_form(a, lo, span), cells.reshape(height, et.k)


def _singletons_of_cells(
    row: Labels,
    ea: Encoder,
    cells: IntArray,
    target: TargetCodes,
    noise: NoisePolicy,
) -> Contingency:
    """Return the noise singletons of a row counted by :func:`guess_and_count`, as a table.

    ``cells``: one row per value of the row's range, then one for its noise samples when it
    has any; one column per target code, then one for the target's noise samples when it
    has any. Noise dropped on either side is left out. Counts only: weighted singletons
    need each weight, not only the totals.
    """
    span, k = ea.k, target.k
    col_labels = target.col_labels
    single_p = cells.shape[0] > span and noise.preds_policy == "singleton"
    single_t = cells.shape[1] > k and noise.target_policy == "singleton"
    by_row = cells[:span, k] if single_t else np.zeros(span, dtype=np.int64)  # per preds value
    by_col = cells[span, :k] if single_p else np.zeros(k, dtype=np.int64)  # per target label
    both = int(cells[span, k]) if single_p and single_t else 0
    row_labels = row.decode(np.arange(ea.offset, ea.offset + span, dtype=np.int64))
    if not row.ordered:
        order = np.argsort(row_labels, kind="stable")
        row_labels, by_row = row_labels[order], by_row[order]
    if not target.codes.ordered:
        order = np.argsort(col_labels, kind="stable")
        col_labels, by_col = col_labels[order], by_col[order]
    totals = NoiseTotals.of_counts(int(by_col.sum()), int(by_row.sum()), both)
    return singleton_table(
        row_labels, np.ascontiguousarray(by_row), col_labels, np.ascontiguousarray(by_col), totals
    )


def singleton_table(
    row_labels: npt.NDArray[Any],
    noise_rows: npt.NDArray[Any],
    col_labels: npt.NDArray[Any],
    noise_cols: npt.NDArray[Any],
    totals: NoiseTotals,
) -> Contingency:
    """Return a table of noise singletons only: their totals per label, and the sums.

    ``noise_rows``/``noise_cols``: one total per label, ``int64`` counts or ``float64``
    weights (labels whose total is zero are left out). Add it to a table of labelled cells.
    """
    dtype = np.float64 if np.float64 in (noise_rows.dtype, noise_cols.dtype) else np.int64
    used_r, used_c = noise_rows > 0, noise_cols > 0
    noise_rows, noise_cols = noise_rows[used_r].astype(dtype), noise_cols[used_c].astype(dtype)
    noise = Singletons(noise_rows, noise_cols, totals).astype(dtype)  # astype copies
    if dtype == np.float64:  # one rounding, in no order: the same total either way round
        total = weight_total(np.concatenate([noise_rows, noise_cols, [noise.totals.weight_both]]))
    else:
        total = noise_rows.sum() + noise_cols.sum() + noise.totals.weight_both
    cells = np.empty(0, dtype=np.int64)
    return from_parts(
        cells,
        cells.copy(),
        cells.astype(dtype),
        row_labels[used_r],
        col_labels[used_c],
        noise_rows,
        noise_cols,
        float(total) if dtype == np.float64 else int(total),
        noise,
    )
