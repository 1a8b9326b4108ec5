"""BPTT in numpy: a batch of sequences through time, one time step's levels at a time.

The same sums as :mod:`neurograph.engines.sequence` (the reference, which the tests hold this
to 1e-12), on arrays. The neurons are laid out in *lanes*: column 0 the bias neuron, then the
inputs, then the processing neurons level by level (a level: one more than the deepest
ordinary source), and within a level the sum neurons, then the max/product neurons, each
kind grouped by activation g. A level, a group of one activation, a group of max/product
neurons are so each a contiguous run of columns, read and written as slices, and the sources
of a block of weights are a slice too wherever they lie close together. ``A[D + t]`` is the
(sequences × lanes) matrix of a_j(t), rows ``A[0 … D]`` the zero initial state. A level's sum
neurons are one matrix product per delay d::

    IN(t)[:, L] = Σ_d A(t − d)[:, sources] @ W_d[sources, L]   (W_d: the edges of delay d)

Max and product neurons take their terms one term position at a time, through their
aggregation's array form. Backward, from t = T down, levels in reverse, one product per
delay for the whole level::

    Δ(t)[:, L] = g′(IN(t)[:, L]) ⊙ Σ_d Δ(t + d)[:, targets] @ W_d[L, targets]ᵀ
                 (+ the loss's output Δ, + what max/product neurons send back)

and ∂J/∂W_d = Σ_t A(t − d)ᵀ Δ(t), one product per level and delay over all the time steps at
once. The arrays are allocated once per call and reused from step to step; no unrolled graph
is built: memory is linear in T × neurons × sequences.
"""

import numpy as np

from .generation import array_function

__all__ = ["SequenceBatch", "sequence_batch"]


class Level:
    """One level's lanes (``start … stop``) and what computes them.

    Attributes
    ----------
    sums : slice
        The lanes of its sum neurons.
    into : list of (int, slice or array, tuple)
        Per delay d: the source lanes and the block (rows, cols, slots, shape) of W_d that
        feeds the sum neurons.
    gradient : list of (int, slice or array, array, array, array)
        The same blocks' trainable entries (d, sources, rows, cols, slots), for ∂J/∂W_d.
    gated : list of Gated
        Its max/product neurons, by aggregation, number of terms and the terms' delays.
    runs : list of (Activation, callable, int, int, array, array)
        Its neurons by activation (the softmax group's aside): g, g for arrays, the lanes
        lo … hi, and which of them are outputs (positions within the run, indices in y).
    back : list of (int, slice or array, tuple)
        Per delay d: the target lanes (sum neurons) and the block of W_d, (targets × level),
        that carries Δ back to the level.
    """

    def __init__(self, start, stop, sums):
        self.start, self.stop, self.sums = start, stop, sums
        self.into, self.gradient, self.gated, self.runs, self.back = [], [], [], [], []


class Gated:
    """Max or product neurons (lanes lo … hi) with as many terms each and the same delay at
    each term position m: per m, (d, source lanes, slots (one per neuron), whether a source
    lane repeats); `trainable` per m, the neurons whose term-m weight is a parameter."""

    def __init__(self, combine, lo, hi, terms, trainable):
        self.combine, self.lo, self.hi, self.terms, self.trainable = \
            combine, lo, hi, terms, trainable


