r"""Activation functions g and their derivatives g′, kept together in one object.

Every built-in takes either a float (the reference engine walks one neuron at a
time and uses :mod:`math`) or a numpy array (vectorized code and plots), and is
numerically stable: no overflow and no warning at in_j = ±1000.

=============  ===========================================  ==============================
name           g(in_j)                                      g′(in_j)
=============  ===========================================  ==============================
threshold      1 if in_j ≥ 0 else 0                         0 (undefined at 0)
logistic       σ(in_j) = 1 / (1 + e^(−in_j))                σ(in_j)(1 − σ(in_j))
tanh           tanh(in_j)                                   1 − tanh²(in_j)
relu           max(0, in_j)                                 1 if in_j > 0 else 0
leaky_relu     in_j if in_j ≥ 0 else 0.01·in_j              1 if in_j > 0 else 0.01
softplus       log(1 + e^(in_j))                            σ(in_j)
identity       in_j                                         1
=============  ===========================================  ==============================

``"sigmoid"`` is another name for ``"logistic"`` and ``"linear"`` for ``"identity"``.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import named
from .errors import NetworkError, describe

__all__ = ["Activation", "ACTIVATIONS", "get_activation"]

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    r"""An activation function g together with its derivative g′.

    Parameters
    ----------
    name : str
        The name shown in explanations, pictures and files.
    g, dg : callable
        g(in_j) and g′(in_j). Each must accept a float (the reference engine)
        and a numpy array (the vectorized engine), elementwise.
    formula : str, optional
        g as LaTeX, for explanations, e.g. ``r"\frac{1}{1 + e^{-in_j}}"``.

    Examples
    --------
    >>> import math
    >>> import neurograph as ng
    >>> cube = ng.Activation("cube", g=lambda z: z**3, dg=lambda z: 3 * z**2)
    >>> cube.g(2.0), cube.dg(2.0)
    (8.0, 12.0)
    >>> ng.get_activation("sigmoid").g(0.0)
    0.5
    """

    name: str
    g: Callable
    dg: Callable
    formula: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise NetworkError(f"an activation's name must be a non-empty string; "
                               f"received {describe(self.name)}")
        for part in ("g", "dg"):
            if not callable(getattr(self, part)):
                raise NetworkError(f"activation {self.name!r}: {part} must be callable; "
                                   f"received {describe(getattr(self, part))}")

    def __repr__(self):
        return f"Activation({self.name!r})"


def _array(z):
    return np.asarray(z, dtype=float)


def _scalar_or_array(out):
    return out[()] if out.ndim == 0 else out


def threshold(z):
    r"""Binary threshold: :math:`g(in_j) = 1` if :math:`in_j \geq 0`, else 0."""
    if isinstance(z, float):
        return 1.0 if z >= 0.0 else 0.0
    return _scalar_or_array(np.where(_array(z) >= 0.0, 1.0, 0.0))


def threshold_derivative(z):
    r"""g′ = 0 wherever it is defined (everywhere but :math:`in_j = 0`)."""
    if isinstance(z, float):
        return 0.0
    return _scalar_or_array(np.zeros_like(_array(z)))


def logistic(z):
    r"""Logistic function :math:`\sigma(in_j) = \frac{1}{1 + e^{-in_j}}`.

    Evaluated as :math:`e^{in_j} / (1 + e^{in_j})` for negative inputs, so that
    :math:`e^{-in_j}` never overflows.
    """
    if isinstance(z, float):
        if z >= 0.0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    z = _array(z)
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e^(−|in_j|)
    one_plus_e = e + 1.0
    out = np.divide(1.0, one_plus_e)
    np.divide(e, one_plus_e, out=out, where=z < 0.0)  # the same two divisions, in place
    return _scalar_or_array(out)


def logistic_derivative(z):
    r""":math:`\sigma'(in_j) = \sigma(in_j)\,(1 - \sigma(in_j))`."""
    s = logistic(z)
    return s * (1.0 - s)


def tanh(z):
    r"""Hyperbolic tangent :math:`\tanh(in_j)`."""
    if isinstance(z, float):
        return math.tanh(z)
    return _scalar_or_array(np.tanh(_array(z)))


def tanh_derivative(z):
    r""":math:`\tanh'(in_j) = 1 - \tanh^2(in_j)`."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    r"""Rectified linear unit :math:`\max\{0, in_j\}`."""
    if isinstance(z, float):
        return z if z > 0.0 else 0.0
    z = _array(z)
    return _scalar_or_array(np.where(z > 0.0, z, 0.0))


def relu_derivative(z):
    r"""1 for :math:`in_j > 0`, else 0 (the lectures' choice at 0)."""
    if isinstance(z, float):
        return 1.0 if z > 0.0 else 0.0
    return _scalar_or_array(np.where(_array(z) > 0.0, 1.0, 0.0))


def leaky_relu(z):
    r"""Leaky ReLU: :math:`in_j` for :math:`in_j \geq 0`, else :math:`0.01\,in_j`."""
    if isinstance(z, float):
        return z if z >= 0.0 else LEAKY_SLOPE * z
    z = _array(z)
    return _scalar_or_array(np.where(z >= 0.0, z, LEAKY_SLOPE * z))


def leaky_relu_derivative(z):
    r"""1 for :math:`in_j > 0`, else 0.01 (seed 000's choice at 0)."""
    if isinstance(z, float):
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    return _scalar_or_array(np.where(_array(z) > 0.0, 1.0, LEAKY_SLOPE))


def softplus(z):
    r"""Softplus :math:`\log(1 + e^{in_j})`, as :math:`\max\{0, in_j\} + \log(1 + e^{-|in_j|})`."""
    if isinstance(z, float):
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    z = _array(z)
    return _scalar_or_array(np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))))


def identity(z):
    r"""Identity :math:`g(in_j) = in_j` (a linear output neuron, for regression)."""
    if isinstance(z, float):
        return z
    return _scalar_or_array(_array(z).copy())


def identity_derivative(z):
    r""":math:`g'(in_j) = 1`."""
    if isinstance(z, float):
        return 1.0
    return _scalar_or_array(np.ones_like(_array(z)))


ACTIVATIONS = {
    a.name: a
    for a in (
        Activation("threshold", threshold, threshold_derivative,
                   r"\begin{cases} 1 & in_j \geq 0 \\ 0 & \text{otherwise} \end{cases}"),
        Activation("logistic", logistic, logistic_derivative, r"\frac{1}{1 + e^{-in_j}}"),
        Activation("tanh", tanh, tanh_derivative, r"\tanh(in_j)"),
        Activation("relu", relu, relu_derivative, r"\max\{0, in_j\}"),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative,
                   r"\max\{0.01\,in_j, in_j\}"),
        Activation("softplus", softplus, logistic, r"\log(1 + e^{in_j})"),
        Activation("identity", identity, identity_derivative, r"in_j"),
    )
}
"""The named activations, by name (aliases are resolved by :func:`get_activation`)."""

ALIASES = {"sigmoid": "logistic", "linear": "identity"}


def get_activation(spec):
    """Return the :class:`Activation` named by `spec`, or `spec` itself if it is one.

    Parameters
    ----------
    spec : str or Activation
        A name from :data:`ACTIVATIONS` or an alias (``"sigmoid"``, ``"linear"``).

    Raises
    ------
    NetworkError
        If `spec` names no activation.

    Examples
    --------
    >>> import neurograph as ng
    >>> ng.get_activation("linear")
    Activation('identity')
    """
    return named(spec, Activation, ACTIVATIONS, ALIASES, "activation")
