r"""The layer notation of seeds 000, 002 and 004 as a view onto a layered per-neuron network.

For layer l = 2, …, L (the inputs are layer 1), in seed 002's (Nielsen's) convention:

- W^l: one row per neuron of layer l ("to"), one column per neuron of layer l − 1
  ("from"), so W^l[r, c] = w^l_{rc} = w_{i,j} for the c-th neuron i of layer l − 1
  and the r-th neuron j of layer l; b^l[r] = w_{0,j}.
- z^l = W^l a^{l−1} + b^l is the vector of in_j, and a^l = g(z^l) that of a_j.
- δ^l = ∂C/∂z^l with the seeds' C = ½‖y − a^L‖² (or, for the log loss, the
  cross-entropy). The per-neuron Δ_j = ∂J/∂in_j uses the loss passed to
  ``backward``, so

  ================  ===================
  loss              δ^l_j
  ================  ===================
  "half_squared"    Δ_j
  "squared"         Δ_j / 2
  "log"             Δ_j
  ================  ===================

(Seeds 003 and 004 index the same matrix as W^{(l−1)}: the weights out of layer l − 1.)
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import _checks
from .errors import NetworkError, describe

__all__ = ["Layer", "layers", "from_layers", "DELTA_FACTOR"]

DELTA_FACTOR = {"squared": 0.5, "half_squared": 1.0, "log": 1.0}
"""δ^l_j = DELTA_FACTOR[loss] · Δ_j."""


@dataclass(frozen=True)
class Layer:
    """Layer l of a layered network, in matrix form.

    Attributes
    ----------
    l : int
        1 for the inputs, L for the outputs.
    ids : list of int
        The neurons of the layer, in order (row r is neuron ids[r]).
    W, b : numpy.ndarray or None
        W^l (len(ids) × size of layer l − 1) and b^l; None for the input layer.
        A missing edge reads as 0.
    z, a : numpy.ndarray
        z^l (the in_j; None for the input layer) and a^l, from the last forward pass.
    Delta : numpy.ndarray or None
        The per-neuron Δ_j from the last backward pass.
    delta : numpy.ndarray or None
        δ^l in the seeds' convention (see the module's table).
    """

    l: int
    ids: list
    W: Optional[np.ndarray]
    b: Optional[np.ndarray]
    z: Optional[np.ndarray]
    a: np.ndarray
    Delta: Optional[np.ndarray]
    delta: Optional[np.ndarray]


def layers(net):
    """The layers of `net`, input layer first; see :meth:`Network.layers`."""
    ids = _layer_ids(net)
    factor = DELTA_FACTOR.get(getattr(net._last_loss, "name", None), 1.0)
    backward_done = net._stage == "backward"
    out = []
    for l, layer in enumerate(ids, start=1):
        neurons = [net.neuron(j) for j in layer]
        a = np.array([n.a for n in neurons])
        if l == 1:
            out.append(Layer(1, layer, None, None, None, a, None, None))
            continue
        previous = ids[l - 2]
        W = np.array([[net.graph.edges[i, j]["weight"] if net.graph.has_edge(i, j) else 0.0
                       for i in previous] for j in layer])
        b = np.array([net.graph.edges[0, j]["weight"] if net.graph.has_edge(0, j) else 0.0
                      for j in layer])
        Delta = np.array([n.delta for n in neurons]) if backward_done else None
        out.append(Layer(l, layer, W, b, np.array([n.in_ for n in neurons]), a, Delta,
                         None if Delta is None else factor * Delta))
    return out


def _layer_ids(net):
    """Neuron ids by layer, or a NetworkError saying why the network is not layered."""
    depth = {j: d + 1 for j, d in net._compiled().depth.items()}  # the inputs are layer 1
    for j in depth:
        if net.neuron(j).is_processing and not any(i for i in net.graph.predecessors(j)):
            raise NetworkError(f"neuron {j} has no incoming edge from a neuron of an earlier "
                               f"layer, so the network is not layered")
    for i, j in net.graph.edges:
        if i != 0 and depth[j] != depth[i] + 1:
            raise NetworkError(f"the network is not layered: edge ({i}, {j}) goes from layer "
                               f"{depth[i]} to layer {depth[j]}; layers() needs every edge to join "
                               f"consecutive layers")
    last = max(depth.values())
    by_layer = [sorted(j for j, d in depth.items() if d == l) for l in range(1, last + 1)]
    if by_layer[-1] != sorted(net.outputs) or last < 2:
        raise NetworkError(f"the network is not layered: its last layer holds {by_layer[-1]}, "
                           f"its outputs are {net.outputs}")
    if by_layer[-1] != net.outputs:
        by_layer[-1] = list(net.outputs)
    return by_layer


def from_layers(cls, Ws, bs, activation, output_activation):
    """A per-neuron network from W^2, …, W^L and b^2, …, b^L; see Network.from_layers."""
    try:
        Ws = [np.asarray(W, dtype=float) for W in Ws]
        bs = [np.asarray(b, dtype=float) for b in bs]
    except (TypeError, ValueError):
        raise NetworkError(f"Ws and bs must be sequences of matrices and vectors of numbers; "
                           f"received {describe(Ws)} and {describe(bs)}") from None
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
    first, ids = 1, []
    for size in sizes:
        ids.append(list(range(first, first + size)))
        first += size
    edges = {}
    for previous, layer, W, b in zip(ids, ids[1:], Ws, bs):
        for r, j in enumerate(layer):
            edges[0, j] = _checks.weight(float(b[r]), f"b[{r}] of neuron {j}")
            for c, i in enumerate(previous):
                edges[i, j] = _checks.weight(float(W[r, c]), f"W[{r}, {c}] (w_{i},{j})")
    overrides = {k: output_activation for k in ids[-1]} if output_activation else None
    return cls.from_weights(edges, activation=activation, activations=overrides,
                            inputs=ids[0], outputs=ids[-1])

