"""Kernels for information: entropy, mutual information terms, expected mutual information.

Sums of logarithms are ``float64`` with compensated (Neumaier) summation, which makes them
independent of the order of the terms except for exact ties at a rounding boundary. That is
what makes the scores exactly symmetric in practice.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit


@jit(plain=True)
def _add_compensated(total, compensation, term):
    """One Neumaier step: ``total + compensation`` carries the sum almost exactly."""
    new = total + term
    if abs(total) >= abs(term):
        compensation += (total - new) + term
    else:
        compensation += (term - new) + total
    return new, compensation


@jit(plain=True)
def entropy_from_counts(counts, n):
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


@jit(plain=True)
def _log_count(x):
    # For int64 counts the test ``i == x`` folds away; float64 weights that are whole
    # numbers take the table too, so equal counts give equal terms whatever their dtype.
    if x < _LOG_SMALL.size:
        i = np.int64(x)
        if i == x:
            return _LOG_SMALL[i]
    return math.log(x)


@jit(plain=True)
def log_counts(values):
    """Return ``log(values)`` for positive ``int64`` counts or ``float64`` weights."""
    out = np.empty(values.size, dtype=np.float64)
    for i in range(values.size):
        out[i] = _log_count(values[i])
    return out


_GATHER = 2048  # cells per block of gathered column logarithms


@jit(plain=True)
def mutual_info_terms(rows, cols, counts, log_rows, log_cols, small_cols, n):
    """Return ``(total, compensation)``: the mutual information terms of some cells, summed.

    ``rows[p], cols[p], counts[p] > 0`` are non-zero cells of a table, ``log_rows`` and
    ``log_cols`` the logarithms of its (positive) marginals, ``n > 0`` its total; the
    mutual information in nats is the sum over every cell, ``total + compensation``. Each term
    is a symmetric function of (count, row sum, column sum), so the transposed table gives
    the same terms.

    ``small_cols``: empty, or the column sums themselves as ``uint16``, all below 4096; the
    logarithms of the columns are then read from the constant table of small logarithms
    (the same values as ``log_cols``, which may be empty), through a quarter of the memory.
    """
    log_n = math.log(n)
    total = 0.0
    comp = 0.0
    # The logarithms of the columns are gathered a block at a time before the block is summed:
    # in a loop of their own the loads overlap, where the sum's chain of dependent additions
    # would otherwise wait on each one (much faster once the marginals leave the cache).
    gathered = np.empty(min(counts.size, _GATHER), dtype=np.float64)
    for lo in range(0, counts.size, _GATHER):
        hi = min(lo + _GATHER, counts.size)
        if small_cols.size:
            for p in range(lo, hi):
                gathered[p - lo] = _LOG_SMALL[small_cols[cols[p]]]
        else:
            for p in range(lo, hi):
                gathered[p - lo] = log_cols[cols[p]]
        for p in range(lo, hi):
            x = counts[p]
            # log(a) + log(b) is commutative, so the transposed table gives the same term
            term = (x / n) * ((_log_count(x) + log_n) - (log_rows[rows[p]] + gathered[p - lo]))
            total, comp = _add_compensated(total, comp, term)
    return total, comp


_SMALLEST_NORMAL = 2.2250738585072014e-308


@jit(plain=True)
def information(rows, cols, counts, row_sums, col_sums, n, with_mi):
    """Return ``(mutual information, row entropy, column entropy, independent)`` in one call.

    Same contract as :func:`mutual_info_terms`, with the marginals ``row_sums`` and
    ``col_sums``. ``independent`` is True when every cell of the table is present and equals
    the product of its marginals over ``n`` (then the mutual information is exactly zero); it
    is tested exactly only for ``n < 2**31.5``, where those products fit ``int64``, and
    reported False above and where a product underflows (tiny float weights). The mutual
    information (possibly below 0 by rounding) is computed only when ``with_mi`` is True and
    the table is not independent; 0.0 is returned otherwise.
    """
    h_rows = entropy_from_counts(row_sums, n)
    h_cols = entropy_from_counts(col_sums, n)
    independent = False
    if counts.size == row_sums.size * col_sums.size and n <= 3037000499:
        independent = True
        for p in range(counts.size):
            product = counts[p] * n
            # a product of positive numbers below the smallest normal float has underflowed
            # (weights near 1e-160): it proves nothing, so the table counts as dependent
            if product != row_sums[rows[p]] * col_sums[cols[p]] or product < _SMALLEST_NORMAL:
                independent = False
                break
    mi = 0.0
    if with_mi and not independent:
        no_small = np.empty(0, dtype=np.uint16)
        log_cols = log_counts(col_sums)
        total, comp = mutual_info_terms(
            rows, cols, counts, log_counts(row_sums), log_cols, no_small, n
        )
        mi = total + comp
    return mi, h_rows, h_cols, independent


@jit
def log_factorial_window(base, size):
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
def expected_mutual_info_rows(a_sizes, a_mult, b_sizes, b_mult, n, window, base):
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


@jit
def log_binomial_sum(values, mult, shift):
    """Return the sum of ``mult[i] * log C(values[i] + shift - 1, shift - 1)``, compensated.

    ``C(v + s - 1, s - 1)`` counts the ways to share ``v`` objects among ``s`` groups (for
    real ``s > 0``, through the gamma function); ``values`` and ``mult`` are ``float64``.
    """
    total = 0.0
    comp = 0.0
    log_gamma_shift = math.lgamma(shift)
    for i in range(values.size):
        v = values[i]
        term = mult[i] * ((math.lgamma(v + shift) - log_gamma_shift) - math.lgamma(v + 1.0))
        total, comp = _add_compensated(total, comp, term)
    return total + comp


@jit
def dirichlet_cost(sums, sums_mult, groups, cells, cells_mult, alpha):
    """Return the Dirichlet-multinomial cost in nats of the cells given their sums.

    Each sum ``s`` is shared among ``groups`` cells drawn from a symmetric Dirichlet of
    concentration ``alpha``: ``log C(s + groups * alpha - 1, groups * alpha - 1)`` per sum,
    less ``log C(c + alpha - 1, alpha - 1)`` per cell ``c``.
    """
    return log_binomial_sum(sums, sums_mult, groups * alpha) - log_binomial_sum(
        cells, cells_mult, alpha
    )


ALPHA_RANGE = (1e-4, 1e4)  # the concentrations searched, as the reference implementation does
LOG_ALPHA_TOLERANCE = 1e-5


@jit
def dirichlet_minimum(sums, sums_mult, groups, cells, cells_mult):
    """Return the least :func:`dirichlet_cost` over ``alpha`` in :data:`ALPHA_RANGE`.

    Golden-section search on ``log(alpha)``, narrowed until the bracket is
    :data:`LOG_ALPHA_TOLERANCE` wide; the cost is taken at its middle. The cost is smooth in
    ``log(alpha)``; where it falls all the way to a bound the search ends at that bound.
    """
    lo = math.log(ALPHA_RANGE[0])
    hi = math.log(ALPHA_RANGE[1])
    ratio = (3.0 - math.sqrt(5.0)) / 2.0  # 1 - 1/phi
    left = lo + ratio * (hi - lo)
    right = hi - ratio * (hi - lo)
    f_left = dirichlet_cost(sums, sums_mult, groups, cells, cells_mult, math.exp(left))
    f_right = dirichlet_cost(sums, sums_mult, groups, cells, cells_mult, math.exp(right))
    while abs(right - left) > LOG_ALPHA_TOLERANCE:
        if f_left < f_right:
            hi, right, f_right = right, left, f_left
            left = lo + ratio * (hi - lo)
            f_left = dirichlet_cost(sums, sums_mult, groups, cells, cells_mult, math.exp(left))
        else:
            lo, left, f_left = left, right, f_right
            right = hi - ratio * (hi - lo)
            f_right = dirichlet_cost(sums, sums_mult, groups, cells, cells_mult, math.exp(right))
    return dirichlet_cost(sums, sums_mult, groups, cells, cells_mult, math.exp((lo + hi) / 2.0))
