"""θ, J(θ) and the optimizers of seed 004: sgd, momentum, adam, L-BFGS and conjugate gradient."""

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
                                                 r"'sgd', 'momentum', 'adam', 'lbfgs', 'cg'"),
    (lambda m: m.fit(X, Y, optimizer=None), r"unknown optimizer None"),
    (lambda m: m.fit(X, Y, optimizer="lbfgs", dropout=0.2), r"dropout draws a different network"),
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
