import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, settings

from nmi import _scores
from nmi._counting import Tuning
from nmi._many import score_rows
from nmi._validation import check_noise
from nmi.functional import many_update, table_of_labels

METHODS = ("min", "geometric", "arithmetic", "max")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


# Under `make mutate` (tests run from mutmut's copy, mutants/), a failing hypothesis test
# fails at once: shrinking its example can take longer than the time a mutant is given, and
# would turn a killed mutant into a timeout. Examples are drawn from a fixed seed, so a rerun
# gives the same verdicts; nothing is saved to the example database.
if Path.cwd().name == "mutants":
    settings.register_profile(
        "mutation",
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        database=None,
        derandomize=True,
    )
    settings.load_profile("mutation")

# Under `make mutate`, the tests each mutant runs: first those of the files that test its
# module, then the others, each group fastest first, cut once their recorded time passes
# MUTATION_BUDGET seconds. A survivor then costs seconds, not the whole suite (the whole run
# takes about 50 minutes on two cores: see docs/development.md).
MUTATION_BUDGET = 5.0
# A mutant that makes a test hang (or crawl) is stopped once that test has run MUTATION_HANG[0]
# times its recorded time plus MUTATION_HANG[1] seconds, with mutmut's exit code for a timeout.
# Time numba spends compiling or loading compiled code does not count (it holds its compiler
# lock for both): a mutant that sends a test down a path whose kernels the clean run never
# compiled is slow once, not hung, and a fresh test process loads its kernels from the cache.
# mutmut's own limit, from the time of every test that reaches the mutant, stays as a backstop
# (pyproject.toml); alone it let a hang in a test of a few milliseconds cost over 20 seconds.
MUTATION_HANG = (5.0, 4.0)
MUTMUT_TIMEOUT_EXIT = 36
MUTATION_TESTS = {
    "nmi._noise": ("test_noise", "test_weights", "test_state"),
    "nmi.contingency": ("test_contingency", "test_invariants", "test_noise", "test_state"),
    "nmi._scores": (
        "test_ami",
        "test_invariants",
        "test_functional",
        "test_weights",
        "test_reduced",
    ),
    "nmi._reduced": ("test_reduced",),
    "nmi._replicates": ("test_resampling", "test_uncertainty"),
    "nmi._resampling": ("test_resampling", "test_uncertainty"),
    "nmi._state": ("test_state", "test_metric", "test_noise"),
    "nmi.functional": (
        "test_functional",
        "test_common",
        "test_weights",
        "test_score_many",
        "test_reduced",
    ),
    "nmi.metric": ("test_metric", "test_state", "test_common"),
    "nmi._counting": ("test_kinds", "test_contingency", "test_noise", "test_functional"),
    "nmi._cells": ("test_kinds", "test_contingency", "test_functional", "test_noise"),
    "nmi._encoding": ("test_kinds", "test_contingency", "test_hostile", "test_functional"),
}


def pytest_collection_modifyitems(config, items):
    """Under ``make mutate``, run the relevant tests, fastest first, within a time budget.

    mutmut runs the tests that reached a mutant with ``-x``; the first to fail kills it. The
    durations come from mutmut's clean run (``mutmut-stats.json``, in the folder the tests
    run from); the mutant's module from its name (``nmi._noise.xǁNoiseTotalsǁcheck__mutmut_3``).
    Outside mutmut (and in its clean and stats runs) every test runs, as written.
    """
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    stats = Path("mutmut-stats.json")
    module = mutant.split(".x", 1)[0] if "__mutmut_" in mutant else ""
    if not module or not stats.is_file():
        return
    durations = json.loads(stats.read_text()).get("duration_by_test", {})
    relevant = MUTATION_TESTS.get(module, ())

    def order(item):
        own = Path(str(item.path)).stem in relevant
        return (not own, durations.get(item.nodeid, float("inf")))

    items.sort(key=order)
    spent = 0.0
    for kept, item in enumerate(items):
        recorded = durations.get(item.nodeid)
        if recorded is not None:
            item.stash[HANG_LIMIT] = MUTATION_HANG[0] * recorded + MUTATION_HANG[1]
        spent += recorded or 0.0
        if spent > MUTATION_BUDGET and kept:
            config.hook.pytest_deselected(items=items[kept:])
            del items[kept:]
            break


HANG_LIMIT = pytest.StashKey[float]()


