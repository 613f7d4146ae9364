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


def rounded(figure, places):
    """The text of a figure as the run prints it, rounded half up to ``places`` decimals."""
    from decimal import ROUND_HALF_UP, Decimal

    if len(figure.partition(".")[2]) <= places:
        return figure.rstrip(".")
    return str(Decimal(figure).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def test_every_benchmark_run_the_docs_name_is_kept_and_holds_their_tables():
    # a figure of the README or the docs comes from a run kept in benchmarks/runs/: each run
    # named exists, and a table copied from the one run its section names (its header row is
    # the run's) holds the run's figures: each number of each row is one of the run's, or one
    # rounded to fewer places
    named = copied = 0
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for section in re.split(r"\n(?=#)|\n\n(?=\*\*)", page.read_text()):
            runs = re.findall(r"benchmarks/runs/[\w.-]+\.txt", section)
            for run in runs:
                assert (ROOT / run).is_file(), (page.name, run)
                named += 1
            if len(set(runs)) != 1:
                continue
            text = (ROOT / runs[0]).read_text()
            for table in re.findall(r"(?:^\|[^\n]*\|\n?)+", section, re.MULTILINE):
                rows = table.strip().splitlines()
                if rows[0] not in text:
                    continue  # a summary of the run (ranges, rounded), not a copy
                copied += 1
                printed = re.findall(r"\d+\.?\d*", text)
                figures = {rounded(v, k) for v in printed for k in range(4)} | set(printed)
                for row in rows:
                    for number in re.findall(r"\d+\.?\d*", row):
                        assert number in figures, (page.name, runs[0], row, number)
    assert named >= 8
    assert copied >= 3
