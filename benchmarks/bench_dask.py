"""Dask benchmark: 1e8 labels generated lazily, scored on a LocalCluster of worker processes.

Each chunk is generated on the worker that counts it, so the arrays never exist in one place.
Reports the wall time, each worker's peak resident memory, and the same data scored in this
process with the NumPy path (the data fits here: 1.6 GB), for the ratio.

Run: python benchmarks/bench_dask.py [--labels 100000000] [--chunk 5000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import resource
import time

import dask
import dask.array as da
import numpy as np
from distributed import Client, LocalCluster

import nmi
import nmi.dask


def chunk_of_labels(i: int, size: int) -> np.ndarray:
    rng = np.random.default_rng([99, i])
    truth = rng.integers(0, 1000, size)
    found = np.where(rng.random(size) < 0.7, truth, rng.integers(0, 1000, size))
    return np.stack([found, truth])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=10**8)
    parser.add_argument("--chunk", type=int, default=5 * 10**6)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n_chunks = -(-args.labels // args.chunk)
    sizes = [min(args.chunk, args.labels - i * args.chunk) for i in range(n_chunks)]
    chunk_mb = 2 * 8 * args.chunk / 2**20
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: nmi.normalized_mutual_info_score([0, 1], [1, 0]))  # load kernels
        baseline = client.run(peak_rss_mb)
        blocks = [
            da.from_delayed(dask.delayed(chunk_of_labels)(i, s), (2, s), dtype=np.int64)
            for i, s in enumerate(sizes)
        ]
        labels = da.concatenate(blocks, axis=1)
        start = time.perf_counter()
        table = nmi.dask.contingency_matrix(labels[0], labels[1]).compute()
        elapsed = time.perf_counter() - start
        peaks = client.run(peak_rss_mb)
    score = table.normalized_mutual_info()
    print(
        f"{args.labels:.0e} labels in {n_chunks} chunks of {args.chunk:.0e} "
        f"({chunk_mb:.0f} MB of labels each), {args.workers} worker processes"
    )
    print(f"dask: {elapsed:.2f} s, NMI {score:.9f}, {table.nnz} distinct pairs")
    for address, peak in peaks.items():
        print(
            f"  worker {address}: peak RSS {peak:.0f} MB ({peak - baseline[address]:+.0f} MB "
            f"during the run; {(peak - baseline[address]) / chunk_mb:.1f} chunks)"
        )
    start = time.perf_counter()
    both = np.concatenate([chunk_of_labels(i, s) for i, s in enumerate(sizes)], axis=1)
    generate = time.perf_counter() - start
    start = time.perf_counter()
    local = nmi.normalized_mutual_info_score(both[0], both[1])
    numpy_time = time.perf_counter() - start
    assert local == score, (local, score)
    print(
        f"one process, NumPy: {generate:.1f} s to generate the labels + {numpy_time:.2f} s to "
        f"score them = {generate + numpy_time:.1f} s; dask (generation included): "
        f"{elapsed:.1f} s, {(generate + numpy_time) / elapsed:.2f}x the one-process speed"
    )


if __name__ == "__main__":
    main()
