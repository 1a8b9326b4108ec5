"""How the training loop talks to an engine: the :class:`Runner` protocol, one runner each.

``fit`` (:mod:`neurograph.training.loop`) is written once; each engine supplies a
runner that makes the updates and evaluates J(w) its own way. Both give the same
numbers to 1e-12.
"""

import math
from typing import Protocol

import numpy as np

from ..engines import batch, reference
from .dropout import Dropout

__all__ = ["Runner", "ReferenceRunner", "BatchRunner", "RUNNERS"]


class Runner(Protocol):
    """What the training loop needs from an engine, for one run of ``fit``."""

    def update(self, indices, lr, weight_decay, decay_bias):
        """One gradient step from the examples `indices` (their average Δ_j a_i)."""

    def evaluate(self, X, Y):
        """(mean ℓ, the largest |y_k − a_k|, the outputs) on X (None: the training set)."""

    def penalty(self, decay_bias):
        """Σ w_ij² over the decayed edges."""

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


class ReferenceRunner:
    """Training steps and evaluation by the reference engine, one neuron at a time."""

    def __init__(self, net, X, Y, loss, dropout, rng):
        self.plan, self.loss = net.plan(), loss
        self.examples = list(zip(X.tolist(), Y.tolist()))
        self.dropout = Dropout(self.plan, dropout, rng) if dropout else None

    def update(self, indices, lr, weight_decay, decay_bias):
        plan = self.plan
        if len(indices) == 1:  # plain SGD: w_ij ← w_ij − α Δ_j a_i
            self._backpropagate(*self.examples[indices[0]])
            reference.gradient_step(plan, lr, weight_decay, decay_bias)
            return
        # a mini-batch B: ∂J/∂w_ij = (1/|B|) Σ_{e∈B} Δ_j^(e) a_i^(e)
        total = [0.0] * len(plan.edges)
        for e in indices:
            self._backpropagate(*self.examples[e])
            total = [t + neuron_j.delta * neuron_i.a
                     for t, (neuron_i, _, neuron_j) in zip(total, plan.edges)]
        average = {edge: t / len(indices) for t, (_, edge, _) in zip(total, plan.edges)}
        decay = 2.0 * (lr * weight_decay)
        for edges, decay_ij in ((plan.weights, decay), (plan.biases, decay if decay_bias else 0.0)):
            for _, edge, _ in edges:
                w_ij = edge.weight
                edge.weight = w_ij - lr * average[edge] - decay_ij * w_ij

    def _backpropagate(self, x, y):
        plan = self.plan if self.dropout is None else self.dropout.draw()
        reference.forward_propagate(plan, x)
        reference.back_propagate(plan, y, self.loss)

    def evaluate(self, X, Y):
        plan, loss = self.plan, self.loss
        examples = self.examples if X is None else list(zip(X.tolist(), Y.tolist()))
        total, worst, outputs = 0.0, 0.0, []
        for x, y in examples:
            reference.forward_propagate(plan, x)
            total += reference.output_loss(plan, y, loss)
            a = [neuron.a for neuron in plan.outputs]
            worst = max(worst, *(abs(y_k - a_k) for y_k, a_k in zip(y, a)))
            outputs.append(a)
        return total / len(examples), worst, np.array(outputs)

    def penalty(self, decay_bias):
        decayed = self.plan.weights + self.plan.biases if decay_bias else self.plan.weights
        return sum(edge.weight ** 2 for _, edge, _ in decayed)

    def largest_weight(self):
        weights = [abs(edge.weight) for _, edge, _ in self.plan.edges]
        return max(weights, default=0.0) if sum(weights) == sum(weights) else math.nan

    def snapshot(self):
        return [edge.weight for _, edge, _ in self.plan.edges]

    def restore(self, saved):
        for (_, edge, _), w_ij in zip(self.plan.edges, saved):
            edge.weight = w_ij

    def finish(self):
        """The weights are on the edges already."""

    def close(self):
        """Nothing to undo: dropout works on plans of its own."""


class BatchRunner:
    """Training steps and evaluation by the batch engine, a mini-batch at a time.

    Dropout draws the same random numbers in the same order as the reference runner.
    """

    def __init__(self, net, X, Y, loss, dropout, rng):
        self.engine, self.X, self.Y, self.loss = batch.compile_batch(net), X, Y, loss
        self.dropout, self.rng = dropout, rng
        self.quiet = batch.quiet()
        self.quiet.__enter__()  # for the whole run; close() leaves it

    def update(self, indices, lr, weight_decay, decay_bias):
        X, Y = self.X[indices], self.Y[indices]
        keep = None
        if self.dropout:
            drawn = self.rng.random((len(indices), len(self.engine.hidden_places)))
            keep = (drawn >= self.dropout) * (1.0 / (1.0 - self.dropout))
        IN, A = self.engine.forward(X, keep)
        D = self.engine.backward(Y, self.loss, IN, A)
        self.engine.step(D, lr, len(indices), weight_decay, decay_bias)

    def evaluate(self, X, Y):
        X = self.X if X is None else X
        IN, A = self.engine.forward(X)
        outputs = self.engine.outputs_of(A)
        return (float(np.mean(self.engine.losses(Y, self.loss, IN, A))),
                float(np.max(np.abs(Y - outputs))), outputs)

    def penalty(self, decay_bias):
        return self.engine.penalty(decay_bias)

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
