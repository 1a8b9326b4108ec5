"""The batch engine: propagation.py's arithmetic for many examples at once, with numpy.

The network is compiled once per structure into topological generations: each
generation is a set of processing neurons whose sources all come earlier, so a
whole generation's in_j for a whole batch is one product of the sources'
activations with a weight block — a dense matrix (BLAS) where the generation's
edges are dense, an edge list (gather, multiply, ``np.add.reduceat``) where they
are sparse. Backpropagation runs the generations in reverse with the transposed
blocks. Columns are ordered bias, inputs, then each generation in turn, so that
every generation is a contiguous slice.

Weights are read from the edges at the start of every call (so any change to
``net.w`` is seen) and written back when training ends. Tested equal to the
reference engine to 1e-10 on random non-layered DAGs.
"""

import numpy as np

from . import activations

__all__ = ["BatchEngine", "BatchRunner", "compile_batch"]

DENSE_ABOVE = 0.1  # a generation whose edges fill more of its block than this is dense
def quiet():
    """Like Python floats: an overflow gives inf quietly (fit reports a non-finite cost)."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _derivative(g):
    """g′ as a function of (a, in): from a where the lecture writes it so (bitwise the same)."""
    if g.g is activations.logistic:
        return lambda a, z: a * (1.0 - a)
    if g.g is activations.tanh:
        return lambda a, z: 1.0 - a * a
    return lambda a, z: g.dg(z)


class _Generation:
    """One topological generation: its target columns, weights and activation groups."""

    def __init__(self, targets, edges, column, neurons):
        self.start, self.stop = targets[0], targets[-1] + 1  # contiguous target columns
        self.width = self.stop - self.start
        self.groups = {}
        for local, j in enumerate(neurons):
            self.groups.setdefault(j.activation, []).append(local)
        self.groups = [(g, _derivative(g), np.array(cols) if len(cols) < self.width
                        else slice(None)) for g, cols in self.groups.items()]
        self.bias_edges = [(column_j - self.start, edge) for column_i, column_j, edge in edges
                           if column_i == 0]
        self.edges = [(column_i, column_j - self.start, edge) for column_i, column_j, edge
                      in edges if column_i != 0]
        sources = sorted({i for i, _, _ in self.edges})
        self.sources = (slice(sources[0], sources[-1] + 1)
                        if sources and sources == list(range(sources[0], sources[-1] + 1))
                        else np.array(sources, dtype=int))
        n_sources = len(sources)
        self.dense = bool(self.edges) and len(self.edges) > DENSE_ABOVE * n_sources * self.width
        position = {i: k for k, i in enumerate(sources)}
        if self.dense:
            self.rows = np.array([position[i] for i, _, _ in self.edges], dtype=int)
        else:  # edges sorted by target for the forward sums, by source for the backward ones
            order = sorted(range(len(self.edges)), key=lambda e: self.edges[e][1])
            self.edges = [self.edges[e] for e in order]
            self.source_cols = np.array([i for i, _, _ in self.edges], dtype=int)
        self.cols = np.array([t for _, t, _ in self.edges], dtype=int)
        self.n_sources = n_sources
        if not self.dense and self.edges:
            self.targets_with_edges, self.starts = np.unique(self.cols, return_index=True)
            self.by_source = np.argsort(self.source_cols, kind="stable")
            self.sources_of_edges, self.source_starts = np.unique(
                self.source_cols[self.by_source], return_index=True)
        self.bias_cols = np.array([t for t, _ in self.bias_edges], dtype=int)
        self.trainable = np.array([not e.get("frozen") for _, _, e in self.edges], dtype=bool)
        self.bias_trainable = np.array([not e.get("frozen") for _, e in self.bias_edges],
                                       dtype=bool)

    def read_weights(self):
        """Weights from the edges into this generation's arrays."""
        w = np.array([e["weight"] for _, _, e in self.edges])
        if self.dense:
            self.W = np.zeros((self.n_sources, self.width))
            self.W[self.rows, self.cols] = w
            self.mask = np.zeros_like(self.W)
            self.mask[self.rows, self.cols] = self.trainable
            self.full = bool(self.mask.all())
        else:
            self.w = w
        self.b = np.zeros(self.width)
        self.b[self.bias_cols] = [e["weight"] for _, e in self.bias_edges]
        self.b_mask = np.zeros(self.width)
        self.b_mask[self.bias_cols] = self.bias_trainable

    def write_weights(self):
        values = self.W[self.rows, self.cols] if self.dense else self.w
        for (_, _, edge), w_ij in zip(self.edges, values.tolist()):
            edge["weight"] = w_ij
        for (_, edge), w_ij in zip(self.bias_edges, self.b[self.bias_cols].tolist()):
            edge["weight"] = w_ij

    def weighted_sum(self, A):
        """in_j for this generation's neurons, for every example: Σ_i w_ij a_i."""
        if self.dense:
            z = A[:, self.sources] @ self.W
        else:
            z = np.zeros((A.shape[0], self.width))
            if self.edges:
                products = A[:, self.source_cols] * self.w
                z[:, self.targets_with_edges] = np.add.reduceat(products, self.starts, axis=1)
        return z + self.b

    def push_back(self, D, S):
        """Add Σ_k w_jk Δ_k, over this generation's incoming edges, to the sources' sums S."""
        if self.dense:
            S[:, self.sources] += D @ self.W.T
        elif self.edges:
            products = (D[:, self.cols] * self.w)[:, self.by_source]
            S[:, self.sources_of_edges] += np.add.reduceat(products, self.source_starts, axis=1)

    def step(self, A, D, lr, batch, decay, bias_decay):
        """w_ij ← w_ij − α (1/|B|) Σ_e Δ_j a_i − 2αλ w_ij, for the trainable edges."""
        if self.dense:
            grad = A[:, self.sources].T @ D
            change = lr * (grad / batch) + decay * self.W
            self.W -= change if self.full else change * self.mask
        elif self.edges:
            grad = np.einsum("be,be->e", A[:, self.source_cols], D[:, self.cols])
            self.w -= (lr * (grad / batch) + decay * self.w) * self.trainable
        grad_b = D.sum(axis=0)
        self.b -= (lr * (grad_b / batch) + bias_decay * self.b) * self.b_mask

    def penalty(self, decay_bias):
        weights = self.W[self.rows, self.cols] if self.dense else self.w
        total = float(np.sum(weights[self.trainable] ** 2))
        if decay_bias:
            total += float(np.sum(self.b[self.bias_cols][self.bias_trainable] ** 2))
        return total


