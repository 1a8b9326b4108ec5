"""The batch engine: propagation.py's arithmetic for many examples at once, with numpy.

The network is compiled once per structure into topological generations
(:mod:`neurograph.engines.generation`): each generation is a set of processing neurons
whose sources all come earlier, so a whole generation's in_j for a whole batch is one
product of its sources' activations with its weights — a dense block (BLAS) where the
generation's edges are dense, an edge list (gather, multiply, ``np.add.reduceat``) where
they are sparse, CSR rows read straight from the pass's array in a deep DAG's thin
generations (:mod:`neurograph.engines.storage`, chosen by the costs of
:mod:`neurograph.engines.layout`). Backpropagation runs the generations in reverse with the
transposed weights (:mod:`neurograph.engines.passes`). A layered network keeps its
activations as a list of blocks, one per generation (block 0: the inputs), each layer
reading the one before with no copying; its plainest form (the lectures' layers) takes one
fused pass per SGD batch (:meth:`BatchEngine.sgd_layers`). Any other DAG keeps one array per
pass, a row per neuron, generation after generation, so a generation gathers its sources
and pushes its Σ w Δ back in one step each: every generation touches only its own edges
and sources, and the cost grows with the edges, however deep the DAG.

A forward pass returns its state (:class:`~neurograph.engines.passes.Pass`), which the
backward pass, :meth:`BatchEngine.gradient`, :meth:`BatchEngine.step` and
:meth:`BatchEngine.remember` take; the engine keeps only the compiled network.

Weights are gathered from the network's θ array (:mod:`neurograph.model.parameters`) at
the start of every call, one numpy gather per generation (so any change to ``net.w`` is
seen), and scattered back into it when training ends. Tested equal to the
reference engine to 1e-12 on random non-layered DAGs.
"""

import math

import numpy as np

from .csr import CsrGenerations
from .generation import Generation, derivative, index
from .passes import Buffers, Propagation
from .storage import Step, descend_in_place

__all__ = ["BatchEngine", "compile_batch", "quiet"]


