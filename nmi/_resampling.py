"""How sure is a score: bootstrap intervals and permutation tests from the table alone.

A bootstrap replicate (N samples drawn with replacement) is a multinomial draw of the table's
units: its cells, and its noise singletons grouped by the label of the other side. A
permutation replicate (one labeling shuffled) is a random table with the observed row and
column sums. Both are drawn by :mod:`nmi._kernels.resample` in O(table) per replicate and
reduced to a few sums as they are drawn, whatever the number of samples.

Scores of the information family (MI, NMI, homogeneity, completeness, V-measure, VI) and the
adjusted Rand index follow from those sums directly. The others (AMI, the reduced MI, any
callable taking a table) are scored on a table built for each replicate. Results follow
``scipy.stats``' conventions: ``confidence_interval.low/.high``, ``standard_error``,
``bootstrap_distribution``; ``statistic``, ``pvalue``, ``null_distribution``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _reduced as reduced
from . import _scores as scores
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
METHODS = ("basic", "percentile", "bca")
ALTERNATIVES = ("greater", "less", "two-sided")
_LOG_TABLE_MAX = 1 << 16  # counts whose logarithm is read from a table
_POISSON_TABLE_MAX = 1 << 19  # entries of the Poisson path's tables (8 MiB, in the cache)
_BLOCK_CELLS = 1 << 22  # unit counts drawn at once for the scores scored on a table
_ARI_SUMS_MAX = 3_000_000_000  # samples whose squared sums fit the kernels' int64
_PARALLEL_WORK = 1 << 16  # replicates x units worth a thread of their own
SPARSE_SAMPLES_PER_CELL = 5.0  # below this many samples per cell the interval is warned of


class SparseTableWarning(UserWarning):
    """The table has too few samples per cell for a bootstrap interval to mean much.

    A score estimated from a sample overshoots its population value (for the mutual
    information by about ``(cells - 1) / (2 n)`` nats), and intervals then miss it more
    often than their confidence level says.
    """


class ConfidenceInterval(NamedTuple):
    """Lower and upper end of a confidence interval."""

    low: float
    high: float


@dataclass(frozen=True)
class BootstrapResult:
    """A score with its bootstrap interval (``scipy.stats.bootstrap``'s conventions).

    Attributes
    ----------
    statistic : float
        The score of the table.
    confidence_interval : ConfidenceInterval
        ``low`` and ``high``; NaN where the method is not defined on these replicates.
    standard_error : float
        Standard deviation of the replicates (``ddof=1``).
    bootstrap_distribution : numpy.ndarray
        The score of each replicate, in the order drawn.
    method, confidence_level : str, float
        As asked.
    """

    statistic: float
    confidence_interval: ConfidenceInterval
    standard_error: float
    bootstrap_distribution: FloatArray = field(repr=False)
    method: str
    confidence_level: float


@dataclass(frozen=True)
class PermutationTestResult:
    """A score with its permutation p-value (``scipy.stats.permutation_test``'s conventions).

    Attributes
    ----------
    statistic : float
        The score of the table.
    pvalue : float
        ``(1 + replicates at least as extreme) / (1 + n_resamples)``: never 0, exact in
        size for a randomized test.
    null_distribution : numpy.ndarray
        The score of each random table with the observed cluster sizes.
    alternative : str
        As asked.
    """

    statistic: float
    pvalue: float
    null_distribution: FloatArray = field(repr=False)
    alternative: str


@dataclass(frozen=True)
class ComparisonResult:
    """The difference of two clusterings' scores against one target, with its uncertainty.

    Attributes
    ----------
    statistic : float
        ``score(preds_a) - score(preds_b)``.
    scores : tuple of float
        The two scores.
    confidence_interval : ConfidenceInterval
        Of the difference, from the paired bootstrap (samples resampled jointly).
    pvalue : float
        Two-sided bootstrap p-value of no difference: twice the smaller share of replicate
        differences on either side of 0 (each share counting ``1 + replicates`` over
        ``1 + n_resamples``), at most 1.
    standard_error : float
        Of the difference.
    bootstrap_distribution : numpy.ndarray, shape (n_resamples, 2)
        Each replicate's two scores (their difference is ``[:, 0] - [:, 1]``).
    method, confidence_level : str, float
        As asked.
    """

    statistic: float
    scores: tuple[float, float]
    confidence_interval: ConfidenceInterval
    pvalue: float
    standard_error: float
    bootstrap_distribution: FloatArray = field(repr=False)
    method: str
    confidence_level: float


# -- arguments -------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A score, as asked: a name of :data:`SCORES` (with its average_method) or a callable."""

    name: str
    average_method: str = "arithmetic"
    func: Callable[[Contingency], float] | None = None

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


def check_n_resamples(n_resamples: object) -> int:
    """Return ``n_resamples`` as an int of at least 1, else raise."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise TypeError(f"n_resamples must be a whole number, got {n_resamples!r}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    return int(n_resamples)


def check_choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices`` (case-insensitive for methods), else raise."""
    if isinstance(value, str) and value.lower() in choices:
        return value.lower()
    raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def check_confidence_level(level: object) -> float:
    """Return the confidence level as a float strictly between 0 and 1, else raise."""
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating, np.integer)):
        raise TypeError(f"confidence_level must be a number, got {level!r}")
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"confidence_level must lie strictly between 0 and 1, got {level!r}")
    return float(level)


