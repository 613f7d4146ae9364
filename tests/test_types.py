"""The package passes mypy --strict under the project's configuration (pyproject.toml).

Part of the default run, so that a change that breaks the annotations fails ``make test``,
not only ``make lint``. ``make mutate`` relies on this: mutmut hands the mutants that fail
this check (a ``None`` where an array is used, an argument dropped from a call) to mypy
instead of running tests against them, and counts them as caught by the type check.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.spawns]


def mypy(*args):
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_the_package_passes_strict_type_checks():
    result = mypy()  # files, strictness and overrides from pyproject.toml's [tool.mypy]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_the_check_fails_on_a_planted_type_error(tmp_path):
    # the same configuration rejects an array argument given None, as a mutant would
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import numpy as np\ndef f(x: np.ndarray) -> int:\n    return int(x.sum())\nf(None)\n"
    )
    result = mypy(str(planted))
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"f" has incompatible type "None"' in result.stdout
