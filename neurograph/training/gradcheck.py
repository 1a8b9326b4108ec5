"""Checking backpropagation against central finite differences (Lecture 25's gradient checking)."""

import math
import sys
from dataclasses import dataclass

import numpy as np

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
        ``{(i, j): Δ_j a_i}`` from backpropagation (for a batch, by the keys of
        ``net.theta_edges()``).
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


def gradcheck(net, x, y, loss="squared", eps=1e-4, weight_decay=0.0, decay_bias=True,
              sparsity=None, sparsity_neurons=None, n=None, seed=0, progress=None):
    r"""Compare backprop's gradient with central differences, one weight at a time.

    For one example (x and y 1-D): for every edge (i, j),
    :math:`\frac{J(w + \epsilon e_{ij}) - J(w - \epsilon e_{ij})}{2\epsilon}` against
    :math:`\Delta_j a_i` (times the slope c_ij into a max/product neuron; a tied group is
    one weight, named by its first edge, whose gradient is the sum over the group).
    Afterwards the neurons hold the forward and backward pass of (x, y).

    For sequences (X 3-D, (n, T, n_inputs); a recurrent network takes nothing else) the check is
    the batch's, on J(θ) of BPTT. For a batch (X 2-D, one row per example, Lecture 25's way):
    for every entry θ_i of
    ``net.theta()``,
    :math:`\frac{J(\theta + \epsilon e_i) - J(\theta - \epsilon e_i)}{2\epsilon}` against
    ∇J(θ)_i of :meth:`Network.cost_and_grad` — the mean loss over the batch plus the
    weight decay, batch normalization taking the batch's statistics. The keys are
    :meth:`Network.theta_edges`.

    Every weight is restored exactly.

    Parameters
    ----------
    net : Network
    x, y : sequence of float, or 2-D arrays (a batch)
    loss : str or Loss, default "squared"
    eps : float, default 1e-4
        ε, the step (Lecture 25 suggests 10⁻⁴).
    weight_decay, decay_bias, sparsity
        Parts of a batch's J(θ), as :meth:`Network.cost_and_grad` takes them.
    n : int, optional
        Check only `n` weights (entries of θ) drawn at random, without replacement — each
        check costs two passes over the network, so checking every weight of a network of
        E edges costs about E² operations; all of them when `n` is None or at least their
        number.
    seed : int or numpy.random.Generator, default 0
        Which `n` weights: the same seed, the same ones.
    progress : bool, optional
        A progress bar (tqdm): None shows one on a terminal for a check of
        :data:`PROGRESS_ABOVE` weights or more; True always (needs tqdm); False never.

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
    >>> batch = ng.gradcheck(net, [[0.5, -1.0], [1.0, 0.0]], [[1.0], [0.0]], weight_decay=0.01)
    >>> batch.max_relative_error < 1e-6
    True
    >>> len(ng.gradcheck(net, [0.5, -1.0], [1.0], n=3, seed=0).numeric)
    3
    """
    eps = checks.option("eps", eps)
    choose = _sampler(n, seed)
    progress = None if progress is None else checks.flag(progress, "progress")
    if _is_batch(x):
        return _batch_gradcheck(net, x, y, loss, eps, weight_decay, decay_bias, sparsity,
                                sparsity_neurons, choose, progress)
    if net.delays:
        raise NetworkError(f"this network has delay edges: gradcheck checks BPTT on sequences, "
                           f"X of shape (n, T, n_inputs) and Y (n, T, n_outputs); received x of "
                           f"{np.ndim(x)} dimension(s)")
    if sparsity is not None or weight_decay:
        raise NetworkError("weight decay and sparsity are parts of a batch's J(θ): give X and Y "
                           "as 2-D arrays (one row per example), even for one example")
    plan = net.plan()
    x = checks.vector(x, len(plan.inputs), "x")
    y = checks.vector(y, len(plan.outputs), "y")
    loss = get_loss(loss)

    def cost():
        reference.forward_propagate(plan, x)
        return reference.output_loss(plan, y, loss)

    weights = {}  # each weight once: a tied group's Edge under its first (i, j)
    for neuron_i, edge, neuron_j in plan.edges:
        key = (neuron_i.id, neuron_j.id)
        if edge not in weights or key < weights[edge]:
            weights[edge] = key
    numeric = {}
    chosen = choose(list(weights.items()))
    for edge, key in _bar(chosen, progress):
        w_ij = edge.weight
        try:
            edge.weight = w_ij + eps
            plus = cost()
            edge.weight = w_ij - eps
            minus = cost()
        finally:
            edge.weight = w_ij
        numeric[key] = (plus - minus) / (2 * eps)
    net.forward(x)
    net.backward(y, loss)
    # ∂J/∂w_ij = Δ_j a_i (c_ij), summed over the edges that share the weight
    terms = dict(net.grad.items())
    analytic = dict.fromkeys(numeric, 0.0)
    for neuron_i, edge, neuron_j in plan.edges:
        if weights[edge] in analytic:
            analytic[weights[edge]] += terms[neuron_i.id, neuron_j.id]
    _require_finite(numeric, analytic)
    return GradCheckResult(analytic, numeric)


def _is_batch(x):
    """Whether x is a batch: rows of numbers (a 2-D array), or sequences (3-D)."""
    try:
        return np.ndim(x) in (2, 3)
    except ValueError:  # ragged rows: not an array at all (checks.vector says so)
        return False


def _batch_gradcheck(net, X, Y, loss, eps, weight_decay, decay_bias, sparsity,
                     sparsity_neurons, choose, progress):
    """Lecture 25's check of J(θ) on a batch, entry by entry of θ."""
    theta = net.theta()
    keys = net.theta_edges()

    def J(values):
        return net.cost_and_grad(values, X, Y, loss=loss, weight_decay=weight_decay,
                                 decay_bias=decay_bias, sparsity=sparsity,
                                 sparsity_neurons=sparsity_neurons)

    _, grad = J(theta)
    numeric = {}
    chosen = choose(list(enumerate(keys)))
    for p, key in _bar(chosen, progress):
        step = np.zeros_like(theta)
        step[p] = eps
        numeric[key] = (J(theta + step)[0] - J(theta - step)[0]) / (2 * eps)
    analytic = {key: float(grad[p]) for p, key in chosen}
    _require_finite(numeric, analytic)
    return GradCheckResult(analytic, numeric)


PROGRESS_ABOVE = 1000
"""progress=None shows a bar on a terminal for a check of this many weights or more."""


def _sampler(n, seed):
    """A function picking `n` of a list's items at random, in their order (all if n is None)."""
    if n is None:
        return lambda items: items
    n, rng = checks.option("checked", n), checks.generator(seed)

    def choose(items):
        if n >= len(items):
            return items
        return [items[k] for k in np.sort(rng.choice(len(items), size=n, replace=False))]

    return choose


def _bar(items, progress):
    """`items`, with a tqdm progress bar when asked for (or, by default, on a terminal)."""
    if progress is False or (progress is None and (len(items) < PROGRESS_ABOVE
                                                   or not sys.stderr.isatty())):
        return items
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if progress is None:
            return items
        raise ImportError('progress=True needs tqdm: pip install "neurograph[progress]"') from None
    return tqdm(items, desc="gradcheck", unit="weight")


def _require_finite(numeric, analytic):
    if not all(math.isfinite(v) for v in (*numeric.values(), *analytic.values())):
        raise NetworkError("the loss or its gradient is not finite at these weights; "
                           "gradcheck needs finite values")
