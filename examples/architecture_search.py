"""Lecture 07-5c's deep-but-narrow against shallow-but-wide, redone as a search under a
weight budget.

Lecture 07-5c compares two networks of 18 weights (plus 7 bias weights): 2-6-1 and 2-3-3-1
(examples/deep_vs_wide.py trains both). Here evolution searches every DAG of at most 25
edges, bias edges included — skip connections and odd shapes allowed — on the same task (is
a point of [−1, 1]² inside the circle of radius 0.7?), and reports the depth and width of
what it finds next to the two hand-made networks trained the same way.

``python examples/architecture_search.py --quick`` (as the tests run it) searches with a
population of 10 for 4 generations instead of 30 for 15.
"""

import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(300, 2))
y = (np.hypot(X[:, 0], X[:, 1]) < 0.7).astype(float)[:, None]
train, valid, test = slice(0, 150), slice(150, 200), slice(200, 300)
BUDGET = 25
POPULATION, GENERATIONS = (10, 4) if "--quick" in sys.argv[1:] else (30, 15)

start = time.perf_counter()
result = ng.evolve(X[train], y[train], validation=(X[valid], y[valid]), population=POPULATION,
                   generations=GENERATIONS, seed=0, n_jobs=2, epochs=25, lr=0.05, batch_size=10,
                   optimizer="adam", loss="log", size_penalty=0.0, max_edges=BUDGET,
                   activations=("tanh", "relu", "logistic"))
seconds = time.perf_counter() - start
print(f"{'generation':>10} {'val. loss':>9} {'error':>6} {'depth':>5} {'hidden':>6} {'edges':>5}")
for h in result.history:
    print(f"{h['generation']:10} {h['loss']:9.4f} {h['error']:6.1%} {h['depth']:5} "
          f"{h['hidden']:6} {h['edges']:5}")


def accuracy(net):
    return float((net.classify(X[test]) == y[test, 0]).mean())


best = result.best
assert len(best.w) <= BUDGET
print(f"\nsearch: {seconds:.1f} s; the best has depth {result.history[-1]['depth']}, "
      f"{len(best.hidden)} hidden neurons, {len(best.w)} edges: test accuracy "
      f"{accuracy(best):.1%}")
hand = {}
for sizes in ([2, 6, 1], [2, 3, 3, 1]):
    net = ng.Network.layered(sizes, activation="tanh", output_activation="logistic", seed=0,
                             init="glorot")
    epochs = 25 * len(result.history)  # as many epochs as the search's lineages had at most
    net.fit(X[train], y[train], lr=0.05, epochs=epochs, batch_size=10, optimizer="adam",
            loss="log", seed=0)
    name = "-".join(map(str, sizes))
    hand[name] = accuracy(net)
    print(f"{name:>8} by hand: depth {len(sizes) - 1}, {len(net.w)} edges, {epochs} epochs: "
          f"test accuracy {accuracy(net):.1%}")

figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
best.plot(ax=left, title=f"found under a budget of {BUDGET} edges: depth "
                         f"{result.history[-1]['depth']}, test accuracy {accuracy(best):.0%}")
ng.plot_history(result, ax=right)  # the best's validation loss and accuracy per generation
right.set_title("2-6-1 by hand: {:.0%}, 2-3-3-1 by hand: {:.0%} (test accuracy)".format(
    hand["2-6-1"], hand["2-3-3-1"]))
figure.tight_layout()
figure.savefig("architecture_search.png", dpi=90, bbox_inches="tight")
print("wrote architecture_search.png")
