"""Replicates of a table, scored: from the few sums the kernels leave, or as tables.

The bootstrap kernels reduce each replicate to sums of ``x log x`` and of squares over its
cells, rows and columns; the scores that follow from those (the registry's ``of_sums``) are
read off them, in NumPy for the ordinary replicates (``of_regular``) and one by one for the
edge cases; the others are scored on a table built for each replicate. Also the scores with
one sample of each unit left out, for the BCa interval.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .._kernels import info as kinfo
from .._kernels import resample as kres
from .._parallel import n_threads, run_all
from .._registry import BY_NAME, NAMES, Replicate, Score
from .._scores import SQUARES_EXACT_MAX, exact_information, information_of_sums
from .._types import FloatArray, IntArray
from .._validation import check_average_method
from ..contingency import Contingency
from .plans import draw_plan
from .units import UnitTable, sorted_by_count, views_for_kernels

_XLOGX_TABLE_MAX = 1 << 16  # counts whose x log x is read from a table
_BLOCK_CELLS = 1 << 22  # unit counts drawn at once for the scores scored on a table
_PARALLEL_WORK = 1 << 16  # replicates x units worth a thread of their own


@dataclass(frozen=True)
class AskedScore:
    """A score as asked of the resampling: a registered one with its options, or a callable."""

    score: Score | None
    options: dict[str, str] = field(default_factory=dict)
    func: Callable[[Contingency], float] | None = None

    @property
    def range(self) -> tuple[float, float]:
        """Where the score lies (a callable's is not known: the whole line)."""
        return (-math.inf, math.inf) if self.score is None else self.score.range

    @property
    def fast(self) -> bool:
        """Whether the bootstrap scores the replicates from their sums."""
        return self.score is not None and self.score.fast

    @property
    def reads_squares(self) -> bool:
        """Whether the score reads the sums of squared counts (the pair-counting scores)."""
        return self.score is not None and self.score.reads_squares

    def from_sums(self, n: int) -> bool:
        """Whether replicates of ``n`` samples are scored from the kernels' sums.

        The kernels add squared counts in ``int64``: exact up to ``SQUARES_EXACT_MAX``
        samples; past that, the scores that read them are scored on tables (exact integers).
        """
        return self.fast and not (self.reads_squares and n > SQUARES_EXACT_MAX)

    def of_table(self, table: Contingency) -> float:
        """Return the score of a table."""
        if self.score is None:
            assert self.func is not None
            return float(self.func(table))
        return self.score.of_table(table, **self.options)

    def of_replicate(self, replicate: Replicate) -> float:
        """Return the score of one replicate from its sums (``score.of_sums`` exists)."""
        assert self.score is not None
        assert self.score.of_sums is not None
        return self.score.of_sums(replicate, **self.options)


def check_score(score: object, average_method: object) -> AskedScore:
    """Return the :class:`AskedScore`; ValueError or TypeError naming the argument.

    ``average_method`` is checked whatever the score, and given to those that take it.
    """
    method = check_average_method(average_method)
    if callable(score):
        return AskedScore(None, {}, score)
    if not isinstance(score, str) or score not in BY_NAME:
        raise ValueError(
            f"score must be one of {', '.join(map(repr, NAMES))} or a callable taking a "
            f"Contingency, got {score!r}"
        )
    spec = BY_NAME[score]
    options = {"average_method": method} if "average_method" in spec.options else {}
    return AskedScore(spec, spec.check_options(**options))


# -- scores from sums --------------------------------------------------------------------


def replicate_of_sums(
    n: int, f: FloatArray | list[float], i: IntArray | list[int], emi: float = 0.0
) -> Replicate:
    """Return one replicate's :class:`~nmi._registry.Replicate` from the kernels' sums.

    ``f``, ``i``: the float and integer sums of :mod:`nmi._kernels.resample`; ``emi``: the
    expected MI, for AMI under permutation (fixed margins).
    """
    ka, kb, cells = int(i[kres.K_ROWS]), int(i[kres.K_COLS]), int(i[kres.CELLS])
    squares = (int(i[kres.SQ_CELLS]), int(i[kres.SQ_ROWS]), int(i[kres.SQ_COLS]))
    perfect = cells == ka == kb
    raw_mi, h_rows, h_cols = information_of_sums(
        n, float(f[kres.S_CELLS]), float(f[kres.S_ROWS]), float(f[kres.S_COLS])
    )
    mi, h_rows, h_cols = exact_information(raw_mi, h_rows, h_cols, False, ka, kb, perfect)
    return Replicate(n, mi, h_rows, h_cols, ka, kb, perfect, squares, emi)


def score_one_replicate(
    score: AskedScore, n: int, f: FloatArray | list[float], i: IntArray | list[int],
    emi: float = 0.0,
) -> float:  # fmt: skip
    """Return the score of one replicate from the kernels' sums (see :mod:`nmi._kernels.resample`).

    ``emi``: the expected MI, for AMI under permutation (fixed marginals).
    """
    return score.of_replicate(replicate_of_sums(n, f, i, emi))


def score_replicate_sums(score: AskedScore, n: int, f: FloatArray, i: IntArray) -> FloatArray:
    """Return :func:`score_one_replicate` of each row of sums ``f`` (m, 3) and ``i`` (m, 6).

    The same numbers, bit for bit: the replicates with two clusters or more a side, not the
    same partition, and both entropies positive are scored by the score's ``of_regular``,
    the same operations in NumPy; the others, and the scores without ``of_regular`` (the
    adjusted Rand index, in exact Python integers), one at a time.
    """
    out = np.empty(f.shape[0], np.float64)
    regular = np.zeros(f.shape[0], bool)
    assert score.score is not None
    of_regular = score.score.of_regular
    if of_regular is not None and n > 0:
        ka, kb, cells = i[:, kres.K_ROWS], i[:, kres.K_COLS], i[:, kres.CELLS]
        raw_mi, h_rows, h_cols = information_of_sums(
            n, f[:, kres.S_CELLS], f[:, kres.S_ROWS], f[:, kres.S_COLS]
        )
        perfect = (cells == ka) & (ka == kb)
        regular = (ka > 1) & (kb > 1) & ~perfect & (h_rows > 0.0) & (h_cols > 0.0)
        mi = np.maximum(0.0, raw_mi[regular])
        out[regular] = of_regular(mi, h_rows[regular], h_cols[regular], n, **score.options)
    for k in np.flatnonzero(~regular).tolist():
        out[k] = score_one_replicate(score, n, f[k], i[k])
    return out


def xlogx_table_for(counts: IntArray) -> FloatArray:
    """Return the ``x log x`` of the counts up to a little over the largest cell (0 for 0).

    The kernels read the replicates' terms from it: the same products as computed each
    time, a multiplication and a conversion fewer per term.
    """
    top = int(counts.max()) if counts.size else 0
    size = min(_XLOGX_TABLE_MAX, 2 * top + 64)
    values = np.arange(size, dtype=np.int64)
    return values * kinfo.log_counts(values)  # type: ignore[no-any-return]


def replicate_scores(
    score: AskedScore, x: IntArray, views: list[UnitTable], seeds: npt.NDArray[np.uint32]
) -> FloatArray:
    """Return the score of each view in each bootstrap replicate: (replicates, views)."""
    x, views = sorted_by_count(x, views)
    n = int(x.sum())
    b = seeds.size
    out = np.empty((b, len(views)), np.float64)
    plan = draw_plan(x)
    if score.from_sums(n):
        terms = xlogx_table_for(x)
        parts = views_for_kernels(views)
        out_f = np.empty((b, len(views), kres.FLOAT_STATS), np.float64)
        out_i = np.empty((b, len(views), kres.INT_STATS), np.int64)
        jobs = [
            (x, n, plan, *parts, seeds[lo:hi], terms, out_f[lo:hi], out_i[lo:hi])
            for lo, hi in replicate_ranges(b, x.size * len(views))
        ]
        run_all(kres.bootstrap_stats, jobs)
        scored = score_replicate_sums(score, n, out_f.reshape(-1, kres.FLOAT_STATS),
                                out_i.reshape(-1, kres.INT_STATS))  # fmt: skip
        return scored.reshape(b, len(views))
    block = max(1, _BLOCK_CELLS // max(x.size, 1))
    for lo in range(0, b, block):
        hi = min(b, lo + block)
        draws = np.empty((hi - lo, x.size), np.int64)
        kres.bootstrap_counts(x, n, plan, seeds[lo:hi], draws)
        for r in range(hi - lo):
            for v, view in enumerate(views):
                out[lo + r, v] = score.of_table(view.table_of(draws[r]))
    return out


def replicate_ranges(count: int, work_each: int) -> list[tuple[int, int]]:
    """Cut ``range(count)`` replicates into one range per thread, when the work pays."""
    parts = max(1, min(n_threads(), count * max(work_each, 1) // _PARALLEL_WORK, count))
    edges = [count * k // parts for k in range(parts + 1)]
    return list(itertools.pairwise(edges))


def leave_one_out_scores(score: AskedScore, x: IntArray, view: UnitTable) -> FloatArray:
    """Return the score with one sample of each unit left out (one value per unit)."""
    out = np.empty(x.size, np.float64)
    n = int(x.sum())
    if score.from_sums(n):
        out_f = np.empty((x.size, kres.FLOAT_STATS), np.float64)
        out_i = np.empty((x.size, kres.INT_STATS), np.int64)
        kres.jackknife_stats(
            x, view.unit_cell, view.cell_rows, view.cell_cols, view.n_rows, view.n_cols,
            xlogx_table_for(x), out_f, out_i,
        )  # fmt: skip
        return (
            score_replicate_sums(score, n - 1, out_f, out_i) if n > 1 else np.full(x.size, math.nan)
        )
    one = x.copy()
    for k in range(x.size):
        one[k] -= 1
        out[k] = score.of_table(view.table_of(one)) if n > 1 else math.nan
        one[k] += 1
    return out


def score_of_unit_counts(score: AskedScore, x: IntArray, view: UnitTable) -> float:
    """Return the score of the unit counts ``x`` computed as the replicates' are."""
    if not score.from_sums(int(x.sum())):
        return score.of_table(view.table_of(x))
    parts = views_for_kernels([view])
    out_f = np.empty((1, kres.FLOAT_STATS), np.float64)
    out_i = np.empty((1, kres.INT_STATS), np.int64)
    kres.counts_stats(x, *parts, xlogx_table_for(x), out_f, out_i)
    return score_one_replicate(score, int(x.sum()), out_f[0], out_i[0])
