"""How the training loop talks to an engine: the :class:`Runner` protocol, one runner each.

``fit`` (:mod:`neurograph.training.loop`) is written once; each engine supplies a
runner that makes the updates and evaluates J(w) its own way. Both give the same
numbers to 1e-12.
"""

import math
from typing import Protocol

import numpy as np

from ..engines import batch, compiled, minibatch, reference
from ..engines.unrolled import unrolled_step
from ..errors import DivergedError, NetworkError
from ..model.activations import ACTIVATIONS
from .dropout import Dropout
from .optimizers import SGD

__all__ = ["Runner", "Stepper", "InPlace", "ReferenceRunner", "BatchRunner", "TorchRunner", "RUNNERS"]


KERNELS = tuple(g.kernel for g in ACTIVATIONS.values() if g.kernel)
"""The library's activations' (g, g′) kernel expressions: compiled together, once, for every
network made of them (evolve's children, cascade's, a test's random networks)."""


class Runner(Protocol):
    """What the training loop needs from an engine, for one run of ``fit``."""

    def update(self, indices, lr):
        """One step of the run's objective from the examples `indices` (their average
        Δ_j a_i, and the weight decay's term)."""

    outputs: object
    """The outputs (n × outputs) of the last :meth:`cost_and_gradient` over all the examples,
    or None: what scipy's iteration callback records without another pass."""

    def cost_and_gradient(self, indices=None, remember=False):
        """(mean ℓ, mean ∂ℓ/∂θ as an array) over the examples `indices` (None: all), with
        batch statistics; `remember` folds them into the running averages."""

    def theta(self):
        """θ as the engine holds it now."""

    def set_theta(self, theta):
        """Put θ into the engine."""

    def evaluate(self, X, Y):
        """(mean ℓ, the outputs) on X (None: the training set)."""

    def largest_weight(self):
        """max |w_ij| (NaN if a weight is NaN)."""

    def snapshot(self):
        """The weights now, for :meth:`restore`."""

    def restore(self, saved):
        """Put back the weights of a :meth:`snapshot`."""

    def finish(self):
        """Leave the weights on the network's edges."""

    def close(self):
        """Undo whatever the run set up (always called)."""


def largest(values):
    """max |v| over an array (NaN if any entry is NaN; 0 if it is empty)."""
    if not values.size:
        return 0.0
    return float(np.max(np.abs(values)))  # NaN propagates through max


def batches(order, batch_size, merge_single):
    """Consecutive runs of `order`, `batch_size` long (the last may be shorter; with batch
    normalization a last batch of one joins the one before: a batch's variance needs two)."""
    starts = list(range(0, len(order), batch_size))
    if merge_single and len(starts) > 1 and len(order) - starts[-1] == 1:
        starts.pop()
    ends = starts[1:] + [len(order)]
    return [order[first:end] for first, end in zip(starts, ends)]


class Stepper:
    """The update every runner shares when it is not plain SGD on a plain network:
    θ ← the optimizer's step on ∇J = (1/|B|) Σ ∂ℓ/∂θ + 2λθ, refused beyond ±WEIGHT_LIMIT."""

    outputs = None
    writes_neurons = False
    """Whether its passes leave values (in_j, a_j, Δ_j) on the network's neurons."""

    def expect(self, epochs):
        """Told how many epochs at most fit will run (a runner may prepare for them)."""

    def epochs_at_once(self, batch_size):
        """Whether :meth:`ReferenceRunner.train` can run whole epochs of this batch size,
        J and the stopping rules included, without returning to Python between them."""
        return False

    def full_batch(self):
        """A function θ ↦ (J, ∇J, outputs) of the data term over the whole training set, the
        runner's θ set to θ, with no more Python per call than a few array operations; or
        None, where only :meth:`cost_and_gradient` does it (then θ is set with
        :meth:`set_theta` and the outputs are :attr:`outputs`)."""
        return None

    def epoch(self, order, batch_size, lr):
        """One epoch: an update for each run of `batch_size` examples of `order` (see
        :func:`batches`)."""
        for batch in batches(order, batch_size, merge_single=bool(self.plan.norms)):
            self.update(batch, lr)

    def step_theta(self, indices, lr):
        _, grad = self.cost_and_gradient(indices, remember=True)
        theta = self.theta()
        with np.errstate(over="ignore", invalid="ignore"):  # a step beyond: refused just below
            new = self.optimizer.step(theta, self.objective.gradient(grad, theta), lr)
        if not np.all(np.abs(new) <= reference.WEIGHT_LIMIT):
            raise DivergedError("this update would take a parameter beyond ±1e100 or make it "
                                "NaN; the weights were left as they were")
        self.set_theta(new)


