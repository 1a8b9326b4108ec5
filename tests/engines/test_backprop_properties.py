"""Backpropagation agrees with finite differences on random non-layered DAGs, for every loss.

The networks (tests/support.py) have skip edges, mixed activations, hidden
neurons numbered out of topological order, and several outputs, some of which
also feed other neurons.
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import WITH_STEPS, dags, dags_with_example, kinks_are_clear

EPS = 1e-6


def assert_gradients_match(net, x, y, loss):
    assume(kinks_are_clear(net, x, EPS))
    result = ng.gradcheck(net, x, y, loss=loss, eps=EPS)
    ell = net.backward(y, loss=loss)
    # Central differences err by O(ε²) and by rounding, about 1e-16 · ℓ / ε.
    for edge, numeric in result.numeric.items():
        assert result.analytic[edge] == pytest.approx(numeric, rel=1e-5, abs=1e-7 * (1 + ell)), edge
        assert net.grad[edge] == result.analytic[edge]


@settings(max_examples=300, deadline=None)
@given(dags_with_example(hidden_activations=WITH_STEPS),
       st.sampled_from(["squared", "half_squared"]))
def test_backprop_matches_finite_differences_for_quadratic_losses(case, loss):
    assert_gradients_match(*case, loss)


@settings(max_examples=200, deadline=None)
@given(dags_with_example(output_activations=["logistic"]))
def test_backprop_matches_finite_differences_for_log_loss(case):
    assert_gradients_match(*case, "log")


@settings(max_examples=100, deadline=None)
@given(dags_with_example())
def test_hidden_delta_is_g_prime_times_weighted_sum_of_downstream_deltas(case):
    net, x, y = case
    net.forward(x)
    net.backward(y)
    outputs = set(net.outputs)
    for j in net.hidden:
        n = net.neuron(j)
        downstream = sum(net.w[j, k] * net.neuron(k).delta for k in net.graph.successors(j))
        assert n.delta == pytest.approx(n.activation.dg(n.in_) * downstream, rel=1e-12, abs=1e-300)
    for k, y_k in zip(net.outputs, y):
        n = net.neuron(k)
        assert k in outputs
        from_loss = -2 * (y_k - n.a) * n.activation.dg(n.in_)
        downstream = sum(net.w[k, m] * net.neuron(m).delta for m in net.graph.successors(k))
        assert n.delta == pytest.approx(from_loss + n.activation.dg(n.in_) * downstream,
                                        rel=1e-12, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(dags())
def test_forward_follows_the_definition_in_topological_order(net):
    x = [0.5 * (k + 1) for k in range(len(net.inputs))]
    out = net.forward(x)
    order = net.topological_order()
    position = {j: p for p, j in enumerate(order)}
    for i, j in net.graph.edges:
        assert position[i] < position[j]
    for j in order:
        n = net.neuron(j)
        if n.is_processing:
            in_j = math.fsum(net.w[i, j] * net.neuron(i).a for i in net.graph.predecessors(j))
            assert n.in_ == pytest.approx(in_j, rel=1e-12, abs=1e-12)
            assert n.a == n.activation.g(n.in_)
    assert list(out) == [net.neuron(k).a for k in net.outputs]


def test_a_dag_numbered_against_its_topological_order():
    """Hidden 7 feeds hidden 4; input 1 skips straight to the output 9; 4 is an output too."""
    net = ng.Network.from_weights(
        {(0, 7): 0.3, (1, 7): -1.1, (2, 7): 0.8, (0, 4): -0.2, (7, 4): 1.4, (2, 4): 0.5,
         (4, 9): -0.9, (7, 9): 0.6, (1, 9): 1.2, (0, 9): 0.1},
        activations={7: "tanh", 4: "relu", 9: "logistic"}, outputs=[9, 4])
    assert net.topological_order() == [0, 1, 2, 7, 4, 9]
    assert net.inputs == [1, 2] and net.hidden == [7] and net.outputs == [9, 4]
    result = ng.gradcheck(net, [0.4, -0.3], [1.0, 0.2], eps=1e-6)
    assert result.allclose(rtol=1e-6, atol=1e-9), result
    assert result.max_relative_error < 1e-6
