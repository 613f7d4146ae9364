"""Score two labelings larger than one chunk on a Dask cluster.

Starts a LocalCluster of worker processes on this machine, builds two label arrays lazily
(each chunk is generated on the worker that counts it, so the full arrays never exist in one
place) and scores them. To use a real cluster instead, replace the LocalCluster with the
scheduler's address: ``Client("tcp://scheduler-host:8786")``; every worker needs nmi installed.

Run: python examples/dask_cluster.py [--labels 20000000] [--chunk 2000000] [--workers 2]
"""

from __future__ import annotations

import argparse

import dask
import dask.array as da
import numpy as np
from distributed import Client, LocalCluster

import nmi.dask


def chunk_of_labels(i: int, size: int) -> np.ndarray:
    """Cluster ids of `size` points: a noisy copy of 500 ground-truth communities."""
    rng = np.random.default_rng([2026, i])
    truth = rng.integers(0, 500, size)
    found = np.where(rng.random(size) < 0.75, truth * 2 + 1, rng.integers(0, 1200, size))
    return np.stack([found, truth])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=20_000_000)
    parser.add_argument("--chunk", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n_chunks = -(-args.labels // args.chunk)
    sizes = [min(args.chunk, args.labels - i * args.chunk) for i in range(n_chunks)]
    blocks = [
        da.from_delayed(dask.delayed(chunk_of_labels)(i, size), (2, size), dtype=np.int64)
        for i, size in enumerate(sizes)
    ]
    labels = da.concatenate(blocks, axis=1)
    found, truth = labels[0], labels[1]
    with LocalCluster(
        n_workers=args.workers, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        with Client(cluster) as client:
            print(f"{args.labels} labels in {n_chunks} chunks on {len(client.nthreads())} workers")
            table = nmi.dask.contingency_matrix(found, truth).compute()
    print(f"samples {table.n_samples}, clusters found {table.shape[0]}, true {table.shape[1]}")
    print(f"distinct (found, true) pairs {table.nnz}")
    print(f"mutual information {table.mutual_info():.4f} nats")
    for method in ("min", "geometric", "arithmetic", "max"):
        print(f"NMI ({method}) {table.normalized_mutual_info(method):.6f}")


if __name__ == "__main__":
    main()
