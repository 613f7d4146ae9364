"""The kernels under NUMBA_BOUNDSCHECK=1, and import hygiene, each in a fresh process."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import nmi
    import nmi.contingency as C
    from sklearn.metrics import normalized_mutual_info_score as sk

    C._PARALLEL_MIN = 500       # threaded paths on small inputs
    C._FIRST_BLOCK = 1000       # several sparse blocks and merges
    C._GUESS_PREFIX = 100       # score_many's one-pass counting on small rows
    rng = np.random.default_rng(7)
    checked = 0
    for high in (5, 300, 10**6, 2**62):
        for n in (0, 1, 7, 999, 5000):
            a = rng.integers(0, high, n, dtype=np.int64)
            b = a[rng.permutation(n)] // 2 if n else a
            for x, y in ((a, b), (a.astype(np.int32) % 50, b), (a.astype(np.uint64), b)):
                assert abs(nmi.normalized_mutual_info_score(x, y) - (sk(x, y) if n else 1.0)) < 1e-9
                t = nmi.contingency_matrix(x, y)
                doubled = nmi.contingency_matrix(np.concatenate([x, x]), np.concatenate([y, y]))
                assert t + t == doubled
                assert t.T.T == t
                ami = nmi.adjusted_mutual_info_score(x, y)  # the expected-MI kernel
                assert ami <= 1.0
                checked += 1
    late = np.r_[rng.integers(0, 3, 4999), 77]
    rows = [rng.integers(0, 9, 5000), rng.integers(0, 2**40, 5000), late]
    target = rng.integers(0, 4, 5000)
    many = nmi.score_many(rows, target)
    assert many.tolist() == [nmi.normalized_mutual_info_score(r, target) for r in rows]
    noise = dict(preds_noise=0, target_noise=3, noise_policy="singleton")  # flagged samples
    many = nmi.score_many(rows, target, **noise)
    single = [nmi.normalized_mutual_info_score(r, target, **noise) for r in rows]
    assert np.allclose(many, single, rtol=1e-12, atol=0), (many, single)
    w = rng.random(5000)
    one_pass = [
        nmi.normalized_mutual_info_score(rows[0], target + 7, sample_weight=w),
        nmi.normalized_mutual_info_score(rows[0], target - 3, **noise),
    ]
    C._GUESS_PREFIX = 1 << 16  # the general path, for comparison
    general = [
        nmi.normalized_mutual_info_score(rows[0], target + 7, sample_weight=w),
        nmi.normalized_mutual_info_score(rows[0], target - 3, **noise),
    ]
    assert np.allclose(one_pass, general, rtol=1e-12, atol=0), (one_pass, general)
    s = np.array(["a", "b", "c"])[rng.integers(0, 3, 2000)]
    assert nmi.entropy(s) > 0 and nmi.mutual_info_score(s, s) > 0
    print("checked", checked)
    """
)


def test_kernels_with_boundscheck(tmp_path):
    env = dict(
        os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path), NMI_NUM_THREADS="2"
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "checked 60" in result.stdout


def test_boundscheck_is_really_on(tmp_path):
    # the same set-up catches an out-of-bounds index, so the test above can fail
    code = (
        "import numpy as np\n"
        "from nmi import _kernels as K\n"
        "K._sum_by_index(np.array([5]), np.array([1]), 2)\n"
    )
    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "IndexError" in result.stderr


def test_import_nmi_imports_no_optional_dependency():
    code = (
        "import sys, nmi\n"
        "nmi.normalized_mutual_info_score([0, 1, 1], [1, 0, 0])\n"
        "bad = [m for m in ('torch', 'dask', 'matplotlib', 'torchmetrics') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
