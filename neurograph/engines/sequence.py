"""BPTT: FORWARDPROPAGATE and BACKPROPAGATE with the time step t added (Lectures 001 and 003).

A recurrent network is the network of one time step plus its delay edges: an edge (i, j)
with delay d feeds a_i(t − d) into in_j(t), and a_i(t) = 0 for t ≤ 0 (the initial state of
every sequence). Forward, time step by time step, each neuron in topological order::

    in_j(t) = Σ_{i:(i,j)∈A} w_ij a_i(t − d_ij)          (d_ij = 0 for an ordinary edge)
    a_j(t)  = g(in_j(t))

Backward through time, from t = T down to 1, each neuron in reverse topological order::

    Δ_j(t) = g′(in_j(t)) Σ_{k:(j,k)∈A} w_jk Δ_k(t + d_jk)   [+ the loss's output Δ at a
                                                               time step with a target]
    ∂J/∂w_ij = Σ_t Δ_j(t) a_i(t − d_ij)

with Δ_k(t) = 0 for t > T. Into a max or product neuron each term carries its slope
c_ij(t) = ∂in_j(t)/∂(w_ij a_i(t − d_ij)), as in the feedforward engine. This is the reference
that every faster way (and ``Network.unroll``) is tested against. The two lecture
functions of :mod:`neurograph.engines.reference` stay as they are, one time step of a
feedforward network; these stand beside them.
"""

import math

import numpy as np

from ..errors import NetworkError
from .reference import group_delta_values

__all__ = ["SequencePlan", "sequence_plan", "forward_through_time", "back_propagate_through_time",
           "sequence_gradient", "sequence_loss", "sequences_pass", "as_rows"]


class SequencePlan:
    """A network's plan read once for time steps: every neuron by position ``p``.

    Attributes
    ----------
    size : int
        How many neurons (positions 0 … size − 1; the bias neuron is 0).
    ids : list of int
        The neuron id at each position.
    inputs, outputs : list of int
        Positions of the inputs (the order of x) and the outputs (the order of y).
    forward : list of (int, Activation, list of (int, int, int), Aggregation or None)
        Each processing neuron j in topological order: g, its incoming edges (i, ij, d_ij)
        by ascending id i (ij: the slot of w_ij in θ; d_ij = 0 for an ordinary edge), and
        its aggregation when it is not the sum.
    backward : list of (int, Activation, list of (int, int, int, int or None), int or None)
        Each processing neuron j in reverse topological order, but the softmax group: g, its
        outgoing edges (jk, k, d_jk, j's place among k's terms or None for a sum neuron k),
        and its index in y (None for a hidden neuron).
    group : list of (int, int)
        The softmax outputs (position, index in y).
    edges : list of (int, int, int, int, int or None)
        Every trainable edge as (i, ij, j, d_ij, place), for the gradient: since θ is packed
        with the trainable weights first, ``grad[ij]`` is ∂J/∂w_ij (a tied group's edges
        share one slot, so their terms add up).
    longest : int
        The longest delay (0 without delay edges).
    n_parameters : int
        The length of θ.
    output_g : list of Activation
        g of each output, in the order of y.
    """

    def __init__(self, plan):
        if plan.norms:
            raise NetworkError(f"neurons {[n.id for n, _ in plan.norms]} are batch-normalized: "
                               f"a recurrent network takes no batch normalization (remove it "
                               f"with net.remove_batch_norm(j))")
        processing = [row[0] for row in plan.forward_steps]
        neurons = [plan.bias, *plan.inputs, *processing]
        p = {neuron: k for k, neuron in enumerate(neurons)}
        self.size, self.ids = len(neurons), [neuron.id for neuron in neurons]
        self.inputs = [p[neuron] for neuron in plan.inputs]
        self.outputs = [p[neuron] for neuron in plan.outputs]
        incoming = {neuron: [(p[n_i], ij, 0) for n_i, ij in rows]
                    for neuron, _, rows, _, _ in plan.forward_steps}
        for n_i, ij, n_j, d in plan.delayed_steps:
            incoming[n_j].append((p[n_i], ij, d))
        ids = self.ids
        for rows in incoming.values():
            rows.sort(key=lambda row: ids[row[0]])  # by ascending i, as the lecture sums
        self.forward = [(p[neuron], g, incoming[neuron], combine)
                        for neuron, g, _, combine, _ in plan.forward_steps]
        place = {j: {i: pos for pos, (i, _, _) in enumerate(rows)}
                 for j, _, rows, combine in self.forward if combine is not None}
        outgoing = {j: [] for j, *_ in self.forward}
        for j, _, rows, _ in self.forward:
            for i, ij, d in rows:
                if i in outgoing:
                    outgoing[i].append((ij, j, d, place[j][i] if j in place else None))
        for rows in outgoing.values():
            rows.sort(key=lambda row: ids[row[1]])
        y_index = {j: k for k, j in enumerate(self.outputs)}
        self.output_g = list(plan.output_activations)
        self.group = [(self.outputs[k], k) for k, g in enumerate(plan.output_activations)
                      if g.group]
        grouped = {j for j, _ in self.group}
        self.backward = [(j, g, outgoing[j], y_index.get(j))
                         for j, g, _, _ in reversed(self.forward) if j not in grouped]
        self.n_parameters = len(plan.parameters)
        self.edges = [(i, ij, j, d, place[j][i] if j in place else None)
                      for j, _, rows, _ in self.forward for i, ij, d in rows
                      if ij < self.n_parameters]
        self.longest = max((d for _, _, rows, _ in self.forward for _, _, d in rows), default=0)


