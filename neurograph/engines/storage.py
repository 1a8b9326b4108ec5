"""How a generation of the batch engine keeps its weights: one small class per storage path.

A generation's sum neurons keep their incoming edges (the bias edges apart) in one of
three forms, chosen once when the engine is compiled (see :mod:`neurograph.engines.layout`):

- :class:`Dense`, a weight block (sources × neurons) for BLAS products;
- :class:`EdgeList`, the edges sorted by target (gather, multiply, ``np.add.reduceat``);
- :class:`CsrRows`, a CSR matrix over the pass's neuron-major array (its neurons × every
  neuron), whose sources are read where they are; its weights are a view of one array
  shared by every such generation, which :class:`neurograph.engines.csr.CsrGenerations`
  steps and differentiates all at once.

Beside them, :class:`Bias` holds the bias edges and :class:`Gated` a max or product
neuron's terms w_ij a_i. Every class answers the same questions: its ``edges`` (in the
order of its :meth:`values`), :meth:`values`, :meth:`set_values`, :meth:`gradients` (Σ over
the batch of ∂ℓ/∂w for each edge), :meth:`step`; the edge forms also
compute the weighted sums (:meth:`weighted_sum`) and push Σ_k w_jk Δ_k back
(:meth:`sums`).
"""

from typing import NamedTuple

import numpy as np

from .reference import descend

__all__ = ["Bias", "CsrRows", "Dense", "EdgeList", "Gated", "PublicCsr", "Step",
           "descend_in_place"]


class Step(NamedTuple):
    """One SGD step on a mini-batch: its learning rate α, the batch's size |B| and the weight
    decay λ of the weights it steps (0 for biases that are not decayed)."""

    lr: float
    batch: int
    weight_decay: float


def descend_in_place(w, total, step, trained=None):
    """w ← :func:`~neurograph.engines.reference.descend` (w, g, α, 0) with the mini-batch's
    ∇J, g = Σ_e ∂ℓ_e/∂w / |B| + 2λw (`total` is the sum over the batch): the one update
    rule, in the arithmetic of the optimizers' step on θ (so the batch engine trains as the
    reference engine does), on an array of weights in place (other arrays may be views of
    it), for the entries where the boolean array `trained` is True (every entry when None)."""
    grad = total / step.batch
    if step.weight_decay:
        grad = grad + 2.0 * step.weight_decay * w
    new = descend(w, grad, step.lr, 0.0)
    if trained is None:
        w[...] = new
    else:
        np.copyto(w, new, where=trained)


class Edges:
    """The sum neurons' incoming edges of a generation (bias edges apart), in their order.

    `rows`: each edge's source, as a row of the generation's sources; `cols`: its target,
    as a column of the generation; `edges`: the Edge objects.
    """

    dense = False

    def __init__(self, rows, cols, edges, n_sources, width):
        self.rows, self.cols, self.edges = rows, cols, edges
        self.n_sources, self.width = n_sources, width
        self.trainable = np.array([not e.frozen for e in edges], dtype=bool)
        self.w = np.zeros(len(edges))

    def values(self):
        """Each edge's weight, in the order of :attr:`edges`."""
        return self.w

    def set_values(self, values):
        self.w[...] = values

    def copy(self):
        return self.w.copy()

    def restore(self, saved):
        self.w[...] = saved


class Dense(Edges):
    """The edges as a weight block W (sources × neurons), zero where there is no edge."""

    dense = True

    def __init__(self, rows, cols, edges, n_sources, width):
        super().__init__(rows, cols, edges, n_sources, width)
        self.W = np.zeros((n_sources, width))
        self.mask = np.zeros_like(self.W)
        self.mask[rows, cols] = self.trainable
        self.full = bool(self.mask.all())

    def values(self):
        return self.W[self.rows, self.cols]

    def set_values(self, values):
        self.W[self.rows, self.cols] = values

    def copy(self):
        return self.W.copy()

    def restore(self, saved):
        self.W[...] = saved

    def weighted_sum(self, source):
        """Σ_i w_ij a_i for every example (examples × neurons), the bias apart."""
        return source @ self.W

    def sum_rows(self, out, source):
        """:meth:`weighted_sum` written into `out`, the neurons' rows of a neuron-major array."""
        np.matmul(self.W.T, source.T, out=out)

    def sums(self, delta):
        """Σ_k w_jk Δ_k for each source (examples × sources)."""
        return delta @ self.W.T

    def sum_rows_back(self, delta):
        """:meth:`sums`, neuron-major (sources × examples)."""
        return self.W @ delta.T

    def gradients(self, source, delta):
        return (source.T @ delta)[self.rows, self.cols]

    def step(self, source, delta, step):
        """An SGD :class:`Step` of the trainable edges, Σ_e Δ_j a_i their summed gradient."""
        descend_in_place(self.W, source.T @ delta, step, None if self.full else self.mask > 0.0)


