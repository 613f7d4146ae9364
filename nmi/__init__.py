"""nmi: fast, exact normalized mutual information between clusterings.

Numba kernels count label pairs into a sparse contingency table; the scores follow from it.
Importing this package imports neither torch, nor dask, nor matplotlib.
"""

from __future__ import annotations

from ._version import __version__
from .contingency import Contingency
from .functional import (
    adjusted_mutual_info_score,
    clustering_scores,
    contingency_matrix,
    entropy,
    mutual_info_score,
    normalized_mutual_info_score,
    normalized_reduced_mutual_info_score,
    reduced_mutual_info_score,
    score_many,
)
from .metric import (
    AdjustedMutualInfoScore,
    NormalizedMutualInfoScore,
    NormalizedReducedMutualInfoScore,
)
from .uncertainty import (
    BootstrapResult,
    ComparisonResult,
    PermutationTestResult,
    SparseTableWarning,
    bootstrap,
    compare,
    permutation_test,
)

__all__ = [
    "AdjustedMutualInfoScore",
    "BootstrapResult",
    "ComparisonResult",
    "Contingency",
    "NormalizedMutualInfoScore",
    "NormalizedReducedMutualInfoScore",
    "PermutationTestResult",
    "SparseTableWarning",
    "__version__",
    "adjusted_mutual_info_score",
    "bootstrap",
    "clustering_scores",
    "compare",
    "contingency_matrix",
    "entropy",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "normalized_reduced_mutual_info_score",
    "permutation_test",
    "reduced_mutual_info_score",
    "score_many",
]
