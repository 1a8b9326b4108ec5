"""The reference engine: FORWARDPROPAGATE and BACKPROPAGATE as seed 001 writes them.

One neuron at a time, in topological order over any DAG. Each pseudo-code line
stands as a comment above the Python line that does it. The graph is read once
into a :class:`Plan` (cached by the network until its structure changes); the
weights themselves are read from, and written to, the edges' attribute dicts,
so they live on the edges and a change to ``net.w`` is seen at once.
"""

import networkx as nx

from .errors import NetworkError

__all__ = ["Plan", "compile_plan", "forward_propagate", "back_propagate", "gradient_step",
           "output_loss"]


class Plan:
    """The network's structure, read once from its graph for propagation.

    Attributes
    ----------
    order : list of int
        Every neuron id in topological order (the lexicographically smallest one).
    inputs, outputs : list of Neuron
        In the order of x and y.
    forward : list of (Neuron, list of (Neuron, dict))
        Each processing neuron j in topological order, with its incoming edges
        (neuron i, edge attributes of (i, j)) by ascending i, as the lecture sums them.
    backward : list of (Neuron, list of (dict, Neuron), int or None)
        Each processing neuron j in reverse topological order, with its outgoing
        edges (edge attributes of (j, k), neuron k) and its index in y if it is an output.
    edges : list of (Neuron, dict, Neuron)
        Every edge as (neuron i, edge attributes, neuron j).
    weights, biases : list of dict
        The attributes of the edges that training updates (all but the frozen
        ones), from processing or input neurons and from the bias neuron 0.
    depth : dict
        ``{j: depth}``: 0 for the inputs, and for a processing neuron one more than
        its deepest source other than the bias neuron (1 if it has none). Pictures
        place columns by it, and the batch engine's generations are its levels.
    """

    __slots__ = ("order", "inputs", "outputs", "forward", "backward", "edges", "weights",
                 "biases", "depth")

    def __init__(self, order, inputs, outputs, forward, backward, edges):
        self.order = order
        self.inputs = inputs
        self.outputs = outputs
        self.forward = forward
        self.backward = backward
        self.edges = edges
        trainable = [(neuron_i, edge) for neuron_i, edge, _ in edges if not edge.get("frozen")]
        self.weights = [edge for neuron_i, edge in trainable if neuron_i.kind != "bias"]
        self.biases = [edge for neuron_i, edge in trainable if neuron_i.kind == "bias"]
        self.depth = {neuron.id: 0 for neuron in inputs}
        for neuron_j, incoming in forward:
            self.depth[neuron_j.id] = 1 + max((self.depth[neuron_i.id] for neuron_i, _ in incoming
                                               if neuron_i.kind != "bias"), default=0)


def compile_plan(graph, neurons, inputs, outputs):
    """Read the structure of a network into a :class:`Plan`."""
    if not outputs:
        raise NetworkError("the network has no output neuron; add one with "
                           "add_neuron(j, kind='output')")
    order = list(nx.lexicographical_topological_sort(graph))
    processing = [j for j in order if neurons[j].is_processing]
    y_index = {k: index for index, k in enumerate(outputs)}
    forward = [(neurons[j], [(neurons[i], graph.pred[j][i]) for i in sorted(graph.pred[j])])
               for j in processing]
    backward = [(neurons[j], [(graph.succ[j][k], neurons[k]) for k in sorted(graph.succ[j])],
                 y_index.get(j)) for j in reversed(processing)]
    edges = [(neuron_i, edge, neuron_j) for neuron_j, incoming in forward
             for neuron_i, edge in incoming]
    return Plan(order, [neurons[j] for j in inputs], [neurons[k] for k in outputs],
                forward, backward, edges)


def forward_propagate(plan, x):
    """FORWARDPROPAGATE(x; N = (V, A); w): set in_j and a_j of every neuron.

    `x` is a validated list of floats, one per input neuron.
    """
    # for each neuron j in the input layer do: a_j ← x_j   (a_0 = 1 always)
    for neuron_j, x_j in zip(plan.inputs, x):
        neuron_j.a = x_j
    # for each processing neuron j, in topological order, do
    for neuron_j, incoming in plan.forward:
        # in_j ← Σ_{i:(i,j)∈A} w_ij a_i
        in_j = 0.0
        for neuron_i, edge in incoming:
            in_j += edge["weight"] * neuron_i.a
        neuron_j.in_ = in_j
        # a_j ← g(in_j)
        neuron_j.a = neuron_j._activation.g(in_j)


def back_propagate(plan, y, loss):
    """The backward half of BACKPROPAGATE((x, y); N; w): set every Δ_j and ∂J/∂w_ij.

    Runs after :func:`forward_propagate`. `y` is a validated list of floats, one
    per output neuron, and `loss` a :class:`~neurograph.losses.Loss`. Returns ℓ,
    this example's loss.
    """
    if loss.check is not None:  # refuse before any Δ is written
        for y_k, neuron_k in zip(y, plan.outputs):
            loss.check(y_k, neuron_k.a, neuron_k._activation)
    # for each processing neuron j, in reverse topological order, do
    for neuron_j, outgoing, k in plan.backward:
        in_j, g = neuron_j.in_, neuron_j._activation
        # hidden: Δ_j ← g′(in_j) Σ_{k:(j,k)∈A} w_jk Δ_k
        delta_j = 0.0
        if outgoing:
            total = 0.0
            for edge, neuron_k in outgoing:
                total += edge["weight"] * neuron_k.delta
            delta_j = g.dg(in_j) * total
        # output: Δ_j ← the loss's output Δ; for squared loss, g′(in_j) · (−2(y_j − a_j))
        if k is not None:
            delta_j += loss.delta(y[k], neuron_j.a, in_j, g)
        neuron_j.delta = delta_j
    # for each edge (i, j) ∈ A: ∂J/∂w_ij = Δ_j a_i
    for neuron_i, edge, neuron_j in plan.edges:
        edge["grad"] = neuron_j.delta * neuron_i.a
    return output_loss(plan, y, loss)


def output_loss(plan, y, loss):
    """ℓ(y, h_w(x)) from the output neurons' current values."""
    ell = 0.0
    for y_k, neuron_k in zip(y, plan.outputs):
        ell += loss.value(y_k, neuron_k.a, neuron_k.in_, neuron_k._activation)
    return float(ell)


def gradient_step(plan, lr, weight_decay=0.0, decay_bias=True):
    """For each edge (i, j) ∈ A: w_ij ← w_ij − α ∂J/∂w_ij − 2αλ w_ij (seed 001's weight decay).

    Frozen edges keep their weights; with ``decay_bias=False`` the bias edges
    (0, j) are updated without the decay term, as seed 004 does.
    """
    decay = 2.0 * lr * weight_decay
    for edges, decay_ij in ((plan.weights, decay), (plan.biases, decay if decay_bias else 0.0)):
        for edge in edges:
            w_ij = edge["weight"]
            edge["weight"] = w_ij - lr * edge["grad"] - decay_ij * w_ij
