"""Kernels for resampled tables: bootstrap (multinomial) and permutation (fixed margins).

Neither touches the samples. A bootstrap replicate draws the counts of a table's units (its
cells, and its noise singletons grouped by the label of the other side) from the multinomial
of ``n`` draws with the table's proportions; a permutation replicate draws a table with the
observed row and column sums, the distribution of the table of two labelings after a random
permutation of one of them. Each replicate is reduced to a few sums as it is drawn
(:data:`FLOAT_STATS` and :data:`INT_STATS`), so memory follows the table, not ``n``.

Replicate ``b`` draws from a generator of its own (:mod:`nmi._kernels.draws`), seeded with
``seeds[b]``: its table depends on its seed only, not on the thread that draws it, so results
are the same for any number of threads.

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
from .draws import (
    beyond_table,
    binomial,
    hypergeometric,
    pick,
    seed_state,
    step,
    to_uniform,
)

# columns of the statistics of one table
S_CELLS, S_ROWS, S_COLS = 0, 1, 2  # sums of x log x over cells, row sums, column sums
FLOAT_STATS = 3
K_ROWS, K_COLS, CELLS, SQ_CELLS, SQ_ROWS, SQ_COLS = 0, 1, 2, 3, 4, 5  # clusters, squares
INT_STATS = 6


@jit_inline
def _xlogx(x, xlx_table):
    """``x * log(x)`` of a count ``x >= 0``: from the table of its small values when there.

    The table holds the same products (``xlogx_table_for``), computed once, not per term.
    """
    if x < xlx_table.size:
        return xlx_table[np.uint64(x)]  # unsigned: no check for a negative index
    return x * math.log(x)


@jit
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
            draw = binomial(left_n, c / left_total, state)
            x[k] = draw
            left_n -= draw
        left_total -= c


@jit
def _draw_poisson_multinomial(counts, n, plan, state, x):
    """Write into ``x`` a multinomial draw of ``n`` samples over the units (Poisson path).

    Independent Poisson draws of the units, of means in proportion to their ``counts``, are
    a multinomial draw of their total ``s``; the ``n - s`` samples short are then added one
    by one, or the ``s - n`` samples over taken away one by one (each a uniformly random
    one of the samples drawn: the ``n`` left are a uniformly random ``n`` of ``s``
    independent samples). No draw is made again.

    The units in increasing order of count, so that each run of units of one count draws
    from one table, held in registers and the cache. ``plan``: the alias table of the runs'
    samples and its shift (``draws.alias_table``), which with a uniform unit of the run
    picks a unit in proportion to its count; ``runs``, the first unit of each table's run
    (and the units' number last); the tables' means (their total over the units the
    Poisson draws' total mean); and (lo, offset, shift, below, above, entries) of
    ``draws.poisson_tables``.
    """
    run_table, run_shift, runs, means, lo, offset, shift, below, above, entries = plan
    flat = entries.ravel()  # for pick
    run_flat = run_table.ravel()
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]  # in registers, not memory
    s = 0
    signs = 0  # negative if a draw fell beyond its table (-1): drawn again out of the loop
    for d in range(means.size):
        first = offset[d]
        bits = shift[d]
        for i in range(runs[d], runs[d + 1]):
            r, s0, s1, s2, s3 = step(s0, s1, s2, s3)
            v = pick(r, bits, flat, first)
            x[np.uint64(i)] = v  # unsigned: no wraparound of a negative index
            s += v
            signs |= v
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    if signs < 0:  # some once in 1e9 draws: the value beyond the table, as it falls
        for d in range(means.size):
            for i in range(runs[d], runs[d + 1]):
                if x[i] < 0:
                    v = beyond_table(d, means, lo, offset, below, above, state)
                    x[i] = v
                    s += v + 1
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    bits = run_shift[0]
    for _ in range(n - s):  # one more sample
        i, s0, s1, s2, s3 = _unit_by_count(bits, run_flat, runs, s0, s1, s2, s3)
        x[i] += 1
    ratio = 0.0  # the largest draw over count: a bound of x / count while samples go
    if s > n:
        for d in range(means.size):
            top = 0
            for i in range(runs[d], runs[d + 1]):
                top = max(top, x[i])
            ratio = max(ratio, top / counts[runs[d]])
    while s > n:  # one sample fewer: a unit by counts, kept with probability x / (ratio count)
        i, s0, s1, s2, s3 = _unit_by_count(bits, run_flat, runs, s0, s1, s2, s3)
        r, s0, s1, s2, s3 = step(s0, s1, s2, s3)
        if to_uniform(r) * ratio * counts[i] < x[i]:
            x[i] -= 1
            s -= 1
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@jit_inline
def _unit_by_count(bits, run_flat, runs, s0, s1, s2, s3):
    """Return a unit drawn with probability its count over ``n``, and the generator's state.

    A run by its samples (its alias table ``run_flat``, of shift ``bits``), then a uniform
    unit of the run: its units have one count.
    """
    r, s0, s1, s2, s3 = step(s0, s1, s2, s3)
    d = pick(r, bits, run_flat, 0)
    r, s0, s1, s2, s3 = step(s0, s1, s2, s3)
    first = runs[d]
    return min(first + int(to_uniform(r) * (runs[d + 1] - first)), runs[d + 1] - 1), s0, s1, s2, s3


@jit
def _draw(counts, n, plan, seed, state, x):
    """Write into ``x`` the bootstrap draw of ``seed``: by binomials, or the Poisson path.

    ``plan``: empty arrays for binomials, else as :func:`_draw_poisson_multinomial` takes it.
    """
    seed_state(seed, state)
    if len(plan[0]) == 0:
        _draw_multinomial(counts, n, n, x, state)
    else:
        _draw_poisson_multinomial(counts, n, plan, state, x)


@jit_inline
def _reduce_view(x, unit_cell, cell_rows, cell_cols, cell_rc, shape, cell_x, row_x, col_x,
                 xlx_table, out_f, out_i):  # fmt: skip
    """Write the statistics of the table that unit counts ``x`` make in one view.

    ``shape``: the view's rows, columns, 1 where its cells are its units in order (no
    cell gathers two units: ``x`` is read as the cells), and 1 where it has no noise
    singletons (its cells' rows and columns are read packed from ``cell_rc``, row << 32
    | column). ``cell_x``, ``row_x``, ``col_x``: zeroed scratch of the view's cells, rows
    and columns (one more each, for the padding cells), left zeroed.
    """
    if shape[2] == 1:
        if shape[3] == 1:
            _reduce_plain(x, cell_rc, False, row_x, col_x, xlx_table, out_f, out_i)
        else:
            _reduce_cells(x, cell_rows, cell_cols, shape[0], shape[1], False, row_x, col_x,
                          xlx_table, out_f, out_i)  # fmt: skip
        return
    for k in range(x.size):
        cell_x[unit_cell[k]] += x[k]
    if shape[3] == 1:
        _reduce_plain(cell_x, cell_rc, True, row_x, col_x, xlx_table, out_f, out_i)
    else:
        _reduce_cells(cell_x, cell_rows, cell_cols, shape[0], shape[1], True, row_x, col_x,
                      xlx_table, out_f, out_i)  # fmt: skip


@jit_inline
def _reduce_plain(cell_x, cell_rc, clear, row_x, col_x, xlx_table, out_f, out_i):
    """:func:`_reduce_cells` of a table without noise singletons, its cells' places packed.

    No branch on singletons, one load for a cell's row and column, and no call in the
    loop: a count past the ``x log x`` table reads its last entry there, and the sum of the
    rare table with such counts is put right after the loop. A padding cell (count 0) adds
    0 to the extra row and column.
    """
    s_cells = 0.0
    cells = 0
    sq_cells = 0
    last = xlx_table.size - 1
    top = 0
    for c in range(cell_x.size):
        v = cell_x[c]
        at = cell_rc[c]
        cells += int(v > 0)
        sq_cells += v * v
        top = max(top, v)
        s_cells += xlx_table[np.uint64(min(v, last))]  # unsigned: no check for a negative index
        row_x[np.uint64(at >> 32)] += v
        col_x[np.uint64(at & 0xFFFFFFFF)] += v
    if top > last:  # counts past the table: their own x log x instead of its last entry
        for c in range(cell_x.size):
            v = cell_x[c]
            if v > last:
                s_cells += v * math.log(v) - xlx_table[last]
    if clear:
        cell_x[:] = 0
    _reduce_margins(row_x, col_x, xlx_table, s_cells, cells, sq_cells, 0, 0, 0, 0, out_f,
                    out_i)  # fmt: skip


@jit_inline
def _reduce_cells(cell_x, cell_rows, cell_cols, n_rows, n_cols, clear, row_x, col_x,
                  xlx_table, out_f, out_i):  # fmt: skip
    """Write the statistics of the table of cell counts ``cell_x``; zero them if ``clear``."""
    s_cells = 0.0
    k_rows = 0
    k_cols = 0
    cells = 0
    sq_cells = 0
    sq_rows = 0
    sq_cols = 0
    for c in range(cell_x.size):
        v = cell_x[c]  # no branch on v == 0, which would miss where many cells are empty
        if clear:
            cell_x[c] = 0
        r = cell_rows[c]
        j = cell_cols[c]
        if r == n_rows or j == n_cols:  # v singletons: v cells of 1 sample, x log x = 0
            cells += v
            sq_cells += v
        else:
            cells += int(v > 0)
            sq_cells += v * v
            s_cells += _xlogx(v, xlx_table)  # 0 for v = 0: xlx_table[0] is 0
        if r == n_rows:
            k_rows += v
            sq_rows += v
        else:
            row_x[np.uint64(r)] += v  # unsigned, as above
        if j == n_cols:
            k_cols += v
            sq_cols += v
        else:
            col_x[np.uint64(j)] += v
    _reduce_margins(row_x, col_x, xlx_table, s_cells, cells, sq_cells, k_rows, sq_rows,
                    k_cols, sq_cols, out_f, out_i)  # fmt: skip


@jit_inline
def _reduce_margins(row_x, col_x, xlx_table, s_cells, cells, sq_cells, k_rows, sq_rows, k_cols,
                    sq_cols, out_f, out_i):  # fmt: skip
    """Add the rows' and columns' sums to those of the cells, write them all; zero the margins.

    ``k_rows``, ``sq_rows`` (and the columns'): the singletons' share, counted already.
    """
    s_rows = 0.0
    s_cols = 0.0
    for r in range(row_x.size):
        v = row_x[r]
        if v > 0:
            row_x[r] = 0
            k_rows += 1
            sq_rows += v * v
            s_rows += _xlogx(v, xlx_table)
    for j in range(col_x.size):
        v = col_x[j]
        if v > 0:
            col_x[j] = 0
            k_cols += 1
            sq_cols += v * v
            s_cols += _xlogx(v, xlx_table)
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
def bootstrap_stats(counts, n, plan, unit_cell, cell_rows, cell_cols, cell_rc, shape, seeds,
                    xlx_table, out_f, out_i):  # fmt: skip
    """Draw one bootstrap replicate per seed and write each view's statistics.

    ``counts``: the ``int64`` counts of the units, adding up to ``n``; ``plan``: see
    :func:`_draw`. ``unit_cell``: shape (views, units); ``cell_rows``, ``cell_cols``,
    ``cell_rc`` (both packed, see :func:`_reduce_view`): (views, cells), padded with a cell
    of ``shape[v, :2]`` on each side; ``shape``: (views, 4), the rows and columns of each
    view, whether its cells are its units, whether it has no singletons. ``seeds``:
    ``uint32``, one per replicate. ``out_f``: (replicates, views, :data:`FLOAT_STATS`)
    ``float64``; ``out_i``: (replicates, views, :data:`INT_STATS`) ``int64``.
    """
    views = unit_cell.shape[0]
    x = np.empty(counts.size, dtype=np.int64)
    state = np.empty(4, dtype=np.uint64)
    cell_x, row_x, col_x = _scratch(cell_rows, shape)
    for b in range(seeds.size):
        _draw(counts, n, plan, seeds[b], state, x)
        for v in range(views):
            _reduce_view(x, unit_cell[v], cell_rows[v], cell_cols[v], cell_rc[v], shape[v],
                         cell_x, row_x[: shape[v, 0] + 1], col_x[: shape[v, 1] + 1],
                         xlx_table, out_f[b, v], out_i[b, v])  # fmt: skip


@jit_inline
def _scratch(cell_rows, shape):
    """Return zeroed scratch of the views' cells, rows and columns (one more each)."""
    cell_x = np.zeros(cell_rows.shape[1], dtype=np.int64)
    row_x = np.zeros(shape[:, 0].max() + 1, dtype=np.int64)
    col_x = np.zeros(shape[:, 1].max() + 1, dtype=np.int64)
    return cell_x, row_x, col_x


@jit
def counts_stats(x, unit_cell, cell_rows, cell_cols, cell_rc, shape, xlx_table, out_f, out_i):
    """Write each view's statistics of the unit counts ``x`` (no draw), as :func:`bootstrap_stats`.

    ``out_f``: (views, :data:`FLOAT_STATS`); ``out_i``: (views, :data:`INT_STATS`).
    """
    cell_x, row_x, col_x = _scratch(cell_rows, shape)
    for v in range(unit_cell.shape[0]):
        _reduce_view(x, unit_cell[v], cell_rows[v], cell_cols[v], cell_rc[v], shape[v],
                     cell_x, row_x[: shape[v, 0] + 1], col_x[: shape[v, 1] + 1], xlx_table,
                     out_f[v], out_i[v])  # fmt: skip


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
def jackknife_stats(x, unit_cell, cell_rows, cell_cols, n_rows, n_cols, xlx_table, out_f, out_i):
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
    for k in range(x.size):  # the whole table's sums, the scratch zeroed again
        cell_x[unit_cell[k]] += x[k]
    _reduce_cells(cell_x, cell_rows, cell_cols, n_rows, n_cols, True, row_x, col_x, xlx_table,
                  whole_f, whole_i)  # fmt: skip
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
        _one_fewer(v, r == n_rows or j == n_cols, xlx_table, f, i, S_CELLS, CELLS, SQ_CELLS)
        a = 0 if r == n_rows else row_x[r]
        _one_fewer(a, r == n_rows, xlx_table, f, i, S_ROWS, K_ROWS, SQ_ROWS)
        a = 0 if j == n_cols else col_x[j]
        _one_fewer(a, j == n_cols, xlx_table, f, i, S_COLS, K_COLS, SQ_COLS)


@jit_inline
def _one_fewer(a, single, xlx_table, f, i, s_at, k_at, sq_at):
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
    f[s_at] += (_xlogx(a - 1, xlx_table) if a > 1 else 0.0) - _xlogx(a, xlx_table)


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
            x = need if rest == 0 else hypergeometric(good, rest, need, state)
            row[j] = x
            need -= x
            left_cols[j] = good - x
        left_total -= row_sums[r]


@jit
def permutation_stats(row_sums, col_sums, n, seeds, xlx_table, out_f, out_i):
    """Draw one table with these sums per seed and write its cell statistics.

    Only the cells change under the permutation: ``out_f[b]`` is the sum of ``x log x`` over
    the cells, ``out_i[b]`` holds (non-zero cells, sum of squared cells).
    """
    left_cols = np.empty(col_sums.size, dtype=np.int64)
    table = np.empty((row_sums.size, col_sums.size), dtype=np.int64)
    state = np.empty(4, dtype=np.uint64)
    for b in range(seeds.size):
        seed_state(seeds[b], state)
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
                    s += _xlogx(v, xlx_table)
        out_f[b] = s
        out_i[b, 0] = cells
        out_i[b, 1] = sq


@jit
def permutation_table(row_sums, col_sums, n, seed, table):
    """Write into ``table`` the random table with these sums that ``seed`` draws."""
    state = np.empty(4, dtype=np.uint64)
    seed_state(seed, state)
    left_cols = np.empty(col_sums.size, dtype=np.int64)
    _draw_fixed_margins(row_sums, col_sums, n, left_cols, table, state)
