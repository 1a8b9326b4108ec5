"""Views onto a network: ``net.w``, ``net.grad`` and the read-only ``net.graph``.

The network keeps its neurons and :class:`~neurograph.model.neuron.Edge` objects in
plain maps of its own. These views read them live. ``net.w`` also writes weights,
checked; ``net.graph`` is a real ``networkx.DiGraph`` for reading and for networkx's
algorithms, but nothing written through it can reach the network: every write
raises a NetworkError naming the method that does it properly.
"""

from collections.abc import Mapping

import networkx as nx

from .. import checks
from ..errors import NetworkError

__all__ = ["WeightView", "GradView", "GraphView"]


class WeightView(Mapping):
    """``net.w``: w_ij by edge (i, j), readable and writable, in ascending (i, j) order."""

    def __init__(self, edge, edge_ids, items):
        self._edge = edge  # (i, j) → its Edge, or an UnknownEdgeError
        self._edge_ids = edge_ids  # () → every (i, j)
        self._items = items  # () → every ((i, j), value), ascending

    def __getitem__(self, key):
        return self._edge(key).weight

    def __setitem__(self, key, value):
        edge = self._edge(key)
        edge.weight = checks.weight(value, f"w_{key[0]},{key[1]}")

    def __iter__(self):
        return iter(sorted(self._edge_ids()))

    def items(self):
        """Every ((i, j), value), in ascending (i, j) order."""
        return self._items()

    def values(self):
        """Every value, in ascending (i, j) order."""
        return [value for _, value in self._items()]

    def __len__(self):
        return len(self._edge_ids())

    def __repr__(self):
        return repr(dict(self))


class GradView(WeightView):
    """``net.grad``: ∂J/∂w_ij = Δ_j a_i by edge (i, j), after ``backward`` (NaN before it)."""

    def __getitem__(self, key):
        i, j = checks.edge(key, "a gradient's key")
        self._edge((i, j))  # it must exist
        return dict(self._items())[i, j]

    def __setitem__(self, key, value):
        raise NetworkError("net.grad is read-only: backward(y) sets it")


# ------------------------------------------------------------------ net.graph


def _refuse(*args, **kwargs):
    raise NetworkError("net.graph is read-only: change weights with net.w[i, j] = w and the "
                       "structure with add_neuron, connect, disconnect and remove_neuron; "
                       "net.to_networkx() gives an editable copy")


class _ReadOnly(Mapping):
    """A mapping whose every write raises a NetworkError."""

    __slots__ = ()
    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _refuse


class _EdgeData(_ReadOnly):
    """The attributes of one edge: ``weight``, and ``frozen`` and ``delay`` when set."""

    __slots__ = ("_edge", "_delay")

    def __init__(self, edge, delay=0):
        self._edge, self._delay = edge, delay

    def __getitem__(self, key):
        if key == "weight":
            return self._edge.weight
        if key == "frozen" and self._edge.frozen:
            return True
        if key == "delay" and self._delay:
            return self._delay
        raise KeyError(key)

    def __iter__(self):
        return iter(("weight",) + (("frozen",) if self._edge.frozen else ())
                    + (("delay",) if self._delay else ()))

    def __len__(self):
        return 1 + bool(self._edge.frozen) + bool(self._delay)

    def __repr__(self):
        return repr(dict(self))

    def copy(self):
        return dict(self)


class _Shown(_ReadOnly):
    """A read-only mapping that shows each value of another mapping through `show`."""

    __slots__ = ("_mapping", "_show")

    def __init__(self, mapping, show):
        self._mapping, self._show = mapping, show

    def __getitem__(self, key):
        return self._show(self._mapping[key])

    def __iter__(self):
        return iter(self._mapping)

    def __len__(self):
        return len(self._mapping)

    def __contains__(self, key):
        return key in self._mapping


def _neighbours(edges):
    """A neuron's neighbours (successors or predecessors), each with its edge's data."""
    return _Shown(edges, _EdgeData)


