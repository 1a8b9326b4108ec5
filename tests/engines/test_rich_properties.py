"""Max and product neurons, batch normalization and tied weights, on random non-layered DAGs.

For each: backpropagation equals central finite differences (one example with the running
statistics, and a batch with the batch's statistics — seed 004's check of J(θ)), and the
two engines give the same J(θ), ∇J(θ) and trained θ to 1e-12.
"""

import contextlib
import itertools

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.training.optimizers import Adam
from support import (batch_norms_are_conditioned, maxima_are_clear, rich_dags_with_batch,
                     stored)

EPS = 1e-6

# Found by Hypothesis: a product output over two max neurons, three edges tied, that diverges
# in epoch 3 whichever engine trains it (both must say so at the same epoch).
DIVERGING = ng.Network.from_document({
    "format": "neurograph", "version": 2, "inputs": [3], "outputs": [4],
    "neurons": [
        {"id": 0, "kind": "bias"},
        {"id": 1, "kind": "hidden", "activation": "identity", "aggregation": "max"},
        {"id": 2, "kind": "hidden", "activation": "identity", "aggregation": "max"},
        {"id": 3, "kind": "input"},
        {"id": 4, "kind": "output", "activation": "softplus", "aggregation": "product"}],
    "edges": [{"from": i, "to": j, "weight": w} for i, j, w in [
        (0, 4, -1.0), (1, 4, -1.0), (2, 4, 1.0), (3, 1, -1.0), (3, 2, 1.0), (3, 4, 1.0)]],
    "ties": [[[0, 4], [1, 4], [3, 1]]]})


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.all(np.abs(a - b) <= tol * (1 + np.abs(b)))


def no_kinks(net, theta, X, Y, eps=EPS):
    """True if J(θ) is smooth along every axis within ε of θ. Where a max neuron's two
    largest terms swap, the slope jumps: then the central differences at ε and ε/10 part
    (a kink inside the wider step), or the one-sided differences stay as far apart at ε/10
    as at ε (a kink at θ itself); for a smooth J both gaps shrink with the step. Batch
    normalization moves the terms, so a check on one example would not do."""
    J = lambda t: net.cost_and_grad(t, X, Y)[0]  # noqa: E731
    middle = J(theta)
    noise = 1e-8 * (1 + abs(middle))

    def sides(p, h):
        step = np.zeros_like(theta)
        step[p] = h
        return (J(theta + step) - middle) / h, (middle - J(theta - step)) / h

    for p in range(len(theta)):
        (ahead, behind), (near_ahead, near_behind) = sides(p, eps), sides(p, eps / 10)
        central, near_central = (ahead + behind) / 2, (near_ahead + near_behind) / 2
        gap, near_gap = ahead - behind, near_ahead - near_behind
        if abs(central - near_central) > 1e-7 * abs(central) + noise:
            return False
        if abs(near_gap) > noise and abs(near_gap) > 0.2 * abs(gap):
            return False
    return True


def check(result, scale):
    for key, numeric in result.numeric.items():
        assert result.analytic[key] == pytest.approx(numeric, rel=1e-5, abs=1e-7 * scale), key


@settings(max_examples=150, deadline=None)
@given(rich_dags_with_batch(n=(1, 1)))
def test_one_example_backprop_matches_finite_differences(case):
    net, X, Y = case
    assume(maxima_are_clear(net, X))
    result = ng.gradcheck(net, X[0], Y[0], eps=EPS)
    ell = net.backward(Y[0])
    check(result, 1 + abs(ell))


@settings(max_examples=150, deadline=None)
@given(rich_dags_with_batch(), st.sampled_from([0.0, 0.01]))
def test_batch_cost_gradient_matches_finite_differences(case, weight_decay):
    net, X, Y = case
    before = net.theta()
    assume(no_kinks(net, before, X, Y))
    result = ng.gradcheck(net, X, Y, eps=EPS, weight_decay=weight_decay, decay_bias=False)
    J, _ = net.cost_and_grad(before, X, Y, weight_decay=weight_decay, decay_bias=False)
    assert set(result.analytic) == set(net.theta_edges())
    check(result, 1 + abs(J))
    assert net.theta().tolist() == before.tolist()  # restored exactly


