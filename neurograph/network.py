"""The per-neuron network: a networkx DiGraph of neurons with weights on its edges."""

import networkx as nx
import numpy as np

from . import _checks, builders, propagation
from .errors import CycleError, NetworkError, UnknownEdgeError, UnknownNeuronError, describe
from .losses import get_loss
from .network_methods import PresentationMethods, TrainingMethods
from .neuron import Neuron
from .views import GradView, WeightView

__all__ = ["Network"]


class Network(TrainingMethods, PresentationMethods):
    """A feedforward network, one neuron at a time, in the notation of the lectures.

    Neuron 0 is the bias neuron (a_0 = 1); input neuron j passes x_j on; every
    processing neuron j computes in_j = Σ_{i:(i,j)∈A} w_ij a_i and a_j = g(in_j).
    Any directed acyclic graph will do: layers are not required.

    Build one with :meth:`from_weights` or :meth:`layered`, or start from
    ``Network()`` (the bias neuron alone) and grow it with :meth:`add_neuron`
    and :meth:`connect`. This module holds the model and its propagation
    (forward, backward, sgd_step); training, explaining, drawing and files —
    fit, explain, plot, save and their kin — are in network_methods.py.

    Examples
    --------
    Seed 001's forward propagation example (Lecture 07-2c):

    >>> import neurograph as ng
    >>> net = ng.Network.from_weights(
    ...     {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
    ...      (0, 5): -1, (3, 5): 4, (4, 5): 2})
    >>> net
    Network(inputs=[1, 2], hidden=[3, 4], outputs=[5], weights=9)
    >>> net.forward([3, 4]).round(4)
    array([0.8232])
    >>> net.neuron(4).in_, round(net.neuron(4).a, 4)
    (-1.0, 0.2689)
    """

    def __init__(self):
        self._graph = nx.DiGraph()
        self._graph_view = self._graph.copy(as_view=True)
        self._neurons = {}
        self._inputs = []
        self._outputs = []
        self._plan = None
        self._stage = None  # None, "forward" or "backward": what the neurons' values come from
        self._last_loss = None  # the Loss of the last backward pass
        self._insert_neuron(0, "bias", None)

    # ----------------------------------------------------------------- builders

    @classmethod
    def from_weights(cls, weights, activation="logistic", activations=None, inputs=None,
                     outputs=None):
        """Build a network with exactly the edges and weights given.

        Parameters
        ----------
        weights : mapping or iterable
            ``{(i, j): w_ij}``, or an iterable of ``(i, j, w_ij)``. Lecture
            examples list their bias edges (0, j) explicitly, and so does this.
        activation : str or Activation, default "logistic"
            g for every processing neuron.
        activations : mapping, optional
            ``{j: activation}`` overrides for single neurons, e.g. ``{5: "identity"}``.
        inputs : sequence of int, optional
            The input neurons in the order of x. Default: every id other than 0
            with no incoming edge, ascending.
        outputs : sequence of int, optional
            The output neurons in the order of y. Default: every processing
            neuron with no outgoing edge, ascending.

        Raises
        ------
        NetworkError
            For a malformed edge or weight, an edge into neuron 0 or an input, a
            self-loop, a repeated edge, or inputs/outputs/activations that do not fit.
        CycleError
            If the edges contain a directed cycle (the message names it).
        """
        return builders.from_weights(cls, weights, activation, activations, inputs, outputs)

    @classmethod
    def layered(cls, sizes, activation="logistic", output_activation=None, seed=0, epsilon=0.5,
                init="uniform", skip=False):
        """A fully connected layered network numbered as the lectures number it.

        Inputs are 1..p, then each layer in turn, outputs last; every processing
        neuron has a bias edge from neuron 0. Initial weights are RAND(−ε, ε)
        (seed 001's NEURALNETTRAIN) unless `init` says otherwise, drawn edge by
        edge in the order (0, j), (i, j) for ascending i, for ascending j.

        Parameters
        ----------
        sizes : sequence of int
            Neurons per layer, inputs first, e.g. ``[2, 2, 1]``.
        activation : str or Activation, default "logistic"
            g for every hidden neuron (and the outputs, unless `output_activation`).
        output_activation : str or Activation, optional
            g for the output neurons, e.g. ``"identity"`` for regression.
        seed : int or numpy.random.Generator or None, default 0
            Where the initial weights come from.
        epsilon : float, default 0.5
            ε for the "uniform" and "normal" initialisations.
        init : str or callable, default "uniform"
            How to draw the initial weights: see :meth:`initialize`.
        skip : bool, default False
            Also join every neuron to every neuron of every later layer (skip
            connections), not only to the next layer.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> net.inputs, net.hidden, net.outputs
        ([1, 2], [3, 4], [5])
        >>> sorted(net.w)[:4]
        [(0, 3), (0, 4), (0, 5), (1, 3)]
        """
        return builders.layered(cls, sizes, activation, output_activation, seed, epsilon, init,
                                skip)

    # ------------------------------------------------------------------ reading

    @property
    def graph(self):
        """The network as a (frozen) ``networkx.DiGraph``.

        Nodes are neuron ids; edges carry ``"weight"`` (and ``"grad"`` after
        ``backward``). Its edge attributes are the network's own: writing a
        weight there writes the network's weight. Its structure is read-only:
        change it with :meth:`add_neuron`, :meth:`connect`, :meth:`disconnect`
        and :meth:`remove_neuron`, which keep the network acyclic.
        """
        return self._graph_view

    @property
    def inputs(self):
        """Input neuron ids, in the order of x."""
        return list(self._inputs)

    @property
    def outputs(self):
        """Output neuron ids, in the order of y and of ``forward``'s result."""
        return list(self._outputs)

    @property
    def hidden(self):
        """Hidden neuron ids (processing neurons that are not outputs), ascending."""
        return sorted(j for j, n in self._neurons.items() if n.kind == "hidden")

    @property
    def neurons(self):
        """Every :class:`Neuron`, by ascending id (neuron 0 first)."""
        return [self._neurons[j] for j in sorted(self._neurons)]

    def neuron(self, j):
        """The :class:`Neuron` with id `j`."""
        try:
            return self._neurons[j]
        except (KeyError, TypeError):
            raise UnknownNeuronError(f"no neuron has id {describe(j)}; the ids are "
                                     f"{sorted(self._neurons)}") from None

    @property
    def w(self):
        """The weights: ``net.w[i, j]`` reads or writes w_ij (writing needs the edge to exist)."""
        return WeightView(self)

    @property
    def grad(self):
        """∂J/∂w_ij = Δ_j a_i as ``net.grad[i, j]`` after ``backward`` (NaN before)."""
        return GradView(self)

    def topological_order(self):
        """Every neuron id in the topological order propagation uses.

        Among the neurons ready at each step the smallest id comes first, so a
        network numbered as the lectures number it is visited in id order.
        """
        return list(self._compiled().order)

    def copy(self):
        """An independent copy: same neurons, activations, edges, weights and values."""
        twin = Network()
        for j, neuron in self._neurons.items():
            if j:
                twin._insert_neuron(j, neuron.kind, neuron.activation)
            copy = twin._neurons[j]
            copy.in_, copy.a, copy.delta = neuron.in_, neuron.a, neuron.delta
        for i, j, data in self._graph.edges(data=True):
            twin._graph.add_edge(i, j, **data)
        twin._inputs, twin._outputs = list(self._inputs), list(self._outputs)
        twin._stage, twin._last_loss = self._stage, self._last_loss
        return twin

    def __repr__(self):
        return (f"Network(inputs={self.inputs}, hidden={self.hidden}, outputs={self.outputs}, "
                f"weights={self._graph.number_of_edges()})")

    # --------------------------------------------------------- growing by hand

    def add_neuron(self, j, activation=None, bias=None, kind="hidden"):
        """Add neuron `j`.

        Parameters
        ----------
        j : int
            A new id.
        activation : str or Activation, optional
            g for a hidden or output neuron (default ``"logistic"``); not allowed for an input.
        bias : bool or float, optional
            For a hidden or output neuron: True (the default) adds the bias edge
            (0, j) with weight 0, a number adds it with that weight, False adds none.
        kind : {"hidden", "output", "input"}, default "hidden"
            An input is appended to x, an output to y.

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
        j = _checks.neuron_id(j, "the new neuron's id")
        if j in self._neurons:
            raise NetworkError(f"neuron {j} already exists; choose an unused id "
                               f"(the largest is {max(self._neurons)})")
        if kind not in ("hidden", "output", "input"):
            raise NetworkError(f"kind must be 'hidden', 'output' or 'input'; "
                               f"received {describe(kind)}")
        if kind == "input":
            if activation is not None or bias not in (None, False):
                raise NetworkError(f"input neuron {j} passes x_j on: it takes no activation and "
                                   f"no bias edge")
            self._insert_neuron(j, "input", None)
            self._inputs.append(j)
        else:
            bias_weight = _bias_weight(bias)
            self._insert_neuron(j, kind, "logistic" if activation is None else activation)
            if kind == "output":
                self._outputs.append(j)
            if bias_weight is not None:
                self._graph.add_edge(0, j, weight=bias_weight)
        self._structure_changed()

    def connect(self, i, j, w):
        """Add the edge (i, j) with weight `w`.

        Raises
        ------
        NetworkError
            If either neuron does not exist, the edge exists already, it is a
            self-loop, or it would enter neuron 0 or an input neuron.
        CycleError
            If it would close a directed cycle (the message names the cycle).
        """
        i, j = _checks.edge((i, j), "the new edge")
        w = _checks.weight(w, f"w_{i},{j}")
        for n in (i, j):
            self.neuron(n)
        if i == j:
            raise NetworkError(f"edge ({i}, {j}) is a self-loop; feedforward networks have none")
        if self._neurons[j].kind in ("bias", "input"):
            raise NetworkError(f"edge ({i}, {j}) would enter {self._neurons[j].kind} neuron {j}, "
                               f"which takes no incoming edges")
        if self._graph.has_edge(i, j):
            raise NetworkError(f"edge ({i}, {j}) exists already (w_{i},{j} = {self.w[i, j]}); "
                               f"set net.w[{i}, {j}] to change its weight")
        if nx.has_path(self._graph, j, i):
            cycle = [*nx.shortest_path(self._graph, j, i), j]
            raise CycleError(f"edge ({i}, {j}) would close the cycle "
                             f"{' → '.join(map(str, cycle))}; feedforward networks are acyclic",
                             cycle)
        self._graph.add_edge(i, j, weight=w)
        self._structure_changed()

    def disconnect(self, i, j):
        """Remove the edge (i, j)."""
        i, j = _checks.edge((i, j), "the edge")
        if not self._graph.has_edge(i, j):
            raise UnknownEdgeError(f"there is no edge ({i}, {j}) to remove")
        self._graph.remove_edge(i, j)
        self._structure_changed()

    def remove_neuron(self, j):
        """Remove neuron `j` and every edge into or out of it (not the bias neuron 0)."""
        neuron = self.neuron(j)
        if neuron.kind == "bias":
            raise NetworkError("neuron 0 is the bias neuron; it cannot be removed")
        self._graph.remove_node(j)
        del self._neurons[j]
        for ids in (self._inputs, self._outputs):
            if j in ids:
                ids.remove(j)
        self._structure_changed()

    # ---------------------------------------------------------------- computing

    def forward(self, x):
        """Forward propagation of one example: set in_j and a_j of every neuron.

        Parameters
        ----------
        x : sequence of float
            One value per input neuron, in the order of ``net.inputs``.

        Returns
        -------
        numpy.ndarray
            The output activations a_k, in the order of ``net.outputs``.
        """
        plan = self._compiled()
        x = _checks.vector(x, len(plan.inputs), "x")
        propagation.forward_propagate(plan, x)
        self._stage = "forward"
        return np.array([neuron.a for neuron in plan.outputs])

    def backward(self, y, loss="squared"):
        """Backpropagation after :meth:`forward`: set every Δ_j and ``net.grad``.

        Parameters
        ----------
        y : sequence of float
            One target per output neuron, in the order of ``net.outputs``.
        loss : str or Loss, default "squared"
            ``"squared"`` (seed 001), ``"half_squared"`` (seeds 000, 002, 004) or ``"log"``.

        Returns
        -------
        float
            ℓ, this example's loss.
        """
        plan = self._compiled()
        y = _checks.vector(y, len(plan.outputs), "y")
        loss = get_loss(loss)
        if self._stage is None:
            raise NetworkError("backward(y) needs the values of a forward pass; "
                               "call forward(x) first")
        value = propagation.back_propagate(plan, y, loss)
        self._stage, self._last_loss = "backward", loss
        return value

    def sgd_step(self, x, y, lr, loss="squared", weight_decay=0.0, decay_bias=True):
        """One stochastic gradient descent update on the example (x, y).

        Runs BACKPROPAGATE((x, y)) and then, for every edge,
        w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij.

        Parameters
        ----------
        x, y : sequence of float
            The example.
        lr : float
            α, the learning rate.
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
            λ of the cost's λ Σ w_ij² term.
        decay_bias : bool, default True
            False leaves the bias edges (0, j) out of the decay, as seed 004 does.

        Frozen edges (:meth:`freeze`) keep their weights.

        Returns
        -------
        float
            ℓ on this example before the update.

        Examples
        --------
        Seed 001's example SGD iteration (Lecture 07-2a):

        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
        >>> round(net.sgd_step([0.4, 0.5], [1], lr=0.5), 4)
        0.2049
        >>> [round(net.w[i, 3], 4) for i in (0, 1, 2)]
        [0.2121, 0.1449, 0.1561]
        """
        plan = self._compiled()
        x = _checks.vector(x, len(plan.inputs), "x")
        y = _checks.vector(y, len(plan.outputs), "y")
        loss = get_loss(loss)
        lr = _checks.weight(lr, "the learning rate lr")
        weight_decay = _checks.weight(weight_decay, "weight_decay")
        saved = self._values() if loss.check is not None else None
        propagation.forward_propagate(plan, x)
        try:
            value = propagation.back_propagate(plan, y, loss)
        except NetworkError:
            self._restore(saved)  # the loss refused these outputs: put the last values back
            raise
        propagation.gradient_step(plan, lr, weight_decay, bool(decay_bias))
        self._stage, self._last_loss = "backward", loss
        return value

    # ----------------------------------------------------------------- internal

    def _compiled(self):
        if self._plan is None:
            self._plan = propagation.compile_plan(self._graph, self._neurons, self._inputs,
                                                  self._outputs)
        return self._plan

    def _values(self):
        return [(n, n.in_, n.a, n.delta) for n in self._neurons.values()], self._stage

    def _restore(self, saved):
        values, self._stage = saved
        for neuron, in_, a, delta in values:
            neuron.in_, neuron.a, neuron.delta = in_, a, delta

    def _insert_neuron(self, j, kind, activation):
        self._neurons[j] = Neuron(j, kind, activation)
        self._graph.add_node(j)

    def _structure_changed(self):
        self._plan = None
        self._stage = None
        for neuron in self._neurons.values():
            neuron.reset()
        for _, _, data in self._graph.edges(data=True):
            data.pop("grad", None)


def _bias_weight(bias):
    if bias is None or bias is True:
        return 0.0
    if bias is False:
        return None
    return _checks.weight(bias, "the bias weight")
