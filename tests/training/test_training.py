"""fit: NEURALNETTRAIN, mini-batches, full batch, weight decay, dropout, frozen edges, stopping.

Each update rule is checked against an independent re-computation of the
lecture's formula on a copy of the network.
"""

import math
import re

import numpy as np
import pytest

import neurograph as ng
from neurograph.training import dropout as dropout_module
from support import snapshot

RNG = np.random.default_rng(0)
X = RNG.uniform(-1, 1, size=(7, 3))
Y = RNG.uniform(0, 1, size=(7, 2))


def fresh(seed=4, **kwargs):
    return ng.Network.layered([3, 4, 2], seed=seed, epsilon=1.0, **kwargs)


def gradient(net, x, y, loss="squared"):
    """∂ℓ/∂w_ij on one example, from a copy of the network."""
    twin = net.copy()
    twin.forward(x)
    twin.backward(y, loss=loss)
    return dict(twin.grad)


def test_batch_size_1_is_neuralnettrain_with_a_fresh_permutation_each_epoch():
    net, replay = fresh(), fresh()
    net.fit(X, Y, lr=0.4, epochs=3, batch_size=1, seed=11)
    rng = np.random.default_rng(11)
    for _ in range(3):
        for e in rng.permutation(len(X)):
            replay.sgd_step(X[e], Y[e], lr=0.4)
    assert dict(net.w) == dict(replay.w)


@pytest.mark.parametrize("weight_decay, decay_bias", [(0.0, True), (0.01, True), (0.01, False)])
def test_mini_batch_update_averages_delta_j_a_i(weight_decay, decay_bias):
    net, expected = fresh(), fresh()
    net.fit(X, Y, lr=0.3, epochs=2, batch_size=3, seed=5, weight_decay=weight_decay,
            decay_bias=decay_bias)
    rng = np.random.default_rng(5)
    for _ in range(2):
        order = rng.permutation(len(X))
        for first in range(0, len(X), 3):  # batches of 3, 3 and the last 1
            batch = order[first:first + 3]
            grads = [gradient(expected, X[e], Y[e]) for e in batch]
            for (i, j), w_ij in dict(expected.w).items():
                average = sum(g[i, j] for g in grads) / len(batch)
                lam = weight_decay if (i != 0 or decay_bias) else 0.0
                # w_ij ← w_ij − α (1/|B|) Σ_e Δ_j^(e) a_i^(e) − 2αλ w_ij
                expected.w[i, j] = w_ij - 0.3 * average - 2 * 0.3 * lam * w_ij
    for edge, w_ij in expected.w.items():
        assert net.w[edge] == pytest.approx(w_ij, rel=1e-13, abs=1e-15)


def test_full_batch_makes_one_update_per_epoch_from_all_examples_in_order():
    net, expected = fresh(), fresh()
    net.fit(X, Y, lr=0.5, epochs=4, batch_size=None, loss="half_squared", seed=3)
    for _ in range(4):
        grads = [gradient(expected, x, y, "half_squared") for x, y in zip(X, Y)]
        for edge, w_ij in dict(expected.w).items():
            expected.w[edge] = w_ij - 0.5 * sum(g[edge] for g in grads) / len(X)
    for edge, w_ij in expected.w.items():
        assert net.w[edge] == pytest.approx(w_ij, rel=1e-13, abs=1e-15)
    # the order of the examples is irrelevant to the full batch: the seed changes nothing
    other = fresh()
    other.fit(X, Y, lr=0.5, epochs=4, batch_size=None, loss="half_squared", seed=99)
    assert dict(other.w) == dict(net.w)


