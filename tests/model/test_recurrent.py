"""Delay edges in the one model: the rules, every way in and out, and bad input refused."""

import json

import networkx as nx
import numpy as np
import pytest

import neurograph as ng
from support import snapshot


def small_rnn():
    """Inputs 1, 2; hidden 3, 4 (tanh) with delay edges among them; output 5 (identity)."""
    net = ng.Network.elman([2, 2, 1], activation="tanh", output_activation="identity", seed=3)
    net.connect(1, 5, 0.25, delay=2)  # a time-delay edge from an input
    net.freeze(3, 4)
    net.tie([(3, 3), (4, 4)])
    return net


def test_delay_edges_allow_cycles_and_self_loops_but_ordinary_cycles_are_still_named():
    net = ng.Network.from_weights({(1, 2): 1.0, (2, 3): 1.0})
    net.connect(3, 2, 0.5, delay=1)
    net.connect(3, 3, 0.5, delay=2)
    assert net.delays == {(3, 2): 1, (3, 3): 2}
    with pytest.raises(ng.CycleError, match=r"edge \(3, 2\) closes the cycle 2 → 3 → 2") as info:
        net.set_delay(3, 2, 0)
    assert info.value.cycle == [2, 3, 2] and net.delays[3, 2] == 1
    net.add_neuron(4)
    net.connect(3, 4, 1.0)
    with pytest.raises(ng.CycleError, match=r"closes the cycle 2 → 3 → 4 → 2"):
        net.connect(4, 2, 1.0)
    with pytest.raises(ng.CycleError, match=r"closes the cycle 2 → 3 → 2"):
        ng.Network.from_weights({(1, 2): 1.0, (2, 3): 1.0, (3, 2): 1.0, (3, 3): 1.0},
                                delays={(3, 3): 1})
    net.disconnect(3, 2)
    net.remove_neuron(3)
    assert net.delays == {}


@pytest.mark.parametrize("bad, words", [(-1, "received -1"), (0.5, "received 0.5"),
                                        (True, "received True"), (1.0, "received 1.0"),
                                        ("1", "received '1'")])
def test_a_delay_that_is_not_a_whole_number_is_refused_everywhere(bad, words, tmp_path):
    net = small_rnn()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=f"delay of edge \\(5, 3\\) must be a whole number.*"
                                              f"{words}"):
        net.connect(5, 3, 1.0, delay=bad)
    with pytest.raises(ng.NetworkError, match="delay of edge"):
        net.set_delay(3, 4, bad)
    assert snapshot(net) == before
    with pytest.raises(ng.NetworkError, match=words):
        ng.Network.from_weights({(1, 2): 1.0, (2, 2): 0.5}, delays={(2, 2): bad})
    G = nx.DiGraph()
    G.add_edge(1, 2, weight=1.0)
    G.add_edge(2, 2, weight=0.5, delay=bad)
    with pytest.raises(ng.NetworkError, match="delay"):
        ng.Network.from_networkx(G)
    doc = net.to_document()
    doc["edges"][-1]["delay"] = bad
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match=r"net.json: edges\[\d+\].delay: expected a whole"):
        ng.load(path)
    if bad == "1":
        return  # (in an edge list's text, "1" is the delay 1)
    text = tmp_path / "net.txt"
    text.write_text(f"1 2 1.0\n2 2 0.5\ndelay 2 2 {bad}\n")
    with pytest.raises(ng.NetworkError, match="net.txt: line 3: expected a delay D"):
        ng.load(text)


def test_a_delay_edge_into_the_bias_or_an_input_or_out_of_the_bias_is_refused():
    net = small_rnn()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match="enters the bias neuron 0"):
        net.connect(3, 0, 1.0, delay=1)
    with pytest.raises(ng.NetworkError, match="enters input neuron 1"):
        net.connect(5, 1, 1.0, delay=1)
    with pytest.raises(ng.NetworkError, match="the bias neuron's a_0 = 1 at every time step"):
        net.set_delay(0, 3, 1)
    with pytest.raises(ng.NetworkError, match="self-loop.*give it delay=1 or more"):
        net.set_delay(3, 3, 0)
    assert snapshot(net) == before
    with pytest.raises(ng.NetworkError, match="enters input neuron 1"):
        ng.Network.from_weights({(1, 2): 1.0, (2, 1): 1.0}, delays={(2, 1): 1}, inputs=[1])
    with pytest.raises(ng.NetworkError, match=r"delayed edge \(2, 3\) is not among the edges"):
        ng.Network.from_weights({(1, 2): 1.0}, delays={(2, 3): 1})


