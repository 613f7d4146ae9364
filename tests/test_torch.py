"""nmi.torch against torchmetrics: functional and Metric parity, validation, state, DDP."""

import json
import pickle
import socket
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tm_clustering = pytest.importorskip("torchmetrics.clustering")
from torchmetrics import MetricCollection  # noqa: E402
from torchmetrics.functional.clustering import (  # noqa: E402
    normalized_mutual_info_score as tm_nmi,
)

import nmi  # noqa: E402
from nmi.torch import (  # noqa: E402
    AdjustedMutualInfoScore,
    NormalizedMutualInfoScore,
    mutual_info_score,
    normalized_mutual_info_score,
)

from .conftest import METHODS, import_error_without  # noqa: E402

# torchmetrics computes in float32
ATOL = 2e-5

DTYPES = [torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool]


def labels(generator, n, k, dtype):
    high = 2 if dtype is torch.bool else k
    return torch.randint(0, high, (n,), generator=generator).to(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_functional_parity(dtype, method):
    g = torch.Generator().manual_seed(3)
    for n, k in ((50, 3), (400, 9), (2000, 40)):
        preds, target = labels(g, n, k, dtype), labels(g, n, k + 2, dtype)
        ours = normalized_mutual_info_score(preds, target, method)
        theirs = tm_nmi(preds, target, method)
        assert ours.shape == ()
        assert ours.dtype == torch.get_default_dtype()
        assert float(ours) == pytest.approx(float(theirs), abs=ATOL)
        assert float(ours) == pytest.approx(
            nmi.normalized_mutual_info_score(preds.numpy(), target.numpy(), method), abs=1e-7
        )


def test_documented_examples():
    target = torch.tensor([0, 3, 2, 2, 1])
    preds = torch.tensor([1, 3, 2, 0, 1])
    assert f"{normalized_mutual_info_score(preds, target, 'arithmetic'):.4f}" == "0.7919"
    metric = NormalizedMutualInfoScore("arithmetic")
    value = metric(torch.tensor([2, 1, 0, 1, 0]), torch.tensor([0, 2, 1, 1, 0]))
    assert f"{value:.4f}" == "0.4744"
    assert float(mutual_info_score(torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 0, 0]))) == (
        pytest.approx(np.log(2), rel=1e-6)
    )


def test_single_cluster_follows_sklearn_not_torchmetrics():
    a, b = torch.tensor([1, 1, 1]), torch.tensor([5, 5, 5])
    assert float(normalized_mutual_info_score(a, b)) == 1.0
    assert float(tm_nmi(a, b)) == 0.0  # the documented difference


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_metric_parity_update_forward_compute_reset(method, dtype):
    g = torch.Generator().manual_seed(11)
    ours = NormalizedMutualInfoScore(method)
    theirs = tm_clustering.NormalizedMutualInfoScore(method)
    for _ in range(6):
        preds, target = labels(g, 300, 12, dtype), labels(g, 300, 5, dtype)
        batch_ours = ours(preds, target)
        batch_theirs = theirs(preds, target)
        assert float(batch_ours) == pytest.approx(float(batch_theirs), abs=ATOL)
        ours.update(preds[:100], target[:100])
        theirs.update(preds[:100], target[:100])
    assert float(ours.compute()) == pytest.approx(float(theirs.compute()), abs=ATOL)
    ours.reset()
    preds, target = labels(g, 50, 4, torch.int64), labels(g, 50, 4, torch.int64)
    ours.update(preds, target)
    assert float(ours.compute()) == pytest.approx(float(tm_nmi(preds, target, method)), abs=ATOL)


