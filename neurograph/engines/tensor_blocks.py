"""The torch engine's packed path: each depth of the network one dense weight block, with the
backward pass written out (no autograd graph).

PyTorch spends 5–10 µs on any operation, however small, on the CPU; the autograd module of
:mod:`neurograph.engines.tensor` makes about 30 of them per generation forward and backward.
:class:`TorchBlocks` makes a network's depth d (the neurons one more than their deepest
source, :attr:`Plan.depth`) a few: its sources gathered from one buffer of activations (a
slice where they lie in a row, as in a layered network), one ``addmm`` with the block
W_d (neurons × sources; an absent edge a zero) and the bias column, and g on each run of
neurons of one activation (the depth's neurons are ordered by activation, so that a run is
a slice). Backwards, the lecture's Δ_j = g′(in_j) Σ_k w_jk Δ_k depth by depth: Δ of the
depth from ∂J/∂a_j and the activation's own g′ (:meth:`Activation.dg_xp`), the block's
∂J/∂w_ij = Σ_examples Δ_j a_i as one matrix product, and ∂J/∂a_i of its sources as another.
The gradient of each θ entry is then gathered from the blocks (a tied weight's edges summed,
frozen edges left out). In float64 it equals the reference engine's to 1e-12.

A softmax group (whose neurons feed no other) is packed where it is every output, trained with
cross-entropy, at one depth. What it cannot pack — batch normalization, max and product
neurons, another softmax group, delay edges, a loss or an activation without array forms,
depths so sparse that dense blocks would waste memory (:data:`SPARSE_BEYOND`) —
:func:`unpacked_reason` names, and ``fit`` then takes the autograd module and warns a
:class:`~neurograph.SlowPathWarning`.
"""

import numpy as np

__all__ = ["SPARSE_BEYOND", "TorchBlocks", "activate", "block_entries", "delta_of",
           "unpacked_reason"]


def unpacked_reason(plan, loss):
    """Why the network of `plan` trained with `loss` cannot be packed into blocks.

    Parameters
    ----------
    plan : Plan
        ``net.plan()``.
    loss : Loss
        The loss it would be trained with.

    Returns
    -------
    str or None
        A phrase for the warning (``"neuron 3 has a batch norm"``), or None where it can be
        packed.
    """
    if plan.delayed:
        return "it has delay edges (a recurrent network)"
    if plan.norms:
        return f"neuron {plan.norms[0][0].id} has a batch norm"
    for neuron, g, _, combine, _ in plan.forward:
        if combine is not None:
            return f"neuron {neuron.id} has the {combine} aggregation"
        if not g.group and not g.on_any_array:
            return f"neuron {neuron.id}'s activation {g.name!r} has no array forms"
    if loss.array_value is None or (
            loss.array_error is None
            and not all(loss.exact(g) for g in plan.output_activations)):
        return f"the loss {loss.name!r} has no array forms (array_value, array_error)"
    if plan.group:
        members = {neuron.id for neuron, _ in plan.group}
        depths = {plan.depth[j] for j in members}
        if not loss.group_exact or len(members) != len(plan.outputs):
            return (f"its softmax group is trained with the loss {loss.name!r} or beside "
                    f"other outputs (packed: every output in the group, with cross-entropy)")
        if len(depths) > 1:
            return f"its softmax group is spread over {len(depths)} depths"
    entries = block_entries(plan)
    if entries > SPARSE_BEYOND * len(plan.edges) + 4096:
        return (f"its depths are sparse: their dense blocks would hold {entries:,} entries "
                f"for {len(plan.edges):,} edges")
    return None


SPARSE_BEYOND = 8
"""A network whose depths' dense blocks would hold more than this many entries per edge (and
4,096 more) is left to the autograd module, which keeps sparse generations as edge lists: a
deep non-layered DAG's depths draw on most of the neurons before them."""


def block_entries(plan):
    """How many numbers the dense blocks of `plan` would hold.

    Parameters
    ----------
    plan : Plan
        ``net.plan()``.

    Returns
    -------
    int
        Σ over the depths of width × (distinct sources + 1 for the bias).
    """
    widths, sources = {}, {}
    for neuron_j, _, incoming, _, _ in plan.forward:
        depth = plan.depth[neuron_j.id]
        widths[depth] = widths.get(depth, 0) + 1
        sources.setdefault(depth, set()).update(neuron_i.id for neuron_i, _ in incoming
                                                if neuron_i.id != 0)
    return sum(width * (len(sources[depth]) + 1) for depth, width in widths.items())


def activate(g, in_, out, torch):
    """a = g(in_) written into the tensor `out`: PyTorch's own kernel where the activation
    names one (:attr:`Activation.torch_kernels`), else its array form (:meth:`Activation.g_xp`).

    Examples
    --------
    >>> import math, torch
    >>> import neurograph as ng
    >>> a = torch.empty(2, dtype=torch.float64)
    >>> activate(ng.get_activation("tanh"), torch.tensor([0.0, 1.0], dtype=torch.float64), a,
    ...          torch).tolist() == [0.0, math.tanh(1.0)]
    True
    """
    if g.group:  # softmax: over the group, which is these rows (a depth's neurons)
        return out.copy_(torch.softmax(in_, dim=0))
    if g.torch_kernels:
        return getattr(torch, g.torch_kernels[0])(in_, out=out)
    return out.copy_(g.g_xp(in_, torch))


