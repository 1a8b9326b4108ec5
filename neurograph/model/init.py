r"""Initial weights, always drawn from a seeded ``numpy.random.Generator``.

============  ==================================================================================
method        w_ij
============  ==================================================================================
"uniform"     RAND(−ε, ε): uniform on [−ε, ε] (Lecture 07-4a's NEURALNETTRAIN)
"normal"      N(0, ε²) (Lecture 25, e.g. ε = 0.01)
"glorot"      uniform on [−r_j, r_j], r_j = √(6 / (n_in + n_out + 1)) (Lecture 25's heuristic)
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

import numpy as np

from .. import checks
from ..errors import NetworkError, describe

__all__ = ["initialize", "drawer", "METHODS"]

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
    draw = drawer(method, epsilon, value)
    rng = checks.generator(seed)
    targets = [neuron.id for neuron in net.neurons if net.predecessors(neuron.id)]
    J = np.repeat(np.array(targets, dtype=np.int64),
                  [len(net.predecessors(j)) for j in targets])
    I = np.fromiter((i for j in targets for i in net.predecessors(j)), dtype=np.int64,
                    count=len(J))
    values = draw(net, I, J, rng)  # every edge (i, j) in ascending (j, i): a float array
    for group in net.ties:  # a tied group takes the value drawn for its first edge
        values[_positions(I, J, group)] = values[_positions(I, J, group[:1])[0]]
    frozen = net.frozen
    if frozen:
        keep = np.ones(len(values), dtype=bool)
        keep[_positions(I, J, frozen)] = False
        I, J, values = I[keep], J[keep], values[keep]
    net.set_weights(_pairs(I, J, values))


def _pairs(I, J, values, chunk=65_536):
    """((i, j), w) for each edge, made a chunk at a time (no list of millions of tuples)."""
    for start in range(0, len(values), chunk):
        end = start + chunk
        yield from zip(zip(I[start:end].tolist(), J[start:end].tolist()),
                       values[start:end].tolist())


def _positions(I, J, keys):
    """Where each (i, j) of `keys` stands among the edges (I[k], J[k]), sorted by (j, i)."""
    base = int(I.max()) + 1
    return np.searchsorted(J * base + I, [j * base + i for i, j in keys])


def drawer(method, epsilon=0.5, value=0.0):
    """A function (net, I, J, rng) → one weight per edge (I[k], J[k]) for `method` (a float
    array), its parameters checked.

    The draws are made all at once, in the order of the edges; numpy gives the same
    numbers as drawing them one edge at a time.
    """
    if callable(method):
        return lambda net, I, J, rng: np.array(
            [checks.weight(method(i, j, rng), f"the initial w_{i},{j}")
             for i, j in zip(I.tolist(), J.tolist())], dtype=float)
    if method in ("uniform", "normal"):
        epsilon = checks.option("epsilon", epsilon)
        if method == "uniform":
            return lambda net, I, J, rng: rng.uniform(-epsilon, epsilon, len(I))
        return lambda net, I, J, rng: rng.normal(0.0, epsilon, len(I))
    if method == "glorot":
        def glorot(net, I, J, rng):
            radius = _glorot_radii(net)
            return rng.uniform(-(r := np.array([radius[j] for j in J.tolist()])), r)
        return glorot
    if method == "constant":
        value = checks.weight(value, "value")
        return lambda net, I, J, rng: np.full(len(I), value)
    raise NetworkError(f"unknown initialisation {describe(method)}; expected a callable "
                       f"(i, j, rng) → w or one of: {', '.join(METHODS)}")


def _glorot_radii(net):
    out_degree = {}
    for i, _ in net.edges(sort=False):
        out_degree[i] = out_degree.get(i, 0) + 1
    sources = {}
    for i, j in net.edges(sort=False):
        if i != 0:
            sources.setdefault(j, []).append(i)
    radius = {}
    for j in {j for _, j in net.edges(sort=False)}:
        n_in = len(sources.get(j, ()))
        n_out = sum(out_degree[i] for i in sources.get(j, ())) / n_in if n_in else 1.0
        radius[j] = math.sqrt(6.0 / (n_in + n_out + 1.0))
    return radius
