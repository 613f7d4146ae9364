"""Encoders: one side's label values as dense codes ``0 .. k-1``, chosen per input.

An :class:`Encoder` picks the cheapest form for the values it is given (see
:mod:`nmi._kernels.encode`): the values less their minimum when their range is small, else a
hash table, read through first-seen positions when the input is short enough to keep them,
or, for inputs with about as many distinct values as samples, the ranks of the values found by
sorting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ._kernels import encode as kencode
from ._types import IntArray
from ._validation import Labels

# A side is encoded as ``value - min`` when its value range is at most this many times the
# number of samples (or below SMALL_RANGE); wider ranges go through a hash table.
RANGE_PER_SAMPLE = 2
SMALL_RANGE = 1 << 16
# Sparse counting sorts pair keys block by block; first-seen positions are kept while the
# input fits in one block.
FIRST_BLOCK = 1 << 24  # 64 MiB of int32 keys

# A side of at least SORT_MIN samples with more distinct values than SORT_ABOVE times its
# samples is encoded by sorting (Encoder._by_sorting): its hash table (64 bytes per distinct
# value at a load of 1/4) would then take more memory than sorting does (about 25 bytes a
# sample). The hash encoder gives up when it sees that many, or earlier, when over 9 in 10
# of its first samples (PROBE or more, and a sixteenth of the input) are distinct.
SORT_MIN = 1 << 16
SORT_ABOVE = 0.25
PROBE = 1 << 16
_INT32_MAX = 2**31 - 1

NONE = np.empty(0, dtype=np.int64)


class Encoder:
    """Maps one side's label values to codes ``0 .. k-1``.

    ``data`` is what the counting kernels read for this side: the labels themselves, or their
    first-seen positions (rank form) when the input is short enough to keep those
    (``first_block``). ``labels`` are the decoded labels in code order, or None in offset
    form (decided after counting: only values that occur are labels).
    """

    __slots__ = ("bits", "codes", "data", "k", "keys", "labels", "offset", "rank")

    def __init__(
        self,
        data: npt.NDArray[Any],
        decode: Callable[[IntArray], Any],
        first_block: int = FIRST_BLOCK,
        sort_min: int = SORT_MIN,
    ) -> None:
        n = data.size
        lo, hi = kencode.min_max(data)
        span = int(hi) - int(lo) + 1  # Python ints: no overflow at the int64 extremes
        self.data, self.rank, self.keys, self.codes, self.bits = data, NONE, NONE, NONE, 0
        if span <= max(SMALL_RANGE, RANGE_PER_SAMPLE * n):
            self.offset, self.k = int(lo), span
            self.labels = None
            return
        # First-seen positions cost 4 bytes a sample but spare a second pass of hash
        # lookups; kept only while the input fits in one counting block.
        first_seen = np.empty(n if n <= first_block else 0, dtype=np.int32)
        may_sort = n >= sort_min
        max_distinct = int(n * SORT_ABOVE) if may_sort else n
        probe = max(PROBE, n // 16) if may_sort else n + 1
        keys, codes, bits, distinct = kencode.build_table(data, first_seen, max_distinct, probe)
        if bits < 0:  # too many distinct values for a hash table to pay
            del first_seen, keys, codes
            self._by_sorting(data, decode, int(lo), int(hi))
            return
        decoded = decode(distinct)
        order = np.argsort(decoded, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        self.offset, self.k, self.labels = 0, int(distinct.size), decoded[order]
        if first_seen.size:
            self.data, self.rank = first_seen, rank
        else:
            kencode.relabel_table(codes, rank)  # codes become ranks: tables come out sorted
            self.keys, self.codes, self.bits = keys, codes, int(bits)

    def _by_sorting(
        self, data: npt.NDArray[Any], decode: Callable[[IntArray], Any], lo: int, hi: int
    ) -> None:
        """Encode by sorting: codes are the ranks of the values, kept as ``data``.

        For inputs with about as many distinct values as samples, where a hash table (four
        slots of 16 bytes per distinct value) would take several times the memory of the
        input and miss the cache on every lookup. Peak scratch: 16 bytes a sample; what
        stays is the codes (4 bytes a sample) and the distinct values. ``lo``, ``hi``: the
        smallest and largest value of ``data``, already found.
        """
        n = data.size
        dtype: type[np.signedinteger[Any]] = np.int32 if n <= _INT32_MAX else np.int64
        codes = np.empty(n, dtype=dtype)
        distinct = np.empty(n, dtype=np.int64)
        pos_bits = max(1, (n - 1).bit_length())
        drop = max(0, (hi - lo).bit_length() + pos_bits - 63)
        # Values and positions packed in one int64 sort several times faster than an argsort;
        # values that tie once their low bits are dropped are put in order afterwards.
        packed = np.empty(n, dtype=np.int64)
        kencode.pack_positions(data, lo, drop, pos_bits, packed)
        packed.sort()
        k = kencode.rank_packed(packed, data, pos_bits, codes, distinct)
        del packed
        distinct = distinct[:k].copy()
        decoded = decode(distinct)
        if decoded.size > 1 and not bool(np.all(decoded[1:] > decoded[:-1])):
            # the codes follow the int64 values; labels go in the order of the decoded ones
            # (uint64 above 2**63, float bits)
            order = np.argsort(decoded, kind="stable")
            rank = np.empty(order.size, dtype=dtype)
            rank[order] = np.arange(order.size, dtype=dtype)
            codes = rank[codes]
            decoded = decoded[order]
        self.data, self.rank, self.keys, self.codes, self.bits = codes, NONE, NONE, NONE, 0
        self.offset, self.k, self.labels = 0, int(distinct.size), decoded

    @classmethod
    def offset_form(cls, data: npt.NDArray[Any], lo: int, span: int) -> Encoder:
        """Return the offset-form encoder of values known to lie in ``[lo, lo + span)``."""
        enc = cls.__new__(cls)
        enc.data, enc.rank, enc.keys, enc.codes, enc.bits = data, NONE, NONE, NONE, 0
        enc.offset, enc.k, enc.labels = lo, span, None
        return enc

    @property
    def is_offset(self) -> bool:
        """Whether codes are :attr:`data` less :attr:`offset` (no table, no first-seen ranks).

        :attr:`data` is then the labels' own values, or, in the sorting form (where
        :attr:`labels` is known), the ranks of the values.
        """
        return self.keys.size == 0 and self.rank.size == 0

    def args(self) -> tuple[int, IntArray, IntArray, IntArray, int]:
        """Return the encoder as the kernels take it: ``(offset, rank, keys, codes, bits)``."""
        return self.offset, self.rank, self.keys, self.codes, self.bits


def as_codes(labels: Labels, enc: Encoder | None = None) -> Labels:
    """Re-express a labeling as compact codes 0..k-1 (the narrowest integer dtype).

    Worth it for a labeling read many times: every later pass reads fewer bytes and needs
    no hash lookups. ``enc``: the labeling's encoder, when already built.
    """
    enc = Encoder(labels.data, labels.decode) if enc is None else enc
    codes = np.empty(labels.data.size, dtype=np.int64)
    kencode.encode_into(enc.data, *enc.args(), codes)
    width = np.min_scalar_type(max(enc.k - 1, 0))  # unsigned: the kernels read those as is
    narrow = codes.astype(width if width.itemsize < 8 else np.int64)
    if enc.labels is not None:
        values = enc.labels
    else:
        values = labels.decode(np.arange(enc.offset, enc.offset + enc.k, dtype=np.int64))
    return Labels(narrow, lambda v: values[v], labels.ordered)