class InPlace(Stepper):
    """A runner whose weights are the network's own θ array (the plan's), read and written in
    place: nothing to copy back at the end."""

    def largest_weight(self):
        return largest(self.plan.store.array())

    def snapshot(self):
        return self.theta()

    def restore(self, saved):
        self.set_theta(saved)

    def finish(self):
        """The weights are in θ already."""

    def close(self):
        """Nothing to undo (dropout works on plans of its own)."""


class ReferenceRunner(InPlace):
    """Training steps and evaluation by the reference engine, one neuron at a time."""

    writes_neurons = True

    def __init__(self, net, X, Y, objective, dropout=0.0, rng=None, optimizer=None):
        self.plan, self.objective = net.plan(), objective
        self.loss, self.sparsity = objective.loss, objective.sparsity
        sparsity = self.sparsity
        self.examples = list(zip(X.tolist(), Y.tolist()))
        self.dropout = Dropout(self.plan, dropout, rng) if dropout else None
        self.optimizer = optimizer
        self.fused = isinstance(optimizer, SGD) and self.plan.plain and sparsity is None
        self.X, self.Y, self.kernels = X, Y, None

    def expect(self, epochs):
        """A long run compiles the network's epoch of per-example SGD, its J and its ∇J
        (engines/compiled.py), where they apply: a plain network without dropout or a
        sparsity penalty."""
        plain = self.plan.plain and self.sparsity is None and self.dropout is None
        work = epochs * (len(self.examples) * len(self.plan.edges) + compiled.EPOCH_COST)
        if plain and compiled.worth_compiling(self.plan, self.loss, work, KERNELS):
            self.kernels = compiled.compiled_kernels(self.plan, self.loss, KERNELS, work)
            if self.kernels is not None:
                self.X, self.Y = compiled.as_rows(self.X), compiled.as_rows(self.Y)

    def epoch(self, order, batch_size, lr):
        if self.kernels is None or batch_size != 1 or not self.fused:
            super().epoch(order, batch_size, lr)
            return
        run, objective = self.kernels.epoch, self.objective
        decay = reference.decay_rate(lr, objective.weight_decay)
        bias_decay = decay if objective.decay_bias else 0.0
        order = np.ascontiguousarray(order, dtype=np.int64)
        while len(order):
            refused = run(self.plan.store.values, self.X, self.Y, order, lr, decay, bias_decay)
            if refused < 0:
                return
            self.update(order[refused:refused + 1], lr)  # the unrolled step: its refusal
            order = order[refused + 1:]

    def epochs_at_once(self, batch_size):
        return self.kernels is not None and batch_size == 1 and self.fused

    def train(self, orders, lr, labels, error_tol, min_delta, patience, previous, calm):
        """An epoch of per-example SGD for each row of `orders`, each followed by J and fit's
        stopping rules, in one compiled call (``compiled_kernels``' ``train``); fit's
        `labels` (or None) and stopping options (None: not used), the last J recorded
        (NaN: none) and its count of calm epochs. Returns (each epoch's J, each one's
        accuracy or None, why it stopped: None, "errors" or "converged", calm). An epoch
        that refused a step or reached a J that is not finite is left out, θ as it began."""
        objective = self.objective
        decay = reference.decay_rate(lr, objective.weight_decay)
        costs, accuracies = np.empty(len(orders)), np.empty(len(orders))
        done, stop, calm = self.kernels.train(
            self.plan.store.values, self.X, self.Y, orders, lr, decay,
            decay if objective.decay_bias else 0.0, objective.weight_decay, objective.decayed,
            np.empty(0, dtype=np.int64) if labels is None else labels.astype(np.int64),
            -1.0 if error_tol is None else error_tol, -1.0 if min_delta is None else min_delta,
            patience, previous, calm, costs, accuracies)
        return (costs[:done].tolist(), None if labels is None else accuracies[:done].tolist(),
                (None, "errors", "converged")[stop], calm)

    def theta(self):
        return self.plan.theta()

    def set_theta(self, theta):
        self.plan.set_theta(theta)

    def cost_and_gradient(self, indices=None, remember=False):
        chosen = self.examples if indices is None else [self.examples[e] for e in indices]
        plan = self.plan
        if self.kernels is not None:  # compiled: FORWARDPROPAGATE, BACKPROPAGATE, Σ Δ_j a_i
            order = np.arange(len(self.examples)) if indices is None else \
                np.ascontiguousarray(indices, dtype=np.int64)
            grad, outputs = np.empty(plan.size), np.empty((len(order), len(plan.outputs)))
            total = self.kernels.gradient(plan.store.values, self.X, self.Y, order, grad,
                                          outputs)
            self.outputs = outputs if indices is None else None
            return total / len(order), grad / len(order)
        if plan.norms or self.sparsity:  # batch statistics: the whole batch, neuron by neuron
            X, Y = [x for x, _ in chosen], [y for _, y in chosen]
            sparse = None if self.sparsity is None else (self.sparsity.neurons,
                                                          self.sparsity.terms)
            total, grad, stats = minibatch.batch_pass(plan, X, Y, self.loss, train=True,
                                                      sparse=sparse)
            if remember:
                for norm, mean, var in stats:
                    norm.remember(mean, var)
            self.outputs = None
        else:  # one example at a time, summing each one's ∂ℓ/∂θ
            total, grad, outputs = 0.0, np.zeros(len(plan.parameters)), []
            for x, y in chosen:
                total += self._backpropagate(x, y)
                grad += reference.gradient(plan)
                outputs.append([neuron.a for neuron in plan.outputs])
            self.outputs = np.array(outputs) if indices is None else None
        return total / len(chosen), np.asarray(grad) / len(chosen)

    def full_batch(self):
        """The compiled J and ∇J (``compiled_kernels``' ``gradient``) over every example, in
        one call, where ``expect`` compiled them: the numbers of :meth:`cost_and_gradient`."""
        if self.kernels is None:
            return None
        run, values, size, X, Y = self.kernels.gradient, self.plan.store.values, \
            self.plan.size, self.X, self.Y
        n, order, shape = len(X), np.arange(len(X)), (len(X), len(self.plan.outputs))

        def cost_and_gradient(theta):
            values[:size] = theta
            grad, outputs = np.empty(size), np.empty(shape)
            total = run(values, X, Y, order, grad, outputs)
            grad /= n
            return total / n, grad, outputs

        return cost_and_gradient

    def update(self, indices, lr):
        if self.fused and len(indices) == 1:  # NEURALNETTRAIN: the lecture's loop, edge by edge
            if self.dropout is None and (step := unrolled_step(self.plan)) is not None:
                objective = self.objective
                step(*self.examples[indices[0]], lr, objective.weight_decay,
                     objective.decay_bias, self.loss)  # (the same, written out for this network)
                return
            self._backpropagate(*self.examples[indices[0]])
            reference.gradient_step(self.plan, lr, self.objective.weight_decay,
                                    self.objective.decay_bias)
            return
        self.step_theta(indices, lr)  # θ at once

    def _backpropagate(self, x, y):
        plan = self.plan if self.dropout is None else self.dropout.draw()
        reference.forward_propagate(plan, x)
        return reference.back_propagate(plan, y, self.loss)

    def evaluate(self, X, Y):
        plan, loss = self.plan, self.loss
        if X is None and self.kernels is not None:  # the compiled forward pass, every row
            outputs = np.empty((len(self.examples), len(plan.outputs)))
            total = self.kernels.evaluate(plan.store.values, self.X, self.Y, outputs)
            return total / len(self.examples), outputs
        examples = self.examples if X is None else list(zip(X.tolist(), Y.tolist()))
        total, outputs = 0.0, []
        sparse = [] if self.sparsity is None else self.sparsity.neurons
        sums = [0.0] * len(sparse)  # Σ_e a_j for the sparsity penalty's ρ̂_j
        for x, y in examples:
            reference.forward_propagate(plan, x)
            total += reference.output_loss(plan, y, loss)
            outputs.append([neuron.a for neuron in plan.outputs])
            sums = [s + neuron.a for s, neuron in zip(sums, sparse)]
        cost = total / len(examples)
        if sparse:
            cost += self.sparsity.terms([s / len(examples) for s in sums])[0]
        return cost, np.array(outputs)

