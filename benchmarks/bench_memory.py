"""Memory benchmark: peak memory of one score at high cardinality, nmi against scikit-learn.

Each library scores the same labels in a child process of its own: N random int64 labels per
side, almost all distinct (the worst case for a contingency table: N cells). The figure is the
peak resident memory during the call minus the resident memory just before it (the labels
already in memory, the library imported and warmed up on a small input).

Run: python benchmarks/bench_memory.py [--sizes 100000 1000000 10000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys
import numpy as np
library, n, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(42)
if kind == "distinct":
    a = rng.integers(0, 2**62, n)
    b = rng.integers(0, 2**62, n)
else:  # half as many labels as samples per side: about n distinct pairs, repeated labels
    a = rng.integers(0, n // 2, n)
    b = rng.integers(0, n // 2, n)
if library == "nmi":
    import nmi
    score = nmi.normalized_mutual_info_score
    score(a[:5000], b[:5000])  # load the kernels
else:
    from sklearn.metrics import normalized_mutual_info_score
    score = lambda x, y: normalized_mutual_info_score(y, x)
    score(a[:5000], b[:5000])

def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

# ru_maxrss cannot be reset; VmHWM can (on Linux): write 5 to clear_refs
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = rss_kb()
value = score(a, b)
with open("/proc/self/status") as f:
    peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
print(json.dumps({"peak_mb": (peak - before) / 1024, "value": value}))
"""


def run(library: str, n: int, kind: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, library, str(n), kind],
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10**5, 10**6, 10**7])
    args = parser.parse_args()
    header = ["labels per side", "kind", "nmi peak (MB)", "scikit-learn peak (MB)", "ratio"]
    print("| " + " | ".join(header) + " |")
    print("|---|---|---|---|---|")
    failures = []
    for kind in ("distinct", "repeated"):
        for n in args.sizes:
            ours, theirs = run("nmi", n, kind), run("sklearn", n, kind)
            assert abs(ours["value"] - theirs["value"]) < 1e-9, (ours, theirs)
            ratio = ours["peak_mb"] / theirs["peak_mb"]
            print(
                f"| {n:.0e} | {kind} | {ours['peak_mb']:.0f} | {theirs['peak_mb']:.0f} | "
                f"{ratio:.2f} |",
                flush=True,
            )
            if ratio > 1:
                failures.append(f"{n:.0e} {kind}: {ratio:.2f}x scikit-learn's peak")
    print()
    print("all targets met" if not failures else "MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
