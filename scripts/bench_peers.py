"""neurograph against FANN and ffnet, compiled peers timed alternately in the same run.

The peers (install: ``bash scripts/install_peers.sh`` as root on Debian; a peer that is not
installed has its rows left out, and the script says so):

- FANN 2.2 through fann2, which links libdoublefann: FANN in double precision.
  FANN_SIGMOID is 1/(1 + e^(−2 s x)); with steepness s = 0.5 it is neurograph's logistic.
  FANN's default error function (FANN_ERRORFUNC_TANH) back-propagates
  log((1 + e)/(1 − e)) for e = y − a; set to FANN_ERRORFUNC_LINEAR it back-propagates
  e itself, which is the gradient of ½(y − a)²: neurograph's loss="half_squared" with the
  same learning rate (loss="squared" would need twice FANN's). FANN holds the learning
  rate as a C float, so the rates used here are exact in single precision. FANN also clips
  a sigmoid neuron's a to [0.01, 0.99] in g′ = a(1 − a), which neurograph does not: the
  weights after one epoch are compared, and agree where no activation left that range.
- ffnet 0.8.6 (Fortran through f2py; scipy's optimizers). Every non-input neuron is
  logistic, bias is node 0, and its error is ½ Σ over the examples and outputs of
  (a − y)²: n times neurograph's mean loss="half_squared", and its gradient n times
  neurograph's. ffnet rescales inputs and targets to [0.15, 0.85] before training; that is
  switched off here (``renormalize = False``) so that both see the same data.

1. Per-example SGD, one epoch in the order given: XOR 2-2-1 (lr 0.5) and the two
   spirals 2-20-20-1 (lr 0.25), layered(seed=0)'s weights: ``fit(epochs=1, batch_size=1,
   shuffle=False)``, a loop of ``sgd_step`` and ``fit`` over many epochs, against FANN's
   incremental training (train_epoch) and FANN's ``train(x, y)`` called per example.
2. L-BFGS-B: XOR 2-2-1 and a 1-5-1 sine with skip edges (x in [0, 1], targets
   0.15 + 0.7 sin(πx)) from ffnet's own start (numpy seed 2): ``fit(optimizer="lbfgs")``
   against ffnet's ``train_bfgs`` (scipy's fmin_l_bfgs_b on its Fortran J and ∇J), time per
   iteration and the ½SSE each stops at; ffnet's ``train_tnc`` too; and scipy's L-BFGS-B
   on ffnet's objective and box through neurograph's ``cost_and_grad``. Then the ½SSE each
   reaches from ten copies of the start nudged by 1e-14: where these runs stop is decided
   by rounding as much as by the method.
3. ``cost_and_grad`` with one example (and with 256) on the 11,000-edge random DAG of
   scripts/bench.py section 3, made logistic for ffnet: against ffnet's Fortran J and ∇J
   (func2, what its trainers call) and its public ``sqgrad``.
4. ``fit(engine="torch", device="cpu")`` (one thread) against ``fit(engine="vectorized")``
   and the autograd module (``net.to_torch()`` with ``torch.optim.SGD``): 6 inputs, 20 hidden
   layers of 6, one output; 512 examples in batches of 32, one epoch; median CPU time.
   ``--torch`` runs this section alone.
5. Cascade-correlation on the spirals: ``ng.cascade_correlation`` (the default call, and a
   pool of 8 tanh candidates) against FANN's Cascade2 (``cascadetrain_on_data``, stopping
   when no output is 0.35 or more off), seeds 0–4 in turn: hidden neurons installed,
   seconds, examples misclassified, and the fraction right of the 192 points halfway between
   the training points on the same curves; the medians, and the median seconds × FANN's.
6. ``evolve`` and ``cascade_correlation``, which train many small networks, with the
   compiled kernels as ``fit`` chooses them and with the pure loop forced.

Run:  python scripts/bench_peers.py [--quick] [--torch]     (--quick: fewer runs, seeds and
epochs; --torch: section 4 alone)
Each contender is timed alternately with the others, best of several runs.
"""