def test_dropout_update_is_backprop_through_the_thinned_network():
    """Drop hidden neurons, scale survivors by s = 1/(1 − p): the update equals plain backprop
    in the network without the dropped neurons and with the survivors' outgoing weights × s."""
    p, s = 0.5, 2.0
    net = ng.Network.layered([3, 6, 2], seed=8, epsilon=1.0)
    before = net.copy()
    x, y = X[0], Y[0]
    net.fit([x], [y], lr=0.1, epochs=1, dropout=p, seed=2)
    hidden = net.hidden
    kept = [j for j in hidden if any(net.w[i, j] != before.w[i, j] for i in (0, 1, 2, 3))]
    dropped = [j for j in hidden if j not in kept]
    assert kept and dropped, "this seed should drop some hidden neurons and keep others"
    thinned = before.copy()
    for j in dropped:
        thinned.remove_neuron(j)
    for j in kept:
        for k in thinned.outputs:
            thinned.w[j, k] = s * before.w[j, k]
    grad = gradient(thinned, x, y)
    for (i, j), w_ij in before.w.items():
        if i in dropped or j in dropped:
            expected = w_ij  # Δ_j = 0 for a dropped j; a_i = 0 for a dropped i
        elif i in kept:  # ∂J/∂w_ij = Δ_j · s g(in_i) = s · ∂J/∂w′_ij
            expected = w_ij - 0.1 * s * grad[i, j]
        else:
            expected = w_ij - 0.1 * grad[i, j]
        assert net.w[i, j] == pytest.approx(expected, rel=1e-13, abs=1e-16), (i, j)
    assert [n.activation.name for n in net.neurons[4:]] == ["logistic"] * 8  # training only


def test_dropout_drops_each_hidden_neuron_with_probability_p():
    net = ng.Network.layered([2, 50, 1], seed=0)
    dropping = dropout_module.Dropout(net.plan(), 0.3, np.random.default_rng(1))
    dropped = 0
    for _ in range(200):
        plan = dropping.draw()
        dropped += sum(g is dropout_module.DROPPED for _, g, *_ in plan.forward)
    assert dropped / (200 * 50) == pytest.approx(0.3, abs=0.02)
    assert all(g.name == "logistic" for _, g, *_ in net.plan().forward)  # the network's own plan


def test_frozen_edges_keep_their_weights_through_training_and_initialize():
    net = fresh()
    net.freeze(1, 4)
    net.freeze(0, 8)
    assert net.frozen == [(0, 8), (1, 4)]
    held = net.w[1, 4], net.w[0, 8]
    net.fit(X, Y, lr=0.5, epochs=3, batch_size=2, weight_decay=0.1)
    net.initialize("normal", seed=3)
    assert (net.w[1, 4], net.w[0, 8]) == held
    net.forward(X[0])
    net.backward(Y[0])
    assert net.grad[1, 4] != 0  # the gradient exists; only the update is withheld
    net.unfreeze(1, 4)
    net.sgd_step(X[0], Y[0], lr=0.5)
    assert net.w[1, 4] != held[0] and net.frozen == [(0, 8)]


def test_seeded_runs_reproduce_exactly():
    runs = []
    for seed in (7, 7, 8):
        net = fresh()
        history = net.fit(X, Y, lr=0.5, epochs=5, batch_size=2, dropout=0.25, seed=seed)
        runs.append((dict(net.w), history.loss))
    assert runs[0] == runs[1]
    assert runs[0][0] != runs[2][0]


def test_history_records_the_cost_after_each_epoch():
    net = fresh()
    history = net.fit(X, Y, lr=0.5, epochs=6, weight_decay=0.001, validation=(X[:3], Y[:3]))
    assert history.epochs == 6 and history.stopped == "epochs"
    outputs = net.predict(X)
    mean_loss = np.mean(np.sum((Y - outputs) ** 2, axis=1))
    penalty = 0.001 * sum(w * w for w in net.w.values())
    assert history.loss[-1] == pytest.approx(mean_loss + penalty, rel=1e-12)
    assert history.val_loss[-1] == pytest.approx(
        np.mean(np.sum((Y[:3] - outputs[:3]) ** 2, axis=1)), rel=1e-12)
    assert history.accuracy == [] and history.val_accuracy == []  # targets are not classes
    assert history.loss[-1] < history.loss[0]
    assert "epochs=6" in repr(history)


def test_accuracy_is_recorded_for_class_targets():
    X2, Y2 = ng.datasets.xor()
    net = ng.Network.layered([2, 2, 1], seed=0)
    history = net.fit(X2, Y2, lr=2.0, epochs=2000, validation=(X2, Y2))
    assert history.accuracy[-1] == history.val_accuracy[-1] == 1.0
    assert net.classify(X2).tolist() == [0, 1, 1, 0]


