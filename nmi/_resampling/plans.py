"""Draw plans: how the kernels draw a table's bootstrap replicates, by a cost model.

Binomials unit by unit, or the Poisson path (each unit's Poisson draw from a table, then the
samples short of or over ``n`` added or taken away one by one), whichever the cost model
says is cheaper for the unit counts; both draw the same multinomial exactly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from .._kernels import draws as kdraws
from .._types import IntArray

_POISSON_TABLE_MAX = 1 << 19  # entries of the Poisson path's tables (8 MiB, in the cache)

# the cost model's price of one draw, in ns: relative costs, fitted to bootstrap benchmark runs
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
