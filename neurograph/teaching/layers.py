r"""The layer notation of Lectures 23, 25 and #L3 as a view onto a layered per-neuron network.

For layer l = 2, …, L (the inputs are layer 1), in #L3's (Nielsen's) convention:

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

(“Multi-level networks” and Lecture 25 index the same matrix as W^{(l−1)}: the weights out of
layer l − 1.)
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..errors import NetworkError

__all__ = ["Layer", "layers"]



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
    factor = 1.0 if net.last_loss is None else net.last_loss.layer_factor
    backward_done = net.stage == "backward"
    out = []
    for l, layer in enumerate(ids, start=1):
        neurons = [net.neuron(j) for j in layer]
        a = np.array([n.a for n in neurons])
        if l == 1:
            out.append(Layer(1, layer, None, None, None, a, None, None))
            continue
        previous = ids[l - 2]
        W = np.array([[net.w[i, j] if net.has_edge(i, j) else 0.0 for i in previous]
                      for j in layer])
        b = np.array([net.w[0, j] if net.has_edge(0, j) else 0.0 for j in layer])
        Delta = np.array([n.delta for n in neurons]) if backward_done else None
        out.append(Layer(l, layer, W, b, np.array([n.in_ for n in neurons]), a, Delta,
                         None if Delta is None else factor * Delta))
    return out


def _layer_ids(net):
    """Neuron ids by layer, or a NetworkError saying why the network is not layered."""
    depth = {j: d + 1 for j, d in net.plan().depth.items()}  # the inputs are layer 1
    for j in depth:
        if net.neuron(j).is_processing and not any(i for i in net.predecessors(j)):
            raise NetworkError(f"neuron {j} has no incoming edge from a neuron of an earlier "
                               f"layer, so the network is not layered")
    for i, j in net.edges(sort=False):
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
