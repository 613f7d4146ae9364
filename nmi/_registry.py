"""Every score declared once: its name, its arithmetic on a table and on replicate sums, its range.

Each :class:`Score` says what every layer needs to offer it: the name that ``score=``
takes (``score_many``, ``bootstrap``, ``permutation_test``, ``compare``, the command line),
the key of :func:`nmi.clustering_scores`, the names of its public function, table method and
metric class, its value as a function of a table and, where one exists, of the few sums the
bootstrap kernels leave of a replicate, its range (intervals are kept in it), whether its
chance model counts samples (weights must then be whole numbers), the options it takes,
whether it is symmetric, and whether higher is better. The layers read :data:`SCORES`;
adding a score is one entry here plus its arithmetic in :mod:`nmi._scores`.

A score's value is a function of a *table*, which is anything with a ``summary``
(:class:`nmi._scores.Summary`) and a ``whole_counts(what)`` that returns the table in
counts or raises ValueError naming ``what``: :class:`nmi.Contingency` is one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from . import _reduced as reduced
from . import _scores as arith
from ._reduced import check_normalization, check_reduction
from ._types import FloatArray
from ._validation import (
    AVERAGE_METHODS,
    check_average_method,
    check_beta,
    check_choice,
    check_num_classes,
)

__all__ = [
    "ACCURACY", "AMI", "ARI", "BY_NAME", "COMPLETENESS", "FMI", "HOMOGENEITY", "MI", "NAMES",
    "NMI", "NRMI", "RAND", "RMI", "SCORES", "VI", "V_MEASURE", "Option", "Replicate", "Score",
    "Table", "all_scores", "check_score_name",
]  # fmt: skip


class Table(Protocol):
    """What a score reads of a table (:class:`nmi.Contingency` is one)."""

    @property
    def summary(self) -> arith.Summary:
        """The table's sums, computed once."""

    def whole_counts(self, what: str = ...) -> Table:
        """Return the table in counts; ValueError naming ``what`` where weights forbid it."""


class InfoSums(Protocol):
    """The numbers the information family reads: of a table, or of one replicate."""

    mi: float
    h_preds: float
    h_target: float
    n: Any
    ka: int
    kb: int
    perfect: bool


class Replicate(NamedTuple):
    """One resampled table as its sums: information, shape, squares and the expected MI.

    ``squares``: sums of squared counts of cells, rows and columns (each noise singleton a
    cluster of one); ``emi``: the expected MI of tables with these margins, where they are
    fixed (the permutation test), else 0.0.
    """

    n: int
    mi: float
    h_preds: float
    h_target: float
    ka: int
    kb: int
    perfect: bool
    squares: tuple[int, int, int]
    emi: float = 0.0


def check_vi_scale(scale: object) -> str:
    """Return the variation of information's ``scale`` if it is one of its choices, else raise."""
    return check_choice(scale, "scale", arith.VI_SCALES)


@dataclass(frozen=True)
class Option:
    """An option a score takes: its name, default and check (returns the value or raises).

    ``choices``: its values, where they are few; ``parse``: its value from the text a saved
    state keeps (see :func:`nmi.metric.options_text`); ``doc``: its type, for docstrings.
    """

    name: str
    default: Any
    check: Callable[[object], Any]
    choices: tuple[str, ...] = ()
    parse: Callable[[str], Any] = str
    doc: str = "str"


OPTIONS = {
    "average_method": Option("average_method", "arithmetic", check_average_method, AVERAGE_METHODS),
    "normalization": Option("normalization", "target", check_normalization, reduced.NORMALIZATIONS),
    "reduction": Option("reduction", "dirichlet", check_reduction, reduced.REDUCTIONS),
    "beta": Option("beta", 1.0, check_beta, (), float, "float"),
    "scale": Option("scale", "none", check_vi_scale, arith.VI_SCALES),
    # torchmetrics' size of its dense table: taken and checked, not needed by a sparse one
    "num_classes": Option("num_classes", None, check_num_classes, (), int, "int"),
}


_ANY = (-math.inf, math.inf)


