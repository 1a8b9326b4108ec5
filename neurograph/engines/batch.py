"""The batch engine: propagation.py's arithmetic for many examples at once, with numpy.

The network is compiled once per structure into topological generations: each
generation is a set of processing neurons whose sources all come earlier, so a
whole generation's in_j for a whole batch is one product of its sources'
activations with a weight block — a dense matrix (BLAS) where the generation's
edges are dense, an edge list (gather, multiply, ``np.add.reduceat``) where they
are sparse. Backpropagation runs the generations in reverse with the transposed
blocks. A layered network keeps its activations as a list of blocks, one per
generation (block 0: the inputs), each layer reading the one before with no copying;
its plainest form (the lectures' layers) takes one fused pass per SGD batch
(:meth:`BatchEngine.sgd_layers`). Any other DAG keeps one array per pass, a row per
neuron, generation after generation, so a generation gathers its sources and pushes
its Σ w Δ back in one step each: every generation touches only its own edges and
sources, and the cost grows with the edges, however deep the DAG.

Random DAGs are deep and their generations thin (a few neurons, few shared sources),
where gathering sources into a block costs more than the product. There (with scipy, by
the measured costs below) a generation is a CSR matrix over the pass's rows: in_j is
read straight from the sources' rows, and the backward pass *pulls*: each generation's
Σ_k w_jk Δ_k is one CSR product of its outgoing edges with the rows of Δ. Their ∂J/∂w_ij
come neuron by neuron (its sources' rows times its Δ row) or, for a run of consecutive
generations, from one BLAS product with the rows their sources span, whichever costs less
for the batch at hand; their weights and every bias are stepped all at once.

Weights are read from the edges at the start of every call (so any change to
``net.w`` is seen) and written back when training ends. Tested equal to the
reference engine to 1e-12 on random non-layered DAGs.
"""

import math
from operator import attrgetter

import numpy as np

from ..errors import NetworkError

try:  # optional: sparse generations of deep DAGs (the batch engine works without it)
    from scipy.sparse import csr_matrix
except ImportError:  # pragma: no cover - exercised by forcing SPARSE off in the tests
    csr_matrix = None
try:  # the kernel behind scipy's csr_matrix @ dense, called directly (see Sparse.add_to)
    from scipy.sparse._sparsetools import csr_matvecs as CSR_KERNEL
except ImportError:  # pragma: no cover - exercised by setting CSR_KERNEL to None in the tests
    CSR_KERNEL = None

__all__ = ["BatchEngine", "compile_batch", "quiet"]

# A generation whose edges fill more than this share of its block (sources × neurons) is
# stored dense: measured by scripts/bench.py, a BLAS product beats gathering edge by edge
# from about 1% up, and the two are even below it.
DENSE_ABOVE = 0.01
# A DAG that is not layered reads a generation's sources straight from the pass's array,
# a row per edge (a CSR product, scipy's), where that costs less than gathering them into
# a block: thin generations with few shared sources, the deep DAGs' kind. The costs are
# nanoseconds per example of forward, backward and gradient together, measured by
# scripts/bench.py (section 3c) on this project's 2-core machine: per edge for the CSR
# path; per source row, and per entry of the block (sources × width, a BLAS product, by
# its width), for the dense one.
SPARSE = csr_matrix is not None
CSR_PER_EDGE = 1.3
DENSE_PER_ROW = 2.0
# Below this many edges a generation's products take microseconds either way, and the CSR
# path's extra calls (a gradient per neuron) make it no faster: it stays as it is.
MIN_SPARSE_EDGES = 32
# The sparse generations' ∂J/∂w: neuron by neuron (its sources' rows times its row of Δ), or
# for consecutive generations together as one BLAS product with the rows their sources span
# (whole: the entries that are not edges are computed and dropped), whichever costs less
# for the batch at hand: ns per edge and example, and per call.
GRADIENT_PER_EDGE = 0.6
PER_NEURON_CALL = 2000.0
PER_BLOCK_CALL = 10000.0
GROUP_WIDTH = 64


class Sparse:
    """A CSR matrix (rows × the pass's rows) whose entries are a view of the engine's
    weights, for :meth:`add_to`."""

    def __init__(self, data, columns, indptr, shape):
        self.matrix = csr_matrix((data, columns, indptr), shape=shape, copy=False)
        self.matrix.data = data  # updated in place with the weights
        m = self.matrix
        self.arguments = (m.shape[0], m.shape[1], m.indptr, m.indices, m.data)

    def add_to(self, out, X):
        """out += matrix @ X, for neuron-major arrays.

        A thin generation's product is a few microseconds of work, so scipy's own kernel
        is called straight into `out`'s rows where both arrays are C-contiguous (its public
        product costs as much again in checks and a new array); scipy's public product
        otherwise, or where the kernel is not found. Tested equal either way.
        """
        if CSR_KERNEL is not None and X.flags.c_contiguous and out.flags.c_contiguous:
            rows, columns, indptr, indices, data = self.arguments
            CSR_KERNEL(rows, columns, X.shape[1], indptr, indices, data, X.ravel(),
                       out.ravel())
        else:
            out += self.matrix @ X


def _per_entry(width):
    """ns per example for each entry of a BLAS product's block, by the block's width: a
    product a few rows wide runs at about a tenth of the speed of a wide one."""
    return 0.25 if width < 8 else 0.1 if width < 32 else 0.05
WEIGHT = attrgetter("weight")


