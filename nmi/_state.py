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

from typing import Any

import numpy as np
import numpy.typing as npt

from ._noise import NoiseTotals
from .contingency import Contingency, restore, singleton_table

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
            f"state was saved with average_method={state['average_method']!r}, this "
            f"accumulator uses {average_method!r}"
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
    if singletons is None:
        given = [np.asarray(state[k]) for k in ("rows", "cols", "counts")]
        canonical = [table.rows, table.cols, table.counts]
        if not all(np.array_equal(g, c) for g, c in zip(given, canonical, strict=True)):
            raise ValueError(
                "corrupt state: cells are repeated, zero or out of order, or labels are unused"
            )
    return table


# What a record is: a labelled cell, or the noise singleton total of one preds label (target
# singletons) or one target label (preds singletons); +1 when its value is a float64 weight,
# stored as the bits of the int64 value.
CELL, ROW_TOTAL, COL_TOTAL, WEIGHTED = 0, 2, 4, 1


def table_to_records(table: Contingency) -> tuple[npt.NDArray[Any], ...]:
    """Return (preds, target, value bits, kind, noise totals) arrays of a table.

    Labels must be integers (what tensors hold).
    """
    weighted = WEIGHTED if table.weighted else 0
    parts = [
        (
            table.row_labels[table.rows].astype(np.int64, copy=False),
            table.col_labels[table.cols].astype(np.int64, copy=False),
            table.counts,
            CELL,
        )
    ]
    singletons = table.noise
    totals = NoiseTotals().to_array()
    if singletons is not None:
        totals = singletons.totals.to_array()
        r, c = np.flatnonzero(singletons.rows), np.flatnonzero(singletons.cols)
        zeros = np.zeros(max(r.size, c.size), dtype=np.int64)
        parts.append(
            (table.row_labels[r].astype(np.int64), zeros[: r.size], singletons.rows[r], ROW_TOTAL)
        )
        parts.append(
            (zeros[: c.size], table.col_labels[c].astype(np.int64), singletons.cols[c], COL_TOTAL)
        )
    preds = np.concatenate([p[0] for p in parts])  # fresh, writable: torch takes it as is
    target = np.concatenate([p[1] for p in parts])
    values = np.concatenate([p[2] for p in parts]).view(np.int64)
    kind = np.concatenate([np.full(p[0].size, p[3] + weighted, dtype=np.int8) for p in parts])
    return preds, target, values, kind, totals


def table_from_records(
    preds: npt.NDArray[Any],
    target: npt.NDArray[Any],
    values: npt.NDArray[Any],
    kind: npt.NDArray[Any],
    totals: npt.NDArray[Any],
) -> Contingency:
    """Rebuild a table from records, which may repeat pairs (after a DDP gather).

    ``totals``: the noise totals, summed over the records' sources.
    """
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
    if not (by_row.any() or by_col.any() or np.any(totals)):
        return table
    dtype = counts.dtype
    noise_rows = np.zeros(row_labels.size, dtype=dtype)
    noise_cols = np.zeros(col_labels.size, dtype=dtype)
    np.add.at(noise_rows, np.searchsorted(row_labels, preds[by_row]), counts[by_row])
    np.add.at(noise_cols, np.searchsorted(col_labels, target[by_col]), counts[by_col])
    sums = NoiseTotals.from_array(totals, weighted=dtype == np.float64)
    return table + singleton_table(row_labels, noise_rows, col_labels, noise_cols, sums)