import argparse
import ctypes
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import neurograph as ng
from neurograph.engines import compiled
from neurograph.training.optimizers import one_scipy_blas_thread

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import best_of, random_dag  # noqa: E402

try:
    from fann2 import libfann
except ImportError:
    libfann = None
try:
    import ffnet as ffnet_module
    from ffnet import ffnet, mlgraph, tmlgraph
    from ffnet.fortran import _ffnet as netprop
except ImportError:
    ffnet_module = None

def missing(peer):
    print(f"   {peer} is not installed, so its rows are left out; to install the peers: "
          f"bash scripts/install_peers.sh (Debian, as root)")


# ------------------------------------------------------------ FANN: the same network


def fann_layered(net, sizes, lr):
    """A FANN standard network of `sizes` holding net's weights, trained as neurograph's
    per-example SGD with loss="half_squared": logistic (FANN_SIGMOID, steepness 0.5),
    incremental, momentum 0, linear error function. Returns (ann, {ng edge: FANN pair})."""
    ann = libfann.neural_net()
    ann.create_standard_array(sizes)
    ann.set_activation_function_hidden(libfann.SIGMOID)
    ann.set_activation_function_output(libfann.SIGMOID)
    ann.set_activation_steepness_hidden(0.5)
    ann.set_activation_steepness_output(0.5)
    ann.set_training_algorithm(libfann.TRAIN_INCREMENTAL)
    ann.set_train_error_function(libfann.ERRORFUNC_LINEAR)
    ann.set_learning_rate(lr)
    ann.set_learning_momentum(0.0)
    # FANN numbers neurons layer by layer, each layer ending with its bias neuron.
    first = np.cumsum([0] + [size + 1 for size in sizes]).tolist()
    place, layer, neuron = {}, {}, 1
    for index, size in enumerate(sizes):
        for k in range(size):
            place[neuron], layer[neuron] = first[index] + k, index
            neuron += 1
    pairs = {}
    for (i, j), w in net.w.items():
        source = first[layer[j]] - 1 if i == 0 else place[i]  # the bias of j's layer below
        pairs[i, j] = (source, place[j])
        ann.set_weight(source, place[j], w)
    return ann, pairs


