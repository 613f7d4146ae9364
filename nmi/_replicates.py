"""Replicates of a table: drawing them, and scoring them from their sums or as tables.

The units of a table (its cells, and its noise singletons grouped by the label of the other
side) and the views that map them to the cells of one or more tables; how the kernels of
:mod:`nmi._kernels.resample` draw a table's bootstrap replicates (binomials, or the Poisson
path); each replicate's score, from the few sums the kernels leave (the information family
and the adjusted Rand index) or from a table built for it (AMI, the reduced MI, callables);
and the scores with one sample of each unit left out, for the BCa interval.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import _reduced as reduced
from . import _scores as scores
from ._kernels import draws as kdraws
from ._kernels import info as kinfo
from ._kernels import resample as kres
from ._parallel import n_threads, run_all
from ._validation import check_average_method

if TYPE_CHECKING:  # annotations only: the table module calls this one
    from .contingency import Contingency

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# scores that follow from the sums of a replicate; the others are scored on a table
FAST = ("nmi", "mi", "homogeneity", "completeness", "v_measure", "vi", "ari")
SCORES = (*FAST, "ami", "rmi", "nrmi")
_XLOGX_TABLE_MAX = 1 << 16  # counts whose x log x is read from a table
_POISSON_TABLE_MAX = 1 << 19  # entries of the Poisson path's tables (8 MiB, in the cache)
_BLOCK_CELLS = 1 << 22  # unit counts drawn at once for the scores scored on a table
_ARI_SUMS_MAX = 3_000_000_000  # samples whose squared sums fit the kernels' int64
_PARALLEL_WORK = 1 << 16  # replicates x units worth a thread of their own
_PACKED_MAX = 1 << 31  # rows and columns below this: a cell's place packed in one int64


@dataclass(frozen=True)
class Score:
    """A score, as asked: a name of :data:`SCORES` (with its average_method) or a callable."""

    name: str
    average_method: str = "arithmetic"
    func: Callable[[Contingency], float] | None = None

    @property
    def key(self) -> str:
        """The score's name, or "" for a callable (whose range is not known)."""
        return "" if self.func is not None else self.name

    @property
    def fast(self) -> bool:
        """Whether the score follows from a replicate's sums."""
        return self.func is None and self.name in FAST

    def of_table(self, table: Contingency) -> float:
        """Return the score of a table, through the table's own methods."""
        if self.func is not None:
            return float(self.func(table))
        name = self.name
        if name == "nmi":
            return table.normalized_mutual_info(self.average_method)
        if name == "ami":
            return table.adjusted_mutual_info(self.average_method)
        if name == "ari":
            return table.adjusted_rand()
        if name == "rmi":
            return reduced.reduced_mutual_info(table, "dirichlet")
        if name == "nrmi":
            return reduced.normalized_reduced_mutual_info(table, "target", "dirichlet")
        mi, h_preds, h_target = table.information()
        return by_information(name, mi, h_preds, h_target, table.n_samples)


def check_score(score: object, average_method: object) -> Score:
    """Return the :class:`Score` asked for; ValueError or TypeError naming the argument."""
    method = check_average_method(average_method)
    if callable(score):
        return Score(getattr(score, "__name__", "callable"), method, score)
    if not isinstance(score, str) or score not in SCORES:
        raise ValueError(
            f"score must be one of {', '.join(map(repr, SCORES))} or a callable taking a "
            f"Contingency, got {score!r}"
        )
    return Score(score, method)


# -- scores from sums --------------------------------------------------------------------


def by_information(name: str, mi: float, h_preds: float, h_target: float, n: float) -> float:
    """Return a score of the information family from MI and the entropies."""
    if name == "mi":
        return mi
    if name == "vi":
        return max(0.0, h_preds + h_target - 2.0 * mi)
    homogeneity, completeness, v_measure = scores.hcv_of(mi, h_preds, h_target, n)
    return {"homogeneity": homogeneity, "completeness": completeness}.get(name, v_measure)


