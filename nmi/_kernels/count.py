"""Kernels that count label pairs: dense tables, pair keys, run lengths and merges.

Tables come in two shapes. A dense table is a row-major ``int64`` (or ``float64`` weights)
array of ``ka * kb`` cells. A sparse table is three aligned arrays ``rows, cols, counts``
sorted by (row, col) without repeats; a pair key ``(row << shift) | col`` orders cells the
same way. Encoders are passed as ``(offset, rank, keys, codes, bits)``, see
:mod:`nmi._kernels.encode`.
"""

from __future__ import annotations

import numpy as np

from .._jit import jit, jit_inline
from .encode import encode_into, min_max
from .info import information

_CHUNK = 2048  # samples encoded at a time into buffers that stay in the L1 cache


@jit(plain=True)
def count_offsets(a, b, offset_a, offset_b, kb, out):
    """Add the pair counts of ``a`` and ``b`` to the dense row-major table ``out``, in place.

    Both sides in offset form: ``(a[i] - offset_a) * kb + (b[i] - offset_b)`` indexes ``out``
    (``int64``, at least ``ka * kb`` cells). One pass, no temporary.
    """
    for i in range(a.size):
        out[(np.int64(a[i]) - offset_a) * kb + (np.int64(b[i]) - offset_b)] += 1


@jit
def count_encoded(
    a, b, off_a, rank_a, keys_a, codes_a, bits_a, off_b, rank_b, keys_b, codes_b, bits_b, kb, out
):
    """Like :func:`count_offsets` for encoders in any form (see :func:`encode_into`)."""
    ca = np.empty(_CHUNK, dtype=np.int64)
    cb = np.empty(_CHUNK, dtype=np.int64)
    for start in range(0, a.size, _CHUNK):
        stop = min(start + _CHUNK, a.size)
        m = stop - start
        encode_into(a[start:stop], off_a, rank_a, keys_a, codes_a, bits_a, ca)
        encode_into(b[start:stop], off_b, rank_b, keys_b, codes_b, bits_b, cb)
        for i in range(m):
            out[ca[i] * kb + cb[i]] += 1


@jit
def pair_keys(
    a, b, off_a, rank_a, keys_a, codes_a, bits_a, off_b, rank_b, keys_b, codes_b, bits_b, shift, out
):
    """Write ``(code_a << shift) | code_b`` of each sample to ``out`` (same length as ``a``).

    ``out`` is ``int32`` when every key fits, else ``int64``.
    """
    ca = np.empty(_CHUNK, dtype=np.int64)
    cb = np.empty(_CHUNK, dtype=np.int64)
    for start in range(0, a.size, _CHUNK):
        stop = min(start + _CHUNK, a.size)
        m = stop - start
        encode_into(a[start:stop], off_a, rank_a, keys_a, codes_a, bits_a, ca)
        encode_into(b[start:stop], off_b, rank_b, keys_b, codes_b, bits_b, cb)
        for i in range(m):
            out[start + i] = (ca[i] << shift) | cb[i]


@jit_inline
def _region_of(key, thresholds):
    # branch-free: keys arrive in random order, so a loop that stops early mispredicts
    r = 0
    for q in range(thresholds.size):
        r += key >= thresholds[q]
    return r


@jit
def scatter_regions(keys, thresholds, positions, dest):
    """Copy the keys of region ``r`` to ``dest`` from ``positions[r]`` on, in input order.

    Region ``r`` holds the keys from ``thresholds[r - 1]`` (inclusive) to ``thresholds[r]``
    (exclusive), the first region starting at 0 and the last one open-ended.
    """
    at = positions.copy()  # a private copy, for the same reason as in pair_keys
    for i in range(keys.size):
        r = _region_of(keys[i], thresholds)
        dest[at[r]] = keys[i]
        at[r] += 1


