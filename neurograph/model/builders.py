"""Describing networks from weight lists, layer sizes and layer matrices, as Blueprints.

Each builder only reads its arguments into a :class:`~neurograph.model.structure.Blueprint`;
:meth:`Network.from_blueprint` checks it by the one set of rules and builds it.
"""

import gc
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from .structure import Blueprint

__all__ = ["weights_blueprint", "layered_blueprint", "layers_blueprint", "building",
           "check_edge_count", "MAX_EDGES"]

MAX_EDGES = 50_000_000
"""More edges than this do not fit in this machine's memory as neurons and edges."""


@contextmanager
def building():
    """Pause Python's cyclic garbage collector while a network is built, compiled or saved.

    That work makes millions of small objects and no reference cycles, so the collector's
    passes over them are pure cost (a third of loading a million-edge file). Reference
    counting still frees everything as usual; the collector runs again afterwards.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def check_edge_count(count, what):
    """Refuse, before anything is allocated, a network of more than :data:`MAX_EDGES` edges.

    `what` begins the message, naming the sizes that ask for `count` edges (``"sizes [2, 3]
    make"``), so that a network too large to hold is a NetworkError, never a MemoryError.
    """
    if count > MAX_EDGES:
        raise NetworkError(f"{what} {count:,} edges; at most {MAX_EDGES:,} fit in memory")


def weights_blueprint(weights, activation="logistic", activations=None, inputs=None,
                      outputs=None, aggregations=None, delays=None):
    """The Blueprint of ``Network.from_weights``: exactly the edges and weights given."""
    return Blueprint(edges=_parse_weights(weights), inputs=inputs, outputs=outputs,
                     activation=activation, activations=_overrides(activations),
                     aggregations=_overrides(aggregations, "aggregations"),
                     delays=_delays(delays))


def layered_blueprint(sizes, activation="logistic", output_activation=None, skip=False):
    """The Blueprint of ``Network.layered`` (all weights 0): lecture numbering, bias edges."""
    sizes = _layer_sizes(sizes)
    skip = checks.flag(skip, "skip")
    layers, first = [], 1
    for size in sizes:
        layers.append(range(first, first + size))
        first += size
    check_edge_count(sum(size * (1 + sum(sizes[:k] if skip else sizes[k - 1:k]))
                         for k, size in enumerate(sizes[1:], start=1)), f"sizes {sizes} make")
    edges = {}
    for k, layer in enumerate(layers[1:], start=1):
        sources = [i for earlier in (layers[:k] if skip else [layers[k - 1]]) for i in earlier]
        for j in layer:
            edges[0, j] = 0.0
            edges.update(dict.fromkeys([(i, j) for i in sources], 0.0))
    overrides = dict.fromkeys(layers[-1], output_activation) if output_activation else {}
    return Blueprint(edges=edges, inputs=list(layers[0]), outputs=list(layers[-1]),
                     activation=activation, activations=overrides)


def layers_blueprint(Ws, bs, activation="logistic", output_activation=None):
    """The Blueprint of ``Network.from_layers``: W^2 … W^L and b^2 … b^L, lecture numbering."""
    if any(isinstance(v, (str, bytes)) or not hasattr(v, "__iter__") for v in (Ws, bs)):
        raise NetworkError(f"Ws and bs must be sequences of matrices and vectors of numbers; "
                           f"received {describe(Ws)} and {describe(bs)}")
    Ws = [_weights(W, f"W^{l}") for l, W in enumerate(Ws, start=2)]
    bs = [_weights(b, f"b^{l}") for l, b in enumerate(bs, start=2)]
    if not Ws or len(Ws) != len(bs):
        raise NetworkError(f"from_layers needs one W^l and one b^l per layer after the inputs; "
                           f"received {len(Ws)} matrices and {len(bs)} bias vectors")
    sizes = [Ws[0].shape[1] if Ws[0].ndim == 2 else 0]
    for l, (W, b) in enumerate(zip(Ws, bs), start=2):
        if W.ndim != 2 or W.shape[1] != sizes[-1] or b.shape != (W.shape[0],):
            raise NetworkError(f"W^{l} must be {'rows' if W.ndim != 2 else W.shape[0]} × "
                               f"{sizes[-1]} (one column per neuron of layer {l - 1}) and b^{l} "
                               f"must have one entry per row; received W^{l} of shape {W.shape} "
                               f"and b^{l} of shape {b.shape}")
        sizes.append(W.shape[0])
    if min(sizes) < 1:
        raise NetworkError(f"from_layers needs at least one neuron in every layer; the matrices' "
                           f"shapes make layers of {sizes} neurons")
    first, ids = 1, []
    for size in sizes:
        ids.append(list(range(first, first + size)))
        first += size
    edges = {}
    for previous, layer, W, b in zip(ids, ids[1:], Ws, bs):
        for r, j in enumerate(layer):
            edges[0, j] = checks.weight(float(b[r]), f"b[{r}] of neuron {j}")
            for c, i in enumerate(previous):
                edges[i, j] = checks.weight(float(W[r, c]), f"W[{r}, {c}] (w_{i},{j})")
    overrides = dict.fromkeys(ids[-1], output_activation) if output_activation else {}
    return Blueprint(edges=edges, inputs=ids[0], outputs=ids[-1], activation=activation,
                     activations=overrides)


def _weights(values, what):
    """`values` (a matrix or vector of weights) as a float array, every entry checked as
    :meth:`Network.from_weights` checks a weight: strings, booleans, complex numbers and
    None are refused, not converted."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError, OverflowError):  # ragged nesting
        array = None
    if array is None or array.dtype.kind not in "iuf":
        if array is None or array.dtype.kind not in "bcOSU":
            raise NetworkError(f"{what} must be an array of real numbers; received "
                               f"{describe(values)}")
        for index in np.ndindex(array.shape):  # the first entry from_weights would refuse
            checks.weight(array[index].item() if array.dtype.kind != "O" else array[index],
                          f"{what}{list(index)}")
        array = np.array(array.tolist(), dtype=float)  # Python ints, each one checked
    return array.astype(float, copy=False)


def _parse_weights(weights):
    """{(i, j): w_ij} from a mapping or an iterable of (i, j, w_ij), checked."""
    if isinstance(weights, Mapping):
        items = weights.items()
    else:
        if isinstance(weights, (str, bytes)) or not hasattr(weights, "__iter__"):
            raise NetworkError(f"weights must be a mapping {{(i, j): w}} or an iterable of "
                               f"(i, j, w); received {describe(weights)}")
        items = map(_triple, weights)
    edges, limit = {}, checks.WEIGHT_LIMIT
    for key, value in items:
        if type(key) is tuple and len(key) == 2 and type(key[0]) is int \
                and type(key[1]) is int and 0 <= key[0] <= checks.MAX_ID \
                and 0 <= key[1] <= checks.MAX_ID:
            i, j = key  # the common case, cheaply (and the caller's key is kept, not copied)
        else:
            i, j = key = checks.edge(key, "a weight's key")
        if key in edges:
            raise NetworkError(f"edge ({i}, {j}) is given twice")
        edges[key] = value if type(value) is float and -limit <= value <= limit \
            else checks.weight(value, f"w_{i},{j}")
    return edges


def _triple(triple):
    if not isinstance(triple, (tuple, list)) or len(triple) != 3:
        raise NetworkError(f"each weight must be a triple (i, j, w); received {describe(triple)}")
    return (triple[0], triple[1]), triple[2]


def _overrides(values, what="activations"):
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise NetworkError(f"{what} must be a mapping {{j: {what[:-1]}}}; "
                           f"received {describe(values)}")
    return {checks.neuron_id(j, f"each key of {what}"): g for j, g in values.items()}


def _delays(values):
    """``{(i, j): d}`` as given (the structure's rules check each edge and delay)."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise NetworkError(f"delays must be a mapping {{(i, j): d}}; received {describe(values)}")
    return dict(values)


def _layer_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise NetworkError(f"sizes must be a sequence of layer sizes such as [2, 2, 1]; "
                           f"received {describe(sizes)}")
    sizes = [checks.neuron_id(n, "each layer size") for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise NetworkError(f"sizes needs at least two layers (inputs and outputs) of at least one "
                           f"neuron each; received {sizes}")
    if sum(sizes) > checks.MAX_ID:
        raise NetworkError(f"sizes {sizes} need more neuron ids than there are (2³¹ − 1)")
    return sizes
