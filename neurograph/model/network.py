"""The per-neuron network: neurons, and edges with weights, forming a directed acyclic graph.

``Network`` holds the model — its neurons and edges, the rules they obey (through
:mod:`neurograph.model.structure`), and one-example propagation by the reference
engine. What users do with it beyond that (fit, explain, plot, save …) are methods
here too; each hands the work to the layer that does it, importing a higher layer
(training, teaching, drawing) only when called, so the model never depends on them.

What other layers may use, documented below as "the engines' contract":
:meth:`Network.plan`, :attr:`Network.cache`, :attr:`Network.stage`,
:attr:`Network.last_loss`, :meth:`Network.values`, :meth:`Network.restore_values`,
:meth:`Network.clear_values`, :meth:`Network.theta` and :meth:`Network.set_theta`.
"""

import math

import numpy as np

from .. import checks
from ..engines import reference
from ..errors import NetworkError, UnknownEdgeError, UnknownNeuronError, describe
from ..files import document as documents
from ..files import graphs
from . import builders
from . import init as initial_weights
from .activations import Activation, get_activation
from .aggregations import get_aggregation
from .losses import get_loss
from .neuron import Edge, Neuron
from .normalization import BatchNorm
from .parameters import Parameters
from .structure import (Blueprint, check, closing_cycle, cycle_error, edge_fault, group_fault,
                        ids_text, norm_fault, tie_fault_or_group, topological_order)
from .views import GradView, GraphView, WeightView

LEARNING_RATE = checks.OPTIONS["lr"]  # sgd_step's check, looked up once: it runs per example

