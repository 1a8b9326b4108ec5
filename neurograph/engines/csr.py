"""The batch engine's CSR generations together: one weights array, the pulling matrices,
and ∂J/∂w for all of them at once.

Random DAGs are deep and their generations thin (a few neurons, few shared sources),
where gathering sources into a block costs more than the product. There a generation is
a CSR matrix over the pass's rows (:class:`neurograph.engines.storage.CsrRows`): in_j is
read straight from the sources' rows, and the backward pass *pulls*: each generation's
Σ_k w_jk Δ_k is one CSR product of its outgoing edges with the rows of Δ. Their ∂J/∂w_ij
come neuron by neuron (its sources' rows times its Δ row) or, for a run of consecutive
generations, from one BLAS product with the rows their sources span, whichever costs less
for the batch at hand — or, for a batch of a few examples, for every edge at once from its
rows of A and Δ; their weights are stepped all at once.
"""

import numpy as np

from . import layout
from .storage import PublicCsr, descend_in_place

__all__ = ["CsrGenerations"]


class CsrGenerations:
    """The generations `chosen` for CSR rows (in order), their weights in one array.

    Builds each one's storage (:meth:`Generation.store`); :attr:`pulls` gives, for each
    block feeding them, the matrix of those outgoing edges (its neurons × the pass's
    rows, the same weights in its own order).
    """

    def __init__(self, chosen, offsets, bias):
        total = offsets[-1]
        self.w = np.zeros(sum(len(gen.sum_edges) for gen in chosen))
        first, targets, sources = 0, [], []
        for gen in chosen:
            gen.store(bias[gen.span], (total, self.w, first))
            first += len(gen.sum_edges)
            targets.append(gen.span.start + gen.weights.cols)
            sources.append(gen.weights.global_rows)
        self.trainable = np.concatenate([gen.weights.trainable for gen in chosen])
        targets, sources = np.concatenate(targets), np.concatenate(sources)
        self.targets, self.sources = targets, sources  # each weight's edge, as rows of a pass
        self.groups = self._runs(chosen, targets, sources)
        self.out_order = np.lexsort((targets, sources))  # by source, then target
        self.out_w = self.w[self.out_order]
        sources, targets = sources[self.out_order], targets[self.out_order]
        blocks = np.searchsorted(offsets, sources, side="right") - 1
        starts = np.searchsorted(blocks, np.arange(len(offsets) + 1))
        self.pulls = {}
        for b in range(1, len(offsets) - 1):
            first, last = starts[b], starts[b + 1]
            if last > first:
                width = offsets[b + 1] - offsets[b]
                local = sources[first:last] - offsets[b]
                indptr = np.concatenate([[0], np.cumsum(np.bincount(local, minlength=width))])
                self.pulls[b] = PublicCsr(self.out_w[first:last], targets[first:last],
                                          indptr, (width, total))

    @staticmethod
    def _runs(chosen, targets, sources):
        """Runs of consecutive CSR generations, about GROUP_WIDTH neurons each, for
        :meth:`gradients`: (blocks, the rows their sources span, their edges' places in the
        weights, those edges' entries in the product of the run's Δ with those rows, and the
        run's width, number of neurons with edges and number of edges)."""
        runs, run = [], []
        for gen in chosen:
            if run and (gen.span.start != run[-1].span.stop
                        or sum(g.width for g in run) >= layout.GROUP_WIDTH):
                runs.append(run)
                run = []
            run.append(gen)
        runs.append(run)
        groups = []
        for run in runs:
            flat = slice(run[0].weights.flat.start, run[-1].weights.flat.stop)
            rows, width = sources[flat], run[-1].span.stop - run[0].span.start
            low, high = int(rows.min()), int(rows.max()) + 1
            entries = (targets[flat] - run[0].span.start) * (high - low) + rows - low
            neurons = sum(len(gen.weights.segments) for gen in run)
            groups.append(([gen for gen in run], slice(low, high), flat, entries,
                           (width, high - low, neurons, flat.stop - flat.start)))
        return groups

    def refresh(self):
        """The pulling matrices' weights from :attr:`w` (before a backward pass)."""
        np.take(self.w, self.out_order, out=self.out_w)

    def gradients(self, A, D):
        """Σ over the batch of Δ_j a_i for every edge, in the order of :attr:`w`, from A and
        D, a pass's activations and Δ (neuron-major, a row per neuron). Each run of
        generations takes the cheaper way for this batch's size (see GRADIENT_PER_EDGE)."""
        n = A.shape[1]
        ways = []  # each run's cheaper way, and its cost
        for run, sources, flat, entries, (width, span, neurons, edges) in self.groups:
            by_neuron = (neurons * layout.PER_NEURON_CALL
                         + edges * n * layout.GRADIENT_PER_EDGE)
            by_block = width * span * n * layout.per_entry(width) + layout.PER_BLOCK_CALL
            ways.append((by_neuron <= by_block, min(by_neuron, by_block)))
        if len(self.w) * (layout.GATHER_PER_EDGE + n * layout.GATHER_PER_EDGE_EXAMPLE) \
                < sum(cost for _, cost in ways):  # few examples: every edge's rows at once
            return np.einsum("en,en->e", D[self.targets], A[self.sources])
        grad = np.empty(len(self.w))
        for (run, sources, flat, entries, _), (neuron_by_neuron, _) in zip(self.groups, ways):
            if neuron_by_neuron:
                for gen in run:
                    gen.weights.edge_gradients(A, D[gen.span], grad)
            else:
                delta_rows = D[run[0].span.start:run[-1].span.stop]
                np.take(delta_rows @ A[sources].T, entries, out=grad[flat])
        return grad

    def step(self, A, D, step):
        """An SGD :class:`~.storage.Step` of every trainable edge (Σ_e Δ_j a_i summed)."""
        descend_in_place(self.w, self.gradients(A, D), step, self.trainable)