class BatchRunner(Stepper):
    """Training steps and evaluation by the batch engine, a mini-batch at a time.

    Dropout draws the same random numbers in the same order as the reference runner.
    """

    def __init__(self, net, X, Y, objective, dropout=0.0, rng=None, optimizer=None):
        self.engine, self.X, self.Y, self.objective = batch.compile_batch(net), X, Y, objective
        self.loss = loss = objective.loss
        self.sparsity = sparsity = objective.sparsity
        self.plan = net.plan()
        self.dropout, self.rng = dropout, rng
        self.optimizer = optimizer
        self.fused = isinstance(optimizer, SGD) and self.engine.plain and sparsity is None
        if sparsity is not None:  # where the penalised neurons stand in the blocks
            places = [self.engine.place[neuron.id] for neuron in sparsity.neurons]
            self.sparse_places = places
            self.sparse_blocks = {}
            for k, (b, c) in enumerate(places):
                self.sparse_blocks.setdefault(b, ([], []))
                self.sparse_blocks[b][0].append(c)
                self.sparse_blocks[b][1].append(k)
        # what every batch would check or compute again, once: the targets alone decide them
        self.checked = self.engine.targets_check(Y, loss)
        self.sums_to_one = bool(self.engine.group) and bool(np.all(Y.sum(axis=1) == 1.0))
        self.quiet = batch.quiet()
        self.quiet.__enter__()  # for the whole run; close() leaves it

    def theta(self):
        return self.engine.theta()

    def set_theta(self, theta):
        self.engine.set_theta(theta)

    def _propagate(self, indices, train):
        X, Y = (self.X, self.Y) if indices is None else (self.X[indices], self.Y[indices])
        keep = None
        if self.dropout:
            drawn = self.rng.random((len(X), len(self.engine.hidden_places)))
            keep = (drawn >= self.dropout) * (1.0 / (1.0 - self.dropout))
        P = self.engine.forward(X, keep, train=train)
        penalty, extra = self._sparsity_terms(P.A)
        D = self.engine.backward(P, Y, self.loss, self.checked, self.sums_to_one, extra)
        return Y, P, D, penalty

    def _sparsity_terms(self, A):
        """The sparsity penalty on these activations, and its ∂/∂a_j by block for backward."""
        if self.sparsity is None:
            return 0.0, None
        rho_hat = [float(A[b][:, c].mean()) for b, c in self.sparse_places]
        penalty, slopes = self.sparsity.terms(rho_hat)
        slopes = np.array(slopes)
        return penalty, {b: (np.array(columns), slopes[which])
                         for b, (columns, which) in self.sparse_blocks.items()}

    def cost_and_gradient(self, indices=None, remember=False):
        Y, P, D, penalty = self._propagate(indices, train=True)
        if remember:
            self.engine.remember(P)
        n = len(Y)
        self.outputs = self.engine.outputs_of(P.A) if indices is None else None
        return float(np.sum(self.engine.losses(Y, self.loss, P.IN, P.A))) / n + penalty, \
            self.engine.gradient(P, D) / n

    def update(self, indices, lr):
        if not self.fused:
            self.step_theta(indices, lr)
            return
        weight_decay, decay_bias = self.objective.weight_decay, self.objective.decay_bias
        if self.engine.plain_layers and not self.dropout:  # the lectures' layers: one pass
            self.engine.sgd_layers(self.X[indices], self.Y[indices], self.loss, lr,
                                   weight_decay, decay_bias, self.checked, self.sums_to_one)
            return
        if self.dropout:
            _, P, D, _ = self._propagate(indices, train=False)
        else:  # the common case, without the detour
            engine, Y = self.engine, self.Y[indices]
            P = engine.forward(self.X[indices])
            D = engine.backward(P, Y, self.loss, self.checked, self.sums_to_one)
        self.engine.step(P, D, lr, len(indices), weight_decay, decay_bias)

    def evaluate(self, X, Y):
        X = self.X if X is None else X
        IN, A = self.engine.forward(X)
        outputs = self.engine.outputs_of(A)
        penalty, _ = self._sparsity_terms(A)
        return float(np.mean(self.engine.losses(Y, self.loss, IN, A))) + penalty, outputs

    def largest_weight(self):
        return self.engine.largest_weight()

    def snapshot(self):
        return self.engine.weights()

    def restore(self, saved):
        self.engine.set_weights(saved)

    def finish(self):
        self.engine.write_weights()

    def close(self):
        """Leave the quiet floating-point mode."""
        self.quiet.__exit__(None, None, None)


