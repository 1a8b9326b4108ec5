r"""Initial weights, always drawn from a seeded ``numpy.random.Generator``.

============  ==================================================================================
method        w_ij
============  ==================================================================================
"uniform"     RAND(−ε, ε): uniform on [−ε, ε] (seed 001's NEURALNETTRAIN)
"normal"      N(0, ε²) (seed 004, e.g. ε = 0.01)
"glorot"      uniform on [−r_j, r_j], r_j = √(6 / (n_in + n_out + 1)) (seed 004's heuristic)
"constant"    the same `value` for every edge (to show the symmetry problem)
callable      ``method(i, j, rng)`` for each edge
============  ==================================================================================

For "glorot" in a network that need not be layered, every edge into neuron j
(its bias edge included) shares r_j, with n_in the number of j's incoming
edges other than the bias edge and n_out the mean number of outgoing edges of
those sources. In a layered network these are the sizes of layers l and l + 1,
as in the seed's formula.

Weights are drawn edge by edge in ascending (j, i) order, for every edge; a
frozen edge's draw is made and discarded, so freezing one edge never changes
the others' initial weights.
"""

import math

from . import _checks
from .errors import NetworkError, describe

__all__ = ["initialize", "METHODS"]

METHODS = ("uniform", "normal", "glorot", "constant")


def initialize(net, method="uniform", seed=0, epsilon=0.5, value=0.0):
    """Set every weight of `net` that is not frozen to a fresh initial value.

    Parameters
    ----------
    net : Network
    method : {"uniform", "normal", "glorot", "constant"} or callable, default "uniform"
        See the module's table; a callable is called as ``method(i, j, rng)``.
    seed : int or numpy.random.Generator or None, default 0
    epsilon : float, default 0.5
        ε for "uniform" and "normal".
    value : float, default 0.0
        The weight for "constant".

    Examples
    --------
    >>> import neurograph as ng
    >>> net = ng.Network.layered([2, 2, 1])
    >>> net.initialize("constant", value=0.1)
    >>> set(net.w.values())
    {0.1}
    >>> net.initialize("glorot", seed=1)
    >>> max(abs(w) for w in net.w.values()) <= (6 / (2 + 2 + 1)) ** 0.5
    True
    """
    draw = _drawer(net, method, epsilon, value)
    rng = _checks.generator(seed)
    new = {}
    for i, j in sorted(net.graph.edges, key=lambda edge: (edge[1], edge[0])):
        new[i, j] = _checks.weight(draw(i, j, rng), f"the initial w_{i},{j}")
    for (i, j), w_ij in new.items():
        edge = net.graph.edges[i, j]
        if not edge.get("frozen"):
            edge["weight"] = w_ij


def _drawer(net, method, epsilon, value):
    """A function (i, j, rng) → w_ij for `method`, after checking its parameters."""
    if callable(method):
        return method
    if method in ("uniform", "normal"):
        epsilon = _checks.weight(epsilon, "epsilon")
        if epsilon < 0:
            raise NetworkError(f"epsilon must be ≥ 0; received {epsilon}")
        if method == "uniform":
            return lambda i, j, rng: rng.uniform(-epsilon, epsilon)
        return lambda i, j, rng: rng.normal(0.0, epsilon)
    if method == "glorot":
        radius = _glorot_radii(net.graph)
        return lambda i, j, rng: rng.uniform(-radius[j], radius[j])
    if method == "constant":
        value = _checks.weight(value, "value")
        return lambda i, j, rng: value
    raise NetworkError(f"unknown initialisation {describe(method)}; expected a callable "
                       f"(i, j, rng) → w or one of: {', '.join(METHODS)}")


def _glorot_radii(graph):
    radius = {}
    for j in graph:
        sources = [i for i in graph.predecessors(j) if i != 0]
        n_in = len(sources)
        n_out = sum(graph.out_degree(i) for i in sources) / n_in if n_in else 1.0
        radius[j] = math.sqrt(6.0 / (n_in + n_out + 1.0))
    return radius
