"""The methods that change a Network's structure by hand.

:class:`Editing`, a base class of :class:`~neurograph.model.network.Network`, holds
``add_neuron``, ``connect``, ``disconnect``, ``remove_neuron``, ``set_kind``, ``freeze``,
``unfreeze``, ``set_aggregation``, ``add_batch_norm``, ``remove_batch_norm``, ``tie``,
``untie`` and ``ties``. Each checks its request by the rules of
:mod:`neurograph.model.structure` before it changes anything, so a refused edit leaves the
network as it was.
"""

from collections.abc import Callable

from .. import checks
from ..errors import NetworkError, UnknownEdgeError, describe
from .aggregations import get_aggregation
from .neuron import Edge, Neuron
from .normalization import BatchNorm
from .structure import (closing_cycle, cycle_error, edge_fault, group_fault, norm_fault,
                        tie_fault_or_group)

__all__ = ["Editing"]


class Editing:
    """Growing and changing a network by hand (a base class of
    :class:`~neurograph.model.network.Network`, whose state these methods change)."""

    # That state, and the helpers that keep it, as model/network.py defines them:
    _neurons: dict  # j → Neuron
    _succ: dict  # i → {j: Edge}
    _pred: dict  # j → {i: Edge}
    _delays: dict  # (i, j) → d ≥ 1: the recurrent edges
    _inputs: list  # input ids, in the order of x
    _outputs: list  # output ids, in the order of y
    _insert: Callable  # (j, kind, activation, aggregation, norm): a neuron with no edges yet
    _edge: Callable  # (key) → the Edge of an existing (i, j), else UnknownEdgeError
    _share: Callable  # (group): the edges of a tied group share the first one's Edge
    _checked_activation: Callable  # (spec, j) → an Activation no other neuron's name clashes with
    _neuron_changing: Callable  # a Neuron's check before its g, aggregation or norm changes
    _structure_changed: Callable  # (values=True): forget the plan and compiled engines

    def add_neuron(self, j, activation=None, bias=None, kind="hidden", aggregation="sum"):
        """Add neuron `j`.

        Parameters
        ----------
        j : int
            A new id, from 1 to 2³¹ − 1.
        activation : str or Activation, optional
            g for a hidden or output neuron (default ``"logistic"``); not allowed for an input.
        bias : bool or float, optional
            For a hidden or output neuron: True (the default) adds the bias edge
            (0, j) with weight 0, a number adds it with that weight, False adds none.
        kind : {"hidden", "output", "input"}, default "hidden"
            An input is appended to x, an output to y.
        aggregation : {"sum", "max", "product"}, default "sum"
            How in_j combines the terms w_ij a_i (the bias edge is one of them): the
            lectures' Σ, the maxout max of “Multi-level networks”, or Π. See
            :meth:`set_aggregation`.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network()
        >>> net.add_neuron(1, kind="input")
        >>> net.add_neuron(2, kind="output", bias=-1.0)
        >>> net.connect(1, 2, 3.0)
        >>> net.forward([1.0]).round(4)
        array([0.8808])
        """
        j = checks.neuron_id(j, "the new neuron's id")
        if j in self._neurons:
            raise NetworkError(f"neuron {j} already exists; choose an unused id "
                               f"(the largest is {max(self._neurons)})")
        if kind not in ("hidden", "output", "input"):
            raise NetworkError(f"kind must be 'hidden', 'output' or 'input'; "
                               f"received {describe(kind)}")
        if kind == "input":
            if activation is not None or bias not in (None, False) or aggregation != "sum":
                raise NetworkError(f"input neuron {j} passes x_j on: it takes no activation, "
                                   f"no aggregation and no bias edge")
            self._insert(j, "input", None)
            self._inputs.append(j)
        else:
            bias_weight = _bias_weight(bias)
            g = self._checked_activation("logistic" if activation is None else activation, j)
            fault = group_fault(j, kind, g, False)
            if fault:
                raise NetworkError(fault)
            self._insert(j, kind, g, get_aggregation(aggregation, j))
            if kind == "output":
                self._outputs.append(j)
            if bias_weight is not None:
                self._succ[0][j] = self._pred[j][0] = Edge(self.parameters, bias_weight)
        self._structure_changed()

    def connect(self, i, j, w, delay=0):
        """Add the edge (i, j) with weight `w`; with ``delay=d`` ≥ 1, a recurrent edge.

        A delay edge feeds a_i(t − d) into in_j(t) (a_i(t) = 0 for t ≤ 0, the initial state
        of every sequence): it may close a cycle or be a self-loop, since it reads an earlier
        time step, and it runs through :meth:`forward_sequence`.

        Raises
        ------
        NetworkError
            If either neuron does not exist, the edge exists already, it is a self-loop
            without a delay, it would enter neuron 0 or an input neuron, or the delay is
            not a whole number ≥ 0 (or is given on a bias edge).
        CycleError
            If an ordinary edge would close a directed cycle (the message names it).

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 2): 1.0}, activation="identity")
        >>> net.connect(2, 2, 0.5, delay=1)          # a_2(t) = x(t) + 0.5 a_2(t − 1)
        >>> net.delays
        {(2, 2): 1}
        >>> net.forward_sequence([[1.0], [0.0], [0.0]]).ravel().tolist()
        [1.0, 0.5, 0.25]
        """
        i, j = checks.edge((i, j), "the new edge")
        w = checks.weight(w, f"w_{i},{j}")
        delay = checks.delay(delay, f"the delay of edge ({i}, {j})")
        for n in (i, j):
            self.neuron(n)
        source = self._neurons[i]
        fault = edge_fault(i, j, self._neurons[j].kind, delay) or (
            source.activation is not None and group_fault(i, source.kind, source.activation, True))
        if fault:
            raise NetworkError(fault)
        if j in self._succ[i]:
            raise NetworkError(f"edge ({i}, {j}) exists already (w_{i},{j} = "
                               f"{self._succ[i][j].weight}); set net.w[{i}, {j}] to change it")
        if not delay:
            cycle = closing_cycle(self._ordinary_successors, i, j)
            if cycle:
                raise cycle_error(cycle)
        self._succ[i][j] = self._pred[j][i] = Edge(self.parameters, w)
        if delay:
            self._delays[i, j] = delay
        self._structure_changed()

    def set_delay(self, i, j, delay):
        """Give the existing edge (i, j) the delay `delay` (0: make it an ordinary edge).

        Refused, changing nothing, where an ordinary edge would close a cycle of ordinary
        edges or be a self-loop.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 2): 1.0, (2, 3): 1.0})
        >>> net.set_delay(1, 2, 2)
        >>> net.delays
        {(1, 2): 2}
        """
        key = checks.edge((i, j), "the edge")
        self._edge(key)
        delay = checks.delay(delay, f"the delay of edge {key}")
        fault = edge_fault(*key, self._neurons[key[1]].kind, delay)
        if fault:
            raise NetworkError(fault)
        if not delay and key in self._delays:
            cycle = closing_cycle(self._ordinary_successors, *key)
            if cycle:
                raise cycle_error(cycle)
        if delay:
            self._delays[key] = delay
        else:
            self._delays.pop(key, None)
        self._structure_changed()

    @property
    def delays(self):
        """``{(i, j): d}`` for every edge with a delay d ≥ 1, ascending (a copy)."""
        return dict(sorted(self._delays.items()))

    def _ordinary_successors(self, u):
        """The k with an ordinary (undelayed) edge (u, k)."""
        if not self._delays:
            return self._succ[u]
        return [k for k in self._succ[u] if (u, k) not in self._delays]

    def disconnect(self, i, j):
        """Remove the edge (i, j)."""
        i, j = checks.edge((i, j), "the edge")
        if not self.has_edge(i, j):
            raise UnknownEdgeError(f"there is no edge ({i}, {j}) to remove")
        self._forget_ties({(i, j)})
        del self._succ[i][j], self._pred[j][i]
        self._delays.pop((i, j), None)
        self._structure_changed()

    def remove_neuron(self, j):
        """Remove neuron `j` and every edge into or out of it (not the bias neuron 0)."""
        neuron = self.neuron(j)
        if neuron.kind == "bias":
            raise NetworkError("neuron 0 is the bias neuron; it cannot be removed")
        self._forget_ties({(i, j) for i in self._pred[j]} | {(j, k) for k in self._succ[j]})
        for i in self._pred.pop(j):
            del self._succ[i][j]
            self._delays.pop((i, j), None)
        for k in self._succ.pop(j):  # (a delayed self-loop went with the predecessors)
            del self._pred[k][j]
            self._delays.pop((j, k), None)
        del self._neurons[j]
        for ids in (self._inputs, self._outputs):
            if j in ids:
                ids.remove(j)
        self._structure_changed()

    def set_kind(self, j, kind):
        """Make processing neuron `j` an output (appended to y) or a hidden neuron."""
        neuron = self.neuron(j)
        if not neuron.is_processing or kind not in ("hidden", "output"):
            raise NetworkError(f"set_kind turns a hidden neuron into an output or back; received "
                               f"kind {describe(kind)} for {neuron.kind} neuron {neuron.id}")
        if kind != neuron.kind:
            fault = group_fault(j, kind, neuron.activation, bool(self._succ[j]))
            if fault:
                raise NetworkError(fault)
            if neuron.norm is not None:
                raise NetworkError(norm_fault(j, kind) + f"; remove it first with "
                                                         f"net.remove_batch_norm({j})")
            self._neurons[j] = Neuron(j, kind, neuron.activation, self._neuron_changing,
                                      neuron.aggregation)
            if kind == "output":
                self._outputs.append(j)
            else:
                self._outputs.remove(j)
            self._structure_changed()


    def freeze(self, i, j):
        """Hold w_ij fixed: training and ``sgd_step`` leave it (``net.grad`` still has ∂J/∂w_ij).

        A tied edge shares its weight with its group, so the whole group is frozen."""
        self._edge((i, j)).frozen = True
        self._structure_changed(values=False)

    def unfreeze(self, i, j):
        """Let training change w_ij again (a tied edge's whole group)."""
        self._edge((i, j)).frozen = False
        self._structure_changed(values=False)

    def set_aggregation(self, j, aggregation):
        """How processing neuron `j` combines its terms w_ij a_i into in_j.

        ``"sum"`` (the lectures' Σ), ``"max"`` (in_j = max_i w_ij a_i: the maxout of
        “Multi-level networks” is a max neuron without a bias edge over linear neurons; Δ_j
        reaches only the arg-max edge, the lowest i among equal maxima) or ``"product"``
        (in_j = Π_i w_ij a_i). The bias edge, when there is one, is one of the terms.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 3): 2.0, (2, 3): -1.0}, activation="identity")
        >>> net.set_aggregation(3, "max")
        >>> net.forward([1.0, -4.0]).tolist()     # max(2·1, (−1)·(−4))
        [4.0]
        """
        self.neuron(j).aggregation = aggregation

    def add_batch_norm(self, j, gamma=1.0, beta=0.0, eps=1e-5, momentum=0.1):
        """Batch-normalize hidden neuron `j`'s output (Lecture 07-5b).

        Its successors then see â_j = γ_j (a_j − μ_B)/√(ε + σ_B²) + β_j: in training
        (``fit`` with ``batch_size`` ≥ 2, :meth:`cost_and_grad`), μ_B and σ_B² are the mean
        and variance of a_j over the batch, and γ_j and β_j are trained with the weights;
        :meth:`forward` and :meth:`predict` use running averages of them,
        μ̂ ← (1 − m) μ̂ + m μ_B (m = `momentum`), starting from μ̂ = 0, σ̂² = 1.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.layered([2, 3, 1], seed=0)
        >>> net.add_batch_norm(3, gamma=1.5, beta=0.1)
        >>> net.neuron(3).gamma, net.neuron(3).beta
        (1.5, 0.1)
        """
        self.neuron(j).norm = BatchNorm(gamma=gamma, beta=beta, eps=eps, momentum=momentum)

    def remove_batch_norm(self, j):
        """Stop normalizing neuron `j`'s output."""
        neuron = self.neuron(j)
        if neuron.norm is None:
            raise NetworkError(f"neuron {j} has no batch normalization to remove")
        neuron.norm = None

    def tie(self, edges):
        """Make the edges share one weight (“Multi-level networks”: convolution ties weights).

        Parameters
        ----------
        edges : sequence of (i, j)
            At least two existing edges, in no tie yet, all frozen or none. They take the
            weight of the first in ascending (i, j). From then on ``net.w[i, j]`` of any of
            them reads and writes the one weight, training moves it by the sum of their
            Δ_j a_i, and :meth:`theta` holds it once.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 3): 0.5, (2, 3): -1.0}, activation="identity")
        >>> net.tie([(1, 3), (2, 3)])
        >>> net.w[2, 3]
        0.5
        >>> net.w[2, 3] = 2.0
        >>> net.w[1, 3], net.ties
        (2.0, [[(1, 3), (2, 3)]])
        """
        if isinstance(edges, (str, bytes)) or not hasattr(edges, "__iter__"):
            raise NetworkError(f"tie takes a list of edges (i, j); received {describe(edges)}")
        group = tie_fault_or_group(list(edges), lambda key: self.has_edge(*key),
                                   lambda key: self._edge(key).frozen, lambda key: 0.0, _refuse)
        tied = {key for members in self._ties for key in members}
        already = [key for key in group if key in tied]
        if already:
            raise NetworkError(f"edge {already[0]} is tied already; untie it first with "
                               f"net.untie({already[0]})")
        self._share(group)
        self._structure_changed(values=False)

    def untie(self, edge):
        """Give the edges of `edge`'s tied group a weight each again (all keep its value)."""
        key = checks.edge(edge, "the edge")
        self._edge(key)
        group = next((members for members in self._ties if key in members), None)
        if group is None:
            raise NetworkError(f"edge {key} is not tied")
        self._ties.remove(group)
        self._separate(group)
        self._structure_changed(values=False)

    @property
    def ties(self):
        """The tied groups: lists of the edges (i, j) that share one weight, ascending."""
        return sorted([list(members) for members in self._ties])

    # ----------------------------------------------------------------- internal

    def _separate(self, group):
        """Give each edge of `group` an Edge of its own, with the shared value."""
        for i, j in group:
            shared = self._succ[i][j]
            edge = Edge(self.parameters, shared.weight, shared.frozen)
            self._succ[i][j] = self._pred[j][i] = edge

    def _forget_ties(self, keys):
        """Take the edges `keys` (about to be removed) out of their tied groups."""
        if not self._ties or not keys:
            return
        kept = []
        for members in self._ties:
            left = [key for key in members if key not in keys]
            if len(left) == len(members):
                kept.append(members)
            elif len(left) >= 2:
                kept.append(left)
            else:
                self._separate(left)
        self._ties = kept



def _refuse(message):
    raise NetworkError(message)


def _bias_weight(bias):
    if bias is None or bias is True:
        return 0.0
    if bias is False:
        return None
    return checks.weight(bias, "the bias weight")