def replicate_seeds(random_state: object, n: int) -> npt.NDArray[np.uint32]:
    """Return one ``uint32`` seed per replicate from ``random_state``.

    None (fresh entropy), an int, a ``numpy.random.SeedSequence`` or ``Generator``; the same
    value gives the same seeds, and so the same replicates on any number of threads.
    """
    if random_state is None or isinstance(random_state, (int, np.integer)):
        if isinstance(random_state, bool) or (random_state is not None and random_state < 0):
            raise ValueError(f"random_state must be a non-negative int, got {random_state!r}")
        seq = np.random.SeedSequence(None if random_state is None else int(random_state))
    elif isinstance(random_state, np.random.SeedSequence):
        seq = random_state
    elif isinstance(random_state, np.random.Generator):
        seq = np.random.SeedSequence(random_state.integers(0, 2**63, size=4).tolist())
    else:
        raise TypeError(
            "random_state must be None, an int, a numpy.random.SeedSequence or a "
            f"numpy.random.Generator, got {type(random_state).__name__}"
        )
    return seq.generate_state(n, dtype=np.uint32).astype(np.uint32)


# -- scores from sums --------------------------------------------------------------------


def by_information(name: str, mi: float, h_preds: float, h_target: float, n: float) -> float:
    """Return a score of the information family from MI and the entropies."""
    if name == "mi":
        return mi
    if name == "vi":
        return max(0.0, h_preds + h_target - 2.0 * mi)
    homogeneity, completeness, v_measure = scores.hcv_of(mi, h_preds, h_target, n)
    return {"homogeneity": homogeneity, "completeness": completeness}.get(name, v_measure)


def from_sums(score: Score, n: int, f: FloatArray, i: IntArray, emi: float = 0.0) -> float:
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


def log_table_for(counts: IntArray) -> FloatArray:
    """Return the logarithms the replicate sums read, up to a little over the largest cell."""
    top = int(counts.max()) if counts.size else 0
    return kres.log_table(min(_LOG_TABLE_MAX, 2 * top + 64))  # type: ignore[no-any-return]


def by_count(x: IntArray, views: list[View]) -> tuple[IntArray, list[View]]:
    """Return the units in increasing order of count, and the views of them.

    A multinomial draw does not depend on the order of its units; in this one, runs of
    units of equal count read the same table and their counts are written in order.
    """
    order = np.argsort(x, kind="stable")
    return x[order], [dataclasses.replace(v, unit_cell=v.unit_cell[order]) for v in views]


def draw_plan(x: IntArray) -> tuple[npt.NDArray[Any], ...]:
    """Return how the kernels draw replicates of the unit counts ``x`` (see ``_draw``).

    ``x`` in increasing order (see :func:`by_count`). A binomial draw per unit costs some
    80 ns (its parameters change from unit to unit); the Poisson path some 15 ns per unit
    from tables of their distributions, plus some 25 ns for each of the about 2 sqrt(n)
    samples it adds. It is taken where those are fewer than the units, and the tables small
    enough to stay in the cache (distinct counts read from memory cost more than binomials).
    """
    n = int(x.sum())
    if n == 0 or 2.0 * math.sqrt(n) > x.size:
        return BINOMIALS
    return poisson_plan(x)


