"""The embedded Reber grammar (Hochreiter and Schmidhuber 1997, Experiment 1): an Elman network
trained as Elman trained it fails, an LSTM built from neurons succeeds (and so, here, does the
Elman network trained by full BPTT with Adam).

A string is B, T or P, a Reber string, the same T or P, E (``ng.datasets.reber``). The network
reads it one symbol at a time (one-hot, 7 inputs) and predicts the next (7 softmax outputs,
cross-entropy). To predict the next-to-last symbol it must remember the second one across the
whole inner string. A run succeeds, by the paper's criterion, when on 256 held-out strings the
outputs of the symbols the grammar allows next are the most active ones at every step.

Three networks of about 600 weights each, trained alike (Adam, lr 0.01, batches of 16, fresh
strings in rounds of 256, the numpy sequence engine) until success or a budget of sequences:

- Elman 7-18-7 without BPTT (``truncate=1``: the context units are inputs, as in Elman 1990);
- the same Elman network with full BPTT;
- an LSTM of 8 cells (``Network.lstm``) with 7 softmax outputs reading its h neurons.

Prints a table (share of runs that succeed, median sequences until success) against the
paper's, and writes reber.png (held-out accuracy over training).

    python examples/reber.py            # seeds 0-4, at most 25,600 sequences per run
    python examples/reber.py --full     # seeds 0-19, at most 51,200 sequences per run
    python examples/reber.py --quick    # seed 0, at most 1,024 sequences: the steps and checks
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402

quick, full = "--quick" in sys.argv, "--full" in sys.argv
seeds = range(1) if quick else range(20) if full else range(5)
budget = 1_024 if quick else 51_200 if full else 25_600
ROUND = 256  # fresh strings between two tests


def lstm(cells, seed):
    """An LSTM of `cells` cells (Network.lstm) and 7 softmax outputs reading every h."""
    net = ng.Network.lstm(n_inputs=7, n_hidden=cells, seed=seed)
    ids = ng.Network.cell_ids("lstm", 7, cells)
    first = max(n.id for n in net.neurons) + 1
    for k in range(first, first + 7):
        net.add_neuron(k, kind="output", activation="softmax")
        for h in ids["h"]:
            net.connect(h, k, 0.0)
    for h in ids["h"]:
        net.set_kind(h, "hidden")
    return net


def elman(seed):
    return ng.Network.elman([7, 18, 7], activation="tanh", output_activation="softmax",
                            seed=seed)


METHODS = {"Elman 7-18-7, no BPTT": (elman, 1), "Elman 7-18-7, BPTT": (elman, None),
           "LSTM, 8 cells": (lambda seed: lstm(8, seed), None)}
"""name: (the network for a seed, truncate)."""


def main():
    """Train each network of METHODS for each seed, print the table, draw reber.png."""
    test = ng.datasets.reber(256, seed=10_000)  # held out: no seed below draws these
    results = {}
    for name, (build, truncate) in METHODS.items():
        results[name] = []
        for seed in seeds:
            net, strings = build(seed), np.random.default_rng(seed)
            curve, seen, solved = [], 0, None
            while seen < budget and solved is None:
                data = ng.datasets.reber(ROUND, seed=strings)
                net.fit(data.X, data.Y, loss="cross_entropy", optimizer="adam", lr=0.01, epochs=1,
                        batch_size=16, seed=seen, truncate=truncate, engine="vectorized")
                seen += ROUND
                P = net.predict(test.X, engine="vectorized")
                curve.append((seen, test.accepted(P).mean(), test.penultimate_right(P).mean()))
                if curve[-1][1] == 1.0:
                    solved = seen
            results[name].append((solved, curve))
        weights = len(build(0).theta())
        print(f"{name}: {weights} trainable weights; held-out penultimate symbol right: "
              + ", ".join(f"{c[-1][2]:.2f}" for _, c in results[name]))

    print(f"\nsuccess on 256 held-out strings, {len(seeds)} runs of at most {budget:,} sequences:")
    print(f"{'':24}{'success':>9}  {'median sequences':>17}")
    for name, runs in results.items():
        solved = [s for s, _ in runs if s is not None]
        median = f"{np.median(solved):,.0f}" if solved else "—"
        print(f"{name:24}{len(solved) / len(runs):>9.0%}  {median:>17}")
    print("paper (Table 1):        Elman nets 0%, RTRL and cascade-correlation some runs, "
          "LSTM 97-100% (fastest: 8,440 sequences)")

    no_bptt = results["Elman 7-18-7, no BPTT"]
    assert all(s is None for s, _ in no_bptt)  # never solved: it cannot carry T or P across
    assert all(c[-1][2] < 0.75 for _, c in no_bptt), [c[-1] for _, c in no_bptt]  # about chance
    if not quick:
        assert sum(s is not None for s, _ in results["LSTM, 8 cells"]) > len(seeds) / 2
    print("the Elman network without BPTT stays at chance on the penultimate symbol")

    figure, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for (name, runs), colour in zip(results.items(), ["tab:gray", "tab:blue", "tab:red"]):
        for k, (_, curve) in enumerate(runs):
            seen, accepted, penultimate = np.array(curve).T
            axes[0].plot(seen, accepted, color=colour, alpha=0.7)
            axes[1].plot(seen, penultimate, color=colour, alpha=0.7, label=name if k == 0 else None)
    axes[0].set_ylabel("share of 256 held-out strings")
    axes[0].set_title("every next symbol right (the paper's criterion)")
    axes[1].set_title("the penultimate symbol (T or P) right")
    for ax in axes:
        ax.set_xlabel("training sequences seen")
        ax.set_ylim(-0.02, 1.02)
    axes[1].legend(loc="lower right", fontsize=8)
    runs = f"{len(seeds)} runs" if len(seeds) > 1 else "1 run"
    figure.suptitle(f"Embedded Reber grammar: {runs} per network, ~600 weights each")
    figure.tight_layout()
    figure.savefig("reber.png", dpi=100)
    print("wrote reber.png")


if __name__ == "__main__":
    main()
