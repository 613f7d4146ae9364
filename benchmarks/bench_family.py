"""The whole clustering-comparison family: each score against NMI, scikit-learn and torchmetrics.

Four tables, in one run, nmi warmed up first:

1. each registered score of a table of about 1e6 cells, a fresh table per call (no score
   cached), against NMI of the same table (target: at most 2x for the scores that follow
   from the table's sums; AMI and the reduced scores price chance or the table itself, and
   the cluster accuracy solves an assignment, reported alone);
2. each score with a scikit-learn counterpart, from 1e7 labels in 100 clusters, against
   scikit-learn (target: at least 30x);
3. the cluster accuracy at 1e4 clusters a side on 1e6 labels (target: under a second), and
   torchmetrics' ``cluster_accuracy`` where it can run (it needs ``torch_linear_assignment``);
4. the update of a ``MetricCollection`` of every nmi.torch clustering metric against NMI's
   alone, batches of 1e4 and 1e5 labels after the first (target: at most 1.5x; one compute
   group, one table).

Run: python benchmarks/bench_family.py
"""

from __future__ import annotations

import time

import numpy as np
from timing import timed

import nmi
from nmi import _registry as registry

SKLEARN = {
    "mi": "mutual_info_score",
    "nmi": "normalized_mutual_info_score",
    "ami": "adjusted_mutual_info_score",
    "homogeneity": "homogeneity_score",
    "completeness": "completeness_score",
    "v_measure": "v_measure_score",
    "ari": "adjusted_rand_score",
    "rand": "rand_score",
    "fmi": "fowlkes_mallows_score",
}


def fresh(table: nmi.Contingency) -> nmi.Contingency:
    """The same table with nothing computed yet."""
    return nmi.Contingency(table.rows, table.cols, table.counts, table.row_labels,
                           table.col_labels)  # fmt: skip


def from_table(failures: list[str]) -> None:
    rng = np.random.default_rng(1)
    n, k = 10**7, 2000
    target = rng.integers(0, k, n)
    preds = np.where(rng.random(n) < 0.5, target, rng.integers(0, k, n))
    table = nmi.contingency_matrix(preds, target)
    print(f"### 1. from a table of {table.nnz} cells ({k} clusters a side, 1e7 labels)\n")
    print("| score | ms | / NMI |")
    print("|---|---|---|")
    fresh(table).normalized_mutual_info()  # warm the kernels

    def best(score: registry.Score) -> float:
        copies = [fresh(table) for _ in range(3)]  # nothing computed on them yet
        times = []
        for copy in copies:
            start = time.perf_counter()
            score.of(copy)
            times.append(time.perf_counter() - start)
        return min(times)

    base = best(registry.NMI)
    for score in registry.SCORES:
        if score.name == "accuracy":
            continue  # section 3
        seconds = best(score)
        ratio = seconds / base
        print(f"| {score.name} | {1e3 * seconds:.2f} | {ratio:.2f} |", flush=True)
        if score.name not in ("ami", "rmi", "nrmi") and ratio > 2.0:
            failures.append(f"{score.name} from a table: {ratio:.2f}x NMI > 2x")
    print()


def against_sklearn(failures: list[str]) -> None:
    import sklearn.metrics as skm

    rng = np.random.default_rng(2)
    n = 10**7
    target = rng.integers(0, 100, n)
    preds = np.where(rng.random(n) < 0.5, target, rng.integers(0, 100, n))
    print("### 2. 1e7 labels, 100 clusters a side, against scikit-learn\n")
    print("| score | nmi (ms) | scikit-learn (ms) | ratio |")
    print("|---|---|---|---|")
    for score in registry.SCORES:
        if score.name not in SKLEARN:
            continue
        ours = getattr(nmi, score.function)
        theirs = getattr(skm, SKLEARN[score.name])
        ours(preds[:1000], target[:1000])
        t_ours, _ = timed(ours, preds, target, repeat=3)
        t_theirs, _ = timed(theirs, target, preds)
        ratio = t_theirs / t_ours
        print(f"| {score.name} | {1e3 * t_ours:.1f} | {1e3 * t_theirs:.0f} | {ratio:.0f}x |",
              flush=True)  # fmt: skip
        if ratio < 30:
            failures.append(f"{score.name}: {ratio:.0f}x scikit-learn < 30x")
    print()


