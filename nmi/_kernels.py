"""Numba kernels: encode labels, count label pairs, merge tables, entropy and mutual information.

This module knows nothing of the public API. Every function assumes its inputs were validated
by the caller (:mod:`nmi._validation` and :mod:`nmi.contingency`): 1-D, C-contiguous, native
byte order, integer dtypes, and the index contracts stated in each docstring. Breaking a
contract is undefined behaviour; the test suite runs the kernels with ``NUMBA_BOUNDSCHECK=1``
to catch it.

Label values reach the kernels as integers. 64-bit unsigned, float and datetime labels are
passed as an ``int64`` view of their bits (the caller decodes them afterwards), so every
kernel does its arithmetic in ``int64``; smaller integer dtypes are read as they are, without
a converted copy.

Counts are exact ``int64``; sums of logarithms are ``float64`` with compensated (Neumaier)
summation, which makes them independent of the order of the terms except for exact ties at a
rounding boundary. That is what makes the scores exactly symmetric in practice.

An *encoder* maps a label value to a dense code in ``[0, k)``. It comes in two forms, chosen
by the caller per side:

- offset form (``keys.size == 0``): ``code = value - offset``, for labels whose value range
  is small;
- hash form: an open-addressing table with linear probing in two arrays, ``keys[slot]`` (the
  value) and ``codes[slot]`` (its code, ``-1`` for an empty slot), ``2 ** bits`` slots, load
  factor at most 1/4.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: Fibonacci hashing
_FIRST_BITS = 10


@jit
def _min_max(x):  # type: ignore[no-untyped-def]
    """Return the smallest and largest value of ``x`` as ``int64``.

    ``x``: non-empty 1-D integer array whose values fit ``int64``.
    """
    lo = np.int64(x[0])
    hi = lo
    for i in range(x.size):
        v = np.int64(x[i])
        lo = min(lo, v)
        hi = max(hi, v)
    return lo, hi


@jit
def _slot(value, bits):  # type: ignore[no-untyped-def]
    # All-uint64 arithmetic: numba promotes mixed int64/uint64 operands to float64.
    return np.int64((np.uint64(value) * _GOLDEN) >> np.uint64(64 - bits))


@jit
def _fill_table(values, k, bits):  # type: ignore[no-untyped-def]
    """Return ``(keys, codes)``: a hash table of ``2 ** bits`` slots mapping ``values[q]`` to ``q``.

    ``values[:k]`` are distinct ``int64``; ``4 * k <= 2 ** bits``.
    """
    cap = np.int64(1) << bits
    mask = cap - 1
    keys = np.zeros(cap, dtype=np.int64)
    codes = np.full(cap, -1, dtype=np.int64)
    for q in range(k):
        v = values[q]
        j = _slot(v, bits)
        while codes[j] != -1:
            j = (j + 1) & mask
        keys[j] = v
        codes[j] = q
    return keys, codes


@jit
def _build_table(x):  # type: ignore[no-untyped-def]
    """Return ``(keys, codes, bits, distinct)``: a hash encoder for the values of ``x``.

    ``x``: 1-D integer array whose values fit ``int64``. ``distinct`` holds the distinct values
    in first-seen order and the table maps each to its position there. Memory is
    O(distinct values); the input is read once.
    """
    bits = _FIRST_BITS
    cap = np.int64(1) << bits
    mask = cap - 1
    keys = np.zeros(cap, dtype=np.int64)
    codes = np.full(cap, -1, dtype=np.int64)
    distinct = np.empty(cap // 4, dtype=np.int64)
    k = 0
    for i in range(x.size):
        v = np.int64(x[i])
        j = _slot(v, bits)
        while True:
            if codes[j] == -1:
                keys[j] = v
                codes[j] = k
                distinct[k] = v
                k += 1
                if 4 * k >= cap:
                    # A load factor of 1/4 keeps probe sequences short; lookups are what the
                    # counting pass spends its time on.
                    bits += 1
                    cap <<= 1
                    mask = cap - 1
                    grown = np.empty(cap // 4, dtype=np.int64)
                    grown[:k] = distinct[:k]
                    distinct = grown
                    keys, codes = _fill_table(distinct, k, bits)
                break
            if keys[j] == v:
                break
            j = (j + 1) & mask
    return keys, codes, bits, distinct[:k].copy()


@jit
def _relabel_table(codes, new_codes):  # type: ignore[no-untyped-def]
    """Replace every code ``c`` stored in a table's ``codes`` by ``new_codes[c]``, in place."""
    for j in range(codes.size):
        c = codes[j]
        if c != -1:
            codes[j] = new_codes[c]


