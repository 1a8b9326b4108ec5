"""Lecture 07-5c: deep but narrow against shallow but wide, 18 weights each.

Both networks have 18 weights besides the bias weights: 2-6-1 (one hidden layer
of 6) and 2-3-3-1 (two hidden layers of 3). Each is trained five times (five
seeds) with the same data, learning rate and epochs on one task: is a point of
[−1, 1]² inside the circle of radius 0.7? The lecture says deep and narrow tends
to do better for a fixed number of weights; here is what this task shows.
"""

import numpy as np

import neurograph as ng

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(300, 2))
y = (np.hypot(X[:, 0], X[:, 1]) < 0.7).astype(float)[:, None]
train, test = slice(0, 200), slice(200, 300)

print(f"{'network':10} {'weights':>8} {'biases':>7} {'final J(w)':>11} {'test accuracy':>14}")
results = {}
for sizes in ([2, 6, 1], [2, 3, 3, 1]):
    losses, accuracies = [], []
    for seed in range(5):
        net = ng.Network.layered(sizes, activation="tanh", output_activation="logistic",
                                 seed=seed, init="glorot")
        history = net.fit(X[train], y[train], lr=0.1, epochs=150, seed=seed)
        losses.append(history.loss[-1])
        accuracies.append((net.classify(X[test]) == y[test, 0]).mean())
    weights = sum(1 for i, j in net.w if i != 0)
    name = "-".join(map(str, sizes))
    results[name] = np.mean(accuracies)
    print(f"{name:10} {weights:8} {len(net.w) - weights:7} {np.mean(losses):11.4f} "
          f"{np.mean(accuracies):8.3f} ± {np.std(accuracies):.3f}")
best = max(results, key=results.get)
shape = "deep and narrow" if best == "2-3-3-1" else "shallow and wide"
print(f"\nOn this task the {shape} network ({best}) did better: the lecture's rule is a "
      f"tendency, not a law.")
