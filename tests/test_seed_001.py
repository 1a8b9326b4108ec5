"""Every worked example of seed 001 (CS 457/557 Lecture 07), with the slide's own numbers.

Exact values are recomputed here independently with :mod:`math`; the slide's
printed values are then checked at the number of decimals the slide shows. Where
the slide rounded an intermediate by hand and carried it on, the test says so.
"""

import math

import numpy as np
import pytest

import neurograph as ng
from support import lecture_network


def sigma(t):
    return 1.0 / (1.0 + math.exp(-t))


def sigma_prime(t):
    return sigma(t) * (1.0 - sigma(t))


# ------------------------------------------------- Lecture 07-2c: forward propagation


def test_forward_propagation_example_x_3_4():
    net = lecture_network()
    out = net.forward([3, 4])
    n = net.neuron
    # Input layer: a_0 = 1, a_1 = x_1 = 3, a_2 = x_2 = 4
    assert (n(0).a, n(1).a, n(2).a) == (1.0, 3.0, 4.0)
    # in_3 = 5·1 + 1·3 − 2·4 = 0 ;  a_3 = g(0) = 0.5   (both exact)
    assert n(3).in_ == 0.0 and n(3).a == 0.5
    # in_4 = 3·1 − 4·3 + 2·4 = −1 ;  a_4 = σ(−1) ≈ 0.27
    assert n(4).in_ == -1.0
    assert n(4).a == pytest.approx(sigma(-1), rel=1e-15)
    assert round(n(4).a, 2) == 0.27
    # in_5 = −1·1 + 4·0.5 + 2·a_4. The slide carries its rounded a_4 = 0.27 and writes
    # 1.54; the exact 1.5379 rounds to the same two decimals.
    assert n(5).in_ == pytest.approx(-1 + 4 * 0.5 + 2 * sigma(-1), rel=1e-15)
    assert -1 + 4 * 0.5 + 2 * 0.27 == pytest.approx(1.54)
    assert round(n(5).in_, 2) == 1.54
    # a_5 = g(in_5) ≈ 0.82 = h(x); api.md quotes 0.8232 to four places.
    assert n(5).a == pytest.approx(sigma(n(5).in_), rel=1e-15)
    assert round(n(5).a, 2) == 0.82 and round(n(5).a, 4) == 0.8232
    np.testing.assert_array_equal(out, [n(5).a])


def test_neurons_are_visited_one_at_a_time_in_order():
    assert lecture_network().topological_order() == [0, 1, 2, 3, 4, 5]


# -------------------------------------------- Lecture 07-2a: example SGD iteration


def single_neuron():
    return ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})


def test_sgd_iteration_intermediates_match_the_slide():
    net = single_neuron()
    net.forward([0.4, 0.5])
    net.backward([1], loss="squared")
    n3 = net.neuron(3)
    # in_3 = 0.1 + (0.1)(0.4) + (0.1)(0.5) = 0.19
    assert n3.in_ == pytest.approx(0.19, abs=1e-16)
    # g(in_3) = 1 / (1 + e^−0.19) ≈ 0.5474 ;  y − g(in_3) ≈ 0.4526 ;  g′(in_3) ≈ 0.2478
    assert round(n3.a, 4) == 0.5474
    assert round(1 - n3.a, 4) == 0.4526
    assert round(n3.activation.dg(n3.in_), 4) == 0.2478
    # Δ_3 = −2(y − g(in_3)) g′(in_3), and ∂J/∂w_i3 = Δ_3 a_i = Δ_3 x_i
    expected_delta = -2 * (1 - sigma(0.19)) * sigma_prime(0.19)
    assert n3.delta == pytest.approx(expected_delta, rel=1e-14)
    assert net.grad[0, 3] == pytest.approx(expected_delta, rel=1e-14)
    assert net.grad[1, 3] == pytest.approx(expected_delta * 0.4, rel=1e-14)
    assert net.grad[2, 3] == pytest.approx(expected_delta * 0.5, rel=1e-14)


