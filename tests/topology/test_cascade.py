"""Cascade-correlation's candidate pool (Cascade 2): the score each candidate is chosen by, its
gradient against finite differences on random non-layered DAGs, the pool's options, and the
default call on the two spirals against FANN's Cascade2."""

import statistics

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.topology.cascade import (CANDIDATE_ACTIVATIONS, STEEPNESSES, candidate_pool,
                                         candidate_scores, explained)
from support import SMOOTH, dags

slow = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("mu", [0.0, 0.7])
def test_explained_is_the_fall_in_the_residuals_sum_of_squares(mu):
    # R is what (ridge) least squares gains when V joins the outputs, each with a bias of its
    # own: min over b, w of Σ (E − b − w V)² + μ w², the row (0, √μ) → 0 pricing w
    rng = np.random.default_rng(0)
    V, E = rng.normal(size=9), rng.normal(size=(9, 3))
    ones = np.ones((9, 1))
    before = np.sum((E - ones @ np.linalg.lstsq(ones, E, rcond=None)[0]) ** 2)
    both = np.vstack([np.column_stack([ones, V]), [0.0, np.sqrt(mu)]])
    targets = np.vstack([E, np.zeros((1, 3))])
    after = np.sum((targets - both @ np.linalg.lstsq(both, targets, rcond=None)[0]) ** 2)
    assert explained(V, E, mu) == pytest.approx(before - after, rel=1e-12)


def test_explained_worked_by_hand():
    # V − V̄ = (−1, 0, 1); E − Ē = (0, −1, 1); Σ (V − V̄)(E − Ē) = 1; Σ (V − V̄)² = 2: R = 1²/2
    assert explained([1.0, 2.0, 3.0], [[1.0], [0.0], [2.0]]) == 0.5
    # the scale of V does not matter (Fahlman's covariance grows with it); a constant V scores 0
    assert explained([100.0, 200.0, 300.0], [[1.0], [0.0], [2.0]]) == pytest.approx(0.5)
    assert explained([3.0, 3.0, 3.0], [[1.0], [0.0], [2.0]]) == 0.0
    # with a price on the output weight, a V that barely varies is worth nothing
    tail = [1e-15, 2e-15, 3e-15]  # a logistic deep in its tail
    assert explained(tail, [[1.0], [0.0], [2.0]]) == pytest.approx(0.5)
    assert explained(tail, [[1.0], [0.0], [2.0]], mu=0.01) < 1e-25


@slow
@given(net=dags(), data=st.data())
@example(net=ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}, activation="sin"),
         data=None)
def test_candidate_gradient_matches_finite_differences(net, data):
    # the sources are every neuron of a random non-layered DAG, on a few random examples
    rng = np.random.default_rng(len(net.w))
    p = len(net.inputs)
    X = rng.uniform(-2.0, 2.0, (6, p))
    F = [[1.0, *(net.neuron(j).a for j in sorted(net.graph) if j != 0)]
         for x in X if net.forward(x) is not None]
    F = np.array(F)
    E = rng.normal(size=(6, 2))
    E -= E.mean(axis=0)
    if data is None:
        pool = candidate_pool(("sin", "tanh"), (0.5, 2.0), 1)
    else:
        pool = candidate_pool(data.draw(st.lists(st.sampled_from(SMOOTH), min_size=1,
                                                 max_size=3)),
                              data.draw(st.lists(st.floats(0.25, 2.0), min_size=1, max_size=2)),
                              1)
    U = rng.uniform(-1.0, 1.0, (F.shape[1], len(pool)))
    mu = 0.0 if data is None else data.draw(st.sampled_from([0.0, 0.05]))
    R, grad = candidate_scores(F, E, pool, U, mu)
    h = 1e-6
    for i in range(U.shape[0]):
        for c in range(U.shape[1]):
            up, down = U.copy(), U.copy()
            up[i, c] += h
            down[i, c] -= h
            numeric = (candidate_scores(F, E, pool, up, mu)[0][c]
                       - candidate_scores(F, E, pool, down, mu)[0][c]) / (2 * h)
            assert grad[i, c] == pytest.approx(numeric, rel=1e-5, abs=1e-6)
    # each candidate's score is explained() of its own output
    for c, (g, s) in enumerate(pool):
        assert R[c] == pytest.approx(explained(g.g(F @ (s * U[:, c])), E, mu), rel=1e-9,
                                     abs=1e-12)


