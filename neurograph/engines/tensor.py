"""The batch engine on PyTorch tensors: a network as a ``torch.nn.Module``, for GPUs and clusters.

:class:`TorchNetwork` mirrors :class:`neurograph.engines.batch.BatchEngine` generation by
generation — the same topological generations, the same weight blocks (dense or edge
lists), the same order of operations — on tensors of any dtype and device. Its one
trainable parameter is θ, in the order of ``net.theta()``: every distinct trainable weight
(a tied group once), then each batch norm's γ and β; frozen weights are constant buffers.
Autograd gives ∂J/∂θ; each activation's g and g′ are its own array forms
(:meth:`Activation.g_xp`, :meth:`Activation.dg_xp`: the lecture's g′, from a_j where there is
one) through a custom autograd function, and ℓ the loss's (:attr:`Loss.array_value`), so
float64 results equal the reference engine's to 1e-12. A user-made activation or loss
needs those array forms too.

PyTorch is an optional extra (``pip install "neurograph[torch]"``): it is imported when a
module is built, never by ``import neurograph``.
"""

import numpy as np

from .. import checks
from ..errors import NetworkError, describe, excerpt
from .batch import BatchEngine

__all__ = ["TorchNetwork", "activation_function", "fingerprint", "import_torch", "module_state",
           "torch_loss", "where_to"]


def import_torch():
    try:
        import torch
    except ImportError:
        raise NetworkError("the torch engine needs PyTorch: pip install 'neurograph[torch]'") \
            from None
    return torch


_ACTIVATE = {}


def _activation_function(torch):
    """A torch.autograd.Function computing a = g(in) with the lecture's g′ backwards: each
    activation's own array forms (:meth:`Activation.g_xp`, :meth:`Activation.dg_xp`)."""
    if "function" not in _ACTIVATE:
        class Activate(torch.autograd.Function):
            @staticmethod
            def forward(ctx, z, g):
                a = g.g_xp(z, torch)
                ctx.save_for_backward(a, z)
                ctx.g = g
                return a

            @staticmethod
            def backward(ctx, grad):
                a, z = ctx.saved_tensors
                return grad * ctx.g.dg_xp(a, z, torch), None

        _ACTIVATE["function"] = Activate
    return _ACTIVATE["function"]


def activation_function(torch):
    """The torch.autograd.Function a = g(in) with the lecture's g′ (for the other torch
    engines: :mod:`neurograph.engines.sequence_torch`)."""
    return _activation_function(torch)


