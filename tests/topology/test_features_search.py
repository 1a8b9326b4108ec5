"""Inputs as features (Playground's x₁², x₂², x₁x₂, sin x₁, sin x₂ as neurons of the network),
and the searches that use them."""

import math

import numpy as np
import pytest

import neurograph as ng
from neurograph.topology.evolution import mutate
from neurograph.topology.features import PLAYGROUND
from support import snapshot


def two_input_net():
    return ng.Network.from_weights({(0, 3): 0.5, (1, 3): -1.0, (2, 3): 2.0},
                                   activation="identity")


def test_playgrounds_features_compute_what_they_say_and_predict_takes_raw_x(tmp_path):
    net = two_input_net()
    ids = ng.add_features(net, PLAYGROUND)
    assert ids == [4, 5, 6, 7, 8] and ng.feature_neurons(net) == ids
    for j, w in zip(ids, (1.0, -2.0, 0.5, 3.0, 0.25)):
        net.connect(j, 3, w)
    x1, x2 = 1.5, -0.7
    # a_3 = 0.5 − x1 + 2 x2 + x1² − 2 x2² + 0.5 x1x2 + 3 sin x1 + 0.25 sin x2
    expected = (0.5 - x1 + 2 * x2 + x1 ** 2 - 2 * x2 ** 2 + 0.5 * x1 * x2 + 3 * math.sin(x1)
                + 0.25 * math.sin(x2))
    assert net.predict([[x1, x2]])[0, 0] == pytest.approx(expected, rel=1e-14)
    assert all((i, j) in net.frozen for j in ids for i in net.predecessors(j))
    net.save(tmp_path / "net.json")
    back = ng.load(tmp_path / "net.json")
    assert ng.feature_neurons(back) == ids and back.to_document() == net.to_document()
    assert back.predict([[x1, x2]])[0, 0] == net.predict([[x1, x2]])[0, 0]


def test_training_leaves_the_features_as_they_are():
    net = two_input_net()
    ids = ng.add_features(net, ("x2^2", "gaussian(x1)"))
    for j in ids:
        net.connect(j, 3, 0.1)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (20, 2))
    net.fit(X, X[:, :1] ** 2, lr=0.05, epochs=5, batch_size=4)
    assert all(net.w[i, j] == 1.0 for j in ids for i in net.predecessors(j))
    assert net.neuron(ids[1]).activation.name == "gaussian"


@pytest.mark.parametrize("features, words", [
    (("x3^2",), "x1 to x2"), (("x1*x1",), "x1\\^2"), (("softmax(x1)",), "softmax"),
    (("cube(x1)",), "cube"), (("x1 + x2",), "xk\\^2"), ("x1^2", "sequence"), ((7,), "7"),
    (("x1^2", "x0*x1"), "x0"),
])
def test_bad_features_are_refused_and_the_network_kept(features, words):
    net = two_input_net()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=words):
        ng.add_features(net, features)
    assert snapshot(net) == before
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=words):
        ng.evolve(X, Y, population=4, generations=1, features=features)


def test_mutations_never_touch_a_feature():
    from neurograph.topology.evolution import _minimal
    rng = np.random.default_rng(1)
    net = _minimal(2, 1, "logistic", rng, PLAYGROUND)
    made = {j: (net.neuron(j).activation.name, sorted(net.predecessors(j)))
            for j in ng.feature_neurons(net)}
    for _ in range(300):
        mutate(net, rng, ("tanh", "sin", "gaussian"), max_edges=40)
        for j in ng.feature_neurons(net):
            assert (net.neuron(j).activation.name, sorted(net.predecessors(j))) == made[j]
            assert all(net.w[i, j] == 1.0 for i in net.predecessors(j))
    assert set(ng.feature_neurons(net)) <= set(made)


def test_evolution_with_features_keeps_them_in_every_network():
    X, Y = ng.datasets.xor()
    result = ng.evolve(X, Y, population=8, generations=3, seed=2, features=("x1*x2",))
    for net in result.population:
        assert [net.neuron(j).aggregation for j in ng.feature_neurons(net)] in ([], ["product"])
        np.testing.assert_array_equal(net.predict(X), ng.Network.from_document(
            net.to_document()).predict(X))


def test_the_spirals_between_the_benchmarks_points():
    X, Y = ng.datasets.spirals()
    H, G = ng.datasets.spirals(phase=0.5)
    np.testing.assert_array_equal(G, Y)
    i = 0.5  # the first held-out point lies half a step along the first spiral
    angle, radius = i * math.pi / 16, 6.5 * (104 - i) / 104
    assert H[0].tolist() == pytest.approx([radius * math.sin(angle), radius * math.cos(angle)])
    assert not np.isin(H, X).all(axis=1).any()
    for phase in (1.0, -0.1, "0.5", True):
        with pytest.raises(ng.NetworkError, match="phase"):
            ng.datasets.spirals(phase=phase)
