"""The compiled epoch (numba) equals the pure per-example loop on random non-layered DAGs.

fit compiles a network's epoch of per-example SGD once a run is long enough
(:func:`neurograph.engines.compiled.worth_compiling`); here it always compiles for one
network and never for its twin, and every weight, every J and accuracy of the history,
every stop and every refusal must agree to 1e-12, and the random generator must be left
where the pure loop leaves it.
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import compiled
from neurograph.training import loop
from neurograph.training.runners import KERNELS
from neurograph.model.activations import ACTIVATIONS
from support import WITH_STEPS, dags

KERNELED = [name for name, g in ACTIVATIONS.items() if g.kernel]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KERNELED),
       st.one_of(st.floats(-800, 800), st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 36.7])))
@example("logistic", -745.5)
@example("gaussian", 2.4)  # numpy's exp and math.exp differ in the last place there
def test_each_kernel_form_is_g_and_g_prime_to_the_bit(name, z):
    """What a kernel writes is what the reference engine computes (in Python: bit for bit)."""
    g = ACTIVATIONS[name]
    a = g.g(z)
    g_prime = g.dg_from_a(a) if g.dg_from_a is not None else g.dg(z)
    space = {"math": math, "z": z, "a": a}
    assert repr(eval(g.kernel[0], space)) == repr(a)
    assert repr(eval(g.kernel[1], space)) == repr(g_prime)


def fit_both(net, X, Y, **kwargs):
    """fit on `net` compiled and on a twin by the pure loop: (θ, history or error) of each,
    the history's accuracies ending the outcome's words, and the generator's next number
    (fit is given a Generator: both must leave it where the other does)."""
    twin = net.copy()
    outcomes = []
    for model, worth in ((net, True), (twin, False)):
        rng = np.random.default_rng(kwargs.get("seed", 0))
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(compiled, "worth_compiling", lambda *_, worth=worth: worth)
                outcome = model.fit(X, Y, **{**kwargs, "seed": rng})
            outcome = ("ok", outcome.stopped, outcome.accuracy, outcome.loss)
        except ng.NetworkError as error:
            history = getattr(error, "history", None)   # a refusal before training has none
            outcome = (type(error).__name__, str(error), *((history.accuracy, history.loss)
                                                           if history else ((), ())))
        outcomes.append((model.theta(), outcome + (rng.random(),)))
    return outcomes


@st.composite
def cases(draw):
    net = draw(dags(hidden_activations=WITH_STEPS, output_activations=WITH_STEPS))
    if draw(st.booleans()):
        net.freeze(*draw(st.sampled_from(list(net.w))))
    n = draw(st.integers(1, 5))
    X = draw(st.lists(st.lists(st.floats(-2, 2), min_size=len(net.inputs),
                               max_size=len(net.inputs)), min_size=n, max_size=n))
    targets = st.sampled_from([0.0, 1.0]) if draw(st.booleans()) else st.floats(0, 1)
    Y = draw(st.lists(st.lists(targets, min_size=len(net.outputs),
                               max_size=len(net.outputs)), min_size=n, max_size=n))
    return net, X, Y, dict(lr=draw(st.sampled_from([0.05, 0.5, 5.0, 1e98])),
                           epochs=draw(st.integers(1, 6)),
                           shuffle=draw(st.booleans()),
                           error_tol=draw(st.sampled_from([None, 0.3, 0.9])),
                           min_delta=draw(st.sampled_from([None, 1e-3, 0.1])),
                           patience=draw(st.integers(1, 2)),
                           loss=draw(st.sampled_from(["squared", "half_squared"])),
                           weight_decay=draw(st.sampled_from([0.0, 0.01])),
                           decay_bias=draw(st.booleans()), seed=draw(st.integers(0, 3)),
                           optimizer=draw(st.sampled_from(["sgd", "sgd", "lbfgs", "adam"])))


def _all_frozen():
    net = ng.Network.from_weights({(1, 3): 0.5}, inputs=[1, 2], outputs=[3])
    net.freeze(1, 3)
    return net


@settings(max_examples=12, deadline=None)
@given(cases())
@example((_all_frozen(), [[0.0, 0.0]], [[0.0]],   # L-BFGS refuses: no weight to train
          dict(lr=0.05, epochs=1, shuffle=False, error_tol=None, min_delta=None, patience=1,
               loss="squared", weight_decay=0.0, decay_bias=False, seed=0,
               optimizer="lbfgs")))
def test_the_compiled_epoch_is_the_pure_loop(case):
    """Per-example SGD, and J and ∇J for L-BFGS and Adam (compiled.gradient)."""
    net, X, Y, kwargs = case
    assert compiled.compiled_kernels(net.plan(), ng.get_loss(kwargs["loss"]), KERNELS) is not None
    (theta, outcome), (twin_theta, twin_outcome) = fit_both(net, X, Y, **kwargs)
    np.testing.assert_allclose(theta, twin_theta, rtol=1e-12, atol=1e-300)
    assert outcome[:-2] == twin_outcome[:-2] and outcome[-1] == twin_outcome[-1]
    np.testing.assert_allclose(outcome[-2], twin_outcome[-2], rtol=1e-12)


@settings(max_examples=6, deadline=None)
@given(dags(hidden_activations=WITH_STEPS, output_activations=WITH_STEPS),
       st.integers(compiled.LANES + 1, 3 * compiled.LANES), st.integers(0, 3),
       st.sampled_from(["sgd", "lbfgs"]))
def test_j_over_more_examples_than_run_side_by_side_is_the_pure_loops(net, n, seed, optimizer):
    """J's pass over the training set runs compiled.LANES examples side by side: whole
    blocks and a last, partial one give every J, accuracy and weight the pure loop gives."""
    assert compiled.compiled_kernels(net.plan(), ng.get_loss("squared"), KERNELS) is not None
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, len(net.inputs)))
    Y = rng.integers(0, 2, (n, len(net.outputs))).astype(float)
    (theta, outcome), (twin_theta, twin_outcome) = fit_both(
        net, X, Y, lr=0.5, epochs=4, optimizer=optimizer, seed=seed)
    np.testing.assert_allclose(theta, twin_theta, rtol=1e-12, atol=1e-300)
    assert outcome[:-2] == twin_outcome[:-2] and outcome[-1] == twin_outcome[-1]
    np.testing.assert_allclose(outcome[-2], twin_outcome[-2], rtol=1e-12)


def test_many_epochs_run_in_one_compiled_call_with_the_loops_numbers(monkeypatch):
    """A long per-example run spans several calls of the compiled epochs (a small block
    here), stops on error_tol where the loop stops, and records what the loop records."""
    monkeypatch.setattr(loop, "EPOCHS_AT_ONCE", 40)  # 10 epochs of XOR's 4 per call
    calls = []
    original = loop._epochs_at_once
    monkeypatch.setattr(loop, "_epochs_at_once",
                        lambda *args: calls.append(args[4]) or original(*args))
    X, Y = ng.datasets.xor()
    net = ng.Network.layered([2, 2, 1], seed=0)
    (theta, outcome), (twin_theta, twin_outcome) = fit_both(net, X, Y, lr=0.5, epochs=3000,
                                                             seed=1, error_tol=0.2)
    assert theta.tolist() == twin_theta.tolist() and outcome == twin_outcome
    assert outcome[1] == "errors" and 10 < len(outcome[3]) < 3000
    assert len(calls) == -(-len(outcome[3]) // 10)  # every epoch ran compiled, 10 a call


def test_xor_trains_the_same_compiled_and_a_divergence_is_refused_the_same():
    X, Y = ng.datasets.xor()
    net = ng.Network.layered([2, 2, 1], seed=0)
    (theta, outcome), (twin_theta, twin_outcome) = fit_both(net, X, Y, lr=0.5, epochs=300,
                                                             seed=1)
    assert theta.tolist() == twin_theta.tolist() and outcome == twin_outcome
    wild = ng.Network.from_weights({(0, 2): 1.0, (1, 2): 2.0}, activation="identity")
    (theta, outcome), (twin_theta, twin_outcome) = fit_both(
        wild, [[1.0]], [[-1e60]], lr=1e60, epochs=3)
    assert outcome[0] == "DivergedError" and outcome == twin_outcome
    assert "epoch 1" in outcome[1]
    assert theta.tolist() == twin_theta.tolist()


def test_what_is_not_compiled():
    """Losses other than quadratic ones, softmax, max/product neurons and activations
    without kernel forms are left to the pure loop (with the same numbers)."""
    net = ng.Network.layered([2, 2, 1], seed=0)
    assert compiled.compiled_kernels(net.plan(), ng.get_loss("log")) is None
    softmax = ng.Network.layered([2, 3], seed=0, output_activation="softmax")
    assert compiled.compiled_kernels(softmax.plan(), ng.get_loss("squared")) is None
    cube = ng.Network.layered([2, 2, 1], seed=0)
    cube.neuron(3).activation = ng.Activation("cube", g=lambda z: z ** 3, dg=lambda z: 3 * z * z)
    assert compiled.compiled_kernels(cube.plan(), ng.get_loss("squared")) is None
    assert compiled.compiled_kernels(net.plan(), ng.get_loss("squared")) is not None


def test_without_numba_training_takes_the_pure_loop(monkeypatch):
    X, Y = ng.datasets.xor()
    net = ng.Network.layered([2, 2, 1], seed=0)
    twin = net.copy()
    monkeypatch.setattr(compiled, "LOADED_ABOVE", 0)
    monkeypatch.setattr(compiled, "COMPILE_ABOVE", 0)
    net.fit(X, Y, lr=0.5, epochs=50)
    monkeypatch.setattr(compiled, "available", lambda: False)
    assert compiled.compiled_kernels(twin.plan(), ng.get_loss("squared")) is None
    twin.fit(X, Y, lr=0.5, epochs=50)
    assert net.theta().tolist() == twin.theta().tolist()


def test_fit_compiles_where_it_pays_and_numba_caches_in_its_own_folder(tmp_path):
    """Short runs stay pure; a run long enough compiles; the kernels' source and numba's
    machine code go to numba's cache folder (NUMBA_CACHE_DIR here) and nowhere else, and a
    process after the first finds them there (it compiles from CACHED_ABOVE on)."""
    net = ng.Network.layered([2, 2, 1], seed=0, activation="identity")
    loss = ng.get_loss("half_squared")
    edges = len(net.plan().edges)
    assert not compiled.worth_compiling(net.plan(), loss, compiled.LOADED_ABOVE - 1, KERNELS)
    assert compiled.worth_compiling(net.plan(), loss, compiled.COMPILE_ABOVE, KERNELS)
    script = (
        "import neurograph as ng; from neurograph.engines import compiled\n"
        "from neurograph.training.runners import KERNELS\n"
        "net = ng.Network.layered([2, 2, 1], seed=0, activation='identity')\n"
        "plan, loss = net.plan(), ng.get_loss('half_squared')\n"
        f"print(compiled.worth_compiling(plan, loss, {compiled.CACHED_ABOVE}, KERNELS))\n"
        "X, Y = ng.datasets.xor()\n"
        f"net.fit(X, Y, lr=0.1, loss='half_squared',"
        f" epochs={compiled.COMPILE_ABOVE // (4 * edges + compiled.EPOCH_COST) + 1})\n"
        f"print(compiled.worth_compiling(plan, loss, {compiled.LOADED_ABOVE}, KERNELS))\n")
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
                   "PYTHONPATH": str(Path(ng.__file__).parent.parent)}
    home = tmp_path / "home"
    home.mkdir()
    environment["HOME"] = str(home)  # (numba's per-user folder would be in here)
    runs = [subprocess.run([sys.executable, "-c", script], env=environment, cwd=home,
                           capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs == [["False", "True"], ["True", "True"]]  # cold, then found in the cache
    written = [path.relative_to(tmp_path).parts for path in tmp_path.rglob("*")
               if path.is_file()]
    assert all(parts[0] == "numba" for parts in written)
    assert [parts[1] for parts in written if parts[-1].endswith(".py")] == ["neurograph"]
    assert any(parts[-1].endswith(".nbi") for parts in written)  # numba's index


@pytest.mark.parametrize("cached", [True, False])
def test_many_short_runs_compile_once_they_have_cost_as_much(monkeypatch, cached):
    """The process's work without the kernels counts: evolve's many small fits compile (or
    load) once together they reach what one long run would need."""
    monkeypatch.setattr(compiled, "_LOADED", {})
    monkeypatch.setattr(compiled, "_SPENT", {})
    monkeypatch.setattr(compiled, "_cached", lambda source: cached)
    plan, loss = ng.Network.layered([2, 2, 1], seed=0).plan(), ng.get_loss("squared")
    limit = compiled.CACHED_ABOVE if cached else compiled.COMPILE_ABOVE
    runs = [compiled.worth_compiling(plan, loss, limit // 4, KERNELS) for _ in range(5)]
    assert runs == [False, False, False, True, True]
    other = ng.get_loss("half_squared")  # other kernels: their own count
    assert not compiled.worth_compiling(plan, other, limit // 4, KERNELS)


def test_a_module_of_the_networks_own_activations_gives_the_same_numbers(monkeypatch):
    """A long run compiles the network's activations alone (faster than the shared module of
    all the library's): bit for bit the same epochs, J and accuracies."""
    monkeypatch.setattr(compiled, "_LOADED", {})
    monkeypatch.setattr(compiled, "_cached", lambda source: False)  # neither is at hand
    X, Y = ng.datasets.xor()
    X, Y = compiled.as_rows(X), compiled.as_rows(Y)
    loss = ng.get_loss("squared")
    start = ng.Network.from_weights({(0, 3): 0.1, (1, 3): -0.4, (2, 3): 0.3, (0, 4): -0.2,
                                     (1, 4): 0.5, (2, 4): 0.6, (3, 4): -0.7, (1, 5): 0.2,
                                     (0, 5): 0.1, (4, 5): 0.8, (3, 5): -0.5})  # not layered
    outcomes = []
    for work in (0, compiled.COMPILE_ABOVE):
        net = start.copy()
        plan = net.plan()
        kernels = compiled.compiled_kernels(plan, loss, KERNELS, work)
        orders = np.random.default_rng(0).permuted(np.tile(np.arange(4), (50, 1)), axis=1)
        costs, accuracies = np.empty(50), np.empty(50)
        done = kernels.train(plan.store.values, X, Y, orders, 0.5, 0.0, 0.0, 0.0,
                             np.ones(plan.size, dtype=bool), np.array([0, 1, 1, 0]), -1.0,
                             -1.0, 1, math.nan, 0, costs, accuracies)
        outcomes.append((done, net.theta().tolist(), costs.tolist(), accuracies.tolist()))
    assert len(compiled._LOADED) == 2  # the shared module, then the network's own
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == (50, 0, 0)


def test_where_numbas_cache_folder_cannot_be_written_the_kernels_compile_in_memory(
        monkeypatch):
    def unwritable():
        raise PermissionError("read-only file system")

    monkeypatch.setattr(compiled, "cache_folder", unwritable)
    source = ("from numba import njit\n\nCACHE = True\n\n\n"
              "@njit(cache=CACHE)\ndef twice(x):\n    return 2 * x\n")
    module = compiled._module(source)
    assert module.CACHE is False and module.twice(21) == 42
    assert not compiled._cached(source)
