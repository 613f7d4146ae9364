"""Kernels for resampled tables: bootstrap (multinomial) and permutation (fixed margins).

Neither touches the samples. A bootstrap replicate draws the counts of a table's units (its
cells, and its noise singletons grouped by the label of the other side) from the multinomial
of ``n`` draws with the table's proportions; a permutation replicate draws a table with the
observed row and column sums, the distribution of the table of two labelings after a random
permutation of one of them. Each replicate is reduced to a few sums as it is drawn
(:data:`FLOAT_STATS` and :data:`INT_STATS`), so memory follows the table, not ``n``.

Replicate ``b`` draws from a generator of its own (xoshiro256**, a few lines below, some 15x
faster than numba's Mersenne Twister here), seeded with ``seeds[b]``: its table depends on its
seed only, not on the thread that draws it, so results are the same for any number of
threads.

A *view* maps the units to the cells of one table: ``unit_cell[k]`` is the cell of unit
``k``, ``cell_rows`` and ``cell_cols`` that cell's row and column. A row index equal to
``n_rows`` marks noise singletons of ``preds`` (each sample a cluster of its own), a column
index equal to ``n_cols`` those of ``target``. Several views of one draw compare clusterings
on the same resampled samples (a unit is then a cell of the three-way table).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit, jit_inline

# columns of the statistics of one table
S_CELLS, S_ROWS, S_COLS = 0, 1, 2  # sums of x log x over cells, row sums, column sums
FLOAT_STATS = 3
K_ROWS, K_COLS, CELLS, SQ_CELLS, SQ_ROWS, SQ_COLS = 0, 1, 2, 3, 4, 5  # clusters, squares
INT_STATS = 6


@jit_inline
def _xlogx(x, log_table):
    """``x * log(x)`` of a count ``x >= 1``, the logarithm from the table when it is there."""
    if x < log_table.size:
        return x * log_table[x]
    return x * math.log(x)


@jit_inline
def _next_u64(state):
    """xoshiro256**: the next 64 random bits of the four-word ``state``."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
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
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return result