def test_sgd_iteration_updates_match_the_slide():
    net = single_neuron()
    loss_before = net.sgd_step([0.4, 0.5], [1], lr=0.5)
    assert loss_before == pytest.approx((1 - sigma(0.19)) ** 2, rel=1e-14)
    # w_i3 ← w_i3 + 2α(y − g(in_3)) g(in_3)(1 − g(in_3)) x_i with α = 0.5
    step = 2 * 0.5 * (1 - sigma(0.19)) * sigma_prime(0.19)
    for i, x_i in [(0, 1.0), (1, 0.4), (2, 0.5)]:
        assert net.w[i, 3] == pytest.approx(0.1 + step * x_i, rel=1e-14)
    # The slide: w_1,3 ≈ 0.1449 and w_2,3 ≈ 0.1561 — the exact values round the same way.
    assert round(net.w[1, 3], 4) == 0.1449
    assert round(net.w[2, 3], 4) == 0.1561
    # The slide's w_0,3 ≈ 0.2122 is one digit off the exact 0.2121454 → 0.2121: the slide
    # multiplies its rounded intermediates, 0.1 + (0.4526)(0.2478) = 0.21215428 → 0.2122.
    assert round(net.w[0, 3], 4) == 0.2121
    assert round(0.1 + 0.4526 * 0.2478, 4) == 0.2122
    assert round(1 - sigma(0.19), 4) == 0.4526 and round(sigma_prime(0.19), 4) == 0.2478


def test_sgd_iteration_strengthens_the_output_as_the_slide_says():
    net = single_neuron()
    net.sgd_step([0.4, 0.5], [1], lr=0.5)
    out = net.forward([0.4, 0.5])[0]
    # The slide recomputes in_3 = 0.2122 + (0.1449)(0.4) + (0.1561)(0.5) = 0.34821 from its
    # rounded weights; the exact in_3 is 0.348125. Both give g(in_3) ≈ 0.5862.
    assert 0.2122 + 0.1449 * 0.4 + 0.1561 * 0.5 == pytest.approx(0.34821, abs=1e-12)
    assert round(net.neuron(3).in_, 4) == 0.3481
    assert round(out, 4) == 0.5862 and round(sigma(0.34821), 4) == 0.5862
    assert out > sigma(0.19)  # the error on this example shrinks


# ------------------------------------ Lectures 07-3a to 07-3c: the Δ_j of a 7-neuron network


@pytest.fixture
def seven():
    """The lecture's 2-2-2-1 network (inputs 1, 2; hidden 3, 4 then 5, 6; output 7)."""
    rng = np.random.default_rng(7)
    edges = [(i, j) for j in (3, 4) for i in (0, 1, 2)]
    edges += [(i, j) for j in (5, 6) for i in (0, 3, 4)]
    edges += [(i, 7) for i in (0, 5, 6)]
    net = ng.Network.from_weights({e: rng.uniform(-2, 2) for e in edges})
    y = 1.0
    net.forward([0.7, -1.3])
    net.backward([y])
    return net, y


def test_output_delta_is_minus_two_error_times_g_prime(seven):
    net, y = seven
    n, w = net.neuron, net.w
    # Δ_7 = −2(y − a_7) g′(in_7)
    assert n(7).delta == pytest.approx(-2 * (y - n(7).a) * sigma_prime(n(7).in_), rel=1e-12)
    # ∂J/∂w_5,7 = Δ_7 a_5 = −2(y − a_7) g′(in_7) a_5
    assert net.grad[5, 7] == pytest.approx(
        -2 * (y - n(7).a) * sigma_prime(n(7).in_) * n(5).a, rel=1e-12)
    assert w[5, 7] != 0


