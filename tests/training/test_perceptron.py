"""Rosenblatt's perceptron rule (issue 12, item 2): the update written out, the logic gates,
XOR's failure, and the refusals."""

import numpy as np
import pytest

import neurograph as ng
from support import lecture_network, snapshot


def gate():
    return ng.Network.from_weights({(0, 3): 0.0, (1, 3): 0.0, (2, 3): 0.0},
                                   activation="threshold")


def test_one_step_is_the_rule_written_out():
    net = ng.Network.from_weights({(0, 3): 0.5, (1, 3): -1.0, (2, 3): 0.25,
                                   (0, 4): -0.5, (1, 4): 2.0}, activation="threshold")
    x, y, lr = [0.5, 2.0], [0, 0], 0.3
    a3 = 1.0 if 0.5 - 1.0 * 0.5 + 0.25 * 2.0 >= 0 else 0.0  # in_3 = 0.5: a_3 = 1
    a4 = 1.0 if -0.5 + 2.0 * 0.5 >= 0 else 0.0               # in_4 = 0.5: a_4 = 1
    expected = {(0, 3): 0.5 + lr * (0 - a3) * 1, (1, 3): -1.0 + lr * (0 - a3) * 0.5,
                (2, 3): 0.25 + lr * (0 - a3) * 2.0, (0, 4): -0.5 + lr * (0 - a4) * 1,
                (1, 4): 2.0 + lr * (0 - a4) * 0.5}
    assert net.perceptron_step(x, y, lr=lr) == 2
    assert dict(net.w) == pytest.approx(expected, rel=1e-15)
    assert net.perceptron_step(x, [a for a in net.forward(x)], lr=lr) == 0  # right: no change


@pytest.mark.parametrize("name", ["and_", "or_", "nand"])
def test_the_gates_are_learned_until_an_epoch_makes_no_mistake(name):
    X, Y = getattr(ng.datasets, name)()
    net = gate()
    history = net.fit(X, Y, lr=1.0, epochs=100, rule="perceptron", seed=0)
    assert history.stopped == "errors" and history.mistakes[-1] == 0
    assert history.loss[-1] == 0.0 and history.accuracy[-1] == 1.0
    assert net.classify(X).tolist() == Y.ravel().astype(int).tolist()


def test_xor_is_never_separated_and_training_stops_at_the_limit():
    X, Y = ng.datasets.xor()
    net = gate()
    history = net.fit(X, Y, lr=1.0, epochs=40, rule="perceptron", seed=0)
    assert history.stopped == "epochs" and history.epochs == 40
    assert min(history.mistakes) > 0 and min(history.loss) >= 0.25


def test_frozen_edges_keep_their_weights_under_the_rule():
    net = gate()
    net.freeze(0, 3)
    X, Y = ng.datasets.and_()
    net.fit(X, Y, lr=1.0, epochs=20, rule="perceptron")
    assert net.w[0, 3] == 0.0


@pytest.mark.parametrize("net, says", [
    (lecture_network(), "neuron 3 is a hidden neuron"),
    (ng.Network.from_weights({(1, 2): 1.0}), "output neuron 2 has activation 'logistic'"),
])
def test_the_rule_is_refused_where_it_does_not_apply(net, says):
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=says):
        net.perceptron_step([1.0] * len(net.inputs), [1.0] * len(net.outputs))
    with pytest.raises(ng.NetworkError, match=says):
        net.fit(np.ones((2, len(net.inputs))), np.ones((2, len(net.outputs))), rule="perceptron")
    with pytest.raises(ng.NetworkError, match="unknown rule 'hebb'"):
        net.fit(np.ones((2, len(net.inputs))), np.ones((2, len(net.outputs))), rule="hebb")
    assert snapshot(net) == before
