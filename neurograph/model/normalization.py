r"""Batch normalization (Lecture 07-5b) of a hidden neuron's output.

For a mini-batch B, with a_j^(e) the output of neuron j on example e:

.. math:: \hat a_j^{(e)} = \gamma_j \frac{a_j^{(e)} - \mu_B}{\sqrt{\epsilon + \sigma_B^2}} + \beta_j

μ_B and σ_B² are the mean and (biased, 1/|B|) variance of the a_j^(e) in B; γ_j and β_j are
learned. Training sees the batch statistics and keeps running averages of them,
μ̂ ← (1 − m) μ̂ + m μ_B and σ̂² ← (1 − m) σ̂² + m σ_B² (m the momentum, PyTorch's convention,
but with the batch's biased variance, as the seed defines σ); ``forward`` and ``predict``
use the running averages, so one example is normalized the same way whatever batch it
comes in. What the neuron's successors see — its a_j once ``forward`` has run — is â_j.
"""

import math

from .. import checks
from ..errors import NetworkError
from .parameters import Parameters, Slot

__all__ = ["BatchNorm"]


class BatchNorm:
    """γ_j, β_j, ε, the momentum and the running statistics of one normalized neuron.

    Examples
    --------
    >>> from neurograph.model.normalization import BatchNorm
    >>> norm = BatchNorm(gamma=2.0, beta=0.5)
    >>> round(norm.infer(3.0), 6)   # running μ̂ = 0, σ̂² = 1: 2 · 3/√(1 + 10⁻⁵) + 0.5
    6.49997
    """

    __slots__ = ("scale_slot", "shift_slot", "eps", "momentum", "running_mean", "running_var")
    NUMBERS = ("gamma", "beta", "eps", "momentum", "running_mean", "running_var")
    """What :meth:`state` holds (what files hold)."""

    def __init__(self, gamma=1.0, beta=0.0, eps=1e-5, momentum=0.1, running_mean=0.0,
                 running_var=1.0):
        store = Parameters(capacity=2)  # until the normalized neuron's network takes them
        self.scale_slot = Slot(store, checks.weight(gamma, "gamma"))
        self.shift_slot = Slot(store, checks.weight(beta, "beta"))
        self.eps = checks.weight(eps, "eps")
        if not self.eps > 0:
            raise NetworkError(f"eps must be a small positive number; received {eps!r}")
        self.momentum = checks.weight(momentum, "momentum")
        if not 0 <= self.momentum <= 1:
            raise NetworkError(f"momentum must be from 0 to 1; received {momentum!r}")
        self.running_mean = checks.weight(running_mean, "running_mean")
        self.running_var = checks.weight(running_var, "running_var")
        if self.running_var < 0:
            raise NetworkError(f"running_var must be at least 0; received {running_var!r}")

    gamma = property(lambda self: self.scale_slot.value,
                     lambda self, value: setattr(self.scale_slot, "value", value),
                     doc="γ_j, a slot of θ.")
    beta = property(lambda self: self.shift_slot.value,
                    lambda self, value: setattr(self.shift_slot, "value", value),
                    doc="β_j, a slot of θ.")

    def scale(self):
        """γ/√(ε + σ̂²): ∂â_j/∂a_j with the running statistics."""
        return self.gamma / math.sqrt(self.eps + self.running_var)

    def infer(self, a):
        """â = γ (a − μ̂)/√(ε + σ̂²) + β with the running statistics (float or array)."""
        return self.gamma * (a - self.running_mean) / math.sqrt(self.eps + self.running_var) \
            + self.beta

    def remember(self, mean, var):
        """Fold one batch's μ_B and σ_B² into the running averages."""
        m = self.momentum
        self.running_mean = (1.0 - m) * self.running_mean + m * mean
        self.running_var = (1.0 - m) * self.running_var + m * var

    def state(self):
        """Every number, as a dict (what files hold)."""
        return {name: getattr(self, name) for name in self.NUMBERS}

    def __eq__(self, other):
        return isinstance(other, BatchNorm) and self.state() == other.state()

    def __repr__(self):
        return "BatchNorm(" + ", ".join(f"{k}={v!r}" for k, v in self.state().items()) + ")"
