"""The reference engine: FORWARDPROPAGATE and BACKPROPAGATE as seed 001 writes them.

One neuron at a time, in topological order over any DAG. Each pseudo-code line
stands as a comment above the Python line that does it. The network's structure
is read once into a :class:`Plan` (cached by the network until its structure or
an activation changes); the weights live on the network's :class:`Edge` objects,
which the plan holds, so a change to ``net.w`` is seen at once.
"""

import math

from ..errors import DivergedError, NetworkError

__all__ = ["Plan", "compile_plan", "forward_propagate", "back_propagate", "gradient_step",
           "output_loss", "WEIGHT_LIMIT"]

WEIGHT_LIMIT = 1e100
"""No update may make a weight NaN or take it beyond ±WEIGHT_LIMIT: such a step is undone
and refused (a network that needs such weights has diverged)."""


class Plan:
    """The network's structure, read once for propagation.

    Attributes
    ----------
    order : list of int
        Every neuron id in topological order (the smallest ready id first).
    inputs, outputs : list of Neuron
        In the order of x and y.
    forward : list of (Neuron, Activation, list of (Neuron, Edge))
        Each processing neuron j in topological order, with g and its incoming
        edges (neuron i, edge (i, j)) by ascending i, as the lecture sums them.
    backward : list of (Neuron, Activation, list of (Edge, Neuron), int or None)
        Each processing neuron j in reverse topological order, with g, its outgoing
        edges (edge (j, k), neuron k) and its index in y if it is an output — except the
        output group's neurons, whose Δ the group step sets.
    group : list of (Neuron, int)
        The output neurons of a group activation (softmax), with their index in y.
    edges : list of (Neuron, Edge, Neuron)
        Every edge as (neuron i, edge, neuron j), in the order of `forward`.
    weights, biases : list of (Neuron, Edge, Neuron)
        The edges training updates (all but the frozen ones), from processing or
        input neurons and from the bias neuron 0.
    parameters : list of ((int, int), Edge)
        The trainable edges in ascending (i, j): the order of ``net.theta()``.
    depth : dict
        ``{j: depth}``: 0 for the inputs, and for a processing neuron one more than
        its deepest source other than the bias neuron (1 if it has none). Pictures
        place columns by it, and the batch engine's generations are its levels.
    """

    __slots__ = ("order", "inputs", "outputs", "forward", "backward", "edges", "weights",
                 "biases", "trainable", "parameters", "depth", "output_activations", "group")

    def __init__(self, order, inputs, outputs, forward, backward):
        self.order = order
        self.inputs = inputs
        self.outputs = outputs
        self.forward = forward
        self.backward = backward
        self.edges = [(neuron_i, edge, neuron_j) for neuron_j, _, incoming in forward
                      for neuron_i, edge in incoming]
        trainable = [triple for triple in self.edges if not triple[1].frozen]
        self.weights = [triple for triple in trainable if triple[0].id != 0]
        self.biases = [triple for triple in trainable if triple[0].id == 0]
        self.trainable = self.weights + self.biases
        self.parameters = sorted(((neuron_i.id, neuron_j.id), edge)
                                 for neuron_i, edge, neuron_j in trainable)
        self.output_activations = _output_activations(forward, outputs)
        self.group = [(neuron, k) for k, (neuron, g) in
                      enumerate(zip(outputs, self.output_activations)) if g.group]
        if self.group:
            self.backward = [entry for entry in backward if not entry[1].group]
        self.depth = {neuron.id: 0 for neuron in inputs}
        for neuron_j, _, incoming in forward:
            self.depth[neuron_j.id] = 1 + max((self.depth[neuron_i.id] for neuron_i, _ in incoming
                                               if neuron_i.id != 0), default=0)

    def with_activations(self, replacements):
        """A plan that uses other activations for some neurons (``{neuron: Activation}``).

        Dropout uses it: the structure and the edges are shared, only g changes.
        """
        twin = Plan.__new__(Plan)
        for name in self.__slots__:
            setattr(twin, name, getattr(self, name))
        twin.forward = [(n, replacements.get(n, g), incoming) for n, g, incoming in self.forward]
        twin.backward = [(n, replacements.get(n, g), outgoing, k)
                         for n, g, outgoing, k in self.backward]
        twin.output_activations = _output_activations(twin.forward, twin.outputs)
        if twin.group:
            twin.backward = [entry for entry in twin.backward if not entry[1].group]
        return twin


def _output_activations(forward, outputs):
    """g of each output neuron, in the order of y."""
    g_of = {neuron: g for neuron, g, _ in forward}
    return [g_of[neuron] for neuron in outputs]


def compile_plan(neurons, pred, succ, inputs, outputs, order):
    """Read a network's structure into a :class:`Plan`.

    `neurons` maps ids to Neurons, `pred[j]` and `succ[i]` map neighbours to Edges,
    `inputs`/`outputs` are id lists and `order` every id in topological order.
    Linear in the edges (plus sorting each neuron's neighbours).
    """
    if not outputs:
        raise NetworkError("the network has no output neuron; add one with "
                           "add_neuron(j, kind='output')")
    processing = [neurons[j] for j in order if neurons[j].is_processing]
    y_index = {k: index for index, k in enumerate(outputs)}
    forward = [(n, n.activation, [(neurons[i], pred[n.id][i]) for i in sorted(pred[n.id])])
               for n in processing]
    backward = [(n, n.activation, [(succ[n.id][k], neurons[k]) for k in sorted(succ[n.id])],
                 y_index.get(n.id)) for n in reversed(processing)]
    return Plan(order, [neurons[j] for j in inputs], [neurons[k] for k in outputs],
                forward, backward)


