"""The kernels under NUMBA_BOUNDSCHECK=1, and import hygiene, each in a fresh process."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import pytest
    import nmi
    from sklearn.metrics import normalized_mutual_info_score as sk
    from tests.conftest import table_information as information
    from tests.conftest import Tuned

    nmi._jit.load()  # compiled code from the first call: small calls would run as plain Python

    # threaded paths, several sparse blocks and merges, and the one-pass count on small rows
    tuned = Tuned(parallel_min=500, first_block=1000, guess_prefix=100)
    rng = np.random.default_rng(7)
    checked = 0
    for high in (5, 300, 10**6, 2**62):
        for n in (0, 1, 7, 999, 5000):
            a = rng.integers(0, high, n, dtype=np.int64)
            b = a[rng.permutation(n)] // 2 if n else a
            for x, y in ((a, b), (a.astype(np.int32) % 50, b), (a.astype(np.uint64), b)):
                assert abs(tuned.nmi(x, y) - (sk(x, y) if n else 1.0)) < 1e-9
                t = tuned.table(x, y)
                assert information(t, min_chunk=100) == pytest.approx(t.information(), rel=1e-12)
                assert information(t, 100, small_cols_min=1) == information(t, 100)
                doubled = tuned.table(np.concatenate([x, x]), np.concatenate([y, y]))
                assert t + t == doubled
                assert t.T.T == t
                ami = tuned.ami(x, y)  # the expected-MI kernel
                assert ami <= 1.0
                checked += 1
    late = np.r_[rng.integers(0, 3, 4999), 77]
    rows = [rng.integers(0, 9, 5000), rng.integers(0, 2**40, 5000), late]
    target = rng.integers(0, 4, 5000)
    many = tuned.many(rows, target)
    assert many.tolist() == [tuned.nmi(r, target) for r in rows]
    noise = dict(preds_noise=0, target_noise=3, noise_policy="singleton")  # flagged samples
    many = tuned.many(rows, target, **noise)
    single = [tuned.nmi(r, target, **noise) for r in rows]
    assert np.allclose(many, single, rtol=1e-12, atol=0), (many, single)
    w = rng.random(5000)
    one_pass = [
        tuned.nmi(rows[0], target + 7, sample_weight=w),
        tuned.nmi(rows[0], target - 3, **noise),
    ]
    general = [  # the general path, for comparison
        nmi.normalized_mutual_info_score(rows[0], target + 7, sample_weight=w),
        nmi.normalized_mutual_info_score(rows[0], target - 3, **noise),
    ]
    assert np.allclose(one_pass, general, rtol=1e-12, atol=0), (one_pass, general)
    s = np.array(["a", "b", "c"])[rng.integers(0, 3, 2000)]
    assert nmi.entropy(s) > 0 and nmi.mutual_info_score(s, s) > 0
    from nmi._cells import sort_keys
    for span in (100, 3 * 2**31, 2**40, 2**62):  # sorted whole, in buckets, in buckets, whole
        keys = rng.integers(0, span, 70000) + span // 3
        keys[::7] = keys[3]
        got = keys.copy()
        sort_keys(got, np.empty_like(got))
        assert np.array_equal(got, np.sort(keys))
    print("checked", checked)
    """
)


@pytest.mark.spawns
@pytest.mark.slow
def test_kernels_with_boundscheck(tmp_path):
    env = dict(
        os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path), NMI_NUM_THREADS="2"
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "checked 60" in result.stdout


@pytest.mark.spawns
def test_boundscheck_is_really_on(tmp_path):
    # the same set-up catches an out-of-bounds index, so the test above can fail
    code = (
        "import numpy as np\n"
        "from nmi import _jit\n"
        "from nmi._kernels import count\n"
        "_jit.load()\n"
        "count.sum_by_index(np.array([5]), np.array([1]), 2)\n"
    )
    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "IndexError" in result.stderr


def test_int64_keys_sorted_in_buckets_as_int32(rng):
    from nmi._cells import sort_keys

    # 3 and 256 buckets; 512 buckets for 2**17 keys, and 2**31 ones, are too many
    for span, bucketed in ((3 * 2**31, True), (2**39, True), (2**40, False), (2**62, False)):
        keys = rng.integers(0, span, 1 << 17) + 2**50
        keys[::5] = keys[1]
        keys[-1] = keys.min() + (span - 1)  # the last bucket's highest key
        got = keys.copy()
        scratch = np.full_like(keys, -1)
        sort_keys(got, scratch)
        np.testing.assert_array_equal(got, np.sort(keys))
        # the low bits went through the scratch buffer exactly when bucketed
        assert (scratch != -1).any() == bucketed


@pytest.mark.spawns
def test_import_nmi_imports_no_optional_dependency():
    # scipy.sparse only for Contingency.to_scipy, tqdm only for the command line's progress
    # bar (numba itself imports the top-level scipy package, for a version check)
    optional = ("torch", "dask", "matplotlib", "torchmetrics", "scipy.sparse", "tqdm", "pandas")
    code = (
        "import sys, nmi\n"
        "nmi.normalized_mutual_info_score([0, 1, 1], [1, 0, 0])\n"
        "nmi.adjusted_mutual_info_score([0, 1, 1], [1, 0, 0])\n"
        "m = nmi.NormalizedMutualInfoScore(); m.update([0, 1], [1, 1]); m.compute()\n"
        f"bad = [m for m in {optional!r} if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