def sequence_plan(plan):
    """The :class:`SequencePlan` of a network's Plan (made once per plan)."""
    seq = plan.kernels.get("sequence")
    if seq is None:
        seq = plan.kernels["sequence"] = SequencePlan(plan)
    return seq


class Trace(list):
    """What a forward pass through time leaves: ``trace[t]`` for t = 1 … T is a tuple
    (in_, a, slopes) of lists by position (``in_[p]``, ``a[p]``; ``slopes[p]`` the slopes
    c_ij(t) of a max/product neuron's terms); t ≤ 0 reads the zero initial state."""


def forward_through_time(seq, w, X):
    """FORWARDPROPAGATE(x(1), …, x(T)) for one sequence: in_j(t), a_j(t) for every t.

    `w` is θ's memoryview (``w[ij]`` is w_ij) and `X` a list of T rows of floats. Returns
    the history as a list ``a`` with ``a[D + t]`` the activations at time t (rows 0 … D are
    the initial state, t ≤ 0: zeros), the matching ``in_``, and ``slopes`` ({(t, j): [c_ij,
    …]} of the max/product neurons). D is the longest delay.
    """
    D, T = seq.longest, len(X)
    zero = [0.0] * seq.size
    a, in_ = [zero] * (D + 1), [zero] * (D + 1)  # a_j(t) = 0 for t ≤ 0: the initial state
    slopes = {}
    # for t = 1, …, T do
    for t in range(1, T + 1):
        a_t, in_t = [0.0] * seq.size, [0.0] * seq.size
        a.append(a_t)
        in_.append(in_t)
        a_t[0] = 1.0  # a_0(t) = 1
        # for each neuron j in the input layer do: a_j(t) ← x_j(t)
        for j, x_j in zip(seq.inputs, X[t - 1]):
            a_t[j] = x_j
        # for each processing neuron j, in topological order, do
        for j, g, incoming, combine in seq.forward:
            if combine is None:
                # in_j(t) ← Σ_{i:(i,j)∈A} w_ij a_i(t − d_ij)
                in_j = 0.0
                for i, ij, d in incoming:
                    in_j += w[ij] * a[D + t - d][i]
            else:
                # in_j(t) ← max_i or Π_i of w_ij a_i(t − d_ij), remembering the slopes
                terms = [w[ij] * a[D + t - d][i] for i, ij, d in incoming]
                in_j = combine.combine(terms)
                slopes[t, j] = combine.slopes(terms)
            in_t[j] = in_j
            # a_j(t) ← g(in_j(t))
            a_t[j] = g.g(in_j)
        # the softmax outputs, together: a_k(t) ← e^{in_k(t)} / Σ_m e^{in_m(t)}
        if seq.group:
            top = max(in_t[k] for k, _ in seq.group)
            e = [math.exp(in_t[k] - top) for k, _ in seq.group]
            total = sum(e)
            for (k, _), e_k in zip(seq.group, e):
                a_t[k] = e_k / total
    return a, in_, slopes


def sequence_loss(seq, trace, Y, loss):
    """Σ_t ℓ(y(t), a(t)) over the time steps with a target (`Y`: T rows, None for none)."""
    a, in_, _ = trace
    D, total = seq.longest, 0.0
    exact_group = bool(seq.group) and loss.group_exact
    for t, y in enumerate(Y, start=1):
        if y is None:
            continue
        a_t, in_t = a[D + t], in_[D + t]
        for y_k, j, g in zip(y, seq.outputs, seq.output_g):
            if loss.check is not None:
                loss.check(y_k, a_t[j], g)
            if not (g.group and exact_group):
                total += loss.value(y_k, a_t[j], in_t[j], g)
        if exact_group:  # −Σ_k y_k log a_k(t), from in_k(t): exact
            top = max(in_t[j] for j, _ in seq.group)
            log_total = top + math.log(sum(math.exp(in_t[j] - top) for j, _ in seq.group))
            total -= sum(y[k] * (in_t[j] - log_total) for j, k in seq.group)
    return float(total)


