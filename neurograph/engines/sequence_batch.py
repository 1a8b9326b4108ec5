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
    """A :class:`~neurograph.engines.sequence.SequencePlan` compiled to arrays.

    Each level holds: its sum neurons and, per delay d, the block of W_d that feeds them
    (forward); its max/product neurons, grouped by aggregation and number of terms, with
    their sources, slots and delays as (neurons × terms) arrays; and its neurons grouped by
    activation, each group with the blocks of W_d that carry Δ back to it (backward) and
    its outputs.
    """

    def __init__(self, seq):
        self.seq, self.P, self.D = seq, seq.size, seq.longest
        self.trainable = seq.n_parameters
        level = {}
        for j, _, rows, _ in seq.forward:
            level[j] = 1 + max((level[i] for i, _, d in rows if d == 0 and i in level),
                               default=0)
        out_edges = {}  # i → (d, j, ij) of its edges into sum neurons
        for j, _, rows, combine in seq.forward:
            if combine is None:
                for i, ij, d in rows:
                    out_edges.setdefault(i, []).append((d, j, ij))
        grouped = {j for j, _ in seq.group}
        y_index = {j: k for k, j in enumerate(seq.outputs)}
        self.levels = []
        for depth in sorted(set(level.values())):
            members = [(j, g, rows, combine) for j, g, rows, combine in seq.forward
                       if level[j] == depth]
            summed = [(j, rows) for j, _, rows, combine in members if combine is None]
            into = _blocks([(i, c, ij, d) for c, (_, rows) in enumerate(summed)
                            for i, ij, d in rows], sources=True, size=len(summed))
            gated = {}  # (aggregation, number of terms) → its neurons
            for j, _, rows, combine in members:
                if combine is not None:
                    gated.setdefault((combine, len(rows)), []).append((j, rows))
            gated = [_gated(combine, group, self.trainable)
                     for (combine, _), group in gated.items()]
            by_g = {}
            for j, g, _, _ in members:
                if j not in grouped:
                    by_g.setdefault(g, []).append(j)
            activations = []
            for g, js in by_g.items():
                back = _blocks([(k, r, ij, d) for r, i in enumerate(js)
                                for d, k, ij in out_edges.get(i, ())], sources=False,
                               size=len(js))
                outs = [(pos, y_index[j]) for pos, j in enumerate(js) if j in y_index]
                activations.append((g, np.array(js), [p for p, _ in outs],
                                    [k for _, k in outs], back))
            self.levels.append((np.array([j for j, _ in summed], dtype=int), into, gated,
                                activations))
        edges = {}
        for j, _, rows, combine in seq.forward:
            if combine is None:
                for i, ij, d in rows:
                    if ij < self.trainable:
                        edges.setdefault(d, []).append((i, ij, j))
        # d → (sources, targets, rows, cols, slots): G = A[:, sources]ᵀ Δ[:, targets]
        self.sum_edges = {}
        for d, group in edges.items():
            src, dst = sorted({i for i, _, _ in group}), sorted({j for _, _, j in group})
            row, col = {i: r for r, i in enumerate(src)}, {j: c for c, j in enumerate(dst)}
            self.sum_edges[d] = (np.array(src), np.array(dst),
                                 np.array([row[i] for i, _, _ in group]),
                                 np.array([col[j] for _, _, j in group]),
                                 np.array([ij for _, ij, _ in group]))
        self.outputs = np.array(seq.outputs, dtype=int)
        self.output_g = seq.output_g
        by_g = {}
        for k, g in enumerate(seq.output_g):
            if not g.group:
                by_g.setdefault(g, []).append(k)
        self.output_groups = [(g, np.array(ks)) for g, ks in by_g.items()]
        self.group = np.array([j for j, _ in seq.group], dtype=int)
        self.group_k = np.array([k for _, k in seq.group], dtype=int)

    def weights(self, w):
        """The blocks of W_d from θ (`w`, an array), level by level: (forward blocks, backward
        blocks of each activation group), each block (d, the other side's ids, matrix)."""
        return [([(d, ids, _matrix(w, block)) for d, ids, block in into],
                 [[(d, ids, _matrix(w, block)) for d, ids, block in back]
                  for _, _, _, _, back in activations])
                for _, into, _, activations in self.levels]

    def forward(self, w, blocks, X):
        """A, IN (time × sequences × neurons, the first D + 1 times the initial state, D the
        longest delay but at most T: an older a_i is 0 all the same) and the max/product
        slopes {(t, level, group): (neurons × sequences × terms)}."""
        n, T = X.shape[:2]
        D, seq = min(self.D, T), self.seq
        A = np.zeros((D + T + 1, n, self.P))
        IN = np.zeros((D + T + 1, n, self.P))
        A[D + 1:, :, 0] = 1.0
        A[D + 1:, :, seq.inputs] = X.transpose(1, 0, 2)
        slopes = {}
        for t in range(1, T + 1):
            r = D + t
            for L, (summed, _, gated, activations) in enumerate(self.levels):
                if len(summed):
                    # in_j(t) = Σ_d A(t − d)[:, sources] @ W_d[sources, j]
                    z = np.zeros((n, len(summed)))
                    for d, src, W in blocks[L][0]:
                        z += A[max(r - d, 0)][:, src] @ W
                    IN[r][:, summed] = z
                for G, (combine, js, src, slot, delay, _, _) in enumerate(gated):
                    terms = w[slot][:, :, None] * A[np.maximum(r - delay, 0), :, src]
                    rows = terms.transpose(0, 2, 1).reshape(-1, terms.shape[1])
                    IN[r][:, js] = combine.combine_rows(rows).reshape(len(js), n).T
                    slopes[t, L, G] = combine.slopes_rows(rows).reshape(len(js), n, -1)
                for g, js, _, _, _ in activations:
                    A[r][:, js] = g.g(IN[r][:, js])
            if len(self.group):
                z = IN[r][:, self.group]
                e = np.exp(z - z.max(axis=1, keepdims=True))
                A[r][:, self.group] = e / e.sum(axis=1, keepdims=True)
        return A, IN, slopes

    def loss(self, A, IN, Y, loss):
        """Σ over sequences and the time steps with a target of ℓ(y(t), a(t))."""
        steps, seqs = np.nonzero(~np.isnan(Y[:, :, 0]).T)  # every (t − 1, e) with a target
        if not len(steps):
            return 0.0
        y = Y[seqs, steps]
        first = A.shape[0] - Y.shape[1]  # the row of t = 1
        a = A[first:, :, self.outputs][steps, seqs]
        z = IN[first:, :, self.outputs][steps, seqs]
        if loss.check is not None:
            for k, g in enumerate(self.output_g):
                loss.check(y[:, k], a[:, k], g)
        total = 0.0
        for g, ks in self.output_groups:
            total += float(np.sum(loss.value(y[:, ks], a[:, ks], z[:, ks], g)))
        if len(self.group):
            ks = self.group_k
            if loss.group_exact:  # −Σ_k y_k log a_k, from in_k: exact
                top = z[:, ks].max(axis=1, keepdims=True)
                log_total = top + np.log(np.exp(z[:, ks] - top).sum(axis=1, keepdims=True))
                total -= float(np.sum(y[:, ks] * (z[:, ks] - log_total)))
            else:
                total += float(np.sum(loss.value(y[:, ks], a[:, ks], z[:, ks],
                                                 self.output_g[ks[0]])))
        return total

    def backward(self, w, blocks, A, IN, slopes, Y, loss, grad, first=1, last=None):
        """Δ (time × sequences × neurons) for the targets Y (n, T, outputs; NaN rows: none),
        through the time steps first … last (Δ = 0 outside); the max/product neurons' part of
        the gradient is added to `grad` on the way."""
        n, T = Y.shape[:2]
        D, last = A.shape[0] - T - 1, T if last is None else last
        DELTA = np.zeros((T + 2, n, self.P))  # Δ(t) = 0 for t > T: row T + 1
        BACK = np.zeros((T + 2, self.P, n))  # Σ w_jk c_jk Δ_k from max/product neurons k
        for t in range(last, first - 1, -1):
            r, y = D + t, Y[:, t - 1]
            has = ~np.isnan(y[:, :1])  # (n × 1): the sequences with a target at t
            y = np.where(has, y, 0.0)
            delta_t = DELTA[t]
            if len(self.group):
                delta_t[:, self.group] = has * _group_deltas(A[r][:, self.group],
                                                             y[:, self.group_k], loss)
            for L in range(len(self.levels) - 1, -1, -1):
                _, _, gated, activations = self.levels[L]
                for (g, js, out_pos, out_k, _), back in zip(activations, blocks[L][1]):
                    # Δ_j(t) = g′(in_j(t)) Σ_d Δ(t + d)[:, k] @ W_d[j, k]ᵀ (+ output Δ)
                    total = BACK[t][js].T.copy()
                    for d, dst, W in back:
                        total += DELTA[min(t + d, T + 1)][:, dst] @ W.T
                    a, z = A[r][:, js], IN[r][:, js]
                    g_prime = g.dg_from_a(a) if g.dg_from_a is not None else g.dg(z)
                    delta = g_prime * total
                    if out_pos:
                        out = loss.output_delta(y[:, out_k], a[:, out_pos], z[:, out_pos], g,
                                                g_prime[:, out_pos])
                        delta[:, out_pos] += np.where(has, out, 0.0)
                    delta_t[:, js] = delta
                for G, (_, js, src, slot, delay, mine, by_delay) in enumerate(gated):
                    weighted = slopes[t, L, G] * delta_t[:, js].T[:, :, None]  # c_ik Δ_k (t)
                    # ∂J/∂w_ik += Σ_e Δ_k(t) c_ik(t) a_i(t − d)
                    terms = np.einsum("knm,kmn->km", weighted,
                                      A[np.maximum(r - delay, 0), :, src])
                    np.add.at(grad, slot[mine], terms[mine])
                    sent = w[slot][:, :, None] * weighted.transpose(0, 2, 1)  # (k × m × n)
                    for d, hit, sources, repeated in by_delay:
                        if t - d >= first:
                            if repeated:
                                np.add.at(BACK[t - d], sources, sent[hit])
                            else:
                                BACK[t - d][sources] += sent[hit]
        return DELTA

    def gradient(self, A, DELTA, grad, first=1, last=None):
        """Add ∂J/∂w_ij = Σ_t Δ_j(t) a_i(t − d) for the trainable edges into sum neurons, over
        the time steps first … last, to `grad` (over θ)."""
        n, T = A.shape[1], DELTA.shape[0] - 2
        D = A.shape[0] - T - 1
        last = T if last is None else last
        steps = last - first + 1
        deltas = DELTA[first:last + 1].reshape(steps * n, self.P)
        for d, (src, dst, rows, cols, slots) in self.sum_edges.items():
            if d >= last:  # a_i(t − d) = 0 for every t ≤ last
                continue
            start = D + first - d
            rows_of = slice(start, start + steps) if start >= 0 else \
                np.maximum(np.arange(start, start + steps), 0)
            sources = A[rows_of].reshape(steps * n, self.P)
            G = sources[:, src].T @ deltas[:, dst]
            np.add.at(grad, slots, G[rows, cols])
        return grad

    def run(self, w, X, Y, loss, truncate=None, gradient=True):
        """(Σ ℓ, Σ ∂ℓ/∂θ or None, outputs (n, T, outputs)) over the sequences X, Y."""
        blocks = self.weights(w)
        A, IN, slopes = self.forward(w, blocks, X)
        outputs = A[A.shape[0] - X.shape[1]:][:, :, self.outputs].transpose(1, 0, 2).copy()
        if Y is None:
            return 0.0, None, outputs
        total = self.loss(A, IN, Y, loss)
        if not gradient:
            return total, None, outputs
        grad = np.zeros(self.trainable)
        if truncate is None:
            DELTA = self.backward(w, blocks, A, IN, slopes, Y, loss, grad)
            self.gradient(A, DELTA, grad)
            return total, grad, outputs
        for tau in range(1, Y.shape[1] + 1):  # truncated: each target time on its own
            if np.isnan(Y[:, tau - 1, 0]).all():
                continue
            only = np.full_like(Y, np.nan)
            only[:, tau - 1] = Y[:, tau - 1]
            first = max(1, tau - truncate + 1)
            DELTA = self.backward(w, blocks, A, IN, slopes, only, loss, grad, first, tau)
            self.gradient(A, DELTA, grad, first, tau)
        return total, grad, outputs


