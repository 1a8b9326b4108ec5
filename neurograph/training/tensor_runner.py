"""fit(engine="torch")'s runner on the packed path: the network's depths as dense weight blocks
(:class:`neurograph.engines.tensor_blocks.TorchBlocks`), ∇J by the backward pass written out.

:func:`neurograph.training.runners.torch_runner` chooses it wherever the network can be packed,
and the autograd module (:class:`~neurograph.training.runners.TorchRunner`) elsewhere. Both
give the reference engine's numbers to 1e-12 in float64.
"""

import math

from ..engines import reference, tensor
from ..engines.tensor_blocks import TorchBlocks
from ..errors import DivergedError, NetworkError
from .runners import Stepper, torch_data

__all__ = ["BlockRunner"]


class BlockRunner(Stepper):
    """Training steps on the packed torch engine, on `device` (plain SGD updates θ there; the
    other optimizers step on the host, as the other runners do)."""

    def __init__(self, net, X, Y, objective, optimizer, device=None, dtype=None):
        self.torch = torch = tensor.import_torch()
        self.net, self.plan, self.objective = net, net.plan(), objective
        self.loss = loss = objective.loss
        self.optimizer = optimizer
        dtype, device = tensor.where_to(torch, dtype, device)
        try:
            self.blocks = TorchBlocks(self.plan, loss, torch, dtype, device)
        except (RuntimeError, AssertionError) as error:
            raise NetworkError(f"device {str(device)!r} cannot be used: {error}") from None
        torch_data(self, X, Y, {"dtype": dtype, "device": device})

    def _pass(self, indices):
        """(X, A, IN, Y) of the examples `indices` (all: None), the outputs checked."""
        X = self.X if indices is None else self.X[indices]
        Y = self.Y if indices is None else self.Y[indices]
        A, IN = self.blocks.forward(X)
        if self.check_outputs:
            a, y = self.blocks.outputs(A).cpu().numpy(), Y.cpu().numpy()
            for k, g in enumerate(self.plan.output_activations):
                self.loss.check(y[:, [k]], a[:, [k]], g)
        return X, A, IN, Y

    def theta(self):
        return self.blocks.theta.cpu().numpy().copy()

    def set_theta(self, theta):
        self.blocks.theta.copy_(self.torch.as_tensor(theta))

    def cost_and_gradient(self, indices=None, remember=False):
        X, A, IN, Y = self._pass(indices)
        J = self.blocks.cost(A, IN, Y)
        return float(J), self.blocks.gradient(X, A, IN, Y).cpu().numpy()

    def update(self, indices, lr):
        if not self.fused:
            self.step_theta(indices, lr)
            return
        theta = self.blocks.theta
        grad = self.blocks.gradient(*self._pass(indices))
        # on the device: the same objective and rule, on tensors
        new = self.optimizer.step(theta, self.objective.gradient(grad, theta, self.decayed), lr)
        if not bool(self.torch.all(self.torch.abs(new) <= reference.WEIGHT_LIMIT)):
            raise DivergedError("this update would take a parameter beyond ±1e100 or make it "
                                "NaN; the weights were left as they were")
        theta.copy_(new)

    def evaluate(self, X, Y):
        if X is None:
            X, Y = self.X, self.Y
        else:
            kind = {"dtype": self.X.dtype, "device": self.X.device}
            X, Y = self.torch.tensor(X, **kind), self.torch.tensor(Y, **kind)
        A, IN = self.blocks.forward(X)
        return float(self.blocks.cost(A, IN, Y)), self.blocks.outputs(A).cpu().numpy()

    def largest_weight(self):
        theta = self.blocks.theta
        if bool(self.torch.isnan(theta).any()):
            return math.nan
        return float(theta.abs().max()) if theta.numel() else 0.0

    def snapshot(self):
        return self.blocks.theta.clone()

    def restore(self, saved):
        self.blocks.theta.copy_(saved)

    def finish(self):
        self.net.set_theta(self.theta())

    def close(self):
        if self.threads is not None:  # torch's threads as they were
            self.torch.set_num_threads(self.threads)
            self.threads = None