class SequenceBatch:
    """A :class:`~neurograph.engines.sequence.SequencePlan` compiled to lanes and blocks.

    Attributes: `P` lanes, `D` the longest delay, `trainable` the number of parameters,
    `lane` (the lane of each of the plan's positions), `inputs` and `outputs` (lanes),
    `levels` (:class:`Level`), `group` and `group_k` (the softmax outputs' lanes and indices
    in y), `output_g` and `output_groups` (the outputs by activation, the group's aside).
    """

    def __init__(self, seq):
        self.seq, self.P, self.D = seq, seq.size, seq.longest
        self.trainable = seq.n_parameters
        depth = {}
        for j, _, rows, _ in seq.forward:
            depth[j] = 1 + max((depth[i] for i, _, d in rows if d == 0 and i in depth),
                               default=0)
        order = [0, *seq.inputs]
        grouped = {j for j, _ in seq.group}
        by_depth = {}
        for j, g, rows, combine in seq.forward:
            by_depth.setdefault(depth[j], []).append((j, g, rows, combine))
        gate_keys, g_keys = {}, {}
        spans = []
        for L in sorted(by_depth):
            members = by_depth[L]

            def key(member):
                j, g, rows, combine = member
                g_key = g_keys.setdefault(id(g) if j not in grouped else None, len(g_keys))
                if combine is None:
                    return (0, 0, g_key, j)
                shape = (id(combine), tuple(d for _, _, d in rows))
                return (1, gate_keys.setdefault(shape, len(gate_keys)), g_key, j)

            members.sort(key=key)
            spans.append((len(order), members, [key(m) for m in members]))
            order.extend(j for j, *_ in members)
        self.lane = np.empty(self.P, dtype=int)
        self.lane[order] = np.arange(self.P)
        lane = self.lane
        self.inputs = lane[seq.inputs]
        self.outputs = lane[seq.outputs]
        self.output_cols = _as_slice(self.outputs) or self.outputs
        y_index = {j: k for k, j in enumerate(seq.outputs)}
        out_edges = {}  # i → (d, lane of j, ij) of its edges into sum neurons
        for j, _, rows, combine in seq.forward:
            if combine is None:
                for i, ij, d in rows:
                    out_edges.setdefault(i, []).append((d, lane[j], ij))
        self.levels = []
        for start, members, keys in spans:
            stop = start + len(members)
            n_sums = sum(1 for m in members if m[3] is None)
            level = Level(start, stop, slice(start, start + n_sums))
            edges = [(lane[i], start + c, ij, d) for c, (_, _, rows, combine) in
                     enumerate(members) if combine is None for i, ij, d in rows]
            level.into = _blocks(edges, start, n_sums)
            for d, cols, (rows, cols_, slots, _) in level.into:
                mine = slots < self.trainable
                if mine.any():
                    level.gradient.append((d, cols, rows[mine], cols_[mine], slots[mine]))
            c = n_sums
            while c < len(members):
                end = c
                while end < len(members) and keys[end][:2] == keys[c][:2]:
                    end += 1
                level.gated.append(self._gated(members[c:end], start + c, start + end))
                c = end
            c = 0
            while c < len(members):
                end = c
                while end < len(members) and keys[end][:3] == keys[c][:3]:
                    end += 1
                j, g = members[c][0], members[c][1]
                if j not in grouped:
                    outs = [(p, y_index[members[c + p][0]]) for p in range(end - c)
                            if members[c + p][0] in y_index]
                    level.runs.append((g, array_function(g), start + c, start + end,
                                       np.array([p for p, _ in outs], dtype=int),
                                       np.array([k for _, k in outs], dtype=int)))
                c = end
            level.back = _blocks([(t_lane, lane[i], ij, d) for i in (m[0] for m in members)
                                  for d, t_lane, ij in out_edges.get(i, ())],
                                 start, stop - start)
            self.levels.append(level)
        self.output_g = seq.output_g
        by_g = {}
        for k, g in enumerate(seq.output_g):
            if not g.group:
                by_g.setdefault(g, []).append(k)
        self.output_groups = [(g, np.array(ks)) for g, ks in by_g.items()]
        self.group = np.array([lane[j] for j, _ in seq.group], dtype=int)
        self.group_k = np.array([k for _, k in seq.group], dtype=int)

    def _gated(self, members, lo, hi):
        terms, trainable = [], []
        for m in range(len(members[0][2])):
            sources = np.array([self.lane[rows[m][0]] for _, _, rows, _ in members], dtype=int)
            slots = np.array([rows[m][1] for _, _, rows, _ in members], dtype=int)
            cols = _as_slice(sources) or sources
            terms.append((members[0][2][m][2], cols, slots,
                          len(np.unique(sources)) < len(sources)))
            trainable.append(slots < self.trainable)
        return Gated(members[0][3], lo, hi, terms, trainable)

    def weights(self, w):
        """From θ (`w`, an array), per level: the blocks of W_d forward, (d, sources, matrix),
        and backward, (d, targets, matrix), and the weights of each max/product group's terms
        (one vector per term position)."""
        return [([(d, cols, _matrix(w, block)) for d, cols, block in level.into],
                 [(d, cols, _matrix(w, block)) for d, cols, block in level.back],
                 [[w[slots] for _, _, slots, _ in gate.terms] for gate in level.gated])
                for level in self.levels]

    def forward(self, blocks, X):
        """A, IN (time × sequences × lanes, the first D + 1 times the initial state, D the
        longest delay but at most T: an older a_i is 0 all the same) and the max/product
        slopes, one array (time × sequences × neurons × terms) per group."""
        n, T = X.shape[:2]
        D = min(self.D, T)
        A = np.zeros((D + T + 1, n, self.P))
        IN = np.zeros((D + T + 1, n, self.P))
        A[D + 1:, :, 0] = 1.0
        A[D + 1:, :, self.inputs] = X.transpose(1, 0, 2)
        slopes = [[np.empty((T + 1, n, gate.hi - gate.lo, len(gate.terms)))
                   for gate in level.gated] for level in self.levels]
        terms = [[np.empty((n, gate.hi - gate.lo, len(gate.terms))) for gate in level.gated]
                 for level in self.levels]
        for t in range(1, T + 1):
            r = D + t
            A_t, IN_t = A[r], IN[r]
            for L, level in enumerate(self.levels):
                into, _, gate_w = blocks[L]
                if into:
                    # in_j(t) = Σ_d A(t − d)[:, sources] @ W_d[sources, j]
                    z = IN_t[:, level.sums]
                    for k, (d, cols, W) in enumerate(into):
                        product = A[max(r - d, 0)][:, cols] @ W
                        if k:
                            z += product
                        else:
                            z[...] = product
                for G, gate in enumerate(level.gated):
                    # in_j(t) = max_i or Π_i of w_ij a_i(t − d_ij), and the slopes c_ij(t)
                    both = terms[L][G]
                    for m, (d, cols, _, _) in enumerate(gate.terms):
                        np.multiply(A[max(r - d, 0)][:, cols], gate_w[G][m], out=both[:, :, m])
                    rows = both.reshape(-1, both.shape[2])
                    IN_t[:, gate.lo:gate.hi] = gate.combine.combine_rows(rows).reshape(n, -1)
                    slopes[L][G][t] = gate.combine.slopes_rows(rows).reshape(both.shape)
                for g, g_array, lo, hi, _, _ in level.runs:
                    A_t[:, lo:hi] = IN_t[:, lo:hi] if g.is_identity else g_array(IN_t[:, lo:hi])
            if len(self.group):
                z = IN_t[:, self.group]
                e = np.exp(z - z.max(axis=1, keepdims=True))
                A_t[:, self.group] = e / e.sum(axis=1, keepdims=True)
        return A, IN, slopes

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

    def backward(self, blocks, A, IN, slopes, Y, loss, DELTA, BACK, first=1, last=None):
        """Δ into `DELTA` (time × sequences × lanes) for the targets Y (n, T, outputs; NaN
        rows: none), through the time steps first … last (Δ = 0 outside: a later row reads
        as row T + 1, which stays 0); `BACK` gathers Σ w_jk c_jk Δ_k sent back by max/product
        neurons k. Returns, per max/product group, c_ik Δ_k (time × sequences × neurons ×
        terms) where a term's weight is trainable, else None."""
        n, T = Y.shape[:2]
        D, last = A.shape[0] - T - 1, T if last is None else last
        DELTA[first:last + 1] = 0.0
        BACK[first:last + 1] = 0.0
        sent = [[np.zeros((T + 1, n, gate.hi - gate.lo, len(gate.terms)))
                 if any(mine.any() for mine in gate.trainable) else None
                 for gate in level.gated] for level in self.levels]
        for t in range(last, first - 1, -1):
            r, y = D + t, Y[:, t - 1]
            has = ~np.isnan(y[:, :1])  # (n × 1): the sequences with a target at t
            every = has.all()
            if not every:
                y = np.where(has, y, 0.0)
            delta_t, A_t, IN_t = DELTA[t], A[r], IN[r]
            if len(self.group):
                delta_t[:, self.group] = has * _group_deltas(A_t[:, self.group],
                                                             y[:, self.group_k], loss)
            for L in range(len(self.levels) - 1, -1, -1):
                level, (_, back, gate_w) = self.levels[L], blocks[L]
                start = level.start
                # Σ_d Δ(t + d)[:, k] @ W_d[j, k]ᵀ, plus what max/product neurons sent back
                total = BACK[t][:, start:level.stop]
                for d, cols, W in back:
                    later = t + d if t + d <= last else T + 1
                    total += DELTA[later][:, cols] @ W
                for g, _, lo, hi, out_pos, out_k in level.runs:
                    # Δ_j(t) = g′(in_j(t)) Σ … (+ the loss's output Δ)
                    a, z = A_t[:, lo:hi], IN_t[:, lo:hi]
                    delta = delta_t[:, lo:hi]
                    if g.is_identity:  # g′ = 1
                        g_prime = None
                        delta[...] = total[:, lo - start:hi - start]
                    else:
                        g_prime = g.dg_from_a(a) if g.dg_from_a is not None else g.dg(z)
                        np.multiply(g_prime, total[:, lo - start:hi - start], out=delta)
                    if len(out_pos):
                        if g_prime is None:
                            g_prime = np.ones_like(z)
                        out = loss.output_delta(y[:, out_k], a[:, out_pos], z[:, out_pos], g,
                                                g_prime[:, out_pos])
                        delta[:, out_pos] += out if every else np.where(has, out, 0.0)
                for G, gate in enumerate(level.gated):
                    weighted = slopes[L][G][t] * delta_t[:, gate.lo:gate.hi, None]  # c_ik Δ_k
                    if sent[L][G] is not None:
                        sent[L][G][t] = weighted
                    for m, (d, cols, _, repeated) in enumerate(gate.terms):
                        if t - d < first:
                            continue
                        back_m = weighted[:, :, m] * gate_w[G][m]  # w_ik c_ik Δ_k
                        if repeated:
                            np.add.at(BACK[t - d], (slice(None), cols), back_m)
                        else:
                            BACK[t - d][:, cols] += back_m
        return sent

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
                for m, (d, cols, slots, _) in enumerate(gate.terms):
                    mine = gate.trainable[m]
                    if d >= last or not mine.any():
                        continue
                    start = D + first - d
                    sources = A[start:start + steps][:, :, cols]
                    terms = np.einsum("tek,tek->k", sent[L][G][first:last + 1, :, :, m],
                                      sources)
                    np.add.at(grad, slots[mine], terms[mine])
        return grad

    def run(self, w, X, Y, loss, truncate=None, gradient=True):
        """(Σ ℓ, Σ ∂ℓ/∂θ or None, outputs (n, T, outputs)) over the sequences X, Y."""
        blocks = self.weights(w)
        A, IN, slopes = self.forward(blocks, X)
        outputs = A[A.shape[0] - X.shape[1]:, :, self.output_cols].transpose(1, 0, 2).copy()
        if Y is None:
            return 0.0, None, outputs
        total = self.loss(A, IN, Y, loss)
        if not gradient:
            return total, None, outputs
        grad = np.zeros(self.trainable)
        n, T = Y.shape[:2]
        DELTA, BACK = np.zeros((T + 2, n, self.P)), np.zeros((T + 2, n, self.P))
        if truncate is None:
            sent = self.backward(blocks, A, IN, slopes, Y, loss, DELTA, BACK)
            self.gradient(A, DELTA, sent, grad)
            return total, grad, outputs
        for tau in range(1, T + 1):  # truncated: each target time on its own
            if np.isnan(Y[:, tau - 1, 0]).all():
                continue
            only = np.full_like(Y, np.nan)
            only[:, tau - 1] = Y[:, tau - 1]
            first = max(1, tau - truncate + 1)
            sent = self.backward(blocks, A, IN, slopes, only, loss, DELTA, BACK, first, tau)
            self.gradient(A, DELTA, sent, grad, first, tau)
        return total, grad, outputs


