"""The torch engine: a network as a torch.nn.Module, equal to the reference engine to 1e-12
in float64 on random DAGs (Hypothesis), trained by fit(engine="torch"), and under
DistributedDataParallel with two processes."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import batch_norms_are_conditioned, dags, deep_dags, rich_dags_with_batch

checked = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def agree(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def batch_for(net, data, rows=(2, 5)):
    n = data.draw(st.integers(*rows))
    X = np.array([[data.draw(st.floats(-2, 2)) for _ in net.inputs] for _ in range(n)])
    Y = np.array([[data.draw(st.floats(0, 1)) for _ in net.outputs] for _ in range(n)])
    return X, Y


def module_gradient(net, X, Y, loss):
    """J and ∂J/∂θ by autograd: training mode (batch statistics), running averages kept."""
    from neurograph.engines.tensor import torch_loss
    module = net.to_torch()
    module.update_statistics = False
    J = torch_loss(torch, ng.get_loss(loss), module(torch.tensor(X)), torch.tensor(Y), module)
    J.backward()
    return float(J.detach()), module.theta.grad.numpy()


@checked
@given(example=rich_dags_with_batch(), loss=st.sampled_from(["squared", "half_squared", "log"]),
       frozen=st.booleans())
def test_the_module_computes_the_networks_function_and_gradient(example, loss, frozen):
    """Max and product neurons, batch norm, tied and frozen edges, every smooth activation."""
    net, X, Y = example
    X, Y = np.array(X), np.array(Y)
    if loss == "log":
        for k in net.outputs:
            net.neuron(k).activation = "logistic"
    if frozen:
        net.freeze(*sorted(net.w)[0])
    module = net.to_torch().eval()
    agree(module(torch.tensor(X)).detach().numpy(), net.predict(X, engine="reference"))
    # a normalized neuron constant over the batch multiplies last-bit differences by
    # 1/√ε ≈ 316 per norm (found: two chained norms of a constant tanh, a 1.8e-12 gap)
    assume(batch_norms_are_conditioned(net, X))
    J, grad = net.cost_and_grad(net.theta(), X, Y, loss=loss)
    J_torch, grad_torch = module_gradient(net, X, Y, loss)
    agree(J_torch, J)
    agree(grad_torch, grad)


@checked
@given(net=dags(), data=st.data())
def test_every_activation_and_kink_as_the_lectures_take_it(net, data):
    """relu, leaky ReLU and the threshold at in = 0 too: g′ is the lecture's, not autograd's."""
    X, Y = batch_for(net, data)
    X[0] = 0.0  # in_j = 0 is common here: bias edges start at 0
    agree(net.to_torch().eval()(torch.tensor(X)).detach().numpy(),
          net.predict(X, engine="reference"))
    J, grad = net.cost_and_grad(net.theta(), X, Y, loss="squared")
    agree(module_gradient(net, X, Y, "squared")[1], grad)


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(net=deep_dags(), data=st.data())
def test_deep_dags_too(net, data):
    X, Y = batch_for(net, data)
    agree(net.to_torch().eval()(torch.tensor(X)).detach().numpy(),
          net.predict(X, engine="reference"))
    agree(module_gradient(net, X, Y, "half_squared")[1],
          net.cost_and_grad(net.theta(), X, Y, loss="half_squared")[1])


def test_softmax_and_cross_entropy():
    net = ng.Network.layered([3, 4, 3], output_activation="softmax", seed=2)
    net.connect(1, 9, -0.4)  # a skip edge into the group
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 3)), np.eye(3)[[0, 2, 1, 1, 0, 2]]
    agree(net.to_torch()(torch.tensor(X)).detach().numpy(), net.predict(X, engine="reference"))
    J, grad = net.cost_and_grad(net.theta(), X, Y, loss="cross_entropy")
    J_torch, grad_torch = module_gradient(net, X, Y, "cross_entropy")
    agree(J_torch, J)
    agree(grad_torch, grad)


@checked
@given(net=dags(output_activations=["logistic"]), data=st.data(),
       optimizer=st.sampled_from(["sgd", "momentum", "adam"]))
def test_fit_on_tensors_trains_as_the_reference_engine(net, data, optimizer):
    X, Y = batch_for(net, data, rows=(2, 7))
    options = dict(lr=0.2, epochs=3, batch_size=data.draw(st.integers(1, 3)),
                   loss=data.draw(st.sampled_from(["squared", "log"])), weight_decay=0.01,
                   decay_bias=data.draw(st.booleans()), seed=3, optimizer=optimizer,
                   validation=(X, Y))
    twin = net.copy()
    reference = net.fit(X, Y, engine="reference", **options)
    tensors = twin.fit(X, Y, engine="torch", device="cpu", **options)
    agree(list(twin.w.values()), list(net.w.values()))
    agree(tensors.loss, reference.loss)
    agree(tensors.val_loss, reference.val_loss)


def test_batch_norm_trains_alike_and_its_running_averages_come_back():
    net = ng.Network.layered([2, 3, 1], activation="tanh", seed=1)
    net.add_batch_norm(3, gamma=1.2, beta=0.1)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(8, 2)), rng.uniform(size=(8, 1))
    twin = net.copy()
    net.fit(X, Y, lr=0.1, epochs=4, batch_size=4, engine="reference", seed=0)
    with pytest.warns(ng.SlowPathWarning, match="neuron 3 has a batch norm"):
        twin.fit(X, Y, lr=0.1, epochs=4, batch_size=4, engine="torch", seed=0)
    agree(list(twin.w.values()), list(net.w.values()))
    a, b = net.neuron(3).norm, twin.neuron(3).norm
    agree([b.gamma, b.beta, b.running_mean, b.running_var],
          [a.gamma, a.beta, a.running_mean, a.running_var])


def test_to_torch_and_load_torch_round_trip():
    net = ng.Network.layered([2, 3, 1], seed=0)
    net.tie([(1, 3), (2, 4)])
    net.freeze(3, 6)
    module = net.to_torch()
    X = torch.tensor(np.random.default_rng(2).normal(size=(16, 2)))
    Y = torch.rand((16, 1), dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    optimizer = torch.optim.SGD(module.parameters(), lr=0.5)
    for _ in range(20):  # plain PyTorch training
        optimizer.zero_grad()
        ((module(X) - Y) ** 2).sum(dim=1).mean().backward()
        optimizer.step()
    frozen_before = net.w[3, 6]
    net.load_torch(module)
    agree(net.predict(X.numpy(), engine="reference"), module(X).detach().numpy())
    assert net.w[3, 6] == frozen_before and net.w[1, 3] == net.w[2, 4]
    other = ng.Network.layered([2, 4, 1], seed=0)
    before = list(other.w.values())
    with pytest.raises(ng.NetworkError, match="another structure"):
        other.load_torch(module)
    assert list(other.w.values()) == before
    with pytest.raises(ng.NetworkError, match="made by net.to_torch"):
        other.load_torch(torch.nn.Linear(2, 1))


def test_refusals():
    cube = ng.Activation("cube", g=lambda z: z ** 3, dg=lambda z: 3 * z ** 2)
    net = ng.Network.from_weights({(1, 2): 0.5}, activation=cube)
    with pytest.raises(ng.NetworkError, match="user-made"):
        net.to_torch()
    net = ng.Network.layered([2, 2, 1], seed=0)
    X, Y = ng.datasets.xor()
    before = list(net.w.values())
    for kwargs, words in [({"dropout": 0.2}, "dropout"), ({"device": "nowhere"}, "nowhere"),
                          ({"engine": "vectorized", "device": "cpu"}, "engine='torch'")]:
        with pytest.raises(ng.NetworkError, match=words):
            net.fit(X, Y, epochs=1, **{"engine": "torch", **kwargs})
        assert list(net.w.values()) == before
    linear = ng.Network.from_weights({(1, 2): 2.0}, activation="identity")
    with pytest.raises(ng.NetworkError, match="0 < a_k < 1"):  # as the other engines say
        linear.fit([[1.0]], [[1.0]], epochs=1, loss="log", engine="torch")
    assert linear.w[1, 2] == 2.0


WORKER = textwrap.dedent("""
    import json, os, sys
    import numpy as np, torch, torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    import neurograph as ng

    rank, world, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(1)
    net = ng.Network.from_document(json.loads(os.environ["NET"]))
    X, Y = np.array(json.loads(os.environ["X"])), np.array(json.loads(os.environ["Y"]))
    if world > 1:
        dist.init_process_group("gloo", rank=rank, world_size=world)
        module = DistributedDataParallel(net.to_torch())
        rows = slice(rank, None, world)  # each replica its half of every batch
    else:
        module, rows = net.to_torch(), slice(None)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.3)
    X, Y = torch.tensor(X[rows]), torch.tensor(Y[rows])
    for _ in range(25):
        optimizer.zero_grad()
        ((module(X) - Y) ** 2).sum(dim=1).mean().backward()
        optimizer.step()
    inner = module.module if world > 1 else module
    with open(out, "w") as file:
        json.dump(inner.theta.detach().tolist(), file)
    if world > 1:  # both done before either tears gloo down (else one may abort on exit)
        dist.barrier()
        dist.destroy_process_group()
