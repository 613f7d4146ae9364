"""Every example runs and prints what it promises."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import normalized_mutual_info_score as sk_nmi

import nmi

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(name, *args, cwd=None):
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    ).stdout


def import_example(name):
    sys.path.insert(0, str(EXAMPLES))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def test_numpy_one_shot():
    out = run("numpy_one_shot.py")
    assert "100000 points, 40 clusters, 20 classes" in out
    printed = float(re.search(r"NMI \(arithmetic\): ([0-9.]+)", out).group(1))
    assert 0.6 < printed < 0.8


def test_streaming_plot_improves_and_draws(tmp_path):
    out = run("streaming_plot.py", tmp_path / "epochs.png")
    scores = [float(v) for v in re.findall(r"NMI ([0-9.]+) over 50000 samples", out)]
    assert len(scores) == 8
    assert scores == sorted(scores)  # the simulated model improves every epoch
    assert (tmp_path / "epochs.png").read_bytes().startswith(b"\x89PNG")


def test_torch_training_loop_learns():
    out = run("torch_training_loop.py")
    after = [float(v) for v in re.findall(r"after it ([0-9.]+)", out)]
    assert len(after) == 6
    assert after[-1] > 0.7  # four well-separated blobs are learned


def test_dask_cluster_example_matches_numpy():
    out = run("dask_cluster.py", "--labels", 1_500_000, "--chunk", 400_000)
    assert "1500000 labels in 4 chunks on 2 workers" in out
    example = import_example("dask_cluster")
    sizes = [400_000, 400_000, 400_000, 300_000]
    both = np.concatenate([example.chunk_of_labels(i, s) for i, s in enumerate(sizes)], axis=1)
    expected = nmi.normalized_mutual_info_score(both[0], both[1], "arithmetic")
    printed = float(re.search(r"NMI \(arithmetic\) ([0-9.]+)", out).group(1))
    assert printed == round(expected, 6)


def test_demo_prints_scores_and_writes_a_picture(tmp_path):
    from nmi import _demo

    out = subprocess.run(
        [sys.executable, "-m", "nmi", "demo", "--output", str(tmp_path / "demo.png")],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    assert "iris: 150 flowers, 3 species" in out
    features, species = _demo.load_iris()
    assert features.shape == (150, 4)
    clusters = _demo.kmeans(features, k=3)
    printed = float(re.search(r"NMI \(arithmetic\)\s+([0-9.]+)", out).group(1))
    assert printed == round(sk_nmi(species, clusters), 4)
    assert 0.5 < printed < 1.0
    png = (tmp_path / "demo.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 10_000


def test_which_score_shows_nmi_rising_for_random_labels_and_every_score_peaking_at_the_truth(
    tmp_path,
):
    out = run("which_score.py", tmp_path / "which.png")
    random_part, planted_part = out.split("planted candidates")
    rows = [
        [list(map(float, line.split())) for line in part.splitlines() if line[:8].strip().isdigit()]
        for part in (random_part, planted_part)
    ]
    random_rows, planted_rows = rows
    assert random_rows[-1][1] > 0.1  # NMI of random labels in 300 clusters
    assert all(abs(r[2]) < 0.02 and abs(r[3]) < 0.01 for r in random_rows)  # AMI, RMI
    assert all(abs(r[4]) < 0.01 for r in random_rows)  # ARI
    assert random_rows[-1][5] > 0.85 > random_rows[0][5]  # Rand climbs with the clusters
    assert random_rows[-1][7] < 0.05  # accuracy: one cluster of 300 matched per class
    for column in range(1, 8):
        best = max(planted_rows, key=lambda r: r[column])
        assert best[0] == 10  # every score peaks at the truth's number of clusters
    assert (tmp_path / "which.png").read_bytes().startswith(b"\x89PNG")


def test_compare_clusterings_finds_a_difference_the_overlapping_intervals_hide(tmp_path):
    out = run("compare_clusterings.py", tmp_path / "compare.png")
    found = re.findall(r"NMI of ([AB]): ([0-9.]+)  95% interval \[([0-9.]+), ([0-9.]+)\]", out)
    (_, a, a_low, a_high), (_, b, b_low, b_high) = found
    assert float(a_low) < float(a) < float(a_high)
    assert float(b_low) < float(b) < float(b_high)
    assert float(a_low) < float(b_high)  # the two intervals overlap
    diff = re.search(r"A - B: ([0-9.]+)  95% interval \[([0-9.]+), ([0-9.]+)\]  p = ([0-9.]+)", out)
    value, low, high, p = map(float, diff.groups())
    assert abs(value - (float(a) - float(b))) < 1.1e-3  # a and b printed to 3 decimals
    assert 0 < low < value < high
    assert p < 0.01
    assert (tmp_path / "compare.png").read_bytes().startswith(b"\x89PNG")
