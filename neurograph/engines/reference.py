"""The reference engine: FORWARDPROPAGATE and BACKPROPAGATE as Lecture 07 writes them.

One neuron at a time, in topological order over any DAG. Each pseudo-code line
stands as a comment above the Python line that does it. The network's structure
is read once into a :class:`Plan` (cached by the network until its structure or
an activation changes). The weights live in the network's θ array: ``w[ij]`` is w_ij, ij
the slot of edge (i, j) (read through the array's memoryview as a Python float),
so a change to ``net.w`` is seen at once, and an update writes θ in place.
"""

import ast
import copy
import functools
import inspect
import math
import textwrap
from typing import NamedTuple

from .. import checks
from ..errors import DivergedError, NetworkError

__all__ = ["Plan", "ForwardRow", "BackwardRow", "compile_plan", "forward_propagate",
           "back_propagate", "gradient_step", "gradient", "descend", "descent_source", "decay_rate",
           "group_delta_values", "output_loss", "example_loss", "refuse_step", "WEIGHT_LIMIT"]

WEIGHT_LIMIT = checks.WEIGHT_LIMIT
"""No update may make a weight NaN or take it beyond ±WEIGHT_LIMIT: such a step is undone
and refused (a network that needs such weights has diverged)."""


class ForwardRow(NamedTuple):
    """A processing neuron j as the forward pass visits it."""

    neuron: object
    """Neuron j."""
    g: object
    """Its :class:`~neurograph.model.activations.Activation`."""
    incoming: list
    """(neuron i, Edge (i, j)) for each incoming edge, by ascending i."""
    combine: object
    """Its aggregation when it is not the sum ("max", "product"), else None."""
    norm: object
    """Its :class:`~neurograph.model.normalization.BatchNorm`, or None."""


class BackwardRow(NamedTuple):
    """A processing neuron j as the backward pass visits it."""

    neuron: object
    """Neuron j."""
    g: object
    """Its Activation."""
    outgoing: list
    """(Edge (j, k), neuron k) for each edge into a sum neuron k."""
    gated: list
    """(Edge (j, k), neuron k, j's place among k's terms) for each edge into a max/product k."""
    k: object
    """j's index in y if it is an output, else None."""
    norm: object
    """Its BatchNorm, or None."""


