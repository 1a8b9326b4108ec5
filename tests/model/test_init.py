"""Initial weights: RAND(−ε, ε), N(0, ε²), √(6/(n_in + n_out + 1)), constant, or a callable."""

import math

import numpy as np
import pytest

import neurograph as ng
from support import snapshot


def test_uniform_is_rand_minus_epsilon_epsilon_drawn_in_j_then_i_order():
    net = ng.Network.layered([3, 2, 2], seed=0)
    net.initialize("uniform", seed=5, epsilon=0.2)
    order = sorted(net.w, key=lambda e: (e[1], e[0]))
    expected = np.random.default_rng(5).uniform(-0.2, 0.2, size=len(order))
    assert [net.w[e] for e in order] == list(expected)


def test_normal_has_standard_deviation_epsilon():
    net = ng.Network.layered([60, 60], seed=0)
    net.initialize("normal", seed=1, epsilon=0.01)
    w = np.array(list(net.w.values()))
    assert abs(w.mean()) < 0.001 and w.std() == pytest.approx(0.01, rel=0.05)


def test_glorot_uses_the_layer_sizes_in_a_layered_network():
    net = ng.Network.layered([40, 20, 5], seed=0, init="glorot")
    for j, (n_in, n_out) in [(41, (40, 20)), (61, (20, 5))]:
        radius = math.sqrt(6 / (n_in + n_out + 1))
        w = [net.w[i, j] for i in net.graph.predecessors(j)]
        assert max(abs(v) for v in w) <= radius
    layer1 = [net.w[e] for e in net.w if 41 <= e[1] <= 60]
    assert max(map(abs, layer1)) == pytest.approx(math.sqrt(6 / 61), rel=0.02)


def test_glorot_in_a_dag_uses_fan_in_and_the_sources_mean_fan_out():
    net = ng.Network.from_weights({(1, 3): 0, (2, 3): 0, (1, 4): 0, (3, 4): 0, (0, 4): 0,
                                   (1, 5): 0, (4, 5): 0})
    net.initialize("glorot", seed=0)
    # neuron 4: sources 1 (fan-out 3) and 3 (fan-out 1): n_in = 2, n_out = 2
    radius = math.sqrt(6 / (2 + 2 + 1))
    expected = np.random.default_rng(0).uniform(size=7)  # draws in (j, i) order
    order = sorted(net.w, key=lambda e: (e[1], e[0]))
    position = {edge: k for k, edge in enumerate(order)}
    for edge in [(0, 4), (1, 4), (3, 4)]:
        assert net.w[edge] == pytest.approx(-radius + 2 * radius * expected[position[edge]])


def test_constant_and_callable():
    net = ng.Network.layered([2, 2, 1], seed=0)
    net.initialize("constant", value=0.25)
    assert set(net.w.values()) == {0.25}
    net.initialize(lambda i, j, rng: 10 * i + j)
    assert all(w == 10 * i + j for (i, j), w in net.w.items())


def test_builders_take_the_initialisation():
    a = ng.Network.layered([2, 3, 1], init="constant")
    assert set(a.w.values()) == {0.0}
    b = ng.Network.layered([2, 3, 1], init="normal", epsilon=0.01, seed=2)
    c = ng.Network.layered([2, 3, 1], seed=2)
    c.initialize("normal", epsilon=0.01, seed=2)
    assert dict(b.w) == dict(c.w)


def test_freezing_an_edge_does_not_shift_the_other_draws():
    a, b = ng.Network.layered([2, 2, 1]), ng.Network.layered([2, 2, 1])
    b.freeze(1, 3)
    a.initialize("uniform", seed=9)
    b.initialize("uniform", seed=9)
    assert all(a.w[e] == b.w[e] for e in a.w if e != (1, 3))
    assert a.w[1, 3] != b.w[1, 3]


@pytest.mark.parametrize("kwargs, says", [
    (dict(method="xavier"), "unknown initialisation 'xavier'.*uniform, normal, glorot"),
    (dict(method="uniform", epsilon=-1), "epsilon \\(ε\\) must be ≥ 0 and below 1e\\+100 .*; "
                                         "received -1"),
    (dict(method="constant", value=math.inf), "value must be finite"),
    (dict(method=lambda i, j, rng: "w"), "the initial w_0,3 must be a real number"),
])
def test_refusals_leave_the_weights_alone(kwargs, says):
    net = ng.Network.layered([2, 2, 1])
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=says):
        net.initialize(**kwargs)
    assert snapshot(net) == before


def test_a_tied_group_takes_the_draw_of_its_first_edge_and_frozen_edges_keep_theirs():
    net = ng.Network.layered([2, 2, 2, 1], seed=0)
    net.tie([(3, 6), (1, 3), (2, 4)])  # the group is named by (1, 3), its first edge
    net.freeze(0, 7)
    kept = net.w[0, 7]
    twin = ng.Network.layered([2, 2, 2, 1], seed=0)  # untied: the same draws, edge by edge
    net.initialize("uniform", seed=3)
    twin.initialize("uniform", seed=3)
    assert net.w[1, 3] == net.w[2, 4] == net.w[3, 6] == twin.w[1, 3]
    assert net.w[0, 7] == kept != twin.w[0, 7]
    untouched = set(net.w) - {(1, 3), (2, 4), (3, 6), (0, 7)}
    assert all(net.w[e] == twin.w[e] for e in untouched)


def test_set_weights_takes_pairs_keeps_the_last_of_a_repeated_key_and_refuses_atomically():
    net = ng.Network.layered([2, 2, 1], seed=0)
    net.set_weights((((1, 3), 0.5), ((1, 3), -0.25), ((2, 4), 2)))
    assert (net.w[1, 3], net.w[2, 4]) == (-0.25, 2.0)
    before = dict(net.w.items())
    for bad in (((1, 3), 0.5, 1), [((1, 3), 0.1), ((9, 9), 0.1)], [((1, 4), 0.3), ((2, 3), "x")],
                5, "edges"):
        with pytest.raises(ng.NetworkError):
            net.set_weights(bad)
        assert dict(net.w.items()) == before
