"""BPTT in numpy: a batch of sequences through time, level by level.

The same sums as :mod:`neurograph.engines.sequence` (the reference, which the tests hold this
to 1e-12), on arrays whose columns are the lanes of
:mod:`neurograph.engines.sequence_lanes`: each level, each group of one activation and each
group of max/product neurons a contiguous run of columns. ``A[D + t]`` is the (sequences ×
lanes) matrix of a_j(t), rows ``A[0 … D]`` the zero initial state. A level's sum neurons are
one matrix product per delay d::

    IN(t)[:, L] = Σ_d A(t − d)[:, sources] @ W_d[sources, L]   (W_d: the edges of delay d)

Max and product neurons take their terms one term position at a time, through their
aggregation's array form. Backward, from t = T down, levels in reverse, one product per
delay for the whole level::

    Δ(t)[:, L] = g′(IN(t)[:, L]) ⊙ Σ_d Δ(t + d)[:, targets] @ W_d[L, targets]ᵀ
                 (+ the loss's output Δ, + what max/product neurons send back)

and ∂J/∂W_d = Σ_t A(t − d)ᵀ Δ(t), one product per level and delay over all the time steps at
once. The free levels (no loop reaches them) and the free sources' share of the other sums
go over all the time steps at once, forward and backward; the rest goes step by step. The
working arrays are kept per shape and reused from call to call and step to step; no unrolled
graph is built: memory is linear in T × neurons × sequences.
"""

import numpy as np

from .sequence_lanes import SequenceLanes

__all__ = ["SequenceBatch", "sequence_batch"]


