"""The batch engine on PyTorch tensors: a network as a ``torch.nn.Module``, for GPUs and clusters.

:class:`TorchNetwork` mirrors :class:`neurograph.engines.batch.BatchEngine` generation by
generation — the same topological generations, the same weight blocks (dense or edge
lists), the same order of operations — on tensors of any dtype and device. Its one
trainable parameter is θ, in the order of ``net.theta()``: every distinct trainable weight
(a tied group once), then each batch norm's γ and β; frozen weights are constant buffers.
Autograd gives ∂J/∂θ; each activation's g′ is the lecture's (``dg_from_a`` where there is
one) through a custom autograd function, so float64 results equal the reference engine's
to 1e-12. Built-in activations only: a user-made one is numpy code, which autograd cannot
follow.

PyTorch is an optional extra (``pip install "neurograph[torch]"``): it is imported when a
module is built, never by ``import neurograph``.
"""

import numpy as np

from ..errors import NetworkError
from .batch import BatchEngine

__all__ = ["TorchNetwork", "fingerprint", "import_torch", "torch_loss"]


def import_torch():
    try:
        import torch
    except ImportError:
        raise NetworkError("the torch engine needs PyTorch: pip install 'neurograph[torch]'") \
            from None
    return torch


def _functions(torch):
    """{activation name: (g, g′ from (a, in))} in torch, as the numpy engines compute them."""
    def logistic(z):
        return 1.0 / (1.0 + torch.exp(-z))
    return {
        "logistic": (logistic, lambda a, z: a * (1.0 - a)),
        "tanh": (torch.tanh, lambda a, z: 1.0 - a * a),
        "relu": (lambda z: torch.where(z > 0.0, z, torch.zeros_like(z)),
                 lambda a, z: (z > 0.0).to(z.dtype)),
        "leaky_relu": (lambda z: torch.where(z >= 0.0, z, 0.01 * z),
                       lambda a, z: torch.where(z > 0.0, torch.ones_like(z),
                                                torch.full_like(z, 0.01))),
        "softplus": (lambda z: torch.clamp(z, min=0.0) + torch.log1p(torch.exp(-torch.abs(z))),
                     lambda a, z: logistic(z)),
        "identity": (lambda z: z.clone(), lambda a, z: torch.ones_like(z)),
        "threshold": (lambda z: (z >= 0.0).to(z.dtype), lambda a, z: torch.zeros_like(z)),
    }


_ACTIVATE = {}


def _activation_function(torch):
    """A torch.autograd.Function computing a = g(in) with the lecture's g′ backwards."""
    if "function" not in _ACTIVATE:
        table = _functions(torch)

        class Activate(torch.autograd.Function):
            @staticmethod
            def forward(ctx, z, name):
                a = table[name][0](z)
                ctx.save_for_backward(a, z)
                ctx.name = name
                return a

            @staticmethod
            def backward(ctx, grad):
                a, z = ctx.saved_tensors
                return grad * table[ctx.name][1](a, z), None

        _ACTIVATE["function"] = Activate
        _ACTIVATE["names"] = set(table)
    return _ACTIVATE["function"]


