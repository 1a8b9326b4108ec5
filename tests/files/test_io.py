"""Files and networkx: exact round trips, and every malformed file refused with its name."""

import json
import re
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.files import document
from support import dags, lecture_network

ROOT = Path(__file__).resolve().parent.parent.parent


def same_network(a, b):
    assert dict(a.w) == dict(b.w)  # every weight to the last bit
    assert [(n.id, n.kind, n.activation and n.activation.name) for n in a.neurons] == \
        [(n.id, n.kind, n.activation and n.activation.name) for n in b.neurons]
    assert (a.inputs, a.outputs, a.frozen) == (b.inputs, b.outputs, b.frozen)


@settings(max_examples=100, deadline=None)
@given(dags(hidden_activations=("logistic", "tanh", "relu", "threshold", "identity")),
       st.data())
def test_round_trips_are_exact(net, data):
    for edge in data.draw(st.lists(st.sampled_from(sorted(net.w)), max_size=3, unique=True)):
        net.freeze(*edge)
    net.w[sorted(net.w)[0]] = data.draw(st.floats(-1e100, 1e100).filter(lambda w: w != 0))
    with tempfile.TemporaryDirectory() as folder:
        for name in ("net.json", "net.txt"):
            path = net.save(Path(folder) / name)
            same_network(ng.load(path), net)
    same_network(ng.Network.from_networkx(net.to_networkx()), net)


def test_the_json_is_the_documented_format(tmp_path):
    net = lecture_network()
    net.freeze(2, 3)
    doc = json.loads(net.save(tmp_path / "net.json").read_text())
    assert doc["format"] == "neurograph" and doc["version"] == 1
    assert doc["neurons"][0] == {"id": 0, "kind": "bias"}
    assert doc["neurons"][5] == {"id": 5, "kind": "output", "activation": "logistic"}
    assert doc["inputs"] == [1, 2] and doc["outputs"] == [5]
    assert {"from": 2, "to": 3, "weight": -2.0, "frozen": True} in doc["edges"]


def test_the_examples_in_docs_format_md_load(tmp_path):
    text = (ROOT / "docs" / "format.md").read_text()
    document = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    net = ng.Network.from_document(document, "format.md")
    assert net.frozen == [(2, 3)] and net.w[0, 3] == 5
    edges = re.search(r"```text\n(.*?)```", text, re.S).group(1)
    (tmp_path / "format.txt").write_text(edges)
    typed = ng.load(tmp_path / "format.txt")
    assert dict(typed.w) == dict(lecture_network().w)
    assert typed.neuron(5).activation.name == "identity" and typed.frozen == [(1, 3)]


def valid():
    return lecture_network().to_document()


def changed(edit):
    doc = valid()
    edit(doc)
    return json.dumps(doc)