def test_hidden_deltas_as_the_slides_write_them(seven):
    net, y = seven
    n, w = net.neuron, net.w
    d7 = -2 * (y - n(7).a) * sigma_prime(n(7).in_)
    # Δ_5 = Δ_7 w_5,7 g′(in_5) ;  Δ_6 = Δ_7 w_6,7 g′(in_6)
    assert n(5).delta == pytest.approx(d7 * w[5, 7] * sigma_prime(n(5).in_), rel=1e-12)
    assert n(6).delta == pytest.approx(d7 * w[6, 7] * sigma_prime(n(6).in_), rel=1e-12)
    # Δ_3 = g′(in_3)(w_3,5 Δ_5 + w_3,6 Δ_6)
    #     = g′(in_3)(w_3,5 Δ_7 w_5,7 g′(in_5) + w_3,6 Δ_7 w_6,7 g′(in_6))
    assert n(3).delta == pytest.approx(
        sigma_prime(n(3).in_) * (w[3, 5] * n(5).delta + w[3, 6] * n(6).delta), rel=1e-12)
    assert n(3).delta == pytest.approx(
        sigma_prime(n(3).in_) * (w[3, 5] * d7 * w[5, 7] * sigma_prime(n(5).in_)
                                 + w[3, 6] * d7 * w[6, 7] * sigma_prime(n(6).in_)), rel=1e-12)
    # ∂J/∂w_3,5 = Δ_5 a_3 = −2(y − a_7) g′(in_7) w_5,7 g′(in_5) a_3 ;  ∂J/∂w_1,3 = Δ_3 a_1
    assert net.grad[3, 5] == pytest.approx(d7 * w[5, 7] * sigma_prime(n(5).in_) * n(3).a,
                                           rel=1e-12)
    assert net.grad[1, 3] == pytest.approx(n(3).delta * 0.7, rel=1e-12)


# ------------------------------------------ Lecture 07-3d: the 5-neuron chain's Δ_2


def chain(activation, weight):
    """1 → 2 → 3 → 4 → 5, each processing neuron with a bias edge."""
    edges = {(j - 1, j): weight for j in range(2, 6)}
    edges.update({(0, j): 0.1 * j for j in range(2, 6)})
    return ng.Network.from_weights(edges, activation=activation)


def test_chain_delta_2_is_the_product_on_the_slide():
    net = chain("logistic", 1.5)
    y = 0.0
    net.forward([0.8])
    net.backward([y])
    n, w = net.neuron, net.w
    # Δ_2 = [g′(in_2) w_2,3][g′(in_3) w_3,4][g′(in_4) w_4,5][g′(in_5)(−2(y − a_5))]
    product = (sigma_prime(n(2).in_) * w[2, 3] * sigma_prime(n(3).in_) * w[3, 4]
               * sigma_prime(n(4).in_) * w[4, 5] * sigma_prime(n(5).in_) * (-2 * (y - n(5).a)))
    assert n(2).delta == pytest.approx(product, rel=1e-12)
    # With the logistic g, every g′ ≤ 0.25: |Δ_2| ≤ 0.25⁴ · Π|w| · 2|y − a_5| (vanishing gradient).
    assert abs(n(2).delta) <= 0.25 ** 4 * 1.5 ** 3 * 2 * abs(y - n(5).a)
    assert net.grad[1, 2] == pytest.approx(n(2).delta * 0.8, rel=1e-12)


def test_chain_relu_passes_delta_undiminished_when_every_in_is_positive():
    net = chain("relu", 1.0)
    net.forward([0.8])
    net.backward([0.0])
    # g′ = 1 all along the chain and every w = 1, so Δ_2 = Δ_5 = −2(y − a_5)
    deltas = [net.neuron(j).delta for j in range(2, 6)]
    assert deltas == [pytest.approx(-2 * (0.0 - net.neuron(5).a))] * 4


# ------------------------------------- Lecture 07-4a: the problem with equal weights


def test_equal_weights_stay_equal_after_updates():
    net = ng.Network.from_weights({(0, 3): 0.2, (1, 3): -0.3, (2, 3): 0.4,
                                   (0, 4): 0.2, (1, 4): -0.3, (2, 4): 0.4,
                                   (0, 5): 0.1, (3, 5): 0.5, (4, 5): 0.5})
    net.forward([0.9, -0.2])
    net.backward([1])
    # in_3 = in_4, so a_3 = a_4, and with w_3,5 = w_4,5 also Δ_3 = Δ_4 — exactly.
    assert net.neuron(3).in_ == net.neuron(4).in_
    assert net.neuron(3).delta == net.neuron(4).delta
    examples = [([0.9, -0.2], [1]), ([0.1, 0.7], [0]), ([-0.5, 0.3], [1])]
    for _ in range(20):
        for x, y in examples:
            net.sgd_step(x, y, lr=0.5)
    for i in (0, 1, 2):
        assert net.w[i, 3] == net.w[i, 4]
    assert net.w[3, 5] == net.w[4, 5]
    assert net.w[0, 3] != 0.2  # they did change — together
