"""The batch engine gives the reference engine's numbers, on random non-layered DAGs."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import batch as vectorized
from neurograph.training import loop as training
import support
from support import assert_stored, dags, deep_dags, lecture_network, snapshot, stored

RTOL = 1e-12  # api.md: "both engines give the same numbers (to 1e-12)"
LAYOUTS = pytest.mark.parametrize("layout", support.LAYOUTS)


def data_for(net, draw, n):
    X = np.array(draw(st.lists(st.lists(st.floats(-2, 2), min_size=len(net.inputs),
                                        max_size=len(net.inputs)), min_size=n, max_size=n)))
    Y = np.array(draw(st.lists(st.lists(st.floats(0, 1), min_size=len(net.outputs),
                                        max_size=len(net.outputs)), min_size=n, max_size=n)))
    return X, Y


def agree(a, b):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-12)


@LAYOUTS
@settings(max_examples=60, deadline=None)
@given(net=dags(output_activations=["logistic"]), data=st.data())
def test_training_agrees_with_the_reference_engine(layout, net, data):
    """Several epochs of shuffled mini-batches with weight decay: weights, history, predictions."""
    with stored(layout):
        check_training(net, data)


def check_training(net, data):
    X, Y = data_for(net, data.draw, data.draw(st.integers(2, 9)))
    options = dict(lr=0.2, epochs=3, batch_size=data.draw(st.integers(1, 4)),
                   loss=data.draw(st.sampled_from(["squared", "half_squared", "log"])),
                   weight_decay=0.01, decay_bias=data.draw(st.booleans()),
                   dropout=data.draw(st.sampled_from([0.0, 0.25])), seed=7, validation=(X, Y))
    if data.draw(st.booleans()):
        net.freeze(*sorted(net.w)[-1])
    twin = net.copy()
    reference = net.fit(X, Y, engine="reference", **options)
    batch = twin.fit(X, Y, engine="vectorized", **options)
    agree(list(twin.w.values()), list(net.w.values()))
    agree(batch.loss, reference.loss)
    agree(batch.val_loss, reference.val_loss)
    agree(twin.predict(X, engine="vectorized"), net.predict(X, engine="reference"))
    assert twin.frozen == net.frozen


@LAYOUTS
@settings(max_examples=60, deadline=None)
@given(net=dags(), data=st.data())
def test_forward_and_backward_agree_for_every_activation(layout, net, data):
    with stored(layout):
        engine = vectorized.compile_batch(net)
        assert_stored(engine, layout)
    check_passes(net, engine, *data_for(net, data.draw, 5), "squared")


def check_passes(net, engine, X, Y, loss):
    """Every in_j, a_j and Δ_j of the batch engine's passes against the reference engine's."""
    P = engine.forward(X)
    IN, A = P
    D = engine.backward(P, Y, ng.get_loss(loss))
    for row, (x, y) in enumerate(zip(X, Y)):
        net.forward(x)
        net.backward(y, loss=loss)
        for n in net.neurons:
            if n.is_processing:
                block, column = engine.place[n.id]
                agree(IN[block][row, column], n.in_)
                agree(A[block][row, column], n.a)
                agree(D[block][row, column], n.delta)


def test_a_forward_pass_after_vectorized_training_fills_every_neuron():
    net = ng.Network.layered([3, 4, 2], seed=0)
    X = np.random.default_rng(0).uniform(size=(20, 3))
    net.fit(X, X[:, :2], epochs=2, batch_size=5, engine="vectorized")
    out = net.forward(X[0])
    assert not np.isnan([n.a for n in net.neurons]).any()
    net.backward(X[0, :2])
    assert not np.isnan([n.delta for n in net.neurons if n.is_processing]).any()
    agree(out, net.predict(X[:1], engine="vectorized")[0])


def test_changes_to_weights_and_structure_are_seen():
    net = lecture_network()
    X = np.array([[3.0, 4.0]] * 3)
    first = net.predict(X, engine="vectorized")
    net.w[3, 5] = 0.0
    changed = net.predict(X, engine="vectorized")
    assert changed[0, 0] != first[0, 0]
    agree(changed, net.predict(X, engine="reference"))
    net.add_neuron(6, activation="tanh")
    net.connect(1, 6, 0.5)
    net.connect(6, 5, 2.0)
    agree(net.predict(X, engine="vectorized"), net.predict(X, engine="reference"))
    net.neuron(5).activation = "identity"  # not a structural change, but the engine must see it
    agree(net.predict(X, engine="vectorized"), net.predict(X, engine="reference"))
    assert net.predict(X, engine="vectorized")[0, 0] > 1  # identity, no longer σ


def test_divergence_and_refusals_behave_as_in_the_reference_engine():
    X2 = np.linspace(-3, 3, 20)[:, None]
    results = []
    for engine in ("reference", "vectorized"):
        net = ng.Network.layered([1, 3, 1], activation="identity", seed=1)
        with pytest.raises(ng.NetworkError, match=r"diverged in epoch (\d+)") as info:
            net.fit(X2, 5 * X2, lr=0.03, epochs=500, engine=engine)
        results.append((str(info.value), dict(net.w)))
    assert results[0][0] == results[1][0]
    # the weights just before divergence lie on an exploding trajectory, which amplifies the
    # engines' last-bit differences epoch by epoch: equal to 1e-9 here (seen: 3e-12)
    np.testing.assert_allclose(list(results[0][1].values()), list(results[1][1].values()),
                               rtol=1e-9)
    net = lecture_network()
    net.forward([3, 4])
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=r"targets y_k in \[0, 1\]"):
        net.fit([[3, 4]] * 8, [[2.0]] * 8, loss="log", batch_size=4, engine="vectorized")
    assert snapshot(net) == before


def test_auto_picks_the_batch_engine_for_large_batches():
    small, large = lecture_network().plan(), ng.Network.layered([64, 30, 10]).plan()
    # measured: batch size × edges ≈ 300 is where the engines cost about the same
    assert training.choose_engine("auto", small, 1) == "reference"  # the lecture's SGD
    assert training.choose_engine("auto", small, 64) == "vectorized"
    assert training.choose_engine("auto", large, 1) == "vectorized"
    assert training.choose_engine("reference", large, 1000) == "reference"
    with pytest.raises(ng.NetworkError, match="unknown engine 'gpu'"):
        lecture_network().predict([[3, 4]], engine="gpu")


@LAYOUTS
@settings(max_examples=15, deadline=None)
@given(net=deep_dags(), data=st.data())
def test_the_engines_agree_on_deep_dags(layout, net, data):
    """Depth ≥ 50: every in_j, a_j and Δ_j of a batch, and then a few epochs of training."""
    with stored(layout):
        engine = vectorized.compile_batch(net)
        assert len(engine.generations) >= 50
        assert_stored(engine, layout)
        check_passes(net, engine, *data_for(net, data.draw, 4), "half_squared")
        check_training(net, data)


@pytest.mark.parametrize("output", ["logistic", "softmax"])
def test_the_plain_layer_path_trains_as_the_reference_engine(output):
    """The lectures' layered network takes one fused pass per batch: the same numbers."""
    net = ng.Network.layered([4, 5, 3, 3], activation="tanh", output_activation=output, seed=1)
    net.freeze(5, 10)
    assert vectorized.compile_batch(net).plain_layers
    rng = np.random.default_rng(0)
    X = rng.normal(size=(13, 4))
    Y = np.eye(3)[rng.integers(0, 3, 13)]
    loss = "cross_entropy" if output == "softmax" else "log"
    options = dict(lr=0.3, epochs=4, batch_size=4, loss=loss, weight_decay=0.01, seed=2,
                   decay_bias=False)
    twin = net.copy()
    reference = net.fit(X, Y, engine="reference", **options)
    batch = twin.fit(X, Y, engine="vectorized", **options)
    agree(list(twin.w.values()), list(net.w.values()))
    agree(batch.loss, reference.loss)
    assert twin.w[5, 10] == net.w[5, 10]
    skip = net.copy()
    skip.connect(1, 14, 0.2)  # a skip edge: no longer plain layers
    assert not vectorized.compile_batch(skip).plain_layers


def test_a_deep_copy_trains_as_the_original():
    """copy.deepcopy leaves the compiled engine behind (its arrays are views of each other):
    the copy compiles its own and trains to the same weights."""
    net = ng.Network.from_weights(
        {**{(i, j): 0.1 * ((i * 7 + j) % 5 - 2) for j in range(4, 40) for i in range(1, j)},
         **{(0, j): 0.05 for j in range(4, 40)}}, activation="tanh", inputs=[1, 2, 3])
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, (32, 3)), rng.uniform(-1, 1, (32, len(net.outputs)))
    net.predict(X, engine="vectorized")
    assert any(gen.csr for gen in net.cache["batch"].generations)
    twin, plain = copy.deepcopy(net), net.copy()
    assert twin.cache == {}
    for model in (twin, plain):
        model.fit(X, Y, lr=0.1, epochs=2, batch_size=8, engine="vectorized", seed=0)
    assert twin.w == plain.w