@pytest.mark.parametrize("layout", ["as the engine chooses", "csr"])
@settings(max_examples=150, deadline=None)
@given(rich_dags_with_batch())
def test_engines_give_the_same_cost_and_gradient(layout, case):
    net, X, Y = case
    assume(batch_norms_are_conditioned(net, X))
    theta = net.theta()
    J_ref, grad_ref = net.cost_and_grad(theta, X, Y, loss="half_squared", engine="reference")
    with stored(layout) if layout == "csr" else contextlib.nullcontext():
        net.cache.clear()
        J_vec, grad_vec = net.cost_and_grad(theta, X, Y, loss="half_squared",
                                            engine="vectorized")
        predicted = net.predict(X, engine="vectorized")
    assert close(J_vec, J_ref) and close(grad_vec, grad_ref)
    assert close(predicted, net.predict(X, engine="reference"))


@settings(max_examples=60, deadline=None)
@given(rich_dags_with_batch(n=(4, 6)), st.sampled_from(["sgd", "momentum"]))
@example((DIVERGING, [[0.0], [0.0], [0.0], [-2.0]], [[0.0]] * 4), "sgd")
def test_engines_train_to_the_same_parameters(case, optimizer):
    net, X, Y = case
    # every batch the shuffles can make (pairs, and a last pair merged with a single) must
    # vary at each normalized neuron: a constant one multiplies the engines' last-bit
    # differences by 1/√ε ≈ 316 at every step (found: X = [0, 0, 1, 0.25], a batch of zeros)
    assume(all(batch_norms_are_conditioned(net, np.asarray(X)[list(rows)])
               for size in (2, 3) for rows in itertools.combinations(range(len(X)), size)))
    trained = []
    for engine in ("reference", "vectorized"):
        twin = net.copy()
        try:
            history = twin.fit(X, Y, lr=0.05, epochs=3, batch_size=2, optimizer=optimizer,
                               engine=engine, seed=1)
        except ng.DivergedError as error:  # then the other engine diverges in the same epoch
            history = error.history
            history.loss.append(str(error))
        norms = [twin.neuron(j).norm for j in twin.hidden if twin.neuron(j).norm]
        trained.append((twin.theta(), history.loss,
                        [(n.running_mean, n.running_var) for n in norms]))
    (theta_a, loss_a, stats_a), (theta_b, loss_b, stats_b) = trained
    said = [[x for x in loss if isinstance(x, str)] for loss in (loss_a, loss_b)]
    assert said[0] == said[1]  # the same divergence, or none
    loss_a, loss_b = ([x for x in loss if not isinstance(x, str)] for loss in (loss_a, loss_b))
    assert close(theta_b, theta_a) and close(loss_b, loss_a)
    assert close(stats_b, stats_a) if stats_a else stats_b == []


@settings(max_examples=60, deadline=None)
@given(rich_dags_with_batch(n=(4, 6)))
def test_engines_give_the_same_gradients_along_an_adam_trajectory(case):
    """Adam divides each step by √v̂ + 10⁻⁸, so where ∂J/∂θ_i is 0 a rounding difference
    between the engines' sums (10⁻¹⁵) becomes a step of α·10⁻⁷, and the trajectories part
    for good (seen: 2·10⁻¹⁵ in a gradient, 1.4·10⁻⁶ in θ three steps later). No tolerance
    holds for whole runs, so the engines are held to 1e-12 step by step instead: at each θ
    of an Adam run, on its mini-batch, the same J(θ) and ∇J(θ)."""
    net, X, Y = case
    X, Y = np.asarray(X), np.asarray(Y)
    batches = [[(2 * step) % len(X), (2 * step + 1) % len(X)]
               for step in range(3 * len(X) // 2)]
    assume(all(batch_norms_are_conditioned(net, X[rows]) for rows in batches))
    adam, theta = Adam(), net.theta()
    for rows in batches:
        J_ref, grad_ref = net.cost_and_grad(theta, X[rows], Y[rows], engine="reference")
        J_vec, grad_vec = net.cost_and_grad(theta, X[rows], Y[rows], engine="vectorized")
        assert close(J_vec, J_ref) and close(grad_vec, grad_ref)
        theta = adam.step(theta, grad_ref, 0.05)