@jit
def split_low(keys, base, shift, starts, low):
    """Put ``keys - base`` in buckets by their bits from ``shift`` up, keeping the bits below.

    A stable counting sort: ``starts`` (``int64``, one more than the number of buckets, all
    zero) receives where each bucket begins in ``low`` (``int32``, as long as ``keys``),
    which receives the bits below ``shift`` (at most 31) of each key.
    """
    for i in range(keys.size):
        starts[((keys[i] - base) >> shift) + 1] += 1
    for j in range(starts.size - 1):
        starts[j + 1] += starts[j]
    at = starts[:-1].copy()
    mask = (np.int64(1) << shift) - 1
    for i in range(keys.size):
        d = keys[i] - base
        j = d >> shift
        low[at[j]] = np.int32(d & mask)
        at[j] += 1


@jit
def join_low(low, starts, base, shift, keys):
    """Undo :func:`split_low`: ``keys[i] = base + (bucket << shift) + low[i]``."""
    for j in range(starts.size - 1):
        high = base + (np.int64(j) << shift)
        for i in range(starts[j], starts[j + 1]):
            keys[i] = high + low[i]


@jit
def count_runs(sorted_keys):
    """Return the number of distinct values in a sorted array."""
    distinct = 0
    for i in range(sorted_keys.size):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            distinct += 1
    return distinct


@jit
def write_runs(sorted_keys, shift, rows, cols, counts, row_sums, col_sums):
    """Count equal keys of a sorted array of ``(row << shift) | col`` keys.

    Writes one cell per distinct key, in ascending order, to ``rows``, ``cols`` and ``counts``
    (exactly as long as the number of distinct keys, see :func:`count_runs`) and adds the
    counts to the marginals ``row_sums`` and ``col_sums``.
    """
    mask = (np.int64(1) << shift) - 1
    p = -1
    for i in range(sorted_keys.size):
        k = np.int64(sorted_keys[i])
        if i == 0 or k != sorted_keys[i - 1]:
            p += 1
            rows[p] = k >> shift
            cols[p] = k & mask
            counts[p] = 0
        counts[p] += 1
    for q in range(p + 1):
        row_sums[rows[q]] += counts[q]
        col_sums[cols[q]] += counts[q]


@jit(plain=True)
def run_lengths_weighted(sorted_keys, counts):
    """Return the distinct keys of a sorted array with the ``counts`` of equal keys added.

    ``counts``: ``int64`` counts or ``float64`` weights; the sums have the same dtype.
    """
    n = sorted_keys.size
    keys = np.empty(n, dtype=np.int64)
    sums = np.empty(n, dtype=counts.dtype)
    p = -1
    for i in range(n):
        k = sorted_keys[i]
        if p >= 0 and keys[p] == k:
            sums[p] += counts[i]
        else:
            p += 1
            keys[p] = k
            sums[p] = counts[i]
    return keys[: p + 1].copy(), sums[: p + 1].copy()


@jit(plain=True)
def merge_tables(rows1, cols1, counts1, rows2, cols2, counts2, shift, rows, cols, counts):
    """Merge two sparse tables whose cells are sorted by (row, col), without repeats.

    ``cols < 2 ** shift`` and ``rows << shift`` fits ``int64``. Writes the union of the cells
    sorted by (row, col), counts of cells in both tables added, to ``rows[:p], cols[:p],
    counts[:p]`` (buffers at least ``n1 + n2`` long) and returns ``p``.
    """
    n1 = counts1.size
    n2 = counts2.size
    i = 0
    j = 0
    p = 0
    while i < n1 or j < n2:
        k1 = (rows1[i] << shift) | cols1[i] if i < n1 else np.iinfo(np.int64).max
        k2 = (rows2[j] << shift) | cols2[j] if j < n2 else np.iinfo(np.int64).max
        if k1 <= k2:
            rows[p] = rows1[i]
            cols[p] = cols1[i]
            counts[p] = counts1[i] + (counts2[j] if k1 == k2 else 0)
            j += k1 == k2
            i += 1
        else:
            rows[p] = rows2[j]
            cols[p] = cols2[j]
            counts[p] = counts2[j]
            j += 1
        p += 1
    return p