@pytest.mark.parametrize("suffix", [".json", ".txt"])
def test_delays_ties_and_frozen_edges_round_trip_through_files_networkx_and_copy(suffix,
                                                                               tmp_path):
    net = small_rnn()
    path = net.save(tmp_path / f"net{suffix}")
    loaded = ng.load(path)
    assert loaded.to_document() == net.to_document()
    assert loaded.delays == net.delays == {**{(i, j): 1 for i in (3, 4) for j in (3, 4)},
                                           (1, 5): 2}
    X = np.random.default_rng(0).normal(size=(2, 5, 2))
    assert np.array_equal(loaded.predict(X), net.predict(X))
    for twin in (net.copy(), ng.Network.from_networkx(net.to_networkx())):
        assert twin.to_document() == net.to_document()
    assert net.graph.edges[1, 5] == {"weight": 0.25, "delay": 2}
    assert net.graph.edges[3, 4] == {"weight": net.w[3, 4], "frozen": True, "delay": 1}


def test_a_version_1_file_cannot_hold_delays(tmp_path):
    doc = small_rnn().to_document()
    assert doc["version"] == 2
    doc["version"] = 1
    doc.pop("ties")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match=r"delay: version 1 has no delays"):
        ng.load(path)


def test_sequences_of_the_wrong_shape_are_refused_and_change_nothing():
    net = small_rnn()
    before = snapshot(net)
    ragged = [[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0]]]
    with pytest.raises(ng.NetworkError, match="every sequence of one length T"):
        net.predict(ragged)
    with pytest.raises(ng.NetworkError, match="every sequence of one length T"):
        net.fit(ragged, [[[1.0], [2.0]], [[1.0]]], epochs=1)
    X = np.zeros((3, 4, 2))
    with pytest.raises(ng.NetworkError, match=r"shape \(n_sequences, T, n_outputs\) = "
                                              r"\(3, 4, 1\).*received shape \(3, 5, 1\)"):
        net.fit(X, np.zeros((3, 5, 1)), epochs=1)
    Y = np.zeros((3, 4, 1))
    Y[1, 2, 0] = np.inf
    with pytest.raises(ng.NetworkError, match="finite numbers or NaN rows"):
        net.cost_and_grad(net.theta(), X, Y)
    with pytest.raises(ng.NetworkError, match=r"n_inputs = 2; received shape \(3, 4, 3\)"):
        net.cost_and_grad(net.theta(), np.zeros((3, 4, 3)), Y)
    two = ng.Network.elman([1, 2, 2], seed=0)
    Y2 = np.zeros((1, 3, 2))
    Y2[0, 1, 0] = np.nan
    with pytest.raises(ng.NetworkError, match=r"Y\[0\]\[1\] mixes numbers and NaN"):
        two.fit(np.zeros((1, 3, 1)), Y2, epochs=1)
    with pytest.raises(ng.NetworkError, match="truncate must be None"):
        net.fit(X, np.zeros((3, 4, 1)), truncate=0)
    with pytest.raises(ng.NetworkError, match="T, a whole number ≥ 1"):
        net.unroll(0)
    with pytest.raises(ng.NetworkError, match="gradcheck checks BPTT on sequences"):
        ng.gradcheck(net, [1.0, 2.0], [0.5])
    with pytest.raises(ng.NetworkError, match="delay edges"):
        net.to_torch()
    assert snapshot(net) == before


def test_elman_and_jordan_networks_are_layered_networks_with_delay_edges():
    elman = ng.Network.elman([2, 3, 2, 1], seed=0)
    assert sorted(elman.delays) == [(i, j) for layer in ([3, 4, 5], [6, 7]) for i in layer
                                    for j in layer]
    assert set(elman.delays.values()) == {1}
    jordan = ng.Network.jordan([2, 3, 2], seed=0)
    assert jordan.delays == {(k, j): 1 for k in (6, 7) for j in (3, 4, 5)}
    assert jordan.outputs == [6, 7]
    for build, name in ((ng.Network.elman, "Elman"), (ng.Network.jordan, "Jordan")):
        with pytest.raises(ng.NetworkError, match=f"^{name}'s network needs a hidden layer"):
            build([2, 1])


def test_splitting_a_delay_edge_keeps_the_function():
    net = ng.Network.elman([2, 3, 1], activation="tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(2, 4, 2))
    before = net.predict(X)
    for edge in ((3, 4), (5, 5)):  # an edge between neurons, and a self-loop
        new = net.split_edge(*edge)
        assert net.delays[new, edge[1]] == 1 and (edge[0], new) not in net.delays
    assert np.allclose(net.predict(X), before, rtol=0, atol=1e-15)


def test_a_tied_group_with_a_delay_edge_is_no_bias_for_the_weight_decay():
    net = ng.Network.from_weights({(0, 2): 0.3, (1, 2): 0.5, (2, 2): 0.3}, delays={(2, 2): 1})
    net.tie([(0, 2), (2, 2)])
    X = np.zeros((1, 3, 1))
    Y = np.full((1, 3, 1), np.nan)  # no targets: J is the decay term alone
    J, grad = net.cost_and_grad(net.theta(), X, Y, weight_decay=0.1, decay_bias=False)
    assert J == pytest.approx(0.1 * (0.3 ** 2 + 0.5 ** 2))  # both weights decayed
    assert grad.tolist() == pytest.approx([2 * 0.1 * 0.3, 2 * 0.1 * 0.5])
