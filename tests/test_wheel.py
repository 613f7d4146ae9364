"""The built package as a user installs it: sdist and wheel built, the wheel installed in a
fresh virtual environment outside the source tree, and used there.

Catches what only the source tree has: a subpackage or data file left out of the wheel, an
import of a test-only module, an entry point that does not resolve. The fresh environment
takes nmi's dependencies (numpy, numba, ...) from the test environment through a path file,
which adds no nmi (the editable install's hooks there are not run); the smoke script checks
that the wheel's declared requirements are met by them. Downloading them again would cost
half a minute.
"""

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import numpy as np
import pytest

import nmi

ROOT = Path(__file__).parent.parent

SMOKE = """
import json, subprocess, sys
from importlib.metadata import requires, version
from pathlib import Path
import numpy as np
from packaging.requirements import Requirement
import nmi

for req in map(Requirement, requires("nmi")):  # the wheel's requirements, extras aside
    if req.marker is None or req.marker.evaluate({{"extra": ""}}):
        assert version(req.name) in req.specifier, (req, version(req.name))

where = Path(nmi.__file__).resolve()
assert "site-packages" in where.parts and {root!r} not in str(where), where
assert nmi.__version__ == {version!r}
assert nmi.normalized_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
big = np.arange(5_000) % 97  # beyond the plain-Python size: numba compiles the wheel's kernels
assert nmi.normalized_mutual_info_score(big, big % 5) == {expected!r}
np.save("p.npy", big)
Path("t.csv").write_text("id,label\\n" + "".join(f"{{i}},{{v % 5}}\\n" for i, v in enumerate(big)))
bin = Path(sys.executable).parent
out = subprocess.run([bin / "nmi", "score", "p.npy", "t.csv", "--column", "label", "--json"],
                     capture_output=True, text=True, check=True).stdout
assert json.loads(out)["nmi"]["arithmetic"] == {expected!r}, out
demo = subprocess.run([bin / "nmi", "demo", "--output", "demo.png"],
                      capture_output=True, text=True, check=True).stdout
assert "iris: 150 flowers, 3 species" in demo, demo  # the bundled data set was found
version = subprocess.run([bin / "nmi", "--version"], capture_output=True, text=True, check=True)
assert version.stdout.strip() == "nmi " + nmi.__version__
print("smoke ok")
"""


@pytest.mark.slow
def test_wheel_installed_outside_the_source_tree_works(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheels = list(dist.glob("nmi-*.whl"))
    assert len(wheels) == 1, list(dist.iterdir())
    assert list(dist.glob("nmi-*.tar.gz")), list(dist.iterdir())
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--quiet", str(wheels[0])],
        check=True,
        timeout=300,
    )
    work = tmp_path / "work"
    work.mkdir()
    big = np.arange(5_000) % 97
    expected = nmi.normalized_mutual_info_score(big, big % 5)  # the source tree's value
    script = SMOKE.format(root=str(ROOT), version=nmi.__version__, expected=expected)
    result = subprocess.run(
        [python, "-c", script], cwd=work, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke ok" in result.stdout
