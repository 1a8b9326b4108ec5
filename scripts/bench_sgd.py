"""Per-example SGD on the lecture's 2-2-1 network: neurograph against baselines timed in this run.

Baselines:
- a minimal hand-written per-neuron Python loop doing the same arithmetic (weights in a
  dict, math.exp, g′ as a(1 − a), no input checks);
- PyTorch CPU autograd on the same network, when torch is installed.

Run:  python scripts/bench_sgd.py [--steps N] [--repeats R]
Prints microseconds per step (best of R runs of N steps) and the ratios.
"""

import argparse
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's neurograph first

import neurograph as ng  # noqa: E402

# Lecture 07-2c's 2-2-1 network and a handful of training examples.
WEIGHTS = {(0, 3): 5.0, (1, 3): 1.0, (2, 3): -2.0, (0, 4): 3.0, (1, 4): -4.0, (2, 4): 2.0,
           (0, 5): -1.0, (3, 5): 4.0, (4, 5): 2.0}
EXAMPLES = [([0.4, 0.5], [1.0]), ([3.0, 4.0], [0.0]), ([-1.0, 0.5], [1.0]), ([0.0, -2.0], [0.0])]
LR = 0.5


def hand_written_loop():
    """The same SGD step written by hand, per neuron, with no library at all."""
    w = dict(WEIGHTS)
    incoming = {3: (0, 1, 2), 4: (0, 1, 2), 5: (0, 3, 4)}
    outgoing = {3: (5,), 4: (5,)}

    def step(x, y):
        a = {0: 1.0, 1: x[0], 2: x[1]}
        for j in (3, 4, 5):
            in_j = 0.0
            for i in incoming[j]:
                in_j += w[i, j] * a[i]
            a[j] = 1.0 / (1.0 + math.exp(-in_j))
        delta = {5: -2.0 * (y[0] - a[5]) * a[5] * (1.0 - a[5])}
        for j in (4, 3):
            total = 0.0
            for k in outgoing[j]:
                total += w[j, k] * delta[k]
            delta[j] = a[j] * (1.0 - a[j]) * total
        for (i, j) in w:
            w[i, j] -= LR * delta[j] * a[i]
        return (y[0] - a[5]) ** 2

    return step, w


def neurograph_step():
    net = ng.Network.from_weights(WEIGHTS)

    def step(x, y):
        return net.sgd_step(x, y, lr=LR)

    return step, net


def torch_step():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    hidden = torch.nn.Linear(2, 2).double()
    output = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor([[1.0, -2.0], [-4.0, 2.0]]))
        hidden.bias.copy_(torch.tensor([5.0, 3.0]))
        output.weight.copy_(torch.tensor([[4.0, 2.0]]))
        output.bias.copy_(torch.tensor([-1.0]))
    optimizer = torch.optim.SGD([*hidden.parameters(), *output.parameters()], lr=LR)
    tensors = [(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64))
               for x, y in EXAMPLES]

    def step(x, y):
        x, y = tensors[step.index % len(tensors)]
        step.index += 1
        optimizer.zero_grad()
        loss = ((y - torch.sigmoid(output(torch.sigmoid(hidden(x))))) ** 2).sum()
        loss.backward()
        optimizer.step()
        return loss.item()

    step.index = 0
    return step, (hidden, output)


def time_per_step(step, steps, repeats):
    """Best of `repeats` runs of `steps` SGD steps cycling through EXAMPLES, in µs per step."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for n in range(steps):
            x, y = EXAMPLES[n % len(EXAMPLES)]
            step(x, y)
        best = min(best, time.perf_counter() - start)
    return best / steps * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    hand, hand_w = hand_written_loop()
    ours, net = neurograph_step()
    # Same arithmetic: after the same steps both hold the same weights.
    for n in range(100):
        x, y = EXAMPLES[n % len(EXAMPLES)]
        hand(x, y)
        ours(x, y)
    gap = max(abs(hand_w[e] - net.w[e]) for e in WEIGHTS)
    assert gap < 1e-12, f"neurograph and the hand-written loop disagree by {gap}"

    rows = [("hand-written per-neuron loop", time_per_step(hand, args.steps, args.repeats))]
    rows.append(("neurograph Network.sgd_step", time_per_step(ours, args.steps, args.repeats)))
    torch_run = torch_step()
    if torch_run is not None:
        rows.append(("PyTorch CPU autograd + optim.SGD",
                     time_per_step(torch_run[0], max(args.steps // 10, 100), args.repeats)))
    baseline = rows[0][1]
    print(f"Per-example SGD step, 2-2-1 logistic network (Lecture 07-2c), squared loss; "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print(f"{'':34} {'µs/step':>9} {'× hand loop':>12}")
    for name, micros in rows:
        print(f"{name:34} {micros:9.2f} {micros / baseline:12.2f}")
    ours_micros = rows[1][1]
    if torch_run is not None:
        print(f"PyTorch takes {rows[2][1] / ours_micros:.0f}× as long as neurograph per step")
    else:
        print("PyTorch is not installed: its row is left out")


if __name__ == "__main__":
    main()
