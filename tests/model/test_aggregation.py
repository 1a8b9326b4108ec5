"""Max and product neurons (seed 003's maxout; in_j = max_i or Π_i of w_ij a_i), by hand."""

import math

import numpy as np
import pytest

import neurograph as ng
from support import snapshot


def maxout_net():
    """Seed 003's maxout max(w₁ᵀx + b₁, w₂ᵀx + b₂): two linear pieces 3, 4 under a max neuron 5
    with no bias edge and unit weights."""
    weights = {(0, 3): 0.5, (1, 3): 1.0, (2, 3): -1.0, (0, 4): -0.5, (1, 4): -2.0, (2, 4): 0.5,
               (3, 5): 1.0, (4, 5): 1.0}
    return ng.Network.from_weights(weights, activation="identity", aggregations={5: "max"})


def test_maxout_is_the_larger_linear_piece():
    net = maxout_net()
    for x in ([1.0, 2.0], [-1.0, 0.5], [3.0, -3.0]):
        pieces = [0.5 + x[0] - x[1], -0.5 - 2 * x[0] + 0.5 * x[1]]
        assert net.forward(x).tolist() == [max(pieces)]
        assert net.predict([x], engine="vectorized").tolist() == [[max(pieces)]]


def test_max_backprop_reaches_only_the_arg_max_edge():
    net = maxout_net()
    net.forward([1.0, 2.0])          # pieces: −0.5 and −1.5: neuron 3 wins
    net.backward([1.0], loss="half_squared")
    delta_5 = -(1.0 - (-0.5))        # identity output, half squared: −(y − a)
    assert net.neuron(5).delta == delta_5
    assert net.grad[3, 5] == delta_5 * -0.5 and net.grad[4, 5] == 0.0
    assert net.neuron(3).delta == delta_5 and net.neuron(4).delta == 0.0
    assert net.grad[1, 3] == delta_5 * 1.0 and net.grad[1, 4] == 0.0


def test_equal_maxima_go_to_the_lowest_i():
    net = ng.Network.from_weights({(1, 3): 1.0, (2, 3): 1.0}, activation="identity",
                                  aggregations={3: "max"})
    net.forward([2.0, 2.0])
    net.backward([0.0], loss="half_squared")
    assert net.grad[1, 3] == 2.0 * 2.0 and net.grad[2, 3] == 0.0
    X = np.array([[2.0, 2.0]])
    _, grad = net.cost_and_grad(net.theta(), X, [[0.0]], loss="half_squared",
                                engine="vectorized")
    assert grad.tolist() == [4.0, 0.0]


def test_product_neuron_by_hand():
    weights = {(0, 3): 2.0, (1, 3): 0.5, (2, 3): -1.5}
    net = ng.Network.from_weights(weights, activation="logistic", aggregations={3: "product"})
    x, y = [3.0, 0.25], [1.0]
    terms = {0: 2.0 * 1.0, 1: 0.5 * 3.0, 2: -1.5 * 0.25}
    in_3 = terms[0] * terms[1] * terms[2]
    a_3 = 1 / (1 + math.exp(-in_3))
    assert net.forward(x)[0] == pytest.approx(a_3, rel=1e-15)
    assert net.neuron(3).in_ == in_3
    net.backward(y, loss="squared")
    delta_3 = -2 * (y[0] - a_3) * a_3 * (1 - a_3)
    a = {0: 1.0, 1: 3.0, 2: 0.25}
    for i in (0, 1, 2):  # ∂J/∂w_i3 = Δ_3 a_i Π_{m≠i} w_m3 a_m
        others = math.prod(t for m, t in terms.items() if m != i)
        assert net.grad[i, 3] == pytest.approx(delta_3 * a[i] * others, rel=1e-12)


def test_a_product_with_a_zero_term_still_has_gradients():
    net = ng.Network.from_weights({(1, 3): 1.0, (2, 3): 2.0}, activation="identity",
                                  aggregations={3: "product"})
    net.forward([0.0, 3.0])
    net.backward([1.0], loss="half_squared")  # Δ_3 = −(1 − 0) = −1
    assert net.grad[1, 3] == -1.0 * 0.0 * 6.0 and net.grad[2, 3] == 0.0
    net.forward([0.0, 3.0])
    net.backward([1.0], loss="half_squared")
    assert net.neuron(1).delta != net.neuron(1).delta  # inputs have no Δ (NaN)
    assert ng.gradcheck(net, [0.0, 3.0], [1.0]).allclose()


def test_aggregation_is_a_neurons_property_everywhere(tmp_path):
    net = maxout_net()
    net.add_neuron(6, kind="output", aggregation="product", bias=0.5)
    net.connect(3, 6, 2.0)
    assert net.neuron(5).aggregation == "max" and net.neuron(6).aggregation == "product"
    for name in ("net.json", "net.txt"):
        net.save(tmp_path / name)
        back = ng.load(tmp_path / name)
        assert snapshot(back) == snapshot(net)
        assert back.neuron(6).aggregation == "product"
    assert ng.Network.from_networkx(net.to_networkx()).neuron(5).aggregation == "max"
    assert "max" in repr(net.neuron(5))
    net.set_aggregation(5, "sum")
    assert net.forward([1.0, 2.0])[0] == (0.5 + 1 - 2) + (-0.5 - 2 + 1)


@pytest.mark.parametrize("act, says", [
    (lambda net: net.set_aggregation(5, "min"), r"unknown aggregation 'min' for neuron 5; "
                                                r"expected one of: 'sum', 'max', 'product'"),
    (lambda net: net.set_aggregation(1, "max"), r"neuron 1 is an input neuron"),
    (lambda net: net.add_neuron(9, kind="input", aggregation="max"), r"input neuron 9"),
    (lambda net: net.add_neuron(9, aggregation=3), r"unknown aggregation 3"),
    (lambda net: ng.Network.from_weights({(1, 2): 1.0}, aggregations={1: "max"}),
     r"aggregations names neuron 1, which is not a processing neuron"),
    (lambda net: ng.Network.from_weights({(1, 2): 1.0}, aggregations=["max"]),
     r"aggregations must be a mapping"),
])
def test_bad_aggregations_are_refused_and_change_nothing(act, says):
    net = maxout_net()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=says):
        act(net)
    assert snapshot(net) == before


def test_a_file_with_an_unknown_aggregation_is_refused(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text("aggregation 2 median\n1 2 1.0\n", encoding="utf-8")
    with pytest.raises(ng.NetworkError,
                       match=r"net.txt: unknown aggregation 'median' for neuron 2"):
        ng.load(path)
