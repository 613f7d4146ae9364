"""Tables of 2**33 and 2**40 samples: every score and every resampling path, against exact values.

The references are computed here, independently of the package: the pair counts and accuracy
in exact integers (``Fraction``), the information scores in 50-digit arithmetic (mpmath). Two
parts of the references are approximations whose error is far below the tolerances:

- the expected mutual information that AMI subtracts, ``(R - 1)(C - 1) / (2n) + O(1/n**2)``
  for a table whose cluster sizes grow with ``n`` (the chi-square limit of ``2n MI`` under
  independence): the ``1/n**2`` term is about 1e-19 at ``n = 2**33``;
- the Dirichlet reduction's least cost over the concentration, found by a bounded scalar
  search: it enters the RMI divided by ``n``, so an error of 1e-3 nats there is 1e-13 at
  ``n = 2**33``.

Each table is built by :meth:`~nmi.Contingency.from_matrix` and from four labels with whole
weights (the same scores, bit for bit). The resampling paths are checked where their numbers
come from: the kernels' sums that score each bootstrap and permutation replicate, the
jackknife's tables of one sample less, and the whole operations (statistic, interval,
p-value, null distribution) at these sizes.
"""

from __future__ import annotations

import itertools
import math
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import nmi
from nmi._registry import SCORES
from nmi._resampling.replicates import check_score, leave_one_out_scores, score_of_unit_counts
from nmi._resampling.units import units_and_view
from tests.test_pairs import exact as exact_pairs

mpmath.mp.dps = 50

SHAPES = {
    "2x2": [[3, 1], [1, 3]],
    "3x3": [[5, 2, 1], [1, 6, 1], [0, 1, 7]],
    "independent": [[1, 1], [1, 1]],
    "refinement": [[7, 1, 0], [0, 0, 8]],  # target refines preds: completeness 1
    "2x4": [[9, 3, 1, 0], [2, 2, 6, 9]],
}
TOTALS = {"2**33": 2**33, "2**40": 2**40}