def delta_of(g, d_a, a, in_, torch):
    """Δ = ∂J/∂a · g′(in_) on tensors, g′ as the lecture takes it (:meth:`Activation.dg_xp`):
    one PyTorch kernel where the activation names one.

    Examples
    --------
    >>> import torch
    >>> import neurograph as ng
    >>> a = torch.tensor([0.5, 0.25], dtype=torch.float64)   # a_j = σ(in_j)
    >>> delta_of(ng.get_activation("logistic"), torch.ones(2, dtype=torch.float64), a, None,
    ...          torch).tolist()   # a (1 − a)
    [0.25, 0.1875]
    """
    if g.group:  # the group's Δ is the loss's exact one alone (nothing else feeds it)
        return torch.zeros_like(a)
    if g.torch_kernels:
        return getattr(torch.ops.aten, g.torch_kernels[1])(d_a, a)
    return d_a * g.dg_xp(a, in_, torch)


class TorchBlocks:
    """The network of `plan` as one dense weight block per depth, on torch tensors.

    Parameters
    ----------
    plan : Plan
        A network :func:`unpacked_reason` accepts.
    loss : Loss
    torch : module
    dtype, device
        Checked already (:func:`neurograph.engines.tensor.where_to`).

    Attributes
    ----------
    weights : torch.Tensor
        θ, then the frozen weights, then a 0 (what an absent edge of a block reads).
    theta : torch.Tensor
        θ: the first ``plan.size`` entries of `weights`, a view (written in place).
    """

    def __init__(self, plan, loss, torch, dtype, device):
        self.torch, self.loss = torch, loss
        kind = dict(dtype=dtype, device=device)
        long = dict(dtype=torch.long, device=device)
        size = plan.size
        memory = np.asarray(plan.store.values[:plan.store.size], dtype=float)
        zero = len(memory)
        self.weights = torch.tensor(np.append(memory, 0.0), **kind)
        self.theta = self.weights[:size]
        depths = {}
        for row in plan.forward:
            depths.setdefault(plan.depth[row[0].id], []).append(row)
        position = {neuron.id: k for k, neuron in enumerate(plan.inputs)}
        gather, self.levels = [], []
        top = len(plan.inputs)
        for depth in sorted(depths):
            rows = sorted(depths[depth], key=lambda row: (row[1].name, row[0].id))
            for k, row in enumerate(rows):
                position[row[0].id] = top + k
            width = len(rows)
            sources = sorted({position[neuron_i.id] for row in rows
                              for neuron_i, _ in row[2] if neuron_i.id != 0})
            column = {row_i: c for c, row_i in enumerate(sources)}
            W = np.full((width, len(sources)), zero)
            b = np.full(width, zero)
            for r, (_, _, incoming, _, _) in enumerate(rows):
                for neuron_i, edge in incoming:
                    if neuron_i.id == 0:
                        b[r] = edge.slot
                    else:
                        W[r, column[position[neuron_i.id]]] = edge.slot
            at = sum(len(part) for part in gather)
            gather += [W.ravel(), b]
            if sources and sources == list(range(sources[0], sources[-1] + 1)):
                read = slice(sources[0], sources[-1] + 1)  # in a row: a view, no gather
            else:
                read = torch.tensor(sources, **long)
            runs, first = [], 0
            for k in range(1, width + 1):
                if k == width or rows[k][1] is not rows[first][1]:
                    runs.append((rows[first][1], slice(top + first, top + k)))
                    first = k
            self.levels.append((slice(top, top + width), read, len(sources), at, runs,
                                depth > 1 or any(s >= len(plan.inputs) for s in sources)))
            top += width
        self.total, self.n_inputs = top, len(plan.inputs)
        self.output_rows = torch.tensor([position[neuron.id] for neuron in plan.outputs],
                                        **long)
        self.outputs_at = [position[neuron.id] for neuron in plan.outputs]
        self.output_activations = list(plan.output_activations)
        gs = self.output_activations
        self.common = gs[0] if gs and all(g is gs[0] for g in gs) else None
        self.exact_at = [(k, row) for k, (g, row) in enumerate(zip(gs, self.outputs_at))
                         if loss.exact(g)]
        self.all_exact = bool(gs) and all(loss.exact(g) for g in gs)
        self.group = bool(plan.group)  # then every output is in it (unpacked_reason)
        slots = np.concatenate(gather) if gather else np.zeros(0, dtype=int)
        self.gather = torch.tensor(slots, **long)
        trainable = np.flatnonzero(slots < size)  # the block entries that are θ's
        self.from_block = torch.tensor(trainable, **long)
        self.into_theta = torch.tensor(slots[trainable], **long)
        self.size, self.n_block = size, len(slots)
        # every block W_d and bias column b_d: views of one vector, gathered from `weights`
        # at the start of each forward pass (and read by the backward pass that follows it)
        self.flat = self.weights.new_empty(len(slots))
        self.G = self.weights.new_empty(len(slots))  # ∂J/∂(each block entry), laid out alike
        self.blocks = []
        for span, _, n_sources, at, _, _ in self.levels:
            width, end = span.stop - span.start, at + (span.stop - span.start) * n_sources
            self.blocks.append(tuple(vector[a:b].view(width, columns)
                                     for vector in (self.flat, self.G)
                                     for a, b, columns in ((at, end, n_sources),
                                                           (end, end + width, 1))))
        self.spaces = {}

    def _space(self, n):
        """The buffers of a pass over n examples and their views, made once for each n:
        A (a_j), IN (in_j), dA (∂J/∂a_j), delta (Δ_j), neurons × examples."""
        if n not in self.spaces:
            A, IN, dA, delta = (self.weights.new_empty((self.total, n)) for _ in range(4))
            levels = []
            for (span, read, n_sources, at, runs, onwards), block in zip(self.levels,
                                                                         self.blocks):
                here = [(k, row - span.start) for k, row in self.exact_at
                        if span.start <= row < span.stop]
                levels.append((
                    IN[span], delta[span], read,
                    A[read] if isinstance(read, slice) else None,
                    dA[read] if isinstance(read, slice) else None,
                    [(g, A[rows], IN[rows], dA[rows], delta[rows]) for g, rows in runs],
                    block, onwards, here))
            if len(self.spaces) > 4:  # a few sizes at a time (the batch, the last, all)
                self.spaces.clear()
            self.spaces[n] = (A, IN, dA, levels)
        return self.spaces[n]

    def forward(self, X):
        """(A, IN): a_j and in_j of every neuron (rows, in the blocks' order) for each
        example (columns) of X (examples × inputs). Both are buffers of this object, written
        again by the next pass over as many examples."""
        torch = self.torch
        A, IN, _, levels = self._space(X.shape[0])
        A[:self.n_inputs] = X.T
        torch.index_select(self.weights, 0, self.gather, out=self.flat)
        for in_, _, read, source, _, runs, (W, b, _, _), _, _ in levels:
            if source is None:
                source = A.index_select(0, read)
            torch.addmm(b, W, source, out=in_)  # in_j = Σ_i w_ij a_i + w_0j, a depth at once
            for g, a, z, _, _ in runs:
                activate(g, z, a, torch)
        return A, IN

    def outputs(self, A):
        """a_k of the outputs, examples × outputs."""
        return A.index_select(0, self.output_rows).T

    def cost(self, A, IN, Y):
        """J: the mean over the examples of Σ_k ℓ (the loss's array form)."""
        a, z = self.outputs(A), IN.index_select(0, self.output_rows).T
        if self.group:  # −Σ_k y_k log softmax(in)_k, from in_k as the other engines take it
            return -(Y * self.torch.log_softmax(z, dim=1)).sum(dim=1).mean()
        ell = self.loss.array_value(Y, a, z, self.common, self.torch,
                                    lambda g, in_: g.g_xp(in_, self.torch))
        return ell.sum(dim=1).mean()

    def gradient(self, X, A, IN, Y):
        """∂J/∂θ (J the mean over the examples) from the forward pass just made, (A, IN),
        backwards depth by depth."""
        torch = self.torch
        n = X.shape[0]
        _, _, dA, levels = self._space(n)
        a = self.outputs(A)
        dA.zero_()  # ∂J/∂a_j, summed as the depths above are done
        if not self.all_exact:
            dA.index_copy_(0, self.output_rows, self.loss.array_error(Y, a, torch).T / n)
        exact = None  # Δ_k = a_k − y_k (log, logistic), a_k Σ_m y_m − y_k (softmax group)
        if self.exact_at:
            exact = ((a * Y.sum(dim=1, keepdim=True) if self.group else a) - Y).T / n
        for _, delta, read, source, d_source, runs, (W, _, GW, Gb), onwards, here \
                in reversed(levels):
            if len(runs) == 1:  # Δ_j = g′(in_j) ∂J/∂a_j
                g, a_j, in_j, d_a, _ = runs[0]
                delta = delta_of(g, d_a, a_j, in_j, torch)
            else:
                for g, a_j, in_j, d_a, delta_j in runs:
                    delta_j.copy_(delta_of(g, d_a, a_j, in_j, torch))
            for k, row in here:
                delta[row] += exact[k]
            if source is None:
                source = A.index_select(0, read)
            torch.mm(delta, source.T, out=GW)  # ∂J/∂w_ij = Σ_examples Δ_j a_i
            torch.sum(delta, dim=1, keepdim=True, out=Gb)
            if onwards:  # ∂J/∂a_i of the sources: Σ_j w_ij Δ_j
                if d_source is not None:
                    d_source.addmm_(W.T, delta)
                else:
                    dA.index_add_(0, read, W.T @ delta)
        return self.theta.new_zeros(self.size).index_add_(0, self.into_theta,
                                                           self.G[self.from_block])
