"""Checking backpropagation against central finite differences (seed 004's gradient checking)."""

import math
from dataclasses import dataclass

from .. import checks
from ..engines import reference
from ..errors import NetworkError
from ..model.losses import get_loss

__all__ = ["gradcheck", "GradCheckResult"]


@dataclass(frozen=True)
class GradCheckResult:
    """Backprop's ∂J/∂w_ij beside the finite-difference estimate, edge by edge.

    Attributes
    ----------
    analytic : dict
        ``{(i, j): Δ_j a_i}`` from backpropagation.
    numeric : dict
        ``{(i, j): (J(w + ε e_ij) − J(w − ε e_ij)) / 2ε}``.
    """

    analytic: dict
    numeric: dict

    def errors(self):
        """``{(i, j): (absolute error, relative error)}``.

        The relative error is |analytic − numeric| / max(|analytic|, |numeric|),
        taken as 0 when both are 0.
        """
        out = {}
        for edge, exact in self.analytic.items():
            estimate = self.numeric[edge]
            difference = abs(exact - estimate)
            scale = max(abs(exact), abs(estimate))
            out[edge] = (difference, difference / scale if scale else 0.0)
        return out

    @property
    def max_absolute_error(self):
        """The largest |analytic − numeric| over all edges."""
        return max((a for a, _ in self.errors().values()), default=0.0)

    @property
    def max_relative_error(self):
        """The largest relative error over all edges (see :meth:`errors`)."""
        return max((r for _, r in self.errors().values()), default=0.0)

    def allclose(self, rtol=1e-6, atol=1e-9):
        """True if every edge has |analytic − numeric| ≤ atol + rtol · |numeric|."""
        return all(abs(self.analytic[e] - n) <= atol + rtol * abs(n)
                   for e, n in self.numeric.items())

    def __repr__(self):
        return (f"GradCheckResult(edges={len(self.analytic)}, "
                f"max_relative_error={self.max_relative_error:.3g}, "
                f"max_absolute_error={self.max_absolute_error:.3g})")


def gradcheck(net, x, y, loss="squared", eps=1e-4):
    r"""Compare backprop's gradient with central differences, one weight at a time.

    For every edge (i, j), :math:`\frac{J(w + \epsilon e_{ij}) - J(w - \epsilon e_{ij})}{2\epsilon}`
    against :math:`\Delta_j a_i`. Every weight is restored exactly; afterwards the
    neurons hold the forward and backward pass of (x, y) at the original weights.

    Parameters
    ----------
    net : Network
    x, y : sequence of float
        One example.
    loss : str or Loss, default "squared"
    eps : float, default 1e-4
        ε, the step (seed 004 suggests 10⁻⁴).

    Returns
    -------
    GradCheckResult

    Examples
    --------
    >>> import neurograph as ng
    >>> net = ng.Network.layered([2, 3, 1], seed=1)
    >>> result = ng.gradcheck(net, [0.5, -1.0], [1.0])
    >>> result.max_relative_error < 1e-6
    True
    """
    eps = checks.option("eps", eps)
    plan = net.plan()
    x = checks.vector(x, len(plan.inputs), "x")
    y = checks.vector(y, len(plan.outputs), "y")
    loss = get_loss(loss)

    def cost():
        reference.forward_propagate(plan, x)
        return reference.output_loss(plan, y, loss)

    numeric = {}
    for neuron_i, edge, neuron_j in plan.edges:
        w_ij = edge.weight
        try:
            edge.weight = w_ij + eps
            plus = cost()
            edge.weight = w_ij - eps
            minus = cost()
        finally:
            edge.weight = w_ij
        numeric[neuron_i.id, neuron_j.id] = (plus - minus) / (2 * eps)
    net.forward(x)
    net.backward(y, loss)
    # ∂J/∂w_ij = Δ_j a_i
    analytic = {(neuron_i.id, neuron_j.id): neuron_j.delta * neuron_i.a
                for neuron_i, _, neuron_j in plan.edges}
    if not all(math.isfinite(v) for v in (*numeric.values(), *analytic.values())):
        raise NetworkError("the loss or its gradient is not finite at these weights; "
                           "gradcheck needs finite values")
    return GradCheckResult(analytic, numeric)
