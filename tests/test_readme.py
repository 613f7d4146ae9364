"""Every code block in the README runs: Python blocks in order, then the `nmi` commands."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text()
PYTHON = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
SHELL = [
    line.strip()
    for block in re.findall(r"```sh\n(.*?)```", TEXT, flags=re.S)
    for line in block.splitlines()
    if line.strip().startswith("nmi ")
]


def test_readme_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files
    assert len(PYTHON) >= 4
    for index, block in enumerate(PYTHON):
        namespace = {"__name__": "__main__"}
        exec(compile(block, f"README.md python block {index}", "exec"), namespace)
    assert len(SHELL) >= 2
    script = Path(sys.executable).parent / "nmi"
    for command in SHELL:
        args = command.split()[1:]
        result = subprocess.run(
            [str(script), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert result.returncode == 0, (command, result.stderr)
        assert "NMI" in result.stdout or '"nmi"' in result.stdout