__all__ = ["Network", "load"]


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
        self._neurons = {}
        self._succ, self._pred = {}, {}  # i → {j: Edge}, j → {i: Edge}
        self._inputs, self._outputs = [], []
        self._plan = None
        self._stage = None  # None, "forward" or "backward": what the neurons' values come from
        self._last_loss = None
        self._graph = None
        self.cache = {}
        """Compiled forms of the network kept by the engines (by name); emptied whenever
        the structure or an activation changes."""
        self._ties = []  # the tied groups: sorted lists of (i, j) sharing one Edge
        self.parameters = Parameters()
        """θ: every weight, in one float64 array (see :mod:`neurograph.model.parameters`);
        each Edge reads and writes its slot."""
        self._insert(0, "bias", None)

    # ----------------------------------------------------------------- builders

    @classmethod
    def from_weights(cls, weights, activation="logistic", activations=None, inputs=None,
                     outputs=None, aggregations=None):
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
        aggregations : mapping, optional
            ``{j: "max" | "product"}`` for neurons that do not sum their terms
            (see :meth:`set_aggregation`).

        Raises
        ------
        NetworkError
            For a malformed edge or weight, an edge into neuron 0 or an input, a
            self-loop, a repeated edge, or inputs/outputs/activations that do not fit.
        CycleError
            If the edges contain a directed cycle (the message names it).
        """
        with builders.building():
            return cls.from_blueprint(builders.weights_blueprint(weights, activation,
                                                                 activations, inputs, outputs,
                                                                 aggregations))

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
        initial_weights.drawer(init, epsilon)  # refuse a bad init before building anything
        rng = checks.generator(seed)
        with builders.building():
            net = cls.from_blueprint(builders.layered_blueprint(sizes, activation,
                                                                output_activation, skip))
            initial_weights.initialize(net, init, seed=rng, epsilon=epsilon)
        return net

    @classmethod
    def autoencoder(cls, n_visible, n_hidden, activation="logistic", seed=0, init="glorot",
                    epsilon=0.5):
        """Seed 004's autoencoder: ``layered([n_visible, n_hidden, n_visible])``, trained to
        reproduce its input (``fit(X, X, …)``, with ``sparsity=(ρ, β)`` for UFLDL's sparse one).

        The initial weights are seed 004's heuristic, uniform in ±√(6/(n_in + n_out + 1))
        ("glorot"), unless `init` says otherwise. Inputs are 1 … n_visible, hidden neurons
        next, the outputs last in the order of the inputs.

        Examples
        --------
        >>> import neurograph as ng
        >>> ae = ng.Network.autoencoder(64, 25, seed=0)
        >>> ae.summary()
        '64 inputs, 25 hidden, 64 outputs, 3,289 weights'
        """
        return cls.layered([n_visible, n_hidden, n_visible], activation=activation, seed=seed,
                           init=init, epsilon=epsilon)

    @classmethod
    def from_layers(cls, Ws, bs, activation="logistic", output_activation=None):
        """Build the per-neuron network from the matrices W^2, …, W^L and vectors b^2, …, b^L.

        W^l has a row per neuron of layer l and a column per neuron of layer
        l − 1; neurons are numbered as :meth:`layered` numbers them.
        """
        return cls.from_blueprint(builders.layers_blueprint(Ws, bs, activation,
                                                            output_activation))

    @classmethod
    def from_document(cls, doc, source="the network", activations=None):
        """Build the network a document describes (what a JSON file holds; docs/format.md).

        `source` names the origin in errors; `activations` maps names to user-made
        activations the document names.
        """
        contents = documents.contents(doc, source)
        return cls.from_blueprint(Blueprint(**contents, known=_known(activations)))

    @classmethod
    def from_networkx(cls, G, activation="logistic", inputs=None, outputs=None,
                      activations=None):
        """A network from a ``networkx.DiGraph`` whose edges carry ``weight``.

        Node attributes ``kind`` and ``activation`` are used where present; otherwise
        kinds are inferred as :meth:`from_weights` does and `activation` is every
        processing neuron's g. `inputs` and `outputs` (or ``G.graph["inputs"]`` and
        ``["outputs"]``) give their order. Checked by the same rules as every way in.
        """
        contents = graphs.contents(G, activation, inputs, outputs)
        return cls.from_blueprint(Blueprint(**contents, known=_known(activations)))

    @classmethod
    def from_blueprint(cls, blueprint):
        """Check a :class:`~neurograph.model.structure.Blueprint` and build it.

        Every way in ends here, so every network obeys the same rules.
        """
        with builders.building():
            return cls()._filled(check(blueprint))

    def _filled(self, bp):
        """This (new) network, filled with the neurons and edges of a checked Blueprint."""
        for j in sorted(bp.kinds):
            norm = bp.norms.get(j)
            self._insert(j, bp.kinds[j], bp.activations.get(j), bp.aggregations.get(j, "sum"),
                         None if norm is None else BatchNorm(**norm.state()))
        self._inputs, self._outputs = list(bp.inputs), list(bp.outputs)
        succ, pred = self._succ, self._pred
        for (i, j), w_ij in bp.edges.items():
            succ[i][j] = pred[j][i] = Edge(self.parameters, w_ij)
        for i, j in bp.frozen:
            succ[i][j].frozen = True
        for group in bp.ties:
            self._share(group)
        return self

    def _share(self, group):
        """Make the edges of `group` (sorted keys) share the first one's Edge."""
        shared = self._succ[group[0][0]][group[0][1]]
        for i, j in group[1:]:
            self._succ[i][j] = self._pred[j][i] = shared
        self._ties.append(list(group))

    def _blueprint(self):
        """This network as a (checked) Blueprint."""
        return Blueprint(edges={(i, j): edge.weight for i, out in self._succ.items()
                                for j, edge in out.items()},
                         kinds={j: n.kind for j, n in self._neurons.items() if j},
                         inputs=list(self._inputs), outputs=list(self._outputs),
                         activations={j: n.activation for j, n in self._neurons.items()
                                      if n.activation is not None},
                         frozen=set(self.frozen),
                         aggregations={j: n.aggregation for j, n in self._neurons.items()
                                       if n.aggregation not in (None, "sum")},
                         norms={j: BatchNorm(**n.norm.state()) for j, n in self._neurons.items()
                                if n.norm is not None},
                         ties=[list(group) for group in self._ties])

    # ------------------------------------------------------------------ reading

    @property
    def graph(self):
        """The network as a live, read-only ``networkx.DiGraph``.

        Nodes are neuron ids (attributes ``kind``, ``activation``); edges carry
        ``weight`` (and ``frozen``); ``G.graph`` has ``inputs`` and ``outputs``.
        Writing through it raises a NetworkError: change weights with ``net.w``
        and the structure with :meth:`add_neuron`, :meth:`connect`,
        :meth:`disconnect` and :meth:`remove_neuron`. ``net.graph.copy()`` or
        :meth:`to_networkx` give an editable copy.
        """
        if self._graph is None:
            self._graph = GraphView(self._neurons, self._succ, self._pred,
                                    lambda: self._inputs, lambda: self._outputs)
        return self._graph

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
                                     f"{sorted(self._neurons)[:20]}"
                                     f"{' …' if len(self._neurons) > 20 else ''}") from None

    def predecessors(self, j):
        """The ids i with an edge (i, j), ascending."""
        self.neuron(j)
        return sorted(self._pred[j])

    def successors(self, j):
        """The ids k with an edge (j, k), ascending."""
        self.neuron(j)
        return sorted(self._succ[j])

    def has_edge(self, i, j):
        """Whether the edge (i, j) exists."""
        return self._edge_of(i, j) is not None

    def edges(self, sort=True):
        """Every edge (i, j): ascending, or with ``sort=False`` in no set order (faster)."""
        ids = self._edge_ids()
        return sorted(ids) if sort else ids

    def set_weights(self, weights):
        """Set w_ij for every ``(i, j): w`` of a mapping; all are checked before any is set."""
        checked = [(self._edge(key), checks.weight(value, f"w_{key[0]},{key[1]}"))
                   for key, value in dict(weights).items()]
        for edge, w_ij in checked:
            edge.weight = w_ij

    @property
    def w(self):
        """The weights: ``net.w[i, j]`` reads or writes w_ij (writing needs the edge to exist)."""
        return WeightView(self._edge, self._edge_ids, self._weight_items)

    @property
    def grad(self):
        """∂J/∂w_ij = Δ_j a_i as ``net.grad[i, j]`` after ``backward`` (NaN before).

        Into a max or product neuron it is Δ_j a_i c_ij with the term's slope
        c_ij = ∂in_j/∂(w_ij a_i); for a tied edge it is that edge's own term (the shared
        weight's gradient is the sum over its group)."""
        return GradView(self._edge, self._edge_ids, self._grad_items)

    @property
    def frozen(self):
        """The frozen edges, ascending."""
        return sorted((i, j) for i, out in self._succ.items() for j, e in out.items() if e.frozen)

    def topological_order(self):
        """Every neuron id in the topological order propagation uses.

        Among the neurons ready at each step the smallest id comes first, so a
        network numbered as the lectures number it is visited in id order.
        """
        return list(self.plan().order)

    def copy(self):
        """An independent copy: same neurons, activations, edges, weights and values."""
        twin = type(self)()._filled(self._blueprint())
        values, stage, last_loss = self.values()
        twin.restore_values(([(twin.neuron(n.id), in_, a, delta) for n, in_, a, delta in values],
                             stage, last_loss))
        return twin

    def __getstate__(self):
        """What ``copy.deepcopy`` copies: everything but :attr:`cache`, whose compiled
        engines hold views of their own arrays (a copy would part them) and are rebuilt
        on first use."""
        state = self.__dict__.copy()
        state["cache"] = {}
        return state

    def __repr__(self):
        return (f"Network(inputs={ids_text(self.inputs)}, hidden={ids_text(self.hidden)}, "
                f"outputs={ids_text(self.outputs)}, weights={len(self._edge_ids())})")

    def summary(self):
        """One line: how many inputs, hidden and output neurons and weights.

        >>> import neurograph as ng
        >>> ng.Network.layered([64, 30, 10]).summary()
        '64 inputs, 30 hidden, 10 outputs, 2,260 weights'
        """
        counts = [(len(self._inputs), "input"), (len(self.hidden), "hidden"),
                  (len(self._outputs), "output")]
        parts = [f"{n:,} {word}{'s' if n != 1 and word != 'hidden' else ''}"
                 for n, word in counts]
        edges = len(self._edge_ids())
        return f"{', '.join(parts)}, {edges:,} weight{'s' if edges != 1 else ''}"

    # --------------------------------------------------------- growing by hand

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
            lectures' Σ, seed 003's maxout max, or Π. See :meth:`set_aggregation`.

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
        i, j = checks.edge((i, j), "the new edge")
        w = checks.weight(w, f"w_{i},{j}")
        for n in (i, j):
            self.neuron(n)
        source = self._neurons[i]
        fault = edge_fault(i, j, self._neurons[j].kind) or (
            source.activation is not None and group_fault(i, source.kind, source.activation, True))
        if fault:
            raise NetworkError(fault)
        if j in self._succ[i]:
            raise NetworkError(f"edge ({i}, {j}) exists already (w_{i},{j} = "
                               f"{self._succ[i][j].weight}); set net.w[{i}, {j}] to change it")
        cycle = closing_cycle(lambda u: self._succ[u], i, j)
        if cycle:
            raise cycle_error(cycle)
        self._succ[i][j] = self._pred[j][i] = Edge(self.parameters, w)
        self._structure_changed()

    def disconnect(self, i, j):
        """Remove the edge (i, j)."""
        i, j = checks.edge((i, j), "the edge")
        if self._edge_of(i, j) is None:
            raise UnknownEdgeError(f"there is no edge ({i}, {j}) to remove")
        self._forget_ties({(i, j)})
        del self._succ[i][j], self._pred[j][i]
        self._structure_changed()

    def remove_neuron(self, j):
        """Remove neuron `j` and every edge into or out of it (not the bias neuron 0)."""
        neuron = self.neuron(j)
        if neuron.kind == "bias":
            raise NetworkError("neuron 0 is the bias neuron; it cannot be removed")
        self._forget_ties({(i, j) for i in self._pred[j]} | {(j, k) for k in self._succ[j]})
        for i in self._pred.pop(j):
            del self._succ[i][j]
        for k in self._succ.pop(j):
            del self._pred[k][j]
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

    # ----------------------------------------------------------------- topology operators

    def split_edge(self, i, j, activation="identity", new_id=None):
        """NEAT's add-node: replace edge (i, j) by (i, new) with w = 1 and (new, j) with w_ij.

        The new hidden neuron also gets a bias edge (0, new) with w = 0. With the
        identity activation the network computes the same function (to rounding:
        in_j sums the same terms, perhaps in another order). A frozen (i, j) leaves
        (new, j) frozen; a tied edge must be untied first.

        Returns
        -------
        int
            The new neuron's id (by default one more than the largest).

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.5})
        >>> before = net.forward([2.0]).copy()
        >>> net.split_edge(1, 2)
        3
        >>> sorted(net.edges()), bool((net.forward([2.0]) == before).all())
        ([(0, 2), (0, 3), (1, 3), (3, 2)], True)
        """
        from ..topology import operators
        return operators.split_edge(self, i, j, activation, new_id)

    def prune(self, fraction=None, threshold=None, method="magnitude", X=None, Y=None,
              loss="squared", include_bias=False):
        r"""Remove the edges that matter least; returns [(i, j, w_ij), …] removed.

        Parameters
        ----------
        fraction : float in (0, 1), optional
            The share of the candidate edges to remove, lowest scores first.
        threshold : float > 0, optional
            Instead: remove every candidate scoring below it.
        method : {"magnitude", "saliency"}
            "magnitude" scores |w_ij|; "saliency" scores Optimal Brain Damage's
            ½ h_ij w_ij², h_ij ≈ ∂²J/∂w_ij² from a second backward pass over the
            examples `X`, `Y` under `loss` (see
            :func:`neurograph.topology.operators.diagonal_hessian` for the formula).
        include_bias : bool, default False
            Whether bias edges are candidates. Frozen and tied edges never are.

        Raises
        ------
        NetworkError
            If the pruning would leave an output with no path from any input (the
            network is then left as it was), or for a fraction outside (0, 1).

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 3): 0.1, (2, 3): -2.0, (1, 4): 1.0, (4, 3): 0.5})
        >>> net.prune(fraction=0.25)
        [(1, 3, 0.1)]
        """
        from ..topology import operators
        return operators.prune(self, fraction, threshold, method, X, Y, loss, include_bias)

    def remove_dangling(self):
        """Remove the hidden neurons that reach no output, and those that no input reaches.

        A neuron that reaches no output cannot change y; one that no input reaches
        computes a constant a_c, which is first added to each successor's bias
        (w_0k += w_ck a_c), so the function is unchanged. A constant feeding a max or
        product neuron (or a tied bias) cannot be folded so, and stays. Inputs and
        outputs always stay. Returns the ids removed.
        """
        from ..topology import operators
        return operators.remove_dangling(self)

    def simplify(self):
        """Remove zero weights into Σ neurons, then :meth:`remove_dangling`, until nothing changes.

        The function is unchanged (to rounding). Returns ``{"edges": [...], "neurons": [...]}``,
        what was removed.
        """
        from ..topology import operators
        return operators.simplify(self)

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

        ``"sum"`` (the lectures' Σ), ``"max"`` (in_j = max_i w_ij a_i: seed 003's maxout
        is a max neuron without a bias edge over linear neurons; Δ_j reaches only the
        arg-max edge, the lowest i among equal maxima) or ``"product"``
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
        """Batch-normalize hidden neuron `j`'s output (seed 001, Lecture 07-5b).

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
        """Make the edges share one weight (seed 003: convolution ties weights).

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
        group = tie_fault_or_group(list(edges), lambda key: self._edge_of(*key) is not None,
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
        plan = self.plan()
        x = checks.vector(x, len(plan.inputs), "x")
        saved = self.values()
        reference.forward_propagate(plan, x)
        overflowed = first_overflow(plan)
        if overflowed is not None:
            self.restore_values(saved)
            raise NetworkError(overflow_message(x, overflowed))
        self._stage = "forward"
        return np.array([neuron.a for neuron in plan.outputs])

    def backward(self, y, loss="squared"):
        """Backpropagation after :meth:`forward`: set every Δ_j (and so ``net.grad``).

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
        plan = self.plan()
        y = checks.vector(y, len(plan.outputs), "y")
        loss = get_loss(loss)
        if self._stage is None:
            raise NetworkError("backward(y) needs the values of a forward pass; "
                               "call forward(x) first")
        value = reference.back_propagate(plan, y, loss)
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
            α, the learning rate (positive).
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
            λ ≥ 0 of the cost's λ Σ w_ij² term.
        decay_bias : bool, default True
            False leaves the bias edges (0, j) out of the decay, as seed 004 does.

        Frozen edges (:meth:`freeze`) keep their weights. A step that would make a weight
        NaN or take it beyond ±1e100 raises :class:`DivergedError` with the weights as they
        were (the neurons then hold this example's forward and backward pass).

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
        plan = self._plan or self.plan()
        if plan.norms:
            raise NetworkError(f"neurons {[n.id for n, _ in plan.norms]} are batch-normalized: "
                               f"training needs mini-batches of at least 2 examples, not one; "
                               f"use fit(X, Y, batch_size=…) with a batch_size of 2 or more")
        x = checks.vector(x, len(plan.inputs), "x")
        y = checks.vector(y, len(plan.outputs), "y")
        loss = get_loss(loss)
        lr = LEARNING_RATE(lr)
        if type(weight_decay) is not float or weight_decay != 0.0:  # (0.0 needs no check)
            weight_decay = checks.option("weight_decay", weight_decay)
        if decay_bias is not True:
            decay_bias = checks.flag(decay_bias, "decay_bias")
        saved = self.values() if loss.check is not None else None
        reference.forward_propagate(plan, x)
        try:
            value = reference.back_propagate(plan, y, loss)
        except NetworkError:
            self.restore_values(saved)  # the loss refused these outputs: put the last values back
            raise
        reference.gradient_step(plan, lr, weight_decay, decay_bias)  # DivergedError: undone
        self._stage, self._last_loss = "backward", loss
        return value

    # ------------------------------------------------------ the engines' contract

    def plan(self):
        """The structure compiled for the reference engine (:class:`engines.reference.Plan`),
        cached until the structure or an activation changes."""
        if self._plan is None:
            with builders.building():
                order = topological_order(self._neurons, self._succ.__getitem__)
                tied = {self._succ[i][j] for (i, j), *_ in self._ties}
                plan = reference.compile_plan(self._neurons, self._pred, self._succ,
                                              self._inputs, self._outputs, order, tied,
                                              self.parameters)
                self._pack(plan)
                self._plan = plan
        return self._plan

    def _pack(self, plan):
        """Lay θ out in the order of :meth:`theta_edges`: the trainable weights (a tied group
        once), then the frozen ones; the slots of removed edges are dropped."""
        trainable = [edge for _, edge in plan.parameters]
        frozen = {id(edge): edge for _, edge, _ in plan.edges if edge.frozen}
        self.parameters.pack(trainable + list(frozen.values()))

    @property
    def stage(self):
        """What the neurons' values come from: None, "forward" or "backward"."""
        return self._stage

    @property
    def last_loss(self):
        """The :class:`Loss` of the last backward pass (None before one)."""
        return self._last_loss

    def values(self):
        """Every neuron's in_j, a_j and Δ_j, and the stage: for :meth:`restore_values`."""
        return ([(n, n.in_, n.a, n.delta) for n in self._neurons.values()], self._stage,
                self._last_loss)

    def restore_values(self, saved):
        """Put back the values :meth:`values` returned."""
        values, self._stage, self._last_loss = saved
        for neuron, in_, a, delta in values:
            neuron.in_, neuron.a, neuron.delta = in_, a, delta

    def clear_values(self):
        """Forget every neuron's values (NaN), e.g. after training changed the weights."""
        self._stage = None
        for neuron in self._neurons.values():
            neuron.reset()

    def theta(self):
        """The trainable parameters as one vector θ, in the order of :meth:`theta_edges`.

        The weights that are not frozen, one per tied group, in ascending (i, j); then
        γ_j and β_j of each batch-normalized neuron, ascending j.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0})
        >>> net.theta(), net.theta_edges()
        (array([ 0.5, -1. ]), [(0, 2), (1, 2)])
        """
        return self.plan().theta()

    def theta_edges(self):
        """What each entry of :meth:`theta` is: an edge (i, j) (a tied group's first edge),
        then ``("gamma", j)`` and ``("beta", j)`` for each batch-normalized neuron j."""
        plan = self.plan()
        return [ij for ij, _ in plan.parameters] + [
            (name, neuron.id) for neuron, _ in plan.norms for name in ("gamma", "beta")]

    def set_theta(self, theta):
        """Set the trainable parameters from a vector in the order of :meth:`theta_edges`.

        The whole vector is checked (its length, every entry finite) before anything is set.
        """
        plan = self.plan()
        size = len(plan.parameters) + 2 * len(plan.norms)
        plan.set_theta(checks.vector(theta, size, "theta"))

    # ------------------------------------------------------------ training (training/)

    def fit(self, X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared", weight_decay=0.0,
            decay_bias=True, dropout=0.0, shuffle=True, seed=0, validation=None,
            error_tol=None, min_delta=None, patience=1, progress=False, engine="auto",
            rule="gradient", optimizer="sgd", sparsity=None, sparsity_neurons=None,
            device=None):
        """Train by gradient descent: NEURALNETTRAIN (seed 001) and its mini-batch variants.

        Parameters
        ----------
        X : array_like, n × len(net.inputs)
        Y : array_like, n × len(net.outputs)
            Targets; with one output neuron a flat sequence will do.
        lr : float, default 0.5
            α.
        epochs : int, default 100
            The epoch limit (at least 1).
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
        engine : {"auto", "reference", "vectorized", "torch"}, default "auto"
            All give the same numbers (to 1e-12 in float64); "auto" picks the batch
            engine once a batch is large enough to pay for it; "torch" runs the batch
            engine's loop on PyTorch tensors (:meth:`to_torch`; no dropout or sparsity).
        device : str, optional
            With engine="torch": where the tensors live ("cpu", "cuda", "cuda:1" …).
        rule : {"gradient", "perceptron"}, default "gradient"
            "perceptron": Rosenblatt's rule, w_ij ← w_ij + α (y_j − a_j) a_i, one
            example at a time (see :meth:`perceptron_step`), for threshold outputs fed
            by inputs only; it stops after an epoch without mistakes ("errors") or at
            the epoch limit ("epochs": not separated, e.g. XOR).
        optimizer : {"sgd", "momentum", "adam", "lbfgs", "cg"}, default "sgd"
            How a gradient becomes a step (:mod:`neurograph.training.optimizers`):
            "sgd" is w_ij ← w_ij − α ∂J/∂w_ij; "momentum" (μ = 0.9) and "adam" keep a
            running state; "lbfgs" and "cg" (seed 004, scipy) minimize the full-batch
            J(θ) of :meth:`cost_and_grad`, `epochs` being their iteration limit and the
            history one entry per iteration (they ignore `lr` and `batch_size`).
        sparsity : (float, float), optional
            (ρ, β): the sparse autoencoder's β Σ_j KL(ρ ‖ ρ̂_j) joins J, ρ̂_j the mean of a_j
            over each batch, for the hidden neurons (or `sparsity_neurons`); see
            :mod:`neurograph.training.sparsity`.
        sparsity_neurons : sequence of int, optional
            The neurons the sparsity penalty reaches (default: every hidden neuron).

        Batch-normalized neurons (:meth:`add_batch_norm`) need ``batch_size`` ≥ 2 (a last
        batch of one joins the one before); γ_j and β_j train with the weights, and
        each training batch updates the running averages.

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

        After training the neurons' values are cleared (the weights changed);
        :meth:`forward` sets them again.

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
        from ..training import loop
        return loop.fit(self, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, loss=loss,
                        weight_decay=weight_decay, decay_bias=decay_bias, dropout=dropout,
                        shuffle=shuffle, seed=seed, validation=validation, error_tol=error_tol,
                        min_delta=min_delta, patience=patience, progress=progress,
                        engine=engine, rule=rule, optimizer=optimizer, sparsity=sparsity,
                        sparsity_neurons=sparsity_neurons, device=device)

    def to_torch(self, dtype=None, device="cpu"):
        """The network as a ``torch.nn.Module`` computing the same function.

        ``module(X)`` gives the outputs for each row of X; its one parameter ``theta``
        is :meth:`theta` (every distinct trainable weight, a tied group once, then each
        batch norm's γ and β), so any PyTorch optimizer, ``DistributedDataParallel`` or
        device works with it; frozen weights are constant buffers, batch norm uses the
        batch's statistics in training mode (and folds them into its running averages)
        and the running ones in eval mode. Every built-in activation, aggregation, softmax,
        batch norm, tied and frozen edge is computed as the numpy engines do: equal to the
        reference engine to 1e-12 in float64 (the default dtype). :meth:`load_torch` puts
        trained weights back. Needs PyTorch (``pip install "neurograph[torch]"``).

        Examples
        --------
        >>> import neurograph as ng, torch
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> module = net.to_torch()
        >>> module(torch.tensor([[3.0, 4.0]], dtype=torch.float64)).tolist() == [
        ...     net.forward([3, 4]).tolist()]
        True
        """
        from ..engines import tensor
        return tensor.TorchNetwork(self.plan(), dtype=dtype, device=device)

    def load_torch(self, module):
        """Write a :meth:`to_torch` module's trained θ (and batch norms' running averages)
        back onto this network, which must have the structure the module was made from."""
        fingerprint = getattr(module, "fingerprint", None)
        if fingerprint is None:
            raise NetworkError(f"load_torch takes a module made by net.to_torch(); received "
                               f"{describe(module)}")
        from ..engines import tensor
        if fingerprint != tensor.fingerprint(self.plan()):
            raise NetworkError("this module was made from a network of another structure "
                               "(other neurons, edges, ties or batch norms)")
        theta = module.theta.detach().cpu().double().numpy()
        if not np.all(np.isfinite(theta)):
            raise NetworkError("the module's θ holds NaN or infinite values; nothing was loaded")
        self.set_theta(theta)
        for (_, norm), (mean, var) in zip(self.plan().norms, module.statistics()):
            norm.running_mean, norm.running_var = mean, var

    def cost_and_grad(self, theta, X, Y, loss="squared", weight_decay=0.0, decay_bias=True,
                      sparsity=None, engine="auto", sparsity_neurons=None):
        """J(θ) and ∇J(θ) on the whole data set: what scipy.optimize.minimize wants (seed 004).

        J(θ) = (1/n) Σ_e ℓ(y^(e), h_θ(x^(e))) + λ Σ w_ij² over the decayed weights (the
        seeds' λ/2 form is ``weight_decay=λ/2``); θ is in the order of :meth:`theta_edges`,
        and batch normalization takes its statistics over the n examples. The network's
        own parameters are left as they were.

        Parameters
        ----------
        theta : array_like
            A value for every entry of :meth:`theta`.
        X, Y : array_like
            The examples.
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
        decay_bias : bool, default True
        sparsity : (float, float), optional
            (ρ, β): add β Σ_j KL(ρ ‖ ρ̂_j) over the hidden neurons (or `sparsity_neurons`),
            ρ̂_j the mean of a_j over the n examples (seeds 003–004's sparse autoencoder).
        engine : {"auto", "reference", "vectorized"}, default "auto"

        Returns
        -------
        (float, numpy.ndarray)
            J(θ) and ∇J(θ).

        Examples
        --------
        Seed 004's gradient checking: (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε with EPSILON = 10⁻⁴
        against ∂J/∂θ_i, to at least 4 significant digits:

        >>> import numpy as np
        >>> import neurograph as ng
        >>> net = ng.Network.layered([3, 4, 3], seed=1)
        >>> X = np.random.default_rng(0).random((5, 3))
        >>> theta = net.theta()
        >>> J, grad = net.cost_and_grad(theta, X, X, loss="half_squared", weight_decay=5e-5)
        >>> EPSILON = 1e-4
        >>> numeric = np.zeros_like(theta)
        >>> for i in range(len(theta)):
        ...     e_i = np.zeros_like(theta)
        ...     e_i[i] = 1.0
        ...     plus, _ = net.cost_and_grad(theta + EPSILON * e_i, X, X, loss="half_squared",
        ...                                 weight_decay=5e-5)
        ...     minus, _ = net.cost_and_grad(theta - EPSILON * e_i, X, X, loss="half_squared",
        ...                                  weight_decay=5e-5)
        ...     numeric[i] = (plus - minus) / (2 * EPSILON)
        >>> bool(np.max(np.abs(numeric - grad) / np.maximum(np.abs(grad), 1e-8)) < 1e-4)
        True

        With scipy: ``scipy.optimize.minimize(net.cost_and_grad, net.theta(), args=(X, Y),
        jac=True, method="L-BFGS-B")``, then ``net.set_theta(result.x)``.
        """
        from ..training import objective
        return objective.cost_and_grad(self, theta, X, Y, loss=loss, weight_decay=weight_decay,
                                       decay_bias=decay_bias, sparsity=sparsity, engine=engine,
                                       sparsity_neurons=sparsity_neurons)

    def perceptron_step(self, x, y, lr=1.0):
        """Rosenblatt's perceptron rule on one example: w_ij ← w_ij + α (y_j − a_j) a_i.

        For threshold outputs fed by inputs only (anything else is a NetworkError and
        changes nothing). Returns how many outputs were wrong before the update.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 3): 0.0, (1, 3): 0.0, (2, 3): 0.0},
        ...                               activation="threshold")
        >>> net.perceptron_step([1, 1], [0], lr=1.0)   # a_3 = 1 (in_3 = 0 ≥ 0), y = 0
        1
        >>> dict(net.w)
        {(0, 3): -1.0, (1, 3): -1.0, (2, 3): -1.0}
        """
        from ..training import perceptron
        plan = perceptron.check_network(self)
        x = checks.vector(x, len(plan.inputs), "x")
        y = checks.vector(y, len(plan.outputs), "y")
        lr = checks.option("lr", lr)
        wrong = perceptron.perceptron_step(plan, x, y, lr)
        self._stage = "forward"
        return wrong

    def predict(self, X, engine="auto"):
        """The output activations for each example: an array n × len(net.outputs).

        The neurons keep the values they had (whichever engine runs).
        """
        from ..training import loop
        return loop.predict(self, X, engine=engine)

    def classify(self, X, engine="auto"):
        """The class of each example: the index of its highest output (seed 001, 07-4c).

        With one output neuron: 1 if a ≥ 0.5, else 0.
        """
        from ..data import classes
        return classes(self.predict(X, engine=engine))

    def initialize(self, method="uniform", seed=0, epsilon=0.5, value=0.0):
        """Draw fresh initial weights for every edge that is not frozen.

        `method` is "uniform" (RAND(−ε, ε)), "normal" (N(0, ε²)), "glorot"
        (seed 004's √(6/(n_in + n_out + 1)) heuristic), "constant" (`value`
        everywhere), or a callable ``method(i, j, rng)``; see
        :mod:`neurograph.model.init`.
        """
        initial_weights.initialize(self, method, seed=seed, epsilon=epsilon, value=value)

    # ------------------------------------------------------ explaining (teaching/)

    def explain(self, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
                weight_decay=0.0, decay_bias=True, sparsity=None, batch=None, significant=None):
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
        significant : int, optional
            Show (and with `carry_rounded`, carry) this many significant figures instead,
            as textbooks such as Hagan's print them: −0.0495, 0.0997, −2.52.
        carry_rounded : bool, default False
            Round each value shown and carry the rounded value into the next
            step, as a person working by hand does.
        weight_decay : float, default 0
        decay_bias : bool, default True
        sparsity : (float, float), optional
            (ρ, β): show the sparse autoencoder's term in each hidden Δ_j,
            g′(in_j)·(Σ_k w_jk Δ_k + β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))).
        batch : array_like, optional
            The examples ρ̂_j is the mean over (default: x alone).

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
        from ..teaching import explain
        return explain.explain(self, x, y=y, lr=lr, loss=loss, digits=digits,
                               carry_rounded=carry_rounded, weight_decay=weight_decay,
                               decay_bias=decay_bias, sparsity=sparsity, batch=batch,
                               significant=significant)

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
        from ..teaching import layers
        return layers.layers(self)

    # ------------------------------------------------------------- files (files/)

    def save(self, path):
        """Write the network to a file: JSON (.json) or an edge list (.txt, .edges, .edgelist).

        The file is written whole or not at all (a temporary file, then a
        rename; a file replaced keeps its permissions), and :func:`neurograph.load`
        reads it back equal, every weight to the last bit. Returns the path.
        """
        with builders.building():
            return documents.save(self.to_document(), path)

    def to_document(self):
        """The network as plain data (what a JSON file holds); see docs/format.md."""
        return documents.to_document(self)

    def to_networkx(self):
        """A new, editable ``networkx.DiGraph``: node attributes ``kind`` and ``activation``,
        edge attribute ``weight`` (and ``frozen``), inputs and outputs in ``G.graph``."""
        return graphs.from_document(self.to_document())

    # ----------------------------------------------------------- drawing (drawing/)

    def plot(self, path=None, **kwargs):
        """Draw the network; with `path`, into a PNG, SVG, PDF or TikZ (.tex) file chosen by
        its extension.

        Takes the keyword arguments of :func:`neurograph.plot_network` (bias,
        weights, values, digits, pos, title), and with `path` also ``dpi``
        (default 110; not for .tex, which :func:`neurograph.to_tikz` writes as a
        standalone document). Returns the Axes, or with `path` the path written.
        """
        from ..drawing import network, tikz
        if path is None:
            return network.plot_network(self, **kwargs)
        if str(path).lower().endswith(".tex"):
            return tikz.save_tikz(self, path, **kwargs)
        return network.save_network_picture(self, path, **kwargs)

    def _repr_png_(self):
        from ..drawing import network
        return network.network_png(self)

    # ----------------------------------------------------------------- internal

    def _insert(self, j, kind, activation, aggregation="sum", norm=None):
        self._neurons[j] = Neuron(j, kind, activation, self._neuron_changing, aggregation, norm)
        self._succ[j], self._pred[j] = {}, {}

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

    def _edge_of(self, i, j):
        out = self._succ.get(i)
        return None if out is None else out.get(j)

    def _edge_ids(self):
        return [(i, j) for i, out in self._succ.items() for j in out]

    def _weight_items(self):
        return sorted(((i, j), edge.weight) for i, out in self._succ.items()
                      for j, edge in out.items())

    def _grad_items(self):
        if self._stage != "backward":
            return [((i, j), math.nan) for (i, j), _ in self._weight_items()]
        plan = self.plan()
        slope = {}  # the slope c_ij of each term of a max/product neuron
        for neuron_j, _, incoming, combine, _ in plan.forward:
            if combine is not None:
                for neuron_i, c_ij in zip((n for n, _ in incoming), plan.slopes[neuron_j]):
                    slope[neuron_i.id, neuron_j.id] = c_ij
        return [((i, j), self._neurons[j].delta * self._neurons[i].a * slope.get((i, j), 1.0))
                for (i, j), _ in self._weight_items()]

    def _edge(self, key):
        if type(key) is tuple and len(key) == 2:  # an existing edge's key needs no more checks
            out = self._succ.get(key[0]) if type(key[0]) is int else None
            edge = None if out is None or type(key[1]) is not int else out.get(key[1])
            if edge is not None:
                return edge
        i, j = checks.edge(key, "an edge")
        edge = self._edge_of(i, j)
        if edge is None:
            raise UnknownEdgeError(f"there is no edge ({i}, {j}); add it with "
                                   f"net.connect({i}, {j}, w)")
        return edge

    def _checked_activation(self, spec, j):
        """`spec` as an Activation, refused if another one of this network has its name."""
        g = get_activation(spec)
        for neuron in self._neurons.values():
            other = neuron.activation
            if other is not None and other is not g and other.name == g.name \
                    and neuron.id != j:
                raise NetworkError(f"neuron {neuron.id} already uses a different activation "
                                   f"named {g.name!r}; a file could not tell them apart: give "
                                   f"them different names")
        return g

    def _neuron_changing(self, neuron, what, value):
        """A neuron's activation, aggregation or batch norm is about to change: check it."""
        if what == "activation":
            self._checked_activation(value, neuron.id)
            fault = group_fault(neuron.id, neuron.kind, value, bool(self._succ[neuron.id]))
        else:
            fault = norm_fault(neuron.id, neuron.kind) if what == "norm" and value else None
        if fault:
            raise NetworkError(fault)
        self._structure_changed()

    def _structure_changed(self, values=True):
        self._plan = None
        self.cache.clear()
        if values:
            self.clear_values()


