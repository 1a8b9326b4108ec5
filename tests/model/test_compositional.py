"""The compositional activations (sin, cos, gaussian, abs, square) need nothing but their
entries in the activation table: every engine, explain, files, the command line and the
search's choices take them from there.

Backprop is held to central differences on random non-layered DAGs whose neurons compute
only these, and the engines to each other to 1e-12.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import compiled
from support import dags, kinks_are_clear
from test_hostile import command

NEW = ("sin", "cos", "gaussian", "abs", "square")
EPS = 1e-6


def test_each_is_one_entry_of_the_table_with_its_values():
    assert set(NEW) <= set(ng.ACTIVATIONS)
    g = {name: ng.ACTIVATIONS[name] for name in NEW}
    assert g["sin"].g(math.pi / 2) == 1.0 and g["sin"].dg(0.0) == 1.0
    assert g["cos"].g(0.0) == 1.0 and g["cos"].dg(math.pi / 2) == -1.0
    # e^{−z²}: 1 at 0, e^{−1} at ±1; g′(1) = −2·1·e^{−1}
    assert g["gaussian"].g(0.0) == 1.0 and g["gaussian"].g(-1.0) == pytest.approx(math.exp(-1))
    assert g["gaussian"].dg(1.0) == pytest.approx(-2 * math.exp(-1), rel=1e-15)
    assert g["abs"].g(-2.5) == 2.5 and g["abs"].dg(-2.5) == -1.0 and g["abs"].dg(0.0) == 0.0
    assert g["square"].g(-3.0) == 9.0 and g["square"].dg(-3.0) == -6.0
    for name in NEW:
        assert g[name].kernel and g[name].on_any_array and g[name].formula


@settings(max_examples=100, deadline=None)
@given(net=dags(hidden_activations=NEW, output_activations=NEW), data=st.data())
def test_backprop_matches_finite_differences(net, data):
    x = data.draw(st.lists(st.floats(-2, 2), min_size=len(net.inputs), max_size=len(net.inputs)))
    y = data.draw(st.lists(st.floats(0, 1), min_size=len(net.outputs),
                           max_size=len(net.outputs)))
    assume(kinks_are_clear(net, x, EPS))
    result = ng.gradcheck(net, x, y, eps=EPS)
    ell = net.backward(y)
    assume(math.isfinite(ell) and ell < 1e6)  # square of square of …: FD loses its digits
    for edge, numeric in result.numeric.items():
        assert result.analytic[edge] == pytest.approx(numeric, rel=1e-5, abs=1e-7 * (1 + ell))


def examples_for(net, draw, n):
    X = np.array(draw(st.lists(st.lists(st.floats(-1, 1), min_size=len(net.inputs),
                                        max_size=len(net.inputs)), min_size=n, max_size=n)))
    Y = np.array(draw(st.lists(st.lists(st.floats(0, 1), min_size=len(net.outputs),
                                        max_size=len(net.outputs)), min_size=n, max_size=n)))
    return X, Y


def fit_outcome(net, X, Y, **options):
    """θ after fit, and how fit ended: ("ok", J per epoch) or (the error's type, its message)."""
    try:
        return net.theta(), ("ok", net.fit(X, Y, **options).loss)
    except ng.NetworkError as error:
        return net.theta(), (type(error).__name__, str(error))


@settings(max_examples=25, deadline=None)
@given(net=dags(hidden_activations=NEW, output_activations=NEW), data=st.data())
def test_the_vectorized_engine_trains_as_the_reference_engine(net, data):
    X, Y = examples_for(net, data.draw, data.draw(st.integers(2, 6)))
    np.testing.assert_allclose(net.predict(X, engine="vectorized"),
                               net.predict(X, engine="reference"), rtol=1e-12, atol=1e-12)
    options = dict(lr=0.01, epochs=2, batch_size=data.draw(st.integers(1, 3)), seed=1)
    twin = net.copy()
    theta, outcome = fit_outcome(net, X, Y, engine="reference", **options)
    twin_theta, twin_outcome = fit_outcome(twin, X, Y, engine="vectorized", **options)
    assert outcome[0] == twin_outcome[0]
    np.testing.assert_allclose(twin_theta, theta, rtol=1e-12, atol=1e-12)
    if outcome[0] == "ok" and max(outcome[1]) < 1e6:
        # (where square neurons make training blow up, J of 1e9 amplifies θ's last-place
        # differences beyond 1e-12: θ itself is held to 1e-12 above, J only where it is tame)
        np.testing.assert_allclose(twin_outcome[1], outcome[1], rtol=1e-12)


def test_the_compiled_epoch_is_the_pure_loop():
    """One compilation (numba, a few seconds) for a non-layered DAG with all five, trained
    from random weights on random examples: the compiled epoch and the pure loop agree."""
    rng = np.random.default_rng(5)
    for _ in range(2):
        net = a_network()
        net.set_weights({edge: float(rng.uniform(-1.5, 1.5)) for edge in net.w})
        X, Y = rng.uniform(-1, 1, (5, 2)), rng.uniform(0, 1, (5, 2))
        assert compiled.compiled_kernels(net.plan(), ng.get_loss("squared")) is not None
        twin = net.copy()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(compiled, "COMPILE_ABOVE", 0)
            theta, outcome = fit_outcome(net, X, Y, lr=0.05, epochs=3, seed=2)
        twin_theta, twin_outcome = fit_outcome(twin, X, Y, lr=0.05, epochs=3, seed=2)
        assert outcome[0] == twin_outcome[0] == "ok"
        np.testing.assert_allclose(theta, twin_theta, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(outcome[1], twin_outcome[1], rtol=1e-12)


def test_the_torch_module_computes_them():
    import torch  # the test extra has it: never skipped
    net = ng.Network.from_weights(
        {(0, 3): 0.2, (1, 3): 1.1, (2, 4): -0.7, (1, 4): 0.4, (3, 5): 0.9, (4, 5): -1.2,
         (1, 6): 0.5, (3, 6): 0.3, (5, 6): 0.8, (4, 7): 1.5, (2, 7): -0.2},
        activations={3: "sin", 4: "gaussian", 5: "abs", 6: "cos", 7: "square"},
        inputs=[1, 2], outputs=[6, 7])
    X = np.array([[0.3, -0.8], [-1.2, 0.5], [0.0, 0.9]])
    np.testing.assert_allclose(net.to_torch().eval()(torch.tensor(X)).detach().numpy(),
                               net.predict(X, engine="reference"), rtol=1e-12, atol=1e-12)


def a_network():
    """Inputs 1, 2; hidden 3 (sin), 4 (gaussian), 5 (abs); outputs 6 (cos) and 7 (square)."""
    return ng.Network.from_weights(
        {(0, 3): 0.2, (1, 3): 1.1, (2, 4): -0.7, (1, 4): 0.4, (3, 5): 0.9, (4, 5): -1.2,
         (0, 6): 0.1, (5, 6): 0.8, (3, 6): 0.3, (4, 7): 1.5, (2, 7): -0.2},
        activations={3: "sin", 4: "gaussian", 5: "abs", 6: "cos", 7: "square"},
        inputs=[1, 2], outputs=[6, 7])


def test_explain_writes_them_as_functions():
    net = a_network()
    text = str(net.explain([0.5, -0.25], [1.0, 0.0]))
    # in_3 = 0.2 + 1.1·0.5 = 0.75, a_3 = sin(0.75) = 0.6816
    assert "a_3 = g(in_3) = sin(0.75) = 0.6816" in text
    # in_4 = −0.7·(−0.25) + 0.4·0.5 = 0.375, a_4 = e^{−0.140625} = 0.8688
    assert "a_4 = g(in_4) = gaussian(0.375) = 0.8688" in text
    # g′(in_4) = −2·0.375·0.8688 = −0.6516
    assert "g′(in_4) = g′(0.375) = −0.6516" in text
    latex = net.explain([0.5, -0.25], [1.0, 0.0]).to_latex()
    assert r"\sin(0.75)" in latex and r"\mathrm{square}(" in latex


def test_files_keep_them(tmp_path):
    net = a_network()
    net.save(tmp_path / "net.json")
    back = ng.load(tmp_path / "net.json")
    assert {j: back.neuron(j).activation.name for j in back.hidden + back.outputs} == \
        {3: "sin", 4: "gaussian", 5: "abs", 6: "cos", 7: "square"}
    assert back.to_document() == net.to_document()
    X = np.array([[0.5, -0.25], [1.5, 2.0]])
    np.testing.assert_array_equal(back.predict(X), net.predict(X))


def test_the_command_line_offers_them(tmp_path):
    from neurograph.cli import ACTIVATION_NAMES  # --activation's choices
    assert set(NEW) <= set(ACTIVATION_NAMES)
    made = command(tmp_path, "new", "layered", "2", "2", "1", "-o", "net.json",
                   "--activation", "sin", "--output-activation", "gaussian")
    assert made.returncode == 0, made.stderr
    net = ng.load(tmp_path / "net.json")
    assert [net.neuron(j).activation.name for j in (3, 4, 5)] == ["sin", "sin", "gaussian"]
    shown = command(tmp_path, "explain", "net.json", "--x", "0.5", "-0.5", "--y", "1")
    assert shown.returncode == 0, shown.stderr
    assert "a_3 = g(in_3) = sin(" in shown.stdout and "a_5 = g(in_5) = gaussian(" in shown.stdout


def test_the_search_may_choose_them():
    X, Y = ng.datasets.xor()
    result = ng.evolve(X, Y, population=8, generations=4, seed=1, activations=NEW)
    used = {result.best.neuron(j).activation.name for j in h} if (h := result.best.hidden) \
        else set()
    assert used <= set(NEW)
    grown = {n.activation.name for net in result.population for n in net.neurons
             if n.kind == "hidden"}
    assert grown and grown <= set(NEW)
