"""Cascade-correlation (Fahlman & Lebiere 1990): a network that grows its hidden neurons.

1. Start with every input (and the bias) connected to every output; train the
   output weights.
2. Train a pool of candidate neurons, each fed by the bias, the inputs and every
   hidden neuron so far, to follow the outputs' residual errors: as Prechelt's
   Cascade 2 and FANN's Cascade2, a pool mixing activations and steepnesses, each
   scored by how far it would lower the residuals' sum of squares (:func:`explained`;
   Fahlman's :func:`covariance` is kept in the history).
3. Install the best candidate: its incoming weights are frozen from then on (the
   frozen-edge mechanism of :meth:`Network.freeze`), and it feeds every output.
4. Retrain the output weights, and repeat until the training error reaches
   `target_error` or `max_hidden` neurons are installed.

Each new neuron sees every earlier one, so the result is a tall non-layered DAG
— a neurograph network like any other: it saves, draws and explains. The output
weights minimise the loss plus a small weight decay by scipy's L-BFGS (a convex
problem for logistic outputs under the log loss); the candidates train together by
iRprop− (FANN's choice; Fahlman used Quickprop), as the columns of one matrix."""

import itertools

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..model.activations import ACTIVATIONS, Activation, get_activation
from ..model.losses import LOSSES, get_loss
from ..model.network import Network
from ..training.optimizers import Rprop, one_scipy_blas_thread

__all__ = ["cascade_correlation", "covariance", "explained", "output_activations",
           "trained_losses", "CANDIDATE_ACTIVATIONS", "STEEPNESSES"]

CANDIDATE_ACTIVATIONS = ("tanh", "logistic", "sin")
"""The g of the default candidate pool (chosen by measurement on the two spirals)."""

OUTPUT_TOLERANCES = {"gtol": 1e-10, "ftol": 1e-14}
"""L-BFGS's tolerances for the output training. scipy's defaults (gtol 1e-5) stop it at its
start when the new neuron's column varies little: ∂J/∂w is then small though J can still
fall far (the score is blind to the scale of a candidate's output)."""

STEEPNESSES = (0.25, 0.5, 0.75, 1.0)
"""The default steepnesses: each scales a candidate's incoming weights (FANN's Cascade2's)."""


def output_activations():
    """The output activations cascade-correlation trains: one g per neuron (no group) with a
    gradient to follow (not a step)."""
    return tuple(name for name, g in ACTIVATIONS.items() if not g.group and not g.binary)


def trained_losses(g_out):
    """The losses the output weights can minimise with `g_out` outputs: the quadratic ones, and
    those paired exactly with g_out (Δ_k = a_k − y_k; the log loss with logistic outputs)."""
    return tuple(name for name, loss in LOSSES.items()
                 if loss.quadratic or (loss.exact(g_out) and g_out.strictly_inside))


def covariance(V, E):
    r"""Fahlman's S: the summed magnitudes of the covariance of a candidate with each residual.

    .. math:: S = \sum_o \Big| \sum_p (V_p - \bar V)(E_{p,o} - \bar E_o) \Big|

    V holds the candidate's output on each example p, E (examples × outputs) the
    residual errors a_o − y_o.

    Examples
    --------
    >>> covariance([1.0, 2.0, 3.0], [[1.0], [0.0], [2.0]])
    1.0
    """
    V = np.asarray(V, dtype=float)
    E = np.asarray(E, dtype=float).reshape(len(V), -1)
    return float(np.abs((V - V.mean()) @ (E - E.mean(axis=0))).sum())


