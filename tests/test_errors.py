"""Every refusal: a NetworkError saying what was expected and what was received,
and the network exactly as it was before the call (weights, structure and values)."""

import math
import re

import numpy as np
import pytest

import neurograph as ng
from support import lecture_network, snapshot


@pytest.fixture
def net():
    """The lecture network after a forward and backward pass, so every value is set."""
    net = lecture_network()
    net.forward([3, 4])
    net.backward([1])
    return net


def refused(net, call, error=ng.NetworkError, match=None):
    before = snapshot(net)
    with pytest.raises(error, match=match) as info:
        call()
    assert snapshot(net) == before, "a refused call changed the network"
    assert isinstance(info.value, ng.NetworkError) and isinstance(info.value, ValueError)
    return str(info.value)


# ---------------------------------------------------------------- structure


def test_cycle_is_refused_and_named(net):
    message = refused(net, lambda: net.connect(5, 3, 1.0), ng.CycleError)
    assert "3 → 5 → 3" in message


def test_longer_cycle_is_named_along_its_path():
    net = ng.Network.from_weights({(1, 2): 1, (2, 3): 1, (3, 4): 1})
    with pytest.raises(ng.CycleError) as info:
        net.connect(4, 2, 1.0)
    assert info.value.cycle == [2, 3, 4, 2]
    assert "edge (4, 2) closes the cycle 2 → 3 → 4 → 2" in str(info.value)


def test_cycle_in_from_weights_is_named():
    with pytest.raises(ng.CycleError, match=r"cycle (3 → 4 → 5 → 3|4 → 5 → 3 → 4|5 → 3 → 4 → 5)"):
        ng.Network.from_weights({(1, 3): 1, (3, 4): 1, (4, 5): 1, (5, 3): 1, (4, 6): 1})


def test_self_loop_is_refused(net):
    assert "self-loop" in refused(net, lambda: net.connect(3, 3, 1.0))
    with pytest.raises(ng.NetworkError, match=r"edge \(3, 3\) is a self-loop"):
        ng.Network.from_weights({(1, 3): 1, (3, 3): 1})


def test_edges_into_the_bias_neuron_are_refused(net):
    assert "bias neuron 0" in refused(net, lambda: net.connect(3, 0, 1.0))
    with pytest.raises(ng.NetworkError, match=r"edge \(3, 0\) enters the bias neuron 0"):
        ng.Network.from_weights({(1, 3): 1, (3, 0): 1})


def test_edges_into_an_input_neuron_are_refused(net):
    assert "input neuron 1" in refused(net, lambda: net.connect(3, 1, 1.0))
    with pytest.raises(ng.NetworkError, match=r"edge \(1, 2\) enters input neuron 2, which passes x_2 on"):
        ng.Network.from_weights({(1, 2): 1, (2, 3): 1}, inputs=[1, 2])


def test_repeated_or_missing_edges_are_refused(net):
    assert "exists already" in refused(net, lambda: net.connect(3, 5, 1.0))
    assert "no edge (1, 5)" in refused(net, lambda: net.disconnect(1, 5), ng.UnknownEdgeError)
    with pytest.raises(ng.NetworkError, match=r"edge \(1, 3\) is given twice"):
        ng.Network.from_weights([(1, 3, 1.0), (0, 3, 1.0), (1, 3, 2.0)])


def test_unknown_neurons_are_refused(net):
    assert "no neuron has id 9" in refused(net, lambda: net.connect(3, 9, 1.0),
                                           ng.UnknownNeuronError)
    assert "[0, 1, 2, 3, 4, 5]" in refused(net, lambda: net.neuron(9), KeyError)
    refused(net, lambda: net.remove_neuron(9), ng.UnknownNeuronError)


def test_the_bias_neuron_cannot_be_removed_or_given_an_activation(net):
    assert "bias neuron" in refused(net, lambda: net.remove_neuron(0))
    with pytest.raises(ng.NetworkError, match="no activation"):
        net.neuron(0).activation = "relu"
    with pytest.raises(ng.NetworkError, match="input neuron and has no activation"):
        net.neuron(1).activation = "relu"


def test_add_neuron_refusals(net):
    assert "already exists" in refused(net, lambda: net.add_neuron(3))
    assert "kind must be" in refused(net, lambda: net.add_neuron(6, kind="middle"))
    assert "unknown activation 'sigmod'" in refused(net, lambda: net.add_neuron(6, "sigmod"))
    assert "no activation" in refused(net, lambda: net.add_neuron(6, "relu", kind="input"))
    assert "an integer from 0 to 2147483647; received -1" in refused(net, lambda: net.add_neuron(-1))
    assert "received 2.5" in refused(net, lambda: net.add_neuron(2.5))
    assert "bias weight must be finite" in refused(net, lambda: net.add_neuron(6, bias=math.nan))


# ------------------------------------------------------------------ weights


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "1.0", None, True])
def test_bad_weights_are_refused(net, value):
    message = refused(net, lambda: net.w.__setitem__((3, 5), value))
    assert "w_3,5 must be" in message and "received" in message
    refused(net, lambda: net.connect(1, 5, value))
    with pytest.raises(ng.NetworkError, match="w_1,3 must be"):
        ng.Network.from_weights({(1, 3): value})


def test_weight_of_a_missing_edge(net):
    assert "net.connect(1, 5, w)" in refused(net, lambda: net.w[1, 5], KeyError)
    refused(net, lambda: net.w.__setitem__((1, 5), 1.0), ng.UnknownEdgeError)
    assert "pair (i, j)" in refused(net, lambda: net.w[3])


