"""The two spirals solved by evolution with sin neurons, and by search by gradient.

Otoro's "Backprop NEAT" solves Playground's spiral with small networks whose neurons may be
sin, gaussian, abs or square; Lecture 07-5c lists "gradient descent in network architecture
space". Here ``evolve`` runs :data:`~neurograph.topology.evolution.COMPOSITIONAL` — sin
neurons, each network starting as a random 60-edge DAG over 10 hidden neurons in two tiers,
each child trained 200 Adam epochs on its parent's weights, at most 40 generations, the best
refitted 200 epochs on all the training points — on the 194 benchmark points
(scaled by 0.7), and is tested on the 194 points halfway between them. ``gradient_search``
trains gates on every edge of a dense two-tier DAG over 12 sin neurons with an L1 price,
prunes to 60 edges and retrains. The picture: evolution's network and its boundary, then
the gradient search's surviving edges and its boundary.

``python examples/search_spirals.py --seeds 0 1 2 3 4`` runs evolution once per seed (two
processes each) and prints each seed's held-out accuracy, edges and seconds; it checks the
95% held-out accuracy of every seed and draws the first.
``python examples/search_spirals.py --quick`` (as the tests run it) runs 2 generations of 4 children trained 50 epochs each, in one process, refits for 20 epochs,
and runs 100 + 100 epochs of the gradient search, and checks only what the searches promise
(the edge budget).
"""

import argparse
import resource
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402
from neurograph.topology.evolution import COMPOSITIONAL  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="evolve's seeds")
parser.add_argument("--quick", action="store_true", help="a small run (the tests')")
arguments = parser.parse_args()
QUICK = "--quick" in sys.argv[1:]
SCALE = 0.7
S, T = ng.datasets.spirals()
H, G = ng.datasets.spirals(phase=0.5)  # the held-out points, halfway between the benchmark's
S, H = S * SCALE, H * SCALE


def accuracy(net):
    return float(np.mean((net.predict(H)[:, 0] >= 0.5) == (G[:, 0] >= 0.5)))


settings = {**COMPOSITIONAL,
            **({"population": 4, "generations": 2, "epochs": 50, "refit": 20} if QUICK else {})}


def cpu_seconds():
    """CPU time of this process and of its ended children (joblib's workers, once shut down)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


solved = []
for seed in arguments.seeds:
    start, cpu = time.perf_counter(), cpu_seconds()
    evolved = ng.evolve(S, T, seed=seed, n_jobs=1 if QUICK else 2, stop_error=0.0, **settings)
    if not QUICK:  # end joblib's two worker processes, so that their CPU time is counted
        from joblib.externals.loky import get_reusable_executor
        get_reusable_executor().shutdown(wait=True)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(f"evolve, seed {seed}: {len(evolved.history)} generations, {seconds:.1f} s "
          f"({cpu:.1f} s of CPU); the best "
          f"has {len(evolved.best.hidden)} hidden neurons and {len(evolved.best.w)} edges; "
          f"held-out accuracy {accuracy(evolved.best):.1%}", flush=True)
    solved.append(evolved.best)
best = solved[0]

options = dict(epochs=100, retrain_epochs=100) if QUICK else {}
start = time.perf_counter()
found = ng.gradient_search(S, T, neurons=12, depth=2, max_edges=60, seed=0, **options)
seconds = time.perf_counter() - start
print(f"gradient_search: {len(found.gated.w)} candidate edges, {len(found.best.w)} kept "
      f"({len(found.best.hidden)} hidden neurons), {seconds:.1f} s; held-out accuracy "
      f"{accuracy(found.best):.1%}")

assert all(len(net.w) <= 60 for net in solved) and len(found.best.w) <= 60
if not QUICK and min(map(accuracy, solved)) < 0.95:
    raise SystemExit("evolve should reach 95% held-out accuracy on the spirals for every seed")

figure, axes = plt.subplots(2, 2, figsize=(13, 12))
best.plot(ax=axes[0, 0], bias="hide", weights=False,
          title=f"evolve (seed {arguments.seeds[0]}): {len(best.hidden)} sin neurons, {len(best.w)} edges")
ng.plot_decision_boundary(best, H, G, ax=axes[0, 1]).set_title(
    f"evolve: {accuracy(best):.1%} of the held-out points")
found.best.plot(ax=axes[1, 0], bias="hide", weights=False,
                title=f"gradient search: the {len(found.best.w)} edges kept of "
                      f"{len(found.gated.w)}")
ng.plot_decision_boundary(found.best, H, G, ax=axes[1, 1]).set_title(
    f"gradient search: {accuracy(found.best):.1%} of the held-out points")
figure.tight_layout()
figure.savefig("search_spirals.png", dpi=80, bbox_inches="tight")
print("wrote search_spirals.png")