@jit
def _encode(v, offset, keys, codes, bits):  # type: ignore[no-untyped-def]
    """Return the code of value ``v`` (which the encoder is known to hold)."""
    if keys.size == 0:
        return v - offset
    mask = (np.int64(1) << bits) - 1
    j = _slot(v, bits)
    # Linear probing never empties a slot, so every slot between the home slot of ``v`` and
    # the slot holding it is occupied: stopping on the value alone is safe.
    while keys[j] != v:
        j = (j + 1) & mask
    return codes[j]


@jit
def _count_offsets(a, b, offset_a, offset_b, kb, out):  # type: ignore[no-untyped-def]
    """Add the pair counts of ``a`` and ``b`` to the dense row-major table ``out``, in place.

    Both sides in offset form: ``(a[i] - offset_a) * kb + (b[i] - offset_b)`` indexes ``out``
    (``int64``, at least ``ka * kb`` cells). One pass, no temporary.
    """
    for i in range(a.size):
        out[(np.int64(a[i]) - offset_a) * kb + (np.int64(b[i]) - offset_b)] += 1


@jit
def _count_encoded(a, b, off_a, keys_a, codes_a, bits_a, off_b, keys_b, codes_b, bits_b, kb, out):  # type: ignore[no-untyped-def]
    """Like :func:`_count_offsets` for encoders in any form (see the module docstring)."""
    for i in range(a.size):
        ca = _encode(np.int64(a[i]), off_a, keys_a, codes_a, bits_a)
        cb = _encode(np.int64(b[i]), off_b, keys_b, codes_b, bits_b)
        out[ca * kb + cb] += 1


@jit
def _region_of(key, thresholds):  # type: ignore[no-untyped-def]
    # branch-free: keys arrive in random order, so a loop that stops early mispredicts
    r = 0
    for q in range(thresholds.size):
        r += key >= thresholds[q]
    return r


@jit
def _pair_keys(a, b, off_a, keys_a, codes_a, bits_a, off_b, keys_b, codes_b, bits_b, shift, out):  # type: ignore[no-untyped-def]
    """Write ``(code_a << shift) | code_b`` of each sample to ``out`` (same length as ``a``).

    ``out`` is ``int32`` when every key fits, else ``int64``.
    """
    for i in range(a.size):
        ca = _encode(np.int64(a[i]), off_a, keys_a, codes_a, bits_a)
        cb = _encode(np.int64(b[i]), off_b, keys_b, codes_b, bits_b)
        out[i] = (ca << shift) | cb


@jit
def _scatter_regions(keys, thresholds, positions, dest):  # type: ignore[no-untyped-def]
    """Copy the keys of region ``r`` to ``dest`` from ``positions[r]`` on, in input order.

    Region ``r`` holds the keys from ``thresholds[r - 1]`` (inclusive) to ``thresholds[r]``
    (exclusive), the first region starting at 0 and the last one open-ended.
    """
    at = positions.copy()  # a private copy, for the same reason as in _pair_keys
    for i in range(keys.size):
        r = _region_of(keys[i], thresholds)
        dest[at[r]] = keys[i]
        at[r] += 1


@jit
def _count_runs(sorted_keys):  # type: ignore[no-untyped-def]
    """Return the number of distinct values in a sorted array."""
    distinct = 0
    for i in range(sorted_keys.size):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            distinct += 1
    return distinct


