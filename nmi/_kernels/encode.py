"""Kernels that map label values to dense codes ``0 .. k-1``.

An *encoder* maps a label value to a dense code in ``[0, k)``. It comes in three forms,
chosen by the caller per side:

- offset form: ``code = value - offset``, for labels whose value range is small;
- hash form: an open-addressing table with linear probing in two arrays, ``keys[slot]`` (the
  value) and ``codes[slot]`` (its code, ``-1`` for an empty slot), ``2 ** bits`` slots, load
  factor at most 1/4;
- rank form: the kernel reads first-seen positions instead of values (written while the
  hash table was built) and ``code = rank[position]``.

:func:`encode_into` takes ``(offset, rank, keys, codes, bits)`` and picks the form from
which arrays are empty.
"""

from __future__ import annotations

import numpy as np

from .._jit import jit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: Fibonacci hashing
_FIRST_BITS = 10


@jit(plain=True)
def min_max(x):
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
def build_table(x, first_seen, max_distinct, probe):
    """Return ``(keys, codes, bits, distinct)``: a hash encoder for the values of ``x``.

    ``x``: 1-D integer array whose values fit ``int64``. ``distinct`` holds the distinct values
    in first-seen order and the table maps each to its position there. When ``first_seen``
    is as long as ``x``, the position of each sample's value is also written there, which
    spares a second pass of lookups. Memory is O(distinct values); the input is read once.

    Gives up, returning ``bits = -1``, when the table must grow and holds ``max_distinct``
    values, or ``probe`` samples or more have been read and over 9 in 10 were distinct: then
    a hash table is no longer the cheap way to encode ``x``.
    """
    bits = _FIRST_BITS
    cap = np.int64(1) << bits
    keys = np.zeros(cap, dtype=np.int64)
    codes = np.full(cap, -1, dtype=np.int64)
    distinct = np.empty(cap // 4, dtype=np.int64)
    start, k = _insert_until_full(x, 0, keys, codes, bits, distinct, 0, first_seen)
    while start < x.size:
        if k >= max_distinct or (start >= probe and 10 * k > 9 * start):
            return keys[:0], codes[:0], -1, distinct[:0].copy()
        bits += 1
        cap <<= 1
        grown = np.empty(cap // 4, dtype=np.int64)
        grown[:k] = distinct[:k]
        distinct = grown
        keys, codes = _fill_table(distinct, k, bits)
        start, k = _insert_until_full(x, start, keys, codes, bits, distinct, k, first_seen)
    return keys, codes, bits, distinct[:k].copy()


@jit
def relabel_table(codes, new_codes):
    """Replace every code ``c`` stored in a table's ``codes`` by ``new_codes[c]``, in place."""
    for j in range(codes.size):
        c = codes[j]
        if c != -1:
            codes[j] = new_codes[c]


@jit
def encode_into(x, offset, rank, keys, codes, bits, out):
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


_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@jit
def _row_slot(words, i, bits):
    h = _FNV_OFFSET
    for j in range(words.shape[1]):
        h = (h ^ np.uint64(words[i, j])) * _FNV_PRIME
    return np.int64((h * _GOLDEN) >> np.uint64(64 - bits))


@jit
def _same_rows(words, i, r):
    for j in range(words.shape[1]):
        if words[i, j] != words[r, j]:
            return False
    return True


@jit
def encode_rows(words):
    """Return ``(codes, first)``: each row of ``words`` coded by the first row equal to it.

    ``words``: 2-D C-contiguous unsigned integer array, one row per label (fixed-width text
    viewed as machine words). ``codes[i]`` numbers the distinct rows in first-seen order and
    ``first[c]`` is the index of the first row of code ``c``. One pass through a hash table
    of row indices (load at most 1/2), rows compared word by word.
    """
    n = words.shape[0]
    codes = np.empty(n, dtype=np.int64)
    bits = 10
    slots = np.full(np.int64(1) << bits, -1, dtype=np.int64)  # slot -> code
    first = np.empty(slots.size // 2, dtype=np.int64)
    k = 0
    for i in range(n):
        if 2 * k >= slots.size:  # grow: rehash the first row of every code
            bits += 1
            slots = np.full(np.int64(1) << bits, -1, dtype=np.int64)
            grown = np.empty(slots.size // 2, dtype=np.int64)
            grown[:k] = first[:k]
            first = grown
            mask = slots.size - 1
            for c in range(k):
                j = _row_slot(words, first[c], bits)
                while slots[j] != -1:
                    j = (j + 1) & mask
                slots[j] = c
        mask = slots.size - 1
        j = _row_slot(words, i, bits)
        while True:
            c = slots[j]
            if c == -1:
                slots[j] = k
                first[k] = i
                codes[i] = k
                k += 1
                break
            if _same_rows(words, i, first[c]):
                codes[i] = c
                break
            j = (j + 1) & mask
    return codes, first[:k].copy()


@jit
def pack_positions(x, lo, drop, pos_bits, out):
    """Write ``((x[i] - lo) >> drop) << pos_bits | i`` to ``out``: sortable as plain ``int64``.

    ``lo`` is the smallest value of ``x``; ``drop`` low bits of each value are left out so
    that the rest and the position ``i < 2**pos_bits`` fit 63 bits.
    """
    for i in range(x.size):
        high = np.int64(np.uint64(x[i] - lo) >> np.uint64(drop))
        out[i] = (high << pos_bits) | i


@jit
def _order_run(packed, start, stop, x, mask):
    # entries whose packed values tie: put them in the order of their values
    for i in range(start + 1, stop):
        if x[packed[i] & mask] < x[packed[i - 1] & mask]:
            run = packed[start:stop].copy()
            values = np.empty(run.size, dtype=np.int64)
            for j in range(run.size):
                values[j] = x[run[j] & mask]
            order = np.argsort(values)
            for j in range(run.size):
                packed[start + j] = run[order[j]]
            return


@jit
def rank_packed(packed, x, pos_bits, codes, distinct):
    """Codes of ``x`` (ranks of its values) from :func:`pack_positions`' output, sorted.

    Entries whose packed values tie (values equal up to the dropped bits) are first put in
    the order of their values. Writes ``codes[i]``, the rank of ``x[i]`` among the distinct
    values, and those values in order to ``distinct``; returns their number.
    """
    n = packed.size
    mask = (np.int64(1) << pos_bits) - 1
    start = 0
    for i in range(1, n + 1):
        if i < n and (packed[i] >> pos_bits) == (packed[start] >> pos_bits):
            continue
        if i - start > 1:
            _order_run(packed, start, i, x, mask)
        start = i
    k = -1
    previous = 0
    for i in range(n):
        p = packed[i] & mask
        v = x[p]
        if i == 0 or v != previous:  # a local, not distinct[k]: no chain through memory
            k += 1
            distinct[k] = v
            previous = v
        codes[p] = k
    return k + 1
