"""The batch engine against baselines timed in this same run; prints the README's table.

1. Digits, 64-30-10 logistic, half-squared loss, mini-batches of 10, one epoch (the
   permutation, the updates and J(w) after it): neurograph's batch engine against a
   hand-written layered numpy loop doing the same arithmetic, and PyTorch CPU.
2. 30 such epochs: accuracy on the held-out quarter of the digits.
3. Random non-layered DAGs of 1,000 processing neurons with skip edges, 1,000 to
   100,000 edges, batch 256: one forward pass, backward pass and update — time per
   edge per example, how it grows, peak memory (tracemalloc), and PyTorch autograd.
4. Per-example SGD on the lecture's 2-2-1 network (scripts/bench_sgd.py's figure).
5. Building, saving and loading a random DAG of 10,000 processing neurons and 1,000,000
   edges, and ``Network.layered([1000, 1000, 1000])``: seconds and peak resident memory,
   each case in a fresh process, beside networkx building a plain DiGraph of the same
   edges and json writing and reading a plain list of them.
6.–8. L-BFGS on the digits autoencoder, the sparse autoencoder's J(θ), an RBM epoch.
9. What one call costs beyond its work: cost_and_grad with 1 example against 256 on the
   11,000-edge DAG of section 3 (the weights live in one θ array: nothing is copied per call).
10. L-BFGS-B on XOR 2-2-1 per iteration: fit against scipy on J(θ) written by hand in numpy.

Run:  python scripts/bench.py [--quick]     (--quick: small sizes, for the tests)
Each contender is timed alternately with the others, best of several runs.
"""

import argparse
import contextlib
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import networkx as nx

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's neurograph first

import neurograph as ng  # noqa: E402
from neurograph.engines import batch as vectorized  # noqa: E402
from neurograph.engines import layout as costs  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_sgd  # noqa: E402

torch = None  # imported by main(), not by section 5's processes, whose memory is measured


def import_torch():
    """PyTorch with one thread, or None where it is not installed."""
    try:
        import torch as module
    except ImportError:
        return None
    module.set_num_threads(1)
    return module


def best_of(contenders, repeats):
    """{name: best seconds}, running the contenders in turn `repeats` times."""
    times = {name: math.inf for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name] = min(times[name], time.perf_counter() - start)
    return times


# ---------------------------------------------------------------------- 1, 2: digits


def numpy_epoch(params, X, Y, rng, lr=2.0, batch=10, softmax=False):
    """The same epoch written by hand in layered numpy: W^l, b^l, BP1–BP4, then J(w).

    Logistic outputs with the half-squared cost, or (softmax=True) softmax outputs with
    cross-entropy, where δ^L = a^L − y.
    """
    W1, b1, W2, b2 = params

    def outputs(a1):
        z2 = a1 @ W2 + b2
        if not softmax:
            return z2, 1.0 / (1.0 + np.exp(-z2))
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        return z2, e / e.sum(axis=1, keepdims=True)

    order = rng.permutation(len(X))
    for first in range(0, len(X), batch):
        index = order[first:first + batch]
        x, y = X[index], Y[index]
        a1 = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))
        _, a2 = outputs(a1)
        d2 = a2 - y if softmax else -(y - a2) * a2 * (1.0 - a2)
        d1 = (d2 @ W2.T) * a1 * (1.0 - a1)
        m = len(index)
        W2 -= lr * (a1.T @ d2) / m
        b2 -= lr * d2.sum(axis=0) / m
        W1 -= lr * (x.T @ d1) / m
        b1 -= lr * d1.sum(axis=0) / m
    z2, a2 = outputs(1.0 / (1.0 + np.exp(-(X @ W1 + b1))))
    if not softmax:
        return 0.5 * np.mean(np.sum((Y - a2) ** 2, axis=1))
    top = z2.max(axis=1, keepdims=True)
    log_total = top + np.log(np.exp(z2 - top).sum(axis=1, keepdims=True))
    return float(-np.mean(np.sum(Y * (z2 - log_total), axis=1)))