RUNNERS = {"reference": ReferenceRunner, "vectorized": BatchRunner}
"""The runner of each engine, by the name ``fit(engine=…)`` takes."""


class TorchRunner(Stepper):
    """Training steps by the torch engine (:mod:`neurograph.engines.tensor`) on `device`.

    Plain SGD updates θ on the device; the other optimizers take the gradient to the host
    and step there, as the other runners do. Dropout and the sparsity penalty are not
    part of the torch engine.
    """

    def __init__(self, net, X, Y, objective, dropout=0.0, rng=None, optimizer=None,
                 device=None, dtype=None):
        from ..engines import tensor
        self.objective, loss = objective, objective.loss
        refuse_for_torch(dropout, objective)
        self.torch = torch = tensor.import_torch()
        self.plan, self.loss, self.optimizer = net.plan(), loss, optimizer
        self.net = net
        device = "cpu" if device is None else device
        try:
            self.module = tensor.TorchNetwork(self.plan, dtype=dtype, device=device)
        except (RuntimeError, AssertionError) as error:
            raise NetworkError(f"device {device!r} cannot be used: {error}") from None
        torch_data(self, X, Y, {"dtype": self.module.theta.dtype,
                                "device": self.module.theta.device})
        self.loss_of = lambda outputs, Y: tensor.torch_loss(torch, loss, outputs, Y,
                                                            self.module)

    def _forward(self, indices, train, remember):
        module = self.module
        module.train(train)
        module.update_statistics = remember
        X = self.X if indices is None else self.X[indices]
        Y = self.Y if indices is None else self.Y[indices]
        outputs = module(X)
        if self.check_outputs:
            a, y = outputs.detach().cpu().numpy(), Y.cpu().numpy()
            for k, g in enumerate(self.plan.output_activations):
                self.loss.check(y[:, [k]], a[:, [k]], g)
        return self.loss_of(outputs, Y)

    def theta(self):
        return self.module.theta.detach().cpu().numpy().copy()

    def set_theta(self, theta):
        with self.torch.no_grad():
            self.module.theta.copy_(self.torch.as_tensor(theta))

    def cost_and_gradient(self, indices=None, remember=False):
        module = self.module
        module.theta.grad = None
        J = self._forward(indices, True, remember)
        J.backward()
        return float(J.detach()), module.theta.grad.detach().cpu().numpy()

    def update(self, indices, lr):
        if not self.fused:
            self.step_theta(indices, lr)
            return
        module, torch = self.module, self.torch
        module.theta.grad = None
        self._forward(indices, True, True).backward()
        with torch.no_grad():  # on the device: the same objective and rule, on tensors
            grad = self.objective.gradient(module.theta.grad, module.theta, self.decayed)
            new = self.optimizer.step(module.theta, grad, lr)
            if not bool(torch.all(torch.abs(new) <= reference.WEIGHT_LIMIT)):
                raise DivergedError("this update would take a parameter beyond ±1e100 or make "
                                    "it NaN; the weights were left as they were")
            module.theta.copy_(new)

    def evaluate(self, X, Y):
        torch, module = self.torch, self.module
        module.eval()
        with torch.no_grad():
            if X is None:
                X, Y = self.X, self.Y
            else:
                kind = {"dtype": module.theta.dtype, "device": module.theta.device}
                X, Y = torch.tensor(X, **kind), torch.tensor(Y, **kind)
            outputs = module(X)
            J = self.loss_of(outputs, Y)
        return float(J), outputs.cpu().numpy()

    def largest_weight(self):
        theta = self.module.theta.detach()
        if bool(self.torch.isnan(theta).any()):
            return math.nan
        return float(theta.abs().max()) if theta.numel() else 0.0

    def snapshot(self):
        return self.module.theta.detach().clone(), [
            buffer.detach().clone() for name, buffer in self.module.named_buffers()
            if name.endswith(("running_mean", "running_var"))]

    def restore(self, saved):
        theta, buffers = saved
        with self.torch.no_grad():
            self.module.theta.copy_(theta)
            running = [buffer for name, buffer in self.module.named_buffers()
                       if name.endswith(("running_mean", "running_var"))]
            for buffer, value in zip(running, buffers):
                buffer.copy_(value)

    def finish(self):
        self.net.load_torch(self.module)

    def close(self):
        if self.threads is not None:  # torch's threads as they were
            self.torch.set_num_threads(self.threads)
            self.threads = None


