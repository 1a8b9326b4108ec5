"""Inputs as features (Playground's x₁², x₂², x₁x₂, sin x₁, sin x₂ as neurons of the
network), and the searches that use them."""

import math

import numpy as np
import pytest

import neurograph as ng
from neurograph.topology.evolution import mutate
from neurograph.topology.features import PLAYGROUND
from support import snapshot


def two_input_net():
    return ng.Network.from_weights({(0, 3): 0.5, (1, 3): -1.0, (2, 3): 2.0},
                                   activation="identity")


def test_playgrounds_features_compute_what_they_say_and_predict_takes_raw_x(tmp_path):
    net = two_input_net()
    ids = ng.add_features(net, PLAYGROUND)
    assert ids == [4, 5, 6, 7, 8] and ng.feature_neurons(net) == ids
    for j, w in zip(ids, (1.0, -2.0, 0.5, 3.0, 0.25)):
        net.connect(j, 3, w)
    x1, x2 = 1.5, -0.7
    # a_3 = 0.5 − x1 + 2 x2 + x1² − 2 x2² + 0.5 x1x2 + 3 sin x1 + 0.25 sin x2
    expected = (0.5 - x1 + 2 * x2 + x1 ** 2 - 2 * x2 ** 2 + 0.5 * x1 * x2 + 3 * math.sin(x1)
                + 0.25 * math.sin(x2))
    assert net.predict([[x1, x2]])[0, 0] == pytest.approx(expected, rel=1e-14)
    assert all((i, j) in net.frozen for j in ids for i in net.predecessors(j))
    net.save(tmp_path / "net.json")
    back = ng.load(tmp_path / "net.json")
    assert ng.feature_neurons(back) == ids and back.to_document() == net.to_document()
    assert back.predict([[x1, x2]])[0, 0] == net.predict([[x1, x2]])[0, 0]


def test_training_leaves_the_features_as_they_are():
    net = two_input_net()
    ids = ng.add_features(net, ("x2^2", "gaussian(x1)"))
    for j in ids:
        net.connect(j, 3, 0.1)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (20, 2))
    net.fit(X, X[:, :1] ** 2, lr=0.05, epochs=5, batch_size=4)
    assert all(net.w[i, j] == 1.0 for j in ids for i in net.predecessors(j))
    assert net.neuron(ids[1]).activation.name == "gaussian"


@pytest.mark.parametrize("features, words", [
    (("x3^2",), "x1 to x2"), (("x1*x1",), "x1\\^2"), (("softmax(x1)",), "softmax"),
    (("cube(x1)",), "cube"), (("x1 + x2",), "xk\\^2"), ("x1^2", "sequence"), ((7,), "7"),
    (("x1^2", "x0*x1"), "x0"),
])
def test_bad_features_are_refused_and_the_network_kept(features, words):
    net = two_input_net()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=words):
        ng.add_features(net, features)
    assert snapshot(net) == before
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=words):
        ng.evolve(X, Y, population=4, generations=1, features=features)


def test_mutations_never_touch_a_feature():
    from neurograph.topology.evolution import _minimal
    rng = np.random.default_rng(1)
    net = _minimal(2, 1, "logistic", rng, PLAYGROUND)
    made = {j: (net.neuron(j).activation.name, sorted(net.predecessors(j)))
            for j in ng.feature_neurons(net)}
    for _ in range(300):
        mutate(net, rng, ("tanh", "sin", "gaussian"), max_edges=40)
        for j in ng.feature_neurons(net):
            assert (net.neuron(j).activation.name, sorted(net.predecessors(j))) == made[j]
            assert all(net.w[i, j] == 1.0 for i in net.predecessors(j))
    assert set(ng.feature_neurons(net)) <= set(made)


def test_evolution_with_features_keeps_them_in_every_network():
    X, Y = ng.datasets.xor()
    result = ng.evolve(X, Y, population=8, generations=3, seed=2, features=("x1*x2",))
    for net in result.population:
        assert [net.neuron(j).aggregation for j in ng.feature_neurons(net)] in ([], ["product"])
        np.testing.assert_array_equal(net.predict(X), ng.Network.from_document(
            net.to_document()).predict(X))


def test_the_spirals_between_the_benchmarks_points():
    X, Y = ng.datasets.spirals()
    H, G = ng.datasets.spirals(phase=0.5)
    np.testing.assert_array_equal(G, Y)
    i = 0.5  # the first held-out point lies half a step along the first spiral
    angle, radius = i * math.pi / 16, 6.5 * (104 - i) / 104
    assert H[0].tolist() == pytest.approx([radius * math.sin(angle), radius * math.cos(angle)])
    assert not np.isin(H, X).all(axis=1).any()
    for phase in (1.0, -0.1, "0.5", True):
        with pytest.raises(ng.NetworkError, match="phase"):
            ng.datasets.spirals(phase=phase)


