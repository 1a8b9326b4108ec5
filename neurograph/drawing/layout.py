"""Where the neurons stand: columns by depth, rows ordered to cross few edges.

The layered-graph drawing of Sugiyama, Tagawa and Toda (1981), as Graphviz's ``dot``
does it, cut to what a feed-forward network needs: the layers are given (a neuron's
column is its depth, the outputs share the last), so what is left is the order within
each column — barycenter sweeps, down using each neuron's sources and back up using its
targets, keeping the order that crosses fewest edges — and the spacing. networkx offers
``multipartite_layout`` (columns, no crossing reduction); grandalf (a pure-Python
Sugiyama) would be a new run-time dependency for the one step written here in some
forty lines. The inputs and the outputs keep their ids' order (neuron 1 on top), as
the lectures draw them.
"""

import math

import numpy as np

__all__ = ["network_layout", "columns_of"]

DX, DY = 1.9, 1.25
MAX_ROWS = 10  # taller columns are packed closer, and the columns spread wider
SWEEPS = 4
MAX_SORTED_EDGES = 20_000  # beyond this the sweeps cost more than they show


def columns_of(net, neurons=None):
    """``{depth: [j, …]}``: the neurons of each column, in id order (neuron 0 left out);
    only those in `neurons`, when given."""
    depth = dict(net.plan().depth)
    last = max([depth[k] for k in net.outputs] + [1])
    for k in net.outputs:
        depth[k] = last
    columns = {}
    for j in sorted(depth):
        if j != 0 and (neurons is None or j in neurons):
            columns.setdefault(depth[j], []).append(j)
    return dict(sorted(columns.items()))


def network_layout(net, neurons=None):
    """Positions {j: (x, y)}: columns by topological depth, neuron 1 on top.

    Inputs make the first column and outputs the last; every other neuron stands
    one column right of its deepest source, its column ordered so that few edges
    cross (barycenter sweeps). The bias neuron 0 sits under the inputs. Columns of
    more than ten neurons are packed closer and spread further apart, so that a
    large network still makes a picture about as wide as it is tall; a long chain
    of narrow columns stands its columns closer instead. `neurons`: lay out only these
    (and neuron 0).

    Examples
    --------
    >>> import neurograph as ng
    >>> where = ng.network_layout(ng.Network.layered([2, 2, 1], seed=0))
    >>> where[1], where[5]
    ((0.0, 0.625), (3.8, 0.0))
    """
    columns = columns_of(net, neurons)
    if len(net.w) <= MAX_SORTED_EDGES:
        columns = _ordered(net, columns, neurons)
    rows = max(len(ids) for ids in columns.values())
    dy = DY * min(1.0, MAX_ROWS / rows)
    if net.delays:  # room for the recurrent edges and loops between the neurons of a column
        dy *= 1.6
    count = max(len(columns) - 1, 1)
    dx = max(DX, 0.9 * rows * dy / count)
    if count > 6 and rows <= 3:  # a long, narrow chain: closer columns, not a thin strip
        dx = max(1.3, DX * 6 / count)
    pos = {}
    for k, (d, ids) in enumerate(columns.items()):
        for row, j in enumerate(ids):
            pos[j] = (round(k * dx, 9), ((len(ids) - 1) / 2 - row) * dy)
    inputs = columns.get(0, [])
    pos[0] = (0.0, ((len(inputs) - 1) / 2 - len(inputs)) * dy)
    return pos


def _ordered(net, columns, neurons):
    """The columns re-ordered by barycenter sweeps; inputs and outputs keep their order."""
    fixed = set(net.inputs) | set(net.outputs)
    order = {d: list(ids) for d, ids in columns.items()}
    edges = [(i, j) for i, j in net.edges(sort=False)
             if i != 0 and (neurons is None or (i in neurons and j in neurons))]
    best, fewest = {d: list(ids) for d, ids in order.items()}, _crossings(order, edges)
    keys = list(order)
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        for d in (keys[1:] if downwards else keys[-2::-1]):
            ids = order[d]
            if any(j in fixed for j in ids) or len(ids) < 2:
                continue
            rank = _ranks(order)
            neighbours = net.predecessors if downwards else net.successors
            centre = {}
            for row, j in enumerate(ids):
                seen = [rank[i] for i in neighbours(j) if i in rank]
                centre[j] = float(np.mean(seen)) if seen else row / max(len(ids) - 1, 1)
            order[d] = sorted(ids, key=lambda j: centre[j])
        count = _crossings(order, edges)
        if count < fewest:
            best, fewest = {d: list(ids) for d, ids in order.items()}, count
    return best


def _ranks(order):
    """Each neuron's place in its column, from 0 (top) to 1 (bottom)."""
    rank = {}
    for ids in order.values():
        for row, j in enumerate(ids):
            rank[j] = row / max(len(ids) - 1, 1) if len(ids) > 1 else 0.5
    return rank


def _crossings(order, edges):
    """How many pairs of edges between the same two columns cross."""
    rank, column = _ranks(order), {j: d for d, ids in order.items() for j in ids}
    between = {}
    for i, j in edges:
        if i in column and j in column:
            between.setdefault((column[i], column[j]), []).append((rank[i], rank[j]))
    total = 0
    for pairs in between.values():
        if len(pairs) < 2:
            continue
        a = np.array(pairs)
        if len(a) > 1500:  # quadratic: a sample tells as well
            a = a[:: math.ceil(len(a) / 1500)]
        da = a[:, None, 0] - a[None, :, 0]
        db = a[:, None, 1] - a[None, :, 1]
        total += int(np.sum(da * db < 0)) // 2
    return total
