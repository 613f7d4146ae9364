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

- offset form: ``code = value - offset``, for labels whose value range is small;
- hash form: an open-addressing table with linear probing in two arrays, ``keys[slot]`` (the
  value) and ``codes[slot]`` (its code, ``-1`` for an empty slot), ``2 ** bits`` slots, load
  factor at most 1/4;
- rank form: the kernel reads first-seen positions instead of values (written while the
  hash table was built) and ``code = rank[position]``.

:func:`_encode_into` takes ``(offset, rank, keys, codes, bits)`` and picks the form from
which arrays are empty.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit, jit_inline

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: Fibonacci hashing
_FIRST_BITS = 10


@jit
def _min_max(x):
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
def _slot(value, bits):
    # All-uint64 arithmetic: numba promotes mixed int64/uint64 operands to float64.
    return np.int64((np.uint64(value) * _GOLDEN) >> np.uint64(64 - bits))


@jit
def _fill_table(values, k, bits):
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
def _insert_until_full(x, start, keys, codes, bits, distinct, k, first_seen):
    """Insert ``x[start:]`` into a hash table until it is done or must grow.

    Returns ``(stop, k)``: the samples before ``stop`` are in the table, which now holds
    ``k`` distinct values (also in ``distinct[:k]``, first-seen order). The table must grow
    when ``stop < x.size``. Kept apart from the growing so that the arrays stay fixed here:
    the hot loop then keeps them in registers.
    """
    mask = (np.int64(1) << bits) - 1
    limit = keys.size // 4  # a load factor of 1/4 keeps probe sequences short
    with_codes = first_seen.size == x.size
    for i in range(start, x.size):
        v = np.int64(x[i])
        j = _slot(v, bits)
        while True:
            c = codes[j]
            if c == -1:
                if k == limit:
                    return i, k
                keys[j] = v
                codes[j] = k
                distinct[k] = v
                c = k
                k += 1
                break
            if keys[j] == v:
                break
            j = (j + 1) & mask
        if with_codes:
            first_seen[i] = c
    return x.size, k