_NO_INTS = np.empty(0, np.int64)
_NO_FLOATS = np.empty(0)
BINOMIALS = (_NO_FLOATS, _NO_INTS, _NO_FLOATS, *(_NO_INTS,) * 3, *(_NO_FLOATS,) * 4, _NO_INTS)


def poisson_plan(x: IntArray) -> tuple[npt.NDArray[Any], ...]:
    """Return the Poisson path's plan for the unit counts ``x``, or binomials'.

    Binomials where its tables would not fit in :data:`_POISSON_TABLE_MAX` entries.
    """
    n = int(x.sum())
    lam = n * max(0.25, 1.0 - 2.0 / math.sqrt(n))
    counts, means_of = np.unique(x, return_inverse=True)
    tables = kres.poisson_tables(counts * (lam / n), _POISSON_TABLE_MAX)
    if not tables[-1]:
        return BINOMIALS
    prob, alias = kres.alias_table(x)
    unit_table = means_of.astype(np.int64).ravel()
    return (prob, alias, np.array([lam]), unit_table, *tables[:-1])


def stacked(views: list[View]) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Return the views as the kernels take them: (unit_cell, cell_rows, cell_cols, shape)."""
    width = max(v.cell_rows.size for v in views)
    unit_cell = np.stack([v.unit_cell for v in views]).astype(np.int64)
    cell_rows = np.empty((len(views), width), np.int64)
    cell_cols = np.empty((len(views), width), np.int64)
    for k, v in enumerate(views):  # padding cells: never counted
        cell_rows[k] = v.n_rows
        cell_cols[k] = v.n_cols
        cell_rows[k, : v.cell_rows.size] = v.cell_rows
        cell_cols[k, : v.cell_cols.size] = v.cell_cols
    shape = np.array([[v.n_rows, v.n_cols] for v in views], np.int64)
    return unit_cell, cell_rows, cell_cols, shape


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
        logs = log_table_for(x)
        parts = stacked(views)
        out_f = np.empty((b, len(views), kres.FLOAT_STATS), np.float64)
        out_i = np.empty((b, len(views), kres.INT_STATS), np.int64)
        jobs = [
            (x, n, plan, *parts, seeds[lo:hi], logs, out_f[lo:hi], out_i[lo:hi])
            for lo, hi in split(b, x.size * len(views))
        ]
        run_all(kres.bootstrap_stats, jobs)
        for r in range(b):
            for v in range(len(views)):
                out[r, v] = from_sums(score, n, out_f[r, v], out_i[r, v])
        return out
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
            log_table_for(x), out_f, out_i,
        )  # fmt: skip
        for k in range(x.size):
            out[k] = from_sums(score, n - 1, out_f[k], out_i[k]) if n > 1 else math.nan
        return out
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
    kres.counts_stats(x, *parts, log_table_for(x), out_f, out_i)
    return from_sums(score, int(x.sum()), out_f[0], out_i[0])


# -- intervals ---------------------------------------------------------------------------


def interval(
    replicates: FloatArray,
    theta: float,
    jack: Callable[[], tuple[FloatArray, IntArray]],
    method: str,
    level: float,
) -> ConfidenceInterval:
    """Return the interval of ``method`` from the replicates and the estimate ``theta``.

    ``jack``: returns (leave-one-out values, how many samples each stands for), for BCa.
    """
    alpha = (1.0 - level) / 2.0
    if np.isnan(replicates).any():
        return ConfidenceInterval(math.nan, math.nan)
    if method == "percentile":
        low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
        return ConfidenceInterval(float(low), float(high))
    if method == "basic":
        low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
        return ConfidenceInterval(float(2 * theta - high), float(2 * theta - low))
    from statistics import NormalDist

    normal = NormalDist()
    # median bias of the replicates (ties counted half), as in scipy.stats.bootstrap
    below = (np.count_nonzero(replicates < theta) + np.count_nonzero(replicates <= theta)) / (
        2.0 * replicates.size
    )
    if not 0.0 < below < 1.0:
        warnings.warn(
            "the BCa interval is not defined: every replicate lies on one side of the "
            "score; try method='percentile' or more samples",
            RuntimeWarning,
            stacklevel=4,
        )
        return ConfidenceInterval(math.nan, math.nan)
    z0 = normal.inv_cdf(below)
    values, weights = jack()
    mean = float(np.dot(values, weights) / weights.sum())
    d = mean - values
    spread = float(np.dot(weights, d * d))
    accel = float(np.dot(weights, d**3)) / (6.0 * spread**1.5) if spread > 0 else 0.0
    ends = []
    for z in (normal.inv_cdf(alpha), normal.inv_cdf(1.0 - alpha)):
        ends.append(normal.cdf(z0 + (z0 + z) / (1.0 - accel * (z0 + z))))
    low, high = np.quantile(replicates, ends)
    return ConfidenceInterval(float(low), float(high))


def warn_sparse(table: Contingency, x: IntArray) -> None:
    """Warn when the table has too few samples per cell for the interval to hold its level."""
    n = int(x.sum())
    if n < SPARSE_SAMPLES_PER_CELL * x.size:
        warnings.warn(
            f"{n} samples in {x.size} cells ({n / x.size:.1f} per cell): the score overshoots "
            "its population value by about as much as it varies, and the bootstrap interval "
            f"may miss it more often than its level says. Intervals hold from about "
            f"{SPARSE_SAMPLES_PER_CELL:g} samples per cell",
            SparseTableWarning,
            stacklevel=4,
        )


# -- the public operations -----------------------------------------------------------------


def bootstrap(
    table: Contingency,
    score: object = "nmi",
    *,
    n_resamples: object = 9999,
    confidence_level: object = 0.95,
    method: object = "basic",
    random_state: object = None,
    average_method: object = "arithmetic",
) -> BootstrapResult:
    """Return the score of a table with its bootstrap interval (see Contingency.bootstrap)."""
    spec = check_score(score, average_method)
    b = check_n_resamples(n_resamples)
    level = check_confidence_level(confidence_level)
    how = check_choice(method, "method", METHODS)
    seeds = replicate_seeds(random_state, b)
    counted = table.whole_counts("the bootstrap")
    x, view = units_of(counted)
    if x.size == 0:
        raise ValueError("the bootstrap needs at least one sample: the table is empty")
    statistic = spec.of_table(table)
    warn_sparse(table, x)
    replicates = replicate_scores(spec, x, [view], seeds)[:, 0]
    theta = sums_score(spec, x, view)

    def jack() -> tuple[FloatArray, IntArray]:
        return jackknife(spec, x, view), x

    ci = interval(replicates, theta, jack, how, level)
    se = float(np.std(replicates, ddof=1)) if b > 1 else math.nan
    return BootstrapResult(statistic, ci, se, replicates, how, level)


def permutation_test(
    table: Contingency,
    score: object = "nmi",
    *,
    n_resamples: object = 9999,
    alternative: object = "greater",
    random_state: object = None,
    average_method: object = "arithmetic",
) -> PermutationTestResult:
    """Return the score of a table with its permutation p-value (see Contingency)."""
    spec = check_score(score, average_method)
    b = check_n_resamples(n_resamples)
    side = check_choice(alternative, "alternative", ALTERNATIVES)
    seeds = replicate_seeds(random_state, b)
    counted = table.whole_counts("the permutation test")
    n = int(counted.n_samples)
    if n == 0:
        raise ValueError("the permutation test needs at least one sample: the table is empty")
    statistic = spec.of_table(table)
    x, view = units_of(counted)
    theta = sums_score(spec, x, view)
    row_sums, col_sums = margins(counted)
    null = np.empty(b, np.float64)
    if spec.fast or (spec.name == "ami" and spec.func is None):
        emi = counted.expected_mutual_info() if spec.name == "ami" else 0.0
        logs = log_table_for(np.concatenate([row_sums, col_sums]))
        out_f = np.empty(b, np.float64)
        out_i = np.empty((b, 2), np.int64)
        jobs = [
            (row_sums, col_sums, n, seeds[lo:hi], logs, out_f[lo:hi], out_i[lo:hi])
            for lo, hi in split(b, row_sums.size * col_sums.size)
        ]
        run_all(kres.permutation_stats, jobs)
        f = np.empty(kres.FLOAT_STATS, np.float64)
        i = np.empty(kres.INT_STATS, np.int64)
        f[kres.S_ROWS] = float(np.dot(row_sums, np.log(row_sums)))
        f[kres.S_COLS] = float(np.dot(col_sums, np.log(col_sums)))
        i[kres.K_ROWS], i[kres.K_COLS] = row_sums.size, col_sums.size
        i[kres.SQ_ROWS] = int(np.dot(row_sums, row_sums))
        i[kres.SQ_COLS] = int(np.dot(col_sums, col_sums))
        for r in range(b):
            f[kres.S_CELLS] = out_f[r]
            i[kres.CELLS], i[kres.SQ_CELLS] = out_i[r]
            null[r] = from_sums(spec, n, f, i, emi)
    else:
        dense = np.empty((row_sums.size, col_sums.size), np.int64)
        for r in range(b):
            kres.permutation_table(row_sums, col_sums, n, seeds[r], dense)
            rr, cc = np.nonzero(dense)
            labels = np.arange(row_sums.size), np.arange(col_sums.size)
            null[r] = spec.of_table(type(table)(rr, cc, dense[rr, cc], *labels))
    return PermutationTestResult(statistic, pvalue_of(null, theta, side), null, side)


def margins(table: Contingency) -> tuple[IntArray, IntArray]:
    """Return the row and column sums, each noise singleton a cluster of size 1."""
    rows, cols = [table.row_sums], [table.col_sums]
    if table.noise is not None:
        t = table.noise.totals
        rows.append(np.ones(t.preds + t.both, np.int64))
        cols.append(np.ones(t.target + t.both, np.int64))
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def pvalue_of(null: FloatArray, theta: float, side: str) -> float:
    """Return the randomized p-value of ``theta`` against the null replicates.

    Replicates within a relative 1e-12 of ``theta`` count as ties, so that rounding in the
    sums never decides a tie.
    """
    tol = 1e-12 * max(1.0, abs(theta))
    b = null.size
    greater = (1 + np.count_nonzero(null >= theta - tol)) / (b + 1)
    less = (1 + np.count_nonzero(null <= theta + tol)) / (b + 1)
    if side == "greater":
        return float(greater)
    if side == "less":
        return float(less)
    return float(min(1.0, 2.0 * min(greater, less)))


def compare(
    joint: Contingency,
    a_of_row: IntArray,
    b_of_row: IntArray,
    tables: tuple[Contingency, Contingency],
    score: object = "nmi",
    *,
    n_resamples: object = 9999,
    confidence_level: object = 0.95,
    method: object = "basic",
    random_state: object = None,
    average_method: object = "arithmetic",
) -> ComparisonResult:
    """Paired bootstrap of two clusterings' scores against one target.

    ``joint``: the table of ((a, b) pair, target); ``a_of_row``, ``b_of_row``: the row of
    ``tables[0]`` and ``tables[1]`` (a against target, b against target) of each joint row.
    """
    spec = check_score(score, average_method)
    b = check_n_resamples(n_resamples)
    level = check_confidence_level(confidence_level)
    how = check_choice(method, "method", METHODS)
    seeds = replicate_seeds(random_state, b)
    x = joint.counts.astype(np.int64)
    if x.size == 0:
        raise ValueError("the comparison needs at least one sample")
    views = []
    for of_row, table in zip((a_of_row, b_of_row), tables, strict=True):
        n_cols = table.shape[1]
        keys = of_row[joint.rows] * n_cols + joint.cols
        cells, unit_cell = np.unique(keys, return_inverse=True)
        rows, cols = np.divmod(cells, n_cols)
        views.append(View(unit_cell.astype(np.int64), rows, cols, table.shape[0], n_cols, table))
    pair = replicate_scores(spec, x, views, seeds)
    diffs = pair[:, 0] - pair[:, 1]
    score_a, score_b = (spec.of_table(t) for t in tables)
    theta = sums_score(spec, x, views[0]) - sums_score(spec, x, views[1])

    def jack() -> tuple[FloatArray, IntArray]:
        return jackknife(spec, x, views[0]) - jackknife(spec, x, views[1]), x

    ci = interval(diffs, theta, jack, how, level)
    se = float(np.std(diffs, ddof=1)) if b > 1 else math.nan
    pvalue = pvalue_of(diffs, 0.0, "two-sided")
    pair_scores = (score_a, score_b)
    return ComparisonResult(score_a - score_b, pair_scores, ci, pvalue, se, pair, how, level)