def _as_slice(lanes):
    """`lanes` (sorted, distinct, consecutive) as a slice, else None."""
    if len(lanes) and np.array_equal(lanes, np.arange(lanes[0], lanes[0] + len(lanes))):
        return slice(int(lanes[0]), int(lanes[0]) + len(lanes))
    return None


def _blocks(edges, start, size):
    """Blocks of weights, one per delay d, of `edges` (i, c, ij, d): i the other side's lane,
    c this side's lane (`size` lanes from `start`). Each block is (d, the other side's lanes, (rows, cols, slots, shape)),
    rows indexing the other side's lanes and cols this side's: the other side's lanes are
    a slice when they span at most twice their number (the lanes between get zero rows),
    else an array of the lanes."""
    by_delay = {}
    for i, c, ij, d in edges:
        by_delay.setdefault(d, []).append((i, c - start, ij))
    blocks = []
    for d, group in sorted(by_delay.items()):
        ids = sorted({i for i, _, _ in group})
        if ids[-1] - ids[0] + 1 <= 2 * len(ids):
            cols = slice(ids[0], ids[-1] + 1)
            at = {i: i - ids[0] for i in ids}
            height = ids[-1] - ids[0] + 1
        else:
            cols, at, height = np.array(ids), {i: p for p, i in enumerate(ids)}, len(ids)
        rows = np.array([at[i] for i, _, _ in group], dtype=int)
        here = np.array([c for _, c, _ in group], dtype=int)
        slots = np.array([ij for _, _, ij in group], dtype=int)
        blocks.append((d, cols, (rows, here, slots, (height, size))))
    return blocks


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