@jit_inline
def _uniform(state):
    """Return a double uniform in [0, 1), of 53 random bits."""
    return float(_next_u64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit_inline
def _seed_state(seed, state):
    """Fill the xoshiro ``state`` from one ``uint32`` seed (splitmix64 steps)."""
    z = np.uint64(seed)
    for k in range(4):
        z += np.uint64(0x9E3779B97F4A7C15)
        v = z
        v = (v ^ (v >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        v = (v ^ (v >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        state[k] = v ^ (v >> np.uint64(31))


@jit_inline
def _fill_alias(weights, total, prob, alias, small, large):
    """Write Walker's alias table of ``weights`` (adding up to ``total``) into prob/alias.

    A draw takes ``t = u * k`` for a uniform ``u``, the entry ``j = int(t)``, and keeps it
    when ``t - j < prob[j]``, else takes ``alias[j]``. ``small``, ``large``: scratch.
    """
    k = weights.size
    ns = 0
    nl = 0
    for j in range(k):
        alias[j] = j
        prob[j] = weights[j] * k / total
        if prob[j] < 1.0:
            small[ns] = j
            ns += 1
        else:
            large[nl] = j
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        j = small[ns]
        g = large[nl - 1]
        alias[j] = g
        prob[g] = (prob[g] + prob[j]) - 1.0
        if prob[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    for i in range(nl):  # what rounding left: certain
        prob[large[i]] = 1.0
    for i in range(ns):
        prob[small[i]] = 1.0


@jit
def alias_table(counts):
    """Return the alias table (``prob``, ``alias``) of the proportions of ``counts``."""
    k = counts.size
    total = 0.0
    for c in counts:
        total += c
    prob = np.empty(k, dtype=np.float64)
    alias = np.empty(k, dtype=np.int64)
    scratch = np.empty(k, dtype=np.int64)
    _fill_alias(counts, total, prob, alias, scratch, np.empty(k, dtype=np.int64))
    return prob, alias


@jit_inline
def _binomial(n, p, state):
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
        while True:
            u = _uniform(state)
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
        h = -1.0  # the log-factorials of the mode, computed at the first need
        alpha = 0.0
        log_odds = 0.0
        while True:
            u = _uniform(state) - 0.5
            v = _uniform(state)
            us = 0.5 - abs(u)
            k = math.floor((2.0 * a / us + b) * u + c)
            if k < 0 or k > n:
                continue
            if us >= 0.07 and v <= v_r:
                break
            if h < 0.0:
                h = math.lgamma(m + 1.0) + math.lgamma(n - m + 1.0)
                alpha = (2.83 + 5.1 / b) * spq
                log_odds = math.log(r / q)
            v = math.log(v * alpha / (a / (us * us) + b))
            if v <= h - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0) + (k - m) * log_odds:
                break
    return n - k if flip else k


@jit_inline
def _draw_multinomial(counts, total, n, x, state):
    """Write into ``x`` a multinomial draw of ``n`` samples with probabilities counts/total.

    One binomial per unit, of the samples left over the weight left: exact, whatever the
    order of the units.
    """
    left_n = n
    left_total = total
    for k in range(counts.size):
        c = counts[k]
        if left_n == 0:
            x[k] = 0
        elif c >= left_total:
            x[k] = left_n
            left_n = 0
        else:
            draw = _binomial(left_n, c / left_total, state)
            x[k] = draw
            left_n -= draw
        left_total -= c


@jit
def poisson_tables(means, max_entries):
    """Return the tables of the Poisson distributions of ``means`` (``float64``, positive).

    ``(lo, offset, below, top, scale, prob, alias, ok)``: mean ``d``'s table covers the
    values ``lo[d]`` to ``lo[d] + length - 1`` (length ``offset[d + 1] - offset[d]``, some 8
    standard deviations each side); ``below[d]`` is the probability of less than ``lo[d]``,
    ``top[d]`` of at most the last value, ``scale[d]`` is ``length / (top[d] - below[d])``;
    ``prob``, ``alias`` (at ``offset[d]``, entries relative to ``lo[d]``) the alias table of
    the values in between. ``ok`` is False (and
    the tables empty) when they would hold more than ``max_entries`` numbers in all.
    """
    k = means.size
    lo = np.empty(k, dtype=np.int64)
    offset = np.zeros(k + 1, dtype=np.int64)
    for d in range(k):
        c = means[d]
        spread = int(8.0 * math.sqrt(c)) + 8
        lo[d] = max(0, int(c) - spread)
        offset[d + 1] = offset[d] + (int(c) + spread + 1 - lo[d])
    below = np.zeros(k, dtype=np.float64)
    top = np.ones(k, dtype=np.float64)
    scale = np.ones(k, dtype=np.float64)
    if offset[k] > max_entries:
        none = np.empty(0, dtype=np.float64)
        return lo, offset, below, top, scale, none, np.empty(0, dtype=np.int64), False
    prob = np.empty(offset[k], dtype=np.float64)
    alias = np.empty(offset[k], dtype=np.int64)
    width = 0
    for d in range(k):
        width = max(width, offset[d + 1] - offset[d])
    pmf = np.empty(width, dtype=np.float64)
    small = np.empty(width, dtype=np.int64)
    large = np.empty(width, dtype=np.int64)
    for d in range(k):
        c = means[d]
        start = lo[d]
        length = offset[d + 1] - offset[d]
        p = math.exp(start * math.log(c) - c - math.lgamma(start + 1.0))
        tail = 0.0  # P(Y < start), summed downwards until its terms vanish
        q = p
        for x in range(start, 0, -1):
            q = q * x / c
            tail += q
            if q < 1e-300 or q < tail * 1e-17:
                break
        inside = 0.0
        for i in range(length):
            if i > 0:
                p = p * c / (start + i)
            pmf[i] = p
            inside += p
        upper = 0.0  # P(Y > the last value), summed upwards until its terms vanish
        x = start + length - 1
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
        top[d] = (tail + inside) / whole
        scale[d] = length / (top[d] - below[d])
        first = offset[d]
        _fill_alias(pmf[:length], inside, prob[first : first + length],
                    alias[first : first + length], small, large)  # fmt: skip
    return lo, offset, below, top, scale, prob, alias, True


@jit_inline
def _poisson_from_table(d, means, lo, offset, below, top, scale, prob, alias, state):
    """Draw from the Poisson distribution of ``means[d]``, by its table; far tails walked.

    One uniform: below ``below[d]`` it inverts the left tail, from ``top[d]`` on the right
    one, and in between, rescaled, it draws from the alias table.
    """
    u = _uniform(state)
    c = means[d]
    start = lo[d]
    if u < below[d]:  # left tail: walk down from start - 1
        x = start - 1
        p = math.exp(x * math.log(c) - c - math.lgamma(x + 1.0))
        level = below[d]
        while x > 0:
            level -= p
            if u >= level:
                return x
            p = p * x / c
            x -= 1
        return 0
    first = offset[d]
    length = offset[d + 1] - first
    if u >= top[d]:  # right tail: walk up from the table's end
        x = start + length - 1
        p = math.exp(x * math.log(c) - c - math.lgamma(x + 1.0))
        level = top[d]
        while True:
            x += 1
            p = p * c / x
            level += p
            if u < level or p == 0.0:
                return x
    t = (u - below[d]) * scale[d]
    j = min(int(t), length - 1)
    other = alias[first + j]  # both read: a select, not a branch that misses half the time
    return start + (other if t - j >= prob[first + j] else j)


@jit_inline
def _draw_poisson_multinomial(counts, n, plan, state, x):
    """Write into ``x`` a multinomial draw of ``n`` samples over ``counts`` (Poisson path).

    The units in increasing order of count, so that runs of them share a table, in the cache.
    ``plan``: (``prob``, ``alias``) of :func:`alias_table`; ``means_of[k]``, unit ``k``'s
    table; the tables' means (adding up to ``lam``, the Poisson draws' total mean, over the
    units); and (lo, offset, below, top, scale, prob, alias) of :func:`poisson_tables`.
    """
    prob, alias, means_of, means, lo, offset, below, top, scale, t_prob, t_alias = plan
    k = counts.size
    while True:
        s = 0
        for i in range(k):
            v = _poisson_from_table(means_of[i], means, lo, offset, below, top, scale, t_prob,
                                    t_alias, state)  # fmt: skip
            x[i] = v
            s += v
        if s <= n:
            break
    for _ in range(n - s):  # one more sample: a unit with probability counts / n
        u = _uniform(state) * k
        j = int(u)
        if j >= k:  # u rounded up to k
            j = k - 1
        if u - j >= prob[j]:
            j = alias[j]
        x[j] += 1


@jit_inline
def _draw(counts, n, plan, seed, state, x):
    """Write into ``x`` the bootstrap draw of ``seed``: by binomials, or the Poisson path.

    ``plan``: empty arrays for binomials, else as :func:`_draw_poisson_multinomial` takes it.
    """
    _seed_state(seed, state)
    if len(plan[0]) == 0:
        _draw_multinomial(counts, n, n, x, state)
    else:
        _draw_poisson_multinomial(counts, n, plan, state, x)


@jit_inline
def _reduce_view(x, unit_cell, cell_rows, cell_cols, n_rows, n_cols, cell_x, row_x, col_x,
                 log_table, out_f, out_i):  # fmt: skip
    """Write the statistics of the table that unit counts ``x`` make in one view.

    ``cell_x``, ``row_x``, ``col_x``: zeroed scratch of the view's cells, rows and columns,
    left zeroed.
    """
    for k in range(x.size):
        cell_x[unit_cell[k]] += x[k]
    s_cells = 0.0
    s_rows = 0.0
    s_cols = 0.0
    k_rows = 0
    k_cols = 0
    cells = 0
    sq_cells = 0
    sq_rows = 0
    sq_cols = 0
    for c in range(cell_x.size):
        v = cell_x[c]
        if v == 0:
            continue
        cell_x[c] = 0
        r = cell_rows[c]
        j = cell_cols[c]
        if r == n_rows or j == n_cols:  # v singletons: v cells of 1 sample, x log x = 0
            cells += v
            sq_cells += v
        else:
            cells += 1
            sq_cells += v * v
            s_cells += _xlogx(v, log_table)
        if r == n_rows:
            k_rows += v
            sq_rows += v
        else:
            row_x[r] += v
        if j == n_cols:
            k_cols += v
            sq_cols += v
        else:
            col_x[j] += v
    for r in range(row_x.size):
        v = row_x[r]
        if v > 0:
            row_x[r] = 0
            k_rows += 1
            sq_rows += v * v
            s_rows += _xlogx(v, log_table)
    for j in range(col_x.size):
        v = col_x[j]
        if v > 0:
            col_x[j] = 0
            k_cols += 1
            sq_cols += v * v
            s_cols += _xlogx(v, log_table)
    out_f[S_CELLS] = s_cells
    out_f[S_ROWS] = s_rows
    out_f[S_COLS] = s_cols
    out_i[K_ROWS] = k_rows
    out_i[K_COLS] = k_cols
    out_i[CELLS] = cells
    out_i[SQ_CELLS] = sq_cells
    out_i[SQ_ROWS] = sq_rows
    out_i[SQ_COLS] = sq_cols


@jit
def bootstrap_stats(counts, n, plan, unit_cell, cell_rows, cell_cols, shape, seeds,
                    log_table, out_f, out_i):  # fmt: skip
    """Draw one bootstrap replicate per seed and write each view's statistics.

    ``counts``: the ``int64`` counts of the units, adding up to ``n``; ``plan``: see
    :func:`_draw`. ``unit_cell``: shape
    (views, units); ``cell_rows``, ``cell_cols``: (views, cells), padded with a cell of
    ``shape[v]`` on each side; ``shape``: (views, 2), the rows and columns of each view.
    ``seeds``: ``uint32``, one per replicate. ``out_f``: (replicates, views,
    :data:`FLOAT_STATS`) ``float64``; ``out_i``: (replicates, views, :data:`INT_STATS`)
    ``int64``.
    """
    views = unit_cell.shape[0]
    x = np.empty(counts.size, dtype=np.int64)
    state = np.empty(4, dtype=np.uint64)
    cell_x = np.zeros(cell_rows.shape[1], dtype=np.int64)
    row_x = np.zeros(shape[:, 0].max(), dtype=np.int64)
    col_x = np.zeros(shape[:, 1].max(), dtype=np.int64)
    for b in range(seeds.size):
        _draw(counts, n, plan, seeds[b], state, x)
        for v in range(views):
            nr = shape[v, 0]
            nc = shape[v, 1]
            _reduce_view(x, unit_cell[v], cell_rows[v], cell_cols[v], nr, nc, cell_x,
                         row_x[:nr], col_x[:nc], log_table, out_f[b, v], out_i[b, v])  # fmt: skip


@jit
def counts_stats(x, unit_cell, cell_rows, cell_cols, shape, log_table, out_f, out_i):
    """Write each view's statistics of the unit counts ``x`` (no draw), as :func:`bootstrap_stats`.

    ``out_f``: (views, :data:`FLOAT_STATS`); ``out_i``: (views, :data:`INT_STATS`).
    """
    cell_x = np.zeros(cell_rows.shape[1], dtype=np.int64)
    row_x = np.zeros(shape[:, 0].max(), dtype=np.int64)
    col_x = np.zeros(shape[:, 1].max(), dtype=np.int64)
    for v in range(unit_cell.shape[0]):
        nr = shape[v, 0]
        nc = shape[v, 1]
        _reduce_view(x, unit_cell[v], cell_rows[v], cell_cols[v], nr, nc, cell_x, row_x[:nr],
                     col_x[:nc], log_table, out_f[v], out_i[v])  # fmt: skip


@jit
def bootstrap_counts(counts, n, plan, seeds, out):
    """Write one multinomial draw of the unit ``counts`` per seed into the rows of ``out``.

    For the scores computed from a whole table; ``out``: (replicates, units) ``int64``.
    The same draws as :func:`bootstrap_stats` makes with the same arguments.
    """
    state = np.empty(4, dtype=np.uint64)
    for b in range(seeds.size):
        _draw(counts, n, plan, seeds[b], state, out[b])


@jit
def jackknife_stats(x, unit_cell, cell_rows, cell_cols, n_rows, n_cols, log_table, out_f, out_i):
    """Write the statistics of the table with one sample of unit ``k`` left out, for each ``k``.

    One view of the unit counts ``x`` (as in :func:`bootstrap_stats`): O(units + cells) in
    all, each left-out table updated from the whole one. ``out_f``: (units,
    :data:`FLOAT_STATS`); ``out_i``: (units, :data:`INT_STATS`).
    """
    cell_x = np.zeros(cell_rows.size, dtype=np.int64)
    row_x = np.zeros(n_rows, dtype=np.int64)
    col_x = np.zeros(n_cols, dtype=np.int64)
    whole_f = np.empty(FLOAT_STATS, dtype=np.float64)
    whole_i = np.empty(INT_STATS, dtype=np.int64)
    _reduce_view(x, unit_cell, cell_rows, cell_cols, n_rows, n_cols, cell_x, row_x, col_x,
                 log_table, whole_f, whole_i)  # fmt: skip
    for k in range(x.size):  # the sums again, kept this time
        c = unit_cell[k]
        cell_x[c] += x[k]
        if cell_rows[c] < n_rows:
            row_x[cell_rows[c]] += x[k]
        if cell_cols[c] < n_cols:
            col_x[cell_cols[c]] += x[k]
    for k in range(x.size):
        c = unit_cell[k]
        v = cell_x[c]
        r = cell_rows[c]
        j = cell_cols[c]
        f = out_f[k]
        i = out_i[k]
        f[:] = whole_f
        i[:] = whole_i
        if x[k] == 0:
            continue
        _one_fewer(v, r == n_rows or j == n_cols, log_table, f, i, S_CELLS, CELLS, SQ_CELLS)
        a = 0 if r == n_rows else row_x[r]
        _one_fewer(a, r == n_rows, log_table, f, i, S_ROWS, K_ROWS, SQ_ROWS)
        a = 0 if j == n_cols else col_x[j]
        _one_fewer(a, j == n_cols, log_table, f, i, S_COLS, K_COLS, SQ_COLS)


@jit_inline
def _one_fewer(a, single, log_table, f, i, s_at, k_at, sq_at):
    """Update the sums of a cell, row or column of ``a`` samples for one sample fewer.

    ``single``: the sample is a noise singleton there (a cluster of its own, x log x = 0);
    ``s_at``, ``k_at``, ``sq_at``: the columns of its x log x sum, count and squares.
    """
    if single:
        i[k_at] -= 1
        i[sq_at] -= 1
        return
    if a == 1:
        i[k_at] -= 1
    i[sq_at] -= 2 * a - 1
    f[s_at] += (_xlogx(a - 1, log_table) if a > 1 else 0.0) - _xlogx(a, log_table)


@jit_inline
def _hypergeometric(good, bad, sample, state):
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
            if _uniform(state) * left < left_g:
                x += 1
                left_g -= 1
            left -= 1
    else:
        lo_x = max(0, m - (total - g))
        hi_x = min(m, g)
        mode = ((m + 1) * (g + 1)) // (total + 2)
        mode = min(max(mode, lo_x), hi_x)
        log_p = (
            math.lgamma(g + 1)
            - math.lgamma(mode + 1)
            - math.lgamma(g - mode + 1)
            + math.lgamma(total - g + 1)
            - math.lgamma(m - mode + 1)
            - math.lgamma(total - g - m + mode + 1)
            - math.lgamma(total + 1)
            + math.lgamma(m + 1)
            + math.lgamma(total - m + 1)
        )
        p_mode = math.exp(log_p)
        x = mode
        while True:
            u = _uniform(state) - p_mode
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
                if up < 0.0 and down < 0.0:
                    break  # rounding left a sliver of probability: draw again
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
    if flip_good:
        x = m - x
    if flip_sample:
        x = good - x
    return x


@jit_inline
def _draw_fixed_margins(row_sums, col_sums, n, left_cols, table, state):
    """Write into ``table`` (rows x columns) a random table with these sums.

    Row by row, column by column, each cell a hypergeometric draw of the row's samples left
    among the columns' samples left: the distribution of the table after a uniformly random
    permutation of one labeling.
    """
    left_cols[:] = col_sums
    left_total = n
    for r in range(row_sums.size):
        need = row_sums[r]
        rest = left_total
        row = table[r]
        for j in range(col_sums.size):
            good = left_cols[j]
            rest -= good
            if need == 0 or good == 0:
                row[j] = 0
                continue
            x = need if rest == 0 else _hypergeometric(good, rest, need, state)
            row[j] = x
            need -= x
            left_cols[j] = good - x
        left_total -= row_sums[r]


@jit
def permutation_stats(row_sums, col_sums, n, seeds, log_table, out_f, out_i):
    """Draw one table with these sums per seed and write its cell statistics.

    Only the cells change under the permutation: ``out_f[b]`` is the sum of ``x log x`` over
    the cells, ``out_i[b]`` holds (non-zero cells, sum of squared cells).
    """
    left_cols = np.empty(col_sums.size, dtype=np.int64)
    table = np.empty((row_sums.size, col_sums.size), dtype=np.int64)
    state = np.empty(4, dtype=np.uint64)
    for b in range(seeds.size):
        _seed_state(seeds[b], state)
        _draw_fixed_margins(row_sums, col_sums, n, left_cols, table, state)
        s = 0.0
        cells = 0
        sq = 0
        for r in range(row_sums.size):
            for j in range(col_sums.size):
                v = table[r, j]
                if v > 0:
                    cells += 1
                    sq += v * v
                    s += _xlogx(v, log_table)
        out_f[b] = s
        out_i[b, 0] = cells
        out_i[b, 1] = sq


@jit
def permutation_table(row_sums, col_sums, n, seed, table):
    """Write into ``table`` the random table with these sums that ``seed`` draws."""
    state = np.empty(4, dtype=np.uint64)
    _seed_state(seed, state)
    left_cols = np.empty(col_sums.size, dtype=np.int64)
    _draw_fixed_margins(row_sums, col_sums, n, left_cols, table, state)
