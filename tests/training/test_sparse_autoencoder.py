"""The sparse autoencoder (seeds 003–004): β Σ_j KL(ρ ‖ ρ̂_j) in J(θ), its gradient, filters."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import SMOOTH, dags, snapshot

RNG = np.random.default_rng(0)
X = RNG.random((12, 6))


def autoencoder():
    return ng.Network.autoencoder(6, 4, seed=1)


def hidden_activations(net, X):
    W = np.array([[net.w[i, j] for j in net.hidden] for i in net.inputs])
    b = np.array([net.w[0, j] for j in net.hidden])
    return 1 / (1 + np.exp(-(X @ W + b)))


def ufldl_hidden_deltas(net, rho, beta):
    """UFLDL's vectorized backpropagation, by hand: (ρ̂, δ² for every example)."""
    W2 = np.array([[net.w[j, k] for k in net.outputs] for j in net.hidden])
    b2 = np.array([net.w[0, k] for k in net.outputs])
    a2 = hidden_activations(net, X)
    a3 = 1 / (1 + np.exp(-(a2 @ W2 + b2)))
    d3 = -(X - a3) * a3 * (1 - a3)
    rho_hat = a2.mean(axis=0)
    return rho_hat, (d3 @ W2.T + beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))) \
        * a2 * (1 - a2)


def test_the_kl_term_against_a_direct_computation():
    net = autoencoder()
    rho, beta = 0.05, 3.0
    plain, _ = net.cost_and_grad(net.theta(), X, X, loss="half_squared")
    rho_hat = hidden_activations(net, X).mean(axis=0)
    kl = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    for engine in ("reference", "vectorized"):
        J, _ = net.cost_and_grad(net.theta(), X, X, loss="half_squared",
                                 sparsity=(rho, beta), engine=engine)
        assert J - plain == pytest.approx(beta * kl, rel=1e-10)


def test_the_hidden_delta_gains_the_sparsity_term():
    """UFLDL: δ² = (W²ᵀ δ³ + β(−ρ/ρ̂ + (1 − ρ)/(1 − ρ̂))) ⊙ a²(1 − a²), averaged into ∇W¹."""
    net = autoencoder()
    rho, beta = 0.1, 3.0
    rho_hat, d2 = ufldl_hidden_deltas(net, rho, beta)
    _, grad = net.cost_and_grad(net.theta(), X, X, loss="half_squared", sparsity=(rho, beta))
    by_edge = dict(zip(net.theta_edges(), grad))
    for r, i in enumerate(net.inputs):
        for c, j in enumerate(net.hidden):
            assert by_edge[i, j] == pytest.approx((X[:, r] @ d2[:, c]) / len(X), rel=1e-10)


@settings(max_examples=100, deadline=None)
@given(dags(hidden_activations=["logistic"], output_activations=SMOOTH), st.floats(0.05, 0.9),
       st.floats(0.0, 5.0),
       st.integers(2, 6))
def test_sparsity_gradient_matches_finite_differences_and_the_engines_agree(net, rho, beta,
                                                                            rows):
    if not net.hidden:
        net.add_neuron(99, bias=0.3)
        net.connect(net.inputs[0], 99, 0.7)
        net.connect(99, net.outputs[0], -0.4)
    data = np.random.default_rng(rows).uniform(-1, 1, (rows, len(net.inputs)))
    targets = np.random.default_rng(rows + 1).random((rows, len(net.outputs)))
    result = ng.gradcheck(net, data, targets, sparsity=(rho, beta), eps=1e-6)
    J, grad = net.cost_and_grad(net.theta(), data, targets, sparsity=(rho, beta),
                                engine="reference")
    for key, numeric in result.numeric.items():
        assert result.analytic[key] == pytest.approx(numeric, rel=1e-5, abs=1e-7 * (1 + J))
    J2, grad2 = net.cost_and_grad(net.theta(), data, targets, sparsity=(rho, beta),
                                  engine="vectorized")
    assert J2 == pytest.approx(J, rel=1e-12)
    assert np.allclose(grad2, grad, rtol=1e-12, atol=1e-15)