def explained(V, E, mu=0.0):
    r"""Cascade 2's score of a candidate: how far the residuals' sum of squares (plus
    :math:`\mu w^2`) would fall if the candidate joined the outputs with its best weights w
    (and the outputs' biases moved) — ridge regression's gain.

    .. math:: R = \sum_o \frac{\big(\sum_p (V_p - \bar V)(E_{p,o} - \bar E_o)\big)^2}
                               {\sum_p (V_p - \bar V)^2 + \mu}

    With μ = 0 it does not grow with the scale of V (Fahlman's :func:`covariance` does), so
    candidates of any g compete on equal terms; a constant V scores 0. μ > 0 prices the
    output weight a V of little spread would need (:func:`cascade_correlation` passes n λ,
    its outputs' weight decay): a logistic deep in its tail, a ≈ 1e-15, scores ≈ 0.

    Examples
    --------
    >>> explained([1.0, 2.0, 3.0], [[1.0], [0.0], [2.0]])
    0.5
    >>> explained([1.0, 2.0, 3.0], [[1.0], [0.0], [2.0]], mu=2.0)
    0.25
    """
    V = np.asarray(V, dtype=float)
    E = np.asarray(E, dtype=float).reshape(len(V), -1)
    R, _ = explained_columns(V.reshape(-1, 1), E - E.mean(axis=0), mu)
    return float(R[0])


def explained_columns(A, E, mu=0.0):
    """:func:`explained` for each column of A (examples × candidates) against the centred
    residuals E (examples × outputs), and its gradient ∂R/∂A =
    2 (E U − (A − Ā) R) / (Σ (A − Ā)² + μ)."""
    A = A - A.mean(axis=0)
    U = E.T @ A  # U[o, c] = Σ_p (A_pc − Ā_c) E_po
    q = np.einsum("pc,pc->c", A, A) + mu
    spread = q > 1e-300
    R = np.divide(np.einsum("oc,oc->c", U, U), q, out=np.zeros_like(q), where=spread)
    dR = 2.0 * np.divide(E @ U - A * R, q, out=np.zeros_like(A), where=spread)
    return R, dR


def candidate_pool(activation, steepnesses, candidates):
    """The candidates trained before each installation: (g, s) for each activation g, each
    steepness s and each of `candidates` copies, in that order."""
    names = (activation,) if isinstance(activation, (str, Activation)) else activation
    if not hasattr(names, "__iter__") or isinstance(names, bytes):
        raise NetworkError(f"activation must be an activation name or a sequence of them such "
                           f"as ('tanh', 'sin'); received {describe(activation)}")
    pool_g = tuple(get_activation(name) for name in names)
    if not pool_g:
        raise NetworkError("activation must name at least one activation")
    for g in pool_g:
        if g.group:
            raise NetworkError(f"hidden neurons compute one g each: {g.name} cannot be theirs")
    if isinstance(steepnesses, (str, bytes)) or not hasattr(steepnesses, "__iter__"):
        raise NetworkError(f"steepnesses must be a sequence of positive numbers such as "
                           f"(0.5, 1.0); received {describe(steepnesses)}")
    steepness = checks.Number("a steepness", above=0.0, rule="positive")
    pool_s = tuple(steepness(s) for s in steepnesses)
    if not pool_s:
        raise NetworkError("steepnesses must hold at least one steepness")
    return [(g, s) for g in pool_g for s in pool_s for _ in range(candidates)]


def candidate_scores(F, E, pool, U, mu=0.0):
    r"""Each candidate's :func:`explained` score R and its gradient ∂R/∂U.

    Candidate c of `pool` (a (g, s) pair) computes :math:`g(s \sum_i u_{ic} F_{pi})` on
    example p from the sources' outputs F (examples × sources; a column of ones first): its
    steepness s scales its incoming weights. E holds the centred residuals (examples ×
    outputs), U the weights u (sources × candidates), μ the price of an output weight.
    """
    s = np.array([s_c for _, s_c in pool])
    Z = F @ (U * s)
    A, dA_dZ = np.empty_like(Z), np.empty_like(Z)
    first = 0
    for g, run in itertools.groupby(g for g, _ in pool):  # each g's candidates, side by side
        cols = slice(first, first + len(list(run)))
        first = cols.stop
        A[:, cols] = (g.fast or g.g)(Z[:, cols])
        dA_dZ[:, cols] = g.dg(Z[:, cols]) if g.dg_from_a is None else g.dg_from_a(A[:, cols])
    R, dR = explained_columns(A, E, mu)
    return R, (F.T @ (dR * dA_dZ)) * s


