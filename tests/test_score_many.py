"""score_many: many clusterings against one target, encoded once."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import normalized_mutual_info_score as sk_nmi

import nmi
from nmi._counting import DEFAULT, guess_and_count
from nmi._encoding import Encoder, as_codes
from nmi._kernels import count as kcount
from nmi._validation import as_labels

from .conftest import METHODS, Tuned


@pytest.mark.parametrize("method", METHODS)
def test_each_row_equals_the_one_shot_score(rng, method):
    target = rng.integers(0, 12, 3000)
    rows = np.stack(
        [
            np.where(rng.random(3000) < p, target, rng.integers(0, 9, 3000))
            for p in np.linspace(0, 1, 7)
        ]
    )
    expected = [nmi.normalized_mutual_info_score(r, target, method) for r in rows]
    assert nmi.score_many(rows, target, method).tolist() == expected
    assert nmi.score_many(list(rows), target, method).tolist() == expected


def test_every_label_form_of_the_target(rng, monkeypatch):
    n = 20_000
    targets = [
        rng.integers(0, 300, n),  # offset form
        rng.integers(0, 2**62, 40)[rng.integers(0, 40, n)],  # hash form
        np.array([f"t{i}" for i in range(500)])[rng.integers(0, 500, n)],  # str
        np.array([2**64 - 1, 0, 5], dtype=np.uint64)[rng.integers(0, 3, n)],  # unordered view
    ]
    rows = [rng.integers(0, 2**62, 70)[rng.integers(0, 70, n)], rng.integers(0, 5, n)]
    for target in targets:
        expected = [nmi.normalized_mutual_info_score(r, target) for r in rows]
        assert nmi.score_many(rows, target).tolist() == expected
    monkeypatch.setenv("NMI_NUM_THREADS", "1")
    assert nmi.score_many(rows, targets[0]).tolist() == [
        nmi.normalized_mutual_info_score(r, targets[0]) for r in rows
    ]
    small_blocks = Tuned(first_block=4096)  # hash targets beyond one block
    assert small_blocks.many(rows, targets[1]).tolist() == [
        nmi.normalized_mutual_info_score(r, targets[1]) for r in rows
    ]


def test_edge_cases_and_errors():
    assert nmi.score_many(np.empty((0, 3)), [1, 2, 3]).shape == (0,)
    assert nmi.score_many([[], []], []).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="preds must be 2-D"):
        nmi.score_many(np.arange(3), [1, 2, 3])
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[2, 3\]"):
        nmi.score_many([[0, 1]], [1, 2, 3])
    with pytest.raises(ValueError, match=r"preds\[1\] contains None"):
        nmi.score_many([[0, 1, 1], [0, None, 1]], [1, 2, 3])
    with pytest.raises(TypeError, match="preds must be a 2-D array or a sequence"):
        nmi.score_many(5, [1])
    with pytest.raises(ValueError, match="average_method must be one of"):
        nmi.score_many([[0]], [0], "mean")


def test_range_guessed_from_a_prefix_falls_back_when_wrong(rng):
    n = 4 * DEFAULT.guess_prefix
    target = rng.integers(0, 6, n)
    late_outlier = rng.integers(0, 5, n)
    late_outlier[-1] = 99  # outside the range of the prefix
    early_only = rng.integers(-3, 3, n)  # every value seen early: one pass suffices
    wide = rng.integers(0, 2**40, n)  # range too wide for a small table
    rows = [late_outlier, early_only, wide]
    expected = [nmi.normalized_mutual_info_score(r, target) for r in rows]
    assert nmi.score_many(rows, target).tolist() == expected
    codes = as_codes(as_labels(target, "target"))
    encoder = Encoder(codes.data, codes.decode)
    assert guess_and_count(as_labels(late_outlier, "p"), encoder) is None
    assert guess_and_count(as_labels(early_only, "p"), encoder) is not None
    assert guess_and_count(as_labels(wide, "p"), encoder) is None


def test_a_later_chunk_leaving_the_guessed_range_falls_back(rng, monkeypatch):
    # The one-pass count on threads: each chunk checks the range taken from the prefix. Here
    # the first chunk keeps to it and the second leaves it (cluster ids that grow along the
    # input, as sorted ids do): the count must fall back, in score_many and with weights.
    monkeypatch.setenv("NMI_NUM_THREADS", "2")
    tuned = Tuned(parallel_min=500, guess_prefix=100)
    n = 4000
    early = rng.integers(0, 5, n // 2)
    early[:5] = np.arange(5)  # the prefix sees the whole range of the first chunk
    row = np.r_[early, np.sort(rng.integers(0, 60, n // 2))]
    target = row // 6 + rng.integers(0, 2, n)
    weights = rng.integers(1, 4, n).astype(float)
    expected = nmi.normalized_mutual_info_score(row, target)  # short input: general path
    assert tuned.many([row, row[::-1]], target).tolist() == pytest.approx(
        [expected, nmi.normalized_mutual_info_score(row[::-1], target)], rel=1e-12
    )
    repeated = np.repeat(np.arange(n), weights.astype(int))
    weighted = sk_nmi(target[repeated], row[repeated])
    assert tuned.nmi(row, target, sample_weight=weights) == pytest.approx(weighted, rel=1e-12)
    noise = dict(preds_noise=0, noise_policy="drop")
    kept = row != 0
    assert tuned.nmi(row, target, **noise) == pytest.approx(
        sk_nmi(target[kept], row[kept]), rel=1e-12
    )


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
)
def test_counting_within_a_range_matches_a_plain_loop(rng, dtype):
    info = np.iinfo(dtype)
    lo = max(int(info.min), -5)
    hi = lo + 7
    kb = 3

    def reference(a, b):
        out = np.zeros((hi - lo + 1) * kb, dtype=np.int64)
        for i, (v, w) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            if not lo <= v <= hi:
                return i, out
            out[(v - lo) * kb + w] += 1
        return -1, out

    for n in (0, 3, 5, 96, 97, 1001):
        b = rng.integers(0, kb, n).astype(np.uint8)
        clean = rng.integers(lo, hi + 1, n).astype(dtype)
        cases = [clean]
        for at in sorted({0, n // 2, n // 2 + 1, n // 2 + 2, n - 1} & set(range(n))):
            for bad in {int(info.max), int(info.min), hi + 1, lo - 1} - set(range(lo, hi + 1)):
                if info.min <= bad <= info.max:
                    a = clean.copy()
                    a[at] = bad
                    cases.append(a)
        for a in cases:
            out = np.zeros((hi - lo + 1) * kb, dtype=np.int64)
            stop, expected = reference(a, b)
            assert kcount.count_offsets_within(a, b, lo, hi, kb, out) == stop
            if stop < 0:
                assert out.tolist() == expected.tolist()


POLICIES = ("keep", "drop", "singleton")


@pytest.mark.parametrize("target_policy", POLICIES)
@pytest.mark.parametrize("preds_policy", POLICIES)
def test_noise_policy_in_score_many_matches_one_call_per_row(rng, preds_policy, target_policy):
    tuned = Tuned(guess_prefix=50)  # the one-pass count on small rows too
    n = 400
    target = rng.integers(-1, 7, n)
    agree = rng.random(n) < 0.6
    rows = [
        np.where(agree, target, rng.integers(-1, 5, n)),  # noise in both, often the same samples
        np.r_[rng.integers(0, 4, n - 1), -1],  # noise only after the prefix: flagged, not a value
        np.r_[rng.integers(0, 4, n - 1), 9],  # a value after the prefix: counted alone
        np.full(n, -1),  # all noise
        rng.integers(0, 2**40, n),  # too wide for a dense table
        np.where(rng.random(n) < 0.3, -2, rng.integers(0, 6, n)),  # the second noise label
    ]
    kwargs = dict(
        preds_noise=[-1, -2],
        target_noise=-1,
        noise_policy={"preds": preds_policy, "target": target_policy},
    )
    for method in METHODS:
        got = tuned.many(rows, target, method, **kwargs)
        expected = [tuned.nmi(r, target, method, **kwargs) for r in rows]
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    w = rng.random(n) * (rng.random(n) < 0.9)  # some weights zero
    got = tuned.many(rows, target, sample_weight=w, **kwargs)
    expected = [tuned.nmi(r, target, sample_weight=w, **kwargs) for r in rows]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    all_noise_target = np.full(n, -1)
    got = tuned.many(rows, all_noise_target, **kwargs)
    expected = [tuned.nmi(r, all_noise_target, **kwargs) for r in rows]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("policy", POLICIES)
def test_score_many_with_noise_on_unordered_and_missing_labels(rng, policy):
    tuned = Tuned(guess_prefix=50)  # the one-pass count on small rows too
    n = 300
    # uint64 labels above 2**63 sort differently from their int64 bits
    target = np.array([1, 2, 2**63, 2**63 + 5], dtype=np.uint64)[rng.integers(0, 4, n)]
    row = np.where(rng.random(n) < 0.2, np.uint64(7), target + np.uint64(1))
    small = np.where(rng.random(n) < 0.2, 7, rng.integers(0, 4, n)).astype(np.uint64)
    floats = np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 4, n).astype(float))
    strs = np.array(["a", "b", "?", "c"])[rng.integers(0, 4, n)]
    for rows, t, kwargs in (
        ([row, target, small], target, dict(preds_noise=np.uint64(7), noise_policy=policy)),
        (
            [floats, floats[::-1].copy()],
            floats,
            dict(preds_noise=-1.0, target_noise=-1.0, noise_policy=policy, missing="noise"),
        ),
        ([strs, strs[::-1].copy()], strs, dict(preds_noise="?", noise_policy=policy)),
    ):
        got = tuned.many(rows, t, **kwargs)
        expected = [tuned.nmi(r, t, **kwargs) for r in rows]
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_a_bad_clustering_is_named_under_a_noise_policy():
    rows = [[0, 1, 1], [0, None, 1]]
    with pytest.raises(ValueError, match=r"preds\[1\]: .*missing"):
        nmi.score_many(rows, [1, 2, 3], preds_noise=-1, noise_policy="drop")
    # routed to the policy, the missing label is noise: dropped here
    got = nmi.score_many(rows, [1, 2, 3], preds_noise=-1, noise_policy="drop", missing="noise")
    assert got.tolist() == [
        nmi.normalized_mutual_info_score([0, 1, 1], [1, 2, 3]),
        nmi.normalized_mutual_info_score([0, 1], [1, 3]),
    ]


@settings(max_examples=120, deadline=None)
@given(
    data=st.data(),
    n=st.integers(0, 60),
    b=st.integers(1, 4),
    policies=st.tuples(st.sampled_from(POLICIES), st.sampled_from(POLICIES)),
    weighted=st.booleans(),
    dtype=st.sampled_from([np.int8, np.int64, np.uint16]),
)
def test_score_many_equals_one_call_per_row_on_generated_inputs(
    data, n, b, policies, weighted, dtype
):
    low = 0 if np.dtype(dtype).kind == "u" else -2
    labels = st.lists(st.integers(low, 5), min_size=n, max_size=n)
    target = np.array(data.draw(labels), dtype=dtype)
    rows = [np.array(data.draw(labels), dtype=dtype) for _ in range(b)]
    noise = dict(
        preds_noise=data.draw(st.sampled_from([None, 0, [0, 1]])),
        target_noise=data.draw(st.sampled_from([None, 5])),
        noise_policy={"preds": policies[0], "target": policies[1]},
    )
    if weighted:
        noise["sample_weight"] = np.array(
            data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=n, max_size=n))
        )
    prefix = data.draw(st.sampled_from([1, 4, None]))  # one-pass count on tiny rows
    got = Tuned(guess_prefix=prefix).many(rows, target, **noise)
    expected = [nmi.normalized_mutual_info_score(r, target, **noise) for r in rows]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n", [0, 7, 1000])
def test_counting_within_a_range_adds_weights_and_sets_flagged_samples_apart(rng, n):
    a = rng.integers(-3, 5, n)
    b = rng.integers(0, 4, n).astype(np.uint16)
    w = rng.random(n) * (rng.random(n) < 0.8)
    flagged = rng.random(n) < 0.25
    rows = np.where(flagged, 8, a + 3)  # flagged samples: the extra row 8
    expected = np.bincount(rows * 4 + b, weights=w, minlength=9 * 4)
    out = np.zeros(9 * 4)
    assert kcount.count_offsets_within(a, b, -3, 4, 4, out, flagged, w) == -1
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=0)
    out = np.zeros(8 * 4)
    assert kcount.count_offsets_within(a, b, -3, 4, 4, out, None, w) == -1
    expected = np.bincount((a + 3) * 4 + b, weights=w, minlength=8 * 4)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=0)
    if n:
        a[n - 1] = 9  # out of range, unless flagged
        out = np.zeros(9 * 4)
        stop = kcount.count_offsets_within(a, b, -3, 4, 4, out, flagged, w)
        assert stop == (-1 if flagged[n - 1] else n - 1)


@pytest.mark.parametrize("b_lo", [-(2**40), -2, 0, 7])
def test_counting_within_a_range_reads_the_other_side_from_its_minimum(rng, b_lo):
    n = 1001
    a = rng.integers(0, 5, n)
    b = rng.integers(b_lo, b_lo + 3, n)
    expected = np.bincount(a * 3 + (b - b_lo), minlength=5 * 3)
    for w in (None, rng.random(n)):
        out = np.zeros(5 * 3, dtype=np.int64 if w is None else np.float64)
        assert kcount.count_offsets_within(a, b, 0, 4, 3, out, None, w, b_lo) == -1
        want = expected if w is None else np.bincount(a * 3 + (b - b_lo), w, minlength=15)
        np.testing.assert_allclose(out, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("noise", [{}, {"preds_noise": -1}, {"target_noise": 7}])
def test_a_missing_target_label_is_named_with_or_without_noise_labels(noise):
    with pytest.raises(ValueError, match=r"^target contains None at index 1: missing labels"):
        nmi.score_many([[0, 1, 1]], [0, None, 1], **noise)


def test_score_many_names_what_is_wrong_with_preds():
    with pytest.raises(
        ValueError,
        match=r"^preds must be 2-D \(one clustering per row\), got shape \(2, 2, 2\); for a "
        r"single clustering use normalized_mutual_info_score$",
    ):
        nmi.score_many(np.zeros((2, 2, 2)), [0, 1])
    with pytest.raises(
        TypeError, match=r"^preds must be a 2-D array or a sequence of clusterings, got int$"
    ):
        nmi.score_many(5, [0, 1])
    # a clustering refused under a noise policy: the error keeps its type and names the row
    with pytest.raises(TypeError, match=r"^preds\[1\]: preds mixes label types \(int, str\)"):
        nmi.score_many([[0, 1], [0, "a"]], [0, 1], preds_noise=-1)
    with pytest.raises(ValueError, match=r"^preds\[1\]: preds contains None at index 0"):
        nmi.score_many([[0, 1], [None, 1]], [0, 1], preds_noise=-1)


@pytest.mark.parametrize("distinct", [255, 256, 257, 65537])
def test_shared_target_codes_at_the_edges_of_their_width(rng, distinct):
    # the target is coded once for every row, in the narrowest unsigned dtype that holds
    # distinct - 1: one label more or less around 2**8 and 2**16 must change nothing
    n = 3 * distinct
    target = np.r_[np.arange(distinct), rng.integers(0, distinct, n - distinct)] * 1_000_003
    rows = np.stack([rng.integers(0, 7, n), target // 1_000_003 % 5])
    expected = [sk_nmi(target, row) for row in rows]
    np.testing.assert_allclose(nmi.score_many(rows, target), expected, rtol=1e-12)
    noisy = target.copy()
    noisy[::11] = -1
    kept = noisy != -1
    dropped = nmi.score_many(rows, noisy, target_noise=-1, noise_policy="drop")
    expected = [sk_nmi(noisy[kept], row[kept]) for row in rows]
    np.testing.assert_allclose(dropped, expected, rtol=1e-12)
