"""The network model: builders, numbering, views onto the weights, growing a topology by hand."""

import math

import networkx as nx
import numpy as np
import pytest

import neurograph as ng
from support import lecture_network


def test_from_weights_infers_inputs_outputs_and_kinds():
    net = lecture_network()
    assert net.inputs == [1, 2] and net.hidden == [3, 4] and net.outputs == [5]
    assert [n.kind for n in net.neurons] == ["bias", "input", "input", "hidden", "hidden", "output"]
    assert net.neuron(0).a == 1.0 and net.neuron(0).activation is None
    assert all(net.neuron(j).activation.name == "logistic" for j in (3, 4, 5))
    assert dict(net.w) == {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
                           (0, 5): -1, (3, 5): 4, (4, 5): 2}
    assert all(type(w) is float for w in net.w.values())


def test_from_weights_takes_triples_overrides_and_explicit_orders():
    triples = [(0, 4, 0.1), (2, 4, 1.0), (1, 4, -1.0), (4, 5, 2.0), (4, 6, 3.0)]
    net = ng.Network.from_weights(triples, activation="tanh", activations={5: "identity"},
                                  inputs=[2, 1], outputs=[6, 5])
    assert net.inputs == [2, 1] and net.outputs == [6, 5]
    assert net.neuron(5).activation.name == "identity" and net.neuron(6).activation.name == "tanh"
    out = net.forward([1.0, 0.0])  # x_1 goes to neuron 2 (w = 1), x_2 to neuron 1
    a4 = math.tanh(0.1 + 1.0)
    np.testing.assert_allclose(out, [math.tanh(3 * a4), 2 * a4], rtol=1e-15)


def test_graph_is_a_networkx_digraph_whose_edges_carry_the_weights():
    net = lecture_network()
    G = net.graph
    assert isinstance(G, nx.DiGraph) and sorted(G.nodes) == [0, 1, 2, 3, 4, 5]
    assert G.edges[1, 4]["weight"] == -4.0
    net.w[1, 4] = 0.5
    assert G.edges[1, 4]["weight"] == 0.5  # a live view of the network's weights
    with pytest.raises(ng.NetworkError, match="net.graph is read-only"):
        G.edges[1, 4]["weight"] = float("nan")  # weights change through net.w, checked
    with pytest.raises(ng.NetworkError, match="net.graph is read-only"):
        G.add_edge(5, 3)  # structure changes go through connect(), which checks them
    assert net.w[1, 4] == 0.5 and not net.has_edge(5, 3)
    H = G.copy()  # an ordinary, editable DiGraph
    H.edges[1, 4]["weight"] = 7.0
    assert net.w[1, 4] == 0.5 and H.graph == {"inputs": [1, 2], "outputs": [5]}


def test_weight_view_reads_writes_and_is_a_mapping():
    net = lecture_network()
    net.w[3, 5] = -0.25
    assert net.w[3, 5] == -0.25 and net.graph.edges[3, 5]["weight"] == -0.25
    net.w[3, 5] = np.float32(2)  # numpy numbers are fine; stored as Python floats
    assert type(net.w[3, 5]) is float
    assert len(net.w) == 9 and (1, 3) in net.w and (3, 1) not in net.w
    assert list(net.w) == sorted(net.w)
    assert net.w.get((9, 9), "none") == "none"


def test_grad_is_nan_until_backward_then_delta_j_times_a_i():
    net = lecture_network()
    assert all(math.isnan(g) for g in net.grad.values())
    net.forward([3, 4])
    net.backward([1])
    for (i, j), g in net.grad.items():
        assert g == net.neuron(j).delta * net.neuron(i).a
    with pytest.raises(ng.NetworkError, match="read-only"):
        net.grad[0, 3] = 1.0


def test_layered_numbers_neurons_as_the_lectures_do():
    net = ng.Network.layered([3, 4, 2, 2], activation="tanh", output_activation="identity", seed=1)
    assert net.inputs == [1, 2, 3]
    assert net.hidden == [4, 5, 6, 7, 8, 9]
    assert net.outputs == [10, 11]
    assert net.neuron(4).activation.name == "tanh" and net.neuron(10).activation.name == "identity"
    assert sorted(net.graph.predecessors(8)) == [0, 4, 5, 6, 7]
    assert len(net.w) == 4 * 4 + 2 * 5 + 2 * 3
    assert net.topological_order() == list(range(12))