def torch_epoch_runner(X, Y, lr=2.0, batch=10):
    model = torch.nn.Sequential(torch.nn.Linear(64, 30), torch.nn.Sigmoid(),
                                torch.nn.Linear(30, 10), torch.nn.Sigmoid()).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    generator = torch.Generator().manual_seed(0)

    def epoch():
        order = torch.randperm(len(X), generator=generator)
        for first in range(0, len(X), batch):
            index = order[first:first + batch]
            optimizer.zero_grad()
            loss = 0.5 * ((Y[index] - model(X[index])) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            return float(0.5 * ((Y - model(X)) ** 2).sum(dim=1).mean())

    return epoch


def digits(repeats):
    data = ng.datasets.digits(test_size=0.25, seed=0)
    X, Y = data.X_train, ng.one_hot(data.y_train, 10)
    net = ng.Network.layered([64, 30, 10], seed=0)
    rng = np.random.default_rng(0)
    params = [np.random.default_rng(1).uniform(-0.5, 0.5, (64, 30)), np.zeros(30),
              np.random.default_rng(2).uniform(-0.5, 0.5, (30, 10)), np.zeros(10)]
    contenders = {
        "numpy": lambda: numpy_epoch(params, X, Y, rng),
        "neurograph": lambda: net.fit(X, Y, lr=2.0, epochs=1, batch_size=10,
                                      loss="half_squared", engine="vectorized"),
    }
    if torch is not None:
        contenders["torch"] = torch_epoch_runner(X, Y)
    times = best_of(contenders, repeats)
    softmax_net = ng.Network.layered([64, 30, 10], output_activation="softmax", seed=0)
    softmax_params = [p.copy() for p in params]
    times.update({f"{name} (softmax)": t for name, t in best_of({
        "numpy": lambda: numpy_epoch(softmax_params, X, Y, rng, lr=0.5, softmax=True),
        "neurograph": lambda: softmax_net.fit(X, Y, lr=0.5, epochs=1, batch_size=10,
                                              loss="cross_entropy", engine="vectorized"),
    }, repeats).items()})
    trained = ng.Network.layered([64, 30, 10], seed=0)
    start = time.perf_counter()
    trained.fit(X, Y, lr=2.0, epochs=30, batch_size=10, loss="half_squared", seed=0)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(trained.classify(data.X_test) == data.y_test))
    return times, accuracy, seconds, len(data.y_test)


# ------------------------------------------------------------------- 3: a large DAG


def random_dag(fan_in, layers=10, width=100, inputs=100, seed=0):
    """`layers` × `width` processing neurons; each takes `fan_in` random sources among
    the inputs and every earlier neuron (so most edges skip layers), plus a bias edge."""
    rng = np.random.default_rng(seed)
    earlier = list(range(1, inputs + 1))
    edges, next_id = {}, inputs + 1
    for _ in range(layers):
        layer = list(range(next_id, next_id + width))
        for j in layer:
            edges[0, j] = 0.0
            for i in rng.choice(earlier, size=min(fan_in, len(earlier)), replace=False):
                edges[int(i), j] = float(rng.normal(0, 1 / math.sqrt(fan_in)))
        earlier += layer
        next_id += width
    return ng.Network.from_weights(edges, activation="tanh", inputs=list(range(1, inputs + 1)))


def torch_dag_runner(net, X, Y):
    """The same DAG in PyTorch autograd, written as one would by hand: a dense masked weight
    block per generation, the sources gathered from one activation tensor (neuron-major)."""
    engine = vectorized.compile_batch(net)
    blocks = []
    for gen in engine.generations:
        W = np.zeros((gen.n_sources, gen.width))
        W[gen.weights.rows, gen.weights.cols] = [e.weight for e in gen.weights.edges]
        columns = gen.source_columns
        if isinstance(columns, slice):
            columns = np.arange(columns.start, columns.stop)
        blocks.append((torch.tensor(W, requires_grad=True),
                       torch.tensor(gen.bias.b, requires_grad=True),
                       torch.from_numpy(columns), gen.span))
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    outputs = torch.tensor([engine.offsets[b] + c for b, c in engine.output_places])
    total, p = engine.total, X.shape[1]

    def step():
        A = X.new_empty((total, X.shape[0]))
        A[:p] = X.T
        for W, b, columns, span in blocks:
            source = A.index_select(0, columns).T  # a copy: A is written in place below
            A[span] = torch.tanh(source @ W + b).T
        out = A.index_select(0, outputs).T
        loss = 0.5 * ((Y - out) ** 2).sum(dim=1).mean()
        loss.backward()
        with torch.no_grad():
            for W, b, _, _ in blocks:
                W -= 0.01 * W.grad
                b -= 0.01 * b.grad
                W.grad = None
                b.grad = None

    return step


def torch_engine_runner(net, X, Y, device="cpu"):
    """Our torch engine (net.to_torch()) on `device`: forward, backward and an SGD step."""
    module = net.to_torch(device=device)
    X = torch.tensor(X, device=device)
    Y = torch.tensor(Y, device=device)

    def step():
        module.theta.grad = None
        (0.5 * ((Y - module(X)) ** 2).sum(dim=1).mean()).backward()
        with torch.no_grad():
            module.theta -= 0.01 * module.theta.grad
        if device != "cpu":
            torch.cuda.synchronize()

    return step


