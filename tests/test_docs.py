"""The documentation site builds without a warning, and every public name has a page."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(tmp_path):
    pytest.importorskip("sphinx")  # the docs extra; part of the test extra
    import nmi.cli
    import nmi.dask
    import nmi.torch

    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(ROOT / "docs"), str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for module in (nmi, nmi.torch, nmi.dask, nmi.cli):
        for name in module.__all__:
            if name.startswith("__"):
                continue
            page = out / "generated" / f"{module.__name__}.{name}.html"
            assert page.is_file(), f"{module.__name__}.{name} has no page"
    guide = (out / "guide.html").read_text()
    for section in ("Quick start", "Streaming", "Noise and missing labels", "Command line"):
        assert section in guide, section
    assert "both labelings a single cluster" in (out / "semantics.html").read_text()
    images = sorted(p.name for p in (out / "_images").glob("*.png"))
    # the demo's picture, NMI over epochs, which score to use and two clusterings compared,
    # drawn at build
    assert len(images) == 4, images
    assert all(name in guide for name in images)
