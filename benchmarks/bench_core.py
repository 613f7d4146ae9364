"""Core benchmark: nmi against scikit-learn, torchmetrics and a read-only NumPy pass.

Everything runs on the same data in one process (torchmetrics' large cases in a child process,
so that running out of memory there cannot take this run down). The JIT is warmed before any
timing; each figure is the median of several runs.

Run: make bench   (or: python benchmarks/bench_core.py [--quick])
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

import nmi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_time(func: Callable[[], Any], repeat: int, number: int = 1) -> float:
    func()  # warm-up: JIT load, caches, first-touch of memory
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def read_pass(a: np.ndarray, b: np.ndarray) -> tuple[Any, Any]:
    """One NumPy pass that only reads both arrays: the floor for any exact method."""
    return a.sum(), b.sum()


def make_case(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if name == "uniform100":
        n = 10**7
        return rng.integers(0, 100, n), rng.integers(0, 100, n)
    if name == "spread1e4":
        n = 10**7
        values_a = rng.integers(
            np.iinfo(np.int64).min, np.iinfo(np.int64).max, 10**4, endpoint=True
        )
        values_b = rng.integers(
            np.iinfo(np.int64).min, np.iinfo(np.int64).max, 10**4, endpoint=True
        )
        return values_a[rng.integers(0, 10**4, n)], values_b[rng.integers(0, 10**4, n)]
    if name == "clusters1e5":
        n = 10**6
        return rng.integers(0, 10**5, n), rng.integers(0, 10**5, n)
    if name == "small1000":
        return rng.integers(0, 10, 1000), rng.integers(0, 10, 1000)
    raise ValueError(name)


CASES = {
    # name: (description, repeats, calls per repeat, required ratio vs scikit-learn)
    "uniform100": ("N=1e7, labels uniform in [0, 100)", 5, 1, 100),
    "spread1e4": ("N=1e7, 1e4 labels per side spread over int64", 3, 1, 30),
    "clusters1e5": ("N=1e6, 1e5 clusters per side", 5, 1, 10),
    "small1000": ("N=1000, per call", 7, 300, 20),
}

TORCHMETRICS_CHILD = """
import json, sys, time, numpy as np, torch
from torchmetrics.functional.clustering import normalized_mutual_info_score as tm
name, seed = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
from bench_core import make_case, CASES
a, b = make_case(name, np.random.default_rng(seed))
ta, tb = torch.from_numpy(a), torch.from_numpy(b)
_, repeat, number, _ = CASES[name]
try:
    tm(ta[:1000], tb[:1000])
    times = []
    for _ in range(max(1, repeat // 2)):
        t = time.perf_counter()
        for _ in range(number):
            value = float(tm(ta, tb))
        times.append((time.perf_counter() - t) / number)
    print(json.dumps({"time": sorted(times)[len(times) // 2], "value": value}))
except Exception as exc:  # out of memory is the expected failure at 1e5 clusters
    print(json.dumps({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"}))
"""


def torchmetrics_time(name: str, seed: int) -> dict[str, Any]:
    try:
        out = subprocess.run(
            [sys.executable, "-c", TORCHMETRICS_CHILD, name, str(seed), os.path.dirname(__file__)],
            capture_output=True,
            text=True,
            timeout=900,
        )
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 900 s"}
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["killed"])[-1]
        return {"error": f"exit {out.returncode}: {tail[:120]}"}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def startup_times(repeat: int = 5) -> dict[str, float]:
    """Seconds for `import` plus one first call in a fresh process (warm numba cache)."""
    snippets = {
        "nmi": "import nmi; nmi.normalized_mutual_info_score([0, 1, 1, 2], [0, 1, 1, 1])",
        "sklearn": (
            "from sklearn.metrics import normalized_mutual_info_score as f; "
            "f([0, 1, 1, 2], [0, 1, 1, 1])"
        ),
    }
    result = {}
    for name, code in snippets.items():
        timed = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
        subprocess.run([sys.executable, "-c", code], check=True)  # warms the numba cache
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", timed], check=True, capture_output=True, text=True
                ).stdout
            )
            for _ in range(repeat)
        ]
        result[name] = statistics.median(runs)
    # a first call on 1e5 labels loads numba (a small one runs as plain Python, see nmi._jit)
    large = (
        "import nmi, numpy as np; a = np.arange(100_000) % 97; "
        "nmi.normalized_mutual_info_score(a, a % 7)"
    )
    for key, code in (("nmi_cold", snippets["nmi"]), ("nmi_cold_large", large)):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            timed = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
            result[key] = float(
                subprocess.run(
                    [sys.executable, "-c", timed],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                ).stdout
            )
    timed = f"import time; t = time.perf_counter(); {large}; print(time.perf_counter() - t)"
    result["nmi_large"] = statistics.median(
        float(
            subprocess.run(
                [sys.executable, "-c", timed], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(repeat)
    )
    return result


def main() -> None:
    from sklearn.metrics import normalized_mutual_info_score as sk_nmi

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip torchmetrics")
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    seed = 2026
    print(f"nmi {nmi.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs; medians in ms")
    print()
    header = ["case", "nmi", "scikit-learn", "ratio", "torchmetrics", "ratio"]
    print("| " + " | ".join([*header, "NumPy read pass", "nmi / read"]) + " |")
    print("|---|---|---|---|---|---|---|---|")
    failures = []
    for name in args.cases:
        description, repeat, number, required = CASES[name]
        a, b = make_case(name, np.random.default_rng(seed))
        ours = nmi.normalized_mutual_info_score(a, b)
        theirs = sk_nmi(b, a)
        assert abs(ours - theirs) <= 1e-9 * max(abs(theirs), 1e-3), (ours, theirs)
        t_nmi = median_time(partial(nmi.normalized_mutual_info_score, a, b), repeat, number)
        t_sk = median_time(partial(sk_nmi, b, a), max(1, repeat // 2), max(1, number // 10))
        t_read = median_time(partial(read_pass, a, b), repeat, number)
        tm = {"error": "skipped"} if args.quick else torchmetrics_time(name, seed)
        tm_cell = f"{tm['time'] * 1e3:.3g}" if "time" in tm else f"fails ({tm['error']})"
        tm_ratio = f"{tm['time'] / t_nmi:.0f}x" if "time" in tm else "-"
        ratio = t_sk / t_nmi
        print(
            f"| {description} | {t_nmi * 1e3:.3g} | {t_sk * 1e3:.4g} | {ratio:.0f}x | {tm_cell} | "
            f"{tm_ratio} | {t_read * 1e3:.3g} | {t_nmi / t_read:.2f} |",
            flush=True,
        )
        if ratio < required:
            failures.append(f"{name}: {ratio:.1f}x scikit-learn, {required}x required")
        if name == "uniform100" and t_nmi > 3 * t_read:
            failures.append(f"{name}: {t_nmi / t_read:.2f}x the NumPy read pass, 3x allowed")
    start = startup_times()
    print()
    print(
        f"import + first call on 4 labels, fresh process: nmi {start['nmi'] * 1e3:.0f} ms, "
        f"scikit-learn {start['sklearn'] * 1e3:.0f} ms; with an empty numba cache: nmi "
        f"{start['nmi_cold']:.2f} s (no kernel is compiled for it)"
    )
    print(
        f"import + first call on 1e5 labels (loads numba): nmi {start['nmi_large']:.2f} s with a "
        f"warm numba cache, {start['nmi_cold_large']:.2f} s with an empty one (compiles)"
    )
    if start["nmi"] > start["sklearn"]:
        failures.append("import + first call slower than scikit-learn")
    print()
    print("all targets met" if not failures else "MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
