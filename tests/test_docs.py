"""The documentation site builds without a warning, and every public name has a page."""

import re
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
    for page in ("install", "guide", "scores", "uncertainty", "semantics", "performance",
                 "internals", "development", "api"):  # fmt: skip
        assert (out / f"{page}.html").is_file(), page
    guide = (out / "guide.html").read_text()
    for section in ("Quick start", "Streaming", "Noise and missing labels", "Command line"):
        assert section in guide, section
    assert "both labelings a single cluster" in (out / "semantics.html").read_text()
    images = sorted(p.name for p in (out / "_images").glob("*.png"))
    # the demo's picture, NMI over epochs, which score to use and two clusterings compared,
    # drawn at build
    assert len(images) == 4, images
    assert all(name in guide for name in images)


def test_the_docs_list_exactly_the_registered_scores():
    from nmi._registry import SCORES

    text = (ROOT / "docs" / "scores.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| `(\w+)` \|", text, flags=re.M)
    assert rows == [(s.name, s.function, s.metric) for s in SCORES]


def test_the_readme_is_a_landing_page_and_the_docs_pages_have_their_own_text():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert "{include}" not in page.read_text(), page.name
