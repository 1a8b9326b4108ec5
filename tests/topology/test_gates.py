"""The gates of search by gradient (topology/gates.py): L1 and Louizos et al.'s hard-concrete
L0 gates, their gradients against central differences, and gradient_search with each."""

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

import neurograph as ng
from neurograph.topology.gates import GATES, HardConcreteGate, gated_cost_and_grad
from neurograph.topology.relaxation import dense_dag


def central_differences(f, x, h=1e-6):
    out = np.empty(len(x))
    for m in range(len(x)):
        up, down = x.copy(), x.copy()
        up[m] += h
        down[m] -= h
        out[m] = (f(up) - f(down)) / (2 * h)
    return out


@settings(max_examples=15, deadline=None)
@given(gate=st.sampled_from(sorted(GATES)), seed=st.integers(0, 2 ** 16),
       neurons=st.integers(1, 4), depth=st.integers(1, 4), noisy=st.booleans())
@example(gate="l0", seed=0, neurons=3, depth=2, noisy=True)
@example(gate="l0", seed=1, neurons=2, depth=1, noisy=False)
def test_the_gated_gradient_is_central_differences_of_the_gated_cost(gate, seed, neurons,
                                                                    depth, noisy):
    """∂J/∂w and ∂J/∂g of J(w, g) = cost(w ∘ z(g, u)) + λ Σ price(g), on a random dense DAG
    (tiers give non-layered DAGs with skip edges), with the noise u held fixed."""
    gate = GATES[gate]
    rng = np.random.default_rng(seed)
    net = dense_dag(2, 1, neurons, ("sin", "tanh", "gaussian"), seed=seed,
                    depth=min(depth, neurons))
    X, Y = rng.normal(size=(6, 2)), rng.integers(0, 2, size=(6, 1)).astype(float)
    w = net.theta()
    g = rng.uniform(-1.0, 1.5, len(w)) if gate.name == "l0" else rng.uniform(-1.5, 1.5, len(w))
    u = gate.noise(len(w), rng) if noisy else None

    def J(w_, g_):
        return gated_cost_and_grad(net, gate, w_, g_, u, X, Y, "log", 0.05)[0]

    _, grad_w, grad_g = gated_cost_and_grad(net, gate, w, g, u, X, Y, "log", 0.05)
    assert grad_w == pytest.approx(central_differences(lambda v: J(v, g), w), rel=1e-5, abs=1e-8)
    assert grad_g == pytest.approx(central_differences(lambda v: J(w, v), g), rel=1e-5, abs=1e-8)


def test_the_hard_concrete_gate_by_hand():
    """β = 2/3, γ = −0.1, ζ = 1.1: at log α = 0 and u = ½, s = σ(0) = ½, s̄ = ½·1.2 − 0.1 = 0.5,
    ∂z/∂log α = 1.2 · ¼ / (2/3) = 0.45; the price σ(0 − (2/3) log(0.1/1.1)) = σ(1.598597)
    = 0.831822."""
    gate = HardConcreteGate()
    half = np.array([0.5])
    assert gate.value(np.array([0.0]), half) == pytest.approx([0.5])
    assert gate.derivative(np.array([0.0]), half) == pytest.approx([0.45])
    assert gate.price(np.array([0.0])) == pytest.approx(0.831822, rel=1e-6)
    # clipped: exactly 0 (or 1) and no gradient through it
    assert gate.value(np.array([-6.0, 6.0])).tolist() == [0.0, 1.0]
    assert gate.derivative(np.array([-6.0, 6.0])).tolist() == [0.0, 0.0]
    # a fresh gate is open
    assert gate.value(gate.start(3)).tolist() == [1.0, 1.0, 1.0]


def test_l0_gates_close_edges_exactly_and_the_search_keeps_a_working_network():
    X, Y = ng.datasets.xor()
    found = ng.gradient_search(X, Y, neurons=3, activations=("sin", "tanh"), penalty="l0",
                               strength=0.02, epochs=300, lr=0.05, retrain_epochs=300,
                               max_edges=12, seed=0)
    closed = [edge for edge, z in found.gates.items() if z == 0.0]
    assert closed and all(0.0 <= z <= 1.0 for z in found.gates.values())
    assert not set(closed) & set(found.best.w)
    assert bool(((found.best.predict(X) >= 0.5) == Y).all())


def test_l1_is_the_default_and_the_same_search_as_before_for_an_int_seed():
    """penalty='l1', strength=λ draws nothing more than the weights: seed 0 gives the same
    dense DAG as dense_dag(seed=0)."""
    X, Y = ng.datasets.xor()
    found = ng.gradient_search(X, Y, neurons=2, epochs=1, retrain_epochs=0, threshold=0.0,
                               max_edges=100, lr=1e-9)
    start = dense_dag(2, 1, 2, seed=0)
    assert found.gated.theta() == pytest.approx(start.theta(), abs=1e-7)


def test_a_refused_penalty_changes_nothing():
    X, Y = ng.datasets.xor()
    before = (X.copy(), Y.copy())
    with pytest.raises(ng.NetworkError, match=r"strength=.*received penalty=0\.001"):
        ng.gradient_search(X, Y, penalty=1e-3)
    assert (X == before[0]).all() and (Y == before[1]).all()
