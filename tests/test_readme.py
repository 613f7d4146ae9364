"""Every code block of the README and of the docs pages runs: Python blocks, then `nmi` commands.

Each page runs on its own, in a fresh directory: its Python blocks in order, in one
namespace, then the `nmi` commands of its shell blocks (which may read the files the Python
blocks wrote).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(text):
    python = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    shell = [
        line.strip()
        for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)
        for line in block.splitlines()
        if line.strip().startswith("nmi ")
    ]
    return python, shell


def run_page(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files
    python, shell = blocks(page.read_text())
    namespace = {"__name__": "__main__"}
    for index, block in enumerate(python):
        exec(compile(block, f"{page.name} python block {index}", "exec"), namespace)
    script = Path(sys.executable).parent / "nmi"
    outputs = []
    for command in shell:
        args = command.split("#")[0].split()[1:]
        result = subprocess.run(
            [str(script), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert result.returncode == 0, (page.name, command, result.stderr)
        outputs.append(result.stdout)
    return python, shell, outputs


def test_readme_blocks_run(tmp_path, monkeypatch):
    python, shell, outputs = run_page(ROOT / "README.md", tmp_path, monkeypatch)
    assert len(python) >= 4
    assert len(shell) >= 2
    for out in outputs[1:]:
        assert "NMI" in out or '"nmi"' in out


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES[1:], ids=lambda p: p.name)
def test_docs_page_blocks_run(page, tmp_path, monkeypatch):
    run_page(page, tmp_path, monkeypatch)


def test_the_docs_have_code_to_run():
    counts = {page.name: len(blocks(page.read_text())[0]) for page in PAGES[1:]}
    assert counts["guide.md"] >= 10
    assert counts["uncertainty.md"] >= 1
