"""Which engine trains the embedded Reber grammar fastest (README, the era's experiments).

One epoch of BPTT on 64 embedded Reber strings (an LSTM of 8 cells with 7 softmax outputs, as
examples/reber.py builds it; Adam, batches of 16) in each sequence engine: the median CPU time
of 3 alternating rounds, PyTorch on one thread, and how far the weights after the epoch differ.

    python scripts/bench_reber.py
"""

import statistics
import sys
import time
import warnings
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "examples")]  # this checkout's neurograph first

import neurograph as ng  # noqa: E402
from reber import lstm  # noqa: E402  (the example's network, as it trains it)


def main():
    torch.set_num_threads(1)
    warnings.simplefilter("ignore", ng.SlowPathWarning)  # the torch engine's delay edges
    data = ng.datasets.reber(64, seed=0)
    times = {engine: [] for engine in ("vectorized", "reference", "torch")}
    thetas = {}
    for _ in range(3):
        for engine in times:
            net = lstm(8, 0)
            begun = time.process_time()
            net.fit(data.X, data.Y, loss="cross_entropy", optimizer="adam", lr=0.01, epochs=1,
                    batch_size=16, seed=0, engine=engine,
                    **({"device": "cpu"} if engine == "torch" else {}))
            times[engine].append(time.process_time() - begun)
            thetas[engine] = net.theta()
    gap = max(abs(theta - thetas["reference"]).max() for theta in thetas.values())
    print(f"64 strings padded to T = {data.X.shape[1]}; the weights after the epoch agree to "
          f"{gap:.1e}")
    floor = statistics.median(times["vectorized"])
    for engine, each in times.items():
        print(f"   engine={engine!r:13} {statistics.median(each) * 1e3:9.1f} ms "
              f"{statistics.median(each) / floor:7.2f} × the numpy engine")


if __name__ == "__main__":
    main()