@dataclass(frozen=True)
class Score:
    """One score, as every layer offers it (see the module's docstring)."""

    name: str  # what score= takes
    key: str  # its key in clustering_scores (with "_<average_method>" where it takes one)
    function: str  # the public function of nmi, nmi.torch and nmi.dask
    method: str  # the method of nmi.Contingency
    metric: str  # the accumulator class of nmi and the Metric class of nmi.torch
    doc: str  # one line: what it measures
    of_table: Callable[..., float]  # (table, **options) -> float
    of_sums: Callable[..., float] | None  # (Replicate or Summary, **options) -> float
    of_regular: Callable[..., FloatArray] | None  # (mi, h_preds, h_target, n, **options)
    range: tuple[float, float]
    counts_samples: bool  # its chance model or reduction counts samples: whole weights only
    options: tuple[str, ...]
    symmetric: bool
    higher_is_better: bool = True
    unit: str = ""  # "nats" for the unnormalized information scores
    fixed_margins_only: bool = False  # of_sums holds only where the margins do not vary
    reads_squares: bool = False  # of_sums reads the sums of squared counts
    torch_function: str = ""  # torchmetrics' name of the function, where it differs
    unit_singletons: bool = False  # noise singletons must weigh 1 (each is a matchable sample)
    torch_arguments: tuple[str, ...] = ()  # torchmetrics' arguments before the options
    # the bootstrap methods whose interval holds the population value at independence
    # (benchmarks/bench_coverage_scores.py); nmi.bootstrap warns for the others there
    holds_at_independence: tuple[str, ...] = ()

    def torch_options(
        self, owner: str, args: tuple[object, ...], kwargs: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split torchmetrics-style arguments: (checked options, checked torch arguments).

        ``args`` in torchmetrics' order, its arguments then this score's options; the names
        of both are taken out of ``kwargs``, which keeps the rest.
        """
        names = (*self.torch_arguments, *self.options)
        if len(args) > len(names):
            raise TypeError(
                f"{owner} takes at most {len(names)} arguments by position "
                f"({', '.join(names) or 'none'}), got {len(args)}"
            )
        given = dict(zip(names, args, strict=False))
        for name in names:
            if name in kwargs:
                if name in given:
                    raise TypeError(f"{owner} got {name} twice, by position and by name")
                given[name] = kwargs.pop(name)
        extra = {k: OPTIONS[k].check(given.pop(k)) for k in self.torch_arguments if k in given}
        return self.check_options(**given), extra

    def check_options(self, **options: object) -> dict[str, Any]:
        """Return every option of this score, checked, defaults filled in; others refused."""
        unknown = set(options) - set(self.options)
        if unknown:
            takes = f"only {', '.join(self.options)}" if self.options else "no options"
            raise TypeError(
                f"the score {self.name!r} takes {takes}, got {', '.join(sorted(unknown))}; "
                "leave the others out"
            )
        out = {}
        for name in self.options:
            option = OPTIONS[name]
            out[name] = option.check(options.get(name, option.default))
        return out

    def given_options(
        self, owner: str, args: tuple[object, ...], **options: object
    ) -> dict[str, Any]:
        """Return the options given positionally (in this score's order) and by keyword, checked.

        ``owner``: the class or function taking them, named in the TypeError for too many.
        """
        if len(args) > len(self.options):
            raise TypeError(
                f"{owner} takes at most {len(self.options)} options by position "
                f"({', '.join(self.options) or 'none'}), got {len(args)}"
            )
        return self.check_options(**dict(zip(self.options, args, strict=False)), **options)

    def of(self, table: Table, **options: object) -> float:
        """Return the score of ``table``, its options checked."""
        return self.of_table(table, **self.check_options(**options))

    @property
    def fast(self) -> bool:
        """Whether the bootstrap scores its replicates from their sums."""
        return self.of_sums is not None and not self.fixed_margins_only


# -- the arithmetic of each score on a table (its summary) and on a replicate's sums ------


def _mi(s: InfoSums) -> float:
    return s.mi


def _nmi(s: InfoSums, average_method: str) -> float:
    return arith.nmi_of(s.mi, s.h_preds, s.h_target, s.ka, s.kb, s.perfect, average_method)


def _homogeneity(s: InfoSums) -> float:
    if s.n == 0:
        return 1.0  # scikit-learn's convention for empty labelings
    return float(arith.homogeneity_of(s.mi, s.h_preds, s.h_target))


def _completeness(s: InfoSums) -> float:
    if s.n == 0:
        return 1.0
    return float(arith.completeness_of(s.mi, s.h_preds, s.h_target))


def _v_measure(s: InfoSums, beta: float) -> float:
    if s.n == 0:
        return 1.0
    h = arith.homogeneity_of(s.mi, s.h_preds, s.h_target)
    c = arith.completeness_of(s.mi, s.h_preds, s.h_target)
    return float(arith.v_measure_of(h, c, beta))


def _vi(s: InfoSums, scale: str) -> float:
    return float(arith.variation_of_information_of(s.mi, s.h_preds, s.h_target, scale, s.n))


def _v_measure_regular(
    mi: FloatArray, h_preds: FloatArray, h_target: FloatArray, beta: float
) -> FloatArray:
    h = arith.homogeneity_of(mi, h_preds, h_target)
    c = arith.completeness_of(mi, h_preds, h_target)
    return arith.v_measure_of(h, c, beta)  # type: ignore[no-any-return]


def _ami_of_sums(s: Replicate, average_method: str) -> float:
    trivial = arith.ami_edge(s.ka, s.kb, s.perfect)
    if trivial is not None:
        return trivial
    return arith.ami_of(s.mi, s.h_preds, s.h_target, s.emi, s.n, s.ka, s.kb, average_method)


def _ami(table: Table, average_method: str) -> float:
    counted = table.whole_counts("adjusted mutual information").summary
    s = table.summary
    trivial = arith.ami_edge(s.ka, s.kb, s.perfect)
    if trivial is not None:
        return trivial
    emi = counted.expected_mutual_info()
    return arith.ami_of(s.mi, s.h_preds, s.h_target, emi, counted.n, s.ka, s.kb, average_method)


def _ari_of_sums(s: Replicate) -> float:
    return arith.ari_of(s.n, *s.squares)


def _pair_score(
    of_squares: Callable[[int, int, int, int], float], what: str
) -> Callable[..., float]:
    """Return a pair-counting score of a table: its counts' sums of squares, exactly."""

    def of_table(table: Table) -> float:
        counted = table.whole_counts(what).summary
        return of_squares(int(counted.n), *counted.squares())

    return of_table


def _rand_of_sums(s: Replicate) -> float:
    return arith.rand_of(s.n, *s.squares)


def _fowlkes_mallows_of_sums(s: Replicate) -> float:
    return arith.fowlkes_mallows_of(s.n, *s.squares)


def _accuracy(table: Table) -> float:
    s = table.summary
    if s.noise is not None and s.noise.totals.non_unit:
        table.whole_counts("cluster accuracy")  # refused, naming the score
    ka, kb = s.row_sums.size, s.col_sums.size
    return arith.cluster_accuracy_of(s.rows, s.cols, s.counts, ka, kb, s.n, s.noise)


def _rmi(table: Table, reduction: str) -> float:
    if reduction == "none":
        return table.summary.mi
    counted = table.whole_counts("the reduced mutual information").summary
    return reduced.reduced_mutual_info(counted, reduction)


def _nrmi(table: Table, normalization: str, reduction: str) -> float:
    s = table.summary
    edge = reduced.nrmi_edge(s.ka, s.kb, normalization)
    if edge is not None:
        return edge
    if reduction == "none":
        return reduced.nrmi_unreduced(s.mi, s.h_preds, s.h_target, normalization)
    counted = table.whole_counts("the normalized reduced mutual information").summary
    return reduced.normalized_reduced_mutual_info(counted, normalization, reduction)


def _summary_score(of_sums: Callable[..., float]) -> Callable[..., float]:
    """Return the score of a table, for the scores that read only its summary."""

    def of_table(table: Table, **options: str) -> float:
        return of_sums(table.summary, **options)

    return of_table


def _regular(func: Callable[..., Any]) -> Callable[..., FloatArray]:
    """Return an arithmetic of (MI, H(preds), H(target)) as an ``of_regular`` (``n`` unread)."""

    def of_regular(mi: FloatArray, h_preds: FloatArray, h_target: FloatArray, n: int,
                   **options: Any) -> FloatArray:  # fmt: skip
        return func(mi, h_preds, h_target, **options)  # type: ignore[no-any-return]

    return of_regular


def _vi_regular(
    mi: FloatArray, h_preds: FloatArray, h_target: FloatArray, n: int, scale: str
) -> FloatArray:
    return arith.variation_of_information_of(mi, h_preds, h_target, scale, n)  # type: ignore[no-any-return]


def _identity(mi: FloatArray, h_preds: FloatArray, h_target: FloatArray) -> FloatArray:
    return mi


# The MI and its ratios are 0 at independence, the edge of their range, which every replicate
# overshoots by about as much as the score does: the basic interval, reflected about the score
# and kept in the range, reaches 0 (it held 0 in every data set of the coverage benchmark);
# the percentile and BCa intervals lie above it.
_AT_ZERO = ("basic",)

# Declaration order is the order of clustering_scores' keys.
SCORES: tuple[Score, ...] = (
    Score(
        "mi", "mutual_info", "mutual_info_score", "mutual_info", "MutualInfoScore",
        "mutual information between the two labelings, in nats",
        _summary_score(_mi), _mi, _regular(_identity), (0.0, math.inf), False, (), True,
        unit="nats", holds_at_independence=_AT_ZERO,
    ),
    Score(
        "nmi", "nmi", "normalized_mutual_info_score", "normalized_mutual_info",
        "NormalizedMutualInfoScore",
        "mutual information over a mean of the two entropies, in [0, 1]",
        _summary_score(_nmi), _nmi, _regular(arith.nmi_regular), (0.0, 1.0), False,
        ("average_method",), True, holds_at_independence=_AT_ZERO,
    ),
    Score(
        "ami", "ami", "adjusted_mutual_info_score", "adjusted_mutual_info",
        "AdjustedMutualInfoScore",
        "mutual information adjusted for chance: about 0 for random labelings, 1 at most",
        _ami, _ami_of_sums, None, (-math.inf, 1.0), True, ("average_method",), True,
        fixed_margins_only=True,
    ),
    Score(
        "homogeneity", "homogeneity", "homogeneity_score", "homogeneity", "HomogeneityScore",
        "whether each cluster of preds holds one class of target, in [0, 1]",
        _summary_score(_homogeneity), _homogeneity, _regular(arith.homogeneity_of), (0.0, 1.0),
        False, (), False, holds_at_independence=_AT_ZERO,
    ),
    Score(
        "completeness", "completeness", "completeness_score", "completeness",
        "CompletenessScore",
        "whether each class of target lies in one cluster of preds, in [0, 1]",
        _summary_score(_completeness), _completeness, _regular(arith.completeness_of), (0.0, 1.0),
        False, (), False, holds_at_independence=_AT_ZERO,
    ),
    Score(
        "v_measure", "v_measure", "v_measure_score", "v_measure", "VMeasureScore",
        "harmonic mean of homogeneity and completeness (weighted by beta), in [0, 1]",
        _summary_score(_v_measure), _v_measure, _regular(_v_measure_regular), (0.0, 1.0), False,
        ("beta",), True, holds_at_independence=_AT_ZERO,
    ),
    Score(
        "vi", "variation_of_information", "variation_of_information",
        "variation_of_information", "VariationOfInformation",
        "H(preds) + H(target) - 2 MI, a distance between partitions, in nats (or scaled)",
        _summary_score(_vi), _vi, _vi_regular, (0.0, math.inf), False, ("scale",), True,
        higher_is_better=False, unit="nats",
    ),
    Score(
        "ari", "adjusted_rand", "adjusted_rand_score", "adjusted_rand", "AdjustedRandScore",
        "pairs of samples grouped alike, adjusted for chance: 1 at most, about 0 at random",
        _pair_score(arith.ari_of, "the adjusted Rand index"), _ari_of_sums, None,
        (-1.0, 1.0), True, (), True, reads_squares=True,
    ),
    Score(
        "rand", "rand", "rand_score", "rand", "RandScore",
        "share of sample pairs both labelings treat alike (together or apart), in [0, 1]",
        _pair_score(arith.rand_of, "the Rand index"), _rand_of_sums, None, (0.0, 1.0), True,
        (), True, reads_squares=True,
    ),
    Score(
        "fmi", "fowlkes_mallows", "fowlkes_mallows_score", "fowlkes_mallows",
        "FowlkesMallowsIndex",
        "geometric mean of the pair precision and recall of preds against target, in [0, 1]",
        _pair_score(arith.fowlkes_mallows_of, "the Fowlkes-Mallows index"),
        _fowlkes_mallows_of_sums, None, (0.0, 1.0), True, (), True, reads_squares=True,
        torch_function="fowlkes_mallows_index",
    ),
    Score(
        "accuracy", "cluster_accuracy", "cluster_accuracy", "cluster_accuracy",
        "ClusterAccuracy",
        "share of samples in the best one-to-one matching of clusters to classes, in [0, 1]",
        _accuracy, None, None, (0.0, 1.0), False, (), True, unit_singletons=True,
        torch_arguments=("num_classes",),
    ),
    Score(
        "rmi", "reduced_mutual_info", "reduced_mutual_info_score", "reduced_mutual_info",
        "ReducedMutualInfoScore",
        "mutual information less the cost of the table linking the labelings, in nats",
        _rmi, None, None, _ANY, True, ("reduction",), False, unit="nats",
    ),
    Score(
        "nrmi", "normalized_reduced_mutual_info", "normalized_reduced_mutual_info_score",
        "normalized_reduced_mutual_info", "NormalizedReducedMutualInfoScore",
        "reduced mutual information as a share of what target holds, about 1 at most",
        _nrmi, None, None, _ANY, True, ("normalization", "reduction"), False,
    ),
)  # fmt: skip

(MI, NMI, AMI, HOMOGENEITY, COMPLETENESS, V_MEASURE, VI, ARI, RAND, FMI, ACCURACY, RMI,
 NRMI) = SCORES  # fmt: skip
BY_NAME = {score.name: score for score in SCORES}
NAMES = tuple(BY_NAME)


def check_score_name(score: object, argument: str = "score") -> Score:
    """Return the registered score named ``score``; ValueError naming the choices otherwise."""
    if isinstance(score, str) and score in BY_NAME:
        return BY_NAME[score]
    raise ValueError(f"{argument} must be one of {', '.join(map(repr, NAMES))}, got {score!r}")


def all_scores(table: Table) -> dict[str, float]:
    """Return every score of a table (see :meth:`nmi.Contingency.scores`), each computed once.

    A score whose chance model counts samples is NaN where the table's weights forbid it, and
    one that needs noise singletons of weight 1 where they weigh otherwise.
    """
    try:
        table.whole_counts("")
        chance = True
    except ValueError:
        chance = False
    s = table.summary
    heavy_singletons = s.noise is not None and bool(s.noise.totals.non_unit)
    out: dict[str, float] = {}
    for score in SCORES:
        value: Callable[..., float] = score.of
        if (score.counts_samples and not chance) or (score.unit_singletons and heavy_singletons):
            value = _nan
        if "average_method" in score.options:
            for method in AVERAGE_METHODS:
                out[f"{score.key}_{method}"] = value(table, average_method=method)
        else:
            out[score.key] = value(table)
        if score is MI:  # the entropies, beside the mutual information
            out["entropy_preds"], out["entropy_target"] = s.h_preds, s.h_target
    return out


def _nan(table: Table, **options: object) -> float:
    return math.nan
