r"""Loss functions ℓ(y, a) for one example, each with the output Δ it implies.

For an output neuron k with target y_k, activation a_k = g(in_k), each loss
gives ℓ and the output Δ_k = ∂ℓ/∂in_k:

- ``squared`` (Lecture 07, the default): ℓ = Σ_k (y_k − a_k)²,
  Δ_k = −2 (y_k − a_k) g′(in_k)
- ``half_squared`` (Lectures 23, 25 and #L3): ℓ = ½ Σ_k (y_k − a_k)²,
  Δ_k = −(y_k − a_k) g′(in_k)
- ``log``: ℓ = −Σ_k [y_k log a_k + (1 − y_k) log(1 − a_k)],
  Δ_k = (a_k − y_k) / (a_k (1 − a_k)) · g′(in_k)

With a logistic output neuron, the log loss's Δ_k is exactly a_k − y_k, and ℓ is
computed from in_k, so a saturated neuron (a_k rounded to 0 or 1) still gives
finite, exact numbers.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..checks import named
from ..errors import NetworkError, describe
from . import activations

__all__ = ["Loss", "LOSSES", "get_loss"]

LOGISTIC = activations.ACTIVATIONS["logistic"]
"""The activation the log loss pairs with exactly: ℓ and Δ_k = a_k − y_k from in_k."""


@dataclass(frozen=True)
class Loss:
    """A loss ℓ for one output neuron, and the output Δ it implies.

    Parameters
    ----------
    name : str
        The name used in ``backward(y, loss=name)``.
    value : callable
        ``value(y_k, a_k, in_k, activation)``: this output's term of ℓ.
    delta : callable
        ``delta(y_k, a_k, in_k, activation)``: Δ_k = ∂ℓ/∂in_k for this output.
    formula : str, optional
        ℓ as LaTeX, for explanations.
    check : callable, optional
        ``check(y_k, a_k, activation)`` raises a NetworkError if the loss is
        undefined there; it runs on every output before any Δ is written.
    error : callable, optional
        ``error(y_k, a_k)``, the factor with Δ_k = error · g′(in_k) (∂ℓ/∂a_k), so
        that a Δ can be had from a g′ already known (see :meth:`output_delta`).
    exact_for : str, optional
        The name of an activation for which `delta` has an exact form of its own
        (the log loss with logistic outputs: Δ_k = a_k − y_k), which
        :meth:`output_delta` must then use.
    layer_factor : float, default 1
        The seeds' layer notation writes δ^l_j = layer_factor · Δ_j (½ for
        "squared", whose seeds use the half-squared cost).
    quadratic : float, default 0
        c when ℓ = c Σ_k (y_k − a_k)² (1 for "squared", ½ for "half_squared"), else 0.
        Explanations then write the error y_k − a_k as a step of its own and
        Δ_k = −2c (y_k − a_k) g′(in_k); saliency takes ∂²ℓ/∂in_k² = 2c g′(in_k)².
    error_form : tuple, default ()
        How explanations write ∂ℓ/∂a_k (for Δ_k = ∂ℓ/∂a_k · g′(in_k)), as tokens: "a" and
        "y" for a_k and y_k, numbers as themselves, any other string an operator or
        bracket; e.g. the log loss's ``("(", "a", "−", "y", ")", "/", "(", "a", "(", 1.0,
        "−", "a", ")", ")")``. Without it (and without `quadratic`) they write Δ_k's value.
    array_value : callable, optional
        ``array_value(y, a, in_, activation, xp, apply)``: ℓ elementwise on arrays of the
        namespace `xp` (numpy or torch), `activation` the outputs' common activation (None
        if they differ) and ``apply(g, z)`` computing an activation g as the engine does
        (with its g′). The torch engine computes ℓ so; a group paired exactly
        (:attr:`group_exact`) it computes from the group's in_k itself.
    array_error : callable, optional
        ``array_error(y, a, xp)``: ∂ℓ/∂a_k elementwise on arrays of the namespace `xp`. The
        torch engine's packed path (:mod:`neurograph.engines.tensor_blocks`) starts its
        backward pass from it (from a_k − y_k where the pairing is exact); a loss without
        it trains on the torch engine's slower autograd path.

    The callables take floats or numpy arrays (elementwise).

    Examples
    --------
    >>> import neurograph as ng
    >>> squared = ng.get_loss("squared")
    >>> logistic = ng.get_activation("logistic")
    >>> squared.value(1.0, 0.5, 0.0, logistic)
    0.25
    >>> squared.delta(1.0, 0.5, 0.0, logistic)   # −2 (1 − 0.5) · σ′(0) = −2 · 0.5 · 0.25
    -0.25
    """

    name: str
    value: Callable
    delta: Callable
    formula: str = ""
    check: Optional[Callable] = None
    error: Optional[Callable] = None
    exact_for: str = ""
    layer_factor: float = 1.0
    quadratic: float = 0.0
    error_form: tuple = ()
    array_value: Optional[Callable] = None
    array_error: Optional[Callable] = None

    def output_delta(self, y, a, in_, activation, g_prime):
        """Δ_k when g′(in_k) is already known (the batch engine has it from a_k)."""
        if self.error is None or (self.exact_for and activation.name == self.exact_for):
            return self.delta(y, a, in_, activation)  # (exact(), inlined: once per output)
        return self.error(y, a) * g_prime

    def exact(self, activation):
        """Whether this loss has an exact Δ_k = a_k − y_k (and ℓ from in_k) for outputs with
        `activation` (the log loss and logistic outputs, cross-entropy and softmax)."""
        return bool(self.exact_for) and activation.name == self.exact_for

    @property
    def group_exact(self):
        """Whether this loss is exact for a group activation (cross-entropy with softmax):
        the group's Δ_k is a_k Σ_m y_m − y_k and ℓ = −Σ_k y_k (in_k − log Σ_m e^(in_m))."""
        paired = activations.ACTIVATIONS.get(self.exact_for)
        return paired is not None and paired.group

    def curvature(self, a, in_, activation):
        """∂²ℓ/∂in_k² at an output (its Gauss–Newton part, which Optimal Brain Damage's
        saliency takes): 2c g′(in_k)² for a quadratic loss, a_k (1 − a_k) for an exact pairing
        (∂(a_k − y_k)/∂in_k: σ′, or the softmax Jacobian's diagonal); None where it is not known."""
        if self.quadratic:
            return 2.0 * self.quadratic * activation.dg(in_) ** 2
        if self.exact(activation):
            return a * (1.0 - a)
        return None

    def __repr__(self):
        return f"Loss({self.name!r})"