def deep_dag(processing, fan_in, inputs=64, seed=0):
    """Each processing neuron takes `fan_in` random sources among the inputs and every
    neuron before it, plus a bias edge: a random DAG hundreds of generations deep."""
    rng = np.random.default_rng(seed)
    weights = {}
    for t in range(processing):
        j = inputs + 1 + t
        weights[0, j] = 0.0
        sources = rng.choice(inputs + t, size=min(fan_in, inputs + t), replace=False) + 1
        weights.update(zip(zip(sources.tolist(), [j] * len(sources)),
                           (rng.normal(size=len(sources)) / math.sqrt(fan_in)).tolist()))
    return ng.Network.from_weights(weights, activation="tanh",
                                   inputs=list(range(1, inputs + 1)))


def chain(length):
    """A chain of `length` tanh neurons, each with a bias edge: one neuron per generation."""
    weights = {(i, i + 1): 0.5 for i in range(1, length)}
    weights.update({(0, i): 0.0 for i in range(2, length + 1)})
    return ng.Network.from_weights(weights, activation="tanh", inputs=[1])


def _random_batch(net, batch):
    """X and Y of `batch` seeded random examples for `net`, and the half-squared loss."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (batch, len(net.inputs)))
    Y = rng.uniform(-1, 1, (batch, len(net.outputs)))
    return X, Y, ng.get_loss("half_squared")


def _sgd_batch(engine, X, Y, loss):
    """The batch engine's forward pass, backward pass and SGD update on one batch."""
    P = engine.forward(X)
    engine.step(P, engine.backward(P, Y, loss), 0.01, len(X), 0.0, True)


def depth_rows(quick, batch=256):
    """The shallow, deep and large DAGs, a long chain: compile, then forward + backward +
    SGD update per batch, against PyTorch in the same run (and on a GPU if there is one)."""
    cases = [("shallow", lambda: random_dag(100)), ("deep", lambda: deep_dag(1000, 97))]
    if not quick:
        cases += [("1M edges", lambda: deep_dag(10000, 99)), ("chain", lambda: chain(100_000))]
    rows = []
    for name, make in cases:
        net = make()
        X, Y, loss = _random_batch(net, batch)
        start = time.perf_counter()
        engine = vectorized.compile_batch(net)
        compile_s = time.perf_counter() - start

        def step(engine=engine, X=X, Y=Y, loss=loss):
            _sgd_batch(engine, X, Y, loss)

        step()  # the first call pays for the arrays' first touch
        tracemalloc.start()
        step()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        contenders = {"neurograph": step}
        if torch is not None and name != "chain":
            contenders["torch autograd"] = torch_dag_runner(net, X, Y)
            contenders["engine='torch' cpu"] = torch_engine_runner(net, X, Y)
            if torch.cuda.is_available():
                contenders["engine='torch' cuda"] = torch_engine_runner(net, X, Y, "cuda")
        ours = contenders.pop("neurograph")
        times = best_of({"neurograph": ours}, 1 if quick else 3 if name == "1M edges" else
                        1 if name == "chain" else 5)
        times.update(best_of(contenders, 1 if quick or name in ("1M edges", "chain") else 5))
        rows.append((name, len(net.w), len(engine.generations), compile_s, times, peak))
    return rows


LAYOUT_SETTINGS = {  # the batch engine's own choice, and each layout forced where allowed
    "chosen": {},
    "no CSR": {"SPARSE": False},
    "CSR wherever allowed": {"CSR_PER_EDGE": -1.0, "MIN_SPARSE_EDGES": 0},
}


def layout_rows(quick, batch=256):
    """Forward, backward and update per batch with the engine's per-generation choice between
    gathered blocks and CSR rows, against each forced everywhere: the cost model's check."""
    cases = [("deep, fan-in 4", lambda: deep_dag(300 if quick else 1000, 4)),
             ("deep, fan-in 97", lambda: deep_dag(300 if quick else 1000, 97)),
             ("shallow, fan-in 10", lambda: random_dag(10)),
             ("shallow, fan-in 100", lambda: random_dag(100))]
    rows = []
    for name, make in cases:
        net = make()
        X, Y, loss = _random_batch(net, batch)
        contenders = {}
        for label, settings in LAYOUT_SETTINGS.items():
            with _engine_settings(settings):
                net.cache.clear()
                engine = vectorized.compile_batch(net)
            sparse = sum(gen.csr for gen in engine.generations)

            def step(engine=engine, settings=settings):
                with _engine_settings(settings):
                    _sgd_batch(engine, X, Y, loss)

            contenders[label] = step
            if label == "chosen":
                chosen = (sparse, len(engine.generations))
        rows.append((name, len(net.w), chosen, best_of(contenders, 1 if quick else 5)))
        net.cache.clear()
    return rows