MALFORMED_JSON = [
    ("", "the file is empty"),
    ('{"format": "neurograph", "version": 1, "neur', "not valid JSON at line 1"),
    ("[1, 2, 3]", "the top level: expected an object"),
    (changed(lambda d: d.update(format="keras")), "format: expected 'neurograph'"),
    (changed(lambda d: d.update(version=3)), "version: expected 1 or 2"),
    (changed(lambda d: d.update(version=True)), "version: expected 1 or 2"),
    (changed(lambda d: d.update(neurons={})), "neurons: expected a list"),
    (changed(lambda d: d.pop("edges")), "edges: expected a list; received NoneType"),
    (changed(lambda d: d["neurons"][3].update(id="3")), r"neurons\[3\]\.id: expected a neuron id"),
    (changed(lambda d: d["neurons"][3].update(id=True)), r"neurons\[3\]\.id: expected a neuron id"),
    (changed(lambda d: d["neurons"][3].update(id=2 ** 40)), "from 0 to 2147483647; received 1099"),
    (changed(lambda d: d["neurons"][3].update(id=-3)), r"neurons\[3\]\.id"),
    (changed(lambda d: d["neurons"][4].update(id=3)), "neuron 3 is listed twice"),
    (changed(lambda d: d["neurons"][3].update(kind="bias")), "expected 'bias' for neuron 0"),
    (changed(lambda d: d["neurons"][3].pop("kind")), r"neurons\[3\]\.kind"),
    (changed(lambda d: d["neurons"][3].update(activation="sigmod")),
     "unknown activation 'sigmod' for neuron 3"),
    (changed(lambda d: d["neurons"][1].update(activation="relu")),
     "an input neuron has no activation"),
    (changed(lambda d: d.update(neurons=[{"id": 0, "kind": "bias"}], inputs=[], outputs=[])),
     r"edges\[0\]: neuron 3 of edge \(0, 3\) is not among the neurons"),
    (changed(lambda d: d.update(inputs=[2, 1, 1])), "inputs: inputs lists neuron 1 twice"),
    (changed(lambda d: d.update(inputs=[1])), r"inputs: every input neuron must be listed once; \[2\] is missing"),
    (changed(lambda d: d.update(outputs=[])), r"outputs: every output neuron must be listed once; \[5\] is missing"),
    (changed(lambda d: d["edges"].append({"from": 9, "to": 3, "weight": 1})),
     r"neuron 9 of edge \(9, 3\) is not among the neurons"),
    (changed(lambda d: d["edges"].append({"from": 1, "to": 3, "weight": 1})),
     r"edge \(1, 3\) is given twice"),
    (changed(lambda d: d["edges"].append({"from": 3, "to": 3, "weight": 1})), "self-loop"),
    (changed(lambda d: d["edges"].append({"from": 3, "to": 0, "weight": 1})),
     r"enters the bias neuron 0"),
    (changed(lambda d: d["edges"].append({"from": 3, "to": 1, "weight": 1})),
     r"edges\[9\]: edge \(3, 1\) enters input neuron 1"),
    (changed(lambda d: d["edges"].append({"from": 5, "to": 3, "weight": 1})),
     r"edges\[9\]: edge \(5, 3\) closes the cycle 3 → 5 → 3"),
    (changed(lambda d: d["edges"][0].update(weight="5")), r"edges\[0\]\.weight: expected a finite"),
    (changed(lambda d: d["edges"][0].update(weight=True)), r"edges\[0\]\.weight"),
    (changed(lambda d: d["edges"][0].pop("weight")), r"edges\[0\]\.weight"),
    (changed(lambda d: d["edges"][0].update(frozen="yes")), r"edges\[0\]\.frozen"),
    (changed(lambda d: d["edges"].append([1, 5, 1.0])), "expected an object with from, to"),
    (json.dumps(valid()).replace('"weight": 5.0', '"weight": NaN'), "NaN is not a number"),
    (json.dumps(valid()).replace('"weight": 5.0', '"weight": Infinity'), "Infinity is not"),
]

MALFORMED_TEXT = [
    ("", "no edges"),
    ("0 3 5\n1 3\n", r"line 2: expected an edge 'i j w'"),
    ("0 3 five\n", "line 1: the weight 'five' is not a number"),
    ("0 3 nan\n", "line 1: the weight 'nan' is not finite"),
    ("0 3 5\n0 3 6\n", r"line 2: edge \(0, 3\) is given twice \(first on line 1\)"),
    ("a 3 5\n", "line 1: expected a neuron id, an integer from 0 to 2147483647; received 'a'"),
    ("1 3 1\n3 4 1\n4 3 1\n", "cycle"),
    ("1 2 1\nactivation 2 sigmod\n", "unknown activation 'sigmod'"),
    ("1 2 1\nfrozen 1 3\n", r"frozen edge \(1, 3\) is not among the edges"),
    ("1 2 1\n99999999999 2 1\n", "expected a neuron id, an integer from 0 to 2147483647"),
]


