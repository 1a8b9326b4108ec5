"""The unrolled per-example step equals the reference engine's three passes, bit for bit.

``sgd_step`` and ``fit(batch_size=1)`` run the step written out for the network
(:mod:`neurograph.engines.unrolled`); here a twin network runs ``forward_propagate``,
``back_propagate`` and ``gradient_step`` on the same examples, and every weight, every
neuron's in_j, a_j and Δ_j, every ℓ and every refusal must be the same.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import reference
from neurograph.engines.unrolled import MOST_EDGES, unrolled_step
from neurograph.errors import DivergedError, NetworkError
from support import WITH_STEPS, dags

LOSSES = ("squared", "half_squared", "log", "cross_entropy")


def reference_step(net, x, y, lr, weight_decay, decay_bias, loss):
    """The reference engine's step, as sgd_step ran it before the unrolled one."""
    plan, loss = net.plan(), ng.get_loss(loss)
    saved = net.values()
    reference.forward_propagate(plan, x)
    try:
        value = reference.back_propagate(plan, y, loss)
    except NetworkError:
        net.restore_values(saved)
        raise
    reference.gradient_step(plan, lr, weight_decay, decay_bias)
    return value


def state(net):
    """θ (every slot, frozen ones too) and each neuron's in_j, a_j, Δ_j, as exact text."""
    store = net.plan().store
    neurons = [(n.id, n.in_, n.a, n.delta) for n in net.neurons]
    return repr((store.array().tolist(), neurons))


def outcome(run):
    try:
        return "ok", run()
    except (NetworkError, DivergedError) as error:
        return type(error).__name__, str(error)


@st.composite
def training_cases(draw):
    net = draw(dags(hidden_activations=WITH_STEPS, output_activations=WITH_STEPS))
    edges = list(net.w)
    if len(edges) >= 3 and draw(st.booleans()):
        net.tie(draw(st.permutations(edges))[:draw(st.integers(2, 3))])
    if draw(st.booleans()):
        net.freeze(*draw(st.sampled_from(edges)))
    examples = [(draw(st.lists(st.floats(-2, 2), min_size=len(net.inputs),
                               max_size=len(net.inputs))),
                 draw(st.lists(st.floats(0, 1), min_size=len(net.outputs),
                               max_size=len(net.outputs))))
                for _ in range(draw(st.integers(1, 4)))]
    lr = draw(st.sampled_from([0.1, 0.5, 3.0, 1e99]))
    return (net, examples, lr, draw(st.sampled_from([0.0, 0.01, 0.3])), draw(st.booleans()),
            draw(st.sampled_from(LOSSES)))


@settings(max_examples=150, deadline=None)
@given(training_cases())
def test_the_unrolled_step_is_the_reference_step_bit_for_bit(case):
    net, examples, lr, weight_decay, decay_bias, loss = case
    twin = net.copy()
    assert unrolled_step(net.plan()) is not None
    for x, y in examples:
        unrolled = outcome(lambda: net.sgd_step(x, y, lr, loss, weight_decay, decay_bias))
        by_reference = outcome(lambda: reference_step(twin, x, y, lr, weight_decay,
                                                      decay_bias, loss))
        assert unrolled == by_reference
        assert state(net) == state(twin)


def test_a_refused_step_leaves_the_weights_and_says_which_weight_it_would_break():
    net = ng.Network.from_weights({(0, 2): 1.0, (1, 2): 2.0}, activation="identity")
    before = dict(net.w)
    with pytest.raises(DivergedError, match=r"w_0,2 = .*beyond ±1e\+100"):
        net.sgd_step([1.0], [-1e60], lr=1e60)
    assert dict(net.w) == before
    assert net.neuron(2).a == 3.0  # the neurons hold the example's pass, as documented


def test_a_loss_that_refuses_the_outputs_changes_nothing():
    net = ng.Network.from_weights({(0, 2): 0.0, (1, 2): 4.0}, activation="identity")
    net.forward([0.5])
    before = state(net)
    with pytest.raises(NetworkError, match="log loss"):
        net.sgd_step([0.25], [0.5], lr=0.1, loss="log")  # a = 1: the log loss needs a < 1
    assert state(net) == before


def test_changes_between_steps_are_seen():
    """A weight set by hand, an edge added, an activation changed: the next step uses them."""
    net, twin = ng.Network.layered([2, 2, 1], seed=4), None
    twin = net.copy()
    for edit in (lambda n: n.w.__setitem__((0, 3), 0.75),
                 lambda n: n.connect(1, 5, 0.3),
                 lambda n: setattr(n.neuron(4), "activation", "tanh")):
        edit(net)
        edit(twin)
        assert net.sgd_step([0.2, 0.9], [1.0], lr=0.4) == reference_step(
            twin, [0.2, 0.9], [1.0], 0.4, 0.0, True, "squared")
        assert state(net) == state(twin)


def test_fit_with_single_examples_is_the_reference_loop():
    X, Y = [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]
    net = ng.Network.layered([2, 2, 1], seed=1)
    twin = net.copy()
    net.fit(X, Y, epochs=30, lr=0.5, batch_size=1, shuffle=False, weight_decay=0.001)
    for _ in range(30):
        for x, y in zip(X, Y):
            reference_step(twin, [float(v) for v in x], [float(v) for v in y], 0.5, 0.001,
                           True, "squared")
    assert net.theta().tolist() == twin.theta().tolist()


def test_what_it_does_not_unroll():
    """Batch norm, softmax groups, max/product neurons and very large plans take the loop."""
    softmax = ng.Network.layered([2, 3], seed=0, output_activation="softmax")
    gated = ng.Network.layered([2, 2, 1], seed=0)
    gated.set_aggregation(4, "max")
    normed = ng.Network.layered([2, 3, 1], seed=0)
    normed.add_batch_norm(3)
    width = math.isqrt(MOST_EDGES) + 1
    big = ng.Network.layered([width, width], seed=0)
    for net in (softmax, gated, normed, big):
        assert unrolled_step(net.plan()) is None
    assert unrolled_step(ng.Network.layered([width - 3, width - 3]).plan()) is not None
