"""nmi.dask on a real LocalCluster (two worker processes) and on the local schedulers."""

import os
import signal
import time

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.threadpools  # dask's threaded scheduler and clusters

import nmi  # noqa: E402
import nmi.dask as nd  # noqa: E402

from .conftest import METHODS, import_error_without  # noqa: E402

N_CHUNKS = 20
CHUNK = 500_000  # 1e7 labels in all


def make_chunk(i, seed=7, delay=0.0):
    """Deterministic labels for chunk i: the same on a worker and in this process."""
    if delay:
        time.sleep(delay)
    rng = np.random.default_rng([seed, i])
    target = rng.integers(0, 1000, CHUNK)
    preds = np.where(rng.random(CHUNK) < 0.6, target // 3, rng.integers(0, 400, CHUNK))
    return np.stack([preds, target])


def lazy_labels(n_chunks=N_CHUNKS, delay=0.0, target_chunks=None):
    blocks = [
        da.from_delayed(dask.delayed(make_chunk)(i, delay=delay), (2, CHUNK), dtype=np.int64)
        for i in range(n_chunks)
    ]
    both = da.concatenate(blocks, axis=1)
    preds, target = both[0], both[1]
    if target_chunks is not None:
        target = target.rechunk(target_chunks)
    return preds, target


def eager_labels(n_chunks=N_CHUNKS):
    both = np.concatenate([make_chunk(i) for i in range(n_chunks)], axis=1)
    return both[0], both[1]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def expected_table():
    return nmi.contingency_matrix(*eager_labels())


@pytest.mark.slow
def test_cluster_agrees_exactly_with_numpy_every_method(client, expected_table):
    preds, target = lazy_labels()
    assert preds.numblocks[0] >= 10
    table = nd.contingency_matrix(preds, target).compute()
    assert table == expected_table
    assert table.n_samples == N_CHUNKS * CHUNK
    for method in METHODS:
        assert table.normalized_mutual_info(method) == expected_table.normalized_mutual_info(method)
    assert nd.normalized_mutual_info_score(preds, target, "geometric") == (
        expected_table.normalized_mutual_info("geometric")
    )
    assert nd.mutual_info_score(preds, target) == expected_table.mutual_info()
    with dask.config.set(scheduler="threads"):  # the same on the local threaded scheduler
        assert nd.contingency_matrix(preds, target).compute() == expected_table


@pytest.mark.slow
def test_misaligned_chunks_and_tree_fan_in(client, expected_table):
    preds, target = lazy_labels(target_chunks=700_001)
    assert preds.chunks != target.chunks
    for split_every in (2, 64):
        assert nd.contingency_matrix(preds, target, split_every=split_every).compute() == (
            expected_table
        )
    with pytest.raises(ValueError, match="split_every must be at least 2"):
        nd.contingency_matrix(preds, target, split_every=1)


def never(*_):
    raise AssertionError("this chunk must never be computed")


def exploding(n_chunks, size):
    blocks = [
        da.from_delayed(dask.delayed(never)(i), (size,), dtype=np.int64) for i in range(n_chunks)
    ]
    return da.concatenate(blocks)


def test_errors_come_before_any_work():
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[3000, 2000\]"):
        nd.contingency_matrix(exploding(3, 1000), exploding(2, 1000))
    unknown_a = exploding(3, 1000)
    unknown_a = unknown_a[unknown_a > 0]
    unknown_b = exploding(4, 1000)
    unknown_b = unknown_b[unknown_b > 0]
    with pytest.raises(ValueError, match="unknown chunk sizes that cannot be aligned"):
        nd.contingency_matrix(unknown_a, unknown_b)
    with pytest.raises(TypeError, match="must both be dask arrays or both dask Series"):
        nd.contingency_matrix(np.arange(3), np.arange(3))
    with pytest.raises(ValueError, match="1-D dask array"):
        nd.contingency_matrix(da.zeros((3, 3)), da.zeros((3, 3)))
    with pytest.raises(ValueError, match="average_method must be one of"):
        nd.normalized_mutual_info_score(exploding(1, 10), exploding(1, 10), "mean")


def test_unknown_but_matching_chunks_and_local_schedulers():
    preds, target = lazy_labels(n_chunks=4)
    mask = preds % 5 != 0
    kept_p, kept_t = preds[mask], target[mask]
    assert np.isnan(kept_p.shape[0])
    p, t = eager_labels(n_chunks=4)
    expected = nmi.contingency_matrix(p[p % 5 != 0], t[p % 5 != 0])
    for scheduler in ("threads", "synchronous"):
        with dask.config.set(scheduler=scheduler):
            assert nd.contingency_matrix(kept_p, kept_t).compute() == expected
    # chunks of unknown size that turn out to differ are caught by the task that sees them
    with pytest.raises(ValueError, match=r"chunks of different lengths \(\d+ and \d+, chunk \d\)"):
        with dask.config.set(scheduler="synchronous"):
            nd.contingency_matrix(kept_p, target[target % 5 != 0]).compute()


def test_a_bad_sample_is_named_at_its_index_in_the_whole_array():
    labels = np.zeros(10_000)
    labels[9_000] = np.nan
    weights = np.ones(10_000)
    weights[7_777] = -1.0
    zeros = da.zeros(10_000, chunks=1000)
    with dask.config.set(scheduler="synchronous"):
        with pytest.raises(ValueError, match=r"preds contains NaN at index 9000: labels must"):
            nd.normalized_mutual_info_score(da.from_array(labels, chunks=1000), zeros)
        with pytest.raises(ValueError, match=r"target contains NaN at index 9000: labels must"):
            nd.normalized_mutual_info_score(zeros, da.from_array(labels, chunks=(999, 9001)))
        with pytest.raises(ValueError, match=r"sample_weight\[7777\] is -1.0: weights must"):
            nd.normalized_mutual_info_score(
                zeros, zeros, sample_weight=da.from_array(weights, chunks=1000)
            )
        # sizes unknown (boolean indexing): the index within the chunk, and which chunk
        keep = da.from_array(np.ones(10_000, dtype=bool), chunks=1000)
        unknown = da.from_array(labels, chunks=1000)[keep]
        with pytest.raises(ValueError, match=r"preds contains NaN at index 0 of chunk 9: labels"):
            nd.normalized_mutual_info_score(unknown, zeros[keep])
    # the error crosses process boundaries whole, as from a distributed worker
    import pickle

    with pytest.raises(ValueError, match="at index 9000") as info:
        nmi.normalized_mutual_info_score(labels, labels * 0)
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value)
    assert isinstance(again, ValueError)