@jit(plain=True)
def dense_to_table(table, ka, kb):
    """Return ``(rows, cols, counts, row_sums, col_sums)`` of a dense row-major table.

    ``table``: ``int64`` counts or ``float64`` weights; the outputs keep its dtype.
    """
    nnz = 0
    row_sums = np.zeros(ka, dtype=table.dtype)
    col_sums = np.zeros(kb, dtype=table.dtype)
    for r in range(ka):
        for c in range(kb):
            x = table[r * kb + c]
            if x != 0:
                nnz += 1
                row_sums[r] += x
                col_sums[c] += x
    rows = np.empty(nnz, dtype=np.int64)
    cols = np.empty(nnz, dtype=np.int64)
    counts = np.empty(nnz, dtype=table.dtype)
    p = 0
    for r in range(ka):
        for c in range(kb):
            x = table[r * kb + c]
            if x != 0:
                rows[p] = r
                cols[p] = c
                counts[p] = x
                p += 1
    return rows, cols, counts, row_sums, col_sums


@jit(plain=True)
def count_small(a, b, offset_a, offset_b, ka, kb):
    """:func:`count_offsets` into a fresh table, then :func:`dense_to_table`: one call."""
    table = np.zeros(ka * kb, dtype=np.int64)
    count_offsets(a, b, offset_a, offset_b, kb, table)
    return dense_to_table(table, ka, kb)


@jit(plain=True)
def sum_by_index(index, counts, k):
    """Return ``out[j] = sum(counts[index == j])`` for ``j < k``, in the dtype of ``counts``."""
    out = np.zeros(k, dtype=counts.dtype)
    for p in range(index.size):
        out[index[p]] += counts[p]
    return out


@jit(plain=True)
def renumber(index, remap):
    """Replace every ``index[p]`` by ``remap[index[p]]``, in place (no fresh output to fault in)."""
    for p in range(index.size):
        index[p] = remap[index[p]]


_SPLIT_CELLS = 1 << 15  # tables up to this many cells are counted in four copies


