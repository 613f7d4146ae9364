"""Saved state: the one format of a table at rest, and every version ever written.

A table at rest is its cells and labels as plain NumPy arrays, ``n_samples``, and the noise
singletons as (noise rows, noise cols, the eight numbers of
:meth:`~nmi._noise.NoiseTotals.to_array`); :func:`nmi.contingency.restore` checks every
invariant when it is read back. Three containers carry it:

- the accumulator's ``state_dict`` (:func:`table_to_state`, :func:`table_from_state`):
  version 1 (counts, no noise) and version 2 (weights, noise) load; version 2 is written;
- ``nmi.torch``'s records (:func:`table_to_records`, :func:`table_from_records`), one per
  cell or noise total, so that DistributedDataParallel can gather them (checkpoints written
  before records had a kind load as counted cells: ``nmi.torch`` fills the kind in);
- pickles of a table (:meth:`~nmi.contingency.Contingency.__reduce__`), and of an
  accumulator, which pickles its ``state_dict``.

Saved states of every version are stored under ``tests/states`` and loaded by the tests.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt

from ._counting import singleton_table
from ._noise import NoiseTotals
from .contingency import Contingency, restore, with_singletons

# Version 2 added weighted (float64) counts, the noise policy and the noise singleton totals;
# version 1 states (int64 counts, no noise) still load.
STATE_VERSION = 2
READS = (1, 2)
NOISE_KEYS = ("noise", "noise_rows", "noise_cols", "noise_stats")
STATE_KEYS = (
    "version",
    "average_method",
    "n_samples",
    "rows",
    "cols",
    "counts",
    "row_labels",
    "col_labels",
)
N_TOTALS = len(NoiseTotals().to_array())


def table_to_state(table: Contingency, average_method: str, noise: str) -> dict[str, Any]:
    """Return the accumulator's state dict of ``table`` (see its ``state_dict``).

    ``noise``: the accumulator's noise arguments as JSON text.
    """
    singletons = table.noise
    empty = np.empty(0, dtype=table.counts.dtype)
    return {
        "version": STATE_VERSION,
        "average_method": average_method,
        "n_samples": table.n_samples,
        "rows": np.array(table.rows),
        "cols": np.array(table.cols),
        "counts": np.array(table.counts),
        "row_labels": np.array(table.row_labels),
        "col_labels": np.array(table.col_labels),
        "noise": noise,
        "noise_rows": empty if singletons is None else np.array(singletons.rows),
        "noise_cols": empty if singletons is None else np.array(singletons.cols),
        "noise_stats": np.empty(0) if singletons is None else singletons.totals.to_array(),
    }


def table_from_state(state: Any, average_method: str, noise: str) -> Contingency:
    """Read the table of an accumulator's state dict of any version, checking everything.

    ``average_method`` and ``noise`` (JSON text) are the reading accumulator's, which the
    state must match. ValueError (TypeError for a state that is not a dict) otherwise.
    """
    if not isinstance(state, dict):
        raise TypeError(f"state must be a dict from state_dict(), got {type(state).__name__}")
    missing = [k for k in STATE_KEYS if k not in state]
    if missing:
        raise ValueError(f"state is missing {', '.join(missing)}; pass a dict from state_dict()")
    version = state["version"]
    if not isinstance(version, (int, np.integer)) or int(version) not in READS:
        raise ValueError(
            f"state has format version {version!r}; this nmi reads versions "
            f"{', '.join(map(str, READS))}"
        )
    if int(version) >= 2:
        missing = [k for k in NOISE_KEYS if k not in state]
        if missing:
            raise ValueError(
                f"state is missing {', '.join(missing)}; pass a dict from state_dict()"
            )
        if str(state["noise"]) != noise:
            raise ValueError(
                f"state was saved with noise arguments {state['noise']}, this accumulator "
                f"uses {noise}"
            )
    if state["average_method"] != average_method:
        raise ValueError(
            f"state was saved with the score's options {state['average_method']!r} (the "
            f"'average_method' key), this accumulator uses {average_method!r}; create it with "
            "the same options"
        )
    singletons = None
    if int(version) >= 2 and np.asarray(state["noise_stats"]).size:
        singletons = tuple(np.asarray(state[k]) for k in NOISE_KEYS[1:])
    try:
        table = restore(
            np.asarray(state["rows"]),
            np.asarray(state["cols"]),
            np.asarray(state["counts"]),
            np.asarray(state["row_labels"]),
            np.asarray(state["col_labels"]),
            state["n_samples"],
            singletons,
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"corrupt state: {exc}") from None
    if table.noise is not None:
        _check_policy(table.noise.totals, noise)
    if singletons is None:
        given = [np.asarray(state[k]) for k in ("rows", "cols", "counts")]
        canonical = [table.rows, table.cols, table.counts]
        if not all(np.array_equal(g, c) for g, c in zip(given, canonical, strict=True)):
            raise ValueError(
                "corrupt state: cells are repeated, zero or out of order, or labels are unused"
            )
    return table


def _check_policy(totals: NoiseTotals, noise: str) -> None:
    """Refuse noise singletons on a side whose policy (``noise``, JSON text) makes none."""
    policy = json.loads(noise)["noise_policy"]
    split = {side: policy[side] == "singleton" for side in ("preds", "target")}
    for side, count in (
        ("preds", totals.preds),
        ("target", totals.target),
        ("preds", totals.both),
        ("target", totals.both),
    ):
        if count and not split[side]:
            raise ValueError(
                f"corrupt state: it holds {side} noise singletons, but the noise policy of "
                f"{side} is {policy[side]!r}"
            )


# What a record is (the low bits of its kind): a labelled cell, or the noise singleton total
# of one preds label (target singletons) or one target label (preds singletons); +1 when its
# value is a float64 weight, stored as the bits of the int64 value.
CELL, ROW_TOTAL, COL_TOTAL, WEIGHTED = 0, 2, 4, 1
RECORD_BITS = 7
# How a record's labels are stored in int64 (two bits a side, above the record bits): the
# value itself, or the bits of a uint64, of a float64, or a bool as 0/1. Every label a tensor
# can hold comes back exactly, whatever path the records took (checkpoint, merge, DDP).
LABEL_INT, LABEL_UINT64, LABEL_FLOAT, LABEL_BOOL = 0, 1, 2, 3
PREDS_SHIFT, TARGET_SHIFT = 3, 5
RECORD_NAMES = ("pair_preds", "pair_target", "pair_counts", "pair_kind")


def labels_to_bits(labels: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], int]:
    """Return the labels as ``int64`` (values or bits) and how to read them back."""
    kind = labels.dtype.kind
    if kind == "b":
        return labels.astype(np.int64), LABEL_BOOL
    if kind == "f":
        return np.ascontiguousarray(labels, dtype=np.float64).view(np.int64), LABEL_FLOAT
    if labels.dtype == np.uint64:
        return labels.view(np.int64), LABEL_UINT64
    if kind in "iu":
        return labels.astype(np.int64), LABEL_INT
    raise TypeError(f"labels of dtype {labels.dtype} cannot be kept in tensor states")


def labels_from_bits(bits: npt.NDArray[np.int64], code: int) -> npt.NDArray[Any]:
    """Inverse of :func:`labels_to_bits`."""
    bits = np.ascontiguousarray(bits, dtype=np.int64)
    if code == LABEL_UINT64:
        return bits.view(np.uint64)
    if code == LABEL_FLOAT:
        return bits.view(np.float64)
    if code == LABEL_BOOL:
        return bits.astype(bool)
    return bits


def table_to_records(table: Contingency) -> tuple[npt.NDArray[Any], ...]:
    """Return (preds, target, value bits, kind, noise totals) arrays of a table."""
    weighted = WEIGHTED if table.weighted else 0
    row_bits, row_code = labels_to_bits(table.row_labels)
    col_bits, col_code = labels_to_bits(table.col_labels)
    labels = (row_code << PREDS_SHIFT) | (col_code << TARGET_SHIFT)
    parts = [(row_bits[table.rows], col_bits[table.cols], table.counts, CELL)]
    singletons = table.noise
    totals = NoiseTotals().to_array()
    if singletons is not None:
        totals = singletons.totals.to_array()
        r, c = np.flatnonzero(singletons.rows), np.flatnonzero(singletons.cols)
        zeros = np.zeros(max(r.size, c.size), dtype=np.int64)
        parts.append((row_bits[r], zeros[: r.size], singletons.rows[r], ROW_TOTAL))
        parts.append((zeros[: c.size], col_bits[c], singletons.cols[c], COL_TOTAL))
    preds = np.concatenate([p[0] for p in parts])  # fresh, writable: torch takes it as is
    target = np.concatenate([p[1] for p in parts])
    values = np.concatenate([p[2] for p in parts]).view(np.int64)
    kind = np.concatenate(
        [np.full(p[0].size, p[3] + weighted + labels, dtype=np.int8) for p in parts]
    )
    return preds, target, values, kind, totals


def check_records(
    preds: npt.NDArray[Any],
    target: npt.NDArray[Any],
    values: npt.NDArray[Any],
    kind: npt.NDArray[Any],
) -> None:
    """Raise ValueError, naming the state, unless the records are well formed."""
    arrays = dict(zip(RECORD_NAMES, (preds, target, values, kind), strict=True))
    for name, arr in arrays.items():
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
        if arr.dtype != (np.int8 if name == "pair_kind" else np.int64):
            raise ValueError(f"{name} has dtype {arr.dtype}, expected int64 (pair_kind: int8)")
    sizes = {name: arr.size for name, arr in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(
            f"pair_preds, pair_target, pair_counts and pair_kind differ in size: {sizes}"
        )
    base = kind & (RECORD_BITS & ~WEIGHTED)
    bad = (kind < 0) | ((base != CELL) & (base != ROW_TOTAL) & (base != COL_TOTAL))
    if bad.any():
        raise ValueError(f"pair_kind holds an unknown kind code {int(kind[bad][0])}")
    weights = values.view(np.float64)
    weighted = (kind & WEIGHTED) != 0
    counts_bad = (~weighted & (values <= 0)) | (weighted & ~(np.isfinite(weights) & (weights > 0)))
    if counts_bad.any():
        i = int(np.flatnonzero(counts_bad)[0])
        shown = weights[i].item() if weighted[i] else values[i].item()
        raise ValueError(f"pair_counts[{i}] is {shown!r}: counts and weights must be positive")


def table_from_records(
    preds: npt.NDArray[Any],
    target: npt.NDArray[Any],
    values: npt.NDArray[Any],
    kind: npt.NDArray[Any],
    totals: npt.NDArray[Any],
) -> Contingency:
    """Rebuild a table from records, which may repeat pairs (after a DDP gather or a merge).

    ``totals``: the noise totals, summed over the records' sources. Records whose labels are
    stored in different ways (from sources that saw labels of different types) are read
    group by group, and the tables added as any two tables add.
    """
    check_records(preds, target, values, kind)
    weighted = bool(np.any(kind & WEIGHTED))
    sums = NoiseTotals.from_array(totals, weighted=weighted)
    label_codes = kind >> PREDS_SHIFT
    groups = np.unique(label_codes) if label_codes.size else np.zeros(1, dtype=np.int8)
    tables = []
    for code in groups.tolist():
        part = label_codes == code if groups.size > 1 else slice(None)
        tables.append(
            _records_table(
                labels_from_bits(preds[part], code & 3),
                labels_from_bits(target[part], code >> 2),
                values[part],
                kind[part] & RECORD_BITS,
            )
        )
    table = sum(tables[1:], tables[0])
    if sums == NoiseTotals():
        return table
    # The totals were summed over every source, so they belong to the whole table: given to
    # one group of records, they were lost when that group held no sample of its own.
    dtype = table.counts.dtype
    noise_rows = np.zeros(table.row_labels.size, dtype) if table.noise is None else table.noise.rows
    noise_cols = np.zeros(table.col_labels.size, dtype) if table.noise is None else table.noise.cols
    return with_singletons(
        table.rows,
        table.cols,
        table.counts,
        table.row_labels,
        table.col_labels,
        noise_rows,
        noise_cols,
        sums.to_array(),
    )


def _records_table(
    preds: npt.NDArray[Any],
    target: npt.NDArray[Any],
    values: npt.NDArray[Any],
    kind: npt.NDArray[Any],
) -> Contingency:
    """Return the table of records whose labels are stored one way (per-label noise totals)."""
    weighted = bool(np.any(kind & WEIGHTED))
    counts = values
    if weighted:  # plain counts among weighted records become weights too
        counts = np.where(kind & WEIGHTED, values.view(np.float64), values.astype(np.float64))
    base = kind & ~WEIGHTED
    cells, by_row, by_col = base == CELL, base == ROW_TOTAL, base == COL_TOTAL
    row_labels = np.unique(preds[~by_col])
    col_labels = np.unique(target[~by_row])
    rows = np.searchsorted(row_labels, preds[cells])
    cols = np.searchsorted(col_labels, target[cells])
    table = Contingency(rows, cols, counts[cells], row_labels, col_labels)
    if not (by_row.any() or by_col.any()):
        return table
    dtype = counts.dtype
    noise_rows = np.zeros(row_labels.size, dtype=dtype)
    noise_cols = np.zeros(col_labels.size, dtype=dtype)
    np.add.at(noise_rows, np.searchsorted(row_labels, preds[by_row]), counts[by_row])
    np.add.at(noise_cols, np.searchsorted(col_labels, target[by_col]), counts[by_col])
    return table + singleton_table(row_labels, noise_rows, col_labels, noise_cols, NoiseTotals())
