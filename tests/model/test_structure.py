"""One set of rules: every way in refuses the same fault with the same words.

The ways in: from_weights, add_neuron + connect, a JSON file, an edge list, and
from_networkx. Each fault is described once (edges in order, the inputs, the outputs)
and fed through each of them; the message, less the file's name and the place in
it, must be the same.
"""

import json
import re

import networkx as nx
import pytest

import neurograph as ng

MAX_ID = 2 ** 31 - 1


def through_from_weights(edges, inputs, outputs, tmp_path):
    ng.Network.from_weights(list(edges), inputs=inputs, outputs=outputs)


def through_connect(edges, inputs, outputs, tmp_path):
    net = ng.Network()
    for j in inputs:
        net.add_neuron(j, kind="input")
    ids = sorted(({i for i, _, _ in edges} | {j for _, j, _ in edges}) - {0} - set(inputs))
    for j in ids:
        net.add_neuron(j, kind="output" if j in outputs else "hidden", bias=False)
    for i, j, w in edges:
        net.connect(i, j, w)


def _document(edges, inputs, outputs):
    ids = sorted(({i for i, _, _ in edges} | {j for _, j, _ in edges} | set(inputs)) - {0})
    neurons = [{"id": 0, "kind": "bias"}]
    for j in ids:
        kind = "input" if j in inputs else "output" if j in outputs else "hidden"
        neurons.append({"id": j, "kind": kind, **({} if kind == "input" else
                                                   {"activation": "logistic"})})
    return {"format": "neurograph", "version": 1, "neurons": neurons, "inputs": inputs,
            "outputs": outputs, "edges": [{"from": i, "to": j, "weight": w}
                                          for i, j, w in edges]}


def through_json(edges, inputs, outputs, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(_document(edges, inputs, outputs)))
    ng.load(path)


def through_edge_list(edges, inputs, outputs, tmp_path):
    path = tmp_path / "net.txt"
    path.write_text(f"inputs {' '.join(map(str, inputs))}\noutputs "
                    f"{' '.join(map(str, outputs))}\n" +
                    "".join(f"{i} {j} {w!r}\n" for i, j, w in edges))
    ng.load(path)


def through_networkx(edges, inputs, outputs, tmp_path):
    G = nx.DiGraph(inputs=inputs, outputs=outputs)
    G.add_weighted_edges_from(edges)
    ng.Network.from_networkx(G)


WAYS = [through_from_weights, through_connect, through_json, through_edge_list,
        through_networkx]

FAULTS = {  # name: (edges in order, inputs, outputs, the message)
    "self-loop": ([(1, 2, 1.0), (2, 2, 0.5)], [1], [2],
                  "edge (2, 2) is a self-loop; feedforward networks have none (a recurrent "
                  "self-loop reads an earlier time step: give it delay=1 or more)"),
    "into the bias": ([(1, 2, 1.0), (1, 0, 0.5)], [1], [2],
                      "edge (1, 0) enters the bias neuron 0, which has a_0 = 1 and takes no "
                      "incoming edges"),
    "into an input": ([(1, 3, 1.0), (1, 2, 0.5)], [1, 2], [3],
                      "edge (1, 2) enters input neuron 2, which passes x_2 on and takes no "
                      "incoming edges"),
    "cycle": ([(1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0), (4, 2, 1.0), (4, 5, 1.0)], [1], [5],
              "edge (4, 2) closes the cycle 2 → 3 → 4 → 2; feedforward networks are acyclic"),
}


def core(message):
    """The message without 'file: place: ' in front."""
    return re.sub(r"^(?:(?:\S+\.(?:json|txt)|the graph): )?"
                  r"(?:(?:edges\[\d+\]|line \d+|inputs|outputs): )?", "", message)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("way", WAYS, ids=lambda way: way.__name__)
