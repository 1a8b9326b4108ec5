"""One topological generation of the batch engine: its neurons, where its sources are, and
its weights (in the storage classes of :mod:`neurograph.engines.storage`)."""

import numpy as np

from . import layout
from .storage import Bias, CsrRows, Dense, EdgeList, Gated

__all__ = ["Generation", "Norms", "array_function", "derivative", "index"]


def array_function(g):
    """g for arrays: the activation's fast form where it has one (the logistic's textbook
    1/(1 + e^(−in_j)), within an ulp of the stable form; the tests hold the engines equal
    to 1e-12)."""
    return g.fast or g.g


def derivative(g):
    """g′ as a function of (a, in): from a where the lecture writes it so (bitwise the same)."""
    if g.dg_from_a is not None:
        return lambda a, z: g.dg_from_a(a)
    return lambda a, z: g.dg(z)


def index(positions, size):
    """A slice for positions that run contiguously (no copies when indexing), else an array."""
    if positions == list(range(positions[0], positions[-1] + 1)):
        return slice(None) if len(positions) == size else slice(positions[0], positions[-1] + 1)
    return np.array(positions)


class Norms:
    """A generation's batch-normalized neurons: their columns, BatchNorms, γ and β."""

    def __init__(self, cols, norms):
        self.cols = np.array(cols, dtype=int)
        self.norms = norms
        self.eps = np.array([norm.eps for norm in norms])
        self.theta_index = None  # θ's index of each γ (β follows): set by the engine
        self.gamma_slots = np.array([norm.scale_slot.slot for norm in norms], dtype=np.intp)
        self.beta_slots = np.array([norm.shift_slot.slot for norm in norms], dtype=np.intp)

    def read(self, theta):
        """γ_j and β_j from the network's θ array."""
        self.gamma, self.beta = theta[self.gamma_slots], theta[self.beta_slots]

    def write(self, theta):
        theta[self.gamma_slots], theta[self.beta_slots] = self.gamma, self.beta

    def normalize(self, a, train):
        """(â, the batch's statistics or None): â_j = γ_j (a_j − μ)/√(ε + σ²) + β_j in the
        normalized columns, with the batch's mean and (biased) variance if `train`, else the
        running averages. The statistics are (mean, var, √(ε + σ²), x̂)."""
        a, raw = a.copy(), a[:, self.cols]
        if train:
            mean = raw.mean(axis=0)
            var = ((raw - mean) ** 2).mean(axis=0)
            s = np.sqrt(self.eps + var)
            xhat = (raw - mean) / s
            a[:, self.cols] = self.gamma * xhat + self.beta
            return a, (mean, var, s, xhat)
        mean = np.array([norm.running_mean for norm in self.norms])
        var = np.array([norm.running_var for norm in self.norms])
        a[:, self.cols] = self.gamma * (raw - mean) / np.sqrt(self.eps + var) + self.beta
        return a, None

    def denormalize(self, dy, statistics):
        """(∂J/∂a_j from ∂J/∂â_j through the batch statistics, ∂J/∂γ_j, ∂J/∂β_j)."""
        _, _, s, xhat = statistics
        dxhat = dy * self.gamma
        dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / s
        return dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)

    def remember(self, statistics):
        mean, var, _, _ = statistics
        for norm, m, v in zip(self.norms, mean.tolist(), var.tolist()):
            norm.remember(m, v)


