"""Bootstrap, permutation and paired comparison of a table: units, plans, replicates, intervals.

The package sits above the table (:mod:`nmi.contingency`) and below the public functions
(:mod:`nmi.uncertainty`). A bootstrap replicate (N samples drawn with replacement) is a
multinomial draw of the table's units, a permutation replicate a random table with the
observed row and column sums; both are drawn by :mod:`nmi._kernels.resample` in O(table)
per replicate and reduced to a few sums as they are drawn, whatever the number of samples.

- :mod:`.units`: a table's units and the views that map them to cells;
- :mod:`.plans`: how the kernels draw (binomials or the Poisson path), by a cost model;
- :mod:`.replicates`: each replicate's score, from its sums or as a table;
- :mod:`.intervals`: intervals, p-values and the checks of the arguments;
- :mod:`.results`: the result classes;
- :mod:`.operations`: bootstrap, permutation test and comparison of tables.
"""

from __future__ import annotations

from .operations import bootstrap_table, compare_tables, permutation_test_table
from .results import (
    BootstrapResult,
    ComparisonResult,
    ConfidenceInterval,
    IndependenceWarning,
    PermutationTestResult,
    SparseTableWarning,
)

__all__ = [
    "BootstrapResult",
    "ComparisonResult",
    "ConfidenceInterval",
    "IndependenceWarning",
    "PermutationTestResult",
    "SparseTableWarning",
    "bootstrap_table",
    "compare_tables",
    "permutation_test_table",
]