def test_state_is_the_sparse_table():
    g = torch.Generator().manual_seed(5)
    metric = NormalizedMutualInfoScore()
    preds = torch.randint(0, 10, (100_000,), generator=g)
    target = torch.randint(0, 3, (100_000,), generator=g)
    for chunk in range(10):
        metric.update(preds[chunk::10], target[chunk::10])
    # updates append their records; reading the table rewrites them as one record a pair
    assert sum(t.numel() for t in metric.pair_counts) == 10 * 30
    metric.table  # noqa: B018
    assert len(metric.pair_counts) == 1
    assert metric.pair_counts[0].numel() == 30
    assert int(metric.pair_counts[0].sum()) == 100_000
    assert float(metric.compute()) == pytest.approx(
        nmi.normalized_mutual_info_score(preds.numpy(), target.numpy()), abs=1e-7
    )
    # what a DDP sync gathers is that table, not the appended records
    gathered = []

    def gather(tensor, group=None):
        gathered.append(tensor.numel())
        return [tensor]

    metric.update(preds[:1000], target[:1000])
    metric.sync(dist_sync_fn=gather, distributed_available=lambda: True)
    assert gathered[:4] == [30, 30, 30, 30]
    metric.unsync()


def test_validation_mirrors_torchmetrics():
    ok = torch.tensor([0, 1, 1])
    with pytest.raises(ValueError, match="same shape"):
        normalized_mutual_info_score(ok, torch.tensor([0, 1]))
    # torchmetrics raises a RuntimeError there: code that catches it catches ours too
    with pytest.raises(RuntimeError, match="same shape"):
        tm_nmi(ok, torch.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="same shape"):
        NormalizedMutualInfoScore().update(ok, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="1-d tensor"):
        normalized_mutual_info_score(ok.reshape(1, 3), ok.reshape(1, 3))
    with pytest.raises(ValueError, match="real, discrete values"):
        normalized_mutual_info_score(ok.float(), ok)
    with pytest.raises(ValueError, match="real, discrete values"):
        normalized_mutual_info_score(ok, ok.to(torch.complex64))
    with pytest.raises(TypeError, match=r"preds must be a torch\.Tensor"):
        normalized_mutual_info_score([0, 1, 1], ok)
    with pytest.raises(ValueError, match="average_method must be one of"):
        normalized_mutual_info_score(ok, ok, "mean")
    metric = NormalizedMutualInfoScore()
    metric.update(ok, ok)
    before = metric.pair_counts[0].clone()
    with pytest.raises(ValueError, match="real, discrete values"):
        metric.update(ok.double(), ok)
    assert torch.equal(metric.pair_counts[0], before)


def test_non_contiguous_and_gradient_inputs():
    g = torch.Generator().manual_seed(2)
    base = torch.randint(0, 6, (400,), generator=g)
    strided = base[::2]
    assert not strided.is_contiguous()
    target = torch.randint(0, 4, (200,), generator=g)
    expected = normalized_mutual_info_score(strided.contiguous(), target)
    assert torch.equal(normalized_mutual_info_score(strided, target), expected)
    logits = torch.randn(200, 6, requires_grad=True)
    preds = logits.argmax(dim=1)
    value = normalized_mutual_info_score(preds, target)
    assert not value.requires_grad
    with pytest.raises(ValueError, match="real, discrete values"):
        normalized_mutual_info_score(logits[:, 0], target)


