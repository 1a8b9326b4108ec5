"""The compiled epoch (numba) equals the pure per-example loop on random non-layered DAGs.

fit compiles a network's epoch of per-example SGD once a run is long enough
(:data:`neurograph.engines.compiled.COMPILE_ABOVE`); here that threshold is set to 0 for
one network and out of reach for its twin, and every weight, every J of the history and
every refusal must agree to 1e-12.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import compiled
from neurograph.model.activations import ACTIVATIONS
from support import WITH_STEPS, dags

KERNELED = [name for name, g in ACTIVATIONS.items() if g.kernel]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KERNELED),
       st.one_of(st.floats(-800, 800), st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 36.7])))
@example("logistic", -745.5)
def test_each_kernel_form_is_g_and_g_prime_to_the_bit(name, z):
    """What a kernel writes is what the reference engine computes (in Python: bit for bit)."""
    g = ACTIVATIONS[name]
    a = g.g(z)
    g_prime = g.dg_from_a(a) if g.dg_from_a is not None else g.dg(z)
    space = {"math": math, "z": z, "a": a}
    assert repr(eval(g.kernel[0], space)) == repr(a)
    assert repr(eval(g.kernel[1], space)) == repr(g_prime)


def fit_both(net, X, Y, **kwargs):
    """fit on `net` compiled and on a twin by the pure loop: (θ, history or error) of each."""
    twin = net.copy()
    outcomes = []
    for model, threshold in ((net, 0), (twin, math.inf)):
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(compiled, "COMPILE_ABOVE", threshold)
                outcome = model.fit(X, Y, **kwargs)
            outcome = ("ok", outcome.stopped, outcome.loss)
        except ng.NetworkError as error:
            outcome = (type(error).__name__, str(error), error.history.loss)
        outcomes.append((model.theta(), outcome))
    return outcomes


@st.composite
def cases(draw):
    net = draw(dags(hidden_activations=WITH_STEPS, output_activations=WITH_STEPS))
    if draw(st.booleans()):
        net.freeze(*draw(st.sampled_from(list(net.w))))
    n = draw(st.integers(1, 5))
    X = draw(st.lists(st.lists(st.floats(-2, 2), min_size=len(net.inputs),
                               max_size=len(net.inputs)), min_size=n, max_size=n))
    Y = draw(st.lists(st.lists(st.floats(0, 1), min_size=len(net.outputs),
                               max_size=len(net.outputs)), min_size=n, max_size=n))
    return net, X, Y, dict(lr=draw(st.sampled_from([0.05, 0.5, 5.0, 1e98])),
                           epochs=draw(st.integers(1, 6)),
                           loss=draw(st.sampled_from(["squared", "half_squared"])),
                           weight_decay=draw(st.sampled_from([0.0, 0.01])),
                           decay_bias=draw(st.booleans()), seed=draw(st.integers(0, 3)))


@settings(max_examples=12, deadline=None)
@given(cases())
def test_the_compiled_epoch_is_the_pure_loop(case):
    net, X, Y, kwargs = case
    assert compiled.compiled_kernels(net.plan(), ng.get_loss(kwargs["loss"])) is not None
    (theta, outcome), (twin_theta, twin_outcome) = fit_both(net, X, Y, **kwargs)
    np.testing.assert_allclose(theta, twin_theta, rtol=1e-12, atol=1e-300)
    assert outcome[:-1] == twin_outcome[:-1]
    np.testing.assert_allclose(outcome[-1], twin_outcome[-1], rtol=1e-12)


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
    monkeypatch.setattr(compiled, "COMPILE_ABOVE", 0)
    net.fit(X, Y, lr=0.5, epochs=50)
    monkeypatch.setattr(compiled, "available", lambda: False)
    assert compiled.compiled_kernels(twin.plan(), ng.get_loss("squared")) is None
    twin.fit(X, Y, lr=0.5, epochs=50)
    assert net.theta().tolist() == twin.theta().tolist()
