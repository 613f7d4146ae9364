"""Timing helpers the benchmarks share (they run as scripts, so this folder is importable)."""

from __future__ import annotations

import statistics
import time


def timed(func, *args, repeat=1, **kwargs):
    """Return the median seconds of ``repeat`` calls of ``func``, and the last call's value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def read_pass(a, b):
    """One read-only pass over both label arrays: the floor of any score's time."""
    return int(a.max()), int(b.max())