def scaled(shape, total):
    """The shape's counts scaled to ``total`` samples in all (the first cell takes the rest)."""
    s = sum(map(sum, shape))
    rows = [[v * (total // s) for v in row] for row in shape]
    rows[0][0] += total - sum(map(sum, rows))
    return rows


# -- the references ---------------------------------------------------------------------


class Exact:
    """Every score of a dense table of Python integers (rows: preds, columns: target)."""

    def __init__(self, matrix):
        self.m = [[int(v) for v in row] for row in matrix]
        self.rows = [sum(row) for row in self.m]
        self.cols = [sum(col) for col in zip(*self.m, strict=True)]
        self.cells = [v for row in self.m for v in row if v]
        self.n = sum(self.rows)
        n = mpmath.mpf(self.n)
        self.h_p = -sum(mpmath.mpf(a) / n * mpmath.log(mpmath.mpf(a) / n) for a in self.rows if a)
        self.h_t = -sum(mpmath.mpf(b) / n * mpmath.log(mpmath.mpf(b) / n) for b in self.cols if b)
        self.mi = sum(
            mpmath.mpf(v) / n * mpmath.log(n * v / (mpmath.mpf(self.rows[i]) * self.cols[j]))
            for i, row in enumerate(self.m)
            for j, v in enumerate(row)
            if v
        )
        self.ka = sum(1 for a in self.rows if a)
        self.kb = sum(1 for b in self.cols if b)

    def mean(self, method):
        h_p, h_t = self.h_p, self.h_t
        return {
            "min": min(h_p, h_t),
            "max": max(h_p, h_t),
            "geometric": mpmath.sqrt(h_p * h_t),
            "arithmetic": (h_p + h_t) / 2,
        }[method]

    def emi(self):
        return mpmath.mpf((self.ka - 1) * (self.kb - 1)) / (2 * self.n)

    def pairs(self):
        return exact_pairs(self.m)[1:]  # tn, fp, fn, tp

    def accuracy(self):
        size = max(len(self.m), len(self.m[0]))
        square = [row + [0] * (size - len(row)) for row in self.m]
        square += [[0] * size] * (size - len(square))
        best = max(
            sum(square[i][p[i]] for i in range(size)) for p in itertools.permutations(range(size))
        )
        return Fraction(best, self.n)

    def rmi_total(self, reduction, preds_given):
        """Total RMI in nats, of preds about target (``preds_given``) or the reverse."""
        truth, given = (self.cols, self.rows) if preds_given else (self.rows, self.cols)
        return self._rmi(truth, given, self.cells, reduction)

    def self_total(self, side, reduction):
        return self._rmi(side, side, side, reduction)

    def _rmi(self, truth, given, cells, reduction):
        truth, given = [v for v in truth if v], [v for v in given if v]
        n = self.n
        micro = (
            log_factorial(n)
            - sum(map(log_factorial, truth))
            - sum(map(log_factorial, given))
            + sum(map(log_factorial, cells))
        )
        if reduction == "dirichlet":
            k = len(truth)
            return micro + dirichlet_least([n], k, truth) - dirichlet_least(given, k, cells)
        m = len(given)
        squares = sum(v * v for v in truth)
        if squares == n:
            return micro - (log_factorial(n) - sum(map(log_factorial, given)))
        alpha = mpmath.mpf(n * n - n + mpmath.mpf(n * n - squares) / m) / (squares - n)
        tables = (
            -log_shared(n, m * alpha)
            + sum(log_shared(r, alpha) for r in given)
            + sum(log_shared(c, m) for c in truth)
        )
        return micro - tables

    def score(self, name, **options):
        """The exact value of the registered score ``name`` with its options."""
        mi, h_p, h_t, n = self.mi, self.h_p, self.h_t, self.n
        if name == "mi":
            return mi
        if name == "nmi":
            return mi / self.mean(options["average_method"])
        if name == "ami":
            emi = self.emi()
            return (mi - emi) / (self.mean(options["average_method"]) - emi)
        if name == "homogeneity":
            return mi / h_t
        if name == "completeness":
            return mi / h_p
        if name == "v_measure":
            beta = options["beta"]
            h, c = mi / h_t, mi / h_p
            return (1 + beta) * h * c / (beta * h + c) if h + c else mpmath.mpf(0)
        if name == "vi":
            vi = h_p + h_t - 2 * mi
            return {"none": vi, "log_n": vi / mpmath.log(n), "joint": vi / (h_p + h_t - mi)}[
                options["scale"]
            ]
        tn, fp, fn, tp = self.pairs()
        if name == "ari":
            return Fraction(2 * (tp * tn - fn * fp), (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
        if name == "rand":
            return Fraction(tn + tp, n * n - n)
        if name == "fmi":
            return mpmath.sqrt(mpmath.mpf(tp) / (tp + fp)) * mpmath.sqrt(mpmath.mpf(tp) / (tp + fn))
        if name == "accuracy":
            return self.accuracy()
        if name == "rmi":
            if options["reduction"] == "none":
                return mi
            return self.rmi_total(options["reduction"], True) / n
        if name == "nrmi":
            how, reduction = options["normalization"], options["reduction"]
            if reduction == "none":
                return {"target": mi / h_t, "preds": mi / h_p, "mean": 2 * mi / (h_p + h_t)}[how]
            num = den = mpmath.mpf(0)
            if how != "preds":
                num += self.rmi_total(reduction, True)
                den += self.self_total(self.cols, reduction)
            if how != "target":
                num += self.rmi_total(reduction, False)
                den += self.self_total(self.rows, reduction)
            return num / den
        raise AssertionError(f"no reference for {name}")


def log_factorial(v):
    return mpmath.loggamma(mpmath.mpf(v) + 1)


def log_shared(v, s):
    """``log C(v + s - 1, s - 1)``: the ways to share ``v`` objects among ``s`` groups."""
    s = mpmath.mpf(s)
    return mpmath.loggamma(v + s) - mpmath.loggamma(s) - mpmath.loggamma(mpmath.mpf(v) + 1)


def dirichlet_least(sums, groups, cells):
    """The least Dirichlet-multinomial cost over ``alpha`` in [1e-4, 1e4], by a bounded search."""

    def cost(log_alpha):
        alpha = mpmath.exp(log_alpha)
        value = sum(log_shared(s, groups * alpha) for s in sums)
        return float(value - sum(log_shared(c, alpha) for c in cells))

    found = minimize_scalar(
        cost, bounds=(math.log(1e-4), math.log(1e4)), method="bounded", options={"xatol": 1e-7}
    )
    return mpmath.mpf(min(found.fun, cost(math.log(1e-4)), cost(math.log(1e4))))


def option_sets(spec):
    """Every combination of the score's options (the float ones at two values)."""
    choices = {
        "average_method": ("min", "geometric", "arithmetic", "max"),
        "beta": (1.0, 2.0),
        "scale": ("none", "log_n", "joint"),
        "reduction": ("dirichlet", "flat", "none"),
        "normalization": ("target", "preds", "mean"),
    }
    names = [o for o in spec.options if o in choices]
    for values in itertools.product(*(choices[o] for o in names)):
        yield dict(zip(names, values, strict=True))


def close(ours, exact, n):
    """Our float against the exact value: one part in 1e13, or 1e-13 absolute near 0.

    The information scores are differences of sums of ``x log x`` over the cells, each near
    ``n log n``; in float64 that leaves about ``1e-16 log n`` per object.
    """
    exact = float(exact)
    return math.isclose(ours, exact, rel_tol=1e-13, abs_tol=1e-13 * math.log(n) / 30)


CASES = [(s, t) for t in TOTALS for s in SHAPES]
IDS = [f"{s}-{t}" for s, t in CASES]


@pytest.fixture(scope="module")
def exacts():
    return {key: Exact(scaled(SHAPES[key[0]], TOTALS[key[1]])) for key in CASES}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_score_of_a_table_of_billions_is_the_exact_value(case, exacts):
    exact = exacts[case]
    table = nmi.Contingency.from_matrix(exact.m)
    assert table.n_samples == exact.n
    misses = []
    for spec in SCORES:
        for options in option_sets(spec):
            ours = getattr(table, spec.method)(**options)
            want = exact.score(spec.name, **options)
            if not close(ours, want, exact.n):
                misses.append((spec.name, options, ours, float(want)))
            low, high = spec.range
            assert low <= ours <= high, (spec.name, options, ours)
    assert not misses


@pytest.mark.parametrize("total", list(TOTALS.values()), ids=list(TOTALS))
def test_whole_weights_of_billions_give_the_tables_bits(total):
    # four labels a side, weighted to the 3x3 shape: every function equals the table's method
    matrix = scaled(SHAPES["2x4"], total)
    preds, target = np.nonzero(np.array(matrix, dtype=np.int64))
    weights = np.array([matrix[i][j] for i, j in zip(preds, target, strict=True)], np.float64)
    assert weights.sum() == total  # whole numbers below 2**53: exact as floats
    table = nmi.Contingency.from_matrix(matrix)
    for spec in SCORES:
        for options in option_sets(spec):
            func = getattr(nmi, spec.function)
            ours = func(preds * 7 - 3, target + 10, sample_weight=weights, **options)
            assert ours == getattr(table, spec.method)(**options), (spec.name, options)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_replicate_and_jackknife_sums_give_the_exact_scores(case, exacts):
    # the path of every bootstrap and permutation replicate (the kernels' sums), and of the
    # jackknife (the table less one sample of each cell), against the exact values
    exact = exacts[case]
    table = nmi.Contingency.from_matrix(exact.m)
    x, view = units_and_view(table)
    less_one = {}
    for spec in SCORES:
        asked = check_score(spec.name, "arithmetic")
        want = exact.score(spec.name, **asked.options)
        ours = score_of_unit_counts(asked, x, view)
        assert close(ours, want, exact.n), (spec.name, ours, float(want))
        jack = leave_one_out_scores(asked, x, view)
        for k in range(x.size):
            i, j = int(view.cell_rows[view.unit_cell[k]]), int(view.cell_cols[view.unit_cell[k]])
            if (i, j) not in less_one:
                smaller = [row[:] for row in exact.m]
                smaller[i][j] -= 1
                less_one[i, j] = Exact(smaller)
            want = less_one[i, j].score(spec.name, **asked.options)
            assert close(float(jack[k]), want, exact.n), (spec.name, (i, j), jack[k], float(want))


@pytest.mark.parametrize("total", list(TOTALS.values()), ids=list(TOTALS))
def test_bootstrap_and_permutation_test_of_billions_for_every_score(total):
    for shape in ("3x3", "independent"):
        matrix = scaled(SHAPES[shape], total)
        table = nmi.Contingency.from_matrix(matrix)
        exact = Exact(matrix)
        df = (exact.ka - 1) * (exact.kb - 1)
        for spec in SCORES:
            statistic = getattr(table, spec.method)(**spec.check_options())
            # AMI's replicates each need their expected MI, a sum over some 1e5 values per
            # cell at these sizes (0.2 s a table at 2**40): fewer of them
            resamples = 6 if spec.fixed_margins_only else 25
            for method in ("basic", "percentile", "bca"):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # BCa, undefined at 0
                    res = nmi.bootstrap(contingency=table, score=spec.name, n_resamples=resamples,
                                        method=method, random_state=3)  # fmt: skip
                low, high = res.confidence_interval
                assert res.statistic == statistic
                if math.isnan(low):  # every replicate above a score at 0: BCa is not defined
                    assert method == "bca", spec.name
                    assert shape == "independent", spec.name
                    continue
                assert spec.range[0] <= low <= high <= spec.range[1], (spec.name, method)
                if method == "percentile":
                    assert low <= statistic <= high, (spec.name, low, statistic, high)
                # the spread of a score over 2**33 samples is about 1e-5 or less
                assert high - low < 1e-3 * max(1.0, abs(statistic)), (spec.name, method)
                dist = res.bootstrap_distribution
                assert np.isfinite(dist).all()
                assert ((dist >= spec.range[0]) & (dist <= spec.range[1])).all()
            test = nmi.permutation_test(contingency=table, score=spec.name, n_resamples=60,
                                        random_state=4)  # fmt: skip
            assert test.statistic == statistic
            null = test.null_distribution
            assert ((null >= spec.range[0]) & (null <= spec.range[1])).all(), spec.name
            if shape == "3x3":  # far from independence: no random table comes near it
                assert test.pvalue == 1 / 61 if spec.higher_is_better else test.pvalue == 1.0
            if spec.name == "mi":
                # 2n MI of a random table is chi-square with (R - 1)(C - 1) degrees of freedom
                g = 2 * exact.n * null
                assert abs(g.mean() - df) < 5 * math.sqrt(2 * df / null.size), g.mean()


@pytest.mark.parametrize("total", list(TOTALS.values()), ids=list(TOTALS))
def test_compare_of_billions_for_every_score(total):
    # a 2 x 2 x 3 table of (a, b, target) counts; a tells target more than b does
    shape = [[[6, 1, 0], [2, 1, 1]], [[0, 1, 1], [1, 2, 9]]]
    s = sum(v for plane in shape for row in plane for v in row)
    joint = np.array(shape, dtype=np.int64) * (total // s)
    joint[0, 0, 0] += total - int(joint.sum())
    a = Exact(joint.sum(axis=1).tolist())
    b = Exact(joint.sum(axis=0).tolist())
    for spec in SCORES:
        options = spec.check_options()
        resamples = 6 if spec.fixed_margins_only else 25  # AMI: an expected MI per table
        res = nmi.compare(contingency=joint, score=spec.name, n_resamples=resamples,
                          method="bca", random_state=5)  # fmt: skip
        diff = float(a.score(spec.name, **options)) - float(b.score(spec.name, **options))
        assert close(res.statistic, diff, total), (spec.name, res.statistic, diff)
        low, high = res.confidence_interval
        assert low < high < low + 1e-3, (spec.name, low, high)
        assert abs(diff - (low + high) / 2) < 1e-3, spec.name
        assert res.pvalue == pytest.approx(2 / (resamples + 1)), spec.name  # all on one side