def refuse_for_torch(dropout, objective):
    """What engine='torch' does not train with, refused before anything is built."""
    if dropout or objective.sparsity is not None:
        raise NetworkError("engine='torch' trains without dropout or a sparsity penalty; "
                           "use engine='vectorized' for those")


def torch_data(runner, X, Y, kind):
    """What both torch runners set up alike, on `runner` (with its `torch`, `plan`, `loss`,
    `objective` and `optimizer`): X and Y as tensors of `kind` (dtype and device); the
    targets checked as the other engines check them, and whether the outputs must be (an
    activation that may leave the loss's domain, as the log loss of an identity output);
    whether plain SGD steps θ on the device (`fused`); the decay's mask there; and torch's
    intra-op threads as found, while fit runs on one (`threads`)."""
    torch, loss, plan = runner.torch, runner.loss, runner.plan
    runner.X, runner.Y = torch.tensor(X, **kind), torch.tensor(Y, **kind)
    if loss.check is not None:
        for k, g in enumerate(plan.output_activations):
            loss.check(Y[:, [k]], np.full((len(Y), 1), 0.5), g)
    runner.check_outputs = loss.check is not None and any(
        not g.strictly_inside for g in plan.output_activations)
    runner.fused = isinstance(runner.optimizer, SGD)
    runner.decayed = torch.as_tensor(runner.objective.decayed, **kind)
    runner.threads = one_torch_thread(torch, kind["device"], len(X), plan)


