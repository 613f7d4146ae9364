"""Threads: how many, the shared pool and cache, how work is cut into chunks, fork safety.

The kernels release the GIL, so plain Python threads run them in parallel. Every parallel
step of the package goes through :func:`run_all` (jobs of one step) or :func:`map_threads`
(independent items, such as the clusterings of ``score_many``), both on one pool. Work
started from a thread of that pool runs on the calling thread: a job that waited on jobs
queued behind it on the same pool could wait forever.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# Inputs at least this long are split across threads (the kernels release the GIL); below it,
# starting work on another thread costs more than it saves.
PARALLEL_MIN = 1 << 19

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_cpus: int | None = None
_inside = threading.local()  # set on the pool's own threads


def _forget_pool() -> None:
    # A forked child inherits the pool object but not its threads: work sent there would
    # never run. The child starts its own pool when it needs one.
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _whole(name: str) -> int | None:
    env = os.environ.get(name)
    if env is None:
        return None
    try:
        return max(1, int(env))
    except ValueError:
        raise ValueError(
            f"{name} must be a whole number of threads, got {env!r}; set it to e.g. 4, or "
            "unset it to use every CPU"
        ) from None


def n_threads() -> int:
    """Return the number of threads to use.

    ``NMI_NUM_THREADS`` when set; else the CPUs this process may run on, at most
    ``NUMBA_NUM_THREADS`` when that is set (users set it to bound numba's threads; nmi's
    kernels run on threads of its own pool, so it bounds those instead).
    """
    global _cpus
    chosen = _whole("NMI_NUM_THREADS")
    if chosen is not None:
        return chosen
    if _cpus is None:
        try:
            _cpus = max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not on Linux
            _cpus = max(1, os.cpu_count() or 1)
    bound = _whole("NUMBA_NUM_THREADS")
    return _cpus if bound is None else min(_cpus, bound)


def _mark_inside() -> None:
    _inside.active = True


def _shared_pool() -> ThreadPoolExecutor | None:
    """Return the pool, or None on one of its own threads (then work runs in place)."""
    global _pool
    if getattr(_inside, "active", False):
        return None
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=n_threads(), thread_name_prefix=__package__, initializer=_mark_inside
            )
        return _pool


def run_all(func: Callable[..., T], jobs: Sequence[tuple[Any, ...]]) -> list[T]:
    """Return ``[func(*job) for job in jobs]``, run on the shared pool when there are several."""
    pool = _shared_pool() if len(jobs) > 1 else None
    if pool is None:
        return [func(*job) for job in jobs]
    return [f.result() for f in [pool.submit(func, *job) for job in jobs]]


def map_threads(func: Callable[[int], T], count: int) -> list[T]:
    """Return ``[func(i) for i in range(count)]``, spread over the shared pool.

    For independent items that each do a whole counting (work inside ``func`` then stays on
    its thread, see the module docstring).
    """
    if min(n_threads(), count) <= 1:
        return [func(i) for i in range(count)]
    return run_all(func, [(i,) for i in range(count)])


def chunks(n: int, parallel: bool = True, min_size: int = PARALLEL_MIN) -> list[tuple[int, int]]:
    """Cut ``range(n)`` into one ``(start, stop)`` per thread, each at least ``min_size`` long.

    One chunk when ``parallel`` is False or ``n`` is below ``2 * min_size``.
    """
    if n < 2 * min_size or not parallel:
        return [(0, n)]
    parts = max(1, min(n_threads(), n // min_size))
    edges = [n * i // parts for i in range(parts + 1)]
    return list(itertools.pairwise(edges))


def last_level_cache(default: int = 32 << 20) -> int:
    """Bytes of the largest CPU cache, read from Linux's sysfs; ``default`` elsewhere."""
    sizes = []
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            text = (index / "size").read_text().strip()
            level = int((index / "level").read_text())
        except (OSError, ValueError):
            continue
        units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
        if text and text[-1] in units and text[:-1].isdigit():
            sizes.append((level, int(text[:-1]) * units[text[-1]]))
    return max(sizes)[1] if sizes else default