@contextlib.contextmanager
def _engine_settings(settings):
    saved = {name: getattr(costs, name) for name in settings}
    for name, value in settings.items():
        setattr(costs, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(costs, name, value)


def dag(fan_ins, repeats, batch=256):
    rows = []
    for fan_in in fan_ins:
        net = random_dag(fan_in)
        rng = np.random.default_rng(1)
        X = rng.uniform(-1, 1, (batch, len(net.inputs)))
        Y = rng.uniform(-1, 1, (batch, len(net.outputs)))
        engine = vectorized.compile_batch(net)
        loss = ng.get_loss("half_squared")

        def step(engine=engine, X=X, Y=Y, loss=loss):
            P = engine.forward(X)
            engine.step(P, engine.backward(P, Y, loss), 0.01, batch, 0.0, True)

        contenders = {"neurograph": step}
        if torch is not None:
            contenders["torch"] = torch_dag_runner(net, X, Y)
        times = best_of(contenders, repeats)
        tracemalloc.start()
        step()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        dense = sum(g.weights.dense for g in engine.generations)
        times["no dense blocks"] = _no_dense_blocks(net, X, Y, loss, batch, repeats)
        rows.append((len(net.w), len(engine.generations), dense, times, peak))
    return rows


def _no_dense_blocks(net, X, Y, loss, batch, repeats):
    """The same step with no generation stored as a dense block: edge lists, read as CSR
    rows where the engine may (a DAG that is not layered): the linear-cost path."""
    saved, costs.DENSE_ABOVE = costs.DENSE_ABOVE, 2.0
    net.cache.clear()
    try:
        engine = vectorized.compile_batch(net)

        def step():
            P = engine.forward(X)
            engine.step(P, engine.backward(P, Y, loss), 0.01, batch, 0.0, True)

        return best_of({"no dense blocks": step}, repeats)["no dense blocks"]
    finally:
        costs.DENSE_ABOVE = saved
        net.cache.clear()


# ------------------------------------------------------------- 5: building at scale


def big_dag(processing, edges, inputs=1000, seed=0):
    """{(i, j): w}: each processing neuron j draws edges/processing − 1 sources among the
    inputs and the processing neurons before it, plus a bias edge; weights N(0, 1)."""
    rng = np.random.default_rng(seed)
    per = edges // processing
    weights = {}
    for t in range(processing):
        j = inputs + 1 + t
        pool = inputs + t
        weights[0, j] = 0.1
        sources = rng.choice(pool, size=min(per - 1, pool), replace=False) + 1
        weights.update(zip(zip(sources.tolist(), [j] * len(sources)),
                           rng.normal(size=len(sources)).tolist()))
    return weights


def peak_mib():
    """This process's peak resident memory in MiB (Linux's VmHWM, which starts afresh in a
    new program, unlike ru_maxrss, which can carry the forking parent's peak)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak():
    """Start the peak resident memory afresh (Linux: writing 5 to /proc/self/clear_refs), so
    that a baseline run first in the same process does not count as neurograph's peak."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def scale_case(case, processing, edges, folder):
    """One case in this (fresh) process: {name: seconds}, and the peak resident MiB."""
    path = Path(folder) / "big.json"
    times = {"imports": peak_mib()}
    if case == "layered":
        width = processing
        start = time.perf_counter()
        ng.Network.layered([width, width, width])
        times["neurograph"] = time.perf_counter() - start
    elif case == "from_weights":
        weights = big_dag(processing, edges)
        start = time.perf_counter()
        G = nx.DiGraph()
        G.add_weighted_edges_from((i, j, w) for (i, j), w in weights.items())
        times["networkx"] = time.perf_counter() - start
        del G
        reset_peak()
        start = time.perf_counter()
        ng.Network.from_weights(weights)
        times["neurograph"] = time.perf_counter() - start
    elif case == "save":
        net = ng.Network.from_weights(big_dag(processing, edges))
        plain = [[i, j, w] for (i, j), w in net.w.items()]
        start = time.perf_counter()
        (Path(folder) / "plain.json").write_text(json.dumps(plain))
        times["json"] = time.perf_counter() - start
        del plain
        reset_peak()
        start = time.perf_counter()
        net.save(path)
        times["neurograph"] = time.perf_counter() - start
    elif case == "load":
        start = time.perf_counter()
        json.loads((Path(folder) / "plain.json").read_text())
        times["json"] = time.perf_counter() - start
        reset_peak()
        start = time.perf_counter()
        ng.load(path)
        times["neurograph"] = time.perf_counter() - start
    return times, peak_mib()


def scale(quick):
    """Run each building case in a fresh process; [(case, times, peak MiB)]."""
    processing, edges = (200, 20_000) if quick else (10_000, 1_000_000)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for case in ("from_weights", "save", "load", "layered"):
            size = 100 if quick and case == "layered" else 1000 if case == "layered" \
                else processing
            out = subprocess.run([sys.executable, __file__, "--scale-case", case, str(size),
                                  str(edges), folder], capture_output=True, text=True, check=True)
            times, peak = json.loads(out.stdout)
            rows.append((case, times, peak))
    return rows, edges


# ------------------------------------------------------- 6: L-BFGS on an autoencoder


def lbfgs(quick):
    """Lecture 25's autoencoder-sized problem: digits 64-25-64, half-squared cost with weight
    decay (λ/2 = 5e-5, no bias decay), L-BFGS-B for a fixed number of iterations from the
    same θ.

    neurograph's ``fit(optimizer="lbfgs")`` against scipy.optimize.minimize on the same J(θ)
    and ∇J(θ) written by hand in layered numpy (the floor); within that run, the time
    scipy itself spends outside the cost function (its two-loop recursion, line search and
    checks) is its own overhead. Both run with scipy's bundled BLAS on one thread, as fit
    does; the hand-written run is repeated with the threads as found, to show why.
    """
    from scipy.optimize import minimize

    from neurograph.training.optimizers import one_scipy_blas_thread
    X = _digit_images()
    iterations = 5 if quick else 50
    hidden = 25
    net = ng.Network.layered([64, hidden, 64], seed=0, init="glorot")
    theta0 = net.theta()
    lam = 5e-5
    where = _places(net.theta_edges(), 64, hidden)
    inside = [0.0, 0]

    def hand(theta):
        start = time.perf_counter()
        W1, b1, W2, b2 = (np.zeros((64, hidden)), np.zeros(hidden), np.zeros((hidden, 64)),
                          np.zeros(64))
        for array, (rows, cols, index) in zip((W1, b1, W2, b2), where):
            array[(rows, cols) if array.ndim == 2 else cols] = theta[index]
        a1 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
        a2 = 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))
        m = len(X)
        J = 0.5 * np.sum((a2 - X) ** 2) / m + lam * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        d2 = (a2 - X) * a2 * (1 - a2)
        d1 = (d2 @ W2.T) * a1 * (1 - a1)
        grads = (X.T @ d1 / m + 2 * lam * W1, d1.sum(0) / m, a1.T @ d2 / m + 2 * lam * W2,
                 d2.sum(0) / m)
        grad = np.empty_like(theta)
        for array, (rows, cols, index) in zip(grads, where):
            grad[index] = array[(rows, cols) if array.ndim == 2 else cols]
        inside[0] += time.perf_counter() - start
        inside[1] += 1
        return J, grad

    options = {"maxiter": iterations}
    start = time.perf_counter()
    history = net.fit(X, X, loss="half_squared", weight_decay=lam, decay_bias=False,
                      optimizer="lbfgs", epochs=iterations, engine="vectorized")
    ours = (time.perf_counter() - start, history.epochs)
    runs = {}
    for name, limit in (("hand numpy", True), ("hand, threads as found", False)):
        inside[:] = [0.0, 0]
        with (one_scipy_blas_thread() if limit else contextlib.nullcontext()):
            start = time.perf_counter()
            result = minimize(hand, theta0, jac=True, method="L-BFGS-B", options=options)
            total = time.perf_counter() - start
        runs[name] = (total, result.nit)
        if limit:
            runs["scipy's own part"] = (total - inside[0], result.nit)
            calls = inside[1] / max(result.nit, 1)
    return {"neurograph fit": ours, **runs}, len(theta0), len(X), calls