class Plan:
    """The network's structure, read once for propagation.

    Attributes
    ----------
    store : Parameters
        The network's θ array: ``store.memory[edge.slot]`` is w_ij.
    order : list of int
        Every neuron id in topological order (the smallest ready id first).
    bias : Neuron
        Neuron 0.
    inputs, outputs : list of Neuron
        In the order of x and y.
    forward : list of ForwardRow
        (neuron, g, incoming, combine, norm): each processing neuron j in topological order,
        with g, its incoming edges
        (neuron i, edge (i, j)) by ascending i, as the lecture sums them, its aggregation
        ("max" or "product"; None for the sum) and its batch normalization.
    forward_steps, backward_steps : list of tuple
        What the per-example passes walk: the same rows as plain tuples (which unpack at C
        speed; a named tuple's rows do not), each edge given as ``ij``, its slot in θ, so
        that ``w[ij]`` is w_ij. Made by the first per-example pass (building or saving a
        network of millions of edges never needs them).
    backward : list of BackwardRow
        (neuron, g, outgoing, gated, k, norm): each processing neuron j in reverse topological
        order, with g, its outgoing edges
        (edge (j, k), neuron k) into sum neurons, those into max/product neurons with j's
        place among k's terms, its index in y if it is an output, and its batch
        normalization — except the output group's neurons, whose Δ the group step sets.
    group : list of (Neuron, int)
        The output neurons of a group activation (softmax), with their index in y.
    edges : list of (Neuron, Edge, Neuron)
        Every edge as (neuron i, edge, neuron j), in the order of `forward`.
    weights, biases : list of (Neuron, int, Neuron)
        The trainable (not frozen) edges into sum neurons that share their weight with no
        other edge, from processing or input neurons and from the bias neuron 0, as (neuron
        i, the slot of w_ij in θ, neuron j): what an update step changes edge by edge.
    shared : list of (Edge, list of (Neuron, Neuron, int or None), bool)
        The other trainable weights — tied groups, and edges into max/product neurons —
        with the (neuron i, neuron j, place among j's terms or None) of each edge that uses
        it, and whether it is decayed as a bias (every member a bias edge).
    trainable : list of (Neuron, Edge, Neuron)
        Every edge that is not frozen.
    parameters : list of ((int, int), Edge)
        The trainable weights, one per tied group, in ascending (i, j) of each one's first
        edge: the order of ``net.theta()`` (batch-normalization parameters follow them).
    norms : list of (Neuron, BatchNorm)
        The batch-normalized neurons, ascending; θ ends with γ_j, β_j of each.
    slopes : dict
        ``{neuron j: [c_ij, …]}``: ∂in_j/∂(w_ij a_i) of each term of a max/product neuron,
        set by the last forward pass.
    places : dict
        ``{neuron j: {neuron i: place}}``: where each term stands among a max/product
        neuron's terms (the index into its slopes).
    delayed : list of (Neuron, Edge, Neuron, int)
        A recurrent network's delay edges (neuron i, edge, neuron j, d), by ascending j then
        i: not among the rows above, which are one time step; θ holds their weights (in
        `parameters`) and :mod:`neurograph.engines.sequence` reads them.
    depth : dict
        ``{j: depth}``: 0 for the inputs, and for a processing neuron one more than
        its deepest source other than the bias neuron (1 if it has none). Pictures
        place columns by it, and the batch engine's generations are its levels.
    """

    __slots__ = ("store", "order", "bias", "inputs", "outputs", "forward", "backward",
                 "_steps", "edges",
                 "weights", "biases", "trainable", "shared", "parameters", "norms", "slopes",
                 "places", "depth", "output_activations", "group", "unrolled", "kernels",
                 "_index", "delayed")

    def __init__(self, order, bias, inputs, outputs, forward, backward, tied=frozenset(),
                 store=None, delayed=()):
        self.store = store
        self.order, self.bias = order, bias
        self.inputs = inputs
        self.outputs = outputs
        self.forward = forward
        self.backward = backward
        self.edges = [(neuron_i, edge, neuron_j) for neuron_j, _, incoming, _, _ in forward
                      for neuron_i, edge in incoming]
        self.trainable = [triple for triple in self.edges if not triple[1].frozen]
        self.delayed = list(delayed)
        self.places = gated = {
            neuron_j: {neuron_i: pos for pos, (neuron_i, _) in enumerate(incoming)}
            for neuron_j, _, incoming, combine, _ in forward if combine is not None}
        members = {}  # a tied or gated weight → every (neuron i, neuron j, place) that uses it
        if tied or gated:
            for neuron_i, edge, neuron_j in self.trainable:
                if edge in tied or neuron_j in gated:
                    place = gated[neuron_j][neuron_i] if neuron_j in gated else None
                    members.setdefault(edge, []).append((neuron_i, neuron_j, place))
        plain = [triple for triple in self.trainable if triple[1] not in members] \
            if members else self.trainable
        self.shared = [(edge, uses, all(n_i.id == 0 for n_i, _, _ in uses))
                       for edge, uses in members.items()]
        parameters = sorted(((neuron_i.id, neuron_j.id), edge)
                            for neuron_i, edge, neuron_j in self.trainable)
        if self.delayed:  # θ holds the delay edges' weights too (engines/sequence.py uses them)
            parameters = sorted(parameters + [((n_i.id, n_j.id), edge)
                                              for n_i, edge, n_j, _ in self.delayed
                                              if not edge.frozen])
        if tied:  # a tied group is one parameter, named by its first edge
            seen = set()
            parameters = [(key, edge) for key, edge in parameters
                          if edge not in seen and not seen.add(edge)]
        self.parameters = parameters
        self._index = None
        self.unrolled = None  # the per-example step written out for this plan (unrolled.py)
        self.kernels = {}  # compiled code made for this plan (compiled.py), by what it is for
        self.norms = sorted(((neuron, norm) for neuron, _, _, _, norm in forward
                             if norm is not None), key=lambda pair: pair[0].id)
        if store is not None:
            self._pack()
        # the plain weights, as an update step visits them: (neuron i, slot ij, neuron j)
        self.weights = [(n_i, edge.slot, n_j) for n_i, edge, n_j in plain if n_i.id != 0]
        self.biases = [(n_i, edge.slot, n_j) for n_i, edge, n_j in plain if n_i.id == 0]
        self.slopes = {}
        self.output_activations = _output_activations(forward, outputs)
        self.group = [(neuron, k) for k, (neuron, g) in
                      enumerate(zip(outputs, self.output_activations)) if g.group]
        if self.group:
            self.backward = [entry for entry in backward if not entry[1].group]
        self._steps = None  # forward_steps, backward_steps: made by the first per-example pass
        self.depth = {neuron.id: 0 for neuron in inputs}
        for neuron_j, _, incoming, _, _ in forward:
            self.depth[neuron_j.id] = 1 + max((self.depth[neuron_i.id] for neuron_i, _ in incoming
                                               if neuron_i.id != 0), default=0)

    def _pack(self):
        """Lay the θ array out in the order of ``net.theta_edges()``: the trainable weights (a
        tied group once), then γ_j and β_j of each batch-normalized neuron, then the frozen
        weights; the slots of removed edges are dropped. θ is then its first :attr:`size`
        entries."""
        norms = [slot for _, norm in self.norms for slot in (norm.scale_slot, norm.shift_slot)]
        for slot in norms:  # a norm new to this network brings its γ_j, β_j into θ
            slot.move_to(self.store)
        frozen = {id(edge): edge for _, edge, _ in self.edges if edge.frozen}
        frozen.update((id(edge), edge) for _, edge, _, _ in self.delayed if edge.frozen)
        self.store.pack([edge for _, edge in self.parameters] + norms + list(frozen.values()))

    def with_activations(self, replacements):
        """A plan that uses other activations for some neurons (``{neuron: Activation}``).

        Dropout uses it: the structure and the edges are shared, only g changes.
        """
        twin = Plan.__new__(Plan)
        for name in self.__slots__:
            setattr(twin, name, getattr(self, name))
        twin.unrolled, twin.kernels = None, {}  # (other activations: other code)
        twin.forward = [ForwardRow(n, replacements.get(n, g), *rest)
                        for n, g, *rest in self.forward]
        twin.backward = [BackwardRow(n, replacements.get(n, g), *rest)
                         for n, g, *rest in self.backward]
        twin.output_activations = _output_activations(twin.forward, twin.outputs)
        if twin.group:
            twin.backward = [entry for entry in twin.backward if not entry[1].group]
        twin._steps = None
        return twin

    @property
    def size(self):
        """How many numbers θ has: the trainable weights, then γ_j, β_j of each norm."""
        return len(self.parameters) + 2 * len(self.norms)

    def theta(self):
        """θ, a new vector in the order of ``net.theta_edges()``: the first :attr:`size`
        entries of the packed θ array (the trainable weights, then each norm's γ_j, β_j)."""
        return self.store.values[:self.size].copy()

    def set_theta(self, theta):
        """Write θ (a checked vector of floats in :meth:`theta`'s order) in place."""
        self.store.values[:self.size] = theta

    @property
    def forward_steps(self):
        """The forward rows as plain tuples, each edge as (neuron i, its slot ij in θ)."""
        if self._steps is None:
            self._steps = _steps(self.forward, self.backward)
        return self._steps[0]

    @property
    def backward_steps(self):
        """The backward rows as plain tuples, each edge as (its slot jk in θ, neuron k)."""
        if self._steps is None:
            self._steps = _steps(self.forward, self.backward)
        return self._steps[1]

    @property
    def delayed_steps(self):
        """The delay edges as plain tuples (neuron i, slot ij in θ, neuron j, d)."""
        return [(n_i, edge.slot, n_j, d) for n_i, edge, n_j, d in self.delayed]

    @property
    def index(self):
        """``{Edge: its place in θ}`` (built on first use)."""
        if self._index is None:
            self._index = {edge: p for p, (_, edge) in enumerate(self.parameters)}
        return self._index

    @property
    def plain(self):
        """True when every weight is a plain sum term of its own (no ties, no max/product
        neurons) and no neuron is batch-normalized: the lecture's network exactly."""
        return not self.shared and not self.norms and not any(
            combine for _, _, _, combine, _ in self.forward)


