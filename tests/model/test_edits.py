"""Any sequence of edits either is refused, leaving the network as it was, or leaves a
network that saves and loads back equal in both file formats; and the faults that used to
slip through (net.graph writes, odd names, numpy types, negative seeds) are refused."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import dags, lecture_network, snapshot

NAMES = ("logistic", "tanh", "relu", "identity", "threshold", "no_such_g")
KINDS = ("hidden", "output", "input", "bias", "other")


def edit(draw, net):
    """Draw one edit of `net`: a function that applies it."""
    ids = sorted(n.id for n in net.neurons)
    some_id = st.one_of(st.sampled_from(ids), st.integers(-2, 12), st.just(2 ** 31))
    weight = st.one_of(st.floats(-3, 3), st.just(math.nan), st.just("w"))
    name = draw(st.sampled_from(("add_neuron", "connect", "disconnect", "remove_neuron",
                                 "freeze", "unfreeze", "set_kind", "set_weight",
                                 "set_activation", "write_graph")))
    i, j = draw(some_id), draw(some_id)
    if name == "add_neuron":
        kind = draw(st.sampled_from(KINDS[:3]))
        activation = None if kind == "input" else draw(st.sampled_from(NAMES))
        bias = False if kind == "input" else draw(st.sampled_from((True, False, 0.5)))
        return lambda: net.add_neuron(j, activation=activation, bias=bias, kind=kind)
    if name == "connect":
        w = draw(weight)
        return lambda: net.connect(i, j, w)
    if name in ("disconnect", "freeze", "unfreeze"):
        return lambda: getattr(net, name)(i, j)
    if name == "remove_neuron":
        return lambda: net.remove_neuron(j)
    if name == "set_kind":
        kind = draw(st.sampled_from(KINDS))
        return lambda: net.set_kind(j, kind)
    if name == "set_weight":
        w = draw(weight)
        return lambda: net.w.__setitem__((i, j), w)
    if name == "set_activation":
        g = draw(st.sampled_from(NAMES))
        return lambda: setattr(net.neuron(j), "activation", g)
    w = draw(weight)
    if not len(net.w):
        return lambda: net.graph.nodes[0].__setitem__("kind", "input")
    i, j = draw(st.sampled_from(sorted(net.w)))
    return lambda: net.graph.edges[i, j].__setitem__("weight", w)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_edits_are_refused_whole_or_leave_a_network_that_files_hold(data, tmp_path_factory):
    net = data.draw(dags(max_processing=4))
    folder = tmp_path_factory.mktemp("edits")
    for _ in range(data.draw(st.integers(1, 12))):
        before = snapshot(net)
        try:
            data.draw(st.builds(edit, st.just(data.draw), st.just(net)))()
        except ng.NetworkError:
            assert snapshot(net) == before
            continue
        for name in ("net.json", "net.txt"):
            net.save(folder / name)
            back = ng.load(folder / name)
            assert back.to_document() == net.to_document(), name


def test_writes_through_net_graph_never_reach_the_network():
    net = lecture_network()
    before = snapshot(net)
    G = net.graph
    writes = [lambda: G.edges[3, 5].__setitem__("weight", math.nan),
              lambda: G.edges[3, 5].__setitem__("weight", "heavy"),
              lambda: G.edges[3, 5].update(weight=2.0),
              lambda: G.edges[3, 5].pop("weight"),
              lambda: G.nodes[3].__setitem__("kind", "output"),
              lambda: G.add_edge(5, 3), lambda: G.remove_node(3), lambda: G.clear(),
              lambda: G.add_weighted_edges_from([(1, 5, 1.0)]),
              lambda: G.graph.__setitem__("outputs", [3])]
    for write in writes:
        with pytest.raises(ng.NetworkError, match="net.graph is read-only"):
            write()
    assert snapshot(net) == before
    assert nx.is_directed_acyclic_graph(G) and nx.shortest_path(G, 1, 5) == [1, 3, 5]
    assert dict(G.nodes[5]) == {"kind": "output", "activation": "logistic"}


def test_a_neurons_kind_changes_only_through_the_network():
    net = lecture_network()
    with pytest.raises(ng.NetworkError, match=r"use net.set_kind\(3, 'output'\)"):
        net.neuron(3).kind = "output"
    net.set_kind(3, "output")
    assert net.outputs == [5, 3] and net.neuron(3).kind == "output"
    assert net.forward([3, 4]).shape == (2,)
    with pytest.raises(ng.NetworkError, match="turns a hidden neuron into an output or back"):
        net.set_kind(1, "output")


def test_activation_names_are_plain_words_and_built_in_names_are_reserved():
    cube = dict(g=lambda z: z ** 3, dg=lambda z: 3 * z ** 2)
    with pytest.raises(ng.NetworkError, match="must be a plain word"):
        ng.Activation("my act", **cube)
    for name in ("logistic", "sigmoid", "linear"):
        with pytest.raises(ng.NetworkError, match="name of a built-in activation"):
            ng.Activation(name, **cube)
    net = ng.Network.from_weights({(1, 2): 1.0, (1, 3): 1.0})
    net.neuron(2).activation = ng.Activation("cube", **cube)
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match="already uses a different activation named 'cube'"):
        net.neuron(3).activation = ng.Activation("cube", **cube)
    assert snapshot(net) == before


def test_a_network_without_outputs_saves_and_loads_back_equal(tmp_path):
    net = lecture_network()
    net.remove_neuron(5)
    net.add_neuron(9, bias=False)  # a hidden neuron without edges
    assert net.outputs == []
    for name in ("a.json", "a.txt"):
        net.save(tmp_path / name)
        assert ng.load(tmp_path / name).to_document() == net.to_document()
    with pytest.raises(ng.NetworkError, match="no output neuron"):
        net.forward([3, 4])
    empty = ng.Network()
    empty.save(tmp_path / "empty.txt")
    assert ng.load(tmp_path / "empty.txt").to_document() == empty.to_document()


def test_numpy_numbers_are_taken_alike_everywhere():
    G = nx.DiGraph()
    G.add_edge(np.int64(1), np.int64(2), weight=np.float32(0.5))
    assert dict(ng.Network.from_networkx(G).w) == {(1, 2): 0.5}
    assert dict(ng.Network.from_weights({(np.int64(1), np.int64(2)): 0.5}).w) == {(1, 2): 0.5}
    G.edges[1, 2]["weight"] = np.bool_(True)
    with pytest.raises(ng.NetworkError, match="must be a real number"):
        ng.Network.from_networkx(G)
    with pytest.raises(ng.NetworkError, match="must be a real number"):
        ng.Network.from_weights({(1, 2): np.bool_(True)})


@pytest.mark.parametrize("call, says", [
    (lambda: ng.Network.from_weights({(1, 2): 1.0}, activations=["tanh"]),
     "activations must be a mapping"),
    (lambda: ng.Network.layered([2, 1], seed=-1), "seed must be ≥ 0; received -1"),
    (lambda: lecture_network().initialize(seed=-5), "seed must be ≥ 0"),
    (lambda: lecture_network().fit([[0, 0]], [0], seed=-1), "seed must be ≥ 0"),
    (lambda: lecture_network().sgd_step([3, 4], [1], lr=0.0), "lr must be positive"),
    (lambda: lecture_network().sgd_step([3, 4], [1], lr=-1.0), "lr must be positive"),
    (lambda: lecture_network().sgd_step([3, 4], [1], lr=0.5, weight_decay=-0.1),
     r"weight_decay \(λ\) must be ≥ 0"),
    (lambda: lecture_network().explain([3, 4], [1], lr=-1), "lr must be positive"),
    (lambda: lecture_network().fit([[0, 0]], [0], epochs=0), "epochs must be a whole number"),
    (lambda: ng.Network.layered([2, 99999999999, 1]), "an integer from 0 to 2147483647"),
    (lambda: ng.Network.layered([2, 100_000, 1000]), "fit in memory"),
])
def test_options_are_checked_alike_everywhere(call, says):
    with pytest.raises(ng.NetworkError, match=says):
        call()


@pytest.mark.parametrize("engine", ["reference", "vectorized"])
def test_predict_leaves_the_neurons_values_as_they_were_whichever_engine(engine):
    net = lecture_network()
    net.forward([3, 4])
    net.backward([1])
    before = snapshot(net)
    out = net.predict([[3, 4], [0, 1]], engine=engine)
    assert snapshot(net) == before and out.shape == (2, 1)