def _places(edges, inputs, hidden):
    """For W1, b1, W2, b2: the rows, columns and θ indices of their entries."""
    parts = [([], [], []) for _ in range(4)]
    for p, (i, j) in enumerate(edges):
        second = j > inputs + hidden
        column = j - (inputs + hidden + 1) if second else j - (inputs + 1)
        k = (3 if second else 1) if i == 0 else (2 if second else 0)
        row = 0 if i == 0 else (i - (inputs + 1) if second else i - 1)
        for part, value in zip(parts[k], (row, column, p)):
            part.append(value)
    return [tuple(np.array(v, dtype=int) for v in part) for part in parts]


def sparse_cost(quick):
    """J(θ) and ∇J(θ) of the sparse autoencoder 64-25-64 on 10,000 patches (ρ = 0.01, β = 3,
    λ/2 = 5e-5): ``net.cost_and_grad`` against the same written by hand in numpy (UFLDL's
    vectorized sparseAutoencoderCost), best of several calls each."""
    X = np.random.default_rng(0).uniform(0.1, 0.9, size=(2000 if quick else 10_000, 64))
    net = ng.Network.autoencoder(64, 25, seed=0)
    theta = net.theta()
    where = _places(net.theta_edges(), 64, 25)
    rho, beta, lam = 0.01, 3.0, 5e-5

    def hand():
        W1, b1, W2, b2 = (np.zeros((64, 25)), np.zeros(25), np.zeros((25, 64)), np.zeros(64))
        for array, (rows, cols, index) in zip((W1, b1, W2, b2), where):
            array[(rows, cols) if array.ndim == 2 else cols] = theta[index]
        m = len(X)
        a2 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
        a3 = 1.0 / (1.0 + np.exp(-(a2 @ W2 + b2)))
        rho_hat = a2.mean(axis=0)
        kl = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
        J = 0.5 * np.sum((a3 - X) ** 2) / m + lam * (np.sum(W1 ** 2) + np.sum(W2 ** 2)) \
            + beta * kl
        d3 = (a3 - X) * a3 * (1 - a3)
        d2 = (d3 @ W2.T + beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))) * a2 * (1 - a2)
        grads = (X.T @ d2 / m + 2 * lam * W1, d2.sum(0) / m, a2.T @ d3 / m + 2 * lam * W2,
                 d3.sum(0) / m)
        grad = np.empty_like(theta)
        for array, (rows, cols, index) in zip(grads, where):
            grad[index] = array[(rows, cols) if array.ndim == 2 else cols]
        return J, grad

    def ours():
        return net.cost_and_grad(theta, X, X, loss="half_squared", weight_decay=lam,
                                 decay_bias=False, sparsity=(rho, beta), engine="vectorized")

    (J_hand, g_hand), (J_ours, g_ours) = hand(), ours()
    assert abs(J_hand - J_ours) <= 1e-9 * abs(J_hand) and np.allclose(g_hand, g_ours, rtol=1e-9,
                                                                       atol=1e-12)
    return best_of({"hand numpy": hand, "neurograph": ours}, 3 if quick else 10), len(X)