def _steps(forward, backward):
    """:attr:`Plan.forward_steps` and :attr:`Plan.backward_steps` from the named rows."""
    forward_steps = [(n, g, [(n_i, edge.slot) for n_i, edge in incoming], combine, norm)
                     for n, g, incoming, combine, norm in forward]
    backward_steps = [(n, g, [(edge.slot, n_k) for edge, n_k in outgoing],
                       [(edge.slot, n_k, place) for edge, n_k, place in gated], k, norm)
                      for n, g, outgoing, gated, k, norm in backward]
    return forward_steps, backward_steps


def _output_activations(forward, outputs):
    """g of each output neuron, in the order of y."""
    g_of = {neuron: g for neuron, g, *_ in forward}
    return [g_of[neuron] for neuron in outputs]


def compile_plan(neurons, pred, succ, inputs, outputs, order, tied=frozenset(), store=None,
                 delayed=()):
    """Read a network's structure into a :class:`Plan`.

    `neurons` maps ids to Neurons, `pred[j]` and `succ[i]` map neighbours to Edges
    (tied edges share one Edge), `inputs`/`outputs` are id lists and `order` every id
    in topological order. Linear in the edges (plus sorting each neuron's neighbours).
    `tied` holds the Edges that tied groups share; `store` is the θ array the Edges'
    slots index. `delayed` lists a recurrent network's delay edges as (neuron i, Edge,
    neuron j, d), kept out of `pred` and `succ`: the plan's rows are one time step, and
    :mod:`neurograph.engines.sequence` adds the delay edges between steps.
    """
    if not outputs:
        raise NetworkError("the network has no output neuron; add one with "
                           "add_neuron(j, kind='output')")
    processing = [neurons[j] for j in order if neurons[j].is_processing]
    y_index = {k: index for index, k in enumerate(outputs)}
    forward = [ForwardRow(n, n.activation,
                          [(neurons[i], pred[n.id][i]) for i in sorted(pred[n.id])],
                          None if n.aggregation.is_sum else n.aggregation, n.norm)
               for n in processing]
    place = {n.id: {i: pos for pos, i in enumerate(sorted(pred[n.id]))} for n in processing
             if not n.aggregation.is_sum}  # i's place among a max/product neuron's terms
    backward = []
    for n in reversed(processing):
        outgoing, gated = [], []
        for k in sorted(succ[n.id]):
            if k in place:
                gated.append((succ[n.id][k], neurons[k], place[k][n.id]))
            else:
                outgoing.append((succ[n.id][k], neurons[k]))
        backward.append(BackwardRow(n, n.activation, outgoing, gated, y_index.get(n.id), n.norm))
    return Plan(order, neurons[0], [neurons[j] for j in inputs], [neurons[k] for k in outputs],
                forward, backward, tied, store, delayed)


