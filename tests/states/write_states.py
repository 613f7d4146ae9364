"""Write the saved states of this folder with the nmi found on PYTHONPATH.

    python tests/states/write_states.py OUTDIR TAG

The files here were written by the nmi of the commit where each format was last written:
``v1`` by 4b309f5^ (state_dict version 1, torch records without a kind, pickles without
noise totals), ``v2`` by a77437b (state_dict version 2 with weights and noise singletons).
"""

import pickle
import sys

import numpy as np
import torch

import nmi
import nmi.torch as nt


def main(out, tag):
    preds = np.array([0, 0, 1, 1, 2, 2, 2, -1, -1, 5])
    target = np.array([1, 1, 1, 0, 0, 3, 3, 3, -1, 0])
    kw = {}
    if tag == "v2":
        kw = dict(preds_noise=-1, target_noise=-1, noise_policy="singleton")
    acc = nmi.NormalizedMutualInfoScore("geometric", **kw)
    acc.update(preds, target)
    acc.update(preds[::-1].copy(), target)
    if tag == "v2":
        w = np.linspace(0.5, 2.0, preds.size)
        acc2 = nmi.NormalizedMutualInfoScore("geometric", noise_policy="drop", preds_noise=-1)
        acc2.update(preds, target, w)
        np.savez(f"{out}/accumulator_{tag}_weighted.npz", **acc2.state_dict())
        with open(f"{out}/accumulator_{tag}_weighted.pkl", "wb") as f:
            pickle.dump(acc2, f)
    np.savez(f"{out}/accumulator_{tag}.npz", **acc.state_dict())
    with open(f"{out}/accumulator_{tag}.pkl", "wb") as f:
        pickle.dump(acc, f)
    with open(f"{out}/table_{tag}.pkl", "wb") as f:
        pickle.dump(acc.table, f)
    tm = nt.NormalizedMutualInfoScore("geometric", **kw)
    tm.update(torch.from_numpy(preds), torch.from_numpy(target))
    tm.update(torch.from_numpy(preds[::-1].copy()), torch.from_numpy(target))
    torch.save(tm.state_dict(), f"{out}/torch_{tag}.pt")
    expected = {
        "accumulator": acc.compute(),
        "torch": float(tm.compute()),
        "n_samples": acc.n_samples,
    }
    if tag == "v2":
        expected["weighted"] = acc2.compute()
        expected["weighted_n"] = acc2.n_samples
    with open(f"{out}/expected_{tag}.txt", "w") as f:
        f.write(repr(expected) + "\n")
    print(tag, expected)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
