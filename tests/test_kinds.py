"""Label kinds that take paths of their own: text hashed by a kernel, str objects, categoricals."""

from contextlib import nullcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import normalized_mutual_info_score as sk_nmi

import nmi
from nmi._validation import as_labels, dict_labels, text_labels

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=0, max_size=9
)


def unique_form(values):
    vocab, codes = np.unique(values, return_inverse=True)
    return vocab, codes.reshape(-1)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(TEXT, min_size=1, max_size=30),
    picks=st.lists(st.integers(0, 29), min_size=1, max_size=200),
)
def test_text_kernel_gives_np_unique_vocabulary_and_codes(words, picks):
    # unicode, empty strings and strings of every length up to the array's width
    labels = np.array([words[p % len(words)] for p in picks])
    for values in (labels, np.char.encode(labels, "utf-8"), labels.astype(">U12")):
        vocab, codes = unique_form(values)
        got = text_labels(values)
        np.testing.assert_array_equal(got.decode(got.data), values)
        np.testing.assert_array_equal(got.decode(np.arange(vocab.size)), vocab)
        np.testing.assert_array_equal(got.data, codes)
    items = labels.tolist()
    got = dict_labels(items, str)
    vocab, codes = unique_form(labels)
    np.testing.assert_array_equal(got.data, codes)
    np.testing.assert_array_equal(got.decode(np.arange(vocab.size)), vocab)


@pytest.mark.parametrize("form", ["U", "S", "object", "object-bytes", "strided", "swapped"])
def test_text_labels_score_as_scikit_learn(rng, form):
    words = np.array(["", "a", "ab", "é", "日本語", "a b", "A", "zz", "b\x01", "x" * 20])
    a = words[rng.integers(0, words.size, 9000)]
    b = rng.integers(0, 4, 9000)
    expected = sk_nmi(b, a)
    values = {
        "U": a,
        "S": np.char.encode(a, "utf-8"),
        "object": a.astype(object),
        "object-bytes": np.char.encode(a, "utf-8").astype(object),
        "strided": np.repeat(a, 2)[::2],
        "swapped": a.astype(a.dtype.newbyteorder()),
    }[form]
    assert nmi.normalized_mutual_info_score(values, b) == pytest.approx(expected, abs=1e-12)
    table = nmi.contingency_matrix(values, b)
    assert table.row_labels.tolist() == sorted(set(values.tolist()))
    # the table is the one the sorted vocabulary gives, bit for bit
    small = nmi.contingency_matrix(values[:4000], b[:4000]) + nmi.contingency_matrix(
        values[4000:], b[4000:]
    )
    assert small == table


