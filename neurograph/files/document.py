"""A network as a document: plain data that JSON holds, checked field by field.

The document is the one description of a network that every file format and
networkx share: :func:`to_document` reads a network through its public interface,
and :func:`contents` checks a document's fields and returns its parts, from which
``Network.from_document`` makes a Blueprint, checks it by the structure's rules and
builds it. The files layer sits below the model: it imports nothing of it.
No pickle, and nothing in a file is ever run: a user-made activation is found by
its name in the ``activations`` given to ``load``. The formats: docs/format.md.
"""

import json

from .. import checks
from ..checks import MAX_ID, WEIGHT_LIMIT
from ..errors import NetworkError, excerpt
from .atomic import writable, write_atomically
from .fields import NORM_FIELDS
from .paths import path_of, shown
from .reading import read_json, read_text

__all__ = ["FORMAT", "VERSION", "TEXT_SUFFIXES", "to_document", "contents", "rbm_contents",
           "save_json", "read", "save",
           "format_json"]

FORMAT, VERSION = "neurograph", 2
VERSIONS = (1, 2)
"""Version 2 adds aggregations, batch normalization, tied edges and delays; a network without them
is written as version 1, which earlier readers still read (and a version-1 file holding
them is refused)."""
NEWER = {"ties": "ties", "aggregation": "aggregations", "batch_norm": "batch norms",
         "delay": "delays"}
"""What version 2 added, by key: none of it may stand in a version-1 document."""

TEXT_SUFFIXES = (".txt", ".edges", ".edgelist")
SUFFIXES = (".json", *TEXT_SUFFIXES)


def to_document(net):
    """The network as plain data: what a JSON file holds.

    Examples
    --------
    >>> import neurograph as ng
    >>> doc = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}).to_document()
    >>> doc["inputs"], doc["outputs"], doc["edges"][0]
    ([1], [2], {'from': 0, 'to': 2, 'weight': 0.5})
    """
    neurons, newer = [], bool(net.ties)
    for n in net.neurons:
        entry = {"id": n.id, "kind": n.kind}
        if n.activation is not None:
            entry["activation"] = n.activation.name
        if n.aggregation is not None and not n.aggregation.is_sum:
            entry["aggregation"] = str(n.aggregation)
            newer = True
        if n.norm is not None:
            entry["batch_norm"] = {name: getattr(n.norm, name) for name in NORM_FIELDS}
            newer = True
        neurons.append(entry)
    frozen, delays = set(net.frozen), net.delays
    edges = []
    for (i, j), w_ij in net.w.items():
        edge = {"from": i, "to": j, "weight": w_ij}
        if (i, j) in frozen:
            edge["frozen"] = True
        if (i, j) in delays:
            edge["delay"] = delays[i, j]
        edges.append(edge)
    newer = newer or bool(delays)
    doc = {"format": FORMAT, "version": VERSION if newer else 1, "neurons": neurons,
           "inputs": net.inputs, "outputs": net.outputs, "edges": edges}
    if net.ties:
        doc["ties"] = [[list(edge) for edge in group] for group in net.ties]
    return doc


