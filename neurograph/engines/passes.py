"""The batch engine's forward and backward passes, and the state one hands the other.

:meth:`Propagation.forward` returns a :class:`Pass`: in_j and a_j as lists of blocks (block
0: the inputs), with what the backward pass, the gradient, the update and batch norm's
running averages need (the sources read, dropout's scales, batch statistics, the
max/product neurons' terms). :meth:`Propagation.backward` takes it and returns the
:class:`Deltas`. Nothing of a pass is kept on the engine.
"""

import sys

import numpy as np

from ..errors import NetworkError

__all__ = ["Buffers", "Deltas", "Pass", "Propagation"]


class Buffers:
    """The passes' neuron-major arrays, used again once nothing refers to them.

    A pass's arrays are its own while any of it (or a view of them) is alive; once every
    reference is gone, the next pass of the same size writes into them rather than into
    fresh memory, which the system would zero page by page (measured: a tenth to a
    quarter of a thin DAG's batch).
    """

    def __init__(self):
        self.arrays = {}

    def empty(self, shape):
        """An array of `shape`, uninitialized: a free one if there is one."""
        arrays = self.arrays.setdefault(shape, [])
        for array in arrays:
            # referred to by the list, this loop and getrefcount's argument only: free
            if sys.getrefcount(array) == 3:
                return array
        array = np.empty(shape)
        if len(arrays) < 8:
            arrays.append(array)
        return array

    def zeros(self, shape):
        array = self.empty(shape)
        array.fill(0.0)
        return array


class Pass:
    """One forward pass: :attr:`IN` and :attr:`A` (lists of blocks, examples × neurons),
    and the state the later steps read. Unpacks as ``IN, A``.

    Attributes
    ----------
    rows : ndarray or None
        A DAG that is not layered: every a_j, a row per neuron (A's blocks are its views).
    sources : list
        Each generation's sources (examples × sources), or None where they were gathered
        (gathered again when needed: memory stays that of the activations).
    scale, unscaled : dict
        Dropout: {block: its scale s}, {block: a_j before it}.
    raw : dict
        {block: a_j before batch norm}.
    statistics : dict
        {block: the batch's (mean, var, √(ε + σ²), x̂)} (a training pass).
    terms : dict
        {block: each max/product neuron's (a_i, c_ij)}.
    train : bool
        Batch norm used the batch's statistics.
    """

    def __init__(self, train):
        self.IN = self.A = self.rows = None
        self.sources, self.terms = [], {}
        self.scale, self.unscaled, self.raw, self.statistics = {}, {}, {}, {}
        self.train = train

    def __iter__(self):
        return iter((self.IN, self.A))


class Deltas(list):
    """A backward pass's Δ: blocks (examples × neurons, block 0 None), with :attr:`rows`
    (a DAG that is not layered: every Δ_j, a row per neuron, the blocks its views) and
    :attr:`norms` ({block: (∂J/∂γ_j, ∂J/∂β_j)})."""

    rows = None

    def __init__(self, blocks):
        super().__init__(blocks)
        self.norms = {}


