"""``score_many``: many clusterings against one target, encoded once, on the shared threads.

Built on :mod:`nmi._counting`: the target becomes :class:`~nmi._counting.TargetCodes` once,
and each clustering is counted against it by :func:`~nmi._counting.count_against`, the same
function a one-shot call uses; the clusterings take a thread each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from ._counting import DEFAULT, TargetCodes, Tuning, count_against
from ._noise import NO_NOISE, NoisePolicy
from ._parallel import map_threads
from ._validation import Labels
from .contingency import Contingency

T = TypeVar("T")


def score_rows(
    rows: list[Labels],
    target: Labels,
    score: Callable[[Contingency], T],
    weights: npt.NDArray[np.float64] | None = None,
    noise: NoisePolicy = NO_NOISE,
    tuning: Tuning = DEFAULT,
) -> list[T]:
    """Return ``score(table)`` of each labeling of ``rows`` against ``target``.

    ``rows`` and ``target`` are validated, of equal length, with their noise masks; the same
    ``weights`` and ``noise`` policy apply to every row. A single row takes every thread for
    its own chunks; several rows take a thread each.
    """
    single = len(rows) == 1
    codes = TargetCodes.of(target, shared=not single, tuning=tuning)

    def one(index: int) -> T:
        return score(count_against(rows[index], codes, weights, noise, tuning, parallel=single))

    return map_threads(one, len(rows))
