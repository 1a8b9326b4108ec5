"""Recurrent networks: BPTT's speed against PyTorch and against the per-example path.

1. An LSTM with 32 hidden units (from_torch: the same weights), sequences of 50 steps of 8
   inputs, batches of 32, one epoch of BPTT with SGD on the CPU: neurograph's numpy engine
   against torch.nn.LSTM + autograd, both on one thread (PyTorch's set_num_threads(1), numpy's
   BLAS through threadpoolctl). Each epoch also computes J on the training set afterwards, as
   fit does (its history), so the PyTorch loop does it too.
2. Peak memory (tracemalloc) of one batch's BPTT in the numpy engine at T = 50, 100, 200 (a
   first call: its working arrays are made in it): linear in T × neurons × batch, so each
   further time step adds the same bytes.
3. An Elman network [2, 4, 1], sequences of 10 steps, one sequence per update (batch_size=1):
   per-sequence BPTT against the per-example path of the same network unrolled into a
   feedforward one (fit with batch_size=1 on the unrolled examples), both with engine="auto"
   (which computes each epoch's J on the whole training set in numpy) and both with
   engine="reference" (J too one sequence, one example at a time).

Times are CPU seconds (time.process_time), the median of several rounds in which the
contenders alternate; ratios are against the baseline measured in the same run, and nothing
is asserted.

    python scripts/bench_recurrent.py [--quick]
"""

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import neurograph as ng


def medians(contenders, rounds):
    """The median CPU seconds of each contender, run alternately `rounds` times (after one
    warm-up call each)."""
    for run in contenders:
        run()
    times = [[] for _ in contenders]
    for _ in range(rounds):
        for run, spent in zip(contenders, times):
            start = time.process_time()
            run()
            spent.append(time.process_time() - start)
    return [statistics.median(spent) for spent in times]


def lstm_case(n, T=50, inputs=8, hidden=32):
    torch.manual_seed(0)
    module = torch.nn.LSTM(inputs, hidden, batch_first=True).double()
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(n, T, inputs)), rng.normal(size=(n, T, hidden))
    return module, ng.Network.from_torch(module), X, Y


def lstm(n, rounds, batch=32):
    module, net, X, Y = lstm_case(n)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)

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

    t_theirs, t_ours = medians([theirs, ours], rounds)
    print(f"1. LSTM, 32 hidden, T = 50, {n} sequences in batches of 32, one epoch "
          f"(CPU time, median of {rounds}):")
    print(f"   torch.nn.LSTM + autograd  {t_theirs * 1e3:8.1f} ms   (1.00×)")
    print(f"   neurograph, numpy BPTT    {t_ours * 1e3:8.1f} ms   ({t_ours / t_theirs:.2f}×)")


def memory(lengths, batch=32):
    print(f"2. Peak memory of one batch of {batch} LSTM sequences' BPTT (numpy engine):")
    for T in lengths:
        _, net, X, Y = lstm_case(batch, T=T)
        net.cost_and_grad(net.theta(), X[:, :3], Y[:, :3], loss="half_squared",
                          engine="vectorized")  # (the network's plan, made once)
        tracemalloc.start()  # the first call of this T: its working arrays are made in it
        net.cost_and_grad(net.theta(), X, Y, loss="half_squared", engine="vectorized")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"   T = {T:4}   {peak / 2 ** 20:7.1f} MiB   ({peak / T / 2 ** 10:5.0f} KiB per "
              f"time step)")


def elman(n, rounds, T=10):
    rnn = ng.Network.elman([2, 4, 1], activation="tanh", output_activation="identity", seed=0)
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (n, T, 2))
    Y = np.cumsum(X[:, :, :1], axis=1) / 4
    flat = rnn.unroll(T)
    Xf, Yf = X.reshape(n, -1), Y.reshape(n, -1)

    def fitting(net, X, Y, engine):
        return lambda: net.fit(X, Y, lr=0.01, epochs=1, batch_size=1, loss="half_squared",
                               seed=0, engine=engine)

    times = medians([fitting(flat, Xf, Yf, "auto"), fitting(rnn, X, Y, "auto"),
                     fitting(flat, Xf, Yf, "reference"), fitting(rnn, X, Y, "reference")],
                    rounds)
    print(f"3. Elman [2, 4, 1], T = {T}, {n} sequences one at a time, one epoch and J after it "
          f"(CPU time, median of {rounds}):")
    for engine, (t_flat, t_ours) in (("auto", times[:2]), ("reference", times[2:])):
        print(f"   engine={engine!r:12} unrolled, per-example path {t_flat * 1e3:7.1f} ms (1.00×)"
              f"   per-sequence BPTT {t_ours * 1e3:7.1f} ms ({t_ours / t_flat:.2f}×)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sequences and rounds")
    quick = parser.parse_args().quick
    torch.set_num_threads(1)
    with threadpool_limits(1):
        lstm(32 if quick else 256, 2 if quick else 7)
        memory((10, 20) if quick else (50, 100, 200))
        elman(30 if quick else 200, 2 if quick else 7)


if __name__ == "__main__":
    main()