@jit
def count_offsets_within(a, b, lo, hi, kb, out, flagged=None, weights=None, b_lo=0):
    """Like :func:`count_offsets`, with ``a`` trusted to lie in [lo, hi] (``b - b_lo`` codes).

    Stops at the first value of ``a`` outside the range and returns its index (the table is
    then incomplete); returns -1 when every sample was counted. One pass, where finding the
    range first would take a second one.

    ``flagged``: None, or one bool per sample; flagged samples are counted in an extra last
    row (``out`` then has ``(hi - lo + 2) * kb`` cells), whatever their value.
    ``weights``: None, or one weight per sample, added instead of 1 (``out`` of ``float64``).

    A small table is counted in four copies, one per sample of each group of four, summed at
    the end: consecutive increments then never wait on each other (the same cell is hit
    twice in a row whenever the labels agree), which makes the pass faster.
    """
    n = a.size
    span = np.uint64(hi - lo + 1)  # a value v is in range when (v - lo) mod 2**64 < span
    low = np.uint64(lo)
    width = np.uint64(kb)
    b_low = np.uint64(b_lo)
    cells = (hi - lo + 2 if flagged is not None else hi - lo + 1) * kb
    i = 0
    if cells <= _SPLIT_CELLS and n >= 4 * cells:
        t = np.zeros(4 * cells, dtype=out.dtype)
        # where each copy starts, less b_lo (wrapping: the sum lands in the copy)
        c0 = np.uint64(0) - b_low
        c1, c2, c3 = np.uint64(cells) + c0, np.uint64(2 * cells) + c0, np.uint64(3 * cells) + c0
        while i + 4 <= n:
            v0 = np.uint64(a[i]) - low
            v1 = np.uint64(a[i + 1]) - low
            v2 = np.uint64(a[i + 2]) - low
            v3 = np.uint64(a[i + 3]) - low
            if flagged is not None:  # numba compiles this branch only when flags are given
                f0, f1, f2, f3 = flagged[i], flagged[i + 1], flagged[i + 2], flagged[i + 3]
                if (
                    ((v0 >= span) & ~f0)
                    | ((v1 >= span) & ~f1)
                    | ((v2 >= span) & ~f2)
                    | ((v3 >= span) & ~f3)
                ):
                    break  # the loop below finds which one
                v0 = span if f0 else v0
                v1 = span if f1 else v1
                v2 = span if f2 else v2
                v3 = span if f3 else v3
            elif (v0 >= span) | (v1 >= span) | (v2 >= span) | (v3 >= span):
                break
            if weights is None:
                t[c0 + v0 * width + np.uint64(b[i])] += 1
                t[c1 + v1 * width + np.uint64(b[i + 1])] += 1
                t[c2 + v2 * width + np.uint64(b[i + 2])] += 1
                t[c3 + v3 * width + np.uint64(b[i + 3])] += 1
            else:
                t[c0 + v0 * width + np.uint64(b[i])] += weights[i]
                t[c1 + v1 * width + np.uint64(b[i + 1])] += weights[i + 1]
                t[c2 + v2 * width + np.uint64(b[i + 2])] += weights[i + 2]
                t[c3 + v3 * width + np.uint64(b[i + 3])] += weights[i + 3]
            i += 4
        for j in range(cells):
            out[j] += t[j] + t[cells + j] + t[2 * cells + j] + t[3 * cells + j]
    for k in range(i, n):
        v = np.uint64(a[k]) - low
        if flagged is not None and flagged[k]:
            v = span
        elif v >= span:
            return k
        out[v * width + (np.uint64(b[k]) - b_low)] += 1 if weights is None else weights[k]
    return -1


@jit
def small_information(a, b, max_cells):
    """Count two small integer labelings and return their information in one call.

    Returns ``(ok, raw_mi, h_a, h_b, independent, ka, kb, nnz)``: ``ok`` is False (and the
    rest zeros) when the value ranges make a dense table of more than ``max_cells`` cells.
    The table is the one the general path builds (only values that occur are labels, cells
    in (row, col) order), handed to :func:`nmi._kernels.info.information`, so the numbers
    are the same bits. ``a``, ``b``: non-empty integer arrays of equal length, values that
    fit ``int64``.
    """
    lo_a, hi_a = min_max(a)
    lo_b, hi_b = min_max(b)
    limit = np.uint64(max_cells)
    # in uint64 the differences are exact (below 2**64) where int64 could wrap
    if np.uint64(hi_a) - np.uint64(lo_a) >= limit or np.uint64(hi_b) - np.uint64(lo_b) >= limit:
        return False, 0.0, 0.0, 0.0, False, 0, 0, 0
    span_a = hi_a - lo_a + 1
    span_b = hi_b - lo_b + 1
    if span_a * span_b > max_cells:
        return False, 0.0, 0.0, 0.0, False, 0, 0, 0
    table = np.zeros(span_a * span_b, dtype=np.int64)
    count_offsets(a, b, lo_a, lo_b, span_b, table)
    rows, cols, counts, row_sums, col_sums = dense_to_table(table, span_a, span_b)
    new_rows = np.cumsum(row_sums != 0) - 1  # only the values that occur are labels
    new_cols = np.cumsum(col_sums != 0) - 1
    ka = new_rows[-1] + 1
    kb = new_cols[-1] + 1
    for p in range(counts.size):
        rows[p] = new_rows[rows[p]]
        cols[p] = new_cols[cols[p]]
    row_sums = row_sums[row_sums != 0]
    col_sums = col_sums[col_sums != 0]
    raw_mi, h_a, h_b, independent = information(
        rows, cols, counts, row_sums, col_sums, a.size, True
    )
    return True, raw_mi, h_a, h_b, independent, ka, kb, counts.size