def contents(doc, source="the network", consume=False):
    """Check a document's fields; return its parts, as the model's Blueprint takes them.

    Returns a dict: ``edges`` ({(i, j): w_ij}), ``kinds``, ``inputs``, ``outputs``,
    ``activations`` ({j: name}), ``frozen``, ``source``, and ``place_of`` and
    ``neuron_place``, which say where an edge or a neuron stands in the source.

    Parameters
    ----------
    doc : dict
        As :func:`to_document` makes it.
    source : str
        How errors name where the document came from (a file's name).
    consume : bool, default False
        Let go of each edge's entry once it is read (``doc["edges"][k]`` becomes None): for
        a document read from a file and used once, so that the entries' memory serves the
        network as it is built.

    Raises
    ------
    NetworkError
        Naming `source`, the place in the document and the problem.
    """
    def fail(where, message):
        raise NetworkError(f"{source}: {where}: {message}")

    version = _header(doc, fail, "neurons, inputs, outputs and edges")
    for key in ("neurons", "inputs", "outputs", "edges"):
        if not isinstance(doc.get(key), list):
            fail(key, f"expected a list; received {_kind(doc.get(key))}")
    kinds, chosen, listed_at, aggregations, norms = {}, {}, {}, {}, {}
    for k, entry in enumerate(doc["neurons"]):
        where = f"neurons[{k}]"
        if not isinstance(entry, dict):
            fail(where, f"expected an object with id and kind; received {_kind(entry)}")
        j = _id(entry.get("id"), f"{where}.id", fail)
        if j in kinds or (j == 0 and 0 in chosen):
            fail(f"{where}.id", f"neuron {j} is listed twice")
        kind = entry.get("kind")
        if kind not in ("bias", "input", "hidden", "output") or (kind == "bias") != (j == 0):
            fail(f"{where}.kind", f"expected 'bias' for neuron 0, else 'input', 'hidden' or "
                                  f"'output'; received {_short(kind)} for neuron {j}")
        if kind in ("hidden", "output"):
            name = entry.get("activation")
            if not isinstance(name, str):
                fail(f"{where}.activation", f"expected the name of neuron {j}'s activation; "
                                            f"received {_short(name)}")
            chosen[j] = name
            listed_at[j] = k
            for key in ("aggregation", "batch_norm"):
                if key in entry and version < 2:
                    _older(f"{where}.{key}", key, fail)
            if "aggregation" in entry:
                if not isinstance(entry["aggregation"], str):
                    fail(f"{where}.aggregation", f"expected 'sum', 'max' or 'product'; received "
                                                 f"{_short(entry['aggregation'])}")
                aggregations[j] = entry["aggregation"]
            if "batch_norm" in entry:
                norms[j] = _norm(entry["batch_norm"], f"{where}.batch_norm", fail)
        elif "activation" in entry:
            fail(f"{where}.activation", f"{'the bias' if j == 0 else 'an input'} neuron has no "
                                        f"activation (neuron {j})")
        if j:
            kinds[j] = kind
        else:
            chosen[0] = None  # the bias neuron is listed
    if 0 not in chosen:
        fail("neurons", "expected the bias neuron {\"id\": 0, \"kind\": \"bias\"}")
    del chosen[0]
    inputs = [_id(v, f"inputs[{k}]", fail) for k, v in enumerate(doc["inputs"])]
    outputs = [_id(v, f"outputs[{k}]", fail) for k, v in enumerate(doc["outputs"])]

    edges, frozen, delays, entries = {}, set(), {}, doc["edges"]
    for k, entry in enumerate(entries):
        if consume:
            entries[k] = None
        if type(entry) is dict and len(entry) == 3:  # the common case, checked cheaply
            i, j, w_ij = entry.get("from"), entry.get("to"), entry.get("weight")
            if type(i) is int and type(j) is int and type(w_ij) is float \
                    and 0 <= i <= MAX_ID and 0 <= j <= MAX_ID \
                    and -WEIGHT_LIMIT <= w_ij <= WEIGHT_LIMIT and (i, j) not in edges:
                edges[i, j] = w_ij
                continue
        where = f"edges[{k}]"
        if not isinstance(entry, dict):
            fail(where, f"expected an object with from, to and weight; received {_kind(entry)}")
        i = _id(entry.get("from"), f"{where}.from", fail)
        j = _id(entry.get("to"), f"{where}.to", fail)
        w_ij = _number(entry.get("weight"), f"{where}.weight", fail, checks.weight)
        if (i, j) in edges:
            fail(where, f"edge ({i}, {j}) is given twice")
        edges[i, j] = w_ij
        is_frozen = entry.get("frozen", False)
        if is_frozen is not True and is_frozen is not False:
            fail(f"{where}.frozen", f"expected true or false; received {_short(is_frozen)}")
        if is_frozen:
            frozen.add((i, j))
        if "delay" in entry:
            if version < 2:
                _older(f"{where}.delay", "delay", fail)
            d = entry["delay"]
            if type(d) is not int or not 1 <= d <= checks.MAX_DELAY:
                fail(f"{where}.delay", f"expected a whole number of time steps from 1 to "
                                       f"{checks.MAX_DELAY}; received {_short(d)}")
            delays[i, j] = d
    ties = []
    if "ties" in doc:
        if version < 2:
            _older("ties", "ties", fail)
        if not isinstance(doc["ties"], list):
            fail("ties", f"expected a list of groups of edges; received {_kind(doc['ties'])}")
        for k, group in enumerate(doc["ties"]):
            if not isinstance(group, list):
                fail(f"ties[{k}]", f"expected a list of edges [i, j]; received {_kind(group)}")
            ties.append([_edge(pair, f"ties[{k}][{m}]", fail) for m, pair in enumerate(group)])
    return dict(edges=edges, kinds=kinds, inputs=inputs, outputs=outputs, activations=chosen,
                frozen=frozen, source=source, aggregations=aggregations, norms=norms, ties=ties,
                delays=delays,
                place_of=lambda edge: f"edges[{list(edges).index(edge)}]",
                neuron_place=lambda j: f"neurons[{listed_at[j]}].activation")


