"""Random draws for the resampling kernels: a generator, alias tables, and variates.

- xoshiro256** (:func:`next_u64`), seeded by splitmix64 steps from one ``uint32``: much
  faster than numba's Mersenne Twister, and one generator per replicate, so a replicate's
  draws depend on its seed only.
- Walker's alias tables (:func:`alias_table`, :func:`pick`), of a power-of-two number of
  entries so that one 64-bit draw chooses the entry (its top bits) and keeps it or its alias
  (a 53-bit uniform of the others), by arithmetic rather than a branch.
- Variates: binomial (inversion or BTRS), Poisson (one alias table per mean, the far tails
  walked), hypergeometric (item by item or inversion from the mode).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit, jit_inline


@jit_inline
def step(s0, s1, s2, s3):
    """xoshiro256** on a state held in four locals: ``(64 random bits, s0, s1, s2, s3)``.

    Hot loops keep the state in locals (registers) and call this; :func:`next_u64` is the
    same step on a state held in an array, which costs a store and a load per draw.
    """
    x = s1 * np.uint64(5)
    x = (x << np.uint64(7)) | (x >> np.uint64(57))
    result = x * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    return result, s0, s1, s2, s3


@jit_inline
def next_u64(state):
    """xoshiro256**: the next 64 random bits of the four-word ``state``."""
    result, s0, s1, s2, s3 = step(state[0], state[1], state[2], state[3])
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return result


@jit_inline
def uniform(state):
    """Return a double uniform in [0, 1), of 53 random bits."""
    return to_uniform(next_u64(state))


@jit_inline
def to_uniform(r):
    """Return the double uniform in [0, 1) of the top 53 of the 64 random bits ``r``."""
    return float(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit_inline
def seed_state(seed, state):
    """Fill the xoshiro ``state`` from one ``uint32`` seed (splitmix64 steps)."""
    z = np.uint64(seed)
    for k in range(4):
        z += np.uint64(0x9E3779B97F4A7C15)
        v = z
        v = (v ^ (v >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        v = (v ^ (v >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        state[k] = v ^ (v >> np.uint64(31))


THR, KEEP, OTHER = 0, 1, 2  # columns of an alias table's entries
ONE = 9007199254740992.0  # 2 ** 53: a threshold of 53 bits that always keeps


@jit_inline
def fill_alias(weights, total, keep, entries, prob, small, large):
    """Write Walker's alias table of ``weights`` (adding up to ``total``) into ``entries``.

    Entry ``j`` of a draw keeps ``keep[j]`` when a 53-bit uniform integer is below its
    threshold ``entries[j, THR]``, else gives ``entries[j, OTHER]``, the ``keep`` of its
    alias (see :func:`pick`). ``prob``, ``small``, ``large``: scratch.
    """
    k = weights.size
    ns = 0
    nl = 0
    for j in range(k):
        entries[j, OTHER] = j
        prob[j] = weights[j] * k / total
        if prob[j] < 1.0:
            small[ns] = j
            ns += 1
        else:
            large[nl] = j
            nl += 1
    while ns > 0 and nl > 0:  # entries of weight 0 come last, so they are served first
        ns -= 1
        j = small[ns]
        g = large[nl - 1]
        entries[j, OTHER] = g
        prob[g] = (prob[g] + prob[j]) - 1.0
        if prob[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    for i in range(nl):  # what rounding left: certain
        prob[large[i]] = 1.0
    for i in range(ns):
        prob[small[i]] = 1.0
    for j in range(k):
        entries[j, THR] = np.int64(prob[j] * ONE)
        entries[j, KEEP] = keep[j]
        entries[j, OTHER] = keep[entries[j, OTHER]]


LOG_SQRT_2PI = 0.9189385332046728  # log(sqrt(2 pi))
TINY_PROBABILITY = 1e-300  # past values this unlikely, a walk's remaining mass is below 1e-281


@jit_inline
def stirling_error(x):
    """Return ``log(x!) - (x + 1/2) log(x) + x - log(sqrt(2 pi))`` for a whole ``x >= 1``.

    The error of Stirling's formula, small and known to full precision: from ``lgamma`` up to
    15 (terms of a few tens, 1e-14 absolute), else from its series in ``1 / x`` (five terms,
    whose remainder is below 1e-17 there).
    """
    if x <= 15.0:
        return math.lgamma(x + 1.0) - (x + 0.5) * math.log(x) + x - LOG_SQRT_2PI
    x2 = x * x
    return (
        1.0 / 12.0
        - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / 1188.0 / x2) / x2) / x2) / x2
    ) / x


@jit_inline
def product_error(a, b):
    """Return ``a * b - fl(a * b)`` exactly (Veltkamp's split and Dekker's product)."""
    c = 134217729.0 * a  # 2**27 + 1
    a_hi = c - (c - a)
    a_lo = a - a_hi
    c = 134217729.0 * b
    b_hi = c - (c - b)
    b_lo = b - b_hi
    p = a * b
    return ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


@jit_inline
def deviance(x, n, p):
    """Return ``x log(x / mu) + mu - x`` for ``mu = n p``, ``x >= 0``, without cancellation.

    Near ``mu`` it is the series ``(x - mu) v + 2x (v**3 / 3 + v**5 / 5 + ...)`` with
    ``v = (x - mu) / (x + mu)`` below 0.1 in size: each term under 1% of the last. There
    ``x - mu`` is taken with the rounding error of ``n p`` (some 1e-4 at ``n = 2**40``).
    """
    mu = n * p
    d = (x - mu) - product_error(n, p)
    if abs(d) < 0.1 * (x + mu):
        v = d / (x + mu)
        total = d * v
        term = 2.0 * x * v
        v2 = v * v
        # ends: the terms fall by v2 < 0.01 each step, below total's last bit within 9 steps
        for j in range(1, 64):
            term *= v2
            following = total + term / (2 * j + 1)
            if following == total:
                break
            total = following
        return total
    return x * math.log(x / mu) + mu - x


@jit_inline
def log_binomial_probability(k, n, p, q):
    """Return ``log P(K = k)`` for ``K ~ Binomial(n, p)``, ``q = 1 - p``, as floats.

    In the form of Stirling's error and deviances (Loader's saddle-point form): every part
    small, so the result holds to about 1e-12 up to ``n = 2**48`` (checked against mpmath),
    where ``lgamma`` differences of numbers near ``n log n`` lose up to 1e-2 at ``2**40``.
    Where ``p + q`` is 1 only up to rounding the result is off by ``n (p + q - 1)``, which
    cancels in a ratio of two probabilities of one ``n`` (the binomial's acceptance test) and
    in the hypergeometric's three terms (``good + bad - total = 0``).
    """
    if k == 0.0:
        return n * math.log1p(-p) if p < 0.5 else n * math.log(q)
    if k == n:
        return n * math.log1p(-q) if q < 0.5 else n * math.log(p)
    head = stirling_error(n) - stirling_error(k) - stirling_error(n - k)
    head -= deviance(k, n, p) + deviance(n - k, n, q)
    return head - 0.5 * (2.0 * LOG_SQRT_2PI + math.log(k) + math.log1p(-k / n))


@jit_inline
def log_hypergeometric_probability(x, good, bad, sample):
    """Return ``log P(X = x)``: ``x`` good among ``sample`` drawn from ``good`` and ``bad``.

    The ratio of three binomial probabilities of one success rate, ``sample / total``: the
    powers of the rate cancel, the binomial coefficients remain. About 1e-12 up to 2**48.
    """
    total = good + bad
    p = sample / total
    q = (total - sample) / total
    return (
        log_binomial_probability(float(x), float(good), p, q)
        + log_binomial_probability(float(sample - x), float(bad), p, q)
        - log_binomial_probability(float(sample), float(total), p, q)
    )


@jit_inline
def binomial(n, p, state):
    """Draw Binomial(``n``, ``p``) with the generator ``state``; ``n >= 0``, ``0 <= p <= 1``.

    Small means invert the distribution from 0 (the probabilities by their recurrence); large
    ones use Hormann's transformed rejection with squeeze (BTRS, 1993), whose acceptance test
    needs log-factorials only for the one draw in ten or so that the squeeze does not take.
    """
    if n == 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    r = 1.0 - p if flip else p
    q = 1.0 - r
    mean = n * r
    k = 0
    if mean < 10.0:
        s = r / q
        a = (n + 1) * s
        start = math.exp(n * math.log1p(-r))  # P(0), at least exp(-10.6) here
        # ends: a try fails only where u falls in the rounding sliver past n (some 1e-15 of
        # the mass), so the tries are geometric with success near 1
        while True:
            u = uniform(state)
            prob = start
            k = 0
            while u > prob and k < n:
                u -= prob
                k += 1
                prob *= a / k - s
            if u <= prob:
                break  # else rounding left a sliver beyond n: draw again
    else:
        spq = math.sqrt(mean * q)
        b = 1.15 + 2.53 * spq
        a = -0.0873 + 0.0248 * b + 0.01 * r
        c = mean + 0.5
        v_r = 0.92 - 4.2 / b
        m = int((n + 1) * r)
        log_mode = 1.0  # log P(mode), computed at the first need (a probability's is <= 0)
        alpha = 0.0
        # ends: BTRS accepts a try with probability above 0.8 for means of 10 and more
        # (Hormann 1993), so the tries are geometric
        while True:
            u = uniform(state) - 0.5
            v = uniform(state)
            us = 0.5 - abs(u)
            k = math.floor((2.0 * a / us + b) * u + c)
            if k < 0 or k > n:
                continue
            if us >= 0.07 and v <= v_r:
                break
            if log_mode > 0.0:
                log_mode = log_binomial_probability(float(m), float(n), r, q)
                alpha = (2.83 + 5.1 / b) * spq
            v = math.log(v * alpha / (a / (us * us) + b))
            if v <= log_binomial_probability(float(k), float(n), r, q) - log_mode:
                break
    return n - k if flip else k


@jit_inline
def pick(r, shift, flat, first):
    """Draw from the alias table of ``2 ** (64 - shift)`` entries at ``entries[first]``.

    ``flat``: the entries as one row (``entries.ravel()``, taken once, out of the loops),
    so that entry ``e`` starts at ``3 e``: a constant stride, where the rows' would be a
    product.

    The top bits of the 64 random bits ``r`` choose the entry; the other ``shift`` bits
    make a 53-bit uniform integer, compared with its threshold. The choice between keeping
    and the alias is arithmetic, not a branch (which would miss half the time).
    """
    e = (np.uint64(first) + (r >> np.uint64(shift))) * np.uint64(3)  # unsigned: no check for
    f = np.int64((r << np.uint64(64 - shift)) >> np.uint64(11))  # a negative index
    other = flat[e + np.uint64(OTHER)]
    return other + np.int64(f < flat[e + np.uint64(THR)]) * (flat[e + np.uint64(KEEP)] - other)


@jit_inline
def bits_for(length):
    """Return the least ``b`` with ``2 ** b >= length``."""
    b = 0
    while (1 << b) < length:
        b += 1
    return b


@jit
def alias_table(counts):
    """Return the alias table of the units' proportions ``counts``, for :func:`pick`.

    ``(entries, shift)``: ``entries`` padded with units of weight 0 to a power of two
    (two at least), of ``2 ** (64 - shift)`` rows.
    """
    k = counts.size
    total = 0.0
    for c in counts:
        total += c
    bits = bits_for(max(k, 2))
    size = 1 << bits
    weights = np.zeros(size, dtype=np.float64)
    for i in range(k):
        weights[i] = counts[i]
    entries = np.empty((size, 3), dtype=np.int64)
    fill_alias(weights, total, np.arange(size), entries, np.empty(size, dtype=np.float64),
                np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64))  # fmt: skip
    return entries, 64 - bits


@jit_inline
def table_bits(mean):
    """Return ``b``: the table of Poisson(``mean``) has ``2 ** b`` rows (see below)."""
    return bits_for(2 * (int(6.0 * math.sqrt(mean)) + 8) + 2)


@jit
def table_rows(means):
    """Return the rows of the table :func:`poisson_tables` builds for each mean."""
    out = np.empty(means.size, dtype=np.int64)
    for d in range(means.size):
        out[d] = 1 << table_bits(means[d])
    return out


@jit
def poisson_tables(means, max_entries):
    """Return the tables of the Poisson distributions of ``means`` (``float64``, positive).

    ``(lo, offset, shift, below, above, entries, ok)``. Mean ``d``'s alias table has
    ``2 ** (64 - shift[d])`` rows from ``entries[offset[d]]``: all but the last keep the
    values from ``lo[d]`` on (some 6 standard deviations each side of the mean, more to
    fill the power of two); the last keeps -1, for all the values beyond them, of
    probability ``below[d]`` (less than ``lo[d]``) plus ``above[d]`` (more than the last
    value). ``ok`` is False (and ``entries`` empty) when the tables would hold more than
    ``max_entries`` rows in all.
    """
    k = means.size
    lo = np.empty(k, dtype=np.int64)
    offset = np.zeros(k + 1, dtype=np.int64)
    shift = np.empty(k, dtype=np.int64)
    for d in range(k):
        c = means[d]
        bits = table_bits(c)
        shift[d] = 64 - bits
        lo[d] = max(0, int(c) - ((1 << bits) - 1) // 2)
        offset[d + 1] = offset[d] + (1 << bits)
    below = np.zeros(k, dtype=np.float64)
    above = np.zeros(k, dtype=np.float64)
    if offset[k] > max_entries:
        return lo, offset, shift, below, above, np.empty((0, 3), dtype=np.int64), False
    entries = np.empty((offset[k], 3), dtype=np.int64)
    width = 0
    for d in range(k):
        width = max(width, offset[d + 1] - offset[d])
    pmf = np.empty(width, dtype=np.float64)
    keep = np.empty(width, dtype=np.int64)
    prob = np.empty(width, dtype=np.float64)
    small = np.empty(width, dtype=np.int64)
    large = np.empty(width, dtype=np.int64)
    for d in range(k):
        c = means[d]
        start = lo[d]
        length = offset[d + 1] - offset[d]
        values = length - 1
        p = math.exp(start * math.log(c) - c - math.lgamma(start + 1.0))
        tail = 0.0  # P(Y < start), summed downwards until its terms vanish
        q = p
        for x in range(start, 0, -1):
            q = q * x / c
            tail += q
            if q < 1e-300 or q < tail * 1e-17:
                break
        inside = 0.0
        for i in range(values):
            if i > 0:
                p = p * c / (start + i)
            pmf[i] = p
            keep[i] = start + i
            inside += p
        upper = 0.0  # P(Y > the last value), summed upwards until its terms vanish
        x = start + values - 1
        # ends: past x = c each term is the last times c / x < 1, so the terms fall below
        # 1e-300 (or 1e-17 of the sum) after finitely many steps
        while True:
            x += 1
            p = p * c / x
            upper += p
            if p < 1e-300 or p < upper * 1e-17:
                break
        # the first term's logarithm is a difference of large numbers (some 1e-16 of
        # c log c off): dividing by the whole sum leaves only the recurrences' rounding
        whole = tail + inside + upper
        below[d] = tail / whole
        above[d] = upper / whole
        pmf[values] = tail + upper
        keep[values] = -1
        first = offset[d]
        fill_alias(pmf[:length], whole, keep, entries[first : first + length], prob, small,
                    large)  # fmt: skip
    return lo, offset, shift, below, above, entries, True


@jit_inline
def beyond_table(d, means, lo, offset, below, above, state):
    """Return a value of the Poisson distribution of ``means[d]`` beyond its table.

    A draw from the table (:func:`poisson_tables`) that gives -1, its last entry, stands
    for the values beyond it (some once in 1e9): a second uniform chooses among them. The
    rare walk is :func:`walk_tails`, a call of its own, so that it does not weigh on
    the loops that inline this.
    """
    last = lo[d] + offset[d + 1] - offset[d] - 2
    return walk_tails(means[d], lo[d], last, below[d], above[d], uniform(state))


@jit
def walk_tails(c, first, last, below, above, u):
    """Return the value of Poisson(``c``) below ``first`` or above ``last`` that ``u`` draws.

    ``below``, ``above``: the probabilities of those two tails; ``u``: uniform in [0, 1).
    """
    u *= below + above
    if u < below:  # left tail: walk down from first - 1 until the mass passed exceeds u
        x = first - 1
        p = math.exp(x * math.log(c) - c - math.lgamma(x + 1.0))
        level = below
        while x > 0:
            level -= p
            if u >= level:
                return x
            p = p * x / c
            x -= 1
        return 0
    u -= below  # right tail: walk up from last + 1 until the mass passed exceeds u
    x = last
    p = math.exp(x * math.log(c) - c - math.lgamma(x + 1.0))
    level = 0.0
    # ends: past x = c the terms shrink by c / x < 1 each step and underflow to 0.0
    while True:
        x += 1
        p = p * c / x
        level += p
        if u < level or p == 0.0:
            return x


@jit_inline
def hypergeometric(good, bad, sample, state):
    """Draw the number of ``good`` items among ``sample`` taken without replacement.

    Small draws are simulated one item at a time; larger ones invert the distribution from
    its mode outwards, O(standard deviation) steps, the mode's probability from log-gamma.
    """
    total = good + bad
    if sample == 0 or good == 0:
        return 0
    if bad == 0:
        return sample
    # draw the smaller of sample and its complement, of the smaller of good and bad
    flip_sample = 2 * sample > total
    m = total - sample if flip_sample else sample
    flip_good = good > bad
    g = bad if flip_good else good
    if m <= 24:
        x = 0
        left_g = g
        left = total
        for _ in range(m):
            if uniform(state) * left < left_g:
                x += 1
                left_g -= 1
            left -= 1
    else:
        lo_x = max(0, m - (total - g))
        hi_x = min(m, g)
        if m + 1 <= 4611686018427387903 // (g + 1):  # (m + 1)(g + 1) fits int64: exact
            mode = ((m + 1) * (g + 1)) // (total + 2)
        else:  # past 2**62 (tables of billions): near the mode is enough to start from
            mode = int((m + 1.0) * (g + 1.0) / (total + 2.0))
        mode = min(max(mode, lo_x), hi_x)
        p_mode = math.exp(log_hypergeometric_probability(mode, g, total - g, m))
        x = mode
        # Inversion over the values in order from the mode outwards. The probabilities sum
        # to 1 up to rounding; where the walk covers every value and leaves some of u over,
        # u is drawn once more within the mass the walk did cover, which ends inside it: at
        # most two walks (the distribution is that of drawing again until one ends).
        scale = 1.0
        for attempt in range(2):
            u0 = uniform(state) * scale
            u = u0 - p_mode
            lo = mode
            hi = mode
            p_lo = p_mode
            p_hi = p_mode
            x = mode
            while u > 0.0:
                up = -1.0
                down = -1.0
                if hi < hi_x:
                    up = p_hi * (g - hi) * (m - hi) / ((hi + 1.0) * (total - g - m + hi + 1.0))
                if lo > lo_x:
                    down = p_lo * lo * (total - g - m + lo) / ((g - lo + 1.0) * (m - lo + 1.0))
                if up < TINY_PROBABILITY and down < TINY_PROBABILITY:
                    # ends: every value walked, or both next values below 1e-300, which the
                    # walk reaches within some 40 standard deviations of the mode (the
                    # probabilities fall ever faster past it; a bound on the probability,
                    # not on 0.0: in subnormal numbers p * ratio can round back to p and
                    # stay there). The mass left beyond is below 1e-300 * 2**63: rounding
                    # left a sliver of u, drawn again below
                    break
                if up >= down:
                    hi += 1
                    p_hi = up
                    u -= up
                    x = hi
                else:
                    lo -= 1
                    p_lo = down
                    u -= down
                    x = lo
            if u <= 0.0:
                break
            walked = u0 - u  # the mass the walk covered
            if walked <= 0.0 or attempt == 1:
                break  # no mass to draw in (the mode's probability underflowed): x as walked
            scale = walked * (1.0 - 1e-12)
    if flip_good:
        x = m - x
    if flip_sample:
        x = good - x
    return x