class EdgeList(Edges):
    """The edges sorted by target: a gather, a product and a sum by target (reduceat)."""

    def __init__(self, rows, cols, edges, n_sources, width):
        by_target = np.argsort(cols, kind="stable")
        rows, cols = rows[by_target], cols[by_target]
        super().__init__(rows, cols, [edges[e] for e in by_target], n_sources, width)
        self.targets_with_edges, self.starts = np.unique(cols, return_index=True)
        self.by_source = np.argsort(rows, kind="stable")
        self.sources_of_edges, self.source_starts = np.unique(rows[self.by_source],
                                                              return_index=True)

    def weighted_sum(self, source):
        z = np.zeros((source.shape[0], self.width))
        if self.edges:
            products = source[:, self.rows] * self.w
            z[:, self.targets_with_edges] = np.add.reduceat(products, self.starts, axis=1)
        return z

    def sums(self, delta):
        sums = np.zeros((delta.shape[0], self.n_sources))
        if self.edges:
            products = (delta[:, self.cols] * self.w)[:, self.by_source]
            sums[:, self.sources_of_edges] = np.add.reduceat(products, self.source_starts,
                                                             axis=1)
        return sums

    def gradients(self, source, delta):
        if not self.edges:
            return np.zeros(0)
        return np.einsum("be,be->e", source[:, self.rows], delta[:, self.cols])

    def step(self, source, delta, step):
        if self.edges:
            descend_in_place(self.w, self.gradients(source, delta), step, self.trainable)


class PublicCsr:
    """A CSR matrix whose entries are a view of `data` (updated in place), for
    :meth:`add_to`: scipy's public product, which leaves `data` as it is."""

    def __init__(self, data, columns, indptr, shape):
        from scipy.sparse import csr_matrix
        self.matrix = csr_matrix((data, columns, indptr), shape=shape, copy=False)
        self.matrix.data = data  # a view: the weights as they change

    def add_to(self, out, X):
        """out += matrix @ X."""
        out += self.matrix @ X


class CsrRows(Edges):
    """The edges as a CSR matrix (neurons × the pass's rows), by target then by source:
    in_j is read straight from the sources' rows of the pass's neuron-major array.

    `global_rows`: each edge's source as a row of that array; `weights`, `first`: the shared
    array its weights are a view of, and where they start in it.
    """

    def __init__(self, rows, cols, edges, n_sources, width, global_rows, total, weights,
                 first):
        order = np.lexsort((rows, cols))
        rows, cols = rows[order], cols[order]
        super().__init__(rows, cols, [edges[e] for e in order], n_sources, width)
        self.global_rows = global_rows[rows]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=width))])
        self.w = weights[first:first + len(self.edges)]
        self.flat = slice(first, first + len(self.edges))
        self.segments = [(slice(first + int(a), first + int(b)), self.global_rows[a:b], k)
                         for k, (a, b) in enumerate(zip(self.indptr[:-1], self.indptr[1:]))
                         if b > a]
        self.csr = PublicCsr(self.w, self.global_rows, self.indptr, (width, total))

    def sum_rows(self, out, A):
        """out += Σ_i w_ij a_i for its neurons' rows `out`, from A, the pass's every row."""
        self.csr.add_to(out, A)

    def edge_gradients(self, A, delta_rows, grad):
        """Σ over the batch of Δ_j a_i for each edge, into its places in `grad`: neuron by
        neuron, its sources' rows of A (neuron-major) times its row of Δ."""
        for where, rows, k in self.segments:
            np.matmul(A[rows], delta_rows[k], out=grad[where])


class Bias:
    """A generation's bias edges: b_j (a view of the engine's bias rows where it has them)."""

    def __init__(self, bias_edges, width, b=None):
        self.edges = [edge for _, edge in bias_edges]
        self.cols = np.array([t for t, _ in bias_edges], dtype=int)
        self.trainable = np.array([not e.frozen for e in self.edges], dtype=bool)
        self.b = np.zeros(width) if b is None else b
        self.mask = np.zeros(width)
        self.mask[self.cols] = self.trainable
        self.full = bool(self.mask.all())
        self.column = self.b[:, None]  # a view: the bias as a column, for neuron-major sums

    def values(self):
        return self.b[self.cols]

    def set_values(self, values):
        self.b[self.cols] = values

    def copy(self):
        return self.b.copy()

    def restore(self, saved):
        self.b[...] = saved

    def gradients(self, delta):
        return delta.sum(axis=0)[self.cols]

    def step(self, delta, step):
        descend_in_place(self.b, delta.sum(axis=0), step, None if self.full else self.mask > 0.0)


class Gated:
    """A max or product neuron of a generation, its terms w_ij a_i kept apart.

    :meth:`combine` returns the terms' a_i and slopes c_ij with in_j: the pass keeps them
    for :meth:`gradients` and :meth:`push_back`.
    """

    def __init__(self, column, aggregation, incoming, place, row):
        self.column, self.aggregation = column, aggregation
        self.edges = [edge for _, edge in incoming]  # ascending i: the bias edge first
        self.has_bias = bool(incoming) and incoming[0][0].id == 0
        self.rows = np.array([row[place[i.id]] for i, _ in incoming if i.id != 0], dtype=int)
        self.w = np.zeros(len(self.edges))

    def values(self):
        return self.w

    def set_values(self, values):
        self.w[...] = values

    def terms_inputs(self, source):
        """a_i of each term, one row per example (a_0 = 1 for the bias edge)."""
        a = source[:, self.rows]
        return np.column_stack([np.ones(len(source)), a]) if self.has_bias else a

    def combine(self, source):
        """(in_j for every example, (each term's a_i, its slope c_ij))."""
        a = self.terms_inputs(source)
        T = self.w * a
        return self.aggregation.combine_rows(T), (a, self.aggregation.slopes_rows(T))

    def gradients(self, delta, terms):
        """Σ over the batch of Δ_j a_i c_ij for each term."""
        a, C = terms
        return np.einsum("n,nd->d", delta[:, self.column], a * C)

    def push_back(self, delta, sums, terms):
        """Add w_ij c_ij Δ_j to each source's Σ (examples × sources)."""
        start = 1 if self.has_bias else 0
        sums[:, self.rows] += delta[:, [self.column]] * (self.w[start:] * terms[1][:, start:])
