"""Lecture 07-5c's ways to make a search affordable, as
:func:`~neurograph.topology.evolution.evolve` uses them: "use smaller training data", "stop
training early and try to predict performance improvements based on trend in cost over
epochs", and Hyperband's successive halving.

- **A subset** (``subset=f``): each child trains on a random fraction f of the training
  examples, drawn from its own seed (validation is unchanged, so scores stay comparable).
- **Early stopping from the learning curve** (``early_stop=True``): a child trains in
  :data:`CHECKPOINTS` equal chunks of its epochs. After each chunk but the last its validation
  loss L_c is measured, and the trend of the last chunk is carried on straight to the end:
  with r chunks remaining, the best it can expect is L_c − r·max(0, L_{c−1} − L_c) (L_0 is the
  loss it started from). If that is still above the best validation loss of the previous
  generation, the child stops there and is scored as it stands. For a learning curve that
  flattens, straight-line extrapolation is optimistic: the rule errs on the side of letting a
  child go on. (Each chunk is its own ``fit`` call, so Adam's moments start afresh per chunk.)
- **A learned estimate of performance** (``early_stop="learned"``): children train in the
  same chunks as for the trend rule (from the second generation on: the first trains in one
  go, as without early stopping, since chunks restart Adam and cost the starting networks
  accuracy — on the spirals a chunked first generation took 10–15 generations to solve what
  takes 3–4 otherwise), and the learning curve L_0, …, L_C of each child trained to the end
  (never stopped) is kept. After each generation, for each checkpoint
  c < C, a least-squares line is fitted over those curves from the features
  (1, log L_c, log L_{c−1} − log L_c) to log L_C, the final loss (:func:`fit_estimate`), with
  σ_c the standard deviation of its residuals. A child at checkpoint c stops when even
  :data:`SIGMAS` (one) σ_c below the prediction, exp(prediction − σ_c), is above the best
  validation loss of the previous generation (:func:`train_with_estimate`). Until :data:`MIN_CURVES` curves are
  known, the trend rule above decides. The curves all come from children that went on, so
  the estimate learns the curves that looked promising; one σ of benefit of the doubt keeps
  it from stopping children on a fit that knows little. Successive halving trains no child
  its full `epochs` in one go, so with ``halving=True`` no curve is kept and the trend rule
  decides throughout.
- **Successive halving** (``halving=True``): each generation's children first train for
  epochs/4; the better half (by fitness) trains another epochs/4, and the better half of those
  another epochs/2 — so the best quarter gets the full `epochs` and the generation costs half
  as many epochs. A child dropped early keeps the fitness it had.
"""

import numpy as np

from .. import checks
from ..errors import NetworkError, describe

__all__ = ["CHECKPOINTS", "HALVING", "MIN_CURVES", "SIGMAS", "early_stop_rule", "fit_estimate",
           "predicted_final", "subset_rows", "train_with_estimate"]

CHECKPOINTS = 4
"""Chunks of a child's training between which early stopping looks at its learning curve."""

SIGMAS = 1.0
"""The learned estimate's benefit of the doubt: a child stops only when its predicted final
loss less this many residual standard deviations is above the best."""

MIN_CURVES = 8
"""Learning curves of children trained to the end that the learned estimate needs before it
decides; with fewer, the trend rule does."""

HALVING = (0.25, 0.25, 0.5)
"""Successive halving: each round's share of `epochs`; after each round but the last, the
better half of the children still training goes on."""


def subset_rows(n, fraction, rng):
    """Sorted indices of round(fraction · n) rows (at least one) drawn without replacement.

    Parameters
    ----------
    n : int
        The number of rows.
    fraction : float or None
        The share to keep; None or ≥ 1: every row.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int
    """
    if fraction is None or fraction >= 1.0:
        return np.arange(n)
    return np.sort(rng.choice(n, size=max(1, int(round(fraction * n))), replace=False))


def early_stop_rule(value):
    """`evolve`'s early_stop: False, True (the trend rule) or "learned" (the learned estimate)."""
    if isinstance(value, str):
        if value == "learned":
            return value
        raise NetworkError(f"early_stop must be True, False or 'learned'; "
                           f"received {describe(value)}")
    try:
        return checks.flag(value, "early_stop")
    except NetworkError:
        raise NetworkError(f"early_stop must be True, False or 'learned'; "
                           f"received {describe(value)}") from None


