"""The numpy BPTT engine's lanes (engines/sequence_lanes.py, engines/sequence_batch.py): free
neurons computed over all the time steps at once, max/product groups whose terms mix delays,
working arrays kept per shape — each held to the reference engine to 1e-12."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import sequence, sequence_batch
from support import recurrent_dags_with_sequences


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol * (1 + np.abs(b))))


def lanes(net):
    plan = net.plan()
    return sequence_batch.sequence_batch(plan, sequence.sequence_plan(plan))


def same_as_reference(net, X, Y, loss="half_squared", truncate=None):
    theta = net.theta()
    J, grad = net.cost_and_grad(theta, X, Y, loss=loss, engine="reference", truncate=truncate)
    J_np, grad_np = net.cost_and_grad(theta, X, Y, loss=loss, engine="vectorized",
                                      truncate=truncate)
    return close(J_np, J) and close(grad_np, grad) and close(
        net.predict(X, engine="vectorized"), net.predict(X, engine="reference"))


def time_delay_network():
    """x₁(t) and x₂(t − d) into three hidden neurons (a sum, a product with d = 2, a max that
    also reads the sum's a(t − 1)) and an output; nothing loops back: every neuron is free."""
    net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.4, (1, 4): 0.7, (1, 6): 0.9,
                                   (0, 5): 0.2, (3, 5): 0.5, (4, 5): -0.6, (6, 5): 0.25},
                                  activation="tanh", inputs=[1, 2])
    net.connect(2, 3, 0.2, delay=1)
    net.connect(2, 4, -0.5, delay=2)
    net.connect(2, 6, 0.6, delay=1)
    net.connect(3, 6, -0.3, delay=1)
    net.set_aggregation(4, "product")
    net.set_aggregation(6, "max")
    return net


def test_a_time_delay_network_runs_all_its_time_steps_at_once():
    net = time_delay_network()
    assert all(level.free for level in lanes(net).levels)
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-2, 2, (4, 7, 2)), rng.uniform(0, 1, (4, 7, 1))
    Y[:, ::3] = np.nan
    for truncate in (None, 1, 2):
        assert same_as_reference(net, X, Y, truncate=truncate)


def test_an_lstm_s_two_products_are_one_group_whose_second_terms_differ_in_delay():
    net = ng.Network.lstm(n_inputs=3, n_hidden=4, seed=1)
    ids = ng.Network.cell_ids("lstm", 3, 4)
    batch = lanes(net)
    seq = sequence.sequence_plan(net.plan())
    products = {int(batch.lane[seq.ids.index(j)]) for j in ids["p"] + ids["q"]}
    (gate,) = [gate for level in batch.levels for gate in level.gated
               if set(range(gate.lo, gate.hi)) == products]
    assert sorted({(m, d) for m, _, _, d, *_ in gate.parts}) == [(0, 0), (1, 0), (1, 1)]
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(5, 6, 3)), rng.uniform(0, 1, (5, 6, 4))
    Y[:, :2] = np.nan
    for truncate in (None, 3):
        assert same_as_reference(net, X, Y, truncate=truncate)


@settings(max_examples=30, deadline=None)
@given(recurrent_dags_with_sequences(n=(2, 6), T=(3, 8)),
       st.sampled_from([None, 1, 3]))
@example(case=(time_delay_network(), np.linspace(-1, 1, 30).reshape(3, 5, 2),
               np.full((3, 5, 1), 0.25)), truncate=2)
def test_longer_batches_equal_the_reference(case, truncate):
    net, X, Y = case
    assert same_as_reference(net, X, Y, truncate=truncate)


def test_the_working_arrays_are_kept_per_shape_and_grow_linearly_with_T():
    net = ng.Network.lstm(n_inputs=2, n_hidden=3, seed=0)
    batch = lanes(net)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(4, 5, 2)), rng.uniform(0, 1, (4, 5, 3))
    first = net.cost_and_grad(net.theta(), X, Y, engine="vectorized")
    kept = batch.work(4, 5), batch.work(4, 5, backward=True)
    again = net.cost_and_grad(net.theta(), X, Y, engine="vectorized")
    assert batch.work(4, 5) is kept[0] and batch.work(4, 5, backward=True) is kept[1]
    assert first[0] == again[0] and np.array_equal(first[1], again[1])

    def size(T):
        (A, IN, slopes), (DELTA, sent) = batch.work(4, T), batch.work(4, T, backward=True)
        return A.nbytes + IN.nbytes + DELTA.nbytes + sum(
            array.nbytes for level in slopes + sent for array in level if array is not None)

    assert size(40) - size(20) == size(60) - size(40)  # the same bytes per time step
    assert len(batch.__dict__["_kept"]) <= batch.KEPT
    T = batch.KEPT_BYTES // (4 * batch.P * 8)  # A alone fills the limit
    assert batch.work(4, T) is not batch.work(4, T)  # made for its call, not kept


@pytest.mark.parametrize("delay", [1, 3])
def test_a_delay_edge_from_a_free_neuron_into_a_loop(delay):
    """A free neuron (fed by x only) feeding, through a delay, a neuron on a loop."""
    net = ng.Network.elman([2, 3, 1], activation="tanh", seed=3)
    net.add_neuron(9, activation="logistic")
    net.connect(1, 9, 0.4)
    net.w[0, 9] = -0.2
    net.connect(9, 3, 0.8, delay=delay)
    net.set_aggregation(4, "product")
    assert lanes(net).levels[0].free
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(3, 6, 2)), rng.uniform(0, 1, (3, 6, 1))
    assert same_as_reference(net, X, Y) and same_as_reference(net, X, Y, truncate=2)