def rbm_epoch(repeats):
    """One epoch of CD-1 on the digits (64-100, mini-batches of 10): ``RBM.fit`` against
    scikit-learn's ``BernoulliRBM.partial_fit`` on the same batches, and ``fit`` with one
    iteration (its own loop)."""
    from sklearn.neural_network import BernoulliRBM
    X = ng.datasets.digits(test_size=0.25, seed=0).X_train
    ours = ng.RBM(64, 100, seed=0)
    theirs = BernoulliRBM(n_components=100, learning_rate=0.06, batch_size=10, n_iter=1,
                          random_state=0)
    theirs.partial_fit(X[:10])

    def partial():
        for first in range(0, len(X), 10):
            theirs.partial_fit(X[first:first + 10])

    return best_of({
        "scikit-learn partial_fit": partial,
        "scikit-learn fit": lambda: theirs.fit(X),
        "neurograph RBM.fit": lambda: ours.fit(X, lr=0.06, epochs=1, batch_size=10, seed=0),
    }, repeats)


def _digit_images():
    """The 1,797 digits as 64 pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    return load_digits().data / 16.0


def _unpack(theta, hidden):
    W1 = theta[:64 * hidden].reshape(64, hidden)
    b1 = theta[64 * hidden:64 * hidden + hidden]
    rest = theta[64 * hidden + hidden:]
    return W1, b1, rest[:hidden * 64].reshape(hidden, 64), rest[hidden * 64:]


# ------------------------------------------------------------------------ report


# ------------------------------------------------------- 9, 10: per-call cost


def per_call(quick):
    """Section 9: what one call costs beyond its work. cost_and_grad on the 11,000-edge random
    DAG of section 3 with 1 example and with 256 (the same θ each time, best of many): with no
    per-call cost in the edges the one-example call is a small fraction of the 256-example one."""
    net = random_dag(10)
    X, Y, _ = _random_batch(net, 256)
    theta = net.theta()
    repeats = 5 if quick else 30

    def call(n):
        return lambda: net.cost_and_grad(theta, X[:n], Y[:n], loss="half_squared")

    times = best_of({"1 example": call(1), "256 examples": call(256)}, repeats)
    return len(net.w), times


def lbfgs_xor(quick):
    """Section 10: L-BFGS-B on XOR 2-2-1 (logistic, squared loss) per iteration: fit against
    scipy.optimize.minimize on J(θ), ∇J(θ) written by hand in numpy, both from the same θ,
    both with scipy's BLAS on one thread (as fit runs it)."""
    from scipy.optimize import minimize

    from neurograph.training.optimizers import SCIPY_DEFAULTS, one_scipy_blas_thread
    X, Y = ng.datasets.xor()
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float).reshape(-1, 1)
    iterations = 200
    start_net = ng.Network.layered([2, 2, 1], seed=0)
    theta0, where = start_net.theta(), {e: k for k, e in enumerate(start_net.theta_edges())}
    W1 = np.array([[where[i, j] for j in (3, 4)] for i in (1, 2)])
    b1 = np.array([where[0, j] for j in (3, 4)])
    W2 = np.array([[where[i, 5]] for i in (3, 4)])
    b2 = np.array([where[0, 5]])

    def hand_J(theta):
        a1 = 1.0 / (1.0 + np.exp(-(X @ theta[W1] + theta[b1])))
        a2 = 1.0 / (1.0 + np.exp(-(a1 @ theta[W2] + theta[b2])))
        error, m = a2 - Y, len(X)
        d2 = 2.0 * error * a2 * (1.0 - a2) / m
        d1 = (d2 @ theta[W2].T) * a1 * (1.0 - a1)
        grad = np.empty_like(theta)
        grad[W1], grad[b1], grad[W2], grad[b2] = X.T @ d1, d1.sum(0), a1.T @ d2, d2.sum(0)
        return float(np.sum(error ** 2) / m), grad

    iterations_done = {}

    def ours():
        net = start_net.copy()
        history = net.fit(X, Y, optimizer="lbfgs", epochs=iterations, loss="squared")
        iterations_done["neurograph fit"] = len(history.loss)

    start_J = hand_J(theta0)[0]

    def scaled_J(theta):  # J(θ)/J(θ₀), as fit hands it to scipy, with fit's tolerances
        cost, grad = hand_J(theta)
        return cost / start_J, grad / start_J

    def hand():
        with one_scipy_blas_thread():
            result = minimize(scaled_J, theta0, jac=True, method="L-BFGS-B",
                              options={**SCIPY_DEFAULTS["L-BFGS-B"], "maxiter": iterations})
        iterations_done["hand numpy"] = result.nit

    times = best_of({"neurograph fit": ours, "hand numpy": hand}, 5 if quick else 20)
    return {name: (times[name], iterations_done[name]) for name in times}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (for the tests)")
    parser.add_argument("--scale-case", nargs=4, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.scale_case:  # one case of section 5, in a process of its own
        case, processing, edges, folder = arguments.scale_case
        print(json.dumps(scale_case(case, int(processing), int(edges), folder)))
        return
    quick = arguments.quick
    global torch
    torch = import_torch()
    repeats = 2 if quick else 15
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}"
          + (f", PyTorch {torch.__version__} (1 thread)" if torch else ", no PyTorch"))

    times, accuracy, seconds, tested = digits(repeats)
    print("\n1. Digits 64-30-10, logistic, half-squared, mini-batches of 10: one epoch")
    for name in [n for n in times if "softmax" not in n]:
        print(f"   {name:11} {times[name] * 1e3:8.2f} ms   {times[name] / times['numpy']:5.2f} × "
              f"hand-written numpy")
    print("   the same with softmax outputs and cross-entropy:")
    for name in [n for n in times if "softmax" in n]:
        print(f"   {name.split()[0]:11} {times[name] * 1e3:8.2f} ms   "
              f"{times[name] / times['numpy (softmax)']:5.2f} × hand-written numpy")
    print(f"\n2. 30 epochs ({seconds:.2f} s): {accuracy:.1%} of the {tested} held-out digits right")

    rows = dag([1, 10] if quick else [1, 10, 100], 1 if quick else 5)
    print("\n3. Random non-layered DAG, 1,000 processing neurons with skip edges, batch 256:"
          "\n   forward, backward and update")
    print(f"   {'edges':>8} {'gens':>5} {'dense':>6} {'ms':>8} {'ns/edge/example':>16} "
          f"{'peak MiB':>9} {'no dense blocks: ms':>20} {'ns/edge/ex.':>12}"
          + (f" {'PyTorch ms':>11} {'× ours':>7}" if torch else ""))
    for edges, generations, dense, times, peak in rows:
        ours, lists = times["neurograph"], times["no dense blocks"]
        line = (f"   {edges:8,} {generations:5} {dense:6} {ours * 1e3:8.2f} "
                f"{ours / edges / 256 * 1e9:16.2f} {peak / 2 ** 20:9.1f} {lists * 1e3:20.2f} "
                f"{lists / edges / 256 * 1e9:12.2f}")
        if torch is not None:
            line += f" {times['torch'] * 1e3:11.2f} {times['torch'] / ours:7.2f}"
        print(line)

    rows = depth_rows(quick)
    print("\n3b. Depth: forward, backward and update per batch of 256 (tanh, half-squared)")
    print(f"   {'DAG':9} {'edges':>9} {'gens':>6} {'compile s':>9} {'ms':>9} "
          f"{'ns/edge/ex.':>11} {'peak MiB':>9}   PyTorch in the same run")
    for name, edges, generations, compile_s, times, peak in rows:
        ours = times["neurograph"]
        others = ", ".join(f"{k} {t * 1e3:.1f} ms ({t / ours:.2f} × ours)"
                           for k, t in times.items() if k != "neurograph")
        print(f"   {name:9} {edges:9,} {generations:6} {compile_s:9.2f} {ours * 1e3:9.1f} "
              f"{ours / edges / 256 * 1e9:11.2f} {peak / 2 ** 20:9.1f}   {others or '—'}")
    if torch is not None and not torch.cuda.is_available():
        print("   (no CUDA device here: the engine='torch' GPU row is skipped)")

    rows = layout_rows(quick)
    print("\n3c. Gathered blocks or CSR rows, chosen per generation by cost (batch 256): ms "
          "per batch")
    print(f"   {'DAG':20} {'edges':>8} {'CSR gens':>12} " + " ".join(
        f"{label:>20}" for label in LAYOUT_SETTINGS))
    for name, edges, (sparse, generations), times in rows:
        print(f"   {name:20} {edges:8,} {f'{sparse}/{generations}':>12} " + " ".join(
            f"{times[label] * 1e3:20.1f}" for label in LAYOUT_SETTINGS))

    hand, hand_w = bench_sgd.hand_written_loop()
    ours, _ = bench_sgd.neurograph_step()
    steps = 2000 if quick else 20000
    micros = [bench_sgd.time_per_step(f, steps, 3 if quick else 7) for f in (hand, ours)]
    print(f"\n4. Per-example SGD on the 2-2-1 lecture network: {micros[1]:.2f} µs per step, "
          f"{micros[1] / micros[0]:.2f} × a hand-written loop (engine='auto' keeps the "
          f"reference engine here)")

    rows, edges = scale(quick)
    width = 100 if quick else 1000
    print(f"\n5. Building at scale: a random DAG of {edges:,} edges; layered([{width}] * 3) "
          f"({2 * width * width + 2 * width:,} edges); each case in a fresh process")
    print(f"   {'case':14} {'neurograph s':>13} {'baseline':>24} {'×':>6} {'peak MiB':>9} "
          f"{'(imports)':>10}")
    for case, times, peak in rows:
        imports = times.pop("imports")
        base = [(name, t) for name, t in times.items() if name != "neurograph"]
        shown = f"{base[0][0]} {base[0][1]:.2f} s" if base else "—"
        ratio = f"{times['neurograph'] / base[0][1]:6.1f}" if base else "     —"
        print(f"   {case:14} {times['neurograph']:13.2f} {shown:>24} {ratio} {peak:9.0f} "
              f"{imports:10.0f}")

    results, size, n, calls = lbfgs(quick)
    print(f"\n6. L-BFGS-B on the digits autoencoder 64-25-64 ({size:,} parameters, {n:,} "
          f"examples, full batch, the same θ to start): ms per iteration ({calls:.2f} "
          f"evaluations of J(θ) each)")
    floor = results["hand numpy"][0] / results["hand numpy"][1]
    for name, (seconds, iterations) in results.items():
        per = seconds / max(iterations, 1)
        print(f"   {name:15} {per * 1e3:8.2f} ms   {per / floor:5.2f} × hand numpy "
              f"({iterations} iterations)")

    times, n = sparse_cost(quick)
    print(f"\n7. The sparse autoencoder's J(θ) and ∇J(θ), 64-25-64 on {n:,} patches "
          f"(ρ = 0.01, β = 3, weight decay): one call")
    for name, seconds in times.items():
        print(f"   {name:15} {seconds * 1e3:8.2f} ms   {seconds / times['hand numpy']:5.2f} × "
              f"hand numpy")

    times = rbm_epoch(3 if quick else 10)
    print("\n8. RBM 64-100 on the digits, one epoch of CD-1 in mini-batches of 10")
    floor = times["scikit-learn partial_fit"]
    for name, seconds in times.items():
        print(f"   {name:25} {seconds * 1e3:8.2f} ms   {seconds / floor:5.2f} × partial_fit")

    edges, times = per_call(quick)
    one, many = times["1 example"], times["256 examples"]
    print(f"\n9. What a call costs beyond its work: cost_and_grad on the {edges:,}-edge random DAG")
    print(f"   1 example     {one * 1e3:8.3f} ms\n   256 examples  {many * 1e3:8.3f} ms\n"
          f"   1 / 256       {one / many:8.3f}  (no per-call cost in the edges: ≤ 0.1)")

    results = lbfgs_xor(quick)
    floor = results["hand numpy"][0] / results["hand numpy"][1]
    print("\n10. L-BFGS-B on XOR 2-2-1 (logistic, squared loss), from the same θ: µs per iteration")
    for name, (seconds, iterations) in results.items():
        per = seconds / max(iterations, 1)
        print(f"   {name:15} {per * 1e6:8.1f} µs   {per / floor:5.2f} × hand numpy "
              f"({iterations} iterations)")


if __name__ == "__main__":
    main()