def load(path, activations=None):
    """Read a network from a JSON file, or from an edge list (.txt, .edges, .edgelist).

    Parameters
    ----------
    path : str or Path
    activations : mapping, optional
        ``{name: Activation}`` for user-made activations the file names.

    Raises
    ------
    NetworkError
        Naming the file and what is wrong in it; no network is returned.
    """
    with builders.building():
        contents = documents.read(path)
        if "rbm" in contents:  # the same format, kind "rbm"
            from .rbm import RBM
            return RBM.from_document(contents["rbm"], contents["source"])
        return Network.from_blueprint(Blueprint(**contents, known=_known(activations)))


def _known(activations):
    """User-made activations by name, for files that name them."""
    if activations is None:
        return {}
    if not hasattr(activations, "items"):
        raise NetworkError(f"activations must map names to Activation objects; received "
                           f"{describe(activations)}")
    for name, g in activations.items():
        if not isinstance(g, Activation):
            raise NetworkError(f"activations must map names to Activation objects; "
                               f"{name!r} maps to {describe(g)}")
    return dict(activations)


def first_overflow(plan):
    """The first neuron whose sum in_j overflowed (±∞ or NaN) in the last forward pass, or None."""
    if math.isfinite(sum(neuron.in_ for neuron, *_ in plan.forward)):
        return None  # (a finite sum means every term is finite)
    return next((n.id for n, *_ in plan.forward if not math.isfinite(n.in_)), None)


def overflow_message(x, j):
    """The words both engines use for an example whose sums overflow."""
    return (f"for x = {describe(x)} the sum in_{j} overflowed (it is ±∞ or not a number): the "
            f"inputs or weights are too large for floating point")


def _refuse(message):
    raise NetworkError(message)


def _bias_weight(bias):
    if bias is None or bias is True:
        return 0.0
    if bias is False:
        return None
    return checks.weight(bias, "the bias weight")