def forward_propagate(plan, x):
    """FORWARDPROPAGATE(x; N = (V, A); w): set in_j and a_j of every neuron.

    `x` is a validated list of floats, one per input neuron.
    """
    # for each neuron j in the input layer do: a_j ← x_j   (a_0 = 1 always)
    for neuron_j, x_j in zip(plan.inputs, x):
        neuron_j.a = x_j
    # for each processing neuron j, in topological order, do
    for neuron_j, g, incoming in plan.forward:
        # in_j ← Σ_{i:(i,j)∈A} w_ij a_i
        in_j = 0.0
        for neuron_i, edge in incoming:
            in_j += edge.weight * neuron_i.a
        neuron_j.in_ = in_j
        # a_j ← g(in_j)
        neuron_j.a = g.g(in_j)
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
    # for each processing neuron j, in reverse topological order, do
    for neuron_j, g, outgoing, k in plan.backward:
        in_j = neuron_j.in_
        # hidden: Δ_j ← g′(in_j) Σ_{k:(j,k)∈A} w_jk Δ_k
        delta_j = 0.0
        if outgoing:
            total = 0.0
            for edge, neuron_k in outgoing:
                total += edge.weight * neuron_k.delta
            delta_j = g.dg(in_j) * total
        # output: Δ_j ← the loss's output Δ; for squared loss, g′(in_j) · (−2(y_j − a_j))
        if k is not None:
            delta_j += loss.delta(y[k], neuron_j.a, in_j, g)
        neuron_j.delta = delta_j
    return output_loss(plan, y, loss)


def group_deltas(group, y, loss):
    """Δ_k of the softmax outputs, through the whole Jacobian ∂a_m/∂in_k = a_m (δ_mk − a_k)."""
    if loss.exact_for == "softmax":  # cross-entropy: Δ_k = a_k Σ_m y_m − y_k, exactly
        total_y = sum(y[k] for _, k in group)
        for neuron, k in group:
            neuron.delta = neuron.a * total_y - y[k]
        return
    if loss.error is None:
        raise NetworkError(f"loss {loss.name!r} gives no ∂ℓ/∂a_k, which softmax outputs need")
    errors = [loss.error(y[k], neuron.a) for neuron, k in group]
    weighted = sum(neuron.a * e_k for (neuron, _), e_k in zip(group, errors))
    for (neuron, _), e_k in zip(group, errors):
        neuron.delta = neuron.a * (e_k - weighted)


def output_loss(plan, y, loss):
    """ℓ(y, h_w(x)) from the output neurons' current values."""
    ell = 0.0
    for y_k, neuron_k, g in zip(y, plan.outputs, plan.output_activations):
        if not (g.group and loss.exact_for == "softmax"):
            ell += loss.value(y_k, neuron_k.a, neuron_k.in_, g)
    if plan.group and loss.exact_for == "softmax":  # −Σ_k y_k log a_k, from in_k: exact
        top = max(neuron.in_ for neuron, _ in plan.group)
        log_total = top + math.log(sum(math.exp(neuron.in_ - top) for neuron, _ in plan.group))
        ell -= sum(y[k] * (neuron.in_ - log_total) for neuron, k in plan.group)
    return float(ell)


def gradient_step(plan, lr, weight_decay=0.0, decay_bias=True):
    """For each edge (i, j) ∈ A: w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij (seed 001's weight decay).

    Frozen edges keep their weights; with ``decay_bias=False`` the bias edges
    (0, j) are updated without the decay term, as seed 004 does. A step that would make a
    weight NaN or take it beyond ±:data:`WEIGHT_LIMIT` is undone and refused (DivergedError).
    """
    decay = 2.0 * (lr * weight_decay)  # (2α)λ would be ∞·0 = NaN for α near the largest float
    within = True
    for edges, decay_ij in ((plan.weights, decay), (plan.biases, decay if decay_bias else 0.0)):
        for neuron_i, edge, neuron_j in edges:
            edge.previous = w_ij = edge.weight
            # ∂J/∂w_ij = Δ_j a_i
            edge.weight = w_ij = w_ij - lr * (neuron_j.delta * neuron_i.a) - decay_ij * w_ij
            if not -WEIGHT_LIMIT <= w_ij <= WEIGHT_LIMIT:  # NaN fails both comparisons
                within = False
    if not within:
        _undo(plan)


def _undo(plan):
    """Put back the weights a refused step replaced, and say which weight it would have broken."""
    broken = next((neuron_i.id, neuron_j.id, edge.weight) for neuron_i, edge, neuron_j
                  in plan.trainable if not -WEIGHT_LIMIT <= edge.weight <= WEIGHT_LIMIT)
    for _, edge, _ in plan.trainable:
        edge.weight = edge.previous
    i, j, w_ij = broken
    raise DivergedError(f"this update would make w_{i},{j} = {w_ij:g}, beyond ±{WEIGHT_LIMIT:g}; "
                        f"the weights were left as they were (try a smaller learning rate)")

