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

from ..errors import DivergedError
from ..checks import BATCH_NORM
from ..files.fields import NORM_FIELDS
from .parameters import Parameters, Slot

__all__ = ["BatchNorm"]


class BatchNorm:
    """γ_j, β_j, ε, the momentum and the running statistics of one normalized neuron.

    Every number is checked whenever it is set, at construction or later
    (``norm.eps = 0`` raises a NetworkError and leaves ε as it was), by the one
    declaration of what each accepts, :data:`neurograph.checks.BATCH_NORM`:
    γ and β within ±1e100, ε > 0, the momentum in [0, 1], the running mean finite, the
    running variance finite and ≥ 0.

    Examples
    --------
    >>> from neurograph.model.normalization import BatchNorm
    >>> norm = BatchNorm(gamma=2.0, beta=0.5)
    >>> round(norm.infer(3.0), 6)   # running μ̂ = 0, σ̂² = 1: 2 · 3/√(1 + 10⁻⁵) + 0.5
    6.49997
    >>> norm.running_var = -4.0
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: running_var must be at least 0; received -4
    """

    __slots__ = ("scale_slot", "shift_slot", "_eps", "_momentum", "_running_mean",
                 "_running_var")
    NUMBERS = NORM_FIELDS
    """What :meth:`state` holds (what files hold)."""

    def __init__(self, gamma=1.0, beta=0.0, eps=1e-5, momentum=0.1, running_mean=0.0,
                 running_var=1.0):
        given = dict(gamma=gamma, beta=beta, eps=eps, momentum=momentum,
                     running_mean=running_mean, running_var=running_var)
        checked = {name: BATCH_NORM[name](value) for name, value in given.items()}
        store = Parameters(capacity=2)  # until the normalized neuron's network takes them
        self.scale_slot = Slot(store, checked["gamma"])
        self.shift_slot = Slot(store, checked["beta"])
        self._eps, self._momentum = checked["eps"], checked["momentum"]
        self._running_mean, self._running_var = checked["running_mean"], checked["running_var"]

    def _checked(name, doc):
        """A property whose setter checks the value by BATCH_NORM[name]."""
        def get(self):
            return getattr(self, f"_{name}")

        def set_(self, value):
            setattr(self, f"_{name}", BATCH_NORM[name](value))
        return property(get, set_, doc=doc)

    gamma = property(lambda self: self.scale_slot.value,
                     lambda self, value: setattr(self.scale_slot, "value",
                                                 BATCH_NORM["gamma"](value)),
                     doc="γ_j, a slot of θ.")
    beta = property(lambda self: self.shift_slot.value,
                    lambda self, value: setattr(self.shift_slot, "value",
                                                BATCH_NORM["beta"](value)),
                    doc="β_j, a slot of θ.")
    eps = _checked("eps", "ε > 0, added to the variance under the square root.")
    momentum = _checked("momentum", "m in [0, 1]: how much of a batch's statistics the "
                                    "running averages take in.")
    running_mean = _checked("running_mean", "μ̂, the running mean of a_j.")
    running_var = _checked("running_var", "σ̂² ≥ 0, the running variance of a_j.")
    del _checked

    def scale(self):
        """γ/√(ε + σ̂²): ∂â_j/∂a_j with the running statistics."""
        return self.gamma / math.sqrt(self.eps + self.running_var)

    def infer(self, a):
        """â = γ (a − μ̂)/√(ε + σ̂²) + β with the running statistics (float or array)."""
        return self.gamma * (a - self.running_mean) / math.sqrt(self.eps + self.running_var) \
            + self.beta

    def remember(self, mean, var):
        """Fold one batch's μ_B and σ_B² into the running averages.

        Raises
        ------
        DivergedError
            If they would stop being finite (a batch's numbers too large); they are left as
            they were.
        """
        m = self._momentum
        mean = (1.0 - m) * self._running_mean + m * mean
        var = (1.0 - m) * self._running_var + m * var
        if not (math.isfinite(mean) and math.isfinite(var)):
            raise DivergedError(f"a batch's statistics would make the running mean {mean:g} "
                                f"and variance {var:g}; they must stay finite")
        self._running_mean, self._running_var = mean, var

    def state(self):
        """Every number, as a dict (what files hold)."""
        return {name: getattr(self, name) for name in self.NUMBERS}

    def __eq__(self, other):
        return isinstance(other, BatchNorm) and self.state() == other.state()

    def __repr__(self):
        return "BatchNorm(" + ", ".join(f"{k}={v!r}" for k, v in self.state().items()) + ")"