def quiet():
    """Like Python floats: an overflow gives inf quietly (fit reports a non-finite cost)."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


class BatchEngine(Propagation):
    """A network compiled for batches; built by :func:`compile_batch`.

    Activations are a list of blocks: block 0 the inputs (n × p), block g + 1 the
    outputs of generation g. :attr:`place` gives each neuron's (block, column).
    `sparse`: let generations be CSR rows where that costs less (the torch engine, which
    mirrors this one, asks for dense blocks and edge lists only).
    """

    def __init__(self, plan, sparse=True):
        self.store = plan.store  # the network's θ array
        self.order = plan.order
        self.buffers = Buffers()  # the passes' arrays, used again when free
        processing = [row[0] for row in plan.forward]
        g_of = {row[0]: row[1] for row in plan.forward}
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
        incoming = {row[0].id: row[2] for row in plan.forward}
        aggregation_of = {row[0]: row[3] for row in plan.forward}
        norm_of = {row[0]: row[4] for row in plan.forward}
        self.generations = [Generation(members, incoming, self.place, g_of, aggregation_of,
                                       norm_of) for members in generations]
        self.plain = plan.plain
        sizes = [len(plan.inputs)] + [len(members) for members in generations]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        self.total = self.offsets[-1]
        self.spans = [slice(a, b) for a, b in zip(self.offsets, self.offsets[1:])]
        for b, gen in enumerate(self.generations, start=1):
            gen.place(self.offsets, b)
        self.layered = all(gen.layer is not None for gen in self.generations)
        self._store(sparse)
        self._place_theta(plan)
        self._place_outputs(plan, g_of, sizes)
        # the reference engine's dropout order: hidden neurons in topological order
        self.hidden_places = [self.place[n.id] for n in processing if n.kind == "hidden"]
        self.hidden_by_block = {}
        for k, (b, column) in enumerate(self.hidden_places):
            self.hidden_by_block.setdefault(b, ([], []))
            self.hidden_by_block[b][0].append(k)
            self.hidden_by_block[b][1].append(column)
        self.plain_layers = self._plain_layers()

    def _store(self, sparse):
        """Each generation's storage, once: CSR rows where the costs say so (if `sparse`, in
        a DAG that is not layered), their weights one array (:attr:`csr`); else a dense block
        or an edge list. A DAG that is not layered keeps every bias in one array, a row per
        neuron, stepped at once."""
        self.csr = None
        if self.layered:
            for gen in self.generations:
                gen.store()
            return
        self.bias, self.bias_mask = np.zeros(self.total), np.zeros(self.total)
        chosen = [gen for gen in self.generations if sparse and gen.csr_pays()]
        if chosen:
            self.csr = CsrGenerations(chosen, self.offsets, self.bias)
        for gen in self.generations:
            if gen.weights is None:
                gen.store(self.bias[gen.span])
            self.bias_mask[gen.span.start + gen.bias.cols] = gen.bias.trainable

    def _place_outputs(self, plan, g_of, sizes):
        """Where the outputs and the softmax group stand, by block."""
        outputs_by_block = {}
        for k, neuron in enumerate(plan.outputs):
            b, column = self.place[neuron.id]
            outputs_by_block.setdefault(b, {}).setdefault(g_of[neuron], []).append((column, k))
        for b, gen in enumerate(self.generations, start=1):
            by_activation = outputs_by_block.get(b, {})
            gen.outputs = [(g, derivative(g), index([c for c, _ in pairs], gen.width),
                            index([k for _, k in pairs], len(plan.outputs)))
                           for g, pairs in by_activation.items()]
            gen.only_outputs = (len(gen.outputs) == 1 and isinstance(gen.outputs[0][2], slice)
                                and gen.outputs[0][2] == slice(None))
        self.output_places = [self.place[n.id] for n in plan.outputs]
        by_block = {}
        for k, (b, c) in enumerate(self.output_places):
            by_block.setdefault(b, ([], []))
            by_block[b][0].append(c)
            by_block[b][1].append(k)
        self.output_groups = [(b, np.array(cs), np.array(ks)) for b, (cs, ks) in by_block.items()]
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

    def _plain_layers(self):
        """Whether this is the lectures' layered network at its plainest: each generation one
        dense block fed by the one before, one activation, no batch norm or max/product, and
        the outputs the last block alone, in order (softmax too). See :meth:`sgd_layers`."""
        gens = self.generations
        softmax_layer = self.group_block == len(gens) and self.group_is_y
        return (self.layered and (not self.group or softmax_layer) and bool(gens)
                and all(gen.layer == b and gen.plain_dense and gen.norm is None
                        and len(gen.groups) == 1 for b, gen in enumerate(gens))
                and all(not gen.outputs for gen in gens[:-1]) and gens[-1].only_outputs)

    def sgd_layers(self, X, Y, loss, lr, weight_decay, decay_bias, checked, sums_to_one):
        """One SGD step on a batch for a :meth:`_plain_layers` network: forward, BP1–BP4 and
        the update layer by layer, the arithmetic of :meth:`forward`, :meth:`backward` and
        :meth:`step` in the same order, without their bookkeeping."""
        A, Z = [X], []
        for gen in self.generations:
            z = gen.weights.weighted_sum(A[-1])
            z += gen.bias.b
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
        step, bias_step = _steps(lr, X.shape[0], weight_decay, decay_bias)
        for b in range(len(self.generations), 0, -1):
            gen = self.generations[b - 1]
            # with the weights before the update
            S = gen.weights.sums(delta) if b > 1 else None
            gen.step(A[b - 1], delta, step, bias_step)
            if S is not None:
                below = self.generations[b - 2]
                delta = below.groups[0][2](A[b - 1], Z[b - 2]) * S

    def step(self, P, D, lr, batch, weight_decay, decay_bias):
        """One SGD step after :meth:`backward` (P: the forward pass, D: its Δ)."""
        step, bias_step = _steps(lr, batch, weight_decay, decay_bias)
        if self.layered:
            for gen, source, delta in zip(self.generations, self.kept_sources(P), D[1:]):
                gen.step(source, delta, step, bias_step)
            return
        if self.csr is not None:  # the CSR generations' weights, all at once
            self.csr.step(P.rows, D.rows, step)
        for gen, source, delta in zip(self.generations, self.kept_sources(P), D[1:]):
            if not gen.csr:
                gen.step(source, delta, step, bias_step, bias=False)
        processing = slice(self.offsets[1], self.total)  # every bias, all at once
        descend_in_place(self.bias[processing], D.rows[processing].sum(axis=1), bias_step,
                         self.bias_mask[processing] > 0.0)

    def _place_theta(self, plan):
        """Where each entry of θ (``net.theta()``) lives in the generations' arrays."""
        slot_of = {edge: p for p, (_, edge) in enumerate(plan.parameters)}
        first = len(plan.parameters)
        norm_index = {id(norm): first + 2 * k for k, (_, norm) in enumerate(plan.norms)}
        self.theta_size = first + 2 * len(plan.norms)
        self.theta_slots = []  # per generation: (θ index of each slot edge, which are trainable)
        for gen in self.generations:
            slot = np.array([slot_of.get(edge, -1) for edge in gen.slot_edges()], dtype=int)
            if gen.norm is not None:
                gen.norm.theta_index = np.array([norm_index[id(norm)] for norm in gen.norm.norms],
                                                dtype=int)
            self.theta_slots.append((slot, slot >= 0))
        self.trained_slots = np.concatenate(  # every trainable edge's θ index, in order
            [slot[trainable] for slot, trainable in self.theta_slots] or [np.zeros(0, int)])
        self.all_trained = all(trainable.all() for _, trainable in self.theta_slots)
        # no two trained edges share a weight (no ties, no max/product edge twice): then each
        # edge's term is its weight's gradient, put in place rather than summed
        self.slots_distinct = len(np.unique(self.trained_slots)) == len(self.trained_slots)
        if not self.layered:
            self._place_rows_gradient()

    def _place_rows_gradient(self):
        """A DAG that is not layered: the order :meth:`gradient` takes its terms in — every
        CSR edge at once, every bias at once (their rows of Δ), then the other generations'
        edges and max/product terms — and where each goes in θ."""
        edges = [e for gen in self.generations if gen.csr for e in gen.weights.edges]
        bias = [(gen.span.start + c, e) for gen in self.generations
                for c, e in zip(gen.bias.cols.tolist(), gen.bias.edges)]
        self.bias_rows = np.array([row for row, _ in bias], dtype=int)
        edges += [e for _, e in bias]
        self.block_generations = [(b, gen) for b, gen in enumerate(self.generations, start=1)
                                  if not gen.csr]
        for _, gen in self.block_generations:
            edges += gen.weights.edges + [e for gated in gen.gated for e in gated.edges]
        trained = np.array([not e.frozen for e in edges], dtype=bool)
        self.rows_trained = None if trained.all() else trained
        self.rows_slots = np.array([e.slot for e in edges], dtype=np.intp)[trained]

    def theta(self):
        """θ from the arrays, in the order of ``net.theta()``."""
        theta = np.zeros(self.theta_size)
        for gen, (slot, trainable) in zip(self.generations, self.theta_slots):
            theta[slot[trainable]] = gen.slot_values()[trainable]
            if gen.norm is not None:
                theta[gen.norm.theta_index] = gen.norm.gamma
                theta[gen.norm.theta_index + 1] = gen.norm.beta
        return theta

    def set_theta(self, theta):
        """Put θ into the arrays (a tied weight into every edge of its group)."""
        for gen, (slot, trainable) in zip(self.generations, self.theta_slots):
            values = gen.slot_values()
            values[trainable] = theta[slot[trainable]]
            gen.set_slot_values(values)
            if gen.norm is not None:
                gen.norm.gamma = theta[gen.norm.theta_index]
                gen.norm.beta = theta[gen.norm.theta_index + 1]

    def gradient(self, P, D):
        """Σ over the batch of ∂ℓ/∂θ, after :meth:`backward` (P: the forward pass, D: its Δ):
        each weight's Σ Δ_j a_i c_ij over the edges that use it, and each batch norm's
        ∂/∂γ_j and ∂/∂β_j."""
        if not self.layered:
            return self._rows_gradient(P, D)
        terms = [gen.slot_gradients(source, delta, P.terms.get(b, ()))
                 for b, (gen, source, delta) in enumerate(
                     zip(self.generations, self.kept_sources(P), D[1:]), start=1)]
        # every edge's term into its weight's place in θ, at once (a tied weight's in order)
        terms = np.concatenate(terms if self.all_trained else
                               [t[trainable] for t, (_, trainable) in zip(terms, self.theta_slots)])
        if self.slots_distinct:
            grad = np.zeros(self.theta_size)
            grad[self.trained_slots] = terms
        else:
            grad = np.bincount(self.trained_slots, weights=terms, minlength=self.theta_size)
        for b, gen in enumerate(self.generations, start=1):
            if gen.norm is not None:
                dgamma, dbeta = D.norms[b]
                grad[gen.norm.theta_index] += dgamma
                grad[gen.norm.theta_index + 1] += dbeta
        return grad

    def _rows_gradient(self, P, D):
        """:meth:`gradient` for a DAG that is not layered, from the pass's neuron-major rows: a
        handful of array operations, however many generations (see
        :meth:`_place_rows_gradient`)."""
        terms = [] if self.csr is None else [self.csr.gradients(P.rows, D.rows)]
        terms.append(D.rows[self.bias_rows].sum(axis=1))
        for b, gen in self.block_generations:
            source = P.sources[b - 1]
            source = gen.sources(P.rows) if source is None else source
            terms.append(gen.weights.gradients(source, D[b]))
            terms += [gated.gradients(D[b], kept) for gated, kept in
                      zip(gen.gated, P.terms.get(b, ()))]
        terms = np.concatenate(terms)
        if self.rows_trained is not None:
            terms = terms[self.rows_trained]
        grad = np.bincount(self.rows_slots, weights=terms, minlength=self.theta_size)
        for b, gen in enumerate(self.generations, start=1):
            if gen.norm is not None:
                dgamma, dbeta = D.norms[b]
                grad[gen.norm.theta_index] += dgamma
                grad[gen.norm.theta_index + 1] += dbeta
        return grad

    def remember(self, P):
        """Fold the training forward pass P's batch statistics into the running averages."""
        for b, statistics in P.statistics.items():
            self.generations[b - 1].norm.remember(statistics)

    def read_weights(self):
        """The weights from the network's θ array: one gather per generation."""
        theta = self.store.values
        for generation in self.generations:
            generation.read_weights(theta)

    def write_weights(self):
        """The weights into the network's θ array: one scatter per generation."""
        theta = self.store.values
        for generation in self.generations:
            generation.write_weights(theta)

    def weights(self):
        """A copy of every generation's weight arrays, for :meth:`set_weights`."""
        return [(g.weights.copy(), g.bias.copy(), [gated.w.copy() for gated in g.gated],
                 None if g.norm is None else (g.norm.gamma.copy(), g.norm.beta.copy()))
                for g in self.generations]

    def largest_weight(self):
        """max |w_ij| over every edge (NaN if any weight is NaN)."""
        largest = 0.0
        for g in self.generations:
            norm = () if g.norm is None else (g.norm.gamma, g.norm.beta)
            for values in (g.slot_values(), *norm):
                if values.size:
                    largest = max(largest, float(np.max(np.abs(values))))
                    if np.isnan(values).any():
                        return math.nan
        return largest

    def set_weights(self, saved):
        """Put back the arrays :meth:`weights` copied."""
        for g, (w, b, gated_w, norm) in zip(self.generations, saved):
            g.weights.restore(w)
            g.bias.restore(b)
            for gated, values in zip(g.gated, gated_w):
                gated.w[...] = values
            if norm is not None:
                g.norm.gamma, g.norm.beta = norm[0].copy(), norm[1].copy()


def compile_batch(net):
    """The network's batch engine, kept in ``net.cache`` until the structure or an
    activation changes (the network empties its cache then); weights are re-read at
    every call."""
    engine = net.cache.get("batch")
    if engine is None:
        engine = net.cache["batch"] = BatchEngine(net.plan())
    engine.read_weights()
    return engine


def _steps(lr, batch, weight_decay, decay_bias):
    """The :class:`~.storage.Step` of the weights and that of the biases (λ = 0 for them when
    `decay_bias` is False)."""
    return Step(lr, batch, weight_decay), Step(lr, batch, weight_decay if decay_bias else 0.0)