""")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_distributed_data_parallel_replicas_end_as_one_process(tmp_path):
    """Two processes (gloo, loopback): each trains on its half of the data; DDP averages the
    gradients, so both replicas end with the single-process run's weights on all of it."""
    net = ng.Network.layered([3, 4, 2], activation="tanh", seed=5)
    net.connect(1, 9, 0.2)
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(12, 3)), rng.uniform(size=(12, 2))
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "NET": json.dumps(net.to_document()), "X": json.dumps(X.tolist()),
           "Y": json.dumps(Y.tolist()), "MASTER_ADDR": "127.0.0.1",
           "MASTER_PORT": str(free_port())}
    env["GLOO_SOCKET_IFNAME"] = "lo"  # the loopback interface, whatever the host's name
    replicas = [subprocess.Popen([sys.executable, str(script), str(rank), "2",
                                  str(tmp_path / f"rank{rank}.json")], env=env,
                                 stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                for rank in range(2)]
    errors = [p.communicate()[1] for p in replicas]
    assert [p.returncode for p in replicas] == [0, 0], "\n".join(e[-2000:] for e in errors)
    # a port of its own: the pair's port may still be held (TIME_WAIT) as they close
    subprocess.run([sys.executable, str(script), "0", "1", str(tmp_path / "single.json")],
                   env={**env, "MASTER_PORT": str(free_port())}, check=True,
                   stdin=subprocess.DEVNULL)
    single = json.loads((tmp_path / "single.json").read_text())
    for rank in range(2):
        agree(json.loads((tmp_path / f"rank{rank}.json").read_text()), single)
    assert single != net.theta().tolist()  # it did train


@pytest.mark.parametrize("packed", [True, False])
def test_fit_on_the_cpu_runs_a_small_network_on_one_torch_thread_and_puts_the_count_back(
        monkeypatch, packed):
    """Both paths: the packed blocks' backward pass, and autograd's (a batch norm)."""
    from neurograph.engines.tensor_blocks import TorchBlocks
    seen = []
    owner, name = (TorchBlocks, "gradient") if packed else (torch.Tensor, "backward")
    real = getattr(owner, name)

    def spy(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        net = ng.Network.layered([2, 3, 1], seed=0)
        if not packed:
            net.add_batch_norm(3)
        X, Y = ng.datasets.xor()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ng.SlowPathWarning)
            net.fit(X, Y, engine="torch", device="cpu", epochs=2, batch_size=2)
        assert seen and set(seen) == {1}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
