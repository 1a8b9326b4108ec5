"""sgd_step is BACKPROPAGATE then w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij on every edge (seed 001)."""

import pytest

import neurograph as ng

X, Y = [0.6, -0.4], [0.8]


def gradients(net, loss):
    twin = net.copy()
    twin.forward(X)
    value = twin.backward(Y, loss=loss)
    return dict(twin.grad), value


@pytest.mark.parametrize("loss", ["squared", "half_squared", "log"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_update_formula_for_every_edge(loss, weight_decay):
    net = ng.Network.layered([2, 3, 1], seed=11, epsilon=1.0)
    before = dict(net.w)
    grad, expected_loss = gradients(net, loss)
    alpha = 0.3
    assert net.sgd_step(X, Y, lr=alpha, loss=loss, weight_decay=weight_decay) == expected_loss
    for edge, w_ij in before.items():
        # w_ij ← w_ij − α ∂J/∂w_ij − 2αλ w_ij — bias edges (0, j) decay too
        expected = w_ij - alpha * grad[edge] - 2 * alpha * weight_decay * w_ij
        assert net.w[edge] == pytest.approx(expected, rel=1e-15, abs=1e-17)
    assert dict(net.grad) == grad  # the gradient at the weights before the step


def test_weight_decay_alone_shrinks_every_weight_towards_zero():
    """With a zero gradient (y = a), the update is w ← (1 − 2αλ) w."""
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -2.0}, activation="identity")
    a = net.forward([1.0])[0]
    net.sgd_step([1.0], [a], lr=0.1, weight_decay=0.5)
    assert net.w[0, 2] == pytest.approx(0.5 * 0.9) and net.w[1, 2] == pytest.approx(-2.0 * 0.9)


def test_repeated_steps_drive_the_loss_down():
    net = ng.Network.layered([2, 3, 1], seed=2)
    losses = [net.sgd_step(X, Y, lr=0.5) for _ in range(50)]
    assert losses[-1] < 0.01 * losses[0]