def back_propagate_through_time(seq, w, trace, Y, loss, first=1, last=None):
    """BACKPROPAGATE through time: Δ_j(t) for t = last, …, first (default T, …, 1).

    `trace` is what :func:`forward_through_time` returned, `Y` the T target rows (None where
    a time step has no target) and `loss` a Loss. Δ_j(t) = 0 outside first … last: truncated
    BPTT runs it once per target time τ with first = τ − k + 1, last = τ and only that
    target. Returns ``delta``, with ``delta[t][j]`` = Δ_j(t).
    """
    a, in_, slopes = trace
    D, T = seq.longest, len(Y)
    last = T if last is None else last
    zero = [0.0] * seq.size
    delta = [zero] * (T + D + 2)  # Δ_k(t) = 0 for t > last and t < first
    # for t = T, …, 1 do
    for t in range(last, first - 1, -1):
        delta_t = delta[t] = [0.0] * seq.size
        a_t, in_t, y = a[D + t], in_[D + t], Y[t - 1]
        # the softmax outputs: Δ_k(t) ← a_k (∂ℓ/∂a_k − Σ_m a_m ∂ℓ/∂a_m) where y(t) is given
        if seq.group and y is not None:
            values = group_delta_values([a_t[j] for j, _ in seq.group],
                                        [y[k] for _, k in seq.group], loss)
            for (j, _), delta_j in zip(seq.group, values):
                delta_t[j] = delta_j
        # for each processing neuron j, in reverse topological order, do
        for j, g, outgoing, k in seq.backward:
            target = k is not None and y is not None
            if not outgoing and not target:
                continue
            in_j, a_j = in_t[j], a_t[j]
            g_prime = g.dg_from_a(a_j) if g.dg_from_a is not None else g.dg(in_j)
            # Δ_j(t) ← g′(in_j(t)) Σ_{k:(j,k)∈A} w_jk c_jk(t + d_jk) Δ_k(t + d_jk)
            total = 0.0
            for jk, k_, d, place in outgoing:
                if place is None:
                    total += w[jk] * delta[t + d][k_]
                elif t + d <= last:
                    total += w[jk] * slopes[t + d, k_][place] * delta[t + d][k_]
            delta_j = g_prime * total
            # output at a time step with a target: + the loss's output Δ
            if target:
                delta_j += loss.output_delta(y[k], a_j, in_j, g, g_prime)
            delta_t[j] = delta_j
    return delta


def sequence_gradient(seq, trace, delta, grad, first=1, last=None):
    """Add ∂J/∂w_ij = Σ_t Δ_j(t) a_i(t − d_ij) c_ij(t) for t = first … last to `grad`
    (a list over θ, indexed by each trainable edge's slot ij)."""
    a, _, slopes = trace
    D = seq.longest
    last = len(a) - D - 1 if last is None else last
    for i, ij, j, d, place in seq.edges:
        total = 0.0
        for t in range(first, last + 1):
            term = delta[t][j] * a[D + t - d][i]
            if place is not None:
                term *= slopes[t, j][place]
            total += term
        grad[ij] += total
    return grad


def as_rows(Y):
    """The target rows of one sequence as lists, None for a row that is all NaN."""
    return [None if np.isnan(row).all() else row.tolist() for row in np.asarray(Y, dtype=float)]


def sequences_pass(seq, w, Xs, Ys, loss, truncate=None, gradient=True):
    """BPTT over sequences, one at a time: (Σ_e Σ_t ℓ, Σ_e ∂/∂θ of it, the outputs).

    `Xs` is an array (n, T, inputs), `Ys` (n, T, outputs) with NaN rows where a time step has
    no target (None: no targets, outputs only). With ``truncate=k`` each target's error flows
    back k time steps at most (the steps τ − k + 1 … τ of a target at τ): truncated BPTT, whose
    gradient is not J's. Returns a list over θ for the gradient (None without `gradient`).
    """
    total, grad = 0.0, [0.0] * seq.n_parameters if gradient else None
    D, outputs = seq.longest, np.empty((len(Xs), Xs.shape[1], len(seq.outputs)))
    for e, X in enumerate(Xs):
        trace = forward_through_time(seq, w, X.tolist())
        a = trace[0]
        outputs[e] = [[a[D + t][k] for k in seq.outputs] for t in range(1, len(X) + 1)]
        if Ys is None:
            continue
        Y = as_rows(Ys[e])
        total += sequence_loss(seq, trace, Y, loss)
        if not gradient:
            continue
        if truncate is None:
            delta = back_propagate_through_time(seq, w, trace, Y, loss)
            sequence_gradient(seq, trace, delta, grad)
            continue
        for tau, y in enumerate(Y, start=1):  # truncated: each target on its own, k steps back
            if y is not None:
                only = [None] * len(Y)
                only[tau - 1] = y
                first = max(1, tau - truncate + 1)
                delta = back_propagate_through_time(seq, w, trace, only, loss, first, tau)
                sequence_gradient(seq, trace, delta, grad, first, tau)
    return total, grad, outputs