def forward_propagate(plan, x):
    """FORWARDPROPAGATE(x; N = (V, A); w): set in_j and a_j of every neuron.

    `x` is a validated list of floats, one per input neuron. A batch-normalized neuron's
    a_j is â_j, normalized with its running statistics (the mini-batch pass,
    :func:`neurograph.engines.minibatch.batch_pass`, trains them).
    """
    w = plan.store.memory  # w[ij] is w_ij (ij: the edge's slot in θ)
    # for each neuron j in the input layer do: a_j ← x_j   (a_0 = 1 always)
    for neuron_j, x_j in zip(plan.inputs, x):
        neuron_j.a = x_j
    # for each processing neuron j, in topological order, do
    for neuron_j, g, incoming, combine, norm in plan.forward_steps:
        if combine is None:
            # in_j ← Σ_{i:(i,j)∈A} w_ij a_i
            in_j = 0.0
            for neuron_i, ij in incoming:
                in_j += w[ij] * neuron_i.a
        else:
            # in_j ← max_i w_ij a_i  or  Π_i w_ij a_i, remembering ∂in_j/∂(w_ij a_i)
            terms = [w[ij] * neuron_i.a for neuron_i, ij in incoming]
            in_j = combine.combine(terms)
            plan.slopes[neuron_j] = combine.slopes(terms)
        neuron_j.in_ = in_j
        # a_j ← g(in_j)
        neuron_j.a = g.g(in_j)
        # batch norm: a_j ← γ_j (a_j − μ̂_j)/√(ε + σ̂_j²) + β_j
        if norm is not None:
            neuron_j.a = norm.infer(neuron_j.a)
    # the softmax outputs, together: a_k ← e^{in_k} / Σ_m e^{in_m}
    if plan.group:
        group_activations([neuron for neuron, _ in plan.group])