def from_sums(
    score: Score, n: int, f: FloatArray | list[float], i: IntArray | list[int], emi: float = 0.0
) -> float:
    """Return the score of a table given its sums (see :mod:`nmi._kernels.resample`).

    ``emi``: the expected MI, for AMI under permutation (fixed marginals).
    """
    ka, kb, cells = int(i[kres.K_ROWS]), int(i[kres.K_COLS]), int(i[kres.CELLS])
    if score.name == "ari":
        return scores.ari_of(n, int(i[kres.SQ_CELLS]), int(i[kres.SQ_ROWS]), int(i[kres.SQ_COLS]))
    log_n = math.log(n)
    s_rows, s_cols = float(f[kres.S_ROWS]), float(f[kres.S_COLS])
    h_rows = max(0.0, log_n - s_rows / n)
    h_cols = max(0.0, log_n - s_cols / n)
    raw_mi = log_n + (float(f[kres.S_CELLS]) - s_rows - s_cols) / n
    perfect = cells == ka == kb
    mi, h_rows, h_cols = scores.settle(raw_mi, h_rows, h_cols, False, ka, kb, perfect)
    if score.name == "nmi":
        return scores.nmi_of(mi, h_rows, h_cols, ka, kb, perfect, score.average_method)
    if score.name == "ami":
        trivial = scores.ami_edge(ka, kb, perfect)
        if trivial is not None:
            return trivial
        return scores.ami_of(mi, h_rows, h_cols, emi, n, ka, kb, score.average_method)
    return by_information(score.name, mi, h_rows, h_cols, n)


def scores_of_sums(score: Score, n: int, f: FloatArray, i: IntArray) -> FloatArray:
    """Return :func:`from_sums` of each row of sums ``f`` (m, 3) and ``i`` (m, 6), as one array.

    The same numbers, bit for bit: the tables with two clusters or more a side, not the
    same partition, and both entropies positive are scored by the same operations in
    NumPy, in the same order; the others, and the adjusted Rand index (exact Python
    integers), one at a time by :func:`from_sums`.
    """
    out = np.empty(f.shape[0], np.float64)
    name = score.name
    regular = np.zeros(f.shape[0], bool)
    if name != "ari" and n > 0:
        ka, kb, cells = i[:, kres.K_ROWS], i[:, kres.K_COLS], i[:, kres.CELLS]
        log_n = math.log(n)
        s_rows, s_cols = f[:, kres.S_ROWS], f[:, kres.S_COLS]
        h_rows = np.maximum(0.0, log_n - s_rows / n)
        h_cols = np.maximum(0.0, log_n - s_cols / n)
        perfect = (cells == ka) & (ka == kb)
        regular = (ka > 1) & (kb > 1) & ~perfect & (h_rows > 0.0) & (h_cols > 0.0)
        raw_mi = log_n + (f[:, kres.S_CELLS] - s_rows - s_cols) / n
        mi, h_rows, h_cols = np.maximum(0.0, raw_mi[regular]), h_rows[regular], h_cols[regular]
        out[regular] = _information_scores(score, mi, h_rows, h_cols)
    for k in np.flatnonzero(~regular).tolist():
        out[k] = from_sums(score, n, f[k], i[k])
    return out


def _information_scores(
    score: Score, mi: FloatArray, h_rows: FloatArray, h_cols: FloatArray
) -> FloatArray:
    """Return a score of the information family, both entropies positive (NumPy)."""
    name = score.name
    if name == "mi":
        return mi
    if name == "vi":
        return np.maximum(0.0, h_rows + h_cols - 2.0 * mi)
    if name == "nmi":
        method = score.average_method
        if method == "min":
            norm = np.minimum(h_rows, h_cols)
        elif method == "geometric":
            norm = np.sqrt(h_rows * h_cols)
        elif method == "arithmetic":
            norm = (h_rows + h_cols) / 2.0
        else:
            norm = np.maximum(h_rows, h_cols)
        safe = np.where(norm > 0.0, norm, 1.0)
        return np.where(norm > 0.0, np.minimum(np.maximum(0.0, mi / safe), 1.0), 0.0)
    homogeneity = mi / h_cols  # target as the classes: h_cols is H(target)
    completeness = mi / h_rows
    if name == "homogeneity":
        return homogeneity
    if name == "completeness":
        return completeness
    total = homogeneity + completeness
    safe = np.where(total != 0.0, total, 1.0)
    return np.where(total != 0.0, 2.0 * homogeneity * completeness / safe, 0.0)


# -- units and views ---------------------------------------------------------------------


