"""Batch normalization (seed 001, Lecture 07-5b): â_j = γ (a_j − μ)/√(ε + σ²) + β, by hand."""

import math

import numpy as np
import pytest

import neurograph as ng
from support import snapshot

X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.5, 2.0], [1.0, 1.0]])
Y = np.array([[1.0], [0.0], [1.0], [0.0]])


def normalized_net():
    net = ng.Network.layered([2, 2, 1], activation="tanh", output_activation="logistic", seed=3)
    net.add_batch_norm(3, gamma=1.5, beta=-0.25)
    return net


def by_hand(net, X, gamma=1.5, beta=-0.25, eps=1e-5):
    """Each example's output and loss with neuron 3 normalized over the batch X."""
    w = net.w
    a3 = np.tanh(w[0, 3] + w[1, 3] * X[:, 0] + w[2, 3] * X[:, 1])
    a4 = np.tanh(w[0, 4] + w[1, 4] * X[:, 0] + w[2, 4] * X[:, 1])
    mu = a3.mean()
    var = np.mean((a3 - mu) ** 2)
    a3_hat = gamma * (a3 - mu) / np.sqrt(eps + var) + beta
    a5 = 1 / (1 + np.exp(-(w[0, 5] + w[3, 5] * a3_hat + w[4, 5] * a4)))
    return a5, mu, var


def test_forward_uses_the_running_statistics():
    net = normalized_net()
    norm = net.neuron(3).norm
    norm.running_mean, norm.running_var = 0.2, 0.5
    net.forward(X[0])
    a3 = math.tanh(net.neuron(3).in_)
    assert net.neuron(3).a == pytest.approx(1.5 * (a3 - 0.2) / math.sqrt(1e-5 + 0.5) - 0.25,
                                            rel=1e-15)
    assert np.allclose(net.predict(X, engine="reference"), net.predict(X, engine="vectorized"),
                       rtol=1e-12, atol=0)


def test_the_batch_cost_uses_the_batch_statistics():
    net = normalized_net()
    a5, _, _ = by_hand(net, X)
    expected = np.mean((Y[:, 0] - a5) ** 2)
    for engine in ("reference", "vectorized"):
        J, _ = net.cost_and_grad(net.theta(), X, Y, engine=engine)
        assert J == pytest.approx(expected, rel=1e-12)


def test_the_gradient_through_the_batch_statistics_matches_finite_differences():
    net = normalized_net()
    result = ng.gradcheck(net, X, Y, eps=1e-6)
    assert {("gamma", 3), ("beta", 3)} <= set(result.analytic)
    assert result.max_relative_error < 1e-6
    assert result.analytic["beta", 3] != 0.0


def test_fit_trains_gamma_and_beta_and_keeps_running_averages():
    net = normalized_net()
    _, mu, var = by_hand(net, X)  # the first (and only) batch's statistics, before its update
    net.fit(X, Y, lr=0.5, epochs=1, batch_size=4, shuffle=False)
    norm = net.neuron(3).norm
    assert norm.running_mean == pytest.approx(0.9 * 0.0 + 0.1 * mu, rel=1e-12)
    assert norm.running_var == pytest.approx(0.9 * 1.0 + 0.1 * var, rel=1e-12)
    assert (net.neuron(3).gamma, net.neuron(3).beta) != (1.5, -0.25)
    trained = [net.neuron(3).gamma, net.neuron(3).beta]
    assert net.theta()[-2:].tolist() == trained


def test_a_last_batch_of_one_joins_the_batch_before():
    from neurograph.training.loop import batches
    assert [b.tolist() for b in batches(np.arange(5), 2, merge_single=True)] == [[0, 1],
                                                                                [2, 3, 4]]
    assert [b.tolist() for b in batches(np.arange(5), 2, merge_single=False)] == [[0, 1],
                                                                                 [2, 3], [4]]
    net = normalized_net()
    history = net.fit(X[:3], Y[:3], lr=0.1, epochs=2, batch_size=2, shuffle=False)
    assert history.epochs == 2 and np.isfinite(history.loss).all()


