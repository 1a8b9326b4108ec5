"""The per-neuron network: a networkx DiGraph of neurons with weights on its edges."""

import networkx as nx
import numpy as np

from . import _checks, builders, init, io, propagation, training
from . import explain as explain_module
from . import layers as layers_module
from .data import classes
from .errors import CycleError, NetworkError, UnknownEdgeError, UnknownNeuronError, describe
from .losses import get_loss
from .neuron import Neuron
from .views import GradView, WeightView

__all__ = ["Network"]


class Network:
    """A feedforward network, one neuron at a time, in the notation of the lectures.

    Neuron 0 is the bias neuron (a_0 = 1); input neuron j passes x_j on; every
    processing neuron j computes in_j = Σ_{i:(i,j)∈A} w_ij a_i and a_j = g(in_j).
    Any directed acyclic graph will do: layers are not required.

    Build one with :meth:`from_weights` or :meth:`layered`, or start from
    ``Network()`` (the bias neuron alone) and grow it with :meth:`add_neuron`
    and :meth:`connect`.

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

    # --------------------------------------------------------------- explaining

    def explain(self, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
                weight_decay=0.0, decay_bias=True):
        """The hand-worked steps for one example, in the lecture's notation.

        Forward propagation (in_j and a_j for each processing neuron in
        topological order); with `y`, backpropagation (the output Δ in the
        loss's own form, then each hidden Δ_j = g′(in_j) Σ_k w_jk Δ_k in reverse
        topological order) and ∂J/∂w_ij = Δ_j a_i for each edge; with `lr`, each
        update w_ij ← w_ij − α Δ_j a_i (− 2αλ w_ij with weight decay).
        Explaining never changes the network.

        Parameters
        ----------
        x, y : sequence of float
        lr : float, optional
            α; shows the updates.
        loss : str or Loss, default "squared"
        digits : int, default 4
            Decimal places shown.
        carry_rounded : bool, default False
            Round each value shown and carry the rounded value into the next
            step, as a person working by hand does.
        weight_decay : float, default 0
        decay_bias : bool, default True

        Returns
        -------
        Explanation
            ``str()`` for text, ``.to_markdown()``, ``.to_latex()``, and the
            tables ``.neurons`` and ``.edges``.

        Examples
        --------
        Seed 001's forward propagation, rounding as the slide does:

        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3,
        ...     (1, 4): -4, (2, 4): 2, (0, 5): -1, (3, 5): 4, (4, 5): 2})
        >>> steps = net.explain([3, 4], digits=2, carry_rounded=True)
        >>> for step in steps.steps[-4:]:
        ...     print(step.text(2))
        in_4 = w_0,4·a_0 + w_1,4·a_1 + w_2,4·a_2 = 3·1 + (−4)·3 + 2·4 = −1
        a_4 = g(in_4) = σ(−1) = 0.27
        in_5 = w_0,5·a_0 + w_3,5·a_3 + w_4,5·a_4 = −1·1 + 4·0.5 + 2·0.27 = 1.54
        a_5 = g(in_5) = σ(1.54) = 0.82
        """
        return explain_module.explain(self, x, y=y, lr=lr, loss=loss, digits=digits,
                                      carry_rounded=carry_rounded, weight_decay=weight_decay,
                                      decay_bias=decay_bias)

    # ------------------------------------------------------------ files, networkx

    def save(self, path):
        """Write the network to a file: JSON (.json) or an edge list (.txt, .edges, .edgelist).

        The file is written whole or not at all (a temporary file, then a
        rename), and every weight is read back by :func:`neurograph.load` exactly.
        Returns the path.
        """
        return io.save(self, path)

    def to_document(self):
        """The network as plain data (what a JSON file holds); see docs/format.md."""
        return io.to_document(self)

    def to_networkx(self):
        """A new ``networkx.DiGraph``: node attributes ``kind`` and ``activation``, edge
        attribute ``weight`` (and ``frozen``), inputs and outputs in ``G.graph``."""
        return io.to_networkx(self)

    @classmethod
    def from_networkx(cls, G, activation="logistic", inputs=None, outputs=None,
                      activations=None):
        """A network from a ``networkx.DiGraph`` whose edges carry ``weight``, checked as a
        file is; see :func:`neurograph.io.from_networkx`."""
        return io.from_networkx(G, activation=activation, inputs=inputs, outputs=outputs,
                                activations=activations, network_class=cls)

    # ------------------------------------------------------------------ drawing

    def plot(self, path=None, **kwargs):
        """Draw the network; with `path`, into a PNG, SVG or PDF file chosen by its extension.

        Takes the keyword arguments of :func:`neurograph.plot_network` (bias,
        weights, values, digits, pos, title), and with `path` also ``dpi``
        (default 110). Returns the Axes, or with `path` the path written.
        """
        from .plot import plot_network, save_network_picture
        if path is None:
            return plot_network(self, **kwargs)
        return save_network_picture(self, path, **kwargs)

    def _repr_png_(self):
        from .plot import network_png
        return network_png(self)

    # ------------------------------------------------------------ layer notation

    def layers(self):
        """The layer notation of seeds 000, 002 and 004 for a layered network.

        Returns
        -------
        list of Layer
            Input layer first. Layer l has W^l (row = to, column = from, as
            Nielsen's w^l_jk), b^l, z^l and a^l from the last forward pass, and
            after a backward pass the per-neuron Δ and the seeds' δ^l
            (δ = Δ for "half_squared" and "log", Δ/2 for "squared").

        Raises
        ------
        NetworkError
            If an edge skips a layer or the outputs are not the last layer.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_layers([[[1.0, -2.0]], ], [[0.5]], activation="identity")
        >>> _ = net.forward([3, 1])
        >>> layer = net.layers()[1]
        >>> layer.W, layer.b, layer.z
        (array([[ 1., -2.]]), array([0.5]), array([1.5]))
        """
        return layers_module.layers(self)

    @classmethod
    def from_layers(cls, Ws, bs, activation="logistic", output_activation=None):
        """Build the per-neuron network from the matrices W^2, …, W^L and vectors b^2, …, b^L.

        W^l has a row per neuron of layer l and a column per neuron of layer
        l − 1; neurons are numbered as :meth:`layered` numbers them.
        """
        return layers_module.from_layers(cls, Ws, bs, activation, output_activation)

    # ----------------------------------------------------------------- training

    def fit(self, X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared", weight_decay=0.0,
            decay_bias=True, dropout=0.0, shuffle=True, seed=0, validation=None,
            error_tol=None, min_delta=None, patience=1, progress=False, engine="auto"):
        """Train by gradient descent: NEURALNETTRAIN (seed 001) and its mini-batch variants.

        Parameters
        ----------
        X : array_like, n × len(net.inputs)
        Y : array_like, n × len(net.outputs)
            Targets; with one output neuron a flat sequence will do.
        lr : float, default 0.5
            α.
        epochs : int, default 100
            The epoch limit.
        batch_size : int or None, default 1
            1: one update per example in a fresh random permutation each epoch
            (NEURALNETTRAIN). k: one update per k consecutive examples of the
            permutation, from the average of their Δ_j a_i (the last batch may be
            smaller). None: full-batch gradient descent, one update per epoch.
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
            λ: every update also subtracts 2αλ w_ij (seed 001).
        decay_bias : bool, default True
            False leaves the bias edges out of the decay (seed 004).
        dropout : float, default 0
            The probability of dropping each hidden neuron for an example; the
            survivors' outputs are scaled by 1/(1 − p). Training only.
        shuffle : bool, default True
            False keeps the examples in the order given.
        seed : int or numpy.random.Generator or None, default 0
            Drives the permutations and dropout: the same seed, the same run.
        validation : (X_val, Y_val), optional
            Recorded in the history after each epoch.
        error_tol : float, optional
            Stop once every |y_k − a_k| on the training set is below it.
        min_delta, patience : float and int, optional
            Stop once J(w) changes by less than `min_delta` in `patience`
            epochs in a row.
        progress : bool, default False
            Show a progress bar (needs tqdm).
        engine : {"auto", "reference"}, default "auto"

        Returns
        -------
        History

        Raises
        ------
        NetworkError
            For malformed data or options (the network is left as it was), or
            if J(w) stops being finite: the error names the epoch, carries the
            history so far as ``.history``, and the network keeps the weights
            from before that epoch.

        Examples
        --------
        XOR needs a hidden layer (seed 001):

        >>> import neurograph as ng
        >>> X, Y = ng.datasets.xor()
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> history = net.fit(X, Y, lr=2.0, epochs=2000, seed=0)
        >>> net.classify(X).tolist()
        [0, 1, 1, 0]
        """
        return training.fit(self, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, loss=loss,
                            weight_decay=weight_decay, decay_bias=decay_bias, dropout=dropout,
                            shuffle=shuffle, seed=seed, validation=validation,
                            error_tol=error_tol, min_delta=min_delta, patience=patience,
                            progress=progress, engine=engine)

    def predict(self, X, engine="auto"):
        """The output activations for each example: an array n × len(net.outputs)."""
        return training.predict(self, X, engine=engine)

    def classify(self, X, engine="auto"):
        """The class of each example: the index of its highest output (seed 001, 07-4c).

        With one output neuron: 1 if a ≥ 0.5, else 0.
        """
        return classes(self.predict(X, engine=engine))

    def initialize(self, method="uniform", seed=0, epsilon=0.5, value=0.0):
        """Draw fresh initial weights for every edge that is not frozen.

        `method` is "uniform" (RAND(−ε, ε)), "normal" (N(0, ε²)), "glorot"
        (seed 004's √(6/(n_in + n_out + 1)) heuristic), "constant" (`value`
        everywhere), or a callable ``method(i, j, rng)``; see :mod:`neurograph.init`.
        """
        init.initialize(self, method, seed=seed, epsilon=epsilon, value=value)

    def freeze(self, i, j):
        """Hold w_ij fixed: training and ``sgd_step`` leave it (``net.grad`` still has ∂J/∂w_ij)."""
        self.w[i, j]  # the edge must exist
        self._graph.edges[i, j]["frozen"] = True
        self._plan = None

    def unfreeze(self, i, j):
        """Let training change w_ij again."""
        self.w[i, j]
        self._graph.edges[i, j].pop("frozen", None)
        self._plan = None

    @property
    def frozen(self):
        """The frozen edges, ascending."""
        return sorted((i, j) for i, j, f in self._graph.edges(data="frozen") if f)

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