def TorchNetwork(plan, dtype=None, device="cpu"):
    """A ``torch.nn.Module`` computing the network of `plan`; see :meth:`Network.to_torch`."""
    torch = import_torch()
    Activate = _activation_function(torch)
    # dense blocks and edge lists, for which torch has kernels of its own (the CSR rows are
    # the numpy engine's way round gathering)
    engine = BatchEngine(plan, sparse=False)
    engine.read_weights()
    for neuron, g, *_ in plan.forward:
        if not g.group and g.name not in _ACTIVATE["names"]:
            raise NetworkError(f"neuron {neuron.id}'s activation {g.name!r} is user-made (numpy "
                               f"code): the torch engine knows the built-in activations only")

    class Module(torch.nn.Module):
        """The network as tensors: θ (``self.theta``), then generation by generation."""

        def __init__(self):
            super().__init__()
            kind = dict(dtype=dtype or torch.float64, device=device)
            self.theta = torch.nn.Parameter(torch.tensor(engine.theta(), **kind))
            self.update_statistics = True  # in training mode, fold batch statistics in
            self.n_inputs, self.total = len(plan.inputs), engine.total
            self.layout = []
            for number, (gen, (slot, trainable)) in enumerate(zip(engine.generations,
                                                                  engine.theta_slots)):
                values = gen.slot_values()
                name = f"g{number}"
                cols = gen.source_columns
                if isinstance(cols, slice):
                    cols = np.arange(cols.start, cols.stop)
                # gathered (a copy) even where they run in a row: A is written in place
                # generation after generation, so no view of it may be kept for backward
                source = self._buffer(f"{name}_sources", torch.tensor(cols, dtype=torch.long,
                                                                      device=device))
                # a frozen edge's slot points past θ, at a zero (its value is the buffer's)
                self._buffer(f"{name}_slot", torch.tensor(np.where(slot >= 0, slot,
                                                                   len(plan.parameters)
                                                                   + 2 * len(plan.norms)),
                                                          device=device))
                self._buffer(f"{name}_trainable", torch.tensor(trainable, device=device))
                self._buffer(f"{name}_frozen", torch.tensor(values, **kind))
                long = dict(dtype=torch.long, device=device)
                if gen.dense:
                    self._buffer(f"{name}_flat", torch.tensor(gen.rows * gen.width + gen.cols,
                                                              **long))
                else:
                    self._buffer(f"{name}_rows", torch.tensor(gen.rows, **long))
                    self._buffer(f"{name}_cols", torch.tensor(gen.cols, **long))
                self._buffer(f"{name}_bias", torch.tensor(gen.bias_cols, **long))
                gated = []
                for k, item in enumerate(gen.gated):
                    self._buffer(f"{name}_gated{k}", torch.tensor(item.rows, **long))
                    gated.append((item.column, item.aggregation, item.has_bias, len(item.edges)))
                groups = [(g.name, g.group, None if isinstance(cols, slice) else
                           self._buffer(f"{name}_group{k}", torch.tensor(cols, **long)))
                          for k, (g, _, _, cols) in enumerate(gen.groups)]
                norms = None
                if gen.norms:
                    self._buffer(f"{name}_norm_cols", torch.tensor(gen.norm_cols, **long))
                    self._buffer(f"{name}_theta_gamma", torch.tensor(gen.norm_index, **long))
                    for field in ("running_mean", "running_var", "eps", "momentum"):
                        self._buffer(f"{name}_{field}", torch.tensor(
                            [getattr(norm, field) for norm in gen.norms], **kind))
                    norms = len(gen.norms)
                self.layout.append((name, gen.span, source, gen.dense, gen.n_sources,
                                    gen.width, len(gen.edges), len(gen.bias_edges), gated,
                                    groups, norms))
            self.group = [engine.offsets[b] + c for b, c in engine.group]
            self._buffer("group_ks", torch.tensor(engine.group_ks, dtype=torch.long,
                                                  device=device))
            self._buffer("group_rows", torch.tensor(self.group, dtype=torch.long,
                                                    device=device))
            self._buffer("output_rows", torch.tensor(
                [engine.offsets[b] + c for b, c in engine.output_places], dtype=torch.long,
                device=device))
            self.output_names = [g.name for g in plan.output_activations]
            self.ids = list(plan.order)

        def _buffer(self, name, value):
            self.register_buffer(name, value)
            return value

        def forward(self, X):
            """The outputs a_k for every row of X (examples × inputs)."""
            n = X.shape[0]
            A = X.new_empty((self.total, n))
            IN = X.new_zeros((self.total, n))
            A[:self.n_inputs] = X.T
            theta = torch.cat([self.theta, self.theta.new_zeros(1)])
            for (name, span, source, dense, n_sources, width, n_edges, n_bias, gated, groups,
                 norms) in self.layout:
                get = self.__getattr__
                values = torch.where(get(f"{name}_trainable"), theta[get(f"{name}_slot")],
                                     get(f"{name}_frozen"))
                w, first = values[:n_edges], n_edges
                b = values.new_zeros(width).index_add(0, get(f"{name}_bias"),
                                                      values[first:first + n_bias])
                first += n_bias
                src = A.index_select(0, source).T
                if dense:
                    W = values.new_zeros(n_sources * width).index_add(
                        0, get(f"{name}_flat"), w).view(n_sources, width)
                    z = src @ W + b
                else:
                    products = src.index_select(1, get(f"{name}_rows")) * w
                    z = (X.new_zeros((n, width)).index_add(1, get(f"{name}_cols"), products)
                         + b)
                for k, (column, aggregation, has_bias, count) in enumerate(gated):
                    terms = src.index_select(1, get(f"{name}_gated{k}"))
                    if has_bias:
                        terms = torch.cat([X.new_ones((n, 1)), terms], dim=1)
                    T = values[first:first + count] * terms
                    first += count
                    if aggregation == "max":  # the first maximum, as the numpy engines take
                        combined = T.gather(1, T.argmax(dim=1, keepdim=True))
                    else:
                        combined = T[:, :1]
                        for m in range(1, count):  # left to right, as the engines multiply
                            combined = combined * T[:, m:m + 1]
                    z = z.index_copy(1, torch.tensor([column], device=z.device), combined)
                a = z
                for g_name, group, cols in groups:
                    if group:
                        continue  # softmax: once the whole group's in_k are known
                    if cols is None:
                        a = Activate.apply(z, g_name)
                    else:
                        a = a.index_copy(1, cols, Activate.apply(z.index_select(1, cols),
                                                                 g_name))
                if norms:
                    a = self._normalize(name, a)
                IN[span] = z.T
                A[span] = a.T
            if self.group:
                Z = IN.index_select(0, self.group_rows).T
                G = torch.softmax(Z, dim=1)
                A = A.index_copy(0, self.group_rows, G.T)
                self.group_logits = Z
            self.output_logits = IN.index_select(0, self.output_rows).T
            return A.index_select(0, self.output_rows).T

        def _normalize(self, name, a):
            get = self.__getattr__
            cols = get(f"{name}_norm_cols")
            raw = a.index_select(1, cols)
            where = get(f"{name}_theta_gamma")
            gamma, beta = self.theta[where], self.theta[where + 1]
            eps = get(f"{name}_eps")
            if self.training:
                mean = raw.mean(dim=0)
                var = ((raw - mean) ** 2).mean(dim=0)
                out = gamma * (raw - mean) / torch.sqrt(eps + var) + beta
                if self.update_statistics:
                    with torch.no_grad():
                        m = get(f"{name}_momentum")
                        running_mean, running_var = (get(f"{name}_running_mean"),
                                                     get(f"{name}_running_var"))
                        running_mean.copy_((1.0 - m) * running_mean + m * mean)
                        running_var.copy_((1.0 - m) * running_var + m * var)
            else:
                out = (gamma * (raw - get(f"{name}_running_mean"))
                       / torch.sqrt(eps + get(f"{name}_running_var")) + beta)
            return a.index_copy(1, cols, out)

        def statistics(self):
            """[(running_mean, running_var)] of each batch norm, generation by generation."""
            out = []
            for name, *_, norms in self.layout:
                if norms:
                    out += list(zip(self.__getattr__(f"{name}_running_mean").tolist(),
                                    self.__getattr__(f"{name}_running_var").tolist()))
            return out

        def extra_repr(self):
            return (f"neurons={len(self.ids)}, generations={len(self.layout)}, "
                    f"parameters={self.theta.numel()}")

    module = Module()
    module.fingerprint = fingerprint(plan)
    return module