def test_batch_norm_round_trips_through_files(tmp_path):
    net = normalized_net()
    net.fit(X, Y, lr=0.5, epochs=3, batch_size=2, seed=1)
    for name in ("net.json", "net.txt"):
        net.save(tmp_path / name)
        back = ng.load(tmp_path / name)
        assert back.neuron(3).norm == net.neuron(3).norm
        assert back.predict(X).tolist() == net.predict(X).tolist()
    assert net.copy().neuron(3).norm == net.neuron(3).norm
    assert net.copy().neuron(3).norm is not net.neuron(3).norm


def test_explain_shows_the_normalization_and_changes_nothing():
    net = normalized_net()
    before = snapshot(net)
    steps = net.explain(X[0], y=Y[0], digits=4)
    text = str(steps)
    assert "â_3 = γ_3·(a_3 − μ̂_3)/√(ε + σ̂²_3) + β_3 = 1.5·(" in text
    assert "∂â_3/∂a_3 = γ_3/√(ε + σ̂²_3) = 1.5/√(" in text
    assert snapshot(net) == before  # explaining changes nothing
    net.forward(X[0])
    assert steps.values["â_3"] == net.neuron(3).a


@pytest.mark.parametrize("act, says", [
    (lambda net: net.fit(X, Y, batch_size=1), r"batch-normalized: training needs mini-batches "
                                              r"of at least 2 examples.*batch_size=1"),
    (lambda net: net.fit(X[:1], Y[:1], batch_size=4), r"at least 2 examples"),
    (lambda net: net.sgd_step(X[0], Y[0], lr=0.1), r"needs mini-batches of at least 2"),
    (lambda net: net.fit(X, Y, batch_size=2, dropout=0.5), r"dropout and batch normalization"),
    (lambda net: net.add_batch_norm(5), r"neuron 5 is an output neuron: batch normalization"),
    (lambda net: net.add_batch_norm(1), r"neuron 1 is an input neuron"),
    (lambda net: net.add_batch_norm(4, eps=0.0), r"eps must be a small positive number"),
    (lambda net: net.add_batch_norm(4, momentum=2.0), r"momentum must be from 0 to 1"),
    (lambda net: net.add_batch_norm(4, gamma=math.nan), r"gamma"),
    (lambda net: net.set_kind(3, "output"), r"remove it first with net.remove_batch_norm\(3\)"),
    (lambda net: net.remove_batch_norm(4), r"neuron 4 has no batch normalization"),
    (lambda net: net.neuron(4).gamma, r"neuron 4 has no batch normalization"),
    (lambda net: net.explain(X[0], y=Y[0], lr=0.1), r"batch-normalized: they train on "
                                                    r"mini-batches"),
    (lambda net: net.cost_and_grad(net.theta(), X[:1], Y[:1]), r"at least 2 of them"),
])
def test_bad_batch_norm_use_is_refused_and_changes_nothing(act, says):
    net = normalized_net()
    before = snapshot(net), net.neuron(3).norm.state()
    with pytest.raises(ng.NetworkError, match=says):
        act(net)
    assert (snapshot(net), net.neuron(3).norm.state()) == before


def test_a_file_with_a_bad_batch_norm_is_refused(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text("batchnorm 2 gamma=1 eps=-1\n1 2 1.0\n2 3 1.0\n", encoding="utf-8")
    with pytest.raises(ng.NetworkError, match=r"net.txt: neuron 2's batch norm: eps must be"):
        ng.load(path)
    path.write_text("batchnorm 2 shift=1\n1 2 1.0\n2 3 1.0\n", encoding="utf-8")
    with pytest.raises(ng.NetworkError, match=r"line 1: expected NAME=VALUE"):
        ng.load(path)
