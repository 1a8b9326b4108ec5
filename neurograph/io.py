"""Networks as files (JSON, or an edge list typed by hand) and as networkx graphs.

Every way in goes through :func:`from_document`, which checks everything —
types, ids, kinds, duplicate edges, cycles, edges into neuron 0 or an input,
activation names, finite weights — before it builds anything, and says what is
wrong and where. No pickle, and nothing in a file is ever run: a user-made
activation is found by its name in the ``activations`` given to :func:`load`.
The formats are described in docs/format.md.
"""

import json
import math
from pathlib import Path

import networkx as nx

from ._files import writable, write_atomically
from .activations import ACTIVATIONS, ALIASES, Activation
from .errors import CycleError, NetworkError

__all__ = ["save", "load", "to_document", "from_document", "to_networkx", "from_networkx",
           "FORMAT", "VERSION", "MAX_ID"]

FORMAT, VERSION = "neurograph", 1
MAX_ID = 2 ** 31 - 1
TEXT_SUFFIXES = (".txt", ".edges", ".edgelist")
PROCESSING = ("hidden", "output")


# ------------------------------------------------------------------- documents


def to_document(net):
    """The network as plain data: what a JSON file holds.

    Examples
    --------
    >>> import neurograph as ng
    >>> doc = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}).to_document()
    >>> doc["inputs"], doc["outputs"], doc["edges"][0]
    ([1], [2], {'from': 0, 'to': 2, 'weight': 0.5})
    """
    neurons = []
    for n in net.neurons:
        entry = {"id": n.id, "kind": n.kind}
        if n.activation is not None:
            entry["activation"] = n.activation.name
        neurons.append(entry)
    edges = []
    for (i, j), w_ij in net.w.items():
        edge = {"from": i, "to": j, "weight": w_ij}
        if net.graph.edges[i, j].get("frozen"):
            edge["frozen"] = True
        edges.append(edge)
    return {"format": FORMAT, "version": VERSION, "neurons": neurons, "inputs": net.inputs,
            "outputs": net.outputs, "edges": edges}