@jit
def _write_runs(sorted_keys, shift, rows, cols, counts, row_sums, col_sums):  # type: ignore[no-untyped-def]
    """Count equal keys of a sorted array of ``(row << shift) | col`` keys.

    Writes one cell per distinct key, in ascending order, to ``rows``, ``cols`` and ``counts``
    (exactly as long as the number of distinct keys, see :func:`_count_runs`) and adds the
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


@jit
def _run_lengths_weighted(sorted_keys, counts):  # type: ignore[no-untyped-def]
    """Return the distinct keys of a sorted array with the ``counts`` of equal keys added."""
    n = sorted_keys.size
    keys = np.empty(n, dtype=np.int64)
    sums = np.empty(n, dtype=np.int64)
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


@jit
def _merge_tables(rows1, cols1, counts1, rows2, cols2, counts2, shift, rows, cols, counts):  # type: ignore[no-untyped-def]
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


@jit
def _dense_to_table(table, ka, kb):  # type: ignore[no-untyped-def]
    """Return ``(rows, cols, counts, row_sums, col_sums)`` of a dense row-major table."""
    nnz = 0
    row_sums = np.zeros(ka, dtype=np.int64)
    col_sums = np.zeros(kb, dtype=np.int64)
    for r in range(ka):
        for c in range(kb):
            x = table[r * kb + c]
            if x != 0:
                nnz += 1
                row_sums[r] += x
                col_sums[c] += x
    rows = np.empty(nnz, dtype=np.int64)
    cols = np.empty(nnz, dtype=np.int64)
    counts = np.empty(nnz, dtype=np.int64)
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


@jit
def _count_small(a, b, offset_a, offset_b, ka, kb):  # type: ignore[no-untyped-def]
    """:func:`_count_offsets` into a fresh table, then :func:`_dense_to_table`: one call."""
    table = np.zeros(ka * kb, dtype=np.int64)
    _count_offsets(a, b, offset_a, offset_b, kb, table)
    return _dense_to_table(table, ka, kb)


@jit
def _sum_by_index(index, counts, k):  # type: ignore[no-untyped-def]
    """Return ``out[j] = sum(counts[index == j])`` for ``j < k`` (exact ``int64``)."""
    out = np.zeros(k, dtype=np.int64)
    for p in range(index.size):
        out[index[p]] += counts[p]
    return out


@jit
def _add_compensated(total, compensation, term):  # type: ignore[no-untyped-def]
    """One Neumaier step: ``total + compensation`` carries the sum almost exactly."""
    new = total + term
    if abs(total) >= abs(term):
        compensation += (total - new) + term
    else:
        compensation += (term - new) + total
    return new, compensation


@jit
def _entropy_from_counts(counts, n):  # type: ignore[no-untyped-def]
    """Return the Shannon entropy in nats of the distribution ``counts / n``.

    ``counts``: ``int64`` cluster sizes (zeros are skipped), ``n = counts.sum() > 0``.
    """
    log_n = math.log(n)
    total = 0.0
    comp = 0.0
    for x in counts:
        if x > 0:
            total, comp = _add_compensated(total, comp, (x / n) * (log_n - math.log(x)))
    return total + comp


# log(0 .. 4095) as a constant of the compiled code: most cells of a large table are small
_LOG_SMALL = np.log(np.maximum(np.arange(4096, dtype=np.float64), 1.0))


@jit
def _log_count(x):  # type: ignore[no-untyped-def]
    return _LOG_SMALL[x] if x < _LOG_SMALL.size else math.log(x)


@jit
def _mutual_info(rows, cols, counts, row_sums, col_sums, n):  # type: ignore[no-untyped-def]
    """Return the mutual information in nats of a sparse contingency table (may be < 0 by rounding).

    ``rows[p], cols[p], counts[p] > 0`` are the non-zero cells, ``row_sums`` and ``col_sums``
    the marginals (all positive), ``n > 0`` the total. Each term is a symmetric function of
    (count, row sum, column sum), so the transposed table gives the same terms.
    """
    log_n = math.log(n)
    log_rows = np.empty(row_sums.size, dtype=np.float64)
    for i in range(row_sums.size):
        log_rows[i] = _log_count(row_sums[i])
    log_cols = np.empty(col_sums.size, dtype=np.float64)
    for j in range(col_sums.size):
        log_cols[j] = _log_count(col_sums[j])
    total = 0.0
    comp = 0.0
    for p in range(counts.size):
        x = counts[p]
        # log(a) + log(b) is commutative, so the transposed table gives the same term
        term = (x / n) * ((_log_count(x) + log_n) - (log_rows[rows[p]] + log_cols[cols[p]]))
        total, comp = _add_compensated(total, comp, term)
    return total + comp


@jit
def _information(rows, cols, counts, row_sums, col_sums, n):  # type: ignore[no-untyped-def]
    """Return ``(mutual information, row entropy, column entropy, independent)`` in one call.

    Same contract as :func:`_mutual_info`. ``independent`` is True when every cell of the
    table is present and equals the product of its marginals over ``n`` (then the mutual
    information is exactly zero); it is tested exactly only for ``n < 2**31.5``, where those
    products fit ``int64``, and reported False above.
    """
    h_rows = _entropy_from_counts(row_sums, n)
    h_cols = _entropy_from_counts(col_sums, n)
    independent = False
    if counts.size == row_sums.size * col_sums.size and n <= 3037000499:
        independent = True
        for p in range(counts.size):
            if counts[p] * n != row_sums[rows[p]] * col_sums[cols[p]]:
                independent = False
                break
    mi = 0.0 if independent else _mutual_info(rows, cols, counts, row_sums, col_sums, n)
    return mi, h_rows, h_cols, independent