@dataclass
class View:
    """One table over the units: the cell of each unit, each cell's row and column.

    A row equal to ``n_rows`` holds noise singletons of ``preds``, a column equal to
    ``n_cols`` those of ``target`` (one cluster per sample).
    """

    unit_cell: IntArray
    cell_rows: IntArray
    cell_cols: IntArray
    n_rows: int
    n_cols: int
    table: Contingency  # the table itself, for its exact score and its type

    def build(self, x: IntArray) -> Contingency:
        """Return the table the unit counts ``x`` make, singletons as clusters of their own."""
        cells = np.bincount(self.unit_cell, weights=x, minlength=self.cell_rows.size)
        cells = cells.astype(np.int64)
        rows, cols = self.cell_rows.copy(), self.cell_cols.copy()
        single_rows = rows == self.n_rows
        single_cols = cols == self.n_cols
        extra = single_rows | single_cols
        keep = ~extra & (cells > 0)
        parts_r, parts_c = [rows[keep]], [cols[keep]]
        next_row, next_col = self.n_rows, self.n_cols
        if extra.any():  # each singleton sample: a row or column of its own, count 1
            reps = cells[extra]
            r = np.repeat(rows[extra], reps)
            c = np.repeat(cols[extra], reps)
            new_r = r == self.n_rows
            new_c = c == self.n_cols
            r[new_r] = next_row + np.arange(int(new_r.sum()))
            c[new_c] = next_col + np.arange(int(new_c.sum()))
            next_row += int(new_r.sum())
            next_col += int(new_c.sum())
            parts_r.append(r)
            parts_c.append(c)
        ones = np.ones(sum(p.size for p in parts_r[1:]), np.int64)
        counts = np.concatenate([cells[keep], ones])
        return type(self.table)(
            np.concatenate(parts_r),
            np.concatenate(parts_c),
            counts,
            np.arange(next_row),
            np.arange(next_col),
        )


def units_of(table: Contingency) -> tuple[IntArray, View]:
    """Return the unit counts of a table of counts, and its view: each unit a cell."""
    ka, kb = table.shape
    rows, cols, counts = [table.rows], [table.cols], [table.counts]
    if table.noise is not None:
        noise = table.noise
        j = np.flatnonzero(noise.cols)  # preds singletons, per target label
        i = np.flatnonzero(noise.rows)  # target singletons, per preds label
        both = int(noise.totals.both)
        rows += [np.full(j.size, ka), i, np.full(int(both > 0), ka)]
        cols += [j, np.full(i.size, kb), np.full(int(both > 0), kb)]
        counts += [noise.cols[j], noise.rows[i], np.full(int(both > 0), both)]
    x = np.concatenate(counts).astype(np.int64)
    r = np.concatenate(rows).astype(np.int64)
    c = np.concatenate(cols).astype(np.int64)
    return x, View(np.arange(x.size), r, c, ka, kb, table)


def xlogx_table_for(counts: IntArray) -> FloatArray:
    """Return the ``x log x`` of the counts up to a little over the largest cell (0 for 0).

    The kernels read the replicates' terms from it: the same products as computed each
    time, a multiplication and a conversion fewer per term.
    """
    top = int(counts.max()) if counts.size else 0
    size = min(_XLOGX_TABLE_MAX, 2 * top + 64)
    values = np.arange(size, dtype=np.int64)
    return values * kinfo.log_counts(values)  # type: ignore[no-any-return]


def by_count(x: IntArray, views: list[View]) -> tuple[IntArray, list[View]]:
    """Return the units in increasing order of count, and the views of them.

    A multinomial draw does not depend on the order of its units; in this one, runs of
    units of equal count read the same table and their counts are written in order.
    """
    order = np.argsort(x, kind="stable")
    return x[order], [dataclasses.replace(v, unit_cell=v.unit_cell[order]) for v in views]


# the kernels' cost of one draw, in ns (benchmarks/bench_bootstrap.py's machine)
_BINOMIAL_NS = 80.0  # a binomial of a unit, its parameters new each time
_POISSON_NS = 7.0  # a unit's Poisson draw from its table, the tables in the core's cache
_POISSON_MISS_NS = 30.0  # more when the tables are not: most draws then miss it
_CORE_CACHE = 1 << 20  # bytes of tables that stay in a core's cache
_ADD_NS = 8.0  # a sample added to a unit: a run of units by its alias table, a unit of it
_TRY_NS = 16.0  # a try at taking a sample away: three draws, a count read, a branch missed


def poisson_cost(units: int, n: int, table_bytes: int, least: int = 1) -> tuple[float, float]:
    """Return the Poisson path's cost per replicate (ns) and its deficit ``c``, at its best.

    The units' draws have a total mean of ``n - c sqrt(n)``: the samples short of ``n``
    are added one by one (``sqrt(n) (c Phi(c) + phi(c))`` of them on average), those over
    it taken away one by one (``sqrt(n) (phi(c) - c (1 - Phi(c)))``), each after some
    ``1 + 4 / sqrt(least)`` tries, ``least`` the least unit count (see
    ``_draw_poisson_multinomial``).
    """
    root = math.sqrt(n)
    each = _POISSON_NS + (_POISSON_MISS_NS if table_bytes > _CORE_CACHE else 0.0)
    tries = 1.0 + 4.0 / math.sqrt(max(least, 1))
    best = (math.inf, 0.0)
    for c in np.arange(0.0, 2.51, 0.125):
        below = 0.5 * math.erfc(-c / math.sqrt(2.0))  # Phi(c)
        density = math.exp(-0.5 * c * c) / math.sqrt(2.0 * math.pi)
        short = root * (c * below + density)
        over = root * (density - c * (1.0 - below))
        cost = units * each + short * _ADD_NS + over * tries * _TRY_NS
        best = min(best, (cost, float(c)))
    return best