def from_document(doc, source="the network", activations=None, network_class=None):
    """Check a document completely, then build the network it describes.

    Parameters
    ----------
    doc : dict
        As :func:`to_document` makes it.
    source : str
        How errors name where the document came from (a file's name).
    activations : mapping, optional
        ``{name: Activation}`` for user-made activations named in the document.

    Raises
    ------
    NetworkError
        Naming `source`, the place in the document and the problem.
    """
    if network_class is None:
        from .network import Network as network_class

    def fail(where, message):
        raise NetworkError(f"{source}: {where}: {message}")

    if not isinstance(doc, dict):
        fail("the top level", f"expected an object with the keys format, version, neurons, "
                              f"inputs, outputs and edges; received {_kind(doc)}")
    if doc.get("format") != FORMAT:
        fail("format", f"expected {FORMAT!r}; received {doc.get('format')!r}")
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        fail("version", f"expected {VERSION} (this neurograph reads version {VERSION}); "
                        f"received {doc.get('version')!r}")
    for key in ("neurons", "inputs", "outputs", "edges"):
        if not isinstance(doc.get(key), list):
            fail(key, f"expected a list; received {_kind(doc.get(key))}")
    known = dict(ACTIVATIONS)
    known.update({alias: ACTIVATIONS[name] for alias, name in ALIASES.items()})
    for name, activation in (activations or {}).items():
        if not isinstance(activation, Activation):
            raise NetworkError(f"activations must map names to Activation objects; "
                               f"{name!r} maps to {_kind(activation)}")
        known[name] = activation

    kinds, chosen = {}, {}
    for k, entry in enumerate(doc["neurons"]):
        where = f"neurons[{k}]"
        if not isinstance(entry, dict):
            fail(where, f"expected an object with id and kind; received {_kind(entry)}")
        j = _id(entry.get("id"), f"{where}.id", fail)
        if j in kinds:
            fail(f"{where}.id", f"neuron {j} is listed twice")
        kind = entry.get("kind")
        if kind not in ("bias", "input", "hidden", "output") or (kind == "bias") != (j == 0):
            fail(f"{where}.kind", f"expected 'bias' for neuron 0, else 'input', 'hidden' or "
                                  f"'output'; received {kind!r} for neuron {j}")
        kinds[j] = kind
        if kind in PROCESSING:
            name = entry.get("activation")
            if name not in known:
                fail(f"{where}.activation",
                     f"unknown activation {name!r} for neuron {j}; expected one of "
                     f"{', '.join(sorted(known))} (pass a user-made one to load(activations=…))")
            chosen[j] = known[name]
        elif "activation" in entry:
            fail(f"{where}.activation", f"a {kind} neuron has no activation (neuron {j})")
    inputs = _ids(doc["inputs"], "inputs", fail)
    outputs = _ids(doc["outputs"], "outputs", fail)
    for key, ids, kind, order in (("inputs", inputs, "input", "x"),
                                  ("outputs", outputs, "output", "y")):
        of_kind = sorted(j for j, k in kinds.items() if k == kind)
        if sorted(ids) != of_kind:
            fail(key, f"expected every {kind} neuron once, in the order of {order}; received "
                      f"{ids} for the {kind} neurons {of_kind}")

    graph = nx.DiGraph()
    graph.add_nodes_from(kinds)
    graph.add_node(0)
    frozen = []
    for k, entry in enumerate(doc["edges"]):
        where = f"edges[{k}]"
        if not isinstance(entry, dict):
            fail(where, f"expected an object with from, to and weight; received {_kind(entry)}")
        i = _id(entry.get("from"), f"{where}.from", fail)
        j = _id(entry.get("to"), f"{where}.to", fail)
        w_ij = entry.get("weight")
        if isinstance(w_ij, bool) or not isinstance(w_ij, (int, float)) or not math.isfinite(w_ij):
            fail(f"{where}.weight", f"expected a finite number; received {w_ij!r}")
        for end in (i, j):
            if end not in graph:
                fail(where, f"neuron {end} of edge ({i}, {j}) is not among the neurons")
        if graph.has_edge(i, j):
            fail(where, f"edge ({i}, {j}) is given twice")
        if i == j:
            fail(where, f"edge ({i}, {j}) is a self-loop")
        if j == 0 or kinds.get(j) == "input":
            fail(where, f"edge ({i}, {j}) enters the {'bias' if j == 0 else 'input'} neuron "
                        f"{j}, which takes no incoming edges")
        if entry.get("frozen", False) not in (True, False):
            fail(f"{where}.frozen", f"expected true or false; received {entry['frozen']!r}")
        graph.add_edge(i, j, weight=float(w_ij))
        if entry.get("frozen"):
            frozen.append((i, j))
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        ids = [i for i, _ in cycle] + [cycle[0][0]]
        raise CycleError(f"{source}: edges: they contain the cycle "
                         f"{' → '.join(map(str, ids))}; feedforward networks are acyclic", ids)
    if not outputs:  # after the cycles: a cycle leaves no neuron without outgoing edges
        fail("outputs", "a network needs at least one output neuron")

    net = network_class()
    for j in sorted(kinds):
        if j:
            net._insert_neuron(j, kinds[j], chosen.get(j))
    net._inputs, net._outputs = inputs, outputs
    for i, j, data in graph.edges(data=True):
        net._graph.add_edge(i, j, **data)
    for i, j in frozen:
        net._graph.edges[i, j]["frozen"] = True
    return net


def _kind(value):
    return f"{type(value).__name__} {value!r}"[:80]


def _id(value, where, fail):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        fail(where, f"expected a neuron id, an integer from 0 to {MAX_ID}; received {value!r}")
    return value


def _ids(values, where, fail):
    ids = [_id(v, f"{where}[{k}]", fail) for k, v in enumerate(values)]
    if len(set(ids)) != len(ids):
        fail(where, f"a neuron is listed twice: {ids}")
    return ids


# ------------------------------------------------------------------------ files


def save(net, path):
    """Write `net` to a JSON file (or an edge list for .txt/.edges), whole or not at all.

    Floats are written with as many digits as they need to be read back exactly.
    """
    path = writable(path, (".json", *TEXT_SUFFIXES), "a network file's name")
    if path.suffix.lower() in TEXT_SUFFIXES:
        from .edgelist import format_edge_list
        text = format_edge_list(net)
    else:
        text = json.dumps(to_document(net), indent=1, allow_nan=False) + "\n"
    return write_atomically(path, lambda temporary: Path(temporary).write_text(
        text, encoding="utf-8"))


