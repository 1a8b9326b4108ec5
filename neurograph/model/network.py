"""The per-neuron network: neurons, and edges with weights, forming a directed acyclic graph.

``Network`` holds the model: its neurons and edges, the rules they obey (through
:mod:`neurograph.model.structure`), θ, and what reads them. Its other methods come from
base classes, a module each: :mod:`~neurograph.model.constructors` (``from_weights``,
``layered`` …, all ending in :meth:`Network.from_blueprint`), :mod:`~neurograph.model.editing`
(``add_neuron``, ``connect``, ``tie`` …), :mod:`~neurograph.model.propagation` (``forward``,
``backward``, ``sgd_step``), and :mod:`~neurograph.model.training_methods` (``fit``,
``predict`` …) and :mod:`~neurograph.model.handoffs` (``explain``, ``save``, ``plot``,
``prune`` …), which hand the work to the layer that does it, importing a higher layer only
when called, so the model never depends on it.

What other layers may use, documented below as "the engines' contract":
:meth:`Network.plan`, :attr:`Network.cache`, :attr:`Network.stage`,
:attr:`Network.last_loss`, :meth:`Network.values`, :meth:`Network.restore_values`,
:meth:`Network.clear_values`, :meth:`Network.theta` and :meth:`Network.set_theta`.
"""

import math
from array import array
from collections.abc import Mapping

from .. import checks
from ..engines import reference
from ..errors import NetworkError, UnknownEdgeError, UnknownNeuronError, describe
from ..files import document as documents
from . import builders
from .activations import get_activation
from .constructors import Constructors, known_activations
from .editing import Editing
from .handoffs import Handoffs
from .neuron import Edge, Neuron
from .normalization import BatchNorm
from .parameters import Parameters
from .propagation import Propagation
from .recurrent import Recurrent
from .structure import Blueprint, check, group_fault, ids_text, norm_fault, topological_order
from .training_methods import TrainingMethods
from .views import GradView, GraphView, WeightView

__all__ = ["Network", "load"]