# ------------------------------------------------------------------ seed 001's speed-ups


@pytest.mark.parametrize("options", [{"halving": True, "subset": 0.5},
                                     {"early_stop": True, "start_hidden": 3, "max_edges": 12,
                                      "start_depth": 2}])
def test_each_speed_up_gives_the_same_search_for_any_n_jobs(options):
    X, Y = ng.datasets.xor()
    one = ng.evolve(X, Y, population=8, generations=3, seed=4, **options)
    two = ng.evolve(X, Y, population=8, generations=3, seed=4, n_jobs=2, **options)
    assert one.history == two.history


def test_halving_trains_half_the_epochs_and_the_best_quarter_all_of_them():
    X, Y = ng.datasets.xor()
    full = ng.evolve(X, Y, population=10, generations=2, seed=0, epochs=20, elite=2)
    halved = ng.evolve(X, Y, population=10, generations=2, seed=0, epochs=20, elite=2,
                       halving=True)
    # the start: 10 networks × 20 epochs; halving: 10 × 5, the best 5 × 5, the best 2 × 10
    assert [h["epochs"] for h in full.history] == [200, 160]
    assert [h["epochs"] for h in halved.history] == [10 * 5 + 5 * 5 + 2 * 10, 8 * 5 + 4 * 5 + 2 * 10]


def test_the_trend_rule_stops_a_child_that_cannot_catch_the_best():
    from neurograph.topology.budgets import train_with_estimate
    trained = []
    curve = iter([0.9, 0.85, 0.84])  # from 1.0: −0.1, then −0.05; the best is 0.5
    stopped, _ = train_with_estimate(trained.append, lambda: next(curve), 40, 1.0, 0.5)
    # after chunk 1: 0.9 − 3·0.1 = 0.6 > 0.5: stop after 10 of the 40 epochs
    assert stopped == 10 and trained == [10]
    curve = iter([0.7, 0.6, 0.52])  # 0.7 − 3·0.3, 0.6 − 2·0.1, 0.52 − 0.08: all below 0.5
    trained = []
    assert train_with_estimate(trained.append, lambda: next(curve), 42, 1.0, 0.5)[0] == 42
    assert trained == [11, 11, 10, 10]


def test_a_subset_is_drawn_from_the_childs_seed():
    from neurograph.topology.budgets import subset_rows
    rows = subset_rows(10, 0.3, np.random.default_rng(0))
    assert len(rows) == 3 and list(rows) == sorted(set(rows))
    assert list(subset_rows(10, None, None)) == list(range(10))


@pytest.mark.parametrize("options, words", [
    ({"subset": 0.0}, "subset"), ({"subset": 1.5}, "subset"), ({"early_stop": "yes"}, "early_stop"),
    ({"halving": 1}, "halving"), ({"start_hidden": -1}, "start_hidden"),
    ({"start_hidden": 4, "start_depth": 5}, "start_depth"), ({"start_depth": 0}, "start_depth"),
    ({"features": ("x1^3",)}, "x1\\^3"),
])
def test_evolve_refuses_bad_speed_up_values(options, words):
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=words):
        ng.evolve(X, Y, population=4, generations=1, **options)


# ------------------------------------------------------------------ search by gradient


def test_gradient_search_prunes_to_the_budget_and_keeps_a_working_network(tmp_path):
    X, Y = ng.datasets.xor()
    found = ng.gradient_search(X, Y, neurons=4, activations=("sin", "tanh"), epochs=200,
                               lr=0.05, retrain_epochs=200, max_edges=10, seed=1)
    assert len(found.best.w) <= 10 < len(found.gated.w)
    assert set(found.gates) == set(found.gated.w)
    assert len(found.history["gated"]) == 200 and len(found.history["retrain"]) == 200
    assert all(any(path_exists(found.best, i, k) for i in found.best.inputs)
               for k in found.best.outputs)
    found.best.save(tmp_path / "best.json")
    assert ng.load(tmp_path / "best.json").to_document() == found.best.to_document()


def path_exists(net, i, k):
    seen, stack = {i}, [i]
    while stack:
        for m in net.successors(stack.pop()):
            if m == k:
                return True
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return False