def _gated(combine, group, trainable):
    """A group of max/product neurons with as many terms each: (aggregation, their ids, and
    as (neurons × terms) arrays their terms' sources, slots and delays; which slots are
    trainable (below `trainable`); and per delay d the terms of that delay, their sources,
    and whether a source repeats among them)."""
    js = np.array([j for j, _ in group], dtype=int)
    src, slot, delay = (np.array([[row[part] for row in rows] for _, rows in group], dtype=int)
                        for part in range(3))
    by_delay = []
    for d in np.unique(delay):
        hit = delay == d
        by_delay.append((int(d), hit, src[hit], len(np.unique(src[hit])) < hit.sum()))
    return combine, js, src, slot, delay, slot < trainable, by_delay


def _blocks(edges, sources, size):
    """Matrix blocks, one per delay d, of `edges` (i, c, ij, d): i the other side's id, c the
    index on this side. Each block is (d, the other side's ids, (rows, cols, slots, shape)):
    for `sources` the rows are the sources (forward: a block is W_d[sources, this level]),
    else the columns are the targets (backward: W_d[this group, targets]); `size` is this
    side's number of neurons."""
    by_delay = {}
    for i, c, ij, d in edges:
        by_delay.setdefault(d, []).append((i, c, ij))
    blocks = []
    for d, group in sorted(by_delay.items()):
        ids = sorted({i for i, _, _ in group})
        at = {i: p for p, i in enumerate(ids)}
        other = np.array([at[i] for i, _, _ in group], dtype=int)
        here = np.array([c for _, c, _ in group], dtype=int)
        slots = np.array([ij for _, _, ij in group], dtype=int)
        if sources:
            blocks.append((d, np.array(ids), (other, here, slots, (len(ids), size))))
        else:
            blocks.append((d, np.array(ids), (here, other, slots, (size, len(ids)))))
    return blocks


def _matrix(w, block):
    rows, cols, slots, shape = block
    matrix = np.zeros(shape)
    matrix[rows, cols] = w[slots]
    return matrix


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