def group_activations(group):
    """a_k = e^{in_k − M} / Σ_m e^{in_m − M}, M = max_m in_m: no exponential overflows."""
    top = max(neuron.in_ for neuron in group)
    e = [math.exp(neuron.in_ - top) for neuron in group]
    total = sum(e)
    for neuron, e_k in zip(group, e):
        neuron.a = e_k / total


def back_propagate(plan, y, loss):
    """The backward half of BACKPROPAGATE((x, y); N; w): set every Δ_j.

    Runs after :func:`forward_propagate`. `y` is a validated list of floats, one
    per output neuron, and `loss` a :class:`~neurograph.model.losses.Loss`. Then
    ∂J/∂w_ij = Δ_j a_i for every edge. Returns ℓ, this example's loss.
    """
    if loss.check is not None:  # refuse before any Δ is written
        for y_k, neuron_k, g in zip(y, plan.outputs, plan.output_activations):
            loss.check(y_k, neuron_k.a, g)
    # the softmax outputs: Δ_k ← a_k (∂ℓ/∂a_k − Σ_m a_m ∂ℓ/∂a_m); for cross-entropy a_k − y_k
    if plan.group:
        group_deltas(plan.group, y, loss)
    w = plan.store.memory  # w[jk] is w_jk (jk: the edge's slot in θ)
    ell_k = [0.0] * len(y)  # each output's part of ℓ, summed in the order of y at the end
    # for each processing neuron j, in reverse topological order, do
    for neuron_j, g, outgoing, gated, k, norm in plan.backward_steps:
        in_j, a_j = neuron_j.in_, neuron_j.a
        delta_j = 0.0
        if outgoing or gated or k is not None:
            # g′(in_j), from a_j where the lecture writes it so (σ′ = a_j(1 − a_j): the same
            # number)
            if norm is None and g.dg_from_a is not None:
                g_prime = g.dg_from_a(a_j)
            else:
                g_prime = g.dg(in_j)
        # hidden: Δ_j ← g′(in_j) Σ_{k:(j,k)∈A} w_jk Δ_k
        if outgoing or gated:
            total = 0.0
            for jk, neuron_k in outgoing:
                total += w[jk] * neuron_k.delta
            if gated:  # into a max/product neuron k, the slope ∂in_k/∂(w_jk a_j) joins in
                for jk, neuron_k, place in gated:
                    total += w[jk] * plan.slopes[neuron_k][place] * neuron_k.delta
            if norm is not None:  # batch norm (running statistics): ∂â_j/∂a_j = γ_j/√(ε + σ̂_j²)
                total *= norm.scale()
            delta_j = g_prime * total
        # output: Δ_j ← the loss's output Δ; for squared loss, g′(in_j) · (−2(y_j − a_j))
        if k is not None:
            delta_j += loss.output_delta(y[k], a_j, in_j, g, g_prime)
            ell_k[k] = loss.value(y[k], a_j, in_j, g)
        neuron_j.delta = delta_j
    if plan.group:  # softmax outputs: ℓ of the whole group at once
        return output_loss(plan, y, loss)
    ell = 0.0
    for value in ell_k:
        ell += value
    return float(ell)


def group_deltas(group, y, loss):
    """Δ_k of the softmax outputs, through the whole Jacobian ∂a_m/∂in_k = a_m (δ_mk − a_k)."""
    values = group_delta_values([neuron.a for neuron, _ in group], [y[k] for _, k in group],
                                 loss)
    for (neuron, _), delta in zip(group, values):
        neuron.delta = delta


