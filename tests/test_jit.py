"""Numba loads on first need; until then, small calls run the kernels as plain Python.

The plain-Python bridge must return the very bits of the compiled code, so that a score never
depends on whether numba was loaded yet in the process.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sklearn.metrics as sk

from nmi import _jit
from nmi._kernels import count, encode, info

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A battery of small scores: labels of several kinds, noise policies, the accumulator, sums
# of tables; every value is printed with repr, so the comparison is bit for bit.
BATTERY = textwrap.dedent(
    """
    import numpy as np
    import nmi

    def battery():
        rng = np.random.default_rng(11)
        out = []
        for n in (1, 2, 5, 40, 300):
            for ka, kb in ((1, 1), (2, 3), (7, 5), (40, 60)):
                a = rng.integers(0, ka, n)
                b = (a * 3 + rng.integers(0, 2, n)) % kb
                for method in ("min", "geometric", "arithmetic", "max"):
                    out.append(nmi.normalized_mutual_info_score(a, b, average_method=method))
                out.append(nmi.mutual_info_score(a, b))
                out.append(nmi.entropy(b))
                out.append(nmi.normalized_mutual_info_score(a.astype(str), b - 9))
                out.append(nmi.mutual_info_score(a, b, preds_noise=0, noise_policy="singleton"))
                out.append(nmi.mutual_info_score(a, b, target_noise=1, noise_policy="drop"))
                m = nmi.NormalizedMutualInfoScore()
                m.update(a, b)
                m.update(b, a)
                out.append(m.compute())
                t = nmi.contingency_matrix(a, b)
                out.append(nmi.mutual_info_score(None, None, contingency=t + t.T.T))
        return [repr(float(v)) for v in out]
    """
)


def run_fresh(code, **env):
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=dict(os.environ, **env),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.spawns
def test_import_does_not_load_numba():
    code = "import json, sys, nmi\nprint(json.dumps(['numba' in sys.modules, nmi._jit.loaded()]))"
    assert run_fresh(code) == [False, False]


@pytest.mark.spawns
def plain_and_compiled(source, name):
    """Return ``name()`` of ``source`` as plain Python in a fresh process, then compiled here."""
    code = source + (
        "import json, sys\n"
        "nmi._jit.PLAIN_SECONDS = float('inf')  # every call as plain Python\n"
        f"values = {name}()\n"
        "assert 'numba' not in sys.modules, 'a small call loaded numba'\n"
        "print(json.dumps(values))\n"
    )
    plain = run_fresh(code)
    _jit.load()
    namespace: dict = {}
    exec(source, namespace)
    return plain, namespace[name]()


def test_plain_python_gives_the_bits_of_the_compiled_kernels():
    plain, compiled = plain_and_compiled(BATTERY, "battery")
    assert len(plain) == len(compiled) == 220
    assert plain == compiled


@pytest.mark.spawns
def test_numba_loads_for_a_large_input_and_after_the_time_budget():
    code = (
        "import json, numpy as np, nmi\n"
        "from nmi import _jit\n"
        "nmi.normalized_mutual_info_score([0, 1, 1], [0, 0, 1])\n"
        "before = _jit.loaded()\n"
        "nmi.normalized_mutual_info_score(np.arange(5000) % 3, np.arange(5000) % 4)\n"
        "print(json.dumps([before, _jit.loaded()]))\n"
    )
    assert run_fresh(code) == [False, True]
    code = (
        "import json, nmi\n"
        "from nmi import _jit\n"
        "_jit.PLAIN_SECONDS = 0.02\n"
        "calls = 0\n"
        "while not _jit.loaded():\n"
        "    nmi.normalized_mutual_info_score([0, 1, 1, 2] * 50, [0, 0, 1, 1] * 50)\n"
        "    calls += 1\n"
        "print(json.dumps([calls]))\n"
    )
    (calls,) = run_fresh(code)
    assert 1 < calls < 1000  # a few plain calls, then compiled code


def test_a_kernel_is_compiled_code_once_loaded():
    _jit.load()
    assert _jit.loaded()
    # the module globals name the dispatchers themselves, so kernels can call each other
    for module in (count, encode, info):
        for name, value in vars(module).items():
            assert not isinstance(value, _jit.Kernel), (module.__name__, name)
    assert hasattr(info.information, "signatures")


def rand_table(rng, ka, kb, weights):
    dense = rng.integers(0, 4, ka * kb) * (rng.random(ka * kb) < 0.6)
    if weights:
        dense = dense * rng.random(ka * kb) * 10.0 ** rng.integers(-150, 150)
    return count.dense_to_table(dense, ka, kb)


@pytest.mark.parametrize("weights", [False, True])
def test_each_plain_kernel_matches_its_compiled_code(weights):
    # the outer function as Python (its inner calls compiled) against the whole kernel
    _jit.load()
    rng = np.random.default_rng(5)
    plain = {k.__name__: k for k in _jit._kernels if k.plain}
    assert set(plain) == {
        "min_max", "count_offsets", "dense_to_table", "count_small", "sum_by_index", "renumber",
        "merge_tables", "run_lengths_weighted", "_add_compensated", "entropy_from_counts",
        "_log_count", "log_counts", "mutual_info_terms", "information",
    }  # fmt: skip

    def same(name, *args):
        compiled = getattr(sys.modules[plain[name].__module__], name)(*args)
        python = plain[name]._plain(args)
        assert repr(compiled) == repr(python), (name, compiled, python)

    for _ in range(60):
        ka, kb = (int(k) for k in rng.integers(1, 9, 2))
        rows, cols, counts, row_sums, col_sums = rand_table(rng, ka, kb, weights)
        n = row_sums.sum()
        if n > 0:
            for with_mi in (True, False):
                same("information", rows, cols, counts, row_sums, col_sums, n, with_mi)
            same("entropy_from_counts", row_sums, n)
            same("log_counts", counts)
        same("sum_by_index", rows, counts, ka)
        order = np.argsort(cols, kind="stable")
        same("run_lengths_weighted", cols[order], counts[order])
        other = rand_table(rng, ka, kb, weights)
        size = counts.size + other[2].size
        out = tuple(np.zeros(size, dtype=d) for d in (np.int64, np.int64, counts.dtype))
        copy = tuple(x.copy() for x in out)
        p = count.merge_tables(rows, cols, counts, *other[:3], 4, *out)
        q = plain["merge_tables"]._plain((rows, cols, counts, *other[:3], 4, *copy))
        assert p == q
        assert all(np.array_equal(x, y) for x, y in zip(out, copy, strict=True))
        index = rng.integers(0, 9, 40)
        remap = rng.permutation(9)
        compiled, python = index.copy(), index.copy()
        count.renumber(compiled, remap)
        plain["renumber"]._plain((python, remap))
        np.testing.assert_array_equal(compiled, python)
        np.testing.assert_array_equal(compiled, remap[index])
        a = rng.integers(-5, 5, 50)
        b = rng.integers(100, 103, 50)
        same("min_max", a)
        same("count_small", a, b, -5, 100, 10, 3)
        same("_log_count", float(rng.integers(1, 5000)) if weights else int(rng.integers(1, 5000)))


READ_ONLY = textwrap.dedent(
    """
    import json, os, sys, warnings
    from numba.core import caching

    # as on a read-only install with a read-only home: numba finds no folder to cache in
    caching.CacheImpl._locator_classes = [caching.UserProvidedCacheLocator]
    if sys.argv[1] == "no-temp":
        import tempfile
        tempfile.tempdir = "/proc/nmi-cannot-write-here"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import nmi
        values = [
            nmi.normalized_mutual_info_score([0, 0, 1, 1] * 2000, [0, 1, 1, 1] * 2000),
        ]
    print(json.dumps([nmi._jit.loaded(), values, [str(w.message) for w in caught]]))
    """
)


@pytest.mark.spawns
@pytest.mark.parametrize("where", ["temp", "no-temp"])
def test_numba_without_a_writable_cache_folder(tmp_path, where):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    env.pop("NUMBA_CACHE_DIR", None)
    result = subprocess.run(
        [sys.executable, "-c", READ_ONLY, where],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded, values, caught = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded
    expected = [sk.normalized_mutual_info_score([0, 0, 1, 1] * 2000, [0, 1, 1, 1] * 2000)]
    assert values == pytest.approx(expected, rel=1e-12)
    cached = list(tmp_path.glob("nmi-numba-cache-*/**/*.nbi"))
    if where == "temp":  # a private cache under the temporary directory, silently
        assert caught == []
        assert cached
        assert (os.stat(next(tmp_path.glob("nmi-numba-cache-*"))).st_mode & 0o777) == 0o700
    else:  # no cache at all: compiled in this process, with one warning that says what to do
        assert len(caught) == 1
        assert "NUMBA_CACHE_DIR" in caught[0]
        assert cached == []


NARROW = textwrap.dedent(
    """
    import numpy as np
    import nmi

    def narrow():
        # labels of narrow integer types near their ends: the kernels' arithmetic must be
        # int64 (uint8 255 - 250 is fine, 250 * 3 or 0 - 1 wraps)
        out = []
        for dtype in (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32):
            info = np.iinfo(dtype)
            top, bottom = int(info.max), int(info.min)
            uint8_span = [top, top - 1, bottom, top, bottom, bottom + 1]  # whole range of int8s
            for values in ([top, top - 1, top - 2, top, top - 2, top - 1],
                           [bottom, bottom + 2, bottom + 1, bottom, bottom + 1, bottom + 2],
                           uint8_span if info.bits == 8 else [top] * 6):  # fmt: skip
                a = np.array(values * 4, dtype=dtype)
                b = np.array([0, 0, 1, 1, 2, 2] * 4, dtype=dtype)
                for method in ("min", "arithmetic"):
                    out.append(nmi.normalized_mutual_info_score(a, b, average_method=method))
                out.append(nmi.mutual_info_score(a, b[::-1].copy()))
                out.append(nmi.contingency_matrix(a, b).nnz)
        return [repr(float(v)) for v in out]
    """
)


@pytest.mark.spawns
def test_plain_python_reads_narrow_integer_labels_as_the_compiled_code():
    import sklearn.metrics as skm

    plain, compiled = plain_and_compiled(NARROW, "narrow")
    assert plain == compiled
    a = np.array([255, 254, 253, 255, 253, 254] * 4, dtype=np.uint8)
    b = np.array([0, 0, 1, 1, 2, 2] * 4, dtype=np.uint8)
    expected = skm.normalized_mutual_info_score(b.astype(np.int64), a.astype(np.int64))
    assert float(plain[1]) == pytest.approx(expected, rel=1e-12)  # uint8, near 255
    assert len(plain) == 6 * 3 * 4


def test_kernel_mutation_tries_every_operator_of_every_kernel():
    # benchmarks/mutate_kernels.py --systematic: each mutant changes one token of a kernel,
    # in a text found once in its file; every jit function of every kernel file has some
    import ast
    import importlib.util
    import tokenize
    from pathlib import Path

    root = Path(__file__).parent.parent
    spec = importlib.util.spec_from_file_location("mk", root / "benchmarks" / "mutate_kernels.py")
    mk = importlib.util.module_from_spec(spec)
    sys.modules["mk"] = mk  # its dataclasses look their module up
    try:
        spec.loader.exec_module(mk)
    finally:
        del sys.modules["mk"]
    kernel_files = sorted(p.name for p in (root / "nmi" / "_kernels").glob("*.py"))
    assert sorted(mk.CALLERS) == [f for f in kernel_files if f != "__init__.py"]
    for file in mk.CALLERS:
        source = (root / "nmi" / "_kernels" / file).read_text()
        mutants = mk.operator_mutants(file)
        lines = set(mk.kernel_lines(source))
        hit = {int(m.name.split(".L")[1].split("c")[0]) for m in mutants}
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and node.decorator_list:
                body = set(range(node.lineno, node.end_lineno + 1)) & lines
                text = source.splitlines()
                mutable = any(
                    t.type == tokenize.NUMBER or t.string in mk.SWAPS
                    for k in body
                    for t in mk.line_tokens(text[k - 1])
                )
                assert body & hit or not mutable, (file, node.name)
        for m in mutants:
            assert source.count(m.old) == 1, m.name
            assert m.new != m.old, m.name
            changed = source.replace(m.old, m.new)
            ast.parse(changed)  # still Python
    assert len(mk.operator_mutants("draws.py")) > 400
