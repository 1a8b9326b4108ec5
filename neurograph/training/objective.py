r"""J(θ) and ∇J(θ) on a whole data set: Lecture 25's "a function that returns the cost and grad".

.. math::
   J(\theta) = \frac{1}{n} \sum_{e=1}^{n} \ell(y^{(e)}, h_\theta(x^{(e)}))
               + \lambda \sum w_{ij}^2

(the decayed weights; the λ/2 form of “Multi-level networks” and Lecture 25 is
``weight_decay=λ/2``), plus the sparse autoencoder's β Σ_j KL(ρ ‖ ρ̂_j) with
``sparsity=(ρ, β)``, with batch normalization taking its statistics over the n examples. The
network's θ is the same afterwards as before, so scipy can call it as often as it likes.
A θ where J or ∇J is not finite is refused (an example whose sums overflow, in forward's
words), never returned as ∞ or NaN.
"""

import numpy as np

from .. import checks
from ..engines import batch
from ..errors import NetworkError
from ..model.losses import get_loss
from .sparsity import sparsity_of

__all__ = ["Objective", "decayed", "cost_and_grad"]


def decayed(plan, decay_bias):
    """Which entries of θ weight decay reaches (a boolean array): every weight, except the
    bias edges' without `decay_bias` (a tied group counts as a bias when all its edges
    are), and never γ or β."""
    mask = np.zeros(plan.size, dtype=bool)
    if decay_bias:
        mask[:len(plan.parameters)] = True
        return mask
    mask[:len(plan.parameters)] = np.fromiter((key[0] != 0 for key, _ in plan.parameters),
                                              bool, len(plan.parameters))
    for edge, _, is_bias in plan.shared:  # a tied group is a bias only if all its edges are
        mask[plan.index[edge]] = not is_bias
    for _, edge, _, _ in plan.delayed:  # (a delay edge is never a bias edge)
        if edge in plan.index:
            mask[plan.index[edge]] = True
    return mask


class Objective:
    r"""What training minimizes, built once per ``fit`` or ``cost_and_grad`` call.

    .. math::
       J(\theta) = \frac{1}{n} \sum_e \ell(y^{(e)}, h_\theta(x^{(e)}))
                   + \lambda \sum_{i \text{ decayed}} \theta_i^2
                   \;[+ \beta \sum_j \mathrm{KL}(\rho \| \hat\rho_j)]

    The engines compute the data term (ℓ's mean and its gradient, the sparsity term with it,
    since ρ̂_j comes from the same pass); this object adds the weight decay, in one place.

    Attributes
    ----------
    loss : Loss
    weight_decay : float
        λ (Lecture 07's form; the λ/2 of “Multi-level networks” and Lecture 25 is
        ``weight_decay=λ/2``).
    decay_bias : bool
    decayed : numpy.ndarray of bool
        The entries of θ the decay reaches (see :func:`decayed`).
    sparsity : Sparsity or None
    """

    def __init__(self, plan, loss, weight_decay=0.0, decay_bias=True, sparsity=None):
        self.loss, self.weight_decay, self.decay_bias = loss, weight_decay, decay_bias
        self.sparsity = sparsity
        self.decayed = decayed(plan, decay_bias)

    def penalty(self, theta):
        """λ Σ θ_i² over the decayed entries (0 without decay)."""
        if not self.weight_decay:
            return 0.0
        return self.weight_decay * float(np.sum(theta[self.decayed] ** 2))

    def gradient(self, grad, theta, decayed=None):
        """∇J from the data term's gradient at θ: + 2λθ_i for the decayed i. Arrays of numpy
        or torch alike (`decayed`: the mask as such an array, default :attr:`decayed`)."""
        if not self.weight_decay:
            return grad
        mask = self.decayed if decayed is None else decayed
        return grad + 2.0 * self.weight_decay * mask * theta

    def with_penalty(self, cost, grad, theta):
        """(J, ∇J) from the data term's (cost, grad) at θ: J + λ Σ θ_i², ∇J + 2λθ_i (decayed i)."""
        return cost + self.penalty(theta), self.gradient(grad, theta)


def cost_and_grad(net, theta, X, Y, loss="squared", weight_decay=0.0, decay_bias=True,
                  sparsity=None, engine="auto", sparsity_neurons=None, truncate=None):
    """(J(θ), ∇J(θ)) on the examples (X, Y); see :meth:`Network.cost_and_grad`."""
    from . import loop, runners, sequences
    plan = net.plan()
    theta = checks.array(theta, plan.size, "theta")
    in_time = sequences.is_sequence_data(net, X)
    if in_time:  # sequences: BPTT
        sequences.refuse_extras(sparsity=sparsity, engine=engine)
        truncate = sequences.check_truncate(truncate)
        X, Y = sequences.sequence_data(X, Y, plan)
    elif truncate is not None:
        raise NetworkError("truncate is truncated BPTT, for sequences (X of shape "
                           "(n, T, n_inputs))")
    else:
        X, Y = loop.examples(X, Y, plan)
    objective = Objective(plan, get_loss(loss), checks.option("weight_decay", weight_decay),
                          checks.flag(decay_bias, "decay_bias"),
                          sparsity_of(net, sparsity, sparsity_neurons))
    if plan.norms and len(X) < 2:
        raise NetworkError("batch normalization takes its statistics over the examples: "
                           "J(θ) needs at least 2 of them")
    engine = engine if in_time else loop.choose_engine(loop.check_engine(engine), plan, len(X))
    before = plan.theta()  # the engines read the network's θ, which gets its values back
    kind = sequences.SequenceRunner if in_time else runners.RUNNERS[engine]
    # the neurons get theirs back, should J(θ) be refused (only an engine that writes them)
    values = net.values() if kind.writes_neurons else None
    plan.set_theta(theta)
    try:
        runner = kind(net, X, Y, objective, truncate=truncate, engine=engine) if in_time \
            else kind(net, X, Y, objective)
        try:
            with batch.quiet():
                cost, grad = runner.cost_and_gradient()
                cost, grad = objective.with_penalty(cost, grad, theta)
        finally:
            runner.close()
        cost, grad = float(cost), np.asarray(grad, dtype=float)
        if not (np.isfinite(cost) and np.all(np.isfinite(grad))):
            if values is not None:
                net.restore_values(values)
            loop.predict(net, X)  # forward's refusal, if an example's sums overflow at θ
            raise NetworkError(f"J(θ) or its gradient is not finite at this θ (J = {cost:g}): "
                               f"the weights, the examples or the targets are too large for "
                               f"floating point")
    finally:
        plan.set_theta(before)
    return cost, grad