def group_delta_values(a, y, loss):
    """Δ_k = a_k (∂ℓ/∂a_k − Σ_m a_m ∂ℓ/∂a_m) of a softmax group's a_k (targets y_k);
    for cross-entropy exactly a_k Σ_m y_m − y_k."""
    if loss.group_exact:
        total_y = sum(y)
        return [a_k * total_y - y_k for a_k, y_k in zip(a, y)]
    if loss.error is None:
        raise NetworkError(f"loss {loss.name!r} gives no ∂ℓ/∂a_k, which softmax outputs need")
    errors = [loss.error(y_k, a_k) for y_k, a_k in zip(y, a)]
    weighted = sum(a_k * e_k for a_k, e_k in zip(a, errors))
    return [a_k * (e_k - weighted) for a_k, e_k in zip(a, errors)]


def output_loss(plan, y, loss):
    """ℓ(y, h_w(x)) from the output neurons' current values."""
    if plan.group:
        return example_loss(plan, y, loss, [n.a for n in plan.outputs],
                            [n.in_ for n in plan.outputs])
    ell = 0.0
    for y_k, neuron_k, g in zip(y, plan.outputs, plan.output_activations):
        ell += loss.value(y_k, neuron_k.a, neuron_k.in_, g)
    return float(ell)


def example_loss(plan, y, loss, a, in_):
    """ℓ(y, h_w(x)) from the outputs' a_k and in_k (lists in the order of y)."""
    ell = 0.0
    exact_group = plan.group and loss.group_exact
    for y_k, a_k, in_k, g in zip(y, a, in_, plan.output_activations):
        if not (g.group and exact_group):
            ell += loss.value(y_k, a_k, in_k, g)
    if exact_group:  # −Σ_k y_k log a_k, from in_k: exact
        group_in = [in_[k] for _, k in plan.group]
        top = max(group_in)
        log_total = top + math.log(sum(math.exp(in_k - top) for in_k in group_in))
        ell -= sum(y[k] * (in_k - log_total) for (_, k), in_k in zip(plan.group, group_in))
    return float(ell)


def term_slope(plan, neuron_j, place):
    """c_ij = ∂in_j/∂(w_ij a_i) of the term at `place` of neuron j (1 for a sum's terms)."""
    return 1.0 if place is None else plan.slopes[neuron_j][place]


def decay_rate(lr, weight_decay):
    """2αλ, the weight decay's share of an update: 2(αλ), since (2α)λ would be ∞·0 = NaN for
    α near the largest float."""
    return 2.0 * (lr * weight_decay)


def descend(w_ij, grad, lr, decay):
    """The update of one weight, w_ij ← w_ij − α ∂J/∂w_ij − 2αλ w_ij (Lecture 07-4d), in this
    order (`decay` = :func:`decay_rate`, a float); floats or arrays alike. Without weight
    decay (`decay` 0) the lecture's w_ij ← w_ij − α ∂J/∂w_ij, with no term for it.

    This line is the update rule, written once. :func:`gradient_step` calls it for each edge;
    the unrolled and compiled steps write its expression into their code
    (:func:`descent_source`); the batch engine calls it on its weight arrays, every optimizer
    on θ (with α its step length and ``decay`` 0, the decay being in its gradient), and
    ``explain`` shows its values.

    >>> descend(0.5, 0.25, 0.1, 0.0), descend(0.5, 0.25, 0.1, 2 * 0.1 * 0.01)
    (0.475, 0.474)
    """
    return w_ij - lr * grad - decay * w_ij if decay else w_ij - lr * grad