class HangWatch:
    """Seconds a test has run outside numba's compiler lock, for the hang limit under mutmut."""

    def __init__(self):
        self.lock = threading.Lock()
        self.depth = 0  # holds of the (reentrant) lock: a kernel compiles the kernels it calls
        self.since = 0.0
        self.compiled = 0.0  # seconds spent holding the lock (compiling, loading), all told

    def on_start(self, event):
        with self.lock:
            if self.depth == 0:
                self.since = time.perf_counter()
            self.depth += 1

    def on_end(self, event):
        with self.lock:
            self.depth -= 1
            if self.depth == 0:
                self.compiled += time.perf_counter() - self.since

    def compiling(self):
        with self.lock:
            now = time.perf_counter()
            return self.compiled + (now - self.since if self.depth else 0.0)

    def watch(self, limit, done):
        """Exit as a mutmut timeout once ``limit`` seconds pass outside the compiler."""
        start, compiled = time.perf_counter(), self.compiling()
        while not done.wait(0.1):
            if time.perf_counter() - start - (self.compiling() - compiled) > limit:
                os._exit(MUTMUT_TIMEOUT_EXIT)


HANG_WATCH = HangWatch()
if Path.cwd().name == "mutants":
    import numba.core.event
    import torch

    # mutmut forks a process per mutant from one that ran the suite: torch's pool of
    # intra-op threads would not survive the fork, and a test using it would hang
    torch.set_num_threads(1)

    class CompileListener(numba.core.event.Listener):
        def on_start(self, event):
            HANG_WATCH.on_start(event)

        def on_end(self, event):
            HANG_WATCH.on_end(event)

    numba.core.event.register("numba:compiler_lock", CompileListener())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Under ``make mutate``, end the run as a timeout when a test overruns its hang limit."""
    limit = item.stash.get(HANG_LIMIT, None)
    if limit is None:
        yield
        return
    done = threading.Event()
    watcher = threading.Thread(target=HANG_WATCH.watch, args=(limit, done), daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()


def import_error_without(module, blocked):
    """Return the ImportError message of `import module` in a process where `blocked` is missing."""
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules[{blocked!r}] = None
        try:
            import {module}
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def sklearn_ami(labels_true, labels_pred, method):
    """scikit-learn's adjusted mutual information, except rounding error over rounding error.

    When one side puts every sample in a cluster of its own, MI equals its expectation
    exactly, and with ``"min"`` so does the normalizer: scikit-learn then divides two
    rounding errors (its result can be 0.5, 1.0 or 2.0 for the same kind of input), while
    nmi takes both differences as exact zeros and returns 1.0, scikit-learn's value for 0/0.
    """
    from sklearn.metrics import adjusted_mutual_info_score

    t, p = np.asarray(labels_true), np.asarray(labels_pred)
    k_true, k_pred = np.unique(t).size, np.unique(p).size
    if method == "min" and min(k_true, k_pred) > 1 and t.size in (k_true, k_pred):
        return 1.0
    return adjusted_mutual_info_score(t, p, average_method=method)


class Tuned:
    """The scoring functions, counting with a :class:`nmi._counting.Tuning` of their own.

    ``Tuned(guess_prefix=2)`` takes a row's range from its first 2 samples: the one-pass
    count, which serves inputs longer than twice that prefix, then counts small inputs too.
    ``Tuned()`` counts as the public functions do.
    """

    def __init__(self, **sizes):
        sizes = {k: v for k, v in sizes.items() if v is not None}
        self.tuning = Tuning(**sizes)

    def table(self, preds, target, sample_weight=None, **noise):
        return table_of_labels(preds, target, sample_weight, check_noise(**noise), self.tuning)

    def nmi(self, preds, target, average_method="arithmetic", **kw):
        return self.table(preds, target, **kw).normalized_mutual_info(average_method)

    def mi(self, preds, target, **kw):
        return self.table(preds, target, **kw).mutual_info()

    def ami(self, preds, target, average_method="arithmetic", **kw):
        return self.table(preds, target, **kw).adjusted_mutual_info(average_method)

    def scores(self, preds, target, **kw):
        return self.table(preds, target, **kw).scores()

    def many(self, rows, target, average_method="arithmetic", sample_weight=None, **noise):
        policy = check_noise(**noise)
        rows, t, w = many_update(rows, target, sample_weight, policy)
        score = lambda table: table.normalized_mutual_info(average_method)  # noqa: E731
        return np.asarray(score_rows(rows, t, score, w, policy, self.tuning))


def table_information(table, min_chunk, small_cols_min=1 << 16):
    """The information of a table's cells, summed with the given chunking."""
    return _scores.information(
        table.rows, table.cols, table.counts, table.row_sums, table.col_sums, table.n_samples,
        table.noise, min_chunk=min_chunk, small_cols_min=small_cols_min,
    )  # fmt: skip
