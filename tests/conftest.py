import numpy as np
import pytest

METHODS = ("min", "geometric", "arithmetic", "max")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