def draw_plan(x: IntArray) -> tuple[npt.NDArray[Any], ...]:
    """Return how the kernels draw replicates of the unit counts ``x`` (see ``_draw``).

    ``x`` in increasing order (see :func:`by_count`). The Poisson path is taken where it
    costs less than a binomial per unit (:func:`poisson_cost`), a fifth less where its
    tables leave a core's cache, and its tables fit in :data:`_POISSON_TABLE_MAX` rows.
    """
    n = int(x.sum())
    if n == 0 or x[0] <= 0 or 2.0 * math.sqrt(n) >= 0.25 * n:
        return BINOMIALS
    counts, starts, rows = _runs(x)
    if rows > _POISSON_TABLE_MAX:
        return BINOMIALS
    # tables beyond the cache must pay for their memory: a fifth faster than binomials
    margin = 0.8 if rows * 24 > _CORE_CACHE else 1.0
    cost, c = poisson_cost(x.size, n, rows * 24, int(x[0]))
    if cost >= margin * x.size * _BINOMIAL_NS:
        return BINOMIALS
    return _poisson(n, counts, starts, c)


_NO_INTS = np.empty(0, np.int64)
_NO_FLOATS = np.empty(0)
_NO_ENTRIES = np.empty((0, 3), np.int64)
BINOMIALS = (_NO_ENTRIES, *(_NO_INTS,) * 2, _NO_FLOATS, *(_NO_INTS,) * 3, *(_NO_FLOATS,) * 2,
             _NO_ENTRIES)  # fmt: skip


def _runs(x: IntArray) -> tuple[IntArray, IntArray, int]:
    """Return the distinct counts of ``x``, their first units, and their tables' rows.

    ``x`` in increasing order; the first units end with the units' number.
    """
    counts, starts = np.unique(x, return_index=True)
    rows = int(kdraws.table_rows(counts.astype(np.float64)).sum())
    return counts, np.append(starts, x.size).astype(np.int64), rows


def poisson_plan(x: IntArray, deficit: float | None = None) -> tuple[npt.NDArray[Any], ...]:
    """Return the Poisson path's plan for the unit counts ``x``, whatever its cost.

    ``deficit``: its ``c`` (see :func:`poisson_cost`), the cheapest when None; below 0,
    the draws' total mostly passes ``n`` and samples are taken away. Binomials where its
    tables would not fit in :data:`_POISSON_TABLE_MAX` entries.
    """
    if (np.diff(x) < 0).any():
        raise ValueError("the Poisson path takes the units in increasing order of count")
    n = int(x.sum())
    counts, starts, rows = _runs(x)
    if deficit is None:
        deficit = poisson_cost(x.size, n, rows * 24, int(x[0]))[1]
    return _poisson(n, counts, starts, deficit)


def _poisson(n: int, counts: IntArray, starts: IntArray, c: float) -> tuple[npt.NDArray[Any], ...]:
    """Return the Poisson path's plan, its draws' total mean ``n - c sqrt(n)``.

    The units in runs of ``counts`` from ``starts`` (as :func:`_runs`); binomials' plan if
    the tables do not fit.
    """
    lam = max(0.25 * n, n - c * math.sqrt(n))
    means = counts * (lam / n)
    *tables, ok = kdraws.poisson_tables(means, _POISSON_TABLE_MAX)
    if not ok:
        return BINOMIALS
    run_table, run_shift = kdraws.alias_table(counts * np.diff(starts))
    return (run_table, np.array([run_shift], np.int64), starts, means, *tables)