def test_the_same_fault_gets_the_same_message_through_every_way_in(fault, way, tmp_path):
    edges, inputs, outputs, message = FAULTS[fault]
    error = ng.CycleError if fault == "cycle" else ng.NetworkError
    with pytest.raises(error) as info:
        way(edges, inputs, outputs, tmp_path)
    assert core(str(info.value)) == message
    if fault == "cycle":
        assert info.value.cycle == [2, 3, 4, 2]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("net.")] == []


def test_files_also_say_where_the_fault_stands(tmp_path):
    edges, inputs, outputs, message = FAULTS["into an input"]
    with pytest.raises(ng.NetworkError) as info:
        through_json(edges, inputs, outputs, tmp_path)
    assert str(info.value) == f"{tmp_path / 'net.json'}: edges[1]: {message}"
    with pytest.raises(ng.NetworkError) as info:
        through_edge_list(edges, inputs, outputs, tmp_path)
    assert str(info.value) == f"{tmp_path / 'net.txt'}: line 4: {message}"


@pytest.mark.parametrize("way", [through_from_weights, through_json, through_edge_list],
                         ids=lambda way: way.__name__)  # (a DiGraph cannot hold an edge twice)
def test_an_edge_given_twice_is_named(way, tmp_path):
    with pytest.raises(ng.NetworkError, match=r"edge \(1, 2\) is given twice"):
        way([(1, 2, 1.0), (1, 2, 2.0)], [1], [2], tmp_path)


def test_connecting_an_existing_edge_says_how_to_change_its_weight():
    net = ng.Network.from_weights({(1, 2): 1.0})
    with pytest.raises(ng.NetworkError, match=r"edge \(1, 2\) exists already \(w_1,2 = 1.0\); "
                                              r"set net.w\[1, 2\] to change it"):
        net.connect(1, 2, 3.0)


@pytest.mark.parametrize("way", WAYS, ids=lambda way: way.__name__)
def test_ids_must_fit_in_every_file_format(way, tmp_path):
    with pytest.raises(ng.NetworkError, match="an integer from 0 to 2147483647"):
        way([(1, MAX_ID + 1, 1.0)], [1], [MAX_ID + 1], tmp_path)
    with pytest.raises(ng.NetworkError, match="an integer from 0 to 2147483647"):
        ng.Network().add_neuron(MAX_ID + 1)
    net = ng.Network.from_weights({(1, MAX_ID): 0.5})  # the largest id is fine everywhere
    net.save(tmp_path / "top.json")
    assert ng.load(tmp_path / "top.json").to_document() == net.to_document()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 10 ** 400, "1.0", True])
def test_a_weight_must_be_a_finite_real_number_everywhere(bad, tmp_path):
    refusals = [lambda: ng.Network.from_weights({(1, 2): bad}),
                lambda: ng.Network.from_weights({(0, 2): 1.0}).connect(0, 3, bad),
                lambda: ng.Network.from_networkx(nx.DiGraph([(1, 2, {"weight": bad})]))]
    net = ng.Network.from_weights({(1, 2): 1.0})
    refusals.append(lambda: net.w.__setitem__((1, 2), bad))
    for refuse in refusals:
        with pytest.raises(ng.NetworkError, match="must be (finite|a real number)"):
            refuse()
    assert net.w[1, 2] == 1.0


def test_the_lecture_cycle_example_is_named_as_a_cycle():
    with pytest.raises(ng.CycleError, match=r"edge \(3, 2\) closes the cycle 2 → 3 → 2") as info:
        ng.Network.from_weights({(1, 2): 1, (2, 3): 1, (3, 2): 1})
    assert info.value.cycle == [2, 3, 2]


def test_a_long_chain_is_checked_in_linear_time_and_a_cycle_at_its_end_is_named():
    n = 200_000  # far past any recursion limit
    edges = {(j, j + 1): 1.0 for j in range(1, n)}
    net = ng.Network.from_weights(edges)
    assert net.topological_order()[:3] == [0, 1, 2] and len(net.topological_order()) == n + 1
    edges[n, n - 2] = 1.0
    with pytest.raises(ng.CycleError) as info:
        ng.Network.from_weights(edges)
    assert info.value.cycle == [n - 2, n - 1, n, n - 2]
