"""Run torchmetrics' and scikit-learn's own clustering tests against nmi.

Usage: ``python benchmarks/reference_suites.py --torchmetrics CHECKOUT [--ddp]`` and
``python benchmarks/reference_suites.py --sklearn``.

torchmetrics: the test folder of the checkout is copied to a temporary folder; in the
clustering test files of the scores nmi offers, the imports of ``torchmetrics.clustering`` and
``torchmetrics.functional.clustering`` are pointed at ``nmi.torch``; then pytest runs them
(``--ddp``: with torchmetrics' pool of two gloo processes, ``USE_PYTEST_POOL=1``). Cluster
accuracy's tests are skipped by torchmetrics unless ``torch_linear_assignment`` and ``aeon``
are installed: nmi needs neither, so the skips are lifted and aeon's reference, the dense
Hungarian assignment, is computed with scipy. The tests need ``cachier`` (torchmetrics'
test helpers import it).

scikit-learn: the installed scikit-learn's ``metrics/cluster/tests/test_supervised.py`` and
``test_common.py`` (the cluster metrics' common checks) are copied, and their imports of the
scores nmi offers are taken from a module of nmi's functions with scikit-learn's signatures,
``(labels_true, labels_pred)`` (nmi's are ``(preds, target)``, as torchmetrics');
``contingency_matrix``, ``expected_mutual_information`` and the unsupervised scores stay
scikit-learn's (nmi's table is an object of its own, and nmi has no such functions).
Messages that name the lengths of both arguments list them in nmi's order: those seven
checks of ``test_error_messages_on_wrong_input`` cannot pass through a wrapper that swaps
them.

Not part of ``make test``: it needs the checkout, and other packages' test helpers.
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


SKLEARN_SIGNATURES = '''"""nmi's scores, scikit-learn's signatures: (labels_true, labels_pred)."""
import nmi


def _swap(func):
    def wrapped(labels_true, labels_pred, **kwargs):
        return func(labels_pred, labels_true, **kwargs)

    wrapped.__name__ = func.__name__
    return wrapped


for _name in (
    "adjusted_rand_score", "rand_score", "homogeneity_score", "completeness_score",
    "v_measure_score", "adjusted_mutual_info_score", "normalized_mutual_info_score",
    "fowlkes_mallows_score", "homogeneity_completeness_v_measure", "pair_confusion_matrix",
    "mutual_info_score",
):
    globals()[_name] = _swap(getattr(nmi, _name))
'''

SKLEARN_SCORES = (
    "adjusted_mutual_info_score", "adjusted_rand_score", "completeness_score",
    "fowlkes_mallows_score", "homogeneity_completeness_v_measure", "homogeneity_score",
    "mutual_info_score", "normalized_mutual_info_score", "pair_confusion_matrix", "rand_score",
    "v_measure_score",
)  # fmt: skip


SKLEARN_FILES = ("test_supervised.py", "test_common.py")


def run_sklearn() -> int:
    """Run scikit-learn's supervised cluster tests against nmi; return pytest's exit status."""
    import sklearn

    folder = Path(sklearn.__file__).parent / "metrics" / "cluster" / "tests"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "nmi_as_sklearn.py").write_text(SKLEARN_SIGNATURES)
        for name in SKLEARN_FILES:
            text = (folder / name).read_text()
            pattern = r"from sklearn\.metrics\.cluster import \((.*?)\)\n"
            block = re.search(pattern, text, flags=re.S)
            assert block is not None, f"scikit-learn's imports moved in {name}"
            names = [n.strip() for n in block.group(1).split(",") if n.strip()]
            theirs = [n for n in names if n not in SKLEARN_SCORES]
            ours = [n for n in names if n in SKLEARN_SCORES]
            replacement = f"from sklearn.metrics.cluster import {', '.join(theirs)}\n"
            replacement += f"from nmi_as_sklearn import {', '.join(ours)}\n"
            (Path(tmp) / name).write_text(text.replace(block.group(0), replacement))
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
        return subprocess.run([*command, *SKLEARN_FILES], cwd=tmp, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torchmetrics", type=Path, help="a torchmetrics checkout")
    parser.add_argument("--ddp", action="store_true", help="with the pool of two gloo processes")
    parser.add_argument("--sklearn", action="store_true", help="the installed scikit-learn's")
    args = parser.parse_args()
    if args.sklearn:
        return run_sklearn()
    if args.torchmetrics is None:
        parser.error("give --torchmetrics CHECKOUT or --sklearn")
    with tempfile.TemporaryDirectory() as tmp:
        tests = Path(tmp) / "tests"
        shutil.copytree(args.torchmetrics / "tests", tests)
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
