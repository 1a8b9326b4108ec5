"""BPTT in numpy: a batch of sequences through time, one time step's levels at a time.

The same sums as :mod:`neurograph.engines.sequence` (the reference, which the tests hold this
to 1e-12), on arrays: ``A[D + t]`` is the (sequences × neurons) matrix of a_j(t), rows
``A[0 … D]`` the zero initial state. Within a time step the processing neurons fall into
levels (one more than the deepest ordinary source), and a level's sum neurons are one matrix
product per delay d::

    IN(t)[:, L] = Σ_d A(t − d) @ W_d[:, L]        (W_d: the weights of the edges of delay d)

Max and product neurons take their terms one edge at a time, as the batch engine does.
Backward, from t = T down, levels in reverse::

    Δ(t)[:, L] = g′(IN(t)[:, L]) ⊙ Σ_d Δ(t + d) @ W_d[L, :]ᵀ  (+ the loss's output Δ)

and ∂J/∂W_d = Σ_t A(t − d)ᵀ Δ(t), one product per delay over all the time steps at once.
No unrolled graph is built: memory is linear in T × neurons × sequences.
"""

import numpy as np

__all__ = ["SequenceBatch", "sequence_batch"]


class SequenceBatch:
    """A :class:`~neurograph.engines.sequence.SequencePlan` compiled to arrays."""

    def __init__(self, seq):
        self.seq = seq
        P, D = seq.size, seq.longest
        self.P, self.D = P, D
        level = {}
        for j, _, rows, _ in seq.forward:
            level[j] = 1 + max((level[i] for i, _, d in rows if d == 0 and i in level),
                               default=0)
        grouped = {j for j, _ in seq.group}
        self.levels = []
        for depth in sorted(set(level.values())):
            members = [(j, g, rows, combine) for j, g, rows, combine in seq.forward
                       if level[j] == depth]
            summed = np.array([j for j, _, _, combine in members if combine is None], dtype=int)
            gated = [(j, rows, combine) for j, _, rows, combine in members if combine is not None]
            by_g = {}
            for j, g, _, _ in members:
                if j not in grouped:
                    by_g.setdefault(g, []).append(j)
            activations = [(g, np.array(js, dtype=int)) for g, js in by_g.items()]
            self.levels.append((summed, gated, activations))
        into_sum = [(i, ij, j, d) for j, _, rows, combine in seq.forward if combine is None
                    for i, ij, d in rows]
        self.delays = sorted({d for _, _, _, d in into_sum} | {0})
        self.sum_edges = {d: tuple(np.array(column, dtype=int) for column in zip(
            *[(i, ij, j) for i, ij, j, d_ in into_sum if d_ == d])) for d in self.delays}
        gated_into = {j for j, _, _, combine in seq.forward if combine is not None}
        self.gated_out = [(i, ij, k, d, place) for i, ij, k, d, place in
                          ((i, ij, j, d, pos) for j, _, rows, combine in seq.forward
                           if combine is not None for pos, (i, ij, d) in enumerate(rows))
                          if k in gated_into]
        self.output_g = seq.output_g
        self.outputs = np.array(seq.outputs, dtype=int)
        self.group = np.array([j for j, _ in seq.group], dtype=int)
        self.group_k = np.array([k for _, k in seq.group], dtype=int)
        self.trainable = seq.n_parameters

    def weights(self, w):
        """W_d for each delay d: dense (neurons × neurons) matrices of θ's weights."""
        W = {}
        for d, edges in self.sum_edges.items():
            W[d] = np.zeros((self.P, self.P))
            if edges:
                src, slot, dst = edges
                W[d][src, dst] = w[slot]
        return W

    def forward(self, w, W, X):
        """A, IN (time × sequences × neurons, the first D + 1 times the initial state) and the
        max/product slopes {(t, j): (sequences × terms)} for inputs X (n, T, inputs)."""
        n, T = X.shape[:2]
        D, seq = self.D, self.seq
        A = np.zeros((D + T + 1, n, self.P))
        IN = np.zeros_like(A)
        A[D + 1:, :, 0] = 1.0
        A[D + 1:, :, seq.inputs] = X.transpose(1, 0, 2)
        slopes = {}
        for t in range(1, T + 1):
            r = D + t
            for summed, gated, activations in self.levels:
                if len(summed):
                    z = A[r] @ W[0][:, summed]
                    for d in self.delays[1:]:
                        z += A[r - d] @ W[d][:, summed]
                    IN[r][:, summed] = z
                for j, rows, combine in gated:
                    terms = np.stack([w[ij] * A[r - d][:, i] for i, ij, d in rows], axis=1)
                    IN[r][:, j] = combine.combine_rows(terms)
                    slopes[t, j] = combine.slopes_rows(terms)
                for g, js in activations:
                    A[r][:, js] = g.g(IN[r][:, js])
            if len(self.group):
                z = IN[r][:, self.group]
                e = np.exp(z - z.max(axis=1, keepdims=True))
                A[r][:, self.group] = e / e.sum(axis=1, keepdims=True)
        return A, IN, slopes

    def loss(self, A, IN, Y, loss):
        """Σ over sequences and the time steps with a target of ℓ(y(t), a(t))."""
        D, total = self.D, 0.0
        exact_group = len(self.group) and loss.group_exact
        for t in range(1, Y.shape[1] + 1):
            y = Y[:, t - 1]
            rows = ~np.isnan(y[:, 0])
            if not rows.any():
                continue
            y, a, z = y[rows], A[D + t][rows], IN[D + t][rows]
            for k, (j, g) in enumerate(zip(self.outputs, self.output_g)):
                if loss.check is not None:
                    loss.check(y[:, k], a[:, j], g)
                if not (g.group and exact_group):
                    total += float(np.sum(loss.value(y[:, k], a[:, j], z[:, j], g)))
            if exact_group:
                zg = z[:, self.group]
                top = zg.max(axis=1, keepdims=True)
                log_total = top + np.log(np.exp(zg - top).sum(axis=1, keepdims=True))
                total -= float(np.sum(y[:, self.group_k] * (zg - log_total)))
        return total

    def backward(self, w, W, A, IN, slopes, Y, loss, first=1, last=None):
        """Δ (time × sequences × neurons) for the targets Y (n, T, outputs; NaN rows: none),
        through the time steps first … last (Δ = 0 outside)."""
        n, T = Y.shape[:2]
        D, last = self.D, T if last is None else last
        DELTA = np.zeros((T + D + 2, n, self.P))
        for t in range(last, first - 1, -1):
            r, y = D + t, Y[:, t - 1]
            has = ~np.isnan(y[:, :1])  # (n × 1): the sequences with a target at t
            y = np.where(has, y, 0.0)
            delta_t = DELTA[t]
            if len(self.group):
                delta_t[:, self.group] = has * _group_deltas(A[r][:, self.group],
                                                             y[:, self.group_k], loss)
            for summed, gated, activations in reversed(self.levels):
                for g, js in activations:
                    total = delta_t @ W[0][js, :].T
                    for d in self.delays[1:]:
                        total += DELTA[t + d] @ W[d][js, :].T
                    for i, ij, k, d, place in self.gated_out:
                        if t + d <= last:
                            hit = np.flatnonzero(js == i)
                            if len(hit):
                                total[:, hit[0]] += (w[ij] * slopes[t + d, k][:, place]
                                                     * DELTA[t + d][:, k])
                    a, z = A[r][:, js], IN[r][:, js]
                    g_prime = g.dg_from_a(a) if g.dg_from_a is not None else g.dg(z)
                    delta = g_prime * total
                    for k, (j, g_k) in enumerate(zip(self.outputs, self.output_g)):
                        hit = np.flatnonzero(js == j)
                        if len(hit):
                            out = loss.output_delta(y[:, k], a[:, hit[0]], z[:, hit[0]], g_k,
                                                    g_prime[:, hit[0]])
                            delta[:, hit[0]] += np.where(has[:, 0], out, 0.0)
                    delta_t[:, js] = delta
        return DELTA

    def gradient(self, w, A, DELTA, slopes, grad, first=1, last=None):
        """Add ∂J/∂w = Σ_t Δ_j(t) a_i(t − d) (c_ij(t)) over first … last to `grad` (over θ)."""
        D, n = self.D, A.shape[1]
        last = A.shape[0] - D - 1 if last is None else last
        steps = last - first + 1
        deltas = DELTA[first:last + 1].reshape(steps * n, self.P)
        for d, edges in self.sum_edges.items():
            if not edges:
                continue
            src, slot, dst = edges
            sources = A[D + first - d:D + last + 1 - d].reshape(steps * n, self.P)
            G = sources.T @ deltas
            keep = slot < self.trainable
            np.add.at(grad, slot[keep], G[src[keep], dst[keep]])
        for i, ij, j, d, place in self.gated_out:
            if ij < self.trainable:
                total = 0.0
                for t in range(first, last + 1):
                    total += float(np.sum(DELTA[t][:, j] * A[D + t - d][:, i]
                                          * slopes[t, j][:, place]))
                grad[ij] += total
        return grad

    def run(self, w, X, Y, loss, truncate=None, gradient=True):
        """(Σ ℓ, Σ ∂ℓ/∂θ or None, outputs (n, T, outputs)) over the sequences X, Y."""
        W = self.weights(w)
        A, IN, slopes = self.forward(w, W, X)
        outputs = A[self.D + 1:][:, :, self.outputs].transpose(1, 0, 2).copy()
        if Y is None:
            return 0.0, None, outputs
        total = self.loss(A, IN, Y, loss)
        if not gradient:
            return total, None, outputs
        grad = np.zeros(self.trainable)
        if truncate is None:
            DELTA = self.backward(w, W, A, IN, slopes, Y, loss)
            self.gradient(w, A, DELTA, slopes, grad)
            return total, grad, outputs
        for tau in range(1, Y.shape[1] + 1):  # truncated: each target time on its own
            if np.isnan(Y[:, tau - 1, 0]).all():
                continue
            only = np.full_like(Y, np.nan)
            only[:, tau - 1] = Y[:, tau - 1]
            first = max(1, tau - truncate + 1)
            DELTA = self.backward(w, W, A, IN, slopes, only, loss, first, tau)
            self.gradient(w, A, DELTA, slopes, grad, first, tau)
        return total, grad, outputs


def _group_deltas(a, y, loss):
    """Δ_k = a_k (∂ℓ/∂a_k − Σ_m a_m ∂ℓ/∂a_m) of softmax outputs, row by row; for cross-entropy
    a_k Σ_m y_m − y_k (as :func:`~neurograph.engines.reference.group_delta_values`)."""
    if loss.group_exact:
        return a * y.sum(axis=1, keepdims=True) - y
    errors = loss.error(y, a)
    return a * (errors - (a * errors).sum(axis=1, keepdims=True))


def sequence_batch(plan, seq):
    """The :class:`SequenceBatch` of a plan (made once per plan)."""
    engine = plan.kernels.get("sequence batch")
    if engine is None:
        engine = plan.kernels["sequence batch"] = SequenceBatch(seq)
    return engine
