"""Label kinds that take paths of their own: text hashed by a kernel, str objects, categoricals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import normalized_mutual_info_score as sk_nmi

import nmi
from nmi._validation import _dict_labels, _text_labels

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
        got = _text_labels(values)
        np.testing.assert_array_equal(got.decode(got.data), values)
        np.testing.assert_array_equal(got.decode(np.arange(vocab.size)), vocab)
        np.testing.assert_array_equal(got.data, codes)
    items = labels.tolist()
    got = _dict_labels(items, str)
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
