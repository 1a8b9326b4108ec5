"""The torch engine's packed path (engines/tensor_blocks.py, training/tensor_runner.py): the
reference engine's numbers to 1e-12, and a SlowPathWarning wherever fit cannot take it."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines.tensor_blocks import TorchBlocks, activate, delta_of, unpacked_reason
from support import dags, deep_dags

checked = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
LOSSES = ["squared", "half_squared", "log", "cross_entropy"]


def agree(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@st.composite
def packable(draw, rows=(1, 6)):
    """(net, X, Y, loss): a random non-layered DAG (skip edges, outputs that feed other
    neurons, mixed activations) with some edges tied and some frozen, a loss its outputs
    suit, and a batch."""
    loss = draw(st.sampled_from(LOSSES))
    net = draw(dags(output_activations=["logistic"] if loss in ("log", "cross_entropy")
                    else ["logistic", "tanh", "identity", "sin", "softplus"]))
    edges = draw(st.permutations(sorted(net.w)))
    tied = draw(st.integers(0, min(3, len(edges))))
    if tied >= 2:
        net.tie(edges[:tied])
    for i, j in edges[tied:tied + draw(st.integers(0, 2))]:
        if len(net.theta()) > 1:
            net.freeze(i, j)
    n = draw(st.integers(*rows))
    X = np.array([[draw(st.floats(-2, 2)) for _ in net.inputs] for _ in range(n)])
    Y = np.array([[draw(st.floats(0, 1)) for _ in net.outputs] for _ in range(n)])
    return net, X, Y, loss


@checked
@given(case=packable())
@example(case=(ng.Network.from_weights({(1, 2): 0.5, (2, 3): -1.0, (1, 3): 0.3},
                                       activations={2: "relu", 3: "logistic"}),
               np.zeros((2, 1)), np.array([[1.0], [0.0]]), "log"))  # in_j = 0: relu's kink
@example(case=(ng.Network.from_weights({(0, 3): 0.5, (1, 3): 0.2, (0, 4): -0.3, (3, 5): 0.7,
                                        (4, 5): 0.1, (2, 5): 0.4},
                                       activations={3: "tanh", 4: "logistic"}),
               np.array([[0.5, -1.0], [1.0, 2.0]]), np.array([[0.2], [0.9]]),
               "squared"))  # neuron 4 has the bias edge alone: a block of no columns
def test_the_blocks_give_the_reference_engines_outputs_J_and_gradient(case):
    net, X, Y, loss = case
    plan = net.plan()
    assert unpacked_reason(plan, ng.get_loss(loss)) is None
    blocks = TorchBlocks(plan, ng.get_loss(loss), torch, torch.float64, torch.device("cpu"))
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    A, IN = blocks.forward(Xt)
    outputs = blocks.outputs(A).numpy()
    J, grad = float(blocks.cost(A, IN, Yt)), blocks.gradient(Xt, A, IN, Yt).numpy()
    agree(outputs, net.predict(X, engine="reference"))
    J_reference, grad_reference = net.cost_and_grad(net.theta(), X, Y, loss=loss,
                                                    engine="reference")
    agree(J, J_reference)
    agree(grad, grad_reference)


@checked
@given(net=dags(output_activations=["logistic"]), data=st.data())
def test_a_softmax_group_at_one_depth_is_packed_and_any_other_says_why(net, data):
    feeding = {i for i, _ in net.w}
    assume(not feeding & set(net.outputs))  # (a softmax output feeds no other neuron)
    for k in net.outputs:
        net.neuron(k).activation = "softmax"
    n = data.draw(st.integers(1, 5))
    X = np.array([[data.draw(st.floats(-2, 2)) for _ in net.inputs] for _ in range(n)])
    Y = np.array([[data.draw(st.floats(0, 1)) for _ in net.outputs] for _ in range(n)])
    reason = unpacked_reason(net.plan(), ng.get_loss("cross_entropy"))
    options = dict(lr=0.2, epochs=2, batch_size=2, loss="cross_entropy", seed=1)
    twin = net.copy()
    reference = net.fit(X, Y, engine="reference", **options)
    if reason is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ng.SlowPathWarning)
            packed = twin.fit(X, Y, engine="torch", **options)
    else:
        assert "softmax group" in reason
        with pytest.warns(ng.SlowPathWarning, match="softmax group"):
            packed = twin.fit(X, Y, engine="torch", **options)
    agree(twin.theta(), net.theta())
    agree(packed.loss, reference.loss)


@checked
@given(case=packable(rows=(2, 7)), data=st.data())
def test_fit_on_the_packed_path_trains_as_the_reference_engine(case, data):
    net, X, Y, loss = case
    options = dict(lr=0.2, epochs=3, batch_size=data.draw(st.integers(1, 4)), loss=loss,
                   weight_decay=data.draw(st.sampled_from([0.0, 0.01])),
                   decay_bias=data.draw(st.booleans()), seed=3,
                   optimizer=data.draw(st.sampled_from(["sgd", "momentum", "adam"])),
                   validation=(X, Y))
    twin = net.copy()
    reference = net.fit(X, Y, engine="reference", **options)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ng.SlowPathWarning)  # packed: nothing to warn
        packed = twin.fit(X, Y, engine="torch", device="cpu", **options)
    agree(twin.theta(), net.theta())
    assert twin.frozen == net.frozen
    agree(packed.loss, reference.loss)
    agree(packed.val_loss, reference.val_loss)


def test_a_full_batch_optimizer_reads_j_and_its_gradient_from_the_blocks():
    net = ng.Network.from_weights({(1, 3): 0.4, (2, 3): -0.6, (0, 3): 0.1, (3, 4): 0.8,
                                   (1, 4): 0.2, (0, 4): -0.3}, activations={3: "tanh"})
    X, Y = ng.datasets.xor()
    twin = net.copy()
    reference = net.fit(X, Y, optimizer="lbfgs", epochs=20, engine="reference")
    packed = twin.fit(X, Y, optimizer="lbfgs", epochs=20, engine="torch")
    agree(twin.theta(), net.theta())
    agree(packed.loss, reference.loss)


def unpackable():
    """(network, loss, what the warning must name) for each part the blocks leave to autograd."""
    normed = ng.Network.layered([2, 3, 1], seed=0)
    normed.add_batch_norm(3)
    maxed = ng.Network.layered([2, 3, 1], seed=0)
    maxed.set_aggregation(4, "max")
    group = ng.Network.from_weights({(1, 3): 0.5, (2, 4): -0.5, (4, 5): 0.3},
                                    activations={3: "softmax", 5: "softmax"})  # 2 depths
    custom = ng.Loss("mine", ng.get_loss("squared").value, ng.get_loss("squared").delta)
    sparse = ng.Network.from_weights({(i, 100 + i): 0.1 for i in range(1, 101)})  # 100 × 1
    return [(normed, "squared", "neuron 3 has a batch norm"),
            (sparse, "squared", "dense blocks would hold 10,100 entries for 100 edges"),
            (maxed, "squared", "neuron 4 has the max aggregation"),
            (group, "cross_entropy", "softmax group is spread over 2 depths"),
            (ng.Network.layered([2, 2, 1], seed=0), custom, "the loss 'mine' has no array")]


@pytest.mark.parametrize("net, loss, reason", unpackable())
def test_what_cannot_be_packed_trains_through_autograd_and_says_why(net, loss, reason):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(3, len(net.inputs)))
    Y = np.eye(2)[[0, 1, 0]] if len(net.outputs) == 2 else rng.uniform(size=(3, len(net.outputs)))
    twin = net.copy()
    if isinstance(loss, ng.Loss):  # a user-made loss has no array form for autograd either
        with pytest.warns(ng.SlowPathWarning, match=reason), \
                pytest.raises(ng.NetworkError, match="array form"):
            twin.fit(X, Y, lr=0.1, epochs=2, batch_size=2, loss=loss, engine="torch", seed=0)
        return
    reference = net.fit(X, Y, lr=0.1, epochs=2, batch_size=2, loss=loss, seed=0,
                        engine="reference")
    with pytest.warns(ng.SlowPathWarning, match=reason):
        slow = twin.fit(X, Y, lr=0.1, epochs=2, batch_size=2, loss=loss, engine="torch",
                        seed=0)
    agree(twin.theta(), net.theta())
    agree(slow.loss, reference.loss)


def test_each_activations_torch_kernels_are_its_array_forms():
    """activate and delta_of (PyTorch's own kernels where named) against g_xp and dg_xp."""
    z = torch.linspace(-4, 4, 17, dtype=torch.float64)
    for g in ng.ACTIVATIONS.values():
        if g.group or not g.on_any_array:
            continue
        a = activate(g, z, torch.empty_like(z), torch)
        agree(a.numpy(), g.g_xp(z, torch).numpy())
        d_a = torch.linspace(-1, 1, 17, dtype=torch.float64)
        agree(delta_of(g, d_a, a, z, torch).numpy(), (d_a * g.dg_xp(a, z, torch)).numpy())


def test_torch_kernels_must_name_two_functions():
    with pytest.raises(ng.NetworkError, match="torch_kernels must be two names"):
        ng.Activation("mine", g=lambda z: z, dg=lambda z: 1.0, torch_kernels=("tanh",))


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(net=deep_dags(), data=st.data())
def test_deep_dags_too(net, data):
    """50 to 80 depths, each with its own block."""
    X = np.array([[data.draw(st.floats(-2, 2)) for _ in net.inputs] for _ in range(3)])
    Y = np.array([[data.draw(st.floats(0, 1)) for _ in net.outputs] for _ in range(3)])
    plan, loss = net.plan(), ng.get_loss("half_squared")
    assert unpacked_reason(plan, loss) is None
    blocks = TorchBlocks(plan, loss, torch, torch.float64, torch.device("cpu"))
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    A, IN = blocks.forward(Xt)
    agree(blocks.gradient(Xt, A, IN, Yt).numpy(),
          net.cost_and_grad(net.theta(), X, Y, loss="half_squared", engine="reference")[1])


def test_a_divergence_and_a_refusal_leave_the_weights_as_the_reference_engine_does():
    net = ng.Network.layered([2, 3, 1], activation="tanh", output_activation="identity", seed=0)
    X, Y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([[1e60], [-1e60]])
    twin = net.copy()
    with pytest.raises(ng.DivergedError) as reference:
        net.fit(X, Y, lr=1e50, epochs=3, batch_size=1, engine="reference", seed=0)
    with pytest.raises(ng.DivergedError) as packed:
        twin.fit(X, Y, lr=1e50, epochs=3, batch_size=1, engine="torch", seed=0)
    agree(twin.theta(), net.theta())
    assert len(packed.value.history.loss) == len(reference.value.history.loss)
    fresh = ng.Network.layered([2, 3, 1], output_activation="identity", seed=0)
    fresh.w[0, 6] = 5.0  # a_k well above 1, where the log loss is not defined
    before = fresh.theta()
    with pytest.raises(ng.NetworkError, match="log loss needs outputs 0 < a_k < 1"):
        fresh.fit(X, np.array([[0.0], [1.0]]), lr=0.1, epochs=2, loss="log", engine="torch")
    np.testing.assert_array_equal(fresh.theta(), before)
