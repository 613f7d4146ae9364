"""The one place where numba options live, and where numba is loaded, on first need.

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

Loading numba and the cached machine code takes about half a second, more than a whole
small score. So ``import nmi`` does not import numba: :func:`jit` returns a :class:`Kernel`
that loads numba at the first call that needs it. Until then, a kernel marked ``plain=True``
whose array arguments hold at most :data:`PLAIN_MAX` elements in all runs as the plain
Python function it was written as, on the same NumPy scalars, in the same order of
operations, so it returns the same bits as the compiled code (the test suite checks this for
every such kernel). A first small call in a fresh process therefore never waits for numba.
Plain Python is far slower per element, so it is a bridge, not a path: numba is loaded
at the first call on a larger input, or once the plain calls of the process have taken
:data:`PLAIN_SECONDS` in all, whichever comes first.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, overload

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

JIT_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}

PLAIN_MAX = 1 << 12  # array elements one plain-Python kernel call may be given
PLAIN_SECONDS = 0.1  # time all plain-Python kernel calls of a process may take

_lock = threading.Lock()
_kernels: list[Kernel] = []
_loaded = False
_plain_seconds = 0.0
_depth = threading.local()  # plain calls under way in this thread: only the outer one is timed


class Kernel:
    """A numba kernel that is compiled (or loaded from the cache) on first need.

    Calling it calls the compiled dispatcher. Before numba is loaded, a ``plain`` kernel
    called on small arrays runs its Python function instead (see the module docstring).
    """

    def __init__(self, func: Callable[..., Any], options: dict[str, Any], plain: bool) -> None:
        self.py_func = func
        self.options = options
        self.plain = plain
        self.dispatcher: Any = None
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func

    def __call__(self, *args: Any) -> Any:
        if self.dispatcher is None:
            if self.plain and _plain_allowed(args):
                return self._plain(args)
            load()
        return self.dispatcher(*args)

    def _plain(self, args: tuple[Any, ...]) -> Any:
        global _plain_seconds
        depth = getattr(_depth, "n", 0)
        _depth.n = depth + 1
        start = time.perf_counter()
        try:
            return _like_compiled(self.py_func(*args))
        finally:
            _depth.n = depth
            if depth == 0:  # a race between threads only miscounts a little: harmless
                _plain_seconds += time.perf_counter() - start

    def __repr__(self) -> str:
        return f"<nmi kernel {self.__module__}.{self.__name__}>"


def _like_compiled(result: Any) -> Any:
    """Return ``result`` with NumPy scalars as Python scalars, as compiled kernels return them.

    Callers then do the same arithmetic either way (Python ints do not wrap at 2**63).
    """
    if isinstance(result, np.generic):
        return result.item()
    if isinstance(result, tuple):
        return tuple(_like_compiled(x) for x in result)
    return result


def _plain_allowed(args: tuple[Any, ...]) -> bool:
    if _plain_seconds > PLAIN_SECONDS:
        return False
    return sum(a.size for a in args if isinstance(a, np.ndarray)) <= PLAIN_MAX


def loaded() -> bool:
    """Return True once numba and the kernels are loaded in this process."""
    return _loaded


def load() -> None:
    """Import numba and give every kernel its dispatcher (compiled on its first call).

    Every global of the package's modules that named a :class:`Kernel` then names its
    dispatcher: numba resolves a kernel's calls to other kernels through those globals, and
    callers pay no extra indirection from then on.
    """
    global _loaded
    with _lock:
        if _loaded:
            return
        import numba

        _make_dispatchers(numba)
        package = __name__.rpartition(".")[0] + "."
        for name, module in list(sys.modules.items()):
            if name.startswith(package) and module is not None:
                space = vars(module)
                for key, value in list(space.items()):
                    if isinstance(value, Kernel):
                        space[key] = value.dispatcher
        _loaded = True


def _make_dispatchers(numba: Any) -> None:
    """Give every kernel a dispatcher, with numba's cache wherever one can be written.

    numba caches next to the package or in the user's cache folder and refuses ``cache=True``
    when it can write to neither (a read-only install with a read-only home: containers,
    shared clusters). Then the kernels cache in a private folder under the system's temporary
    directory, or, where that fails too, compile in every process, with one warning.
    """

    def make_all(**extra: Any) -> None:
        for kernel in _kernels:
            options = dict(JIT_OPTIONS, **kernel.options, **extra)
            kernel.dispatcher = numba.njit(**options)(kernel.py_func)

    try:
        make_all()
        return
    except RuntimeError as exc:
        if "no locator available" not in str(exc):
            raise
    saved = numba.config.CACHE_DIR
    folder = _private_cache_folder()
    try:
        if folder is not None:
            numba.config.CACHE_DIR = folder  # read when each dispatcher is made, not later
            try:
                make_all()
                return
            except RuntimeError:
                pass
    finally:
        numba.config.CACHE_DIR = saved
    warnings.warn(
        "nmi: numba can write its cache neither next to the package, nor in the user's cache "
        "folder, nor in the temporary directory, so every process compiles the kernels again "
        "(seconds); set NUMBA_CACHE_DIR to a writable folder to avoid this",
        RuntimeWarning,
        stacklevel=3,
    )
    make_all(cache=False)


def _private_cache_folder() -> str | None:
    """Return a cache folder under the temporary directory that only this user can write."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    path = os.path.join(tempfile.gettempdir(), f"nmi-numba-cache-{uid}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.stat(path)
        # another user's folder (or one open to others) could hold planted machine code
        if (hasattr(os, "getuid") and info.st_uid != uid) or info.st_mode & 0o022:
            path = tempfile.mkdtemp(prefix="nmi-numba-cache-")
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return None
    return path


def _register(func: Callable[..., Any], options: dict[str, Any], plain: bool) -> Any:
    with _lock:
        if _loaded:  # a kernel module imported after numba was loaded: no Kernel needed
            import numba

            return numba.njit(**dict(JIT_OPTIONS, **options))(func)
        kernel = Kernel(func, options, plain)
        _kernels.append(kernel)
    return kernel


@overload
def jit(func: F, *, plain: bool = ...) -> F: ...
@overload
def jit(func: None = ..., *, plain: bool = ...) -> Callable[[F], F]: ...
def jit(func: Any = None, *, plain: bool = False) -> Any:
    """Compile ``func`` in nopython mode with the package's options, on first need.

    ``plain=True``: the kernel may run as plain Python on small inputs before numba is
    loaded; only for kernels whose Python and compiled semantics agree bit for bit on every
    valid input (no integer overflow, no uint64 arithmetic), checked by the test suite.
    """
    if func is None:
        return lambda f: _register(f, {}, plain)
    return _register(func, {}, plain)


def jit_inline(func: F) -> F:
    """Like :func:`jit`, for small helpers called in hot loops.

    Inlined into the caller at numba's level: an ordinary call passes each array argument
    with reference counting, which costs more than the helper's work.
    """
    return _register(func, {"inline": "always"}, False)  # type: ignore[no-any-return]
