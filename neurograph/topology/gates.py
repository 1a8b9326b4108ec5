r"""The gates of :func:`~neurograph.topology.relaxation.gradient_search`, each with its value,
its derivative and its price in one object.

An edge (i, j) of the dense DAG computes with :math:`w_{ij} z_{ij}`, its gate
:math:`z_{ij} = z(g_{ij}, u_{ij})` a function of a trained parameter :math:`g_{ij}` (and, for
a stochastic gate, of noise :math:`u_{ij}` drawn afresh each epoch). Training minimizes

.. math:: J(w, g) = \frac{1}{n} \sum_e \ell\bigl(y^{(e)}, h_{w \circ z}(x^{(e)})\bigr)
          + \lambda \sum_{(i,j)} \mathrm{price}(g_{ij}),

whose gradient, from the network's own backprop at :math:`\theta = w \circ z`, is
:math:`\partial J / \partial w_{ij} = z_{ij}\, \partial J / \partial \theta_{ij}` and
:math:`\partial J / \partial g_{ij} = w_{ij}\, \partial J / \partial \theta_{ij}\,
\partial z_{ij} / \partial g_{ij} + \lambda\, \mathrm{price}'(g_{ij})`
(:func:`gated_cost_and_grad`).

- ``"l1"`` (:class:`L1Gate`): :math:`z = g`, starting at 1, priced :math:`|g|` — the lasso's
  relaxation of counting the edges.
- ``"l0"`` (:class:`HardConcreteGate`): Louizos, Welling & Kingma (2018), "Learning sparse
  neural networks through L0 regularization". :math:`g = \log\alpha`; with
  :math:`u \sim U(0, 1)`, :math:`s = \sigma\bigl((\log u - \log(1 - u) + \log\alpha)/\beta\bigr)`,
  stretched to :math:`\bar s = s(\zeta - \gamma) + \gamma` and clipped,
  :math:`z = \min(1, \max(0, \bar s))`, so a gate is exactly 0 or 1 with positive
  probability. The price is the probability that the gate is not 0,
  :math:`\sigma(\log\alpha - \beta \log(-\gamma/\zeta))`: λ times the expected number of edges
  kept, the L0 norm made differentiable. After training the gate is the paper's test-time
  :math:`z = \min(1, \max(0, \sigma(\log\alpha)(\zeta - \gamma) + \gamma))`. β = 2/3,
  γ = −0.1, ζ = 1.1 as in the paper; :math:`\log\alpha` starts at 3 (every gate open, z = 1).
"""

import numpy as np

from ..model.activations import ACTIVATIONS

SIGMA = ACTIVATIONS["logistic"]
"""σ and its σ′ = σ(1 − σ), from the activation table."""

__all__ = ["GATES", "L1Gate", "HardConcreteGate", "gated_cost_and_grad"]


class L1Gate:
    """z = g, priced |g|; no noise."""

    name = "l1"

    def start(self, n):
        """Every gate's g before training: 1 (the dense DAG as it is)."""
        return np.ones(n)

    def noise(self, n, rng):
        """None: the L1 gate is deterministic."""
        return None

    def value(self, g, u=None):
        """z(g) = g."""
        return np.array(g, dtype=float)

    def derivative(self, g, u=None):
        """∂z/∂g = 1."""
        return np.ones_like(g, dtype=float)

    def price(self, g):
        """Σ |g|."""
        return float(np.abs(g).sum())

    def price_derivative(self, g):
        """sign g (0 at 0, as the lasso's subgradient)."""
        return np.sign(g)


class HardConcreteGate:
    """Louizos et al.'s hard-concrete gate: g = log α (see the module's text)."""

    name = "l0"
    beta, gamma, zeta = 2.0 / 3.0, -0.1, 1.1
    log_alpha_start = 3.0

    def start(self, n):
        """Every gate's log α before training: 3 (z = 1 at test time, open with P ≈ 0.99)."""
        return np.full(n, self.log_alpha_start)

    def noise(self, n, rng):
        """u ~ U(0, 1), kept inside (1e-6, 1 − 1e-6) so its logit is finite."""
        return rng.uniform(1e-6, 1.0 - 1e-6, n)

    def _s(self, g, u):
        if u is None:
            return SIGMA.g(np.asarray(g, dtype=float))
        return SIGMA.g((np.log(u) - np.log1p(-u) + g) / self.beta)

    def value(self, g, u=None):
        """z = min(1, max(0, s(ζ − γ) + γ)); u None: the test-time gate, s = σ(log α)."""
        return np.clip(self._s(g, u) * (self.zeta - self.gamma) + self.gamma, 0.0, 1.0)

    def derivative(self, g, u=None):
        """∂z/∂log α: (ζ − γ) s(1 − s)/β where 0 < s̄ < 1 (without noise, /β is absent),
        else 0."""
        s = self._s(g, u)
        stretched = s * (self.zeta - self.gamma) + self.gamma
        inside = (stretched > 0.0) & (stretched < 1.0)
        slope = (SIGMA.dg_from_a(s) * (self.zeta - self.gamma)
                 / (self.beta if u is not None else 1.0))
        return np.where(inside, slope, 0.0)

    def _open(self, g):
        return SIGMA.g(np.asarray(g, dtype=float) - self.beta * np.log(-self.gamma / self.zeta))

    def price(self, g):
        """Σ P(z ≠ 0) = Σ σ(log α − β log(−γ/ζ)): the expected number of edges kept."""
        return float(self._open(g).sum())

    def price_derivative(self, g):
        """σ′ of the same: p(1 − p)."""
        return SIGMA.dg_from_a(self._open(g))


GATES = {"l1": L1Gate(), "l0": HardConcreteGate()}
"""The gates by the name ``gradient_search(penalty=…)`` takes."""


def gated_cost_and_grad(net, gate, w, g, u, X, Y, loss, strength):
    """J(w, g) with the gates' price, and its gradient in w and in g (the module's formulas).

    Parameters
    ----------
    net : Network
        The dense DAG; θ = w ∘ z in the order of ``net.theta_edges()``.
    gate : L1Gate or HardConcreteGate
    w, g : ndarray
        The weights and the gates' parameters, one each per entry of θ.
    u : ndarray or None
        The gates' noise (``gate.noise``); None for the test-time gate.
    X, Y : ndarray
    loss : str
    strength : float
        λ.

    Returns
    -------
    J : float
    grad_w, grad_g : ndarray

    Examples
    --------
    >>> import numpy as np, neurograph as ng
    >>> from neurograph.topology.gates import GATES, gated_cost_and_grad
    >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}, activation="identity")
    >>> X, Y = np.array([[1.0]]), np.array([[0.0]])
    >>> w, g = net.theta(), GATES["l1"].start(2)
    >>> J, grad_w, grad_g = gated_cost_and_grad(net, GATES["l1"], w, g, None, X, Y, "squared",
    ...                                         strength=0.1)
    >>> float(J), grad_w.tolist(), grad_g.tolist()   # a = −0.5: (0 − a)² + 0.1·2; ∂J/∂a = −1
    (0.45, [-1.0, -1.0], [-0.4, 1.1])
    """
    z = gate.value(g, u)
    J, grad = net.cost_and_grad(w * z, X, Y, loss=loss)
    grad_w = grad * z
    grad_g = grad * w * gate.derivative(g, u) + strength * gate.price_derivative(g)
    return float(J + strength * gate.price(g)), grad_w, grad_g
