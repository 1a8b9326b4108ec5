"""The reference engine for a whole mini-batch at once, neuron by neuron: what batch
normalization (μ_B and σ_B² need a_j^(e) of every example before any successor of j can go
on) and the sparsity penalty (ρ̂_j is a mean over the batch) ask of the lecture's passes.

The arithmetic is :mod:`neurograph.engines.reference`'s, one neuron at a time, each
neuron's loop over the examples inside it.
"""

import math

from .reference import example_loss, group_delta_values

__all__ = ["batch_pass"]


def batch_pass(plan, X, Y, loss, train=True, sparse=None):
    """BACKPROPAGATE for a whole mini-batch B, neuron by neuron: batch normalization needs
    a_j^(e) of every example e ∈ B before any successor of j can go on.

    `X` and `Y` are lists of examples. With `train`, a batch-normalized neuron uses
    B's mean and variance (and Δ flows through them); otherwise its running averages.
    `sparse`, when given, is (neurons, terms): a penalty on those neurons' mean
    activations ρ̂_j over the batch, ``terms(ρ̂) → (penalty, [∂penalty/∂ρ̂_j … / n])`` (the
    sparse autoencoder's β Σ KL(ρ ‖ ρ̂_j)); n · penalty joins Σ_e ℓ_e and each slope joins
    neuron j's Σ_k w_jk Δ_k for every example.
    Returns (Σ_e ℓ_e, Σ_e ∂ℓ_e/∂θ as a list in the order of ``net.theta()``, the batch
    statistics [(BatchNorm, μ_B, σ_B²)] for the caller to remember). The neurons' own
    values are not touched.
    """
    n = len(X)
    w = plan.store.memory  # w[edge.slot] is w_ij
    a = {plan.bias: [1.0] * n}
    for k, neuron in enumerate(plan.inputs):
        a[neuron] = [x[k] for x in X]
    in_, slopes, normalized, stats = {}, {}, {}, []
    # for each processing neuron j, in topological order: for each example e ∈ B
    for neuron_j, g, incoming, combine, norm in plan.forward:
        sums = []
        for e in range(n):
            if combine is None:
                # in_j ← Σ_{i:(i,j)∈A} w_ij a_i
                in_j = 0.0
                for neuron_i, edge in incoming:
                    in_j += w[edge.slot] * a[neuron_i][e]
            else:
                terms = [w[edge.slot] * a[neuron_i][e] for neuron_i, edge in incoming]
                in_j = combine.combine(terms)
                slopes.setdefault(neuron_j, []).append(combine.slopes(terms))
            sums.append(in_j)
        # a_j ← g(in_j)
        outs = [g.g(in_j) for in_j in sums]
        if norm is not None and train:
            # â_j ← γ_j (a_j − μ_B)/√(ε + σ_B²) + β_j, μ_B and σ_B² over the batch
            mean = sum(outs) / n
            var = sum((a_j - mean) ** 2 for a_j in outs) / n
            s = math.sqrt(norm.eps + var)
            xhat = [(a_j - mean) / s for a_j in outs]
            outs = [norm.gamma * xhat_e + norm.beta for xhat_e in xhat]
            normalized[neuron_j] = (xhat, s)
            stats.append((norm, mean, var))
        elif norm is not None:  # the running statistics
            s = math.sqrt(norm.eps + norm.running_var)
            normalized[neuron_j] = ([(a_j - norm.running_mean) / s for a_j in outs], s)
            outs = [norm.infer(a_j) for a_j in outs]
        in_[neuron_j], a[neuron_j] = sums, outs
    group = [neuron for neuron, _ in plan.group]
    for e in range(n):  # the softmax outputs, together
        top = max((in_[m][e] for m in group), default=0.0)
        exps = [math.exp(in_[m][e] - top) for m in group]
        total = sum(exps)
        for m, exp_m in zip(group, exps):
            a[m][e] = exp_m / total
    ell = 0.0
    for e, y in enumerate(Y):
        outputs = [a[neuron][e] for neuron in plan.outputs]
        if loss.check is not None:
            for y_k, a_k, g in zip(y, outputs, plan.output_activations):
                loss.check(y_k, a_k, g)
        ell += example_loss(plan, y, loss, outputs, [in_[neuron][e] for neuron in plan.outputs])

    extra = {}  # the sparsity penalty's term in ∂J/∂a_j of each neuron it reaches
    if sparse is not None:
        neurons, terms = sparse
        penalty, slopes_of = terms([sum(a[neuron]) / n for neuron in neurons])
        ell += n * penalty
        extra = dict(zip(neurons, slopes_of))
    delta, norm_grads = {}, {}
    for e, y in enumerate(Y):  # Δ_k of the softmax outputs
        for m, d in zip(group, group_delta_values([a[m][e] for m in group],
                                                   [y[k] for _, k in plan.group], loss)):
            delta.setdefault(m, []).append(d)
    # for each processing neuron j, in reverse topological order: for each example e ∈ B
    for neuron_j, g, outgoing, gated, k, norm in plan.backward:
        # ∂J/∂a_j: Σ_{k:(j,k)∈A} w_jk c_jk Δ_k
        totals = []
        for e in range(n):
            total = 0.0
            for edge, neuron_k in outgoing:
                total += w[edge.slot] * delta[neuron_k][e]
            for edge, neuron_k, place in gated:
                total += w[edge.slot] * slopes[neuron_k][e][place] * delta[neuron_k][e]
            totals.append(total + extra[neuron_j] if neuron_j in extra else total)
        if norm is not None:
            xhat, s = normalized[neuron_j]
            # ∂J/∂γ_j = Σ_e ∂J/∂â_j^(e) x̂_j^(e), ∂J/∂β_j = Σ_e ∂J/∂â_j^(e)
            norm_grads[neuron_j] = (sum(t * x for t, x in zip(totals, xhat)), sum(totals))
        if norm is not None and train:  # through â_j's batch statistics
            dxhat = [t * norm.gamma for t in totals]
            # ∂J/∂a_j^(e) = (∂J/∂x̂^(e) − mean_B ∂J/∂x̂ − x̂^(e) mean_B(∂J/∂x̂ · x̂)) / √(ε + σ_B²)
            mean_dxhat = sum(dxhat) / n
            mean_dxhat_xhat = sum(d * x for d, x in zip(dxhat, xhat)) / n
            totals = [(d - mean_dxhat - x * mean_dxhat_xhat) / s for d, x in zip(dxhat, xhat)]
        elif norm is not None:
            totals = [t * norm.scale() for t in totals]
        # Δ_j ← g′(in_j) Σ_k w_jk Δ_k  (+ the loss's output Δ)
        deltas = []
        for e in range(n):
            delta_j = g.dg(in_[neuron_j][e]) * totals[e] \
                if (outgoing or gated or neuron_j in extra) else 0.0
            if k is not None:
                delta_j += loss.delta(Y[e][k], a[neuron_j][e], in_[neuron_j][e], g)
            deltas.append(delta_j)
        delta[neuron_j] = deltas

    # ∂J/∂w_ij = Σ_e Δ_j a_i c_ij, summed over the edges that share w
    index, place = plan.index, plan.places
    grad = [0.0] * (len(plan.parameters) + 2 * len(plan.norms))
    for neuron_i, edge, neuron_j in plan.trainable:
        total = 0.0
        if neuron_j in place:
            pos = place[neuron_j][neuron_i]
            for e in range(n):
                total += delta[neuron_j][e] * a[neuron_i][e] * slopes[neuron_j][e][pos]
        else:
            for e in range(n):
                total += delta[neuron_j][e] * a[neuron_i][e]
        grad[index[edge]] += total
    first = len(plan.parameters)
    for k, (neuron, _) in enumerate(plan.norms):
        grad[first + 2 * k], grad[first + 2 * k + 1] = norm_grads.get(neuron, (0.0, 0.0))
    return ell, grad, stats
