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
