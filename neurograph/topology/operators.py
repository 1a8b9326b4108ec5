"""Operators that grow and prune a network, each saying what it preserves.

Every operator checks everything before it changes anything: a refusal is a
:class:`NetworkError` and leaves the network as it was. What they promise:

============================  ==========================================================
``split_edge(i, j)``          the function, exactly, for an identity neuron (NEAT's
                              add-node: (i, new) with w = 1, (new, j) with the old w_ij,
                              and a bias edge (0, new) with w = 0)
``prune(...)``                nothing: it removes the edges that matter least, by |w_ij|
                              or by Optimal Brain Damage's saliency
``remove_dangling()``         the function (to rounding): neurons that reach no output are
                              removed, and neurons that no input reaches — constants —
                              are folded into the biases downstream first
``simplify()``                the function (to rounding): zero weights into Σ neurons are
                              removed, then ``remove_dangling``, until nothing changes
============================  ==========================================================
"""

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..model.losses import get_loss

__all__ = ["check_outputs_reachable", "diagonal_hessian", "prune", "remove_dangling",
           "saliencies", "simplify", "split_edge"]


def split_edge(net, i, j, activation="identity", new_id=None):
    """Replace edge (i, j) by i → new → j; see :meth:`Network.split_edge`."""
    i, j = checks.edge((i, j), "the edge to split")
    if not net.has_edge(i, j):
        raise NetworkError(f"there is no edge ({i}, {j}) to split")
    if any((i, j) in group for group in net.ties):
        raise NetworkError(f"edge ({i}, {j}) is tied to others; untie it first "
                           f"(net.untie(({i}, {j})))")
    new = max(net.graph) + 1 if new_id is None else checks.neuron_id(new_id, "new_id")
    if new in net.graph:
        raise NetworkError(f"neuron {new} exists already; choose an unused new_id")
    w_ij, frozen, delay = net.w[i, j], (i, j) in net.frozen, net.delays.get((i, j), 0)
    net.add_neuron(new, activation=activation, bias=0.0)  # checks the activation first
    net.disconnect(i, j)
    net.connect(i, new, 1.0)
    net.connect(new, j, w_ij, delay=delay)  # a delay edge's delay stays on the edge into j
    if frozen:
        net.freeze(new, j)
    return new


def prune(net, fraction=None, threshold=None, method="magnitude", X=None, Y=None,
          loss="squared", include_bias=False):
    """Remove the edges that matter least; see :meth:`Network.prune`."""
    if (fraction is None) == (threshold is None):
        raise NetworkError("prune takes one of fraction= (the share of edges to remove) or "
                           "threshold= (remove every edge scoring below it)")
    fraction = None if fraction is None else checks.option("fraction", fraction)
    threshold = None if threshold is None else checks.option("threshold", threshold)
    include_bias = checks.flag(include_bias, "include_bias")
    if method not in ("magnitude", "saliency"):
        raise NetworkError(f"method must be 'magnitude' or 'saliency'; received "
                           f"{describe(method)}")
    tied = {edge for group in net.ties for edge in group}
    frozen = set(net.frozen)
    candidates = [(i, j) for i, j in net.edges()
                  if (i != 0 or include_bias) and (i, j) not in tied and (i, j) not in frozen]
    if method == "magnitude":
        score = {edge: abs(net.w[edge]) for edge in candidates}
    else:
        if X is None or Y is None:
            raise NetworkError("method='saliency' needs the examples: pass X and Y")
        score = saliencies(net, X, Y, loss)
    ranked = sorted(candidates, key=lambda edge: (score[edge], edge))
    if fraction is not None:
        chosen = ranked[:int(round(fraction * len(ranked)))]
    else:
        chosen = [edge for edge in ranked if score[edge] < threshold]
    check_outputs_reachable(net, set(chosen), "pruning")
    removed = [(i, j, net.w[i, j]) for i, j in chosen]
    for i, j, _ in removed:
        net.disconnect(i, j)
    return removed


def diagonal_hessian(net, X, Y, loss="squared"):
    r"""h_ij ≈ ∂²J/∂w_ij², J the mean loss over the examples, by a second backward pass.

    Optimal Brain Damage (LeCun, Denker & Solla 1990), with its Gauss–Newton
    (Levenberg–Marquardt) approximation, which drops the g″ terms and the
    couplings between neurons:

    .. math::

        h_{ij} = \frac{1}{N} \sum_n a_i^2 \, s_j, \qquad
        s_j = g'(in_j)^2 \sum_{k \in \mathrm{succ}(j)} w_{jk}^2 \, s_k,

    starting at each output k from ∂²ℓ/∂in_k²: 2 g′(in_k)² for the squared loss,
    g′(in_k)² for half_squared, and a_k(1 − a_k) for the log loss of a logistic
    output or the cross-entropy of a softmax output (exact there). For an edge into
    an output, or a network whose neurons each feed one other, this is the
    Gauss–Newton diagonal; it is the exact diagonal of the Hessian where the
    network is linear. Σ neurons without batch normalization only.
    """
    loss = get_loss(loss)
    plan = net.plan()
    X = checks.matrix(X, len(plan.inputs), "X")
    Y = checks.matrix(Y, len(plan.outputs), "Y")
    checks.paired(X, Y)
    for j in net.hidden + net.outputs:
        neuron = net.neuron(j)
        if not neuron.aggregation.is_sum or neuron.norm is not None:
            raise NetworkError(f"saliency is defined here for Σ neurons without batch norm; "
                               f"neuron {j} is not one (use method='magnitude')")
    outputs = net.outputs
    curvature = _output_curvature(net, loss)
    order = list(net.topological_order())
    h = {edge: 0.0 for edge in net.edges()}
    for x, y in zip(X, Y):
        net.forward(x)
        a = {j: net.neuron(j).a for j in order}
        s = {}
        for j in reversed(order):
            neuron = net.neuron(j)
            if not neuron.is_processing:
                continue
            if j in outputs:
                s[j] = curvature(neuron)
            else:
                s[j] = neuron.activation.dg(neuron.in_) ** 2 * sum(
                    net.w[j, k] ** 2 * s[k] for k in net.successors(j))
        for i, j in h:
            h[i, j] += a[i] ** 2 * s[j]
    net.clear_values()
    return {edge: value / len(X) for edge, value in h.items()}


