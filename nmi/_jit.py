"""The one place where numba options live.

Every kernel in :mod:`nmi._kernels` is decorated with :func:`jit`. Options:

- ``cache=True``: compiled machine code is written next to the module (or to numba's user
  cache when that folder is read-only), so only the very first call on a machine compiles.
- ``nogil=True``: kernels release the GIL, so :mod:`nmi` can split large inputs across
  threads and callers can score from several threads at once.
- ``error_model="numpy"``: no Python-style ZeroDivisionError checks inside hot loops; the
  kernels never divide by a value that can be zero.
- ``boundscheck`` is left unset so that ``NUMBA_BOUNDSCHECK=1`` in the environment turns
  bounds checking on for every kernel (the test suite does this in a subprocess).

No kernel uses ``parallel=True``: on the machines this package targets, threads started from
Python around GIL-free kernels pay off for large inputs at no extra compile time, while
numba's parallel backend roughly doubles the first compile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

F = TypeVar("F", bound=Callable[..., Any])

JIT_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}


def jit(func: F) -> F:
    """Compile ``func`` in nopython mode with the package's options."""
    return numba.njit(**JIT_OPTIONS)(func)  # type: ignore[no-any-return]


def jit_inline(func: F) -> F:
    """Like :func:`jit`, for small helpers called in hot loops.

    Inlined into the caller at numba's level: an ordinary call passes each array argument
    with reference counting, which costs more than the helper's work.
    """
    return numba.njit(inline="always", **JIT_OPTIONS)(func)  # type: ignore[no-any-return]
