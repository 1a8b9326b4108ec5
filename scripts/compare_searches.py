"""The three topology searches side by side: evolve, cascade_correlation and gradient_search
(with an L1 price on its gates, and with Louizos et al.'s L0 hard-concrete gates).

    python scripts/compare_searches.py [--seeds 0 1 2 3 4] [--tasks spirals parity digits]
                                       [--searches evolve cascade gradient-l1 gradient-l0]
                                       [--n-jobs 2] [--out FILE.jsonl]
    python scripts/compare_searches.py --summary FILE.jsonl [FILE.jsonl ...]

The first form runs each task, search and seed, prints one Markdown row per run (held-out
accuracy, edges with the bias edges, hidden neurons, wall seconds and CPU seconds of this
process and its workers) and, with ``--out``, appends each run to FILE.jsonl as one JSON
object (with the load average), so long runs can be split (by ``--searches`` or ``--seeds``)
and rerun piece by piece. The second form reads the files and prints the table of the README:
mean ± sd over the seeds of each task and search (the last run of a task, search and seed
counts, so a rerun replaces an older one). The tasks:

- spirals: the 194 benchmark points scaled by 0.7 for training (evolve holds a quarter out for
  its fitness), and the 194 points halfway between them (``spirals(phase=0.5)``) for the test;
- parity: 5-bit parity, every one of the 32 patterns (no held-out set: it is all of them);
- digits: scikit-learn's 8×8 digits, 75% for training, the stratified 25% for the test.
"""

import argparse
import json
import os
import resource
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
TASK_NAMES = {"spirals": "spirals", "parity": "parity (5 bits)", "digits": "digits"}

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
                   retrain_epochs=300, max_edges=400, strength=1e-4),
}
L0_STRENGTH = {"spirals": 1e-3, "parity": 1e-3, "digits": 1e-4}
"""λ of the L0 gates (the expected number of open gates is priced, not their size)."""

SEARCHES = {
    "evolve": lambda task, X, Y, seed, n_jobs:
        ng.evolve(X, Y, seed=seed, n_jobs=n_jobs, **EVOLVE[task]).best,
    "cascade": lambda task, X, Y, seed, n_jobs:
        ng.cascade_correlation(X, Y, seed=seed, **CASCADE[task])[0],
    "gradient-l1": lambda task, X, Y, seed, n_jobs:
        ng.gradient_search(X, Y, seed=seed, **{**GRADIENT[task], "penalty": "l1"}).best,
    "gradient-l0": lambda task, X, Y, seed, n_jobs:
        ng.gradient_search(X, Y, seed=seed, **{**GRADIENT[task], "penalty": "l0",
                                               "strength": L0_STRENGTH[task]}).best,
}


def accuracy(net, X, Y):
    a = net.predict(X)
    if Y.shape[1] == 1:
        return float(np.mean((a[:, 0] >= 0.5) == (Y[:, 0] >= 0.5)))
    return float(np.mean(a.argmax(axis=1) == Y.argmax(axis=1)))


def cpu_seconds():
    """CPU seconds of this process and of its finished workers (joblib's processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def run(args):
    print("| task | search | seed | held-out accuracy | edges | hidden | seconds | CPU s |")
    print("|---|---|---|---|---|---|---|---|")
    for task in args.tasks:
        X, Y, X_test, Y_test = TASKS[task]()
        for name in args.searches:
            for seed in args.seeds:
                start, cpu = time.perf_counter(), cpu_seconds()
                net = SEARCHES[name](task, X, Y, seed, args.n_jobs)
                row = {"task": task, "search": name, "seed": seed,
                       "accuracy": accuracy(net, X_test, Y_test), "edges": len(net.w),
                       "hidden": len(net.hidden), "seconds": time.perf_counter() - start,
                       "cpu_seconds": cpu_seconds() - cpu, "load": os.getloadavg()[0],
                       "n_jobs": args.n_jobs, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
                print(f"| {task} | {name} | {seed} | {row['accuracy']:.1%} | {row['edges']} | "
                      f"{row['hidden']} | {row['seconds']:.1f} | {row['cpu_seconds']:.1f} |",
                      flush=True)
                if args.out:
                    with open(args.out, "a") as file:
                        file.write(json.dumps(row) + "\n")


def summary(paths):
    """The README's table from the runs in `paths`: mean ± sd (n − 1) over the seeds."""
    runs = {}
    for path in paths:
        with open(path) as file:
            for line in file:
                if line.strip():
                    row = json.loads(line)
                    runs[row["task"], row["search"], row["seed"]] = row
    print("| task | search | seeds | held-out accuracy | edges | hidden neurons | seconds | "
          "CPU seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for task in TASKS:
        for name in SEARCHES:
            rows = [runs[key] for key in sorted(runs) if key[:2] == (task, name)]
            if not rows:
                continue

            def cell(key, scale=1.0, digits=1, percent=""):
                values = np.array([r[key] for r in rows]) * scale
                sd = values.std(ddof=1) if len(values) > 1 else 0.0
                return f"{values.mean():.{digits}f} ± {sd:.{digits}f}{percent}"

            seeds = " ".join(str(r["seed"]) for r in rows)
            print(f"| {TASK_NAMES[task]} | {name} | {seeds} | {cell('accuracy', 100, 1, '%')} | "
                  f"{cell('edges', digits=0)} | {cell('hidden', digits=1)} | "
                  f"{cell('seconds', digits=0)} | {cell('cpu_seconds', digits=1)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--searches", nargs="+", default=list(SEARCHES), choices=list(SEARCHES))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--out", help="append each run to this JSON-lines file")
    parser.add_argument("--summary", nargs="+", metavar="FILE",
                        help="print the mean ± sd table of the runs in these files, run nothing")
    args = parser.parse_args()
    if args.summary:
        summary(args.summary)
    else:
        run(args)


if __name__ == "__main__":
    main()
