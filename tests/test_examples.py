"""Every example runs and prints what it promises."""

import re
import subprocess
import sys
from pathlib import Path

from sklearn.metrics import normalized_mutual_info_score as sk_nmi

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_score_iris_prints_scores_that_match_sklearn():
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "score_iris.py")],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    assert "150 flowers, 3 species" in out
    printed = float(re.search(r"NMI \(arithmetic\)\s+([0-9.]+)", out).group(1))
    sys.path.insert(0, str(EXAMPLES))
    try:
        import score_iris
    finally:
        sys.path.pop(0)
    features, species = score_iris.load_iris()
    assert features.shape == (150, 4)
    clusters = score_iris.kmeans(features, k=3)
    assert printed == round(sk_nmi(species, clusters), 4)
    assert 0.5 < printed < 1.0


def test_dask_cluster_example_matches_numpy():
    import numpy as np

    import nmi

    out = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "dask_cluster.py"),
            "--labels",
            "1500000",
            "--chunk",
            "400000",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    assert "1500000 labels in 4 chunks on 2 workers" in out
    sys.path.insert(0, str(EXAMPLES))
    try:
        import dask_cluster
    finally:
        sys.path.pop(0)
    sizes = [400_000, 400_000, 400_000, 300_000]
    both = np.concatenate([dask_cluster.chunk_of_labels(i, s) for i, s in enumerate(sizes)], axis=1)
    expected = nmi.normalized_mutual_info_score(both[0], both[1], "arithmetic")
    printed = float(re.search(r"NMI \(arithmetic\) ([0-9.]+)", out).group(1))
    assert printed == round(expected, 6)
