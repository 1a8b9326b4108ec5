"""Networks as ``networkx.DiGraph`` objects, through the same document every file uses."""

import networkx as nx

from ..checks import delay, flag, neuron_id, weight
from ..errors import NetworkError, describe

__all__ = ["from_document", "contents"]


def from_document(doc):
    """A new ``networkx.DiGraph``: nodes with ``kind`` and ``activation`` (a name, or None),
    and ``aggregation`` and ``batch_norm`` where set; edges with ``weight`` (and ``frozen``
    and ``delay`` when set); ``G.graph`` holds inputs, outputs and any ``ties``."""
    G = nx.DiGraph(inputs=list(doc["inputs"]), outputs=list(doc["outputs"]))
    if doc.get("ties"):
        G.graph["ties"] = [[tuple(edge) for edge in group] for group in doc["ties"]]
    for entry in doc["neurons"]:
        extra = {key: entry[key] for key in ("aggregation", "batch_norm") if key in entry}
        G.add_node(entry["id"], kind=entry["kind"], activation=entry.get("activation"), **extra)
    for edge in doc["edges"]:
        G.add_edge(edge["from"], edge["to"], weight=edge["weight"],
                   **({"frozen": True} if edge.get("frozen") else {}),
                   **({"delay": edge["delay"]} if "delay" in edge else {}))
    return G


def contents(G, activation="logistic", inputs=None, outputs=None):
    """The parts of the network a ``networkx.DiGraph`` describes, as the model's Blueprint
    takes them; its edges must carry ``weight``.

    Node attributes ``kind`` and ``activation`` (a name or an Activation) are used where
    present; `inputs` and `outputs` (or ``G.graph["inputs"]``/``["outputs"]``) give their
    order. What the graph leaves out is left for the model's one set of defaults. Ids and
    weights are checked as everywhere else (numpy integers are ids; bools are neither ids
    nor weights).
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise NetworkError(f"from_networkx needs a networkx.DiGraph; received {describe(G)}")
    ids = {j: neuron_id(j, "each node of the graph") for j in G}
    hints, activations, aggregations, norms = {}, {}, {}, {}
    for j, data in G.nodes(data=True):
        if data.get("kind") is not None and ids[j]:
            hints[ids[j]] = data["kind"]
        if data.get("activation") is not None:
            activations[ids[j]] = data["activation"]
        if data.get("aggregation") is not None:
            aggregations[ids[j]] = data["aggregation"]
        if data.get("batch_norm") is not None:
            norms[ids[j]] = data["batch_norm"]
    inputs = inputs if inputs is not None else G.graph.get("inputs")
    outputs = outputs if outputs is not None else G.graph.get("outputs")
    edges, frozen, delays = {}, set(), {}
    for i, j, data in G.edges(data=True):
        if "weight" not in data:
            raise NetworkError(f"edge ({i}, {j}) of the graph has no 'weight' attribute")
        edges[ids[i], ids[j]] = weight(data["weight"], f"the weight of edge ({i}, {j})")
        if flag(data.get("frozen", False), f"the 'frozen' attribute of edge ({i}, {j})"):
            frozen.add((ids[i], ids[j]))
        if data.get("delay", 0):  # (a delay of 0 or None: an ordinary edge)
            delays[ids[i], ids[j]] = delay(data["delay"], f"the 'delay' attribute of edge "
                                                          f"({i}, {j})")
    order = list(edges)
    return dict(edges=edges, hints=hints, inputs=inputs, outputs=outputs, activation=activation,
                activations=activations, frozen=frozen, source="the graph",
                aggregations=aggregations, norms=norms, ties=list(G.graph.get("ties", [])),
                delays=delays, place_of=lambda edge: f"edges[{order.index(edge)}]")