class _Adjacency(_ReadOnly):
    """``G._adj`` or ``G._pred`` of a network with delay edges: each neighbour's edge data
    with its delay (`delays`: a callable giving the network's ``{(i, j): d}``)."""

    __slots__ = ("_mapping", "_delays", "_outgoing")

    def __init__(self, mapping, delays, outgoing):
        self._mapping, self._delays, self._outgoing = mapping, delays, outgoing

    def __getitem__(self, u):
        delays, edges = self._delays(), self._mapping[u]
        if not delays:
            return _Shown(edges, _EdgeData)
        key = (lambda v: (u, v)) if self._outgoing else (lambda v: (v, u))
        return _Shown({v: (edge, delays.get(key(v), 0)) for v, edge in edges.items()},
                      lambda pair: _EdgeData(*pair))

    def __iter__(self):
        return iter(self._mapping)

    def __len__(self):
        return len(self._mapping)

    def __contains__(self, key):
        return key in self._mapping


class _NodeData(_ReadOnly):
    """A neuron's attributes: ``kind`` and ``activation`` (a name, or None)."""

    __slots__ = ("_neuron",)

    def __init__(self, neuron):
        self._neuron = neuron

    def __getitem__(self, key):
        if key == "kind":
            return self._neuron.kind
        if key == "activation":
            return None if self._neuron.activation is None else self._neuron.activation.name
        raise KeyError(key)

    def __iter__(self):
        return iter(("kind", "activation"))

    def __len__(self):
        return 2

    def copy(self):
        return dict(self)


class _GraphData(_ReadOnly):
    """``G.graph``: the inputs and outputs, in order."""

    __slots__ = ("_lists",)

    def __init__(self, inputs, outputs):
        self._lists = {"inputs": inputs, "outputs": outputs}

    def __getitem__(self, key):
        return list(self._lists[key]())

    def __iter__(self):
        return iter(self._lists)

    def __len__(self):
        return 2

    def copy(self):
        return dict(self)


class GraphView(nx.DiGraph):
    """``net.graph``: the network as a live, read-only ``networkx.DiGraph``.

    Nodes are neuron ids with ``kind`` and ``activation``; edges carry ``weight``
    (and ``frozen``, and a recurrent edge's ``delay``); ``G.graph`` holds ``inputs`` and
    ``outputs``. Every networkx
    algorithm that reads a graph works on it; every write raises a NetworkError.
    ``copy()`` gives an ordinary, editable DiGraph.
    """

    def __init__(self, neurons=None, succ=None, pred=None, inputs=None, outputs=None,
                 delays=None):
        if neurons is None:  # networkx makes empty graphs of a graph's class for its views
            super().__init__()
            return
        self.graph = _GraphData(inputs, outputs)
        self._node = _Shown(neurons, _NodeData)
        if delays is None:
            self._adj = _Shown(succ, _neighbours)
            self._pred = _Shown(pred, _neighbours)
        else:
            self._adj = _Adjacency(succ, delays, outgoing=True)
            self._pred = _Adjacency(pred, delays, outgoing=False)
        self.__networkx_cache__ = {}

    add_node = add_nodes_from = remove_node = remove_nodes_from = _refuse
    add_edge = add_edges_from = add_weighted_edges_from = remove_edge = _refuse
    remove_edges_from = update = clear = clear_edges = _refuse

    def copy(self, as_view=False):
        """An ordinary ``networkx.DiGraph`` with the same nodes, edges and attributes."""
        if as_view:
            return nx.graphviews.generic_graph_view(self)
        G = nx.DiGraph(**dict(self.graph))
        G.add_nodes_from((j, dict(data)) for j, data in self._node.items())
        G.add_edges_from((i, j, dict(data)) for i, nbrs in self._adj.items()
                         for j, data in nbrs.items())
        return G

    def reverse(self, copy=True):
        if copy:
            return self.copy().reverse(copy=True)
        return nx.reverse_view(self)