def quiet():
    """Like Python floats: an overflow gives inf quietly (fit reports a non-finite cost)."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _function(g):
    """g for arrays: the activation's fast form where it has one (the logistic's textbook
    1/(1 + e^(−in_j)), within an ulp of the stable form; the tests hold the engines equal
    to 1e-12)."""
    return g.fast or g.g


def _derivative(g):
    """g′ as a function of (a, in): from a where the lecture writes it so (bitwise the same)."""
    if g.dg_from_a is not None:
        return lambda a, z: g.dg_from_a(a)
    return lambda a, z: g.dg(z)


class _Generation:
    """One topological generation: its neurons, its weights, where its sources are.

    Sum neurons' edges form the weight block (dense or an edge list) and the bias vector;
    each max/product neuron keeps its terms apart (:class:`_Gated`); batch-normalized
    neurons are listed with their BatchNorm.
    """

    def __init__(self, members, incoming, place, g_of, aggregation_of, norm_of):
        self.width = len(members)
        local = {n.id: k for k, n in enumerate(members)}
        groups = {}
        for k, n in enumerate(members):
            groups.setdefault(g_of[n], []).append(k)
        whole = len(groups) == 1
        self.groups = [(g, _function(g), _derivative(g),
                        slice(None) if whole else np.array(cols)) for g, cols in groups.items()]
        self.outputs = []  # (g, g′(a, in), local columns, columns of Y): set by BatchEngine
        gated = {n.id for n in members if aggregation_of[n] is not None}
        edges = [(i, local[n.id], edge) for n in members if n.id not in gated
                 for i, edge in incoming[n.id]]
        self.bias_edges = [(t, edge) for i, t, edge in edges if i.id == 0]
        self.edges = [(place[i.id], t, edge) for i, t, edge in edges if i.id != 0]
        # the sources, in the order of the weight block's rows: by block, then column
        sources = {s for s, _, _ in self.edges}
        sources.update(place[i.id] for n in members if n.id in gated
                       for i, _ in incoming[n.id] if i.id != 0)
        self.source_list = sorted(sources)
        row = {s: r for r, s in enumerate(self.source_list)}
        self.gated = [_Gated(local[n.id], aggregation_of[n], incoming[n.id], place, row)
                      for n in members if n.id in gated]
        norms = [(local[n.id], norm_of[n]) for n in members if norm_of[n] is not None]
        self.norm_cols = np.array([c for c, _ in norms], dtype=int)
        self.norms = [norm for _, norm in norms]
        by_block = {}  # one pass over the sources (they are sorted by block, then column)
        for b, c in self.source_list:
            by_block.setdefault(b, []).append(c)
        self.pieces = [(b, np.array(columns)) for b, columns in by_block.items()]
        self.n_sources = len(self.source_list)
        self.dense = (bool(self.edges)
                      and len(self.edges) > DENSE_ABOVE * self.n_sources * self.width)
        self.rows = np.array([row[s] for s, _, _ in self.edges], dtype=int)
        self.cols = np.array([t for _, t, _ in self.edges], dtype=int)
        if not self.dense and self.edges:
            by_target = np.argsort(self.cols, kind="stable")
            self.edges = [self.edges[e] for e in by_target]
            self.rows, self.cols = self.rows[by_target], self.cols[by_target]
            self.targets_with_edges, self.starts = np.unique(self.cols, return_index=True)
            self.by_source = np.argsort(self.rows, kind="stable")
            self.sources_of_edges, self.source_starts = np.unique(self.rows[self.by_source],
                                                                  return_index=True)
        self.bias_cols = np.array([t for t, _ in self.bias_edges], dtype=int)
        self.trainable = np.array([not e.frozen for _, _, e in self.edges], dtype=bool)
        self.bias_trainable = np.array([not e.frozen for _, e in self.bias_edges], dtype=bool)
        self.edge_slots = self.mask = self.w = self.b = self.csr = self.pull = None
        self.sparse = False

    def slot_edges(self):
        """Every Edge of this generation, in the order of :meth:`slot_values`."""
        if self.edge_slots is None:
            self.edge_slots = ([e for _, _, e in self.edges] + [e for _, e in self.bias_edges]
                          + [e for gated in self.gated for e in gated.edges])
        return self.edge_slots

    def slot_values(self):
        """Every edge's weight as held in the arrays, in the order of :meth:`slot_edges`."""
        parts = [self.W[self.rows, self.cols] if self.dense else self.w, self.b[self.bias_cols]]
        parts += [gated.w for gated in self.gated]
        return np.concatenate(parts) if parts else np.zeros(0)

    def set_slot_values(self, values):
        """Put weights (in the order of :meth:`slot_edges`) into the arrays."""
        n, m = len(self.edges), len(self.bias_edges)
        if self.dense:
            self.W[self.rows, self.cols] = values[:n]
        else:
            self.w[...] = values[:n]
        self.b[self.bias_cols] = values[n:n + m]
        first = n + m
        for gated in self.gated:
            gated.w[...] = values[first:first + len(gated.w)]
            first += len(gated.w)

    def slot_gradients(self, source, delta, edge_grad=None):
        """Σ over the batch of each edge's Δ_j a_i c_ij, in the order of :meth:`slot_edges`
        (a sparse generation's are in `edge_grad`, :meth:`BatchEngine.sparse_gradients`)."""
        if self.dense:
            grad = (source.T @ delta)[self.rows, self.cols]
        elif self.sparse:  # the engine's, for all sparse generations at once
            grad = edge_grad[self.flat]
        elif self.edges:
            grad = np.einsum("be,be->e", source[:, self.rows], delta[:, self.cols])
        else:
            grad = np.zeros(0)
        parts = [grad, delta.sum(axis=0)[self.bias_cols]]
        parts += [gated.gradients(source, delta) for gated in self.gated]
        return np.concatenate(parts)

    def sparse_pays(self):
        """Whether reading this generation's sources edge by edge (CSR) costs less than
        gathering them into a block, by the costs measured (see CSR_PER_EDGE)."""
        if not self.edges or len(self.edges) < MIN_SPARSE_EDGES or self.gated:
            return False
        if not self.dense:  # an edge list: CSR reads the same rows without copying them
            return True
        dense = self.n_sources * (DENSE_PER_ROW + self.width * _per_entry(self.width))
        return len(self.edges) * CSR_PER_EDGE < dense

    def make_sparse(self, total):
        """Store this generation as a CSR matrix (neurons × the pass's rows), its edges in
        the matrix's order: by target, then by source. Its sources are read from the pass's
        array where they are (no gathering); the backward pass pulls each source's
        Σ_k w_jk Δ_k through :attr:`pull` (see BatchEngine.link_sparse)."""
        order = np.lexsort((self.rows, self.cols))
        self.edges = [self.edges[e] for e in order]
        self.rows, self.cols = self.rows[order], self.cols[order]
        self.trainable = self.trainable[order]
        self.sparse, self.dense, self.plain_dense = True, False, False
        self.total = total
        counts = np.bincount(self.cols, minlength=self.width)
        self.indptr = np.concatenate([[0], np.cumsum(counts)])
        self.global_rows = self.global_sources[self.rows]
        self.edge_slots = None

    def place_sparse(self, weights, first):
        """Keep this sparse generation's weights in `weights` from `first` on (a view)."""
        self.w = weights[first:first + len(self.edges)]
        self.flat = slice(first, first + len(self.edges))
        self.segments = [(slice(first + int(a), first + int(b)), self.global_rows[a:b], k)
                         for k, (a, b) in enumerate(zip(self.indptr[:-1], self.indptr[1:]))
                         if b > a]

    def edge_gradients(self, A, delta_rows, grad):
        """Σ over the batch of Δ_j a_i for each edge of a sparse generation, into its places
        in `grad`: neuron by neuron, its sources' rows of A (neuron-major) times its row of Δ."""
        for where, rows, k in self.segments:
            np.matmul(A[rows], delta_rows[k], out=grad[where])

    def set_columns(self, offsets, block):
        """Where this generation (block number `block`, from 1) and its sources stand in a
        pass's neuron-major array of activations."""
        self.block = block
        self.span = slice(offsets[block], offsets[block + 1])
        self.plain_dense = self.dense and not self.gated
        self.function = self.groups[0][1] if len(self.groups) == 1 else None
        self.inputs_only = all(b == 0 for b, _ in self.pieces)
        self.source_blocks = np.array([b for b, _ in self.pieces if b], dtype=int)
        columns = np.array([offsets[b] + c for b, c in self.source_list], dtype=int)
        self.global_sources = columns
        self.contiguous = bool(len(columns)) and columns[-1] - columns[0] + 1 == len(columns)
        if self.contiguous:
            self.source_columns = slice(int(columns[0]), int(columns[-1]) + 1)  # a view
        else:
            self.source_columns = columns
        # a layer: the sources are one whole earlier block, in order (read with no copy)
        self.layer = (self.pieces[0][0] if len(self.pieces) == 1 and self.contiguous
                      and len(columns) == offsets[self.pieces[0][0] + 1]
                      - offsets[self.pieces[0][0]] else None)
        # the blocks the sources come from: one index where they are one block (a layer)
        self.source_blocks = (int(self.source_blocks[0]) if len(self.source_blocks) == 1
                              else self.source_blocks)

    def read_weights(self):
        """Weights from the edges into this generation's arrays."""
        edges = self.slot_edges()
        if self.mask is None:  # which entries train: fixed until the structure changes
            self.W = np.zeros((self.n_sources, self.width)) if self.dense else None
            if self.b is None:  # (in a DAG that is not layered, a view of the engine's)
                self.b = np.zeros(self.width)
            if self.dense:
                self.mask = np.zeros_like(self.W)
                self.mask[self.rows, self.cols] = self.trainable
                self.full = bool(self.mask.all())
            else:
                self.mask = self.trainable
            self.b_mask = np.zeros(self.width)
            self.b_mask[self.bias_cols] = self.bias_trainable
            self.b_full = bool(self.b_mask.all())
            for gated in self.gated:
                gated.w = np.zeros(len(gated.edges))
            if not self.dense and self.w is None:  # (a sparse one's is the engine's view)
                self.w = np.zeros(len(self.edges))
            if self.sparse:  # the matrix's data is self.w itself: updated in place
                self.csr = Sparse(self.w, self.global_rows, self.indptr,
                                  (self.width, self.total))
        self.set_slot_values(np.fromiter(map(WEIGHT, edges), float, len(edges)))
        self.b_column = self.b[:, None]  # a view: the bias as a column, for neuron-major sums
        self.gamma = np.array([norm.gamma for norm in self.norms])
        self.beta = np.array([norm.beta for norm in self.norms])

    def write_weights(self):
        for edge, w_ij in zip(self.slot_edges(), self.slot_values().tolist()):
            edge.weight = w_ij
        for norm, gamma, beta in zip(self.norms, self.gamma.tolist(), self.beta.tolist()):
            norm.gamma, norm.beta = gamma, beta

    def sources(self, A):
        """The sources' activations (examples × sources) from the pass's neuron-major array;
        a sparse generation reads that array itself."""
        return A if self.sparse else A[self.source_columns].T

    def weighted_sum(self, source):
        """in_j for this generation's neurons, for every example: Σ_i w_ij a_i."""
        if self.dense:
            z = source @ self.W + self.b
        else:
            z = np.zeros((source.shape[0], self.width))
            if self.edges:
                products = source[:, self.rows] * self.w
                z[:, self.targets_with_edges] = np.add.reduceat(products, self.starts, axis=1)
            z += self.b
        for gated in self.gated:  # max/product neurons: in_j = max or Π of w_ij a_i
            z[:, gated.column] = gated.combine(source)
        return z

    def push_back(self, delta, S, reached):
        """Add Σ_k w_jk Δ_k, over this generation's incoming edges, to the sources' sums S
        (the pass's neuron-major array, a row per neuron), and mark their blocks in `reached`.

        The inputs need no Δ: a generation fed by the inputs alone pushes nothing.
        """
        if self.inputs_only or self.sparse:  # (a sparse generation's sources pull)
            return
        if self.dense and not self.gated:  # neuron-major from the start: rows added whole
            S[self.source_columns] += self.W @ delta.T
            reached[self.source_blocks] = True
            return
        S[self.source_columns] += self._sums(delta).T  # neuron-major: whole rows (the sources are distinct)
        reached[self.source_blocks] = True

    def push_layer(self, delta, S):
        """:meth:`push_back` for a layered network: S is {block: n × width}."""
        if self.layer == 0:
            return
        if self.dense and not self.gated:
            sums = delta @ self.W.T
        else:
            sums = self._sums(delta)
        if self.layer in S:
            S[self.layer] += sums
        else:
            S[self.layer] = sums

    def _sums(self, delta):
        """Σ_k w_jk c_jk Δ_k for each source, one row per example."""
        if self.dense:
            sums = delta @ self.W.T
        else:
            sums = np.zeros((delta.shape[0], self.n_sources))
            if self.edges:
                products = (delta[:, self.cols] * self.w)[:, self.by_source]
                sums[:, self.sources_of_edges] = np.add.reduceat(products, self.source_starts,
                                                                 axis=1)
        for gated in self.gated:  # w_jk c_jk Δ_k into a max/product neuron k
            gated.push_back(delta, sums)
        return sums

    def step(self, source, delta, lr, batch, decay, bias_decay, bias=True):
        """w_ij ← w_ij − α (1/|B|) Σ_e Δ_j a_i − 2αλ w_ij, for the trainable edges (the bias
        edges too unless `bias` is False: the engine steps them together then)."""
        rate = lr / batch
        if self.dense:
            change = source.T @ delta
            change *= rate
            if decay:
                change += decay * self.W
            self.W -= change if self.full else change * self.mask
        elif self.edges and not self.sparse:  # (the engine steps the sparse ones together)
            grad = np.einsum("be,be->e", source[:, self.rows], delta[:, self.cols])
            self.w -= (grad * rate + decay * self.w) * self.trainable
        if not bias:
            return
        change = delta.sum(axis=0)
        change *= rate
        if bias_decay:
            change += bias_decay * self.b
        self.b -= change if self.b_full else change * self.b_mask

    def penalty(self, decay_bias):
        weights = self.W[self.rows, self.cols] if self.dense else self.w
        total = float(np.sum(weights[self.trainable] ** 2))
        if decay_bias:
            total += float(np.sum(self.b[self.bias_cols][self.bias_trainable] ** 2))
        return total