@pytest.mark.parametrize("content, says", MALFORMED_JSON + [(t, s) for t, s in MALFORMED_TEXT])
def test_malformed_files_are_refused_naming_the_file(tmp_path, content, says):
    suffix = ".json" if (content, says) in MALFORMED_JSON else ".txt"
    path = tmp_path / f"homework{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ng.NetworkError, match=says) as info:
        ng.load(path)
    assert str(info.value).startswith(str(path))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # nothing written


def test_unreadable_and_unknown_files(tmp_path):
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ng.NetworkError, match="cannot be read as UTF-8"):
        ng.load(tmp_path / "binary.json")
    with pytest.raises(ng.NetworkError, match="no such file"):
        ng.load(tmp_path / "missing.json")
    (tmp_path / "net.pkl").write_bytes(b"")
    with pytest.raises(ng.NetworkError, match="cannot tell the format"):
        ng.load(tmp_path / "net.pkl")


def test_saving_is_all_or_nothing(tmp_path, monkeypatch):
    path = lecture_network().save(tmp_path / "net.json")
    before = path.read_bytes()
    broken = ng.Network.layered([2, 1])

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(document.json, "dumps", fail)  # (the text is made as it is written)
    with pytest.raises(ng.NetworkError, match="could not write the new content \\(disk full\\)"):
        broken.save(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["net.json"]
    with pytest.raises(ng.NetworkError, match="must end in .json"):
        broken.save(tmp_path / "net.pickle")
    with pytest.raises(ng.NetworkError, match="does not exist"):
        broken.save(tmp_path / "nowhere" / "net.json")


def test_user_made_activations_are_found_by_name_never_run_from_the_file(tmp_path):
    cube = ng.Activation("cube", g=lambda z: z ** 3, dg=lambda z: 3 * z ** 2)
    path = ng.Network.from_weights({(1, 2): 2.0}, activation=cube).save(tmp_path / "cube.json")
    with pytest.raises(ng.NetworkError, match="unknown activation 'cube'.*load\\(activations"):
        ng.load(path)
    assert ng.load(path, activations={"cube": cube}).forward([1.0])[0] == 8.0


def test_to_networkx_carries_kinds_activations_weights():
    net = lecture_network()
    net.freeze(1, 3)
    G = net.to_networkx()
    assert G.nodes[0] == {"kind": "bias", "activation": None}
    assert G.nodes[3] == {"kind": "hidden", "activation": "logistic"}
    assert G.edges[1, 3] == {"weight": 1.0, "frozen": True}
    assert G.graph == {"inputs": [1, 2], "outputs": [5]}
    G.edges[1, 4]["weight"] = 99.0  # a copy: the network is untouched
    assert net.w[1, 4] == -4.0


def test_from_networkx_infers_what_a_plain_graph_leaves_out():
    G = nx.DiGraph()
    G.add_weighted_edges_from([(1, 3, 0.5), (2, 3, -1.0), (3, 4, 2.0), (0, 4, 0.1)])
    net = ng.Network.from_networkx(G, activation="tanh")
    assert net.inputs == [1, 2] and net.hidden == [3] and net.outputs == [4]
    assert net.neuron(3).activation.name == "tanh" and net.w[0, 4] == 0.1
    G.add_edge(4, 3, weight=1.0)
    with pytest.raises(ng.CycleError, match=r"the graph: edges\[3\]: edge \(4, 3\) closes the cycle 3 → 4 → 3"):
        ng.Network.from_networkx(G)
    with pytest.raises(ng.NetworkError, match=r"edge \(1, 2\) of the graph has no 'weight'"):
        ng.Network.from_networkx(nx.DiGraph([(1, 2)]))
    with pytest.raises(ng.NetworkError,
                       match="each node of the graph must be an integer from 0 to 2147483647"):
        ng.Network.from_networkx(nx.DiGraph([("a", 2)]))
    with pytest.raises(ng.NetworkError, match="needs a networkx.DiGraph"):
        ng.Network.from_networkx(nx.Graph())