def rbm_contents(doc, source="the RBM"):
    """(visible ids, hidden ids, {(i, j): w}) of an RBM document, its fields checked.

    The document lists every edge, as :meth:`RBM.to_document` writes it: V·H weights and
    V + H biases (so a file's size bounds the RBM it makes).
    """
    def fail(where, message):
        raise NetworkError(f"{source}: {where}: {message}")

    _header(doc, fail, "kind, visible, hidden and edges")
    for key in ("visible", "hidden", "edges"):
        if not isinstance(doc.get(key), list):
            fail(key, f"expected a list; received {_kind(doc.get(key))}")
    visible = [_id(v, f"visible[{k}]", fail) for k, v in enumerate(doc["visible"])]
    hidden = [_id(v, f"hidden[{k}]", fail) for k, v in enumerate(doc["hidden"])]
    V, H = len(visible), len(hidden)
    if not V or not H or visible != list(range(1, V + 1)) \
            or hidden != list(range(V + 1, V + H + 1)):
        fail("visible", f"expected visible 1 … V and hidden V + 1 … V + H; received "
                        f"{_short(visible)} and {_short(hidden)}")
    edges = {}
    for k, entry in enumerate(doc["edges"]):
        where = f"edges[{k}]"
        if not isinstance(entry, dict):
            fail(where, f"expected an object with from, to and weight; received {_kind(entry)}")
        i = _id(entry.get("from"), f"{where}.from", fail)
        j = _id(entry.get("to"), f"{where}.to", fail)
        w = _number(entry.get("weight"), f"{where}.weight", fail, checks.weight)
        if not ((i == 0 and 1 <= j <= V + H) or (1 <= i <= V < j <= V + H)):
            fail(where, f"edge ({i}, {j}) joins no visible neuron to a hidden one (nor 0 to "
                        f"a neuron)")
        if (i, j) in edges:
            fail(where, f"edge ({i}, {j}) is given twice")
        edges[i, j] = w
    if len(edges) != V * H + V + H:  # each edge once: all of them (before V × H are made)
        fail("edges", f"expected every weight and bias of {V} visible and {H} hidden neurons, "
                      f"V·H + V + H = {V * H + V + H:,} edges; received {len(edges):,}")
    return visible, hidden, edges


def save_json(doc, path):
    """Write a document as JSON (.json only), atomically."""
    path = writable(path, (".json",), "an RBM file's name")
    data = (json.dumps(doc, indent=1) + "\n").encode("utf-8")
    return write_atomically(path, lambda handle: handle.write(data))


def format_json(doc):
    """The JSON text of a document: one neuron and one edge per line.

    Floats are written as Python's shortest exact representation (as ``json`` does),
    so they are read back to the last bit.
    """
    return "".join(json_pieces(doc))


def json_pieces(doc, edges_per_piece=20_000):
    """:func:`format_json`'s text in pieces (the head, then the edges some thousands at a
    time), so that a file of millions of edges is written without its whole text in memory."""
    head = {key: value for key, value in doc.items() if key not in ("neurons", "edges")}
    lines = ["{"]
    lines += [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()
              if key not in ("inputs", "outputs", "ties")]
    lines.append(' "neurons": [')
    lines.append(",\n".join(f"  {json.dumps(n)}" for n in doc["neurons"]))
    lines.append(" ],")
    lines.append(f' "inputs": {json.dumps(doc["inputs"])},')
    lines.append(f' "outputs": {json.dumps(doc["outputs"])},')
    if "ties" in doc:
        lines.append(f' "ties": {json.dumps(doc["ties"])},')
    lines.append(' "edges": [')
    yield "\n".join(lines) + "\n"
    frozen, delay = ', "frozen": true', ', "delay": '
    edges = doc["edges"]
    for start in range(0, len(edges), edges_per_piece):
        piece = ",\n".join(
            f'  {{"from": {e["from"]}, "to": {e["to"]}, "weight": {float(e["weight"])!r}'
            f'{frozen if e.get("frozen") else ""}'
            f'{delay + str(e["delay"]) if "delay" in e else ""}}}'
            for e in edges[start:start + edges_per_piece])
        yield piece + (",\n" if start + edges_per_piece < len(edges) else "\n")
    yield " ]\n}\n"


