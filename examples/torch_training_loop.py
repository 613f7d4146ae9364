"""Score a PyTorch model's clusters every epoch with nmi.torch.

A small network learns to assign 2-D points from 4 Gaussian blobs to 4 clusters, trained on
the blob ids; every epoch, the argmax of its output is scored against the blob ids with the
torchmetrics-style Metric (the functional form gives the same number).

Run: python examples/torch_training_loop.py
"""

import torch

from nmi.torch import NormalizedMutualInfoScore, normalized_mutual_info_score

torch.manual_seed(0)
centers = torch.tensor([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]])
labels = torch.randint(0, 4, (4000,))
points = centers[labels] + torch.randn(4000, 2)

model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
metric = NormalizedMutualInfoScore()
for epoch in range(6):
    for batch in torch.split(torch.randperm(4000), 200):
        logits = model(points[batch])
        loss = torch.nn.functional.cross_entropy(logits, labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        metric.update(logits.argmax(dim=1), labels[batch])  # no detach needed
    score = metric.compute()
    metric.reset()
    with torch.no_grad():
        whole = normalized_mutual_info_score(model(points).argmax(dim=1), labels)
    print(f"epoch {epoch}: NMI during the epoch {score:.4f}, after it {whole:.4f}")
