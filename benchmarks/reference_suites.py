"""Run torchmetrics' own clustering tests against nmi.torch, from a torchmetrics checkout.

Usage: ``python benchmarks/reference_suites.py TORCHMETRICS_CHECKOUT [--ddp]``. The test
folder of the checkout is copied to a temporary folder; in the clustering test files of the
scores nmi offers, the imports of ``torchmetrics.clustering`` and
``torchmetrics.functional.clustering`` are pointed at ``nmi.torch``; then pytest runs them
(``--ddp``: with torchmetrics' pool of two gloo processes, ``USE_PYTEST_POOL=1``). Cluster
accuracy's tests are skipped by torchmetrics unless ``torch_linear_assignment`` and ``aeon``
are installed: nmi needs neither, so the skips are lifted and aeon's reference, the dense
Hungarian assignment, is computed with scipy. The tests need ``cachier`` (torchmetrics'
test helpers import it). Not part of ``make test``: it needs the checkout.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FILES = [
    "test_mutual_info_score.py",
    "test_normalized_mutual_info_score.py",
    "test_adjusted_mutual_info_score.py",
    "test_rand_score.py",
    "test_adjusted_rand_score.py",
    "test_fowlkes_mallows_index.py",
    "test_homogeneity_completeness_v_measure.py",
    "test_cluster_accuracy.py",
]

ACCURACY_REFERENCE = """def clustering_accuracy_score(y_true, y_pred):
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics.cluster import contingency_matrix

    table = contingency_matrix(y_true, y_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return table[rows, cols].sum() / len(y_true)
"""


def point_at_nmi(text: str) -> str:
    """Return a test file's text with torchmetrics' clustering imports taken from nmi.torch."""
    text = re.sub(r"from torchmetrics\.clustering(?:\.\w+)? import", "from nmi.torch import", text)
    return re.sub(
        r"from torchmetrics\.functional\.clustering(?:\.\w+)? import", "from nmi.torch import", text
    )


def lift_accuracy_skips(text: str) -> str:
    """Return cluster accuracy's test text without the skips for packages nmi does not use."""
    text = text.replace(
        "from torchmetrics.utilities.imports import _AEON_AVAILABLE, _TORCH_GREATER_EQUAL_2_1, "
        "_TORCH_LINEAR_ASSIGNMENT_AVAILABLE",
        "from torchmetrics.utilities.imports import _TORCH_GREATER_EQUAL_2_1\n"
        "_AEON_AVAILABLE = _TORCH_LINEAR_ASSIGNMENT_AVAILABLE = True",
    )
    return re.sub(
        r"if _AEON_AVAILABLE:\n.*?clustering_accuracy_score = None\n",
        ACCURACY_REFERENCE,
        text,
        flags=re.S,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a torchmetrics checkout (its tests/ folder)")
    parser.add_argument("--ddp", action="store_true", help="with the pool of two gloo processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tests = Path(tmp) / "tests"
        shutil.copytree(args.checkout / "tests", tests)
        folder = tests / "unittests" / "clustering"
        for name in FILES:
            path = folder / name
            text = point_at_nmi(path.read_text())
            if name == "test_cluster_accuracy.py":
                text = lift_accuracy_skips(text)
            assert "torchmetrics.clustering" not in text, name
            path.write_text(text)
        env = {**os.environ, "USE_PYTEST_POOL": "1" if args.ddp else "0"}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
        command += [str(Path("unittests") / "clustering" / name) for name in FILES]
        return subprocess.run(command, cwd=tests, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
