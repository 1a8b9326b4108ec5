"""Building networks from weight lists and layer sizes, with every input checked first."""

from collections.abc import Mapping

import networkx as nx

from . import _checks
from .errors import CycleError, NetworkError, describe
from .init import initialize


def from_weights(cls, weights, activation, activations, inputs, outputs):
    """Build `cls` from {(i, j): w_ij}; see :meth:`Network.from_weights`."""
    edges = _parse_weights(weights)
    graph = nx.DiGraph()
    graph.add_node(0)
    graph.add_edges_from(edges)
    ids = sorted(graph)
    if inputs is None:
        inputs = [j for j in ids if j != 0 and graph.in_degree(j) == 0]
    else:
        inputs = _id_list(inputs, "inputs")
        graph.add_nodes_from(inputs)
    input_set = set(inputs)
    processing = [j for j in sorted(graph) if j != 0 and j not in input_set]
    for j in inputs:
        if j == 0:
            raise NetworkError("neuron 0 is the bias neuron and cannot be an input")
        if graph.in_degree(j):
            raise NetworkError(f"input neuron {j} has incoming edges "
                               f"{sorted(graph.in_edges(j))}; inputs receive x_j only")
    if outputs is None:
        outputs = [j for j in processing if graph.out_degree(j) == 0]
    else:
        outputs = _id_list(outputs, "outputs")
        for k in outputs:
            if k not in processing:
                raise NetworkError(f"output {k} must be a processing neuron (one with incoming "
                                   f"edges); the processing neurons are {processing}")
    if not outputs:
        raise NetworkError(f"the network needs at least one output neuron; received edges "
                           f"{sorted(edges)} with no processing neuron")
    _raise_on_cycle(graph)
    overrides = dict(activations or {})
    for j in overrides:
        if j not in processing:
            raise NetworkError(f"activations names neuron {describe(j)}, which is not a "
                               f"processing neuron; the processing neurons are {processing}")
    net = cls()
    for j in inputs:
        net._insert_neuron(j, "input", None)
    for j in processing:
        kind = "output" if j in outputs else "hidden"
        net._insert_neuron(j, kind, overrides.get(j, activation))
    net._inputs, net._outputs = list(inputs), list(outputs)
    for (i, j), w_ij in edges.items():
        net._graph.add_edge(i, j, weight=w_ij)
    return net


def layered(cls, sizes, activation, output_activation, seed, epsilon, init, skip=False):
    """Build a layered `cls`; see :meth:`Network.layered`."""
    sizes = _layer_sizes(sizes)
    layers, first = [], 1
    for size in sizes:
        layers.append(list(range(first, first + size)))
        first += size
    edges = {}
    for k, layer in enumerate(layers[1:], start=1):
        sources = [i for earlier in (layers[:k] if skip else [layers[k - 1]]) for i in earlier]
        for j in layer:
            for i in [0, *sources]:
                edges[i, j] = 0.0
    overrides = {k: output_activation for k in layers[-1]} if output_activation else None
    net = cls.from_weights(edges, activation=activation, activations=overrides,
                           inputs=layers[0], outputs=layers[-1])
    initialize(net, init, seed=seed, epsilon=epsilon)
    return net


def _parse_weights(weights):
    """{(i, j): w_ij} from a mapping or an iterable of (i, j, w_ij), checked."""
    if isinstance(weights, Mapping):
        items = list(weights.items())
    else:
        try:
            triples = list(weights)
        except TypeError:
            raise NetworkError(f"weights must be a mapping {{(i, j): w}} or an iterable of "
                               f"(i, j, w); received {describe(weights)}") from None
        items = []
        for triple in triples:
            if not isinstance(triple, (tuple, list)) or len(triple) != 3:
                raise NetworkError(f"each weight must be a triple (i, j, w); "
                                   f"received {describe(triple)}")
            items.append(((triple[0], triple[1]), triple[2]))
    edges = {}
    for key, value in items:
        i, j = _checks.edge(tuple(key) if isinstance(key, list) else key, "a weight's key")
        if (i, j) in edges:
            raise NetworkError(f"edge ({i}, {j}) is given twice")
        if i == j:
            raise NetworkError(f"edge ({i}, {j}) is a self-loop; feedforward networks have none")
        if j == 0:
            raise NetworkError(f"edge ({i}, 0) enters the bias neuron 0, which has a_0 = 1 "
                               f"and no incoming edges")
        edges[i, j] = _checks.weight(value, f"w_{i},{j}")
    return edges


def _raise_on_cycle(graph):
    try:
        cycle_edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    cycle = [i for i, _ in cycle_edges] + [cycle_edges[0][0]]
    raise CycleError(f"the edges contain the cycle {' → '.join(map(str, cycle))}; "
                     f"feedforward networks are acyclic", cycle)


def _id_list(ids, what):
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise NetworkError(f"{what} must be a sequence of neuron ids; received {describe(ids)}")
    ids = [_checks.neuron_id(j, f"each of {what}") for j in ids]
    if len(set(ids)) != len(ids):
        raise NetworkError(f"{what} lists a neuron twice: {ids}")
    return ids


def _layer_sizes(sizes):
    try:
        sizes = [_checks.neuron_id(n, "each layer size") for n in sizes]
    except TypeError:
        raise NetworkError(f"sizes must be a sequence of layer sizes such as [2, 2, 1]; "
                           f"received {describe(sizes)}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise NetworkError(f"sizes needs at least two layers (inputs and outputs) of at least one "
                           f"neuron each; received {sizes}")
    return sizes