class Generation:
    """A set of processing neurons whose sources all come earlier (a block of the passes).

    Sum neurons' edges are :attr:`weights` (dense, an edge list or CSR rows, chosen by
    :meth:`store`) and :attr:`bias`; each max/product neuron keeps its terms apart
    (:attr:`gated`); batch-normalized neurons are :attr:`norm`'s. :attr:`groups`: the
    neurons by activation, (g, g for arrays, g′(a, in), columns); :attr:`outputs`: the
    output neurons by activation, (g, g′(a, in), columns, columns of Y), set by the engine.
    """

    def __init__(self, members, incoming, place, g_of, aggregation_of, norm_of):
        self.width = len(members)
        local = {n.id: k for k, n in enumerate(members)}
        groups = {}
        for k, n in enumerate(members):
            groups.setdefault(g_of[n], []).append(k)
        whole = len(groups) == 1
        self.groups = [(g, array_function(g), derivative(g),
                        slice(None) if whole else np.array(cols)) for g, cols in groups.items()]
        self.function = self.groups[0][1] if whole else None
        self.outputs, self.only_outputs = [], False
        gated = {n.id for n in members if aggregation_of[n] is not None}
        edges = [(i, local[n.id], edge) for n in members if n.id not in gated
                 for i, edge in incoming[n.id]]
        self.bias_edges = [(t, edge) for i, t, edge in edges if i.id == 0]
        sum_edges = [(place[i.id], t, edge) for i, t, edge in edges if i.id != 0]
        # the sources, in the order of the weight block's rows: by block, then column
        sources = {s for s, _, _ in sum_edges}
        sources.update(place[i.id] for n in members if n.id in gated
                       for i, _ in incoming[n.id] if i.id != 0)
        self.source_list = sorted(sources)
        row = {s: r for r, s in enumerate(self.source_list)}
        # (its source's row, its target's column, the edge)
        self.sum_edges = [(row[s], t, edge) for s, t, edge in sum_edges]
        self.gated = [Gated(local[n.id], aggregation_of[n], incoming[n.id], place, row)
                      for n in members if n.id in gated]
        norms = [(local[n.id], norm_of[n]) for n in members if norm_of[n] is not None]
        self.norm = Norms([c for c, _ in norms], [norm for _, norm in norms]) if norms else None
        self.n_sources = len(self.source_list)
        self.weights = self.bias = None  # set by store()

    def place(self, offsets, block):
        """Where this generation (block number `block`, from 1) and its sources stand in a
        pass's neuron-major array of activations."""
        self.block, self.span = block, slice(offsets[block], offsets[block + 1])
        blocks = sorted({b for b, _ in self.source_list})
        self.inputs_only = blocks in ([], [0])
        columns = np.array([offsets[b] + c for b, c in self.source_list], dtype=int)
        self.global_sources = columns
        self.contiguous = bool(len(columns)) and columns[-1] - columns[0] + 1 == len(columns)
        self.source_columns = (slice(int(columns[0]), int(columns[-1]) + 1) if self.contiguous
                               else columns)  # a slice: read as a view
        # a layer: the sources are one whole earlier block, in order (read with no copy)
        self.layer = (blocks[0] if len(blocks) == 1 and self.contiguous
                      and len(columns) == offsets[blocks[0] + 1] - offsets[blocks[0]] else None)
        blocks = [b for b in blocks if b]  # the blocks whose Δ the backward pass reaches
        self.source_blocks = blocks[0] if len(blocks) == 1 else np.array(blocks, dtype=int)

    def csr_pays(self):
        return layout.csr_pays(len(self.sum_edges), self.n_sources, self.width,
                               bool(self.gated))

    def store(self, bias=None, csr=None):
        """Make the weight arrays, in the storage the costs choose: CSR rows where `csr`
        is given (total, the shared weights array, this generation's first place in it),
        else dense or an edge list. `bias`: a view of the engine's bias rows, if it has them."""
        rows = np.array([r for r, _, _ in self.sum_edges], dtype=int)
        cols = np.array([t for _, t, _ in self.sum_edges], dtype=int)
        edges = [edge for _, _, edge in self.sum_edges]
        shape = (self.n_sources, self.width)
        if csr is not None:
            self.weights = CsrRows(rows, cols, edges, *shape, self.global_sources, *csr)
        elif layout.storage_kind(len(edges), *shape) == "dense":
            self.weights = Dense(rows, cols, edges, *shape)
        else:
            self.weights = EdgeList(rows, cols, edges, *shape)
        self.bias = Bias(self.bias_edges, self.width, bias)
        self.csr = csr is not None
        self.plain_dense = self.weights.dense and not self.gated
        self.edge_slots = self.slots = None

    def slot_edges(self):
        """Every Edge of this generation, in the order of :meth:`slot_values`."""
        if self.edge_slots is None:
            self.edge_slots = (self.weights.edges + self.bias.edges
                               + [e for gated in self.gated for e in gated.edges])
        return self.edge_slots

    def slot_values(self):
        """Every edge's weight as held in the arrays, in the order of :meth:`slot_edges`."""
        parts = [self.weights.values(), self.bias.values()] + [g.w for g in self.gated]
        return np.concatenate(parts)

    def set_slot_values(self, values):
        """Put weights (in the order of :meth:`slot_edges`) into the arrays."""
        first = 0
        for part in [self.weights, self.bias] + self.gated:
            count = len(part.edges)
            part.set_values(values[first:first + count])
            first += count

    def slot_gradients(self, source, delta, terms):
        """Σ over the batch of each edge's Δ_j a_i c_ij, in the order of :meth:`slot_edges`
        (a layered network's generation: no CSR rows)."""
        parts = [self.weights.gradients(source, delta), self.bias.gradients(delta)]
        parts += [gated.gradients(delta, kept) for gated, kept in zip(self.gated, terms)]
        return np.concatenate(parts)

    def theta_slots(self):
        """Where each edge of :meth:`slot_edges` keeps its weight in the network's θ array."""
        if self.slots is None:
            self.slots = np.array([edge.slot for edge in self.slot_edges()], dtype=np.intp)
        return self.slots

    def read_weights(self, theta):
        """Weights (and γ, β) from the network's θ array into this generation's arrays: a
        gather, no loop over the edges."""
        self.set_slot_values(theta[self.theta_slots()])
        if self.norm is not None:
            self.norm.read(theta)

    def write_weights(self, theta):
        """This generation's weights (and γ, β) into the network's θ array: a scatter."""
        theta[self.theta_slots()] = self.slot_values()
        if self.norm is not None:
            self.norm.write(theta)

    def sources(self, A):
        """The sources' activations (examples × sources) from the pass's neuron-major array;
        CSR rows read that array itself."""
        return A if self.csr else A[self.source_columns].T

    def weighted_sum(self, source):
        """(in_j for this generation's neurons and every example, the max/product neurons'
        terms): Σ_i w_ij a_i, or max or Π of w_ij a_i."""
        z = self.weights.weighted_sum(source)
        z += self.bias.b
        terms = []
        for gated in self.gated:
            z[:, gated.column], kept = gated.combine(source)
            terms.append(kept)
        return z, terms

    def sums(self, delta, terms):
        """Σ_k w_jk c_jk Δ_k for each source, one row per example."""
        sums = self.weights.sums(delta)
        for gated, kept in zip(self.gated, terms):  # w_jk c_jk Δ_k into a max/product k
            gated.push_back(delta, sums, kept)
        return sums

    def push_back(self, delta, S, reached, terms):
        """Add Σ_k w_jk Δ_k, over this generation's incoming edges, to the sources' sums S
        (the pass's neuron-major array, a row per neuron), and mark their blocks in `reached`.

        The inputs need no Δ: a generation fed by the inputs alone pushes nothing; CSR rows'
        sources pull (see :class:`CsrGenerations`).
        """
        if self.inputs_only or self.csr:
            return
        if self.plain_dense:  # neuron-major from the start: rows added whole
            S[self.source_columns] += self.weights.sum_rows_back(delta)
        else:  # neuron-major: whole rows (the sources are distinct)
            S[self.source_columns] += self.sums(delta, terms).T
        reached[self.source_blocks] = True

    def push_layer(self, delta, S, terms):
        """:meth:`push_back` for a layered network: S is {block: n × width}."""
        if self.layer == 0:
            return
        sums = self.sums(delta, terms)
        if self.layer in S:
            S[self.layer] += sums
        else:
            S[self.layer] = sums

    def step(self, source, delta, step, bias_step, bias=True):
        """w_ij ← w_ij − α ((1/|B|) Σ_e Δ_j a_i + 2λ w_ij) for the trainable edges (`step`, a
        :class:`~.storage.Step`; the bias edges by `bias_step` too unless `bias` is False:
        the engine steps them together then)."""
        if not self.csr:  # (the engine steps the CSR ones together)
            self.weights.step(source, delta, step)
        if bias:
            self.bias.step(delta, bias_step)