class SequenceBatch(SequenceLanes):
    """BPTT over a batch of sequences on the lanes of a
    :class:`~neurograph.engines.sequence_lanes.SequenceLanes` (made from a
    :class:`~neurograph.engines.sequence.SequencePlan`)."""

    KEPT = 4
    """How many sets of working arrays (forward or backward, of one shape) a SequenceBatch
    keeps."""

    KEPT_BYTES = 2 ** 26
    """The largest set of working arrays kept (64 MiB); a larger one is made for its call
    and let go after it."""

    def work(self, n, T, backward=False):
        """The working arrays for n sequences of T steps: forward, A and IN ((D + T + 1) × n ×
        lanes, D the longest delay but at most T) and per max/product group its slopes
        ((T + 1) × n × neurons × terms); `backward`, DELTA ((T + 2) × n × lanes) and per
        max/product group with a trainable weight its c_ik Δ_k (as the slopes). Made on the
        first call with this shape and kept (the last :attr:`KEPT` sets, each of at most
        :attr:`KEPT_BYTES`), so that their pages are touched once, not at every call. Memory
        stays linear in T × neurons × sequences."""
        kept = self.__dict__.setdefault("_kept", {})
        if (n, T, backward) in kept:
            return kept[n, T, backward]
        D = min(self.D, T)

        def per_group(made):
            return [[np.empty((T + 1, n, gate.hi - gate.lo, gate.n_terms))
                     if made(gate) else None for gate in level.gated]
                    for level in self.levels]

        if backward:
            arrays = (np.zeros((T + 2, n, self.P)), per_group(lambda gate: gate.trainable))
        else:
            arrays = (np.zeros((D + T + 1, n, self.P)), np.zeros((D + T + 1, n, self.P)),
                      per_group(lambda gate: True))
        size = sum(part.nbytes for part in _flat(arrays))
        if size <= self.KEPT_BYTES:
            if len(kept) >= self.KEPT:
                kept.pop(next(iter(kept)))
            kept[n, T, backward] = arrays
        return arrays

    def weights(self, w):
        """From θ (`w`, an array), per level: the blocks of W_d forward, (d, sources, matrix),
        from the sources that are not free and from those that are, and backward, (d,
        targets, matrix), and the weights of each max/product group's terms (one vector per
        part of its terms)."""
        return [([(d, cols, _matrix(w, block)) for d, cols, block in level.into],
                 [(d, cols, _matrix(w, block)) for d, cols, block in level.into_free],
                 [(d, cols, _matrix(w, block)) for d, cols, block in level.back],
                 [[w[part[5]] for part in gate.parts] for gate in level.gated])
                for level in self.levels]

    def forward(self, blocks, X, slopes_too=True):
        """A, IN (time × sequences × lanes, the first D + 1 times the initial state, D the
        longest delay but at most T: an older a_i is 0 all the same) and the max/product
        slopes, one array (time × sequences × neurons × terms) per group (without
        `slopes_too`, for a pass with no backward, they are left unwritten). The free levels
        and the free sources' part of the others' sums go first, over all the time steps at
        once; then the time steps, one after another."""
        n, T = X.shape[:2]
        D = min(self.D, T)
        A, IN, slopes = self.work(n, T)
        slopes_or_none = slopes if slopes_too else [None] * len(self.levels)
        IN[D + 1:] = 0.0  # (A's rows of t ≥ 1 are written whole; those of t ≤ 0 stay 0)
        A[D + 1:, :, 0] = 1.0
        A[D + 1:, :, self.inputs] = X.transpose(1, 0, 2)
        every = slice(1, T + 1)
        for L, level in enumerate(self.levels):
            if level.free:
                self._forward_level(level, blocks[L], A, IN, slopes_or_none[L], every, D)
            elif blocks[L][1]:
                _add_sums(IN[D + 1:, :, level.sums], blocks[L][1], A, _rows(every, D))
        stepped = [L for L, level in enumerate(self.levels) if not level.free]
        for t in range(1, T + 1):
            for L in stepped:
                self._forward_level(self.levels[L], blocks[L], A, IN, slopes_or_none[L], t, D)
            if len(self.group):
                A_t, z = A[D + t], IN[D + t][:, self.group]
                e = np.exp(z - z.max(axis=1, keepdims=True))
                A_t[:, self.group] = e / e.sum(axis=1, keepdims=True)
        return A, IN, slopes

    @staticmethod
    def _forward_level(level, blocks, A, IN, slopes, t, D):
        """in_j(t) and a_j(t) of one level, at the time step t or at the steps of a slice, and
        its max/product neurons' slopes into `slopes` (None: not needed)."""
        into, _, _, gate_w = blocks
        r = _rows(t, D)
        A_t, IN_t = A[r], IN[r]
        if into:
            # in_j(t) = Σ_d A(t − d)[:, sources] @ W_d[sources, j]
            _add_sums(IN_t[..., level.sums], into, A, r)
        for G, gate in enumerate(level.gated):
            # in_j(t) = max_i or Π_i of w_ij a_i(t − d_ij), and the slopes c_ij(t)
            both = np.empty(IN_t.shape[:-1] + (gate.hi - gate.lo, gate.n_terms))
            for (m, a, b, d, cols, _, _, _), w in zip(gate.parts, gate_w[G]):
                earlier = _earlier(A, r, d)
                if earlier is None:
                    both[..., a:b, m] = 0.0
                else:
                    np.multiply(earlier[..., cols], w, out=both[..., a:b, m])
            rows = both.reshape(-1, both.shape[-1])
            IN_t[..., gate.lo:gate.hi] = gate.combine.combine_rows(rows).reshape(both.shape[:-1])
            if slopes is not None:
                slopes[G][t] = gate.combine.slopes_rows(rows).reshape(both.shape)
        for g, g_array, lo, hi, _, _ in level.runs:
            # a_j(t) = g(in_j(t))
            A_t[..., lo:hi] = IN_t[..., lo:hi] if g.is_identity else g_array(IN_t[..., lo:hi])

    def loss(self, A, IN, Y, loss):
        """Σ over sequences and the time steps with a target of ℓ(y(t), a(t))."""
        first = A.shape[0] - Y.shape[1]  # the row of t = 1
        a, z = A[first:, :, self.output_cols], IN[first:, :, self.output_cols]
        given = ~np.isnan(Y[:, :, 0]).T  # (t − 1, e) with a target
        if given.all():
            y = Y.transpose(1, 0, 2).reshape(-1, Y.shape[2])
            a, z = a.reshape(len(y), -1), z.reshape(len(y), -1)
        else:
            steps, seqs = np.nonzero(given)
            if not len(steps):
                return 0.0
            y, a, z = Y[seqs, steps], a[steps, seqs], z[steps, seqs]
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

    def backward(self, blocks, A, IN, slopes, Y, loss, DELTA, sent, first=1, last=None):
        """Δ into `DELTA` (time × sequences × lanes) for the targets Y (n, T, outputs; NaN
        rows: none), through the time steps first … last (Δ = 0 outside: what lies later
        reads as 0). A neuron's lane gathers first the Σ w_jk c_jk Δ_k that max/product
        neurons k send back, then the sums from sum neurons, and is then multiplied by g′.
        The levels that are not free go time step by time step, from last down; then the
        free levels, in reverse, over all the steps at once. Per max/product group with a
        trainable weight, `sent` gets its c_ik Δ_k (time × sequences × neurons × terms)."""
        n, T = Y.shape[:2]
        D, last = A.shape[0] - T - 1, T if last is None else last
        DELTA[first:last + 1] = 0.0
        stepped = [L for L in range(len(self.levels) - 1, -1, -1) if not self.levels[L].free]
        steps = slice(first, last + 1)
        y_all, has_all, _ = targets = _targets(Y, steps)
        every_t = has_all.all(axis=(1, 2))
        for t in range(last, first - 1, -1):
            y, has, every = y_all[t - first], has_all[t - first], every_t[t - first]
            if len(self.group):
                r = D + t
                DELTA[t][:, self.group] = has * _group_deltas(A[r][:, self.group],
                                                              y[:, self.group_k], loss)
            for L in stepped:
                self._backward_level(self.levels[L], blocks[L], A, IN, slopes[L], sent[L],
                                     (y, has, every), loss, DELTA, t, first, last)
        for L in range(len(self.levels) - 1, -1, -1):
            if self.levels[L].free:
                self._backward_level(self.levels[L], blocks[L], A, IN, slopes[L], sent[L],
                                     targets, loss, DELTA, steps, first, last)

    @staticmethod
    def _backward_level(level, blocks, A, IN, slopes, sent, targets, loss, DELTA, t, first,
                        last):
        """Δ_j(t) of one level, at the time step t or at the steps of a slice (first …
        last), and what its max/product neurons send back."""
        (_, _, back, gate_w), (y, has, every) = blocks, targets
        r, start = _rows(t, A.shape[0] - DELTA.shape[0] + 1), level.start
        A_t, IN_t, delta_t = A[r], IN[r], DELTA[t]
        # what max/product neurons sent back, plus Σ_d Δ(t + d)[:, k] @ W_d[j, k]ᵀ
        total = delta_t[..., start:level.stop]
        for d, cols, W in back:
            if isinstance(t, slice):
                if d <= last - first:
                    later = DELTA[first + d:last + 1]
                    total[:len(total) - d] += (later.reshape(-1, later.shape[-1])[:, cols]
                                               @ W).reshape(later.shape[:-1] + (-1,))
            elif t + d <= last:
                total += DELTA[t + d][:, cols] @ W
        for g, _, lo, hi, out_pos, out_k in level.runs:
            # Δ_j(t) = g′(in_j(t)) Σ … (+ the loss's output Δ)
            a, z, delta = A_t[..., lo:hi], IN_t[..., lo:hi], delta_t[..., lo:hi]  # (Σ so far)
            if g.is_identity:  # g′ = 1
                g_prime = None
            else:
                g_prime = g.dg_from_a(a) if g.dg_from_a is not None else g.dg(z)
                delta *= g_prime
            if out_pos is not None:
                if g_prime is None:
                    g_prime = np.ones_like(z)
                out = loss.output_delta(y[..., out_k], a[..., out_pos], z[..., out_pos], g,
                                        g_prime[..., out_pos])
                delta[..., out_pos] += out if every else np.where(has, out, 0.0)
        for G, gate in enumerate(level.gated):
            weighted = slopes[G][t] * delta_t[..., gate.lo:gate.hi, None]  # c_ik Δ_k
            if sent[G] is not None:
                sent[G][t] = weighted
            for (m, a, b, d, cols, _, repeated, _), w in zip(gate.parts, gate_w[G]):
                if isinstance(t, slice):  # the steps t − d ≥ first
                    if d > last - first:
                        continue
                    into, back_m = DELTA[first:last + 1 - d], weighted[d:, ..., a:b, m] * w
                elif t - d >= first:
                    into, back_m = DELTA[t - d], weighted[..., a:b, m] * w
                else:
                    continue
                # w_ik c_ik Δ_k, sent back to a_i(t − d)
                if repeated:
                    np.add.at(into, (Ellipsis, cols), back_m)
                else:
                    into[..., cols] += back_m

    def gradient(self, A, DELTA, sent, grad, first=1, last=None):
        """Add ∂J/∂w_ij = Σ_t Δ_j(t) c_ij(t) a_i(t − d) (c_ij = 1 into a sum neuron), over
        the time steps first … last, to `grad` (over θ)."""
        n, T = A.shape[1], DELTA.shape[0] - 2
        D = A.shape[0] - T - 1
        last = T if last is None else last
        steps = last - first + 1
        deltas = DELTA[first:last + 1].reshape(steps * n, self.P)
        for L, level in enumerate(self.levels):
            for d, cols, rows, cols_, slots in level.gradient:
                if d >= last:  # a_i(t − d) = 0 for every t ≤ last
                    continue
                start = D + first - d
                sources = A[start:start + steps].reshape(steps * n, self.P)
                G = sources[:, cols].T @ deltas[:, level.sums]
                grad += np.bincount(slots, G[rows, cols_], minlength=len(grad))
            for G, gate in enumerate(level.gated):
                if sent[L][G] is None:
                    continue
                for m, a, b, d, cols, slots, _, mine in gate.parts:
                    if d >= last or not mine.any():
                        continue
                    start = D + first - d
                    sources = A[start:start + steps][:, :, cols]
                    terms = np.einsum("tek,tek->k", sent[L][G][first:last + 1, :, a:b, m],
                                      sources)
                    np.add.at(grad, slots[mine], terms[mine])
        return grad

    def run(self, w, X, Y, loss, truncate=None, gradient=True):
        """(Σ ℓ, Σ ∂ℓ/∂θ or None, outputs (n, T, outputs)) over the sequences X, Y."""
        blocks = self.weights(w)
        A, IN, slopes = self.forward(blocks, X, slopes_too=Y is not None and gradient)
        outputs = A[A.shape[0] - X.shape[1]:, :, self.output_cols].transpose(1, 0, 2).copy()
        if Y is None:
            return 0.0, None, outputs
        total = self.loss(A, IN, Y, loss)
        if not gradient:
            return total, None, outputs
        grad = np.zeros(self.trainable)
        n, T = Y.shape[:2]
        DELTA, sent = self.work(n, T, backward=True)
        if truncate is None:
            self.backward(blocks, A, IN, slopes, Y, loss, DELTA, sent)
            self.gradient(A, DELTA, sent, grad)
            return total, grad, outputs
        for tau in range(1, T + 1):  # truncated: each target time on its own
            if np.isnan(Y[:, tau - 1, 0]).all():
                continue
            only = np.full_like(Y, np.nan)
            only[:, tau - 1] = Y[:, tau - 1]
            first = max(1, tau - truncate + 1)
            self.backward(blocks, A, IN, slopes, only, loss, DELTA, sent, first, tau)
            self.gradient(A, DELTA, sent, grad, first, tau)
        return total, grad, outputs


