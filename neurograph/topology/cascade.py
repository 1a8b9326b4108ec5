"""Cascade-correlation (Fahlman & Lebiere 1990): a network that grows its hidden neurons.

1. Start with every input (and the bias) connected to every output; train the
   output weights.
2. Train a pool of candidate neurons, each fed by the bias, the inputs and every
   hidden neuron so far, to maximise the covariance of its output with the
   outputs' residual errors (:func:`covariance`).
3. Install the best candidate: its incoming weights are frozen from then on (the
   frozen-edge mechanism of :meth:`Network.freeze`), and it feeds every output.
4. Retrain the output weights, and repeat until the training error reaches
   `target_error` or `max_hidden` neurons are installed.

Each new neuron sees every earlier one, so the result is a tall non-layered DAG
— a neurograph network like any other: it saves, draws and explains. Both
trainings are quasi-Newton (scipy's L-BFGS, where Fahlman used Quickprop): the
output weights minimise the loss plus a small weight decay (a convex problem for
logistic outputs under the log loss), the candidates maximise the covariance.
"""

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..model.activations import ACTIVATIONS, get_activation
from ..model.losses import LOSSES, get_loss
from ..model.network import Network

__all__ = ["cascade_correlation", "covariance", "output_activations", "trained_losses"]


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


def cascade_correlation(X, Y, max_hidden=25, candidates=8, activation="tanh",
                        output_activation="logistic", loss="log", target_error=0.0,
                        weight_decay=1e-4, output_iterations=300, candidate_iterations=300,
                        seed=0):
    """Grow a network by cascade-correlation; returns ``(net, history)``.

    Parameters
    ----------
    X, Y : array_like
        The training examples (n × p) and targets (n × K).
    max_hidden : int, default 25
        The most hidden neurons to install.
    candidates : int, default 8
        The size of the candidate pool trained before each installation.
    activation : str, default "tanh"
        The hidden neurons' g.
    output_activation : str, default "logistic"
        One of :func:`output_activations` (logistic, tanh, identity …).
    loss : str, default "log"
        What the output weights minimise: one of :func:`trained_losses` (the quadratic
        losses, and the log loss with logistic outputs).
    target_error : float, default 0.0
        Stop once at most this fraction of the training examples is misclassified
        (an output on the wrong side of 0.5; the largest output with several).
    weight_decay : float, default 1e-4
        λ of the output training's λ Σ w² (keeps separable problems finite).
    output_iterations, candidate_iterations : int
        L-BFGS iterations for each output training and each candidate.
    seed : int, default 0
        Draws the candidates' initial weights.

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
        ``covariance`` (its S) and ``weights`` ({(i, j): w_ij} it was installed with).

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
    g = get_activation(activation)
    if g.group:
        raise NetworkError(f"hidden neurons compute one g each: {g.name} cannot be theirs")
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
        result = minimize(finite(output_cost), W.ravel(), jac=True, method="L-BFGS-B",
                          options={"maxiter": output_iterations})
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
        best = None
        for _ in range(candidates):
            v0 = rng.uniform(-1.0, 1.0, F.shape[1])

            def negative_covariance(v):
                z = F @ v
                V = g.g(z)
                cov = (V - V.mean()) @ E  # one per output
                sign = np.sign(cov)
                grad = F.T @ ((E @ sign) * g.dg(z))
                return -float(np.abs(cov).sum()), -grad

            result = minimize(finite(negative_covariance), v0, jac=True, method="L-BFGS-B",
                              options={"maxiter": candidate_iterations})
            if best is None or -result.fun > best[0]:
                best = (-float(result.fun), result.x)
        S, v = best
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
                        "covariance": S, "weights": installed})
    for row, i in enumerate(sources):  # the trained output weights onto the edges
        for col, k in enumerate(outputs):
            net.w[i, k] = float(W[row, col])
    return net, history