class Network(Constructors, Editing, Recurrent, Propagation, TrainingMethods, Handoffs):
    """A feedforward network, one neuron at a time, in the notation of the lectures.

    Neuron 0 is the bias neuron (a_0 = 1); input neuron j passes x_j on; every
    processing neuron j computes in_j = Σ_{i:(i,j)∈A} w_ij a_i and a_j = g(in_j).
    Any directed acyclic graph will do: layers are not required.

    Build one with :meth:`from_weights` or :meth:`layered`, or start from
    ``Network()`` (the bias neuron alone) and grow it with :meth:`add_neuron`
    and :meth:`connect`.

    Examples
    --------
    The forward propagation example of Lecture 07-2c:

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
        self._delays = {}  # (i, j) → d ≥ 1: the recurrent edges, a_i(t − d) feeding in_j(t)
        self.parameters = Parameters()
        """θ: every weight, in one float64 array (see :mod:`neurograph.model.parameters`);
        each Edge reads and writes its slot."""
        self._insert(0, "bias", None)

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
        self.parameters.reserve(len(bp.edges))
        for (i, j), w_ij in bp.edges.items():
            succ[i][j] = pred[j][i] = Edge(self.parameters, w_ij)
        for i, j in bp.frozen:
            succ[i][j].frozen = True
        for group in bp.ties:
            self._share(group)
        self._delays = dict(bp.delays)
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
                                       if n.aggregation is not None and not n.aggregation.is_sum},
                         norms={j: BatchNorm(**n.norm.state()) for j, n in self._neurons.items()
                                if n.norm is not None},
                         ties=[list(group) for group in self._ties],
                         delays=dict(self._delays))

    # ------------------------------------------------------------------ reading

    @property
    def graph(self):
        """The network as a live, read-only ``networkx.DiGraph``.

        Nodes are neuron ids (attributes ``kind``, ``activation``); edges carry
        ``weight`` (and ``frozen``, and ``delay`` for a recurrent edge); ``G.graph`` has
        ``inputs`` and ``outputs``.
        Writing through it raises a NetworkError: change weights with ``net.w``
        and the structure with :meth:`add_neuron`, :meth:`connect`,
        :meth:`disconnect` and :meth:`remove_neuron`. ``net.graph.copy()`` or
        :meth:`to_networkx` give an editable copy.
        """
        if self._graph is None:
            self._graph = GraphView(self._neurons, self._succ, self._pred,
                                    lambda: self._inputs, lambda: self._outputs,
                                    lambda: self._delays)
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
        """Set w_ij for every ``(i, j): w`` of a mapping, or every ``((i, j), w)`` pair of an
        iterable (a key given twice keeps its last value); all are checked before any is set.

        The edges of a tied group share one weight: giving two of them different values is
        refused (naming both), as no one value could be set. The values are gathered in two
        compact arrays (slots and weights) and written into θ at once, so setting millions
        of weights holds no Python object per edge beyond what the caller gives.
        """
        pairs = weights.items() if isinstance(weights, Mapping) else weights
        refusal = NetworkError(f"set_weights takes a mapping {{(i, j): w}}; received "
                               f"{describe(weights)} (((i, j), w) pairs are taken too)")
        if isinstance(weights, (str, bytes)) or not hasattr(pairs, "__iter__"):
            raise refusal
        slots, values = array("q"), array("d")
        tied = {self._edge(group[0]) for group in self._ties}
        given = {}  # each tied Edge → {key: value}, to compare its group's values
        limit = checks.WEIGHT_LIMIT
        for pair in pairs:
            try:
                key, value = pair
            except (TypeError, ValueError):
                raise refusal from None
            edge = self._edge(key)
            w_ij = value if type(value) is float and -limit <= value <= limit \
                else checks.weight(value, f"w_{key[0]},{key[1]}")
            if edge in tied:
                given.setdefault(edge, {})[tuple(key)] = w_ij
            slots.append(edge.slot)
            values.append(w_ij)
        for members in given.values():
            (first, w_first), *others = members.items()
            for key, w_ij in others:
                if w_ij != w_first:
                    raise NetworkError(f"edges {first} and {key} are tied (one shared weight); "
                                       f"set_weights received {w_first!r} for one and "
                                       f"{w_ij!r} for the other")
        self.parameters.write(slots, values)

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

    # ------------------------------------------------------ the engines' contract

    def plan(self):
        """The structure compiled for the reference engine (:class:`engines.reference.Plan`),
        cached until the structure or an activation changes."""
        if self._plan is None:
            with builders.building():
                succ, pred, delayed = self._succ, self._pred, []
                if self._delays:  # the delay edges stand apart: they read earlier time steps
                    delays = self._delays
                    succ = {i: {j: e for j, e in out.items() if (i, j) not in delays}
                            for i, out in succ.items()}
                    pred = {j: {i: e for i, e in into.items() if (i, j) not in delays}
                            for j, into in pred.items()}
                    delayed = [(self._neurons[i], self._succ[i][j], self._neurons[j], d)
                               for (i, j), d in sorted(delays.items(), key=_by_target)]
                order = topological_order(self._neurons, succ.__getitem__)
                tied = {self._succ[i][j] for (i, j), *_ in self._ties}
                plan = reference.compile_plan(self._neurons, pred, succ,
                                              self._inputs, self._outputs, order, tied,
                                              self.parameters, delayed)
                self._plan = plan
        return self._plan

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

        The whole vector is checked (its length, every entry a finite number within
        ±:data:`~neurograph.checks.WEIGHT_LIMIT`) before anything is set.
        """
        plan = self.plan()
        plan.set_theta(checks.weights(theta, plan.size, "theta"))

    # ------------------------------------------------------------ J(θ) (training/)

    def cost_and_grad(self, theta, X, Y, loss="squared", weight_decay=0.0, decay_bias=True,
                      sparsity=None, engine="auto", sparsity_neurons=None, truncate=None):
        """J(θ) and ∇J(θ) on the whole data set: what scipy.optimize.minimize wants (Lecture 25).

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
            ρ̂_j the mean of a_j over the n examples (the sparse autoencoder of “Multi-level
            networks” and Lecture 25).
        engine : {"auto", "reference", "vectorized"}, default "auto"
        truncate : int, optional
            Sequences only: truncated BPTT, k time steps back (its gradient is then not J's).

        For sequences (a recurrent network, or X of shape (n, T, n_inputs); Y (n, T,
        n_outputs), NaN rows for no target): J(θ) = (1/n) Σ_sequences Σ_t ℓ(y(t), a(t)) over
        the time steps with a target, and ∇J by backpropagation through time.

        Returns
        -------
        (float, numpy.ndarray)
            J(θ) and ∇J(θ).

        Raises
        ------
        NetworkError
            Where J(θ) or ∇J(θ) is not finite: for an example whose sums overflow at θ, in
            the words :meth:`forward` uses for it.

        Examples
        --------
        Lecture 25's gradient checking: (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε with EPSILON = 10⁻⁴
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
                                       sparsity_neurons=sparsity_neurons, truncate=truncate)
    # ----------------------------------------------------------------- internal

    def _insert(self, j, kind, activation, aggregation="sum", norm=None):
        self._neurons[j] = Neuron(j, kind, activation, self._neuron_changing, aggregation, norm)
        self._succ[j], self._pred[j] = {}, {}
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

    def _one_time_step(self, what):
        """Refuse `what`, a feedforward call of one example, on a recurrent network."""
        if self._delays:
            raise NetworkError(f"{what} is for one example of a feedforward network; this one "
                               f"has delay edges {ids_text(sorted(self._delays), 4)}: use "
                               f"forward_sequence(X) for a sequence, and predict, fit and "
                               f"cost_and_grad with sequences (n, T, n_inputs)")

    def _structure_changed(self, values=True):
        self._plan = None
        self.cache.clear()
        if values:
            self.clear_values()


def _by_target(item):
    """A delay edge's place in the plan: by j, then i."""
    (i, j), _ = item
    return j, i


def load(path, activations=None):
    """Read a network from a JSON file, or from an edge list (.txt, .edges, .edgelist).

    An RBM's JSON file (``"kind": "rbm"``) gives an :class:`RBM`. Only a regular file is read,
    and at most :data:`neurograph.files.reading.READ_LIMIT` bytes of it (256 MiB); nothing in
    it is run.

    Parameters
    ----------
    path : str or os.PathLike
    activations : mapping, optional
        ``{name: Activation}`` for user-made activations the file names.

    Raises
    ------
    NetworkError
        Naming the file and what is wrong in it (the place, what was expected and what was
        received); no network is returned.
    """
    with builders.building():
        contents = documents.read(path)
        if "rbm" in contents:  # the same format, kind "rbm"
            from .rbm import RBM
            return RBM.from_document(contents["rbm"], contents["source"])
        return Network.from_blueprint(Blueprint(**contents, known=known_activations(activations)))