def train_candidates(F, E, pool, U, epochs, mu=0.0, decay=0.0):
    """Train every candidate of `pool` at once by iRprop− to maximise its :func:`explained`
    score less κ Σ_i u_ic² (κ = `decay`) from the weights U (see :func:`candidate_scores`);
    returns (R, V): each candidate's score R itself and the weights it is installed with,
    w_ic = s_c u_ic, with the table's g. The candidates are the columns of one matrix
    product, and each weight takes iRprop's steps of its own, so they train independently
    of one another."""
    rprop = Rprop()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(epochs):
            _, grad = candidate_scores(F, E, pool, U, mu)
            grad = grad - 2.0 * decay * U  # the ascent of R − κ Σ u²
            U = rprop.step(U, -np.where(np.isfinite(grad), grad, 0.0), lr=None)
        R, _ = candidate_scores(F, E, pool, U, mu)
    return np.where(np.isfinite(R), R, -np.inf), U * np.array([s_c for _, s_c in pool])


def finite(cost_and_grad):
    """`cost_and_grad` for scipy, with a point where the cost or its gradient is not finite
    given as (∞, 0): L-BFGS's line search then steps back from it, where NaN would end the
    run with NaN weights. Its warnings about those points are silenced; they are handled."""
    def checked(theta):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            cost, grad = cost_and_grad(theta)
        if np.isfinite(cost) and np.all(np.isfinite(grad)):
            return cost, grad
        return np.inf, np.zeros_like(theta)
    return checked