def test_layered_weights_are_seeded_small_and_drawn_in_a_documented_order():
    a = ng.Network.layered([2, 2, 1], seed=42, epsilon=0.3)
    b = ng.Network.layered([2, 2, 1], seed=42, epsilon=0.3)
    c = ng.Network.layered([2, 2, 1], seed=43, epsilon=0.3)
    assert dict(a.w) == dict(b.w) != dict(c.w)
    assert all(-0.3 <= w <= 0.3 for w in a.w.values())
    draws = np.random.default_rng(42).uniform(-0.3, 0.3, size=9)
    order = [(0, 3), (1, 3), (2, 3), (0, 4), (1, 4), (2, 4), (0, 5), (3, 5), (4, 5)]
    assert [a.w[e] for e in order] == list(draws)
    generator = np.random.default_rng(7)
    assert dict(ng.Network.layered([2, 1], seed=generator).w) != dict(
        ng.Network.layered([2, 1], seed=generator).w)


def test_growing_a_skip_connection_network_by_hand():
    net = ng.Network()
    assert net.inputs == [] and [n.kind for n in net.neurons] == ["bias"]
    net.add_neuron(1, kind="input")
    net.add_neuron(2, kind="input")
    net.add_neuron(3, activation="relu")
    net.add_neuron(4, activation="identity", kind="output", bias=0.5)
    net.connect(1, 3, 1.0)
    net.connect(2, 3, -1.0)
    net.connect(3, 4, 2.0)
    net.connect(1, 4, 0.25)  # the skip edge
    assert net.w[0, 3] == 0.0 and net.w[0, 4] == 0.5
    assert net.forward([3.0, 1.0])[0] == 0.5 + 2.0 * 2.0 + 0.25 * 3.0
    net.disconnect(1, 4)
    assert (1, 4) not in net.w
    assert net.forward([3.0, 1.0])[0] == 4.5
    net.add_neuron(5, bias=False)
    assert (0, 5) not in net.w and net.neuron(5).kind == "hidden"
    net.remove_neuron(5)
    net.remove_neuron(2)
    assert net.inputs == [1] and (2, 3) not in net.w
    assert net.forward([3.0])[0] == 0.5 + 2.0 * 3.0


def test_structure_change_forgets_stale_values_and_gradients():
    net = lecture_network()
    net.forward([3, 4])
    net.backward([1])
    net.disconnect(4, 5)
    assert all(math.isnan(net.neuron(j).a) for j in (1, 2, 3, 4, 5))
    assert all(math.isnan(g) for g in net.grad.values())
    with pytest.raises(ng.NetworkError, match="call forward"):
        net.backward([1])


def test_activation_can_be_changed_on_a_neuron():
    net = lecture_network()
    net.neuron(5).activation = "identity"
    assert net.forward([3, 4])[0] == pytest.approx(-1 + 4 * 0.5 + 2 / (1 + math.e), rel=1e-15)


def test_copy_is_independent_and_equal():
    net = lecture_network()
    net.forward([3, 4])
    twin = net.copy()
    assert dict(twin.w) == dict(net.w) and twin.outputs == net.outputs
    assert twin.neuron(5).a == net.neuron(5).a
    twin.w[3, 5] = 0.0
    assert net.w[3, 5] == 4.0


def test_repr_names_the_parts():
    expected = "Network(inputs=[1, 2], hidden=[3, 4], outputs=[5], weights=9)"
    assert repr(lecture_network()) == expected
    assert "Neuron(5, output, logistic" in repr(lecture_network().neuron(5))


def test_forward_accepts_any_real_sequence_and_a_scalar_for_one_value():
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0}, activation="identity")
    cases = [([2], 2.5), ((2,), 2.5), (np.array([2.0]), 2.5), (np.array([2], dtype=np.int8), 2.5),
             (2, 2.5), (2.0, 2.5), ([True], 1.5)]
    for x, expected in cases:
        assert net.forward(x)[0] == expected
    net.forward([2])
    assert net.backward(3) == 0.25  # (3 − 2.5)²
