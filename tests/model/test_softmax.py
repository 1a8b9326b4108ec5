"""Softmax outputs and categorical cross-entropy (issue 12, item 1), on random non-layered DAGs.

The softmax outputs of a network form one group: a_k = e^{in_k} / Σ_m e^{in_m}. Their Δ uses
the whole Jacobian, Δ_k = a_k (∂ℓ/∂a_k − Σ_m a_m ∂ℓ/∂a_m), which for cross-entropy is
a_k Σ_m y_m − y_k (a_k − y_k for one-hot targets).
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import dags, snapshot

LOSSES = ("cross_entropy", "squared", "half_squared")


@st.composite
def softmax_dags(draw):
    """(net, x, y): a random DAG whose outputs that feed nothing are one softmax group."""
    net = draw(dags(max_processing=6))
    sinks = [k for k in net.outputs if not net.successors(k)]
    assume(len(sinks) >= 2)
    for k in sinks:
        net.neuron(k).activation = "softmax"
    x = draw(st.lists(st.floats(-2, 2), min_size=len(net.inputs), max_size=len(net.inputs)))
    y = draw(st.lists(st.floats(0, 1), min_size=len(net.outputs), max_size=len(net.outputs)))
    return net, x, y


# Found by Hypothesis: a tanh output at a_4 ≈ 6.1e-5 under cross-entropy (−y log a, y = 1):
# its loss curves like 1/a², and a central difference's error grows like ε² · 2/a³.
NEAR_THE_EDGE = ng.Network.from_document({
    "format": "neurograph", "version": 1,
    "neurons": [{"id": 0, "kind": "bias"}, {"id": 1, "kind": "input"}, {"id": 2, "kind": "input"},
                {"id": 3, "kind": "output", "activation": "softmax"},
                {"id": 4, "kind": "output", "activation": "tanh"},
                {"id": 5, "kind": "hidden", "activation": "logistic"},
                {"id": 6, "kind": "output", "activation": "softmax"},
                {"id": 7, "kind": "output", "activation": "softmax"}],
    "inputs": [1, 2], "outputs": [3, 4, 6, 7],
    "edges": [{"from": i, "to": j, "weight": w} for i, j, w in [
        (1, 3, 0.0), (1, 4, -6.103515625e-05), (1, 5, 0.0), (1, 6, 0.0), (1, 7, 0.0),
        (2, 3, 0.0), (4, 3, 0.0), (5, 3, 0.0)]]})


def hand_softmax(z):
    """The definition, written out: e^{z_k} / Σ_m e^{z_m} (fine for the small z used here)."""
    e = [math.exp(v) for v in z]
    return [v / sum(e) for v in e]


def test_a_softmax_layer_by_hand():
    net = ng.Network.from_weights({(1, 3): 1.0, (1, 4): 2.0, (1, 5): -1.0, (0, 5): 0.5},
                                  activation="softmax")
    out = net.forward([0.7])
    assert out.tolist() == pytest.approx(hand_softmax([0.7, 1.4, -0.2]), rel=1e-15)
    loss = net.backward([0, 1, 0], loss="cross_entropy")
    assert loss == pytest.approx(-math.log(out[1]), rel=1e-14)
    assert [net.neuron(k).delta for k in (3, 4, 5)] == pytest.approx(
        [out[0], out[1] - 1, out[2]], rel=1e-15)  # Δ_k = a_k − y_k
    assert net.classify([[0.7], [-3.0]]).tolist() == [1, 2]


def test_softmax_is_stable_at_plus_and_minus_1000():
    net = ng.Network.from_weights({(1, 2): 1000.0, (1, 3): -1000.0}, activation="softmax")
    assert net.forward([1.0]).tolist() == [1.0, 0.0]
    assert net.backward([0, 1], loss="cross_entropy") == 2000.0  # −log a_3, from in_3 exactly
    assert net.neuron(3).delta == -1.0 and net.neuron(2).delta == 1.0
    for engine in ("reference", "vectorized"):
        assert net.predict([[1.0]], engine=engine).tolist() == [[1.0, 0.0]]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(softmax_dags(), st.sampled_from(LOSSES))
@example((NEAR_THE_EDGE, [-1.0, 0.0], [0.0, 1.0, 0.0, 0.0]), "cross_entropy")
def test_backprop_through_softmax_matches_finite_differences(example, loss):
    net, x, y = example
    assume(all(n.activation.name not in ("relu", "leaky_relu") for n in net.neurons[1:]
               if n.activation))  # kinks: finite differences cannot follow them
    if loss == "cross_entropy":  # −y log a_k of an output that is not softmax curves like 1/a_k²:
        a = net.forward(x)       # within 10⁻³ of 0 the central difference's own error (ε²/a_k³)
        assume(not any(0 < a_k < 1e-3 and y_k and not net.neuron(k).activation.group
                       for k, a_k, y_k in zip(net.outputs, a, y)))  # passes 1e-5
    try:
        result = ng.gradcheck(net, x, y, loss=loss, eps=1e-6)
    except ng.NetworkError as refusal:  # log a_k of a non-softmax output at (or a step from)
        assert loss == "cross_entropy" and (  # a_k ≤ 0: outside the loss's domain
            "needs outputs a_k > 0" in str(refusal) or "not finite" in str(refusal))
        return
    assert result.allclose(rtol=1e-5, atol=1e-7), result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(softmax_dags(), st.sampled_from(LOSSES), st.integers(1, 3))
def test_both_engines_train_softmax_networks_to_the_same_weights(example, loss, batch_size):
    net, x, y = example
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, len(net.inputs)))
    Y = rng.random((6, len(net.outputs)))
    twin, start = net.copy(), dict(net.w)
    outcomes = []
    for network, engine in ((net, "reference"), (twin, "vectorized")):
        try:
            outcomes.append(network.fit(X, Y, lr=0.2, epochs=3, batch_size=batch_size,
                                        loss=loss, engine=engine))
        except ng.NetworkError:  # e.g. cross-entropy of a tanh output at a_k = 0
            assert dict(network.w) == start
            outcomes.append(None)
    h1, h2 = outcomes
    assert (h1 is None) == (h2 is None)
    if h1 is None:
        return
    for edge in net.w:
        assert twin.w[edge] == pytest.approx(net.w[edge], rel=1e-12, abs=1e-12)
    assert h2.loss == pytest.approx(h1.loss, rel=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(softmax_dags(), st.sampled_from(LOSSES))
def test_explain_shows_the_engines_own_numbers_through_softmax(example, loss):
    net, x, y = example
    before = snapshot(net)
    try:
        steps = net.explain(x, y, lr=0.5, loss=loss).values
    except ng.NetworkError as refusal:  # e.g. cross-entropy of a tanh output at a_k = 0
        net.forward(x)
        with pytest.raises(ng.NetworkError) as engine_refusal:
            net.backward(y, loss)
        assert str(engine_refusal.value) == str(refusal)
        return
    assert snapshot(net) == before
    net.forward(x)
    assert steps["ℓ"] == net.backward(y, loss)
    for neuron in net.neurons:
        if neuron.activation is not None:
            j = neuron.id
            assert steps[f"in_{j}"] == neuron.in_ and steps[f"a_{j}"] == neuron.a
            assert steps[f"Δ_{j}"] == neuron.delta


def test_explain_writes_the_softmax_and_its_delta():
    net = ng.Network.from_weights({(0, 3): 0.5, (1, 3): 1.0, (0, 4): -0.5, (1, 4): 0.5},
                                  activation="softmax")
    text = str(net.explain([1.0], y=[1, 0], loss="cross_entropy", digits=4))
    assert "a_3 = exp(in_3)/(exp(in_3) + exp(in_4)) = exp(1.5)/(exp(1.5) + exp(0)) = 0.8176" in text
    assert "Δ_3 = a_3 − y_1 = 0.8176 − 1 = −0.1824 (softmax with cross-entropy)" in text
    squared = str(net.explain([1.0], y=[1, 0], loss="squared", digits=4))
    assert "Δ_3 = a_3·(∂ℓ/∂a_3 − Σ_m a_m·∂ℓ/∂a_m)" in squared


@pytest.mark.parametrize("build, says", [
    (lambda: ng.Network.from_weights({(1, 2): 1.0, (2, 3): 1.0}, activations={2: "softmax"}),
     "neuron 2 is a hidden neuron: softmax is for output neurons only"),
    (lambda: ng.Network.from_weights({(1, 2): 1.0, (2, 3): 1.0}, activations={2: "softmax"},
                                     outputs=[2, 3]),
     "output neuron 2 feeds other neurons: a softmax output cannot"),
    (lambda: ng.Network().add_neuron(1, activation="softmax"),
     "neuron 1 is a hidden neuron: softmax is for output neurons only"),
])
def test_softmax_where_it_cannot_be_is_refused(build, says):
    with pytest.raises(ng.NetworkError, match=says):
        build()


def test_edits_that_would_break_the_softmax_rule_leave_the_network_as_it_was():
    net = ng.Network.layered([2, 2, 3], output_activation="softmax", seed=0)
    net.add_neuron(9, kind="output", activation="identity")
    before = snapshot(net)
    for edit, says in [(lambda: net.connect(6, 9, 1.0), "feeds other neurons"),
                       (lambda: net.set_kind(6, "hidden"), "softmax is for output neurons only"),
                       (lambda: setattr(net.neuron(3), "activation", "softmax"),
                        "softmax is for output neurons only")]:
        with pytest.raises(ng.NetworkError, match=says):
            edit()
        assert snapshot(net) == before


def test_softmax_networks_save_and_load_back_equal(tmp_path):
    net = ng.Network.layered([4, 3, 3], output_activation="softmax", seed=3)
    for name in ("s.json", "s.txt"):
        net.save(tmp_path / name)
        back = ng.load(tmp_path / name)
        assert back.to_document() == net.to_document()
        assert back.forward([1, 2, 3, 4]).tolist() == net.forward([1, 2, 3, 4]).tolist()


def test_cross_entropy_is_no_longer_the_binary_log_loss():
    net = ng.Network.from_weights({(1, 2): 1.0})  # one logistic output
    net.forward([0.3])
    a = net.neuron(2).a
    assert net.backward([1], loss="log") == pytest.approx(-math.log(a))
    assert net.backward([0], loss="log") == pytest.approx(-math.log(1 - a))
    assert net.backward([0], loss="cross_entropy") == 0.0  # −Σ y_k log a_k
    with pytest.raises(ng.NetworkError, match="targets y_k ≥ 0"):
        net.backward([-1], loss="cross_entropy")


def test_digits_with_softmax_and_cross_entropy_learn():
    X, labels, X_test, test_labels = ng.datasets.digits(seed=0)
    Y = ng.one_hot(labels, 10)
    net = ng.Network.layered([64, 30, 10], activation="relu", output_activation="softmax",
                             init="glorot", seed=0)
    history = net.fit(X, Y, lr=0.1, epochs=8, batch_size=10, loss="cross_entropy", seed=0)
    assert history.loss[-1] < history.loss[0]
    assert np.mean(net.classify(X_test) == test_labels) > 0.9


def test_the_softmax_group_is_drawn_as_one():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    net = ng.Network.layered([2, 3, 3], output_activation="softmax", seed=0)
    ax = ng.plot_network(net)
    try:
        box = [p for p in ax.patches if p.get_gid() == "group:softmax"]
        label = [t for t in ax.texts if t.get_gid() == "group-label:softmax"]
        assert len(box) == 1 and label[0].get_text() == "softmax"
        where = ng.network_layout(net)
        x0, y0 = box[0].get_x(), box[0].get_y()
        x1, y1 = x0 + box[0].get_width(), y0 + box[0].get_height()
        inside = {j for j, (x, y) in where.items() if x0 < x < x1 and y0 < y < y1}
        assert inside == set(net.outputs)  # the group, and nothing else
        plain = ng.plot_network(ng.Network.layered([2, 3, 3], seed=0))
        assert not [p for p in plain.patches if str(p.get_gid()).startswith("group:")]
    finally:
        plt.close("all")