def fann_weights(ann):
    """{(from, to): weight} as FANN holds them, read from its saved network (fann2's
    get_connection_array does not convert under this SWIG; the file prints %.20e)."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "net.net")
        ann.save(path)
        text = Path(path).read_text(encoding="ascii")
    neurons = re.search(r"^neurons \(num_inputs[^=]*=(.*)$", text, re.M).group(1)
    counts = [int(n) for n in re.findall(r"\((\d+), ", neurons)]
    links = re.search(r"^connections \(connected_to_neuron, weight\)=(.*)$", text, re.M).group(1)
    links = [(int(a), float(w)) for a, w in re.findall(r"\((\d+), ([^)]+)\)", links)]
    weights, k = {}, 0
    for target, count in enumerate(counts):
        for source, w in links[k:k + count]:
            weights[source, target] = w
        k += count
    return weights


def fann_data(X, Y):
    data = libfann.training_data()
    data.set_train_data(X.tolist(), Y.tolist())
    return data


# ------------------------------------------------------------ 1: per-example SGD


def sgd_case(name, X, Y, sizes, lr, repeats, inner):
    """One epoch of per-example SGD: {contender: seconds per epoch}, and the largest weight
    gap between neurograph and FANN after one epoch from the same weights."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float).reshape(len(X), -1)
    start = ng.Network.layered(sizes, seed=0)
    rows = [x.tolist() for x in X], [y.tolist() for y in Y]
    fit_net, step_net, long_net = start.copy(), start.copy(), start.copy()

    def fit_epochs():
        for _ in range(inner):
            fit_net.fit(X, Y, lr=lr, epochs=1, batch_size=1, shuffle=False,
                        loss="half_squared")

    def step_epochs():
        for _ in range(inner):
            for x, y in zip(*rows):
                step_net.sgd_step(x, y, lr, loss="half_squared")

    def fit_once():
        long_net.fit(X, Y, lr=lr, epochs=inner, batch_size=1, shuffle=False,
                     loss="half_squared")

    compiled_net = start.copy()

    def fit_compiled():  # what a long enough run gets (compiled.worth_compiling)
        saved, compiled.worth_compiling = compiled.worth_compiling, lambda *_: True
        try:
            compiled_net.fit(X, Y, lr=lr, epochs=inner, batch_size=1, shuffle=False,
                             loss="half_squared")
        finally:
            compiled.worth_compiling = saved

    contenders = {"neurograph fit(epochs=1)": fit_epochs,
                  "neurograph sgd_step loop": step_epochs,
                  f"neurograph fit(epochs={inner}), per epoch": fit_once}
    if compiled.available():
        started = time.perf_counter()
        fit_compiled()  # the first run compiles or loads (once per process and activations)
        print(f"   ({name}: the first compiled fit took {time.perf_counter() - started:.2f} s, "
              f"compiling or loading from numba's cache included)")
        contenders[f"neurograph fit(epochs={inner}) compiled (numba), per epoch"] = fit_compiled
    gap = None
    if libfann is not None:
        ann, pairs = fann_layered(start, sizes, lr)
        data = fann_data(X, Y)
        check = start.copy()
        check.fit(X, Y, lr=lr, epochs=1, batch_size=1, shuffle=False, loss="half_squared")
        ann.train_epoch(data)
        theirs = fann_weights(ann)
        gap = max(abs(theirs[pairs[e]] - w) for e, w in check.w.items())
        per_example, _ = fann_layered(start, sizes, lr)

        def fann_epochs():
            for _ in range(inner):
                ann.train_epoch(data)

        def fann_steps():
            for _ in range(inner):
                for x, y in zip(*rows):
                    per_example.train(x, y)

        contenders["FANN train_epoch (incremental)"] = fann_epochs
        contenders["FANN train(x, y) per example"] = fann_steps
    times = best_of(contenders, repeats)
    return name, len(start.w), len(X), {k: t / inner for k, t in times.items()}, gap


# ------------------------------------------------------------ 2: L-BFGS against ffnet


def ffnet_twin(net, conec):
    """An ffnet of `conec` holding net's weights, training on the data as given."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        twin = ffnet(conec)
    assert sorted(map(tuple, twin.conec.tolist())) == sorted(net.w)
    twin.weights = np.array([net.w[tuple(e)] for e in twin.conec.tolist()])
    twin.renormalize = False
    return twin


def half_sse(net, X, Y):
    return 0.5 * float(np.sum((Y - net.predict(X)) ** 2))


def func2(twin, X, Y, weights=None):
    """ffnet's Fortran ½SSE and its gradient, as its trainers call it."""
    return netprop.func2(twin.weights if weights is None else weights, twin.conec,
                         twin.bconecno, twin.units, twin.inno, twin.outno, X, Y)


def gradient_gap(net, twin, X, Y):
    """|J_ffnet − n J_ng| / J_ffnet and max |∇J_ffnet − n ∇J_ng|, θ in ffnet's order."""
    J, grad = func2(twin, X, Y)
    ours, our_grad = net.cost_and_grad(net.theta(), X, Y, loss="half_squared")
    where = {e: k for k, e in enumerate(net.theta_edges())}
    order = [where[tuple(e)] for e in twin.conec.tolist()]
    return abs(J - len(X) * ours) / J, float(np.max(np.abs(grad - len(X) * our_grad[order])))


