"""Inputs as features: TensorFlow Playground's x₁², x₂², x₁x₂, sin x₁ and sin x₂ in the network.

A *feature* is a neuron of the network that computes a fixed function of the raw inputs:
a hidden neuron fed only by input neurons, through frozen edges of weight 1, with no bias
edge. ``x1^2`` is a square neuron fed by x₁, ``sin(x2)`` a sin neuron fed by x₂, and
``x1*x2`` a product neuron (identity g) fed by x₁ and x₂. Being ordinary neurons with frozen
edges, features are saved with the network, trained around (never changed) by every engine,
drawn and explained like any other neuron, and ``predict`` takes the raw x.

:func:`evolve <neurograph.topology.evolution.evolve>` (``features=``) starts from the inputs
and the features joined to the outputs, and never mutates a feature: :func:`feature_neurons`
tells them from the neurons it grew by their shape alone (a file needs no extra field).

>>> import neurograph as ng
>>> net = ng.Network.from_weights({(1, 3): 1.0, (2, 3): 1.0}, activation="identity")
>>> ng.add_features(net, ("x1^2", "x1*x2", "sin(x2)"))
[4, 5, 6]
>>> [net.neuron(j).activation.name for j in (4, 5, 6)], str(net.neuron(5).aggregation)
(['square', 'identity', 'sin'], 'product')
>>> ng.feature_neurons(net), net.predict([[2.0, 3.0]]).round(4).tolist()  # x1 + x2 only
([4, 5, 6], [[5.0]])
"""

import re

from ..errors import NetworkError, describe
from ..model.activations import get_activation

__all__ = ["PLAYGROUND", "add_features", "feature_neurons"]

PLAYGROUND = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
"""TensorFlow Playground's features beyond x₁ and x₂."""

_SQUARE = re.compile(r"x([1-9][0-9]*)\^2")
_PRODUCT = re.compile(r"x([1-9][0-9]*)\*x([1-9][0-9]*)")
_APPLIED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\(x([1-9][0-9]*)\)")
_FORMS = "'xk^2', 'xk*xm' (k ≠ m) or 'g(xk)' (g an activation such as sin)"


def _parse(text, p):
    """(activation name, aggregation, input positions from 0) of one feature's text."""
    if not isinstance(text, str):
        raise NetworkError(f"a feature is written {_FORMS}; received {describe(text)}")
    spec = text.replace(" ", "")
    if m := _SQUARE.fullmatch(spec):
        g, aggregation, ks = "square", "sum", [m.group(1)]
    elif m := _PRODUCT.fullmatch(spec):
        g, aggregation, ks = "identity", "product", [m.group(1), m.group(2)]
        if ks[0] == ks[1]:
            raise NetworkError(f"feature {text!r}: a product of x{ks[0]} with itself is "
                               f"written 'x{ks[0]}^2'")
    elif m := _APPLIED.fullmatch(spec):
        g, aggregation, ks = m.group(1), "sum", [m.group(2)]
        if get_activation(g).group:
            raise NetworkError(f"feature {text!r}: {g} is not computed one neuron at a time")
    else:
        raise NetworkError(f"a feature is written {_FORMS}; received {describe(text)}")
    positions = [int(k) - 1 for k in ks]
    if max(positions) >= p:
        raise NetworkError(f"feature {text!r}: the network has inputs x1 to x{p}; "
                           f"received x{max(positions) + 1}")
    return g, aggregation, positions


def add_features(net, features=PLAYGROUND):
    """Add `features` to `net` as neurons computing them from its inputs; returns their ids.

    Each is a hidden neuron fed by the inputs it names through frozen edges of weight 1,
    with no bias edge (``xk`` is the network's k-th input, ``net.inputs[k - 1]``). The new
    neurons feed nothing yet: join them to other neurons with :meth:`Network.connect`.

    Parameters
    ----------
    net : Network
    features : sequence of str, default :data:`PLAYGROUND`
        Each ``"xk^2"`` (square), ``"xk*xm"`` (product) or ``"g(xk)"`` for an activation g.

    Raises
    ------
    NetworkError
        If a feature is not written so, or names an input the network lacks; `net` is
        then left unchanged.
    """
    if isinstance(features, (str, bytes)) or not hasattr(features, "__iter__"):
        raise NetworkError(f"features must be a sequence such as {PLAYGROUND!r}; "
                           f"received {describe(features)}")
    parsed = [_parse(text, len(net.inputs)) for text in features]  # all checked, then made
    ids, j = [], max(n.id for n in net.neurons) + 1
    for g, aggregation, positions in parsed:
        net.add_neuron(j, activation=g, bias=False, aggregation=aggregation)
        for k in positions:
            net.connect(net.inputs[k], j, 1.0)
            net.freeze(net.inputs[k], j)
        ids.append(j)
        j += 1
    return ids


def feature_neurons(net):
    """The ids of `net`'s features: hidden neurons fed only by inputs, through frozen edges,
    with no bias edge (the neurons :func:`add_features` makes), ascending."""
    inputs, frozen = set(net.inputs), set(net.frozen)
    found = []
    for j in net.hidden:
        sources = list(net.predecessors(j))
        if sources and all(i in inputs and (i, j) in frozen for i in sources):
            found.append(j)
    return sorted(found)
