"""What each of Lecture 07-5c's speed-ups saves when evolve searches the two spirals.

    python scripts/search_speedups.py [--seeds 0 1 2] [--n-jobs 2]
                                      [--variants plain subset=0.5 early_stop learned halving]

Runs :data:`neurograph.topology.evolution.COMPOSITIONAL` until the best misclassifies no
validation point (``stop_error=0``) or 40 generations (then refits the best 200 epochs), as it
is and with each speed-up:
``subset=0.5`` (children train on half the training examples), ``early_stop=True`` (the
learning-curve rule of :mod:`neurograph.topology.budgets`), ``early_stop="learned"`` (the
learned estimate of the final loss, same module) and ``halving=True`` (successive halving).
For each it prints the epochs trained in all (Σ over generations and children:
the cost, whatever the machine), the wall seconds, the generations, and the held-out accuracy
on the 194 points between the benchmark's — the accuracy to hold equal while the cost falls.
Ratios are against the plain run of the same seed, measured in the same process (the first
variant listed is the baseline); the seconds are CPU seconds of this process and its finished
workers (joblib's workers live on between searches, so only ``--n-jobs 1`` counts all the
work). After the rows, one line per variant gives the means over the seeds.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's neurograph first

import neurograph as ng  # noqa: E402
from neurograph.topology.evolution import COMPOSITIONAL  # noqa: E402

VARIANTS = {"plain": {}, "subset=0.5": {"subset": 0.5}, "early_stop": {"early_stop": True},
            "learned": {"early_stop": "learned"}, "halving": {"halving": True}}


def cpu_seconds():
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    args = parser.parse_args()
    means = {name: [] for name in args.variants}
    S, T = ng.datasets.spirals()
    H, G = ng.datasets.spirals(phase=0.5)
    scale = 0.7
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"| seed | variant | epochs trained | × {args.variants[0]} | CPU seconds | "
          f"× {args.variants[0]} | generations | held-out accuracy | edges |")
    print("|---|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        base = None
        for name in args.variants:
            options = VARIANTS[name]
            start = cpu_seconds()
            result = ng.evolve(S * scale, T, seed=seed, n_jobs=args.n_jobs, stop_error=0.0,
                               **{**COMPOSITIONAL, **options})
            seconds = cpu_seconds() - start
            epochs = sum(h["epochs"] for h in result.history)
            accuracy = float(np.mean((result.best.predict(H * scale)[:, 0] >= 0.5)
                                     == (G[:, 0] >= 0.5)))
            base = base or (epochs, seconds)
            print(f"| {seed} | {name} | {epochs} | {epochs / base[0]:.2f} | {seconds:.1f} | "
                  f"{seconds / base[1]:.2f} | {len(result.history)} | {accuracy:.1%} | "
                  f"{len(result.best.w)} |", flush=True)
            means[name].append((epochs / base[0], seconds / base[1], accuracy))
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, rows in means.items():
        epochs, seconds, accuracy = np.mean(rows, axis=0)
        print(f"| mean of {len(rows)} | {name} | | {epochs:.2f} | | {seconds:.2f} | | "
              f"{accuracy:.1%} | |")


if __name__ == "__main__":
    main()