def test_the_pool_is_each_activation_times_each_steepness_times_candidates():
    pool = candidate_pool(("tanh", "sin"), (0.5, 1.0), 3)
    assert len(pool) == 12
    assert [(g.name, s) for g, s in pool[:4]] == [("tanh", 0.5)] * 3 + [("tanh", 1.0)]
    assert {g.name for g, _ in candidate_pool("tanh", (1.0,), 2)} == {"tanh"}
    assert len(candidate_pool(CANDIDATE_ACTIVATIONS, STEEPNESSES, 2)) == 24


@pytest.mark.parametrize("kwargs, says", [
    ({"activation": "softmax"}, "softmax cannot be theirs"),
    ({"activation": ()}, "at least one activation"),
    ({"activation": 5}, "activation must be an activation name or a sequence"),
    ({"activation": ("tanh", "nope")}, "nope"),
    ({"steepnesses": 0.5}, "steepnesses must be a sequence of positive numbers"),
    ({"steepnesses": ()}, "at least one steepness"),
    ({"steepnesses": (1.0, 0.0)}, "a steepness must be positive; received 0"),
    ({"steepnesses": (float("nan"),)}, "a steepness must be finite"),
    ({"candidates": 0}, "candidates must be a whole number"),
    ({"candidate_decay": -1e-3}, r"candidate_decay \(κ\) must be ≥ 0; received -0.001"),
])
def test_bad_pools_are_refused(kwargs, says):
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=says):
        ng.cascade_correlation(X, Y, **kwargs)


def test_the_same_seed_grows_the_same_network():
    X, Y = ng.datasets.parity(3)
    first, history = ng.cascade_correlation(X, Y, max_hidden=4, seed=3)
    again, history_again = ng.cascade_correlation(X, Y, max_hidden=4, seed=3)
    assert first.to_document() == again.to_document() and history == history_again
    other, _ = ng.cascade_correlation(X, Y, max_hidden=4, seed=4)
    assert other.to_document() != first.to_document()


def test_each_recruit_keeps_its_candidates_g_with_the_steepness_in_its_weights():
    X, Y = ng.datasets.spirals()
    net, history = ng.cascade_correlation(X, Y, max_hidden=3, seed=0)
    assert len(history) == 4
    for entry, j in zip(history[1:], net.hidden):
        assert net.neuron(j).activation.name == entry["activation"]
        assert entry["steepness"] in STEEPNESSES and entry["score"] > 0.0
        assert set(entry["weights"]) == {(i, j) for i in net.predecessors(j)}


def test_the_candidates_decay_keeps_their_weights_smaller():
    X, Y = ng.datasets.spirals()
    largest = {}
    for decay in (0.0, 1e-2):
        _, history = ng.cascade_correlation(X, Y, max_hidden=3, seed=0, candidate_decay=decay)
        largest[decay] = max(abs(w) / e["steepness"] for e in history[1:]
                             for w in e["weights"].values())
    assert largest[1e-2] < largest[0.0]


def test_the_default_call_needs_no_more_hidden_neurons_than_fanns_cascade2():
    # FANN's cascadetrain_on_data needs 10, 7, 9, 8, 9 (median 9) from seeds 0–4 and is right
    # on 68–88% (median 78%) of the points halfway between the training points
    # (scripts/bench_peers.py, section 5); every training point classified
    X, Y = ng.datasets.spirals()
    i = np.arange(96) + 0.5  # halfway between the training points, on the same two curves
    angle, radius = i * np.pi / 16, 6.5 * (104 - i) / 104
    between = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    X_between, Y_between = np.vstack([between, -between]), np.repeat([[0.0], [1.0]], 96, axis=0)
    hidden, right = [], []
    for seed in range(5):
        net, history = ng.cascade_correlation(X, Y, max_hidden=40, seed=seed)
        assert ((net.predict(X) >= 0.5) == (Y >= 0.5)).all() and history[-1]["error"] == 0.0
        hidden.append(len(net.hidden))
        right.append(((net.predict(X_between) >= 0.5) == (Y_between >= 0.5)).mean())
    assert statistics.median(hidden) <= 9 and statistics.median(right) >= 0.75
