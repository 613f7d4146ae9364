import contextlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

METHODS = ("min", "geometric", "arithmetic", "max")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


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


@contextlib.contextmanager
def guess_prefix(size):
    """Let the one-pass count take a row's range from its first ``size`` samples (None: as is).

    That count serves inputs longer than twice the prefix; a small prefix puts small test
    inputs through it.
    """
    import nmi.contingency as C

    saved = C._GUESS_PREFIX
    C._GUESS_PREFIX = saved if size is None else size
    try:
        yield
    finally:
        C._GUESS_PREFIX = saved