def _flat(arrays):
    """The arrays in nested lists and tuples of arrays (and None)."""
    for part in arrays:
        if isinstance(part, np.ndarray):
            yield part
        elif part is not None:
            yield from _flat(part)


def _rows(t, D):
    """The rows of A and IN of the time step t, or of the steps of a slice."""
    return D + t if not isinstance(t, slice) else slice(D + t.start, D + t.stop)


def _earlier(A, r, d):
    """A's rows d time steps before the rows `r` (an index or a slice), or None where a slice
    reaches before the first row: a delay longer than the sequences, all of whose a_i(t − d)
    are the initial state's 0."""
    if not isinstance(r, slice):
        return A[max(r - d, 0)]
    return None if r.start < d else A[r.start - d:r.stop - d]


def _add_sums(z, blocks, A, r):
    """z += Σ_d A(t − d)[:, sources] @ W_d, for the rows `r` of A (many time steps: one
    product over all their rows)."""
    for d, cols, W in blocks:
        earlier = _earlier(A, r, d)
        if earlier is None:
            continue
        if earlier.ndim == 2:
            z += earlier[:, cols] @ W
        else:
            z += (earlier.reshape(-1, earlier.shape[-1])[:, cols] @ W).reshape(z.shape)


def _targets(Y, t):
    """y(t) (steps × sequences × outputs) for the time steps of the slice t, with 0 where a
    row has no target; which rows have one; whether all do."""
    y = Y[:, t.start - 1:t.stop - 1].transpose(1, 0, 2)
    has = ~np.isnan(y[..., :1])
    every = bool(has.all())
    return (y if every else np.where(has, y, 0.0)), has, every


def _matrix(w, block):
    rows, cols, slots, shape = block
    matrix = np.zeros(shape)
    matrix[rows, cols] = w[slots]  # (one edge i → j: no two entries meet)
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
