"""Matplotlib drawing, imported only when a plot is asked for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ModuleNotFoundError(
            "plot() needs matplotlib, which is not installed: pip install matplotlib (or nmi's "
            "plot extra)"
        ) from None
    return plt


def plot_scores(
    val: float | Sequence[float], ax: Any, label: str, lower: float, upper: float | None
) -> tuple[Any, Any]:
    """Draw one score as a point, or several as a line over steps, between the bounds.

    ``upper`` None: a score without an upper bound (nats), drawn up to its largest value.
    """
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.get_figure()
    values = [float(v) for v in val] if isinstance(val, Sequence) else [float(val)]
    if isinstance(val, Sequence):
        ax.plot(range(len(values)), values, marker="o", label=label)
        ax.set_xlabel("step")
    else:
        ax.plot([0], values, marker="o", linestyle="", label=label)
        ax.set_xticks([])
    if upper is None:
        upper = max([lower + 1.0, *values])
    else:
        ax.axhline(upper, color="grey", linestyle="--", linewidth=0.8)
    ax.axhline(lower, color="grey", linestyle="--", linewidth=0.8)
    margin = 0.05 * (upper - lower)
    ax.set_ylim(lower - margin, upper + margin)
    ax.set_ylabel(label)
    ax.legend(loc="lower right")
    return fig, ax