def test_stops_when_every_error_is_close_to_zero():
    X2, Y2 = ng.datasets.or_()
    net = ng.Network.layered([2, 1], seed=0)
    history = net.fit(X2, Y2, lr=2.0, epochs=10_000, error_tol=0.1)
    assert history.stopped == "errors" and history.epochs < 10_000
    assert np.max(np.abs(Y2 - net.predict(X2))) < 0.1


def test_stops_when_the_cost_stops_changing():
    X2, Y2 = ng.datasets.and_()
    net = ng.Network.layered([2, 1], seed=0)
    history = net.fit(X2, Y2, lr=1.0, epochs=100_000, min_delta=1e-6, patience=3)
    assert history.stopped == "converged" and history.epochs < 100_000
    assert all(abs(a - b) < 1e-6 for a, b in zip(history.loss[-4:], history.loss[-3:]))


def test_divergence_stops_with_the_epoch_named_and_the_last_finite_weights():
    X2 = np.linspace(-3, 3, 20)[:, None]
    Y2 = 5 * X2
    net = ng.Network.layered([1, 3, 1], activation="identity", seed=1)
    with pytest.raises(ng.NetworkError, match=r"diverged in epoch \d+") as info:
        net.fit(X2, Y2, lr=0.03, epochs=500, seed=0)
    epoch = int(re.search(r"epoch (\d+)", str(info.value)).group(1))
    assert epoch > 1 and info.value.history.epochs == epoch - 1
    assert all(math.isfinite(w) for w in net.w.values())
    replay = ng.Network.layered([1, 3, 1], activation="identity", seed=1)
    replay.fit(X2, Y2, lr=0.03, epochs=epoch - 1, seed=0)
    assert dict(replay.w) == dict(net.w)


def test_a_refused_fit_leaves_the_network_as_it_was():
    net = fresh()
    net.forward(X[0])
    before = snapshot(net)
    bad = [
        dict(X=X[:, :2], Y=Y), dict(X=X, Y=Y[:5]), dict(X=X, Y=Y, lr=0.0),
        dict(X=X, Y=Y, batch_size=0), dict(X=X, Y=Y, dropout=1.0),
        dict(X=X, Y=Y, engine="vectorised"), dict(X=X, Y=Y, validation=(X, Y[:2])),
        dict(X=X, Y=Y * 3, loss="log"),  # refused mid-epoch: targets outside [0, 1]
        dict(X=np.where(X == X[2, 1], np.nan, X), Y=Y),
    ]
    for kwargs in bad:
        with pytest.raises(ng.NetworkError):
            net.fit(**kwargs, epochs=2)
        assert snapshot(net) == before, kwargs


def test_regression_with_a_linear_output_neuron():
    X2 = np.linspace(-1, 1, 21)[:, None]
    Y2 = 3 * X2 - 0.5
    net = ng.Network.layered([1, 1], activation="identity", seed=0)
    net.fit(X2, Y2, lr=0.05, epochs=300)
    assert net.w[1, 2] == pytest.approx(3, abs=1e-6)
    assert net.w[0, 2] == pytest.approx(-0.5, abs=1e-6)


def test_log_loss_trains_a_logistic_classifier():
    X2, Y2 = ng.datasets.nand()
    net = ng.Network.layered([2, 1], seed=0)
    history = net.fit(X2, Y2, lr=1.0, epochs=500, loss="log")
    assert history.loss[-1] < 0.1 and net.classify(X2).tolist() == [1, 1, 1, 0]


def test_predict_is_forward_row_by_row():
    net = fresh()
    outputs = net.predict(X)
    assert outputs.shape == (7, 2)
    for x, row in zip(X, outputs):
        assert list(net.forward(x)) == list(row)
    with pytest.raises(ng.NetworkError, match=r"3 values per example; received shape \(7, 2\)"):
        net.predict(X[:, :2])


def test_progress_bar_shows_when_asked(capsys):
    fresh().fit(X, Y, epochs=2, progress=True)
    assert "training" in capsys.readouterr().err