def where_to(torch, dtype, device):
    """(dtype, device) checked: a floating-point ``torch.dtype`` (None: float64) and a device
    torch knows, is available here and that holds numbers (not "meta"; None: "cpu").

    Raises
    ------
    NetworkError
        Saying what was expected and what was received.
    """
    dtype = torch.float64 if dtype is None else dtype
    device = "cpu" if device is None else device
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise NetworkError(f"dtype must be a floating-point torch.dtype, such as torch.float64 "
                           f"(the default) or torch.float32; received {describe(dtype)}")
    try:
        place = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise NetworkError(f"device must be a device torch knows, such as 'cpu' or 'cuda'; "
                           f"received {describe(device)}") from None
    if place.type == "meta":
        raise NetworkError("device 'meta' holds no numbers (only shapes): a network on it "
                           "could neither compute nor train; use 'cpu' or 'cuda'")
    try:
        torch.zeros(1, dtype=dtype, device=place)
    except (RuntimeError, AssertionError, TypeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unavailable"
        raise NetworkError(f"device {describe(str(place))} cannot be used here: "
                           f"{excerpt(reason, 120)}") from None
    return dtype, place


def module_state(module, plan):
    """(θ, [(running_mean, running_var)]) of a :meth:`Network.to_torch` module made from the
    network of `plan`, every number checked as the network's setters check it: θ's length,
    each weight within ±WEIGHT_LIMIT, each statistic by the batch norm's rules.

    Raises
    ------
    NetworkError
        For anything else (another structure, a θ that is not a floating-point tensor,
        NaN or infinite values), before anything is loaded.
    """
    torch = import_torch()
    if getattr(module, "fingerprint", None) is None:
        raise NetworkError(f"load_torch takes a module made by net.to_torch(); received "
                           f"{describe(module)}")
    if module.fingerprint != fingerprint(plan):
        raise NetworkError("this module was made from a network of another structure "
                           "(other neurons, edges, ties or batch norms)")
    theta = getattr(module, "theta", None)
    if not isinstance(theta, torch.Tensor) or not theta.is_floating_point() \
            or theta.device.type == "meta":
        raise NetworkError(f"the module's theta must be a floating-point tensor holding "
                           f"numbers; received {describe(theta)}")
    theta = checks.weights(theta.detach().cpu().double().numpy(), plan.size,
                           "the module's θ")
    try:
        statistics = [(float(mean), float(var)) for mean, var in module.statistics()]
    except (AttributeError, TypeError, ValueError, RuntimeError) as error:
        raise NetworkError(f"the module's batch-norm statistics cannot be read: "
                           f"{excerpt(error, 120)}") from None
    if len(statistics) != len(plan.norms):
        raise NetworkError(f"the module has {len(statistics)} batch norms' statistics; the "
                           f"network has {len(plan.norms)} batch norms")
    for (neuron, _), (mean, var) in zip(plan.norms, statistics):
        for name, value in (("running_mean", mean), ("running_var", var)):
            try:
                checks.BATCH_NORM[name](value)
            except NetworkError as error:
                raise NetworkError(f"the module's statistics of neuron {neuron.id}: "
                                   f"{error}; nothing was loaded") from None
    return theta, statistics


def TorchNetwork(plan, dtype=None, device="cpu"):
    """A ``torch.nn.Module`` computing the network of `plan`; see :meth:`Network.to_torch`."""
    torch = import_torch()
    dtype, device = where_to(torch, dtype, device)
    Activate = _activation_function(torch)
    # dense blocks and edge lists, for which torch has kernels of its own (the CSR rows are
    # the numpy engine's way round gathering)
    engine = BatchEngine(plan, sparse=False)
    engine.read_weights()
    for neuron, g, *_ in plan.forward:
        if not g.group and not g.on_any_array:
            raise NetworkError(f"neuron {neuron.id}'s activation {g.name!r} is user-made with "
                               f"no array form for torch (array_g, and dg_from_a or array_dg): "
                               f"the torch engine needs one")

    class Module(torch.nn.Module):
        """The network as tensors: θ (``self.theta``), then generation by generation."""

        def __init__(self):
            super().__init__()
            kind = dict(dtype=dtype, device=device)
            self.theta = torch.nn.Parameter(torch.tensor(engine.theta(), **kind))
            self.update_statistics = True  # in training mode, fold batch statistics in
            self.n_inputs, self.total = len(plan.inputs), engine.total
            self.layout = []
            # Dense generations read W and b from one gather of (θ, frozen weights, 0) per
            # forward pass: `gather` holds, for each such generation in turn, the place in
            # that vector of each W[source, neuron] (row by row) and each b[neuron]
            size, zero = len(engine.theta()), -1  # (-1: the 0 at the end, placed below)
            frozen, gather = [], []
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
                edges = gen.weights
                if edges.dense:
                    self._buffer(f"{name}_flat", torch.tensor(edges.rows * gen.width + edges.cols,
                                                              **long))
                else:
                    self._buffer(f"{name}_rows", torch.tensor(edges.rows, **long))
                    self._buffer(f"{name}_cols", torch.tensor(edges.cols, **long))
                self._buffer(f"{name}_bias", torch.tensor(gen.bias.cols, **long))
                gated = []
                for k, item in enumerate(gen.gated):
                    self._buffer(f"{name}_gated{k}", torch.tensor(item.rows, **long))
                    gated.append((item.column, item.aggregation, item.has_bias, len(item.edges)))
                groups = [(g, g.group, None if isinstance(cols, slice) else
                           self._buffer(f"{name}_group{k}", torch.tensor(cols, **long)))
                          for k, (g, _, _, cols) in enumerate(gen.groups)]
                norms = None
                if gen.norm is not None:
                    self._buffer(f"{name}_norm_cols", torch.tensor(gen.norm.cols, **long))
                    self._buffer(f"{name}_theta_gamma", torch.tensor(gen.norm.theta_index,
                                                                     **long))
                    for field in ("running_mean", "running_var", "eps", "momentum"):
                        self._buffer(f"{name}_{field}", torch.tensor(
                            [getattr(norm, field) for norm in gen.norm.norms], **kind))
                    norms = len(gen.norm.norms)
                at = None  # where this generation's W and b start in the gathered vector
                if edges.dense and not gated:
                    place = np.where(trainable, slot, 0)
                    for e in np.flatnonzero(~trainable):
                        place[e] = size + len(frozen)
                        frozen.append(values[e])
                    W = np.full(gen.n_sources * gen.width, zero)
                    W[edges.rows * gen.width + edges.cols] = place[:len(edges.edges)]
                    b = np.full(gen.width, zero)
                    b[gen.bias.cols] = place[len(edges.edges):len(edges.edges)
                                             + len(gen.bias.edges)]
                    at = sum(len(part) for part in gather)
                    gather += [W, b]
                self.layout.append((name, gen.span, source, edges.dense, gen.n_sources,
                                    gen.width, len(edges.edges), len(gen.bias.edges), gated,
                                    groups, norms, at))
            ends = np.concatenate(gather) if gather else np.zeros(0, dtype=int)
            ends[ends == zero] = size + len(frozen)
            self._buffer("frozen_and_zero", torch.tensor(frozen + [0.0], **kind))
            self._buffer("gather", torch.tensor(ends, dtype=torch.long, device=device))
            self.all_gathered = all(row[-1] is not None for row in self.layout)
            self.group = [engine.offsets[b] + c for b, c in engine.group]
            self._buffer("group_ks", torch.tensor(engine.group_ks, dtype=torch.long,
                                                  device=device))
            self._buffer("group_rows", torch.tensor(self.group, dtype=torch.long,
                                                    device=device))
            self._buffer("output_rows", torch.tensor(
                [engine.offsets[b] + c for b, c in engine.output_places], dtype=torch.long,
                device=device))
            self.output_activations = list(plan.output_activations)
            self.output_names = [g.name for g in self.output_activations]
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
            gathered = torch.cat([self.theta, self.frozen_and_zero])[self.gather]
            theta = None if self.all_gathered else torch.cat([self.theta,
                                                               self.theta.new_zeros(1)])
            for (name, span, source, dense, n_sources, width, n_edges, n_bias, gated, groups,
                 norms, at) in self.layout:
                get = self.__getattr__
                src = A.index_select(0, source).T
                if at is not None:  # dense, sums only: W and b are slices of `gathered`
                    W = gathered[at:at + n_sources * width].view(n_sources, width)
                    at += n_sources * width
                    z = src @ W + gathered[at:at + width]
                else:
                    values = torch.where(get(f"{name}_trainable"), theta[get(f"{name}_slot")],
                                         get(f"{name}_frozen"))
                    w, first = values[:n_edges], n_edges
                    b = values.new_zeros(width).index_add(0, get(f"{name}_bias"),
                                                          values[first:first + n_bias])
                    first += n_bias
                    if dense:
                        W = values.new_zeros(n_sources * width).index_add(
                            0, get(f"{name}_flat"), w).view(n_sources, width)
                        z = src @ W + b
                    else:
                        products = src.index_select(1, get(f"{name}_rows")) * w
                        z = (X.new_zeros((n, width)).index_add(1, get(f"{name}_cols"),
                                                               products) + b)
                for k, (column, aggregation, has_bias, count) in enumerate(gated):
                    terms = src.index_select(1, get(f"{name}_gated{k}"))
                    if has_bias:
                        terms = torch.cat([X.new_ones((n, 1)), terms], dim=1)
                    T = values[first:first + count] * terms
                    first += count
                    # left to right, as the numpy engines combine (max: the first maximum)
                    combined = aggregation.combine_columns(T, torch)
                    z = z.index_copy(1, torch.tensor([column], device=z.device), combined)
                a = z
                for g, group, cols in groups:
                    if group:
                        continue  # softmax: once the whole group's in_k are known
                    if cols is None:
                        a = Activate.apply(z, g)
                    else:
                        a = a.index_copy(1, cols, Activate.apply(z.index_select(1, cols), g))
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
            for name, *_, norms, _ in self.layout:
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
    """The mean over the batch of ℓ, as the numpy engines compute it (from in_k where they do):
    the loss's array form (:attr:`Loss.array_value`), or for a softmax group paired exactly
    with the loss (cross-entropy) −Σ_k y_k log_softmax(in)_k."""
    gs = module.output_activations
    if loss.group_exact and gs and all(g.group for g in gs):
        Y = Y.index_select(1, module.group_ks)  # the group's order
        return -(Y * torch.log_softmax(module.group_logits, dim=1)).sum(dim=1).mean()
    if loss.array_value is None:
        raise NetworkError(f"the torch engine needs the loss's array form (array_value); loss "
                           f"{loss.name!r} has none")
    common = gs[0] if gs and all(g is gs[0] for g in gs) else None
    Activate = _activation_function(torch)
    ell = loss.array_value(Y, outputs, module.output_logits, common, torch,
                           lambda g, z: Activate.apply(z, g))
    return ell.sum(dim=1).mean()