def test_the_gates_gradient_is_the_chain_rule():
    """∂J/∂s_ij = w_ij ∂J/∂θ_ij: the gated training's first step, against central differences
    of J(w ∘ s) on the dense DAG."""
    from neurograph.topology.relaxation import dense_dag
    net = dense_dag(2, 1, 3, ("sin", "gaussian", "tanh"), seed=2)
    X, Y = ng.datasets.xor()
    rng = np.random.default_rng(0)
    w, s = net.theta(), rng.uniform(0.5, 1.5, len(net.theta()))
    _, grad = net.cost_and_grad(w * s, X, Y, loss="log")
    h = 1e-6
    for m in range(len(s)):
        up, down = s.copy(), s.copy()
        up[m] += h
        down[m] -= h
        numeric = (net.cost_and_grad(w * up, X, Y, loss="log")[0]
                   - net.cost_and_grad(w * down, X, Y, loss="log")[0]) / (2 * h)
        assert grad[m] * w[m] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("options, words", [
    ({"neurons": 0}, "neurons"), ({"penalty": 1e-3}, "strength="),
    ({"penalty": "l2"}, "'l0'"), ({"penalty": True}, "penalty"), ({"strength": -1.0}, "strength"), ({"threshold": 1.0}, "threshold"),
    ({"max_edges": 0}, "max_edges"), ({"activations": "sin"}, "sequence"),
    ({"activations": ("softmax",)}, "one\\s+neuron"), ({"loss": "log", "output_activation": "tanh"}, "log"),
    ({"epochs": 0}, "epochs"), ({"features": ("x5^2",)}, "x5"), ({"depth": 13}, "depth"),
    ({"retrain_epochs": -1}, "retrain_epochs"), ({"lr": -0.1}, "lr"),
])
def test_gradient_search_refuses_bad_values(options, words):
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=words):
        ng.gradient_search(X, Y, **{"epochs": 2, "retrain_epochs": 0, **options})



# ------------------------------------------------------------------ the learned estimate


def test_the_learned_estimate_stops_a_child_predicted_not_to_beat_the_best():
    """Curves L_c = r^c: the fit predicts L_4 = L_1⁴ exactly from the first checkpoint on
    (σ ≈ 0), so a child at 0.6 after one chunk is predicted 0.1296 — stopped there against a
    best of 0.1, trained to the end against a best of 0.2."""
    from neurograph.topology.budgets import fit_estimate, train_with_estimate
    estimate = fit_estimate([[1.0, r, r ** 2, r ** 3, r ** 4] for r in np.linspace(0.5, 0.9, 8)])
    assert estimate[1][1] < 1e-6
    for to_beat, epochs_trained, seen in [(0.1, 10, [1.0, 0.6]),
                                          (0.2, 40, [1.0, 0.6, 0.36, 0.216])]:
        trained, losses = [], iter([0.6, 0.36, 0.216])
        got, curve = train_with_estimate(trained.append, lambda: next(losses), 40, 1.0, to_beat,
                                         estimate)
        assert got == epochs_trained == sum(trained) and curve == seen
    # the trend rule alone would go on at 0.1: 0.6 − 3 · 0.4 < 0.1
    losses = iter([0.6, 0.36, 0.216])
    assert train_with_estimate(lambda _: None, lambda: next(losses), 40, 1.0, 0.1)[0] == 40


def test_the_learned_estimate_waits_for_enough_curves_and_the_trend_decides_meanwhile():
    from neurograph.topology.budgets import MIN_CURVES, fit_estimate, train_with_estimate
    curve = [1.0, 0.9, 0.8, 0.7, 0.6]
    assert fit_estimate([curve] * (MIN_CURVES - 1)) is None
    assert fit_estimate([curve[:4]] * MIN_CURVES + [[1.0, 0.5, 0.0, 0.1, 0.1]]) is None
    losses = iter([0.9, 0.85, 0.84])  # the trend test's curve: stopped after one chunk
    assert train_with_estimate(lambda _: None, lambda: next(losses), 40, 1.0, 0.5)[0] == 10


def test_learned_early_stopping_gives_the_same_search_for_any_n_jobs_and_saves_epochs(
        monkeypatch):
    from neurograph.topology import budgets, evolution
    fitted = []

    def spy(curves):
        estimate = budgets.fit_estimate(curves)
        fitted.append(estimate is not None)
        return estimate

    monkeypatch.setattr(evolution, "fit_estimate", spy)
    X, Y = ng.datasets.xor()
    options = dict(population=10, generations=6, seed=3, start_hidden=3, max_edges=12,
                   start_depth=2, epochs=40, early_stop="learned")
    one = ng.evolve(X, Y, **options)
    assert fitted == [False, False, False, True, True, True]  # the estimate decides in 4 and 5
    two = ng.evolve(X, Y, n_jobs=2, **options)
    assert one.history == two.history
    # the first generation trains everyone in one go; the later ones stop some children
    assert one.history[0]["epochs"] == 10 * 40
    assert sum(h["epochs"] for h in one.history[1:]) < 8 * 40 * (len(one.history) - 1)


@pytest.mark.parametrize("value", ["yes", "Learned", 1, None])
def test_early_stop_takes_true_false_or_learned(value):
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match="True, False or 'learned'"):
        ng.evolve(X, Y, population=4, generations=1, early_stop=value)