class BatchEngine:
    """A network compiled for batches; built by :func:`compile_batch`."""

    def __init__(self, net):
        plan = net._compiled()
        processing = [neuron for neuron, _ in plan.forward]
        level = {neuron.id: 0 for neuron in plan.inputs}
        level[0] = 0
        for neuron, incoming in plan.forward:
            level[neuron.id] = 1 + max((level[i.id] for i, _ in incoming if i.id != 0), default=0)
        place = {j: k for k, j in enumerate(plan.order)}
        ordered = sorted(processing, key=lambda n: (level[n.id], place[n.id]))
        self.column = {0: 0}
        for k, neuron in enumerate(plan.inputs, start=1):
            self.column[neuron.id] = k
        for k, neuron in enumerate(ordered, start=len(plan.inputs) + 1):
            self.column[neuron.id] = k
        self.n_columns = len(self.column)
        self.n_inputs = len(plan.inputs)
        incoming = {neuron.id: edges for neuron, edges in plan.forward}
        self.generations = []
        for depth in sorted({level[n.id] for n in ordered}):
            members = [n for n in ordered if level[n.id] == depth]
            edges = [(self.column[i.id], self.column[n.id], edge) for n in members
                     for i, edge in incoming[n.id]]
            self.generations.append(_Generation([self.column[n.id] for n in members], edges,
                                                self.column, members))
        self.outputs = np.array([self.column[n.id] for n in plan.outputs], dtype=int)
        self.output_neurons = plan.outputs
        self.output_groups = {}
        for k, neuron in enumerate(plan.outputs):
            self.output_groups.setdefault(neuron.activation, []).append(k)
        # the reference engine's dropout order: hidden neurons in topological order
        self.hidden = np.array([self.column[n.id] for n in processing if n.kind == "hidden"],
                               dtype=int)

    def read_weights(self):
        for generation in self.generations:
            generation.read_weights()

    def write_weights(self):
        for generation in self.generations:
            generation.write_weights()

    def forward(self, X, keep=None):
        """(IN, A) for a batch: the in_j and a_j of every column, one row per example.

        `keep` multiplies the hidden columns' outputs: dropout's 0 or 1/(1 − p), so that
        a_j = s g(in_j) and, in :meth:`backward`, Δ_j = s g′(in_j) Σ_k w_jk Δ_k.
        """
        batch = X.shape[0]
        A = np.empty((batch, self.n_columns))
        IN = np.zeros((batch, self.n_columns))
        A[:, 0] = 1.0
        A[:, 1:1 + self.n_inputs] = X
        self.scale = self.unscaled = None
        if keep is not None:
            self.scale = np.ones((batch, self.n_columns))
            self.scale[:, self.hidden] = keep
            self.unscaled = np.empty_like(A)  # g(in_j) before scaling, for g′
        for gen in self.generations:
            z = gen.weighted_sum(A)
            IN[:, gen.start:gen.stop] = z
            out = A[:, gen.start:gen.stop]
            for g, _, cols in gen.groups:
                out[:, cols] = g.g(z[:, cols])
            if self.scale is not None:
                self.unscaled[:, gen.start:gen.stop] = out
                out *= self.scale[:, gen.start:gen.stop]
        return IN, A

    def backward(self, Y, loss, IN, A):
        """Δ of every column (one row per example), after :meth:`forward`."""
        if loss.check is not None:
            for g, ks in self.output_groups.items():
                loss.check(Y[:, ks], A[:, self.outputs[ks]], g)
        D = np.zeros_like(A)
        S = np.zeros_like(A)  # Σ_k w_jk Δ_k for every column j, filled in reverse
        for gen in reversed(self.generations):
            cols = slice(gen.start, gen.stop)
            z = IN[:, cols]
            a = A[:, cols] if self.scale is None else self.unscaled[:, cols]
            delta = D[:, cols]
            for _, dg, local in gen.groups:
                delta[:, local] = dg(a[:, local], z[:, local]) * S[:, cols][:, local]
            if self.scale is not None:
                delta *= self.scale[:, cols]
            for g, ks in self.output_groups.items():
                columns = self.outputs[ks]
                inside = (columns >= gen.start) & (columns < gen.stop)
                if inside.any():
                    c = columns[inside]
                    y = Y[:, np.array(ks)[inside]]
                    D[:, c] += loss.delta(y, A[:, c], IN[:, c], g)
            gen.push_back(D[:, cols], S)
        return D

    def losses(self, Y, loss, IN, A):
        """ℓ of every example (a vector)."""
        total = np.zeros(Y.shape[0])
        for g, ks in self.output_groups.items():
            c = self.outputs[ks]
            total += np.sum(loss.value(Y[:, ks], A[:, c], IN[:, c], g), axis=1)
        return total

    def step(self, A, D, lr, batch, weight_decay, decay_bias):
        decay = 2.0 * lr * weight_decay
        for gen in self.generations:
            cols = slice(gen.start, gen.stop)
            gen.step(A, D[:, cols], lr, batch, decay, decay if decay_bias else 0.0)

    def penalty(self, decay_bias):
        return sum(gen.penalty(decay_bias) for gen in self.generations)

    def outputs_of(self, A):
        return A[:, self.outputs]