@pytest.mark.slow
def test_dataframe_columns(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    p, t = eager_labels(n_chunks=2)
    frame = dd.from_pandas(pd.DataFrame({"cluster": p, "label": t.astype(str)}), npartitions=6)
    table = nd.contingency_matrix(frame["cluster"], frame["label"]).compute()
    assert table == nmi.contingency_matrix(p, t.astype(str))
    other = dd.from_pandas(pd.DataFrame({"x": t}), npartitions=5)
    with pytest.raises(ValueError, match="6 and 5 partitions"):
        nd.contingency_matrix(frame["cluster"], other["x"])


@pytest.mark.slow
def test_a_killed_worker_still_gives_the_exact_value(expected_table):
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        with distributed.Client(cluster) as c:
            pids = c.run(os.getpid)
            preds, target = lazy_labels(delay=0.3)
            future = c.compute(nd.contingency_matrix(preds, target))
            time.sleep(1.5)  # some chunks are counted, others still waiting
            assert not future.done()
            os.kill(next(iter(pids.values())), signal.SIGKILL)
            table = future.result(timeout=240)
            assert table == expected_table
    finally:
        cluster.close()


@pytest.mark.spawns
def test_import_without_dask_names_the_extra():
    assert "pip install 'dask[array,dataframe]' distributed" in import_error_without(
        "nmi.dask", "dask"
    )


@pytest.mark.slow
def test_weights_and_noise_on_the_cluster(client):
    rng = np.random.default_rng(5)
    p, t = rng.integers(-1, 30, 200_000), rng.integers(-1, 12, 200_000)
    w = rng.random(p.size)
    kw = {
        "preds_noise": -1,
        "target_noise": -1,
        "noise_policy": {"preds": "singleton", "target": "drop"},
    }
    table = nd.contingency_matrix(
        da.from_array(p, chunks=30_000),
        da.from_array(t, chunks=45_000),  # re-chunked to preds' chunks
        sample_weight=da.from_array(w, chunks=70_000),
        **kw,
        split_every=3,
    ).compute()
    expected = nmi.contingency_matrix(p, t, sample_weight=w, **kw)
    assert table.shape == expected.shape
    assert table.n_clusters == expected.n_clusters
    assert np.allclose(table.counts, expected.counts, rtol=1e-12)
    assert np.allclose(table.noise.cols, expected.noise.cols, rtol=1e-12)
    for method in METHODS:
        assert table.normalized_mutual_info(method) == pytest.approx(
            expected.normalized_mutual_info(method), abs=1e-12
        )
    with pytest.raises(ValueError, match="preds and sample_weight must have the same length"):
        nd.contingency_matrix(
            da.from_array(p), da.from_array(t), sample_weight=da.from_array(w[:5])
        )
    with pytest.raises(ValueError, match="noise_policy must be one of"):
        nd.contingency_matrix(da.from_array(p), da.from_array(t), noise_policy="skip")


@pytest.mark.slow
def test_dataframe_with_missing_labels_and_weights(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    rng = np.random.default_rng(6)
    truth = rng.integers(0, 5, 3000).astype(float)
    truth[rng.random(truth.size) < 0.2] = np.nan  # unlabelled points
    frame = pd.DataFrame({"cluster": rng.integers(0, 7, 3000), "truth": truth})
    frame["w"] = rng.integers(0, 3, 3000)
    ddf = dd.from_pandas(frame, npartitions=4)
    got = nd.normalized_mutual_info_score(
        ddf["cluster"], ddf["truth"], sample_weight=ddf["w"], noise_policy="drop", missing="noise"
    )
    known = ~np.isnan(truth)
    expected = nmi.normalized_mutual_info_score(
        frame["cluster"][known], truth[known], sample_weight=frame["w"][known]
    )
    assert got == pytest.approx(expected, abs=1e-12)
