"""One example through the reference engine: ``forward``, ``backward`` and ``sgd_step``.

:class:`Propagation`, a base class of :class:`~neurograph.model.network.Network`, checks
the example and hands it to FORWARDPROPAGATE and BACKPROPAGATE in
:mod:`neurograph.engines.reference` (Lecture 07's pseudo-code, line by line).
"""

import math

import numpy as np

from .. import checks
from ..engines import reference
from ..engines.unrolled import unrolled_step
from ..errors import NetworkError, describe
from .losses import get_loss

LEARNING_RATE = checks.OPTIONS["lr"]  # sgd_step's check, looked up once: it runs per example

__all__ = ["Propagation", "first_overflow", "overflow_message"]


class Propagation:
    """Forward and backward propagation of one example (a base class of
    :class:`~neurograph.model.network.Network`)."""

    # the state, as model/network.py defines it:
    _plan: object  # the compiled Plan, or None until plan() compiles it
    _one_time_step: object  # (what): refuses a feedforward call on a recurrent network

    def forward(self, x):
        """Forward propagation of one example: set in_j and a_j of every neuron.

        Parameters
        ----------
        x : sequence of float
            One value per input neuron, in the order of ``net.inputs``.

        Returns
        -------
        numpy.ndarray
            The output activations a_k, in the order of ``net.outputs``.
        """
        plan = self.plan()
        self._one_time_step("forward(x)")
        x = checks.vector(x, len(plan.inputs), "x")
        saved = self.values()
        reference.forward_propagate(plan, x)
        overflowed = first_overflow(plan)
        if overflowed is not None:
            self.restore_values(saved)
            raise NetworkError(overflow_message(x, overflowed))
        self._stage = "forward"
        return np.array([neuron.a for neuron in plan.outputs])

    def backward(self, y, loss="squared"):
        """Backpropagation after :meth:`forward`: set every Δ_j (and so ``net.grad``).

        Parameters
        ----------
        y : sequence of float
            One target per output neuron, in the order of ``net.outputs``.
        loss : str or Loss, default "squared"
            ``"squared"`` (Lecture 07), ``"half_squared"`` (Lectures 23, 25 and #L3) or ``"log"``.

        Returns
        -------
        float
            ℓ, this example's loss.
        """
        plan = self.plan()
        self._one_time_step("backward(y)")
        y = checks.vector(y, len(plan.outputs), "y")
        loss = get_loss(loss)
        if self._stage is None:
            raise NetworkError("backward(y) needs the values of a forward pass; "
                               "call forward(x) first")
        value = reference.back_propagate(plan, y, loss)
        self._stage, self._last_loss = "backward", loss
        return value

    def sgd_step(self, x, y, lr, loss="squared", weight_decay=0.0, decay_bias=True):
        """One stochastic gradient descent update on the example (x, y).

        Runs BACKPROPAGATE((x, y)) and then, for every edge,
        w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij.

        Parameters
        ----------
        x, y : sequence of float
            The example.
        lr : float
            α, the learning rate (positive).
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
            λ ≥ 0 of the cost's λ Σ w_ij² term.
        decay_bias : bool, default True
            False leaves the bias edges (0, j) out of the decay, as Lecture 25 does.

        Frozen edges (:meth:`freeze`) keep their weights. A step that would make a weight
        NaN or take it beyond ±1e100 raises :class:`DivergedError` with the weights as they
        were (the neurons then hold this example's forward and backward pass).

        Returns
        -------
        float
            ℓ on this example before the update.

        Examples
        --------
        The example SGD iteration of Lecture 07-2a:

        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
        >>> round(net.sgd_step([0.4, 0.5], [1], lr=0.5), 4)
        0.2049
        >>> [round(net.w[i, 3], 4) for i in (0, 1, 2)]
        [0.2121, 0.1449, 0.1561]
        """
        plan = self._plan or self.plan()  # (cached: this runs once per example)
        if plan.delayed:
            self._one_time_step("sgd_step(x, y)")
        if plan.norms:
            raise NetworkError(f"neurons {[n.id for n, _ in plan.norms]} are batch-normalized: "
                               f"training needs mini-batches of at least 2 examples, not one; "
                               f"use fit(X, Y, batch_size=…) with a batch_size of 2 or more")
        x = checks.vector(x, len(plan.inputs), "x")
        y = checks.vector(y, len(plan.outputs), "y")
        loss = get_loss(loss)
        lr = LEARNING_RATE(lr)
        if type(weight_decay) is not float or weight_decay != 0.0:  # (0.0 needs no check)
            weight_decay = checks.option("weight_decay", weight_decay)
        if decay_bias is not True:
            decay_bias = checks.flag(decay_bias, "decay_bias")
        step = unrolled_step(plan)
        if step is not None:  # the same three passes written out for this network
            value = step(x, y, lr, weight_decay, decay_bias, loss)
            self._stage, self._last_loss = "backward", loss
            return value
        saved = self.values() if loss.check is not None else None
        reference.forward_propagate(plan, x)
        try:
            value = reference.back_propagate(plan, y, loss)
        except NetworkError:
            self.restore_values(saved)  # the loss refused these outputs: put the last values back
            raise
        reference.gradient_step(plan, lr, weight_decay, decay_bias)  # DivergedError: undone
        self._stage, self._last_loss = "backward", loss
        return value


def first_overflow(plan):
    """The first neuron whose sum in_j overflowed (±∞ or NaN) in the last forward pass, or None."""
    if math.isfinite(sum(neuron.in_ for neuron, *_ in plan.forward)):
        return None  # (a finite sum means every term is finite)
    return next((n.id for n, *_ in plan.forward if not math.isfinite(n.in_)), None)


def overflow_message(x, j):
    """The words both engines use for an example whose sums overflow."""
    return (f"for x = {describe(x)} the sum in_{j} overflowed (it is ±∞ or not a number): the "
            f"inputs or weights are too large for floating point")

