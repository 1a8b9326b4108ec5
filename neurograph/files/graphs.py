"""Networks as ``networkx.DiGraph`` objects, through the same document every file uses."""

import networkx as nx

from ..checks import neuron_id, weight
from ..errors import NetworkError, describe
from . import document

__all__ = ["from_document", "to_document"]


def from_document(doc):
    """A new ``networkx.DiGraph``: nodes with ``kind`` and ``activation`` (a name, or None),
    edges with ``weight`` (and ``frozen`` when set); ``G.graph`` holds inputs and outputs."""
    G = nx.DiGraph(inputs=list(doc["inputs"]), outputs=list(doc["outputs"]))
    for entry in doc["neurons"]:
        G.add_node(entry["id"], kind=entry["kind"], activation=entry.get("activation"))
    for edge in doc["edges"]:
        G.add_edge(edge["from"], edge["to"], weight=edge["weight"],
                   **({"frozen": True} if edge.get("frozen") else {}))
    return G


def to_document(G, activation="logistic", inputs=None, outputs=None):
    """(document, activations): a ``networkx.DiGraph`` whose edges carry ``weight``, as a
    document, and the user-made activations its nodes hold, by name.

    Node attributes ``kind`` and ``activation`` (a name or an Activation) are used where
    present; otherwise kinds are inferred as ``Network.from_weights`` does (inputs: no
    incoming edge; outputs: no outgoing edge) and `activation` is every processing
    neuron's g. `inputs` and `outputs` (or ``G.graph["inputs"]``/``["outputs"]``) give
    their order. Ids and weights are checked as everywhere else (numpy integers are ids;
    bools are neither ids nor weights).
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise NetworkError(f"from_networkx needs a networkx.DiGraph; received {describe(G)}")
    ids = {neuron_id(j, "each node of the graph") for j in G} | {0}
    kind = {j: (G.nodes[j].get("kind") if j in G else "bias") for j in ids}
    inputs = inputs if inputs is not None else G.graph.get("inputs")
    outputs = outputs if outputs is not None else G.graph.get("outputs")
    if inputs is None:
        inputs = sorted(j for j in ids if j != 0 and (kind[j] == "input" or (
            kind[j] is None and G.in_degree(j) == 0)))
    inputs = [neuron_id(j, "each of inputs") for j in inputs]
    if outputs is None:
        outputs = sorted(j for j in ids if j != 0 and j not in inputs and (
            kind[j] == "output" or (kind[j] is None and G.out_degree(j) == 0)))
    outputs = [neuron_id(j, "each of outputs") for j in outputs]
    input_set, output_set = set(inputs), set(outputs)
    neurons, named = [{"id": 0, "kind": "bias"}], {}
    for j in sorted(ids - {0}):
        k = "input" if j in input_set else "output" if j in output_set else "hidden"
        entry = {"id": j, "kind": k}
        if k != "input":
            g = G.nodes[j].get("activation") or activation
            if not isinstance(g, str):  # an Activation: the model finds it by its name
                named[g.name] = g
                g = g.name
            entry["activation"] = g
        neurons.append(entry)
    edges = []
    for i, j, data in G.edges(data=True):
        if "weight" not in data:
            raise NetworkError(f"edge ({i}, {j}) of the graph has no 'weight' attribute")
        edges.append({"from": int(i), "to": int(j),
                      "weight": weight(data["weight"], f"the weight of edge ({i}, {j})"),
                      **({"frozen": True} if data.get("frozen") else {})})
    doc = {"format": document.FORMAT, "version": document.VERSION, "neurons": neurons,
           "inputs": inputs, "outputs": outputs, "edges": edges}
    return doc, named