def accuracy(failures: list[str]) -> None:
    rng = np.random.default_rng(3)
    n, k = 10**6, 10**4
    print("### 3. cluster accuracy, 1e6 labels, 1e4 clusters a side\n")
    print("| labels | nmi (s) | torchmetrics (s) |")
    print("|---|---|---|")
    nmi.cluster_accuracy(rng.integers(0, 50, 1000), rng.integers(0, 50, 1000))  # scipy loads
    for kind in ("half agreeing", "independent"):
        target = rng.integers(0, k, n)
        agree = rng.random(n) < (0.5 if kind == "half agreeing" else 0.0)
        preds = np.where(agree, (target * 7 + 3) % k, rng.integers(0, k, n))
        seconds, _ = timed(nmi.cluster_accuracy, preds, target, repeat=3)
        theirs = "cannot run"
        try:
            import torch
            from torchmetrics.functional.clustering import cluster_accuracy as tm

            start = time.perf_counter()
            tm(torch.from_numpy(preds), torch.from_numpy(target), num_classes=k)
            theirs = f"{time.perf_counter() - start:.2f}"
        except (ImportError, RuntimeError) as exc:
            theirs = f"cannot run: {str(exc).split('.')[0]}"
        print(f"| {kind} | {seconds:.3f} | {theirs} |", flush=True)
        if seconds > 1.0:
            failures.append(f"cluster accuracy ({kind}): {seconds:.2f} s > 1 s")
    print()


def collection(failures: list[str]) -> None:
    try:
        import torch
        from torchmetrics import MetricCollection
    except ImportError:
        print("### 4. torch not installed: skipped\n")
        return
    import nmi.torch as nt

    rng = np.random.default_rng(4)
    print("### 4. torch: the update of every metric in one MetricCollection\n")
    print("Each metric (or collection) is given its first batch untimed: on it a collection")
    print("updates every member once, to find its compute groups. Then the other batches:\n")
    print("| batches | NMI alone (ms) | collection of all (ms) | ratio | compute groups |")
    print("|---|---|---|---|---|")
    for count, size in ((51, 10**4), (21, 10**5)):
        batches = []
        for _ in range(count):
            target = rng.integers(0, 100, size)
            preds = np.where(rng.random(size) < 0.5, target, rng.integers(0, 100, size))
            batches.append((torch.from_numpy(preds), torch.from_numpy(target)))

        def feed(metric: object, batches: list = batches) -> float:
            metric.update(*batches[0])  # type: ignore[attr-defined]
            start = time.perf_counter()
            for p, t in batches[1:]:
                metric.update(p, t)  # type: ignore[attr-defined]
            return time.perf_counter() - start

        def every() -> MetricCollection:
            metrics = {s.metric: getattr(nt, s.metric)() for s in registry.SCORES}
            return MetricCollection(metrics, compute_groups=True)

        feed(nt.NormalizedMutualInfoScore())  # warm
        alone = min(feed(nt.NormalizedMutualInfoScore()) for _ in range(5))
        together = min(feed(every()) for _ in range(5))
        groups = every()
        feed(groups)
        ratio = together / alone
        print(f"| {count - 1} x {size:.0e} | {1e3 * alone:.1f} | {1e3 * together:.1f} | "
              f"{ratio:.2f} | {len(groups.compute_groups)} |", flush=True)  # fmt: skip
        if ratio > 1.5:
            failures.append(f"collection, batches of {size:.0e}: {ratio:.2f}x NMI alone > 1.5x")
        if len(groups.compute_groups) != 1:
            failures.append(f"collection: {len(groups.compute_groups)} compute groups")
    print()


def main() -> None:
    failures: list[str] = []
    from_table(failures)
    against_sklearn(failures)
    accuracy(failures)
    collection(failures)
    print("all targets met" if not failures else "MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