def stacked(views: list[View]) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Return the views as the kernels take them: unit_cell, cell_rows, cell_cols, cell_rc, shape.

    A view whose units are its cells, one to one, has its cells put in the units' order
    and is read without gathering (``shape[v, 2] == 1``). A view without noise singletons
    (and fewer than 2 ** 31 rows and columns) has its cells' rows and columns packed in
    ``cell_rc``, row << 32 | column, and is read from there (``shape[v, 3] == 1``).
    """
    width = max(v.cell_rows.size for v in views)
    units = views[0].unit_cell.size
    unit_cell = np.stack([v.unit_cell for v in views]).astype(np.int64)
    cell_rows = np.empty((len(views), width), np.int64)
    cell_cols = np.empty((len(views), width), np.int64)
    shape = np.array([[v.n_rows, v.n_cols, 0, 0] for v in views], np.int64)
    for k, v in enumerate(views):  # padding cells: never counted
        cell_rows[k] = v.n_rows
        cell_cols[k] = v.n_cols
        rows, cols = v.cell_rows, v.cell_cols
        one_to_one = units > 0 and np.bincount(v.unit_cell, minlength=units).max() == 1
        if v.cell_rows.size == units and one_to_one:
            rows, cols = rows[v.unit_cell], cols[v.unit_cell]
            unit_cell[k] = np.arange(units)
            shape[k, 2] = 1
        cell_rows[k, : rows.size] = rows
        cell_cols[k, : cols.size] = cols
        small = max(v.n_rows, v.n_cols) < _PACKED_MAX
        shape[k, 3] = int(small and not ((rows == v.n_rows) | (cols == v.n_cols)).any())
    cell_rc = np.where(shape[:, 3:4] == 1, (cell_rows << 32) | cell_cols, 0)
    return unit_cell, cell_rows, cell_cols, cell_rc, shape


def replicate_scores(
    score: Score, x: IntArray, views: list[View], seeds: npt.NDArray[np.uint32]
) -> FloatArray:
    """Return the score of each view in each bootstrap replicate: (replicates, views)."""
    x, views = by_count(x, views)
    n = int(x.sum())
    b = seeds.size
    out = np.empty((b, len(views)), np.float64)
    plan = draw_plan(x)
    if score.fast and not (score.name == "ari" and n > _ARI_SUMS_MAX):
        terms = xlogx_table_for(x)
        parts = stacked(views)
        out_f = np.empty((b, len(views), kres.FLOAT_STATS), np.float64)
        out_i = np.empty((b, len(views), kres.INT_STATS), np.int64)
        jobs = [
            (x, n, plan, *parts, seeds[lo:hi], terms, out_f[lo:hi], out_i[lo:hi])
            for lo, hi in split(b, x.size * len(views))
        ]
        run_all(kres.bootstrap_stats, jobs)
        scored = scores_of_sums(score, n, out_f.reshape(-1, kres.FLOAT_STATS),
                                out_i.reshape(-1, kres.INT_STATS))  # fmt: skip
        return scored.reshape(b, len(views))
    block = max(1, _BLOCK_CELLS // max(x.size, 1))
    for lo in range(0, b, block):
        hi = min(b, lo + block)
        draws = np.empty((hi - lo, x.size), np.int64)
        kres.bootstrap_counts(x, n, plan, seeds[lo:hi], draws)
        for r in range(hi - lo):
            for v, view in enumerate(views):
                out[lo + r, v] = score.of_table(view.build(draws[r]))
    return out


def split(count: int, work_each: int) -> list[tuple[int, int]]:
    """Cut ``range(count)`` replicates into one range per thread, when the work pays."""
    parts = max(1, min(n_threads(), count * max(work_each, 1) // _PARALLEL_WORK, count))
    edges = [count * k // parts for k in range(parts + 1)]
    return list(itertools.pairwise(edges))


def jackknife(score: Score, x: IntArray, view: View) -> FloatArray:
    """Return the score with one sample of each unit left out (one value per unit)."""
    out = np.empty(x.size, np.float64)
    n = int(x.sum())
    if score.fast:
        out_f = np.empty((x.size, kres.FLOAT_STATS), np.float64)
        out_i = np.empty((x.size, kres.INT_STATS), np.int64)
        kres.jackknife_stats(
            x, view.unit_cell, view.cell_rows, view.cell_cols, view.n_rows, view.n_cols,
            xlogx_table_for(x), out_f, out_i,
        )  # fmt: skip
        return scores_of_sums(score, n - 1, out_f, out_i) if n > 1 else np.full(x.size, math.nan)
    one = x.copy()
    for k in range(x.size):
        one[k] -= 1
        out[k] = score.of_table(view.build(one)) if n > 1 else math.nan
        one[k] += 1
    return out


def sums_score(score: Score, x: IntArray, view: View) -> float:
    """Return the score of the unit counts ``x`` computed as the replicates' are."""
    if not score.fast:
        return score.of_table(view.build(x))
    parts = stacked([view])
    out_f = np.empty((1, kres.FLOAT_STATS), np.float64)
    out_i = np.empty((1, kres.INT_STATS), np.int64)
    kres.counts_stats(x, *parts, xlogx_table_for(x), out_f, out_i)
    return from_sums(score, int(x.sum()), out_f[0], out_i[0])
