"""This checkout against another one, side by side: for changes that must not move speed.

Usage: ``python benchmarks/bench_versions.py OTHER [--rounds 3]``, where ``OTHER`` is the root
of another checkout of nmi (e.g. ``git worktree add /tmp/old <commit>``). Each round times
every case in a fresh process of each version, in turns (this machine is shared and noisy:
turns spread the noise over both), best of several repeats after a warm-up call; the table
gives each version's best over the rounds and their ratio. Not part of ``make bench``: it
needs the other checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = r"""
import json, time, warnings
import numpy as np
import nmi

def best(f, repeat=7, number=1):
    f()  # warm: the JIT, the caches
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            f()
        out.append((time.perf_counter() - t) / number)
    return min(out)

rng = np.random.default_rng(0)
tk = rng.integers(0, 10, 1000)
pk = rng.integers(0, 10, 1000)
t6 = rng.integers(0, 100, 1_000_000)
p6 = np.where(rng.random(t6.size) < 0.5, t6, rng.integers(0, 100, t6.size))
t5 = rng.integers(0, 100, 100_000)
p5 = np.where(rng.random(t5.size) < 0.5, t5, rng.integers(0, 100, t5.size))

def stream():
    m = nmi.NormalizedMutualInfoScore()
    for i in range(0, 100_000, 1000):
        m.update(p5[i : i + 1000], t5[i : i + 1000])
    return m.compute()

res = {
    "NMI, N=1000, per call (us)":
        1e6 * best(lambda: nmi.normalized_mutual_info_score(pk, tk), 7, 200),
    "AMI, N=1000, per call (us)":
        1e6 * best(lambda: nmi.adjusted_mutual_info_score(pk, tk), 7, 200),
    "NMI, N=1e6, 100 clusters (ms)": 1e3 * best(lambda: nmi.normalized_mutual_info_score(p6, t6)),
    "clustering_scores, N=1e5 (ms)": 1e3 * best(lambda: nmi.clustering_scores(p5, t5)),
    "stream of 100 batches of 1000 (ms)": 1e3 * best(stream, 5),
}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for score in ("nmi", "ari", "ami"):
        n = 999 if score != "ami" else 99
        res[f"bootstrap {score}, {n} replicates, N=1e5 (ms)"] = 1e3 * best(
            lambda: nmi.bootstrap(p5, t5, score=score, n_resamples=n, random_state=0), 5
        )
    res["permutation test nmi, 999 replicates (ms)"] = 1e3 * best(
        lambda: nmi.permutation_test(p5, t5, n_resamples=999, random_state=0), 3
    )
print(json.dumps(res))
"""


def run(root: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", CASES], env=env, capture_output=True, text=True, check=True,
        cwd=root,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="root of the other checkout")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    other = args.other.resolve()
    mine: dict[str, list[float]] = {}
    theirs: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for root, into in ((other, theirs), (ROOT, mine)):
            for case, value in run(root).items():
                into.setdefault(case, []).append(value)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=other,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    here = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(f"best of {args.rounds} rounds, each a fresh process per version, in turns")
    print(f"| case | {head} (other) | {here} (this) | this / other |")
    print("|---|---|---|---|")
    for case in mine:
        a, b = min(theirs[case]), min(mine[case])
        print(f"| {case} | {a:.3g} | {b:.3g} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