def lbfgs_runners(start, twin, X, Y):
    """{name: run(weights) → (iterations, ½SSE reached)}: fit(optimizer="lbfgs"), scipy's
    L-BFGS-B on ffnet's objective (n × our J) and box (±100) through our cost_and_grad, and
    ffnet's train_bfgs and train_tnc, each from `weights` (in ffnet's order) to its own
    stopping rule. The ½SSE is worked out after the clock stops (see lbfgs_case)."""
    from scipy.optimize import minimize
    where = {e: k for k, e in enumerate(start.theta_edges())}
    order = np.array([where[tuple(e)] for e in twin.conec.tolist()])
    n = len(X)

    def theta(weights):
        values = np.empty_like(weights)
        values[order] = weights
        return values

    def ours(weights):
        net = start.copy()
        net.set_theta(theta(weights))
        history = net.fit(X, Y, optimizer="lbfgs", epochs=15000, loss="half_squared")
        return len(history.loss), lambda: half_sse(net, X, Y)

    def boxed(weights):
        def J(values):
            cost, grad = start.cost_and_grad(values, X, Y, loss="half_squared")
            return n * cost, n * grad

        with one_scipy_blas_thread():
            result = minimize(J, theta(weights), jac=True, method="L-BFGS-B",
                              bounds=[(-100.0, 100.0)] * len(weights))
        return result.nit, lambda: result.fun

    def theirs(method):
        def run(weights):
            count = [0]

            def callback(*_):
                count[0] += 1

            twin.weights = weights.copy()
            with one_scipy_blas_thread():
                getattr(twin, method)(X, Y, callback=callback)
            reached = twin.weights.copy()
            return count[0], lambda: func2(twin, X, Y, reached)[0]
        return run

    return {"neurograph fit(optimizer='lbfgs')": ours,
            "scipy on n × ng J, boxed ±100": boxed,
            "ffnet train_bfgs": theirs("train_bfgs"),
            "ffnet train_tnc": theirs("train_tnc")}


def lbfgs_case(name, start, twin, X, Y, repeats, starts):
    """The runners from the same weights, timed alternately: {name: (seconds, iterations,
    ½SSE reached)}; then from `starts` copies of those weights each nudged by 1e-14
    (relative, seeded): {name: sorted ½SSE reached}, how much the end depends on rounding."""
    weights0 = twin.weights.copy()
    runners = lbfgs_runners(start, twin, X, Y)
    results = {}

    def timed(label):
        def run():
            results[label] = runners[label](weights0)
        return run

    times = best_of({label: timed(label) for label in runners}, repeats)
    rows = {k: (times[k], results[k][0], results[k][1]()) for k in runners}
    rng = np.random.default_rng(0)
    nudged = [weights0 * (1 + 1e-14 * rng.standard_normal(len(weights0)))
              for _ in range(starts)]
    spread = {label: sorted(run(w)[1]() for w in nudged) for label, run in runners.items()}
    twin.weights = weights0
    return name, rows, spread


def sine_data(points=21):
    x = np.linspace(0.0, 1.0, points)[:, None]
    return x, 0.15 + 0.7 * np.sin(np.pi * x)


def lbfgs_rows(repeats, starts):
    X, Y = ng.datasets.xor()
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float).reshape(-1, 1)
    np.random.seed(2)  # ffnet draws its start from numpy's global generator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sine_twin = ffnet(tmlgraph((1, 5, 1)))
    sine_net = ng.Network.layered([1, 5, 1], skip=True)
    start = dict(zip(map(tuple, sine_twin.conec.tolist()), sine_twin.weights))
    sine_net.set_theta([start[e] for e in sine_net.theta_edges()])
    xor_net = ng.Network.layered([2, 2, 1], seed=0)
    cases = [("XOR 2-2-1", xor_net, ffnet_twin(xor_net, mlgraph((2, 2, 1))), X, Y),
             ("sine 1-5-1 + skip", sine_net, ffnet_twin(sine_net, tmlgraph((1, 5, 1))),
              *sine_data())]
    rows = []
    for name, net, twin, X, Y in cases:
        gaps = gradient_gap(net, twin, X, Y)
        rows.append((*lbfgs_case(name, net, twin, X, Y, repeats, starts), half_sse(net, X, Y),
                     gaps))
    return rows


