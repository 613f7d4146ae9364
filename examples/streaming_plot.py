"""Follow NMI over training epochs with the streaming accumulator, and plot the curve.

Each "epoch" produces cluster assignments that agree a little more with the ground truth;
the accumulator scores each batch (forward) and the whole epoch (compute).

Run: python examples/streaming_plot.py [output.png]
"""

import sys

import numpy as np

import nmi

rng = np.random.default_rng(0)
truth = rng.integers(0, 10, 50_000)
metric = nmi.NormalizedMutualInfoScore()
per_epoch = []
for epoch in range(8):
    agreement = 0.2 + 0.1 * epoch  # the model gets better every epoch
    metric.reset()
    for batch in np.array_split(np.arange(truth.size), 10):
        t = truth[batch]
        p = np.where(rng.random(t.size) < agreement, t, rng.integers(0, 10, t.size))
        metric(p, t)  # forward: batch score, accumulated too
    per_epoch.append(metric.compute())
    print(f"epoch {epoch}: NMI {per_epoch[-1]:.4f} over {metric.n_samples} samples")

output = sys.argv[1] if len(sys.argv) > 1 else "nmi-epochs.png"
try:
    fig, ax = metric.plot(per_epoch)
except ModuleNotFoundError as exc:
    print(exc)
else:
    ax.set_title("NMI per epoch")
    fig.savefig(output)
    print(f"wrote {output}")
