"""nmi: fast, exact normalized mutual information between clusterings.

Numba kernels count label pairs into a sparse contingency table; the scores follow from it.
Importing this package imports neither torch, nor dask, nor matplotlib.
"""

from __future__ import annotations

from ._version import __version__
from .contingency import Contingency
from .functional import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    cluster_accuracy,
    clustering_scores,
    completeness_score,
    contingency_matrix,
    entropy,
    fowlkes_mallows_score,
    homogeneity_completeness_v_measure,
    homogeneity_score,
    mutual_info_score,
    normalized_mutual_info_score,
    normalized_reduced_mutual_info_score,
    pair_confusion_matrix,
    rand_score,
    reduced_mutual_info_score,
    score_many,
    v_measure_score,
    variation_of_information,
)
from .metric import (
    AdjustedMutualInfoScore,
    AdjustedRandScore,
    ClusterAccuracy,
    CompletenessScore,
    FowlkesMallowsIndex,
    HomogeneityScore,
    MutualInfoScore,
    NormalizedMutualInfoScore,
    NormalizedReducedMutualInfoScore,
    RandScore,
    ReducedMutualInfoScore,
    VariationOfInformation,
    VMeasureScore,
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
    "AdjustedRandScore",
    "BootstrapResult",
    "ClusterAccuracy",
    "ComparisonResult",
    "CompletenessScore",
    "Contingency",
    "FowlkesMallowsIndex",
    "HomogeneityScore",
    "MutualInfoScore",
    "NormalizedMutualInfoScore",
    "NormalizedReducedMutualInfoScore",
    "PermutationTestResult",
    "RandScore",
    "ReducedMutualInfoScore",
    "SparseTableWarning",
    "VMeasureScore",
    "VariationOfInformation",
    "__version__",
    "adjusted_mutual_info_score",
    "adjusted_rand_score",
    "bootstrap",
    "cluster_accuracy",
    "clustering_scores",
    "compare",
    "completeness_score",
    "contingency_matrix",
    "entropy",
    "fowlkes_mallows_score",
    "homogeneity_completeness_v_measure",
    "homogeneity_score",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "normalized_reduced_mutual_info_score",
    "pair_confusion_matrix",
    "permutation_test",
    "rand_score",
    "reduced_mutual_info_score",
    "score_many",
    "v_measure_score",
    "variation_of_information",
]
