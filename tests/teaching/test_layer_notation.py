"""The layer notation of seeds 000, 002 and 004 agrees with the per-neuron Δ_j of seed 001.

BP1–BP4 (seed 002, after Nielsen) are written out here with numpy matrices,
independently of neurograph: W^l has a row per neuron of layer l ("to") and a
column per neuron of layer l−1 ("from"), so W^l[r, c] = w_{i,j} with i the c-th
neuron of layer l−1 and j the r-th neuron of layer l; b^l[r] = w_{0,j}.

The factor between the two quadratic losses: seed 001's ℓ = Σ (y_k − a_k)² is
twice the layer notes' C = ½ Σ (y_k − a_k)², so Δ_j (squared) = 2 δ^l_j, and
Δ_j (half_squared) = δ^l_j exactly.
"""

import numpy as np
import pytest

import neurograph as ng

SIZES = [3, 4, 3, 2]
G = {"logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}
DG = {"logistic": lambda z: G["logistic"](z) * (1 - G["logistic"](z)),
      "tanh": lambda z: 1 - np.tanh(z) ** 2}


def layers_of(net):
    """Neuron ids per layer, in the lectures' numbering."""
    ids, first = [], 1
    for size in SIZES:
        ids.append(list(range(first, first + size)))
        first += size
    return ids


def matrices(net, layers):
    W = [None] + [np.array([[net.w[i, j] for i in prev] for j in layer])
                  for prev, layer in zip(layers, layers[1:])]
    b = [None] + [np.array([net.w[0, j] for j in layer]) for layer in layers[1:]]
    return W, b


def bp(W, b, x, y, g, dg):
    """Feedforward, BP1, BP2, BP3 and BP4 with C = ½‖y − a^L‖² (seed 002's backprop algorithm)."""
    a, z = [np.asarray(x, float)], [None]
    for l in range(1, len(W)):
        z.append(W[l] @ a[l - 1] + b[l])  # z^l = w^l a^{l−1} + b^l
        a.append(g(z[l]))  # a^l = σ(z^l)
    L = len(W) - 1
    delta = [None] * (L + 1)
    delta[L] = (a[L] - np.asarray(y)) * dg(z[L])  # BP1: δ^L = ∇_a C ⊙ σ′(z^L)
    for l in range(L - 1, 0, -1):
        delta[l] = (W[l + 1].T @ delta[l + 1]) * dg(z[l])  # BP2
    dC_db = [None] + [delta[l] for l in range(1, L + 1)]  # BP3: ∂C/∂b^l_j = δ^l_j
    dC_dW = [None] + [np.outer(delta[l], a[l - 1]) for l in range(1, L + 1)]  # BP4
    return a, delta, dC_db, dC_dW


@pytest.mark.parametrize("activation", ["logistic", "tanh"])
@pytest.mark.parametrize("loss, factor", [("half_squared", 1.0), ("squared", 2.0)])
def test_bp1_to_bp4_agree_with_per_neuron_deltas(activation, loss, factor):
    net = ng.Network.layered(SIZES, activation=activation, seed=3, epsilon=1.0)
    layers = layers_of(net)
    assert net.inputs == layers[0] and net.outputs == layers[-1]
    x, y = [0.2, -0.7, 1.1], [1.0, 0.0]
    W, b = matrices(net, layers)
    a, delta, dC_db, dC_dW = bp(W, b, x, y, G[activation], DG[activation])

    np.testing.assert_allclose(net.forward(x), a[-1], rtol=1e-13)
    net.backward(y, loss=loss)
    for l, layer in enumerate(layers[1:], start=1):
        for r, j in enumerate(layer):
            assert net.neuron(j).a == pytest.approx(a[l][r], rel=1e-13)
            # Δ_j = factor · δ^l_j
            assert net.neuron(j).delta == pytest.approx(factor * delta[l][r], rel=1e-12)
            # ∂J/∂w_0j = Δ_j a_0 = factor · ∂C/∂b^l_j   (BP3)
            assert net.grad[0, j] == pytest.approx(factor * dC_db[l][r], rel=1e-12)
            for c, i in enumerate(layers[l - 1]):
                # ∂J/∂w_ij = Δ_j a_i = factor · ∂C/∂w^l_{rc} = factor · a^{l−1}_c δ^l_r  (BP4)
                assert net.grad[i, j] == pytest.approx(factor * dC_dW[l][r, c], rel=1e-12)


def test_minibatch_rule_of_seed_002_is_the_average_of_per_example_gradients():
    """w^l → w^l − (η/m) Σ_x δ^{x,l} (a^{x,l−1})ᵀ, with the per-neuron Δ_j a_i (half-squared)."""
    net = ng.Network.layered(SIZES, seed=5)
    layers = layers_of(net)
    W, b = matrices(net, layers)
    batch = [([0.1, 0.2, 0.3], [1, 0]), ([-0.4, 0.5, 0.0], [0, 1]), ([0.9, -0.9, 0.2], [1, 1])]
    eta = 0.3
    W_sum = [np.zeros_like(w) for w in W[1:]]
    for x, y in batch:
        _, _, _, dW = bp(W, b, x, y, G["logistic"], DG["logistic"])
        W_sum = [s + d for s, d in zip(W_sum, dW[1:])]
    expected_W = [w - eta / len(batch) * s for w, s in zip(W[1:], W_sum)]

    grads = {edge: 0.0 for edge in net.w}
    for x, y in batch:
        net.forward(x)
        net.backward(y, loss="half_squared")
        for edge in grads:
            grads[edge] += net.grad[edge]
    for l, layer in enumerate(layers[1:], start=1):
        for r, j in enumerate(layer):
            for c, i in enumerate(layers[l - 1]):
                updated = net.w[i, j] - eta / len(batch) * grads[i, j]
                assert updated == pytest.approx(expected_W[l - 1][r, c], rel=1e-12)


# ------------------------------------------------- net.layers() and Network.from_layers


@pytest.mark.parametrize("loss", ["half_squared", "squared"])
def test_layers_gives_the_seeds_matrices_and_delta_for_any_quadratic_loss(loss):
    net = ng.Network.layered(SIZES, seed=3, epsilon=1.0)
    x, y = [0.2, -0.7, 1.1], [1.0, 0.0]
    W, b = matrices(net, layers_of(net))
    a, delta, _, _ = bp(W, b, x, y, G["logistic"], DG["logistic"])
    net.forward(x)
    net.backward(y, loss=loss)
    view = net.layers()
    assert [layer.l for layer in view] == [1, 2, 3, 4]
    assert [layer.ids for layer in view] == layers_of(net)
    assert view[0].W is None and list(view[0].a) == x
    for l in range(1, 4):
        layer = view[l]
        np.testing.assert_array_equal(layer.W, W[l])  # row = to, column = from
        np.testing.assert_array_equal(layer.b, b[l])
        np.testing.assert_allclose(layer.a, a[l], rtol=1e-13)
        # δ^l is the seeds' ∂C/∂z^l with C = ½‖y − a‖², whichever loss backward used:
        np.testing.assert_allclose(layer.delta, delta[l], rtol=1e-12)
        factor = 2.0 if loss == "squared" else 1.0  # Δ_j = 2 δ^l_j for squared
        np.testing.assert_allclose(layer.Delta, factor * layer.delta, rtol=1e-15)


def test_layers_delta_for_the_log_loss_is_nielsens_cross_entropy_delta():
    net = ng.Network.layered(SIZES, seed=3, epsilon=1.0)
    x, y = [0.2, -0.7, 1.1], [1.0, 0.0]
    net.forward(x)
    net.backward(y, loss="log")
    last = net.layers()[-1]
    np.testing.assert_allclose(last.delta, last.a - np.array(y), rtol=1e-15)  # δ^L = a^L − y


def test_layers_before_backward_has_no_delta():
    net = ng.Network.layered([2, 2, 1])
    net.forward([1, 2])
    assert net.layers()[1].delta is None and net.layers()[1].Delta is None


def test_from_layers_round_trip():
    net = ng.Network.layered([3, 4, 2], activation="tanh", output_activation="identity", seed=2)
    view = net.layers()
    twin = ng.Network.from_layers([layer.W for layer in view[1:]],
                                  [layer.b for layer in view[1:]], activation="tanh",
                                  output_activation="identity")
    assert dict(twin.w) == dict(net.w)
    assert [n.activation and n.activation.name for n in twin.neurons] == \
        [n.activation and n.activation.name for n in net.neurons]


def test_from_layers_builds_seed_001s_network():
    net = ng.Network.from_layers([[[1, -2], [-4, 2]], [[4, 2]]], [[5, 3], [-1]])
    assert dict(net.w) == {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
                           (0, 5): -1, (3, 5): 4, (4, 5): 2}


def test_layers_refuses_a_network_with_a_skip_edge():
    net = ng.Network.layered([2, 2, 1])
    net.connect(1, 5, 0.3)
    with pytest.raises(ng.NetworkError, match=r"edge \(1, 5\) goes from layer 1 to layer 3"):
        net.layers()


@pytest.mark.parametrize("Ws, bs, says", [
    ([[[1.0, 2.0]]], [], "one W\\^l and one b\\^l per layer"),
    ([[[1.0, 2.0]], [[1.0, 2.0]]], [[0.0], [0.0]], r"W\^3 must be 1 × 1"),
    ([[[1.0, 2.0]]], [[0.0, 1.0]], r"b\^2 of shape \(2,\)"),
    ([[[1.0, np.nan]]], [[0.0]], "must be finite"),
])
def test_from_layers_refusals(Ws, bs, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.Network.from_layers(Ws, bs)