class _Gated:
    """A max or product neuron of a generation, its terms w_ij a_i kept apart."""

    def __init__(self, column, aggregation, incoming, place, row):
        self.column, self.aggregation = column, aggregation
        self.edges = [edge for _, edge in incoming]  # ascending i: the bias edge first
        self.has_bias = bool(incoming) and incoming[0][0].id == 0
        self.rows = np.array([row[place[i.id]] for i, _ in incoming if i.id != 0], dtype=int)

    def terms_inputs(self, source):
        """a_i of each term, one row per example (a_0 = 1 for the bias edge)."""
        a = source[:, self.rows]
        return np.column_stack([np.ones(len(source)), a]) if self.has_bias else a

    def combine(self, source):
        """in_j for every example; keeps each term's a_i and slope c_ij for the backward pass."""
        self.a = self.terms_inputs(source)
        T = self.w * self.a
        self.C = self.aggregation.slopes_rows(T)
        return self.aggregation.combine_rows(T)

    def gradients(self, source, delta):
        """Σ over the batch of Δ_j a_i c_ij for each term."""
        return np.einsum("n,nd->d", delta[:, self.column], self.a * self.C)

    def push_back(self, delta, sums):
        start = 1 if self.has_bias else 0
        sums[:, self.rows] += delta[:, [self.column]] * (self.w[start:] * self.C[:, start:])