def saliencies(net, X, Y, loss="squared"):
    """Optimal Brain Damage's saliency ½ h_ij w_ij² of every edge (see :func:`diagonal_hessian`)."""
    h = diagonal_hessian(net, X, Y, loss)
    return {edge: 0.5 * h[edge] * net.w[edge] ** 2 for edge in h}


def _output_curvature(net, loss):
    """∂²ℓ/∂in_k² at output k (:meth:`Loss.curvature`), as a function of the neuron after a
    forward pass; refused at once where the loss does not know it for an output's g."""
    unknown = sorted({net.neuron(k).activation.name for k in net.outputs
                      if loss.curvature(0.5, 0.0, net.neuron(k).activation) is None})
    if unknown:
        raise NetworkError(f"saliency needs ∂²ℓ/∂in_k² at the outputs, which the {loss.name} "
                           f"loss gives for quadratic losses and its exact pairings (the log "
                           f"loss of logistic outputs, the cross-entropy of softmax outputs); "
                           f"received {', '.join(unknown)} outputs")
    return lambda neuron: loss.curvature(neuron.a, neuron.in_, neuron.activation)


def remove_dangling(net):
    """Remove hidden neurons that reach no output or that no input reaches; see
    :meth:`Network.remove_dangling`. Returns the ids removed, sorted."""
    reach_out, reach_in = _reaching(net)
    dead = [j for j in net.hidden if j not in reach_out]
    constant = [j for j in net.hidden if j in reach_out and j not in reach_in]
    tied = {edge for group in net.ties for edge in group}
    foldable = [c for c in constant
                if all(net.neuron(k).aggregation.is_sum and (0, k) not in tied
                       for k in net.successors(c) if k not in dead)]
    if not dead and not foldable:
        return []
    values = {}
    if foldable:
        net.forward(np.zeros(len(net.inputs)))  # any x: these neurons do not depend on it
        values = {c: net.neuron(c).a for c in foldable}
        net.clear_values()
    gone = set(dead) | set(foldable)
    for c in foldable:
        for k in net.successors(c):
            if k in gone and k not in foldable:
                continue
            shift = net.w[c, k] * values[c]
            if net.has_edge(0, k):
                net.w[0, k] = net.w[0, k] + shift
            else:
                net.connect(0, k, shift)
    for j in sorted(gone):
        net.remove_neuron(j)
    return sorted(gone)


def simplify(net):
    """Remove zero weights into Σ neurons and dangling neurons until nothing changes; see
    :meth:`Network.simplify`. Returns {"edges": [(i, j), …], "neurons": [j, …]} removed."""
    tied = {edge for group in net.ties for edge in group}
    edges, neurons = [], []
    while True:
        zero = []
        for i, j in net.edges():
            if i != 0 and net.w[i, j] == 0.0 and (i, j) not in tied \
                    and net.neuron(j).aggregation.is_sum:
                try:  # an output that hangs on zero weights alone computes a constant: keep them
                    check_outputs_reachable(net, {*zero, (i, j)}, "simplifying")
                except NetworkError:
                    continue
                zero.append((i, j))
        for i, j in zero:
            net.disconnect(i, j)
        removed = remove_dangling(net)
        edges += zero
        neurons += removed
        if not zero and not removed:
            return {"edges": edges, "neurons": sorted(neurons)}


def _reaching(net):
    """(neurons with a path to an output, neurons with a path from an input)."""
    return _closure(net.outputs, net.predecessors), _closure(net.inputs, net.successors)


def _closure(start, step):
    """Every neuron reached from `start` by repeating `step` (predecessors or successors)."""
    reached, stack = set(start), list(start)
    while stack:
        for k in step(stack.pop()):
            if k not in reached:
                reached.add(k)
                stack.append(k)
    return reached


def check_outputs_reachable(net, removed, doing):
    """Refuse removing the edges `removed` if an output would then have no path from an input."""
    if not removed or not net.inputs:
        return
    reached, stack = set(net.inputs), list(net.inputs)
    while stack:
        i = stack.pop()
        for k in net.successors(i):
            if (i, k) not in removed and k not in reached:
                reached.add(k)
                stack.append(k)
    cut = [k for k in net.outputs if k not in reached]
    if cut:
        raise NetworkError(f"{doing} would leave output{'s' if len(cut) > 1 else ''} "
                           f"{', '.join(map(str, cut))} with no path from any input; remove "
                           f"fewer edges (a smaller fraction or threshold)")