def test_state_dict_and_pickle_round_trips():
    g = torch.Generator().manual_seed(9)
    metric = NormalizedMutualInfoScore("geometric")
    for _ in range(3):
        metric.update(
            torch.randint(0, 20, (500,), generator=g), torch.randint(0, 6, (500,), generator=g)
        )
    assert metric.state_dict() == {}  # torchmetrics' default: states are not persistent
    metric.persistent(True)
    state = metric.state_dict()
    assert set(state) == {"pair_preds", "pair_target", "pair_counts", "pair_kind", "noise_stats"}
    restored = NormalizedMutualInfoScore("geometric")
    restored.load_state_dict(state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a loaded table is data: no "compute before update"
        assert torch.equal(restored.compute(), metric.compute())
    # a checkpoint written before weights and noise had their states still loads
    old = {k: v for k, v in state.items() if k in ("pair_preds", "pair_target", "pair_counts")}
    from_old = NormalizedMutualInfoScore("geometric")
    from_old.load_state_dict(old)
    assert torch.equal(from_old.compute(), metric.compute())
    twin = pickle.loads(pickle.dumps(metric))
    assert torch.equal(twin.compute(), metric.compute())
    extra = (torch.tensor([1, 2, 3]), torch.tensor([0, 0, 1]))
    twin.update(*extra)
    metric.update(*extra)
    assert torch.equal(twin.compute(), metric.compute())


def test_metric_collection_and_device_moves():
    g = torch.Generator().manual_seed(4)
    collection = MetricCollection(
        {"ours": NormalizedMutualInfoScore(), "theirs": tm_clustering.NormalizedMutualInfoScore()}
    ).to("cpu")
    for _ in range(3):
        collection.update(
            torch.randint(0, 8, (256,), generator=g), torch.randint(0, 3, (256,), generator=g)
        )
    result = collection.compute()
    assert float(result["ours"]) == pytest.approx(float(result["theirs"]), abs=ATOL)
    metric = NormalizedMutualInfoScore(compute_on_cpu=True, sync_on_compute=False).double()
    metric.update(torch.tensor([0, 1, 1]), torch.tensor([1, 0, 0]))
    assert float(metric.compute()) == 1.0


def test_compute_before_update_warns():
    metric = NormalizedMutualInfoScore()
    with pytest.warns(UserWarning, match="before the ``update`` method"):
        value = metric.compute()
    assert float(value) == 1.0


def test_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    metric = NormalizedMutualInfoScore()
    values = [metric(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 1, 0, 2])) for _ in range(3)]
    fig, _ = metric.plot(values)
    fig.savefig(tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 5000


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors():
    preds = torch.tensor([0, 0, 1, 1, 2], device="cuda")
    target = torch.tensor([1, 1, 0, 0, 0], device="cuda")
    value = normalized_mutual_info_score(preds, target)
    assert value.device.type == "cuda"
    assert float(value) == pytest.approx(float(tm_nmi(preds, target)), abs=ATOL)
    metric = NormalizedMutualInfoScore().to("cuda")
    metric.update(preds, target)
    assert metric.compute().device.type == "cuda"


@pytest.mark.spawns
def test_import_without_torch_names_the_extra():
    assert "pip install torch torchmetrics" in import_error_without("nmi.torch", "torch")


DDP_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import torch
    import torch.distributed as dist
    import torch.multiprocessing as mp
    from nmi.torch import NormalizedMutualInfoScore

    def batches(rank, count):
        g = torch.Generator().manual_seed(100 + rank)
        return [
            (torch.randint(0, 50, (1000,), generator=g), torch.randint(0, 7, (1000,), generator=g))
            for _ in range(count)
        ]

    def worker(rank, port, counts, out):
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=2)
        result = {}
        for method in ("arithmetic", "min"):
            metric = NormalizedMutualInfoScore(method)
            for preds, target in batches(rank, counts[rank]):
                metric.update(preds, target)
            metric.table  # the records appended by updates, rewritten as the table DDP syncs
            local_pairs = sum(t.numel() for t in metric.pair_counts)
            result[method] = float(metric.compute())
            result["local_pairs"] = local_pairs
            result["local_samples"] = int(sum(int(t.sum()) for t in metric.pair_counts))
        policy = {"preds": "singleton", "target": "drop"}
        noisy = NormalizedMutualInfoScore(preds_noise=0, target_noise=0, noise_policy=policy)
        for preds, target in batches(rank, counts[rank]):
            noisy.update(preds, target, sample_weight=(target % 3 + 1) * 0.5)
        result["noisy"] = float(noisy.compute())
        halves = NormalizedMutualInfoScore(missing="noise", noise_policy="drop")  # float labels
        for preds, target in batches(rank, counts[rank]):
            halves.update(preds / 2.0, target)
        result["halves"] = float(halves.compute())
        with open(f"{out}.{rank}", "w") as f:
            json.dump(result, f)
        dist.destroy_process_group()

    if __name__ == "__main__":
        port, counts, out = int(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
        mp.spawn(worker, args=(port, counts, out), nprocs=2, join=True)
    """
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.spawns
@pytest.mark.slow
@pytest.mark.parametrize("counts", [[2, 5], [0, 3]])
def test_ddp_two_processes_gloo(tmp_path, counts):
    script = tmp_path / "ddp.py"
    script.write_text(DDP_SCRIPT)
    out = tmp_path / "result"
    subprocess.run(
        [sys.executable, str(script), str(free_port()), json.dumps(counts), str(out)],
        check=True,
        timeout=300,
    )
    results = [json.loads((tmp_path / f"result.{rank}").read_text()) for rank in (0, 1)]
    # the union of both ranks' data, scored in this process
    preds, target = [], []
    for rank in (0, 1):
        g = torch.Generator().manual_seed(100 + rank)
        for _ in range(counts[rank]):
            preds.append(torch.randint(0, 50, (1000,), generator=g))
            target.append(torch.randint(0, 7, (1000,), generator=g))
    preds, target = torch.cat(preds).numpy(), torch.cat(target).numpy()
    for method in ("arithmetic", "min"):
        expected = nmi.normalized_mutual_info_score(preds, target, method)
        for r in results:
            assert r[method] == pytest.approx(expected, abs=1e-6)
    noisy = nmi.normalized_mutual_info_score(
        preds,
        target,
        sample_weight=(target % 3 + 1) * 0.5,
        preds_noise=0,
        target_noise=0,
        noise_policy={"preds": "singleton", "target": "drop"},
    )
    assert noisy != nmi.normalized_mutual_info_score(preds, target)
    for r in results:
        assert r["noisy"] == pytest.approx(noisy, abs=1e-6)
        # float labels 0.5, 1.5, ... stay themselves through the gather (not truncated)
        assert r["halves"] == pytest.approx(
            nmi.normalized_mutual_info_score(preds, target), abs=1e-6
        )
    for rank, r in enumerate(results):
        assert r["local_samples"] == 1000 * counts[rank]
        assert r["local_pairs"] <= 350  # the table crosses processes, not the 1000s of labels


def test_weights_and_noise_match_the_numpy_accumulator():
    g = torch.Generator().manual_seed(21)
    kw = {"preds_noise": -1, "target_noise": [-1, 9], "noise_policy": "singleton"}
    ours = NormalizedMutualInfoScore("min", **kw)
    reference = nmi.NormalizedMutualInfoScore("min", **kw)
    for _ in range(4):
        preds = torch.randint(-1, 8, (700,), generator=g)
        target = torch.randint(-1, 10, (700,), generator=g)
        w = torch.rand(700, generator=g, dtype=torch.float64)
        batch = ours(preds, target, sample_weight=w)
        assert float(batch) == pytest.approx(
            nmi.normalized_mutual_info_score(
                preds.numpy(), target.numpy(), "min", sample_weight=w.numpy(), **kw
            ),
            abs=1e-6,
        )
        reference.update(preds.numpy(), target.numpy(), sample_weight=w.numpy())
    assert float(ours.compute()) == pytest.approx(reference.compute(), abs=1e-6)
    # the state holds no record per noise sample, and round-trips
    records = sum(t.numel() for t in ours.pair_kind)
    assert records <= 8 * 9 + 8 + 9
    restored = NormalizedMutualInfoScore("min", **kw)
    ours.persistent(True)
    restored.load_state_dict(ours.state_dict())
    assert torch.equal(restored.compute(), ours.compute())
    # a refused batch (bad weights) changes nothing
    before = ours.compute()
    with pytest.raises(ValueError, match="finite and non-negative"):
        ours.update(
            torch.tensor([0, 1]), torch.tensor([1, 1]), sample_weight=torch.tensor([1.0, -2.0])
        )
    assert torch.equal(ours.compute(), before)


def test_nan_in_float_tensors_is_missing_when_asked():
    preds = torch.tensor([0.0, 0.0, 1.0, float("nan"), 1.0])
    target = torch.tensor([3, 3, 4, 4, 4])
    with pytest.raises(ValueError, match="real, discrete values"):
        normalized_mutual_info_score(preds, target)
    got = normalized_mutual_info_score(preds, target, noise_policy="drop", missing="noise")
    assert float(got) == 1.0
    weights = torch.tensor([1.0, 2.0, 3.0, 4.0, 0.0])
    value = normalized_mutual_info_score(
        torch.tensor([0, 0, 1, 1, 2]), target, sample_weight=weights
    )
    assert float(value) == pytest.approx(1.0)  # the only mismatched sample has weight 0


def test_unsigned_noise_labels_meet_their_values():
    preds = torch.tensor([65535, 65535, 0, 1], dtype=torch.uint16)
    target = torch.tensor([0, 1, 0, 1])
    kw = dict(preds_noise=65535, noise_policy="drop")
    assert float(normalized_mutual_info_score(preds, target, **kw)) == 1.0
    big = torch.tensor([2**64 - 1, 2**64 - 1, 0, 1], dtype=torch.uint64)
    assert (
        float(normalized_mutual_info_score(big, target, preds_noise=2**64 - 1, noise_policy="drop"))
        == 1.0
    )


LABEL_TENSORS = {
    "float": (
        torch.tensor([0.5, 0.5, 1.5, 2.25, float("nan")]),
        dict(missing="noise", noise_policy="drop"),
    ),
    "uint64": (torch.tensor([2**64 - 1, 2**64 - 1, 2**63, 3, 3], dtype=torch.uint64), {}),
    "bool": (torch.tensor([True, True, False, False, True]), {}),
    "int8": (torch.tensor([-128, -128, 127, 0, 0], dtype=torch.int8), {}),
}


@pytest.mark.parametrize("name", list(LABEL_TENSORS))
def test_every_label_survives_checkpoints_and_merges_exactly(name):
    preds, kw = LABEL_TENSORS[name]
    target = torch.tensor([0, 0, 1, 2, 2])
    live = NormalizedMutualInfoScore(**kw)
    live.update(preds, target)
    expected = float(live.compute())
    saved = NormalizedMutualInfoScore(**kw)
    live.persistent(True)
    saved.load_state_dict(live.state_dict())
    assert float(saved.compute()) == expected
    assert saved.table == live.table
    assert saved.table.row_labels.dtype.kind == live.table.row_labels.dtype.kind
    # the loaded state goes on counting with the same labels: no label is counted twice
    saved.update(preds, target)
    live.update(preds, target)
    assert saved.table == live.table
    other = NormalizedMutualInfoScore(**kw)
    other.update(preds, target)
    other.merge_state(live)
    twice = NormalizedMutualInfoScore(**kw)
    for _ in range(3):
        twice.update(preds, target)
    assert other.table == twice.table
    assert float(other.compute()) == pytest.approx(float(twice.compute()), abs=0)


def test_records_from_sources_with_different_label_types_add_as_tables_do():
    ints = NormalizedMutualInfoScore()
    ints.update(torch.tensor([1, 1, 2]), torch.tensor([0, 0, 1]))
    floats = NormalizedMutualInfoScore(missing="noise", noise_policy="drop")
    floats.update(torch.tensor([1.0, 2.5, float("nan")]), torch.tensor([0, 1, 1]))
    ints.merge_state(floats)
    expected = nmi.contingency_matrix([1, 1, 2, 1.0, 2.5], [0, 0, 1, 0, 1])
    assert ints.table == expected


@pytest.mark.parametrize(
    ("key", "edit", "message"),
    [
        ("pair_counts", lambda s: s["pair_counts"][0].neg_(), r"pair_counts\[0\] is -"),
        ("pair_kind", lambda s: s["pair_kind"][0].fill_(6), "pair_kind holds an unknown kind"),
        (
            "pair_target",
            lambda s: s.__setitem__("pair_target", [s["pair_target"][0][:-1]]),
            "differ in size",
        ),
        (
            "noise_stats",
            lambda s: s.__setitem__("noise_stats", torch.zeros(3, dtype=torch.float64)),
            "noise totals",
        ),
    ],
)
def test_a_foreign_or_edited_state_is_refused_and_changes_nothing(key, edit, message):
    metric = NormalizedMutualInfoScore()
    metric.persistent(True)
    metric.update(torch.tensor([0, 0, 1, 2]), torch.tensor([1, 1, 0, 0]))
    before = metric.table
    state = {
        k: [t.clone() for t in v] if isinstance(v, list) else v.clone()
        for k, v in metric.state_dict().items()
    }
    edit(state)
    other = NormalizedMutualInfoScore()
    other.update(torch.tensor([5, 6]), torch.tensor([5, 6]))
    kept = other.table
    with pytest.raises((ValueError, RuntimeError), match=message):
        other.load_state_dict(state)
    assert other.table == kept
    assert metric.table == before


def test_threads_lose_no_sample_and_forward_returns_its_own_batch():
    import threading

    g = torch.Generator().manual_seed(3)
    batches = [
        (torch.randint(0, 50, (20_000,), generator=g), torch.randint(0, 9, (20_000,), generator=g))
        for _ in range(32)
    ]
    metric = NormalizedMutualInfoScore()
    own = {}
    start = threading.Barrier(8)

    def work(k):
        start.wait()
        for i in range(k, len(batches), 8):
            p, t = batches[i]
            if i % 2:
                metric.update(p, t)
            else:
                own[i] = float(metric(p, t))  # forward: the score of this batch alone
            metric.compute()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    preds = torch.cat([b[0] for b in batches]).numpy()
    target = torch.cat([b[1] for b in batches]).numpy()
    assert metric.table.n_samples == preds.size  # every sample kept
    assert metric.table == nmi.contingency_matrix(preds, target)
    for i, value in own.items():
        p, t = batches[i]
        assert value == pytest.approx(
            nmi.normalized_mutual_info_score(p.numpy(), t.numpy()), abs=1e-6
        )


def test_a_metric_with_its_lock_pickles_and_clones():
    import pickle

    metric = NormalizedMutualInfoScore()
    metric.update(torch.tensor([0, 0, 1]), torch.tensor([1, 1, 0]))
    for twin in (pickle.loads(pickle.dumps(metric)), metric.clone()):
        assert twin.table == metric.table
        twin.update(torch.tensor([2]), torch.tensor([2]))  # its own lock works
        assert twin.table.n_samples == 4
    assert metric.table.n_samples == 3


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_scripting_leaves_the_python_metric_working():
    # torch.jit.script on a Metric compiles its TorchScript parts only; ours are Python
    metric = NormalizedMutualInfoScore("max")
    scripted = torch.jit.script(metric)
    assert scripted is not None
    metric.update(torch.tensor([0, 0, 1, 1]), torch.tensor([3, 3, 4, 4]))
    assert float(metric.compute()) == 1.0


def test_compute_groups_share_one_table():
    g = torch.Generator().manual_seed(8)
    batches = [
        (torch.randint(0, 9, (300,), generator=g), torch.randint(0, 4, (300,), generator=g))
        for _ in range(4)
    ]
    collection = MetricCollection(
        {
            "nmi": NormalizedMutualInfoScore("geometric"),
            "ami": AdjustedMutualInfoScore("geometric"),
        },
        compute_groups=True,
    )
    for p, t in batches:
        collection.update(p, t)
    result = collection.compute()
    preds = torch.cat([b[0] for b in batches]).numpy()
    target = torch.cat([b[1] for b in batches]).numpy()
    assert float(result["nmi"]) == pytest.approx(
        nmi.normalized_mutual_info_score(preds, target, "geometric"), abs=1e-6
    )
    assert float(result["ami"]) == pytest.approx(
        nmi.adjusted_mutual_info_score(preds, target, "geometric"), abs=1e-6
    )
    collection.reset()
    collection.update(torch.tensor([0, 0, 1]), torch.tensor([1, 1, 0]))
    assert float(collection.compute()["nmi"]) == 1.0  # reset forgot the first batches


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64, torch.bfloat16])
def test_half_and_double_label_tensors_are_refused_as_torchmetrics_does(dtype):
    preds = torch.tensor([0.0, 1.0, 1.0], dtype=dtype)
    target = torch.tensor([1, 0, 0])
    with pytest.raises(ValueError, match="Expected real, discrete values"):
        normalized_mutual_info_score(preds, target)
    with pytest.raises(ValueError, match="Expected real, discrete values"):
        tm_nmi(preds, target)
    metric = NormalizedMutualInfoScore()
    with pytest.raises(ValueError, match="Expected real, discrete values"):
        metric.update(preds, target)
    # with missing="noise" they are labels, NaN marking a missing one; the score is exact
    noisy = NormalizedMutualInfoScore(missing="noise", noise_policy="drop")
    noisy.update(
        torch.tensor([0.5, 1.5, 1.5, float("nan")], dtype=dtype), torch.tensor([1, 0, 0, 2])
    )
    assert float(noisy.compute()) == 1.0


def test_updates_append_and_the_records_stay_bounded():
    # each update appends its records; they are rewritten as one table once they outnumber
    # it (and 65536), so the state never holds more than about twice the table
    rng = np.random.default_rng(12)
    metric = NormalizedMutualInfoScore()
    preds = rng.integers(0, 400, 300_000)
    target = rng.integers(0, 400, 300_000)
    rewrites = 0
    for chunk in np.array_split(np.arange(preds.size), 60):
        before = len(metric.pair_kind)
        metric.update(torch.from_numpy(preds[chunk]), torch.from_numpy(target[chunk]))
        held = [t.numel() for t in metric.pair_kind]
        rewrites += len(held) < before + 1
        assert sum(held[1:]) <= max(held[0], 1 << 16) + 5000
    assert rewrites >= 1
    assert metric.table == nmi.contingency_matrix(preds, target)
    assert float(metric.compute()) == pytest.approx(
        nmi.normalized_mutual_info_score(preds, target), abs=1e-6
    )


def test_meta_and_sparse_tensors():
    metric = NormalizedMutualInfoScore()
    metric.update(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 1]))
    meta = torch.empty(3, dtype=torch.long, device="meta")
    for preds, target in ((meta, torch.tensor([0, 1, 1])), (torch.tensor([0, 1, 1]), meta)):
        with pytest.raises(ValueError, match="on the meta device, which holds a shape"):
            normalized_mutual_info_score(preds, target)
        with pytest.raises(ValueError, match="on the meta device"):
            metric.update(preds, target)
    with pytest.raises(ValueError, match="sample_weight is on the meta device"):
        normalized_mutual_info_score(
            torch.tensor([0, 1, 1]), torch.tensor([0, 1, 1]), sample_weight=meta.float()
        )
    assert float(metric.compute()) == 1.0  # the refused updates changed nothing
    # a sparse label tensor holds its implicit zeros as labels
    sparse = torch.tensor([0, 1, 1, 0, 2]).to_sparse()
    target = torch.tensor([1, 0, 0, 1, 1])
    want = nmi.normalized_mutual_info_score([0, 1, 1, 0, 2], [1, 0, 0, 1, 1])
    assert float(normalized_mutual_info_score(sparse, target)) == pytest.approx(want, abs=1e-6)
    metric.reset()
    metric.update(sparse, target)
    assert float(metric.compute()) == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
def test_merged_metrics_add_the_singletons_of_both_sides(rng, weighted):
    # noise singletons on both sides, in both metrics: merging adds their totals, so the
    # merged metric scores the two batches together
    policy = {"preds": "singleton", "target": "singleton"}
    kw = dict(preds_noise=-1, target_noise=-1, noise_policy=policy)
    batches = []
    for _ in range(4):
        p, t = rng.integers(-1, 4, 300), rng.integers(-1, 3, 300)
        w = rng.random(300) + 0.5 if weighted else None
        batches.append((p, t, w))
    parts = [NormalizedMutualInfoScore(**kw), NormalizedMutualInfoScore(**kw)]
    for i, (p, t, w) in enumerate(batches):  # two updates each
        extra = {} if w is None else {"sample_weight": torch.from_numpy(w)}
        parts[i // 2].update(torch.from_numpy(p), torch.from_numpy(t), **extra)
    parts[0].merge_state(parts[1])
    p, t, w = (None if x[0] is None else np.concatenate(x) for x in zip(*batches, strict=True))
    expected = nmi.contingency_matrix(p, t, sample_weight=w, **kw)
    merged = parts[0].table
    if weighted:  # the same weights, added in another order
        np.testing.assert_array_equal(merged.rows, expected.rows)
        np.testing.assert_array_equal(merged.cols, expected.cols)
        np.testing.assert_allclose(merged.counts, expected.counts, rtol=1e-12)
        np.testing.assert_allclose(
            merged.noise.totals.to_array(), expected.noise.totals.to_array(), rtol=1e-12
        )
    else:
        assert merged == expected
    assert expected.noise.totals.target > 0
    assert expected.noise.totals.preds > 0
    assert merged.row_entropy() == pytest.approx(expected.row_entropy(), rel=1e-12)
    assert merged.col_entropy() == pytest.approx(expected.col_entropy(), rel=1e-12)
    for method in METHODS:
        want = expected.normalized_mutual_info(method)
        assert merged.normalized_mutual_info(method) == pytest.approx(want, rel=1e-12)
    want = expected.normalized_mutual_info("arithmetic")
    assert float(parts[0].compute()) == pytest.approx(want, rel=1e-6)  # a float32 tensor


@pytest.mark.parametrize("name", ["AdjustedRandScore", "ReducedMutualInfoScore", "VMeasureScore"])
def test_metrics_made_from_the_registry_script_pickle_and_copy(name):
    import copy
    import pickle

    import nmi.torch as nt

    cls = getattr(nt, name)
    metric = cls()
    assert torch.jit.script(metric) is not None
    preds, target = torch.tensor([0, 0, 1, 1, 2, 2]), torch.tensor([0, 0, 1, 1, 1, 2])
    metric.update(preds, target)
    expected = float(metric.compute())
    twice = cls()
    twice.update(torch.cat([preds, preds]), torch.cat([target, target]))
    for twin in (pickle.loads(pickle.dumps(metric)), copy.deepcopy(metric)):
        assert type(twin) is cls
        assert float(twin.compute()) == expected
        twin.update(preds, target)
        assert float(twin.compute()) == float(twice.compute())
    merged = cls()
    merged.update(preds[:3], target[:3])
    other = cls()
    other.update(preds[3:], target[3:])
    merged.merge_state(other)
    assert float(merged.compute()) == expected
    assert repr(cls).endswith(f"nmi.torch.{name}'>")


def test_torchmetrics_arguments_are_taken_as_torchmetrics_takes_them():
    import nmi.torch as nt

    preds, target = torch.tensor([0, 0, 1, 1, 2]), torch.tensor([1, 1, 0, 0, 0])
    metric = nt.ClusterAccuracy(num_classes=3)
    assert metric.num_classes == 3
    assert float(metric(preds, target)) == pytest.approx(0.8)
    assert float(nt.cluster_accuracy(preds, target, 3)) == pytest.approx(0.8)
    assert float(nt.cluster_accuracy(preds, target, num_classes=3)) == pytest.approx(0.8)
    v = nt.VMeasureScore(2.0)
    assert v.beta == 2.0
    assert float(nt.v_measure_score(preds, target, 2.0)) == float(v(preds, target))
    with pytest.raises(ValueError, match="num_classes must be at least 1"):
        nt.ClusterAccuracy(num_classes=0)
    with pytest.raises(TypeError, match="takes at most 1 arguments by position"):
        nt.ClusterAccuracy(3, 4)
    with pytest.raises(TypeError, match="num_classes twice"):
        nt.cluster_accuracy(preds, target, 3, num_classes=3)
    with pytest.raises(TypeError, match="unexpected arguments"):
        nt.rand_score(preds, target, beta=1.0)
