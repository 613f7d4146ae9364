"""The house: data flows one way, modules share only plain names, and each states its one job.

Each module of ``nmi`` sits on a layer; it may import modules of lower layers only, imports
for annotations under ``if TYPE_CHECKING:`` included. No module imports another module's
underscore names; nothing below the table builds a table through ``type(table)(...)``; the
first line of each module's docstring says its one job.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "nmi"

# lowest first: kernels <- arithmetic <- registry <- table <- counting <- resampling <- API
LAYERS = [
    ["_jit", "_version", "_types"],
    ["_kernels", "_kernels.encode", "_kernels.info", "_kernels.draws"],
    ["_kernels.count", "_kernels.resample"],
    ["_parallel", "_noise"],
    ["_validation"],
    ["_cells", "_encoding"],
    ["_scores"],
    ["_reduced"],
    ["_registry"],
    ["contingency"],
    ["_counting"],
    ["_resampling.results"],
    ["_resampling.units", "_resampling.plans", "_resampling.intervals"],
    ["_resampling.replicates"],
    ["_resampling.operations"],
    ["_resampling"],
    ["_many", "_state"],
    ["functional"],
    ["uncertainty"],
    ["_plot"],
    ["metric", "_demo"],
    ["torch", "dask", "cli", "__init__", "__main__"],
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
TABLE = LAYER["contingency"]


def module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def is_package(path):
    return path.name == "__init__.py"


def imports(tree):
    """Yield (import node, names imported) of every import, TYPE_CHECKING ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, [alias.name]


def resolve(path, node, name):
    """Return the nmi module an import refers to, or None for outside modules."""
    if isinstance(node, ast.Import):
        return name[4:] if name.startswith("nmi.") else None
    if node.level == 0:
        if node.module == "nmi":
            return "__init__"
        return node.module[4:] if node.module and node.module.startswith("nmi.") else None
    # the package the import is relative to: the module's own for a package's __init__
    current = module_name(path)
    package = [] if current == "__init__" else current.split(".")
    if not is_package(path):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    target = ".".join([*base, *([node.module] if node.module else [])])
    candidate = ".".join([*([target] if target else []), name])
    if candidate in LAYER:  # from . import x, where x is a module
        return candidate
    return target or "__init__"


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_imports_go_down_the_layers_only(path):
    current = module_name(path)
    assert current in LAYER, f"{current} has no layer in tests/test_layers.py"
    tree = ast.parse(path.read_text())
    for node, names in imports(tree):
        for name in names:
            target = resolve(path, node, name)
            if target is None or target == current:
                continue
            assert target in LAYER, f"{current} imports unknown module {target}"
            if current not in ("__init__", "__main__") and not (
                is_package(path) and target.startswith(current + ".")
            ):
                assert LAYER[target] < LAYER[current], (
                    f"{current} (layer {LAYER[current]}) imports {target} (layer "
                    f"{LAYER[target]}) at line {node.lineno}"
                )
            importing_a_module = isinstance(node, ast.ImportFrom) and (
                node.module is None or f"{target}" == ".".join(filter(None, [node.module, name]))
            )
            if isinstance(node, ast.ImportFrom) and target != "__init__" and not importing_a_module:
                assert not name.startswith("_") or name == "__version__", (
                    f"{current} imports the underscore name {name} from {target}"
                )


def test_the_layer_check_sees_imports_for_annotations():
    tree = ast.parse("if TYPE_CHECKING:\n    from .contingency import Contingency\n")
    node, names = next(imports(tree))
    assert resolve(PACKAGE / "_scores.py", node, names[0]) == "contingency"
    node, names = next(imports(ast.parse("from .. import _registry\n")))
    assert resolve(PACKAGE / "_resampling" / "units.py", node, names[0]) == "_registry"
    node, names = next(imports(ast.parse("from .results import X\n")))
    assert resolve(PACKAGE / "_resampling" / "__init__.py", node, names[0]) == (
        "_resampling.results"
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_nothing_below_the_table_builds_a_table_by_its_type(path):
    current = module_name(path)
    if LAYER[current] >= TABLE:
        return
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            inner = node.func.func
            assert not (isinstance(inner, ast.Name) and inner.id == "type"), (
                f"{current} builds an object through type(...)(...) at line {node.lineno}"
            )


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_each_module_states_its_one_job_in_its_first_line(path):
    docstring = ast.get_docstring(ast.parse(path.read_text()), clean=False)
    if path.name == "__main__.py" and docstring is None:
        return
    assert docstring, f"{module_name(path)} has no docstring"
    first, *rest = docstring.split("\n")
    assert first.strip(), "the first line is empty"
    assert first.rstrip().endswith("."), f"{module_name(path)}: one sentence, ending in '.'"
    assert len(first) <= 100, f"{module_name(path)}: the job in one line"
    assert not rest or not rest[0].strip(), "a blank line after the first"


def test_each_score_name_is_written_in_the_registry_only():
    from nmi._registry import NAMES

    assert len(NAMES) == len(set(NAMES)) >= 10
    found = []
    for path in FILES:
        if module_name(path) == "_registry":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in NAMES:
                found.append(f"{module_name(path)}:{node.lineno} {node.value!r}")
    assert not found, "score names outside the registry: " + ", ".join(found)