def one_torch_thread(torch, device, n, plan):
    """Put PyTorch on one intra-op thread for a run on the CPU whose examples × edges is below
    :data:`ONE_TORCH_THREAD_BELOW`; returns the count found (for ``close`` to put back), or
    None where it was left alone."""
    if torch.device(device).type != "cpu" or n * len(plan.edges) >= ONE_TORCH_THREAD_BELOW:
        return None
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    return threads


def torch_runner(net, X, Y, objective, dropout=0.0, rng=None, optimizer=None, device=None,
                 dtype=None):
    """fit(engine="torch")'s runner: the network packed into one dense weight block per depth
    with the backward pass written out (:mod:`neurograph.engines.tensor_blocks`), where it can
    be packed; otherwise the autograd module (:class:`TorchRunner`), with a
    :class:`~neurograph.SlowPathWarning` that says why."""
    import warnings

    from ..engines import tensor, tensor_blocks
    from ..errors import SlowPathWarning
    from .tensor_runner import BlockRunner
    refuse_for_torch(dropout, objective)
    tensor.where_to(tensor.import_torch(), dtype, device)  # refused before any warning
    reason = tensor_blocks.unpacked_reason(net.plan(), objective.loss)
    if reason is None:
        return BlockRunner(net, X, Y, objective, optimizer, device, dtype)
    warnings.warn(f"fit(engine='torch') trains this network through autograd, several times "
                  f"slower on small networks than the packed path, because {reason}",
                  SlowPathWarning, stacklevel=4)
    return TorchRunner(net, X, Y, objective, dropout, rng, optimizer, device, dtype)


ONE_TORCH_THREAD_BELOW = 1 << 24
"""fit(engine="torch") on the CPU runs PyTorch on one intra-op thread (and then puts its
count back) when examples × edges is below this: a small network's operations are too small
to share, and PyTorch's threads, one per core by default, spin against each other and
against everything else on a busy machine (five epochs of a 20-layer, 6-wide network in
batches of 8: 2.44 s on two threads, 1.37 s on one, on this project's 2-core machine)."""

RUNNERS["torch"] = torch_runner