class BatchEngine:
    """A network compiled for batches; built by :func:`compile_batch`.

    Activations are a list of blocks: block 0 the inputs (n × p), block g + 1 the
    outputs of generation g. :attr:`place` gives each neuron's (block, column).
    """

    def __init__(self, plan, sparse=True):
        self.order = plan.order
        processing = [neuron for neuron, *_ in plan.forward]
        g_of = {neuron: g for neuron, g, *_ in plan.forward}
        level = plan.depth  # a generation is the neurons of one depth
        order = {j: k for k, j in enumerate(plan.order)}
        self.place = {neuron.id: (0, k) for k, neuron in enumerate(plan.inputs)}
        by_depth = {}  # one pass over the neurons, whatever the depth
        for neuron in processing:
            by_depth.setdefault(level[neuron.id], []).append(neuron)
        generations = [sorted(by_depth[d], key=lambda n: order[n.id]) for d in sorted(by_depth)]
        for b, members in enumerate(generations, start=1):
            for k, neuron in enumerate(members):
                self.place[neuron.id] = (b, k)
        incoming = {neuron.id: edges for neuron, _, edges, *_ in plan.forward}
        aggregation_of = {neuron: combine for neuron, _, _, combine, _ in plan.forward}
        norm_of = {neuron: norm for neuron, _, _, _, norm in plan.forward}
        self.generations = [_Generation(members, incoming, self.place, g_of, aggregation_of,
                                        norm_of) for members in generations]
        self.plain = plan.plain
        sizes = [len(plan.inputs)] + [len(members) for members in generations]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        self.total = self.offsets[-1]
        self.spans = [slice(a, b) for a, b in zip(self.offsets, self.offsets[1:])]
        for b, gen in enumerate(self.generations, start=1):
            gen.set_columns(self.offsets, b)
        self.layered = all(gen.layer is not None for gen in self.generations)
        if not self.layered:  # every bias in one array, a row per neuron, stepped at once
            self.bias, self.bias_mask = np.zeros(self.total), np.zeros(self.total)
            for gen in self.generations:
                gen.b = self.bias[gen.span]
                self.bias_mask[gen.span.start + gen.bias_cols] = gen.bias_trainable
        self.link_sparse(sparse)
        self._place_theta(plan)
        outputs_by_block = {}
        for k, neuron in enumerate(plan.outputs):
            b, column = self.place[neuron.id]
            outputs_by_block.setdefault(b, {}).setdefault(g_of[neuron], []).append((column, k))
        for b, gen in enumerate(self.generations, start=1):
            by_activation = outputs_by_block.get(b, {})
            gen.outputs = [(g, _derivative(g), _index([c for c, _ in pairs], gen.width),
                            _index([k for _, k in pairs], len(plan.outputs)))
                           for g, pairs in by_activation.items()]
            gen.only_outputs = (len(gen.outputs) == 1 and isinstance(gen.outputs[0][2], slice)
                                and gen.outputs[0][2] == slice(None))
        self.output_places = [self.place[n.id] for n in plan.outputs]
        # the softmax outputs: their places and their columns of Y
        self.group = [self.place[neuron.id] for neuron, _ in plan.group]
        self.group_ks = np.array([k for _, k in plan.group], dtype=int)
        # the group is often one whole generation, in order (a layer): then that generation's
        # own softmax is the group's, and its block is read directly
        blocks = {b for b, _ in self.group}
        self.group_block = None
        if len(blocks) == 1:
            b = next(iter(blocks))
            if [c for _, c in self.group] == list(range(sizes[b])):
                self.group_block = b
        # … and often all the outputs, in the order of y: then Y's columns are the group's
        self.group_is_y = self.group_ks.tolist() == list(range(len(plan.outputs)))
        blocks = {b for b, _ in self.output_places}
        last = blocks.pop() if len(blocks) == 1 else None
        self.output_block = last if last is not None and [c for _, c in self.output_places] \
            == list(range(sizes[last])) else None  # the outputs are one whole block, in order
        # the reference engine's dropout order: hidden neurons in topological order
        self.hidden_places = [self.place[n.id] for n in processing if n.kind == "hidden"]
        self.hidden_by_block = {}
        for k, (b, column) in enumerate(self.hidden_places):
            self.hidden_by_block.setdefault(b, ([], []))
            self.hidden_by_block[b][0].append(k)
            self.hidden_by_block[b][1].append(column)
        self.plain_layers = self._plain_layers()

    def link_sparse(self, allowed=True):
        """Make the generations whose cost says so sparse (if `allowed`, in a DAG that is
        not layered, with scipy), their weights views of one array, and give each generation
        feeding them the matrix :attr:`_Generation.pull` of those outgoing edges (its neurons
        × the pass's rows, the same weights in its own order): Σ_k w_jk Δ_k for a whole
        generation is then one product with the rows of Δ, wherever its targets are."""
        self.out_w = None
        chosen = [gen for gen in self.generations
                  if allowed and SPARSE and not self.layered and gen.sparse_pays()]
        if not chosen:
            return
        self.sparse_w = np.zeros(sum(len(gen.edges) for gen in chosen))
        first, targets, sources = 0, [], []
        for gen in chosen:
            gen.make_sparse(self.total)
            gen.place_sparse(self.sparse_w, first)
            first += len(gen.edges)
            targets.append(gen.span.start + gen.cols)
            sources.append(gen.global_rows)
        self.sparse_trainable = np.concatenate([gen.trainable for gen in chosen])
        self.sparse_groups = self._group_sparse(chosen, np.concatenate(targets),
                                                np.concatenate(sources))
        targets, sources = np.concatenate(targets), np.concatenate(sources)
        self.out_order = np.lexsort((targets, sources))  # by source, then target
        self.out_w = self.sparse_w[self.out_order]
        sources, targets = sources[self.out_order], targets[self.out_order]
        blocks = np.searchsorted(self.offsets, sources, side="right") - 1
        starts = np.searchsorted(blocks, np.arange(len(self.generations) + 2))
        for b, gen in enumerate(self.generations, start=1):
            first, last = starts[b], starts[b + 1]
            if last > first:
                local = sources[first:last] - gen.span.start
                indptr = np.concatenate([[0], np.cumsum(np.bincount(local,
                                                                    minlength=gen.width))])
                gen.pull = Sparse(self.out_w[first:last], targets[first:last], indptr,
                                  (gen.width, self.total))

    def _group_sparse(self, chosen, targets, sources):
        """Runs of consecutive sparse generations, about GROUP_WIDTH neurons each, for
        :meth:`sparse_gradients`: (blocks, the rows their sources span, their edges' places
        in the sparse weights, those edges' entries in the product of the run's Δ with those
        rows, and the run's width, number of neurons with edges and number of edges)."""
        runs, run = [], []
        for gen in chosen:
            if run and (gen.span.start != run[-1].span.stop
                        or sum(g.width for g in run) >= GROUP_WIDTH):
                runs.append(run)
                run = []
            run.append(gen)
        runs.append(run)
        groups = []
        for run in runs:
            flat = slice(run[0].flat.start, run[-1].flat.stop)
            rows, width = sources[flat], run[-1].span.stop - run[0].span.start
            low, high = int(rows.min()), int(rows.max()) + 1
            entries = (targets[flat] - run[0].span.start) * (high - low) + rows - low
            neurons = sum(len(gen.segments) for gen in run)
            groups.append(([gen.block for gen in run], slice(low, high), flat, entries,
                           (width, high - low, neurons, flat.stop - flat.start)))
        return groups

    def sparse_gradients(self, D):
        """Σ over the batch of Δ_j a_i for every edge of the sparse generations, in the order
        of their weights' array, after :meth:`backward` (D: its blocks). Each run of
        generations takes the cheaper way for this batch's size (see GRADIENT_PER_EDGE)."""
        grad = np.empty(len(self.sparse_w))
        A = self.activations
        n = A.shape[1]
        for blocks, sources, flat, entries, (width, span, neurons, edges) in self.sparse_groups:
            by_neuron = neurons * PER_NEURON_CALL + edges * n * GRADIENT_PER_EDGE
            if by_neuron <= width * span * n * _per_entry(width) + PER_BLOCK_CALL:
                for b in blocks:
                    self.generations[b - 1].edge_gradients(A, D[b].T, grad)
            else:
                delta_rows = np.concatenate([D[b].T for b in blocks]) if len(blocks) > 1 \
                    else D[blocks[0]].T
                np.take(delta_rows @ A[sources].T, entries, out=grad[flat])
        return grad

    def _plain_layers(self):
        """Whether this is the lectures' layered network at its plainest: each generation one
        dense block fed by the one before, one activation, no batch norm or max/product, and
        the outputs the last block alone, in order (softmax too). See :meth:`sgd_layers`."""
        gens = self.generations
        softmax_layer = self.group_block == len(gens) and self.group_is_y
        return (self.layered and (not self.group or softmax_layer) and bool(gens)
                and all(gen.layer == b and gen.plain_dense and not gen.norms
                        and len(gen.groups) == 1 for b, gen in enumerate(gens))
                and all(not gen.outputs for gen in gens[:-1]) and gens[-1].only_outputs)

    def sgd_layers(self, X, Y, loss, lr, weight_decay, decay_bias, checked, sums_to_one):
        """One SGD step on a batch for a :meth:`_plain_layers` network: forward, BP1–BP4 and
        the update layer by layer, the arithmetic of :meth:`forward`, :meth:`backward` and
        :meth:`step` in the same order, without their bookkeeping."""
        A, Z = [X], []
        for gen in self.generations:
            z = A[-1] @ gen.W
            z += gen.b
            Z.append(z)
            A.append(gen.function(z))
        last = self.generations[-1]
        g, dg, _, _ = last.outputs[0]
        a, z = A[-1], Z[-1]
        if loss.check is not None and not checked:
            loss.check(Y, a, g)
        if self.group:
            delta = self.group_deltas(Y, loss, A, sums_to_one)
        else:
            delta = loss.output_delta(Y, a, z, g, dg(a, z))
        decay = 2.0 * (lr * weight_decay)
        bias_decay = decay if decay_bias else 0.0
        batch = X.shape[0]
        for b in range(len(self.generations), 0, -1):
            gen = self.generations[b - 1]
            S = delta @ gen.W.T if b > 1 else None  # with the weights before the update
            gen.step(A[b - 1], delta, lr, batch, decay, bias_decay)
            if S is not None:
                below = self.generations[b - 2]
                delta = below.groups[0][2](A[b - 1], Z[b - 2]) * S

    def _place_theta(self, plan):
        """Where each entry of θ (``net.theta()``) lives in the generations' arrays."""
        index = {edge: p for p, (_, edge) in enumerate(plan.parameters)}
        first = len(plan.parameters)
        norm_index = {id(norm): first + 2 * k for k, (_, norm) in enumerate(plan.norms)}
        self.theta_size = first + 2 * len(plan.norms)
        self.theta_slots = []  # per generation: (θ index of each slot edge, which are trainable)
        for gen in self.generations:
            slot = np.array([index.get(edge, -1) for edge in gen.slot_edges()], dtype=int)
            gen.norm_index = np.array([norm_index[id(norm)] for norm in gen.norms], dtype=int)
            self.theta_slots.append((slot, slot >= 0))

    def theta(self):
        """θ from the arrays, in the order of ``net.theta()``."""
        theta = np.zeros(self.theta_size)
        for gen, (slot, trainable) in zip(self.generations, self.theta_slots):
            theta[slot[trainable]] = gen.slot_values()[trainable]
            theta[gen.norm_index] = gen.gamma
            theta[gen.norm_index + 1] = gen.beta
        return theta

    def set_theta(self, theta):
        """Put θ into the arrays (a tied weight into every edge of its group)."""
        for gen, (slot, trainable) in zip(self.generations, self.theta_slots):
            values = gen.slot_values()
            values[trainable] = theta[slot[trainable]]
            gen.set_slot_values(values)
            gen.gamma = theta[gen.norm_index]
            gen.beta = theta[gen.norm_index + 1]

    def gradient(self, D):
        """Σ over the batch of ∂ℓ/∂θ, after :meth:`backward`: each weight's Σ Δ_j a_i c_ij over
        the edges that use it, and each batch norm's ∂/∂γ_j and ∂/∂β_j."""
        grad = np.zeros(self.theta_size)
        edge_grad = self.sparse_gradients(D) if self.out_w is not None else None
        for gen, (slot, trainable), source, delta in zip(self.generations, self.theta_slots,
                                                          self.kept_sources(), D[1:]):
            terms = gen.slot_gradients(source, delta, edge_grad)
            grad += np.bincount(slot[trainable], weights=terms[trainable],
                                minlength=self.theta_size)
            if gen.norms:
                grad[gen.norm_index] += gen.dgamma
                grad[gen.norm_index + 1] += gen.dbeta
        return grad

    def remember(self):
        """Fold the last training forward pass's batch statistics into the running averages."""
        for gen, mean, var in self.batch_stats:
            for norm, m, v in zip(gen.norms, mean.tolist(), var.tolist()):
                norm.remember(m, v)

    def read_weights(self):
        for generation in self.generations:
            generation.read_weights()

    def write_weights(self):
        for generation in self.generations:
            generation.write_weights()

    def weights(self):
        """A copy of every generation's weight arrays, for :meth:`set_weights`."""
        return [(g.W.copy() if g.dense else g.w.copy(), g.b.copy(),
                 [gated.w.copy() for gated in g.gated], g.gamma.copy(), g.beta.copy())
                for g in self.generations]

    def largest_weight(self):
        """max |w_ij| over every edge (NaN if any weight is NaN)."""
        largest = 0.0
        for g in self.generations:
            for values in (g.slot_values(), g.gamma, g.beta):
                if values.size:
                    largest = max(largest, float(np.max(np.abs(values))))
                    if np.isnan(values).any():
                        return math.nan
        return largest

    def set_weights(self, saved):
        """Put back the arrays :meth:`weights` copied."""
        for g, (w, b, gated_w, gamma, beta) in zip(self.generations, saved):
            (g.W if g.dense else g.w)[...] = w
            g.b[...] = b
            for gated, values in zip(g.gated, gated_w):
                gated.w[...] = values
            g.gamma, g.beta = gamma.copy(), beta.copy()

    def forward(self, X, keep=None, train=False):
        """(IN, A): lists of blocks of in_j and a_j, one row per example.

        `keep` (n × hidden neurons) multiplies the hidden neurons' outputs: dropout's
        0 or 1/(1 − p), so that a_j = s g(in_j) and Δ_j = s g′(in_j) Σ_k w_jk Δ_k.
        Batch-normalized neurons use the batch's statistics with `train` (kept for
        :meth:`remember`), else their running averages.
        """
        self.sources = []  # views are kept; a gathered copy is gathered again when needed
        self.scale, self.unscaled, self.raw, self.batch_stats = {}, {}, {}, []
        self.trained = train
        if self.layered:  # each generation fed by one whole earlier block: a list of blocks
            IN, A = [None], [X]
            for b, gen in enumerate(self.generations, start=1):
                source = A[gen.layer]
                self.sources.append(source)
                if gen.plain_dense:
                    z = source @ gen.W
                    z += gen.b
                else:
                    z = gen.weighted_sum(source)
                IN.append(z)
                A.append(self._activate(gen, b, z, keep, train))
        else:
            IN, A = self._forward_neuron_major(X, keep, train)
        if self.group and self.group_block is None:  # the softmax outputs, together
            Z = np.column_stack([IN[b][:, c] for b, c in self.group])
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            G = E / E.sum(axis=1, keepdims=True)
            for m, (b, c) in enumerate(self.group):
                A[b][:, c] = G[:, m]
        return IN, A

    def _forward_neuron_major(self, X, keep, train):
        """The forward pass in one array a row per neuron: a generation gathers its sources
        (whole rows) in one step, wherever in the DAG they are."""
        n, p = X.shape
        A_all, IN_all = np.empty((self.total, n)), np.empty((self.total, n))
        A_all[:p] = X.T
        self.activations = A_all
        for b, gen in enumerate(self.generations, start=1):
            source = gen.sources(A_all)
            self.sources.append(source if gen.contiguous else None)
            if gen.sparse:  # the sources' rows read where they are, summed into its rows
                zT = IN_all[gen.span]
                zT[...] = gen.b_column
                gen.csr.add_to(zT, A_all)
                z = zT.T
            elif gen.plain_dense:  # one product, written straight into its rows
                zT = IN_all[gen.span]
                np.matmul(gen.W.T, source.T, out=zT)
                zT += gen.b_column
                z = zT.T
            else:
                z = gen.weighted_sum(source)
                IN_all[gen.span] = z.T
            A_all[gen.span] = self._activate(gen, b, z, keep, train).T
        IN, A = self.blocks(IN_all), self.blocks(A_all)
        IN[0] = None
        return IN, A

    def _activate(self, gen, b, z, keep, train):
        """a_j = g(in_j) for a generation (then batch norm, then dropout's scale)."""
        if gen.function is not None:
            a = gen.function(z)
        else:
            a = np.empty_like(z)
            for _, function, _, cols in gen.groups:
                a[:, cols] = function(z[:, cols])
        if gen.norms:
            a = self._normalize(gen, b, a, train)
        if keep is not None and b in self.hidden_by_block:
            which, columns = self.hidden_by_block[b]
            scale = np.ones_like(a)
            scale[:, columns] = keep[:, which]
            self.scale[b], self.unscaled[b] = scale, a
            a = a * scale
        return a

    def kept_sources(self):
        """Each generation's sources in the last forward pass (examples × sources), one at a
        time: gathered again rather than kept, so memory stays that of the activations."""
        for gen, source in zip(self.generations, self.sources):
            yield gen.sources(self.activations) if source is None else source

    def blocks(self, M):
        """A pass's neuron-major array as a list of views (examples × neurons), one per block."""
        return [M[span].T for span in self.spans]

    def _normalize(self, gen, b, a, train):
        """â_j = γ_j (a_j − μ)/√(ε + σ²) + β_j for the generation's batch-normalized columns."""
        self.raw[b] = a
        a, raw = a.copy(), a[:, gen.norm_cols]
        eps = np.array([norm.eps for norm in gen.norms])
        if train:  # the batch's mean and (biased) variance
            mean = raw.mean(axis=0)
            var = ((raw - mean) ** 2).mean(axis=0)
            gen.s = np.sqrt(eps + var)
            gen.xhat = (raw - mean) / gen.s
            a[:, gen.norm_cols] = gen.gamma * gen.xhat + gen.beta
            self.batch_stats.append((gen, mean, var))
        else:
            mean = np.array([norm.running_mean for norm in gen.norms])
            var = np.array([norm.running_var for norm in gen.norms])
            a[:, gen.norm_cols] = gen.gamma * (raw - mean) / np.sqrt(eps + var) + gen.beta
        return a

    @staticmethod
    def _denormalize(gen, dy):
        """∂J/∂a_j from ∂J/∂â_j through the batch statistics; keeps ∂J/∂γ_j and ∂J/∂β_j."""
        gen.dgamma = (dy * gen.xhat).sum(axis=0)
        gen.dbeta = dy.sum(axis=0)
        dxhat = dy * gen.gamma
        return (dxhat - dxhat.mean(axis=0) - gen.xhat * (dxhat * gen.xhat).mean(axis=0)) / gen.s

    def targets_check(self, Y, loss):
        """Check every target at once when the check needs no outputs (all the outputs are
        softmax ones); True if it did, so that :meth:`backward` may skip it."""
        if loss.check is None:
            return True
        if len(self.group) != len(self.output_places):
            return False
        for b, gen in enumerate(self.generations, start=1):
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

    def backward(self, Y, loss, IN, A, checked=False, sums_to_one=False, extra=None):
        """Δ as a list of blocks (block 0, the inputs, has none), after :meth:`forward`.

        `checked`: the loss's check has passed already for these targets (see
        :meth:`targets_check`); `sums_to_one`: every row of Y sums to exactly 1, so the
        softmax outputs' cross-entropy Δ_k = a_k Σ_m y_m − y_k is a_k − y_k, bit for bit.
        `extra`: ``{block: (columns, values)}`` added to those neurons' Σ_k w_jk Δ_k for every
        example (the sparsity penalty's ∂/∂a_j).
        """
        if loss.check is not None and not checked:  # refuse before any Δ is computed
            for b, gen in enumerate(self.generations, start=1):
                for g, _, local, ks in gen.outputs:
                    loss.check(Y[:, ks], A[b][:, local], g)
        extra = extra or {}
        grouped = self.group_deltas(Y, loss, A, sums_to_one) if self.group else None
        if self.raw and not self.trained:
            raise NetworkError("backpropagation through batch normalization needs a training "
                               "forward pass (batch statistics)")
        if self.layered:  # Σ_k w_jk Δ_k by block: {block: n × width}, absent until reached
            S, D = {}, [None] * len(A)
            for b in range(len(self.generations), 0, -1):
                gen = self.generations[b - 1]
                if b in extra:
                    columns, values = extra[b]
                    S.setdefault(b, np.zeros_like(IN[b]))[:, columns] += values
                D[b] = delta = self._delta(b, gen, IN, A, S.get(b), Y, loss, grouped)
                gen.push_layer(delta, S)
            return D
        n = Y.shape[0]
        S_all = np.zeros((self.total, n))  # Σ_k w_jk Δ_k of every neuron, a row each
        reached = np.zeros(len(self.generations) + 1, dtype=bool)  # blocks with any of those
        D_all = np.empty((self.total, n))  # every block but the inputs' is written
        if self.out_w is not None:  # the pulling matrices' weights: the sparse ones, now
            np.take(self.sparse_w, self.out_order, out=self.out_w)
        for b in range(len(self.generations), 0, -1):
            gen = self.generations[b - 1]
            if b in extra:
                columns, values = extra[b]
                S_all[gen.span].T[:, columns] += values
                reached[b] = True
            if gen.pull is not None:  # Σ_k w_jk Δ_k over the edges into sparse generations
                gen.pull.add_to(S_all[gen.span], D_all)
                reached[b] = True
            S = S_all[gen.span].T if reached[b] else None
            delta = self._delta(b, gen, IN, A, S, Y, loss, grouped)
            D_all[gen.span] = delta.T
            gen.push_back(delta, S_all, reached)
        D = Blocks(self.blocks(D_all))
        D[0], D.rows = None, D_all
        return D

    def _delta(self, b, gen, IN, A, S, Y, loss, grouped):
        """Δ_j of generation b from S, its Σ_k w_jk Δ_k (None: nothing reaches it), and the loss."""
        z, a = IN[b], self.raw.get(b, self.unscaled.get(b, A[b]))
        if gen.norms:
            if S is not None:
                S[:, gen.norm_cols] = self._denormalize(gen, S[:, gen.norm_cols])
            else:
                gen.dgamma = gen.dbeta = np.zeros(len(gen.norms))
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
        if b in self.scale:
            delta *= self.scale[b]
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

    def step(self, D, lr, batch, weight_decay, decay_bias):
        """One SGD step after :meth:`backward` (D: its blocks of Δ)."""
        decay = 2.0 * (lr * weight_decay)
        bias_decay = decay if decay_bias else 0.0
        if self.layered:
            for gen, source, delta in zip(self.generations, self.kept_sources(), D[1:]):
                gen.step(source, delta, lr, batch, decay, bias_decay)
            return
        rate = lr / batch
        if self.out_w is not None:  # the sparse generations' weights, all at once
            grad = self.sparse_gradients(D)
            grad *= rate
            if decay:
                grad += decay * self.sparse_w
            self.sparse_w -= grad * self.sparse_trainable
        for gen, source, delta in zip(self.generations, self.kept_sources(), D[1:]):
            if not gen.sparse:
                gen.step(source, delta, lr, batch, decay, bias_decay, bias=False)
        processing = slice(self.offsets[1], self.total)  # every bias, all at once
        change = D.rows[processing].sum(axis=1)
        change *= rate
        if bias_decay:
            change += bias_decay * self.bias[processing]
        self.bias[processing] -= change * self.bias_mask[processing]

    def penalty(self, decay_bias):
        return sum(gen.penalty(decay_bias) for gen in self.generations)

    def outputs_of(self, A):
        if self.output_block is not None:
            return A[self.output_block]
        return np.column_stack([A[b][:, c] for b, c in self.output_places])


class Blocks(list):
    """A pass's blocks (examples × neurons, one per generation), views of :attr:`rows`, its
    neuron-major array."""

    rows = None


def _index(positions, size):
    """A slice for positions that run contiguously (no copies when indexing), else an array."""
    if positions == list(range(positions[0], positions[-1] + 1)):
        return slice(None) if len(positions) == size else slice(positions[0], positions[-1] + 1)
    return np.array(positions)


def compile_batch(net):
    """The network's batch engine, kept in ``net.cache`` until the structure or an
    activation changes (the network empties its cache then); weights are re-read at
    every call."""
    engine = net.cache.get("batch")
    if engine is None:
        engine = net.cache["batch"] = BatchEngine(net.plan())
    engine.read_weights()
    return engine
