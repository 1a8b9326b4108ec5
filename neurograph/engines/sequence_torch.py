"""BPTT on PyTorch tensors: the numpy engine's pass through time, differentiated by autograd.

The same lanes, levels, blocks of W_d and groups of max/product neurons as
:class:`~neurograph.engines.sequence_batch.SequenceBatch` (whose compiled structure it reads),
computed with torch on any device; the gradient is autograd's, through each activation's own
g′ (the torch engine's :func:`~neurograph.engines.tensor.activation_function`) and each
aggregation's :meth:`~neurograph.model.aggregations.Aggregation.combine_columns`. The tests hold
it to the reference to 1e-12 in float64. Truncated BPTT stays with the other two engines.
"""

import numpy as np

from ..errors import NetworkError
from .tensor import activation_function, import_torch, where_to

__all__ = ["SequenceTorch"]


class SequenceTorch:
    """BPTT on torch tensors for a compiled :class:`SequenceBatch` (`batch`)."""

    def __init__(self, batch, device=None, dtype=None):
        self.torch = torch = import_torch()
        self.dtype, self.device = where_to(torch, dtype, device)
        self.batch = batch

    def tensor(self, values, dtype=None):
        return self.torch.as_tensor(np.asarray(values), dtype=dtype or self.dtype,
                                    device=self.device)

    def index(self, values):
        return self.torch.as_tensor(np.asarray(values, dtype=np.int64), device=self.device)

    def run(self, w, X, Y, loss, truncate=None, gradient=True):
        """(Σ ℓ, its gradient over θ as a numpy array or None, outputs (n, T, outputs))."""
        if truncate is not None:
            raise NetworkError("truncated BPTT runs on engine='reference' or 'vectorized'; the "
                               "torch engine computes full BPTT")
        torch, batch = self.torch, self.batch
        theta = self.tensor(w)
        if gradient:
            theta.requires_grad_(True)
        A, IN = self.forward(theta, X)
        D, outputs_at = batch.D, self.index(batch.outputs)
        out = torch.stack([A[D + t].index_select(1, outputs_at)
                           for t in range(1, X.shape[1] + 1)], dim=1)
        outputs = out.detach().cpu().numpy()
        if Y is None:
            return 0.0, None, outputs
        total = self.loss(A, IN, Y, loss)
        if not gradient:
            return float(total), None, outputs
        grad = None
        if total.requires_grad:  # (no target at all: J = 0, a constant)
            grad, = torch.autograd.grad(total, theta, allow_unused=True)
        grad = np.zeros(len(w)) if grad is None else grad.detach().cpu().numpy()
        return float(total.detach()), grad[:batch.trainable], outputs

    def forward(self, theta, X):
        """a(t) and in(t) as lists of (sequences × lanes) tensors, t = 1 − D … T."""
        torch, batch = self.torch, self.batch
        n, T = X.shape[:2]
        D, P = batch.D, batch.P
        Activate = activation_function(torch)
        zero = torch.zeros((n, P), dtype=self.dtype, device=self.device)
        A, IN = [zero] * (D + 1), [zero] * (D + 1)
        X = self.tensor(X)
        inputs = self.index(batch.inputs)

        def lanes(cols):
            return cols if isinstance(cols, slice) else self.index(cols)

        def span(lo, hi):
            return self.index(np.arange(lo, hi))

        blocks = [[(d, lanes(cols), _matrix(torch, theta, block, zero))
                   for d, cols, block in level.into + level.into_free]
                  for level in batch.levels]
        for t in range(1, T + 1):
            r = D + t
            a_t = zero.index_fill(1, self.index([0]), 1.0).index_copy(1, inputs, X[:, t - 1])
            in_t = zero
            for level, into in zip(batch.levels, blocks):
                if into:
                    z = sum((a_t if d == 0 else A[r - d])[:, cols] @ W for d, cols, W in into)
                    in_t = in_t.index_copy(1, span(level.sums.start, level.sums.stop), z)
                for gate in level.gated:
                    terms = [[] for _ in range(gate.n_terms)]
                    for m, _, _, d, cols, slots, _, _ in gate.parts:
                        earlier = a_t if d == 0 else A[r - d]
                        terms[m].append(theta[self.index(slots)] * earlier[:, lanes(cols)])
                    terms = torch.stack([torch.cat(parts, dim=1) for parts in terms],
                                        dim=2)  # (n × k × m)
                    rows = terms.reshape(-1, terms.shape[2])
                    combined = gate.combine.combine_columns(rows, torch).reshape(n, -1)
                    in_t = in_t.index_copy(1, span(gate.lo, gate.hi), combined)
                for g, _, lo, hi, _, _ in level.runs:
                    a_t = a_t.index_copy(1, span(lo, hi), Activate.apply(in_t[:, lo:hi], g))
            if len(batch.group):
                at = self.index(batch.group)
                a_t = a_t.index_copy(1, at, torch.softmax(in_t.index_select(1, at), dim=1))
            A.append(a_t)
            IN.append(in_t)
        return A, IN

    def loss(self, A, IN, Y, loss):
        """Σ over sequences and the time steps with a target of ℓ(y(t), a(t)), as a tensor."""
        torch, batch = self.torch, self.batch
        Activate = activation_function(torch)
        outputs_at = self.index(batch.outputs)
        total = torch.zeros((), dtype=self.dtype, device=self.device)
        gs = batch.output_g
        common = gs[0] if all(g is gs[0] for g in gs) else None
        for t in range(1, Y.shape[1] + 1):
            rows = np.flatnonzero(~np.isnan(Y[:, t - 1, 0]))
            if not len(rows):
                continue
            chosen = self.index(rows)
            y = self.tensor(Y[rows, t - 1])
            a = A[batch.D + t].index_select(0, chosen).index_select(1, outputs_at)
            z = IN[batch.D + t].index_select(0, chosen).index_select(1, outputs_at)
            if len(batch.group) and loss.group_exact:
                ks = self.index(batch.group_k)
                total = total - (y.index_select(1, ks) * torch.log_softmax(
                    z.index_select(1, ks), dim=1)).sum()
                others = [k for k, g in enumerate(gs) if not g.group]
                if not others:
                    continue
                at = self.index(others)
                y, a, z = y.index_select(1, at), a.index_select(1, at), z.index_select(1, at)
            if loss.array_value is None:
                raise NetworkError(f"the torch engine needs the loss's array form "
                                   f"(array_value); loss {loss.name!r} has none")
            total = total + loss.array_value(y, a, z, common, torch,
                                             lambda g, x: Activate.apply(x, g)).sum()
        return total


def _matrix(torch, theta, block, like):
    """A block of W_d built from θ (differentiable in θ)."""
    rows, cols, slots, shape = block
    matrix = torch.zeros(shape, dtype=like.dtype, device=like.device)
    if len(slots):
        index = (torch.as_tensor(rows, device=like.device),
                 torch.as_tensor(cols, device=like.device))
        matrix = matrix.index_put(index, theta[torch.as_tensor(slots, device=like.device)])
    return matrix