def _features(curve, c):
    """(1, log L_c, log L_{c−1} − log L_c) of the learning curve L_0, … at checkpoint c."""
    now, before = np.log(curve[c]), np.log(curve[c - 1])
    return np.array([1.0, now, before - now])


def fit_estimate(curves):
    """The learned estimate from full learning curves L_0, …, L_C (C = :data:`CHECKPOINTS`).

    Parameters
    ----------
    curves : sequence of sequence of float
        Validation losses of children trained to the end: before training, after each chunk.
        Curves of another length, or with a loss that is not finite and above 0, are left out.

    Returns
    -------
    dict or None
        ``{c: (beta, sigma)}`` for c = 1, …, C − 1: the least-squares coefficients of
        log L_C on the features at c, and the residuals' standard deviation (n − 3 degrees of
        freedom); None with fewer than :data:`MIN_CURVES` curves.

    Examples
    --------
    >>> import numpy as np
    >>> from neurograph.topology.budgets import fit_estimate, predicted_final
    >>> curves = [[1.0, r, r ** 2, r ** 3, r ** 4] for r in np.linspace(0.5, 0.9, 8)]
    >>> estimate = fit_estimate(curves)     # here log L_4 = 2 log L_2 exactly
    >>> round(predicted_final(estimate, [1.0, 0.6, 0.36]), 6), estimate[2][1] < 1e-6
    (0.1296, True)
    """
    full = [np.asarray(curve, dtype=float) for curve in curves
            if len(curve) == CHECKPOINTS + 1 and np.all(np.isfinite(curve))
            and np.all(np.asarray(curve, dtype=float) > 0.0)]
    if len(full) < MIN_CURVES:
        return None
    final = np.log([curve[-1] for curve in full])
    estimate = {}
    for c in range(1, CHECKPOINTS):
        A = np.array([_features(curve, c) for curve in full])
        beta = np.linalg.solve(A.T @ A + 1e-9 * np.eye(A.shape[1]), A.T @ final)
        residuals = final - A @ beta
        sigma = float(np.sqrt(residuals @ residuals / max(1, len(full) - A.shape[1])))
        estimate[c] = (beta, sigma)
    return estimate


def predicted_final(estimate, curve):
    """The learned estimate's final loss for a child whose curve so far is L_0, …, L_c.

    Parameters
    ----------
    estimate : dict
        From :func:`fit_estimate`.
    curve : sequence of float
        The child's validation losses L_0, …, L_c at the checkpoints so far (c ≥ 1).

    Returns
    -------
    float
    """
    beta, _ = estimate[len(curve) - 1]
    return float(np.exp(_features(curve, len(curve) - 1) @ beta))


def train_with_estimate(train, score, epochs, start_loss, to_beat, estimate=None):
    """Train in :data:`CHECKPOINTS` chunks, stopping when `to_beat` is out of reach: by the
    learned estimate where one is given (a dict from :func:`fit_estimate`), else by the trend.

    Parameters
    ----------
    train : callable
        ``train(epochs)`` trains the child that many epochs more.
    score : callable
        ``score()`` is the child's validation loss now.
    epochs : int
    start_loss, to_beat : float
        The loss before training (the parent's), and the best loss of the previous generation.
    estimate : dict, optional

    Returns
    -------
    trained : int
        The epochs trained.
    curve : list of float
        L_0 = `start_loss` and the validation loss at each checkpoint passed (the loss after
        the last chunk is the caller's to measure).
    """
    chunks = [epochs // CHECKPOINTS + (c < epochs % CHECKPOINTS) for c in range(CHECKPOINTS)]
    chunks = [c for c in chunks if c]
    trained, curve = 0, [start_loss]
    for c, chunk in enumerate(chunks):
        train(chunk)
        trained += chunk
        remaining = len(chunks) - c - 1
        if not remaining:
            break
        curve.append(score())
        usable = len(chunks) == CHECKPOINTS and min(curve) > 0.0 and np.isfinite(curve).all()
        if estimate is not None and usable:
            beta, sigma = estimate[len(curve) - 1]
            hoped = float(np.exp(_features(curve, len(curve) - 1) @ beta - SIGMAS * sigma))
        else:
            hoped = curve[-1] - remaining * max(0.0, curve[-2] - curve[-1])
        if hoped > to_beat:
            break
    return trained, curve
