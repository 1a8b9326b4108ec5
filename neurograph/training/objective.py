r"""J(θ) and ∇J(θ) on a whole data set: seed 004's "a function that returns the cost and grad".

.. math::
   J(\theta) = \frac{1}{n} \sum_{e=1}^{n} \ell(y^{(e)}, h_\theta(x^{(e)}))
               + \lambda \sum w_{ij}^2

(the decayed weights; seeds 003–004's λ/2 form is ``weight_decay=λ/2``), plus the sparse
autoencoder's β Σ_j KL(ρ ‖ ρ̂_j) with ``sparsity=(ρ, β)``, with batch
normalization taking its statistics over the n examples. The network's θ is the same
afterwards as before, so scipy can call it as often as it likes.
"""

import numpy as np

from .. import checks
from ..engines import batch
from ..errors import NetworkError
from ..model.losses import get_loss
from . import loop, runners
from .sparsity import sparsity_of

__all__ = ["cost_and_grad"]


def cost_and_grad(net, theta, X, Y, loss="squared", weight_decay=0.0, decay_bias=True,
                  sparsity=None, engine="auto", sparsity_neurons=None):
    """(J(θ), ∇J(θ)) on the examples (X, Y); see :meth:`Network.cost_and_grad`."""
    plan = net.plan()
    size = len(plan.parameters) + 2 * len(plan.norms)
    theta = np.array(checks.vector(theta, size, "theta"))
    X, Y = loop.examples(X, Y, plan)
    loss = get_loss(loss)
    weight_decay = checks.option("weight_decay", weight_decay)
    decay_bias = checks.flag(decay_bias, "decay_bias")
    sparse = sparsity_of(net, sparsity, sparsity_neurons)
    if plan.norms and len(X) < 2:
        raise NetworkError("batch normalization takes its statistics over the examples: "
                           "J(θ) needs at least 2 of them")
    engine = loop.choose_engine(loop.check_engine(engine), plan, len(X))
    # the batch engine works on arrays of its own; the reference engine on the edges, which
    # get their values back afterwards
    before = net.theta() if engine == "reference" else None
    runner = runners.RUNNERS[engine](net, X, Y, loss, 0.0, None, None, sparse)
    try:
        runner.set_theta(theta)
        with batch.quiet():
            cost, grad = runner.cost_and_gradient()
    finally:
        runner.close()
        if before is not None:
            net.set_theta(before)
    if weight_decay:
        mask = runner.decayed(decay_bias)
        cost += weight_decay * float(np.sum(theta[mask] ** 2))
        grad = grad + 2.0 * weight_decay * mask * theta
    return float(cost), np.asarray(grad, dtype=float)