@jit
def _build_table(x, first_seen):
    """Return ``(keys, codes, bits, distinct)``: a hash encoder for the values of ``x``.

    ``x``: 1-D integer array whose values fit ``int64``. ``distinct`` holds the distinct values
    in first-seen order and the table maps each to its position there. When ``first_seen``
    is as long as ``x``, the position of each sample's value is also written there, which
    spares a second pass of lookups. Memory is O(distinct values); the input is read once.
    """
    bits = _FIRST_BITS
    cap = np.int64(1) << bits
    keys = np.zeros(cap, dtype=np.int64)
    codes = np.full(cap, -1, dtype=np.int64)
    distinct = np.empty(cap // 4, dtype=np.int64)
    start, k = _insert_until_full(x, 0, keys, codes, bits, distinct, 0, first_seen)
    while start < x.size:
        bits += 1
        cap <<= 1
        grown = np.empty(cap // 4, dtype=np.int64)
        grown[:k] = distinct[:k]
        distinct = grown
        keys, codes = _fill_table(distinct, k, bits)
        start, k = _insert_until_full(x, start, keys, codes, bits, distinct, k, first_seen)
    return keys, codes, bits, distinct[:k].copy()


@jit
def _relabel_table(codes, new_codes):
    """Replace every code ``c`` stored in a table's ``codes`` by ``new_codes[c]``, in place."""
    for j in range(codes.size):
        c = codes[j]
        if c != -1:
            codes[j] = new_codes[c]


@jit
def _encode_into(x, offset, rank, keys, codes, bits, out):
    """Write the code of each value of ``x`` (all known to the encoder) to ``out``.

    The encoder's form is picked from which arrays are empty: ``keys`` non-empty, a hash
    table; else ``rank`` non-empty, ``x`` holds first-seen positions and a code is
    ``rank[position]``; else ``value - offset``. One loop per form, so the hot loops
    make no calls.
    """
    if keys.size != 0:
        mask = (np.int64(1) << bits) - 1
        for i in range(x.size):
            v = np.int64(x[i])
            j = _slot(v, bits)
            # Linear probing never empties a slot, so every slot between the home slot of
            # ``v`` and the slot holding it is occupied: stopping on the value alone is safe.
            while keys[j] != v:
                j = (j + 1) & mask
            out[i] = codes[j]
    elif rank.size != 0:
        for i in range(x.size):
            out[i] = rank[x[i]]
    else:
        for i in range(x.size):
            out[i] = np.int64(x[i]) - offset


_CHUNK = 2048  # samples encoded at a time into buffers that stay in the L1 cache


@jit
def _count_offsets(a, b, offset_a, offset_b, kb, out):
    """Add the pair counts of ``a`` and ``b`` to the dense row-major table ``out``, in place.

    Both sides in offset form: ``(a[i] - offset_a) * kb + (b[i] - offset_b)`` indexes ``out``
    (``int64``, at least ``ka * kb`` cells). One pass, no temporary.
    """
    for i in range(a.size):
        out[(np.int64(a[i]) - offset_a) * kb + (np.int64(b[i]) - offset_b)] += 1


@jit
def _count_encoded(
    a, b, off_a, rank_a, keys_a, codes_a, bits_a, off_b, rank_b, keys_b, codes_b, bits_b, kb, out
):
    """Like :func:`_count_offsets` for encoders in any form (see :func:`_encode_into`)."""
    ca = np.empty(_CHUNK, dtype=np.int64)
    cb = np.empty(_CHUNK, dtype=np.int64)
    for start in range(0, a.size, _CHUNK):
        stop = min(start + _CHUNK, a.size)
        m = stop - start
        _encode_into(a[start:stop], off_a, rank_a, keys_a, codes_a, bits_a, ca)
        _encode_into(b[start:stop], off_b, rank_b, keys_b, codes_b, bits_b, cb)
        for i in range(m):
            out[ca[i] * kb + cb[i]] += 1


@jit
def _pair_keys(
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
        _encode_into(a[start:stop], off_a, rank_a, keys_a, codes_a, bits_a, ca)
        _encode_into(b[start:stop], off_b, rank_b, keys_b, codes_b, bits_b, cb)
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
def _scatter_regions(keys, thresholds, positions, dest):
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
def _count_runs(sorted_keys):
    """Return the number of distinct values in a sorted array."""
    distinct = 0
    for i in range(sorted_keys.size):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            distinct += 1
    return distinct


@jit
def _write_runs(sorted_keys, shift, rows, cols, counts, row_sums, col_sums):
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
def _run_lengths_weighted(sorted_keys, counts):
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


@jit
def _merge_tables(rows1, cols1, counts1, rows2, cols2, counts2, shift, rows, cols, counts):
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
def _dense_to_table(table, ka, kb):
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


@jit
def _count_small(a, b, offset_a, offset_b, ka, kb):
    """:func:`_count_offsets` into a fresh table, then :func:`_dense_to_table`: one call."""
    table = np.zeros(ka * kb, dtype=np.int64)
    _count_offsets(a, b, offset_a, offset_b, kb, table)
    return _dense_to_table(table, ka, kb)


@jit
def _sum_by_index(index, counts, k):
    """Return ``out[j] = sum(counts[index == j])`` for ``j < k``, in the dtype of ``counts``."""
    out = np.zeros(k, dtype=counts.dtype)
    for p in range(index.size):
        out[index[p]] += counts[p]
    return out


@jit
def _add_compensated(total, compensation, term):
    """One Neumaier step: ``total + compensation`` carries the sum almost exactly."""
    new = total + term
    if abs(total) >= abs(term):
        compensation += (total - new) + term
    else:
        compensation += (term - new) + total
    return new, compensation


@jit
def _entropy_from_counts(counts, n):
    """Return the Shannon entropy in nats of the distribution ``counts / n``.

    ``counts``: ``int64`` cluster sizes or ``float64`` weights (zeros are skipped),
    ``n = counts.sum() > 0``.
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
def _log_count(x):
    # For int64 counts the test ``i == x`` folds away; float64 weights that are whole
    # numbers take the table too, so equal counts give equal terms whatever their dtype.
    if x < _LOG_SMALL.size:
        i = np.int64(x)
        if i == x:
            return _LOG_SMALL[i]
    return math.log(x)


@jit
def _log_counts(values):
    """Return ``log(values)`` for positive ``int64`` counts or ``float64`` weights."""
    out = np.empty(values.size, dtype=np.float64)
    for i in range(values.size):
        out[i] = _log_count(values[i])
    return out


@jit
def _mutual_info_terms(rows, cols, counts, log_rows, log_cols, n):
    """Return ``(total, compensation)``: the mutual information terms of some cells, summed.

    ``rows[p], cols[p], counts[p] > 0`` are non-zero cells of a table, ``log_rows`` and
    ``log_cols`` the logarithms of its (positive) marginals, ``n > 0`` its total; the
    mutual information in nats is the sum over every cell, ``total + compensation``. Each term
    is a symmetric function of (count, row sum, column sum), so the transposed table gives
    the same terms.
    """
    log_n = math.log(n)
    total = 0.0
    comp = 0.0
    for p in range(counts.size):
        x = counts[p]
        # log(a) + log(b) is commutative, so the transposed table gives the same term
        term = (x / n) * ((_log_count(x) + log_n) - (log_rows[rows[p]] + log_cols[cols[p]]))
        total, comp = _add_compensated(total, comp, term)
    return total, comp


@jit
def _information(rows, cols, counts, row_sums, col_sums, n, with_mi):
    """Return ``(mutual information, row entropy, column entropy, independent)`` in one call.

    Same contract as :func:`_mutual_info_terms`, with the marginals ``row_sums`` and
    ``col_sums``. ``independent`` is True when every cell of the table is present and equals
    the product of its marginals over ``n`` (then the mutual information is exactly zero); it
    is tested exactly only for ``n < 2**31.5``, where those products fit ``int64``, and
    reported False above. The mutual information (possibly below 0 by rounding) is computed
    only when ``with_mi`` is True and the table is not independent; 0.0 is returned otherwise.
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
    mi = 0.0
    if with_mi and not independent:
        total, comp = _mutual_info_terms(
            rows, cols, counts, _log_counts(row_sums), _log_counts(col_sums), n
        )
        mi = total + comp
    return mi, h_rows, h_cols, independent


@jit
def _log_factorial_window(base, size):
    """Return ``c`` with ``c[t] = log((base + t)! / base!)`` for ``t <= size``, compensated.

    Differences of two entries give ``log(x! / y!)`` for ``base <= y <= x <= base + size``
    to about 1e-12 relative, where differences of ``lgamma`` of large numbers lose digits.
    """
    c = np.empty(size + 1, dtype=np.float64)
    c[0] = 0.0
    total = 0.0
    comp = 0.0
    for t in range(1, size + 1):
        total, comp = _add_compensated(total, comp, math.log(base + t))
        c[t] = total + comp
    return c


@jit
def _log_falling(x, m, window, base):
    """Return ``log(x! / (x - m)!)``, from the window when it covers both ends."""
    if window.size > 0 and x - m >= base and x - base < window.size:
        return window[x - base] - window[x - m - base]
    return math.lgamma(x + 1.0) - math.lgamma(x - m + 1.0)


@jit
def _expected_mutual_info_rows(a_sizes, a_mult, b_sizes, b_mult, n, window, base):
    """Return ``(total, compensation)``: the expected mutual information terms of some rows.

    ``a_sizes`` (with multiplicities ``a_mult``) are distinct row marginals, ``b_sizes`` (with
    ``b_mult``) distinct column marginals, ``n`` the total; the expected mutual information in
    nats under the hypergeometric model of random labelings with these marginals is the sum
    over every row. For each pair of sizes the hypergeometric probabilities are walked from
    the mode outwards by their recurrence and the walk stops once they fall below 1e-22 of
    the mode's: what is skipped changes the sum by less than 1e-20 relative.
    """
    log_n = math.log(n)
    total = 0.0
    comp = 0.0
    for i in range(a_sizes.size):
        a = a_sizes[i]
        for j in range(b_sizes.size):
            b = b_sizes[j]
            lo = max(1, a + b - n)
            hi = min(a, b)
            if lo > hi:
                continue
            mode = np.int64((a + 1.0) * (b + 1.0) / (n + 2.0))
            mode = min(max(mode, lo), hi)
            # log P(mode) = log C(a, k) + log C(n - a, b - k) - log C(n, b), regrouped into
            # falling factorials so that the huge terms cancel exactly in the window
            log_p = (
                math.lgamma(a + 1.0)
                - math.lgamma(mode + 1.0)
                - math.lgamma(a - mode + 1.0)
                + _log_falling(b, mode, window, base)
                - _log_falling(n, a, window, base)
                + _log_falling(n - b, a - mode, window, base)
            )
            p_mode = math.exp(log_p)
            log_ab = math.log(a) + math.log(b)
            rest = n - a - b
            s = p_mode * (mode / n) * (log_n + math.log(mode) - log_ab)
            p = p_mode
            k = mode
            while k < hi:
                p *= (a - k) * 1.0 * (b - k) / ((k + 1.0) * (rest + k + 1.0))
                k += 1
                s += p * (k / n) * (log_n + math.log(k) - log_ab)
                if p < 1e-22 * p_mode:
                    break
            p = p_mode
            k = mode
            while k > lo:
                p *= k * 1.0 * (rest + k) / ((a - k + 1.0) * (b - k + 1.0))
                k -= 1
                s += p * (k / n) * (log_n + math.log(k) - log_ab)
                if p < 1e-22 * p_mode:
                    break
            total, comp = _add_compensated(total, comp, a_mult[i] * b_mult[j] * s)
    return total, comp


_SPLIT_CELLS = 1 << 15  # tables up to this many cells are counted in four copies


@jit
def _count_offsets_within(a, b, lo, hi, kb, out, flagged=None, weights=None, b_lo=0):
    """Like :func:`_count_offsets`, with ``a`` trusted to lie in [lo, hi] (``b - b_lo`` codes).

    Stops at the first value of ``a`` outside the range and returns its index (the table is
    then incomplete); returns -1 when every sample was counted. One pass, where finding the
    range first would take a second one.

    ``flagged``: None, or one bool per sample; flagged samples are counted in an extra last
    row (``out`` then has ``(hi - lo + 2) * kb`` cells), whatever their value.
    ``weights``: None, or one weight per sample, added instead of 1 (``out`` of ``float64``).

    A small table is counted in four copies, one per sample of each group of four, summed at
    the end: consecutive increments then never wait on each other (the same cell is hit
    twice in a row whenever the labels agree), which makes the pass about 1.6x faster.
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
