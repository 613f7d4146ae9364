"""The house: data flows one way, and private modules share only plain names.

Each module of ``nmi`` sits on a layer; it may import modules of lower layers only (imports
under ``if TYPE_CHECKING:``, for annotations, are left out). No module imports another
module's underscore names, and no file is much over 700 lines.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "nmi"

# lowest first: kernels <- counting <- table and scores <- public API <- adapters
LAYERS = [
    ["_jit", "_version"],
    ["_kernels", "_kernels.encode", "_kernels.info", "_kernels.draws"],
    ["_kernels.count", "_kernels.resample"],
    ["_parallel", "_noise"],
    ["_validation"],
    ["_cells", "_encoding"],
    ["_scores"],
    ["_reduced"],
    ["_replicates"],
    ["_resampling"],
    ["contingency"],
    ["_counting"],
    ["_many", "_state"],
    ["functional"],
    ["uncertainty"],
    ["_plot"],
    ["metric", "_demo"],
    ["torch", "dask", "cli", "__init__", "__main__"],
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def runtime_imports(tree):
    """Yield (module imported, names, line) of the imports not under TYPE_CHECKING."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            yield node, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, [alias.name]


def resolve(current, node, name):
    """Return the nmi module an import refers to, or None for outside modules."""
    if isinstance(node, ast.Import):
        return name[4:] if name.startswith("nmi.") else None
    if node.level == 0:
        if node.module == "nmi":
            return "__init__"
        return node.module[4:] if node.module and node.module.startswith("nmi.") else None
    base = current.split(".")[: -node.level] if "." in current else []
    if current.startswith("_kernels.") and node.level == 1:
        base = ["_kernels"]
    target = ".".join([*base, *([node.module] if node.module else [])])
    if not target:  # from . import x
        return name
    if target == "_kernels" and name in ("encode", "count", "info", "resample", "draws"):
        return f"_kernels.{name}"
    return target


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_imports_go_down_the_layers_only(path):
    current = module_name(path)
    assert current in LAYER, f"{current} has no layer in tests/test_layers.py"
    tree = ast.parse(path.read_text())
    for node, names in runtime_imports(tree):
        for name in names:
            target = resolve(current, node, name)
            if target is None or target == current:
                continue
            assert target in LAYER, f"{current} imports unknown module {target}"
            assert LAYER[target] < LAYER[current] or current in ("__init__", "__main__"), (
                f"{current} (layer {LAYER[current]}) imports {target} (layer {LAYER[target]}) "
                f"at line {node.lineno}"
            )
            importing_a_module = isinstance(node, ast.ImportFrom) and node.module is None
            if isinstance(node, ast.ImportFrom) and target != "__init__" and not importing_a_module:
                assert not name.startswith("_") or name == "__version__", (
                    f"{current} imports the underscore name {name} from {target}"
                )


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_no_file_is_much_over_700_lines(path):
    assert len(path.read_text().splitlines()) <= 720
