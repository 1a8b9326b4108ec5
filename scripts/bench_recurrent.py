"""Recurrent networks: BPTT's speed against PyTorch and against the per-example path.

1. An LSTM with 32 hidden units (from_torch: the same weights), sequences of 50 steps of 8
   inputs, batches of 32, one epoch of BPTT with SGD on the CPU: neurograph's numpy engine
   against torch.nn.LSTM + autograd, both on one thread (PyTorch's set_num_threads(1), numpy's
   BLAS through threadpoolctl when it is installed). Each epoch also computes J on the
   training set afterwards, as fit does (its history), so the PyTorch loop does it too.
2. An Elman network [2, 4, 1], sequences of 10 steps, one sequence per update (batch_size=1):
   per-sequence BPTT (the reference engine) against the per-example path of the same network
   unrolled into a feedforward one (fit with batch_size=1 on the unrolled examples).

Ratios are printed against the baseline measured in the same run; nothing is asserted.

    python scripts/bench_recurrent.py [--quick]
"""

import argparse
import contextlib
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's neurograph first

import neurograph as ng  # noqa: E402


def best_of(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1)


def lstm(n, repeats, T=50, inputs=8, hidden=32, batch=32):
    torch.manual_seed(0)
    module = torch.nn.LSTM(inputs, hidden, batch_first=True).double()
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(n, T, inputs)), rng.normal(size=(n, T, hidden))
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    net = ng.Network.from_torch(module)

    def ours():
        net.fit(X, Y, lr=0.01, epochs=1, batch_size=batch, loss="half_squared", shuffle=False,
                engine="vectorized")

    optimizer = torch.optim.SGD(module.parameters(), lr=0.01)

    def theirs():
        for start in range(0, n, batch):
            optimizer.zero_grad()
            h, _ = module(Xt[start:start + batch])
            J = (0.5 * (h - Yt[start:start + batch]) ** 2).sum() / len(h)
            J.backward()
            optimizer.step()
        with torch.no_grad():
            h, _ = module(Xt)
            float((0.5 * (h - Yt) ** 2).sum() / n)

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with one_blas_thread():
            t_ours, t_theirs = best_of(ours, repeats), best_of(theirs, repeats)
    finally:
        torch.set_num_threads(threads)
    print(f"1. LSTM, 32 hidden, T = 50, {n} sequences in batches of 32, one epoch:")
    print(f"   torch.nn.LSTM + autograd {t_theirs * 1e3:8.1f} ms   (1.0×)")
    print(f"   neurograph, numpy BPTT    {t_ours * 1e3:8.1f} ms   ({t_ours / t_theirs:.1f}×)")


def elman(n, repeats, T=10):
    rnn = ng.Network.elman([2, 4, 1], activation="tanh", output_activation="identity", seed=0)
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (n, T, 2))
    Y = np.cumsum(X[:, :, :1], axis=1) / 4
    flat = rnn.unroll(T)
    Xf, Yf = X.reshape(n, -1), Y.reshape(n, -1)

    def ours():
        rnn.fit(X, Y, lr=0.01, epochs=1, batch_size=1, loss="half_squared", seed=0,
                engine="reference")

    def per_example():
        flat.fit(Xf, Yf, lr=0.01, epochs=1, batch_size=1, loss="half_squared", seed=0,
                 engine="reference")

    with one_blas_thread():
        t_ours, t_flat = best_of(ours, repeats), best_of(per_example, repeats)
    print(f"2. Elman [2, 4, 1], T = {T}, {n} sequences one at a time, one epoch:")
    print(f"   unrolled, per-example path {t_flat * 1e3:8.1f} ms   (1.0×)")
    print(f"   per-sequence BPTT          {t_ours * 1e3:8.1f} ms   ({t_ours / t_flat:.1f}×)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sequences and repeats")
    quick = parser.parse_args().quick
    lstm(64 if quick else 256, 1 if quick else 3)
    elman(50 if quick else 200, 1 if quick else 3)


if __name__ == "__main__":
    main()