def test_fit_with_sparsity_in_both_engines_and_with_lbfgs():
    trained = []
    for engine in ("reference", "vectorized"):
        net = autoencoder()
        history = net.fit(X, X, loss="half_squared", sparsity=(0.1, 3.0), lr=0.5, epochs=4,
                          batch_size=4, engine=engine)
        trained.append((net.theta(), history.loss))
    assert np.allclose(trained[0][0], trained[1][0], rtol=1e-12, atol=1e-15)
    assert np.allclose(trained[0][1], trained[1][1], rtol=1e-12, atol=0)
    net = autoencoder()
    history = net.fit(X, X, loss="half_squared", sparsity=(0.1, 3.0), optimizer="lbfgs",
                      epochs=100)
    J, _ = net.cost_and_grad(net.theta(), X, X, loss="half_squared", sparsity=(0.1, 3.0))
    assert history.loss[-1] == pytest.approx(J, rel=1e-9)  # the history's J has the KL term
    assert abs(hidden_activations(net, X).mean() - 0.1) < 0.05  # and it worked


def test_autoencoder_is_the_layered_network_with_seed_004s_initialisation():
    net = ng.Network.autoencoder(64, 25, seed=3)
    assert (net.inputs, net.hidden, net.outputs) == (list(range(1, 65)), list(range(65, 90)),
                                                     list(range(90, 154)))
    radius = math.sqrt(6 / (64 + 25 + 1))
    assert max(abs(net.w[i, 65]) for i in net.inputs) <= radius


def test_filters_are_each_hidden_neurons_weights_scaled_on_their_own():
    net = ng.Network.autoencoder(4, 2, seed=0)
    for i, w in zip(net.inputs, (1.0, 3.0, -1.0, 1.0)):
        net.w[i, 5] = w
    image = ng.plot_filters(net, shape=(2, 2), columns=2).images[0].get_array()
    tile = image[1:3, 1:3]  # neuron 5, after a 1-pixel border: (w − mean)/max|w − mean|
    assert tile.tolist() == [[0.0, 1.0], [-1.0, 0.0]]
    with pytest.raises(ng.NetworkError, match=r"shape must be \(rows, columns\) with rows × "
                                              r"columns = 4 inputs; received \(3, 2\)"):
        ng.plot_filters(net, shape=(3, 2))
    with pytest.raises(ng.NetworkError, match="the 6 inputs are not a square"):
        ng.plot_filters(ng.Network.autoencoder(6, 2))


@pytest.mark.parametrize("sparsity, says", [
    ((0.0, 3.0), r"rho \(ρ\), the target mean activation, must be strictly between 0 and 1; "
                 r"received 0.0"),
    ((1.5, 3.0), r"strictly between 0 and 1; received 1.5"),
    ((0.1, -1.0), r"beta \(β\), the sparsity penalty's weight, must be ≥ 0; received -1.0"),
    ((0.1,), r"sparsity must be a pair \(rho, beta\); received \(0.1,\)"),
    ("0.1", r"sparsity must be a pair"),
    ((0.1, math.nan), r"beta \(β\) must be finite"),
])
def test_bad_sparsity_is_refused_and_changes_nothing(sparsity, says):
    net = autoencoder()
    before = snapshot(net)
    for act in (lambda: net.fit(X, X, sparsity=sparsity),
                lambda: net.cost_and_grad(net.theta(), X, X, sparsity=sparsity),
                lambda: ng.gradcheck(net, X, X, sparsity=sparsity)):
        with pytest.raises(ng.NetworkError, match=says):
            act()
        assert snapshot(net) == before


def test_sparsity_needs_activations_in_zero_one():
    net = ng.Network.layered([3, 2, 3], activation="tanh", seed=0)
    with pytest.raises(ng.NetworkError, match=r"ρ̂_j strictly between 0 and 1 \(logistic "
                                              r"neurons\); neuron \d+ has ρ̂ = -?\d"):
        net.cost_and_grad(net.theta(), -np.ones((3, 3)), np.zeros((3, 3)), sparsity=(0.1, 3))
    with pytest.raises(ng.NetworkError, match="sparsity_neurons lists neuron 1, an input neuron"):
        net.cost_and_grad(net.theta(), X[:, :3], X[:, :3], sparsity=(0.1, 3),
                          sparsity_neurons=[1])


def test_explain_shows_the_sparsity_term_in_each_hidden_delta():
    net = autoencoder()
    rho, beta = 0.1, 3.0
    rho_hat, d2 = ufldl_hidden_deltas(net, rho, beta)
    before = snapshot(net)
    steps = net.explain(X[0], y=X[0], loss="half_squared", sparsity=(rho, beta), batch=X)
    assert snapshot(net) == before
    for c, j in enumerate(net.hidden):
        assert steps.values[f"ρ̂_{j}"] == pytest.approx(rho_hat[c], rel=1e-12)
        assert steps.values[f"Δ_{j}"] == pytest.approx(d2[0, c], rel=1e-10)
    assert "+ β·(−ρ/ρ̂_7 + (1 − ρ)/(1 − ρ̂_7))) = " in str(steps)
