"""θ, J(θ) and the optimizers of Lecture 25's "Improvements to Gradient Descent": sgd,
momentum, adam, iRprop−, and scipy's L-BFGS, conjugate gradient, BFGS and TNC."""

import math

import numpy as np
import pytest
import scipy.optimize

import neurograph as ng
from support import snapshot

X, Y = ng.datasets.xor()


def net():
    return ng.Network.layered([2, 3, 1], seed=2)


def full_batch_gradient(network, theta):
    return network.cost_and_grad(theta, X, Y)[1]


@pytest.mark.parametrize("engine", ["reference", "vectorized"])
def test_momentum_and_adam_steps_by_hand(engine):
    theta0 = net().theta()
    g0 = full_batch_gradient(net(), theta0)
    alpha = 0.3
    # momentum: v₁ = g₀, θ₁ = θ₀ − α v₁; v₂ = μ v₁ + g₁, θ₂ = θ₁ − α v₂
    momentum = net()
    momentum.fit(X, Y, lr=alpha, epochs=2, batch_size=None, optimizer="momentum", engine=engine)
    theta1 = theta0 - alpha * g0
    g1 = full_batch_gradient(net(), theta1)
    theta2 = theta1 - alpha * (0.9 * g0 + g1)
    assert np.allclose(momentum.theta(), theta2, rtol=1e-12, atol=1e-14)
    # adam: m₁ = 0.1 g₀, v₁ = 0.001 g₀², m̂ = g₀, v̂ = g₀²: θ₁ = θ₀ − α g₀ / (|g₀| + 10⁻⁸)
    adam = net()
    adam.fit(X, Y, lr=alpha, epochs=1, batch_size=None, optimizer="adam", engine=engine)
    m_hat = (0.1 * g0) / (1 - 0.9)
    v_hat = (0.001 * g0 * g0) / (1 - 0.999)
    assert np.allclose(adam.theta(), theta0 - alpha * m_hat / (np.sqrt(v_hat) + 1e-8),
                       rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("engine", ["reference", "vectorized"])
def test_sgd_on_theta_is_the_lectures_update(engine):
    """Plain SGD runs edge by edge; with a tie, a max/product neuron or batch norm it runs on θ.
    A product neuron of one term is a sum neuron, so both ways must train it alike."""
    weights = {(0, 3): 0.2, (1, 3): 0.4, (2, 3): -0.6, (1, 4): 0.7, (0, 5): -0.1, (3, 5): 0.9,
               (4, 5): -0.8}
    runs = []
    for aggregation in ("sum", "product"):
        model = ng.Network.from_weights(weights, aggregations={4: aggregation})
        model.fit(X, Y, lr=0.5, epochs=3, batch_size=2, shuffle=False, engine=engine)
        runs.append(model.theta())
    assert np.allclose(runs[0], runs[1], rtol=1e-12, atol=1e-15)


def test_lbfgs_reaches_a_lower_cost_than_gradient_descent_on_the_same_budget():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    Y = (np.sin(X[:, :1]) + X[:, 1:2] * X[:, 2:3] > 0).astype(float)
    costs = {}
    for optimizer in ("sgd", "lbfgs", "cg"):
        model = ng.Network.layered([4, 6, 1], seed=0)
        history = model.fit(X, Y, lr=2.0, epochs=60, batch_size=None, optimizer=optimizer,
                            loss="log")
        costs[optimizer] = history.loss[-1]
        assert history.epochs <= 60
    assert costs["lbfgs"] < costs["sgd"] and costs["cg"] < costs["sgd"]


def test_cost_and_grad_is_what_scipy_minimize_wants():
    model = net()
    theta = model.theta()
    result = scipy.optimize.minimize(model.cost_and_grad, theta, args=(X, Y), jac=True,
                                     method="L-BFGS-B")
    assert model.theta().tolist() == theta.tolist()  # cost_and_grad leaves θ alone
    model.set_theta(result.x)
    assert model.cost_and_grad(model.theta(), X, Y)[0] == pytest.approx(result.fun)
    assert model.classify(X).tolist() == [0, 1, 1, 0]


def test_cost_and_grad_agrees_with_gradcheck_and_with_the_seeds_half_form():
    model = net()
    result = ng.gradcheck(model, X, Y, loss="half_squared", weight_decay=0.05, decay_bias=False)
    assert result.max_relative_error < 1e-6
    lam = 0.1  # seeds 003–004: J = (1/m) Σ ½‖h − y‖² + (λ/2) Σ W² (no bias terms)
    J, grad = model.cost_and_grad(model.theta(), X, Y, loss="half_squared", weight_decay=lam / 2,
                                  decay_bias=False)
    weights = [w for (i, _), w in zip(model.theta_edges(), model.theta()) if i != 0]
    out = model.predict(X)
    assert J == pytest.approx(np.mean(0.5 * (out - Y) ** 2) * 1 + lam / 2 * sum(
        w * w for w in weights), rel=1e-12)


def test_history_has_an_entry_per_iteration_and_says_why_it_stopped():
    model = net()
    history = model.fit(X, Y, epochs=500, optimizer="lbfgs", loss="log")
    assert history.stopped in ("converged", "epochs") and 1 <= history.epochs <= 500
    assert history.accuracy[-1] == 1.0
    short = net().fit(X, Y, epochs=3, optimizer="cg")
    assert short.epochs == 3 and short.stopped == "epochs"
    early = net().fit(X, Y, epochs=500, optimizer="lbfgs", loss="log", error_tol=0.4)
    assert early.stopped == "errors" and early.epochs < 500


@pytest.mark.parametrize("act, says", [
    (lambda m: m.fit(X, Y, optimizer="rmsprop"), r"unknown optimizer 'rmsprop'; expected one of: "
                                                 r"'sgd', 'momentum', 'adam', 'rprop', 'lbfgs', "
                                                 r"'cg', 'bfgs', 'tnc'"),
    (lambda m: m.fit(X, Y, optimizer=None), r"unknown optimizer None"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", dropout=0.2), r"dropout draws a different network"),
    (lambda m: m.fit(X, Y, optimizer="rprop", dropout=0.2), r"dropout draws a different network"),
    (lambda m: m.fit(X, Y, optimizer="rprop", batch_size=2),
     r"optimizer='rprop' works on the whole training set at once; received batch_size=2 of 4"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", batch_size=3), r"received batch_size=3 of 4"),
    (lambda m: m.fit(X, Y, tol=1e-6), r"tol is scipy's tolerance, for optimizer='lbfgs'"),
    (lambda m: m.fit(X, Y, optimizer="cg", tol=-1.0), r"tol \(scipy's tolerance\) must be positive"),
    (lambda m: m.fit(X, Y, optimizer="cg", tol="tight"), r"tol \(scipy's tolerance\)"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", tol=math.nan),
     r"tol \(scipy's tolerance\) must be finite; received nan"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", tol=True),
     r"tol \(scipy's tolerance\) must be a real number; received True"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", options={1: 2}),
     r"options must be a dict of option names \(str\) and values for optimizer='lbfgs'"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", options=[1]), r"options must be a dict"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", options={"maxiter": 5}),
     r"options may not set 'maxiter': fit sets it \(use epochs"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", options={"gtol": "small"}), r"option 'gtol'"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", options={"gtol": math.nan}), r"option 'gtol'"),
    (lambda m: m.fit(X, Y, optimizer="momentum", options={"beta1": 0.5}),
     r"optimizer='momentum' has no option 'beta1'; its options: 'mu'"),
    (lambda m: m.fit(X, Y, optimizer="sgd", options={"mu": 0.5}),
     r"optimizer='sgd' has no option 'mu'; its options: none"),
    (lambda m: m.fit(X, Y, optimizer="momentum", options={"mu": 1.0}), r"mu \(μ\) must be"),
    (lambda m: m.fit(X, Y, optimizer="rprop", options={"eta_plus": 0.9}), r"above 1"),
    (lambda m: m.fit(X, Y, optimizer="rprop", options={"delta_zero": 60.0}),
     r"delta_min ≤ delta_zero ≤ delta_max"),
    (lambda m: m.set_theta([1.0, 2.0]), r"theta must have 13 values"),
    (lambda m: m.set_theta([math.nan] * 13), r"theta must be finite"),
    (lambda m: m.cost_and_grad([0.0] * 12, X, Y), r"theta must have 13 values"),
    (lambda m: m.cost_and_grad([math.inf] * 13, X, Y), r"theta must be finite"),
    (lambda m: m.cost_and_grad(m.theta(), X, Y, sparsity=(0.1, -3.0)), r"beta \(β\)"),
    (lambda m: m.cost_and_grad(m.theta(), X, Y[:2]), r"X and Y must have a row per example"),
])
def test_bad_optimizer_use_is_refused_and_changes_nothing(act, says):
    model = net()
    before = snapshot(model)
    with pytest.raises(ng.NetworkError, match=says):
        act(model)
    assert snapshot(model) == before


def test_perceptron_takes_no_optimizer():
    model = ng.Network.from_weights({(0, 3): 0.0, (1, 3): 0.0, (2, 3): 0.0},
                                    activation="threshold")
    with pytest.raises(ng.NetworkError, match="the perceptron rule is its own update"):
        model.fit(X, Y, rule="perceptron", optimizer="adam")


# ------------------------------------------------------ optimizers that finish (issue 25)


def sine():
    """1-5-1 with skip edges (seed 2) and sin(πx) scaled to [0.15, 0.85]: a plateau near the
    start, where scipy's absolute default tolerances on the mean cost stopped L-BFGS after a
    few iterations at J ≈ 0.01."""
    x = np.linspace(0.0, 1.0, 21)
    return (ng.Network.layered([1, 5, 1], seed=2, skip=True), x[:, None],
            (0.15 + 0.7 * np.sin(np.pi * x))[:, None])


def test_lbfgs_goes_on_past_the_plateau_to_a_minimum_and_says_so_in_scipys_words():
    model, x, y = sine()
    history = model.fit(x, y, optimizer="lbfgs", epochs=5000, loss="half_squared")
    assert history.loss[-1] <= 1e-4 and history.loss[9] > 1e-3  # the plateau, then past it
    assert history.stopped == "converged" and history.epochs < 5000
    assert history.message.startswith("CONVERGENCE")  # scipy's reason, word for word
    assert model.cost_and_grad(model.theta(), x, y, loss="half_squared")[0] == history.loss[-1]


FFNET_START = {(0, 2): -0.21543016833527306, (1, 2): -1.5956508949840684,
               (0, 3): 0.16715537242195566, (1, 3): -0.21769371990775865,
               (0, 4): -0.2680283036088944, (1, 4): -0.5710638573330964,
               (0, 5): -0.9941019796336636, (1, 5): 0.40144559134087965,
               (0, 6): -0.6743279648011757, (1, 6): -0.7848193512215395,
               (0, 7): 0.21793319786727572, (1, 7): 0.05242985921563792,
               (2, 7): -0.6574312003111966, (3, 7): 0.02442854585563692,
               (4, 7): -0.5677276746453866, (5, 7): 0.5133495721715652,
               (6, 7): 0.6368408043180717}
"""ffnet 0.8.6's own start for the sine: ``numpy.random.seed(2); ffnet(tmlgraph((1, 5, 1)))``
(its weights, by edge; scripts/bench_peers.py section 2 starts both from them)."""


def test_lbfgs_from_ffnets_start_on_the_sine_reaches_j_of_1e_4():
    """Issue 25's done-when: from the start where ffnet's train_bfgs stops at ½SSE 7.8e-4
    (J = ½SSE / 21 = 3.7e-5), fit's L-BFGS goes on to a minimum with J ≤ 1e-4."""
    _, x, y = sine()
    model = ng.Network.from_weights(FFNET_START)
    assert sorted(model.w) == sorted(ng.Network.layered([1, 5, 1], skip=True).w)
    history = model.fit(x, y, optimizer="lbfgs", epochs=15000, loss="half_squared")
    assert history.stopped == "converged" and history.loss[-1] <= 1e-4
    assert history.loss[0] > 1e-2  # (from well above it)


def test_scipy_sees_j_scaled_to_one_at_the_start_so_the_scale_of_j_changes_nothing():
    """The squared loss is twice the half-squared: the same iterations, the same weights."""
    runs = []
    for loss in ("squared", "half_squared"):
        model, x, y = sine()
        history = model.fit(x, y, optimizer="lbfgs", epochs=300, loss=loss)
        runs.append((history.epochs, history.stopped, model.theta().tolist()))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("optimizer, out_of_iterations", [
    ("lbfgs", "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT"),
    ("cg", "Maximum number of iterations has been exceeded."),
    ("bfgs", "Maximum number of iterations has been exceeded."),
    ("tnc", "fit's epoch limit")])  # (TNC has no iteration limit of its own)
def test_stopped_is_epochs_when_scipy_ran_out_of_iterations(optimizer, out_of_iterations):
    model, x, y = sine()
    history = model.fit(x, y, optimizer=optimizer, epochs=6)
    assert history.stopped == "epochs" and history.message == out_of_iterations
    assert 1 <= history.epochs <= 6


def test_tol_and_options_reach_scipy():
    model, x, y = sine()
    loose = model.fit(x, y, optimizer="lbfgs", epochs=5000, tol=1e-3)
    assert loose.stopped == "converged" and loose.epochs < 100 and loose.loss[-1] > 1e-4
    runs = []
    for options in ({"maxcor": 3}, {"maxcor": 30}):
        model, x, y = sine()
        runs.append(model.fit(x, y, optimizer="lbfgs", epochs=40, options=options).loss)
    assert runs[0] != runs[1]  # the memory size changed the path
    model, x, y = sine()
    before = snapshot(model)
    with pytest.raises(ng.NetworkError, match="scipy's L-BFGS-B does not know an option given: "
                                              "Unknown solver options: colour"):
        model.fit(x, y, optimizer="lbfgs", epochs=5, options={"colour": 3})  # (scipy warns)
    assert snapshot(model) == before


def test_a_start_where_j_is_infinite_is_refused():
    model = ng.Network.from_weights({(0, 2): 0.0, (1, 2): 1e90}, activation="identity")
    with pytest.raises(ng.NetworkError, match="the sum in_2 overflowed"):  # forward's words
        model.fit([[1e300]], [[0.0]], optimizer="lbfgs")
    with pytest.raises(ng.NetworkError, match="needs a finite J to start"):  # J's own
        model.fit([[1e-300]], [[1e300]], optimizer="lbfgs")


def hand_rprop(model, epochs, eta_plus=1.2, eta_minus=0.5, delta_zero=0.1, delta_max=50.0):
    """iRprop− written out from Igel and Hüsken (2000), on J(θ) of cost_and_grad."""
    theta = model.theta()
    delta, last = np.full_like(theta, delta_zero), np.zeros_like(theta)
    for _ in range(epochs):
        grad = model.cost_and_grad(theta, X, Y)[1]
        for i in range(len(theta)):
            if grad[i] * last[i] > 0:
                delta[i] = min(delta[i] * eta_plus, delta_max)
            elif grad[i] * last[i] < 0:
                delta[i] = max(delta[i] * eta_minus, 0.0)
                grad[i] = 0.0
            theta[i] -= np.sign(grad[i]) * delta[i]
            last[i] = grad[i]
    return theta


@pytest.mark.parametrize("engine", ["reference", "vectorized"])
def test_rprop_is_irprop_minus_on_the_full_batch(engine):
    model = net()
    expected = hand_rprop(net(), 25)
    history = model.fit(X, Y, optimizer="rprop", epochs=25, engine=engine)
    assert history.epochs == 25 and history.stopped == "epochs"
    np.testing.assert_allclose(model.theta(), expected, rtol=1e-12, atol=1e-14)
    solved = net()
    solved.fit(X, Y, optimizer="rprop", epochs=300, options={"delta_zero": 0.05})
    assert solved.classify(X).tolist() == [0, 1, 1, 0]