# ------------------------------------------------------------ input and targets


@pytest.mark.parametrize("x, says", [
    ([3], r"x must have 2 values, one per input neuron; received shape \(1,\)"),
    ([3, 4, 5], r"x must have 2 values.*received shape \(3,\)"),
    ([[3, 4]], r"x must have 2 values.*received shape \(1, 2\)"),
    ([3, math.nan], r"x must be finite; received \[3, nan\]"),
    (np.array([3, np.inf]), r"x must be finite"),
    (["3", "4"], r"x must be 2 real numbers; received \['3', '4'\]"),
    ([3, None], r"x must be 2 real numbers; received \[3, None\]"),
    ([[1], [2, 3]], r"x must be 2 real numbers"),
    ("34", r"x must be 2 real numbers; received '34'"),
])
def test_bad_input_is_refused_by_forward_and_sgd_step(net, x, says):
    refused(net, lambda: net.forward(x), match=says)
    refused(net, lambda: net.sgd_step(x, [1], lr=0.5), match=says)
    if repr(x) == "[[3, 4]]":  # for gradcheck, rows of numbers are a batch of examples
        assert set(ng.gradcheck(net, x, [1]).numeric) == set(net.theta_edges())
        return
    with pytest.raises(ng.NetworkError, match=says):
        ng.gradcheck(net, x, [1])


@pytest.mark.parametrize("y, says", [
    ([1, 0], r"y must have 1 value, one per output neuron; received shape \(2,\)"),
    ([], r"y must have 1 value.*received shape \(0,\)"),
    ([math.inf], r"y must be finite"),
    (["yes"], r"y must be 1 real number; received \['yes'\]"),
])
def test_bad_targets_are_refused_by_backward_and_sgd_step(net, y, says):
    refused(net, lambda: net.backward(y), match=says)
    refused(net, lambda: net.sgd_step([3, 4], y, lr=0.5), match=says)


def test_unknown_loss_and_bad_rates_are_refused(net):
    assert "unknown loss 'mse'" in refused(net, lambda: net.backward([1], loss="mse"))
    assert "unknown loss 'mse'" in refused(net, lambda: net.sgd_step([3, 4], [1], 0.5, loss="mse"))
    assert "learning rate lr must be finite" in refused(
        net, lambda: net.sgd_step([3, 4], [1], lr=math.nan))
    assert "weight_decay (λ) must be a real number" in refused(
        net, lambda: net.sgd_step([3, 4], [1], lr=0.5, weight_decay="big"))


def test_log_loss_refusal_in_sgd_step_restores_the_forward_values():
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0}, activation="identity")
    net.forward([-0.3])
    net.backward([0.5], loss="squared")
    message = refused(net, lambda: net.sgd_step([1.0], [1.0], lr=0.1, loss="log"))
    assert "0 < a_k < 1" in message


def test_backward_before_forward_is_refused():
    net = lecture_network()
    assert "call forward(x) first" in refused(net, lambda: net.backward([1]))


# ----------------------------------------------------------------- builders


@pytest.mark.parametrize("kwargs, says", [
    (dict(activation="sigmod"), "unknown activation 'sigmod'"),
    (dict(activations={9: "relu"}), "activations names neuron 9, which is not a processing"),
    (dict(activations={1: "relu"}), "activations names neuron 1"),
    (dict(inputs=[0, 1, 2]), "bias neuron and cannot be an input"),
    (dict(inputs=[1, 1, 2]), r"inputs: inputs lists neuron 1 twice"),
    (dict(inputs="12"), "inputs must be a sequence of neuron ids"),
    (dict(outputs=[1]), "neuron 1 is listed as an input and as an output"),
    (dict(outputs=[3, "5"]), r"each of outputs must be an integer from 0 to 2147483647; received '5'"),
])
def test_from_weights_refusals(kwargs, says):
    edges = {(0, 3): 5, (1, 3): 1, (2, 3): -2, (3, 5): 4, (0, 5): -1}
    with pytest.raises(ng.NetworkError, match=says):
        ng.Network.from_weights(edges, **kwargs)


@pytest.mark.parametrize("weights, says", [
    (42, re.escape("mapping {(i, j): w} or an iterable of (i, j, w); received 42")),
    ([(1, 3)], r"each weight must be a triple \(i, j, w\); received \(1, 3\)"),
    ({(1,): 1.0}, r"a pair \(i, j\) of neuron ids; received \(1,\)"),
    ({(1, -3): 1.0}, r"j in a weight's key \(i, j\) must be an integer from 0 to 2147483647; received -3"),
])
def test_from_weights_refuses_malformed_weights(weights, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.Network.from_weights(weights)


@pytest.mark.parametrize("sizes, says", [
    ([2], "at least two layers"), ([2, 0, 1], "at least one neuron each"),
    (5, "sequence of layer sizes"), ([2, 1.5], "each layer size must be an integer from 0 to 2147483647"),
])
def test_layered_refusals(sizes, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.Network.layered(sizes)


def test_layered_refuses_a_bad_seed():
    with pytest.raises(ng.NetworkError, match="seed must be an int.*received '0'"):
        ng.Network.layered([2, 1], seed="0")


def test_network_without_outputs_says_so():
    net = ng.Network()
    net.add_neuron(1, kind="input")
    with pytest.raises(ng.NetworkError, match="no output neuron"):
        net.forward([1.0])


def test_gradcheck_refuses_a_bad_step(net):
    assert "eps (ε) must be positive" in refused(net, lambda: ng.gradcheck(net, [3, 4], [1], eps=0.0))