def squared(y, a, in_, activation):
    r""":math:`(y_k - a_k)^2`."""
    error = y - a
    return error * error  # a float's ** 2 raises OverflowError where * gives inf


def squared_error(y, a):
    r""":math:`\partial \ell / \partial a_k = -2 (y_k - a_k)`."""
    return -2.0 * (y - a)


def squared_delta(y, a, in_, activation):
    r""":math:`\Delta_k = -2 (y_k - a_k)\, g'(in_k)`."""
    return squared_error(y, a) * activation.dg(in_)


def half_squared(y, a, in_, activation):
    r""":math:`\tfrac12 (y_k - a_k)^2`."""
    error = y - a
    error *= error  # in place for arrays: one temporary, not three
    error *= 0.5
    return error


def half_squared_error(y, a):
    r""":math:`\partial \ell / \partial a_k = -(y_k - a_k)`."""
    return -(y - a)


def half_squared_delta(y, a, in_, activation):
    r""":math:`\delta_k = -(y_k - a_k)\, g'(in_k)`."""
    return half_squared_error(y, a) * activation.dg(in_)


def check_log(y, a, activation):
    """The log loss is defined for targets in [0, 1] and outputs strictly between 0 and 1."""
    if np.any((y < 0.0) | (y > 1.0)):
        raise NetworkError(f"the log loss needs targets y_k in [0, 1]; received {describe(y)}")
    if activation is not LOGISTIC and np.any((a <= 0.0) | (a >= 1.0)):
        raise NetworkError(
            f"the log loss needs outputs 0 < a_k < 1; received a_k = {describe(a)} from an "
            f"output neuron with activation {activation.name!r} (use logistic output neurons)")


def log(y, a, in_, activation):
    r""":math:`-[y_k \log a_k + (1 - y_k) \log(1 - a_k)]`.

    With a logistic output it is evaluated from :math:`in_k` as
    :math:`y_k\,\mathrm{softplus}(-in_k) + (1 - y_k)\,\mathrm{softplus}(in_k)`.
    """
    if activation is LOGISTIC:
        return y * activations.softplus(-in_) + (1.0 - y) * activations.softplus(in_)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0 · log 0 counts as 0, as in the limit.
        return -(np.where(y > 0.0, y * np.log(a), 0.0)
                 + np.where(y < 1.0, (1.0 - y) * np.log1p(-a), 0.0))[()]


def log_delta(y, a, in_, activation):
    r""":math:`\Delta_k = \frac{a_k - y_k}{a_k (1 - a_k)}\, g'(in_k)`.

    For a logistic g this is exactly :math:`a_k - y_k`, which is what is computed.
    """
    if activation is LOGISTIC:
        return a - y
    return log_error(y, a) * activation.dg(in_)


def log_error(y, a):
    r""":math:`\partial \ell / \partial a_k = \frac{a_k - y_k}{a_k (1 - a_k)}`."""
    return (a - y) / (a * (1.0 - a))


