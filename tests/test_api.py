"""The public interface of shared/spec/api.md, statement by statement, as outside checks use it."""

import math

import networkx as nx
import numpy as np
import pytest

import neurograph as ng


def test_building_as_api_md_writes_it():
    net = ng.Network.from_weights(
        {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
         (0, 5): -1, (3, 5): 4, (4, 5): 2},
        activation="logistic",
        activations=None,
        inputs=None,
        outputs=None,
    )
    assert isinstance(net.graph, nx.DiGraph) and net.graph.edges[3, 5]["weight"] == 4
    assert net.neuron(0).a == 1 and not list(net.graph.predecessors(0))
    assert net.inputs == [1, 2] and net.outputs == [5]
    assert net.w[1, 4] == -4
    layered = ng.Network.layered([2, 2, 1], activation="logistic", seed=0)
    assert layered.inputs == [1, 2] and layered.outputs == [5]
    assert all((0, j) in layered.w for j in (3, 4, 5))
    net.add_neuron(6, activation="tanh", bias=True)
    net.connect(1, 6, 0.5)
    for bad in [(6, 6), (6, 0), (6, 1), (5, 3)]:
        with pytest.raises(ng.NetworkError):
            net.connect(*bad, 1.0)
    for name in ("threshold", "logistic", "sigmoid", "tanh", "relu", "leaky_relu", "softplus",
                 "identity", "linear"):
        assert ng.get_activation(name).name in ng.ACTIVATIONS
    assert ng.get_activation("relu").dg(0.0) == 0.0
    assert ng.get_activation("leaky_relu").g(-1.0) == -0.01
    cube = ng.Activation("cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    assert (cube.name, cube.g(2.0), cube.dg(2.0)) == ("cube", 8.0, 12.0)


def test_computing_as_api_md_writes_it():
    net = ng.Network.from_weights(
        {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
         (0, 5): -1, (3, 5): 4, (4, 5): 2})
    out = net.forward([3, 4])
    assert isinstance(out, np.ndarray) and out.ndim == 1
    assert round(net.neuron(5).a, 4) == 0.8232
    loss = net.backward([1], loss="squared")
    assert loss == pytest.approx((1 - net.neuron(5).a) ** 2)
    assert net.grad[3, 5] == net.neuron(5).delta * net.neuron(3).a
    x, y = [3, 4], [1]
    before = net.sgd_step(x, y, lr=0.5, loss="squared", weight_decay=0.0)
    assert before == pytest.approx(loss)
    X, Y = ng.datasets.xor()
    history = net.fit(X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared",
                      weight_decay=0.0, shuffle=True, seed=0)
    assert len(history.loss) == 100
    assert net.fit(X, Y, epochs=3, batch_size=None).epochs == 3
    assert net.predict(X).shape == (4, 1)
    for engine in ("auto", "reference", "vectorized"):
        net.fit(X, Y, epochs=2, engine=engine)
        np.testing.assert_allclose(net.predict(X, engine=engine),
                                   net.predict(X, engine="reference"), rtol=1e-12)


def test_losses_as_api_md_writes_them():
    g = ng.get_activation("logistic")
    a, y, z = 0.7, 1.0, 0.3
    assert ng.get_loss("squared").value(y, a, z, g) == pytest.approx((y - a) ** 2)
    assert ng.get_loss("half_squared").value(y, a, z, g) == pytest.approx(0.5 * (y - a) ** 2)
    a = g.g(z)
    assert ng.get_loss("log").value(y, a, z, g) == pytest.approx(-math.log(a))
    assert ng.get_loss("squared").delta(y, a, z, g) == pytest.approx(-2 * (y - a) * g.dg(z))
    assert ng.get_loss("half_squared").delta(y, a, z, g) == pytest.approx(-(y - a) * g.dg(z))
    assert ng.get_loss("log").delta(y, a, z, g) == pytest.approx(
        (a - y) / (a * (1 - a)) * g.dg(z))


def test_explaining_checking_drawing_files_as_api_md_writes_them(tmp_path):
    net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
    text = str(net.explain([0.4, 0.5], y=[1], lr=0.5, digits=4))
    assert "w_0,3 ← " in text
    carried = net.explain([0.4, 0.5], [1], lr=0.5, digits=4, carry_rounded=True)
    assert carried.values["w_0,3"] == 0.2122
    assert isinstance(carried, ng.Explanation) and carried.to_markdown() and carried.to_latex()
    assert ng.gradcheck(net, [0.4, 0.5], [1], loss="squared", eps=1e-4).max_relative_error < 1e-6
    import matplotlib
    matplotlib.use("Agg")
    assert hasattr(ng.plot_network(net, ax=None), "patches")
    net.save(tmp_path / "net.json")
    net2 = ng.load(tmp_path / "net.json")
    assert dict(net2.w) == dict(net.w)
    G = net.to_networkx()
    net3 = ng.Network.from_networkx(G)
    assert dict(net3.w) == dict(net.w)


def test_errors_as_api_md_writes_them():
    assert issubclass(ng.NetworkError, ValueError) and issubclass(ng.CycleError, ng.NetworkError)
    net = ng.Network.from_weights({(1, 2): 1.0, (2, 3): 1.0})
    with pytest.raises(ng.CycleError, match="3 → 2"):
        net.connect(3, 2, 1.0)
    for call, says in [(lambda: net.forward([1, 2]), "expected|must have 1 value"),
                       (lambda: net.forward([math.nan]), "finite"),
                       (lambda: ng.get_activation("nope"), "unknown activation"),
                       (lambda: ng.get_loss("nope"), "unknown loss")]:
        with pytest.raises(ng.NetworkError, match=says):
            call()