# ------------------------------------------------------------ 3: one J(θ), ∇J(θ) call


def dag_call(repeats, quick):
    """cost_and_grad with 1 and 256 examples on bench.py's random DAG, logistic."""
    shape = random_dag(1 if quick else 10)
    net = ng.Network.from_weights(dict(shape.w), activation="logistic", inputs=shape.inputs)
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (256, len(net.inputs)))
    Y = rng.uniform(0, 1, (256, len(net.outputs)))
    theta = net.theta()
    contenders = {}
    for n in (1, 256):
        contenders[f"neurograph cost_and_grad, {n}"] = (
            lambda n=n: net.cost_and_grad(theta, X[:n], Y[:n], loss="half_squared"))
    gaps, build = None, None
    if ffnet_module is not None:
        start = time.perf_counter()
        twin = ffnet_twin(net, list(net.w))
        build = time.perf_counter() - start
        columns = [net.inputs.index(i) for i in twin.inno]  # an unused input has no node
        outputs = [net.outputs.index(o) for o in twin.outno]
        X_f, Y_f = np.ascontiguousarray(X[:, columns]), np.ascontiguousarray(Y[:, outputs])
        our_net = ng.Network.from_weights(dict(net.w), activation="logistic",
                                          inputs=[net.inputs[c] for c in columns],
                                          outputs=[net.outputs[c] for c in outputs])
        gaps = [gradient_gap(our_net, twin, X_f[:n], Y_f[:n]) for n in (1, 256)]
        for n in (1, 256):
            contenders[f"ffnet Fortran func2, {n}"] = lambda n=n: func2(twin, X_f[:n], Y_f[:n])
            contenders[f"ffnet sqgrad, {n}"] = (
                lambda n=n: twin.sqgrad(X[:n, columns], Y[:n, outputs]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ffnet warns of a target that takes one value
        times = best_of(contenders, repeats)
    return len(net.w), times, gaps, build


# ------------------------------------------------------------ 4: torch CPU


def torch_rows(repeats, quick):
    """CPU seconds (median over `repeats` alternating rounds) of one epoch: fit on the batch
    engine, fit on the torch engine (the packed path), and the autograd module by hand."""
    try:
        import torch
    except ImportError:
        return None
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the hand-written loop too (fit sets it for itself)
    sizes = [6] + [6] * (5 if quick else 20) + [1]
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (512, 6))
    Y = rng.uniform(0.2, 0.8, (512, 1))
    start = ng.Network.layered(sizes, seed=0)
    nets = {"vectorized": start.copy(), "torch": start.copy(), "autograd": start.copy()}

    def epoch(engine):
        extra = {"device": "cpu"} if engine == "torch" else {}
        return lambda: nets[engine].fit(X, Y, lr=0.5, epochs=1, batch_size=32, shuffle=False,
                                        loss="half_squared", engine=engine, **extra)

    def by_hand():  # net.to_torch() and torch.optim.SGD: autograd's graph, the same epoch
        net = nets["autograd"]
        module = net.to_torch(dtype=torch.float64)
        optimizer = torch.optim.SGD(module.parameters(), lr=0.5)
        Xt, Yt = torch.tensor(X), torch.tensor(Y)
        for first in range(0, len(X), 32):
            optimizer.zero_grad()
            error = module(Xt[first:first + 32]) - Yt[first:first + 32]
            (0.5 * (error ** 2).sum(dim=1).mean()).backward()
            optimizer.step()
        net.load_torch(module)

    runs = {"fit(engine='vectorized')": epoch("vectorized"),
            "fit(engine='torch'), packed": epoch("torch"),
            "to_torch() + optim.SGD, autograd": by_hand}
    for run in runs.values():
        run()
    gap = max(abs(nets["vectorized"].w[e] - nets[other].w[e]) for e in start.w
              for other in ("torch", "autograd"))
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            begun = time.process_time()
            run()
            times[name].append(time.process_time() - begun)
    torch.set_num_threads(threads)
    return sizes, len(start.w), {name: statistics.median(t) for name, t in times.items()}, \
        gap, torch.__version__, threads


def torch_report(repeats, quick):
    """Section 4, printed."""
    result = torch_rows(repeats, quick)
    if result is None:
        print("\n4. PyTorch is not installed: the torch engine's row is left out")
        return
    sizes, edges, times, gap, version, threads = result
    print(f"\n4. fit, one epoch of 512 examples in batches of 32, layered {len(sizes) - 2} "
          f"hidden layers × 6 ({edges} weights); PyTorch {version} CPU on one thread (of "
          f"{threads} by default here); median CPU time of {repeats} alternating rounds; the "
          f"three agree to {gap:.0e}")
    floor = times["fit(engine='vectorized')"]
    for label, seconds in times.items():
        print(f"   {label:34} {seconds * 1e3:9.2f} ms {ratio(seconds, floor)} × the batch "
              f"engine")


# ------------------------------------------------------------ 5: cascade


def misclassified(outputs, Y):
    return int(np.sum((np.asarray(outputs).reshape(Y.shape) > 0.5) != (Y > 0.5)))


CASCADE_POOLS = {
    "neurograph cascade_correlation": {},
    "neurograph, 8 tanh candidates": {"activation": "tanh", "steepnesses": (1.0,),
                                      "candidates": 8, "candidate_decay": 0.0},
}
"""neurograph's contenders: the default call (tanh, logistic and sin × 4 steepnesses × 2),
and a pool of 8 tanh candidates of one steepness with no decay on their weights (the
default's κ = 1e-3 holds back the large weights tanh's sharp steps need), the pool the
call had before the mixed one."""


def spirals_between():
    """The 192 points halfway between the spirals' training points, on the same two curves:
    how well a grown network generalizes."""
    i = np.arange(96) + 0.5
    angle, radius = i * np.pi / 16, 6.5 * (104 - i) / 104
    first = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return np.vstack([first, -first]), np.repeat([[0.0], [1.0]], len(i), axis=0)


def cascade_rows(seeds, max_hidden):
    """{contender: [(hidden, seconds, misclassified, fraction right between the points)]}."""
    X, Y = ng.datasets.spirals()
    X_between, Y_between = spirals_between()
    rows = {label: [] for label in [*CASCADE_POOLS, "FANN cascadetrain_on_data"]}
    libc = ctypes.CDLL(None)
    for seed in seeds:
        for label, options in CASCADE_POOLS.items():
            start = time.perf_counter()
            net, _ = ng.cascade_correlation(X, Y, max_hidden=max_hidden, seed=seed, **options)
            seconds = time.perf_counter() - start
            rows[label].append((len(net.hidden), seconds, misclassified(net.predict(X), Y),
                                1 - misclassified(net.predict(X_between), Y_between) / 192))
        if libfann is None:
            continue
        ann = libfann.neural_net()
        ann.create_shortcut_array([2, 1])
        libc.srand(seed + 1)  # FANN draws from rand(); glibc takes srand(0) as srand(1)
        ann.randomize_weights(-0.1, 0.1)  # FANN's own start, now from that seed
        ann.set_activation_function_output(libfann.SIGMOID)
        ann.set_activation_steepness_output(0.5)
        ann.set_train_stop_function(libfann.STOPFUNC_BIT)  # no output 0.35 or more off
        data = fann_data(X, Y)
        start = time.perf_counter()
        ann.cascadetrain_on_data(data, max_hidden, 0, 0.0)
        seconds = time.perf_counter() - start
        outputs = [ann.run(x)[0] for x in X.tolist()]
        hidden = ann.get_total_neurons() - 4  # 2 inputs, the bias, the output
        between = [ann.run(x)[0] for x in X_between.tolist()]
        rows["FANN cascadetrain_on_data"].append((hidden, seconds, misclassified(outputs, Y),
                                                  1 - misclassified(between, Y_between) / 192))
    return {k: v for k, v in rows.items() if v}, len(X)


# ------------------------------------------------------------ 6: many small networks


def small_networks_rows(quick):
    """evolve and cascade_correlation, each timed with fit's choice of the compiled kernels
    (compiled.worth_compiling) and with the pure loop forced, alternately, best of two:
    {label: (pure seconds, default seconds)}. The default's first run in the process loads
    the kernels from numba's cache (or compiles them) and pays for it."""
    real = compiled.worth_compiling
    X, Y = ng.datasets.spirals()
    Xx, Yx = ng.datasets.xor()
    size = (10, 2) if quick else (20, 5)
    cases = {
        f"evolve XOR, population {size[0]}, {size[1]} generations, 200 epochs, batch_size=1":
            lambda: ng.evolve(Xx, Yx, population=size[0], generations=size[1], epochs=200,
                              batch_size=1, seed=0),
        f"evolve spirals, population {size[0]}, {size[1]} generations, 20 epochs, full batch":
            lambda: ng.evolve(X, Y, population=size[0], generations=size[1], epochs=20,
                              seed=0),
        "cascade_correlation spirals, seed 0, at most 8 hidden":
            lambda: ng.cascade_correlation(X, Y, max_hidden=3 if quick else 8, seed=0)}
    rows = {}
    for label, run in cases.items():
        seconds = {"pure": [], "default": []}
        for mode in ("default", "pure") * 2:
            compiled.worth_compiling = real if mode == "default" else (lambda *_: False)
            try:
                started = time.perf_counter()
                run()
                seconds[mode].append(time.perf_counter() - started)
            finally:
                compiled.worth_compiling = real
        rows[label] = min(seconds["pure"]), min(seconds["default"])
    return rows


# ------------------------------------------------------------ report


def ratio(value, floor, unit=""):
    """value / floor as a column, or blanks where the peer was not run."""
    return f"{value / floor:8.2f}{unit}" if floor else " " * (8 + len(unit))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, seeds and epochs")
    parser.add_argument("--torch", action="store_true", help="section 4 alone (torch)")
    arguments = parser.parse_args()
    quick = arguments.quick
    if arguments.torch:
        return torch_report(2 if quick else 15, quick)
    repeats = 2 if quick else 15
    versions = [f"Python {sys.version.split()[0]}", f"numpy {np.__version__}"]
    if libfann is not None:
        versions.append("FANN 2.2 via fann2 (libdoublefann)")
    if ffnet_module is not None:
        versions.append(f"ffnet {ffnet_module.version}")
    print(", ".join(versions))

    print("\n1. Per-example SGD, one epoch in the order given (loss='half_squared' = FANN's "
          "linear error): µs per epoch")
    cases = [("XOR 2-2-1, lr 0.5", *ng.datasets.xor(), [2, 2, 1], 0.5, 20 if quick else 500),
             ("spirals 2-20-20-1, lr 0.25", *ng.datasets.spirals(), [2, 20, 20, 1], 0.25,
              2 if quick else 20)]
    if libfann is None:
        missing("FANN (fann2)")
    for name, X, Y, sizes, lr, inner in cases:
        name, edges, examples, times, gap = sgd_case(name, X, Y, sizes, lr, repeats, inner)
        floor = times.get("FANN train_epoch (incremental)")
        print(f"   {name} ({edges} weights, {examples} examples)"
              + (f"; weights after one epoch agree with FANN's to {gap:.1e}"
                 if gap is not None else ""))
        for label, seconds in times.items():
            print(f"      {label:42} {seconds * 1e6:10.1f} µs "
                  f"{ratio(seconds, floor, ' × FANN')}".rstrip())

    print("\n2. L-BFGS-B from the same weights (ffnet's start, numpy seed 2, for the sine), "
          "each to its own stopping rule")
    if ffnet_module is None:
        missing("ffnet")
    else:
        starts = 2 if quick else 10
        for name, results, spread, start_sse, (j_gap, g_gap) in lbfgs_rows(repeats, starts):
            floor = results["ffnet train_bfgs"]
            floor = floor[0] / max(floor[1], 1)
            print(f"   {name}: ½SSE {start_sse:.4f} at the start; ffnet's J = n × ours to "
                  f"{j_gap:.0e}, ∇J to {g_gap:.0e}")
            print(f"      {'':34} {'ms':>9} {'iterations':>10} {'µs/iter.':>9} "
                  f"{'× ffnet':>8} {'½SSE reached':>13}")
            for label, (seconds, iterations, reached) in results.items():
                per = seconds / max(iterations, 1)
                print(f"      {label:34} {seconds * 1e3:9.2f} {iterations:10} "
                      f"{per * 1e6:9.1f} {ratio(per, floor)} {reached:13.3e}")
            print(f"      the ½SSE reached from {starts} copies of that start, each weight nudged "
                  f"by about 1e-14 (relative): lowest, median, highest")
            for label, reached in spread.items():
                print(f"      {label:34} {reached[0]:10.3e} {statistics.median(reached):10.3e} "
                      f"{reached[-1]:10.3e}")

    edges, times, gaps, build = dag_call(3 if quick else 30, quick)
    print(f"\n3. J(θ) and ∇J(θ) on the {edges:,}-edge random DAG (bench.py section 3, "
          f"logistic), half-squared: ms per call")
    if gaps is None:
        missing("ffnet")
    else:
        print(f"   ffnet's J and ∇J = n × ours to {max(g[0] for g in gaps):.0e} and "
              f"{max(g[1] for g in gaps):.0e}; building the ffnet took {build:.1f} s")
    print(f"   {'':32} {'1 example':>10} {'× func2':>8} {'256 examples':>13} {'× func2':>8}")
    for who in ("neurograph cost_and_grad", "ffnet Fortran func2", "ffnet sqgrad"):
        if f"{who}, 1" not in times:
            continue
        one, many = times[f"{who}, 1"], times[f"{who}, 256"]
        base = times.get("ffnet Fortran func2, 1"), times.get("ffnet Fortran func2, 256")
        print(f"   {who:32} {one * 1e3:10.3f} {ratio(one, base[0])} {many * 1e3:13.3f} "
              f"{ratio(many, base[1])}".rstrip())

    torch_report(repeats, quick)

    cascade_report(quick)


def cascade_report(quick):
    """Section 5, printed (``python -c "import bench_peers; bench_peers.cascade_report(False)"``
    from scripts/ runs it alone)."""
    seeds = [0] if quick else [0, 1, 2, 3, 4]
    max_hidden = 3 if quick else 40
    rows, examples = cascade_rows(seeds, max_hidden)
    print(f"\n5. Cascade-correlation on the two spirals ({examples} points), "
          f"seed{f's {seeds[0]}–{seeds[-1]}' if len(seeds) > 1 else f' {seeds[0]}'}, at most {max_hidden} hidden neurons: each seed's "
          f"(hidden, seconds, misclassified, right between the points), then the medians")
    if libfann is None:
        missing("FANN (fann2)")
    fann = rows.get("FANN cascadetrain_on_data")
    floor = statistics.median(run[1] for run in fann) if fann else None
    for label, runs in rows.items():
        each = "  ".join(f"({h}, {s:.2f}, {m}, {b:.0%})" for h, s, m, b in runs)
        medians = [statistics.median(column) for column in zip(*runs)]
        print(f"   {label:31} median {medians[0]:4.0f} hidden {medians[1]:7.2f} s "
              f"{ratio(medians[1], floor, ' × FANN')} {medians[2]:4.0f} wrong "
              f"{medians[3]:5.0%} between   {each}")

    if compiled.available():
        print("\n6. Many small networks: seconds with the pure loop forced, and with fit's own "
              "choice of the compiled kernels (best of two, alternately)")
        for label, (pure, default) in small_networks_rows(quick).items():
            print(f"   {label:80} {pure:7.2f} s {default:7.2f} s {pure / default:6.2f} ×")


if __name__ == "__main__":
    main()
