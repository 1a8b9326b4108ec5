"""The three topology searches side by side: evolve, cascade_correlation and gradient_search.

    python scripts/compare_searches.py [--seeds 0 1 2 3 4] [--tasks spirals parity digits]
                                       [--searches evolve cascade gradient] [--n-jobs 2]

Prints one Markdown table row per task, search and seed: held-out accuracy, edges (bias edges
included), hidden neurons and wall seconds. The tasks:

- spirals: the 194 benchmark points scaled by 0.7 for training (evolve holds a quarter out for
  its fitness), and the 194 points halfway between them (``spirals(phase=0.5)``) for the test;
- parity: 5-bit parity, every one of the 32 patterns (no held-out set: it is all of them);
- digits: scikit-learn's 8×8 digits, 75% for training, the stratified 25% for the test.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's neurograph first

import neurograph as ng  # noqa: E402
from neurograph.topology.evolution import COMPOSITIONAL  # noqa: E402

SPIRAL_SCALE = 0.7


def spirals():
    S, T = ng.datasets.spirals()
    H, G = ng.datasets.spirals(phase=0.5)
    return S * SPIRAL_SCALE, T, H * SPIRAL_SCALE, G


def parity():
    X, Y = ng.datasets.parity(5)
    return X, Y, X, Y


def digits():
    split = ng.datasets.digits()
    return split.X_train, np.eye(10)[split.y_train], split.X_test, np.eye(10)[split.y_test]


TASKS = {"spirals": spirals, "parity": parity, "digits": digits}

EVOLVE = {
    "spirals": dict(COMPOSITIONAL, stop_error=0.0),
    "parity": dict(COMPOSITIONAL, start_hidden=4, max_edges=40, stop_error=0.0),
    "digits": dict(population=8, generations=4, epochs=10, lr=0.01, optimizer="adam",
                   batch_size=32, loss="log", activations=("tanh", "sin", "relu")),
}
CASCADE = {"spirals": dict(max_hidden=40), "parity": dict(max_hidden=15),
           "digits": dict(max_hidden=5, output_iterations=100, candidate_iterations=100)}
GRADIENT = {
    "spirals": dict(neurons=12, depth=2, epochs=3000, retrain_epochs=3000, max_edges=60),
    "parity": dict(neurons=6, activations=("sin", "tanh"), epochs=2000, lr=0.05,
                   retrain_epochs=1000, max_edges=40),
    "digits": dict(neurons=10, depth=1, activations=("tanh",), epochs=300, lr=0.01,
                   retrain_epochs=300, max_edges=400, penalty=1e-4),
}


def accuracy(net, X, Y):
    a = net.predict(X)
    if Y.shape[1] == 1:
        return float(np.mean((a[:, 0] >= 0.5) == (Y[:, 0] >= 0.5)))
    return float(np.mean(a.argmax(axis=1) == Y.argmax(axis=1)))


def search(name, task, X, Y, seed, n_jobs):
    if name == "evolve":
        return ng.evolve(X, Y, seed=seed, n_jobs=n_jobs, **EVOLVE[task]).best
    if name == "cascade":
        return ng.cascade_correlation(X, Y, seed=seed, **CASCADE[task])[0]
    return ng.gradient_search(X, Y, seed=seed, **GRADIENT[task]).best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--searches", nargs="+", default=["evolve", "cascade", "gradient"],
                        choices=["evolve", "cascade", "gradient"])
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    print("| task | search | seed | held-out accuracy | edges | hidden | seconds |")
    print("|---|---|---|---|---|---|---|")
    for task in args.tasks:
        X, Y, X_test, Y_test = TASKS[task]()
        for name in args.searches:
            for seed in args.seeds:
                start = time.perf_counter()
                net = search(name, task, X, Y, seed, args.n_jobs)
                seconds = time.perf_counter() - start
                print(f"| {task} | {name} | {seed} | {accuracy(net, X_test, Y_test):.1%} | "
                      f"{len(net.w)} | {len(net.hidden)} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