def cascade_correlation(X, Y, max_hidden=25, candidates=2, activation=CANDIDATE_ACTIVATIONS,
                        steepnesses=STEEPNESSES, output_activation="logistic", loss="log",
                        target_error=0.0, weight_decay=1e-4, candidate_decay=1e-3,
                        output_iterations=300, candidate_iterations=150, seed=0):
    """Grow a network by cascade-correlation; returns ``(net, history)``.

    Parameters
    ----------
    X, Y : array_like
        The training examples (n × p) and targets (n × K).
    max_hidden : int, default 25
        The most hidden neurons to install.
    candidates : int, default 2
        How many candidates of each activation and steepness the pool holds (FANN's candidate
        groups): the default pool trains 3 × 4 × 2 = 24 before each installation.
    activation : str or sequence of str, default ("tanh", "logistic", "sin")
        The hidden neurons' g: one name, or the pool's mix (:data:`CANDIDATE_ACTIVATIONS`);
        each installed neuron keeps the g of the candidate it was.
    steepnesses : sequence of float, default (0.25, 0.5, 0.75, 1.0)
        A candidate of steepness s computes g(s Σ_i u_i a_i) and is installed with the
        weights w_i = s u_i: s scales its start and its iRprop steps.
    output_activation : str, default "logistic"
        One of :func:`output_activations` (logistic, tanh, identity …).
    loss : str, default "log"
        What the output weights minimise: one of :func:`trained_losses` (the quadratic
        losses, and the log loss with logistic outputs).
    target_error : float, default 0.0
        Stop once at most this fraction of the training examples is misclassified
        (an output on the wrong side of 0.5; the largest output with several).
    weight_decay : float, default 1e-4
        λ of the output training's λ Σ w² (keeps separable problems finite); a candidate's
        output weight pays the same (μ = n λ in :func:`explained`).
    candidate_decay : float, default 1e-3
        κ of the κ Σ u² the candidates' training subtracts from their score: it keeps their
        weights (a sin's frequencies) small where the score gains little, for a smoother
        boundary. On the spirals (seeds 0–9) 1e-3 was right on 75–81% of the points halfway
        between the training points where 0 was on 66–72% (medians), with no more hidden
        neurons; a pool of tanh alone, whose sharp steps need large weights, does better
        with 0.
    output_iterations : int, default 300
        L-BFGS iterations for each output training.
    candidate_iterations : int, default 150
        iRprop− epochs for each candidate pool (FANN's most, 150).
    seed : int, default 0
        Draws the candidates' initial weights u from U(−1, 1).

    Raises
    ------
    NetworkError
        For malformed examples or options, targets the loss is not defined for (the log
        loss: y in [0, 1]), or examples so large that J(w) overflows (in the words of
        :meth:`Network.forward` when an example's sums overflow).

    Returns
    -------
    net : Network
        Inputs 1…p, outputs p+1…p+K, hidden neurons after them in the order installed;
        every hidden neuron's incoming edges are frozen.
    history : list of dict
        One entry per output training: ``hidden`` (how many), ``loss`` (J),
        ``error`` (the fraction misclassified), and for an installation
        ``score`` (its :func:`explained`, by which it was chosen), ``covariance`` (its
        Fahlman's S), ``activation`` (its g's name), ``steepness`` and ``weights``
        ({(i, j): w_ij} it was installed with).

    Notes
    -----
    As Prechelt's Cascade 2 and FANN's ``cascadetrain_on_data``, the candidates are a pool
    mixing activations and steepnesses, trained together by iRprop− (one matrix product for
    all of them per epoch) and scored by :func:`explained`, the fall in the residuals' sum of
    squares each would give; Fahlman's :func:`covariance` favours candidates of large
    output. On the two spirals the default call needs 7–8 hidden neurons (seeds 0–4; FANN's
    Cascade2 7–10), where the earlier 8 tanh candidates by Fahlman's covariance needed 11–15.

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.xor()
    >>> net, history = ng.cascade_correlation(X, Y, seed=0)
    >>> history[-1]["error"], len(net.hidden) <= 3
    (0.0, True)
    """
    try:
        from scipy.optimize import minimize
    except ImportError:
        raise NetworkError("cascade_correlation trains with scipy's L-BFGS: "
                           "pip install 'neurograph[scipy]'") from None
    X, Y = checks.paired(X, Y)
    max_hidden = checks.option("max_hidden", max_hidden)
    candidates = checks.option("candidates", candidates)
    output_iterations = checks.option("epochs", output_iterations)
    candidate_iterations = checks.option("epochs", candidate_iterations)
    weight_decay = checks.option("weight_decay", weight_decay)
    candidate_decay = checks.Number("candidate_decay (κ)", at_least=0.0,
                                    rule="≥ 0")(candidate_decay)
    target_error = checks.option("target_error", target_error)
    g_out = get_activation(output_activation)
    if g_out.group or g_out.binary:  # as output_activations() chooses
        raise NetworkError(f"output_activation must be one of "
                           f"{', '.join(map(repr, output_activations()))}; "
                           f"received {describe(output_activation)}")
    if not (isinstance(loss, str) and loss in trained_losses(g_out)):
        raise NetworkError(f"loss must be one of {', '.join(map(repr, trained_losses(g_out)))} "
                           f"with {g_out.name} outputs (the log loss needs logistic outputs); "
                           f"received {describe(loss)} with {g_out.name} outputs")
    loss = get_loss(loss)
    pool = candidate_pool(activation, steepnesses, candidates)
    rng = checks.generator(seed)
    n, p = X.shape
    K = Y.shape[1]

    net = Network()
    inputs = list(range(1, p + 1))
    outputs = list(range(p + 1, p + K + 1))
    for j in inputs:
        net.add_neuron(j, kind="input")
    for k in outputs:
        net.add_neuron(k, activation=g_out, kind="output")
    sources = [0, *inputs]  # the columns of F: a_0 = 1, the inputs, then each hidden neuron
    F = np.column_stack([np.ones(n), X])
    W = np.zeros((F.shape[1], K))
    for i in inputs:
        for k in outputs:
            net.connect(i, k, 0.0)
    if loss.check is not None:  # the targets the loss is defined for (the log loss: [0, 1])
        loss.check(Y, g_out.g(F @ W), g_out)

    def output_cost(flat):
        """J(W) and its gradient: the mean loss plus λ Σ w² (biases not decayed)."""
        Wm = flat.reshape(F.shape[1], K)
        z = F @ Wm
        a = g_out.g(z)
        if loss.quadratic:  # c Σ (y − a)², Δ = −2c (y − a) g′(in)
            J = loss.quadratic * np.sum((Y - a) ** 2) / n
            dz = -2 * loss.quadratic * (Y - a) * g_out.dg(z) / n
        else:  # paired exactly with the logistic outputs: Δ = a − y
            a = np.clip(a, 1e-15, 1 - 1e-15)
            J = -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / n
            dz = (a - Y) / n
        decay = Wm[1:]
        J += weight_decay * np.sum(decay ** 2)
        grad = F.T @ dz
        grad[1:] += 2 * weight_decay * decay
        return J, grad.ravel()

    def train_outputs(W):
        with one_scipy_blas_thread():  # its idle threads would take numpy's cores
            result = minimize(finite(output_cost), W.ravel(), jac=True, method="L-BFGS-B",
                              options={"maxiter": output_iterations, **OUTPUT_TOLERANCES})
        if not np.all(np.isfinite(result.x)):  # no finite J anywhere scipy looked
            refuse(W)
        W = result.x.reshape(F.shape[1], K)
        with np.errstate(over="ignore", invalid="ignore"):
            z = F @ W
            J, _ = output_cost(result.x)
        if not (np.all(np.isfinite(z)) and np.isfinite(J)):
            refuse(W)
        return W, float(J), g_out.g(z)

    def refuse(W):
        """Forward's refusal, on the network as grown so far with output weights W, of the
        first example whose sums overflow (or J's, if only the loss does)."""
        for row, i in enumerate(sources):
            for col, k in enumerate(outputs):
                net.w[i, k] = float(W[row, col])
        net.predict(X)
        raise NetworkError("cascade-correlation's J(w) is not finite: the examples or targets "
                           "are too large for floating point")

    def error_of(a):
        if K == 1:
            return float(np.mean((a[:, 0] >= 0.5) != (Y[:, 0] >= 0.5)))
        return float(np.mean(a.argmax(axis=1) != Y.argmax(axis=1)))

    W, J, a = train_outputs(W)
    history = [{"hidden": 0, "loss": J, "error": error_of(a)}]
    while history[-1]["error"] > target_error and len(sources) - 1 - p < max_hidden:
        E = a - Y
        E = E - E.mean(axis=0)
        R, V = train_candidates(F, E, pool, rng.uniform(-1.0, 1.0, (F.shape[1], len(pool))),
                                candidate_iterations, n * weight_decay, candidate_decay)
        best = int(np.argmax(R))
        if not np.isfinite(R[best]):
            refuse(W)
        (g, steepness), v = pool[best], V[:, best]
        j = p + K + 1 + (len(sources) - 1 - p)
        net.add_neuron(j, activation=g, bias=False)
        installed = {}
        for i, w in zip(sources, v):
            net.connect(i, j, float(w))
            net.freeze(i, j)
            installed[i, j] = float(w)
        for k in outputs:
            net.connect(j, k, 0.0)
        sources.append(j)
        W = np.vstack([W, np.zeros((1, K))])
        with np.errstate(over="ignore", invalid="ignore"):
            in_j = F @ v
        if not np.all(np.isfinite(in_j)):
            refuse(W)
        F = np.column_stack([F, g.g(in_j)])
        W, J, a = train_outputs(W)
        history.append({"hidden": len(sources) - 1 - p, "loss": J, "error": error_of(a),
                        "score": float(R[best]), "covariance": covariance(F[:, -1], E),
                        "activation": g.name, "steepness": steepness, "weights": installed})
    for row, i in enumerate(sources):  # the trained output weights onto the edges
        for col, k in enumerate(outputs):
            net.w[i, k] = float(W[row, col])
    return net, history