def categorical_inputs(rng, n=3000):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    cats = np.array(["T cell", "B cell", "NK", "", "é", "unused", "Mono"])
    codes = rng.choice([0, 1, 2, 3, 4, 6], n)  # "unused" never occurs
    series = pd.Series(pd.Categorical.from_codes(codes, categories=cats))
    arrow = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(cats))
    other = pa.DictionaryArray.from_arrays(  # another dictionary, in another order
        pa.array(np.array([1, 0, 2], dtype=np.int32)[codes[n // 2 :] % 3]),
        pa.array(["NK", "T cell", "B cell"]),
    )
    numbers = pd.Series(pd.Categorical.from_codes(codes, categories=[9.5, -3, 7, 0, 1e9, 2, 4]))
    return {
        "series": series,
        "categorical": series.array,
        "numeric": numbers,
        "arrow": arrow,
        "chunked": pa.chunked_array([arrow.slice(0, n // 2), other]),
    }


@pytest.mark.parametrize("kind", ["series", "categorical", "numeric", "arrow", "chunked"])
def test_categorical_codes_give_the_table_of_their_values(rng, kind):
    labels = categorical_inputs(rng)[kind]
    values = np.asarray(labels)  # the categories expanded, one object per sample
    target = rng.integers(0, 5, values.size)
    with pytest.warns(UserWarning, match="non-integer") if kind == "numeric" else nullcontext():
        expected = nmi.contingency_matrix(values, target)
        assert nmi.contingency_matrix(labels, target) == expected
        assert nmi.contingency_matrix(target, labels) == expected.T
        score = nmi.normalized_mutual_info_score(labels, target)
    assert score == pytest.approx(sk_nmi(target, values.astype(str)), abs=1e-12)
    assert "unused" not in expected.row_labels.tolist()
    m = nmi.NormalizedMutualInfoScore()
    with pytest.warns(UserWarning, match="non-integer") if kind == "numeric" else nullcontext():
        m.update(labels, target)
    assert m.compute() == score


@pytest.mark.threadpools
@pytest.mark.parametrize("kind", ["string", "categorical", "enum", "distinct", "null"])
def test_polars_series_give_the_table_of_their_values(rng, kind):
    pl = pytest.importorskip("polars")
    cats = ["T cell", "B cell", "NK", "", "é", "Mono"]
    # codes of a process-wide Categorical mapping that are not 0..k-1 in label order
    pl.Series(["zz", "unused", "Mono", "NK"], dtype=pl.Categorical)
    words = np.array(cats, dtype=object)[rng.integers(0, 6, 3000)]
    if kind == "distinct":
        words = np.array([f"w{i}" for i in rng.permutation(3000)], dtype=object)
    dtype = {
        "categorical": pl.Categorical,
        "enum": pl.Enum(["unused", *cats[::-1]]),
    }.get(kind, pl.String)
    series = pl.Series(words, dtype=dtype)
    if kind == "null":
        series = series.scatter([5], None)
        words[5] = None
    target = rng.integers(0, 5, words.size)
    expected = nmi.contingency_matrix(words, target, missing="noise", noise_policy="drop")
    got = nmi.contingency_matrix(series, target, missing="noise", noise_policy="drop")
    assert got == expected
    assert got.row_labels.tolist() == sorted(set(words.tolist()) - {None})
    if kind != "null":
        # codes read from polars (unordered by their categories) or the values one by one
        assert as_labels(series, "preds").ordered == (kind == "distinct")
        assert nmi.contingency_matrix(series, target) == expected
        assert nmi.normalized_mutual_info_score(target, series) == pytest.approx(
            sk_nmi(target, words.astype(str)), abs=1e-12
        )


def test_categoricals_with_missing_values_are_read_value_by_value(rng):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    series = pd.Series(pd.Categorical(["a", None, "b", "a"]))
    arrow = pa.array(["a", None, "b", "a"]).dictionary_encode()
    for labels in (series, arrow):
        missing = r"preds (contains (None|NaN)|has a missing label \(masked or null\)) at index 1"
        with pytest.raises(ValueError, match=missing):
            nmi.normalized_mutual_info_score(labels, [0, 1, 1, 0])
        got = nmi.normalized_mutual_info_score(
            labels, [0, 1, 1, 0], missing="noise", noise_policy="drop"
        )
        assert got == 1.0
    # two categories that are one label (0.0 and -0.0) are one label
    zeros = pa.DictionaryArray.from_arrays(
        pa.array(np.array([0, 1, 2], dtype=np.int32)), pa.array([0.0, -0.0, 1.0])
    )
    assert nmi.contingency_matrix(zeros, [0, 0, 1]).shape == (2, 2)


def test_small_integer_calls_give_the_bits_of_the_general_path(rng):
    # small plain integer arrays are scored in one kernel call; the table and the sums are
    # the general path's, so every score must be the very same float
    from nmi import _jit

    _jit.load()
    cases = [
        (np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])),  # same partition
        (np.array([5, 5, 5]), np.array([1, 2, 3])),  # one cluster
        (np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])),  # independent
        (np.array([7]), np.array([-3])),
        (np.array([-(2**63), 2**63 - 1]), np.array([0, 1])),  # too wide: general path
        (np.array([0, 10**6, 5]), np.array([1, 1, 2])),  # sparse values
    ]
    for _ in range(300):
        n = int(rng.integers(1, 3000))
        ka, kb = (int(k) for k in rng.integers(1, 60, 2))
        dtype = rng.choice(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"])
        a = rng.integers(0, min(ka, 127), n).astype(dtype)
        b = (a.astype(np.int64) * 7 + rng.integers(0, 3, n)) % kb - kb // 2
        cases.append((a, b))
    for a, b in cases:
        table = nmi.contingency_matrix(a, b)  # the general path
        for method in ("min", "geometric", "arithmetic", "max"):
            fast = nmi.normalized_mutual_info_score(a, b, method)
            assert fast == table.normalized_mutual_info(method), (a, b, method)
        assert nmi.mutual_info_score(a, b) == table.mutual_info()
        assert nmi.mutual_info_score(b, a) == table.T.mutual_info()


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.one_of(TEXT, st.none()), min_size=1, max_size=12),
    picks=st.lists(st.integers(0, 11), min_size=1, max_size=120),
    reps=st.sampled_from([1, 40]),  # 40 copies: over 4096 labels, the kernel's path
    as_object=st.booleans(),
)
def test_text_with_missing_values_under_the_noise_policy(words, picks, reps, as_object):
    # missing text labels (None) dropped by the policy: the score of the remaining samples
    labels = [words[p % len(words)] for p in picks] * reps
    target = [p % 3 for p in picks] * reps
    kept = [i for i, v in enumerate(labels) if v is not None]
    values = np.array(labels, dtype=object) if as_object else labels
    got = nmi.normalized_mutual_info_score(values, target, missing="noise", noise_policy="drop")
    if not kept:
        assert got == 1.0
        return
    expected = sk_nmi([target[i] for i in kept], [labels[i] for i in kept])
    assert got == pytest.approx(expected, abs=1e-12)
    if len(kept) == len(labels):  # nothing missing: the text path itself
        text = np.array(labels)
        assert nmi.normalized_mutual_info_score(text, target) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("categories", [["a", "c", "b"], ["a", "d", "b", "c"], ["c", "b", "a"]])
def test_categories_listed_out_of_order_give_sorted_labels(rng, categories):
    # codes follow the categories' order; the table's labels follow the labels' own order
    pd = pytest.importorskip("pandas")
    words = np.array(categories, dtype=object)[rng.integers(0, len(categories), 500)]
    target = rng.integers(0, 3, words.size)
    as_category = pd.Categorical(words, categories=categories)
    got = nmi.contingency_matrix(as_category, target)
    expected = nmi.contingency_matrix(words.astype(str), target)
    assert got.row_labels.tolist() == sorted(categories)
    assert got == expected
    flipped = nmi.contingency_matrix(target, as_category)
    assert flipped.col_labels.tolist() == sorted(categories)
    assert flipped == expected.T


def test_fixed_width_text_differing_only_in_its_last_word_is_told_apart(rng):
    # 4 characters of UTF-32 are two 8-byte words; these labels share the first word, so
    # the hash table's probes meet rows that differ in the last word only
    tails = [chr(0x41 + i) + chr(0x61 + j) for i in range(26) for j in range(26)]
    words = np.array(["pq" + t for t in tails])
    labels = words[rng.integers(0, words.size, 20_000)]
    target = rng.integers(0, 7, labels.size)
    got = nmi.contingency_matrix(labels, target)
    assert got.row_labels.tolist() == sorted(set(labels.tolist()))
    assert got == nmi.contingency_matrix(labels.astype(object), target)
    assert nmi.normalized_mutual_info_score(labels, target) == pytest.approx(
        sk_nmi(target, labels), abs=1e-12
    )


def _nullable_containers(values, missing_at):
    """The same labels, one missing, in every container that marks missing by a mask."""
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    with_none = [None if i == missing_at else v for i, v in enumerate(values)]
    kind = "UInt64" if max(values) >= 2**63 else "Int64"
    mask = [i == missing_at for i in range(len(values))]
    placeholder = [0 if i == missing_at else v for i, v in enumerate(values)]
    dtype = np.uint64 if kind == "UInt64" else np.int64
    return {
        "pandas": pd.Series(with_none, dtype=kind),
        "pandas array": pd.array(with_none, dtype=kind),
        "polars": pl.Series(with_none, dtype=pl.UInt64 if kind == "UInt64" else pl.Int64),
        "pyarrow": pa.array(with_none, type=pa.uint64() if kind == "UInt64" else pa.int64()),
        "pyarrow chunked": pa.chunked_array(
            [with_none[:2], with_none[2:]], type=pa.uint64() if kind == "UInt64" else pa.int64()
        ),
        "masked": np.ma.array(np.array(placeholder, dtype=dtype), mask=mask),
    }


@pytest.mark.parametrize("values", [[2**53, 2**53 + 1], [2**64 - 1, 2**64 - 2]])
def test_nullable_containers_keep_every_label_exact(values):
    # labels that float64 would merge, with a missing one: read by values and mask
    labels = [values[0], values[1], values[0], values[1], values[0]]
    target = np.array([0, 1, 0, 1, 2])
    for name, preds in _nullable_containers(labels, missing_at=4).items():
        kept = nmi.normalized_mutual_info_score(preds, target, missing="noise",
                                                noise_policy="drop")  # fmt: skip
        assert kept == 1.0, name
        singleton = nmi.contingency_matrix(preds, target, missing="noise",
                                           noise_policy="singleton")  # fmt: skip
        assert singleton.noise.totals.preds == 1, name
        assert sorted(int(v) for v in singleton.row_labels) == sorted(values), name
        with pytest.raises(ValueError, match=r"preds has a missing label \(masked or null\) at "
                                             r"index 4"):  # fmt: skip
            nmi.normalized_mutual_info_score(preds, target)


def test_masked_entries_are_missing_labels_not_their_hidden_values():
    hidden = np.ma.array([0, 1, 2, 3, 4], mask=[0, 0, 0, 0, 1])
    with pytest.raises(ValueError, match="missing label"):
        nmi.normalized_mutual_info_score(hidden, [0, 1, 2, 3, 3])
    dropped = nmi.normalized_mutual_info_score(hidden, [0, 1, 2, 3, 3], missing="noise",
                                               noise_policy="drop")  # fmt: skip
    assert dropped == nmi.normalized_mutual_info_score([0, 1, 2, 3], [0, 1, 2, 3])
    unmasked = np.ma.array([0, 1, 2, 3, 4])  # no mask: the plain values
    assert nmi.normalized_mutual_info_score(unmasked, [0, 1, 2, 3, 3]) == (
        nmi.normalized_mutual_info_score([0, 1, 2, 3, 4], [0, 1, 2, 3, 3])
    )


def test_label_zero_stays_one_label_when_the_hash_table_grows():
    # wide-range labels, repeated, so that the hash encoder grows its table four times,
    # moving every key. 0 hashes to slot 0, and so does 514229 (0x9E3779B97F4A7C15 times it
    # has 20 leading zero bits): an empty slot must be told by its code, not by a key of 0,
    # or 514229 takes 0's slot at each growth and 0 comes back as a second label
    rng = np.random.default_rng(3)
    values = np.concatenate([[0, 514229, 1346269], rng.integers(-(2**62), 2**62, 3000)])
    x = np.concatenate([values[:3], rng.permutation(np.repeat(values, 100))])
    table = nmi.contingency_matrix(x, x % 7)
    assert table.shape[0] == np.unique(x).size == 3003
    assert int((table.row_labels == 0).sum()) == 1
    assert nmi.normalized_mutual_info_score(x, x) == 1.0