def compile_batch(net):
    """The network's batch engine, cached until its structure changes; weights re-read."""
    cached = getattr(net, "_batch", None)
    if cached is None or cached[0] is not net._compiled():
        cached = (net._compiled(), BatchEngine(net))
        net._batch = cached
    engine = cached[1]
    engine.read_weights()
    return engine


class BatchRunner:
    """Training steps and evaluation by the batch engine (see training.fit).

    Dropout draws the same random numbers in the same order as the reference
    engine: one row of len(hidden) per example, hidden neurons in topological order.
    """

    def __init__(self, net, X, Y, loss, dropout, rng):
        self.engine, self.X, self.Y, self.loss = compile_batch(net), X, Y, loss
        self.dropout, self.rng = dropout, rng

    def update(self, indices, lr, weight_decay, decay_bias):
        X, Y = self.X[indices], self.Y[indices]
        keep = None
        if self.dropout:
            drawn = self.rng.random((len(indices), len(self.engine.hidden)))
            keep = (drawn >= self.dropout) * (1.0 / (1.0 - self.dropout))
        with quiet():
            IN, A = self.engine.forward(X, keep)
            D = self.engine.backward(Y, self.loss, IN, A)
            self.engine.step(A, D, lr, len(indices), weight_decay, decay_bias)

    def evaluate(self, X, Y):
        """(mean ℓ, the largest |y_k − a_k|, the outputs) on X (None: the training set)."""
        X = self.X if X is None else X
        with quiet():
            IN, A = self.engine.forward(X)
            outputs = self.engine.outputs_of(A)
            return (float(np.mean(self.engine.losses(Y, self.loss, IN, A))),
                    float(np.max(np.abs(Y - outputs))), outputs)

    def penalty(self, decay_bias):
        return self.engine.penalty(decay_bias)

    def snapshot(self):
        return [(g.W.copy() if g.dense else g.w.copy(), g.b.copy())
                for g in self.engine.generations]

    def restore(self, saved):
        for g, (w, b) in zip(self.engine.generations, saved):
            if g.dense:
                g.W[...] = w
            else:
                g.w[...] = w
            g.b[...] = b

    def finish(self):
        self.engine.write_weights()

    def close(self):
        """Nothing to undo: the network's activations were never swapped."""
