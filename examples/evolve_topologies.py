"""Architecture search by evolution with backprop: XOR, then the two spirals.

A population of 50 networks starts from the inputs joined straight to the output (NEAT's
start). Each generation keeps its two best unchanged; every other network is a child of a
tournament's winner, changed by one mutation — add an edge, split an edge (a new neuron),
remove an edge, change an activation — and then trained by backpropagation for a few epochs,
keeping its parent's trained weights. Fitness is the validation loss plus a small price per
edge. XOR needs a hidden neuron, so the search has to grow one; the spirals need many.
The picture shows XOR's best network at three generations, the fitness curves, and the
spirals as the best network after 12 generations classifies them.

``python examples/evolve_topologies.py --quick`` (as the tests run it) searches the spirals
with a population of 10 for 3 generations; XOR's search is the same.
"""

import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import neurograph as ng  # noqa: E402

X, Y = ng.datasets.xor()
start = time.perf_counter()
xor = ng.evolve(X, Y, population=50, generations=30, seed=0, epochs=20, lr=0.5,
                stop_error=0.0)
print(f"XOR: solved at generation {xor.solved_at} in {time.perf_counter() - start:.1f} s")
print(f"{'generation':>10} {'fitness':>9} {'loss':>8} {'error':>6} {'hidden':>6} {'edges':>5}")
for h in xor.history:
    print(f"{h['generation']:10} {h['best_fitness']:9.4f} {h['loss']:8.4f} {h['error']:6.0%} "
          f"{h['hidden']:6} {h['edges']:5}")
if xor.solved_at is None:
    raise SystemExit("evolution should solve XOR within 30 generations")

POPULATION, GENERATIONS = (10, 3) if "--quick" in sys.argv[1:] else (30, 12)  # the spirals'
S, T = ng.datasets.spirals()
start = time.perf_counter()
spirals = ng.evolve(S / 6.5, T, population=POPULATION, generations=GENERATIONS, seed=0,
                    epochs=30, lr=0.03, batch_size=16, optimizer="adam", size_penalty=1e-4,
                    activations=("tanh",), loss="log", n_jobs=2)
last = spirals.history[-1]
print(f"\nspirals: after {len(spirals.history)} generations ({time.perf_counter() - start:.1f} s)"
      f" the best has {last['hidden']} hidden neurons, {last['edges']} edges, depth "
      f"{last['depth']}, and misclassifies {last['error']:.0%} of the held-out points:\n"
      f"growing one neuron per mutation with a few epochs each is slow on the spirals, which "
      f"cascade-correlation solves in a second (examples/cascade_spirals.py)")

shown = sorted({0, xor.solved_at // 2, xor.solved_at})
figure = plt.figure(figsize=(14, 8))
grid = figure.add_gridspec(2, 6)
for column, generation in enumerate(shown):
    ax = figure.add_subplot(grid[0, 2 * column:2 * column + 2])
    best = ng.Network.from_document(xor.history[generation]["best"])
    best.plot(ax=ax, title=f"XOR, generation {generation}: error "
                           f"{xor.history[generation]['error']:.0%}")
ax = figure.add_subplot(grid[1, :3])
for result, name in ((xor, "XOR"), (spirals, "spirals")):
    ax.plot([h["best_fitness"] for h in result.history], marker="o", label=f"{name}: best")
    ax.plot([h["mean_fitness"] for h in result.history], linestyle="--",
            label=f"{name}: population mean")
ax.set(xlabel="generation", ylabel="fitness = −loss − price × edges", ylim=(-1.2, 0.05))
ax.legend()
boundary = ng.plot_decision_boundary(spirals.best, S / 6.5, T, ax=figure.add_subplot(grid[1, 3:]))
boundary.set_title(f"spirals: the best after {len(spirals.history)} generations")
figure.tight_layout()
figure.savefig("evolution.png", dpi=90, bbox_inches="tight")
print("wrote evolution.png")
