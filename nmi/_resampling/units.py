"""The units of a table and the views that map them to the cells of one or more tables.

A bootstrap replicate is a multinomial draw of a table's units: its cells, and its noise
singletons grouped by the label of the other side. A :class:`UnitTable` maps each unit to a
cell of one table (the paired comparison has two over the same units), and builds the table
that unit counts make; :func:`views_for_kernels` lays views out as the kernels read them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .._types import IntArray
from ..contingency import Contingency

_PACKED_MAX = 1 << 31  # rows and columns below this: a cell's place packed in one int64


@dataclass
class UnitTable:
    """One table over the units: the cell of each unit, each cell's row and column.

    A row equal to ``n_rows`` holds noise singletons of ``preds``, a column equal to
    ``n_cols`` those of ``target`` (one cluster per sample).
    """

    unit_cell: IntArray
    cell_rows: IntArray
    cell_cols: IntArray
    n_rows: int
    n_cols: int
    table: Contingency  # the table itself, for its exact score

    def table_of(self, x: IntArray) -> Contingency:
        """Return the table the unit counts ``x`` make, singletons as clusters of their own."""
        cells = np.bincount(self.unit_cell, weights=x, minlength=self.cell_rows.size)
        cells = cells.astype(np.int64)
        rows, cols = self.cell_rows.copy(), self.cell_cols.copy()
        single_rows = rows == self.n_rows
        single_cols = cols == self.n_cols
        extra = single_rows | single_cols
        keep = ~extra & (cells > 0)
        parts_r, parts_c = [rows[keep]], [cols[keep]]
        next_row, next_col = self.n_rows, self.n_cols
        if extra.any():  # each singleton sample: a row or column of its own, count 1
            reps = cells[extra]
            r = np.repeat(rows[extra], reps)
            c = np.repeat(cols[extra], reps)
            new_r = r == self.n_rows
            new_c = c == self.n_cols
            r[new_r] = next_row + np.arange(int(new_r.sum()))
            c[new_c] = next_col + np.arange(int(new_c.sum()))
            next_row += int(new_r.sum())
            next_col += int(new_c.sum())
            parts_r.append(r)
            parts_c.append(c)
        ones = np.ones(sum(p.size for p in parts_r[1:]), np.int64)
        counts = np.concatenate([cells[keep], ones])
        return Contingency(
            np.concatenate(parts_r),
            np.concatenate(parts_c),
            counts,
            np.arange(next_row),
            np.arange(next_col),
        )


def units_and_view(table: Contingency) -> tuple[IntArray, UnitTable]:
    """Return the unit counts of a table of counts, and its view: each unit a cell."""
    ka, kb = table.shape
    rows, cols, counts = [table.rows], [table.cols], [table.counts]
    if table.noise is not None:
        noise = table.noise
        j = np.flatnonzero(noise.cols)  # preds singletons, per target label
        i = np.flatnonzero(noise.rows)  # target singletons, per preds label
        both = int(noise.totals.both)
        rows += [np.full(j.size, ka), i, np.full(int(both > 0), ka)]
        cols += [j, np.full(i.size, kb), np.full(int(both > 0), kb)]
        counts += [noise.cols[j], noise.rows[i], np.full(int(both > 0), both)]
    x = np.concatenate(counts).astype(np.int64)
    r = np.concatenate(rows).astype(np.int64)
    c = np.concatenate(cols).astype(np.int64)
    return x, UnitTable(np.arange(x.size), r, c, ka, kb, table)


def sorted_by_count(x: IntArray, views: list[UnitTable]) -> tuple[IntArray, list[UnitTable]]:
    """Return the units in increasing order of count, and the views of them.

    A multinomial draw does not depend on the order of its units; in this one, runs of
    units of equal count read the same table and their counts are written in order.
    """
    order = np.argsort(x, kind="stable")
    return x[order], [dataclasses.replace(v, unit_cell=v.unit_cell[order]) for v in views]


def views_for_kernels(
    views: list[UnitTable],
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Return the views as the kernels take them: unit_cell, cell_rows, cell_cols, cell_rc, shape.

    A view whose units are its cells, one to one, has its cells put in the units' order
    and is read without gathering (``shape[v, 2] == 1``). A view without noise singletons
    (and fewer than 2 ** 31 rows and columns) has its cells' rows and columns packed in
    ``cell_rc``, row << 32 | column, and is read from there (``shape[v, 3] == 1``).
    """
    width = max(v.cell_rows.size for v in views)
    units = views[0].unit_cell.size
    unit_cell = np.stack([v.unit_cell for v in views]).astype(np.int64)
    cell_rows = np.empty((len(views), width), np.int64)
    cell_cols = np.empty((len(views), width), np.int64)
    shape = np.array([[v.n_rows, v.n_cols, 0, 0] for v in views], np.int64)
    for k, v in enumerate(views):  # padding cells: never counted
        cell_rows[k] = v.n_rows
        cell_cols[k] = v.n_cols
        rows, cols = v.cell_rows, v.cell_cols
        one_to_one = units > 0 and np.bincount(v.unit_cell, minlength=units).max() == 1
        if v.cell_rows.size == units and one_to_one:
            rows, cols = rows[v.unit_cell], cols[v.unit_cell]
            unit_cell[k] = np.arange(units)
            shape[k, 2] = 1
        cell_rows[k, : rows.size] = rows
        cell_cols[k, : cols.size] = cols
        small = max(v.n_rows, v.n_cols) < _PACKED_MAX
        shape[k, 3] = int(small and not ((rows == v.n_rows) | (cols == v.n_cols)).any())
    cell_rc = np.where(shape[:, 3:4] == 1, (cell_rows << 32) | cell_cols, 0)
    return unit_cell, cell_rows, cell_cols, cell_rc, shape
