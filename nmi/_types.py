"""The array type aliases every module annotates with, declared once."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[Any]
Histogram = tuple[FloatArray, FloatArray]  # distinct values, and how often each occurs