class Propagation:
    """The passes, for :class:`neurograph.engines.batch.BatchEngine` (its compiled arrays)."""

    def forward(self, X, keep=None, train=False):
        """A :class:`Pass` (``IN, A = engine.forward(X)``): in_j and a_j, a row per example.

        `keep` (n × hidden neurons) multiplies the hidden neurons' outputs: dropout's
        0 or 1/(1 − p), so that a_j = s g(in_j) and Δ_j = s g′(in_j) Σ_k w_jk Δ_k.
        Batch-normalized neurons use the batch's statistics with `train` (kept for
        :meth:`remember`), else their running averages.
        """
        P = Pass(train)
        if self.layered:  # each generation fed by one whole earlier block: a list of blocks
            IN, A = [None], [X]
            for b, gen in enumerate(self.generations, start=1):
                source = A[gen.layer]
                P.sources.append(source)
                if gen.plain_dense:
                    z = source @ gen.weights.W
                    z += gen.bias.b
                else:
                    z, P.terms[b] = gen.weighted_sum(source)
                IN.append(z)
                A.append(self._activate(P, gen, b, z, keep))
        else:
            IN, A = self._forward_rows(P, X, keep)
        if self.group and self.group_block is None:  # the softmax outputs, together
            Z = np.column_stack([IN[b][:, c] for b, c in self.group])
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            G = E / E.sum(axis=1, keepdims=True)
            for m, (b, c) in enumerate(self.group):
                A[b][:, c] = G[:, m]
        P.IN, P.A = IN, A
        return P

    def _forward_rows(self, P, X, keep):
        """The forward pass in one array a row per neuron: a generation gathers its sources
        (whole rows) in one step, wherever in the DAG they are."""
        n, p = X.shape
        A_all, IN_all = self.buffers.empty((self.total, n)), self.buffers.empty((self.total, n))
        A_all[:p] = X.T
        P.rows = A_all
        for b, gen in enumerate(self.generations, start=1):
            source = gen.sources(A_all)
            P.sources.append(source if gen.contiguous else None)
            if gen.csr:  # the sources' rows read where they are, summed into its rows
                zT = IN_all[gen.span]
                zT[...] = gen.bias.column
                gen.weights.sum_rows(zT, A_all)
                z = zT.T
            elif gen.plain_dense:  # one product, written straight into its rows
                zT = IN_all[gen.span]
                gen.weights.sum_rows(zT, source)
                zT += gen.bias.column
                z = zT.T
            else:
                z, P.terms[b] = gen.weighted_sum(source)
                IN_all[gen.span] = z.T
            A_all[gen.span] = self._activate(P, gen, b, z, keep).T
        IN, A = self.blocks(IN_all), self.blocks(A_all)
        IN[0] = None
        return IN, A

    def _activate(self, P, gen, b, z, keep):
        """a_j = g(in_j) for a generation (then batch norm, then dropout's scale)."""
        if gen.function is not None:
            a = gen.function(z)
        else:
            a = np.empty_like(z)
            for _, function, _, cols in gen.groups:
                a[:, cols] = function(z[:, cols])
        if gen.norm is not None:
            P.raw[b] = a
            a, statistics = gen.norm.normalize(a, P.train)
            if statistics is not None:
                P.statistics[b] = statistics
        if keep is not None and b in self.hidden_by_block:
            which, columns = self.hidden_by_block[b]
            scale = np.ones_like(a)
            scale[:, columns] = keep[:, which]
            P.scale[b], P.unscaled[b] = scale, a
            a = a * scale
        return a

    def kept_sources(self, P):
        """Each generation's sources in the pass `P` (examples × sources), one at a time."""
        for gen, source in zip(self.generations, P.sources):
            yield gen.sources(P.rows) if source is None else source

    def blocks(self, M):
        """A pass's neuron-major array as a list of views (examples × neurons), one per block."""
        return [M[span].T for span in self.spans]

    def targets_check(self, Y, loss):
        """Check every target at once when the check needs no outputs (all the outputs are
        softmax ones); True if it did, so that :meth:`backward` may skip it."""
        if loss.check is None:
            return True
        if len(self.group) != len(self.output_places):
            return False
        for gen in self.generations:
            for g, _, _, ks in gen.outputs:
                loss.check(Y[:, ks], np.ones_like(Y[:, ks]), g)  # (softmax: a is not read)
        return True

    def group_deltas(self, Y, loss, A, sums_to_one=False):
        """Δ of the softmax outputs (n × outputs, their columns filled): a_k (∂ℓ/∂a_k −
        Σ_m a_m ∂ℓ/∂a_m), for cross-entropy a_k Σ_m y_m − y_k."""
        if self.group_block is not None:
            G = A[self.group_block]
        else:
            G = np.column_stack([A[b][:, c] for b, c in self.group])
        y = Y if self.group_is_y else Y[:, self.group_ks]
        if loss.exact_for == "softmax":
            deltas = G - y if sums_to_one else G * y.sum(axis=1, keepdims=True) - y
        else:
            if loss.error is None:
                raise NetworkError(f"loss {loss.name!r} gives no ∂ℓ/∂a_k, which softmax "
                                   f"outputs need")
            e = loss.error(y, G)
            deltas = G * (e - np.sum(G * e, axis=1, keepdims=True))
        if self.group_is_y:
            return deltas
        out = np.zeros_like(Y)
        out[:, self.group_ks] = deltas
        return out

    def first_overflow(self, IN):
        """(example, neuron id) of the first sum in_j that overflowed (±∞ or NaN), or None.

        Examples are searched in order, and within one the neurons in topological order,
        as the reference engine meets them.
        """
        bad = None
        for b, z in enumerate(IN[1:], start=1):
            rows = ~np.isfinite(z).all(axis=1)
            if rows.any():
                row = int(np.argmax(rows))
                if bad is None or row < bad[0]:
                    bad = (row, b)
        if bad is None:
            return None
        row, _ = bad
        ids = {place: j for j, place in self.place.items()}
        columns = [(ids[(b, c)], b, c) for b, z in enumerate(IN[1:], start=1)
                   for c in range(z.shape[1]) if not np.isfinite(z[row, c])]
        order = {j: k for k, j in enumerate(self.order)}
        return row, min(columns, key=lambda item: order[item[0]])[0]

    def backward(self, P, Y, loss, checked=False, sums_to_one=False, extra=None):
        """The :class:`Deltas` of the forward pass `P` (block 0, the inputs, has none).

        `checked`: the loss's check has passed already for these targets (see
        :meth:`targets_check`); `sums_to_one`: every row of Y sums to exactly 1, so the
        softmax outputs' cross-entropy Δ_k = a_k Σ_m y_m − y_k is a_k − y_k, bit for bit.
        `extra`: ``{block: (columns, values)}`` added to those neurons' Σ_k w_jk Δ_k for every
        example (the sparsity penalty's ∂/∂a_j).
        """
        IN, A = P.IN, P.A
        if loss.check is not None and not checked:  # refuse before any Δ is computed
            for b, gen in enumerate(self.generations, start=1):
                for g, _, local, ks in gen.outputs:
                    loss.check(Y[:, ks], A[b][:, local], g)
        extra = extra or {}
        grouped = self.group_deltas(Y, loss, A, sums_to_one) if self.group else None
        if P.raw and not P.train:
            raise NetworkError("backpropagation through batch normalization needs a training "
                               "forward pass (batch statistics)")
        if self.layered:  # Σ_k w_jk Δ_k by block: {block: n × width}, absent until reached
            S, D = {}, Deltas([None] * len(A))
            for b in range(len(self.generations), 0, -1):
                gen = self.generations[b - 1]
                if b in extra:
                    columns, values = extra[b]
                    S.setdefault(b, np.zeros_like(IN[b]))[:, columns] += values
                D[b] = delta = self._delta(P, D, b, gen, S.get(b), Y, loss, grouped)
                gen.push_layer(delta, S, P.terms.get(b, ()))
            return D
        n = Y.shape[0]
        S_all = self.buffers.zeros((self.total, n))  # Σ_k w_jk Δ_k of every neuron, a row each
        reached = np.zeros(len(self.generations) + 1, dtype=bool)  # blocks with any of those
        D_all = self.buffers.empty((self.total, n))  # every block but the inputs' is written
        D = Deltas(self.blocks(D_all))
        D[0], D.rows = None, D_all
        if self.csr is not None:  # the pulling matrices' weights, now
            self.csr.refresh()
        for b in range(len(self.generations), 0, -1):
            gen = self.generations[b - 1]
            if b in extra:
                columns, values = extra[b]
                S_all[gen.span].T[:, columns] += values
                reached[b] = True
            if self.csr is not None and b in self.csr.pulls:  # over edges into CSR rows
                self.csr.pulls[b].add_to(S_all[gen.span], D_all)
                reached[b] = True
            S = S_all[gen.span].T if reached[b] else None
            delta = self._delta(P, D, b, gen, S, Y, loss, grouped)
            D_all[gen.span] = delta.T
            gen.push_back(delta, S_all, reached, P.terms.get(b, ()))
        return D

    def _delta(self, P, D, b, gen, S, Y, loss, grouped):
        """Δ_j of generation b from S, its Σ_k w_jk Δ_k (None: nothing reaches it), and the
        loss; batch norm's ∂J/∂γ_j and ∂J/∂β_j into D.norms."""
        z, a = P.IN[b], P.raw.get(b, P.unscaled.get(b, P.A[b]))
        if gen.norm is not None:
            cols = gen.norm.cols
            if S is not None:
                S[:, cols], dgamma, dbeta = gen.norm.denormalize(S[:, cols], P.statistics[b])
                D.norms[b] = (dgamma, dbeta)
            else:
                D.norms[b] = (np.zeros(len(cols)), np.zeros(len(cols)))
        if S is None and gen.only_outputs:  # outputs feeding nothing: the loss's Δ
            g, dg, local, ks = gen.outputs[0]
            return grouped[:, ks] if g.group else loss.output_delta(Y[:, ks], a, z, g, dg(a, z))
        if S is None:  # no outgoing edges
            delta = np.zeros_like(z)
        elif len(gen.groups) == 1:
            delta = gen.groups[0][2](a, z) * S
        else:
            delta = np.empty_like(z)
            for _, _, dg, cols in gen.groups:
                delta[:, cols] = dg(a[:, cols], z[:, cols]) * S[:, cols]
        if b in P.scale:
            delta *= P.scale[b]
        for g, dg, local, ks in gen.outputs:
            if g.group:  # softmax outputs feed nothing: their Δ is the group's
                delta[:, local] = grouped[:, ks]
            else:
                delta[:, local] += loss.output_delta(Y[:, ks], a[:, local], z[:, local], g,
                                                     dg(a[:, local], z[:, local]))
        return delta

    def losses(self, Y, loss, IN, A):
        """ℓ of every example (a vector)."""
        total = np.zeros(Y.shape[0])
        exact_group = bool(self.group) and loss.exact_for == "softmax"
        for b, gen in enumerate(self.generations, start=1):
            for g, _, local, ks in gen.outputs:
                if not (g.group and exact_group):
                    total += np.sum(loss.value(Y[:, ks], A[b][:, local], IN[b][:, local], g),
                                    axis=1)
        if exact_group:  # −Σ_k y_k log a_k, from in_k: exact when saturated
            Z = IN[self.group_block] if self.group_block is not None else \
                np.column_stack([IN[b][:, c] for b, c in self.group])
            top = Z.max(axis=1, keepdims=True)
            log_total = top + np.log(np.exp(Z - top).sum(axis=1, keepdims=True))
            total -= np.sum(Y[:, self.group_ks] * (Z - log_total), axis=1)
        return total

    def outputs_of(self, A):
        if self.output_block is not None:
            return A[self.output_block]
        out = np.empty((A[0].shape[0], len(self.output_places)))
        for b, columns, ks in self.output_groups:  # one gather per block
            out[:, ks] = A[b][:, columns]
        return out