def load(path, activations=None):
    """Read a network from a JSON file, or from an edge list (.txt, .edges, .edgelist).

    Parameters
    ----------
    path : str or Path
    activations : mapping, optional
        ``{name: Activation}`` for user-made activations the file names.

    Raises
    ------
    NetworkError
        Naming the file and what is wrong in it; no network is returned.
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetworkError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NetworkError(f"{source}: cannot be read as UTF-8 text ({error})") from None
    if path.suffix.lower() in TEXT_SUFFIXES:
        from .edgelist import parse_edge_list
        doc = parse_edge_list(text, source)
    elif path.suffix.lower() == ".json":
        if not text.strip():
            raise NetworkError(f"{source}: the file is empty; expected a JSON network")
        try:
            doc = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            raise NetworkError(f"{source}: not valid JSON at line {error.lineno}, column "
                               f"{error.colno}: {error.msg}") from None
        except ValueError as error:
            raise NetworkError(f"{source}: {error}") from None
    else:
        raise NetworkError(f"{source}: cannot tell the format: expected a name ending in .json, "
                           f"{', '.join(TEXT_SUFFIXES)}")
    return from_document(doc, source, activations)


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number a network can hold; weights must be finite")


# ---------------------------------------------------------------------- networkx


def to_networkx(net):
    """A new ``networkx.DiGraph``: nodes with ``kind`` and ``activation`` (a name, or None),
    edges with ``weight`` (and ``frozen`` when set); ``G.graph`` holds inputs and outputs."""
    doc = to_document(net)
    G = nx.DiGraph(inputs=list(doc["inputs"]), outputs=list(doc["outputs"]))
    for entry in doc["neurons"]:
        G.add_node(entry["id"], kind=entry["kind"], activation=entry.get("activation"))
    for edge in doc["edges"]:
        G.add_edge(edge["from"], edge["to"], weight=edge["weight"],
                   **({"frozen": True} if edge.get("frozen") else {}))
    return G


def from_networkx(G, activation="logistic", inputs=None, outputs=None, activations=None,
                  network_class=None):
    """Build a network from a ``networkx.DiGraph`` whose edges carry ``weight``.

    Node attributes ``kind`` and ``activation`` are used where present; otherwise
    kinds are inferred as :meth:`Network.from_weights` does (inputs: no incoming
    edge; outputs: no outgoing edge) and `activation` is every processing
    neuron's g. `inputs` and `outputs` (or ``G.graph["inputs"]``/``["outputs"]``)
    give their order. Checked as a file is.
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise NetworkError(f"from_networkx needs a networkx.DiGraph; received {_kind(G)}")
    nodes = set(G) | {0}
    for j in nodes:
        if isinstance(j, bool) or not isinstance(j, int):
            raise NetworkError(f"the graph's nodes must be integer neuron ids; received {j!r}")
    kind = {j: G.nodes[j].get("kind") if j in G else "bias" for j in nodes}
    inputs = list(inputs if inputs is not None else G.graph.get("inputs") or sorted(
        j for j in nodes if j != 0 and (kind[j] == "input" or (kind[j] is None and
                                                                G.in_degree(j) == 0))))
    outputs = list(outputs if outputs is not None else G.graph.get("outputs") or sorted(
        j for j in nodes if j != 0 and j not in inputs and (
            kind[j] == "output" or (kind[j] is None and G.out_degree(j) == 0))))
    neurons = [{"id": 0, "kind": "bias"}]
    for j in sorted(nodes - {0}):
        k = "input" if j in inputs else "output" if j in outputs else "hidden"
        entry = {"id": j, "kind": k}
        if k != "input":
            g = G.nodes[j].get("activation") or activation
            entry["activation"] = g.name if isinstance(g, Activation) else g
            if isinstance(g, Activation):
                activations = {**(activations or {}), g.name: g}
        neurons.append(entry)
    edges = []
    for i, j, data in G.edges(data=True):
        if "weight" not in data:
            raise NetworkError(f"edge ({i}, {j}) of the graph has no 'weight' attribute")
        weight = data["weight"]
        edges.append({"from": i, "to": j,
                      "weight": float(weight) if type(weight).__module__ == "numpy" else weight,
                      **({"frozen": True} if data.get("frozen") else {})})
    doc = {"format": FORMAT, "version": VERSION, "neurons": neurons, "inputs": inputs,
           "outputs": outputs, "edges": edges}
    return from_document(doc, "the graph", activations, network_class)
