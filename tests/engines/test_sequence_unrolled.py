"""BPTT of one sequence unrolled into straight-line Python (engines/sequence_unrolled.py):
the reference's numbers on random recurrent DAGs, None where it does not apply, and the
training runs that use it."""

import numpy as np
import pytest
from hypothesis import given, settings

import neurograph as ng
from neurograph.engines import sequence
from neurograph.engines.sequence_unrolled import MOST_TERMS, unrolled_sequence
from neurograph.training import sequences
from support import recurrent_dags_with_sequences


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol * (1 + np.abs(b))))


@settings(max_examples=40, deadline=None)
@given(recurrent_dags_with_sequences(T=(1, 6), aggregations=False))
def test_unrolled_bptt_gives_the_reference_s_numbers(case):
    net, X, Y = case
    plan = net.plan()
    seq = sequence.sequence_plan(plan)
    bptt = unrolled_sequence(plan, seq, X.shape[1])
    assert (bptt is None) == bool(seq.group)  # (sum neurons only: a softmax group is left out)
    loss = ng.get_loss("squared")
    J, grad, outputs = sequence.sequences_pass(seq, plan.store.memory, X, Y, loss)
    J_u, grad_u, outputs_u = sequences.run(plan, "reference", X, Y, loss, unrolled=True)
    assert close(J_u, J) and close(grad_u, grad) and close(outputs_u, outputs)
    J_f, none, outputs_f = sequences.run(plan, "reference", X, Y, loss, gradient=False,
                                         unrolled=True)  # J only
    assert close(J_f, J) and none is None and close(outputs_f, outputs)


def test_max_and_product_neurons_and_long_sources_are_left_to_the_loops():
    net = ng.Network.elman([2, 3, 1], seed=0)
    plan = net.plan()
    seq = sequence.sequence_plan(plan)
    edges = sum(len(rows) for _, _, rows, _ in seq.forward)
    assert unrolled_sequence(plan, seq, MOST_TERMS // edges) is not None
    assert unrolled_sequence(plan, seq, MOST_TERMS // edges + 1) is None
    net.set_aggregation(4, "product")
    plan = net.plan()
    assert unrolled_sequence(plan, sequence.sequence_plan(plan), 3) is None


def test_a_loss_refuses_the_same_outputs_unrolled():
    net = ng.Network.elman([1, 2, 1], activation="tanh", output_activation="tanh", seed=1)
    plan = net.plan()
    X, Y = np.ones((1, 3, 1)), np.full((1, 3, 1), 0.5)
    with pytest.raises(ng.NetworkError) as looped:
        sequences.run(plan, "reference", X, Y, ng.get_loss("log"))
    with pytest.raises(ng.NetworkError) as unrolled:
        sequences.run(plan, "reference", X, Y, ng.get_loss("log"), unrolled=True)
    assert str(unrolled.value) == str(looped.value)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_per_sequence_training_unrolled_equals_the_numpy_engine(optimizer):
    def trained(engine):
        net = ng.Network.elman([2, 3, 1], activation="tanh", output_activation="identity",
                               seed=2)
        net.tie([(1, 3), (2, 4)])
        net.freeze(3, 3)
        rng = np.random.default_rng(3)
        X = rng.uniform(-1, 1, (60, 4, 2))
        Y = np.cumsum(X[:, :, :1], axis=1) / 4
        Y[:, 0] = np.nan
        net.fit(X, Y, lr=0.05, epochs=2, batch_size=1, loss="half_squared",
                optimizer=optimizer, engine=engine, seed=0)  # 120 passes: unrolled
        return net.theta()

    assert close(trained("reference"), trained("vectorized"))


def test_auto_chooses_per_call_by_sequences_times_steps_times_edges():
    net = ng.Network.elman([2, 4, 1], seed=0)
    plan = net.plan()
    edges = len(plan.edges) + len(plan.delayed)  # 33
    assert sequences.choose_engine("auto", plan, 10, 1) == "reference"
    assert sequences.choose_engine("auto", plan, 10, 200) == "vectorized"
    assert edges * 10 * 6 < sequences.AUTO_VECTORIZED_ABOVE <= edges * 10 * 7
    assert sequences.choose_engine("reference", plan, 10, 200) == "reference"