def fingerprint(plan):
    """What a module must match to be loaded back into a network: ids, edges, θ's size."""
    edges = [(i.id, j.id) for j, _, incoming, *_ in plan.forward for i, _ in incoming]
    return (tuple(plan.order), tuple(edges), len(plan.parameters),
            len(plan.norms))


def torch_loss(torch, loss, outputs, Y, module):
    """The mean over the batch of ℓ, as the numpy engines compute it (from in_k where they do)."""
    names = module.output_names
    z = module.output_logits
    if loss.name in ("squared", "half_squared"):
        total = ((Y - outputs) ** 2).sum(dim=1)
        return (0.5 * total if loss.name == "half_squared" else total).mean()
    if loss.name == "log":
        if all(name == "logistic" for name in names):  # y softplus(−in) + (1 − y) softplus(in)
            return (Y * _softplus(torch, -z) + (1 - Y) * _softplus(torch, z)).sum(dim=1).mean()
        return -(Y * torch.log(outputs) + (1 - Y) * torch.log(1 - outputs)).sum(dim=1).mean()
    if loss.name == "cross_entropy":
        if names and all(name == "softmax" for name in names):
            Y = Y.index_select(1, module.group_ks)  # the group's order
            return -(Y * torch.log_softmax(module.group_logits, dim=1)).sum(dim=1).mean()
        return -(torch.where(Y > 0, Y * torch.log(outputs), torch.zeros_like(Y))).sum(
            dim=1).mean()
    raise NetworkError(f"the torch engine knows the built-in losses; received {loss.name!r}")


def _softplus(torch, z):
    """softplus with σ as its derivative everywhere (at 0 too, where clamp's would be 1)."""
    return _activation_function(torch).apply(z, "softplus")