def descent_source(w_ij, grad, lr, decay, decayed=None):
    """:func:`descend`'s expression as Python source, each of its four names replaced by the
    source given: what code generators write, so that the rule stays the one line of
    :func:`descend`. With `decayed` True or False, only its case for a nonzero or a zero
    decay (for code that tests the decay once for many weights).

    >>> descent_source("w[3]", "g", "lr", "rate")
    'w[3] - lr * g - rate * w[3] if rate else w[3] - lr * g'
    >>> descent_source("w[3]", "delta_5 * a_2", "lr", "rate", decayed=False)
    'w[3] - lr * (delta_5 * a_2)'
    """
    given = {"w_ij": w_ij, "grad": grad, "lr": lr, "decay": decay}

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node):
            return ast.parse(given[node.id], mode="eval").body

        def visit_IfExp(self, node):  # the case asked for
            self.generic_visit(node)
            if decayed is None:
                return node
            return node.body if decayed else node.orelse

    return ast.unparse(Substitute().visit(copy.deepcopy(_descend_expression())))


@functools.cache
def _descend_expression():
    """The expression :func:`descend` returns, as a syntax tree (read from its source)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(descend)))
    return tree.body[0].body[-1].value


def gradient_step(plan, lr, weight_decay=0.0, decay_bias=True):
    """For each edge (i, j) ∈ A: w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij (Lecture 07-4d's weight decay).

    Frozen edges keep their weights; with ``decay_bias=False`` the bias edges
    (0, j) are updated without the decay term, as Lecture 25 does. A weight shared by a
    tied group moves once, by the sum of its edges' Δ_j a_i; an edge into a max/product
    neuron's Δ_j a_i carries the slope c_ij. A step that would make a weight NaN or take it
    beyond ±:data:`WEIGHT_LIMIT` is undone and refused (DivergedError).
    """
    w = plan.store.memory  # w[edge.slot] is w_ij
    before = w.tobytes()  # θ as it was, for a refused step
    decay = decay_rate(lr, weight_decay)
    within, low, high = True, -WEIGHT_LIMIT, WEIGHT_LIMIT
    for edges, decay_ij in ((plan.weights, decay), (plan.biases, decay if decay_bias else 0.0)):
        for neuron_i, ij, neuron_j in edges:
            # w_ij ← w_ij − α ∂J/∂w_ij − 2αλ w_ij, with ∂J/∂w_ij = Δ_j a_i
            w[ij] = w_ij = descend(w[ij], neuron_j.delta * neuron_i.a, lr, decay_ij)
            if not low <= w_ij <= high:  # NaN fails both comparisons
                within = False
    for edge, uses, is_bias in plan.shared:  # tied groups, edges into max/product neurons
        # ∂J/∂w = Σ over the edges that use w of Δ_j a_i c_ij
        grad = 0.0
        for neuron_i, neuron_j, place in uses:
            grad += neuron_j.delta * neuron_i.a * term_slope(plan, neuron_j, place)
        decay_w = 0.0 if is_bias and not decay_bias else decay
        ij = edge.slot
        w[ij] = w_ij = descend(w[ij], grad, lr, decay_w)
        if not low <= w_ij <= high:
            within = False
    if not within:
        refuse_step(plan, memoryview(before).cast("d").tolist(), w.tolist())


def gradient(plan):
    """∂ℓ/∂θ from one example's forward and backward pass: for each weight of ``net.theta()``,
    Σ over the edges that use it of Δ_j a_i c_ij (a list, in θ's order, without γ and β)."""
    index = plan.index
    grad = [0.0] * len(plan.parameters)
    for neuron_i, edge, neuron_j in plan.trainable:
        term = neuron_j.delta * neuron_i.a
        if neuron_j in plan.places:
            term *= plan.slopes[neuron_j][plan.places[neuron_j][neuron_i]]
        grad[index[edge]] += term
    return grad


def refuse_step(plan, before, after):
    """Refuse a step that would take θ from `before` to `after` (sequences of floats, by
    slot): put `before` back and say which weight it would have broken."""
    i, j, w_ij = next((neuron_i.id, neuron_j.id, after[edge.slot])
                      for neuron_i, edge, neuron_j in plan.trainable
                      if not -WEIGHT_LIMIT <= after[edge.slot] <= WEIGHT_LIMIT)
    plan.store.values[:len(before)] = before
    raise DivergedError(f"this update would make w_{i},{j} = {w_ij:g}, beyond ±{WEIGHT_LIMIT:g}; "
                        f"the weights were left as they were (try a smaller learning rate)")