def check_cross_entropy(y, a, activation):
    """Categorical cross-entropy needs targets y_k ≥ 0 (one-hot, or probabilities), and
    outputs a_k > 0 wherever y_k > 0 (softmax outputs, computed from in_k, always qualify)."""
    y, a = np.asarray(y), np.asarray(a)
    if (y < 0.0).any():
        raise NetworkError(f"the cross-entropy loss needs targets y_k ≥ 0; received {describe(y)}")
    if not activation.group and np.any((y > 0.0) & (a <= 0.0)):
        raise NetworkError(f"the cross-entropy loss needs outputs a_k > 0 where y_k > 0 (log a_k); "
                           f"received a_k = {describe(a.tolist())} from an output neuron with "
                           f"activation "
                           f"{activation.name!r} (use softmax outputs)")


def cross_entropy(y, a, in_, activation):
    r""":math:`-y_k \log a_k` (0 where y_k = 0). With softmax outputs the engines use the
    group's :math:`-\sum_k y_k (in_k - \log \sum_m e^{in_m})`, exact when saturated."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (-np.where(y > 0.0, y * np.log(a), 0.0))[()]


def cross_entropy_error(y, a):
    r""":math:`\partial \ell / \partial a_k = -y_k / a_k` (0 where y_k = 0)."""
    if isinstance(a, float):
        return 0.0 if y == 0.0 else -y / a
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0.0, -y / a, 0.0)


def cross_entropy_delta(y, a, in_, activation):
    r""":math:`\Delta_k = -\frac{y_k}{a_k} g'(in_k)` for an output that is not softmax (with
    softmax outputs the group's Δ_k is :math:`a_k \sum_m y_m - y_k`: a_k − y_k for one-hot y)."""
    return cross_entropy_error(y, a) * activation.dg(in_)


def squared_xp(y, a, in_, activation, xp, apply):
    r""":math:`(y_k - a_k)^2` on arrays of any namespace."""
    return (y - a) ** 2


def half_squared_xp(y, a, in_, activation, xp, apply):
    r""":math:`\tfrac12 (y_k - a_k)^2` on arrays of any namespace."""
    return 0.5 * (y - a) ** 2


def log_xp(y, a, in_, activation, xp, apply):
    r"""The log loss on arrays of any namespace: from :math:`in_k` for logistic outputs,
    :math:`y_k\,\mathrm{softplus}(-in_k) + (1 - y_k)\,\mathrm{softplus}(in_k)`."""
    if activation is LOGISTIC:
        softplus = activations.ACTIVATIONS["softplus"]
        return y * apply(softplus, -in_) + (1 - y) * apply(softplus, in_)
    return -(y * xp.log(a) + (1 - y) * xp.log(1 - a))


def cross_entropy_xp(y, a, in_, activation, xp, apply):
    r""":math:`-y_k \log a_k` (0 where y_k = 0) on arrays of any namespace."""
    return -xp.where(y > 0, y * xp.log(a), xp.zeros_like(y))


def any_array(error):
    """``error(y, a)`` written with arithmetic alone, as an `array_error` (any namespace)."""
    def array_error(y, a, xp):
        return error(y, a)
    array_error.__doc__ = error.__doc__
    return array_error


def cross_entropy_error_xp(y, a, xp):
    r""":math:`\partial \ell / \partial a_k = -y_k / a_k` (0 where y_k = 0) on arrays of any
    namespace."""
    return xp.where(y > 0, -y / a, xp.zeros_like(y))


LOSSES = {
    loss.name: loss
    for loss in (
        Loss("squared", squared, squared_delta, r"\sum_k (y_k - a_k)^2",
             error=squared_error, layer_factor=0.5, quadratic=1.0, array_value=squared_xp,
             array_error=any_array(squared_error)),
        Loss("half_squared", half_squared, half_squared_delta,
             r"\frac{1}{2} \sum_k (y_k - a_k)^2", error=half_squared_error, quadratic=0.5,
             array_value=half_squared_xp, array_error=any_array(half_squared_error)),
        Loss("log", log, log_delta,
             r"-\sum_k \left[ y_k \log a_k + (1 - y_k) \log(1 - a_k) \right]", check_log,
             error=log_error, exact_for=LOGISTIC.name, array_value=log_xp,
             array_error=any_array(log_error),
             error_form=("(", "a", "−", "y", ")", "/", "(", "a", "(", 1.0, "−", "a", ")", ")")),
        Loss("cross_entropy", cross_entropy, cross_entropy_delta, r"-\sum_k y_k \log a_k",
             check_cross_entropy, error=cross_entropy_error, exact_for="softmax",
             array_value=cross_entropy_xp, array_error=cross_entropy_error_xp),
    )
}
"""The named losses, by name."""

ALIASES = {}


def get_loss(spec):
    """Return the :class:`Loss` named by `spec`, or `spec` itself if it is one.

    Raises
    ------
    NetworkError
        If `spec` names no loss.

    Examples
    --------
    >>> import neurograph as ng
    >>> ng.get_loss("half_squared")
    Loss('half_squared')
    """
    loss = LOSSES.get(spec) if type(spec) is str else None  # the common case, cheaply
    return loss if loss is not None else named(spec, Loss, LOSSES, ALIASES, "loss")
