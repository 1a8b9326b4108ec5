"""The loss table: ℓ and the output Δ for squared, half_squared and log."""

import math

import numpy as np
import pytest

import neurograph as ng

LOGISTIC = ng.get_activation("logistic")
TANH = ng.get_activation("tanh")


def test_the_table_has_the_four_losses():
    assert set(ng.LOSSES) == {"squared", "half_squared", "log", "cross_entropy"}
    assert ng.get_loss("cross_entropy") is not ng.LOSSES["log"]  # categorical since 0.2.0


@pytest.mark.parametrize("name", ["squared", "half_squared", "log"])
@pytest.mark.parametrize("activation", [LOGISTIC, ng.get_activation("softplus")])
def test_output_delta_is_the_derivative_of_the_loss_in_in_k(name, activation):
    """Δ_k = ∂ℓ/∂in_k, by central differences through a_k = g(in_k)."""
    loss = ng.get_loss(name)
    if name == "log" and activation is not LOGISTIC:
        activation = ng.Activation("squash", g=lambda z: 0.5 + 0.4 * np.tanh(z),
                                   dg=lambda z: 0.4 * (1 - np.tanh(z) ** 2))
    h = 1e-6
    for y in (0.0, 0.3, 1.0):
        for z in (-2.0, -0.1, 0.7, 3.0):
            def ell(t, y=y):
                return loss.value(y, activation.g(t), t, activation)
            numeric = (ell(z + h) - ell(z - h)) / (2 * h)
            exact = loss.delta(y, activation.g(z), z, activation)
            assert exact == pytest.approx(numeric, rel=1e-6, abs=1e-9), (y, z)


def test_output_deltas_have_the_forms_in_api_md():
    a, y, z = 0.7, 1.0, 0.3
    g1 = TANH.dg(z)
    assert ng.get_loss("squared").delta(y, a, z, TANH) == -2 * (y - a) * g1
    assert ng.get_loss("half_squared").delta(y, a, z, TANH) == -(y - a) * g1
    assert ng.get_loss("log").delta(y, a, z, TANH) == pytest.approx(
        (a - y) / (a * (1 - a)) * g1, rel=1e-15)
    # With a logistic output, (a − y)/(a(1 − a)) · σ′(in) is exactly a − y.
    a = LOGISTIC.g(z)
    assert ng.get_loss("log").delta(0.0, a, z, LOGISTIC) == a


def test_log_loss_of_a_saturated_logistic_output_stays_exact():
    log = ng.get_loss("log")
    # σ(−800) rounds to 0, but ℓ = −log σ(−800) = 800 exactly, and Δ = a − y = −1.
    a = LOGISTIC.g(-800.0)
    assert a == 0.0
    assert log.value(1.0, a, -800.0, LOGISTIC) == 800.0
    assert log.delta(1.0, a, -800.0, LOGISTIC) == -1.0
    assert log.value(0.0, LOGISTIC.g(0.0), 0.0, LOGISTIC) == pytest.approx(math.log(2))


def test_log_loss_refuses_outputs_outside_0_1_and_targets_outside_0_1():
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0}, activation="identity")
    net.forward([1.0])
    with pytest.raises(ng.NetworkError, match=r"0 < a_k < 1.*1\.5.*'identity'"):
        net.backward([1.0], loss="log")
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0})
    net.forward([1.0])
    with pytest.raises(ng.NetworkError, match=r"targets y_k in \[0, 1\].*2\.0"):
        net.backward([2.0], loss="log")


def test_network_loss_is_the_sum_over_outputs():
    net = ng.Network.from_weights({(1, 3): 1.0, (2, 4): -1.0, (0, 3): 0.2, (0, 4): 0.1})
    a = net.forward([0.5, 2.0])
    y = [1.0, 0.0]
    assert net.backward(y, "squared") == pytest.approx(sum((y - a) ** 2), rel=1e-15)
    assert net.backward(y, "half_squared") == pytest.approx(0.5 * sum((y - a) ** 2), rel=1e-15)
    expected = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for t, p in zip(y, a))
    assert net.backward(y, "log") == pytest.approx(expected, rel=1e-14)


def test_unknown_loss_lists_the_known_ones():
    with pytest.raises(ng.NetworkError, match=r"unknown loss 'mse'.*half_squared.*squared"):
        ng.get_loss("mse")