def save(doc, path):
    """Write a document as JSON (.json) or an edge list (.txt, .edges, .edgelist), atomically."""
    path = writable(path, SUFFIXES, "a network file's name")
    if path.suffix.lower() in TEXT_SUFFIXES:
        from .edgelist import format_edge_list
        pieces = [format_edge_list(doc)]
    else:
        pieces = json_pieces(doc)

    def write(handle):
        for piece in pieces:
            handle.write(piece.encode("utf-8"))

    return write_atomically(path, write)


def read(path):
    """The :func:`contents` of a network file (JSON or an edge list, by its extension),
    its fields checked; the model checks the rest. An RBM's JSON gives
    ``{"rbm": document, "source": name}``.

    The file is read through :mod:`neurograph.files.reading`: a regular file of at most
    :data:`~neurograph.files.reading.READ_LIMIT` bytes (256 MiB), its JSON strictly.
    """
    path = path_of(path, "a network file's name")
    source = shown(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise NetworkError(f"{source}: cannot tell the format: expected a name ending in "
                           f"{', '.join(SUFFIXES)}")
    if suffix in TEXT_SUFFIXES:
        from .edgelist import contents as edge_list_contents
        return edge_list_contents(read_text(path, "a network file"), source)
    doc = read_json(path, "a JSON network")
    if isinstance(doc, dict) and doc.get("kind") == "rbm":  # the model builds it: RBM
        return {"rbm": doc, "source": source}
    return contents(doc, source, consume=True)


def _short(value):
    if isinstance(value, str) and len(value) > 60:
        value = value[:60]  # never repr a huge string whole
    return excerpt(repr(value))


def _kind(value):
    return f"{type(value).__name__} {_short(value)}"


def _norm(value, where, fail):
    """A batch norm's numbers: an object with some of NORM_FIELDS, each as
    :data:`neurograph.checks.BATCH_NORM` accepts it."""
    if not isinstance(value, dict):
        fail(where, f"expected an object with {', '.join(NORM_FIELDS)}; received {_kind(value)}")
    for key in value:
        if key not in NORM_FIELDS:
            fail(f"{where}.{key}", f"expected one of {', '.join(NORM_FIELDS)}")
    return {key: _number(number, f"{where}.{key}", fail, checks.BATCH_NORM[key])
            for key, number in value.items()}


def _number(value, where, fail, rule):
    """A JSON number checked by `rule` (:func:`neurograph.checks.weight`, a BATCH_NORM
    entry), as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(where, f"expected a finite number; received {_short(value)}")
    try:
        return rule(value)
    except NetworkError as error:
        fail(where, str(error))


def _header(doc, fail, keys):
    """The version of a document whose format and version are ones this reader knows."""
    if not isinstance(doc, dict):
        fail("the top level", f"expected an object with the keys format, version, {keys}; "
                              f"received {_kind(doc)}")
    if doc.get("format") != FORMAT:
        fail("format", f"expected {FORMAT!r}; received {_short(doc.get('format'))}")
    version = doc.get("version")
    if type(version) is not int or version not in VERSIONS:
        fail("version", f"expected {' or '.join(map(str, VERSIONS))} (the versions this "
                        f"neurograph reads); received {_short(version)}")
    return version


def _older(where, key, fail):
    fail(where, f"version 1 has no {NEWER[key]}; a file that holds them is version 2")


def _edge(value, where, fail):
    if not isinstance(value, list) or len(value) != 2:
        fail(where, f"expected an edge [i, j]; received {_short(value)}")
    return _id(value[0], where, fail), _id(value[1], where, fail)


def _id(value, where, fail):
    if type(value) is int and 0 <= value <= MAX_ID:
        return value
    fail(where, f"expected a neuron id, an integer from 0 to {MAX_ID}; received {_short(value)}")
